// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the VMM table (src/vmm_tables.c): every row, checked
 * against ../shared/reference/virtio-queue-layouts.md section 4 and issue
 * 16 (the expected indexes below are written from those, not from the
 * table), the findings that name a VMM, and the guest-visible signs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "layout.h"
#include "model.h"
#include "virtio.h"
#include "vmm.h"
#include "vmm_detect.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define X VQ_NULL_INDEX

enum { S = 1, F = 3, R = 5 };	/* balloon STATS_VQ, FREE_PAGE_HINT, REPORTING */

static struct vq_features mask(uint64_t m)
{
	return (struct vq_features){ { m, 0 } };
}

static const struct vmm *vmm(const char *name)
{
	const struct vmm *v = vmm_by_name(name);

	assert_non_null(v);
	return v;
}

/* The index VMM name gives the role, for a type's layout. */
static int vmm_index_of(const char *type, uint64_t offered, uint64_t negotiated,
			unsigned int queues, const char *vmm_name, const char *role)
{
	struct layout_input in = { .type = virtio_type_by_name(type), .offered = mask(offered),
				   .negotiated = mask(negotiated), .offered_known = true,
				   .queues = queues };
	struct layout l;
	int at = -2;

	assert_non_null(in.type);
	assert_int_equal(layout_compute(&in, &l), 0);
	for (size_t i = 0; i < l.n_queues; i++)
		if (!strcmp(l.queues[i].role, role))
			at = l.queues[i].vmm_index[vmm_id(vmm(vmm_name))];
	layout_free(&l);
	assert_int_not_equal(at, -2);	/* the role is in the layout */
	return at;
}

/* Every row names a VMM and a device type of the tables, once, and cites
 * where it was read. */
static void test_rows_are_cited_and_unique(void **state)
{
	const struct vmm_rule *r, *o;

	(void)state;
	assert_true(vmm_count() <= VMM_MAX);
	for (size_t i = 0; (r = vmm_rule_at(i)); i++) {
		assert_non_null(vmm_by_name(r->vmm));
		assert_non_null(virtio_type_by_id(r->type_id));
		assert_true(r->version && r->version[0]);
		assert_true(r->source && r->source[0]);
		assert_true(r->note && r->note[0]);
		/* what it always offers, it can offer */
		assert_true((r->always_offers & ~r->may_offer) == 0);
		for (size_t k = 0; k < i; k++) {
			o = vmm_rule_at(k);
			assert_false(o->type_id == r->type_id && !strcmp(o->vmm, r->vmm));
		}
		assert_ptr_equal(vmm_rule_for(vmm_by_name(r->vmm), r->type_id), r);
	}
	assert_null(vmm_by_name("xen"));
	assert_null(vmm_rule_for(vmm("firecracker"), 1));	/* net: not read, unknown */
}

/* Balloon rows: reporting_vq's index per VMM, in three offers
 * (reference section 5 rows 24, 3 and 12; section 4 per VMM). */
static void test_balloon_rows(void **state)
{
	static const struct {
		const char *vmm;
		int row24, row3, row12;	/* SFR offered, S+R negotiated | R only | SR offered, R negotiated */
	} want[] = {
		{ "qemu", 4, 2, 3 },		/* dense over offered */
		{ "firecracker", 4, 2, 3 },	/* dense over offered, stats optional */
		{ "cloud-hypervisor", 4, 2, 3 },/* dense over offered (only R is possible) */
		{ "crosvm", 4, 2, 3 },		/* dense over advertised since 2025-04 */
		{ "crosvm-2024", 3, 2, 2 },	/* the driver's ready queues in order (pop_first) */
		{ "libkrun", 4, 4, 4 },		/* fixed constants 0..4 */
		{ "alioth", 3, 2, 2 },		/* dense over acked = Linux */
		{ "arcbox", 3, 2, 2 },
	};
	const uint64_t sfr = 1 << S | 1 << F | 1 << R;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_non_null(vmm_rule_for(vmm(want[i].vmm), VQ_ID_BALLOON));
		assert_int_equal(vmm_index_of("balloon", sfr, 1 << S | 1 << R, 1, want[i].vmm,
					      "reporting_vq"), want[i].row24);
		assert_int_equal(vmm_index_of("balloon", 1 << R, 1 << R, 1, want[i].vmm,
					      "reporting_vq"), want[i].row3);
		assert_int_equal(vmm_index_of("balloon", 1 << S | 1 << R, 1 << R, 1, want[i].vmm,
					      "reporting_vq"), want[i].row12);
		/* inflate and deflate never move */
		assert_int_equal(vmm_index_of("balloon", sfr, sfr, 1, want[i].vmm, "inflateq"), 0);
		assert_int_equal(vmm_index_of("balloon", sfr, sfr, 1, want[i].vmm, "deflateq"), 1);
	}
	/* every balloon row of the table is checked above */
	for (size_t i = 0, n = 0; vmm_rule_at(i) || (assert_int_equal(n, ARRAY_SIZE(want)), 0); i++)
		n += vmm_rule_at(i)->type_id == VQ_ID_BALLOON;
}

