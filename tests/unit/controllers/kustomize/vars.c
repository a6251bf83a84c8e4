/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-build variables and substitution over a built set (vars.h),
 * without a cluster: the inline variables, the skip rules and the strict
 * switch that cflux build --dry-run relies on. Reading substituteFrom
 * from a real API server is covered by t0013 and t0022.
 */
#include <string.h>

#include "controllers/kustomize/vars.h"
#include "core/error.h"
#include "core/yaml.h"
#include "test.h"

static cf_node *yaml(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_yaml_parse_one(&n, a, text, strlen(text), NULL) < 0)
		return NULL;
	return n;
}

static const char *data(const cf_node *obj, const char *key)
{
	return cf_node_getp_str(obj, "data", key, NULL);
}

TEST(test_kustomize_vars__inline_only_without_client)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *vars = NULL;
	cf_node *spec = yaml(&a, "postBuild:\n"
	    "  substitute: {region: \"eu\\nwest\\r\", count: \"3\"}\n"
	    "  substituteFrom: [{kind: Secret, name: never-read}]\n");

	/* No client: substituteFrom is skipped, not an error. */
	CHECK_INT(cf_kzctl_vars(&vars, &a, NULL, "flux-system", spec), 0);
	CHECK_INT((int)cf_node_count(vars), 2);
	CHECK_STR(cf_node_getp_str(vars, "region", NULL), "euwest");
	CHECK_STR(cf_node_getp_str(vars, "count", NULL), "3");
	CHECK_STR(cf_node_getp_str(vars, "region", NULL), "euwest");

	spec = yaml(&a, "postBuild:\n  substitute: {\"bad-name\": x}\n");
	CHECK_INT(cf_kzctl_vars(&vars, &a, NULL, "ns", spec), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "spec.postBuild.substitute: 'bad-name'"));

	/* No postBuild: no variables. */
	CHECK_INT(cf_kzctl_vars(&vars, &a, NULL, "ns", yaml(&a, "path: ./")),
	    0);
	CHECK_INT((int)cf_node_count(vars), 0);
	cf_arena_release(&a);
}

TEST(test_kustomize_vars__substitute_set)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *spec = yaml(&a, "postBuild: {substitute: {region: eu}}\n");
	cf_node *objs[2], *vars = NULL;

	objs[0] = yaml(&a, "kind: ConfigMap\nmetadata: {name: a}\n"
	    "data: {r: \"${region}\", t: \"${tier:=basic}\", u: \"${unset}\"}\n");
	objs[1] = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: b\n"
	    "  labels: {kustomize.toolkit.fluxcd.io/substitute: disabled}\n"
	    "data: {r: \"${region}\"}\n");
	CHECK_INT(cf_kzctl_vars(&vars, &a, NULL, "ns", spec), 0);

	/* Strict: the unset variable fails, naming the object and it. */
	CHECK_INT(cf_kzctl_substitute(&a, objs, 2, spec, vars, true),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "post build failed for 'ConfigMap/a'"));
	CHECK(strstr(cf_error_msg(), "\"unset\""));
	CHECK_STR(data(objs[0], "r"), "${region}");

	/* Lenient: it becomes empty; the disabled object is left alone. */
	CHECK_INT(cf_kzctl_substitute(&a, objs, 2, spec, vars, false), 0);
	CHECK_STR(data(objs[0], "r"), "eu");
	CHECK_STR(data(objs[0], "t"), "basic");
	CHECK(!data(objs[0], "u") || !*data(objs[0], "u"));
	CHECK_STR(data(objs[1], "r"), "${region}");
	cf_arena_release(&a);
}

TEST(test_kustomize_vars__strategy)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *none = cf_node_map(&a);
	cf_node *obj = yaml(&a, "kind: ConfigMap\nmetadata: {name: a}\n"
	    "data: {r: \"${region:=eu}\"}\n");

	/* No variables and the default strategy: nothing is touched. */
	CHECK_INT(cf_kzctl_substitute(&a, &obj, 1, yaml(&a,
	    "postBuild: {substituteFrom: []}\n"), none, true), 0);
	CHECK_STR(data(obj, "r"), "${region:=eu}");
	/* No postBuild at all: the same. */
	CHECK_INT(cf_kzctl_substitute(&a, &obj, 1, yaml(&a, "path: ./\n"),
	    none, true), 0);
	CHECK_STR(data(obj, "r"), "${region:=eu}");
	/* Always: substituted even without variables. */
	CHECK_INT(cf_kzctl_substitute(&a, &obj, 1, yaml(&a,
	    "postBuild: {substituteStrategy: Always}\n"), none, true), 0);
	CHECK_STR(data(obj, "r"), "eu");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kustomize_vars__inline_only_without_client),
    T(test_kustomize_vars__substitute_set),
    T(test_kustomize_vars__strategy))
