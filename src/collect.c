// SPDX-License-Identifier: GPL-2.0
/* One collection (collect.h): session, sources, model, findings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bpf_source.h"
#include "clock.h"
#include "collect.h"
#include "vmm_detect.h"
#include "process.h"
#include "report.h"
#include "strbuf.h"
#include "sysfs.h"
#include "window.h"

struct collect {
	struct collect_config cfg;
	struct session *s;
	struct bpf_source *src;
	double start_s;		/* monotonic, when the collection began */
	char no_bpf[512];
	struct finding_window window;
};

static bool live(const struct collect_config *cfg)
{
	return !cfg->root || !strcmp(cfg->root, "/");
}

struct collect *collect_open(const struct collect_config *cfg, char *err, size_t errlen)
{
	struct collect *c = calloc(1, sizeof(*c));

	if (!c) {
		strbuf_copy(err, errlen, "out of memory");
		return NULL;
	}
	c->cfg = *cfg;
	if (!c->cfg.root)
		c->cfg.root = "/";
	if (!live(&c->cfg))
		goto opened;	/* BPF observes this machine, not a capture */
	/* a bad --pin is a configuration error, not a reason to run unpinned */
	if (cfg->session.pin_dir && session_pin_dir_ok(cfg->session.pin_dir, err, errlen))
		goto fail;
	c->s = session_open(&cfg->session, c->no_bpf, sizeof(c->no_bpf));
	if (!c->s) {
		if (cfg->need_bpf) {
			strbuf_copy(err, errlen, c->no_bpf);
			goto fail;
		}
		goto opened;
	}
	c->src = bpf_source_new(c->s, "/");
	if (!c->src) {
		strbuf_copy(err, errlen, "out of memory");
		goto fail;
	}
	/* discover: devices that probed before the session */
	session_trigger_discovery("/");
opened:
	c->start_s = monotonic_s();
	collect_sample(c);
	return c;
fail:
	collect_close(c);
	return NULL;
}

void collect_close(struct collect *c)
{
	if (!c)
		return;
	window_free(&c->window);
	bpf_source_free(c->src);
	session_close(c->s);
	free(c);
}

const char *collect_no_bpf(const struct collect *c)
{
	return c->no_bpf;
}

const char *collect_mode(const struct collect *c)
{
	return c->s ? session_mode_name(c->s) : "sysfs";
}

const struct vq_hook_status *collect_hooks(const struct collect *c, size_t *n)
{
	*n = 0;
	return c->s ? session_hooks(c->s, n) : NULL;
}

size_t collect_hooks_attached(const struct collect *c)
{
	size_t n, attached = 0;
	const struct vq_hook_status *hooks = collect_hooks(c, &n);

	for (size_t i = 0; i < n; i++)
		attached += hooks[i].attached;
	return attached;
}

void collect_reconfigure(struct collect *c, const struct collect_config *cfg)
{
	c->cfg.devread = cfg->devread;
	c->cfg.findings = cfg->findings;
	c->cfg.filter = cfg->filter;
	c->cfg.vmm = cfg->vmm;
}

/*
 * Leave out the devices the filter does not ask for and, for a scrape,
 * those that left: a device that left keeps its entry in the BPF source,
 * but its series go stale in Prometheus, and its name may already belong
 * to a device plugged in since, whose series must not be duplicated.
 */
static void keep_wanted(const struct collect *c, struct vq_report *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_devices; i++) {
		const struct vq_device *d = &r->devices[i];

		if ((d->removed && !c->cfg.keep_removed) ||
		    (c->cfg.filter && !filter_wants(c->cfg.filter, d))) {
			free(r->devices[i].queues);
			continue;
		}
		if (kept != i)
			r->devices[kept] = r->devices[i];
		kept++;
	}
	r->n_devices = kept;
}

/* Note how a source went; -1 when it failed and the report may not be
 * partial (err says why). */
static int source(const struct collect *c, struct vq_report *r, const char *name, int ret,
		  const char *why, char *err, size_t errlen)
{
	struct vq_source_status *st = &r->sources[r->n_sources++];

	st->name = name;
	st->ok = !ret;
	strbuf_copy(st->error, sizeof(st->error), ret ? why : "");
	if (ret && !c->cfg.partial) {
		strbuf_copy(err, errlen, why);
		return -1;
	}
	return 0;
}

/* sysfs, the device read (when asked), BPF, the filters, the findings, and
 * the window's observation of them. */
