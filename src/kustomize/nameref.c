/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Name back-references: once every rename is done (prefix, suffix, hash,
 * namespace, patches with allowNameChange), fields that refer to a
 * renamed object by its old name are rewritten to the new one.
 *
 * kustomize v5.5.0 finds candidates by scanning every object for every
 * reference (quadratic, kustomize#1394). Here one hash index maps
 * "kind|previous name" to the objects that ever carried that name, so the
 * pass is linear in the number of references.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where pod specs live, per workload kind. */
static const struct {
	const char *kind, *base;
} pod_bases[] = {
	{ "Pod", "spec" },
	{ "PodTemplate", "template/spec" },
	{ "Deployment", "spec/template/spec" },
	{ "ReplicaSet", "spec/template/spec" },
	{ "DaemonSet", "spec/template/spec" },
	{ "StatefulSet", "spec/template/spec" },
	{ "Job", "spec/template/spec" },
	{ "ReplicationController", "spec/template/spec" },
	{ "CronJob", "spec/jobTemplate/spec/template/spec" },
};

/* References from inside a pod spec: referred kind, path under the spec. */
static const struct {
	const char *referred, *path;
} pod_refs[] = {
	{ "ConfigMap", "volumes/configMap/name" },
	{ "ConfigMap", "containers/env/valueFrom/configMapKeyRef/name" },
	{ "ConfigMap", "initContainers/env/valueFrom/configMapKeyRef/name" },
	{ "ConfigMap", "containers/envFrom/configMapRef/name" },
	{ "ConfigMap", "initContainers/envFrom/configMapRef/name" },
	{ "ConfigMap", "volumes/projected/sources/configMap/name" },
	{ "Secret", "volumes/secret/secretName" },
	{ "Secret", "containers/env/valueFrom/secretKeyRef/name" },
	{ "Secret", "initContainers/env/valueFrom/secretKeyRef/name" },
	{ "Secret", "containers/envFrom/secretRef/name" },
	{ "Secret", "initContainers/envFrom/secretRef/name" },
	{ "Secret", "imagePullSecrets/name" },
	{ "Secret", "volumes/projected/sources/secret/name" },
	{ "ServiceAccount", "serviceAccountName" },
	{ "PersistentVolumeClaim", "volumes/persistentVolumeClaim/claimName" },
	{ "PriorityClass", "priorityClassName" },
};

/* Other references: referrer kind, referred kind, path. */
static const struct {
	const char *referrer, *referred, *path;
} other_refs[] = {
	{ "ServiceAccount", "Secret", "imagePullSecrets/name" },
	{ "Ingress", "Secret", "spec/tls/secretName" },
	{ "Ingress", "Service", "spec/rules/http/paths/backend/serviceName" },
	{ "Ingress", "Service", "spec/rules/http/paths/backend/service/name" },
	{ "Ingress", "Service", "spec/backend/serviceName" },
	{ "Ingress", "Service", "spec/defaultBackend/service/name" },
	{ "StatefulSet", "Service", "spec/serviceName" },
	{ "StatefulSet", "StorageClass", "spec/volumeClaimTemplates/spec/storageClassName" },
	{ "APIService", "Service", "spec/service/name" },
	{ "RoleBinding", "Role", "roleRef/name" },
	{ "RoleBinding", "ClusterRole", "roleRef/name" },
	{ "ClusterRoleBinding", "ClusterRole", "roleRef/name" },
	{ "Role", "ConfigMap", "rules/resourceNames" },
	{ "ClusterRole", "ConfigMap", "rules/resourceNames" },
	{ "Role", "Secret", "rules/resourceNames" },
	{ "ClusterRole", "Secret", "rules/resourceNames" },
	{ "ClusterRole", "PersistentVolume", "rules/resourceNames" },
	{ "PersistentVolumeClaim", "PersistentVolume", "spec/volumeName" },
	{ "PersistentVolumeClaim", "StorageClass", "spec/storageClassName" },
	{ "PersistentVolume", "StorageClass", "spec/storageClassName" },
	{ "PersistentVolume", "Secret", "spec/azureFile/secretName" },
	{ "StorageClass", "Secret", "parameters/secretName" },
	{ "StorageClass", "Secret", "parameters/adminSecretName" },
	{ "StorageClass", "Secret", "parameters/userSecretName" },
	{ "StorageClass", "Secret", "parameters/secretRef" },
	{ "HorizontalPodAutoscaler", "Deployment", "spec/scaleTargetRef/name" },
	{ "HorizontalPodAutoscaler", "ReplicationController", "spec/scaleTargetRef/name" },
	{ "HorizontalPodAutoscaler", "ReplicaSet", "spec/scaleTargetRef/name" },
	{ "HorizontalPodAutoscaler", "StatefulSet", "spec/scaleTargetRef/name" },
	{ "ValidatingAdmissionPolicyBinding", "ValidatingAdmissionPolicy", "spec/policyName" },
};

/* State of one name-reference pass. */
struct nr {
	kz_ctx *c;
	kz_resmap *m;
	kz_index ix;       /* "kind|prevname" -> first slot in chains */
	size_t *chain_res; /* linked lists of candidates */
	size_t *chain_next;
	size_t nchain, achain;
	kz_res *referrer;
	const char *referred;
	const char *ref_group, *ref_version; /* NULL: any */
	const char *referrer_ns;
	bool referrer_cluster;
	int err;
};

static const char *group_of(const cf_node *obj, char *buf, size_t n)
{
	kz_id id;

	kz_id_of(&id, obj);
	snprintf(buf, n, "%s", id.group);
	return buf;
}

/* Chain object res under "kind|name" (several objects may share one). */
static void index_add(struct nr *s, const char *kind, const char *name, size_t res)
{
	const char *key = cf_arena_printf(s->c->a, "%s|%s", kind, name);
	size_t head;

	CF_GROW(s->chain_res, s->achain, s->nchain + 1);
	if (s->nchain + 1 > s->achain)
		CF_BUG("chain");
	s->chain_next = cf_xrealloc(s->chain_next, s->achain * sizeof(size_t));
	s->chain_res[s->nchain] = res;
	s->chain_next[s->nchain] = kz_index_get(&s->ix, key, &head) ? head : SIZE_MAX;
	kz_index_put(&s->ix, key, s->nchain);
	s->nchain++;
}

static bool same_strs(const kz_strs *a, const kz_strs *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/*
 * Pick the object a reference to `name` means. want_ns, when set, is the
 * namespace written next to the name (subjects); otherwise the referrer's
 * namespace applies. Returns NULL when nothing was renamed from name.
 */
static kz_res *resolve(struct nr *s, const char *name, const char *want_ns,
    bool map_shaped)
{
	const char *key = cf_arena_printf(s->c->a, "%s|%s", s->referred, name);
	kz_res *cands[64];
	size_t nc = 0, at;

	if (!kz_index_get(&s->ix, key, &at))
		return NULL;
	for (; at != SIZE_MAX && nc < CF_ARRAY_SIZE(cands); at = s->chain_next[at]) {
		kz_res *r = s->m->v[s->chain_res[at]];
		kz_id cur;
		char g[256];

		/* A group or version asked for (configurations, crds) must
		 * be one the candidate carried at some point. */
		if (s->ref_group || s->ref_version) {
			bool ok = false;
			for (size_t p = 0; p < r->nprev && !ok; p++)
				ok = (!s->ref_group || !strcmp(s->ref_group, r->prev[p].group)) &&
				    (!s->ref_version || !strcmp(s->ref_version, r->prev[p].version));
			if (!ok)
				continue;
		}
		kz_id_of(&cur, r->obj);
		group_of(r->obj, g, sizeof(g));
		bool cluster = kz_cluster_scoped(g, cur.kind);
		if (want_ns) {
			/* Only the original and the current namespace count
			 * (a namespace from a middle layer does not). */
			bool ok = !strcmp(r->orig.ns, want_ns) ||
			    !strcmp(cur.ns, want_ns);
			if (!ok)
				continue;
		} else if (!s->referrer_cluster && !cluster &&
		    strcmp(cur.kind, "ServiceAccount")) {
			const char *a = *cur.ns ? cur.ns : "default";
			const char *b = *s->referrer_ns ? s->referrer_ns : "default";
			if (strcmp(a, b))
				continue;
		}
		bool dup = false;
		for (size_t i = 0; i < nc; i++)
			dup |= cands[i] == r;
		if (!dup)
			cands[nc++] = r;
	}
	if (nc <= 1)
		return nc ? cands[0] : NULL;
	/* Several: keep those renamed by the same prefixes/suffixes. */
	kz_res *same[64];
	size_t ns = 0;
	for (size_t i = 0; i < nc; i++)
		if (same_strs(&cands[i]->prefixes, &s->referrer->prefixes) &&
		    same_strs(&cands[i]->suffixes, &s->referrer->suffixes))
			same[ns++] = cands[i];
	if (ns == 1)
		return same[0];
	kz_res **pool = ns ? same : cands;
	size_t np = ns ? ns : nc;
	const char *n0 = cf_node_getp_str(pool[0]->obj, "metadata", "name", NULL);
	const char *s0 = cf_node_getp_str(pool[0]->obj, "metadata", "namespace", NULL);
	for (size_t i = 1; i < np; i++) {
		const char *ni = cf_node_getp_str(pool[i]->obj, "metadata", "name", NULL);
		const char *si = cf_node_getp_str(pool[i]->obj, "metadata", "namespace", NULL);
		/* A reference that carries a namespace too (subjects) needs
		 * the candidates to agree on it as well. */
		bool ns_differs = map_shaped && strcmp(s0 ? s0 : "", si ? si : "");
		if (!n0 || !ni || strcmp(n0, ni) || ns_differs) {
			if (!s->err)
				s->err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "found multiple possible referrals for %s '%s' "
				    "referenced from %s '%s'", s->referred, name,
				    cf_node_getp_str(s->referrer->obj, "kind", NULL),
				    cf_node_getp_str(s->referrer->obj, "metadata", "name", NULL));
			return NULL;
		}
	}
	return pool[0];
}

/* Rewrite the reference at parent[key]: a name, or a list of names
 * (Role rules' resourceNames). */
static void fix_leaf(struct nr *s, cf_node *parent, const char *key)
{
	cf_node *v = cf_node_get(parent, key);

	if (cf_node_is(v, CF_NODE_STR)) {
		kz_res *r = resolve(s, v->v.s, NULL, false);
		if (r)
			cf_node_set(s->c->a, parent, key, cf_node_dup(s->c->a,
			    cf_node_getp(r->obj, "metadata", "name", NULL)));
	} else if (cf_node_is(v, CF_NODE_SEQ)) {
		for (uint32_t i = 0; i < v->len; i++) {
			if (!cf_node_is(v->v.items[i], CF_NODE_STR))
				continue;
			kz_res *r = resolve(s, v->v.items[i]->v.s, NULL, false);
			if (r)
				v->v.items[i] = cf_node_dup(s->c->a,
				    cf_node_getp(r->obj, "metadata", "name", NULL));
		}
	}
}

/* Follow path through maps, fanning out over lists, to the leaves. */
static void walk(struct nr *s, cf_node *n, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t sl = slash ? (size_t)(slash - path) : strlen(path);

	if (!n)
		return;
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			walk(s, n->v.items[i], path);
		return;
	}
	if (n->type != CF_NODE_MAP)
		return;
	if (!slash) {
		char key[128];
		if (sl >= sizeof(key))
			return;
		memcpy(key, path, sl);
		key[sl] = 0;
		fix_leaf(s, n, key);
		return;
	}
	walk(s, cf_node_getn(n, path, sl), slash + 1);
}

