/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store is a hash of "ns/name" -> cf_obj under a rwlock. Writers are
 * only the informer's own thread (replace, watch events), so a handler
 * always sees the store already changed, and the lock is never held while
 * a handler runs: a handler may read the cache.
 *
 * A relist (first list, 410, long outage) is diffed against the store:
 * new objects are adds, changed resourceVersions updates, and objects the
 * list no longer holds deletes, so handlers never miss a deletion that
 * happened while the watch was down (client-go's DeletedFinalStateUnknown
 * case, without the tombstone type).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/watch.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "runtime/informer.h"

struct cf_obj {
	atomic_int refs;
	cf_arena arena;
	cf_node *node;
	const char *ns, *name, *rv;
};

struct entry {
	struct entry *next;
	char *key;          /* "ns/name" */
	unsigned long hash;
	const cf_obj *obj;  /* the store's ref */
	unsigned epoch;     /* last relist that saw it */
};

struct cf_informer {
	cf_client *client;
	char *api_version, *kind, *group, *ns, *selector;
	int64_t resync_ms;
	long watch_timeout;

	cf_informer_handler *handlers;
	size_t nhandlers, ahandlers;
	void **owned;          /* payloads the informer allocated */
	size_t nowned, aowned;

	pthread_rwlock_t lock;
	struct entry **tab;
	size_t ntab, n;
	unsigned epoch;

	pthread_mutex_t mu;    /* synced, error, sleeps */
	pthread_cond_t cv;
	bool synced, running;
	char error[256];
	atomic_int cancel;
	pthread_t thread, resync_thread;
};

/* ---- cf_obj ---- */

/* The cached copy: metadata.managedFields left out (no reconciler reads
 * them; Flux's caches strip them too), packed into one allocation of
 * its exact size, so a thousand cached objects cost their bytes and not
 * a thousand half-empty chunks or padded strings. */
static cf_node *compact_dup(cf_arena *a, const cf_node *n)
{
	const cf_node *md = cf_node_get(n, "metadata");
	cf_arena tmp = CF_ARENA_INIT;
	cf_node *out;

	if (md && cf_node_get(md, "managedFields")) {
		/* A shallow copy of the two maps on the path is enough. */
		cf_node *top = cf_arena_memdup(&tmp, n, sizeof(*n));
		cf_node *meta = cf_arena_memdup(&tmp, md, sizeof(*md));

		top->v.pairs = cf_arena_memdup(&tmp, n->v.pairs,
		    n->len * sizeof(cf_pair));
		meta->v.pairs = cf_arena_memdup(&tmp, md->v.pairs,
		    md->len * sizeof(cf_pair));
		for (uint32_t i = 0; i < top->len; i++)
			if (top->v.pairs[i].val == md)
				top->v.pairs[i].val = meta;
		cf_node_del(meta, "managedFields");
		n = top;
	}
	cf_arena_reserve(a, cf_node_packed_size(n));
	out = cf_node_dup_packed(a, n);
	cf_arena_release(&tmp);
	return out;
}

static cf_obj *obj_new(const cf_node *n)
{
	cf_obj *o = cf_xcalloc(1, sizeof(*o));
	const char *s;

	atomic_init(&o->refs, 1);
	o->node = compact_dup(&o->arena, n);
	s = cf_node_getp_str(o->node, "metadata", "namespace", NULL);
	o->ns = s ? s : "";
	s = cf_node_getp_str(o->node, "metadata", "name", NULL);
	o->name = s ? s : "";
	s = cf_node_getp_str(o->node, "metadata", "resourceVersion", NULL);
	o->rv = s ? s : "";
	return o;
}

const cf_obj *cf_obj_ref(const cf_obj *o)
{
	if (o)
		atomic_fetch_add(&((cf_obj *)o)->refs, 1);
	return o;
}

