// SPDX-License-Identifier: GPL-2.0
/*
 * The device's own answer, through the virtio-pci configuration access
 * window (pci_cfg.h says what is touched and why it is safe).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/vfs.h>
#include <unistd.h>
#include "pci_cfg.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Read exactly len bytes at off within config space; a short read means
 * the file ended there. */
static enum pci_read_status cfg_read(const struct pci_cfg_io *io, unsigned int off,
				     void *buf, size_t len)
{
	long n;

	if (off > PCI_CFG_SPACE_SIZE || len > PCI_CFG_SPACE_SIZE - off)
		return PCI_READ_OUT_OF_RANGE;
	n = io->read(io->ctx, off, buf, len);
	if (n < 0)
		return PCI_READ_IO_ERROR;
	return (size_t)n == len ? PCI_READ_OK : PCI_READ_TRUNCATED;
}

enum pci_read_status pci_virtio_caps_find(const struct pci_cfg_io *io,
					  struct pci_virtio_caps *caps)
{
	bool visited[PCI_CFG_SPACE_SIZE / 4] = { false };
	bool have_common = false, have_window = false, have_device = false, want_device;
	uint8_t hdr[PCI_CFG_HEADER_SIZE];
	enum pci_read_status st;
	unsigned int pos;
	uint16_t device;

	memset(caps, 0, sizeof(*caps));
	st = cfg_read(io, 0, hdr, sizeof(hdr));
	if (st)
		return st;
	device = le16(hdr + 0x02);
	if (le16(hdr) != PCI_VENDOR_REDHAT_QUMRANET || device < 0x1000 || device > 0x107f)
		return PCI_READ_NOT_VIRTIO;
	/* only a balloon's device configuration is read (num_pages) */
	want_device = device == PCI_DEVICE_BALLOON_MODERN ||
		      device == PCI_DEVICE_BALLOON_TRANSITIONAL;
	if (!(le16(hdr + 0x06) & 0x10))	/* status: capabilities list */
		return PCI_READ_NO_CAPS;
	/* The low two bits of every pointer are reserved (PCI 3.0, 6.7). */
	pos = hdr[0x34] & 0xfc;
	if (!pos)
		return PCI_READ_NO_CAPS;
	while (pos) {
		uint8_t cap[VIRTIO_PCI_CAP_LEN];
		uint32_t offset, length;

		if (pos < PCI_CFG_HEADER_SIZE)
			return PCI_READ_OUT_OF_RANGE;
		if (visited[pos / 4])
			return PCI_READ_LOOP;
		visited[pos / 4] = true;
		st = cfg_read(io, pos, cap, 2);
		if (st)
			return st;
		if (cap[0] != PCI_CAP_ID_VNDR)
			goto next;
		/* A virtio capability: struct virtio_pci_cap, within 0x100. */
		if (pos + VIRTIO_PCI_CAP_LEN > PCI_CFG_SPACE_SIZE)
			return PCI_READ_MALFORMED;
		st = cfg_read(io, pos, cap, sizeof(cap));
		if (st)
			return st;
		if (cap[2] < VIRTIO_PCI_CAP_LEN || pos + cap[2] > PCI_CFG_SPACE_SIZE)
			return PCI_READ_MALFORMED;
		offset = le32(cap + 8);
		length = le32(cap + 12);
		if (cap[3] == VIRTIO_PCI_CAP_COMMON_CFG && !have_common) {
			/* The spec: ignore BAR values it reserves (and a
			 * structure this reader could not use). */
			if (cap[4] <= 5 && offset % 4 == 0 && length >= VIRTIO_COMMON_MIN_LEN &&
			    offset <= UINT32_MAX - VIRTIO_COMMON_MIN_LEN) {
				caps->common_bar = cap[4];
				caps->common_offset = offset;
				caps->common_length = length;
				have_common = true;
			}
		} else if (cap[3] == VIRTIO_PCI_CAP_PCI_CFG && !have_window) {
			if (cap[2] < VIRTIO_PCI_CFG_CAP_LEN)
				return PCI_READ_MALFORMED;
			caps->window = pos;
			have_window = true;
		} else if (cap[3] == VIRTIO_PCI_CAP_DEVICE_CFG && want_device && !have_device) {
			/* num_pages: 4 bytes at its start */
			if (cap[4] <= 5 && offset % 4 == 0 && length >= 4 &&
			    offset <= UINT32_MAX - 4) {
				caps->balloon = true;
				caps->device_bar = cap[4];
				caps->device_offset = offset;
			}
			have_device = true;
		}
		if (have_common && have_window && (have_device || !want_device))
			return PCI_READ_OK;
next:
		pos = cap[1] & 0xfc;
	}
	if (have_common && have_window)
		return PCI_READ_OK;	/* a balloon without device configuration */
	return have_common ? PCI_READ_NO_WINDOW : PCI_READ_NO_COMMON;
}

