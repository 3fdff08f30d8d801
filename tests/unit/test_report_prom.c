// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the Prometheus sink (src/report_prom.c) on a hand-built
 * model: exact sample lines, counters as exact integers (beyond 2^53),
 * null counters absent, label escaping, HELP/TYPE once per family with its
 * samples grouped, and the histogram: the slot -> le mapping written down
 * in report_prom.c, cumulative buckets, +Inf equal to _count, and a value
 * exactly on a bucket edge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"		/* struct capture */
#include "hist.h"
#include "model.h"
#include "report.h"
#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The labels of the test's blk queue, as they must print. */
#define BLK_Q "device=\"virtio1\",device_type=\"blk\",queue=\"0\",name=\"req.0\""

static void set_counter(struct vq_counter *c, uint64_t value)
{
	c->known = true;
	c->value = value;
}

static const struct vq_hook_status hooks[] = {
	{ .hook = "vp_notify", .attached = false, .feeds = "kicks", .reason = "not in kallsyms" },
	{ .hook = "tp_btf/irq_handler_entry", .attached = true, .mode = "tracepoint",
	  .feeds = "interrupts, spurious_interrupts" },
	{ .hook = "vring_interrupt", .attached = true, .mode = "kprobe",
	  .feeds = "interrupts, spurious_interrupts", .reason = "no BTF for vring_interrupt" },
};

/*
 * virtio0: a balloon negotiating STATS_VQ, REPORTING, an unnamed bit 7 and
 * VERSION_1, one queue with nothing known, balloon pages both ways;
 * virtio1: a blk device with req.0 carrying counters, one unknown, and a
 * latency histogram.  Two findings, one of them twice.
 */
static void build_report(struct vq_report *r)
{
	struct vq_device *d;
	struct vq_queue *q;

	memset(r, 0, sizeof(*r));
	r->mode = "tracepoint";
	strcpy(r->kernel, "6.18.0-test");
	r->duration_s = 1;
	r->hooks = hooks;
	r->n_hooks = ARRAY_SIZE(hooks);
	r->events_lost_known = true;
	r->events_lost = 7;
	r->losses[0] = (struct vq_loss_count){ "inflight_map_full", 5 };
	r->losses[1] = (struct vq_loss_count){ "sg_list_too_long", 2 };
	r->losses[2] = (struct vq_loss_count){ "device_map_full", 0 };
	r->n_losses = 3;

	d = report_add_device(r);
	assert_non_null(d);
	strcpy(d->name, "virtio0");
	d->type = virtio_type_by_name("balloon");
	d->type_id = VQ_ID_BALLOON;
	strcpy(d->transport, "pci");
	strcpy(d->driver, "virtio_balloon");
	d->negotiated_known = true;
	features_set(&d->negotiated, 1);
	features_set(&d->negotiated, 5);
	features_set(&d->negotiated, 7);
	features_set(&d->negotiated, 32);
	set_counter(&d->device_queues, 5);
	set_counter(&d->balloon.inflate_pages, 256);
	set_counter(&d->balloon.deflate_pages, 0);
	set_counter(&d->balloon.target_pages, 1024);
	q = device_add_queue(d);
	assert_non_null(q);
	q->index = 3;
	strcpy(q->name, "reporting_vq");
	strcpy(q->role, "reporting_vq");
	q->spec_index = 4;

	d = report_add_device(r);
	assert_non_null(d);
	strcpy(d->name, "virtio1");
	d->type = virtio_type_by_name("blk");
	d->type_id = 2;
	strcpy(d->transport, "pci");
	strcpy(d->driver, "virtio_blk");
	q = device_add_queue(d);
	assert_non_null(q);
	q->index = 0;
	strcpy(q->name, "req.0");
	strcpy(q->role, "requestq1");
	q->spec_index = 0;
	q->driver_slot = 0;
	set_counter(&q->interrupts, 212);
	set_counter(&q->buffers_added, 0);	/* known zero: printed */
	set_counter(&q->buffers_completed, 9007199254740993ULL);	/* 2^53 + 1 */
	set_counter(&q->in_bytes, UINT64_MAX);
	set_counter(&q->inflight, 2);
	set_counter(&q->oldest_inflight_ms, 1500);
	q->ring = (struct vq_ring){ .known = true, .packed = true };	/* its features unknown */
	/* kicks, spurious_interrupts, out_bytes: unknown, so absent */

	assert_non_null(report_add_finding(r, SEVERITY_WARNING, "spec-index-deviation",
					   "virtio0", 3, "reporting_vq is queue 3, spec 4"));
	r->findings[r->n_findings - 1].rule = "spec";
	assert_non_null(report_add_finding(r, SEVERITY_INFO, "unknown-feature-bits",
					   "virtio0", VQ_NULL_INDEX, "bit 7"));
	assert_non_null(report_add_finding(r, SEVERITY_INFO, "unknown-feature-bits",
					   "virtio0", VQ_NULL_INDEX, "bit 7 again"));
}

