/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-owned object bookkeeping on every write: uid, creationTimestamp,
 * resourceVersion, generation, deletionTimestamp, and the status /
 * main-resource split of the status subresource (spec/kubernetes-api.md
 * §2.1-2.5). Works on cf_node objects; no I/O.
 */
#ifndef CF_APISERVER_META_H
#define CF_APISERVER_META_H

#include <stdbool.h>
#include <stdint.h>

#include "core/node.h"

/* What the write path knows about the resource being written. */
typedef struct cf_meta_kind {
	bool tracks_generation; /* metadata.generation is maintained */
	bool status_subresource; /* main endpoint ignores status, /status the rest */
	bool is_crd_resource;    /* custom resource: create drops status */
} cf_meta_kind;

/* RFC 3339 UTC with whole seconds, e.g. 2026-01-02T03:04:05Z. */
void cf_meta_now(char out[32]);
/* RFC 3339 UTC with microseconds (metav1.MicroTime). */
void cf_meta_now_micro(char out[40]);
/* A random (version 4) UUID. */
void cf_meta_uuid(char out[37]);

/* Fill a new object's server fields: uid, creationTimestamp,
 * resourceVersion = rv, generation 1 when tracked; drop client-set
 * deletion fields, and status where the kind resets it on create. */
void cf_meta_prepare_create(cf_arena *a, cf_node *obj, const cf_meta_kind *k,
    int64_t rv);

/*
 * Turn a client's new object into what will be stored over old:
 * server-owned metadata copied from old; status taken from old on the main
 * endpoint (status subresource) or everything but status and metadata taken
 * from old on /status; RV = rv. Generation is cf_meta_bump_generation's.
 * Returns 0, or CF_EINVALID (message set) when a finalizer is added to an
 * object being deleted.
 */
int cf_meta_prepare_update(cf_arena *a, cf_node *obj, const cf_node *old,
    const cf_meta_kind *k, bool status_write, int64_t rv);

/* Bump metadata.generation when anything outside metadata (and status,
 * with a status subresource) differs from old. Call after admission, so
 * that defaults the server adds do not count as changes. */
void cf_meta_bump_generation(cf_arena *a, cf_node *obj, const cf_node *old,
    const cf_meta_kind *k);

/* The object's resourceVersion as a number (0 if absent or malformed). */
int64_t cf_meta_rv(const cf_node *obj);
void cf_meta_set_rv(cf_arena *a, cf_node *obj, int64_t rv);

/* True if obj has metadata.deletionTimestamp. */
bool cf_meta_deleting(const cf_node *obj);
/* Number of entries in metadata.finalizers. */
size_t cf_meta_finalizer_count(const cf_node *obj);
bool cf_meta_has_finalizer(const cf_node *obj, const char *f);
void cf_meta_add_finalizer(cf_arena *a, cf_node *obj, const char *f);
void cf_meta_remove_finalizer(cf_node *obj, const char *f);

#endif
