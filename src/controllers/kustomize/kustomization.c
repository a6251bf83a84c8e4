/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kustomization reconciliation, one pass per key, in kustomize-
 * controller's order (spec/flux-api.md §3.3): finalizer and deletion,
 * suspend, spec, source, dependencies, fetch, build, substitute, apply,
 * prune, health. The first step that does not return OK ends the pass;
 * the status is written once at the end, only when it changed.
 */
#include "controllers/kustomize/kustomization.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/health.h"
#include "apply/inventory.h"
#include "client/client.h"
#include "controllers/kustomize/build.h"
#include "controllers/kustomize/cel.h"
#include "controllers/kustomize/fetch.h"
#include "controllers/kustomize/ignore.h"
#include "controllers/kustomize/vars.h"
#include "core/buf.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/http.h"
#include "core/json.h"
#include "core/log.h"
#include "core/yaml_emit.h"
#include "kustomize/kustomize.h"
#include "runtime/conditions.h"
#include "runtime/fluxobj.h"
#include "runtime/metrics.h"
#include "runtime/remote.h"

#define KIND "Kustomization"
#define API_VERSION "kustomize.toolkit.fluxcd.io/v1"
#define LABEL_NAME "kustomize.toolkit.fluxcd.io/name"
#define LABEL_NS "kustomize.toolkit.fluxcd.io/namespace"
#define MS_PER_NS 1000000

/* One compiled spec.healthCheckExprs entry. */
struct health_expr {
	const char *group; /* the group of apiVersion; "" for core */
	const char *kind;  /* NULL: every kind of the group */
	cf_cel_health h;
};

struct pass {
	struct health_expr *exprs;
	size_t nexprs;
	cf_ctl *ctl;
	cf_kzctl *kc;
	cf_client *c;       /* the manager's client: Flux objects */
	cf_client *apply_c; /* impersonating when serviceAccountName is set */
	const cf_key *key;
	cf_arena a;
	cf_node *obj;
	const cf_node *before;
	const cf_node *spec;
	int64_t interval_ms, retry_ms, timeout_ms;
	const char *revision;       /* the source artifact's */
	const cf_node *artifact;
	char tmp[PATH_MAX];
	char dir[PATH_MAX];         /* spec.path inside tmp */
	cf_node **objs;
	size_t nobjs;
	cf_change_set cs;
	cf_inventory inv_new;
	bool skip_status;
	bool healthy_checked;
	char digest[80];            /* of the built YAML: history key */
	int64_t started_ms;
};

/* ---- helpers ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *spec_str(const struct pass *p, const char *field)
{
	return cf_node_getp_str(p->spec, field, NULL);
}

static bool spec_bool(const struct pass *p, const char *field)
{
	return cf_flux_spec_bool(p->obj, field);
}

static void event(struct pass *p, const char *type, const char *reason,
    const char *msg)
{
	enum cf_log_level lvl = !strcmp(type, "Warning") ? CF_LOG_ERROR :
	    CF_LOG_INFO;

	if (!p->kc->event) {
		cf_logf(lvl, "%s '%s/%s': %s", KIND, p->key->ns, p->key->name,
		    msg);
		return;
	}
	p->kc->event(p->kc->event_payload, p->obj, type, reason, msg,
		    p->revision);
}

/* A failed attempt (§1.7): Ready=False with reason, Reconciling with
 * retry, a Warning event; requeued after retryInterval, not backoff. */
static cf_result fail(struct pass *p, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static cf_result fail(struct pass *p, const char *reason, const char *fmt,
    ...)
{
	char *msg;
	va_list ap;
	cf_result r;

	va_start(ap, fmt);
	msg = cf_arena_vprintf(&p->a, fmt, ap);
	va_end(ap);
	cf_cond_set(&p->a, p->obj, CF_COND_READY, CF_FALSE, reason, "%s", msg);
	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "ProgressingWithRetry", "%s", msg);
	event(p, "Warning", reason, msg);
	r = cf_result_wait(p->retry_ms, reason, "%.400s", msg);
	return r;
}

