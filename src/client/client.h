/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Kubernetes REST client every controller and the CLI use (client-go's
 * dynamic client): kind -> resource mapping backed by the built-in scheme
 * and discovery, get/list/create/update/patch/apply/delete on JSON
 * objects, metav1.Status answers turned into CF_E* codes with the
 * server's message, a QPS/burst limiter and retries. Watches are in
 * watch.h; informer caches and work queues are built on top, elsewhere.
 *
 * Objects are cf_node trees; results are allocated from the caller's
 * arena. A cf_client is thread-safe: one per process is the intent.
 */
#ifndef CF_CLIENT_CLIENT_H
#define CF_CLIENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/kubeconfig.h"
#include "core/arena.h"
#include "core/node.h"

typedef struct cf_client cf_client;

#define CF_CLIENT_MAX_OBJECT (3u << 20) /* one object, a Status */
#define CF_CLIENT_MAX_LIST (64u << 20)  /* one list page */

/* Zero means default for every field. */
typedef struct cf_client_opts {
	double qps;           /* 0 = 50; < 0 = no client-side limit */
	int burst;            /* 0 = 300 */
	int max_retries;      /* 0 = 5; < 0 = never retry */
	int64_t backoff_base_ms; /* 0 = 200 ms */
	int64_t backoff_max_ms;  /* 0 = 10 s; also caps Retry-After */
	long timeout_ms;      /* per request; 0 = 60 s */
	const char *user_agent; /* NULL = "cflux/<version>" */
	/* Act as this user (Impersonate-User), e.g. a Kustomization's
	 * "system:serviceaccount:<ns>:<name>", with these groups
	 * (NULL-terminated; one Impersonate-Group header each). */
	const char *impersonate_user;
	const char *const *impersonate_groups;
} cf_client_opts;

/* A client for cfg (copied). Owned: cf_client_free(). Returns 0,
 * CF_EINVALID for an impersonation name holding control characters, or
 * CF_ERROR when the HTTP session cannot be set up. */
int cf_client_new(cf_client **out, const cf_rest_config *cfg,
    const cf_client_opts *opts);
void cf_client_free(cf_client *c);

/* The configuration's namespace (used when an object names none). */
const char *cf_client_namespace(const cf_client *c);

/* The resource behind a kind. Strings are borrowed from the client (or
 * static) and live until cf_client_free. group "" is core. */
typedef struct cf_client_mapping {
	const char *group, *version, *kind, *plural;
	bool namespaced;
} cf_client_mapping;

/*
 * Map apiVersion ("apps/v1", "v1") and kind to a resource: the built-in
 * scheme first, then GET /apis/G/V (cached; fetched again once when a kind
 * is missing, so new CRDs are found). CF_ENOTFOUND "no matches for kind
 * \"K\" in version \"G/V\"" when the server does not serve it.
 */
int cf_client_mapping_for(cf_client_mapping *out, cf_client *c,
    const char *api_version, const char *kind);

/* ---- requests ---- */

/*
 * The CF_E* code for an HTTP error answer: from the Status body's reason
 * (NotFound, AlreadyExists, Conflict, Invalid, BadRequest, Forbidden,
 * Unauthorized, Expired, Gone, Timeout, RequestEntityTooLarge ...), else
 * from the status code. Sets the error message to the server's message
 * (or a short description when the body is not a Status) and returns the
 * code: CF_ENOTFOUND, CF_EEXISTS, CF_ECONFLICT, CF_EINVALID,
 * CF_EFORBIDDEN, CF_EGONE, CF_ETIMEOUT, CF_ETOOLARGE or CF_ERROR.
 */
int cf_client_status_error(long http_status, const char *body, size_t len);

/*
 * One request to path ("/api/v1/namespaces", query included) with
 * retries: 429 for every verb (nothing was done), 5xx and connection
 * errors (not timeouts or TLS failures) for GET, HEAD, PUT, DELETE and
 * apply patches, and connection refusals for every verb. Waits follow
 * Retry-After when sent, else exponential backoff with jitter. A 401
 * with a token file re-reads the file and retries once. A 2xx JSON body
 * is parsed into *out (out may be NULL); its size is capped at cap (0 =
 * CF_CLIENT_MAX_OBJECT). The server's Warning headers are logged.
 * Errors as cf_client_status_error, or the transport's.
 */
