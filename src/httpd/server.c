/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The HTTP server over libevent's evhttp.
 *
 * evhttp does the protocol work: it parses requests (400 on garbage),
 * keeps connections alive, answers 100-continue, and enforces the body
 * cap itself -- a Content-Length over the cap gets 413 before a byte of
 * the body is read, and a chunked body gets 413 as soon as the running
 * total passes the cap, so no oversized body is ever buffered. TLS is a
 * bufferevent_openssl per connection, handed to evhttp through its
 * bufferevent callback.
 *
 * What this file adds: a request view with decoded path and query, a
 * per-request arena, replies that hand cf_buf bytes over without copying,
 * chunked streams with disconnect callbacks, timers, and posting work onto
 * the loop from other threads through an eventfd.
 *
 * Lifetimes. evhttp owns its evhttp_request until the reply is queued; we
 * own a cf_httpd_req next to it. A request answered inside the handler is
 * freed when the handler returns. A stream or deferred request sits on
 * the server's "live" list until it ends. When a streaming client hangs
 * up, evhttp detaches the request from the dying connection and calls the
 * connection's close callback, which we point at the stream: that is the
 * one place disconnects are learnt, and the detached request is then ours
 * to free.
 */
#include "httpd/server.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#define DEFAULT_MAX_HEADER (64u << 10)
#define DEFAULT_IDLE_S 120
/* A watcher that lets this much pile up is not reading: drop it rather
 * than grow without bound. */
#define STREAM_MAX_PENDING (16u << 20)
#define STREAM_MAX_INPUT (64u << 10)

enum req_state {
	REQ_NEW,       /* in the handler, not answered yet */
	REQ_DEFERRED,  /* handler returned without answering */
	REQ_STREAMING, /* chunked reply under way */
	REQ_DONE,      /* answered; freed as soon as nobody is using it */
};

struct cf_httpd_stream {
	cf_httpd_req *req;
	void (*on_close)(void *);
	void *arg;
};

struct cf_httpd_req {
	cf_httpd *h;
	struct evhttp_request *ev; /* NULL once libevent has freed it */
	struct evhttp_connection *conn;
	cf_arena arena;
	enum req_state state;
	bool in_handler;
	bool live;                 /* on h->live */
	cf_httpd_req *prev, *next;
	const char *method;
	const char *raw_path;
	char *path;
	const char *query;
	cf_httpd_kv *params;
	size_t nparams;
	bool params_parsed;
	const char *body;
	size_t body_len;
	char peer[72];
	struct cf_httpd_stream stream;
};

struct cf_httpd_timer {
	cf_httpd *h;
	struct event *ev;
	void (*fn)(void *);
	void *arg;
	bool repeat, firing, cancelled;
	cf_httpd_timer *prev, *next;
};

struct post_item {
	void (*fn)(void *);
	void *arg;
	struct post_item *next;
};

struct cf_httpd {
	struct event_base *base;
	struct evhttp *http;
	SSL_CTX *ssl;
	cf_httpd_handler handler;
	void *payload;
	int port;
	struct timeval idle;
	struct evbuffer *scratch; /* reused to hand chunks to evhttp */
	cf_httpd_req *live;
	cf_httpd_timer *timers;
	/* Cross-thread wake-up: stop and post write the eventfd. */
	int wake_fd;
	struct event *wake_ev;
	atomic_int stopping;
	pthread_mutex_t lock; /* guards the post queue */
	struct post_item *post_head, *post_tail;
};

/* ---- small helpers -------------------------------------------------------- */

/*
 * The live list holds every request that outlives its handler call
 * (deferred answers and open streams), so cf_httpd_free can find them:
 * evhttp frees its own half on shutdown, ours would leak.
 */
static void live_link(cf_httpd_req *r)
{
	if (r->live)
		return;
	r->live = true;
	r->prev = NULL;
	r->next = r->h->live;
	if (r->next)
		r->next->prev = r;
	r->h->live = r;
}

static void live_unlink(cf_httpd_req *r)
{
	if (!r->live)
		return;
	if (r->prev)
		r->prev->next = r->next;
	else
		r->h->live = r->next;
	if (r->next)
		r->next->prev = r->prev;
	r->live = false;
}

