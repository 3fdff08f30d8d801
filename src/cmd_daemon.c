// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch daemon: keep a collection open and serve Prometheus text.
 *   configure (options over --config's keys; the listen address and the
 *   textfile's directory are checked before anything starts) -> listen
 *   -> collect (collect.h: attach, or serve what audit knows and say why)
 *   -> first textfile -> run (a sample every second; GET /metrics and each
 *   --interval's textfile read the sources afresh; SIGHUP reloads) -> stop
 *   on SIGTERM/SIGINT (stop serving, remove the textfile, detach).
 * Logs are logfmt lines on stderr (log.c).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include "clock.h"
#include "cmd.h"
#include "collect.h"
#include "config.h"
#include "http.h"
#include "listen.h"
#include "log.h"
#include "sd_listen.h"
#include "sd_notify.h"
#include "strbuf.h"
#include "textfile.h"
#include "tls.h"
#include "webconfig.h"

#define CMD "daemon"
#define DAEMON_SOURCES 4

struct daemon {
	struct collect *c;
	const char *root;	/* --root: no BPF, a capture tree */
	const char *textfile;
	uint64_t interval_ms;
	struct event_base *base;
	bool textfile_failing;	/* log a failure once, and the recovery */
	/* --config FILE: its keys, the command line's (which win), and both
	 * over the defaults (eff); SIGHUP reads the file again (reload) */
	const char *config_path;
	struct daemon_config file, cli, eff;
	struct http_server *srv;
	struct http_routes routes;
	char about[256];	/* the / page's line */
	struct listen_spec listen;	/* the listen address as configured */
	struct listen_addr addr;	/* as resolved (not for fd://) */
	struct listen_addr bound;	/* and as bound (port 0 resolved) */
	struct sd_listen passed;	/* the sockets systemd passed, if any */
	int passed_fd;		/* fd:// : the one served */
	bool failed;		/* a reload lost the listening socket: exit 1 */
	char where[INET6_ADDRSTRLEN + 8];	/* as bound */
	struct event *ev_term, *ev_int, *ev_hup, *ev_sample, *ev_textfile;
	uint64_t last_sample_ms;	/* the findings' last sample */
	const char *failing[DAEMON_SOURCES];	/* sources the last scrapes could not read */
	size_t n_failing;
	char *pin_dir;		/* as started: a change needs a restart */
	/* --web.config.file: read at start and at each SIGHUP; the server
	 * borrows web and holds a reference to ctx (NULL: plain HTTP) */
	struct web_config web;
	SSL_CTX *web_ctx;
};

void help_daemon(void)
{
	printf("usage: vqwatch daemon [--config FILE] [--listen ADDR] [--textfile PATH]\n"
	       "                      [--interval D] [--mode MODE] [--detail DETAIL]\n"
	       "                      [--latency-sample N] [--stall-threshold D]\n"
	       "                      [--no-device-read] [--device virtioN]... [--type TYPE]...\n"
	       "                      [--pin DIR] [--web.config.file FILE] [--vmm NAME]\n"
	       "                      [--root DIR]\n\n"
	       "Keeps the BPF programs attached and serves Prometheus text (exposition\n"
	       "format 0.0.4, the metrics of 'vqwatch metrics') over HTTP:\n"
	       "  GET /metrics   read at request time    GET /healthz   \"ok\"\n"
	       "  GET /          a page linking both     (HEAD too; other methods: 405)\n"
	       "Without BPF (not root, no BTF) it serves what 'vqwatch audit' knows, with\n"
	       "vqwatch_attach_mode{mode=\"sysfs\"}, and logs why.  Devices that appear or\n"
	       "leave while it runs appear in or leave the output.  Logs are key=value lines\n"
	       "on stderr; SIGTERM or SIGINT stops it (exit 0); SIGHUP reads --config and\n"
	       "--web.config.file again.\n\n"
	       "  --config FILE        the options below from an INI file: a [daemon] section\n"
	       "                       of keys listen, textfile, interval, mode, detail,\n"
	       "                       latency_sample, stall_threshold, no_device_read\n"
	       "                       (true or false), devices, types (comma lists),\n"
	       "                       pin_dir, web_config_file, vmm; an option on the\n"
	       "                       command line wins over its key\n"
	       "  --listen ADDR        IPV4:PORT or [IPV6]:PORT; :PORT (every address, IPv6\n"
	       "                       and IPv4); HOST:PORT (a name such as localhost,\n"
	       "                       resolved at start: its first IPv4 address); fd://,\n"
	       "                       fd://N or fd://NAME (a socket systemd passed: socket\n"
	       "                       activation).  Default: the passed socket if there is\n"
	       "                       one, else " CONFIG_DEFAULT_LISTEN "\n"
	       "  --textfile PATH      also write the text to PATH every --interval, atomically\n"
	       "                       (node_exporter's textfile collector: PATH ends in .prom)\n"
	       "  --interval D         textfile period (default 15s; at least 1s)\n"
	       "  --mode MODE          auto (default), fentry, kprobe or tracepoint\n"
	       "  --detail DETAIL      counts (kicks, interrupts, buffers, in flight, stalls;\n"
	       "                       no program per buffer) or full (bytes and latency\n"
	       "                       too, at several times the cost per I/O); default %s\n"
	       "  --latency-sample N   full: time about one buffer in N (default 1)\n"
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n"
	       "  --device virtioN     only this device (repeatable)\n"
	       "  --type TYPE          only devices of this type (repeatable)\n"
	       "  --pin DIR            keep the counting maps pinned in DIR (on bpffs, e.g.\n"
	       "                       /sys/fs/bpf/vqwatch): a restart continues the same\n"
	       "                       counters; a map an upgrade changed is recreated\n"
	       "  --web.config.file FILE  TLS and basic auth, in the Prometheus\n"
	       "                       exporter-toolkit's YAML format (tls_server_config,\n"
	       "                       basic_auth_users with bcrypt hashes,\n"
	       "                       http_server_config.headers); /healthz stays open\n"
	       "  --vmm NAME           the VMM this guest runs on, instead of detecting it at\n"
	       "                       each scrape (vqwatch_vmm_info; findings use its rule):\n"
	       "                       %s\n"
	       "  --root DIR           no BPF: read DIR/sys and DIR/proc instead of / (a\n"
	       "                       capture from tests/fixtures/capture.sh)\n\n"
	       "Exit codes: 0 stopped by a signal, 1 could not start (the log line says\n"
	       "why: port in use, a name that does not resolve, textfile directory not\n"
	       "writable, ...), 2 usage error (a bad option, a bad line in FILE:\n"
	       "FILE:LINE says which, or a web configuration that cannot be used).\n",
	       session_detail_name(CONFIG_DEFAULT_DETAIL), vmm_names());
}

/* ---- the text ---- */

/* A source that stops or starts being readable: one line each time, not
 * one per scrape. */
static void log_sources(struct daemon *d, const struct vq_report *r)
{
	for (size_t i = 0; i < r->n_sources; i++) {
		const struct vq_source_status *st = &r->sources[i];
		size_t k;

		for (k = 0; k < d->n_failing && strcmp(d->failing[k], st->name); k++)
			;
		if (!st->ok && k == d->n_failing && d->n_failing < DAEMON_SOURCES) {
			d->failing[d->n_failing++] = st->name;
			log_kv("error", "source not read: serving the others", "source", st->name,
			       "error", st->error, NULL);
		} else if (st->ok && k < d->n_failing) {
			d->failing[k] = d->failing[--d->n_failing];
			log_kv("info", "source read again", "source", st->name, NULL);
		}
	}
}

static int render(void *arg, char **buf, size_t *len, char *err, size_t errlen)
{
	struct daemon *d = arg;
	struct vq_report r = { 0 };
	FILE *out = open_memstream(buf, len);
	int ret;

	*buf = NULL;
	if (!out) {
		strbuf_copy(err, errlen, "out of memory");
		return -1;
	}
	ret = collect_write_prom(d->c, out, &r, err, errlen);
	log_sources(d, &r);
	report_free(&r);
	if (fclose(out) && !ret) {
		strbuf_copy(err, errlen, "out of memory");
		ret = -1;
	}
	if (ret) {
		free(*buf);
		*buf = NULL;
	}
	return ret;
}

static int textfile_update(struct daemon *d, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int ret;

	if (render(d, &buf, &len, err, errlen))
		return -1;
	ret = textfile_write(d->textfile, buf, len, err, errlen);
	free(buf);
	return ret;
}

/* ---- events ---- */

static void on_textfile(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	char err[1024];

	(void)fd;
	(void)what;
	if (textfile_update(d, err, sizeof(err))) {
		if (!d->textfile_failing)	/* once, not every interval */
			log_kv("error", "textfile not written; retrying every interval",
			       "error", err, NULL);
		d->textfile_failing = true;
	} else if (d->textfile_failing) {
		log_kv("info", "textfile written again", "path", d->textfile, NULL);
		d->textfile_failing = false;
	}
}

/* The findings every COLLECT_SAMPLE_MS, and a busy queue's ring in between
 * (collect_ring_interval_ms). */
static void schedule_sample(struct daemon *d)
{
	uint64_t ms = collect_ring_interval_ms(d->c);
	struct timeval tv = { (time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000 };

	event_add(d->ev_sample, &tv);
}

static void on_sample(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = monotonic_ms();

	(void)fd;
	(void)what;
	if (now - d->last_sample_ms >= COLLECT_SAMPLE_MS - 10) {
		collect_sample(d->c);
		d->last_sample_ms = now;
	} else {
		collect_sample_rings(d->c);
	}
	schedule_sample(d);
}

static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	log_kv("info", "stopping", "signal", sig == SIGINT ? "SIGINT" : "SIGTERM", NULL);
	vq_sd_notify("STOPPING=1");
	event_base_loopbreak(d->base);
}

/* ---- the configuration: read at start, again on SIGHUP ---- */

/* The web configuration at path, and its TLS context if it has TLS; -1
 * with one line in err. */
static int web_open(const char *path, struct web_config *web, SSL_CTX **ctx, char *err,
		    size_t errlen)
{
	*ctx = NULL;
	if (webconfig_load(path, web, err, errlen))
		return -1;
	if (web->tls && !(*ctx = tls_ctx_new(web, path, err, errlen))) {
		webconfig_free(web);
		return -1;
	}
	return 0;
}

/* The server takes the new one; the old one's context lives on in the
 * connections made with it. */
static void web_swap(struct daemon *d, struct web_config *web, SSL_CTX *ctx)
{
	struct web_config old = d->web;
	SSL_CTX *old_ctx = d->web_ctx;

	d->web = *web;
	d->web_ctx = ctx;
	if (d->srv)
		http_server_set_web(d->srv, &d->web, d->web_ctx);
	webconfig_free(&old);
	if (old_ctx)
		SSL_CTX_free(old_ctx);
}

static void log_web(const struct daemon *d, const char *msg)
{
	char users[16];

	snprintf(users, sizeof(users), "%zu", d->web.n_users);
	if (d->web.tls)
		log_kv("info", msg, "file", d->eff.web_config_file, "tls", "on", "client_auth_type",
		       web_client_auth_name(d->web.client_auth), "min_version",
		       web_tls_version_name(d->web.min_version), "basic_auth_users", users, NULL);
	else	/* log_kv's list ends at the first NULL key */
		log_kv("info", msg, "file", d->eff.web_config_file, "tls", "off",
		       "basic_auth_users", users, NULL);
	if (d->web.n_users && !d->web.tls)
		log_kv("warn", "basic auth without TLS: passwords cross the network in clear "
		       "(tls_server_config)", "file", d->eff.web_config_file, NULL);
}

static void set_interval(struct daemon *d)
{
	struct timeval tv = { (time_t)(d->interval_ms / 1000),
			      (suseconds_t)(d->interval_ms % 1000) * 1000 };

	if (d->textfile)
		event_add(d->ev_textfile, &tv);	/* (re)starts the period */
	else
		event_del(d->ev_textfile);
}

/* What the collection takes from the effective configuration. */
static struct collect_config collect_config(const struct daemon *d)
{
	return (struct collect_config){
		.root = d->root,
		.partial = true,
		.session = { .mode = (enum session_mode)d->eff.mode,
			     .detail = (enum session_detail)d->eff.detail,
			     .latency_sample = d->eff.latency_sample, .verbosity = verbose,
			     .pin_dir = d->pin_dir },
		.devread = { .enabled = !d->eff.no_device_read },
		.findings = { .stall_threshold_ms = d->eff.stall_threshold_ms,
			      .spurious_min = FINDINGS_SPURIOUS_MIN },
		.filter = &d->eff.filter,
		.vmm = d->eff.vmm,
	};
}

/* "a,b" of the keys set in both (the command line wins), "" if none. */
static void overridden(const struct daemon *d, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int k = 0; k < CFG_N_KEYS; k++)
		if (d->file.set & d->cli.set & (1u << k))
			strbuf_printf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "," : "",
				      config_key_name(k));
}