static enum pci_read_status io_errno(int rc, int *err)
{
	*err = -rc;
	return rc == -EPERM || rc == -EACCES ? PCI_READ_REFUSED : PCI_READ_IO_ERROR;
}

/* Point the window at offset off of BAR bar, width bytes. */
static enum pci_read_status window_aim_at(const struct pci_cfg_io *io,
					  const struct pci_virtio_caps *caps, uint8_t bar,
					  uint32_t off, unsigned int width, int *err)
{
	uint8_t b[8];
	int rc;

	b[0] = bar;
	rc = io->write(io->ctx, caps->window + 4, b, 1);
	if (rc)
		return io_errno(rc, err);
	put_le32(b, off);
	put_le32(b + 4, width);
	rc = io->write(io->ctx, caps->window + 8, b, 8);
	return rc ? io_errno(rc, err) : PCI_READ_OK;
}

/* Point the window at common configuration register reg, width bytes. */
static enum pci_read_status window_aim(const struct pci_cfg_io *io,
				       const struct pci_virtio_caps *caps,
				       unsigned int reg, unsigned int width, int *err)
{
	return window_aim_at(io, caps, caps->common_bar, caps->common_offset + reg, width, err);
}

/* Read what the window points at. */
static enum pci_read_status window_data(const struct pci_cfg_io *io,
					const struct pci_virtio_caps *caps,
					unsigned int width, uint32_t *val, int *err)
{
	uint8_t b[4] = { 0 };
	long n;

	n = io->read(io->ctx, caps->window + 16, b, width);
	if (n < 0)
		return io_errno((int)n, err);
	if (n != (long)width) {
		*err = EIO;
		return PCI_READ_IO_ERROR;
	}
	*val = le32(b);
	return PCI_READ_OK;
}

static enum pci_read_status window_read(const struct pci_cfg_io *io,
					const struct pci_virtio_caps *caps,
					unsigned int reg, unsigned int width, uint32_t *val,
					int *err)
{
	enum pci_read_status st = window_aim(io, caps, reg, width, err);

	return st ? st : window_data(io, caps, width, val, err);
}

static enum pci_read_status window_write32(const struct pci_cfg_io *io,
					   const struct pci_virtio_caps *caps,
					   unsigned int reg, uint32_t val, int *err)
{
	enum pci_read_status st = window_aim(io, caps, reg, 4, err);
	uint8_t b[4];
	int rc;

	if (st)
		return st;
	put_le32(b, val);
	rc = io->write(io->ctx, caps->window + 16, b, 4);
	return rc ? io_errno(rc, err) : PCI_READ_OK;
}

/* The status again: unchanged since the first look, else stop. */
static enum pci_read_status status_still(const struct pci_cfg_io *io,
					 const struct pci_virtio_caps *caps,
					 uint8_t first, int *err)
{
	uint32_t v;
	enum pci_read_status st = window_read(io, caps, VIRTIO_COMMON_STATUS, 1, &v, err);

	if (st)
		return st;
	return (uint8_t)v == first ? PCI_READ_OK : PCI_READ_CHANGED;
}