int cf_client_do(cf_node **out, cf_arena *a, cf_client *c, const char *method,
    const char *path, const char *content_type, const char *body,
    size_t len, size_t cap);

/*
 * Get one object. ns is ignored for cluster-scoped kinds and defaults to
 * cf_client_namespace() for namespaced ones. CF_ENOTFOUND when absent;
 * CF_EINVALID for a name or namespace that cannot be a path segment.
 */
int cf_client_get(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name);

typedef struct cf_list_opts {
	const char *label_selector;
	const char *field_selector;
	const char *resource_version; /* NULL/"" = latest; "0" = any */
	int64_t limit;                /* page size; 0 = 500 */
	bool one_page;                /* return one page, keep continue */
	const char *continue_token;   /* with one_page: where to go on */
} cf_list_opts;

/*
 * List objects (ns NULL or "" = all namespaces). Unless one_page, every
 * page is fetched and the items are joined into one List whose
 * metadata.resourceVersion is the first page's; an expired continue token
 * restarts the list without paging, as client-go's pager does. Items get
 * apiVersion and kind filled in. Each page is capped at
 * CF_CLIENT_MAX_LIST.
 */
int cf_client_list(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const cf_list_opts *opts);

/* Options of writes; zero means the server's defaults. */
typedef struct cf_write_opts {
	const char *field_manager; /* required for apply */
	bool force;                /* apply: take conflicting fields */
	bool dry_run;              /* dryRun=All */
	const char *subresource;   /* "status", "scale"; NULL = the object */
	const char *field_validation; /* "Strict", "Warn", "Ignore" */
} cf_write_opts;

/* POST obj (apiVersion, kind, metadata.name or generateName; the
 * namespace from metadata.namespace or the default). CF_EEXISTS when the
 * name is taken, CF_EINVALID when the server refuses it. */
int cf_client_create(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts);

/* PUT obj (or its subresource). CF_ECONFLICT when metadata.resourceVersion
 * is stale. */
int cf_client_update(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts);
/* PUT obj's status subresource. */
int cf_client_update_status(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts);

enum cf_patch_type {
	CF_PATCH_MERGE = 0,  /* application/merge-patch+json */
	CF_PATCH_JSON,       /* application/json-patch+json */
	CF_PATCH_STRATEGIC,  /* application/strategic-merge-patch+json */
	CF_PATCH_APPLY,      /* application/apply-patch+yaml (SSA) */
};

/* PATCH with a body of the given type. Apply needs opts->field_manager
 * (CF_EINVALID without one); force is only sent for apply. */
int cf_client_patch(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name, enum cf_patch_type type, const char *patch,
    size_t len, const cf_write_opts *opts);

/* Server-side apply obj as JSON (its own apiVersion/kind/metadata give the
 * target). A 409 apply conflict is CF_ECONFLICT with the server's
 * "Apply failed with N conflicts: ..." message. */
int cf_client_apply(cf_node **out, cf_arena *a, cf_client *c,
    const cf_node *obj, const cf_write_opts *opts);

enum cf_delete_propagation {
	CF_DELETE_DEFAULT = 0, /* the server's choice for the kind */
	CF_DELETE_BACKGROUND,
	CF_DELETE_FOREGROUND,
	CF_DELETE_ORPHAN,
};

typedef struct cf_delete_opts {
	enum cf_delete_propagation propagation;
	int64_t grace_period_seconds; /* with has_grace_period */
	bool has_grace_period;
	const char *precondition_uid; /* 409 when the object differs */
	const char *precondition_rv;
	bool dry_run;
} cf_delete_opts;

/* DELETE one object. *out (out may be NULL) is the server's answer: a
 * Status, the deleted object, or the object still being finalized.
 * CF_ENOTFOUND when it was already gone, CF_ECONFLICT when a
 * precondition failed. */
int cf_client_delete(cf_node **out, cf_arena *a, cf_client *c,
    const char *api_version, const char *kind, const char *ns,
    const char *name, const cf_delete_opts *opts);

/*
 * client-go's RetryOnConflict: call fn until it returns anything but
 * CF_ECONFLICT, at most 5 times, 10 ms apart (with jitter). fn should
 * re-read the object, change it and update it. Returns fn's last result.
 */
int cf_client_retry_on_conflict(int (*fn)(void *payload), void *payload);

#endif
