/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Admission: what the server decides about an object between decoding and
 * storing it — names, per-kind defaults kube-apiserver applies, immutable
 * fields, custom resources' structural schema (prune, default, validate),
 * CustomResourceDefinition validation, and managedFields bookkeeping.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/crd.h"
#include "kube/rbac.h"
#include "kube/scheme.h"
#include "kube/ssa.h"
#include "kube/validate.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static bool is(const api_req *r, const char *group, const char *plural)
{
	return !strcmp(r->res.group, group) && !strcmp(r->res.plural, plural);
}

int api_assign_name(api_req *r, cf_node *obj)
{
	cf_node *md = cf_node_set_map(r->a, obj, "metadata");
	const char *name = cf_node_as_str(cf_node_get(md, "name"));
	const char *gen = cf_node_as_str(cf_node_get(md, "generateName"));

	if ((!name || !*name) && gen && *gen) {
		name = cf_name_generate(r->a, gen);
		cf_node_set(r->a, md, "name", cf_node_str(r->a, name));
	}
	if (!name || !*name) {
		api_fail_invalid(r, "", "metadata.name", "FieldValueRequired",
		    "Required value: name or generateName is required");
		return CF_EINVALID;
	}
	return 0;
}

/* ObjectMeta rules every kind shares: name under the kind's rule, labels,
 * annotations, finalizers, ownerReferences (kube/validate.h). */
static int validate_meta(api_req *r, const cf_node *obj)
{
	cf_field_errs errs = CF_FIELD_ERRS_INIT;
	const cf_resource_def *d = r->res.entry;

	if (!cf_validate_object_meta(r->a, &errs, obj, d->name_rule,
	    r->res.namespaced))
		return 0;
	api_fail_errs(r, cf_node_getp_str(obj, "metadata", "name", NULL), &errs);
	return CF_EINVALID;
}

static void set_default(cf_arena *a, cf_node *map, const char *key, cf_node *v)
{
	if (map && !cf_node_get(map, key))
		cf_node_set(a, map, key, v);
}

static void admit_namespace(api_req *r, cf_node *obj, const cf_node *old)
{
	cf_arena *a = r->a;
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	cf_node *labels = cf_node_set_map(a, cf_node_get(obj, "metadata"), "labels");
	cf_node *spec = cf_node_set_map(a, obj, "spec");
	cf_node *status;

	cf_node_set(a, labels, "kubernetes.io/metadata.name", cf_node_str(a, name));
	if (!old && !cf_node_get(spec, "finalizers")) {
		cf_node *f = cf_node_seq(a);
		cf_node_push(a, f, cf_node_str(a, "kubernetes"));
		cf_node_set(a, spec, "finalizers", f);
	}
	if (old) {
		/* spec.finalizers changes only through /finalize */
		const cf_node *of = cf_node_getp(old, "spec", "finalizers", NULL);
		if (of)
			cf_node_set(a, spec, "finalizers", cf_node_dup(a, of));
		else
			cf_node_del(spec, "finalizers");
	}
	status = cf_node_set_map(a, obj, "status");
	if (!cf_meta_deleting(obj))
		cf_node_set(a, status, "phase", cf_node_str(a, "Active"));
}

/* Secret: default type, and stringData folded into data (base64). */
static int admit_secret(api_req *r, cf_node *obj)
{
	cf_arena *a = r->a;
	cf_node *sd = cf_node_get(obj, "stringData");

	if (!cf_node_get(obj, "type"))
		cf_node_set(a, obj, "type", cf_node_str(a, "Opaque"));
	if (cf_node_is(sd, CF_NODE_MAP)) {
		cf_node *data = cf_node_set_map(a, obj, "data");
		for (uint32_t i = 0; i < sd->len; i++) {
			const char *v = cf_node_as_str(sd->v.pairs[i].val);
			cf_buf b = CF_BUF_INIT;
			if (!v)
				continue;
			cf_base64_encode(&b, v, sd->v.pairs[i].val->len, false);
			cf_node_set(a, data, sd->v.pairs[i].key,
			    cf_node_strn(a, b.buf, b.len));
			cf_buf_release(&b);
		}
	}
	cf_node_del(obj, "stringData");
	return 0;
}

