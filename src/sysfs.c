// SPDX-License-Identifier: GPL-2.0
/*
 * The sysfs source.  What a guest shows without BPF:
 *  - /sys/bus/virtio/devices/virtioN/{device,features,driver}: the device
 *    type, the negotiated features (one '0'/'1' per bit: 64 characters up to
 *    6.16, 128 from 6.17) and the bound driver;
 *  - the parent device: its bus tells the transport (PCI, or a platform
 *    device for virtio-mmio), and for PCI its msi_irqs lists its vectors;
 *  - /proc/interrupts: virtio_pci names per-queue MSI-X vectors
 *    "virtioN-<vq->name>" (vp_find_vqs_msix), "virtioN-config" for the
 *    config vector and "virtioN-virtqueues" for one shared queue vector;
 *    INTx and MMIO show just "virtioN", naming no queue.
 * Where vectors name queues, their names are matched against the Linux
 * driver's layout for the negotiated features; where none do, the layout
 * is derived from the features alone and marked so.
 * A source only fills the model: findings are the command's business.
 * What cannot be read about one device (it vanished mid-scan, a malformed
 * file, no driver) becomes a note on that device, never the end of the scan.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "feature_mask.h"
#include "layout.h"
#include "sysfs.h"
#include "strbuf.h"

/* A queue vector named in /proc/interrupts. */
struct vector {
	unsigned int device;	/* N of virtioN */
	int irq;
	char name[48];
	bool used;		/* matched to a queue already */
};

struct vectors {
	struct vector *v;
	size_t n;
};

struct source {
	const char *root;
	char *err;
	size_t errlen;
	struct vectors vectors;
	bool vectors_known;	/* /proc/interrupts was read */
};

/* Notes on a device, most telling first (a device keeps the first). */
static const char NOTE_GONE[] =
	"its sysfs directory could not be resolved (removed during the scan?): nothing "
	"more is known about it";
static const char NOTE_DEVICE_UNREADABLE[] =
	"its device file could not be read (removed during the scan?): device type unknown";
static const char NOTE_DEVICE_MALFORMED[] =
	"its device file is malformed (expected a hex ID like 0x0005): device type unknown";
static const char NOTE_FEATURES_UNREADABLE[] =
	"its features file could not be read (removed during the scan?): negotiated "
	"features unknown, so no queue layout";
static const char NOTE_FEATURES_MALFORMED[] =
	"its features file is malformed (expected 64 or 128 characters of 0 and 1; "
	"truncated?): negotiated features unknown, so no queue layout";
static const char NOTE_UNBOUND[] =
	"no driver is bound: a driver creates the queues, so it has none";
static const char NOTE_NO_INTERRUPTS[] =
	"/proc/interrupts could not be read: no queue is named by an interrupt vector, "
	"the layout is derived from the negotiated features";

static void note(struct vq_device *d, const char *text)
{
	if (!d->note)
		d->note = text;
}

