/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vqwatch's own process, as every Prometheus client library's process
 * collector exports it (process_cpu_seconds_total, process_resident_memory_bytes,
 * ...): what the agent costs the guest, in the names dashboards and alerts
 * for any exporter already use.
 */
#ifndef VQWATCH_PROCESS_H
#define VQWATCH_PROCESS_H

#include "model.h"

/* This process's figures from /proc/self; p->known false if unreadable. */
void process_read(struct vq_process *p);

#endif
