// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the findings rules (src/findings.c) on hand-built model
 * devices, through findings_run(): spec-index-deviation,
 * offered-not-negotiated, unknown-feature-bits, queue-count-mismatch,
 * queue-stalled, unexpected-interrupt, and the severity that --fail-on
 * compares against.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature_mask.h"
#include "findings.h"
#include "model.h"
#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define X VQ_NULL_INDEX

enum { STATS_VQ = 1, FREE_PAGE_HINT = 3, REPORTING = 5, VERSION_1 = 32 };

/* A report holding one device "virtio0" of the named type. */
static struct vq_device *new_device(struct vq_report *r, const char *type_name)
{
	struct vq_device *d;

	memset(r, 0, sizeof(*r));
	d = report_add_device(r);
	assert_non_null(d);
	strcpy(d->name, "virtio0");
	d->type = virtio_type_by_name(type_name);
	assert_non_null(d->type);
	d->type_id = d->type->id;
	return d;
}

static void add_queue(struct vq_device *d, const char *role, int index, int spec, int dense)
{
	struct vq_queue *q = device_add_queue(d);

	assert_non_null(q);
	strcpy(q->role, role);
	strcpy(q->name, role);
	q->index = index;
	q->spec_index = spec;
	q->offered_dense_index = dense;
	q->source = SOURCE_DERIVED;	/* as `vqwatch layout` builds them */
}

static struct vq_features mask(uint64_t lo, uint64_t hi)
{
	return (struct vq_features){ { lo, hi } };
}

#define BIT(n) (1ULL << (n))

static size_t count_code(const struct vq_report *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_findings; i++)
		n += !strcmp(r->findings[i].code, code);
	return n;
}

static const struct vq_finding *only(const struct vq_report *r, const char *code)
{
	assert_int_equal(count_code(r, code), 1);
	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].code, code))
			return &r->findings[i];
	return NULL;
}

/* Does the message mention n as a number of its own (not "14" for 4)? */
static bool has_number(const char *msg, int n)
{
	char num[16];
	size_t len = (size_t)snprintf(num, sizeof(num), "%d", n);

	for (const char *p = strstr(msg, num); p; p = strstr(p + 1, num))
		if ((p == msg || !isdigit((unsigned char)p[-1])) && !isdigit((unsigned char)p[len]))
			return true;
	return false;
}

/* ---- spec-index-deviation ---- */

static void test_spec_index_deviation(void **state)
{
	/* one queue per case: (index, spec_index) -> finding? */
	static const struct { int index, spec; bool finding; } cases[] = {
		{ 3, 4, true },		/* reference 5 row 21 */
		{ 2, 4, true },
		{ 4, 3, true },		/* the other way round as well */
		{ 2, 2, false },
		{ 0, 0, false },
		{ X, 4, false },	/* the driver has no such queue */
		{ 3, X, false },	/* the spec gives no index */
		{ X, X, false },
	};
	struct vq_report r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vq_device *d = new_device(&r, "balloon");

		add_queue(d, "reporting_vq", cases[i].index, cases[i].spec, X);
		assert_int_equal(findings_run(&r, NULL), 0);
		assert_int_equal(r.n_findings, cases[i].finding);
		if (cases[i].finding) {
			const struct vq_finding *f = only(&r, "spec-index-deviation");

			assert_int_equal(f->severity, SEVERITY_WARNING);
			assert_string_equal(f->device, "virtio0");
			assert_int_equal(f->queue, cases[i].index);
			assert_non_null(strstr(f->message, "reporting_vq"));
			assert_true(has_number(f->message, cases[i].index));
			assert_true(has_number(f->message, cases[i].spec));
		}
		report_free(&r);
	}
}

/* ---- offered-not-negotiated ---- */

