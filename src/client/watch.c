/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watch streams. Events arrive as newline-terminated JSON objects in a
 * chunked body; chunk boundaries fall anywhere, so bytes collect in a
 * capped line buffer and complete lines are parsed with
 * cf_json_parse_prefix (which also copes with a server that puts two
 * events on one line). Each event is parsed into its own arena, released
 * once the callback returns, so a watch that runs for days holds no more
 * than one event in memory.
 *
 * The loop is the reflector's: open a stream from the last resourceVersion
 * seen, read until the server ends it, open the next one. Errors that
 * mean "history is gone" (410, as an HTTP answer or an ERROR event) end
 * the loop with RELIST, because only a fresh list can make the caller's
 * view whole again.
 */
#include "client/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/client_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"

/* An internal abort code for "the callback asked to stop". */
#define STOPPED 1

struct wctx {
	cf_watch_fn fn;
	void *payload;
	cf_buf line;      /* bytes of the event being received */
	char rv[128];     /* last resourceVersion seen */
	bool relist;      /* a 410 ERROR event arrived */
	int err;          /* set with the message when an event fails */
	unsigned events;  /* events delivered on this stream */
};

static const char *const names[] = { "ADDED", "MODIFIED", "DELETED",
	"BOOKMARK", "RELIST" };

const char *cf_watch_event_name(enum cf_watch_event ev)
{
	return (unsigned)ev < CF_ARRAY_SIZE(names) ? names[ev] : "UNKNOWN";
}

static void note_rv(struct wctx *w, const cf_node *obj)
{
	const char *rv = cf_node_getp_str(obj, "metadata", "resourceVersion",
	    NULL);

	if (rv && *rv && strlen(rv) < sizeof(w->rv))
		memcpy(w->rv, rv, strlen(rv) + 1);
}

/* Handle one decoded event; 0, STOPPED or a negative error. */
static int dispatch(struct wctx *w, const cf_node *ev)
{
	const char *type = cf_node_getp_str(ev, "type", NULL);
	const cf_node *obj = cf_node_get(ev, "object");
	enum cf_watch_event kind;
	int r;

	if (!type || !cf_node_is(obj, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "watch event without type or object");
	if (!strcmp(type, "ERROR")) {
		int64_t code = 0;

		cf_node_as_int(cf_node_get(obj, "code"), &code);
		if (code == 410) {
			w->relist = true;
			r = w->fn(CF_WATCH_RELIST, obj, w->payload);
			return r < 0 ? r : STOPPED;
		}
		r = cf_client_status_error(code, NULL, 0);
		{
			/* Keep the server's words when it sent a Status. */
			const char *m = cf_node_getp_str(obj, "message", NULL);

			if (m)
				r = cf_error_setc(r, CF_ERR_KUBE, "%s", m);
		}
		return r;
	}
	if (!strcmp(type, "ADDED"))
		kind = CF_WATCH_ADDED;
	else if (!strcmp(type, "MODIFIED"))
		kind = CF_WATCH_MODIFIED;
	else if (!strcmp(type, "DELETED"))
		kind = CF_WATCH_DELETED;
	else if (!strcmp(type, "BOOKMARK"))
		kind = CF_WATCH_BOOKMARK;
	else
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "unknown watch event type '%.40s'", type);
	/* Noted before the callback so a stop still resumes correctly. */
	note_rv(w, obj);
	w->events++;
	r = w->fn(kind, obj, w->payload);
	if (r > 0)
		return STOPPED;
	return r;
}

/* Parse and dispatch every complete line in w->line. */
static int drain(struct wctx *w)
{
	size_t done = 0;
	int r = 0;

	for (;;) {
		char *nl = memchr(w->line.buf + done, '\n', w->line.len - done);
		size_t end, pos;

		if (!nl)
			break;
		end = (size_t)(nl - w->line.buf) + 1;
		pos = done;
		while (pos < end && r == 0) {
			cf_arena a = CF_ARENA_INIT;
			cf_node *ev = NULL;
			size_t used = 0;
			int e = cf_json_parse_prefix(&ev, &used, &a,
			    w->line.buf + pos, end - pos, NULL);

			if (e == CF_ENOTFOUND) { /* blank line */
				cf_arena_release(&a);
				break;
			}
			if (e < 0)
				r = cf_error_wrap("decoding a watch event");
			else
				r = dispatch(w, ev);
			pos += used ? used : end - pos;
			cf_arena_release(&a);
		}
		done = end;
		if (r != 0)
			break;
	}
	if (done > 0) {
		memmove(w->line.buf, w->line.buf + done, w->line.len - done);
		cf_buf_truncate(&w->line, w->line.len - done);
	}
	return r;
}

