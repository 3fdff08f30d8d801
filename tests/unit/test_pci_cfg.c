// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/pci_cfg.c: the capability walk on captured config-space
 * bytes (and on malformed ones: a loop, pointers out of range, truncated
 * files, short capabilities, random bytes), and the window protocol against
 * a simulated virtio-pci modern device that checks every access.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci_cfg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * /sys/bus/pci/devices/0000:00:01.0/config of the development machine
 * (Firecracker, virtio-balloon, 1af4:1045), read as root: common config
 * (cfg_type 1) at 0x40 (BAR 0, offset 0, length 0x38), ISR at 0x50,
 * device config at 0x60, notify at 0x70, the access window (cfg_type 5)
 * at 0x84, MSI-X at 0x98.
 */
static const uint8_t firecracker_balloon[256] = {
	0xf4, 0x1a, 0x45, 0x10, 0x06, 0x04, 0x10, 0x00, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x45, 0x10,
	0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x50, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00,
	0x09, 0x60, 0x10, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	0x09, 0x70, 0x10, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x09, 0x84, 0x14, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x09, 0x98, 0x14, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x00, 0x04, 0x80, 0x00, 0x80, 0x00, 0x00,
	0x00, 0x80, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};

/*
 * The same file of a QEMU 7.2 virtio-balloon-pci (transitional, 1af4:1002,
 * free-page-hint=on,free-page-reporting=on, no MSI-X) in a 6.12 guest, read
 * after vqwatch had asked it: QEMU lists the capabilities in reverse, the
 * window (cfg_type 5) first at 0x84, the common config (BAR 4, offset 0,
 * length 0x1000) last at 0x40; the window still aims at
 * device_feature_select (offset 0, length 4; its data, 3, is the last
 * select value written).
 */
static const uint8_t qemu_balloon[256] = {
	0xf4, 0x1a, 0x02, 0x10, 0x07, 0x01, 0x10, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x81, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x0c, 0x00, 0xbf, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf4, 0x1a, 0x05, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x01, 0x00, 0x00,
	0x09, 0x00, 0x10, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x09, 0x40, 0x10, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x09, 0x50, 0x10, 0x04, 0x04, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x09, 0x60, 0x14, 0x02, 0x04, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x09, 0x70, 0x14, 0x05, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00
};

