/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Merge schemas. Built-in trees are written as short rule tables (a path
 * and a descriptor per rule, see apply_rule) rather than as nested C
 * initialisers: the tables read like the Go struct tags they mirror, and
 * one pod-template table serves every workload kind under its own prefix.
 * They are built once per process into a private arena.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "kube/schema.h"

/* Unknown parts of custom resources: maps granular with map entries. */
static cf_schema schema_deduced = { .kind = CF_SCHEMA_UNTYPED };
/* Unknown parts of built-in kinds: Go structs we did not spell out, so
 * their keys are struct fields and exist in a zero value. */
static cf_schema schema_struct_deduced = {
	.kind = CF_SCHEMA_UNTYPED,
	.flags = CF_SCHEMA_F_STRUCT | CF_SCHEMA_F_ALWAYS,
};

const cf_schema *cf_schema_deduced(void)
{
	return &schema_deduced;
}

/* ---- queries ------------------------------------------------------- */

/* Declared field lookup. Linear: structs have a handful of declared
 * fields here, since only the ones with special behaviour are written. */
static cf_schema *find_field(const cf_schema *s, const char *name)
{
	for (uint32_t i = 0; i < s->nfields; i++)
		if (!strcmp(s->fields[i].name, name))
			return s->fields[i].type;
	return NULL;
}

/*
 * The three answers a map can give for a key, in order: a declared field;
 * for a built-in struct, an undeclared Go field (still a field, typed as
 * "struct-deduced"); otherwise a map entry typed by elem or deduced.
 */
const cf_schema *cf_schema_child(const cf_schema *s, const char *key,
    bool *declared)
{
	cf_schema *f;
	bool dummy;

	if (!declared)
		declared = &dummy;
	if (!s || s->kind == CF_SCHEMA_UNTYPED) {
		/* Deduced types recurse into themselves. */
		*declared = s && (s->flags & CF_SCHEMA_F_STRUCT);
		return s ? s : &schema_deduced;
	}
	if (s->kind != CF_SCHEMA_MAP) {
		*declared = false;
		return &schema_deduced;
	}
	if ((f = find_field(s, key))) {
		*declared = true;
		return f;
	}
	if (s->flags & CF_SCHEMA_F_STRUCT) {
		*declared = true;
		return s->elem ? s->elem : &schema_struct_deduced;
	}
	*declared = false;
	return s->elem ? s->elem : &schema_deduced;
}

const cf_schema *cf_schema_item(const cf_schema *s)
{
	if (!s || s->kind == CF_SCHEMA_UNTYPED)
		return s ? s : &schema_deduced;
	return s->elem ? s->elem : &schema_deduced;
}

enum cf_schema_kind cf_schema_kind_of(const cf_schema *s, const cf_node *v)
{
	if (s && s->kind != CF_SCHEMA_UNTYPED)
		return s->kind;
	if (cf_node_is(v, CF_NODE_MAP))
		return CF_SCHEMA_MAP;
	if (cf_node_is(v, CF_NODE_SEQ))
		return CF_SCHEMA_LIST;
	return CF_SCHEMA_SCALAR;
}

enum cf_schema_rel cf_schema_rel_of(const cf_schema *s, const cf_node *v)
{
	if (s && s->kind != CF_SCHEMA_UNTYPED)
		return s->rel;
	/* Deduced lists are atomic, deduced maps granular. */
	return cf_node_is(v, CF_NODE_SEQ) ? CF_SCHEMA_ATOMIC : CF_SCHEMA_GRANULAR;
}

/* ---- construction helpers ------------------------------------------ */

/* Construction happens once per schema into its arena; nothing is freed
 * piecemeal, so growing arrays simply abandon their old blocks. */
static cf_schema *schema_new(cf_arena *a, enum cf_schema_kind kind)
{
	cf_schema *s = CF_ARENA_NEW(a, cf_schema);

	s->kind = (uint8_t)kind;
	return s;
}

/* Declare (or re-type) field name of struct s. */
static void add_field(cf_arena *a, cf_schema *s, const char *name,
    cf_schema *type)
{
	for (uint32_t i = 0; i < s->nfields; i++) {
		if (!strcmp(s->fields[i].name, name)) {
			s->fields[i].type = type;
			return;
		}
	}
	if (s->nfields == s->afields) {
		uint32_t n = s->afields ? s->afields * 2 : 8;
		cf_schema_field *f = cf_arena_alloc(a, n * sizeof(*f));

		if (s->nfields)
			memcpy(f, s->fields, s->nfields * sizeof(*f));
		s->fields = f;
		s->afields = n;
	}
	s->fields[s->nfields].name = cf_arena_strdup(a, name);
	s->fields[s->nfields].type = type;
	s->nfields++;
}

