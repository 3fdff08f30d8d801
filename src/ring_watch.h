/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting from sampled ring indexes.  A split ring's avail and used
 * indexes count buffers modulo 65536, a packed ring's positions with their
 * wrap counters modulo twice its size, so the difference between two
 * samples is exact only while less than that range passed in between.
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
#include <linux/types.h>	/* __u64 in the shared header */
#include "virtio.h"
#include "vqwatch_queue.h"

#define RING_INDEX_RANGE	65536u
/* sampling interval bounds: the slowest is the collection's own sample */
#define RING_WATCH_MIN_MS	10
#define RING_WATCH_MAX_MS	1000

struct ring_watch {
	uint32_t range;		/* the indexes' cycle, RING_INDEX_RANGE or 2 x size */
	uint64_t last_ns;	/* the previous sample, 0 before the first */
	double peak_per_ms;	/* the fastest an index of the queue moved */
	uint64_t unsure;	/* intervals where a wrap cannot be ruled out */
};

/*
 * A ring's indexes as positions on a cycle.  Split: the free-running 16-bit
 * avail and used indexes, which count buffers (RING_INDEX_RANGE).  Packed:
 * each position in the ring with its wrap counter, passed once per wrap
 * value (twice the ring's size), which count descriptors: a buffer is one
 * descriptor when the queue can use indirect descriptors (the device
 * negotiated VIRTIO_RING_F_INDIRECT_DESC; Linux's drivers put one element
 * in the buffers of the queues that cannot, net's receive queues) or its
 * driver puts one element in each (virtio_queue_single_element), else its
 * chain's length, which only the hooks see.
 */
struct ring_pos {
	uint32_t range, avail, used;
};

/* False when the positions do not count buffers (or the read is
 * malformed): nothing is to be counted from them. */
bool ring_positions(const struct vq_snap_queue *sq, const struct vq_features *negotiated,
		    bool single_element, struct ring_pos *out);

/* How far an index went from `from` to `to` on a cycle of `range`. */
uint32_t ring_delta(uint32_t from, uint32_t to, uint32_t range);

/* One sample at now_ns, the indexes having moved by at most `moved` (mod
 * range) since the previous one; returns true when this interval is
 * unsure (and counts it). */
bool ring_watch_step(struct ring_watch *w, uint64_t now_ns, uint32_t moved, uint32_t range);

/* How soon, in ms, the queue wants its next sample. */
uint64_t ring_watch_interval_ms(const struct ring_watch *w);

#endif
