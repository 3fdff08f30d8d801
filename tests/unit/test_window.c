// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for runtime findings over a collection window (src/window.c)
 * and the device filters (src/filter.c), on hand-built reports: a blk
 * request queue whose oldest buffer ages, completes, and ages again, with
 * findings_run at each "sample" as the collection runs it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "findings.h"
#include "model.h"
#include "window.h"

/* A report of one blk device "virtio1" with its request queue 0, holding
 * inflight buffers, the oldest oldest_ms old; findings run on it. */
static void sample(struct vq_report *r, uint64_t inflight, uint64_t oldest_ms)
{
	struct vq_device *d;
	struct vq_queue *q;

	memset(r, 0, sizeof(*r));
	d = report_add_device(r);
	assert_non_null(d);
	strcpy(d->name, "virtio1");
	d->type = virtio_type_by_name("blk");
	assert_non_null(d->type);
	q = device_add_queue(d);
	assert_non_null(q);
	q->index = 0;
	strcpy(q->name, "req.0");
	strcpy(q->role, "requestq1");
	q->inflight = (struct vq_counter){ true, inflight };
	q->oldest_inflight_ms = (struct vq_counter){ true, oldest_ms };
	assert_int_equal(findings_run(r, NULL), 0);
}

static const struct vq_finding *stalled(const struct vq_report *r)
{
	const struct vq_finding *found = NULL;

	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].code, "queue-stalled")) {
			assert_null(found);	/* one per queue */
			found = &r->findings[i];
		}
	return found;
}

/* Observe (t, inflight, oldest) in turn, then the final report. */
struct step {
	double t;
	uint64_t inflight, oldest_ms;
};

static void run_window(struct finding_window *w, const struct step *steps, size_t n,
		       struct vq_report *final)
{
	for (size_t i = 0; i < n; i++) {
		struct vq_report r;

		sample(&r, steps[i].inflight, steps[i].oldest_ms);
		assert_int_equal(window_observe(w, &r, steps[i].t), 0);
		if (i + 1 < n) {
			report_free(&r);
			continue;
		}
		assert_int_equal(window_merge(w, &r), 0);
		*final = r;
	}
}

/* The trace of the issue: one buffer held 8 s, completed before the end. */
static void test_stall_that_resolved_is_reported(void **state)
{
	static const struct step steps[] = {
		{ 1, 1, 1000 }, { 4, 1, 4000 }, { 5, 1, 5000 }, { 6, 1, 6000 },
		{ 8, 1, 8000 }, { 9, 0, 0 }, { 20, 0, 0 },
	};
	struct finding_window w = { 0 };
	struct vq_report r;
	const struct vq_finding *f;

	(void)state;
	run_window(&w, steps, sizeof(steps) / sizeof(steps[0]), &r);
	f = stalled(&r);
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_true(f->windowed);
	assert_true(f->resolved);
	assert_int_equal(f->episodes, 1);
	/* began when the buffer was added (t 8 - 8 s), held until t 8 */
	assert_true(f->started_s > -0.001 && f->started_s < 0.001);
	assert_int_equal(f->duration_ms, 8000);
	assert_non_null(strstr(f->message, "the oldest for 8000 ms"));
	assert_int_equal(findings_max_severity(&r), SEVERITY_CRITICAL);
	assert_int_equal(window_episodes(&w, "queue-stalled", "virtio1", 0), 1);
	report_free(&r);
	window_free(&w);
}

/* Two stalls with a recovery between them: two episodes; the finding
 * describes the latest, which still holds at the end. */
static void test_second_episode_still_holding(void **state)
{
	static const struct step steps[] = {
		{ 6, 1, 6000 }, { 7, 1, 7000 }, { 8, 0, 0 }, { 14, 1, 5500 }, { 16, 1, 7500 },
	};
	struct finding_window w = { 0 };
	struct vq_report r;
	const struct vq_finding *f;

	(void)state;
	run_window(&w, steps, sizeof(steps) / sizeof(steps[0]), &r);
	f = stalled(&r);
	assert_non_null(f);
	assert_false(f->resolved);
	assert_int_equal(f->episodes, 2);
	assert_true(f->started_s > 8.49 && f->started_s < 8.51);
	assert_int_equal(f->duration_ms, 7500);
	/* as it reads now, not as it read in the first episode */
	assert_non_null(strstr(f->message, "the oldest for 7500 ms"));
	assert_int_equal(window_episodes(&w, "queue-stalled", "virtio1", 0), 2);
	report_free(&r);
	window_free(&w);
}

