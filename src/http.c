// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's HTTP server (http.h) on libevent 2.1's evhttp.
 *
 * Connection accounting: evhttp 2.1 tells nobody when it accepts or frees a
 * connection, but it asks evhttp_set_bevcb's callback for each connection's
 * bufferevent.  That callback creates it, keeps a reference, and lists it
 * with its accept time.  A bufferevent that evhttp freed has had its
 * callbacks cleared (bufferevent_free does that first) and is then held by
 * our reference alone: the sweep drops it.  While its event callback is set,
 * evhttp still owns the connection and its fd, so shutdown(2) on that fd is
 * safe, and evhttp then sees end-of-file and frees the connection itself.
 * The bufferevent is made without BEV_OPT_CLOSE_ON_FREE: evhttp closes the fd
 * in evhttp_connection_free, so our reference never keeps a socket open.
 *
 * TLS (--web.config.file, tls.h): the callback makes an OpenSSL bufferevent
 * (libevent_openssl) instead, accepting, on an SSL of the context in force
 * when the connection arrived; a reload's new context serves the next
 * connections.  Without BEV_OPT_CLOSE_ON_FREE the bufferevent does not free
 * its SSL either: the sweep frees it with our reference.  Basic auth and
 * the extra headers are those of the web configuration in force at each
 * request.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <openssl/ssl.h>
#include "basic_auth.h"
#include "clock.h"
#include "gzip.h"
#include "http.h"
#include "listen.h"
#include "log.h"
#include "strbuf.h"

#define LISTEN_BACKLOG	128
#define PROM_CONTENT_TYPE "text/plain; version=0.0.4"

struct conn {
	struct bufferevent *bev;	/* one reference is ours */
	SSL *ssl;		/* TLS: freed with our reference */
	double since;		/* accepted, or its last request arrived */
	bool served;		/* at least one request reached us */
	bool closing;		/* shut down by us, evhttp not done yet */
};

struct http_server {
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *listener;	/* evhttp's, for pausing */
	struct event *sweep, *resume;
	struct http_routes routes;
	struct conn *conns;
	size_t n_conns, cap_conns;
	struct web_config *web;	/* borrowed (http_server_set_web); NULL: none */
	SSL_CTX *ctx;		/* a reference of ours; NULL: plain HTTP */
};

/* ---- the listening socket ---- */

static int bind_listen(const struct listen_addr *a, int *fd, char *err, size_t errlen)
{
	int one = 1, off = 0, e;

	*fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (*fd < 0) {
		e = errno;
		strbuf_printf(err, errlen, "socket: %s", strerror(e));
		return -e;
	}
	/* a restart must not wait for the old connections' TIME_WAIT; a port
	 * another socket listens on is still refused (EADDRINUSE) */
	setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->dual && setsockopt(*fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off))) {
		e = errno;
		strbuf_printf(err, errlen, "IPV6_V6ONLY off (IPv4 on the IPv6 socket): %s",
			      strerror(e));
		return -e;
	}
	if (bind(*fd, (const struct sockaddr *)&a->ss, a->len) || listen(*fd, LISTEN_BACKLOG))
		return -errno;
	return 0;
}

int http_listen_socket(const struct listen_addr *a, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN + 8], why[256] = "";
	const char *hint = "";
	struct listen_addr v4;
	int fd, e;

	listen_format_addr((const struct sockaddr *)&a->ss, addr, sizeof(addr));
	e = bind_listen(a, &fd, why, sizeof(why));
	if (e == -EAFNOSUPPORT && a->dual) {
		/* ":PORT" on a kernel without IPv6: every IPv4 address */
		struct sockaddr_in *sin = (struct sockaddr_in *)&v4.ss;

		memset(&v4, 0, sizeof(v4));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_ANY);
		sin->sin_port = ((const struct sockaddr_in6 *)&a->ss)->sin6_port;
		v4.len = sizeof(*sin);
		if (fd >= 0)
			close(fd);
		listen_format_addr((const struct sockaddr *)&v4.ss, addr, sizeof(addr));
		why[0] = '\0';
		e = bind_listen(&v4, &fd, why, sizeof(why));
	}
	if (!e)
		return fd;
	if (fd >= 0)
		close(fd);
	if (why[0]) {
		strbuf_printf(err, errlen, "cannot listen on %s: %s", addr, why);
		return -1;
	}
	if (e == -EADDRINUSE)
		hint = " (another process listens there: another vqwatch daemon, or a systemd "
		       "socket unit, whose socket --listen fd:// serves? choose another --listen)";
	else if (e == -EADDRNOTAVAIL)
		hint = " (not an address of this machine)";
	else if (e == -EACCES)
		hint = " (ports below 1024 need CAP_NET_BIND_SERVICE)";
	strbuf_printf(err, errlen, "cannot listen on %s: %s%s", addr, strerror(-e), hint);
	return -1;
}

