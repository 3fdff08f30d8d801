// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark peer only (make bench), never in the vqwatch binary: a libbpf
 * port of bcc's tools/virtiostat.py (zhenwei pi, 2021), written from its
 * description of what it does, so that vqwatch's cost per I/O can be set
 * against the only other virtio tracer in the same boot.  Faithful to the
 * Python tool's BPF side: the same four kprobes (virtqueue_add_sgs,
 * virtqueue_add_outbuf, virtqueue_add_inbuf, virtqueue_add_inbuf_ctx; no
 * completion hook), one shared BPF hash keyed by the virtqueue pointer with
 * the same value (driver, device and queue names, in/out sgs, in/out bytes),
 * the same scatterlist walk (at most 6 chains of at most 128 entries, the
 * same kernel reads per entry), the names read on a queue's first event and
 * the counters then updated in place without atomics.  No filters (the
 * tool's -d/-n are off by default).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

#define VIRTIO_MAX_SGS	6	/* typically virtio scsi has max SGs of 6 */
#define SG_MAX		128	/* typically virtio blk has max SEG of 128 */
#define SG_CHAIN	0x01UL
#define SG_END		0x02UL

#include "virtiostat.h"

/* BPF_HASH(stats, u64, virtio_stat_t): bcc's default size, 10240 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct virtio_stat);
} stats SEC(".maps");

/* the tool's __sg_next(): the entry read whole, then the next one */
static __always_inline struct scatterlist *sg_next_k(struct scatterlist *sgp)
{
	struct scatterlist sg;

	bpf_probe_read_kernel(&sg, sizeof(sg), sgp);
	if (sg.page_link & SG_END)
		return NULL;
	sgp++;
	bpf_probe_read_kernel(&sg, sizeof(sg), sgp);
	if (sg.page_link & SG_CHAIN)
		sgp = (struct scatterlist *)(sg.page_link & ~(SG_CHAIN | SG_END));
	return sgp;
}

/* one chain: `length += sgp->length` is a kernel read in bcc's rewrite */
static __always_inline __u64 chain_len(struct scatterlist *sgp)
{
	__u64 length = 0;
	unsigned int n;

	for (n = 0; sgp && n < SG_MAX; sgp = sg_next_k(sgp)) {
		unsigned int len = 0;

		bpf_probe_read_kernel(&len, sizeof(len), &sgp->length);
		length += len;
		n++;
	}
	return length;
}

/* count_len() over a kernel array of chain heads (virtqueue_add_sgs) */
static __noinline __u64 count_len(struct scatterlist **sgs, unsigned int num)
{
	__u64 length = 0;
	unsigned int i;

	for (i = 0; i < VIRTIO_MAX_SGS && i < num; i++) {
		struct scatterlist *sgp = NULL;

		bpf_probe_read_kernel(&sgp, sizeof(sgp), &sgs[i]);
		length += chain_len(sgp);
		asm volatile("" : "=r"(i) : "0"(i));
	}
	return length;
}

/*
 * record(): sgs is either the kernel's array (add_sgs) or, for the single
 * chain of add_outbuf/add_inbuf(_ctx), that chain's head (one == chain).
 */
static __always_inline void record(struct virtqueue *vq, struct scatterlist **sgs,
				   struct scatterlist *one, unsigned int out_sgs,
				   unsigned int in_sgs)
{
	struct virtio_stat newvs = {};
	struct virtio_stat *vs;
	__u64 key = (__u64)vq;
	__u64 in_bw = 0;

	if (in_sgs)
		in_bw = one ? chain_len(one) : count_len(sgs + out_sgs, in_sgs);
	vs = bpf_map_lookup_elem(&stats, &key);
	if (!vs) {
		bpf_probe_read_kernel_str(newvs.driver, sizeof(newvs.driver),
					  BPF_CORE_READ(vq, vdev, dev.driver, name));
		bpf_probe_read_kernel_str(newvs.dev, sizeof(newvs.dev),
					  BPF_CORE_READ(vq, vdev, dev.kobj.name));
		bpf_probe_read_kernel_str(newvs.vqname, sizeof(newvs.vqname),
					  BPF_CORE_READ(vq, name));
		newvs.out_sgs = out_sgs;
		newvs.in_sgs = in_sgs;
		if (out_sgs)
			newvs.out_bw = one ? chain_len(one) : count_len(sgs, out_sgs);
		newvs.in_bw = in_bw;
		bpf_map_update_elem(&stats, &key, &newvs, BPF_ANY);
	} else {
		vs->out_sgs += out_sgs;
		vs->in_sgs += in_sgs;
		if (out_sgs)
			vs->out_bw += one ? chain_len(one) : count_len(sgs, out_sgs);
		vs->in_bw += in_bw;
	}
}

/* program names are at most 15 characters in bpf_prog_info */
SEC("kprobe/virtqueue_add_sgs")
int BPF_KPROBE(vs_add_sgs, struct virtqueue *vq, struct scatterlist **sgs,
	       unsigned int out_sgs, unsigned int in_sgs)
{
	record(vq, sgs, NULL, out_sgs, in_sgs);
	return 0;
}

SEC("kprobe/virtqueue_add_outbuf")
int BPF_KPROBE(vs_add_outbuf, struct virtqueue *vq, struct scatterlist *sg)
{
	record(vq, NULL, sg, 1, 0);
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf")
int BPF_KPROBE(vs_add_inbuf, struct virtqueue *vq, struct scatterlist *sg)
{
	record(vq, NULL, sg, 0, 1);
	return 0;
}

SEC("kprobe/virtqueue_add_inbuf_ctx")
int BPF_KPROBE(vs_add_inbuf_c, struct virtqueue *vq, struct scatterlist *sg)
{
	record(vq, NULL, sg, 0, 1);
	return 0;
}
