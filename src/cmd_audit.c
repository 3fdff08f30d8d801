// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch audit: sysfs -> model -> findings -> text/JSON.  No BPF, any user.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "devread.h"
#include "findings.h"
#include "report.h"
#include "sysfs.h"
#include "vmm_detect.h"

#define CMD "audit"

void help_audit(void)
{
	printf("usage: vqwatch audit [--json] [--root DIR] [--fail-on SEVERITY] [--no-device-read]\n"
	       "                     [--vmm NAME]\n\n"
	       "Lists this guest's virtio devices from sysfs: transport, driver, decoded\n"
	       "negotiated features, every queue with index, name and role, and static\n"
	       "findings.  Queue names come from interrupt vectors (/proc/interrupts,\n"
	       "source \"vector\"); where no vector names them (INTx, MMIO, a shared vector)\n"
	       "they are derived from the negotiated features (source \"derived\").\n"
	       "Offered features are not in sysfs: as root, each virtio-pci modern device\n"
	       "is asked through its PCI configuration access window (offered features and\n"
	       "its own queue count; only once its driver is ready); elsewhere they show as\n"
	       "unknown (null) with a note saying why.\n\n"
	       "  --json          JSON (docs/json.md) instead of text\n"
	       "  --root DIR      read DIR/sys and DIR/proc instead of / (a capture from\n"
	       "                  tests/fixtures/capture.sh)\n"
	       "  --fail-on SEV   exit 3 when a finding is at least SEV (info, warning, critical)\n"
	       "  --no-device-read  do not ask PCI devices for their offer (config writes)\n"
	       "  --record-device-read DIR  also record each device's answer under the\n"
	       "                  capture tree DIR, which --root DIR then replays\n"
	       "  --vmm NAME      the VMM this guest runs on, instead of detecting it (DMI\n"
	       "                  sys_vendor, then the ACPI DSDT's OEM ID, readable by root):\n"
	       "                  %s\n", vmm_names());
}

int cmd_audit(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "record-device-read", required_argument, NULL, 'R' },
		{ "vmm", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct vq_report report = { .mode = "sysfs", .duration_s = -1 };
	const char *root = "/";
	struct devread_options devread = { .enabled = true };
	bool json = false;
	int opt, fail_on = -1, ret = EXIT_OK;
	char err[1024];
	const struct vmm *vmm = NULL;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":jr:f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'r': root = optarg; break;
		case 'f':
			fail_on = parse_fail_on(CMD, optarg);
			if (fail_on < 0)
				return EXIT_USAGE;
			break;
		case 'N': devread.enabled = false; break;
		case 'R': devread.save_root = optarg; break;
		case 'm':
			if (parse_vmm(CMD, optarg, &vmm))
				return EXIT_USAGE;
			break;
		case 'h': help_audit(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help audit'", argv[optind]);
		return EXIT_USAGE;
	}
	if (check_root_dir(CMD, root))
		return EXIT_RUNTIME;

	if (sysfs_read(root, &report, err, sizeof(err)) ||
	    devread_fill(root, &report, &devread, err, sizeof(err))) {
		p_err(CMD, "%s", err);
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	vmm_detect(root, vmm, &report);
	if (findings_run(&report, NULL)) {
		p_err(CMD, "out of memory");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	ret = emit_report(CMD, &report, json, STYLE_AUDIT, fail_on);
cleanup:
	report_free(&report);
	return ret;
}
