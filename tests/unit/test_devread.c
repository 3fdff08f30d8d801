// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the device-read source (src/devread.c) on a capture tree:
 * tests/fixtures/g612-pci-balloon-fph-fpr (QEMU balloon with free-page-hint
 * and free-page-reporting, INTx, 6.12 guest) copied to a temporary tree and
 * given a recording of the device's answer (what the live read gave in the
 * 6.12 guest).  Replay never touches a real device.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devread.h"
#include "findings.h"
#include "pci_cfg.h"
#include "sysfs.h"

#define FIXTURE "tests/fixtures/g612-pci-balloon-fph-fpr"
#define PCI_DIR "/sys/devices/pci0000:00/0000:00:02.0"

static char tree[64];
static struct vq_report report;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd))
		fail_msg("failed: %s", cmd);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tree, "/tmp/vqwatch-devread.XXXXXX");
	if (!mkdtemp(tree))
		return -1;
	sh("cp -a " FIXTURE "/. %s/", tree);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	report_free(&report);
	sh("rm -rf %s", tree);
	return 0;
}

static void record(const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s" PCI_DIR "/" DEVREAD_RECORD, tree);
	if (!text) {
		remove(path);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The negotiated features file: '1' or '0' at bit. */
static void negotiated_bit(unsigned int bit, char val)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s" PCI_DIR "/virtio0/features", tree);
	f = fopen(path, "r+");
	assert_non_null(f);
	fseek(f, bit, SEEK_SET);
	fputc(val, f);
	fclose(f);
}

static struct vq_report *run(bool enabled)
{
	struct devread_options o = { .enabled = enabled };
	char err[256] = "";

	report_free(&report);
	memset(&report, 0, sizeof(report));
	if (sysfs_read(tree, &report, err, sizeof(err)) ||
	    devread_fill(tree, &report, &o, err, sizeof(err)) || findings_run(&report, NULL))
		fail_msg("%s", err);
	assert_int_equal(report.n_devices, 1);
	return &report;
}

static const struct vq_queue *role(const struct vq_device *d, const char *name)
{
	for (size_t i = 0; i < d->n_queues; i++)
		if (!strcmp(d->queues[i].role, name))
			return &d->queues[i];
	fail_msg("no queue %s", name);
	return NULL;
}

static size_t count(const struct vq_report *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_findings; i++)
		n += !strcmp(r->findings[i].code, code);
	return n;
}

#define READ_OK "result ok\nstatus 0x0f\n" \
	"device_feature 0x3000003a 0x00000101 0x00000000 0x00000000\n"

/* Linux's own driver took every queue feature: offered known, no finding. */
static void test_replay_linux_driver(void **state)
{
	const struct vq_device *d;
	struct vq_report *r;

	(void)state;
	record(READ_OK "driver_feature 0x2000002a 0x00000101 0x00000000 0x00000000\n"
		       "num_queues 5\n");
	r = run(true);
	d = &r->devices[0];
	assert_true(d->offered_known);
	assert_string_equal(d->offered_source, "device");
	assert_null(d->offered_note);
	assert_null(d->note);
	assert_true(d->offered.word[0] == 0x1013000003aULL && d->offered.word[1] == 0);
	assert_true(d->device_queues.known);
	assert_int_equal(d->device_queues.value, 5);
	assert_int_equal(role(d, "free_page_vq")->offered_dense_index, 3);
	assert_int_equal(role(d, "reporting_vq")->offered_dense_index, 4);
	assert_int_equal(count(r, "offered-not-negotiated"), 0);
	assert_int_equal(count(r, "queue-count-mismatch"), 0);
}

/* The reproducer: a driver that declined FREE_PAGE_HINT uses queue 3 for
 * reporting_vq; the device numbers it 4. */
static void test_replay_declining_driver(void **state)
{
	const struct vq_device *d;
	struct vq_report *r;

	(void)state;
	negotiated_bit(3, '0');
	record(READ_OK "driver_feature 0x20000022 0x00000101 0x00000000 0x00000000\n"
		       "num_queues 5\n");
	r = run(true);
	d = &r->devices[0];
	assert_null(d->note);	/* accepted equals negotiated */
	assert_int_equal(role(d, "reporting_vq")->index, 3);
	assert_int_equal(role(d, "reporting_vq")->offered_dense_index, 4);
	assert_int_equal(count(r, "offered-not-negotiated"), 1);
	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].code, "offered-not-negotiated")) {
			assert_int_equal(r->findings[i].queue, 3);
			assert_int_equal(r->findings[i].severity, SEVERITY_CRITICAL);
			assert_non_null(strstr(r->findings[i].message, "FREE_PAGE_HINT"));
		}
	/* 5 queues on the device, 4 used by the driver: harmless, no finding */
	assert_int_equal(count(r, "queue-count-mismatch"), 0);
	negotiated_bit(3, '1');
}

/* The driver's accepted features differ from sysfs: said, not hidden. */
static void test_replay_accepted_differs(void **state)
{
	const struct vq_device *d;

	(void)state;
	record(READ_OK "driver_feature 0x2000003a 0x00000101 0x00000000 0x00000000\n"
		       "num_queues 5\n");
	d = &run(true)->devices[0];
	assert_true(d->offered_known);
	assert_non_null(d->note);
	assert_non_null(strstr(d->note, "accepted"));
}

