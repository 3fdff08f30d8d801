/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/irq.bpf.c and src/session.c: per-interrupt counters for
 * virtqueue vectors.  Fixed-size types only; no pointers.
 */
#ifndef VQWATCH_IRQ_H
#define VQWATCH_IRQ_H

/*
 * Default size of the per-CPU counter array, indexed by Linux irq number.
 * Guests rarely exceed a few hundred irqs; user space may raise it before
 * load, and irqs beyond it are counted in irq_drops, never lost silently.
 */
#define VQ_MAX_IRQS 4096

/* Per CPU, per irq.  The hot path only increments: keyed by the irq the
 * tracepoint hands over for free, no pointer chasing (TESTBED: 1.3x an empty
 * program, against 5x for a hash keyed by (device, queue)). */
struct vq_irq_count {
	__u64 interrupts;	/* handler runs of vring_interrupt */
	__u64 spurious;		/* runs that returned IRQ_NONE */
};

_Static_assert(sizeof(struct vq_irq_count) == 16, "vq_irq_count layout");

#endif
