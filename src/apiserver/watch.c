/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watches (spec/kubernetes-api.md §5): a watcher starts from a list (no
 * resourceVersion, or "0") or from a revision replayed out of the store's
 * log, then receives every committed event of its resource through the
 * store's subscription, filtered by namespace and selectors. An object
 * that stops matching a label selector is sent as DELETED, one that starts
 * matching as ADDED, as informers expect.
 *
 * Each watcher owns an arena for its lifetime: the request's arena ends
 * when the handler returns, the stream does not.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct api_watcher {
	struct api_watcher *next, *prev;
	cf_apiserver *srv;
	cf_arena arena;
	api_stream *stream;
	api_req req;        /* a copy with arena-owned strings, for filters */
	api_filter *filter;
	const char *store_key;
	const char *ns;     /* NULL: every namespace */
	bool table;
	bool sent_columns;
	bool bookmarks;
	int64_t rev;        /* last revision delivered */
	void *timer;
};

static const char *const type_names[] = { "", "ADDED", "MODIFIED", "DELETED" };

/* One event frame: {"type":T,"object":O}\n — no raw newline inside, which
 * line-reading clients (client-node) rely on. */
static void send_frame(api_watcher *w, const char *type, const void *obj,
    size_t len, const cf_node *node)
{
	cf_buf b = CF_BUF_INIT;

	cf_buf_addf(&b, "{\"type\":\"%s\",\"object\":", type);
	if (w->table && node) {
		api_table_event(&w->req, &b, node, !w->sent_columns);
		w->sent_columns = true;
	} else if (node && !obj) {
		cf_json_write(&b, node, CF_JSON_SORTED);
	} else {
		cf_buf_add(&b, obj, len);
	}
	cf_buf_adds(&b, "}\n");
	if (api_stream_write(w->stream, b.buf, b.len) < 0)
		api_watch_close(w); /* the client cannot keep up: end it */
	cf_buf_release(&b);
}

/* Parse value when filters or Table output need the object. */
static cf_node *parse(api_watcher *w, cf_arena *a, const void *v, size_t n)
{
	cf_node *obj = NULL;

	if (!v || cf_json_parse(&obj, a, v, n, NULL) < 0)
		return NULL;
	return obj;
}

/* Deliver one store event to w, applying selector transitions. */
static void deliver(api_watcher *w, const cf_store_event *ev)
{
	cf_arena a = CF_ARENA_INIT;
	bool need_obj = w->table || api_filter_needs_object(w->filter);
	cf_node *now = NULL, *before = NULL;
	bool m_now, m_before;
	int type = ev->type;

	if (!api_filter_match_key(w->filter, ev->ns, ev->name))
		goto done;
	if (need_obj) {
		now = parse(w, &a, ev->value, ev->value_len);
		m_now = now && api_filter_match(w->filter, now);
		if (type == CF_STORE_MODIFIED) {
			before = parse(w, &a, ev->prev_value, ev->prev_len);
			m_before = before && api_filter_match(w->filter, before);
			if (!m_before && !m_now)
				goto done;
			if (!m_before)
				type = CF_STORE_ADDED;
			else if (!m_now)
				type = CF_STORE_DELETED; /* with the new state */
		} else if (!m_now) {
			goto done;
		}
	}
	send_frame(w, type_names[type], need_obj && w->table ? NULL : ev->value,
	    ev->value_len, now);
	w->rev = ev->rev;
done:
	cf_arena_release(&a);
}

/* The store calls this after every commit, once per event. */
int api_watch_dispatch(const cf_store_event *ev, void *payload)
{
	cf_apiserver *srv = payload;
	api_watcher *w, *next;

	for (w = srv->watchers; w; w = next) {
		next = w->next;
		if (strcmp(w->store_key, ev->resource))
			continue;
		if (w->ns && strcmp(w->ns, ev->ns))
			continue;
		if (ev->rev <= w->rev)
			continue;
		deliver(w, ev);
	}
	return 0;
}

static int replay_one(const cf_store_event *ev, void *payload)
{
	api_watcher *w = payload;

	if (w->ns && strcmp(w->ns, ev->ns))
		return 0;
	deliver(w, ev);
	return 0;
}

static int initial_one(const cf_store_kv *kv, void *payload)
{
	api_watcher *w = payload;
	cf_store_event ev = { .type = CF_STORE_ADDED, .ns = kv->ns,
		.name = kv->name, .rev = kv->rev, .value = kv->value,
		.value_len = kv->value_len, .resource = w->store_key };

	deliver(w, &ev);
	return 0;
}

void api_watch_close(api_watcher *w)
{
	cf_apiserver *srv = w->srv;

	if (w->prev)
		w->prev->next = w->next;
	else if (srv->watchers == w)
		srv->watchers = w->next;
	if (w->next)
		w->next->prev = w->prev;
	srv->nwatchers--;
	if (w->timer)
		api_timer_cancel(srv, w->timer);
	if (w->stream)
		api_stream_end(w->stream);
	cf_arena_release(&w->arena);
	free(w);
}

