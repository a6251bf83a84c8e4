/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux export source git|kustomization NAME|--all: what a user would
 * commit to Git: apiVersion, kind, metadata{name, namespace, labels,
 * annotations} and spec, nothing the server or a controller wrote, in
 * flux's YAML.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/duration.h"
#include "core/error.h"

/*
 * flux reads the object into its Go type and writes it back, so every
 * metav1.Duration comes out in Duration.String() form ("60s" as
 * "1m0s"). Walk the spec and do the same to the duration fields.
 */
static void normalize_durations(cf_node *n)
{
	static const char *const keys[] = { "interval", "timeout",
	    "retryInterval", "scanTimeout", "requeueDependency" };

	if (cf_node_is(n, CF_NODE_SEQ))
		for (size_t i = 0; i < n->len; i++)
			normalize_durations(n->v.items[i]);
	if (!cf_node_is(n, CF_NODE_MAP))
		return;
	for (size_t i = 0; i < n->len; i++) {
		cf_pair *p = &n->v.pairs[i];
		int64_t d;

		normalize_durations(p->val);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(p->key, keys[k]) && cf_node_as_str(p->val) &&
			    cf_duration_parse(&d, p->val->v.s) == 0)
				p->val = cf_node_str(cf_cli_arena(),
				    cf_cli_duration_str(d));
	}
}

/* The exported form of a live object. */
static int export_one(const cf_node *obj)
{
	cf_arena *a = cf_cli_arena();
	cf_node *out = cf_node_map(a), *meta;
	static const char *const keep[] = { "name", "namespace", "labels",
	    "annotations" };

	cf_node_set(a, out, "apiVersion", cf_node_get(obj, "apiVersion"));
	cf_node_set(a, out, "kind", cf_node_get(obj, "kind"));
	meta = cf_node_set_map(a, out, "metadata");
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		cf_node *v = cf_node_getp(obj, "metadata", keep[i], NULL);
		if (v && cf_node_count(v) + (v->type == CF_NODE_STR))
			cf_node_set(a, meta, keep[i], v);
	}
	if (cf_node_is(cf_node_get(obj, "spec"), CF_NODE_MAP)) {
		cf_node *spec = cf_node_dup(a, cf_node_get(obj, "spec"));

		/* flux marshals its Go types, where every boolean of a spec
		 * but prune is omitempty: false ones do not show. */
		for (size_t i = spec->len; i-- > 0;) {
			const cf_pair *p = &spec->v.pairs[i];
			if (cf_node_is(p->val, CF_NODE_BOOL) && !p->val->v.b &&
			    strcmp(p->key, "prune"))
				cf_node_del(spec, p->key);
		}
		normalize_durations(spec);
		cf_node_set(a, out, "spec", spec);
	}
	return cf_cli_print_yaml(out);
}

/* export NAME, or --all in the namespace (an empty one is an error
 * for flux, unlike get). */
int cf_cmd_export(int argc, char **argv)
{
	bool all = false;
	const cf_flag flags[] = {
		{ "all", 0, CF_FLAG_BOOL, &all },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k;
	cf_client *c;
	cf_node *list, *obj;
	const cf_node *items;
	char **args;
	int nargs;

	if (cf_cli_parse_kind(argc, argv, flags, "cflux export source "
	    "git|kustomization NAME|--all", &k, &args, &nargs))
		return 1;
	if (!all && nargs < 1)
		return cf_cli_fail("name is required");
	if (!all)
		return (obj = cf_cli_get(k, cf_cli.ns, args[0])) ?
		    export_one(obj) : 1;
	if (!(c = cf_cli_client()))
		return 1;
	if (cf_client_list(&list, cf_cli_arena(), c, k->api_version, k->kind,
	    cf_cli.ns, NULL) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	items = cf_node_get(list, "items");
	if (!cf_node_count(items))
		return cf_cli_fail("no objects found in %s namespace", cf_cli.ns);
	for (size_t i = 0; i < cf_node_count(items); i++)
		if (export_one(cf_node_at(items, i)))
			return 1;
	return 0;
}
