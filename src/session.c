// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF session: probe -> choose -> load -> attach, over one table of
 * hooks (see session.h), then map reads on demand.  Four objects, one per
 * concern: queues (discovery, slots, features), traffic (kicks, interrupts,
 * buffers, latency), irq (tp_btf, per vector) and ring (syscall program).
 */
#include <errno.h>
#include <glob.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "session.h"	/* first: the skeletons use its shared structs */
#include "irq.skel.h"
#include "queues.skel.h"
#include "ring.skel.h"
#include "traffic_percpu.skel.h"
#include "traffic.skel.h"
#include "clock.h"
#include "interrupts.h"
#include "strbuf.h"
#include "vvq_layout.h"

static const char *const variant_names[N_VARIANTS] = { "fentry", "kprobe", "tracepoint" };

#define MAX_PROGS SESSION_MAX_PROGS

#define FN(fn, obj, cap, fe, kp, krp) { fn, obj, true, cap, { { fe }, { kp, krp } } }
#define TP(name, obj, cap, prog) { name, obj, false, cap, { [V_TRACEPOINT] = { prog } } }

/* The hooks; where each fits is in kernel-hook-points.md, section 1. */
static const struct session_hook_def hook_defs[] = {
	FN("virtio_uevent", OBJ_QUEUES, CAP_DISCOVERY, "virtio_uevent_fentry",
	   "virtio_uevent_kprobe", NULL),
	FN("vp_find_vqs", OBJ_QUEUES, CAP_SLOTS, "vp_find_vqs_fexit", "vp_find_vqs_kprobe",
	   "vp_find_vqs_kretprobe"),
	FN("vm_find_vqs", OBJ_QUEUES, CAP_SLOTS, "vm_find_vqs_fexit", "vm_find_vqs_kprobe",
	   "vm_find_vqs_kretprobe"),
	FN("vp_modern_get_features", OBJ_QUEUES, CAP_OFFER, "vp_get_features_fexit",
	   "vp_get_features_kprobe", "vp_get_features_kretprobe"),
	FN("vm_get_features", OBJ_QUEUES, CAP_OFFER, "vm_get_features_fexit",
	   "vm_get_features_kprobe", "vm_get_features_kretprobe"),
	FN("virtio_features_ok", OBJ_QUEUES, CAP_NEGOTIATED, "virtio_features_ok_fentry",
	   "virtio_features_ok_kprobe", NULL),
	FN("vring_del_virtqueue", OBJ_QUEUES, CAP_DELETION, "vring_del_virtqueue_fentry",
	   "vring_del_virtqueue_kprobe", NULL),
	FN("vp_notify", OBJ_TRAFFIC, CAP_KICKS, "vp_notify_fentry", "vp_notify_kprobe", NULL),
	FN("vm_notify", OBJ_TRAFFIC, CAP_KICKS, "vm_notify_fentry", "vm_notify_kprobe", NULL),
	FN("vp_notify_with_data", OBJ_TRAFFIC, CAP_KICKS_DATA, "vp_notify_with_data_fentry",
	   "vp_notify_with_data_kprobe", NULL),
	FN("vm_notify_with_data", OBJ_TRAFFIC, CAP_KICKS_DATA, "vm_notify_with_data_fentry",
	   "vm_notify_with_data_kprobe", NULL),
	FN("vring_interrupt", OBJ_TRAFFIC, CAP_IRQ_VRING, "vring_interrupt_fexit",
	   "vring_interrupt_kprobe", "vring_interrupt_kretprobe"),
	FN("virtqueue_add_outbuf", OBJ_TRAFFIC, CAP_ADDS, "add_outbuf_fexit", "add_outbuf_kprobe",
	   NULL),
	FN("virtqueue_add_inbuf", OBJ_TRAFFIC, CAP_ADDS, "add_inbuf_fexit", "add_inbuf_kprobe",
	   NULL),
	FN("virtqueue_add_inbuf_ctx", OBJ_TRAFFIC, CAP_ADDS, "add_inbuf_ctx_fexit",
	   "add_inbuf_ctx_kprobe", NULL),
	FN("virtqueue_add_sgs", OBJ_TRAFFIC, CAP_ADDS, "add_sgs_fexit", "add_sgs_kprobe", NULL),
	FN("virtqueue_get_buf", OBJ_TRAFFIC, CAP_GET_BUF, "get_buf_fexit", "get_buf_kprobe",
	   "get_buf_kretprobe"),
	FN("virtqueue_get_buf_ctx", OBJ_TRAFFIC, CAP_GET_BUF, "get_buf_ctx_fexit",
	   "get_buf_ctx_kprobe", "get_buf_ctx_kretprobe"),
	TP("tp_btf/irq_handler_entry", OBJ_IRQ, CAP_IRQ_FIRST, "vq_irq_entry"),
	TP("tp_btf/irq_handler_exit", OBJ_IRQ, CAP_IRQ_TP, "vq_irq_exit"),
	/* not attached: run on demand; "attached" means loaded.  One of
	 * the two: syscall programs where the kernel has them (5.14), else
	 * a raw tracepoint program run the same way (choose_ring_program) */
	TP("syscall/vq_snapshot", OBJ_RING, CAP_RING, "vq_snapshot"),
	TP("raw_tp/vq_snapshot", OBJ_RING, CAP_RING, "vq_snapshot_raw"),
};

#define N_HOOKS (sizeof(hook_defs) / sizeof(hook_defs[0]))

/* Each capability's name, whether it needs all of its hooks, and what it
 * gives when it feeds no counter (the counters come from counter_feeds). */
static const struct {
	const char *name;
	bool all;
	const char *gives;
} cap_defs[N_CAPS] = {
	[CAP_DISCOVERY] = { "discovery", false, "discovery of queues before their first interrupt" },
	[CAP_SLOTS] = { "slots", false, "driver slots at probe" },
	[CAP_OFFER] = { "offer", false, "offered features at probe" },
	[CAP_NEGOTIATED] = { "negotiated", false, "negotiated features at probe" },
	[CAP_DELETION] = { "deletion", false, "queue deletions" },
	[CAP_KICKS] = { "kicks", false, NULL },
	/* counted with the others, but kicks are known by CAP_KICKS alone */
	[CAP_KICKS_DATA] = { "kicks_data", false, "kicks with notification data" },
	[CAP_IRQ_VRING] = { "irq_vring", false, NULL },
	[CAP_ADDS] = { "adds", true, NULL },
	[CAP_GET_BUF] = { "get_buf", true, NULL },
	[CAP_IRQ_TP] = { "irq_tp", true, NULL },
	[CAP_IRQ_FIRST] = { "irq_first", false,
			    "which queue each vector serves, where discovery is missing" },
	[CAP_RING] = { "ring", false, NULL },
};

static const char *const counter_names[N_COUNTERS] = {
	[CTR_KICKS] = "kicks", [CTR_INTERRUPTS] = "interrupts",
	[CTR_SPURIOUS] = "spurious_interrupts", [CTR_ADDED] = "buffers_added",
	[CTR_COMPLETED] = "buffers_completed", [CTR_OUT_BYTES] = "out_bytes",
	[CTR_IN_BYTES] = "in_bytes", [CTR_POSTED_IN_BYTES] = "posted_in_bytes",
	[CTR_INFLIGHT] = "inflight", [CTR_OLDEST] = "oldest_inflight",
	[CTR_STALLS] = "stalls", [CTR_LATENCY] = "latency",
};

#define CAPS(c) (1u << (c))

/* Which capabilities feed each counter: a counter is known when all the
 * capabilities of one of its rows are available (bpf_source.c's
 * fill_counters reads them so). */
static const struct {
	enum session_counter counter;
	unsigned int caps;
} counter_feeds[] = {
	{ CTR_KICKS, CAPS(CAP_KICKS) },
	{ CTR_INTERRUPTS, CAPS(CAP_IRQ_VRING) },
	{ CTR_INTERRUPTS, CAPS(CAP_IRQ_TP) },
	{ CTR_SPURIOUS, CAPS(CAP_IRQ_VRING) },	/* per-queue vectors */
	{ CTR_SPURIOUS, CAPS(CAP_IRQ_TP) },
	{ CTR_ADDED, CAPS(CAP_ADDS) },
	{ CTR_ADDED, CAPS(CAP_RING) },		/* sampled avail index, split rings */
	{ CTR_OUT_BYTES, CAPS(CAP_ADDS) },
	{ CTR_POSTED_IN_BYTES, CAPS(CAP_ADDS) },
	{ CTR_COMPLETED, CAPS(CAP_GET_BUF) },
	{ CTR_COMPLETED, CAPS(CAP_RING) },	/* sampled used index, split rings */
	{ CTR_IN_BYTES, CAPS(CAP_GET_BUF) },
	{ CTR_INFLIGHT, CAPS(CAP_RING) },
	{ CTR_OLDEST, CAPS(CAP_RING) },
	/* queue-stalled episodes, watched at each sample (collect.c): as
	 * oldest, on queues whose role completes promptly */
	{ CTR_STALLS, CAPS(CAP_RING) },
	{ CTR_LATENCY, CAPS(CAP_ADDS) | CAPS(CAP_GET_BUF) },
};