static void add_name(char *buf, size_t len, const char *name)
{
	strbuf_printf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "," : "", name);
}

static bool str_differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

static void on_textfile(evutil_socket_t fd, short what, void *arg);

/* Without a listen key or option, a daemon that systemd started for a
 * socket unit serves the socket it passed (fd://), else CONFIG_DEFAULT_LISTEN. */
static void default_listen(const struct daemon *d, struct daemon_config *eff)
{
	if (!(eff->set & (1u << CFG_LISTEN)) && d->passed.n)
		eff->listen = (char *)"fd://";
}

/* The address the server listens on, from getsockname. */
static void set_bound(struct daemon *d, const struct sockaddr_storage *ss)
{
	memset(&d->bound, 0, sizeof(d->bound));
	d->bound.ss = *ss;
	d->bound.len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
		       sizeof(struct sockaddr_in);
	d->bound.dual = d->addr.dual && ss->ss_family == AF_INET6;
	listen_format_addr((const struct sockaddr *)ss, d->where, sizeof(d->where));
}

/*
 * SIGHUP: read the file again and apply what changed, all or nothing: a
 * file that does not parse, a textfile that cannot be written or a listen
 * address that cannot be bound leaves the running configuration as it is
 * (one error line).  The mode and the pin directory need a restart.
 *
 * A new listen address is bound after the old server is freed: the sockets
 * of its closed connections leave the event loop with it, before a new
 * socket may take one of their numbers (libevent would take the new socket
 * for the stale one and never poll it), and an address that overlaps the
 * old one (127.0.0.1:P to 0.0.0.0:P) can be bound.  If the new one cannot
 * be, the old address (as bound) is bound again.
 */
