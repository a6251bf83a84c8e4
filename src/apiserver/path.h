/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Request-path parsing: turns a URL path into Kubernetes request
 * attributes (group, version, resource, subresource, namespace, name) the
 * way kube-apiserver's RequestInfo does, or marks it a non-resource path
 * (/version, /apis, /openapi/v3, /healthz ...). Pure string work, no I/O.
 */
#ifndef CF_APISERVER_PATH_H
#define CF_APISERVER_PATH_H

#include <stdbool.h>

#include "core/arena.h"

enum cf_api_verb {
	CF_API_GET = 0,
	CF_API_LIST,
	CF_API_WATCH,
	CF_API_CREATE,
	CF_API_UPDATE,
	CF_API_PATCH,
	CF_API_DELETE,
	CF_API_DELETECOLLECTION,
	CF_API_NONRESOURCE, /* not a resource request */
};

typedef struct cf_api_path {
	bool resource_request;
	bool legacy;         /* /api (core group) rather than /apis */
	const char *group;   /* "" for core */
	const char *version; /* NULL for /api, /apis, /apis/G */
	const char *resource;    /* plural, NULL for discovery paths */
	const char *subresource; /* NULL if none */
	const char *namespace;   /* NULL if not namespaced in the URL */
	const char *name;        /* NULL for collections */
} cf_api_path;

/* Parse a decoded URL path (no query). Strings point into a. Returns 0,
 * or CF_ENOTFOUND for paths that can never name anything (the server then
 * answers 404 with the generic message). */
int cf_api_path_parse(cf_api_path *out, cf_arena *a, const char *path);

/* The verb from the HTTP method and the parsed path; watch is "watch=true"
 * or "watch=1" in the query. */
enum cf_api_verb cf_api_verb_of(const char *method, const cf_api_path *p,
    bool watch_param);

/* The RBAC name of a verb ("get", "list", ...). */
const char *cf_api_verb_name(enum cf_api_verb v);

#endif
