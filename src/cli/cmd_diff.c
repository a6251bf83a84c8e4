/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux diff kustomization NAME --path DIR: build DIR as cflux build
 * does, server-side dry-run every object as kustomize-controller would
 * apply it, and print what would change, as flux diff does:
 *
 *   ► Kind/ns/name created      not in the cluster yet
 *   ► Kind/ns/name drifted      then the changed paths (report.h)
 *   ► Kind/ns/name skipped      ssa: Ignore or reconcile: disabled
 *   ► Kind/ns/name deleted      in the inventory, not in the build
 *                               (with spec.prune)
 *
 * Exit status as flux's: 0 no differences, 1 differences, 2 when the
 * diff failed. Secret values never reach the output.
 *
 * The build is cflux build's, the controller's own (cmd.h,
 * cf_cmd_build_objects): the kustomization.yaml of --path (generated when
 * absent) overlaid with the Kustomization's spec (targetNamespace,
 * namePrefix, nameSuffix, patches, images, components, commonMetadata),
 * built in a temporary copy without the --ignore-paths files, then
 * post-build substitution with the cluster's substituteFrom ConfigMaps
 * and Secrets (--strict-substitute: an unset variable fails). The spec is
 * that of --kustomization-file when given, else the cluster's. Right
 * after the controller applied a revision, the diff of that revision is
 * empty.
 */
#include "cli/cmd.h"
#include "cli/cli.h"
#include "cli/report.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "apply/inventory.h"
#include "core/alloc.h"
#include "core/base64.h"
#include "core/error.h"

#define GROUP "kustomize.toolkit.fluxcd.io"
#define FIELD_MANAGER "kustomize-controller"

/* flux's exit statuses. */
enum { DIFF_NONE = 0, DIFF_FOUND = 1, DIFF_FAILED = 2 };

struct diff {
	cf_arena *a;
	cf_client *c;
	cf_buf out;          /* the report, printed at the end */
	cf_buf errs;         /* failed dry-runs, one line each */
	cf_inventory built;  /* identities of what the build holds */
	bool changed;
	struct live_group *groups; /* live objects read in bulk */
	size_t ngroups, agroups;
};

/*
 * The objects of one apiVersion, kind and namespace ("" cluster-scoped)
 * in the build. The client sends at most 50 requests a second, as flux's
 * does, so a GET per object is half the time of a large diff: a kind the
 * build holds several of is read with one LIST instead. list is NULL
 * until read, and when it could not be (then objects are read one by
 * one).
 */
struct live_group {
	const char *av, *kind, *ns;
	size_t count;
	bool listed;
	cf_node *list;
};

/* Label or annotation key has value (case-insensitive, as Flux's
 * selectors compare). */
static bool meta_is(const cf_node *obj, const char *key, const char *value)
{
	static const char *const where[] = { "annotations", "labels" };

	for (size_t i = 0; i < CF_ARRAY_SIZE(where); i++) {
		const char *v = cf_node_getp_str(obj, "metadata", where[i], key,
		    NULL);
		if (v && !strcasecmp(v, value))
			return true;
	}
	return false;
}

/* What the controller leaves alone (see apply.h): either side marked. */
static bool skipped(const cf_node *obj, const cf_node *live)
{
	return meta_is(obj, GROUP "/reconcile", "disabled") ||
	    meta_is(obj, GROUP "/ssa", "Ignore") ||
	    meta_is(live, GROUP "/reconcile", "disabled") ||
	    meta_is(live, GROUP "/ssa", "Ignore") ||
	    (live && meta_is(obj, GROUP "/ssa", "IfNotPresent"));
}

/* The identity of obj; ns from the first of the server's answers that
 * has one (an object without a namespace lands in the default one). */
static void identity(cf_inv_entry *e, cf_arena *a, const cf_node *obj,
    const cf_node *dry, const cf_node *live)
{
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *slash = av ? strchr(av, '/') : NULL;
	const char *ns = cf_node_getp_str(dry, "metadata", "namespace", NULL);

	if (!ns)
		ns = cf_node_getp_str(live, "metadata", "namespace", NULL);
	if (!ns)
		ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	e->ns = ns ? ns : "";
	e->name = cf_node_getp_str(obj, "metadata", "name", NULL);
	e->kind = cf_node_getp_str(obj, "kind", NULL);
	e->group = slash ? cf_arena_strndup(a, av, (size_t)(slash - av)) : "";
	e->version = slash ? slash + 1 : av ? av : "";
}

