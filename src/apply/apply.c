/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Staged server-side apply, as fluxcd/pkg/ssa's ApplyAllStaged and
 * kustomize-controller's apply step do it, with one difference: Flux
 * dry-runs stage by stage, so an invalid Deployment is only found after
 * the CRDs and Namespaces were written. Here every object whose
 * dependencies already exist is dry-run before anything is written;
 * only objects needing a Namespace or CRD of the same set wait for
 * their stage (and are dry-run there, still before their stage writes).
 *
 * Drift: an object is written only when its dry-run result differs from
 * the live object in labels, annotations or anything outside metadata
 * and status (Flux's hasDrifted), so a second run of the same set
 * writes nothing and reports every object unchanged.
 */
#include "apply/apply.h"

#include <stdlib.h>
#include <string.h>

#include "apply/apply_int.h"
#include "apply/health.h"
#include "client/client.h"
#include "core/alloc.h"
#include "core/error.h"

#define GROUP "kustomize.toolkit.fluxcd.io"
#define NSTAGES 4
#define DEFAULT_CONCURRENCY 4 /* Flux's --concurrent-ssa */
/* Flux's stages: definitions (waited for), kinds named *Class (waited
 * for), the caller's own stage kinds, then everything else. */
enum { STAGE_DEFS, STAGE_CLASSES, STAGE_CUSTOM, STAGE_REST };

/* One object of the set through a run. All pointers are in the run's
 * arena; live and dry are the server's answers, NULL until read. */
struct item {
	cf_node *obj;           /* our copy, owner labels stamped */
	cf_inv_entry ref;
	const char *subject;
	int stage, prio;
	bool needs_set;   /* its namespace or kind comes from this set */
	bool kind_pending; /* its kind is a CRD of the set, not served yet */
	bool failed;      /* not tried any further */
	bool reported;    /* its failure is in the run's report */
	int code;         /* of the failure */
	const char *error; /* "dry-run failed (Invalid): ..." */
	bool deferred;    /* dry-run waits for its stage */
	bool recreate;    /* immutable change to force through */
	bool skip;
	cf_node *live, *dry;
	enum cf_apply_action action;
};

/* One call of cf_apply_set. Failures are collected in errs, so one
 * message can name every object that would fail. */
struct run {
	cf_arena *a;
	cf_client *c;
	const cf_apply_opts *o;
	const char *manager;
	struct item *items;
	size_t n;
	bool wrote;       /* an earlier stage wrote: dry-run again */
	cf_buf errs;
	size_t dropped;
	int first_err;
};

/* ---- ordering ---- */

/* Flux's kind order within a stage; other kinds sit at OTHERS. */
static const char *const kind_order[] = {
	"CustomResourceDefinition", "Namespace", "ClusterRole",
	"ClusterClass", "RuntimeClass", "PriorityClass", "StorageClass",
	"VolumeSnapshotClass", "IngressClass", "GatewayClass",
	"ClusterRoleBinding", "ResourceQuota", "ServiceAccount", "Role",
	"RoleBinding", "ConfigMap", "Secret", "Service", "LimitRange",
	"Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
	NULL, /* OTHERS */
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

int cf_apply__kind_prio(const char *kind)
{
	size_t others = 0;

	for (size_t i = 0; i < CF_ARRAY_SIZE(kind_order); i++) {
		if (!kind_order[i])
			others = i;
		else if (!strcmp(kind_order[i], kind))
			return (int)i;
	}
	return (int)others;
}

/* Whether "group/Kind" of a NULL-terminated list names e's kind. */
static bool in_list(const char *const *list, const cf_inv_entry *e)
{
	for (; list && *list; list++) {
		const char *slash = strchr(*list, '/');
		size_t glen = slash ? (size_t)(slash - *list) : 0;

		if (slash && !strcmp(slash + 1, e->kind) &&
		    strlen(e->group) == glen && !strncmp(*list, e->group, glen))
			return true;
	}
	return false;
}

static int stage_of(const cf_apply_opts *o, const cf_inv_entry *e)
{
	static const char *const defs[] = { "CustomResourceDefinition",
	    "Namespace", "ClusterRole", "ClusterRoleBinding" };
	size_t klen = strlen(e->kind);

	for (size_t i = 0; i < CF_ARRAY_SIZE(defs); i++)
		if (!strcmp(e->kind, defs[i]))
			return STAGE_DEFS;
	if (klen > 5 && !strcmp(e->kind + klen - 5, "Class"))
		return STAGE_CLASSES;
	if (in_list(o->stage_kinds, e))
		return STAGE_CUSTOM;
	return STAGE_REST;
}

/* Stage, kind order, then namespace and name as Flux sorts; the kind
 * name last, so equal names of other kinds keep a fixed order. */
static int item_cmp(const void *x, const void *y)
{
	const struct item *p = x, *q = y;
	int c;

	if (p->stage != q->stage)
		return p->stage - q->stage;
	if (p->prio != q->prio)
		return p->prio - q->prio;
	if ((c = strcmp(p->ref.ns, q->ref.ns)) != 0)
		return c;
	if ((c = strcmp(p->ref.name, q->ref.name)) != 0)
		return c;
	return strcmp(p->ref.kind, q->ref.kind);
}

/* ---- preparing the set ---- */

static const char *str_or(const char *s)
{
	return s ? s : "";
}

/* Note a failure on the item itself: dry-runs run in parallel, and
 * the report is put together afterwards, in apply order. */
static void fail_item(struct item *it, int code, const char *what)
{
	it->failed = true;
	it->code = code;
	it->error = what;
}

/* Add the failures noted since the last call to the report. The run
 * fails as invalid, unless access was refused somewhere: that asks for
 * other action (a service account's RBAC). */
static int collect(struct run *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];

		if (!it->failed || it->reported)
			continue;
		it->reported = true;
		if (it->code == CF_EFORBIDDEN || !r->first_err)
			r->first_err = it->code == CF_EFORBIDDEN ?
			    CF_EFORBIDDEN : CF_EINVALID;
		cf_apply__report(&r->errs, &r->dropped, "%s%s %s",
		    r->errs.len ? "\n" : "", it->subject, it->error);
	}
	return r->first_err;
}

