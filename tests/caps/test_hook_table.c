// SPDX-License-Identifier: GPL-2.0
/*
 * The session's hook table (src/session.c) against what it names, without
 * loading anything: the embedded BPF objects are opened through their
 * skeletons (ELF and BTF parsing only, no system call to bpf(2)), so this
 * needs no privileges and runs with the unit tests.
 *   - every program a hook names is in its object, in a section that
 *     attaches to that hook in that variant ("fexit/vp_find_vqs" for
 *     vp_find_vqs' fentry variant), and every program of an object belongs
 *     to a hook (else it never loads);
 *   - every capability has hooks;
 *   - in each attach mode (fentry, kprobe, tracepoint), every counter of the
 *     model is fed by a capability that mode's hooks can give, or is
 *     declared absent in that mode below, and nothing declared absent is
 *     fed after all.
 * A typo in a program name, a hook name or a capability fails here, where
 * it used to null a counter in silence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "session.h"	/* first: the skeletons use its shared structs */
#include "irq.skel.h"
#include "queues.skel.h"
#include "ring.skel.h"
#include "traffic.skel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const variant_names[N_VARIANTS] = { "fentry", "kprobe", "tracepoint" };
static const char *const object_files[N_OBJECTS] = {
	[OBJ_QUEUES] = "bpf/queues.bpf.c", [OBJ_TRAFFIC] = "bpf/traffic.bpf.c",
	[OBJ_IRQ] = "bpf/irq.bpf.c", [OBJ_RING] = "bpf/ring.bpf.c",
};

/* What a mode cannot count at all: the series stay absent there (README,
 * "Attach modes"; vqwatch_hook_info says which hook would feed them). */
static const bool absent[N_VARIANTS][N_COUNTERS] = {
	[V_TRACEPOINT] = {
		[CTR_KICKS] = true, [CTR_OUT_BYTES] = true,
		[CTR_IN_BYTES] = true, [CTR_POSTED_IN_BYTES] = true, [CTR_LATENCY] = true,
	},
};

/* --detail counts: the same, with no program per buffer: bytes and latency
 * go in every mode, and every count stays (the counts tier). */
static const bool absent_in_counts[N_VARIANTS][N_COUNTERS] = {
	[V_FENTRY] = {
		[CTR_OUT_BYTES] = true, [CTR_IN_BYTES] = true, [CTR_POSTED_IN_BYTES] = true,
		[CTR_LATENCY] = true,
	},
	[V_KPROBE] = {
		[CTR_OUT_BYTES] = true, [CTR_IN_BYTES] = true, [CTR_POSTED_IN_BYTES] = true,
		[CTR_LATENCY] = true,
	},
	[V_TRACEPOINT] = {
		[CTR_KICKS] = true, [CTR_OUT_BYTES] = true,
		[CTR_IN_BYTES] = true, [CTR_POSTED_IN_BYTES] = true, [CTR_LATENCY] = true,
	},
};

/* The model's counters (struct vq_queue), each with its capability
 * counter: a struct vq_counter added to the model without one fails. */
static const struct {
	enum session_counter counter;
	size_t offset;
} model_counters[] = {
	{ CTR_KICKS, offsetof(struct vq_queue, kicks) },
	{ CTR_INTERRUPTS, offsetof(struct vq_queue, interrupts) },
	{ CTR_SPURIOUS, offsetof(struct vq_queue, spurious_interrupts) },
	{ CTR_ADDED, offsetof(struct vq_queue, buffers_added) },
	{ CTR_COMPLETED, offsetof(struct vq_queue, buffers_completed) },
	{ CTR_OUT_BYTES, offsetof(struct vq_queue, out_bytes) },
	{ CTR_IN_BYTES, offsetof(struct vq_queue, in_bytes) },
	{ CTR_INFLIGHT, offsetof(struct vq_queue, inflight) },
	{ CTR_OLDEST, offsetof(struct vq_queue, oldest_inflight_ms) },
	{ CTR_POSTED_IN_BYTES, offsetof(struct vq_queue, posted_in_bytes) },
	{ CTR_STALLS, offsetof(struct vq_queue, stalls) },
	{ CTR_LATENCY, offsetof(struct vq_queue, latency) },
};

struct objects {
	struct queues_bpf *queues;
	struct traffic_bpf *traffic;
	struct irq_bpf *irq;
	struct ring_bpf *ring;
	struct bpf_object *obj[N_OBJECTS];
};

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int open_objects(void **state)
{
	static struct objects o;

	libbpf_set_print(quiet);
	o.queues = queues_bpf__open();
	o.traffic = traffic_bpf__open();
	o.irq = irq_bpf__open();
	o.ring = ring_bpf__open();
	if (!o.queues || !o.traffic || !o.irq || !o.ring)
		return -1;
	o.obj[OBJ_QUEUES] = o.queues->obj;
	o.obj[OBJ_TRAFFIC] = o.traffic->obj;
	o.obj[OBJ_IRQ] = o.irq->obj;
	o.obj[OBJ_RING] = o.ring->obj;
	*state = &o;
	return 0;
}

