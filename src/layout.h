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
};

/* Returns 0, or -1 on ENOMEM.  A type without a queue table gives none. */
int layout_compute(const struct layout_input *in, struct layout *out);
void layout_free(struct layout *l);
/* A model queue says what the layout says of its queue: the Linux index,
 * spec and offered-dense indexes, driver name and role; nothing else. */
void layout_queue_to_model(const struct layout_queue *lq, struct vq_queue *q);
/* Add lq to d as a queue derived from the features (SOURCE_DERIVED);
 * NULL on ENOMEM. */
struct vq_queue *layout_add_queue(struct vq_device *d, const struct layout_queue *lq);
/*
 * The layout as a model device (what `vqwatch layout` reports): every role,
 * indexed by the Linux rule (null where the driver has no such queue), with
 * its spec and offered-dense indexes.  Returns -1 on ENOMEM.
 */
int layout_to_device(const struct layout_input *in, const struct layout *l, struct vq_device *d);
/* The layout's queue that a driver's vq->name stands for, or NULL. */
const struct layout_queue *layout_find_name(const struct layout *l, const char *linux_name);

#endif