static bool is_kind(const cf_inv_entry *e, const char *group,
    const char *kind)
{
	return !strcmp(e->group, group) && !strcmp(e->kind, kind);
}

/* The set's CRD that defines e's kind, or NULL. */
static const struct item *crd_for(const struct run *r, const cf_inv_entry *e)
{
	for (size_t i = 0; i < r->n; i++) {
		const cf_node *spec = cf_node_get(r->items[i].obj, "spec");

		if (is_kind(&r->items[i].ref, "apiextensions.k8s.io",
		    "CustomResourceDefinition") &&
		    !strcmp(str_or(cf_node_getp_str(spec, "group", NULL)),
		    e->group) &&
		    !strcmp(str_or(cf_node_getp_str(spec, "names", "kind",
		    NULL)), e->kind))
			return &r->items[i];
	}
	return NULL;
}

static bool ns_in_set(const struct run *r, const char *ns)
{
	for (size_t i = 0; *ns && i < r->n; i++)
		if (is_kind(&r->items[i].ref, "", "Namespace") &&
		    !strcmp(r->items[i].ref.name, ns))
			return true;
	return false;
}

/* Our copy of one object: owner labels, and no CRD caBundle (cert
 * injectors own it; applying it would fight them). */
static cf_node *copy_object(struct run *r, const cf_node *src)
{
	cf_node *obj = cf_node_dup(r->a, src);
	cf_node *md = cf_node_set_map(r->a, obj, "metadata");
	cf_node *labels;

	if (r->o->owner_name && r->o->owner_namespace) {
		labels = cf_node_get(md, "labels");
		if (!cf_node_is(labels, CF_NODE_MAP))
			labels = cf_node_set_map(r->a, md, "labels");
		cf_node_set(r->a, labels, GROUP "/name",
		    cf_node_str(r->a, r->o->owner_name));
		cf_node_set(r->a, labels, GROUP "/namespace",
		    cf_node_str(r->a, r->o->owner_namespace));
	}
	if (!strcmp(str_or(cf_node_getp_str(obj, "kind", NULL)),
	    "CustomResourceDefinition"))
		cf_node_del(cf_node_getp(obj, "spec", "conversion", "webhook",
		    "clientConfig", NULL), "caBundle");
	return obj;
}

