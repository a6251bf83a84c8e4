/* SPDX-License-Identifier: Apache-2.0 */
/*
 * REST client. The shape follows client-go's rest and dynamic clients:
 * every request goes through cf_client__pace (token bucket, token file
 * refresh) and send_req() (retries), and every error answer is turned into a
 * CF_E* code once, in cf_client_status_error, keeping the server's
 * message so users see what kubectl would show.
 *
 * Retry policy, and why it differs per verb: a 429 (and a 5xx that
 * carries Retry-After, as API Priority and Fairness sends) means the
 * server did not act, so any request can be sent again. A bare 5xx or a
 * dropped connection may have happened after the server acted, so only
 * requests that mean the same thing twice (GET, PUT with its
 * resourceVersion, DELETE, server-side apply) are retried then. A refused
 * connection never reached the server and is retried for every verb.
 */
#include "client/client_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "kube/scheme.h"

#define TOKEN_REFRESH_NS (60ll * 1000000000) /* as client-go: a minute */
#define DISCOVERY_REFRESH_NS (1ll * 1000000000)

static const char *adup(cf_arena *a, const char *s)
{
	return s ? cf_arena_strdup(a, s) : NULL;
}

static const char *adup_blob(cf_arena *a, const char *s, size_t n)
{
	char *r;

	if (!s)
		return NULL;
	r = cf_arena_alloc(a, n + 1);
	memcpy(r, s, n);
	r[n] = '\0';
	return r;
}

/* A header value must not be able to start a header of its own. */
static int add_header(cf_client *c, const char *name, const char *value)
{
	size_t n;

	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "%s must not contain control characters", name);
	if (!*value)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s must not be empty", name);
	CF_GROW(c->headers, c->headers_alloc, c->nheaders + 1);
	n = strlen(name) + strlen(value) + 3;
	c->headers[c->nheaders] = cf_xmalloc(n);
	snprintf(c->headers[c->nheaders], n, "%s: %s", name, value);
	c->nheaders++;
	return 0;
}

static int add_impersonation(cf_client *c)
{
	int err = 0;

	if (c->opts.impersonate_user)
		err = add_header(c, "Impersonate-User",
		    c->opts.impersonate_user);
	for (size_t i = 0; err == 0 && c->opts.impersonate_groups &&
	    c->opts.impersonate_groups[i]; i++)
		err = add_header(c, "Impersonate-Group",
		    c->opts.impersonate_groups[i]);
	/* Groups alone mean nothing to the server: it refuses them. */
	if (err == 0 && !c->opts.impersonate_user && c->nheaders > 0)
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "impersonating groups needs a user");
	/* The caller's strings need not outlive cf_client_new. */
	c->opts.impersonate_user = NULL;
	c->opts.impersonate_groups = NULL;
	return err;
}

