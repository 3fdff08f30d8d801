// SPDX-License-Identifier: GPL-2.0
/* Findings over the model (docs/findings.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "feature_mask.h"
#include "findings.h"
#include "strbuf.h"

struct findings_config findings_config_default(void)
{
	return (struct findings_config){
		.stall_threshold_ms = FINDINGS_STALL_THRESHOLD_MS,
		.spurious_min = FINDINGS_SPURIOUS_MIN,
	};
}

/* Queue-bearing features the device offered and the driver declined:
 * "FREE_PAGE_HINT,REPORTING", empty when none. */
static int declined_queue_features(const struct vq_device *d, struct strlist *out)
{
	const struct vq_device_type *t = d->type;

	for (size_t gi = 0; t && t->groups && gi < t->n_groups; gi++) {
		int bit = t->groups[gi].presence_bit;

		if (bit == VQ_NO_BIT || !features_has(&d->offered, (unsigned int)bit) ||
		    features_has(&d->negotiated, (unsigned int)bit))
			continue;
		strlist_add(out, ",", "%s", virtio_feature_name(t, (unsigned int)bit));
	}
	return out->oom ? -1 : 0;
}

/* The finding just added says which rule it came from. */
static struct vq_finding *with_rule(struct vq_finding *f, const char *rule)
{
	if (f)
		f->rule = rule;
	return f;
}

/* The VMMs that know d's type (vmm_rule_for): those the report speaks for
 * (shown: layout --vmm, the detected or given VMM), or the others. */
static size_t vmm_rules_of(const struct vq_report *r, const struct vq_device *d,
			   const struct vmm *out[VMM_MAX], bool shown)
{
	const struct vmm *v;
	size_t n = 0;

	for (size_t i = 0; d->type && (v = vmm_at(i)); i++)
		if (r->vmm_shown[i] == shown && vmm_rule_for(v, d->type->id))
			out[n++] = v;
	return n;
}

/* The queue-bearing features of d's offer that rule never offers (never)
 * and that it always offers but d's offer lacks (always). */
static void vmm_offer_gaps(const struct vq_device *d, const struct vmm_rule *rule,
			   struct strlist *never, struct strlist *always)
{
	for (size_t gi = 0; d->offered_known && d->type->groups && gi < d->type->n_groups; gi++) {
		int bit = d->type->groups[gi].presence_bit;
		const char *name;

		if (bit < 0 || bit >= 64)
			continue;
		name = virtio_feature_name(d->type, (unsigned int)bit);
		if (never && features_has(&d->offered, (unsigned int)bit) &&
		    !(rule->may_offer & (1ULL << bit)))
			strlist_add(never, ",", "%s", name);
		if (always && !features_has(&d->offered, (unsigned int)bit) &&
		    (rule->always_offers & (1ULL << bit)))
			strlist_add(always, ",", "%s", name);
	}
}

/* Whether d's known offer is one that rule's VMM can make; -1 on ENOMEM. */
static int vmm_offer_possible(const struct vq_device *d, const struct vmm_rule *rule)
{
	struct strlist gaps = { 0 };
	int ret;

	vmm_offer_gaps(d, rule, &gaps, &gaps);
	ret = gaps.oom ? -1 : !gaps.items;
	strlist_free(&gaps);
	return ret;
}

/* The queue-bearing features that rule may offer but not always, and that
 * the driver did not negotiate: what an unknown offer can hold or not. */
static int vmm_open_features(const struct vq_device *d, const struct vmm_rule *rule,
			     struct strlist *out)
{
	for (size_t gi = 0; d->type->groups && gi < d->type->n_groups; gi++) {
		int bit = d->type->groups[gi].presence_bit;

		if (bit < 0 || bit >= 64 || features_has(&d->negotiated, (unsigned int)bit) ||
		    !(rule->may_offer & (1ULL << bit)) || (rule->always_offers & (1ULL << bit)))
			continue;
		strlist_add(out, ",", "%s", virtio_feature_name(d->type, (unsigned int)bit));
	}
	return out->oom ? -1 : 0;
}

/*
 * A VMM the report speaks for, with a known rule, and q.  The severity
 * follows the evidence (issue 16):
 *  - the offer known (the command line, the device read, the probe) and one
 *    this VMM makes: where it puts q and the driver does not is critical
 *    (offered-not-negotiated, vmm-index-mismatch); an offer it does not make
 *    says vmm-offer-impossible instead (its numbering of it means nothing);
 *  - the offer unknown: never critical; where every offer this VMM can make
 *    puts q elsewhere, or some can, vmm-offer-unknown (a warning) says where.
 * *disagrees says whether it raised one.
 */
