/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The build: accumulate a kustomization target (resources, generators,
 * components, transformers), recursively for bases, then finish at the top
 * (hash suffixes, name back-references, local-config removal, ordering).
 *
 * Each base is built completely and independently into its own list
 * before it joins its parent's; a component instead runs on its parent's
 * list in place, so it sees and may change everything loaded so far.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Fields this build does not implement yet: refusing them beats printing
 * output that silently differs from kubectl's. */
static const char *const unsupported[] = {
	"helmCharts",
	"helmGlobals", "helmChartInflationGenerator",
};

static bool within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == 0);
}

/* A root that equals or contains a directory on the current chain is a
 * cycle (a base that includes its referrer). */
static int check_cycle(kz_ctx *c, const char *real)
{
	for (size_t i = 0; i < c->chain.n; i++)
		if (within(c->chain.v[i], real))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "cycle detected: candidate root '%s' contains "
			    "visited root '%s'", real, c->chain.v[i]);
	return 0;
}

/*
 * One resources entry: a file (read under the restrictor, its documents
 * appended) or a directory (a base, built on its own and then appended).
 * Remote URLs are not fetched: they fail as missing files.
 */
static int add_resource(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const char *entry, size_t idx)
{
	const char *path = entry[0] == '/' ? entry :
	    cf_arena_printf(c->a, "%s/%s", k->dir, entry);
	struct stat st;
	int err;

	if (stat(path, &st) < 0)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUSTOMIZE,
		    "'%s': resources[%zu]: accumulating resources from '%s': "
		    "no such file or directory", k->path, idx, entry);
	if (S_ISDIR(st.st_mode)) {
		kz_resmap sub = { 0 };
		if (entry[0] == '/')
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': resources[%zu]: new root '%s' cannot be absolute",
			    k->path, idx, entry);
		err = kz_build_dir(c, &sub, path, false, NULL);
		for (size_t i = 0; !err && i < sub.n; i++)
			err = kz_resmap_append(c, m, sub.v[i], k->path);
		free(sub.v);
		if (err < 0)
			return cf_error_wrap("'%s': resources[%zu] '%s'", k->path,
			    idx, entry);
		return 0;
	}
	char *text;
	size_t len;
	if ((err = kz_read_file(c, &text, &len, k->dir, entry)) < 0)
		return cf_error_wrap("'%s': resources[%zu]", k->path, idx);
	const char *real = kz_realdir(c, path);
	err = kz_load_resources(c, m, text, len, real ? real : path);
	free(text);
	return err;
}

/* *out = the list of strings at field (NULL when absent). */
static int string_items(const kz_kust *k, const char *field, cf_node **out)
{
	cf_node *v = cf_node_get(k->k, field);

	*out = NULL;
	if (!v || v->type == CF_NODE_NULL)
		return 0;
	if (v->type != CF_NODE_SEQ)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': %s: json: cannot unmarshal "
		    "into Go struct field Kustomization.%s of type []string",
		    k->path, field, field);
	for (uint32_t i = 0; i < v->len; i++)
		if (!cf_node_is(v->v.items[i], CF_NODE_STR))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s[%u] must be a string",
			    k->path, field, i);
	*out = v;
	return 0;
}

/*
 * Accumulate the kustomization in dir into m (see the file comment). A
 * component runs on the caller's m; a base gets a fresh m from
 * add_resource. The chain of real directories detects cycles.
 */