void cf_obj_unref(const cf_obj *co)
{
	cf_obj *o = (cf_obj *)co;

	if (!o || atomic_fetch_sub(&o->refs, 1) != 1)
		return;
	cf_arena_release(&o->arena);
	free(o);
}

void cf_obj_unref_all(const cf_obj **objs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cf_obj_unref(objs[i]);
	free(objs);
}

const cf_node *cf_obj_node(const cf_obj *o) { return o->node; }
const char *cf_obj_namespace(const cf_obj *o) { return o->ns; }
const char *cf_obj_name(const cf_obj *o) { return o->name; }
const char *cf_obj_resource_version(const cf_obj *o) { return o->rv; }

cf_node *cf_obj_dup(cf_arena *a, const cf_obj *o)
{
	return cf_node_dup(a, o->node);
}

/* ---- the store (callers hold the lock) ---- */

static unsigned long strhash(const char *s)
{
	unsigned long h = 14695981039346656037ul;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ul;
	return h;
}

static struct entry **slot_for(cf_informer *inf, const char *key,
    unsigned long h)
{
	struct entry **p = &inf->tab[h & (inf->ntab - 1)];

	for (; *p; p = &(*p)->next)
		if ((*p)->hash == h && !strcmp((*p)->key, key))
			break;
	return p;
}

static void grow(cf_informer *inf)
{
	size_t n = inf->ntab * 2;
	struct entry **tab = cf_xcalloc(n, sizeof(*tab));

	for (size_t i = 0; i < inf->ntab; i++) {
		struct entry *e = inf->tab[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = tab[e->hash & (n - 1)];
			tab[e->hash & (n - 1)] = e;
		}
	}
	free(inf->tab);
	inf->tab = tab;
	inf->ntab = n;
}

/* Put o (taking the caller's ref) under its key; *old gets the entry it
 * replaced (a ref the caller drops) or NULL. */
static void store_put(cf_informer *inf, const cf_obj *o, const cf_obj **old)
{
	char key[CF_KEY_NS_MAX + CF_KEY_NAME_MAX + 8];
	struct entry **p, *e;
	unsigned long h;

	snprintf(key, sizeof(key), "%s/%s", o->ns, o->name);
	h = strhash(key);
	p = slot_for(inf, key, h);
	*old = NULL;
	if (*p) {
		*old = (*p)->obj;
		(*p)->obj = o;
		(*p)->epoch = inf->epoch;
		return;
	}
	if (inf->n >= inf->ntab * 2) {
		grow(inf);
		p = slot_for(inf, key, h);
	}
	e = cf_xcalloc(1, sizeof(*e));
	e->key = cf_xstrdup(key);
	e->hash = h;
	e->obj = o;
	e->epoch = inf->epoch;
	*p = e;
	inf->n++;
}

/* Remove ns/name; returns the store's ref (or NULL). */
static const cf_obj *store_del(cf_informer *inf, const char *ns,
    const char *name)
{
	char key[CF_KEY_NS_MAX + CF_KEY_NAME_MAX + 8];
	struct entry **p, *e;
	const cf_obj *o;

	snprintf(key, sizeof(key), "%s/%s", ns, name);
	p = slot_for(inf, key, strhash(key));
	if (!(e = *p))
		return NULL;
	*p = e->next;
	o = e->obj;
	free(e->key);
	free(e);
	inf->n--;
	return o;
}

/* ---- handlers ---- */

static void fire(cf_informer *inf, const cf_obj *old, const cf_obj *o,
    int deleted)
{
	for (size_t i = 0; i < inf->nhandlers; i++) {
		const cf_informer_handler *h = &inf->handlers[i];

		if (deleted && h->on_delete)
			h->on_delete(o, h->payload);
		else if (!deleted && !old && h->on_add)
			h->on_add(o, h->payload);
		else if (!deleted && old && h->on_update)
			h->on_update(old, o, h->payload);
	}
}

