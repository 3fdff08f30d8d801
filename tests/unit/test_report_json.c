// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the JSON sink (src/report_json.c): a small report rendered
 * with report_write_json; the values a tool reads (jq '.devices[0]...'),
 * unknown values as null (never 0), and valid JSON throughout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "model.h"
#include "report.h"
#include "virtio.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define VQ_STR_(x) #x
#define VQ_STR(x) VQ_STR_(x)

static void set_counter(struct vq_counter *c, uint64_t value)
{
	c->known = true;
	c->value = value;
}

/*
 * virtio0, a balloon on PCI negotiating STATS_VQ, REPORTING, bit 7 and
 * VERSION_1 (this machine's audit, issue 2 section 5); one queue with a few
 * counters known and the rest unknown; one finding.
 */
static void build_report(struct vq_report *r)
{
	struct vq_device *d;
	struct vq_queue *q;

	memset(r, 0, sizeof(*r));
	r->mode = "sysfs";
	strcpy(r->kernel, "6.18.0-test");
	r->duration_s = -1;

	d = report_add_device(r);
	assert_non_null(d);
	strcpy(d->name, "virtio0");
	d->type = virtio_type_by_name("balloon");
	d->type_id = 5;
	strcpy(d->transport, "pci");
	strcpy(d->driver, "virtio_balloon");
	d->negotiated_known = true;
	features_set(&d->negotiated, 1);
	features_set(&d->negotiated, 5);
	features_set(&d->negotiated, 7);
	features_set(&d->negotiated, 32);
	d->offered_known = false;
	d->offered_note = "sysfs shows negotiated features only";

	q = device_add_queue(d);
	assert_non_null(q);
	q->index = 3;
	strcpy(q->name, "reporting_vq");
	strcpy(q->role, "reporting_vq");
	q->source = SOURCE_DERIVED;
	q->spec_index = 4;
	q->size = 32;
	set_counter(&q->interrupts, 5);
	set_counter(&q->buffers_added, 0);	/* known zero, not unknown */
	set_counter(&q->in_bytes, 18446744073709551615ULL);

	assert_non_null(report_add_finding(r, SEVERITY_WARNING, "spec-index-deviation",
					   "virtio0", 3, "reporting_vq is queue %d, spec %d", 3, 4));
}

static char *render(const struct vq_report *r)
{
	struct capture c;

	capture_open(&c);
	assert_int_equal(report_write_json(c.f, r), 0);
	capture_text(&c);
	assert_true(json_valid(c.buf));
	return c.buf;
}

/*
 * Does text occur as a whole member or value: followed by the end of its
 * line (",\n" or "\n") or of the document?  So "\"index\": 3" is not found
 * in "\"index\": 30" nor "\"index\": 3.5".
 */
static bool has_whole(const char *json, const char *text)
{
	size_t n = strlen(text);

	for (const char *p = strstr(json, text); p; p = strstr(p + 1, text)) {
		const char *end = p + n;

		if (text[n - 1] == '\n' || !*end || *end == '\n' ||
		    (end[0] == ',' && end[1] == '\n'))
			return true;
	}
	return false;
}

static void assert_has(const char *json, const char *want)
{
	if (!has_whole(json, want))
		fail_msg("missing %s in:\n%s", want, json);
}

static void assert_lacks(const char *json, const char *unwanted)
{
	if (has_whole(json, unwanted))
		fail_msg("unexpected %s in:\n%s", unwanted, json);
}

/* The matcher itself: whole members only. */
static void test_has_whole(void **state)
{
	const char *json = "{\n  \"index\": 30,\n  \"size\": 3.5,\n  \"a\": 3\n}\n";

	(void)state;
	assert_false(has_whole(json, "\"index\": 3"));
	assert_true(has_whole(json, "\"index\": 30"));
	assert_false(has_whole(json, "\"size\": 3"));
	assert_true(has_whole(json, "\"size\": 3.5"));
	assert_true(has_whole(json, "\"a\": 3"));
	assert_true(has_whole(json, "{\n"));	/* text ending in a newline */
	assert_false(has_whole(json, "\"ind"));
}

