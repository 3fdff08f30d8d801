// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's listen address (listen.h).
 *
 * Host names go through glibc's getaddrinfo.  The binary is static: glibc
 * 2.36 (Debian 12) has its "files" and "dns" sources built in, so
 * /etc/hosts and DNS (/etc/resolv.conf) answer without any shared library
 * (a chroot holding only the binary and /etc resolves /etc/hosts names;
 * DNS queries go out without libnss_dns.so being opened); the other
 * sources /etc/nsswitch.conf may name (myhostname, resolve, mdns, ...) are
 * shared modules that static glibc dlopens, usable only if present and of
 * the glibc it was built with (else the lookup fails, "System error").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "listen.h"
#include "strbuf.h"

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int bad_port(const char *port, char *err, size_t errlen)
{
	if (!*port)
		strbuf_copy(err, errlen, "no port");
	else
		strbuf_printf(err, errlen, "port '%s' is not a number from 0 to 65535", port);
	return -1;
}

/* fd://, fd://N, fd://NAME (systemd's FileDescriptorName=: printable
 * ASCII but ':', which separates the names in $LISTEN_FDNAMES). */
static int parse_fd(const char *rest, struct listen_spec *l, char *err, size_t errlen)
{
	size_t n = strlen(rest), digits = strspn(rest, "0123456789");

	l->kind = LISTEN_FD;
	if (!n)
		return 0;	/* the first: index 0 */
	if (digits == n) {
		if (n > 6) {
			strbuf_printf(err, errlen, "fd://%s: no such socket index", rest);
			return -1;
		}
		l->fd_index = (int)strtol(rest, NULL, 10);
		return 0;
	}
	for (const char *p = rest; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ':') {
			strbuf_printf(err, errlen, "fd://NAME: a socket's FileDescriptorName= (printable, "
				      "no ':' or space), or fd:// for the first socket systemd passed");
			return -1;
		}
	if (n > LISTEN_FDNAME_MAX) {
		strbuf_printf(err, errlen, "fd://NAME: a name of at most %d characters",
			      LISTEN_FDNAME_MAX);
		return -1;
	}
	l->fd_index = -1;
	memcpy(l->fd_name, rest, n + 1);
	return 0;
}

static bool host_name(const char *s)
{
	if (!*s || strlen(s) > LISTEN_HOST_MAX || *s == '-' || *s == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

int listen_parse(const char *spec, struct listen_spec *l, char *err, size_t errlen)
{
	char host[LISTEN_HOST_MAX + 1];
	const char *colon, *close;
	size_t n;

	memset(l, 0, sizeof(*l));
	if (!strbuf_copy(l->text, sizeof(l->text), spec)) {
		strbuf_printf(err, errlen, "longer than %d characters", LISTEN_TEXT_MAX - 1);
		return -1;
	}
	if (!strncmp(spec, "fd://", 5))
		return parse_fd(spec + 5, l, err, errlen);
	if (strstr(spec, "://")) {
		strbuf_printf(err, errlen, "'%s' is a URL, not an address", spec);
		return -1;
	}
	if (spec[0] == '[') {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&l->ss;

		close = strchr(spec, ']');
		if (!close) {
			strbuf_copy(err, errlen, "an unclosed '['");
			return -1;
		}
		if (close[1] != ':') {
			strbuf_copy(err, errlen, close[1] ? "':PORT' must follow ']'" : "no port");
			return -1;
		}
		n = (size_t)(close - spec - 1);
		if (!n || n >= INET6_ADDRSTRLEN) {
			strbuf_printf(err, errlen, "'%.*s' is not an IPv6 address", (int)n, spec + 1);
			return -1;
		}
		memcpy(host, spec + 1, n);
		host[n] = '\0';
		sin6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
			strbuf_printf(err, errlen, "'%s' is not an IPv6 address", host);
			return -1;
		}
		if (parse_port(close + 2, &l->port))
			return bad_port(close + 2, err, errlen);
		sin6->sin6_port = htons(l->port);
		l->len = sizeof(*sin6);
		l->kind = LISTEN_ADDR;
		return 0;
	}
	colon = strrchr(spec, ':');
	if (!colon) {
		if (*spec && strspn(spec, "0123456789") == strlen(spec))
			strbuf_printf(err, errlen, "no host (':%s' is every address)", spec);
		else
			strbuf_copy(err, errlen, "no port");
		return -1;
	}
	if (strchr(spec, ':') != colon) {
		strbuf_copy(err, errlen, "an IPv6 address goes in brackets: [ADDRESS]:PORT");
		return -1;
	}
	if (parse_port(colon + 1, &l->port))
		return bad_port(colon + 1, err, errlen);
	n = (size_t)(colon - spec);
	if (!n) {
		l->kind = LISTEN_ANY;
		return 0;
	}
	if (n > LISTEN_HOST_MAX) {
		strbuf_printf(err, errlen, "a host name of at most %d characters", LISTEN_HOST_MAX);
		return -1;
	}
	memcpy(host, spec, n);
	host[n] = '\0';
	if (strspn(host, "0123456789.") == n) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&l->ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
			strbuf_printf(err, errlen, "'%s' is not an IPv4 address", host);
			return -1;
		}
		sin->sin_family = AF_INET;
		sin->sin_port = htons(l->port);
		l->len = sizeof(*sin);
		l->kind = LISTEN_ADDR;
		return 0;
	}
	if (!strcmp(host, "*")) {
		strbuf_printf(err, errlen, "'*' is not a host name (':%s' is every address)",
			      colon + 1);
		return -1;
	}
	if (!host_name(host)) {
		strbuf_printf(err, errlen, "'%s' is not a host name (letters, digits, '-', '.')", host);
		return -1;
	}
	memcpy(l->host, host, n + 1);
	l->kind = LISTEN_HOST;
	return 0;
}

