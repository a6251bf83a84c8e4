/* SPDX-License-Identifier: Apache-2.0 */
/*
 * configurations: transformer-config files that add field specs to the
 * built-in tables (custom resources whose labels, images or name
 * references live at their own paths). Specs are kept for the rest of the
 * build, which is how a base's configuration also reaches its overlays.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arena-backed append. */
static void fss_push(kz_ctx *c, kz_fss *l, const kz_fs *f)
{
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 8;
		kz_fs *nv = cf_arena_alloc(c->a, na * sizeof(*nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n++] = *f;
}

static int parse_fs(kz_ctx *c, const cf_node *n, kz_fs *out, const char *file,
    const char *field)
{
	cf_node *cr = cf_node_get(n, "create");

	if (!cf_node_is(n, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: field specs must be maps", file, field);
	out->group = cf_node_as_str(cf_node_get(n, "group"));
	out->kind = cf_node_as_str(cf_node_get(n, "kind"));
	out->path = cf_node_as_str(cf_node_get(n, "path"));
	out->create = cf_node_is(cr, CF_NODE_BOOL) && cr->v.b;
	if (!out->path || !*out->path)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: a field spec needs a path", file, field);
	if (out->group && !*out->group)
		out->group = NULL;
	if (out->kind && !*out->kind)
		out->kind = NULL;
	/* Lists are walked element by element anyway: drop "[]" marks. */
	if (strstr(out->path, "[]")) {
		char *p = cf_arena_strdup(c->a, out->path), *w = p;
		for (const char *r = p; *r; r++) {
			if (r[0] == '[' && r[1] == ']') {
				r++;
				continue;
			}
			*w++ = *r;
		}
		*w = 0;
		out->path = p;
	}
	return 0;
}

/* One transformer-config document: its lists join the build's specs;
 * keys this build cannot honour yet are refused rather than ignored. */
static int load_one(kz_ctx *c, const cf_node *cfg, const char *file)
{
	static const struct {
		const char *key;
		size_t off;
	} lists[] = {
		{ "commonLabels", offsetof(kz_cfg, labels) },
		{ "commonAnnotations", offsetof(kz_cfg, annotations) },
		{ "images", offsetof(kz_cfg, images) },
		{ "varReference", offsetof(kz_cfg, varref) },
		{ "replicas", offsetof(kz_cfg, replicas) },
	};
	static const char *const unsupported[] = {
		"namePrefix", "nameSuffix", "namespace", "templateLabels",
		"labels",
	};
	int err;

	if (!cf_node_is(cfg, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': a transformer configuration must be a map", file);
	for (uint32_t i = 0; i < cfg->len; i++) {
		const char *key = cfg->v.pairs[i].key;
		const cf_node *v = cfg->v.pairs[i].val;
		bool known = !strcmp(key, "nameReference");

		for (size_t u = 0; u < CF_ARRAY_SIZE(unsupported); u++)
			if (!strcmp(key, unsupported[u]) && cf_node_count(v))
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': configuration field '%s' is not "
				    "supported by cflux yet", file, key);
		for (size_t l = 0; l < CF_ARRAY_SIZE(lists); l++) {
			if (strcmp(key, lists[l].key))
				continue;
			known = true;
			kz_fss *dst = (kz_fss *)((char *)&c->cfg + lists[l].off);
			for (uint32_t j = 0; cf_node_is(v, CF_NODE_SEQ) && j < v->len; j++) {
				kz_fs f = { 0 };
				if ((err = parse_fs(c, v->v.items[j], &f, file, key)) < 0)
					return err;
				fss_push(c, dst, &f);
			}
		}
		for (size_t u = 0; u < CF_ARRAY_SIZE(unsupported); u++)
			known |= !strcmp(key, unsupported[u]);
		if (!known)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': json: unknown field \"%s\"", file, key);
	}
	/* nameReference: {kind, group, fieldSpecs: [...]} per referred kind. */
	const cf_node *nr = cf_node_get(cfg, "nameReference");
	for (uint32_t i = 0; cf_node_is(nr, CF_NODE_SEQ) && i < nr->len; i++) {
		const cf_node *e = nr->v.items[i];
		const char *kind = cf_node_as_str(cf_node_get(e, "kind"));
		const cf_node *fss = cf_node_get(e, "fieldSpecs");
		if (!kind)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': nameReference[%u] needs a kind", file, i);
		for (uint32_t j = 0; cf_node_is(fss, CF_NODE_SEQ) && j < fss->len; j++) {
			kz_fs f = { 0 };
			if ((err = parse_fs(c, fss->v.items[j], &f, file, "nameReference")) < 0)
				return err;
			f.referred = kind;
			fss_push(c, &c->cfg.nameref, &f);
		}
	}
	return 0;
}

/* Every file of the configurations field, under the restrictor. */
int kz_load_configurations(kz_ctx *c, const kz_kust *k)
{
	cf_node *list = cf_node_get(k->k, "configurations");
	int err;

	for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
		const char *path = cf_node_as_str(list->v.items[i]);
		char *text;
		size_t len;
		cf_node **docs;
		size_t n;

		if (!path)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': configurations[%u] must "
			    "be a path", k->path, i);
		if ((err = kz_read_file(c, &text, &len, k->dir, path)) < 0)
			return cf_error_wrap("'%s': configurations[%u]", k->path, i);
		err = kz_parse_docs(c, &docs, &n, text, len, path);
		free(text);
		if (err < 0)
			return err;
		for (size_t d = 0; d < n; d++)
			if (docs[d] && docs[d]->type != CF_NODE_NULL &&
			    (err = load_one(c, docs[d], path)) < 0)
				return err;
	}
	return 0;
}
