// SPDX-License-Identifier: GPL-2.0
/*
 * The web configuration (webconfig.h): libyaml loads the document (its
 * nodes carry their line), and the walk below checks it as exporter-toolkit
 * does with strict YAML unmarshalling: every key known, none twice, each
 * value of its kind.  Where exporter-toolkit has a key that vqwatch does not
 * implement (inline certificates, client_allowed_sans, rate_limit), it is
 * refused by name rather than ignored: a file that asks for a protection
 * must not be served without it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <yaml.h>
#include "strbuf.h"
#include "webconfig.h"

static const char *const client_auth_names[WEB_N_CLIENT_AUTH] = {
	[WEB_NO_CLIENT_CERT] = "NoClientCert",
	[WEB_REQUEST_CLIENT_CERT] = "RequestClientCert",
	[WEB_REQUIRE_ANY_CLIENT_CERT] = "RequireAnyClientCert",
	[WEB_VERIFY_CLIENT_CERT_IF_GIVEN] = "VerifyClientCertIfGiven",
	[WEB_REQUIRE_AND_VERIFY_CLIENT_CERT] = "RequireAndVerifyClientCert",
};

static const char *const version_names[WEB_N_TLS_VERSIONS] = {
	[WEB_TLS10] = "TLS10", [WEB_TLS11] = "TLS11", [WEB_TLS12] = "TLS12", [WEB_TLS13] = "TLS13",
};

/* http_server_config.headers: exporter-toolkit's set, and the values it
 * accepts where it restricts them (web/handler.go, extraHTTPHeaders). */
static const struct {
	const char *name;
	const char *values[3];	/* NULL-terminated; none: any value */
} header_table[WEB_MAX_HEADERS] = {
	{ "Strict-Transport-Security", { NULL } },
	{ "X-Content-Type-Options", { "nosniff", NULL } },
	{ "X-Frame-Options", { "deny", "sameorigin", NULL } },
	{ "X-XSS-Protection", { NULL } },
	{ "Content-Security-Policy", { NULL } },
};

/* Go's crypto/tls curve names, those curve_preferences takes. */
static const char *const curve_names[] = { "CurveP256", "CurveP384", "CurveP521", "X25519" };

const char *web_client_auth_name(enum web_client_auth a)
{
	return a < WEB_N_CLIENT_AUTH ? client_auth_names[a] : "?";
}

const char *web_tls_version_name(enum web_tls_version v)
{
	return v < WEB_N_TLS_VERSIONS ? version_names[v] : "?";
}

/* ---- the walk ---- */

struct walk {
	const char *path;
	yaml_document_t *doc;
	struct web_config *c;
	char *err;
	size_t errlen;
};

static int line_of(const yaml_node_t *n)
{
	return (int)n->start_mark.line + 1;
}

static int __attribute__((format(printf, 3, 4)))
refuse(struct walk *w, const yaml_node_t *n, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	strbuf_printf(w->err, w->errlen, "%s:%d: %s", w->path, line_of(n), why);
	return -1;
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain ~, null or empty value: YAML's null, which leaves a key unset. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (!strcmp(scalar(n), nulls[i]))
			return true;
	return false;
}

static int get_string(struct walk *w, const char *key, const yaml_node_t *n, char **out)
{
	char *s;

	if (n->type != YAML_SCALAR_NODE)
		return refuse(w, n, "%s: expected a string, not a %s", key,
			      n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	if (strlen(scalar(n)) != n->data.scalar.length)
		return refuse(w, n, "%s: the value holds a NUL byte", key);
	s = strdup(scalar(n));
	if (!s)
		return refuse(w, n, "out of memory");
	free(*out);
	*out = s;
	return 0;
}

static int get_bool(struct walk *w, const char *key, const yaml_node_t *n, bool *out)
{
	if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (!strcasecmp(scalar(n), "true")) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(scalar(n), "false")) {
			*out = false;
			return 0;
		}
	}
	return refuse(w, n, "%s: expected true or false", key);
}