bool listen_spec_equal(const struct listen_spec *a, const struct listen_spec *b)
{
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case LISTEN_ADDR:
		return a->len == b->len && !memcmp(&a->ss, &b->ss, a->len);
	case LISTEN_ANY:
		return a->port == b->port;
	case LISTEN_HOST:
		return a->port == b->port && !strcasecmp(a->host, b->host);
	case LISTEN_FD:
		return a->fd_index == b->fd_index && (a->fd_index >= 0 || !strcmp(a->fd_name, b->fd_name));
	}
	return false;
}

int listen_resolve(const struct listen_spec *l, struct listen_addr *a, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	const struct addrinfo *pick = NULL;
	int ret;

	memset(a, 0, sizeof(*a));
	switch (l->kind) {
	case LISTEN_ADDR:
		a->ss = l->ss;
		a->len = l->len;
		return 0;
	case LISTEN_ANY: {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_any;
		sin6->sin6_port = htons(l->port);
		a->len = sizeof(*sin6);
		a->dual = true;
		return 0;
	}
	case LISTEN_HOST:
		break;
	case LISTEN_FD:
		strbuf_copy(err, errlen, "fd:// is a passed socket, not an address");
		return -1;
	}
	ret = getaddrinfo(l->host, NULL, &hints, &res);
	if (ret) {
		strbuf_printf(err, errlen, "cannot resolve '%s': %s", l->host,
			      ret == EAI_SYSTEM ? strerror(errno) : gai_strerror(ret));
		return -1;
	}
	/* Go's net.Listen: the first IPv4 address, else the first */
	for (ai = res; ai && !pick; ai = ai->ai_next)
		if (ai->ai_family == AF_INET)
			pick = ai;
	for (ai = res; ai && !pick; ai = ai->ai_next)
		if (ai->ai_family == AF_INET6)
			pick = ai;
	if (!pick || pick->ai_addrlen > sizeof(a->ss)) {
		strbuf_printf(err, errlen, "cannot resolve '%s': no IPv4 or IPv6 address", l->host);
		freeaddrinfo(res);
		return -1;
	}
	memcpy(&a->ss, pick->ai_addr, pick->ai_addrlen);
	a->len = pick->ai_addrlen;
	if (pick->ai_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(l->port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(l->port);
	freeaddrinfo(res);
	return 0;
}

bool listen_addr_equal(const struct listen_addr *a, const struct listen_addr *b)
{
	return a->len == b->len && a->dual == b->dual && !memcmp(&a->ss, &b->ss, a->len);
}

void listen_format_addr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
	} else {
		snprintf(buf, len, "(address family %u)", sa->sa_family);
	}
}