/* A simulated device behind a config file. */
struct sim {
	uint8_t cfg[256];
	size_t len;			/* readable bytes (a truncated file) */
	unsigned int win;		/* where the window is (0: none) */
	uint8_t bar;			/* the common config's BAR */
	uint32_t common;		/* common config offset in its BAR */
	uint32_t device;		/* device config offset (same BAR), 0: none */
	uint32_t num_pages;		/* a balloon's, at the device config's start */
	uint32_t dfselect, gfselect, df[4], gf[4];
	uint16_t numq;
	uint8_t status;
	int write_errno;		/* every write fails with it */
	int change_status_after;	/* BAR accesses until status changes, 0: never */
	unsigned int bar_accesses, cfg_writes, cfg_reads, device_accesses;
	char bad[160];			/* the first forbidden access */
};

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void bad(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	if (s->bad[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->bad, sizeof(s->bad), fmt, ap);
	va_end(ap);
}

static bool overlaps(unsigned int off, size_t len, unsigned int start, size_t n)
{
	return off < start + n && start < off + len;
}

/* The device executes an access at the window's offset (as QEMU does). */
static void bar_access(struct sim *s, bool write)
{
	uint8_t *data = s->cfg + s->win + 16;
	uint32_t off = get_le32(s->cfg + s->win + 8), len = get_le32(s->cfg + s->win + 12);
	uint32_t reg, val = get_le32(data);

	s->bar_accesses++;
	if (s->change_status_after && s->bar_accesses == (unsigned int)s->change_status_after)
		s->status = 0;	/* a reset */
	if (s->cfg[s->win + 4] != s->bar)
		bad(s, "window bar %u", s->cfg[s->win + 4]);
	if ((len != 1 && len != 2 && len != 4) || off % len)
		return bad(s, "window access offset %u length %u", off, len);
	if (s->device && off >= s->device) {	/* the device configuration */
		s->device_accesses++;
		if (write || off != s->device || len != 4)
			return bad(s, "device config %s at %u length %u", write ? "write" : "read",
				   off - s->device, len);
		memcpy(data, &(uint8_t[4]){ (uint8_t)s->num_pages, (uint8_t)(s->num_pages >> 8),
					    (uint8_t)(s->num_pages >> 16),
					    (uint8_t)(s->num_pages >> 24) }, 4);
		return;
	}
	if (off < s->common)
		return bad(s, "window below common config: %u", off);
	reg = off - s->common;
	if (write) {
		if (reg == VIRTIO_COMMON_DFSELECT && len == 4)
			s->dfselect = val;
		else if (reg == VIRTIO_COMMON_GFSELECT && len == 4)
			s->gfselect = val;
		else
			bad(s, "write of register %#x length %u", reg, len);
		return;
	}
	switch (reg) {
	case VIRTIO_COMMON_DFSELECT: val = s->dfselect; break;
	case VIRTIO_COMMON_DF: val = s->dfselect < 4 ? s->df[s->dfselect] : 0; break;
	case VIRTIO_COMMON_GFSELECT: val = s->gfselect; break;
	case VIRTIO_COMMON_GF: val = s->gfselect < 4 ? s->gf[s->gfselect] : 0; break;
	case VIRTIO_COMMON_NUMQ: val = s->numq; break;
	case VIRTIO_COMMON_STATUS: val = s->status; break;
	default: return bad(s, "read of register %#x", reg);
	}
	if ((reg == VIRTIO_COMMON_NUMQ && len != 2) || (reg == VIRTIO_COMMON_STATUS && len != 1) ||
	    (reg < VIRTIO_COMMON_NUMQ && len != 4))
		bad(s, "register %#x read with length %u", reg, len);
	memset(data, 0, 4);
	for (uint32_t i = 0; i < len; i++)
		data[i] = (uint8_t)(val >> (8 * i));
}

static long sim_read(void *ctx, unsigned int off, void *buf, size_t len)
{
	struct sim *s = ctx;
	size_t n;

	s->cfg_reads++;
	if (off + len > sizeof(s->cfg)) {
		bad(s, "config read at %#x length %zu", off, len);
		return -EINVAL;
	}
	if (s->win && overlaps(off, len, s->win + 16, 4))
		bar_access(s, false);
	if (off >= s->len)
		return 0;
	n = len < s->len - off ? len : s->len - off;
	memcpy(buf, s->cfg + off, n);
	return (long)n;
}

static int sim_write(void *ctx, unsigned int off, const void *buf, size_t len)
{
	struct sim *s = ctx;

	s->cfg_writes++;
	if (s->write_errno)
		return -s->write_errno;
	if (!s->win || off < s->win + 4 || off + len > s->win + 20) {
		bad(s, "config write outside the window's fields at %#x length %zu", off, len);
		return -EINVAL;
	}
	if (overlaps(off, len, s->win + 5, 3))
		bad(s, "write to the window's id/padding");
	memcpy(s->cfg + off, buf, len);
	if (overlaps(off, len, s->win + 16, 4))
		bar_access(s, true);
	return 0;
}

/* A balloon with free-page-hint and free-page-reporting under QEMU 7.2,
 * as TESTBED.md read it: offered 0x1013000003a, accepted 0x1012000002a. */
static void sim_init(struct sim *s, const uint8_t *cfg)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->cfg, cfg, sizeof(s->cfg));
	s->len = sizeof(s->cfg);
	s->win = 0x84;
	s->bar = cfg == qemu_balloon ? 4 : 0;
	s->common = 0;
	s->device = cfg == qemu_balloon ? 0x2000 : 0x4000;	/* their device config caps */
	s->num_pages = 54272;	/* 212 MiB in the balloon */
	s->df[0] = 0x3000003a;
	s->df[1] = 0x101;
	s->gf[0] = 0x2000002a;
	s->gf[1] = 0x101;
	s->numq = 5;
	s->status = 0x0f;
	s->dfselect = 7;	/* whatever was there */
	s->gfselect = 7;
}

