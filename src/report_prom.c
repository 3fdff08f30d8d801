// SPDX-License-Identifier: GPL-2.0
/*
 * The model as Prometheus text (exposition format 0.0.4, docs/metrics.md
 * "Prometheus metrics").  Rules kept here:
 *   - one family at a time: "# HELP" and "# TYPE" once, then every sample
 *     of that family, so lines of a family are never interleaved;
 *   - a family with no sample is left out entirely (no orphan HELP/TYPE);
 *   - counters are exact integers (PRIu64), never a float such as 1.2e+06,
 *     and a counter the mode cannot see (struct vq_counter !known) is not
 *     emitted at all: absent, not 0;
 *   - label values escape backslash, double quote and newline, and invalid
 *     UTF-8 becomes U+FFFD (the text parser rejects invalid label values);
 *   - per-queue series carry device, device_type, queue, name; per-device
 *     series carry device, device_type.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "feature_mask.h"
#include "hist.h"
#include "report.h"

#define PROM_PREFIX "vqwatch_"

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		unsigned char lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		unsigned char lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* A label value: \\, \" and \n escaped (exposition_formats.md). */
static void escaped_value(FILE *out, const char *value)
{
	const unsigned char *s = (const unsigned char *)(value ? value : "");

	while (*s) {
		size_t len = utf8_len(s);

		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '"')
			fputs("\\\"", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (!len)
			fputs("\xef\xbf\xbd", out);	/* U+FFFD */
		else
			fwrite(s, 1, len, out);
		s += len ? len : 1;
	}
}

/* name="value", with a comma before it unless it is the first label. */
static void label(FILE *out, bool *first, const char *name, const char *value)
{
	fprintf(out, "%s%s=\"", *first ? "" : ",", name);
	escaped_value(out, value);
	fputc('"', out);
	*first = false;
}

/* An index label: "" when unknown (an empty label value). */
static void index_label(FILE *out, bool *first, const char *name, int index)
{
	char buf[16] = "";

	if (index != VQ_NULL_INDEX)
		snprintf(buf, sizeof(buf), "%d", index);
	label(out, first, name, buf);
}

/*
 * v / 10^digits exactly, in plain decimal without trailing zeros:
 * (1023, 6) -> "0.001023", (2000000, 6) -> "2", (0, 6) -> "0".  Used for
 * microseconds and milliseconds as seconds, where a double would round.
 */
static void fixed_point(FILE *out, uint64_t v, unsigned int digits)
{
	uint64_t scale = 1;
	char frac[24];
	int n;

	for (unsigned int i = 0; i < digits; i++)
		scale *= 10;
	fprintf(out, "%" PRIu64, v / scale);
	if (!digits || !(v % scale))
		return;
	n = snprintf(frac, sizeof(frac), "%0*" PRIu64, (int)digits, v % scale);
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(out, ".%s", frac);
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP " PROM_PREFIX "%s %s\n# TYPE " PROM_PREFIX "%s %s\n",
		name, help, name, type);
}

static const char *device_type(const struct vq_device *d)
{
	return d->type ? d->type->name : "unknown";
}

static void device_labels(FILE *out, bool *first, const struct vq_device *d)
{
	label(out, first, "device", d->name);
	label(out, first, "device_type", device_type(d));
}

static void queue_labels(FILE *out, bool *first, const struct vq_device *d,
			 const struct vq_queue *q)
{
	device_labels(out, first, d);
	index_label(out, first, "queue", q->index);
	label(out, first, "name", q->name);
}

/* ---- self ---------------------------------------------------------- */

