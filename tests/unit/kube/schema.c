/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merge schemas: the built-in table of spec/kubernetes-api.md §3.8 and the
 * CRD openAPIV3Schema constructor.
 */
#include "test.h"
#include "core/error.h"
#include "core/node.h"
#include "kube/schema.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/json.h"

/* Parse a JSON fixture; single quotes stand for double quotes so fixtures
 * stay readable in C strings. A broken fixture is a bug in the test, so
 * it stops the binary loudly. */
static cf_node *J(cf_arena *a, const char *text)
{
	char *t = cf_arena_strdup(a, text);
	cf_node *n;

	for (char *c = t; *c; c++)
		if (*c == '\'')
			*c = '"';
	if (cf_json_parse(&n, a, t, strlen(t), NULL) < 0) {
		fprintf(stderr, "bad fixture %s: %s\n", text, cf_error_msg());
		abort();
	}
	return n;
}

/* Follow a dotted path; "x[]" steps into x's items. */
static const cf_schema *at(const cf_schema *s, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *tok = strtok_r(buf, ".", &save); tok;
	     tok = strtok_r(NULL, ".", &save)) {
		size_t n = strlen(tok);
		bool items = n > 2 && !strcmp(tok + n - 2, "[]");

		if (items)
			tok[n - 2] = '\0';
		s = cf_schema_child(s, tok, NULL);
		if (items)
			s = cf_schema_item(s);
	}
	return s;
}

TEST(test_kube_schema__pod_template_lists)
{
	static const char *const kinds[][3] = {
		{ "apps", "Deployment", "spec.template.spec" },
		{ "apps", "StatefulSet", "spec.template.spec" },
		{ "apps", "DaemonSet", "spec.template.spec" },
		{ "apps", "ReplicaSet", "spec.template.spec" },
		{ "batch", "Job", "spec.template.spec" },
		{ "batch", "CronJob", "spec.jobTemplate.spec.template.spec" },
		{ "", "Pod", "spec" },
	};
	char p[200];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const cf_schema *s = cf_schema_builtin(kinds[i][0], kinds[i][1]);
		const cf_schema *c, *ports, *vol;

		CHECK(cf_schema_builtin_known(kinds[i][0], kinds[i][1]));
		snprintf(p, sizeof(p), "%s.containers", kinds[i][2]);
		c = at(s, p);
		CHECK_INT(c->kind, CF_SCHEMA_LIST);
		CHECK_INT(c->rel, CF_SCHEMA_ASSOC);
		CHECK_INT(c->nkeys, 1);
		CHECK_STR(c->keys[0], "name");
		CHECK(c->smp & CF_SMP_MERGE);
		CHECK_STR(c->smp_key, "name");
		snprintf(p, sizeof(p), "%s.initContainers[].ports", kinds[i][2]);
		ports = at(s, p);
		CHECK_INT(ports->rel, CF_SCHEMA_ASSOC);
		CHECK_INT(ports->nkeys, 2);
		CHECK_STR(ports->keys[0], "containerPort");
		CHECK_STR(ports->keys[1], "protocol");
		CHECK(ports->key_defaults[0] == NULL);
		CHECK_STR(cf_node_as_str(ports->key_defaults[1]), "TCP");
		CHECK_STR(ports->smp_key, "containerPort");
		snprintf(p, sizeof(p), "%s.containers[].args", kinds[i][2]);
		CHECK_INT(at(s, p)->rel, CF_SCHEMA_ATOMIC);
		snprintf(p, sizeof(p), "%s.containers[].env", kinds[i][2]);
		CHECK_STR(at(s, p)->keys[0], "name");
		snprintf(p, sizeof(p), "%s.volumes", kinds[i][2]);
		vol = at(s, p);
		CHECK_INT(vol->rel, CF_SCHEMA_ASSOC);
		CHECK_INT(vol->smp, CF_SMP_MERGE | CF_SMP_RETAIN_KEYS);
		snprintf(p, sizeof(p), "%s.tolerations", kinds[i][2]);
		CHECK_INT(at(s, p)->rel, CF_SCHEMA_ATOMIC);
		snprintf(p, sizeof(p), "%s.topologySpreadConstraints", kinds[i][2]);
		CHECK_STR(at(s, p)->keys[1], "whenUnsatisfiable");
	}
}

TEST(test_kube_schema__metadata_for_every_kind)
{
	const char *kinds[][2] = { { "", "ConfigMap" }, { "apps", "Deployment" },
		{ "example.com", "Whatever" } };

	for (size_t i = 0; i < 3; i++) {
		const cf_schema *s = cf_schema_builtin(kinds[i][0], kinds[i][1]);
		const cf_schema *o = at(s, "metadata.ownerReferences");

		CHECK_INT(o->rel, CF_SCHEMA_ASSOC);
		CHECK_STR(o->keys[0], "uid");
		CHECK_STR(o->smp_key, "uid");
		CHECK_INT(at(s, "metadata.ownerReferences[]")->rel, CF_SCHEMA_ATOMIC);
		CHECK_INT(at(s, "metadata.finalizers")->rel, CF_SCHEMA_SET);
		CHECK(at(s, "metadata.finalizers")->smp & CF_SMP_MERGE);
		CHECK_INT(at(s, "metadata.managedFields")->rel, CF_SCHEMA_ATOMIC);
		CHECK_INT(at(s, "metadata.labels")->kind, CF_SCHEMA_MAP);
		CHECK(!(at(s, "metadata.labels")->flags & CF_SCHEMA_F_STRUCT));
	}
	CHECK(!cf_schema_builtin_known("example.com", "Whatever"));
}

