/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merge schemas: a type tree that says, for every path of an object, how
 * server-side apply and strategic merge patch treat it (structured-merge-diff
 * "types" plus the patchStrategy/patchMergeKey tags of k8s.io/api).
 *
 * Built-in kinds get hand-written trees covering the fields whose behaviour
 * differs from the default (spec/kubernetes-api.md §3.8); everything else
 * is "deduced": maps granular, lists atomic. Custom resources get a tree
 * built from a CRD version's openAPIV3Schema. No validation, pruning or
 * defaulting here (kube/crd.h does that); this module only describes.
 */
#ifndef CF_KUBE_SCHEMA_H
#define CF_KUBE_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"

enum cf_schema_kind {
	CF_SCHEMA_UNTYPED = 0, /* deduced from the value: map, list or scalar */
	CF_SCHEMA_SCALAR,
	CF_SCHEMA_MAP,  /* struct (declared fields) and/or map (elem) */
	CF_SCHEMA_LIST,
};

/* Element relationship (SSA): how a map or list is merged and owned. */
enum cf_schema_rel {
	CF_SCHEMA_GRANULAR = 0, /* maps: per key; lists: never (see ATOMIC) */
	CF_SCHEMA_ATOMIC,       /* one leaf, replaced wholesale */
	CF_SCHEMA_SET,          /* list of scalars, union by value */
	CF_SCHEMA_ASSOC,        /* list of maps keyed by keys[] */
};

enum cf_schema_flags {
	/* Keys not declared in fields[] are still struct fields (a built-in
	 * Go struct we did not spell out), so SSA does not own them as map
	 * entries ("."-nodes). */
	CF_SCHEMA_F_STRUCT = 1 << 0,
	/* The field exists in a Go zero value (a non-pointer struct, or a
	 * list without omitempty), so an Update that first fills it does not
	 * record it with ".". */
	CF_SCHEMA_F_ALWAYS = 1 << 1,
};

/* SMP patchStrategy of the field whose type this is (flags). 0 = the
 * default: maps merge, lists are replaced. */
enum cf_smp_strategy {
	CF_SMP_MERGE = 1 << 0,
	CF_SMP_RETAIN_KEYS = 1 << 1,
	CF_SMP_REPLACE = 1 << 2,
};

typedef struct cf_schema cf_schema;

typedef struct cf_schema_field {
	const char *name;
	cf_schema *type;
} cf_schema_field;

/* Plain data, built once and then only read. */
struct cf_schema {
	uint8_t kind;    /* enum cf_schema_kind */
	uint8_t rel;     /* enum cf_schema_rel */
	uint8_t flags;   /* enum cf_schema_flags */
	uint8_t smp;     /* enum cf_smp_strategy */
	const char *smp_key; /* patchMergeKey, or NULL */
	cf_schema_field *fields;
	uint32_t nfields, afields;
	cf_schema *elem;  /* list items or map values; NULL = deduced */
	const char **keys; /* ASSOC key field names */
	const cf_node **key_defaults; /* per key: default value or NULL */
	uint32_t nkeys;
};

/*
 * The schema for a built-in kind (group "" for core). Kinds without
 * special fields (ConfigMap, Secret, Namespace ...) get the generic object
 * schema (metadata rules only). Never NULL; process lifetime; thread-safe.
 */
const cf_schema *cf_schema_builtin(const char *group, const char *kind);

/* True if group/kind has a hand-written tree (not the generic one). */
bool cf_schema_builtin_known(const char *group, const char *kind);

/* The fully deduced type: maps granular (keys are map entries), lists
 * atomic. Static. */
const cf_schema *cf_schema_deduced(void);

/*
 * Build the schema of a custom resource version from its openAPIV3Schema
 * node (properties, additionalProperties, items, x-kubernetes-list-type,
 * x-kubernetes-list-map-keys, x-kubernetes-map-type,
 * x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string). The
 * standard metadata rules replace whatever the schema says about metadata.
 * *out is allocated from a. Returns 0, or CF_EINVALID naming the path
 * (".spec.items: x-kubernetes-list-type map needs x-kubernetes-list-map-keys").
 */
int cf_schema_from_openapi(const cf_schema **out, cf_arena *a,
    const cf_node *openapi);

/*
 * The same for version `version` of a CustomResourceDefinition object:
 * spec.versions[name=version].schema.openAPIV3Schema. A version without a
 * schema gets a fully deduced one. Returns 0, CF_ENOTFOUND ("version 'v9'
 * not found in CustomResourceDefinition 'x.example.com'"), or the errors
 * of cf_schema_from_openapi prefixed with the version.
 */
int cf_schema_from_crd(const cf_schema **out, cf_arena *a, const cf_node *crd,
    const char *version);

/* Queries used by the merge code. */

/*
 * The type of key in map/struct type s, given the value v that key holds
 * (for untyped s). *declared says whether the key is a struct field (true)
 * or a map entry (false). Never NULL.
 */
const cf_schema *cf_schema_child(const cf_schema *s, const char *key,
    bool *declared);

/* The item type of list type s. Never NULL. */
const cf_schema *cf_schema_item(const cf_schema *s);

/* The effective kind of s for value v: UNTYPED resolves from v's type. */
enum cf_schema_kind cf_schema_kind_of(const cf_schema *s, const cf_node *v);

/* The effective relationship for value v (untyped lists are atomic). */
enum cf_schema_rel cf_schema_rel_of(const cf_schema *s, const cf_node *v);

#endif
