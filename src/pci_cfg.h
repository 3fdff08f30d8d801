/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Asking a virtio-pci modern device itself, through its PCI configuration
 * space: the features it offers (all 128 bits), the features its driver
 * accepted, its queue count and its status, and of a balloon the size it
 * asks for (num_pages, the first field of its device configuration).
 *
 * Sysfs shows only the negotiated features and BPF sees the offer only at
 * probe.  The device's common configuration (virtio 1.2, 4.1.4.3) lives in
 * a BAR that a bound driver holds (mapping resourceN fails under strict
 * devmem), but the spec gives every modern device a second door: the PCI
 * configuration access capability (VIRTIO_PCI_CAP_PCI_CFG, 4.1.4.9), a
 * window in config space through which 1, 2 or 4 bytes of any BAR can be
 * read or written.  Root may write the config file in sysfs.
 *
 * What is touched, and why it is safe on a production guest:
 *  - config space: the window's bar, offset and length fields and its data
 *    field, nothing else (the capability list is only read);
 *  - the device, through the window: device_feature_select and
 *    driver_feature_select are written (0..3), device_feature,
 *    driver_feature, num_queues and device_status are read, and a
 *    balloon's num_pages.  No read with a side effect (ISR status is never
 *    pointed at) and the window is left on device_feature_select, harmless
 *    for whoever reads the config file next;
 *  - only while device_status has DRIVER_OK and not FAILED, checked before
 *    every selector write and again at the end (a change discards the
 *    read).  The driver writes the selectors only while negotiating (probe,
 *    restore after a reset), before DRIVER_OK.  What is left: a reset and
 *    renegotiation that begins between vqwatch's status check and its
 *    selector write, a few config accesses (microseconds) wide, could make
 *    that driver read a feature word vqwatch selected.  A reset needs an
 *    unbind, a resume or an error recovery to coincide with the read;
 *    `--no-device-read` turns the read off where even that is too much.
 *  - concurrent vqwatch processes serialise on flock() of the config file.
 *
 * The capability walk and the window protocol run over struct pci_cfg_io,
 * so that they are tested on captured config-space bytes and a simulated
 * device (tests/unit/test_pci_cfg.c); pci_device_read() is the live door.
 */
#ifndef VQWATCH_PCI_CFG_H
#define VQWATCH_PCI_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virtio.h"

/* PCI and virtio-pci constants (PCI 3.0; virtio 1.2, 4.1.4). */
#define PCI_VENDOR_REDHAT_QUMRANET	0x1af4
#define PCI_CFG_HEADER_SIZE		0x40
#define PCI_CFG_SPACE_SIZE		0x100	/* capabilities live below this */
#define PCI_CAP_ID_VNDR			0x09
#define VIRTIO_PCI_CAP_COMMON_CFG	1
#define VIRTIO_PCI_CAP_DEVICE_CFG	4
#define VIRTIO_PCI_CAP_PCI_CFG		5
/* struct virtio_pci_cap: vndr, next, len, cfg_type, bar, id, pad[2],
 * offset le32, length le32; virtio_pci_cfg_cap adds pci_cfg_data[4]. */
#define VIRTIO_PCI_CAP_LEN		16
#define VIRTIO_PCI_CFG_CAP_LEN		20
/* struct virtio_pci_common_cfg offsets */
#define VIRTIO_COMMON_DFSELECT		0x00
#define VIRTIO_COMMON_DF		0x04
#define VIRTIO_COMMON_GFSELECT		0x08
#define VIRTIO_COMMON_GF		0x0c
#define VIRTIO_COMMON_NUMQ		0x12
#define VIRTIO_COMMON_STATUS		0x14
#define VIRTIO_COMMON_MIN_LEN		0x15	/* everything read lies below */
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FAILED		0x80
#define VIRTIO_F_VERSION_1		32
/* PCI device IDs of a balloon: modern (0x1040 + 5) and transitional. */
#define PCI_DEVICE_BALLOON_MODERN	0x1045
#define PCI_DEVICE_BALLOON_TRANSITIONAL	0x1002

/*
 * Access to one PCI function's config space, as pread/pwrite on sysfs's
 * config file: read returns the bytes read (short at the end of what is
 * readable) or -errno; write returns 0 or -errno.
 */
struct pci_cfg_io {
	void *ctx;
	long (*read)(void *ctx, unsigned int off, void *buf, size_t len);
	int (*write)(void *ctx, unsigned int off, const void *buf, size_t len);
};