const struct session_hook_def *session_hook_table(size_t *n)
{
	*n = N_HOOKS;
	return hook_defs;
}

bool session_cap_needs_all(enum session_cap c)
{
	return c < N_CAPS && cap_defs[c].all;
}

const char *session_cap_name(enum session_cap c)
{
	return c < N_CAPS ? cap_defs[c].name : NULL;
}

const char *session_counter_name(enum session_counter c)
{
	return c < N_COUNTERS ? counter_names[c] : NULL;
}

bool session_counter_fed(const struct session_caps *caps, enum session_counter c)
{
	for (size_t i = 0; i < sizeof(counter_feeds) / sizeof(counter_feeds[0]); i++) {
		bool all = counter_feeds[i].counter == c;

		for (int k = 0; all && k < N_CAPS; k++)
			if (counter_feeds[i].caps & CAPS(k))
				all = caps->available[k];
		if (all)
			return true;
	}
	return false;
}

/* What a capability feeds, in a few words: its counters, else what it
 * gives ("kicks"; "buffers_added, out_bytes, posted_in_bytes, latency"). */
static void cap_feeds_text(enum session_cap c, char *buf, size_t len)
{
	bool seen[N_COUNTERS] = { false };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(counter_feeds) / sizeof(counter_feeds[0]); i++) {
		enum session_counter ctr = counter_feeds[i].counter;

		if (!(counter_feeds[i].caps & CAPS(c)) || seen[ctr] || used >= len)
			continue;
		seen[ctr] = true;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 counter_names[ctr]);
	}
	if (!used && cap_defs[c].gives)
		strbuf_copy(buf, len, cap_defs[c].gives);
}

/* Virtio interrupt handlers whose dev_id is a device (irq.bpf.c). */
static const char *const device_handlers[VQ_DEVICE_HANDLERS] = {
	"vp_interrupt", "vp_vring_interrupt", "vp_config_changed", "vm_interrupt",
};

struct hook_state {
	bool candidate[N_VARIANTS];	/* probed fine and allowed by --mode */
	char why_not[N_VARIANTS][120];	/* why a variant is not a candidate */
	struct bpf_link *links[MAX_PROGS];
	enum session_variant attached_as;
};

struct session {
	struct session_opts opts;
	struct irq_bpf *irq;
	struct queues_bpf *queues;
	struct traffic_bpf *traffic;
	struct ring_bpf *ring;
	struct bpf_object *objs[N_OBJECTS];
	struct hook_state hooks[N_HOOKS];
	struct vq_hook_status status[N_HOOKS];
	struct session_caps caps;	/* filled once, after attach */
	char feeds[N_CAPS][96];		/* cap_feeds_text, for the statuses */
	char mode_name[32];
	struct ksym *syms;	/* from probe to load: addresses for the irq program */
	size_t n_syms;
	int ncpus;
	void *percpu;		/* one per-CPU map value, the largest kind */
	/* no BPF compare-and-swap: queue slots per CPU (traffic.bpf.c) */
	bool percpu_slots;
	/* no BTF for struct vring_virtqueue: the ring program's offsets */
	const struct vq_vvq_offsets *vvq_offsets;
	struct vq_slot *percpu_slot;	/* one slots_percpu value */
	/* the traffic object's open-addressed arrays, mapped; tokens writable
	 * to drop those of queues that are gone (compare-and-swap, as BPF) */
	const volatile struct vq_slot *slot_owner;	/* [VQ_MAX_QUEUES] */
	volatile struct vq_token *tokens;		/* [VQ_MAX_TOKENS] */
	/* without the irq entry program: interrupts per vector from
	 * /proc/interrupts since the session opened (irq_base), read again
	 * at most every IRQ_REREAD_MS */
	bool irqs_from_proc;
	volatile __u64 *irq_base;	/* the irq_base map, mapped: total + 1 */
	uint64_t *irq_now, *irq_next;	/* the last totals read, and a buffer */
	size_t n_irq_totals;
	uint64_t irq_read_ms;
};

#define IRQ_REREAD_MS 50

static int libbpf_verbosity;

/* -v: where the start-up time goes (seconds per BTF parse under emulation). */
static const char *const object_names[N_OBJECTS] = {
	[OBJ_QUEUES] = "load bpf/queues", [OBJ_TRAFFIC] = "load bpf/traffic",
	[OBJ_IRQ] = "load bpf/irq", [OBJ_RING] = "load bpf/ring",
};
static uint64_t phase_start;

static void phase_done(const char *what)
{
	uint64_t now = monotonic_ms();

	if (libbpf_verbosity)
		fprintf(stderr, "vqwatch: %s: %llu ms\n", what,
			(unsigned long long)(now - phase_start));
	phase_start = now;
}

/* ---- probe: kallsyms, BTF, kernel limits ---- */

struct ksym {
	char name[64];
	char module[64];	/* "" when in vmlinux */
	unsigned int copies;	/* > 1: a duplicated static name */
	uint64_t addr;		/* of the first copy */
};

static int ksym_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ksym *)a)->name, ((const struct ksym *)b)->name);
}

/* The hooks' functions and the irq handlers, looked up in /proc/kallsyms
 * in one pass (it has over 100,000 lines). */
static struct ksym *read_ksyms(size_t *n)
{
	size_t cap = N_HOOKS + VQ_DEVICE_HANDLERS + 1, count = 0;
	struct ksym *syms = calloc(cap, sizeof(*syms));
	char line[512], buf[65536];
	bool first_letter[256] = { false };
	FILE *f;

	if (!syms)
		return NULL;
	for (size_t i = 0; i < N_HOOKS; i++)
		if (hook_defs[i].is_function)
			strbuf_copy(syms[count++].name, sizeof(syms[0].name), hook_defs[i].name);
	for (size_t i = 0; i < VQ_DEVICE_HANDLERS; i++)
		strbuf_copy(syms[count++].name, sizeof(syms[0].name), device_handlers[i]);
	strbuf_copy(syms[count++].name, sizeof(syms[0].name), "vring_interrupt");
	qsort(syms, count, sizeof(*syms), ksym_cmp);
	/* drop repeated names (vring_interrupt is a hook and a handler) */
	size_t kept = 0;
	for (size_t i = 0; i < count; i++)
		if (!kept || strcmp(syms[kept - 1].name, syms[i].name))
			syms[kept++] = syms[i];
	*n = count = kept;
	/* most lines are dismissed by their name's first letter, unparsed */
	for (size_t i = 0; i < count; i++)
		first_letter[(unsigned char)syms[i].name[0]] = true;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return syms;
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	while (fgets(line, sizeof(line), f)) {
		/* "ADDRESS TYPE NAME" and, in a module, "\t[MODULE]" */
		char *type = strchr(line, ' '), *name, *end, *mod = "";
		struct ksym key, *hit;

		if (!type || (type[1] != 't' && type[1] != 'T') || type[2] != ' ')
			continue;
		name = type + 3;
		if (!first_letter[(unsigned char)*name])
			continue;
		end = name + strcspn(name, "\t\n");
		if (end[0] == '\t' && end[1] == '[') {
			mod = end + 2;
			mod[strcspn(mod, "]")] = '\0';
		}
		*end = '\0';
		if ((size_t)(end - name) >= sizeof(key.name))
			continue;
		memcpy(key.name, name, (size_t)(end - name) + 1);
		hit = bsearch(&key, syms, count, sizeof(*syms), ksym_cmp);
		if (!hit)
			continue;
		if (!hit->copies++)
			hit->addr = strtoull(line, NULL, 16);
		strbuf_copy(hit->module, sizeof(hit->module), mod);
	}
	fclose(f);
	return syms;
}

static const struct ksym *find_ksym(const struct ksym *syms, size_t n, const char *name)
{
	struct ksym key;

	strbuf_copy(key.name, sizeof(key.name), name);
	return bsearch(&key, syms, n, sizeof(*syms), ksym_cmp);
}

/* The hooks' prototypes from the BTF of vmlinux and of the modules the
 * hooks live in: each BTF loaded once, and read in one pass over its types
 * (btf__find_by_name_kind is a linear search, once per name). */
struct btf_protos {
	struct btf *btf;
	int args[N_HOOKS];	/* argument count of hook i's function, -1 if absent */
};

struct btf_cache {
	struct btf_protos vmlinux;
	bool vmlinux_tried;
	struct { char module[64]; struct btf_protos protos; } mods[8];
	size_t n_mods;
};