static int __attribute__((format(printf, 2, 3))) fail(struct source *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, s->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* Read a small file whole; -1 with errno set on failure. */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	if (ferror(f)) {
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	return 0;
}

/* Basename of a symlink's target: "virtio_balloon" for .../drivers/virtio_balloon. */
static int link_basename(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;

	if (n < 0)
		return -1;
	target[n] = '\0';
	base = strrchr(target, '/');
	strbuf_copy(buf, len, base ? base + 1 : target);
	return 0;
}

/* The transport from the parent device's bus (and its driver, where a bus
 * such as platform carries more than virtio). */
static const struct {
	const char *bus, *driver, *transport;
} transports[] = {
	{ "pci", NULL, "pci" },
	{ "platform", "virtio-mmio", "mmio" },
	{ "ccw", NULL, "ccw" },
	{ "css", NULL, "ccw" },
};

static void read_transport(const char *parent, struct vq_device *d)
{
	char path[PATH_MAX], bus[64] = "", driver[64] = "";

	strbuf_printf(path, sizeof(path), "%s/subsystem", parent);
	if (link_basename(path, bus, sizeof(bus))) {
		strbuf_copy(d->transport, sizeof(d->transport), "unknown");
		return;
	}
	strbuf_printf(path, sizeof(path), "%s/driver", parent);
	link_basename(path, driver, sizeof(driver));
	strbuf_copy(d->transport, sizeof(d->transport), bus);	/* unlisted: the bus */
	for (size_t i = 0; i < sizeof(transports) / sizeof(*transports); i++)
		if (!strcmp(bus, transports[i].bus) &&
		    (!transports[i].driver || !strcmp(driver, transports[i].driver))) {
			strbuf_copy(d->transport, sizeof(d->transport), transports[i].transport);
			break;
		}
}

/* Whether irq is one of the PCI device's MSI vectors (true when the
 * parent lists none: then nothing narrows the match). */
static bool parent_has_irq(const char *parent, int irq)
{
	char path[PATH_MAX];

	strbuf_printf(path, sizeof(path), "%s/msi_irqs", parent);
	if (access(path, F_OK))
		return true;
	strbuf_printf(path, sizeof(path), "%s/msi_irqs/%d", parent, irq);
	return access(path, F_OK) == 0;
}

/* Add one vector; -1 on ENOMEM. */
static int add_vector(struct vectors *vs, unsigned int dev, int irq, const char *name)
{
	struct vector *grown = realloc(vs->v, (vs->n + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	vs->v = grown;
	grown[vs->n].device = dev;
	grown[vs->n].irq = irq;
	grown[vs->n].used = false;
	strbuf_copy(grown[vs->n].name, sizeof(grown[vs->n].name), name);
	vs->n++;
	return 0;
}

/*
 * Collect "virtioN-NAME" vectors from /proc/interrupts.  Lines grow with
 * the number of CPUs (one column each), so they are read whole.
 */
static int read_vectors(struct source *s)
{
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0;
	int ret = 0;
	FILE *f;

	strbuf_printf(path, sizeof(path), "%s/proc/interrupts", s->root);
	f = fopen(path, "r");
	if (!f)
		return 0;	/* each device says so (NOTE_NO_INTERRUPTS) */
	while (!ret && getline(&line, &cap, f) > 0) {
		char *save = NULL, *end;
		long irq = strtol(line, &end, 10);

		if (end == line || *end != ':')
			continue;	/* header, NMI:, LOC:, ... */
		for (char *tok = strtok_r(end + 1, " \t\n,", &save); tok && !ret;
		     tok = strtok_r(NULL, " \t\n,", &save)) {
			unsigned int dev;
			int used = 0;

			if (sscanf(tok, "virtio%u-%n", &dev, &used) != 1 || !used ||
			    !strcmp(tok + used, "config") || !strcmp(tok + used, "virtqueues"))
				continue;
			if (add_vector(&s->vectors, dev, (int)irq, tok + used))
				ret = fail(s, "out of memory");
		}
	}
	if (!ret && ferror(f))
		s->vectors.n = 0;	/* a read error: no vector is trusted */
	else
		s->vectors_known = !ret;
	free(line);
	fclose(f);
	return ret;
}

static int vector_cmp(const void *a, const void *b)
{
	const struct vector *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->irq > y->irq) - (x->irq < y->irq);
}

/* The vectors of one device: "virtioN-..." names on its own MSI irqs,
 * sorted by name (then irq) so that names are found by bisection: a device
 * can have a thousand vectors (net with 500 queue pairs). */
static int device_vectors(const struct source *s, unsigned int dev, const char *parent,
			  struct vectors *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->vectors.n; i++) {
		const struct vector *v = &s->vectors.v[i];

		if (v->device == dev && parent_has_irq(parent, v->irq) &&
		    add_vector(out, dev, v->irq, v->name))
			return -1;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), vector_cmp);
	return 0;
}