static struct vq_queue *blk_queue(struct vq_report *r)
{
	return &r->devices[1].queues[0];
}

static char *render(const struct vq_report *r, double scrape_seconds)
{
	struct capture c;

	capture_open(&c);
	assert_int_equal(report_write_prom(c.f, r, scrape_seconds), 0);
	capture_text(&c);
	return c.buf;
}

/* Is want (no newline) one whole line of text? */
static bool has_line(const char *text, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = strstr(text, want); p; p = strstr(p + 1, want))
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void assert_line(const char *text, const char *want)
{
	if (!has_line(text, want))
		fail_msg("missing line\n  %s\nin:\n%s", want, text);
}

/* No line starts with prefix. */
static void assert_no_line_starting(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; *p; ) {
		if (!strncmp(p, prefix, n))
			fail_msg("unexpected line starting %s in:\n%s", prefix, text);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = strlen(prefix), count = 0;

	for (const char *p = text; *p; ) {
		count += !strncmp(p, prefix, n);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return count;
}

static void test_self_metrics(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	text = render(&r, 0.25);
	assert_line(text, "# HELP vqwatch_build_info vqwatch version and the kernel it runs on; "
		    "always 1.");
	assert_line(text, "# TYPE vqwatch_build_info gauge");
	assert_line(text, "vqwatch_build_info{version=\"" VQWATCH_VERSION
		    "\",kernel=\"6.18.0-test\"} 1");
	assert_line(text, "vqwatch_attach_mode{mode=\"tracepoint\"} 1");
	assert_line(text, "# TYPE vqwatch_hook_attached gauge");
	assert_line(text, "vqwatch_hook_attached{hook=\"vp_notify\"} 0");
	assert_line(text, "vqwatch_hook_attached{hook=\"tp_btf/irq_handler_entry\"} 1");
	/* a skipped hook's reason says what it feeds; an attached one's why
	 * it is not in a preferred mode */
	assert_line(text, "# TYPE vqwatch_hook_info gauge");
	assert_line(text, "vqwatch_hook_info{hook=\"vp_notify\",mode=\"\","
		    "reason=\"feeds kicks; not in kallsyms\"} 1");
	assert_line(text, "vqwatch_hook_info{hook=\"tp_btf/irq_handler_entry\","
		    "mode=\"tracepoint\",reason=\"\"} 1");
	assert_line(text, "vqwatch_hook_info{hook=\"vring_interrupt\",mode=\"kprobe\","
		    "reason=\"no BTF for vring_interrupt\"} 1");
	assert_line(text, "# TYPE vqwatch_events_lost_total counter");
	/* by cause, every cause (0 too), no unlabelled total */
	assert_line(text, "vqwatch_events_lost_total{cause=\"inflight_map_full\"} 5");
	assert_line(text, "vqwatch_events_lost_total{cause=\"sg_list_too_long\"} 2");
	assert_line(text, "vqwatch_events_lost_total{cause=\"device_map_full\"} 0");
	assert_no_line_starting(text, "vqwatch_events_lost_total ");
	assert_line(text, "# TYPE vqwatch_scrape_duration_seconds gauge");
	assert_line(text, "vqwatch_scrape_duration_seconds 0.250000");
	free(text);
	report_free(&r);
}

/* Without BPF: mode sysfs, no hooks, no events_lost, no scrape time. */
static void test_sysfs_mode(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	r.mode = "sysfs";
	r.hooks = NULL;
	r.n_hooks = 0;
	r.events_lost_known = false;
	text = render(&r, -1);
	assert_line(text, "vqwatch_attach_mode{mode=\"sysfs\"} 1");
	assert_no_line_starting(text, "vqwatch_hook_attached");
	assert_no_line_starting(text, "# HELP vqwatch_hook_attached");
	assert_no_line_starting(text, "vqwatch_hook_info");
	assert_no_line_starting(text, "# HELP vqwatch_hook_info");
	assert_no_line_starting(text, "vqwatch_events_lost_total");
	assert_no_line_starting(text, "# TYPE vqwatch_events_lost_total");
	assert_no_line_starting(text, "vqwatch_scrape_duration_seconds");
	free(text);
	report_free(&r);
}

/* Counters are exact integers: 2^53 + 1 and 2^64 - 1 survive. */
static void test_counters_exact(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	text = render(&r, -1);
	assert_line(text, "# TYPE vqwatch_queue_interrupts_total counter");
	assert_line(text, "vqwatch_queue_interrupts_total{" BLK_Q "} 212");
	assert_line(text, "vqwatch_queue_buffers_completed_total{" BLK_Q "} 9007199254740993");
	assert_line(text, "vqwatch_queue_in_bytes_total{" BLK_Q "} 18446744073709551615");
	assert_line(text, "vqwatch_queue_buffers_added_total{" BLK_Q "} 0");
	assert_line(text, "# TYPE vqwatch_queue_inflight_buffers gauge");
	assert_line(text, "vqwatch_queue_inflight_buffers{" BLK_Q "} 2");
	assert_line(text, "vqwatch_queue_oldest_inflight_seconds{" BLK_Q "} 1.5");
	assert_null(strstr(text, "e+"));
	free(text);
	report_free(&r);
}

/* A counter a mode cannot see is absent, family and all; known 0 is not. */
static void test_null_counters_absent(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	text = render(&r, -1);
	assert_no_line_starting(text, "vqwatch_queue_kicks_total");
	assert_no_line_starting(text, "# HELP vqwatch_queue_kicks_total");
	assert_no_line_starting(text, "# TYPE vqwatch_queue_kicks_total");
	assert_no_line_starting(text, "vqwatch_queue_spurious_interrupts_total");
	assert_no_line_starting(text, "vqwatch_queue_out_bytes_total");
	/* the balloon's queue knows nothing: no counter series for it */
	assert_null(strstr(text, "_total{device=\"virtio0\",device_type=\"balloon\",queue=\"3\""));
	/* no latency known anywhere: no histogram family */
	assert_no_line_starting(text, "# TYPE vqwatch_queue_latency_seconds");
	assert_no_line_starting(text, "vqwatch_queue_latency_seconds");
	/* balloon: stats requests and free page reports unknown */
	assert_no_line_starting(text, "vqwatch_balloon_stats_requests_total");
	assert_no_line_starting(text, "vqwatch_balloon_free_page_reports_total");
	free(text);
	report_free(&r);
}

static void test_device_series(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	text = render(&r, -1);
	assert_line(text, "vqwatch_queue_info{device=\"virtio0\",device_type=\"balloon\",queue=\"3\","
		    "name=\"reporting_vq\",role=\"reporting_vq\",spec_index=\"4\",driver_slot=\"\","
		    "ring=\"split\"} 1");	/* from the negotiated features */
	assert_line(text, "vqwatch_queue_info{" BLK_Q ",role=\"requestq1\",spec_index=\"0\","
		    "driver_slot=\"0\",ring=\"packed\"} 1");	/* as the ring program read it */
	assert_line(text, "vqwatch_device_feature{device=\"virtio0\",device_type=\"balloon\","
		    "bit=\"5\",name=\"REPORTING\",state=\"negotiated\"} 1");
	assert_line(text, "vqwatch_device_feature{device=\"virtio0\",device_type=\"balloon\","
		    "bit=\"32\",name=\"VERSION_1\",state=\"negotiated\"} 1");
	/* a bit no table names: named "bit N", as audit names it */
	assert_line(text, "vqwatch_device_feature{device=\"virtio0\",device_type=\"balloon\","
		    "bit=\"7\",name=\"bit 7\",state=\"negotiated\"} 1");
	/* offered unknown: no offered series */
	assert_null(strstr(text, "state=\"offered\""));
	assert_int_equal(count_lines_starting(text, "vqwatch_device_feature{"), 4);
	assert_line(text, "vqwatch_device_queues{device=\"virtio0\",device_type=\"balloon\"} 5");
	assert_null(strstr(text, "vqwatch_device_queues{device=\"virtio1\""));
	assert_line(text, "vqwatch_device_driver_queues{device=\"virtio0\",device_type=\"balloon\"} 1");
	assert_line(text, "vqwatch_device_driver_queues{device=\"virtio1\",device_type=\"blk\"} 1");
	/* balloon: both ops under one family */
	assert_int_equal(count_lines_starting(text, "# TYPE vqwatch_balloon_pages_total counter"), 1);
	assert_line(text, "vqwatch_balloon_pages_total{device=\"virtio0\",device_type=\"balloon\","
		    "op=\"inflate\"} 256");
	assert_line(text, "vqwatch_balloon_pages_total{device=\"virtio0\",device_type=\"balloon\","
		    "op=\"deflate\"} 0");
	assert_line(text, "# TYPE vqwatch_balloon_target_pages gauge");
	assert_line(text, "vqwatch_balloon_target_pages{device=\"virtio0\",device_type=\"balloon\"} 1024");
	/* findings: queue "" for the device, the repeated one once; rule the
	 * numbering rule it came from, "" for one not about numbering */
	assert_line(text, "vqwatch_finding{code=\"spec-index-deviation\",severity=\"warning\","
		    "device=\"virtio0\",queue=\"3\",rule=\"spec\"} 1");
	assert_line(text, "vqwatch_finding{code=\"unknown-feature-bits\",severity=\"info\","
		    "device=\"virtio0\",queue=\"\",rule=\"\"} 1");
	assert_int_equal(count_lines_starting(text, "vqwatch_finding{"), 2);
	free(text);
	report_free(&r);
}

/* Unbound, or a queue count assumed: no driver_queues sample. */
static void test_driver_queues_unknown(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	r.devices[0].driver[0] = '\0';
	r.devices[1].queue_count_assumed = true;
	text = render(&r, -1);
	assert_no_line_starting(text, "vqwatch_device_driver_queues");
	assert_no_line_starting(text, "# TYPE vqwatch_device_driver_queues");
	free(text);
	report_free(&r);
}

/* Label values: backslash, double quote and newline escaped; invalid
 * UTF-8 as U+FFFD; valid UTF-8 and other bytes as they are. */
static void test_escaping(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	strcpy(r.kernel, "6.18 \"x\"\\y\nz\tw");
	strcpy(blk_queue(&r)->name, "q\xc3\xa9\xff\"");
	text = render(&r, -1);
	assert_line(text, "vqwatch_build_info{version=\"" VQWATCH_VERSION
		    "\",kernel=\"6.18 \\\"x\\\"\\\\y\\nz\tw\"} 1");
	assert_line(text, "vqwatch_queue_interrupts_total{device=\"virtio1\",device_type=\"blk\","
		    "queue=\"0\",name=\"q\xc3\xa9\xef\xbf\xbd\\\"\"} 212");
	free(text);
	report_free(&r);
}

/* The le label of the bucket that holds slot s: what the comment in
 * report_prom.c says, computed independently of it. */
static void le_of_slot(unsigned int s, char *buf, size_t len)
{
	uint64_t us = (UINT64_C(1) << s) - 1;

	if (s == VQ_HIST_SLOTS - 1)
		snprintf(buf, len, "+Inf");
	else if (us % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64, us / 1000000);
	else {
		int n = snprintf(buf, len, "%" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);

		while (buf[n - 1] == '0')
			buf[--n] = '\0';
	}
}

/* The mapping, written down: slot i's le is (2^i - 1) us in seconds. */
static void test_le_mapping(void **state)
{
	static const struct { unsigned int slot; const char *le; } table[] = {
		{ 0, "0" }, { 1, "0.000001" }, { 2, "0.000003" }, { 3, "0.000007" },
		{ 10, "0.001023" }, { 20, "1.048575" }, { 30, "1073.741823" },
		{ VQ_HIST_SLOTS - 1, "+Inf" },
	};
	char le[32];
	uint64_t bound;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		le_of_slot(table[i].slot, le, sizeof(le));
		assert_string_equal(le, table[i].le);
		if (table[i].slot < VQ_HIST_SLOTS - 1) {
			assert_true(hist_slot_bound_us(table[i].slot, &bound));
			assert_int_equal(bound, (UINT64_C(1) << table[i].slot) - 1);
		} else {
			assert_false(hist_slot_bound_us(table[i].slot, &bound));
		}
	}
}