static void read_prototypes(struct btf_protos *p, const struct btf *base)
{
	__u32 id = base ? btf__type_cnt(base) : 1, n;

	for (size_t i = 0; i < N_HOOKS; i++)
		p->args[i] = -1;
	if (!p->btf)
		return;
	for (n = btf__type_cnt(p->btf); id < n; id++) {
		const struct btf_type *t = btf__type_by_id(p->btf, id), *proto;
		const char *name;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(p->btf, t->name_off);
		for (size_t i = 0; i < N_HOOKS; i++) {
			if (!hook_defs[i].is_function || hook_defs[i].name[0] != name[0] ||
			    strcmp(hook_defs[i].name, name) || p->args[i] >= 0)
				continue;
			proto = btf__type_by_id(p->btf, t->type);
			p->args[i] = proto ? btf_vlen(proto) : -1;
		}
	}
}

/* Parsed on first use: only fentry candidates need a prototype, and the
 * kernel's BTF takes a while to parse (seconds under emulation). */
static const struct btf_protos *module_protos(struct btf_cache *c, const char *module)
{
	if (!c->vmlinux_tried) {
		c->vmlinux_tried = true;
		c->vmlinux.btf = btf__load_vmlinux_btf();
		read_prototypes(&c->vmlinux, NULL);
	}
	if (!module[0])
		return &c->vmlinux;
	for (size_t i = 0; i < c->n_mods; i++)
		if (!strcmp(c->mods[i].module, module))
			return &c->mods[i].protos;
	if (c->n_mods == sizeof(c->mods) / sizeof(c->mods[0]) || !c->vmlinux.btf)
		return NULL;
	strbuf_copy(c->mods[c->n_mods].module, sizeof(c->mods[0].module), module);
	c->mods[c->n_mods].protos.btf = btf__load_module_btf(module, c->vmlinux.btf);	/* NULL if none */
	read_prototypes(&c->mods[c->n_mods].protos, c->vmlinux.btf);
	return &c->mods[c->n_mods++].protos;
}

static void btf_cache_free(struct btf_cache *c)
{
	for (size_t i = 0; i < c->n_mods; i++)
		btf__free(c->mods[i].protos.btf);
	btf__free(c->vmlinux.btf);
}

/* strerror() for the kernel's answers to bpf(): ENOTSUPP (524) is the
 * kernel's own, unknown to libc ("Unknown error 524"); it is what fentry on
 * arm64 before Linux 6.5 (no ftrace direct calls) answers at attach. */
static const char *bpf_strerror(int e)
{
	return e == 524 ? "ENOTSUPP (524): not supported by this kernel" : strerror(e);
}

/* x86-64 BPF trampolines took at most 6 arguments before Linux 6.6
 * (reference section 2, item 0: fentry on 7-argument vp_find_vqs fails on
 * 6.1 with ENOTSUPP).  arm64's take 8 (the argument registers x0-x7) in the
 * kernels this is tested on; they reach kernel functions only from Linux 6.5
 * (ftrace direct calls): on 6.1 every fentry attach answers ENOTSUPP and
 * auto mode uses kprobes. */
static int trampoline_max_args(void)
{
#if defined(__aarch64__)
	return 8;
#else
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 6;
	return major > 6 || (major == 6 && minor >= 6) ? 12 : 6;
#endif
}

/*
 * Does the verifier know BPF compare-and-swap (Linux 5.12)?  A four-line
 * socket filter that swaps a stack slot; refused with "BPF_STX uses
 * reserved fields" before.  Without it the traffic programs keep their
 * queue slots per CPU (traffic.bpf.c percpu_slots).
 */
static bool kernel_has_bpf_cas(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10, .off = -8, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = BPF_REG_10,
		  .src_reg = BPF_REG_1, .off = -8, .imm = BPF_CMPXCHG },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", insns,
			       sizeof(insns) / sizeof(insns[0]), NULL);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static bool kprobes_available(void)
{
	return access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
}

/* --detail counts: no program per buffer or per queue interrupt on the I/O
 * path (the ring, /proc/interrupts and the irq tracepoint's exit give the
 * counts). */
bool session_cap_in_detail(enum session_cap c, enum session_detail d)
{
	return d == SESSION_DETAIL_FULL ||
	       (c != CAP_ADDS && c != CAP_GET_BUF && c != CAP_IRQ_VRING);
}

static void leave_out_per_buffer(struct session *s)
{
	for (size_t i = 0; i < N_HOOKS; i++) {
		if (session_cap_in_detail(hook_defs[i].cap, s->opts.detail))
			continue;
		for (int v = 0; v < N_VARIANTS; v++) {
			s->hooks[i].candidate[v] = false;
			strbuf_copy(s->hooks[i].why_not[v], sizeof(s->hooks[i].why_not[v]),
				    "left out by --detail counts (it runs per buffer or per "
				    "interrupt; the ring and /proc/interrupts count instead)");
		}
	}
}

static void refuse_hook(struct session *s, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse_hook(struct session *s, const char *name, const char *fmt, ...)
{
	for (size_t i = 0; i < N_HOOKS; i++) {
		va_list ap;

		if (strcmp(hook_defs[i].name, name))
			continue;
		for (int v = 0; v < N_VARIANTS; v++) {
			if (!s->hooks[i].candidate[v])
				continue;
			s->hooks[i].candidate[v] = false;
			va_start(ap, fmt);
			vsnprintf(s->hooks[i].why_not[v], sizeof(s->hooks[i].why_not[v]), fmt, ap);
			va_end(ap);
		}
	}
}

/*
 * The ring program: the syscall one where the kernel runs syscall programs
 * (Linux 5.14), else the raw tracepoint one.  On a kernel whose BTF lacks
 * struct vring_virtqueue (virtio_ring a module, no BTF for modules), its
 * fields at offsets from vvq_layout.c's table, or no ring program at all.
 * The BTF is looked into only for a kernel the table covers.
 */
static void choose_ring_program(struct session *s, struct btf_cache *btfs)
{
	const struct vq_vvq_offsets *off;
	const struct btf_protos *vmlinux;
	struct utsname u;

	if (libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SYSCALL, NULL) == 1)
		refuse_hook(s, "raw_tp/vq_snapshot", "not needed: this kernel runs syscall programs "
			    "(syscall/vq_snapshot reads the rings)");
	else
		refuse_hook(s, "syscall/vq_snapshot", "this kernel has no syscall programs (Linux "
			    "5.14): raw_tp/vq_snapshot reads the rings instead");
	off = uname(&u) ? NULL : vvq_layout_for(u.release);
	if (!off || !access("/sys/kernel/btf/virtio_ring", F_OK))
		return;
	vmlinux = module_protos(btfs, "");
	if (vmlinux && vmlinux->btf &&
	    btf__find_by_name_kind(vmlinux->btf, "vring_virtqueue", BTF_KIND_STRUCT) > 0)
		return;
	s->vvq_offsets = off;
}

/* Decide each hook's candidate variants before anything is loaded. */
static void probe_hooks(struct session *s)
{
	bool want[N_VARIANTS] = { true, true, true };
	struct btf_cache btfs = { 0 };
	bool have_kprobes = kprobes_available();
	int max_args = trampoline_max_args();
	size_t n_syms = 0;
	struct ksym *syms = s->syms = read_ksyms(&n_syms);
	phase_done("read /proc/kallsyms");

	switch (s->opts.mode) {
	case SESSION_FENTRY: want[V_KPROBE] = false; break;
	case SESSION_KPROBE: want[V_FENTRY] = false; break;
	case SESSION_TRACEPOINT: want[V_FENTRY] = want[V_KPROBE] = false; break;
	case SESSION_AUTO: break;
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		const struct session_hook_def *h = &hook_defs[i];
		struct hook_state *st = &s->hooks[i];
		const struct ksym *sym = h->is_function && syms ?
					 find_ksym(syms, n_syms, h->name) : NULL;

		for (int v = 0; v < N_VARIANTS; v++) {
			char *why = st->why_not[v];
			size_t len = sizeof(st->why_not[v]);

			if (!h->progs[v][0]) {
				strbuf_printf(why, len, "no %s variant", variant_names[v]);
				continue;
			}
			/* tracepoint-only hooks serve every mode */
			if (!want[v] && h->is_function) {
				strbuf_printf(why, len, "%s not chosen (--mode)", variant_names[v]);
				continue;
			}
			if (h->is_function && (!sym || !sym->copies)) {
				strbuf_printf(why, len, "%s is not in /proc/kallsyms (inlined, "
					      "or its module is not loaded)", h->name);
				continue;
			}
			if (h->is_function && sym->copies > 1) {
				strbuf_printf(why, len, "%u functions are named %s: ambiguous",
					      sym->copies, h->name);
				continue;
			}
			if (v == V_FENTRY) {
				const struct btf_protos *protos = module_protos(&btfs, sym->module);
				int args = protos ? protos->args[i] : -1;

				if (args < 0) {
					strbuf_printf(why, len, "no BTF for %s%s%s", h->name,
						      sym->module[0] ? " in module " : "",
						      sym->module);
					continue;
				}
				if (args > max_args) {
					strbuf_printf(why, len, "%s has %d arguments, this kernel's "
						      "trampoline takes %d", h->name, args, max_args);
					continue;
				}
			}
			if (v == V_KPROBE && !have_kprobes) {
				strbuf_printf(why, len, "kprobes are not available in this kernel "
					      "(no kprobe PMU: CONFIG_KPROBES off?)");
				continue;
			}
			st->candidate[v] = true;
		}
	}
	s->n_syms = n_syms;
	choose_ring_program(s, &btfs);
	btf_cache_free(&btfs);
	leave_out_per_buffer(s);
}