static int read_model(struct collect *c, struct vq_report *r, bool device_read, char *err,
		      size_t errlen)
{
	char why[512];

	r->mode = "sysfs";
	r->duration_s = -1;
	if (source(c, r, "sysfs", sysfs_read(c->cfg.root, r, why, sizeof(why)), why, err, errlen))
		return -1;
	if (device_read) {
		int ret = devread_fill(c->cfg.root, r, &c->cfg.devread, why, sizeof(why));

		/* turned off, it notes so on each device: not a source then */
		if (c->cfg.devread.enabled ? source(c, r, "device_read", ret, why, err, errlen) :
		    ret) {
			strbuf_copy(err, errlen, why);
			return -1;
		}
	}
	if (c->src) {
		if (bpf_source_fill(c->src, r))
			goto enomem;
		source(c, r, "bpf", 0, "", err, errlen);
		r->duration_s = monotonic_s() - c->start_s;
	}
	keep_wanted(c, r);
	vmm_detect(c->cfg.root, c->cfg.vmm, r);
	if (findings_run(r, &c->cfg.findings))
		goto enomem;
	if (c->src && window_observe(&c->window, r, monotonic_s() - c->start_s))
		goto enomem;
	return 0;
enomem:
	strbuf_copy(err, errlen, "out of memory");
	return -1;
}

void collect_sample(struct collect *c)
{
	struct vq_report r = { 0 };
	char err[256];

	if (!c->src)
		return;
	bpf_source_sample(c->src);
	/* the runtime findings at this sample: no device read (it adds no
	 * runtime finding, and asks the devices for nothing new) */
	read_model(c, &r, false, err, sizeof(err));
	report_free(&r);
}

uint64_t collect_ring_interval_ms(const struct collect *c)
{
	uint64_t ms = c->src ? bpf_source_ring_interval_ms(c->src) : COLLECT_SAMPLE_MS;

	return ms < COLLECT_SAMPLE_MS ? ms : COLLECT_SAMPLE_MS;
}

void collect_sample_rings(struct collect *c)
{
	if (c->src)
		bpf_source_sample(c->src);
}

void collect_run(struct collect *c, uint64_t duration_ms, volatile sig_atomic_t *stop,
		 uint64_t tick_ms, void (*tick)(void *arg), void *arg)
{
	uint64_t start = monotonic_ms(), last_sample = start, last_tick = start, last_ring = start;

	while (!*stop && monotonic_ms() - start < duration_ms) {
		/* a busy queue's ring is sampled faster than the findings, so
		 * that its 16-bit indexes never wrap unseen (ring_watch.h) */
		uint64_t ring_ms = collect_ring_interval_ms(c);
		uint64_t nap_ms = ring_ms < 100 ? ring_ms : 100;
		struct timespec nap = { 0, (long)nap_ms * 1000000 };
		uint64_t now;

		nanosleep(&nap, NULL);
		now = monotonic_ms();
		if (tick && tick_ms && now - last_tick >= tick_ms) {
			tick(arg);	/* its collect_read samples too */
			last_tick = last_sample = last_ring = now;
		} else if (now - last_sample >= COLLECT_SAMPLE_MS) {
			collect_sample(c);
			last_sample = last_ring = now;
		} else if (now - last_ring >= ring_ms) {
			collect_sample_rings(c);
			last_ring = now;
		}
	}
}

/* Every queue that can stall counts its stalls from the start, 0 included. */
static void fill_stalls(const struct collect *c, struct vq_report *r)
{
	for (size_t i = 0; i < r->n_devices; i++) {
		struct vq_device *d = &r->devices[i];

		for (size_t j = 0; j < d->n_queues; j++) {
			struct vq_queue *q = &d->queues[j];

			if (!findings_queue_can_stall(d, q))
				continue;
			q->stalls.known = true;
			q->stalls.value = window_episodes(&c->window, "queue-stalled", d->name,
							  q->index);
		}
	}
}

int collect_read(struct collect *c, struct vq_report *r, char *err, size_t errlen)
{
	if (c->src)
		bpf_source_sample(c->src);
	if (read_model(c, r, true, err, errlen))
		return -1;
	if (c->cfg.partial)	/* metrics and the daemon: their own cost too */
		process_read(&r->process);
	if (!c->src)
		return 0;
	/* vqwatch's own cost: for the report only, not at every sample */
	r->prog_stats_known = true;
	r->bpf_stats_enabled = session_bpf_stats_enabled();
	r->n_prog_stats = session_prog_stats(c->s, r->prog_stats, VQ_MAX_PROG_STATS);
	fill_stalls(c, r);
	if (c->cfg.window_findings && window_merge(&c->window, r)) {
		strbuf_copy(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int collect_write_prom(struct collect *c, FILE *out, struct vq_report *r, char *err,
		       size_t errlen)
{
	double start = monotonic_s();

	if (collect_read(c, r, err, errlen))
		return -1;
	if (report_write_prom(out, r, monotonic_s() - start)) {
		strbuf_printf(err, errlen, "cannot write the metrics: %s", strerror(errno));
		return -1;
	}
	return 0;
}
