// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for --web.config.file (src/webconfig.c: the exporter-toolkit
 * YAML, read strictly, each refusal one line naming FILE:LINE) and basic
 * auth (src/basic_auth.c: base64, the Authorization header, bcrypt through
 * crypt_rn, the cache of a password that matched).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic_auth.h"
#include "webconfig.h"

/* htpasswd -nbBC 4 prom secret, and the same password at cost 10 */
#define HASH4 "$2y$04$9HIgphKpI7tfHXTFMtHVCeeGdn4gMiuP2fnamEatQ4R/3K65tmsem"
#define HASH10 "$2y$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"

static void parse_ok(const char *text, struct web_config *c)
{
	char err[512] = "";

	if (webconfig_parse("web.yml", text, strlen(text), c, err, sizeof(err)))
		fail_msg("refused: %s\n---\n%s", err, text);
}

/* Refused, with one line that names the file and says why. */
static void parse_bad(const char *text, const char *why)
{
	struct web_config c;
	char err[512] = "";

	if (!webconfig_parse("web.yml", text, strlen(text), &c, err, sizeof(err)))
		fail_msg("accepted:\n%s", text);
	if (strncmp(err, "web.yml:", 8) || !strstr(err, why) || strchr(err, '\n'))
		fail_msg("'%s' does not say '%s'\n---\n%s", err, why, text);
	/* refused means empty: nothing to free, nothing half set */
	assert_null(c.cert_file);
	assert_int_equal(c.n_users, 0);
}

static void test_empty(void **state)
{
	struct web_config c;

	(void)state;
	parse_ok("", &c);
	assert_false(c.tls);
	assert_int_equal(c.n_users, 0);
	webconfig_free(&c);
	parse_ok("# nothing\n---\n", &c);
	assert_false(c.tls);
	webconfig_free(&c);
	parse_ok("tls_server_config:\nbasic_auth_users: ~\n", &c);
	assert_false(c.tls);
	webconfig_free(&c);
}

static void test_full(void **state)
{
	struct web_config c;

	(void)state;
	parse_ok("tls_server_config:\n"
		 "  cert_file: /etc/vqwatch/server.crt\n"
		 "  key_file: \"/etc/vqwatch/server.key\"\n"
		 "  client_auth_type: RequireAndVerifyClientCert\n"
		 "  client_ca_file: /etc/vqwatch/ca.crt\n"
		 "  min_version: TLS13\n"
		 "  max_version: TLS13\n"
		 "  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]\n"
		 "  prefer_server_cipher_suites: false\n"
		 "  curve_preferences:\n    - X25519\n    - CurveP256\n"
		 "http_server_config:\n"
		 "  http2: true\n"
		 "  headers:\n"
		 "    X-Frame-Options: SameOrigin\n"
		 "    Strict-Transport-Security: max-age=31536000\n"
		 "    X-XSS-Protection: \"\"\n"
		 "basic_auth_users:\n"
		 "  prom: " HASH10 "\n"
		 "  'other': '" HASH4 "'\n", &c);
	assert_true(c.tls);
	assert_string_equal(c.cert_file, "/etc/vqwatch/server.crt");
	assert_string_equal(c.key_file, "/etc/vqwatch/server.key");
	assert_string_equal(c.client_ca_file, "/etc/vqwatch/ca.crt");
	assert_int_equal(c.client_auth, WEB_REQUIRE_AND_VERIFY_CLIENT_CERT);
	assert_int_equal(c.min_version, WEB_TLS13);
	assert_int_equal(c.max_version, WEB_TLS13);
	assert_int_equal(c.n_cipher_suites, 1);
	assert_false(c.prefer_server_cipher_suites);
	assert_int_equal(c.n_curves, 2);
	assert_string_equal(c.curves[1], "CurveP256");
	assert_int_equal(c.n_headers, 2);	/* a blank one is unset */
	assert_string_equal(c.headers[0].name, "X-Frame-Options");
	assert_string_equal(c.headers[0].value, "SameOrigin");
	assert_int_equal(c.n_users, 2);
	assert_string_equal(c.users[1].name, "other");
	assert_string_equal(c.users[1].hash, HASH4);
	assert_int_equal(c.users[1].line, 21);
	webconfig_free(&c);
}

static void test_defaults(void **state)
{
	struct web_config c;

	(void)state;
	parse_ok("tls_server_config:\n  cert_file: a\n  key_file: b\n", &c);
	assert_true(c.tls);
	assert_int_equal(c.client_auth, WEB_NO_CLIENT_CERT);
	assert_int_equal(c.min_version, WEB_TLS12);
	assert_int_equal(c.max_version, WEB_TLS13);
	assert_true(c.prefer_server_cipher_suites);
	webconfig_free(&c);
}

