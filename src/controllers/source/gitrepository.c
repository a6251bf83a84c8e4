/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitRepository reconciliation, one pass per key, in source-controller's
 * order: finalizer and deletion, suspend, spec, storage check, credentials,
 * checkout (skipped when the remote revision and the content settings are
 * unchanged), commit/tag signature verification (spec.verify), archive.
 * Each step returns a cf_result; the first one that
 * is not OK ends the pass. The status is written once, at the end, and
 * only when it changed.
 */
#include "controllers/source/gitrepository.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "controllers/source/artifact_server.h"
#include "controllers/source/git.h"
#include "controllers/source/githubapp.h"
#include "controllers/source/ignore.h"
#include "controllers/source/include.h"
#include "controllers/source/verify.h"
#include "core/buf.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "runtime/conditions.h"
#include "runtime/fluxobj.h"
#include "runtime/metrics.h"

#define KIND "GitRepository"
#define API_VERSION "source.toolkit.fluxcd.io/v1"
#define MS_PER_NS 1000000

/* Condition types and reasons of §2.3. */
#define C_ARTIFACT "ArtifactInStorage"
#define C_OUTDATED "ArtifactOutdated"
#define C_FETCH "FetchFailed"
#define C_STORAGE "StorageOperationFailed"
#define C_INCLUDE "IncludeUnavailable"
#define C_VERIFIED "SourceVerified"

/* SourceVerified after ArtifactInStorage, as in Flux: when both are True,
 * Ready says "stored artifact ..." (a False one overrides Ready anyway). */
static const char *const summarised[] = { CF_COND_STALLED, C_INCLUDE,
	C_FETCH, C_STORAGE, C_OUTDATED, C_ARTIFACT, C_VERIFIED,
	CF_COND_RECONCILING };
static const char *const negative[] = { CF_COND_STALLED,
	CF_COND_RECONCILING, C_FETCH, C_INCLUDE, C_STORAGE, C_OUTDATED };
static const cf_cond_summary summary = {
	summarised, sizeof(summarised) / sizeof(summarised[0]),
	negative, sizeof(negative) / sizeof(negative[0]), C_VERIFIED,
};

struct pass {
	cf_ctl *ctl;
	cf_source_ctl *sc;
	cf_client *c;
	const cf_key *key;
	cf_arena a;
	cf_node *obj;            /* mutable copy of the cached object */
	const cf_node *before;   /* status as read, for the change check */
	const cf_node *spec;
	int64_t interval_ms, timeout_ms;
	cf_git_auth auth;
	cf_git_ref ref;
	cf_git_opts gopts;
	cf_git_resolved res;
	const char *url;
	char safe_url[512];
	char mirror[PATH_MAX];
	char work[PATH_MAX];     /* a throw-away export (sparse, submodules) */
	char tree[PATH_MAX];     /* or the kept work tree */
	bool unchanged;          /* remote at the stored revision */
	bool skip_status;        /* deleted or suspended: write nothing */
	bool new_artifact;
	bool was_ready_false;
	cf_include *incl;        /* spec.include, resolved by step_includes */
	size_t nincl;
};

/* ---- small helpers ---- */

static const char *spec_str(const struct pass *p, const char *field)
{
	return cf_node_getp_str(p->spec, field, NULL);
}

static void event(struct pass *p, const char *type, const char *reason,
    const char *msg)
{
	const char *rev = cf_node_getp_str(p->obj, "status", "artifact",
	    "revision", NULL);
	const char *dig = cf_node_getp_str(p->obj, "status", "artifact",
	    "digest", NULL);

	enum cf_log_level lvl = !strcmp(type, "Warning") ? CF_LOG_ERROR :
	    !strcmp(type, "Trace") ? CF_LOG_DEBUG : CF_LOG_INFO;

	if (!p->sc->event) {
		cf_logf(lvl, "%s '%s/%s': %s", KIND, p->key->ns, p->key->name,
		    msg);
		return;
	}
	p->sc->event(p->sc->event_payload, p->obj, type, reason, msg,
		    rev, dig);
}

static cf_result fail(struct pass *p, const char *cond, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static cf_result fail(struct pass *p, const char *cond, const char *reason,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	cf_result r;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cf_cond_set(&p->a, p->obj, cond, CF_TRUE, reason, "%s", msg);
	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "ProgressingWithRetry", "%s", msg);
	event(p, "Warning", reason, msg);
	r = cf_result_failed(reason, "%s", msg);
	r.requeue_after_ms = p->interval_ms; /* never wait past the interval */
	return r;
}

