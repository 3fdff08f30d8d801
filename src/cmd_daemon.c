// SPDX-License-Identifier: GPL-2.0
/*
 * vqwatch daemon: keep the BPF session attached and serve Prometheus text.
 *   configure (options; the listen address and the textfile's directory are
 *   checked before anything starts) -> listen -> open (probe, load, attach;
 *   on failure serve what audit knows, attach mode sysfs, and say why)
 *   -> discover -> first textfile -> run (sample the rings every second;
 *   GET /metrics and every --interval's textfile read the sources afresh,
 *   scrape.c) -> stop on SIGTERM/SIGINT (stop serving, last textfile,
 *   detach).
 * Logs are logfmt lines on stderr (log.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include "clock.h"
#include "bpf_source.h"
#include "cmd.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "scrape.h"
#include "sd_notify.h"
#include "session.h"
#include "strbuf.h"

#define CMD "daemon"
#define DEFAULT_LISTEN "127.0.0.1:9670"
/* Ring indexes are 16 bits: sample well before 65536 completions. */
#define SAMPLE_MS 1000

struct daemon {
	struct scrape sc;
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
	struct sockaddr_storage addr;	/* the listen address as configured */
	struct sockaddr_storage bound;	/* and as bound (port 0 resolved) */
	socklen_t addrlen;
	bool failed;		/* a reload lost the listening socket: exit 1 */
	char where[INET6_ADDRSTRLEN + 8];	/* as bound */
	struct event *ev_textfile;
	char *pin_dir;		/* as started: a change needs a restart */
};

void help_daemon(void)
{
	printf("usage: vqwatch daemon [--config FILE] [--listen ADDR] [--textfile PATH]\n"
	       "                      [--interval D] [--mode MODE] [--stall-threshold D]\n"
	       "                      [--no-device-read] [--device virtioN]... [--type TYPE]...\n"
	       "                      [--pin DIR] [--root DIR]\n\n"
	       "Keeps the BPF programs attached and serves Prometheus text (exposition\n"
	       "format 0.0.4, the metrics of 'vqwatch metrics') over HTTP:\n"
	       "  GET /metrics   read at request time    GET /healthz   \"ok\"\n"
	       "  GET /          a page linking both     (HEAD too; other methods: 405)\n"
	       "Without BPF (not root, no BTF) it serves what 'vqwatch audit' knows, with\n"
	       "vqwatch_attach_mode{mode=\"sysfs\"}, and logs why.  Devices that appear or\n"
	       "leave while it runs appear in or leave the output.  Logs are key=value lines\n"
	       "on stderr; SIGTERM or SIGINT stops it (exit 0); SIGHUP reads --config again.\n\n"
	       "  --config FILE        the options below from an INI file: a [daemon] section\n"
	       "                       of keys listen, textfile, interval, mode,\n"
	       "                       stall_threshold, no_device_read (true or false),\n"
	       "                       devices, types (comma lists), pin_dir; an option on\n"
	       "                       the command line wins over its key\n"
	       "  --listen ADDR        IPV4:PORT or [IPV6]:PORT (default " DEFAULT_LISTEN ")\n"
	       "  --textfile PATH      also write the text to PATH every --interval, atomically\n"
	       "                       (node_exporter's textfile collector: PATH ends in .prom)\n"
	       "  --interval D         textfile period (default 15s; at least 1s)\n"
	       "  --mode MODE          auto (default), fentry, kprobe or tracepoint\n"
	       "  --stall-threshold D  queue-stalled after D with no completion (default 5s)\n"
	       "  --no-device-read     do not ask virtio-pci devices for their offer and queue\n"
	       "                       count (through their PCI configuration window)\n"
	       "  --device virtioN     only this device (repeatable)\n"
	       "  --type TYPE          only devices of this type (repeatable)\n"
	       "  --pin DIR            keep the counting maps pinned in DIR (on bpffs, e.g.\n"
	       "                       /sys/fs/bpf/vqwatch): a restart continues the same\n"
	       "                       counters; a map an upgrade changed is recreated\n"
	       "  --root DIR           no BPF: read DIR/sys and DIR/proc instead of / (a\n"
	       "                       capture from tests/fixtures/capture.sh)\n\n"
	       "Exit codes: 0 stopped by a signal, 1 could not start (the log line says\n"
	       "why: port in use, textfile directory not writable, ...), 2 usage error\n"
	       "(a bad option, or a bad line in FILE: FILE:LINE says which).\n");
}