/* Scope from the server (or from the set's CRD when the kind is not
 * served yet): a namespaced object needs a namespace, a cluster-scoped
 * one loses any it was given. */
static void resolve_scope(struct run *r, struct item *it)
{
	cf_client_mapping m;
	const struct item *crd = NULL;
	bool namespaced;
	int err;

	err = cf_client_mapping_for(&m, r->c, cf_node_getp_str(it->obj,
	    "apiVersion", NULL), it->ref.kind);
	if (err == CF_ENOTFOUND && (crd = crd_for(r, &it->ref)) != NULL)
		it->needs_set = it->kind_pending = true;
	else if (err < 0) {
		fail_item(it, err, cf_arena_printf(r->a,
		    "dry-run failed: %s", cf_error_msg()));
		return;
	}
	namespaced = crd ? !strcmp(str_or(cf_node_getp_str(crd->obj, "spec",
	    "scope", NULL)), "Namespaced") : m.namespaced;
	if (!namespaced && *it->ref.ns) {
		cf_node_del(cf_node_get(it->obj, "metadata"), "namespace");
		it->ref.ns = "";
		it->subject = cf_inv_subject(r->a, &it->ref);
	} else if (namespaced && !*it->ref.ns) {
		fail_item(it, CF_EINVALID, "namespace not specified");
	}
	if (ns_in_set(r, it->ref.ns))
		it->needs_set = true;
}

/* The least an object needs before the server is asked anything. */
static int check_object(const cf_node *obj, size_t i)
{
	if (cf_node_is(obj, CF_NODE_MAP) &&
	    cf_node_getp_str(obj, "apiVersion", NULL) &&
	    cf_node_getp_str(obj, "kind", NULL) &&
	    cf_node_getp_str(obj, "metadata", "name", NULL))
		return 0;
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "object %zu has no "
	    "apiVersion, kind or metadata.name", i);
}

/* Copy, identify, order, and resolve every object's scope. Objects the
 * server cannot place are reported with the dry-run's failures. */
static int prepare(struct run *r, cf_node *const *objs, size_t n)
{
	if (n > CF_APPLY_MAX_OBJECTS)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "%zu objects, more than %d", n, CF_APPLY_MAX_OBJECTS);
	r->items = cf_arena_zalloc(r->a, (n ? n : 1) * sizeof(*r->items));
	for (size_t i = 0; i < n; i++) {
		struct item *it = &r->items[i];

		if (check_object(objs[i], i) < 0)
			return CF_EINVALID;
		it->obj = copy_object(r, objs[i]);
		cf_apply__entry(&it->ref, r->a, it->obj);
		it->subject = cf_inv_subject(r->a, &it->ref);
		it->stage = stage_of(r->o, &it->ref);
		it->prio = cf_apply__kind_prio(it->ref.kind);
	}
	r->n = n;
	for (size_t i = 0; i < n; i++)
		resolve_scope(r, &r->items[i]);
	/* After resolving: a cluster-scoped object given a namespace sorts
	 * without it. Copies of one object then sit side by side. */
	qsort(r->items, n, sizeof(*r->items), item_cmp);
	for (size_t i = 1; i < n; i++)
		if (cf_inv_same(&r->items[i - 1].ref, &r->items[i].ref) &&
		    !r->items[i].failed)
			fail_item(&r->items[i], CF_EINVALID,
			    "is in the set more than once");
	return 0;
}

/* ---- dry-run ---- */

/* Force from the options, or from either side's annotation (Flux reads
 * the live object too, so force can be switched on in the cluster). */
static bool forced(const struct run *r, const struct item *it)
{
	return r->o->force ||
	    cf_apply__meta_is(it->obj, GROUP "/force", "enabled") ||
	    cf_apply__meta_is(it->live, GROUP "/force", "enabled");
}

