/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/openapi.h"
#include "core/buf.h"

#include <stdio.h>
#include <stdlib.h>

#include "crd_testjson.h"

static const char *const status_only[] = { "status", NULL };
static const char *const status_scale[] = { "status", "scale", NULL };

static size_t mk_kinds(cf_arena *a, cf_openapi_kind *k)
{
	size_t n = 0;

	k[n++] = (cf_openapi_kind){ "", "v1", "ConfigMap", "configmaps", true,
		NULL, NULL };
	k[n++] = (cf_openapi_kind){ "", "v1", "Namespace", "namespaces", false,
		NULL, status_only };
	k[n++] = (cf_openapi_kind){ "apps", "v1", "Deployment", "deployments",
		true, NULL, status_scale };
	k[n++] = (cf_openapi_kind){ "example.com", "v1", "Widget", "widgets",
		true, J(a, "{\"type\":\"object\",\"description\":\"A widget.\","
		"\"properties\":{\"spec\":{\"type\":\"object\",\"properties\":"
		"{\"size\":{\"type\":\"integer\",\"description\":\"How big.\"}}}}}"),
		status_only };
	return n;
}

/* The operation kubectl's fieldValidation check looks for. */
static const cf_node *find_patch(const cf_node *doc, const char *g,
    const char *v, const char *k)
{
	const cf_node *paths = cf_node_get(doc, "paths");

	for (uint32_t i = 0; i < cf_node_count(paths); i++) {
		const cf_node *op = cf_node_get(paths->v.pairs[i].val, "patch");
		const cf_node *gvk = cf_node_get(op,
		    "x-kubernetes-group-version-kind");

		if (gvk && !strcmp(cf_node_getp_str(gvk, "group", NULL), g) &&
		    !strcmp(cf_node_getp_str(gvk, "version", NULL), v) &&
		    !strcmp(cf_node_getp_str(gvk, "kind", NULL), k))
			return op;
	}
	return NULL;
}

static bool has_query_param(const cf_node *op, const char *name)
{
	const cf_node *ps = cf_node_get(op, "parameters");

	for (size_t i = 0; i < cf_node_count(ps); i++) {
		const cf_node *p = cf_node_at(ps, i);

		if (!strcmp(cf_node_getp_str(p, "name", NULL), name) &&
		    !strcmp(cf_node_getp_str(p, "in", NULL), "query"))
			return true;
	}
	return false;
}

TEST(test_kube_openapi__names)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(cf_openapi_gv_path(&a, "", "v1"), "api/v1");
	CHECK_STR(cf_openapi_gv_path(&a, "apps", "v1"), "apis/apps/v1");
	CHECK_STR(cf_openapi_schema_name(&a, "", "v1", "Pod"),
	    "io.k8s.api.core.v1.Pod");
	CHECK_STR(cf_openapi_schema_name(&a, "source.toolkit.fluxcd.io", "v1",
	    "GitRepository"), "io.fluxcd.toolkit.source.v1.GitRepository");
	CHECK_STR(cf_openapi_schema_name(&a, "apps", "v1", "Deployment"),
	    "apps.v1.Deployment");
	cf_arena_release(&a);
}

