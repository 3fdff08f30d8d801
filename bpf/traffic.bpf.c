// SPDX-License-Identifier: GPL-2.0
/*
 * Per-queue traffic: kicks, used-buffer interrupts, buffers added and
 * completed with their bytes, and the add-to-completion latency.  These run
 * on the I/O path, so each does one per-CPU hash look-up keyed by the
 * struct virtqueue * the hook is handed, and a few field reads; latency
 * needs one shared hash of in-flight tokens.  No ring-buffer events.
 *
 * Hooks (reference section 1): the transports' notify callbacks (reached
 * through vq->notify, never inlined; virtqueue_notify is), vring_interrupt,
 * the exported virtqueue_add_* (virtqueue_add_split is not traceable), and
 * both virtqueue_get_buf and virtqueue_get_buf_ctx (neither calls the other).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "vq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, VQ_MAX_QUEUES);
	__type(key, __u64);			/* struct virtqueue * */
	__type(value, struct vq_traffic);
} traffic SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VQ_MAX_TOKENS);	/* buffers in flight, all queues */
	__type(key, struct vq_token_key);
	__type(value, __u64);			/* add time, ns */
} tokens SEC(".maps");

/* kretprobe entry state: (vq, len pointer), by thread. */
struct get_buf_args {
	__u64 vq, len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);		/* threads inside get_buf at once */
	__type(key, __u64);			/* pid_tgid */
	__type(value, struct get_buf_args);
} stash SEC(".maps");

/* vring_interrupt runs in hard irq context, never nested on one CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);			/* the struct virtqueue * */
} irq_stash SEC(".maps");

static const struct vq_traffic zero_traffic;

static __always_inline struct vq_traffic *queue_traffic(struct virtqueue *vq)
{
	__u64 key = (__u64)vq;

	return lookup_or_init(&traffic, &key, &zero_traffic, VQ_LOST_QUEUE_MAP);
}

/* Kicks: the transport's notify. */
static __always_inline int on_notify(struct virtqueue *vq)
{
	struct vq_traffic *t = queue_traffic(vq);

	if (t)
		t->kicks++;
	return 0;
}
VQ_ENTRY_HOOK1(on_notify, vp_notify, struct virtqueue *, vq)
VQ_ENTRY_HOOK1(on_notify, vm_notify, struct virtqueue *, vq)
VQ_ENTRY_HOOK1(on_notify, vp_notify_with_data, struct virtqueue *, vq)
VQ_ENTRY_HOOK1(on_notify, vm_notify_with_data, struct virtqueue *, vq)



static __always_inline void count_interrupt(struct virtqueue *vq, long ret)
{
	struct vq_traffic *t = queue_traffic(vq);

	if (!t)
		return;
	t->interrupts++;
	if (ret == 0)	/* IRQ_NONE: nothing was used */
		t->spurious++;
}

SEC("fexit/vring_interrupt")
int BPF_PROG(vring_interrupt_fexit, int irq, struct virtqueue *vq, int ret)
{
	count_interrupt(vq, ret);
	return 0;
}

SEC("kprobe/vring_interrupt")
int BPF_KPROBE(vring_interrupt_kprobe, int irq, struct virtqueue *vq)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&irq_stash, &zero);

	if (slot)
		*slot = (__u64)vq;
	return 0;
}

SEC("kretprobe/vring_interrupt")
int BPF_KRETPROBE(vring_interrupt_kretprobe, int ret)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&irq_stash, &zero);

	if (!slot || !*slot) {
		count_loss(VQ_LOST_STASH);
		return 0;
	}
	count_interrupt((void *)*slot, ret);
	*slot = 0;
	return 0;
}

/* Sum the lengths of a scatterlist chain of at most n entries (sg_next:
 * bit 0 of page_link chains to another array, bit 1 ends the list).  One
 * kernel read per entry: the entry's head (page_link, offset, length) is
 * copied whole and its fields taken at their CO-RE offsets. */
