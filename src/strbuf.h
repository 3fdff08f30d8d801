/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String helpers: bounded ones that say when they had to cut, and a
 * growable one for lists that must never be cut.
 */
#ifndef VQWATCH_STRBUF_H
#define VQWATCH_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * A growable string, for lists ("STATS_VQ,REPORTING"): zero-initialise,
 * append items, read with strlist_str(), release with strlist_free().
 * After an allocation failure it keeps what it had and says so (oom).
 */
struct strlist {
	char *s;
	size_t len, cap;
	size_t items;
	bool oom;
};

/* Append one printf-formatted item, preceded by sep unless it is the
 * first; false (and oom set) when memory ran out. */
static inline bool __attribute__((format(printf, 3, 4)))
strlist_add(struct strlist *l, const char *sep, const char *fmt, ...)
{
	size_t seplen = l->items ? strlen(sep) : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || l->oom) {
		l->oom = true;
		return false;
	}
	if (l->len + seplen + (size_t)n + 1 > l->cap) {
		size_t cap = (l->len + seplen + (size_t)n + 1) * 2;
		char *grown = realloc(l->s, cap);

		if (!grown) {
			l->oom = true;
			return false;
		}
		l->s = grown;
		l->cap = cap;
	}
	memcpy(l->s + l->len, sep, seplen);
	l->len += seplen;
	va_start(ap, fmt);
	vsnprintf(l->s + l->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	l->len += (size_t)n;
	l->items++;
	return true;
}

/* The text so far ("" when empty). */
static inline const char *strlist_str(const struct strlist *l)
{
	return l->s ? l->s : "";
}

static inline void strlist_free(struct strlist *l)
{
	free(l->s);
	memset(l, 0, sizeof(*l));
}

#endif
