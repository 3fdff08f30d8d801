// SPDX-License-Identifier: GPL-2.0
/* vqwatch: command table and dispatch. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "model.h"

int verbose;

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	void (*help)(void);
	const char *summary;
};

/* Matched exactly: a prefix match would let a new command break scripts. */
static const struct command commands[] = {
	{ "layout", cmd_layout, help_layout, "queue layout under the spec, Linux and QEMU-style rules (offline)" },
	{ "audit", cmd_audit, help_audit, "devices, features and queues from sysfs, with static findings (no BPF)" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "usage: vqwatch [-v] COMMAND [OPTIONS]\n\n"
		"Virtqueue layout and traffic observer for virtio guests.\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-8s %s\n\n"
		"Exit codes: 0 ran, 1 runtime error, 2 usage error, 3 findings at or above --fail-on.\n"
		"'vqwatch help COMMAND' describes a command.\n", "help", "this text, or a command's");
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void p_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vqwatch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const char *cmd, int argc, char **argv)
{
	const char *arg = optind - 1 < argc ? argv[optind - 1] : "?";

	p_err(cmd, "bad option '%s' (unknown, or missing its value); see 'vqwatch help %s'",
	      arg, cmd);
	return EXIT_USAGE;
}

int parse_fail_on(const char *cmd, const char *arg)
{
	int sev = severity_parse(arg);

	if (sev < 0)
		p_err(cmd, "--fail-on '%s': expected info, warning or critical", arg);
	return sev;
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

static int cmd_help(int argc, char **argv)
{
	const struct command *c;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		p_err(NULL, "no command '%s'; 'vqwatch help' lists them", argv[1]);
		return EXIT_USAGE;
	}
	c->help();
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose++;
		} else if (!strcmp(argv[i], "--version")) {
			printf("vqwatch %s\n", VQWATCH_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else {
			p_err(NULL, "unknown option '%s'; see 'vqwatch help'", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help"))
		return cmd_help(argc - i, argv + i);
	c = find_command(argv[i]);
	if (!c) {
		p_err(NULL, "no command '%s'; 'vqwatch help' lists them", argv[i]);
		return EXIT_USAGE;
	}
	return c->run(argc - i, argv + i);
}