/* kubectl's test, narrowed: a Conflict or Invalid answer that says a
 * field is immutable. Flux recreates on any Invalid answer when forced;
 * deleting an object because its new version is merely invalid loses it
 * for nothing, so the message must say "immutable". */
static bool is_immutable(int err, const char *msg)
{
	return (err == CF_ECONFLICT || err == CF_EINVALID) &&
	    (strstr(msg, "immutable") || strstr(msg, "cannot change"));
}

/* The Status reason behind a client code, for Flux's "dry-run failed
 * (Reason)" wording. */
static const char *reason_of(int err)
{
	switch (err) {
	case CF_EINVALID: return "Invalid";
	case CF_ECONFLICT: return "Conflict";
	case CF_ENOTFOUND: return "NotFound";
	case CF_EFORBIDDEN: return "Forbidden";
	case CF_EEXISTS: return "AlreadyExists";
	default: return NULL;
	}
}

/* Flux always forces conflicts: the Kustomization is the source of
 * truth for every field it sets. */
static int apply_obj(cf_node **out, cf_arena *a, struct run *r,
    const struct item *it, bool dry_run)
{
	return cf_client_apply(out, a, r->c, it->obj, &(cf_write_opts){
	    .field_manager = r->manager, .force = true, .dry_run = dry_run });
}

/* The live object (NULL when absent) and whether to leave it alone:
 * reconcile: disabled or ssa: Ignore on either side, or ssa:
 * IfNotPresent when it exists. */
static int read_live(struct run *r, struct item *it, cf_arena *a)
{
	int err = cf_client_get(&it->live, a, r->c,
	    cf_node_getp_str(it->obj, "apiVersion", NULL), it->ref.kind,
	    it->ref.ns, it->ref.name);

	if (err == CF_ENOTFOUND) {
		it->live = NULL;
		err = 0;
	}
	if (err < 0)
		return err;
	it->skip = cf_apply__meta_is(it->obj, GROUP "/reconcile", "disabled") ||
	    cf_apply__meta_is(it->obj, GROUP "/ssa", "Ignore") ||
	    cf_apply__meta_is(it->live, GROUP "/reconcile", "disabled") ||
	    cf_apply__meta_is(it->live, GROUP "/ssa", "Ignore") ||
	    (it->live && cf_apply__meta_is(it->obj, GROUP "/ssa",
	    "IfNotPresent"));
	return 0;
}

/* When a wait that starts now must end (stage waits, re-creation). */
static int64_t deadline(const struct run *r)
{
	return cf_apply__now_ms() + (r->o->wait_timeout_ms > 0 ?
	    r->o->wait_timeout_ms : 60000);
}

/* Delete the live object and wait until it is gone, so the apply that
 * follows creates it afresh. */
static int recreate(struct run *r, struct item *it, cf_arena *a)
{
	int64_t end = deadline(r);
	const char *av = cf_node_getp_str(it->obj, "apiVersion", NULL);
	int err = cf_client_delete(NULL, a, r->c, av, it->ref.kind,
	    it->ref.ns, it->ref.name, &(cf_delete_opts){
	    .propagation = CF_DELETE_BACKGROUND });

	while (err == 0 && cf_apply__now_ms() < end) {
		err = cf_client_get(NULL, a, r->c, av, it->ref.kind,
		    it->ref.ns, it->ref.name);
		if (err == 0 && !cf_apply__sleep(100, r->o->cancel))
			err = CF_ETIMEOUT;
	}
	if (err == CF_ENOTFOUND) {
		it->live = NULL;
		return 0;
	}
	if (err == 0)
		err = cf_error_setc(CF_ETIMEOUT, CF_ERR_KUBE,
		    "still present after deletion");
	return err;
}

/*
 * Dry-run one object. Preflight (before any write) only notes a forced
 * immutable change and defers objects waiting on the set; in its stage,
 * a forced immutable change deletes the object and tries again.
 */
