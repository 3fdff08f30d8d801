// SPDX-License-Identifier: GPL-2.0
/* Findings over the model (SPEC.md "Finding codes"). */
#include <stdio.h>
#include <string.h>
#include "feature_mask.h"
#include "findings.h"

/* Queue-bearing features the device offered and the driver declined:
 * "FREE_PAGE_HINT" or "" when none. */
static void declined_queue_features(const struct vq_device *d, char *buf, size_t len)
{
	const struct vq_device_type *t = d->type;
	size_t used = 0;

	buf[0] = '\0';
	for (size_t gi = 0; t && t->groups && gi < t->n_groups && used < len; gi++) {
		int bit = t->groups[gi].presence_bit;

		if (bit == VQ_NO_BIT || !features_has(&d->offered, (unsigned int)bit) ||
		    features_has(&d->negotiated, (unsigned int)bit))
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				 virtio_feature_name(t, (unsigned int)bit));
	}
}

static int queue_findings(struct vq_report *r, const struct vq_device *d, const struct vq_queue *q)
{
	if (q->index == VQ_NULL_INDEX)
		return 0;
	if (q->spec_index != VQ_NULL_INDEX && q->index != q->spec_index &&
	    !report_add_finding(r, SEVERITY_WARNING, "spec-index-deviation", d->name, q->index,
				"%s is queue %d, the spec lists it at %d: a device that follows the "
				"spec's table would use queue %d for something else",
				q->role, q->index, q->spec_index, q->index))
		return -1;
	if (q->offered_dense_index != VQ_NULL_INDEX && q->index != q->offered_dense_index) {
		char declined[256];

		declined_queue_features(d, declined, sizeof(declined));
		if (!report_add_finding(r, SEVERITY_CRITICAL, "offered-not-negotiated", d->name,
					q->index, "the driver uses queue %d for %s, but a device "
					"numbering queues by offered features has it at %d "
					"(offered, not negotiated: %s)", q->index, q->role,
					q->offered_dense_index, declined[0] ? declined : "?"))
			return -1;
	}
	return 0;
}

static int unknown_bits(struct vq_report *r, const struct vq_device *d,
			const struct vq_features *f, const char *which)
{
	char list[256], label[64];
	size_t used = 0;

	list[0] = '\0';
	for (int bit = features_next(f, 0); bit >= 0; bit = features_next(f, bit + 1))
		if (!features_label(d->type, (unsigned int)bit, label, sizeof(label)) &&
		    used < sizeof(list))
			used += snprintf(list + used, sizeof(list) - used, "%s%d", used ? "," : "", bit);
	if (!used)
		return 0;
	return report_add_finding(r, SEVERITY_INFO, "unknown-feature-bits", d->name, VQ_NULL_INDEX,
				  "%s bits that no table names: %s", which, list) ? 0 : -1;
}

int findings_for_device(struct vq_report *r, const struct vq_device *d)
{
	for (size_t i = 0; i < d->n_queues; i++)
		if (queue_findings(r, d, &d->queues[i]))
			return -1;
	if (d->negotiated_known && unknown_bits(r, d, &d->negotiated, "negotiated"))
		return -1;
	if (d->offered_known) {
		struct vq_features only_offered = d->offered;

		/* bits both offered and negotiated were reported above */
		if (d->negotiated_known) {
			only_offered.word[0] &= ~d->negotiated.word[0];
			only_offered.word[1] &= ~d->negotiated.word[1];
		}
		if (unknown_bits(r, d, &only_offered, "offered"))
			return -1;
	}
	return 0;
}

int findings_queue_count(struct vq_report *r, const struct vq_device *d,
			 size_t expected, size_t seen, const char *how)
{
	if (expected == seen)
		return 0;
	return report_add_finding(r, SEVERITY_WARNING, "queue-count-mismatch", d->name,
				  VQ_NULL_INDEX, "%s %zu queues, the driver's layout implies %zu",
				  how, seen, expected) ? 0 : -1;
}

int findings_max_severity(const struct vq_report *r)
{
	int max = -1;

	for (size_t i = 0; i < r->n_findings; i++)
		if ((int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}
