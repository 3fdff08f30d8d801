/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's HTTP server, on libevent's evhttp (README "Build choices"):
 *   GET|HEAD /         a small page linking the two below
 *   GET|HEAD /metrics  Prometheus text 0.0.4, rendered at request time
 *   GET|HEAD /healthz  "ok"
 * Other methods on these paths get 405 (Allow: GET, HEAD), other paths 404.
 * With a web configuration (http_server_set_web): TLS on every connection,
 * basic auth on every path but /healthz (401 with WWW-Authenticate), and its
 * extra headers on every answer.
 * Limits against hostile clients (evhttp 2.1 has no connection limit, so
 * the server counts connections itself): HTTP_MAX_CONNECTIONS at once (a
 * new one closes the oldest that has not been served, else the oldest
 * idle), request headers within HTTP_MAX_HEADER_BYTES and
 * HTTP_HEADER_DEADLINE_S of the connection or its previous request,
 * HTTP_TIMEOUT_S of inactivity, no request body beyond HTTP_MAX_BODY_BYTES.
 */
#ifndef VQWATCH_HTTP_H
#define VQWATCH_HTTP_H

#include <stddef.h>
#include <sys/socket.h>

#define HTTP_MAX_CONNECTIONS	128
#define HTTP_MAX_HEADER_BYTES	8192
#define HTTP_MAX_BODY_BYTES	4096
#define HTTP_TIMEOUT_S		10
#define HTTP_HEADER_DEADLINE_S	10

struct event_base;
struct http_server;

struct listen_addr;
struct web_config;
struct ssl_ctx_st;	/* OpenSSL's SSL_CTX */

/*
 * A listening socket on a (listen.h: ":PORT" is one dual-stack socket on
 * [::], or 0.0.0.0 where the kernel has no IPv6).  The fd, or -1 with one
 * line in err: in use, not a local address, ...
 */
int http_listen_socket(const struct listen_addr *a, char *err, size_t errlen);

/*
 * A socket passed by systemd (fd://): 0 if fd is a listening TCP stream
 * socket (IPv4 or IPv6), else -1 with one line in err saying what it is.
 */
int http_check_passed(int fd, char *err, size_t errlen);

struct http_routes {
	/* The body of /metrics: 0 with a malloc'd *buf of *len bytes, or -1
	 * with one line in err (answered 500 and logged). */
	int (*metrics)(void *arg, char **buf, size_t *len, char *err, size_t errlen);
	void *arg;
	const char *about;	/* a line for the / page: version, attach mode */
};

/*
 * Serve on base from fd, a listening socket (http_listen_socket, or one
 * systemd passed), which the server owns from now on, failure included.
 * NULL with one line in err.  bound gets the address it listens on (port
 * 0 resolved).
 */
struct http_server *http_server_new(struct event_base *base, int fd,
				    const struct http_routes *routes,
				    struct sockaddr_storage *bound, char *err, size_t errlen);
/*
 * The web configuration (webconfig.h) for the requests from now on: its
 * basic_auth_users and headers, borrowed until the next call or the free;
 * and its TLS context (tls.h; the server takes a reference of its own) for
 * the connections accepted from now on.  NULLs: plain HTTP, no
 * authentication.
 */
void http_server_set_web(struct http_server *srv, struct web_config *web, struct ssl_ctx_st *ctx);
/* Close every connection and the listening socket. */
void http_server_free(struct http_server *srv);

#endif
