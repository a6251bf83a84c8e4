/* SPDX-License-Identifier: Apache-2.0 */
/*
 * From URL to resource descriptor: the scheme (built-ins plus what CRDs
 * define), the merge and structural schemas each resource is written
 * with, and the CRD index kept in step with stored CRDs.
 */
#include "apiserver/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"
#include "kube/crd.h"
#include "kube/scheme.h"
#include "kube/schema.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* One served version of a CRD, with everything compiled from it. */
struct api_crd {
	struct api_crd *next;
	char *crd_name;           /* metadata.name: plural.group */
	char *group, *version, *plural;
	cf_arena arena;           /* owns crd, merge schema, columns */
	cf_node *crd;             /* a copy of the CRD object */
	cf_crd_schema *structural; /* NULL without a schema */
	const cf_schema *merge;
	cf_crd_column *columns;
	size_t ncolumns;
};

static void fill_res(api_res *res, const cf_resource_def *d)
{
	memset(res, 0, sizeof(*res));
	res->group = d->group;
	res->version = d->version;
	res->kind = d->kind;
	res->list_kind = d->list_kind;
	res->plural = d->plural;
	res->singular = d->singular;
	res->namespaced = d->namespaced;
	res->tracks_generation = (d->flags & CF_RES_GENERATION) != 0;
	res->is_crd = (d->flags & CF_RES_CUSTOM) != 0;
	res->delete_returns_object = (d->flags & CF_RES_DELETE_RETURNS_OBJ) != 0;
	res->status_subresource = cf_resource_subresource(d, "status") != NULL;
	res->scale_subresource = cf_resource_subresource(d, "scale") != NULL;
	res->entry = d;
}

static void set_key(api_res *res, cf_arena *a)
{
	res->store_key = cf_arena_printf(a, "%s/%s", res->group, res->plural);
}

int api_resolve(api_req *r)
{
	const cf_resource_def *d = cf_scheme_by_resource(r->srv->scheme,
	    r->path.group, r->path.version, r->path.resource);

	if (!d)
		return CF_ENOTFOUND;
	if (r->path.subresource && !cf_resource_subresource(d, r->path.subresource))
		return CF_ENOTFOUND;
	if (!r->path.namespace && d->namespaced && r->path.name &&
	    r->verb != CF_API_WATCH)
		return CF_ENOTFOUND; /* a namespaced object needs its namespace */
	if (r->path.namespace && !d->namespaced)
		return CF_ENOTFOUND;
	fill_res(&r->res, d);
	set_key(&r->res, r->a);
	r->has_res = true;
	return 0;
}

bool api_verb_allowed(const api_req *r)
{
	static const unsigned bits[] = {
		[CF_API_GET] = CF_VERB_GET, [CF_API_LIST] = CF_VERB_LIST,
		[CF_API_WATCH] = CF_VERB_WATCH, [CF_API_CREATE] = CF_VERB_CREATE,
		[CF_API_UPDATE] = CF_VERB_UPDATE, [CF_API_PATCH] = CF_VERB_PATCH,
		[CF_API_DELETE] = CF_VERB_DELETE,
		[CF_API_DELETECOLLECTION] = CF_VERB_DELETECOLLECTION,
	};
	const cf_resource_def *d = r->res.entry;

	if (r->verb == CF_API_NONRESOURCE)
		return true;
	if (r->path.subresource) {
		const cf_subresource_def *s = cf_resource_subresource(d,
		    r->path.subresource);
		/* The token subresource is create-only; reading /status is get. */
		return s && (s->verbs & bits[r->verb]);
	}
	return (d->verbs & bits[r->verb]) != 0;
}

struct by_key {
	const char *group, *plural;
	const cf_resource_def *found;
};

static int match_key(const cf_resource_def *d, void *payload)
{
	struct by_key *k = payload;

	if (!strcmp(d->group, k->group) && !strcmp(d->plural, k->plural)) {
		k->found = d;
		return 1;
	}
	return 0;
}

int api_res_by_key(cf_apiserver *srv, const char *key, api_res *res)
{
	const char *slash = strchr(key, '/');
	char group[256];
	struct by_key k;

	if (!slash || (size_t)(slash - key) >= sizeof(group))
		return CF_ENOTFOUND;
	memcpy(group, key, (size_t)(slash - key));
	group[slash - key] = '\0';
	k.group = group;
	k.plural = slash + 1;
	k.found = NULL;
	cf_scheme_each(srv->scheme, match_key, &k);
	if (!k.found)
		return CF_ENOTFOUND;
	fill_res(res, k.found);
	res->store_key = key;
	return 0;
}

