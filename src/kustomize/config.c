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
#include <strings.h>

/* Arena-backed append. */
void kz_fss_push(kz_ctx *c, kz_fss *l, const kz_fs *f)
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

static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/*
 * Add f to l unless an identical spec (same group, version, kind, path
 * and, for name references, the same referred kind) is there already:
 * kustomize merges transformer configs as sets, which matters when a
 * base and its overlay name the same file (a prefix must not be added
 * twice). The same spec with another create flag is kustomize's
 * "conflicting fieldspecs" error.
 */
static int fss_add(kz_ctx *c, kz_fss *l, const kz_fs *f, const char *file,
    const char *what)
{
	for (size_t i = 0; i < l->n; i++) {
		const kz_fs *o = &l->v[i];
		if (!str_eq(o->group, f->group) || !str_eq(o->version, f->version) ||
		    !str_eq(o->kind, f->kind) || strcmp(o->path, f->path) ||
		    !str_eq(o->referred, f->referred) ||
		    !str_eq(o->ref_group, f->ref_group) ||
		    !str_eq(o->ref_version, f->ref_version))
			continue;
		if (o->create != f->create)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': failed to merge %s fieldSpec: conflicting "
			    "fieldspecs (path '%s')", file, what, f->path);
		return 0;
	}
	kz_fss_push(c, l, f);
	return 0;
}

bool kz_fs_selects(const kz_fs *f, const char *group, const char *version,
    const char *kind)
{
	return (!f->kind || !strcmp(f->kind, kind)) &&
	    (!f->group || !strcmp(f->group, group)) &&
	    (!f->version || !strcmp(f->version, version));
}

