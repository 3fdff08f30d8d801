// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's configuration (config.h): keys, validation, the INI file.
 *
 * inih (Debian's libinih-dev, 55) parses the lines; this file reads them
 * for it (ini_parse_stream) so that it knows each line's number and can
 * refuse a line longer than inih's buffer, which inih would otherwise cut
 * and parse the rest of as another line.  Debian builds inih with its
 * options as run-time variables: continuation lines are turned off (an
 * indented line is a line of its own, as a reader expects).
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "config.h"
#include "findings.h"
#include "listen.h"
#include "session.h"
#include "strbuf.h"

static const struct {
	const char *name, *option;
} keys[CFG_N_KEYS] = {
	[CFG_LISTEN] = { "listen", "--listen" },
	[CFG_TEXTFILE] = { "textfile", "--textfile" },
	[CFG_INTERVAL] = { "interval", "--interval" },
	[CFG_MODE] = { "mode", "--mode" },
	[CFG_DETAIL] = { "detail", "--detail" },
	[CFG_LATENCY_SAMPLE] = { "latency_sample", "--latency-sample" },
	[CFG_STALL_THRESHOLD] = { "stall_threshold", "--stall-threshold" },
	[CFG_NO_DEVICE_READ] = { "no_device_read", "--no-device-read" },
	[CFG_DEVICES] = { "devices", "--device" },
	[CFG_TYPES] = { "types", "--type" },
	[CFG_PIN_DIR] = { "pin_dir", "--pin" },
	/* exporter-toolkit's flag name, so that one file serves every exporter */
	[CFG_WEB_CONFIG_FILE] = { "web_config_file", "--web.config.file" },
	[CFG_VMM] = { "vmm", "--vmm" },
};

#define SECTION "daemon"

const char *config_key_name(enum config_key k)
{
	return keys[k].name;
}

const char *config_key_option(enum config_key k)
{
	return keys[k].option;
}

void config_defaults(struct daemon_config *c)
{
	*c = (struct daemon_config){
		.listen = (char *)CONFIG_DEFAULT_LISTEN,
		.interval_ms = CONFIG_DEFAULT_INTERVAL_MS,
		.mode = SESSION_AUTO,
		.detail = CONFIG_DEFAULT_DETAIL,
		.latency_sample = 1,
		.stall_threshold_ms = FINDINGS_STALL_THRESHOLD_MS,
	};
}

int config_latency_sample(const char *s, unsigned int *n)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > SESSION_LATENCY_SAMPLE_MAX)
		return -1;
	*n = (unsigned int)v;
	return 0;
}

const char *config_detail_conflict(int detail, unsigned int latency_sample)
{
	if (detail == SESSION_DETAIL_COUNTS && latency_sample > 1)
		return "--latency-sample (latency_sample) times buffers, and --detail counts "
		       "(detail) times none: use --detail full with it";
	return NULL;
}

int config_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *suffix; double scale; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
	};
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || v > 1e9)
		return -1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].suffix)) {
			*ms = (uint64_t)(v * units[i].scale);
			return 0;
		}
	return -1;
}

static int boolean(const char *s, bool *b)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(s, yes[i])) {
			*b = true;
			return 0;
		}
		if (!strcasecmp(s, no[i])) {
			*b = false;
			return 0;
		}
	}
	return -1;
}

