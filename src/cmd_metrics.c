// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch metrics: one scrape of Prometheus text, then exit.
 *   open (probe, load, attach; on failure fall back to sysfs and say why)
 *   -> discover (read each device's uevent) -> collect (--duration, default
 *   none: sample once) -> read and export (scrape.c, as the daemon does at
 *   every scrape: sysfs + device read + BPF -> model -> findings -> text)
 * The collection steps are those of cmd_trace.c, kept in step by hand.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "clock.h"
#include "bpf_source.h"
#include "cmd.h"
#include "scrape.h"
#include "session.h"

#define CMD "metrics"
/* Ring indexes are 16 bits: sample well before 65536 completions. */
#define SAMPLE_MS 1000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void help_metrics(void)
{
	printf("usage: vqwatch metrics [--duration D] [--mode MODE] [--stall-threshold D]\n"
	       "                       [--root DIR] [--no-device-read]\n\n"
	       "Prints one scrape of Prometheus text (exposition format 0.0.4) and exits:\n"
	       "every device, feature bit and queue, per-queue counters, in-flight buffers\n"
	       "and latency histograms, balloon activity, findings, and vqwatch's own\n"
	       "state (attach mode, hooks, events lost).  BPF needs root (CAP_BPF,\n"
	       "CAP_PERFMON) and kernel BTF; without them it prints what 'vqwatch audit'\n"
	       "knows, with vqwatch_attach_mode{mode=\"sysfs\"}, and says why on stderr.\n\n"
	       "  --duration D         collect for D before the scrape (default 0: attach,\n"
	       "                       sample once; 500ms, 10s, 2m, ...)\n"
	       "  --mode MODE          auto (default), fentry, kprobe or tracepoint\n"
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --root DIR           no BPF: read DIR/sys and DIR/proc instead of / (a\n"
	       "                       capture from tests/fixtures/capture.sh)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n\n"
	       "Counters a mode cannot see are left out, not printed as 0.\n");
}

/* Sample the rings every SAMPLE_MS for duration_ms, or until a signal. */
static void collect(struct bpf_source *src, uint64_t duration_ms)
{
	double start = monotonic_s(), last_sample = start;

	while (!stop && (monotonic_s() - start) * 1000 < (double)duration_ms) {
		struct timespec tick = { 0, 100 * 1000000 };

		nanosleep(&tick, NULL);
		if ((monotonic_s() - last_sample) * 1000 >= SAMPLE_MS) {
			bpf_source_sample(src);
			last_sample = monotonic_s();
		}
	}
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct scrape sc = {
		.root = "/",
		.devread = { .enabled = true },
		.fcfg = findings_config_default(),
	};
	struct session_opts sopts = { .mode = SESSION_AUTO, .verbosity = verbose };
	struct sigaction sa = { .sa_handler = on_signal };
	struct bpf_source *src = NULL;
	struct session *s = NULL;
	uint64_t duration_ms = 0;
	const char *root = NULL;
	int opt, mode, ret = EXIT_RUNTIME;
	char err[1024];
	struct stat st;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:m:s:r:Nh", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_duration(CMD, "--duration", optarg, &duration_ms))
				return EXIT_USAGE;
			break;
		case 'm':
			mode = parse_mode(CMD, optarg);
			if (mode < 0)
				return EXIT_USAGE;
			sopts.mode = (enum session_mode)mode;
			break;
		case 's':
			if (parse_duration(CMD, "--stall-threshold", optarg, &sc.fcfg.stall_threshold_ms))
				return EXIT_USAGE;
			break;
		case 'r': root = optarg; break;
		case 'N': sc.devread.enabled = false; break;
		case 'h': help_metrics(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help metrics'", argv[optind]);
		return EXIT_USAGE;
	}
	if (root) {
		errno = 0;
		if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
			p_err(CMD, "--root %s: %s", root, errno ? strerror(errno) : "not a directory");
			return EXIT_RUNTIME;
		}
	}

	/* open: probe, load, attach; BPF observes this machine, not --root */
	sc.start_s = monotonic_s();
	if (!root) {
		s = session_open(&sopts, err, sizeof(err));
		if (!s)
			p_err(CMD, "%s; exporting what audit knows (attach mode sysfs)", err);
	}
	if (s) {
		src = bpf_source_new(s, "/");
		if (!src) {
			p_err(CMD, "out of memory");
			goto cleanup;
		}
		if (verbose) {
			size_t n, attached = 0;
			const struct vq_hook_status *hooks = session_hooks(s, &n);

			for (size_t i = 0; i < n; i++)
				attached += hooks[i].attached;
			fprintf(stderr, "vqwatch metrics: mode %s, %zu/%zu hooks attached\n",
				session_mode_name(s), attached, n);
		}
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);

		/* discover, then collect */
		session_trigger_discovery("/");
		bpf_source_sample(src);
		collect(src, duration_ms);
	}

	/* read and export: what the daemon does at each scrape (scrape.c) */
	if (root)
		sc.root = root;
	sc.src = src;
	if (scrape_write_prom(&sc, stdout, err, sizeof(err))) {
		p_err(CMD, "%s", err);
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	bpf_source_free(src);
	session_close(s);
	return ret;
}
