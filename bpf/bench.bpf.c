// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark baseline only (make bench), never in the vqwatch binary: empty
 * programs on the hot hooks vqwatch uses, so that bpf_stats gives the cost
 * of the attach mechanism itself, and vqwatch's programs can be compared
 * with it at the same hook in the same run.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/irq_handler_entry")
int empty_irq_entry(void *ctx) { return 0; }

SEC("tp_btf/irq_handler_exit")
int empty_irq_exit(void *ctx) { return 0; }

SEC("fentry/vp_notify")
int empty_vp_notify(void *ctx) { return 0; }

SEC("fexit/vring_interrupt")
int empty_vring_int(void *ctx) { return 0; }

SEC("fexit/virtqueue_add_sgs")
int empty_add_sgs(void *ctx) { return 0; }

SEC("fexit/virtqueue_add_outbuf")
int empty_add_outbuf(void *ctx) { return 0; }

SEC("fexit/virtqueue_get_buf")
int empty_get_buf(void *ctx) { return 0; }