/* What each can offer (reference 4.1-4.4, issue 16). */
static void test_balloon_offers(void **state)
{
	static const struct {
		const char *vmm;
		uint64_t always, never;
	} want[] = {
		{ "qemu", 1 << S, 0 },
		{ "firecracker", 0, 0 },
		{ "cloud-hypervisor", 0, 1 << S | 1 << F },
		{ "crosvm", 1 << S, 1 << F },
		{ "libkrun", 1 << S | 1 << F | 1 << R, 0 },
		{ "crosvm-2024", 1 << S, 1 << F },	/* new() before 4ce4bbc22 */
		/* what these offered was not read: not restricted */
		{ "alioth", 0, 0 },
		{ "arcbox", 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct vmm_rule *r = vmm_rule_for(vmm(want[i].vmm), VQ_ID_BALLOON);

		assert_int_equal(r->always_offers & (1 << S | 1 << F | 1 << R), want[i].always);
		assert_int_equal(r->may_offer & want[i].never, 0);
	}
}

/* QEMU's net, console and fs rows: as Linux numbers them. */
static void test_qemu_other_rows(void **state)
{
	(void)state;
	/* net, 4 pairs, MQ and CTRL_VQ negotiated: control queue at 8 */
	assert_int_equal(vmm_index_of("net", 1 << 17 | 1 << 22, 1 << 17 | 1 << 22, 4, "qemu",
				      "controlq"), 8);
	/* MQ offered, not negotiated: one pair, control at 2 */
	assert_int_equal(vmm_index_of("net", 1 << 17 | 1 << 22, 1 << 17, 4, "qemu", "controlq"), 2);
	/* console, MULTIPORT, 2 ports: control queues 2 and 3, port 1 at 4 */
	assert_int_equal(vmm_index_of("console", 1 << 1, 1 << 1, 2, "qemu", "control_receiveq"), 2);
	/* fs: request queues from 1; NOTIFICATION never offered */
	assert_int_equal(vmm_index_of("fs", 0, 0, 1, "qemu", "requestq1"), 1);
	assert_int_equal(vmm_rule_for(vmm("qemu"), 26)->may_offer & 1, 0);
}

/* A balloon report as layout makes it, speaking for vmm_name (NULL: none);
 * the offer unknown when offered_known is false (an audit whose device read
 * was refused, as on this Firecracker machine). */
static struct vq_report balloon_report(const char *vmm_name, uint64_t offered, uint64_t negotiated,
				       bool offered_known)
{
	struct layout_input in = { .type = virtio_type_by_name("balloon"), .offered = mask(offered),
				   .negotiated = mask(negotiated), .offered_known = offered_known,
				   .queues = 1 };
	struct vq_report r = { .mode = "offline" };
	struct layout l;

	if (vmm_name)
		r.vmm_shown[vmm_id(vmm(vmm_name))] = true;
	assert_int_equal(layout_compute(&in, &l), 0);
	assert_int_equal(layout_to_device(&in, &l, report_add_device(&r)), 0);
	layout_free(&l);
	assert_int_equal(findings_run(&r, NULL), 0);
	return r;
}

static struct vq_report layout_report(const char *vmm_name, uint64_t offered, uint64_t negotiated)
{
	return balloon_report(vmm_name, offered, negotiated, true);
}

static const struct vq_finding *finding(const struct vq_report *r, const char *code,
					const char *rule)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (!strcmp(r->findings[i].code, code) &&
		    !strcmp(r->findings[i].rule ? r->findings[i].rule : "", rule))
			return &r->findings[i];
	return NULL;
}

