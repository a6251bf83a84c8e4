/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metav1.Status bodies: the constructors kube-apiserver uses for its error
 * answers (NotFound, AlreadyExists, Conflict, Invalid, ...) with their
 * exact messages, the success Status of a delete, and the writer that puts
 * the fields in the server's order (kind, apiVersion, metadata, status,
 * message, reason, details, code). Choosing which error to send is the
 * API server's business; this module only shapes it.
 */
#ifndef CF_KUBE_STATUS_H
#define CF_KUBE_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"
#include "kube/validate.h"

typedef struct cf_status_cause {
	const char *reason;  /* "FieldValueInvalid"; NULL/"" omitted */
	const char *message;
	const char *field;
} cf_status_cause;

/* Plain data; all strings borrowed (the constructors put them in their
 * arena). Empty or NULL strings and zero numbers are left out when
 * written, as Go's omitempty does; details only when has_details. */
typedef struct cf_status {
	const char *status; /* "Failure" or "Success" */
	const char *message;
	const char *reason;
	bool has_details;
	const char *name, *group, *kind, *uid; /* details */
	cf_status_cause *causes;
	size_t ncauses, causes_alloc;
	int64_t retry_after; /* details.retryAfterSeconds */
	int code;            /* HTTP status; 0 for a delete's success Status */
} cf_status;

/*
 * Constructors: each returns a Status allocated from a with every string
 * copied there. group may be NULL or "" for the core group; resource is
 * the plural ("configmaps"), kind the Kind ("ConfigMap").
 */
/* 404 `<resource>[.<group>] "name" not found`. */
cf_status *cf_status_not_found(cf_arena *a, const char *group,
    const char *resource, const char *name);
/* 404 "the server could not find the requested resource", details {}. */
cf_status *cf_status_no_route(cf_arena *a);
/* 409 AlreadyExists `<resource>[.<group>] "name" already exists`. */
cf_status *cf_status_already_exists(cf_arena *a, const char *group,
    const char *resource, const char *name);
/* 409 Conflict "Operation cannot be fulfilled on <gr> "name": <why>";
 * why NULL gives the resourceVersion text ("the object has been
 * modified; please apply your changes to the latest version and try
 * again"). */
cf_status *cf_status_conflict(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *why);
/* 409 Conflict with only a message and causes (server-side apply); add the
 * causes with cf_status_add_cause. */
cf_status *cf_status_apply_conflict(cf_arena *a, const char *message);
/* 422 Invalid `<Kind>[.<group>] "name" is invalid: <errors>`, one cause
 * per field error. */
cf_status *cf_status_invalid(cf_arena *a, const char *group, const char *kind,
    const char *name, const cf_field_errs *errs);
/* 403 `<gr> "name" is forbidden: <why>` (`<gr> is forbidden: <why>`
 * without a name, `forbidden: <why>` without a resource). */
cf_status *cf_status_forbidden(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *why);
/* 403 for a create in a namespace being deleted: Forbidden "unable to
 * create new content in namespace <ns> because it is being terminated",
 * with a NamespaceTerminating cause on metadata.namespace. */
cf_status *cf_status_namespace_terminating(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *ns);
/* 400 BadRequest with the message as given. */
cf_status *cf_status_bad_request(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 405 `<verb> is not supported on resources of kind "<gr>"`. */
cf_status *cf_status_method_not_allowed(cf_arena *a, const char *group,
    const char *resource, const char *verb);
/* 406 / 415 listing the accepted media types (n strings). */
cf_status *cf_status_not_acceptable(cf_arena *a, const char *const *types,
    size_t n);
cf_status *cf_status_unsupported_media_type(cf_arena *a,
    const char *const *types, size_t n);
/* 410 Expired (too old resource version, expired continue token). */
cf_status *cf_status_expired(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 410 Gone. */
cf_status *cf_status_gone(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 413 RequestEntityTooLarge "Request entity too large: <msg>". */
cf_status *cf_status_too_large(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 500 InternalError "Internal error occurred: <msg>", one cause. */
cf_status *cf_status_internal(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* 401 Unauthorized; msg NULL/"" gives "not authorized". */
cf_status *cf_status_unauthorized(cf_arena *a, const char *msg);
/* 504 Timeout "Timeout: <msg>"; 429 "Too many requests: <msg>". */
cf_status *cf_status_timeout(cf_arena *a, const char *msg,
    int64_t retry_after);
cf_status *cf_status_too_many_requests(cf_arena *a, const char *msg,
    int64_t retry_after);
/* The Status of an immediate DELETE: Success, details {name, group,
 * kind: resource, uid}, no code. */
cf_status *cf_status_deleted(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *uid);

/*
 * Map a library error code (with cf_error_msg() as the text where the
 * reason takes one) to a Status for the named object: CF_ENOTFOUND →
 * NotFound, CF_EEXISTS → AlreadyExists, CF_ECONFLICT → Conflict,
 * CF_EINVALID → BadRequest, CF_EFORBIDDEN → Forbidden, CF_ETIMEOUT →
 * Timeout, CF_ETOOLARGE → RequestEntityTooLarge, CF_EGONE → Expired,
 * anything else → InternalError.
 */
cf_status *cf_status_from_error(cf_arena *a, int err, const char *group,
    const char *resource, const char *name);

/* Append a cause (strings copied) and make details present. */
void cf_status_add_cause(cf_arena *a, cf_status *st, const char *reason,
    const char *message, const char *field);

/* Append st as compact JSON in the server's field order. Returns 0 or
 * CF_ETOOLARGE when a capped buffer is full. */
int cf_status_write(cf_buf *out, const cf_status *st);
/* The same document as a node tree (for writers that take nodes). */
cf_node *cf_status_to_node(cf_arena *a, const cf_status *st);

#endif