static cf_result stall(struct pass *p, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
static cf_result stall(struct pass *p, const char *reason, const char *fmt,
    ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = cf_arena_vprintf(&p->a, fmt, ap);
	va_end(ap);
	cf_cond_set(&p->a, p->obj, CF_COND_READY, CF_FALSE, reason, "%s", msg);
	cf_cond_set(&p->a, p->obj, CF_COND_STALLED, CF_TRUE, reason, "%s",
	    msg);
	cf_cond_del(p->obj, CF_COND_RECONCILING);
	event(p, "Warning", reason, msg);
	return cf_result_stalled(reason, "%.400s", msg);
}

static cf_node *status(struct pass *p)
{
	return cf_node_set_map(&p->a, p->obj, "status");
}

/* ---- the client that applies (and prunes on deletion) ---- */

/* The cluster and identity objects are applied with: spec.kubeConfig's
 * remote cluster and/or spec.serviceAccountName (or the default). */
static int open_client(struct pass *p)
{
	const char *sa = spec_str(p, "serviceAccountName");

	if (p->apply_c)
		return 0;
	if (!sa || !*sa)
		sa = p->kc->default_service_account;
	return cf_remote_client(&p->apply_c, &p->a, &(cf_remote_opts){
	    .local = p->c, .local_rest = p->kc->rest, .ns = p->key->ns,
	    .kubeconfig = cf_node_get(p->spec, "kubeConfig"),
	    .service_account = sa });
}

/* ---- finalizer, deletion, suspend ---- */

static int old_inventory(struct pass *p, cf_inventory *inv)
{
	return cf_inv_from_node(inv, &p->a, cf_node_getp(p->obj, "status",
	    "inventory", NULL));
}

/* deletionPolicy (§3.8): MirrorPrune follows spec.prune. */
static bool delete_on_finalize(const struct pass *p)
{
	const char *pol = spec_str(p, "deletionPolicy");

	if (!pol || !strcmp(pol, "MirrorPrune"))
		return spec_bool(p, "prune");
	return !strcmp(pol, "Delete") || !strcmp(pol, "WaitForTermination");
}

static void finalize(struct pass *p)
{
	cf_inventory inv = CF_INVENTORY_INIT, failed = CF_INVENTORY_INIT;
	cf_change_set cs = CF_CHANGE_SET_INIT;
	cf_buf log = CF_BUF_INIT;

	if (spec_bool(p, "suspend") || !delete_on_finalize(p) ||
	    old_inventory(p, &inv) < 0 || inv.len == 0)
		return;
	if (open_client(p) < 0) {
		/* As Flux: the identity or cluster is gone; say what is
		 * left behind and let the object go. */
		char *m = cf_arena_printf(&p->a, "unable to prune objects: %s",
		    cf_error_msg());

		event(p, "Warning", "PruneFailed", m);
		return;
	}
	if (cf_apply_prune(&cs, &failed, &p->a, p->apply_c, &inv,
	    &(cf_prune_opts){ .owner_name = p->key->name,
	    .owner_namespace = p->key->ns }) < 0)
		event(p, "Warning", "PruneFailed", cf_error_msg());
	else if (cf_change_set_format(&log, &cs, true) == 0 && log.len)
		event(p, "Normal", "Progressing", log.buf);
	cf_buf_release(&log);
}

static cf_result step_finalizer(struct pass *p)
{
	if (cf_node_getp(p->obj, "metadata", "deletionTimestamp", NULL)) {
		p->skip_status = true;
		if (!cf_flux_has_finalizer(p->obj))
			return cf_result_done();
		finalize(p);
		cf_metrics_forget_reconcile(KIND, p->key->ns, p->key->name);
		if (cf_flux_patch_finalizer(p->c, &p->a, p->obj, false) < 0)
			return cf_result_failed("PatchOperationFailed",
			    "removing finalizer: %s", cf_error_msg());
		return cf_result_done();
	}
	if (!cf_flux_has_finalizer(p->obj)) {
		/* As Flux: add it, then start over on the object the API
		 * server returns, so no pass works from a stale copy. */
		p->skip_status = true;
		if (cf_flux_patch_finalizer(p->c, &p->a, p->obj, true) < 0)
			return cf_result_failed("PatchOperationFailed",
			    "adding finalizer: %s", cf_error_msg());
		return cf_result_requeue(1);
	}
	return cf_result_ok();
}

static cf_result step_suspend(struct pass *p)
{
	if (spec_bool(p, "suspend")) {
		p->skip_status = true;
		cf_log_info("%s '%s/%s': reconciliation is suspended for this "
		    "object", KIND, p->key->ns, p->key->name);
		return cf_result_done();
	}
	return cf_result_ok();
}

/* ---- spec ---- */

static int duration_ms(struct pass *p, const char *field, int64_t *out)
{
	const char *s = spec_str(p, field);
	int64_t ns;

	if (!s)
		return 1; /* absent */
	if (cf_duration_parse(&ns, s) < 0 || ns <= 0)
		return -1;
	*out = ns / MS_PER_NS;
	return 0;
}

static cf_result compile_exprs(struct pass *p)
{
	const cf_node *ex = cf_node_get(p->spec, "healthCheckExprs");
	size_t n = cf_node_count(ex);

	if (!n)
		return cf_result_ok();
	p->exprs = cf_arena_zalloc(&p->a, n * sizeof(*p->exprs));
	for (size_t i = 0; i < n; i++) {
		const cf_node *e = cf_node_at(ex, i);
		const char *av = cf_node_getp_str(e, "apiVersion", NULL);
		const char *slash = av ? strchr(av, '/') : NULL;
		struct health_expr *h = &p->exprs[i];

		h->group = slash ? cf_arena_strndup(&p->a, av,
		    (size_t)(slash - av)) : "";
		h->kind = cf_node_getp_str(e, "kind", NULL);
		if (cf_cel_health_compile(&h->h, cf_node_getp_str(e, "current",
		    NULL), cf_node_getp_str(e, "failed", NULL),
		    cf_node_getp_str(e, "inProgress", NULL)) < 0)
			return stall(p, "InvalidCELExpression", "spec."
			    "healthCheckExprs[%zu]: %s", i, cf_error_msg());
		p->nexprs = i + 1;
	}
	return cf_result_ok();
}

static void release_exprs(struct pass *p)
{
	for (size_t i = 0; i < p->nexprs; i++)
		cf_cel_health_release(&p->exprs[i].h);
}

/* healthCheckExprs judge an object of their group (and kind, which wins
 * over an entry without one); the rest is left to kstatus. */
static int judge(cf_health *out, const cf_node *obj, void *payload)
{
	struct pass *p = payload;
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *slash = av ? strchr(av, '/') : NULL;
	size_t glen = slash ? (size_t)(slash - av) : 0;
	const struct health_expr *hit = NULL;
	enum cf_cel_status st;

	for (size_t i = 0; i < p->nexprs; i++) {
		const struct health_expr *h = &p->exprs[i];

		if (strlen(h->group) != glen || strncmp(h->group, av, glen))
			continue;
		if (h->kind && kind && !strcmp(h->kind, kind))
			hit = h;
		else if (!h->kind && !hit)
			hit = h;
	}
	if (!hit)
		return 0;
	if (cf_cel_health_eval(&st, &hit->h, obj) < 0) {
		out->status = CF_HEALTH_FAILED;
		snprintf(out->message, sizeof(out->message), "%s",
		    cf_error_msg());
		return 1;
	}
	out->status = st == CF_CEL_CURRENT ? CF_HEALTH_CURRENT :
	    st == CF_CEL_FAILED ? CF_HEALTH_FAILED : CF_HEALTH_IN_PROGRESS;
	snprintf(out->message, sizeof(out->message), "healthCheckExprs: %s",
	    st == CF_CEL_CURRENT ? "current" : st == CF_CEL_FAILED ?
	    "failed" : "in progress");
	return 1;
}

static cf_result step_spec(struct pass *p)
{
	int r;

	p->retry_ms = 60000; /* until interval is known */
	if (duration_ms(p, "interval", &p->interval_ms) != 0)
		return stall(p, "InvalidInterval", "spec.interval: invalid "
		    "duration '%s'", spec_str(p, "interval") ?
		    spec_str(p, "interval") : "");
	p->retry_ms = p->interval_ms;
	if ((r = duration_ms(p, "retryInterval", &p->retry_ms)) < 0)
		return stall(p, "InvalidInterval", "spec.retryInterval: "
		    "invalid duration '%s'", spec_str(p, "retryInterval"));
	p->timeout_ms = p->interval_ms - 30000;
	if (p->timeout_ms < 30000)
		p->timeout_ms = 30000;
	if (duration_ms(p, "timeout", &p->timeout_ms) < 0)
		return stall(p, "InvalidTimeout", "spec.timeout: invalid "
		    "duration '%s'", spec_str(p, "timeout"));
	if (cf_kz_ignore_validate(cf_node_get(p->spec, "ignore")) < 0)
		return stall(p, "ReconciliationFailed", "%s", cf_error_msg());
	if (cf_node_get(p->spec, "decryption"))
		return stall(p, "DecryptionNotSupported", "spec.decryption: "
		    "SOPS decryption is not supported yet");
	return compile_exprs(p);
}

/* ---- the client that applies ---- */

static cf_result step_client(struct pass *p)
{
	if (open_client(p) < 0)
		return fail(p, "ReconciliationFailed", "%s", cf_error_msg());
	return cf_result_ok();
}

/* ---- source ---- */

/* The source has no artifact to give yet: not a failure, a wait of
 * --requeue-dependency without a Warning event. */
static cf_result no_artifact_yet(struct pass *p)
{
	int64_t d = p->kc->requeue_dependency_ms ?
	    p->kc->requeue_dependency_ms : 30000;

	cf_cond_set(&p->a, p->obj, CF_COND_READY, CF_FALSE, "ArtifactFailed",
	    "Source artifact not found, retrying in %llds",
	    (long long)(d / 1000));
	return cf_result_wait(d, "ArtifactFailed", "no artifact");
}

static cf_result step_source(struct pass *p)
{
	const cf_node *ref = cf_node_get(p->spec, "sourceRef");
	const char *kind = cf_node_getp_str(ref, "kind", NULL);
	const char *name = cf_node_getp_str(ref, "name", NULL);
	const char *ns = cf_node_getp_str(ref, "namespace", NULL);
	cf_node *src = NULL;
	int err;

	if (!ns || !*ns)
		ns = p->key->ns;
	if (!kind || strcmp(kind, "GitRepository") || !name)
		return stall(p, "ArtifactFailed", "spec.sourceRef: kind '%s' "
		    "is not supported yet (GitRepository is)", kind ? kind :
		    "");
	if (p->kc->no_cross_namespace_refs && strcmp(ns, p->key->ns))
		return stall(p, "AccessDenied", "can't access '%s/%s/%s', "
		    "cross-namespace references have been blocked", kind, ns,
		    name);
	err = cf_client_get(&src, &p->a, p->c, "source.toolkit.fluxcd.io/v1",
	    kind, ns, name);
	if (err == CF_ENOTFOUND)
		return fail(p, "ArtifactFailed", "Source '%s/%s/%s' not found",
		    kind, ns, name);
	if (err < 0)
		return fail(p, "ArtifactFailed", "Source '%s/%s/%s': %s", kind,
		    ns, name, cf_error_msg());
	p->artifact = cf_node_getp(src, "status", "artifact", NULL);
	p->revision = cf_node_getp_str(p->artifact, "revision", NULL);
	if (!p->artifact || !p->revision)
		return no_artifact_yet(p);
	return cf_result_ok();
}

/* ---- dependsOn (§3.6) ---- */

static const char *dep_not_ready(struct pass *p, const cf_node *dep)
{
	const cf_node *gen = cf_node_getp(dep, "metadata", "generation", NULL);
	const cf_node *obs = cf_node_getp(dep, "status", "observedGeneration",
	    NULL);
	const cf_node *mine = cf_node_get(p->spec, "sourceRef");
	const cf_node *theirs = cf_node_getp(dep, "spec", "sourceRef", NULL);
	const char *applied = cf_node_getp_str(dep, "status",
	    "lastAppliedRevision", NULL);
	const char *dns = cf_node_getp_str(dep, "metadata", "namespace", NULL);
	const char *tns = cf_node_getp_str(theirs, "namespace", NULL);
	const char *mns = cf_node_getp_str(mine, "namespace", NULL);

	if (!gen || !obs || !cf_node_equal(gen, obs) ||
	    !cf_cond_is(dep, CF_COND_READY, CF_TRUE))
		return "is not ready";
	if (!tns || !*tns)
		tns = dns;
	if (!mns || !*mns)
		mns = p->key->ns;
	if (cf_node_equal(cf_node_get(theirs, "kind"),
	    cf_node_get(mine, "kind")) &&
	    cf_node_equal(cf_node_get(theirs, "name"),
	    cf_node_get(mine, "name")) && tns && mns && !strcmp(tns, mns) &&
	    (!applied || strcmp(applied, p->revision)))
		return "is not ready: it has not applied the same revision";
	return NULL;
}

/* A readyExpr replaces the built-in check (Flux's default). */
static const char *ready_by_expr(struct pass *p, const cf_cel *prog,
    const cf_node *dep)
{
	bool ok = false;

	if (cf_cel_ready_eval(&ok, prog, dep, p->obj) < 0)
		return cf_arena_printf(&p->a, "readyExpr failed: %s",
		    cf_error_msg());
	return ok ? NULL : "does not meet its readyExpr";
}

static cf_result step_depends(struct pass *p)
{
	const cf_node *deps = cf_node_get(p->spec, "dependsOn");
	int64_t d = p->kc->requeue_dependency_ms ?
	    p->kc->requeue_dependency_ms : 30000;

	for (size_t i = 0; i < cf_node_count(deps); i++) {
		const cf_node *e = cf_node_at(deps, i);
		const char *name = cf_node_getp_str(e, "name", NULL);
		const char *ns = cf_node_getp_str(e, "namespace", NULL);
		const char *why;
		cf_node *dep = NULL;

		if (!ns || !*ns)
			ns = p->key->ns;
		const char *expr = cf_node_getp_str(e, "readyExpr", NULL);
		cf_cel *prog = NULL;

		if (expr && cf_cel_ready_compile(&prog, expr) < 0)
			return stall(p, "InvalidCELExpression", "spec."
			    "dependsOn[%zu].readyExpr: %s", i, cf_error_msg());
		if (!name) {
			cf_cel_free(prog);
			continue;
		}
		if (cf_client_get(&dep, &p->a, p->c, API_VERSION, KIND, ns,
		    name) < 0)
			why = "not found";
		else if (prog)
			why = ready_by_expr(p, prog, dep);
		else
			why = dep_not_ready(p, dep);
		cf_cel_free(prog);
		if (why) {
			char *msg = cf_arena_printf(&p->a, "dependency '%s/%s' "
			    "%s", ns, name, why);

			cf_cond_set(&p->a, p->obj, CF_COND_READY, CF_FALSE,
			    "DependencyNotReady", "%s", msg);
			cf_log_info("%s '%s/%s': %s; dependencies do not meet "
			    "ready condition, retrying in %llds", KIND,
			    p->key->ns, p->key->name, msg,
			    (long long)(d / 1000));
			return cf_result_wait(d, "DependencyNotReady", "%s",
			    msg);
		}
	}
	return cf_result_ok();
}

/* ---- fetch ---- */

/* status.artifact.url with its host replaced by $SOURCE_CONTROLLER_LOCALHOST
 * when that is set (Flux's override for local and development setups). */
static const char *artifact_url(struct pass *p)
{
	const char *url = cf_node_getp_str(p->artifact, "url", NULL);
	const char *host = getenv("SOURCE_CONTROLLER_LOCALHOST");
	const char *start, *end;

	if (!url || !host || !*host || !(start = strstr(url, "://")))
		return url;
	start += 3;
	end = strchr(start, '/');
	return cf_arena_printf(&p->a, "%.*s%s%s", (int)(start - url), url,
	    host, end ? end : "");
}

/* Download with Flux's --http-retry: transport errors and 5xx are tried
 * again after 1 s, 2 s, 4 s ... (at most 30 s); 404 and bad digests are
 * not. Each attempt starts from an empty directory. */
static int download(struct pass *p, const char *url, const char *digest)
{
	int tries = p->kc->http_retry < 0 ? 0 : p->kc->http_retry ?
	    p->kc->http_retry : 9;
	int64_t wait_ms = 1000;
	cf_http *h = NULL;
	int err;

	if ((err = cf_http_new(&h, NULL)) < 0)
		return err;
	for (int i = 0;; i++) {
		err = cf_fetch_artifact(h, url, digest, p->tmp, NULL);
		if (err == 0 || i >= tries || (err != CF_ERROR &&
		    err != CF_ETIMEOUT))
			break;
		cf_log_info("%s '%s/%s': downloading the artifact failed, "
		    "retrying in %llds: %s", KIND, p->key->ns, p->key->name,
		    (long long)(wait_ms / 1000), cf_error_msg());
		cf_fs_remove_tree(p->tmp);
		if (mkdir(p->tmp, 0700) < 0) {
			err = cf_error_os("recreating %s", p->tmp);
			break;
		}
		usleep((useconds_t)(wait_ms * 1000));
		wait_ms = wait_ms * 2 > 30000 ? 30000 : wait_ms * 2;
	}
	cf_http_free(h);
	return err;
}

/* The artifact from local storage when the source-controller shares this
 * process and holds it, else over HTTP; the digest is checked either way.
 * A source reconciled by another process (another shard, or a standby
 * that is not the leader) keeps its artifacts in that process's storage:
 * absent here, it is downloaded. */
static int fetch(struct pass *p)
{
	const char *digest = cf_node_getp_str(p->artifact, "digest", NULL);
	const char *rel = cf_node_getp_str(p->artifact, "path", NULL);
	const char *url = artifact_url(p);
	char local[PATH_MAX];
	int err;

	if (p->kc->local_storage && rel && !strstr(rel, "..") &&
	    (size_t)snprintf(local, sizeof(local), "%s/%s",
	    p->kc->local_storage, rel) < sizeof(local) &&
	    access(local, F_OK) == 0) {
		if ((err = cf_fetch_verify_file(local, digest)) < 0)
			return err;
		return cf_fetch_untar_file(local, p->tmp, NULL);
	}
	if (!url)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "the source has no artifact URL");
	return download(p, url, digest);
}