/* ConfigMaps and Secrets marked immutable keep their data (§ k8s 1.21+). */
static int check_immutable_data(api_req *r, const cf_node *obj,
    const cf_node *old)
{
	const cf_node *im = cf_node_get(old, "immutable");
	static const char *const keys[] = { "data", "binaryData" };

	if (!im || im->type != CF_NODE_BOOL || !im->v.b)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		const cf_node *a = cf_node_get(obj, keys[i]);
		const cf_node *b = cf_node_get(old, keys[i]);
		if ((a || b) && (!a || !b || !cf_node_equal(a, b))) {
			api_fail_invalid(r, cf_node_getp_str(obj, "metadata", "name", NULL),
			    keys[i], "FieldValueForbidden",
			    "Forbidden: field is immutable when `immutable` is set");
			return CF_EINVALID;
		}
	}
	return 0;
}

/* spec fields kube-apiserver refuses to change after creation. */
static int check_immutable(api_req *r, const cf_node *obj, const cf_node *old,
    const char *field)
{
	const cf_node *a = cf_node_getp(obj, "spec", field, NULL);
	const cf_node *b = cf_node_getp(old, "spec", field, NULL);

	if (!a && !b)
		return 0;
	if (a && b && cf_node_equal(a, b))
		return 0;
	api_fail_invalid(r, cf_node_getp_str(obj, "metadata", "name", NULL),
	    cf_arena_printf(r->a, "spec.%s", field), "FieldValueInvalid",
	    cf_arena_printf(r->a, "Invalid value: %s: field is immutable",
		api_short_json(r, a)));
	return CF_EINVALID;
}

/* What kube-apiserver's defaulting adds to every container. */
static void default_container(cf_arena *a, cf_node *c)
{
	const char *image = cf_node_as_str(cf_node_get(c, "image"));
	cf_node *ports = cf_node_get(c, "ports");

	if (!cf_node_is(c, CF_NODE_MAP))
		return;
	if (image && !cf_node_get(c, "imagePullPolicy")) {
		/* Always for :latest or no tag (and no digest), else IfNotPresent */
		const char *slash = strrchr(image, '/'), *last = slash ? slash + 1 : image;
		const char *colon = strchr(last, ':');
		bool latest = !strchr(image, '@') && (!colon || !strcmp(colon, ":latest"));
		cf_node_set(a, c, "imagePullPolicy",
		    cf_node_str(a, latest ? "Always" : "IfNotPresent"));
	}
	set_default(a, c, "terminationMessagePath",
	    cf_node_str(a, "/dev/termination-log"));
	set_default(a, c, "terminationMessagePolicy", cf_node_str(a, "File"));
	for (size_t i = 0; i < cf_node_count(ports); i++)
		if (cf_node_is(cf_node_at(ports, i), CF_NODE_MAP))
			set_default(a, cf_node_at(ports, i), "protocol",
			    cf_node_str(a, "TCP"));
}

/* PodSpec defaults (SetDefaults_PodSpec and its containers). Jobs set
 * their own restartPolicy, so it is only defaulted where kube does. */
static void default_pod_spec(cf_arena *a, cf_node *spec, bool restart)
{
	static const char *const lists[] = { "containers", "initContainers" };

	if (!cf_node_is(spec, CF_NODE_MAP))
		return;
	if (restart)
		set_default(a, spec, "restartPolicy", cf_node_str(a, "Always"));
	set_default(a, spec, "dnsPolicy", cf_node_str(a, "ClusterFirst"));
	set_default(a, spec, "schedulerName", cf_node_str(a, "default-scheduler"));
	set_default(a, spec, "terminationGracePeriodSeconds", cf_node_int(a, 30));
	set_default(a, spec, "securityContext", cf_node_map(a));
	for (size_t l = 0; l < 2; l++) {
		cf_node *cs = cf_node_get(spec, lists[l]);
		for (size_t i = 0; i < cf_node_count(cs); i++)
			default_container(a, cf_node_at(cs, i));
	}
}

/* The pod template of a workload, where its kind keeps one. */
static void default_template(api_req *r, cf_node *obj)
{
	cf_node *t;

	if (is(r, "", "pods")) {
		default_pod_spec(r->a, cf_node_get(obj, "spec"), true);
		return;
	}
	if (is(r, "batch", "cronjobs"))
		t = cf_node_getp(obj, "spec", "jobTemplate", "spec", "template", NULL);
	else
		t = cf_node_getp(obj, "spec", "template", NULL);
	if (!t)
		return;
	default_pod_spec(r->a, cf_node_get(t, "spec"),
	    !is(r, "batch", "jobs") && !is(r, "batch", "cronjobs"));
}

