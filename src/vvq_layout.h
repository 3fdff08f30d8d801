/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct vring_virtqueue's layout on kernels whose BTF does not describe it
 * (virtio_ring built as a module on a kernel without BTF for modules, as
 * Debian 11's 5.10), so that the ring program can read the rings there.
 */
#ifndef VQWATCH_VVQ_LAYOUT_H
#define VQWATCH_VVQ_LAYOUT_H

#include <linux/types.h>	/* __u16 in the shared header */
#include "vqwatch_queue.h"

/* The layout for kernel release `release` (uname -r: "5.10.0-32-cloud-amd64"),
 * by its major.minor; NULL when the table has none. */
const struct vq_vvq_offsets *vvq_layout_for(const char *release);

/* The versions the table covers, for a message: "5.10". */
const char *vvq_layout_versions(void);

#endif
