/* SPDX-License-Identifier: Apache-2.0 */
/*
 * OpenAPI v3 documents shaped like kube-apiserver's. kubectl does not read
 * most of what the real server publishes: before apply/create it looks in
 * the object's group-version document for a path item whose patch
 * operation carries x-kubernetes-group-version-kind equal to the object's
 * GVK and a fieldValidation query parameter (then it sends
 * fieldValidation=Strict and lets the server check fields), and explain
 * walks components.schemas for the entry tagged with the GVK. So paths
 * carry full operations and parameters inline, and schemas exist only for
 * kinds we have one for.
 */
#include "kube/openapi.h"

#include "core/alloc.h"
#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cf_node *str(cf_arena *a, const char *s)
{
	return cf_node_str(a, s);
}

static cf_node *map_set_str(cf_arena *a, cf_node *m, const char *k,
    const char *v)
{
	cf_node_set(a, m, k, str(a, v));
	return m;
}

static bool str_eq(const char *x, const char *y)
{
	return !strcmp(x ? x : "", y ? y : "");
}

size_t cf_openapi_kinds_from_crd(cf_openapi_kind *out, size_t max,
    const cf_node *crd)
{
	static const char *const none[] = { NULL };
	static const char *const status[] = { "status", NULL };
	static const char *const scale[] = { "scale", NULL };
	static const char *const both[] = { "status", "scale", NULL };
	const cf_node *spec = cf_node_get(crd, "spec");
	const cf_node *vs = cf_node_get(spec, "versions");
	size_t n = 0;

	for (size_t i = 0; i < cf_node_count(vs) && n < max; i++) {
		const cf_node *v = cf_node_at(vs, i);
		const cf_node *served = cf_node_get(v, "served");
		const cf_node *sub = cf_node_get(v, "subresources");
		bool st = cf_node_get(sub, "status") != NULL;
		bool sc = cf_node_get(sub, "scale") != NULL;

		/* Unserved versions have no endpoints, so no paths either. */
		if (!cf_node_is(served, CF_NODE_BOOL) || !served->v.b)
			continue;
		out[n] = (cf_openapi_kind){
			.group = cf_node_getp_str(spec, "group", NULL),
			.version = cf_node_getp_str(v, "name", NULL),
			.kind = cf_node_getp_str(spec, "names", "kind", NULL),
			.plural = cf_node_getp_str(spec, "names", "plural", NULL),
			.namespaced = str_eq(cf_node_getp_str(spec, "scope", NULL),
			    "Namespaced"),
			.custom = true,
			.schema = cf_node_getp(v, "schema", "openAPIV3Schema", NULL),
			.subresources = st && sc ? both : st ? status : sc ? scale :
			    none,
		};
		if (!out[n].group || !out[n].version || !out[n].kind ||
		    !out[n].plural)
			continue;
		n++;
	}
	return n;
}

const char *cf_openapi_gv_path(cf_arena *a, const char *group,
    const char *version)
{
	if (!group || !*group)
		return cf_arena_printf(a, "api/%s", version);
	return cf_arena_printf(a, "apis/%s/%s", group, version);
}

const char *cf_openapi_schema_name(cf_arena *a, const char *group,
    const char *version, const char *kind)
{
	cf_buf b = CF_BUF_INIT;
	const char *end, *out;

	if (!group || !*group)
		return cf_arena_printf(a, "io.k8s.api.core.v1.%s", kind);
	/* Reverse the DNS labels: source.toolkit.fluxcd.io → io.fluxcd.… */
	end = group + strlen(group);
	while (end > group) {
		const char *dot = end;

		while (dot > group && dot[-1] != '.')
			dot--;
		if (b.len)
			cf_buf_addch(&b, '.');
		cf_buf_add(&b, dot, (size_t)(end - dot));
		end = dot > group ? dot - 1 : group;
	}
	cf_buf_addf(&b, ".%s.%s", version, kind);
	out = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return out;
}

/* "source.toolkit.fluxcd.io" → "SourceToolkitFluxcdIo", "" → "Core":
 * the group part of kube-apiserver's operation IDs. */
