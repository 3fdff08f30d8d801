// SPDX-License-Identifier: GPL-2.0
/* Unit tests for counting from sampled ring indexes (src/ring_watch.c):
 * when an interval is unsure (a wrap cannot be ruled out), and how soon a
 * busy queue asks to be sampled again; split rings (65,536) and packed
 * rings (twice the ring's size). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ring_watch.h"

#define MS 1000000ull	/* ns */

static void test_first_sample_is_a_start(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	assert_false(ring_watch_step(&w, 5 * MS, 60000, RING_INDEX_RANGE));	/* no interval yet */
	assert_int_equal(w.unsure, 0);
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MAX_MS);
}

static void test_slow_queue_is_sure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1 * MS, 0, RING_INDEX_RANGE);
	/* 3,000 a second (a TCG guest's disk), sampled every second */
	for (uint64_t t = 2; t < 30; t++)
		assert_false(ring_watch_step(&w, t * 1000 * MS, 3000, RING_INDEX_RANGE));
	assert_int_equal(w.unsure, 0);
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MAX_MS);
}

static void test_half_range_is_unsure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0, RING_INDEX_RANGE);
	/* 32,767 could be itself; 32,768 could also be -32,768 + 65,536 */
	assert_false(ring_watch_step(&w, 1300 * MS, 6000, RING_INDEX_RANGE));
	w.peak_per_ms = 0;	/* the rate rule alone must not decide below */
	w.last_ns = 1000 * MS;
	assert_true(ring_watch_step(&w, 3000 * MS, 32768, RING_INDEX_RANGE));
	assert_int_equal(w.unsure, 1);
}

static void test_fast_queue_then_a_long_gap_is_unsure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0, RING_INDEX_RANGE);
	/* 40 per ms (40,000 a second): 4,000 in 100 ms */
	assert_false(ring_watch_step(&w, 1100 * MS, 4000, RING_INDEX_RANGE));
	/* the next sample asks for 16,384 / (2 x 40) = 204 ms */
	assert_int_equal(ring_watch_interval_ms(&w), 204);
	/* a sample a whole second later shows little movement: at twice the
	 * peak rate the index could have gone round, so unsure */
	assert_true(ring_watch_step(&w, 2100 * MS, 100, RING_INDEX_RANGE));
	assert_int_equal(w.unsure, 1);
	/* back on time: sure again */
	assert_false(ring_watch_step(&w, 2300 * MS, 8000, RING_INDEX_RANGE));
	assert_int_equal(w.unsure, 1);
}

/* A packed ring of 256 entries: its positions and wrap counters cycle
 * every 512 descriptors, so the same rules hold on a far smaller range. */
static void test_packed_range(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0, 512);
	/* 0.2 per ms (200 a second): 200 in a second, less than half */
	assert_false(ring_watch_step(&w, 2000 * MS, 200, 512));
	/* the next sample asks for 128 / (2 x 0.2) = 320 ms */
	assert_int_equal(ring_watch_interval_ms(&w), 320);
	/* half the range could be either direction round */
	assert_true(ring_watch_step(&w, 2100 * MS, 256, 512));
	assert_int_equal(w.unsure, 1);
	/* 3 per ms (a TCG disk's writes): 128 / (2 x 3) = 21 ms */
	assert_false(ring_watch_step(&w, 2110 * MS, 30, 512));
	assert_int_equal(ring_watch_interval_ms(&w), 21);
	/* 10 per ms: as often as the bounds allow */
	assert_false(ring_watch_step(&w, 2120 * MS, 100, 512));
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MIN_MS);
}

static struct vq_features indirect(void)
{
	struct vq_features f = { { 1ull << VQ_F_RING_INDIRECT_DESC, 0 } };

	return f;
}

/* A split ring's indexes are its positions, on a cycle of 65,536. */
static void test_split_positions(void **state)
{
	struct vq_snap_queue sq = { .num = 256, .avail_idx = 3, .used_idx = 65534 };
	struct vq_features none = { { 0, 0 } };
	struct ring_pos p;

	(void)state;
	assert_true(ring_positions(&sq, &none, false, &p));	/* no feature needed */
	assert_int_equal(p.range, RING_INDEX_RANGE);
	assert_int_equal(ring_delta(p.used, p.avail, p.range), 5);	/* across the wrap */
}