static void test_report_fields(void **state)
{
	static const char *const want[] = {
		/* top level: SPEC.md's three keys */
		"{\n  \"vqwatch\": {",
		"\n  \"devices\": [",
		"\n  \"findings\": [",
		/* header */
		"\"version\": \"" VQWATCH_VERSION "\"",
		"\"schema\": " VQ_STR(VQ_JSON_SCHEMA),
		"\"mode\": \"sysfs\"",
		"\"kernel\": \"6.18.0-test\"",
		"\"duration_s\": null",
		"\"attached\": []",
		"\"skipped\": []",
		/* device */
		"\"name\": \"virtio0\"",
		"\"type\": \"balloon\"",
		"\"type_id\": 5",
		"\"transport\": \"pci\"",
		"\"driver\": \"virtio_balloon\"",
		"\"offered\": null",
		"\"negotiated\": \"0x1000000a2\"",
		"\"negotiated_names\": [\n"
		"          \"STATS_VQ\",\n"
		"          \"REPORTING\",\n"
		"          \"bit 7\",\n"
		"          \"VERSION_1\"\n"
		"        ]",
		"\"offered_names\": null",
		"\"offered_note\": \"sysfs shows negotiated features only\"",
		"\"queue_count_assumed\": false",
		"\"device_queues\": null",
		"\"removed\": false",
		"\"note\": null",
		/* queue */
		"\"index\": 3",
		"\"name\": \"reporting_vq\"",
		"\"role\": \"reporting_vq\"",
		"\"source\": \"derived\"",
		"\"spec_index\": 4",
		"\"offered_dense_index\": null",
		"\"driver_slot\": null",
		"\"irq\": null",
		"\"size\": 32",
		"\"interrupts\": 5",
		"\"buffers_added\": 0",
		"\"in_bytes\": 18446744073709551615",
		/* counters this mode cannot see are null, not 0 */
		"\"kicks\": null",
		"\"spurious_interrupts\": null",
		"\"buffers_completed\": null",
		"\"out_bytes\": null",
		"\"inflight\": null",
		"\"oldest_inflight_ms\": null",
		"\"latency_us\": null",
		/* finding */
		"\"severity\": \"warning\"",
		"\"code\": \"spec-index-deviation\"",
		"\"device\": \"virtio0\"",
		"\"queue\": 3",
		"\"message\": \"reporting_vq is queue 3, spec 4\"",
	};
	struct vq_report r;
	char *json;

	(void)state;
	build_report(&r);
	json = render(&r);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_has(json, want[i]);
	assert_lacks(json, "\"kicks\": 0");
	assert_lacks(json, "\"inflight\": 0");
	/* the document ends with its object and a newline */
	assert_string_equal(json + strlen(json) - 6, "  ]\n}\n");
	free(json);
	report_free(&r);
}

/* Empty strings and unknown values are null, not "" or 0. */
static void test_report_nulls(void **state)
{
	static const char *const want[] = {
		"\"kernel\": null",
		"\"driver\": null",
		"\"type\": \"unknown\"",
		"\"type_id\": 99",
		"\"negotiated\": null",
		"\"negotiated_names\": null",
		"\"offered\": \"0x0\"",
		"\"offered_names\": []",
		"\"offered_note\": null",
		"\"queue_count_assumed\": true",
		"\"queues\": []",
		"\"findings\": []",
		"\"duration_s\": 2.5",
	};
	struct vq_report r = { .mode = "tracepoint", .duration_s = 2.5 };
	struct vq_device *d = report_add_device(&r);
	char *json;

	(void)state;
	assert_non_null(d);
	strcpy(d->name, "virtio9");
	d->type_id = 99;
	d->offered_known = true;	/* known to be empty */
	d->offered_note = "not shown when offered features are known";
	d->queue_count_assumed = true;
	d->note = "its features file is malformed";
	json = render(&r);
	assert_has(json, "\"note\": \"its features file is malformed\"");
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_has(json, want[i]);
	assert_lacks(json, "\"offered_note\": \"not shown when offered features are known\"");
	free(json);
	report_free(&r);
}

