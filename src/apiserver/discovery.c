/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Non-resource endpoints: /version, legacy and aggregated discovery
 * (spec/kubernetes-api.md §1.2-1.3), OpenAPI v3 (§1.4) and the health
 * probes. Every document is built from the scheme, so a CRD appears in
 * discovery as soon as it is served.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/openapi.h"
#include "kube/scheme.h"

#include <string.h>

/* kubectl's dispatcher picks its client from major/minor (§0.1). */
static const char version_json[] =
    "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.4-cflux." CF_VERSION "\","
    "\"gitCommit\":\"\",\"gitTreeState\":\"clean\",\"buildDate\":\"\","
    "\"goVersion\":\"\",\"compiler\":\"cflux\",\"platform\":\"linux/amd64\"}";

/* ---- collecting the served resources ------------------------------- */

struct gv {
	const char *group, *version;
	const cf_resource_def **defs;
	size_t n, alloc;
};

struct gvs {
	cf_arena *a;
	struct gv *v;
	size_t n, alloc;
	const char *only_group; /* NULL: all */
};

static struct gv *gv_get(struct gvs *g, const char *group, const char *version)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->v[i].group, group) && !strcmp(g->v[i].version, version))
			return &g->v[i];
	if (g->n == g->alloc) {
		size_t na = g->alloc ? g->alloc * 2 : 32;
		struct gv *v = cf_arena_zalloc(g->a, na * sizeof(*v));
		if (g->n)
			memcpy(v, g->v, g->n * sizeof(*v));
		g->v = v;
		g->alloc = na;
	}
	g->v[g->n] = (struct gv){ .group = group, .version = version };
	return &g->v[g->n++];
}

static int add_def(const cf_resource_def *d, void *payload)
{
	struct gvs *g = payload;
	struct gv *v;

	if (g->only_group && strcmp(g->only_group, d->group))
		return 0;
	v = gv_get(g, d->group, d->version);
	if (v->n == v->alloc) {
		size_t na = v->alloc ? v->alloc * 2 : 16;
		const cf_resource_def **n = cf_arena_alloc(g->a, na * sizeof(*n));
		if (v->n)
			memcpy(n, v->defs, v->n * sizeof(*n));
		v->defs = n;
		v->alloc = na;
	}
	v->defs[v->n++] = d;
	return 0;
}

static void collect(struct gvs *g, api_req *r, const char *only_group)
{
	memset(g, 0, sizeof(*g));
	g->a = r->a;
	g->only_group = only_group;
	cf_scheme_each(r->srv->scheme, add_def, g);
}

static cf_node *str_seq(cf_arena *a, const char *const *v)
{
	cf_node *s = cf_node_seq(a);

	for (; v && *v; v++)
		cf_node_push(a, s, cf_node_str(a, *v));
	return s;
}

static cf_node *verbs_seq(cf_arena *a, unsigned verbs)
{
	cf_node *s = cf_node_seq(a);

	for (unsigned i = 0; i < CF_VERB_COUNT; i++)
		if (verbs & (1u << i))
			cf_node_push(a, s, cf_node_str(a, cf_verb_name(i)));
	return s;
}

static const char *gv_string(cf_arena *a, const char *g, const char *v)
{
	return g[0] ? cf_arena_printf(a, "%s/%s", g, v) : v;
}

/* ---- legacy discovery ------------------------------------------------- */

