/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The builtin transformers of a kustomization, in kustomize's fixed
 * order: patchesStrategicMerge, patches, namespace, namePrefix,
 * nameSuffix, labels then commonLabels, commonAnnotations,
 * patchesJson6902, replicas, images. Field specs ("spec/selector",
 * "[]" for lists) are walked by one function, fs_apply, which creates
 * missing maps only where the spec says create.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A built-in field spec: which objects (NULL = any group or kind, ""
 * group = the core group) and the path to set. */
typedef struct fspec {
	const char *group; /* NULL: any */
	const char *kind;  /* NULL: any */
	const char *path;
	bool create;
} fspec;

/* The label selectors inside a pod template: kept in step with the
 * labels, never created. */
#define POD_LABEL_SELECTORS(group, kind)                                    \
	{ group, kind, "spec/template/spec/affinity/podAffinity/"            \
	    "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/" \
	    "labelSelector/matchLabels", false },                            \
	{ group, kind, "spec/template/spec/affinity/podAffinity/"            \
	    "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/"   \
	    "matchLabels", false },                                          \
	{ group, kind, "spec/template/spec/affinity/podAntiAffinity/"        \
	    "preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/" \
	    "labelSelector/matchLabels", false },                            \
	{ group, kind, "spec/template/spec/affinity/podAntiAffinity/"        \
	    "requiredDuringSchedulingIgnoredDuringExecution/labelSelector/"   \
	    "matchLabels", false },                                          \
	{ group, kind, "spec/template/spec/topologySpreadConstraints/"       \
	    "labelSelector/matchLabels", false }

/* The metadata of the pod templates of the workload kinds, at field
 * ("labels" or "annotations"): where template labels and common
 * annotations go besides the object's own metadata. */
#define POD_TEMPLATE_METADATA(field)                                        \
	{ "", "ReplicationController", "spec/template/metadata/" field, true }, \
	{ NULL, "Deployment", "spec/template/metadata/" field, true },       \
	{ NULL, "ReplicaSet", "spec/template/metadata/" field, true },       \
	{ NULL, "DaemonSet", "spec/template/metadata/" field, true },        \
	{ "apps", "StatefulSet", "spec/template/metadata/" field, true },    \
	{ "batch", "Job", "spec/template/metadata/" field, true },           \
	{ "batch", "CronJob", "spec/jobTemplate/metadata/" field, true },    \
	{ "batch", "CronJob", "spec/jobTemplate/spec/template/metadata/"     \
	    field, true }

/* commonLabels with selectors (kustomize's built-in table). */
static const fspec labels_tab[] = {
	{ NULL, NULL, "metadata/labels", true },
	{ "", "Service", "spec/selector", true },
	{ "", "ReplicationController", "spec/selector", true },
	{ "", "ReplicationController", "spec/template/metadata/labels", true },
	{ NULL, "Deployment", "spec/selector/matchLabels", true },
	{ NULL, "Deployment", "spec/template/metadata/labels", true },
	POD_LABEL_SELECTORS("apps", "Deployment"),
	{ NULL, "ReplicaSet", "spec/selector/matchLabels", true },
	{ NULL, "ReplicaSet", "spec/template/metadata/labels", true },
	{ NULL, "DaemonSet", "spec/selector/matchLabels", true },
	{ NULL, "DaemonSet", "spec/template/metadata/labels", true },
	{ "apps", "StatefulSet", "spec/selector/matchLabels", true },
	{ "apps", "StatefulSet", "spec/template/metadata/labels", true },
	POD_LABEL_SELECTORS("apps", "StatefulSet"),
	{ "apps", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true },
	{ "batch", "Job", "spec/selector/matchLabels", false },
	{ "batch", "Job", "spec/template/metadata/labels", true },
	{ "batch", "CronJob", "spec/jobTemplate/spec/selector/matchLabels", false },
	{ "batch", "CronJob", "spec/jobTemplate/metadata/labels", true },
	{ "batch", "CronJob", "spec/jobTemplate/spec/template/metadata/labels", true },
	{ "policy", "PodDisruptionBudget", "spec/selector/matchLabels", false },
	{ "networking.k8s.io", "NetworkPolicy", "spec/podSelector/matchLabels", false },
	{ "networking.k8s.io", "NetworkPolicy", "spec/ingress/from/podSelector/matchLabels", false },
	{ "networking.k8s.io", "NetworkPolicy", "spec/egress/to/podSelector/matchLabels", false },
	{ NULL, NULL, NULL, false },
};

