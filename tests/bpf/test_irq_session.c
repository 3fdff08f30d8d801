// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF pipeline on this machine's own kernel: load bpf/irq.bpf.c through
 * its skeleton, attach both tp_btf hooks, drive a counted workload (direct
 * reads from the virtio-blk disk, one request and one completion interrupt
 * each) and check the per-irq count against the kernel's own count in
 * /proc/interrupts over the same window.  Needs root; never skips.
 *
 *   test_irq_session [FILE]
 * reads FILE (a virtio-blk device, as in the VM guests) or, without it, a
 * scratch file on the root filesystem (this machine, where /dev/vda is
 * closed to us).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "session.h"
#include "sysfs.h"

#define READS 64
#define BLOCK 4096

static int passes, failures;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		printf("ok: ");						\
		passes++;						\
	} else {							\
		printf("FAIL: ");					\
		failures++;						\
	}								\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

/* The kernel's count for one irq, summed over CPUs.  Lines grow with the
 * number of CPUs (a column each): read whole. */
static unsigned long long proc_interrupts(int irq)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long long total = 0;
	FILE *f = fopen("/proc/interrupts", "r");
	int ncpu = 0;

	if (!f)
		return 0;
	if (getline(&line, &cap, f) > 0)	/* header: one column per CPU */
		for (char *tok = strtok(line, " \t\n"); tok; tok = strtok(NULL, " \t\n"))
			ncpu++;
	while (getline(&line, &cap, f) > 0) {
		char *p = line, *end;
		long n = strtol(p, &end, 10);

		if (end == p || *end != ':' || n != irq)
			continue;
		p = end + 1;
		for (int cpu = 0; cpu < ncpu; cpu++)
			total += strtoull(p, &p, 10);
		break;
	}
	free(line);
	fclose(f);
	return total;
}

/* The kernel's IRQ_NONE count for one irq (/proc/irq/N/spurious:
 * "count C", "unhandled U"; both restart after 100000 interrupts). */
static void proc_unhandled(int irq, unsigned long long *count, unsigned long long *unhandled)
{
	char path[64];
	FILE *f;

	*count = *unhandled = 0;
	snprintf(path, sizeof(path), "/proc/irq/%d/spurious", irq);
	f = fopen(path, "r");
	if (!f)
		return;
	if (fscanf(f, "count %llu unhandled %llu", count, unhandled) != 2)
		*count = *unhandled = 0;
	fclose(f);
}

/*
 * A file on the root filesystem (this machine's virtio-blk disk), written
 * and synced once, then read back with O_DIRECT: every read is a request to
 * the device.  (The raw /dev/vdX is not open to us in this sandbox.)
 */
static int open_scratch(char *path, size_t len, void *buf)
{
	int fd;

	snprintf(path, len, "/var/tmp/vqwatch-bpf-test.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	memset(buf, 0x5a, BLOCK);
	for (int i = 0; i < READS; i++)
		if (pwrite(fd, buf, BLOCK, (off_t)i * BLOCK) != BLOCK)
			goto fail;
	if (fsync(fd))
		goto fail;
	close(fd);
	return open(path, O_RDONLY | O_DIRECT);
fail:
	close(fd);
	unlink(path);
	return -1;
}

#define MAX_QUEUES 64

/* Sum of one counter over the blk device's vector queues. */
static unsigned long long sum_kernel(const int *irqs, size_t n)
{
	unsigned long long total = 0;

	for (size_t i = 0; i < n; i++)
		total += proc_interrupts(irqs[i]);
	return total;
}

static uint64_t sum_bpf(struct session *s, const int *irqs, size_t n, uint64_t *spurious)
{
	uint64_t total = 0;
	struct vq_irq_count c;

	*spurious = 0;
	for (size_t i = 0; i < n; i++) {
		if (session_irq_counts(s, irqs[i], &c))
			printf("note: no BPF counter for irq %d\n", irqs[i]);
		total += c.interrupts;
		*spurious += c.spurious;
	}
	return total;
}

static void sum_unhandled(const int *irqs, size_t n, unsigned long long *count,
			  unsigned long long *unhandled)
{
	*count = *unhandled = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned long long c, u;

		proc_unhandled(irqs[i], &c, &u);
		*count += c;
		*unhandled += u;
	}
}