static void reload(struct daemon *d)
{
	struct daemon_config file = { 0 }, eff;
	struct web_config web = { 0 };
	SSL_CTX *web_ctx = NULL;
	const char *conflict;
	struct collect_config config;
	struct listen_spec spec;
	struct listen_addr addr;
	struct sockaddr_storage bound;
	char err[1024], again[1024], changed[256] = "", restart[64] = "", cli[256];
	const char *old_textfile = d->textfile;
	bool fd_restart = false;
	int fd;

	if (d->config_path && config_load(d->config_path, &file, err, sizeof(err))) {
		log_kv("error", "configuration not reloaded: running as before", "error", err, NULL);
		return;
	}
	config_defaults(&eff);
	config_overlay(&eff, &file);
	config_overlay(&eff, &d->cli);
	default_listen(d, &eff);

	/* what can fail, before anything changes */
	if ((conflict = config_detail_conflict(eff.detail, eff.latency_sample))) {
		strbuf_copy(err, sizeof(err), conflict);
		goto refuse;
	}
	if (eff.web_config_file &&
	    web_open(eff.web_config_file, &web, &web_ctx, err, sizeof(err)))
		goto refuse;
	if (eff.textfile && str_differ(eff.textfile, d->textfile) &&
	    textfile_write(eff.textfile, NULL, 0, err, sizeof(err)))
		goto refuse;
	if (listen_parse(eff.listen, &spec, err, sizeof(err)))
		goto refuse;	/* config_set checked it */
	if (spec.kind == LISTEN_FD || d->listen.kind == LISTEN_FD) {
		/* the sockets systemd passed were taken once, at start */
		if (!listen_spec_equal(&spec, &d->listen)) {
			add_name(restart, sizeof(restart), "listen");
			fd_restart = true;
		}
	} else {
		if (listen_resolve(&spec, &addr, err, sizeof(err)))
			goto refuse;
		if (!listen_addr_equal(&addr, &d->addr)) {
			http_server_free(d->srv);
			fd = http_listen_socket(&addr, err, sizeof(err));
			d->srv = fd < 0 ? NULL : http_server_new(d->base, fd, &d->routes, &bound, err,
								  sizeof(err));
			if (!d->srv) {
				fd = http_listen_socket(&d->bound, again, sizeof(again));
				d->srv = fd < 0 ? NULL : http_server_new(d->base, fd, &d->routes, &bound,
									  again, sizeof(again));
				if (d->srv) {
					http_server_set_web(d->srv, &d->web, d->web_ctx);
					goto refuse;
				}
				log_kv("error", "listening socket lost in a reload: stopping", "error", err,
				       "rebind_error", again, NULL);
				d->failed = true;
				event_base_loopbreak(d->base);
				config_free(&file);
				webconfig_free(&web);
				if (web_ctx)
					SSL_CTX_free(web_ctx);
				return;
			}
			d->addr = addr;
			set_bound(d, &bound);
			add_name(changed, sizeof(changed), "listen");
		}
		d->listen = spec;
	}

	/* apply: nothing fails from here */
	if (eff.mode != d->eff.mode)
		add_name(restart, sizeof(restart), "mode");
	if (eff.detail != d->eff.detail)
		add_name(restart, sizeof(restart), "detail");
	if (eff.latency_sample != d->eff.latency_sample)
		add_name(restart, sizeof(restart), "latency_sample");
	if (str_differ(eff.pin_dir, d->eff.pin_dir))
		add_name(restart, sizeof(restart), "pin_dir");
	eff.mode = d->eff.mode;
	eff.detail = d->eff.detail;
	eff.latency_sample = d->eff.latency_sample;
	eff.pin_dir = d->eff.pin_dir;	/* d->pin_dir */
	if (str_differ(eff.textfile, d->textfile))
		add_name(changed, sizeof(changed), "textfile");
	if (eff.interval_ms != d->interval_ms)
		add_name(changed, sizeof(changed), "interval");
	if (eff.stall_threshold_ms != d->eff.stall_threshold_ms)
		add_name(changed, sizeof(changed), "stall_threshold");
	if (eff.no_device_read != d->eff.no_device_read)
		add_name(changed, sizeof(changed), "no_device_read");
	if (!filter_equal(&eff.filter, &d->eff.filter))
		add_name(changed, sizeof(changed), "filters");
	/* read again whatever it says: certificates renewed, users changed */
	if (eff.web_config_file || d->eff.web_config_file)
		add_name(changed, sizeof(changed), "web_config");
	web_swap(d, &web, web_ctx);
	if (eff.vmm != d->eff.vmm)
		add_name(changed, sizeof(changed), "vmm");

	d->eff = eff;
	d->eff.listen = d->listen.text;	/* the running one's, which outlives the files */
	d->interval_ms = eff.interval_ms;
	d->textfile = eff.textfile;
	config = collect_config(d);
	collect_reconfigure(d->c, &config);
	set_interval(d);
	/* a textfile that moved: the old one would be exported beside it */
	if (old_textfile && str_differ(old_textfile, d->textfile)) {
		if (unlink(old_textfile) && errno != ENOENT)
			log_kv("warn", "old textfile not removed", "path", old_textfile,
			       "error", strerror(errno), NULL);
	}
	config_free(&d->file);
	d->file = file;
	if (d->textfile && strstr(changed, "textfile")) {
		d->textfile_failing = false;
		on_textfile(-1, 0, d);
	}
	overridden(d, cli, sizeof(cli));
	log_kv("info", "configuration reloaded", "file", d->config_path ? d->config_path :
	       d->eff.web_config_file,
	       "changed", changed[0] ? changed : "none", "addr", d->where,
	       cli[0] ? "command_line_wins" : NULL, cli, NULL);
	if (d->eff.web_config_file)
		log_web(d, "web configuration read");
	if (restart[0])
		log_kv("warn", "not applied until a restart: running with the values it started with",
		       "keys", restart, fd_restart ? "note" : NULL,
		       "listen: to, from or between fd:// sockets, which systemd passes at start",
		       NULL);
	return;
refuse:
	log_kv("error", "configuration not reloaded: running as before", "file",
	       d->config_path ? d->config_path : d->eff.web_config_file, "error", err, NULL);
	config_free(&file);
	webconfig_free(&web);
	if (web_ctx)
		SSL_CTX_free(web_ctx);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)sig;
	(void)what;
	if (!d->config_path && !d->eff.web_config_file) {
		log_kv("warn", "SIGHUP ignored: the daemon was started without --config or "
		       "--web.config.file", NULL);
		return;
	}
	reload(d);
}