TEST(test_kube_schema__status_conditions_and_others)
{
	const cf_schema *d = cf_schema_builtin("apps", "Deployment");
	const cf_schema *j = cf_schema_builtin("batch", "Job");
	const cf_schema *svc = cf_schema_builtin("", "Service");
	const cf_schema *sa = cf_schema_builtin("", "ServiceAccount");
	const cf_schema *role = cf_schema_builtin("rbac.authorization.k8s.io", "Role");
	const cf_schema *rb = cf_schema_builtin("rbac.authorization.k8s.io",
	    "ClusterRoleBinding");
	const cf_schema *ing = cf_schema_builtin("networking.k8s.io", "Ingress");
	const cf_schema *np = cf_schema_builtin("networking.k8s.io", "NetworkPolicy");
	const cf_schema *ss = cf_schema_builtin("apps", "StatefulSet");

	CHECK_INT(at(d, "status.conditions")->rel, CF_SCHEMA_ASSOC);
	CHECK_STR(at(d, "status.conditions")->keys[0], "type");
	/* Job conditions: atomic for apply, merged on type by SMP. */
	CHECK_INT(at(j, "status.conditions")->rel, CF_SCHEMA_ATOMIC);
	CHECK_STR(at(j, "status.conditions")->smp_key, "type");
	CHECK_INT(at(d, "spec.selector")->rel, CF_SCHEMA_ATOMIC);
	CHECK(at(d, "spec.strategy")->smp & CF_SMP_RETAIN_KEYS);
	CHECK_STR(at(svc, "spec.ports")->keys[0], "port");
	CHECK_STR(cf_node_as_str(at(svc, "spec.ports")->key_defaults[1]), "TCP");
	CHECK_INT(at(svc, "spec.clusterIPs")->rel, CF_SCHEMA_ATOMIC);
	CHECK_STR(at(sa, "secrets")->keys[0], "name");
	CHECK_INT(at(sa, "imagePullSecrets")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(role, "rules")->kind, CF_SCHEMA_LIST);
	CHECK_INT(at(role, "rules")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(rb, "roleRef")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(rb, "subjects")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(ing, "spec.rules")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(np, "spec.ingress")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(np, "spec.podSelector")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(ss, "spec.volumeClaimTemplates")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(cf_schema_builtin("", "Node"), "status.addresses")->rel,
	    CF_SCHEMA_ASSOC);
	CHECK_STR(at(cf_schema_builtin("", "Pod"), "status.podIPs")->keys[0], "ip");
	CHECK_INT(at(cf_schema_builtin("policy", "PodDisruptionBudget"),
	    "spec.selector")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(d, "spec.template.spec.containers[].env[].valueFrom.fieldRef")
	    ->rel, CF_SCHEMA_ATOMIC);
}

TEST(test_kube_schema__deduced_parts)
{
	const cf_schema *d = cf_schema_builtin("apps", "Deployment");
	const cf_schema *u;
	bool declared = false;
	cf_arena a = CF_ARENA_INIT;
	cf_node *m = cf_node_map(&a), *l = cf_node_seq(&a);

	/* An undeclared field of a built-in struct is still a struct field. */
	u = cf_schema_child(at(d, "spec"), "minReadySeconds", &declared);
	CHECK(declared);
	CHECK_INT(u->kind, CF_SCHEMA_UNTYPED);
	/* Labels are map entries. */
	cf_schema_child(at(d, "metadata.labels"), "app", &declared);
	CHECK(!declared);
	/* Deduced: maps granular, lists atomic, recursively. */
	u = cf_schema_deduced();
	CHECK_INT(cf_schema_kind_of(u, m), CF_SCHEMA_MAP);
	CHECK_INT(cf_schema_rel_of(u, m), CF_SCHEMA_GRANULAR);
	CHECK_INT(cf_schema_kind_of(u, l), CF_SCHEMA_LIST);
	CHECK_INT(cf_schema_rel_of(u, l), CF_SCHEMA_ATOMIC);
	CHECK(cf_schema_child(u, "x", &declared) == u);
	CHECK(!declared);
	cf_arena_release(&a);
}

