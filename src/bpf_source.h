/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF source: what a session saw, into the model.  It keeps what it
 * learned across samples (queue names and sizes read while the device
 * lived, ring indexes), so that a device removed mid-trace is still
 * reported with its counts up to removal.
 */
#ifndef VQWATCH_BPF_SOURCE_H
#define VQWATCH_BPF_SOURCE_H

#include "model.h"
#include "session.h"

struct bpf_source;

struct bpf_source *bpf_source_new(struct session *s, const char *root);
void bpf_source_free(struct bpf_source *src);

/*
 * Learn devices and queues (discovery hooks, creation hooks, interrupt
 * dev_ids) and sample each queue's ring state.  Call at start, at each
 * interval and at the end: completions seen through the ring are deltas of
 * a 16-bit index, so samples must come faster than 65536 completions.
 */
void bpf_source_sample(struct bpf_source *src);

/* How soon the busiest queue wants its ring sampled again (ms): sooner than
 * once a second when an index could otherwise wrap between samples. */
uint64_t bpf_source_ring_interval_ms(const struct bpf_source *src);

/*
 * Merge into a report that the sysfs source filled: traced queues replace
 * derived ones, counters are filled where the attached hooks can see them
 * (null where they cannot), offered features seen at probe are set, and
 * devices that vanished are added back with removed set.  -1 on ENOMEM.
 */
int bpf_source_fill(struct bpf_source *src, struct vq_report *r);

#endif
