/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/table.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "kube/jsonpath.h"
#include "kube/selector.h"

#include <ctype.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*
 * Printers follow kube-apiserver 1.32's (pkg/printers/internalversion):
 * the server always prints "wide", so every row has a cell for every
 * column and kubectl drops the priority > 0 ones itself. Cells are the
 * final display strings; Go prints absent optional values as "<none>",
 * "<unset>" or "<unknown>" and those words are kept.
 */

/* ---- time ---- */

/* "<a><ua>", or "<a><ua><b><ub>" when b is not zero: 2m, 2m5s, 2d2h. */
static char *two_units(char out[32], int64_t a, char ua, int64_t b, char ub)
{
	if (b == 0)
		snprintf(out, 32, "%" PRId64 "%c", a, ua);
	else
		snprintf(out, 32, "%" PRId64 "%c%" PRId64 "%c", a, ua, b, ub);
	return out;
}

/* duration.HumanDuration: the finer unit is shown only while the
 * coarser one is small (under 10m, 8h, 8d and 8y). */
char *cf_human_duration(char out[32], int64_t s)
{
	int64_t m, h;

	/* Up to 2 s in the future counts as now (clock skew). */
	if (s < -1) {
		snprintf(out, 32, "<invalid>");
		return out;
	}
	if (s < 0)
		s = 0;
	if (s < 120)
		return two_units(out, s, 's', 0, 0);
	m = s / 60;
	if (m < 10)
		return two_units(out, m, 'm', s % 60, 's');
	if (m < 180)
		return two_units(out, m, 'm', 0, 0);
	h = s / 3600;
	if (h < 8)
		return two_units(out, h, 'h', m % 60, 'm');
	if (h < 48)
		return two_units(out, h, 'h', 0, 0);
	if (h < 24 * 8)
		return two_units(out, h / 24, 'd', h % 24, 'h');
	if (h < 24 * 365 * 2)
		return two_units(out, h / 24, 'd', 0, 0);
	if (h < 24 * 365 * 8)
		return two_units(out, h / 24 / 365, 'y', (h / 24) % 365, 'd');
	return two_units(out, h / 24 / 365, 'y', 0, 0);
}

/* Fixed-width decimal field; -1 on any non-digit. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/*
 * RFC 3339 as metav1.Time accepts it: date, 'T', time, optional fraction
 * (ignored: ages are whole seconds) and Z or a numeric offset. Only the
 * fixed layout is accepted; Go's parser is no more lenient here.
 */
int cf_time_parse(int64_t *out, const char *s)
{
	struct tm tm = { 0 };
	int y, mo, d, hh, mm, ss, oh = 0, om = 0, sign = 0;
	const char *p;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':' ||
	    digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &hh) || digits(s + 14, 2, &mm) ||
	    digits(s + 17, 2, &ss))
		goto bad;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && !p[1]) {
		sign = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':' &&
	    !digits(p + 1, 2, &oh) && !digits(p + 4, 2, &om)) {
		sign = *p == '+' ? 1 : -1;
	} else {
		goto bad;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 ||
	    ss > 60)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
bad:
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
	    "invalid RFC 3339 time '%s'", s ? s : "");
}

/* ---- row context and cell helpers ---- */

/* One row being filled: the cell list grows as the printer pushes. now
 * is fixed per table so every age in a listing uses the same clock. */
struct row {
	cf_arena *a;
	cf_node *cells;
	int64_t now;
};

/* Cells are JSON values: strings for most columns, integers and booleans
 * where the column type says so, so clients can sort numerically. */
static void c_str(struct row *r, const char *s)
{
	cf_node_push(r->a, r->cells, cf_node_str(r->a, s ? s : ""));
}

static void c_int(struct row *r, int64_t v)
{
	cf_node_push(r->a, r->cells, cf_node_int(r->a, v));
}

/* A bool field counts only when it is a JSON true (Go's zero is false). */
static bool is_true(const cf_node *n)
{
	return cf_node_is(n, CF_NODE_BOOL) && n->v.b;
}

static void c_bool(struct row *r, const cf_node *n)
{
	cf_node_push(r->a, r->cells, cf_node_bool(r->a, is_true(n)));
}

/* Go prints an empty optional string as "<none>". */
static const char *or_none(const char *s)
{
	return s && *s ? s : "<none>";
}

/* b's bytes moved into the row's arena; b is released. */
static const char *take_buf(struct row *r, cf_buf *b)
{
	char *out = cf_arena_strndup(r->a, b->buf, b->len);

	cf_buf_release(b);
	return out;
}

/* Tiny accessors so printers read like the Go field chains they mirror:
 * SP(o, "spec", "type") for a string, I(node, default) for an int. */
static const char *S(const cf_node *obj, ...)
{
	va_list ap;
	const cf_node *n = obj;
	const char *k;

	va_start(ap, obj);
	while (n && (k = va_arg(ap, const char *)) != NULL)
		n = cf_node_get(n, k);
	va_end(ap);
	return cf_node_as_str(n);
}

static int64_t I(const cf_node *n, int64_t dflt)
{
	int64_t v;

	return cf_node_as_int(n, &v) ? v : dflt;
}

#define P(obj, ...) cf_node_getp((obj), __VA_ARGS__, NULL)
#define SP(obj, ...) S((obj), __VA_ARGS__, NULL)

/* translateTimestampSince: an age, or "<unknown>" for a missing time
 * (Go's zero time), so clients never see an empty AGE column. */
static const char *since(struct row *r, const char *ts)
{
	char buf[32];
	int64_t t;

	if (!ts || !*ts || cf_time_parse(&t, ts) < 0)
		return "<unknown>";
	return cf_arena_strdup(r->a, cf_human_duration(buf, r->now - t));
}

static const char *age(struct row *r, const cf_node *obj)
{
	return since(r, SP(obj, "metadata", "creationTimestamp"));
}

/* creationTimestamp re-printed as RFC 3339 UTC (the "Created At" cell). */
/* gmtime_r, not gmtime: tables are built on request threads. */
static const char *created_at(struct row *r, const cf_node *obj)
{
	const char *ts = SP(obj, "metadata", "creationTimestamp");
	struct tm tm;
	char buf[32];
	int64_t t;
	time_t tt;

	/* Go prints the zero time for a missing timestamp. */
	if (!ts || cf_time_parse(&t, ts) < 0)
		return "0001-01-01T00:00:00Z";
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return cf_arena_strdup(r->a, buf);
}

/* Join the string field key of each item of seq (or the items
 * themselves when key is NULL) with sep, in order; empty when none. */
static const char *join_field(struct row *r, const cf_node *seq,
    const char *key, const char *sep)
{
	cf_buf b = CF_BUF_INIT;
	size_t k = 0;

	for (size_t i = 0; i < cf_node_count(seq); i++) {
		const cf_node *it = cf_node_at(seq, i);
		const char *v = key ? cf_node_as_str(cf_node_get(it, key)) :
		    cf_node_as_str(it);

		if (!v)
			continue;
		cf_buf_addf(&b, "%s%s", k++ ? sep : "", v);
	}
	return take_buf(r, &b);
}

static int cmp_pair(const void *x, const void *y)
{
	return strcmp(((const cf_pair *)x)->key, ((const cf_pair *)y)->key);
}

/* labels.FormatLabels: "k=v,k2=v2" sorted by key like Go's
 * labels.Set.String(), "<none>" when empty. */
static const char *format_labels(struct row *r, const cf_node *m)
{
	size_t n = cf_node_count(m);
	cf_pair *pairs;
	cf_buf b = CF_BUF_INIT;

	if (!cf_node_is(m, CF_NODE_MAP) || n == 0)
		return "<none>";
	pairs = cf_arena_alloc(r->a, n * sizeof(*pairs));
	memcpy(pairs, m->v.pairs, n * sizeof(*pairs));
	qsort(pairs, n, sizeof(*pairs), cmp_pair);
	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s=%s", i ? "," : "", pairs[i].key,
		    cf_node_as_str(pairs[i].val) ? cf_node_as_str(pairs[i].val) :
		    "");
	return take_buf(r, &b);
}