/* Template labels (labels[].includeTemplates). Only the entries of one
 * kind apply to an object, so their order across kinds is free. */
static const fspec templates_tab[] = {
	{ NULL, NULL, "metadata/labels", true },
	POD_TEMPLATE_METADATA("labels"),
	{ "apps", "StatefulSet", "spec/volumeClaimTemplates[]/metadata/labels", true },
	{ NULL, NULL, NULL, false },
};

static const fspec meta_labels_tab[] = {
	{ NULL, NULL, "metadata/labels", true },
	{ NULL, NULL, NULL, false },
};

static const fspec annotations_tab[] = {
	{ NULL, NULL, "metadata/annotations", true },
	POD_TEMPLATE_METADATA("annotations"),
	{ NULL, NULL, NULL, false },
};

/* Does spec f apply to an object with identity id? */
static bool fs_selects(const fspec *f, const kz_id *id)
{
	if (f->kind && strcmp(f->kind, id->kind))
		return false;
	if (f->group && *f->group && strcmp(f->group, id->group))
		return false;
	/* An explicit empty group (core, written "version: v1") needs an
	 * object in the core group. */
	if (f->group && !*f->group && *id->group)
		return false;
	return true;
}

/* Called with the map holding the last path segment and that key. */
typedef void (*fs_fn)(kz_ctx *c, cf_node *parent, const char *key, void *arg);

/*
 * Walk path (segments split at '/', "[]" marks a list) from n, calling fn
 * on the map holding the last segment. Lists met on the way are walked
 * element by element, as kyaml's field-spec filter does.
 */
static void fs_walk(kz_ctx *c, cf_node *n, const char *path, bool create,
    fs_fn fn, void *arg)
{
	const char *slash = strchr(path, '/');
	size_t sl = slash ? (size_t)(slash - path) : strlen(path);
	char seg[256];
	bool list = false;

	if (sl >= sizeof(seg) || !n)
		return;
	memcpy(seg, path, sl);
	seg[sl] = 0;
	if (sl > 2 && !strcmp(seg + sl - 2, "[]")) {
		seg[sl - 2] = 0;
		list = true;
	}
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			fs_walk(c, n->v.items[i], path, create, fn, arg);
		return;
	}
	if (n->type != CF_NODE_MAP)
		return;
	if (!slash) {
		/* The last field too is only created when the spec says so. */
		cf_node *leaf = cf_node_get(n, seg);
		if (create || (leaf && leaf->type != CF_NODE_NULL))
			fn(c, n, seg, arg);
		return;
	}
	cf_node *child = cf_node_get(n, seg);
	if (!child || child->type == CF_NODE_NULL) {
		if (!create || list)
			return;
		child = cf_node_map(c->a);
		cf_node_set(c->a, n, seg, child);
	}
	fs_walk(c, child, slash + 1, create, fn, arg);
}

/* Apply the field specs a configurations file added (selected by the
 * object's current group, version and kind). */
static void fs_apply_cfg(kz_ctx *c, kz_resmap *m, const kz_fss *l, fs_fn fn,
    void *arg)
{
	for (size_t i = 0; i < m->n; i++) {
		kz_id id;
		char group[256];

		kz_id_of(&id, m->v[i]->obj);
		snprintf(group, sizeof(group), "%s", id.group);
		for (size_t f = 0; f < l->n; f++)
			if (kz_fs_selects(&l->v[f], group, id.version, id.kind))
				fs_walk(c, m->v[i]->obj, l->v[f].path,
				    l->v[f].create, fn, arg);
	}
}

/* ---- labels and annotations --------------------------------------------- */

/*
 * Labels and annotations, with kyaml's node sharing: for one object, each
 * key gets one value node that is inserted at every field-spec location
 * where the key is missing, while a key already present has its value
 * overwritten in place. A later strategic merge that changes the value in
 * place therefore shows everywhere the shared node sits, as in kubectl.
 */
struct pairs_state {
	const cf_node *pairs;
	cf_node **shared; /* per pair, for the current object */
};

