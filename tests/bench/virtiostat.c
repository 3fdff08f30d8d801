// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's peer: the loader of tests/bench/virtiostat.bpf.c, a libbpf
 * port of bcc's tools/virtiostat.py (built only for make bench).
 *   virtiostat [INTERVAL [COUNT]]
 * Like the Python tool: attaches its four kprobes, prints "Tracing virtio
 * devices statistics ... Hit Ctrl-C to end." and then, every INTERVAL
 * seconds (3), the table of the shared hash, which it then clears; stops
 * after COUNT tables or at SIGINT/SIGTERM (one last table).  For the
 * benchmark, on exit it prints to stderr each of its programs' bpf_stats
 * (kernel.bpf_stats_enabled) from bpf_obj_get_info_by_fd:
 *   prog NAME hook SECTION runs N run_ns N
 * Exit status 3 when no kprobe could be attached (kernels without
 * CONFIG_KPROBES, such as the development machine): the caller says so.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "virtiostat.skel.h"

#include "virtiostat.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && getenv("VIRTIOSTAT_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void print_table(int map_fd)
{
	__u64 key, next, *prev = NULL;
	struct virtio_stat v;

	printf("--------\n%14s %8s %10s %7s %7s %14s %14s\n", "Driver", "Device", "VQ Name",
	       "In SGs", "Out SGs", "In BW", "Out BW");
	while (!bpf_map_get_next_key(map_fd, prev, &next)) {
		if (!bpf_map_lookup_elem(map_fd, &next, &v))
			printf("%14.16s %8.12s %10.12s %7u %7u %14llu %14llu\n", v.driver, v.dev,
			       v.vqname, v.in_sgs, v.out_sgs, (unsigned long long)v.in_bw,
			       (unsigned long long)v.out_bw);
		key = next;
		prev = &key;
	}
	/* stats.clear() */
	prev = NULL;
	while (!bpf_map_get_next_key(map_fd, NULL, &next))
		if (bpf_map_delete_elem(map_fd, &next))
			break;
	fflush(stdout);
}

static void print_prog_stats(struct virtiostat_bpf *skel)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;
		fprintf(stderr, "prog %s hook %s runs %llu run_ns %llu\n", bpf_program__name(prog),
			bpf_program__section_name(prog), (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns);
	}
}

int main(int argc, char **argv)
{
	long interval = argc > 1 ? strtol(argv[1], NULL, 10) : 3;
	long count = argc > 2 ? strtol(argv[2], NULL, 10) : 99999999;
	struct virtiostat_bpf *skel;
	struct bpf_program *prog;
	int attached = 0;

	if (interval <= 0)
		interval = 3;
	libbpf_set_print(quiet);
	skel = virtiostat_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "virtiostat: cannot load: %s\n", strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		struct bpf_link *link = bpf_program__attach(prog);	/* lives until exit */

		if (link)
			attached++;
		else
			fprintf(stderr, "virtiostat: %s: cannot attach %s: %s\n",
				bpf_program__name(prog), bpf_program__section_name(prog),
				strerror(errno));
	}
	if (!attached) {
		fprintf(stderr, "virtiostat: no kprobe attached (kprobes unavailable on this kernel?)\n");
		virtiostat_bpf__destroy(skel);
		return 3;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	printf("Tracing virtio devices statistics ... Hit Ctrl-C to end.\n");
	fflush(stdout);
	for (long n = 0; !stop && n < count; n++) {
		struct timespec t = { .tv_sec = interval };

		while (!stop && nanosleep(&t, &t) && errno == EINTR)
			;
		print_table(bpf_map__fd(skel->maps.stats));
	}
	print_prog_stats(skel);
	virtiostat_bpf__destroy(skel);
	return 0;
}