/* ---- the command ---- */

/* The options into d->cli (checked as the file's keys are, config.c).
 * -1 to go on, or the exit code. */
static int parse_options(struct daemon *d, int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "detail", required_argument, NULL, 'L' },
		{ "latency-sample", required_argument, NULL, 'S' },
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'D' },
		{ "type", required_argument, NULL, 'T' },
		{ "pin", required_argument, NULL, 'p' },
		{ "web.config.file", required_argument, NULL, 'W' },
		{ "vmm", required_argument, NULL, 'V' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char err[1024];
	int opt, key;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:l:t:i:m:s:Np:r:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c': d->config_path = optarg; continue;
		case 'l': key = CFG_LISTEN; break;
		case 't': key = CFG_TEXTFILE; break;
		case 'i': key = CFG_INTERVAL; break;
		case 'm': key = CFG_MODE; break;
		case 'L': key = CFG_DETAIL; break;
		case 'S': key = CFG_LATENCY_SAMPLE; break;
		case 's': key = CFG_STALL_THRESHOLD; break;
		case 'N': key = CFG_NO_DEVICE_READ; optarg = "true"; break;
		case 'D': key = CFG_DEVICES; break;
		case 'T': key = CFG_TYPES; break;
		case 'p': key = CFG_PIN_DIR; break;
		case 'W': key = CFG_WEB_CONFIG_FILE; break;
		case 'V': key = CFG_VMM; break;
		case 'r': d->root = optarg; continue;
		case 'h': help_daemon(); return EXIT_OK;
		default: return usage_error(CMD, opt, argc, argv);
		}
		if (config_set(&d->cli, key, config_key_option(key), optarg, err, sizeof(err))) {
			p_err(CMD, "%s", err);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help daemon'", argv[optind]);
		return EXIT_USAGE;
	}
	return -1;
}