/* The node at a '/'-separated path of map keys, or NULL. */
static cf_node *at_path(cf_node *n, const char *path)
{
	while (n && *path) {
		const char *sl = strchr(path, '/');
		size_t len = sl ? (size_t)(sl - path) : strlen(path);
		n = cf_node_getn(n, path, len);
		path = sl ? sl + 1 : path + len;
	}
	return n;
}

/* roleRef: only when its kind names the referred kind. */
static void fix_roleref(struct nr *s, cf_node *obj)
{
	cf_node *rr = cf_node_get(obj, "roleRef");
	const char *k = cf_node_as_str(cf_node_get(rr, "kind"));

	if (!k || strcmp(k, s->referred))
		return;
	fix_leaf(s, rr, "name");
}

/* A {name, namespace} reference: both are rewritten. */
static void fix_named_ref(struct nr *s, cf_node *ref)
{
	const char *name = cf_node_as_str(cf_node_get(ref, "name"));
	const char *ns = cf_node_as_str(cf_node_get(ref, "namespace"));

	if (!cf_node_is(ref, CF_NODE_MAP) || !name)
		return;
	kz_res *r = resolve(s, name, ns, true);
	if (!r)
		return;
	cf_node_set(s->c->a, ref, "name", cf_node_dup(s->c->a,
	    cf_node_getp(r->obj, "metadata", "name", NULL)));
	cf_node *rns = cf_node_getp(r->obj, "metadata", "namespace", NULL);
	if (rns)
		cf_node_set(s->c->a, ref, "namespace", cf_node_dup(s->c->a, rns));
}

