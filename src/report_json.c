// SPDX-License-Identifier: GPL-2.0
/* The model as SPEC.md's JSON. */
#include "feature_mask.h"
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

static void write_queue(struct json_writer *w, const struct vq_queue *q)
{
	json_object_begin(w);
	index_or_null(w, "index", q->index);
	string_or_null(w, "name", q->name);
	string_or_null(w, "role", q->role);
	string_or_null(w, "source", source_name(q->source));
	index_or_null(w, "spec_index", q->spec_index);
	index_or_null(w, "offered_dense_index", q->offered_dense_index);
	index_or_null(w, "driver_slot", q->driver_slot);
	index_or_null(w, "irq", q->irq < 0 ? VQ_NULL_INDEX : q->irq);
	json_name(w, "size");
	if (q->size)
		json_uint(w, q->size);
	else
		json_null(w);
	counter(w, "kicks", &q->kicks);
	counter(w, "interrupts", &q->interrupts);
	counter(w, "spurious_interrupts", &q->spurious_interrupts);
	counter(w, "buffers_added", &q->buffers_added);
	counter(w, "buffers_completed", &q->buffers_completed);
	counter(w, "out_bytes", &q->out_bytes);
	counter(w, "in_bytes", &q->in_bytes);
	counter(w, "inflight", &q->inflight);
	json_name(w, "oldest_inflight_ms");
	json_null(w);
	json_name(w, "latency_us");
	json_null(w);
	json_object_end(w);
}

static void write_device(struct json_writer *w, const struct vq_device *d)
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
	json_object_end(w);
	json_name(w, "queue_count_assumed");
	json_bool(w, d->queue_count_assumed);
	json_name(w, "queues");
	json_array_begin(w);
	for (size_t i = 0; i < d->n_queues; i++)
		write_queue(w, &d->queues[i]);
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
	json_object_end(w);
}

static void write_hooks(struct json_writer *w, const struct report_meta *meta)
{
	json_name(w, "hooks");
	json_object_begin(w);
	json_name(w, "attached");
	json_array_begin(w);
	for (size_t i = 0; meta && i < meta->n_hooks; i++)
		if (meta->hooks[i].attached)
			json_string(w, meta->hooks[i].hook);
	json_array_end(w);
	json_name(w, "skipped");
	json_array_begin(w);
	for (size_t i = 0; meta && i < meta->n_hooks; i++) {
		if (meta->hooks[i].attached)
			continue;
		json_object_begin(w);
		string_or_null(w, "hook", meta->hooks[i].hook);
		string_or_null(w, "reason", meta->hooks[i].reason);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
}

int report_write_json(FILE *out, const struct vq_report *r, const struct report_meta *meta)
{
	struct json_writer w;

	json_init(&w, out, true);
	json_object_begin(&w);
	json_name(&w, "vqwatch");
	json_object_begin(&w);
	string_or_null(&w, "version", VQWATCH_VERSION);
	string_or_null(&w, "mode", r->mode);
	string_or_null(&w, "kernel", r->kernel);
	json_name(&w, "duration_s");
	if (r->duration_s < 0)
		json_null(&w);
	else
		json_double(&w, r->duration_s);
	write_hooks(&w, meta);
	json_object_end(&w);
	json_name(&w, "devices");
	json_array_begin(&w);
	for (size_t i = 0; i < r->n_devices; i++)
		write_device(&w, &r->devices[i]);
	json_array_end(&w);
	json_name(&w, "findings");
	json_array_begin(&w);
	for (size_t i = 0; i < r->n_findings; i++)
		write_finding(&w, &r->findings[i]);
	json_array_end(&w);
	json_object_end(&w);
	return json_finish(&w);
}