/* One of names[0..n): its index in *out. */
static int get_name(struct walk *w, const char *key, const yaml_node_t *n,
		    const char *const *names, size_t count, int *out)
{
	char known[256] = "";

	if (n->type == YAML_SCALAR_NODE)
		for (size_t i = 0; i < count; i++)
			if (!strcmp(scalar(n), names[i])) {
				*out = (int)i;
				return 0;
			}
	for (size_t i = 0; i < count; i++)
		strbuf_printf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
			      i ? ", " : "", names[i]);
	if (n->type != YAML_SCALAR_NODE)
		return refuse(w, n, "%s: expected one of %s", key, known);
	return refuse(w, n, "%s '%s': expected one of %s", key, scalar(n), known);
}

/* A list of strings. */
static int get_list(struct walk *w, const char *key, const yaml_node_t *n, char ***out,
		    size_t *count)
{
	yaml_node_item_t *it;
	char **v;

	if (n->type != YAML_SEQUENCE_NODE)
		return refuse(w, n, "%s: expected a list", key);
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(w->doc, *it);

		if (!item || item->type != YAML_SCALAR_NODE)
			return refuse(w, item ? item : n, "%s: expected a list of strings", key);
		v = realloc(*out, (*count + 1) * sizeof(*v));
		if (!v)
			return refuse(w, n, "out of memory");
		*out = v;
		v[*count] = NULL;
		if (get_string(w, key, item, &v[*count]))
			return -1;
		(*count)++;
	}
	return 0;
}

/*
 * A mapping whose keys are in keys[0..n): fn(w, index, key node, value
 * node) for each, in the file's order; a key not there or given twice is
 * refused, naming where.  what names the mapping in messages.
 */
typedef int (*field_fn)(struct walk *w, int k, const yaml_node_t *key, const yaml_node_t *val);

static int walk_mapping(struct walk *w, const char *what, const yaml_node_t *n,
			const char *const *keys, size_t count, field_fn fn)
{
	int first[32] = { 0 };
	yaml_node_pair_t *p;
	char known[512] = "";

	if (n->type != YAML_MAPPING_NODE)
		return refuse(w, n, "%s: expected a mapping of keys", what);
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		size_t i;

		if (!k || !v)
			return refuse(w, n, "%s: malformed mapping", what);
		if (k->type != YAML_SCALAR_NODE)
			return refuse(w, k, "%s: a key must be a string", what);
		for (i = 0; i < count && strcmp(scalar(k), keys[i]); i++)
			;
		if (i == count) {
			for (size_t j = 0; j < count; j++)
				strbuf_printf(known + strlen(known), sizeof(known) - strlen(known),
					      "%s%s", j ? ", " : "", keys[j]);
			return refuse(w, k, "unknown key '%s' in %s (known: %s)", scalar(k), what,
				      known);
		}
		if (first[i])
			return refuse(w, k, "'%s' given twice in %s (first on line %d)", scalar(k),
				      what, first[i]);
		first[i] = line_of(k);
		if (fn(w, (int)i, k, v))
			return -1;
	}
	return 0;
}

/* ---- tls_server_config ---- */

enum {
	TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_AUTH_TYPE, TLS_CLIENT_CA_FILE, TLS_MIN_VERSION,
	TLS_MAX_VERSION, TLS_CIPHER_SUITES, TLS_PREFER_SERVER, TLS_CURVES,
	/* exporter-toolkit's, refused: see the top of this file */
	TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_ALLOWED_SANS,
	TLS_N_KEYS,
};

static const char *const tls_keys[TLS_N_KEYS] = {
	[TLS_CERT_FILE] = "cert_file", [TLS_KEY_FILE] = "key_file",
	[TLS_CLIENT_AUTH_TYPE] = "client_auth_type", [TLS_CLIENT_CA_FILE] = "client_ca_file",
	[TLS_MIN_VERSION] = "min_version", [TLS_MAX_VERSION] = "max_version",
	[TLS_CIPHER_SUITES] = "cipher_suites", [TLS_PREFER_SERVER] = "prefer_server_cipher_suites",
	[TLS_CURVES] = "curve_preferences",
	[TLS_CERT] = "cert", [TLS_KEY] = "key", [TLS_CLIENT_CA] = "client_ca",
	[TLS_ALLOWED_SANS] = "client_allowed_sans",
};