/* ---- load: one object per concern, refused programs switched off ---- */

/* libbpf's warnings during a load, to learn which program failed. */
static char load_log[8192];
static size_t load_log_len;
static bool capturing;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (capturing && level == LIBBPF_WARN && load_log_len < sizeof(load_log) - 1) {
		va_list copy;
		int n;

		va_copy(copy, ap);
		n = vsnprintf(load_log + load_log_len, sizeof(load_log) - load_log_len, fmt, copy);
		va_end(copy);
		if (n > 0)
			load_log_len += (size_t)n;
		if (load_log_len >= sizeof(load_log))
			load_log_len = sizeof(load_log) - 1;
	}
	if (!libbpf_verbosity || (level == LIBBPF_DEBUG && libbpf_verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* The verifier's own words, when the log holds them: its last line before
 * the statistics ("processed N insns ..."), put before libbpf's line. */
static void verifier_verdict(const char *log, char *what, size_t wlen)
{
	const char *end = strstr(log, "-- END PROG LOAD LOG --");
	const char *begin = strstr(log, "-- BEGIN PROG LOAD LOG --");
	char line[160], libbpf_line[160];

	if (!begin || !end || end < begin)
		return;
	while (end > begin) {
		const char *start = end - 1;
		size_t n;

		while (start > begin && start[-1] != '\n')
			start--;
		n = (size_t)(end - start);
		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, start, n);
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		end = start;
		if (!line[0] || !strncmp(line, "processed ", 10) ||
		    !strncmp(line, "verification time", 17) || !strncmp(line, "stack depth", 11) ||
		    !strncmp(line, "libbpf: ", 8) || strstr(line, "PROG LOAD LOG"))
			continue;
		strbuf_copy(libbpf_line, sizeof(libbpf_line), what);
		strbuf_printf(what, wlen, "%s (%s)", line, libbpf_line);
		return;
	}
}

/* The last program libbpf's warnings named, and what they said of it. */
static bool failed_program(char *prog, size_t plen, char *what, size_t wlen)
{
	const char *p = load_log, *last = NULL;

	while ((p = strstr(p, "prog '"))) {
		last = p;
		p += 6;
	}
	if (!last)
		return false;
	last += 6;
	size_t n = strcspn(last, "'");
	if (n >= plen)
		return false;
	memcpy(prog, last, n);
	prog[n] = '\0';
	/* the first line about it, without "libbpf: prog 'X': " */
	char needle[96];
	strbuf_printf(needle, sizeof(needle), "prog '%s': ", prog);
	const char *first = strstr(load_log, needle);
	if (first) {
		first += strlen(needle);
		strbuf_copy(what, wlen, first);
		what[strcspn(what, "\n")] = '\0';
		verifier_verdict(first, what, wlen);
	} else {
		what[0] = '\0';
	}
	return true;
}

static const size_t slot_owner_bytes = VQ_MAX_QUEUES * sizeof(struct vq_slot);
static const size_t tokens_bytes = VQ_MAX_TOKENS * sizeof(struct vq_token);

static void unmap_traffic(struct session *s)
{
	if (s->slot_owner)
		munmap((void *)s->slot_owner, slot_owner_bytes);
	if (s->tokens)
		munmap((void *)s->tokens, tokens_bytes);
	s->slot_owner = NULL;
	s->tokens = NULL;
}

/* The traffic arrays are read in place (BPF_F_MMAPABLE): a report scans the
 * in-flight tokens without one syscall per entry. */
static int map_traffic(struct session *s)
{
	void *owner = mmap(NULL, slot_owner_bytes, PROT_READ, MAP_SHARED,
			   bpf_map__fd(s->traffic->maps.slots), 0);
	void *tokens = mmap(NULL, tokens_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
			    bpf_map__fd(s->traffic->maps.tokens), 0);

	if (owner != MAP_FAILED)
		s->slot_owner = owner;
	if (tokens != MAP_FAILED)
		s->tokens = tokens;
	if (s->slot_owner && s->tokens)
		return 0;
	unmap_traffic(s);
	return -errno;
}

static void destroy_object(struct session *s, enum session_object id)
{
	if (id == OBJ_TRAFFIC)
		unmap_traffic(s);
	switch (id) {
	case OBJ_QUEUES: queues_bpf__destroy(s->queues); s->queues = NULL; break;
	case OBJ_TRAFFIC: traffic_bpf__destroy(s->traffic); s->traffic = NULL; break;
	case OBJ_IRQ: irq_bpf__destroy(s->irq); s->irq = NULL; break;
	case OBJ_RING: ring_bpf__destroy(s->ring); s->ring = NULL; break;
	case N_OBJECTS: break;
	}
	s->objs[id] = NULL;
}

/* Through the skeleton, so that its global data pointers are mapped. */
static int load_skeleton(struct session *s, enum session_object id)
{
	switch (id) {
	case OBJ_QUEUES: return queues_bpf__load(s->queues);
	case OBJ_TRAFFIC: return traffic_bpf__load(s->traffic);
	case OBJ_IRQ: return irq_bpf__load(s->irq);
	case OBJ_RING: return ring_bpf__load(s->ring);
	case N_OBJECTS: break;
	}
	return -EINVAL;
}

/* A handler's address for the irq program; 0 when absent or hidden. */
static uint64_t ksym_addr(const struct session *s, const char *name)
{
	const struct ksym *k = s->syms ? find_ksym(s->syms, s->n_syms, name) : NULL;

	return k && k->copies ? k->addr : 0;
}

/* The maps whose contents are counters: pinned with --pin.  Transient
 * state (kretprobe stashes, the ring program's output) is not. */
static const struct {
	enum session_object obj;
	const char *map;
	const char *pin;	/* file name under the pin directory */
} pinned_maps[] = {
	{ OBJ_QUEUES, "devices", "queues_devices" },
	{ OBJ_QUEUES, "created", "queues_created" },
	{ OBJ_QUEUES, "lost", "queues_lost" },
	{ OBJ_TRAFFIC, "slots", "traffic_slots" },
	{ OBJ_TRAFFIC, "slots_percpu", "traffic_slots_percpu" },
	{ OBJ_TRAFFIC, "traffic", "traffic_traffic" },
	{ OBJ_TRAFFIC, "tokens", "traffic_tokens" },
	{ OBJ_TRAFFIC, "lost", "traffic_lost" },
	{ OBJ_IRQ, "irq_counts", "irq_counts" },
	{ OBJ_IRQ, "irq_base", "irq_base" },
	{ OBJ_IRQ, "lost", "irq_lost" },
	{ OBJ_RING, "ring_counts", "ring_counts" },
};

/* A map pinned by an earlier vqwatch whose layout differs from this
 * build's (an upgrade changed it) is removed, so that load creates it anew
 * rather than misread it; said in one line. */
static void drop_incompatible_pin(const struct bpf_map *map, const char *path)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path);
	bool same;

	if (fd < 0)
		return;
	same = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
	       info.type == (__u32)bpf_map__type(map) &&
	       info.key_size == bpf_map__key_size(map) &&
	       info.value_size == bpf_map__value_size(map) &&
	       info.max_entries == bpf_map__max_entries(map) &&
	       info.map_flags == bpf_map__map_flags(map);
	close(fd);
	if (same)
		return;
	fprintf(stderr, "vqwatch: pinned map %s has another layout than this build's: "
		"recreated (its counts start again from 0)\n", path);
	unlink(path);
}

static int set_pins(struct session *s, enum session_object id)
{
	char path[4096];

	if (!s->opts.pin_dir)
		return 0;
	for (size_t i = 0; i < sizeof(pinned_maps) / sizeof(pinned_maps[0]); i++) {
		struct bpf_map *map;

		if (pinned_maps[i].obj != id)
			continue;
		map = bpf_object__find_map_by_name(s->objs[id], pinned_maps[i].map);
		if (!map)
			continue;
		snprintf(path, sizeof(path), "%s/%s", s->opts.pin_dir, pinned_maps[i].pin);
		drop_incompatible_pin(map, path);
		if (bpf_map__set_pin_path(map, path))
			return -errno;
	}
	return 0;
}