int cf_client_new(cf_client **out, const cf_rest_config *cfg,
    const cf_client_opts *opts)
{
	cf_client *c = cf_xcalloc(1, sizeof(*c));
	cf_arena *a = &c->cfg_arena;
	int err;

	if (opts)
		c->opts = *opts;
	if (c->opts.max_retries == 0)
		c->opts.max_retries = 5;
	if (c->opts.backoff_base_ms <= 0)
		c->opts.backoff_base_ms = 200;
	if (c->opts.backoff_max_ms <= 0)
		c->opts.backoff_max_ms = 10000;

	/* A private copy, so the caller's arena may go away. */
	c->cfg.server = adup(a, cfg->server);
	c->cfg.ca_pem = adup_blob(a, cfg->ca_pem, cfg->ca_pem_len);
	c->cfg.ca_pem_len = cfg->ca_pem_len;
	c->cfg.cert_pem = adup_blob(a, cfg->cert_pem, cfg->cert_pem_len);
	c->cfg.cert_pem_len = cfg->cert_pem_len;
	c->cfg.key_pem = adup_blob(a, cfg->key_pem, cfg->key_pem_len);
	c->cfg.key_pem_len = cfg->key_pem_len;
	c->cfg.token_file = adup(a, cfg->token_file);
	c->cfg.insecure = cfg->insecure;
	c->cfg.tls_server_name = adup(a, cfg->tls_server_name);
	c->cfg.proxy = adup(a, cfg->proxy);
	c->cfg.namespace_ = adup(a, cfg->namespace_ && *cfg->namespace_ ?
	    cfg->namespace_ : "default");
	c->cfg.context = adup(a, cfg->context);
	/* The token itself is not kept here; the HTTP session has it. A
	 * token file given without the token read from it is read by the
	 * first request. */
	c->token_read_ns = cf_clock_mono_ns() -
	    (cfg->token ? 0 : TOKEN_REFRESH_NS);

	cf_ratelimit_init(&c->rl, c->opts.qps, c->opts.burst);
	pthread_mutex_init(&c->lock, NULL);
	if (!c->cfg.server) {
		cf_client_free(c);
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "client configuration has no server");
	}
	err = add_impersonation(c);
	if (err < 0) {
		cf_client_free(c);
		return err;
	}
	err = cf_http_new(&c->http, &(cf_http_opts){
	    .ca_pem = cfg->ca_pem, .ca_pem_len = cfg->ca_pem_len,
	    .cert_pem = cfg->cert_pem, .cert_pem_len = cfg->cert_pem_len,
	    .key_pem = cfg->key_pem, .key_pem_len = cfg->key_pem_len,
	    .bearer_token = cfg->token, .insecure = cfg->insecure,
	    .tls_server_name = cfg->tls_server_name,
	    .proxy = cfg->proxy, .user_agent = c->opts.user_agent,
	    .timeout_ms = c->opts.timeout_ms });
	if (err < 0) {
		cf_client_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void cf_client_free(cf_client *c)
{
	if (!c)
		return;
	cf_http_free(c->http);
	for (size_t i = 0; i < c->nheaders; i++)
		free(c->headers[i]);
	free(c->headers);
	if (c->cfg.key_pem)
		explicit_bzero((char *)c->cfg.key_pem, c->cfg.key_pem_len);
	cf_arena_release(&c->cfg_arena);
	cf_arena_release(&c->cache_arena);
	cf_ratelimit_release(&c->rl);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

const char *cf_client_namespace(const cf_client *c)
{
	return c->cfg.namespace_;
}

/* ---- paths ---- */

int cf_client__split_gv(const char **group, const char **version,
    cf_arena *a, const char *api_version)
{
	const char *slash;

	if (!api_version || !*api_version)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "apiVersion is missing");
	slash = strchr(api_version, '/');
	if (!slash) {
		*group = "";
		*version = cf_arena_strdup(a, api_version);
		return 0;
	}
	if (slash == api_version || !slash[1] || strchr(slash + 1, '/'))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid apiVersion '%s'", api_version);
	*group = cf_arena_strndup(a, api_version, slash - api_version);
	*version = cf_arena_strdup(a, slash + 1);
	return 0;
}

/* apimachinery's IsValidPathSegmentName: anything else could walk the
 * URL somewhere else once curl normalises dot segments. */
static int check_segment(const char *what, const char *s)
{
	if (!s || !*s)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s must not be empty", what);
	if (!strcmp(s, ".") || !strcmp(s, "..") || strpbrk(s, "/%"))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s '%s' may not be '.', '..' or contain '/' or '%%'",
		    what, s);
	return 0;
}

int cf_client__path(cf_buf *out, const cf_client_mapping *m, const char *ns,
    const char *name, const char *sub)
{
	int err;

	if (m->group[0])
		cf_buf_addf(out, "/apis/%s/%s", m->group, m->version);
	else
		cf_buf_addf(out, "/api/%s", m->version);
	if (m->namespaced && ns && *ns) {
		if ((err = check_segment("namespace", ns)) < 0)
			return err;
		cf_buf_adds(out, "/namespaces/");
		cf_http_add_escaped(out, ns);
	}
	cf_buf_addf(out, "/%s", m->plural);
	if (name) {
		if ((err = check_segment("name", name)) < 0)
			return err;
		cf_buf_addch(out, '/');
		cf_http_add_escaped(out, name);
	}
	if (sub && *sub) {
		if ((err = check_segment("subresource", sub)) < 0)
			return err;
		cf_buf_addch(out, '/');
		cf_http_add_escaped(out, sub);
	}
	return 0;
}

void cf_client__query(cf_buf *path, const char *k, const char *v)
{
	if (!v || !*v)
		return;
	cf_buf_addch(path, memchr(path->buf, '?', path->len) ? '&' : '?');
	cf_buf_adds(path, k);
	cf_buf_addch(path, '=');
	cf_http_add_escaped(path, v);
}

const char *cf_client__url(cf_arena *a, const cf_client *c, const char *path)
{
	return cf_arena_printf(a, "%s%s", c->cfg.server, path);
}

