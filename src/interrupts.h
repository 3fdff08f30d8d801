/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-irq totals from /proc/interrupts: for each numbered line, the sum of
 * its per-CPU columns.  The kernel keeps these counts for every vector at
 * no cost to anyone, so where nothing else needs a program per interrupt
 * (discovery found the queues) the irq entry program is left out and the
 * interrupts come from here.
 */
#ifndef VQWATCH_INTERRUPTS_H
#define VQWATCH_INTERRUPTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fill totals[irq] for every irq < n that f lists (others 0).  -1 when f
 * is not /proc/interrupts' format (no CPU header). */
int interrupts_parse(FILE *f, uint64_t *totals, size_t n);

#endif