/* One object from a list or an ADDED/MODIFIED event. */
static void upsert(cf_informer *inf, const cf_node *n, int from_list)
{
	cf_obj *o = obj_new(n);
	const cf_obj *old;

	pthread_rwlock_wrlock(&inf->lock);
	store_put(inf, cf_obj_ref(o), &old);
	pthread_rwlock_unlock(&inf->lock);
	/* A relist re-delivers unchanged objects: not an update. */
	if (!(from_list && old && !strcmp(old->rv, o->rv)))
		fire(inf, old, o, 0);
	cf_obj_unref(old);
	cf_obj_unref(o);
}

static int on_replace(const cf_node *list, void *payload)
{
	cf_informer *inf = payload;
	const cf_node *items = cf_node_get(list, "items");
	size_t n = cf_node_count(items);

	pthread_rwlock_wrlock(&inf->lock);
	inf->epoch++;
	pthread_rwlock_unlock(&inf->lock);
	for (size_t i = 0; i < n; i++)
		upsert(inf, cf_node_at(items, i), 1);
	/* What the list did not hold is gone. */
	for (;;) {
		const cf_obj *gone = NULL;

		pthread_rwlock_wrlock(&inf->lock);
		for (size_t i = 0; i < inf->ntab && !gone; i++)
			for (struct entry *e = inf->tab[i]; e; e = e->next)
				if (e->epoch != inf->epoch) {
					gone = cf_obj_ref(e->obj);
					break;
				}
		if (gone)
			cf_obj_unref(store_del(inf, gone->ns, gone->name));
		pthread_rwlock_unlock(&inf->lock);
		if (!gone)
			break;
		fire(inf, NULL, gone, 1);
		cf_obj_unref(gone);
	}
	pthread_mutex_lock(&inf->mu);
	inf->synced = true;
	inf->error[0] = '\0';
	pthread_cond_broadcast(&inf->cv);
	pthread_mutex_unlock(&inf->mu);
	return 0;
}

static int on_event(enum cf_watch_event ev, const cf_node *obj,
    void *payload)
{
	cf_informer *inf = payload;
	const cf_obj *gone;

	switch (ev) {
	case CF_WATCH_ADDED:
	case CF_WATCH_MODIFIED:
		upsert(inf, obj, 0);
		break;
	case CF_WATCH_DELETED: {
		const char *ns = cf_node_getp_str(obj, "metadata",
		    "namespace", NULL);
		const char *name = cf_node_getp_str(obj, "metadata", "name",
		    NULL);

		pthread_rwlock_wrlock(&inf->lock);
		gone = store_del(inf, ns ? ns : "", name ? name : "");
		pthread_rwlock_unlock(&inf->lock);
		if (gone) {
			/* Handlers see the final state the server sent. */
			cf_obj *last = obj_new(obj);

			fire(inf, NULL, last, 1);
			cf_obj_unref(last);
			cf_obj_unref(gone);
		}
		break;
	}
	default:
		break;
	}
	return 0;
}

/* ---- threads ---- */

/* Sleep up to ms, or until cancelled. */
static void nap(cf_informer *inf, int64_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&inf->mu);
	while (!atomic_load(&inf->cancel) &&
	    pthread_cond_timedwait(&inf->cv, &inf->mu, &ts) == 0)
		;
	pthread_mutex_unlock(&inf->mu);
}

static void *run(void *p)
{
	cf_informer *inf = p;

	while (!atomic_load(&inf->cancel)) {
		cf_watch_opts wo = {
			.label_selector = inf->selector,
			.timeout_seconds = inf->watch_timeout,
			.cancel = &inf->cancel,
		};
		int err = cf_client_reflect(inf->client, inf->api_version,
		    inf->kind, inf->ns, &wo, on_replace, on_event, inf);

		if (err == 0 || atomic_load(&inf->cancel))
			break;
		/* An unknown kind may be a CRD not installed yet: retry. */
		pthread_mutex_lock(&inf->mu);
		snprintf(inf->error, sizeof(inf->error), "%s", cf_error_msg());
		pthread_mutex_unlock(&inf->mu);
		cf_log_error("informer for '%s' failed: %s", inf->kind,
		    cf_error_msg());
		nap(inf, 1000);
	}
	return NULL;
}