static void test_offered_not_negotiated(void **state)
{
	/* reference 5 row 24: S and R negotiated, F offered and declined;
	 * Linux's reporting_vq is 3, a QEMU-style device has it at 4 */
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	const struct vq_finding *f;

	(void)state;
	d->offered_known = d->negotiated_known = true;
	d->offered = mask(BIT(STATS_VQ) | BIT(FREE_PAGE_HINT) | BIT(REPORTING), 0);
	d->negotiated = mask(BIT(STATS_VQ) | BIT(REPORTING), 0);
	add_queue(d, "inflateq", 0, 0, 0);
	add_queue(d, "deflateq", 1, 1, 1);
	add_queue(d, "statsq", 2, 2, 2);
	add_queue(d, "free_page_vq", X, 3, 3);
	add_queue(d, "reporting_vq", 3, 4, 4);
	assert_int_equal(findings_run(&r, NULL), 0);

	f = only(&r, "offered-not-negotiated");
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_int_equal(f->queue, 3);
	assert_string_equal(f->device, "virtio0");
	assert_non_null(strstr(f->message, "reporting_vq"));
	assert_non_null(strstr(f->message, "FREE_PAGE_HINT"));
	assert_null(strstr(f->message, "STATS_VQ"));	/* negotiated: not declined */
	assert_true(has_number(f->message, 3));
	assert_true(has_number(f->message, 4));
	/* plus the spec's view of the same queue, and the count: the device's
	 * extra queue (free_page_vq at 3) sits before the driver's reporting_vq */
	assert_int_equal(only(&r, "spec-index-deviation")->queue, 3);
	f = only(&r, "queue-count-mismatch");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_true(has_number(f->message, 5));
	assert_true(has_number(f->message, 4));
	assert_non_null(strstr(f->message, "free_page_vq"));
	assert_int_equal(r.n_findings, 3);
	report_free(&r);
}

static void test_offered_not_negotiated_needs_difference(void **state)
{
	static const struct { int index, dense; bool finding; } cases[] = {
		{ 2, 3, true },
		{ 3, 2, true },
		{ 3, 3, false },
		{ 3, X, false },	/* offered features unknown */
		{ X, 3, false },	/* the driver has no such queue */
	};
	struct vq_report r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vq_device *d = new_device(&r, "balloon");

		d->offered_known = d->negotiated_known = true;
		d->offered = mask(BIT(STATS_VQ) | BIT(REPORTING), 0);
		d->negotiated = mask(BIT(REPORTING), 0);
		/* spec index equal to the Linux one: only the dense rule speaks */
		add_queue(d, "reporting_vq", cases[i].index, cases[i].index, cases[i].dense);
		assert_int_equal(findings_run(&r, NULL), 0);
		assert_int_equal(r.n_findings, cases[i].finding);
		if (cases[i].finding) {
			const struct vq_finding *f = only(&r, "offered-not-negotiated");

			assert_int_equal(f->queue, cases[i].index);
			assert_non_null(strstr(f->message, "STATS_VQ"));
		}
		report_free(&r);
	}
}

static void test_declined_lists_every_feature(void **state)
{
	/* reference 5 row 15: S and F offered and declined, R negotiated */
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	const struct vq_finding *f;

	(void)state;
	d->offered_known = d->negotiated_known = true;
	d->offered = mask(BIT(STATS_VQ) | BIT(FREE_PAGE_HINT) | BIT(REPORTING), 0);
	d->negotiated = mask(BIT(REPORTING), 0);
	add_queue(d, "reporting_vq", 2, 4, 4);
	assert_int_equal(findings_run(&r, NULL), 0);
	f = only(&r, "offered-not-negotiated");
	assert_non_null(strstr(f->message, "STATS_VQ"));
	assert_non_null(strstr(f->message, "FREE_PAGE_HINT"));
	report_free(&r);
}

/* ---- unknown-feature-bits ---- */

/* The bit list at the end of the message: "...: 7,8". */
static const char *bit_list(const struct vq_finding *f)
{
	const char *colon = strrchr(f->message, ':');

	assert_non_null(colon);
	return colon + 2;
}