/* A fresh built-in struct: declared-or-not, its keys are Go fields. */
static cf_schema *struct_new(cf_arena *a)
{
	cf_schema *s = schema_new(a, CF_SCHEMA_MAP);

	s->flags = CF_SCHEMA_F_STRUCT | CF_SCHEMA_F_ALWAYS;
	return s;
}

/*
 * Walk (creating) a dotted path below root. "x[]" steps into the items of
 * list x. Fresh intermediate nodes are built-in structs; a node stepped
 * through with [] becomes a list if it was not one already.
 */
static cf_schema *walk_create(cf_arena *a, cf_schema *root, const char *path)
{
	cf_schema *cur = root;
	const char *p = path;

	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		bool items = n >= 2 && !memcmp(p + n - 2, "[]", 2);
		char *name = cf_arena_strndup(a, p, items ? n - 2 : n);
		cf_schema *next = find_field(cur, name);

		/* Paths through fields no rule typed yet make built-in
		 * structs: every parent of a special field is a Go struct. */
		if (!next) {
			next = struct_new(a);
			add_field(a, cur, name, next);
		}
		if (items) {
			/* Stepping into items implies a list; its own rule (if
			 * any) ran earlier and already set the relationship. */
			if (next->kind != CF_SCHEMA_LIST) {
				next->kind = CF_SCHEMA_LIST;
				next->flags = 0;
				next->rel = CF_SCHEMA_ATOMIC;
			}
			if (!next->elem)
				next->elem = struct_new(a);
			next = next->elem;
		}
		cur = next;
		p += n;
		if (*p == '.')
			p++;
	}
	return cur;
}

/* "containerPort,protocol:TCP": key names, with optional string defaults. */
static void set_keys(cf_arena *a, cf_schema *s, const char *spec, size_t len)
{
	char *copy = cf_arena_strndup(a, spec, len);
	uint32_t n = 1;

	for (const char *c = copy; *c; c++)
		n += *c == ',';
	s->keys = cf_arena_zalloc(a, n * sizeof(*s->keys));
	s->key_defaults = cf_arena_zalloc(a, n * sizeof(*s->key_defaults));
	s->nkeys = 0;
	for (char *tok = copy; tok;) {
		char *comma = strchr(tok, ',');
		char *colon;

		if (comma)
			*comma = '\0';
		/* Only string defaults occur in k8s.io/api keys (protocol). */
		if ((colon = strchr(tok, ':'))) {
			*colon = '\0';
			s->key_defaults[s->nkeys] = cf_node_str(a, colon + 1);
		}
		s->keys[s->nkeys++] = tok;
		tok = comma ? comma + 1 : NULL;
	}
}

/*
 * Descriptor tokens, ';'-separated:
 *   struct | ptrstruct | atomicstruct | map | atomicmap   (maps)
 *   list (atomic) | set | assoc=k1,k2:default             (lists)
 *   merge | merge=key | retainKeys | replace              (SMP strategy)
 *   always    present in a Go zero value (no omitempty), see F_ALWAYS
 */
