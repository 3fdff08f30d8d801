/* SPDX-License-Identifier: GPL-2.0 */
/* Feature masks: parsing from flags and sysfs, formatting, naming. */
#ifndef VQWATCH_FEATURE_MASK_H
#define VQWATCH_FEATURE_MASK_H

#include <stdbool.h>
#include <stddef.h>
#include "virtio.h"

/*
 * Parse a command-line mask: hex ("0x22", up to 128 bits) or a comma list
 * of names ("STATS_VQ,REPORTING", prefix optional).  On error returns -1
 * and writes one line for the user into err.
 */
int features_parse_arg(const struct vq_device_type *type, const char *arg,
		       struct vq_features *out, char *err, size_t errlen);

/*
 * Parse sysfs "features": one '0'/'1' per bit, bit 0 first; 64 characters
 * up to Linux 6.16, 128 from 6.17.  Returns -1 when malformed (wrong
 * length, other characters), else sets *width.
 */
int features_parse_sysfs(const char *text, struct vq_features *out, unsigned int *width);

void features_format_hex(const struct vq_features *f, char *buf, size_t len);
/* The next set bit at or after from, or -1. */
int features_next(const struct vq_features *f, int from);
bool features_is_subset(const struct vq_features *sub, const struct vq_features *super);
/* "STATS_VQ", or "bit 7" when no table names it; returns whether named. */
bool features_label(const struct vq_device_type *type, unsigned int bit, char *buf, size_t len);

#endif
