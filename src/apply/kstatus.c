/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kstatus' Compute (sigs.k8s.io/cli-utils pkg/kstatus/status), rule by
 * rule and message by message, so health messages read as Flux's do.
 * Each rule returns 1 once it has decided, which lets a rule read as the
 * Go original's chain of early returns.
 */
#include "apply/health.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"

/* Pods get this long to be scheduled before Unschedulable is Failed. */
#define POD_SCHEDULE_WINDOW 15

static const char *const status_names[] = {
	[CF_HEALTH_CURRENT] = "Current",
	[CF_HEALTH_IN_PROGRESS] = "InProgress",
	[CF_HEALTH_FAILED] = "Failed",
	[CF_HEALTH_TERMINATING] = "Terminating",
	[CF_HEALTH_NOT_FOUND] = "NotFound",
	[CF_HEALTH_UNKNOWN] = "Unknown",
};

const char *cf_health_status_name(enum cf_health_status s)
{
	if ((unsigned)s >= CF_ARRAY_SIZE(status_names))
		return "Unknown";
	return status_names[s];
}

__attribute__((format(printf, 3, 4)))
static int set(cf_health *out, enum cf_health_status s, const char *fmt, ...)
{
	va_list ap;

	out->status = s;
	va_start(ap, fmt);
	vsnprintf(out->message, sizeof(out->message), fmt, ap);
	va_end(ap);
	return 1;
}

/* An integer field at a path under obj, or def when absent. */
static long long int_at(const cf_node *obj, const char *sect,
    const char *field, long long def)
{
	int64_t v;

	if (!cf_node_as_int(cf_node_getp(obj, sect, field, NULL), &v))
		return def;
	return v;
}

/* status.conditions[] entry of the given type, or NULL. */
static const cf_node *cond(const cf_node *obj, const char *type)
{
	const cf_node *conds = cf_node_getp(obj, "status", "conditions", NULL);
	size_t n = cf_node_count(conds);

	for (size_t i = 0; cf_node_is(conds, CF_NODE_SEQ) && i < n; i++) {
		const char *t = cf_node_getp_str(cf_node_at(conds, i), "type",
		    NULL);

		if (t && !strcmp(t, type))
			return cf_node_at(conds, i);
	}
	return NULL;
}

static bool str_is(const cf_node *n, const char *key, const char *want)
{
	const char *s = cf_node_getp_str(n, key, NULL);

	return s && !strcmp(s, want);
}

static bool cond_is(const cf_node *obj, const char *type, const char *status)
{
	return str_is(cond(obj, type), "status", status);
}

static const char *cond_msg(const cf_node *c)
{
	const char *m = cf_node_getp_str(c, "message", NULL);

	return m ? m : "";
}

/* ---- generic properties ---- */

static int check_generation(cf_health *out, const cf_node *obj)
{
	int64_t gen, seen;
	const char *kind = cf_node_getp_str(obj, "kind", NULL);

	if (!cf_node_as_int(cf_node_getp(obj, "metadata", "generation", NULL),
	    &gen) || !cf_node_as_int(cf_node_getp(obj, "status",
	    "observedGeneration", NULL), &seen) || gen == seen)
		return 0;
	return set(out, CF_HEALTH_IN_PROGRESS, "%s generation is %lld, but "
	    "latest observed generation is %lld", kind ? kind : "",
	    (long long)gen, (long long)seen);
}

/* Deletion, generation, then the first Reconciling/Stalled=True. */
static int generic(cf_health *out, const cf_node *obj)
{
	const cf_node *conds = cf_node_getp(obj, "status", "conditions", NULL);

	if (cf_node_getp(obj, "metadata", "deletionTimestamp", NULL))
		return set(out, CF_HEALTH_TERMINATING,
		    "Resource scheduled for deletion");
	if (check_generation(out, obj))
		return 1;
	for (size_t i = 0; cf_node_is(conds, CF_NODE_SEQ) &&
	    i < cf_node_count(conds); i++) {
		const cf_node *c = cf_node_at(conds, i);

		if (!str_is(c, "status", "True"))
			continue;
		if (str_is(c, "type", "Reconciling"))
			return set(out, CF_HEALTH_IN_PROGRESS, "%s",
			    cond_msg(c));
		if (str_is(c, "type", "Stalled"))
			return set(out, CF_HEALTH_FAILED, "%s", cond_msg(c));
	}
	return 0;
}