/* spec.path, relative to the artifact root; no escape from it. */
static int join_path(struct pass *p)
{
	const char *path = spec_str(p, "path");
	char real[PATH_MAX], root[PATH_MAX];
	struct stat st;

	if (!path)
		path = "./";
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%s/%s", p->tmp, path) >=
	    sizeof(p->dir))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.path '%.200s' is too long", path);
	if (!realpath(p->tmp, root) || !realpath(p->dir, real) ||
	    stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "kustomization path not found: stat %s: no such file or "
		    "directory", path);
	if (strncmp(real, root, strlen(root)) ||
	    (real[strlen(root)] && real[strlen(root)] != '/'))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.path '%s' leaves the artifact", path);
	snprintf(p->dir, sizeof(p->dir), "%s", real);
	return 0;
}

static cf_result step_fetch(struct pass *p)
{
	int err;
	const char *tmp = p->kc->tmp_root ? p->kc->tmp_root :
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "Progressing", "Fetching manifests for revision %s with a "
	    "timeout of %llds", p->revision, (long long)(p->timeout_ms /
	    1000));
	snprintf(p->tmp, sizeof(p->tmp), "%s/kustomization-XXXXXX", tmp);
	if (!mkdtemp(p->tmp)) {
		p->tmp[0] = '\0';
		cf_error_os("creating a temporary directory");
		return fail(p, "DirectoryCreationFailed", "%s",
		    cf_error_msg());
	}
	if ((err = fetch(p)) == CF_ENOTFOUND)
		return no_artifact_yet(p); /* moved on, or not served yet */
	/* Every error names the artifact (its URL redacted, or the file). */
	if (err < 0)
		return fail(p, "ArtifactFailed", "%s", cf_error_msg());
	cf_node_set(&p->a, status(p), "lastAttemptedRevision",
	    cf_node_str(&p->a, p->revision));
	if (join_path(p) < 0)
		return fail(p, "ArtifactFailed", "%s", cf_error_msg());
	return cf_result_ok();
}

