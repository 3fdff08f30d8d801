// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF source (bpf_source.h).  Identities come from three places:
 * the discovery hooks (virtio_uevent, find_vqs: device and queue
 * addresses), and the irq program (a vector's dev_id is a queue or a
 * device).  For each device the ring program then lists its queues with
 * names, sizes and ring indexes.  Counters come from the traffic map where
 * its hooks are attached, else from sampled ring indexes, else null.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "bpf_source.h"
#include "ring_watch.h"
#include "layout.h"
#include "strbuf.h"

struct tracked_device {
	uint64_t vdev;
	int dev_index;		/* -1 until read */
	unsigned int device_id;
	struct vq_features features;	/* negotiated, as the ring program read them */
	bool snapped;		/* read at least once */
	bool gone;		/* its sysfs directory disappeared */
	/* once gone: vdev is 0, so that a device later allocated at the same
	 * address is tracked afresh, and its queues are known by this mark */
	uint64_t was_vdev;
	struct vq_dev_seen seen;	/* from the discovery hooks */
	bool seen_known;
	int irq;		/* a vector whose handler is handed the device, -1 */
};

struct tracked_queue {
	uint64_t vq, vdev;
	bool named;		/* read by the ring program at least once */
	unsigned int index, num;
	char name[VQ_NAME_LEN];
	int slot;		/* driver's find_vqs slot, -1 unknown */
	bool created_seen;	/* its find_vqs ran while we watched: its ring started at 0 */
	bool deleted;		/* by vring_del_virtqueue, or gone from its device's list */
	unsigned int seen_walk;	/* the last device walk that listed it */
	int irq;		/* its own vector, -1 */
	/* ring sampling: the last read, and counting from it (ring_positions) */
	struct vq_snap_queue ring;
	bool ring_read;
	bool ring_known;
	uint32_t ring_range;
	uint16_t last_used, last_avail;
	uint64_t ring_completed, ring_added;
	struct ring_watch watch;	/* sampled often enough for its rate */
	unsigned int inflight;
	uint64_t last_change_ns;	/* used idx moved, or nothing in flight */
	uint64_t oldest_token_ns;	/* its oldest buffer in flight, 0 if none known */
	/* its device left: counts frozen as they were, and its address free
	 * for a queue of a device plugged in since */
	bool retired;
	struct vq_traffic frozen;
};

/*
 * The address of a device or queue that left.  The maps go on naming it
 * after its memory is freed (the devices map, the irq program's last
 * dev_id), so it is not tracked again on their word alone, only on
 * evidence of a new object at that address (the allocator reuses them): a
 * creation the hooks saw, a live device's queue list, or an interrupt on
 * another vector or beyond the count it left with.
 */
struct grave {
	uint64_t addr;
	int irq;		/* its vector, -1 */
	uint64_t interrupts;	/* on that vector when it left */
};

struct bpf_source {
	struct session *s;
	const char *root;
	struct tracked_device *devs;
	size_t n_devs;
	struct tracked_queue *queues;
	size_t n_queues;
	unsigned int walks;	/* device walks so far */
	uint64_t retirements;	/* devices that left so far */
	struct grave *graves;
	size_t n_graves;
};

struct bpf_source *bpf_source_new(struct session *s, const char *root)
{
	struct bpf_source *src = calloc(1, sizeof(*src));

	if (src) {
		src->s = s;
		src->root = root;
	}
	return src;
}

void bpf_source_free(struct bpf_source *src)
{
	if (!src)
		return;
	free(src->devs);
	free(src->queues);
	free(src->graves);
	free(src);
}

static void bury(struct bpf_source *src, uint64_t addr, int irq)
{
	struct grave *grown = realloc(src->graves, (src->n_graves + 1) * sizeof(*grown));
	struct vq_irq_count ic = { 0 };

	if (!grown)
		return;
	if (irq >= 0)
		session_irq_counts(src->s, irq, &ic);
	src->graves = grown;
	grown[src->n_graves++] = (struct grave){ addr, irq, ic.interrupts };
}