static void report_line(struct diff *d, const cf_inv_entry *e,
    const char *action)
{
	cf_buf_addf(&d->out, "► %s %s\n", cf_inv_subject(d->a, e), action);
}

/* The group obj belongs to; with add, created when missing. NULL for an
 * object whose namespace is left to the server's default, or whose kind
 * the server does not serve. */
static struct live_group *group_of(struct diff *d, const cf_node *obj,
    bool add)
{
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	cf_client_mapping m;

	if (!av || !kind)
		return NULL;
	for (size_t i = 0; i < d->ngroups; i++) {
		struct live_group *g = &d->groups[i];
		if (!strcmp(g->av, av) && !strcmp(g->kind, kind) &&
		    !strcmp(g->ns, ns ? ns : ""))
			return g;
	}
	if (!add || cf_client_mapping_for(&m, d->c, av, kind) < 0 ||
	    (m.namespaced && (!ns || !*ns)))
		return NULL;
	if (d->ngroups == d->agroups) {
		size_t n = d->agroups ? 2 * d->agroups : 16;
		struct live_group *v = cf_arena_zalloc(d->a, n * sizeof(*v));

		if (d->ngroups)
			memcpy(v, d->groups, d->ngroups * sizeof(*v));
		d->groups = v;
		d->agroups = n;
	}
	d->groups[d->ngroups] = (struct live_group){ .av = av, .kind = kind,
	    .ns = m.namespaced ? ns : "" };
	return &d->groups[d->ngroups++];
}

/* Count the build's objects per group. */
static void plan_reads(struct diff *d, const cf_kustomize_result *r)
{
	for (size_t i = 0; i < r->nobjs; i++) {
		struct live_group *g = group_of(d, r->objs[i], true);
		if (g)
			g->count++;
	}
}

/* From the group's list: 1 found (*live set), 0 absent, -1 not known
 * (the group is not listed: read the object alone). */
static int listed_live(cf_node **live, struct diff *d, const cf_node *obj)
{
	struct live_group *g = group_of(d, obj, false);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const cf_node *items;

	if (!g || g->count < 2)
		return -1;
	if (!g->listed) {
		g->listed = true;
		if (cf_client_list(&g->list, d->a, d->c, g->av, g->kind,
		    *g->ns ? g->ns : NULL, NULL) < 0)
			g->list = NULL;
	}
	if (!g->list)
		return -1;
	items = cf_node_get(g->list, "items");
	for (size_t i = 0; i < cf_node_count(items); i++) {
		const char *n = cf_node_getp_str(cf_node_at(items, i),
		    "metadata", "name", NULL);
		if (n && !strcmp(n, name)) {
			*live = cf_node_at(items, i);
			return 1;
		}
	}
	*live = NULL;
	return 0;
}

/* The live object, NULL when absent. */
static int read_live(cf_node **live, struct diff *d, const cf_node *obj)
{
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	int err;

	if (listed_live(live, d, obj) >= 0)
		return 0;
	err = cf_client_get(live, d->a, d->c,
	    cf_node_getp_str(obj, "apiVersion", NULL),
	    cf_node_getp_str(obj, "kind", NULL), ns && *ns ? ns : NULL,
	    cf_node_getp_str(obj, "metadata", "name", NULL));

	if (err == CF_ENOTFOUND) {
		*live = NULL;
		return 0;
	}
	return err;
}

