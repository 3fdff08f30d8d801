/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's log: one line per event on stderr, key=value (logfmt, as
 * node_exporter and Prometheus write theirs), e.g.
 *   ts=2026-12-01T10:00:00.123Z level=info msg="listening" addr=127.0.0.1:9670
 * Values with a space, '"', '=' or a control byte are quoted and escaped,
 * so that one event is always one line.
 */
#ifndef VQWATCH_LOG_H
#define VQWATCH_LOG_H

/* level: "debug", "info", "warn", "error"; then (key, value) string pairs,
 * ended by NULL.  A NULL value prints as an empty quoted string. */
void log_kv(const char *level, const char *msg, ...) __attribute__((sentinel));

#endif
