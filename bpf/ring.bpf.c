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

/*
 * Kernels whose BTF lacks struct vring_virtqueue (src/vvq_layout.c): its
 * fields read at the offsets user space set before load.  The verifier
 * sees only one of the two ways: the other's relocations, which libbpf
 * could not resolve there, are never reached.
 */
const volatile bool vvq_by_offsets = false;
const volatile struct vq_vvq_offsets vvq_off = {};

static __always_inline __u64 read_at(void *base, __u16 off, __u32 size)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, size, base + off);	/* size: 1, 2, 4 or 8 */
	return v;
}

/* The used and event areas are the spec's own layouts: used->flags at 0,
 * used->idx at 2; an event area's off_wrap at 0, flags at 2. */
static __always_inline void read_by_offsets(void *vvq, struct vq_snap_queue *out)
{
	__u16 last_used = read_at(vvq, vvq_off.last_used_idx, 2);
	void *used, *driver, *device;

	out->packed = read_at(vvq, vvq_off.packed_ring, 1);
	out->indirect = read_at(vvq, vvq_off.indirect, 1);
	if (out->packed) {
		out->num = read_at(vvq, vvq_off.packed_num, 4);
		out->avail_idx = read_at(vvq, vvq_off.packed_next_avail_idx, 2);
		out->avail_wrap = read_at(vvq, vvq_off.packed_avail_wrap_counter, 1);
		if (vvq_off.packed_used_wrap_counter) {
			out->used_wrap = read_at(vvq, vvq_off.packed_used_wrap_counter, 1);
		} else {
			out->used_wrap = last_used >> PACKED_WRAP_BIT;
			last_used &= (1u << PACKED_WRAP_BIT) - 1;
		}
		out->last_used_idx = last_used;
		out->used_idx = last_used;
		driver = (void *)read_at(vvq, vvq_off.packed_driver, 8);
		device = (void *)read_at(vvq, vvq_off.packed_device, 8);
		out->driver_flags = read_at(driver, 2, 2);
		out->device_flags = read_at(device, 2, 2);
	} else {
		out->num = read_at(vvq, vvq_off.split_num, 4);
		used = (void *)read_at(vvq, vvq_off.split_used, 8);
		out->used_idx = read_at(used, 2, 2);
		out->device_flags = read_at(used, 0, 2);
		out->avail_idx = read_at(vvq, vvq_off.split_avail_idx_shadow, 2);
		out->driver_flags = read_at(vvq, vvq_off.split_avail_flags_shadow, 2);
		out->last_used_idx = last_used;
	}
}

static __always_inline void read_queue(struct virtqueue *vq, struct vq_snap_queue *out)
{
	struct vring_virtqueue *vvq = (void *)vq;	/* vq is its first member */
	char name[VQ_NAME_LEN] = {};
	const char *np;

	out->vq = (__u64)vq;
	out->index = BPF_CORE_READ(vq, index);
	out->num_free = BPF_CORE_READ(vq, num_free);
	if (vvq_by_offsets) {
		read_by_offsets(vvq, out);
	} else {
		out->packed = BPF_CORE_READ(vvq, packed_ring);
		out->indirect = BPF_CORE_READ(vvq, indirect);
		if (out->packed)
			read_packed(vvq, out);
		else
			read_split(vvq, out);
	}
	/* The verifier refuses a string read straight into the context. */
	np = BPF_CORE_READ(vq, name);
	bpf_probe_read_kernel_str(name, sizeof(name), np);
	__builtin_memcpy(out->name, name, sizeof(name));
}

/* Queue vq into snap_queues[n]: a global function, which the verifier
 * checks once however often the walk calls it (a bounded walk that read
 * the queue inline passed 5.10's million-instruction limit). */
__noinline int read_queue_at(__u64 vq, __u32 n)
{
	read_queue((struct virtqueue *)vq, &snap_queues[n & (VQ_SNAP_QUEUES - 1)]);
	return 0;
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
		read_queue_at((__u64)vq, w->n);
		w->n++;
	}
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

/* The walk without bpf_loop: the queues to skip, then the ones to read,
 * in two loops whose only state is their counter (one loop that did both
 * kept a path per queue skipped or read, past the verifier's limit). */
static __always_inline void walk_bounded(struct walk *w)
{
	struct list_head *pos = w->pos;
	__u32 i;

	for (i = 0; i < WALK_MAX; i++) {
		if (i >= w->skip || !pos || pos == w->head)
			break;
		pos = BPF_CORE_READ(pos, next);
	}
	for (i = 0; i < VQ_SNAP_QUEUES; i++) {
		if (!pos || pos == w->head)
			break;
		/* list is the first member of struct virtqueue */
		read_queue_at((__u64)((void *)pos - bpf_core_field_offset(struct virtqueue, list)), i);
		pos = BPF_CORE_READ(pos, next);
	}
	w->n = i;
	w->more = i == VQ_SNAP_QUEUES && pos && pos != w->head;
}

/* The device of the context and up to VQ_SNAP_QUEUES of its queues; the
 * walk's steps run by bpf_loop, or where it is missing by a bounded loop. */
static __always_inline int snapshot(struct vq_snap_ctx *snap, bool bounded)
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
	if (bounded)
		walk_bounded(&w);
	else
		bpf_loop(WALK_MAX, walk_step, &w, 0);
	snap->n_queues = w.n;
	snap->more = w.more;
	return 0;
}

SEC("syscall")
int vq_snapshot(struct vq_snap_ctx *snap)
{
	return snapshot(snap, false);
}

/*
 * The same for kernels without syscall programs (before 5.14) or bpf_loop
 * (5.17): a raw tracepoint program, never attached, run by
 * BPF_PROG_TEST_RUN (Linux 5.10) with no context; its input and output in
 * snap_io.  A bounded loop instead of bpf_loop.
 */
struct vq_snap_ctx snap_io;

SEC("raw_tp")
int vq_snapshot_raw(void *ctx)
{
	return snapshot(&snap_io, true);
}
