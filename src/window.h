/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runtime findings over a collection window.  A report describes one
 * instant; a queue that stalled for eight seconds and recovered before the
 * end of a trace would leave no trace in it.  So the collection runs the
 * findings at every sample and notes here each runtime finding
 * (findings_code_is_runtime) that held: its episodes (a run of samples at
 * which it held), when the latest began and how long it lasted.  Pure: it
 * reads reports and writes findings.
 */
#ifndef VQWATCH_WINDOW_H
#define VQWATCH_WINDOW_H

#include <stdint.h>
#include "model.h"

struct window_entry {
	const char *code;	/* a string literal (findings.c) */
	char device[32];
	int queue;
	enum vq_severity severity;	/* the worst seen */
	unsigned int episodes;
	bool holding;		/* at the latest observation */
	double began_s;		/* the latest episode: when its condition began */
	double last_s;		/* and the last observation at which it held */
	char *message;		/* as it read then */
};

struct finding_window {
	struct window_entry *entries;
	size_t n;
};

/*
 * Note the runtime findings of r, whose findings_run saw the sources at
 * now_s (seconds since the collection started).  A finding that held at
 * the previous observation and holds again continues its episode; one
 * that did not begins a new one.  -1 on ENOMEM (the window keeps what it
 * had).
 */
int window_observe(struct finding_window *w, const struct vq_report *r, double now_s);

/* Episodes of code on a device's queue since the window began. */
unsigned int window_episodes(const struct finding_window *w, const char *code,
			     const char *device, int queue);

/*
 * Into r, a report window_observe saw last: every runtime finding that
 * held at some observation.  One that holds in r gets the window's fields
 * (windowed, started_s, duration_ms so far, episodes); one that held only
 * earlier is added as it last read, resolved.  -1 on ENOMEM.
 */
int window_merge(const struct finding_window *w, struct vq_report *r);

void window_free(struct finding_window *w);

#endif
