// SPDX-License-Identifier: GPL-2.0
/* HTTP basic authentication (basic_auth.h). */
#include <crypt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "basic_auth.h"
#include "strbuf.h"

/* Credentials longer than this are refused unread: bcrypt reads 72 bytes. */
#define MAX_CREDENTIALS 512

/* A hash of no user's password ("vqwatch-no-such-user", cost 10: the
 * usual cost, so that an unknown user takes as long as a known one). */
static const char dummy_hash[] = "$2y$10$VVIO5YxxQrl02IhWV18WyeN3LYKpU4OyIM1NO1zlEZ7G5f8VVLyoS";

static int b64_value(unsigned char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return ch - 'a' + 26;
	if (ch >= '0' && ch <= '9')
		return ch - '0' + 52;
	if (ch == '+')
		return 62;
	if (ch == '/')
		return 63;
	return -1;
}

int base64_decode(const char *in, unsigned char *out, size_t outcap, size_t *outlen)
{
	size_t len = strlen(in), n = 0;

	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		int pad = 0;

		for (int j = 0; j < 4; j++) {
			unsigned char ch = (unsigned char)in[i + j];

			if (ch == '=' && i + 4 == len && j >= 2 && (j == 3 || in[i + 3] == '=')) {
				v[j] = 0;
				pad++;
				continue;
			}
			v[j] = b64_value(ch);
			if (v[j] < 0 || pad)
				return -1;
		}
		uint32_t bits = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 |
				(uint32_t)v[3];
		if (n + 3 - pad > outcap)
			return -1;
		out[n++] = (unsigned char)(bits >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(bits >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)bits;
	}
	*outlen = n;
	return 0;
}

/* crypt_rn(password, hash) == hash, the comparison in constant time. */
static bool bcrypt_matches(const char *password, const char *hash)
{
	struct crypt_data *data = calloc(1, sizeof(*data));	/* 32 KiB: not on the stack */
	const char *out;
	bool ok = false;

	if (!data)
		return false;
	out = crypt_rn(password, hash, data, sizeof(*data));
	if (out && strlen(out) == strlen(hash))
		ok = !CRYPTO_memcmp(out, hash, strlen(hash));
	explicit_bzero(data, sizeof(*data));
	free(data);
	return ok;
}

static bool digest(const char *password, unsigned char md[32])
{
	unsigned int len = 0;

	return EVP_Digest(password, strlen(password), md, &len, EVP_sha256(), NULL) && len == 32;
}

bool basic_auth_check(struct web_config *c, const char *authorization, char *user,
		      size_t userlen)
{
	unsigned char raw[MAX_CREDENTIALS + 1], md[32];
	struct web_user *u = NULL;
	const char *b64;
	char *password;
	size_t len = 0;
	bool ok = false;

	strbuf_copy(user, userlen, "");
	if (!authorization || strncasecmp(authorization, "Basic ", 6))
		return false;
	for (b64 = authorization + 6; *b64 == ' '; b64++)
		;
	if (strlen(b64) > MAX_CREDENTIALS / 3 * 4 + 4 ||
	    base64_decode(b64, raw, MAX_CREDENTIALS, &len))
		return false;
	/* a NUL would end the password early for crypt(3): "pw\0anything" */
	if (memchr(raw, '\0', len))
		return false;
	raw[len] = '\0';
	password = strchr((char *)raw, ':');
	if (!password)
		return false;
	*password++ = '\0';
	strbuf_copy(user, userlen, (char *)raw);
	for (size_t i = 0; i < c->n_users; i++)
		if (!strcmp(c->users[i].name, (char *)raw))
			u = &c->users[i];
	if (u && u->ok_cached && digest(password, md) && !CRYPTO_memcmp(md, u->ok_digest, 32)) {
		ok = true;
	} else if (!u) {
		bcrypt_matches(password, dummy_hash);	/* the same time as a known user */
	} else if (bcrypt_matches(password, u->hash)) {
		ok = true;
		u->ok_cached = digest(password, u->ok_digest);
	}
	explicit_bzero(raw, sizeof(raw));
	explicit_bzero(md, sizeof(md));
	return ok;
}