/* ---- build (build.h) ---- */

static cf_result step_build(struct pass *p)
{
	cf_kustomize_result r;

	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "Progressing", "Building manifests for revision %s with a "
	    "timeout of %llds", p->revision,
	    (long long)(p->timeout_ms / 1000));
	if (cf_kzctl_build(&r, &p->a, p->dir, p->spec) < 0)
		return fail(p, "BuildFailed", "%s", cf_error_msg());
	p->objs = r.objs;
	p->nobjs = r.nobjs;
	return cf_result_ok();
}

/* ---- post-build substitution (§3.5, vars.h) ---- */

static cf_result step_substitute(struct pass *p)
{
	cf_node *vars = NULL;

	if (!cf_node_get(p->spec, "postBuild"))
		return cf_result_ok();
	if (cf_kzctl_vars(&vars, &p->a, p->c, p->key->ns, p->spec) < 0)
		return fail(p, "BuildFailed", "%s", cf_error_msg());
	/* Strict: Flux's StrictPostBuildSubstitutions gate is on by
	 * default. */
	if (cf_kzctl_substitute(&p->a, p->objs, p->nobjs, p->spec, vars,
	    true) < 0)
		return fail(p, "BuildFailed", "%s", cf_error_msg());
	return cf_result_ok();
}

