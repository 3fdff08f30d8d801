/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF session: a table of hooks, each probed, loaded and attached on its
 * own, so that one hook this kernel refuses never takes the others down;
 * then the maps are read into the model.
 */
#ifndef VQWATCH_SESSION_H
#define VQWATCH_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "report.h"

struct session;

/*
 * Open, load and attach; verbosity 1 shows libbpf's messages, 2 its debug.
 * Open, load and attach.  Returns NULL with one line in err when nothing
 * could attach (no BPF privileges, no BTF, no vring_interrupt symbol);
 * otherwise hooks that failed are listed by session_hooks() with reasons.
 */
struct session *session_open(int verbosity, char *err, size_t errlen);
void session_close(struct session *s);
const struct vq_hook_status *session_hooks(const struct session *s, size_t *n);

/* Interrupt counters of one irq, summed over CPUs.  -1 if unreadable. */
int session_irq_counts(struct session *s, int irq, uint64_t *interrupts, uint64_t *spurious);
/* Events the BPF side could not record (irq beyond the map). */
uint64_t session_events_lost(const struct session *s);

/* Address of a kernel symbol from /proc/kallsyms, 0 if absent or hidden. */
uint64_t kallsyms_lookup(const char *path, const char *name);

#endif
