// SPDX-License-Identifier: GPL-2.0
/*
 * make bench-daemon's helper: fills the counting maps a `vqwatch daemon
 * --pin DIR` left pinned, as if the daemon had seen N queues, so that the
 * daemon restarted on the same pins reads N used entries at every sample
 * and every scrape.
 *   fill_pins fill DIR N   irq_counts: its top N slots used (irqs no
 *                          machine has), each with a queue's dev_id as
 *                          vring_interrupt hands it; ring_counts: N entries
 *                          keyed by the same queues
 *   fill_pins count DIR              used irq slots, ring_counts entries
 * The maps must be the daemon's own (made by this build: the layouts are
 * checked, never guessed).  The queue addresses are non-canonical
 * (0xdead...), so the ring program's kernel reads of them fail at once:
 * the daemon tracks N queues it can never resolve to a device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vqwatch_irq.h"
#include "vqwatch_queue.h"

#define FAKE_VQ(i) (0xdead000000000000ull + ((__u64)(i) << 12))

static int open_map(const char *dir, const char *name, __u32 type, __u32 key, __u32 value,
		    struct bpf_map_info *info)
{
	char path[4096];
	__u32 len = sizeof(*info);
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fprintf(stderr, "fill_pins: %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len) || info->type != type ||
	    info->key_size != key || info->value_size != value) {
		fprintf(stderr, "fill_pins: %s: not the layout this build pins\n", path);
		close(fd);
		return -1;
	}
	return fd;
}

static int fill(const char *dir, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int ncpus = libbpf_num_possible_cpus();
	struct bpf_map_info info;
	struct vq_irq_count *vals;
	struct vq_ring_count *rcs;
	__u32 *keys, count;
	__u64 *vqs;
	__u32 first;
	int irq_fd, ring_fd;

	irq_fd = open_map(dir, "irq_counts", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			  sizeof(struct vq_irq_count), &info);
	if (irq_fd < 0)
		return 1;
	if (ncpus <= 0 || !n || n > info.max_entries / 2) {
		fprintf(stderr, "fill_pins: %u slots: irq_counts has %u, half of them for real irqs\n",
			n, info.max_entries);
		return 1;
	}
	first = info.max_entries - n;
	ring_fd = open_map(dir, "ring_counts", BPF_MAP_TYPE_HASH, sizeof(__u64),
			   sizeof(struct vq_ring_count), &info);
	if (ring_fd < 0)
		return 1;
	if (n > info.max_entries) {
		fprintf(stderr, "fill_pins: %u entries do not fit ring_counts (%u)\n", n,
			info.max_entries);
		return 1;
	}
	keys = calloc(n, sizeof(*keys));
	vals = calloc((size_t)n * (size_t)ncpus, sizeof(*vals));
	vqs = calloc(n, sizeof(*vqs));
	rcs = calloc(n, sizeof(*rcs));
	if (!keys || !vals || !vqs || !rcs)
		return 1;
	for (__u32 i = 0; i < n; i++) {
		keys[i] = first + i;
		vqs[i] = FAKE_VQ(i);
		/* a vring_interrupt on each CPU; dev_id on the first */
		for (int c = 0; c < ncpus; c++)
			vals[(size_t)i * (size_t)ncpus + (size_t)c].interrupts = 1000 + i;
		vals[(size_t)i * (size_t)ncpus].dev_id = vqs[i];
		vals[(size_t)i * (size_t)ncpus].kind = VQ_DEV_QUEUE;
		rcs[i].completed = 2000 + i;
		rcs[i].last_used = (__u16)(2000 + i);
	}
	count = n;
	if (bpf_map_update_batch(irq_fd, keys, vals, &count, &opts) || count != n) {
		fprintf(stderr, "fill_pins: irq_counts: %s (%u of %u)\n", strerror(errno), count, n);
		return 1;
	}
	count = n;
	if (bpf_map_update_batch(ring_fd, vqs, rcs, &count, &opts) || count != n) {
		fprintf(stderr, "fill_pins: ring_counts: %s (%u of %u)\n", strerror(errno), count, n);
		return 1;
	}
	free(keys); free(vals); free(vqs); free(rcs);
	close(irq_fd);
	close(ring_fd);
	return 0;
}

/* Used irq slots (interrupts on some CPU) and ring_counts entries. */
static int count(const char *dir)
{
	int ncpus = libbpf_num_possible_cpus();
	struct bpf_map_info info, ring_info;
	struct vq_irq_count *val;
	__u64 key, next, *prev = NULL;
	__u32 used = 0, entries = 0;
	int irq_fd, ring_fd;

	irq_fd = open_map(dir, "irq_counts", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
			  sizeof(struct vq_irq_count), &info);
	ring_fd = open_map(dir, "ring_counts", BPF_MAP_TYPE_HASH, sizeof(__u64),
			   sizeof(struct vq_ring_count), &ring_info);
	if (irq_fd < 0 || ring_fd < 0 || ncpus <= 0)
		return 1;
	val = calloc((size_t)ncpus, sizeof(*val));
	if (!val)
		return 1;
	for (__u32 k = 0; k < info.max_entries; k++) {
		bool any = false;

		if (bpf_map_lookup_elem(irq_fd, &k, val))
			break;
		for (int c = 0; c < ncpus; c++)
			any |= val[c].interrupts != 0;
		used += any;
	}
	while (!bpf_map_get_next_key(ring_fd, prev, &next)) {
		entries++;
		key = next;
		prev = &key;
	}
	printf("irq_counts %u used, ring_counts %u entries\n", used, entries);
	free(val);
	close(irq_fd);
	close(ring_fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "fill"))
		return fill(argv[2], (__u32)strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "count"))
		return count(argv[2]);
	fprintf(stderr, "usage: fill_pins fill DIR N | fill_pins count DIR\n");
	return 2;
}
