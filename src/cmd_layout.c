// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch layout: flags -> model -> findings -> text/JSON.  Offline and
 * unprivileged: the three numbering rules side by side for one device type,
 * and the VMMs' own rules (vmm_tables.c) asked for with --vmm.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "feature_mask.h"
#include "findings.h"
#include "layout.h"
#include "report.h"
#include "strbuf.h"

#define CMD "layout"

void help_layout(void)
{
	printf("usage: vqwatch layout --type TYPE [--offered FEATS] [--negotiated FEATS]\n"
	       "                      [--queues N] [--vmm NAME]... [--json] [--fail-on SEVERITY]\n\n"
	       "Shows a device type's queue layout under three numbering rules:\n"
	       "  spec        the spec's table (absent queues keep fixed places)\n"
	       "  linux       the Linux driver: dense over negotiated features\n"
	       "  QEMU-style  a device that creates queues by offered features\n"
	       "and the findings where they disagree.\n\n"
	       "  --type TYPE         device type: net, blk, console, rng, balloon, ...\n"
	       "  --offered FEATS     features the device offers (default: the negotiated ones)\n"
	       "  --negotiated FEATS  features the driver accepted (default: all offered)\n"
	       "  --queues N          queue pairs (net), request queues (blk, scsi, fs),\n"
	       "                      ports (console) or data queues (crypto); default 1\n"
	       "  --vmm NAME          also that VMM's own numbering (repeatable, or 'all'):\n"
	       "                      %s\n"
	       "  --json              JSON (docs/json.md) instead of text\n"
	       "  --fail-on SEV       exit 3 when a finding is at least SEV (info, warning, critical)\n\n"
	       "FEATS is a hex mask (0x2a, up to 128 bits) or a comma list of names, with or\n"
	       "without the prefix: STATS_VQ,REPORTING or VIRTIO_BALLOON_F_STATS_VQ.\n\n"
	       "example: vqwatch layout --type balloon --offered STATS_VQ,FREE_PAGE_HINT,REPORTING \\\n"
	       "             --negotiated STATS_VQ,REPORTING --vmm firecracker\n", vmm_names());
}

/* "net, blk, ..." */
static void list_types(struct strlist *out)
{
	const struct vq_device_type *t;

	for (size_t i = 0; (t = virtio_type_at(i)); i++)
		strlist_add(out, ", ", "%s", t->name);
}

int cmd_layout(int argc, char **argv)
{
	static const struct option options[] = {
		{ "type", required_argument, NULL, 't' },
		{ "offered", required_argument, NULL, 'o' },
		{ "negotiated", required_argument, NULL, 'n' },
		{ "queues", required_argument, NULL, 'q' },
		{ "vmm", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *type_name = NULL, *offered = NULL, *negotiated = NULL, *queues = NULL;
	struct layout_input in = { .queues = 1, .offered_known = true };
	struct vq_report report = { .mode = "offline", .duration_s = -1 };
	struct layout l = { 0 };
	char err[2048];
	bool json = false;
	int opt, fail_on = -1, ret = EXIT_OK;
	struct vq_device *d;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":t:o:n:q:m:jf:h", options, NULL)) != -1) {
		switch (opt) {
		case 't': type_name = optarg; break;
		case 'o': offered = optarg; break;
		case 'n': negotiated = optarg; break;
		case 'j': json = true; break;
		case 'q': queues = optarg; break;
		case 'm':
			if (!strcmp(optarg, "all")) {
				for (size_t i = 0; i < vmm_count(); i++)
					report.vmm_shown[i] = true;
			} else if (vmm_by_name(optarg)) {
				report.vmm_shown[vmm_id(vmm_by_name(optarg))] = true;
			} else {
				p_err(CMD, "unknown VMM '%s'; known: %s, all", optarg, vmm_names());
				return EXIT_USAGE;
			}
			break;
		case 'f':
			fail_on = parse_fail_on(CMD, optarg);
			if (fail_on < 0)
				return EXIT_USAGE;
			break;
		case 'h': help_layout(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help layout'", argv[optind]);
		return EXIT_USAGE;
	}
	if (!type_name) {
		p_err(CMD, "--type is required; see 'vqwatch help layout'");
		return EXIT_USAGE;
	}
	in.type = virtio_type_by_name(type_name);
	if (!in.type) {
		struct strlist types = { 0 };

		list_types(&types);
		p_err(CMD, "unknown device type '%s'; known types: %s", type_name,
		      types.oom ? "(out of memory)" : strlist_str(&types));
		strlist_free(&types);
		return EXIT_USAGE;
	}
	if (queues && parse_uint(CMD, "--queues", queues, 1, 65536, &in.queues))
		return EXIT_USAGE;
	if (in.queues > 1 && !in.type->queues_max) {
		p_err(CMD, "--queues: %s has no multi-queue group, so --queues does not apply",
		      in.type->name);
		return EXIT_USAGE;
	}
	if (in.queues > in.type->queues_max && in.queues > 1) {
		p_err(CMD, "--queues %u: %s has at most %u %s", in.queues, in.type->name,
		      in.type->queues_max, in.type->queues_meaning);
		return EXIT_USAGE;
	}
	if ((offered && features_parse_arg(in.type, offered, &in.offered, err, sizeof(err))) ||
	    (negotiated && features_parse_arg(in.type, negotiated, &in.negotiated, err, sizeof(err)))) {
		p_err(CMD, "%s", err);
		return EXIT_USAGE;
	}
	/* One side alone: the driver took all that was offered, or the device
	 * offered just what was negotiated. */
	if (!negotiated)
		in.negotiated = in.offered;
	if (!offered)
		in.offered = in.negotiated;
	if (!features_is_subset(&in.negotiated, &in.offered)) {
		p_err(CMD, "--negotiated is not a subset of --offered: a driver can only accept "
		      "features the device offers");
		return EXIT_USAGE;
	}

	if (layout_compute(&in, &l) || !(d = report_add_device(&report)) ||
	    layout_to_device(&in, &l, d) || findings_run(&report, NULL)) {
		p_err(CMD, "out of memory");
		ret = EXIT_RUNTIME;
		goto cleanup;
	}
	ret = emit_report(CMD, &report, json, STYLE_LAYOUT, fail_on);
cleanup:
	layout_free(&l);
	report_free(&report);
	return ret;
}
