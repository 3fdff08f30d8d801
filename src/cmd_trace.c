// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch trace: a one-shot session.
 *   open (probe, load, attach) -> discover (read each device's uevent)
 *   -> collect (sample rings every second, print deltas at --interval)
 *   -> report (sysfs + BPF -> model -> findings -> text/JSON)
 * Ctrl-C or SIGTERM ends the collection early; the report still prints.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "bpf_source.h"
#include "cmd.h"
#include "devread.h"
#include "findings.h"
#include "rebind.h"
#include "report.h"
#include "session.h"
#include "sysfs.h"

#define CMD "trace"
#define MAX_FILTERS 32
/* Ring indexes are 16 bits: sample well before 65536 completions. */
#define SAMPLE_MS 1000

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void help_trace(void)
{
	printf("usage: vqwatch trace [--duration D] [--interval D] [--device virtioN]...\n"
	       "                     [--type TYPE]... [--mode MODE] [--stall-threshold D]\n"
	       "                     [--rebind virtioN [--force]] [--no-device-read] [--json]\n"
	       "                     [--fail-on SEVERITY]\n\n"
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
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --rebind virtioN     once attached, unbind the device's driver and bind it\n"
	       "                       again, so that its probe (driver slots, the feature\n"
	       "                       offer) is seen live.  Disruptive; refused for a disk\n"
	       "                       in use, an interface with a route, and the 6.11+ MSI-X\n"
	       "                       balloon unbind crash (--force overrides only that)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n"
	       "  --json               SPEC.md JSON instead of text\n"
	       "  --fail-on SEV        exit 3 when a finding is at least SEV\n\n"
	       "Counters a mode cannot see are null (JSON) or '-' (text): tracepoint mode\n"
	       "sees per-vector interrupts and ring state, not kicks or bytes.\n"
	       "Ctrl-C ends early and still prints the report.\n");
}

struct filters {
	const char *devices[MAX_FILTERS];
	size_t n_devices;
	const struct vq_device_type *types[MAX_FILTERS];
	size_t n_types;
};

static bool wanted(const struct filters *f, const struct vq_device *d)
{
	bool dev_ok = !f->n_devices, type_ok = !f->n_types;

	for (size_t i = 0; i < f->n_devices; i++)
		dev_ok |= !strcmp(f->devices[i], d->name);
	for (size_t i = 0; i < f->n_types; i++)
		type_ok |= d->type == f->types[i];
	return dev_ok && type_ok;
}

/* Keep the devices the filters ask for. */
static void apply_filters(const struct filters *f, struct vq_report *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_devices; i++) {
		if (wanted(f, &r->devices[i]))
			r->devices[kept++] = r->devices[i];
		else
			free(r->devices[i].queues);
	}
	r->n_devices = kept;
}

/* sysfs, the devices' own answers, then what BPF saw, then the filters:
 * the report's model. */
static int build_report(struct bpf_source *src, const struct filters *f,
			const struct devread_options *dr, struct vq_report *r, char *err,
			size_t errlen)
{
	if (sysfs_read("/", r, err, errlen) || devread_fill("/", r, dr, err, errlen))
		return -1;
	if (bpf_source_fill(src, r)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	apply_filters(f, r);
	return 0;
}

static uint64_t value(const struct vq_counter *c)
{
	return c->known ? c->value : 0;
}

/* One line per queue whose counters moved since the previous interval. */
static void print_deltas(const struct vq_report *prev, const struct vq_report *cur)
{
	char stamp[16];
	time_t t = time(NULL);

	strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&t));
	for (size_t i = 0; i < cur->n_devices; i++) {
		const struct vq_device *d = &cur->devices[i];

		for (size_t j = 0; j < d->n_queues; j++) {
			const struct vq_queue *q = &d->queues[j], *p = NULL;

			for (size_t a = 0; a < prev->n_devices && !p; a++)
				for (size_t b = 0; b < prev->devices[a].n_queues && !p; b++)
					if (!strcmp(prev->devices[a].name, d->name) &&
					    prev->devices[a].queues[b].index == q->index)
						p = &prev->devices[a].queues[b];
			if (!p)
				continue;
			uint64_t kicks = value(&q->kicks) - value(&p->kicks);
			uint64_t irqs = value(&q->interrupts) - value(&p->interrupts);
			uint64_t added = value(&q->buffers_added) - value(&p->buffers_added);
			uint64_t done = value(&q->buffers_completed) - value(&p->buffers_completed);

			if (!kicks && !irqs && !added && !done)
				continue;
			printf("%s %-8s %-14s kicks +%llu  irqs +%llu  added +%llu  completed +%llu"
			       "  inflight %llu\n", stamp, d->name, q->name,
			       (unsigned long long)kicks, (unsigned long long)irqs,
			       (unsigned long long)added, (unsigned long long)done,
			       (unsigned long long)value(&q->inflight));
		}
	}
	fflush(stdout);
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
	struct findings_config findings;
	struct session_opts session;
	struct devread_options devread;
	struct filters filters;
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
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "rebind", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'F' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct filters *filt = &o->filters;
	const struct vq_device_type *t;
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
					   &o->findings.stall_threshold_ms))
				return EXIT_USAGE;
			break;
		case 'D':
			if (!device_name_ok("--device", optarg))
				return EXIT_USAGE;
			if (filt->n_devices == MAX_FILTERS) {
				p_err(CMD, "--device given more than %d times", MAX_FILTERS);
				return EXIT_USAGE;
			}
			filt->devices[filt->n_devices++] = optarg;
			break;
		case 't':
			t = virtio_type_by_name(optarg);
			if (!t) {
				p_err(CMD, "--type '%s': no such device type; 'vqwatch help layout' "
				      "lists them", optarg);
				return EXIT_USAGE;
			}
			if (filt->n_types == MAX_FILTERS) {
				p_err(CMD, "--type given more than %d times", MAX_FILTERS);
				return EXIT_USAGE;
			}
			filt->types[filt->n_types++] = t;
			break;
		case 'm':
			mode = parse_mode(CMD, optarg);
			if (mode < 0)
				return EXIT_USAGE;
			o->session.mode = (enum session_mode)mode;
			break;
		case 'r':
			if (!device_name_ok("--rebind", optarg))
				return EXIT_USAGE;
			o->rebind = optarg;
			break;
		case 'F': o->force = true; break;
		case 'N': o->devread.enabled = false; break;
		case 'j': o->json = true; break;
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
	return -1;
}

