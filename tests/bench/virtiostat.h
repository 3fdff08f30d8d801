/* SPDX-License-Identifier: GPL-2.0 */
/* The benchmark peer's map value, shared by its BPF side and its loader
 * (tests/bench/virtiostat.bpf.c, virtiostat.c): bcc's virtio_stat_t. */
#ifndef VIRTIOSTAT_H
#define VIRTIOSTAT_H

struct virtio_stat {
	char driver[16];
	char dev[12];
	char vqname[12];
	__u32 in_sgs;
	__u32 out_sgs;
	__u64 in_bw;
	__u64 out_bw;
};

#endif