static void add_camel(cf_buf *b, const char *s)
{
	bool up = true;

	for (; *s; s++) {
		if (*s == '.' || *s == '-') {
			up = true;
			continue;
		}
		if (up && *s >= 'a' && *s <= 'z')
			cf_buf_addch(b, (char)(*s - 'a' + 'A'));
		else
			cf_buf_addch(b, *s);
		up = false;
	}
}

static const char *op_id(cf_arena *a, const char *verb,
    const cf_openapi_kind *k, bool all_ns, const char *suffix)
{
	cf_buf b = CF_BUF_INIT;
	const char *out;

	cf_buf_adds(&b, verb);
	add_camel(&b, k->group && *k->group ? k->group : "core");
	add_camel(&b, k->version);
	if (k->namespaced && !all_ns)
		cf_buf_adds(&b, "Namespaced");
	cf_buf_adds(&b, k->kind);
	if (all_ns)
		cf_buf_adds(&b, "ForAllNamespaces");
	if (suffix)
		cf_buf_adds(&b, suffix);
	out = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return out;
}

/* One inline parameter object. kube-apiserver references shared
 * components.parameters; kubectl resolves both, and inline keeps each
 * document self-contained. */
static cf_node *param(cf_arena *a, const char *name, const char *in,
    const char *desc, bool required, bool unique)
{
	cf_node *p = cf_node_map(a);

	map_set_str(a, p, "name", name);
	map_set_str(a, p, "in", in);
	map_set_str(a, p, "description", desc);
	if (required)
		cf_node_set(a, p, "required", cf_node_bool(a, true));
	map_set_str(a, cf_node_set_map(a, p, "schema"), "type",
	    !strcmp(name, "force") ? "boolean" : "string");
	if (unique)
		cf_node_set(a, cf_node_get(p, "schema"), "uniqueItems",
		    cf_node_bool(a, true));
	return p;
}

/* The query parameters of writes. fieldValidation is the one kubectl's
 * support check looks for. */
static void add_write_params(cf_arena *a, cf_node *op, bool patch)
{
	cf_node *ps = cf_node_seq(a);

	cf_node_push(a, ps, param(a, "dryRun", "query", "When present, "
	    "indicates that modifications should not be persisted. Valid "
	    "values are: - All: all dry run stages will be processed", false,
	    true));
	cf_node_push(a, ps, param(a, "fieldManager", "query", "fieldManager "
	    "is a name associated with the actor or entity that is making "
	    "these changes.", false, true));
	cf_node_push(a, ps, param(a, "fieldValidation", "query",
	    "fieldValidation instructs the server on how to handle objects in "
	    "the request (POST/PUT/PATCH) containing unknown or duplicate "
	    "fields. Valid values are: - Ignore - Warn - Strict", false, true));
	if (patch)
		cf_node_push(a, ps, param(a, "force", "query", "Force is going to "
		    "\"force\" Apply requests. It means user will re-acquire "
		    "conflicting fields owned by other people.", false, true));
	cf_node_set(a, op, "parameters", ps);
}

static cf_node *ref(cf_arena *a, const char *name)
{
	return map_set_str(a, cf_node_map(a), "$ref",
	    cf_arena_printf(a, "#/components/schemas/%s", name));
}

static cf_node *gvk(cf_arena *a, const char *g, const char *v, const char *k)
{
	cf_node *m = cf_node_map(a);

	map_set_str(a, m, "group", g ? g : "");
	map_set_str(a, m, "kind", k);
	map_set_str(a, m, "version", v);
	return m;
}

struct op_spec {
	const char *method;  /* key in the path item */
	const char *verb;    /* operation id prefix */
	const char *action;  /* x-kubernetes-action */
	const char *suffix;  /* operation id suffix ("Status") */
	bool all_ns;
};

/* An operation carries the GVK of what it returns or accepts (rg/rv/rk:
 * the kind itself, or autoscaling/v1 Scale for /scale), which is how
 * kubectl maps an object to the operation it would call. */
