/* SPDX-License-Identifier: Apache-2.0 */
/* What flux diff and flux tree print, without a cluster: the dyff-style
 * report of a drifted object, Secret masking, and the tree renderings. */
#include <string.h>

#include "cli/report.h"
#include "cli/tree.h"
#include "core/buf.h"
#include "core/yaml.h"
#include "test.h"

static cf_arena arena = CF_ARENA_INIT;

static cf_node *yaml(const char *s)
{
	cf_node *n = NULL;

	if (cf_yaml_parse_one(&n, &arena, s, strlen(s), NULL) < 0)
		n = cf_node_null(&arena);
	return n;
}

/* The report of from -> to, and the count it returned. */
static const char *report(const char *from, const char *to, size_t *n)
{
	cf_buf b = CF_BUF_INIT;
	char *r;

	*n = cf_cli_diff_report(&b, &arena, yaml(from), yaml(to));
	r = cf_arena_strdup(&arena, b.buf);
	cf_buf_release(&b);
	return r;
}

TEST(test_report__equal_objects_say_nothing)
{
	size_t n;

	/* Key order and int/float spelling of a number are no change. */
	CHECK_STR(report("{a: 1, b: [x, y], c: {d: e}}",
	    "{c: {d: e}, b: [x, y], a: 1.0}", &n), "");
	CHECK_INT(n, 0);
}

TEST(test_report__value_change_by_path)
{
	size_t n;

	CHECK_STR(report("spec: {replicas: 5, paused: false}",
	    "spec: {replicas: 2, paused: false}", &n),
	    "\nspec.replicas\n"
	    "  ± value change\n"
	    "    - 5\n"
	    "    + 2\n"
	    "\n");
	CHECK_INT(n, 1);
	CHECK_STR(report("a: '1'", "a: 1", &n),
	    "\na\n"
	    "  ± type change from string to int\n"
	    "    - 1\n"
	    "    + 1\n"
	    "\n");
}

TEST(test_report__named_list_entries_by_name)
{
	size_t n;

	/* A list whose entries have unique names: addressed by them, as
	 * dyff's spec.ports.http.port. */
	CHECK_STR(report(
	    "spec: {ports: [{name: http, port: 9899}, {name: grpc, port: 9999}]}",
	    "spec: {ports: [{name: http, port: 9898}, {name: grpc, port: 9999},"
	    " {name: metrics, port: 9797}]}", &n),
	    "\nspec.ports\n"
	    "  + one list entry added:\n"
	    "    - name: metrics\n"
	    "      port: 9797\n"
	    "\nspec.ports.http.port\n"
	    "  ± value change\n"
	    "    - 9899\n"
	    "    + 9898\n"
	    "\n");
	CHECK_INT(n, 2);
}

TEST(test_report__unnamed_lists)
{
	size_t n;

	/* One entry: by index. */
	CHECK_STR(report("p: [{periodSeconds: 16}]", "p: [{periodSeconds: 15}]",
	    &n),
	    "\np.0.periodSeconds\n"
	    "  ± value change\n"
	    "    - 16\n"
	    "    + 15\n"
	    "\n");
	/* More: entries removed and added, by value. */
	CHECK_STR(report("args: [--a, --b, --c]", "args: [--a, --d, --e]", &n),
	    "\nargs\n"
	    "  - two list entries removed:\n"
	    "    - --b\n"
	    "    - --c\n"
	    "  + two list entries added:\n"
	    "    - --d\n"
	    "    - --e\n"
	    "\n");
	CHECK_STR(report("args: [a, b]", "args: [b, a]", &n),
	    "\nargs\n"
	    "  ⇆ order changed\n"
	    "    - a, b\n"
	    "    + b, a\n"
	    "\n");
}

