// SPDX-License-Identifier: GPL-2.0
/* One scrape (scrape.h): sources into the model, findings, Prometheus text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "clock.h"
#include "report.h"
#include "scrape.h"
#include "strbuf.h"
#include "sysfs.h"

/* The device filters (sc->only): an empty list keeps every device. */
static bool wanted(const struct scrape *sc, const struct vq_device *d)
{
	bool dev_ok = !sc->only.n_devices, type_ok = !sc->only.n_types;

	for (size_t i = 0; i < sc->only.n_devices; i++)
		dev_ok |= !strcmp(sc->only.devices[i], d->name);
	for (size_t i = 0; i < sc->only.n_types; i++)
		type_ok |= d->type == sc->only.types[i];
	return dev_ok && type_ok;
}

/*
 * A device that left keeps its entry in the BPF source (trace reports it
 * with removed: true), but a scrape describes the guest as it is now: its
 * series go stale in Prometheus, and its name may already belong to a
 * device plugged in since, whose series must not be duplicated.  A device
 * the filters leave out goes too, before its findings are run.
 */
static void drop_removed(const struct scrape *sc, struct vq_report *r)
{
	size_t kept = 0;

	for (size_t i = 0; i < r->n_devices; i++) {
		if (r->devices[i].removed || !wanted(sc, &r->devices[i])) {
			free(r->devices[i].queues);
			continue;
		}
		if (kept != i)
			r->devices[kept] = r->devices[i];
		kept++;
	}
	r->n_devices = kept;
}

int scrape_read(const struct scrape *sc, struct vq_report *r, char *err, size_t errlen)
{
	r->mode = "sysfs";
	r->duration_s = -1;
	if (sc->src)
		bpf_source_sample(sc->src);
	if (sysfs_read(sc->root, r, err, errlen) ||
	    devread_fill(sc->root, r, &sc->devread, err, errlen))
		return -1;
	if (sc->src) {
		if (bpf_source_fill(sc->src, r))
			goto enomem;
		r->duration_s = monotonic_s() - sc->start_s;
	}
	drop_removed(sc, r);
	if (findings_run(r, &sc->fcfg))
		goto enomem;
	return 0;
enomem:
	strbuf_copy(err, errlen, "out of memory");
	return -1;
}

int scrape_write_prom(const struct scrape *sc, FILE *out, char *err, size_t errlen)
{
	struct vq_report r = { 0 };
	double start = monotonic_s();
	int ret = -1;

	if (scrape_read(sc, &r, err, errlen))
		goto out;
	if (report_write_prom(out, &r, monotonic_s() - start)) {
		strbuf_printf(err, errlen, "cannot write the metrics: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	report_free(&r);
	return ret;
}