/* A spec that cannot work until it changes: Stalled, no requeue. */
static cf_result stall(struct pass *p, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static cf_result stall(struct pass *p, const char *reason, const char *fmt,
    ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cf_cond_set(&p->a, p->obj, CF_COND_STALLED, CF_TRUE, reason, "%s", msg);
	cf_cond_del(p->obj, CF_COND_RECONCILING);
	event(p, "Warning", reason, msg);
	return cf_result_stalled(reason, "%s", msg);
}

/* ---- deletion and finalizer ---- */

static void mirror_path(struct pass *p)
{
	snprintf(p->mirror, sizeof(p->mirror), "%s/%s/%s.git",
	    p->sc->mirror_root, p->key->ns, p->key->name);
}

static cf_result step_finalizer(struct pass *p)
{
	if (cf_node_getp(p->obj, "metadata", "deletionTimestamp", NULL)) {
		p->skip_status = true;
		if (!cf_flux_has_finalizer(p->obj))
			return cf_result_done();
		if (cf_storage_remove_all(p->sc->storage, KIND, p->key->ns,
		    p->key->name) < 0)
			return cf_result_failed("GarbageCollectionFailed",
			    "removing artifacts: %s", cf_error_msg());
		mirror_path(p);
		cf_fs_remove_tree(p->mirror);
		snprintf(p->tree, sizeof(p->tree), "%.*s.tree",
		    (int)(strlen(p->mirror) - 4), p->mirror);
		cf_fs_remove_tree(p->tree);
		snprintf(p->tree, sizeof(p->tree), "%.*s.tree.pack-index",
		    (int)(strlen(p->mirror) - 4), p->mirror);
		unlink(p->tree);
		snprintf(p->tree, sizeof(p->tree), "%.*s.index",
		    (int)(strlen(p->mirror) - 4), p->mirror);
		unlink(p->tree);
		snprintf(p->tree, sizeof(p->tree), "%.*s.index.head",
		    (int)(strlen(p->mirror) - 4), p->mirror);
		unlink(p->tree);
		cf_metrics_forget_reconcile(KIND, p->key->ns, p->key->name);
		if (cf_flux_patch_finalizer(p->c, &p->a, p->obj, false) < 0)
			return cf_result_failed("PatchOperationFailed",
			    "removing finalizer: %s", cf_error_msg());
		cf_log_info("%s '%s/%s' deleted: artifacts removed", KIND,
		    p->key->ns, p->key->name);
		return cf_result_done();
	}
	if (!cf_flux_has_finalizer(p->obj)) {
		/* As Flux: add it, then start over on the object the API
		 * server returns, so no pass works from a stale copy. The
		 * watch event of this very patch starts that pass, once the
		 * cache holds it: a timed requeue would race the cache, read
		 * the object without the finalizer, fail on the conflict and
		 * leave a retry that repeats the whole first pass. */
		p->skip_status = true;
		if (cf_flux_patch_finalizer(p->c, &p->a, p->obj, true) < 0)
			return cf_result_failed("PatchOperationFailed",
			    "adding finalizer: %s", cf_error_msg());
		return cf_result_done();
	}
	return cf_result_ok();
}

static cf_result step_suspend(struct pass *p)
{
	const cf_node *s = cf_node_get(p->spec, "suspend");

	if (s && cf_node_is(s, CF_NODE_BOOL) && s->v.b) {
		p->skip_status = true;
		cf_log_info("%s '%s/%s': reconciliation is suspended for this "
		    "object", KIND, p->key->ns, p->key->name);
		return cf_result_done();
	}
	return cf_result_ok();
}

/* ---- spec ---- */

static int duration_field(struct pass *p, const char *field,
    int64_t dflt_ms, int64_t *out_ms)
{
	const char *s = spec_str(p, field);
	int64_t ns;

	*out_ms = dflt_ms;
	if (!s)
		return 0;
	if (cf_duration_parse(&ns, s) < 0 || ns <= 0)
		return -1;
	*out_ms = ns / MS_PER_NS;
	return 0;
}

static bool url_scheme_ok(const char *url)
{
	static const char *const schemes[] = { "https://", "http://",
		"ssh://", "file://" };

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(url, schemes[i], strlen(schemes[i])) &&
		    url[strlen(schemes[i])])
			return true;
	return false;
}

static void read_ref(struct pass *p)
{
	const cf_node *r = cf_node_get(p->spec, "ref");

	memset(&p->ref, 0, sizeof(p->ref));
	p->ref.branch = cf_node_getp_str(r, "branch", NULL);
	p->ref.tag = cf_node_getp_str(r, "tag", NULL);
	p->ref.semver = cf_node_getp_str(r, "semver", NULL);
	p->ref.name = cf_node_getp_str(r, "name", NULL);
	p->ref.commit = cf_node_getp_str(r, "commit", NULL);
}

/* spec.provider: generic (the default) and github work here; azure and
 * aws need a cloud's workload identity, which cflux does not have. */
static cf_result spec_provider(struct pass *p)
{
	const char *prov = spec_str(p, "provider");

	if (!prov || !*prov || !strcmp(prov, "generic") ||
	    !strcmp(prov, "github"))
		return cf_result_ok();
	if (!strcmp(prov, "azure") || !strcmp(prov, "aws"))
		return stall(p, "InvalidProviderConfiguration", "spec.provider: "
		    "'%s' is not supported yet: cflux cannot get %s credentials; "
		    "use provider 'generic' with a secretRef", prov,
		    !strcmp(prov, "azure") ? "Azure workload identity" :
		    "AWS IAM (CodeCommit)");
	return stall(p, "InvalidProviderConfiguration", "spec.provider: "
	    "unsupported value '%.64s' (generic, aws, azure or github)", prov);
}

static cf_result step_spec(struct pass *p)
{
	cf_result r;

	if (!spec_str(p, "interval") ||
	    duration_field(p, "interval", 0, &p->interval_ms) < 0)
		return stall(p, "InvalidInterval", "spec.interval: invalid "
		    "duration '%s'", spec_str(p, "interval") ?
		    spec_str(p, "interval") : "");
	if (duration_field(p, "timeout", 60000, &p->timeout_ms) < 0)
		return stall(p, "InvalidTimeout", "spec.timeout: invalid "
		    "duration '%s'", spec_str(p, "timeout"));
	p->url = spec_str(p, "url");
	cf_git_redact_url(p->safe_url, sizeof(p->safe_url),
	    p->url ? p->url : "");
	if (!p->url || !url_scheme_ok(p->url))
		return stall(p, "URLInvalid", "spec.url: '%s' is not a "
		    "supported Git URL (https://, http://, ssh:// or file://)",
		    p->safe_url);
	if (cf_include_read(&p->incl, &p->nincl, &p->a, p->spec,
	    p->key->name) < 0)
		return stall(p, "InvalidInclude", "%s", cf_error_msg());
	if ((r = spec_provider(p)).kind != CF_RESULT_OK)
		return r;
	read_ref(p);
	p->gopts.timeout_ms = (int)(p->timeout_ms > INT_MAX ? INT_MAX :
	    p->timeout_ms);
	p->gopts.git_path = p->sc->git_path;
	p->gopts.allow_protocols = p->sc->allow_protocols;
	p->gopts.auth = &p->auth;
	p->gopts.http = p->sc->http;
	{
		const cf_node *rs = cf_node_get(p->spec, "recurseSubmodules");

		p->gopts.recurse_submodules = rs &&
		    cf_node_is(rs, CF_NODE_BOOL) && rs->v.b;
	}
	return cf_result_ok();
}

/* ---- storage ---- */

static void drop_artifact(struct pass *p, const char *why)
{
	cf_node_del(cf_node_get(p->obj, "status"), "artifact");
	cf_cond_del(p->obj, C_ARTIFACT);
	event(p, "Warning", "ArtifactVerificationFailed", why);
}

static cf_result step_storage(struct pass *p)
{
	const char *path = cf_node_getp_str(p->obj, "status", "artifact",
	    "path", NULL);
	const char *want = cf_node_getp_str(p->obj, "status", "artifact",
	    "digest", NULL);
	char got[80];
	size_t removed = 0;

	if (path) {
		if (cf_storage_digest(got, p->sc->storage, path) < 0)
			drop_artifact(p, "artifact disappeared from storage");
		else if (!want || strcmp(got, want))
			drop_artifact(p, "artifact digest does not match the "
			    "stored file");
	}
	path = cf_node_getp_str(p->obj, "status", "artifact", "path", NULL);
	if (cf_storage_gc(&removed, p->sc->storage, KIND, p->key->ns,
	    p->key->name, path, p->sc->retention_records ?
	    p->sc->retention_records : 2, p->sc->retention_ttl_s ?
	    p->sc->retention_ttl_s : 60) < 0)
		event(p, "Warning", "GarbageCollectionFailed", cf_error_msg());
	return cf_result_ok();
}