/* metav1.FormatLabelSelector: the selector's text, "<none>" when it
 * selects everything or nothing, "<error>" when it does not parse. */
/* Reusing the selector module keeps the canonical text identical to
 * what `kubectl get -l` echoes back. */
static const char *format_selector(struct row *r, const cf_node *sel)
{
	cf_label_selector *s;
	const char *t;

	if (cf_label_selector_from_node(&s, r->a, sel) < 0)
		return "<error>";
	t = cf_label_selector_string(r->a, s);
	return or_none(t);
}

/* IntOrString as Go prints it. */
/* PDB minAvailable/maxUnavailable may be 2 or "50%". */
static const char *int_or_string(struct row *r, const cf_node *v)
{
	if (cf_node_is(v, CF_NODE_STR))
		return v->v.s;
	return cf_arena_printf(r->a, "%" PRId64, I(v, 0));
}

/* AGE, then the wide Containers and Images (and Selector) cells of a
 * workload whose spec holds the pod template and the selector. */
static void c_age_template(struct row *r, const cf_node *o,
    const cf_node *spec, bool with_selector)
{
	const cf_node *cs = P(spec, "template", "spec", "containers");

	c_str(r, age(r, o));
	c_str(r, join_field(r, cs, "name", ","));
	c_str(r, join_field(r, cs, "image", ","));
	if (with_selector)
		c_str(r, format_selector(r, cf_node_get(spec, "selector")));
}

/* READY of the replicated workloads: ready/desired, desired defaulting
 * to 1 like spec.replicas. */
static const char *ready_replicas(struct row *r, const cf_node *o)
{
	return cf_arena_printf(r->a, "%" PRId64 "/%" PRId64,
	    I(P(o, "status", "readyReplicas"), 0),
	    I(P(o, "spec", "replicas"), 1));
}

/* A reference printed as kind/name (roleRef, scaleTargetRef). */
static const char *kind_slash_name(struct row *r, const cf_node *ref)
{
	const char *kind = SP(ref, "kind"), *name = SP(ref, "name");

	return cf_arena_printf(r->a, "%s/%s", kind ? kind : "",
	    name ? name : "");
}

/* A list the Go printers cut after three entries: shown holds the first
 * three, count all of them; none stands for an empty list. */
static void c_capped(struct row *r, const cf_buf *shown, size_t count,
    const char *none)
{
	if (count == 0)
		c_str(r, none);
	else if (count > 3)
		c_str(r, cf_arena_printf(r->a, "%s + %zu more...", shown->buf,
		    count - 3));
	else
		c_str(r, shown->buf);
}

/* ---- column sets ---- */

#define NAME_DESC                                                           \
	"Name must be unique within a namespace. Is required when creating " \
	"resources, although some resources may allow a client to request "  \
	"the generation of an appropriate name automatically. Name is "      \
	"primarily intended for creation idempotence and configuration "     \
	"definition. Cannot be updated. More info: "                         \
	"https://kubernetes.io/docs/concepts/overview/working-with-objects/" \
	"names#names"
#define CREATED_DESC                                                        \
	"CreationTimestamp is a timestamp representing the server time when " \
	"this object was created. It is not guaranteed to be set in "        \
	"happens-before order across separate operations. Clients may not "  \
	"set this value. It is represented in RFC3339 form and is in UTC.\n\n" \
	"Populated by the system. Read-only. Null for lists. More info: "    \
	"https://git.k8s.io/community/contributors/devel/sig-architecture/"  \
	"api-conventions.md#metadata"

#define COL_NAME { "Name", "string", "name", NAME_DESC, 0, NULL }
#define COL_AGE { "Age", "string", "", CREATED_DESC, 0, NULL }
#define COL(n, t, prio, d) { n, t, "", d, prio, NULL }
#define WIDE_TEMPLATE                                                     \
	COL("Containers", "string", 1, "Names of each container in the template."), \
	COL("Images", "string", 1, "Images referenced by each container in the template.")
#define WIDE_SELECTOR COL("Selector", "string", 1, \
	"Label selector for pods. Existing pods whose labels match this "  \
	"selector are affected by changes to this object.")

/*
 * Column sets, Name first. Descriptions are short paraphrases of the API
 * field docs (kube-apiserver sends the full swagger text; kubectl shows
 * descriptions nowhere, so only names, types and priorities matter).
 * cols_default is the generic convertor's (its Created At is a date);
 * kube-apiserver registers no printer for LimitRange, Role and
 * ClusterRole, so they use it too.
 */
