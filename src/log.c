// SPDX-License-Identifier: GPL-2.0
/* logfmt lines on stderr (log.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include "log.h"

static bool needs_quotes(const char *v)
{
	if (!*v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '=' || *p == 0x7f)
			return true;
	return false;
}

static void put_value(FILE *out, const char *v)
{
	if (!v)
		v = "";
	if (!needs_quotes(v)) {
		fputs(v, out);
		return;
	}
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < ' ' || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

void log_kv(const char *level, const char *msg, ...)
{
	char ts[64], *line = NULL;
	size_t len = 0;
	struct timeval tv;
	struct tm tm;
	const char *key;
	va_list ap;
	FILE *out;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	/* built in memory, then one write: lines never interleave */
	out = open_memstream(&line, &len);
	if (!out)
		return;
	fprintf(out, "ts=%s.%03dZ level=%s msg=", ts, (int)(tv.tv_usec / 1000), level);
	put_value(out, msg);
	va_start(ap, msg);
	while ((key = va_arg(ap, const char *))) {
		fprintf(out, " %s=", key);
		put_value(out, va_arg(ap, const char *));
	}
	va_end(ap);
	fputc('\n', out);
	if (!fclose(out))
		fwrite(line, 1, len, stderr);
	free(line);
	fflush(stderr);
}