static void admit_deployment(api_req *r, cf_node *obj)
{
	cf_arena *a = r->a;
	cf_node *spec = cf_node_set_map(a, obj, "spec");
	cf_node *strategy;

	set_default(a, spec, "replicas", cf_node_int(a, 1));
	set_default(a, spec, "revisionHistoryLimit", cf_node_int(a, 10));
	set_default(a, spec, "progressDeadlineSeconds", cf_node_int(a, 600));
	strategy = cf_node_set_map(a, spec, "strategy");
	set_default(a, strategy, "type", cf_node_str(a, "RollingUpdate"));
	if (!strcmp(cf_node_as_str(cf_node_get(strategy, "type")) ?
		cf_node_as_str(cf_node_get(strategy, "type")) : "", "RollingUpdate")) {
		cf_node *ru = cf_node_set_map(a, strategy, "rollingUpdate");
		set_default(a, ru, "maxSurge", cf_node_str(a, "25%"));
		set_default(a, ru, "maxUnavailable", cf_node_str(a, "25%"));
	}
}

/* A stable ClusterIP from the uid, in 10.96.0.0/12, as a stand-in for the
 * allocator a real cluster has (nothing routes here). */
static void admit_service(api_req *r, cf_node *obj, const cf_node *old)
{
	cf_arena *a = r->a;
	cf_node *spec = cf_node_set_map(a, obj, "spec");
	const char *type = cf_node_as_str(cf_node_get(spec, "type"));
	cf_node *ports = cf_node_get(spec, "ports");

	if (!type)
		cf_node_set(a, spec, "type", cf_node_str(a, type = "ClusterIP"));
	set_default(a, spec, "sessionAffinity", cf_node_str(a, "None"));
	for (size_t i = 0; i < cf_node_count(ports); i++) {
		cf_node *p = cf_node_at(ports, i);
		set_default(a, p, "protocol", cf_node_str(a, "TCP"));
		if (cf_node_get(p, "port"))
			set_default(a, p, "targetPort",
			    cf_node_dup(a, cf_node_get(p, "port")));
	}
	if (strcmp(type, "ExternalName")) {
		const cf_node *oip = old ? cf_node_getp(old, "spec", "clusterIP", NULL) : NULL;
		if (oip) {
			cf_node_set(a, spec, "clusterIP", cf_node_dup(a, oip));
		} else if (!cf_node_get(spec, "clusterIP")) {
			const char *uid = cf_node_getp_str(obj, "metadata", "uid", NULL);
			unsigned h = 2166136261u;
			for (const char *p = uid ? uid : ""; *p; p++)
				h = (h ^ (unsigned char)*p) * 16777619u;
			cf_node_set(a, spec, "clusterIP", cf_node_str(a,
			    cf_arena_printf(a, "10.%u.%u.%u", 96 + (h >> 16) % 16,
				(h >> 8) & 255, 1 + h % 254)));
		}
		if (!cf_node_get(spec, "clusterIPs") &&
		    cf_node_as_str(cf_node_get(spec, "clusterIP"))) {
			cf_node *l = cf_node_seq(a);
			cf_node_push(a, l, cf_node_dup(a, cf_node_get(spec, "clusterIP")));
			cf_node_set(a, spec, "clusterIPs", l);
		}
	}
}