/* ---- the text ---- */

static int render(void *arg, char **buf, size_t *len, char *err, size_t errlen)
{
	struct daemon *d = arg;
	FILE *out = open_memstream(buf, len);
	int ret;

	*buf = NULL;
	if (!out) {
		strbuf_copy(err, errlen, "out of memory");
		return -1;
	}
	ret = scrape_write_prom(&d->sc, out, err, errlen);
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

/* ---- the textfile: a temporary file in the same directory, fsync, rename ---- */

/* "DIR/.NAME.XXXXXX" for mkostemp, and DIR; node_exporter reads *.prom
 * only, so it never sees the temporary file. */
static int textfile_paths(const char *path, char *tmp, size_t tmplen, char *dir, size_t dirlen)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (!slash)
		strbuf_copy(dir, dirlen, ".");
	else if (slash == path)
		strbuf_copy(dir, dirlen, "/");
	else if (!strbuf_printf(dir, dirlen, "%.*s", (int)(slash - path), path))
		return -1;
	if (!*name)
		return -1;
	return strbuf_printf(tmp, tmplen, "%s/.%s.XXXXXX", dir, name) ? 0 : -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* buf NULL: only check that a file can be created there (at start). */
static int textfile_write(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *step;
	struct stat st;
	int fd, dfd, e;

	if (textfile_paths(path, tmp, sizeof(tmp), dir, sizeof(dir))) {
		strbuf_printf(err, errlen, "--textfile %s: not a file name", path);
		return -1;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		strbuf_printf(err, errlen, "--textfile %s: is a directory", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		strbuf_printf(err, errlen, "--textfile %s: cannot create a file in %s: %s", path, dir,
			 strerror(errno));
		return -1;
	}
	if (!buf) {
		close(fd);
		unlink(tmp);
		return 0;
	}
	/* mkostemp makes 0600; node_exporter usually runs as another user */
	step = "write";
	if (write_all(fd, buf, len))
		goto fail;
	step = "chmod";
	if (fchmod(fd, 0644))
		goto fail;
	step = "fsync";
	if (fsync(fd))
		goto fail;
	step = "close";
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (rename(tmp, path))
		goto fail;
	/* the rename itself survives a crash once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	e = errno;
	strbuf_printf(err, errlen, "--textfile %s: %s %s: %s", path, step, tmp, strerror(e));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
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

static void on_sample(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	bpf_source_sample(d->sc.src);
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

static void set_interval(struct daemon *d)
{
	struct timeval tv = { (time_t)(d->interval_ms / 1000),
			      (suseconds_t)(d->interval_ms % 1000) * 1000 };

	if (d->textfile)
		event_add(d->ev_textfile, &tv);	/* (re)starts the period */
	else
		event_del(d->ev_textfile);
}

/* What the scrape takes from the effective configuration. */
static void apply_scrape(struct daemon *d)
{
	d->sc.fcfg.stall_threshold_ms = d->eff.stall_threshold_ms;
	d->sc.devread.enabled = !d->eff.no_device_read;
	d->sc.only.devices = d->eff.devices;
	d->sc.only.n_devices = d->eff.n_devices;
	d->sc.only.types = d->eff.types;
	d->sc.only.n_types = d->eff.n_types;
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
	struct sockaddr_storage addr, bound;
	char err[1024], again[1024], changed[256] = "", restart[64] = "", cli[256];
	const char *old_textfile = d->textfile;
	socklen_t addrlen;

	if (config_load(d->config_path, &file, err, sizeof(err))) {
		log_kv("error", "configuration not reloaded: running as before", "error", err, NULL);
		return;
	}
	config_defaults(&eff, DEFAULT_LISTEN, 15000, findings_config_default().stall_threshold_ms);
	config_overlay(&eff, &file);
	config_overlay(&eff, &d->cli);

	/* what can fail, before anything changes */
	if (eff.textfile && str_differ(eff.textfile, d->textfile) &&
	    textfile_write(eff.textfile, NULL, 0, err, sizeof(err)))
		goto refuse;
	if (http_parse_listen(eff.listen, &addr, &addrlen, err, sizeof(err)))
		goto refuse;	/* config_set checked it */
	if (addrlen != d->addrlen || memcmp(&addr, &d->addr, addrlen)) {
		http_server_free(d->srv);
		d->srv = http_server_new(d->base, (struct sockaddr *)&addr, addrlen, &d->routes,
					 &bound, err, sizeof(err));
		if (!d->srv) {
			d->srv = http_server_new(d->base, (struct sockaddr *)&d->bound, d->addrlen,
						 &d->routes, &bound, again, sizeof(again));
			if (d->srv)
				goto refuse;
			log_kv("error", "listening socket lost in a reload: stopping", "error", err,
			       "rebind_error", again, NULL);
			d->failed = true;
			event_base_loopbreak(d->base);
			config_free(&file);
			return;
		}
		http_format_addr((struct sockaddr *)&bound, d->where, sizeof(d->where));
		d->addr = addr;
		d->bound = bound;
		d->addrlen = addrlen;
		add_name(changed, sizeof(changed), "listen");
	}

	/* apply: nothing fails from here */
	if (eff.mode != d->eff.mode)
		add_name(restart, sizeof(restart), "mode");
	if (str_differ(eff.pin_dir, d->eff.pin_dir))
		add_name(restart, sizeof(restart), "pin_dir");
	eff.mode = d->eff.mode;
	eff.pin_dir = d->eff.pin_dir;	/* d->pin_dir */
	if (str_differ(eff.textfile, d->textfile))
		add_name(changed, sizeof(changed), "textfile");
	if (eff.interval_ms != d->interval_ms)
		add_name(changed, sizeof(changed), "interval");
	if (eff.stall_threshold_ms != d->eff.stall_threshold_ms)
		add_name(changed, sizeof(changed), "stall_threshold");
	if (eff.no_device_read != d->eff.no_device_read)
		add_name(changed, sizeof(changed), "no_device_read");
	if (!config_filters_equal(&eff, &d->eff))
		add_name(changed, sizeof(changed), "filters");

	d->eff = eff;
	d->interval_ms = eff.interval_ms;
	d->textfile = eff.textfile;
	apply_scrape(d);
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
	log_kv("info", "configuration reloaded", "file", d->config_path,
	       "changed", changed[0] ? changed : "none", "addr", d->where,
	       cli[0] ? "command_line_wins" : NULL, cli, NULL);
	if (restart[0])
		log_kv("warn", "not applied until a restart: running with the values it started with",
		       "keys", restart, NULL);
	return;
refuse:
	log_kv("error", "configuration not reloaded: running as before", "file", d->config_path,
	       "error", err, NULL);
	config_free(&file);
}

static void on_hup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)sig;
	(void)what;
	if (!d->config_path) {
		log_kv("warn", "SIGHUP ignored: the daemon was started without --config", NULL);
		return;
	}
	reload(d);
}

