// SPDX-License-Identifier: GPL-2.0
/*
 * Per-queue interrupts from the irq tracepoints.  Needs only tp_btf, which
 * loads where kprobes and fentry are refused (TESTBED: this 6.18 machine).
 * A virtqueue with its own MSI-X vector is served by vring_interrupt, with
 * the struct virtqueue as dev_id; the other virtio handlers (config
 * vector, shared vector, INTx, MMIO) get the device, whose first member is
 * its struct virtio_device.  The hot path compares the handler, bumps a
 * per-CPU slot keyed by irq and remembers dev_id there, so that user space
 * learns irq -> queue or device without any event, and walks the device's
 * queues with the ring program (ring.bpf.c).  When a CPU first sees a new
 * queue on an irq, the queue's consumed used index is noted once
 * (irq_first), so that completions sampled later count from that interrupt.
 * All of that is for queues nothing found before (tracepoint mode); where
 * discovery found them, only the exit program runs, for the spurious
 * interrupts, and /proc/interrupts counts the rest for free.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vqwatch_irq.h"
#include "vq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Handler addresses, from /proc/kallsyms, set before load; 0 if absent. */
const volatile __u64 targ_vring_interrupt = 0;
const volatile __u64 targ_device_handlers[VQ_DEVICE_HANDLERS] = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VQ_MAX_IRQS);	/* sized by user space before load */
	__type(key, __u32);
	__type(value, struct vq_irq_count);
} irq_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VQ_MAX_IRQS);
	__type(key, __u32);
	__type(value, struct vq_irq_first);
} irq_first SEC(".maps");

/* Written by user space only: /proc/interrupts' total of each irq when the
 * counting began, plus 1 (0: not yet), where the interrupts come from there
 * (session.c open_irq_totals); pinned with the counters, so that a
 * restarted daemon counts from the same point. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VQ_MAX_IRQS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} irq_base SEC(".maps");


static __always_inline struct vq_irq_count *irq_slot(int irq)
{
	struct vq_irq_count *count;
	__u32 key = irq;

	count = bpf_map_lookup_elem(&irq_counts, &key);
	if (!count)	/* an irq above the array's size: counted, never unseen */
		count_loss(VQ_LOST_IRQ_MAP);
	return count;
}

/* A queue's first interrupt on this irq (cold: once per CPU and dev_id). */
static __always_inline void note_first(int irq, void *dev_id)
{
	struct vring_virtqueue *vvq = dev_id;	/* the struct virtqueue is its first member */
	struct vq_irq_first *first;
	__u32 key = irq;

	first = bpf_map_lookup_elem(&irq_first, &key);
	if (!first || first->dev_id == (__u64)dev_id)
		return;
	first->known = !BPF_CORE_READ(vvq, packed_ring);
	first->last_used = first->known ? BPF_CORE_READ(vvq, last_used_idx) : 0;
	first->dev_id = (__u64)dev_id;
}

/* VQ_DEV_QUEUE for vring_interrupt, VQ_DEV_DEVICE for another virtio
 * handler, 0 for the rest of the machine's interrupts. */
static __always_inline int handler_kind(struct irqaction *action)
{
	__u64 handler = (__u64)action->handler;

	if (handler == targ_vring_interrupt)
		return VQ_DEV_QUEUE;
	for (int i = 0; i < VQ_DEVICE_HANDLERS; i++)
		if (targ_device_handlers[i] && handler == targ_device_handlers[i])
			return VQ_DEV_DEVICE;
	return 0;
}

/* Only where no discovery hook attached (session.c: elsewhere /proc/interrupts
 * counts the vectors, and this program would only add a run per interrupt). */
SEC("tp_btf/irq_handler_entry")
int BPF_PROG(vq_irq_entry, int irq, struct irqaction *action)
{
	int kind = handler_kind(action);
	struct vq_irq_count *count;

	if (!kind)
		return 0;
	count = irq_slot(irq);
	if (!count)
		return 0;
	count->interrupts++;
	/* written only when it changes: an irq number can pass to another
	 * device after a hot-unplug */
	if (count->dev_id != (__u64)action->dev_id) {
		count->dev_id = (__u64)action->dev_id;
		count->kind = kind;
		if (kind == VQ_DEV_QUEUE)
			note_first(irq, action->dev_id);
	}
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(vq_irq_exit, int irq, struct irqaction *action, int ret)
{
	struct vq_irq_count *count;

	if (ret != 0)	/* IRQ_NONE: nothing was on the ring */
		return 0;
	if (!handler_kind(action))
		return 0;
	count = irq_slot(irq);
	if (count)
		count->spurious++;
	return 0;
}
