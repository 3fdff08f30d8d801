// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for feature masks (src/feature_mask.c): --offered/--negotiated
 * arguments, sysfs "features" (64 bits up to Linux 6.16, 128 from 6.17),
 * hex formatting and bit names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "feature_mask.h"
#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct vq_device_type *type(const char *name)
{
	const struct vq_device_type *t = virtio_type_by_name(name);

	assert_non_null(t);
	return t;
}

static void assert_mask(const struct vq_features *f, uint64_t hi, uint64_t lo)
{
	assert_int_equal(f->word[0], lo);
	assert_int_equal(f->word[1], hi);
}

/* A string of n copies of c, for long masks. */
static const char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* ---- features_parse_arg: hex ---- */

struct hex_case {
	const char *arg;
	uint64_t hi, lo;
};

static void test_parse_hex(void **state)
{
	static const struct hex_case ok[] = {
		{ "0x22", 0, 0x22 },				/* bits 1 and 5 */
		{ "0X22", 0, 0x22 },
		{ "0xAbC", 0, 0xabc },
		{ "0x0", 0, 0 },
		{ "0x8000000000000000", 0, 1ULL << 63 },
		{ "0x10000000000000000", 1, 0 },		/* bit 64 */
		/* 0x1 followed by 31 zeros: bit 124 */
		{ "0x10000000000000000000000000000000", 1ULL << 60, 0 },
		/* bit 127, the last one */
		{ "0x80000000000000000000000000000000", 1ULL << 63, 0 },
		{ "0xffffffffffffffffffffffffffffffff", ~0ULL, ~0ULL },
		/* leading zeros carry no bits, however many */
		{ "0x000000000000000000000000000000000000000001", 0, 1 },
	};
	const struct vq_device_type *balloon = type("balloon");
	struct vq_features f;
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		err[0] = '\0';
		assert_int_equal(features_parse_arg(balloon, ok[i].arg, &f, err, sizeof(err)), 0);
		assert_mask(&f, ok[i].hi, ok[i].lo);
		assert_string_equal(err, "");
	}
	assert_int_equal(features_parse_arg(balloon, "0x22", &f, err, sizeof(err)), 0);
	assert_true(features_has(&f, 1));
	assert_true(features_has(&f, 5));
	assert_int_equal(features_next(&f, 0), 1);
	assert_int_equal(features_next(&f, 2), 5);
	assert_int_equal(features_next(&f, 6), -1);
}

struct bad_case {
	const char *arg;
	const char *says;	/* the message must contain this */
};

static void test_parse_hex_rejected(void **state)
{
	static const struct bad_case bad[] = {
		/* 0x1 followed by 32 zeros: bit 128 */
		{ "0x100000000000000000000000000000000", "127" },
		{ "0xf00000000000000000000000000000000", "127" },
		{ "0xZZ", "'Z'" },
		{ "0x12g4", "'g'" },
		{ "0x", "no hex digits" },
		{ "0x-1", "'-'" },
		{ "0x22 ", "' '" },
	};
	const struct vq_device_type *balloon = type("balloon");
	struct vq_features f;
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		assert_int_equal(features_parse_arg(balloon, bad[i].arg, &f, err, sizeof(err)), -1);
		assert_non_null(strstr(err, bad[i].says));
		/* one line for the user, naming what was wrong */
		assert_non_null(strstr(err, bad[i].arg));
		assert_null(strchr(err, '\n'));
	}
}

static void test_parse_empty(void **state)
{
	struct vq_features f;
	char err[256] = "";

	(void)state;
	assert_int_equal(features_parse_arg(type("balloon"), "", &f, err, sizeof(err)), -1);
	assert_true(err[0] != '\0');
}

/* ---- features_parse_arg: names ---- */

struct names_case {
	const char *type, *arg;
	uint64_t hi, lo;
};

