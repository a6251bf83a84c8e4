/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Callers copy an event into a queue item (its own arena) and return;
 * one writer thread takes items in order and owns the two caches that
 * make up client-go's EventCorrelator:
 *
 *   spam      a token bucket per source + involved object: burst 25, one
 *             token back every 5 minutes. A controller stuck in a failing
 *             loop cannot flood the events table.
 *   repeats   the last write per (source, object, type, reason, message):
 *             a repeat within the window becomes a PATCH of count,
 *             lastTimestamp and message on the same Event.
 *
 * Both caches are small arrays evicting the least recently used entry;
 * a few thousand objects fit, and a scan costs nothing next to the HTTP
 * request it guards. client-go's "similar events" aggregation (more than
 * ten with only the message differing) is not done.
 *
 * The item carries the time of the call, not of the write, so a backlog
 * does not skew timestamps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "runtime/events.h"

#define CACHE_MAX 4096
#define DEFAULT_CORRELATE_MS (10 * 60 * 1000)
#define DEFAULT_QUEUE_MAX 1000
#define DEFAULT_BURST 25
#define DEFAULT_REFILL_MS (5 * 60 * 1000)
#define STAMP_MAX 32

struct ev_item {
	struct ev_item *next;
	cf_arena a;
	cf_event_ref ref;            /* strings in a */
	const char *type, *reason, *message;
	const char **ann;            /* key, value, ..., NULL; in a */
	size_t nann;                 /* strings in ann */
	char stamp[STAMP_MAX];       /* when recorded, seconds */
	int64_t at_ms;               /* same, monotonic */
	int64_t unix_ns;             /* for the Event's name */
};

/* A cache entry: a spam bucket (tokens) or where the last occurrence of
 * an event was written (ns, name, count, first). The key is kept as two
 * unrelated 64-bit hashes of its text rather than the text itself: a
 * thousand objects cost a few hundred KiB less, and two keys would have
 * to collide in both hashes at once to be confused. */
struct entry {
	uint64_t h1, h2;
	int64_t last_ms;
	double tokens;
	int64_t count;
	char *ns, *name;             /* the Event written; seen entries only */
	char first[STAMP_MAX];
};

struct cache {
	struct entry *v;
	size_t n, alloc;
};

struct cf_recorder {
	cf_client *c;
	char *component, *host;
	int64_t correlate_ms, refill_ms;
	size_t queue_max;
	int burst;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	struct ev_item *head, *tail;
	size_t queued;
	bool busy, stopping;
	uint64_t written, dropped;

	/* writer thread only */
	struct cache seen, buckets;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Event's type; "Trace" only ever reaches the log. */
static const char *type_name(enum cf_event_type t)
{
	return t == CF_EVENT_WARNING ? "Warning" :
	    t == CF_EVENT_TRACE ? "Trace" : "Normal";
}

static void *writer_main(void *arg);
static void cache_release(struct cache *c);

int cf_recorder_new(cf_recorder **out, cf_client *c,
    const cf_recorder_opts *opts)
{
	cf_recorder *r;
	pthread_condattr_t ca;

	*out = NULL;
	if (!opts->component || !*opts->component)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "an event recorder needs a component name");
	r = cf_xcalloc(1, sizeof(*r));
	r->c = c;
	r->component = cf_xstrdup(opts->component);
	r->host = cf_xstrdup(opts->host ? opts->host : "");
	r->correlate_ms = opts->correlate_ms > 0 ? opts->correlate_ms :
	    DEFAULT_CORRELATE_MS;
	r->refill_ms = opts->refill_ms > 0 ? opts->refill_ms :
	    DEFAULT_REFILL_MS;
	r->queue_max = opts->queue_max ? opts->queue_max : DEFAULT_QUEUE_MAX;
	r->burst = opts->burst > 0 ? opts->burst : DEFAULT_BURST;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&r->thread, NULL, writer_main, r) != 0) {
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r->component);
		free(r->host);
		free(r);
		return cf_error_set(CF_ERR_OS, "cannot start the event writer");
	}
	*out = r;
	return 0;
}