static __always_inline __u64 sg_bytes(struct scatterlist *sg, unsigned int n)
{
	const __u32 link_off = bpf_core_field_offset(struct scatterlist, page_link);
	const __u32 len_off = bpf_core_field_offset(struct scatterlist, length);
	const __u32 size = bpf_core_type_size(struct scatterlist);
	__u64 head[2], sum = 0;	/* page_link, then offset and length */
	unsigned int i;

	if (link_off != 0 || len_off != 12) {	/* a layout this copy does not fit */
		count_loss(VQ_LOST_SG);
		return 0;
	}
	for (i = 0; i < VQ_MAX_SG && sg && i < n; i++) {
		unsigned long link;

		if (bpf_probe_read_kernel(head, sizeof(head), sg))
			break;
		sum += head[1] >> 32;	/* length: bytes 12..15 */
		link = head[0];
		if (link & 0x2)
			return sum;
		if (link & 0x1)	/* this entry chains: the next array */
			sg = (struct scatterlist *)(link & ~3UL);
		else
			sg = (void *)sg + size;
	}
	if (i == VQ_MAX_SG && i < n)
		count_loss(VQ_LOST_SG);
	return sum;
}

static __always_inline void count_add(struct virtqueue *vq, void *token, __u64 out_bytes,
				      __u64 in_room)
{
	struct vq_token_key key = { (__u64)vq, (__u64)token };
	struct vq_traffic *t = queue_traffic(vq);
	__u64 now = bpf_ktime_get_ns();

	if (t) {
		t->added++;
		t->out_bytes += out_bytes;
		t->posted_in_bytes += in_room;
	}
	if (bpf_map_update_elem(&tokens, &key, &now, BPF_ANY))
		count_loss(VQ_LOST_TOKEN_MAP);
}

/* fexit: only successful adds count.  kprobe: entry, so attempts count;
 * adds fail only on a full ring, which drivers check beforehand. */
SEC("fexit/virtqueue_add_outbuf")
int BPF_PROG(add_outbuf_fexit, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	     void *data, gfp_t gfp, int ret)
{
	if (!ret)
		count_add(vq, data, sg_bytes(sg, num), 0);
	return 0;
}

SEC("kprobe/virtqueue_add_outbuf")
int BPF_KPROBE(add_outbuf_kprobe, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	       void *data)
{
	count_add(vq, data, sg_bytes(sg, num), 0);
	return 0;
}

