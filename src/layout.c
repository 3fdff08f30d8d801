// SPDX-License-Identifier: GPL-2.0
/*
 * Queue numbering rules.  Each rule walks the device's queue groups in the
 * spec's order with its own cursor; they differ only in which features make
 * a group present and whether an absent group keeps its slot:
 *
 *   rule           present when        absent group keeps its slot
 *                                      (and shows its index)
 *   spec           negotiated          if the spec lists it at a fixed place
 *   linux          negotiated          never (virtio_pci_common.c queue_idx++)
 *   offered-dense  offered             never (QEMU virtio_add_queue at realize)
 *
 * (reference/virtio-queue-layouts.md sections 1, 4 and 5.)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layout.h"
#include "strbuf.h"

static bool group_present(const struct vq_group *g, const struct vq_features *f)
{
	return g->presence_bit == VQ_NO_BIT || features_has(f, (unsigned int)g->presence_bit);
}

static unsigned int group_repeats(const struct vq_group *g, const struct vq_features *f,
				  unsigned int n)
{
	bool multi = (g->multi_bits[0] == VQ_NO_BIT && g->multi_bits[1] == VQ_NO_BIT);

	for (int i = 0; i < 2; i++)
		if (g->multi_bits[i] != VQ_NO_BIT && features_has(f, (unsigned int)g->multi_bits[i]))
			multi = true;
	if (g->multi_needs_bit != VQ_NO_BIT && !features_has(f, (unsigned int)g->multi_needs_bit))
		multi = false;
	switch (g->count) {
	case COUNT_N:
		return multi ? n : 1;
	case COUNT_N_MINUS_ONE:
		return n - 1;
	case COUNT_ONE:
	default:
		return 1;
	}
}

static size_t group_roles(const struct vq_group *g)
{
	size_t n = 0;

	while (n < VQ_GROUP_MAX_ROLES && g->role[n])
		n++;
	return n;
}

/* The feature set a rule reads for this group. */
static const struct vq_features *rule_features(const struct layout_input *in,
					       const struct vq_group *g, enum layout_rule rule)
{
	if (rule == RULE_OFFERED_DENSE && !g->device_follows_negotiation)
		return &in->offered;
	return &in->negotiated;
}

static void format_counted(char *buf, size_t len, const char *fmt, unsigned int number)
{
	if (!fmt) {
		buf[0] = '\0';
		return;
	}
	if (strstr(fmt, "%u"))
		snprintf(buf, len, fmt, number);
	else
		strbuf_copy(buf, len, fmt);
}

enum layout_rule layout_rule_of_vmm(enum vmm_numbering n)
{
	static const enum layout_rule map[] = {
		[VMM_DENSE_OFFERED] = RULE_OFFERED_DENSE,
		[VMM_SPEC_FIXED] = RULE_SPEC,
		[VMM_DENSE_NEGOTIATED] = RULE_LINUX,
	};

	return map[n];
}

/* Each VMM's index for q: its rule's, where the table knows its rule. */
static void vmm_indexes(const struct vq_device_type *type, struct layout_queue *q)
{
	const struct vmm *v;

	for (size_t i = 0; i < VMM_MAX; i++)
		q->vmm_index[i] = q->vmm_index_lo[i] = q->vmm_index_hi[i] = VQ_NULL_INDEX;
	for (size_t i = 0; (v = vmm_at(i)); i++) {
		const struct vmm_rule *r = vmm_rule_for(v, type->id);

		if (r)
			q->vmm_index[i] = q->vmm_index_lo[i] = q->vmm_index_hi[i] =
				q->index[layout_rule_of_vmm(r->numbering)];
	}
}

/* The index of role in l by offered features, VQ_NULL_INDEX if absent. */
static int offered_index_of(const struct layout *l, const char *role)
{
	for (size_t i = 0; role[0] && i < l->n_queues; i++)
		if (!strcmp(l->queues[i].role, role))
			return l->queues[i].index[RULE_OFFERED_DENSE];
	return VQ_NULL_INDEX;
}

/*
 * The offer unknown: where each VMM numbering by offered features can put
 * each queue.  Its offer holds what the driver negotiated, what the VMM
 * always offers, and at most what it can offer; more offered features
 * never move a queue down, so the least and the most such offer bound it.
 */
