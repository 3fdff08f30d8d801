// SPDX-License-Identifier: GPL-2.0
/*
 * VMMs and their queue numbering, as data.  Every row cites the VMM version
 * and the source file it was read from (through
 * reference/virtio-queue-layouts.md section 4 and issue 16).  Device types
 * that a VMM has but whose numbering was not read have no row: vqwatch
 * says "unknown" for them instead of guessing.
 *
 * Balloon feature bits: STATS_VQ 1, FREE_PAGE_HINT 3, REPORTING 5 (the
 * queue-bearing ones); net CTRL_VQ 17, MQ 22, RSS 60; fs NOTIFICATION 0.
 */
#include <string.h>
#include "virtio.h"
#include "vmm.h"

#define BIT(n) (1ULL << (n))
#define B_STATS BIT(1)
#define B_FPH BIT(3)
#define B_REPORTING BIT(5)
#define ANY_OFFER (~0ULL)	/* what it can offer is not restricted (or not known) */

static const struct vmm vmms[] = {
	/* ACPI OEM ID "BOCHS " (hw/acpi/aml-build.c ACPI_BUILD_APPNAME6) and
	 * SMBIOS/DMI sys_vendor "QEMU" (issue 16; PC machine types; microvm
	 * has the ACPI tables but no SMBIOS); on boards booted from a
	 * devicetree without firmware (-M virt -kernel: neither ACPI nor
	 * SMBIOS), its fw_cfg node's "qemu,fw-cfg-mmio" (hw/arm/virt.c
	 * create_fw_cfg); its virtio-mmio devices' VendorID 0x554d4551,
	 * "QEMU" (hw/virtio/virtio-mmio.c VIRT_VENDOR).  Each seen in the
	 * test bed's guests (tests/vm, QEMU 7.2). */
	{ "qemu", "QEMU", "BOCHS ", "QEMU", "qemu,fw-cfg-mmio", 0x554d4551 },
	/* ACPI OEM ID "FIRECK" (issue 16: this development machine's DSDT);
	 * Firecracker provides no SMBIOS, so no DMI. */
	{ "firecracker", "Firecracker", "FIRECK", NULL, NULL, 0 },
	/* Guest-visible IDs of the following were not read: not detected. */
	{ "cloud-hypervisor", "cloud-hypervisor", NULL, NULL, NULL, 0 },
	{ "crosvm", "crosvm", NULL, NULL, NULL, 0 },
	/* crosvm before commit 4ce4bbc22 (2025-04-16): a separate name, since
	 * its balloon numbered differently (by the driver's ready queues). */
	{ "crosvm-2024", "crosvm (before 2025-04)", NULL, NULL, NULL, 0 },
	{ "libkrun", "libkrun", NULL, NULL, NULL, 0 },
	{ "alioth", "alioth", NULL, NULL, NULL, 0 },
	{ "arcbox", "arcbox", NULL, NULL, NULL, 0 },
};

_Static_assert(sizeof(vmms) / sizeof(vmms[0]) <= VMM_MAX, "VMM_MAX too small");

