/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The resource scheme: one descriptor per served resource (group,
 * version, kind, plural, scope, verbs, short names, categories,
 * subresources and the per-kind semantics the server needs: generation,
 * delete response, default propagation, extra field selectors, name rule).
 * The built-in table mirrors kube-apiserver 1.32's discovery; a cf_scheme
 * adds the resources CRDs define at run time. Serving, storing and
 * discovery documents are other modules' business.
 */
#ifndef CF_KUBE_SCHEME_H
#define CF_KUBE_SCHEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kube/validate.h"

/* Verbs as discovery lists them; the bit order is discovery's order. */
enum cf_verb {
	CF_VERB_CREATE = 1 << 0,
	CF_VERB_DELETE = 1 << 1,
	CF_VERB_DELETECOLLECTION = 1 << 2,
	CF_VERB_GET = 1 << 3,
	CF_VERB_LIST = 1 << 4,
	CF_VERB_PATCH = 1 << 5,
	CF_VERB_UPDATE = 1 << 6,
	CF_VERB_WATCH = 1 << 7,
};
#define CF_VERB_COUNT 8
#define CF_VERBS_ALL 0xffu /* create ... watch */
#define CF_VERBS_NO_DC (CF_VERBS_ALL & ~(unsigned)CF_VERB_DELETECOLLECTION)
#define CF_VERBS_SUB (CF_VERB_GET | CF_VERB_PATCH | CF_VERB_UPDATE)

/* "create" ... "watch" for bit i (0..CF_VERB_COUNT-1); NULL past it. */
const char *cf_verb_name(unsigned bit_index);
/* The bit for a verb name, or 0 if unknown. */
unsigned cf_verb_parse(const char *name);

enum cf_propagation {
	CF_PROPAGATE_BACKGROUND = 0,
	CF_PROPAGATE_FOREGROUND,
	CF_PROPAGATE_ORPHAN,
};

enum cf_resource_flags {
	CF_RES_GENERATION = 1 << 0,     /* metadata.generation tracked (§2.2) */
	CF_RES_DELETE_RETURNS_OBJ = 1 << 1, /* DELETE answers with the object */
	CF_RES_NO_NS_FIELD = 1 << 2,    /* fieldSelector metadata.namespace
	                                 * is refused (namespaces) */
	CF_RES_CUSTOM = 1 << 3,         /* defined by a CRD */
	CF_RES_NOT_STORED = 1 << 4,     /* create-only reviews: answered,
	                                 * never stored */
};

/* A field selector label beyond metadata.name/namespace: label, the dot
 * path of the value in the object, and the value when the field is
 * absent (Go prints zero values: "false", "0" or ""). */
typedef struct cf_field_label {
	const char *label;
	const char *path;
	const char *dflt;
} cf_field_label;

typedef struct cf_subresource_def {
	const char *name;    /* "status", "scale", "token", "finalize" */
	const char *group;   /* response kind's group; NULL = parent's */
	const char *version; /* NULL = parent's */
	const char *kind;    /* "Scale", "TokenRequest"; NULL = parent's */
	unsigned verbs;
} cf_subresource_def;

/* Plain data. Strings of built-ins are static; those of added entries are
 * owned by the scheme. Arrays of strings end with NULL. */
typedef struct cf_resource_def {
	const char *group; /* "" for core */
	const char *version;
	const char *kind;
	const char *list_kind;
	const char *plural;
	const char *singular;
	bool namespaced;
	unsigned verbs; /* enum cf_verb bits */
	const char *const *short_names;
	const char *const *categories;
	unsigned flags; /* enum cf_resource_flags */
	enum cf_propagation propagation;
	enum cf_name_rule name_rule;
	const cf_field_label *fields;
	size_t nfields;
	const cf_subresource_def *subresources;
	size_t nsubresources;
} cf_resource_def;

/* The static built-in table (kube-apiserver 1.32, preferred order:
 * core first, then groups in /apis order); *n gets its length. */
const cf_resource_def *cf_scheme_builtins(size_t *n);

/* "apps/v1", or "v1" for core (arena string). */
const char *cf_resource_api_version(cf_arena *a, const cf_resource_def *r);
/* The subresource by name, or NULL. */
const cf_subresource_def *cf_resource_subresource(const cf_resource_def *r,
    const char *name);
/* The extra field label, or NULL (metadata.* are not listed). */
const cf_field_label *cf_resource_field(const cf_resource_def *r,
    const char *label);
/* Whether a verb bit is allowed on the resource. */
static inline bool cf_resource_allows(const cf_resource_def *r, unsigned verb)
{
	return r && (r->verbs & verb) != 0;
}

/* ---- the registry: built-ins + CRD entries ---- */

typedef struct cf_scheme cf_scheme;

/* A registry holding the built-ins. Owned: cf_scheme_free(). Thread-safe:
 * lookups take a read lock, add/remove a write lock. */
cf_scheme *cf_scheme_new(void);
void cf_scheme_free(cf_scheme *s);

/*
 * Lookups. The result is borrowed and stays valid until cf_scheme_free,
 * even if the entry is removed or replaced meanwhile (old entries are
 * retired, not freed), so a request may keep using what it looked up.
 * group "" is core. NULL when nothing matches.
 */
const cf_resource_def *cf_scheme_by_resource(cf_scheme *s, const char *group,
    const char *version, const char *plural);
const cf_resource_def *cf_scheme_by_gvk(cf_scheme *s, const char *group,
    const char *version, const char *kind);
/* Any version of (group, kind): the first one registered (built-ins list
 * the preferred version first). */
const cf_resource_def *cf_scheme_by_kind(cf_scheme *s, const char *group,
    const char *kind);
/*
 * What kubectl accepts as a resource argument: plural, singular, short
 * name or Kind (case-insensitive), optionally followed by ".<group>" or
 * ".<version>.<group>" ("deploy", "deployments.apps",
 * "deployments.v1.apps"). Built-ins win over CRDs, core over groups.
 */
const cf_resource_def *cf_scheme_resolve(cf_scheme *s, const char *name);

/* Call fn for every entry in order (built-ins, then CRD entries in the
 * order added) under the read lock; fn must not call add/remove. A
 * non-zero return from fn stops the walk and is returned. */
int cf_scheme_each(cf_scheme *s,
    int (*fn)(const cf_resource_def *r, void *payload), void *payload);

/* Bumped by every add/remove: rebuild discovery documents when it moves. */
uint64_t cf_scheme_generation(cf_scheme *s);

/*
 * Add (or replace) a CRD-defined entry; every string and array of def is
 * copied and CF_RES_CUSTOM is set. Returns 0; CF_EEXISTS when (group,
 * version, plural) is a built-in; CF_EINVALID when group, version, kind
 * or plural is missing.
 */
int cf_scheme_add(cf_scheme *s, const cf_resource_def *def);
/* Remove a CRD entry. Returns 0, CF_ENOTFOUND, or CF_EINVALID for a
 * built-in. */
int cf_scheme_remove(cf_scheme *s, const char *group, const char *version,
    const char *plural);

#endif
