/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Resource records, identities and the ordered resource list.
 *
 * kustomize v5.5.0 scans the whole list for a duplicate id on every
 * append, which makes large builds quadratic (kustomize#5081). Here every
 * list carries no index of its own; duplicate checks build one hash index
 * per check over the whole list, so accumulation stays linear.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kz_strs_push(kz_ctx *c, kz_strs *s, const char *v)
{
	/* Arena-backed, so records die with the build. */
	if (s->n == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 4;
		const char **nv = cf_arena_alloc(c->a, na * sizeof(*nv));
		if (s->n)
			memcpy(nv, s->v, s->n * sizeof(*nv));
		s->v = nv;
		s->alloc = na;
	}
	s->v[s->n++] = v;
}

static bool key_is(const cf_pair *p, const char *k, uint32_t n)
{
	return p->klen == n && !memcmp(p->key, k, n);
}

/*
 * The identity of obj. One pass over the top-level keys and one over
 * metadata: this runs for every object in most stages, so it avoids the
 * repeated scans of cf_node_getp. The group is copied to a per-thread
 * buffer (apiVersion holds "group/version"): callers copy it before the
 * next call.
 */
void kz_id_of(kz_id *out, const cf_node *obj)
{
	static __thread char gbuf[256];
	const char *av = "";
	const cf_node *md = NULL;

	out->kind = out->name = out->ns = "";
	for (uint32_t i = 0; obj && obj->type == CF_NODE_MAP && i < obj->len; i++) {
		const cf_pair *p = &obj->v.pairs[i];
		if (p->val->type == CF_NODE_STR && key_is(p, "apiVersion", 10))
			av = p->val->v.s;
		else if (p->val->type == CF_NODE_STR && key_is(p, "kind", 4))
			out->kind = p->val->v.s;
		else if (key_is(p, "metadata", 8))
			md = p->val;
	}
	for (uint32_t i = 0; md && md->type == CF_NODE_MAP && i < md->len; i++) {
		const cf_pair *p = &md->v.pairs[i];
		if (p->val->type != CF_NODE_STR)
			continue;
		if (key_is(p, "name", 4))
			out->name = p->val->v.s;
		else if (key_is(p, "namespace", 9))
			out->ns = p->val->v.s;
	}
	const char *slash = strchr(av, '/');
	if (slash && (size_t)(slash - av) < sizeof(gbuf)) {
		memcpy(gbuf, av, (size_t)(slash - av));
		gbuf[slash - av] = 0;
		out->group = gbuf;
		out->version = slash + 1;
	} else {
		out->group = "";
		out->version = av;
	}
}

/* A stable copy of the id of obj, owned by a. */
static void id_copy(cf_arena *a, kz_id *out, const cf_node *obj)
{
	kz_id t;

	kz_id_of(&t, obj);
	out->group = cf_arena_strdup(a, t.group);
	out->version = t.version;
	out->kind = t.kind;
	out->name = t.name;
	out->ns = t.ns;
}

const char *kz_id_key(cf_arena *a, const kz_id *id)
{
	const char *ns = id->ns;

	/* kustomize treats the empty namespace and "default" as equal. */
	if (!strcmp(ns, "default"))
		ns = "";
	return cf_arena_printf(a, "%s|%s|%s|%s", id->group, id->kind, ns,
	    id->name);
}

/* kustomize's ResId.String(): "Kind.version.group/name.namespace"-like
 * text used in error messages. */
const char *kz_id_str(cf_arena *a, const kz_id *id)
{
	return cf_arena_printf(a, "%s.%s.%s/%s.%s", id->kind,
	    *id->version ? id->version : "[noVer]",
	    *id->group ? id->group : "[noGrp]", id->name,
	    *id->ns ? id->ns : "[noNs]");
}

kz_res *kz_res_new(kz_ctx *c, cf_node *obj)
{
	kz_res *r = CF_ARENA_NEW(c->a, kz_res);

	r->obj = obj;
	id_copy(c->a, &r->orig, obj);
	return r;
}

void kz_res_record(kz_ctx *c, kz_res *r)
{
	kz_id cur;

	id_copy(c->a, &cur, r->obj);
	/* Strings of the current id may be replaced in the node later; keep
	 * copies. */
	cur.name = cf_arena_strdup(c->a, cur.name);
	cur.ns = cf_arena_strdup(c->a, cur.ns);
	cur.kind = cf_arena_strdup(c->a, cur.kind);
	cur.version = cf_arena_strdup(c->a, cur.version);
	if (r->nprev == r->aprev) {
		size_t na = r->aprev ? r->aprev * 2 : 4;
		kz_id *nv = cf_arena_alloc(c->a, na * sizeof(*nv));
		if (r->nprev)
			memcpy(nv, r->prev, r->nprev * sizeof(*nv));
		r->prev = nv;
		r->aprev = na;
	}
	r->prev[r->nprev++] = cur;
}

/*
 * Kinds kustomize knows to be cluster-scoped: its hard-coded table plus
 * the cluster-scoped kinds of the embedded Kubernetes v1.21.2 schema.
 * Anything else (custom resources, newer kinds) is namespaced.
 */
bool kz_cluster_scoped(const char *group, const char *kind)
{
	static const struct { const char *g, *k; } tab[] = {
		{ "", "Namespace" }, { "", "Node" }, { "", "PersistentVolume" },
		{ "", "ComponentStatus" },
		{ "rbac.authorization.k8s.io", "ClusterRole" },
		{ "rbac.authorization.k8s.io", "ClusterRoleBinding" },
		{ "apiextensions.k8s.io", "CustomResourceDefinition" },
		{ "storage.k8s.io", "StorageClass" },
		{ "storage.k8s.io", "CSIDriver" },
		{ "storage.k8s.io", "CSINode" },
		{ "storage.k8s.io", "VolumeAttachment" },
		{ "scheduling.k8s.io", "PriorityClass" },
		{ "apiregistration.k8s.io", "APIService" },
		{ "admissionregistration.k8s.io", "MutatingWebhookConfiguration" },
		{ "admissionregistration.k8s.io", "ValidatingWebhookConfiguration" },
		{ "node.k8s.io", "RuntimeClass" },
		{ "policy", "PodSecurityPolicy" },
		{ "extensions", "PodSecurityPolicy" },
		{ "certificates.k8s.io", "CertificateSigningRequest" },
		{ "networking.k8s.io", "IngressClass" },
		{ "flowcontrol.apiserver.k8s.io", "FlowSchema" },
		{ "flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration" },
		{ "authentication.k8s.io", "TokenReview" },
		{ "authorization.k8s.io", "SelfSubjectAccessReview" },
		{ "authorization.k8s.io", "SelfSubjectRulesReview" },
		{ "authorization.k8s.io", "SubjectAccessReview" },
	};

	for (size_t i = 0; i < CF_ARRAY_SIZE(tab); i++)
		if (!strcmp(tab[i].k, kind) && !strcmp(tab[i].g, group))
			return true;
	return false;
}

/* ---- string index (FNV-1a, linear probing) ------------------------------ */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void index_grow(kz_index *ix)
{
	size_t ncap = ix->cap ? ix->cap * 2 : 64;
	char **ok = ix->keys;
	size_t *ov = ix->vals, ocap = ix->cap;

	ix->keys = cf_xcalloc(ncap, sizeof(char *));
	ix->vals = cf_xcalloc(ncap, sizeof(size_t));
	ix->cap = ncap;
	ix->n = 0;
	for (size_t i = 0; i < ocap; i++)
		if (ok[i]) {
			size_t j = fnv(ok[i]) & (ncap - 1);
			while (ix->keys[j])
				j = (j + 1) & (ncap - 1);
			ix->keys[j] = ok[i];
			ix->vals[j] = ov[i];
			ix->n++;
		}
	free(ok);
	free(ov);
}

void kz_index_put(kz_index *ix, const char *key, size_t val)
{
	size_t j;

	if ((ix->n + 1) * 2 > ix->cap)
		index_grow(ix);
	j = fnv(key) & (ix->cap - 1);
	while (ix->keys[j]) {
		if (!strcmp(ix->keys[j], key)) {
			ix->vals[j] = val;
			return;
		}
		j = (j + 1) & (ix->cap - 1);
	}
	ix->keys[j] = (char *)key; /* borrowed: callers keep keys alive */
	ix->vals[j] = val;
	ix->n++;
}

bool kz_index_get(const kz_index *ix, const char *key, size_t *val)
{
	size_t j;

	if (!ix->cap)
		return false;
	j = fnv(key) & (ix->cap - 1);
	while (ix->keys[j]) {
		if (!strcmp(ix->keys[j], key)) {
			*val = ix->vals[j];
			return true;
		}
		j = (j + 1) & (ix->cap - 1);
	}
	return false;
}

void kz_index_release(kz_index *ix)
{
	free(ix->keys);
	free(ix->vals);
	*ix = (kz_index){ 0 };
}

/* ---- resource list -------------------------------------------------------- */

int kz_resmap_append(kz_ctx *c, kz_resmap *m, kz_res *r, const char *where)
{
	(void)c;
	(void)where;
	CF_GROW(m->v, m->alloc, m->n + 1);
	m->v[m->n++] = r;
	return 0;
}

/*
 * kustomize refuses two objects with the same current id in one list
 * ("may not add resource with an already registered id"). Checked once
 * per merge point over the whole list with a hash index.
 */
int kz_resmap_check_unique(kz_ctx *c, kz_resmap *m, const char *what)
{
	kz_index ix = { 0 };
	cf_arena tmp = CF_ARENA_INIT;
	int err = 0;

	for (size_t i = 0; i < m->n && !err; i++) {
		kz_id id;
		size_t at;

		kz_id_of(&id, m->v[i]->obj);
		const char *key = kz_id_key(&tmp, &id);
		if (kz_index_get(&ix, key, &at)) {
			id.group = cf_arena_strdup(&tmp, id.group);
			err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "%s: may not add resource with an already registered id: %s",
			    what, kz_id_str(c->a, &id));
			break;
		}
		kz_index_put(&ix, key, i);
	}
	kz_index_release(&ix);
	cf_arena_release(&tmp);
	return err;
}
