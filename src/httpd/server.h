/* SPDX-License-Identifier: Apache-2.0 */
/*
 * httpd: the HTTP/1.1 server every cflux endpoint stands on (the embedded
 * API server; later the artifact server, metrics and webhook receiver).
 * One event-loop thread; keep-alive; TLS through OpenSSL 3 with ALPN
 * offering only http/1.1; request bodies capped before they are buffered;
 * chunked streaming replies for watches; timers and cross-thread posting
 * onto the loop.
 *
 * The only module that includes libevent's and OpenSSL's SSL headers.
 * Requests and streams are opaque. Everything a handler reads from a
 * request is borrowed until the request is answered. Not done here:
 * HTTP/2, gzip, per-connection limits.
 */
#ifndef CF_HTTPD_SERVER_H
#define CF_HTTPD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

typedef struct cf_httpd cf_httpd;
typedef struct cf_httpd_req cf_httpd_req;
typedef struct cf_httpd_stream cf_httpd_stream;
typedef struct cf_httpd_timer cf_httpd_timer;

/* A decoded name/value pair (query parameters). */
typedef struct cf_httpd_kv {
	const char *key;
	const char *value;
} cf_httpd_kv;

/*
 * Called on the loop thread for every complete request. The handler
 * answers with cf_httpd_reply*() or cf_httpd_stream_start(), either before
 * it returns or later on the loop thread (a deferred answer). While an
 * answer is deferred the client's disconnect is not noticed.
 */
typedef void (*cf_httpd_handler)(cf_httpd_req *req, void *payload);

/*
 * What never reaches a handler (evhttp answers itself): unparsable
 * request lines or headers (400), methods other than GET, HEAD, POST,
 * PUT, PATCH, DELETE and OPTIONS (501), bodies over max_body (413,
 * unread), and broken chunk framing (413 as well: evhttp does not tell it
 * apart from an over-long chunked body). A path with a bad %-escape gets
 * 400 here.
 */

#define CF_HTTPD_DEFAULT_MAX_BODY (3u << 20)

typedef struct cf_httpd_opts {
	const char *listen;    /* "HOST:PORT" or "[V6]:PORT"; port 0 picks one;
	                        * ":PORT" and NULL mean 127.0.0.1 */
	const char *cert_file; /* PEM chain; NULL together with key_file: plain */
	const char *key_file;
	size_t max_body;       /* bigger bodies get 413 unread; 0 = 3 MiB */
	size_t max_header;     /* request line + headers; 0 = 64 KiB */
	int idle_timeout_s;    /* keep-alive/read timeout; 0 = 120 s */
	cf_httpd_handler handler;
	void *payload;
} cf_httpd_opts;

/* ---- lifecycle ----------------------------------------------------------- */

/*
 * Bind and listen; nothing is served until cf_httpd_run. Loads the TLS
 * certificate and key when given. Ignores SIGPIPE for the process (a peer
 * that hangs up must not kill the daemon). *out is yours: cf_httpd_free.
 * Returns 0, CF_EINVALID for a bad listen address, or CF_ERROR (bind or
 * TLS failure, message set).
 */
int cf_httpd_new(cf_httpd **out, const cf_httpd_opts *opts);
/* Run work still posted, call on_close of every open stream, close every
 * connection, free pending timers and the server. Not while running.
 * Requests whose answer is still deferred are freed with it: answer them
 * before. */
void cf_httpd_free(cf_httpd *h);
/* The bound port (the real one when 0 was asked for). */
int cf_httpd_port(const cf_httpd *h);
/* Serve on the calling thread until cf_httpd_stop. Returns 0 or CF_ERROR. */
int cf_httpd_run(cf_httpd *h);
/* Make cf_httpd_run return; from any thread or a signal handler (an
 * atomic flag and an eventfd write). Sticky: a later run returns at once. */
void cf_httpd_stop(cf_httpd *h);

/*
 * Run fn(arg) on the loop thread soon; callable from any thread (not from
 * signal handlers). Work posted before cf_httpd_free and not yet run runs
 * inside cf_httpd_free, so arg is never lost.
 */
void cf_httpd_post(cf_httpd *h, void (*fn)(void *), void *arg);

/* ---- requests (everything borrowed until the answer) -------------------- */

