// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch metrics: one scrape of Prometheus text, then exit: a collection
 * (collect.h; without BPF, what audit knows, and why on stderr) for
 * --duration, then one read, as the daemon does at every scrape.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "cmd.h"
#include "collect.h"
#include "config.h"

#define CMD "metrics"

void help_metrics(void)
{
	printf("usage: vqwatch metrics [--duration D] [--mode MODE] [--detail DETAIL]\n"
	       "                       [--latency-sample N] [--stall-threshold D] [--root DIR]\n"
	       "                       [--no-device-read] [--vmm NAME]\n\n"
	       "Prints one scrape of Prometheus text (exposition format 0.0.4) and exits:\n"
	       "every device, feature bit and queue, per-queue counters, in-flight buffers\n"
	       "and latency histograms, balloon activity, findings, and vqwatch's own\n"
	       "state (attach mode, hooks, events lost).  BPF needs root (CAP_BPF,\n"
	       "CAP_PERFMON) and kernel BTF; without them it prints what 'vqwatch audit'\n"
	       "knows, with vqwatch_attach_mode{mode=\"sysfs\"}, and says why on stderr.\n\n"
	       "  --duration D         collect for D before the scrape (default 0: attach,\n"
	       "                       sample once; 500ms, 10s, 2m, ...)\n"
	       "  --mode MODE          auto (default), fentry, kprobe or tracepoint\n"
	       "  --detail DETAIL      counts (kicks, interrupts, buffers, in flight, stalls;\n"
	       "                       no program per buffer) or full (bytes and latency\n"
	       "                       too, at several times the cost per I/O); default %s\n"
	       "  --latency-sample N   full: time about one buffer in N (default 1)\n"
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --root DIR           no BPF: read DIR/sys and DIR/proc instead of / (a\n"
	       "                       capture from tests/fixtures/capture.sh)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n"
	       "  --vmm NAME           the VMM, instead of detecting it (vqwatch_vmm_info):\n"
	       "                       %s\n\n"
	       "Counters a mode cannot see are left out, not printed as 0.\n",
	       session_detail_name(CONFIG_DEFAULT_DETAIL), vmm_names());
}

int cmd_metrics(int argc, char **argv)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "detail", required_argument, NULL, 'D' },
		{ "latency-sample", required_argument, NULL, 'S' },
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "root", required_argument, NULL, 'r' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "vmm", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct collect_config cfg = {
		.session = { .mode = SESSION_AUTO, .detail = CONFIG_DEFAULT_DETAIL,
			     .verbosity = verbose },
		.window_findings = true,
		.partial = true,
		.devread = { .enabled = true },
		.findings = findings_config_default(),
	};
	struct collect *c = NULL;
	struct vq_report r = { 0 };
	uint64_t duration_ms = 0;
	size_t n_hooks;
	int opt, mode, ret = EXIT_RUNTIME;
	char err[1024];

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
			cfg.session.mode = (enum session_mode)mode;
			break;
		case 'D':
			mode = parse_detail(CMD, optarg);
			if (mode < 0)
				return EXIT_USAGE;
			cfg.session.detail = (enum session_detail)mode;
			break;
		case 'S':
			if (parse_latency_sample(CMD, optarg, &cfg.session.latency_sample))
				return EXIT_USAGE;
			break;
		case 's':
			if (parse_duration(CMD, "--stall-threshold", optarg, &cfg.findings.stall_threshold_ms))
				return EXIT_USAGE;
			break;
		case 'r': cfg.root = optarg; break;
		case 'N': cfg.devread.enabled = false; break;
		case 'V':
			if (parse_vmm(CMD, optarg, &cfg.vmm))
				return EXIT_USAGE;
			break;
		case 'h': help_metrics(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help metrics'", argv[optind]);
		return EXIT_USAGE;
	}
	if (detail_conflict(CMD, &cfg.session))
		return EXIT_USAGE;
	if (cfg.root && check_root_dir(CMD, cfg.root))
		return EXIT_RUNTIME;

	c = collect_open(&cfg, err, sizeof(err));
	if (!c) {
		p_err(CMD, "%s", err);
		return EXIT_RUNTIME;
	}
	if (*collect_no_bpf(c))
		p_err(CMD, "%s; exporting what audit knows (attach mode sysfs)", collect_no_bpf(c));
	collect_hooks(c, &n_hooks);
	if (verbose && n_hooks)
		fprintf(stderr, "vqwatch metrics: mode %s, %zu/%zu hooks attached\n", collect_mode(c),
			collect_hooks_attached(c), n_hooks);
	cmd_stop_on_signals();
	collect_run(c, duration_ms, &cmd_stop, 0, NULL, NULL);
	if (collect_write_prom(c, stdout, &r, err, sizeof(err))) {
		p_err(CMD, "%s", err);
	} else {
		/* the others were printed; what is missing is said */
		for (size_t i = 0; i < r.n_sources; i++)
			if (!r.sources[i].ok)
				p_err(CMD, "%s: %s; exported without it "
				      "(vqwatch_scrape_source_success 0)", r.sources[i].name,
				      r.sources[i].error);
		ret = EXIT_OK;
	}
	report_free(&r);
	collect_close(c);
	return ret;
}