static void dry_run(struct run *r, struct item *it, cf_arena *a,
    bool preflight)
{
	int err = read_live(r, it, a);
	const char *reason;

	if (err == 0 && it->skip)
		return;
	if (err == 0)
		err = apply_obj(&it->dry, a, r, it, true);
	if (err < 0 && is_immutable(err, cf_error_msg()) && forced(r, it)) {
		it->recreate = true;
		if (preflight)
			return;
		err = recreate(r, it, a);
		if (err == 0)
			err = apply_obj(&it->dry, a, r, it, true);
	}
	if (err == CF_ENOTFOUND && preflight && it->needs_set) {
		it->deferred = true;
		return;
	}
	if (err < 0) {
		reason = reason_of(err);
		fail_item(it, err, cf_arena_printf(a,
		    "dry-run failed%s%s%s: %s", reason ? " (" : "",
		    reason ? reason : "", reason ? ")" : "", cf_error_msg()));
	}
}

/* A CRD is Established a moment before discovery lists its kind, and
 * the client caches a miss for a second: wait for the kind, within the
 * stage timeout. Still missing, the dry-run reports it. */
static void wait_served(struct run *r, const struct item *it)
{
	int64_t end = deadline(r);
	cf_client_mapping m;

	while (cf_client_mapping_for(&m, r->c, cf_node_getp_str(it->obj,
	    "apiVersion", NULL), it->ref.kind) == CF_ENOTFOUND &&
	    cf_apply__now_ms() < end && cf_apply__sleep(250, r->o->cancel))
		;
}

/* The objects one dry-run pass covers, run in parallel. */
struct dry_pass {
	struct run *r;
	struct item **sel;
	bool preflight;
};

static void dry_run_at(void *payload, size_t i, cf_arena *a)
{
	struct dry_pass *p = payload;
	struct item *it = p->sel[i];

	if (!p->preflight && it->kind_pending)
		wait_served(p->r, it);
	dry_run(p->r, it, a, p->preflight);
}

/* In preflight (stage -1) every object not failed or deferred; in a
 * stage, its objects whose last dry-run is out of date. */
static bool needs_dry_run(const struct run *r, const struct item *it,
    int stage)
{
	if (stage < 0)
		return !it->failed && !it->deferred;
	return it->stage == stage && (r->wrote || it->deferred ||
	    it->recreate);
}

static int dry_run_pass(struct run *r, int stage)
{
	struct dry_pass p = { .r = r, .preflight = stage < 0 };
	size_t n = 0;

	p.sel = cf_arena_alloc(r->a, (r->n ? r->n : 1) * sizeof(*p.sel));
	for (size_t i = 0; i < r->n; i++)
		if (needs_dry_run(r, &r->items[i], stage))
			p.sel[n++] = &r->items[i];
	cf_apply__parallel(r->a, r->o->concurrency > 0 ? r->o->concurrency :
	    DEFAULT_CONCURRENCY, n, dry_run_at, &p);
	return collect(r);
}

/* Dry-run every object whose dependencies exist; nothing is written. */
static int preflight(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].kind_pending)
			r->items[i].deferred = true;
	return dry_run_pass(r, -1);
}

/* ---- drift ---- */

/* Labels or annotations: the server drops an empty map, the input may
 * carry one. */
static bool map_equal(const cf_node *x, const cf_node *y)
{
	if (!cf_node_count(x) && !cf_node_count(y))
		return true; /* absent, null and {} are the same */
	return cf_node_equal(x, y);
}

/* Flux's hasDrifted: labels, annotations, and every top-level field
 * but apiVersion, kind, metadata and status. */
static bool drifted(const cf_node *dry, const cf_node *live)
{
	static const char *const meta[] = { "labels", "annotations" };

	for (size_t i = 0; i < CF_ARRAY_SIZE(meta); i++)
		if (!map_equal(cf_node_getp(dry, "metadata", meta[i], NULL),
		    cf_node_getp(live, "metadata", meta[i], NULL)))
			return true;
	/* Both ways: a field only the live object has is drift too. */
	for (int side = 0; side < 2; side++) {
		const cf_node *x = side ? live : dry, *y = side ? dry : live;

		for (size_t i = 0; i < cf_node_count(x); i++) {
			const char *k = x->v.pairs[i].key;

			if (strcmp(k, "apiVersion") && strcmp(k, "kind") &&
			    strcmp(k, "metadata") && strcmp(k, "status") &&
			    !cf_node_equal(x->v.pairs[i].val,
			    cf_node_get(y, k)))
				return true;
		}
	}
	return false;
}