void cf_client__pace(cf_client *c, bool force_token)
{
	int64_t now = cf_clock_mono_ns();

	if (c->cfg.token_file) {
		/* Projected service account tokens rotate (about hourly);
		 * re-read the file now and then, as client-go does. */
		pthread_mutex_lock(&c->lock);
		if (force_token || now - c->token_read_ns >= TOKEN_REFRESH_NS) {
			cf_buf b = CF_BUF_INIT;

			c->token_read_ns = now;
			cf_buf_init_capped(&b, CF_KUBECONFIG_MAX_SIZE);
			if (cf_fs_read(&b, c->cfg.token_file,
			    CF_KUBECONFIG_MAX_SIZE) == 0) {
				while (b.len && (b.buf[b.len - 1] == '\n' ||
				    b.buf[b.len - 1] == '\r' ||
				    b.buf[b.len - 1] == ' '))
					b.buf[--b.len] = '\0';
				if (b.len)
					cf_http_set_token(c->http, b.buf);
				explicit_bzero(b.buf, b.len);
			} else {
				/* Keep the old token; the server will say
				 * if it stopped working. */
				cf_error_clear();
			}
			cf_buf_release(&b);
		}
		pthread_mutex_unlock(&c->lock);
	}
	cf_ratelimit_wait(&c->rl);
}

/* ---- errors ---- */

static const struct {
	const char *reason;
	int code;
} reasons[] = {
	{ "NotFound", CF_ENOTFOUND },
	{ "AlreadyExists", CF_EEXISTS },
	{ "Conflict", CF_ECONFLICT },
	{ "Invalid", CF_EINVALID },
	{ "BadRequest", CF_EINVALID },
	{ "MethodNotAllowed", CF_EINVALID },
	{ "NotAcceptable", CF_EINVALID },
	{ "UnsupportedMediaType", CF_EINVALID },
	{ "Forbidden", CF_EFORBIDDEN },
	{ "Unauthorized", CF_EFORBIDDEN },
	{ "Expired", CF_EGONE },
	{ "Gone", CF_EGONE },
	{ "Timeout", CF_ETIMEOUT },
	{ "ServerTimeout", CF_ETIMEOUT },
	{ "RequestEntityTooLarge", CF_ETOOLARGE },
	{ "TooManyRequests", CF_ERROR },
	{ "InternalError", CF_ERROR },
	{ "ServiceUnavailable", CF_ERROR },
};

static int code_for_status(long st)
{
	switch (st) {
	case 400: case 405: case 406: case 415: case 422:
		return CF_EINVALID;
	case 401: case 403:
		return CF_EFORBIDDEN;
	case 404:
		return CF_ENOTFOUND;
	case 409:
		return CF_ECONFLICT;
	case 410:
		return CF_EGONE;
	case 408: case 504:
		return CF_ETIMEOUT;
	case 413:
		return CF_ETOOLARGE;
	default:
		return CF_ERROR;
	}
}

int cf_client_status_error(long http_status, const char *body, size_t len)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *st = NULL;
	const char *reason = NULL, *msg = NULL;
	int code = code_for_status(http_status), r;

	if (body && len > 0 && cf_json_parse(&st, &a, body, len, NULL) == 0 &&
	    cf_node_is(st, CF_NODE_MAP)) {
		const char *kind = cf_node_getp_str(st, "kind", NULL);

		if (kind && !strcmp(kind, "Status")) {
			reason = cf_node_getp_str(st, "reason", NULL);
			msg = cf_node_getp_str(st, "message", NULL);
		}
	}
	if (reason) {
		for (size_t i = 0; i < CF_ARRAY_SIZE(reasons); i++) {
			if (!strcmp(reasons[i].reason, reason)) {
				code = reasons[i].code;
				break;
			}
		}
	}
	if (msg && *msg) {
		r = cf_error_setc(code, CF_ERR_KUBE, "%s", msg);
	} else {
		/* Not a Status (a proxy's HTML page, say): a short, printable
		 * excerpt helps more than nothing. */
		char snip[161];
		size_t n = 0;

		for (size_t i = 0; body && i < len && n < sizeof(snip) - 1; i++)
			snip[n++] = (body[i] >= 0x20 && body[i] < 0x7f) ?
			    body[i] : ' ';
		snip[n] = '\0';
		r = cf_error_setc(code, CF_ERR_KUBE,
		    "the server responded with HTTP %ld%s%s%s", http_status,
		    reason ? " " : "", reason ? reason : "",
		    n ? cf_arena_printf(&a, ": %s", snip) : "");
	}
	cf_arena_release(&a);
	return r;
}

