/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtio knowledge: device types, feature bit names, and each device's queue
 * table.  Pure data plus look-ups; no I/O, no BPF, no output formats.
 * The data lives in virtio_tables.c, cited to the virtio spec
 * (oasis-tcs/virtio-spec, virtio-v1.4-cs01) and to the Linux drivers.
 */
#ifndef VQWATCH_VIRTIO_H
#define VQWATCH_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Virtio features grew to 128 bits in Linux 6.17+ (features_array[2]). */
#define VQ_FEATURE_BITS 128

/* Device IDs (spec 5, "Device Types") that code, not only the type table,
 * needs to name; the table uses these names for them too. */
#define VQ_ID_BLK	2
#define VQ_ID_RNG	4
#define VQ_ID_BALLOON	5
#define VQ_ID_SCSI	8

/* Transport feature bits (spec 6) that code reads. */
#define VQ_F_RING_INDIRECT_DESC	28
#define VQ_F_RING_PACKED	34

struct vq_features {
	uint64_t word[2];
};

static inline bool features_has(const struct vq_features *f, unsigned int bit)
{
	return bit < VQ_FEATURE_BITS && (f->word[bit / 64] >> (bit % 64)) & 1;
}

static inline void features_set(struct vq_features *f, unsigned int bit)
{
	if (bit < VQ_FEATURE_BITS)
		f->word[bit / 64] |= 1ULL << (bit % 64);
}

struct vq_feature_name {
	unsigned int bit;
	const char *name;	/* without prefix: "STATS_VQ" */
};

/*
 * How many times a queue group repeats.  The count N comes from the device's
 * configuration (--queues): net max_virtqueue_pairs, blk num_queues, console
 * max_nr_ports, scsi num_queues, crypto max_dataqueues, fs request queues.
 */
enum vq_count_rule {
	COUNT_ONE,		/* exactly once */
	COUNT_N,		/* N times; if multi_bits is set, N only when one
				 * of them is present, else once */
	COUNT_N_MINUS_ONE,	/* N - 1 times (console ports after port 0) */
};

#define VQ_GROUP_MAX_ROLES 2
#define VQ_NO_BIT (-1)

/*
 * One group of queues in the spec's list, in order.  A device's queue list
 * is its groups, in order, each present or absent and repeated per its rule.
 * Roles and names may contain one "%u": the repetition number, starting at
 * role_base (the spec counts receiveq1..N) or name_base (Linux: input.0..).
 */
struct vq_group {
	const char *role[VQ_GROUP_MAX_ROLES];	/* spec names, NULL-terminated */
	const char *linux_name[VQ_GROUP_MAX_ROLES]; /* the driver's vq->name */
	/* Role expects prompt completion (requests, transmit, control,
	 * inflate/deflate/reporting); false where the device holds buffers
	 * by design (receive, event, balloon stats). */
	bool prompt[VQ_GROUP_MAX_ROLES];
	int presence_bit;	/* feature that makes the group exist, or VQ_NO_BIT */
	/* The spec gives this group a fixed place that later queues do not
	 * reuse when it is absent (balloon statsq..reporting_vq, fs
	 * notification queue).  Only matters for the spec's numbering. */
	bool spec_reserves_slot;
	enum vq_count_rule count;
	int multi_bits[2];	/* features allowing N > 1, VQ_NO_BIT if unused */
	/* A feature N > 1 needs as well, or VQ_NO_BIT: Linux virtio_net uses
	 * max_virtqueue_pairs only when CTRL_VQ is negotiated too. */
	int multi_needs_bit;
	unsigned int role_base, name_base;
	/* The spec defines this group's presence by negotiation (net's MQ and
	 * CTRL_VQ), so even a device that builds queues from what it offers
	 * numbers it by what was negotiated (QEMU virtio-net does). */
	bool device_follows_negotiation;
};

struct vq_device_type {
	unsigned int id;		/* virtio device ID (spec 5, "Device Types") */
	const char *name;		/* short name used on the command line: "balloon" */
	const char *title;		/* the spec's name: "Traditional Memory Balloon" */
	const char *feature_prefix;	/* "VIRTIO_BALLOON_F_" */
	const char *spec_section;	/* "5.5" or NULL when the spec only reserves the ID */
	const struct vq_feature_name *features;
	size_t n_features;
	const struct vq_group *groups;	/* NULL when no queue table is known */
	size_t n_groups;
	const char *queues_meaning;	/* what --queues N counts, NULL if unused */
	/* The largest N: the config field's limit, or what keeps every queue
	 * index within 16 bits (queue_select is le16: at most 65536 queues);
	 * 0 where --queues is unused. */
	unsigned int queues_max;
};

/* Look-ups; NULL when unknown. */
const struct vq_device_type *virtio_type_by_id(unsigned int id);
const struct vq_device_type *virtio_type_by_name(const char *name);
const struct vq_device_type *virtio_type_at(size_t i);	/* iterate; NULL at end */

/* Transport (device-independent) feature bits 24..43: "VERSION_1", ... */
const char *virtio_transport_feature_name(unsigned int bit);
/* Name of a bit for a device type (device bits, then transport bits). */
const char *virtio_feature_name(const struct vq_device_type *type, unsigned int bit);
/*
 * Parse one feature name for a type: "STATS_VQ", "VIRTIO_BALLOON_F_STATS_VQ",
 * transport names with or without "VIRTIO_F_"/"VIRTIO_RING_F_".
 * Returns the bit or -1.
 */
int virtio_feature_parse(const struct vq_device_type *type, const char *name);
/*
 * Does this role expect prompt completion (the group's prompt[])?  Matches
 * numbered roles against their pattern: "transmitq2" is "transmitq%u".
 * False for a role no table lists, and for a NULL type.
 */
bool virtio_role_prompt(const struct vq_device_type *type, const char *role);
/*
 * Does Linux's driver of device type_id put exactly one element in every
 * buffer of its queue named linux_name (vq->name)?  Then a packed ring's
 * positions count that queue's buffers even without indirect descriptors.
 * False for a queue the table does not list.
 */
bool virtio_queue_single_element(unsigned int type_id, const char *linux_name);

#endif