SEC("fexit/virtqueue_add_inbuf")
int BPF_PROG(add_inbuf_fexit, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	     void *data, gfp_t gfp, int ret)
{
	if (!ret)
		count_add(vq, data, 0, sg_bytes(sg, num));
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf")
int BPF_KPROBE(add_inbuf_kprobe, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	       void *data)
{
	count_add(vq, data, 0, sg_bytes(sg, num));
	return 0;
}

SEC("fexit/virtqueue_add_inbuf_ctx")
int BPF_PROG(add_inbuf_ctx_fexit, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	     void *data, void *c, gfp_t gfp, int ret)
{
	if (!ret)
		count_add(vq, data, 0, sg_bytes(sg, num));
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf_ctx")
int BPF_KPROBE(add_inbuf_ctx_kprobe, struct virtqueue *vq, struct scatterlist *sg,
	       unsigned int num, void *data)
{
	count_add(vq, data, 0, sg_bytes(sg, num));
	return 0;
}

/* add_sgs: the first out_sgs chains go to the device. */
static __always_inline __u64 sgs_out_bytes(struct scatterlist **sgs, unsigned int out_sgs)
{
	__u64 sum = 0;

	for (unsigned int i = 0; i < VQ_MAX_SG_CHAINS && i < out_sgs; i++) {
		struct scatterlist *sg = NULL;

		bpf_probe_read_kernel(&sg, sizeof(sg), &sgs[i]);
		sum += sg_bytes(sg, VQ_MAX_SG);
	}
	if (out_sgs > VQ_MAX_SG_CHAINS)
		count_loss(VQ_LOST_SG);
	return sum;
}

/* sgs (a pointer to pointers) is refused as a typed argument: raw ctx. */
SEC("fexit/virtqueue_add_sgs")
int add_sgs_fexit(__u64 *ctx)
{
	__u64 vq = 0, sgs = 0, out_sgs = 0, data = 0, ret = 0;

	bpf_get_func_arg(ctx, 0, &vq);
	bpf_get_func_arg(ctx, 1, &sgs);
	bpf_get_func_arg(ctx, 2, &out_sgs);
	bpf_get_func_arg(ctx, 4, &data);
	bpf_get_func_ret(ctx, &ret);
	if (!(int)ret)
		count_add((void *)vq, (void *)data, sgs_out_bytes((void *)sgs, (unsigned int)out_sgs), 0);
	return 0;
}

SEC("kprobe/virtqueue_add_sgs")
int BPF_KPROBE(add_sgs_kprobe, struct virtqueue *vq, struct scatterlist **sgs,
	       unsigned int out_sgs, unsigned int in_sgs, void *data)
{
	count_add(vq, data, sgs_out_bytes(sgs, out_sgs), 0);
	return 0;
}

static __always_inline unsigned int log2_slot(__u64 us)
{
	unsigned int slot = 0;

	for (int i = 0; i < VQ_HIST_SLOTS - 1 && us; i++) {
		us >>= 1;
		slot++;
	}
	return slot;
}

/* A buffer came back: token is what get_buf returned, *len the used length. */
static __always_inline void count_completion(struct virtqueue *vq, unsigned int *lenp, void *token)
{
	struct vq_token_key key = { (__u64)vq, (__u64)token };
	struct vq_traffic *t;
	unsigned int len = 0;
	__u64 *added;

	if (!token)
		return;
	t = queue_traffic(vq);
	if (!t)
		return;
	bpf_probe_read_kernel(&len, sizeof(len), lenp);
	t->completed++;
	t->in_bytes += len;
	added = bpf_map_lookup_elem(&tokens, &key);
	if (!added)	/* added before vqwatch started */
		return;
	__u64 us = (bpf_ktime_get_ns() - *added) / 1000;
	unsigned int slot = log2_slot(us);

	bpf_map_delete_elem(&tokens, &key);
	t->lat_count++;
	t->lat_sum_us += us;
	if (slot < VQ_HIST_SLOTS)
		t->lat_slots[slot]++;
}

SEC("fexit/virtqueue_get_buf")
int BPF_PROG(get_buf_fexit, struct virtqueue *vq, unsigned int *len, void *ret)
{
	count_completion(vq, len, ret);
	return 0;
}

SEC("fexit/virtqueue_get_buf_ctx")
int BPF_PROG(get_buf_ctx_fexit, struct virtqueue *vq, unsigned int *len, void **c, void *ret)
{
	count_completion(vq, len, ret);
	return 0;
}

static __always_inline int stash_get_buf(struct virtqueue *vq, unsigned int *len)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct get_buf_args a = { (__u64)vq, (__u64)len };

	bpf_map_update_elem(&stash, &id, &a, BPF_ANY);
	return 0;
}

static __always_inline int unstash_get_buf(void *ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct get_buf_args *a = bpf_map_lookup_elem(&stash, &id);

	if (!a) {
		count_loss(VQ_LOST_STASH);
		return 0;
	}
	count_completion((void *)a->vq, (void *)a->len, ret);
	bpf_map_delete_elem(&stash, &id);
	return 0;
}

SEC("kprobe/virtqueue_get_buf")
int BPF_KPROBE(get_buf_kprobe, struct virtqueue *vq, unsigned int *len)
{
	return stash_get_buf(vq, len);
}

SEC("kretprobe/virtqueue_get_buf")
int BPF_KRETPROBE(get_buf_kretprobe, void *ret)
{
	return unstash_get_buf(ret);
}

SEC("kprobe/virtqueue_get_buf_ctx")
int BPF_KPROBE(get_buf_ctx_kprobe, struct virtqueue *vq, unsigned int *len)
{
	return stash_get_buf(vq, len);
}

SEC("kretprobe/virtqueue_get_buf_ctx")
int BPF_KRETPROBE(get_buf_ctx_kretprobe, void *ret)
{
	return unstash_get_buf(ret);
}
