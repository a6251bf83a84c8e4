/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitHub App installation tokens, as Flux's auth/githubapp gets them:
 *
 *   1. sign a JWT as the App (RS256, iss = app ID);
 *   2. with only an owner, look the installation up: GET
 *      {base}/orgs/{owner}/installation, then /users/{owner}/installation;
 *   3. POST {base}/app/installations/{id}/access_tokens, which answers
 *      {"token": ..., "expires_at": ...}.
 *
 * Tokens live an hour on GitHub; the cache keeps one until 80% of that has
 * passed (Flux's TokenCache rule, from kubelet's token rotation), so a
 * fleet of repositories of one installation costs one request an hour
 * rather than one per fetch. The cache key hashes the private key too:
 * a Secret with another key never gets a token minted with the old one.
 *
 * Messages follow Flux (go-github's "<METHOD> <url>: <status> <message>
 * []"); they carry the API's own message, never the JWT or the token.
 */
#include "controllers/source/githubapp.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/http.h"
#include "core/json.h"
#include "core/log.h"
#include "kube/table.h"
#include "runtime/fluxobj.h"

#define K_APP_ID "githubAppID"
#define K_OWNER "githubAppInstallationOwner"
#define K_INST_ID "githubAppInstallationID"
#define K_KEY "githubAppPrivateKey"
#define K_BASE "githubAppBaseURL"

#define MAX_ANSWER (256u << 10)  /* API answers are a few KiB */
#define MAX_PEM (32u << 10)      /* an RSA 8192 key is ~6.5 KiB */
#define MAX_TOKEN 1024           /* GitHub's are 40 bytes today */
#define MAX_URL 2048
#define MAX_MESSAGE 200          /* of the API's "message", in ours */
#define CACHE_MAX 1024           /* apps x installations per process */
#define KEEP_MAX_S 3600          /* Flux's TokenMaxDuration */
#define JWT_BACKDATE_S 60        /* GitHub's advice for clock drift */
#define JWT_LIFETIME_S 120       /* used once, right away */

/* ---- the Secret ---- */

static const char *value(cf_arena *a, const cf_node *secret, const char *k)
{
	return cf_flux_secret_value(a, secret, k, NULL);
}

int cf_ghapp_secret_has_app(const cf_node *secret, cf_arena *a)
{
	const char *id = value(a, secret, K_APP_ID);

	return id && *id;
}

int cf_ghapp_from_secret(cf_ghapp *out, cf_arena *a, const cf_node *secret,
    const char *ns, const char *name)
{
	const char *id = value(a, secret, K_APP_ID);
	const char *owner = value(a, secret, K_OWNER);
	const char *inst = value(a, secret, K_INST_ID);
	size_t keylen = 0;
	const char *key = cf_flux_secret_value(a, secret, K_KEY, &keylen);
	const char *s;

	memset(out, 0, sizeof(*out));
	/* Flux's GitHubAppDataFromSecret: none of the keys is "no app";
	 * some of them is a broken one, named by its first missing key. */
	if (!id && !owner && !inst && !key)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "secret '%s/%s' has no GitHub App data", ns, name);
	if (!id || !key)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "secret '%s/%s': key '%s' not found", ns, name,
		    !id ? K_APP_ID : K_KEY);
	if (!owner == !inst)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "secret '%s/%s' must contain exactly one of '%s' or '%s'",
		    ns, name, K_OWNER, K_INST_ID);
	out->app_id = id;
	out->installation_owner = owner;
	out->installation_id = inst;
	out->private_key = key;
	out->private_key_len = keylen;
	if ((s = value(a, secret, K_BASE)) && *s)
		out->base_url = s;
	if ((s = value(a, secret, "ca.crt")) && *s)
		out->ca_pem = s;
	return 0;
}

/* ---- the JWT ---- */

/* An encrypted key has no passphrase to give: fail instead of asking
 * the terminal, which is what OpenSSL does without a callback. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return 0;
}

/* golang-jwt's ParseRSAPrivateKeyFromPEM messages, which Flux shows. */
static int load_rsa(EVP_PKEY **out, const char *pem, size_t len)
{
	EVP_PKEY *k = NULL;
	BIO *bio;

	*out = NULL;
	if (len > MAX_PEM)
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS, "could not parse "
		    "private key: longer than %u bytes", MAX_PEM);
	if ((bio = BIO_new_mem_buf(pem, (int)len))) {
		k = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
		BIO_free(bio);
	}
	ERR_clear_error();
	if (!k)
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS, "could not parse "
		    "private key: invalid key: Key must be a PEM encoded PKCS1 "
		    "or PKCS8 key");
	if (!EVP_PKEY_is_a(k, "RSA")) {
		EVP_PKEY_free(k);
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS, "could not parse "
		    "private key: key is not a valid RSA private key");
	}
	*out = k;
	return 0;
}

