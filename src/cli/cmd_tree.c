/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux tree kustomization NAME [--compact] [-o json|yaml]: the objects a
 * Kustomization manages, read from its status.inventory, with the
 * inventories of the Kustomizations (and HelmReleases) it applied
 * nested under them, as flux tree prints them.
 */
#include "cli/cmd.h"
#include "cli/cli.h"
#include "cli/tree.h"

#include <stdio.h>
#include <string.h>

#include "apply/inventory.h"
#include "core/alloc.h"
#include "core/error.h"

#define KS_GROUP "kustomize.toolkit.fluxcd.io"
#define HR_GROUP "helm.toolkit.fluxcd.io"

/* A Kustomization on the path from the root: its entries naming one of
 * these are not expanded again (nor shown), so a cycle ends. */
struct walk {
	cf_arena *a;
	bool compact;
	const cf_inv_entry *path[64];
	size_t depth;
};

static bool is_kind(const cf_inv_entry *e, const char *group,
    const char *kind)
{
	return !strcmp(e->group, group) && !strcmp(e->kind, kind);
}

static bool on_path(const struct walk *w, const cf_inv_entry *e)
{
	for (size_t i = 0; i < w->depth; i++)
		if (cf_inv_same(w->path[i], e))
			return true;
	return false;
}

/* --compact: Flux objects only. */
static bool shown(const struct walk *w, const cf_inv_entry *e)
{
	return !w->compact || strstr(e->group, "toolkit.fluxcd.io");
}

/* The live Kustomization or HelmRelease of an inventory entry, read at
 * the version the CLI speaks (as flux reads it into its Go type), not
 * the one the inventory recorded. */
static int get_entry(cf_node **out, struct walk *w, const cf_inv_entry *e)
{
	const cf_cli_kind *k = cf_cli_kind_by_name(e->kind);
	cf_client *c = cf_cli_client();

	if (!c)
		return CF_ERROR;
	return cf_client_get(out, w->a, c, k->api_version, e->kind, e->ns,
	    e->name);
}

static int walk_ks(struct walk *w, cf_cli_tree *t, const cf_node *ks);

/* A HelmRelease's objects, when it keeps an inventory in its status. */
static int walk_hr(struct walk *w, cf_cli_tree *t)
{
	cf_inventory inv = CF_INVENTORY_INIT;
	cf_node *hr;

	if (get_entry(&hr, w, &t->obj) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	if (cf_node_is(cf_node_getp(hr, "spec", "kubeConfig", NULL),
	    CF_NODE_MAP))
		return 0; /* a remote cluster's objects */
	if (cf_inv_from_node(&inv, w->a, cf_node_getp(hr, "status",
	    "inventory", NULL)) < 0)
		return cf_cli_fail("HelmRelease '%s/%s': status.inventory: %s",
		    t->obj.ns, t->obj.name, cf_error_msg());
	for (size_t i = 0; i < inv.len; i++)
		if (shown(w, &inv.v[i]))
			cf_cli_tree_add(w->a, t, &inv.v[i]);
	return 0;
}

static int walk_entry(struct walk *w, cf_cli_tree *t, const cf_node *ks,
    const cf_inv_entry *e)
{
	cf_cli_tree *child;
	cf_node *sub;

	if (!shown(w, e) || (is_kind(e, KS_GROUP, "Kustomization") &&
	    on_path(w, e)))
		return 0;
	child = cf_cli_tree_add(w->a, t, e);
	if (is_kind(e, HR_GROUP, "HelmRelease"))
		return walk_hr(w, child);
	/* A parent applying to a remote cluster: its children's objects
	 * are not in this one. */
	if (!is_kind(e, KS_GROUP, "Kustomization") ||
	    cf_node_is(cf_node_getp(ks, "spec", "kubeConfig", NULL),
	    CF_NODE_MAP))
		return 0;
	if (w->depth == CF_ARRAY_SIZE(w->path))
		return cf_cli_fail("Kustomization '%s/%s': nested deeper than "
		    "%zu levels", e->ns, e->name, CF_ARRAY_SIZE(w->path));
	if (get_entry(&sub, w, e) < 0)
		return cf_cli_fail("failed to find object: %s", cf_error_msg());
	return walk_ks(w, child, sub);
}

static int walk_ks(struct walk *w, cf_cli_tree *t, const cf_node *ks)
{
	cf_inventory inv = CF_INVENTORY_INIT;
	int rc = 0;

	if (cf_inv_from_node(&inv, w->a, cf_node_getp(ks, "status",
	    "inventory", NULL)) < 0)
		return cf_cli_fail("Kustomization '%s/%s': status.inventory: %s",
		    t->obj.ns, t->obj.name, cf_error_msg());
	w->path[w->depth++] = &t->obj;
	for (size_t i = 0; i < inv.len && !rc; i++)
		rc = walk_entry(w, t, ks, &inv.v[i]);
	w->depth--;
	return rc;
}

static int print_tree(const cf_cli_tree *t, const char *output)
{
	cf_buf out = CF_BUF_INIT;
	int rc = 0;

	if (!strcmp(output, "json"))
		cf_cli_tree_json(&out, t);
	else if (!strcmp(output, "yaml"))
		rc = cf_cli_tree_yaml(&out, cf_cli_arena(), t);
	else
		cf_cli_tree_text(&out, t);
	if (rc < 0) {
		cf_buf_release(&out);
		return cf_cli_fail("%s", cf_error_msg());
	}
	/* flux prints the rendering with Println: one more newline. */
	fwrite(out.buf, 1, out.len, stdout);
	putchar('\n');
	cf_buf_release(&out);
	return 0;
}

int cf_cmd_tree(int argc, char **argv)
{
	const char *output = "";
	struct walk w = { .a = cf_cli_arena() };
	const cf_flag flags[] = {
		{ "compact", 0, CF_FLAG_BOOL, &w.compact },
		{ "output", 'o', CF_FLAG_STR, &output },
		{ 0 },
	};
	const cf_cli_kind *k;
	cf_inv_entry root;
	cf_cli_tree *t;
	cf_node *ks;
	char **args;
	int nargs;

	if (cf_cli_parse_kind(argc, argv, flags,
	    "cflux tree kustomization NAME [--compact] [-o json|yaml]", &k,
	    &args, &nargs))
		return 1;
	if (strcmp(k->kind, "Kustomization"))
		return cf_cli_fail("tree supports kustomization only");
	if (nargs < 1)
		return cf_cli_fail("kustomization name is required");
	if (*output && strcmp(output, "json") && strcmp(output, "yaml"))
		return cf_cli_fail("invalid output format \"%s\": "
		    "use json or yaml", output);
	if (!(ks = cf_cli_get(k, cf_cli.ns, args[0])))
		return 1;
	root = (cf_inv_entry){ .ns = cf_cli.ns, .name = args[0],
	    .group = KS_GROUP, .kind = "Kustomization", .version = "v1" };
	t = cf_cli_tree_new(w.a, &root);
	if (walk_ks(&w, t, ks))
		return 1;
	return print_tree(t, output);
}