static int vmm_ranges(const struct layout_input *in, struct layout *out)
{
	const struct vmm *v;

	for (size_t i = 0; (v = vmm_at(i)); i++) {
		const struct vmm_rule *r = vmm_rule_for(v, in->type->id);
		struct layout_input lo_in = *in, hi_in = *in;
		struct layout lo, hi;

		if (!r || r->numbering != VMM_DENSE_OFFERED)
			continue;
		lo_in.offered_known = hi_in.offered_known = true;
		lo_in.offered = hi_in.offered = in->negotiated;
		lo_in.offered.word[0] |= r->always_offers;
		hi_in.offered.word[0] |= r->may_offer | r->always_offers;
		if (layout_compute(&lo_in, &lo))
			return -1;
		if (layout_compute(&hi_in, &hi)) {
			layout_free(&lo);
			return -1;
		}
		for (size_t k = 0; k < out->n_queues; k++) {
			struct layout_queue *q = &out->queues[k];

			q->vmm_index_lo[i] = offered_index_of(&lo, q->role);
			q->vmm_index_hi[i] = offered_index_of(&hi, q->role);
		}
		layout_free(&lo);
		layout_free(&hi);
	}
	return 0;
}

int layout_compute(const struct layout_input *in, struct layout *out)
{
	const struct vq_device_type *type = in->type;
	unsigned int cursor[RULE_COUNT] = { 0 };
	unsigned int n = in->queues ? in->queues : 1;

	memset(out, 0, sizeof(*out));
	out->mq_count = n;
	for (size_t gi = 0; type->groups && gi < type->n_groups; gi++) {
		const struct vq_group *g = &type->groups[gi];
		size_t roles = group_roles(g);
		unsigned int repeats[RULE_COUNT], most = 0;
		bool reserved_only = false;

		for (int rule = 0; rule < RULE_COUNT; rule++) {
			const struct vq_features *f = rule_features(in, g, rule);

			repeats[rule] = 0;
			if ((rule == RULE_OFFERED_DENSE && !in->offered_known) ||
			    (rule == RULE_SPEC && !type->spec_section))
				continue;	/* a rule without its input numbers nothing */
			repeats[rule] = group_present(g, f) ? group_repeats(g, f, n) : 0;
			/* The spec's fixed places exist whether the queue does or not. */
			if (rule == RULE_SPEC && !repeats[rule] && g->spec_reserves_slot)
				repeats[rule] = 1, reserved_only = true;
			if (repeats[rule] > most)
				most = repeats[rule];
		}
		if (most) {
			struct layout_queue *grown = realloc(out->queues,
				(out->n_queues + most * roles) * sizeof(*grown));

			if (!grown) {
				layout_free(out);
				return -1;
			}
			out->queues = grown;
		}
		for (unsigned int rep = 0; rep < most; rep++) {
			for (size_t k = 0; k < roles; k++) {
				struct layout_queue *q = &out->queues[out->n_queues++];

				memset(q, 0, sizeof(*q));
				format_counted(q->role, sizeof(q->role), g->role[k], g->role_base + rep);
				format_counted(q->linux_name, sizeof(q->linux_name), g->linux_name[k],
					       g->name_base + rep);
				for (int rule = 0; rule < RULE_COUNT; rule++)
					q->index[rule] = rep < repeats[rule] ?
						(int)(cursor[rule] + rep * roles + k) : VQ_NULL_INDEX;
				vmm_indexes(type, q);
			}
		}
		for (int rule = 0; rule < RULE_COUNT; rule++) {
			unsigned int used = repeats[rule] * (unsigned int)roles;

			cursor[rule] += used;
			if (!(rule == RULE_SPEC && reserved_only))
				out->count[rule] += used;
		}
	}
	if (out->count[RULE_LINUX]) {
		out->linux_at = calloc(out->count[RULE_LINUX], sizeof(*out->linux_at));
		if (!out->linux_at) {
			layout_free(out);
			return -1;
		}
		for (size_t i = 0; i < out->n_queues; i++)
			if (out->queues[i].index[RULE_LINUX] != VQ_NULL_INDEX)
				out->linux_at[out->queues[i].index[RULE_LINUX]] = &out->queues[i];
	}
	if (!in->offered_known && type->groups && vmm_ranges(in, out)) {
		layout_free(out);
		return -1;
	}
	return 0;
}