static int vmm_index_finding(struct vq_report *r, const struct vq_device *d,
			     const struct vq_queue *q, const struct vmm *v, bool *disagrees)
{
	const struct vmm_rule *rule = vmm_rule_for(v, d->type->id);
	int id = vmm_id(v), at = q->vmm_index[id];
	int lo = q->vmm_index_lo[id], hi = q->vmm_index_hi[id];
	struct strlist declined = { 0 };
	struct vq_finding *f;
	int possible;

	*disagrees = false;
	if (!d->offered_known) {
		if (lo == VQ_NULL_INDEX || hi == VQ_NULL_INDEX || (lo == q->index && hi == q->index))
			return 0;
		*disagrees = true;
		if (rule->numbering != VMM_DENSE_OFFERED)
			f = report_add_finding(r, SEVERITY_WARNING, "vmm-offer-unknown", d->name,
					       q->index, "%s uses the spec's fixed indexes: %s is its "
					       "queue %d; this driver uses %d (the offer is not known, "
					       "so that the device is %s's is not confirmed)", v->title,
					       q->role, lo, q->index, v->title);
		else if (lo == hi)
			f = report_add_finding(r, SEVERITY_WARNING, "vmm-offer-unknown", d->name,
					       q->index, "%s numbers by offered features: %s is its "
					       "queue %d whatever it offers; this driver uses %d (the "
					       "offer is not known, so that the device is %s's is not "
					       "confirmed)", v->title, q->role, lo, q->index, v->title);
		else if (vmm_open_features(d, rule, &declined))
			f = NULL;
		else
			f = report_add_finding(r, SEVERITY_WARNING, "vmm-offer-unknown", d->name,
					       q->index, "%s numbers by offered features: %s is its "
					       "queue %d, or up to %d if it offered %s%s, which the "
					       "driver did not negotiate (the offer is not known); this "
					       "driver uses %d", v->title, q->role, lo, hi,
					       declined.items > 1 ? "any of " : "",
					       declined.items ? strlist_str(&declined) : "?", q->index);
		strlist_free(&declined);
		return with_rule(f, v->name) ? 0 : -1;
	}
	if (at == VQ_NULL_INDEX || at == q->index)
		return 0;
	possible = vmm_offer_possible(d, rule);
	if (possible <= 0)
		return possible;
	*disagrees = true;
	if (rule->numbering != VMM_DENSE_OFFERED)
		return with_rule(report_add_finding(r, SEVERITY_CRITICAL, "vmm-index-mismatch",
				d->name, q->index, "%s uses the spec's fixed indexes: %s is its "
				"queue %d; this driver uses %d", v->title, q->role, at, q->index),
				v->name) ? 0 : -1;
	if (declined_queue_features(d, &declined)) {
		strlist_free(&declined);
		return -1;
	}
	f = with_rule(report_add_finding(r, SEVERITY_CRITICAL, "offered-not-negotiated", d->name,
					 q->index, "%s numbers by offered features: %s is its "
					 "queue %d; this driver uses %d (offered, not negotiated: %s)",
					 v->title, q->role, at, q->index,
					 declined.items ? strlist_str(&declined) : "?"), v->name);
	strlist_free(&declined);
	return f ? 0 : -1;
}

/*
 * Another VMM (one the report does not speak for) that would number q
 * otherwise, where the VMMs it speaks for agree with the driver: a warning
 * that names it (other-vmm-index).  Only with the offer known and one that
 * VMM makes.  VMMs on the spec's fixed indexes are named in
 * spec-index-deviation instead (spec_fixed_others), which says the same.
 */
static int other_vmm_finding(struct vq_report *r, const struct vq_device *d,
			     const struct vq_queue *q, const struct vmm *v)
{
	const struct vmm_rule *rule = vmm_rule_for(v, d->type->id);
	int at = q->vmm_index[vmm_id(v)], possible;
	struct strlist declined = { 0 };
	struct vq_finding *f;

	if (!d->offered_known || rule->numbering == VMM_SPEC_FIXED || at == VQ_NULL_INDEX ||
	    at == q->index)
		return 0;
	possible = vmm_offer_possible(d, rule);
	if (possible <= 0)
		return possible;
	if (declined_queue_features(d, &declined)) {
		strlist_free(&declined);
		return -1;
	}
	f = with_rule(report_add_finding(r, SEVERITY_WARNING, "other-vmm-index", d->name, q->index,
					 "only on another VMM: %s numbers by offered features: %s "
					 "would be its queue %d; this driver uses %d (offered, not "
					 "negotiated: %s)", v->title, q->role, at, q->index,
					 declined.items ? strlist_str(&declined) : "?"), v->name);
	strlist_free(&declined);
	return f ? 0 : -1;
}

