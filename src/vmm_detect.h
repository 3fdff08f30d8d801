/* SPDX-License-Identifier: GPL-2.0 */
/* The VMM a guest runs on (vmm.c): reads under a root, fills the report. */
#ifndef VQWATCH_VMM_DETECT_H
#define VQWATCH_VMM_DETECT_H

#include "model.h"
#include "vmm.h"

/*
 * Fill r->vmm_known, r->vmm, r->vmm_source, and mark the VMM shown (its
 * rules then speak in the findings): given (--vmm) when not NULL, else the
 * first sign under root that names a VMM (DMI sys_vendor, then the ACPI
 * DSDT's OEM ID).  Nothing matched: r->vmm NULL and the source says what
 * was seen.  Call before findings_run().
 */
void vmm_detect(const char *root, const struct vmm *given, struct vq_report *r);

#endif
