/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device-read source: after sysfs_read(), ask each virtio-pci modern
 * device for its offered features and queue count (src/pci_cfg.h says how,
 * and why it is safe), or replay what a capture tree recorded.
 */
#ifndef VQWATCH_DEVREAD_H
#define VQWATCH_DEVREAD_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"

/* The recording's name, in the PCI function's directory of a capture. */
#define DEVREAD_RECORD "vqwatch-device-read"

struct devread_options {
	bool enabled;		/* false: --no-device-read (each device says so) */
	/* Also write each answer as a recording under this capture tree
	 * (tests/fixtures/capture.sh); NULL: none. */
	const char *save_root;
};

/*
 * For each device of r (as sysfs_read() filled it from root) whose offer is
 * not known yet: on a live system (root "/") ask the device through its PCI
 * configuration window; under a capture tree replay its recording, never
 * touching a real device.  On success sets offered (offered_source
 * "device"), device_queues, the queues' offered_dense_index, and resolves
 * an assumed queue count; otherwise offered_note says why not and what
 * else shows the offer.  Returns 0, or -1 with one line in err (out of
 * memory, a recording that cannot be written).
 */
int devread_fill(const char *root, struct vq_report *r, const struct devread_options *o,
		 char *err, size_t errlen);

#endif
