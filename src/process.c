// SPDX-License-Identifier: GPL-2.0
/* The process's own figures (process.h), from /proc/self. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "process.h"

/* Seconds since the epoch at boot: now minus the monotonic-since-boot
 * clock that /proc/self/stat's start time counts in. */
static double boot_time_s(void)
{
	struct timespec now, up;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_BOOTTIME, &up);
	return (double)(now.tv_sec - up.tv_sec) + (double)(now.tv_nsec - up.tv_nsec) / 1e9;
}

static uint64_t open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	uint64_t n = 0;

	if (!dir)
		return 0;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n > 0 ? n - 1 : 0;	/* not the directory's own */
}

void process_read(struct vq_process *p)
{
	char buf[1024], *after;
	unsigned long utime, stime, vsize;
	unsigned long long start;
	long rss, ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit nofile;
	FILE *f = fopen("/proc/self/stat", "re");
	size_t n;

	*p = (struct vq_process){ 0 };
	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields follow
	 * the last ')' (proc(5): state is field 3, utime 14, starttime 22) */
	after = strrchr(buf, ')');
	if (!after || ticks <= 0 ||
	    sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %*d %*d %*d %*d "
		   "%*d %*d %llu %lu %ld", &utime, &stime, &start, &vsize, &rss) != 5)
		return;
	p->cpu_seconds = (double)(utime + stime) / (double)ticks;
	p->virtual_bytes = vsize;
	p->resident_bytes = rss > 0 ? (uint64_t)rss * (uint64_t)page : 0;
	p->start_time_seconds = boot_time_s() + (double)start / (double)ticks;
	p->open_fds = open_fds();
	if (!getrlimit(RLIMIT_NOFILE, &nofile))
		p->max_fds = nofile.rlim_cur;
	p->known = true;
}
