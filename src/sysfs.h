/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sysfs source: virtio devices from /sys/bus/virtio/devices, queue
 * names from interrupt vectors in /proc/interrupts (and, for PCI, the
 * device's msi_irqs).  Needs no privileges and no BPF.
 */
#ifndef VQWATCH_SYSFS_H
#define VQWATCH_SYSFS_H

#include <stddef.h>
#include "model.h"

/*
 * Fill r with every virtio device under root ("/" for this machine, or a
 * fixture tree), each with its queues; no findings (findings_run() does
 * that once every source has run).  What cannot be read about a device is
 * a note on it (d->note) and the other devices are still read.  Returns 0,
 * or -1 with one line for the user in err: the device directory itself
 * cannot be read, or out of memory.
 */
int sysfs_read(const char *root, struct vq_report *r, char *err, size_t errlen);

#endif
