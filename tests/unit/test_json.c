// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the streaming JSON writer (src/json.c): exact text of
 * small documents, compact and pretty; string escaping (control bytes,
 * UTF-8 passed through, invalid UTF-8 replaced by U+FFFD); json_finish.
 * Every output is also checked by an independent validator (json_check.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "json_check.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A document: written by fn, in compact or pretty mode. */
typedef void (*doc_fn)(struct json_writer *w);

static void assert_doc(doc_fn fn, bool pretty, const char *want)
{
	struct capture c;
	struct json_writer w;
	const char *got;

	capture_open(&c);
	json_init(&w, c.f, pretty);
	fn(&w);
	assert_int_equal(json_finish(&w), 0);
	got = capture_text(&c);
	assert_string_equal(got, want);
	assert_true(json_valid(got));
	capture_free(&c);
}

/* ---- documents ---- */

static void doc_empty_object(struct json_writer *w)
{
	json_object_begin(w);
	json_object_end(w);
}

static void doc_empty_array(struct json_writer *w)
{
	json_array_begin(w);
	json_array_end(w);
}

static void doc_mixed(struct json_writer *w)
{
	json_object_begin(w);
	json_name(w, "a");
	json_int(w, 1);
	json_name(w, "b");
	json_array_begin(w);
	json_bool(w, true);
	json_bool(w, false);
	json_null(w);
	json_array_end(w);
	json_name(w, "c");
	json_object_begin(w);
	json_object_end(w);
	json_name(w, "d");
	json_array_begin(w);
	json_array_end(w);
	json_name(w, "e");
	json_string(w, "x");
	json_object_end(w);
}

static void doc_nested(struct json_writer *w)
{
	json_array_begin(w);
	json_array_begin(w);
	json_int(w, 1);
	json_array_begin(w);
	json_int(w, 2);
	json_array_begin(w);
	json_array_end(w);
	json_array_end(w);
	json_array_end(w);
	json_object_begin(w);
	json_name(w, "k");
	json_object_begin(w);
	json_name(w, "k2");
	json_object_begin(w);
	json_object_end(w);
	json_object_end(w);
	json_object_end(w);
	json_array_end(w);
}

static void doc_objects_in_array(struct json_writer *w)
{
	json_array_begin(w);
	json_object_begin(w);
	json_name(w, "k");
	json_int(w, 1);
	json_object_end(w);
	json_object_begin(w);
	json_object_end(w);
	json_array_end(w);
}

static void doc_numbers(struct json_writer *w)
{
	json_array_begin(w);
	json_int(w, 0);
	json_int(w, -1);
	json_int(w, LLONG_MIN);
	json_int(w, LLONG_MAX);
	json_uint(w, 0);
	json_uint(w, ULLONG_MAX);
	json_double(w, 1.5);
	json_double(w, 0.1);
	json_double(w, -2);
	json_double(w, 1e300);
	json_double(w, 0);
	json_array_end(w);
}

/* JSON has no NaN or Infinity */
static void doc_not_finite(struct json_writer *w)
{
	json_array_begin(w);
	json_double(w, NAN);
	json_double(w, INFINITY);
	json_double(w, -INFINITY);
	json_double(w, 2.5);
	json_array_end(w);
}

static void doc_null_string(struct json_writer *w)
{
	json_object_begin(w);
	json_name(w, "s");
	json_string(w, NULL);
	json_name(w, "t");
	json_string(w, "");
	json_object_end(w);
}

static void doc_scalar(struct json_writer *w)
{
	json_int(w, 42);
}

static void doc_escaped_key(struct json_writer *w)
{
	json_object_begin(w);
	json_name(w, "k\"e\\y\n");
	json_string(w, "v\t");
	json_object_end(w);
}

static void test_compact(void **state)
{
	(void)state;
	assert_doc(doc_empty_object, false, "{}\n");
	assert_doc(doc_empty_array, false, "[]\n");
	assert_doc(doc_mixed, false,
		   "{\"a\":1,\"b\":[true,false,null],\"c\":{},\"d\":[],\"e\":\"x\"}\n");
	assert_doc(doc_nested, false, "[[1,[2,[]]],{\"k\":{\"k2\":{}}}]\n");
	assert_doc(doc_objects_in_array, false, "[{\"k\":1},{}]\n");
	assert_doc(doc_numbers, false,
		   "[0,-1,-9223372036854775808,9223372036854775807,0,18446744073709551615,"
		   "1.5,0.1,-2,1e+300,0]\n");
	assert_doc(doc_not_finite, false, "[null,null,null,2.5]\n");
	assert_doc(doc_null_string, false, "{\"s\":null,\"t\":\"\"}\n");
	assert_doc(doc_scalar, false, "42\n");
	assert_doc(doc_escaped_key, false, "{\"k\\\"e\\\\y\\n\":\"v\\t\"}\n");
}

static void test_pretty(void **state)
{
	(void)state;
	assert_doc(doc_empty_object, true, "{}\n");
	assert_doc(doc_empty_array, true, "[]\n");
	assert_doc(doc_mixed, true,
		   "{\n"
		   "  \"a\": 1,\n"
		   "  \"b\": [\n"
		   "    true,\n"
		   "    false,\n"
		   "    null\n"
		   "  ],\n"
		   "  \"c\": {},\n"
		   "  \"d\": [],\n"
		   "  \"e\": \"x\"\n"
		   "}\n");
	assert_doc(doc_objects_in_array, true,
		   "[\n"
		   "  {\n"
		   "    \"k\": 1\n"
		   "  },\n"
		   "  {}\n"
		   "]\n");
	assert_doc(doc_nested, true,
		   "[\n"
		   "  [\n"
		   "    1,\n"
		   "    [\n"
		   "      2,\n"
		   "      []\n"
		   "    ]\n"
		   "  ],\n"
		   "  {\n"
		   "    \"k\": {\n"
		   "      \"k2\": {}\n"
		   "    }\n"
		   "  }\n"
		   "]\n");
	assert_doc(doc_not_finite, true, "[\n  null,\n  null,\n  null,\n  2.5\n]\n");
}

/* ---- json_finish ---- */

static int finish_after(void (*fn)(struct json_writer *w))
{
	struct capture c;
	struct json_writer w;
	int ret;

	capture_open(&c);
	json_init(&w, c.f, false);
	fn(&w);
	ret = json_finish(&w);
	capture_free(&c);
	return ret;
}

static void open_object(struct json_writer *w)
{
	json_object_begin(w);
	json_name(w, "a");
	json_int(w, 1);
}

static void open_array_in_object(struct json_writer *w)
{
	json_object_begin(w);
	json_name(w, "a");
	json_array_begin(w);
}

static void closed_inner_only(struct json_writer *w)
{
	json_array_begin(w);
	json_object_begin(w);
	json_object_end(w);
}

static void test_finish_open_containers(void **state)
{
	(void)state;
	assert_int_equal(finish_after(open_object), -1);
	assert_int_equal(finish_after(open_array_in_object), -1);
	assert_int_equal(finish_after(closed_inner_only), -1);
	assert_int_equal(finish_after(doc_mixed), 0);
}

/* A write that fails (full disk, closed pipe) must not look like success:
 * `vqwatch ... --json > file` on a full disk must not exit 0. */
static void test_finish_write_error(void **state)
{
	FILE *full = fopen("/dev/full", "w");
	struct json_writer w;

	(void)state;
	if (!full)
		skip();
	json_init(&w, full, true);
	doc_mixed(&w);
	assert_int_equal(json_finish(&w), -1);
	fclose(full);
}

/* ---- escaping ---- */

static char *escaped(const char *s)
{
	struct capture c;
	char *dup = strdup(s);	/* exact size, so ASan sees any over-read */

	assert_non_null(dup);
	capture_open(&c);
	json_write_escaped(c.f, dup);
	capture_text(&c);
	free(dup);
	assert_true(json_valid(c.buf));
	return c.buf;
}

static void assert_escaped(const char *in, const char *want)
{
	char *got = escaped(in);

	assert_string_equal(got, want);
	free(got);
}

static void test_escape_specials(void **state)
{
	(void)state;
	assert_escaped("", "\"\"");
	assert_escaped("plain text", "\"plain text\"");
	assert_escaped("a\"b", "\"a\\\"b\"");
	assert_escaped("a\\b", "\"a\\\\b\"");
	assert_escaped("\"\\", "\"\\\"\\\\\"");
	assert_escaped("line\nnext", "\"line\\nnext\"");
	assert_escaped("col\tnext", "\"col\\tnext\"");
	assert_escaped("/", "\"/\"");
}

/* Every control byte and DEL: \n and \t short, the others \u00XX. */
static void test_escape_control_bytes(void **state)
{
	(void)state;
	for (int b = 1; b <= 0x7f; b++) {
		char in[4] = { 'x', (char)b, 'y', '\0' }, want[16];
		char *got;

		if (b >= 0x20 && b != 0x7f)
			continue;
		if (b == '\n')
			strcpy(want, "\"x\\ny\"");
		else if (b == '\t')
			strcpy(want, "\"x\\ty\"");
		else
			snprintf(want, sizeof(want), "\"x\\u%04xy\"", b);
		got = escaped(in);
		/* hex digits may be either case in JSON */
		assert_int_equal(strcasecmp(got, want), 0);
		free(got);
	}
}

static void test_escape_utf8_passes(void **state)
{
	static const char *const valid[] = {
		"\xc3\xa9",			/* é U+00E9 */
		"\xe2\x82\xac",			/* € U+20AC */
		"\xf0\x9f\x98\x80",		/* 😀 U+1F600 */
		"\xc2\x80",			/* U+0080, smallest 2-byte */
		"\xdf\xbf",			/* U+07FF */
		"\xe0\xa0\x80",			/* U+0800, smallest 3-byte */
		"\xed\x9f\xbf",			/* U+D7FF, just below the surrogates */
		"\xee\x80\x80",			/* U+E000, just above */
		"\xef\xbf\xbf",			/* U+FFFF */
		"\xf0\x90\x80\x80",		/* U+10000, smallest 4-byte */
		"\xf4\x8f\xbf\xbf",		/* U+10FFFF, the last */
		"caf\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x98\x80!",
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(valid); i++) {
		char want[64];

		snprintf(want, sizeof(want), "\"%s\"", valid[i]);
		assert_escaped(valid[i], want);
	}
}

#define FFFD "\\ufffd"

static void test_escape_invalid_utf8(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "\xff", "\"" FFFD "\"" },			/* never valid */
		{ "a\xff" "b", "\"a" FFFD "b\"" },
		{ "\xfe\xff", "\"" FFFD FFFD "\"" },
		{ "\x80", "\"" FFFD "\"" },			/* lone continuation */
		{ "\xc0\xaf", "\"" FFFD FFFD "\"" },		/* overlong '/' */
		{ "\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\"" },	/* overlong, 3 bytes */
		{ "\xed\xa0\x80", "\"" FFFD FFFD FFFD "\"" },	/* surrogate U+D800 */
		{ "\xed\xbf\xbf", "\"" FFFD FFFD FFFD "\"" },	/* surrogate U+DFFF */
		{ "\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\"" },	/* U+110000 */
		{ "\xf8\x88\x80\x80\x80", "\"" FFFD FFFD FFFD FFFD FFFD "\"" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_escaped(cases[i].in, cases[i].want);
}

/* The broken bytes become one or more U+FFFD; what follows is kept. */
static void assert_replaced(const char *in, const char *tail)
{
	char *got = escaped(in);
	size_t n = strlen(got), t = strlen(tail), r = strlen(FFFD);
	size_t middle = n - 1 - t - 1;	/* between the opening quote and tail */

	assert_true(n >= 1 + r + t + 1);
	assert_int_equal(got[0], '"');
	assert_memory_equal(got + 1 + middle, tail, t);
	assert_int_equal(got[n - 1], '"');
	assert_int_equal(middle % r, 0);
	for (size_t i = 0; i < middle; i += r)
		assert_memory_equal(got + 1 + i, FFFD, r);
	free(got);
}

static void test_escape_truncated_utf8(void **state)
{
	(void)state;
	/* cut at the end of the string: no read past the NUL (ASan) */
	assert_replaced("\xe2\x82", "");
	assert_replaced("\xf0\x9f\x98", "");
	assert_replaced("\xc3", "");
	/* cut before ASCII: the ASCII is kept, not swallowed */
	assert_replaced("\xe2\x82" "A", "A");
	assert_replaced("\xf0\x9f" "\"", "\\\"");
	assert_replaced("\xc3" "\n", "\\n");
	/* a valid sequence right after a broken one still passes */
	assert_replaced("\xe2\x82\xc3\xa9", "\xc3\xa9");
}

/* Whatever the bytes, the result is one valid JSON string. */
static void test_escape_any_bytes_valid(void **state)
{
	unsigned int seed = 1;
	char in[3] = { 0 };

	(void)state;
	for (int a = 1; a < 256; a++) {
		for (int b = 1; b < 256; b++) {
			char *got;

			in[0] = (char)a;
			in[1] = (char)b;
			got = escaped(in);
			free(got);
		}
	}
	for (int i = 0; i < 20000; i++) {
		char s[12];
		int len = 1 + (int)(rand_r(&seed) % (sizeof(s) - 1));

		for (int k = 0; k < len; k++)
			s[k] = (char)(1 + rand_r(&seed) % 255);
		s[len] = '\0';
		free(escaped(s));
	}
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_pretty),
		cmocka_unit_test(test_finish_open_containers),
		cmocka_unit_test(test_finish_write_error),
		cmocka_unit_test(test_escape_specials),
		cmocka_unit_test(test_escape_control_bytes),
		cmocka_unit_test(test_escape_utf8_passes),
		cmocka_unit_test(test_escape_invalid_utf8),
		cmocka_unit_test(test_escape_truncated_utf8),
		cmocka_unit_test(test_escape_any_bytes_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