static void set_pairs(kz_ctx *c, cf_node *parent, const char *key, void *arg)
{
	struct pairs_state *st = arg;
	cf_node *m = cf_node_get(parent, key);

	if (!m || m->type != CF_NODE_MAP) {
		m = cf_node_map(c->a);
		cf_node_set(c->a, parent, key, m);
	}
	for (uint32_t i = 0; i < st->pairs->len; i++) {
		const cf_pair *p = &st->pairs->v.pairs[i];
		cf_node *cur = cf_node_getn(m, p->key, p->klen);
		if (cur && cur->type != CF_NODE_MAP && cur->type != CF_NODE_SEQ)
			*cur = *st->shared[i];
		else
			cf_node_setn(c->a, m, p->key, p->klen, st->shared[i]);
	}
}

/* Apply pairs at the specs of tab and of extra and extra2 (any may be
 * NULL). */
static void apply_pairs2(kz_ctx *c, kz_resmap *m, const fspec *tab,
    const kz_fss *extra, const kz_fss *extra2, const cf_node *pairs)
{
	struct pairs_state st = { .pairs = pairs };

	st.shared = cf_arena_alloc(c->a, (pairs->len + 1) * sizeof(cf_node *));
	for (size_t i = 0; i < m->n; i++) {
		kz_id id;
		char group[256];

		kz_id_of(&id, m->v[i]->obj);
		snprintf(group, sizeof(group), "%s", id.group);
		id.group = group;
		for (uint32_t k = 0; k < pairs->len; k++)
			st.shared[k] = cf_node_dup(c->a, pairs->v.pairs[k].val);
		for (const fspec *f = tab; f && f->path; f++)
			if (fs_selects(f, &id))
				fs_walk(c, m->v[i]->obj, f->path, f->create,
				    set_pairs, &st);
		for (int e = 0; e < 2; e++) {
			const kz_fss *l = e ? extra2 : extra;
			for (size_t k = 0; l && k < l->n; k++) {
				const kz_fs *x = &l->v[k];
				if (kz_fs_selects(x, group, id.version, id.kind))
					fs_walk(c, m->v[i]->obj, x->path, x->create,
					    set_pairs, &st);
			}
		}
	}
}

static void apply_pairs(kz_ctx *c, kz_resmap *m, const fspec *tab,
    const kz_fss *extra, const cf_node *pairs)
{
	apply_pairs2(c, m, tab, extra, NULL, pairs);
}

/* A list of {path, group, kind, create} maps as field specs. */
static int parse_fields(kz_ctx *c, const cf_node *fields, kz_fss *out,
    const char *src)
{
	for (uint32_t j = 0; cf_node_is(fields, CF_NODE_SEQ) && j < fields->len; j++) {
		cf_node *f = fields->v.items[j];
		cf_node *cr = cf_node_get(f, "create");
		kz_fs one = {
			.group = cf_node_as_str(cf_node_get(f, "group")),
			.kind = cf_node_as_str(cf_node_get(f, "kind")),
			.path = cf_node_as_str(cf_node_get(f, "path")),
			.create = cf_node_is(cr, CF_NODE_BOOL) && cr->v.b,
		};
		if (!one.path)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': fieldSpecs[%u] needs a path", src, j);
		if (one.group && !*one.group)
			one.group = NULL;
		if (one.kind && !*one.kind)
			one.kind = NULL;
		kz_fss_push(c, out, &one);
	}
	return 0;
}

/* Validate a map[string]string field of the kustomization. */
static int string_map(const kz_kust *k, const char *field, const cf_node *v)
{
	if (v->type != CF_NODE_MAP)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': %s: json: cannot unmarshal "
		    "into map[string]string", k->path, field);
	for (uint32_t i = 0; i < v->len; i++)
		if (v->v.pairs[i].val->type != CF_NODE_STR)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': json: cannot unmarshal "
			    "non-string into Go struct field Kustomization.%s of "
			    "type string (key '%s')", k->path, field,
			    v->v.pairs[i].key);
	return 0;
}

/* labels entries in order, then commonLabels, then commonAnnotations:
 * kustomize's transformer order within a layer. */