static int set_string(char **dst, const char *value, char *err, size_t errlen)
{
	char *s = strdup(value);

	if (!s) {
		strbuf_copy(err, errlen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = s;
	return 0;
}

int config_set(struct daemon_config *c, enum config_key k, const char *name, const char *value,
	       char *err, size_t errlen)
{
	struct listen_spec spec;
	char why[512];
	int mode;

	switch (k) {
	case CFG_LISTEN:
		if (listen_parse(value, &spec, why, sizeof(why))) {
			strbuf_printf(err, errlen, "%s '%s': %s; " LISTEN_EXPECTED, name, value, why);
			return -1;
		}
		if (set_string(&c->listen, value, err, errlen))
			return -1;
		break;
	case CFG_TEXTFILE:
		if (!*value) {
			strbuf_printf(err, errlen, "%s: expected a file name", name);
			return -1;
		}
		if (set_string(&c->textfile, value, err, errlen))
			return -1;
		break;
	case CFG_INTERVAL:
		if (config_duration(value, &c->interval_ms)) {
			strbuf_printf(err, errlen, "%s '%s': expected a duration such as 10s, 500ms or 2m",
				      name, value);
			return -1;
		}
		if (c->interval_ms < 1000) {
			strbuf_printf(err, errlen, "%s '%s': at least 1s", name, value);
			return -1;
		}
		break;
	case CFG_MODE:
		mode = session_mode_parse(value);
		if (mode < 0) {
			strbuf_printf(err, errlen, "%s '%s': expected " SESSION_MODE_CHOICES,
				      name, value);
			return -1;
		}
		c->mode = mode;
		break;
	case CFG_DETAIL:
		mode = session_detail_parse(value);
		if (mode < 0) {
			strbuf_printf(err, errlen, "%s '%s': expected " SESSION_DETAIL_CHOICES,
				      name, value);
			return -1;
		}
		c->detail = mode;
		break;
	case CFG_LATENCY_SAMPLE:
		if (config_latency_sample(value, &c->latency_sample)) {
			strbuf_printf(err, errlen, "%s '%s': " CONFIG_LATENCY_SAMPLE_EXPECTED, name,
				      value);
			return -1;
		}
		break;
	case CFG_STALL_THRESHOLD:
		if (config_duration(value, &c->stall_threshold_ms)) {
			strbuf_printf(err, errlen, "%s '%s': expected a duration such as 10s, 500ms or 2m",
				      name, value);
			return -1;
		}
		break;
	case CFG_NO_DEVICE_READ:
		if (boolean(value, &c->no_device_read)) {
			strbuf_printf(err, errlen, "%s '%s': expected true or false", name, value);
			return -1;
		}
		break;
	case CFG_DEVICES:
	case CFG_TYPES:
		if (filter_add(&c->filter, k == CFG_DEVICES ? FILTER_DEVICE : FILTER_TYPE, name,
			       value, err, errlen))
			return -1;
		break;
	case CFG_PIN_DIR:
		if (!*value) {
			strbuf_printf(err, errlen, "%s: expected a directory", name);
			return -1;
		}
		if (set_string(&c->pin_dir, value, err, errlen))
			return -1;
		break;
	case CFG_WEB_CONFIG_FILE:
		if (!*value) {
			strbuf_printf(err, errlen, "%s: expected a file name", name);
			return -1;
		}
		if (set_string(&c->web_config_file, value, err, errlen))
			return -1;
		break;
	case CFG_VMM:
		/* the names of audit's, metrics' and trace's --vmm (parse_vmm) */
		c->vmm = vmm_by_name(value);
		if (!c->vmm) {
			strbuf_printf(err, errlen, "%s: unknown VMM '%s'; known: %s", name, value,
				      vmm_names());
			return -1;
		}
		break;
	case CFG_N_KEYS:
		return -1;
	}
	c->set |= 1u << k;
	return 0;
}

/* ---- the file ---- */

struct load {
	FILE *f;
	struct daemon_config *c;
	int line;		/* the line inih is parsing */
	int err_line;		/* the first error found here, 0 if none */
	char *err;
	size_t errlen;
	int max;		/* inih's line buffer */
};

/* fgets for inih, counting lines and refusing one longer than its buffer. */
static char *reader(char *str, int num, void *arg)
{
	struct load *l = arg;
	size_t len;
	int next;

	if (l->err_line || !fgets(str, num, l->f))
		return NULL;
	l->line++;
	len = strlen(str);
	if (num > 1 && len == (size_t)num - 1 && str[len - 1] != '\n') {
		next = getc(l->f);
		if (next != EOF && next != '\n') {
			/* inih strips the "\r\n" or "\n" as well */
			strbuf_printf(l->err, l->errlen, "line longer than %d characters", num - 3);
			l->err_line = l->line;
			return NULL;
		}
	}
	return str;
}

static int handler(void *arg, const char *section, const char *name, const char *value)
{
	struct load *l = arg;
	char why[768];
	int k;

	if (strcmp(section, SECTION)) {
		if (*section)
			strbuf_printf(l->err, l->errlen, "unknown section [%s]: the keys go under [%s]",
				      section, SECTION);
		else
			strbuf_printf(l->err, l->errlen, "'%s' before any section: the keys go under [%s]",
				      name, SECTION);
		goto bad;
	}
	for (k = 0; k < CFG_N_KEYS; k++)
		if (!strcmp(name, keys[k].name))
			break;
	if (k == CFG_N_KEYS) {
		strbuf_printf(l->err, l->errlen, "unknown key '%s' (known: listen, textfile, interval, "
			      "mode, detail, latency_sample, stall_threshold, no_device_read, devices, "
			      "types, pin_dir, web_config_file, vmm)", name);
		goto bad;
	}
	if (l->c->set & (1u << k)) {
		strbuf_printf(l->err, l->errlen, "'%s' given twice (first on line %d)", name,
			      l->c->line[k]);
		goto bad;
	}
	if (!*value) {
		strbuf_printf(l->err, l->errlen, "'%s' has no value (leave the line out for the "
			      "default)", name);
		goto bad;
	}
	if (config_set(l->c, (enum config_key)k, name, value, why, sizeof(why))) {
		strbuf_copy(l->err, l->errlen, why);
		goto bad;
	}
	l->c->line[k] = l->line;
	return 1;
bad:
	l->err_line = l->line;
	return 0;
}

int config_load(const char *path, struct daemon_config *c, char *err, size_t errlen)
{
	char why[768] = "";
	struct load l = { .c = c, .err = why, .errlen = sizeof(why) };
	struct stat st;
	int ret;

	l.f = fopen(path, "re");
	if (!l.f) {
		strbuf_printf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return CONFIG_UNREADABLE;
	}
	errno = 0;
	if (fstat(fileno(l.f), &st) || S_ISDIR(st.st_mode)) {
		bool dir = !errno && S_ISDIR(st.st_mode);

		strbuf_printf(err, errlen, "%s: cannot read: %s", path,
			      dir ? "is a directory" : strerror(errno));
		fclose(l.f);
		return CONFIG_UNREADABLE;
	}
	/* Debian's inih: options at run time (see the top of this file) */
	ini_allow_multiline = false;
	ini_stop_on_first_error = true;
	ret = ini_parse_stream(reader, &l, handler, &l);
	if (ferror(l.f)) {
		strbuf_printf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		fclose(l.f);
		config_free(c);
		return CONFIG_UNREADABLE;
	}
	fclose(l.f);
	if (ret > 0 && (!l.err_line || ret < l.err_line)) {
		/* inih's own: no '=' (or ':'), or a '[' without its ']' */
		strbuf_printf(err, errlen, "%s:%d: malformed line: expected [%s] or key = value",
			      path, ret, SECTION);
	} else if (l.err_line) {
		strbuf_printf(err, errlen, "%s:%d: %s", path, l.err_line, why);
	} else if (ret < 0) {
		strbuf_printf(err, errlen, "%s: out of memory", path);
	} else {
		return CONFIG_OK;
	}
	config_free(c);
	return CONFIG_BAD;
}

void config_overlay(struct daemon_config *dst, const struct daemon_config *src)
{
	for (int k = 0; k < CFG_N_KEYS; k++) {
		if (!(src->set & (1u << k)))
			continue;
		switch ((enum config_key)k) {
		case CFG_LISTEN: dst->listen = src->listen; break;
		case CFG_TEXTFILE: dst->textfile = src->textfile; break;
		case CFG_INTERVAL: dst->interval_ms = src->interval_ms; break;
		case CFG_MODE: dst->mode = src->mode; break;
		case CFG_DETAIL: dst->detail = src->detail; break;
		case CFG_LATENCY_SAMPLE: dst->latency_sample = src->latency_sample; break;
		case CFG_STALL_THRESHOLD: dst->stall_threshold_ms = src->stall_threshold_ms; break;
		case CFG_NO_DEVICE_READ: dst->no_device_read = src->no_device_read; break;
		case CFG_DEVICES:
			memcpy(dst->filter.devices, src->filter.devices, sizeof(src->filter.devices));
			dst->filter.n_devices = src->filter.n_devices;
			break;
		case CFG_TYPES:
			memcpy(dst->filter.types, src->filter.types, sizeof(src->filter.types));
			dst->filter.n_types = src->filter.n_types;
			break;
		case CFG_PIN_DIR: dst->pin_dir = src->pin_dir; break;
		case CFG_WEB_CONFIG_FILE: dst->web_config_file = src->web_config_file; break;
		case CFG_VMM: dst->vmm = src->vmm; break;
		case CFG_N_KEYS: break;
		}
		dst->set |= 1u << k;
		dst->line[k] = src->line[k];
	}
}

void config_free(struct daemon_config *c)
{
	free(c->listen);
	free(c->textfile);
	free(c->pin_dir);
	free(c->web_config_file);
	filter_free(&c->filter);
	*c = (struct daemon_config){ 0 };
}
