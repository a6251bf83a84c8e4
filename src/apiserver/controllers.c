/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controllers kube-controller-manager and apiextensions run behind a
 * real API server, in miniature, on the server's loop: namespace deletion
 * (removing a terminating namespace's content, then the namespace), the
 * garbage collector (ownerReferences: background, foreground and orphan
 * deletion) and CRD establishing (names, conditions, CR cleanup on
 * deletion). They act through the same write paths as clients, as the
 * system user, so every change is a normal revision with normal events.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "kube/crd.h"
#include "kube/rbac.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRD_CLEANUP_FINALIZER "customresourcecleanup.apiextensions.k8s.io"

/* ---- small helpers over the store ---------------------------------- */

struct collect {
	cf_arena *a;
	cf_node **v;
	size_t n, alloc;
	const char *owner_uid; /* only objects owned by this uid, if set */
	const char *needle;    /* only objects whose bytes contain this */
};

static bool owned_by(const cf_node *obj, const char *uid)
{
	const cf_node *refs = cf_node_getp(obj, "metadata", "ownerReferences", NULL);

	for (size_t i = 0; i < cf_node_count(refs); i++) {
		const char *u = cf_node_getp_str(cf_node_at(refs, i), "uid", NULL);
		if (u && !strcmp(u, uid))
			return true;
	}
	return false;
}

static int collect_row(const cf_store_kv *kv, void *payload)
{
	struct collect *c = payload;
	cf_node *obj;

	/* Cheap pre-filters on the raw bytes before parsing anything. */
	if (c->needle && !memmem(kv->value, kv->value_len, c->needle,
	    strlen(c->needle)))
		return 0;
	if (c->owner_uid && !memmem(kv->value, kv->value_len, c->owner_uid,
	    strlen(c->owner_uid)))
		return 0;
	if (cf_json_parse(&obj, c->a, kv->value, kv->value_len, NULL) < 0)
		return 0;
	if (c->owner_uid && !owned_by(obj, c->owner_uid))
		return 0;
	if (c->n == c->alloc) {
		size_t na = c->alloc ? c->alloc * 2 : 16;
		cf_node **v = cf_arena_alloc(c->a, na * sizeof(*v));
		if (c->n)
			memcpy(v, c->v, c->n * sizeof(*v));
		c->v = v;
		c->alloc = na;
	}
	c->v[c->n++] = obj;
	return 0;
}

/* Objects of resource key (in ns if set), optionally owned by uid. */
static void collect(struct collect *c, cf_apiserver *srv, const char *key,
    const char *ns)
{
	cf_store_list_result res;
	cf_store_list_opts lo = { .ns = ns };

	cf_store_list(srv->store, &res, key, &lo, collect_row, c);
}

struct keys {
	cf_arena *a;
	const char **v;
	size_t n, alloc;
};

static int add_key(const char *s, void *payload)
{
	struct keys *k = payload;

	if (k->n == k->alloc) {
		size_t na = k->alloc ? k->alloc * 2 : 16;
		const char **v = cf_arena_alloc(k->a, na * sizeof(*v));
		if (k->n)
			memcpy(v, k->v, k->n * sizeof(*v));
		k->v = v;
		k->alloc = na;
	}
	k->v[k->n++] = cf_arena_strdup(k->a, s);
	return 0;
}

/* ---- garbage collection --------------------------------------------- */

void api_gc_owner_gone(cf_apiserver *srv, const char *uid, bool orphan)
{
	struct api_gc_item *it = calloc(1, sizeof(*it));

	if (!it)
		abort();
	snprintf(it->uid, sizeof(it->uid), "%s", uid);
	it->orphan = orphan;
	it->next = srv->gc_queue;
	srv->gc_queue = it;
	api_kick_controllers(srv);
}

/* Drop the owner reference to uid from obj (orphaning). */
static void drop_owner_ref(cf_apiserver *srv, cf_arena *a, const char *key,
    cf_node *obj, const char *uid)
{
	cf_node *refs = cf_node_getp(obj, "metadata", "ownerReferences", NULL);
	api_req r;

	for (size_t i = 0; i < cf_node_count(refs);) {
		const char *u = cf_node_getp_str(cf_node_at(refs, i), "uid", NULL);
		if (u && !strcmp(u, uid))
			cf_node_remove(refs, i);
		else
			i++;
	}
	if (refs && !cf_node_count(refs))
		cf_node_del(cf_node_get(obj, "metadata"), "ownerReferences");
	if (api_sys_req(&r, srv, a, key, obj) == 0)
		api_store_raw(&r, obj, cf_meta_rv(obj));
}

/* Visit every dependent of uid in every resource. */
static size_t for_dependents(cf_apiserver *srv, cf_arena *a, const char *uid,
    bool orphan, bool count_blocking_only)
{
	struct keys keys = { .a = a };
	size_t found = 0;

	cf_store_resources(srv->store, NULL, add_key, &keys);
	for (size_t k = 0; k < keys.n; k++) {
		struct collect c = { .a = a, .owner_uid = uid };
		collect(&c, srv, keys.v[k], NULL);
		for (size_t i = 0; i < c.n; i++) {
			api_req r;
			found++;
			if (count_blocking_only)
				continue;
			if (orphan) {
				drop_owner_ref(srv, a, keys.v[k], c.v[i], uid);
			} else if (!cf_meta_deleting(c.v[i]) &&
			    api_sys_req(&r, srv, a, keys.v[k], c.v[i]) == 0) {
				r.opts.propagation = CF_PROP_BACKGROUND;
				api_delete_one(&r, c.v[i],
				    cf_node_getp_str(c.v[i], "metadata", "name", NULL));
			}
		}
	}
	return found;
}

static void run_gc_queue(cf_apiserver *srv)
{
	struct api_gc_item *q = srv->gc_queue, *next;

	srv->gc_queue = NULL;
	for (; q; q = next) {
		cf_arena a = CF_ARENA_INIT;
		next = q->next;
		for_dependents(srv, &a, q->uid, q->orphan, false);
		cf_arena_release(&a);
		free(q);
	}
}

/* Objects waiting on foregroundDeletion / orphan finalizers. */
static void run_propagation_finalizers(cf_apiserver *srv, cf_arena *a)
{
	struct keys keys = { .a = a };

	cf_store_resources(srv->store, NULL, add_key, &keys);
	for (size_t k = 0; k < keys.n; k++) {
		struct collect c = { .a = a, .needle = "deletionTimestamp" };
		collect(&c, srv, keys.v[k], NULL);
		for (size_t i = 0; i < c.n; i++) {
			cf_node *obj = c.v[i];
			const char *uid = cf_node_getp_str(obj, "metadata", "uid", NULL);
			bool fg = cf_meta_has_finalizer(obj, "foregroundDeletion");
			bool orph = cf_meta_has_finalizer(obj, "orphan");
			api_req r;
			if (!cf_meta_deleting(obj) || (!fg && !orph) || !uid)
				continue;
			if (orph) {
				for_dependents(srv, a, uid, true, false);
				cf_meta_remove_finalizer(obj, "orphan");
			} else if (for_dependents(srv, a, uid, false, false) == 0) {
				cf_meta_remove_finalizer(obj, "foregroundDeletion");
			} else {
				continue; /* dependents still going */
			}
			if (api_sys_req(&r, srv, a, keys.v[k], obj) < 0)
				continue;
			/* The last finalizer gone ends the deletion. */
			if (cf_meta_finalizer_count(obj) == 0)
				api_remove_object(&r, obj, cf_meta_rv(obj), 200);
			else
				api_store_raw(&r, obj, cf_meta_rv(obj));
		}
	}
}

/* ---- namespaces ------------------------------------------------------ */

/* Delete everything in a terminating namespace; finish it when empty. */
static void finish_namespace(cf_apiserver *srv, cf_arena *a, cf_node *ns)
{
	const char *name = cf_node_getp_str(ns, "metadata", "name", NULL);
	struct keys keys = { .a = a };
	size_t left = 0;
	cf_node *fins;
	api_req r;

	cf_store_resources(srv->store, name, add_key, &keys);
	for (size_t k = 0; k < keys.n; k++) {
		struct collect c = { .a = a };
		collect(&c, srv, keys.v[k], name);
		for (size_t i = 0; i < c.n; i++) {
			left++;
			if (cf_meta_deleting(c.v[i]))
				continue;
			if (api_sys_req(&r, srv, a, keys.v[k], c.v[i]) == 0) {
				r.opts.propagation = CF_PROP_BACKGROUND;
				api_delete_one(&r, c.v[i], cf_node_getp_str(c.v[i],
				    "metadata", "name", NULL));
			}
		}
	}
	if (left)
		return; /* finalizers of the content still pending */
	fins = cf_node_getp(ns, "spec", "finalizers", NULL);
	for (size_t i = 0; i < cf_node_count(fins);) {
		const char *f = cf_node_as_str(cf_node_at(fins, i));
		if (f && !strcmp(f, "kubernetes"))
			cf_node_remove(fins, i);
		else
			i++;
	}
	if (api_sys_req(&r, srv, a, "/namespaces", ns) < 0)
		return;
	if (cf_node_count(fins) == 0 && cf_meta_finalizer_count(ns) == 0)
		api_remove_object(&r, ns, cf_meta_rv(ns), 200);
	else
		api_store_raw(&r, ns, cf_meta_rv(ns));
}

static void run_namespaces(cf_apiserver *srv, cf_arena *a)
{
	struct collect c = { .a = a };

	collect(&c, srv, "/namespaces", NULL);
	for (size_t i = 0; i < c.n; i++)
		if (cf_meta_deleting(c.v[i]))
			finish_namespace(srv, a, c.v[i]);
}

/* ---- CRDs ------------------------------------------------------------ */

static void set_condition(cf_arena *a, cf_node *conds,
    const cf_crd_condition *c, const char *now)
{
	cf_node *cond = NULL;

	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const char *t = cf_node_getp_str(cf_node_at(conds, i), "type", NULL);
		if (t && !strcmp(t, c->type))
			cond = cf_node_at(conds, i);
	}
	if (!cond) {
		cond = cf_node_map(a);
		cf_node_push(a, conds, cond);
		cf_node_set(a, cond, "type", cf_node_str(a, c->type));
	}
	if (!cf_node_getp_str(cond, "status", NULL) ||
	    strcmp(cf_node_getp_str(cond, "status", NULL), c->status))
		cf_node_set(a, cond, "lastTransitionTime", cf_node_str(a, now));
	cf_node_set(a, cond, "status", cf_node_str(a, c->status));
	cf_node_set(a, cond, "reason", cf_node_str(a, c->reason));
	cf_node_set(a, cond, "message", cf_node_str(a, c->message ? c->message : ""));
}