static void test_findings_name_the_vmm(void **state)
{
	const uint64_t sfr = 1 << S | 1 << F | 1 << R, sr = 1 << S | 1 << R;
	const struct vq_finding *f;
	struct vq_report r;

	(void)state;
	/* the acceptance case on Firecracker */
	r = layout_report("firecracker", sfr, sr);
	f = finding(&r, "offered-not-negotiated", "firecracker");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	assert_int_equal(f->queue, 3);
	assert_non_null(strstr(f->message, "Firecracker numbers by offered features: "
			       "reporting_vq is its queue 4; this driver uses 3"));
	assert_null(finding(&r, "offered-not-negotiated", "offered-dense"));	/* replaced */
	assert_non_null(finding(&r, "spec-index-deviation", "spec"));
	report_free(&r);

	/* no VMM: the generic rule, as before */
	r = layout_report(NULL, sfr, sr);
	assert_non_null(finding(&r, "offered-not-negotiated", "offered-dense"));
	report_free(&r);

	/* cloud-hypervisor never offers STATS_VQ: said plainly, and no
	 * numbering finding in its name for an offer it never makes */
	r = layout_report("cloud-hypervisor", sfr, sr);
	f = finding(&r, "vmm-offer-impossible", "cloud-hypervisor");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_non_null(strstr(f->message, "never offers STATS_VQ,FREE_PAGE_HINT"));
	assert_null(finding(&r, "offered-not-negotiated", "cloud-hypervisor"));
	report_free(&r);

	/* its own offer: reporting at 2, as Linux; nothing to say */
	r = layout_report("cloud-hypervisor", 1 << R, 1 << R);
	assert_null(finding(&r, "vmm-offer-impossible", "cloud-hypervisor"));
	assert_null(finding(&r, "offered-not-negotiated", "cloud-hypervisor"));
	report_free(&r);

	/* a spec-literal VMM: reporting at 4 while Linux uses 3 */
	r = layout_report("libkrun", sfr, sr);
	f = finding(&r, "vmm-index-mismatch", "libkrun");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_CRITICAL);
	report_free(&r);

	/* crosvm before 2025-04 took the driver's ready queues in order: it
	 * never disagrees (its spec constants only fed a warning) */
	r = layout_report("crosvm-2024", 1 << S | 1 << R, 1 << R);
	assert_null(finding(&r, "vmm-index-mismatch", "crosvm-2024"));
	assert_null(finding(&r, "offered-not-negotiated", "crosvm-2024"));
	report_free(&r);

	/* QEMU without STATS_VQ in the offer: not QEMU's offer */
	r = layout_report("qemu", 1 << R, 1 << R);
	assert_non_null(strstr(finding(&r, "vmm-offer-impossible", "qemu")->message,
			       "always offers STATS_VQ"));
	report_free(&r);

	/* a negotiated-dense VMM never disagrees with Linux */
	r = layout_report("arcbox", sfr, sr);
	assert_null(finding(&r, "offered-not-negotiated", "arcbox"));
	assert_null(finding(&r, "vmm-index-mismatch", "arcbox"));
	report_free(&r);
}

/* The findings of code (any rule), counted. */
static size_t count_code(const struct vq_report *r, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_findings; i++)
		n += !strcmp(r->findings[i].code, code);
	return n;
}

/*
 * Issue 16's severity rule: a disagreement with the VMM the report speaks
 * for, the offer known, is critical; the offer unknown, never critical
 * (vmm-offer-unknown, a warning, with where the offers it can make put the
 * queue); one that only another VMM would show is a warning naming it.
 */
