/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "apply/apply.h"
#include "apply/inventory.h"
#include "core/error.h"
#include "core/json.h"
#include "test.h"

TEST(test_apply_inventory__parse_ids)
{
	static const struct {
		const char *id, *ns, *name, *group, *kind;
	} cases[] = {
		{ "default_app_apps_Deployment", "default", "app", "apps",
		    "Deployment" },
		{ "_ns1__Namespace", "", "ns1", "", "Namespace" },
		{ "default_cm__ConfigMap", "default", "cm", "", "ConfigMap" },
		{ "_system__aggregate-to-view_rbac.authorization.k8s.io_"
		    "ClusterRole", "", "system:aggregate-to-view",
		    "rbac.authorization.k8s.io", "ClusterRole" },
		{ "_a__b__ClusterRole", "", "a:b", "", "ClusterRole" },
	};
	cf_arena a = CF_ARENA_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cf_inv_entry e;

		CHECK_INT(cf_inv_id_parse(&e, &a, cases[i].id), 0);
		CHECK_STR(e.ns, cases[i].ns);
		CHECK_STR(e.name, cases[i].name);
		CHECK_STR(e.group, cases[i].group);
		CHECK_STR(e.kind, cases[i].kind);
		CHECK_STR(cf_inv_id_format(&a, &e), cases[i].id);
	}
	cf_arena_release(&a);
}

TEST(test_apply_inventory__bad_ids)
{
	static const char *const bad[] = { "", "nounderscore", "a_b",
	    "a_b_c", "ns_a_b_c_Kind", "ns_name_group_" };
	cf_arena a = CF_ARENA_INIT;
	char big[CF_INV_MAX_ID + 8];
	cf_inv_entry e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(cf_inv_id_parse(&e, &a, bad[i]), CF_EINVALID);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[3] = big[7] = big[9] = '_';
	CHECK_INT(cf_inv_id_parse(&e, &a, big), CF_ETOOLARGE);
	cf_arena_release(&a);
}

static cf_node *json(cf_arena *a, const char *s)
{
	cf_node *n = NULL;

	cf_json_parse(&n, a, s, strlen(s), NULL);
	return n;
}

TEST(test_apply_inventory__node_round_trip_and_diff)
{
	cf_arena a = CF_ARENA_INIT;
	cf_inventory old = CF_INVENTORY_INIT, now = CF_INVENTORY_INIT;
	cf_inventory stale = CF_INVENTORY_INIT;
	cf_buf b = CF_BUF_INIT;
	const char *text = "{\"entries\":["
	    "{\"id\":\"default_app_apps_Deployment\",\"v\":\"v1\"},"
	    "{\"id\":\"default_cm__ConfigMap\",\"v\":\"v1\"},"
	    "{\"id\":\"_ns1__Namespace\",\"v\":\"v1\"}]}";

	CHECK_INT(cf_inv_from_node(&old, &a, json(&a, text)), 0);
	CHECK_INT(old.len, 3);
	CHECK_STR(old.v[0].version, "v1");
	CHECK_STR(cf_inv_api_version(&a, &old.v[0]), "apps/v1");
	CHECK_STR(cf_inv_subject(&a, &old.v[0]), "Deployment/default/app");
	CHECK_STR(cf_inv_subject(&a, &old.v[2]), "Namespace/ns1");
	CHECK_INT(cf_json_write(&b, cf_inv_to_node(&a, &old), 0), 0);
	CHECK_STR(b.buf, text);

	/* A version change alone does not make an object stale. */
	CHECK_INT(cf_inv_from_node(&now, &a, json(&a, "{\"entries\":["
	    "{\"id\":\"default_app_apps_Deployment\",\"v\":\"v2\"}]}")), 0);
	cf_inv_diff(&stale, &a, &old, &now);
	CHECK_INT(stale.len, 2);
	CHECK_STR(stale.v[0].kind, "ConfigMap");
	CHECK_STR(stale.v[1].kind, "Namespace");
	CHECK(cf_inv_contains(&old, &now.v[0]));
	CHECK(!cf_inv_contains(&now, &old.v[1]));

	CHECK_INT(cf_inv_from_node(&now, &a, json(&a, "{\"entries\":[{}]}")),
	    CF_EINVALID);
	CHECK_INT(cf_inv_from_node(&now, &a, json(&a, "{}")), 0);
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_apply_inventory__change_set)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs = CF_CHANGE_SET_INIT;
	cf_inventory inv = CF_INVENTORY_INIT;
	cf_buf b = CF_BUF_INIT;
	cf_inv_entry e[3];

	CHECK_INT(cf_inv_id_parse(&e[0], &a, "default_app_apps_Deployment"),
	    0);
	CHECK_INT(cf_inv_id_parse(&e[1], &a, "default_cm__ConfigMap"), 0);
	CHECK_INT(cf_inv_id_parse(&e[2], &a, "_old__Namespace"), 0);
	cs.v = (cf_change[]){
		{ e[0], "Deployment/default/app", CF_APPLY_CONFIGURED },
		{ e[1], "ConfigMap/default/cm", CF_APPLY_UNCHANGED },
		{ e[2], "Namespace/old", CF_APPLY_DELETED },
	};
	cs.len = cs.alloc = 3;
	CHECK_INT(cf_change_set_format(&b, &cs, true), 0);
	CHECK_STR(b.buf, "Deployment/default/app configured\n"
	    "Namespace/old deleted\n");
	cf_change_set_inventory(&inv, &a, &cs);
	CHECK_INT(inv.len, 2);
	inv.len = 0;
	cs.v[0].action = CF_APPLY_SKIPPED;
	cf_change_set_health(&inv, &a, &cs);
	CHECK_INT(inv.len, 1);
	CHECK_STR(inv.v[0].kind, "ConfigMap");
	CHECK_STR(cf_apply_action_name(CF_APPLY_SKIPPED), "skipped");
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_apply_inventory__parse_ids),
    T(test_apply_inventory__bad_ids),
    T(test_apply_inventory__node_round_trip_and_diff),
    T(test_apply_inventory__change_set))