static void *resync(void *p)
{
	cf_informer *inf = p;

	for (;;) {
		const cf_obj **objs;
		size_t n;

		nap(inf, inf->resync_ms);
		if (atomic_load(&inf->cancel))
			break;
		cf_informer_list(&objs, &n, inf, NULL);
		for (size_t i = 0; i < n; i++)
			fire(inf, objs[i], objs[i], 0);
		cf_obj_unref_all(objs, n);
	}
	return NULL;
}

/* ---- lifecycle ---- */

static char *dup_or_null(const char *s)
{
	return s && *s ? cf_xstrdup(s) : NULL;
}

cf_informer *cf_informer_new(cf_client *c, const char *api_version,
    const char *kind, const cf_informer_opts *opts)
{
	static const cf_informer_opts defaults = { 0 };
	cf_informer *inf = cf_xcalloc(1, sizeof(*inf));
	const char *slash = strchr(api_version, '/');
	pthread_condattr_t ca;

	if (!opts)
		opts = &defaults;
	inf->client = c;
	inf->api_version = cf_xstrdup(api_version);
	inf->group = slash ? cf_xstrndup(api_version, slash - api_version) :
	    cf_xstrdup("");
	inf->kind = cf_xstrdup(kind);
	inf->ns = dup_or_null(opts->ns);
	inf->selector = dup_or_null(opts->label_selector);
	inf->resync_ms = opts->resync_ms;
	inf->watch_timeout = opts->watch_timeout_seconds;
	pthread_rwlock_init(&inf->lock, NULL);
	pthread_mutex_init(&inf->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&inf->cv, &ca);
	pthread_condattr_destroy(&ca);
	inf->ntab = 64;
	inf->tab = cf_xcalloc(inf->ntab, sizeof(*inf->tab));
	return inf;
}

void cf_informer_free(cf_informer *inf)
{
	if (!inf)
		return;
	cf_informer_stop(inf);
	for (size_t i = 0; i < inf->ntab; i++) {
		struct entry *e = inf->tab[i], *next;

		for (; e; e = next) {
			next = e->next;
			cf_obj_unref(e->obj);
			free(e->key);
			free(e);
		}
	}
	free(inf->tab);
	free(inf->handlers);
	for (size_t i = 0; i < inf->nowned; i++)
		free(inf->owned[i]);
	free(inf->owned);
	pthread_rwlock_destroy(&inf->lock);
	pthread_cond_destroy(&inf->cv);
	pthread_mutex_destroy(&inf->mu);
	free(inf->api_version);
	free(inf->group);
	free(inf->kind);
	free(inf->ns);
	free(inf->selector);
	free(inf);
}

void cf_informer_add_handler(cf_informer *inf, const cf_informer_handler *h)
{
	if (inf->running)
		CF_BUG("informer handler added after start");
	CF_GROW(inf->handlers, inf->ahandlers, inf->nhandlers + 1);
	inf->handlers[inf->nhandlers++] = *h;
}

struct enq {
	cf_informer *inf;
	cf_wq *q;
};

static void enq_add(const cf_obj *o, void *p)
{
	cf_informer *inf = ((struct enq *)p)->inf;
	cf_key k;

	if (cf_key_set(&k, inf->group, inf->kind, o->ns, o->name) == 0)
		cf_wq_add(((struct enq *)p)->q, &k);
}

static void enq_update(const cf_obj *old, const cf_obj *o, void *p)
{
	enq_add(o, p);
}

