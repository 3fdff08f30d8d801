/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/{queues,traffic,ring}.bpf.c and src/session.c: what the
 * kernel side records per virtqueue and per virtio device.  Queues are known
 * by their struct virtqueue address, devices by their struct virtio_device
 * address: identities the hooks are handed for free, joined in user space.
 * Fixed-size types only, no holes.
 */
#ifndef VQWATCH_QUEUE_H
#define VQWATCH_QUEUE_H

#include "vqwatch_hist.h"

#define VQ_NAME_LEN	32	/* vq->name, cut (Linux names are short) */
/* Queues and devices tracked; beyond it, events are counted as lost. */
#define VQ_MAX_QUEUES	4096
#define VQ_MAX_DEVICES	256
/* Buffers in flight whose add time is kept for latency; beyond it lost. */
#define VQ_MAX_TOKENS	65536

/*
 * The hot paths keep no hash map: a queue's per-CPU counters live in an
 * array slot, a buffer's add time in another array, each placed by hashing
 * its identity and probing the next few entries (open addressing).  An
 * entry is claimed with compare-and-swap, so the places are the same on
 * every CPU and user space finds them with the same hash.  No lock, no
 * hashing by the kernel, and the verifier inlines most array look-ups.
 */
#define VQ_SLOT_PROBES	4	/* queue slots tried (a guest has tens of queues) */
#define VQ_TOKEN_PROBES	4	/* token entries tried */