static void item_free(struct ev_item *it)
{
	cf_arena_release(&it->a);
	free(it);
}

void cf_recorder_free(cf_recorder *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->thread, NULL);
	cache_release(&r->seen);
	cache_release(&r->buckets);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->component);
	free(r->host);
	free(r);
}

void cf_event_ref_of(cf_event_ref *out, const cf_node *obj)
{
	const cf_node *m = cf_node_get(obj, "metadata");

	out->api_version = cf_node_getp_str(obj, "apiVersion", NULL);
	out->kind = cf_node_getp_str(obj, "kind", NULL);
	out->ns = cf_node_getp_str(m, "namespace", NULL);
	out->name = cf_node_getp_str(m, "name", NULL);
	out->uid = cf_node_getp_str(m, "uid", NULL);
	out->resource_version = cf_node_getp_str(m, "resourceVersion", NULL);
	out->annotations = cf_node_get(m, "annotations");
}

/* ---- recording (caller's thread) ---- */

/* n bytes at most, cut before a UTF-8 continuation byte: the server
 * refuses a message that is not valid UTF-8, so a cut must not split a
 * character. */
static size_t utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static const char *dup_or_empty(cf_arena *a, const char *s)
{
	return cf_arena_strdup(a, s ? s : "");
}

static void stamp_now(struct ev_item *it)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(it->stamp, sizeof(it->stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	it->unix_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	it->at_ms = now_ms();
}

/* Flux's alerting metadata: the object's annotations under
 * CF_EVENT_ANNOTATION_PREFIX travel with each of its events. Copied
 * first, so that the caller's keys replace them in the Event. */
static void copy_object_annotations(struct ev_item *it, const cf_node *ann)
{
	size_t plen = strlen(CF_EVENT_ANNOTATION_PREFIX);

	if (!cf_node_is(ann, CF_NODE_MAP))
		return;
	for (size_t i = 0; i < ann->len; i++) {
		const cf_pair *p = &ann->v.pairs[i];
		if (strncmp(p->key, CF_EVENT_ANNOTATION_PREFIX, plen) ||
		    !cf_node_is(p->val, CF_NODE_STR))
			continue;
		it->ann[it->nann++] = cf_arena_strdup(&it->a, p->key);
		it->ann[it->nann++] = cf_arena_strdup(&it->a, p->val->v.s);
	}
}

/* Copy everything the event needs into one item with its own arena:
 * the caller's strings are often a reconcile pass's arena, released long
 * before the writer gets to the item. */
static struct ev_item *item_new(const cf_event_ref *obj,
    enum cf_event_type type, const char *reason,
    const char *const *annotations, const char *message)
{
	struct ev_item *it = cf_xcalloc(1, sizeof(*it));
	cf_arena *a = &it->a;
	size_t n = 0;

	it->ref.api_version = dup_or_empty(a, obj->api_version);
	it->ref.kind = dup_or_empty(a, obj->kind);
	it->ref.ns = dup_or_empty(a, obj->ns);
	it->ref.name = dup_or_empty(a, obj->name);
	it->ref.uid = dup_or_empty(a, obj->uid);
	it->ref.resource_version = dup_or_empty(a, obj->resource_version);
	it->type = type_name(type);
	it->reason = cf_arena_strndup(a, reason ? reason : "",
	    utf8_cut(reason ? reason : "", CF_EVENT_REASON_MAX));
	it->message = cf_arena_strndup(a, message,
	    utf8_cut(message, CF_EVENT_MESSAGE_MAX));
	while (annotations && annotations[n] && annotations[n + 1])
		n += 2;
	it->ann = cf_arena_zalloc(a, (n + 2 * cf_node_count(obj->annotations)
	    + 1) * sizeof(*it->ann));
	copy_object_annotations(it, obj->annotations);
	for (size_t i = 0; i < n; i++)
		it->ann[it->nann++] = cf_arena_strdup(a, annotations[i]);
	stamp_now(it);
	return it;
}

/* Flux logs every event, whatever becomes of it: Warning as error,
 * Trace at debug (its "trace" level), the rest as info. */
static void log_event(const cf_event_ref *obj, enum cf_event_type type,
    const char *reason, const char *message)
{
	enum cf_log_level lvl = type == CF_EVENT_WARNING ? CF_LOG_ERROR :
	    type == CF_EVENT_TRACE ? CF_LOG_DEBUG : CF_LOG_INFO;

	cf_log(lvl, message, "reason", reason ? reason : "",
	    "reconciler kind", obj->kind ? obj->kind : "",
	    "name", obj->name ? obj->name : "",
	    "namespace", obj->ns ? obj->ns : "", NULL);
}

void cf_event_recordf(cf_recorder *r, const cf_event_ref *obj,
    enum cf_event_type type, const char *reason,
    const char *const *annotations, const char *fmt, ...)
{
	cf_buf msg = CF_BUF_INIT;
	struct ev_item *it;
	va_list ap;

	va_start(ap, fmt);
	cf_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	log_event(obj, type, reason, msg.buf);
	if (type == CF_EVENT_TRACE || !obj->name || !*obj->name) {
		cf_buf_release(&msg);
		return;
	}
	it = item_new(obj, type, reason, annotations, msg.buf);
	cf_buf_release(&msg);

	pthread_mutex_lock(&r->mu);
	/* client-go's broadcaster drops when its channel is full: a
	 * reconciler must never wait for the API server. */
	if (r->stopping || r->queued >= r->queue_max) {
		r->dropped++;
		pthread_mutex_unlock(&r->mu);
		item_free(it);
		return;
	}
	if (r->tail)
		r->tail->next = it;
	else
		r->head = it;
	r->tail = it;
	r->queued++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* ---- the caches (writer thread) ---- */

static void key_hash(const char *key, uint64_t *h1, uint64_t *h2)
{
	uint64_t a = 1469598103934665603ull, b = 5381;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		a = (a ^ *p) * 1099511628211ull;   /* FNV-1a */
		b = b * 33 + *p + (b >> 29);       /* a djb2 variant */
	}
	*h1 = a;
	*h2 = b;
}

static void entry_clear(struct entry *e)
{
	free(e->ns);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

static struct entry *cache_find(struct cache *c, const char *key)
{
	uint64_t h1, h2;

	key_hash(key, &h1, &h2);
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].h1 == h1 && c->v[i].h2 == h2)
			return &c->v[i];
	return NULL;
}