/* ---- history (status.history, Flux's snapshots) ---- */

#define HISTORY_MAX 5

/* sha256 of the final multi-document YAML, as Flux keys its history. */
static cf_result step_digest(struct pass *p)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	cf_buf b = CF_BUF_INIT;
	size_t o;

	if (cf_yaml_emit_stream(&b, p->objs, p->nobjs) == 0 &&
	    EVP_Digest(b.buf, b.len, md, &n, EVP_sha256(), NULL) == 1) {
		o = (size_t)snprintf(p->digest, sizeof(p->digest), "sha256:");
		for (unsigned int i = 0; i < n && o + 2 < sizeof(p->digest); i++)
			o += (size_t)snprintf(p->digest + o,
			    sizeof(p->digest) - o, "%02x", md[i]);
	}
	cf_buf_release(&b);
	return cf_result_ok();
}

static cf_node *history_entry(struct pass *p, const char *status_word,
    const char *now, const char *dur)
{
	cf_node *e = cf_node_map(&p->a), *md;

	cf_node_set(&p->a, e, "digest", cf_node_str(&p->a, p->digest));
	cf_node_set(&p->a, e, "firstReconciled", cf_node_str(&p->a, now));
	cf_node_set(&p->a, e, "lastReconciled", cf_node_str(&p->a, now));
	cf_node_set(&p->a, e, "lastReconciledDuration",
	    cf_node_str(&p->a, dur));
	cf_node_set(&p->a, e, "lastReconciledStatus",
	    cf_node_str(&p->a, status_word));
	md = cf_node_set_map(&p->a, e, "metadata");
	cf_node_set(&p->a, md, "revision", cf_node_str(&p->a, p->revision));
	cf_node_set(&p->a, e, "totalReconciliations", cf_node_int(&p->a, 1));
	return e;
}