static void add_resource_entries(cf_arena *a, cf_node *list,
    const cf_resource_def *d)
{
	cf_node *e = cf_node_map(a);

	cf_node_set(a, e, "name", cf_node_str(a, d->plural));
	cf_node_set(a, e, "singularName", cf_node_str(a, d->singular ? d->singular : ""));
	cf_node_set(a, e, "namespaced", cf_node_bool(a, d->namespaced));
	cf_node_set(a, e, "kind", cf_node_str(a, d->kind));
	cf_node_set(a, e, "verbs", verbs_seq(a, d->verbs));
	if (d->short_names && d->short_names[0])
		cf_node_set(a, e, "shortNames", str_seq(a, d->short_names));
	if (d->categories && d->categories[0])
		cf_node_set(a, e, "categories", str_seq(a, d->categories));
	cf_node_push(a, list, e);
	for (size_t i = 0; i < d->nsubresources; i++) {
		const cf_subresource_def *s = &d->subresources[i];
		cf_node *se = cf_node_map(a);
		cf_node_set(a, se, "name", cf_node_str(a,
		    cf_arena_printf(a, "%s/%s", d->plural, s->name)));
		cf_node_set(a, se, "singularName", cf_node_str(a, ""));
		cf_node_set(a, se, "namespaced", cf_node_bool(a, d->namespaced));
		if (s->group)
			cf_node_set(a, se, "group", cf_node_str(a, s->group));
		if (s->version)
			cf_node_set(a, se, "version", cf_node_str(a, s->version));
		cf_node_set(a, se, "kind", cf_node_str(a, s->kind ? s->kind : d->kind));
		cf_node_set(a, se, "verbs", verbs_seq(a, s->verbs));
		cf_node_push(a, list, se);
	}
}

static void serve_resource_list(api_req *r, const char *group,
    const char *version)
{
	struct gvs g;
	struct gv *v = NULL;
	cf_arena *a = r->a;
	cf_node *doc, *list;

	collect(&g, r, group);
	for (size_t i = 0; i < g.n; i++)
		if (!strcmp(g.v[i].version, version))
			v = &g.v[i];
	if (!v) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	doc = cf_node_map(a);
	cf_node_set(a, doc, "kind", cf_node_str(a, "APIResourceList"));
	cf_node_set(a, doc, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, doc, "groupVersion", cf_node_str(a, gv_string(a, group, version)));
	list = cf_node_seq(a);
	for (size_t i = 0; i < v->n; i++)
		add_resource_entries(a, list, v->defs[i]);
	cf_node_set(a, doc, "resources", list);
	api_reply_node(r, 200, doc);
}

/* The groups in first-seen order with their versions (preferred first). */
static cf_node *group_entry(cf_arena *a, struct gvs *g, const char *group)
{
	cf_node *e = cf_node_map(a), *vers = cf_node_seq(a), *pref = NULL;

	cf_node_set(a, e, "name", cf_node_str(a, group));
	for (size_t i = 0; i < g->n; i++) {
		cf_node *v;
		if (strcmp(g->v[i].group, group))
			continue;
		v = cf_node_map(a);
		cf_node_set(a, v, "groupVersion", cf_node_str(a,
		    gv_string(a, group, g->v[i].version)));
		cf_node_set(a, v, "version", cf_node_str(a, g->v[i].version));
		cf_node_push(a, vers, v);
		if (!pref)
			pref = cf_node_dup(a, v);
	}
	cf_node_set(a, e, "versions", vers);
	cf_node_set(a, e, "preferredVersion", pref ? pref : cf_node_map(a));
	return e;
}

static bool seen_group(struct gvs *g, size_t upto, const char *group)
{
	for (size_t i = 0; i < upto; i++)
		if (!strcmp(g->v[i].group, group))
			return true;
	return false;
}

/* ---- aggregated discovery (apidiscovery.k8s.io/v2) ------------------ */

static cf_node *agg_resource(cf_arena *a, const cf_resource_def *d)
{
	cf_node *e = cf_node_map(a), *rk = cf_node_map(a), *subs;

	cf_node_set(a, e, "resource", cf_node_str(a, d->plural));
	cf_node_set(a, rk, "group", cf_node_str(a, d->group));
	cf_node_set(a, rk, "version", cf_node_str(a, d->version));
	cf_node_set(a, rk, "kind", cf_node_str(a, d->kind));
	cf_node_set(a, e, "responseKind", rk);
	cf_node_set(a, e, "scope", cf_node_str(a, d->namespaced ? "Namespaced" : "Cluster"));
	cf_node_set(a, e, "singularResource", cf_node_str(a, d->singular ? d->singular : ""));
	cf_node_set(a, e, "verbs", verbs_seq(a, d->verbs));
	if (d->short_names && d->short_names[0])
		cf_node_set(a, e, "shortNames", str_seq(a, d->short_names));
	if (d->categories && d->categories[0])
		cf_node_set(a, e, "categories", str_seq(a, d->categories));
	if (!d->nsubresources)
		return e;
	subs = cf_node_seq(a);
	for (size_t i = 0; i < d->nsubresources; i++) {
		const cf_subresource_def *s = &d->subresources[i];
		cf_node *se = cf_node_map(a), *sk = cf_node_map(a);
		cf_node_set(a, se, "subresource", cf_node_str(a, s->name));
		cf_node_set(a, sk, "group", cf_node_str(a, s->group ? s->group : d->group));
		cf_node_set(a, sk, "version", cf_node_str(a, s->version ? s->version : d->version));
		cf_node_set(a, sk, "kind", cf_node_str(a, s->kind ? s->kind : d->kind));
		cf_node_set(a, se, "responseKind", sk);
		cf_node_set(a, se, "verbs", verbs_seq(a, s->verbs));
		cf_node_push(a, subs, se);
	}
	cf_node_set(a, e, "subresources", subs);
	return e;
}