TEST(test_kube_schema__from_openapi)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s;
	const cf_schema *items;

	CHECK(cf_schema_from_openapi(&s, &a, J(&a, "{'type':'object','properties':{"
	    "'metadata':{'type':'object'},"
	    "'spec':{'type':'object','properties':{"
	    " 'plain':{'type':'array','items':{'type':'string'}},"
	    " 'tags':{'type':'array','x-kubernetes-list-type':'set','items':{'type':'string'}},"
	    " 'items':{'type':'array','x-kubernetes-list-type':'map',"
	    "  'x-kubernetes-list-map-keys':['name','proto'],'items':{'type':'object',"
	    "  'properties':{'name':{'type':'string'},'proto':{'type':'string','default':'TCP'}}}},"
	    " 'sel':{'type':'object','x-kubernetes-map-type':'atomic'},"
	    " 'env':{'type':'object','additionalProperties':{'type':'string'}},"
	    " 'any':{'type':'object','x-kubernetes-preserve-unknown-fields':true},"
	    " 'port':{'x-kubernetes-int-or-string':true}}},"
	    "'status':{'type':'object','properties':{'conditions':{'type':'array',"
	    " 'items':{'type':'object'}}}}}}")) == 0);
	CHECK_INT(at(s, "spec.plain")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(s, "spec.tags")->rel, CF_SCHEMA_SET);
	items = at(s, "spec.items");
	CHECK_INT(items->rel, CF_SCHEMA_ASSOC);
	CHECK_INT(items->nkeys, 2);
	CHECK(items->key_defaults[0] == NULL);
	CHECK_STR(cf_node_as_str(items->key_defaults[1]), "TCP");
	CHECK_INT(at(s, "spec.sel")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(at(s, "spec.env")->kind, CF_SCHEMA_MAP);
	CHECK_INT(at(s, "spec.env.x")->kind, CF_SCHEMA_SCALAR);
	CHECK_INT(at(s, "spec.any.deep")->kind, CF_SCHEMA_UNTYPED);
	CHECK_INT(at(s, "spec.port")->kind, CF_SCHEMA_SCALAR);
	/* Unmarked lists are atomic, so Flux's conditions are too. */
	CHECK_INT(at(s, "status.conditions")->rel, CF_SCHEMA_ATOMIC);
	/* metadata is ObjectMeta whatever the CRD says. */
	CHECK_INT(at(s, "metadata.finalizers")->rel, CF_SCHEMA_SET);
	CHECK_STR(at(s, "metadata.ownerReferences")->keys[0], "uid");
	cf_arena_release(&a);
}

TEST(test_kube_schema__from_openapi_errors)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s;

	CHECK_INT(cf_schema_from_openapi(&s, &a, J(&a, "{'type':'object',"
	    "'properties':{'spec':{'type':'object','properties':{'items':{"
	    "'type':'array','x-kubernetes-list-type':'map',"
	    "'items':{'type':'object'}}}}}}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".spec.items: x-kubernetes-list-type map needs "
	    "x-kubernetes-list-map-keys");
	CHECK_INT(cf_schema_from_openapi(&s, &a, J(&a, "{'type':'object',"
	    "'properties':{'l':{'type':'array','x-kubernetes-list-type':'bag'}}}")),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".l: unknown x-kubernetes-list-type 'bag'");
	CHECK_INT(cf_schema_from_openapi(&s, &a, J(&a, "{'type':'string'}")),
	    CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_kube_schema__from_crd_object)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s;
	cf_node *crd = J(&a, "{'apiVersion':'apiextensions.k8s.io/v1',"
	    "'kind':'CustomResourceDefinition','metadata':{'name':'ws.example.com'},"
	    "'spec':{'versions':[{'name':'v1','schema':{'openAPIV3Schema':{"
	    "'type':'object','properties':{'spec':{'type':'object','properties':{"
	    "'tags':{'type':'array','x-kubernetes-list-type':'set'}}}}}}},"
	    "{'name':'v2','schema':{'openAPIV3Schema':{'type':'object','properties':{"
	    "'spec':{'type':'object','properties':{'tags':{'type':'array'}}}}}}},"
	    "{'name':'v3','schema':{'openAPIV3Schema':{'type':'object','properties':{"
	    "'l':{'type':'array','x-kubernetes-list-type':'map'}}}}}]}}");

	CHECK(cf_schema_from_crd(&s, &a, crd, "v1") == 0);
	CHECK_INT(at(s, "spec.tags")->rel, CF_SCHEMA_SET);
	CHECK(cf_schema_from_crd(&s, &a, crd, "v2") == 0);
	CHECK_INT(at(s, "spec.tags")->rel, CF_SCHEMA_ATOMIC);
	CHECK_INT(cf_schema_from_crd(&s, &a, crd, "v9"), CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "version 'v9' not found in "
	    "CustomResourceDefinition 'ws.example.com'");
	CHECK_INT(cf_schema_from_crd(&s, &a, crd, "v3"), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "version 'v3': .l: x-kubernetes-list-type map "
	    "needs x-kubernetes-list-map-keys");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_schema__pod_template_lists),
    T(test_kube_schema__metadata_for_every_kind),
    T(test_kube_schema__status_conditions_and_others),
    T(test_kube_schema__deduced_parts),
    T(test_kube_schema__from_openapi),
    T(test_kube_schema__from_openapi_errors),
    T(test_kube_schema__from_crd_object))