static void test_report_hooks(void **state)
{
	static const struct vq_hook_status hooks[] = {
		{ "irq_handler_entry", true, "tracepoint", "", NULL },
		{ "vring_interrupt", false, NULL, "no BTF for vring_interrupt", "interrupts" },
		{ "virtqueue_notify", true, "fentry", "", "kicks" },
	};
	struct vq_report r = { .mode = "tracepoint", .duration_s = 10,
			       .hooks = hooks, .n_hooks = ARRAY_SIZE(hooks) };
	char *json;

	(void)state;
	const char *attached, *skipped, *end, *p;

	json = render(&r);
	/* attached: each hook with its mode; skipped: each with its reason */
	attached = strstr(json, "\"attached\": [");
	skipped = strstr(json, "\"skipped\": [");
	end = strstr(json, "\n  \"devices\"");
	assert_non_null(attached);
	assert_non_null(skipped);
	assert_non_null(end);
	assert_true(attached < skipped && skipped < end);
	p = strstr(attached, "\"hook\": \"irq_handler_entry\"");
	assert_true(p && p < skipped);
	p = strstr(p, "\"mode\": \"tracepoint\"");
	assert_true(p && p < skipped);
	p = strstr(p, "\"hook\": \"virtqueue_notify\"");
	assert_true(p && p < skipped);
	p = strstr(p, "\"mode\": \"fentry\"");
	assert_true(p && p < skipped);
	p = strstr(skipped, "\"hook\": \"vring_interrupt\"");
	assert_true(p && p < end);
	p = strstr(p, "\"reason\": \"no BTF for vring_interrupt\"");
	assert_true(p && p < end);
	/* each hook once */
	assert_null(strstr(strstr(json, "vring_interrupt") + 1, "\"vring_interrupt\""));
	assert_null(strstr(skipped, "irq_handler_entry"));
	assert_null(strstr(skipped, "virtqueue_notify"));
	assert_has(json, "\"duration_s\": 10");
	assert_has(json, "\"devices\": []");
	free(json);
	report_free(&r);
}

/* A queue's ring: null where nothing read it; a packed one with its wrap
 * counters, a split one with them null. */
static void test_report_ring(void **state)
{
	struct vq_report r;
	struct vq_queue *q;
	char *json;

	(void)state;
	build_report(&r);
	json = render(&r);
	assert_has(json, "\"ring\": null");
	free(json);

	q = &r.devices[0].queues[0];
	q->ring = (struct vq_ring){ .known = true, .packed = true, .avail = 7, .avail_wrap = 0,
				    .used = 5, .used_wrap = 1, .last_used = 5, .num_free = 254,
				    .driver_flags = 1, .device_flags = 0 };
	json = render(&r);
	assert_has(json, "\"format\": \"packed\"");
	assert_has(json, "\"avail\": 7");
	assert_has(json, "\"avail_wrap\": 0");
	assert_has(json, "\"used\": 5");
	assert_has(json, "\"used_wrap\": 1");
	assert_has(json, "\"num_free\": 254");
	assert_has(json, "\"driver_flags\": 1");
	assert_lacks(json, "\"ring\": null");
	free(json);

	q->ring = (struct vq_ring){ .known = true, .avail = 65535, .avail_wrap = VQ_NULL_INDEX,
				    .used = 65534, .used_wrap = VQ_NULL_INDEX, .last_used = 65534 };
	json = render(&r);
	assert_has(json, "\"format\": \"split\"");
	assert_has(json, "\"avail\": 65535");
	assert_has(json, "\"avail_wrap\": null");
	assert_has(json, "\"used_wrap\": null");
	free(json);
	report_free(&r);
}

/* Device strings come from sysfs and vq->name: escaped, still valid. */
static void test_report_hostile_strings(void **state)
{
	struct vq_report r;
	char *json;

	(void)state;
	build_report(&r);
	strcpy(r.devices[0].driver, "evil\"\n\x01\xff");
	strcpy(r.devices[0].queues[0].name, "q\\\t");
	json = render(&r);	/* render checks validity */
	assert_has(json, "\"driver\": \"evil\\\"\\n\\u0001\\ufffd\"");
	assert_has(json, "\"name\": \"q\\\\\\t\"");
	free(json);
	report_free(&r);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_whole),
		cmocka_unit_test(test_report_fields),
		cmocka_unit_test(test_report_nulls),
		cmocka_unit_test(test_report_hooks),
		cmocka_unit_test(test_report_ring),
		cmocka_unit_test(test_report_hostile_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