static int do_labels(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	cf_node *labels = cf_node_get(k->k, "labels");
	cf_node *common = cf_node_get(k->k, "commonLabels");
	int err;

	for (uint32_t i = 0; cf_node_is(labels, CF_NODE_SEQ) && i < labels->len; i++) {
		cf_node *e = labels->v.items[i];
		cf_node *pairs = cf_node_get(e, "pairs");
		cf_node *sel = cf_node_get(e, "includeSelectors");
		cf_node *tpl = cf_node_get(e, "includeTemplates");
		kz_fss fields = { 0 };

		if (!pairs)
			continue;
		if ((err = string_map(k, "labels.pairs", pairs)) < 0)
			return err;
		if ((err = parse_fields(c, cf_node_get(e, "fields"), &fields,
		    k->path)) < 0)
			return err;
		if (cf_node_is(sel, CF_NODE_BOOL) && sel->v.b) {
			/* The whole commonLabels configuration, then fields. */
			for (size_t j = 0; j < c->cfg.labels.n; j++)
				kz_fss_push(c, &fields, &c->cfg.labels.v[j]);
			apply_pairs2(c, m, labels_tab, &fields, &c->cfg.mlabels,
			    pairs);
		} else if (cf_node_is(tpl, CF_NODE_BOOL) && tpl->v.b) {
			/* configurations' templateLabels join the built-in
			 * template table. */
			for (size_t j = 0; j < c->cfg.templates.n; j++)
				kz_fss_push(c, &fields, &c->cfg.templates.v[j]);
			apply_pairs2(c, m, templates_tab, &fields,
			    &c->cfg.mlabels, pairs);
		} else {
			/* configurations' `labels` specs join every entry. */
			apply_pairs2(c, m, meta_labels_tab, &fields,
			    &c->cfg.mlabels, pairs);
		}
	}
	if (common && common->type != CF_NODE_NULL) {
		if ((err = string_map(k, "commonLabels", common)) < 0)
			return err;
		if (common->len)
			apply_pairs(c, m, labels_tab, &c->cfg.labels, common);
	}
	cf_node *ann = cf_node_get(k->k, "commonAnnotations");
	if (ann && ann->type != CF_NODE_NULL) {
		if ((err = string_map(k, "commonAnnotations", ann)) < 0)
			return err;
		if (ann->len)
			apply_pairs(c, m, annotations_tab, &c->cfg.annotations, ann);
	}
	return 0;
}

/* ---- namespace ------------------------------------------------------------ */

static int namespace_conflicts(kz_ctx *c, kz_resmap *m)
{
	if (kz_resmap_check_unique(c, m, "namespace") == 0)
		return 0;
	/* Two objects that differed only by namespace now collide. */
	const char *id = strstr(cf_error_msg(), "id: ");
	return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
	    "namespace transformation produces ID conflict: %s",
	    id ? id + 4 : "");
}

/*
 * The namespace transformer: every object not known to be cluster-scoped
 * gets ns (overwriting), Namespace objects are renamed to ns, and the
 * service references of APIServices and CRD conversion webhooks and the
 * "default" subjects of role bindings follow. Every object visited
 * records its previous id, which name references rely on.
 */
int kz_do_namespace(kz_ctx *c, kz_resmap *m, const char *ns)
{
	for (size_t i = 0; i < m->n; i++) {
		kz_res *r = m->v[i];
		kz_id id;
		char group[256];

		kz_id_of(&id, r->obj);
		snprintf(group, sizeof(group), "%s", id.group);
		kz_res_record(c, r);
		if (!strcmp(id.kind, "Namespace") && !*group) {
			cf_node_set(c->a, cf_node_set_map(c->a, r->obj, "metadata"),
			    "name", cf_node_str(c->a, ns));
			continue;
		}
		if (!kz_cluster_scoped(group, id.kind))
			cf_node_set(c->a, cf_node_set_map(c->a, r->obj, "metadata"),
			    "namespace", cf_node_str(c->a, ns));
		if (!strcmp(id.kind, "APIService") &&
		    !strcmp(group, "apiregistration.k8s.io")) {
			cf_node *svc = cf_node_getp(r->obj, "spec", "service", NULL);
			if (cf_node_is(svc, CF_NODE_MAP))
				cf_node_set(c->a, svc, "namespace", cf_node_str(c->a, ns));
		}
		if (!strcmp(id.kind, "CustomResourceDefinition")) {
			cf_node *svc = cf_node_getp(r->obj, "spec", "conversion",
			    "webhook", "clientConfig", "service", NULL);
			if (cf_node_is(svc, CF_NODE_MAP))
				cf_node_set(c->a, svc, "namespace", cf_node_str(c->a, ns));
		}
		if ((!strcmp(id.kind, "RoleBinding") ||
		    !strcmp(id.kind, "ClusterRoleBinding"))) {
			cf_node *subs = cf_node_getp(r->obj, "subjects", NULL);
			for (uint32_t j = 0; cf_node_is(subs, CF_NODE_SEQ) && j < subs->len; j++) {
				cf_node *s = subs->v.items[j];
				const char *nm = cf_node_as_str(cf_node_get(s, "name"));
				if (cf_node_is(s, CF_NODE_MAP) && nm && !strcmp(nm, "default"))
					cf_node_set(c->a, s, "namespace", cf_node_str(c->a, ns));
			}
		}
	}
	return namespace_conflicts(c, m);
}