static struct pci_cfg_io sim_io(struct sim *s)
{
	return (struct pci_cfg_io){ .ctx = s, .read = sim_read, .write = sim_write };
}

#define assert_no_bad(s) do { if ((s)->bad[0]) fail_msg("forbidden access: %s", (s)->bad); } while (0)

static void test_caps_firecracker(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;

	(void)state;
	sim_init(&s, firecracker_balloon);
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(caps.common_bar, 0);
	assert_int_equal(caps.common_offset, 0);
	assert_int_equal(caps.common_length, 0x38);
	assert_int_equal(caps.window, 0x84);
	assert_true(caps.balloon);
	assert_int_equal(caps.device_bar, 0);
	assert_int_equal(caps.device_offset, 0x4000);
	assert_int_equal(s.cfg_writes, 0);
	/* the walk never reads the window's data (that would touch the BAR) */
	assert_int_equal(s.bar_accesses, 0);
	assert_no_bad(&s);
}

static void test_caps_qemu(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	struct vq_features f;
	int err;

	(void)state;
	sim_init(&s, qemu_balloon);
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(caps.common_bar, 4);
	assert_int_equal(caps.common_offset, 0);
	assert_int_equal(caps.common_length, 0x1000);
	assert_int_equal(caps.window, 0x84);
	assert_true(caps.balloon);
	assert_int_equal(caps.device_bar, 4);
	assert_int_equal(caps.device_offset, 0x2000);
	assert_int_equal(s.bar_accesses, 0);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_OK);
	assert_no_bad(&s);
	pci_regs_offered(&regs, &f);
	assert_true(f.word[0] == 0x1013000003aULL);
	assert_int_equal(regs.num_queues, 5);
	assert_true(regs.has_num_pages);
	assert_int_equal(regs.num_pages, 54272);
	/* the window ends where this capture found it */
	assert_memory_equal(s.cfg + 0x84, qemu_balloon + 0x84, 16);
}

static void test_read_regs(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	struct vq_features f;
	int err = -1;

	(void)state;
	sim_init(&s, firecracker_balloon);
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_OK);
	assert_int_equal(err, 0);
	assert_no_bad(&s);
	assert_int_equal(regs.status, 0x0f);
	assert_int_equal(regs.num_queues, 5);
	assert_true(regs.has_num_pages);
	assert_int_equal(regs.num_pages, 54272);
	pci_regs_offered(&regs, &f);
	assert_true(f.word[0] == 0x1013000003aULL && f.word[1] == 0);
	pci_regs_accepted(&regs, &f);
	assert_true(f.word[0] == 0x1012000002aULL && f.word[1] == 0);
	/* the window is left on device_feature_select, 4 bytes */
	assert_int_equal(get_le32(s.cfg + 0x84 + 8), VIRTIO_COMMON_DFSELECT);
	assert_int_equal(get_le32(s.cfg + 0x84 + 12), 4);
	/* nothing outside the window changed */
	assert_memory_equal(s.cfg, firecracker_balloon, 0x84 + 4);
	assert_memory_equal(s.cfg + 0x84 + 20, firecracker_balloon + 0x84 + 20, 256 - 0x84 - 20);
}

/* Another device (the same capture as a virtio-rng, 1af4:1044): its device
 * configuration is never pointed at, and no num_pages is said. */
static void test_other_device_no_device_config(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	int err;

	(void)state;
	sim_init(&s, firecracker_balloon);
	s.cfg[2] = 0x44;
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_false(caps.balloon);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_OK);
	assert_no_bad(&s);
	assert_int_equal(s.device_accesses, 0);
	assert_false(regs.has_num_pages);
}

static void test_read_regs_128_bits(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	struct vq_features f;
	int err;

	(void)state;
	sim_init(&s, firecracker_balloon);
	s.df[2] = 0x80000001;
	s.df[3] = 0x00010000;
	s.gf[2] = 0x1;
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_OK);
	pci_regs_offered(&regs, &f);
	assert_true(f.word[1] == 0x0001000080000001ULL);
	assert_true(features_has(&f, 64) && features_has(&f, 95) && features_has(&f, 112));
	pci_regs_accepted(&regs, &f);
	assert_true(f.word[1] == 1);
}