int http_check_passed(int fd, char *err, size_t errlen)
{
	int type = 0, domain = 0, listening = 0;
	socklen_t len = sizeof(int);
	const char *what = NULL;
	struct stat st;

	if (fstat(fd, &st)) {
		strbuf_printf(err, errlen, "fd %d (from systemd) is not open: %s", fd, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		what = S_ISREG(st.st_mode) ? "a regular file" : S_ISDIR(st.st_mode) ? "a directory" :
		       S_ISCHR(st.st_mode) ? "a character device" : S_ISFIFO(st.st_mode) ? "a pipe" :
		       S_ISBLK(st.st_mode) ? "a block device" : "a file";
		strbuf_printf(err, errlen, "fd %d (from systemd) is %s, not a socket: the socket unit "
			      "needs ListenStream=ADDRESS:PORT", fd, what);
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len)) {
		strbuf_printf(err, errlen, "fd %d (from systemd): %s", fd, strerror(errno));
		return -1;
	}
	if (domain != AF_INET && domain != AF_INET6)
		what = domain == AF_UNIX ? "a unix socket" : domain == AF_NETLINK ?
		       "a netlink socket" : "not an IPv4 or IPv6 socket";
	else if (type != SOCK_STREAM)
		what = type == SOCK_DGRAM ? "a datagram (UDP) socket, from ListenDatagram=" :
		       "not a stream socket";
	else if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) || !listening)
		what = "a TCP socket that is not listening (Accept=yes passes connections, not the "
		       "listening socket)";
	if (what) {
		strbuf_printf(err, errlen, "fd %d (from systemd) is %s: vqwatch serves HTTP on a "
			      "listening TCP socket (ListenStream=ADDRESS:PORT, Accept=no)", fd, what);
		return -1;
	}
	return 0;
}

/* ---- connection accounting ---- */

static void conn_free(struct conn *c)
{
	bufferevent_decref(c->bev);
	if (c->ssl)
		SSL_free(c->ssl);
}

static bool conn_released(const struct conn *c)
{
	bufferevent_event_cb eventcb = NULL;

	bufferevent_getcb(c->bev, NULL, NULL, &eventcb, NULL);
	return !eventcb;
}

static void conn_close(struct conn *c)
{
	evutil_socket_t fd = bufferevent_getfd(c->bev);

	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	c->closing = true;
}

/* Drop what evhttp freed; close what overstayed its header deadline. */
static void sweep_conns(struct http_server *srv)
{
	double now = monotonic_s();
	size_t kept = 0;

	for (size_t i = 0; i < srv->n_conns; i++) {
		struct conn *c = &srv->conns[i];

		if (conn_released(c)) {
			conn_free(c);
			continue;
		}
		if (!c->closing && now - c->since > HTTP_HEADER_DEADLINE_S)
			conn_close(c);
		srv->conns[kept++] = *c;
	}
	srv->n_conns = kept;
}

/* At the limit: close the oldest connection that never sent a request
 * (a flood or a slow client), else the one idle the longest. */
static void evict_one(struct http_server *srv)
{
	struct conn *victim = NULL;

	for (size_t i = 0; i < srv->n_conns; i++) {
		struct conn *c = &srv->conns[i];

		if (c->closing)
			continue;
		if (!victim || (victim->served && !c->served) ||
		    (victim->served == c->served && c->since < victim->since))
			victim = c;
	}
	if (victim)
		conn_close(victim);
}

static struct bufferevent *new_conn(struct event_base *base, void *arg)
{
	struct http_server *srv = arg;
	struct bufferevent *bev;
	SSL *ssl = NULL;
	size_t live = 0;
	static double last_log;

	sweep_conns(srv);
	for (size_t i = 0; i < srv->n_conns; i++)
		live += !srv->conns[i].closing;
	if (live >= HTTP_MAX_CONNECTIONS) {
		if (monotonic_s() - last_log > 10) {	/* once per 10 s, not per connection */
			char max[16];

			snprintf(max, sizeof(max), "%d", HTTP_MAX_CONNECTIONS);
			log_kv("warn", "connection limit reached: closing the oldest unserved or idle "
			       "connection for each new one", "max_connections", max, NULL);
			last_log = monotonic_s();
		}
		evict_one(srv);
	}
	if (srv->n_conns == srv->cap_conns) {
		size_t cap = srv->cap_conns ? srv->cap_conns * 2 : 2 * HTTP_MAX_CONNECTIONS;
		struct conn *grown = realloc(srv->conns, cap * sizeof(*grown));

		if (!grown)
			return NULL;	/* evhttp makes an untracked one */
		srv->conns = grown;
		srv->cap_conns = cap;
	}
	if (srv->ctx) {
		ssl = SSL_new(srv->ctx);
		if (!ssl)
			return NULL;	/* evhttp makes a plain one: the handshake fails */
		bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, 0);
		if (!bev) {
			SSL_free(ssl);
			return NULL;
		}
		/* a client that closes without close_notify is no error */
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	} else {
		bev = bufferevent_socket_new(base, -1, 0);
		if (!bev)
			return NULL;
	}
	bufferevent_incref(bev);
	srv->conns[srv->n_conns++] = (struct conn){ .bev = bev, .ssl = ssl, .since = monotonic_s() };
	return bev;
}

