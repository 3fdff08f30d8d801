// SPDX-License-Identifier: GPL-2.0
/* vqwatch: command table and dispatch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
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
	{ "trace", cmd_trace, help_trace, "attach BPF, collect per-queue traffic for a while, report with findings" },
	{ "metrics", cmd_metrics, help_metrics, "one scrape of Prometheus text (docs/metrics.md), then exit" },
	{ "daemon", cmd_daemon, help_daemon, "keep BPF attached, serve /metrics over HTTP, write a textfile" },
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
	if (argc > 2) {
		p_err(NULL, "help takes one command, not '%s'", argv[2]);
		return EXIT_USAGE;
	}
	c->help();
	return EXIT_OK;
}

static int dispatch(int argc, char **argv)
{
	const struct command *c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose++;
		} else if (!strcmp(argv[i], "--version")) {
			/* every build embeds the programs of all three attach modes */
			printf("vqwatch %s (libbpf %u.%u, modes: fentry kprobe tracepoint)\n",
			       VQWATCH_VERSION, libbpf_major_version(), libbpf_minor_version());
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
		p_err(NULL, "no command; 'vqwatch help' lists them");
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

int main(int argc, char **argv)
{
	int ret = dispatch(argc, argv);

	/* help and --version write to stdout too: a lost write is an error */
	if (ret == EXIT_OK && (fflush(stdout) || ferror(stdout))) {
		p_err(NULL, "cannot write to standard output: %s", strerror(errno));
		ret = EXIT_RUNTIME;
	}
	return ret;
}
