/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device filters: which devices a command looks at, by name ("virtio0")
 * and by type ("balloon").  One parser for the command line (--device,
 * --type) and the daemon's configuration file (devices, types).  An empty
 * list keeps every device; a device must match both lists.
 */
#ifndef VQWATCH_FILTER_H
#define VQWATCH_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"

#define FILTER_MAX 32	/* names, and types, each */

enum filter_kind {
	FILTER_DEVICE,
	FILTER_TYPE,
};

struct device_filter {
	char *devices[FILTER_MAX];	/* owned by the filter filter_add filled */
	size_t n_devices;
	const struct vq_device_type *types[FILTER_MAX];
	size_t n_types;
};

/*
 * Append each item of "a,b , c" (blanks around items ignored).  -1 with
 * one line in err, "NAME 'VALUE': problem", NAME being the caller's (an
 * option such as --device, or the file's key).
 */
int filter_add(struct device_filter *f, enum filter_kind kind, const char *name,
	       const char *value, char *err, size_t errlen);
/* Whether the filter keeps d. */
bool filter_wants(const struct device_filter *f, const struct vq_device *d);
bool filter_equal(const struct device_filter *a, const struct device_filter *b);
/* Frees the names of a filter that filter_add filled. */
void filter_free(struct device_filter *f);

#endif