static void apply_desc(cf_arena *a, cf_schema *s, const char *desc)
{
	const char *p = desc;

	while (*p) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t wl = eq ? (size_t)(eq - p) : n;
		const char *arg = eq ? eq + 1 : NULL;
		size_t al = eq ? n - wl - 1 : 0;

#define IS(w) (wl == strlen(w) && !memcmp(p, (w), wl))
		if (IS("struct") || IS("ptrstruct") || IS("atomicstruct")) {
			s->kind = CF_SCHEMA_MAP;
			s->flags = CF_SCHEMA_F_STRUCT |
			    (IS("struct") ? CF_SCHEMA_F_ALWAYS : 0);
			s->rel = IS("atomicstruct") ? CF_SCHEMA_ATOMIC
						    : CF_SCHEMA_GRANULAR;
		} else if (IS("map") || IS("atomicmap")) {
			s->kind = CF_SCHEMA_MAP;
			s->flags = 0;
			s->rel = IS("map") ? CF_SCHEMA_GRANULAR : CF_SCHEMA_ATOMIC;
		} else if (IS("list") || IS("set") || IS("assoc")) {
			s->kind = CF_SCHEMA_LIST;
			s->flags = 0;
			s->rel = IS("list") ? CF_SCHEMA_ATOMIC
			    : IS("set")     ? CF_SCHEMA_SET
					    : CF_SCHEMA_ASSOC;
			/* Sets hold scalars only; say so, so an object item
			 * in one is owned as a leaf rather than walked. */
			if (IS("set"))
				s->elem = schema_new(a, CF_SCHEMA_SCALAR);
			if (arg)
				set_keys(a, s, arg, al);
		} else if (IS("always")) {
			s->flags |= CF_SCHEMA_F_ALWAYS;
		} else if (IS("merge")) {
			s->smp |= CF_SMP_MERGE;
			if (arg)
				s->smp_key = cf_arena_strndup(a, arg, al);
		} else if (IS("retainKeys")) {
			s->smp |= CF_SMP_RETAIN_KEYS;
		} else if (IS("replace")) {
			s->smp |= CF_SMP_REPLACE;
		} else {
			CF_BUG("bad schema descriptor '%s'", desc);
		}
#undef IS
		p += n;
		if (*p == ';')
			p++;
	}
}

struct rule {
	const char *path;
	const char *desc;
};

/* Apply a rule table below prefix ("" or NULL for the root). */
static void apply_rules(cf_arena *a, cf_schema *root, const char *prefix,
    const struct rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *path = prefix && *prefix
		    ? cf_arena_printf(a, "%s.%s", prefix, r[i].path)
		    : r[i].path;

		apply_desc(a, walk_create(a, root, path), r[i].desc);
	}
}
#define RULES(root, prefix, tbl) \
	apply_rules(a, (root), (prefix), (tbl), CF_ARRAY_SIZE(tbl))

/* ---- built-in tables (k8s.io/api v1.32 tags) ------------------------ */

/* ObjectMeta, for every kind (and for CRDs). */
static const struct rule meta_rules[] = {
	{ "metadata", "struct" },
	{ "metadata.labels", "map" },
	{ "metadata.annotations", "map" },
	{ "metadata.ownerReferences", "assoc=uid;merge=uid" },
	{ "metadata.ownerReferences[]", "atomicstruct" },
	{ "metadata.finalizers", "set;merge" },
	{ "metadata.managedFields", "list" },
};

/* Top-level maps of ConfigMap and Secret; harmless elsewhere. */
static const struct rule data_rules[] = {
	{ "data", "map" },
	{ "binaryData", "map" },
	{ "stringData", "map" },
};

/* Container, applied to containers, initContainers, ephemeralContainers. */
/* Container. Probes, lifecycle and securityContext are pointers in Go, so
 * an Update that first sets them records the struct itself ("."). */
static const struct rule container_rules[] = {
	{ "ports", "assoc=containerPort,protocol:TCP;merge=containerPort" },
	{ "env", "assoc=name;merge=name" },
	{ "env[].valueFrom", "ptrstruct" },
	{ "env[].valueFrom.secretKeyRef", "atomicstruct" },
	{ "env[].valueFrom.configMapKeyRef", "atomicstruct" },
	{ "env[].valueFrom.fieldRef", "atomicstruct" },
	{ "env[].valueFrom.resourceFieldRef", "atomicstruct" },
	{ "envFrom", "list" },
	{ "volumeMounts", "assoc=mountPath;merge=mountPath" },
	{ "volumeDevices", "assoc=devicePath;merge=devicePath" },
	{ "command", "list" },
	{ "args", "list" },
	{ "resizePolicy", "list" },
	{ "resources.limits", "map" },
	{ "resources.requests", "map" },
	{ "resources.claims", "assoc=name" },
	{ "securityContext", "ptrstruct" },
	{ "securityContext.capabilities.add", "list" },
	{ "securityContext.capabilities.drop", "list" },
	{ "livenessProbe", "ptrstruct" },
	{ "readinessProbe", "ptrstruct" },
	{ "startupProbe", "ptrstruct" },
	{ "lifecycle", "ptrstruct" },
};

static const char *const container_lists[] = {
	"containers", "initContainers", "ephemeralContainers",
};

/* PodSpec, below its prefix. */
/* PodSpec, below its prefix. volumes and resourceClaims carry
 * retainKeys: each item is a one-of union of volume sources. */
