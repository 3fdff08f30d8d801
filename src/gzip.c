// SPDX-License-Identifier: GPL-2.0
/* gzip for /metrics (gzip.h), with zlib (already linked: libbpf needs it). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>
#include "gzip.h"

/* The q-value of one "coding;q=0.5" item (1 when not given). */
static double qvalue(const char *params, size_t len)
{
	const char *q = params;

	while ((q = memchr(q, ';', len - (size_t)(q - params)))) {
		q++;
		q += strspn(q, " \t");
		if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
			return strtod(q + 2, NULL);
	}
	return 1;
}

bool gzip_accepted(const char *accept_encoding)
{
	const char *item = accept_encoding;
	bool star = false, gzip = false, gzip_refused = false;

	while (item && *item) {
		size_t len = strcspn(item, ","), name;
		const char *coding = item + strspn(item, " \t");

		name = strcspn(coding, " \t;,");
		if ((name == 4 && !strncasecmp(coding, "gzip", 4)) ||
		    (name == 6 && !strncasecmp(coding, "x-gzip", 6))) {
			if (qvalue(item, len) > 0)
				gzip = true;
			else
				gzip_refused = true;
		} else if (name == 1 && *coding == '*' && qvalue(item, len) > 0) {
			star = true;
		}
		item += len;
		if (*item == ',')
			item++;
	}
	return gzip || (star && !gzip_refused);
}

int gzip_compress(const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream z = { 0 };
	uLong bound;
	int ret;

	/* windowBits 15 + 16: a gzip header and trailer, not zlib's */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	bound = deflateBound(&z, (uLong)len);
	*out = malloc(bound);
	if (!*out) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)bound;
	ret = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (ret != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
