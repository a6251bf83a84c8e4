/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The OpenAPI v3 documents kubectl reads (/openapi/v3 and one document per
 * group-version): enough for its fieldValidation check before apply and
 * create, and for `kubectl explain` on kinds that come with a schema
 * (CRD versions). Built as cf_node trees from plain descriptions of the
 * served kinds, so the API server can feed it from its registry; writing
 * the JSON and serving it is the server's job.
 *
 * Not here: schemas for built-in kinds (kubectl falls back to its compiled
 * types), OpenAPI v2, and the protobuf form.
 */
#ifndef CF_KUBE_OPENAPI_H
#define CF_KUBE_OPENAPI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"

/* One served kind of one group-version. Strings are borrowed. */
typedef struct cf_openapi_kind {
	const char *group;      /* "" for the core group */
	const char *version;    /* "v1" */
	const char *kind;       /* "ConfigMap" */
	const char *plural;     /* "configmaps" */
	bool namespaced;
	const cf_node *schema;  /* openAPIV3Schema of a CRD version, or NULL */
	const char *const *subresources; /* NULL-terminated: "status", "scale" */
	bool custom;            /* a CRD's: no strategic merge patch */
} cf_openapi_kind;

/*
 * One entry per served version of a CRD object into out[0..max): group,
 * served version, kind, plural, scope, the version's openAPIV3Schema and
 * its subresources. Strings and the schema are borrowed from crd. Returns
 * the number of entries written.
 */
size_t cf_openapi_kinds_from_crd(cf_openapi_kind *out, size_t max,
    const cf_node *crd);

/* The document key of a group-version: "api/v1" or "apis/<group>/<ver>".
 * Allocated from a. */
const char *cf_openapi_gv_path(cf_arena *a, const char *group,
    const char *version);

/* The components.schemas name of a kind: "io.k8s.api.core.v1.ConfigMap"
 * for the core group, the reversed group otherwise
 * ("io.fluxcd.toolkit.source.v1.GitRepository"). Allocated from a. */
const char *cf_openapi_schema_name(cf_arena *a, const char *group,
    const char *version, const char *kind);

/*
 * The document of one group-version, built from the kinds in kinds[0..n)
 * that belong to it (others are skipped): for each kind the collection and
 * item paths (namespaced kinds under namespaces/{namespace}) with get,
 * list, create, replace, delete and patch operations; patch and create
 * carry x-kubernetes-group-version-kind and the dryRun, fieldManager,
 * fieldValidation (and, for patch, force) query parameters. Kinds with a
 * schema get a components.schemas entry tagged with
 * x-kubernetes-group-version-kind, with apiVersion, kind and metadata
 * described as kube-apiserver describes them. Allocated from a.
 */
cf_node *cf_openapi_gv_doc(cf_arena *a, const char *group,
    const char *version, const cf_openapi_kind *kinds, size_t n);

/* A content hash of a document: 32 uppercase hex digits, different
 * whenever the document's JSON value differs (map order ignored).
 * Not cryptographic; it only keys kubectl's per-URL cache. */
void cf_openapi_hash(char out[33], const cf_node *doc);

/*
 * The root document, {"paths": {"api/v1": {"serverRelativeURL":
 * "/openapi/v3/api/v1?hash=H"}, …}}, with one entry per distinct
 * group-version of kinds[0..n) in first-seen order and H the hash of that
 * group-version's document (cf_openapi_gv_doc). Allocated from a.
 */
cf_node *cf_openapi_root(cf_arena *a, const cf_openapi_kind *kinds,
    size_t n);

#endif