static void fill_histogram(struct vq_hist *h, const uint64_t *values_us, size_t n)
{
	memset(h, 0, sizeof(*h));
	h->known = true;
	for (size_t i = 0; i < n; i++) {
		h->slots[hist_slot(values_us[i])]++;
		h->sum_us += values_us[i];
		h->count++;
	}
}

/*
 * Every bucket of the histogram, cumulative, le ascending, +Inf equal to
 * _count; _sum in seconds.  Values: 0, 1, 3, 3 (3 us is exactly the edge
 * le="0.000003"), 4 (just past it), 1000000 (1 s), 2^30 (the +Inf slot).
 */
static void test_histogram(void **state)
{
	static const uint64_t values[] = { 0, 1, 3, 3, 4, 1000000, UINT64_C(1) << 30 };
	struct vq_report r;
	char *text, want[256], le[32];
	uint64_t cumulative = 0;

	(void)state;
	build_report(&r);
	fill_histogram(&blk_queue(&r)->latency, values, ARRAY_SIZE(values));
	text = render(&r, -1);

	assert_int_equal(count_lines_starting(text, "# HELP vqwatch_queue_latency_seconds "), 1);
	assert_line(text, "# TYPE vqwatch_queue_latency_seconds histogram");
	assert_int_equal(count_lines_starting(text, "vqwatch_queue_latency_seconds_bucket{"),
			 VQ_HIST_SLOTS);
	for (unsigned int s = 0; s < VQ_HIST_SLOTS; s++) {
		cumulative += blk_queue(&r)->latency.slots[s];
		le_of_slot(s, le, sizeof(le));
		snprintf(want, sizeof(want), "vqwatch_queue_latency_seconds_bucket{" BLK_Q
			 ",le=\"%s\"} %" PRIu64, le, cumulative);
		assert_line(text, want);
	}
	assert_int_equal(cumulative, ARRAY_SIZE(values));

	/* the edge: 3 us counts under le="0.000003", 4 us only from the next */
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"0\"} 1");
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"0.000001\"} 2");
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"0.000003\"} 4");
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"0.000007\"} 5");
	/* 1 s = 1000000 us is in slot 20 (le 1.048575 s), not under 0.524287 */
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"0.524287\"} 5");
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"1.048575\"} 6");
	/* 2^30 us is past the last finite bound */
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"1073.741823\"} 6");
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"+Inf\"} 7");
	assert_line(text, "vqwatch_queue_latency_seconds_count{" BLK_Q "} 7");
	/* 0+1+3+3+4+1000000+1073741824 us */
	assert_line(text, "vqwatch_queue_latency_seconds_sum{" BLK_Q "} 1074.741835");
	free(text);
	report_free(&r);
}