/* ---- built-in kinds ---- */

static int deployment_conditions(cf_health *out, const cf_node *obj,
    bool *progressing, bool *available)
{
	const cf_node *p = cond(obj, "Progressing");

	if (str_is(p, "reason", "ProgressDeadlineExceeded"))
		return set(out, CF_HEALTH_FAILED, "Progress deadline exceeded");
	/* Without a deadline the controller never sets Progressing. */
	*progressing = !cf_node_getp(obj, "spec", "progressDeadlineSeconds",
	    NULL) || (str_is(p, "status", "True") &&
	    str_is(p, "reason", "NewReplicaSetAvailable"));
	*available = cond_is(obj, "Available", "True");
	return 0;
}

static int rule_deployment(cf_health *out, const cf_node *obj, int64_t now)
{
	long long spec = int_at(obj, "spec", "replicas", 1);
	long long st = int_at(obj, "status", "replicas", 0);
	long long upd = int_at(obj, "status", "updatedReplicas", 0);
	long long ready = int_at(obj, "status", "readyReplicas", 0);
	long long avail = int_at(obj, "status", "availableReplicas", 0);
	bool progressing = false, available = false;

	if (deployment_conditions(out, obj, &progressing, &available))
		return 1;
	if (spec > st)
		return set(out, CF_HEALTH_IN_PROGRESS, "Replicas: %lld/%lld",
		    st, spec);
	if (spec > upd)
		return set(out, CF_HEALTH_IN_PROGRESS, "Updated: %lld/%lld",
		    upd, spec);
	if (st > spec)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pending termination: %lld", st - spec);
	if (upd > avail)
		return set(out, CF_HEALTH_IN_PROGRESS, "Available: %lld/%lld",
		    avail, upd);
	if (spec > ready)
		return set(out, CF_HEALTH_IN_PROGRESS, "Ready: %lld/%lld",
		    ready, spec);
	if (!progressing)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "ReplicaSet not Available");
	if (!available)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Deployment not Available");
	return set(out, CF_HEALTH_CURRENT,
	    "Deployment is available. Replicas: %lld", st);
}

static int statefulset_revision(cf_health *out, const cf_node *obj,
    long long spec)
{
	const char *cur = cf_node_getp_str(obj, "status", "currentRevision",
	    NULL);
	const char *upd = cf_node_getp_str(obj, "status", "updateRevision",
	    NULL);
	long long current = int_at(obj, "status", "currentReplicas", 0);

	if (spec > current)
		return set(out, CF_HEALTH_IN_PROGRESS, "current: %lld/%lld",
		    current, spec);
	if (strcmp(cur ? cur : "", upd ? upd : ""))
		return set(out, CF_HEALTH_IN_PROGRESS, "Waiting for updated "
		    "revision %s to match current %s", upd ? upd : "",
		    cur ? cur : "");
	return 0;
}

static int rule_statefulset(cf_health *out, const cf_node *obj, int64_t now)
{
	long long spec = int_at(obj, "spec", "replicas", 1);
	long long st = int_at(obj, "status", "replicas", 0);
	long long ready = int_at(obj, "status", "readyReplicas", 0);
	long long upd = int_at(obj, "status", "updatedReplicas", 0);
	const cf_node *strategy = cf_node_getp(obj, "spec", "updateStrategy",
	    NULL);
	long long part = int_at(strategy, "rollingUpdate", "partition", -1);

	if (str_is(strategy, "type", "OnDelete"))
		return set(out, CF_HEALTH_CURRENT, "StatefulSet is using the "
		    "ondelete update strategy");
	if (spec > st)
		return set(out, CF_HEALTH_IN_PROGRESS, "Replicas: %lld/%lld",
		    st, spec);
	if (spec > ready)
		return set(out, CF_HEALTH_IN_PROGRESS, "Ready: %lld/%lld",
		    ready, spec);
	if (st > spec)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pending termination: %lld", st - spec);
	if (part != -1 && upd < spec - part)
		return set(out, CF_HEALTH_IN_PROGRESS, "updated: %lld/%lld",
		    upd, spec - part);
	if (part != -1)
		return set(out, CF_HEALTH_CURRENT, "Partitioned roll out "
		    "complete. updated: %lld", upd);
	if (statefulset_revision(out, obj, spec))
		return 1;
	return set(out, CF_HEALTH_CURRENT, "All replicas scheduled as "
	    "expected. Replicas: %lld", st);
}