int session_pin_dir_ok(const char *dir, char *err, size_t errlen)
{
	char parent[4096], *slash;
	struct statfs fs;

	/* made only under a directory already on bpffs: a wrong path leaves
	 * nothing behind */
	if (access(dir, F_OK)) {
		strbuf_copy(parent, sizeof(parent), dir);
		slash = strrchr(parent, '/');
		if (slash && slash != parent)
			*slash = '\0';
		else
			strcpy(parent, slash ? "/" : ".");
		if (statfs(parent, &fs) || (unsigned long)fs.f_type != 0xcafe4a11UL)
			goto not_bpffs;
		if (mkdir(dir, 0700) && errno != EEXIST) {
			snprintf(err, errlen, "--pin %s: %s%s", dir, strerror(errno),
				 errno == EPERM && strchr(slash ? slash + 1 : dir, '.') ?
				 " (bpffs names may not contain a dot)" : "");
			return -1;
		}
	}
	if (statfs(dir, &fs)) {
		snprintf(err, errlen, "--pin %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((unsigned long)fs.f_type == 0xcafe4a11UL)	/* BPF_FS_MAGIC */
		return 0;
not_bpffs:
	snprintf(err, errlen, "--pin %s: not on bpffs (mount -t bpf bpf /sys/fs/bpf, and use a "
		 "directory under it)", dir);
	return -1;
}

/* The traffic skeleton over the object built for kernels without BPF
 * compare-and-swap: the same maps, programs and globals by name, so the
 * skeleton binds them as its own (traffic.bpf.c VQ_PERCPU_SLOTS). */
static struct traffic_bpf *traffic_percpu_open(void)
{
	struct traffic_bpf *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj)
		return NULL;
	err = traffic_bpf__create_skeleton(obj);
	if (!err) {
		obj->skeleton->data = (void *)traffic_percpu_bpf__elf_bytes(&obj->skeleton->data_sz);
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	}
	if (!err)
		return obj;
	traffic_bpf__destroy(obj);
	errno = -err;
	return NULL;
}

/* Open, and set what must be set before load (rodata, map sizes, pins). */
static int open_object(struct session *s, enum session_object id)
{
	switch (id) {
	case OBJ_QUEUES:
		s->queues = queues_bpf__open();
		s->objs[id] = s->queues ? s->queues->obj : NULL;
		break;
	case OBJ_TRAFFIC:
		s->traffic = s->percpu_slots ? traffic_percpu_open() : traffic_bpf__open();
		/* counts loads no add program: 1 there means nothing */
		if (s->traffic) {
			s->traffic->rodata->latency_sample = session_latency_sample(s) ?: 1;
		}
		s->objs[id] = s->traffic ? s->traffic->obj : NULL;
		break;
	case OBJ_IRQ:
		s->irq = irq_bpf__open();
		if (!s->irq)
			break;
		s->irq->rodata->targ_vring_interrupt = ksym_addr(s, "vring_interrupt");
		for (int i = 0; i < VQ_DEVICE_HANDLERS; i++)
			s->irq->rodata->targ_device_handlers[i] = ksym_addr(s, device_handlers[i]);
		s->objs[id] = s->irq->obj;
		break;
	case OBJ_RING:
		s->ring = ring_bpf__open();
		if (s->ring && s->vvq_offsets) {
			s->ring->rodata->vvq_by_offsets = true;
			s->ring->rodata->vvq_off = *s->vvq_offsets;
		}
		s->objs[id] = s->ring ? s->ring->obj : NULL;
		break;
	case N_OBJECTS:
		break;
	}
	if (!s->objs[id])
		return -errno;
	return set_pins(s, id);
}

/* Autoload the programs of every candidate variant of this object's hooks;
 * returns how many. */
static int set_autoload(struct session *s, enum session_object id)
{
	struct bpf_program *prog;
	int wanted = 0;

	bpf_object__for_each_program(prog, s->objs[id])
		bpf_program__set_autoload(prog, false);
	for (size_t i = 0; i < N_HOOKS; i++) {
		if (hook_defs[i].obj != id)
			continue;
		for (int v = 0; v < N_VARIANTS; v++) {
			for (int p = 0; p < MAX_PROGS && hook_defs[i].progs[v][p]; p++) {
				prog = bpf_object__find_program_by_name(s->objs[id],
									hook_defs[i].progs[v][p]);
				if (!prog) {
					s->hooks[i].candidate[v] = false;
					strbuf_printf(s->hooks[i].why_not[v],
						      sizeof(s->hooks[i].why_not[v]),
						      "program %s missing from the build",
						      hook_defs[i].progs[v][p]);
				}
			}
			if (!s->hooks[i].candidate[v])
				continue;
			for (int p = 0; p < MAX_PROGS && hook_defs[i].progs[v][p]; p++) {
				prog = bpf_object__find_program_by_name(s->objs[id],
									hook_defs[i].progs[v][p]);
				bpf_program__set_autoload(prog, true);
				wanted++;
			}
		}
	}
	return wanted;
}

/* Mark the variant that owns program `prog` as refused, with why. */
static bool refuse_program(struct session *s, enum session_object id, const char *prog, int err,
			   const char *what)
{
	for (size_t i = 0; i < N_HOOKS; i++) {
		if (hook_defs[i].obj != id)
			continue;
		for (int v = 0; v < N_VARIANTS; v++)
			for (int p = 0; p < MAX_PROGS && hook_defs[i].progs[v][p]; p++) {
				if (strcmp(hook_defs[i].progs[v][p], prog))
					continue;
				s->hooks[i].candidate[v] = false;
				strbuf_printf(s->hooks[i].why_not[v], sizeof(s->hooks[i].why_not[v]),
					      "%s refused at load: %s", variant_names[v],
					      what[0] ? what : bpf_strerror(-err));
				/* fentry refused for lack of trampolines is refused for all */
				if (v == V_FENTRY && (err == -EPERM || err == -ENOTSUP ||
						      err == -524 /* ENOTSUPP */))
					for (size_t j = 0; j < N_HOOKS; j++)
						if (s->hooks[j].candidate[V_FENTRY]) {
							s->hooks[j].candidate[V_FENTRY] = false;
							strbuf_printf(s->hooks[j].why_not[V_FENTRY],
								      sizeof(s->hooks[j].why_not[0]),
								      "fentry refused by this kernel "
								      "(%s)", bpf_strerror(-err));
						}
				return true;
			}
	}
	return false;
}

static void refuse_object(struct session *s, enum session_object id, int err)
{
	for (size_t i = 0; i < N_HOOKS; i++) {
		if (hook_defs[i].obj != id)
			continue;
		for (int v = 0; v < N_VARIANTS; v++)
			if (s->hooks[i].candidate[v]) {
				s->hooks[i].candidate[v] = false;
				strbuf_printf(s->hooks[i].why_not[v], sizeof(s->hooks[i].why_not[v]),
					      "load: %s", bpf_strerror(-err));
			}
	}
}

/* Load one object; each refused program is switched off and the object
 * opened and loaded again, at most once per program. */
static void load_object(struct session *s, enum session_object id)
{
	for (int attempt = 0; attempt < 64; attempt++) {
		char prog[64], what[160];
		int err = open_object(s, id);

		if (err) {
			refuse_object(s, id, err);
			return;
		}
		if (!set_autoload(s, id)) {
			destroy_object(s, id);
			return;
		}
		load_log_len = 0;
		load_log[0] = '\0';
		capturing = true;
		err = load_skeleton(s, id);
		capturing = false;
		if (!err && id == OBJ_TRAFFIC && (err = map_traffic(s))) {
			destroy_object(s, id);
			refuse_object(s, id, err);
			return;
		}
		if (!err)
			return;
		destroy_object(s, id);
		if (!failed_program(prog, sizeof(prog), what, sizeof(what)) ||
		    !refuse_program(s, id, prog, err, what)) {
			refuse_object(s, id, err);
			return;
		}
	}
}

/* ---- attach: per hook, the first candidate that attaches ---- */

static const enum session_variant preference[N_VARIANTS] = { V_FENTRY, V_KPROBE, V_TRACEPOINT };

static void attach_hook(struct session *s, size_t i)
{
	const struct session_hook_def *h = &hook_defs[i];
	struct hook_state *st = &s->hooks[i];
	struct vq_hook_status *out = &s->status[i];
	size_t used = 0;

	out->hook = h->name;
	out->reason[0] = '\0';
	for (int k = 0; k < N_VARIANTS; k++) {
		enum session_variant v = preference[k];
		bool ok = st->candidate[v] && s->objs[h->obj];

		for (int p = 0; ok && p < MAX_PROGS && h->progs[v][p]; p++) {
			struct bpf_program *prog =
				bpf_object__find_program_by_name(s->objs[h->obj], h->progs[v][p]);

			if (h->obj == OBJ_RING)	/* run on demand, never attached */
				break;
			st->links[p] = bpf_program__attach(prog);
			if (!st->links[p]) {
				strbuf_printf(st->why_not[v], sizeof(st->why_not[v]),
					      "%s attach: %s", variant_names[v], bpf_strerror(errno));
				ok = false;
			}
		}
		if (ok) {
			st->attached_as = v;
			out->attached = true;
			out->mode = variant_names[v];
			/* why a preferred variant was not used */
			for (int j = 0; j < k; j++) {
				enum session_variant pv = preference[j];

				if (!h->progs[pv][0] || !st->why_not[pv][0] || used >= sizeof(out->reason))
					continue;
				used += (size_t)snprintf(out->reason + used, sizeof(out->reason) - used,
							 "%s%s", used ? "; " : "", st->why_not[pv]);
			}
			if (h->cap == CAP_ADDS && s->percpu_slots && used < sizeof(out->reason))
				snprintf(out->reason + used, sizeof(out->reason) - used, "%s%s",
					 used ? "; " : "", "keeps no add times: this kernel has no BPF "
					 "compare-and-swap (Linux 5.12), so latency_us is null");
			return;
		}
		for (int p = 0; p < MAX_PROGS; p++) {
			bpf_link__destroy(st->links[p]);
			st->links[p] = NULL;
		}
	}
	/* skipped: every variant's reason, most preferred first, each once */
	for (int k = 0; k < N_VARIANTS; k++) {
		enum session_variant v = preference[k];

		if (!h->progs[v][0] || !st->why_not[v][0] || used >= sizeof(out->reason) ||
		    strstr(out->reason, st->why_not[v]))
			continue;
		used += (size_t)snprintf(out->reason + used, sizeof(out->reason) - used, "%s%s",
					 used ? "; " : "", st->why_not[v]);
	}
	if (used >= sizeof(out->reason))
		strcpy(out->reason + sizeof(out->reason) - 4, "...");
}

/* Once, after attach: what the hooks give, by capability. */
static void fill_caps(struct session *s)
{
	bool any[N_CAPS] = { false }, all[N_CAPS], has[N_CAPS] = { false };
	unsigned int variants[N_CAPS] = { 0 };

	for (int c = 0; c < N_CAPS; c++) {
		all[c] = true;
		cap_feeds_text((enum session_cap)c, s->feeds[c], sizeof(s->feeds[c]));
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		enum session_cap c = hook_defs[i].cap;

		has[c] = true;
		s->status[i].feeds = s->feeds[c][0] ? s->feeds[c] : NULL;
		if (s->status[i].attached) {
			any[c] = true;
			variants[c] |= 1u << s->hooks[i].attached_as;
		} else {
			all[c] = false;
		}
	}
	for (int c = 0; c < N_CAPS; c++) {
		s->caps.available[c] = has[c] && (cap_defs[c].all ? all[c] : any[c]);
		s->caps.variants[c] = s->caps.available[c] ? variants[c] : 0;
	}
}

/* Whether a hook of capability c attached among the first `before`. */
static bool cap_attached(const struct session *s, enum session_cap c, size_t before)
{
	for (size_t i = 0; i < before; i++)
		if (hook_defs[i].cap == c && s->status[i].attached)
			return true;
	return false;
}

/*
 * Where vring_interrupt is hooked (fentry, kprobe) it counts every queue's
 * interrupts, spurious ones included, on the very interrupt the irq
 * tracepoints would count again: programs more per interrupt, on the I/O
 * path, for nothing (issue 13's per-I/O figures: 571 + 543 ns of 6.6 us).
 * The tracepoints are for the mode that has no function hooks, and for
 * --detail counts.
 * The exit program counts the spurious interrupts; the entry program the
 * interrupts, which queue each vector serves and a queue's consumed used
 * index before its first interrupt's handler runs, for queues that nothing
 * found before (tracepoint mode).  Where discovery attached, every queue is
 * known and sampled from the start and /proc/interrupts counts each
 * vector: one program per interrupt less (open_irq_totals).  The hooks
 * table lists vring_interrupt and discovery before them.
 */
static const char *irq_tracepoint_not_needed(const struct session *s, size_t i)
{
	if (hook_defs[i].cap != CAP_IRQ_TP && hook_defs[i].cap != CAP_IRQ_FIRST)
		return NULL;
	if (cap_attached(s, CAP_IRQ_VRING, i))
		return "not needed: vring_interrupt is attached and counts every queue's "
		       "interrupts; the irq tracepoints would count each one again";
	if (hook_defs[i].cap == CAP_IRQ_FIRST && cap_attached(s, CAP_DISCOVERY, i))
		return "not needed: discovery finds every queue before its first interrupt, "
		       "and /proc/interrupts counts each vector's interrupts for free";
	return NULL;
}

static void skip_hook(struct session *s, size_t i, const char *why)
{
	s->status[i].hook = hook_defs[i].name;
	s->status[i].attached = false;
	strbuf_copy(s->status[i].reason, sizeof(s->status[i].reason), why);
}

static void summarise_mode(struct session *s)
{
	bool used[N_VARIANTS] = { false };

	for (size_t i = 0; i < N_HOOKS; i++)
		if (s->status[i].attached && hook_defs[i].is_function)
			used[s->hooks[i].attached_as] = true;
	if (used[V_FENTRY] && used[V_KPROBE])
		strcpy(s->mode_name, "fentry+kprobe");
	else if (used[V_FENTRY])
		strcpy(s->mode_name, "fentry");
	else if (used[V_KPROBE])
		strcpy(s->mode_name, "kprobe");
	else
		strcpy(s->mode_name, "tracepoint");
}

static const char *const detail_names[] = {
	[SESSION_DETAIL_FULL] = "full", [SESSION_DETAIL_COUNTS] = "counts",
};

int session_detail_parse(const char *str)
{
	for (size_t i = 0; i < sizeof(detail_names) / sizeof(detail_names[0]); i++)
		if (!strcmp(str, detail_names[i]))
			return (int)i;
	return -1;
}

const char *session_detail_name(enum session_detail d)
{
	return detail_names[d];
}

int session_mode_parse(const char *str)
{
	static const char *const names[] = {
		[SESSION_AUTO] = "auto", [SESSION_FENTRY] = "fentry",
		[SESSION_KPROBE] = "kprobe", [SESSION_TRACEPOINT] = "tracepoint",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(str, names[i]))
			return (int)i;
	return -1;
}

static int read_irq_totals(uint64_t *totals, size_t n)
{
	FILE *f = fopen("/proc/interrupts", "re");
	int ret;

	if (!f)
		return -1;
	ret = interrupts_parse(f, totals, n);
	fclose(f);
	return ret;
}

/*
 * Where discovery found the queues, the irq entry program is left out
 * (irq_tracepoint_not_needed): the kernel's own per-vector counts give the
 * interrupts, at no cost on the I/O path.  A vector that the kernel freed
 * and allocated again since counts from 0 again, and from there here.
 */
static void open_irq_totals(struct session *s)
{
	void *base;

	if (!s->irq || !cap_attached(s, CAP_IRQ_TP, N_HOOKS) ||
	    cap_attached(s, CAP_IRQ_FIRST, N_HOOKS))
		return;
	s->n_irq_totals = bpf_map__max_entries(s->irq->maps.irq_base);
	base = mmap(NULL, s->n_irq_totals * sizeof(*s->irq_base), PROT_READ | PROT_WRITE,
		    MAP_SHARED, bpf_map__fd(s->irq->maps.irq_base), 0);
	s->irq_now = calloc(s->n_irq_totals, sizeof(*s->irq_now));
	s->irq_next = calloc(s->n_irq_totals, sizeof(*s->irq_next));
	if (base == MAP_FAILED || !s->irq_now || !s->irq_next ||
	    read_irq_totals(s->irq_now, s->n_irq_totals)) {
		if (base != MAP_FAILED)
			munmap(base, s->n_irq_totals * sizeof(*s->irq_base));
		return;
	}
	s->irq_base = base;
	/* a pinned map an earlier vqwatch filled: go on from its start */
	for (size_t i = 0; i < s->n_irq_totals; i++)
		if (!s->irq_base[i])
			s->irq_base[i] = s->irq_now[i] + 1;
	s->irqs_from_proc = true;
	s->irq_read_ms = monotonic_ms();
}

static uint64_t proc_interrupts(struct session *s, int irq)
{
	uint64_t now = monotonic_ms(), base;

	if (now - s->irq_read_ms >= IRQ_REREAD_MS) {
		/* unreadable this time: the last totals stand */
		if (!read_irq_totals(s->irq_next, s->n_irq_totals))
			memcpy(s->irq_now, s->irq_next, s->n_irq_totals * sizeof(*s->irq_now));
		s->irq_read_ms = now;
	}
	if ((size_t)irq >= s->n_irq_totals)
		return 0;
	base = s->irq_base[irq] - 1;
	if (s->irq_now[irq] < base) {	/* freed and allocated again */
		s->irq_base[irq] = 1;
		base = 0;
	}
	return s->irq_now[irq] - base;
}

struct session *session_open(const struct session_opts *opts, char *err, size_t errlen)
{
	struct session *s = calloc(1, sizeof(*s));
	size_t attached = 0, value_size;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->opts = *opts;
	libbpf_verbosity = opts->verbosity;
	libbpf_set_print(libbpf_print);
	if (opts->pin_dir && session_pin_dir_ok(opts->pin_dir, err, errlen))
		goto fail;
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(err, errlen, "this kernel has no BTF (/sys/kernel/btf/vmlinux: %s): "
			 "BPF tracing needs CONFIG_DEBUG_INFO_BTF; 'vqwatch audit' works without it",
			 strerror(errno));
		goto fail;
	}
	s->ncpus = libbpf_num_possible_cpus();
	value_size = sizeof(struct vq_traffic);
	s->percpu = s->ncpus > 0 ? calloc((size_t)s->ncpus, value_size) : NULL;
	if (!s->percpu) {
		snprintf(err, errlen, "cannot size per-CPU values: %s",
			 s->ncpus < 0 ? strerror(-s->ncpus) : "out of memory");
		goto fail;
	}
	s->percpu_slots = !kernel_has_bpf_cas();
	s->percpu_slot = calloc((size_t)s->ncpus, sizeof(*s->percpu_slot));
	if (!s->percpu_slot) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	phase_start = monotonic_ms();
	probe_hooks(s);
	phase_done("probe (BTF prototypes, kernel limits)");
	for (int id = 0; id < N_OBJECTS; id++) {
		load_object(s, (enum session_object)id);
		phase_done(object_names[id]);
	}
	for (size_t i = 0; i < N_HOOKS; i++) {
		const char *not_needed = irq_tracepoint_not_needed(s, i);

		if (not_needed) {
			skip_hook(s, i, not_needed);
			continue;
		}
		attach_hook(s, i);
		attached += s->status[i].attached;
	}
	phase_done("attach");
	if (!attached) {
		snprintf(err, errlen, "no BPF hook could be loaded (%s); this needs root "
			 "(CAP_BPF and CAP_PERFMON); 'vqwatch audit' works without BPF",
			 s->status[N_HOOKS - 1].reason);
		goto fail;
	}
	fill_caps(s);
	summarise_mode(s);
	open_irq_totals(s);
	/* libbpf's parses of the kernel BTF leave about 11 MiB of freed heap
	 * behind (docs/bench.md): give it back */
	malloc_trim(0);
	return s;
fail:
	session_close(s);
	return NULL;
}

