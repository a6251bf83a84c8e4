/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/scheme.h"
#include "core/alloc.h"
#include "core/error.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const verb_names[CF_VERB_COUNT] = {
	"create", "delete", "deletecollection", "get", "list", "patch",
	"update", "watch",
};

/* Verbs are a bitmask so a resource's set costs one word and discovery
 * can list them in the canonical order by walking the bits. */
const char *cf_verb_name(unsigned bit_index)
{
	return bit_index < CF_VERB_COUNT ? verb_names[bit_index] : NULL;
}

unsigned cf_verb_parse(const char *name)
{
	for (unsigned i = 0; name && i < CF_VERB_COUNT; i++)
		if (!strcmp(verb_names[i], name))
			return 1u << i;
	return 0;
}

/*
 * The built-in table. Facts follow kube-apiserver 1.32's discovery
 * (verbs, short names, categories, subresource kinds) and its registry
 * strategies (generation, delete response, default GC policy, field
 * selector labels). Order is discovery order: core first, then the groups
 * in the order /apis lists them, resources sorted by plural.
 */
#define SN(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define ALL SN("all")
#define SUBS(...) ((const cf_subresource_def[]){ __VA_ARGS__ })
#define NSUBS(...) (sizeof(SUBS(__VA_ARGS__)) / sizeof(cf_subresource_def))
#define WITH_SUBS(...) .subresources = SUBS(__VA_ARGS__), \
	.nsubresources = NSUBS(__VA_ARGS__)
#define FIELDS(arr) .fields = (arr), .nfields = CF_ARRAY_SIZE(arr)

#define STATUS_SUB { "status", NULL, NULL, NULL, CF_VERBS_SUB }
#define SCALE_SUB { "scale", "autoscaling", "v1", "Scale", CF_VERBS_SUB }

static const cf_field_label event_fields[] = {
	{ "involvedObject.kind", "involvedObject.kind", "" },
	{ "involvedObject.namespace", "involvedObject.namespace", "" },
	{ "involvedObject.name", "involvedObject.name", "" },
	{ "involvedObject.uid", "involvedObject.uid", "" },
	{ "involvedObject.apiVersion", "involvedObject.apiVersion", "" },
	{ "involvedObject.resourceVersion", "involvedObject.resourceVersion",
	    "" },
	{ "involvedObject.fieldPath", "involvedObject.fieldPath", "" },
	{ "reason", "reason", "" },
	{ "reportingComponent", "reportingComponent", "" },
	{ "source", "source.component", "" },
	{ "type", "type", "" },
};

/* The same storage seen through events.k8s.io: the labels stay the core
 * names, the paths follow the new field names. */
static const cf_field_label events_v1_fields[] = {
	{ "involvedObject.kind", "regarding.kind", "" },
	{ "involvedObject.namespace", "regarding.namespace", "" },
	{ "involvedObject.name", "regarding.name", "" },
	{ "involvedObject.uid", "regarding.uid", "" },
	{ "involvedObject.apiVersion", "regarding.apiVersion", "" },
	{ "involvedObject.resourceVersion", "regarding.resourceVersion", "" },
	{ "involvedObject.fieldPath", "regarding.fieldPath", "" },
	{ "reason", "reason", "" },
	{ "reportingComponent", "reportingController", "" },
	{ "source", "deprecatedSource.component", "" },
	{ "type", "type", "" },
};

static const cf_field_label pod_fields[] = {
	{ "spec.nodeName", "spec.nodeName", "" },
	{ "spec.restartPolicy", "spec.restartPolicy", "" },
	{ "spec.schedulerName", "spec.schedulerName", "" },
	{ "spec.serviceAccountName", "spec.serviceAccountName", "" },
	{ "spec.hostNetwork", "spec.hostNetwork", "false" },
	{ "status.phase", "status.phase", "" },
	{ "status.podIP", "status.podIP", "" },
	{ "status.nominatedNodeName", "status.nominatedNodeName", "" },
};

static const cf_field_label secret_fields[] = {
	{ "type", "type", "" },
};

