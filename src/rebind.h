/* SPDX-License-Identifier: GPL-2.0 */
/* trace --rebind: see rebind.c for what is refused and why. */
#ifndef VQWATCH_REBIND_H
#define VQWATCH_REBIND_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"

/* 0 when d may be rebound; else -1 with one line in err.  force skips only
 * the 6.11+ MSI-X hole check. */
int rebind_check(const struct vq_device *d, bool force, char *err, size_t len);
/* Unbind d's driver and bind it again; -1 with what to do in err. */
int rebind_device(const struct vq_device *d, char *err, size_t len);

#endif
