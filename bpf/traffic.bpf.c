// SPDX-License-Identifier: GPL-2.0
/*
 * Per-queue traffic: kicks, used-buffer interrupts, buffers added and
 * completed with their bytes, and the add-to-completion latency.  These run
 * on the I/O path, so they use no hash map and no lock: a queue's counters
 * are a per-CPU array slot found from the struct virtqueue * the hook is
 * handed, a buffer's add time an entry of a shared array found from its
 * token (vqwatch_queue.h, open addressing).  No ring-buffer events.
 *
 * The counting lives in global (non-static, __noinline) functions taking
 * plain numbers: the verifier checks a global function once per program,
 * not once per call site and path, which keeps the load fast (the unrolled
 * probe and scatterlist loops took seconds to verify under emulation).
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

/* slot -> the struct virtqueue * that claimed it; read by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VQ_MAX_QUEUES);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct vq_slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VQ_MAX_QUEUES);
	__type(key, __u32);			/* the queue's slot */
	__type(value, struct vq_traffic);
} traffic SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VQ_MAX_TOKENS);	/* buffers in flight, all queues */
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct vq_token);
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

/*
 * Kernels without BPF compare-and-swap (before 5.12) keep the claims per
 * CPU instead: this file built with -DVQ_PERCPU_SLOTS (their verifier
 * refuses an object that holds an atomic it does not know, reached or
 * not).  On one CPU these programs never run nested (kprobes and fentry
 * skip a program while another runs there), so a plain claim is enough;
 * user space sums each CPU's slots that a queue owns.  Buffers' add times
 * (tokens) move between CPUs and need compare-and-swap: none kept there.
 */
#ifdef VQ_PERCPU_SLOTS
#define percpu_slots true
#else
#define percpu_slots false
#endif

/* An argument of a global function that the per-CPU build does not read:
 * the compiler would leave its register unset at the call, and 5.10's
 * verifier checks every argument of the prototype.  Nothing in the other
 * build, whose instructions stay as they were. */
#ifdef VQ_PERCPU_SLOTS
#define ARG_USED(x) asm volatile("" : : "r"(x))
#else
#define ARG_USED(x) ((void)(x))
#endif

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, VQ_MAX_QUEUES);
	__type(key, __u32);
	__type(value, struct vq_slot);
} slots_percpu SEC(".maps");

/* The queue's slot: its own, or the first free one among its probes,
 * claimed.  Two CPUs claiming for the same queue end in the same slot. */
static __always_inline struct vq_slot *queue_slot(__u64 key, __u32 *index)
{
	__u32 h = vq_hash(key, VQ_MAX_QUEUES - 1);

	for (int i = 0; i < VQ_SLOT_PROBES; i++) {
		__u32 slot = (h + i) & (VQ_MAX_QUEUES - 1);
		struct vq_slot *e;
		__u64 cur;

		if (percpu_slots) {
			e = bpf_map_lookup_elem(&slots_percpu, &slot);
			if (!e)
				break;
			if (!e->owner)
				e->owner = key;
			cur = e->owner == key ? 0 : e->owner;
		} else {
			e = bpf_map_lookup_elem(&slots, &slot);
			if (!e)
				break;
			cur = e->owner;
			if (!cur)
				cur = __sync_val_compare_and_swap(&e->owner, 0, key);
		}
		if (!cur || cur == key) {
			*index = slot;
			return e;
		}
	}
	count_loss(VQ_LOST_QUEUE_MAP);
	return NULL;
}

static __always_inline struct vq_traffic *queue_traffic(__u64 key)
{
	__u32 slot;

	if (!queue_slot(key, &slot))
		return NULL;
	return bpf_map_lookup_elem(&traffic, &slot);
}

/* A fentry/fexit argument as a number: BTF types a struct virtqueue * as a
 * pointer, on which the verifier refuses the slot hash's arithmetic, and
 * which a global function does not accept. */