static void on_sweep(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sweep_conns(arg);
}

/* accept(2) failed with something other than EAGAIN (EMFILE, ENFILE,
 * ENOBUFS): pause accepting for a second instead of spinning on it. */
static struct http_server *accepting;	/* the listener's error callback gets
					 * evhttp's argument, not ours */

static void on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct http_server *srv = accepting;
	struct timeval second = { 1, 0 };

	(void)arg;
	if (!srv)
		return;

	log_kv("warn", "accept failed; not accepting new connections for 1s",
	       "error", strerror(EVUTIL_SOCKET_ERROR()), NULL);
	evconnlistener_disable(lev);
	event_add(srv->resume, &second);
}

static void on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct http_server *srv = arg;

	(void)fd;
	(void)what;
	evconnlistener_enable(srv->listener);
}

/* ---- routes ---- */

static void reply(struct evhttp_request *req, int code, const char *reason,
		  const char *type, const char *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *buf = evbuffer_new();
	char clen[24];

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "Cache-Control", "no-store");
	/* evhttp 2.1 sends whatever body it is given, HEAD or not, and adds
	 * Content-Length only where a body follows: HEAD gets the length GET
	 * would have, and no body */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu", len);
		evhttp_add_header(h, "Content-Length", clen);
	} else if (buf) {
		evbuffer_add(buf, body, len);
	}
	evhttp_send_reply(req, code, reason, buf);
	if (buf)
		evbuffer_free(buf);
}

static void reply_text(struct evhttp_request *req, int code, const char *reason, const char *text)
{
	reply(req, code, reason, "text/plain; charset=utf-8", text, strlen(text));
}

static void route_root(struct http_server *srv, struct evhttp_request *req)
{
	char *page = NULL;
	int n;

	n = asprintf(&page,
		     "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vqwatch</title></head>\n"
		     "<body><h1>vqwatch</h1>\n<p>%s</p>\n<ul>\n"
		     "<li><a href=\"metrics\">metrics</a> (Prometheus text)</li>\n"
		     "<li><a href=\"healthz\">healthz</a></li>\n</ul>\n</body></html>\n",
		     srv->routes.about ? srv->routes.about : "");
	if (n < 0) {
		reply_text(req, 500, "Internal Server Error", "out of memory\n");
		return;
	}
	reply(req, 200, "OK", "text/html; charset=utf-8", page, (size_t)n);
	free(page);
}

static void route_metrics(struct http_server *srv, struct evhttp_request *req)
{
	char err[512], *body = NULL, *packed = NULL;
	size_t len = 0, packed_len = 0;

	if (srv->routes.metrics(srv->routes.arg, &body, &len, err, sizeof(err))) {
		log_kv("error", "scrape failed", "error", err, NULL);
		strbuf_printf(err + strlen(err), sizeof(err) - strlen(err), "\n");
		reply_text(req, 500, "Internal Server Error", err);
		return;
	}
	/* a cache between scraper and daemon must not mix the two encodings */
	evhttp_add_header(evhttp_request_get_output_headers(req), "Vary", "Accept-Encoding");
	if (gzip_accepted(evhttp_find_header(evhttp_request_get_input_headers(req),
					     "Accept-Encoding")) &&
	    !gzip_compress(body, len, &packed, &packed_len)) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Encoding", "gzip");
		reply(req, 200, "OK", PROM_CONTENT_TYPE, packed, packed_len);
		free(packed);
	} else {	/* not asked for, or out of memory: the text as it is */
		reply(req, 200, "OK", PROM_CONTENT_TYPE, body, len);
	}
	free(body);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http_server *srv = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct bufferevent *bev = evcon ? evhttp_connection_get_bufferevent(evcon) : NULL;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);

	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char user[128];

	for (size_t i = 0; bev && i < srv->n_conns; i++)
		if (srv->conns[i].bev == bev) {
			srv->conns[i].served = true;
			srv->conns[i].since = monotonic_s();
		}
	for (size_t i = 0; srv->web && i < srv->web->n_headers; i++)
		evhttp_add_header(out, srv->web->headers[i].name, srv->web->headers[i].value);
	/* every path but /healthz, whose "ok" says nothing a liveness probe
	 * should need credentials for (docs/service.md) */
	if (srv->web && srv->web->n_users && (!path || strcmp(path, "/healthz")) &&
	    !basic_auth_check(srv->web, evhttp_find_header(evhttp_request_get_input_headers(req),
							   "Authorization"), user, sizeof(user))) {
		evhttp_add_header(out, "WWW-Authenticate", "Basic realm=\"vqwatch\", charset=\"UTF-8\"");
		reply_text(req, 401, "Unauthorized", "unauthorized\n");
		return;
	}
	if (!path || (strcmp(path, "/") && strcmp(path, "/metrics") && strcmp(path, "/healthz"))) {
		reply_text(req, 404, "Not Found", "not found: try /metrics, /healthz or /\n");
		return;
	}
	if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_HEAD) {
		evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", "GET, HEAD");
		reply_text(req, 405, "Method Not Allowed", "method not allowed: GET or HEAD\n");
		return;
	}
	if (!strcmp(path, "/metrics"))
		route_metrics(srv, req);
	else if (!strcmp(path, "/healthz"))
		reply_text(req, 200, "OK", "ok\n");
	else
		route_root(srv, req);
}