void layout_free(struct layout *l)
{
	free(l->queues);
	free(l->linux_at);
	memset(l, 0, sizeof(*l));
}

const struct layout_queue *layout_at(const struct layout *l, int index, const char *name)
{
	const struct layout_queue *q;

	if (index < 0 || (unsigned int)index >= l->count[RULE_LINUX] || !l->linux_at)
		return NULL;
	q = l->linux_at[index];
	return q && (!name || !strcmp(q->linux_name, name)) ? q : NULL;
}

void layout_queue_to_model(const struct layout_queue *lq, struct vq_queue *q)
{
	q->index = lq->index[RULE_LINUX];
	q->spec_index = lq->index[RULE_SPEC];
	q->offered_dense_index = lq->index[RULE_OFFERED_DENSE];
	memcpy(q->vmm_index, lq->vmm_index, sizeof(q->vmm_index));
	memcpy(q->vmm_index_lo, lq->vmm_index_lo, sizeof(q->vmm_index_lo));
	memcpy(q->vmm_index_hi, lq->vmm_index_hi, sizeof(q->vmm_index_hi));
	strbuf_copy(q->name, sizeof(q->name), lq->linux_name);
	strbuf_copy(q->role, sizeof(q->role), lq->role);
}

struct vq_queue *layout_add_queue(struct vq_device *d, const struct layout_queue *lq)
{
	struct vq_queue *q = device_add_queue(d);

	if (q) {
		layout_queue_to_model(lq, q);
		q->source = SOURCE_DERIVED;
	}
	return q;
}

/* ---- The multi-queue count that explains the shown queues ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct fit {
	struct layout_input in;		/* in.queues: the N being tried */
	const struct layout_shown *shown;
	size_t n_shown;
	const char **wanted;		/* names shown without an index, sorted */
	size_t n_wanted;
	int top;			/* the highest index shown, -1 if none */
};

/* Does l hold as many queues of each name as f wants (a sorted run of
 * equal names wants that many)?  -1 on ENOMEM. */
static int holds_wanted(const struct fit *f, const struct layout *l)
{
	const char **names;
	size_t n = 0, i = 0;
	int held = 1;

	if (!f->n_wanted)
		return 1;
	names = malloc((l->count[RULE_LINUX] + 1) * sizeof(*names));
	if (!names)
		return -1;
	for (unsigned int k = 0; k < l->count[RULE_LINUX]; k++)
		names[n++] = l->linux_at[k]->linux_name;
	qsort(names, n, sizeof(*names), name_cmp);
	while (held && i < f->n_wanted) {
		const char *const key = f->wanted[i];
		const char **hit = bsearch(&key, names, n, sizeof(*names), name_cmp);
		size_t run = 1, have = 0;

		while (i + run < f->n_wanted && !strcmp(f->wanted[i + run], key))
			run++;
		if (hit) {
			while (hit > names && !strcmp(hit[-1], key))
				hit--;
			while (hit + have < names + n && !strcmp(hit[have], key))
				have++;
		}
		held = have >= run;
		i += run;
	}
	free(names);
	return held;
}

/*
 * The layout for N, judged: *named, the part monotone in N (more queues
 * than the highest shown index, the wanted names held); *placed, every
 * shown queue placed (named, and each shown index under its name).
 * -1 on ENOMEM.
 */
static int try_n(struct fit *f, unsigned int n, bool *named, bool *placed)
{
	struct layout l;
	int held;

	f->in.queues = n;
	if (layout_compute(&f->in, &l))
		return -1;
	held = f->top < (int)l.count[RULE_LINUX] ? holds_wanted(f, &l) : 0;
	*named = held > 0;
	*placed = *named;
	for (size_t i = 0; *placed && i < f->n_shown; i++)
		if (f->shown[i].index != VQ_NULL_INDEX)
			*placed = layout_at(&l, f->shown[i].index, f->shown[i].name) != NULL;
	layout_free(&l);
	return held < 0 ? -1 : 0;
}

/*
 * The smallest N from which the Linux positions 0..top no longer change:
 * groups before the first one that repeats by N keep their places, and that
 * group's repetitions keep theirs (a repetition's name does not depend on
 * N); once its repetitions reach past top, nothing up to top moves.
 */
