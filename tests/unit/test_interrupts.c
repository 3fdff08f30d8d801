// SPDX-License-Identifier: GPL-2.0
/* Unit tests for /proc/interrupts' per-irq totals (src/interrupts.c), on
 * text as the kernel writes it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "interrupts.h"

static int parse(const char *text, uint64_t *totals, size_t n)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	assert_non_null(f);
	ret = interrupts_parse(f, totals, n);
	fclose(f);
	return ret;
}

static void test_sums_cpu_columns(void **state)
{
	/* this development machine's, cut */
	static const char text[] =
		"           CPU0       CPU1       \n"
		"  0:         36          0   IO-APIC   2-edge      timer\n"
		" 24:          0          0  PCI-MSIX-0000:00:02.0   0-edge      virtio0-config\n"
		" 25:         12        300  PCI-MSIX-0000:00:02.0   1-edge      virtio0-req.0\n"
		"NMI:          0          0   Non-maskable interrupts\n"
		"LOC:     123456     654321   Local timer interrupts\n"
		"ERR:          0\n";
	uint64_t t[32];

	(void)state;
	assert_int_equal(parse(text, t, 32), 0);
	assert_int_equal(t[0], 36);
	assert_int_equal(t[24], 0);
	assert_int_equal(t[25], 312);
	assert_int_equal(t[1], 0);	/* not listed */
}

static void test_irq_beyond_the_table_ignored(void **state)
{
	static const char text[] =
		"           CPU0\n"
		" 4095:        7   PCI-MSIX   virtio3-input\n"
		"   3:         5   IO-APIC    3-edge\n";
	uint64_t t[8];

	(void)state;
	assert_int_equal(parse(text, t, 8), 0);
	assert_int_equal(t[3], 5);
}

static void test_short_line_and_long_counts(void **state)
{
	/* a line with fewer columns than CPUs (the kernel prints none for
	 * some chips), and counts past 32 bits */
	static const char text[] =
		"           CPU0       CPU1       CPU2\n"
		" 10:          1\n"
		" 11: 5000000000 5000000000 1   PCI-MSIX   virtio1-output.0\n";
	uint64_t t[16];

	(void)state;
	assert_int_equal(parse(text, t, 16), 0);
	assert_int_equal(t[10], 1);
	assert_int_equal(t[11], 10000000001ull);
}

static void test_not_the_format(void **state)
{
	uint64_t t[4];

	(void)state;
	assert_int_equal(parse("", t, 4), -1);
	assert_int_equal(parse("hello\n 1: 2\n", t, 4), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sums_cpu_columns),
		cmocka_unit_test(test_irq_beyond_the_table_ignored),
		cmocka_unit_test(test_short_line_and_long_counts),
		cmocka_unit_test(test_not_the_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
