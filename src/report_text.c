// SPDX-License-Identifier: GPL-2.0
/* The model as text for people: one block per device, then findings. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "feature_mask.h"
#include "hist.h"
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

/* The VMM columns of a layout: each VMM the report speaks for, "?" in its
 * column where its rule for the type is not known. */
static void vmm_header(FILE *out, const struct vq_report *r)
{
	const struct vmm *v;

	for (size_t i = 0; (v = vmm_at(i)); i++)
		if (r->vmm_shown[i])
			fprintf(out, " %*s", (int)strlen(v->name), v->name);
}

static void vmm_cells(FILE *out, const struct vq_report *r, const struct vq_device *d,
		      const struct vq_queue *q)
{
	const struct vmm *v;

	for (size_t i = 0; (v = vmm_at(i)); i++) {
		if (!r->vmm_shown[i])
			continue;
		if (d->type && vmm_rule_for(v, d->type->id))
			index_cell(out, (int)strlen(v->name), q->vmm_index[i]);
		else
			fprintf(out, " %*s", (int)strlen(v->name), "?");
	}
}

/* Under a layout's table: each shown VMM's rule and where it was read. */
static void vmm_rules(FILE *out, const struct vq_report *r, const struct vq_device *d)
{
	const struct vmm *v;

	for (size_t i = 0; d->type && (v = vmm_at(i)); i++) {
		const struct vmm_rule *rule = vmm_rule_for(v, d->type->id);

		if (!r->vmm_shown[i])
			continue;
		if (rule)
			fprintf(out, "  %s: %s (%s; %s %s)\n", v->name, rule->note,
				vmm_numbering_name(rule->numbering), rule->version, rule->source);
		else
			fprintf(out, "  %s: its numbering of %s queues is unknown (not in the table)\n",
				v->name, d->type->name);
	}
}

