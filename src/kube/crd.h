/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) in the object layer:
 * static validation of a CRD object, the naming decision the server records
 * in status (acceptedNames, NamesAccepted, Established), a compiled
 * structural schema that prunes, defaults and validates custom resources,
 * and a version's printer columns as plain data.
 *
 * No I/O and no storage here: the API server feeds objects in and turns the
 * causes into a 422 Status. CEL rules (x-kubernetes-validations) are
 * accepted in schemas but not evaluated. JSONPath evaluation of printer
 * columns belongs to jsonpath.h; this module only describes the columns.
 */
#ifndef CF_KUBE_CRD_H
#define CF_KUBE_CRD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"

/* One field error, the shape of a metav1.StatusCause. Strings live in the
 * arena of the list that holds it. */
typedef struct cf_crd_cause {
	const char *reason;  /* static: "FieldValueInvalid", "FieldValueRequired" … */
	const char *field;   /* Kubernetes path: "spec.ports[0].port" */
	const char *message; /* without the field: "Required value" */
	const char *value;   /* the bad value as Go prints it, or NULL */
	const char *detail;  /* the text after the value, or NULL */
} cf_crd_cause;

/* A growable list of causes; items and strings are allocated from arena. */
typedef struct cf_crd_causes {
	cf_crd_cause *v;
	size_t len;
	size_t alloc;
	cf_arena *arena;
} cf_crd_causes;

#define CF_CRD_CAUSES_INIT(a) { NULL, 0, 0, (a) }

/* "field: message" of cause i (Kubernetes' field.Error.Error()); arena. */
const char *cf_crd_cause_str(const cf_crd_causes *c, size_t i);

/* Append the causes to a shared field-error list (kube/validate.h), so
 * cf_status_invalid() can build the 422 from them; strings copied to a. */
struct cf_field_errs;
void cf_crd_causes_to_errs(cf_arena *a, struct cf_field_errs *out,
    const cf_crd_causes *in);

/*
 * Validate a CustomResourceDefinition object as the server does on create
 * (old == NULL) and update (old = the stored object): metadata.name ==
 * <plural>.<group>, group, names (DNS-1035 labels, kind != listKind),
 * scope, versions (unique names, exactly one storage, a schema for every
 * served one), structural schemas (types, properties vs
 * additionalProperties, root metadata, value validations, list and map
 * types with list-map keys required or defaulted, patterns that compile,
 * defaults that validate and survive pruning, the status-subresource root
 * rule, CEL rule shape but not CEL itself), scale paths, printer columns,
 * every status.storedVersions entry still present in spec.versions, and
 * on update the immutability of spec.group and spec.scope. Appends one
 * cause per problem to out, worded as kube-apiserver words them. Returns
 * 0, or CF_EINVALID with the first cause as the message.
 */
int cf_crd_validate(cf_crd_causes *out, const cf_node *crd, const cf_node *old);

/* A condition the server writes into status.conditions. Static strings
 * except message, which may live in the arena given to the call. */
typedef struct cf_crd_condition {
	const char *type;
	const char *status; /* "True" | "False" | "Unknown" */
	const char *reason;
	const char *message;
} cf_crd_condition;

typedef struct cf_crd_naming {
	cf_node *accepted_names;        /* for status.acceptedNames; arena */
	cf_crd_condition names_accepted; /* NamesAccepted */
	cf_crd_condition established;    /* Established */
} cf_crd_naming;

/*
 * The naming and establishing controllers in one step: given crd and the
 * other stored CRDs (any group; only the same group counts, and an entry
 * with crd's own metadata.name is skipped), decide which requested names
 * are free (plural, singular, shortNames against every accepted plural,
 * singular and short name of the group; kind and listKind against every
 * accepted kind and listKind). With no conflict, NamesAccepted=True
 * (NoConflicts) and Established=True (InitialNamesAccepted); otherwise
 * NamesAccepted=False with the conflict reason and Established=False
 * (NotAccepted), unless crd was already established. Allocates from a.
 */
void cf_crd_naming_compute(cf_crd_naming *out, cf_arena *a, const cf_node *crd,
    const cf_node *const *others, size_t n_others);

/*
 * The status object the server stores after cf_crd_naming_compute(): the
 * CRD's current status with acceptedNames replaced, the NamesAccepted and
 * Established conditions set (type, status, lastTransitionTime, reason,
 * message; the old lastTransitionTime is kept when the status is
 * unchanged, now is used otherwise) and the storage version added to
 * storedVersions. now is RFC 3339 ("2026-01-02T03:04:05Z"). Allocated
 * from a; crd is not modified.
 */
cf_node *cf_crd_status_build(cf_arena *a, const cf_node *crd,
    const cf_crd_naming *n, const char *now);

/* The served version named version, or the storage version when version is
 * NULL; NULL if none. Borrowed from crd. */
const cf_node *cf_crd_version(const cf_node *crd, const char *version);

/* ---- printer columns ---- */

typedef struct cf_crd_column {
	const char *name;        /* header, e.g. "Ready" */
	const char *type;        /* integer|number|string|boolean|date */
	/* "" or int32|int64|float|double|byte|date|date-time|password */
	const char *format;
	/* ".status.conditions[?(@.type==\"Ready\")].status" */
	const char *json_path;
	const char *description;
	int32_t priority;        /* > 0: only with -o wide */
} cf_crd_column;