void session_close(struct session *s)
{
	if (!s)
		return;
	/* a trampoline's detach waits for the kernel's RCU tasks grace
	 * periods: tenths of a second per fentry link under emulation */
	phase_start = monotonic_ms();
	for (size_t i = 0; i < N_HOOKS; i++)
		for (int p = 0; p < MAX_PROGS; p++)
			bpf_link__destroy(s->hooks[i].links[p]);
	phase_done("detach");
	for (int id = 0; id < N_OBJECTS; id++)
		destroy_object(s, (enum session_object)id);
	free(s->percpu);
	free(s->percpu_slot);
	free(s->syms);
	if (s->irq_base)
		munmap((void *)s->irq_base, s->n_irq_totals * sizeof(*s->irq_base));
	free(s->irq_now);
	free(s->irq_next);
	free(s);
}

const struct vq_hook_status *session_hooks(const struct session *s, size_t *n)
{
	*n = N_HOOKS;
	return s->status;
}

const char *session_mode_name(const struct session *s)
{
	return s->mode_name;
}

enum session_detail session_detail(const struct session *s)
{
	return s->opts.detail;
}

unsigned int session_latency_sample(const struct session *s)
{
	if (s->opts.detail != SESSION_DETAIL_FULL)
		return 0;
	return s->opts.latency_sample > 1 ? s->opts.latency_sample : 1;
}

