/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RBAC evaluation, 403 messages, aggregation, bootstrap policy and the
 * access/rules reviews, against expectations taken from kube-apiserver's
 * behaviour (spec/kubernetes-api.md §7, §1.9).
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml_emit.h"
#include "kube/rbac.h"

/* Test objects are written as JSON text; a typo aborts the binary. */
static cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) != 0) {
		fprintf(stderr, "bad test JSON: %s\n", cf_error_msg());
		abort();
	}
	return n;
}

static void JW(cf_buf *b, const cf_node *n)
{
	cf_json_write(b, n, 0);
}

static const char *const no_groups[] = { "system:authenticated" };

/* A user with the given groups. */
#define USER(var, uname, ...)                                             \
	static const char *const var##_g[] = { __VA_ARGS__ };              \
	const cf_user_info var = { uname, NULL, var##_g,                   \
		CF_ARRAY_SIZE(var##_g) }

static bool can(const cf_rbac *r, const cf_user_info *u, const char *verb,
    const char *group, const char *res, const char *sub, const char *ns,
    const char *name)
{
	cf_authz_attrs at = { .user = u, .verb = verb, .resource_request = true,
		.api_group = group, .resource = res, .subresource = sub,
		.namespace = ns, .name = name };

	return cf_rbac_authorize(r, &at, NULL);
}

static bool can_path(const cf_rbac *r, const cf_user_info *u,
    const char *verb, const char *path)
{
	cf_authz_attrs at = { .user = u, .verb = verb, .path = path };

	return cf_rbac_authorize(r, &at, NULL);
}

static void load(cf_rbac *r, cf_arena *a, const char *kind, const char *json)
{
	if (cf_rbac_upsert(r, cf_rbac_kind_from_name(kind), J(a, json)) != 0)
		cf_test_fail(__FILE__, __LINE__, "upsert %s: %s", kind,
		    cf_error_msg());
}

TEST(test_kube_rbac__role_binding_in_its_namespace_only)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	const cf_user_info alice = { "alice", NULL, no_groups, 1 };
	const cf_user_info bob = { "bob", NULL, no_groups, 1 };

	load(r, &a, "Role", "{\"metadata\":{\"name\":\"cm\",\"namespace\":\"ns1\"},"
	    "\"rules\":[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"configmaps\"]}]}");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns1\"},"
	    "\"roleRef\":{\"kind\":\"Role\",\"name\":\"cm\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}");
	CHECK(can(r, &alice, "get", "", "configmaps", NULL, "ns1", "x"));
	CHECK(can(r, &alice, "list", "", "configmaps", NULL, "ns1", NULL));
	CHECK(!can(r, &alice, "get", "", "configmaps", NULL, "ns2", "x"));
	CHECK(!can(r, &alice, "get", "", "configmaps", NULL, NULL, NULL));
	CHECK(!can(r, &alice, "delete", "", "configmaps", NULL, "ns1", "x"));
	CHECK(!can(r, &alice, "get", "apps", "configmaps", NULL, "ns1", "x"));
	CHECK(!can(r, &alice, "get", "", "secrets", NULL, "ns1", "x"));
	CHECK(!can(r, &bob, "get", "", "configmaps", NULL, "ns1", "x"));
	/* A Role of another namespace with the same name is not used. */
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"b\",\"namespace\":\"ns2\"},"
	    "\"roleRef\":{\"kind\":\"Role\",\"name\":\"cm\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}");
	CHECK(!can(r, &alice, "get", "", "configmaps", NULL, "ns2", "x"));
	/* Replacing and removing take effect at once. */
	load(r, &a, "Role", "{\"metadata\":{\"name\":\"cm\",\"namespace\":\"ns1\"},"
	    "\"rules\":[{\"verbs\":[\"delete\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"configmaps\"]}]}");
	CHECK(!can(r, &alice, "get", "", "configmaps", NULL, "ns1", "x"));
	CHECK(can(r, &alice, "delete", "", "configmaps", NULL, "ns1", "x"));
	CHECK_INT(cf_rbac_remove(r, CF_RBAC_ROLE_BINDING, "ns1", "b"), 0);
	CHECK(!can(r, &alice, "delete", "", "configmaps", NULL, "ns1", "x"));
	CHECK_INT(cf_rbac_remove(r, CF_RBAC_ROLE_BINDING, "ns1", "b"),
	    CF_ENOTFOUND);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__wildcards_subresources_and_names)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	const cf_user_info u = { "u", NULL, no_groups, 1 };

	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"c\"},\"rules\":["
	    "{\"verbs\":[\"*\"],\"apiGroups\":[\"apps\"],\"resources\":[\"*/scale\"]},"
	    "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods/*\",\"pods\"]},"
	    "{\"verbs\":[\"update\"],\"apiGroups\":[\"*\"],\"resources\":[\"secrets\"],"
	    "\"resourceNames\":[\"s1\"]},"
	    "{\"verbs\":[\"list\"],\"apiGroups\":[\"batch\"],\"resources\":[\"*\"]},"
	    "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"services/proxy\"]}]}");
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"cb\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"c\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
	CHECK(can(r, &u, "patch", "apps", "deployments", "scale", "ns", "d"));
	CHECK(can(r, &u, "get", "apps", "statefulsets", "scale", NULL, NULL));
	CHECK(!can(r, &u, "get", "apps", "deployments", NULL, "ns", "d"));
	CHECK(!can(r, &u, "get", "apps", "deployments", "status", "ns", "d"));
	/* "pods/" + "*" is not a wildcard; bare "pods" misses pods/log. */
	CHECK(can(r, &u, "get", "", "pods", NULL, "ns", "p"));
	CHECK(!can(r, &u, "get", "", "pods", "log", "ns", "p"));
	CHECK(can(r, &u, "get", "", "services", "proxy", "ns", "p"));
	CHECK(!can(r, &u, "get", "", "services", NULL, "ns", "p"));
	/* resourceNames: only that name, never a request without one. */
	CHECK(can(r, &u, "update", "anything.io", "secrets", NULL, "ns", "s1"));
	CHECK(!can(r, &u, "update", "", "secrets", NULL, "ns", "s2"));
	CHECK(!can(r, &u, "update", "", "secrets", NULL, "ns", NULL));
	CHECK(can(r, &u, "list", "batch", "jobs", NULL, "ns", NULL));
	CHECK(can(r, &u, "list", "batch", "cronjobs", "status", "ns", NULL));
	CHECK(!can(r, &u, "watch", "batch", "jobs", NULL, "ns", NULL));
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__non_resource_urls)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	const cf_user_info u = { "u", NULL, no_groups, 1 };

	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"nr\"},\"rules\":["
	    "{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\",\"/apis/*\"]}]}");
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"nrb\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"nr\"},"
	    "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:authenticated\"}]}");
	CHECK(can_path(r, &u, "get", "/healthz"));
	CHECK(!can_path(r, &u, "get", "/healthz/ping"));
	CHECK(!can_path(r, &u, "post", "/healthz"));
	CHECK(can_path(r, &u, "get", "/apis/apps/v1"));
	CHECK(can_path(r, &u, "get", "/apis/"));
	CHECK(!can_path(r, &u, "get", "/apis"));
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"nr\"},\"rules\":["
	    "{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/logs**\"]}]}");
	CHECK(can_path(r, &u, "get", "/logs"));
	CHECK(can_path(r, &u, "get", "/logs/x"));
	CHECK(!can_path(r, &u, "get", "/healthz"));
	/* Non-resource rules of a ClusterRole bound by a RoleBinding do not
	 * apply: non-resource requests have no namespace. */
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"all\"},\"rules\":["
	    "{\"verbs\":[\"*\"],\"nonResourceURLs\":[\"*\"]}]}");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"x\",\"namespace\":\"n\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"all\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
	CHECK(!can_path(r, &u, "get", "/metrics"));
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"x\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"all\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"u\"}]}");
	CHECK(can_path(r, &u, "delete", "/metrics"));
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__subjects_and_cluster_role_in_namespace)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	USER(sa, "system:serviceaccount:team:builder", "system:authenticated", "system:serviceaccounts",
	    "system:serviceaccounts:team");
	USER(other_sa, "system:serviceaccount:other:builder",
	    "system:serviceaccounts");
	USER(dev, "carol", "system:authenticated", "devs");

	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"deployer\"},"
	    "\"rules\":[{\"verbs\":[\"create\"],\"apiGroups\":[\"apps\"],"
	    "\"resources\":[\"deployments\"]}]}");
	/* SA subject without a namespace: the binding's namespace. */
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"b\",\"namespace\":\"team\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"deployer\"},"
	    "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"builder\"},"
	    "{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	CHECK(can(r, &sa, "create", "apps", "deployments", NULL, "team", NULL));
	CHECK(!can(r, &sa, "create", "apps", "deployments", NULL, "prod", NULL));
	CHECK(!can(r, &sa, "create", "apps", "deployments", NULL, NULL, NULL));
	CHECK(!can(r, &other_sa, "create", "apps", "deployments", NULL, "team", NULL));
	CHECK(can(r, &dev, "create", "apps", "deployments", NULL, "team", NULL));
	/* In a ClusterRoleBinding an SA subject needs its namespace. */
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"cb\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"deployer\"},"
	    "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"builder\"}]}");
	CHECK(!can(r, &other_sa, "create", "apps", "deployments", NULL, "x", NULL));
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"cb\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"deployer\"},"
	    "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"builder\","
	    "\"namespace\":\"other\"}]}");
	CHECK(can(r, &other_sa, "create", "apps", "deployments", NULL, "x", NULL));
	/* A user named like a group is not in it. */
	{
		const cf_user_info devs = { "devs", NULL, NULL, 0 };

		CHECK(!can(r, &devs, "create", "apps", "deployments", NULL,
		    "team", NULL));
	}
	cf_rbac_free(r);
	cf_arena_release(&a);
}