/* An empty histogram that is known still prints every bucket, at 0. */
static void test_histogram_empty(void **state)
{
	struct vq_report r;
	char *text;

	(void)state;
	build_report(&r);
	fill_histogram(&blk_queue(&r)->latency, NULL, 0);
	text = render(&r, -1);
	assert_int_equal(count_lines_starting(text, "vqwatch_queue_latency_seconds_bucket{"),
			 VQ_HIST_SLOTS);
	assert_line(text, "vqwatch_queue_latency_seconds_bucket{" BLK_Q ",le=\"+Inf\"} 0");
	assert_line(text, "vqwatch_queue_latency_seconds_sum{" BLK_Q "} 0");
	assert_line(text, "vqwatch_queue_latency_seconds_count{" BLK_Q "} 0");
	free(text);
	report_free(&r);
}

/* The family a sample line belongs to: its name, less a histogram suffix
 * when the current family is a histogram. */
static bool sample_in_family(const char *line, const char *family, bool histogram)
{
	static const char *const suffixes[] = { "_bucket", "_sum", "_count" };
	size_t n = strlen(family);

	if (strncmp(line, family, n))
		return false;
	if (line[n] == '{' || line[n] == ' ')
		return true;
	for (size_t i = 0; histogram && i < ARRAY_SIZE(suffixes); i++) {
		size_t k = strlen(suffixes[i]);

		if (!strncmp(line + n, suffixes[i], k) && (line[n + k] == '{' || line[n + k] == ' '))
			return true;
	}
	return false;
}