static void req_free(cf_httpd_req *r)
{
	live_unlink(r);
	cf_arena_release(&r->arena);
	free(r);
}

/* The request is answered: free it now unless the handler that owns the
 * call stack still holds it (it is freed when the handler returns). */
static void req_finish(cf_httpd_req *r)
{
	r->state = REQ_DONE;
	if (!r->in_handler)
		req_free(r);
}

/* evhttp's own table stops at 417 and would call 422 "Unknown Status
 * Class"; curl shows the phrase, so give the usual ones. */
static const char *reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return NULL; /* evhttp picks its own */
	}
}

/* Only the methods allowed in cf_httpd_new can reach a handler. */
static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	}
	return "UNKNOWN";
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode s[0..n) into the arena. plus_space: '+' means ' ' (query
 * strings only). A bad escape or an escaped NUL (which would cut our C
 * strings short) returns NULL.
 */
static char *url_decode(cf_arena *a, const char *s, size_t n, bool plus_space)
{
	char *out = cf_arena_alloc(a, n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return NULL;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus_space && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

/* ---- the request view ----------------------------------------------------- */

/* Fill in what every handler reads; the query pairs are decoded lazily.
 * Returns CF_EINVALID for a path that does not decode. */
static int req_parse(cf_httpd_req *r)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(r->ev);
	const char *p = u ? evhttp_uri_get_path(u) : NULL;
	const char *q = u ? evhttp_uri_get_query(u) : NULL;
	struct evbuffer *in;

	r->method = method_name(evhttp_request_get_command(r->ev));
	/* evhttp parsed the request target already (origin or absolute
	 * form); both pieces are still percent-encoded. */
	r->raw_path = p && *p ? p : "/";
	r->query = q ? q : "";
	r->path = url_decode(&r->arena, r->raw_path, strlen(r->raw_path), false);
	if (!r->path)
		return cf_error_setc(CF_EINVALID, CF_ERR_HTTP,
		    "invalid escape in request path");

	/* evhttp has already held the body to the cap; append a NUL (not
	 * counted) so text parsers can use it in place, and make it one
	 * contiguous block. */
	in = evhttp_request_get_input_buffer(r->ev);
	r->body_len = evbuffer_get_length(in);
	if (r->body_len) {
		evbuffer_add(in, "", 1);
		r->body = (const char *)evbuffer_pullup(in, -1);
	} else {
		r->body = "";
	}
	return 0;
}

/*
 * Split the query as Go's url.ParseQuery does: '&' separates pairs, the
 * first '=' separates key from value, '+' is a space. Pairs with a bad
 * escape or a ';' are dropped, which is what URL.Query() leaves a Go
 * handler with.
 */
static void parse_params(cf_httpd_req *r)
{
	const char *s = r->query;
	size_t cap = 1;

	/* One slot per '&' (plus one) is an upper bound on the pairs, so
	 * the array is sized once, in the request arena. */
	r->params_parsed = true;
	for (const char *c = s; *c; c++)
		cap += *c == '&';
	r->params = cf_arena_alloc(&r->arena, cap * sizeof(*r->params));
	while (*s) {
		size_t n = strcspn(s, "&");
		const char *eq = memchr(s, '=', n);
		size_t kn = eq ? (size_t)(eq - s) : n;
		char *k, *v;

		if (n && !memchr(s, ';', n)) {
			k = url_decode(&r->arena, s, kn, true);
			v = eq ? url_decode(&r->arena, eq + 1, n - kn - 1, true)
			       : cf_arena_strdup(&r->arena, "");
			if (k && v) {
				r->params[r->nparams].key = k;
				r->params[r->nparams].value = v;
				r->nparams++;
			}
		}
		s += n;
		if (*s == '&')
			s++;
	}
}

const char *cf_httpd_method(const cf_httpd_req *r)
{
	return r->method;
}

const char *cf_httpd_raw_path(const cf_httpd_req *r)
{
	return r->raw_path;
}

const char *cf_httpd_path(const cf_httpd_req *r)
{
	return r->path;
}

const char *cf_httpd_query(const cf_httpd_req *r)
{
	return r->query;
}

const cf_httpd_kv *cf_httpd_query_params(const cf_httpd_req *cr, size_t *n)
{
	/* Decoding is lazy and cached: the view is logically const. */
	cf_httpd_req *r = (cf_httpd_req *)cr;

	if (!r->params_parsed)
		parse_params(r);
	*n = r->nparams;
	return r->params;
}

const char *cf_httpd_query_param(const cf_httpd_req *r, const char *key)
{
	size_t n;
	const cf_httpd_kv *kv = cf_httpd_query_params(r, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, key))
			return kv[i].value;
	return NULL;
}