static __always_inline __u64 func_arg(__u64 *ctx, int n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

/* A fexit's return value, as the function's int. */
static __always_inline int func_ret(__u64 *ctx)
{
	__u64 v = 0;

	bpf_get_func_ret(ctx, &v);
	return (int)v;
}

/* Kicks: the transport's notify. */
__noinline int vq_kick(__u64 vq)
{
	__u32 slot;
	struct vq_slot *e = queue_slot(vq, &slot);

	if (e && percpu_slots)
		e->kicks++;
	else if (e)
		__sync_fetch_and_add(&e->kicks, 1);
	return 0;
}
#define VQ_NOTIFY_HOOK(func)								\
	SEC("fentry/" #func) int func##_fentry(__u64 *ctx)				\
	{ vq_kick(func_arg(ctx, 0)); return 0; }					\
	SEC("kprobe/" #func) int BPF_KPROBE(func##_kprobe, struct virtqueue *vq)	\
	{ vq_kick((__u64)vq); return 0; }
VQ_NOTIFY_HOOK(vp_notify)
VQ_NOTIFY_HOOK(vm_notify)
VQ_NOTIFY_HOOK(vp_notify_with_data)
VQ_NOTIFY_HOOK(vm_notify_with_data)

__noinline int vq_interrupt(__u64 vq, __s64 ret)
{
	struct vq_traffic *t = queue_traffic(vq);

	if (!t)
		return 0;
	t->interrupts++;
	if (ret == 0)	/* IRQ_NONE: nothing was used */
		t->spurious++;
	return 0;
}

/* vring_interrupt(irq, vq) */
SEC("fexit/vring_interrupt")
int vring_interrupt_fexit(__u64 *ctx)
{
	vq_interrupt(func_arg(ctx, 1), func_ret(ctx));
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
	vq_interrupt(*slot, ret);
	*slot = 0;
	return 0;
}

/* Sum the lengths of a scatterlist chain of at most n entries (sg_next:
 * bit 0 of page_link chains to another array, bit 1 ends the list).  One
 * kernel read per entry: the entry's head (page_link, offset, length) is
 * copied whole and its fields taken at their CO-RE offsets. */
__noinline __u64 vq_sg_bytes(__u64 sg, __u32 n)
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

		if (bpf_probe_read_kernel(head, sizeof(head), (void *)sg))
			break;
		sum += head[1] >> 32;	/* length: bytes 12..15 */
		link = head[0];
		if (link & 0x2)
			return sum;
		if (link & 0x1)	/* this entry chains: the next array */
			sg = link & ~3UL;
		else
			sg += size;
	}
	if (i == VQ_MAX_SG && i < n)
		count_loss(VQ_LOST_SG);
	return sum;
}

/* Remember the add time of (vq, token): in its entry if it has one (a
 * driver re-adding a token, or an entry left behind when the completion ran
 * before this fexit), else in the first free entry among its probes.  One
 * pass; another CPU taking that free entry first makes it a loss. */
static __always_inline void token_added(__u64 vq, __u64 token, __u64 now)
{
	__u32 h = vq_token_hash(vq, token, VQ_MAX_TOKENS - 1), free_k = 0;
	bool have_free = false;
	struct vq_token *e;

	if (percpu_slots)	/* no compare-and-swap: no add times */
		return;
	for (int i = 0; i < VQ_TOKEN_PROBES; i++) {
		__u32 k = (h + i) & (VQ_MAX_TOKENS - 1);

		e = bpf_map_lookup_elem(&tokens, &k);
		if (!e)
			continue;
		if (e->token == token && e->vq == vq) {
			e->added_ns = now;
			return;
		}
		if (!have_free && !e->token) {
			free_k = k;
			have_free = true;
		}
	}
	e = have_free ? bpf_map_lookup_elem(&tokens, &free_k) : NULL;
	if (e && !__sync_val_compare_and_swap(&e->token, 0, token)) {
		WRITE_ONCE(e->added_ns, now);
		WRITE_ONCE(e->vq, vq);
		return;
	}
	count_loss(VQ_LOST_TOKEN_MAP);
}

/* The add time of (vq, token), its entry freed; 0 if it was not kept
 * (added before vqwatch started). */
static __always_inline __u64 token_completed(__u64 vq, __u64 token)
{
	__u32 h = vq_token_hash(vq, token, VQ_MAX_TOKENS - 1);

	if (percpu_slots)
		return 0;
	for (int i = 0; i < VQ_TOKEN_PROBES; i++) {
		__u32 k = (h + i) & (VQ_MAX_TOKENS - 1);
		struct vq_token *e = bpf_map_lookup_elem(&tokens, &k);
		__u64 added;

		if (!e || e->token != token || e->vq != vq)
			continue;
		added = e->added_ns;
		WRITE_ONCE(e->vq, 0);
		WRITE_ONCE(e->added_ns, 0);
		if (__sync_val_compare_and_swap(&e->token, token, 0) == token)
			return added;
		return 0;
	}
	return 0;
}

/* --latency-sample N: time about one buffer in N (1: every buffer), set
 * before load. */
const volatile __u32 latency_sample = 1;

__noinline int vq_add(__u64 vq, __u64 token, __u64 out_bytes, __u64 in_room)
{
	struct vq_traffic *t = queue_traffic(vq);

	ARG_USED(token);
	if (t) {
		t->added++;
		t->out_bytes += out_bytes;
		t->posted_in_bytes += in_room;
	}
	/* a buffer not timed takes no clock read and no entry: its completion
	 * finds none and counts no latency */
	if (percpu_slots || (latency_sample > 1 && bpf_get_prandom_u32() % latency_sample))
		return 0;
	token_added(vq, token, bpf_ktime_get_ns());
	return 0;
}

/*
 * Buffers added.  fexit: only successful adds count.  kprobe: entry, so
 * attempts count; adds fail only on a full ring, which drivers check
 * beforehand.  The fexit programs take their arguments from the raw context
 * (func_arg): a global function accepts numbers, not BTF pointers.
 * add_outbuf/add_inbuf/add_inbuf_ctx(vq, sg, num, data, ...).
 */
SEC("fexit/virtqueue_add_outbuf")
int add_outbuf_fexit(__u64 *ctx)
{
	if (!func_ret(ctx))
		vq_add(func_arg(ctx, 0), func_arg(ctx, 3),
		       vq_sg_bytes(func_arg(ctx, 1), func_arg(ctx, 2)), 0);
	return 0;
}

SEC("kprobe/virtqueue_add_outbuf")
int BPF_KPROBE(add_outbuf_kprobe, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	       void *data)
{
	vq_add((__u64)vq, (__u64)data, vq_sg_bytes((__u64)sg, num), 0);
	return 0;
}

SEC("fexit/virtqueue_add_inbuf")
int add_inbuf_fexit(__u64 *ctx)
{
	if (!func_ret(ctx))
		vq_add(func_arg(ctx, 0), func_arg(ctx, 3), 0,
		       vq_sg_bytes(func_arg(ctx, 1), func_arg(ctx, 2)));
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf")
int BPF_KPROBE(add_inbuf_kprobe, struct virtqueue *vq, struct scatterlist *sg, unsigned int num,
	       void *data)
{
	vq_add((__u64)vq, (__u64)data, 0, vq_sg_bytes((__u64)sg, num));
	return 0;
}

SEC("fexit/virtqueue_add_inbuf_ctx")
int add_inbuf_ctx_fexit(__u64 *ctx)
{
	if (!func_ret(ctx))
		vq_add(func_arg(ctx, 0), func_arg(ctx, 3), 0,
		       vq_sg_bytes(func_arg(ctx, 1), func_arg(ctx, 2)));
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf_ctx")
int BPF_KPROBE(add_inbuf_ctx_kprobe, struct virtqueue *vq, struct scatterlist *sg,
	       unsigned int num, void *data)
{
	vq_add((__u64)vq, (__u64)data, 0, vq_sg_bytes((__u64)sg, num));
	return 0;
}

/* add_sgs(vq, sgs, out_sgs, in_sgs, data, gfp): the first out_sgs chains
 * go to the device. */
__noinline __u64 vq_sgs_out_bytes(__u64 sgs, __u32 out_sgs)
{
	__u64 chains[VQ_MAX_SG_CHAINS] = {}, sum = 0;

	if (!out_sgs)
		return 0;
	/* the chains' heads in one read (kernel reads dominate this program):
	 * the whole array of VQ_MAX_SG_CHAINS, past the driver's own if it is
	 * shorter (those are never used); one at a time where that faults */
	if (bpf_probe_read_kernel(chains, sizeof(chains), (void *)sgs))
		for (unsigned int i = 0; i < VQ_MAX_SG_CHAINS && i < out_sgs; i++)
			bpf_probe_read_kernel(&chains[i], sizeof(chains[i]),
					      (void *)(sgs + i * sizeof(chains[i])));
	for (unsigned int i = 0; i < VQ_MAX_SG_CHAINS && i < out_sgs; i++)
		sum += vq_sg_bytes(chains[i], VQ_MAX_SG);
	if (out_sgs > VQ_MAX_SG_CHAINS)
		count_loss(VQ_LOST_SG);
	return sum;
}

SEC("fexit/virtqueue_add_sgs")
int add_sgs_fexit(__u64 *ctx)
{
	if (!func_ret(ctx))
		vq_add(func_arg(ctx, 0), func_arg(ctx, 4),
		       vq_sgs_out_bytes(func_arg(ctx, 1), func_arg(ctx, 2)), 0);
	return 0;
}

SEC("kprobe/virtqueue_add_sgs")
int BPF_KPROBE(add_sgs_kprobe, struct virtqueue *vq, struct scatterlist **sgs,
	       unsigned int out_sgs, unsigned int in_sgs, void *data)
{
	vq_add((__u64)vq, (__u64)data, vq_sgs_out_bytes((__u64)sgs, out_sgs), 0);
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

/* A buffer came back: token is what get_buf returned, lenp the address of
 * the used length. */
__noinline int vq_completion(__u64 vq, __u64 lenp, __u64 token)
{
	struct vq_traffic *t;
	unsigned int len = 0;
	__u64 added, us;
	unsigned int slot;

	if (!token)
		return 0;
	t = queue_traffic(vq);
	if (!t)
		return 0;
	bpf_probe_read_kernel(&len, sizeof(len), (void *)lenp);
	t->completed++;
	t->in_bytes += len;
	added = token_completed(vq, token);
	if (!added)	/* added before vqwatch started */
		return 0;
	us = (bpf_ktime_get_ns() - added) / 1000;
	slot = log2_slot(us);
	t->lat_count++;
	t->lat_sum_us += us;
	if (slot < VQ_HIST_SLOTS)
		t->lat_slots[slot]++;
	return 0;
}

/* get_buf(vq, len) and get_buf_ctx(vq, len, ctx) return the token. */
SEC("fexit/virtqueue_get_buf")
int get_buf_fexit(__u64 *ctx)
{
	__u64 token = 0;

	bpf_get_func_ret(ctx, &token);
	vq_completion(func_arg(ctx, 0), func_arg(ctx, 1), token);
	return 0;
}

SEC("fexit/virtqueue_get_buf_ctx")
int get_buf_ctx_fexit(__u64 *ctx)
{
	__u64 token = 0;

	bpf_get_func_ret(ctx, &token);
	vq_completion(func_arg(ctx, 0), func_arg(ctx, 1), token);
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
	vq_completion(a->vq, a->len, (__u64)ret);
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