static void test_unknown_bits_negotiated(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	const struct vq_finding *f;

	(void)state;
	/* this machine's balloon (issue 2 section 5): bit 7 is nobody's */
	d->negotiated_known = true;
	d->negotiated = mask(BIT(STATS_VQ) | BIT(REPORTING) | BIT(7) | BIT(VERSION_1), 0);
	assert_int_equal(findings_run(&r, NULL), 0);
	f = only(&r, "unknown-feature-bits");
	assert_int_equal(f->severity, SEVERITY_INFO);
	assert_int_equal(f->queue, X);
	assert_string_equal(f->device, "virtio0");
	assert_non_null(strstr(f->message, "negotiated"));
	assert_string_equal(bit_list(f), "7");
	assert_int_equal(r.n_findings, 1);
	report_free(&r);

	/* several, including bit 30 (UNUSED) and bits above 63 */
	d = new_device(&r, "balloon");
	d->negotiated_known = true;
	d->negotiated = mask(BIT(7) | BIT(8) | BIT(30) | BIT(VERSION_1), BIT(100 - 64));
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_string_equal(bit_list(only(&r, "unknown-feature-bits")), "7,8,30,100");
	report_free(&r);
}

static void test_unknown_bits_none(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");

	(void)state;
	/* every bit named: balloon 0..5 and transport bits */
	d->offered_known = d->negotiated_known = true;
	d->negotiated = mask(0x3f | BIT(VERSION_1) | BIT(28) | BIT(29), 0);
	d->offered = d->negotiated;
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);
	report_free(&r);

	/* bit 7 set but the negotiated mask unknown: nothing to say */
	d = new_device(&r, "balloon");
	d->negotiated = mask(BIT(7), 0);
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);
	report_free(&r);
}

static void test_unknown_bits_offered(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	const struct vq_finding *f;

	(void)state;
	/* offered 7, 8 and 100, negotiated 7 and 100: those once (as
	 * negotiated), 8 as offered */
	d->offered_known = d->negotiated_known = true;
	d->offered = mask(BIT(STATS_VQ) | BIT(7) | BIT(8), BIT(100 - 64));
	d->negotiated = mask(BIT(STATS_VQ) | BIT(7), BIT(100 - 64));
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(count_code(&r, "unknown-feature-bits"), 2);
	for (size_t i = 0; i < r.n_findings; i++) {
		f = &r.findings[i];
		if (strstr(f->message, "offered"))
			assert_string_equal(bit_list(f), "8");
		else
			assert_string_equal(bit_list(f), "7,100");
	}
	report_free(&r);

	/* offered known only (negotiated unknown) */
	d = new_device(&r, "balloon");
	d->offered_known = true;
	d->offered = mask(BIT(7), 0);
	assert_int_equal(findings_run(&r, NULL), 0);
	f = only(&r, "unknown-feature-bits");
	assert_non_null(strstr(f->message, "offered"));
	assert_string_equal(bit_list(f), "7");
	report_free(&r);
}

/* ---- queue-count-mismatch ---- */

static struct vq_queue *add_named(struct vq_device *d, const char *role, const char *name,
				  int index, enum vq_source src)
{
	struct vq_queue *q = device_add_queue(d);

	assert_non_null(q);
	strcpy(q->role, role);
	strcpy(q->name, name);
	q->index = index;
	q->source = src;
	return q;
}

/* Queues the driver has (by their vectors) that its layout does not place. */
static void test_queue_count_unplaced(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "net");
	const struct vq_finding *f;

	(void)state;
	d->negotiated_known = true;
	add_named(d, "receiveq1", "input.0", 0, SOURCE_VECTOR);
	add_named(d, "transmitq1", "output.0", 1, SOURCE_VECTOR);
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);

	add_named(d, "", "input.1", X, SOURCE_VECTOR);
	add_named(d, "", "output.1", X, SOURCE_VECTOR);
	assert_int_equal(findings_run(&r, NULL), 0);
	f = only(&r, "queue-count-mismatch");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->queue, X);
	assert_string_equal(f->device, "virtio0");
	assert_true(has_number(f->message, 4));
	assert_true(has_number(f->message, 2));
	assert_non_null(strstr(f->message, "input.1, output.1"));
	assert_int_equal(r.n_findings, 1);

	/* the same with the negotiated features unknown: no layout, nothing
	 * to compare with */
	d->negotiated_known = false;
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);
	/* nor for a type without a queue table */
	d->negotiated_known = true;
	d->type = NULL;
	d->type_id = 99;
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);
	report_free(&r);
}

/* The device's own count: fewer than the driver uses is a finding, more
 * (request queues clamped to the vCPU count) is not. */