static const cf_field_label namespace_fields[] = {
	{ "status.phase", "status.phase", "" },
};

static const cf_field_label service_fields[] = {
	{ "spec.clusterIP", "spec.clusterIP", "" },
	{ "spec.type", "spec.type", "" },
};

static const cf_field_label job_fields[] = {
	{ "status.successful", "status.succeeded", "0" },
};

static const cf_field_label replicaset_fields[] = {
	{ "status.replicas", "status.replicas", "0" },
};

#define GEN CF_RES_GENERATION
#define DEL_OBJ CF_RES_DELETE_RETURNS_OBJ
#define REVIEW(g, k, p, s, ns) \
	{ g, "v1", k, k "List", p, s, ns, CF_VERB_CREATE, NULL, NULL, \
	    CF_RES_NOT_STORED, CF_PROPAGATE_BACKGROUND, CF_NAME_NONE }

static const cf_resource_def builtins[] = {
	/* ---- core/v1 ---- */
	{ "", "v1", "ConfigMap", "ConfigMapList", "configmaps", "configmap",
	    true, CF_VERBS_ALL, SN("cm"), NULL, 0 },
	{ "", "v1", "Endpoints", "EndpointsList", "endpoints", "endpoints",
	    true, CF_VERBS_ALL, SN("ep"), NULL, 0 },
	{ "", "v1", "Event", "EventList", "events", "event", true,
	    CF_VERBS_ALL, SN("ev"), NULL, 0, FIELDS(event_fields) },
	{ "", "v1", "LimitRange", "LimitRangeList", "limitranges",
	    "limitrange", true, CF_VERBS_ALL, SN("limits"), NULL, 0 },
	{ "", "v1", "Namespace", "NamespaceList", "namespaces", "namespace",
	    false, CF_VERBS_NO_DC, SN("ns"), NULL, CF_RES_NO_NS_FIELD,
	    .name_rule = CF_NAME_DNS1123_LABEL, FIELDS(namespace_fields),
	    WITH_SUBS({ "finalize", NULL, NULL, NULL, CF_VERB_UPDATE },
	    STATUS_SUB) },
	{ "", "v1", "PersistentVolumeClaim", "PersistentVolumeClaimList",
	    "persistentvolumeclaims", "persistentvolumeclaim", true,
	    CF_VERBS_ALL, SN("pvc"), NULL, 0, WITH_SUBS(STATUS_SUB) },
	{ "", "v1", "Pod", "PodList", "pods", "pod", true, CF_VERBS_ALL,
	    SN("po"), ALL, DEL_OBJ, FIELDS(pod_fields),
	    WITH_SUBS({ "log", NULL, NULL, NULL, CF_VERB_GET }, STATUS_SUB) },
	{ "", "v1", "ResourceQuota", "ResourceQuotaList", "resourcequotas",
	    "resourcequota", true, CF_VERBS_ALL, SN("quota"), NULL, 0,
	    WITH_SUBS(STATUS_SUB) },
	{ "", "v1", "Secret", "SecretList", "secrets", "secret", true,
	    CF_VERBS_ALL, NULL, NULL, 0, FIELDS(secret_fields) },
	{ "", "v1", "ServiceAccount", "ServiceAccountList", "serviceaccounts",
	    "serviceaccount", true, CF_VERBS_ALL, SN("sa"), NULL, DEL_OBJ,
	    WITH_SUBS({ "token", "authentication.k8s.io", "v1",
	    "TokenRequest", CF_VERB_CREATE }) },
	{ "", "v1", "Service", "ServiceList", "services", "service", true,
	    CF_VERBS_ALL, SN("svc"), ALL, 0,
	    .name_rule = CF_NAME_DNS1035_LABEL, FIELDS(service_fields),
	    WITH_SUBS(STATUS_SUB) },

	/* ---- apps/v1 ---- */
	{ "apps", "v1", "DaemonSet", "DaemonSetList", "daemonsets",
	    "daemonset", true, CF_VERBS_ALL, SN("ds"), ALL, GEN,
	    WITH_SUBS(STATUS_SUB) },
	{ "apps", "v1", "Deployment", "DeploymentList", "deployments",
	    "deployment", true, CF_VERBS_ALL, SN("deploy"), ALL, GEN,
	    WITH_SUBS(SCALE_SUB, STATUS_SUB) },
	{ "apps", "v1", "ReplicaSet", "ReplicaSetList", "replicasets",
	    "replicaset", true, CF_VERBS_ALL, SN("rs"), ALL, GEN,
	    FIELDS(replicaset_fields), WITH_SUBS(SCALE_SUB, STATUS_SUB) },
	{ "apps", "v1", "StatefulSet", "StatefulSetList", "statefulsets",
	    "statefulset", true, CF_VERBS_ALL, SN("sts"), ALL, GEN,
	    WITH_SUBS(SCALE_SUB, STATUS_SUB) },

	/* ---- events.k8s.io/v1 ---- */
	{ "events.k8s.io", "v1", "Event", "EventList", "events", "event",
	    true, CF_VERBS_ALL, SN("ev"), NULL, 0, FIELDS(events_v1_fields) },

	/* ---- authentication.k8s.io/v1 ---- */
	REVIEW("authentication.k8s.io", "SelfSubjectReview",
	    "selfsubjectreviews", "selfsubjectreview", false),
	REVIEW("authentication.k8s.io", "TokenReview", "tokenreviews",
	    "tokenreview", false),

	/* ---- authorization.k8s.io/v1 ---- */
	REVIEW("authorization.k8s.io", "LocalSubjectAccessReview",
	    "localsubjectaccessreviews", "localsubjectaccessreview", true),
	REVIEW("authorization.k8s.io", "SelfSubjectAccessReview",
	    "selfsubjectaccessreviews", "selfsubjectaccessreview", false),
	REVIEW("authorization.k8s.io", "SelfSubjectRulesReview",
	    "selfsubjectrulesreviews", "selfsubjectrulesreview", false),
	REVIEW("authorization.k8s.io", "SubjectAccessReview",
	    "subjectaccessreviews", "subjectaccessreview", false),

	/* ---- autoscaling/v2 ---- */
	{ "autoscaling", "v2", "HorizontalPodAutoscaler",
	    "HorizontalPodAutoscalerList", "horizontalpodautoscalers",
	    "horizontalpodautoscaler", true, CF_VERBS_ALL, SN("hpa"), ALL, 0,
	    WITH_SUBS(STATUS_SUB) },

	/* ---- batch/v1: Job keeps its pods unless told otherwise ---- */
	{ "batch", "v1", "CronJob", "CronJobList", "cronjobs", "cronjob",
	    true, CF_VERBS_ALL, SN("cj"), ALL, GEN, WITH_SUBS(STATUS_SUB) },
	{ "batch", "v1", "Job", "JobList", "jobs", "job", true, CF_VERBS_ALL,
	    NULL, ALL, GEN, CF_PROPAGATE_ORPHAN, FIELDS(job_fields),
	    WITH_SUBS(STATUS_SUB) },

	/* ---- networking.k8s.io/v1 ---- */
	{ "networking.k8s.io", "v1", "Ingress", "IngressList", "ingresses",
	    "ingress", true, CF_VERBS_ALL, SN("ing"), NULL, GEN,
	    WITH_SUBS(STATUS_SUB) },
	{ "networking.k8s.io", "v1", "NetworkPolicy", "NetworkPolicyList",
	    "networkpolicies", "networkpolicy", true, CF_VERBS_ALL,
	    SN("netpol"), NULL, GEN },

	/* ---- policy/v1 ---- */
	{ "policy", "v1", "PodDisruptionBudget", "PodDisruptionBudgetList",
	    "poddisruptionbudgets", "poddisruptionbudget", true, CF_VERBS_ALL,
	    SN("pdb"), NULL, GEN, WITH_SUBS(STATUS_SUB) },

	/* ---- rbac.authorization.k8s.io/v1 ---- */
	{ "rbac.authorization.k8s.io", "v1", "ClusterRoleBinding",
	    "ClusterRoleBindingList", "clusterrolebindings",
	    "clusterrolebinding", false, CF_VERBS_ALL, NULL, NULL, 0,
	    .name_rule = CF_NAME_PATH_SEGMENT },
	{ "rbac.authorization.k8s.io", "v1", "ClusterRole", "ClusterRoleList",
	    "clusterroles", "clusterrole", false, CF_VERBS_ALL, NULL, NULL, 0,
	    .name_rule = CF_NAME_PATH_SEGMENT },
	{ "rbac.authorization.k8s.io", "v1", "RoleBinding", "RoleBindingList",
	    "rolebindings", "rolebinding", true, CF_VERBS_ALL, NULL, NULL, 0,
	    .name_rule = CF_NAME_PATH_SEGMENT },
	{ "rbac.authorization.k8s.io", "v1", "Role", "RoleList", "roles",
	    "role", true, CF_VERBS_ALL, NULL, NULL, 0,
	    .name_rule = CF_NAME_PATH_SEGMENT },

	/* ---- storage.k8s.io/v1 ---- */
	{ "storage.k8s.io", "v1", "StorageClass", "StorageClassList",
	    "storageclasses", "storageclass", false, CF_VERBS_ALL, SN("sc"),
	    NULL, DEL_OBJ },

	/* ---- apiextensions.k8s.io/v1 ---- */
	{ "apiextensions.k8s.io", "v1", "CustomResourceDefinition",
	    "CustomResourceDefinitionList", "customresourcedefinitions",
	    "customresourcedefinition", false, CF_VERBS_ALL,
	    SN("crd", "crds"), NULL, GEN, WITH_SUBS(STATUS_SUB) },

	/* ---- scheduling.k8s.io/v1 ---- */
	{ "scheduling.k8s.io", "v1", "PriorityClass", "PriorityClassList",
	    "priorityclasses", "priorityclass", false, CF_VERBS_ALL,
	    SN("pc"), NULL, 0 },

	/* ---- coordination.k8s.io/v1 ---- */
	{ "coordination.k8s.io", "v1", "Lease", "LeaseList", "leases",
	    "lease", true, CF_VERBS_ALL, NULL, NULL, 0 },
};

