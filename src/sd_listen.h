/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's socket activation (sd_listen_fds(3)) without libsystemd, for
 * the reason sd_notify.h gives: a service that a socket unit starts gets
 * the unit's sockets as file descriptors 3, 4, ... with $LISTEN_FDS (how
 * many), $LISTEN_PID (the process they are for: a child that inherited
 * the environment must not take them) and $LISTEN_FDNAMES (their
 * FileDescriptorName=, ':'-separated; by default the socket unit's name).
 * `vqwatch daemon --listen fd://` serves one of them (listen.h).
 */
#ifndef VQWATCH_SD_LISTEN_H
#define VQWATCH_SD_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#define SD_LISTEN_FDS_START 3

struct sd_listen {
	int n;			/* fds SD_LISTEN_FDS_START .. + n - 1 */
	char **names;		/* n names ("unknown" where none was given) */
	bool *closed;		/* n: not open when read (taken for nothing) */
	char none[160];		/* n == 0: why ("LISTEN_FDS is not set: ...") */
};

/*
 * Read $LISTEN_PID, $LISTEN_FDS and $LISTEN_FDNAMES into l, then unset
 * them (as sd_listen_fds(1) does) and mark the fds close-on-exec.  0, or
 * -1 when out of memory.  Call it before opening anything: a passed fd
 * that is not open would be the next file's.  Only whether each fd is open
 * is checked here (what it is, the caller checks).
 */
int sd_listen_read(struct sd_listen *l);

/*
 * The fd of fd://N (index >= 0) or fd://NAME (index -1): the fd, or -1
 * with one line in err (nothing passed and why, no such index or name,
 * not open).
 */
int sd_listen_find(const struct sd_listen *l, int index, const char *name, char *err,
		   size_t errlen);

void sd_listen_free(struct sd_listen *l);

#endif