/* A built Secret with a SOPS mask in its data (cf_cmd_build_objects). */
static bool sops_masked(const cf_node *obj)
{
	const cf_node *data = cf_node_get(obj, "data");
	bool yes = false;

	if (!cf_node_getp_str(obj, "kind", NULL) ||
	    strcmp(cf_node_getp_str(obj, "kind", NULL), "Secret"))
		return false;
	for (size_t i = 0; i < cf_node_count(data) && !yes; i++) {
		const cf_node *v = data->v.pairs[i].val;
		cf_buf b = CF_BUF_INIT;

		yes = cf_node_as_str(v) && cf_base64_decode(&b, v->v.s, v->len,
		    false) == 0 && strstr(b.buf, CF_CMD_SOPS_MASK);
		cf_buf_release(&b);
	}
	return yes;
}

/* flux compares such a Secret by its keys only: the cluster holds the
 * decrypted values, the build the mask. Every data value becomes the
 * same placeholder on both sides, so only keys added or removed show. */
static void sops_keys_only(cf_arena *a, cf_node *live, cf_node *dry)
{
	cf_node *sides[] = { cf_node_get(live, "data"),
	    cf_node_get(dry, "data") };

	for (size_t s = 0; s < CF_ARRAY_SIZE(sides); s++)
		for (size_t i = 0; i < cf_node_count(sides[s]); i++)
			sides[s]->v.pairs[i].val = cf_node_str(a,
			    CF_CMD_SOPS_MASK);
}

/* One object: read it, dry-run it, compare. Failures are collected so
 * that every object is reported, as flux does. */
static void diff_one(struct diff *d, const cf_node *obj)
{
	cf_node *live = NULL, *dry = NULL;
	cf_buf rep = CF_BUF_INIT;
	cf_inv_entry e;
	const char *rv;
	int err;

	if (!cf_node_getp_str(obj, "kind", NULL) ||
	    !cf_node_getp_str(obj, "metadata", "name", NULL)) {
		cf_buf_adds(&d->errs, "an object of the build has no kind or "
		    "metadata.name\n");
		return;
	}
	err = read_live(&live, d, obj);
	if (err == 0 && !skipped(obj, live))
		err = cf_client_apply(&dry, d->a, d->c, obj, &(cf_write_opts){
		    .field_manager = FIELD_MANAGER, .force = true,
		    .dry_run = true });
	/* A namespace the build itself creates is not there yet. */
	if (err == CF_ENOTFOUND && !live)
		err = 0;
	identity(&e, d->a, obj, dry, live);
	if (err < 0) {
		cf_buf_addf(&d->errs, "%s dry-run failed: %s\n",
		    cf_inv_subject(d->a, &e), cf_error_msg());
		return;
	}
	cf_inv_add(&d->built, d->a, &e);
	if (skipped(obj, live)) {
		report_line(d, &e, "skipped");
		return;
	}
	rv = cf_node_getp_str(dry, "metadata", "resourceVersion", NULL);
	if (!live || !rv || !*rv) {
		report_line(d, &e, "created");
		d->changed = true;
		return;
	}
	cf_cli_diff_strip(live);
	cf_cli_diff_strip(dry);
	if (sops_masked(obj))
		sops_keys_only(d->a, live, dry);
	cf_cli_diff_mask_secret(d->a, live, dry);
	if (cf_cli_diff_report(&rep, d->a, live, dry)) {
		report_line(d, &e, "drifted");
		cf_buf_add(&d->out, rep.buf, rep.len);
		d->changed = true;
	}
	cf_buf_release(&rep);
}

/* Inventory entries the build no longer holds: what prune would
 * delete. */
static int stale(struct diff *d, const cf_node *live_ks)
{
	cf_inventory old = CF_INVENTORY_INIT, gone = CF_INVENTORY_INIT;

	if (cf_inv_from_node(&old, d->a, cf_node_getp(live_ks, "status",
	    "inventory", NULL)) < 0)
		return cf_cli_fail("Kustomization status.inventory: %s",
		    cf_error_msg());
	cf_inv_diff(&gone, d->a, &old, &d->built);
	for (size_t i = 0; i < gone.len; i++)
		report_line(d, &gone.v[i], "deleted");
	d->changed |= gone.len > 0;
	return 0;
}