/* Names and conditions for one CRD; a status write when they change. */
static void establish(cf_apiserver *srv, cf_arena *a, cf_node *crd,
    struct collect *all)
{
	cf_crd_naming nm;
	cf_node *copy = cf_node_dup(a, crd), *status, *conds, *stored;
	const cf_node *ver = cf_crd_version(crd, NULL);
	char now[32];
	api_req r;

	cf_crd_naming_compute(&nm, a, crd, (const cf_node *const *)all->v, all->n);
	cf_meta_now(now);
	status = cf_node_set_map(a, copy, "status");
	conds = cf_node_get(status, "conditions");
	if (!cf_node_is(conds, CF_NODE_SEQ)) {
		conds = cf_node_seq(a);
		cf_node_set(a, status, "conditions", conds);
	}
	set_condition(a, conds, &nm.names_accepted, now);
	set_condition(a, conds, &nm.established, now);
	if (nm.accepted_names)
		cf_node_set(a, status, "acceptedNames", nm.accepted_names);
	stored = cf_node_seq(a);
	if (ver && cf_node_getp_str(ver, "name", NULL))
		cf_node_push(a, stored, cf_node_str(a, cf_node_getp_str(ver, "name", NULL)));
	if (!cf_node_get(status, "storedVersions"))
		cf_node_set(a, status, "storedVersions", stored);
	if (cf_node_equal(copy, crd))
		return;
	if (api_sys_req(&r, srv, a, "apiextensions.k8s.io/customresourcedefinitions",
	    copy) == 0)
		api_store_raw(&r, copy, cf_meta_rv(crd));
}