/* ---- the server ---- */

struct http_server *http_server_new(struct event_base *base, int fd,
				    const struct http_routes *routes,
				    struct sockaddr_storage *bound, char *err, size_t errlen)
{
	struct http_server *srv = calloc(1, sizeof(*srv));
	struct timeval tv = { HTTP_TIMEOUT_S, 0 }, second = { 1, 0 };
	struct evhttp_bound_socket *handle;
	socklen_t blen = sizeof(*bound);

	if (!srv) {
		close(fd);
		strbuf_copy(err, errlen, "out of memory");
		return NULL;
	}
	srv->base = base;
	srv->routes = *routes;
	memset(bound, 0, sizeof(*bound));
	/* evconnlistener accepts until EAGAIN: a socket systemd passed is
	 * blocking, and would block the loop in accept(2) */
	evutil_make_socket_nonblocking(fd);
	if (getsockname(fd, (struct sockaddr *)bound, &blen))
		bound->ss_family = AF_UNSPEC;
	srv->http = evhttp_new(base);
	srv->sweep = event_new(base, -1, EV_PERSIST, on_sweep, srv);
	srv->resume = evtimer_new(base, on_resume, srv);
	if (!srv->http || !srv->sweep || !srv->resume) {
		close(fd);
		goto enomem;
	}
	evhttp_set_timeout_tv(srv->http, &tv);
	evhttp_set_max_headers_size(srv->http, HTTP_MAX_HEADER_BYTES);
	evhttp_set_max_body_size(srv->http, HTTP_MAX_BODY_BYTES);
	/* every method reaches on_request, which answers 405 itself (evhttp
	 * would answer 501 for a method outside this set) */
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
				   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS |
				   EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(srv->http, new_conn, srv);
	evhttp_set_gencb(srv->http, on_request, srv);
	handle = evhttp_accept_socket_with_handle(srv->http, fd);	/* owns fd now */
	if (!handle) {
		close(fd);
		goto enomem;
	}
	srv->listener = evhttp_bound_socket_get_listener(handle);
	accepting = srv;
	evconnlistener_set_error_cb(srv->listener, on_accept_error);
	event_add(srv->sweep, &second);
	return srv;
enomem:
	strbuf_copy(err, errlen, "cannot start the HTTP server: out of memory");
	http_server_free(srv);
	return NULL;
}

void http_server_set_web(struct http_server *srv, struct web_config *web, SSL_CTX *ctx)
{
	if (ctx)
		SSL_CTX_up_ref(ctx);
	if (srv->ctx)
		SSL_CTX_free(srv->ctx);	/* connections made with it hold their own */
	srv->ctx = ctx;
	srv->web = web;
}

void http_server_free(struct http_server *srv)
{
	if (!srv)
		return;
	if (accepting == srv)
		accepting = NULL;
	if (srv->http)
		evhttp_free(srv->http);	/* frees every connection, closes the socket */
	for (size_t i = 0; i < srv->n_conns; i++)
		conn_free(&srv->conns[i]);
	free(srv->conns);
	if (srv->ctx)
		SSL_CTX_free(srv->ctx);
	if (srv->sweep)
		event_free(srv->sweep);
	if (srv->resume)
		event_free(srv->resume);
	free(srv);
}