int kz_build_dir(kz_ctx *c, kz_resmap *m, const char *dir, bool component,
    cf_node **top)
{
	const char *real = kz_realdir(c, dir);
	kz_kust k;
	cf_node *list;
	int err;

	if (!real)
		return cf_error_os("cannot open kustomization directory '%s'", dir);
	if (c->depth >= CF_KUSTOMIZE_MAX_DEPTH)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_KUSTOMIZE,
		    "'%s': kustomizations nested deeper than %d levels", real,
		    CF_KUSTOMIZE_MAX_DEPTH);
	if ((err = check_cycle(c, real)) < 0)
		return err;
	if ((err = kz_load_kust(c, &k, real)) < 0)
		return err;
	if (component && !k.component)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': expected kind 'Component' for path '%s' but got "
		    "'Kustomization'", k.path, real);
	/* A Component may be built directly, only not used as a base. */
	if (!component && k.component && c->depth > 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': expected kind != 'Component' for path '%s'", k.path,
		    real);
	/* kubectl runs without helm: the same refusal, whatever the chart. */
	if (cf_node_get(k.k, "helmCharts") ||
	    cf_node_get(k.k, "helmChartInflationGenerator"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': trouble configuring builtin "
		    "HelmChartInflationGenerator: must specify --enable-helm",
		    k.path);
	/* openapi: only the built-in v1.21.2 schema, which is what the
	 * merges use anyway; a custom schema file is not read yet. */
	cf_node *oa = cf_node_get(k.k, "openapi");
	if (oa && oa->type != CF_NODE_NULL) {
		const char *v = cf_node_as_str(cf_node_get(oa, "version"));
		if (cf_node_get(oa, "path") && v)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': openapi: the path and version fields cannot "
			    "both be set", k.path);
		if (cf_node_get(oa, "path"))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': openapi.path (a custom schema) is not "
			    "supported by cflux yet", k.path);
		if (v && strcmp(v, "v1.21.2"))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': openapi.version: the specified OpenAPI "
			    "version is not built in", k.path);
	}
	for (size_t i = 0; i < CF_ARRAY_SIZE(unsupported); i++)
		if (cf_node_get(k.k, unsupported[i]))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': field '%s' is not supported by cflux yet",
			    k.path, unsupported[i]);

	kz_strs_push(c, &c->chain, real);
	c->depth++;

	/* 1. resources, in list order; bases are built independently. */
	if ((err = string_items(&k, "resources", &list)) < 0)
		goto done;
	size_t before = m->n;
	for (uint32_t i = 0; list && i < list->len; i++)
		if ((err = add_resource(c, m, &k, list->v.items[i]->v.s, i)) < 0)
			goto done;
	if (m->n != before && (err = kz_resmap_check_unique(c, m, k.path)) < 0)
		goto done;

	/* 2. configurations and crds: extra field specs for the
	 * transformers and the name references. */
	if ((err = kz_load_configurations(c, &k)) < 0 ||
	    (err = kz_load_crds(c, &k)) < 0)
		goto done;

	/* 3. generators, absorbed by id. */
	if ((err = kz_generate(c, m, &k)) < 0 ||
	    (err = kz_plugins(c, m, &k, "generators")) < 0)
		goto done;

	/* 4. components, in place on this list. */
	if ((err = string_items(&k, "components", &list)) < 0)
		goto done;
	for (uint32_t i = 0; list && i < list->len; i++) {
		const char *e = list->v.items[i]->v.s;
		const char *p = e[0] == '/' ? e : cf_arena_printf(c->a, "%s/%s", real, e);
		if ((err = kz_build_dir(c, m, p, true, NULL)) < 0) {
			err = cf_error_wrap("'%s': components[%u] '%s'", k.path, i, e);
			goto done;
		}
	}
	if ((err = kz_resmap_check_unique(c, m, k.path)) < 0)
		goto done;

	/* 5. transformers, in kustomize's fixed order. */
	if ((err = kz_transform(c, m, &k)) < 0 ||
	    (err = kz_plugins(c, m, &k, "transformers")) < 0 ||
	    (err = kz_plugins(c, m, &k, "validators")) < 0)
		goto done;

	/* vars are collected here and resolved once, at the very end. */
	list = cf_node_get(k.k, "vars");
	for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
		if (!cf_node_is(list->v.items[i], CF_NODE_MAP)) {
			err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': vars[%u] must be a map",
			    k.path, i);
			goto done;
		}
		if (c->vars.n == c->vars.alloc) {
			size_t na = c->vars.alloc ? c->vars.alloc * 2 : 8;
			const cf_node **nv = cf_arena_alloc(c->a, na * sizeof(*nv));
			if (c->vars.n)
				memcpy(nv, c->vars.v, c->vars.n * sizeof(*nv));
			c->vars.v = nv;
			c->vars.alloc = na;
		}
		c->vars.v[c->vars.n++] = list->v.items[i];
	}
	if (top)
		*top = k.k;
	if (!component && (list = cf_node_get(k.k, "buildMetadata")))
		for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
			const char *bm = cf_node_as_str(list->v.items[i]);
			if (!bm || (strcmp(bm, "managedByLabel") &&
			    strcmp(bm, "originAnnotations"))) {
				err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': buildMetadata '%s' is not supported by "
				    "cflux yet", k.path, bm ? bm : "");
				goto done;
			}
		}
