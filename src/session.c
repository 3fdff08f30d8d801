// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF session: open -> configure (rodata, autoload) -> load -> attach
 * each hook on its own -> read maps.  Today's hooks are the tp_btf irq pair
 * (bpf/irq.bpf.c); kprobe/fentry hooks join the same table later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "irq.skel.h"
#include "session.h"
#include "vqwatch_irq.h"
#include "strbuf.h"

struct hook {
	const char *name;
	struct bpf_program *(*prog)(struct irq_bpf *skel);
};

static struct bpf_program *prog_irq_entry(struct irq_bpf *skel) { return skel->progs.vq_irq_entry; }
static struct bpf_program *prog_irq_exit(struct irq_bpf *skel) { return skel->progs.vq_irq_exit; }

static const struct hook hooks[] = {
	{ "tp_btf/irq_handler_entry", prog_irq_entry },
	{ "tp_btf/irq_handler_exit", prog_irq_exit },
};

#define N_HOOKS (sizeof(hooks) / sizeof(hooks[0]))

struct session {
	struct irq_bpf *skel;
	struct bpf_link *links[N_HOOKS];
	struct vq_hook_status status[N_HOOKS];
	int ncpus;
	struct vq_irq_count *per_cpu;	/* one map value: a slot per CPU */
};

uint64_t kallsyms_lookup(const char *path, const char *name)
{
	char line[512], sym[256], type;
	unsigned long long addr;
	uint64_t found = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 && !strcmp(sym, name)) {
			found = addr;
			break;
		}
	}
	fclose(f);
	return found;
}

static int libbpf_verbosity;

/* libbpf's own messages only with -v (debug with -vv): ours say it in one line. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_verbosity || (level == LIBBPF_DEBUG && libbpf_verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

struct session *session_open(int verbosity, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	uint64_t vring_interrupt;
	size_t attached = 0;
	int ret;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	libbpf_verbosity = verbosity;
	libbpf_set_print(libbpf_print);
	for (size_t i = 0; i < N_HOOKS; i++)
		s->status[i].hook = hooks[i].name;
	s->ncpus = libbpf_num_possible_cpus();
	s->per_cpu = s->ncpus > 0 ? calloc((size_t)s->ncpus, sizeof(*s->per_cpu)) : NULL;
	if (!s->per_cpu) {
		snprintf(err, errlen, "cannot size per-CPU values: %s",
			 s->ncpus < 0 ? strerror(-s->ncpus) : "out of memory");
		goto fail;
	}
	vring_interrupt = kallsyms_lookup("/proc/kallsyms", "vring_interrupt");
	if (!vring_interrupt) {
		snprintf(err, errlen, "vring_interrupt not found in /proc/kallsyms (run as root; "
			 "is virtio_ring loaded?)");
		goto fail;
	}
	s->skel = irq_bpf__open();
	if (!s->skel) {
		snprintf(err, errlen, "open BPF object: %s", strerror(errno));
		goto fail;
	}
	s->skel->rodata->targ_vring_interrupt = vring_interrupt;
	ret = irq_bpf__load(s->skel);
	if (ret) {
		snprintf(err, errlen, "load BPF programs: %s (needs CAP_BPF and CAP_PERFMON, "
			 "and kernel BTF)", strerror(-ret));
		goto fail;
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		s->links[i] = bpf_program__attach(hooks[i].prog(s->skel));
		if (!s->links[i]) {
			snprintf(s->status[i].reason, sizeof(s->status[i].reason), "attach: %s",
				 strerror(errno));
			continue;
		}
		s->status[i].attached = true;
		attached++;
	}
	if (!attached) {
		snprintf(err, errlen, "no hook attached: %s", s->status[0].reason);
		goto fail;
	}
	return s;
fail:
	session_close(s);
	return NULL;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < N_HOOKS; i++)
		bpf_link__destroy(s->links[i]);
	irq_bpf__destroy(s->skel);
	free(s->per_cpu);
	free(s);
}

const struct vq_hook_status *session_hooks(const struct session *s, size_t *n)
{
	*n = N_HOOKS;
	return s->status;
}

int session_irq_counts(struct session *s, int irq, uint64_t *interrupts, uint64_t *spurious)
{
	__u32 key = (__u32)irq;

	*interrupts = *spurious = 0;
	if (irq < 0 || irq >= VQ_MAX_IRQS ||
	    bpf_map__lookup_elem(s->skel->maps.irq_counts, &key, sizeof(key), s->per_cpu,
				 (size_t)s->ncpus * sizeof(*s->per_cpu), 0))
		return -1;
	for (int cpu = 0; cpu < s->ncpus; cpu++) {
		*interrupts += s->per_cpu[cpu].interrupts;
		*spurious += s->per_cpu[cpu].spurious;
	}
	return 0;
}

uint64_t session_events_lost(const struct session *s)
{
	return s->skel->bss->irq_drops;
}