TEST(test_report__multiline_text_by_line)
{
	size_t n;

	CHECK_STR(report("data: {conf: \"a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\n\"}",
	    "data: {conf: \"a\\nb\\nc\\nX\\ne\\nf\\ng\\nh\\nI\\n\"}", &n),
	    "\ndata.conf\n"
	    "  ± value change in multiline text (two inserts, one deletion)\n"
	    "    ...\n"
	    "      b\n"
	    "      c\n"
	    "    - d\n"
	    "    + X\n"
	    "      e\n"
	    "      f\n"
	    "      g\n"
	    "      h\n"
	    "    + I\n"
	    "\n");
	CHECK_INT(n, 1);
	/* Distant changes are cut apart. */
	CHECK_STR(report("t: \"1\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n9\"",
	    "t: \"0\\n2\\n3\\n4\\n5\\n6\\n7\\n8\\n0\"", &n),
	    "\nt\n"
	    "  ± value change in multiline text (two inserts, two deletions)\n"
	    "    - 1\n"
	    "    + 0\n"
	    "      2\n"
	    "      3\n"
	    "    ...\n"
	    "      7\n"
	    "      8\n"
	    "    - 9\n"
	    "    + 0\n"
	    "\n");
}

TEST(test_report__map_entries_added_and_removed)
{
	size_t n;

	CHECK_STR(report("metadata: {labels: {a: x, b: y}}",
	    "metadata: {labels: {b: y, c: z}}", &n),
	    "\nmetadata.labels\n"
	    "  - one map entry removed:\n"
	    "    a: x\n"
	    "  + one map entry added:\n"
	    "    c: z\n"
	    "\n");
	CHECK_INT(n, 1);
}

TEST(test_report__secret_values_never_shown)
{
	cf_node *live = yaml("kind: Secret\n"
	    "metadata:\n"
	    "  annotations:\n"
	    "    kubectl.kubernetes.io/last-applied-configuration: "
	    "'{\"data\":{\"password\":\"c2VjcmV0LW9sZA==\"}}'\n"
	    "data: {password: c2VjcmV0LW9sZA==, user: YWRtaW4=, "
	    "gone: Z29uZS12YWx1ZQ==}\n");
	cf_node *merged = yaml("kind: Secret\n"
	    "data: {password: c2VjcmV0LW5ldw==, user: YWRtaW4=, "
	    "token: dG9rZW4tdmFsdWU=}\n");
	cf_buf b = CF_BUF_INIT;

	cf_cli_diff_mask_secret(&arena, live, merged);
	CHECK(cf_cli_diff_report(&b, &arena, live, merged) > 0);
	CHECK(!strstr(b.buf, "c2VjcmV0"));
	CHECK(!strstr(b.buf, "YWRtaW4"));
	CHECK(!strstr(b.buf, "dG9rZW4"));
	CHECK(!strstr(b.buf, "Z29uZS"));
	CHECK_STR(b.buf,
	    "\n(root level)\n"
	    "  - one map entry removed:\n"
	    "    metadata:\n"
	    "      annotations:\n"
	    "        kubectl.kubernetes.io/last-applied-configuration: '***'\n"
	    "\ndata\n"
	    "  - one map entry removed:\n"
	    "    gone: '***'\n"
	    "  + one map entry added:\n"
	    "    token: '***'\n"
	    "\ndata.password\n"
	    "  ± value change\n"
	    "    - *** (before)\n"
	    "    + *** (after)\n"
	    "\n");
	cf_buf_release(&b);
	/* Not a Secret: left alone. */
	live = yaml("kind: ConfigMap\ndata: {a: b}");
	cf_cli_diff_mask_secret(&arena, live, NULL);
	CHECK_STR(cf_node_getp_str(live, "data", "a", NULL), "b");
}

TEST(test_report__strip_server_fields)
{
	cf_node *o = yaml("metadata: {name: a, uid: u, resourceVersion: '3', "
	    "generation: 2, creationTimestamp: t, managedFields: [{}], "
	    "labels: {x: y}}\nspec: {}\nstatus: {ready: true}");
	cf_buf b = CF_BUF_INIT;
	size_t n;

	cf_cli_diff_strip(o);
	n = cf_cli_diff_report(&b, &arena, o,
	    yaml("metadata: {name: a, labels: {x: y}}\nspec: {}"));
	CHECK_INT(n, 0);
	cf_buf_release(&b);
}