/* Why a device could not be read; each has a fixed note (pci_read_note). */
enum pci_read_status {
	PCI_READ_OK,
	PCI_READ_NOT_VIRTIO,	/* not a virtio PCI function (vendor, device ID) */
	PCI_READ_NO_CAPS,	/* no capability list: a legacy-only device */
	PCI_READ_TRUNCATED,	/* the config file ended inside the list */
	PCI_READ_LOOP,		/* the list points back into itself */
	PCI_READ_OUT_OF_RANGE,	/* a pointer into the header or past 0xff */
	PCI_READ_MALFORMED,	/* a virtio capability too short, misaligned */
	PCI_READ_NO_COMMON,	/* no usable common configuration capability */
	PCI_READ_NO_WINDOW,	/* no VIRTIO_PCI_CAP_PCI_CFG */
	PCI_READ_NOT_READY,	/* status lacks DRIVER_OK, or has FAILED */
	PCI_READ_CHANGED,	/* status changed during the read: discarded */
	PCI_READ_REFUSED,	/* EPERM/EACCES writing config (lockdown, VMM) */
	PCI_READ_NO_ACCESS,	/* the config file could not be opened for writing */
	PCI_READ_NOT_SYSFS,	/* a fixture tree, not sysfs: never written */
	PCI_READ_IO_ERROR,	/* any other error */
	PCI_READ_STATUS_COUNT,
};

/* Where the capability walk found the structures it needs. */
struct pci_virtio_caps {
	uint8_t common_bar;
	uint32_t common_offset, common_length;
	unsigned int window;	/* config offset of the VIRTIO_PCI_CAP_PCI_CFG cap */
	bool balloon;		/* a balloon with a device configuration to read */
	uint8_t device_bar;
	uint32_t device_offset;
};

/* What the device said. */
struct pci_virtio_regs {
	uint32_t device_feature[4];	/* offered, 32 bits per select value */
	uint32_t driver_feature[4];	/* accepted by the driver */
	uint16_t num_queues;
	uint8_t status;
	bool has_num_pages;	/* a balloon's, read */
	uint32_t num_pages;	/* the balloon size the device asks for, pages */
};

/*
 * Walk the capability list: the first common configuration capability with
 * a valid BAR and the first PCI configuration access capability (and a
 * balloon's first device configuration capability).  Bounded:
 * at most one visit per dword of config space, every pointer checked, no
 * byte read outside [0, 0x100) and nothing read that the io does not
 * return.  Returns PCI_READ_OK or why not.
 */
enum pci_read_status pci_virtio_caps_find(const struct pci_cfg_io *io,
					  struct pci_virtio_caps *caps);

/*
 * Read the registers through the window (only if DRIVER_OK; see the top of
 * this file).  Returns PCI_READ_OK, NOT_READY, CHANGED, REFUSED or
 * IO_ERROR; *err gets the errno of an I/O failure (0 otherwise).
 */
enum pci_read_status pci_virtio_read_regs(const struct pci_cfg_io *io,
					  const struct pci_virtio_caps *caps,
					  struct pci_virtio_regs *regs, int *err);

/* 128-bit masks from the registers' four 32-bit words. */
void pci_regs_offered(const struct pci_virtio_regs *regs, struct vq_features *out);
void pci_regs_accepted(const struct pci_virtio_regs *regs, struct vq_features *out);

/* One sentence: why the device's offer is unknown (never NULL). */
const char *pci_read_note(enum pci_read_status st);

/* "ok", "refused", ...: the status in a recording; NULL if out of range. */
const char *pci_read_status_name(enum pci_read_status st);

/*
 * A recording of one device's answer, so that a capture tree replays it
 * (`audit --root`).  Text, one "key value..." line each:
 *   result ok|<status name>
 *   status 0x0f
 *   device_feature 0x3000003a 0x00000101 0x00000000 0x00000000
 *   driver_feature 0x2000002a 0x00000101 0x00000000 0x00000000
 *   num_queues 5
 *   num_pages 54272        (a balloon's; absent for other devices)
 * Registers are written for every result (zero when not read).
 * Format returns false when buf is too small; parse returns false when the
 * text is malformed (unknown key or result, missing result, bad number).
 */
bool pci_record_format(enum pci_read_status st, const struct pci_virtio_regs *regs,
		       char *buf, size_t len);
bool pci_record_parse(const char *text, enum pci_read_status *st, struct pci_virtio_regs *regs);

/*
 * The live door: the PCI function at pci_dir (a sysfs directory such as
 * /sys/devices/pci0000:00/0000:00:03.0).  Opens its config file read-write
 * (root), refuses any file that is not on sysfs, takes an exclusive flock,
 * walks the capabilities and reads.  Never fails the caller: the status
 * says what happened.
 */
enum pci_read_status pci_device_read(const char *pci_dir, struct pci_virtio_regs *regs);

#endif