static void forbidden(cf_buf *b, const cf_authz_attrs *at, const char *reason)
{
	cf_buf_reset(b);
	cf_rbac_forbidden_message(b, at, reason);
}

TEST(test_kube_rbac__forbidden_messages)
{
	cf_buf b = CF_BUF_INIT;
	const cf_user_info u = { "u", NULL, NULL, 0 };
	cf_authz_attrs at = { .user = &u, .verb = "get", .resource_request = true,
		.api_group = "", .resource = "configmaps", .namespace = "ns",
		.name = "x" };

	forbidden(&b, &at, NULL);
	CHECK_STR(b.buf, "configmaps \"x\" is forbidden: User \"u\" cannot get "
	    "resource \"configmaps\" in API group \"\" in the namespace \"ns\"");
	at.name = NULL;
	at.verb = "list";
	forbidden(&b, &at, "");
	CHECK_STR(b.buf, "configmaps is forbidden: User \"u\" cannot list "
	    "resource \"configmaps\" in API group \"\" in the namespace \"ns\"");
	at.namespace = NULL;
	at.api_group = "apps";
	at.resource = "deployments";
	at.subresource = "scale";
	at.name = "web";
	at.verb = "update";
	forbidden(&b, &at, NULL);
	CHECK_STR(b.buf, "deployments.apps \"web\" is forbidden: User \"u\" cannot "
	    "update resource \"deployments/scale\" in API group \"apps\" at the "
	    "cluster scope");
	at = (cf_authz_attrs){ .user = &u, .verb = "get", .path = "/metrics" };
	forbidden(&b, &at, NULL);
	CHECK_STR(b.buf, "forbidden: User \"u\" cannot get path \"/metrics\"");
	/* The user part is HTML-escaped; a reason follows after ": ". */
	{
		const cf_user_info evil = { "<b>&", NULL, NULL, 0 };

		at.user = &evil;
		forbidden(&b, &at, "RBAC: clusterrole.rbac.authorization.k8s.io "
		    "\"gone\" not found");
		CHECK_STR(b.buf, "forbidden: User \"&lt;b&gt;&amp;\" cannot get "
		    "path \"/metrics\": RBAC: clusterrole.rbac.authorization.k8s.io "
		    "\"gone\" not found");
	}
	cf_buf_release(&b);
}