static int parse_fs(kz_ctx *c, const cf_node *n, kz_fs *out, const char *file,
    const char *field)
{
	cf_node *cr = cf_node_get(n, "create");

	if (!cf_node_is(n, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: field specs must be maps", file, field);
	out->group = cf_node_as_str(cf_node_get(n, "group"));
	out->version = cf_node_as_str(cf_node_get(n, "version"));
	out->kind = cf_node_as_str(cf_node_get(n, "kind"));
	out->path = cf_node_as_str(cf_node_get(n, "path"));
	out->create = cf_node_is(cr, CF_NODE_BOOL) && cr->v.b;
	if (!out->path || !*out->path)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: a field spec needs a path", file, field);
	if (out->group && !*out->group)
		out->group = NULL;
	if (out->version && !*out->version)
		out->version = NULL;
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

/* One transformer-config document: its lists join the build's specs.
 * The keys are TransformerConfig's JSON names, matched exactly. */
static int load_one(kz_ctx *c, const cf_node *cfg, const char *file)
{
	static const struct {
		const char *key, *what; /* what: kustomize's name in errors */
		size_t off;
	} lists[] = {
		{ "namePrefix", "NamePrefix", offsetof(kz_cfg, prefix) },
		{ "nameSuffix", "NameSuffix", offsetof(kz_cfg, suffix) },
		{ "namespace", "NameSpace", offsetof(kz_cfg, ns) },
		{ "commonLabels", "CommonLabels", offsetof(kz_cfg, labels) },
		{ "templateLabels", "TemplateLabels", offsetof(kz_cfg, templates) },
		{ "labels", "Labels", offsetof(kz_cfg, mlabels) },
		{ "commonAnnotations", "CommonAnnotations", offsetof(kz_cfg, annotations) },
		{ "images", "Images", offsetof(kz_cfg, images) },
		{ "varReference", "VarReference", offsetof(kz_cfg, varref) },
		{ "replicas", "Replicas", offsetof(kz_cfg, replicas) },
	};
	int err;

	if (!cf_node_is(cfg, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': a transformer configuration must be a map", file);
	for (uint32_t i = 0; i < cfg->len; i++) {
		const char *key = cfg->v.pairs[i].key;
		const cf_node *v = cfg->v.pairs[i].val;
		bool known = !strcmp(key, "nameReference");

		for (size_t l = 0; l < CF_ARRAY_SIZE(lists); l++) {
			if (strcmp(key, lists[l].key))
				continue;
			known = true;
			if (v && v->type != CF_NODE_NULL && v->type != CF_NODE_SEQ)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': %s must be a list of field specs",
				    file, key);
			kz_fss *dst = (kz_fss *)((char *)&c->cfg + lists[l].off);
			for (uint32_t j = 0; cf_node_is(v, CF_NODE_SEQ) && j < v->len; j++) {
				kz_fs f = { 0 };
				if ((err = parse_fs(c, v->v.items[j], &f, file, key)) < 0)
					return err;
				/* metadata/name is the prefix and suffix
				 * transformers' own spec: never twice. */
				if ((l == 0 || l == 1) && !f.group && !f.version &&
				    !f.kind && !f.create &&
				    !strcmp(f.path, "metadata/name"))
					continue;
				if ((err = fss_add(c, dst, &f, file, lists[l].what)) < 0)
					return err;
			}
		}
		if (!known)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': json: unknown field \"%s\"", file, key);
	}
	/* nameReference: {kind, group, version, fieldSpecs: [...]} per
	 * referred kind. */
	const cf_node *nr = cf_node_get(cfg, "nameReference");
	for (uint32_t i = 0; cf_node_is(nr, CF_NODE_SEQ) && i < nr->len; i++) {
		const cf_node *e = nr->v.items[i];
		const char *kind = cf_node_as_str(cf_node_get(e, "kind"));
		const char *grp = cf_node_as_str(cf_node_get(e, "group"));
		const char *ver = cf_node_as_str(cf_node_get(e, "version"));
		const cf_node *fss = cf_node_get(e, "fieldSpecs");
		if (!kind)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': nameReference[%u] needs a kind", file, i);
		for (uint32_t j = 0; cf_node_is(fss, CF_NODE_SEQ) && j < fss->len; j++) {
			kz_fs f = { 0 };
			if ((err = parse_fs(c, fss->v.items[j], &f, file, "nameReference")) < 0)
				return err;
			f.referred = kind;
			f.ref_group = grp && *grp ? grp : NULL;
			f.ref_version = ver && *ver ? ver : NULL;
			if ((err = fss_add(c, &c->cfg.nameref, &f, file,
			    "NameReference")) < 0)
				return err;
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

/* ---- crds ------------------------------------------------------------------ */

/*
 * A crds file is an OpenAPI definitions map, as openapi-gen writes it:
 * "<go package>.<Type>": {Schema: {properties: ...}, Dependencies: [...]}.
 * It is decoded like kustomize's Go structs: struct keys (Schema,
 * properties) case-insensitively, extension keys exactly, extension
 * values only when they are strings.
 */
struct crd_state {
	kz_ctx *c;
	const cf_node *defs; /* the whole map, for $ref */
	const char *file;
	const char *kind;    /* of the definition being walked */
};

/* Value of key in map n, matched as Go's decoder matches struct fields. */
static const cf_node *get_ci(const cf_node *n, const char *key)
{
	size_t kl = strlen(key);

	for (uint32_t i = 0; cf_node_is(n, CF_NODE_MAP) && i < n->len; i++)
		if (n->v.pairs[i].klen == kl &&
		    !strncasecmp(n->v.pairs[i].key, key, kl))
			return n->v.pairs[i].val;
	return NULL;
}

/* An x-kubernetes-* extension of a property, when it is a string. */
static const char *ext(const cf_node *prop, const char *key)
{
	return cf_node_as_str(cf_node_get(prop, key));
}

/* The properties of definition def (NULL when it has none); a wrong
 * type is the decoder's error. */
static int def_props(struct crd_state *s, const cf_node *def,
    const char *name, const cf_node **out)
{
	const cf_node *sch, *props;

	*out = NULL;
	if (!def || def->type == CF_NODE_NULL)
		return 0;
	if (def->type != CF_NODE_MAP)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "loading CRDs: unable to parse open API definition from "
		    "'%s': '%s': json: cannot unmarshal %s into Go value of "
		    "type accumulator.OpenAPIDefinition", s->file, name,
		    def->type == CF_NODE_SEQ ? "array" : "scalar");
	sch = get_ci(def, "Schema");
	if (!sch || sch->type == CF_NODE_NULL)
		return 0;
	props = get_ci(sch, "properties");
	if (sch->type != CF_NODE_MAP ||
	    (props && props->type != CF_NODE_NULL && props->type != CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "loading CRDs: unable to parse open API definition from "
		    "'%s': '%s': Schema.properties must be a map of schemas",
		    s->file, name);
	for (uint32_t i = 0; cf_node_is(props, CF_NODE_MAP) && i < props->len; i++) {
		const cf_node *p = props->v.pairs[i].val;
		if (p->type != CF_NODE_MAP && p->type != CF_NODE_NULL)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "loading CRDs: unable to parse open API definition "
			    "from '%s': '%s': property '%s' must be a schema",
			    s->file, name, props->v.pairs[i].key);
	}
	*out = cf_node_is(props, CF_NODE_MAP) ? props : NULL;
	return 0;
}

static int crd_add(struct crd_state *s, kz_fss *l, const char *path,
    const char *what)
{
	kz_fs f = { .kind = s->kind, .path = path };

	return fss_add(s->c, l, &f, s->file, what);
}

/*
 * Turn the annotated properties of definition `name` (reached at path,
 * "" at the top) into field specs of the kind being walked, following
 * $ref into other definitions. Array items are not followed, as in
 * kustomize. depth bounds reference cycles.
 */
static int crd_walk(struct crd_state *s, const char *name, const char *path,
    int depth)
{
	const cf_node *props;
	int err;

	if (depth > 32)
		return 0;
	if ((err = def_props(s, cf_node_get(s->defs, name), name, &props)) < 0)
		return err;
	for (uint32_t i = 0; props && i < props->len; i++) {
		const char *pn = props->v.pairs[i].key;
		const cf_node *p = props->v.pairs[i].val;
		const char *fp = *path ? cf_arena_printf(s->c->a, "%s/%s", path, pn) :
		    cf_arena_strdup(s->c->a, pn);
		const char *ver, *kind, *ref;

		if (ext(p, "x-kubernetes-annotation") &&
		    (err = crd_add(s, &s->c->cfg.annotations, fp,
		    "CommonAnnotations")) < 0)
			return err;
		if (ext(p, "x-kubernetes-label-selector") &&
		    (err = crd_add(s, &s->c->cfg.labels, fp, "CommonLabels")) < 0)
			return err;
		if (ext(p, "x-kubernetes-identity") &&
		    (err = crd_add(s, &s->c->cfg.prefix, fp, "NamePrefix")) < 0)
			return err;
		ver = ext(p, "x-kubernetes-object-ref-api-version");
		kind = ext(p, "x-kubernetes-object-ref-kind");
		if (ver && kind) {
			const char *key = ext(p, "x-kubernetes-object-ref-name-key");
			kz_fs f = {
				.kind = s->kind,
				.path = cf_arena_printf(s->c->a, "%s/%s", fp,
				    key ? key : "name"),
				.referred = kind,
				/* The api-version is taken as a bare version:
				 * "apps/v1" matches no object (measured). */
				.ref_version = *ver ? ver : NULL,
			};
			if ((err = fss_add(s->c, &s->c->cfg.nameref, &f, s->file,
			    "NameReference")) < 0)
				return err;
		}
		ref = cf_node_as_str(cf_node_get(p, "$ref"));
		if (ref && *ref && (err = crd_walk(s, ref, fp, depth + 1)) < 0)
			return err;
	}
	return 0;
}

/* One crds file: every definition that looks like a Kubernetes type
 * (kind, apiVersion and metadata properties) names a kind, the last
 * dotted part of its name. */
static int load_crd_file(kz_ctx *c, const cf_node *defs, const char *file)
{
	struct crd_state s = { .c = c, .defs = defs, .file = file };
	int err;

	for (uint32_t i = 0; i < defs->len; i++) {
		const char *name = defs->v.pairs[i].key;
		const cf_node *props;
		const char *dot;

		if ((err = def_props(&s, defs->v.pairs[i].val, name, &props)) < 0)
			return err;
		if (!props || !cf_node_get(props, "kind") ||
		    !cf_node_get(props, "apiVersion") ||
		    !cf_node_get(props, "metadata"))
			continue;
		dot = strrchr(name, '.');
		s.kind = dot ? dot + 1 : name;
		if ((err = crd_walk(&s, name, "", 0)) < 0)
			return err;
	}
	return 0;
}

/* Every file of the crds field, under the restrictor. The definitions
 * only add field specs; nothing joins the output. */
int kz_load_crds(kz_ctx *c, const kz_kust *k)
{
	cf_node *list = cf_node_get(k->k, "crds");
	int err;

	if (list && list->type != CF_NODE_NULL && list->type != CF_NODE_SEQ)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': crds: json: cannot unmarshal "
		    "into Go struct field Kustomization.crds of type []string",
		    k->path);
	for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
		const char *path = cf_node_as_str(list->v.items[i]);
		char *text;
		size_t len;
		cf_node **docs;
		size_t n;

		if (!path)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': crds[%u] must be a path",
			    k->path, i);
		if ((err = kz_read_file(c, &text, &len, k->dir, path)) < 0)
			return cf_error_wrap("'%s': loading CRDs: crds[%u]",
			    k->path, i);
		err = kz_parse_docs(c, &docs, &n, text, len, path);
		free(text);
		if (err < 0)
			return cf_error_wrap("'%s': loading CRDs: unable to parse "
			    "open API definition from '%s'", k->path, path);
		/* The file is one map (kubectl even crashes on an empty
		 * one): anything else is refused. */
		if (n < 1 || !cf_node_is(docs[0], CF_NODE_MAP))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': loading CRDs: unable to parse open API "
			    "definition from '%s': expected a map of definitions",
			    k->path, path);
		if ((err = load_crd_file(c, docs[0], path[0] == '/' ? path :
		    cf_arena_printf(c->a, "%s/%s", k->dir, path))) < 0)
			return err;
	}
	return 0;
}