const cf_resource_def *cf_scheme_builtins(size_t *n)
{
	*n = CF_ARRAY_SIZE(builtins);
	return builtins;
}

/* apiVersion as objects carry it: core resources have no group part. */
const char *cf_resource_api_version(cf_arena *a, const cf_resource_def *r)
{
	if (!r->group || !*r->group)
		return cf_arena_strdup(a, r->version);
	return cf_arena_printf(a, "%s/%s", r->group, r->version);
}

const cf_subresource_def *cf_resource_subresource(const cf_resource_def *r,
    const char *name)
{
	for (size_t i = 0; r && name && i < r->nsubresources; i++)
		if (!strcmp(r->subresources[i].name, name))
			return &r->subresources[i];
	return NULL;
}

const cf_field_label *cf_resource_field(const cf_resource_def *r,
    const char *label)
{
	for (size_t i = 0; r && label && i < r->nfields; i++)
		if (!strcmp(r->fields[i].label, label))
			return &r->fields[i];
	return NULL;
}

/* ---- the registry ---- */

/*
 * CRD entries are heap copies. A removed or replaced entry is moved to
 * the retired list instead of being freed: lookups hand out borrowed
 * pointers without reference counts, and CRD churn is rare enough that
 * keeping the old copies until cf_scheme_free costs next to nothing.
 */
