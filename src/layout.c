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

int layout_compute(const struct layout_input *in, struct layout *out)
{
	const struct vq_device_type *type = in->type;
	unsigned int cursor[RULE_COUNT] = { 0 };
	unsigned int n = in->queues ? in->queues : 1;

	memset(out, 0, sizeof(*out));
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
			}
		}
		for (int rule = 0; rule < RULE_COUNT; rule++) {
			unsigned int used = repeats[rule] * (unsigned int)roles;

			cursor[rule] += used;
			if (!(rule == RULE_SPEC && reserved_only))
				out->count[rule] += used;
		}
	}
	return 0;
}

void layout_free(struct layout *l)
{
	free(l->queues);
	memset(l, 0, sizeof(*l));
}

void layout_queue_to_model(const struct layout_queue *lq, struct vq_queue *q)
{
	q->index = lq->index[RULE_LINUX];
	q->spec_index = lq->index[RULE_SPEC];
	q->offered_dense_index = lq->index[RULE_OFFERED_DENSE];
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
