/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/irq.bpf.c and src/session.c: per-interrupt counters for
 * virtio vectors.  Fixed-size types only; no pointers.
 */
#ifndef VQWATCH_IRQ_H
#define VQWATCH_IRQ_H

/*
 * Default size of the per-CPU counter array, indexed by Linux irq number.
 * Guests rarely exceed a few hundred irqs; user space raises it before load
 * to the machine's irq count, and irqs beyond it are counted as lost,
 * never lost silently.
 */
#define VQ_MAX_IRQS 4096

/* Virtio handlers whose dev_id is a device (vp_interrupt, vp_vring_interrupt,
 * vp_config_changed, vm_interrupt). */
#define VQ_DEVICE_HANDLERS 4

/* What dev_id is. */
#define VQ_DEV_QUEUE	1	/* struct virtqueue * (vring_interrupt) */
#define VQ_DEV_DEVICE	2	/* a transport device starting with its virtio_device */

/* Per CPU, per irq.  The hot path only increments and stores dev_id: keyed
 * by the irq the tracepoint hands over for free, no pointer chasing
 * (TESTBED: 1.3x an empty program, against 5x for a hash keyed by
 * (device, queue)). */
struct vq_irq_count {
	__u64 interrupts;	/* runs of a virtio handler */
	__u64 spurious;		/* runs that returned IRQ_NONE */
	__u64 dev_id;		/* the handler's dev_id (an identity) */
	__u64 kind;		/* VQ_DEV_* */
};

_Static_assert(sizeof(struct vq_irq_count) == 32, "vq_irq_count layout");

/* Per irq, shared: the queue its vring_interrupt was first seen serving,
 * and how far its driver had consumed the used ring then (a split ring's
 * last_used_idx), so that the completions counted from the sampled ring
 * start at the first interrupt, not at the first sample after it.  Written
 * when a CPU first sees a new dev_id on the irq, never on the hot path. */
struct vq_irq_first {
	__u64 dev_id;
	__u16 last_used;	/* valid when known */
	__u16 known;		/* 0 for a packed ring: no such index */
	__u32 pad;
};

#endif