static int sign_rs256(cf_buf *out, EVP_PKEY *k, const char *data,
    size_t len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int error = CF_ERROR;

	if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
	    EVP_DigestSign(md, NULL, &siglen, (const unsigned char *)data,
	    len) != 1)
		goto done;
	sig = cf_xmalloc(siglen);
	if (EVP_DigestSign(md, sig, &siglen, (const unsigned char *)data,
	    len) != 1)
		goto done;
	error = cf_base64_encode(out, sig, siglen, true);
done:
	if (error == CF_ERROR)
		cf_error_set(CF_ERR_TLS, "signing the GitHub App JWT failed");
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	free(sig);
	return error;
}

int cf_ghapp_jwt(cf_buf *out, int64_t app_id, const char *pem, size_t len,
    int64_t now)
{
	static const char header[] = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
	size_t start = out->len;
	cf_buf claims = CF_BUF_INIT;
	EVP_PKEY *k;
	int error;

	if ((error = load_rsa(&k, pem, len)) < 0)
		return error;
	cf_buf_addf(&claims, "{\"iat\":%" PRId64 ",\"exp\":%" PRId64
	    ",\"iss\":\"%" PRId64 "\"}", now - JWT_BACKDATE_S,
	    now + JWT_LIFETIME_S, app_id);
	if ((error = cf_base64_encode(out, header, sizeof(header) - 1,
	    true)) < 0 || (error = cf_buf_addch(out, '.')) < 0 ||
	    (error = cf_base64_encode(out, claims.buf, claims.len, true)) < 0)
		goto done;
	/* The signing input is what is in out so far: header.claims. */
	{
		char *input = cf_xstrndup(out->buf + start, out->len - start);

		if ((error = cf_buf_addch(out, '.')) == 0)
			error = sign_rs256(out, k, input, strlen(input));
		free(input);
	}
done:
	if (error < 0)
		cf_buf_truncate(out, start);
	cf_buf_release(&claims);
	EVP_PKEY_free(k);
	return error;
}

/* ---- the API ---- */

struct api {
	cf_http *http;
	const char *base;   /* without a trailing '/' */
	const char *headers[2];
	cf_buf auth;        /* "Authorization: Bearer <jwt>" */
	long timeout_ms;
};

/* The API's "message", printable and short, for ours. */
static void api_message(char *out, size_t n, cf_arena *a,
    const cf_http_response *resp)
{
	cf_node *doc = NULL;
	const char *m = NULL;
	size_t i = 0;

	if (cf_json_parse(&doc, a, resp->body.buf, resp->body.len, NULL) == 0)
		m = cf_node_getp_str(doc, "message", NULL);
	for (; m && m[i] && i < MAX_MESSAGE && i + 1 < n; i++)
		out[i] = m[i] >= 0x20 && m[i] < 0x7f ? m[i] : '?';
	out[i] = '\0';
}

/* One request; on a 2xx answer *out is its JSON document (in a). */
static int api_call(cf_node **out, struct api *c, cf_arena *a,
    const char *method, const char *path)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_buf url = CF_BUF_INIT, safe = CF_BUF_INIT;
	char msg[MAX_MESSAGE + 1];
	int error;

	cf_buf_addf(&url, "%s%s", c->base, path);
	cf_http_redact_url(&safe, url.buf);
	error = cf_http_do(c->http, &(cf_http_request){
		.method = method, .url = url.buf,
		.headers = c->headers, .nheaders = 2,
		.body = "", .body_len = 0,
		.accept = "application/vnd.github+json",
		.max_body = MAX_ANSWER, .timeout_ms = c->timeout_ms,
	}, &resp);
	if (error < 0)
		goto done;
	if (resp.status < 200 || resp.status > 299) {
		long st = resp.status;

		api_message(msg, sizeof(msg), a, &resp);
		error = cf_error_setc(st == 401 || st == 403 || st == 404 ?
		    CF_EFORBIDDEN : CF_ERROR, CF_ERR_HTTP, "%s %s: %ld %s []",
		    method, safe.buf, st, msg);
		goto done;
	}
	if (cf_json_parse(out, a, resp.body.buf, resp.body.len, NULL) < 0 ||
	    !cf_node_is(*out, CF_NODE_MAP))
		error = cf_error_set(CF_ERR_HTTP, "%s %s: the answer is not a "
		    "JSON object", method, safe.buf);