static const struct api_crd *find_crd(const cf_apiserver *srv,
    const char *group, const char *version, const char *plural)
{
	for (const struct api_crd *c = srv->crds; c; c = c->next)
		if (!strcmp(c->group, group) && !strcmp(c->plural, plural) &&
		    (!version || !strcmp(c->version, version)))
			return c;
	return NULL;
}

const cf_schema *api_schema(const api_req *r)
{
	if (r->res.is_crd) {
		const struct api_crd *c = find_crd(r->srv, r->res.group,
		    r->res.version, r->res.plural);
		return c && c->merge ? c->merge : cf_schema_deduced();
	}
	return cf_schema_builtin(r->res.group, r->res.kind);
}

const cf_crd_schema *api_crd_schema(const api_req *r)
{
	const struct api_crd *c = find_crd(r->srv, r->res.group, r->res.version,
	    r->res.plural);

	return c ? c->structural : NULL;
}

size_t api_crd_columns(const api_req *r, const cf_crd_column **out)
{
	const struct api_crd *c = find_crd(r->srv, r->res.group, r->res.version,
	    r->res.plural);

	*out = c ? c->columns : NULL;
	return c ? c->ncolumns : 0;
}

/* ---- the CRD index --------------------------------------------------- */

static void crd_free(struct api_crd *c)
{
	cf_crd_schema_free(c->structural);
	cf_arena_release(&c->arena);
	free(c->crd_name);
	free(c->group);
	free(c->version);
	free(c->plural);
	free(c);
}

/* Drop every served version of CRD name from the index and the scheme. */
static void unserve(cf_apiserver *srv, const char *name)
{
	struct api_crd **pp = &srv->crds;

	while (*pp) {
		struct api_crd *c = *pp;
		if (strcmp(c->crd_name, name)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		cf_scheme_remove(srv->scheme, c->group, c->version, c->plural);
		crd_free(c);
	}
}

static bool is_established(const cf_node *crd)
{
	const cf_node *conds = cf_node_getp(crd, "status", "conditions", NULL);

	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const cf_node *c = cf_node_at(conds, i);
		const char *t = cf_node_getp_str(c, "type", NULL);
		const char *s = cf_node_getp_str(c, "status", NULL);
		if (t && s && !strcmp(t, "Established") && !strcmp(s, "True"))
			return true;
	}
	return false;
}