/* ---- namePrefix / nameSuffix ---------------------------------------------- */

/* namePrefix / nameSuffix: CRDs, Namespaces and APIServices keep their
 * names (they are referred to by fixed names). id is fresh from
 * kz_id_of, whose group buffer the next call reuses. */
static bool keeps_name(const kz_id *id)
{
	return !strcmp(id->kind, "CustomResourceDefinition") ||
	    !strcmp(id->kind, "Namespace") || /* of any group, as kustomize */
	    (!strcmp(id->kind, "APIService") &&
	    !strcmp(id->group, "apiregistration.k8s.io"));
}

void kz_do_affix(kz_ctx *c, kz_resmap *m, const char *pre, const char *suf)
{
	for (size_t i = 0; i < m->n; i++) {
		kz_res *r = m->v[i];
		kz_id id;

		kz_id_of(&id, r->obj);
		if (keeps_name(&id))
			continue;
		kz_res_record(c, r);
		const char *name = cf_arena_printf(c->a, "%s%s%s", pre ? pre : "",
		    id.name, suf ? suf : "");
		cf_node_set(c->a, cf_node_set_map(c->a, r->obj, "metadata"), "name",
		    cf_node_str(c->a, name));
		if (pre && *pre)
			kz_strs_push(c, &r->prefixes, pre);
		if (suf && *suf)
			kz_strs_push(c, &r->suffixes, suf);
	}
}

/* A field that configurations (or a crds x-kubernetes-identity) declare
 * a name: the prefix and suffix are added to the string it holds. */
struct affix {
	const char *pre, *suf;
	const char *obj, *path; /* for the error */
	int err;
};

static void affix_leaf(kz_ctx *c, cf_node *parent, const char *key, void *arg)
{
	struct affix *x = arg;
	cf_node *v = cf_node_get(parent, key);
	const char *cur = "";

	if (x->err)
		return;
	/* kyaml edits the scalar's text: numbers and booleans become
	 * strings ("p-7"); maps and lists are an error (measured). */
	if (v && (v->type == CF_NODE_MAP || v->type == CF_NODE_SEQ)) {
		x->err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "considering field '%s' of object %s: wrong node kind: "
		    "expected ScalarNode but got %s", x->path, x->obj,
		    v->type == CF_NODE_MAP ? "MappingNode" : "SequenceNode");
		return;
	}
	if (cf_node_is(v, CF_NODE_STR))
		cur = v->v.s;
	else if (cf_node_is(v, CF_NODE_BOOL))
		cur = v->v.b ? "true" : "false";
	else if (cf_node_is(v, CF_NODE_INT))
		cur = (v->flags & CF_NODE_F_UINT) ?
		    cf_arena_printf(c->a, "%llu", (unsigned long long)v->v.u) :
		    cf_arena_printf(c->a, "%lld", (long long)v->v.i);
	else if (v && v->type != CF_NODE_NULL)
		return; /* a float's text is not kept: left alone */
	cf_node_set(c->a, parent, key, cf_node_str(c->a, cf_arena_printf(c->a,
	    "%s%s%s", x->pre ? x->pre : "", cur, x->suf ? x->suf : "")));
}

/* The configured prefix or suffix fields of every object, chosen by the
 * object's original group, version and kind; the objects whose own name
 * is left alone are left alone here too. */
static int affix_fields(kz_ctx *c, kz_resmap *m, const char *pre,
    const char *suf, const kz_fss *l)
{
	struct affix x = { pre, suf, NULL, NULL, 0 };

	for (size_t i = 0; l->n && i < m->n; i++) {
		kz_res *r = m->v[i];
		kz_id id;

		kz_id_of(&id, r->obj);
		if (keeps_name(&id))
			continue;
		x.obj = kz_id_str(c->a, &r->orig);
		for (size_t f = 0; f < l->n && !x.err; f++)
			if (kz_fs_selects(&l->v[f], r->orig.group,
			    r->orig.version, r->orig.kind) &&
			    (x.path = l->v[f].path))
				fs_walk(c, r->obj, l->v[f].path, l->v[f].create,
				    affix_leaf, &x);
		if (x.err)
			return x.err;
	}
	return 0;
}

