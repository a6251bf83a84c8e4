/* SPDX-License-Identifier: Apache-2.0 */
/* kstatus rules, one table row per case (no server). */
#include <string.h>

#include "apply/health.h"
#include "core/json.h"
#include "test.h"

#define C CF_HEALTH_CURRENT
#define P CF_HEALTH_IN_PROGRESS
#define F CF_HEALTH_FAILED
#define X CF_HEALTH_TERMINATING

#define DEP "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"," \
	"\"metadata\":{\"name\":\"d\",\"generation\":2},"
#define COND(t, s, r) "{\"type\":\"" t "\",\"status\":\"" s \
	"\",\"reason\":\"" r "\",\"message\":\"m-" t "\"}"
#define DEP_OK_STATUS "\"status\":{\"observedGeneration\":2," \
	"\"replicas\":2,\"updatedReplicas\":2,\"readyReplicas\":2," \
	"\"availableReplicas\":2,\"conditions\":[" \
	COND("Progressing", "True", "NewReplicaSetAvailable") "," \
	COND("Available", "True", "MinimumReplicasAvailable") "]}"
#define SPEC2 "\"spec\":{\"replicas\":2,\"progressDeadlineSeconds\":600},"

static const struct {
	const char *name, *obj;
	enum cf_health_status want;
	const char *msg; /* NULL: not checked */
} cases[] = {
	{ "deployment current", DEP SPEC2 DEP_OK_STATUS "}", C,
	    "Deployment is available. Replicas: 2" },
	{ "deployment old generation", DEP SPEC2 "\"status\":"
	    "{\"observedGeneration\":1}}", P,
	    "Deployment generation is 2, but latest observed generation is 1" },
	{ "deployment replicas", DEP SPEC2 "\"status\":{\"replicas\":1}}", P,
	    "Replicas: 1/2" },
	{ "deployment updated", DEP SPEC2 "\"status\":{\"replicas\":2,"
	    "\"updatedReplicas\":1}}", P, "Updated: 1/2" },
	{ "deployment terminating replicas", DEP SPEC2 "\"status\":"
	    "{\"replicas\":3,\"updatedReplicas\":2}}", P,
	    "Pending termination: 1" },
	{ "deployment available", DEP SPEC2 "\"status\":{\"replicas\":2,"
	    "\"updatedReplicas\":2,\"availableReplicas\":1}}", P,
	    "Available: 1/2" },
	{ "deployment deadline", DEP SPEC2 "\"status\":{\"conditions\":["
	    COND("Progressing", "False", "ProgressDeadlineExceeded") "]}}",
	    F, "Progress deadline exceeded" },
	{ "deployment no rs", DEP SPEC2 "\"status\":{\"replicas\":2,"
	    "\"updatedReplicas\":2,\"readyReplicas\":2,"
	    "\"availableReplicas\":2}}", P, "ReplicaSet not Available" },
	{ "deployment default one replica", DEP "\"spec\":{},\"status\":"
	    "{\"replicas\":1,\"updatedReplicas\":1,\"readyReplicas\":1,"
	    "\"availableReplicas\":1,\"conditions\":["
	    COND("Available", "True", "") "]}}", C, NULL },
	{ "deployment no status", DEP "\"spec\":{},\"status\":{}}", P,
	    "Replicas: 0/1" },
	{ "terminating", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
	    "\"metadata\":{\"name\":\"c\",\"deletionTimestamp\":"
	    "\"2024-01-01T00:00:00Z\"}}", X, NULL },
	{ "stalled", "{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\","
	    "\"metadata\":{\"name\":\"t\"},\"status\":{\"conditions\":["
	    COND("Stalled", "True", "Broken") "]}}", F, "m-Stalled" },
	{ "reconciling", "{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\","
	    "\"metadata\":{\"name\":\"t\"},\"status\":{\"conditions\":["
	    COND("Reconciling", "True", "Progressing") "]}}", P, NULL },
	{ "cr ready", "{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\","
	    "\"metadata\":{\"name\":\"t\",\"generation\":3},\"status\":{"
	    "\"observedGeneration\":3,\"conditions\":["
	    COND("Ready", "True", "Succeeded") "]}}", C, NULL },
	{ "cr not ready", "{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\","
	    "\"metadata\":{\"name\":\"t\"},\"status\":{\"conditions\":["
	    COND("Ready", "False", "Failing") "]}}", P, "Failing: m-Ready" },
	{ "cr stale generation", "{\"apiVersion\":\"x.io/v1\",\"kind\":"
	    "\"Thing\",\"metadata\":{\"name\":\"t\",\"generation\":4},"
	    "\"status\":{\"observedGeneration\":3,\"conditions\":["
	    COND("Ready", "True", "Succeeded") "]}}", P, NULL },
	{ "flux object failed", "{\"apiVersion\":"
	    "\"kustomize.toolkit.fluxcd.io/v1\",\"kind\":\"Kustomization\","
	    "\"metadata\":{\"name\":\"k\",\"generation\":2},\"status\":{"
	    "\"observedGeneration\":2,\"conditions\":["
	    COND("Ready", "False", "BuildFailed") "]}}", F,
	    "BuildFailed: m-Ready" },
	{ "flux object not yet observed", "{\"apiVersion\":"
	    "\"kustomize.toolkit.fluxcd.io/v1\",\"kind\":\"Kustomization\","
	    "\"metadata\":{\"name\":\"k\",\"generation\":2},\"status\":{"
	    "\"conditions\":[" COND("Ready", "False", "BuildFailed") "]}}", P,
	    NULL },
	{ "cr no conditions", "{\"apiVersion\":\"x.io/v1\",\"kind\":\"Thing\","
	    "\"metadata\":{\"name\":\"t\"}}", C, NULL },
	{ "statefulset current", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"StatefulSet\",\"metadata\":{\"name\":\"s\"},\"spec\":"
	    "{\"replicas\":1},\"status\":{\"replicas\":1,\"readyReplicas\":1,"
	    "\"currentReplicas\":1,\"currentRevision\":\"r1\","
	    "\"updateRevision\":\"r1\"}}", C, NULL },
	{ "statefulset revision", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"StatefulSet\",\"metadata\":{\"name\":\"s\"},\"spec\":"
	    "{\"replicas\":1},\"status\":{\"replicas\":1,\"readyReplicas\":1,"
	    "\"currentReplicas\":1,\"currentRevision\":\"r1\","
	    "\"updateRevision\":\"r2\"}}", P,
	    "Waiting for updated revision r2 to match current r1" },
	{ "statefulset ondelete", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"StatefulSet\",\"metadata\":{\"name\":\"s\"},\"spec\":"
	    "{\"updateStrategy\":{\"type\":\"OnDelete\"}}}", C, NULL },
	{ "statefulset partition", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"StatefulSet\",\"metadata\":{\"name\":\"s\"},\"spec\":"
	    "{\"replicas\":3,\"updateStrategy\":{\"rollingUpdate\":"
	    "{\"partition\":2}}},\"status\":{\"replicas\":3,"
	    "\"readyReplicas\":3,\"updatedReplicas\":1}}", C, NULL },
	{ "daemonset unobserved", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"DaemonSet\",\"metadata\":{\"name\":\"d\",\"generation\":1},"
	    "\"status\":{\"desiredNumberScheduled\":1}}", P, NULL },
	{ "daemonset ready", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"DaemonSet\",\"metadata\":{\"name\":\"d\",\"generation\":1},"
	    "\"status\":{\"observedGeneration\":1,\"desiredNumberScheduled\":2,"
	    "\"currentNumberScheduled\":2,\"updatedNumberScheduled\":2,"
	    "\"numberAvailable\":2,\"numberReady\":1}}", P, "Ready: 1/2" },
	{ "replicaset current", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"ReplicaSet\",\"metadata\":{\"name\":\"r\"},\"spec\":"
	    "{\"replicas\":1},\"status\":{\"replicas\":1,"
	    "\"fullyLabeledReplicas\":1,\"availableReplicas\":1,"
	    "\"readyReplicas\":1}}", C, NULL },
	{ "replicaset failure", "{\"apiVersion\":\"apps/v1\",\"kind\":"
	    "\"ReplicaSet\",\"metadata\":{\"name\":\"r\"},\"status\":"
	    "{\"conditions\":[" COND("ReplicaFailure", "True", "x") "]}}", P,
	    NULL },
	{ "job complete", "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
	    "\"metadata\":{\"name\":\"j\"},\"status\":{\"succeeded\":1,"
	    "\"conditions\":[" COND("Complete", "True", "") "]}}", C,
	    "Job Completed. succeeded: 1/1" },
	{ "job failed", "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
	    "\"metadata\":{\"name\":\"j\"},\"status\":{\"failed\":6,"
	    "\"conditions\":[" COND("Failed", "True", "BackoffLimitExceeded")
	    "]}}", F, "Job Failed. failed: 6/1" },
	{ "job not started", "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
	    "\"metadata\":{\"name\":\"j\"}}", P, "Job not started" },
	{ "job running", "{\"apiVersion\":\"batch/v1\",\"kind\":\"Job\","
	    "\"metadata\":{\"name\":\"j\"},\"status\":{\"startTime\":"
	    "\"2024-01-01T00:00:00Z\",\"active\":1}}", C, NULL },
	{ "pod ready", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
	    "{\"name\":\"p\"},\"status\":{\"phase\":\"Running\","
	    "\"conditions\":[" COND("Ready", "True", "") "]}}", C, NULL },
	{ "pod crashloop", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"Running\","
	    "\"containerStatuses\":[{\"name\":\"app\",\"state\":{\"waiting\":"
	    "{\"reason\":\"CrashLoopBackOff\"}}}]}}", F,
	    "Containers in CrashLoop state: app" },
	{ "pod unschedulable", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"p\",\"creationTimestamp\":"
	    "\"2024-01-01T00:00:00Z\"},\"status\":{\"phase\":\"Pending\","
	    "\"conditions\":[" COND("PodScheduled", "False", "Unschedulable")
	    "]}}", F, "Pod could not be scheduled" },
	{ "pod succeeded", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":"
	    "\"Succeeded\"}}", C, NULL },
	{ "pod no phase", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
	    "\"metadata\":{\"name\":\"p\"}}", P, NULL },
	{ "pvc pending", "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"v\"},"
	    "\"status\":{\"phase\":\"Pending\"}}", P, NULL },
	{ "pvc bound", "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"PersistentVolumeClaim\",\"metadata\":{\"name\":\"v\"},"
	    "\"status\":{\"phase\":\"Bound\"}}", C, NULL },
	{ "service lb no ip", "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
	    "\"metadata\":{\"name\":\"s\"},\"spec\":{\"type\":"
	    "\"LoadBalancer\"}}", P, NULL },
	{ "service lb", "{\"apiVersion\":\"v1\",\"kind\":\"Service\","
	    "\"metadata\":{\"name\":\"s\"},\"spec\":{\"type\":"
	    "\"LoadBalancer\",\"clusterIP\":\"10.0.0.1\"}}", C, NULL },
	{ "crd established", "{\"apiVersion\":\"apiextensions.k8s.io/v1\","
	    "\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":"
	    "\"x\"},\"status\":{\"conditions\":["
	    COND("Established", "True", "InitialNamesAccepted") "]}}", C,
	    NULL },
	{ "crd installing", "{\"apiVersion\":\"apiextensions.k8s.io/v1\","
	    "\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":"
	    "\"x\"},\"status\":{\"conditions\":["
	    COND("Established", "False", "Installing") "]}}", P, NULL },
	{ "crd names rejected", "{\"apiVersion\":\"apiextensions.k8s.io/v1\","
	    "\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":"
	    "\"x\"},\"status\":{\"conditions\":["
	    COND("NamesAccepted", "False", "Conflict") "]}}", F, NULL },
	{ "configmap ignores ready", "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"ConfigMap\",\"metadata\":{\"name\":\"c\"},\"status\":"
	    "{\"conditions\":[" COND("Ready", "False", "x") "]}}", C, NULL },
	{ "namespace", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
	    "\"metadata\":{\"name\":\"n\"},\"status\":{\"phase\":"
	    "\"Active\"}}", C, NULL },
};

TEST(test_apply_kstatus__table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cf_arena a = CF_ARENA_INIT;
		cf_node *obj = NULL;
		cf_health h;

		if (cf_json_parse(&obj, &a, cases[i].obj,
		    strlen(cases[i].obj), NULL) < 0) {
			cf_test_fail(__FILE__, __LINE__, "%s: bad JSON",
			    cases[i].name);
			cf_arena_release(&a);
			continue;
		}
		cf_health_compute(&h, obj, 1800000000);
		if (h.status != cases[i].want ||
		    (cases[i].msg && strcmp(h.message, cases[i].msg)))
			cf_test_fail(__FILE__, __LINE__, "%s: %s \"%s\"",
			    cases[i].name, cf_health_status_name(h.status),
			    h.message);
		cf_arena_release(&a);
	}
}

TEST(test_apply_kstatus__names)
{
	CHECK_STR(cf_health_status_name(CF_HEALTH_IN_PROGRESS), "InProgress");
	CHECK_STR(cf_health_status_name((enum cf_health_status)99),
	    "Unknown");
}

TEST_MAIN(T(test_apply_kstatus__table), T(test_apply_kstatus__names))
