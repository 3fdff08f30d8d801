/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A streaming JSON writer (after bpftool's json_writer): no DOM, no
 * allocation per value.  Strings are always valid JSON: bytes below 0x20
 * are escaped, invalid UTF-8 becomes U+FFFD.
 */
#ifndef VQWATCH_JSON_H
#define VQWATCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];	/* no element written yet at this depth */
	bool after_name;		/* a key was written, its value comes next */
};

void json_init(struct json_writer *w, FILE *out, bool pretty);
/* Ends the document; returns -1 if objects were left open or output failed. */
int json_finish(struct json_writer *w);

void json_object_begin(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_begin(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_name(struct json_writer *w, const char *name);

void json_string(struct json_writer *w, const char *s);	/* NULL -> null */
void json_int(struct json_writer *w, long long v);
void json_uint(struct json_writer *w, unsigned long long v);
void json_double(struct json_writer *w, double v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* Write s as a JSON string literal, quotes included. */
void json_write_escaped(FILE *out, const char *s);

#endif