/* This development machine: config writes refused with EPERM. */
static void test_write_refused(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	int err = 0;

	(void)state;
	sim_init(&s, firecracker_balloon);
	s.write_errno = EPERM;
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_REFUSED);
	assert_int_equal(err, EPERM);
	assert_int_equal(s.cfg_writes, 1);	/* gave up at the first refusal */
	assert_memory_equal(s.cfg, firecracker_balloon, sizeof(s.cfg));
	s.write_errno = EACCES;
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_REFUSED);
	s.write_errno = EIO;
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_IO_ERROR);
	assert_int_equal(err, EIO);
}

/* Without DRIVER_OK (or with FAILED) no selector is written. */
static void test_not_ready(void **state)
{
	static const uint8_t statuses[] = { 0x00, 0x01, 0x03, 0x0b, 0x8f, 0x4b };
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	int err;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		sim_init(&s, firecracker_balloon);
		s.status = statuses[i];
		io = sim_io(&s);
		assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
		assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_NOT_READY);
		assert_int_equal(s.dfselect, 7);
		assert_int_equal(s.gfselect, 7);
		assert_int_equal(regs.num_queues, 0);
		assert_int_equal(regs.status, statuses[i]);
		assert_no_bad(&s);
	}
}

/* A reset at any point of the read discards it. */
static void test_status_changes(void **state)
{
	struct sim s;
	struct pci_cfg_io io;
	struct pci_virtio_caps caps;
	struct pci_virtio_regs regs;
	unsigned int total;
	int err;

	(void)state;
	sim_init(&s, firecracker_balloon);
	io = sim_io(&s);
	assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
	assert_int_equal(pci_virtio_read_regs(&io, &caps, &regs, &err), PCI_READ_OK);
	total = s.bar_accesses;
	for (unsigned int after = 2; after < total; after++) {
		sim_init(&s, firecracker_balloon);
		s.change_status_after = (int)after;
		io = sim_io(&s);
		assert_int_equal(pci_virtio_caps_find(&io, &caps), PCI_READ_OK);
		if (pci_virtio_read_regs(&io, &caps, &regs, &err) != PCI_READ_CHANGED)
			fail_msg("a reset at BAR access %u of %u was not noticed", after, total);
		assert_int_equal(regs.num_queues, 0);
		assert_int_equal(regs.device_feature[0], 0);
		assert_no_bad(&s);
	}
}

/* Walk results on edited copies of the captured bytes. */
struct walk_case {
	const char *what;
	size_t len;			/* readable bytes, 0: all */
	struct { unsigned int off; uint8_t val; } edits[4];
	enum pci_read_status expect;
};