/* ---- sending ---- */

static bool is_idempotent(const char *method, const char *ctype)
{
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD") ||
	    !strcmp(method, "PUT") || !strcmp(method, "DELETE"))
		return true;
	return !strcmp(method, "PATCH") && ctype &&
	    !strcmp(ctype, "application/apply-patch+yaml");
}

/* Server warnings (deprecated APIs, unknown fields dropped) go to the log
 * as kubectl prints them, one line each, the 299 code and quotes aside. */
static void log_warnings(cf_arena *a, const char *method, const char *path,
    const cf_buf *w)
{
	const char *p = w->buf, *end = w->buf + w->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		const char *q, *text = p;
		size_t n;

		if (!nl) /* http.c ends every value with a newline */
			break;
		q = memchr(p, '"', nl - p);
		n = nl - p;

		/* warn-code SP warn-agent SP "text": keep the text. */
		if (q && nl - q >= 2 && nl[-1] == '"') {
			text = q + 1;
			n = nl - 1 - text;
		}
		cf_log(CF_LOG_INFO, "warning from the API server", "warning",
		    cf_arena_strndup(a, text, n), "method", method, "path",
		    path, (const char *)NULL);
		p = nl + 1;
	}
}

/* One request with retries; 0 with resp filled for any final status. */
static int send_req(cf_client *c, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, size_t cap,
    cf_http_response *resp)
{
	cf_arena a = CF_ARENA_INIT;
	cf_backoff b = { .base_ms = c->opts.backoff_base_ms,
	    .max_ms = c->opts.backoff_max_ms, .jitter = 0.2,
	    .seed = (uint64_t)cf_clock_mono_ns() };
	bool idem = is_idempotent(method, ctype);
	cf_http_request req = {
		.method = method, .url = cf_client__url(&a, c, path),
		.headers = (const char *const *)c->headers,
		.nheaders = c->nheaders,
		.body = body, .body_len = len, .content_type = ctype,
		.max_body = cap ? cap : CF_CLIENT_MAX_OBJECT,
	};
	bool reread = false, reread_done = false;
	int err;

	for (int attempt = 0;; attempt++) {
		bool retry;
		int64_t delay;

		cf_client__pace(c, reread);
		err = cf_http_do(c->http, &req, resp);
		reread = false;
		/* A 401 with a token file: the token may have rotated under
		 * us; read it again and retry once, at once. */
		if (err == 0 && resp->status == 401 && c->cfg.token_file &&
		    !reread_done) {
			reread = reread_done = true;
			attempt--;
			continue;
		}
		if (err < 0)
			/* Not after a cap, a timeout (the deadline is the
			 * caller's) or a TLS failure (it will fail again). */
			retry = resp->not_sent || (idem &&
			    err != CF_ETOOLARGE && err != CF_ETIMEOUT &&
			    !resp->cancelled &&
			    cf_error_last()->klass != CF_ERR_TLS);
		else if (resp->status == 429)
			retry = true;
		else if (resp->status >= 500)
			retry = idem || resp->retry_after >= 0;
		else
			retry = false;
		if (!retry || c->opts.max_retries < 0 ||
		    attempt >= c->opts.max_retries) {
			if (err == 0 && resp->warnings.len > 0)
				log_warnings(&a, method, path,
				    &resp->warnings);
			break;
		}
		delay = cf_backoff_delay(&b, err == 0 &&
		    (resp->status == 429 || resp->status >= 500) ?
		    resp->retry_after : -1);
		cf_log(CF_LOG_DEBUG, "retrying request", "method", method,
		    "path", path, "reason", err < 0 ? "transport error" :
		    "server asked to retry", "delay_ms",
		    cf_arena_printf(&a, "%lld", (long long)delay),
		    (const char *)NULL);
		cf_sleep_ms(delay);
	}
	cf_arena_release(&a);
	return err;
}

int cf_client_do(cf_node **out, cf_arena *a, cf_client *c, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t len, size_t cap)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	int err;

	err = send_req(c, method, path, content_type, body, len, cap, &resp);
	if (err < 0)
		goto done;
	if (resp.status < 200 || resp.status >= 300) {
		err = cf_client_status_error(resp.status, resp.body.buf,
		    resp.body.len);
		goto done;
	}
	if (out) {
		*out = NULL;
		if (resp.body.len > 0 &&
		    cf_json_parse(out, a, resp.body.buf, resp.body.len,
		    NULL) < 0)
			err = cf_error_wrap("decoding the answer to %s %s",
			    method, path);
	}