static const struct rule podspec_rules[] = {
	/* containers has no omitempty: a zero PodSpec holds "containers": null. */
	{ "containers", "assoc=name;merge=name;always" },
	{ "initContainers", "assoc=name;merge=name" },
	{ "ephemeralContainers", "assoc=name;merge=name" },
	{ "volumes", "assoc=name;merge=name;retainKeys" },
	{ "volumes[].secret", "ptrstruct" },
	{ "volumes[].configMap", "ptrstruct" },
	{ "volumes[].emptyDir", "ptrstruct" },
	{ "volumes[].persistentVolumeClaim", "ptrstruct" },
	{ "volumes[].secret.items", "list" },
	{ "volumes[].configMap.items", "list" },
	{ "imagePullSecrets", "assoc=name;merge=name" },
	{ "imagePullSecrets[]", "atomicstruct" },
	{ "hostAliases", "assoc=ip;merge=ip" },
	{ "hostAliases[].hostnames", "list" },
	{ "topologySpreadConstraints",
	    "assoc=topologyKey,whenUnsatisfiable;merge=topologyKey" },
	{ "topologySpreadConstraints[].labelSelector", "atomicstruct" },
	{ "schedulingGates", "assoc=name;merge=name" },
	{ "resourceClaims", "assoc=name;merge=name;retainKeys" },
	{ "tolerations", "list" },
	{ "readinessGates", "list" },
	{ "nodeSelector", "map" },
	{ "overhead", "map" },
	{ "affinity", "ptrstruct" },
	{ "securityContext", "ptrstruct" },
	{ "dnsConfig", "ptrstruct" },
};

/* PodTemplateSpec, below its prefix ("spec.template"). */
static void pod_template(cf_arena *a, cf_schema *root, const char *prefix)
{
	const char *spec = cf_arena_printf(a, "%s.spec", prefix);
	const char *md = cf_arena_printf(a, "%s.metadata", prefix);
	const struct rule tmeta[] = {
		{ "labels", "map" },
		{ "annotations", "map" },
		{ "finalizers", "set;merge" },
		{ "ownerReferences", "assoc=uid;merge=uid" },
	};

	RULES(root, md, tmeta);
	RULES(root, spec, podspec_rules);
	for (size_t i = 0; i < CF_ARRAY_SIZE(container_lists); i++)
		apply_rules(a, root, cf_arena_printf(a, "%s.%s[]", spec,
		    container_lists[i]), container_rules,
		    CF_ARRAY_SIZE(container_rules));
}

static const struct rule cond_map_rules[] = {
	{ "status.conditions", "assoc=type;merge=type" },
};

/* LabelSelector is an atomic struct wherever it appears. */
static const struct rule workload_rules[] = {
	{ "spec.selector", "atomicstruct" },
};

/* Deployment strategy is a union (type + rollingUpdate): retainKeys. */
static const struct rule deployment_rules[] = {
	{ "spec.strategy", "struct;retainKeys" },
	{ "spec.strategy.rollingUpdate", "ptrstruct" },
};

static const struct rule statefulset_rules[] = {
	{ "spec.volumeClaimTemplates", "list" },
	{ "spec.updateStrategy", "struct;retainKeys" },
	{ "spec.updateStrategy.rollingUpdate", "ptrstruct" },
};

static const struct rule daemonset_rules[] = {
	{ "spec.updateStrategy", "struct;retainKeys" },
	{ "spec.updateStrategy.rollingUpdate", "ptrstruct" },
};

/* JobStatus.conditions is the odd one out: atomic for apply, but merged on
 * type by strategic merge patch. */
static const struct rule job_rules[] = {
	{ "spec.selector", "atomicstruct" },
	{ "status.conditions", "list;merge=type" },
};

static const struct rule pod_rules[] = {
	{ "status.conditions", "assoc=type;merge=type" },
	{ "status.podIPs", "assoc=ip;merge=ip" },
	{ "status.hostIPs", "assoc=ip;merge=ip" },
	{ "status.containerStatuses", "list" },
	{ "status.initContainerStatuses", "list" },
};

/* ServiceSpec.ports are keyed by port and protocol, protocol defaulting to
 * TCP, but SMP merges them on port alone. */
static const struct rule service_rules[] = {
	{ "spec.ports", "assoc=port,protocol:TCP;merge=port" },
	{ "spec.selector", "map" },
	{ "spec.clusterIPs", "list" },
	{ "spec.externalIPs", "list" },
	{ "spec.ipFamilies", "list" },
	{ "spec.loadBalancerSourceRanges", "list" },
	{ "status.conditions", "assoc=type;merge=type" },
	{ "status.loadBalancer.ingress", "list" },
};