static const char **str_list(cf_arena *a, const cf_node *seq)
{
	size_t n = cf_node_count(seq);
	const char **v = cf_arena_zalloc(a, (n + 1) * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = cf_node_as_str(cf_node_at(seq, i));
	return v;
}

/* Serve one version of an established CRD. */
static void serve_version(cf_apiserver *srv, const cf_node *crd,
    const cf_node *ver)
{
	struct api_crd *c = cf_xcalloc(1, sizeof(*c));
	const cf_node *names = cf_node_getp(crd, "status", "acceptedNames", NULL);
	const cf_node *subs = cf_node_get(ver, "subresources");
	const cf_node *schema = cf_node_getp(ver, "schema", "openAPIV3Schema", NULL);
	cf_subresource_def sub[2];
	size_t nsub = 0;
	const char *scope = cf_node_getp_str(crd, "spec", "scope", NULL);

	if (!names)
		names = cf_node_getp(crd, "spec", "names", NULL);
	c->crd_name = cf_xstrdup(cf_node_getp_str(crd, "metadata", "name", NULL));
	c->group = cf_xstrdup(cf_node_getp_str(crd, "spec", "group", NULL));
	c->version = cf_xstrdup(cf_node_getp_str(ver, "name", NULL));
	c->plural = cf_xstrdup(cf_node_getp_str(names, "plural", NULL) ?
	    cf_node_getp_str(names, "plural", NULL) : "");
	c->crd = cf_node_dup(&c->arena, crd);
	if (schema && cf_crd_schema_compile(&c->structural, schema) < 0)
		cf_log_error("CRD '%s' version %s: %s", c->crd_name, c->version,
		    cf_error_msg());
	if (!schema || cf_schema_from_openapi(&c->merge, &c->arena, schema) < 0)
		c->merge = NULL;
	c->ncolumns = cf_crd_columns(&c->columns, &c->arena, c->crd,
	    cf_crd_version(c->crd, c->version));
	if (cf_node_get(subs, "status"))
		sub[nsub++] = (cf_subresource_def){ .name = "status",
			.verbs = CF_VERBS_SUB };
	if (cf_node_get(subs, "scale"))
		sub[nsub++] = (cf_subresource_def){ .name = "scale",
			.group = "autoscaling", .version = "v1", .kind = "Scale",
			.verbs = CF_VERBS_SUB };
	cf_resource_def d = {
		.group = c->group, .version = c->version,
		.kind = cf_node_getp_str(names, "kind", NULL),
		.list_kind = cf_node_getp_str(names, "listKind", NULL),
		.plural = c->plural,
		.singular = cf_node_getp_str(names, "singular", NULL),
		.namespaced = !scope || strcmp(scope, "Cluster"),
		.verbs = CF_VERBS_ALL,
		.short_names = str_list(&c->arena, cf_node_get(names, "shortNames")),
		.categories = str_list(&c->arena, cf_node_get(names, "categories")),
		.flags = CF_RES_GENERATION | CF_RES_CUSTOM,
		.propagation = CF_PROPAGATE_BACKGROUND,
		.subresources = sub, .nsubresources = nsub,
	};
	if (!d.list_kind && d.kind)
		d.list_kind = cf_arena_printf(&c->arena, "%sList", d.kind);
	if (!d.singular && d.kind) {
		char *s = cf_arena_strdup(&c->arena, d.kind);
		for (char *p = s; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		d.singular = s;
	}
	if (cf_scheme_add(srv->scheme, &d) < 0) {
		cf_log_error("cannot serve CRD '%s': %s", c->crd_name, cf_error_msg());
		crd_free(c);
		return;
	}
	c->next = srv->crds;
	srv->crds = c;
}

/* (Re)serve a CRD from its stored state. */
static void crd_changed(cf_apiserver *srv, const cf_node *crd)
{
	const char *name = cf_node_getp_str(crd, "metadata", "name", NULL);
	const cf_node *vers = cf_node_getp(crd, "spec", "versions", NULL);

	if (!name)
		return;
	unserve(srv, name);
	srv->crds_dirty = true; /* establishing may have work to do */
	api_kick_controllers(srv);
	if (!is_established(crd))
		return;
	for (size_t i = 0; i < cf_node_count(vers); i++) {
		const cf_node *v = cf_node_at(vers, i);
		const cf_node *served = cf_node_get(v, "served");
		if (served && served->type == CF_NODE_BOOL && served->v.b)
			serve_version(srv, crd, v);
	}
}

void api_crd_event(cf_apiserver *srv, const cf_store_event *ev)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *crd;

	if (ev->type == CF_STORE_DELETED)
		unserve(srv, ev->name);
	else if (cf_json_parse(&crd, &a, ev->value, ev->value_len, NULL) == 0)
		crd_changed(srv, crd);
	cf_arena_release(&a);
}

static int load_row(const cf_store_kv *kv, void *payload)
{
	cf_store_event ev = { .type = CF_STORE_ADDED, .ns = kv->ns,
		.name = kv->name, .rev = kv->rev, .value = kv->value,
		.value_len = kv->value_len };
	cf_apiserver *srv = ((void **)payload)[0];
	const char *key = ((void **)payload)[1];

	ev.resource = key;
	if (!strcmp(key, "apiextensions.k8s.io/customresourcedefinitions"))
		api_crd_event(srv, &ev);
	else
		api_rbac_event(srv, &ev);
	return 0;
}

void api_load_indexes(cf_apiserver *srv)
{
	static const char *const keys[] = {
		"rbac.authorization.k8s.io/clusterroles",
		"rbac.authorization.k8s.io/roles",
		"rbac.authorization.k8s.io/clusterrolebindings",
		"rbac.authorization.k8s.io/rolebindings",
		"apiextensions.k8s.io/customresourcedefinitions",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(*keys); i++) {
		cf_store_list_result res;
		cf_store_list_opts lo = { 0 };
		void *payload[2] = { srv, (void *)keys[i] };
		cf_store_list(srv->store, &res, keys[i], &lo, load_row, payload);
	}
}

int api_registry_init(cf_apiserver *srv)
{
	srv->scheme = cf_scheme_new();
	return 0;
}

void api_registry_free(cf_apiserver *srv)
{
	while (srv->crds) {
		struct api_crd *c = srv->crds;
		srv->crds = c->next;
		crd_free(c);
	}
	cf_scheme_free(srv->scheme);
}

const cf_node *api_crd_openapi_schema(cf_apiserver *srv,
    const cf_resource_def *d)
{
	const struct api_crd *c = find_crd(srv, d->group, d->version, d->plural);
	const cf_node *v = c ? cf_crd_version(c->crd, c->version) : NULL;

	return v ? cf_node_getp(v, "schema", "openAPIV3Schema", NULL) : NULL;
}
