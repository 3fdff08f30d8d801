// SPDX-License-Identifier: GPL-2.0
/*
 * make bench's helper.
 *   bench_hooks attach   attach the empty programs of bpf/bench.bpf.c that
 *                        this kernel takes (fentry where it can, the tp_btf
 *                        pair always) and wait for SIGTERM
 *   bench_hooks stats    every loaded BPF program with bpf_stats: name,
 *                        runs, average ns per run, total ns
 *                        (kernel.bpf_stats_enabled)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bench.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level; (void)fmt; (void)ap;
	return 0;
}

static int attach(void)
{
	struct bench_bpf *skel = NULL;
	struct bpf_program *prog;
	bool fentry = true;
	int attached = 0;

	libbpf_set_print(quiet);
	/* fentry refused (EPERM where trampolines are off): the tp_btf pair only */
	for (int attempt = 0; attempt < 2 && !attached; attempt++) {
		skel = bench_bpf__open();
		if (!skel)
			return 1;
		bpf_object__for_each_program(prog, skel->obj)
			if (!fentry && strncmp(bpf_program__section_name(prog), "tp_btf/", 7))
				bpf_program__set_autoload(prog, false);
		if (bench_bpf__load(skel)) {
			bench_bpf__destroy(skel);
			skel = NULL;
			fentry = false;
			continue;
		}
		bpf_object__for_each_program(prog, skel->obj) {
			if (!bpf_program__autoload(prog))
				continue;
			if (bpf_program__attach(prog)) {	/* links live until exit */
				printf("attached %s\n", bpf_program__name(prog));
				attached++;
			}
		}
	}
	if (!attached) {
		fprintf(stderr, "bench_hooks: nothing attached\n");
		return 1;
	}
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	bench_bpf__destroy(skel);
	return 0;
}

static int stats(void)
{
	__u32 id = 0;

	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.run_cnt)
			printf("%s %llu %llu %llu\n", info.name, (unsigned long long)info.run_cnt,
			       (unsigned long long)(info.run_time_ns / info.run_cnt),
			       (unsigned long long)info.run_time_ns);
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "attach"))
		return attach();
	if (argc == 2 && !strcmp(argv[1], "stats"))
		return stats();
	fprintf(stderr, "usage: bench_hooks attach|stats\n");
	return 2;
}
