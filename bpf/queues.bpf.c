// SPDX-License-Identifier: GPL-2.0
/*
 * Queue discovery and features: cold hooks that run at probe, removal and
 * when user space reads a device's uevent file.  They record identities
 * (struct virtio_device and struct virtqueue addresses), the driver's
 * find_vqs slots and the features offered and negotiated; the ring program
 * (ring.bpf.c) reads names, sizes and ring state from those addresses.
 *
 * Hooks (reference: kernel-hook-points.md section 1):
 *   virtio_uevent        devices that existed before vqwatch started
 *   vp_find_vqs/vm_find_vqs  the driver's slots (exit: vqs[i])
 *   vp_modern_get_features/vm_get_features  offered features (exit)
 *   virtio_features_ok   negotiated features (dev->features is final)
 *   vring_del_virtqueue  queue deletion
 * Each has an fentry/fexit and a kprobe/kretprobe variant: on 6.1 the
 * trampoline takes at most 6 arguments, so vp_find_vqs (7) needs kprobes.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VQ_MAX_DEVICES);	/* virtio devices of a guest */
	__type(key, __u64);			/* struct virtio_device * */
	__type(value, struct vq_dev_seen);
} devices SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VQ_MAX_QUEUES);
	__type(key, __u64);			/* struct virtqueue * */
	__type(value, struct vq_created);
} created SEC(".maps");

/* Entry state for kretprobes, by thread: find_vqs sleeps (may migrate). */
struct find_vqs_args {
	__u64 vdev, vqs;
	__u32 nvqs, pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);		/* threads inside a hook at once */
	__type(key, __u64);			/* pid_tgid */
	__type(value, struct find_vqs_args);
} stash SEC(".maps");

static const struct vq_dev_seen zero_dev = { .dev_index = -1 };

static __always_inline struct vq_dev_seen *device_seen(struct virtio_device *vdev)
{
	__u64 key = (__u64)vdev;
	struct vq_dev_seen *d = lookup_or_init(&devices, &key, &zero_dev, VQ_LOST_DEVICE_MAP);

	if (d)
		d->dev_index = BPF_CORE_READ(vdev, index);
	return d;
}

/* virtio_uevent(struct device *dev, ...): dev is vdev->dev. */
static __always_inline int on_uevent(struct device *dev)
{
	struct virtio_device *vdev = (void *)dev - bpf_core_field_offset(struct virtio_device, dev);

	device_seen(vdev);
	return 0;
}
VQ_ENTRY_HOOK1(on_uevent, virtio_uevent, struct device *, dev)

/* After find_vqs returned 0: vqs[i] is the queue of the driver's slot i
 * (NULL for a slot it left empty). */
static __always_inline int record_slots(struct virtio_device *vdev, unsigned int nvqs,
					struct virtqueue **vqs, long ret)
{
	if (ret)
		return 0;
	device_seen(vdev);
	for (unsigned int i = 0; i < VQ_MAX_SLOTS && i < nvqs; i++) {
		struct vq_created c = { .vdev = (__u64)vdev, .slot = (__s32)i,
					 .flags = VQ_CREATED_AT_PROBE };
		struct virtqueue *vq = NULL;
		__u64 key;

		bpf_probe_read_kernel(&vq, sizeof(vq), &vqs[i]);
		if (!vq)
			continue;
		key = (__u64)vq;
		if (bpf_map_update_elem(&created, &key, &c, BPF_ANY))
			count_loss(VQ_LOST_QUEUE_MAP);
	}
	return 0;
}

