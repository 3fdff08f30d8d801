/* SPDX-License-Identifier: GPL-2.0 */
/* Sinks that render the model: text for people, JSON (SPEC.md) for tools. */
#ifndef VQWATCH_REPORT_H
#define VQWATCH_REPORT_H

#include <stdio.h>
#include "model.h"

/* Hooks of a BPF session, for the report header. */
struct vq_hook_status {
	const char *hook;
	bool attached;
	char reason[128];	/* why it was skipped */
};

struct report_meta {
	const struct vq_hook_status *hooks;
	size_t n_hooks;
};

enum report_style {
	STYLE_AUDIT,		/* the queues a driver has, with their sources */
	STYLE_LAYOUT,		/* every role under the three numbering rules */
};

int report_write_json(FILE *out, const struct vq_report *r, const struct report_meta *meta);
int report_write_text(FILE *out, const struct vq_report *r, enum report_style style);

#endif