const struct session_caps *session_caps(const struct session *s)
{
	return &s->caps;
}

/* ---- reads ---- */

int session_irq_counts(struct session *s, int irq, struct vq_irq_count *sum)
{
	const struct vq_irq_count *cpu = s->percpu;
	__u32 key = (__u32)irq;

	memset(sum, 0, sizeof(*sum));
	if (!s->irq || irq < 0 ||
	    bpf_map__lookup_elem(s->irq->maps.irq_counts, &key, sizeof(key), s->percpu,
				 (size_t)s->ncpus * sizeof(*cpu), 0))
		return -1;
	for (int c = 0; c < s->ncpus; c++) {
		sum->interrupts += cpu[c].interrupts;
		sum->spurious += cpu[c].spurious;
		if (cpu[c].dev_id) {
			sum->dev_id = cpu[c].dev_id;
			sum->kind = cpu[c].kind;
		}
	}
	if (s->irqs_from_proc)
		sum->interrupts = proc_interrupts(s, irq);
	return 0;
}

int session_irq_first(struct session *s, int irq, uint64_t *dev_id, uint16_t *last_used)
{
	struct vq_irq_first first;
	__u32 key = (__u32)irq;

	if (!s->irq || irq < 0 ||
	    bpf_map__lookup_elem(s->irq->maps.irq_first, &key, sizeof(key), &first,
				 sizeof(first), 0) ||
	    !first.dev_id || !first.known)
		return -1;
	*dev_id = first.dev_id;
	*last_used = first.last_used;
	return 0;
}

/* Per-vector counters, read 256 irqs per system call (batch look-up). */
#define IRQ_BATCH 256

int session_for_each_irq(struct session *s,
			 void (*fn)(void *arg, int irq, const struct vq_irq_count *sum), void *arg)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct vq_irq_count *vals;
	__u32 keys[IRQ_BATCH] = { 0 }, out_batch = 0;	/* zeroed for valgrind: the kernel fills them */
	bool first = true, done = false;
	int fd;

	if (!s->irq)
		return -1;
	fd = bpf_map__fd(s->irq->maps.irq_counts);
	vals = calloc((size_t)IRQ_BATCH * (size_t)s->ncpus, sizeof(*vals));
	if (!vals)
		return -1;
	while (!done) {
		__u32 count = IRQ_BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &out_batch, &out_batch, keys,
					       vals, &count, &opts);

		if (err && errno != ENOENT)
			break;
		done = err != 0;	/* ENOENT: this was the last batch */
		first = false;
		for (__u32 k = 0; k < count; k++) {
			const struct vq_irq_count *cpu = &vals[(size_t)k * (size_t)s->ncpus];
			struct vq_irq_count sum = { 0 };

			for (int c = 0; c < s->ncpus; c++) {
				sum.interrupts += cpu[c].interrupts;
				sum.spurious += cpu[c].spurious;
				if (cpu[c].dev_id) {
					sum.dev_id = cpu[c].dev_id;
					sum.kind = cpu[c].kind;
				}
			}
			if (sum.interrupts)
				fn(arg, (int)keys[k], &sum);
		}
	}
	free(vals);
	return 0;
}

int session_for_each_device(struct session *s,
			    void (*fn)(void *arg, uint64_t vdev, const struct vq_dev_seen *seen),
			    void *arg)
{
	__u64 key, *prev = NULL;
	struct vq_dev_seen seen;

	if (!s->queues)
		return -1;
	while (!bpf_map__get_next_key(s->queues->maps.devices, prev, &key, sizeof(key))) {
		if (!bpf_map__lookup_elem(s->queues->maps.devices, &key, sizeof(key), &seen,
					  sizeof(seen), 0))
			fn(arg, key, &seen);
		prev = &key;
	}
	return 0;
}

int session_for_each_created(struct session *s,
			     void (*fn)(void *arg, uint64_t vq, const struct vq_created *c),
			     void *arg)
{
	__u64 key, *prev = NULL;
	struct vq_created c;

	if (!s->queues)
		return -1;
	while (!bpf_map__get_next_key(s->queues->maps.created, prev, &key, sizeof(key))) {
		if (!bpf_map__lookup_elem(s->queues->maps.created, &key, sizeof(key), &c,
					  sizeof(c), 0))
			fn(arg, key, &c);
		prev = &key;
	}
	return 0;
}

