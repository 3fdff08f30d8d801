/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One collection: the lifecycle that trace, metrics and the daemon share.
 *   collect_open    probe, load and attach the BPF session (or, without it,
 *                   what audit knows), discover the devices that probed
 *                   before it (each one's uevent), take a first sample
 *   collect_sample  sample the rings, and run the runtime findings so that
 *                   a stall that begins and ends between two reads is seen
 *                   (window.h); every COLLECT_SAMPLE_MS
 *   collect_run     sample until the duration is over or *stop is set,
 *                   calling a tick callback every tick_ms
 *   collect_read    the sources into the model: sysfs, the device read,
 *                   BPF; the filters; findings (with the window's)
 *   collect_close   detach
 * The commands only configure it and render what it reads.  Sources are
 * read afresh at each read, so devices that appeared since are in it.
 */
#ifndef VQWATCH_COLLECT_H
#define VQWATCH_COLLECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "devread.h"
#include "filter.h"
#include "findings.h"
#include "model.h"
#include "session.h"

/* Ring indexes are 16 bits: sample well before 65536 completions; and a
 * stall is seen when it outlasts the threshold by this much. */
#define COLLECT_SAMPLE_MS 1000

struct collect_config {
	const char *root;		/* "/" live; else a capture tree: no BPF */
	struct session_opts session;
	/* trace: no BPF is an error; metrics and the daemon then serve what
	 * audit knows (attach mode sysfs) */
	bool need_bpf;
	/* trace: devices that left stay in the report, removed: true (a
	 * scrape describes the guest as it is: their series go) */
	bool keep_removed;
	/* trace and metrics: the report's runtime findings are those of the
	 * whole collection (window.h); the daemon's are its live gauges */
	bool window_findings;
	/* metrics and the daemon: a source that cannot be read is said in
	 * the report's sources and the others are served; trace fails */
	bool partial;
	struct devread_options devread;
	struct findings_config findings;
	const struct device_filter *filter;	/* borrowed; NULL keeps all */
	/* --vmm: the VMM, instead of detecting it at each read (vmm_detect) */
	const struct vmm *vmm;
};

struct collect;

/*
 * Open a collection (cfg is copied; its strings and filter are borrowed).
 * NULL with one line in err when it cannot start: no BPF with need_bpf,
 * a --pin directory that is not on bpffs, out of memory.  Without BPF and
 * without need_bpf it opens, and collect_no_bpf() says why.
 */
struct collect *collect_open(const struct collect_config *cfg, char *err, size_t errlen);
void collect_close(struct collect *c);

/* Why BPF did not attach ("" when it did, or with a --root tree). */
const char *collect_no_bpf(const struct collect *c);
/* The attach mode: "fentry", "kprobe", "tracepoint", "fentry+kprobe", or
 * "sysfs" without BPF. */
const char *collect_mode(const struct collect *c);
/* Every hook with how it ended; NULL (and *n 0) without BPF. */
const struct vq_hook_status *collect_hooks(const struct collect *c, size_t *n);
/* How many of collect_hooks attached. */
size_t collect_hooks_attached(const struct collect *c);

/* The scrape's settings again (a reload): devread, findings, filter, vmm. */
void collect_reconfigure(struct collect *c, const struct collect_config *cfg);

void collect_sample(struct collect *c);

/* How soon the busiest queue's ring wants sampling again (ms; at most
 * COLLECT_SAMPLE_MS), and that sampling alone, without the findings. */
uint64_t collect_ring_interval_ms(const struct collect *c);
void collect_sample_rings(struct collect *c);

/* Sample every COLLECT_SAMPLE_MS until duration_ms is over or *stop is
 * set; with tick, call it every tick_ms (0: never). */
void collect_run(struct collect *c, uint64_t duration_ms, volatile sig_atomic_t *stop,
		 uint64_t tick_ms, void (*tick)(void *arg), void *arg);

/* A fresh report: r zeroed by the caller, freed with report_free().  -1
 * with one line in err (out of memory; a source that failed, unless
 * partial: then r->sources says which and why). */
int collect_read(struct collect *c, struct vq_report *r, char *err, size_t errlen);

/* collect_read into r, then Prometheus text 0.0.4 into out.  -1 with err;
 * r is the caller's to free either way. */
int collect_write_prom(struct collect *c, FILE *out, struct vq_report *r, char *err,
		       size_t errlen);

#endif
