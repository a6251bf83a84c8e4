/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The apply engine behind a Kustomization (Flux's ssa.ResourceManager):
 * server-side apply of a set of objects in stages (definitions first,
 * waited for, then classes, then the rest), with a dry-run of the whole
 * set before anything is written, drift detection so unchanged objects
 * are not written, forced re-creation on immutable fields, and pruning of
 * stale inventory entries. It does not build manifests, keep status or
 * emit events: it returns a change set and an error message.
 *
 * Changes made by hand are undone as Flux's Override mode does: fields
 * of kubectl (and other override managers) are taken over before apply.
 *
 * Annotations (or labels) read on objects, as Flux does:
 *   kustomize.toolkit.fluxcd.io/ssa: Merge | IfNotPresent | Ignore
 *   kustomize.toolkit.fluxcd.io/force: enabled
 *   kustomize.toolkit.fluxcd.io/prune: disabled
 *   kustomize.toolkit.fluxcd.io/reconcile: disabled
 */
#ifndef CF_APPLY_APPLY_H
#define CF_APPLY_APPLY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apply/inventory.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

typedef struct cf_client cf_client;

#define CF_APPLY_FIELD_MANAGER "kustomize-controller"
#define CF_APPLY_MAX_OBJECTS 20000 /* one set */

enum cf_apply_action {
	CF_APPLY_CREATED = 0,
	CF_APPLY_CONFIGURED,
	CF_APPLY_UNCHANGED,
	CF_APPLY_DELETED,
	CF_APPLY_SKIPPED,
	CF_APPLY_UNKNOWN,
};

/* One object's outcome; strings borrowed from the call's arena. */
typedef struct cf_change {
	cf_inv_entry obj;
	const char *subject;   /* "Deployment/default/app" */
	enum cf_apply_action action;
} cf_change;

/* In apply order; arena-backed like cf_inventory. */
typedef struct cf_change_set {
	cf_change *v;
	size_t len, alloc;
} cf_change_set;

#define CF_CHANGE_SET_INIT { 0 }

/* "created", "configured", "unchanged", "deleted", "skipped", "unknown". */
const char *cf_apply_action_name(enum cf_apply_action a);

/* Append "<subject> <action>\n" per entry (Flux's event text); with
 * changed_only, skip unchanged and skipped entries. Returns 0 or
 * CF_ETOOLARGE from a capped out. */
int cf_change_set_format(cf_buf *out, const cf_change_set *cs,
    bool changed_only);

/* Append every entry except deleted ones to inv: the new inventory. */
void cf_change_set_inventory(cf_inventory *inv, cf_arena *a,
    const cf_change_set *cs);

/* Append the entries to health-check with spec.wait (Flux's set: all
 * applied objects, not skipped or deleted ones) to set. */
void cf_change_set_health(cf_inventory *set, cf_arena *a,
    const cf_change_set *cs);

/* Zero means default for every field. */
typedef struct cf_apply_opts {
	const char *field_manager;  /* NULL = CF_APPLY_FIELD_MANAGER */
	bool force;                 /* recreate on immutable-field errors */
	/* When set, stamped as kustomize.toolkit.fluxcd.io/name and
	 * /namespace labels on every object. */
	const char *owner_name, *owner_namespace;
	/* "group/Kind" applied in a stage of their own, after classes and
	 * before the rest, not waited for; NULL-terminated, may be NULL. */
	const char *const *stage_kinds;
	/* Field managers whose fields are taken over and so reverted, on
	 * top of kubectl and before-first-apply (name prefixes,
	 * NULL-terminated, may be NULL): --override-manager. */
	const char *const *override_managers;
	int concurrency;            /* parallel dry-runs; 0 = 4, as Flux */
	int64_t wait_timeout_ms;    /* definition/class stages; 0 = 60 s */
	int64_t wait_interval_ms;   /* 0 = 2 s */
	const atomic_bool *cancel;  /* stops a stage wait */
} cf_apply_opts;

/*
 * Apply objs[0..n) (not modified; copies go to a). First every object is
 * dry-run applied; if any fails, nothing is written and the error lists
 * each failure ("Deployment/default/app dry-run failed (Invalid): <the
 * server's message, naming the field>"). Objects whose namespace or kind
 * comes from a Namespace or CRD of the same set are dry-run in their
 * stage instead. Then per stage: dry-run against the current state,
 * compare with the live object, clean up foreign managers, apply only
 * what differs (or was cleaned up), and wait for definitions and
 * classes to be Current.
 *
 * *out gets one entry per object in apply order, also on failure (what
 * was done so far). Returns 0; CF_EINVALID when objects are malformed or
 * fail the dry-run (CF_EFORBIDDEN when one was refused access); the
 * client's code when an apply or delete fails;
 * CF_ETIMEOUT when a stage does not become Current; CF_ETOOLARGE past
 * CF_APPLY_MAX_OBJECTS.
 */
int cf_apply_set(cf_change_set *out, cf_arena *a, cf_client *c,
    cf_node *const *objs, size_t n, const cf_apply_opts *opts);

/* Zero means default for every field. */
typedef struct cf_prune_opts {
	/* Only objects still labelled with these owner labels are deleted
	 * (both NULL: no label check). */
	const char *owner_name, *owner_namespace;
	/* The new inventory: a stale Namespace that still holds one of its
	 * objects is kept. May be NULL. */
	const cf_inventory *keep;
} cf_prune_opts;

/*
 * Delete the stale objects (background propagation), namespaces last.
 * Skipped (and recorded so): objects with prune: disabled, reconcile:
 * disabled or ssa: Ignore, objects owned by another Kustomization, and
 * kept Namespaces. Gone objects are not recorded. Entries whose delete
 * failed are appended to *failed (may be NULL) so the caller keeps them in
 * its inventory. Returns 0, or CF_ERROR listing every failure.
 */
int cf_apply_prune(cf_change_set *out, cf_inventory *failed, cf_arena *a,
    cf_client *c, const cf_inventory *stale, const cf_prune_opts *opts);

#endif