/* A cleared entry for key: a new one, or the least recently used once
 * the cache is full. */
static struct entry *cache_add(struct cache *c, const char *key)
{
	struct entry *e;

	if (c->n < CACHE_MAX) {
		CF_GROW(c->v, c->alloc, c->n + 1);
		e = &c->v[c->n++];
		memset(e, 0, sizeof(*e));
	} else {
		e = &c->v[0];
		for (size_t i = 1; i < c->n; i++)
			if (c->v[i].last_ms < e->last_ms)
				e = &c->v[i];
		entry_clear(e);
	}
	key_hash(key, &e->h1, &e->h2);
	return e;
}

static void cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_clear(&c->v[i]);
	free(c->v);
}

/* client-go's key parts, joined with a unit separator no Kubernetes name
 * holds, so "a" + "b/c" never equals "a/b" + "c". */
static void object_key(cf_buf *k, const cf_recorder *r,
    const struct ev_item *it)
{
	cf_buf_addf(k, "%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", r->component,
	    r->host, it->ref.api_version, it->ref.kind, it->ref.ns,
	    it->ref.name, it->ref.uid);
}

/* Take a token from the object's bucket; false when it is empty. */
static bool spam_allow(cf_recorder *r, const struct ev_item *it)
{
	cf_buf k = CF_BUF_INIT;
	struct entry *b;

	object_key(&k, r, it);
	if ((b = cache_find(&r->buckets, k.buf))) {
		cf_buf_release(&k);
		/* Refill for the time since the object's last event. */
		b->tokens += (double)(it->at_ms - b->last_ms) / r->refill_ms;
		if (b->tokens > r->burst)
			b->tokens = r->burst;
	} else {
		b = cache_add(&r->buckets, k.buf);
		cf_buf_release(&k);
		b->tokens = r->burst;
	}
	b->last_ms = it->at_ms;
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

/* The repeat entry for it, or a fresh one (count 0) if none is recent. */
static struct entry *seen_for(cf_recorder *r, const struct ev_item *it)
{
	cf_buf k = CF_BUF_INIT;
	struct entry *s;

	object_key(&k, r, it);
	cf_buf_addf(&k, "\x1f%s\x1f%s\x1f%s", it->type, it->reason,
	    it->message);
	s = cache_find(&r->seen, k.buf);
	if (s && it->at_ms - s->last_ms > r->correlate_ms) {
		uint64_t h1 = s->h1, h2 = s->h2;

		entry_clear(s);
		s->h1 = h1;
		s->h2 = h2;
	} else if (!s) {
		s = cache_add(&r->seen, k.buf);
	}
	cf_buf_release(&k);
	return s;
}

/* ---- writing (writer thread) ---- */

/* The legacy core/v1 form client-go writes (eventTime unset, so the
 * server checks only the namespace), with count and timestamps from the
 * repeat entry s. */
static cf_node *event_node(cf_arena *a, const cf_recorder *r,
    const struct ev_item *it, const struct entry *s)
{
	cf_node *o = cf_node_map(a), *m, *io, *src, *ann;

	cf_node_set(a, o, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, o, "kind", cf_node_str(a, "Event"));
	m = cf_node_set_map(a, o, "metadata");
	cf_node_set(a, m, "name", cf_node_str(a, s->name));
	cf_node_set(a, m, "namespace", cf_node_str(a, s->ns));
	if (it->ann[0]) {
		ann = cf_node_set_map(a, m, "annotations");
		for (size_t i = 0; it->ann[i]; i += 2)
			cf_node_set(a, ann, it->ann[i],
			    cf_node_str(a, it->ann[i + 1]));
	}
	io = cf_node_set_map(a, o, "involvedObject");
	cf_node_set(a, io, "apiVersion", cf_node_str(a, it->ref.api_version));
	cf_node_set(a, io, "kind", cf_node_str(a, it->ref.kind));
	cf_node_set(a, io, "name", cf_node_str(a, it->ref.name));
	if (*it->ref.ns)
		cf_node_set(a, io, "namespace", cf_node_str(a, it->ref.ns));
	if (*it->ref.uid)
		cf_node_set(a, io, "uid", cf_node_str(a, it->ref.uid));
	if (*it->ref.resource_version)
		cf_node_set(a, io, "resourceVersion",
		    cf_node_str(a, it->ref.resource_version));
	cf_node_set(a, o, "reason", cf_node_str(a, it->reason));
	cf_node_set(a, o, "message", cf_node_str(a, it->message));
	cf_node_set(a, o, "type", cf_node_str(a, it->type));
	src = cf_node_set_map(a, o, "source");
	cf_node_set(a, src, "component", cf_node_str(a, r->component));
	if (*r->host)
		cf_node_set(a, src, "host", cf_node_str(a, r->host));
	cf_node_set(a, o, "firstTimestamp", cf_node_str(a, s->first));
	cf_node_set(a, o, "lastTimestamp", cf_node_str(a, it->stamp));
	cf_node_set(a, o, "count", cf_node_int(a, s->count));
	cf_node_set(a, o, "reportingComponent", cf_node_str(a, r->component));
	cf_node_set(a, o, "reportingInstance", cf_node_str(a, r->host));
	return o;
}

/* A repeat: bump the existing Event; CF_ENOTFOUND if it is gone. As
 * client-go, only count, lastTimestamp and message are sent; strategic
 * merge leaves the rest as it was. */
static int patch_event(cf_arena *a, cf_recorder *r, const struct ev_item *it,
    const struct entry *s)
{
	cf_buf p = CF_BUF_INIT;
	int err;

	cf_buf_addf(&p, "{\"count\":%lld,\"lastTimestamp\":\"%s\","
	    "\"message\":", (long long)s->count, it->stamp);
	cf_buf_add_json_str(&p, it->message, strlen(it->message));
	cf_buf_addch(&p, '}');
	err = cf_client_patch(NULL, a, r->c, "v1", "Event", s->ns, s->name,
	    CF_PATCH_STRATEGIC, p.buf, p.len, NULL);
	cf_buf_release(&p);
	return err;
}

static void write_event(cf_recorder *r, const struct ev_item *it)
{
	cf_arena a = CF_ARENA_INIT;
	struct entry *s;
	int err = CF_ENOTFOUND;

	/* Past the object's bucket: dropped, as client-go's spam filter. */
	if (!spam_allow(r, it)) {
		pthread_mutex_lock(&r->mu);
		r->dropped++;
		pthread_mutex_unlock(&r->mu);
		return;
	}
	/* A repeat within the window patches the Event written before. */
	s = seen_for(r, it);
	s->count++;
	s->last_ms = it->at_ms;
	if (s->count > 1)
		err = patch_event(&a, r, it, s);
	if (err == CF_ENOTFOUND) {
		/* First occurrence, or the Event expired: create it, under
		 * the same name and count when it is a repeat. */
		if (s->count == 1) {
			char name[320];

			snprintf(name, sizeof(name), "%s.%llx", it->ref.name,
			    (unsigned long long)it->unix_ns);
			free(s->ns);
			free(s->name);
			s->ns = cf_xstrdup(*it->ref.ns ? it->ref.ns :
			    "default");
			s->name = cf_xstrdup(name);
			memcpy(s->first, it->stamp, sizeof(s->first));
		}
		err = cf_client_create(NULL, &a, r->c,
		    event_node(&a, r, it, s), NULL);
	}
	if (err < 0) {
		/* As client-go: an API error ends the attempt; the next
		 * occurrence starts afresh. */
		cf_log(CF_LOG_ERROR, "unable to write event", "reason",
		    it->reason, "name", it->ref.name, "namespace", it->ref.ns,
		    "error", cf_error_msg(), NULL);
		s->count = 0;
		s->last_ms = 0;
	}
	pthread_mutex_lock(&r->mu);
	if (err < 0)
		r->dropped++;
	else
		r->written++;
	pthread_mutex_unlock(&r->mu);
	cf_arena_release(&a);
}

/* One writer: events about one object stay in order, and the caches
 * need no lock. */
static void *writer_main(void *arg)
{
	cf_recorder *r = arg;
	struct ev_item *it;

	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (!r->head && !r->stopping)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->stopping)
			break;
		it = r->head;
		r->head = it->next;
		if (!r->head)
			r->tail = NULL;
		r->queued--;
		r->busy = true;
		pthread_mutex_unlock(&r->mu);
		write_event(r, it);
		item_free(it);
		pthread_mutex_lock(&r->mu);
		r->busy = false;
		pthread_cond_broadcast(&r->cv);
	}
	/* Shutting down: what is still queued is dropped, not written. */
	while ((it = r->head)) {
		r->head = it->next;
		r->dropped++;
		item_free(it);
	}
	r->tail = NULL;
	r->queued = 0;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

/* Flushed means queue empty and no write in flight: busy covers the
 * item the writer took off the queue. */
int cf_recorder_flush(cf_recorder *r, int64_t timeout_ms)
{
	struct timespec ts;
	int64_t until = now_ms() + timeout_ms;
	int err = 0;

	ts.tv_sec = until / 1000;
	ts.tv_nsec = (until % 1000) * 1000000;
	pthread_mutex_lock(&r->mu);
	while ((r->head || r->busy) && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&r->cv, &r->mu, &ts);
	err = r->head || r->busy ? CF_ETIMEOUT : 0;
	pthread_mutex_unlock(&r->mu);
	return err;
}

void cf_recorder_counts(cf_recorder *r, uint64_t *written,
    uint64_t *dropped)
{
	pthread_mutex_lock(&r->mu);
	if (written)
		*written = r->written;
	if (dropped)
		*dropped = r->dropped;
	pthread_mutex_unlock(&r->mu);
}