/* One feature word: status check, select, read. */
static enum pci_read_status feature_word(const struct pci_cfg_io *io,
					 const struct pci_virtio_caps *caps, uint8_t status,
					 unsigned int select_reg, unsigned int word,
					 uint32_t *val, int *err)
{
	enum pci_read_status st = status_still(io, caps, status, err);

	if (!st)
		st = window_write32(io, caps, select_reg, word, err);
	if (!st)
		st = window_read(io, caps, select_reg + 4, 4, val, err);
	return st;
}

enum pci_read_status pci_virtio_read_regs(const struct pci_cfg_io *io,
					  const struct pci_virtio_caps *caps,
					  struct pci_virtio_regs *regs, int *err)
{
	enum pci_read_status st;
	uint32_t v;

	*err = 0;
	memset(regs, 0, sizeof(*regs));
	st = window_read(io, caps, VIRTIO_COMMON_STATUS, 1, &v, err);
	if (st)
		return st;
	regs->status = (uint8_t)v;
	if (!(regs->status & VIRTIO_STATUS_DRIVER_OK) || (regs->status & VIRTIO_STATUS_FAILED))
		return PCI_READ_NOT_READY;
	for (unsigned int w = 0; w < 4 && !st; w++)
		st = feature_word(io, caps, regs->status, VIRTIO_COMMON_DFSELECT, w,
				  &regs->device_feature[w], err);
	for (unsigned int w = 0; w < 4 && !st; w++)
		st = feature_word(io, caps, regs->status, VIRTIO_COMMON_GFSELECT, w,
				  &regs->driver_feature[w], err);
	if (!st)
		st = window_read(io, caps, VIRTIO_COMMON_NUMQ, 2, &v, err);
	if (!st)
		regs->num_queues = (uint16_t)v;
	if (!st && caps->balloon) {	/* le32 num_pages at the device config's start */
		st = window_aim_at(io, caps, caps->device_bar, caps->device_offset, 4, err);
		if (!st)
			st = window_data(io, caps, 4, &v, err);
		regs->num_pages = v;
		regs->has_num_pages = !st;
	}
	if (!st)
		st = status_still(io, caps, regs->status, err);
	/* Leave the window on device_feature_select: reading the config file
	 * (lspci -xxx, a capture) then reads a register without side effects. */
	if (st != PCI_READ_REFUSED) {
		int ignored;

		window_aim(io, caps, VIRTIO_COMMON_DFSELECT, 4, &ignored);
	}
	if (st) {
		uint8_t status = regs->status;

		memset(regs, 0, sizeof(*regs));
		regs->status = status;
	}
	return st;
}

static void words_to_mask(const uint32_t w[4], struct vq_features *out)
{
	out->word[0] = (uint64_t)w[1] << 32 | w[0];
	out->word[1] = (uint64_t)w[3] << 32 | w[2];
}

void pci_regs_offered(const struct pci_virtio_regs *regs, struct vq_features *out)
{
	words_to_mask(regs->device_feature, out);
}

void pci_regs_accepted(const struct pci_virtio_regs *regs, struct vq_features *out)
{
	words_to_mask(regs->driver_feature, out);
}

/* What else shows the offer, appended to each reason. */
#define ELSEWHERE "; a 'vqwatch trace' started before the driver probes sees the offer " \
		  "('trace --rebind DEVICE' forces a probe, disruptive)"