static void set_str(kz_ctx *c, cf_node *parent, const char *key, void *arg)
{
	cf_node_set(c->a, parent, key, cf_node_str(c->a, arg));
}

/* ---- images --------------------------------------------------------------- */

/* Does image name part `name` match the pattern `pat`? kustomize uses pat
 * as a regular expression; names hold only '.' as a metacharacter in
 * practice, which matches any character. */
static bool image_name_match(const char *pat, const char *name, size_t nlen)
{
	size_t pl = strlen(pat);

	if (pl != nlen)
		return false;
	for (size_t i = 0; i < pl; i++)
		if (pat[i] != '.' && pat[i] != name[i])
			return false;
	return true;
}

static bool tag_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("_.{}-", ch)))
			return false;
	}
	return true;
}

/* Split image into name, tag (without ':') and digest (without '@'). */
/* A ":" belongs to the tag only after the last "/", so a registry port
 * (localhost:5000/app) is not mistaken for one. */
static void split_image(const char *img, size_t *nlen, const char **tag,
    size_t *tlen, const char **dig)
{
	const char *at = strchr(img, '@');
	size_t end = at ? (size_t)(at - img) : strlen(img);
	const char *slash = NULL;

	for (size_t i = 0; i < end; i++)
		if (img[i] == '/')
			slash = img + i;
	const char *colon = NULL;
	for (const char *p = slash ? slash : img; p < img + end; p++)
		if (*p == ':')
			colon = p;
	*dig = at ? at + 1 : NULL;
	if (colon) {
		*nlen = (size_t)(colon - img);
		*tag = colon + 1;
		*tlen = (size_t)(img + end - colon - 1);
	} else {
		*nlen = end;
		*tag = NULL;
		*tlen = 0;
	}
}

/* Rewrite the image string at container[key] if the entry e names it:
 * newName replaces the name; newTag and digest replace tag and digest as
 * kustomize combines them; tagSuffix extends the tag. */
static void update_image_at(kz_ctx *c, cf_node *container, const char *key,
    const cf_node *e)
{
	cf_node *img = cf_node_get(container, key);
	const char *s = cf_node_as_str(img);
	const char *name = cf_node_as_str(cf_node_get(e, "name"));
	const char *nn = cf_node_as_str(cf_node_get(e, "newName"));
	const char *nt = cf_node_as_str(cf_node_get(e, "newTag"));
	const char *dg = cf_node_as_str(cf_node_get(e, "digest"));
	const char *ts = cf_node_as_str(cf_node_get(e, "tagSuffix"));
	size_t nlen, tlen;
	const char *tag, *dig;

	if (!s || !name)
		return;
	split_image(s, &nlen, &tag, &tlen, &dig);
	if (!image_name_match(name, s, nlen))
		return;
	if ((tag && !tag_chars(tag, tlen)) ||
	    (dig && (strncmp(dig, "sha256:", 7) || !tag_chars(dig + 7, strlen(dig + 7)))))
		return;
	cf_buf b = CF_BUF_INIT;
	if (nn && *nn)
		cf_buf_adds(&b, nn);
	else
		cf_buf_add(&b, s, nlen);
	if (nt && *nt && dg && *dg) {
		cf_buf_addf(&b, ":%s@%s", nt, dg);
	} else if (nt && *nt) {
		cf_buf_addf(&b, ":%s", nt);
	} else if (dg && *dg) {
		cf_buf_addf(&b, "@%s", dg);
	} else if (ts && *ts) {
		/* A tag suffix rewrites the tag and drops any digest. */
		cf_buf_addch(&b, ':');
		if (tag)
			cf_buf_add(&b, tag, tlen);
		cf_buf_adds(&b, ts);
	} else {
		if (tag) {
			cf_buf_addch(&b, ':');
			cf_buf_add(&b, tag, tlen);
		}
		if (dig)
			cf_buf_addf(&b, "@%s", dig);
	}
	cf_node_set(c->a, container, key, cf_node_strn(c->a, b.buf, b.len));
	cf_buf_release(&b);
}

static void update_image(kz_ctx *c, cf_node *container, const cf_node *e)
{
	update_image_at(c, container, "image", e);
}

static void image_leaf(kz_ctx *c, cf_node *parent, const char *key, void *arg)
{
	update_image_at(c, parent, key, arg);
}