static int on_data(const char *data, size_t len, void *payload)
{
	struct wctx *w = payload;
	int r;

	if (cf_buf_add(&w->line, data, len) < 0) {
		w->err = cf_error_setc(CF_ETOOLARGE, CF_ERR_KUBE,
		    "a watch event is larger than %u bytes",
		    CF_WATCH_MAX_EVENT);
		return w->err;
	}
	/* Only a newline in the new bytes can complete an event; checking
	 * them alone keeps a large event from being scanned per chunk. */
	if (!memchr(data, '\n', len))
		return 0;
	r = drain(w);
	if (r < 0)
		w->err = r;
	return r;
}

static long pick_timeout(const cf_watch_opts *o)
{
	if (o->timeout_seconds > 0)
		return o->timeout_seconds;
	/* Informers spread their re-watches over 5-10 minutes so a
	 * restarted server is not hit by every client at once. */
	return 300 + (long)(cf_clock_mono_ns() / 1000 % 300);
}

static bool cancelled(const cf_watch_opts *o)
{
	return o->cancel && atomic_load(o->cancel) != 0;
}

/* What the loop does after a stream. */
enum next {
	NEXT_STREAM, /* ended normally: open the next one from w->rv */
	NEXT_RETRY,  /* failed in a way worth retrying after a backoff */
	NEXT_END,    /* the watch is over; *err holds its result */
};

/* The stream's URL path: base plus the watch parameters. */
static void stream_path(cf_buf *path, const char *base,
    const cf_watch_opts *o, const char *rv, long timeout)
{
	char tbuf[32];

	cf_buf_adds(path, base);
	cf_client__query(path, "watch", "true");
	cf_client__query(path, "resourceVersion", rv);
	if (!o->no_bookmarks)
		cf_client__query(path, "allowWatchBookmarks", "true");
	cf_client__query(path, "labelSelector", o->label_selector);
	cf_client__query(path, "fieldSelector", o->field_selector);
	snprintf(tbuf, sizeof(tbuf), "%ld", timeout);
	cf_client__query(path, "timeoutSeconds", tbuf);
}

/* An HTTP answer other than a stream: 410 relists, throttling and server
 * failures are retried, anything else ends the watch. */
static enum next http_failure(struct wctx *w, const cf_http_response *resp,
    int *err)
{
	if (resp->status == 410) {
		cf_arena sa = CF_ARENA_INIT;
		cf_node *st = NULL;
		int r;

		cf_json_parse(&st, &sa, resp->body.buf, resp->body.len, NULL);
		r = w->fn(CF_WATCH_RELIST, st, w->payload);
		cf_arena_release(&sa);
		*err = r < 0 ? r : cf_client_status_error(resp->status,
		    resp->body.buf, resp->body.len);
		return NEXT_END;
	}
	*err = cf_client_status_error(resp->status, resp->body.buf,
	    resp->body.len);
	if (resp->status == 429 || resp->status >= 500)
		return NEXT_RETRY;
	return NEXT_END;
}

