/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --web.config.file FILE: the Prometheus exporter-toolkit web configuration
 * (docs/service.md "TLS and basic auth"), so that one file serves every
 * exporter on the host:
 *
 *   tls_server_config:
 *     cert_file: /etc/vqwatch/server.crt
 *     key_file: /etc/vqwatch/server.key
 *     client_auth_type: RequireAndVerifyClientCert
 *     client_ca_file: /etc/vqwatch/clients-ca.crt
 *     min_version: TLS13
 *   http_server_config:
 *     headers:
 *       X-Content-Type-Options: nosniff
 *   basic_auth_users:
 *     prometheus: $2y$10$...
 *
 * Parsed with libyaml (Debian's libyaml-dev 0.2.5, MIT: a well-kept YAML
 * 1.1 parser with a static library), and checked here strictly, as
 * exporter-toolkit's strict unmarshalling does: an unknown key, a key given
 * twice, a value of the wrong kind, an unknown name, or a password that is
 * not a bcrypt hash is refused with one line, "FILE:LINE: problem".  Pure:
 * the certificates are read by tls.c, the passwords checked by
 * basic_auth.c.
 */
#ifndef VQWATCH_WEBCONFIG_H
#define VQWATCH_WEBCONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* client_auth_type, in exporter-toolkit's (Go's crypto/tls) names. */
enum web_client_auth {
	WEB_NO_CLIENT_CERT,		/* the default */
	WEB_REQUEST_CLIENT_CERT,	/* asked for, not required, not verified */
	WEB_REQUIRE_ANY_CLIENT_CERT,	/* required, not verified */
	WEB_VERIFY_CLIENT_CERT_IF_GIVEN,	/* verified against client_ca_file if sent */
	WEB_REQUIRE_AND_VERIFY_CLIENT_CERT,	/* required and verified */
	WEB_N_CLIENT_AUTH,
};

/* min_version, max_version: TLS10 .. TLS13. */
enum web_tls_version {
	WEB_TLS10,
	WEB_TLS11,
	WEB_TLS12,	/* the default minimum */
	WEB_TLS13,	/* the default maximum */
	WEB_N_TLS_VERSIONS,
};

#define WEB_MAX_HEADERS 5	/* the ones exporter-toolkit allows */

struct web_user {
	char *name;
	char *hash;		/* bcrypt: $2y$, $2b$ or $2a$ */
	int line;
	/* basic_auth.c: SHA-256 of the last password that matched, so that a
	 * scrape every 15 s does not cost a bcrypt each (exporter-toolkit
	 * caches too); per user of one loaded file, so a reload forgets it */
	bool ok_cached;
	unsigned char ok_digest[32];
};

struct web_header {
	const char *name;	/* from the table of allowed headers */
	char *value;
};

struct web_config {
	/* tls_server_config; tls is false when it is absent or empty */
	bool tls;
	char *cert_file, *key_file, *client_ca_file;
	enum web_client_auth client_auth;
	enum web_tls_version min_version, max_version;
	char **cipher_suites;	/* Go / IANA names, TLS 1.2 and below */
	size_t n_cipher_suites;
	bool prefer_server_cipher_suites;	/* default true */
	char **curves;		/* curve_preferences: X25519, CurveP256, ... */
	size_t n_curves;
	/* http_server_config.headers */
	struct web_header headers[WEB_MAX_HEADERS];
	size_t n_headers;
	/* basic_auth_users; none: no authentication */
	struct web_user *users;
	size_t n_users;
};

/* The names of the tables, for tls.c and the log. */
const char *web_client_auth_name(enum web_client_auth a);
const char *web_tls_version_name(enum web_tls_version v);

/*
 * Read and check FILE into c (any previous content is not freed).  0, or -1
 * with one line in err: "FILE:LINE: problem" or "FILE: problem"; c is then
 * empty.
 */
int webconfig_load(const char *path, struct web_config *c, char *err, size_t errlen);
/* The same from text in memory, named name in the messages (unit tests). */
int webconfig_parse(const char *name, const char *text, size_t len, struct web_config *c,
		    char *err, size_t errlen);

/* 0 if s is a bcrypt hash crypt(3) can check: $2a$, $2b$ or $2y$, a cost
 * of 04 to 31, 22 characters of salt and 31 of hash. */
int webconfig_bcrypt_hash_ok(const char *s);

void webconfig_free(struct web_config *c);

#endif
