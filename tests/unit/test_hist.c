// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the latency histogram mapping (src/hist.c) as
 * include/vqwatch_hist.h writes it down: slot 0 holds 0 us, slot i >= 1
 * holds 2^(i-1) .. 2^i - 1 us with upper bound ("le") 2^i - 1, and the
 * last slot holds 2^(VQ_HIST_SLOTS - 2) us and more, bound +Inf.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "hist.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LAST (VQ_HIST_SLOTS - 1)
#define P2(k) (UINT64_C(1) << (k))

static void test_slot_small_values(void **state)
{
	static const struct { uint64_t us; unsigned int slot; } cases[] = {
		{ 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 2 }, { 4, 3 }, { 5, 3 }, { 7, 3 },
		{ 8, 4 }, { 15, 4 }, { 16, 5 }, { 1000, 10 }, { 1023, 10 }, { 1024, 11 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (hist_slot(cases[i].us) != cases[i].slot)
			fail_msg("hist_slot(%llu) = %u, expected %u",
				 (unsigned long long)cases[i].us, hist_slot(cases[i].us), cases[i].slot);
}

/* Exact powers of two open a slot; 2^k - 1 closes the one before. */
static void test_slot_edges(void **state)
{
	(void)state;
	for (unsigned int k = 0; k < VQ_HIST_SLOTS - 2; k++) {
		assert_int_equal(hist_slot(P2(k)), k + 1);
		if (k >= 1)
			assert_int_equal(hist_slot(P2(k) - 1), k);
		if (k >= 2)
			assert_int_equal(hist_slot(P2(k) + 1), k + 1);
	}
}

/* From 2^(VQ_HIST_SLOTS - 2) us on: the last (+Inf) slot, whatever the size. */
static void test_slot_inf(void **state)
{
	(void)state;
	assert_int_equal(VQ_HIST_SLOTS, 32);
	assert_int_equal(hist_slot(P2(VQ_HIST_SLOTS - 2) - 1), LAST - 1);
	assert_int_equal(hist_slot(P2(VQ_HIST_SLOTS - 2)), LAST);
	assert_int_equal(hist_slot(P2(VQ_HIST_SLOTS - 2) + 1), LAST);
	assert_int_equal(hist_slot(P2(40)), LAST);
	assert_int_equal(hist_slot(P2(63)), LAST);
	assert_int_equal(hist_slot(UINT64_MAX), LAST);
}

static void test_bounds(void **state)
{
	uint64_t le = 12345;

	(void)state;
	assert_true(hist_slot_bound_us(0, &le));
	assert_int_equal(le, 0);
	assert_true(hist_slot_bound_us(1, &le));
	assert_int_equal(le, 1);
	assert_true(hist_slot_bound_us(2, &le));
	assert_int_equal(le, 3);
	assert_true(hist_slot_bound_us(10, &le));
	assert_int_equal(le, 1023);
	assert_true(hist_slot_bound_us(LAST - 1, &le));
	assert_int_equal(le, P2(LAST - 1) - 1);
	/* +Inf, and nothing beyond the last slot */
	le = 777;
	assert_false(hist_slot_bound_us(LAST, &le));
	assert_false(hist_slot_bound_us(VQ_HIST_SLOTS, &le));
	assert_false(hist_slot_bound_us(1000, &le));
	assert_int_equal(le, 777);	/* untouched when false */
}

/* The mapping and the bounds agree: a value is at most its slot's bound
 * and above the bound of the slot before (so a value exactly on an edge,
 * 2^i - 1, is counted under le = 2^i - 1, as Prometheus' le means). */
static void test_slot_and_bound_agree(void **state)
{
	(void)state;
	for (unsigned int k = 0; k < 64; k++) {
		const uint64_t values[] = { P2(k) - 1, P2(k), P2(k) + 1 };

		for (size_t j = 0; j < ARRAY_SIZE(values); j++) {
			uint64_t v = values[j], le, below;
			unsigned int slot = hist_slot(v);

			assert_true(slot < VQ_HIST_SLOTS);
			if (hist_slot_bound_us(slot, &le))
				assert_true(v <= le);
			else
				assert_int_equal(slot, LAST);
			if (slot > 0) {
				assert_true(hist_slot_bound_us(slot - 1, &below));
				assert_true(v > below);
			}
		}
	}
}

static void test_quantiles(void **state)
{
	uint64_t slots[VQ_HIST_SLOTS], le;

	(void)state;
	memset(slots, 0, sizeof(slots));
	assert_false(hist_quantile_us(slots, 0.5, &le));	/* empty */

	slots[hist_slot(5)] = 10;				/* all 4..7 us */
	assert_true(hist_quantile_us(slots, 0.5, &le));
	assert_int_equal(le, 7);
	assert_true(hist_quantile_us(slots, 0.99, &le));
	assert_int_equal(le, 7);
	assert_true(hist_quantile_us(slots, 1.0, &le));
	assert_int_equal(le, 7);

	/* 50 at 1 us, 49 at 20 us, 1 at 1000 us */
	memset(slots, 0, sizeof(slots));
	slots[hist_slot(1)] = 50;
	slots[hist_slot(20)] = 49;
	slots[hist_slot(1000)] = 1;
	assert_true(hist_quantile_us(slots, 0.5, &le));	/* exactly 50 of 100 */
	assert_int_equal(le, 1);
	assert_true(hist_quantile_us(slots, 0.51, &le));
	assert_int_equal(le, 31);
	assert_true(hist_quantile_us(slots, 0.99, &le));	/* exactly 99 of 100 */
	assert_int_equal(le, 31);
	assert_true(hist_quantile_us(slots, 0.995, &le));
	assert_int_equal(le, 1023);
	assert_true(hist_quantile_us(slots, 1.0, &le));
	assert_int_equal(le, 1023);

	/* zero latencies: le 0 */
	memset(slots, 0, sizeof(slots));
	slots[0] = 3;
	assert_true(hist_quantile_us(slots, 0.5, &le));
	assert_int_equal(le, 0);

	/* the quantile in the +Inf slot has no finite bound */
	memset(slots, 0, sizeof(slots));
	slots[hist_slot(1)] = 1;
	slots[LAST] = 99;
	assert_true(hist_quantile_us(slots, 0.01, &le));
	assert_int_equal(le, 1);
	assert_false(hist_quantile_us(slots, 0.5, &le));
	assert_false(hist_quantile_us(slots, 0.99, &le));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_small_values),
		cmocka_unit_test(test_slot_edges),
		cmocka_unit_test(test_slot_inf),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_slot_and_bound_agree),
		cmocka_unit_test(test_quantiles),
	};

	return cmocka_run_group_tests_name("histogram slots", tests, NULL, NULL);
}