/* subjects: ServiceAccounts by name and namespace; both are rewritten. */
static void fix_subjects(struct nr *s, cf_node *obj)
{
	cf_node *subs = cf_node_get(obj, "subjects");

	for (uint32_t i = 0; cf_node_is(subs, CF_NODE_SEQ) && i < subs->len; i++) {
		cf_node *sub = subs->v.items[i];
		const char *kind = cf_node_as_str(cf_node_get(sub, "kind"));
		const char *name = cf_node_as_str(cf_node_get(sub, "name"));
		const char *ns = cf_node_as_str(cf_node_get(sub, "namespace"));
		if (!kind || strcmp(kind, "ServiceAccount") || !name)
			continue;
		/* Without a namespace the subject is matched like a plain
		 * name (ServiceAccounts in any namespace). */
		kz_res *r = resolve(s, name, ns, true);
		if (!r)
			continue;
		cf_node_set(s->c->a, sub, "name", cf_node_dup(s->c->a,
		    cf_node_getp(r->obj, "metadata", "name", NULL)));
		cf_node *rns = cf_node_getp(r->obj, "metadata", "namespace", NULL);
		if (rns)
			cf_node_set(s->c->a, sub, "namespace", cf_node_dup(s->c->a, rns));
	}
}

/* Rewrite every name reference of every object (see the file comment). */
int kz_fix_namerefs(kz_ctx *c, kz_resmap *m)
{
	struct nr s = { .c = c, .m = m };

	/* Index every object that was ever renamed, by each old name. */
	for (size_t i = 0; i < m->n; i++) {
		kz_res *r = m->v[i];
		for (size_t p = 0; p < r->nprev; p++) {
			bool seen = false;
			for (size_t q = 0; q < p; q++)
				seen |= !strcmp(r->prev[q].name, r->prev[p].name) &&
				    !strcmp(r->prev[q].kind, r->prev[p].kind);
			if (!seen)
				index_add(&s, r->prev[p].kind, r->prev[p].name, i);
		}
	}
	if (!s.nchain)
		goto done;

	for (size_t i = 0; i < m->n && !s.err; i++) {
		kz_res *r = m->v[i];
		kz_id id;
		char g[256];

		kz_id_of(&id, r->obj);
		group_of(r->obj, g, sizeof(g));
		s.referrer = r;
		s.referrer_ns = cf_arena_strdup(c->a, id.ns);
		s.referrer_cluster = kz_cluster_scoped(g, id.kind);
		const char *kind = cf_arena_strdup(c->a, id.kind);

		for (size_t b = 0; b < CF_ARRAY_SIZE(pod_bases); b++) {
			if (strcmp(pod_bases[b].kind, kind))
				continue;
			cf_node *spec = at_path(r->obj, pod_bases[b].base);
			for (size_t p = 0; spec && p < CF_ARRAY_SIZE(pod_refs); p++) {
				s.referred = pod_refs[p].referred;
				walk(&s, spec, pod_refs[p].path);
			}
		}
		for (size_t p = 0; p < CF_ARRAY_SIZE(other_refs); p++) {
			if (strcmp(other_refs[p].referrer, kind))
				continue;
			s.referred = other_refs[p].referred;
			if (!strcmp(other_refs[p].path, "roleRef/name"))
				fix_roleref(&s, r->obj);
			else
				walk(&s, r->obj, other_refs[p].path);
		}
		/* References declared by configurations and crds. */
		const char *ver = cf_arena_strdup(c->a, id.version);
		for (size_t f = 0; f < c->cfg.nameref.n; f++) {
			const kz_fs *fs = &c->cfg.nameref.v[f];
			if (!kz_fs_selects(fs, g, ver, kind))
				continue;
			s.referred = fs->referred;
			s.ref_group = fs->ref_group;
			s.ref_version = fs->ref_version;
			walk(&s, r->obj, fs->path);
			s.ref_group = s.ref_version = NULL;
		}
		/* Ingress controllers' annotations name Secrets and ConfigMaps;
		 * their keys hold '/', so they are looked up directly. */
		if (!strcmp(kind, "Ingress")) {
			static const struct { const char *key, *referred; } ann[] = {
				{ "ingress.kubernetes.io/auth-secret", "Secret" },
				{ "nginx.ingress.kubernetes.io/auth-secret", "Secret" },
				{ "nginx.ingress.kubernetes.io/auth-tls-secret", "Secret" },
				{ "nginx.ingress.kubernetes.io/fastcgi-params-configmap", "ConfigMap" },
			};
			cf_node *anns = cf_node_getp(r->obj, "metadata", "annotations", NULL);
			for (size_t a = 0; cf_node_is(anns, CF_NODE_MAP) &&
			    a < CF_ARRAY_SIZE(ann); a++) {
				if (!cf_node_get(anns, ann[a].key))
					continue;
				s.referred = ann[a].referred;
				fix_leaf(&s, anns, ann[a].key);
			}
		}
		/* Webhook services carry their namespace next to the name. */
		if (!strcmp(kind, "ValidatingWebhookConfiguration") ||
		    !strcmp(kind, "MutatingWebhookConfiguration")) {
			cf_node *hooks = cf_node_get(r->obj, "webhooks");
			s.referred = "Service";
			for (uint32_t h = 0; cf_node_is(hooks, CF_NODE_SEQ) && h < hooks->len; h++) {
				cf_node *svc = cf_node_getp(hooks->v.items[h],
				    "clientConfig", "service", NULL);
				fix_named_ref(&s, svc);
			}
		}
		if (!strcmp(kind, "RoleBinding") || !strcmp(kind, "ClusterRoleBinding")) {
			s.referred = "ServiceAccount";
			fix_subjects(&s, r->obj);
		}
	}
done:
	kz_index_release(&s.ix);
	free(s.chain_res);
	free(s.chain_next);
	return s.err;
}