static int tls_field(struct walk *w, int k, const yaml_node_t *key, const yaml_node_t *v)
{
	struct web_config *c = w->c;
	const char *name = tls_keys[k];
	int i;

	(void)key;
	if (is_null(v))
		return 0;
	switch (k) {
	case TLS_CERT_FILE: return get_string(w, name, v, &c->cert_file);
	case TLS_KEY_FILE: return get_string(w, name, v, &c->key_file);
	case TLS_CLIENT_CA_FILE: return get_string(w, name, v, &c->client_ca_file);
	case TLS_CLIENT_AUTH_TYPE:
		if (get_name(w, name, v, client_auth_names, WEB_N_CLIENT_AUTH, &i))
			return -1;
		c->client_auth = (enum web_client_auth)i;
		return 0;
	case TLS_MIN_VERSION:
	case TLS_MAX_VERSION:
		if (get_name(w, name, v, version_names, WEB_N_TLS_VERSIONS, &i))
			return -1;
		*(k == TLS_MIN_VERSION ? &c->min_version : &c->max_version) = (enum web_tls_version)i;
		return 0;
	case TLS_CIPHER_SUITES:
		return get_list(w, name, v, &c->cipher_suites, &c->n_cipher_suites);
	case TLS_PREFER_SERVER:
		return get_bool(w, name, v, &c->prefer_server_cipher_suites);
	case TLS_CURVES:
		if (get_list(w, name, v, &c->curves, &c->n_curves))
			return -1;
		for (size_t j = 0; j < c->n_curves; j++) {
			size_t n = sizeof(curve_names) / sizeof(curve_names[0]);
			yaml_node_t *item = yaml_document_get_node(w->doc,
								  v->data.sequence.items.start[j]);

			if (get_name(w, name, item, curve_names, n, &i))
				return -1;
		}
		return 0;
	case TLS_CERT:
	case TLS_KEY:
	case TLS_CLIENT_CA:
		return refuse(w, key, "tls_server_config: inline '%s' is not supported by vqwatch: "
			      "use %s_file", name, name);
	default:
		return refuse(w, key, "tls_server_config: '%s' is not supported by vqwatch "
			      "(client_auth_type RequireAndVerifyClientCert with a CA of its own "
			      "limits the clients)", name);
	}
}

/* ---- http_server_config ---- */

static const char *const http_keys[] = { "http2", "headers" };

static const char *header_names[WEB_MAX_HEADERS];

static int header_field(struct walk *w, int k, const yaml_node_t *key, const yaml_node_t *v)
{
	struct web_config *c = w->c;
	struct web_header *h;
	const char *s;
	size_t i;

	if (is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE)
		return refuse(w, v, "headers: %s: expected a string", header_table[k].name);
	s = scalar(v);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return refuse(w, v, "headers: %s: a control character in the value",
				      header_table[k].name);
	if (header_table[k].values[0]) {
		for (i = 0; header_table[k].values[i] && strcasecmp(s, header_table[k].values[i]);
		     i++)
			;
		if (!header_table[k].values[i])
			return refuse(w, v, "headers: %s '%s': expected %s%s%s", header_table[k].name,
				      s, header_table[k].values[0],
				      header_table[k].values[1] ? " or " : "",
				      header_table[k].values[1] ? header_table[k].values[1] : "");
	}
	if (!*s)
		return 0;	/* exporter-toolkit: unset if blank */
	(void)key;
	h = &c->headers[c->n_headers];
	h->name = header_table[k].name;
	h->value = NULL;
	if (get_string(w, h->name, v, &h->value))
		return -1;
	c->n_headers++;
	return 0;
}

static int http_field(struct walk *w, int k, const yaml_node_t *key, const yaml_node_t *v)
{
	bool http2;

	(void)key;
	if (is_null(v))
		return 0;
	if (k == 0)	/* evhttp speaks HTTP/1.1 only: either value serves */
		return get_bool(w, "http2", v, &http2);
	return walk_mapping(w, "http_server_config.headers (exporter-toolkit's set)", v,
			    header_names, WEB_MAX_HEADERS, header_field);
}

/* ---- basic_auth_users ---- */