static void test_parse_names(void **state)
{
	static const struct names_case ok[] = {
		{ "balloon", "STATS_VQ", 0, 1ULL << 1 },
		{ "balloon", "STATS_VQ,REPORTING", 0, 0x22 },
		{ "balloon", "VIRTIO_BALLOON_F_STATS_VQ,VIRTIO_BALLOON_F_REPORTING", 0, 0x22 },
		{ "balloon", "stats_vq,Reporting", 0, 0x22 },
		{ "balloon", "virtio_balloon_f_free_page_hint", 0, 1ULL << 3 },
		{ "balloon", "STATS_VQ, REPORTING", 0, 0x22 },
		/* the spec's and Firecracker's spellings of bit 5 */
		{ "balloon", "PAGE_REPORTING", 0, 1ULL << 5 },
		{ "balloon", "FREE_PAGE_REPORTING", 0, 1ULL << 5 },
		/* transport bits, with or without their prefix */
		{ "balloon", "VERSION_1", 0, 1ULL << 32 },
		{ "balloon", "VIRTIO_F_VERSION_1", 0, 1ULL << 32 },
		{ "balloon", "virtio_ring_f_event_idx", 0, 1ULL << 29 },
		{ "net", "MQ,CTRL_VQ", 0, (1ULL << 22) | (1ULL << 17) },
		{ "net", "VIRTIO_NET_F_RSS", 0, 1ULL << 60 },
		/* bits >= 64 (Linux features_array) */
		{ "net", "RSS_CONTEXT", 1, 0 },
	};
	struct vq_features f;
	char err[256];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(features_parse_arg(type(ok[i].type), ok[i].arg, &f, err,
						    sizeof(err)), 0);
		assert_mask(&f, ok[i].hi, ok[i].lo);
	}
}

static void test_parse_unknown_name(void **state)
{
	static const struct { const char *type, *arg, *bad; } bad[] = {
		{ "balloon", "BOGUS", "BOGUS" },
		{ "balloon", "STATS_VQ,BOGUS", "BOGUS" },
		/* another device's bit, and another device's prefix */
		{ "balloon", "MQ", "MQ" },
		{ "balloon", "VIRTIO_NET_F_STATS_VQ", "VIRTIO_NET_F_STATS_VQ" },
		{ "balloon", "STATS", "STATS" },
	};
	struct vq_features f;
	char err[2048];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		assert_int_equal(features_parse_arg(type(bad[i].type), bad[i].arg, &f, err,
						    sizeof(err)), -1);
		assert_non_null(strstr(err, bad[i].bad));
		/* and it lists the names that would work */
		assert_non_null(strstr(err, "STATS_VQ"));
		assert_non_null(strstr(err, "FREE_PAGE_HINT"));
		assert_non_null(strstr(err, "REPORTING"));
		assert_non_null(strstr(err, "VERSION_1"));
	}
}

/* ---- features_parse_sysfs ---- */

static void test_parse_sysfs(void **state)
{
	char text[256];
	struct vq_features f;
	unsigned int width = 0;

	(void)state;
	/* 64 characters, bit 0 first: bits 1, 5 and 32 */
	repeat(text, '0', 64);
	text[1] = text[5] = text[32] = '1';
	assert_int_equal(features_parse_sysfs(text, &f, &width), 0);
	assert_int_equal(width, 64);
	assert_mask(&f, 0, 0x100000022ULL);

	/* as read from the file, with its newline */
	strcat(text, "\n");
	width = 0;
	assert_int_equal(features_parse_sysfs(text, &f, &width), 0);
	assert_int_equal(width, 64);
	assert_mask(&f, 0, 0x100000022ULL);

	/* 128 characters (Linux 6.17+): bits 0, 64 and 127 */
	repeat(text, '0', 128);
	text[0] = text[64] = text[127] = '1';
	strcat(text, "\n");
	assert_int_equal(features_parse_sysfs(text, &f, &width), 0);
	assert_int_equal(width, 128);
	assert_mask(&f, (1ULL << 63) | 1, 1);

	/* all ones, both widths */
	assert_int_equal(features_parse_sysfs(repeat(text, '1', 64), &f, &width), 0);
	assert_mask(&f, 0, ~0ULL);
	assert_int_equal(features_parse_sysfs(repeat(text, '1', 128), &f, &width), 0);
	assert_mask(&f, ~0ULL, ~0ULL);
}