static void test_refused(void **state)
{
	(void)state;
	/* strict, like exporter-toolkit: unknown keys, at every level */
	parse_bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  kye_file: c\n",
		  "web.yml:4: unknown key 'kye_file' in tls_server_config (known: cert_file,");
	parse_bad("basic_auth_user:\n  a: b\n", "web.yml:1: unknown key 'basic_auth_user' in the web");
	parse_bad("http_server_config:\n  http3: true\n", "web.yml:2: unknown key 'http3'");
	parse_bad("http_server_config:\n  headers:\n    X-Powered-By: me\n",
		  "web.yml:3: unknown key 'X-Powered-By' in http_server_config.headers");
	parse_bad("tls_server_config:\n  cert_file: a\n  cert_file: b\n",
		  "web.yml:3: 'cert_file' given twice in tls_server_config (first on line 2)");
	/* not YAML, the wrong kinds */
	parse_bad("tls_server_config:\n  cert_file: [a\n", "web.yml:");
	parse_bad("tls_server_config: [a]\n", "web.yml:1: tls_server_config: expected a mapping");
	parse_bad("- a\n", "web.yml:1: expected a mapping of tls_server_config");
	parse_bad("tls_server_config:\n  cert_file: {a: b}\n",
		  "web.yml:2: cert_file: expected a string, not a mapping");
	parse_bad("tls_server_config:\n  cipher_suites: TLS_X\n", "cipher_suites: expected a list");
	parse_bad("tls_server_config:\n  prefer_server_cipher_suites: maybe\n",
		  "prefer_server_cipher_suites: expected true or false");
	parse_bad("a: 1\n---\nb: 2\n", "web.yml:1: unknown key 'a'");
	parse_bad("{}\n---\nb: 2\n", "web.yml:3: a second YAML document");
	/* names from the tables */
	parse_bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: Require\n",
		  "web.yml:4: client_auth_type 'Require': expected one of NoClientCert, "
		  "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
		  "RequireAndVerifyClientCert");
	parse_bad("tls_server_config:\n  min_version: TLS1.2\n",
		  "min_version 'TLS1.2': expected one of TLS10, TLS11, TLS12, TLS13");
	parse_bad("tls_server_config:\n  curve_preferences: [P256]\n",
		  "curve_preferences 'P256': expected one of");
	parse_bad("http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
		  "web.yml:3: headers: X-Frame-Options 'allow': expected deny or sameorigin");
	parse_bad("http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n",
		  "expected nosniff");
	/* what exporter-toolkit checks once read */
	parse_bad("tls_server_config:\n  key_file: b\n", "tls_server_config: missing cert_file");
	parse_bad("tls_server_config:\n  cert_file: a\n", "tls_server_config: missing key_file");
	parse_bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: c\n",
		  "client_ca_file given with client_auth_type NoClientCert");
	parse_bad("tls_server_config:\n  cert_file: a\n  key_file: b\n"
		  "  client_auth_type: RequireAndVerifyClientCert\n",
		  "client_auth_type RequireAndVerifyClientCert needs client_ca_file");
	parse_bad("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n"
		  "  max_version: TLS12\n", "min_version TLS13 is above max_version TLS12");
	/* exporter-toolkit's keys that vqwatch does not implement: refused */
	parse_bad("tls_server_config:\n  cert: |\n    x\n", "inline 'cert' is not supported");
	parse_bad("tls_server_config:\n  client_allowed_sans: [a]\n",
		  "'client_allowed_sans' is not supported");
	parse_bad("rate_limit:\n  burst: 1\n", "web.yml:1: 'rate_limit' is not supported");
	/* users */
	parse_bad("basic_auth_users:\n  prom: secret\n",
		  "web.yml:2: basic_auth_users: 'prom': not a bcrypt hash");
	parse_bad("basic_auth_users:\n  prom: $1$abc$def\n", "not a bcrypt hash");
	parse_bad("basic_auth_users:\n  prom: " HASH4 "\n  prom: " HASH10 "\n",
		  "web.yml:3: basic_auth_users: 'prom' given twice (first on line 2)");
	parse_bad("basic_auth_users:\n  'a:b': " HASH4 "\n", "has no ':'");
	parse_bad("basic_auth_users: [prom]\n", "basic_auth_users: expected a mapping");
}

static void test_bcrypt_format(void **state)
{
	(void)state;
	assert_int_equal(webconfig_bcrypt_hash_ok(HASH4), 0);
	assert_int_equal(webconfig_bcrypt_hash_ok(HASH10), 0);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2b$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), 0);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2a$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), 0);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2x$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2y$03$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2y$32$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2y$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2y$10$sQIiasALmvJspapk2Agff.UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6x"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2y$10$sQIiasALmvJspapk2Agff+UnEF07n.DzLy5jbvBjYgwOr0IsnhQD6"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok("$2"), -1);
	assert_int_equal(webconfig_bcrypt_hash_ok(""), -1);
}