/* What the apiextensions defaulting fills in before validation. */
static void admit_crd(api_req *r, cf_node *obj, const cf_node *old)
{
	cf_arena *a = r->a;
	cf_node *spec = cf_node_set_map(a, obj, "spec");
	cf_node *names = cf_node_set_map(a, spec, "names");
	const char *kind = cf_node_as_str(cf_node_get(names, "kind"));
	cf_node *conv;

	if (kind && !cf_node_get(names, "listKind"))
		cf_node_set(a, names, "listKind", cf_node_str(a,
		    cf_arena_printf(a, "%sList", kind)));
	if (kind && !cf_node_get(names, "singular")) {
		char *s = cf_arena_strdup(a, kind);
		for (char *p = s; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		cf_node_set(a, names, "singular", cf_node_str(a, s));
	}
	conv = cf_node_set_map(a, spec, "conversion");
	set_default(a, conv, "strategy", cf_node_str(a, "None"));
	/* Removing the CRD must first remove its custom resources. */
	if (!old)
		cf_meta_add_finalizer(a, obj,
		    "customresourcecleanup.apiextensions.k8s.io");
}

/* Custom resources: prune, default and validate against the CRD. */
static int admit_custom(api_req *r, cf_node *obj)
{
	const cf_crd_schema *s = api_crd_schema(r);
	cf_crd_strs unknown = CF_CRD_STRS_INIT(r->a);
	cf_crd_causes causes = CF_CRD_CAUSES_INIT(r->a);

	if (!s)
		return 0;
	cf_crd_schema_prune(s, r->a, obj, &unknown);
	if (unknown.len && r->opts.field_validation == CF_FV_STRICT) {
		cf_buf m = CF_BUF_INIT;
		cf_buf_adds(&m, "strict decoding error: ");
		for (size_t i = 0; i < unknown.len; i++)
			cf_buf_addf(&m, "%sunknown field \"%s\"", i ? ", " : "",
			    unknown.v[i]);
		api_fail(r, 400, "BadRequest", "%s", m.buf);
		cf_buf_release(&m);
		return CF_EINVALID;
	}
	if (r->opts.field_validation == CF_FV_WARN)
		for (size_t i = 0; i < unknown.len; i++)
			api_warn(r, cf_arena_printf(r->a, "unknown field \"%s\"",
			    unknown.v[i]));
	cf_crd_schema_default(s, r->a, obj);
	if (cf_crd_schema_validate(s, obj, &causes) < 0 || causes.len) {
		api_fail_causes(r, cf_node_getp_str(obj, "metadata", "name", NULL),
		    &causes);
		return CF_EINVALID;
	}
	return 0;
}

/* Nobody may grant through a Role or binding more than they hold, unless
 * they have the escalate / bind verbs (kube/rbac.h). The server itself
 * (bootstrap policy, aggregation) is exempt. */
static int check_escalation(api_req *r, const cf_node *obj, const cf_node *old)
{
	int kind;

	if (r->sys || strcmp(r->res.group, "rbac.authorization.k8s.io"))
		return 0;
	kind = cf_rbac_kind_from_name(r->res.kind);
	if (kind < 0 || cf_rbac_check_escalation(r->srv->rbac, &r->user_info,
	    (enum cf_rbac_kind)kind, obj, old == NULL) == 0)
		return 0;
	api_fail(r, 403, "Forbidden", "%s", cf_error_msg());
	return CF_EFORBIDDEN;
}

int api_admit(api_req *r, cf_node *obj, const cf_node *old)
{
	if (validate_meta(r, obj) < 0)
		return CF_EINVALID;
	if (check_escalation(r, obj, old) < 0)
		return CF_EFORBIDDEN;
	if (r->res.is_crd)
		return admit_custom(r, obj);
	if (is(r, "", "namespaces"))
		admit_namespace(r, obj, old);
	else if (is(r, "", "secrets") && admit_secret(r, obj) < 0)
		return CF_EINVALID;
	else if (is(r, "", "services"))
		admit_service(r, obj, old);
	else if (is(r, "apps", "deployments"))
		admit_deployment(r, obj);
	if (is(r, "", "pods") || is(r, "apps", "deployments") ||
	    is(r, "apps", "statefulsets") || is(r, "apps", "daemonsets") ||
	    is(r, "apps", "replicasets") || is(r, "batch", "jobs") ||
	    is(r, "batch", "cronjobs"))
		default_template(r, obj);
	else if (is(r, "apiextensions.k8s.io", "customresourcedefinitions")) {
		cf_crd_causes causes = CF_CRD_CAUSES_INIT(r->a);
		admit_crd(r, obj, old);
		if (cf_crd_validate(&causes, obj, old) < 0 || causes.len) {
			api_fail_causes(r, cf_node_getp_str(obj, "metadata", "name", NULL),
			    &causes);
			return CF_EINVALID;
		}
	}
	if (!old)
		return 0;
	if ((is(r, "", "configmaps") || is(r, "", "secrets")) &&
	    check_immutable_data(r, obj, old) < 0)
		return CF_EINVALID;
	if (is(r, "apps", "deployments") || is(r, "apps", "statefulsets") ||
	    is(r, "apps", "daemonsets") || is(r, "apps", "replicasets"))
		return check_immutable(r, obj, old, "selector");
	if (is(r, "batch", "jobs")) {
		if (check_immutable(r, obj, old, "selector") < 0)
			return CF_EINVALID;
		return check_immutable(r, obj, old, "template");
	}
	return 0;
}

/* managedFields for every non-apply write (§3.2, §3.4). */
int api_track_update(api_req *r, cf_node *obj, const cf_node *old)
{
	char now[32];
	bool status_write = r->path.subresource &&
	    !strcmp(r->path.subresource, "status");

	cf_meta_now(now);
	if (cf_ssa_update(obj, r->a, api_schema(r), old, &(cf_ssa_opts){
		.manager = api_manager(r), .api_version = api_gv(r),
		.subresource = status_write ? "status" : NULL, .now = now,
		.status_subresource = r->res.status_subresource }) < 0) {
		api_fail(r, 500, "InternalError", "%s", cf_error_msg());
		return CF_ERROR;
	}
	return 0;
}
