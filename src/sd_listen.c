// SPDX-License-Identifier: GPL-2.0
/* sd_listen_fds(3)'s protocol, as sd_listen.h says. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sd_listen.h"
#include "strbuf.h"

/* A decimal number without sign or junk, at most max; -1 if not. */
static long number(const char *s, long max)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || *end || v > max ? -1 : v;
}

static int read_env(struct sd_listen *l)
{
	const char *pid_s = getenv("LISTEN_PID"), *fds_s = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	long pid, n;

	if (!fds_s) {
		strbuf_copy(l->none, sizeof(l->none),
			    "LISTEN_FDS is not set: not started by a systemd socket unit");
		return 0;
	}
	pid = number(pid_s, 0x7fffffff);
	if (pid < 0) {
		strbuf_printf(l->none, sizeof(l->none), "LISTEN_PID '%s' is not a process id",
			      pid_s ? pid_s : "");
		return 0;
	}
	if (pid != getpid()) {
		strbuf_printf(l->none, sizeof(l->none),
			      "LISTEN_PID=%ld is another process (this one is %ld)", pid,
			      (long)getpid());
		return 0;
	}
	n = number(fds_s, 4096);
	if (n <= 0) {
		strbuf_printf(l->none, sizeof(l->none), "LISTEN_FDS '%s' is not a number of sockets",
			      fds_s);
		return 0;
	}
	l->names = calloc((size_t)n, sizeof(*l->names));
	l->closed = calloc((size_t)n, sizeof(*l->closed));
	if (!l->names || !l->closed)
		return -1;
	for (long i = 0; i < n; i++) {
		size_t len = names ? strcspn(names, ":") : 0;

		l->names[i] = len ? strndup(names, len) : strdup("unknown");
		if (!l->names[i]) {
			l->n = (int)i;
			return -1;
		}
		if (names)
			names = names[len] ? names + len + 1 : NULL;
		/* sd_listen_fds sets FD_CLOEXEC too: the fds are this process's */
		l->closed[i] = fcntl(SD_LISTEN_FDS_START + (int)i, F_SETFD, FD_CLOEXEC) &&
			       errno == EBADF;
	}
	l->n = (int)n;
	return 0;
}

int sd_listen_read(struct sd_listen *l)
{
	int ret;

	memset(l, 0, sizeof(*l));
	ret = read_env(l);
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return ret;
}

static int check_open(const struct sd_listen *l, int i, char *err, size_t errlen)
{
	if (!l->closed[i])
		return SD_LISTEN_FDS_START + i;
	strbuf_printf(err, errlen, "fd %d (from systemd, LISTEN_FDS=%d) is not open",
		      SD_LISTEN_FDS_START + i, l->n);
	return -1;
}

int sd_listen_find(const struct sd_listen *l, int index, const char *name, char *err,
		   size_t errlen)
{
	char names[256] = "";

	if (!l->n) {
		strbuf_printf(err, errlen, "no socket passed by systemd (%s)", l->none);
		return -1;
	}
	if (index >= 0) {
		if (index < l->n)
			return check_open(l, index, err, errlen);
		if (l->n == 1)
			strbuf_printf(err, errlen, "fd://%d: systemd passed one socket (fd://0)", index);
		else
			strbuf_printf(err, errlen, "fd://%d: systemd passed %d sockets (fd://0 to fd://%d)",
				      index, l->n, l->n - 1);
		return -1;
	}
	for (int i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return check_open(l, i, err, errlen);
	for (int i = 0; i < l->n; i++)
		strbuf_printf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			      i ? "," : "", l->names[i]);
	strbuf_printf(err, errlen, "fd://%s: no socket of that FileDescriptorName= among those "
		      "systemd passed (%s)", name, names);
	return -1;
}

void sd_listen_free(struct sd_listen *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	free(l->closed);
	memset(l, 0, sizeof(*l));
}