/* The defaults, the file over them, the command line over both; what can
 * be refused is refused before anything starts.  -1, or the exit code. */
static int configure(struct daemon *d)
{
	const char *conflict;
	char err[1024];
	int ret;

	/* before anything is opened: a passed fd that is closed would be the
	 * next file's */
	if (sd_listen_read(&d->passed)) {
		p_err(CMD, "out of memory");
		return EXIT_RUNTIME;
	}
	config_defaults(&d->eff);
	if (d->config_path) {
		ret = config_load(d->config_path, &d->file, err, sizeof(err));
		if (ret != CONFIG_OK) {
			p_err(CMD, "%s", err);
			return ret == CONFIG_BAD ? EXIT_USAGE : EXIT_RUNTIME;
		}
	}
	config_overlay(&d->eff, &d->file);
	config_overlay(&d->eff, &d->cli);
	if ((conflict = config_detail_conflict(d->eff.detail, d->eff.latency_sample))) {
		p_err(CMD, "%s", conflict);
		return EXIT_USAGE;
	}
	if (d->eff.pin_dir && !(d->pin_dir = strdup(d->eff.pin_dir))) {
		p_err(CMD, "out of memory");
		return EXIT_RUNTIME;
	}
	d->eff.pin_dir = d->pin_dir;
	d->textfile = d->eff.textfile;
	d->interval_ms = d->eff.interval_ms;
	default_listen(d, &d->eff);
	if (listen_parse(d->eff.listen, &d->listen, err, sizeof(err))) {
		p_err(CMD, "%s", err);	/* config_set checked it */
		return EXIT_USAGE;
	}
	d->eff.listen = d->listen.text;
	/* a web configuration that cannot be used is refused as a bad option
	 * is: nothing may listen without the protection it asks for */
	if (d->eff.web_config_file &&
	    web_open(d->eff.web_config_file, &d->web, &d->web_ctx, err, sizeof(err))) {
		p_err(CMD, "%s", err);
		return EXIT_USAGE;
	}
	if (d->root && check_root_dir(CMD, d->root))
		return EXIT_RUNTIME;
	if (d->textfile && textfile_write(d->textfile, NULL, 0, err, sizeof(err))) {
		log_kv("error", "cannot start", "error", err, NULL);
		return EXIT_RUNTIME;
	}
	if (d->textfile && (strlen(d->textfile) < 5 ||
			    strcmp(d->textfile + strlen(d->textfile) - 5, ".prom")))
		log_kv("warn", "node_exporter's textfile collector reads only files ending in .prom",
		       "textfile", d->textfile, NULL);
	return -1;
}

