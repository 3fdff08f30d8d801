/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kernel-side programs: loss counting, map
 * look-up-or-insert, and the kernel-version differences (CO-RE flavours).
 */
#ifndef VQWATCH_VQ_BPF_H
#define VQWATCH_VQ_BPF_H

#include "vqwatch_queue.h"

/* A store the compiler keeps, in place: user space reads these maps live. */
#define WRITE_ONCE(x, val) (*(volatile typeof(x) *)&(x) = (val))

/* Every record that could not be kept is counted here, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VQ_LOSS_KINDS);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

static __always_inline void count_loss(enum vq_loss kind)
{
	__u32 key = kind;
	__u64 *n = bpf_map_lookup_elem(&lost, &key);

	if (n)
		(*n)++;
}

/* bcc libbpf-tools' maps.bpf.h idea: insert a zero value if absent. */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero,
					    enum vq_loss kind)
{
	void *val = bpf_map_lookup_elem(map, key);

	if (val)
		return val;
	bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	val = bpf_map_lookup_elem(map, key);
	if (!val)
		count_loss(kind);
	return val;
}

/*
 * Linux 6.17 grew virtio features to 128 bits: vdev->features moved into an
 * anonymous union with features_array[2] (reference section 2, item 6).
 */
struct virtio_device___x6_17 {
	u64 features_array[2];
} __attribute__((preserve_access_index));

static __always_inline void read_vdev_features(struct virtio_device *vdev, __u64 out[2])
{
	struct virtio_device___x6_17 *x = (void *)vdev;

	out[0] = BPF_CORE_READ(vdev, features);
	out[1] = 0;
	if (bpf_core_field_exists(x->features_array))
		out[1] = BPF_CORE_READ(x, features_array[1]);
}

/* Defines the same body as an fentry and a kprobe program: a hook's two
 * modes, named FUNC_fentry and FUNC_kprobe; the session attaches one. */
#define VQ_ENTRY_HOOK1(body, func, t1, a1)					\
	SEC("fentry/" #func) int BPF_PROG(func##_fentry, t1 a1)			\
	{ return body(a1); }							\
	SEC("kprobe/" #func) int BPF_KPROBE(func##_kprobe, t1 a1)		\
	{ return body(a1); }

#endif
