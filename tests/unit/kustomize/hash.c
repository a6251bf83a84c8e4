/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The name-suffix hash. Expected values were printed by kubectl kustomize
 * (v5.5.0) for generators with the same data.
 */
#include "test.h"
#include "core/error.h"
#include "kustomize/kustomize.h"

static cf_node *cm(cf_arena *a, const char *kind)
{
	cf_node *o = cf_node_map(a);

	cf_node_set(a, o, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, o, "kind", cf_node_str(a, kind));
	cf_node_set(a, cf_node_set_map(a, o, "metadata"), "name",
	    cf_node_str(a, "whatever"));
	return o;
}

TEST(test_kustomize_hash__escapes_html_like_go)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *o = cm(&a, "ConfigMap");
	cf_node *d = cf_node_set_map(&a, o, "data");
	char h[11];

	cf_node_set(&a, d, "html", cf_node_str(&a, "<x>&"));
	cf_node_set(&a, d, "a", cf_node_str(&a, "b"));
	CHECK_INT(cf_kustomize_hash(h, o), 0);
	CHECK_STR(h, "56g6gm5gb4");
	cf_arena_release(&a);
}

TEST(test_kustomize_hash__empty_configmap_and_name_independent)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *o = cm(&a, "ConfigMap");
	char h[11], h2[11];

	CHECK_INT(cf_kustomize_hash(h, o), 0);
	CHECK_STR(h, "6ct58987ht");
	/* Name, labels and namespace are not part of the hash. */
	cf_node_set(&a, cf_node_get(o, "metadata"), "name", cf_node_str(&a, "x"));
	cf_node_set(&a, cf_node_get(o, "metadata"), "namespace", cf_node_str(&a, "n"));
	CHECK_INT(cf_kustomize_hash(h2, o), 0);
	CHECK_STR(h2, h);
	cf_arena_release(&a);
}

TEST(test_kustomize_hash__secret_type_matters)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *s = cm(&a, "Secret");
	char h1[11], h2[11];

	cf_node_set(&a, cf_node_set_map(&a, s, "data"), "k", cf_node_str(&a, "dg=="));
	cf_node_set(&a, s, "type", cf_node_str(&a, "Opaque"));
	CHECK_INT(cf_kustomize_hash(h1, s), 0);
	cf_node_set(&a, s, "type", cf_node_str(&a, "kubernetes.io/tls"));
	CHECK_INT(cf_kustomize_hash(h2, s), 0);
	CHECK(strcmp(h1, h2) != 0);
	CHECK(strspn(h1, "bcdfghkmnpqrstvwxz2456789") == 10);
	CHECK_INT(cf_kustomize_hash(h1, cm(&a, "Pod")), CF_EINVALID);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kustomize_hash__escapes_html_like_go),
    T(test_kustomize_hash__empty_configmap_and_name_independent),
    T(test_kustomize_hash__secret_type_matters))