static void queue_table(FILE *out, const struct vq_report *r, const struct vq_device *d,
			enum report_style style)
{
	if (style == STYLE_LAYOUT) {
		fprintf(out, "  %-18s %-16s %5s %6s %11s", "role", "linux name", "spec",
			"linux", "QEMU-style");
		vmm_header(out, r);
		fputc('\n', out);
	} else
		fprintf(out, "  %5s %-16s %-18s %-8s %5s\n", "queue", "name", "role", "source",
			"spec");
	for (size_t i = 0; i < d->n_queues; i++) {
		const struct vq_queue *q = &d->queues[i];

		if (style == STYLE_LAYOUT) {
			fprintf(out, "  %-18s %-16s", q->role, q->name[0] ? q->name : "-");
			index_cell(out, 5, q->spec_index);
			index_cell(out, 6, q->index);
			index_cell(out, 11, q->offered_dense_index);
			vmm_cells(out, r, d, q);
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

/* A counter cell: "-" when the mode cannot see it. */
static void counter_cell(FILE *out, int width, const struct vq_counter *c)
{
	if (c->known)
		fprintf(out, " %*" PRIu64, width, c->value);
	else
		fprintf(out, " %*s", width, "-");
}

static void traffic_table(FILE *out, const struct vq_device *d)
{
	uint64_t le;

	fprintf(out, "  %5s %-14s %-14s %4s %5s %9s %9s %9s %9s %12s %8s %9s %9s\n", "queue",
		"name", "role", "slot", "size", "kicks", "irqs", "added", "done", "out bytes",
		"inflight", "oldest ms", "p99 us");
	for (size_t i = 0; i < d->n_queues; i++) {
		const struct vq_queue *q = &d->queues[i];

		fputs(" ", out);
		index_cell(out, 5, q->index);
		fprintf(out, " %-14s %-14s", q->name, q->role[0] ? q->role : "?");
		index_cell(out, 4, q->driver_slot);
		index_cell(out, 5, q->size);
		counter_cell(out, 9, &q->kicks);
		counter_cell(out, 9, &q->interrupts);
		counter_cell(out, 9, &q->buffers_added);
		counter_cell(out, 9, &q->buffers_completed);
		counter_cell(out, 12, &q->out_bytes);
		counter_cell(out, 8, &q->inflight);
		counter_cell(out, 9, &q->oldest_inflight_ms);
		if (q->latency.known && hist_quantile_us(q->latency.slots, 0.99, &le))
			fprintf(out, " %9" PRIu64, le);
		else
			fprintf(out, " %9s", "-");
		fputc('\n', out);
	}
}

/* runqlat-style: one row per non-empty slot, with a bar. */
static void latency_histogram(FILE *out, const struct vq_queue *q)
{
	uint64_t max = 0, lo = 0, le;

	if (!q->latency.known || !q->latency.count)
		return;
	for (unsigned int i = 0; i < VQ_HIST_SLOTS; i++)
		if (q->latency.slots[i] > max)
			max = q->latency.slots[i];
	fprintf(out, "  queue %d %s: add-to-completion latency, %" PRIu64 " buffers\n",
		q->index, q->name, q->latency.count);
	fprintf(out, "  %23s : %-10s distribution\n", "usecs", "count");
	for (unsigned int i = 0; i < VQ_HIST_SLOTS; i++) {
		char range[32];
		int bar;

		if (!q->latency.slots[i]) {
			if (hist_slot_bound_us(i, &le))
				lo = le + 1;
			continue;
		}
		if (hist_slot_bound_us(i, &le))
			snprintf(range, sizeof(range), "%" PRIu64 " -> %" PRIu64, lo, le);
		else
			snprintf(range, sizeof(range), "%" PRIu64 " -> inf", lo);
		bar = (int)(q->latency.slots[i] * 40 / max);
		fprintf(out, "  %23s : %-10" PRIu64 " |%-40.*s|\n", range, q->latency.slots[i], bar,
			"****************************************");
		if (hist_slot_bound_us(i, &le))
			lo = le + 1;
	}
}

static void balloon_line(FILE *out, const struct vq_device *d)
{
	const struct vq_balloon *b = &d->balloon;

	if (!b->inflate_pages.known && !b->stats_requests.known)
		return;
	fprintf(out, "  balloon: inflate pages");
	counter_cell(out, 0, &b->inflate_pages);
	fprintf(out, ", deflate pages");
	counter_cell(out, 0, &b->deflate_pages);
	fprintf(out, ", free page reports");
	counter_cell(out, 0, &b->free_page_reports);
	fprintf(out, " (bytes");
	counter_cell(out, 0, &b->reported_bytes);
	fprintf(out, "), stats requests");
	counter_cell(out, 0, &b->stats_requests);
	fprintf(out, ", free page hint commands");
	counter_cell(out, 0, &b->free_page_hint_commands);
	fprintf(out, " (hinted bytes");
	counter_cell(out, 0, &b->hinted_bytes);
	fputc(')', out);
	fputc('\n', out);
}

static void write_device(FILE *out, const struct vq_report *r, const struct vq_device *d,
			 enum report_style style)
{
	if (style == STYLE_LAYOUT)
		fprintf(out, "%s (device ID %u): %s\n", d->type->name, d->type_id, d->type->title);
	else
		fprintf(out, "%s  %s (device ID %u)  transport %s  driver %s\n", d->name,
			d->type ? d->type->name : "unknown", d->type_id, d->transport,
			d->driver[0] ? d->driver : "(none)");
	feature_line(out, "offered:", d->offered_known, d, &d->offered,
		     d->offered_note ? d->offered_note : "not given");
	/* a trace that did not see the probe says where the offer came from */
	if (style == STYLE_TRACE && d->offered_known && d->offered_source &&
	    !strcmp(d->offered_source, "device"))
		fprintf(out, "  (offered: as the device reports it now; this trace did not see the "
			"driver probe)\n");
	feature_line(out, "negotiated:", d->negotiated_known, d, &d->negotiated, "not given");
	if (d->removed)
		fprintf(out, "  REMOVED during the trace: counts up to its removal\n");
	if (d->note)
		fprintf(out, "  note: %s\n", d->note);
	if (d->queue_count_assumed)
		fprintf(out, "  (no interrupt vector names the queues: layout derived from the "
			"features with one queue per multi-queue group)\n");
	if (d->n_queues && style == STYLE_TRACE) {
		traffic_table(out, d);
		balloon_line(out, d);
		for (size_t i = 0; i < d->n_queues; i++)
			latency_histogram(out, &d->queues[i]);
	} else if (d->n_queues) {
		queue_table(out, r, d, style);
		if (style == STYLE_LAYOUT)
			vmm_rules(out, r, d);
	}
	else if (!d->type || !d->type->groups)
		fprintf(out, "  (no queue table for this device type)\n");
	fputc('\n', out);
}

/* The session's header: mode, hooks, losses. */
static void write_session(FILE *out, const struct vq_report *r)
{
	struct vq_bpf_cost cost;
	size_t attached = 0;

	for (size_t i = 0; i < r->n_hooks; i++)
		attached += r->hooks[i].attached;
	fprintf(out, "vqwatch %s  kernel %s  mode %s  %.1fs  hooks %zu/%zu attached",
		VQWATCH_VERSION, r->kernel, r->mode, r->duration_s, attached, r->n_hooks);
	if (r->events_lost_known)
		fprintf(out, "  events lost %" PRIu64, r->events_lost);
	fputc('\n', out);
	if (r->detail && !strcmp(r->detail, "counts"))
		fprintf(out, "  detail counts: bytes and latency are not collected (no program "
			"per buffer; --detail full collects them)\n");
	else if (r->detail && r->latency_sample > 1)
		fprintf(out, "  latency: about one buffer in %u timed (--latency-sample); the "
			"histograms' counts say how many\n", r->latency_sample);
	if (report_bpf_cost(r, &cost))
		fprintf(out, "  cost: BPF %.2f us per %s (%.1f ms over %" PRIu64 ", every program "
			"summed)\n", (double)cost.run_ns / (double)cost.events / 1000, cost.per,
			(double)cost.run_ns / 1e6, cost.events);
	else if (r->prog_stats_known && !r->bpf_stats_enabled)
		fprintf(out, "  cost: not counted (sysctl kernel.bpf_stats_enabled=1 counts vqwatch's "
			"BPF time)\n");
	for (size_t i = 0; i < r->n_hooks; i++)
		if (!r->hooks[i].attached)
			fprintf(out, "  skipped %-26s %s\n", r->hooks[i].hook, r->hooks[i].reason);
	fputc('\n', out);
}

int report_write_text(FILE *out, const struct vq_report *r, enum report_style style)
{
	if (style == STYLE_TRACE)
		write_session(out, r);
	if (r->vmm_known)
		fprintf(out, "vmm: %s%s%s%s\n\n", r->vmm ? r->vmm->name : "unknown",
			r->vmm_source[0] ? " (" : "", r->vmm_source, r->vmm_source[0] ? ")" : "");
	if (!r->n_devices)
		fprintf(out, "no virtio devices\n\n");
	for (size_t i = 0; i < r->n_devices; i++)
		write_device(out, r, &r->devices[i], style);
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
			fprintf(out, ": %s", f->message);
			if (f->windowed)
				fprintf(out, " [began at %.1fs, held %.1fs%s%s]", f->started_s,
					(double)f->duration_ms / 1000,
					f->resolved ? ", resolved" : ", still holding",
					f->episodes > 1 ? ", the latest of several" : "");
			fputc('\n', out);
		}
	}
	return fflush(out) || ferror(out) ? -1 : 0;
}
