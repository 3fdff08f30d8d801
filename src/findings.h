/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Findings: rules over the model, with the stable codes of SPEC.md.
 * Pure: they read devices and queues and append findings to the report.
 */
#ifndef VQWATCH_FINDINGS_H
#define VQWATCH_FINDINGS_H

#include "model.h"

/*
 * spec-index-deviation, offered-not-negotiated and unknown-feature-bits for
 * one device.  Returns -1 on ENOMEM.
 */
int findings_for_device(struct vq_report *r, const struct vq_device *d);

/* queue-count-mismatch: the device exposes `seen` queues where the driver's
 * layout implies `expected`; `how` says who saw what. */
int findings_queue_count(struct vq_report *r, const struct vq_device *d,
			 size_t expected, size_t seen, const char *how);

/* The most severe finding, or -1 when there is none (for --fail-on). */
int findings_max_severity(const struct vq_report *r);

#endif