done:
	cf_http_response_release(&resp);
	return err;
}

/* ---- discovery ---- */

static const cf_client_mapping *gv_find(const struct cf_client__gv *g,
    const char *kind)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->items[i].kind, kind))
			return &g->items[i];
	return NULL;
}

/* Whether a fresh resource list says the same as the cached one. */
static bool same_items(const struct cf_client__gv *g,
    const cf_client_mapping *items, size_t n)
{
	if (g->n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const cf_client_mapping *m = gv_find(g, items[i].kind);

		if (!m || strcmp(m->plural, items[i].plural) ||
		    m->namespaced != items[i].namespaced)
			return false;
	}
	return true;
}

/*
 * Fetch /apis/G/V into the cache (the caller holds c->lock). old is the
 * entry being refreshed, or NULL. Entries are updated in place and never
 * freed, because mappings handed out earlier borrow their strings; an
 * unchanged answer allocates nothing, so a controller asking again and
 * again for a kind that does not exist costs requests, not memory. A 404
 * is cached too (as an empty entry), and returned as CF_ENOTFOUND.
 */
static int discover(struct cf_client__gv **out, cf_client *c,
    const char *group, const char *version, struct cf_client__gv *old)
{
	cf_arena tmp = CF_ARENA_INIT, *ca = &c->cache_arena;
	struct cf_client__gv *g = old;
	cf_client_mapping *items;
	const cf_node *res;
	cf_node *doc = NULL;
	cf_buf path = CF_BUF_INIT;
	size_t n = 0;
	int err;

	if (*group)
		cf_buf_addf(&path, "/apis/%s/%s", group, version);
	else
		cf_buf_addf(&path, "/api/%s", version);
	err = cf_client_do(&doc, &tmp, c, "GET", path.buf, NULL, NULL, 0,
	    CF_CLIENT_MAX_LIST);
	if (err < 0 && err != CF_ENOTFOUND)
		goto done;
	res = cf_node_get(doc, "resources");
	items = cf_arena_zalloc(&tmp, (cf_node_count(res) + 1) *
	    sizeof(*items));
	for (size_t i = 0; i < cf_node_count(res); i++) {
		const cf_node *r = cf_node_at(res, i);
		const char *name = cf_node_getp_str(r, "name", NULL);
		const char *kind = cf_node_getp_str(r, "kind", NULL);
		const cf_node *nsd = cf_node_get(r, "namespaced");

		/* Subresources ("deployments/scale") are not kinds. */
		if (!name || !kind || strchr(name, '/'))
			continue;
		items[n].kind = kind;
		items[n].plural = name;
		items[n].namespaced = cf_node_is(nsd, CF_NODE_BOOL) && nsd->v.b;
		n++;
	}
	if (!g) {
		g = CF_ARENA_NEW(ca, struct cf_client__gv);
		g->group = cf_arena_strdup(ca, group);
		g->version = cf_arena_strdup(ca, version);
		g->next = c->gvs;
		c->gvs = g;
	}
	if (!same_items(g, items, n)) {
		g->items = cf_arena_zalloc(ca, (n + 1) * sizeof(*g->items));
		for (size_t i = 0; i < n; i++) {
			g->items[i] = items[i];
			g->items[i].group = g->group;
			g->items[i].version = g->version;
			g->items[i].kind = cf_arena_strdup(ca, items[i].kind);
			g->items[i].plural = cf_arena_strdup(ca,
			    items[i].plural);
		}
		g->n = n;
	}
	g->fetched_ns = cf_clock_mono_ns();
	*out = g;
done:
	cf_buf_release(&path);
	cf_arena_release(&tmp);
	return err;
}

