// SPDX-License-Identifier: GPL-2.0
/*
 * trace --rebind: unbind a device's driver and bind it again while the
 * session is attached, so that its probe (find_vqs, the feature offer) is
 * seen live.  Disruptive, so refused where it would hurt:
 *  - a block device with a mounted filesystem, swap or a holder (dm, md);
 *  - a network interface that carries a route;
 *  - Linux 6.11+ virtio-pci with MSI-X and a hole in the driver's queue
 *    array (the balloon without free page hinting): unbinding it
 *    dereferences NULL in vp_del_vqs until the March 2026 fix
 *    ("virtio_pci: fix vq info pointer lookup via wrong index");
 *    --force overrides only this one.
 * Unbind and bind are back to back: no exit path lies between them, and a
 * failed bind is retried before giving up with what to do.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "feature_mask.h"
#include "layout.h"
#include "rebind.h"
#include "strbuf.h"

#define BUS "/sys/bus/virtio/devices"

/* Does the file hold a line with `word` as one of its whitespace-separated
 * fields? */
static bool file_has_field(const char *path, const char *word, int field)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		char *save = NULL, *tok = strtok_r(line, " \t\n", &save);

		for (int i = 0; tok && i < field; i++)
			tok = strtok_r(NULL, " \t\n", &save);
		found = tok && !strcmp(tok, word);
	}
	free(line);
	fclose(f);
	return found;
}

/* Entries of a directory other than . and ..; -1 if it cannot be read. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

/* /dev/NAME mounted or used as swap. */
static bool node_in_use(const char *name, char *why, size_t len)
{
	char node[300];

	snprintf(node, sizeof(node), "/dev/%s", name);
	if (file_has_field("/proc/mounts", node, 0)) {
		strbuf_printf(why, len, "%s is mounted", node);
		return true;
	}
	if (file_has_field("/proc/swaps", node, 0)) {
		strbuf_printf(why, len, "%s is swap", node);
		return true;
	}
	return false;
}

/* A disk of the virtio device in use: it or a partition mounted or swap,
 * or held by device mapper or md. */
static bool block_in_use(const char *dev, char *why, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e, *p;
	DIR *d, *pd;
	bool used = false;

	snprintf(path, sizeof(path), BUS "/%s/block", dev);
	d = opendir(path);
	if (!d)
		return false;
	while (!used && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/holders", e->d_name);
		if (dir_entries(path) > 0) {
			strbuf_printf(why, len, "/dev/%s has holders (device mapper, md)", e->d_name);
			used = true;
			break;
		}
		used = node_in_use(e->d_name, why, len);
		/* partitions are the disk's subdirectories named after it: vda1 */
		snprintf(path, sizeof(path), "/sys/block/%s", e->d_name);
		pd = opendir(path);
		while (pd && !used && (p = readdir(pd)))
			if (!strncmp(p->d_name, e->d_name, strlen(e->d_name)))
				used = node_in_use(p->d_name, why, len);
		if (pd)
			closedir(pd);
	}
	closedir(d);
	return used;
}

/* A network interface of the virtio device that carries an IPv4 or IPv6 route. */
static bool net_in_use(const char *dev, char *why, size_t len)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;
	bool used = false;

	snprintf(path, sizeof(path), BUS "/%s/net", dev);
	d = opendir(path);
	if (!d)
		return false;
	while (!used && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		/* /proc/net/route: Iface first; ipv6_route: device last (10th) */
		if (file_has_field("/proc/net/route", e->d_name, 0) ||
		    file_has_field("/proc/net/ipv6_route", e->d_name, 9)) {
			strbuf_printf(why, len, "interface %s carries a route", e->d_name);
			used = true;
		}
	}
	closedir(d);
	return used;
}

/* Does the Linux driver ask find_vqs for an array with a NULL-name hole
 * (an absent queue before a present one)? */
static bool driver_array_has_hole(const struct vq_device *d)
{
	struct layout_input in = { .type = d->type, .negotiated = d->negotiated, .queues = 1 };
	struct layout l = { 0 };
	bool absent = false, hole = false;

	if (!d->type || !d->type->groups || layout_compute(&in, &l))
		return false;
	for (size_t i = 0; i < l.n_queues; i++) {
		if (l.queues[i].index[RULE_LINUX] == VQ_NULL_INDEX)
			absent = true;
		else if (absent)
			hole = true;
	}
	layout_free(&l);
	return hole;
}

static bool kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return true;	/* unknown: assume the worst */
	return ma > major || (ma == major && mi >= minor);
}

int rebind_check(const struct vq_device *d, bool force, char *err, size_t len)
{
	char path[PATH_MAX], why[256];

	if (!d->driver[0]) {
		snprintf(err, len, "%s has no driver bound: nothing to rebind", d->name);
		return -1;
	}
	if (block_in_use(d->name, why, sizeof(why)) || net_in_use(d->name, why, sizeof(why))) {
		snprintf(err, len, "refusing to rebind %s: %s", d->name, why);
		return -1;
	}
	snprintf(path, sizeof(path), BUS "/%s/../msi_irqs", d->name);
	if (!force && !strcmp(d->transport, "pci") && kernel_at_least(6, 11) &&
	    dir_entries(path) > 0 && driver_array_has_hole(d)) {
		snprintf(err, len, "refusing to rebind %s: Linux 6.11+ virtio-pci with MSI-X and a hole "
			 "in the driver's queue array NULL-dereferences on unbind unless the kernel "
			 "has the March 2026 fix (\"virtio_pci: fix vq info pointer lookup via wrong "
			 "index\"); --force if it has", d->name);
		return -1;
	}
	return 0;
}

static int write_sysfs(const char *path, const char *value)
{
	FILE *f = fopen(path, "w");
	int ret = 0;

	if (!f)
		return -1;
	if (fputs(value, f) < 0)
		ret = -1;
	if (fclose(f))
		ret = -1;
	return ret;
}

int rebind_device(const struct vq_device *d, char *err, size_t len)
{
	char unbind[PATH_MAX], bind[PATH_MAX];

	snprintf(unbind, sizeof(unbind), "/sys/bus/virtio/drivers/%s/unbind", d->driver);
	snprintf(bind, sizeof(bind), "/sys/bus/virtio/drivers/%s/bind", d->driver);
	if (write_sysfs(unbind, d->name)) {
		snprintf(err, len, "unbind %s from %s: %s (still bound)", d->name, d->driver,
			 strerror(errno));
		return -1;
	}
	for (int attempt = 0; attempt < 3; attempt++) {
		if (!write_sysfs(bind, d->name))
			return 0;
		usleep(100 * 1000);
	}
	snprintf(err, len, "bind %s to %s again: %s; run 'echo %s > %s' to restore it", d->name,
		 d->driver, strerror(errno), d->name, bind);
	return -1;
}