static cf_cli_tree *sample_tree(void)
{
	cf_inv_entry root = { "flux-system", "flux-system",
	    "kustomize.toolkit.fluxcd.io", "Kustomization", "v1" };
	cf_inv_entry ns = { "", "flux-system", "", "Namespace", "v1" };
	cf_inv_entry infra = { "flux-system", "infra",
	    "kustomize.toolkit.fluxcd.io", "Kustomization", "v1" };
	cf_inv_entry cm = { "cert-manager", "cm", "", "ConfigMap", "v1" };
	cf_inv_entry hr = { "cert-manager", "cert-manager",
	    "helm.toolkit.fluxcd.io", "HelmRelease", "v2" };
	cf_inv_entry git = { "flux-system", "flux-system",
	    "source.toolkit.fluxcd.io", "GitRepository", "v1" };
	cf_cli_tree *t = cf_cli_tree_new(&arena, &root), *k;

	cf_cli_tree_add(&arena, t, &ns);
	k = cf_cli_tree_add(&arena, t, &infra);
	cf_cli_tree_add(&arena, k, &cm);
	cf_cli_tree_add(&arena, cf_cli_tree_add(&arena, k, &hr), &cm);
	cf_cli_tree_add(&arena, t, &git);
	return t;
}

TEST(test_tree__text_is_flux_drawing)
{
	cf_buf b = CF_BUF_INIT;

	cf_cli_tree_text(&b, sample_tree());
	CHECK_STR(b.buf,
	    "Kustomization/flux-system/flux-system\n"
	    "├── Namespace/flux-system\n"
	    "├── Kustomization/flux-system/infra\n"
	    "│   ├── ConfigMap/cert-manager/cm\n"
	    "│   └── HelmRelease/cert-manager/cert-manager\n"
	    "│       └── ConfigMap/cert-manager/cm\n"
	    "└── GitRepository/flux-system/flux-system\n");
	cf_buf_release(&b);
}

TEST(test_tree__json_and_yaml)
{
	cf_inv_entry root = { "ns", "a", "kustomize.toolkit.fluxcd.io",
	    "Kustomization", "v1" };
	cf_inv_entry cm = { "", "n\"x", "", "Namespace", "v1" };
	cf_cli_tree *t = cf_cli_tree_new(&arena, &root);
	cf_buf b = CF_BUF_INIT;

	cf_cli_tree_json(&b, t);
	CHECK_STR(b.buf,
	    "{\n"
	    "  \"resource\": {\n"
	    "    \"Namespace\": \"ns\",\n"
	    "    \"Name\": \"a\",\n"
	    "    \"GroupKind\": {\n"
	    "      \"Group\": \"kustomize.toolkit.fluxcd.io\",\n"
	    "      \"Kind\": \"Kustomization\"\n"
	    "    }\n"
	    "  }\n"
	    "}\n");
	cf_buf_reset(&b);
	cf_cli_tree_add(&arena, t, &cm);
	cf_cli_tree_json(&b, t);
	CHECK(strstr(b.buf, "  },\n  \"resources\": [\n    {\n"
	    "      \"resource\": {\n        \"Namespace\": \"\",\n"
	    "        \"Name\": \"n\\\"x\",\n"));
	CHECK(strstr(b.buf, "    }\n  ]\n}\n"));
	cf_buf_reset(&b);
	CHECK_INT(cf_cli_tree_yaml(&b, &arena, t), 0);
	CHECK_STR(b.buf,
	    "resource:\n"
	    "  GroupKind:\n"
	    "    Group: kustomize.toolkit.fluxcd.io\n"
	    "    Kind: Kustomization\n"
	    "  Name: a\n"
	    "  Namespace: ns\n"
	    "resources:\n"
	    "- resource:\n"
	    "    GroupKind:\n"
	    "      Group: \"\"\n"
	    "      Kind: Namespace\n"
	    "    Name: n\"x\n"
	    "    Namespace: \"\"\n");
	cf_buf_release(&b);
}

TEST_MAIN(T(test_report__equal_objects_say_nothing),
    T(test_report__value_change_by_path),
    T(test_report__named_list_entries_by_name),
    T(test_report__unnamed_lists),
    T(test_report__multiline_text_by_line),
    T(test_report__map_entries_added_and_removed),
    T(test_report__secret_values_never_shown),
    T(test_report__strip_server_fields),
    T(test_tree__text_is_flux_drawing),
    T(test_tree__json_and_yaml))
