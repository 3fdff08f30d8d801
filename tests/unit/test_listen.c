// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for the daemon's listen address (src/listen.c: the forms
 * --listen takes, what a malformed one is told) and systemd's socket
 * activation protocol (src/sd_listen.c: LISTEN_PID, LISTEN_FDS,
 * LISTEN_FDNAMES read once, then unset).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listen.h"
#include "sd_listen.h"

static void ok(const char *spec, enum listen_kind kind, struct listen_spec *l)
{
	char err[256] = "";

	if (listen_parse(spec, l, err, sizeof(err)))
		fail_msg("'%s' refused: %s", spec, err);
	assert_int_equal(l->kind, kind);
}

static void bad(const char *spec, const char *why)
{
	struct listen_spec l;
	char err[256] = "";

	assert_int_equal(listen_parse(spec, &l, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("'%s': '%s' does not say '%s'", spec, err, why);
}

static void formats_as(const struct sockaddr_storage *ss, const char *want)
{
	char buf[64];

	listen_format_addr((const struct sockaddr *)ss, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_numeric(void **state)
{
	struct listen_spec l;

	(void)state;
	ok("127.0.0.1:9670", LISTEN_ADDR, &l);
	assert_int_equal(l.port, 9670);
	formats_as(&l.ss, "127.0.0.1:9670");
	ok("0.0.0.0:0", LISTEN_ADDR, &l);
	formats_as(&l.ss, "0.0.0.0:0");
	ok("[::1]:65535", LISTEN_ADDR, &l);
	formats_as(&l.ss, "[::1]:65535");
	ok("[::]:9670", LISTEN_ADDR, &l);
	formats_as(&l.ss, "[::]:9670");
	ok("[fd00::2]:1", LISTEN_ADDR, &l);
	formats_as(&l.ss, "[fd00::2]:1");
}

static void test_any_and_hosts(void **state)
{
	struct listen_spec l;
	struct listen_addr a;
	char err[256];

	(void)state;
	/* ":PORT": one dual-stack socket on [::] */
	ok(":9670", LISTEN_ANY, &l);
	assert_int_equal(l.port, 9670);
	assert_int_equal(listen_resolve(&l, &a, err, sizeof(err)), 0);
	assert_true(a.dual);
	formats_as(&a.ss, "[::]:9670");
	ok(":0", LISTEN_ANY, &l);

	ok("localhost:9670", LISTEN_HOST, &l);
	assert_string_equal(l.host, "localhost");
	assert_int_equal(l.port, 9670);
	ok("node-1.example.org:80", LISTEN_HOST, &l);
	ok("my_host:80", LISTEN_HOST, &l);

	/* a numeric address resolves to itself, not dual-stack */
	ok("[::]:9670", LISTEN_ADDR, &l);
	assert_int_equal(listen_resolve(&l, &a, err, sizeof(err)), 0);
	assert_false(a.dual);
	formats_as(&a.ss, "[::]:9670");
}

static void test_fd(void **state)
{
	struct listen_spec l, m;

	(void)state;
	ok("fd://", LISTEN_FD, &l);
	assert_int_equal(l.fd_index, 0);
	ok("fd://0", LISTEN_FD, &m);
	assert_true(listen_spec_equal(&l, &m));	/* the first either way */
	ok("fd://2", LISTEN_FD, &l);
	assert_int_equal(l.fd_index, 2);
	assert_false(listen_spec_equal(&l, &m));
	ok("fd://vqwatch.socket", LISTEN_FD, &l);
	assert_int_equal(l.fd_index, -1);
	assert_string_equal(l.fd_name, "vqwatch.socket");
	ok("fd://vqwatch.socket", LISTEN_FD, &m);
	assert_true(listen_spec_equal(&l, &m));
	ok("fd://metrics", LISTEN_FD, &m);
	assert_false(listen_spec_equal(&l, &m));
}

static void test_equal(void **state)
{
	struct listen_spec a, b;

	(void)state;
	ok("localhost:9670", LISTEN_HOST, &a);
	ok("LOCALHOST:9670", LISTEN_HOST, &b);
	assert_true(listen_spec_equal(&a, &b));
	ok("localhost:9671", LISTEN_HOST, &b);
	assert_false(listen_spec_equal(&a, &b));
	ok(":9670", LISTEN_ANY, &b);
	assert_false(listen_spec_equal(&a, &b));
	ok("127.0.0.1:9670", LISTEN_ADDR, &a);
	ok("127.0.0.1:9670", LISTEN_ADDR, &b);
	assert_true(listen_spec_equal(&a, &b));
}

static void test_malformed(void **state)
{
	(void)state;
	bad("", "no port");
	bad("localhost", "no port");
	bad("127.0.0.1", "no port");
	bad("127.0.0.1:", "no port");
	bad("9670", "no host (':9670' is every address)");
	bad("::1:9670", "an IPv6 address goes in brackets");
	bad("[::1]", "no port");
	bad("[::1]9670", "':PORT' must follow ']'");
	bad("[::1:9670", "an unclosed '['");
	bad("[]:9670", "is not an IPv6 address");
	bad("[localhost]:9670", "'localhost' is not an IPv6 address");
	bad("[127.0.0.1]:9670", "'127.0.0.1' is not an IPv6 address");
	bad("127.0.0.300:9670", "'127.0.0.300' is not an IPv4 address");
	bad("127.1:9670", "'127.1' is not an IPv4 address");
	bad("localhost:99999", "port '99999' is not a number from 0 to 65535");
	bad("localhost:65536", "port '65536'");
	bad("localhost:http", "port 'http'");
	bad("localhost:-1", "port '-1'");
	bad(":+80", "port '+80'");
	bad("*:9670", "'*' is not a host name (':9670' is every address)");
	bad("exa mple:9670", "'exa mple' is not a host name");
	bad("-x:9670", "'-x' is not a host name");
	bad("http://localhost:9670", "'http://localhost:9670' is a URL");
	bad("fd://a:b", "fd://NAME");
	bad("fd://a b", "fd://NAME");
	bad("fd://1234567", "no such socket index");
}

/* LISTEN_* for this process: read, then gone from the environment. */
static void test_sd_listen(void **state)
{
	struct sd_listen l;
	char err[256], pid[16];
	int opened[2] = { -1, -1 };

	(void)state;
	/* fds 3 and 4 open, as a passed socket would be */
	for (int i = 0; i < 2; i++)
		if (fcntl(3 + i, F_GETFD) < 0) {
			opened[i] = open("/dev/null", O_RDONLY);
			assert_int_equal(dup2(opened[i], 3 + i), 3 + i);
			if (opened[i] != 3 + i)
				close(opened[i]);
			opened[i] = 3 + i;
		}
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());

	unsetenv("LISTEN_FDS");
	assert_int_equal(sd_listen_read(&l), 0);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(l.none, "LISTEN_FDS is not set"));
	assert_int_equal(sd_listen_find(&l, 0, "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no socket passed by systemd (LISTEN_FDS is not set"));
	sd_listen_free(&l);

	setenv("LISTEN_PID", "1", 1);
	setenv("LISTEN_FDS", "1", 1);
	assert_int_equal(sd_listen_read(&l), 0);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(l.none, "LISTEN_PID=1 is another process"));
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	sd_listen_free(&l);

	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "two", 1);
	assert_int_equal(sd_listen_read(&l), 0);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(l.none, "LISTEN_FDS 'two'"));

	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "2", 1);
	setenv("LISTEN_FDNAMES", "vqwatch.socket:metrics", 1);
	assert_int_equal(sd_listen_read(&l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "vqwatch.socket");
	assert_string_equal(l.names[1], "metrics");
	assert_null(getenv("LISTEN_PID"));
	assert_null(getenv("LISTEN_FDS"));
	assert_null(getenv("LISTEN_FDNAMES"));
	assert_int_equal(sd_listen_find(&l, 0, "", err, sizeof(err)), 3);
	assert_int_equal(sd_listen_find(&l, -1, "metrics", err, sizeof(err)), 4);
	assert_int_equal(sd_listen_find(&l, 2, "", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "fd://2: systemd passed 2 sockets (fd://0 to fd://1)"));
	assert_int_equal(sd_listen_find(&l, -1, "web", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "(vqwatch.socket,metrics)"));
	/* the fds it was told about are close-on-exec now */
	assert_true(fcntl(3, F_GETFD) & FD_CLOEXEC);
	assert_true(fcntl(4, F_GETFD) & FD_CLOEXEC);
	sd_listen_free(&l);

	/* fewer names than fds: "unknown", as sd_listen_fds_with_names */
	setenv("LISTEN_PID", pid, 1);
	setenv("LISTEN_FDS", "2", 1);
	setenv("LISTEN_FDNAMES", "one", 1);
	assert_int_equal(sd_listen_read(&l), 0);
	assert_string_equal(l.names[0], "one");
	assert_string_equal(l.names[1], "unknown");
	sd_listen_free(&l);

	/* an fd it is told about that is not open (4, if it was ours) */
	if (opened[1] == 4) {
		close(4);
		opened[1] = -1;
		setenv("LISTEN_PID", pid, 1);
		setenv("LISTEN_FDS", "2", 1);
		assert_int_equal(sd_listen_read(&l), 0);
		assert_int_equal(sd_listen_find(&l, 1, "", err, sizeof(err)), -1);
		assert_string_equal(err, "fd 4 (from systemd, LISTEN_FDS=2) is not open");
		sd_listen_free(&l);
	}
	for (int i = 0; i < 2; i++)
		if (opened[i] >= 0)
			close(opened[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_any_and_hosts),
		cmocka_unit_test(test_fd),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sd_listen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
