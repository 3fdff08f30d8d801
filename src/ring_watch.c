// SPDX-License-Identifier: GPL-2.0
/* Counting from sampled 16-bit ring indexes: see ring_watch.h. */
#include "ring_watch.h"

bool ring_watch_step(struct ring_watch *w, uint64_t now_ns, uint16_t moved)
{
	double elapsed_ms, rate, fastest;
	bool unsure;

	if (!w->last_ns || now_ns <= w->last_ns) {
		w->last_ns = now_ns;
		return false;
	}
	elapsed_ms = (double)(now_ns - w->last_ns) / 1e6;
	w->last_ns = now_ns;
	rate = moved / (elapsed_ms > 0.001 ? elapsed_ms : 0.001);
	fastest = rate > w->peak_per_ms ? rate : w->peak_per_ms;
	unsure = moved >= RING_INDEX_RANGE / 2 || 2 * fastest * elapsed_ms >= RING_INDEX_RANGE;
	w->peak_per_ms = fastest;
	w->unsure += unsure;
	return unsure;
}

uint64_t ring_watch_interval_ms(const struct ring_watch *w)
{
	double ms;

	if (w->peak_per_ms <= 0)
		return RING_WATCH_MAX_MS;
	ms = (RING_INDEX_RANGE / 4) / (2 * w->peak_per_ms);
	if (ms < RING_WATCH_MIN_MS)
		return RING_WATCH_MIN_MS;
	return ms > RING_WATCH_MAX_MS ? RING_WATCH_MAX_MS : (uint64_t)ms;
}
