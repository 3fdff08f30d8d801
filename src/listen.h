/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's listen address (--listen, the configuration's `listen`), in
 * the forms Prometheus exporters take:
 *
 *   127.0.0.1:9670, [::1]:9670   a numeric address, bound as written
 *   [::]:9670                     the IPv6 wildcard, as written (the kernel
 *                                 adds IPv4 unless net.ipv6.bindv6only=1)
 *   :9670                         every address, IPv6 and IPv4: one
 *                                 dual-stack socket on [::] (IPV6_V6ONLY
 *                                 off), or 0.0.0.0 where the kernel has no
 *                                 IPv6 (Go's ":9100", node_exporter's)
 *   localhost:9670, host:9670     a host name, resolved when bound (at start
 *                                 and at each reload): its first IPv4
 *                                 address, else its first address, one
 *                                 socket (what Go's net.Listen, hence
 *                                 node_exporter and exporter-toolkit, does
 *                                 with a name)
 *   fd://, fd://N, fd://NAME      a listening socket systemd passed
 *                                 (socket activation, sd_listen.h): the
 *                                 first, the N-th from 0 (ebpf_exporter's
 *                                 fd://0), or the one whose
 *                                 FileDescriptorName= is NAME
 *
 * Port 0 picks a free port.  Parsing checks the syntax only (a malformed
 * address is a usage error); resolving and binding are the daemon's, at
 * start (a name that does not resolve, an address in use or not local:
 * runtime errors).
 */
#ifndef VQWATCH_LISTEN_H
#define VQWATCH_LISTEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum listen_kind {
	LISTEN_ADDR,	/* a numeric IPv4 or [IPv6] address */
	LISTEN_ANY,	/* ":PORT" */
	LISTEN_HOST,	/* "HOST:PORT" */
	LISTEN_FD,	/* "fd://..." */
};

#define LISTEN_HOST_MAX 253	/* a DNS name's length */
#define LISTEN_FDNAME_MAX 255	/* systemd's FileDescriptorName= */

#define LISTEN_TEXT_MAX 320	/* above the longest form that parses */

struct listen_spec {
	char text[LISTEN_TEXT_MAX];	/* as given */
	enum listen_kind kind;
	uint16_t port;			/* ADDR, ANY, HOST */
	struct sockaddr_storage ss;	/* ADDR */
	socklen_t len;
	char host[LISTEN_HOST_MAX + 1];	/* HOST */
	int fd_index;			/* FD: from 0, or -1 with fd_name */
	char fd_name[LISTEN_FDNAME_MAX + 1];
};

/* An address to bind. */
struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	bool dual;	/* [::] with IPV6_V6ONLY off, 0.0.0.0 without IPv6 (":PORT") */
};

/* The syntax of spec -> l.  -1 with what is wrong in err (one phrase, for
 * the caller to prefix with the option or key and the value). */
int listen_parse(const char *spec, struct listen_spec *l, char *err, size_t errlen);

/* What listen_parse expects, for its callers' messages. */
#define LISTEN_EXPECTED "expected HOST:PORT, :PORT, [IPV6]:PORT or fd://, e.g. 127.0.0.1:9670, " \
			"localhost:9670, :9670 (every address), [::1]:9670"

/* The same listen address (fd:// and fd://0 are). */
bool listen_spec_equal(const struct listen_spec *a, const struct listen_spec *b);

/*
 * ADDR, ANY or HOST -> the address to bind (a host name through
 * getaddrinfo: /etc/hosts and DNS).  -1 with one line in err ("cannot
 * resolve ...").  Not for FD.
 */
int listen_resolve(const struct listen_spec *l, struct listen_addr *a, char *err, size_t errlen);

/* The same address, bound the same way. */
bool listen_addr_equal(const struct listen_addr *a, const struct listen_addr *b);

/* An IPv4 or IPv6 socket address in the --listen form: "127.0.0.1:9670",
 * "[::1]:9670". */
void listen_format_addr(const struct sockaddr *sa, char *buf, size_t len);

#endif