done:
	c->chain.n--;
	c->depth--;
	return err;
}

/* The top-level buildMetadata: managedByLabel only. */
static void managed_by(kz_ctx *c, kz_resmap *m, const cf_node *top)
{
	cf_node *bm = cf_node_get(top, "buildMetadata");
	bool want = false;

	for (uint32_t i = 0; cf_node_is(bm, CF_NODE_SEQ) && i < bm->len; i++)
		want |= cf_node_as_str(bm->v.items[i]) &&
		    !strcmp(bm->v.items[i]->v.s, "managedByLabel");
	if (!want)
		return;
	for (size_t i = 0; i < m->n; i++) {
		cf_node *md = cf_node_set_map(c->a, m->v[i]->obj, "metadata");
		cf_node_set(c->a, cf_node_set_map(c->a, md, "labels"),
		    "app.kubernetes.io/managed-by",
		    cf_node_str(c->a, "kustomize-(devel)"));
	}
}

/* Path of target relative to the directory base (both real paths). */
static const char *relpath(cf_arena *a, const char *base, const char *target)
{
	size_t i = 0, common = 0;
	cf_buf b = CF_BUF_INIT;

	/* Longest common directory prefix. */
	while (base[i] && target[i] && base[i] == target[i]) {
		if (base[i] == '/')
			common = i;
		i++;
	}
	if (!base[i] && (target[i] == '/' || !target[i]))
		common = i;
	const char *up = base + common;
	while (*up) {
		if (*up == '/')
			cf_buf_adds(&b, "../");
		up++;
	}
	cf_buf_adds(&b, target[common] == '/' ? target + common + 1 : target + common);
	char *r = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return r;
}

/* buildMetadata: originAnnotations, as kustomize writes it (a YAML block
 * naming the source file, or the kustomization and generator). */
static void origins(kz_ctx *c, kz_resmap *m, const cf_node *top,
    const char *root)
{
	cf_node *bm = cf_node_get(top, "buildMetadata");
	bool want = false;

	for (uint32_t i = 0; cf_node_is(bm, CF_NODE_SEQ) && i < bm->len; i++)
		want |= cf_node_as_str(bm->v.items[i]) &&
		    !strcmp(bm->v.items[i]->v.s, "originAnnotations");
	if (!want || !root)
		return;
	for (size_t i = 0; i < m->n; i++) {
		kz_res *r = m->v[i];
		const char *text;
		if (r->origin_kust)
			text = cf_arena_printf(c->a, "configuredIn: %s\n"
			    "configuredBy:\n  apiVersion: builtin\n  kind: %s\n",
			    relpath(c->a, root, r->origin_kust), r->origin_gen);
		else if (r->origin_file)
			text = cf_arena_printf(c->a, "path: %s\n",
			    relpath(c->a, root, r->origin_file));
		else
			continue;
		cf_node *md = cf_node_set_map(c->a, r->obj, "metadata");
		cf_node_set(c->a, cf_node_set_map(c->a, md, "annotations"),
		    "config.kubernetes.io/origin", cf_node_str(c->a, text));
	}
}

/* kubectl prints through encoding/json, which cannot marshal a map whose
 * source had a non-string key (true:, 1:): such objects fail the build. */
static bool has_nonstring_keys(const cf_node *n, int depth)
{
	if (!n || depth > CF_YAML_DEPTH_MAX)
		return false;
	if (n->type == CF_NODE_MAP) {
		if (n->flags & CF_YAML_F_NONSTR_KEYS)
			return true;
		for (uint32_t i = 0; i < n->len; i++)
			if (has_nonstring_keys(n->v.pairs[i].val, depth + 1))
				return true;
	} else if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			if (has_nonstring_keys(n->v.items[i], depth + 1))
				return true;
	}
	return false;
}

static bool is_local_config(const cf_node *obj)
{
	cf_node *v = cf_node_getp(obj, "metadata", "annotations",
	    "config.kubernetes.io/local-config", NULL);

	return v && !(cf_node_is(v, CF_NODE_STR) && !strcmp(v->v.s, "false"));
}