/* Bound now, served once the loop runs. */
static int start_listening(struct daemon *d)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sockaddr_storage bound;
	char err[1024], n[16];
	int fd;

	/* a client that goes away mid-response must not kill the daemon, nor
	 * a SIGHUP before the loop handles it */
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	d->base = event_base_new();
	if (!d->base) {
		log_kv("error", "cannot start", "error", "cannot create the event loop", NULL);
		return -1;
	}
	d->routes = (struct http_routes){ .metrics = render, .arg = d, .about = d->about };
	if (d->listen.kind == LISTEN_FD) {
		fd = sd_listen_find(&d->passed, d->listen.fd_index, d->listen.fd_name, err,
				    sizeof(err));
		if (fd >= 0 && http_check_passed(fd, err, sizeof(err)))
			fd = -1;
		d->passed_fd = fd;
	} else {
		fd = listen_resolve(&d->listen, &d->addr, err, sizeof(err)) ? -1 :
		     http_listen_socket(&d->addr, err, sizeof(err));
	}
	if (fd < 0) {
		log_kv("error", "cannot start", "listen", d->eff.listen, "error", err, NULL);
		return -1;
	}
	d->srv = http_server_new(d->base, fd, &d->routes, &bound, err, sizeof(err));
	if (!d->srv) {
		log_kv("error", "cannot start", "error", err, NULL);
		return -1;
	}
	http_server_set_web(d->srv, &d->web, d->web_ctx);
	set_bound(d, &bound);
	snprintf(n, sizeof(n), "%d", d->passed.n);
	if (d->passed.n && d->listen.kind != LISTEN_FD)
		log_kv("warn", "systemd passed sockets that this daemon does not serve: --listen binds "
		       "its own (--listen fd:// serves a passed one)", "passed", n, "listen",
		       d->eff.listen, NULL);
	else if (d->passed.n > 1)
		log_kv("warn", "systemd passed several sockets: serving one (fd://N or fd://NAME "
		       "chooses)", "passed", n, "listen", d->eff.listen, NULL);
	return 0;
}