void cf_informer_enqueue_to(cf_informer *inf, cf_wq *q)
{
	struct enq *e = cf_xcalloc(1, sizeof(*e));
	cf_informer_handler h = { enq_add, enq_update, enq_add, e };

	e->inf = inf;
	e->q = q;
	cf_informer_add_handler(inf, &h);
	CF_GROW(inf->owned, inf->aowned, inf->nowned + 1);
	inf->owned[inf->nowned++] = e;
}

int cf_informer_start(cf_informer *inf)
{
	if (inf->running)
		return 0;
	atomic_store(&inf->cancel, 0);
	if (pthread_create(&inf->thread, NULL, run, inf) != 0)
		return cf_error_set(CF_ERR_OS, "cannot start informer thread");
	if (inf->resync_ms > 0 &&
	    pthread_create(&inf->resync_thread, NULL, resync, inf) != 0) {
		atomic_store(&inf->cancel, 1);
		pthread_join(inf->thread, NULL);
		return cf_error_set(CF_ERR_OS, "cannot start resync thread");
	}
	inf->running = true;
	return 0;
}

void cf_informer_stop(cf_informer *inf)
{
	if (!inf->running)
		return;
	atomic_store(&inf->cancel, 1);
	pthread_mutex_lock(&inf->mu);
	pthread_cond_broadcast(&inf->cv);
	pthread_mutex_unlock(&inf->mu);
	pthread_join(inf->thread, NULL);
	if (inf->resync_ms > 0)
		pthread_join(inf->resync_thread, NULL);
	inf->running = false;
}

/* ---- queries ---- */

bool cf_informer_has_synced(cf_informer *inf)
{
	bool s;

	pthread_mutex_lock(&inf->mu);
	s = inf->synced;
	pthread_mutex_unlock(&inf->mu);
	return s;
}

int cf_informer_wait_synced(cf_informer *inf, int64_t timeout_ms)
{
	struct timespec ts;
	bool s;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&inf->mu);
	while (!inf->synced &&
	    pthread_cond_timedwait(&inf->cv, &inf->mu, &ts) == 0)
		;
	s = inf->synced;
	pthread_mutex_unlock(&inf->mu);
	return s ? 0 : cf_error_setc(CF_ETIMEOUT, CF_ERR_KUBE,
	    "informer for '%s' has not synced", inf->kind);
}

void cf_informer_last_error(cf_informer *inf, char *buf, size_t n)
{
	pthread_mutex_lock(&inf->mu);
	snprintf(buf, n, "%s", inf->error);
	pthread_mutex_unlock(&inf->mu);
}

int cf_informer_get(const cf_obj **out, cf_informer *inf, const char *ns,
    const char *name)
{
	char key[CF_KEY_NS_MAX + CF_KEY_NAME_MAX + 8];
	struct entry **p;

	*out = NULL;
	snprintf(key, sizeof(key), "%s/%s", ns ? ns : "", name);
	pthread_rwlock_rdlock(&inf->lock);
	p = slot_for(inf, key, strhash(key));
	if (*p)
		*out = cf_obj_ref((*p)->obj);
	pthread_rwlock_unlock(&inf->lock);
	if (!*out)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
		    "'%s' not found in the %s cache", key, inf->kind);
	return 0;
}

void cf_informer_list(const cf_obj ***out, size_t *n, cf_informer *inf,
    const char *ns)
{
	size_t k = 0;

	pthread_rwlock_rdlock(&inf->lock);
	*out = cf_xcalloc(inf->n + 1, sizeof(**out));
	for (size_t i = 0; i < inf->ntab; i++)
		for (struct entry *e = inf->tab[i]; e; e = e->next)
			if (!ns || !strcmp(ns, e->obj->ns))
				(*out)[k++] = cf_obj_ref(e->obj);
	pthread_rwlock_unlock(&inf->lock);
	*n = k;
}

size_t cf_informer_len(cf_informer *inf)
{
	size_t n;

	pthread_rwlock_rdlock(&inf->lock);
	n = inf->n;
	pthread_rwlock_unlock(&inf->lock);
	return n;
}