/* A dry-run without a resourceVersion would create the object. */
static enum cf_apply_action action_of(const struct item *it)
{
	const char *rv;

	if (it->skip)
		return CF_APPLY_SKIPPED;
	rv = cf_node_getp_str(it->dry, "metadata", "resourceVersion", NULL);
	if (!it->live || !rv || !*rv)
		return CF_APPLY_CREATED;
	return drifted(it->dry, it->live) ? CF_APPLY_CONFIGURED :
	    CF_APPLY_UNCHANGED;
}

/* ---- stages ---- */

/* Take over foreign managers' fields; an object that needed it is
 * applied even without drift, so their additions are removed. */
static int cleanup(struct run *r, struct item *it)
{
	bool patched = false;

	if (it->skip || cf_apply__cleanup(&patched, r->a, r->c, it->obj,
	    it->live, r->manager, r->o->override_managers) == 0) {
		if (patched && it->action == CF_APPLY_UNCHANGED)
			it->action = CF_APPLY_CONFIGURED;
		return 0;
	}
	return cf_error_wrap("%s metadata.managedFields cleanup failed",
	    it->subject);
}

/* Write what changed; record every object of the stage. */
static int stage_write(struct run *r, int stage, cf_change_set *out)
{
	for (size_t i = 0; i < r->n; i++) {
		struct item *it = &r->items[i];
		int err;

		if (it->stage != stage)
			continue;
		it->action = action_of(it);
		if ((err = cleanup(r, it)) < 0)
			return err;
		if (it->action == CF_APPLY_CREATED ||
		    it->action == CF_APPLY_CONFIGURED) {
			err = apply_obj(NULL, r->a, r, it, false);
			if (err < 0)
				return cf_error_wrap("%s apply failed",
				    it->subject);
			r->wrote = true;
		}
		cf_apply__record(out, r->a, &it->ref, it->action);
	}
	return 0;
}

/* Definitions and classes must be Current before what uses them. */
static int stage_wait(struct run *r, int stage)
{
	cf_inventory set = CF_INVENTORY_INIT;

	if (stage != STAGE_DEFS && stage != STAGE_CLASSES)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].stage == stage && !r->items[i].skip)
			cf_inv_add(&set, r->a, &r->items[i].ref);
	if (!set.len)
		return 0;
	return cf_health_wait(NULL, r->c, &set, &(cf_health_wait_opts){
	    .interval_ms = r->o->wait_interval_ms,
	    .timeout_ms = r->o->wait_timeout_ms, .cancel = r->o->cancel });
}

static bool stage_empty(const struct run *r, int stage)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->items[i].stage == stage)
			return false;
	return true;
}

/* The collected failures as the error message, first code wins. */
static int fail_report(struct run *r)
{
	return cf_apply__report_fail(r->first_err, &r->errs, r->dropped);
}

int cf_apply_set(cf_change_set *out, cf_arena *a, cf_client *c,
    cf_node *const *objs, size_t n, const cf_apply_opts *opts)
{
	static const cf_apply_opts zero;
	struct run r = { .a = a, .c = c, .o = opts ? opts : &zero,
	    .errs = CF_BUF_INIT };
	int err;

	r.manager = r.o->field_manager ? r.o->field_manager :
	    CF_APPLY_FIELD_MANAGER;
	/* Steps: place and order the set, dry-run it, then stage by stage
	 * dry-run again where state moved, write the drifted, wait. */
	err = prepare(&r, objs, n);
	if (err == 0)
		err = preflight(&r);
	for (int s = 0; err == 0 && s < NSTAGES; s++) {
		if (stage_empty(&r, s))
			continue;
		/* Again where earlier stages moved the state. */
		err = dry_run_pass(&r, s);
		if (err == 0)
			err = stage_write(&r, s, out);
		if (err == 0)
			err = stage_wait(&r, s);
	}
	if (err < 0 && r.errs.len)
		err = fail_report(&r);
	cf_buf_release(&r.errs);
	return err;
}