/* The first status field of a {field, label} table below want:
 * InProgress "<label>: n/want". */
static int short_of(cf_health *out, const cf_node *obj, long long want,
    const char *const (*fields)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long long have = int_at(obj, "status", fields[i][0], 0);

		if (want > have)
			return set(out, CF_HEALTH_IN_PROGRESS,
			    "%s: %lld/%lld", fields[i][1], have, want);
	}
	return 0;
}

static int rule_daemonset(cf_health *out, const cf_node *obj, int64_t now)
{
	static const char *const fields[][2] = {
		{ "currentNumberScheduled", "Current" },
		{ "updatedNumberScheduled", "Updated" },
		{ "numberAvailable", "Available" },
		{ "numberReady", "Ready" },
	};
	long long desired = int_at(obj, "status", "desiredNumberScheduled", -1);

	/* The generic check skips an absent observedGeneration; a
	 * DaemonSet's status means nothing before the controller saw it. */
	if (!cf_node_getp(obj, "metadata", "generation", NULL) ||
	    !cf_node_getp(obj, "status", "observedGeneration", NULL))
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "DaemonSet status has not been observed");
	if (desired == -1)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Missing .status.desiredNumberScheduled");
	if (short_of(out, obj, desired, fields, CF_ARRAY_SIZE(fields)))
		return 1;
	return set(out, CF_HEALTH_CURRENT, "All replicas scheduled as "
	    "expected. Replicas: %lld", desired);
}

static int rule_replicaset(cf_health *out, const cf_node *obj, int64_t now)
{
	static const char *const fields[][2] = {
		{ "fullyLabeledReplicas", "Labelled" },
		{ "availableReplicas", "Available" },
		{ "readyReplicas", "Ready" },
	};
	long long spec = int_at(obj, "spec", "replicas", 1);
	long long st = int_at(obj, "status", "replicas", 0);

	if (cond_is(obj, "ReplicaFailure", "True"))
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Replica Failure condition. Check Pods");
	if (short_of(out, obj, spec, fields, CF_ARRAY_SIZE(fields)))
		return 1;
	if (st > spec)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pending termination: %lld", st - spec);
	return set(out, CF_HEALTH_CURRENT,
	    "ReplicaSet is available. Replicas: %lld", st);
}

static int rule_job(cf_health *out, const cf_node *obj, int64_t now)
{
	long long par = int_at(obj, "spec", "parallelism", 1);
	long long want = int_at(obj, "spec", "completions", par);
	long long ok = int_at(obj, "status", "succeeded", 0);
	long long bad = int_at(obj, "status", "failed", 0);
	long long active = int_at(obj, "status", "active", 0);
	const cf_node *suspend = cf_node_getp(obj, "spec", "suspend", NULL);

	if (cond_is(obj, "Complete", "True"))
		return set(out, CF_HEALTH_CURRENT,
		    "Job Completed. succeeded: %lld/%lld", ok, want);
	if (cond_is(obj, "Failed", "True"))
		return set(out, CF_HEALTH_FAILED,
		    "Job Failed. failed: %lld/%lld", bad, want);
	if (cond_is(obj, "Suspended", "True") &&
	    cf_node_is(suspend, CF_NODE_BOOL) && suspend->v.b)
		return set(out, CF_HEALTH_CURRENT, "Job is suspended");
	if (!cf_node_getp(obj, "status", "startTime", NULL))
		return set(out, CF_HEALTH_IN_PROGRESS, "Job not started");
	return set(out, CF_HEALTH_CURRENT, "Job in progress. success:%lld, "
	    "active: %lld, failed: %lld", ok, active, bad);
}