static void write_self(FILE *out, const struct vq_report *r, double scrape_seconds)
{
	bool first = true;

	family(out, "build_info", "gauge", "vqwatch version and the kernel it runs on; always 1.");
	fputs(PROM_PREFIX "build_info{", out);
	label(out, &first, "version", VQWATCH_VERSION);
	label(out, &first, "kernel", r->kernel);
	fputs("} 1\n", out);

	if (r->mode) {
		first = true;
		family(out, "attach_mode", "gauge",
		       "How vqwatch observes: fentry, kprobe, tracepoint, or sysfs (no BPF); always 1.");
		fputs(PROM_PREFIX "attach_mode{", out);
		label(out, &first, "mode", r->mode);
		fputs("} 1\n", out);
	}
	if (r->detail) {
		char sample[16];

		first = true;
		family(out, "detail_info", "gauge",
		       "What the BPF programs collect: counts (no program per buffer: no bytes, "
		       "no latency) or full, timing one buffer in latency_sample; always 1.");
		fputs(PROM_PREFIX "detail_info{", out);
		label(out, &first, "detail", r->detail);
		snprintf(sample, sizeof(sample), "%u", r->latency_sample);
		label(out, &first, "latency_sample", r->latency_sample ? sample : "");
		fputs("} 1\n", out);
	}

	if (r->n_hooks) {
		family(out, "hook_attached", "gauge",
		       "Whether a BPF hook is attached (1) or was skipped (0).");
		for (size_t i = 0; i < r->n_hooks; i++) {
			first = true;
			fputs(PROM_PREFIX "hook_attached{", out);
			label(out, &first, "hook", r->hooks[i].hook);
			fprintf(out, "} %d\n", r->hooks[i].attached ? 1 : 0);
		}
		family(out, "hook_info", "gauge",
		       "A BPF hook: the mode it attached in (empty when skipped) and the reason: "
		       "why it was skipped, starting with what it feeds, or why it is not in a "
		       "preferred mode; always 1.");
		for (size_t i = 0; i < r->n_hooks; i++) {
			const struct vq_hook_status *h = &r->hooks[i];
			bool feeds = !h->attached && h->feeds && h->feeds[0];

			first = true;
			fputs(PROM_PREFIX "hook_info{", out);
			label(out, &first, "hook", h->hook);
			label(out, &first, "mode", h->attached ? h->mode : "");
			fputs(",reason=\"", out);
			if (feeds) {
				fputs("feeds ", out);
				escaped_value(out, h->feeds);
				fputs(h->reason[0] ? "; " : "", out);
			}
			escaped_value(out, h->reason);
			fputs("\"} 1\n", out);
		}
	}

	if (r->events_lost_known && r->n_losses) {
		family(out, "events_lost_total", "counter",
		       "BPF events that could not be recorded, by cause (a map full, a list too long).");
		for (size_t i = 0; i < r->n_losses; i++) {
			first = true;
			fputs(PROM_PREFIX "events_lost_total{", out);
			label(out, &first, "cause", r->losses[i].what);
			fprintf(out, "} %" PRIu64 "\n", r->losses[i].count);
		}
	}

	if (r->n_sources) {
		family(out, "scrape_source_success", "gauge",
		       "Whether a source could be read for this scrape (1) or not (0: its data is "
		       "missing, the rest is served).");
		for (size_t i = 0; i < r->n_sources; i++) {
			first = true;
			fputs(PROM_PREFIX "scrape_source_success{", out);
			label(out, &first, "source", r->sources[i].name);
			fprintf(out, "} %d\n", r->sources[i].ok ? 1 : 0);
		}
	}

	if (scrape_seconds >= 0) {
		family(out, "scrape_duration_seconds", "gauge",
		       "Time taken to read the sources and build this scrape.");
		fprintf(out, PROM_PREFIX "scrape_duration_seconds %.6f\n", scrape_seconds);
	}
}

/* vqwatch's own BPF cost: the switch, then per program runs or seconds. */
static void program_series(FILE *out, const struct vq_report *r, const char *name, bool seconds)
{
	for (size_t i = 0; i < r->n_prog_stats; i++) {
		bool first = true;

		fprintf(out, PROM_PREFIX "%s{", name);
		label(out, &first, "program", r->prog_stats[i].program);
		label(out, &first, "hook", r->prog_stats[i].hook);
		fputs("} ", out);
		if (seconds)
			fixed_point(out, r->prog_stats[i].run_ns, 9);
		else
			fprintf(out, "%" PRIu64, r->prog_stats[i].runs);
		fputc('\n', out);
	}
}

static void write_cost(FILE *out, const struct vq_report *r)
{
	if (!r->prog_stats_known)
		return;
	family(out, "bpf_stats_enabled", "gauge",
	       "Whether the kernel counts BPF program runs and time "
	       "(sysctl kernel.bpf_stats_enabled); vqwatch_bpf_program_* only while it does.");
	fprintf(out, PROM_PREFIX "bpf_stats_enabled %d\n", r->bpf_stats_enabled ? 1 : 0);
	if (!r->bpf_stats_enabled || !r->n_prog_stats)
		return;
	family(out, "bpf_program_runs_total", "counter",
	       "Runs of each of vqwatch's BPF programs (while kernel.bpf_stats_enabled).");
	program_series(out, r, "bpf_program_runs_total", false);
	family(out, "bpf_program_run_seconds_total", "counter",
	       "Time spent in each of vqwatch's BPF programs (while kernel.bpf_stats_enabled): "
	       "its cost to the traced I/O.");
	program_series(out, r, "bpf_program_run_seconds_total", true);
}