static const cf_table_column cols_default[] = {
	COL_NAME, { "Created At", "date", "", CREATED_DESC, 0, NULL },
};
static const cf_table_column cols_namespace[] = {
	COL_NAME,
	COL("Status", "string", 0, "The status of the namespace"),
	COL_AGE,
};
static const cf_table_column cols_configmap[] = {
	COL_NAME,
	COL("Data", "string", 0, "Data contains the configuration data."),
	COL_AGE,
};
static const cf_table_column cols_secret[] = {
	COL_NAME,
	COL("Type", "string", 0, "Used to facilitate programmatic handling of secret data."),
	COL("Data", "string", 0, "Data contains the secret data."),
	COL_AGE,
};
static const cf_table_column cols_sa[] = {
	COL_NAME,
	COL("Secrets", "string", 0, "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."),
	COL_AGE,
};
static const cf_table_column cols_service[] = {
	COL_NAME,
	COL("Type", "string", 0, "type determines how the Service is exposed."),
	COL("Cluster-IP", "string", 0, "clusterIP is the IP address of the service and is usually assigned randomly."),
	COL("External-IP", "string", 0, "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
	COL("Port(s)", "string", 0, "The list of ports that are exposed by this service."),
	COL_AGE,
	COL("Selector", "string", 1, "Route service traffic to pods with label keys and values matching this selector."),
};
static const cf_table_column cols_endpoints[] = {
	COL_NAME,
	COL("Endpoints", "string", 0, "Endpoints of the service"),
	COL_AGE,
};
static const cf_table_column cols_pod[] = {
	COL_NAME,
	COL("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
	COL("Status", "string", 0, "The aggregate status of the containers in this pod."),
	COL("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
	COL_AGE,
	COL("IP", "string", 1, "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."),
	COL("Node", "string", 1, "NodeName is a request to schedule this pod onto a specific node."),
	COL("Nominated Node", "string", 1, "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods."),
	COL("Readiness Gates", "string", 1, "If specified, all readiness gates will be evaluated for pod readiness."),
};
static const cf_table_column cols_event[] = {
	COL("Last Seen", "string", 0, "The time at which the most recent occurrence of this event was recorded."),
	COL("Type", "string", 0, "Type of this event (Normal, Warning), new types could be added in the future"),
	COL("Reason", "string", 0, "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
	COL("Object", "string", 0, "The object that this event is about."),
	COL("Subobject", "string", 1, "If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement."),
	COL("Source", "string", 1, "The component reporting this event. Should be a short machine understandable string."),
	COL("Message", "string", 0, "A human-readable description of the status of this operation."),
	COL("First Seen", "string", 1, "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"),
	COL("Count", "string", 1, "The number of times this event has occurred."),
	{ "Name", "string", "name", NAME_DESC, 1, NULL },
};
static const cf_table_column cols_pvc[] = {
	COL_NAME,
	COL("Status", "string", 0, "phase represents the current phase of PersistentVolumeClaim."),
	COL("Volume", "string", 0, "volumeName is the binding reference to the PersistentVolume backing this claim."),
	COL("Capacity", "string", 0, "capacity represents the actual resources of the underlying volume."),
	COL("Access Modes", "string", 0, "accessModes contains the desired access modes the volume should have."),
	COL("StorageClass", "string", 0, "storageClassName is the name of the StorageClass required by the claim."),
	COL("VolumeAttributesClass", "string", 0, "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim."),
	COL_AGE,
	COL("VolumeMode", "string", 1, "volumeMode defines what type of volume is required by the claim."),
};
static const cf_table_column cols_quota[] = {
	COL_NAME,
	COL("Request", "string", 0, "Request represents a minimum amount of cpu/memory that a container may consume."),
	COL("Limit", "string", 0, "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
	COL_AGE,
};
static const cf_table_column cols_deployment[] = {
	COL_NAME,
	COL("Ready", "string", 0, "Number of the pod with ready state"),
	COL("Up-to-date", "string", 0, "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
	COL("Available", "string", 0, "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
	COL_AGE, WIDE_TEMPLATE, WIDE_SELECTOR,
};
static const cf_table_column cols_replicaset[] = {
	COL_NAME,
	COL("Desired", "integer", 0, "Replicas is the number of desired replicas."),
	COL("Current", "integer", 0, "Replicas is the most recently observed number of replicas."),
	COL("Ready", "integer", 0, "The number of ready replicas for this replica set."),
	COL_AGE, WIDE_TEMPLATE, WIDE_SELECTOR,
};
static const cf_table_column cols_statefulset[] = {
	COL_NAME,
	COL("Ready", "string", 0, "Number of the pod with ready state"),
	COL_AGE, WIDE_TEMPLATE,
};
static const cf_table_column cols_daemonset[] = {
	COL_NAME,
	COL("Desired", "integer", 0, "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
	COL("Current", "integer", 0, "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
	COL("Ready", "integer", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."),
	COL("Up-to-date", "integer", 0, "The total number of nodes that are running updated daemon pod"),
	COL("Available", "integer", 0, "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
	COL("Node Selector", "string", 0, "NodeSelector is a selector which must be true for the pod to fit on a node."),
	COL_AGE, WIDE_TEMPLATE, WIDE_SELECTOR,
};
static const cf_table_column cols_job[] = {
	COL_NAME,
	COL("Status", "string", 0, "Status of the job."),
	COL("Completions", "string", 0, "The desired number of successfully finished pods the job should be run with."),
	COL("Duration", "string", 0, "Time required to complete the job."),
	COL_AGE, WIDE_TEMPLATE, WIDE_SELECTOR,
};
static const cf_table_column cols_cronjob[] = {
	COL_NAME,
	COL("Schedule", "string", 0, "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
	COL("Timezone", "string", 0, "The time zone name for the given schedule."),
	COL("Suspend", "boolean", 0, "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions."),
	COL("Active", "integer", 0, "A list of pointers to currently running jobs."),
	COL("Last Schedule", "string", 0, "Information when was the last time the job was successfully scheduled."),
	COL_AGE, WIDE_TEMPLATE, WIDE_SELECTOR,
};
static const cf_table_column cols_hpa[] = {
	COL_NAME,
	COL("Reference", "string", 0, "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource."),
	COL("Targets", "string", 0, "metrics contains the specifications for which to use to calculate the desired replica count."),
	COL("MinPods", "string", 0, "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down."),
	COL("MaxPods", "string", 0, "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up."),
	COL("Replicas", "string", 0, "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler."),
	COL_AGE,
};
static const cf_table_column cols_ingress[] = {
	COL_NAME,
	COL("Class", "string", 0, "The name of the IngressClass resource that should be used."),
	COL("Hosts", "string", 0, "Hosts that incoming requests are matched against before the ingress rule"),
	COL("Address", "string", 0, "Address is a list containing ingress points for the load-balancer"),
	COL("Ports", "string", 0, "Ports of TLS configurations that open"),
	COL_AGE,
};
static const cf_table_column cols_netpol[] = {
	COL_NAME,
	COL("Pod-Selector", "string", 0, "podSelector selects the pods to which this NetworkPolicy object applies."),
	COL_AGE,
};
static const cf_table_column cols_pdb[] = {
	COL_NAME,
	COL("Min Available", "string", 0, "The minimum number of pods that must be available simultaneously. This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
	COL("Max Unavailable", "string", 0, "The maximum number of pods that may be unavailable simultaneously. This can be either an integer or a string specifying a percentage, e.g. \"28%\"."),
	COL("Allowed Disruptions", "integer", 0, "Number of pod disruptions that are currently allowed."),
	COL_AGE,
};
static const cf_table_column cols_binding[] = {
	COL_NAME,
	COL("Role", "string", 0, "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
	COL_AGE,
	COL("Users", "string", 1, "Users in the roleBinding"),
	COL("Groups", "string", 1, "Groups in the roleBinding"),
	COL("ServiceAccounts", "string", 1, "ServiceAccounts in the roleBinding"),
};
static const cf_table_column cols_lease[] = {
	COL_NAME,
	COL("Holder", "string", 0, "holderIdentity contains the identity of the holder of a current lease."),
	COL_AGE,
};
static const cf_table_column cols_storageclass[] = {
	COL_NAME,
	COL("Provisioner", "string", 0, "provisioner indicates the type of the provisioner."),
	COL("ReclaimPolicy", "string", 0, "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
	COL("VolumeBindingMode", "string", 0, "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
	COL("AllowVolumeExpansion", "string", 0, "allowVolumeExpansion shows whether the storage class allow volume expand."),
	COL_AGE,
};
static const cf_table_column cols_priorityclass[] = {
	COL_NAME,
	COL("Value", "integer", 0, "value represents the integer value of this priority class."),
	COL("Global-Default", "boolean", 0, "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
	COL_AGE,
	COL("PreemptionPolicy", "string", 0, "preemptionPolicy is the Policy for preempting pods with lower priority."),
};

/* ---- cells per kind ---- */

/* Kinds without their own printer: only the creation time, RFC 3339. */
static void cells_default(struct row *r, const cf_node *o)
{
	c_str(r, created_at(r, o));
}

static void cells_namespace(struct row *r, const cf_node *o)
{
	c_str(r, SP(o, "status", "phase"));
	c_str(r, age(r, o));
}

/* DATA counts data and binaryData keys together. */
static void cells_configmap(struct row *r, const cf_node *o)
{
	c_int(r, (int64_t)(cf_node_count(cf_node_get(o, "data")) +
	    cf_node_count(cf_node_get(o, "binaryData"))));
	c_str(r, age(r, o));
}

/* An unset type is Opaque after defaulting, which the server applies
 * before anyone reads the object. */
static void cells_secret(struct row *r, const cf_node *o)
{
	const char *type = SP(o, "type");

	c_str(r, type ? type : "Opaque");
	c_int(r, (int64_t)cf_node_count(cf_node_get(o, "data")));
	c_str(r, age(r, o));
}

/* SECRETS is the length of .secrets (0 for token-era accounts). */
static void cells_sa(struct row *r, const cf_node *o)
{
	c_int(r, (int64_t)cf_node_count(cf_node_get(o, "secrets")));
	c_str(r, age(r, o));
}

/* makePortString: port[:nodePort]/protocol, TCP when unset, as in
 * "80/TCP,443:30443/TCP". */
static const char *port_string(struct row *r, const cf_node *ports)
{
	cf_buf b = CF_BUF_INIT;

	for (size_t i = 0; i < cf_node_count(ports); i++) {
		const cf_node *p = cf_node_at(ports, i);
		const char *proto = SP(p, "protocol");
		int64_t np = I(cf_node_get(p, "nodePort"), 0);

		if (i)
			cf_buf_addch(&b, ',');
		if (np > 0)
			cf_buf_addf(&b, "%" PRId64 ":%" PRId64 "/%s",
			    I(cf_node_get(p, "port"), 0), np, proto ? proto : "TCP");
		else
			cf_buf_addf(&b, "%" PRId64 "/%s",
			    I(cf_node_get(p, "port"), 0), proto ? proto : "TCP");
	}
	return take_buf(r, &b);
}

/* Load-balancer ingress points: ip, else hostname, joined by ",".
 * Shared by Services and Ingresses: their status shapes match. */
static const char *lb_ingress(struct row *r, const cf_node *lb)
{
	const cf_node *ing = cf_node_get(lb, "ingress");
	cf_buf b = CF_BUF_INIT;
	size_t k = 0;

	for (size_t i = 0; i < cf_node_count(ing); i++) {
		const cf_node *e = cf_node_at(ing, i);
		const char *v = SP(e, "ip");

		if (!v || !*v)
			v = SP(e, "hostname");
		if (v && *v)
			cf_buf_addf(&b, "%s%s", k++ ? "," : "", v);
	}
	return take_buf(r, &b);
}

/*
 * getServiceExternalIP: depends on the type. LoadBalancer shows its
 * ingress points (plus external IPs) or <pending> until it has one;
 * ExternalName shows the DNS name.
 */
static const char *service_external_ip(struct row *r, const cf_node *o,
    const char *type)
{
	const char *ext = join_field(r, P(o, "spec", "externalIPs"), NULL, ",");
	const char *lb;

	if (!strcmp(type, "ClusterIP") || !strcmp(type, "NodePort"))
		return or_none(ext);
	if (!strcmp(type, "LoadBalancer")) {
		lb = lb_ingress(r, P(o, "status", "loadBalancer"));
		if (*ext)
			return *lb ? cf_arena_printf(r->a, "%s,%s", lb, ext) : ext;
		return *lb ? lb : "<pending>";
	}
	if (!strcmp(type, "ExternalName"))
		return SP(o, "spec", "externalName");
	return "<unknown>";
}

/* clusterIPs[0] is preferred over clusterIP, as dual-stack services have
 * both and the printer shows the primary. */
static void cells_service(struct row *r, const cf_node *o)
{
	const char *type = SP(o, "spec", "type");
	const char *ip = cf_node_as_str(cf_node_at(P(o, "spec", "clusterIPs"), 0));
	const char *ports;

	if (!type)
		type = "ClusterIP";
	if (!ip)
		ip = SP(o, "spec", "clusterIP");
	ports = port_string(r, P(o, "spec", "ports"));
	c_str(r, type);
	c_str(r, or_none(ip));
	c_str(r, service_external_ip(r, o, type));
	c_str(r, or_none(ports));
	c_str(r, age(r, o));
	c_str(r, format_labels(r, P(o, "spec", "selector")));
}

/* formatEndpoints: ip:port pairs across subsets (IPv6 bracketed), or bare
 * IPs for port-less headless subsets. */
static void cells_endpoints(struct row *r, const cf_node *o)
{
	const cf_node *subsets = cf_node_get(o, "subsets");
	cf_buf b = CF_BUF_INIT;
	size_t shown = 0, count = 0;

	/* At most three ip:port pairs, then " + N more...". */
	for (size_t i = 0; i < cf_node_count(subsets); i++) {
		const cf_node *ss = cf_node_at(subsets, i);
		const cf_node *addrs = cf_node_get(ss, "addresses");
		const cf_node *ports = cf_node_get(ss, "ports");
		size_t np = cf_node_count(ports);

		for (size_t p = 0; p < (np ? np : 1); p++) {
			count += cf_node_count(addrs);
			for (size_t k = 0; k < cf_node_count(addrs); k++) {
				const char *ip = SP(cf_node_at(addrs, k), "ip");

				if (shown == 3)
					break;
				if (np)
					cf_buf_addf(&b, "%s%s%s%s:%" PRId64,
					    shown ? "," : "",
					    ip && strchr(ip, ':') ? "[" : "", ip ? ip : "",
					    ip && strchr(ip, ':') ? "]" : "",
					    I(cf_node_get(cf_node_at(ports, p), "port"), 0));
				else
					cf_buf_addf(&b, "%s%s", shown ? "," : "",
					    ip ? ip : "");
				shown++;
			}
		}
	}
	c_capped(r, &b, count, "<none>");
	cf_buf_release(&b);
	c_str(r, age(r, o));
}

/* A condition of type with exactly this status. */
static bool has_condition(const cf_node *conds, const char *type,
    const char *status)
{
	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const cf_node *c = cf_node_at(conds, i);
		const char *t = SP(c, "type"), *s = SP(c, "status");

		if (t && !strcmp(t, type) && s && !strcmp(s, status))
			return true;
	}
	return false;
}

/* The pod's reason after its init containers; NULL when they are done. */
/*
 * printPod's init-container pass: the first init container that has not
 * succeeded decides the status (Init:Error, Init:CrashLoopBackOff or
 * Init:i/n while it runs). Restarts of init containers are counted too.
 */
static const char *pod_init_reason(struct row *r, const cf_node *o,
    int64_t *restarts)
{
	const cf_node *st = P(o, "status", "initContainerStatuses");
	size_t total = cf_node_count(P(o, "spec", "initContainers"));

	for (size_t i = 0; i < cf_node_count(st); i++) {
		const cf_node *c = cf_node_at(st, i);
		const cf_node *term = P(c, "state", "terminated");
		const char *wr = SP(c, "state", "waiting", "reason");

		*restarts += I(cf_node_get(c, "restartCount"), 0);
		if (term && I(cf_node_get(term, "exitCode"), 0) == 0)
			continue;
		if (term) {
			const char *tr = SP(term, "reason");
			int64_t sig = I(cf_node_get(term, "signal"), 0);

			if (tr && *tr)
				return cf_arena_printf(r->a, "Init:%s", tr);
			if (sig)
				return cf_arena_printf(r->a, "Init:Signal:%" PRId64, sig);
			return cf_arena_printf(r->a, "Init:ExitCode:%" PRId64,
			    I(cf_node_get(term, "exitCode"), 0));
		}
		if (wr && *wr && strcmp(wr, "PodInitializing"))
			return cf_arena_printf(r->a, "Init:%s", wr);
		/* Sidecars (restartPolicy Always) that started count as done. */
		if (is_true(P(c, "started")) && P(c, "state", "running"))
			continue;
		return cf_arena_printf(r->a, "Init:%zu/%zu", i, total);
	}
	return NULL;
}

/*
 * printPod: STATUS starts from status.reason or the phase and is then
 * overridden by container states (waiting reason, terminated reason or
 * exit code), "Terminating" for a pod being deleted, and "Running" /
 * "NotReady" when a completed container coexists with running ones.
 * RESTARTS adds "(age ago)" of the last restart when there was one.
 */
static void cells_pod(struct row *r, const cf_node *o)
{
	const cf_node *cs = P(o, "status", "containerStatuses");
	const char *reason = SP(o, "status", "reason"), *init;
	const char *phase = SP(o, "status", "phase"), *last_restart = NULL;
	int64_t restarts = 0, ready = 0, total;
	const cf_node *gates = P(o, "spec", "readinessGates");
	bool running = false;

	if (!reason || !*reason)
		reason = phase ? phase : "";
	total = (int64_t)cf_node_count(P(o, "spec", "containers"));
	for (size_t i = 0; i < cf_node_count(P(o, "status", "conditions")); i++) {
		const cf_node *c = cf_node_at(P(o, "status", "conditions"), i);

		if (SP(c, "type") && !strcmp(SP(c, "type"), "PodScheduled") &&
		    SP(c, "reason") && !strcmp(SP(c, "reason"), "SchedulingGated"))
			reason = "SchedulingGated";
	}
	init = pod_init_reason(r, o, &restarts);
	if (init) {
		reason = init;
	} else {
		/* Walk backwards so the first container's state wins. */
		restarts = 0;
		for (size_t i = cf_node_count(cs); i-- > 0;) {
			const cf_node *c = cf_node_at(cs, i);
			const cf_node *term = P(c, "state", "terminated");
			const char *wr = SP(c, "state", "waiting", "reason");
			const char *fin = SP(c, "lastState", "terminated",
			    "finishedAt");

			restarts += I(cf_node_get(c, "restartCount"), 0);
			if (fin && (!last_restart || strcmp(fin, last_restart) > 0))
				last_restart = fin;
			if (wr && *wr) {
				reason = wr;
			} else if (term && SP(term, "reason") && *SP(term, "reason")) {
				reason = SP(term, "reason");
			} else if (term) {
				int64_t sig = I(cf_node_get(term, "signal"), 0);

				reason = sig ? cf_arena_printf(r->a, "Signal:%" PRId64,
				    sig) : cf_arena_printf(r->a, "ExitCode:%" PRId64,
				    I(cf_node_get(term, "exitCode"), 0));
			} else if (is_true(cf_node_get(c, "ready")) &&
			    P(c, "state", "running")) {
				running = true;
				ready++;
			}
		}
		if (!strcmp(reason, "Completed") && running)
			reason = has_condition(P(o, "status", "conditions"),
			    "Ready", "True") ? "Running" : "NotReady";
	}
	if (P(o, "metadata", "deletionTimestamp") &&
	    SP(o, "status", "reason") &&
	    !strcmp(SP(o, "status", "reason"), "NodeLost"))
		reason = "Unknown";
	else if (P(o, "metadata", "deletionTimestamp") && !(phase &&
	    (!strcmp(phase, "Succeeded") || !strcmp(phase, "Failed"))))
		reason = "Terminating";

	c_str(r, cf_arena_printf(r->a, "%" PRId64 "/%" PRId64, ready, total));
	c_str(r, reason);
	if (restarts && last_restart)
		c_str(r, cf_arena_printf(r->a, "%" PRId64 " (%s ago)", restarts,
		    since(r, last_restart)));
	else
		c_str(r, cf_arena_printf(r->a, "%" PRId64, restarts));
	c_str(r, age(r, o));
	c_str(r, or_none(SP(o, "status", "podIP")));
	c_str(r, or_none(SP(o, "spec", "nodeName")));
	c_str(r, or_none(SP(o, "status", "nominatedNodeName")));
	if (cf_node_count(gates)) {
		size_t ok = 0;

		for (size_t i = 0; i < cf_node_count(gates); i++) {
			const char *ct = SP(cf_node_at(gates, i), "conditionType");

			if (ct && has_condition(P(o, "status", "conditions"), ct,
			    "True"))
				ok++;
		}
		c_str(r, cf_arena_printf(r->a, "%zu/%zu", ok,
		    cf_node_count(gates)));
	} else {
		c_str(r, "<none>");
	}
}

/* OBJECT shows the kind lowercased: "kustomization/apps". */
static char *lower(cf_arena *a, const char *s)
{
	char *o = cf_arena_strdup(a, s ? s : "");

	for (char *c = o; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return o;
}

/* Event messages are trimmed; controllers often end them with \n. */
static char *trim(cf_arena *a, const char *s)
{
	size_t n;

	if (!s)
		return cf_arena_strdup(a, "");
	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return cf_arena_strndup(a, s, n);
}

/* core/v1 events; events.k8s.io events are mapped onto the same fields
 * (regarding → involvedObject, note → message, deprecated* → legacy). */
/*
 * printEvent: LAST SEEN prefers the series' last observation, then
 * lastTimestamp, then the first time; FIRST SEEN falls back to eventTime
 * for events.k8s.io-style events; SOURCE joins component and host.
 */
static void cells_event_common(struct row *r, const cf_node *o,
    const cf_node *inv, const char *message, const char *first_ts,
    const char *last_ts, int64_t count, const cf_node *source,
    const char *rep_controller, const char *rep_instance)
{
	const char *first, *last, *kind = SP(inv, "kind"), *name = SP(inv, "name");
	const char *comp = SP(source, "component"), *host = SP(source, "host");
	const cf_node *series = cf_node_get(o, "series");

	first = first_ts ? since(r, first_ts) :
	    since(r, SP(o, "eventTime"));
	last = last_ts ? since(r, last_ts) : first;
	if (series) {
		last = since(r, SP(series, "lastObservedTime"));
		count = I(cf_node_get(series, "count"), count);
	} else if (count == 0) {
		count = 1;
	}
	if (!comp || !*comp)
		comp = rep_controller;
	if (!host || !*host)
		host = rep_instance;
	c_str(r, last);
	c_str(r, SP(o, "type"));
	c_str(r, SP(o, "reason"));
	c_str(r, name && *name ? cf_arena_printf(r->a, "%s/%s",
	    lower(r->a, kind), name) : lower(r->a, kind));
	c_str(r, SP(inv, "fieldPath"));
	c_str(r, host && *host ? cf_arena_printf(r->a, "%s, %s",
	    comp ? comp : "", host) : comp);
	c_str(r, trim(r->a, message));
	c_str(r, first);
	c_int(r, count);
	c_str(r, SP(o, "metadata", "name"));
}

static void cells_event(struct row *r, const cf_node *o)
{
	cells_event_common(r, o, cf_node_get(o, "involvedObject"),
	    SP(o, "message"), SP(o, "firstTimestamp"), SP(o, "lastTimestamp"),
	    I(cf_node_get(o, "count"), 0), cf_node_get(o, "source"),
	    SP(o, "reportingComponent"), SP(o, "reportingInstance"));
}

static void cells_event_v1(struct row *r, const cf_node *o)
{
	cells_event_common(r, o, cf_node_get(o, "regarding"), SP(o, "note"),
	    SP(o, "deprecatedFirstTimestamp"), SP(o, "deprecatedLastTimestamp"),
	    I(cf_node_get(o, "deprecatedCount"), 0),
	    cf_node_get(o, "deprecatedSource"), SP(o, "reportingController"),
	    SP(o, "reportingInstance"));
}

/* CAPACITY and ACCESS MODES stay empty until the claim is bound, and
 * modes are abbreviated in a fixed order (RWO, ROX, RWX, RWOP). */
static void cells_pvc(struct row *r, const cf_node *o)
{
	const char *vol = SP(o, "spec", "volumeName");
	const char *sc = SP(o, "spec", "storageClassName");
	const char *vac = SP(o, "spec", "volumeAttributesClassName");
	const char *mode = SP(o, "spec", "volumeMode");
	const cf_node *modes = P(o, "status", "accessModes");
	cf_buf b = CF_BUF_INIT;
	const char *cap = "";
	static const char *const short_modes[][2] = {
		{ "ReadWriteOnce", "RWO" }, { "ReadOnlyMany", "ROX" },
		{ "ReadWriteMany", "RWX" }, { "ReadWriteOncePod", "RWOP" },
	};

	/* Capacity and modes are shown only once the claim is bound. */
	if (vol && *vol) {
		size_t k = 0;

		for (size_t m = 0; m < CF_ARRAY_SIZE(short_modes); m++)
			for (size_t i = 0; i < cf_node_count(modes); i++)
				if (cf_node_as_str(cf_node_at(modes, i)) &&
				    !strcmp(cf_node_as_str(cf_node_at(modes, i)),
				    short_modes[m][0])) {
					cf_buf_addf(&b, "%s%s", k++ ? "," : "",
					    short_modes[m][1]);
					break;
				}
		cap = SP(o, "status", "capacity", "storage");
	}
	if (!sc)
		sc = SP(o, "metadata", "annotations",
		    "volume.beta.kubernetes.io/storage-class");
	c_str(r, SP(o, "status", "phase"));
	c_str(r, vol);
	c_str(r, cap);
	c_str(r, b.buf);
	c_str(r, sc);
	c_str(r, vac && *vac ? vac : "<unset>");
	c_str(r, age(r, o));
	c_str(r, mode ? mode : "<unset>");
	cf_buf_release(&b);
}

/* Quota lines are sorted by resource name; limits.* go to LIMIT and
 * everything else to REQUEST, each as used/hard; AGE comes last. */
static void cells_quota(struct row *r, const cf_node *o)
{
	const cf_node *hard = P(o, "status", "hard"), *used = P(o, "status", "used");
	size_t n = cf_node_count(hard);
	cf_buf req = CF_BUF_INIT, lim = CF_BUF_INIT;
	cf_pair *pairs = NULL;

	if (n) {
		pairs = cf_arena_alloc(r->a, n * sizeof(*pairs));
		memcpy(pairs, hard->v.pairs, n * sizeof(*pairs));
		qsort(pairs, n, sizeof(*pairs), cmp_pair);
	}
	for (size_t i = 0; i < n; i++) {
		const char *u = cf_node_as_str(cf_node_get(used, pairs[i].key));
		cf_buf *w = !strncmp(pairs[i].key, "limits.", 7) ? &lim : &req;

		cf_buf_addf(w, "%s%s: %s/%s", w->len ? ", " : "", pairs[i].key,
		    u ? u : "0", cf_jsonpath_text(r->a, pairs[i].val));
	}
	c_str(r, req.buf);
	c_str(r, lim.buf);
	c_str(r, age(r, o));
	cf_buf_release(&req);
	cf_buf_release(&lim);
}

static void cells_deployment(struct row *r, const cf_node *o)
{
	c_str(r, ready_replicas(r, o));
	c_int(r, I(P(o, "status", "updatedReplicas"), 0));
	c_int(r, I(P(o, "status", "availableReplicas"), 0));
	c_age_template(r, o, cf_node_get(o, "spec"), true);
}

static void cells_replicaset(struct row *r, const cf_node *o)
{
	c_int(r, I(P(o, "spec", "replicas"), 1));
	c_int(r, I(P(o, "status", "replicas"), 0));
	c_int(r, I(P(o, "status", "readyReplicas"), 0));
	c_age_template(r, o, cf_node_get(o, "spec"), true);
}

static void cells_statefulset(struct row *r, const cf_node *o)
{
	c_str(r, ready_replicas(r, o));
	c_age_template(r, o, cf_node_get(o, "spec"), false);
}

static void cells_daemonset(struct row *r, const cf_node *o)
{
	c_int(r, I(P(o, "status", "desiredNumberScheduled"), 0));
	c_int(r, I(P(o, "status", "currentNumberScheduled"), 0));
	c_int(r, I(P(o, "status", "numberReady"), 0));
	c_int(r, I(P(o, "status", "updatedNumberScheduled"), 0));
	c_int(r, I(P(o, "status", "numberAvailable"), 0));
	c_str(r, format_labels(r, P(o, "spec", "template", "spec",
	    "nodeSelector")));
	c_age_template(r, o, cf_node_get(o, "spec"), true);
}

/*
 * STATUS follows the condition precedence of printJob (Complete, Failed,
 * Terminating, FailureTarget, Suspended, SuccessCriteriaMet, Running);
 * COMPLETIONS shows "n/1 of p" for parallel jobs without completions;
 * DURATION runs until now while the job is still active.
 */
static void cells_job(struct row *r, const cf_node *o)
{
	const cf_node *conds = P(o, "status", "conditions");
	const cf_node *comp = P(o, "spec", "completions");
	int64_t succeeded = I(P(o, "status", "succeeded"), 0);
	int64_t par = I(P(o, "spec", "parallelism"), 1);
	const char *start = SP(o, "status", "startTime");
	const char *end = SP(o, "status", "completionTime");
	const char *status, *duration = "";
	int64_t ts, te;
	char buf[32];

	if (has_condition(conds, "Complete", "True"))
		status = "Complete";
	else if (has_condition(conds, "Failed", "True"))
		status = "Failed";
	else if (P(o, "metadata", "deletionTimestamp"))
		status = "Terminating";
	else if (has_condition(conds, "FailureTarget", "True"))
		status = "FailureTarget";
	else if (has_condition(conds, "Suspended", "True"))
		status = "Suspended";
	else if (has_condition(conds, "SuccessCriteriaMet", "True"))
		status = "SuccessCriteriaMet";
	else
		status = "Running";
	c_str(r, status);
	if (comp && comp->type != CF_NODE_NULL)
		c_str(r, cf_arena_printf(r->a, "%" PRId64 "/%" PRId64, succeeded,
		    I(comp, 0)));
	else if (par > 1)
		c_str(r, cf_arena_printf(r->a, "%" PRId64 "/1 of %" PRId64,
		    succeeded, par));
	else
		c_str(r, cf_arena_printf(r->a, "%" PRId64 "/1", succeeded));
	if (start && cf_time_parse(&ts, start) == 0) {
		if (!end || cf_time_parse(&te, end) < 0)
			te = r->now;
		duration = cf_arena_strdup(r->a, cf_human_duration(buf, te - ts));
	}
	c_str(r, duration);
	c_age_template(r, o, cf_node_get(o, "spec"), true);
}

/* TIMEZONE and LAST SCHEDULE print <none> until set. */
static void cells_cronjob(struct row *r, const cf_node *o)
{
	const char *tz = SP(o, "spec", "timeZone");
	const char *last = SP(o, "status", "lastScheduleTime");

	c_str(r, SP(o, "spec", "schedule"));
	c_str(r, tz ? tz : "<none>");
	/* The server defaults suspend to false before anyone reads it. */
	c_bool(r, P(o, "spec", "suspend"));
	c_int(r, (int64_t)cf_node_count(P(o, "status", "active")));
	c_str(r, last ? since(r, last) : "<none>");
	c_age_template(r, o, P(o, "spec", "jobTemplate", "spec"), true);
}

/* TARGETS lists up to two metrics as "name: current/target". */
static void cells_hpa(struct row *r, const cf_node *o)
{
	const cf_node *metrics = P(o, "spec", "metrics");
	const cf_node *current = P(o, "status", "currentMetrics");
	const cf_node *minr = P(o, "spec", "minReplicas");
	cf_buf b = CF_BUF_INIT;
	size_t n = cf_node_count(metrics);

	c_str(r, kind_slash_name(r, P(o, "spec", "scaleTargetRef")));
	/* Resource metrics only; other metric types print "<unknown type>".
	 * The status entry is matched by position, as formatHPAMetrics does. */
	for (size_t i = 0; i < n && i < 2; i++) {
		const cf_node *m = cf_node_at(metrics, i);
		const cf_node *st = P(cf_node_at(current, i), "resource", "current");
		const char *type = SP(m, "type");
		const char *res = SP(m, "resource", "name");
		const char *avg = SP(m, "resource", "target", "averageValue");
		const cf_node *util = P(m, "resource", "target",
		    "averageUtilization");
		const char *cur = "<unknown>", *target = "<auto>";

		if (i)
			cf_buf_adds(&b, ", ");
		if (!type || strcmp(type, "Resource") || !res) {
			cf_buf_adds(&b, "<unknown type>");
			continue;
		}
		if (avg) {
			if (SP(st, "averageValue"))
				cur = SP(st, "averageValue");
			target = avg;
		} else {
			if (P(st, "averageUtilization"))
				cur = cf_arena_printf(r->a, "%" PRId64 "%%",
				    I(P(st, "averageUtilization"), 0));
			if (util)
				target = cf_arena_printf(r->a, "%" PRId64 "%%",
				    I(util, 0));
		}
		cf_buf_addf(&b, "%s: %s/%s", res, cur, target);
	}
	if (n > 2)
		cf_buf_addf(&b, " + %zu more...", n - 2);
	c_str(r, n ? b.buf : "<none>");
	cf_buf_release(&b);
	c_str(r, minr ? cf_arena_printf(r->a, "%" PRId64, I(minr, 1)) :
	    "<unset>");
	c_int(r, I(P(o, "spec", "maxReplicas"), 0));
	c_int(r, I(P(o, "status", "currentReplicas"), 0));
	c_str(r, age(r, o));
}

static void cells_ingress(struct row *r, const cf_node *o)
{
	const cf_node *rules = P(o, "spec", "rules");
	const char *cls = SP(o, "spec", "ingressClassName");
	cf_buf b = CF_BUF_INIT;
	size_t shown = 0, count = 0;

	for (size_t i = 0; i < cf_node_count(rules); i++) {
		const char *h = SP(cf_node_at(rules, i), "host");

		if (!h || !*h)
			continue;
		count++;
		if (shown < 3)
			cf_buf_addf(&b, "%s%s", shown++ ? "," : "", h);
	}
	c_str(r, cls ? cls : "<none>");
	c_capped(r, &b, count, "*");
	cf_buf_release(&b);
	c_str(r, lb_ingress(r, P(o, "status", "loadBalancer")));
	c_str(r, cf_node_count(P(o, "spec", "tls")) ? "80, 443" : "80");
	c_str(r, age(r, o));
}

/* POD-SELECTOR <none> means all pods of the namespace. */
static void cells_netpol(struct row *r, const cf_node *o)
{
	const cf_node *ps = P(o, "spec", "podSelector");

	/* An absent podSelector is the empty one: everything. */
	c_str(r, format_selector(r, ps ? ps : cf_node_map(r->a)));
	c_str(r, age(r, o));
}

/* N/A for whichever of min/max is not set. */
static void cells_pdb(struct row *r, const cf_node *o)
{
	const cf_node *mina = P(o, "spec", "minAvailable");
	const cf_node *maxu = P(o, "spec", "maxUnavailable");

	c_str(r, mina ? int_or_string(r, mina) : "N/A");
	c_str(r, maxu ? int_or_string(r, maxu) : "N/A");
	c_int(r, I(P(o, "status", "disruptionsAllowed"), 0));
	c_str(r, age(r, o));
}

/* Role is kind/name; the wide columns split subjects by kind, and
 * service accounts print as namespace/name. */
static void cells_binding(struct row *r, const cf_node *o)
{
	const cf_node *subj = cf_node_get(o, "subjects");
	cf_buf users = CF_BUF_INIT, groups = CF_BUF_INIT, sas = CF_BUF_INIT;

	for (size_t i = 0; i < cf_node_count(subj); i++) {
		const cf_node *s = cf_node_at(subj, i);
		const char *k = SP(s, "kind"), *n = SP(s, "name");
		const char *ns = SP(s, "namespace");

		if (!k || !n)
			continue;
		if (!strcmp(k, "User"))
			cf_buf_addf(&users, "%s%s", users.len ? ", " : "", n);
		else if (!strcmp(k, "Group"))
			cf_buf_addf(&groups, "%s%s", groups.len ? ", " : "", n);
		else if (!strcmp(k, "ServiceAccount"))
			cf_buf_addf(&sas, "%s%s/%s", sas.len ? ", " : "",
			    ns ? ns : "", n);
	}
	c_str(r, kind_slash_name(r, cf_node_get(o, "roleRef")));
	c_str(r, age(r, o));
	c_str(r, users.buf);
	c_str(r, groups.buf);
	c_str(r, sas.buf);
	cf_buf_release(&users);
	cf_buf_release(&groups);
	cf_buf_release(&sas);
}

/* HOLDER is what leader election writes: "<pod>_<uuid>". */
static void cells_lease(struct row *r, const cf_node *o)
{
	c_str(r, SP(o, "spec", "holderIdentity"));
	c_str(r, age(r, o));
}

/* Defaults are the API's: Delete, Immediate, no expansion. */
static void cells_storageclass(struct row *r, const cf_node *o)
{
	const char *rp = SP(o, "reclaimPolicy"), *vbm = SP(o, "volumeBindingMode");

	c_str(r, SP(o, "provisioner"));
	c_str(r, rp ? rp : "Delete");
	c_str(r, vbm ? vbm : "Immediate");
	c_str(r, is_true(cf_node_get(o, "allowVolumeExpansion")) ? "true" :
	    "false");
	c_str(r, age(r, o));
}

/* PREEMPTIONPOLICY is empty when unset (the API defaults it anyway). */
static void cells_priorityclass(struct row *r, const cf_node *o)
{
	const char *pp = SP(o, "preemptionPolicy");

	c_int(r, I(cf_node_get(o, "value"), 0));
	c_bool(r, cf_node_get(o, "globalDefault"));
	c_str(r, age(r, o));
	c_str(r, pp);
}

/* ---- the printer table ---- */

/*
 * The dispatch table: (group, plural) → columns and a cell function, in
 * the style of the scheme table. Anything not listed (CRDs, reviews,
 * custom resources without columns) gets the generic convertor.
 */
struct printer {
	const char *group, *plural;
	const cf_table_column *cols;
	size_t ncols;
	void (*cells)(struct row *r, const cf_node *obj);
	bool name_first; /* events put Name last (and wide) */
};

#define PR(g, p, cols, fn) { g, p, cols, CF_ARRAY_SIZE(cols), fn, true }

static const struct printer printers[] = {
	PR("", "namespaces", cols_namespace, cells_namespace),
	PR("", "configmaps", cols_configmap, cells_configmap),
	PR("", "secrets", cols_secret, cells_secret),
	PR("", "serviceaccounts", cols_sa, cells_sa),
	PR("", "services", cols_service, cells_service),
	PR("", "endpoints", cols_endpoints, cells_endpoints),
	PR("", "pods", cols_pod, cells_pod),
	{ "", "events", cols_event, CF_ARRAY_SIZE(cols_event), cells_event,
	    false },
	PR("", "persistentvolumeclaims", cols_pvc, cells_pvc),
	PR("", "resourcequotas", cols_quota, cells_quota),
	PR("apps", "deployments", cols_deployment, cells_deployment),
	PR("apps", "replicasets", cols_replicaset, cells_replicaset),
	PR("apps", "statefulsets", cols_statefulset, cells_statefulset),
	PR("apps", "daemonsets", cols_daemonset, cells_daemonset),
	{ "events.k8s.io", "events", cols_event, CF_ARRAY_SIZE(cols_event),
	    cells_event_v1, false },
	PR("autoscaling", "horizontalpodautoscalers", cols_hpa, cells_hpa),
	PR("batch", "jobs", cols_job, cells_job),
	PR("batch", "cronjobs", cols_cronjob, cells_cronjob),
	PR("networking.k8s.io", "ingresses", cols_ingress, cells_ingress),
	PR("networking.k8s.io", "networkpolicies", cols_netpol, cells_netpol),
	PR("policy", "poddisruptionbudgets", cols_pdb, cells_pdb),
	PR("rbac.authorization.k8s.io", "rolebindings", cols_binding,
	    cells_binding),
	PR("rbac.authorization.k8s.io", "clusterrolebindings", cols_binding,
	    cells_binding),
	PR("coordination.k8s.io", "leases", cols_lease, cells_lease),
	PR("storage.k8s.io", "storageclasses", cols_storageclass,
	    cells_storageclass),
	PR("scheduling.k8s.io", "priorityclasses", cols_priorityclass,
	    cells_priorityclass),
};

static const struct printer fallback = {
	NULL, NULL, cols_default, CF_ARRAY_SIZE(cols_default), cells_default,
	true,
};

/* CRD-defined resources never use a built-in printer, even if they
 * reuse a built-in plural in their own group. */
static const struct printer *find_printer(const cf_resource_def *r)
{
	for (size_t i = 0; r && !(r->flags & CF_RES_CUSTOM) &&
	    i < CF_ARRAY_SIZE(printers); i++)
		if (!strcmp(printers[i].group, r->group ? r->group : "") &&
		    !strcmp(printers[i].plural, r->plural))
			return &printers[i];
	return &fallback;
}

size_t cf_table_columns(const cf_table_column **out, const cf_resource_def *r)
{
	const struct printer *p = find_printer(r);

	*out = p->cols;
	return p->ncols;
}

/* The server's message for a bad includeObject value is a validation
 * error on the query parameter. */
int cf_table_include_parse(enum cf_table_include *out, const char *s)
{
	if (!s || !*s || !strcmp(s, "Metadata"))
		*out = CF_TABLE_INCLUDE_METADATA;
	else if (!strcmp(s, "None"))
		*out = CF_TABLE_INCLUDE_NONE;
	else if (!strcmp(s, "Object"))
		*out = CF_TABLE_INCLUDE_OBJECT;
	else
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "includeObject: Unsupported value: \"%s\": supported values: "
		    "\"None\", \"Metadata\", \"Object\"", s);
	return 0;
}

/* ---- document assembly ---- */

/* The Table skeleton. Column fields are never omitted (Go has no
 * omitempty on them), so format "" and priority 0 are written. */
static cf_node *table_new(cf_arena *a, const cf_table_column *cols,
    size_t n, const cf_table_column *name_col, const cf_table_opts *o)
{
	cf_node *t = cf_node_map(a), *md, *defs = cf_node_seq(a);

	cf_node_set(a, t, "kind", cf_node_str(a, "Table"));
	cf_node_set(a, t, "apiVersion", cf_node_str(a, "meta.k8s.io/v1"));
	md = cf_node_set_map(a, t, "metadata");
	if (o->resource_version)
		cf_node_set(a, md, "resourceVersion",
		    cf_node_str(a, o->resource_version));
	if (o->cont && *o->cont)
		cf_node_set(a, md, "continue", cf_node_str(a, o->cont));
	for (size_t i = 0; i < n + (name_col ? 1 : 0); i++) {
		const cf_table_column *c = name_col ? (i ? &cols[i - 1] :
		    name_col) : &cols[i];
		cf_node *d = cf_node_map(a);

		cf_node_set(a, d, "name", cf_node_str(a, c->name ? c->name : ""));
		cf_node_set(a, d, "type", cf_node_str(a, c->type ? c->type :
		    "string"));
		cf_node_set(a, d, "format", cf_node_str(a, c->format ?
		    c->format : ""));
		cf_node_set(a, d, "description", cf_node_str(a, c->description ?
		    c->description : ""));
		cf_node_set(a, d, "priority", cf_node_int(a, c->priority));
		cf_node_push(a, defs, d);
	}
	cf_node_set(a, t, "columnDefinitions", defs);
	cf_node_set(a, t, "rows", cf_node_seq(a));
	return t;
}

/* Start a row; the caller fills cells, then row_finish attaches the
 * object as includeObject asks. */
/*
 * includeObject: Metadata (the default) embeds a PartialObjectMetadata,
 * which kubectl needs for -A and --show-labels; Object embeds the whole
 * object; None leaves null.
 */
static cf_node *row_object(cf_arena *a, const cf_node *obj,
    const cf_table_opts *o)
{
	cf_node *pom;

	switch (o->include) {
	case CF_TABLE_INCLUDE_NONE:
		return cf_node_null(a);
	case CF_TABLE_INCLUDE_OBJECT:
		return cf_node_dup(a, obj);
	case CF_TABLE_INCLUDE_METADATA:
		break;
	}
	pom = cf_node_map(a);
	cf_node_set(a, pom, "kind", cf_node_str(a, "PartialObjectMetadata"));
	cf_node_set(a, pom, "apiVersion", cf_node_str(a, "meta.k8s.io/v1"));
	cf_node_set(a, pom, "metadata", cf_node_get(obj, "metadata") ?
	    cf_node_dup(a, cf_node_get(obj, "metadata")) : cf_node_map(a));
	return pom;
}

/* Row conditions are never set by kube-apiserver's printers. */
static void push_row(cf_arena *a, cf_node *table, cf_node *cells,
    const cf_node *obj, const cf_table_opts *o)
{
	cf_node *row = cf_node_map(a);

	cf_node_set(a, row, "cells", cells);
	cf_node_set(a, row, "object", row_object(a, obj, o));
	cf_node_push(a, cf_node_get(table, "rows"), row);
}

/* NULL options mean defaults; a zero clock means now. */
static void opts_default(cf_table_opts *o, const cf_table_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->now)
		o->now = (int64_t)time(NULL);
}

/* Name is the first cell except for events, whose printer puts it
 * last (and only in the wide set). */
cf_node *cf_table_build(cf_arena *a, const cf_resource_def *r,
    const cf_node *const *objs, size_t n, const cf_table_opts *opts)
{
	const struct printer *p = find_printer(r);
	cf_table_opts o;
	cf_node *t;

	opts_default(&o, opts);
	t = table_new(a, p->cols, p->ncols, NULL, &o);
	for (size_t i = 0; i < n; i++) {
		struct row row = { a, cf_node_seq(a), o.now };

		if (p->name_first)
			c_str(&row, SP(objs[i], "metadata", "name"));
		p->cells(&row, objs[i]);
		push_row(a, t, row.cells, objs[i], &o);
	}
	return t;
}

/* cellForJSONValue: a printer column's value typed as declared. */
/*
 * cellForJSONValue: a value of the wrong JSON type for the column gives
 * null (an empty cell), a date that does not parse "<invalid>". String
 * columns accept any value and print it as kubectl's JSONPath would.
 */
static cf_node *custom_cell(struct row *r, const cf_table_column *c,
    const cf_node *v)
{
	const char *type = c->type ? c->type : "string";
	double f;
	int64_t t;
	char buf[32];

	if (!v || v->type == CF_NODE_NULL)
		return cf_node_null(r->a);
	if (!strcmp(type, "string"))
		return cf_node_str(r->a, cf_jsonpath_text(r->a, v));
	if (!strcmp(type, "integer")) {
		if (v->type == CF_NODE_INT)
			return cf_node_dup(r->a, v);
		if (v->type == CF_NODE_FLOAT)
			return cf_node_int(r->a, (int64_t)v->v.f);
	} else if (!strcmp(type, "number")) {
		if (v->type == CF_NODE_INT && cf_node_as_int(v, &t))
			return cf_node_float(r->a, (double)t);
		if (v->type == CF_NODE_FLOAT) {
			f = v->v.f;
			return cf_node_float(r->a, f);
		}
	} else if (!strcmp(type, "boolean")) {
		if (v->type == CF_NODE_BOOL)
			return cf_node_bool(r->a, v->v.b);
	} else if (!strcmp(type, "date")) {
		if (v->type == CF_NODE_STR) {
			if (cf_time_parse(&t, v->v.s) < 0)
				return cf_node_str(r->a, "<invalid>");
			return cf_node_str(r->a, cf_human_duration(buf, r->now - t));
		}
	}
	return cf_node_null(r->a);
}

cf_node *cf_table_build_custom(cf_arena *a, const cf_table_column *cols,
    size_t ncols, const cf_node *const *objs, size_t n,
    const cf_table_opts *opts)
{
	static const cf_table_column name_col = COL_NAME;
	static const cf_table_column age_col = {
		"Age", "date", "", CREATED_DESC, 0, ".metadata.creationTimestamp",
	};
	cf_jsonpath **paths;
	cf_table_opts o;
	cf_node *t;

	if (ncols == 0) {
		cols = &age_col;
		ncols = 1;
	}
	opts_default(&o, opts);
	t = table_new(a, cols, ncols, &name_col, &o);
	/* Compile each path once; a bad one yields null cells, as the
	 * server cannot fail a list over a printer column. */
	paths = cf_arena_zalloc(a, ncols * sizeof(*paths));
	for (size_t c = 0; c < ncols; c++)
		if (!cols[c].json_path ||
		    cf_jsonpath_compile(&paths[c], a, cols[c].json_path) < 0)
			paths[c] = NULL;
	for (size_t i = 0; i < n; i++) {
		struct row row = { a, cf_node_seq(a), o.now };

		c_str(&row, SP(objs[i], "metadata", "name"));
		for (size_t c = 0; c < ncols; c++) {
			const cf_node **res;
			size_t nr = paths[c] ? cf_jsonpath_eval(&res, a, paths[c],
			    objs[i]) : 0;

			cf_node_push(a, row.cells, custom_cell(&row, &cols[c],
			    nr ? res[0] : NULL));
		}
		push_row(a, t, row.cells, objs[i], &o);
	}
	return t;
}