static void test_severity_follows_the_evidence(void **state)
{
	const uint64_t sfr = 1 << S | 1 << F | 1 << R, sr = 1 << S | 1 << R;
	const struct vq_finding *f;
	struct vq_report r;

	(void)state;
	/* offer unknown, by offered features, a range: this machine's balloon
	 * (Firecracker, STATS_VQ and REPORTING negotiated, device read
	 * refused): reporting_vq is Firecracker's 3, or 4 with hinting offered */
	r = balloon_report("firecracker", 0, sr, false);
	f = finding(&r, "vmm-offer-unknown", "firecracker");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->queue, 3);
	assert_non_null(strstr(f->message, "Firecracker numbers by offered features: reporting_vq "
			       "is its queue 3, or up to 4 if it offered FREE_PAGE_HINT, which the "
			       "driver did not negotiate (the offer is not known); this driver uses 3"));
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	assert_int_equal(count_code(&r, "vmm-offer-unknown"), 1);	/* statsq: 2 either way */
	report_free(&r);

	/* the same with the offer known, as probed: critical in its name */
	r = layout_report("firecracker", sfr, sr);
	assert_int_equal(finding(&r, "offered-not-negotiated", "firecracker")->severity,
			 SEVERITY_CRITICAL);
	assert_null(finding(&r, "vmm-offer-unknown", "firecracker"));
	report_free(&r);

	/* offer unknown, every offer it can make agrees: nothing */
	r = balloon_report("firecracker", 0, sfr, false);
	assert_int_equal(count_code(&r, "vmm-offer-unknown"), 0);
	report_free(&r);
	r = balloon_report("cloud-hypervisor", 0, 1 << R, false);
	assert_int_equal(count_code(&r, "vmm-offer-unknown"), 0);
	report_free(&r);

	/* offer unknown, every offer it can make disagrees, one index:
	 * crosvm always offers STATS_VQ, never hinting: reporting_vq is its 3
	 * whatever it offers, the driver (REPORTING only) uses 2 */
	r = balloon_report("crosvm", 0, 1 << R, false);
	f = finding(&r, "vmm-offer-unknown", "crosvm");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->queue, 2);
	assert_non_null(strstr(f->message, "reporting_vq is its queue 3 whatever it offers; this "
			       "driver uses 2"));
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	report_free(&r);

	/* offer unknown, a range that leaves out the driver's index: QEMU
	 * always has stats, so 3 or 4 for a driver with REPORTING alone at 2 */
	r = balloon_report("qemu", 0, 1 << R, false);
	assert_non_null(strstr(finding(&r, "vmm-offer-unknown", "qemu")->message,
			       "is its queue 3, or up to 4 if it offered FREE_PAGE_HINT"));
	report_free(&r);

	/* offer unknown, the spec's fixed indexes: a warning, not critical */
	r = balloon_report("libkrun", 0, sr, false);
	f = finding(&r, "vmm-offer-unknown", "libkrun");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_non_null(strstr(f->message, "libkrun uses the spec's fixed indexes: reporting_vq is "
			       "its queue 4; this driver uses 3 (the offer is not known"));
	assert_null(finding(&r, "vmm-index-mismatch", "libkrun"));
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	report_free(&r);

	/* offer unknown, by negotiated features: never disagrees */
	r = balloon_report("alioth", 0, sr, false);
	assert_int_equal(count_code(&r, "vmm-offer-unknown"), 0);
	report_free(&r);

	/* only another VMM disagrees: the report's (alioth, as Linux) agrees;
	 * QEMU and Firecracker, which can make this offer, would not: a
	 * warning in each one's name; crosvm and cloud-hypervisor cannot make
	 * it (hinting): not named */
	r = layout_report("alioth", sfr, sr);
	f = finding(&r, "other-vmm-index", "qemu");
	assert_non_null(f);
	assert_int_equal(f->severity, SEVERITY_WARNING);
	assert_int_equal(f->queue, 3);
	assert_non_null(strstr(f->message, "only on another VMM: QEMU numbers by offered features: "
			       "reporting_vq would be its queue 4; this driver uses 3"));
	assert_non_null(finding(&r, "other-vmm-index", "firecracker"));
	assert_null(finding(&r, "other-vmm-index", "crosvm"));
	assert_null(finding(&r, "other-vmm-index", "cloud-hypervisor"));
	assert_int_equal(count_code(&r, "other-vmm-index"), 2);
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	/* the spec-literal ones are named in spec-index-deviation instead */
	assert_int_equal(count_code(&r, "vmm-index-mismatch"), 0);
	assert_non_null(strstr(finding(&r, "spec-index-deviation", "spec")->message,
			       "; of the VMMs known, so would libkrun"));
	report_free(&r);

	/* the report's VMM disagrees: it speaks (critical), the others do not */
	r = layout_report("qemu", sfr, sr);
	assert_non_null(finding(&r, "offered-not-negotiated", "qemu"));
	assert_int_equal(count_code(&r, "other-vmm-index"), 0);
	report_free(&r);

	/* QEMU's offer of balloon-fpr (STATS_VQ, REPORTING, all taken): every
	 * VMM that can make it agrees; libkrun, on the spec's indexes, always
	 * offers hinting, so this offer is not its: not named */
	r = layout_report("qemu", sr, sr);
	assert_int_equal(count_code(&r, "other-vmm-index"), 0);
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	assert_null(strstr(finding(&r, "spec-index-deviation", "spec")->message, "so would"));
	report_free(&r);

	/* the offer unknown: another VMM's numbering is not guessed */
	r = balloon_report("alioth", 0, sr, false);
	assert_int_equal(count_code(&r, "other-vmm-index"), 0);
	assert_null(strstr(finding(&r, "spec-index-deviation", "spec")->message, "so would"));
	report_free(&r);

	/* the report's VMM cannot make the offer: it says so, and the others
	 * that can speak as warnings */
	r = layout_report("cloud-hypervisor", sfr, sr);
	assert_non_null(finding(&r, "vmm-offer-impossible", "cloud-hypervisor"));
	assert_non_null(finding(&r, "other-vmm-index", "firecracker"));
	assert_true(findings_max_severity(&r) < SEVERITY_CRITICAL);
	report_free(&r);

	/* no VMM: the generic rule alone, no other VMM named */
	r = layout_report(NULL, sfr, sr);
	assert_int_equal(count_code(&r, "other-vmm-index"), 0);
	assert_null(strstr(finding(&r, "spec-index-deviation", "spec")->message, "so would"));
	report_free(&r);
}

