/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generators, transformers and validators fields. kubectl runs with
 * plugins disabled, so only configs with `apiVersion: builtin` work; each
 * is translated into the equivalent kustomization field and run through
 * the same code as that field. Entries are inline YAML, files, or
 * directories whose kustomization yields the configs.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A kustomization holding one field, to reuse the field's code. */
static kz_kust synth(kz_ctx *c, const kz_kust *k, const char *field,
    cf_node *val)
{
	kz_kust s = *k;

	s.k = cf_node_map(c->a);
	cf_node_set(c->a, s.k, field, val);
	return s;
}

static cf_node *one_item(kz_ctx *c, cf_node *v)
{
	cf_node *seq = cf_node_seq(c->a);

	cf_node_push(c->a, seq, v);
	return seq;
}

/* Copy the keys of cfg except apiVersion, kind and metadata. */
static cf_node *body(kz_ctx *c, const cf_node *cfg)
{
	cf_node *b = cf_node_map(c->a);

	for (uint32_t i = 0; i < cfg->len; i++) {
		const char *key = cfg->v.pairs[i].key;
		if (strcmp(key, "apiVersion") && strcmp(key, "kind") &&
		    strcmp(key, "metadata"))
			cf_node_set(c->a, b, key, cfg->v.pairs[i].val);
	}
	return b;
}

/* A builtin ConfigMapGenerator/SecretGenerator config: its metadata
 * gives name and namespace, the rest is a generator entry. */
static int run_generator(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const cf_node *cfg, const char *kind, const char *src)
{
	cf_node *e = body(c, cfg);
	const char *name = cf_node_getp_str(cfg, "metadata", "name", NULL);
	const char *ns = cf_node_getp_str(cfg, "metadata", "namespace", NULL);

	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s needs metadata.name", src, kind);
	cf_node_set(c->a, e, "name", cf_node_str(c->a, name));
	if (ns)
		cf_node_set(c->a, e, "namespace", cf_node_str(c->a, ns));
	kz_kust s = synth(c, k, !strcmp(kind, "ConfigMapGenerator") ?
	    "configMapGenerator" : "secretGenerator", one_item(c, e));
	return kz_generate(c, m, &s);
}

/* A builtin transformer config, mapped onto the matching field. */
static int run_transformer(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const cf_node *cfg, const char *kind, const char *src)
{
	kz_kust s;

	if (!strcmp(kind, "PatchTransformer")) {
		s = synth(c, k, "patches", one_item(c, body(c, cfg)));
		return kz_patches(c, m, &s, "patches");
	}
	if (!strcmp(kind, "PatchStrategicMergeTransformer")) {
		cf_node *list = cf_node_seq(c->a);
		const cf_node *paths = cf_node_get(cfg, "paths");
		const cf_node *inl = cf_node_get(cfg, "patches");
		for (uint32_t i = 0; cf_node_is(paths, CF_NODE_SEQ) && i < paths->len; i++)
			cf_node_push(c->a, list, paths->v.items[i]);
		if (cf_node_is(inl, CF_NODE_STR))
			cf_node_push(c->a, list, (cf_node *)inl);
		s = synth(c, k, "patchesStrategicMerge", list);
		return kz_patches(c, m, &s, "patchesStrategicMerge");
	}
	if (!strcmp(kind, "PatchJson6902Transformer")) {
		cf_node *e = cf_node_map(c->a);
		cf_node *t = cf_node_get(cfg, "target");
		cf_node *p = cf_node_get(cfg, "path");
		cf_node *ops = cf_node_get(cfg, "jsonOp");
		if (t)
			cf_node_set(c->a, e, "target", t);
		if (p)
			cf_node_set(c->a, e, "path", p);
		if (ops)
			cf_node_set(c->a, e, "patch", ops);
		s = synth(c, k, "patchesJson6902", one_item(c, e));
		return kz_patches(c, m, &s, "patchesJson6902");
	}
	if (!strcmp(kind, "LabelTransformer") ||
	    !strcmp(kind, "AnnotationsTransformer")) {
		const cf_node *pairs = cf_node_get(cfg, kind[0] == 'L' ?
		    "labels" : "annotations");
		if (!cf_node_is(pairs, CF_NODE_MAP))
			return 0;
		return kz_apply_pairs(c, m, pairs, cf_node_get(cfg, "fieldSpecs"), src);
	}
	if (!strcmp(kind, "PrefixTransformer") || !strcmp(kind, "SuffixTransformer")) {
		bool pre = kind[0] == 'P';
		const char *v = cf_node_as_str(cf_node_get(cfg, pre ? "prefix" : "suffix"));
		if (v && *v)
			kz_do_affix(c, m, pre ? v : NULL, pre ? NULL : v);
		return 0;
	}
	if (!strcmp(kind, "NamespaceTransformer")) {
		const char *ns = cf_node_getp_str(cfg, "metadata", "namespace", NULL);
		cf_node *unset = cf_node_get(cfg, "unsetOnly");
		const char *rbs = cf_node_as_str(cf_node_get(cfg, "setRoleBindingSubjects"));
		if ((cf_node_is(unset, CF_NODE_BOOL) && unset->v.b) ||
		    (rbs && strcmp(rbs, "defaultOnly")))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': NamespaceTransformer: unsetOnly and "
			    "setRoleBindingSubjects are not supported by cflux yet",
			    src);
		return ns && *ns ? kz_do_namespace(c, m, ns) : 0;
	}
	if (!strcmp(kind, "ImageTagTransformer")) {
		cf_node *it = cf_node_get(cfg, "imageTag");
		if (!cf_node_is(it, CF_NODE_MAP))
			return 0;
		s = synth(c, k, "images", one_item(c, it));
		return kz_do_images(c, m, &s);
	}
	if (!strcmp(kind, "ReplicaCountTransformer")) {
		cf_node *r = cf_node_get(cfg, "replica");
		if (!cf_node_is(r, CF_NODE_MAP))
			return 0;
		s = synth(c, k, "replicas", one_item(c, r));
		return kz_do_replicas(c, m, &s);
	}
	return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
	    "'%s': builtin plugin '%s' is not supported by cflux yet", src, kind);
}