TEST(test_kube_openapi__gv_document)
{
	cf_arena a = CF_ARENA_INIT;
	cf_openapi_kind k[8];
	size_t n = mk_kinds(&a, k);
	cf_node *doc = cf_openapi_gv_doc(&a, "", "v1", k, n);
	const cf_node *paths = cf_node_get(doc, "paths");
	const cf_node *op;

	/* Only the core kinds, namespaced under namespaces/{namespace}. */
	CHECK(cf_node_get(paths, "/api/v1/namespaces/{namespace}/configmaps/{name}"));
	CHECK(cf_node_get(paths, "/api/v1/configmaps"));
	CHECK(cf_node_get(paths, "/api/v1/namespaces/{name}"));
	CHECK(cf_node_get(paths, "/api/v1/namespaces/{name}/status"));
	CHECK(find_patch(doc, "apps", "v1", "Deployment") == NULL);
	op = find_patch(doc, "", "v1", "ConfigMap");
	CHECK(op != NULL);
	CHECK(has_query_param(op, "fieldValidation"));
	CHECK(has_query_param(op, "force"));
	CHECK_STR(cf_node_getp_str(op, "operationId", NULL),
	    "patchCoreV1NamespacedConfigMap");
	CHECK_STR(cf_node_getp_str(op, "x-kubernetes-action", NULL), "patch");
	op = cf_node_getp(paths, "/api/v1/namespaces/{namespace}/configmaps",
	    "post", NULL);
	CHECK(has_query_param(op, "fieldValidation"));
	CHECK(!has_query_param(op, "force"));
	/* No schema for built-ins: only Patch is described. */
	CHECK(cf_node_getp(doc, "components", "schemas",
	    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch", NULL) != NULL);
	CHECK(cf_node_getp(doc, "components", "schemas",
	    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", NULL) == NULL);

	/* apps/v1: scale speaks autoscaling/v1 Scale. */
	doc = cf_openapi_gv_doc(&a, "apps", "v1", k, n);
	op = cf_node_getp(doc, "paths",
	    "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
	    "patch", NULL);
	CHECK_STR(cf_node_getp_str(op, "x-kubernetes-group-version-kind", "kind",
	    NULL), "Scale");
	CHECK_STR(cf_node_getp_str(op, "x-kubernetes-group-version-kind",
	    "group", NULL), "autoscaling");

	/* A CRD version: schema tagged with its GVK, metadata described. */
	doc = cf_openapi_gv_doc(&a, "example.com", "v1", k, n);
	const cf_node *s = cf_node_getp(doc, "components", "schemas",
	    "com.example.v1.Widget", NULL);
	CHECK(s != NULL);
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_get(s,
	    "x-kubernetes-group-version-kind"), 0), "kind", NULL), "Widget");
	CHECK_STR(cf_node_getp_str(s, "properties", "spec", "properties", "size",
	    "description", NULL), "How big.");
	CHECK_STR(cf_node_getp_str(s, "properties", "kind", "type", NULL),
	    "string");
	CHECK(cf_node_getp(doc, "components", "schemas",
	    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", NULL) != NULL);
	op = find_patch(doc, "example.com", "v1", "Widget");
	CHECK_STR(cf_node_getp_str(op, "responses", "200", "content",
	    "application/json", "schema", "$ref", NULL),
	    "#/components/schemas/com.example.v1.Widget");
	/* The caller's schema is not modified. */
	CHECK(cf_node_getp(k[3].schema, "properties", "kind", NULL) == NULL);
	cf_arena_release(&a);
}

TEST(test_kube_openapi__root_and_hash)
{
	cf_arena a = CF_ARENA_INIT;
	cf_openapi_kind k[8];
	size_t n = mk_kinds(&a, k);
	cf_node *root = cf_openapi_root(&a, k, n);
	const cf_node *paths = cf_node_get(root, "paths");
	char h1[33], h2[33], h3[33];
	const char *url;

	CHECK_INT(cf_node_count(paths), 3);
	CHECK_STR(paths->v.pairs[0].key, "api/v1");
	CHECK_STR(paths->v.pairs[1].key, "apis/apps/v1");
	CHECK_STR(paths->v.pairs[2].key, "apis/example.com/v1");
	url = cf_node_getp_str(paths, "apis/example.com/v1", "serverRelativeURL",
	    NULL);
	cf_openapi_hash(h1, cf_openapi_gv_doc(&a, "example.com", "v1", k, n));
	CHECK_STR(url, cf_arena_printf(&a, "/openapi/v3/apis/example.com/v1"
	    "?hash=%s", h1));
	CHECK_INT(strlen(h1), 32);

	/* Same content, same hash; map order does not matter. */
	cf_openapi_hash(h2, cf_openapi_gv_doc(&a, "example.com", "v1", k, n));
	CHECK_STR(h1, h2);
	cf_openapi_hash(h2, J(&a, "{\"a\":1,\"b\":[true,\"x\"]}"));
	cf_openapi_hash(h3, J(&a, "{\"b\":[true,\"x\"],\"a\":1}"));
	CHECK_STR(h2, h3);
	cf_openapi_hash(h3, J(&a, "{\"b\":[true,\"x\"],\"a\":2}"));
	CHECK(strcmp(h2, h3) != 0);
	cf_openapi_hash(h3, J(&a, "{\"b\":[\"x\",true],\"a\":1}"));
	CHECK(strcmp(h2, h3) != 0);

	/* A schema change changes the URL; other group-versions keep theirs. */
	const char *core_before = cf_node_getp_str(paths, "api/v1",
	    "serverRelativeURL", NULL);
	k[3].schema = J(&a, "{\"type\":\"object\",\"properties\":{\"spec\":"
	    "{\"type\":\"object\",\"properties\":{\"size\":{\"type\":\"string\"}}}}}");
	root = cf_openapi_root(&a, k, n);
	CHECK(strcmp(url, cf_node_getp_str(root, "paths", "apis/example.com/v1",
	    "serverRelativeURL", NULL)) != 0);
	CHECK_STR(core_before, cf_node_getp_str(root, "paths", "api/v1",
	    "serverRelativeURL", NULL));
	cf_arena_release(&a);
}

TEST(test_kube_openapi__kinds_from_crd)
{
	cf_arena a = CF_ARENA_INIT;
	cf_openapi_kind k[4];
	cf_node *crd = J(&a, "{\"spec\":{\"group\":\"example.com\","
	    "\"scope\":\"Cluster\",\"names\":{\"plural\":\"widgets\","
	    "\"kind\":\"Widget\"},\"versions\":["
	    "{\"name\":\"v1\",\"served\":true,\"storage\":true,"
	    "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}},"
	    "\"subresources\":{\"status\":{},\"scale\":{}}},"
	    "{\"name\":\"v1beta1\",\"served\":false,\"storage\":false},"
	    "{\"name\":\"v2\",\"served\":true,\"storage\":false}]}}");
	size_t n = cf_openapi_kinds_from_crd(k, 4, crd);
	cf_node *doc;

	CHECK_INT(n, 2);
	CHECK_STR(k[0].version, "v1");
	CHECK(!k[0].namespaced);
	CHECK_STR(k[0].subresources[0], "status");
	CHECK_STR(k[0].subresources[1], "scale");
	CHECK(k[0].schema != NULL);
	CHECK_STR(k[1].version, "v2");
	CHECK(k[1].subresources[0] == NULL);
	CHECK(k[1].schema == NULL);
	/* Cluster-scoped paths; /scale present for v1. */
	doc = cf_openapi_gv_doc(&a, "example.com", "v1", k, n);
	CHECK(cf_node_getp(doc, "paths", "/apis/example.com/v1/widgets/{name}",
	    "patch", NULL) != NULL);
	CHECK(cf_node_getp(doc, "paths",
	    "/apis/example.com/v1/widgets/{name}/scale", NULL) != NULL);
	CHECK(cf_node_getp(doc, "components", "schemas", "com.example.v1.Widget",
	    NULL) != NULL);
	CHECK_INT(cf_openapi_kinds_from_crd(k, 1, crd), 1);
	cf_arena_release(&a);
}

/* With CF_OPENAPI_DUMP=<dir>, write the documents of this test's kinds to
 * <dir>/root.json and <dir>/<gv path with / as _>.json, to serve them to a
 * real kubectl by hand (see the CRD area notes). Not a check by itself. */
TEST(test_kube_openapi__dump_for_kubectl)
{
	const char *dir = getenv("CF_OPENAPI_DUMP");
	cf_arena a = CF_ARENA_INIT;
	cf_openapi_kind k[8];
	size_t n;

	if (!dir)
		return;
	n = mk_kinds(&a, k);
	for (size_t i = 0; i <= n; i++) {
		cf_buf b = CF_BUF_INIT;
		char *name;
		FILE *f;

		if (i == n) {
			JW(&b, cf_openapi_root(&a, k, n));
			name = cf_arena_printf(&a, "%s/root.json", dir);
		} else {
			char *p = cf_arena_strdup(&a, cf_openapi_gv_path(&a,
			    k[i].group, k[i].version));

			for (char *c = p; *c; c++)
				if (*c == '/')
					*c = '_';
			JW(&b, cf_openapi_gv_doc(&a, k[i].group, k[i].version, k,
			    n));
			name = cf_arena_printf(&a, "%s/%s.json", dir, p);
		}
		f = fopen(name, "w");
		CHECK(f != NULL);
		fwrite(b.buf, 1, b.len, f);
		fclose(f);
		cf_buf_release(&b);
	}
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_openapi__names),
    T(test_kube_openapi__gv_document),
    T(test_kube_openapi__root_and_hash),
    T(test_kube_openapi__kinds_from_crd),
    T(test_kube_openapi__dump_for_kubectl))