int webconfig_bcrypt_hash_ok(const char *s)
{
	static const char b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	int cost;

	if (strncmp(s, "$2", 2) || !s[2] || !strchr("aby", s[2]) || s[3] != '$' ||
	    s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' || s[6] != '$')
		return -1;
	cost = (s[4] - '0') * 10 + (s[5] - '0');
	if (cost < 4 || cost > 31 || strlen(s + 7) != 53 || strspn(s + 7, b64) != 53)
		return -1;
	return 0;
}

static int walk_users(struct walk *w, const yaml_node_t *n)
{
	struct web_config *c = w->c;
	yaml_node_pair_t *p;

	if (is_null(n))
		return 0;
	if (n->type != YAML_MAPPING_NODE)
		return refuse(w, n, "basic_auth_users: expected a mapping of user: bcrypt hash");
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(w->doc, p->value);
		struct web_user *u;

		if (!k || !v || k->type != YAML_SCALAR_NODE)
			return refuse(w, k ? k : n, "basic_auth_users: a user name must be a string");
		if (!*scalar(k) || strchr(scalar(k), ':'))
			return refuse(w, k, "basic_auth_users: '%s': a user name is not empty and "
				      "has no ':' (basic auth splits there)", scalar(k));
		for (size_t i = 0; i < c->n_users; i++)
			if (!strcmp(c->users[i].name, scalar(k)))
				return refuse(w, k, "basic_auth_users: '%s' given twice (first on "
					      "line %d)", scalar(k), c->users[i].line);
		if (v->type != YAML_SCALAR_NODE || webconfig_bcrypt_hash_ok(scalar(v)))
			return refuse(w, v, "basic_auth_users: '%s': not a bcrypt hash ($2y$, $2b$ or "
				      "$2a$, cost 04 to 31, 60 characters: htpasswd -nBC 10 %s)",
				      scalar(k), scalar(k));
		u = realloc(c->users, (c->n_users + 1) * sizeof(*u));
		if (!u)
			return refuse(w, n, "out of memory");
		c->users = u;
		u = &c->users[c->n_users];
		*u = (struct web_user){ .name = strdup(scalar(k)), .hash = strdup(scalar(v)),
					.line = line_of(k) };
		c->n_users++;
		if (!u->name || !u->hash)
			return refuse(w, n, "out of memory");
	}
	return 0;
}

/* ---- the document ---- */

enum { TOP_TLS, TOP_HTTP, TOP_USERS, TOP_RATE_LIMIT, TOP_N };
static const char *const top_keys[TOP_N] = {
	[TOP_TLS] = "tls_server_config", [TOP_HTTP] = "http_server_config",
	[TOP_USERS] = "basic_auth_users", [TOP_RATE_LIMIT] = "rate_limit",
};

static int top_field(struct walk *w, int k, const yaml_node_t *key, const yaml_node_t *v)
{
	switch (k) {
	case TOP_TLS:
		if (is_null(v))
			return 0;
		return walk_mapping(w, "tls_server_config", v, tls_keys, TLS_N_KEYS, tls_field);
	case TOP_HTTP:
		if (is_null(v))
			return 0;
		return walk_mapping(w, "http_server_config", v, http_keys, 2, http_field);
	case TOP_USERS:
		return walk_users(w, v);
	default:
		return refuse(w, key, "'rate_limit' is not supported by vqwatch");
	}
}

/* What exporter-toolkit checks once the file is read (web/tls_config.go). */
static int check(struct walk *w, const yaml_node_t *root)
{
	struct web_config *c = w->c;
	bool any = c->cert_file || c->key_file || c->client_ca_file ||
		   c->client_auth != WEB_NO_CLIENT_CERT;

	if (!any)
		return 0;	/* no TLS: plain HTTP */
	if (!c->cert_file)
		return refuse(w, root, "tls_server_config: missing cert_file");
	if (!c->key_file)
		return refuse(w, root, "tls_server_config: missing key_file");
	if (c->client_ca_file && c->client_auth == WEB_NO_CLIENT_CERT)
		return refuse(w, root, "tls_server_config: client_ca_file given with client_auth_type "
			      "NoClientCert: set client_auth_type RequireAndVerifyClientCert");
	if (!c->client_ca_file && (c->client_auth == WEB_VERIFY_CLIENT_CERT_IF_GIVEN ||
				   c->client_auth == WEB_REQUIRE_AND_VERIFY_CLIENT_CERT))
		return refuse(w, root, "tls_server_config: client_auth_type %s needs client_ca_file "
			      "(the CA that signs the clients' certificates)",
			      client_auth_names[c->client_auth]);
	if (c->min_version > c->max_version)
		return refuse(w, root, "tls_server_config: min_version %s is above max_version %s",
			      version_names[c->min_version], version_names[c->max_version]);
	c->tls = true;
	return 0;
}