static void test_queue_count_device(void **state)
{
	static const struct { uint64_t device; bool finding; } cases[] = {
		{ 2, false }, { 8, false }, { 65535, false }, { 1, true }, { 0, true },
	};
	struct vq_report r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vq_device *d = new_device(&r, "blk");

		d->negotiated_known = true;
		add_named(d, "requestq1", "req.0", 0, SOURCE_TRACED);
		add_named(d, "requestq2", "req.1", 1, SOURCE_TRACED);
		d->device_queues.known = true;
		d->device_queues.value = cases[i].device;
		assert_int_equal(findings_run(&r, NULL), 0);
		assert_int_equal(r.n_findings, cases[i].finding);
		if (cases[i].finding) {
			const struct vq_finding *f = only(&r, "queue-count-mismatch");

			assert_true(has_number(f->message, (int)cases[i].device));
			assert_true(has_number(f->message, 2));
		}
		report_free(&r);
	}
}

/* A device numbering by offered features (layout): extra queues after
 * every queue the driver uses are harmless, extra ones before are not. */
static void test_queue_count_offered_dense(void **state)
{
	struct vq_report r;
	struct vq_device *d;

	(void)state;
	/* REPORTING offered, declined: reporting_vq trails, nothing moves
	 * (reference 5 row 20) */
	d = new_device(&r, "balloon");
	d->offered_known = d->negotiated_known = true;
	d->offered = mask(BIT(STATS_VQ) | BIT(REPORTING), 0);
	d->negotiated = mask(BIT(STATS_VQ), 0);
	add_queue(d, "inflateq", 0, 0, 0);
	add_queue(d, "deflateq", 1, 1, 1);
	add_queue(d, "statsq", 2, 2, 2);
	add_queue(d, "free_page_vq", X, 3, X);
	add_queue(d, "reporting_vq", X, 4, 3);
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);
	report_free(&r);

	/* STATS_VQ offered, declined, REPORTING negotiated (row 12): the
	 * device's statsq sits where the driver's reporting_vq is */
	d = new_device(&r, "balloon");
	d->offered_known = d->negotiated_known = true;
	d->offered = mask(BIT(STATS_VQ) | BIT(REPORTING), 0);
	d->negotiated = mask(BIT(REPORTING), 0);
	add_queue(d, "inflateq", 0, 0, 0);
	add_queue(d, "deflateq", 1, 1, 1);
	add_queue(d, "statsq", X, 2, 2);
	add_queue(d, "free_page_vq", X, 3, X);
	add_queue(d, "reporting_vq", 2, 4, 3);
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_non_null(strstr(only(&r, "queue-count-mismatch")->message, "statsq"));
	report_free(&r);
}

/* ---- queue-stalled ---- */

static struct vq_queue *traced(struct vq_device *d, const char *role, int index,
			       uint64_t inflight, uint64_t oldest_ms)
{
	struct vq_queue *q = add_named(d, role, role, index, SOURCE_TRACED);

	q->inflight.known = true;
	q->inflight.value = inflight;
	q->oldest_inflight_ms.known = true;
	q->oldest_inflight_ms.value = oldest_ms;
	return q;
}