int cf_client_mapping_for(cf_client_mapping *out, cf_client *c,
    const char *api_version, const char *kind)
{
	cf_arena a = CF_ARENA_INIT;
	const char *group, *version;
	const cf_resource_def *defs;
	const cf_client_mapping *m = NULL;
	struct cf_client__gv *g;
	size_t n;
	int err;

	if (!kind || !*kind)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "kind is missing");
	err = cf_client__split_gv(&group, &version, &a, api_version);
	if (err < 0)
		goto done;
	/* Built-ins need no round trip and no lock. */
	defs = cf_scheme_builtins(&n);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(defs[i].kind, kind) &&
		    !strcmp(defs[i].group, group) &&
		    !strcmp(defs[i].version, version)) {
			*out = (cf_client_mapping){ defs[i].group,
			    defs[i].version, defs[i].kind, defs[i].plural,
			    defs[i].namespaced };
			goto done;
		}
	}

	pthread_mutex_lock(&c->lock);
	for (g = c->gvs; g; g = g->next)
		if (!strcmp(g->group, group) && !strcmp(g->version, version))
			break;
	if (g)
		m = gv_find(g, kind);
	/* Unknown GV, or a kind a new CRD may just have added: ask again,
	 * but not more than once a second per miss storm. */
	if (!m && (!g || cf_clock_mono_ns() - g->fetched_ns >=
	    DISCOVERY_REFRESH_NS)) {
		err = discover(&g, c, group, version, g);
		if (err == 0)
			m = gv_find(g, kind);
		else if (err != CF_ENOTFOUND) {
			pthread_mutex_unlock(&c->lock);
			cf_error_wrap("discovering '%s'", api_version);
			goto done;
		}
	}
	if (m)
		*out = *m;
	pthread_mutex_unlock(&c->lock);
	if (!m)
		err = cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
		    "no matches for kind \"%s\" in version \"%s\"", kind,
		    api_version);
	else
		err = 0;
done:
	cf_arena_release(&a);
	return err;
}

/* ---- object operations ---- */

/* Resolve a mapping and build the path of an object or collection. */
static int object_path(cf_buf *path, cf_client_mapping *m, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name, const char *sub)
{
	int err = cf_client_mapping_for(m, c, api_version, kind);

	if (err < 0)
		return err;
	if (m->namespaced && (!ns || !*ns))
		ns = c->cfg.namespace_;
	return cf_client__path(path, m, ns, name, sub);
}

int cf_client_get(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name)
{
	cf_client_mapping m;
	cf_buf path = CF_BUF_INIT;
	int err;

	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "name must not be empty");
	err = object_path(&path, &m, c, api_version, kind, ns, name, NULL);
	if (err == 0)
		err = cf_client_do(out, a, c, "GET", path.buf, NULL, NULL, 0, 0);
	cf_buf_release(&path);
	return err;
}

/* List items leave out apiVersion/kind for built-ins; put them back so
 * every object a caller sees is self-describing. */
static void fill_type(cf_arena *a, cf_node *items, const char *api_version,
    const char *kind)
{
	for (size_t i = 0; i < cf_node_count(items); i++) {
		cf_node *it = cf_node_at(items, i);

		if (!cf_node_is(it, CF_NODE_MAP))
			continue;
		if (!cf_node_getp_str(it, "apiVersion", NULL))
			cf_node_set(a, it, "apiVersion",
			    cf_node_str(a, api_version));
		if (!cf_node_getp_str(it, "kind", NULL))
			cf_node_set(a, it, "kind", cf_node_str(a, kind));
	}
}

static int list_page(cf_node **out, cf_arena *a, cf_client *c,
    const char *base, const cf_list_opts *o, int64_t limit,
    const char *cont)
{
	cf_buf path = CF_BUF_INIT;
	char lim[32];
	int err;

	cf_buf_adds(&path, base);
	cf_client__query(&path, "labelSelector", o->label_selector);
	cf_client__query(&path, "fieldSelector", o->field_selector);
	if (limit > 0) {
		snprintf(lim, sizeof(lim), "%lld", (long long)limit);
		cf_client__query(&path, "limit", lim);
	}
	if (cont && *cont)
		cf_client__query(&path, "continue", cont);
	else
		cf_client__query(&path, "resourceVersion", o->resource_version);
	err = cf_client_do(out, a, c, "GET", path.buf, NULL, NULL, 0,
	    CF_CLIENT_MAX_LIST);
	if (err == 0 && !cf_node_is(*out, CF_NODE_MAP))
		err = cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "the answer to GET %s is not a list", path.buf);
	cf_buf_release(&path);
	return err;
}