TEST(test_kube_rbac__reasons)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	cf_buf why = CF_BUF_INIT;
	USER(sa, "system:serviceaccount:ns:robot", "system:authenticated", "system:serviceaccounts");
	cf_authz_attrs at = { .user = &sa, .verb = "get", .resource_request = true,
		.resource = "pods", .namespace = "ns" };

	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"dangling\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"gone\"},"
	    "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:authenticated\"}]}");
	CHECK(!cf_rbac_authorize(r, &at, &why));
	CHECK_STR(why.buf, "RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" "
	    "not found");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"rb\",\"namespace\":\"ns\"},"
	    "\"roleRef\":{\"kind\":\"Role\",\"name\":\"missing\"},"
	    "\"subjects\":[{\"kind\":\"ServiceAccount\",\"name\":\"robot\"}]}");
	cf_buf_reset(&why);
	CHECK(!cf_rbac_authorize(r, &at, &why));
	CHECK_STR(why.buf, "RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" "
	    "not found, role.rbac.authorization.k8s.io \"missing\" not found]");
	/* The same error twice is reported once; a Role and a ClusterRole of
	 * the same name are two errors. */
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"rb2\",\"namespace\":\"ns\"},"
	    "\"roleRef\":{\"kind\":\"Role\",\"name\":\"missing\"},"
	    "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:serviceaccounts\"}]}");
	load(r, &a, "ClusterRoleBinding", "{\"metadata\":{\"name\":\"d2\"},"
	    "\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"missing\"},"
	    "\"subjects\":[{\"kind\":\"Group\",\"name\":\"system:authenticated\"}]}");
	cf_buf_reset(&why);
	CHECK(!cf_rbac_authorize(r, &at, &why));
	CHECK_STR(why.buf, "RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" "
	    "not found, clusterrole.rbac.authorization.k8s.io \"missing\" not found, "
	    "role.rbac.authorization.k8s.io \"missing\" not found]");
	load(r, &a, "Role", "{\"metadata\":{\"name\":\"missing\",\"namespace\":\"ns\"},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
	cf_buf_reset(&why);
	CHECK(cf_rbac_authorize(r, &at, &why));
	CHECK_STR(why.buf, "RBAC: allowed by RoleBinding \"rb/ns\" of Role "
	    "\"missing\" to ServiceAccount \"robot/ns\"");
	cf_buf_release(&why);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

static void load_bootstrap(cf_rbac *r, cf_arena *a)
{
	cf_node *list = cf_rbac_bootstrap_policy(a);

	for (size_t i = 0; i < cf_node_count(list); i++) {
		const cf_node *o = cf_node_at(list, i);

		if (cf_rbac_upsert(r, cf_rbac_kind_from_name(
		    cf_node_getp_str(o, "kind", NULL)), o) != 0)
			cf_test_fail(__FILE__, __LINE__, "%s", cf_error_msg());
	}
}

TEST(test_kube_rbac__bootstrap_policy)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	USER(anyone, "dave", "system:authenticated");
	const char *const unauth_g[] = { "system:unauthenticated" };
	const cf_user_info anon = { "system:anonymous", NULL, unauth_g, 1 };
	USER(root, "admin", "system:authenticated", "system:masters");

	load_bootstrap(r, &a);
	CHECK(can(r, &anyone, "create", "authorization.k8s.io",
	    "selfsubjectaccessreviews", NULL, NULL, NULL));
	CHECK(can(r, &anyone, "create", "authorization.k8s.io",
	    "selfsubjectrulesreviews", NULL, NULL, NULL));
	CHECK(!can(r, &anyone, "create", "authorization.k8s.io",
	    "subjectaccessreviews", NULL, NULL, NULL));
	CHECK(can_path(r, &anyone, "get", "/apis/apps/v1"));
	CHECK(can_path(r, &anyone, "get", "/openapi/v3"));
	CHECK(!can_path(r, &anyone, "get", "/metrics"));
	CHECK(!can(r, &anyone, "get", "", "pods", NULL, "default", "p"));
	/* The unauthenticated only get the public info. */
	CHECK(can_path(r, &anon, "get", "/version"));
	CHECK(can_path(r, &anon, "get", "/healthz"));
	CHECK(!can_path(r, &anon, "get", "/apis"));
	CHECK(can(r, &root, "delete", "apiextensions.k8s.io",
	    "customresourcedefinitions", NULL, NULL, "x"));
	CHECK(can_path(r, &root, "get", "/metrics"));
	/* system:masters does not depend on the cluster-admin binding. */
	CHECK_INT(cf_rbac_remove(r, CF_RBAC_CLUSTER_ROLE_BINDING, NULL,
	    "cluster-admin"), 0);
	CHECK(can(r, &root, "delete", "", "namespaces", NULL, NULL, "x"));
	{
		USER(other, "other", "system:authenticated", "devs");

		CHECK(!can(r, &other, "delete", "", "namespaces", NULL, NULL, "x"));
	}
	cf_rbac_free(r);
	cf_arena_release(&a);
}