#define FIND_VQS_HOOK(name, func)						\
	/* vqs (a pointer to pointers) is refused as a typed argument: raw */	\
	SEC("fexit/" #func)							\
	int name##_fexit(__u64 *ctx)						\
	{									\
		__u64 vdev = 0, nvqs = 0, vqs = 0, ret = 0;			\
		bpf_get_func_arg(ctx, 0, &vdev);				\
		bpf_get_func_arg(ctx, 1, &nvqs);				\
		bpf_get_func_arg(ctx, 2, &vqs);					\
		bpf_get_func_ret(ctx, &ret);					\
		return record_slots((void *)vdev, (unsigned int)nvqs, (void *)vqs, (long)ret); \
	}									\
	SEC("kprobe/" #func)							\
	int BPF_KPROBE(name##_kprobe, struct virtio_device *vdev, unsigned int nvqs, \
		       struct virtqueue **vqs)					\
	{									\
		__u64 id = bpf_get_current_pid_tgid();				\
		struct find_vqs_args a = { .vdev = (__u64)vdev, .vqs = (__u64)vqs, .nvqs = nvqs };	\
		bpf_map_update_elem(&stash, &id, &a, BPF_ANY);			\
		return 0;							\
	}									\
	SEC("kretprobe/" #func)							\
	int BPF_KRETPROBE(name##_kretprobe, long ret)				\
	{									\
		__u64 id = bpf_get_current_pid_tgid();				\
		struct find_vqs_args *a = bpf_map_lookup_elem(&stash, &id);	\
		if (!a) {							\
			count_loss(VQ_LOST_STASH);				\
			return 0;						\
		}								\
		record_slots((void *)a->vdev, a->nvqs, (void *)a->vqs, ret);	\
		bpf_map_delete_elem(&stash, &id);				\
		return 0;							\
	}

FIND_VQS_HOOK(vp_find_vqs, vp_find_vqs)
FIND_VQS_HOOK(vm_find_vqs, vm_find_vqs)

static __always_inline void record_offered(struct virtio_device *vdev, __u64 features)
{
	struct vq_dev_seen *d = device_seen(vdev);

	if (!d)
		return;
	d->offered[0] = features;
	d->offered[1] = 0;
	d->flags |= VQ_SEEN_OFFERED;
}

/* The modern PCI device is vp_dev->mdev; vp_dev starts with its vdev. */
static __always_inline struct virtio_device *vdev_of_mdev(void *mdev)
{
	return mdev - bpf_core_field_offset(struct virtio_pci_device, mdev);
}

SEC("fexit/vp_modern_get_features")
int BPF_PROG(vp_get_features_fexit, void *mdev, __u64 ret)
{
	record_offered(vdev_of_mdev(mdev), ret);
	return 0;
}

/* kprobe mode: the device at entry, the offer at return, by thread. */
static __always_inline int stash_vdev(struct virtio_device *vdev)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct find_vqs_args a = { .vdev = (__u64)vdev };

	bpf_map_update_elem(&stash, &id, &a, BPF_ANY);
	return 0;
}

static __always_inline int unstash_offered(__u64 features)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct find_vqs_args *a = bpf_map_lookup_elem(&stash, &id);

	if (!a) {
		count_loss(VQ_LOST_STASH);
		return 0;
	}
	record_offered((void *)a->vdev, features);
	bpf_map_delete_elem(&stash, &id);
	return 0;
}

SEC("kprobe/vp_modern_get_features")
int BPF_KPROBE(vp_get_features_kprobe, void *mdev)
{
	return stash_vdev(vdev_of_mdev(mdev));
}

SEC("kretprobe/vp_modern_get_features")
int BPF_KRETPROBE(vp_get_features_kretprobe, __u64 ret)
{
	return unstash_offered(ret);
}

SEC("fexit/vm_get_features")
int BPF_PROG(vm_get_features_fexit, struct virtio_device *vdev, __u64 ret)
{
	record_offered(vdev, ret);
	return 0;
}

SEC("kprobe/vm_get_features")
int BPF_KPROBE(vm_get_features_kprobe, struct virtio_device *vdev)
{
	return stash_vdev(vdev);
}

SEC("kretprobe/vm_get_features")
int BPF_KRETPROBE(vm_get_features_kretprobe, __u64 ret)
{
	return unstash_offered(ret);
}

/* virtio_features_ok(dev): the driver's validate and the transport's
 * finalize_features have run, dev->features is what was negotiated. */
static __always_inline int on_features_ok(struct virtio_device *vdev)
{
	struct vq_dev_seen *d = device_seen(vdev);

	if (d) {
		read_vdev_features(vdev, d->negotiated);
		d->flags |= VQ_SEEN_NEGOTIATED;
	}
	return 0;
}
VQ_ENTRY_HOOK1(on_features_ok, virtio_features_ok, struct virtio_device *, vdev)

static const struct vq_created zero_created = { .slot = -1 };

static __always_inline int on_del_vq(struct virtqueue *vq)
{
	__u64 key = (__u64)vq;
	struct vq_created *c = lookup_or_init(&created, &key, &zero_created, VQ_LOST_QUEUE_MAP);

	if (!c)
		return 0;
	c->vdev = (__u64)BPF_CORE_READ(vq, vdev);
	c->flags |= VQ_CREATED_DELETED;
	return 0;
}
VQ_ENTRY_HOOK1(on_del_vq, vring_del_virtqueue, struct virtqueue *, vq)