/*
 * Structure of the whole text: each family opens with HELP then TYPE,
 * each TYPE appears once, every sample follows its own family's TYPE, and
 * every line ends in a newline.
 */
static void test_families_grouped(void **state)
{
	static const uint64_t values[] = { 5, 50, 500 };
	struct vq_report r;
	char *text, *copy, *line, *save = NULL, family[128] = "", prev_help[128] = "";
	char seen[64][128];
	size_t n_seen = 0;
	bool histogram = false;

	(void)state;
	build_report(&r);
	fill_histogram(&blk_queue(&r)->latency, values, ARRAY_SIZE(values));
	text = render(&r, 0.001);
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	copy = strdup(text);
	assert_non_null(copy);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128], type[32];

		if (sscanf(line, "# HELP %127s", name) == 1) {
			strcpy(prev_help, name);
			continue;
		}
		if (sscanf(line, "# TYPE %127s %31s", name, type) == 2) {
			if (strcmp(prev_help, name))
				fail_msg("TYPE %s not right after its HELP", name);
			for (size_t i = 0; i < n_seen; i++)
				if (!strcmp(seen[i], name))
					fail_msg("family %s declared twice:\n%s", name, text);
			assert_true(n_seen < ARRAY_SIZE(seen));
			strcpy(seen[n_seen++], name);
			strcpy(family, name);
			histogram = !strcmp(type, "histogram");
			prev_help[0] = '\0';
			continue;
		}
		assert_true(line[0] != '#');
		if (!sample_in_family(line, family, histogram))
			fail_msg("sample outside its family %s: %s", family, line);
	}
	assert_true(n_seen >= 15);
	free(copy);
	free(text);
	report_free(&r);
}