/* Open one stream from w->rv and read it to its end. */
static enum next run_stream(cf_client *c, const char *base,
    const cf_watch_opts *o, struct wctx *w, cf_http_response *resp,
    int *err)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf path = CF_BUF_INIT;
	long timeout = pick_timeout(o);
	enum next next;
	int r;

	stream_path(&path, base, o, w->rv, timeout);
	cf_buf_reset(&w->line);
	w->err = 0;
	w->events = 0;
	cf_client__pace(c, false);
	r = cf_http_do(c->http, &(cf_http_request){
	    .url = cf_client__url(&a, c, path.buf),
	    .headers = (const char *const *)c->headers,
	    .nheaders = c->nheaders,
	    /* The server ends the stream at timeoutSeconds; the extra half
	     * minute only catches a dead connection. */
	    .timeout_ms = (timeout + 30) * 1000,
	    .on_data = on_data, .payload = w, .cancel = o->cancel,
	    .max_body = CF_CLIENT_MAX_OBJECT }, resp);
	if (r == 0 && resp->status >= 200 && resp->status < 300 &&
	    w->line.len > 0) {
		/* A last event without its newline. */
		r = cf_buf_addch(&w->line, '\n') == 0 ? drain(w) : 0;
		if (r < 0)
			w->err = r;
	}
	*err = 0;
	if (r == STOPPED) {
		if (w->relist)
			*err = cf_error_setc(CF_EGONE, CF_ERR_KUBE,
			    "watch expired: the resource version is too "
			    "old, list again");
		next = NEXT_END;
	} else if (r == 0 && (resp->status < 200 || resp->status >= 300)) {
		next = http_failure(w, resp, err);
	} else if (r < 0 && resp->cancelled) {
		next = NEXT_END;
	} else if (r < 0 && w->err == 0 && r != CF_ETOOLARGE) {
		/* The connection dropped or stalled: resume from w->rv. */
		cf_log(CF_LOG_DEBUG, "watch interrupted", "error",
		    cf_error_msg(), (const char *)NULL);
		*err = r;
		next = NEXT_RETRY;
	} else if (r < 0) {
		*err = r; /* the callback's error, or an event too large */
		next = NEXT_END;
	} else {
		next = NEXT_STREAM;
	}
	cf_buf_release(&path);
	cf_arena_release(&a);
	return next;
}

int cf_client_watch(cf_client *c, const char *api_version, const char *kind,
    const char *ns, const cf_watch_opts *opts, cf_watch_fn fn,
    void *payload)
{
	static const cf_watch_opts zero;
	const cf_watch_opts *o = opts ? opts : &zero;
	struct wctx w = { .fn = fn, .payload = payload };
	cf_backoff b = { .base_ms = c->opts.backoff_base_ms,
	    .max_ms = c->opts.backoff_max_ms, .jitter = 0.2,
	    .seed = (uint64_t)cf_clock_mono_ns() };
	cf_client_mapping m;
	cf_buf base = CF_BUF_INIT;
	int failures = 0, streams = 0, err;

	err = cf_client_mapping_for(&m, c, api_version, kind);
	if (err == 0)
		err = cf_client__path(&base, &m, ns, NULL, NULL);
	if (err < 0)
		goto done;
	if (o->resource_version && strlen(o->resource_version) < sizeof(w.rv))
		memcpy(w.rv, o->resource_version,
		    strlen(o->resource_version) + 1);
	cf_buf_init_capped(&w.line, CF_WATCH_MAX_EVENT);

	while (!cancelled(o)) {
		cf_http_response resp = CF_HTTP_RESPONSE_INIT;
		int64_t started = cf_clock_mono_ns();
		enum next next = run_stream(c, base.buf, o, &w, &resp, &err);
		long retry_after = resp.retry_after;

		cf_http_response_release(&resp);
		streams++;
		if (next == NEXT_END)
			break;
		if (next == NEXT_RETRY) {
			if (++failures > c->opts.max_retries)
				break; /* err holds the last failure */
			cf_sleep_ms(cf_backoff_delay(&b, retry_after));
		} else if (w.events > 0) {
			failures = 0;
			b.attempt = 0;
		} else if (cf_clock_mono_ns() - started < 1000000000) {
			/* Ended at once with nothing in it: do not spin
			 * against a server that does that. */
			cf_sleep_ms(cf_backoff_next(&b));
		}
		err = 0;
		if (o->max_streams > 0 && streams >= o->max_streams)
			break;
	}
done:
	cf_buf_release(&w.line);
	cf_buf_release(&base);
	return err;
}

/* ---- reflector ---- */