static const struct rule serviceaccount_rules[] = {
	{ "secrets", "assoc=name;merge=name" },
	{ "secrets[]", "atomicstruct" },
	{ "imagePullSecrets", "list" },
};

static const struct rule role_rules[] = {
	{ "rules", "list" },
	{ "aggregationRule", "ptrstruct" },
	{ "aggregationRule.clusterRoleSelectors", "list" },
};

static const struct rule binding_rules[] = {
	{ "subjects", "list" },
	{ "roleRef", "atomicstruct" },
};

static const struct rule ingress_rules[] = {
	{ "spec.rules", "list" },
	{ "spec.tls", "list" },
	{ "spec.defaultBackend", "ptrstruct" },
	{ "status.loadBalancer.ingress", "list" },
};

static const struct rule netpol_rules[] = {
	{ "spec.podSelector", "atomicstruct" },
	{ "spec.ingress", "list" },
	{ "spec.egress", "list" },
	{ "spec.policyTypes", "list" },
};

static const struct rule node_rules[] = {
	{ "status.conditions", "assoc=type;merge=type" },
	{ "status.addresses", "assoc=type;merge=type" },
	{ "spec.taints", "list" },
	{ "spec.podCIDRs", "set;merge" },
};

static const struct rule pvc_rules[] = {
	{ "spec.accessModes", "list" },
	{ "spec.selector", "atomicstruct" },
	{ "spec.resources.requests", "map" },
	{ "spec.resources.limits", "map" },
	{ "status.conditions", "assoc=type;merge=type" },
	{ "status.capacity", "map" },
};

/* One tree per built-in kind, indexed by this id; B_GENERIC serves every
 * kind without special fields. */
static const struct rule pdb_rules[] = {
	{ "spec.selector", "atomicstruct" },
	{ "status.conditions", "assoc=type;merge=type" },
	{ "status.disruptedPods", "map" },
};

enum builtin_id {
	B_GENERIC, B_POD, B_DEPLOYMENT, B_STATEFULSET, B_DAEMONSET, B_REPLICASET,
	B_JOB, B_CRONJOB, B_SERVICE, B_SERVICEACCOUNT, B_ROLE, B_CLUSTERROLE,
	B_ROLEBINDING, B_CLUSTERROLEBINDING, B_INGRESS, B_NETPOL, B_NAMESPACE,
	B_NODE, B_PVC, B_PODTEMPLATE, B_PDB, B_COUNT
};

static const struct {
	const char *group, *kind;
	enum builtin_id id;
} builtin_names[] = {
	{ "", "Pod", B_POD },
	{ "apps", "Deployment", B_DEPLOYMENT },
	{ "apps", "StatefulSet", B_STATEFULSET },
	{ "apps", "DaemonSet", B_DAEMONSET },
	{ "apps", "ReplicaSet", B_REPLICASET },
	{ "batch", "Job", B_JOB },
	{ "batch", "CronJob", B_CRONJOB },
	{ "", "Service", B_SERVICE },
	{ "", "ServiceAccount", B_SERVICEACCOUNT },
	{ "rbac.authorization.k8s.io", "Role", B_ROLE },
	{ "rbac.authorization.k8s.io", "ClusterRole", B_CLUSTERROLE },
	{ "rbac.authorization.k8s.io", "RoleBinding", B_ROLEBINDING },
	{ "rbac.authorization.k8s.io", "ClusterRoleBinding", B_CLUSTERROLEBINDING },
	{ "networking.k8s.io", "Ingress", B_INGRESS },
	{ "networking.k8s.io", "NetworkPolicy", B_NETPOL },
	{ "", "Namespace", B_NAMESPACE },
	{ "", "Node", B_NODE },
	{ "", "PersistentVolumeClaim", B_PVC },
	{ "", "PodTemplate", B_PODTEMPLATE },
	{ "policy", "PodDisruptionBudget", B_PDB },
};

static cf_arena builtin_arena = CF_ARENA_INIT;
static cf_schema *builtins[B_COUNT];
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static cf_schema *root_new(cf_arena *a)
{
	cf_schema *root = struct_new(a);

	RULES(root, NULL, meta_rules);
	return root;
}