static int close_objects(void **state)
{
	struct objects *o = *state;

	queues_bpf__destroy(o->queues);
	traffic_bpf__destroy(o->traffic);
	irq_bpf__destroy(o->irq);
	ring_bpf__destroy(o->ring);
	return 0;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The section attaches program p of variant v to hook h. */
static bool section_fits(const struct session_hook_def *h, int v, int p, const char *sec)
{
	const char *slash = strchr(sec, '/');

	if (!h->is_function)	/* "tp_btf/irq_handler_entry"; "syscall", "raw_tp" run on demand */
		return !strcmp(sec, h->name) ||
		       (!strcmp(sec, "syscall") && starts(h->name, "syscall/")) ||
		       (!strcmp(sec, "raw_tp") && starts(h->name, "raw_tp/"));
	if (!slash || strcmp(slash + 1, h->name))
		return false;
	switch (v) {
	case V_FENTRY: return p == 0 && (starts(sec, "fentry/") || starts(sec, "fexit/"));
	case V_KPROBE: return starts(sec, p == 0 ? "kprobe/" : "kretprobe/");
	default: return false;
	}
}

static void test_programs_in_their_objects(void **state)
{
	struct objects *o = *state;
	const struct session_hook_def *hooks;
	size_t n = 0;
	int bad = 0, checked = 0;

	hooks = session_hook_table(&n);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct session_hook_def *h = &hooks[i];
		bool any = false;

		if (h->obj >= N_OBJECTS) {
			printf("hook %s: object %d out of range\n", h->name, (int)h->obj);
			bad++;
			continue;
		}
		for (int v = 0; v < N_VARIANTS; v++)
			for (int p = 0; p < SESSION_MAX_PROGS && h->progs[v][p]; p++) {
				struct bpf_program *prog =
					bpf_object__find_program_by_name(o->obj[h->obj], h->progs[v][p]);
				const char *sec;

				any = true;
				checked++;
				if (!prog) {
					printf("hook %s (%s): program %s is not in %s\n", h->name,
					       variant_names[v], h->progs[v][p], object_files[h->obj]);
					bad++;
					continue;
				}
				sec = bpf_program__section_name(prog);
				if (!section_fits(h, v, p, sec)) {
					printf("hook %s (%s): program %s is in section \"%s\", which "
					       "does not attach there\n", h->name, variant_names[v],
					       h->progs[v][p], sec);
					bad++;
				}
			}
		if (!any) {
			printf("hook %s has no program\n", h->name);
			bad++;
		}
	}
	printf("%d programs of %zu hooks checked\n", checked, n);
	assert_int_equal(bad, 0);
}