static void test_queue_stalled(void **state)
{
	/* role, inflight, oldest ms -> stalled at the default 5000 ms? */
	static const struct {
		const char *type, *role;
		uint64_t inflight, oldest;
		bool stalled;
	} cases[] = {
		{ "net", "transmitq1", 3, 6000, true },
		{ "net", "transmitq2", 1, 5000, true },		/* exactly the threshold */
		{ "net", "transmitq12", 1, 600000, true },
		{ "net", "transmitq2", 1, 4999, false },
		{ "net", "transmitq2", 0, 60000, false },	/* nothing outstanding */
		{ "net", "controlq", 1, 5000, true },
		/* the device holds these by design, however long */
		{ "net", "receiveq1", 256, 86400000, false },
		{ "net", "receiveq2", 256, 86400000, false },
		{ "balloon", "statsq", 1, 86400000, false },
		{ "rng", "requestq", 1, 86400000, false },
		{ "vsock", "event", 8, 86400000, false },
		{ "console", "receiveq0", 1, 86400000, false },
		{ "console", "receiveq3", 1, 86400000, false },
		{ "console", "transmitq3", 1, 9000, true },
		/* prompt ones */
		{ "balloon", "inflateq", 1, 5000, true },
		{ "balloon", "deflateq", 1, 5000, true },
		{ "balloon", "reporting_vq", 1, 5000, true },
		{ "blk", "requestq4", 32, 7000, true },
		/* a role no table has, or a malformed number: not said */
		{ "net", "transmitq", 1, 60000, false },
		{ "net", "transmitqx", 1, 60000, false },
		{ "net", "", 1, 60000, false },
	};
	struct vq_report r;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vq_device *d = new_device(&r, cases[i].type);

		traced(d, cases[i].role, 5, cases[i].inflight, cases[i].oldest);
		assert_int_equal(findings_run(&r, NULL), 0);
		if (count_code(&r, "queue-stalled") != cases[i].stalled)
			fail_msg("%s %s inflight %llu oldest %llu ms: expected %s", cases[i].type,
				 cases[i].role, (unsigned long long)cases[i].inflight,
				 (unsigned long long)cases[i].oldest,
				 cases[i].stalled ? "queue-stalled" : "no finding");
		if (cases[i].stalled) {
			const struct vq_finding *f = only(&r, "queue-stalled");

			assert_int_equal(f->severity, SEVERITY_CRITICAL);
			assert_int_equal(f->queue, 5);
			assert_non_null(strstr(f->message, cases[i].role));
			assert_true(has_number(f->message, (int)cases[i].oldest));
			assert_true(has_number(f->message, (int)cases[i].inflight));
		}
		assert_int_equal(r.n_findings, cases[i].stalled);
		report_free(&r);
	}
}

static void test_queue_stalled_needs_counters(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "blk");
	struct vq_queue *q = traced(d, "requestq1", 0, 4, 60000);
	struct findings_config cfg = findings_config_default();

	(void)state;
	assert_int_equal(cfg.stall_threshold_ms, 5000);
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(count_code(&r, "queue-stalled"), 1);

	q->oldest_inflight_ms.known = false;	/* age unknown (tracepoint mode) */
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(r.n_findings, 0);
	q->oldest_inflight_ms.known = true;
	q->inflight.known = false;
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(r.n_findings, 0);
	q->inflight.known = true;

	/* the threshold is the caller's */
	cfg.stall_threshold_ms = 60001;
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(r.n_findings, 0);
	cfg.stall_threshold_ms = 100;
	q->oldest_inflight_ms.value = 100;
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(count_code(&r, "queue-stalled"), 1);

	/* a device removed during the trace: its last counts are no stall */
	d->removed = true;
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(r.n_findings, 0);
	report_free(&r);
}

/* ---- unexpected-interrupt ---- */

static void test_unexpected_interrupt(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	struct vq_queue *q = add_named(d, "statsq", "stats", 2, SOURCE_TRACED);
	struct findings_config cfg = findings_config_default();
	const struct vq_finding *f;

	(void)state;
	assert_int_equal(cfg.spurious_min, FINDINGS_SPURIOUS_MIN);
	assert_int_equal(findings_run(&r, NULL), 0);	/* unknown: nothing */
	assert_int_equal(r.n_findings, 0);

	q->spurious_interrupts.known = true;
	q->spurious_interrupts.value = cfg.spurious_min - 1;
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 0);

	q->spurious_interrupts.value = cfg.spurious_min;
	assert_int_equal(findings_run(&r, NULL), 0);
	f = only(&r, "unexpected-interrupt");
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->queue, 2);
	assert_non_null(strstr(f->message, "statsq"));
	assert_true(has_number(f->message, (int)cfg.spurious_min));
	assert_int_equal(r.n_findings, 1);

	/* whatever the role: a receive queue too */
	cfg.spurious_min = 1000;
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(r.n_findings, 0);
	q->spurious_interrupts.value = 1000;
	strcpy(q->role, "receiveq1");
	assert_int_equal(findings_run(&r, &cfg), 0);
	assert_int_equal(count_code(&r, "unexpected-interrupt"), 1);
	report_free(&r);
}

/* ---- findings_run itself ---- */

