// SPDX-License-Identifier: GPL-2.0
/* struct vring_virtqueue's layout where BTF lacks it: see vvq_layout.h. */
#include <stdio.h>
#include <string.h>
#include "vvq_layout.h"

/*
 * Linux 5.10 (drivers/virtio/virtio_ring.c), on a 64-bit architecture (the
 * source's layout; only x86-64 is booted in the test bed): the
 * struct virtqueue (56 bytes) first, then packed_ring 56, use_dma_api,
 * weak_barriers, broken 59, indirect 60, event 61, free_head 64, num_added
 * 68, last_used_idx 72, and the split/packed union at 80.  split: vring
 * {num 80, desc 88, avail 96, used 104}, avail_flags_shadow 112,
 * avail_idx_shadow 114.  packed: vring {num 80, desc 88, driver 96, device
 * 104}, avail_wrap_counter 112, used_wrap_counter 113 (its own field until
 * 5.19), avail_used_flags 114, next_avail_idx 116, event_flags_shadow 118.
 * Checked against Debian 11's virtio_ring.ko (5.10.0-32-cloud-amd64) by
 * disassembly: virtqueue_is_broken reads 0x3b, virtqueue_get_vring_size
 * 0x50, virtqueue_enable_cb_prepare 0x38, 0x3d, 0x48, 0x60, 0x70, 0x71 and
 * 0x76; and in the test bed by the counts against QEMU's own indexes.
 */
static const struct {
	int major, minor;
	struct vq_vvq_offsets off;
} layouts[] = {
	{ 5, 10, {
		.packed_ring = 56, .indirect = 60, .last_used_idx = 72,
		.split_num = 80, .split_used = 104,
		.split_avail_flags_shadow = 112, .split_avail_idx_shadow = 114,
		.packed_num = 80, .packed_driver = 96, .packed_device = 104,
		.packed_avail_wrap_counter = 112, .packed_used_wrap_counter = 113,
		.packed_next_avail_idx = 116,
	} },
};

const struct vq_vvq_offsets *vvq_layout_for(const char *release)
{
	int major, minor;

	if (!release || sscanf(release, "%d.%d", &major, &minor) != 2)
		return NULL;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (layouts[i].major == major && layouts[i].minor == minor)
			return &layouts[i].off;
	return NULL;
}

const char *vvq_layout_versions(void)
{
	static char list[64];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]) && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%d.%d", i ? ", " : "",
					layouts[i].major, layouts[i].minor);
	return list;
}