static void test_no_program_without_a_hook(void **state)
{
	struct objects *o = *state;
	const struct session_hook_def *hooks;
	size_t n = 0;
	int bad = 0;

	hooks = session_hook_table(&n);
	for (int id = 0; id < N_OBJECTS; id++) {
		struct bpf_program *prog;

		bpf_object__for_each_program(prog, o->obj[id]) {
			const char *name = bpf_program__name(prog);
			bool named = false;

			for (size_t i = 0; i < n && !named; i++)
				for (int v = 0; v < N_VARIANTS && !named; v++)
					for (int p = 0; p < SESSION_MAX_PROGS && hooks[i].progs[v][p]; p++)
						named |= (int)hooks[i].obj == id &&
							 !strcmp(hooks[i].progs[v][p], name);
			if (!named) {
				printf("%s: program %s belongs to no hook of the table (it never "
				       "loads)\n", object_files[id], name);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* Every capability has hooks, and they are of one kind: one object's
 * functions, or one object's tracepoints (a hook given another's
 * capability by mistake mostly lives elsewhere). */
static void test_every_capability_has_hooks(void **state)
{
	const struct session_hook_def *hooks, *first[N_CAPS] = { NULL };
	unsigned int hooks_of[N_CAPS] = { 0 };
	size_t n = 0;
	int bad = 0;

	(void)state;
	hooks = session_hook_table(&n);
	for (size_t i = 0; i < n; i++) {
		enum session_cap c = hooks[i].cap;

		if (c >= N_CAPS) {
			printf("hook %s: capability %d out of range\n", hooks[i].name, (int)c);
			bad++;
			continue;
		}
		hooks_of[c]++;
		if (!first[c]) {
			first[c] = &hooks[i];
		} else if (first[c]->obj != hooks[i].obj ||
			   first[c]->is_function != hooks[i].is_function) {
			printf("capability %s: hook %s (%s) is not of the kind of %s (%s)\n",
			       session_cap_name(c),
			       hooks[i].name, object_files[hooks[i].obj], first[c]->name,
			       object_files[first[c]->obj]);
			bad++;
		}
	}
	for (int c = 0; c < N_CAPS; c++) {
		const char *name = session_cap_name((enum session_cap)c);

		if (!name) {
			printf("capability %d has no name\n", c);
			bad++;
		}
		if (!hooks_of[c]) {
			printf("capability %s has no hook: never available\n", name ? name : "?");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* What the table's hooks can give in one attach mode: a function hook
 * serves it when it has programs for it, a tracepoint-only hook serves
 * every mode (session.c probe_hooks); a capability then needs all or any
 * of its hooks, as session_open counts them. */
static void caps_of_mode(int v, enum session_detail detail, struct session_caps *caps)
{
	const struct session_hook_def *hooks;
	bool any[N_CAPS] = { false }, all[N_CAPS];
	size_t n = 0;

	hooks = session_hook_table(&n);
	memset(caps, 0, sizeof(*caps));
	for (int c = 0; c < N_CAPS; c++)
		all[c] = true;
	for (size_t i = 0; i < n; i++) {
		bool serves = (hooks[i].is_function ? hooks[i].progs[v][0] != NULL
						    : hooks[i].progs[V_TRACEPOINT][0] != NULL) &&
			      session_cap_in_detail(hooks[i].cap, detail);

		any[hooks[i].cap] |= serves;
		all[hooks[i].cap] &= serves;
	}
	for (int c = 0; c < N_CAPS; c++)
		caps->available[c] = any[c] && (session_cap_needs_all((enum session_cap)c) ? all[c] : true);
}

static void test_every_counter_fed_or_declared_absent(void **state)
{
	int bad = 0;

	(void)state;
	for (int d = SESSION_DETAIL_FULL; d <= SESSION_DETAIL_COUNTS; d++)
		for (int v = 0; v < N_VARIANTS; v++) {
			const bool *gone = d == SESSION_DETAIL_COUNTS ? absent_in_counts[v] : absent[v];
			struct session_caps caps;

			caps_of_mode(v, (enum session_detail)d, &caps);
			for (int c = 0; c < N_COUNTERS; c++) {
				bool fed = session_counter_fed(&caps, (enum session_counter)c);
				const char *name = session_counter_name((enum session_counter)c);

				if (fed == gone[c]) {
					printf("%s mode, detail %s: %s is %s\n", variant_names[v],
					       session_detail_name((enum session_detail)d),
					       name ? name : "?",
					       fed ? "declared absent, but a capability of this mode "
						     "feeds it"
						   : "fed by no capability of this mode, and not "
						     "declared absent");
					bad++;
				}
			}
		}
	assert_int_equal(bad, 0);
}

/* Every counter of the model has a name and a capability counter, and
 * the model has no counter beyond them. */
static void test_model_counters_named(void **state)
{
	bool listed[N_COUNTERS] = { false };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(model_counters); i++) {
		assert_true(model_counters[i].counter < N_COUNTERS);
		assert_false(listed[model_counters[i].counter]);
		listed[model_counters[i].counter] = true;
	}
	for (int c = 0; c < N_COUNTERS; c++) {
		assert_true(listed[c]);
		assert_non_null(session_counter_name((enum session_counter)c));
		for (int k = 0; k < c; k++)
			assert_string_not_equal(session_counter_name((enum session_counter)c),
						session_counter_name((enum session_counter)k));
	}
	/* struct vq_queue: eleven struct vq_counter from kicks to stalls, then
	 * the latency histogram, then the ring's state (no counter) */
	assert_int_equal(offsetof(struct vq_queue, latency) - offsetof(struct vq_queue, kicks),
			 (ARRAY_SIZE(model_counters) - 1) * sizeof(struct vq_counter));
	assert_int_equal(offsetof(struct vq_queue, latency) + sizeof(struct vq_hist),
			 offsetof(struct vq_queue, ring));
	assert_int_equal(sizeof(struct vq_queue) - _Alignof(struct vq_queue),
			 (offsetof(struct vq_queue, ring) + sizeof(struct vq_ring) - 1) /
			 _Alignof(struct vq_queue) * _Alignof(struct vq_queue));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_programs_in_their_objects),
		cmocka_unit_test(test_no_program_without_a_hook),
		cmocka_unit_test(test_every_capability_has_hooks),
		cmocka_unit_test(test_every_counter_fed_or_declared_absent),
		cmocka_unit_test(test_model_counters_named),
	};

	return cmocka_run_group_tests(tests, open_objects, close_objects);
}