/* ---- the process, as client libraries' process collectors name it ---- */

static void process_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void write_process(FILE *out, const struct vq_process *p)
{
	if (!p->known)
		return;
	process_family(out, "process_cpu_seconds_total", "counter",
		       "Total user and system CPU time spent in seconds.");
	fprintf(out, "process_cpu_seconds_total %.2f\n", p->cpu_seconds);
	process_family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
	fprintf(out, "process_resident_memory_bytes %" PRIu64 "\n", p->resident_bytes);
	process_family(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
	fprintf(out, "process_virtual_memory_bytes %" PRIu64 "\n", p->virtual_bytes);
	process_family(out, "process_open_fds", "gauge", "Number of open file descriptors.");
	fprintf(out, "process_open_fds %" PRIu64 "\n", p->open_fds);
	process_family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.");
	fprintf(out, "process_max_fds %" PRIu64 "\n", p->max_fds);
	process_family(out, "process_start_time_seconds", "gauge",
		       "Start time of the process since unix epoch in seconds.");
	fprintf(out, "process_start_time_seconds %.2f\n", p->start_time_seconds);
}

/* ---- devices ------------------------------------------------------- */

/* The queues the driver created: unknown when unbound, or when the count
 * was assumed (no vectors to count them by). */
static bool driver_queues(const struct vq_device *d, uint64_t *n)
{
	if (!d->driver[0] || d->queue_count_assumed)
		return false;
	*n = d->n_queues;
	return true;
}

static void write_device_gauges(FILE *out, const struct vq_report *r)
{
	bool any = false;
	uint64_t n;

	for (size_t i = 0; i < r->n_devices; i++)
		any |= r->devices[i].device_queues.known;
	if (any) {
		family(out, "device_queues", "gauge",
		       "Queues the device itself reports (virtio-pci num_queues).");
		for (size_t i = 0; i < r->n_devices; i++) {
			const struct vq_device *d = &r->devices[i];
			bool first = true;

			if (!d->device_queues.known)
				continue;
			fputs(PROM_PREFIX "device_queues{", out);
			device_labels(out, &first, d);
			fprintf(out, "} %" PRIu64 "\n", d->device_queues.value);
		}
	}

	any = false;
	for (size_t i = 0; i < r->n_devices; i++)
		any |= driver_queues(&r->devices[i], &n);
	if (any) {
		family(out, "device_driver_queues", "gauge", "Queues the driver created.");
		for (size_t i = 0; i < r->n_devices; i++) {
			const struct vq_device *d = &r->devices[i];
			bool first = true;

			if (!driver_queues(d, &n))
				continue;
			fputs(PROM_PREFIX "device_driver_queues{", out);
			device_labels(out, &first, d);
			fprintf(out, "} %" PRIu64 "\n", n);
		}
	}
}

static void feature_samples(FILE *out, const struct vq_device *d, const struct vq_features *f,
			    const char *state)
{
	for (int bit = features_next(f, 0); bit >= 0; bit = features_next(f, bit + 1)) {
		char num[16], name[64];
		bool first = true;

		snprintf(num, sizeof(num), "%d", bit);
		/* a bit no table names is named "bit N", as audit names it */
		features_label(d->type, (unsigned int)bit, name, sizeof(name));
		fputs(PROM_PREFIX "device_feature{", out);
		device_labels(out, &first, d);
		label(out, &first, "bit", num);
		label(out, &first, "name", name);
		label(out, &first, "state", state);
		fputs("} 1\n", out);
	}
}

static void write_features(FILE *out, const struct vq_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n_devices; i++)
		any |= r->devices[i].negotiated_known || r->devices[i].offered_known;
	if (!any)
		return;
	family(out, "device_feature", "gauge",
	       "A feature bit the device offered or the driver negotiated; always 1.");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct vq_device *d = &r->devices[i];

		if (d->negotiated_known)
			feature_samples(out, d, &d->negotiated, "negotiated");
		if (d->offered_known)
			feature_samples(out, d, &d->offered, "offered");
	}
}

/* ---- queues -------------------------------------------------------- */

/* "split" or "packed": as the ring program read it, else from the
 * negotiated features; NULL when neither is known. */