/*
 * Headers are read in place from evhttp's list, in arrival order, with
 * repeated names kept as separate entries -- which is what
 * Impersonate-Group needs. A linear walk is fine: a request has a dozen.
 */
static struct evkeyval *headers_first(const cf_httpd_req *r)
{
	return evhttp_request_get_input_headers(r->ev)->tqh_first;
}

const char *cf_httpd_header(const cf_httpd_req *r, const char *name)
{
	for (struct evkeyval *kv = headers_first(r); kv; kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, name))
			return kv->value;
	return NULL;
}

const char **cf_httpd_header_list(cf_httpd_req *r, const char *name,
    size_t *n)
{
	const char **out;
	size_t count = 0;

	for (struct evkeyval *kv = headers_first(r); kv; kv = kv->next.tqe_next)
		count += !strcasecmp(kv->key, name);
	*n = count;
	if (!count)
		return NULL;
	out = cf_arena_alloc(&r->arena, count * sizeof(*out));
	count = 0;
	for (struct evkeyval *kv = headers_first(r); kv; kv = kv->next.tqe_next)
		if (!strcasecmp(kv->key, name))
			out[count++] = kv->value;
	return out;
}

int cf_httpd_headers(const cf_httpd_req *r,
    int (*fn)(const char *name, const char *value, void *payload),
    void *payload)
{
	for (struct evkeyval *kv = headers_first(r); kv; kv = kv->next.tqe_next) {
		int rc = fn(kv->key, kv->value, payload);
		if (rc)
			return rc;
	}
	return 0;
}

const char *cf_httpd_body(const cf_httpd_req *r, size_t *len)
{
	if (len)
		*len = r->body_len;
	return r->body;
}

const char *cf_httpd_peer(const cf_httpd_req *cr)
{
	cf_httpd_req *r = (cf_httpd_req *)cr;
	char *addr = NULL;
	ev_uint16_t port = 0;

	/* Formatted on first use: most handlers never ask. */
	if (r->peer[0] || !r->conn)
		return r->peer;
	evhttp_connection_get_peer(r->conn, &addr, &port);
	if (!addr)
		addr = "";
	snprintf(r->peer, sizeof(r->peer), strchr(addr, ':') ? "[%s]:%u" :
	    "%s:%u", addr, (unsigned)port);
	return r->peer;
}

bool cf_httpd_is_tls(const cf_httpd_req *r)
{
	return r->h->ssl != NULL;
}

cf_arena *cf_httpd_arena(cf_httpd_req *r)
{
	return &r->arena;
}

/* ---- answers -------------------------------------------------------------- */

/* Answering twice, or after a stream started, is a caller bug that
 * would corrupt evhttp's connection state: stop loudly. */
static void check_answerable(const cf_httpd_req *r, const char *what)
{
	if (r->state != REQ_NEW && r->state != REQ_DEFERRED)
		CF_BUG("%s on a request already answered", what);
}