/* Names of containers waiting in CrashLoopBackOff, comma-separated. */
static bool crash_looping(char *names, size_t cap, const cf_node *obj)
{
	const cf_node *cs = cf_node_getp(obj, "status", "containerStatuses",
	    NULL);
	size_t used = 0;

	names[0] = '\0';
	for (size_t i = 0; cf_node_is(cs, CF_NODE_SEQ) &&
	    i < cf_node_count(cs); i++) {
		const cf_node *c = cf_node_at(cs, i);
		const char *name = cf_node_getp_str(c, "name", NULL);

		if (!str_is(cf_node_getp(c, "state", "waiting", NULL),
		    "reason", "CrashLoopBackOff") || used >= cap)
			continue;
		used += (size_t)snprintf(names + used, cap - used, "%s%s",
		    used ? "," : "", name ? name : "");
	}
	return names[0] != '\0';
}

/* RFC 3339 creationTimestamp in Unix seconds; 0 when unreadable. */
static int64_t created_at(const cf_node *obj)
{
	const char *ts = cf_node_getp_str(obj, "metadata",
	    "creationTimestamp", NULL);
	struct tm tm = { 0 };

	if (!ts || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm);
}

static int pod_pending(cf_health *out, const cf_node *obj, int64_t now)
{
	const cf_node *sched = cond(obj, "PodScheduled");

	if (!str_is(sched, "status", "False") ||
	    !str_is(sched, "reason", "Unschedulable"))
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pod is in the Pending phase");
	if (now - created_at(obj) < POD_SCHEDULE_WINDOW)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pod has not been scheduled");
	return set(out, CF_HEALTH_FAILED, "Pod could not be scheduled");
}

static int rule_pod(cf_health *out, const cf_node *obj, int64_t now)
{
	const char *phase = cf_node_getp_str(obj, "status", "phase", NULL);
	char names[160];

	if (!phase || !*phase)
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "Pod phase not available");
	if (!strcmp(phase, "Succeeded"))
		return set(out, CF_HEALTH_CURRENT,
		    "Pod has completed successfully");
	if (!strcmp(phase, "Failed"))
		return set(out, CF_HEALTH_CURRENT,
		    "Pod has completed, but not successfully");
	if (!strcmp(phase, "Pending"))
		return pod_pending(out, obj, now);
	if (strcmp(phase, "Running"))
		return set(out, CF_HEALTH_UNKNOWN, "unknown phase %.64s",
		    phase);
	if (cond_is(obj, "Ready", "True"))
		return set(out, CF_HEALTH_CURRENT, "Pod is Ready");
	if (crash_looping(names, sizeof(names), obj))
		return set(out, CF_HEALTH_FAILED,
		    "Containers in CrashLoop state: %s", names);
	return set(out, CF_HEALTH_IN_PROGRESS,
	    "Pod is running but is not Ready");
}

static int rule_pvc(cf_health *out, const cf_node *obj, int64_t now)
{
	const char *phase = cf_node_getp_str(obj, "status", "phase", NULL);

	if (!phase || strcmp(phase, "Bound"))
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "PVC is not Bound. phase: %.64s", phase ? phase : "");
	return set(out, CF_HEALTH_CURRENT, "PVC is Bound");
}

/* kstatus waits for a LoadBalancer's clusterIP, not for its ingress. */
static int rule_service(cf_health *out, const cf_node *obj, int64_t now)
{
	const char *type = cf_node_getp_str(obj, "spec", "type", NULL);
	const char *ip = cf_node_getp_str(obj, "spec", "clusterIP", NULL);

	if (type && !strcmp(type, "LoadBalancer") && (!ip || !*ip))
		return set(out, CF_HEALTH_IN_PROGRESS,
		    "ClusterIP not set. Service type: LoadBalancer");
	return set(out, CF_HEALTH_CURRENT, "Service is ready");
}

