// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch trace: a one-shot session.
 *   open (probe, load, attach) -> discover (read each device's uevent)
 *   -> collect (sample rings every second, print deltas at --interval)
 *   -> report (sysfs + BPF -> model -> findings -> text/JSON)
 * Ctrl-C or SIGTERM ends the collection early; the report still prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "collect.h"
#include "rebind.h"
#include "sysfs.h"

#define CMD "trace"

void help_trace(void)
{
	printf("usage: vqwatch trace [--duration D] [--interval D] [--device virtioN]...\n"
	       "                     [--type TYPE]... [--mode MODE] [--detail DETAIL]\n"
	       "                     [--latency-sample N] [--stall-threshold D]\n"
	       "                     [--rebind virtioN [--force]]\n"
	       "                     [--no-device-read] [--json]\n"
	       "                     [--fail-on SEVERITY] [--vmm NAME]\n\n"
	       "Attaches BPF programs to the virtio core and transports, collects for a\n"
	       "while, then reports every device and queue: layout (names, driver slots,\n"
	       "sizes), offered and negotiated features, kicks, interrupts, buffers and\n"
	       "bytes, in-flight buffers, latency histograms, balloon activity, and\n"
	       "findings.  Needs root (CAP_BPF, CAP_PERFMON) and kernel BTF.\n\n"
	       "  --duration D         how long to collect (default 10s; 500ms, 2m, ...)\n"
	       "  --interval D         also print running deltas every D\n"
	       "  --device virtioN     only this device (repeatable)\n"
	       "  --type TYPE          only devices of this type (repeatable)\n"
	       "  --mode MODE          auto (default: per hook fentry, else kprobe, else\n"
	       "                       tracepoint), or force fentry, kprobe or tracepoint\n"
	       "                       for every hook that has a choice\n"
	       "  --detail DETAIL      full (default): bytes and the add-to-used latency,\n"
	       "                       with programs per buffer; counts: kicks, interrupts,\n"
	       "                       buffers added and completed, in flight and stalls\n"
	       "                       only, from the rings, at a fraction of the cost\n"
	       "  --latency-sample N   full: time about one buffer in N for the latency\n"
	       "                       histogram (default 1: every buffer)\n"
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --rebind virtioN     once attached, unbind the device's driver and bind it\n"
	       "                       again, so that its probe (driver slots, the feature\n"
	       "                       offer) is seen live.  Disruptive; refused for a disk\n"
	       "                       in use, an interface with a route, and the 6.11+ MSI-X\n"
	       "                       balloon unbind crash (--force overrides only that)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n"
	       "  --json               JSON (docs/json.md) instead of text\n"
	       "  --fail-on SEV        exit 3 when a finding is at least SEV\n"
	       "  --vmm NAME           the VMM, instead of detecting it (as audit):\n"
	       "                       %s\n\n"
	       "Counters a mode cannot see are null (JSON) or '-' (text): tracepoint mode\n"
	       "sees per-vector interrupts and ring state, not kicks or bytes.\n"
	       "Ctrl-C ends early and still prints the report.\n", vmm_names());
}

/* "+N" since the previous interval, or "-" for a counter this mode cannot
 * see (as the report prints it); moved says whether it did. */
static const char *delta(char *buf, size_t len, const struct vq_counter *cur,
			 const struct vq_counter *prev, bool *moved)
{
	if (!cur->known)
		return "-";
	snprintf(buf, len, "+%llu", (unsigned long long)(cur->value - (prev->known ? prev->value : 0)));
	*moved |= cur->value != (prev->known ? prev->value : 0);
	return buf;
}

/* One line per queue whose counters moved since the previous interval; on
 * stderr with --json, so that stdout stays one document. */
static void print_deltas(FILE *out, const struct vq_report *prev, const struct vq_report *cur)
{
	char stamp[16], k[24], i[24], a[24], c[24], inflight[24];
	time_t t = time(NULL);

	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
	for (size_t di = 0; di < cur->n_devices; di++) {
		const struct vq_device *d = &cur->devices[di];

		for (size_t j = 0; j < d->n_queues; j++) {
			const struct vq_queue *q = &d->queues[j], *p = NULL;
			bool moved = false;
			const char *kicks, *irqs, *added, *done;

			for (size_t x = 0; x < prev->n_devices && !p; x++)
				for (size_t y = 0; y < prev->devices[x].n_queues && !p; y++)
					if (!strcmp(prev->devices[x].name, d->name) &&
					    prev->devices[x].queues[y].index == q->index)
						p = &prev->devices[x].queues[y];
			if (!p)
				continue;
			kicks = delta(k, sizeof(k), &q->kicks, &p->kicks, &moved);
			irqs = delta(i, sizeof(i), &q->interrupts, &p->interrupts, &moved);
			added = delta(a, sizeof(a), &q->buffers_added, &p->buffers_added, &moved);
			done = delta(c, sizeof(c), &q->buffers_completed, &p->buffers_completed, &moved);
			if (!moved)
				continue;
			if (q->inflight.known)
				snprintf(inflight, sizeof(inflight), "%llu",
					 (unsigned long long)q->inflight.value);
			fprintf(out, "%s %-8s %-14s kicks %s  irqs %s  added %s  completed %s"
				"  inflight %s\n", stamp, d->name, q->name, kicks, irqs, added, done,
				q->inflight.known ? inflight : "-");
		}
	}
	fflush(out);
}

/* What --rebind needs to know of the device, from sysfs, checked. */
static int check_rebind(const char *name, bool force, struct vq_device *out)
{
	struct vq_report r = { 0 };
	char err[1024];
	int ret = -1;

	if (sysfs_read("/", &r, err, sizeof(err))) {
		p_err(CMD, "--rebind: %s", err);
		return -1;
	}
	for (size_t i = 0; i < r.n_devices; i++) {
		if (strcmp(r.devices[i].name, name))
			continue;
		if (rebind_check(&r.devices[i], force, err, sizeof(err))) {
			p_err(CMD, "%s", err);
			goto out;
		}
		*out = r.devices[i];
		out->queues = NULL;	/* not needed, and freed with r */
		out->n_queues = 0;
		ret = 0;
		goto out;
	}
	p_err(CMD, "--rebind %s: no such virtio device ('vqwatch audit' lists them)", name);
out:
	report_free(&r);
	return ret;
}

/* Everything the command line sets. */
struct trace_opts {
	uint64_t duration_ms, interval_ms;
	struct collect_config collect;
	struct device_filter filter;
	const char *rebind;
	bool force, json;
	int fail_on;
};

/* "virtioN", all of it. */
static bool device_name_ok(const char *option, const char *arg)
{
	unsigned int n;
	char tail;

	if (sscanf(arg, "virtio%u%c", &n, &tail) == 1)
		return true;
	p_err(CMD, "%s '%s': expected a name such as virtio0", option, arg);
	return false;
}

/* Returns -1 to go on, or the exit code (help, usage error). */
static int parse_options(int argc, char **argv, struct trace_opts *o)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "device", required_argument, NULL, 'D' },
		{ "type", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "detail", required_argument, NULL, 'L' },
		{ "latency-sample", required_argument, NULL, 'S' },
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "rebind", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "vmm", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char err[512];
	int opt, mode;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":d:i:D:t:m:s:r:FNjf:h", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_duration(CMD, "--duration", optarg, &o->duration_ms))
				return EXIT_USAGE;
			break;
		case 'i':
			if (parse_duration(CMD, "--interval", optarg, &o->interval_ms))
				return EXIT_USAGE;
			if (!o->interval_ms) {
				p_err(CMD, "--interval must be more than 0");
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_duration(CMD, "--stall-threshold", optarg,
					   &o->collect.findings.stall_threshold_ms))
				return EXIT_USAGE;
			break;
		case 'D':
		case 't':
			if (filter_add(&o->filter, opt == 'D' ? FILTER_DEVICE : FILTER_TYPE,
				       opt == 'D' ? "--device" : "--type", optarg, err, sizeof(err))) {
				p_err(CMD, "%s", err);
				return EXIT_USAGE;
			}
			break;
		case 'm':
			mode = parse_mode(CMD, optarg);
			if (mode < 0)
				return EXIT_USAGE;
			o->collect.session.mode = (enum session_mode)mode;
			break;
		case 'L':
			mode = parse_detail(CMD, optarg);
			if (mode < 0)
				return EXIT_USAGE;
			o->collect.session.detail = (enum session_detail)mode;
			break;
		case 'S':
			if (parse_latency_sample(CMD, optarg, &o->collect.session.latency_sample))
				return EXIT_USAGE;
			break;
		case 'r':
			if (!device_name_ok("--rebind", optarg))
				return EXIT_USAGE;
			o->rebind = optarg;
			break;
		case 'F': o->force = true; break;
		case 'N': o->collect.devread.enabled = false; break;
		case 'j': o->json = true; break;
		case 'V':
			if (parse_vmm(CMD, optarg, &o->collect.vmm))
				return EXIT_USAGE;
			break;
		case 'f':
			o->fail_on = parse_fail_on(CMD, optarg);
			if (o->fail_on < 0)
				return EXIT_USAGE;
			break;
		case 'h': help_trace(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help trace'", argv[optind]);
		return EXIT_USAGE;
	}
	if (o->force && !o->rebind) {
		p_err(CMD, "--force only applies to --rebind");
		return EXIT_USAGE;
	}
	if (detail_conflict(CMD, &o->collect.session))
		return EXIT_USAGE;
	return -1;
}