/* Legacy pass: every containers/initContainers list anywhere. */
static void images_everywhere(kz_ctx *c, cf_node *n, const cf_node *e, int depth)
{
	if (!n || depth > 200)
		return;
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			images_everywhere(c, n->v.items[i], e, depth + 1);
		return;
	}
	if (n->type != CF_NODE_MAP)
		return;
	for (uint32_t i = 0; i < n->len; i++) {
		cf_pair *p = &n->v.pairs[i];
		if ((!strcmp(p->key, "containers") || !strcmp(p->key, "initContainers")) &&
		    cf_node_is(p->val, CF_NODE_SEQ)) {
			for (uint32_t j = 0; j < p->val->len; j++)
				if (cf_node_is(p->val->v.items[j], CF_NODE_MAP))
					update_image(c, p->val->v.items[j], e);
		} else {
			images_everywhere(c, p->val, e, depth + 1);
		}
	}
}

/* images entries, each over both passes (see the comments inside). */
int kz_do_images(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	cf_node *images = cf_node_get(k->k, "images");

	if (!images || images->type == CF_NODE_NULL)
		return 0;
	if (images->type != CF_NODE_SEQ)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': images must be a list", k->path);
	for (uint32_t i = 0; i < images->len; i++) {
		cf_node *e = images->v.items[i];
		static const char *const ok[] = { "name", "newName", "newTag",
			"digest", "tagSuffix" };
		for (uint32_t j = 0; cf_node_is(e, CF_NODE_MAP) && j < e->len; j++) {
			bool found = false;
			for (size_t f = 0; f < CF_ARRAY_SIZE(ok); f++)
				found |= !strcmp(ok[f], e->v.pairs[j].key);
			if (!found)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "invalid Kustomization '%s': images[%u]: json: "
				    "unknown field \"%s\"", k->path, i,
				    e->v.pairs[j].key);
			/* Every image field is a string (newTag: 2.0 fails). */
			uint8_t t = e->v.pairs[j].val->type;
			if (t != CF_NODE_STR && t != CF_NODE_NULL)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "invalid Kustomization '%s': json: cannot "
				    "unmarshal %s into Go struct field Image.images.%s "
				    "of type string", k->path,
				    t == CF_NODE_BOOL ? "bool" : t == CF_NODE_MAP ?
				    "object" : t == CF_NODE_SEQ ? "array" : "number",
				    e->v.pairs[j].key);
		}
		for (size_t r = 0; r < m->n; r++) {
			kz_id id;
			kz_id_of(&id, m->v[r]->obj);
			if (!strcmp(id.kind, "CustomResourceDefinition"))
				continue;
			images_everywhere(c, m->v[r]->obj, e, 0);
		}
		/* The field-spec pass (it finds the same containers again). */
		for (size_t r = 0; r < m->n; r++) {
			cf_node *o = m->v[r]->obj;
			cf_node *lists[4] = {
				cf_node_getp(o, "spec", "containers", NULL),
				cf_node_getp(o, "spec", "initContainers", NULL),
				cf_node_getp(o, "spec", "template", "spec", "containers", NULL),
				cf_node_getp(o, "spec", "template", "spec", "initContainers", NULL),
			};
			for (int l = 0; l < 4; l++)
				for (uint32_t j = 0; cf_node_is(lists[l], CF_NODE_SEQ) &&
				    j < lists[l]->len; j++)
					if (cf_node_is(lists[l]->v.items[j], CF_NODE_MAP))
						update_image(c, lists[l]->v.items[j], e);
		}
		/* Image fields declared by configurations. */
		fs_apply_cfg(c, m, &c->cfg.images, image_leaf, (void *)e);
	}
	return 0;
}

/* ---- replicas -------------------------------------------------------------- */

static void set_int(kz_ctx *c, cf_node *parent, const char *key, void *arg)
{
	cf_node_set(c->a, parent, key, cf_node_dup(c->a, arg));
}

/* replicas entries: spec.replicas of the workloads with that name (or
 * at configured paths); an entry that matches nothing is an error. */