/* api/rbac/bootstrap.yaml, read relative to this source file (meson runs
 * tests from the build root; else from the binary's build root). */
static int read_api_file(cf_buf *out, const char *rel)
{
	const char *src = __FILE__, *cut = strstr(src, "tests/unit/kube/");
	char path[600], chunk[4096], exe[400];
	ssize_t len;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s%s", (int)(cut - src), src, rel);
	f = fopen(path, "rb");
	if (!f && src[0] != '/' &&
	    (len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0) {
		exe[len] = '\0';
		for (int up = 0; up < 4; up++)
			if (strrchr(exe, '/'))
				*strrchr(exe, '/') = '\0';
		snprintf(path, sizeof(path), "%s/%.*s%s", exe, (int)(cut - src),
		    src, rel);
		f = fopen(path, "rb");
	}
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cf_buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

TEST(test_kube_rbac__bootstrap_policy_matches_api_file)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf file = CF_BUF_INIT, want = CF_BUF_INIT;
	cf_node *list = cf_rbac_bootstrap_policy(&a);
	const char *body;

	CHECK(read_api_file(&file, "api/rbac/bootstrap.yaml") == 0);
	/* Skip the comment header and its "---". */
	body = strstr(file.buf, "\n---\n");
	CHECK(body);
	body += 5;
	CHECK_INT(cf_yaml_emit_stream(&want, list->v.items, list->len), 0);
	if (strcmp(body, want.buf))
		cf_test_fail(__FILE__, __LINE__, "api/rbac/bootstrap.yaml is stale; "
		    "regenerate it from cf_rbac_bootstrap_policy()");
	cf_buf_release(&file);
	cf_buf_release(&want);
	cf_arena_release(&a);
}

static void bind_in(cf_rbac *r, cf_arena *a, const char *role, const char *ns,
    const char *user)
{
	char json[512];

	snprintf(json, sizeof(json), "{\"metadata\":{\"name\":\"%s-%s\","
	    "\"namespace\":\"%s\"},\"roleRef\":{\"kind\":\"ClusterRole\","
	    "\"name\":\"%s\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"%s\"}]}",
	    role, user, ns, role, user);
	load(r, a, "RoleBinding", json);
}

TEST(test_kube_rbac__aggregated_admin_edit_view)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	USER(viewer, "viewer", "system:authenticated");
	USER(editor, "editor", "system:authenticated");
	USER(adm, "adm", "system:authenticated");

	load_bootstrap(r, &a);
	bind_in(r, &a, "view", "team", "viewer");
	bind_in(r, &a, "edit", "team", "editor");
	bind_in(r, &a, "admin", "team", "adm");

	CHECK(can(r, &viewer, "list", "", "pods", NULL, "team", NULL));
	CHECK(can(r, &viewer, "get", "apps", "deployments", NULL, "team", "d"));
	CHECK(!can(r, &viewer, "get", "", "secrets", NULL, "team", "s"));
	CHECK(!can(r, &viewer, "create", "apps", "deployments", NULL, "team", NULL));
	CHECK(!can(r, &viewer, "list", "", "pods", NULL, "other", NULL));
	/* edit = view + writes + secrets; admin = edit + RBAC in namespace. */
	CHECK(can(r, &editor, "create", "apps", "deployments", NULL, "team", NULL));
	CHECK(can(r, &editor, "get", "", "secrets", NULL, "team", "s"));
	CHECK(can(r, &editor, "list", "", "pods", NULL, "team", NULL));
	CHECK(!can(r, &editor, "create", "rbac.authorization.k8s.io",
	    "rolebindings", NULL, "team", NULL));
	CHECK(can(r, &adm, "create", "rbac.authorization.k8s.io", "rolebindings",
	    NULL, "team", NULL));
	CHECK(can(r, &adm, "list", "", "pods", NULL, "team", NULL));
	CHECK(can(r, &adm, "impersonate", "", "serviceaccounts", NULL, "team", "sa"));

	/* A CRD's role labelled aggregate-to-view joins view, edit and admin. */
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"widgets-view\","
	    "\"labels\":{\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"}},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"example.com\"],"
	    "\"resources\":[\"widgets\"]}]}");
	CHECK(can(r, &viewer, "get", "example.com", "widgets", NULL, "team", "w"));
	CHECK(can(r, &adm, "get", "example.com", "widgets", NULL, "team", "w"));
	CHECK_INT(cf_rbac_remove(r, CF_RBAC_CLUSTER_ROLE, NULL, "widgets-view"), 0);
	CHECK(!can(r, &viewer, "get", "example.com", "widgets", NULL, "team", "w"));
	cf_rbac_free(r);
	cf_arena_release(&a);
}