static void on_client_gone(void *arg)
{
	api_watcher *w = arg;

	api_stream_forget(w->stream); /* the HTTP layer already ended it */
	w->stream = NULL;
	api_watch_close(w);
}

static void on_timeout(void *arg)
{
	api_watcher *w = arg;

	w->timer = NULL;
	api_watch_close(w);
}

/* Periodic: tell bookmark-willing watchers how far the store has come. */
void api_watch_bookmarks(cf_apiserver *srv)
{
	int64_t rev = cf_store_rev(srv->store);

	for (api_watcher *w = srv->watchers, *next; w; w = next) {
		next = w->next;
		if (!w->bookmarks || w->table)
			continue;
		cf_buf b = CF_BUF_INIT;
		const char *gv = w->req.res.group[0] ?
		    cf_arena_printf(&w->arena, "%s/%s", w->req.res.group,
			w->req.res.version) : w->req.res.version;
		cf_buf_addf(&b,
		    "{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":\"%s\",\"kind\":\"%s\",\"metadata\":{\"resourceVersion\":\"%" PRId64 "\"}}}\n",
		    gv, w->req.res.kind, rev > w->rev ? rev : w->rev);
		if (api_stream_write(w->stream, b.buf, b.len) < 0)
			api_watch_close(w);
		cf_buf_release(&b);
	}
}

/* Send a 410 as an ERROR event (the stream then ends), as the real server
 * does for a watch from a compacted revision. */
static void send_expired(api_watcher *w)
{
	cf_buf b = CF_BUF_INIT;

	cf_buf_adds(&b, "{\"type\":\"ERROR\",\"object\":");
	api_status_json(&b, 410, "Expired", cf_error_msg());
	cf_buf_adds(&b, "}\n");
	api_stream_write(w->stream, b.buf, b.len);
	cf_buf_release(&b);
}

/* Copy what the filters and Table writer need out of the request. */
static void copy_req(api_watcher *w, const api_req *r)
{
	cf_arena *a = &w->arena;
	api_res *res = &w->req.res;

	w->req = *r;
	w->req.a = a;
	w->req.http = NULL;
	res->group = cf_arena_strdup(a, r->res.group);
	res->version = cf_arena_strdup(a, r->res.version);
	res->kind = cf_arena_strdup(a, r->res.kind);
	res->plural = cf_arena_strdup(a, r->res.plural);
	res->list_kind = cf_arena_strdup(a, r->res.list_kind);
	res->store_key = cf_arena_strdup(a, r->res.store_key);
	w->req.path.namespace = r->path.namespace ?
	    cf_arena_strdup(a, r->path.namespace) : NULL;
	w->req.opts.include_object = r->opts.include_object ?
	    cf_arena_strdup(a, r->opts.include_object) : NULL;
}

void api_handle_watch(api_req *r)
{
	cf_apiserver *srv = r->srv;
	api_watcher *w = calloc(1, sizeof(*w));
	const char *rv = r->opts.resource_version;
	int64_t timeout = r->opts.timeout_seconds;
	int err = 0;

	if (!w)
		abort();
	w->srv = srv;
	copy_req(w, r);
	if (api_filter_compile(&w->req, &w->filter) < 0) {
		free(w);
		return;
	}
	w->store_key = w->req.res.store_key;
	w->ns = r->res.namespaced ? w->req.path.namespace : NULL;
	w->table = r->accept == CF_ACCEPT_TABLE;
	w->bookmarks = r->opts.allow_bookmarks;
	w->stream = api_stream_start(r, on_client_gone, w);
	if (!w->stream) {
		cf_arena_release(&w->arena);
		free(w);
		return;
	}
	/* Link in first so api_watch_close works from here on. */
	w->next = srv->watchers;
	if (w->next)
		w->next->prev = w;
	srv->watchers = w;
	srv->nwatchers++;

	if (!rv || !*rv || !strcmp(rv, "0")) {
		cf_store_list_result res;
		cf_store_list_opts lo = { .ns = w->ns };
		err = cf_store_list(srv->store, &res, w->store_key, &lo,
		    initial_one, w);
		w->rev = res.rev;
	} else {
		w->rev = strtoll(rv, NULL, 10);
		err = cf_store_replay(srv->store, w->rev, w->store_key,
		    replay_one, w);
		if (err == CF_EGONE) {
			send_expired(w);
			api_watch_close(w);
			return;
		}
	}
	if (err < 0) {
		cf_log_error("watch of %s failed: %s", w->store_key, cf_error_msg());
		api_watch_close(w);
		return;
	}
	/* Without timeoutSeconds the real server picks 30-60 minutes. */
	if (timeout <= 0)
		timeout = 1800 + rand() % 1800;
	w->timer = api_timer_after(srv, timeout * 1000, on_timeout, w);
}