int main(int argc, char **argv)
{
	struct vq_report report = { 0 };
	const struct vq_device *blk = NULL;
	const struct vq_hook_status *hooks;
	/* tracepoint mode: the irq pair is what this test checks, and where
	 * vring_interrupt attaches (auto mode in the guests) the session
	 * leaves the pair out, as it would count each interrupt again */
	struct session_opts opts = { .mode = SESSION_TRACEPOINT };
	unsigned long long p0, p1, k0, k1, u0, u1;
	uint64_t c0, c1, s0, s1;
	int irqs[MAX_QUEUES];
	size_t n_irqs = 0;
	struct session *s;
	char err[512], scratch[64] = "";
	size_t n_hooks;
	void *buf;
	int fd;

	if (geteuid() != 0) {
		printf("FAIL: the BPF tests need root (CAP_BPF, CAP_PERFMON)\n");
		return 1;
	}
	if (sysfs_read("/", &report, err, sizeof(err))) {
		printf("FAIL: audit of this machine: %s\n", err);
		return 1;
	}
	/* every request queue of the first virtio-blk device with vectors */
	for (size_t i = 0; i < report.n_devices && !n_irqs; i++) {
		const struct vq_device *d = &report.devices[i];

		for (size_t j = 0; d->type && d->type->id == 2 && j < d->n_queues; j++)
			if (d->queues[j].irq >= 0 && n_irqs < MAX_QUEUES) {
				blk = d;
				irqs[n_irqs++] = d->queues[j].irq;
			}
	}
	if (!n_irqs) {
		printf("FAIL: no virtio-blk queue with its own interrupt vector on this machine\n");
		return 1;
	}
	if (posix_memalign(&buf, BLOCK, BLOCK)) {
		printf("FAIL: out of memory\n");
		return 1;
	}
	fd = argc > 1 ? open(argv[1], O_RDONLY | O_DIRECT) :
			open_scratch(scratch, sizeof(scratch), buf);
	if (fd < 0) {
		printf("FAIL: open %s: %s\n", argc > 1 ? argv[1] : "a scratch file on the root disk",
		       strerror(errno));
		return 1;
	}

	s = session_open(&opts, err, sizeof(err));
	if (!s) {
		printf("FAIL: BPF session: %s\n", err);
		return 1;
	}
	/* the irq pair and the ring program load on every kernel (tp_btf
	 * and syscall programs); the others depend on fentry/kprobes */
	hooks = session_hooks(s, &n_hooks);
	for (size_t i = 0; i < n_hooks; i++)
		if (!strncmp(hooks[i].hook, "tp_btf/", 7) || !strncmp(hooks[i].hook, "syscall/", 8))
			CHECK(hooks[i].attached, "hook %s attached%s%s", hooks[i].hook,
			      hooks[i].attached ? "" : ": ", hooks[i].reason);

	/* Window: BPF count, kernel count, workload, kernel count, BPF count.
	 * Every interrupt the kernel counts inside lies inside the BPF window. */
	c0 = sum_bpf(s, irqs, n_irqs, &s0);
	sum_unhandled(irqs, n_irqs, &k0, &u0);
	p0 = sum_kernel(irqs, n_irqs);
	for (int i = 0; i < READS; i++)
		if (pread(fd, buf, BLOCK, (off_t)i * BLOCK) != BLOCK)
			printf("note: read %d: %s\n", i, strerror(errno));
	p1 = sum_kernel(irqs, n_irqs);
	usleep(50 * 1000);	/* let a handler that the kernel already counted finish */
	c1 = sum_bpf(s, irqs, n_irqs, &s1);
	sum_unhandled(irqs, n_irqs, &k1, &u1);

	printf("%s, %zu request queue vector(s): kernel counted %llu interrupts (%llu unhandled), "
	       "BPF %llu (%llu spurious)\n", blk->name, n_irqs, p1 - p0, u1 - u0,
	       (unsigned long long)(c1 - c0), (unsigned long long)(s1 - s0));
	CHECK(s1 - s0 <= c1 - c0, "no more spurious interrupts than interrupts");
	/* the kernel restarts its unhandled count every 100000 interrupts */
	if (k1 >= k0)
		CHECK(s1 - s0 == u1 - u0, "BPF's spurious count (IRQ_NONE) equals the kernel's "
		      "unhandled count (%llu)", u1 - u0);
	else
		printf("note: the kernel's spurious statistics restarted in the window; "
		       "only the bound above was checked\n");
	CHECK(p1 - p0 >= READS / 2, "the workload raised at least %d interrupts (%llu)",
	      READS / 2, p1 - p0);
	CHECK(c1 - c0 >= p1 - p0, "BPF saw every interrupt the kernel counted");
	CHECK(c1 - c0 <= p1 - p0 + 16, "BPF saw no more than the window allows (%llu <= %llu)",
	      (unsigned long long)(c1 - c0), p1 - p0 + 16);
	struct vq_loss_count losses[VQ_LOSS_KINDS];
	size_t n_losses = session_losses(s, losses, VQ_LOSS_KINDS);
	uint64_t lost = 0;

	for (size_t i = 0; i < n_losses; i++)
		lost += losses[i].count;
	CHECK(lost == 0, "no events lost");

	session_close(s);
	close(fd);
	if (scratch[0])
		unlink(scratch);
	free(buf);
	report_free(&report);
	printf("bpf: %d passed, %d failed\n", passes, failures);
	return failures ? 1 : 0;
}