int cf_httpd_add_header(cf_httpd_req *r, const char *name, const char *value)
{
	check_answerable(r, "cf_httpd_add_header");
	/* evhttp refuses CR/LF itself; check first so the code is ours. */
	if (strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return cf_error_setc(CF_EINVALID, CF_ERR_HTTP,
		    "invalid response header '%s'", name);
	if (evhttp_add_header(evhttp_request_get_output_headers(r->ev), name,
	    value) < 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_HTTP,
		    "invalid response header '%s'", name);
	return 0;
}

/* Queue the reply; evbuffer_add_buffer inside evhttp moves our chains,
 * references included, so nothing is copied here. */
static void send_reply(cf_httpd_req *r, int code, const char *content_type,
    struct evbuffer *body)
{
	check_answerable(r, "cf_httpd_reply");
	if (content_type)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Type", content_type);
	evhttp_send_reply(r->ev, code, reason_phrase(code), body);
	/* evhttp frees its request once the bytes are out. */
	r->ev = NULL;
	req_finish(r);
}

/* The scratch buffer is only a carrier: evhttp moves its contents out,
 * so it is empty again when send_reply returns. */
void cf_httpd_reply(cf_httpd_req *r, int code, const char *content_type,
    const void *body, size_t len)
{
	struct evbuffer *b = r->h->scratch;

	if (len)
		evbuffer_add(b, body, len);
	send_reply(r, code, content_type, b);
	evbuffer_drain(b, evbuffer_get_length(b));
}

static void free_taken(const void *data, size_t len, void *extra)
{
	(void)len;
	(void)extra;
	free((void *)data);
}

/* Move a cf_buf's bytes into b as a reference chain freed by libevent
 * once written. */
static void add_taken(struct evbuffer *b, cf_buf *buf)
{
	size_t n;
	char *p;

	if (!buf->len) {
		cf_buf_release(buf);
		return;
	}
	p = cf_buf_detach(buf, &n);
	if (evbuffer_add_reference(b, p, n, free_taken, NULL) < 0)
		CF_BUG("evbuffer_add_reference failed");
}

void cf_httpd_reply_take(cf_httpd_req *r, int code, const char *content_type,
    cf_buf *body)
{
	struct evbuffer *b = r->h->scratch;

	add_taken(b, body);
	send_reply(r, code, content_type, b);
	evbuffer_drain(b, evbuffer_get_length(b));
}

/* ---- streams -------------------------------------------------------------- */

/*
 * The connection under a stream or a deferred request is going away:
 * the client hung up, a write failed, or the server is being freed. If
 * evhttp detached our request from the connection (a hang-up), the
 * request is ours to free; if it is still attached, evhttp frees it
 * right after this callback.
 */
static void on_conn_close(struct evhttp_connection *conn, void *arg)
{
	cf_httpd_req *r = arg;
	struct cf_httpd_stream *s = &r->stream;

	(void)conn;
	live_unlink(r);
	/* The owner hears of it before anything is freed, so it can drop
	 * its pointer to the stream. */
	if (r->state == REQ_STREAMING && s->on_close)
		s->on_close(s->arg);
	if (r->ev && !evhttp_request_get_connection(r->ev))
		evhttp_request_free(r->ev);
	r->ev = NULL;
	r->state = REQ_DONE;
	req_free(r);
}

cf_httpd_stream *cf_httpd_stream_start(cf_httpd_req *r, int code,
    const char *content_type, void (*on_close)(void *), void *arg)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(r->conn);

	check_answerable(r, "cf_httpd_stream_start");
	if (content_type)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Type", content_type);
	r->stream.req = r;
	r->stream.on_close = on_close;
	r->stream.arg = arg;
	r->state = REQ_STREAMING;
	evhttp_send_reply_start(r->ev, code, reason_phrase(code));
	/* A watch is quiet for minutes: drop the idle read timeout, keep the
	 * write one so a client that stops reading is still noticed. */
	bufferevent_set_timeouts(bev, NULL, &r->h->idle);
	/* Reading stays on only to see the hang-up; whatever the client
	 * sends meanwhile (a pipelined request) waits in the input buffer,
	 * which must not grow without bound. */
	bufferevent_setwatermark(bev, EV_READ, 0, STREAM_MAX_INPUT);
	evhttp_connection_set_closecb(r->conn, on_conn_close, r);
	live_link(r);
	return &r->stream;
}

/* Back-pressure: a watcher that stopped reading would otherwise make
 * the server buffer every event for it forever. */
static int stream_check_room(const cf_httpd_stream *s)
{
	if (cf_httpd_stream_pending(s) > STREAM_MAX_PENDING)
		return cf_error_setc(CF_ERROR, CF_ERR_HTTP,
		    "stream client is not reading (more than %u bytes queued)",
		    STREAM_MAX_PENDING);
	return 0;
}

