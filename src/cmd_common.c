// SPDX-License-Identifier: GPL-2.0
/* What every command shares: diagnostics, option parsing, the report's end. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd.h"
#include "config.h"
#include "findings.h"
#include "model.h"
#include "session.h"

void p_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vqwatch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * getopt_long leaves optind past a long option, and past a short one only
 * when it ended its cluster ("-jx": 'x' ends it); optopt is the short
 * option, or the long option's val (0 for an unknown long option).
 */
static bool in_cluster(const char *arg, int c)
{
	const char *at;

	/* a short option inside "-abc", before its last letter */
	if (!arg || arg[0] != '-' || arg[1] == '-' || !c)
		return false;
	at = strchr(arg + 1, c);
	return at && at[1];
}

int usage_error(const char *cmd, int opt, int argc, char **argv)
{
	const char *arg = optind > 0 && optind - 1 < argc ? argv[optind - 1] : "";
	bool mid_cluster = opt == '?' && optind < argc && in_cluster(argv[optind], optopt);
	int len;

	if (strncmp(arg, "--", 2) || !arg[2] || mid_cluster) {	/* a short option */
		if (opt == ':')
			p_err(cmd, "option '-%c' needs a value; see 'vqwatch help %s'", optopt, cmd);
		else
			p_err(cmd, "unknown option '-%c'; see 'vqwatch help %s'", optopt, cmd);
		return EXIT_USAGE;
	}
	len = (int)strcspn(arg, "=");
	if (opt == ':')
		p_err(cmd, "option '%.*s' needs a value; see 'vqwatch help %s'", len, arg, cmd);
	else if (optopt && arg[len] == '=')
		p_err(cmd, "option '%.*s' takes no value (given '%s'); see 'vqwatch help %s'",
		      len, arg, arg, cmd);
	else
		p_err(cmd, "unknown option '%.*s'; see 'vqwatch help %s'", len, arg, cmd);
	return EXIT_USAGE;
}

int parse_fail_on(const char *cmd, const char *arg)
{
	int sev = severity_parse(arg);

	if (sev < 0)
		p_err(cmd, "--fail-on '%s': expected info, warning or critical", arg);
	return sev;
}

int parse_vmm(const char *cmd, const char *arg, const struct vmm **out)
{
	*out = vmm_by_name(arg);
	if (!*out)
		p_err(cmd, "unknown VMM '%s'; known: %s", arg, vmm_names());
	return *out ? 0 : -1;
}

int parse_uint(const char *cmd, const char *option, const char *arg, long min, long max,
	       unsigned int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max) {
		p_err(cmd, "%s '%s': expected a whole number from %ld to %ld", option, arg, min, max);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

int emit_report(const char *cmd, const struct vq_report *r,
		bool json, enum report_style style, int fail_on)
{
	if (json ? report_write_json(stdout, r) : report_write_text(stdout, r, style)) {
		p_err(cmd, "cannot write the report to standard output: %s", strerror(errno));
		return EXIT_RUNTIME;
	}
	if (fail_on >= 0 && findings_max_severity(r) >= fail_on)
		return EXIT_FINDINGS;
	return EXIT_OK;
}

int parse_duration(const char *cmd, const char *option, const char *arg, uint64_t *ms)
{
	if (!config_duration(arg, ms))
		return 0;
	p_err(cmd, "%s '%s': expected a duration such as 10s, 500ms or 2m", option, arg);
	return -1;
}

int parse_mode(const char *cmd, const char *arg)
{
	int mode = session_mode_parse(arg);

	if (mode < 0)
		p_err(cmd, "--mode '%s': expected " SESSION_MODE_CHOICES, arg);
	return mode;
}

int parse_detail(const char *cmd, const char *arg)
{
	int detail = session_detail_parse(arg);

	if (detail < 0)
		p_err(cmd, "--detail '%s': expected " SESSION_DETAIL_CHOICES, arg);
	return detail;
}

int parse_latency_sample(const char *cmd, const char *arg, unsigned int *n)
{
	if (!config_latency_sample(arg, n))
		return 0;
	p_err(cmd, "--latency-sample '%s': " CONFIG_LATENCY_SAMPLE_EXPECTED, arg);
	return -1;
}

int detail_conflict(const char *cmd, const struct session_opts *o)
{
	const char *why = config_detail_conflict(o->detail, o->latency_sample);

	if (why)
		p_err(cmd, "%s", why);
	return why ? -1 : 0;
}

int check_root_dir(const char *cmd, const char *dir)
{
	struct stat st;

	errno = 0;
	if (!stat(dir, &st) && S_ISDIR(st.st_mode))
		return 0;
	p_err(cmd, "--root %s: %s", dir, errno ? strerror(errno) : "not a directory");
	return -1;
}

volatile sig_atomic_t cmd_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	cmd_stop = 1;
}

void cmd_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