/* Fewer queues on the device than the driver uses. */
static void test_replay_device_has_fewer(void **state)
{
	struct vq_report *r;

	(void)state;
	record(READ_OK "driver_feature 0x2000002a 0x00000101 0x00000000 0x00000000\n"
		       "num_queues 3\n");
	r = run(true);
	assert_int_equal(count(r, "queue-count-mismatch"), 1);
}

/* Every way of not knowing leaves offered null with a note saying why. */
static void test_replay_notes(void **state)
{
	static const struct { const char *record; bool enabled; const char *says; } cases[] = {
		{ NULL, true, "no recording" },
		{ "result refused\n", true, "EPERM" },
		{ "result not-ready\nstatus 0x0b\n", true, "DRIVER_OK" },
		{ "result no-window\n", true, "VIRTIO_PCI_CAP_PCI_CFG" },
		{ "result loop\n", true, "loops" },
		{ "result fine\n", true, "malformed" },
		{ READ_OK "num_queues 5\n", false, "--no-device-read" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct vq_device *d;

		record(cases[i].record);
		d = &run(cases[i].enabled)->devices[0];
		assert_false(d->offered_known);
		assert_false(d->device_queues.known);
		assert_non_null(d->offered_note);
		if (!strstr(d->offered_note, cases[i].says) || !strstr(d->offered_note, "trace"))
			fail_msg("case %zu: note \"%s\" lacks \"%s\"", i, d->offered_note,
				 cases[i].says);
	}
}

/* A legacy driver (VERSION_1 not negotiated) is never asked. */
static void test_legacy_driver(void **state)
{
	const struct vq_device *d;

	(void)state;
	record(READ_OK "driver_feature 0x2000002a 0x00000101 0x00000000 0x00000000\n"
		       "num_queues 5\n");
	negotiated_bit(32, '0');
	d = &run(true)->devices[0];
	negotiated_bit(32, '1');
	assert_false(d->offered_known);
	assert_non_null(strstr(d->offered_note, "legacy"));
}

/* virtio_console names every port's queues "input"/"output": the offer is
 * matched by role, so each port keeps its own offered-dense index. */
static void test_replay_console_ports(void **state)
{
	char con[80], path[160], err[256] = "";
	struct devread_options o = { .enabled = true };
	struct vq_report r = { 0 };
	const struct vq_device *d;
	FILE *f;

	(void)state;
	snprintf(con, sizeof(con), "%s/console", tree);
	sh("mkdir %s && cp -a tests/fixtures/g612-pci-console-multiport/. %s/", con, con);
	snprintf(path, sizeof(path), "%s/sys/devices/pci0000:00/0000:00:03.0/" DEVREAD_RECORD, con);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("result ok\nstatus 0x0f\n"
	      "device_feature 0x30000006 0x00000101 0x00000000 0x00000000\n"
	      "driver_feature 0x30000002 0x00000101 0x00000000 0x00000000\n"
	      "num_queues 10\n", f);
	fclose(f);
	if (sysfs_read(con, &r, err, sizeof(err)) || devread_fill(con, &r, &o, err, sizeof(err)) ||
	    findings_run(&r, NULL))
		fail_msg("%s", err);
	assert_int_equal(r.n_devices, 2);
	d = &r.devices[1];
	assert_string_equal(d->offered_source, "device");
	assert_int_equal(d->n_queues, 10);
	for (size_t i = 0; i < d->n_queues; i++)
		assert_int_equal(d->queues[i].offered_dense_index, d->queues[i].index);
	assert_int_equal(count(&r, "offered-not-negotiated"), 0);
	assert_int_equal(count(&r, "queue-count-mismatch"), 0);
	/* the rng has no recording: said so */
	assert_false(r.devices[0].offered_known);
	assert_non_null(strstr(r.devices[0].offered_note, "no recording"));
	report_free(&r);
}

/* An unbound device negotiated nothing: not mistaken for a legacy driver. */
static void test_unbound_device(void **state)
{
	char path[256];
	const struct vq_device *d;

	(void)state;
	record("result not-ready\nstatus 0x01\n");
	snprintf(path, sizeof(path), "%s" PCI_DIR "/virtio0/driver", tree);
	sh("mv %s %s.away && cp %s" PCI_DIR "/virtio0/features %s.features", path, path, tree, path);
	sh("printf '%%0128d' 0 > %s" PCI_DIR "/virtio0/features", tree);
	d = &run(true)->devices[0];
	sh("mv %s.away %s && mv %s.features %s" PCI_DIR "/virtio0/features", path, path, path, tree);
	assert_false(d->offered_known);
	assert_non_null(strstr(d->offered_note, "DRIVER_OK"));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_linux_driver),
		cmocka_unit_test(test_replay_declining_driver),
		cmocka_unit_test(test_replay_accepted_differs),
		cmocka_unit_test(test_replay_device_has_fewer),
		cmocka_unit_test(test_replay_notes),
		cmocka_unit_test(test_legacy_driver),
		cmocka_unit_test(test_replay_console_ports),
		cmocka_unit_test(test_unbound_device),
	};
	return cmocka_run_group_tests_name("device read (replay)", tests, setup, teardown);
}
