/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers for JSON output: capture a writer's output in memory, and a
 * strict RFC 8259 validator (one value, whitespace around it; strings valid
 * UTF-8 without raw control characters; numbers per the grammar).
 * Independent of src/json.c on purpose: it checks the writer.
 * Include after <cmocka.h>.
 */
#ifndef VQWATCH_TEST_JSON_CHECK_H
#define VQWATCH_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct capture {
	FILE *f;
	char *buf;
	size_t len;
};

static inline void capture_open(struct capture *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
}

/* Closes the stream; the text stays in c->buf until capture_free(). */
static inline const char *capture_text(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->buf;
}

static inline void capture_free(struct capture *c)
{
	if (c->f)
		fclose(c->f);
	free(c->buf);
	c->buf = NULL;
}

struct jv {
	const unsigned char *p;
	int depth;
};

static inline bool jv_value(struct jv *v);

static inline void jv_ws(struct jv *v)
{
	while (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r')
		v->p++;
}

static inline bool jv_lit(struct jv *v, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp((const char *)v->p, lit, n))
		return false;
	v->p += n;
	return true;
}

static inline bool jv_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* One UTF-8 sequence of 2..4 bytes: shortest form, no surrogates, <= U+10FFFF. */
static inline bool jv_utf8(struct jv *v)
{
	const unsigned char *s = v->p;
	unsigned int cp, len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return false;
	for (unsigned int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return false;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return false;
	v->p += len;
	return true;
}

static inline bool jv_string(struct jv *v)
{
	if (*v->p++ != '"')
		return false;
	for (;;) {
		unsigned char c = *v->p;

		if (c == '"') {
			v->p++;
			return true;
		}
		if (c < 0x20)		/* raw control characters and the end */
			return false;
		if (c == '\\') {
			c = *++v->p;
			if (c == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!jv_hex(v->p[i]))
						return false;
				v->p += 5;
			} else if (c && strchr("\"\\/bfnrt", c)) {
				v->p++;
			} else {
				return false;
			}
		} else if (c < 0x80) {
			v->p++;
		} else if (!jv_utf8(v)) {
			return false;
		}
	}
}

static inline bool jv_digits(struct jv *v)
{
	const unsigned char *start = v->p;

	while (*v->p >= '0' && *v->p <= '9')
		v->p++;
	return v->p > start;
}

static inline bool jv_number(struct jv *v)
{
	if (*v->p == '-')
		v->p++;
	if (*v->p == '0')
		v->p++;
	else if (!jv_digits(v))
		return false;
	if (*v->p == '.') {
		v->p++;
		if (!jv_digits(v))
			return false;
	}
	if (*v->p == 'e' || *v->p == 'E') {
		v->p++;
		if (*v->p == '+' || *v->p == '-')
			v->p++;
		if (!jv_digits(v))
			return false;
	}
	return true;
}

/* '[' values ']' or '{' "key": value '}' */
static inline bool jv_container(struct jv *v, char close, bool object)
{
	v->p++;
	jv_ws(v);
	if (*v->p == close) {
		v->p++;
		return true;
	}
	for (;;) {
		jv_ws(v);
		if (object) {
			if (!jv_string(v))
				return false;
			jv_ws(v);
			if (*v->p++ != ':')
				return false;
		}
		if (!jv_value(v))
			return false;
		jv_ws(v);
		if (*v->p == close) {
			v->p++;
			return true;
		}
		if (*v->p++ != ',')
			return false;
	}
}

static inline bool jv_value(struct jv *v)
{
	bool ok;

	jv_ws(v);
	if (++v->depth > 64)
		return false;
	switch (*v->p) {
	case '{': ok = jv_container(v, '}', true); break;
	case '[': ok = jv_container(v, ']', false); break;
	case '"': ok = jv_string(v); break;
	case 't': ok = jv_lit(v, "true"); break;
	case 'f': ok = jv_lit(v, "false"); break;
	case 'n': ok = jv_lit(v, "null"); break;
	default: ok = jv_number(v); break;
	}
	v->depth--;
	return ok;
}

/* Is text exactly one JSON value (with surrounding whitespace)? */
static inline bool json_valid(const char *text)
{
	struct jv v = { (const unsigned char *)text, 0 };

	if (!jv_value(&v))
		return false;
	jv_ws(&v);
	return *v.p == '\0';
}

#endif