static void test_run_replaces_and_covers_every_device(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");

	(void)state;
	d->negotiated_known = true;
	d->negotiated = mask(BIT(7), 0);
	d = report_add_device(&r);
	assert_non_null(d);
	strcpy(d->name, "virtio1");
	d->type = virtio_type_by_name("net");
	d->type_id = 1;
	d->negotiated_known = true;
	d->negotiated = mask(BIT(4), 0);
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(count_code(&r, "unknown-feature-bits"), 2);
	assert_string_equal(r.findings[0].device, "virtio0");
	assert_string_equal(r.findings[1].device, "virtio1");
	/* again: the same findings, not twice as many */
	assert_int_equal(findings_run(&r, NULL), 0);
	assert_int_equal(r.n_findings, 2);
	report_free(&r);
}

/* 128 bits, most unnamed: the list is whole, never cut (REVIEW). */
static void test_long_message_not_cut(void **state)
{
	struct vq_report r;
	struct vq_device *d = new_device(&r, "balloon");
	const char *list, *last;
	int expect = 0;

	(void)state;
	d->negotiated_known = true;
	d->negotiated = mask(~0ULL, ~0ULL);
	assert_int_equal(findings_run(&r, NULL), 0);
	list = bit_list(only(&r, "unknown-feature-bits"));
	assert_true(strlen(list) > 256);
	last = strrchr(list, ',');
	assert_non_null(last);
	assert_string_equal(last, ",127");
	/* every unnamed bit, once, in order */
	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',') {
		int bit = atoi(p);
		char label[32];

		while (expect < bit) {
			assert_true(features_label(d->type, (unsigned int)expect, label, sizeof(label)));
			expect++;
		}
		assert_int_equal(bit, expect);
		assert_false(features_label(d->type, (unsigned int)bit, label, sizeof(label)));
		expect++;
	}
	assert_int_equal(expect, 128);
	report_free(&r);
}

/* ---- findings_max_severity ---- */

static void test_max_severity(void **state)
{
	struct vq_report r = { 0 };

	(void)state;
	assert_int_equal(findings_max_severity(&r), -1);
	report_add_finding(&r, SEVERITY_INFO, "unknown-feature-bits", "virtio0", X, "i");
	assert_int_equal(findings_max_severity(&r), SEVERITY_INFO);
	report_add_finding(&r, SEVERITY_CRITICAL, "offered-not-negotiated", "virtio0", 3, "c");
	report_add_finding(&r, SEVERITY_WARNING, "spec-index-deviation", "virtio0", 3, "w");
	assert_int_equal(findings_max_severity(&r), SEVERITY_CRITICAL);
	report_free(&r);

	report_add_finding(&r, SEVERITY_WARNING, "spec-index-deviation", "virtio0", 3, "w");
	report_add_finding(&r, SEVERITY_INFO, "unknown-feature-bits", "virtio0", X, "i");
	assert_int_equal(findings_max_severity(&r), SEVERITY_WARNING);
	/* the order --fail-on relies on */
	assert_true(SEVERITY_INFO < SEVERITY_WARNING && SEVERITY_WARNING < SEVERITY_CRITICAL);
	assert_int_equal(severity_parse("warning"), SEVERITY_WARNING);
	assert_int_equal(severity_parse("critical"), SEVERITY_CRITICAL);
	assert_int_equal(severity_parse("info"), SEVERITY_INFO);
	assert_int_equal(severity_parse("fatal"), -1);
	report_free(&r);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_index_deviation),
		cmocka_unit_test(test_offered_not_negotiated),
		cmocka_unit_test(test_offered_not_negotiated_needs_difference),
		cmocka_unit_test(test_declined_lists_every_feature),
		cmocka_unit_test(test_unknown_bits_negotiated),
		cmocka_unit_test(test_unknown_bits_none),
		cmocka_unit_test(test_unknown_bits_offered),
		cmocka_unit_test(test_queue_count_unplaced),
		cmocka_unit_test(test_queue_count_device),
		cmocka_unit_test(test_queue_count_offered_dense),
		cmocka_unit_test(test_queue_stalled),
		cmocka_unit_test(test_queue_stalled_needs_counters),
		cmocka_unit_test(test_unexpected_interrupt),
		cmocka_unit_test(test_run_replaces_and_covers_every_device),
		cmocka_unit_test(test_long_message_not_cut),
		cmocka_unit_test(test_max_severity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