/* A packed ring of 256: position and wrap counter make one index of 512;
 * both counters start at 1, so position 0 with wrap 1 is the start. */
static void test_packed_positions(void **state)
{
	struct vq_features f = indirect();
	struct vq_snap_queue sq = { .packed = 1, .num = 256, .avail_idx = 0, .avail_wrap = 1,
				    .used_idx = 0, .used_wrap = 1 };
	struct ring_pos p, q;

	(void)state;
	assert_true(ring_positions(&sq, &f, false, &p));
	assert_int_equal(p.range, 512);
	assert_int_equal(p.avail, 0);
	assert_int_equal(ring_delta(p.used, p.avail, p.range), 0);
	/* the driver went round once and 4 more (wrap flipped), the device
	 * took 250 of them */
	sq.avail_idx = 4;
	sq.avail_wrap = 0;
	sq.used_idx = 250;
	assert_true(ring_positions(&sq, &f, false, &q));
	assert_int_equal(ring_delta(p.avail, q.avail, q.range), 260);
	assert_int_equal(ring_delta(p.used, q.used, q.range), 250);
	assert_int_equal(ring_delta(q.used, q.avail, q.range), 10);	/* in flight */
	/* and round again: the driver's wrap back to 1 (position 4 is 516,
	 * 4 mod 512), the device's past the end to 248 with wrap 0 */
	p = q;
	sq.avail_wrap = 1;
	sq.used_idx = 248;
	sq.used_wrap = 0;
	assert_true(ring_positions(&sq, &f, false, &q));
	assert_int_equal(ring_delta(p.avail, q.avail, q.range), 256);
	assert_int_equal(ring_delta(p.used, q.used, q.range), 254);
	assert_int_equal(ring_delta(q.used, q.avail, q.range), 12);
}

/* Without indirect descriptors a packed position counts descriptors, not
 * buffers, unless the queue's buffers are one element each; a malformed
 * read counts nothing. */
static void test_packed_positions_refused(void **state)
{
	struct vq_features none = { { 0, 0 } }, f = indirect();
	struct vq_snap_queue sq = { .packed = 1, .num = 256, .avail_wrap = 1, .used_wrap = 1 };
	struct ring_pos p;

	(void)state;
	assert_false(ring_positions(&sq, &none, false, &p));
	/* a queue whose driver puts one element in each buffer counts anyway */
	assert_true(ring_positions(&sq, &none, true, &p));
	assert_int_equal(p.range, 512);
	sq.avail_idx = 256;	/* past the ring */
	assert_false(ring_positions(&sq, &f, false, &p));
	sq.avail_idx = 0;
	sq.num = 0;
	assert_false(ring_positions(&sq, &f, false, &p));
}

static void test_interval_bounds(void **state)
{
	struct ring_watch w = { .peak_per_ms = 1e6 };	/* a billion a second */

	(void)state;
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MIN_MS);
	w.peak_per_ms = 1;	/* 1,000 a second: once a second is plenty */
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MAX_MS);
}

static void test_clock_not_moving(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0, RING_INDEX_RANGE);
	assert_false(ring_watch_step(&w, 1000 * MS, 5, RING_INDEX_RANGE));	/* same instant: no interval */
	assert_false(ring_watch_step(&w, 900 * MS, 5, RING_INDEX_RANGE));		/* backwards: restart */
	assert_int_equal(w.unsure, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_sample_is_a_start),
		cmocka_unit_test(test_slow_queue_is_sure),
		cmocka_unit_test(test_half_range_is_unsure),
		cmocka_unit_test(test_fast_queue_then_a_long_gap_is_unsure),
		cmocka_unit_test(test_packed_range),
		cmocka_unit_test(test_split_positions),
		cmocka_unit_test(test_packed_positions),
		cmocka_unit_test(test_packed_positions_refused),
		cmocka_unit_test(test_interval_bounds),
		cmocka_unit_test(test_clock_not_moving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