/* Build the tree of one kind: metadata rules, then the kind's tables. */
static cf_schema *build_one(cf_arena *a, enum builtin_id id)
{
	cf_schema *r = root_new(a);

	switch (id) {
	case B_GENERIC:
		RULES(r, NULL, data_rules);
		break;
	case B_POD:
		RULES(r, "spec", podspec_rules);
		for (size_t i = 0; i < CF_ARRAY_SIZE(container_lists); i++)
			apply_rules(a, r, cf_arena_printf(a, "spec.%s[]",
			    container_lists[i]), container_rules,
			    CF_ARRAY_SIZE(container_rules));
		RULES(r, NULL, pod_rules);
		break;
	case B_PODTEMPLATE:
		pod_template(a, r, "template");
		break;
	case B_DEPLOYMENT:
		pod_template(a, r, "spec.template");
		RULES(r, NULL, workload_rules);
		RULES(r, NULL, deployment_rules);
		RULES(r, NULL, cond_map_rules);
		break;
	case B_STATEFULSET:
		pod_template(a, r, "spec.template");
		RULES(r, NULL, workload_rules);
		RULES(r, NULL, statefulset_rules);
		RULES(r, NULL, cond_map_rules);
		break;
	case B_DAEMONSET:
		pod_template(a, r, "spec.template");
		RULES(r, NULL, workload_rules);
		RULES(r, NULL, daemonset_rules);
		RULES(r, NULL, cond_map_rules);
		break;
	case B_REPLICASET:
		pod_template(a, r, "spec.template");
		RULES(r, NULL, workload_rules);
		RULES(r, NULL, cond_map_rules);
		break;
	case B_JOB:
		pod_template(a, r, "spec.template");
		RULES(r, NULL, job_rules);
		break;
	case B_CRONJOB:
		pod_template(a, r, "spec.jobTemplate.spec.template");
		apply_desc(a, walk_create(a, r, "spec.jobTemplate.spec.selector"),
		    "atomicstruct");
		break;
	case B_SERVICE:
		RULES(r, NULL, service_rules);
		break;
	case B_SERVICEACCOUNT:
		RULES(r, NULL, serviceaccount_rules);
		break;
	case B_ROLE:
	case B_CLUSTERROLE:
		RULES(r, NULL, role_rules);
		break;
	case B_ROLEBINDING:
	case B_CLUSTERROLEBINDING:
		RULES(r, NULL, binding_rules);
		break;
	case B_INGRESS:
		RULES(r, NULL, ingress_rules);
		break;
	case B_NETPOL:
		RULES(r, NULL, netpol_rules);
		break;
	case B_NAMESPACE:
		RULES(r, NULL, cond_map_rules);
		apply_desc(a, walk_create(a, r, "spec.finalizers"), "list");
		break;
	case B_NODE:
		RULES(r, NULL, node_rules);
		break;
	case B_PVC:
		RULES(r, NULL, pvc_rules);
		break;
	case B_PDB:
		RULES(r, NULL, pdb_rules);
		break;
	case B_COUNT:
		break;
	}
	return r;
}

static void builtins_release(void)
{
	cf_arena_release(&builtin_arena);
}

static void build_builtins(void)
{
	for (int i = 0; i < B_COUNT; i++)
		builtins[i] = build_one(&builtin_arena, (enum builtin_id)i);
	/* Free at exit so leak checkers see a clean process. */
	atexit(builtins_release);
}

/* The builtin_id of group/kind, or -1. */
static int builtin_find(const char *group, const char *kind)
{
	for (size_t i = 0; i < CF_ARRAY_SIZE(builtin_names); i++)
		if (!strcmp(builtin_names[i].group, group ? group : "") &&
		    !strcmp(builtin_names[i].kind, kind ? kind : ""))
			return (int)builtin_names[i].id;
	return -1;
}

const cf_schema *cf_schema_builtin(const char *group, const char *kind)
{
	int id = builtin_find(group, kind);

	/* Built once, on first use, by whichever thread gets here first;
	 * afterwards the trees are only read, so no lock is needed. */
	pthread_once(&builtin_once, build_builtins);
	return builtins[id < 0 ? B_GENERIC : id];
}

bool cf_schema_builtin_known(const char *group, const char *kind)
{
	return builtin_find(group, kind) >= 0;
}

/* ---- CRD openAPIV3Schema ------------------------------------------- */

static const char *nz_str(const char *s)
{
	return s ? s : "";
}

