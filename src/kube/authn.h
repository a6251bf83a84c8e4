/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Authentication for the embedded API server: the admin bearer token,
 * ServiceAccount tokens (JWTs minted through TokenRequest and checked on
 * every request), TokenReview, and impersonation (Impersonate-* headers,
 * each item authorized through RBAC with verb "impersonate").
 *
 * Signing keys are ES256 (P-256) or RS256 (RSA >= 2048) and kept by the
 * caller (PEM in the data directory); this module never touches files.
 * No token, key or signature ever appears in an error message.
 */
#ifndef CF_KUBE_AUTHN_H
#define CF_KUBE_AUTHN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"
#include "kube/rbac.h"

/* Longest bearer token considered (bigger ones are refused unread). */
#define CF_AUTHN_MAX_TOKEN 16384

typedef struct cf_authn_key cf_authn_key;

enum cf_authn_alg { CF_AUTHN_ES256 = 0, CF_AUTHN_RS256 };

/* Generate a fresh signing key (RSA: 2048 bits). Returns 0 or CF_ERROR. */
int cf_authn_key_generate(cf_authn_key **out, enum cf_authn_alg alg);
/* Load a private key from PEM (PKCS#8 or traditional). Returns 0, or
 * CF_EINVALID when it is unreadable, not P-256 / RSA, or RSA < 2048. */
int cf_authn_key_load_pem(cf_authn_key **out, const char *pem, size_t len);
/* Append the private key as PKCS#8 PEM (for the caller to save 0600). */
int cf_authn_key_to_pem(cf_buf *out, const cf_authn_key *k);
void cf_authn_key_free(cf_authn_key *k);
/* The "kid" header: base64url(SHA-256(DER public key)), as Kubernetes. */
const char *cf_authn_key_id(const cf_authn_key *k);

/*
 * Does ServiceAccount ns/name exist with that uid? Return 0 if so,
 * CF_ENOTFOUND if not (deleted, or re-created with another uid).
 */
typedef int (*cf_authn_sa_lookup_fn)(const char *ns, const char *name,
    const char *uid, void *payload);

/*
 * Find the Pod or Secret ns/name a token is bound to: copy its
 * metadata.uid into uid (uidlen bytes, NUL-terminated) and return 0, or
 * return CF_ENOTFOUND.
 */
typedef int (*cf_authn_object_lookup_fn)(const char *kind, const char *ns,
    const char *name, char *uid, size_t uidlen, void *payload);

/* Borrowed configuration; zero fields mean "off" or the default. */
typedef struct cf_authn_config {
	const char *admin_token;       /* NULL: no admin token */
	const char *admin_user;        /* default "cflux-admin" */
	const cf_authn_key *key;       /* NULL: no ServiceAccount tokens */
	/* iss; default "https://kubernetes.default.svc.cluster.local" */
	const char *issuer;
	const char *const *audiences;  /* API audiences; default { issuer } */
	size_t naudiences;
	cf_authn_sa_lookup_fn sa_lookup; /* NULL: skip the existence check */
	/* NULL: bound tokens can be neither minted nor accepted */
	cf_authn_object_lookup_fn object_lookup;
	void *payload;                 /* for both lookups */
	int64_t now;                   /* Unix seconds; 0: the clock */
} cf_authn_config;

/* An identity; strings and extra live in the arena given to the call. */
typedef struct cf_authn_identity {
	cf_user_info user;
	cf_node *extra; /* map: key -> [values], or NULL */
} cf_authn_identity;

/*
 * The service-account issuer discovery documents (for workload identity:
 * a cloud STS fetches them to verify our tokens). cf_authn_jwks: *out is
 * {"keys":[JWK]} for the public half of cfg->key (EC P-256 or RSA, with
 * use "sig", alg and kid). cf_authn_openid_config: *out is the
 * /.well-known/openid-configuration document for cfg's issuer, with
 * jwks_uri = jwks_uri. Both allocated in a; return 0, or CF_ERROR when
 * no key is configured or OpenSSL cannot export it.
 */
int cf_authn_jwks(cf_node **out, cf_arena *a, const cf_authn_config *cfg);
int cf_authn_openid_config(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const char *jwks_uri);

/* Constant-time comparison of two secrets (lengths may differ). */
bool cf_authn_secret_equal(const char *a, const char *b);

/*
 * Authenticate a bearer token (the text after "Bearer "): the admin token
 * gives admin_user in system:masters; a valid ServiceAccount JWT gives
 * system:serviceaccount:NS:NAME in system:serviceaccounts,
 * system:serviceaccounts:NS and system:authenticated. Returns 0, or
 * CF_EINVALID when the token is not valid (the server answers 401).
 */
int cf_authn_authenticate(cf_authn_identity *out, cf_arena *a,
    const cf_authn_config *cfg, const char *token);

/*
 * Mint a token for ServiceAccount sa (its metadata name, namespace, uid)
 * from a TokenRequest body: spec.expirationSeconds (default 3600, at least
 * 600, at most 2^32) and spec.audiences (default cfg's). *out is the
 * TokenRequest answer: the request with the defaulted spec and status
 * {token, expirationTimestamp}. spec.boundObjectRef (a Pod or Secret in
 * the SA's namespace) binds the token to that object: it stops working
 * when the object is deleted. Returns 0; CF_EINVALID with the API server's
 * field message; CF_ENOTFOUND when the bound object does not exist;
 * CF_ECONFLICT when its uid differs from boundObjectRef.uid; CF_ERROR
 * when signing fails.
 */
int cf_authn_token_request(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const cf_node *request, const cf_node *sa);

/*
 * Evaluate a TokenReview body: *out is the review with status
 * {authenticated, user{username, uid, groups}, audiences} or, for a bad
 * token, status {user: {}, error}. spec.audiences, when given, replace
 * cfg's. Returns 0 (even for a bad token) or CF_EINVALID without
 * spec.token.
 */
int cf_authn_token_review(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const cf_node *review);

/*
 * Answer a SelfSubjectReview (`kubectl auth whoami`) for id: *out is the
 * review with status.userInfo {username, uid, groups, extra}. Returns 0.
 */
int cf_authn_self_subject_review(cf_node **out, cf_arena *a,
    const cf_node *review, const cf_authn_identity *id);

/* A request header as received; names compare case-insensitively. */
typedef struct cf_authn_header {
	const char *name, *value;
} cf_authn_header;

/*
 * Apply Impersonate-User / -Group (repeated) / -Uid / -Extra-<key> from
 * hdrs. Each item is authorized for real with verb "impersonate" (users,
 * serviceaccounts, groups; uids and userextras/<key> in
 * authentication.k8s.io) through rbac (NULL: allow all). Without any such
 * header *out is a copy of real and *impersonating false.
 * Returns 0; CF_EFORBIDDEN with the 403 message as the error message;
 * CF_EINVALID for groups, uid or extras without a user (kube-apiserver 1.32
 * answers that with 500 InternalError).
 */
int cf_authn_impersonate(cf_authn_identity *out, bool *impersonating,
    cf_arena *a, const cf_rbac *rbac, const cf_user_info *real,
    const cf_authn_header *hdrs, size_t nhdrs);

#endif
