/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model every command fills and every sink renders: devices, their
 * queues, and findings.  Sources (flags, sysfs, BPF maps) write it; sinks
 * (text, JSON, Prometheus) only read it.
 */
#ifndef VQWATCH_MODEL_H
#define VQWATCH_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virtio.h"

#define VQ_NULL_INDEX (-1)	/* rendered as JSON null */

/* Where a queue's identity came from (SPEC.md "source"). */
enum vq_source {
	SOURCE_TRACED,		/* seen by BPF */
	SOURCE_VECTOR,		/* named by an interrupt vector */
	SOURCE_DERIVED,		/* derived from features with the Linux rule */
};

/* A counter a mode cannot see is null, not 0. */
struct vq_counter {
	bool known;
	uint64_t value;
};

struct vq_queue {
	int index;		/* device queue index */
	char name[48];		/* the driver's vq->name */
	char role[48];		/* spec role, "" when unknown */
	enum vq_source source;
	int spec_index;		/* VQ_NULL_INDEX when the spec has none */
	/* Where a device numbering by offered features (QEMU-style) puts this
	 * role; VQ_NULL_INDEX when the offered features are unknown. */
	int offered_dense_index;
	int driver_slot;	/* VQ_NULL_INDEX when unknown */
	int irq;		/* Linux irq of its own vector, or -1 */
	unsigned int size;	/* ring size, 0 when unknown */
	struct vq_counter kicks, interrupts, spurious_interrupts;
	struct vq_counter buffers_added, buffers_completed;
	struct vq_counter out_bytes, in_bytes, inflight;
};

struct vq_device {
	char name[32];		/* "virtio0" */
	unsigned int type_id;
	const struct vq_device_type *type;	/* NULL for an unknown ID */
	char transport[16];	/* "pci", "mmio", "ccw", ... */
	char driver[64];	/* "" when unbound */
	bool offered_known, negotiated_known;
	struct vq_features offered, negotiated;
	const char *offered_note;	/* why offered features are unknown */
	struct vq_queue *queues;
	size_t n_queues;
	/* A queue count the source could not learn (no vectors): the layout
	 * was derived with one queue (pair, port) and says so. */
	bool queue_count_assumed;
};

enum vq_severity {
	SEVERITY_INFO,
	SEVERITY_WARNING,
	SEVERITY_CRITICAL,
};

struct vq_finding {
	enum vq_severity severity;
	const char *code;	/* stable code, a string literal */
	char device[32];
	int queue;		/* VQ_NULL_INDEX when about the device */
	char message[256];
};

struct vq_report {
	const char *mode;	/* "offline", "sysfs", "tracepoint", ... */
	char kernel[128];	/* release string, "" when unknown */
	double duration_s;	/* < 0 when not a timed session */
	struct vq_device *devices;
	size_t n_devices;
	struct vq_finding *findings;
	size_t n_findings;
};

/* Allocation helpers: return NULL on ENOMEM. */
struct vq_device *report_add_device(struct vq_report *r);
struct vq_queue *device_add_queue(struct vq_device *d);
struct vq_finding *report_add_finding(struct vq_report *r, enum vq_severity sev,
				      const char *code, const char *device, int queue,
				      const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void report_free(struct vq_report *r);

const char *severity_name(enum vq_severity sev);
int severity_parse(const char *s);	/* -1 if unknown */
const char *source_name(enum vq_source src);

#endif