static void test_parse_sysfs_rejected(void **state)
{
	static const size_t bad_len[] = { 0, 1, 63, 65, 127, 129, 192 };
	static const char bad_chars[] = { '2', 'x', ' ', '\t', '\r', '-' };
	char text[256];
	struct vq_features f;
	unsigned int width = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_len); i++) {
		assert_int_equal(features_parse_sysfs(repeat(text, '0', bad_len[i]), &f, &width), -1);
		strcat(text, "\n");
		assert_int_equal(features_parse_sysfs(text, &f, &width), -1);
	}
	assert_int_equal(features_parse_sysfs("\n", &f, &width), -1);

	/* right length, wrong characters, first or last */
	for (size_t i = 0; i < ARRAY_SIZE(bad_chars); i++) {
		for (size_t pos = 0; pos < 64; pos += 63) {
			repeat(text, '0', 64);
			text[pos] = bad_chars[i];
			assert_int_equal(features_parse_sysfs(text, &f, &width), -1);
		}
	}
	/* a truncated read of a 128-bit file */
	repeat(text, '1', 100);
	assert_int_equal(features_parse_sysfs(text, &f, &width), -1);
	assert_int_equal(width, 0);
}

/* ---- formatting and naming ---- */

static void test_format_hex(void **state)
{
	static const struct { uint64_t hi, lo; const char *hex; } cases[] = {
		{ 0, 0, "0x0" },
		{ 0, 0x22, "0x22" },
		{ 0, 0x1000000a2, "0x1000000a2" },
		{ 0, ~0ULL, "0xffffffffffffffff" },
		{ 1, 0, "0x10000000000000000" },
		{ 1ULL << 63, 1, "0x80000000000000000000000000000001" },
		{ 0x7f, 0x22, "0x7f0000000000000022" },
	};
	const struct vq_device_type *balloon = type("balloon");
	char buf[64], err[256];
	struct vq_features f, back;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f.word[0] = cases[i].lo;
		f.word[1] = cases[i].hi;
		features_format_hex(&f, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].hex);
		/* what we print, --offered reads back */
		assert_int_equal(features_parse_arg(balloon, buf, &back, err, sizeof(err)), 0);
		assert_mask(&back, cases[i].hi, cases[i].lo);
	}
}

static void test_label(void **state)
{
	static const struct { const char *type; unsigned int bit; const char *label; bool named; }
	cases[] = {
		{ "balloon", 1, "STATS_VQ", true },
		{ "balloon", 5, "REPORTING", true },
		{ "balloon", 7, "bit 7", false },	/* non-standard (reference 6.2) */
		{ "balloon", 32, "VERSION_1", true },
		{ "balloon", 30, "bit 30", false },	/* UNUSED, must not be negotiated */
		{ "balloon", 127, "bit 127", false },
		{ "net", 22, "MQ", true },
		{ "net", 64, "RSS_CONTEXT", true },
		{ NULL, 32, "VERSION_1", true },	/* unknown device type */
		{ NULL, 1, "bit 1", false },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct vq_device_type *t = cases[i].type ? type(cases[i].type) : NULL;

		assert_int_equal(features_label(t, cases[i].bit, buf, sizeof(buf)), cases[i].named);
		assert_string_equal(buf, cases[i].label);
	}
}

static void test_is_subset(void **state)
{
	static const struct {
		struct vq_features sub, super;
		bool subset;
	} cases[] = {
		{ { { 0, 0 } }, { { 0, 0 } }, true },
		{ { { 0, 0 } }, { { 0x22, 1 } }, true },
		{ { { 0x2, 0 } }, { { 0x22, 0 } }, true },
		{ { { 0x22, 0 } }, { { 0x22, 0 } }, true },
		{ { { 0x22, 0 } }, { { 0x2, 0 } }, false },
		{ { { 0x22, 1 } }, { { 0x22, 0 } }, false },	/* bit 64 not offered */
		{ { { 0, 1ULL << 63 } }, { { ~0ULL, 0 } }, false },
		{ { { ~0ULL, ~0ULL } }, { { ~0ULL, ~0ULL } }, true },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(features_is_subset(&cases[i].sub, &cases[i].super),
				 cases[i].subset);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_hex),
		cmocka_unit_test(test_parse_hex_rejected),
		cmocka_unit_test(test_parse_empty),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_parse_unknown_name),
		cmocka_unit_test(test_parse_sysfs),
		cmocka_unit_test(test_parse_sysfs_rejected),
		cmocka_unit_test(test_format_hex),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_is_subset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