static void test_base64(void **state)
{
	unsigned char out[16];
	size_t n = 0;

	(void)state;
	assert_int_equal(base64_decode("cHJvbTpzZWNyZXQ=", out, sizeof(out), &n), 0);
	assert_int_equal(n, 11);
	assert_memory_equal(out, "prom:secret", 11);
	assert_int_equal(base64_decode("YQ==", out, sizeof(out), &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(base64_decode("YWI=", out, sizeof(out), &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(base64_decode("", out, sizeof(out), &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(base64_decode("YQ=", out, sizeof(out), &n), -1);	/* length */
	assert_int_equal(base64_decode("Y===", out, sizeof(out), &n), -1);
	assert_int_equal(base64_decode("YQ==YQ==", out, sizeof(out), &n), -1);	/* padding inside */
	assert_int_equal(base64_decode("Y!==", out, sizeof(out), &n), -1);
	assert_int_equal(base64_decode("YWJjZGVmZ2hpamtsbW5vcHFy", out, 8, &n), -1);	/* too long */
}

/* Authorization: Basic BASE64(user:password) */
static const char *auth(const char *credentials)
{
	static char header[256];
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t len = strlen(credentials), o = 6;

	memcpy(header, "Basic ", 6);
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned char)credentials[i] << 16;

		if (i + 1 < len)
			v |= (unsigned char)credentials[i + 1] << 8;
		if (i + 2 < len)
			v |= (unsigned char)credentials[i + 2];
		header[o++] = b64[v >> 18 & 63];
		header[o++] = b64[v >> 12 & 63];
		header[o++] = i + 1 < len ? b64[v >> 6 & 63] : '=';
		header[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	header[o] = '\0';
	return header;
}

static void test_basic_auth(void **state)
{
	struct web_config c;
	char user[64];

	(void)state;
	parse_ok("basic_auth_users:\n  prom: " HASH4 "\n  other: " HASH10 "\n", &c);
	assert_true(basic_auth_check(&c, auth("prom:secret"), user, sizeof(user)));
	assert_string_equal(user, "prom");
	assert_true(c.users[0].ok_cached);
	assert_true(basic_auth_check(&c, auth("prom:secret"), user, sizeof(user)));	/* cached */
	assert_false(basic_auth_check(&c, auth("prom:secre"), user, sizeof(user)));
	assert_false(basic_auth_check(&c, auth("prom:secretx"), user, sizeof(user)));
	assert_false(basic_auth_check(&c, auth("prom:"), user, sizeof(user)));
	assert_false(basic_auth_check(&c, auth("nobody:secret"), user, sizeof(user)));
	assert_string_equal(user, "nobody");
	assert_false(basic_auth_check(&c, auth("prom"), user, sizeof(user)));	/* no ':' */
	assert_false(basic_auth_check(&c, NULL, user, sizeof(user)));
	assert_false(basic_auth_check(&c, "Bearer abc", user, sizeof(user)));
	assert_false(basic_auth_check(&c, "Basic !!!!", user, sizeof(user)));
	/* the scheme is case-insensitive (RFC 7617) */
	assert_true(basic_auth_check(&c, "basic cHJvbTpzZWNyZXQ=", user, sizeof(user)));
	/* a NUL ends the password for crypt(3): refused, not cut */
	assert_false(basic_auth_check(&c, "Basic cHJvbTpzZWNyZXQAeA==", user, sizeof(user)));
	/* the cache of one user is not another's */
	assert_true(basic_auth_check(&c, auth("other:secret"), user, sizeof(user)));
	assert_false(basic_auth_check(&c, auth("other:secre"), user, sizeof(user)));
	webconfig_free(&c);
	/* a new file (a reload) has its own, empty cache: the old password fails */
	parse_ok("basic_auth_users:\n  prom: " HASH10 "\n", &c);
	assert_false(c.users[0].ok_cached);
	assert_false(basic_auth_check(&c, auth("prom:other"), user, sizeof(user)));
	assert_false(c.users[0].ok_cached);
	webconfig_free(&c);
}

static void test_load(void **state)
{
	char path[] = "/tmp/vqwatch-webconfig.XXXXXX", err[512];
	struct web_config c;
	int fd;

	(void)state;
	assert_int_equal(webconfig_load("/nonexistent/web.yml", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/web.yml: cannot read: No such file or directory");
	assert_int_equal(webconfig_load("/tmp", &c, err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: cannot read: is a directory");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "basic_auth_users:\n  prom: " HASH4 "\n", 27 + strlen(HASH4)),
			 27 + strlen(HASH4));
	close(fd);
	assert_int_equal(webconfig_load(path, &c, err, sizeof(err)), 0);
	assert_int_equal(c.n_users, 1);
	webconfig_free(&c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bcrypt_format),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