struct cf_scheme {
	pthread_rwlock_t lock;
	cf_resource_def **dyn;
	size_t ndyn, dyn_alloc;
	cf_resource_def **retired;
	size_t nretired, retired_alloc;
	uint64_t generation;
};

cf_scheme *cf_scheme_new(void)
{
	cf_scheme *s = cf_xcalloc(1, sizeof(*s));

	if (pthread_rwlock_init(&s->lock, NULL))
		CF_BUG("pthread_rwlock_init failed");
	s->generation = 1;
	return s;
}

/* CRD entries own every string; these helpers mirror def_dup below. */
static void free_strv(const char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		free((char *)v[i]);
	free((void *)v);
}

static void def_free(cf_resource_def *d)
{
	free((char *)d->group);
	free((char *)d->version);
	free((char *)d->kind);
	free((char *)d->list_kind);
	free((char *)d->plural);
	free((char *)d->singular);
	free_strv(d->short_names);
	free_strv(d->categories);
	for (size_t i = 0; i < d->nfields; i++) {
		free((char *)d->fields[i].label);
		free((char *)d->fields[i].path);
		free((char *)d->fields[i].dflt);
	}
	free((void *)d->fields);
	for (size_t i = 0; i < d->nsubresources; i++) {
		free((char *)d->subresources[i].name);
		free((char *)d->subresources[i].group);
		free((char *)d->subresources[i].version);
		free((char *)d->subresources[i].kind);
	}
	free((void *)d->subresources);
	free(d);
}

