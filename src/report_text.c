// SPDX-License-Identifier: GPL-2.0
/* The model as text for people: one block per device, then findings. */
#include <stdio.h>
#include "feature_mask.h"
#include "report.h"

static void feature_line(FILE *out, const char *label, bool known,
			 const struct vq_device *d, const struct vq_features *f, const char *unknown)
{
	char hex[48], name[64];

	if (!known) {
		fprintf(out, "  %-11s unknown (%s)\n", label, unknown);
		return;
	}
	features_format_hex(f, hex, sizeof(hex));
	fprintf(out, "  %-11s %s", label, hex);
	for (int bit = features_next(f, 0); bit >= 0; bit = features_next(f, bit + 1)) {
		features_label(d->type, (unsigned int)bit, name, sizeof(name));
		fprintf(out, " %s", name);
	}
	fputc('\n', out);
}

/* An index column: "-" where the rule has no such queue. */
static void index_cell(FILE *out, int width, int index)
{
	if (index == VQ_NULL_INDEX)
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*d", width, index);
}

static void queue_table(FILE *out, const struct vq_device *d, enum report_style style)
{
	if (style == STYLE_LAYOUT)
		fprintf(out, "  %-18s %-16s %5s %6s %11s\n", "role", "linux name", "spec",
			"linux", "QEMU-style");
	else
		fprintf(out, "  %5s %-16s %-18s %-8s %5s\n", "queue", "name", "role", "source",
			"spec");
	for (size_t i = 0; i < d->n_queues; i++) {
		const struct vq_queue *q = &d->queues[i];

		if (style == STYLE_LAYOUT) {
			fprintf(out, "  %-18s %-16s", q->role, q->name[0] ? q->name : "-");
			index_cell(out, 5, q->spec_index);
			index_cell(out, 6, q->index);
			index_cell(out, 11, q->offered_dense_index);
		} else {
			fputs(" ", out);
			index_cell(out, 5, q->index);
			fprintf(out, " %-16s %-18s %-8s", q->name, q->role[0] ? q->role : "?",
				source_name(q->source));
			index_cell(out, 5, q->spec_index);
		}
		fputc('\n', out);
	}
}

static void write_device(FILE *out, const struct vq_device *d, enum report_style style)
{
	if (style == STYLE_LAYOUT)
		fprintf(out, "%s (device ID %u): %s\n", d->type->name, d->type_id, d->type->title);
	else
		fprintf(out, "%s  %s (device ID %u)  transport %s  driver %s\n", d->name,
			d->type ? d->type->name : "unknown", d->type_id, d->transport,
			d->driver[0] ? d->driver : "(none)");
	feature_line(out, "offered:", d->offered_known, d, &d->offered,
		     d->offered_note ? d->offered_note : "not given");
	feature_line(out, "negotiated:", d->negotiated_known, d, &d->negotiated, "not given");
	if (d->queue_count_assumed)
		fprintf(out, "  (no interrupt vector names the queues: layout derived from the "
			"features with one queue per multi-queue group)\n");
	if (d->n_queues)
		queue_table(out, d, style);
	else if (!d->type || !d->type->groups)
		fprintf(out, "  (no queue table for this device type)\n");
	fputc('\n', out);
}

int report_write_text(FILE *out, const struct vq_report *r, enum report_style style)
{
	if (!r->n_devices)
		fprintf(out, "no virtio devices\n\n");
	for (size_t i = 0; i < r->n_devices; i++)
		write_device(out, &r->devices[i], style);
	/* most severe first, in the order they were found */
	fprintf(out, "findings: %zu\n", r->n_findings);
	for (int sev = SEVERITY_CRITICAL; sev >= SEVERITY_INFO; sev--) {
		for (size_t i = 0; i < r->n_findings; i++) {
			const struct vq_finding *f = &r->findings[i];

			if ((int)f->severity != sev)
				continue;
			fprintf(out, "  %-8s %-22s %s", severity_name(f->severity), f->code, f->device);
			if (f->queue != VQ_NULL_INDEX)
				fprintf(out, " queue %d", f->queue);
			fprintf(out, ": %s\n", f->message);
		}
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}