static const char *ring_format(const struct vq_device *d, const struct vq_queue *q)
{
	if (q->ring.known)
		return q->ring.packed ? "packed" : "split";
	if (d->negotiated_known)
		return features_has(&d->negotiated, VQ_F_RING_PACKED) ? "packed" : "split";
	return NULL;
}

static void write_queue_info(FILE *out, const struct vq_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n_devices; i++)
		any |= r->devices[i].n_queues > 0;
	if (!any)
		return;
	family(out, "queue_info", "gauge",
	       "A queue's spec role, the spec's index for it, the driver's slot and its ring's "
	       "format; always 1.");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct vq_device *d = &r->devices[i];

		for (size_t j = 0; j < d->n_queues; j++) {
			const struct vq_queue *q = &d->queues[j];
			bool first = true;

			fputs(PROM_PREFIX "queue_info{", out);
			queue_labels(out, &first, d, q);
			label(out, &first, "role", q->role);
			index_label(out, &first, "spec_index", q->spec_index);
			index_label(out, &first, "driver_slot", q->driver_slot);
			if (ring_format(d, q))
				label(out, &first, "ring", ring_format(d, q));
			fputs("} 1\n", out);
		}
	}
}

/* Per-queue counters and gauges of struct vq_queue, in docs/metrics.md order. */
static const struct queue_metric {
	const char *name, *type, *help;
	size_t offset;		/* of a struct vq_counter in struct vq_queue */
	unsigned int digits;	/* the value is in 10^-digits of the unit */
} queue_metrics[] = {
	{ "queue_kicks_total", "counter", "Notifications from the driver to the device.",
	  offsetof(struct vq_queue, kicks), 0 },
	{ "queue_interrupts_total", "counter", "Used-buffer interrupts handled for the queue.",
	  offsetof(struct vq_queue, interrupts), 0 },
	{ "queue_spurious_interrupts_total", "counter",
	  "Interrupts for the queue that found no used buffer.",
	  offsetof(struct vq_queue, spurious_interrupts), 0 },
	{ "queue_buffers_added_total", "counter", "Buffers the driver made available.",
	  offsetof(struct vq_queue, buffers_added), 0 },
	{ "queue_buffers_completed_total", "counter", "Buffers the device returned as used.",
	  offsetof(struct vq_queue, buffers_completed), 0 },
	{ "queue_out_bytes_total", "counter", "Bytes in driver-to-device buffers.",
	  offsetof(struct vq_queue, out_bytes), 0 },
	{ "queue_in_bytes_total", "counter",
	  "Bytes the device wrote into device-to-driver buffers (the used length).",
	  offsetof(struct vq_queue, in_bytes), 0 },
	{ "queue_inflight_buffers", "gauge", "Buffers made available and not yet used.",
	  offsetof(struct vq_queue, inflight), 0 },
	{ "queue_oldest_inflight_seconds", "gauge",
	  "Age of the oldest buffer still in flight (0 when none).",
	  offsetof(struct vq_queue, oldest_inflight_ms), 3 },
	{ "queue_stalls_total", "counter",
	  "Times queue-stalled began on the queue since vqwatch started (seen at a sample every "
	  "second, so a stall between two scrapes counts).",
	  offsetof(struct vq_queue, stalls), 0 },
};

static const struct vq_counter *queue_counter(const struct vq_queue *q,
					      const struct queue_metric *m)
{
	return (const struct vq_counter *)((const char *)q + m->offset);
}

static void write_queue_metric(FILE *out, const struct vq_report *r, const struct queue_metric *m)
{
	bool any = false;

	for (size_t i = 0; i < r->n_devices; i++)
		for (size_t j = 0; j < r->devices[i].n_queues; j++)
			any |= queue_counter(&r->devices[i].queues[j], m)->known;
	if (!any)
		return;
	family(out, m->name, m->type, m->help);
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct vq_device *d = &r->devices[i];

		for (size_t j = 0; j < d->n_queues; j++) {
			const struct vq_counter *c = queue_counter(&d->queues[j], m);
			bool first = true;

			if (!c->known)
				continue;
			fprintf(out, PROM_PREFIX "%s{", m->name);
			queue_labels(out, &first, d, &d->queues[j]);
			fputs("} ", out);
			fixed_point(out, c->value, m->digits);
			fputc('\n', out);
		}
	}
}