/* ---- credentials ---- */

/* spec.proxySecretRef: address (http, https or socks5), optional username
 * and password; it replaces the environment's proxies. Flux's messages. */
static cf_result read_proxy(struct pass *p)
{
	const char *name = cf_node_getp_str(p->spec, "proxySecretRef", "name",
	    NULL);
	const char *addr, *sep;
	cf_node *secret = NULL;
	char scheme[17] = "";
	int err;

	p->gopts.proxy = p->gopts.proxy_username = NULL;
	p->gopts.proxy_password = NULL;
	if (!name)
		return cf_result_ok();
	if ((err = cf_client_get(&secret, &p->a, p->c, "v1", "Secret",
	    p->key->ns, name)) < 0)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure proxy options: %s'%s/%s'%s%s", err ==
		    CF_ENOTFOUND ? "secret " : "failed to get secret ",
		    p->key->ns, name, err == CF_ENOTFOUND ? " not found" : ": ",
		    err == CF_ENOTFOUND ? "" : cf_error_msg());
	addr = cf_flux_secret_value(&p->a, secret, "address", NULL);
	if (!addr)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure proxy options: secret '%s/%s': key 'address' "
		    "not found", p->key->ns, name);
	if (!*addr)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure proxy options: secret '%s/%s': proxy address "
		    "is empty", p->key->ns, name);
	/* Only the scheme is ever quoted (lower case, as Go parses it, and
	 * printable): the address may hold a password. */
	sep = strstr(addr, "://");
	for (size_t i = 0; sep && addr + i < sep && i + 1 < sizeof(scheme);
	    i++) {
		char ch = addr[i];

		scheme[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') :
		    (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '+' || ch == '-' || ch == '.' ? ch : '?';
	}
	if (strlen(addr) > 2048)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure proxy options: secret '%s/%s': proxy URL exceeds "
		    "maximum length of 2048 characters", p->key->ns, name);
	if (strcmp(scheme, "http") && strcmp(scheme, "https") &&
	    strcmp(scheme, "socks5"))
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure proxy options: secret '%s/%s': proxy URL must use "
		    "one of the supported schemes (http, https, socks5), got "
		    "'%s'", p->key->ns, name, scheme);
	p->gopts.proxy = addr;
	p->gopts.proxy_username =
	    cf_flux_secret_value(&p->a, secret, "username", NULL);
	p->gopts.proxy_password =
	    cf_flux_secret_value(&p->a, secret, "password", NULL);
	return cf_result_ok();
}

/* spec.provider github: the Secret's GitHub App gets an installation
 * token for HTTPS (githubapp.c); with any other provider such a Secret
 * is a mistake. Flux's reasons and messages. */
static cf_result provider_auth(struct pass *p, const cf_node *secret,
    const char *name)
{
	const char *prov = spec_str(p, "provider"), *token;
	cf_ghapp app;
	int err;

	if (!prov || strcmp(prov, "github")) {
		if (secret && cf_ghapp_secret_has_app(secret, &p->a))
			return fail(p, C_FETCH, "InvalidProviderConfiguration",
			    "secretRef '%s/%s' has github app data but provider "
			    "is not set to github", p->key->ns, name);
		return cf_result_ok();
	}
	if (!secret)
		return stall(p, "InvalidProviderConfiguration", "secretRef with "
		    "github app data must be specified when provider is set to "
		    "github");
	err = cf_ghapp_from_secret(&app, &p->a, secret, p->key->ns, name);
	if (err == CF_ENOTFOUND)
		return fail(p, C_FETCH, "InvalidProviderConfiguration",
		    "secretRef with github app data must be specified when "
		    "provider is set to github");
	if (err == 0)
		err = cf_ghapp_token(&token, &p->a, &app, &(cf_ghapp_opts){
			.proxy = p->gopts.proxy,
			.proxy_username = p->gopts.proxy_username,
			.proxy_password = p->gopts.proxy_password,
			.timeout_ms = p->timeout_ms });
	if (err < 0)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure authentication options: %s", cf_error_msg());
	p->auth.username = CF_GHAPP_USERNAME;
	p->auth.password = token;
	p->auth.bearer_token = NULL;
	return cf_result_ok();
}

static cf_result step_auth(struct pass *p)
{
	const char *name = cf_node_getp_str(p->spec, "secretRef", "name",
	    NULL);
	cf_node *secret = NULL;
	cf_result r = read_proxy(p);

	memset(&p->auth, 0, sizeof(p->auth));
	if (r.kind == CF_RESULT_OK && !name)
		return provider_auth(p, NULL, NULL);
	if (r.kind != CF_RESULT_OK)
		return r;
	if (cf_client_get(&secret, &p->a, p->c, "v1", "Secret", p->key->ns,
	    name) < 0)
		return fail(p, C_FETCH, "AuthenticationFailed",
		    "failed to get secret '%s/%s': %s", p->key->ns, name,
		    cf_error_msg());
	p->auth.username =
	    cf_flux_secret_value(&p->a, secret, "username", NULL);
	p->auth.password =
	    cf_flux_secret_value(&p->a, secret, "password", NULL);
	p->auth.bearer_token =
	    cf_flux_secret_value(&p->a, secret, "bearerToken", NULL);
	p->auth.identity =
	    cf_flux_secret_value(&p->a, secret, "identity", NULL);
	p->auth.known_hosts =
	    cf_flux_secret_value(&p->a, secret, "known_hosts", NULL);
	/* ca.crt wins over the legacy caFile; a client pair is both or
	 * neither (fluxcd/pkg's wording). */
	p->auth.ca_pem = cf_flux_secret_value(&p->a, secret, "ca.crt", NULL);
	if (!p->auth.ca_pem || !*p->auth.ca_pem)
		p->auth.ca_pem =
		    cf_flux_secret_value(&p->a, secret, "caFile", NULL);
	p->auth.cert_pem = cf_flux_secret_value(&p->a, secret, "tls.crt", NULL);
	p->auth.key_pem = cf_flux_secret_value(&p->a, secret, "tls.key", NULL);
	if (!p->auth.cert_pem != !p->auth.key_pem)
		return fail(p, C_FETCH, "AuthenticationFailed", "failed to "
		    "configure authentication options: secret '%s/%s' contains "
		    "'%s' but missing '%s'", p->key->ns, name,
		    p->auth.cert_pem ? "tls.crt" : "tls.key",
		    p->auth.cert_pem ? "tls.key" : "tls.crt");
	if (p->auth.identity &&
	    cf_flux_secret_value(&p->a, secret, "password", NULL) &&
	    !p->auth.username)
		return stall(p, "AuthenticationFailed", "secret '%s/%s': "
		    "password-protected SSH keys are not supported",
		    p->key->ns, name);
	return provider_auth(p, secret, name);
}

