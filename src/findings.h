/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Findings: rules over the model, with the stable codes of docs/findings.md.
 * Pure: they read devices and queues and append findings to the report.
 * Sources only fill the model; a command runs the rules once, after every
 * source has run, with findings_run().
 */
#ifndef VQWATCH_FINDINGS_H
#define VQWATCH_FINDINGS_H

#include <stdint.h>
#include "model.h"

#define FINDINGS_STALL_THRESHOLD_MS 5000	/* default for queue-stalled */
#define FINDINGS_SPURIOUS_MIN 10		/* default for unexpected-interrupt */

/* Thresholds of the runtime findings. */
struct findings_config {
	/* queue-stalled: buffers outstanding, the oldest at least this old */
	uint64_t stall_threshold_ms;
	/* unexpected-interrupt: at least this many used-buffer interrupts
	 * on the queue with nothing outstanding */
	uint64_t spurious_min;
};

/* The defaults above. */
struct findings_config findings_config_default(void);

/*
 * Every rule on every device of the report (cfg NULL: the defaults):
 *   spec-index-deviation, offered-not-negotiated, queue-count-mismatch,
 *   unknown-feature-bits (static: features and queue indexes), and
 *   queue-stalled, unexpected-interrupt (runtime: counters a trace fills;
 *   nothing is said where they are unknown).
 * Replaces whatever findings the report held, so that a running session
 * can call it again after each interval.  Returns 0, or -1 on ENOMEM.
 */
int findings_run(struct vq_report *r, const struct findings_config *cfg);

/* Whether queue-stalled can be said of q: a queue the device is expected
 * to complete promptly, in a mode that sees its buffers in flight. */
bool findings_queue_can_stall(const struct vq_device *d, const struct vq_queue *q);

/* Whether code is a runtime finding (it comes and goes with the counters,
 * so it is watched over a collection window: window.h). */
bool findings_code_is_runtime(const char *code);

/* The most severe finding, or -1 when there is none (for --fail-on). */
int findings_max_severity(const struct vq_report *r);

#endif
