/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Validation helpers shared by every kind: Kubernetes' field-error lists
 * (field.ErrorList) and the object-name, label and annotation rules with
 * the exact messages kube-apiserver 1.32 prints. Kind-specific validation
 * (Deployment specs, CRD schemas) lives elsewhere and reports through the
 * same cf_field_errs so one Status (status.h) can carry it.
 */
#ifndef CF_KUBE_VALIDATE_H
#define CF_KUBE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"

/* field.ErrorType; the cause reason and the text come from the type. */
enum cf_field_err_type {
	CF_FIELD_NOT_FOUND = 0, /* FieldValueNotFound, "Not found" */
	CF_FIELD_REQUIRED,      /* FieldValueRequired, "Required value" */
	CF_FIELD_DUPLICATE,     /* FieldValueDuplicate, "Duplicate value" */
	CF_FIELD_INVALID,       /* FieldValueInvalid, "Invalid value" */
	CF_FIELD_NOT_SUPPORTED, /* FieldValueNotSupported, "Unsupported value" */
	CF_FIELD_FORBIDDEN,     /* FieldValueForbidden, "Forbidden" */
	CF_FIELD_TOO_LONG,      /* FieldValueTooLong, "Too long" */
	CF_FIELD_TOO_MANY,      /* FieldValueTooMany, "Too many" */
	CF_FIELD_INTERNAL,      /* InternalError, "Internal error" */
	CF_FIELD_TYPE_INVALID,  /* FieldValueTypeInvalid, "Invalid value" */
};

/* One field error. value is the bad value already rendered the way Go's
 * %v/%q would print it ("\"a b\"", "5", "true"), or NULL to leave it out
 * of the message. All strings live in the list's arena. */
typedef struct cf_field_err {
	enum cf_field_err_type type;
	const char *field;  /* "metadata.name", "data[a b]" */
	const char *value;
	const char *detail; /* may be NULL */
} cf_field_err;

/* A growable list; CF_FIELD_ERRS_INIT is empty. Storage comes from the
 * arena passed to cf_field_errs_add, so there is nothing to release. */
typedef struct cf_field_errs {
	cf_field_err *items;
	size_t len, alloc;
} cf_field_errs;
#define CF_FIELD_ERRS_INIT { 0 }

/* Append an error; field, value and detail are copied into a. value is
 * taken verbatim (see cf_field_errs_add_str for a Go-quoted string). */
void cf_field_errs_add(cf_arena *a, cf_field_errs *l,
    enum cf_field_err_type type, const char *field, const char *value,
    const char *detail);
/* Same with a string bad value, quoted like Go's %q. */
void cf_field_errs_add_str(cf_arena *a, cf_field_errs *l,
    enum cf_field_err_type type, const char *field, const char *value,
    const char *detail);

const char *cf_field_err_type_text(enum cf_field_err_type t);
const char *cf_field_err_reason(enum cf_field_err_type t);
/* ErrorBody(): "Invalid value: \"a b\": detail" (arena string). */
char *cf_field_err_body(cf_arena *a, const cf_field_err *e);
/* Error(): "<field>: <body>". */
char *cf_field_err_string(cf_arena *a, const cf_field_err *e);
/* ToAggregate().Error(): one message as is, several as "[m1, m2]" with
 * repeats dropped; "" for an empty list. */
char *cf_field_errs_string(cf_arena *a, const cf_field_errs *l);

/* Go's strconv.Quote of s (arena string). */
char *cf_go_quote(cf_arena *a, const char *s);

/* ---- name, label and annotation rules ---- */

/* How a kind's metadata.name is checked (apimachinery's name functions). */
enum cf_name_rule {
	CF_NAME_DNS1123_SUBDOMAIN = 0, /* most kinds, <= 253 */
	CF_NAME_DNS1123_LABEL,         /* namespaces, <= 63 */
	CF_NAME_DNS1035_LABEL,         /* services: starts with a letter */
	CF_NAME_PATH_SEGMENT,          /* RBAC kinds: not . or .., no / or % */
	CF_NAME_NONE,                  /* review kinds: anything goes */
};

#define CF_VALIDATE_MAX_MSGS 4
#define CF_ANNOTATIONS_MAX_BYTES (256 * 1024)
#define CF_GENERATE_SUFFIX_LEN 5
#define CF_GENERATE_BASE_MAX (63 - CF_GENERATE_SUFFIX_LEN)

/*
 * The IsX() checks: fill msgs with the problems found (static or arena
 * strings, Kubernetes' exact wording) and return how many (0 = valid, at
 * most CF_VALIDATE_MAX_MSGS).
 */
size_t cf_validate_dns1123_label(cf_arena *a, const char *s, const char **msgs);
size_t cf_validate_dns1123_subdomain(cf_arena *a, const char *s,
    const char **msgs);
size_t cf_validate_dns1035_label(cf_arena *a, const char *s, const char **msgs);
size_t cf_validate_path_segment(cf_arena *a, const char *s, const char **msgs);
/* A label (or annotation) key: [prefix/]name. */
size_t cf_validate_qualified_name(cf_arena *a, const char *s,
    const char **msgs);
size_t cf_validate_label_value(cf_arena *a, const char *s, const char **msgs);
/* A name under rule; with prefix (a generateName) one trailing '-' is
 * ignored, as Kubernetes does. */
size_t cf_validate_name(cf_arena *a, enum cf_name_rule rule, const char *s,
    bool prefix, const char **msgs);

/*
 * ValidateObjectMeta for a create or update: metadata.generateName and
 * name under rule, metadata.namespace (required when namespaced, Forbidden
 * otherwise), generation >= 0, labels, annotations (keys and the 256 KiB
 * total), ownerReferences and finalizers (managedFields are left to the
 * apply code). Errors
 * are appended to errs; returns the number added.
 */
size_t cf_validate_object_meta(cf_arena *a, cf_field_errs *errs,
    const cf_node *obj, enum cf_name_rule rule, bool namespaced);
/* Only the labels map / annotations map at path (e.g. "metadata.labels");
 * a non-map value is reported as invalid. */
size_t cf_validate_labels(cf_arena *a, cf_field_errs *errs,
    const cf_node *labels, const char *path);
size_t cf_validate_annotations(cf_arena *a, cf_field_errs *errs,
    const cf_node *annotations, const char *path);

/* metadata.finalizers: each a qualified name, and not both "orphan" and
 * "foregroundDeletion". */
size_t cf_validate_finalizers(cf_arena *a, cf_field_errs *errs,
    const cf_node *finalizers, const char *path);
/* metadata.ownerReferences: apiVersion with a version, kind, name and uid
 * set; at most one with controller: true. (Go prints the whole list as
 * the bad value of the controller error; we leave the value out.) */
size_t cf_validate_owner_refs(cf_arena *a, cf_field_errs *errs,
    const cf_node *refs, const char *path);

/*
 * The name the server gives a generateName object: base cut to 58 bytes
 * plus 5 characters from "bcdfghjklmnpqrstvwxz2456789". _from takes the
 * five random bytes (for tests); the plain form reads them from the
 * kernel. Arena strings; never fail.
 */
char *cf_name_generate(cf_arena *a, const char *base);
char *cf_name_generate_from(cf_arena *a, const char *base,
    const uint8_t rnd[CF_GENERATE_SUFFIX_LEN]);

#endif