/* ---- includes ---- */

/* Flux's artifactSet.Diff: an included artifact's revision is not among
 * those the stored artifact was built with. */
static bool included_differ(const struct pass *p)
{
	const cf_node *rec = cf_node_getp(p->obj, "status",
	    "includedArtifacts", NULL);

	if (cf_node_count(rec) != p->nincl)
		return true;
	for (size_t i = 0; i < p->nincl; i++) {
		const char *rev = cf_node_getp_str(p->incl[i].artifact,
		    "revision", NULL);
		size_t j;

		for (j = 0; j < cf_node_count(rec); j++) {
			const char *r = cf_node_getp_str(cf_node_at(rec, j),
			    "revision", NULL);

			if (rev && r && !strcmp(rev, r))
				break;
		}
		if (j == cf_node_count(rec))
			return true;
	}
	return false;
}

/* Each included GitRepository must exist and have an artifact; until
 * then the pass waits (--requeue-dependency), as Flux's fetchIncludes. */
static cf_result step_includes(struct pass *p)
{
	int64_t d = p->sc->requeue_dependency_ms ?
	    p->sc->requeue_dependency_ms : 30000;
	const char *reason = NULL;
	char msg[1024];
	cf_result r;

	if (!p->nincl) {
		cf_cond_del(p->obj, C_INCLUDE);
		return cf_result_ok();
	}
	if (cf_include_resolve(p->incl, p->nincl, &p->a, p->c, p->key->ns,
	    p->key->name, &reason) < 0) {
		snprintf(msg, sizeof(msg), "%s", cf_error_msg());
		cf_cond_set(&p->a, p->obj, C_INCLUDE, CF_TRUE, reason, "%s",
		    msg);
		cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
		    "ProgressingWithRetry", "%s", msg);
		event(p, "Normal", reason, msg);
		r = cf_result_wait(d, reason, "%.400s", msg);
		return r;
	}
	cf_cond_del(p->obj, C_INCLUDE);
	if (included_differ(p) && cf_node_getp(p->obj, "status",
	    "includedArtifacts", NULL))
		cf_cond_set(&p->a, p->obj, C_OUTDATED, CF_TRUE, "IncludeChange",
		    "included artifacts differ from last observed includes");
	return cf_result_ok();
}

/* ---- checkout ---- */