/* The live Kustomization (NULL when absent and a file stands in). */
static int read_ks(cf_node **out, struct diff *d, const char *name,
    bool have_file)
{
	int err = cf_client_get(out, d->a, d->c,
	    cf_cli_kind_by_name("Kustomization")->api_version,
	    "Kustomization", cf_cli.ns, name);

	if (err == CF_ENOTFOUND && have_file) {
		*out = NULL;
		return 0;
	}
	if (err < 0)
		return cf_cli_fail("failed to get kustomization object: %s",
		    cf_error_msg());
	return 0;
}

static int finish(struct diff *d)
{
	fwrite(d->out.buf, 1, d->out.len, stdout);
	fflush(stdout);
	if (d->errs.len) {
		cf_buf_truncate(&d->errs, d->errs.len - 1);
		cf_cli_fail("%s", d->errs.buf);
		return DIFF_FAILED;
	}
	/* flux logs its exit status 1 as a warning, not a failure. */
	if (d->changed) {
		cf_cli_warning("identified at least one change, exiting with "
		    "non-zero exit code");
		return DIFF_FOUND;
	}
	return DIFF_NONE;
}

static int run(struct diff *d, const char *name, cf_cmd_build_opts *o,
    const char *ks_file)
{
	cf_node *ks = NULL, *file_ks = NULL;
	const cf_node *spec;
	cf_kustomize_result r;

	if (ks_file && cf_cmd_read_ks_file(&file_ks, d->a, ks_file, name,
	    cf_cli.ns))
		return DIFF_FAILED;
	if (!(d->c = cf_cli_client()) || read_ks(&ks, d, name, file_ks != NULL))
		return DIFF_FAILED;
	/* The file's spec wins, as in flux's build. */
	spec = cf_node_get(file_ks ? file_ks : ks, "spec");
	o->spec = spec;
	o->c = d->c;
	if (cf_cmd_build_objects(&r, d->a, o))
		return DIFF_FAILED;
	plan_reads(d, &r);
	for (size_t i = 0; i < r.nobjs; i++)
		diff_one(d, r.objs[i]);
	if (!d->errs.len && ks && cf_node_is(cf_node_get(spec, "prune"),
	    CF_NODE_BOOL) && cf_node_get(spec, "prune")->v.b &&
	    stale(d, ks))
		return DIFF_FAILED;
	return finish(d);
}

int cf_cmd_diff(int argc, char **argv)
{
	const char *path = "", *ks_file = NULL;
	cf_cli_list ignore = { 0 };
	bool strict = false, progress = true;
	const cf_flag flags[] = {
		{ "path", 0, CF_FLAG_STR, &path },
		{ "kustomization-file", 0, CF_FLAG_STR, &ks_file },
		{ "ignore-paths", 0, CF_FLAG_LIST, &ignore },
		{ "strict-substitute", 0, CF_FLAG_BOOL, &strict },
		{ "progress-bar", 0, CF_FLAG_BOOL, &progress },
		{ 0 },
	};
	struct diff d = { .a = cf_cli_arena(), .out = CF_BUF_INIT,
	    .errs = CF_BUF_INIT };
	const cf_cli_kind *k;
	struct stat st;
	char **args;
	int nargs, rc;

	if (cf_cli_parse_kind(argc, argv, flags,
	    "cflux diff kustomization NAME --path DIR", &k, &args, &nargs))
		return DIFF_FAILED;
	/* Usage errors exit 1, as flux's plain errors do; failures of
	 * the diff itself exit 2. */
	if (strcmp(k->kind, "Kustomization"))
		return cf_cli_fail("diff supports kustomization only");
	if (nargs < 1)
		return cf_cli_fail("kustomization name is required");
	if (!*path || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		cf_cli_fail("invalid resource path \"%s\"", path);
		return DIFF_FAILED;
	}
	if (ks_file && (stat(ks_file, &st) < 0 || S_ISDIR(st.st_mode)))
		return cf_cli_fail("invalid kustomization file \"%s\"", ks_file);
	rc = run(&d, args[0], &(cf_cmd_build_opts){ .path = path,
	    .name = args[0], .ns = cf_cli.ns, .ignore = ignore.v,
	    .nignore = ignore.n, .strict = strict }, ks_file);
	cf_buf_release(&d.out);
	cf_buf_release(&d.errs);
	return rc;
}
