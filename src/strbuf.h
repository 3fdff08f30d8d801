/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded string helpers that say when they had to cut. */
#ifndef VQWATCH_STRBUF_H
#define VQWATCH_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* printf into buf; false when the result did not fit (it is then cut). */
static inline bool __attribute__((format(printf, 3, 4)))
strbuf_printf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < len;
}

/* Copy src into buf, cut to fit; false when cut. */
static inline bool strbuf_copy(char *buf, size_t len, const char *src)
{
	size_t n = strlen(src);
	bool fits = n < len;

	if (!len)
		return false;
	if (!fits)
		n = len - 1;
	memcpy(buf, src, n);
	buf[n] = '\0';
	return fits;
}

#endif
