/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histogram slots, shared by BPF (which fills them) and user space
 * (which renders them).  Slot i counts values v (microseconds) with
 * floor(log2(v)) == i - 1, slot 0 counts v == 0; so slot i holds
 * v <= 2^i - 1 for i >= 1, and its upper bound ("le") is 2^i - 1 us.
 * Values from 2^(VQ_HIST_SLOTS - 2) us on go
 * to the last slot, whose bound is +Inf (2^30 us is about 18 minutes).
 */
#ifndef VQWATCH_HIST_H
#define VQWATCH_HIST_H

#define VQ_HIST_SLOTS 32

#endif
