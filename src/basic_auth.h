/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HTTP basic authentication against a web configuration's
 * basic_auth_users (webconfig.h): bcrypt hashes checked with libxcrypt's
 * crypt_rn (Debian's libcrypt-dev, the C library's crypt(3) with bcrypt
 * $2a$/$2b$/$2y$; a static libcrypt.a), compared in constant time.
 */
#ifndef VQWATCH_BASIC_AUTH_H
#define VQWATCH_BASIC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include "webconfig.h"

/*
 * True when authorization (the request's Authorization header, NULL if
 * none) is "Basic BASE64(user:password)" for a user of c whose hash the
 * password matches.  A user not in c costs a bcrypt too (against a fixed
 * hash), so that the answer's time does not say which users exist.  A
 * password that matched is remembered per user (a SHA-256 of it) until c
 * is freed.  user gets the name that was tried ("" if none), for the log.
 */
bool basic_auth_check(struct web_config *c, const char *authorization, char *user,
		      size_t userlen);

/* RFC 4648 base64 (padding required where the length needs it): 0 with
 * *outlen bytes in out (at most outcap), or -1. */
int base64_decode(const char *in, unsigned char *out, size_t outcap, size_t *outlen);

#endif