static void test_malformed(void **state)
{
	static const struct walk_case cases[] = {
		{ "as captured", 0, { { 0, 0 } }, PCI_READ_OK },
		{ "loop onto itself", 0, { { 0x51, 0x50 } }, PCI_READ_LOOP },
		{ "loop back to the first", 0, { { 0x61, 0x40 } }, PCI_READ_LOOP },
		{ "pointer into the header", 0, { { 0x51, 0x3c } }, PCI_READ_OUT_OF_RANGE },
		{ "first pointer into the header", 0, { { 0x34, 0x10 } }, PCI_READ_OUT_OF_RANGE },
		{ "reserved pointer bits ignored", 0, { { 0x34, 0x43 } }, PCI_READ_OK },
		{ "file ends in the header", 0x20, { { 0, 0 } }, PCI_READ_TRUNCATED },
		{ "file ends at 64 bytes (not root)", 0x40, { { 0, 0 } }, PCI_READ_TRUNCATED },
		{ "file ends inside a capability", 0x48, { { 0, 0 } }, PCI_READ_TRUNCATED },
		{ "file ends before the window", 0x80, { { 0, 0 } }, PCI_READ_TRUNCATED },
		{ "vendor cap too short", 0, { { 0x62, 8 } }, PCI_READ_MALFORMED },
		{ "vendor cap past 0x100", 0, { { 0x62, 0xf0 } }, PCI_READ_MALFORMED },
		{ "vendor cap header past 0x100", 0,
		  { { 0x71, 0xf8 }, { 0xf8, 0x09 } }, PCI_READ_MALFORMED },
		{ "window too short", 0, { { 0x86, 16 } }, PCI_READ_MALFORMED },
		{ "no capability list bit", 0, { { 0x06, 0x00 } }, PCI_READ_NO_CAPS },
		{ "null capability pointer", 0, { { 0x34, 0x00 } }, PCI_READ_NO_CAPS },
		{ "not Red Hat's vendor ID", 0, { { 0x00, 0x86 }, { 0x01, 0x80 } }, PCI_READ_NOT_VIRTIO },
		{ "device ID out of the virtio range", 0, { { 0x03, 0x20 } }, PCI_READ_NOT_VIRTIO },
		{ "no window (list ends before it)", 0, { { 0x71, 0x00 } }, PCI_READ_NO_WINDOW },
		{ "window is another type", 0, { { 0x87, 0x02 } }, PCI_READ_NO_WINDOW },
		{ "common config in a reserved BAR", 0, { { 0x44, 6 } }, PCI_READ_NO_COMMON },
		{ "common config too short", 0, { { 0x4c, 0x10 } }, PCI_READ_NO_COMMON },
		{ "common config misaligned", 0, { { 0x48, 0x02 } }, PCI_READ_NO_COMMON },
		{ "no virtio capability", 0, { { 0x34, 0x98 } }, PCI_READ_NO_COMMON },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct walk_case *c = &cases[i];
		struct pci_virtio_caps caps;
		struct pci_cfg_io io;
		enum pci_read_status st;
		struct sim s;

		sim_init(&s, firecracker_balloon);
		s.win = 0;	/* a read of the data field would be a BAR access */
		if (c->len)
			s.len = c->len;
		for (size_t k = 0; k < ARRAY_SIZE(c->edits) && (c->edits[k].off || k == 0); k++)
			if (c->edits[k].off || c->edits[k].val)
				s.cfg[c->edits[k].off] = c->edits[k].val;
		io = sim_io(&s);
		st = pci_virtio_caps_find(&io, &caps);
		if (st != c->expect)
			fail_msg("%s: status %d (%s), expected %d", c->what, st, pci_read_note(st),
				 c->expect);
		assert_int_equal(s.cfg_writes, 0);
		if (s.cfg_reads > 2 + 256 / 4)
			fail_msg("%s: %u reads", c->what, s.cfg_reads);
		assert_no_bad(&s);
	}
}

/* Random config spaces: every walk ends, in bounds, and never writes. */
static void test_random_bytes(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		struct pci_virtio_caps caps;
		struct pci_cfg_io io;
		struct sim s;

		sim_init(&s, firecracker_balloon);
		s.win = 0;
		/* mutate a few bytes of the capability area, or fill it */
		for (int k = 0; k < (round % 7 == 0 ? 192 : 1 + round % 5); k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s.cfg[round % 7 == 0 ? (uint64_t)(0x40 + k) : 0x34 + (x >> 8) % (256 - 0x34)] = (uint8_t)x;
		}
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		s.len = round % 3 ? 256 : (size_t)(x % 257);
		io = sim_io(&s);
		(void)pci_virtio_caps_find(&io, &caps);
		assert_int_equal(s.cfg_writes, 0);
		assert_true(s.cfg_reads <= 2 + 2 * 256 / 4);
		assert_no_bad(&s);
	}
}

static void test_notes(void **state)
{
	(void)state;
	for (int i = 0; i < PCI_READ_STATUS_COUNT; i++) {
		const char *n = pci_read_note((enum pci_read_status)i);

		assert_non_null(n);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(n, pci_read_note((enum pci_read_status)k));
		/* every reason to step aside says what else shows the offer */
		if (i != PCI_READ_OK)
			assert_non_null(strstr(n, "trace"));
	}
	assert_non_null(pci_read_note(PCI_READ_STATUS_COUNT));
}

