// SPDX-License-Identifier: GPL-2.0
/*
 * Per-queue interrupts from the irq tracepoints.  Needs only tp_btf, which
 * loads where kprobes and fentry are refused (TESTBED: this 6.18 machine).
 * A virtqueue with its own MSI-X vector is served by vring_interrupt, with
 * the struct virtqueue as dev_id; user space learns irq -> queue once from
 * /proc/interrupts, so the hot path compares one pointer and bumps a
 * per-CPU slot.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vqwatch_irq.h"

char LICENSE[] SEC("license") = "GPL";

/* Address of vring_interrupt, from /proc/kallsyms, set before load. */
const volatile __u64 targ_vring_interrupt = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VQ_MAX_IRQS);	/* overridable before load */
	__type(key, __u32);
	__type(value, struct vq_irq_count);
} irq_counts SEC(".maps");

/* irqs above the array's size: counted so that nothing is dropped unseen */
__u64 irq_drops = 0;

static __always_inline struct vq_irq_count *vring_irq_slot(int irq, struct irqaction *action)
{
	struct vq_irq_count *count;
	__u32 key = irq;

	if ((__u64)action->handler != targ_vring_interrupt)
		return NULL;
	count = bpf_map_lookup_elem(&irq_counts, &key);
	if (!count)
		__sync_fetch_and_add(&irq_drops, 1);
	return count;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(vq_irq_entry, int irq, struct irqaction *action)
{
	struct vq_irq_count *count = vring_irq_slot(irq, action);

	if (count)
		count->interrupts++;
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(vq_irq_exit, int irq, struct irqaction *action, int ret)
{
	struct vq_irq_count *count;

	if (ret != 0)	/* IRQ_NONE: nothing was on the ring */
		return 0;
	count = vring_irq_slot(irq, action);
	if (count)
		count->spurious++;
	return 0;
}
