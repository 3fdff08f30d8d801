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
#include "vmm.h"
#include "vqwatch_hist.h"

/* "Unknown" is spelled one way for indexes, irqs and sizes: rendered as
 * JSON null.  Counters carry their own known flag (struct vq_counter). */
#define VQ_NULL_INDEX (-1)

/* The JSON schema version (vqwatch.schema), bumped on incompatible change. */
#define VQ_JSON_SCHEMA 2

/* Where a queue's identity came from (docs/json.md "source"). */
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

/* A queue's ring as last read (the BPF ring program): its format, the
 * driver's and device's positions, and each side's notification flags
 * (docs/json.md "ring").  known false where nothing read it. */
struct vq_ring {
	bool known, packed;
	/* split: free-running 16-bit indexes; packed: positions 0..size-1 */
	unsigned int avail, used, last_used;
	int avail_wrap, used_wrap;	/* packed only, else VQ_NULL_INDEX */
	unsigned int num_free;
	unsigned int driver_flags, device_flags;
};

/* Add-to-completion latency, log2 slots of microseconds (vqwatch_hist.h). */
struct vq_hist {
	bool known;
	uint64_t count, sum_us;
	uint64_t slots[VQ_HIST_SLOTS];
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
	/* Where each VMM of the table (vmm.h, by vmm_id) puts this role;
	 * VQ_NULL_INDEX where its rule for the type is not known or needs
	 * the offered features and they are not. */
	int vmm_index[VMM_MAX];
	/* The range each VMM can put it at (layout.h): vmm_index when known,
	 * else, by offered features with the offer unknown, what the offers it
	 * can make allow. */
	int vmm_index_lo[VMM_MAX], vmm_index_hi[VMM_MAX];
	int driver_slot;	/* VQ_NULL_INDEX when unknown */
	int irq;		/* Linux irq of its own vector, VQ_NULL_INDEX if none */
	int size;		/* ring size, VQ_NULL_INDEX when unknown */
	struct vq_counter kicks, interrupts, spurious_interrupts;
	struct vq_counter buffers_added, buffers_completed;
	struct vq_counter out_bytes, in_bytes, inflight, oldest_inflight_ms;
	/* room the driver offered for the device to fill (add_inbuf sg
	 * lengths): free page reports on a balloon's reporting_vq */
	struct vq_counter posted_in_bytes;
	/* times queue-stalled began on it since the collection started */
	struct vq_counter stalls;
	struct vq_hist latency;
	struct vq_ring ring;
};

/* Balloon activity (docs/metrics.md vqwatch_balloon_*); counters null when unseen. */
struct vq_balloon {
	struct vq_counter inflate_pages, deflate_pages;
	struct vq_counter free_page_reports, reported_bytes;
	struct vq_counter stats_requests;
	struct vq_counter target_pages;
	/* free page hinting (live migration): commands (the 4-byte command
	 * IDs sent, start and stop) and the bytes of the hinted blocks */
	struct vq_counter free_page_hint_commands, hinted_bytes;
};

struct vq_device {
	char name[32];		/* "virtio0" */
	int index;		/* N of virtioN, VQ_NULL_INDEX when not known */
	unsigned int type_id;
	const struct vq_device_type *type;	/* NULL for an unknown ID */
	char transport[16];	/* "pci", "mmio", "ccw", ... */
	char driver[64];	/* "" when unbound */
	bool offered_known, negotiated_known;
	struct vq_features offered, negotiated;
	const char *offered_note;	/* why offered features are unknown */
	const char *offered_source;	/* "probe", "device", NULL when unknown */
	const char *note;	/* what could not be read about it, NULL if all */
	struct vq_counter device_queues;	/* the device's own queue count */
	struct vq_queue *queues;
	size_t n_queues;
	/* A queue count the source could not learn (no vectors): the layout
	 * was derived with one queue (pair, port) and says so. */
	bool queue_count_assumed;
	bool removed;		/* gone during a trace; counts up to removal */
	struct vq_balloon balloon;	/* balloons only */
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
	char *message;		/* owned; never cut */
	/* The numbering rule it came from: "spec", "offered-dense", a VMM's
	 * name ("firecracker"); NULL for findings not about numbering. */
	const char *rule;
	/* A runtime finding: how long before it was seen its condition began
	 * (queue-stalled: the oldest buffer's age), in ms. */
	uint64_t began_ago_ms;
	/* Seen over a collection window (window.h): when it began, in
	 * seconds since the collection started, how long its latest episode
	 * held, whether that ended before the report, and how many episodes
	 * the window saw. */
	bool windowed;
	double started_s;
	uint64_t duration_ms;
	bool resolved;
	unsigned int episodes;
};