/* ---- the command ---- */

static void log_session(const struct session *s)
{
	size_t n, attached = 0;
	const struct vq_hook_status *hooks = session_hooks(s, &n);
	char a[16], total[16];

	for (size_t i = 0; i < n; i++) {
		attached += hooks[i].attached;
		if (verbose && !hooks[i].attached)
			log_kv("debug", "hook skipped", "hook", hooks[i].hook,
			       "reason", hooks[i].reason, NULL);
	}
	snprintf(a, sizeof(a), "%zu", attached);
	snprintf(total, sizeof(total), "%zu", n);
	log_kv("info", "BPF attached", "mode", session_mode_name(s), "hooks_attached", a,
	       "hooks", total, NULL);
}

int cmd_daemon(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "mode", required_argument, NULL, 'm' },
		{ "stall-threshold", required_argument, NULL, 's' },
		{ "no-device-read", no_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'D' },
		{ "type", required_argument, NULL, 'T' },
		{ "pin", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon d = {
		.sc = {
			.root = "/",
			.devread = { .enabled = true },
			.fcfg = findings_config_default(),
		},
	};
	struct session_opts sopts = { .mode = SESSION_AUTO, .verbosity = verbose };
	struct event *ev_term = NULL, *ev_int = NULL, *ev_hup = NULL;
	struct event *ev_sample = NULL;
	struct session *s = NULL;
	struct sigaction ign = { .sa_handler = SIG_IGN };
	const char *root = NULL;
	char err[1024], about[256], interval[32], cli[256];
	int opt, key, ret = EXIT_USAGE;
	double detach_s;
	struct stat st;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:l:t:i:m:s:Np:r:h", options, NULL)) != -1) {
		switch (opt) {
		case 'c': d.config_path = optarg; continue;
		case 'l': key = CFG_LISTEN; break;
		case 't': key = CFG_TEXTFILE; break;
		case 'i': key = CFG_INTERVAL; break;
		case 'm': key = CFG_MODE; break;
		case 's': key = CFG_STALL_THRESHOLD; break;
		case 'N': key = CFG_NO_DEVICE_READ; optarg = "true"; break;
		case 'D': key = CFG_DEVICES; break;
		case 'T': key = CFG_TYPES; break;
		case 'p': key = CFG_PIN_DIR; break;
		case 'r': root = optarg; continue;
		case 'h': help_daemon(); ret = EXIT_OK; goto out;
		default: ret = usage_error(CMD, opt, argc, argv); goto out;
		}
		/* the same checks as the file's keys (config.c) */
		if (config_set(&d.cli, key, config_key_option(key), optarg, err, sizeof(err))) {
			p_err(CMD, "%s", err);
			goto out;
		}
	}
	if (optind < argc) {
		p_err(CMD, "unexpected argument '%s'; see 'vqwatch help daemon'", argv[optind]);
		goto out;
	}

	/* configure: the defaults, the file over them, the command line over
	 * both; what can be refused is refused before anything starts */
	config_defaults(&d.eff, DEFAULT_LISTEN, 15000, d.sc.fcfg.stall_threshold_ms);
	if (d.config_path) {
		key = config_load(d.config_path, &d.file, err, sizeof(err));
		if (key != CONFIG_OK) {
			p_err(CMD, "%s", err);
			ret = key == CONFIG_BAD ? EXIT_USAGE : EXIT_RUNTIME;
			goto out;
		}
	}
	config_overlay(&d.eff, &d.file);
	config_overlay(&d.eff, &d.cli);
	ret = EXIT_RUNTIME;
	if (d.eff.pin_dir && !(d.pin_dir = strdup(d.eff.pin_dir)))
		goto enomem;
	d.eff.pin_dir = d.pin_dir;
	sopts.pin_dir = d.pin_dir;
	sopts.mode = (enum session_mode)d.eff.mode;
	d.textfile = d.eff.textfile;
	d.interval_ms = d.eff.interval_ms;
	apply_scrape(&d);
	if (http_parse_listen(d.eff.listen, &d.addr, &d.addrlen, err, sizeof(err))) {
		p_err(CMD, "%s", err);	/* config_set checked it */
		ret = EXIT_USAGE;
		goto cleanup;
	}
	if (root) {
		errno = 0;
		if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
			p_err(CMD, "--root %s: %s", root, errno ? strerror(errno) : "not a directory");
			goto cleanup;
		}
		d.sc.root = root;
	}
	if (d.textfile && textfile_write(d.textfile, NULL, 0, err, sizeof(err))) {
		log_kv("error", "cannot start", "error", err, NULL);
		goto cleanup;
	}
	if (d.textfile && (strlen(d.textfile) < 5 ||
			   strcmp(d.textfile + strlen(d.textfile) - 5, ".prom")))
		log_kv("warn", "node_exporter's textfile collector reads only files ending in .prom",
		       "textfile", d.textfile, NULL);
	/* a client that goes away mid-response must not kill the daemon, nor
	 * a SIGHUP before the loop handles it */
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGHUP, &ign, NULL);
	d.base = event_base_new();
	if (!d.base) {
		log_kv("error", "cannot start", "error", "cannot create the event loop", NULL);
		goto cleanup;
	}

	/* listen: bound now, served once the loop runs */
	d.routes = (struct http_routes){ .metrics = render, .arg = &d, .about = about };
	about[0] = '\0';
	d.srv = http_server_new(d.base, (struct sockaddr *)&d.addr, d.addrlen, &d.routes, &d.bound,
				err, sizeof(err));
	if (!d.srv) {
		log_kv("error", "cannot start", "error", err, NULL);
		goto cleanup;
	}
	http_format_addr((struct sockaddr *)&d.bound, d.where, sizeof(d.where));

	/* a bad --pin is a configuration error, not a reason to run unpinned */
	if (sopts.pin_dir && !root && session_pin_dir_ok(sopts.pin_dir, err, sizeof(err))) {
		log_kv("error", "cannot start", "error", err, NULL);
		goto cleanup;
	}
	/* open: probe, load, attach; BPF observes this machine, not --root */
	d.sc.start_s = monotonic_s();
	if (!root) {
		s = session_open(&sopts, err, sizeof(err));
		if (!s)
			log_kv("warn", "BPF not attached: serving what audit knows (attach mode sysfs)",
			       "reason", err, NULL);
	}
	if (s) {
		d.sc.src = bpf_source_new(s, "/");
		if (!d.sc.src) {
			log_kv("error", "cannot start", "error", "out of memory", NULL);
			goto cleanup;
		}
		log_session(s);
		/* discover */
		session_trigger_discovery("/");
		bpf_source_sample(d.sc.src);
	}
	snprintf(about, sizeof(about), "vqwatch %s, attach mode %s", VQWATCH_VERSION,
		 s ? session_mode_name(s) : "sysfs");

	/* first textfile: a directory that refuses it stops the start */
	if (d.textfile && textfile_update(&d, err, sizeof(err))) {
		log_kv("error", "cannot start", "error", err, NULL);
		goto cleanup;
	}

	/* run */
	ev_term = evsignal_new(d.base, SIGTERM, on_stop, &d);
	ev_int = evsignal_new(d.base, SIGINT, on_stop, &d);
	ev_hup = evsignal_new(d.base, SIGHUP, on_hup, &d);
	if (!ev_term || !ev_int || !ev_hup || event_add(ev_term, NULL) ||
	    event_add(ev_int, NULL) || event_add(ev_hup, NULL))
		goto enomem;
	if (d.sc.src) {
		struct timeval tv = { SAMPLE_MS / 1000, (SAMPLE_MS % 1000) * 1000 };

		ev_sample = event_new(d.base, -1, EV_PERSIST, on_sample, &d);
		if (!ev_sample || event_add(ev_sample, &tv))
			goto enomem;
	}
	/* made without a textfile too: a reload may name one */
	d.ev_textfile = event_new(d.base, -1, EV_PERSIST, on_textfile, &d);
	if (!d.ev_textfile)
		goto enomem;
	set_interval(&d);
	if (d.config_path) {
		overridden(&d, cli, sizeof(cli));
		log_kv("info", "configuration read", "file", d.config_path,
		       cli[0] ? "command_line_wins" : NULL, cli, NULL);
	}
	snprintf(interval, sizeof(interval), "%gs", (double)d.interval_ms / 1000);
	if (d.textfile)
		log_kv("info", "listening", "addr", d.where, "mode", s ? session_mode_name(s) : "sysfs",
		       "version", VQWATCH_VERSION, "textfile", d.textfile, "interval", interval, NULL);
	else
		log_kv("info", "listening", "addr", d.where, "mode", s ? session_mode_name(s) : "sysfs",
		       "version", VQWATCH_VERSION, NULL);
	/* systemd (Type=notify): started once it listens; a no-op elsewhere */
	if (vq_sd_notify("READY=1"))
		log_kv("warn", "cannot notify systemd", "NOTIFY_SOCKET", getenv("NOTIFY_SOCKET"),
		       "error", strerror(errno), NULL);
	if (event_base_dispatch(d.base) < 0) {
		log_kv("error", "event loop failed", NULL);
		goto cleanup;
	}

	/* stop: no new scrapes, the last textfile, then detach */
	http_server_free(d.srv);
	d.srv = NULL;
	if (d.textfile && textfile_update(&d, err, sizeof(err)))
		log_kv("error", "last textfile not written", "error", err, NULL);
	ret = d.failed ? EXIT_RUNTIME : EXIT_OK;
	goto cleanup;
enomem:
	log_kv("error", "cannot start", "error", "out of memory", NULL);
cleanup:
	http_server_free(d.srv);
	if (ev_sample)
		event_free(ev_sample);
	if (d.ev_textfile)
		event_free(d.ev_textfile);
	if (ev_term)
		event_free(ev_term);
	if (ev_int)
		event_free(ev_int);
	if (ev_hup)
		event_free(ev_hup);
	bpf_source_free(d.sc.src);
	detach_s = monotonic_s();
	session_close(s);
	detach_s = monotonic_s() - detach_s;
	if (d.base)
		event_base_free(d.base);
	if (ret == EXIT_OK) {
		/* detaching is most of a stop: fentry links wait for the kernel */
		snprintf(interval, sizeof(interval), "%.0f", detach_s * 1000);
		log_kv("info", "stopped", "detach_ms", interval, NULL);
	}
out:
	config_free(&d.cli);
	config_free(&d.file);
	free(d.pin_dir);
	return ret;
}
