/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Queue numbering rules, computed from the same queue tables:
 *  - the spec's fixed table (absent queues that the spec lists at a fixed
 *    place keep their slot),
 *  - the Linux driver (dense over queues present by negotiated features),
 *  - an offered-dense device such as QEMU (dense over queues present by
 *    offered features; Firecracker, cloud-hypervisor, crosvm do the same).
 * Pure functions: no I/O.
 */
#ifndef VQWATCH_LAYOUT_H
#define VQWATCH_LAYOUT_H

#include "model.h"
#include "virtio.h"
#include "vmm.h"

enum layout_rule {
	RULE_SPEC,
	RULE_LINUX,
	RULE_OFFERED_DENSE,
	RULE_COUNT,
};

struct layout_queue {
	char role[48];
	char linux_name[48];
	int index[RULE_COUNT];		/* VQ_NULL_INDEX where absent or unknown */
	/* each VMM's index (vmm.h, by vmm_id): the index of the layout rule
	 * its numbering follows, VQ_NULL_INDEX where it has no rule for the type */
	int vmm_index[VMM_MAX];
	/* Where each VMM can put it: vmm_index when known; with the offer
	 * unknown, for a VMM numbering by offered features, the lowest and
	 * highest of the offers it can make that hold the negotiated
	 * features (vmm_rule always_offers .. may_offer); VQ_NULL_INDEX
	 * without a rule. */
	int vmm_index_lo[VMM_MAX], vmm_index_hi[VMM_MAX];
};

struct layout_input {
	const struct vq_device_type *type;
	struct vq_features offered, negotiated;
	bool offered_known;
	unsigned int queues;		/* N of multi-queue groups, >= 1 */
};

struct layout {
	struct layout_queue *queues;	/* every role present under some rule */
	size_t n_queues;
	unsigned int count[RULE_COUNT];	/* queues the rule numbers */
	unsigned int mq_count;		/* the N it was computed for (>= 1) */
	/* queues by Linux index (dense: count[RULE_LINUX] entries) */
	const struct layout_queue **linux_at;
};

/* The layout rule a VMM's numbering follows. */
enum layout_rule layout_rule_of_vmm(enum vmm_numbering n);

/* Returns 0, or -1 on ENOMEM.  A type without a queue table gives none. */
int layout_compute(const struct layout_input *in, struct layout *out);
void layout_free(struct layout *l);

/* A queue the kernel shows for a device: a queue BPF read, an interrupt
 * vector "virtioN-<vq->name>". */
struct layout_shown {
	int index;		/* its queue index, VQ_NULL_INDEX when not shown
				 * (a vector names its queue, not its index) */
	const char *name;	/* the driver's vq->name */
};

#define LAYOUT_FIT_NONE 1

/*
 * The multi-queue count N (net pairs, blk request queues, console ports,
 * ...) that explains the queues a device shows, and the layout for it.
 * in->queues is ignored.  N explains the shown queues when the Linux rule's
 * layout for N places each one: one with an index at that index, under that
 * name; those without (vectors) by name, as many queues of a name as shown.
 * The smallest such N from 1 to max(1, n_shown) is taken.  That bound
 * holds for what callers show: wherever N changes a table's layout, the
 * driver has at least N queues that show (a pair's receive queue, a port, a
 * request queue: each has a vector, and BPF lists every queue), so their
 * list is never explained only by a larger N.  A part of them might be
 * (net's control queue alone at index 8 wants N = 4): not searched for.
 *
 * Returns 0 with out the layout for that N (out->mq_count); LAYOUT_FIT_NONE
 * when no N up to max(1, n_shown) places every shown queue, with out the
 * layout for N = max(1, n_shown), the largest tried; -1 on ENOMEM, out
 * empty.
 *
 * Search: "a larger N only adds queues" holds for names in every table (a
 * group's repetitions never shrink as N grows, and a repetition's name does
 * not depend on N), so "holds every shown name" is monotone in N and is
 * bisected, together with "has more queues than the highest shown index".
 * It does not hold for indexes: a queue after a repeated group moves as N
 * grows (net's control queue at 2N, crypto's controlq at N), so "places the
 * queue shown at index i" can hold at one N only.  From the bisection's N
 * the placement is therefore tried N by N, up to where the positions up to
 * the highest shown index stop changing (the first repeated group reaches
 * past it); in practice the first N tried places them all.
 */
int layout_fit(const struct layout_input *in, const struct layout_shown *shown, size_t n_shown,
	       struct layout *out);
/* The Linux rule's queue at index, if its driver name is name (any name
 * when NULL); NULL when it has none there. */
const struct layout_queue *layout_at(const struct layout *l, int index, const char *name);

/* A model queue says what the layout says of its queue: the Linux index,
 * spec and offered-dense indexes, driver name and role; nothing else. */
void layout_queue_to_model(const struct layout_queue *lq, struct vq_queue *q);
/* Add lq to d as a queue derived from the features (SOURCE_DERIVED);
 * NULL on ENOMEM. */
struct vq_queue *layout_add_queue(struct vq_device *d, const struct layout_queue *lq);
/*
 * Fit the queues of d that have an index (layout_fit: the queues BPF read,
 * or those a layout gave) and let the layout speak for each one it places
 * (layout_queue_to_model); others are left as they are.  Returns
 * layout_fit's 0 or LAYOUT_FIT_NONE, or -1 on ENOMEM.
 */
int layout_fit_device(const struct layout_input *in, struct vq_device *d);
/*
 * The layout as a model device (what `vqwatch layout` reports): every role,
 * indexed by the Linux rule (null where the driver has no such queue), with
 * its spec and offered-dense indexes.  Returns -1 on ENOMEM.
 */
int layout_to_device(const struct layout_input *in, const struct layout *l, struct vq_device *d);
/* The layout's queue that a driver's vq->name stands for, or NULL. */
const struct layout_queue *layout_find_name(const struct layout *l, const char *linux_name);

#endif
