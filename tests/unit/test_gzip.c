// SPDX-License-Identifier: GPL-2.0
/* Unit tests for /metrics compression (src/gzip.c): which Accept-Encoding
 * values ask for gzip, and a compressed scrape that inflates back to the
 * same text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzip.h"

static void test_accepted(void **state)
{
	static const struct { const char *header; bool gzip; } cases[] = {
		{ NULL, false },
		{ "", false },
		{ "gzip", true },
		{ "GZIP", true },
		{ "x-gzip", true },
		/* Prometheus's own */
		{ "gzip", true },
		{ "deflate, gzip;q=1.0, *;q=0.5", true },
		{ "br, gzip ; q=0.8", true },
		{ "identity", false },
		{ "deflate, br", false },
		{ "gzip;q=0", false },
		{ "gzip;q=0.0, deflate", false },
		{ "*", true },
		{ "*;q=0", false },
		{ "*, gzip;q=0", false },
		{ "gzipx", false },
		{ "notgzip", false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (gzip_accepted(cases[i].header) != cases[i].gzip)
			fail_msg("Accept-Encoding '%s': gzip %s expected", cases[i].header ?: "(none)",
				 cases[i].gzip ? "" : "not");
}

static void test_round_trip(void **state)
{
	const char *line = "vqwatch_queue_kicks_total{device=\"virtio1\",device_type=\"blk\","
			   "queue=\"0\",name=\"req.0\"} 123456\n";
	size_t n = 1000, len = n * strlen(line), outlen;
	char *text = malloc(len + 1), *packed, *back = malloc(len);
	z_stream z = { 0 };

	(void)state;
	assert_non_null(text);
	assert_non_null(back);
	for (size_t i = 0; i < n; i++)
		memcpy(text + i * strlen(line), line, strlen(line));
	assert_int_equal(gzip_compress(text, len, &packed, &outlen), 0);
	/* a gzip member (RFC 1952 magic), and much smaller than the text */
	assert_true((unsigned char)packed[0] == 0x1f && (unsigned char)packed[1] == 0x8b);
	assert_true(outlen < len / 10);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)packed;
	z.avail_in = (uInt)outlen;
	z.next_out = (Bytef *)back;
	z.avail_out = (uInt)len;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, len);
	assert_memory_equal(back, text, len);
	inflateEnd(&z);
	free(packed);
	free(back);
	free(text);
}

static void test_empty(void **state)
{
	char *packed;
	size_t outlen;

	(void)state;
	assert_int_equal(gzip_compress("", 0, &packed, &outlen), 0);
	assert_true(outlen >= 18);	/* header and trailer */
	free(packed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