int cf_httpd_stream_write(cf_httpd_stream *s, const void *data, size_t len)
{
	struct evbuffer *b = s->req->h->scratch;

	if (!len)
		return 0;
	if (stream_check_room(s) < 0)
		return CF_ERROR;
	evbuffer_add(b, data, len);
	/* One chunk per call; evhttp enables writing, so it is flushed on
	 * this loop turn. */
	evhttp_send_reply_chunk(s->req->ev, b);
	evbuffer_drain(b, evbuffer_get_length(b));
	return 0;
}

int cf_httpd_stream_write_take(cf_httpd_stream *s, cf_buf *buf)
{
	struct evbuffer *b = s->req->h->scratch;

	if (!buf->len) {
		cf_buf_release(buf);
		return 0;
	}
	if (stream_check_room(s) < 0) {
		cf_buf_release(buf);
		return CF_ERROR;
	}
	add_taken(b, buf);
	evhttp_send_reply_chunk(s->req->ev, b);
	evbuffer_drain(b, evbuffer_get_length(b));
	return 0;
}

/* What evhttp queued on the bufferevent (TLS: before encryption). */
size_t cf_httpd_stream_pending(const cf_httpd_stream *s)
{
	struct bufferevent *bev;

	if (!s->req->conn)
		return 0;
	bev = evhttp_connection_get_bufferevent(s->req->conn);
	return evbuffer_get_length(bufferevent_get_output(bev));
}

cf_arena *cf_httpd_stream_arena(cf_httpd_stream *s)
{
	return &s->req->arena;
}

void cf_httpd_stream_end(cf_httpd_stream *s)
{
	cf_httpd_req *r = s->req;
	struct bufferevent *bev = evhttp_connection_get_bufferevent(r->conn);

	if (r->state != REQ_STREAMING)
		CF_BUG("cf_httpd_stream_end on a request that is not streaming");
	/* The connection may carry further requests: it must not call back
	 * into this (soon freed) stream, and idle timeouts apply again. */
	evhttp_connection_set_closecb(r->conn, NULL, NULL);
	bufferevent_set_timeouts(bev, &r->h->idle, &r->h->idle);
	bufferevent_setwatermark(bev, EV_READ, 0, 0);
	evhttp_send_reply_end(r->ev);
	r->ev = NULL;
	live_unlink(r);
	req_finish(r);
}

/* ---- dispatch ------------------------------------------------------------- */

static void on_request(struct evhttp_request *ev, void *arg)
{
	cf_httpd *h = arg;
	cf_httpd_req *r = cf_xcalloc(1, sizeof(*r));

	r->h = h;
	r->ev = ev;
	r->conn = evhttp_request_get_connection(ev);
	/* Requests evhttp could not parse never get here (it answers 400 or
	 * 413 itself); what remains to refuse is a path that does not
	 * decode. */
	if (req_parse(r) < 0) {
		evhttp_send_error(ev, 400, NULL);
		req_free(r);
		return;
	}

	/* in_handler keeps an answer given inside the handler from freeing
	 * r under the handler's feet; it is freed here instead. */
	r->in_handler = true;
	h->handler(r, h->payload);
	r->in_handler = false;

	if (r->state == REQ_DONE)
		req_free(r);
	else if (r->state == REQ_NEW) {
		/* Answered later, on the loop thread. */
		r->state = REQ_DEFERRED;
		live_link(r);
	}
}

/* ---- TLS ------------------------------------------------------------------ */

/* Go clients offer h2 first; choosing http/1.1 (or nothing, if they did
 * not offer it) makes them fall back cleanly. */