static unsigned int positions_settle(const struct layout_input *in, int top)
{
	unsigned int cursor = 0;

	for (size_t gi = 0; top >= 0 && in->type->groups && gi < in->type->n_groups; gi++) {
		const struct vq_group *g = &in->type->groups[gi];
		const struct vq_features *f = rule_features(in, g, RULE_LINUX);
		unsigned int roles = (unsigned int)group_roles(g), one, need;

		if (!roles || !group_present(g, f))
			continue;
		one = group_repeats(g, f, 1);
		if (one == group_repeats(g, f, 2)) {
			cursor += one * roles;
			continue;
		}
		if (cursor > (unsigned int)top)
			return 1;
		need = ((unsigned int)top - cursor) / roles + 1;	/* repetitions */
		return g->count == COUNT_N_MINUS_ONE ? need + 1 : need;
	}
	return 1;
}

int layout_fit(const struct layout_input *in, const struct layout_shown *shown, size_t n_shown,
	       struct layout *out)
{
	struct fit f = { .in = *in, .shown = shown, .n_shown = n_shown, .top = -1 };
	unsigned int most = n_shown > UINT_MAX ? UINT_MAX : n_shown > 1 ? (unsigned int)n_shown : 1;
	unsigned int lo = 1, hi = most, n = most, last;
	bool named = false, placed = false;
	int ret = LAYOUT_FIT_NONE;

	memset(out, 0, sizeof(*out));
	f.wanted = malloc((n_shown + 1) * sizeof(*f.wanted));
	if (!f.wanted)
		return -1;
	for (size_t i = 0; i < n_shown; i++) {
		if (shown[i].index == VQ_NULL_INDEX)
			f.wanted[f.n_wanted++] = shown[i].name;
		else if (shown[i].index > f.top)
			f.top = shown[i].index;
	}
	qsort(f.wanted, f.n_wanted, sizeof(*f.wanted), name_cmp);
	/* the smallest N of the monotone part */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (try_n(&f, mid, &named, &placed))
			goto enomem;
		if (named)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (try_n(&f, lo, &named, &placed))
		goto enomem;
	/* then the placement, N by N until the shown positions settle */
	last = positions_settle(in, f.top);
	last = last < lo ? lo : last > most ? most : last;
	for (unsigned int k = lo; named && k <= last; k++) {
		if (k > lo && try_n(&f, k, &named, &placed))
			goto enomem;
		if (placed) {
			n = k;
			ret = 0;
			break;
		}
	}
	free(f.wanted);
	f.in.queues = n;
	return layout_compute(&f.in, out) ? -1 : ret;
enomem:
	free(f.wanted);
	return -1;
}

int layout_fit_device(const struct layout_input *in, struct vq_device *d)
{
	struct layout_shown *shown = malloc((d->n_queues + 1) * sizeof(*shown));
	struct layout l;
	size_t n = 0;
	int ret;

	if (!shown)
		return -1;
	for (size_t i = 0; i < d->n_queues; i++)
		if (d->queues[i].index != VQ_NULL_INDEX)
			shown[n++] = (struct layout_shown){ d->queues[i].index, d->queues[i].name };
	ret = layout_fit(in, shown, n, &l);
	free(shown);
	for (size_t i = 0; ret >= 0 && i < d->n_queues; i++) {
		const struct layout_queue *lq = layout_at(&l, d->queues[i].index, d->queues[i].name);

		if (lq)
			layout_queue_to_model(lq, &d->queues[i]);
	}
	layout_free(&l);
	return ret;
}

int layout_to_device(const struct layout_input *in, const struct layout *l, struct vq_device *d)
{
	strbuf_copy(d->name, sizeof(d->name), in->type->name);
	d->type = in->type;
	d->type_id = in->type->id;
	d->offered = in->offered;
	d->negotiated = in->negotiated;
	d->offered_known = in->offered_known;
	d->negotiated_known = true;
	for (size_t i = 0; i < l->n_queues; i++)
		if (!layout_add_queue(d, &l->queues[i]))
			return -1;
	return 0;
}

const struct layout_queue *layout_find_name(const struct layout *l, const char *linux_name)
{
	for (size_t i = 0; i < l->n_queues; i++)
		if (l->queues[i].index[RULE_LINUX] != VQ_NULL_INDEX &&
		    !strcmp(l->queues[i].linux_name, linux_name))
			return &l->queues[i];
	return NULL;
}
