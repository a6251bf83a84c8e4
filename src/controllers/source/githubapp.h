/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitHub App authentication for Git over HTTPS (GitRepository
 * spec.provider: github, spec/flux-api.md §2.3): reads the App's keys
 * from a Secret, signs the App's JWT (RS256), asks the GitHub API (or a
 * GitHub Enterprise Server's, githubAppBaseURL) for an installation access
 * token and keeps it in a process-wide cache keyed by app ID, installation,
 * base URL and private key until 80% of its lifetime has passed (at most
 * an hour), so any number of repositories of one installation share one
 * token. Git then sends it as the password of user "x-access-token".
 * It neither runs git (git.h) nor reads Secrets from the API server (the
 * caller passes the object). No key, JWT or token ever reaches a message.
 */
#ifndef CF_SOURCE_GITHUBAPP_H
#define CF_SOURCE_GITHUBAPP_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

/* The Git HTTPS username that goes with an installation token. */
#define CF_GHAPP_USERNAME "x-access-token"
#define CF_GHAPP_DEFAULT_API "https://api.github.com"

/* The Secret's GitHub App values; borrowed for each call. Exactly one of
 * installation_owner and installation_id is set. */
typedef struct cf_ghapp {
	const char *app_id;             /* githubAppID, decimal */
	const char *installation_owner; /* githubAppInstallationOwner */
	const char *installation_id;    /* githubAppInstallationID, decimal */
	const char *private_key;        /* githubAppPrivateKey, PEM */
	size_t private_key_len;
	const char *base_url;           /* githubAppBaseURL; NULL: GitHub's */
	const char *ca_pem;             /* ca.crt for the API; NULL: system's */
} cf_ghapp;

/* Transport settings for the API requests; zero means default. */
typedef struct cf_ghapp_opts {
	/* spec.proxySecretRef: http, https or socks5 URL and credentials
	 * sent to the proxy only. NULL: HTTPS_PROXY / HTTP_PROXY and
	 * NO_PROXY as Go reads them (loopback always direct). */
	const char *proxy, *proxy_username, *proxy_password;
	long timeout_ms;                /* each request; 0: 60 s */
} cf_ghapp_opts;

/*
 * Does the Secret hold GitHub App data? As Flux, a non-empty githubAppID
 * is what counts (provider other than github with one is an error).
 */
int cf_ghapp_secret_has_app(const cf_node *secret, cf_arena *a);

/*
 * Fill *out from the Secret ns/name (values decoded into a). Returns 0;
 * CF_ENOTFOUND when the Secret has none of the GitHub App keys;
 * CF_EINVALID when some are missing ("secret 'ns/name': key
 * 'githubAppPrivateKey' not found") or both or neither of the
 * installation keys are there ("secret 'ns/name' must contain exactly one
 * of ...").
 */
int cf_ghapp_from_secret(cf_ghapp *out, cf_arena *a, const cf_node *secret,
    const char *ns, const char *name);

/*
 * An installation access token for app: from the cache while it is fresh,
 * else from the API (the installation ID looked up first from the owner,
 * as an organization then as a user). Concurrent callers with the same
 * app wait for one request instead of each making theirs. *out is copied
 * into a and wiped when a is released. Returns 0; CF_EINVALID with
 * Flux's message for a bad app ID, installation or private key ("could
 * not parse private key: ...");
 * CF_EFORBIDDEN when the API answers 401, 403 or 404 ("POST <url>: 401
 * <its message> []"), CF_ERROR for its other errors (same form), for
 * connection and TLS failures and for a malformed answer; CF_ETIMEOUT;
 * CF_ETOOLARGE for an answer over 256 KiB.
 */
int cf_ghapp_token(const char **out, cf_arena *a, const cf_ghapp *app,
    const cf_ghapp_opts *opts);

/*
 * Append the App's JWT to out: RS256 over {"alg":"RS256","typ":"JWT"} and
 * {"iat":now-60,"exp":now+120,"iss":"<app_id>"} (GitHub allows clock drift
 * backwards and at most 10 minutes ahead). pem is PKCS#1 or PKCS#8 RSA.
 * Returns 0, or CF_EINVALID ("could not parse private key: ...").
 */
int cf_ghapp_jwt(cf_buf *out, int64_t app_id, const char *pem, size_t len,
    int64_t now);

/* Forget every cached token (tests; a rotated key needs nothing: the key
 * is part of the cache key). */
void cf_ghapp_cache_clear(void);

#endif
