/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API server's side of the HTTP layer: turn an httpd request into an
 * api_req, run the pipeline, and offer the handlers replies, streams and
 * timers. Also the periodic work on the loop: compaction, watch
 * bookmarks and the in-process controllers.
 */
#include "apiserver/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "httpd/httpd.h"
#include "httpd/pki.h"
#include "kube/authn.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct api_http {
	cf_httpd *httpd;
	cf_pki_paths pki;
	char url[300];
	char address[280];
	cf_httpd_timer *compact, *bookmarks, *controllers;
	bool controllers_scheduled;
};

struct api_stream {
	cf_httpd_stream *s;
};

/* ---- request decoding ---------------------------------------------- */

/* Split a raw query into decoded key/value pairs (arena). */
static void parse_query(api_req *r, const char *q)
{
	size_t n = 1, i = 0;

	for (const char *p = q; *p; p++)
		n += *p == '&';
	r->query.keys = cf_arena_alloc(r->a, n * sizeof(char *));
	r->query.vals = cf_arena_alloc(r->a, n * sizeof(char *));
	while (*q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		char *k, *v;
		if (len) {
			k = cf_arena_strndup(r->a, q, eq ? (size_t)(eq - q) : len);
			v = eq ? cf_arena_strndup(r->a, eq + 1, len - (size_t)(eq - q) - 1) :
			    cf_arena_strdup(r->a, "");
			/* '+' is a space in query strings; then %XX */
			for (char *s = v; *s; s++)
				if (*s == '+')
					*s = ' ';
			for (char *s = k; *s; s++)
				if (*s == '+')
					*s = ' ';
			r->query.keys[i] = cf_api_unescape(r->a, k);
			r->query.vals[i] = cf_api_unescape(r->a, v);
			i++;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	r->query.n = i;
}

char *cf_api_unescape(cf_arena *a, const char *s)
{
	char *out = cf_arena_alloc(a, strlen(s) + 1), *o = out;

	while (*s) {
		if (s[0] == '%' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 }, *end;
			long v = strtol(hex, &end, 16);
			if (!*end) {
				*o++ = (char)v;
				s += 3;
				continue;
			}
		}
		*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static void on_http(cf_httpd_req *hr, void *payload)
{
	cf_apiserver *srv = payload;
	api_req r;
	size_t len;

	memset(&r, 0, sizeof(r));
	r.srv = srv;
	r.a = cf_httpd_arena(hr);
	r.http = hr;
	r.method = cf_httpd_method(hr);
	r.raw_path = cf_httpd_path(hr);
	parse_query(&r, cf_httpd_query(hr));
	r.accept = cf_api_accept(cf_httpd_header(hr, "Accept"));
	r.ctype = cf_api_content(cf_httpd_header(hr, "Content-Type"));
	r.body = cf_httpd_body(hr, &len);
	r.body_len = len;
	r.user_agent = cf_httpd_header(hr, "User-Agent");
	api_handle(&r);
	if (!r.responded && !r.streaming)
		api_fail(&r, 500, "InternalError", "Internal error occurred: no reply");
	cf_buf_release(&r.captured);
}

const char *api_header(const api_req *r, const char *name)
{
	return r->http ? cf_httpd_header(r->http, name) : NULL;
}

struct prefix_walk {
	const api_req *r;
	const char *prefix;
	cf_authn_header *v;
	size_t n, alloc;
};

static int add_prefixed(const char *name, const char *value, void *payload)
{
	struct prefix_walk *w = payload;

	if (strncasecmp(name, w->prefix, strlen(w->prefix)))
		return 0;
	if (w->n == w->alloc) {
		size_t na = w->alloc ? w->alloc * 2 : 8;
		cf_authn_header *v = cf_arena_alloc(w->r->a, na * sizeof(*v));
		if (w->n)
			memcpy(v, w->v, w->n * sizeof(*v));
		w->v = v;
		w->alloc = na;
	}
	w->v[w->n].name = name;
	w->v[w->n].value = value;
	w->n++;
	return 0;
}

struct cf_authn_header *api_headers_with_prefix(const api_req *r,
    const char *prefix, size_t *n)
{
	struct prefix_walk w = { .r = r, .prefix = prefix };

	if (r->http)
		cf_httpd_headers(r->http, add_prefixed, &w);
	*n = w.n;
	return w.v;
}

/* ---- replies ------------------------------------------------------------- */

void api_set_content_type(api_req *r, const char *ct)
{
	r->content_type = ct;
}

void api_reply(api_req *r, int code, const cf_buf *body)
{
	if (r->responded)
		return;
	r->code = code;
	if (r->capture) {
		cf_buf_reset(&r->captured);
		cf_buf_add(&r->captured, body->buf, body->len);
		return;
	}
	if (r->quiet || !r->http)
		return;
	for (size_t i = 0; i < r->nwarnings; i++)
		cf_httpd_add_header(r->http, "Warning",
		    cf_arena_printf(r->a, "299 - \"%s\"", r->warnings[i]));
	cf_httpd_reply(r->http, code, r->content_type ? r->content_type :
	    "application/json", body->buf, body->len);
	r->http = NULL; /* released by the reply */
	r->responded = true;
}

void api_reply_last(api_req *r)
{
	cf_buf b = r->captured;

	r->captured = (cf_buf)CF_BUF_INIT;
	api_reply(r, r->code, &b);
	cf_buf_release(&b);
}

void api_reply_node(api_req *r, int code, const cf_node *obj)
{
	cf_buf b = CF_BUF_INIT;

	cf_json_write(&b, obj, CF_JSON_SORTED);
	api_reply(r, code, &b);
	cf_buf_release(&b);
}

void api_reply_text(api_req *r, int code, const char *text)
{
	cf_buf b = CF_BUF_INIT;

	cf_buf_adds(&b, text);
	api_set_content_type(r, "text/plain; charset=utf-8");
	api_reply(r, code, &b);
	cf_buf_release(&b);
}

void api_warn(api_req *r, const char *msg)
{
	const char **v = cf_arena_alloc(r->a, (r->nwarnings + 1) * sizeof(*v));

	if (r->nwarnings)
		memcpy(v, r->warnings, r->nwarnings * sizeof(*v));
	v[r->nwarnings++] = cf_arena_strdup(r->a, msg);
	r->warnings = v;
}

/* ---- streams and timers --------------------------------------------------- */

api_stream *api_stream_start(api_req *r, void (*on_close)(void *), void *arg)
{
	api_stream *s;

	if (!r->http)
		return NULL;
	s = cf_xcalloc(1, sizeof(*s));
	s->s = cf_httpd_stream_start(r->http, 200, r->content_type ?
	    r->content_type : "application/json", on_close, arg);
	r->http = NULL;
	r->responded = true;
	r->streaming = true;
	return s;
}

int api_stream_write(api_stream *s, const char *data, size_t len)
{
	return s && s->s ? cf_httpd_stream_write(s->s, data, len) : -1;
}

void api_stream_forget(api_stream *s)
{
	free(s);
}

void api_stream_end(api_stream *s)
{
	if (!s)
		return;
	if (s->s)
		cf_httpd_stream_end(s->s);
	free(s);
}

void *api_timer_after(cf_apiserver *srv, int64_t ms, void (*fn)(void *),
    void *arg)
{
	struct api_http *h = srv->http;

	return cf_httpd_timer_add(h->httpd, ms, false, fn, arg);
}

void api_timer_cancel(cf_apiserver *srv, void *timer)
{
	(void)srv;
	cf_httpd_timer_cancel(timer);
}

static void run_controllers_cb(void *arg)
{
	cf_apiserver *srv = arg;
	struct api_http *h = srv->http;

	h->controllers_scheduled = false;
	api_run_controllers(srv);
	if (srv->kicked)
		api_schedule_controllers(srv);
}

/* Controllers run right after the request that gave them work, in a
 * later loop turn, so the client has its answer first. */
void api_schedule_controllers(cf_apiserver *srv)
{
	struct api_http *h = srv->http;

	if (!h || h->controllers_scheduled)
		return;
	h->controllers_scheduled = true;
	cf_httpd_timer_add(h->httpd, 1, false, run_controllers_cb, srv);
}

static void compact_cb(void *arg)
{
	cf_apiserver *srv = arg;
	int more = 0;

	if (cf_store_compact(srv->store, &more) < 0)
		cf_log_error("compaction: %s", cf_error_msg());
}

static void bookmarks_cb(void *arg)
{
	api_watch_bookmarks(arg);
}

/* A periodic sweep so finalizer-driven work is never stuck waiting for a
 * request to kick it. */
static void sweep_cb(void *arg)
{
	cf_apiserver *srv = arg;

	if (srv->kicked)
		api_schedule_controllers(srv);
}

/* ---- lifecycle ------------------------------------------------------------- */

int api_http_init(cf_apiserver *srv, const cf_apiserver_opts *opts)
{
	struct api_http *h = cf_xcalloc(1, sizeof(*h));
	int err;

	srv->http = h;
	if (!opts->plain_http &&
	    (err = cf_pki_ensure(&h->pki, srv->data_dir, "apiserver", NULL)) < 0)
		return err;
	err = cf_httpd_new(&h->httpd, &(cf_httpd_opts){
	    .listen = opts->listen,
	    .cert_file = opts->plain_http ? NULL : h->pki.cert,
	    .key_file = opts->plain_http ? NULL : h->pki.key,
	    .max_body = 3u << 20, .handler = on_http, .payload = srv });
	if (err < 0)
		return err;
	{
		const char *colon = strrchr(opts->listen, ':');
		int hl = colon ? (int)(colon - opts->listen) : 0;
		const char *host = hl ? opts->listen : "127.0.0.1";
		if (!hl)
			hl = (int)strlen(host);
		if (hl == 7 && !strncmp(host, "0.0.0.0", 7)) {
			host = "127.0.0.1";
			hl = 9;
		}
		snprintf(h->address, sizeof(h->address), "%.*s:%d", hl, host,
		    cf_httpd_port(h->httpd));
		snprintf(h->url, sizeof(h->url), "%s://%s",
		    opts->plain_http ? "http" : "https", h->address);
	}
	/* Small steps often: a step with nothing to drop costs one query. */
	h->compact = cf_httpd_timer_add(h->httpd, 1000, true, compact_cb, srv);
	h->bookmarks = cf_httpd_timer_add(h->httpd, 60000, true, bookmarks_cb, srv);
	h->controllers = cf_httpd_timer_add(h->httpd, 1000, true, sweep_cb, srv);
	return 0;
}

void api_http_free(cf_apiserver *srv)
{
	struct api_http *h = srv->http;

	if (!h)
		return;
	cf_httpd_timer_cancel(h->compact);
	cf_httpd_timer_cancel(h->bookmarks);
	cf_httpd_timer_cancel(h->controllers);
	cf_httpd_free(h->httpd);
	free(h);
	srv->http = NULL;
}

const char *api_server_address(const cf_apiserver *srv)
{
	return ((struct api_http *)srv->http)->address;
}

int cf_apiserver_port(const cf_apiserver *s)
{
	return cf_httpd_port(((struct api_http *)s->http)->httpd);
}

const char *cf_apiserver_url(const cf_apiserver *s)
{
	return ((struct api_http *)s->http)->url;
}

const char *cf_apiserver_ca_path(const cf_apiserver *s)
{
	return ((struct api_http *)s->http)->pki.ca_cert;
}

int cf_apiserver_run(cf_apiserver *s)
{
	/* Work queued at start (bootstrap, stored CRDs) runs first. */
	api_schedule_controllers(s);
	return cf_httpd_run(((struct api_http *)s->http)->httpd);
}

void cf_apiserver_stop(cf_apiserver *s)
{
	if (s && s->http)
		cf_httpd_stop(((struct api_http *)s->http)->httpd);
}
