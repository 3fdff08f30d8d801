/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's configuration: the keys of `vqwatch daemon --config FILE`
 * (an INI file read with Debian's inih, README "Build choices") and of its
 * command-line options, validated by the same code.  The file holds one
 * [daemon] section:
 *
 *   [daemon]
 *   listen = 127.0.0.1:9670
 *   textfile = /var/lib/prometheus/node-exporter/vqwatch.prom
 *   interval = 15s
 *   mode = auto
 *   detail = counts
 *   latency_sample = 1
 *   stall_threshold = 5s
 *   no_device_read = false
 *   devices = virtio0,virtio2
 *   types = balloon,blk
 *   pin_dir = /sys/fs/bpf/vqwatch
 *   web_config_file = /etc/vqwatch/web.yml
 *   vmm = qemu
 *
 * The effective configuration is the defaults, then the file's keys, then
 * the command line's (config_overlay); a reload re-reads the file and
 * overlays the same command line again.
 */
#ifndef VQWATCH_CONFIG_H
#define VQWATCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "filter.h"
#include "vmm.h"

enum config_key {
	CFG_LISTEN,
	CFG_TEXTFILE,
	CFG_INTERVAL,
	CFG_MODE,
	CFG_DETAIL,
	CFG_LATENCY_SAMPLE,
	CFG_STALL_THRESHOLD,
	CFG_NO_DEVICE_READ,
	CFG_DEVICES,
	CFG_TYPES,
	CFG_PIN_DIR,
	CFG_WEB_CONFIG_FILE,
	CFG_VMM,
	CFG_N_KEYS,
};

struct daemon_config {
	unsigned int set;	/* 1 << CFG_*: the keys given */
	int line[CFG_N_KEYS];	/* the file's line of each key given, 0 if none */
	/* Strings are owned (config_free) by a config that config_set filled,
	 * borrowed by one that config_overlay filled. */
	char *listen;
	char *textfile;		/* NULL: no textfile */
	uint64_t interval_ms;
	int mode;		/* enum session_mode */
	int detail;		/* enum session_detail */
	unsigned int latency_sample;	/* full: one buffer in N timed */
	uint64_t stall_threshold_ms;
	bool no_device_read;
	struct device_filter filter;	/* devices and types */
	char *pin_dir;		/* NULL: nothing pinned */
	char *web_config_file;	/* --web.config.file (webconfig.h); NULL: plain HTTP */
	const struct vmm *vmm;	/* NULL: detected at each read (vmm_detect) */
};

/* Results of config_load (and config_set's -1 is CONFIG_BAD). */
enum {
	CONFIG_OK = 0,
	CONFIG_UNREADABLE = 1,	/* the file cannot be opened or read (exit 1) */
	CONFIG_BAD = 2,		/* a malformed line, unknown key, bad value (exit 2) */
};

/* The key's name in the file ("stall_threshold"), its option
 * ("--stall-threshold"). */
const char *config_key_name(enum config_key k);
const char *config_key_option(enum config_key k);

#define CONFIG_DEFAULT_LISTEN "127.0.0.1:9670"
#define CONFIG_DEFAULT_INTERVAL_MS 15000
/* The always-on default of the daemon and metrics: full costs more than
 * half of bcc's virtiostat per I/O, counts less (docs/bench.md, "The
 * daemon's default"); trace's is full. */
#define CONFIG_DEFAULT_DETAIL SESSION_DETAIL_COUNTS

/* The defaults: nothing set, the values every key takes when not given. */
void config_defaults(struct daemon_config *c);

/* "10s", "500ms", "2m", "1h", or plain seconds -> milliseconds; -1 if not a
 * duration (the option and key parsers say which). */
int config_duration(const char *s, uint64_t *ms);

/* --latency-sample N: 1 (every buffer) to SESSION_LATENCY_SAMPLE_MAX; -1
 * otherwise. */
int config_latency_sample(const char *s, unsigned int *n);
#define CONFIG_LATENCY_SAMPLE_EXPECTED \
	"expected a whole number from 1 (time every buffer) to 65536"
/* "--latency-sample times buffers: it needs --detail full", or NULL when
 * the two go together. */
const char *config_detail_conflict(int detail, unsigned int latency_sample);

/*
 * Validate value for key k and set it in c (strings copied; devices and
 * types append each item of a comma-separated list).  -1 with one line in
 * err, "NAME 'VALUE': problem", NAME being the caller's (an option, or
 * the file's key).
 */
int config_set(struct daemon_config *c, enum config_key k, const char *name, const char *value,
	       char *err, size_t errlen);

/*
 * Read FILE into c (zeroed by the caller; only what the file sets).
 * CONFIG_OK, or CONFIG_UNREADABLE / CONFIG_BAD with one line in err:
 * "FILE:LINE: problem" or "FILE: problem".  c is freed on error.
 */
int config_load(const char *path, struct daemon_config *c, char *err, size_t errlen);

/* Copy into dst every key set in src (strings borrowed), marking it set. */
void config_overlay(struct daemon_config *dst, const struct daemon_config *src);

/* Free the strings of a config that config_set or config_load filled. */
void config_free(struct daemon_config *c);

#endif
