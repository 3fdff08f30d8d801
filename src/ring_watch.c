// SPDX-License-Identifier: GPL-2.0
/* Counting from sampled ring indexes: see ring_watch.h. */
#include "ring_watch.h"

bool ring_watch_step(struct ring_watch *w, uint64_t now_ns, uint32_t moved, uint32_t range)
{
	double elapsed_ms, rate, fastest;
	bool unsure;

	w->range = range;
	if (!w->last_ns || now_ns <= w->last_ns) {
		w->last_ns = now_ns;
		return false;
	}
	elapsed_ms = (double)(now_ns - w->last_ns) / 1e6;
	w->last_ns = now_ns;
	rate = moved / (elapsed_ms > 0.001 ? elapsed_ms : 0.001);
	fastest = rate > w->peak_per_ms ? rate : w->peak_per_ms;
	unsure = moved >= range / 2 || 2 * fastest * elapsed_ms >= range;
	w->peak_per_ms = fastest;
	w->unsure += unsure;
	return unsure;
}

uint64_t ring_watch_interval_ms(const struct ring_watch *w)
{
	double ms;

	if (w->peak_per_ms <= 0)
		return RING_WATCH_MAX_MS;
	ms = ((w->range ? w->range : RING_INDEX_RANGE) / 4) / (2 * w->peak_per_ms);
	if (ms < RING_WATCH_MIN_MS)
		return RING_WATCH_MIN_MS;
	return ms > RING_WATCH_MAX_MS ? RING_WATCH_MAX_MS : (uint64_t)ms;
}

bool ring_positions(const struct vq_snap_queue *sq, const struct vq_features *negotiated,
		    bool single_element, struct ring_pos *out)
{
	if (!sq->packed) {
		*out = (struct ring_pos){ RING_INDEX_RANGE, sq->avail_idx, sq->used_idx };
		return true;
	}
	if (!sq->num || sq->num > RING_INDEX_RANGE / 2 || sq->avail_idx >= sq->num ||
	    sq->used_idx >= sq->num ||
	    !(single_element || features_has(negotiated, VQ_F_RING_INDIRECT_DESC)))
		return false;
	out->range = 2 * sq->num;
	out->avail = sq->avail_idx + (sq->avail_wrap ? 0 : sq->num);
	out->used = sq->used_idx + (sq->used_wrap ? 0 : sq->num);
	return true;
}

uint32_t ring_delta(uint32_t from, uint32_t to, uint32_t range)
{
	return (to + range - from) % range;
}
