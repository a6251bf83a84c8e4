/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Informers: a shared in-memory cache of one kind, kept current by list +
 * watch (cf_client_reflect), calling handlers on add/update/delete. Cache
 * entries are cf_obj: published once, immutable, refcounted (STYLE.md §3,
 * lifetime 3). Readers take a ref and get const nodes; to change an object
 * cf_obj_dup it into their own arena. The informer does not reconcile; the
 * usual handler (cf_informer_enqueue_to) only puts keys on a work queue.
 */
#ifndef CF_RUNTIME_INFORMER_H
#define CF_RUNTIME_INFORMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "runtime/workqueue.h"

typedef struct cf_obj cf_obj;
typedef struct cf_informer cf_informer;

/* ---- cache entries ---- */

/* Take / drop a reference; the last unref frees the entry. */
const cf_obj *cf_obj_ref(const cf_obj *o);
void cf_obj_unref(const cf_obj *o);
/* The object (borrowed from o, valid while a ref is held). */
const cf_node *cf_obj_node(const cf_obj *o);
const char *cf_obj_namespace(const cf_obj *o); /* "" if cluster-scoped */
const char *cf_obj_name(const cf_obj *o);
const char *cf_obj_resource_version(const cf_obj *o);
/* A deep, mutable copy in a. */
cf_node *cf_obj_dup(cf_arena *a, const cf_obj *o);

/* ---- informers ---- */

/* Handlers run on the informer's thread, in event order; objects are
 * borrowed for the call (cf_obj_ref to keep one). old is NULL for adds. */
typedef struct cf_informer_handler {
	void (*on_add)(const cf_obj *o, void *payload);
	void (*on_update)(const cf_obj *old, const cf_obj *o, void *payload);
	void (*on_delete)(const cf_obj *o, void *payload);
	void *payload;
} cf_informer_handler;

typedef struct cf_informer_opts {
	const char *ns;              /* NULL/"" = all namespaces */
	const char *label_selector;  /* --watch-label-selector sharding */
	int64_t resync_ms;           /* on_update(o, o) for all; 0 = never */
	long watch_timeout_seconds;  /* 0 = random 300..599 */
} cf_informer_opts;

/* An informer for api_version/kind through c (borrowed: it must outlive
 * the informer). Strings are copied. Owned: cf_informer_free(). */
cf_informer *cf_informer_new(cf_client *c, const char *api_version,
    const char *kind, const cf_informer_opts *opts);
/* Stops it first if running. */
void cf_informer_free(cf_informer *inf);

/* Register a handler (copied); only before cf_informer_start. */
void cf_informer_add_handler(cf_informer *inf, const cf_informer_handler *h);
/* A handler that adds each object's key (the informer's group/kind) to
 * q, which must outlive the informer's run. */
void cf_informer_enqueue_to(cf_informer *inf, cf_wq *q);

/* Start the list/watch thread. Errors no relist cures (an unknown kind,
 * forbidden) are retried every second and reported by
 * cf_informer_last_error. Returns 0 or CF_ERROR (thread creation). */
int cf_informer_start(cf_informer *inf);
/* Cancel the watch and join the thread. */
void cf_informer_stop(cf_informer *inf);

/* ---- queries ---- */

/* Whether the first list has been stored. */
bool cf_informer_has_synced(cf_informer *inf);
/* Wait for it: 0, or CF_ETIMEOUT after timeout_ms. */
int cf_informer_wait_synced(cf_informer *inf, int64_t timeout_ms);
/* The last error the watch loop ended with ("" if none); copied to buf. */
void cf_informer_last_error(cf_informer *inf, char *buf, size_t n);

/* The cached object ns/name, ref'd: the caller cf_obj_unrefs *out.
 * CF_ENOTFOUND when it is not in the cache. */
int cf_informer_get(const cf_obj **out, cf_informer *inf, const char *ns,
    const char *name);
/* Every cached object (of ns, NULL = all), ref'd, in no particular order.
 * *out is malloc'd: release with cf_obj_unref_all(*out, *n). */
void cf_informer_list(const cf_obj ***out, size_t *n, cf_informer *inf,
    const char *ns);
void cf_obj_unref_all(const cf_obj **objs, size_t n);
size_t cf_informer_len(cf_informer *inf);

#endif