int cf_client_list(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const cf_list_opts *opts)
{
	static const cf_list_opts zero;
	const cf_list_opts *o = opts ? opts : &zero;
	cf_client_mapping m;
	cf_buf base = CF_BUF_INIT;
	cf_node *list = NULL, *page, *items;
	const char *cont;
	int64_t limit = o->limit > 0 ? o->limit : 500;
	int err;

	err = cf_client_mapping_for(&m, c, api_version, kind);
	if (err == 0)
		err = cf_client__path(&base, &m, ns, NULL, NULL);
	if (err < 0)
		goto done;
	err = list_page(&list, a, c, base.buf, o, limit,
	    o->one_page ? o->continue_token : NULL);
	if (err < 0 || o->one_page)
		goto fill;
	items = cf_node_get(list, "items");
	if (!cf_node_is(items, CF_NODE_SEQ)) {
		items = cf_node_seq(a);
		cf_node_set(a, list, "items", items);
	}
	while ((cont = cf_node_getp_str(list, "metadata", "continue", NULL)) &&
	    *cont) {
		err = list_page(&page, a, c, base.buf, o, limit, cont);
		if (err == CF_EGONE) {
			/* The snapshot behind the token was compacted: one
			 * unpaged list is consistent on its own. */
			err = list_page(&list, a, c, base.buf, o, 0, NULL);
			if (err < 0)
				goto done;
			items = cf_node_get(list, "items");
			break;
		}
		if (err < 0)
			goto done;
		for (size_t i = 0; i < cf_node_count(cf_node_get(page,
		    "items")); i++)
			cf_node_push(a, items,
			    cf_node_at(cf_node_get(page, "items"), i));
		cont = cf_node_getp_str(page, "metadata", "continue", NULL);
		if (cont && *cont)
			cf_node_set(a, cf_node_set_map(a, list, "metadata"),
			    "continue", cf_node_str(a, cont));
		else
			cf_node_del(cf_node_get(list, "metadata"), "continue");
	}
	cf_node_del(cf_node_get(list, "metadata"), "continue");
	cf_node_del(cf_node_get(list, "metadata"), "remainingItemCount");
fill:
	if (err == 0) {
		fill_type(a, cf_node_get(list, "items"),
		    cf_resource_api_version(a, &(cf_resource_def){
		    .group = m.group, .version = m.version }), m.kind);
		*out = list;
	}
done:
	cf_buf_release(&base);
	return err;
}

static void write_query(cf_buf *path, const cf_write_opts *o, bool apply)
{
	cf_client__query(path, "fieldManager", o->field_manager);
	if (o->dry_run)
		cf_client__query(path, "dryRun", "All");
	if (apply && o->force)
		cf_client__query(path, "force", "true");
	cf_client__query(path, "fieldValidation", o->field_validation);
}

/* The target of a write given as an object: its type, namespace, name. */
static int obj_target(cf_buf *path, cf_client *c, const cf_node *obj,
    bool need_name, const char *sub)
{
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	cf_client_mapping m;

	if (!cf_node_is(obj, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "the object is not a map");
	if (need_name && (!name || !*name))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "the object has no metadata.name");
	return object_path(path, &m, c, av, kind, ns, need_name ? name : NULL,
	    sub);
}

static int write_obj(cf_node **out, cf_arena *a, cf_client *c,
    const char *method, const cf_node *obj, const cf_write_opts *opts,
    const char *sub_override)
{
	static const cf_write_opts zero;
	const cf_write_opts *o = opts ? opts : &zero;
	const char *sub = sub_override ? sub_override : o->subresource;
	bool post = !strcmp(method, "POST");
	cf_buf path = CF_BUF_INIT, body = CF_BUF_INIT;
	int err;

	err = obj_target(&path, c, obj, !post, post ? NULL : sub);
	if (err < 0)
		goto done;
	write_query(&path, o, false);
	cf_buf_init_capped(&body, CF_CLIENT_MAX_OBJECT);
	err = cf_json_write(&body, obj, 0);
	if (err == 0)
		err = cf_client_do(out, a, c, method, path.buf,
		    "application/json", body.buf, body.len, 0);
done:
	cf_buf_release(&path);
	cf_buf_release(&body);
	return err;
}

int cf_client_create(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts)
{
	return write_obj(out, a, c, "POST", obj, opts, NULL);
}

int cf_client_update(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts)
{
	return write_obj(out, a, c, "PUT", obj, opts, NULL);
}

int cf_client_update_status(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts)
{
	return write_obj(out, a, c, "PUT", obj, opts, "status");
}

static const char *const patch_types[] = {
	[CF_PATCH_MERGE] = "application/merge-patch+json",
	[CF_PATCH_JSON] = "application/json-patch+json",
	[CF_PATCH_STRATEGIC] = "application/strategic-merge-patch+json",
	[CF_PATCH_APPLY] = "application/apply-patch+yaml",
};