/*
 * The Table columns of a CR version, after the implicit Name column (which
 * the Table writer adds with format "name"): the version's
 * additionalPrinterColumns in order, or, when there are none, a single Age
 * column (date, .metadata.creationTimestamp). *out is allocated from a;
 * strings are borrowed from the version node or static. Returns the count.
 */
size_t cf_crd_columns(cf_crd_column **out, cf_arena *a, const cf_node *crd,
    const cf_node *version);

/*
 * The columns of a Table of the version's /scale subresource (rows are
 * autoscaling/v1 Scale objects): Desired (.spec.replicas) when
 * specReplicasPath is declared, Available (.status.replicas) when
 * statusReplicasPath is, then Age. This is where kube-apiserver uses the
 * scale columns; the main resource never gets them.
 */
size_t cf_crd_scale_columns(cf_crd_column **out, cf_arena *a,
    const cf_node *version);

/* ---- structural schema: prune, default, validate ---- */

/* Named cf_crd_schema because cf_schema (kube/schema.h) is the merge schema
 * that apply and strategic patches use; the two must never be confused. */
typedef struct cf_crd_schema cf_crd_schema; /* compiled, immutable, shareable */

/*
 * Compile an openAPIV3Schema (the node under schema.openAPIV3Schema of a
 * CRD version) once per CRD change. *out is owned: cf_crd_schema_free(). The
 * schema keeps its own copy of defaults and enums, so the node may go away.
 * Returns CF_EINVALID for a pattern that does not compile (message names the
 * path). Unknown keywords are ignored; run cf_crd_validate() first.
 */
int cf_crd_schema_compile(cf_crd_schema **out, const cf_node *schema);
void cf_crd_schema_free(cf_crd_schema *s);

/* How unknown fields are reported (the fieldValidation query parameter). */
enum cf_crd_schema_unknown_mode {
	CF_CRD_SCHEMA_IGNORE = 0,
	CF_CRD_SCHEMA_WARN,
	CF_CRD_SCHEMA_STRICT,
};

/* A list of strings allocated from arena (unknown-field paths). */
typedef struct cf_crd_strs {
	const char **v;
	size_t len;
	size_t alloc;
	cf_arena *arena;
} cf_crd_strs;

#define CF_CRD_STRS_INIT(a) { NULL, 0, 0, (a) }

/*
 * Drop every field of obj (a whole custom resource) that the schema does not
 * declare, in place: root apiVersion/kind/metadata are kept, metadata (and
 * that of embedded resources) is cut to ObjectMeta's fields, subtrees under
 * x-kubernetes-preserve-unknown-fields keep unknown keys. The paths of
 * dropped fields ("spec.foo", "spec.items[0].bar") are appended to unknown
 * when it is not NULL. New nodes come from a (obj must be a's to mutate).
 */
void cf_crd_schema_prune(const cf_crd_schema *s, cf_arena *a, cf_node *obj,
    cf_crd_strs *unknown);

/*
 * Apply schema defaults in place: a property with a default that is absent
 * in a present parent gets a copy of the default; a null in a non-nullable
 * field is removed first (then defaulted when it has a default). Items of
 * arrays and values of additionalProperties maps are defaulted too.
 * kube-apiserver defaults on every read from storage as well as on decode:
 * with a status subresource, create drops status, so Flux's
 * status.observedGeneration: -1 only appears through the read path.
 */
void cf_crd_schema_default(const cf_crd_schema *s, cf_arena *a, cf_node *obj);

/*
 * Validate obj against the schema (type, nullable, required, enum, pattern,
 * format, numeric bounds, lengths in runes, item and property counts,
 * uniqueItems, list-type set/map uniqueness, allOf/anyOf/oneOf/not) and
 * append causes worded like kube-apiserver's. Root metadata is not checked
 * here (the server's ObjectMeta validation does that). Returns 0, or
 * CF_EINVALID with the first cause as the error message.
 */
int cf_crd_schema_validate(const cf_crd_schema *s, const cf_node *obj,
    cf_crd_causes *out);

/*
 * cf_crd_schema_validate for an update, with Kubernetes' validation
 * ratcheting: values equal to their counterpart in old (same property
 * path; list-type map items matched by their keys) are not re-checked, so
 * an object stored under an older, looser schema can still be updated as
 * long as the update does not touch the offending values. old NULL is a
 * plain validation.
 */
int cf_crd_schema_validate_update(const cf_crd_schema *s, const cf_node *obj,
    const cf_node *old, cf_crd_causes *out);

/*
 * The whole decode path for one request body: prune (collecting unknown
 * fields), then per mode: STRICT fails with CF_EINVALID and the message
 * `strict decoding error: unknown field "spec.foo", unknown field "…"`
 * (a 400); WARN appends `unknown field "spec.foo"` warnings to warnings
 * (may be NULL); IGNORE drops silently. Then defaults. Validation is a
 * separate step (cf_crd_schema_validate), run after admission as the server
 * does. Returns 0 or CF_EINVALID.
 */
int cf_crd_schema_decode(const cf_crd_schema *s, cf_arena *a, cf_node *obj,
    enum cf_crd_schema_unknown_mode mode, cf_crd_strs *warnings);

#endif