int kz_do_replicas(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	cf_node *reps = cf_node_get(k->k, "replicas");
	static const char *const kinds[] = { "Deployment",
		"ReplicationController", "ReplicaSet", "StatefulSet" };

	for (uint32_t i = 0; cf_node_is(reps, CF_NODE_SEQ) && i < reps->len; i++) {
		cf_node *e = reps->v.items[i];
		const char *name = cf_node_as_str(cf_node_get(e, "name"));
		cf_node *count = cf_node_get(e, "count");
		bool hit = false;

		if (!name || !cf_node_is(count, CF_NODE_INT))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': replicas[%u] needs a name "
			    "and an integer count (json: cannot unmarshal into Go "
			    "struct field Replica.replicas.count of type int64)",
			    k->path, i);
		for (size_t r = 0; r < m->n; r++) {
			kz_id id;
			kz_id_of(&id, m->v[r]->obj);
			bool kind_ok = false;
			for (size_t j = 0; j < CF_ARRAY_SIZE(kinds); j++)
				kind_ok |= !strcmp(kinds[j], id.kind);
			if (!kind_ok || (strcmp(id.name, name) &&
			    strcmp(m->v[r]->orig.name, name)))
				continue;
			cf_node_set(c->a, cf_node_set_map(c->a, m->v[r]->obj, "spec"),
			    "replicas", cf_node_int(c->a, count->v.i));
			hit = true;
		}
		/* Replica fields declared by configurations. */
		for (size_t f = 0; f < c->cfg.replicas.n; f++) {
			const kz_fs *fs = &c->cfg.replicas.v[f];
			for (size_t r = 0; r < m->n; r++) {
				kz_id id;
				kz_id_of(&id, m->v[r]->obj);
				char g[256];
				snprintf(g, sizeof(g), "%s", id.group);
				id.group = g;
				if (!kz_fs_selects(fs, g, id.version, id.kind) || (strcmp(id.name, name) &&
				    strcmp(m->v[r]->orig.name, name)))
					continue;
				fs_walk(c, m->v[r]->obj, fs->path, fs->create,
				    set_int, (void *)count);
				hit = true;
			}
		}
		if (!hit)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': replicas: resource with name %s does not match a "
			    "config with the following GVK [apps_v1_Deployment "
			    "~G_v1_ReplicationController apps_v1_ReplicaSet "
			    "apps_v1_StatefulSet]", k->path, name);
	}
	return 0;
}

/* All builtin transformers of one kustomization, in kustomize's order. */
int kz_transform(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	int err;
	const char *ns = cf_node_as_str(cf_node_get(k->k, "namespace"));
	const char *pre = cf_node_as_str(cf_node_get(k->k, "namePrefix"));
	const char *suf = cf_node_as_str(cf_node_get(k->k, "nameSuffix"));

	/* Step order is kustomize's, it decides what later steps see. */
	if ((err = kz_patches(c, m, k, "patchesStrategicMerge")) < 0)
		return err;
	if ((err = kz_patches(c, m, k, "patches")) < 0)
		return err;
	if (ns && *ns) {
		if ((err = kz_do_namespace(c, m, ns)) < 0)
			return err;
		/* Namespace fields from configurations, on any object. */
		fs_apply_cfg(c, m, &c->cfg.ns, set_str, (void *)ns);
	}
	if ((pre && *pre) || (suf && *suf)) {
		/* kustomize runs the prefix and suffix transformers
		 * separately: metadata.name, then configured fields. */
		if (pre && *pre) {
			kz_do_affix(c, m, pre, NULL);
			if ((err = affix_fields(c, m, pre, NULL, &c->cfg.prefix)) < 0)
				return err;
		}
		if (suf && *suf) {
			kz_do_affix(c, m, NULL, suf);
			if ((err = affix_fields(c, m, NULL, suf, &c->cfg.suffix)) < 0)
				return err;
		}
	}
	if ((err = do_labels(c, m, k)) < 0)
		return err;
	if ((err = kz_patches(c, m, k, "patchesJson6902")) < 0)
		return err;
	if ((err = kz_do_replicas(c, m, k)) < 0)
		return err;
	if ((err = kz_do_images(c, m, k)) < 0)
		return err;
	return kz_replacements(c, m, k);
}

/* Set the pairs of map `pairs` at every field spec of fss (a list of
 * {path, group, kind, create} maps), as LabelTransformer and
 * AnnotationsTransformer plugin configs do. */
int kz_apply_pairs(kz_ctx *c, kz_resmap *m, const cf_node *pairs,
    const cf_node *fss, const char *src)
{
	kz_fss fields = { 0 };
	int err;

	if ((err = parse_fields(c, fss, &fields, src)) < 0)
		return err;
	apply_pairs(c, m, NULL, &fields, pairs);
	return 0;
}
