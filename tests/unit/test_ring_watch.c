// SPDX-License-Identifier: GPL-2.0
/* Unit tests for counting from sampled 16-bit ring indexes
 * (src/ring_watch.c): when an interval is unsure (a wrap cannot be ruled
 * out), and how soon a busy queue asks to be sampled again. */
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
	assert_false(ring_watch_step(&w, 5 * MS, 60000));	/* no interval yet */
	assert_int_equal(w.unsure, 0);
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MAX_MS);
}

static void test_slow_queue_is_sure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1 * MS, 0);
	/* 3,000 a second (a TCG guest's disk), sampled every second */
	for (uint64_t t = 2; t < 30; t++)
		assert_false(ring_watch_step(&w, t * 1000 * MS, 3000));
	assert_int_equal(w.unsure, 0);
	assert_int_equal(ring_watch_interval_ms(&w), RING_WATCH_MAX_MS);
}

static void test_half_range_is_unsure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0);
	/* 32,767 could be itself; 32,768 could also be -32,768 + 65,536 */
	assert_false(ring_watch_step(&w, 1300 * MS, 6000));
	w.peak_per_ms = 0;	/* the rate rule alone must not decide below */
	w.last_ns = 1000 * MS;
	assert_true(ring_watch_step(&w, 3000 * MS, 32768));
	assert_int_equal(w.unsure, 1);
}

static void test_fast_queue_then_a_long_gap_is_unsure(void **state)
{
	struct ring_watch w = { 0 };

	(void)state;
	ring_watch_step(&w, 1000 * MS, 0);
	/* 40 per ms (40,000 a second): 4,000 in 100 ms */
	assert_false(ring_watch_step(&w, 1100 * MS, 4000));
	/* the next sample asks for 16,384 / (2 x 40) = 204 ms */
	assert_int_equal(ring_watch_interval_ms(&w), 204);
	/* a sample a whole second later shows little movement: at twice the
	 * peak rate the index could have gone round, so unsure */
	assert_true(ring_watch_step(&w, 2100 * MS, 100));
	assert_int_equal(w.unsure, 1);
	/* back on time: sure again */
	assert_false(ring_watch_step(&w, 2300 * MS, 8000));
	assert_int_equal(w.unsure, 1);
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
	ring_watch_step(&w, 1000 * MS, 0);
	assert_false(ring_watch_step(&w, 1000 * MS, 5));	/* same instant: no interval */
	assert_false(ring_watch_step(&w, 900 * MS, 5));		/* backwards: restart */
	assert_int_equal(w.unsure, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_sample_is_a_start),
		cmocka_unit_test(test_slow_queue_is_sure),
		cmocka_unit_test(test_half_range_is_unsure),
		cmocka_unit_test(test_fast_queue_then_a_long_gap_is_unsure),
		cmocka_unit_test(test_interval_bounds),
		cmocka_unit_test(test_clock_not_moving),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
