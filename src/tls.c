// SPDX-License-Identifier: GPL-2.0
/* The TLS server context of a web configuration (tls.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "strbuf.h"
#include "tls.h"

/* client_auth_type -> what OpenSSL asks of the client, and whether a
 * certificate it sends is verified against client_ca_file (Go's
 * crypto/tls ClientAuthType, which exporter-toolkit names). */
static const struct {
	int mode;
	bool verify;
} client_auth[WEB_N_CLIENT_AUTH] = {
	[WEB_NO_CLIENT_CERT] = { SSL_VERIFY_NONE, false },
	[WEB_REQUEST_CLIENT_CERT] = { SSL_VERIFY_PEER, false },
	[WEB_REQUIRE_ANY_CLIENT_CERT] = { SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, false },
	[WEB_VERIFY_CLIENT_CERT_IF_GIVEN] = { SSL_VERIFY_PEER, true },
	[WEB_REQUIRE_AND_VERIFY_CLIENT_CERT] = { SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
						 true },
};

static const int versions[WEB_N_TLS_VERSIONS] = {
	[WEB_TLS10] = TLS1_VERSION, [WEB_TLS11] = TLS1_1_VERSION,
	[WEB_TLS12] = TLS1_2_VERSION, [WEB_TLS13] = TLS1_3_VERSION,
};

/* curve_preferences: Go's names -> OpenSSL's group names. */
static const struct {
	const char *go, *openssl;
} curves[] = {
	{ "CurveP256", "P-256" }, { "CurveP384", "P-384" }, { "CurveP521", "P-521" },
	{ "X25519", "X25519" },
};

/* RequestClientCert, RequireAnyClientCert: any certificate will do. */
static int accept_any(int preverify, X509_STORE_CTX *ctx)
{
	(void)preverify;
	(void)ctx;
	return 1;
}

/* OpenSSL's last error, as text, emptying its queue. */
static const char *ssl_error(char *buf, size_t len)
{
	unsigned long e = ERR_peek_last_error();

	if (!e)
		strbuf_copy(buf, len, errno ? strerror(errno) : "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

static bool readable(const char *file, char *err, size_t errlen, const char *key,
		     const char *path)
{
	FILE *f = fopen(file, "re");

	if (!f) {
		strbuf_printf(err, errlen, "%s: tls_server_config %s '%s': cannot read: %s", path,
			      key, file, strerror(errno));
		return false;
	}
	fclose(f);
	return true;
}

/* The cipher_suites (IANA names, as Go takes them) as an OpenSSL list;
 * TLS 1.3's own suites are left to OpenSSL's defaults, as Go does. */
static int cipher_list(const struct web_config *c, char *list, size_t len, char *err,
		       size_t errlen, const char *path)
{
	list[0] = '\0';
	for (size_t i = 0; i < c->n_cipher_suites; i++) {
		const char *name = OPENSSL_cipher_name(c->cipher_suites[i]);

		if (!strncmp(c->cipher_suites[i], "TLS_AES_", 8) ||
		    !strncmp(c->cipher_suites[i], "TLS_CHACHA20_", 13))
			continue;
		if (!name || !strcmp(name, "(NONE)")) {
			strbuf_printf(err, errlen, "%s: tls_server_config cipher_suites: unknown suite "
				      "'%s' (the IANA names, e.g. "
				      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)", path,
				      c->cipher_suites[i]);
			return -1;
		}
		if (!strbuf_printf(list + strlen(list), len - strlen(list), "%s%s", *list ? ":" : "",
				   name)) {
			strbuf_printf(err, errlen, "%s: tls_server_config cipher_suites: too many", path);
			return -1;
		}
	}
	return 0;
}

SSL_CTX *tls_ctx_new(const struct web_config *c, const char *path, char *err, size_t errlen)
{
	char why[256], list[2048], groups[256] = "";
	SSL_CTX *ctx;

	if (!readable(c->cert_file, err, errlen, "cert_file", path) ||
	    !readable(c->key_file, err, errlen, "key_file", path) ||
	    (c->client_ca_file && !readable(c->client_ca_file, err, errlen, "client_ca_file", path)))
		return NULL;
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx) {
		strbuf_printf(err, errlen, "%s: cannot create a TLS context: %s", path,
			      ssl_error(why, sizeof(why)));
		return NULL;
	}
	/* no renegotiation, no session tickets to leak across reloads' keys */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
			    (c->prefer_server_cipher_suites ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0));
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config cert_file '%s': not a PEM "
			      "certificate: %s", path, c->cert_file, ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, c->key_file, SSL_FILETYPE_PEM) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config key_file '%s': not a PEM private "
			      "key (or not the certificate's): %s", path, c->key_file,
			      ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config key_file '%s' is not the key of "
			      "cert_file '%s'", path, c->key_file, c->cert_file);
		ERR_clear_error();
		goto fail;
	}
	if (c->client_ca_file) {
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(c->client_ca_file);

		if (!names || SSL_CTX_load_verify_locations(ctx, c->client_ca_file, NULL) != 1) {
			if (names)
				sk_X509_NAME_pop_free(names, X509_NAME_free);
			strbuf_printf(err, errlen, "%s: tls_server_config client_ca_file '%s': no PEM "
				      "certificate in it: %s", path, c->client_ca_file,
				      ssl_error(why, sizeof(why)));
			goto fail;
		}
		SSL_CTX_set_client_CA_list(ctx, names);	/* the CAs named to the client */
	}
	SSL_CTX_set_verify(ctx, client_auth[c->client_auth].mode,
			   client_auth[c->client_auth].verify ? NULL : accept_any);
	if (SSL_CTX_set_min_proto_version(ctx, versions[c->min_version]) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, versions[c->max_version]) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config: versions %s to %s: %s", path,
			      web_tls_version_name(c->min_version),
			      web_tls_version_name(c->max_version), ssl_error(why, sizeof(why)));
		goto fail;
	}
	if (cipher_list(c, list, sizeof(list), err, errlen, path))
		goto fail;
	if (*list && SSL_CTX_set_cipher_list(ctx, list) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config cipher_suites: OpenSSL has none of "
			      "them: %s", path, ssl_error(why, sizeof(why)));
		goto fail;
	}
	for (size_t i = 0; i < c->n_curves; i++)
		for (size_t j = 0; j < sizeof(curves) / sizeof(curves[0]); j++)
			if (!strcmp(c->curves[i], curves[j].go))
				strbuf_printf(groups + strlen(groups), sizeof(groups) - strlen(groups),
					      "%s%s", *groups ? ":" : "", curves[j].openssl);
	if (*groups && SSL_CTX_set1_groups_list(ctx, groups) != 1) {
		strbuf_printf(err, errlen, "%s: tls_server_config curve_preferences: %s", path,
			      ssl_error(why, sizeof(why)));
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}