done:
	/* The body of an access_tokens answer holds the token. */
	OPENSSL_cleanse(resp.body.buf, resp.body.len);
	cf_http_response_release(&resp);
	cf_buf_release(&url);
	cf_buf_release(&safe);
	return error;
}

/* Flux's getInstallationID: the owner as an organization, then as a
 * user; both failures are reported, joined as errors.Join does. */
static int find_installation(int64_t *id, struct api *c, cf_arena *a,
    const char *owner)
{
	static const char *const kinds[] = { "orgs", "users" };
	static const char *const what[] = { "organization", "user" };
	char first[CF_ERROR_MSG_MAX / 2], second[CF_ERROR_MSG_MAX / 2];
	cf_node *doc = NULL;
	int error = CF_ERROR;

	for (size_t i = 0; i < 2; i++) {
		cf_buf path = CF_BUF_INIT;

		cf_buf_addf(&path, "/%s/", kinds[i]);
		cf_http_add_escaped(&path, owner);
		cf_buf_adds(&path, "/installation");
		error = api_call(&doc, c, a, "GET", path.buf);
		cf_buf_release(&path);
		if (error == 0 && (!cf_node_as_int(cf_node_get(doc, "id"),
		    id) || *id <= 0))
			error = cf_error_set(CF_ERR_HTTP, "the answer has no "
			    "installation id");
		if (error == 0)
			return 0;
		if (i == 0)
			snprintf(first, sizeof(first), "%s", cf_error_msg());
	}
	snprintf(second, sizeof(second), "%s", cf_error_msg());
	return cf_error_setc(error, CF_ERR_HTTP, "failed to find %s "
	    "installation: %s\nfailed to find %s installation: %s", what[0],
	    first, what[1], second);
}

static int token_ok(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	if (!n || n > MAX_TOKEN)
		return 0;
	/* It becomes a basic-auth password: no ':' and nothing unprintable. */
	for (size_t i = 0; i < n; i++)
		if (t[i] <= 0x20 || t[i] >= 0x7f || t[i] == ':')
			return 0;
	return 1;
}

/* The proxy URL with its credentials in it, as cf_http takes it. */
static void proxy_url(cf_buf *out, const cf_ghapp_opts *o)
{
	const char *sep = strstr(o->proxy, "://");

	if (!o->proxy_username || !*o->proxy_username || !sep) {
		cf_buf_adds(out, o->proxy);
		return;
	}
	cf_buf_add(out, o->proxy, (size_t)(sep + 3 - o->proxy));
	cf_http_add_escaped(out, o->proxy_username);
	cf_buf_addch(out, ':');
	if (o->proxy_password)
		cf_http_add_escaped(out, o->proxy_password);
	cf_buf_addf(out, "@%s", sep + 3);
}

/* ---- the environment's proxy ---- */

/* Host (lower case, no brackets) and port of an http(s) URL. */
static int url_host(char *host, size_t n, unsigned *port, const char *url)
{
	const char *h = strstr(url, "://"), *end, *sep;

	if (!h)
		return -1;
	h += 3;
	end = h + strcspn(h, "/?#");
	for (const char *p = h; p < end; p++)
		if (*p == '@') /* userinfo */
			h = p + 1;
	*port = strncmp(url, "https:", 6) ? 80 : 443;
	if (*h == '[') { /* [v6]:port */
		if (!(sep = memchr(h, ']', (size_t)(end - h))))
			return -1;
		if (sep + 1 < end && sep[1] == ':')
			*port = (unsigned)strtoul(sep + 2, NULL, 10);
		h++;
		end = sep;
	} else if ((sep = memchr(h, ':', (size_t)(end - h)))) {
		*port = (unsigned)strtoul(sep + 1, NULL, 10);
		end = sep;
	}
	if ((size_t)(end - h) >= n)
		return -1;
	for (size_t i = 0; h + i < end; i++)
		host[i] = (char)(h[i] >= 'A' && h[i] <= 'Z' ? h[i] + 32 : h[i]);
	host[end - h] = '\0';
	return 0;
}

static bool is_loopback(const char *host)
{
	unsigned char ip[16];

	if (!strcmp(host, "localhost"))
		return true;
	if (inet_pton(AF_INET, host, ip) == 1)
		return ip[0] == 127;
	return inet_pton(AF_INET6, host, ip) == 1 &&
	    !memcmp(ip, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16);
}

