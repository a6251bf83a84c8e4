/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/kustomize/ignore.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "kube/jsonpatch.h"
#include "kustomize/kustomize.h"

int cf_kz_ignore_validate(const cf_node *rules)
{
	if (rules && !cf_node_is(rules, CF_NODE_SEQ))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.ignore: must be a list of rules");
	for (size_t i = 0; i < cf_node_count(rules); i++) {
		const cf_node *paths = cf_node_get(cf_node_at(rules, i),
		    "paths");

		if (!cf_node_count(paths) || !cf_node_is(paths, CF_NODE_SEQ))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "spec.ignore[%zu].paths: at least one JSON pointer "
			    "is required", i);
		for (size_t j = 0; j < cf_node_count(paths); j++) {
			const char *ptr = cf_node_as_str(cf_node_at(paths, j));

			if (ptr && !*ptr)
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID, "spec.ignore[%zu].paths"
				    "[%zu]: the whole object ('') cannot be "
				    "ignored; annotate it with kustomize."
				    "toolkit.fluxcd.io/ssa: IfNotPresent "
				    "instead", i, j);
			if (!ptr || *ptr != '/')
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID, "spec.ignore[%zu].paths"
				    "[%zu]: '%s' is not a JSON pointer (it "
				    "must start with '/')", i, j,
				    ptr ? ptr : "");
		}
	}
	return 0;
}

/* One path: take the live value, or drop the field. A path whose parent
 * the built object lacks is left as it is (nothing of it is applied). */
static void keep_live(cf_arena *a, cf_node **obj, const cf_node *live,
    const char *ptr)
{
	const cf_node *have = cf_json_pointer_get(live, ptr);
	cf_node *patch = cf_node_seq(a), *op = cf_node_map(a);

	if (!have && !cf_json_pointer_get(*obj, ptr))
		return;
	cf_node_set(a, op, "op", cf_node_str(a, have ? "add" : "remove"));
	cf_node_set(a, op, "path", cf_node_str(a, ptr));
	if (have)
		cf_node_set(a, op, "value", cf_node_dup(a, have));
	cf_node_push(a, patch, op);
	(void)cf_jsonpatch_apply(a, obj, patch); /* unchanged on failure */
}

/* Does any rule select obj? Collect the pointers of those that do. */
static int rules_for(const char **ptrs, size_t *n, size_t max, cf_arena *a,
    const cf_node *rules, const cf_node *obj)
{
	*n = 0;
	for (size_t i = 0; i < cf_node_count(rules); i++) {
		const cf_node *rule = cf_node_at(rules, i);
		const cf_node *target = cf_node_get(rule, "target");
		const cf_node *paths = cf_node_get(rule, "paths");
		bool hit = true;
		char where[64];
		int err;

		snprintf(where, sizeof(where), "spec.ignore[%zu].target", i);
		if (target && (err = cf_kustomize_select(a, target, obj, &hit,
		    where)) < 0)
			return err;
		for (size_t j = 0; hit && j < cf_node_count(paths) && *n < max;
		    j++)
			ptrs[(*n)++] = cf_node_as_str(cf_node_at(paths, j));
	}
	return 0;
}

int cf_kz_ignore_apply(cf_arena *a, cf_client *c, cf_node **objs, size_t n,
    const cf_node *rules)
{
	const char *ptrs[256];
	size_t np;
	int err;

	if (!cf_node_count(rules))
		return 0;
	for (size_t i = 0; i < n; i++) {
		cf_node *live = NULL;

		if ((err = rules_for(ptrs, &np, sizeof(ptrs) / sizeof(ptrs[0]),
		    a, rules, objs[i])) < 0)
			return err;
		if (!np)
			continue;
		err = cf_client_get(&live, a, c,
		    cf_node_getp_str(objs[i], "apiVersion", NULL),
		    cf_node_getp_str(objs[i], "kind", NULL),
		    cf_node_getp_str(objs[i], "metadata", "namespace", NULL),
		    cf_node_getp_str(objs[i], "metadata", "name", NULL));
		if (err == CF_ENOTFOUND)
			continue;
		if (err < 0)
			return err;
		for (size_t j = 0; j < np; j++)
			if (ptrs[j])
				keep_live(a, &objs[i], live, ptrs[j]);
	}
	return 0;
}