static const struct vmm_rule rules[] = {
	/* QEMU (qemu/qemu, pbo-linaro/qemu-ci mirror ~Dec 2024)
	 * hw/virtio/virtio-balloon.c virtio_balloon_device_realize():
	 * inflate, deflate, stats always (get_features always adds STATS_VQ);
	 * free_page_vq if free-page-hint=on, reporting_vq if
	 * free-page-reporting=on: by properties, not negotiation. */
	{ "qemu", VQ_ID_BALLOON, VMM_DENSE_OFFERED, B_STATS, B_STATS | B_FPH | B_REPORTING,
	  "~Dec 2024", "hw/virtio/virtio-balloon.c",
	  "stats always; free_page_vq and reporting_vq by properties, packed" },
	/* QEMU hw/net/virtio-net.c virtio_net_set_multiqueue() on
	 * set_features: control queue at 2 x (pairs if MQ or RSS negotiated,
	 * else 1), rebuilt after negotiation (commit 8c49756825da). */
	{ "qemu", 1, VMM_DENSE_NEGOTIATED, 0, ANY_OFFER,
	  "~Dec 2024", "hw/net/virtio-net.c",
	  "control queue last, placed by the negotiated pairs" },
	/* QEMU hw/char/virtio-serial-bus.c: port 0 rx/tx 0,1, control rx/tx
	 * 2,3, then per-port pairs, all from max_ports at realize: the spec's
	 * layout.  When it offers MULTIPORT: not read (unverified). */
	{ "qemu", 3, VMM_SPEC_FIXED, 0, ANY_OFFER,
	  "~Dec 2024", "hw/char/virtio-serial-bus.c",
	  "port 0, control queues 2 and 3, then per-port pairs" },
	/* QEMU hw/virtio/vhost-user-fs.c: hiprio 0 then num-request-queues
	 * request queues from 1; no notification queue (NOTIFICATION is
	 * never offered). */
	{ "qemu", 26, VMM_DENSE_OFFERED, 0, ~BIT(0),
	  "~Dec 2024", "hw/virtio/vhost-user-fs.c",
	  "hiprio 0, request queues from 1; no notification queue" },

	/* Firecracker v1.14 (snapshot 2026-08-21)
	 * src/vmm/src/devices/virtio/balloon/device.rs Balloon::new(),
	 * free_page_hinting_idx() = 2 + stats, free_page_reporting_idx() =
	 * 2 + stats + hinting: the stats queue exists only when statistics
	 * polling is configured (stats_polling_interval_s > 0); hinting (bit
	 * 3, 1a431856d, 2025-10-22) and reporting (bit 5) when enabled. */
	{ "firecracker", VQ_ID_BALLOON, VMM_DENSE_OFFERED, 0, B_STATS | B_FPH | B_REPORTING,
	  "v1.14", "src/vmm/src/devices/virtio/balloon/device.rs",
	  "stats only with statistics polling; hinting, reporting when enabled; packed" },

	/* cloud-hypervisor main (snapshot 2026-08-20)
	 * virtio-devices/src/balloon.rs: inflate, deflate, and reporting if
	 * free_page_reporting is configured: no STATS_VQ, no FREE_PAGE_HINT,
	 * reporting is its third queue (2).  (PR #8603, stats before
	 * reporting, is not in that main.) */
	{ "cloud-hypervisor", VQ_ID_BALLOON, VMM_DENSE_OFFERED, 0, B_REPORTING,
	  "main 2026-08-20", "virtio-devices/src/balloon.rs",
	  "no stats queue, no hinting; reporting is its third queue" },

	/* crosvm (google/crosvm at f1e797a68, 2026-08-21; balloon.rs last
	 * changed by c4e3eb2ec, 2026-06-30) devices/src/virtio/balloon.rs:
	 * Balloon::new() lines 1211-1229 offer MUST_TELL_HOST, STATS_VQ and
	 * DEFLATE_ON_OOM always, PAGE_REPORTING and WS_REPORTING when enabled,
	 * FREE_PAGE_HINT never, and make one queue per advertised feature;
	 * get_queues_from_map() lines 1294-1340 give the feature queues the
	 * indexes from 2 up, in that order, by the *advertised* features
	 * ("Queues whose existence depends on advertised features start at
	 * queue index 2"), since 4ce4bbc22 (2025-04-16, "change vq indexes
	 * based on features": "change crosvm to work like QEMU"). */
	{ "crosvm", VQ_ID_BALLOON, VMM_DENSE_OFFERED, B_STATS, B_STATS | B_REPORTING,
	  "since 4ce4bbc22 (2025-04)", "devices/src/virtio/balloon.rs",
	  "stats always, reporting optional, no hinting; packed by offered features" },
	/* crosvm before 4ce4bbc22 (its parent a54b44046, 2025-04-16)
	 * devices/src/virtio/balloon.rs get_queues_from_map() lines 1277-1315:
	 * each role takes the lowest-numbered queue left of those the driver
	 * made ready (pop_first over virtio_pci_device.rs's q.ready() filter,
	 * "because the Linux virtio drivers only 'allocates' queue indices
	 * that are used"): whatever the driver numbers, as Linux does.  The
	 * spec's constants (STATSQ 2, REPORTING_VQ 4, lines 111-113) only
	 * feed a warn!("expected {name} index {expected_index}, got
	 * {queue_index}") added by a2fa119e7 (2024-07-11): it warned about a
	 * mismatch, it did not number by the spec.  Offered: STATS_VQ always
	 * (new(), line 1209), reporting when enabled, no hinting. */
	{ "crosvm-2024", VQ_ID_BALLOON, VMM_DENSE_NEGOTIATED, B_STATS, B_STATS | B_REPORTING,
	  "before 4ce4bbc22 (2025-04)", "devices/src/virtio/balloon.rs",
	  "the driver's queues in order (pop_first); warns where not the spec's 2, 3, 4" },

	/* libkrun src/devices/src/virtio/balloon/device.rs (issue 16; version
	 * not recorded): fixed constants 0 to 4, offers all three. */
	{ "libkrun", VQ_ID_BALLOON, VMM_SPEC_FIXED, B_STATS | B_FPH | B_REPORTING,
	  B_STATS | B_FPH | B_REPORTING, "unknown version", "src/devices/src/virtio/balloon/device.rs",
	  "the spec's fixed indexes 0 to 4; offers stats, hinting and reporting" },

	/* google/alioth alioth/src/virtio/dev/balloon.rs activate(): roles
	 * from the acked features, in order. */
	{ "alioth", VQ_ID_BALLOON, VMM_DENSE_NEGOTIATED, 0, ANY_OFFER,
	  "snapshot 2026", "alioth/src/virtio/dev/balloon.rs",
	  "roles from the acked features, packed (as Linux)" },
	/* arcboxlabs/arcbox PR #392 (merged 2026-07, HV backend): reporting
	 * index 2 + stats + free-page-hint, from the negotiated features. */
	{ "arcbox", VQ_ID_BALLOON, VMM_DENSE_NEGOTIATED, 0, ANY_OFFER,
	  "PR #392 (2026-07)", "arcboxlabs/arcbox HV backend balloon",
	  "reporting index from the negotiated features (as Linux)" },
};

