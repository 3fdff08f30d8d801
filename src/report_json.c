// SPDX-License-Identifier: GPL-2.0
/* The model as JSON (docs/json.md). */
#include "feature_mask.h"
#include "hist.h"
#include "json.h"
#include "report.h"

static void string_or_null(struct json_writer *w, const char *name, const char *s)
{
	json_name(w, name);
	json_string(w, s && s[0] ? s : NULL);
}

static void index_or_null(struct json_writer *w, const char *name, int index)
{
	json_name(w, name);
	if (index == VQ_NULL_INDEX)
		json_null(w);
	else
		json_int(w, index);
}

static void counter(struct json_writer *w, const char *name, const struct vq_counter *c)
{
	json_name(w, name);
	if (c->known)
		json_uint(w, c->value);
	else
		json_null(w);
}

static void latency(struct json_writer *w, const struct vq_hist *h)
{
	uint64_t le;

	json_name(w, "latency_us");
	if (!h->known) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	json_name(w, "count");
	json_uint(w, h->count);
	json_name(w, "sum");
	json_uint(w, h->sum_us);
	json_name(w, "p50");
	if (hist_quantile_us(h->slots, 0.5, &le))
		json_uint(w, le);
	else
		json_null(w);
	json_name(w, "p99");
	if (hist_quantile_us(h->slots, 0.99, &le))
		json_uint(w, le);
	else
		json_null(w);
	/* Non-cumulative counts per slot, empty slots left out; le null is +Inf. */
	json_name(w, "buckets");
	json_array_begin(w);
	for (unsigned int i = 0; i < VQ_HIST_SLOTS; i++) {
		if (!h->slots[i])
			continue;
		json_object_begin(w);
		json_name(w, "le");
		if (hist_slot_bound_us(i, &le))
			json_uint(w, le);
		else
			json_null(w);
		json_name(w, "count");
		json_uint(w, h->slots[i]);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

static void feature_mask(struct json_writer *w, const char *name, bool known,
			 const struct vq_features *f)
{
	char hex[48];

	json_name(w, name);
	if (!known) {
		json_null(w);
		return;
	}
	features_format_hex(f, hex, sizeof(hex));
	json_string(w, hex);
}

static void feature_names(struct json_writer *w, const char *name, bool known,
			  const struct vq_device *d, const struct vq_features *f)
{
	char label[64];

	json_name(w, name);
	if (!known) {
		json_null(w);
		return;
	}
	json_array_begin(w);
	for (int bit = features_next(f, 0); bit >= 0; bit = features_next(f, bit + 1)) {
		features_label(d->type, (unsigned int)bit, label, sizeof(label));
		json_string(w, label);
	}
	json_array_end(w);
}

/* "vmm_index": {"firecracker": 4, ...}: each VMM the report speaks for
 * whose rule for the type is known (null: its index needs the offer). */
static void write_vmm_index(struct json_writer *w, const struct vq_report *r,
			    const struct vq_device *d, const struct vq_queue *q)
{
	const struct vmm *v;

	json_name(w, "vmm_index");
	json_object_begin(w);
	for (size_t i = 0; d->type && (v = vmm_at(i)); i++)
		if (r->vmm_shown[i] && vmm_rule_for(v, d->type->id))
			index_or_null(w, v->name, q->vmm_index[i]);
	json_object_end(w);
}

/* "ring": the ring as last read, null where nothing read it. */
static void write_ring(struct json_writer *w, const struct vq_ring *ring)
{
	json_name(w, "ring");
	if (!ring->known) {
		json_null(w);
		return;
	}
	json_object_begin(w);
	string_or_null(w, "format", ring->packed ? "packed" : "split");
	index_or_null(w, "avail", (int)ring->avail);
	index_or_null(w, "avail_wrap", ring->avail_wrap);
	index_or_null(w, "used", (int)ring->used);
	index_or_null(w, "used_wrap", ring->used_wrap);
	index_or_null(w, "last_used", (int)ring->last_used);
	index_or_null(w, "num_free", (int)ring->num_free);
	index_or_null(w, "driver_flags", (int)ring->driver_flags);
	index_or_null(w, "device_flags", (int)ring->device_flags);
	json_object_end(w);
}

static void write_queue(struct json_writer *w, const struct vq_report *r,
			const struct vq_device *d, const struct vq_queue *q)
{
	json_object_begin(w);
	index_or_null(w, "index", q->index);
	string_or_null(w, "name", q->name);
	string_or_null(w, "role", q->role);
	string_or_null(w, "source", source_name(q->source));
	index_or_null(w, "spec_index", q->spec_index);
	index_or_null(w, "offered_dense_index", q->offered_dense_index);
	write_vmm_index(w, r, d, q);
	index_or_null(w, "driver_slot", q->driver_slot);
	index_or_null(w, "irq", q->irq);
	index_or_null(w, "size", q->size);
	counter(w, "kicks", &q->kicks);
	counter(w, "interrupts", &q->interrupts);
	counter(w, "spurious_interrupts", &q->spurious_interrupts);
	counter(w, "buffers_added", &q->buffers_added);
	counter(w, "buffers_completed", &q->buffers_completed);
	counter(w, "out_bytes", &q->out_bytes);
	counter(w, "in_bytes", &q->in_bytes);
	counter(w, "inflight", &q->inflight);
	counter(w, "oldest_inflight_ms", &q->oldest_inflight_ms);
	counter(w, "stalls", &q->stalls);
	latency(w, &q->latency);
	write_ring(w, &q->ring);
	json_object_end(w);
}

static void write_device(struct json_writer *w, const struct vq_report *r,
			 const struct vq_device *d)
{
	json_object_begin(w);
	string_or_null(w, "name", d->name);
	string_or_null(w, "type", d->type ? d->type->name : "unknown");
	json_name(w, "type_id");
	json_uint(w, d->type_id);
	string_or_null(w, "transport", d->transport);
	string_or_null(w, "driver", d->driver);
	json_name(w, "features");
	json_object_begin(w);
	feature_mask(w, "offered", d->offered_known, &d->offered);
	feature_mask(w, "negotiated", d->negotiated_known, &d->negotiated);
	feature_names(w, "negotiated_names", d->negotiated_known, d, &d->negotiated);
	feature_names(w, "offered_names", d->offered_known, d, &d->offered);
	string_or_null(w, "offered_note", d->offered_known ? NULL : d->offered_note);
	string_or_null(w, "offered_source", d->offered_known ? d->offered_source : NULL);
	json_object_end(w);
	json_name(w, "queue_count_assumed");
	json_bool(w, d->queue_count_assumed);
	counter(w, "device_queues", &d->device_queues);
	json_name(w, "removed");
	json_bool(w, d->removed);
	string_or_null(w, "note", d->note);
	if (d->type_id == VQ_ID_BALLOON) {
		const struct vq_balloon *b = &d->balloon;

		json_name(w, "balloon");
		json_object_begin(w);
		counter(w, "inflate_pages", &b->inflate_pages);
		counter(w, "deflate_pages", &b->deflate_pages);
		counter(w, "free_page_reports", &b->free_page_reports);
		counter(w, "reported_bytes", &b->reported_bytes);
		counter(w, "stats_requests", &b->stats_requests);
		counter(w, "target_pages", &b->target_pages);
		counter(w, "free_page_hint_commands", &b->free_page_hint_commands);
		counter(w, "hinted_bytes", &b->hinted_bytes);
		json_object_end(w);
	}
	json_name(w, "queues");
	json_array_begin(w);
	for (size_t i = 0; i < d->n_queues; i++)
		write_queue(w, r, d, &d->queues[i]);
	json_array_end(w);
	json_object_end(w);
}

static void write_finding(struct json_writer *w, const struct vq_finding *f)
{
	json_object_begin(w);
	string_or_null(w, "severity", severity_name(f->severity));
	string_or_null(w, "code", f->code);
	string_or_null(w, "device", f->device);
	index_or_null(w, "queue", f->queue);
	string_or_null(w, "message", f->message);
	string_or_null(w, "rule", f->rule);
	if (f->windowed) {	/* a runtime finding over the collection */
		json_name(w, "started_s");
		json_double(w, f->started_s);
		json_name(w, "duration_ms");
		json_uint(w, f->duration_ms);
		json_name(w, "resolved");
		json_bool(w, f->resolved);
		json_name(w, "episodes");
		json_uint(w, f->episodes);
	}
	json_object_end(w);
}

/* hooks: attached as [{hook, mode}], skipped as [{hook, reason}]. */
static void write_hooks(struct json_writer *w, const struct vq_report *r)
{
	json_name(w, "hooks");
	json_object_begin(w);
	json_name(w, "attached");
	json_array_begin(w);
	for (size_t i = 0; i < r->n_hooks; i++) {
		if (!r->hooks[i].attached)
			continue;
		json_object_begin(w);
		string_or_null(w, "hook", r->hooks[i].hook);
		string_or_null(w, "mode", r->hooks[i].mode);
		string_or_null(w, "fallback_reason", r->hooks[i].reason);
		json_object_end(w);
	}
	json_array_end(w);
	json_name(w, "skipped");
	json_array_begin(w);
	for (size_t i = 0; i < r->n_hooks; i++) {
		if (r->hooks[i].attached)
			continue;
		json_object_begin(w);
		string_or_null(w, "hook", r->hooks[i].hook);
		string_or_null(w, "reason", r->hooks[i].reason);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

/* bpf_stats_enabled, programs [{program, hook, runs, run_ns}] and
 * bpf_ns_per_event: null without BPF; runs and times null while the kernel
 * does not count them. */
static void write_cost(struct json_writer *w, const struct vq_report *r)
{
	struct vq_bpf_cost cost;
	bool counted = r->prog_stats_known && r->bpf_stats_enabled;

	json_name(w, "bpf_stats_enabled");
	if (r->prog_stats_known)
		json_bool(w, r->bpf_stats_enabled);
	else
		json_null(w);
	json_name(w, "programs");
	if (!r->prog_stats_known) {
		json_null(w);
	} else {
		json_array_begin(w);
		for (size_t i = 0; i < r->n_prog_stats; i++) {
			const struct vq_prog_stat *p = &r->prog_stats[i];

			json_object_begin(w);
			string_or_null(w, "program", p->program);
			string_or_null(w, "hook", p->hook);
			json_name(w, "runs");
			if (counted)
				json_uint(w, p->runs);
			else
				json_null(w);
			json_name(w, "run_ns");
			if (counted)
				json_uint(w, p->run_ns);
			else
				json_null(w);
			json_object_end(w);
		}
		json_array_end(w);
	}
	json_name(w, "bpf_cost");
	if (report_bpf_cost(r, &cost)) {
		json_object_begin(w);
		json_name(w, "run_ns");
		json_uint(w, cost.run_ns);
		json_name(w, "events");
		json_uint(w, cost.events);
		string_or_null(w, "per", cost.per);
		json_name(w, "ns_per_event");
		json_double(w, (double)cost.run_ns / (double)cost.events);
		json_object_end(w);
	} else {
		json_null(w);
	}
}

int report_write_json(FILE *out, const struct vq_report *r)
{
	struct json_writer w;

	json_init(&w, out, true);
	json_object_begin(&w);
	json_name(&w, "vqwatch");
	json_object_begin(&w);
	json_name(&w, "schema");
	json_uint(&w, VQ_JSON_SCHEMA);
	string_or_null(&w, "version", VQWATCH_VERSION);
	string_or_null(&w, "mode", r->mode);
	string_or_null(&w, "detail", r->detail);
	json_name(&w, "latency_sample");
	if (r->detail && r->latency_sample)
		json_uint(&w, r->latency_sample);
	else
		json_null(&w);
	string_or_null(&w, "kernel", r->kernel);
	json_name(&w, "duration_s");
	if (r->duration_s < 0)
		json_null(&w);
	else
		json_double(&w, r->duration_s);
	write_hooks(&w, r);
	json_name(&w, "events_lost");
	if (r->events_lost_known)
		json_uint(&w, r->events_lost);
	else
		json_null(&w);
	json_name(&w, "events_lost_by_cause");
	if (r->events_lost_known) {
		json_object_begin(&w);
		for (size_t i = 0; i < r->n_losses; i++) {
			json_name(&w, r->losses[i].what);
			json_uint(&w, r->losses[i].count);
		}
		json_object_end(&w);
	} else {
		json_null(&w);
	}
	write_cost(&w, r);
	json_object_end(&w);
	if (r->vmm_known) {	/* the commands that look for the VMM */
		json_name(&w, "vmm");
		json_object_begin(&w);
		string_or_null(&w, "name", r->vmm ? r->vmm->name : "unknown");
		string_or_null(&w, "source", r->vmm_source[0] ? r->vmm_source : NULL);
		json_object_end(&w);
	}
	json_name(&w, "devices");
	json_array_begin(&w);
	for (size_t i = 0; i < r->n_devices; i++)
		write_device(&w, r, &r->devices[i]);
	json_array_end(&w);
	json_name(&w, "findings");
	json_array_begin(&w);
	for (size_t i = 0; i < r->n_findings; i++)
		write_finding(&w, &r->findings[i]);
	json_array_end(&w);
	json_object_end(&w);
	return json_finish(&w);
}