/* The queue's slot, found as the programs place it (vqwatch_queue.h). */
static int queue_slot(const struct session *s, uint64_t vq, __u32 *slot)
{
	__u32 h = vq_hash(vq, VQ_MAX_QUEUES - 1);

	for (int i = 0; i < VQ_SLOT_PROBES; i++) {
		*slot = (h + i) & (VQ_MAX_QUEUES - 1);
		if (s->slot_owner[*slot].owner == vq)
			return 0;
	}
	return -1;
}

static void add_traffic(struct vq_traffic *sum, const struct vq_traffic *t)
{
	sum->interrupts += t->interrupts;
	sum->spurious += t->spurious;
	sum->added += t->added;
	sum->completed += t->completed;
	sum->out_bytes += t->out_bytes;
	sum->in_bytes += t->in_bytes;
	sum->posted_in_bytes += t->posted_in_bytes;
	sum->lat_count += t->lat_count;
	sum->lat_sum_us += t->lat_sum_us;
	for (int i = 0; i < VQ_HIST_SLOTS; i++)
		sum->lat_slots[i] += t->lat_slots[i];
}

/* Slots claimed per CPU: each CPU's slots among the queue's probes that
 * it claimed, with that CPU's counters at the same index. */
static int queue_traffic_percpu(struct session *s, uint64_t vq, struct vq_traffic *sum)
{
	const struct vq_traffic *cpu = s->percpu;
	__u32 h = vq_hash(vq, VQ_MAX_QUEUES - 1);

	for (int i = 0; i < VQ_SLOT_PROBES; i++) {
		__u32 slot = (h + i) & (VQ_MAX_QUEUES - 1);

		if (bpf_map__lookup_elem(s->traffic->maps.slots_percpu, &slot, sizeof(slot),
					 s->percpu_slot, (size_t)s->ncpus * sizeof(*s->percpu_slot), 0) ||
		    bpf_map__lookup_elem(s->traffic->maps.traffic, &slot, sizeof(slot), s->percpu,
					 (size_t)s->ncpus * sizeof(*cpu), 0))
			return -1;
		for (int c = 0; c < s->ncpus; c++)
			if (s->percpu_slot[c].owner == vq) {
				sum->kicks += s->percpu_slot[c].kicks;
				add_traffic(sum, &cpu[c]);
			}
	}
	return 0;
}

int session_queue_traffic(struct session *s, uint64_t vq, struct vq_traffic *sum)
{
	const struct vq_traffic *cpu = s->percpu;
	__u32 slot;

	memset(sum, 0, sizeof(*sum));
	if (!s->traffic || !s->slot_owner)
		return -1;
	if (s->percpu_slots)
		return queue_traffic_percpu(s, vq, sum);
	if (queue_slot(s, vq, &slot))
		return 0;	/* no traffic seen yet */
	if (bpf_map__lookup_elem(s->traffic->maps.traffic, &slot, sizeof(slot), s->percpu,
				 (size_t)s->ncpus * sizeof(*cpu), 0))
		return -1;
	sum->kicks = s->slot_owner[slot].kicks;	/* shared, beside the claim */
	for (int c = 0; c < s->ncpus; c++)
		add_traffic(sum, &cpu[c]);
	return 0;
}

int session_for_each_token(struct session *s, bool (*fn)(void *arg, uint64_t vq, uint64_t added_ns),
			   void *arg)
{
	if (!s->tokens)
		return -1;
	for (size_t i = 0; i < VQ_MAX_TOKENS; i++) {
		volatile struct vq_token *e = &s->tokens[i];
		uint64_t token = e->token, vq, added;

		if (!token)
			continue;
		vq = e->vq;	/* 0 while an add or a completion is writing it */
		added = e->added_ns;
		if (!vq || !added || !fn(arg, vq, added))
			continue;
		/* freed as the programs free one: vq and time first, then the
		 * claim, only if nobody changed it meanwhile */
		e->vq = 0;
		e->added_ns = 0;
		__atomic_compare_exchange_n((uint64_t *)&e->token, &token, 0, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
	return 0;
}

bool session_times_buffers(const struct session *s)
{
	return !s->percpu_slots;
}

bool session_can_snapshot(const struct session *s)
{
	return s->ring != NULL;
}

int session_snapshot(struct session *s, uint64_t vq, uint64_t vdev, unsigned int skip,
		     struct vq_snap *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, run);
	int syscall_fd, raw_fd;

	if (!s->ring)
		return -1;
	syscall_fd = bpf_program__fd(s->ring->progs.vq_snapshot);
	raw_fd = bpf_program__fd(s->ring->progs.vq_snapshot_raw);
	memset(out, 0, sizeof(*out));
	out->dev.vq = vq;
	out->dev.vdev = vdev;
	out->dev.skip = skip;
	if (syscall_fd >= 0) {
		/* the context is copied back into ctx_in (syscall programs
		 * refuse ctx_out) */
		run.ctx_in = &out->dev;
		run.ctx_size_in = sizeof(out->dev);
		if (bpf_prog_test_run_opts(syscall_fd, &run) || run.retval != 0)
			return -1;
	} else {
		/* raw_tp: no context; in and out through its global */
		s->ring->bss->snap_io = out->dev;
		if (raw_fd < 0 || bpf_prog_test_run_opts(raw_fd, &run) || run.retval != 0)
			return -1;
		out->dev = s->ring->bss->snap_io;
	}
	memcpy(out->queues, s->ring->bss->snap_queues, sizeof(out->queues));
	return 0;
}

void session_trigger_discovery(const char *root)
{
	char pattern[4096], buf[4096];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/sys/bus/virtio/devices/virtio*/uevent", root);
	if (glob(pattern, 0, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");

		if (!f)
			continue;
		while (fread(buf, 1, sizeof(buf), f) > 0)
			;
		fclose(f);
	}
	globfree(&g);
}

int session_ring_count_get(struct session *s, uint64_t vq, struct vq_ring_count *rc)
{
	__u64 key = vq;

	if (!s->ring)
		return -1;
	return bpf_map__lookup_elem(s->ring->maps.ring_counts, &key, sizeof(key), rc,
				    sizeof(*rc), 0) ? -1 : 0;
}

void session_ring_count_put(struct session *s, uint64_t vq, const struct vq_ring_count *rc)
{
	__u64 key = vq;

	if (s->ring)
		bpf_map__update_elem(s->ring->maps.ring_counts, &key, sizeof(key), rc,
				     sizeof(*rc), BPF_ANY);
}

/* What each loss kind means to a user (enum vq_loss). */
static const char *const loss_names[VQ_LOSS_KINDS] = {
	[VQ_LOST_QUEUE_MAP] = "queue_map_full",
	[VQ_LOST_TOKEN_MAP] = "inflight_map_full",
	[VQ_LOST_SG] = "sg_list_too_long",
	[VQ_LOST_STASH] = "kretprobe_without_entry",
	[VQ_LOST_DEVICE_MAP] = "device_map_full",
	[VQ_LOST_IRQ_MAP] = "irq_beyond_map",
};

size_t session_losses(struct session *s, struct vq_loss_count *out, size_t max)
{
	struct bpf_map *maps[] = {
		s->queues ? s->queues->maps.lost : NULL,
		s->traffic ? s->traffic->maps.lost : NULL,
		s->irq ? s->irq->maps.lost : NULL,
	};
	const __u64 *cpu = s->percpu;
	size_t n = 0;

	for (__u32 k = 0; k < VQ_LOSS_KINDS && n < max; k++) {
		uint64_t total = 0;

		for (size_t m = 0; m < sizeof(maps) / sizeof(maps[0]); m++)
			if (maps[m] && !bpf_map__lookup_elem(maps[m], &k, sizeof(k), s->percpu,
							     (size_t)s->ncpus * sizeof(__u64), 0))
				for (int c = 0; c < s->ncpus; c++)
					total += cpu[c];
		out[n].what = loss_names[k];
		out[n++].count = total;
	}
	return n;
}


bool session_bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "re");
	int on = 0;

	if (!f)
		return false;
	if (fscanf(f, "%d", &on) != 1)
		on = 0;
	fclose(f);
	return on > 0;
}

size_t session_prog_stats(const struct session *s, struct vq_prog_stat *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < N_HOOKS; i++) {
		const struct session_hook_def *h = &hook_defs[i];
		enum session_variant v = s->hooks[i].attached_as;

		if (!s->status[i].attached || !s->objs[h->obj])
			continue;
		for (int p = 0; p < MAX_PROGS && h->progs[v][p] && n < max; p++) {
			struct bpf_program *prog =
				bpf_object__find_program_by_name(s->objs[h->obj], h->progs[v][p]);
			struct bpf_prog_info info = { 0 };
			__u32 len = sizeof(info);

			if (!prog || bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
				continue;
			out[n++] = (struct vq_prog_stat){ h->progs[v][p], h->name, info.run_cnt,
							  info.run_time_ns };
		}
	}
	return n;
}
