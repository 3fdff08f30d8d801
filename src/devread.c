// SPDX-License-Identifier: GPL-2.0
/*
 * The device-read source (devread.h): the device's own offer and queue
 * count, for virtio-pci modern devices, live or replayed from a capture.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "devread.h"
#include "layout.h"
#include "pci_cfg.h"
#include "strbuf.h"

#define ELSEWHERE "; a 'vqwatch trace' started before the driver probes sees the offer " \
		  "('trace --rebind DEVICE' forces a probe, disruptive)"

static const char NOTE_OFF[] =
	"asking the device is off (--no-device-read)" ELSEWHERE;
static const char NOTE_MMIO[] =
	"virtio-mmio has no configuration access window, and its registers need "
	"/dev/mem, which strict devmem refuses" ELSEWHERE;
static const char NOTE_TRANSPORT[] =
	"only virtio-pci devices can be asked for their offer after the probe" ELSEWHERE;
static const char NOTE_LEGACY_DRIVER[] =
	"its driver uses the legacy virtio-pci interface (VERSION_1 not negotiated), "
	"whose offer is not the one the window shows: not asked" ELSEWHERE;
static const char NOTE_NO_PARENT[] =
	"its PCI function could not be resolved (removed during the scan?)" ELSEWHERE;
static const char NOTE_RECORD_MALFORMED[] =
	"the capture's recording of the device's answer (" DEVREAD_RECORD ") is "
	"malformed" ELSEWHERE;
/* A device note (d->note), not an offered note: the offer is known. */
static const char NOTE_ACCEPTED_DIFFERS[] =
	"the features its driver accepted, read from the device, differ from the "
	"negotiated features sysfs shows";

static bool is_live(const char *root)
{
	char real[PATH_MAX];

	return realpath(root, real) && !strcmp(real, "/");
}

/* The PCI function's directory (under root) of virtio device `name`. */
static bool pci_parent(const char *root, const char *name, char *out, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX], *slash;

	if (!strbuf_printf(link, sizeof(link), "%s/sys/bus/virtio/devices/%s", root, name) ||
	    !realpath(link, real))
		return false;
	slash = strrchr(real, '/');
	if (!slash || slash == real)
		return false;
	*slash = '\0';
	return strbuf_copy(out, len, real);
}

static enum pci_read_status replay(const char *parent, struct pci_virtio_regs *regs,
				   bool *malformed)
{
	char path[PATH_MAX + 32], text[1024];
	enum pci_read_status st;
	size_t n;
	FILE *f;

	*malformed = false;
	memset(regs, 0, sizeof(*regs));
	snprintf(path, sizeof(path), "%s/%s", parent, DEVREAD_RECORD);
	f = fopen(path, "r");
	if (!f)
		return PCI_READ_NOT_SYSFS;
	n = fread(text, 1, sizeof(text) - 1, f);
	*malformed = ferror(f) || !feof(f);	/* an error, or too long */
	fclose(f);
	text[n] = '\0';
	if (*malformed || !pci_record_parse(text, &st, regs)) {
		*malformed = true;
		return PCI_READ_IO_ERROR;
	}
	return st;
}