/* The top-level build: accumulate, then the steps that run only once. */
int cf_kustomize_build(cf_kustomize_result *out, cf_arena *a,
    const char *dir, const cf_kustomize_opts *opts)
{
	kz_ctx c = { .a = a };
	kz_resmap m = { 0 };
	cf_node *top = NULL, *sort;
	int err;

	if (opts)
		c.opts = *opts;
	if ((err = kz_build_dir(&c, &m, dir, false, &top)) < 0)
		goto done;
	sort = cf_node_get(top, "sortOptions");

	/* Validate sortOptions before doing more work. */
	const char *order = cf_node_as_str(cf_node_get(sort, "order"));
	if (sort && order && strcmp(order, "legacy") && strcmp(order, "fifo")) {
		err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "the field 'sortOptions.order' must be one of [legacy, fifo], "
		    "got '%s'", order);
		goto done;
	}
	if (order && !strcmp(order, "fifo") && cf_node_get(sort, "legacySortOptions")) {
		err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "the field 'sortOptions.legacySortOptions' is set but the "
		    "selected sort order is 'fifo', not 'legacy'");
		goto done;
	}

	/* Hash suffixes, once, after every prefix and suffix. */
	for (size_t i = 0; i < m.n; i++) {
		kz_res *r = m.v[i];
		char h[11];
		if (!r->needs_hash)
			continue;
		kz_hash_obj(h, r->obj);
		kz_res_record(&c, r);
		cf_node *md = cf_node_set_map(a, r->obj, "metadata");
		cf_node_set(a, md, "name", cf_node_str(a, cf_arena_printf(a,
		    "%s-%s", cf_node_getp_str(r->obj, "metadata", "name", NULL), h)));
	}
	if ((err = kz_fix_namerefs(&c, &m)) < 0)
		goto done;
	if ((err = kz_resolve_vars(&c, &m)) < 0)
		goto done;

	/* Removing the internal bookkeeping annotations leaves no empty
	 * annotations map behind in kustomize: neither does this. */
	for (size_t i = 0; i < m.n; i++) {
		cf_node *md = cf_node_get(m.v[i]->obj, "metadata");
		cf_node *an = cf_node_get(md, "annotations");
		if (cf_node_is(an, CF_NODE_MAP) && !an->len)
			cf_node_del(md, "annotations");
	}
	size_t kept = 0;
	for (size_t i = 0; i < m.n; i++)
		if (!is_local_config(m.v[i]->obj))
			m.v[kept++] = m.v[i];
	m.n = kept;

	/* sortOptions in the kustomization wins over the --reorder flag. */
	bool legacy;
	switch (order ? CF_KUSTOMIZE_REORDER_DEFAULT : c.opts.reorder) {
	case CF_KUSTOMIZE_REORDER_LEGACY: legacy = true; break;
	case CF_KUSTOMIZE_REORDER_NONE: legacy = false; break;
	case CF_KUSTOMIZE_REORDER_UNSET: legacy = order && !strcmp(order, "legacy"); break;
	default: legacy = !order || !strcmp(order, "legacy"); break;
	}
	if (legacy)
		kz_sort_legacy(&m, sort);
	managed_by(&c, &m, top);
	origins(&c, &m, top, kz_realdir(&c, dir));

	for (size_t i = 0; i < m.n; i++)
		if (has_nonstring_keys(m.v[i]->obj, 0)) {
			err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "%s '%s': json: unsupported type: map[interface {}]"
			    "interface {} (a map key is not a string)",
			    cf_node_getp_str(m.v[i]->obj, "kind", NULL),
			    cf_node_getp_str(m.v[i]->obj, "metadata", "name", NULL));
			goto done;
		}
	out->objs = cf_arena_alloc(a, (m.n + 1) * sizeof(cf_node *));
	for (size_t i = 0; i < m.n; i++)
		out->objs[i] = m.v[i]->obj;
	out->nobjs = m.n;
	out->warnings = c.warnings.n ? cf_arena_memdup(a, c.warnings.v,
	    c.warnings.n * sizeof(char *)) : NULL;
	out->nwarnings = c.warnings.n;
done:
	free(m.v);
	return err;
}

int cf_kustomize_write(cf_buf *out, const cf_kustomize_result *r)
{
	return cf_yaml_emit_stream(out, r->objs, r->nobjs);
}