static void serve_aggregated(api_req *r, bool legacy)
{
	struct gvs g;
	cf_arena *a = r->a;
	cf_node *doc = cf_node_map(a), *items = cf_node_seq(a);

	collect(&g, r, NULL);
	for (size_t i = 0; i < g.n; i++) {
		const char *group = g.v[i].group;
		cf_node *item, *md, *vers;
		if (legacy != !group[0] || seen_group(&g, i, group))
			continue;
		item = cf_node_map(a);
		md = cf_node_set_map(a, item, "metadata");
		cf_node_set(a, md, "name", cf_node_str(a, group));
		vers = cf_node_seq(a);
		for (size_t j = i; j < g.n; j++) {
			cf_node *v, *res;
			if (strcmp(g.v[j].group, group))
				continue;
			v = cf_node_map(a);
			cf_node_set(a, v, "version", cf_node_str(a, g.v[j].version));
			res = cf_node_seq(a);
			for (size_t k = 0; k < g.v[j].n; k++)
				cf_node_push(a, res, agg_resource(a, g.v[j].defs[k]));
			cf_node_set(a, v, "resources", res);
			cf_node_set(a, v, "freshness", cf_node_str(a, "Current"));
			cf_node_push(a, vers, v);
		}
		cf_node_set(a, item, "versions", vers);
		cf_node_push(a, items, item);
	}
	cf_node_set(a, doc, "kind", cf_node_str(a, "APIGroupDiscoveryList"));
	cf_node_set(a, doc, "apiVersion", cf_node_str(a, "apidiscovery.k8s.io/v2"));
	cf_node_set(a, doc, "metadata", cf_node_map(a));
	cf_node_set(a, doc, "items", items);
	api_set_content_type(r,
	    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
	api_reply_node(r, 200, doc);
}

static void serve_api(api_req *r)
{
	cf_arena *a = r->a;
	cf_node *doc, *cidrs, *c;

	if (r->accept == CF_ACCEPT_DISCOVERY_V2) {
		serve_aggregated(r, true);
		return;
	}
	doc = cf_node_map(a);
	cf_node_set(a, doc, "kind", cf_node_str(a, "APIVersions"));
	cf_node_set(a, doc, "versions", str_seq(a, (const char *const[]){ "v1", NULL }));
	cidrs = cf_node_seq(a);
	c = cf_node_map(a);
	cf_node_set(a, c, "clientCIDR", cf_node_str(a, "0.0.0.0/0"));
	cf_node_set(a, c, "serverAddress", cf_node_str(a, api_server_address(r->srv)));
	cf_node_push(a, cidrs, c);
	cf_node_set(a, doc, "serverAddressByClientCIDRs", cidrs);
	api_reply_node(r, 200, doc);
}

static void serve_apis(api_req *r)
{
	struct gvs g;
	cf_arena *a = r->a;
	cf_node *doc, *groups;

	if (r->accept == CF_ACCEPT_DISCOVERY_V2) {
		serve_aggregated(r, false);
		return;
	}
	collect(&g, r, NULL);
	doc = cf_node_map(a);
	groups = cf_node_seq(a);
	cf_node_set(a, doc, "kind", cf_node_str(a, "APIGroupList"));
	cf_node_set(a, doc, "apiVersion", cf_node_str(a, "v1"));
	for (size_t i = 0; i < g.n; i++)
		if (g.v[i].group[0] && !seen_group(&g, i, g.v[i].group))
			cf_node_push(a, groups, group_entry(a, &g, g.v[i].group));
	cf_node_set(a, doc, "groups", groups);
	api_reply_node(r, 200, doc);
}

static void serve_group(api_req *r, const char *group)
{
	struct gvs g;
	cf_node *e;

	collect(&g, r, group);
	if (!g.n) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	e = group_entry(r->a, &g, group);
	cf_node_set(r->a, e, "kind", cf_node_str(r->a, "APIGroup"));
	cf_node_set(r->a, e, "apiVersion", cf_node_str(r->a, "v1"));
	api_reply_node(r, 200, e);
}

/* ---- OpenAPI v3 ------------------------------------------------------ */

struct oa {
	api_req *r;
	cf_openapi_kind *v;
	size_t n, alloc;
};

static int add_oa(const cf_resource_def *d, void *payload)
{
	struct oa *o = payload;
	static const char *const with_status[] = { "status", NULL };
	static const char *const with_both[] = { "status", "scale", NULL };

	if (d->flags & CF_RES_NOT_STORED)
		return 0;
	if (o->n == o->alloc) {
		size_t na = o->alloc ? o->alloc * 2 : 64;
		cf_openapi_kind *v = cf_arena_zalloc(o->r->a, na * sizeof(*v));
		if (o->n)
			memcpy(v, o->v, o->n * sizeof(*v));
		o->v = v;
		o->alloc = na;
	}
	o->v[o->n++] = (cf_openapi_kind){ .group = d->group,
		.version = d->version, .kind = d->kind, .plural = d->plural,
		.namespaced = d->namespaced,
		.schema = (d->flags & CF_RES_CUSTOM) ?
		    api_crd_openapi_schema(o->r->srv, d) : NULL,
		.subresources = cf_resource_subresource(d, "scale") ? with_both :
		    cf_resource_subresource(d, "status") ? with_status : NULL,
		.custom = (d->flags & CF_RES_CUSTOM) != 0 };
	return 0;
}

static void serve_openapi(api_req *r)
{
	struct oa o = { .r = r };
	const char *rest = r->raw_path + strlen("/openapi/v3");

	cf_scheme_each(r->srv->scheme, add_oa, &o);
	if (!*rest || !strcmp(rest, "/")) {
		api_reply_node(r, 200, cf_openapi_root(r->a, o.v, o.n));
		return;
	}
	/* /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version> */
	rest++;
	for (size_t i = 0; i < o.n; i++) {
		const char *p = cf_openapi_gv_path(r->a, o.v[i].group, o.v[i].version);
		if (!strcmp(p, rest)) {
			api_reply_node(r, 200, cf_openapi_gv_doc(r->a, o.v[i].group,
			    o.v[i].version, o.v, o.n));
			return;
		}
	}
	api_fail(r, 404, "NotFound", "the server could not find the requested resource");
}

/* ---- dispatch ---------------------------------------------------------- */

void api_serve_nonresource(api_req *r)
{
	const cf_api_path *p = &r->path;
	const char *path = r->raw_path;

	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD")) {
		api_fail(r, 405, "MethodNotAllowed",
		    "the server does not allow this method on the requested resource");
		return;
	}
	if (!strcmp(path, "/version") || !strcmp(path, "/version/")) {
		cf_buf b = CF_BUF_INIT;
		cf_buf_adds(&b, version_json);
		api_reply(r, 200, &b);
		cf_buf_release(&b);
	} else if (!strcmp(path, "/healthz") || !strcmp(path, "/readyz") ||
	    !strcmp(path, "/livez")) {
		api_reply_text(r, 200, "ok");
	} else if (!strncmp(path, "/openapi/v3", 11)) {
		serve_openapi(r);
	} else if (p->legacy && !p->version) {
		serve_api(r);
	} else if (p->legacy) {
		serve_resource_list(r, "", p->version);
	} else if (!strcmp(path, "/apis") || !strcmp(path, "/apis/")) {
		serve_apis(r);
	} else if (p->group && !p->version) {
		serve_group(r, p->group);
	} else if (p->group && p->version) {
		serve_resource_list(r, p->group, p->version);
	} else {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
	}
}
