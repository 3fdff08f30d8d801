/* SPDX-License-Identifier: GPL-2.0 */
/* Commands and what they share: exit codes, option helpers, diagnostics. */
#ifndef VQWATCH_CMD_H
#define VQWATCH_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "report.h"

/* Exit codes (docs/exit-codes.md). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* the message says what and what to do */
	EXIT_USAGE = 2,
	EXIT_FINDINGS = 3,	/* findings at or above --fail-on */
};

extern int verbose;

int cmd_layout(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
void help_layout(void);
void help_audit(void);
void help_trace(void);
void help_metrics(void);
void help_daemon(void);

/*
 * The end of every reporting command: render the report as JSON or text on
 * stdout, then the exit code (EXIT_FINDINGS when a finding is at least
 * fail_on; fail_on < 0 disables).
 */
int emit_report(const char *cmd, const struct vq_report *r,
		bool json, enum report_style style, int fail_on);

/* One line on stderr: "vqwatch CMD: message". */
void p_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report what getopt_long (optstring starting with ':') rejected: opt is
 * its return value, '?' (unknown option, or a value given to an option
 * that takes none) or ':' (an option missing its value). */
int usage_error(const char *cmd, int opt, int argc, char **argv);
/* --fail-on SEVERITY -> severity, or -1 with a message. */
int parse_fail_on(const char *cmd, const char *arg);
/* --vmm NAME -> *out; -1 with a one-line message naming the known ones. */
int parse_vmm(const char *cmd, const char *arg, const struct vmm **out);
/* "10s", "500ms", "2m", "1h", or plain seconds -> milliseconds; -1 with a
 * message if not a duration. */
int parse_duration(const char *cmd, const char *option, const char *arg, uint64_t *ms);
/* --mode: a session mode (session.h), or -1 with a message. */
int parse_mode(const char *cmd, const char *arg);
/* --detail ARG -> enum session_detail; -1 after one line on stderr. */
int parse_detail(const char *cmd, const char *arg);
/* --latency-sample ARG; -1 after one line on stderr. */
int parse_latency_sample(const char *cmd, const char *arg, unsigned int *n);
/* -1 after one line on stderr when --latency-sample is given with counts. */
struct session_opts;
int detail_conflict(const char *cmd, const struct session_opts *o);
/* --root DIR: 0 when DIR is a directory; else -1 with a message. */
int check_root_dir(const char *cmd, const char *dir);

/* Set by SIGINT and SIGTERM once cmd_stop_on_signals() ran: a one-shot
 * command ends its collection early and still reports. */
extern volatile sig_atomic_t cmd_stop;
void cmd_stop_on_signals(void);

/* A decimal integer in [min, max], all of it; -1 with a message if not. */
int parse_uint(const char *cmd, const char *option, const char *arg, long min, long max,
	       unsigned int *out);

#endif