/* One NO_PROXY entry against host:port, with Go's httpproxy rules:
 * "*" is every host; "a.b" matches a.b and its subdomains, ".a.b" and
 * "*.a.b" only the subdomains; an IP matches itself; ":port" narrows.
 * CIDR ranges are not read (such an entry matches nothing). */
static bool no_proxy_entry(const char *e, size_t n, const char *host,
    unsigned port)
{
	char ent[256];
	const char *colon;
	size_t hl = strlen(host), el;

	while (n && (*e == ' ' || *e == '\t'))
		e++, n--;
	while (n && (e[n - 1] == ' ' || e[n - 1] == '\t'))
		n--;
	if (!n || n >= sizeof(ent))
		return false;
	memcpy(ent, e, n);
	ent[n] = '\0';
	if (!strcmp(ent, "*"))
		return true;
	colon = strrchr(ent, ':');
	if (colon && !strchr(ent, ']') && strchr(ent, ':') == colon) {
		if ((unsigned)strtoul(colon + 1, NULL, 10) != port)
			return false;
		ent[colon - ent] = '\0';
	}
	e = ent[0] == '*' && ent[1] == '.' ? ent + 1 : ent;
	el = strlen(e);
	if (*e != '.')
		return !strcasecmp(host, e) || (hl > el &&
		    host[hl - el - 1] == '.' && !strcasecmp(host + hl - el, e));
	return hl > el && !strcasecmp(host + hl - el, e);
}

/*
 * Without spec.proxySecretRef the daemon's proxy variables apply, as Go's
 * ProxyFromEnvironment applies them to Flux's API requests: HTTPS_PROXY
 * (or https_proxy) for an https API, HTTP_PROXY for http; never for
 * localhost and loopback addresses nor hosts NO_PROXY names. NULL: direct.
 */
static const char *env_proxy(const char *url)
{
	bool tls = !strncmp(url, "https://", 8);
	const char *v = getenv(tls ? "HTTPS_PROXY" : "HTTP_PROXY");
	const char *no = getenv("NO_PROXY");
	char host[256];
	unsigned port;

	if (!v || !*v)
		v = getenv(tls ? "https_proxy" : "http_proxy");
	if (!v || !*v || strlen(v) > MAX_URL ||
	    url_host(host, sizeof(host), &port, url) < 0 || is_loopback(host))
		return NULL;
	if (!no || !*no)
		no = getenv("no_proxy");
	while (no && *no) {
		size_t n = strcspn(no, ",");

		if (no_proxy_entry(no, n, host, port))
			return NULL;
		no += n + (no[n] == ',');
	}
	return v;
}

static int api_open(struct api *c, const cf_ghapp *app, int64_t app_id,
    const cf_ghapp_opts *o, cf_buf *base)
{
	cf_buf proxy = CF_BUF_INIT;
	cf_http_opts ho = { 0 };
	int error;

	cf_buf_adds(base, app->base_url ? app->base_url : CF_GHAPP_DEFAULT_API);
	while (base->len && base->buf[base->len - 1] == '/')
		cf_buf_truncate(base, base->len - 1);
	if (base->len > MAX_URL || (strncmp(base->buf, "https://", 8) &&
	    strncmp(base->buf, "http://", 7)))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "invalid API "
		    "URL: '%s' must be an http:// or https:// URL", K_BASE);
	c->base = base->buf;
	cf_buf_adds(&c->auth, "Authorization: Bearer ");
	if ((error = cf_ghapp_jwt(&c->auth, app_id, app->private_key,
	    app->private_key_len, (int64_t)time(NULL))) < 0)
		return error;
	c->headers[0] = c->auth.buf;
	c->headers[1] = "X-GitHub-Api-Version: 2022-11-28";
	c->timeout_ms = o->timeout_ms ? o->timeout_ms : 60000;
	if (app->ca_pem) {
		ho.ca_pem = app->ca_pem;
		ho.ca_pem_len = strlen(app->ca_pem);
	}
	if (o->proxy && *o->proxy) {
		proxy_url(&proxy, o);
		ho.proxy = proxy.buf;
	} else if ((ho.proxy = env_proxy(c->base)) && !strstr(ho.proxy,
	    "://")) {
		cf_buf_addf(&proxy, "http://%s", ho.proxy); /* as Go reads it */
		ho.proxy = proxy.buf;
	}
	ho.timeout_ms = c->timeout_ms;
	error = cf_http_new(&c->http, &ho);
	OPENSSL_cleanse(proxy.buf, proxy.len);
	cf_buf_release(&proxy);
	return error;
}

