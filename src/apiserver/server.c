/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lifecycle of the API server and the request pipeline every request goes
 * through: authenticate → impersonate → resolve → authorize → dispatch.
 * The steps are small functions that either fill in the request or reply
 * with the error a real kube-apiserver would give and stop.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "apiserver/server.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/yaml.h"
#include "kube/scheme.h"
#include "kube/rbac.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- request pipeline ------------------------------------------------ */

typedef int (*api_step)(api_req *r);

static int step_parse(api_req *r)
{
	if (cf_api_path_parse(&r->path, r->a, r->raw_path) < 0) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return -1;
	}
	if (cf_api_opts_parse(&r->opts, &r->query) < 0) {
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
		return -1;
	}
	r->verb = cf_api_verb_of(r->method, &r->path, r->opts.watch);
	if (r->accept == CF_ACCEPT_NONE) {
		api_fail(r, 406, "NotAcceptable",
		    "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf");
		return -1;
	}
	return 0;
}

static int step_resolve(api_req *r)
{
	if (!r->path.resource_request)
		return 0;
	if (api_resolve(r) < 0) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return -1;
	}
	if (!api_verb_allowed(r)) {
		api_fail(r, 405, "MethodNotAllowed",
		    "the server does not allow this method on the requested resource");
		return -1;
	}
	return 0;
}

static int step_authorize(api_req *r)
{
	cf_buf msg = CF_BUF_INIT;
	cf_authz_attrs at;

	api_authz_attrs(r, &at);
	if (cf_rbac_authorize(r->srv->rbac, &at, NULL))
		return 0;
	cf_rbac_forbidden_message(&msg, &at, NULL);
	api_fail(r, 403, "Forbidden", "%s", msg.buf);
	cf_buf_release(&msg);
	return -1;
}

static void dispatch(api_req *r)
{
	switch (r->verb) {
	case CF_API_NONRESOURCE:
		api_serve_nonresource(r);
		break;
	case CF_API_GET:
		if (r->path.subresource)
			api_get_subresource(r);
		else
			api_handle_get(r);
		break;
	case CF_API_LIST:
		api_handle_list(r);
		break;
	case CF_API_WATCH:
		api_handle_watch(r);
		break;
	case CF_API_CREATE:
		if (api_is_review(r))
			api_handle_review(r);
		else
			api_handle_create(r);
		break;
	case CF_API_UPDATE:
		api_handle_update(r);
		break;
	case CF_API_PATCH:
		api_handle_patch(r);
		break;
	case CF_API_DELETE:
		api_handle_delete(r);
		break;
	case CF_API_DELETECOLLECTION:
		api_handle_deletecollection(r);
		break;
	}
}

void api_handle(api_req *r)
{
	static const api_step steps[] = {
		step_parse,          /* path, query options, verb, Accept */
		api_authenticate,    /* bearer token → user (401 otherwise) */
		api_impersonate,     /* Impersonate-* headers, each authorized */
		step_resolve,        /* group/version/resource → descriptor */
		step_authorize,      /* RBAC on the final identity */
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++)
		if (steps[i](r) < 0)
			return;
	dispatch(r);
	/* Writes may have queued controller work (GC, namespaces, CRDs). */
	if (r->srv->kicked)
		api_schedule_controllers(r->srv);
}

/* ---- store events: keep the in-memory indexes in step ----------------- */

/* Every committed change passes here, after the watchers got it. */
static int on_event(const cf_store_event *ev, void *payload)
{
	cf_apiserver *srv = payload;

	api_watch_dispatch(ev, srv);
	if (!strncmp(ev->resource, "rbac.authorization.k8s.io/", 26))
		api_rbac_event(srv, ev);
	else if (!strcmp(ev->resource, "apiextensions.k8s.io/customresourcedefinitions"))
		api_crd_event(srv, ev);
	if (ev->type == CF_STORE_MODIFIED && ev->value &&
	    memmem(ev->value, ev->value_len, "deletionTimestamp", 17))
		api_kick_controllers(srv);
	return 0;
}

/* ---- first start ----------------------------------------------------- */

/* Create obj (JSON text) through the normal create path, as the system. */
static void bootstrap_create(cf_apiserver *srv, const char *key,
    const char *json)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj;
	api_req r;

	if (cf_json_parse(&obj, &a, json, strlen(json), NULL) == 0 &&
	    api_sys_req(&r, srv, &a, key, obj) == 0)
		api_sys_create(&r, obj);
	cf_arena_release(&a);
}