/* Every row of the table has a test above: (VMM, type) pairs, each checked
 * by test_balloon_rows, test_balloon_offers or test_qemu_other_rows. */
static void test_every_row_tested(void **state)
{
	static const struct {
		const char *vmm;
		unsigned int type_id;
	} tested[] = {
		{ "qemu", VQ_ID_BALLOON }, { "qemu", 1 }, { "qemu", 3 }, { "qemu", 26 },
		{ "firecracker", VQ_ID_BALLOON }, { "cloud-hypervisor", VQ_ID_BALLOON },
		{ "crosvm", VQ_ID_BALLOON }, { "crosvm-2024", VQ_ID_BALLOON },
		{ "libkrun", VQ_ID_BALLOON }, { "alioth", VQ_ID_BALLOON },
		{ "arcbox", VQ_ID_BALLOON },
	};
	const struct vmm_rule *r;
	size_t rows = 0;

	(void)state;
	for (size_t i = 0; (r = vmm_rule_at(i)); i++, rows++) {
		bool found = false;

		for (size_t k = 0; k < ARRAY_SIZE(tested); k++)
			found |= tested[k].type_id == r->type_id && !strcmp(tested[k].vmm, r->vmm);
		if (!found)
			fail_msg("table row %s type %u has no unit test", r->vmm, r->type_id);
	}
	assert_int_equal(rows, ARRAY_SIZE(tested));
}

static void test_signs(void **state)
{
	(void)state;
	assert_ptr_equal(vmm_by_dt_compatible("qemu,fw-cfg-mmio", 17), vmm("qemu"));
	assert_ptr_equal(vmm_by_dt_compatible("x,y\0qemu,fw-cfg-mmio\0", 21), vmm("qemu"));
	assert_null(vmm_by_dt_compatible("qemu,fw-cfg-mmio", 10));	/* cut short */
	assert_null(vmm_by_dt_compatible("linux,dummy-virt", 17));	/* kvmtool's too */
	assert_ptr_equal(vmm_by_virtio_mmio_vendor(0x554d4551), vmm("qemu"));
	assert_null(vmm_by_virtio_mmio_vendor(0x1af4));
	assert_null(vmm_by_virtio_mmio_vendor(0));
	assert_ptr_equal(vmm_by_acpi_oem_id("FIRECK", 6), vmm("firecracker"));
	assert_ptr_equal(vmm_by_acpi_oem_id("BOCHS ", 6), vmm("qemu"));
	assert_null(vmm_by_acpi_oem_id("BOCHS", 5));
	assert_null(vmm_by_acpi_oem_id("ALASKA", 6));
	assert_ptr_equal(vmm_by_dmi_sys_vendor("QEMU\n"), vmm("qemu"));
	assert_ptr_equal(vmm_by_dmi_sys_vendor("QEMU"), vmm("qemu"));
	assert_null(vmm_by_dmi_sys_vendor("QEMUX\n"));
	assert_null(vmm_by_dmi_sys_vendor(""));
	assert_null(vmm_by_dmi_sys_vendor(NULL));
}