static void api_close(struct api *c)
{
	cf_http_free(c->http);
	OPENSSL_cleanse(c->auth.buf, c->auth.len);
	cf_buf_release(&c->auth);
}

/* Ask the API for a token: *token is malloc'd, *expires in unix seconds
 * (0 when the answer has no readable expiry: such a token is not kept). */
static int mint(char **token, int64_t *expires, const cf_ghapp *app,
    int64_t app_id, int64_t inst_id, const cf_ghapp_opts *o)
{
	struct api c = { .auth = CF_BUF_INIT };
	cf_buf base = CF_BUF_INIT, path = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *doc = NULL;
	const char *t, *exp;
	int error;

	*token = NULL;
	*expires = 0;
	if ((error = api_open(&c, app, app_id, o, &base)) < 0)
		goto done;
	if (!inst_id && (error = find_installation(&inst_id, &c, &a,
	    app->installation_owner)) < 0)
		goto done;
	cf_buf_addf(&path, "/app/installations/%" PRId64 "/access_tokens",
	    inst_id);
	if ((error = api_call(&doc, &c, &a, "POST", path.buf)) < 0)
		goto done;
	t = cf_node_getp_str(doc, "token", NULL);
	if (!token_ok(t)) {
		cf_buf safe = CF_BUF_INIT;

		cf_http_redact_url(&safe, c.base); /* no userinfo */
		error = cf_error_set(CF_ERR_HTTP, "POST %s%s: the answer has "
		    "no usable token", safe.buf, path.buf);
		cf_buf_release(&safe);
		goto done;
	}
	*token = cf_xstrdup(t);
	OPENSSL_cleanse((void *)t, strlen(t));
	exp = cf_node_getp_str(doc, "expires_at", NULL);
	if (!exp || cf_time_parse(expires, exp) < 0)
		*expires = 0;
	cf_log_debug("GitHub App %" PRId64 " installation %" PRId64 ": new "
	    "access token, expires at %.40s", app_id, inst_id,
	    exp ? exp : "?");
done:
	api_close(&c);
	cf_buf_release(&base);
	cf_buf_release(&path);
	cf_arena_release(&a);
	return error;
}

/* ---- the cache ---- */

struct entry {
	unsigned char key[32];
	char *token;          /* NULL while minting */
	int64_t fresh_until;  /* monotonic ms */
	int64_t used;         /* LRU tick */
	bool minting;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t done;  /* a mint finished */
	struct entry *e;
	size_t n, alloc;
	int64_t tick;
} cache = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0,
	0, 0 };

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Flux's buildCacheKey fields, each length-prefixed so no two apps can
 * run together into one string. */
static void cache_key(unsigned char key[32], const cf_ghapp *app,
    const char *base)
{
	const char *parts[] = { app->app_id, app->installation_owner,
		app->installation_id, base };
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int n = 32;

	if (!md)
		CF_BUG("EVP_MD_CTX_new");
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		uint64_t len = parts[i] ? strlen(parts[i]) : UINT64_MAX;

		EVP_DigestUpdate(md, &len, sizeof(len));
		if (parts[i])
			EVP_DigestUpdate(md, parts[i], (size_t)len);
	}
	EVP_DigestUpdate(md, &(uint64_t){ app->private_key_len },
	    sizeof(uint64_t));
	EVP_DigestUpdate(md, app->private_key, app->private_key_len);
	EVP_DigestFinal_ex(md, key, &n);
	EVP_MD_CTX_free(md);
}

static void entry_drop_token(struct entry *e)
{
	if (e->token) {
		OPENSSL_cleanse(e->token, strlen(e->token));
		free(e->token);
		e->token = NULL;
	}
}

static void entry_remove(size_t i)
{
	entry_drop_token(&cache.e[i]);
	cache.e[i] = cache.e[--cache.n];
}

static struct entry *entry_find(const unsigned char key[32])
{
	for (size_t i = 0; i < cache.n; i++)
		if (!memcmp(cache.e[i].key, key, 32))
			return &cache.e[i];
	return NULL;
}

/* Stale entries go first, then the least recently used. */
static int64_t lru_rank(const struct entry *e, int64_t now)
{
	return e->fresh_until <= now ? INT64_MIN : e->used;
}