static void bootstrap(cf_apiserver *srv)
{
	static const char *const namespaces[] = { "default", "kube-system",
		"kube-public", "kube-node-lease" };
	cf_arena a = CF_ARENA_INIT;
	cf_node *policy;
	char buf[256];

	for (size_t i = 0; i < sizeof(namespaces) / sizeof(*namespaces); i++) {
		snprintf(buf, sizeof(buf),
		    "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"%s\"}}",
		    namespaces[i]);
		bootstrap_create(srv, "/namespaces", buf);
	}
	/* The default ClusterRoles and bindings (cluster-admin, admin, edit,
	 * view, discovery ...), created when missing. */
	policy = cf_rbac_bootstrap_policy(&a);
	for (size_t i = 0; i < cf_node_count(policy); i++) {
		cf_node *obj = cf_node_at(policy, i);
		const char *kind = cf_node_getp_str(obj, "kind", NULL);
		const char *key = kind && !strcmp(kind, "ClusterRole") ?
		    "rbac.authorization.k8s.io/clusterroles" :
		    "rbac.authorization.k8s.io/clusterrolebindings";
		api_req r;
		if (api_sys_req(&r, srv, &a, key, obj) == 0)
			api_sys_create(&r, obj);
	}
	cf_arena_release(&a);
	srv->rbac_dirty = true; /* aggregate admin/edit/view */
	api_kick_controllers(srv);
	api_run_controllers(srv);
}

/* Create obj, or replace the stored one when it differs. */
static int ensure_one(cf_apiserver *srv, cf_arena *a, cf_node *obj)
{
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const char *slash = av ? strchr(av, '/') : NULL;
	const char *group = slash ? cf_arena_strndup(a, av, (size_t)(slash - av)) : "";
	const cf_resource_def *d;
	cf_node *old;
	int64_t rev;
	api_req r;
	int err;

	if (!av || !kind || !name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "object without apiVersion, kind or metadata.name");
	d = cf_scheme_by_gvk(srv->scheme, group, slash ? slash + 1 : av, kind);
	if (!d)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "'%s/%s': no such kind is served", kind, name);
	if (api_sys_req(&r, srv, a, cf_arena_printf(a, "%s/%s", d->group,
	    d->plural), obj) < 0)
		return CF_ENOTFOUND;
	err = api_load(&r, &old, &rev, api_obj_ns(&r, obj), name);
	if (err == CF_ENOTFOUND) {
		r.path.name = NULL;
		api_create_object(&r, obj);
	} else if (err == 0) {
		/* Only what the stream says is ours to set: keep what the
		 * server added (finalizers, field ownership). */
		static const char *const keep[] = { "finalizers", "managedFields" };
		cf_node *md = cf_node_set_map(a, obj, "metadata");
		for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++) {
			const cf_node *v = cf_node_getp(old, "metadata", keep[i], NULL);
			if (v && !cf_node_get(md, keep[i]))
				cf_node_set(a, md, keep[i], cf_node_dup(a, v));
		}
		api_finish_update(&r, obj, old, rev, rev, false);
	}
	if (err < 0 && err != CF_ENOTFOUND)
		return err;
	if (r.code >= 400)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot install %s '%s' (HTTP %d)", kind, name, r.code);
	return 0;
}

int cf_apiserver_ensure_objects(cf_apiserver *srv, const char *yaml, size_t len)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node **docs;
	size_t n;
	int err;

	err = cf_yaml_parse(&docs, &n, &a, yaml, len,
	    &(cf_yaml_opts){ .schema = CF_YAML_11 });
	for (size_t i = 0; err == 0 && i < n; i++)
		if (docs[i] && docs[i]->type == CF_NODE_MAP)
			err = ensure_one(srv, &a, docs[i]);
	cf_arena_release(&a);
	/* New CRDs: establish them now so they serve from the first request. */
	api_run_controllers(srv);
	return err;
}

/* ---- lifecycle ------------------------------------------------------- */

int cf_apiserver_new(cf_apiserver **out, const cf_apiserver_opts *opts)
{
	cf_apiserver *srv = cf_xcalloc(1, sizeof(*srv));
	char path[4096];
	int err;

	srv->data_dir = cf_xstrdup(opts->data_dir);
	snprintf(path, sizeof(path), "%s/cflux.db", opts->data_dir);
	err = cf_store_open(&srv->store, path, &(cf_store_opts){
	    .keep_revs = opts->history_revisions,
	    .keep_ms = opts->history_seconds * 1000,
	    .no_keep = opts->history_revisions < 0 && opts->history_seconds < 0 });
	if (err < 0)
		goto fail;
	srv->rbac = cf_rbac_new();
	err = api_registry_init(srv);
	if (err < 0)
		goto fail;
	err = api_auth_init(srv);
	if (err < 0)
		goto fail;
	/* Load what is stored before anything can change it. */
	api_load_indexes(srv);
	srv->sub_id = cf_store_subscribe(srv->store, on_event, srv);
	bootstrap(srv);
	err = api_http_init(srv, opts);
	if (err < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	cf_apiserver_free(srv);
	return err;
}

void cf_apiserver_free(cf_apiserver *srv)
{
	if (!srv)
		return;
	while (srv->watchers)
		api_watch_close(srv->watchers);
	api_pod_log_close_all(srv);
	free(srv->self_pod_ns);
	free(srv->self_pod_name);
	api_http_free(srv);
	api_auth_free(srv);
	api_registry_free(srv);
	cf_rbac_free(srv->rbac);
	cf_store_close(srv->store);
	free(srv->data_dir);
	free(srv);
}

const char *cf_apiserver_admin_token(const cf_apiserver *s)
{
	return s->admin_token;
}
