/* SPDX-License-Identifier: GPL-2.0 */
/*
 * node_exporter's textfile collector reads every *.prom file of a
 * directory at each of its own scrapes, so a file must never be seen half
 * written: write a temporary file in the same directory, fsync, rename.
 */
#ifndef VQWATCH_TEXTFILE_H
#define VQWATCH_TEXTFILE_H

#include <stddef.h>

/*
 * Replace path with buf[0..len) atomically, mode 0644.  buf NULL: only
 * check that a file can be created there (at start, and before a reload
 * moves it).  -1 with one line in err, "--textfile PATH: ...".
 */
int textfile_write(const char *path, const char *buf, size_t len, char *err, size_t errlen);

#endif
