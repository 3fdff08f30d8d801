/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF session: a table of hooks walked through fixed phases
 *   probe   is the function here (kallsyms), with BTF, within the trampoline's
 *           argument limit?  are kprobes built in?
 *   choose  the candidate modes per hook (forced by --mode, or fentry ->
 *           kprobe -> tracepoint); autoload exactly those programs
 *   load    one object per concern; a program this kernel refuses is
 *           switched off and the object loaded again without it
 *   attach  per hook, the first candidate mode that attaches
 * Every hook ends attached (with its mode) or skipped (with its reason).
 * Then the maps are read on demand: nothing here knows the report model.
 */
#ifndef VQWATCH_SESSION_H
#define VQWATCH_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>	/* __u64 in the shared headers */
#include "model.h"
#include "vqwatch_irq.h"
#include "vqwatch_queue.h"

enum session_mode {
	SESSION_AUTO,
	SESSION_FENTRY,
	SESSION_KPROBE,
	SESSION_TRACEPOINT,
};

/* What --mode and the config's mode accept, for messages. */
#define SESSION_MODE_CHOICES "auto, fentry, kprobe or tracepoint"

/* "auto", "fentry", ... -> mode; -1 if unknown. */
int session_mode_parse(const char *s);

/*
 * How much the hooks do on the I/O path (docs/usage.md, "Detail"):
 *   full    counts plus bytes and the add-to-used latency: the add and
 *           get_buf programs run per buffer, vring_interrupt per interrupt
 *   counts  no program per buffer: buffers added and completed, in flight
 *           and stalls from the ring indexes, sampled; interrupts from
 *           /proc/interrupts, spurious ones from the irq tracepoint's exit;
 *           kicks from the notify hooks
 */
enum session_detail {
	SESSION_DETAIL_FULL,
	SESSION_DETAIL_COUNTS,
};

#define SESSION_DETAIL_CHOICES "counts or full"

/* "full", "counts" -> detail; -1 if unknown. */
int session_detail_parse(const char *s);
const char *session_detail_name(enum session_detail d);

struct session_opts {
	enum session_mode mode;
	enum session_detail detail;
	/* full: time about one buffer in N (0 or 1: every buffer) */
	unsigned int latency_sample;
	int verbosity;		/* 1: libbpf's warnings, 2: its debug output */
	/* Pin the counting maps in this bpffs directory, and reuse them when
	 * they are there: a restarted daemon continues the same counters.
	 * NULL: nothing pinned. */
	const char *pin_dir;
};

/*
 * Capabilities: what the hooks give.  Each hook of the table in session.c
 * names the one it feeds, and session_open fills a record of them once,
 * after attach (session_caps), so that nothing downstream asks for a hook
 * by name.  A capability needs ANY of its hooks (one transport's notify is
 * enough) or ALL of them (a driver may add buffers through any of the four
 * add functions: missing one would undercount).
 */
enum session_cap {
	CAP_DISCOVERY,	/* virtio_uevent: devices that probed before vqwatch */
	CAP_SLOTS,	/* vp/vm_find_vqs: the driver's slots, at probe (any) */
	CAP_OFFER,	/* vp_modern/vm_get_features: the offer, at probe (any) */
	CAP_NEGOTIATED,	/* virtio_features_ok: negotiated features, at probe */
	CAP_DELETION,	/* vring_del_virtqueue */
	CAP_KICKS,	/* vp_notify, vm_notify (any) */
	CAP_KICKS_DATA,	/* the _with_data notifies (any); kicks' availability is CAP_KICKS's */
	CAP_IRQ_VRING,	/* vring_interrupt: per queue */
	CAP_ADDS,	/* the four virtqueue_add_* (all) */
	CAP_GET_BUF,	/* virtqueue_get_buf, virtqueue_get_buf_ctx (all) */
	CAP_IRQ_TP,	/* tp_btf/irq_handler_exit: per vector, spurious interrupts */
	CAP_IRQ_FIRST,	/* tp_btf/irq_handler_entry: where discovery is missing,
			 * each vector's interrupts and queue, and a queue's
			 * consumed index at its first interrupt (elsewhere
			 * /proc/interrupts counts the vectors) */
	CAP_RING,	/* the ring program (loaded: it runs on demand) */
	N_CAPS
};

/* The counters of a queue (struct vq_queue) that capabilities feed. */
enum session_counter {
	CTR_KICKS,
	CTR_INTERRUPTS,
	CTR_SPURIOUS,
	CTR_ADDED,
	CTR_COMPLETED,
	CTR_OUT_BYTES,
	CTR_IN_BYTES,
	CTR_POSTED_IN_BYTES,
	CTR_INFLIGHT,
	CTR_OLDEST,
	CTR_STALLS,
	CTR_LATENCY,
	N_COUNTERS
};

/* How a hook attaches: its programs per variant (session.c's table). */
enum session_variant { V_FENTRY, V_KPROBE, V_TRACEPOINT, N_VARIANTS };

/* One BPF object per concern (session.c). */
enum session_object { OBJ_QUEUES, OBJ_TRAFFIC, OBJ_IRQ, OBJ_RING, N_OBJECTS };

#define SESSION_MAX_PROGS 2	/* per variant: entry and exit (kprobe + kretprobe) */

struct session_hook_def {
	const char *name;		/* the kernel function, or the tracepoint */
	enum session_object obj;
	bool is_function;		/* probed in kallsyms and BTF */
	enum session_cap cap;		/* what it feeds */
	const char *progs[N_VARIANTS][SESSION_MAX_PROGS];	/* program names per variant */
};

/* The hook table itself, read-only (tests check it against the objects). */
const struct session_hook_def *session_hook_table(size_t *n);

