// SPDX-License-Identifier: GPL-2.0
/*
 * Ring state with no hot path: a BPF_PROG_TYPE_SYSCALL program that user
 * space runs on demand (bpf_prog_test_run_opts).  Given a struct virtqueue *
 * (learned from an interrupt's dev_id or from a creation hook) or a struct
 * virtio_device *, it describes the device (index, ID, negotiated features)
 * and walks vdev->vqs: each queue's index, name, ring size, free entries,
 * its ring's indexes (split: the device's used->idx and the driver's avail
 * index; packed: the driver's positions and wrap counters) and each side's
 * notification flags.  Sampled deltas of those give completions and
 * in-flight buffers in every attach mode, tracepoint-only included
 * (TESTBED: "Ring state with no hot path at all").  Loads where kprobes and
 * fentry are refused.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include "vq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* A bounded walk: a device never has more queues than this. */
#define WALK_MAX 512

/* Written by user space only: completions seen through the ring. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VQ_MAX_QUEUES);
	__type(key, __u64);			/* struct virtqueue * */
	__type(value, struct vq_ring_count);
} ring_counts SEC(".maps");

/* Output, read by user space after each run (one run at a time). */
struct vq_snap_queue snap_queues[VQ_SNAP_QUEUES];

/* Before Linux 5.19 a packed ring's used wrap counter was a field of its
 * own; since, it is bit 15 of last_used_idx. */
struct vring_virtqueue_packed___old {
	bool used_wrap_counter;
};

struct vring_virtqueue___old {
	struct vring_virtqueue_packed___old packed;
};

#define PACKED_WRAP_BIT 15	/* VRING_PACKED_EVENT_F_WRAP_CTR */

static __always_inline void read_packed(struct vring_virtqueue *vvq, struct vq_snap_queue *out)
{
	struct vring_virtqueue___old *old = (void *)vvq;
	__u16 last_used = BPF_CORE_READ(vvq, last_used_idx);

	out->num = BPF_CORE_READ(vvq, packed.vring.num);
	out->avail_idx = BPF_CORE_READ(vvq, packed.next_avail_idx);
	out->avail_wrap = BPF_CORE_READ(vvq, packed.avail_wrap_counter);
	if (bpf_core_field_exists(old->packed.used_wrap_counter)) {
		out->used_wrap = BPF_CORE_READ(old, packed.used_wrap_counter);
	} else {
		out->used_wrap = last_used >> PACKED_WRAP_BIT;
		last_used &= (1u << PACKED_WRAP_BIT) - 1;
	}
	/* the device's progress past the driver's is only in the
	 * descriptors' flags: completions count as the driver takes them */
	out->last_used_idx = last_used;
	out->used_idx = last_used;
	out->driver_flags = BPF_CORE_READ(vvq, packed.vring.driver, flags);
	out->device_flags = BPF_CORE_READ(vvq, packed.vring.device, flags);
}

static __always_inline void read_split(struct vring_virtqueue *vvq, struct vq_snap_queue *out)
{
	out->num = BPF_CORE_READ(vvq, split.vring.num);
	out->used_idx = BPF_CORE_READ(vvq, split.vring.used, idx);
	out->avail_idx = BPF_CORE_READ(vvq, split.avail_idx_shadow);
	out->last_used_idx = BPF_CORE_READ(vvq, last_used_idx);
	out->driver_flags = BPF_CORE_READ(vvq, split.avail_flags_shadow);
	out->device_flags = BPF_CORE_READ(vvq, split.vring.used, flags);
}

static __always_inline void read_queue(struct virtqueue *vq, struct vq_snap_queue *out)
{
	struct vring_virtqueue *vvq = (void *)vq;	/* vq is its first member */
	char name[VQ_NAME_LEN] = {};
	const char *np;

	out->vq = (__u64)vq;
	out->index = BPF_CORE_READ(vq, index);
	out->num_free = BPF_CORE_READ(vq, num_free);
	out->packed = BPF_CORE_READ(vvq, packed_ring);
	out->indirect = BPF_CORE_READ(vvq, indirect);
	if (out->packed)
		read_packed(vvq, out);
	else
		read_split(vvq, out);
	/* The verifier refuses a string read straight into the context. */
	np = BPF_CORE_READ(vq, name);
	bpf_probe_read_kernel_str(name, sizeof(name), np);
	__builtin_memcpy(out->name, name, sizeof(name));
}

/* One step of the walk over vdev->vqs, run by bpf_loop: the verifier
 * checks the step once instead of every iteration of a bounded loop. */
struct walk {
	struct list_head *head, *pos;
	__u32 skip, seen, n, more;
};

static long walk_step(__u32 i, struct walk *w)
{
	struct list_head *pos = w->pos;
	struct virtqueue *vq;

	if (!pos || pos == w->head)
		return 1;
	/* list is the first member of struct virtqueue */
	vq = (void *)pos - bpf_core_field_offset(struct virtqueue, list);
	if (w->seen++ >= w->skip) {
		if (w->n >= VQ_SNAP_QUEUES) {
			w->more = 1;
			return 1;
		}
		read_queue(vq, &snap_queues[w->n & (VQ_SNAP_QUEUES - 1)]);
		w->n++;
	}
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

SEC("syscall")
int vq_snapshot(struct vq_snap_ctx *snap)
{
	struct virtio_device *vdev = (void *)snap->vdev;
	struct virtqueue *given = (void *)snap->vq;
	struct walk w = { .skip = snap->skip };
	struct list_head *head;

	if (given)
		vdev = BPF_CORE_READ(given, vdev);
	if (!vdev)
		return -1;
	snap->vdev_out = (__u64)vdev;
	snap->dev_index = BPF_CORE_READ(vdev, index);
	snap->device_id = BPF_CORE_READ(vdev, id.device);
	read_vdev_features(vdev, snap->features);

	/* BPF_CORE_READ only on locals: a struct member as its source would
	 * itself be taken for a kernel type to relocate */
	head = (void *)vdev + bpf_core_field_offset(struct virtio_device, vqs);
	w.head = head;
	w.pos = BPF_CORE_READ(head, next);
	bpf_loop(WALK_MAX, walk_step, &w, 0);
	snap->n_queues = w.n;
	snap->more = w.more;
	return 0;
}
