/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TLS side of --web.config.file (webconfig.h): an OpenSSL 3 server
 * context (Debian's libssl-dev; libssl.a and libcrypto.a link statically)
 * from tls_server_config, which http.c hands to each connection through
 * libevent's bufferevent_openssl (libevent_openssl.a).
 */
#ifndef VQWATCH_TLS_H
#define VQWATCH_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>
#include "webconfig.h"

/*
 * A server context for c (c->tls true): the certificate chain and key read
 * and checked against each other, the client CA, client_auth_type,
 * versions, cipher suites and curves set.  NULL with one line in err,
 * "FILE: problem" (FILE the web configuration's path, or the certificate's).
 */
SSL_CTX *tls_ctx_new(const struct web_config *c, const char *path, char *err, size_t errlen);

#endif
