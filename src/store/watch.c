/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Events: the copies a write makes for its listeners, the ring of recent
 * events that lets a watch resume without touching SQLite, and replay from
 * either the ring or the log.
 *
 * The ring holds a contiguous run of revisions: every event with revision
 * greater than ring_base is in it. That holds because revisions are dense
 * (each committed revision is exactly one event; a rolled-back transaction
 * gives its revisions back), so eviction from the front only moves
 * ring_base forward.
 */
#include "store/store_int.h"

#include "core/alloc.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

cf_store__ev *cf_store__ev_new(int type, const char *resource,
    const char *ns, const char *name, int64_t rev, int64_t create_rev,
    const void *value, size_t len, const void *prev, size_t prev_len)
{
	size_t lr = strlen(resource) + 1, ln = strlen(ns) + 1,
	       lm = strlen(name) + 1;
	/* One block per event: one malloc, one free, and the ring's byte
	 * budget counts exactly what it holds. */
	size_t size = sizeof(cf_store__ev) + lr + ln + lm + len + prev_len;
	cf_store__ev *e = cf_xmalloc(size);
	char *p = (char *)(e + 1);

	memset(e, 0, sizeof(*e));
	e->size = size;
	e->ev.type = type;
	e->ev.rev = rev;
	e->ev.create_rev = create_rev;
	e->ev.resource = memcpy(p, resource, lr);
	p += lr;
	e->ev.ns = memcpy(p, ns, ln);
	p += ln;
	e->ev.name = memcpy(p, name, lm);
	p += lm;
	e->ev.value = p;
	e->ev.value_len = len;
	if (len)
		memcpy(p, value, len);
	p += len;
	/* ADDED has no previous state; the others always do, even empty. */
	if (type != CF_STORE_ADDED) {
		e->ev.prev_value = p;
		e->ev.prev_len = prev_len;
		if (prev_len)
			memcpy(p, prev, prev_len);
	}
	return e;
}

void cf_store__ring_init(cf_store *s)
{
	s->ring_cap = s->opts.ring_events;
	s->ring = cf_xcalloc(s->ring_cap, sizeof(*s->ring));
	s->ring_base = s->rev;
}

static cf_store__ev *ring_at(cf_store *s, size_t i)
{
	return s->ring[(s->ring_head + i) % s->ring_cap];
}

static void ring_pop(cf_store *s)
{
	cf_store__ev *e = s->ring[s->ring_head];

	s->ring[s->ring_head] = NULL;
	s->ring_head = (s->ring_head + 1) % s->ring_cap;
	s->ring_len--;
	s->ring_size -= e->size;
	s->ring_base = e->ev.rev;
	free(e);
}

static void ring_push(cf_store *s, cf_store__ev *e)
{
	/* Full by count: the oldest goes first, keeping the run contiguous. */
	if (s->ring_len == s->ring_cap)
		ring_pop(s);
	s->ring[(s->ring_head + s->ring_len) % s->ring_cap] = e;
	s->ring_len++;
	s->ring_size += e->size;
	/* An event bigger than the whole budget evicts itself too. */
	while (s->ring_len && s->ring_size > s->opts.ring_bytes)
		ring_pop(s);
}

void cf_store__ring_release(cf_store *s)
{
	while (s->ring_len)
		ring_pop(s);
	free(s->ring);
	s->ring = NULL;
}

void cf_store__drop_pending(cf_store *s)
{
	for (size_t i = 0; i < s->npending; i++)
		free(s->pending[i]);
	s->npending = 0;
}

void cf_store__publish(cf_store *s)
{
	for (size_t i = 0; i < s->npending; i++) {
		cf_store__ev *e = s->pending[i];

		/* Listeners must not call back into the store (store.h). */
		for (size_t j = 0; j < s->nsubs; j++)
			(void)s->subs[j].fn(&e->ev, s->subs[j].payload);
		ring_push(s, e);
	}
	s->npending = 0;
}