/* "; so would crosvm (before 2025-04)": the VMMs on the spec's fixed
 * indexes that the report does not speak for and that can make d's (known)
 * offer, once the report speaks for one; "" if none. */
static int spec_fixed_others(const struct vq_device *d, const struct vmm *const *others,
			     size_t n_others, size_t n_shown, struct strlist *out)
{
	for (size_t i = 0; n_shown && d->offered_known && i < n_others; i++) {
		const struct vmm_rule *rule = vmm_rule_for(others[i], d->type->id);
		int possible;

		if (rule->numbering != VMM_SPEC_FIXED)
			continue;
		possible = vmm_offer_possible(d, rule);
		if (possible < 0)
			return -1;
		if (possible)
			strlist_add(out, ", ", "%s", others[i]->title);
	}
	return out->oom ? -1 : 0;
}

static int index_findings(struct vq_report *r, const struct vq_device *d, const struct vq_queue *q)
{
	const struct vmm *vmms[VMM_MAX], *others[VMM_MAX];
	size_t n_vmms = vmm_rules_of(r, d, vmms, true);
	size_t n_others = n_vmms ? vmm_rules_of(r, d, others, false) : 0;
	struct strlist declined = { 0 }, fixed = { 0 };
	bool ok, disagrees, any = false;

	if (q->index == VQ_NULL_INDEX)
		return 0;
	if (q->spec_index != VQ_NULL_INDEX && q->index != q->spec_index) {
		if (spec_fixed_others(d, others, n_others, n_vmms, &fixed)) {
			strlist_free(&fixed);
			return -1;
		}
		ok = with_rule(report_add_finding(r, SEVERITY_WARNING, "spec-index-deviation",
				d->name, q->index, "%s is queue %d, the spec lists it at %d: a device "
				"that follows the spec's table would use queue %d for something "
				"else%s%s", q->role, q->index, q->spec_index, q->index,
				fixed.items ? "; of the VMMs known, so would " : "",
				fixed.items ? strlist_str(&fixed) : ""), "spec");
		strlist_free(&fixed);
		if (!ok)
			return -1;
	}
	/* The VMMs' own rules, where known, speak instead of the generic one. */
	for (size_t i = 0; i < n_vmms; i++) {
		if (vmm_index_finding(r, d, q, vmms[i], &disagrees))
			return -1;
		any |= disagrees;
	}
	for (size_t i = 0; !any && i < n_others; i++)
		if (other_vmm_finding(r, d, q, others[i]))
			return -1;
	if (n_vmms || q->offered_dense_index == VQ_NULL_INDEX || q->index == q->offered_dense_index)
		return 0;
	if (declined_queue_features(d, &declined)) {
		strlist_free(&declined);
		return -1;
	}
	ok = with_rule(report_add_finding(r, SEVERITY_CRITICAL, "offered-not-negotiated", d->name,
				q->index, "the driver uses queue %d for %s, but a device numbering "
				"queues by offered features has it at %d (offered, not negotiated: %s)",
				q->index, q->role, q->offered_dense_index,
				declined.items ? strlist_str(&declined) : "?"), "offered-dense");
	strlist_free(&declined);
	return ok ? 0 : -1;
}

/*
 * vmm-offer-impossible: the device offers a queue-bearing feature that the
 * VMM never offers, or lacks one it always offers: not an offer this VMM
 * makes (another VMM, another version, or the wrong --vmm).
 */
static int vmm_offer_findings(struct vq_report *r, const struct vq_device *d)
{
	const struct vmm *vmms[VMM_MAX];
	size_t n_vmms = vmm_rules_of(r, d, vmms, true);

	if (!d->offered_known)
		return 0;
	for (size_t i = 0; i < n_vmms; i++) {
		const struct vmm_rule *rule = vmm_rule_for(vmms[i], d->type->id);
		struct strlist never = { 0 }, always = { 0 };
		int ret = 0;

		vmm_offer_gaps(d, rule, &never, &always);
		if (never.oom || always.oom)
			ret = -1;
		else if (never.items &&
			 !with_rule(report_add_finding(r, SEVERITY_WARNING, "vmm-offer-impossible",
				d->name, VQ_NULL_INDEX, "%s never offers %s (%s, %s): this offer is "
				"not one it makes, so the device is not %s's (or not that version)",
				vmms[i]->title, strlist_str(&never), rule->version, rule->source,
				vmms[i]->title), vmms[i]->name))
			ret = -1;
		else if (always.items &&
			 !with_rule(report_add_finding(r, SEVERITY_WARNING, "vmm-offer-impossible",
				d->name, VQ_NULL_INDEX, "%s always offers %s (%s, %s): an offer "
				"without it is not one it makes, so the device is not %s's (or not "
				"that version)", vmms[i]->title, strlist_str(&always), rule->version,
				rule->source, vmms[i]->title), vmms[i]->name))
			ret = -1;
		strlist_free(&never);
		strlist_free(&always);
		if (ret)
			return -1;
	}
	return 0;
}