static void defaults(struct web_config *c)
{
	*c = (struct web_config){
		.min_version = WEB_TLS12,
		.max_version = WEB_TLS13,
		.prefer_server_cipher_suites = true,
	};
}

static int parse(const char *path, yaml_parser_t *parser, struct web_config *c, char *err,
		 size_t errlen)
{
	struct walk w = { .path = path, .c = c, .err = err, .errlen = errlen };
	yaml_document_t doc, more;
	yaml_node_t *root;
	int ret = -1;

	for (size_t i = 0; i < WEB_MAX_HEADERS; i++)
		header_names[i] = header_table[i].name;
	defaults(c);
	if (!yaml_parser_load(parser, &doc)) {
		const yaml_mark_t *m = parser->problem ? &parser->problem_mark : &parser->mark;

		strbuf_printf(err, errlen, "%s:%zu: not YAML: %s%s%s", path, m->line + 1,
			      parser->problem ? parser->problem : "cannot be parsed",
			      parser->context ? " " : "", parser->context ? parser->context : "");
		return -1;
	}
	w.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		ret = 0;	/* empty: no TLS, no authentication */
	} else if (is_null(root)) {
		ret = 0;
	} else if (root->type != YAML_MAPPING_NODE) {
		refuse(&w, root, "expected a mapping of tls_server_config, http_server_config, "
		       "basic_auth_users");
	} else if (!walk_mapping(&w, "the web configuration", root, top_keys, TOP_N, top_field) &&
		   !check(&w, root)) {
		ret = 0;
	}
	if (!ret && root) {	/* exporter-toolkit reads one document */
		if (!yaml_parser_load(parser, &more)) {
			strbuf_printf(err, errlen, "%s:%zu: not YAML: %s", path,
				      parser->problem_mark.line + 1,
				      parser->problem ? parser->problem : "cannot be parsed");
			ret = -1;
		} else {
			yaml_node_t *r2 = yaml_document_get_root_node(&more);

			if (r2) {
				strbuf_printf(err, errlen, "%s:%zu: a second YAML document: the web "
					      "configuration is one", path, r2->start_mark.line + 1);
				ret = -1;
			}
			yaml_document_delete(&more);
		}
	}
	yaml_document_delete(&doc);
	if (ret)
		webconfig_free(c);
	return ret;
}

int webconfig_parse(const char *name, const char *text, size_t len, struct web_config *c,
		    char *err, size_t errlen)
{
	yaml_parser_t parser;
	int ret;

	if (!yaml_parser_initialize(&parser)) {
		strbuf_printf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ret = parse(name, &parser, c, err, errlen);
	yaml_parser_delete(&parser);
	return ret;
}

int webconfig_load(const char *path, struct web_config *c, char *err, size_t errlen)
{
	yaml_parser_t parser;
	struct stat st;
	FILE *f;
	int ret;

	*c = (struct web_config){ 0 };
	f = fopen(path, "re");
	if (!f) {
		strbuf_printf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || S_ISDIR(st.st_mode)) {
		strbuf_printf(err, errlen, "%s: cannot read: %s", path,
			      S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
		fclose(f);
		return -1;
	}
	if (!yaml_parser_initialize(&parser)) {
		strbuf_printf(err, errlen, "%s: out of memory", path);
		fclose(f);
		return -1;
	}
	yaml_parser_set_input_file(&parser, f);
	ret = parse(path, &parser, c, err, errlen);
	if (ferror(f)) {
		strbuf_printf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		if (!ret)
			webconfig_free(c);
		ret = -1;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return ret;
}

void webconfig_free(struct web_config *c)
{
	free(c->cert_file);
	free(c->key_file);
	free(c->client_ca_file);
	for (size_t i = 0; i < c->n_cipher_suites; i++)
		free(c->cipher_suites[i]);
	free(c->cipher_suites);
	for (size_t i = 0; i < c->n_curves; i++)
		free(c->curves[i]);
	free(c->curves);
	for (size_t i = 0; i < c->n_headers; i++)
		free(c->headers[i].value);
	for (size_t i = 0; i < c->n_users; i++) {
		free(c->users[i].name);
		free(c->users[i].hash);
	}
	free(c->users);
	*c = (struct web_config){ 0 };
}
