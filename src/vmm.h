/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMMs (the device side of a guest's virtio devices) and how each numbers
 * a device type's queues, as data (vmm_tables.c), plus which signs inside a
 * guest name each one.  Pure data plus look-ups; no I/O.
 *
 * A VMM's rule for a device type says which of the layout's rules its
 * device follows (vmm_numbering), which queue-bearing features it always
 * offers and which it can offer at all.  Where a VMM's numbering for a type
 * is not known, the table has no row: vmm_rule_for() returns NULL and
 * nothing is said in its name.
 */
#ifndef VQWATCH_VMM_H
#define VQWATCH_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a VMM's device numbers its queues; each maps onto a layout rule. */
enum vmm_numbering {
	VMM_DENSE_OFFERED,	/* queues made from the offered features, packed */
	VMM_SPEC_FIXED,		/* the spec's fixed indexes; absent queues leave holes */
	VMM_DENSE_NEGOTIATED,	/* roles assigned from the acked features, packed (= Linux) */
};

/* Room for every VMM of the table (static-asserted in vmm_tables.c). */
#define VMM_MAX 16

struct vmm_rule {
	const char *vmm;		/* vmm name: "firecracker" */
	unsigned int type_id;		/* virtio device ID */
	enum vmm_numbering numbering;
	/* Queue-bearing device feature bits (< 64): always offered, and the
	 * ones it can offer at all (an offer outside may_offer is not one
	 * this VMM makes). */
	uint64_t always_offers, may_offer;
	const char *version;		/* "v1.14", "main 2026-08-20" */
	const char *source;		/* the file the row was read from */
	const char *note;		/* one line: what creates which queue */
};

struct vmm {
	const char *name;		/* command line and JSON: "firecracker" */
	const char *title;		/* for people: "Firecracker" */
	/* Signs of it inside a guest, NULL (0) where not known: the ACPI
	 * tables' OEM ID (6 bytes, space padded), DMI sys_vendor, a
	 * devicetree node's compatible string (boards booted without ACPI),
	 * and the VendorID its virtio-mmio devices report. */
	const char *acpi_oem_id;
	const char *dmi_sys_vendor;
	const char *dt_compatible;
	uint32_t virtio_mmio_vendor;
};

const struct vmm *vmm_at(size_t i);		/* iterate; NULL at end */
const struct vmm *vmm_by_name(const char *name);	/* NULL if unknown */
size_t vmm_count(void);
/* The table position of v (for per-VMM arrays), or -1. */
int vmm_id(const struct vmm *v);
const char *vmm_names(void);			/* "qemu, firecracker, ..." */

/* v's rule for a device type, NULL where the table does not know it. */
const struct vmm_rule *vmm_rule_for(const struct vmm *v, unsigned int type_id);
const struct vmm_rule *vmm_rule_at(size_t i);	/* iterate; NULL at end */
const char *vmm_numbering_name(enum vmm_numbering n);	/* "offered-dense", ... */

/* The VMM that an ACPI OEM ID (6 bytes) or DMI sys_vendor (trailing
 * newline ignored) names, or NULL. */
const struct vmm *vmm_by_acpi_oem_id(const char *oem_id, size_t len);
const struct vmm *vmm_by_dmi_sys_vendor(const char *vendor);
/* ... a devicetree compatible property (len bytes: NUL-separated strings,
 * any of which may match), and a virtio-mmio device's vendor ID. */
const struct vmm *vmm_by_dt_compatible(const char *compatible, size_t len);
const struct vmm *vmm_by_virtio_mmio_vendor(uint32_t vendor);

#endif