/* A BPF hook and how it ended: attached in a mode, or skipped with why. */
struct vq_hook_status {
	const char *hook;	/* "vp_notify", "tp_btf/irq_handler_entry" */
	bool attached;
	const char *mode;	/* "fentry", "kprobe", "tracepoint" when attached */
	char reason[160];	/* why it was skipped; if attached, why not in a
				 * preferred mode ("" when it is) */
	const char *feeds;	/* what it gives: "kicks", ...; NULL if unknown */
};

/* vqwatch's own cost in the kernel: one BPF program, from the kernel's
 * BPF statistics (kernel.bpf_stats_enabled; counted only while on). */
struct vq_prog_stat {
	const char *program;	/* "vp_notify_fentry" */
	const char *hook;	/* the hook it serves */
	uint64_t runs, run_ns;
};

#define VQ_MAX_PROG_STATS 32

/* The process that made the report (process.h), for its own cost. */
struct vq_process {
	bool known;
	double cpu_seconds;		/* user + system */
	uint64_t resident_bytes, virtual_bytes;
	uint64_t open_fds, max_fds;
	double start_time_seconds;	/* since the Unix epoch */
};

struct vq_report {
	const char *mode;	/* "offline", "sysfs", "tracepoint", ... */
	const char *detail;	/* "counts" or "full" with BPF, else NULL */
	unsigned int latency_sample;	/* full: one buffer in N timed; counts: 0 */
	char kernel[128];	/* release string, "" when unknown */
	double duration_s;	/* < 0 when not a timed session */
	const struct vq_hook_status *hooks;	/* not owned; NULL without BPF */
	size_t n_hooks;
	uint64_t events_lost;	/* BPF events that could not be recorded */
	bool events_lost_known;
	struct vq_loss_count {	/* the same, by cause */
		const char *what;
		uint64_t count;
	} losses[8];
	size_t n_losses;
	/* The sources read for this report and whether each could be: a
	 * scrape serves the others when one fails (vqwatch_scrape_source_success). */
	struct vq_source_status {
		const char *name;	/* "sysfs", "device_read", "bpf" */
		bool ok;
		char error[256];	/* why not, "" when ok */
	} sources[4];
	size_t n_sources;
	/* The VMMs whose rules the report speaks for (layout --vmm, the
	 * detected or given VMM), by vmm_id. */
	bool vmm_shown[VMM_MAX];
	/* The VMM this guest runs on (vmm_detect), when the command looked:
	 * vmm NULL when nothing matched; source the evidence ("acpi-oem-id
	 * FIRECK", "dmi sys_vendor QEMU", "--vmm"). */
	bool vmm_known;
	const struct vmm *vmm;
	char vmm_source[256];
	struct vq_device *devices;
	size_t n_devices;
	struct vq_finding *findings;
	size_t n_findings;
	struct vq_process process;	/* metrics and the daemon */
	/* the attached programs' statistics; known with BPF, and then
	 * bpf_stats_enabled says whether the kernel counts them */
	bool prog_stats_known, bpf_stats_enabled;
	struct vq_prog_stat prog_stats[VQ_MAX_PROG_STATS];
	size_t n_prog_stats;
};

/* Allocation helpers: return NULL on ENOMEM. */
struct vq_device *report_add_device(struct vq_report *r);
struct vq_queue *device_add_queue(struct vq_device *d);
struct vq_finding *report_add_finding(struct vq_report *r, enum vq_severity sev,
				      const char *code, const char *device, int queue,
				      const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void report_free(struct vq_report *r);

/* vqwatch's BPF time over the report's events: every program's run time
 * summed, per buffer completed (else per interrupt, else per program run).
 * false when the kernel did not count (stats off) or nothing ran. */
struct vq_bpf_cost {
	uint64_t run_ns, events;
	const char *per;	/* "buffer completed", "interrupt", "program run" */
};
bool report_bpf_cost(const struct vq_report *r, struct vq_bpf_cost *cost);

const char *severity_name(enum vq_severity sev);
int severity_parse(const char *s);	/* -1 if unknown */
const char *source_name(enum vq_source src);

#endif