/* A failed write is an error, not a silent short scrape. */
static void test_write_error(void **state)
{
	struct vq_report r;
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	build_report(&r);
	assert_int_equal(report_write_prom(full, &r, -1), -1);
	fclose(full);
	report_free(&r);
}

/* vqwatch's own BPF cost: per program while the kernel counts it, and
 * only the switch while it does not. */
static void test_program_stats(void **state)
{
	struct vq_report r;
	struct vq_bpf_cost cost;
	char *text;

	(void)state;
	build_report(&r);
	r.prog_stats_known = true;
	r.bpf_stats_enabled = true;
	r.prog_stats[0] = (struct vq_prog_stat){ "vq_irq_entry", "tp_btf/irq_handler_entry", 1000,
						 250000 };
	r.prog_stats[1] = (struct vq_prog_stat){ "vq_snapshot", "syscall/vq_snapshot", 10, 1000000000 };
	r.n_prog_stats = 2;
	text = render(&r, -1);
	assert_line(text, "vqwatch_bpf_stats_enabled 1");
	assert_line(text, "# TYPE vqwatch_bpf_program_runs_total counter");
	assert_line(text, "vqwatch_bpf_program_runs_total{program=\"vq_irq_entry\","
		    "hook=\"tp_btf/irq_handler_entry\"} 1000");
	assert_line(text, "vqwatch_bpf_program_run_seconds_total{program=\"vq_irq_entry\","
		    "hook=\"tp_btf/irq_handler_entry\"} 0.00025");
	assert_line(text, "vqwatch_bpf_program_run_seconds_total{program=\"vq_snapshot\","
		    "hook=\"syscall/vq_snapshot\"} 1");
	free(text);
	/* per buffer completed: the blk queue's completions in build_report */
	assert_true(report_bpf_cost(&r, &cost));
	assert_int_equal(cost.run_ns, 1000250000);
	assert_string_equal(cost.per, "buffer completed");
	assert_true(cost.events > 0);

	r.bpf_stats_enabled = false;
	text = render(&r, -1);
	assert_line(text, "vqwatch_bpf_stats_enabled 0");
	assert_no_line_starting(text, "vqwatch_bpf_program_runs_total");
	assert_no_line_starting(text, "# HELP vqwatch_bpf_program_run_seconds_total");
	assert_false(report_bpf_cost(&r, &cost));
	free(text);

	r.prog_stats_known = false;	/* no BPF: not even the switch */
	text = render(&r, -1);
	assert_no_line_starting(text, "vqwatch_bpf_stats_enabled");
	free(text);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_metrics),
		cmocka_unit_test(test_sysfs_mode),
		cmocka_unit_test(test_counters_exact),
		cmocka_unit_test(test_null_counters_absent),
		cmocka_unit_test(test_device_series),
		cmocka_unit_test(test_driver_queues_unknown),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_le_mapping),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_histogram_empty),
		cmocka_unit_test(test_families_grouped),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_program_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