static int unknown_bits(struct vq_report *r, const struct vq_device *d,
			const struct vq_features *f, const char *which)
{
	struct strlist list = { 0 };
	char label[64];
	int ret = 0;

	for (int bit = features_next(f, 0); bit >= 0; bit = features_next(f, bit + 1))
		if (!features_label(d->type, (unsigned int)bit, label, sizeof(label)))
			strlist_add(&list, ",", "%d", bit);
	if (list.oom)
		ret = -1;
	else if (list.items &&
		 !report_add_finding(r, SEVERITY_INFO, "unknown-feature-bits", d->name,
				     VQ_NULL_INDEX, "%s bits that no table names: %s", which,
				     strlist_str(&list)))
		ret = -1;
	strlist_free(&list);
	return ret;
}

static int feature_findings(struct vq_report *r, const struct vq_device *d)
{
	/* A device type without a table (an ID no table lists, or one that
	 * could not be read) names no device bit: saying so of each bit
	 * would only repeat that the type is unknown. */
	if (!d->type)
		return 0;
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

#define COUNT_MISMATCH(r, d, ...) \
	(report_add_finding((r), SEVERITY_WARNING, "queue-count-mismatch", (d)->name, \
			    VQ_NULL_INDEX, __VA_ARGS__) ? 0 : -1)

/*
 * queue-count-mismatch, from the best evidence the model holds:
 *  1. queues the driver has (named by an interrupt vector, or traced) that
 *     the layout for its negotiated features does not place: the driver
 *     uses more queues than its layout implies, never harmless;
 *  2. the device's own count (device_queues): fewer than the driver uses;
 *  3. else, with offered features known, a device numbering queues by
 *     offered features (offered_dense_index): a different count, unless
 *     the extra queues all come after every queue the driver uses.
 * Queues a device has beyond every queue the driver uses (a declined
 * trailing feature, request queues clamped to the vCPU count) are not a
 * finding.
 */
static int queue_count(struct vq_report *r, const struct vq_device *d)
{
	size_t driver = 0, unplaced = 0, dense = 0;
	int last_driver_dense = VQ_NULL_INDEX;
	struct strlist names = { 0 };
	int ret = 0;

	if (!d->type || !d->type->groups || !d->negotiated_known)
		return 0;	/* no layout to compare with */
	for (size_t i = 0; i < d->n_queues; i++) {
		const struct vq_queue *q = &d->queues[i];

		if (q->index != VQ_NULL_INDEX)
			driver++;
		else if (q->source != SOURCE_DERIVED)
			unplaced++;
		if (q->offered_dense_index != VQ_NULL_INDEX) {
			dense++;
			if (q->index != VQ_NULL_INDEX && q->offered_dense_index > last_driver_dense)
				last_driver_dense = q->offered_dense_index;
		}
	}

	if (unplaced) {
		for (size_t i = 0; i < d->n_queues; i++)
			if (d->queues[i].index == VQ_NULL_INDEX &&
			    d->queues[i].source != SOURCE_DERIVED)
				strlist_add(&names, ", ", "%s", d->queues[i].name);
		ret = names.oom ? -1 :
			COUNT_MISMATCH(r, d, "the driver has %zu queues (named by interrupt vectors "
				       "or traced), the layout its negotiated features imply has "
				       "%zu; not in that layout: %s", driver + unplaced, driver,
				       strlist_str(&names));
	} else if (d->device_queues.known) {
		uint64_t dev = d->device_queues.value;

		if (dev < driver)
			ret = COUNT_MISMATCH(r, d, "the device reports %llu queues, the driver's "
					     "layout uses %zu: queue %llu%s does not exist on the "
					     "device", (unsigned long long)dev, driver,
					     (unsigned long long)dev, driver - dev > 1 ? " and later" : "");
	} else if (d->offered_known && dense && dense < driver) {
		ret = COUNT_MISMATCH(r, d, "a device numbering queues by offered features creates "
				     "%zu queues, the driver's layout implies %zu", dense, driver);
	} else if (d->offered_known && dense > driver) {
		/* extra queues that sit before a queue the driver uses */
		for (size_t i = 0; i < d->n_queues; i++) {
			const struct vq_queue *q = &d->queues[i];

			if (q->index == VQ_NULL_INDEX && q->offered_dense_index != VQ_NULL_INDEX &&
			    q->offered_dense_index < last_driver_dense)
				strlist_add(&names, ", ", "%s", q->role);
		}
		if (names.oom)
			ret = -1;
		else if (names.items)
			ret = COUNT_MISMATCH(r, d, "a device numbering queues by offered features "
					     "creates %zu queues, the driver's layout implies %zu, and "
					     "not every extra queue comes after the driver's: %s before "
					     "a queue the driver uses", dense, driver,
					     strlist_str(&names));
	}
	strlist_free(&names);
	return ret;
}

bool findings_queue_can_stall(const struct vq_device *d, const struct vq_queue *q)
{
	return !d->removed && q->inflight.known && virtio_role_prompt(d->type, q->role);
}

static const char *const runtime_codes[] = { "queue-stalled", "unexpected-interrupt" };

bool findings_code_is_runtime(const char *code)
{
	for (size_t i = 0; i < sizeof(runtime_codes) / sizeof(runtime_codes[0]); i++)
		if (!strcmp(code, runtime_codes[i]))
			return true;
	return false;
}

/* queue-stalled and unexpected-interrupt: counters a trace fills. */
static int runtime_findings(struct vq_report *r, const struct vq_device *d,
			    const struct vq_queue *q, const struct findings_config *cfg)
{
	const char *what = q->role[0] ? q->role : q->name;
	struct vq_finding *f;

	if (findings_queue_can_stall(d, q) && q->inflight.value > 0 &&
	    q->oldest_inflight_ms.known && q->oldest_inflight_ms.value >= cfg->stall_threshold_ms) {
		f = report_add_finding(r, SEVERITY_CRITICAL, "queue-stalled", d->name, q->index,
				       "%llu buffers outstanding on %s, the oldest for %llu ms with "
				       "no completion (threshold %llu ms): the device is not "
				       "completing what the driver adds to this queue (a stuck "
				       "device, or buffers on a queue the device numbers "
				       "differently)", (unsigned long long)q->inflight.value, what,
				       (unsigned long long)q->oldest_inflight_ms.value,
				       (unsigned long long)cfg->stall_threshold_ms);
		if (!f)
			return -1;
		f->began_ago_ms = q->oldest_inflight_ms.value;
	}
	if (q->spurious_interrupts.known && cfg->spurious_min &&
	    q->spurious_interrupts.value >= cfg->spurious_min &&
	    !report_add_finding(r, SEVERITY_WARNING, "unexpected-interrupt", d->name, q->index,
				"%llu used-buffer interrupts on %s with nothing outstanding: the "
				"device signals a queue on which the driver has no buffers (a "
				"queue the device numbers differently?)",
				(unsigned long long)q->spurious_interrupts.value, what))
		return -1;
	return 0;
}

static int device_findings(struct vq_report *r, const struct vq_device *d,
			   const struct findings_config *cfg)
{
	for (size_t i = 0; i < d->n_queues; i++)
		if (index_findings(r, d, &d->queues[i]))
			return -1;
	if (vmm_offer_findings(r, d) || queue_count(r, d) || feature_findings(r, d))
		return -1;
	for (size_t i = 0; i < d->n_queues; i++)
		if (runtime_findings(r, d, &d->queues[i], cfg))
			return -1;
	return 0;
}

int findings_run(struct vq_report *r, const struct findings_config *cfg)
{
	struct findings_config def = findings_config_default();

	if (!cfg)
		cfg = &def;
	for (size_t i = 0; i < r->n_findings; i++)
		free(r->findings[i].message);
	free(r->findings);
	r->findings = NULL;
	r->n_findings = 0;
	for (size_t i = 0; i < r->n_devices; i++)
		if (device_findings(r, &r->devices[i], cfg))
			return -1;
	return 0;
}

int findings_max_severity(const struct vq_report *r)
{
	int max = -1;

	for (size_t i = 0; i < r->n_findings; i++)
		if ((int)r->findings[i].severity > max)
			max = (int)r->findings[i].severity;
	return max;
}