struct rctx {
	cf_watch_fn fn;
	void *payload;
	int fn_err;  /* the callback's own error, which ends the loop */
	bool stop;   /* the callback asked to stop */
};

/* Pass events through, noting whether an ending came from the callback
 * rather than from the server. */
static int reflect_event(enum cf_watch_event ev, const cf_node *obj,
    void *payload)
{
	struct rctx *r = payload;
	int e = r->fn(ev, obj, r->payload);

	if (e < 0)
		r->fn_err = e;
	else if (e > 0)
		r->stop = true;
	return e;
}

/* Errors a fresh list cannot fix: the caller must act. */
static bool permanent(int err)
{
	return err == CF_ENOTFOUND || err == CF_EFORBIDDEN ||
	    err == CF_EINVALID || err == CF_ETOOLARGE;
}

int cf_client_reflect(cf_client *c, const char *api_version,
    const char *kind, const char *ns, const cf_watch_opts *opts,
    int (*replace)(const cf_node *list, void *payload), cf_watch_fn fn,
    void *payload)
{
	static const cf_watch_opts zero;
	const cf_watch_opts *o = opts ? opts : &zero;
	struct rctx r = { .fn = fn, .payload = payload };
	cf_backoff b = { .base_ms = c->opts.backoff_base_ms,
	    .max_ms = c->opts.backoff_max_ms, .jitter = 0.2,
	    .seed = (uint64_t)cf_clock_mono_ns() };
	int err = 0;

	while (!cancelled(o)) {
		cf_arena a = CF_ARENA_INIT;
		cf_watch_opts wo = *o;
		cf_node *list = NULL;
		const char *rv;

		/* A consistent list (resourceVersion ""), as informers do
		 * after a 410: "0" could serve a view older than the one
		 * that just expired. */
		err = cf_client_list(&list, &a, c, api_version, kind, ns,
		    &(cf_list_opts){ .label_selector = o->label_selector,
		    .field_selector = o->field_selector });
		if (err == 0) {
			err = replace(list, payload);
			if (err < 0) {
				cf_arena_release(&a);
				break;
			}
			rv = cf_node_getp_str(list, "metadata",
			    "resourceVersion", NULL);
			wo.resource_version = rv ? cf_arena_strdup(&a, rv) :
			    NULL;
			wo.max_streams = 0;
			err = cf_client_watch(c, api_version, kind, ns, &wo,
			    reflect_event, &r);
		}
		cf_arena_release(&a);
		if (r.fn_err) {
			err = r.fn_err;
			break;
		}
		if (r.stop || (err == 0 && cancelled(o))) {
			err = 0;
			break;
		}
		if (err == CF_EGONE) {
			b.attempt = 0; /* history moved on: list at once */
			continue;
		}
		if (permanent(err))
			break;
		/* The server is away: wait, then start over with a list. */
		cf_log(CF_LOG_DEBUG, "reflector relisting after an error",
		    "kind", kind, "error", cf_error_msg(), (const char *)NULL);
		cf_sleep_ms(cf_backoff_next(&b));
		err = 0;
	}
	return err;
}

int cf_client_stream(cf_client *c, const char *path, long timeout_ms,
    const atomic_int *cancel,
    int (*fn)(const char *data, size_t len, void *payload), void *payload)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_arena a = CF_ARENA_INIT;
	int r;

	cf_client__pace(c, false);
	r = cf_http_do(c->http, &(cf_http_request){
	    .url = cf_client__url(&a, c, path),
	    .headers = (const char *const *)c->headers,
	    .nheaders = c->nheaders,
	    .accept = "*/*",
	    .timeout_ms = timeout_ms > 0 ? timeout_ms : -1,
	    .on_data = fn, .payload = payload, .cancel = cancel,
	    .max_body = CF_CLIENT_MAX_OBJECT }, &resp);
	if (r < 0 && resp.cancelled)
		r = 0;
	else if (r == 0 && (resp.status < 200 || resp.status >= 300))
		r = cf_client_status_error(resp.status, resp.body.buf,
		    resp.body.len);
	cf_http_response_release(&resp);
	cf_arena_release(&a);
	return r;
}