const char *pci_read_note(enum pci_read_status st)
{
	static const char *const notes[PCI_READ_STATUS_COUNT] = {
		[PCI_READ_OK] = "read from the device",
		[PCI_READ_NOT_VIRTIO] =
			"its PCI function is not a virtio device (vendor or device ID)" ELSEWHERE,
		[PCI_READ_NO_CAPS] =
			"its PCI function has no capability list: a legacy virtio-pci device, "
			"which has no configuration access window" ELSEWHERE,
		[PCI_READ_TRUNCATED] =
			"its PCI config space ended inside the capability list (truncated): "
			"the device was not asked" ELSEWHERE,
		[PCI_READ_LOOP] =
			"its PCI capability list loops back on itself (malformed): the device "
			"was not asked" ELSEWHERE,
		[PCI_READ_OUT_OF_RANGE] =
			"its PCI capability list points outside the capability area "
			"(malformed): the device was not asked" ELSEWHERE,
		[PCI_READ_MALFORMED] =
			"a virtio capability in its PCI config space is shorter than the spec "
			"requires (malformed): the device was not asked" ELSEWHERE,
		[PCI_READ_NO_COMMON] =
			"its PCI function has no virtio common configuration capability (a "
			"legacy-only device): the device was not asked" ELSEWHERE,
		[PCI_READ_NO_WINDOW] =
			"its PCI function has no configuration access capability "
			"(VIRTIO_PCI_CAP_PCI_CFG), the only way to ask it while a driver "
			"holds its BAR" ELSEWHERE,
		[PCI_READ_NOT_READY] =
			"its status lacks DRIVER_OK (the driver is negotiating, or failed): "
			"not read, to stay out of the driver's way" ELSEWHERE,
		[PCI_READ_CHANGED] =
			"its status changed while it was read (a reset?): the read was "
			"discarded" ELSEWHERE,
		[PCI_READ_REFUSED] =
			"the kernel refused a write to its PCI config space (EPERM: lockdown, "
			"or the hypervisor filters config writes), so the device could not be "
			"asked" ELSEWHERE,
		[PCI_READ_NO_ACCESS] =
			"asking the device needs write access to its PCI config file (root)"
			ELSEWHERE,
		[PCI_READ_NOT_SYSFS] =
			"a capture tree holds no recording of the device's answer" ELSEWHERE,
		[PCI_READ_IO_ERROR] =
			"reading its PCI config space failed (I/O error): the device was not "
			"asked" ELSEWHERE,
	};

	return (unsigned int)st < PCI_READ_STATUS_COUNT && notes[st] ? notes[st] :
		"unknown" ELSEWHERE;
}

static const char *const status_names[PCI_READ_STATUS_COUNT] = {
	[PCI_READ_OK] = "ok",
	[PCI_READ_NOT_VIRTIO] = "not-virtio",
	[PCI_READ_NO_CAPS] = "no-caps",
	[PCI_READ_TRUNCATED] = "truncated",
	[PCI_READ_LOOP] = "loop",
	[PCI_READ_OUT_OF_RANGE] = "out-of-range",
	[PCI_READ_MALFORMED] = "malformed",
	[PCI_READ_NO_COMMON] = "no-common",
	[PCI_READ_NO_WINDOW] = "no-window",
	[PCI_READ_NOT_READY] = "not-ready",
	[PCI_READ_CHANGED] = "changed",
	[PCI_READ_REFUSED] = "refused",
	[PCI_READ_NO_ACCESS] = "no-access",
	[PCI_READ_NOT_SYSFS] = "not-sysfs",
	[PCI_READ_IO_ERROR] = "io-error",
};

const char *pci_read_status_name(enum pci_read_status st)
{
	return (unsigned int)st < PCI_READ_STATUS_COUNT ? status_names[st] : NULL;
}

bool pci_record_format(enum pci_read_status st, const struct pci_virtio_regs *r,
		       char *buf, size_t len)
{
	const char *name = pci_read_status_name(st);
	int n;

	if (!name)
		return false;
	n = snprintf(buf, len,
		     "result %s\nstatus 0x%02x\n"
		     "device_feature 0x%08x 0x%08x 0x%08x 0x%08x\n"
		     "driver_feature 0x%08x 0x%08x 0x%08x 0x%08x\n"
		     "num_queues %u\n", name, r->status,
		     r->device_feature[0], r->device_feature[1], r->device_feature[2],
		     r->device_feature[3], r->driver_feature[0], r->driver_feature[1],
		     r->driver_feature[2], r->driver_feature[3], r->num_queues);
	if (n >= 0 && (size_t)n < len && r->has_num_pages) {
		int more = snprintf(buf + n, len - (size_t)n, "num_pages %u\n", r->num_pages);

		n = more < 0 ? more : n + more;
	}
	return n >= 0 && (size_t)n < len;
}

