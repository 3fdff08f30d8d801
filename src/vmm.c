// SPDX-License-Identifier: GPL-2.0
/*
 * Which VMM this guest runs on, from signs the guest can read (under a
 * root: "/" live, or a capture tree, so that --root replays it):
 *   DMI     sys/class/dmi/id/sys_vendor (world-readable; QEMU's SMBIOS
 *           says "QEMU"; Firecracker and microvm guests have no DMI)
 *   ACPI    sys/firmware/acpi/tables/DSDT, header bytes 10-15, the OEM ID
 *           ("FIRECK", QEMU "BOCHS "); the file is mode 0400: root only
 * The VMMs' signs are data in vmm_tables.c.  PCI subsystem vendor IDs are
 * not used: virtio devices carry 0x1af4 whichever VMM made them.
 */
#include <errno.h>
#include <fcntl.h>
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

void vmm_detect(const char *root, const struct vmm *given, struct vq_report *r)
{
	char vendor[128], dsdt[16], oem[7], acpi_why[48] = "", dmi_why[64] = "";
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
	/* nothing matched: what was seen, so that a user can tell why */
	snprintf(r->vmm_source, sizeof(r->vmm_source), "none matched: %s, %s", dmi_why, acpi_why);
	return;
found:
	r->vmm = v;
	r->vmm_shown[vmm_id(v)] = true;
}