/* A device asked for by name must be there to begin with. */
static int check_devices(const struct filters *f)
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

/* One line on stderr (stdout stays one document with --json). */
static void say_attached(const struct session *s, uint64_t duration_ms)
{
	size_t n, attached = 0;
	const struct vq_hook_status *hooks = session_hooks(s, &n);

	for (size_t i = 0; i < n; i++)
		attached += hooks[i].attached;
	fprintf(stderr, "vqwatch trace: mode %s, %zu/%zu hooks attached%s; collecting for %.1fs "
		"(Ctrl-C ends early)\n", session_mode_name(s), attached, n,
		attached < n ? " (the report lists why the others were skipped)" : "",
		(double)duration_ms / 1000);
}

/* Sample every second until the duration is over or a signal came; with
 * an interval, print the deltas at each. */
static void collect(struct bpf_source *src, const struct trace_opts *o)
{
	uint64_t start = monotonic_ms(), last_sample = start, last_print = start;
	struct vq_report prev = { 0 };
	char err[1024];

	if (o->interval_ms &&
	    build_report(src, &o->filters, &o->devread, &prev, err, sizeof(err)))
		report_free(&prev);
	while (!stop && monotonic_ms() - start < o->duration_ms) {
		struct timespec tick = { 0, 100 * 1000000 };
		uint64_t now;

		bool print_due;

		nanosleep(&tick, NULL);
		now = monotonic_ms();
		print_due = o->interval_ms && now - last_print >= o->interval_ms;
		if (print_due || now - last_sample >= SAMPLE_MS) {
			bpf_source_sample(src);
			last_sample = now;
		}
		if (print_due) {
			struct vq_report cur = { 0 };

			if (!build_report(src, &o->filters, &o->devread, &cur, err, sizeof(err))) {
				print_deltas(&prev, &cur);
				report_free(&prev);
				prev = cur;
			} else {
				report_free(&cur);
			}
			last_print = now;
		}
	}
	report_free(&prev);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = {
		.duration_ms = 10000,
		.findings = findings_config_default(),
		.session = { .mode = SESSION_AUTO, .verbosity = verbose },
		.devread = { .enabled = true },
		.fail_on = -1,
	};
	struct vq_report report = { .duration_s = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	struct vq_device rebind_dev = { 0 };
	struct bpf_source *src = NULL;
	struct session *s = NULL;
	int ret = parse_options(argc, argv, &o);
	uint64_t start;
	char err[1024];

	if (ret >= 0)
		return ret;
	ret = EXIT_RUNTIME;
	if (check_devices(&o.filters))
		return EXIT_RUNTIME;
	/* a rebind is checked before anything is attached */
	if (o.rebind && check_rebind(o.rebind, o.force, &rebind_dev))
		return EXIT_RUNTIME;

	/* open: probe, load, attach */
	s = session_open(&o.session, err, sizeof(err));
	if (!s) {
		p_err(CMD, "%s", err);
		goto cleanup;
	}
	src = bpf_source_new(s, "/");
	if (!src) {
		p_err(CMD, "out of memory");
		goto cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	say_attached(s, o.duration_ms);

	/* discover (and rebind), then collect */
	start = monotonic_ms();
	session_trigger_discovery("/");
	bpf_source_sample(src);
	if (o.rebind) {
		if (rebind_device(&rebind_dev, err, sizeof(err))) {
			p_err(CMD, "%s", err);
			goto cleanup;
		}
		fprintf(stderr, "vqwatch trace: %s unbound from %s and bound again\n", o.rebind,
			rebind_dev.driver);
	}
	collect(src, &o);

	/* report */
	bpf_source_sample(src);
	if (build_report(src, &o.filters, &o.devread, &report, err, sizeof(err))) {
		p_err(CMD, "%s", err);
		goto cleanup;
	}
	report.duration_s = (double)(monotonic_ms() - start) / 1000;
	if (findings_run(&report, &o.findings)) {
		p_err(CMD, "out of memory");
		goto cleanup;
	}
	ret = emit_report(CMD, &report, o.json, STYLE_TRACE, o.fail_on);
cleanup:
	report_free(&report);
	bpf_source_free(src);
	session_close(s);
	return ret;
}