struct session_caps {
	bool available[N_CAPS];
	/* the variants its hooks attached as (1 << V_FENTRY, ...); 0 when it
	 * is not available */
	unsigned int variants[N_CAPS];
};

/* Whether some set of capabilities that feeds the counter is all available
 * in caps (latency needs both CAP_ADDS and CAP_GET_BUF). */
bool session_counter_fed(const struct session_caps *caps, enum session_counter c);
/* "kicks", "buffers_added", ... (the JSON's names without their units:
 * "latency" for latency_us, "oldest_inflight" for oldest_inflight_ms) */
const char *session_counter_name(enum session_counter c);
/* "kicks", "adds", ... (for messages) */
const char *session_cap_name(enum session_cap c);
/* Whether a capability's hooks run at this detail (--detail counts leaves
 * out the per-buffer and per-queue-interrupt ones). */
bool session_cap_in_detail(enum session_cap c, enum session_detail d);
/* Whether a capability needs all of its hooks (else any one). */
bool session_cap_needs_all(enum session_cap c);

struct session;

/* --pin DIR: 0 when DIR is (or was made) a directory on bpffs; else -1
 * with one line in err. */
int session_pin_dir_ok(const char *dir, char *err, size_t errlen);

/*
 * Probe, load and attach.  Returns NULL with one line in err when nothing
 * could attach (no BPF privileges, no BTF); otherwise hooks that could not
 * attach are listed by session_hooks() with their reasons.
 */
struct session *session_open(const struct session_opts *opts, char *err, size_t errlen);
void session_close(struct session *s);
const struct vq_hook_status *session_hooks(const struct session *s, size_t *n);
/* The attach mode in one word: "fentry", "kprobe", "tracepoint", or
 * "fentry+kprobe" when hooks attached in both. */
const char *session_mode_name(const struct session *s);
enum session_detail session_detail(const struct session *s);
/* One buffer in N timed for latency; 0 with --detail counts (none). */
unsigned int session_latency_sample(const struct session *s);

/* --latency-sample's bounds */
#define SESSION_LATENCY_SAMPLE_MAX 65536
/* What the attached hooks give, filled once by session_open. */
const struct session_caps *session_caps(const struct session *s);

/* Interrupt counters of one irq, summed over CPUs: zeros (dev_id 0) for an
 * irq no virtio handler ran on yet; -1 without the irq object, or for an
 * irq beyond its map. */
int session_irq_counts(struct session *s, int irq, struct vq_irq_count *sum);
/* Calls fn for every irq a virtio handler ran on (interrupts > 0). */
int session_for_each_irq(struct session *s,
			 void (*fn)(void *arg, int irq, const struct vq_irq_count *sum), void *arg);

/* Devices seen by the discovery hooks (struct virtio_device address). */
int session_for_each_device(struct session *s,
			    void (*fn)(void *arg, uint64_t vdev, const struct vq_dev_seen *seen),
			    void *arg);
/* Queues seen at creation or deletion. */
int session_for_each_created(struct session *s,
			     void (*fn)(void *arg, uint64_t vq, const struct vq_created *c),
			     void *arg);
/* The queue irq's vring_interrupt first served since attach, and its
 * driver's consumed used index then; -1 when not known (packed ring, no
 * interrupt yet, no irq object). */
int session_irq_first(struct session *s, int irq, uint64_t *dev_id, uint16_t *last_used);
/* Traffic of one queue, summed over CPUs: zeros while it has none; -1
 * without the traffic object. */
int session_queue_traffic(struct session *s, uint64_t vq, struct vq_traffic *sum);
/* Every buffer in flight with its add time (ns, CLOCK_MONOTONIC), in one
 * pass over the in-flight map; -1 without the traffic object.  fn returns
 * true to drop the entry (a queue that is gone never completes it). */
int session_for_each_token(struct session *s, bool (*fn)(void *arg, uint64_t vq, uint64_t added_ns),
			   void *arg);

/* What the ring program returns: the device, and queues[0..dev.n_queues). */
struct vq_snap {
	struct vq_snap_ctx dev;
	struct vq_snap_queue queues[VQ_SNAP_QUEUES];
};

/* Run the ring program: describe the device of `vq` (or `vdev`) and its
 * queues from position skip.  -1 when the ring program is not loaded or the
 * address no longer reads as a device. */
int session_snapshot(struct session *s, uint64_t vq, uint64_t vdev, unsigned int skip,
		     struct vq_snap *out);
bool session_can_snapshot(const struct session *s);
/* Are buffers' add times kept (latency)?  Not without BPF compare-and-swap
 * (before Linux 5.12: per-CPU slots, traffic.bpf.c). */
bool session_times_buffers(const struct session *s);

/* Read every /sys/bus/virtio/devices/N/uevent so that the virtio_uevent
 * hook sees devices that probed before the session. */
void session_trigger_discovery(const char *root);

/* Completions user space derived from a queue's ring, kept in a map so
 * that they survive a pinned restart; -1 when there is none yet. */
int session_ring_count_get(struct session *s, uint64_t vq, struct vq_ring_count *rc);
void session_ring_count_put(struct session *s, uint64_t vq, const struct vq_ring_count *rc);

/* What the BPF side could not keep, by cause, summed over CPUs: fills up
 * to max (what, count) pairs, returns how many. */
size_t session_losses(struct session *s, struct vq_loss_count *out, size_t max);

/* Whether the kernel counts BPF program runs (kernel.bpf_stats_enabled). */
bool session_bpf_stats_enabled(void);
/* Each loaded program's runs and run time (the kernel's bpf_prog_info),
 * attached ones and the ring program: fills up to max, returns how many. */
size_t session_prog_stats(const struct session *s, struct vq_prog_stat *out, size_t max);

#endif