/* An OpenAPI boolean extension that is present and true. */
static bool flag_true(const cf_node *n, const char *key)
{
	const cf_node *v = cf_node_get(n, key);

	return cf_node_is(v, CF_NODE_BOOL) && v->v.b;
}

static int from_openapi(cf_schema **out, cf_arena *a, const cf_node *n,
    cf_buf *path);

/*
 * An object schema: properties become declared fields (CRs are
 * unstructured, so no CF_SCHEMA_F_STRUCT: unknown keys, kept by
 * preserve-unknown-fields, are map entries as in SMD's deduced type).
 */
static int openapi_object(cf_schema *s, cf_arena *a, const cf_node *n,
    cf_buf *path)
{
	const cf_node *props = cf_node_get(n, "properties");
	const cf_node *addl = cf_node_get(n, "additionalProperties");
	const char *mt = cf_node_getp_str(n, "x-kubernetes-map-type", NULL);
	const char *ps = cf_node_getp_str(n, "x-kubernetes-patch-strategy", NULL);
	size_t mark = path->len;
	int error;

	s->kind = CF_SCHEMA_MAP;
	if (mt && !strcmp(mt, "atomic"))
		s->rel = CF_SCHEMA_ATOMIC;
	if (ps && strstr(ps, "replace"))
		s->smp |= CF_SMP_REPLACE;
	if (ps && strstr(ps, "retainKeys"))
		s->smp |= CF_SMP_RETAIN_KEYS;
	/* Each property is typed recursively, with its path for errors. */
	for (uint32_t i = 0; cf_node_is(props, CF_NODE_MAP) && i < props->len;
	     i++) {
		cf_schema *f;

		cf_buf_addf(path, ".%s", props->v.pairs[i].key);
		error = from_openapi(&f, a, props->v.pairs[i].val, path);
		cf_buf_truncate(path, mark);
		if (error < 0)
			return error;
		add_field(a, s, props->v.pairs[i].key, f);
	}
	/* additionalProperties: a schema types the values; true, absent, or
	 * preserve-unknown-fields leave them deduced (elem NULL). */
	if (cf_node_is(addl, CF_NODE_MAP) && !flag_true(n,
	    "x-kubernetes-preserve-unknown-fields")) {
		cf_buf_adds(path, "[*]");
		error = from_openapi(&s->elem, a, addl, path);
		cf_buf_truncate(path, mark);
		if (error < 0)
			return error;
	}
	return 0;
}

/* An array schema: atomic unless x-kubernetes-list-type says otherwise
 * (or, failing that, the patch-strategy tags do, as kube-openapi's
 * schema conversion does). */
static int openapi_array(cf_schema *s, cf_arena *a, const cf_node *n,
    cf_buf *path)
{
	const cf_node *items = cf_node_get(n, "items");
	const char *lt = cf_node_getp_str(n, "x-kubernetes-list-type", NULL);
	const char *ps = cf_node_getp_str(n, "x-kubernetes-patch-strategy", NULL);
	const char *mk = cf_node_getp_str(n, "x-kubernetes-patch-merge-key", NULL);
	const cf_node *keys = cf_node_get(n, "x-kubernetes-list-map-keys");
	size_t mark = path->len;
	int error;

	s->kind = CF_SCHEMA_LIST;
	s->rel = CF_SCHEMA_ATOMIC;
	if (items) {
		cf_buf_adds(path, "[*]");
		error = from_openapi(&s->elem, a, items, path);
		cf_buf_truncate(path, mark);
		if (error < 0)
			return error;
	}
	if (ps && strstr(ps, "merge")) {
		s->smp |= CF_SMP_MERGE;
		s->smp_key = mk ? cf_arena_strdup(a, mk) : NULL;
	}
	/* The list-type markers win; patch tags are the fallback (§3.8). */
	if (!lt && ps && strstr(ps, "merge"))
		lt = mk ? "map" : "set";
	if (!lt || !strcmp(lt, "atomic"))
		return 0;
	if (!strcmp(lt, "set")) {
		s->rel = CF_SCHEMA_SET;
		return 0;
	}
	if (strcmp(lt, "map"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "%s: unknown x-kubernetes-list-type '%s'",
		    path->len ? path->buf : ".", lt);
	s->rel = CF_SCHEMA_ASSOC;
	if (!cf_node_is(keys, CF_NODE_SEQ) || !keys->len) {
		if (!mk)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "%s: x-kubernetes-list-type map needs "
			    "x-kubernetes-list-map-keys", path->len ? path->buf : ".");
		s->nkeys = 1;
		s->keys = cf_arena_zalloc(a, sizeof(*s->keys));
		s->key_defaults = cf_arena_zalloc(a, sizeof(*s->key_defaults));
		s->keys[0] = cf_arena_strdup(a, mk);
		return 0;
	}
	s->nkeys = keys->len;
	s->keys = cf_arena_zalloc(a, keys->len * sizeof(*s->keys));
	s->key_defaults = cf_arena_zalloc(a, keys->len * sizeof(*s->key_defaults));
	for (uint32_t i = 0; i < keys->len; i++) {
		const char *k = cf_node_as_str(keys->v.items[i]);

		if (!k)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "%s: x-kubernetes-list-map-keys[%u] must be a string",
			    path->len ? path->buf : ".", i);
		s->keys[i] = cf_arena_strdup(a, k);
		/* A key field's default fills in items that omit it (§3.3). */
		s->key_defaults[i] = cf_node_getp(items, "properties", k,
		    "default", NULL);
	}
	return 0;
}