/* The first of the vectors named `name` (they are adjacent), or n. */
static size_t first_named(const struct vectors *vs, const char *name)
{
	size_t lo = 0, hi = vs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(vs->v[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < vs->n && !strcmp(vs->v[lo].name, name) ? lo : vs->n;
}

/* The next unused vector named `name` (NULL: any name). */
static struct vector *take_vector(struct vectors *vs, const char *name)
{
	size_t i = name ? first_named(vs, name) : 0;

	for (; i < vs->n && (!name || !strcmp(vs->v[i].name, name)); i++) {
		struct vector *v = &vs->v[i];

		if (!v->used) {
			v->used = true;
			return v;
		}
	}
	return NULL;
}

static bool type_has_counted_groups(const struct vq_device_type *t)
{
	for (size_t i = 0; t->groups && i < t->n_groups; i++)
		if (t->groups[i].count != COUNT_ONE)
			return true;
	return false;
}

/*
 * The Linux layout for this device.  The multi-queue count N (net pairs,
 * blk queues, console ports) is not in sysfs: take the smallest N whose
 * layout holds every vector name (layout_fit; the largest tried if none
 * does); without vectors assume 1 and say so.
 */
static int device_layout(struct vq_device *d, const struct vectors *vs, struct layout *l)
{
	struct layout_input in = { .type = d->type, .negotiated = d->negotiated };
	struct layout_shown *shown = malloc((vs->n + 1) * sizeof(*shown));
	int ret;

	if (!shown)
		return -1;
	for (size_t i = 0; i < vs->n; i++)
		shown[i] = (struct layout_shown){ .index = VQ_NULL_INDEX, .name = vs->v[i].name };
	ret = layout_fit(&in, shown, vs->n, l);
	free(shown);
	if (ret < 0)
		return -1;
	d->queue_count_assumed = vs->n == 0 && type_has_counted_groups(d->type);
	return 0;
}

/*
 * The device's queues: the Linux layout for its negotiated features, each
 * queue named by its vector where one names it, then vectors naming queues
 * the layout does not have (index null: findings compare the counts).
 * Without negotiated features (or a queue table) only the vectors.
 */
static int add_queues(struct source *s, struct vq_device *d, unsigned int dev,
		      const char *parent)
{
	struct vectors vs;
	struct layout l = { 0 };
	struct vector *v;

	if (device_vectors(s, dev, parent, &vs) ||
	    (d->type && d->type->groups && d->negotiated_known && device_layout(d, &vs, &l)))
		goto enomem;
	for (size_t i = 0; i < l.n_queues; i++) {
		const struct layout_queue *lq = &l.queues[i];
		struct vq_queue *q;

		if (lq->index[RULE_LINUX] == VQ_NULL_INDEX)
			continue;
		q = layout_add_queue(d, lq);
		if (!q)
			goto enomem;
		v = take_vector(&vs, lq->linux_name);
		q->source = v ? SOURCE_VECTOR : SOURCE_DERIVED;
		q->irq = v ? v->irq : VQ_NULL_INDEX;
	}
	/* Vectors naming queues the layout does not have. */
	while ((v = take_vector(&vs, NULL))) {
		struct vq_queue *q = device_add_queue(d);

		if (!q)
			goto enomem;
		strbuf_copy(q->name, sizeof(q->name), v->name);
		q->source = SOURCE_VECTOR;
		q->irq = v->irq;
	}
	free(vs.v);
	layout_free(&l);
	return 0;
enomem:
	free(vs.v);
	layout_free(&l);
	return fail(s, "out of memory");
}

/* The device ID from its "device" file ("0x0005"); false when malformed. */
static bool parse_device_id(char *buf, unsigned int *id)
{
	unsigned long v;
	char *end;

	buf[strcspn(buf, "\n")] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (errno || end == buf || *end || v > UINT16_MAX)
		return false;
	*id = (unsigned int)v;
	return true;
}

/*
 * One device.  Returns -1 only when out of memory: anything else that
 * cannot be read is a note on the device, and the scan goes on.
 */
static int read_device(struct source *s, struct vq_report *r, const char *name)
{
	char link[PATH_MAX], dir[PATH_MAX], parent[PATH_MAX], path[PATH_MAX + 32], buf[256];
	unsigned int dev = 0, width, id;
	struct vq_device *d;
	char *slash;

	d = report_add_device(r);
	if (!d)
		return fail(s, "out of memory");
	strbuf_copy(d->name, sizeof(d->name), name);
	d->index = sscanf(name, "virtio%u", &dev) == 1 && dev <= INT_MAX ? (int)dev : VQ_NULL_INDEX;
	d->offered_note = "sysfs shows only the negotiated features; the device's offer "
			  "is visible to a trace session";

	strbuf_printf(link, sizeof(link), "%s/sys/bus/virtio/devices/%s", s->root, name);
	if (!realpath(link, dir)) {
		note(d, NOTE_GONE);
		return 0;
	}
	strbuf_copy(parent, sizeof(parent), dir);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';

	strbuf_printf(path, sizeof(path), "%s/device", dir);
	if (read_text(path, buf, sizeof(buf))) {
		note(d, NOTE_DEVICE_UNREADABLE);
	} else if (!parse_device_id(buf, &id)) {
		note(d, NOTE_DEVICE_MALFORMED);
	} else {
		d->type_id = id;
		d->type = virtio_type_by_id(id);
	}

	strbuf_printf(path, sizeof(path), "%s/features", dir);
	if (read_text(path, buf, sizeof(buf)))
		note(d, NOTE_FEATURES_UNREADABLE);
	else if (features_parse_sysfs(buf, &d->negotiated, &width))
		note(d, NOTE_FEATURES_MALFORMED);
	else
		d->negotiated_known = true;

	read_transport(parent, d);
	strbuf_printf(path, sizeof(path), "%s/driver", dir);
	if (link_basename(path, d->driver, sizeof(d->driver))) {
		d->driver[0] = '\0';
		note(d, NOTE_UNBOUND);
		return 0;	/* the driver creates the queues: none */
	}
	if (!s->vectors_known)
		note(d, NOTE_NO_INTERRUPTS);
	return add_queues(s, d, dev, parent);
}

static int by_device_number(const struct dirent **a, const struct dirent **b)
{
	unsigned int x = 0, y = 0;

	sscanf((*a)->d_name, "virtio%u", &x);
	sscanf((*b)->d_name, "virtio%u", &y);
	return (x > y) - (x < y);
}

static int is_virtio_entry(const struct dirent *e)
{
	unsigned int n;

	return sscanf(e->d_name, "virtio%u", &n) == 1;
}

int sysfs_read(const char *root, struct vq_report *r, char *err, size_t errlen)
{
	struct source *s = calloc(1, sizeof(*s));
	char bus[PATH_MAX], path[PATH_MAX];
	struct dirent **entries = NULL;
	int n, ret = 0;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(root) > PATH_MAX / 2) {
		snprintf(err, errlen, "root path too long");
		free(s);
		return -1;
	}
	s->root = root;
	s->err = err;
	s->errlen = errlen;
	strbuf_printf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	if (!read_text(path, r->kernel, sizeof(r->kernel)))
		r->kernel[strcspn(r->kernel, "\n")] = '\0';
	snprintf(bus, sizeof(bus), "%s/sys/bus/virtio/devices", root);
	n = scandir(bus, &entries, is_virtio_entry, by_device_number);
	if (n < 0) {
		ret = fail(s, "cannot read %s: %s (not a virtio guest, or not a capture tree?)",
			   bus, strerror(errno));
		goto out;
	}
	ret = read_vectors(s);
	for (int i = 0; i < n && !ret; i++)
		ret = read_device(s, r, entries[i]->d_name);
	for (int i = 0; i < n; i++)
		free(entries[i]);
	free(entries);
out:
	free(s->vectors.v);
	free(s);
	return ret;
}