static int rule_crd(cf_health *out, const cf_node *obj, int64_t now)
{
	const cf_node *names = cond(obj, "NamesAccepted");
	const cf_node *est = cond(obj, "Established");

	if (str_is(names, "status", "False"))
		return set(out, CF_HEALTH_FAILED, "%s", cond_msg(names));
	if (str_is(est, "status", "False") &&
	    !str_is(est, "reason", "Installing"))
		return set(out, CF_HEALTH_FAILED, "%s", cond_msg(est));
	if (str_is(est, "status", "True"))
		return set(out, CF_HEALTH_CURRENT, "CRD is established");
	return set(out, CF_HEALTH_IN_PROGRESS, "Install in progress");
}

static int rule_current(cf_health *out, const cf_node *obj, int64_t now)
{
	return set(out, CF_HEALTH_CURRENT, "Resource is always ready");
}

/* A Flux object (*.toolkit.fluxcd.io) that has observed its current
 * generation, which the generic check made sure of, and is not Ready
 * has finished trying: Flux's health check fails fast on it rather than
 * waiting for its timeout. */
static bool flux_gave_up(const cf_node *obj, const cf_node *ready)
{
	static const char suffix[] = ".toolkit.fluxcd.io/";
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *slash = av ? strchr(av, '/') : NULL;
	size_t n = sizeof(suffix) - 1;

	return slash && (size_t)(slash + 1 - av) > n &&
	    !strncmp(slash + 1 - n, suffix, n) &&
	    str_is(ready, "status", "False") &&
	    cf_node_getp(obj, "status", "observedGeneration", NULL);
}

/* Any other kind: its Ready condition, if it has one. */
static int rule_ready(cf_health *out, const cf_node *obj, int64_t now)
{
	const cf_node *c = cond(obj, "Ready");
	const char *reason = cf_node_getp_str(c, "reason", NULL);

	if (!c)
		return set(out, CF_HEALTH_CURRENT, "Resource is current");
	if (str_is(c, "status", "True"))
		return set(out, CF_HEALTH_CURRENT, "%s", cond_msg(c));
	return set(out, flux_gave_up(obj, c) ? CF_HEALTH_FAILED :
	    CF_HEALTH_IN_PROGRESS, "%s%s%s", reason ? reason : "",
	    reason ? ": " : "", cond_msg(c));
}

static const struct {
	const char *group, *kind;
	int (*fn)(cf_health *, const cf_node *, int64_t);
} rules[] = {
	{ "apps", "Deployment", rule_deployment },
	{ "apps", "StatefulSet", rule_statefulset },
	{ "apps", "DaemonSet", rule_daemonset },
	{ "apps", "ReplicaSet", rule_replicaset },
	{ "batch", "Job", rule_job },
	{ "", "Pod", rule_pod },
	{ "", "PersistentVolumeClaim", rule_pvc },
	{ "", "Service", rule_service },
	{ "apiextensions.k8s.io", "CustomResourceDefinition", rule_crd },
	{ "", "ConfigMap", rule_current },
	{ "", "Secret", rule_current },
	{ "batch", "CronJob", rule_current },
	{ "policy", "PodDisruptionBudget", rule_current },
};

/* The group of an apiVersion ("apps/v1" -> "apps", "v1" -> ""). */
static bool group_is(const char *api_version, const char *group)
{
	const char *slash = api_version ? strchr(api_version, '/') : NULL;
	size_t n = slash ? (size_t)(slash - api_version) : 0;

	return strlen(group) == n && !strncmp(api_version, group, n);
}

void cf_health_compute(cf_health *out, const cf_node *obj, int64_t now)
{
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);

	if (!now)
		now = (int64_t)time(NULL);
	if (!cf_node_is(obj, CF_NODE_MAP) || !kind) {
		set(out, CF_HEALTH_UNKNOWN, "not a Kubernetes object");
		return;
	}
	if (generic(out, obj))
		return;
	for (size_t i = 0; i < CF_ARRAY_SIZE(rules); i++) {
		if (!strcmp(rules[i].kind, kind) &&
		    group_is(av, rules[i].group)) {
			rules[i].fn(out, obj, now);
			return;
		}
	}
	rule_ready(out, obj, now);
}