static int esc(cf_rbac *r, cf_arena *a, const cf_user_info *u,
    const char *kind, const char *json)
{
	return cf_rbac_check_escalation(r, u, cf_rbac_kind_from_name(kind),
	    J(a, json), true);
}

TEST(test_kube_rbac__escalation_prevention)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	USER(alice, "alice", "system:authenticated");
	USER(root, "root", "system:authenticated", "system:masters");

	load_bootstrap(r, &a);
	load(r, &a, "Role", "{\"metadata\":{\"name\":\"pods\",\"namespace\":\"ns1\"},"
	    "\"rules\":[{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\"]},{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"secrets\"],\"resourceNames\":[\"a\"]}]}");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"pods\",\"namespace\":"
	    "\"ns1\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"pods\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}");

	/* Granting what one holds is fine, in that namespace only. */
	CHECK_INT(esc(r, &a, &alice, "Role", "{\"metadata\":{\"name\":\"x\","
	    "\"namespace\":\"ns1\"},\"rules\":[{\"verbs\":[\"list\"],\"apiGroups\":"
	    "[\"\"],\"resources\":[\"pods\"]},{\"verbs\":[\"get\"],\"apiGroups\":"
	    "[\"\"],\"resources\":[\"secrets\"],\"resourceNames\":[\"a\"]}]}"), 0);
	CHECK_INT(esc(r, &a, &alice, "Role", "{\"metadata\":{\"name\":\"x\","
	    "\"namespace\":\"ns2\"},\"rules\":[{\"verbs\":[\"list\"],\"apiGroups\":"
	    "[\"\"],\"resources\":[\"pods\"]}]}"), CF_EFORBIDDEN);
	/* The missing rights, compacted per resource and sorted. Holding
	 * one secret by name does not allow granting all secrets. */
	CHECK_INT(esc(r, &a, &alice, "Role", "{\"metadata\":{\"name\":\"x\","
	    "\"namespace\":\"ns1\"},\"rules\":[{\"verbs\":[\"get\",\"delete\","
	    "\"update\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"secrets\"]}]}"),
	    CF_EFORBIDDEN);
	CHECK_STR(cf_error_msg(), "roles.rbac.authorization.k8s.io \"x\" is "
	    "forbidden: user \"alice\" (groups=[\"system:authenticated\"]) is "
	    "attempting to grant RBAC permissions not currently held:\n"
	    "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"update\"]}\n"
	    "{APIGroups:[\"\"], Resources:[\"secrets\"], Verbs:[\"get\" \"delete\" "
	    "\"update\"]}");
	/* Non-resource URLs: basic users hold get on /version via a CRB. */
	CHECK_INT(esc(r, &a, &alice, "ClusterRole", "{\"metadata\":{\"name\":\"v\"},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/apis/apps\"]}]}"),
	    0);
	CHECK_INT(esc(r, &a, &alice, "ClusterRole", "{\"metadata\":{\"name\":\"v\"},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/metrics\"]}]}"),
	    CF_EFORBIDDEN);
	CHECK(strstr(cf_error_msg(), "{NonResourceURLs:[\"/metrics\"], Verbs:[\"get\"]}"));
	/* An aggregationRule can gather anything: full authority needed. */
	CHECK_INT(esc(r, &a, &alice, "ClusterRole", "{\"metadata\":{\"name\":\"g\"},"
	    "\"aggregationRule\":{\"clusterRoleSelectors\":[{}]}}"), CF_EFORBIDDEN);
	CHECK_INT(esc(r, &a, &root, "ClusterRole", "{\"metadata\":{\"name\":\"g\"},"
	    "\"aggregationRule\":{\"clusterRoleSelectors\":[{}]}}"), 0);

	/* Bindings: to a role whose rules one holds where it applies. */
	bind_in(r, &a, "admin", "team", "alice");
	CHECK_INT(esc(r, &a, &alice, "RoleBinding", "{\"metadata\":{\"name\":\"b\","
	    "\"namespace\":\"team\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":"
	    "\"edit\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"}]}"), 0);
	CHECK_INT(esc(r, &a, &alice, "RoleBinding", "{\"metadata\":{\"name\":\"b\","
	    "\"namespace\":\"team\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":"
	    "\"cluster-admin\"},\"subjects\":[]}"), CF_EFORBIDDEN);
	CHECK(!strncmp(cf_error_msg(), "rolebindings.rbac.authorization.k8s.io \"b\" "
	    "is forbidden: user \"alice\"", 60));
	CHECK_INT(esc(r, &a, &alice, "ClusterRoleBinding", "{\"metadata\":{\"name\":"
	    "\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"}}"),
	    CF_EFORBIDDEN);
	CHECK_INT(esc(r, &a, &alice, "RoleBinding", "{\"metadata\":{\"name\":\"b\","
	    "\"namespace\":\"team\"},\"roleRef\":{\"kind\":\"Role\",\"name\":"
	    "\"nope\"}}"), CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "roles.rbac.authorization.k8s.io \"nope\" not found");

	/* The bind and escalate verbs lift the check. */
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"binder\"},\"rules\":["
	    "{\"verbs\":[\"bind\"],\"apiGroups\":[\"rbac.authorization.k8s.io\"],"
	    "\"resources\":[\"clusterroles\"],\"resourceNames\":[\"cluster-admin\"]},"
	    "{\"verbs\":[\"escalate\"],\"apiGroups\":[\"rbac.authorization.k8s.io\"],"
	    "\"resources\":[\"roles\"]}]}");
	bind_in(r, &a, "binder", "team", "alice");
	CHECK_INT(esc(r, &a, &alice, "RoleBinding", "{\"metadata\":{\"name\":\"b\","
	    "\"namespace\":\"team\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":"
	    "\"cluster-admin\"}}"), 0);
	CHECK_INT(esc(r, &a, &alice, "Role", "{\"metadata\":{\"name\":\"x\","
	    "\"namespace\":\"team\"},\"rules\":[{\"verbs\":[\"*\"],\"apiGroups\":"
	    "[\"*\"],\"resources\":[\"*\"]}]}"), 0);
	CHECK_INT(esc(r, &a, &alice, "Role", "{\"metadata\":{\"name\":\"x\","
	    "\"namespace\":\"ns1\"},\"rules\":[{\"verbs\":[\"*\"],\"apiGroups\":"
	    "[\"*\"],\"resources\":[\"*\"]}]}"), CF_EFORBIDDEN);
	/* escalate limited to one role name: updates of it only. */
	load(r, &a, "Role", "{\"metadata\":{\"name\":\"esc1\",\"namespace\":"
	    "\"ns1\"},\"rules\":[{\"verbs\":[\"escalate\"],\"apiGroups\":"
	    "[\"rbac.authorization.k8s.io\"],\"resources\":[\"roles\"],"
	    "\"resourceNames\":[\"wide\"]}]}");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"esc1\",\"namespace\":"
	    "\"ns1\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"esc1\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}");
	{
		const char *wide = "{\"metadata\":{\"name\":\"wide\",\"namespace\":"
		    "\"ns1\"},\"rules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],"
		    "\"resources\":[\"*\"]}]}";

		CHECK_INT(cf_rbac_check_escalation(r, &alice, CF_RBAC_ROLE,
		    J(&a, wide), true), CF_EFORBIDDEN);
		CHECK_INT(cf_rbac_check_escalation(r, &alice, CF_RBAC_ROLE,
		    J(&a, wide), false), 0);
	}
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__aggregate_rules_output_and_expressions)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	cf_node *rules, *agg;
	cf_buf b = CF_BUF_INIT;

	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"a\",\"labels\":"
	    "{\"tier\":\"gold\"}},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\"]}]}");
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"b\",\"labels\":"
	    "{\"tier\":\"silver\"}},\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\"]},{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\"]}]}");
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"c\"},\"rules\":["
	    "{\"verbs\":[\"delete\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
	agg = J(&a, "{\"metadata\":{\"name\":\"agg\"},\"aggregationRule\":"
	    "{\"clusterRoleSelectors\":[{\"matchExpressions\":[{\"key\":\"tier\","
	    "\"operator\":\"In\",\"values\":[\"gold\",\"silver\"]}]}]},\"rules\":[]}");
	CHECK_INT(cf_rbac_aggregate_rules(&rules, &a, r, agg), 0);
	JW(&b, rules);
	/* Union in index order, the duplicate get-pods rule once. */
	CHECK_STR(b.buf, "[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":"
	    "[\"pods\"]},{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":"
	    "[\"pods\"]}]");
	agg = J(&a, "{\"metadata\":{\"name\":\"agg\"},\"aggregationRule\":"
	    "{\"clusterRoleSelectors\":[{\"matchExpressions\":[{\"key\":\"tier\","
	    "\"operator\":\"DoesNotExist\"}]}]}}");
	cf_buf_reset(&b);
	CHECK_INT(cf_rbac_aggregate_rules(&rules, &a, r, agg), 0);
	JW(&b, rules);
	CHECK_STR(b.buf, "[{\"verbs\":[\"delete\"],\"apiGroups\":[\"\"],"
	    "\"resources\":[\"pods\"]}]");
	agg = J(&a, "{\"metadata\":{\"name\":\"agg\"},\"aggregationRule\":"
	    "{\"clusterRoleSelectors\":[{\"matchExpressions\":[{\"key\":\"tier\","
	    "\"operator\":\"Near\"}]}]}}");
	CHECK_INT(cf_rbac_aggregate_rules(&rules, &a, r, agg), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "aggregationRule.clusterRoleSelectors[0]: "
	    "\"Near\" is not a valid label selector operator");
	/* Two aggregated roles selecting each other terminate. */
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"x\",\"labels\":"
	    "{\"loop\":\"y\"}},\"aggregationRule\":{\"clusterRoleSelectors\":"
	    "[{\"matchLabels\":{\"loop\":\"x\"}}]}}");
	load(r, &a, "ClusterRole", "{\"metadata\":{\"name\":\"y\",\"labels\":"
	    "{\"loop\":\"x\"}},\"aggregationRule\":{\"clusterRoleSelectors\":"
	    "[{\"matchLabels\":{\"loop\":\"y\"}}]}}");
	cf_buf_release(&b);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__access_reviews)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	cf_buf b = CF_BUF_INIT;
	cf_node *out;
	USER(me, "me", "system:authenticated");

	load_bootstrap(r, &a);
	bind_in(r, &a, "view", "team", "me");
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":"
	    "\"authorization.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":null},"
	    "\"spec\":{\"resourceAttributes\":{\"namespace\":\"team\",\"verb\":"
	    "\"get\",\"resource\":\"pods\",\"subresource\":\"log\",\"name\":"
	    "\"mypod\"}},\"status\":{\"allowed\":false}}"), &me, NULL), 0);
	JW(&b, cf_node_get(out, "status"));
	CHECK_STR(b.buf, "{\"allowed\":true,\"reason\":\"RBAC: allowed by "
	    "RoleBinding \\\"view-me/team\\\" of ClusterRole \\\"view\\\" to User "
	    "\\\"me\\\"\"}");
	CHECK_STR(cf_node_getp_str(out, "spec", "resourceAttributes", "name", NULL),
	    "mypod");
	/* Denied: no reason without errors; non-resource form. */
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectAccessReview\",\"spec\":{"
	    "\"nonResourceAttributes\":{\"path\":\"/metrics\",\"verb\":\"get\"}}}"),
	    &me, NULL), 0);
	cf_buf_reset(&b);
	JW(&b, cf_node_get(out, "status"));
	CHECK_STR(b.buf, "{\"allowed\":false}");
	/* SubjectAccessReview: evaluated for spec.user/groups. */
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SubjectAccessReview\",\"spec\":{\"user\":\"x\",\"groups\":"
	    "[\"system:masters\"],\"resourceAttributes\":{\"verb\":\"delete\","
	    "\"resource\":\"nodes\"}}}"), &me, NULL), 0);
	CHECK(cf_node_getp(out, "status", "allowed", NULL)->v.b);
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SubjectAccessReview\",\"spec\":{\"resourceAttributes\":"
	    "{\"verb\":\"get\",\"resource\":\"pods\"}}}"), &me, NULL), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "at least one of user or group"));
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectAccessReview\",\"spec\":{}}"), &me, NULL),
	    CF_EINVALID);
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectAccessReview\",\"spec\":{\"resourceAttributes\":"
	    "{},\"nonResourceAttributes\":{}}}"), &me, NULL), CF_EINVALID);
	/* LocalSubjectAccessReview: the namespace must be the URL's. */
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"LocalSubjectAccessReview\",\"metadata\":{\"namespace\":"
	    "\"team\"},\"spec\":{\"user\":\"me\",\"resourceAttributes\":{\"namespace\":"
	    "\"team\",\"verb\":\"list\",\"resource\":\"pods\"}}}"), &me, "team"), 0);
	CHECK(cf_node_getp(out, "status", "allowed", NULL)->v.b);
	CHECK_INT(cf_rbac_review_access(&out, &a, r, J(&a,
	    "{\"kind\":\"LocalSubjectAccessReview\",\"spec\":{\"user\":\"me\","
	    "\"resourceAttributes\":{\"namespace\":\"other\",\"verb\":\"list\","
	    "\"resource\":\"pods\"}}}"), &me, "team"), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "spec.resourceAttributes.namespace must match "
	    "namespace: team");
	cf_buf_release(&b);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__rules_review)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	cf_buf b = CF_BUF_INIT;
	cf_node *out;
	USER(me, "me", "system:authenticated");

	load_bootstrap(r, &a);
	load(r, &a, "Role", "{\"metadata\":{\"name\":\"r\",\"namespace\":\"team\"},"
	    "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":"
	    "[\"configmaps\"],\"resourceNames\":[\"c1\"]}]}");
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"rb\",\"namespace\":"
	    "\"team\"},\"roleRef\":{\"kind\":\"Role\",\"name\":\"r\"},\"subjects\":"
	    "[{\"kind\":\"User\",\"name\":\"me\"}]}");
	CHECK_INT(cf_rbac_review_rules(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectRulesReview\",\"spec\":{\"namespace\":\"team\"}}"),
	    &me), 0);
	JW(&b, cf_node_get(out, "status"));
	CHECK_STR(b.buf, "{\"resourceRules\":["
	    "{\"verbs\":[\"create\"],\"apiGroups\":[\"authorization.k8s.io\"],"
	    "\"resources\":[\"selfsubjectaccessreviews\",\"selfsubjectrulesreviews\"]},"
	    "{\"verbs\":[\"create\"],\"apiGroups\":[\"authentication.k8s.io\"],"
	    "\"resources\":[\"selfsubjectreviews\"]},"
	    "{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],"
	    "\"resourceNames\":[\"c1\"]}],"
	    "\"nonResourceRules\":["
	    "{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/api\",\"/api/*\",\"/apis\","
	    "\"/apis/*\",\"/healthz\",\"/livez\",\"/openapi\",\"/openapi/*\","
	    "\"/readyz\",\"/version\",\"/version/\"]},"
	    "{\"verbs\":[\"get\"],\"nonResourceURLs\":[\"/healthz\",\"/livez\","
	    "\"/readyz\",\"/version\",\"/version/\"]}],\"incomplete\":false}");
	/* A dangling reference makes the review incomplete. */
	load(r, &a, "RoleBinding", "{\"metadata\":{\"name\":\"rb2\",\"namespace\":"
	    "\"team\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"nope\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"me\"}]}");
	CHECK_INT(cf_rbac_review_rules(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectRulesReview\",\"spec\":{\"namespace\":\"team\"}}"),
	    &me), 0);
	CHECK(cf_node_getp(out, "status", "incomplete", NULL)->v.b);
	CHECK_STR(cf_node_getp_str(out, "status", "evaluationError", NULL),
	    "clusterrole.rbac.authorization.k8s.io \"nope\" not found");
	CHECK_INT(cf_rbac_review_rules(&out, &a, r, J(&a,
	    "{\"kind\":\"SelfSubjectRulesReview\",\"spec\":{}}"), &me), CF_EINVALID);
	cf_buf_release(&b);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST(test_kube_rbac__invalid_objects)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();

	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE, J(&a,
	    "{\"metadata\":{\"name\":\"x\"}}")), CF_EINVALID);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_CLUSTER_ROLE, J(&a, "{}")), CF_EINVALID);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_CLUSTER_ROLE_BINDING, J(&a,
	    "{\"metadata\":{\"name\":\"x\"}}")), CF_EINVALID);
	/* Odd shapes are ignored, not misread. */
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_CLUSTER_ROLE, J(&a,
	    "{\"metadata\":{\"name\":\"x\"},\"rules\":[1,{\"verbs\":\"get\"},"
	    "{\"verbs\":[2,\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}")), 0);
	CHECK_INT(cf_rbac_kind_from_name("Pod"), -1);
	CHECK_INT(cf_rbac_kind_from_name("ClusterRoleBinding"),
	    CF_RBAC_CLUSTER_ROLE_BINDING);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_rbac__role_binding_in_its_namespace_only),
    T(test_kube_rbac__wildcards_subresources_and_names),
    T(test_kube_rbac__non_resource_urls),
    T(test_kube_rbac__subjects_and_cluster_role_in_namespace),
    T(test_kube_rbac__forbidden_messages),
    T(test_kube_rbac__reasons),
    T(test_kube_rbac__bootstrap_policy),
    T(test_kube_rbac__bootstrap_policy_matches_api_file),
    T(test_kube_rbac__aggregated_admin_edit_view),
    T(test_kube_rbac__aggregate_rules_output_and_expressions),
    T(test_kube_rbac__access_reviews),
    T(test_kube_rbac__rules_review),
    T(test_kube_rbac__escalation_prevention),
    T(test_kube_rbac__invalid_objects))