#define N_VMMS (sizeof(vmms) / sizeof(vmms[0]))
#define N_RULES (sizeof(rules) / sizeof(rules[0]))

const struct vmm *vmm_at(size_t i)
{
	return i < N_VMMS ? &vmms[i] : NULL;
}

size_t vmm_count(void)
{
	return N_VMMS;
}

const struct vmm *vmm_by_name(const char *name)
{
	for (size_t i = 0; name && i < N_VMMS; i++)
		if (!strcmp(vmms[i].name, name))
			return &vmms[i];
	return NULL;
}

int vmm_id(const struct vmm *v)
{
	return v && v >= vmms && v < vmms + N_VMMS ? (int)(v - vmms) : -1;
}

const char *vmm_names(void)
{
	static char buf[256];

	if (!buf[0])
		for (size_t i = 0; i < N_VMMS; i++) {
			if (i)
				strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, vmms[i].name, sizeof(buf) - strlen(buf) - 1);
		}
	return buf;
}

const struct vmm_rule *vmm_rule_for(const struct vmm *v, unsigned int type_id)
{
	for (size_t i = 0; v && i < N_RULES; i++)
		if (rules[i].type_id == type_id && !strcmp(rules[i].vmm, v->name))
			return &rules[i];
	return NULL;
}

const struct vmm_rule *vmm_rule_at(size_t i)
{
	return i < N_RULES ? &rules[i] : NULL;
}

const char *vmm_numbering_name(enum vmm_numbering n)
{
	static const char *const names[] = {
		[VMM_DENSE_OFFERED] = "offered-dense",
		[VMM_SPEC_FIXED] = "spec-fixed",
		[VMM_DENSE_NEGOTIATED] = "negotiated-dense",
	};

	return (size_t)n < sizeof(names) / sizeof(names[0]) ? names[n] : "?";
}

const struct vmm *vmm_by_acpi_oem_id(const char *oem_id, size_t len)
{
	for (size_t i = 0; oem_id && len >= 6 && i < N_VMMS; i++)
		if (vmms[i].acpi_oem_id && !memcmp(vmms[i].acpi_oem_id, oem_id, 6))
			return &vmms[i];
	return NULL;
}

const struct vmm *vmm_by_dmi_sys_vendor(const char *vendor)
{
	size_t len = vendor ? strcspn(vendor, "\n") : 0;

	for (size_t i = 0; len && i < N_VMMS; i++)
		if (vmms[i].dmi_sys_vendor && strlen(vmms[i].dmi_sys_vendor) == len &&
		    !strncmp(vmms[i].dmi_sys_vendor, vendor, len))
			return &vmms[i];
	return NULL;
}

const struct vmm *vmm_by_dt_compatible(const char *compatible, size_t len)
{
	/* each NUL-terminated string of the property */
	for (size_t at = 0; compatible && at < len; at += strnlen(compatible + at, len - at) + 1)
		for (size_t i = 0; i < N_VMMS; i++)
			if (vmms[i].dt_compatible &&
			    strnlen(compatible + at, len - at) == strlen(vmms[i].dt_compatible) &&
			    !strncmp(compatible + at, vmms[i].dt_compatible, len - at))
				return &vmms[i];
	return NULL;
}

const struct vmm *vmm_by_virtio_mmio_vendor(uint32_t vendor)
{
	for (size_t i = 0; vendor && i < N_VMMS; i++)
		if (vmms[i].virtio_mmio_vendor == vendor)
			return &vmms[i];
	return NULL;
}