/* A new entry marked minting; full, the stalest one not minting goes. */
static struct entry *entry_add(const unsigned char key[32])
{
	struct entry *e;

	if (cache.n >= CACHE_MAX) {
		size_t victim = cache.n;
		int64_t now = mono_ms();

		for (size_t i = 0; i < cache.n; i++)
			if (!cache.e[i].minting && (victim == cache.n ||
			    lru_rank(&cache.e[i], now) <
			    lru_rank(&cache.e[victim], now)))
				victim = i;
		if (victim < cache.n)
			entry_remove(victim);
	}
	CF_GROW(cache.e, cache.alloc, cache.n + 1);
	e = &cache.e[cache.n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->key, key, 32);
	e->minting = true;
	return e;
}

void cf_ghapp_cache_clear(void)
{
	pthread_mutex_lock(&cache.mu);
	for (size_t i = cache.n; i-- > 0;)
		if (!cache.e[i].minting)
			entry_remove(i);
	pthread_mutex_unlock(&cache.mu);
}

/* Keep a token for 80% of what is left of its life, at most an hour. */
static int64_t keep_ms(int64_t expires)
{
	int64_t left = expires - (int64_t)time(NULL);

	if (expires <= 0 || left <= 0)
		return 0;
	left = left * 8 / 10;
	return (left > KEEP_MAX_S ? KEEP_MAX_S : left) * 1000;
}

/* Flux's New(): the app ID and the installation must be numbers. */
static int parse_ids(int64_t *app_id, int64_t *inst_id, const cf_ghapp *app)
{
	char *end;

	*inst_id = 0;
	*app_id = app->app_id ? strtoll(app->app_id, &end, 10) : 0;
	if (!app->app_id || !*app->app_id || *end || *app_id <= 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "app ID must "
		    "be provided to use github app authentication");
	if (app->installation_id && *app->installation_id) {
		*inst_id = strtoll(app->installation_id, &end, 10);
		if (*end || *inst_id <= 0)
			*inst_id = 0;
	}
	if (!*inst_id && (!app->installation_owner ||
	    !*app->installation_owner))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "app "
		    "installation owner or ID must be provided to use github "
		    "app authentication");
	if (!app->private_key || !app->private_key_len)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "private key "
		    "must be provided to use github app authentication");
	return 0;
}

static void wipe(void *s)
{
	OPENSSL_cleanse(s, strlen(s));
}

/* The caller's copy of a token is wiped when its arena is released. */
static const char *arena_secret(cf_arena *a, const char *s)
{
	char *copy = cf_arena_strdup(a, s);

	cf_arena_defer(a, wipe, copy);
	return copy;
}

int cf_ghapp_token(const char **out, cf_arena *a, const cf_ghapp *app,
    const cf_ghapp_opts *opts)
{
	static const cf_ghapp_opts none = { 0 };
	unsigned char key[32];
	int64_t app_id, inst_id, expires = 0;
	struct entry *e;
	char *token = NULL;
	int error;

	*out = NULL;
	if ((error = parse_ids(&app_id, &inst_id, app)) < 0)
		return error;
	cache_key(key, app, app->base_url);
	pthread_mutex_lock(&cache.mu);
	for (;;) {
		e = entry_find(key);
		if (e && e->token && e->fresh_until > mono_ms()) {
			e->used = ++cache.tick;
			*out = arena_secret(a, e->token);
			pthread_mutex_unlock(&cache.mu);
			return 0;
		}
		if (!e || !e->minting)
			break;
		/* Another pass is asking for this very token: wait for it. */
		pthread_cond_wait(&cache.done, &cache.mu);
	}
	if (e) {
		entry_drop_token(e);
		e->minting = true;
	} else {
		entry_add(key);
	}
	pthread_mutex_unlock(&cache.mu);

	error = mint(&token, &expires, app, app_id, inst_id,
	    opts ? opts : &none);

	pthread_mutex_lock(&cache.mu);
	e = entry_find(key);
	if (error < 0 || !keep_ms(expires)) {
		if (e)
			entry_remove((size_t)(e - cache.e));
	} else if (e) {
		e->minting = false;
		e->token = cf_xstrdup(token);
		e->fresh_until = mono_ms() + keep_ms(expires);
		e->used = ++cache.tick;
	}
	pthread_cond_broadcast(&cache.done);
	pthread_mutex_unlock(&cache.mu);
	if (token) {
		*out = arena_secret(a, token);
		OPENSSL_cleanse(token, strlen(token));
		free(token);
	}
	return error;
}