/* One unsigned number, all of it, at most max. */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool pci_record_parse(const char *text, enum pci_read_status *st, struct pci_virtio_regs *regs)
{
	char line[256];
	bool have_result = false;

	memset(regs, 0, sizeof(*regs));
	*st = PCI_READ_IO_ERROR;
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *save = NULL, *key, *tok;
		uint32_t v;

		if (n >= sizeof(line))
			return false;
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (text[n] == '\n');
		key = strtok_r(line, " ", &save);
		if (!key)
			continue;	/* an empty line */
		if (!strcmp(key, "result")) {
			int found = -1;

			tok = strtok_r(NULL, " ", &save);
			for (int i = 0; tok && i < PCI_READ_STATUS_COUNT; i++)
				if (!strcmp(tok, status_names[i]))
					found = i;
			if (found < 0)
				return false;
			*st = (enum pci_read_status)found;
			have_result = true;
		} else if (!strcmp(key, "status") || !strcmp(key, "num_queues")) {
			bool status = key[0] == 's';

			tok = strtok_r(NULL, " ", &save);
			if (!tok || !parse_u32(tok, status ? UINT8_MAX : UINT16_MAX, &v))
				return false;
			if (status)
				regs->status = (uint8_t)v;
			else
				regs->num_queues = (uint16_t)v;
		} else if (!strcmp(key, "num_pages")) {
			tok = strtok_r(NULL, " ", &save);
			if (!tok || !parse_u32(tok, UINT32_MAX, &regs->num_pages))
				return false;
			regs->has_num_pages = true;
		} else if (!strcmp(key, "device_feature") || !strcmp(key, "driver_feature")) {
			uint32_t *w = key[1] == 'e' ? regs->device_feature : regs->driver_feature;

			for (int i = 0; i < 4; i++) {
				tok = strtok_r(NULL, " ", &save);
				if (!tok || !parse_u32(tok, UINT32_MAX, &w[i]))
					return false;
			}
		} else {
			return false;
		}
		if (strtok_r(NULL, " ", &save))
			return false;	/* trailing words */
	}
	return have_result;
}

/* The live io: pread/pwrite on the config file. */
static long fd_read(void *ctx, unsigned int off, void *buf, size_t len)
{
	ssize_t n;

	do
		n = pread(*(int *)ctx, buf, len, off);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : (long)n;
}

static int fd_write(void *ctx, unsigned int off, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = pwrite(*(int *)ctx, buf, len, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

enum pci_read_status pci_device_read(const char *pci_dir, struct pci_virtio_regs *regs)
{
	struct pci_cfg_io io = { .read = fd_read, .write = fd_write };
	struct pci_virtio_caps caps;
	enum pci_read_status st;
	char path[PATH_MAX];
	struct statfs fs;
	int fd, err;

	memset(regs, 0, sizeof(*regs));
	if (snprintf(path, sizeof(path), "%s/config", pci_dir) >= (int)sizeof(path))
		return PCI_READ_IO_ERROR;
	/* Never open a file for writing that is not sysfs's (a fixture). */
	if (statfs(path, &fs))
		return errno == ENOENT ? PCI_READ_NOT_SYSFS : PCI_READ_IO_ERROR;
	if (fs.f_type != SYSFS_MAGIC)
		return PCI_READ_NOT_SYSFS;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == EACCES || errno == EPERM || errno == EROFS ?
			PCI_READ_NO_ACCESS : PCI_READ_IO_ERROR;
	if (fstatfs(fd, &fs) || fs.f_type != SYSFS_MAGIC) {
		close(fd);
		return PCI_READ_NOT_SYSFS;
	}
	io.ctx = &fd;
	/* The window is one per device: one vqwatch at a time uses it. */
	while (flock(fd, LOCK_EX) && errno == EINTR)
		;
	st = pci_virtio_caps_find(&io, &caps);
	if (!st)
		st = pci_virtio_read_regs(&io, &caps, regs, &err);
	close(fd);	/* releases the lock */
	return st;
}