/* mkdir -p of path's directories (not its last component). */
static int make_dirs(char *path)
{
	for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int save(const char *save_root, const char *parent, enum pci_read_status st,
		const struct pci_virtio_regs *regs, char *err, size_t errlen)
{
	char path[PATH_MAX * 2], text[512];
	FILE *f;

	pci_record_format(st, regs, text, sizeof(text));
	snprintf(path, sizeof(path), "%s%s/%s", save_root, parent, DEVREAD_RECORD);
	f = make_dirs(path) ? NULL : fopen(path, "w");
	if (!f || fputs(text, f) == EOF || fclose(f)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* Offered-dense indexes with the offer known, for the multi-queue count
 * that accounts for every queue the driver has (matched by index and name;
 * the queues came from a Linux layout, so their roles and spec indexes
 * stay as they were). */
static int apply_offer(struct vq_device *d)
{
	struct layout_input in = {
		.type = d->type, .offered = d->offered, .negotiated = d->negotiated,
		.offered_known = true,
	};

	return layout_fit_device(&in, d) < 0 ? -1 : 0;
}

/* Possible CPUs ("0-1,4"): Linux's nr_cpu_ids is the highest + 1. */
static unsigned int nr_cpu_ids(const char *root)
{
	char path[PATH_MAX], buf[256];
	unsigned int max = 0;
	bool any = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/devices/system/cpu/possible", root);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		for (char *p = buf; *p && *p != '\n';) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);

			if (end == p || v > 65535)
				break;
			if (v + 1 > max)
				max = (unsigned int)v + 1;
			any = true;
			p = end + (*end == ',' || *end == '-');
		}
	}
	fclose(f);
	return any ? max : 0;
}

/*
 * A derived layout whose multi-queue count was assumed (no vector named
 * the queues): the device's queue count gives the count it was built for,
 * the driver's rule the count it uses (virtio_blk and virtio_scsi clamp
 * request queues to nr_cpu_ids).  Rebuilt when that count is certain.
 */
static int resolve_count(const char *root, struct vq_device *d)
{
	struct layout_input in = {
		.type = d->type, .offered = d->offered, .negotiated = d->negotiated,
		.offered_known = true, .queues = 1,
	};
	unsigned int c1, c2, slope, n, dev = (unsigned int)d->device_queues.value;
	struct layout l = { 0 };

	if (!d->queue_count_assumed || !d->negotiated_known || !d->type || !d->type->groups)
		return 0;
	for (size_t i = 0; i < d->n_queues; i++)
		if (d->queues[i].source != SOURCE_DERIVED)
			return 0;
	if (layout_compute(&in, &l))
		return -1;
	c1 = l.count[RULE_OFFERED_DENSE];
	layout_free(&l);
	in.queues = 2;
	if (layout_compute(&in, &l))
		return -1;
	c2 = l.count[RULE_OFFERED_DENSE];
	layout_free(&l);
	if (c2 <= c1 || dev < c1)
		return 0;	/* the offer allows one only, or fewer than one */
	slope = c2 - c1;
	n = 1 + (dev - c1) / slope;
	if (d->type_id == VQ_ID_BLK || d->type_id == VQ_ID_SCSI) {
		unsigned int cpus = nr_cpu_ids(root);

		if (!cpus)
			return 0;	/* not knowable here: stays assumed */
		if (n > cpus)
			n = cpus;
	}
	in.queues = n;
	if (layout_compute(&in, &l))
		return -1;
	free(d->queues);
	d->queues = NULL;
	d->n_queues = 0;
	for (size_t i = 0; i < l.n_queues; i++) {
		if (l.queues[i].index[RULE_LINUX] != VQ_NULL_INDEX &&
		    !layout_add_queue(d, &l.queues[i])) {
			layout_free(&l);
			return -1;
		}
	}
	layout_free(&l);
	d->queue_count_assumed = false;
	return 0;
}

static int fill_device(const char *root, bool live, struct vq_device *d,
		       const struct devread_options *o, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	struct pci_virtio_regs regs;
	enum pci_read_status st;
	struct vq_features accepted;
	bool malformed = false;

	if (d->offered_known)
		return 0;	/* another source saw it */
	if (strcmp(d->transport, "pci")) {
		d->offered_note = !strcmp(d->transport, "mmio") ? NOTE_MMIO : NOTE_TRANSPORT;
		return 0;
	}
	if (!o->enabled) {
		d->offered_note = NOTE_OFF;
		return 0;
	}
	/* Unbound, nothing is negotiated (the read finds no DRIVER_OK). */
	if (d->driver[0] && d->negotiated_known &&
	    !features_has(&d->negotiated, VIRTIO_F_VERSION_1)) {
		d->offered_note = NOTE_LEGACY_DRIVER;
		return 0;
	}
	if (!pci_parent(root, d->name, parent, sizeof(parent))) {
		d->offered_note = NOTE_NO_PARENT;
		return 0;
	}
	st = live ? pci_device_read(parent, &regs) : replay(parent, &regs, &malformed);
	if (o->save_root && live && save(o->save_root, parent, st, &regs, err, errlen))
		return -1;
	if (st != PCI_READ_OK) {
		d->offered_note = malformed ? NOTE_RECORD_MALFORMED : pci_read_note(st);
		return 0;
	}
	pci_regs_offered(&regs, &d->offered);
	d->offered_known = true;
	d->offered_source = "device";
	d->offered_note = NULL;
	d->device_queues.known = true;
	d->device_queues.value = regs.num_queues;
	if (regs.has_num_pages && d->type_id == VQ_ID_BALLOON) {
		d->balloon.target_pages.known = true;
		d->balloon.target_pages.value = regs.num_pages;
	}
	pci_regs_accepted(&regs, &accepted);
	if (d->negotiated_known && memcmp(&accepted, &d->negotiated, sizeof(accepted)) &&
	    !d->note)
		d->note = NOTE_ACCEPTED_DIFFERS;
	if (!d->type || !d->type->groups || !d->negotiated_known)
		return 0;
	if (resolve_count(root, d) || apply_offer(d)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int devread_fill(const char *root, struct vq_report *r, const struct devread_options *o,
		 char *err, size_t errlen)
{
	bool live = is_live(root);

	for (size_t i = 0; i < r->n_devices; i++)
		if (fill_device(root, live, &r->devices[i], o, err, errlen))
			return -1;
	return 0;
}