/* A deleted CRD: remove its custom resources, then its finalizer. */
static void cleanup_crd(cf_apiserver *srv, cf_arena *a, cf_node *crd)
{
	const char *group = cf_node_getp_str(crd, "spec", "group", NULL);
	const char *plural = cf_node_getp_str(crd, "spec", "names", "plural", NULL);
	const char *key;
	struct collect c = { .a = a };
	api_req r;

	if (!group || !plural)
		return;
	key = cf_arena_printf(a, "%s/%s", group, plural);
	collect(&c, srv, key, NULL);
	for (size_t i = 0; i < c.n; i++)
		if (!cf_meta_deleting(c.v[i]) && api_sys_req(&r, srv, a, key, c.v[i]) == 0)
			api_delete_one(&r, c.v[i], cf_node_getp_str(c.v[i],
			    "metadata", "name", NULL));
	if (c.n) {
		/* Come back once their own finalizers let them go. */
		srv->crds_dirty = true;
		api_kick_controllers(srv);
		return;
	}
	cf_meta_remove_finalizer(crd, CRD_CLEANUP_FINALIZER);
	if (api_sys_req(&r, srv, a, "apiextensions.k8s.io/customresourcedefinitions",
	    crd) < 0)
		return;
	if (cf_meta_finalizer_count(crd) == 0)
		api_remove_object(&r, crd, cf_meta_rv(crd), 200);
	else
		api_store_raw(&r, crd, cf_meta_rv(crd));
}