/* A recording replays exactly what was read, whatever the result. */
static void test_record_round_trip(void **state)
{
	struct pci_virtio_regs regs = {
		.device_feature = { 0x3000003a, 0x101, 0x80000000, 0xffffffff },
		.driver_feature = { 0x2000002a, 0x101, 0, 1 },
		.num_queues = 65535, .status = 0x8f,
	}, back;
	enum pci_read_status st;
	char text[512];

	(void)state;
	for (int i = 0; i < PCI_READ_STATUS_COUNT; i++) {
		assert_true(pci_record_format((enum pci_read_status)i, &regs, text, sizeof(text)));
		assert_true(pci_record_parse(text, &st, &back));
		assert_int_equal(st, i);
		/* field by field: the struct has padding */
		assert_memory_equal(back.device_feature, regs.device_feature,
				    sizeof(regs.device_feature));
		assert_memory_equal(back.driver_feature, regs.driver_feature,
				    sizeof(regs.driver_feature));
		assert_int_equal(back.num_queues, regs.num_queues);
		assert_int_equal(back.status, regs.status);
		assert_false(back.has_num_pages);
	}
	/* a balloon's num_pages, when read */
	regs.has_num_pages = true;
	regs.num_pages = 4294967295u;
	assert_true(pci_record_format(PCI_READ_OK, &regs, text, sizeof(text)));
	assert_non_null(strstr(text, "num_pages 4294967295\n"));
	assert_true(pci_record_parse(text, &st, &back));
	assert_true(back.has_num_pages);
	assert_int_equal(back.num_pages, 4294967295u);
	assert_false(pci_record_format(PCI_READ_STATUS_COUNT, &regs, text, sizeof(text)));
	assert_false(pci_record_format(PCI_READ_OK, &regs, text, 40));
	/* just the result is enough: the registers are zero */
	assert_true(pci_record_parse("result refused\n", &st, &back));
	assert_int_equal(st, PCI_READ_REFUSED);
	assert_int_equal(back.num_queues, 0);
}

static void test_record_malformed(void **state)
{
	static const char *const bad_records[] = {
		"",
		"status 0x0f\n",				/* no result */
		"result fine\n",				/* unknown result */
		"result\n",
		"result ok extra\n",
		"result ok\nstatus 0x100\n",			/* over 8 bits */
		"result ok\nnum_queues 65536\n",		/* over 16 bits */
		"result ok\nnum_queues -1\n",
		"result ok\nnum_queues 5x\n",
		"result ok\ndevice_feature 0x1 0x2 0x3\n",	/* three words */
		"result ok\ndevice_feature 0x1 0x2 0x3 0x100000000\n",
		"result ok\nfeatures 0x1\n",			/* unknown key */
	};
	struct pci_virtio_regs regs;
	enum pci_read_status st;
	char longline[400];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_records); i++)
		if (pci_record_parse(bad_records[i], &st, &regs))
			fail_msg("accepted malformed record %zu: \"%s\"", i, bad_records[i]);
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	assert_false(pci_record_parse(longline, &st, &regs));
}

/* The live door never writes a file that is not sysfs's. */
static void test_live_refuses_fixture(void **state)
{
	char dir[] = "/tmp/vqwatch-pcicfg.XXXXXX", path[64];
	struct pci_virtio_regs regs;
	uint8_t back[256];
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	assert_int_equal(pci_device_read(dir, &regs), PCI_READ_NOT_SYSFS);	/* no file */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(firecracker_balloon, 1, 256, f), 256);
	fclose(f);
	assert_int_equal(pci_device_read(dir, &regs), PCI_READ_NOT_SYSFS);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(back, 1, 256, f), 256);
	fclose(f);
	assert_memory_equal(back, firecracker_balloon, 256);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_caps_firecracker),
		cmocka_unit_test(test_caps_qemu),
		cmocka_unit_test(test_read_regs),
		cmocka_unit_test(test_other_device_no_device_config),
		cmocka_unit_test(test_read_regs_128_bits),
		cmocka_unit_test(test_write_refused),
		cmocka_unit_test(test_not_ready),
		cmocka_unit_test(test_status_changes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_record_malformed),
		cmocka_unit_test(test_live_refuses_fixture),
	};

	return cmocka_run_group_tests_name("pci config window", tests, NULL, NULL);
}