static inline __u32 vq_hash(__u64 key, __u32 mask)
{
	return (__u32)((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;	/* Fibonacci hashing */
}

static inline __u32 vq_token_hash(__u64 vq, __u64 token, __u32 mask)
{
	return vq_hash(token ^ (vq * 0xff51afd7ed558ccdULL), mask);
}

/* A buffer in flight.  token is the claim: 0 is a free entry; vq and
 * added_ns are written after it (user space skips an entry with either 0). */
struct vq_token {
	__u64 token;		/* the driver's data pointer */
	__u64 vq;		/* struct virtqueue * */
	__u64 added_ns;		/* bpf_ktime_get_ns() at the add */
};
/* find_vqs slots walked, queues listed per snapshot call. */
#define VQ_MAX_SLOTS	64
#define VQ_SNAP_QUEUES	64
/* sg entries summed per buffer for byte counts; longer lists: counted short
 * and the overrun counted in lost_bytes_sg. */
#define VQ_MAX_SG	32
#define VQ_MAX_SG_CHAINS 4

/* Per device: features seen at probe.  Keyed by struct virtio_device *. */
struct vq_dev_seen {
	__u64 offered[2];	/* the transport's get_features at probe */
	__u64 negotiated[2];	/* vdev->features when virtio_features_ok ran */
	__u32 flags;		/* VQ_SEEN_* */
	__s32 dev_index;	/* N of virtioN, -1 until known */
};

#define VQ_SEEN_OFFERED		(1u << 0)
#define VQ_SEEN_NEGOTIATED	(1u << 1)

/* Per queue, cold: learned at creation (find_vqs) or deletion. */
struct vq_created {
	__u64 vdev;		/* struct virtio_device * */
	__s32 slot;		/* position in the driver's find_vqs request */
	__u32 flags;		/* VQ_CREATED_* */
};

#define VQ_CREATED_AT_PROBE	(1u << 0)
#define VQ_CREATED_DELETED	(1u << 1)

/* A queue's slot, shared by every CPU: the claim, and the kicks beside it,
 * so that a kick (the only program per I/O at --detail counts besides the
 * irq exit) touches one cache line and one page, not the claim's and a
 * per-CPU value's as well.  Kicks come from one CPU at a time per queue
 * mostly: an atomic add costs less there than a second look-up. */
struct vq_slot {
	__u64 owner;		/* struct virtqueue *, 0 while free */
	__u64 kicks;
};

/* Per queue, per CPU: the hot counters.  Summed in user space. */
struct vq_traffic {
	__u64 kicks;		/* filled by user space from struct vq_slot */
	__u64 interrupts;	/* vring_interrupt runs */
	__u64 spurious;		/* ... that found nothing used (IRQ_NONE) */
	__u64 added;		/* buffers added (successfully) */
	__u64 completed;	/* buffers returned by virtqueue_get_buf* */
	__u64 out_bytes;	/* driver -> device: sum of out sg lengths */
	__u64 in_bytes;		/* device -> driver: used length */
	__u64 posted_in_bytes;	/* room offered by add_inbuf*: sg lengths */
	__u64 lat_count;	/* completions with a known add time */
	__u64 lat_sum_us;
	__u64 lat_slots[VQ_HIST_SLOTS];
};

_Static_assert(sizeof(struct vq_traffic) == (10 + VQ_HIST_SLOTS) * 8, "vq_traffic layout");

/* Losses, per CPU, indexed by enum vq_loss. */
enum vq_loss {
	VQ_LOST_QUEUE_MAP,	/* a queue with no free slot among its probes */
	VQ_LOST_TOKEN_MAP,	/* a buffer with no free token entry: no latency */
	VQ_LOST_SG,		/* a buffer longer than VQ_MAX_SG: bytes short */
	VQ_LOST_STASH,		/* kretprobe found no entry state */
	VQ_LOST_DEVICE_MAP,	/* a device beyond VQ_MAX_DEVICES */
	VQ_LOST_IRQ_MAP,	/* an irq beyond VQ_MAX_IRQS */
	VQ_LOSS_KINDS,
};

/*
 * The ring program (a BPF_PROG_TYPE_SYSCALL run on demand): given a queue
 * or a device in its context, it describes the device in the context and up
 * to VQ_SNAP_QUEUES of its queues, from queue position `skip`, in its
 * global array snap_queues (the verifier refuses variable offsets into a
 * context).
 */
struct vq_snap_queue {
	__u64 vq;		/* struct virtqueue * */
	__u32 index;
	__u32 num;		/* ring size */
	__u32 num_free;
	/* split: free-running indexes (mod 65536).  packed: positions in
	 * the ring (0..num-1), each with its wrap counter */
	__u16 used_idx;		/* split: the device's used->idx; packed: = last_used_idx */
	__u16 avail_idx;	/* split: avail_idx_shadow; packed: next_avail_idx */
	__u16 last_used_idx;	/* what the driver consumed (packed: wrap bit cleared) */
	__u8 packed;		/* VIRTIO_F_RING_PACKED ring */
	__u8 indirect;		/* the queue may use indirect descriptors */
	/* notification suppression, as each side last asked: split, the
	 * avail ring's flags (VRING_AVAIL_F_NO_INTERRUPT, the driver's
	 * shadow) and the used ring's (VRING_USED_F_NO_NOTIFY, the
	 * device's); packed, the driver and device event areas' flags
	 * (VRING_PACKED_EVENT_FLAG_ENABLE 0, DISABLE 1, DESC 2) */
	__u16 driver_flags;
	__u16 device_flags;
	__u8 avail_wrap;	/* packed: the driver's avail wrap counter */
	__u8 used_wrap;		/* packed: the wrap counter of last_used_idx */
	__u8 pad[6];
	char name[VQ_NAME_LEN];
};

_Static_assert(sizeof(struct vq_snap_queue) == 72, "vq_snap_queue layout");

/* Completions and adds user space derived from sampled ring indexes, per
 * queue; a map (written by user space only) so that a pinned daemon keeps
 * them across a restart. */
struct vq_ring_count {
	__u64 completed;
	__u64 added;
	__u16 last_used;
	__u16 last_avail;
	__u16 pad[2];
};

/*
 * Where the ring program finds struct vring_virtqueue's fields on a kernel
 * whose BTF does not describe it (virtio_ring a module, and no BTF for
 * modules: Linux 5.10), byte offsets from the struct virtqueue * (its first
 * member).  User space fills them from a table of such kernels
 * (src/vvq_layout.c); 0 for a field the layout lacks.
 */
struct vq_vvq_offsets {
	__u16 packed_ring, indirect, last_used_idx;
	__u16 split_num, split_used, split_avail_flags_shadow, split_avail_idx_shadow;
	__u16 packed_num, packed_driver, packed_device;
	__u16 packed_avail_wrap_counter, packed_used_wrap_counter, packed_next_avail_idx;
	__u16 pad;
};

struct vq_snap_ctx {
	/* in */
	__u64 vq;		/* a queue of the device, or 0 */
	__u64 vdev;		/* or the device itself */
	__u32 skip;
	/* out */
	__s32 dev_index;
	__u32 device_id;
	__u32 n_queues;		/* filled in queues[] */
	__u32 more;		/* 1 when the device has more queues */
	__u32 pad;
	__u64 features[2];
	__u64 vdev_out;
};

#endif