static cf_node *operation(cf_arena *a, const cf_openapi_kind *k,
    const struct op_spec *o, const char *schema_name, const char *rg,
    const char *rv, const char *rk)
{
	cf_node *op = cf_node_map(a);
	cf_node *tags = cf_node_seq(a);
	cf_node *resp, *content;
	bool write = !strcmp(o->action, "post") || !strcmp(o->action, "put") ||
	    !strcmp(o->action, "patch");

	cf_node_push(a, tags, str(a, k->group && *k->group ? k->group : "core_v1"));
	cf_node_set(a, op, "tags", tags);
	map_set_str(a, op, "operationId", op_id(a, o->verb, k, o->all_ns,
	    o->suffix));
	if (write)
		add_write_params(a, op, !strcmp(o->action, "patch"));
	if (!strcmp(o->action, "patch")) {
		static const char *const types[] = {
			"application/apply-patch+yaml", "application/json-patch+json",
			"application/merge-patch+json",
			"application/strategic-merge-patch+json",
		};
		cf_node *body = cf_node_set_map(a, op, "requestBody");

		content = cf_node_set_map(a, body, "content");
		/* kubectl's client-side apply computes a strategic merge
		 * patch only when the operation accepts one; custom
		 * resources refuse it (415), so they do not list it. */
		for (size_t i = 0; i < CF_ARRAY_SIZE(types) - (k->custom ? 1 : 0);
		     i++)
			cf_node_set(a, cf_node_set_map(a, content, types[i]),
			    "schema", ref(a,
			    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"));
		cf_node_set(a, body, "required", cf_node_bool(a, true));
	} else if (write && schema_name) {
		cf_node *body = cf_node_set_map(a, op, "requestBody");

		content = cf_node_set_map(a, body, "content");
		cf_node_set(a, cf_node_set_map(a, content, "*/*"), "schema",
		    ref(a, schema_name));
		cf_node_set(a, body, "required", cf_node_bool(a, true));
	}
	resp = cf_node_set_map(a, cf_node_set_map(a, op, "responses"), "200");
	map_set_str(a, resp, "description", "OK");
	if (schema_name && strcmp(o->action, "list") &&
	    strcmp(o->action, "delete") && strcmp(o->action, "deletecollection"))
		cf_node_set(a, cf_node_set_map(a, cf_node_set_map(a, resp,
		    "content"), "application/json"), "schema",
		    ref(a, schema_name));
	map_set_str(a, op, "x-kubernetes-action", o->action);
	cf_node_set(a, op, "x-kubernetes-group-version-kind", gvk(a, rg, rv, rk));
	return op;
}

static cf_node *path_params(cf_arena *a, bool ns, bool name)
{
	cf_node *ps = cf_node_seq(a);

	if (name)
		cf_node_push(a, ps, param(a, "name", "path", "name of the "
		    "resource", true, true));
	if (ns)
		cf_node_push(a, ps, param(a, "namespace", "path", "object name "
		    "and auth scope, such as for teams and projects", true, true));
	cf_node_push(a, ps, param(a, "pretty", "query", "If 'true', then the "
	    "output is pretty printed.", false, true));
	return ps;
}

static void add_path(cf_arena *a, cf_node *paths, const char *url,
    const cf_openapi_kind *k, const struct op_spec *ops, size_t n_ops,
    bool ns, bool name, const char *schema_name, const char *rg,
    const char *rv, const char *rk)
{
	cf_node *item = cf_node_map(a);

	for (size_t i = 0; i < n_ops; i++)
		cf_node_set(a, item, ops[i].method, operation(a, k, &ops[i],
		    schema_name, rg, rv, rk));
	cf_node_set(a, item, "parameters", path_params(a, ns, name));
	cf_node_set(a, paths, url, item);
}

static const char *const api_version_desc =
    "APIVersion defines the versioned schema of this representation of an "
    "object. Servers should convert recognized schemas to the latest "
    "internal value, and may reject unrecognized values. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#resources";
static const char *const kind_desc =
    "Kind is a string value representing the REST resource this object "
    "represents. Servers may infer this from the endpoint the client "
    "submits requests to. Cannot be updated. In CamelCase. More info: "
    "https://git.k8s.io/community/contributors/devel/sig-architecture/"
    "api-conventions.md#types-kinds";
static const char *const metadata_desc =
    "Standard object's metadata. More info: https://git.k8s.io/community/"
    "contributors/devel/sig-architecture/api-conventions.md#metadata";

/* The CR schema as the server publishes it: the CRD's schema plus the
 * standard apiVersion/kind/metadata descriptions and the GVK tag. */
static cf_node *kind_schema(cf_arena *a, const cf_openapi_kind *k)
{
	cf_node *s = cf_node_dup(a, k->schema);
	cf_node *props = cf_node_set_map(a, s, "properties");
	cf_node *p, *tags = cf_node_seq(a), *allof = cf_node_seq(a);

	p = cf_node_map(a);
	map_set_str(a, p, "description", api_version_desc);
	map_set_str(a, p, "type", "string");
	cf_node_set(a, props, "apiVersion", p);
	p = cf_node_map(a);
	map_set_str(a, p, "description", kind_desc);
	map_set_str(a, p, "type", "string");
	cf_node_set(a, props, "kind", p);
	p = cf_node_map(a);
	cf_node_push(a, allof, ref(a,
	    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
	cf_node_set(a, p, "allOf", allof);
	map_set_str(a, p, "description", metadata_desc);
	cf_node_set(a, props, "metadata", p);
	cf_node_push(a, tags, gvk(a, k->group, k->version, k->kind));
	cf_node_set(a, s, "x-kubernetes-group-version-kind", tags);
	return s;
}

/* A short ObjectMeta so explain can resolve the metadata reference. */
static cf_node *object_meta_schema(cf_arena *a)
{
	static const struct { const char *name, *type, *desc; } f[] = {
		{ "name", "string", "Name must be unique within a namespace." },
		{ "generateName", "string", "GenerateName is an optional prefix, "
			"used by the server, to generate a unique name ONLY IF the "
			"Name field has not been provided." },
		{ "namespace", "string", "Namespace defines the space within "
			"which each name must be unique." },
		{ "uid", "string", "UID is the unique in time and space value "
			"for this object." },
		{ "resourceVersion", "string", "An opaque value that represents "
			"the internal version of this object." },
		{ "generation", "integer", "A sequence number representing a "
			"specific generation of the desired state." },
		{ "creationTimestamp", "string", "CreationTimestamp is a "
			"timestamp representing the server time when this object "
			"was created." },
		{ "deletionTimestamp", "string", "DeletionTimestamp is RFC 3339 "
			"date and time at which this resource will be deleted." },
		{ "labels", "object", "Map of string keys and values that can be "
			"used to organize and categorize (scope and select) objects." },
		{ "annotations", "object", "Annotations is an unstructured key "
			"value map stored with a resource." },
		{ "finalizers", "array", "Must be empty before the object is "
			"deleted from the registry." },
	};
	cf_node *s = cf_node_map(a), *props;

	map_set_str(a, s, "description", "ObjectMeta is metadata that all "
	    "persisted resources must have, which includes all objects users "
	    "must create.");
	map_set_str(a, s, "type", "object");
	props = cf_node_set_map(a, s, "properties");
	for (size_t i = 0; i < CF_ARRAY_SIZE(f); i++) {
		cf_node *p = cf_node_map(a);

		map_set_str(a, p, "description", f[i].desc);
		map_set_str(a, p, "type", f[i].type);
		if (!strcmp(f[i].type, "object"))
			map_set_str(a, cf_node_set_map(a, p,
			    "additionalProperties"), "type", "string");
		if (!strcmp(f[i].type, "array"))
			map_set_str(a, cf_node_set_map(a, p, "items"), "type",
			    "string");
		if (!strcmp(f[i].name, "creationTimestamp") ||
		    !strcmp(f[i].name, "deletionTimestamp"))
			map_set_str(a, p, "format", "date-time");
		if (!strcmp(f[i].type, "integer"))
			map_set_str(a, p, "format", "int64");
		cf_node_set(a, props, f[i].name, p);
	}
	return s;
}

static const char *sub_has(const cf_openapi_kind *k, const char *name)
{
	for (const char *const *s = k->subresources; s && *s; s++)
		if (!strcmp(*s, name))
			return *s;
	return NULL;
}

/* Paths as kube-apiserver lays them out: namespaced kinds under
 * namespaces/{namespace} plus a cluster-wide list; /status and /scale
 * only when the kind has them. */
static void add_kind_paths(cf_arena *a, cf_node *paths,
    const cf_openapi_kind *k, const char *schema_name)
{
	static const struct op_spec coll[] = {
		{ "get", "list", "list", NULL, false },
		{ "post", "create", "post", NULL, false },
		{ "delete", "deleteCollection", "deletecollection", NULL, false },
	};
	static const struct op_spec item[] = {
		{ "get", "read", "get", NULL, false },
		{ "put", "replace", "put", NULL, false },
		{ "delete", "delete", "delete", NULL, false },
		{ "patch", "patch", "patch", NULL, false },
	};
	static const struct op_spec status[] = {
		{ "get", "read", "get", "Status", false },
		{ "put", "replace", "put", "Status", false },
		{ "patch", "patch", "patch", "Status", false },
	};
	static const struct op_spec scale[] = {
		{ "get", "read", "get", "Scale", false },
		{ "put", "replace", "put", "Scale", false },
		{ "patch", "patch", "patch", "Scale", false },
	};
	static const struct op_spec all_ns[] = {
		{ "get", "list", "list", NULL, true },
	};
	const char *base = k->group && *k->group ?
	    cf_arena_printf(a, "/apis/%s/%s", k->group, k->version) :
	    cf_arena_printf(a, "/api/%s", k->version);
	const char *coll_url = k->namespaced ? cf_arena_printf(a,
	    "%s/namespaces/{namespace}/%s", base, k->plural) :
	    cf_arena_printf(a, "%s/%s", base, k->plural);
	const char *item_url = cf_arena_printf(a, "%s/{name}", coll_url);
	const char *g = k->group, *v = k->version, *kd = k->kind;

	add_path(a, paths, coll_url, k, coll, CF_ARRAY_SIZE(coll), k->namespaced,
	    false, schema_name, g, v, kd);
	add_path(a, paths, item_url, k, item, CF_ARRAY_SIZE(item), k->namespaced,
	    true, schema_name, g, v, kd);
	if (sub_has(k, "status"))
		add_path(a, paths, cf_arena_printf(a, "%s/status", item_url), k,
		    status, CF_ARRAY_SIZE(status), k->namespaced, true,
		    schema_name, g, v, kd);
	/* /scale speaks autoscaling/v1 Scale, whatever the parent kind. */
	if (sub_has(k, "scale"))
		add_path(a, paths, cf_arena_printf(a, "%s/scale", item_url), k,
		    scale, CF_ARRAY_SIZE(scale), k->namespaced, true, NULL,
		    "autoscaling", "v1", "Scale");
	if (k->namespaced)
		add_path(a, paths, cf_arena_printf(a, "%s/%s", base, k->plural),
		    k, all_ns, CF_ARRAY_SIZE(all_ns), false, false, schema_name,
		    g, v, kd);
}

cf_node *cf_openapi_gv_doc(cf_arena *a, const char *group,
    const char *version, const cf_openapi_kind *kinds, size_t n)
{
	cf_node *doc = cf_node_map(a), *info, *paths, *schemas;
	bool any_schema = false;

	map_set_str(a, doc, "openapi", "3.0.0");
	info = cf_node_set_map(a, doc, "info");
	map_set_str(a, info, "title", "Kubernetes");
	map_set_str(a, info, "version", "v1.32.4");
	paths = cf_node_set_map(a, doc, "paths");
	schemas = cf_node_set_map(a, cf_node_set_map(a, doc, "components"),
	    "schemas");
	for (size_t i = 0; i < n; i++) {
		const cf_openapi_kind *k = &kinds[i];
		const char *sname = NULL;

		if (!str_eq(k->group, group) || !str_eq(k->version, version))
			continue;
		if (cf_node_is(k->schema, CF_NODE_MAP)) {
			sname = cf_openapi_schema_name(a, k->group, k->version,
			    k->kind);
			cf_node_set(a, schemas, sname, kind_schema(a, k));
			any_schema = true;
		}
		add_kind_paths(a, paths, k, sname);
	}
	/* Patch bodies always reference meta/v1 Patch; ObjectMeta is needed
	 * only by kind schemas. */
	{
		cf_node *patch = cf_node_map(a);

		map_set_str(a, patch, "description", "Patch is provided to give a "
		    "concrete name and type to the Kubernetes PATCH request body.");
		map_set_str(a, patch, "type", "object");
		cf_node_set(a, schemas,
		    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", patch);
	}
	if (any_schema)
		cf_node_set(a, schemas,
		    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
		    object_meta_schema(a));
	return doc;
}

/* ---- hashing: FNV-1a over a canonical walk (sorted keys, typed) ---- */

struct hash2 {
	uint64_t h1, h2;
};

static void hash_bytes(struct hash2 *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h->h1 = (h->h1 ^ b[i]) * 0x100000001b3ULL;
		h->h2 = (h->h2 ^ b[i]) * 0x100000001b3ULL;
		h->h2 ^= h->h2 >> 29;
	}
}

static int pair_ptr_cmp(const void *x, const void *y)
{
	const cf_pair *a = *(const cf_pair *const *)x;
	const cf_pair *b = *(const cf_pair *const *)y;

	return strcmp(a->key, b->key);
}

/* Type tags and lengths go into the hash with the content, so values that
 * print alike (1 and "1", ["ab"] and ["a","b"]) hash apart. Map keys are
 * sorted first: the same document built in another order is the same
 * content to kubectl. */
static void hash_node(struct hash2 *h, const cf_node *n)
{
	unsigned char t = n ? n->type : CF_NODE_NULL;
	char num[64];
	uint32_t len;

	hash_bytes(h, &t, 1);
	if (!n)
		return;
	switch (n->type) {
	case CF_NODE_BOOL:
		hash_bytes(h, n->v.b ? "1" : "0", 1);
		break;
	case CF_NODE_INT:
	case CF_NODE_FLOAT:
		if (n->num)
			snprintf(num, sizeof(num), "%s", n->num);
		else if (n->type == CF_NODE_FLOAT)
			snprintf(num, sizeof(num), "%.17g", n->v.f);
		else if (n->flags & CF_NODE_F_UINT)
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)n->v.u);
		else
			snprintf(num, sizeof(num), "%lld", (long long)n->v.i);
		hash_bytes(h, num, strlen(num) + 1);
		break;
	case CF_NODE_STR:
		/* Length first, so "ab"+"c" and "a"+"bc" differ. */
		len = n->len;
		hash_bytes(h, &len, sizeof(len));
		hash_bytes(h, n->v.s, n->len);
		break;
	case CF_NODE_SEQ:
		len = n->len;
		hash_bytes(h, &len, sizeof(len));
		for (uint32_t i = 0; i < n->len; i++)
			hash_node(h, n->v.items[i]);
		break;
	case CF_NODE_MAP: {
		const cf_pair **ps = cf_xmalloc((n->len + 1) * sizeof(*ps));

		for (uint32_t i = 0; i < n->len; i++)
			ps[i] = &n->v.pairs[i];
		qsort(ps, n->len, sizeof(*ps), pair_ptr_cmp);
		len = n->len;
		hash_bytes(h, &len, sizeof(len));
		for (uint32_t i = 0; i < n->len; i++) {
			hash_bytes(h, &ps[i]->klen, sizeof(ps[i]->klen));
			hash_bytes(h, ps[i]->key, ps[i]->klen);
			hash_node(h, ps[i]->val);
		}
		free(ps);
		break;
	}
	default:
		break;
	}
}

void cf_openapi_hash(char out[33], const cf_node *doc)
{
	struct hash2 h = { 0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL };

	hash_node(&h, doc);
	snprintf(out, 33, "%016llX%016llX", (unsigned long long)h.h1,
	    (unsigned long long)h.h2);
}

/* Every group-version document is built once here just to hash it; the
 * server should cache root and documents per registry change rather than
 * per request. */
cf_node *cf_openapi_root(cf_arena *a, const cf_openapi_kind *kinds, size_t n)
{
	cf_node *root = cf_node_map(a);
	cf_node *paths = cf_node_set_map(a, root, "paths");

	for (size_t i = 0; i < n; i++) {
		const char *key = cf_openapi_gv_path(a, kinds[i].group,
		    kinds[i].version);
		cf_node *doc, *entry;
		char hash[33];

		if (cf_node_get(paths, key))
			continue;
		doc = cf_openapi_gv_doc(a, kinds[i].group, kinds[i].version,
		    kinds, n);
		cf_openapi_hash(hash, doc);
		entry = cf_node_map(a);
		map_set_str(a, entry, "serverRelativeURL", cf_arena_printf(a,
		    "/openapi/v3/%s?hash=%s", key, hash));
		cf_node_set(a, paths, key, entry);
	}
	return root;
}