/*
 * vqwatch_queue_latency_seconds from the BPF slots (include/vqwatch_hist.h,
 * src/hist.c).  BPF truncates each add-to-completion time to whole
 * microseconds v, then counts v in a slot:
 *
 *   slot 0          v == 0                       le="0"
 *   slot i, 1..30   2^(i-1) <= v <= 2^i - 1      le=(2^i - 1) us in seconds
 *   slot 31         v >= 2^30 (about 18 min)     only under le="+Inf"
 *
 * so le is hist_slot_bound_us() / 10^6, printed exactly: slot 1 "0.000001",
 * slot 2 "0.000003", slot 10 "0.001023", slot 30 "1073.741823".  A bucket is
 * inclusive: a completion of exactly 3 us is in slot 2 and counts under
 * le="0.000003"; 4 us is slot 3 and first counts under le="0.000007".
 * Because of the truncation, a bucket le=X holds real times below X + 1 us.
 * Buckets are cumulative; every bucket is printed, empty or not, so that
 * the set of le values never changes between scrapes.  _count and the
 * +Inf bucket are the sum of the slots (so they agree by construction);
 * _sum is the sum of the truncated microseconds, in seconds.
 */
static void write_latency(FILE *out, const struct vq_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n_devices; i++)
		for (size_t j = 0; j < r->devices[i].n_queues; j++)
			any |= r->devices[i].queues[j].latency.known;
	if (!any)
		return;
	family(out, "queue_latency_seconds", "histogram",
	       "Time from a buffer made available to its completion, per buffer.");
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct vq_device *d = &r->devices[i];

		for (size_t j = 0; j < d->n_queues; j++) {
			const struct vq_queue *q = &d->queues[j];
			const struct vq_hist *h = &q->latency;
			uint64_t cumulative = 0, le_us;
			bool first;

			if (!h->known)
				continue;
			for (unsigned int s = 0; s < VQ_HIST_SLOTS; s++) {
				cumulative += h->slots[s];
				if (!hist_slot_bound_us(s, &le_us))
					continue;	/* the last slot: +Inf only */
				first = true;
				fputs(PROM_PREFIX "queue_latency_seconds_bucket{", out);
				queue_labels(out, &first, d, q);
				fputs(",le=\"", out);
				fixed_point(out, le_us, 6);
				fprintf(out, "\"} %" PRIu64 "\n", cumulative);
			}
			first = true;
			fputs(PROM_PREFIX "queue_latency_seconds_bucket{", out);
			queue_labels(out, &first, d, q);
			fprintf(out, ",le=\"+Inf\"} %" PRIu64 "\n", cumulative);
			first = true;
			fputs(PROM_PREFIX "queue_latency_seconds_sum{", out);
			queue_labels(out, &first, d, q);
			fputs("} ", out);
			fixed_point(out, h->sum_us, 6);
			fputc('\n', out);
			first = true;
			fputs(PROM_PREFIX "queue_latency_seconds_count{", out);
			queue_labels(out, &first, d, q);
			fprintf(out, "} %" PRIu64 "\n", cumulative);
		}
	}
}

/* ---- balloon ------------------------------------------------------- */

static const struct balloon_metric {
	const char *name, *type, *help;
	size_t offset;		/* of a struct vq_counter in struct vq_balloon */
	const char *op;		/* the op label, or NULL */
} balloon_metrics[] = {
	{ "balloon_pages_total", "counter", "Pages moved into (inflate) or out of (deflate) the balloon.",
	  offsetof(struct vq_balloon, inflate_pages), "inflate" },
	{ "balloon_pages_total", NULL, NULL, offsetof(struct vq_balloon, deflate_pages), "deflate" },
	{ "balloon_free_page_reports_total", "counter", "Free page reports sent to the device.",
	  offsetof(struct vq_balloon, free_page_reports), NULL },
	{ "balloon_reported_bytes_total", "counter", "Bytes of free memory reported to the device.",
	  offsetof(struct vq_balloon, reported_bytes), NULL },
	{ "balloon_stats_requests_total", "counter", "Memory statistics requests from the device.",
	  offsetof(struct vq_balloon, stats_requests), NULL },
	{ "balloon_target_pages", "gauge", "The balloon size the device asks for, in pages.",
	  offsetof(struct vq_balloon, target_pages), NULL },
	{ "balloon_free_page_hint_commands_total", "counter",
	  "Free page hinting commands (start and stop) sent to the device, during live migration.",
	  offsetof(struct vq_balloon, free_page_hint_commands), NULL },
	{ "balloon_hinted_bytes_total", "counter", "Bytes of free memory hinted to the device.",
	  offsetof(struct vq_balloon, hinted_bytes), NULL },
};

