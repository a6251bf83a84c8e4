/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-side apply and managedFields (spec/kubernetes-api.md §3), the way
 * kube-apiserver does it with structured-merge-diff: field sets and their
 * fieldsV1 encoding, merging an applied config into the live object,
 * conflicts, force, removal of fields an applier stopped applying, and the
 * Update bookkeeping of every other write.
 *
 * Not here: HTTP, request decoding, defaulting, validation, admission and
 * the no-op write decision (the caller compares and skips the store write).
 * All apiVersions of a kind are assumed to share one field layout (no
 * conversion between versions' field sets).
 */
#ifndef CF_KUBE_SSA_H
#define CF_KUBE_SSA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"
#include "kube/schema.h"

/* A set of field paths (a fieldpath.Set): an arena-owned tree. */
typedef struct cf_fieldset cf_fieldset;

/* Parse a fieldsV1 object ({"f:spec":{"f:replicas":{}}}). *out lives in a.
 * Returns 0, or CF_EINVALID naming the bad key. */
int cf_fieldset_decode(cf_fieldset **out, cf_arena *a, const cf_node *fields_v1);

/* The fieldsV1 object for s, keys in structured-merge-diff order (§3.3). */
cf_node *cf_fieldset_encode(cf_arena *a, const cf_fieldset *s);

bool cf_fieldset_empty(const cf_fieldset *s);

/* Append every path of s, one per line, printed as in conflict messages
 * (.spec.containers[name="c1"].image), in set order. */
void cf_fieldset_paths(cf_buf *out, const cf_fieldset *s);

/*
 * The field set an apply of obj claims (§3.4): leaves, atomic lists and
 * maps as one leaf, associative-list items as nodes, map entries as nodes.
 * *out is allocated from a and borrows names and values from obj, so it is
 * valid while both live.
 * Returns 0, or CF_EINVALID for duplicate or key-less list items
 * (".spec.containers: duplicate entries for key [name=\"c1\"]").
 */
int cf_ssa_fieldset(cf_fieldset **out, cf_arena *a, const cf_schema *s,
    const cf_node *obj);

/* Merge config into live per the schema (§3.7); a new tree in a. */
cf_node *cf_ssa_merge(cf_arena *a, const cf_schema *s, const cf_node *live,
    const cf_node *config);

/* Zero means default for every field. */
typedef struct cf_ssa_opts {
	const char *manager;     /* fieldManager; required */
	const char *api_version; /* of the request, "apps/v1"; required */
	const char *subresource; /* NULL or "" for the main resource, "status" */
	const char *now;         /* RFC 3339 seconds: "2026-01-02T03:04:05Z";
				  * NULL writes entries without time */
	bool force;              /* apply only: take conflicting fields */
	/* The kind has a status subresource: on the main resource `status` is
	 * ignored (not owned, not merged from an apply config). */
	bool status_subresource;
} cf_ssa_opts;

/* One FieldManagerConflict cause. Strings live in the call's arena. */
typedef struct cf_ssa_conflict {
	const char *field;   /* ".spec.replicas" */
	const char *message; /* "conflict with \"flux\" using apps/v1" */
} cf_ssa_conflict;

typedef struct cf_ssa_result {
	cf_node *obj;       /* merged object carrying new managedFields */
	bool changed;       /* obj differs from live apart from managedFields */
	/* On CF_ECONFLICT: the causes, in the server's order, and the Status
	 * message ("Apply failed with 1 conflict: conflict with ..."). */
	cf_ssa_conflict *conflicts;
	size_t nconflicts;
	const char *message;
} cf_ssa_result;

/*
 * Server-side apply of config (the request body, already decoded; it must
 * hold apiVersion, kind and metadata.name) to live (NULL to create).
 * Fills *out; out->obj is a fresh tree in a (live and config are not
 * modified) carrying the new managedFields. When out->changed is false the
 * object equals live apart from managedFields; if managedFields are equal
 * too, the server must not write (§2.1). The applier's entry gets
 * opts->now only when the object changed. For manager "kubectl", conflicts
 * on fields still equal to the last-applied annotation are forgiven and
 * the annotation is rewritten (§3.5). Defaulting and validation of
 * out->obj are the caller's.
 *
 * Returns 0; CF_ECONFLICT with out->conflicts and out->message set (also
 * the error message); CF_EINVALID for a config the schema rejects (".spec.
 * containers: duplicate entries for key [name=\"a\"]") or one carrying
 * metadata.managedFields ("metadata.managedFields must be nil");
 * CF_EINVALID wrapped as "failed to decode managed fields: ..." when the
 * live object's managedFields are corrupt.
 */
int cf_ssa_apply(cf_ssa_result *out, cf_arena *a, const cf_schema *s,
    const cf_node *live, const cf_node *config, const cf_ssa_opts *opts);

/*
 * Record a non-apply write (create, PUT, JSON/merge/strategic patch):
 * new_obj is the object about to be stored, with whatever managedFields
 * the request carried; old_obj is the stored object (NULL, or without
 * metadata.uid, on create). Sets or removes new_obj's
 * metadata.managedFields in place (§3.2, §3.4), with new nodes from a:
 *   - the request's list is used when it is non-empty and valid (not on
 *     subresources); [] or an invalid list keeps the stored one; [{}]
 *     resets tracking (the writer then owns only what it changed);
 *   - an existing object without managedFields stays untracked;
 *   - the writer's entry (manager, Update, apiVersion, subresource) gains
 *     what changed, with time opts->now; removed paths leave every entry;
 *   - at most 10 Update entries, older ones folded into ancient-changes.
 * The endpoint's reset fields must already be reset in new_obj.
 * Returns 0, or CF_EINVALID if new_obj is not an object.
 */
int cf_ssa_update(cf_node *new_obj, cf_arena *a, const cf_schema *s,
    const cf_node *old_obj, const cf_ssa_opts *opts);

#endif