/* Upsert (digest, status) at the front, at most HISTORY_MAX entries. */
static void record_history(struct pass *p, const char *status_word)
{
	const cf_node *old = cf_node_getp(p->obj, "status", "history", NULL);
	cf_node *list = cf_node_seq(&p->a), *e;
	char now[32], dur[32];
	int64_t total;

	cf_cond_now(now);
	cf_duration_format(dur, sizeof(dur), (now_ms() - p->started_ms) *
	    MS_PER_NS);
	e = history_entry(p, status_word, now, dur);
	cf_node_push(&p->a, list, e);
	for (size_t i = 0; i < cf_node_count(old); i++) {
		const cf_node *h = cf_node_at(old, i);
		const char *d = cf_node_getp_str(h, "digest", NULL);
		const char *st = cf_node_getp_str(h, "lastReconciledStatus",
		    NULL);

		if (d && st && !strcmp(d, p->digest) &&
		    !strcmp(st, status_word)) {
			if (cf_node_as_int(cf_node_get(h, "totalReconciliations"),
			    &total))
				cf_node_set(&p->a, e, "totalReconciliations",
				    cf_node_int(&p->a, total + 1));
			if (cf_node_get(h, "firstReconciled"))
				cf_node_set(&p->a, e, "firstReconciled",
				    cf_node_dup(&p->a, cf_node_get(h,
				    "firstReconciled")));
		} else if (cf_node_count(list) < HISTORY_MAX) {
			cf_node_push(&p->a, list, cf_node_dup(&p->a, h));
		}
	}
	cf_node_set(&p->a, status(p), "history", list);
}

/* ---- apply and prune ---- */

static cf_result step_apply(struct pass *p)
{
	cf_buf log = CF_BUF_INIT;

	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "Progressing", "Detecting drift for revision %s with a timeout of "
	    "%llds", p->revision, (long long)(p->timeout_ms / 1000));
	if (cf_kz_ignore_apply(&p->a, p->apply_c, p->objs, p->nobjs,
	    cf_node_get(p->spec, "ignore")) < 0)
		return fail(p, "ReconciliationFailed", "%s", cf_error_msg());
	if (cf_apply_set(&p->cs, &p->a, p->apply_c, p->objs, p->nobjs,
	    &(cf_apply_opts){ .force = spec_bool(p, "force"),
	    .owner_name = p->key->name, .owner_namespace = p->key->ns }) < 0)
		return fail(p, "ReconciliationFailed", "%s", cf_error_msg());
	cf_change_set_inventory(&p->inv_new, &p->a, &p->cs);
	if (cf_change_set_format(&log, &p->cs, true) == 0 && log.len)
		event(p, "Normal", "Progressing", log.buf);
	cf_buf_release(&log);
	return cf_result_ok();
}