/* Probe, load, attach, discover (collect.h); without BPF, serve what audit
 * knows and say why. */
static int start_collecting(struct daemon *d)
{
	struct collect_config cfg = collect_config(d);
	const struct vq_hook_status *hooks;
	char err[1024], a[16], total[16];
	size_t n;

	d->c = collect_open(&cfg, err, sizeof(err));
	if (!d->c) {
		log_kv("error", "cannot start", "error", err, NULL);
		return -1;
	}
	if (*collect_no_bpf(d->c))
		log_kv("warn", "BPF not attached: serving what audit knows (attach mode sysfs)",
		       "reason", collect_no_bpf(d->c), NULL);
	hooks = collect_hooks(d->c, &n);
	for (size_t i = 0; verbose && i < n; i++)
		if (!hooks[i].attached)
			log_kv("debug", "hook skipped", "hook", hooks[i].hook, "reason",
			       hooks[i].reason, NULL);
	if (n) {
		snprintf(a, sizeof(a), "%zu", collect_hooks_attached(d->c));
		snprintf(total, sizeof(total), "%zu", n);
		log_kv("info", "BPF attached", "mode", collect_mode(d->c), "hooks_attached", a,
		       "hooks", total, NULL);
	}
	snprintf(d->about, sizeof(d->about), "vqwatch %s, attach mode %s", VQWATCH_VERSION,
		 collect_mode(d->c));
	return 0;
}

/* Signals, the ring samples, the textfile's period. */
static int add_events(struct daemon *d)
{
	size_t n;

	d->ev_term = evsignal_new(d->base, SIGTERM, on_stop, d);
	d->ev_int = evsignal_new(d->base, SIGINT, on_stop, d);
	d->ev_hup = evsignal_new(d->base, SIGHUP, on_hup, d);
	if (!d->ev_term || !d->ev_int || !d->ev_hup || event_add(d->ev_term, NULL) ||
	    event_add(d->ev_int, NULL) || event_add(d->ev_hup, NULL))
		return -1;
	if (collect_hooks(d->c, &n)) {
		d->ev_sample = event_new(d->base, -1, 0, on_sample, d);
		if (!d->ev_sample)
			return -1;
		d->last_sample_ms = monotonic_ms();
		schedule_sample(d);
	}
	/* made without a textfile too: a reload may name one */
	d->ev_textfile = event_new(d->base, -1, EV_PERSIST, on_textfile, d);
	if (!d->ev_textfile)
		return -1;
	set_interval(d);
	return 0;
}