void cf_scheme_free(cf_scheme *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndyn; i++)
		def_free(s->dyn[i]);
	for (size_t i = 0; i < s->nretired; i++)
		def_free(s->retired[i]);
	free(s->dyn);
	free(s->retired);
	pthread_rwlock_destroy(&s->lock);
	free(s);
}

static char *dup_opt(const char *s)
{
	return s ? cf_xstrdup(s) : NULL;
}

static const char *const *dup_strv(const char *const *v)
{
	size_t n = 0;
	char **out;

	if (!v)
		return NULL;
	while (v[n])
		n++;
	out = cf_xcalloc(n + 1, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = cf_xstrdup(v[i]);
	return (const char *const *)out;
}

/*
 * Deep copy a caller's descriptor. Missing optional pieces get the values
 * the CRD machinery would compute anyway (listKind = kind + "List", a
 * field label's path = the label), so lookups never meet NULLs.
 */
static cf_resource_def *def_dup(const cf_resource_def *src)
{
	cf_resource_def *d = cf_xcalloc(1, sizeof(*d));
	cf_field_label *f = NULL;
	cf_subresource_def *sub = NULL;

	*d = *src;
	d->group = cf_xstrdup(src->group);
	d->version = cf_xstrdup(src->version);
	d->kind = cf_xstrdup(src->kind);
	d->list_kind = src->list_kind ? cf_xstrdup(src->list_kind) :
	    NULL;
	if (!d->list_kind) {
		size_t n = strlen(src->kind);
		char *lk = cf_xmalloc(n + 5);

		memcpy(lk, src->kind, n);
		memcpy(lk + n, "List", 5);
		d->list_kind = lk;
	}
	d->plural = cf_xstrdup(src->plural);
	d->singular = cf_xstrdup(src->singular ? src->singular : "");
	d->short_names = dup_strv(src->short_names);
	d->categories = dup_strv(src->categories);
	if (src->nfields)
		f = cf_xcalloc(src->nfields, sizeof(*f));
	for (size_t i = 0; i < src->nfields; i++) {
		f[i].label = cf_xstrdup(src->fields[i].label);
		f[i].path = cf_xstrdup(src->fields[i].path ?
		    src->fields[i].path : src->fields[i].label);
		f[i].dflt = cf_xstrdup(src->fields[i].dflt ?
		    src->fields[i].dflt : "");
	}
	d->fields = f;
	if (src->nsubresources)
		sub = cf_xcalloc(src->nsubresources, sizeof(*sub));
	for (size_t i = 0; i < src->nsubresources; i++) {
		sub[i] = src->subresources[i];
		sub[i].name = cf_xstrdup(src->subresources[i].name);
		sub[i].group = dup_opt(src->subresources[i].group);
		sub[i].version = dup_opt(src->subresources[i].version);
		sub[i].kind = dup_opt(src->subresources[i].kind);
	}
	d->subresources = sub;
	d->flags |= CF_RES_CUSTOM;
	return d;
}

/* NULL and "" are the same group: callers pass either for core. */
static bool str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* Walk built-ins then CRD entries; the caller holds the lock. */
#define FOR_EACH_DEF(s, d, body)                                        \
	do {                                                            \
		for (size_t i_ = 0; i_ < CF_ARRAY_SIZE(builtins); i_++) { \
			const cf_resource_def *d = &builtins[i_];       \
			body                                            \
		}                                                       \
		for (size_t i_ = 0; i_ < (s)->ndyn; i_++) {             \
			const cf_resource_def *d = (s)->dyn[i_];        \
			body                                            \
		}                                                       \
	} while (0)

const cf_resource_def *cf_scheme_by_resource(cf_scheme *s, const char *group,
    const char *version, const char *plural)
{
	const cf_resource_def *found = NULL;

	pthread_rwlock_rdlock(&s->lock);
	FOR_EACH_DEF(s, d, {
		if (!found && str_eq(d->group, group) &&
		    str_eq(d->version, version) && str_eq(d->plural, plural))
			found = d;
	});
	pthread_rwlock_unlock(&s->lock);
	return found;
}

const cf_resource_def *cf_scheme_by_gvk(cf_scheme *s, const char *group,
    const char *version, const char *kind)
{
	const cf_resource_def *found = NULL;

	pthread_rwlock_rdlock(&s->lock);
	FOR_EACH_DEF(s, d, {
		if (!found && str_eq(d->group, group) &&
		    str_eq(d->version, version) && str_eq(d->kind, kind))
			found = d;
	});
	pthread_rwlock_unlock(&s->lock);
	return found;
}

const cf_resource_def *cf_scheme_by_kind(cf_scheme *s, const char *group,
    const char *kind)
{
	const cf_resource_def *found = NULL;

	pthread_rwlock_rdlock(&s->lock);
	FOR_EACH_DEF(s, d, {
		if (!found && str_eq(d->group, group) && str_eq(d->kind, kind))
			found = d;
	});
	pthread_rwlock_unlock(&s->lock);
	return found;
}

/* kubectl matches resource arguments case-insensitively against the
 * plural, singular, short names and Kind; so do we. */
static bool names_match(const cf_resource_def *d, const char *name, size_t n)
{
	if ((strlen(d->plural) == n && !strncasecmp(d->plural, name, n)) ||
	    (strlen(d->singular) == n && !strncasecmp(d->singular, name, n)) ||
	    (strlen(d->kind) == n && !strncasecmp(d->kind, name, n)))
		return true;
	for (size_t i = 0; d->short_names && d->short_names[i]; i++)
		if (strlen(d->short_names[i]) == n &&
		    !strncasecmp(d->short_names[i], name, n))
			return true;
	return false;
}

/* The first entry called name (n bytes) in group (NULL = any) and
 * version (NULL = any); the caller holds the lock. */
static const cf_resource_def *find_named(cf_scheme *s, const char *name,
    size_t n, const char *group, const char *version)
{
	const cf_resource_def *found = NULL;

	FOR_EACH_DEF(s, d, {
		if (!found && (!group || str_eq(d->group, group)) &&
		    (!version || str_eq(d->version, version)) &&
		    names_match(d, name, n))
			found = d;
	});
	return found;
}

/*
 * Resolution order mirrors kubectl's RESTMapper closely enough for the
 * CLI: the bare name first (built-ins, core first, win ties such as "ev"),
 * then "name.group", then "name.version.group".
 */
const cf_resource_def *cf_scheme_resolve(cf_scheme *s, const char *name)
{
	const cf_resource_def *found;
	const char *dot, *dot2;

	if (!name || !*name)
		return NULL;
	pthread_rwlock_rdlock(&s->lock);
	found = find_named(s, name, strlen(name), NULL, NULL);
	dot = strchr(name, '.');
	/* "deployments.apps", then "deployments.v1.apps". */
	if (!found && dot)
		found = find_named(s, name, (size_t)(dot - name), dot + 1, NULL);
	if (!found && dot && (dot2 = strchr(dot + 1, '.')) != NULL) {
		char *version = cf_xstrndup(dot + 1, (size_t)(dot2 - dot - 1));

		found = find_named(s, name, (size_t)(dot - name), dot2 + 1,
		    version);
		free(version);
	}
	pthread_rwlock_unlock(&s->lock);
	return found;
}

int cf_scheme_each(cf_scheme *s,
    int (*fn)(const cf_resource_def *r, void *payload), void *payload)
{
	int ret = 0;

	pthread_rwlock_rdlock(&s->lock);
	FOR_EACH_DEF(s, d, {
		if (!ret)
			ret = fn(d, payload);
	});
	pthread_rwlock_unlock(&s->lock);
	return ret;
}

uint64_t cf_scheme_generation(cf_scheme *s)
{
	uint64_t g;

	pthread_rwlock_rdlock(&s->lock);
	g = s->generation;
	pthread_rwlock_unlock(&s->lock);
	return g;
}

static void retire(cf_scheme *s, cf_resource_def *d)
{
	CF_GROW(s->retired, s->retired_alloc, s->nretired + 1);
	s->retired[s->nretired++] = d;
}

/*
 * The copy is made before taking the write lock so the lock is held only
 * for the pointer swap; readers never wait on allocation.
 */
int cf_scheme_add(cf_scheme *s, const cf_resource_def *def)
{
	cf_resource_def *copy;
	int err = 0;

	if (!def->group || !def->version || !*def->version || !def->kind ||
	    !*def->kind || !def->plural || !*def->plural)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "resource '%s': group, version, kind and plural are required",
		    def->plural ? def->plural : "");
	for (size_t i = 0; i < CF_ARRAY_SIZE(builtins); i++)
		if (str_eq(builtins[i].group, def->group) &&
		    str_eq(builtins[i].version, def->version) &&
		    str_eq(builtins[i].plural, def->plural))
			return cf_error_setc(CF_EEXISTS, CF_ERR_KUBE,
			    "resource '%s.%s/%s' is built in", def->plural,
			    def->group, def->version);
	copy = def_dup(def);
	pthread_rwlock_wrlock(&s->lock);
	for (size_t i = 0; i < s->ndyn; i++) {
		cf_resource_def *d = s->dyn[i];

		if (str_eq(d->group, def->group) &&
		    str_eq(d->version, def->version) &&
		    str_eq(d->plural, def->plural)) {
			/* A CRD update: same place in discovery order. */
			retire(s, d);
			s->dyn[i] = copy;
			copy = NULL;
			break;
		}
	}
	if (copy) {
		CF_GROW(s->dyn, s->dyn_alloc, s->ndyn + 1);
		s->dyn[s->ndyn++] = copy;
	}
	s->generation++;
	pthread_rwlock_unlock(&s->lock);
	return err;
}

int cf_scheme_remove(cf_scheme *s, const char *group, const char *version,
    const char *plural)
{
	int err = CF_ENOTFOUND;

	for (size_t i = 0; i < CF_ARRAY_SIZE(builtins); i++)
		if (str_eq(builtins[i].group, group) &&
		    str_eq(builtins[i].version, version) &&
		    str_eq(builtins[i].plural, plural))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "resource '%s' is built in and cannot be removed",
			    plural);
	pthread_rwlock_wrlock(&s->lock);
	for (size_t i = 0; i < s->ndyn; i++) {
		cf_resource_def *d = s->dyn[i];

		if (str_eq(d->group, group) && str_eq(d->version, version) &&
		    str_eq(d->plural, plural)) {
			retire(s, d);
			memmove(&s->dyn[i], &s->dyn[i + 1],
			    (s->ndyn - i - 1) * sizeof(*s->dyn));
			s->ndyn--;
			s->generation++;
			err = 0;
			break;
		}
	}
	pthread_rwlock_unlock(&s->lock);
	if (err)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
		    "resource '%s.%s/%s' is not registered", plural ? plural : "",
		    group ? group : "", version ? version : "");
	return 0;
}