static cf_result step_prune(struct pass *p)
{
	cf_inventory old = CF_INVENTORY_INIT, stale = CF_INVENTORY_INIT;
	cf_inventory failed = CF_INVENTORY_INIT;
	cf_change_set cs = CF_CHANGE_SET_INIT;
	cf_buf log = CF_BUF_INIT;
	int err;

	err = old_inventory(p, &old);
	cf_node_set(&p->a, status(p), "inventory", cf_inv_to_node(&p->a,
	    &p->inv_new));
	if (!spec_bool(p, "prune") || err < 0)
		return cf_result_ok();
	cf_inv_diff(&stale, &p->a, &old, &p->inv_new);
	if (!stale.len)
		return cf_result_ok();
	err = cf_apply_prune(&cs, &failed, &p->a, p->apply_c, &stale,
	    &(cf_prune_opts){ .owner_name = p->key->name,
	    .owner_namespace = p->key->ns, .keep = &p->inv_new });
	if (cf_change_set_format(&log, &cs, true) == 0 && log.len)
		event(p, "Normal", "Progressing", log.buf);
	cf_buf_release(&log);
	if (err < 0 || failed.len) {
		/* Keep what could not be deleted so the next run retries. */
		for (size_t i = 0; i < failed.len; i++)
			cf_inv_add(&p->inv_new, &p->a, &failed.v[i]);
		cf_node_set(&p->a, status(p), "inventory",
		    cf_inv_to_node(&p->a, &p->inv_new));
		return fail(p, "PruneFailed", "%s", err < 0 ? cf_error_msg() :
		    "some objects could not be deleted");
	}
	return cf_result_ok();
}

/* ---- health (§3.9) ---- */

static int health_set(struct pass *p, cf_inventory *set)
{
	const cf_node *hc = cf_node_get(p->spec, "healthChecks");

	if (spec_bool(p, "wait")) {
		cf_change_set_health(set, &p->a, &p->cs);
		return set->len > 0;
	}
	for (size_t i = 0; i < cf_node_count(hc); i++) {
		const cf_node *e = cf_node_at(hc, i);
		const char *av = cf_node_getp_str(e, "apiVersion", NULL);
		const char *slash = av ? strchr(av, '/') : NULL;
		cf_inv_entry en = {
			.ns = cf_node_getp_str(e, "namespace", NULL),
			.name = cf_node_getp_str(e, "name", NULL),
			.kind = cf_node_getp_str(e, "kind", NULL),
			.group = slash ? cf_arena_strndup(&p->a, av,
			    (size_t)(slash - av)) : "",
			.version = slash ? slash + 1 : av ? av : "v1",
		};

		if (!en.ns)
			en.ns = p->key->ns;
		if (en.name && en.kind)
			cf_inv_add(set, &p->a, &en);
	}
	return set->len > 0;
}

static cf_result step_health(struct pass *p)
{
	cf_inventory set = CF_INVENTORY_INIT;
	cf_health_wait_result hr;
	int64_t t0 = now_ms();
	int err;

	if (!health_set(p, &set)) {
		cf_cond_del(p->obj, "Healthy");
		return cf_result_ok();
	}
	p->healthy_checked = true;
	cf_cond_set(&p->a, p->obj, CF_COND_RECONCILING, CF_TRUE,
	    "Progressing", "Running health checks for revision %s with a "
	    "timeout of %llds", p->revision,
	    (long long)(p->timeout_ms / 1000));
	err = cf_health_wait(&hr, p->apply_c, &set, &(cf_health_wait_opts){
	    .interval_ms = p->kc->health_poll_ms,
	    .timeout_ms = p->timeout_ms, .judge = judge, .judge_payload = p });
	if (err < 0 || hr.outcome != CF_HEALTH_WAIT_READY) {
		char d[32];
		const char *why = err < 0 ? cf_error_msg() :
		    hr.outcome == CF_HEALTH_WAIT_FAILED ? "an object failed" :
		    "timeout";

		cf_duration_format(d, sizeof(d), (now_ms() - t0) * MS_PER_NS);
		cf_cond_set(&p->a, p->obj, "Healthy", CF_FALSE,
		    "HealthCheckFailed", "health check failed after %s: %s", d,
		    why);
		return fail(p, "HealthCheckFailed", "health check failed "
		    "after %s: %s", d, why);
	}
	cf_cond_set(&p->a, p->obj, "Healthy", CF_TRUE, "Succeeded",
	    "Health check passed in %.3fs", (double)(now_ms() - t0) / 1000);
	return cf_result_ok();
}

/* ---- outcome ---- */

static cf_result step_done(struct pass *p)
{
	cf_node_set(&p->a, status(p), "lastAppliedRevision",
	    cf_node_str(&p->a, p->revision));
	cf_cond_del(p->obj, CF_COND_RECONCILING);
	cf_cond_del(p->obj, CF_COND_STALLED);
	cf_cond_set(&p->a, p->obj, CF_COND_READY, CF_TRUE,
	    "ReconciliationSucceeded", "Applied revision: %s", p->revision);
	return cf_result_ok();
}