static void log_listening(const struct daemon *d)
{
	char interval[32], cli[256], fd[16];
	const char *kv[16] = { "addr", d->where };	/* at most 8 pairs */
	size_t n = 2;

	if (d->config_path) {
		overridden(d, cli, sizeof(cli));
		log_kv("info", "configuration read", "file", d->config_path,
		       cli[0] ? "command_line_wins" : NULL, cli, NULL);
	}
	if (d->eff.web_config_file)
		log_web(d, "web configuration read");
	snprintf(interval, sizeof(interval), "%gs", (double)d->interval_ms / 1000);
	/* how addr came about, unless it is the numeric address given */
	if (d->listen.kind != LISTEN_ADDR) {
		kv[n++] = "listen";
		kv[n++] = d->eff.listen;
	}
	if (d->listen.kind == LISTEN_FD) {
		snprintf(fd, sizeof(fd), "%d", d->passed_fd);
		kv[n++] = "fd";
		kv[n++] = fd;
		kv[n++] = "fd_name";
		kv[n++] = d->passed.names[d->passed_fd - SD_LISTEN_FDS_START];
	}
	kv[n++] = "mode";
	kv[n++] = collect_mode(d->c);
	kv[n++] = "version";
	kv[n++] = VQWATCH_VERSION;
	if (d->textfile) {	/* the interval is the textfile's */
		kv[n++] = "textfile";
		kv[n++] = d->textfile;
		kv[n++] = "interval";
		kv[n++] = interval;
	}
	log_kv("info", "listening", kv[0], kv[1], kv[2], kv[3], kv[4], kv[5], kv[6], kv[7], kv[8],
	       kv[9], kv[10], kv[11], kv[12], kv[13], kv[14], kv[15], NULL);
}

static void free_events(struct daemon *d)
{
	struct event **evs[] = { &d->ev_sample, &d->ev_textfile, &d->ev_term, &d->ev_int,
				 &d->ev_hup };

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (*evs[i]) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
}

/* Detaching is most of a stop: fentry links wait for the kernel. */
static void stop_collecting(struct daemon *d, bool say)
{
	double detach_s = monotonic_s();
	char ms[32];

	collect_close(d->c);
	d->c = NULL;
	snprintf(ms, sizeof(ms), "%.0f", (monotonic_s() - detach_s) * 1000);
	if (say)
		log_kv("info", "stopped", "detach_ms", ms, NULL);
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { .passed_fd = -1 };
	char err[1024];
	int ret = parse_options(&d, argc, argv);

	if (ret >= 0)
		goto out;
	ret = configure(&d);
	if (ret >= 0)
		goto out;
	ret = EXIT_RUNTIME;
	if (start_listening(&d) || start_collecting(&d))
		goto stop;
	/* the first textfile: a directory that refuses it stops the start */
	if (d.textfile && textfile_update(&d, err, sizeof(err))) {
		log_kv("error", "cannot start", "error", err, NULL);
		goto stop;
	}
	if (add_events(&d)) {
		log_kv("error", "cannot start", "error", "out of memory", NULL);
		goto stop;
	}
	log_listening(&d);
	/* systemd (Type=notify): started once it listens; a no-op elsewhere */
	if (vq_sd_notify("READY=1"))
		log_kv("warn", "cannot notify systemd", "NOTIFY_SOCKET", getenv("NOTIFY_SOCKET"),
		       "error", strerror(errno), NULL);
	if (event_base_dispatch(d.base) < 0) {
		log_kv("error", "event loop failed", NULL);
		goto stop;
	}

	/* stop: no new scrapes, no textfile, then detach.  node_exporter
	 * exports whatever *.prom it finds: a file left behind would serve a
	 * stopped agent's last numbers as current forever; gone, its series
	 * go stale and absent() or the textfile's age says so */
	http_server_free(d.srv);
	d.srv = NULL;
	if (d.textfile && unlink(d.textfile) && errno != ENOENT)
		log_kv("error", "textfile not removed", "path", d.textfile, "error", strerror(errno),
		       NULL);
	ret = d.failed ? EXIT_RUNTIME : EXIT_OK;
stop:
	http_server_free(d.srv);
	free_events(&d);
	stop_collecting(&d, ret == EXIT_OK);
	if (d.base)
		event_base_free(d.base);
out:
	config_free(&d.cli);
	config_free(&d.file);
	sd_listen_free(&d.passed);
	free(d.pin_dir);
	webconfig_free(&d.web);
	if (d.web_ctx)
		SSL_CTX_free(d.web_ctx);
	return ret;
}
