// SPDX-License-Identifier: GPL-2.0
/* The report model: growth of its arrays and the names of its enums. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "strbuf.h"

/* Grow an array by one zeroed element; NULL on ENOMEM. */
static void *array_push(void **array, size_t *n, size_t size)
{
	char *grown = realloc(*array, (*n + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *n * size, 0, size);
	return grown + (*n)++ * size;
}

struct vq_device *report_add_device(struct vq_report *r)
{
	return array_push((void **)&r->devices, &r->n_devices, sizeof(*r->devices));
}

struct vq_queue *device_add_queue(struct vq_device *d)
{
	struct vq_queue *q = array_push((void **)&d->queues, &d->n_queues, sizeof(*q));

	if (q) {
		q->index = VQ_NULL_INDEX;
		q->spec_index = VQ_NULL_INDEX;
		q->offered_dense_index = VQ_NULL_INDEX;
		for (int v = 0; v < VMM_MAX; v++)
			q->vmm_index[v] = q->vmm_index_lo[v] = q->vmm_index_hi[v] = VQ_NULL_INDEX;
		q->driver_slot = VQ_NULL_INDEX;
		q->irq = VQ_NULL_INDEX;
		q->size = VQ_NULL_INDEX;
	}
	return q;
}

struct vq_finding *report_add_finding(struct vq_report *r, enum vq_severity sev,
				      const char *code, const char *device, int queue,
				      const char *fmt, ...)
{
	struct vq_finding *f = array_push((void **)&r->findings, &r->n_findings, sizeof(*f));
	va_list ap;

	if (!f)
		return NULL;
	f->severity = sev;
	f->code = code;
	strbuf_copy(f->device, sizeof(f->device), device);
	f->queue = queue;
	va_start(ap, fmt);
	if (vasprintf(&f->message, fmt, ap) < 0) {
		f->message = NULL;
		r->n_findings--;
		f = NULL;
	}
	va_end(ap);
	return f;
}

void report_free(struct vq_report *r)
{
	for (size_t i = 0; i < r->n_devices; i++)
		free(r->devices[i].queues);
	free(r->devices);
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].message);
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

static const char *const severity_names[] = {
	[SEVERITY_INFO] = "info",
	[SEVERITY_WARNING] = "warning",
	[SEVERITY_CRITICAL] = "critical",
};

const char *severity_name(enum vq_severity sev)
{
	return severity_names[sev];
}

int severity_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(*severity_names); i++)
		if (!strcmp(s, severity_names[i]))
			return (int)i;
	return -1;
}

static const char *const source_names[] = {
	[SOURCE_TRACED] = "traced",
	[SOURCE_VECTOR] = "vector",
	[SOURCE_DERIVED] = "derived",
};

const char *source_name(enum vq_source src)
{
	return source_names[src];
}

bool report_bpf_cost(const struct vq_report *r, struct vq_bpf_cost *cost)
{
	uint64_t completed = 0, interrupts = 0, runs = 0;

	*cost = (struct vq_bpf_cost){ 0 };
	if (!r->prog_stats_known || !r->bpf_stats_enabled)
		return false;
	for (size_t i = 0; i < r->n_prog_stats; i++) {
		cost->run_ns += r->prog_stats[i].run_ns;
		runs += r->prog_stats[i].runs;
	}
	for (size_t i = 0; i < r->n_devices; i++)
		for (size_t j = 0; j < r->devices[i].n_queues; j++) {
			const struct vq_queue *q = &r->devices[i].queues[j];

			completed += q->buffers_completed.known ? q->buffers_completed.value : 0;
			interrupts += q->interrupts.known ? q->interrupts.value : 0;
		}
	if (completed) {
		cost->events = completed;
		cost->per = "buffer completed";
	} else if (interrupts) {
		cost->events = interrupts;
		cost->per = "interrupt";
	} else {
		cost->events = runs;
		cost->per = "program run";
	}
	return cost->events > 0;
}
