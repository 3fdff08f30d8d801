// SPDX-License-Identifier: GPL-2.0
/* Runtime findings over a collection window (window.h). */
#include <stdlib.h>
#include <string.h>
#include "findings.h"
#include "strbuf.h"
#include "window.h"

static struct window_entry *entry_of(const struct finding_window *w, const char *code,
				     const char *device, int queue)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->entries[i].queue == queue && !strcmp(w->entries[i].code, code) &&
		    !strcmp(w->entries[i].device, device))
			return &w->entries[i];
	return NULL;
}

static int observe_one(struct finding_window *w, const struct vq_finding *f, double now_s)
{
	struct window_entry *e = entry_of(w, f->code, f->device, f->queue);
	char *message = strdup(f->message);

	if (!message)
		return -1;
	if (!e) {
		struct window_entry *grown = realloc(w->entries, (w->n + 1) * sizeof(*grown));

		if (!grown) {
			free(message);
			return -1;
		}
		w->entries = grown;
		e = &grown[w->n++];
		*e = (struct window_entry){ .code = f->code, .queue = f->queue };
		strbuf_copy(e->device, sizeof(e->device), f->device);
	}
	if (!e->holding) {
		e->episodes++;
		e->began_s = now_s - (double)f->began_ago_ms / 1000;
		e->holding = true;
	}
	if (f->severity > e->severity)
		e->severity = f->severity;
	e->last_s = now_s;
	free(e->message);
	e->message = message;
	return 0;
}

/* The finding of r about what e is about, NULL if none. */
static struct vq_finding *in_report(const struct vq_report *r, const struct window_entry *e)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (r->findings[i].queue == e->queue && !strcmp(r->findings[i].code, e->code) &&
		    !strcmp(r->findings[i].device, e->device))
			return &r->findings[i];
	return NULL;
}

int window_observe(struct finding_window *w, const struct vq_report *r, double now_s)
{
	for (size_t i = 0; i < w->n; i++)
		if (!in_report(r, &w->entries[i]))
			w->entries[i].holding = false;
	for (size_t i = 0; i < r->n_findings; i++)
		if (findings_code_is_runtime(r->findings[i].code) &&
		    observe_one(w, &r->findings[i], now_s))
			return -1;
	return 0;
}

unsigned int window_episodes(const struct finding_window *w, const char *code,
			     const char *device, int queue)
{
	const struct window_entry *e = entry_of(w, code, device, queue);

	return e ? e->episodes : 0;
}

static uint64_t ms_between(double from_s, double to_s)
{
	return to_s > from_s ? (uint64_t)((to_s - from_s) * 1000 + 0.5) : 0;
}

int window_merge(const struct finding_window *w, struct vq_report *r)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct window_entry *e = &w->entries[i];
		struct vq_finding *f = in_report(r, e);

		if (!f && !(f = report_add_finding(r, e->severity, e->code, e->device, e->queue,
						   "%s", e->message)))
			return -1;
		f->windowed = true;
		f->episodes = e->episodes;
		f->started_s = e->began_s;
		f->duration_ms = ms_between(e->began_s, e->last_s);
		f->resolved = !e->holding;
	}
	return 0;
}

void window_free(struct finding_window *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->entries[i].message);
	free(w->entries);
	*w = (struct finding_window){ 0 };
}