/* A device asked for by name must be there to begin with. */
static int check_devices(const struct device_filter *f)
{
	for (size_t i = 0; i < f->n_devices; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/bus/virtio/devices/%s", f->devices[i]);
		if (access(path, F_OK)) {
			p_err(CMD, "--device %s: no such virtio device ('vqwatch audit' lists them)",
			      f->devices[i]);
			return -1;
		}
	}
	return 0;
}

/* --interval: the deltas since the previous tick. */
struct ticker {
	struct collect *c;
	FILE *out;
	struct vq_report prev;
	bool have_prev;
};

static void on_tick(void *arg)
{
	struct ticker *t = arg;
	struct vq_report cur = { 0 };
	char err[1024];

	if (collect_read(t->c, &cur, err, sizeof(err))) {
		report_free(&cur);
		return;
	}
	if (t->have_prev)
		print_deltas(t->out, &t->prev, &cur);
	report_free(&t->prev);
	t->prev = cur;
	t->have_prev = true;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = {
		.duration_ms = 10000,
		.collect = {
			.session = { .mode = SESSION_AUTO, .verbosity = verbose },
			.need_bpf = true,
			.keep_removed = true,
			.window_findings = true,
			.devread = { .enabled = true },
			.findings = findings_config_default(),
			.filter = &o.filter,
		},
		.fail_on = -1,
	};
	struct vq_report report = { 0 };
	struct vq_device rebind_dev = { 0 };
	struct ticker ticker = { 0 };
	struct collect *c = NULL;
	int ret = parse_options(argc, argv, &o);
	size_t n_hooks, attached;
	char err[1024];

	if (ret >= 0)
		goto out;
	ret = EXIT_RUNTIME;
	if (check_devices(&o.filter))
		goto out;
	/* a rebind is checked before anything is attached */
	if (o.rebind && check_rebind(o.rebind, o.force, &rebind_dev))
		goto out;

	c = collect_open(&o.collect, err, sizeof(err));
	if (!c) {
		p_err(CMD, "%s", err);
		goto out;
	}
	cmd_stop_on_signals();
	/* on stderr: stdout stays one document with --json */
	collect_hooks(c, &n_hooks);
	attached = collect_hooks_attached(c);
	fprintf(stderr, "vqwatch trace: mode %s, %zu/%zu hooks attached%s; collecting for %.1fs "
		"(Ctrl-C ends early)\n", collect_mode(c), attached, n_hooks,
		attached < n_hooks ? " (the report lists why the others were skipped)" : "",
		(double)o.duration_ms / 1000);
	if (o.rebind) {
		if (rebind_device(&rebind_dev, err, sizeof(err))) {
			p_err(CMD, "%s", err);
			goto out;
		}
		fprintf(stderr, "vqwatch trace: %s unbound from %s and bound again\n", o.rebind,
			rebind_dev.driver);
	}
	ticker.c = c;
	ticker.out = o.json ? stderr : stdout;
	if (o.interval_ms)
		on_tick(&ticker);
	collect_run(c, o.duration_ms, &cmd_stop, o.interval_ms, on_tick, &ticker);
	if (collect_read(c, &report, err, sizeof(err))) {
		p_err(CMD, "%s", err);
		goto out;
	}
	ret = emit_report(CMD, &report, o.json, STYLE_TRACE, o.fail_on);
out:
	report_free(&ticker.prev);
	report_free(&report);
	collect_close(c);
	filter_free(&o.filter);
	return ret;
}
