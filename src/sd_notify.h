/* SPDX-License-Identifier: GPL-2.0 */
/*
 * systemd's readiness protocol (sd_notify(3)) without libsystemd, which
 * Debian ships only as a shared library: one datagram of "KEY=VALUE\n..."
 * lines to the unix socket named by $NOTIFY_SOCKET (abstract when it starts
 * with '@').  The daemon sends READY=1 once it listens and STOPPING=1 when
 * it begins to stop (deploy/systemd/vqwatch.service is Type=notify).
 */
#ifndef VQWATCH_SD_NOTIFY_H
#define VQWATCH_SD_NOTIFY_H

/* 0 sent, or nothing to send to ($NOTIFY_SOCKET unset: not under systemd);
 * -1 with errno if the socket is named but the datagram could not go. */
int vq_sd_notify(const char *state);

#endif