static void finish_status(struct pass *p, const cf_result *r)
{
	const cf_node *gen = cf_node_getp(p->obj, "metadata", "generation",
	    NULL);
	const char *req = cf_node_getp_str(p->obj, "metadata", "annotations",
	    "reconcile.fluxcd.io/requestedAt", NULL);

	if (req)
		cf_node_set(&p->a, status(p), "lastHandledReconcileAt",
		    cf_node_str(&p->a, req));
	/* Attempts that got as far as a built set are recorded, with the
	 * reason they ended on (Flux's history). */
	if (p->digest[0] && (r->kind == CF_RESULT_OK || (r->reason &&
	    (!strcmp(r->reason, "ReconciliationFailed") ||
	    !strcmp(r->reason, "PruneFailed") ||
	    !strcmp(r->reason, "HealthCheckFailed")))))
		record_history(p, r->kind == CF_RESULT_OK ?
		    "ReconciliationSucceeded" : r->reason);
	if ((r->kind == CF_RESULT_OK || r->kind == CF_RESULT_STALLED) && gen)
		cf_node_set(&p->a, status(p), "observedGeneration",
		    cf_node_dup(&p->a, gen));
	if (r->kind == CF_RESULT_OK) {
		char d[32], n[32];

		cf_duration_format(d, sizeof(d), (now_ms() - p->started_ms) *
		    MS_PER_NS);
		cf_duration_format(n, sizeof(n), p->interval_ms * MS_PER_NS);
		cf_log_info("%s '%s/%s': Reconciliation finished in %s, next "
		    "run in %s", KIND, p->key->ns, p->key->name, d, n);
	}
}

static cf_result (*const steps[])(struct pass *) = {
	step_finalizer, step_suspend, step_spec, step_client, step_source,
	step_depends, step_fetch, step_build, step_substitute, step_digest,
	step_apply,
	step_prune, step_health, step_done,
};

static cf_result reconcile(cf_ctl *ctl, const cf_key *key)
{
	struct pass p = { .ctl = ctl, .kc = cf_ctl_payload(ctl),
		.c = cf_ctl_client(ctl), .key = key, .a = CF_ARENA_INIT,
		.started_ms = now_ms(), .retry_ms = 60000 };
	cf_result r;

	if (cf_flux_load(&p.obj, &p.before, &p.a, ctl, key) < 0) {
		cf_arena_release(&p.a);
		return cf_result_done();
	}
	p.spec = cf_node_get(p.obj, "spec");
	CF_RUN_STEPS(r, &p, steps);
	if (p.tmp[0])
		cf_fs_remove_tree(p.tmp);
	release_exprs(&p);
	if (!p.skip_status) {
		finish_status(&p, &r);
		if (cf_flux_write_status(p.c, &p.a, p.obj, p.before) < 0) {
			cf_log_error("%s '%s/%s': status update failed: %s",
			    KIND, key->ns, key->name, cf_error_msg());
			r = cf_result_failed("PatchOperationFailed", "%s",
			    cf_error_msg());
		} else if (r.kind == CF_RESULT_OK) {
			r = cf_result_done_after(cf_flux_jitter(p.interval_ms,
			    p.kc->jitter_percent));
		}
	}
	if (p.apply_c && p.apply_c != p.c)
		cf_client_free(p.apply_c);
	cf_arena_release(&p.a);
	return r;
}

/* ---- watches: a new artifact reconciles every Kustomization using it */

static bool new_revision(const cf_obj *old, const cf_obj *o)
{
	const cf_node *a = cf_node_getp(cf_obj_node(old), "status",
	    "artifact", "revision", NULL);
	const cf_node *b = cf_node_getp(cf_obj_node(o), "status", "artifact",
	    "revision", NULL);

	return b && (!a || !cf_node_equal(a, b));
}

static size_t users_of_source(cf_key *keys, size_t max, const cf_obj *src,
    void *payload)
{
	cf_kzctl *kc = payload;
	const cf_obj **all = NULL;
	size_t n = 0, hits = 0;

	if (!kc->self)
		return 0;
	cf_informer_list(&all, &n, kc->self, NULL);
	for (size_t i = 0; i < n; i++) {
		const cf_node *ref = cf_node_getp(cf_obj_node(all[i]), "spec",
		    "sourceRef", NULL);
		const char *kind = cf_node_getp_str(ref, "kind", NULL);
		const char *name = cf_node_getp_str(ref, "name", NULL);
		const char *ns = cf_node_getp_str(ref, "namespace", NULL);

		if (!ns || !*ns)
			ns = cf_obj_namespace(all[i]);
		if (!kind || strcmp(kind, "GitRepository") || !name ||
		    strcmp(name, cf_obj_name(src)) ||
		    strcmp(ns, cf_obj_namespace(src)))
			continue;
		if (hits < max)
			cf_key_set(&keys[hits], "kustomize.toolkit.fluxcd.io",
			    KIND, cf_obj_namespace(all[i]),
			    cf_obj_name(all[i]));
		hits++;
	}
	cf_obj_unref_all(all, n);
	return hits;
}

static const cf_watch_def watches[] = {
	{ "source.toolkit.fluxcd.io/v1", "GitRepository", users_of_source,
	  new_revision },
	{ NULL, NULL, NULL, NULL },
};

const cf_controller_def cf_kustomization_controller = {
	.gvk = { "kustomize.toolkit.fluxcd.io", "v1", KIND },
	.finalizer = CF_FLUX_FINALIZER,
	.spec_changes_only = true,
	.watches = watches,
	.reconcile = reconcile,
};
