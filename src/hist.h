/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histogram helpers: the BPF slot <-> upper bound mapping of
 * include/vqwatch_hist.h, written down once and used by every sink.
 */
#ifndef VQWATCH_HIST_H_SRC
#define VQWATCH_HIST_H_SRC

#include <stdbool.h>
#include <stdint.h>
#include "vqwatch_hist.h"

/* The slot a value of `us` microseconds falls in (what BPF computes). */
unsigned int hist_slot(uint64_t us);
/* Upper bound of slot i in microseconds (inclusive); false for the last
 * slot, whose bound is +Inf. */
bool hist_slot_bound_us(unsigned int slot, uint64_t *le_us);
/* The upper bound of the slot holding the q-quantile (0 < q <= 1) of
 * the counts; false when empty or when it falls in the +Inf slot. */
bool hist_quantile_us(const uint64_t slots[VQ_HIST_SLOTS], double q, uint64_t *le_us);

#endif