/* One plugin config document of the given field. */
static int run_config(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const cf_node *cfg, const char *field, const char *src)
{
	const char *av = cf_node_as_str(cf_node_get(cfg, "apiVersion"));
	const char *kind = cf_node_as_str(cf_node_get(cfg, "kind"));

	if (!cf_node_is(cfg, CF_NODE_MAP) || !kind)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: a plugin config needs apiVersion and kind", src,
		    field);
	if (!av || strcmp(av, "builtin"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': external plugins disabled; unable to load external "
		    "plugin '%s'", src, kind);
	if (!strcmp(field, "generators")) {
		if (!strcmp(kind, "ConfigMapGenerator") ||
		    !strcmp(kind, "SecretGenerator"))
			return run_generator(c, m, k, cfg, kind, src);
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': builtin generator '%s' is not supported by cflux yet",
		    src, kind);
	}
	if (!strcmp(field, "validators"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': validators are not supported by cflux yet", src);
	return run_transformer(c, m, k, cfg, kind, src);
}

/* The generators, transformers or validators field of k. */
int kz_plugins(kz_ctx *c, kz_resmap *m, const kz_kust *k, const char *field)
{
	cf_node *list = cf_node_get(k->k, field);
	int err;

	/* kustomize runs the inline configs first, then the files and
	 * directories, each group in list order (measured). */
	for (int pass = 0; pass < 2; pass++)
	for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
		const char *e = cf_node_as_str(list->v.items[i]);
		const char *src = cf_arena_printf(c->a, "%s: %s[%u]", k->path,
		    field, i);
		cf_node **docs;
		size_t n;

		if (!e)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': entries must be strings", src);
		if ((strchr(e, '\n') != NULL) != (pass == 0))
			continue;
		if (strchr(e, '\n')) {
			/* Inline YAML config(s). */
			if ((err = kz_parse_docs(c, &docs, &n, e, strlen(e), src)) < 0)
				return err;
		} else {
			const char *p = e[0] == '/' ? e :
			    cf_arena_printf(c->a, "%s/%s", k->dir, e);
			struct stat st;
			if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
				/* A kustomization whose output is the configs. */
				kz_resmap sub = { 0 };
				err = kz_build_dir(c, &sub, p, false, NULL);
				for (size_t j = 0; !err && j < sub.n; j++)
					err = run_config(c, m, k, sub.v[j]->obj, field, src);
				free(sub.v);
				if (err < 0)
					return err;
				continue;
			}
			char *text;
			size_t len;
			if ((err = kz_read_file(c, &text, &len, k->dir, e)) < 0)
				return cf_error_wrap("'%s'", src);
			err = kz_parse_docs(c, &docs, &n, text, len, p);
			free(text);
			if (err < 0)
				return err;
		}
		for (size_t d = 0; d < n; d++) {
			if (!docs[d] || docs[d]->type == CF_NODE_NULL)
				continue;
			if ((err = run_config(c, m, k, docs[d], field, src)) < 0)
				return err;
		}
	}
	return 0;
}