static int alpn_select(SSL *ssl, const unsigned char **out,
    unsigned char *outlen, const unsigned char *in, unsigned int inlen,
    void *arg)
{
	(void)ssl;
	(void)arg;
	for (unsigned int i = 0; i < inlen;) {
		unsigned int n = in[i];
		if (i + 1 + n > inlen)
			break;
		if (n == 8 && !memcmp(in + i + 1, "http/1.1", 8)) {
			*out = in + i + 1;
			*outlen = 8;
			return SSL_TLSEXT_ERR_OK;
		}
		i += 1 + n;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

static int tls_error(const char *what, const char *path)
{
	char msg[256] = "unknown error";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	return cf_error_set(CF_ERR_TLS, "%s '%s': %s", what, path, msg);
}

static int tls_setup(cf_httpd *h, const char *cert, const char *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		return tls_error("cannot create TLS context for", cert);
	h->ssl = ctx;
	/* TLS 1.2 is the oldest Go 1.18+ clients and kubectl offer by
	 * default; renegotiation is a DoS lever we have no use for. */
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
		return tls_error("cannot load certificate", cert);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
		return tls_error("cannot load private key", key);
	if (SSL_CTX_check_private_key(ctx) != 1)
		return tls_error("private key does not match certificate", cert);
	SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
	return 0;
}

/* evhttp asks for each accepted connection's bufferevent here. */
static struct bufferevent *make_tls_bev(struct event_base *base, void *arg)
{
	cf_httpd *h = arg;
	SSL *ssl = SSL_new(h->ssl);
	struct bufferevent *bev;

	if (!ssl)
		return NULL;
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	/* Clients often just close the socket; that is a normal end. */
	if (bev)
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

/* ---- wake-ups: stop and post ---------------------------------------------- */

/* Take the whole queue under the lock and run it outside, so posted
 * functions may post again without deadlocking. Runs in FIFO order. */
static void run_posted(cf_httpd *h)
{
	struct post_item *it;

	pthread_mutex_lock(&h->lock);
	it = h->post_head;
	h->post_head = h->post_tail = NULL;
	pthread_mutex_unlock(&h->lock);
	while (it) {
		struct post_item *next = it->next;
		it->fn(it->arg);
		free(it);
		it = next;
	}
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
	cf_httpd *h = arg;
	uint64_t n;

	(void)what;
	/* Drain the counter; several wake-ups fold into one turn. */
	if (read(fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		CF_BUG("eventfd read: %s", strerror(errno));
	run_posted(h);
	if (atomic_load(&h->stopping))
		event_base_loopbreak(h->base);
}

static void wake(cf_httpd *h)
{
	uint64_t one = 1;
	ssize_t rc;

	/* write(2) on an eventfd is async-signal-safe; EAGAIN means the
	 * counter is already non-zero, which wakes the loop as well. */
	do
		rc = write(h->wake_fd, &one, sizeof(one));
	while (rc < 0 && errno == EINTR);
}

void cf_httpd_stop(cf_httpd *h)
{
	atomic_store(&h->stopping, 1);
	wake(h);
}

void cf_httpd_post(cf_httpd *h, void (*fn)(void *), void *arg)
{
	struct post_item *it = cf_xmalloc(sizeof(*it));

	it->fn = fn;
	it->arg = arg;
	it->next = NULL;
	pthread_mutex_lock(&h->lock);
	if (h->post_tail)
		h->post_tail->next = it;
	else
		h->post_head = it;
	h->post_tail = it;
	pthread_mutex_unlock(&h->lock);
	wake(h);
}

/* ---- timers --------------------------------------------------------------- */

/* Timers sit on a list of their own so cf_httpd_free can release the
 * ones still pending (one-shots that never fired). */
static void timer_destroy(cf_httpd_timer *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		t->h->timers = t->next;
	if (t->next)
		t->next->prev = t->prev;
	event_free(t->ev);
	free(t);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	cf_httpd_timer *t = arg;

	(void)fd;
	(void)what;
	/* The callback may cancel this very timer; free it only after. */
	t->firing = true;
	t->fn(t->arg);
	t->firing = false;
	if (t->cancelled || !t->repeat)
		timer_destroy(t);
}

static struct timeval ms_to_tv(int64_t ms)
{
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	return tv;
}

cf_httpd_timer *cf_httpd_timer_add(cf_httpd *h, int64_t ms, bool repeat,
    void (*fn)(void *), void *arg)
{
	cf_httpd_timer *t = cf_xcalloc(1, sizeof(*t));
	struct timeval tv = ms_to_tv(ms);

	t->h = h;
	t->fn = fn;
	t->arg = arg;
	t->repeat = repeat;
	/* A persistent timeout event re-arms itself with the same interval:
	 * libevent's own periodic timer. */
	t->ev = event_new(h->base, -1, repeat ? EV_PERSIST : 0, on_timer, t);
	if (!t->ev || event_add(t->ev, &tv) < 0)
		CF_BUG("cannot add a timer to the event loop");
	t->next = h->timers;
	if (t->next)
		t->next->prev = t;
	h->timers = t;
	return t;
}

void cf_httpd_timer_cancel(cf_httpd_timer *t)
{
	if (!t)
		return;
	/* From inside its own callback: on_timer frees it afterwards. */
	if (t->firing) {
		t->cancelled = true;
		event_del(t->ev);
		return;
	}
	timer_destroy(t);
}

/* ---- lifecycle ------------------------------------------------------------ */

/* libevent prints its warnings to stderr by default; library code here
 * never prints, so they go to our log (errors as errors, the rest as
 * debug). */
static void on_event_log(int severity, const char *msg)
{
	cf_logf(severity >= EVENT_LOG_ERR ? CF_LOG_ERROR : CF_LOG_DEBUG,
	    "libevent: %s", msg);
}

static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void route_event_log(void)
{
	event_set_log_callback(on_event_log);
}

/* Split "HOST:PORT" / "[V6]:PORT" / ":PORT". An empty host is loopback:
 * exposing the server beyond this machine must be asked for by name. */
static int parse_listen(const char *listen, char *host, size_t hostsz,
    int *port)
{
	const char *colon, *hs = listen, *he;
	char *end;
	long p;

	if (!listen || !*listen)
		listen = hs = "127.0.0.1:0";
	if (*listen == '[') {
		he = strchr(listen, ']');
		if (!he || he[1] != ':')
			goto bad;
		hs = listen + 1;
		colon = he + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon)
			goto bad;
		he = colon;
	}
	if ((size_t)(he - hs) >= hostsz)
		goto bad;
	if (he == hs)
		snprintf(host, hostsz, "127.0.0.1");
	else
		snprintf(host, hostsz, "%.*s", (int)(he - hs), hs);
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || p < 0 || p > 65535)
		goto bad;
	*port = (int)p;
	return 0;
bad:
	return cf_error_setc(CF_EINVALID, CF_ERR_HTTP,
	    "invalid listen address '%s' (want HOST:PORT)", listen);
}

/* With port 0 the kernel chose; tests and the daemon's kubeconfig need
 * the real number. */
static int bound_port(struct evhttp_bound_socket *sock)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = evhttp_bound_socket_get_fd(sock);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return cf_error_os("getsockname");
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

int cf_httpd_new(cf_httpd **out, const cf_httpd_opts *opts)
{
	cf_httpd *h;
	struct evhttp_bound_socket *sock;
	char host[256];
	int port = 0, err;

	*out = NULL;
	if (!opts->handler)
		return cf_error_setc(CF_EINVALID, CF_ERR_HTTP, "no handler");
	if (!opts->cert_file != !opts->key_file)
		return cf_error_setc(CF_EINVALID, CF_ERR_HTTP,
		    "TLS needs both a certificate and a key");
	if ((err = parse_listen(opts->listen, host, sizeof(host), &port)) < 0)
		return err;

	/* A client that hangs up mid-write must cost an EPIPE, not the
	 * process. */
	signal(SIGPIPE, SIG_IGN);
	pthread_once(&log_once, route_event_log);

	h = cf_xcalloc(1, sizeof(*h));
	h->handler = opts->handler;
	h->payload = opts->payload;
	h->wake_fd = -1;
	h->idle.tv_sec = opts->idle_timeout_s > 0 ? opts->idle_timeout_s :
	    DEFAULT_IDLE_S;
	pthread_mutex_init(&h->lock, NULL);
	atomic_init(&h->stopping, 0);

	h->base = event_base_new();
	h->scratch = evbuffer_new();
	if (!h->base || !h->scratch || !(h->http = evhttp_new(h->base))) {
		err = cf_error_set(CF_ERR_HTTP, "cannot create the event loop");
		goto fail;
	}
	h->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (h->wake_fd < 0) {
		err = cf_error_os("eventfd");
		goto fail;
	}
	h->wake_ev = event_new(h->base, h->wake_fd, EV_READ | EV_PERSIST,
	    on_wake, h);
	if (!h->wake_ev || event_add(h->wake_ev, NULL) < 0) {
		err = cf_error_set(CF_ERR_HTTP, "cannot watch the wake-up fd");
		goto fail;
	}

	if (opts->cert_file) {
		if ((err = tls_setup(h, opts->cert_file, opts->key_file)) < 0)
			goto fail;
		evhttp_set_bevcb(h->http, make_tls_bev, h);
	}
	evhttp_set_max_body_size(h->http, (ev_ssize_t)(opts->max_body ?
	    opts->max_body : CF_HTTPD_DEFAULT_MAX_BODY));
	evhttp_set_max_headers_size(h->http, (ev_ssize_t)(opts->max_header ?
	    opts->max_header : DEFAULT_MAX_HEADER));
	/* One timeout for idle keep-alive connections and slow senders; open
	 * streams swap it for a write-only one (cf_httpd_stream_start). */
	evhttp_set_timeout_tv(h->http, &h->idle);
	/* evhttp's default set lacks PATCH and OPTIONS, which kubectl uses;
	 * anything else gets 501 from evhttp. */
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
	/* Handlers say what they send; no text/html guess. */
	evhttp_set_default_content_type(h->http, NULL);
	evhttp_set_gencb(h->http, on_request, h);

	sock = evhttp_bind_socket_with_handle(h->http, host, (ev_uint16_t)port);
	if (!sock) {
		err = cf_error_set(CF_ERR_HTTP, "cannot listen on '%s': %s",
		    opts->listen ? opts->listen : "127.0.0.1:0",
		    strerror(errno));
		goto fail;
	}
	/*
	 * Replies leave as several writes (TLS records, watch chunks); with
	 * Nagle on, the second one waits for the peer's delayed ACK, 40 ms a
	 * time. Accepted sockets inherit the option from the listener on
	 * Linux.
	 */
	{
		int one = 1;
		setsockopt(evhttp_bound_socket_get_fd(sock), IPPROTO_TCP,
		    TCP_NODELAY, &one, sizeof(one));
	}
	if ((h->port = bound_port(sock)) < 0) {
		err = h->port;
		goto fail;
	}
	*out = h;
	return 0;
fail:
	cf_httpd_free(h);
	return err;
}

int cf_httpd_port(const cf_httpd *h)
{
	return h->port;
}

int cf_httpd_run(cf_httpd *h)
{
	/* A stop that came before run (a fast signal, a test) still wins;
	 * the eventfd would also break the loop, one turn later. */
	if (atomic_load(&h->stopping))
		return 0;
	if (event_base_loop(h->base, 0) < 0)
		return cf_error_set(CF_ERR_HTTP, "event loop failed");
	return 0;
}

void cf_httpd_free(cf_httpd *h)
{
	if (!h)
		return;
	/* Posted work first, while the streams it may write to exist. */
	run_posted(h);
	/* Streams and deferred requests: tell stream owners, then let
	 * evhttp_free close the connections (it frees the attached evhttp
	 * requests, so the close callbacks must be gone). */
	while (h->live) {
		cf_httpd_req *r = h->live;
		live_unlink(r);
		if (r->conn)
			evhttp_connection_set_closecb(r->conn, NULL, NULL);
		if (r->state == REQ_STREAMING && r->stream.on_close)
			r->stream.on_close(r->stream.arg);
		req_free(r);
	}
	/* Owners cancel their repeating timers first (the API server does);
	 * whatever is left is ours to release. */
	while (h->timers)
		timer_destroy(h->timers);
	if (h->http)
		evhttp_free(h->http);
	if (h->wake_ev)
		event_free(h->wake_ev);
	if (h->wake_fd >= 0)
		close(h->wake_fd);
	if (h->scratch)
		evbuffer_free(h->scratch);
	if (h->base)
		event_base_free(h->base);
	if (h->ssl)
		SSL_CTX_free(h->ssl);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