/* Write root/rel (making its directories) with len bytes of data. */
static void put(const char *root, const char *rel, const char *data, size_t len)
{
	char path[512], cmd[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Detection under a root, as --root replays a capture. */
static void test_detect(void **state)
{
	char root[] = "/tmp/vqwatch-vmm-XXXXXX", cmd[160];
	struct vq_report r = { 0 };

	(void)state;
	assert_non_null(mkdtemp(root));
	/* nothing there: unknown, and what was seen */
	vmm_detect(root, NULL, &r);
	assert_true(r.vmm_known);
	assert_null(r.vmm);
	assert_string_equal(r.vmm_source, "none matched: no DMI, no ACPI DSDT, no devicetree, "
			    "no known virtio-mmio vendor");
	/* a virtio-pci device's vendor (the subsystem vendor, 0x1af4 from any
	 * VMM) names none; a virtio-mmio one's VendorID "QEMU" does */
	put(root, "sys/bus/virtio/devices/virtio0/vendor", "0x1af4\n", 7);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_null(r.vmm);
	put(root, "sys/bus/virtio/devices/virtio3/vendor", "0x554d4551\n", 11);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_ptr_equal(r.vmm, vmm("qemu"));
	assert_string_equal(r.vmm_source, "virtio-mmio vendor 0x554d4551 (virtio3)");
	/* a devicetree: QEMU -M virt's fw_cfg node (compatible lists are
	 * NUL-separated), before the devices; another board's names none */
	put(root, "sys/firmware/devicetree/base/compatible", "linux,dummy-virt\0", 17);
	put(root, "sys/firmware/devicetree/base/pl011@9000000/compatible",
	    "arm,pl011\0arm,primecell\0", 24);
	put(root, "sys/firmware/devicetree/base/fw-cfg@9020000/compatible", "qemu,fw-cfg-mmio\0", 17);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_ptr_equal(r.vmm, vmm("qemu"));
	assert_string_equal(r.vmm_source, "devicetree fw-cfg@9020000 qemu,fw-cfg-mmio");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/bus' '%s/sys/firmware/devicetree/base/fw-cfg@9020000'",
		 root, root);
	assert_int_equal(system(cmd), 0);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_null(r.vmm);
	assert_string_equal(r.vmm_source, "none matched: no DMI, no ACPI DSDT, no known devicetree "
			    "compatible, no known virtio-mmio vendor");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys'", root);
	assert_int_equal(system(cmd), 0);
	/* a Firecracker DSDT header (this machine's): OEM ID at bytes 10-15 */
	put(root, "sys/firmware/acpi/tables/DSDT", "DSDTS\017\0\0\002wFIRECKFCVMDSDT", 16);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_ptr_equal(r.vmm, vmm("firecracker"));
	assert_string_equal(r.vmm_source, "acpi-oem-id FIRECK");
	assert_true(r.vmm_shown[vmm_id(vmm("firecracker"))]);
	/* DMI first: QEMU's sys_vendor */
	put(root, "sys/class/dmi/id/sys_vendor", "QEMU\n", 5);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_ptr_equal(r.vmm, vmm("qemu"));
	assert_string_equal(r.vmm_source, "dmi sys_vendor QEMU");
	/* an unknown vendor and OEM ID: said */
	put(root, "sys/class/dmi/id/sys_vendor", "ACME\n", 5);
	put(root, "sys/firmware/acpi/tables/DSDT", "DSDTS\017\0\0\002wALASKAA M I ", 16);
	memset(&r, 0, sizeof(r));
	vmm_detect(root, NULL, &r);
	assert_null(r.vmm);
	assert_string_equal(r.vmm_source, "none matched: DMI sys_vendor 'ACME', ACPI OEM ID 'ALASKA', "
			    "no devicetree, no known virtio-mmio vendor");
	/* --vmm wins */
	memset(&r, 0, sizeof(r));
	vmm_detect(root, vmm("libkrun"), &r);
	assert_ptr_equal(r.vmm, vmm("libkrun"));
	assert_string_equal(r.vmm_source, "--vmm");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_cited_and_unique),
		cmocka_unit_test(test_balloon_rows),
		cmocka_unit_test(test_balloon_offers),
		cmocka_unit_test(test_qemu_other_rows),
		cmocka_unit_test(test_findings_name_the_vmm),
		cmocka_unit_test(test_severity_follows_the_evidence),
		cmocka_unit_test(test_every_row_tested),
		cmocka_unit_test(test_signs),
		cmocka_unit_test(test_detect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