/* Below the threshold at every sample: nothing, and no episode. */
static void test_never_stalled(void **state)
{
	static const struct step steps[] = { { 1, 1, 4999 }, { 2, 3, 1000 }, { 3, 0, 0 } };
	struct finding_window w = { 0 };
	struct vq_report r;

	(void)state;
	run_window(&w, steps, sizeof(steps) / sizeof(steps[0]), &r);
	assert_null(stalled(&r));
	assert_int_equal(r.n_findings, 0);
	assert_int_equal(window_episodes(&w, "queue-stalled", "virtio1", 0), 0);
	report_free(&r);
	window_free(&w);
}

/* Static findings are the report's own: the window neither keeps nor
 * repeats them. */
static void test_static_findings_not_windowed(void **state)
{
	struct finding_window w = { 0 };
	struct vq_report r;

	(void)state;
	sample(&r, 1, 9000);
	assert_int_equal(report_add_finding(&r, SEVERITY_WARNING, "spec-index-deviation",
					    "virtio1", 0, "static") != NULL, 1);
	assert_int_equal(window_observe(&w, &r, 9), 0);
	report_free(&r);
	sample(&r, 0, 0);
	assert_int_equal(window_observe(&w, &r, 10), 0);
	assert_int_equal(window_merge(&w, &r), 0);
	assert_int_equal(r.n_findings, 1);
	assert_string_equal(r.findings[0].code, "queue-stalled");
	assert_true(r.findings[0].resolved);
	report_free(&r);
	window_free(&w);
}

static void test_filter_parse(void **state)
{
	struct device_filter f = { 0 };
	char err[256];
	struct vq_device d = { .name = "virtio2" };

	(void)state;
	assert_int_equal(filter_add(&f, FILTER_DEVICE, "--device", "virtio0, virtio2", err,
				    sizeof(err)), 0);
	assert_int_equal(f.n_devices, 2);
	assert_int_equal(filter_add(&f, FILTER_TYPE, "types", "blk", err, sizeof(err)), 0);
	d.type = virtio_type_by_name("blk");
	assert_true(filter_wants(&f, &d));
	d.type = virtio_type_by_name("net");
	assert_false(filter_wants(&f, &d));
	assert_int_equal(filter_add(&f, FILTER_DEVICE, "--device", "vda", err, sizeof(err)), -1);
	assert_string_equal(err, "--device 'vda': expected a name such as virtio0");
	assert_int_equal(filter_add(&f, FILTER_DEVICE, "--device", "virtio-1", err, sizeof(err)), -1);
	assert_int_equal(filter_add(&f, FILTER_TYPE, "types", "blk,,net", err, sizeof(err)), -1);
	assert_string_equal(err, "types 'blk,,net': an empty item in the list");
	assert_int_equal(filter_add(&f, FILTER_TYPE, "--type", "floppy", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--type 'floppy': no such device type"));
	filter_free(&f);
	assert_int_equal(f.n_devices, 0);
}

static void test_filter_limit(void **state)
{
	struct device_filter f = { 0 };
	char err[256], name[32];

	(void)state;
	for (int i = 0; i < FILTER_MAX; i++) {
		snprintf(name, sizeof(name), "virtio%d", i);
		assert_int_equal(filter_add(&f, FILTER_DEVICE, "--device", name, err, sizeof(err)), 0);
	}
	assert_int_equal(filter_add(&f, FILTER_DEVICE, "--device", "virtio99", err, sizeof(err)), -1);
	assert_string_equal(err, "--device: more than 32 devices");
	filter_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_that_resolved_is_reported),
		cmocka_unit_test(test_second_episode_still_holding),
		cmocka_unit_test(test_never_stalled),
		cmocka_unit_test(test_static_findings_not_windowed),
		cmocka_unit_test(test_filter_parse),
		cmocka_unit_test(test_filter_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