int cf_store_subscribe(cf_store *s, cf_store_event_fn fn, void *payload)
{
	CF_GROW(s->subs, s->asubs, s->nsubs + 1);
	s->subs[s->nsubs].id = ++s->next_sub_id;
	s->subs[s->nsubs].fn = fn;
	s->subs[s->nsubs].payload = payload;
	s->nsubs++;
	return s->next_sub_id;
}

void cf_store_unsubscribe(cf_store *s, int id)
{
	for (size_t i = 0; i < s->nsubs; i++) {
		if (s->subs[i].id != id)
			continue;
		memmove(&s->subs[i], &s->subs[i + 1],
		    (s->nsubs - i - 1) * sizeof(*s->subs));
		s->nsubs--;
		return;
	}
}

static int replay_ring(cf_store *s, int64_t after, const char *resource,
    cf_store_event_fn fn, void *payload)
{
	/* Revisions are dense, so the event for after+1 sits at a known
	 * offset from the front. */
	size_t i = (size_t)(after - s->ring_base);

	for (; i < s->ring_len; i++) {
		const cf_store_event *ev = &ring_at(s, i)->ev;
		int r;

		if (resource && strcmp(ev->resource, resource))
			continue;
		if ((r = fn(ev, payload)) != 0)
			return r;
	}
	return 0;
}

static int replay_log(cf_store *s, int64_t after, const char *resource,
    cf_store_event_fn fn, void *payload)
{
	sqlite3_stmt *st = s->st[resource ? ST_REPLAY_RES : ST_REPLAY_ALL];
	int rc, r = 0;

	sqlite3_bind_int64(st, 1, after);
	if (resource)
		sqlite3_bind_text(st, 2, resource, -1, SQLITE_STATIC);
	while ((rc = cf_store__step(s, st)) == SQLITE_ROW) {
		cf_store_event ev = {
			.rev = sqlite3_column_int64(st, 0),
			.type = sqlite3_column_int(st, 1),
			.resource = (const char *)sqlite3_column_text(st, 2),
			.ns = (const char *)sqlite3_column_text(st, 3),
			.name = (const char *)sqlite3_column_text(st, 4),
			.create_rev = sqlite3_column_int64(st, 5),
			.value = sqlite3_column_blob(st, 6),
			.value_len = (size_t)sqlite3_column_bytes(st, 6),
		};
		if (ev.type != CF_STORE_ADDED) {
			/* An empty blob reads back as NULL; keep "present". */
			ev.prev_value = sqlite3_column_blob(st, 7);
			ev.prev_len = (size_t)sqlite3_column_bytes(st, 7);
			if (!ev.prev_value)
				ev.prev_value = "";
		}
		/* Keep "value is never NULL" true for empty objects too. */
		if (!ev.value)
			ev.value = "";
		if ((r = fn(&ev, payload)) != 0)
			break;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (!r && rc != SQLITE_DONE)
		return cf_store__sqlerr(s, rc, "replaying the log");
	return r;
}

int cf_store_replay(cf_store *s, int64_t after, const char *resource,
    cf_store_event_fn fn, void *payload)
{
	int error, opened, r;

	if (resource && (error = cf_store__check_key(resource, "", "x")) < 0)
		return error;
	if (after < 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: negative revision %lld", (long long)after);
	if ((error = cf_store__read_begin(s, &opened)) < 0)
		return error;
	if (after < s->compact_rev) {
		cf_store__read_end(s, opened);
		return cf_error_setc(CF_EGONE, CF_ERR_STORE,
		    "too old resource version: %lld (%lld)", (long long)after,
		    (long long)s->compact_rev);
	}
	/* A read-only handle has no ring: it sees no events. Inside a
	 * transaction the ring lacks the pending events, and the log has
	 * them. */
	if (!s->opts.readonly && !s->in_txn && after >= s->ring_base)
		r = replay_ring(s, after, resource, fn, payload);
	else
		r = replay_log(s, after, resource, fn, payload);
	cf_store__read_end(s, opened);
	return r;
}
