/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RBAC authorization (rbac.authorization.k8s.io/v1) over an in-memory index
 * of Roles, ClusterRoles, RoleBindings and ClusterRoleBindings that the API
 * server keeps current as those objects change. Evaluates request
 * attributes the way kube-apiserver's RBAC authorizer does (allow-only, no
 * deny), builds its exact 403 messages, answers access and rules reviews,
 * resolves ClusterRole aggregation, checks RBAC writes for privilege
 * escalation and supplies the bootstrap policy.
 *
 * Not here: the HTTP layer, storage, authentication (authn.h). The index
 * is not thread-safe: callers lock.
 */
#ifndef CF_KUBE_RBAC_H
#define CF_KUBE_RBAC_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

typedef struct cf_rbac cf_rbac;

enum cf_rbac_kind {
	CF_RBAC_ROLE = 0,
	CF_RBAC_CLUSTER_ROLE,
	CF_RBAC_ROLE_BINDING,
	CF_RBAC_CLUSTER_ROLE_BINDING,
};

/* An authenticated identity. Plain data, borrowed by every call. */
typedef struct cf_user_info {
	const char *name;
	const char *uid;            /* may be NULL */
	const char *const *groups;
	size_t ngroups;
} cf_user_info;

/* What a request wants to do (§7.1). Strings may be NULL for "". */
typedef struct cf_authz_attrs {
	const cf_user_info *user;
	const char *verb;
	bool resource_request; /* false: a non-resource URL (path) */
	const char *api_group;
	const char *api_version;
	const char *resource;
	const char *subresource;
	const char *namespace;
	const char *name;
	const char *path;
} cf_authz_attrs;

/* Lifecycle: an empty index (nothing allowed until objects arrive). */
cf_rbac *cf_rbac_new(void);
void cf_rbac_free(cf_rbac *r);

/* "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding" → kind;
 * -1 for anything else. */
int cf_rbac_kind_from_name(const char *kind);

/*
 * Insert or replace obj (a full object of that kind; copied, the caller
 * keeps its own). Returns 0, or CF_EINVALID when metadata.name (or the
 * namespace of a namespaced kind, or a binding's roleRef) is missing.
 */
int cf_rbac_upsert(cf_rbac *r, enum cf_rbac_kind kind, const cf_node *obj);

/* Forget an object; ns is ignored for cluster-scoped kinds. Returns 0 or
 * CF_ENOTFOUND. */
int cf_rbac_remove(cf_rbac *r, enum cf_rbac_kind kind, const char *ns,
    const char *name);

/*
 * Decide a request. Returns true if the user is in system:masters (as
 * kube-apiserver's privileged-groups authorizer ahead of RBAC; no reason
 * then) or some rule bound to the user allows it.
 * When reason is non-NULL it receives what kube-apiserver reports: on
 * allow "RBAC: allowed by ClusterRoleBinding \"b\" of ClusterRole \"r\" to
 * User \"u\"", on deny "" or "RBAC: <missing role errors>".
 */
bool cf_rbac_authorize(const cf_rbac *r, const cf_authz_attrs *at,
    cf_buf *reason);

/*
 * Append the message of the 403 Forbidden Status for a denied request,
 * e.g. `configmaps "x" is forbidden: User "u" cannot get resource
 * "configmaps" in API group "" in the namespace "ns"`; reason (may be NULL
 * or "") is appended after ": " as kube-apiserver does.
 */
void cf_rbac_forbidden_message(cf_buf *out, const cf_authz_attrs *at,
    const char *reason);

/*
 * Escalation prevention for a create (create true) or update of obj
 * (kind as given) by u, as kube-apiserver's RBAC storage does it. Roles: allowed when u is in
 * system:masters, may "escalate" roles/clusterroles (checked without a
 * name on create, as the request has none), or already holds
 * every rule of obj (in its namespace; a ClusterRole with an
 * aggregationRule needs full authority). Bindings: allowed when u is in
 * system:masters, may "bind" the referenced role, or holds all its rules
 * where the binding applies. Returns 0; CF_EFORBIDDEN with the message
 * `<resource> "<name>" is forbidden: user "u" (groups=[...]) is attempting
 * to grant RBAC permissions not currently held:\n{...}`; CF_ENOTFOUND when
 * a binding's role does not exist (and u may not "bind" it); CF_EINVALID
 * for an object without name or roleRef.
 */
int cf_rbac_check_escalation(const cf_rbac *r, const cf_user_info *u,
    enum cf_rbac_kind kind, const cf_node *obj, bool create);

/*
 * Evaluate a SelfSubjectAccessReview, SubjectAccessReview or
 * LocalSubjectAccessReview body. *out (allocated in a) is a copy of review
 * with status {allowed, denied (omitted when false), reason} set.
 * SelfSubjectAccessReview is evaluated for caller; the others for
 * spec.user/groups/uid. url_namespace is the namespace in the URL of a
 * LocalSubjectAccessReview (else NULL). Returns 0 or CF_EINVALID with the
 * API server's message for a malformed spec.
 */
int cf_rbac_review_access(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *review, const cf_user_info *caller,
    const char *url_namespace);

/*
 * Evaluate a SelfSubjectRulesReview for caller: *out is a copy of review
 * with status {resourceRules, nonResourceRules, incomplete,
 * evaluationError} for spec.namespace: the rules of ClusterRoleBindings
 * and of that namespace's RoleBindings. Returns 0, or CF_EINVALID ("no
 * namespace on request", kube-apiserver's 400) without spec.namespace.
 */
int cf_rbac_review_rules(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *review, const cf_user_info *caller);

/*
 * The rules a ClusterRole has once aggregated: for a role with
 * aggregationRule, the de-duplicated union of the rules of every
 * ClusterRole in the index matching its selectors (transitively, as the
 * aggregation controller converges to); otherwise its own rules. *out is
 * a sequence allocated in a. Returns 0 or CF_EINVALID for a bad selector.
 * The server stores the result in the object, as Kubernetes' controller
 * does, so clients see the aggregated rules.
 */
int cf_rbac_aggregate_rules(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *cluster_role);

/*
 * The bootstrap policy kube-apiserver creates at first start, as a
 * sequence of ClusterRole and ClusterRoleBinding objects allocated in a:
 * cluster-admin, admin, edit, view (aggregated through the
 * system:aggregate-to-* roles), system:discovery, system:basic-user,
 * system:public-info-viewer and their bindings to system:authenticated /
 * system:unauthenticated, and cluster-admin bound to system:masters.
 * Aggregated roles carry "rules": null; run cf_rbac_aggregate_rules once
 * all are loaded.
 */
cf_node *cf_rbac_bootstrap_policy(cf_arena *a);

#endif
