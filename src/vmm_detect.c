// SPDX-License-Identifier: GPL-2.0
/*
 * Which VMM this guest runs on, from signs the guest can read (under a
 * root: "/" live, or a capture tree, so that --root replays it):
 *   DMI     sys/class/dmi/id/sys_vendor (world-readable; QEMU's SMBIOS
 *           says "QEMU"; Firecracker and microvm guests have no DMI)
 *   ACPI    sys/firmware/acpi/tables/DSDT, header bytes 10-15, the OEM ID
 *           ("FIRECK", QEMU "BOCHS "); the file is mode 0400: root only
 *   DT      sys/firmware/devicetree/base/{,NODE/}compatible: a board booted
 *           from a devicetree without firmware has neither of the above
 *           (QEMU -M virt -kernel: its fw_cfg node, "qemu,fw-cfg-mmio")
 *   MMIO    sys/bus/virtio/devices/virtioN/vendor: a virtio-mmio device's
 *           VendorID register (QEMU's "QEMU", 0x554d4551)
 * in that order.  The VMMs' signs are data in vmm_tables.c.  PCI subsystem
 * vendor IDs are not used: virtio-pci devices carry 0x1af4 whichever VMM
 * made them (and a table never names it).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "strbuf.h"
#include "vmm_detect.h"

/* Up to len bytes of root/rel; the count, or -errno. */
static ssize_t read_under(const char *root, const char *rel, char *buf, size_t len)
{
	char path[4096];
	ssize_t n = 0, got = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root && root[0] ? root : "/", rel);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)got < len && (n = read(fd, buf + got, len - (size_t)got)) > 0)
		got += n;
	if (n < 0 && !got)
		got = -errno;
	close(fd);
	return got;
}

/* "FIRECK" as printable text (the OEM ID is 6 bytes, space padded). */
static void oem_text(const char *id, char out[7])
{
	size_t n = 6;

	for (size_t i = 0; i < 6; i++)
		out[i] = id[i] >= 0x20 && id[i] < 0x7f ? id[i] : '?';
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
}

/* compatible of devicetree node NODE ("" for the root) names a VMM: it,
 * its string into what. */
static const struct vmm *dt_node(const char *root, const char *node, char *what, size_t len)
{
	char rel[512], prop[256];
	const struct vmm *v;
	ssize_t n;

	snprintf(rel, sizeof(rel), "sys/firmware/devicetree/base/%s%scompatible", node,
		 node[0] ? "/" : "");
	n = read_under(root, rel, prop, sizeof(prop));
	v = n > 0 ? vmm_by_dt_compatible(prop, (size_t)n) : NULL;
	if (v)
		snprintf(what, len, "devicetree %.64s %.48s", node[0] ? node : "/", v->dt_compatible);
	return v;
}

/* The first devicetree node (the root, then each top-level node) whose
 * compatible names a VMM.  *seen: there is a devicetree. */
static const struct vmm *from_devicetree(const char *root, char *what, size_t len, bool *seen)
{
	const struct vmm *v = NULL;
	struct dirent **names;
	char dir[4096];
	int n;

	snprintf(dir, sizeof(dir), "%s/sys/firmware/devicetree/base", root && root[0] ? root : "");
	n = scandir(dir, &names, NULL, alphasort);	/* sorted: the same answer each time */
	*seen = n >= 0;
	if (n < 0)
		return NULL;
	v = dt_node(root, "", what, len);
	for (int i = 0; i < n; i++) {
		if (!v && names[i]->d_name[0] != '.')
			v = dt_node(root, names[i]->d_name, what, len);
		free(names[i]);
	}
	free(names);
	return v;
}

/* The first virtio device whose vendor ID names a VMM (virtio-mmio's
 * VendorID register). */
static const struct vmm *from_mmio_vendor(const char *root, char *what, size_t len)
{
	const char *base = "sys/bus/virtio/devices";
	const struct vmm *v = NULL;
	char rel[512], buf[32], dir[4096];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof(dir), "%s/%s", root && root[0] ? root : "", base);
	n = scandir(dir, &names, NULL, versionsort);	/* virtio2 before virtio10 */
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		unsigned long vendor;
		ssize_t got;
		char *end;

		snprintf(rel, sizeof(rel), "%s/%s/vendor", base, name);
		if (!v && !strncmp(name, "virtio", 6) &&
		    (got = read_under(root, rel, buf, sizeof(buf) - 1)) > 0) {
			buf[got] = '\0';
			vendor = strtoul(buf, &end, 16);
			if (end != buf && vendor <= 0xffffffffUL &&
			    (v = vmm_by_virtio_mmio_vendor((uint32_t)vendor)))
				snprintf(what, len, "virtio-mmio vendor 0x%08lx (%.32s)", vendor, name);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return v;
}

void vmm_detect(const char *root, const struct vmm *given, struct vq_report *r)
{
	char vendor[128], dsdt[16], oem[7], acpi_why[48] = "", dmi_why[64] = "";
	bool dt_seen;
	const struct vmm *v = NULL;
	ssize_t n;

	r->vmm_known = true;
	r->vmm = NULL;
	r->vmm_source[0] = '\0';
	if (given) {
		v = given;
		strbuf_copy(r->vmm_source, sizeof(r->vmm_source), "--vmm");
		goto found;
	}
	n = read_under(root, "sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor) - 1);
	if (n >= 0) {
		vendor[n] = '\0';
		vendor[strcspn(vendor, "\n")] = '\0';
		v = vmm_by_dmi_sys_vendor(vendor);
		if (v) {
			snprintf(r->vmm_source, sizeof(r->vmm_source), "dmi sys_vendor %.64s", vendor);
			goto found;
		}
		snprintf(dmi_why, sizeof(dmi_why), "DMI sys_vendor '%.32s'", vendor);
	} else {
		snprintf(dmi_why, sizeof(dmi_why), "no DMI");
	}
	n = read_under(root, "sys/firmware/acpi/tables/DSDT", dsdt, sizeof(dsdt));
	if (n >= 16) {
		oem_text(dsdt + 10, oem);
		v = vmm_by_acpi_oem_id(dsdt + 10, 6);
		if (v) {
			snprintf(r->vmm_source, sizeof(r->vmm_source), "acpi-oem-id %s", oem);
			goto found;
		}
		snprintf(acpi_why, sizeof(acpi_why), "ACPI OEM ID '%s'", oem);
	} else if (n == -EACCES || n == -EPERM) {
		snprintf(acpi_why, sizeof(acpi_why), "ACPI DSDT not readable (needs root)");
	} else {
		snprintf(acpi_why, sizeof(acpi_why), "no ACPI DSDT");
	}
	v = from_devicetree(root, r->vmm_source, sizeof(r->vmm_source), &dt_seen);
	if (v)
		goto found;
	v = from_mmio_vendor(root, r->vmm_source, sizeof(r->vmm_source));
	if (v)
		goto found;
	/* nothing matched: what was seen, so that a user can tell why */
	snprintf(r->vmm_source, sizeof(r->vmm_source), "none matched: %s, %s, %s, no known virtio-mmio vendor",
		 dmi_why, acpi_why, dt_seen ? "no known devicetree compatible" : "no devicetree");
	return;
found:
	r->vmm = v;
	r->vmm_shown[vmm_id(v)] = true;
}
