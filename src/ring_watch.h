/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting from sampled 16-bit ring indexes.  A split ring's avail and used
 * indexes count buffers modulo 65536, so the difference between two
 * samples is exact only while fewer than 65536 buffers passed in between.
 * Nothing in the ring says how many did: the watch keeps the fastest rate
 * a queue was seen at, asks for the next sample soon enough that twice
 * that rate moves an index a quarter of its range, and calls an interval
 * unsure (counted as events lost, never silently) when a wrap cannot be
 * ruled out: the index moved half its range or more, or twice the fastest
 * rate over the interval's length reaches a whole range.
 */
#ifndef VQWATCH_RING_WATCH_H
#define VQWATCH_RING_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#define RING_INDEX_RANGE	65536u
/* sampling interval bounds: the slowest is the collection's own sample */
#define RING_WATCH_MIN_MS	10
#define RING_WATCH_MAX_MS	1000

struct ring_watch {
	uint64_t last_ns;	/* the previous sample, 0 before the first */
	double peak_per_ms;	/* the fastest an index of the queue moved */
	uint64_t unsure;	/* intervals where a wrap cannot be ruled out */
};

/* One sample at now_ns, the indexes having moved by at most `moved` (mod
 * 65536) since the previous one; returns true when this interval is
 * unsure (and counts it). */
bool ring_watch_step(struct ring_watch *w, uint64_t now_ns, uint16_t moved);

/* How soon, in ms, the queue wants its next sample. */
uint64_t ring_watch_interval_ms(const struct ring_watch *w);

#endif
