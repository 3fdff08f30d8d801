/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gzip for /metrics when the scraper asks for it (Prometheus sends
 * "Accept-Encoding: gzip" by default): a 1,000-queue scrape is some
 * hundreds of KiB of repetitive text that compresses tenfold.
 */
#ifndef VQWATCH_GZIP_H
#define VQWATCH_GZIP_H

#include <stdbool.h>
#include <stddef.h>

/* Whether an Accept-Encoding header value (NULL: none) accepts gzip:
 * "gzip", "x-gzip" or "*" with a q-value above 0 (RFC 9110 12.5.3). */
bool gzip_accepted(const char *accept_encoding);

/* in[0..len) as a gzip member into a malloc'd *out of *outlen bytes; -1
 * on ENOMEM or a zlib error. */
int gzip_compress(const char *in, size_t len, char **out, size_t *outlen);

#endif