/* Convert one schema node; path is the field path so far, for errors. */
static int from_openapi(cf_schema **out, cf_arena *a, const cf_node *n,
    cf_buf *path)
{
	const char *type = cf_node_getp_str(n, "type", NULL);
	cf_schema *s = schema_new(a, CF_SCHEMA_UNTYPED);
	int error = 0;

	*out = s;
	if (!cf_node_is(n, CF_NODE_MAP))
		return 0;
	if (flag_true(n, "x-kubernetes-int-or-string")) {
		s->kind = CF_SCHEMA_SCALAR;
	} else if ((type && !strcmp(type, "object")) ||
	    (!type && (cf_node_get(n, "properties") ||
	    cf_node_is(cf_node_get(n, "additionalProperties"), CF_NODE_MAP)))) {
		error = openapi_object(s, a, n, path);
	} else if (type && !strcmp(type, "array")) {
		error = openapi_array(s, a, n, path);
	} else if (type) {
		s->kind = CF_SCHEMA_SCALAR;
	}
	/* No type at all (preserve-unknown-fields, or {}) stays deduced. */
	return error;
}

int cf_schema_from_openapi(const cf_schema **out, cf_arena *a,
    const cf_node *openapi)
{
	cf_buf path = CF_BUF_INIT;
	cf_schema *root;
	int error;

	error = from_openapi(&root, a, openapi, &path);
	cf_buf_release(&path);
	if (error < 0)
		return error;
	/* A root without "type" (rare, but allowed with
	 * preserve-unknown-fields) is still an object. */
	if (root->kind == CF_SCHEMA_UNTYPED)
		root->kind = CF_SCHEMA_MAP;
	if (root->kind != CF_SCHEMA_MAP)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "openAPIV3Schema: the root must be of type object");
	/* metadata is ObjectMeta whatever the CRD says (usually just
	 * "type: object"); CRs are unstructured, so no F_ALWAYS. */
	add_field(a, root, "metadata", schema_new(a, CF_SCHEMA_MAP));
	RULES(root, NULL, meta_rules);
	*out = root;
	return 0;
}

int cf_schema_from_crd(const cf_schema **out, cf_arena *a, const cf_node *crd,
    const char *version)
{
	const cf_node *versions = cf_node_getp(crd, "spec", "versions", NULL);
	const char *name = cf_node_getp_str(crd, "metadata", "name", NULL);

	for (size_t i = 0; i < cf_node_count(versions); i++) {
		const cf_node *v = cf_node_at(versions, i);
		const cf_node *oa;
		static const cf_node empty = { .type = CF_NODE_MAP };

		if (!cf_node_is(v, CF_NODE_MAP) || !version ||
		    strcmp(nz_str(cf_node_getp_str(v, "name", NULL)), version))
			continue;
		/* No schema (only possible in old v1beta1 objects): anything
		 * goes, so everything is deduced. */
		oa = cf_node_getp(v, "schema", "openAPIV3Schema", NULL);
		if (cf_schema_from_openapi(out, a, oa ? oa : &empty) < 0)
			return cf_error_wrap("version '%s'", version);
		return 0;
	}
	return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
	    "version '%s' not found in CustomResourceDefinition '%s'",
	    version ? version : "", name ? name : "");
}