const char *cf_httpd_method(const cf_httpd_req *r);
/* The path as sent, without the query ("/" at least). */
const char *cf_httpd_raw_path(const cf_httpd_req *r);
/* The percent-decoded path (requests with bad escapes got 400). */
const char *cf_httpd_path(const cf_httpd_req *r);
/* The raw query string after '?', or "". */
const char *cf_httpd_query(const cf_httpd_req *r);
/* Decoded query pairs in order ('+' is a space, repeated keys kept, pairs
 * with bad escapes dropped as Go's URL.Query() drops them). */
const cf_httpd_kv *cf_httpd_query_params(const cf_httpd_req *r, size_t *n);
/* First decoded value of a query key, or NULL. "?a" gives "". */
const char *cf_httpd_query_param(const cf_httpd_req *r, const char *key);
/* First value of a header (case-insensitive name), or NULL. */
const char *cf_httpd_header(const cf_httpd_req *r, const char *name);
/* Every value of a repeated header (Impersonate-Group), in arrival order,
 * in an arena array; *n is the count (0 gives NULL). */
const char **cf_httpd_header_list(cf_httpd_req *r, const char *name,
    size_t *n);
/* Visit every header in arrival order; a non-zero return stops the walk
 * and is returned. */
int cf_httpd_headers(const cf_httpd_req *r,
    int (*fn)(const char *name, const char *value, void *payload),
    void *payload);
/* The body, NUL-terminated for convenience (may hold NULs); len 0 and ""
 * when there is none. */
const char *cf_httpd_body(const cf_httpd_req *r, size_t *len);
/* The peer as "IP:PORT" ("[IP]:PORT" for IPv6). */
const char *cf_httpd_peer(const cf_httpd_req *r);
/* True when the request came over TLS. */
bool cf_httpd_is_tls(const cf_httpd_req *r);
/* An arena released once the request is answered (or its stream ends). */
cf_arena *cf_httpd_arena(cf_httpd_req *r);

/* ---- answers ------------------------------------------------------------- */

/* Add a response header before answering (copied). Returns CF_EINVALID for
 * names or values holding CR or LF. */
int cf_httpd_add_header(cf_httpd_req *r, const char *name, const char *value);
/* Answer with a body copied from body/len; content_type may be NULL. The
 * request is released: r must not be used afterwards. */
void cf_httpd_reply(cf_httpd_req *r, int code, const char *content_type,
    const void *body, size_t len);
/* Same, taking body's bytes without copying (body is reset). */
void cf_httpd_reply_take(cf_httpd_req *r, int code, const char *content_type,
    cf_buf *body);

/* ---- streams (chunked replies) ------------------------------------------- */

/*
 * Start a chunked reply with code and the headers added so far; they are
 * flushed at once. The request is consumed (its arena lives until the
 * stream ends). on_close(arg) runs once, on the loop thread, if the client
 * goes away or the server is freed first; the stream is freed when
 * on_close returns and must not be used again. Never NULL.
 */
cf_httpd_stream *cf_httpd_stream_start(cf_httpd_req *r, int code,
    const char *content_type, void (*on_close)(void *), void *arg);
/* Queue one chunk (copied) to be flushed on this loop turn. Returns 0, or
 * CF_ERROR when the client is too slow (more than 16 MiB already queued):
 * the caller should end the stream. Empty writes are no-ops. */
int cf_httpd_stream_write(cf_httpd_stream *s, const void *data, size_t len);
/* Same, taking buf's bytes without copying (buf is reset either way). */
int cf_httpd_stream_write_take(cf_httpd_stream *s, cf_buf *buf);
/* Bytes queued but not yet written to the socket. */
size_t cf_httpd_stream_pending(const cf_httpd_stream *s);
/* The arena of the request that started the stream. */
cf_arena *cf_httpd_stream_arena(cf_httpd_stream *s);
/* End the chunked reply and free the stream (on_close does not run). The
 * connection stays open for the next request. */
void cf_httpd_stream_end(cf_httpd_stream *s);

/* ---- timers on the loop -------------------------------------------------- */

/* Run fn(arg) on the loop after ms, and every ms again when repeat. Loop
 * thread (or before cf_httpd_run). Never NULL. */
cf_httpd_timer *cf_httpd_timer_add(cf_httpd *h, int64_t ms, bool repeat,
    void (*fn)(void *), void *arg);
/* Cancel and free a timer; NULL is a no-op. A repeating timer may cancel
 * itself from its own callback. A one-shot timer frees itself after it
 * fires: cancel it only before (or from inside its callback). */
void cf_httpd_timer_cancel(cf_httpd_timer *t);

#endif
