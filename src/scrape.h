/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One scrape: what `vqwatch metrics` does once and `vqwatch daemon` at every
 * GET /metrics and textfile write.  Sources are read fresh each time (sysfs,
 * the device read, the BPF maps), so devices that appeared since the last
 * scrape are in it, and devices that left are not.
 */
#ifndef VQWATCH_SCRAPE_H
#define VQWATCH_SCRAPE_H

#include <stddef.h>
#include <stdio.h>
#include "bpf_source.h"
#include "devread.h"
#include "findings.h"
#include "model.h"

struct scrape {
	const char *root;		/* "/" live, or a capture tree (no BPF) */
	struct devread_options devread;
	struct findings_config fcfg;
	struct bpf_source *src;		/* NULL: what sysfs (audit) knows */
	double start_s;			/* when the session opened (monotonic_s(), clock.h) */
	/* Keep only these devices ("virtio0") and types, before findings and
	 * rendering; an empty list keeps every device. */
	struct {
		char *const *devices;
		size_t n_devices;
		const struct vq_device_type *const *types;
		size_t n_types;
	} only;
};

/*
 * Sample the BPF source, read sysfs and the device read, merge the BPF
 * source, leave out devices that left (removed) and those sc->only does
 * not ask for, run the findings.  r must
 * be zeroed; the caller frees it with report_free().  -1 with one line in err.
 */
int scrape_read(const struct scrape *sc, struct vq_report *r, char *err, size_t errlen);

/* scrape_read, then the Prometheus text (0.0.4) into out.  -1 with err. */
int scrape_write_prom(const struct scrape *sc, FILE *out, char *err, size_t errlen);

#endif
