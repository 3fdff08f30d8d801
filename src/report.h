/* SPDX-License-Identifier: GPL-2.0 */
/* Sinks that render the model: text for people, JSON (docs/json.md) for tools. */
#ifndef VQWATCH_REPORT_H
#define VQWATCH_REPORT_H

#include <stdio.h>
#include "model.h"

enum report_style {
	STYLE_AUDIT,		/* the queues a driver has, with their sources */
	STYLE_LAYOUT,		/* every role under the three numbering rules */
	STYLE_TRACE,		/* queues with their traffic and latency */
};

int report_write_json(FILE *out, const struct vq_report *r);
int report_write_text(FILE *out, const struct vq_report *r, enum report_style style);
/* Prometheus text 0.0.4 (docs/metrics.md); scrape_seconds < 0
 * leaves vqwatch_scrape_duration_seconds out.  -1 if output failed. */
int report_write_prom(FILE *out, const struct vq_report *r, double scrape_seconds);

#endif