static void run_crds(cf_apiserver *srv, cf_arena *a)
{
	struct collect c = { .a = a };

	collect(&c, srv, "apiextensions.k8s.io/customresourcedefinitions", NULL);
	for (size_t i = 0; i < c.n; i++) {
		if (cf_meta_deleting(c.v[i]))
			cleanup_crd(srv, a, c.v[i]);
		else
			establish(srv, a, c.v[i], &c);
	}
}

/* ---- RBAC aggregation ----------------------------------------------------- */

/* ClusterRoles with an aggregationRule get the union of the rules of the
 * roles their selectors match (admin, edit and view among them). */
static void run_aggregation(cf_apiserver *srv, cf_arena *a)
{
	struct collect c = { .a = a, .needle = "aggregationRule" };

	collect(&c, srv, "rbac.authorization.k8s.io/clusterroles", NULL);
	for (size_t i = 0; i < c.n; i++) {
		cf_node *role = c.v[i], *rules;
		const cf_node *cur = cf_node_get(role, "rules");
		api_req r;
		if (!cf_node_get(role, "aggregationRule") ||
		    cf_rbac_aggregate_rules(&rules, a, srv->rbac, role) < 0)
			continue;
		if (cur && cf_node_equal(cur, rules))
			continue;
		cf_node_set(a, role, "rules", rules);
		if (api_sys_req(&r, srv, a, "rbac.authorization.k8s.io/clusterroles",
		    role) == 0)
			api_store_raw(&r, role, cf_meta_rv(role));
	}
}

/* ---- driver ------------------------------------------------------------ */

/*
 * One pass of every controller, when something asked for it. Each runs
 * to a fixed point over a few passes rather than recursing: deleting a
 * namespace's content kicks the GC, which kicks the namespace check again.
 */
void api_run_controllers(cf_apiserver *srv)
{
	for (int pass = 0; pass < 4 && srv->kicked; pass++) {
		cf_arena a = CF_ARENA_INIT;
		srv->kicked = false;
		run_gc_queue(srv);
		run_propagation_finalizers(srv, &a);
		run_namespaces(srv, &a);
		if (srv->crds_dirty) {
			srv->crds_dirty = false;
			run_crds(srv, &a);
		}
		if (srv->rbac_dirty) {
			srv->rbac_dirty = false;
			run_aggregation(srv, &a);
		}
		cf_arena_release(&a);
	}
}

void api_kick_controllers(cf_apiserver *srv)
{
	srv->kicked = true;
}