int cf_client_patch(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name, enum cf_patch_type type, const char *patch,
    size_t len, const cf_write_opts *opts)
{
	static const cf_write_opts zero;
	const cf_write_opts *o = opts ? opts : &zero;
	cf_client_mapping m;
	cf_buf path = CF_BUF_INIT;
	int err;

	if ((unsigned)type >= CF_ARRAY_SIZE(patch_types))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "unknown patch type %d", (int)type);
	if (type == CF_PATCH_APPLY && (!o->field_manager || !*o->field_manager))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "server-side apply needs a field manager");
	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "name must not be empty");
	err = object_path(&path, &m, c, api_version, kind, ns, name,
	    o->subresource);
	if (err == 0) {
		write_query(&path, o, type == CF_PATCH_APPLY);
		err = cf_client_do(out, a, c, "PATCH", path.buf,
		    patch_types[type], patch, len, 0);
	}
	cf_buf_release(&path);
	return err;
}

int cf_client_apply(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts)
{
	cf_buf body = CF_BUF_INIT;
	int err;

	if (!cf_node_is(obj, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "the object is not a map");
	cf_buf_init_capped(&body, CF_CLIENT_MAX_OBJECT);
	/* JSON is YAML: the apply content type takes either. */
	err = cf_json_write(&body, obj, 0);
	if (err == 0)
		err = cf_client_patch(out, a, c,
		    cf_node_getp_str(obj, "apiVersion", NULL),
		    cf_node_getp_str(obj, "kind", NULL),
		    cf_node_getp_str(obj, "metadata", "namespace", NULL),
		    cf_node_getp_str(obj, "metadata", "name", NULL),
		    CF_PATCH_APPLY, body.buf, body.len, opts);
	cf_buf_release(&body);
	return err;
}

int cf_client_delete(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name, const cf_delete_opts *opts)
{
	static const char *const policies[] = { NULL, "Background",
	    "Foreground", "Orphan" };
	static const cf_delete_opts zero;
	const cf_delete_opts *o = opts ? opts : &zero;
	cf_client_mapping m;
	cf_buf path = CF_BUF_INIT, body = CF_BUF_INIT;
	bool any = false;
	int err;

	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "name must not be empty");
	if ((unsigned)o->propagation >= CF_ARRAY_SIZE(policies))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "unknown propagation policy %d", (int)o->propagation);
	err = object_path(&path, &m, c, api_version, kind, ns, name, NULL);
	if (err < 0)
		goto done;
	/* DeleteOptions go in the body, as kubectl sends them. */
	cf_buf_adds(&body, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\"");
	if (policies[o->propagation]) {
		cf_buf_addf(&body, ",\"propagationPolicy\":\"%s\"",
		    policies[o->propagation]);
		any = true;
	}
	if (o->has_grace_period) {
		cf_buf_addf(&body, ",\"gracePeriodSeconds\":%lld",
		    (long long)o->grace_period_seconds);
		any = true;
	}
	if (o->precondition_uid || o->precondition_rv) {
		const char *sep = "";

		cf_buf_adds(&body, ",\"preconditions\":{");
		if (o->precondition_uid) {
			cf_buf_adds(&body, "\"uid\":");
			cf_buf_add_json_str(&body, o->precondition_uid,
			    strlen(o->precondition_uid));
			sep = ",";
		}
		if (o->precondition_rv) {
			cf_buf_addf(&body, "%s\"resourceVersion\":", sep);
			cf_buf_add_json_str(&body, o->precondition_rv,
			    strlen(o->precondition_rv));
		}
		cf_buf_addch(&body, '}');
		any = true;
	}
	if (o->dry_run) {
		cf_buf_adds(&body, ",\"dryRun\":[\"All\"]");
		any = true;
	}
	cf_buf_addch(&body, '}');
	err = cf_client_do(out, a, c, "DELETE", path.buf,
	    any ? "application/json" : NULL, any ? body.buf : NULL,
	    any ? body.len : 0, 0);
done:
	cf_buf_release(&path);
	cf_buf_release(&body);
	return err;
}

int cf_client_retry_on_conflict(int (*fn)(void *payload), void *payload)
{
	/* retry.DefaultRetry: five steps of 10 ms, factor 1, jitter 0.1. A
	 * conflict means another writer won; re-reading usually fixes it at
	 * once, so the waits stay short and flat. */
	cf_backoff b = { .base_ms = 10, .max_ms = 10, .jitter = 0.1,
	    .seed = (uint64_t)cf_clock_mono_ns() };
	int err = CF_ECONFLICT;

	for (int i = 0; i < 5 && err == CF_ECONFLICT; i++) {
		if (i > 0)
			cf_sleep_ms(cf_backoff_next(&b));
		err = fn(payload);
	}
	return err;
}
