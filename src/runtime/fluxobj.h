/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every Flux reconciler does to its own object, the same way: read
 * a mutable copy from the cache, add or remove finalizers.fluxcd.io,
 * write the status subresource once when it changed, and spread the next
 * run over the interval (--interval-jitter-percentage).
 */
#ifndef CF_RUNTIME_FLUXOBJ_H
#define CF_RUNTIME_FLUXOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"
#include "runtime/manager.h"

#define CF_FLUX_FINALIZER "finalizers.fluxcd.io"

/* The object of key from ctl's cache as a mutable copy in a, and a copy
 * of its status as read (NULL if none) for cf_flux_write_status.
 * CF_ENOTFOUND when it is not cached (deleted). */
int cf_flux_load(cf_node **obj, const cf_node **before, cf_arena *a,
    cf_ctl *ctl, const cf_key *key);

bool cf_flux_has_finalizer(const cf_node *obj);

/* Add (or remove) finalizers.fluxcd.io with a merge patch that carries
 * the object's resourceVersion (409 if it moved); obj is updated. */
int cf_flux_patch_finalizer(cf_client *c, cf_arena *a, cf_node *obj,
    bool add);

/* Merge-patch the status subresource with obj's whole status, keys that
 * were in before and are gone set to null; nothing when it is equal. */
int cf_flux_write_status(cf_client *c, cf_arena *a, const cf_node *obj,
    const cf_node *before);

/* interval_ms +/- pct percent (0 means Flux's 5, < 0 none). */
int64_t cf_flux_jitter(int64_t interval_ms, int pct);

/* A Secret's value for key: data (base64-decoded) first, then
 * stringData; NUL-terminated in a, its length in *len (may be NULL).
 * NULL when the key is absent or its data is not valid base64. */
const char *cf_flux_secret_value(cf_arena *a, const cf_node *secret,
    const char *key, size_t *len);

/* The boolean at spec.<field> (false when absent or not a bool). */
bool cf_flux_spec_bool(const cf_node *obj, const char *field);

#endif