/* Says whether addr may be tracked: not a grave, or one with new life
 * (evidence), which is then forgotten. */
static bool may_track(struct bpf_source *src, uint64_t addr, bool evidence)
{
	for (size_t i = 0; i < src->n_graves; i++) {
		if (src->graves[i].addr != addr)
			continue;
		if (!evidence)
			return false;
		src->graves[i] = src->graves[--src->n_graves];
		return true;
	}
	return true;
}

static bool is_grave(const struct bpf_source *src, uint64_t addr)
{
	for (size_t i = 0; i < src->n_graves; i++)
		if (src->graves[i].addr == addr)
			return true;
	return false;
}

/* An interrupt handed this dev_id: new life if it came on another vector
 * than the one the address left with, or after it left. */
static bool irq_evidence(const struct bpf_source *src, uint64_t addr, int irq,
			 const struct vq_irq_count *sum)
{
	for (size_t i = 0; i < src->n_graves; i++)
		if (src->graves[i].addr == addr)
			return src->graves[i].irq != irq ||
			       sum->interrupts > src->graves[i].interrupts;
	return true;
}

static struct tracked_device *device_for(struct bpf_source *src, uint64_t vdev, bool evidence)
{
	struct tracked_device *grown;

	if (!vdev)	/* not an address (and what gone devices hold) */
		return NULL;
	for (size_t i = 0; i < src->n_devs; i++)
		if (src->devs[i].vdev == vdev)
			return &src->devs[i];
	if (!may_track(src, vdev, evidence))
		return NULL;
	grown = realloc(src->devs, (src->n_devs + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	src->devs = grown;
	memset(&grown[src->n_devs], 0, sizeof(*grown));
	grown[src->n_devs].vdev = vdev;
	grown[src->n_devs].dev_index = -1;
	grown[src->n_devs].irq = -1;
	return &grown[src->n_devs++];
}

static struct tracked_queue *queue_for(struct bpf_source *src, uint64_t vq, bool evidence)
{
	struct tracked_queue *grown;

	if (!vq)
		return NULL;
	for (size_t i = 0; i < src->n_queues; i++)
		if (src->queues[i].vq == vq && !src->queues[i].retired)
			return &src->queues[i];
	if (!may_track(src, vq, evidence))
		return NULL;
	grown = realloc(src->queues, (src->n_queues + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	src->queues = grown;
	memset(&grown[src->n_queues], 0, sizeof(*grown));
	grown[src->n_queues].vq = vq;
	grown[src->n_queues].slot = -1;
	grown[src->n_queues].irq = -1;
	return &grown[src->n_queues++];
}

static void on_device(void *arg, uint64_t vdev, const struct vq_dev_seen *seen)
{
	struct tracked_device *d = device_for(arg, vdev, false);

	if (d) {
		d->seen = *seen;
		d->seen_known = true;
	}
}

static void on_created(void *arg, uint64_t vq, const struct vq_created *c)
{
	struct bpf_source *src = arg;
	struct tracked_queue *q = NULL;

	/* a deleted queue not tracked (its device left, or before we
	 * started) says nothing, and its device's address may be freed */
	if (c->flags & VQ_CREATED_DELETED) {
		for (size_t i = 0; i < src->n_queues && !q; i++)
			if (src->queues[i].vq == vq && !src->queues[i].retired)
				q = &src->queues[i];
		if (q)
			q->deleted = true;
		return;
	}
	q = queue_for(src, vq, true);	/* created: a queue now at that address */
	if (!q)
		return;
	if (c->flags & VQ_CREATED_AT_PROBE) {
		q->slot = c->slot;
		q->created_seen = true;
	}
	q->deleted = c->flags & VQ_CREATED_DELETED;
	if (c->vdev) {
		q->vdev = c->vdev;
		device_for(src, c->vdev, true);
	}
}

static void on_irq(void *arg, int irq, const struct vq_irq_count *sum)
{
	struct bpf_source *src = arg;

	if (sum->kind == VQ_DEV_QUEUE) {
		struct tracked_queue *q =
			queue_for(src, sum->dev_id, irq_evidence(src, sum->dev_id, irq, sum));

		if (q)
			q->irq = irq;
	} else if (sum->kind == VQ_DEV_DEVICE) {
		struct tracked_device *d =
			device_for(src, sum->dev_id, irq_evidence(src, sum->dev_id, irq, sum));

		if (d)
			d->irq = irq;
	}
}

static void sample_ring(struct session *s, struct tracked_queue *q, const struct vq_snap_queue *sq,
			unsigned int device_id, const struct vq_features *features, uint64_t now)
{
	struct vq_ring_count rc = { 0 };
	struct ring_pos p;

	q->ring = *sq;
	q->ring_read = true;
	if (!ring_positions(sq, features, virtio_queue_single_element(device_id, q->name), &p) ||
	    (q->ring_known && q->ring_range != p.range)) {
		q->ring_known = false;
		return;
	}
	if (!q->ring_known && !session_ring_count_get(s, q->vq, &rc)) {
		/* counted by an earlier vqwatch (pinned maps): go on from there */
		q->ring_known = true;
		q->ring_completed = rc.completed;
		q->ring_added = rc.added;
		q->last_used = rc.last_used;
		q->last_avail = rc.last_avail;
		q->last_change_ns = now;
	}
	if (!q->ring_known) {
		uint64_t first_vq;
		uint16_t first_used;

		q->ring_known = true;
		q->last_change_ns = now;
		/* created while we watched: everything since its indexes were 0
		 * (split, and packed's position 0 with wrap counters 1).  Else
		 * first sampled after its first interrupt: count from there, the
		 * buffers in flight then as added since (split rings: the irq
		 * program reads no packed positions) */
		if (q->created_seen) {
			q->ring_completed = p.used;
			q->ring_added = p.avail;
		} else if (!sq->packed && !session_irq_first(s, q->irq, &first_vq, &first_used) &&
			   first_vq == q->vq) {
			q->ring_completed = ring_delta(first_used, p.used, p.range);
			q->ring_added = ring_delta(first_used, p.avail, p.range);
		}
		ring_watch_step(&q->watch, now, 0, p.range);
	} else {
		uint32_t used = ring_delta(q->last_used, p.used, p.range);
		uint32_t avail = ring_delta(q->last_avail, p.avail, p.range);

		q->ring_completed += used;
		q->ring_added += avail;
		if (used)
			q->last_change_ns = now;
		ring_watch_step(&q->watch, now, used > avail ? used : avail, p.range);
	}
	q->ring_range = p.range;
	q->last_used = (uint16_t)p.used;
	q->last_avail = (uint16_t)p.avail;
	q->inflight = ring_delta(p.used, p.avail, p.range);
	if (!q->inflight)
		q->last_change_ns = now;
	rc.completed = q->ring_completed;
	rc.added = q->ring_added;
	rc.last_used = q->last_used;
	rc.last_avail = q->last_avail;
	session_ring_count_put(s, q->vq, &rc);
}

static bool sysfs_present(const struct bpf_source *src, int dev_index)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/sys/bus/virtio/devices/virtio%d", src->root, dev_index);
	return access(path, F_OK) == 0;
}

/* Read one device and its queues through the ring program. */
static void snapshot_device(struct bpf_source *src, struct tracked_device *d, uint64_t now)
{
	struct vq_snap *snap = malloc(sizeof(*snap));
	unsigned int skip = 0, walk = ++src->walks;
	bool complete = false;

	if (!snap)
		return;
	do {
		if (session_snapshot(src->s, 0, d->vdev, skip, snap))
			break;
		complete = !snap->dev.more;
		d->dev_index = snap->dev.dev_index;
		d->device_id = snap->dev.device_id;
		d->features.word[0] = snap->dev.features[0];
		d->features.word[1] = snap->dev.features[1];
		d->snapped = true;
		for (unsigned int i = 0; i < snap->dev.n_queues && i < VQ_SNAP_QUEUES; i++) {
			const struct vq_snap_queue *sq = &snap->queues[i];
			struct tracked_queue *q = queue_for(src, sq->vq, true);	/* listed live */

			if (!q)
				break;
			q->vdev = d->vdev;
			q->named = true;
			q->seen_walk = walk;
			q->index = sq->index;
			q->num = sq->num;
			memcpy(q->name, sq->name, sizeof(q->name));
			q->name[sizeof(q->name) - 1] = '\0';
			sample_ring(src->s, q, sq, d->device_id, &d->features, now);
		}
		skip += snap->dev.n_queues;
	} while (snap->dev.more && snap->dev.n_queues);
	free(snap);
	/* queues its list no longer holds were deleted (a driver unbound or
	 * rebound), seen here even without the deletion hook */
	for (size_t i = 0; complete && i < src->n_queues; i++)
		if (src->queues[i].vdev == d->vdev && src->queues[i].named &&
		    src->queues[i].seen_walk != walk)
			src->queues[i].deleted = true;
}

/* A device left sysfs: its queues keep their last counts, and neither its
 * address nor theirs identifies it any more (the allocator reuses them). */
static void retire_device(struct bpf_source *src, struct tracked_device *d)
{
	uint64_t mark = ++src->retirements;	/* never a kernel address */

	for (size_t i = 0; i < src->n_queues; i++) {
		struct tracked_queue *q = &src->queues[i];

		if (q->retired || q->vdev != d->vdev)
			continue;
		session_queue_traffic(src->s, q->vq, &q->frozen);
		q->retired = true;
		q->vdev = mark;
		bury(src, q->vq, q->irq);
	}
	bury(src, d->vdev, d->irq);
	d->gone = true;
	d->was_vdev = mark;
	d->vdev = 0;
}

void bpf_source_sample(struct bpf_source *src)
{
	uint64_t now = monotonic_ns();
	struct vq_snap *snap;

	session_for_each_device(src->s, on_device, src);
	session_for_each_created(src->s, on_created, src);
	session_for_each_irq(src->s, on_irq, src);
	if (!session_can_snapshot(src->s))
		return;
	/* queues known only by address (from an interrupt): find their device */
	snap = malloc(sizeof(*snap));
	for (size_t i = 0; snap && i < src->n_queues; i++)
		if (!src->queues[i].vdev && !session_snapshot(src->s, src->queues[i].vq, 0, 0, snap)) {
			src->queues[i].vdev = snap->dev.vdev_out;
			device_for(src, snap->dev.vdev_out, true);	/* a live queue's */
		}
	free(snap);
	for (size_t i = 0; i < src->n_devs; i++) {
		struct tracked_device *d = &src->devs[i];

		if (d->gone)
			continue;
		/* a device that left sysfs is freed memory now: never read it again */
		if (d->dev_index >= 0 && !sysfs_present(src, d->dev_index)) {
			retire_device(src, d);
			continue;
		}
		snapshot_device(src, d, now);
	}
}

/* ---- into the model ---- */

static struct vq_device *report_device(struct vq_report *r, int dev_index)
{
	char name[32];

	snprintf(name, sizeof(name), "virtio%d", dev_index);
	for (size_t i = 0; i < r->n_devices; i++)
		if (!strcmp(r->devices[i].name, name))
			return &r->devices[i];
	return NULL;
}

static void set(struct vq_counter *c, uint64_t v)
{
	c->known = true;
	c->value = v;
}

/* The ring as the last walk read it; a queue whose device left has none. */
static void fill_ring(const struct tracked_queue *t, struct vq_queue *q)
{
	const struct vq_snap_queue *r = &t->ring;

	if (!t->ring_read || t->retired || t->deleted)
		return;
	q->ring = (struct vq_ring){
		.known = true,
		.packed = r->packed,
		.avail = r->avail_idx,
		.used = r->used_idx,
		.last_used = r->last_used_idx,
		.avail_wrap = r->packed ? r->avail_wrap : VQ_NULL_INDEX,
		.used_wrap = r->packed ? r->used_wrap : VQ_NULL_INDEX,
		.num_free = r->num_free,
		.driver_flags = r->driver_flags,
		.device_flags = r->device_flags,
	};
}

static int by_index(const void *a, const void *b)
{
	const struct vq_queue *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Counters from the capabilities the session found (session.h; which feed
 * what is its counter_feeds table).  A queue that saw nothing yet reads 0
 * wherever its counter can be had: a Prometheus counter exists from the
 * start. */
static void fill_counters(struct bpf_source *src, const struct tracked_queue *t,
			  struct vq_queue *q, uint64_t now)
{
	struct session *s = src->s;
	const struct session_caps *caps = session_caps(s);
	bool adds = caps->available[CAP_ADDS], gets = caps->available[CAP_GET_BUF];
	bool vring = caps->available[CAP_IRQ_VRING];
	struct vq_traffic tr;

	if (t->retired)
		tr = t->frozen;
	else
		session_queue_traffic(s, t->vq, &tr);	/* zeros when never touched */
	if (caps->available[CAP_KICKS])
		set(&q->kicks, tr.kicks);
	if (vring && q->irq >= 0) {
		set(&q->interrupts, tr.interrupts);
		set(&q->spurious_interrupts, tr.spurious);
	} else if (vring) {
		/* INTx or a shared vector: vring_interrupt runs for every queue of
		 * the device on each interrupt; the runs that found used buffers
		 * are this queue's interrupts, and "spurious" means nothing here */
		set(&q->interrupts, tr.interrupts - tr.spurious);
	} else if (caps->available[CAP_IRQ_TP]) {
		/* its own vector as the irq program saw it, else the one sysfs
		 * named for it, while that vector served no other queue (a queue
		 * that never interrupted: 0) */
		int irq = t->irq >= 0 ? t->irq : t->retired ? -1 : q->irq;
		struct vq_irq_count ic;

		if (irq >= 0 && !session_irq_counts(s, irq, &ic) &&
		    (t->irq >= 0 || !ic.dev_id || ic.dev_id == t->vq)) {
			set(&q->interrupts, ic.interrupts);
			set(&q->spurious_interrupts, ic.spurious);
		}
	}
	if (adds) {
		set(&q->buffers_added, tr.added);
		set(&q->out_bytes, tr.out_bytes);
		set(&q->posted_in_bytes, tr.posted_in_bytes);
	}
	if (gets) {
		set(&q->buffers_completed, tr.completed);
		set(&q->in_bytes, tr.in_bytes);
	} else if (t->ring_known) {
		set(&q->buffers_completed, t->ring_completed);
	}
	if (!adds && t->ring_known)
		set(&q->buffers_added, t->ring_added);
	if (adds && gets && session_times_buffers(s)) {
		q->latency.known = true;
		q->latency.count = tr.lat_count;
		q->latency.sum_us = tr.lat_sum_us;
		memcpy(q->latency.slots, tr.lat_slots, sizeof(q->latency.slots));
	}
	if (t->ring_known && !t->deleted) {
		set(&q->inflight, t->inflight);
		set(&q->oldest_inflight_ms, t->inflight ? (now - t->last_change_ns) / 1000000 : 0);
		if (t->inflight && adds && t->oldest_token_ns && t->oldest_token_ns < now)
			set(&q->oldest_inflight_ms, (now - t->oldest_token_ns) / 1000000);
	}
}

/* Queues that sysfs named by their interrupt vector, with no trace of
 * their own (no interrupt yet, no discovery hook): their vector's counts
 * from the irq program, 0 for a vector that never fired; not when the
 * vector last served a queue or device that left (its counts are theirs). */
static void vector_counters(struct bpf_source *src, struct vq_device *d)
{
	if (!session_caps(src->s)->available[CAP_IRQ_TP])
		return;
	for (size_t i = 0; i < d->n_queues; i++) {
		struct vq_queue *q = &d->queues[i];
		struct vq_irq_count ic;

		if (q->irq >= 0 && !session_irq_counts(src->s, q->irq, &ic) &&
		    !is_grave(src, ic.dev_id)) {
			set(&q->interrupts, ic.interrupts);
			set(&q->spurious_interrupts, ic.spurious);
		}
	}
}

/* Balloon activity from its queues' traffic: the driver sends 4-byte page
 * frame numbers (VIRTIO_BALLOON_PFN_SHIFT 12) on inflate and deflate, each
 * free page report as one inbuf (an sg list of the reported pages) on
 * reporting_vq, on free_page_vq each hint command as a 4-byte outbuf (the
 * command ID to start, or the stop ID) and each hinted block as an inbuf,
 * and the device returns the stats buffer each time it asks for statistics
 * (the first one is posted at probe). */
static void fill_balloon(struct vq_device *d)
{
	struct vq_balloon *b = &d->balloon;
	const struct vq_counter *added = NULL;
	bool reporting = false, hinting = false;

	for (size_t i = 0; i < d->n_queues; i++) {
		const struct vq_queue *q = &d->queues[i];

		if (!strcmp(q->role, "inflateq") && q->out_bytes.known)
			set(&b->inflate_pages, q->out_bytes.value / 4);
		else if (!strcmp(q->role, "deflateq") && q->out_bytes.known)
			set(&b->deflate_pages, q->out_bytes.value / 4);
		else if (!strcmp(q->role, "statsq") && q->buffers_completed.known)
			set(&b->stats_requests, q->buffers_completed.value);
		else if (!strcmp(q->role, "reporting_vq") && q->buffers_added.known) {
			/* one buffer per report, its pages as an inbuf sg list */
			set(&b->free_page_reports, q->buffers_added.value);
			set(&b->reported_bytes, q->posted_in_bytes.value);
		} else if (!strcmp(q->role, "free_page_vq") && q->out_bytes.known) {
			set(&b->free_page_hint_commands, q->out_bytes.value / 4);
			set(&b->hinted_bytes, q->posted_in_bytes.value);
		}
		reporting |= !strcmp(q->role, "reporting_vq");
		hinting |= !strcmp(q->role, "free_page_vq");
		if (q->buffers_added.known)
			added = &q->buffers_added;
	}
	/* add hooks ran, and the queue is not there: nothing of that kind */
	if (added && !reporting) {
		set(&b->free_page_reports, 0);
		set(&b->reported_bytes, 0);
	}
	if (added && !hinting) {
		set(&b->free_page_hint_commands, 0);
		set(&b->hinted_bytes, 0);
	}
}

/* Role, spec and offered-dense indexes by the driver's queue indexes and
 * names (console ports all name their queues input/output), with the
 * multi-queue count that accounts for every one. */
static int apply_layout(struct vq_device *d)
{
	struct layout_input in = {
		.type = d->type, .offered = d->offered, .negotiated = d->negotiated,
		.offered_known = d->offered_known,
	};

	if (!d->type || !d->type->groups)
		return 0;
	if (layout_fit_device(&in, d) < 0)
		return -1;
	d->queue_count_assumed = false;
	return 0;
}

static int fill_device(struct bpf_source *src, struct vq_report *r, struct tracked_device *t,
		       uint64_t now)
{
	/* a device that left is its own entry: its index may already belong
	 * to a device plugged in since */
	struct vq_device *d = t->gone ? NULL : report_device(r, t->dev_index);
	struct vq_queue *old = NULL;
	size_t n_old = 0;

	if (!d) {	/* gone, or appeared after sysfs was read */
		d = report_add_device(r);
		if (!d)
			return -1;
		snprintf(d->name, sizeof(d->name), "virtio%d", t->dev_index);
		d->type_id = t->device_id;
		d->type = virtio_type_by_id(t->device_id);
		strbuf_copy(d->transport, sizeof(d->transport), "unknown");
		d->negotiated = t->features;
		d->negotiated_known = t->snapped;
		d->note = t->gone ? "removed during the trace: its queues and counts as "
				    "last seen" : "appeared after sysfs was read";
	}
	d->index = t->dev_index;
	d->removed = t->gone;
	if (t->seen_known && (t->seen.flags & VQ_SEEN_OFFERED)) {
		/* the probe's get_features gives 64 bits; a device read has 128:
		 * compared over what both saw, and a difference is said */
		if (d->offered_known && d->offered.word[0] != t->seen.offered[0] && !d->note)
			d->note = "the feature offer seen at probe differs from what the device "
				  "reports now (offered: as seen at probe)";
		d->offered.word[0] = t->seen.offered[0];
		if (!d->offered_known)
			d->offered.word[1] = t->seen.offered[1];
		d->offered_known = true;
		d->offered_source = "probe";
	} else if (!d->offered_known && !d->offered_note) {
		d->offered_note = "the driver probed before vqwatch attached, so its feature "
				  "offer was not seen; 'vqwatch trace --rebind DEVICE' (disruptive) "
				  "captures it";
	}

	/* the traced queues replace what sysfs derived; live ones only,
	 * unless the whole device is gone */
	old = d->queues;
	n_old = d->n_queues;
	d->queues = NULL;
	d->n_queues = 0;
	for (size_t i = 0; i < src->n_queues; i++) {
		const struct tracked_queue *tq = &src->queues[i];
		struct vq_queue *q;

		if (tq->vdev != (t->gone ? t->was_vdev : t->vdev) || !tq->named ||
		    (tq->deleted && !t->gone))
			continue;
		q = device_add_queue(d);
		if (!q)
			goto enomem;
		q->index = (int)tq->index;
		strbuf_copy(q->name, sizeof(q->name), tq->name);
		q->source = SOURCE_TRACED;
		q->size = (int)tq->num;
		q->driver_slot = tq->slot;
		q->irq = tq->irq;
		for (size_t k = 0; k < n_old; k++)	/* a vector sysfs named */
			if (q->irq < 0 && !strcmp(old[k].name, q->name))
				q->irq = old[k].irq;
		fill_counters(src, tq, q, now);
		fill_ring(tq, q);
	}
	if (!d->n_queues) {	/* nothing traced: keep what sysfs had */
		free(d->queues);
		d->queues = old;
		d->n_queues = n_old;
		vector_counters(src, d);
		return 0;
	}
	free(old);
	qsort(d->queues, d->n_queues, sizeof(*d->queues), by_index);
	if (apply_layout(d))
		return -1;
	if (d->type_id == VQ_ID_BALLOON)
		fill_balloon(d);
	return 0;
enomem:
	free(old);
	return -1;
}

static int by_vq(const void *a, const void *b)
{
	const struct tracked_queue *x = a, *y = b;

	return (x->vq > y->vq) - (x->vq < y->vq);
}

/*
 * The oldest buffer in flight per queue, from the add times of the tokens
 * in flight.  A token whose completion ran before its add was recorded
 * stays behind (stale, until the driver adds that token again); the ring
 * says how many buffers are really in flight (k), so a queue's oldest is its
 * k-th newest token, never a stale one.  The queues are sorted by address
 * before the pass (tokens can number tens of thousands).
 */
struct token_age {
	size_t queue;		/* index in src->queues */
	uint64_t added_ns;
};

struct token_pass {
	struct bpf_source *src;
	struct token_age *ages;
	size_t n, cap;
	bool short_of_memory;
};

/* Also drops the tokens of queues whose device left: theirs never come
 * back through get_buf, and would fill the in-flight map over hot-plugs. */
static bool on_token(void *arg, uint64_t vq, uint64_t added_ns)
{
	struct token_pass *p = arg;
	struct tracked_queue key = { .vq = vq };
	struct tracked_queue *q = bsearch(&key, p->src->queues, p->src->n_queues, sizeof(*q),
					  by_vq), *end = p->src->queues + p->src->n_queues;

	if (is_grave(p->src, vq))
		return true;
	/* a retired queue may share the address with the live one after it */
	while (q && q > p->src->queues && q[-1].vq == vq)
		q--;
	while (q && q < end && q->vq == vq && q->retired)
		q++;
	if (!q || q == end || q->vq != vq || !q->inflight)
		return false;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		struct token_age *ages = realloc(p->ages, cap * sizeof(*ages));

		if (!ages) {
			p->short_of_memory = true;
			return false;
		}
		p->ages = ages;
		p->cap = cap;
	}
	p->ages[p->n++] = (struct token_age){ (size_t)(q - p->src->queues), added_ns };
	return false;
}

static int by_queue_newest_first(const void *a, const void *b)
{
	const struct token_age *x = a, *y = b;

	if (x->queue != y->queue)
		return (x->queue > y->queue) - (x->queue < y->queue);
	return (x->added_ns < y->added_ns) - (x->added_ns > y->added_ns);
}

static void oldest_in_flight(struct bpf_source *src)
{
	struct token_pass p = { .src = src };

	for (size_t i = 0; i < src->n_queues; i++)
		src->queues[i].oldest_token_ns = 0;
	if (!src->n_queues)
		return;
	qsort(src->queues, src->n_queues, sizeof(*src->queues), by_vq);
	session_for_each_token(src->s, on_token, &p);
	if (!p.short_of_memory) {
		qsort(p.ages, p.n, sizeof(*p.ages), by_queue_newest_first);
		for (size_t i = 0, j; i < p.n; i = j) {
			struct tracked_queue *q = &src->queues[p.ages[i].queue];

			for (j = i; j < p.n && p.ages[j].queue == p.ages[i].queue; j++)
				;
			/* fewer tokens than buffers in flight: some were added
			 * before vqwatch started, and the oldest token is a bound */
			q->oldest_token_ns = p.ages[j - i < q->inflight ? j - 1 : i + q->inflight - 1]
						     .added_ns;
		}
	}
	free(p.ages);
}

/* Sampled ring intervals where an index may have wrapped (ring_watch.h). */
static void ring_losses(const struct bpf_source *src, struct vq_loss_count *out)
{
	out->what = "ring_index_wrap";
	out->count = 0;
	for (size_t i = 0; i < src->n_queues; i++)
		out->count += src->queues[i].watch.unsure;
}

uint64_t bpf_source_ring_interval_ms(const struct bpf_source *src)
{
	uint64_t ms = RING_WATCH_MAX_MS;

	for (size_t i = 0; i < src->n_queues; i++) {
		const struct tracked_queue *q = &src->queues[i];
		uint64_t want = ring_watch_interval_ms(&q->watch);

		if (q->ring_known && !q->retired && !q->deleted && want < ms)
			ms = want;
	}
	return ms;
}

int bpf_source_fill(struct bpf_source *src, struct vq_report *r)
{
	uint64_t now = monotonic_ns();
	size_t n_hooks;

	r->hooks = session_hooks(src->s, &n_hooks);
	r->n_hooks = n_hooks;
	r->mode = session_mode_name(src->s);
	r->detail = session_detail_name(session_detail(src->s));
	r->latency_sample = session_latency_sample(src->s);
	r->n_losses = session_losses(src->s, r->losses, sizeof(r->losses) / sizeof(r->losses[0]) - 1);
	ring_losses(src, &r->losses[r->n_losses++]);
	r->events_lost = 0;
	for (size_t i = 0; i < r->n_losses; i++)
		r->events_lost += r->losses[i].count;
	r->events_lost_known = true;
	oldest_in_flight(src);
	/* live devices first, so that those that left never take their name */
	for (int gone = 0; gone <= 1; gone++)
		for (size_t i = 0; i < src->n_devs; i++) {
			struct tracked_device *t = &src->devs[i];

			if (t->dev_index < 0 || t->gone != gone)
				continue;
			if (fill_device(src, r, t, now))
				return -1;
		}
	/* devices no hook has traced yet (no interrupt, no discovery hook):
	 * their queues' vectors, 0 where they never fired */
	for (size_t i = 0; i < r->n_devices; i++) {
		bool traced = false;

		for (size_t k = 0; k < r->devices[i].n_queues && !traced; k++)
			traced = r->devices[i].queues[k].source == SOURCE_TRACED;
		if (!traced && !r->devices[i].removed)
			vector_counters(src, &r->devices[i]);
	}
	return 0;
}