static const char *git_reason(int err)
{
	return err == CF_EFORBIDDEN ? "AuthenticationFailed" :
	    "GitOperationFailed";
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* spec.include as recorded in observedInclude, and each included
 * artifact at the revision and digest recorded in includedArtifacts
 * (Flux's gitContentConfigChanged, include half). */
static bool includes_unchanged(const struct pass *p)
{
	const cf_node *st = cf_node_get(p->obj, "status");
	const cf_node *spec = cf_node_get(p->spec, "include");
	const cf_node *obs = cf_node_get(st, "observedInclude");
	const cf_node *arts = cf_node_get(st, "includedArtifacts");

	if (cf_node_count(spec) != cf_node_count(obs) ||
	    cf_node_count(arts) != p->nincl)
		return false;
	for (size_t i = 0; i < p->nincl; i++) {
		const cf_node *a = cf_node_at(spec, i), *b = cf_node_at(obs, i);
		const cf_node *have = cf_node_at(arts, i);
		const cf_node *now = p->incl[i].artifact;

		if (!same_str(cf_node_getp_str(a, "repository", "name", NULL),
		    cf_node_getp_str(b, "repository", "name", NULL)) ||
		    !same_str(cf_node_getp_str(a, "fromPath", NULL),
		    cf_node_getp_str(b, "fromPath", NULL)) ||
		    !same_str(cf_node_getp_str(a, "toPath", NULL),
		    cf_node_getp_str(b, "toPath", NULL)) ||
		    !same_str(cf_node_getp_str(have, "revision", NULL),
		    cf_node_getp_str(now, "revision", NULL)) ||
		    !same_str(cf_node_getp_str(have, "digest", NULL),
		    cf_node_getp_str(now, "digest", NULL)))
			return false;
	}
	return true;
}

/* The stored artifact still describes what the spec asks for. */
static bool content_config_unchanged(const struct pass *p)
{
	const cf_node *st = cf_node_get(p->obj, "status");
	const cf_node *a = cf_node_get(p->spec, "ignore");
	const cf_node *b = cf_node_get(st, "observedIgnore");
	const cf_node *sa = cf_node_get(p->spec, "sparseCheckout");
	const cf_node *sb = cf_node_get(st, "observedSparseCheckout");

	const cf_node *rs = cf_node_get(st, "observedRecurseSubmodules");
	bool observed_rs = rs && cf_node_is(rs, CF_NODE_BOOL) && rs->v.b;

	if ((a == NULL) != (b == NULL) || (a && !cf_node_equal(a, b)))
		return false;
	if (observed_rs != p->gopts.recurse_submodules)
		return false;
	if (cf_node_count(sa) != cf_node_count(sb))
		return false;
	if (!includes_unchanged(p))
		return false;
	return !sa || !sb || cf_node_equal(sa, sb);
}

static bool artifact_is(const struct pass *p, const char *revision)
{
	const char *have = cf_node_getp_str(p->obj, "status", "artifact",
	    "revision", NULL);

	return have && !strcmp(have, revision);
}

static cf_result step_checkout(struct pass *p)
{
	int err;

	mirror_path(p);
	err = cf_git_ls_remote(&p->res, p->url, &p->ref, &p->gopts);
	if (err < 0)
		return fail(p, C_FETCH, git_reason(err), "failed to checkout "
		    "and determine revision: %s", cf_error_msg());
	if (artifact_is(p, p->res.revision) && content_config_unchanged(p)) {
		char m[512];

		p->unchanged = true;
		snprintf(m, sizeof(m), "no changes since last reconciliation: "
		    "observed revision '%s'", p->res.revision);
		event(p, "Trace", "GitOperationSucceeded", m);
		return cf_result_ok();
	}
	if (cf_node_get(cf_node_get(p->obj, "status"), "artifact"))
		cf_cond_set(&p->a, p->obj, C_OUTDATED, CF_TRUE, "NewRevision",
		    "new upstream revision '%s'", p->res.revision);
	if (cf_fs_mkdirs(p->sc->mirror_root) < 0)
		return fail(p, C_STORAGE, "DirectoryCreationFailed",
		    "failed to create mirror directory: %s", cf_error_msg());
	/* The listing just read names the commit: fetch exactly it. */
	char tip[41];
	cf_git_opts o = p->gopts;

	memcpy(tip, p->res.commit, sizeof(tip));
	o.tip = tip;
	if ((err = cf_git_fetch(&p->res, p->mirror, p->url, &p->ref,
	    &o)) < 0)
		return fail(p, C_FETCH, git_reason(err), "failed to checkout "
		    "and determine revision: %s", cf_error_msg());
	return cf_result_ok();
}

/* ---- signature verification ---- */

/* Flux's GetMode: HEAD, Tag or TagAndHEAD; anything else (e.g. "head")
 * means HEAD. */
static const char *verify_mode(const struct pass *p)
{
	const char *m = cf_node_getp_str(p->spec, "verify", "mode", NULL);

	return m && (!strcmp(m, "Tag") || !strcmp(m, "TagAndHEAD")) ? m :
	    "HEAD";
}

/* A failed verification is recomputed on every pass; a True one from an
 * earlier revision stays until then (Flux). Without spec.verify, nothing
 * about verification remains in the status. */
static cf_result step_verify_reset(struct pass *p)
{
	cf_node *st = cf_node_get(p->obj, "status");

	if (!cf_node_get(p->spec, "verify")) {
		cf_cond_del(p->obj, C_VERIFIED);
		cf_node_del(st, "sourceVerificationMode");
	} else if (cf_cond_is(p->obj, C_VERIFIED, CF_FALSE)) {
		cf_cond_del(p->obj, C_VERIFIED);
	}
	return cf_result_ok();
}

/* Flux's requiresVerification, plus any spec change since the last
 * verified generation (a new key Secret name, for one). */
static bool verify_needed(const struct pass *p)
{
	const char *seen = cf_node_getp_str(p->obj, "status",
	    "sourceVerificationMode", NULL);
	const cf_node *gen = cf_node_getp(p->obj, "metadata", "generation",
	    NULL);
	const cf_node *og = cf_node_getp(p->obj, "status",
	    "observedGeneration", NULL);

	if (!seen || !cf_cond_is(p->obj, C_VERIFIED, CF_TRUE))
		return true;
	if (!gen || !og || !cf_node_equal(gen, og))
		return true;
	return strcmp(seen, "TagAndHEAD") && strcmp(seen, verify_mode(p));
}

static cf_result verify_failed(struct pass *p, const char *reason,
    bool stalled, const char *msg)
{
	cf_result r;

	cf_cond_set(&p->a, p->obj, C_VERIFIED, CF_FALSE, reason, "%s", msg);
	if (stalled)
		return stall(p, reason, "%s", msg);
	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "ProgressingWithRetry", "%s", msg);
	event(p, "Warning", reason, msg);
	r = cf_result_failed(reason, "%s", msg);
	r.requeue_after_ms = p->interval_ms;
	return r;
}

/* The public keys: every entry of the Secret's data. */
static int verify_keys(cf_verify_key **out, size_t *n, struct pass *p)
{
	const char *name = cf_node_getp_str(p->spec, "verify", "secretRef",
	    "name", NULL);
	const cf_node *data;
	cf_node *secret = NULL;
	int err;

	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.verify.secretRef.name is required");
	/* its message is Flux's: 'secrets "<name>" not found' */
	if ((err = cf_client_get(&secret, &p->a, p->c, "v1", "Secret",
	    p->key->ns, name)) < 0)
		return err;
	data = cf_node_get(secret, "data");
	if (!cf_node_count(data))
		data = cf_node_get(secret, "stringData");
	if (!cf_node_is(data, CF_NODE_MAP))
		data = NULL;
	*n = 0;
	*out = cf_arena_alloc(&p->a, (cf_node_count(data) + 1) *
	    sizeof(**out));
	for (size_t i = 0; i < cf_node_count(data); i++) {
		const char *k = data->v.pairs[i].key;
		const char *v = cf_flux_secret_value(&p->a, secret, k, NULL);

		if (v)
			(*out)[(*n)++] = (cf_verify_key){ k, v, strlen(v) };
	}
	return 0;
}

/* The raw object; on a pass that skipped the fetch the mirror may lack it
 * (a new mirror directory), so fetch once and try again. */
static int verify_read(struct pass *p, cf_buf *raw, char oid[41],
    const char *rev, const char *type)
{
	int err = cf_git_cat_object(raw, oid, p->mirror, rev, type,
	    &p->gopts);

	if (err != CF_ENOTFOUND || !p->unchanged)
		return err;
	if (cf_fs_mkdirs(p->sc->mirror_root) < 0 || cf_git_fetch(&p->res,
	    p->mirror, p->url, &p->ref, &p->gopts) < 0)
		return CF_ERROR;
	if (!artifact_is(p, p->res.revision))
		p->unchanged = false; /* moved meanwhile: build it too */
	cf_buf_reset(raw);
	return cf_git_cat_object(raw, oid, p->mirror, rev, type, &p->gopts);
}

/* Verify one object; on success append Flux's "\n\t- <what> '<name>' with
 * key '<id>'" line to ok and return NULL, else fill msg and return the
 * failure reason. A tag is named "<tag>@<tag object id>". */
static const char *verify_one(struct pass *p, cf_buf *ok, char *msg,
    size_t n, bool tag, const cf_verify_key *keys, size_t nkeys)
{
	const char *what = tag ? "tag" : "commit";
	cf_buf raw = CF_BUF_INIT;
	char oid[41], name[400], signer[128];
	int err;

	err = verify_read(p, &raw, oid, tag ? p->res.refname : p->res.commit,
	    what);
	snprintf(name, sizeof(name), "%s%s%s", tag ? p->res.refname + 10 :
	    p->res.commit, tag && !err ? "@" : "", tag && !err ? oid : "");
	if (!err)
		err = cf_verify_object(signer, sizeof(signer), raw.buf,
		    raw.len, tag ? CF_VERIFY_TAG : CF_VERIFY_COMMIT, keys,
		    nkeys, &(cf_verify_opts){ .timeout_ms =
		    p->gopts.timeout_ms });
	cf_buf_release(&raw);
	if (tag && err == CF_ENOTFOUND) { /* unsigned, or lightweight */
		snprintf(msg, n, "cannot verify signature of tag '%s' since "
		    "it is not signed", name);
		return "InvalidGitObject";
	}
	if (err < 0) {
		snprintf(msg, n, "signature verification of %s '%s' failed: "
		    "%s", what, name, cf_error_msg());
		return tag ? "InvalidTagSignature" : "InvalidCommitSignature";
	}
	cf_buf_addf(ok, "%s\n\t- %s '%s' with key '%s'", ok->len ? "" :
	    "verified signature of", what, name, signer);
	return NULL;
}

static cf_result step_verify(struct pass *p)
{
	const char *mode = verify_mode(p), *reason = NULL;
	bool tag = strcmp(mode, "HEAD"), head = strcmp(mode, "Tag");
	cf_verify_key *keys = NULL;
	size_t nkeys = 0;
	cf_buf ok = CF_BUF_INIT;
	char msg[1024];

	if (!cf_node_get(p->spec, "verify") || (p->unchanged &&
	    !verify_needed(p)))
		return cf_result_ok();
	if (tag && strncmp(p->res.refname, "refs/tags/", 10)) {
		snprintf(msg, sizeof(msg), "cannot verify tag object's "
		    "signature if a tag reference is not specified "
		    "(spec.verify.mode is '%s')", mode);
		return verify_failed(p, "InvalidVerificationMode", true, msg);
	}
	if (verify_keys(&keys, &nkeys, p) < 0) {
		snprintf(msg, sizeof(msg), "public keys secret error: %s",
		    cf_error_msg());
		return verify_failed(p, "VerificationError", false, msg);
	}
	if (tag)
		reason = verify_one(p, &ok, msg, sizeof(msg), true, keys,
		    nkeys);
	if (!reason && head)
		reason = verify_one(p, &ok, msg, sizeof(msg), false, keys,
		    nkeys);
	if (!reason) {
		cf_node_set(&p->a, cf_node_set_map(&p->a, p->obj, "status"),
		    "sourceVerificationMode", cf_node_str(&p->a, mode));
		cf_cond_set(&p->a, p->obj, C_VERIFIED, CF_TRUE, "Succeeded",
		    "%s", ok.buf);
		event(p, "Trace", "Succeeded", ok.buf);
	}
	cf_buf_release(&ok);
	return reason ? verify_failed(p, reason, false, msg) :
	    cf_result_ok();
}

/* The work tree kept beside the mirror: a new commit rewrites only the
 * files it changed. Rebuilt from scratch once if git refuses it. */
static int update_kept_tree(struct pass *p)
{
	char index[PATH_MAX + 8], head[PATH_MAX + 16];
	cf_git_opts o = p->gopts;
	int err;

	snprintf(p->tree, sizeof(p->tree), "%.*s.tree",
	    (int)(strlen(p->mirror) - 4), p->mirror);
	snprintf(index, sizeof(index), "%.*s.index",
	    (int)(strlen(p->mirror) - 4), p->mirror);
	o.index_file = index;
	if ((err = cf_git_update_tree(p->mirror, p->res.commit, p->tree,
	    &o)) == 0)
		return 0;
	cf_fs_remove_tree(p->tree);
	unlink(index);
	snprintf(head, sizeof(head), "%s.head", index);
	unlink(head);
	return cf_git_update_tree(p->mirror, p->res.commit, p->tree, &o);
}

static cf_result step_export(struct pass *p)
{
	const cf_node *sp = cf_node_get(p->spec, "sparseCheckout");
	const char *dirs[64];
	size_t n = 0;
	int err;

	if (p->unchanged)
		return cf_result_ok();
	/* Includes are written into the tree, and the kept tree must hold
	 * only the commit's files: export a throw-away one instead. An
	 * export writes what copying the kept tree would, without reading
	 * it; and a pass runs only when something changed anyway. */
	if (!cf_node_count(sp) && !p->gopts.recurse_submodules &&
	    !p->nincl) {
		if (update_kept_tree(p) < 0)
			return fail(p, C_FETCH, "GitOperationFailed", "failed "
			    "to checkout and determine revision: %s",
			    cf_error_msg());
		return cf_result_ok();
	}
	for (size_t i = 0; i < cf_node_count(sp) && n < 64; i++)
		if (cf_node_as_str(cf_node_at(sp, i)))
			dirs[n++] = cf_node_as_str(cf_node_at(sp, i));
	snprintf(p->work, sizeof(p->work), "%s/.work-%s-%s-XXXXXX",
	    p->sc->mirror_root, p->key->ns, p->key->name);
	if (!mkdtemp(p->work)) {
		p->work[0] = '\0';
		return fail(p, C_STORAGE, "DirectoryCreationFailed",
		    "failed to create temporary working directory: %s",
		    cf_error_os("mkdtemp") ? cf_error_msg() : "");
	}
	err = cf_git_export(p->mirror, p->res.commit, p->work, n ? dirs : NULL,
	    n, &p->gopts);
	if (err < 0)
		return fail(p, C_FETCH, "GitOperationFailed", "failed to "
		    "checkout and determine revision: %s", cf_error_msg());
	return cf_result_ok();
}

/* ---- include copy ---- */

/* Copy each included artifact's fromPath into toPath of the work tree,
 * in spec order (Flux's reconcileInclude). */
static cf_result step_include_copy(struct pass *p)
{
	char from[PATH_MAX], to[PATH_MAX], field[64], to_field[64];

	if (p->unchanged || !p->nincl)
		return cf_result_ok();
	for (size_t i = 0; i < p->nincl; i++) {
		const cf_include *in = &p->incl[i];

		snprintf(field, sizeof(field), "spec.include[%zu].fromPath", i);
		snprintf(to_field, sizeof(to_field), "spec.include[%zu].toPath",
		    i);
		if (cf_include_clean_path(from, sizeof(from), in->from_path,
		    field, 1) < 0 || cf_include_clean_path(to, sizeof(to),
		    in->to_path, to_field, 0) < 0)
			return fail(p, C_STORAGE, "IllegalPath", "path "
			    "calculation for include '%s' failed: %s",
			    in->name, cf_error_msg());
		if (cf_include_copy(p->sc->storage, in->artifact, from,
		    p->work, to, p->sc->mirror_root) < 0)
			return fail(p, C_STORAGE, "CopyFailure", "failed to "
			    "copy '%s' include from %s to %s: %s", in->name,
			    in->from_path, in->to_path, cf_error_msg());
	}
	return cf_result_ok();
}

/* ---- archive ---- */

static void set_artifact(struct pass *p, const cf_artifact_file *af)
{
	cf_node *st = cf_node_set_map(&p->a, p->obj, "status");
	cf_node *art = cf_node_map(&p->a);
	char url[1024], now[32];

	cf_cond_now(now);
	cf_artifact_url(url, sizeof(url), p->sc->adv_addr, af->path);
	cf_node_set(&p->a, art, "digest", cf_node_str(&p->a, af->digest));
	cf_node_set(&p->a, art, "lastUpdateTime", cf_node_str(&p->a, now));
	cf_node_set(&p->a, art, "path", cf_node_str(&p->a, af->path));
	cf_node_set(&p->a, art, "revision", cf_node_str(&p->a,
	    p->res.revision));
	cf_node_set(&p->a, art, "size", cf_node_int(&p->a, af->size));
	cf_node_set(&p->a, art, "url", cf_node_str(&p->a, url));
	cf_node_set(&p->a, st, "artifact", art);
}

static void set_observed(struct pass *p)
{
	cf_node *st = cf_node_set_map(&p->a, p->obj, "status");
	const cf_node *ig = cf_node_get(p->spec, "ignore");
	const cf_node *sp = cf_node_get(p->spec, "sparseCheckout");

	if (ig)
		cf_node_set(&p->a, st, "observedIgnore", cf_node_dup(&p->a,
		    ig));
	else
		cf_node_del(st, "observedIgnore");
	if (p->gopts.recurse_submodules)
		cf_node_set(&p->a, st, "observedRecurseSubmodules",
		    cf_node_bool(&p->a, true));
	else
		cf_node_del(st, "observedRecurseSubmodules");
	if (sp)
		cf_node_set(&p->a, st, "observedSparseCheckout",
		    cf_node_dup(&p->a, sp));
	else
		cf_node_del(st, "observedSparseCheckout");
	if (p->nincl) {
		cf_node *arts = cf_node_seq(&p->a);

		for (size_t i = 0; i < p->nincl; i++)
			cf_node_push(&p->a, arts, cf_node_dup(&p->a,
			    p->incl[i].artifact));
		cf_node_set(&p->a, st, "includedArtifacts", arts);
		cf_node_set(&p->a, st, "observedInclude", cf_node_dup(&p->a,
		    cf_node_get(p->spec, "include")));
	} else {
		cf_node_del(st, "includedArtifacts");
		cf_node_del(st, "observedInclude");
	}
}

static cf_result step_archive(struct pass *p)
{
	cf_ignore *ig = NULL;
	cf_artifact_file af;
	char rel[600], file[64];
	int err;

	char index[PATH_MAX + 16];

	if (p->unchanged)
		return cf_result_ok();
	const char *dir = p->work[0] ? p->work : p->tree;

	if ((err = cf_ignore_load_tree(&ig, dir, spec_str(p, "ignore"))) < 0)
		return fail(p, C_STORAGE, "SourceIgnoreError", "failed to "
		    "load ignore rules: %s", cf_error_msg());
	snprintf(file, sizeof(file), "%s.tar.gz", p->res.commit);
	err = cf_storage_artifact_path(rel, sizeof(rel), KIND, p->key->ns,
	    p->key->name, file);
	/* The kept tree is updated in place: its pack index lets a new
	 * commit recompress only the chunks it touched. */
	snprintf(index, sizeof(index), "%s.pack-index", p->tree);
	if (!err)
		err = cf_storage_pack(&af, p->sc->storage, rel, dir,
		    &(cf_storage_pack_opts){ .ignore = ig,
		    .index = p->work[0] ? NULL : index });
	cf_ignore_free(ig);
	if (err < 0)
		return fail(p, C_STORAGE, "ArchiveOperationFailed", "failed "
		    "to archive: %s", cf_error_msg());
	set_artifact(p, &af);
	set_observed(p);
	p->new_artifact = true;
	return cf_result_ok();
}

/* ---- outcome ---- */

static void success_conditions(struct pass *p)
{
	const char *rev = cf_node_getp_str(p->obj, "status", "artifact",
	    "revision", NULL);

	cf_cond_del(p->obj, C_FETCH);
	cf_cond_del(p->obj, C_STORAGE);
	cf_cond_del(p->obj, C_OUTDATED);
	cf_cond_del(p->obj, C_INCLUDE);
	cf_cond_del(p->obj, CF_COND_STALLED);
	cf_cond_del(p->obj, CF_COND_RECONCILING);
	cf_cond_set(&p->a, p->obj, C_ARTIFACT, CF_TRUE, "Succeeded",
	    "stored artifact for revision '%s'", rev ? rev : "");
}

static void finish_status(struct pass *p, const cf_result *r)
{
	cf_node *st = cf_node_set_map(&p->a, p->obj, "status");
	const cf_node *gen = cf_node_getp(p->obj, "metadata", "generation",
	    NULL);
	const char *req = cf_node_getp_str(p->obj, "metadata", "annotations",
	    "reconcile.fluxcd.io/requestedAt", NULL);
	bool ready;

	if (r->kind == CF_RESULT_OK || r->kind == CF_RESULT_DONE)
		success_conditions(p);
	ready = cf_cond_summarize(&p->a, p->obj, &summary);
	if ((ready || r->kind == CF_RESULT_STALLED) && gen)
		cf_node_set(&p->a, st, "observedGeneration",
		    cf_node_dup(&p->a, gen));
	if (req)
		cf_node_set(&p->a, st, "lastHandledReconcileAt",
		    cf_node_str(&p->a, req));
	if (ready && p->new_artifact) {
		char m[512];

		snprintf(m, sizeof(m), "stored artifact for revision '%s'",
		    p->res.revision);
		event(p, "Normal", "NewArtifact", m);
	} else if (ready && p->was_ready_false) {
		event(p, "Normal", "Succeeded", cf_cond_message(p->obj,
		    CF_COND_READY));
	}
}

static cf_result (*const steps[])(struct pass *) = {
	step_finalizer, step_suspend, step_spec, step_storage,
	step_verify_reset, step_auth, step_includes, step_checkout,
	step_verify, step_export, step_include_copy, step_archive,
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* After a pass stored a new artifact, wait (at most CACHE_WAIT_MS) until
 * the cache holds the status it wrote. A pass queued meanwhile (a
 * request, a retry, an include's new artifact) would otherwise run on
 * the old status, find no artifact for the revision, and fetch and pack
 * the same revision again. */
#define CACHE_WAIT_MS 2000

static void await_cache(cf_ctl *ctl, const cf_key *key, const cf_node *art)
{
	int64_t end = mono_ms() + CACHE_WAIT_MS;

	do {
		const cf_obj *o;
		bool seen;

		if (cf_informer_get(&o, cf_ctl_informer(ctl), key->ns,
		    key->name) < 0)
			return;
		const cf_node *have = cf_node_getp(cf_obj_node(o), "status",
		    "artifact", NULL);

		seen = have && art && cf_node_equal(have, art);
		cf_obj_unref(o);
		if (seen)
			return;
		nanosleep(&(struct timespec){ 0, 2 * MS_PER_NS }, NULL);
	} while (mono_ms() < end);
	cf_log_debug("%s '%s/%s': the cache did not show the new artifact "
	    "within %d ms", KIND, key->ns, key->name, CACHE_WAIT_MS);
}

static cf_result reconcile(cf_ctl *ctl, const cf_key *key)
{
	struct pass p = { .ctl = ctl, .sc = cf_ctl_payload(ctl),
		.c = cf_ctl_client(ctl), .key = key, .a = CF_ARENA_INIT };
	cf_result r;

	if (cf_flux_load(&p.obj, &p.before, &p.a, ctl, key) < 0) {
		cf_arena_release(&p.a);
		return cf_result_done(); /* gone: the finalizer cleaned up */
	}
	p.spec = cf_node_get(p.obj, "spec");
	p.was_ready_false = cf_cond_is(p.obj, CF_COND_READY, CF_FALSE);
	r = cf_result_ok();
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int64_t t0 = mono_ms();

		r = steps[i](&p);
		cf_log_debug("%s '%s/%s': step %zu took %lld ms", KIND, key->ns,
		    key->name, i, (long long)(mono_ms() - t0));
		if (r.kind != CF_RESULT_OK)
			break;
	}
	if (p.work[0])
		cf_fs_remove_tree(p.work);
	if (!p.skip_status) {
		finish_status(&p, &r);
		if (cf_flux_write_status(p.c, &p.a, p.obj, p.before) < 0) {
			cf_log_error("%s '%s/%s': status update failed: %s",
			    KIND, key->ns, key->name, cf_error_msg());
			r = cf_result_failed("PatchOperationFailed", "%s",
			    cf_error_msg());
		} else if (r.kind == CF_RESULT_OK) {
			r = cf_result_done_after(cf_flux_jitter(p.interval_ms,
			    p.sc->jitter_percent));
			if (p.new_artifact)
				await_cache(ctl, key, cf_node_getp(p.obj,
				    "status", "artifact", NULL));
		}
	}
	cf_arena_release(&p.a);
	return r;
}

/* ---- watches: a new included artifact rebuilds the includers ---- */

/* A new artifact, by digest: a repository rebuilt for its own includes
 * keeps its revision but not its digest. */
static bool new_digest(const cf_obj *old, const cf_obj *o)
{
	const cf_node *a = cf_node_getp(cf_obj_node(old), "status",
	    "artifact", "digest", NULL);
	const cf_node *b = cf_node_getp(cf_obj_node(o), "status", "artifact",
	    "digest", NULL);

	return b && (!a || !cf_node_equal(a, b));
}

static bool includes_name(const cf_node *obj, const char *name)
{
	const cf_node *l = cf_node_getp(obj, "spec", "include", NULL);

	for (size_t i = 0; i < cf_node_count(l); i++) {
		const char *n = cf_node_getp_str(cf_node_at(l, i),
		    "repository", "name", NULL);

		if (n && !strcmp(n, name))
			return true;
	}
	return false;
}

/* Whether name is src itself or one of its (transitive) includes, from
 * the cache: rebuilding such an includer would only rebuild src again,
 * so a cycle stays interval-driven (Flux's includeDependencies). */
static bool is_ancestor(cf_informer *inf, const cf_obj *src, const char *name)
{
	const cf_obj *seen[CF_INCLUDE_MAX_WALK];
	size_t n = 0, head = 0;
	bool found = !strcmp(name, cf_obj_name(src));

	seen[n++] = cf_obj_ref(src);
	while (!found && head < n) {
		const cf_node *l = cf_node_getp(cf_obj_node(seen[head++]),
		    "spec", "include", NULL);

		for (size_t i = 0; !found && i < cf_node_count(l); i++) {
			const char *dep = cf_node_getp_str(cf_node_at(l, i),
			    "repository", "name", NULL);
			const cf_obj *o = NULL;

			if (!dep)
				continue;
			found = !strcmp(dep, name);
			if (!found && n < CF_INCLUDE_MAX_WALK &&
			    cf_informer_get(&o, inf, cf_obj_namespace(src),
			    dep) == 0) {
				size_t j;

				for (j = 0; j < n && strcmp(cf_obj_name(seen[j]),
				    dep); j++)
					;
				if (j < n)
					cf_obj_unref(o);
				else
					seen[n++] = o;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		cf_obj_unref(seen[i]);
	return found;
}

static size_t includers_of(cf_key *keys, size_t max, const cf_obj *src,
    void *payload)
{
	cf_source_ctl *sc = payload;
	const cf_obj **all = NULL;
	size_t n = 0, hits = 0;

	if (!sc->self || !cf_node_getp(cf_obj_node(src), "status", "artifact",
	    NULL))
		return 0;
	cf_informer_list(&all, &n, sc->self, cf_obj_namespace(src));
	for (size_t i = 0; i < n; i++) {
		const cf_node *o = cf_obj_node(all[i]);

		if (!includes_name(o, cf_obj_name(src)) ||
		    cf_flux_spec_bool(o, "suspend") ||
		    cf_node_getp(o, "metadata", "deletionTimestamp", NULL) ||
		    is_ancestor(sc->self, src, cf_obj_name(all[i])))
			continue;
		if (hits < max)
			cf_key_set(&keys[hits], "source.toolkit.fluxcd.io", KIND,
			    cf_obj_namespace(all[i]), cf_obj_name(all[i]));
		hits++;
	}
	cf_obj_unref_all(all, n);
	return hits;
}

static const cf_watch_def watches[] = {
	{ API_VERSION, KIND, includers_of, new_digest },
	{ NULL, NULL, NULL, NULL },
};

const cf_controller_def cf_gitrepository_controller = {
	.gvk = { "source.toolkit.fluxcd.io", "v1", KIND },
	.finalizer = CF_FLUX_FINALIZER,
	.spec_changes_only = true,
	.watches = watches,
	.reconcile = reconcile,
};