#define N_BALLOON_METRICS (sizeof(balloon_metrics) / sizeof(balloon_metrics[0]))

static const struct vq_counter *balloon_counter(const struct vq_device *d,
						const struct balloon_metric *m)
{
	return (const struct vq_counter *)((const char *)&d->balloon + m->offset);
}

/* Rows sharing a name (pages_total: inflate, deflate) form one family. */
static void write_balloon(FILE *out, const struct vq_report *r)
{
	for (size_t m = 0; m < N_BALLOON_METRICS; ) {
		size_t end = m + 1;
		bool any = false;

		while (end < N_BALLOON_METRICS &&
		       !strcmp(balloon_metrics[end].name, balloon_metrics[m].name))
			end++;
		for (size_t i = 0; i < r->n_devices; i++)
			for (size_t k = m; k < end; k++)
				any |= r->devices[i].type_id == VQ_ID_BALLOON &&
				       balloon_counter(&r->devices[i], &balloon_metrics[k])->known;
		if (any)
			family(out, balloon_metrics[m].name, balloon_metrics[m].type,
			       balloon_metrics[m].help);
		for (size_t i = 0; any && i < r->n_devices; i++) {
			const struct vq_device *d = &r->devices[i];

			if (d->type_id != VQ_ID_BALLOON)
				continue;
			for (size_t k = m; k < end; k++) {
				const struct vq_counter *c = balloon_counter(d, &balloon_metrics[k]);
				bool first = true;

				if (!c->known)
					continue;
				fprintf(out, PROM_PREFIX "%s{", balloon_metrics[k].name);
				device_labels(out, &first, d);
				if (balloon_metrics[k].op)
					label(out, &first, "op", balloon_metrics[k].op);
				fprintf(out, "} %" PRIu64 "\n", c->value);
			}
		}
		m = end;
	}
}

/* ---- findings ------------------------------------------------------ */

static bool same_series(const struct vq_finding *a, const struct vq_finding *b)
{
	return a->severity == b->severity && a->queue == b->queue &&
	       !strcmp(a->code, b->code) && !strcmp(a->device, b->device) &&
	       !strcmp(a->rule ? a->rule : "", b->rule ? b->rule : "");
}

static void write_findings(FILE *out, const struct vq_report *r)
{
	if (!r->n_findings)
		return;
	family(out, "finding", "gauge",
	       "A finding (codes: docs/findings.md) on a device or queue (queue=\"\" for the device); always 1.");
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct vq_finding *f = &r->findings[i];
		bool first = true, seen = false;

		/* two findings with the same labels would be one series twice */
		for (size_t k = 0; k < i && !seen; k++)
			seen = same_series(&r->findings[k], f);
		if (seen)
			continue;
		fputs(PROM_PREFIX "finding{", out);
		label(out, &first, "code", f->code);
		label(out, &first, "severity", severity_name(f->severity));
		label(out, &first, "device", f->device);
		index_label(out, &first, "queue", f->queue);
		label(out, &first, "rule", f->rule ? f->rule : "");
		fputs("} 1\n", out);
	}
}

/* vqwatch_vmm_info{name, source} 1: the VMM the guest runs on. */
static void write_vmm(FILE *out, const struct vq_report *r)
{
	bool first = true;

	if (!r->vmm_known)
		return;
	family(out, "vmm_info", "gauge",
	       "The VMM this guest runs on (name=\"unknown\" when no sign matched) and the evidence; always 1.");
	fputs(PROM_PREFIX "vmm_info{", out);
	label(out, &first, "name", r->vmm ? r->vmm->name : "unknown");
	label(out, &first, "source", r->vmm_source);
	fputs("} 1\n", out);
}

int report_write_prom(FILE *out, const struct vq_report *r, double scrape_seconds)
{
	write_self(out, r, scrape_seconds);
	write_cost(out, r);
	write_process(out, &r->process);
	write_device_gauges(out, r);
	write_features(out, r);
	write_queue_info(out, r);
	for (size_t i = 0; i < sizeof(queue_metrics) / sizeof(queue_metrics[0]); i++)
		write_queue_metric(out, r, &queue_metrics[i]);
	write_latency(out, r);
	write_balloon(out, r);
	write_vmm(out, r);
	write_findings(out, r);
	return fflush(out) || ferror(out) ? -1 : 0;
}
