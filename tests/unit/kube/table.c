/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/table.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"

#include <string.h>

/* 2026-01-02T03:04:05Z */
#define T0 1767323045
#define NOW (T0 + 3 * 3600 + 5 * 60) /* 3h5m later */

static cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) < 0)
		return NULL;
	return n;
}

static const char *S(cf_arena *a, const cf_node *n)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	cf_json_write(&b, n, 0);
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

/* The cells of a one-object table for resource plural in group. */
static const char *cells(cf_arena *a, cf_scheme *sc, const char *group,
    const char *plural, const char *obj)
{
	const cf_resource_def *r = cf_scheme_by_resource(sc, group,
	    !strcmp(group, "autoscaling") ? "v2" : "v1", plural);
	const cf_node *o = J(a, obj);
	cf_table_opts opts = { .now = NOW };
	cf_node *t;

	if (!r || !o)
		return "(bad input)";
	t = cf_table_build(a, r, &o, 1, &opts);
	return S(a, cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 0), "cells",
	    NULL));
}

static const char *headers(cf_arena *a, cf_scheme *sc, const char *group,
    const char *plural)
{
	const cf_table_column *cols;
	size_t n = cf_table_columns(&cols, cf_scheme_by_resource(sc, group,
	    !strcmp(group, "autoscaling") ? "v2" : "v1", plural));
	cf_buf b = CF_BUF_INIT;
	char *s;

	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s%s", i ? "," : "", cols[i].name,
		    cols[i].priority ? "*" : "");
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

#define MD "\"metadata\":{\"name\":\"x\",\"namespace\":\"d\"," \
	"\"creationTimestamp\":\"2026-01-02T03:04:05Z\"}"

TEST(test_kube_table__human_duration)
{
	static const struct { int64_t s; const char *want; } cases[] = {
		{ -2, "<invalid>" }, { -1, "0s" }, { 0, "0s" }, { 119, "119s" },
		{ 120, "2m" }, { 125, "2m5s" }, { 599, "9m59s" }, { 600, "10m" },
		{ 179 * 60 + 59, "179m" }, { 3 * 3600, "3h" },
		{ 3 * 3600 + 5 * 60, "3h5m" }, { 8 * 3600 + 59, "8h" },
		{ 47 * 3600, "47h" }, { 48 * 3600, "2d" }, { 50 * 3600, "2d2h" },
		{ 8 * 86400, "8d" }, { 729 * 86400, "729d" },
		{ 730 * 86400, "2y" }, { 733 * 86400, "2y3d" },
		{ 8 * 365 * 86400LL, "8y" },
	};
	char buf[32];
	int64_t t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_STR(cf_human_duration(buf, cases[i].s), cases[i].want);
	CHECK_INT(cf_time_parse(&t, "2026-01-02T03:04:05Z"), 0);
	CHECK_INT(t, T0);
	CHECK_INT(cf_time_parse(&t, "2026-01-02T05:04:05.123456+02:00"), 0);
	CHECK_INT(t, T0);
	CHECK_INT(cf_time_parse(&t, "2026-01-02 03:04:05"), CF_EINVALID);
	CHECK_INT(cf_time_parse(&t, "2026-13-02T03:04:05Z"), CF_EINVALID);
}

TEST(test_kube_table__column_headers)
{
	cf_arena a = CF_ARENA_INIT;
	cf_scheme *sc = cf_scheme_new();

	CHECK_STR(headers(&a, sc, "", "namespaces"), "Name,Status,Age");
	CHECK_STR(headers(&a, sc, "", "configmaps"), "Name,Data,Age");
	CHECK_STR(headers(&a, sc, "", "secrets"), "Name,Type,Data,Age");
	CHECK_STR(headers(&a, sc, "apps", "deployments"),
	    "Name,Ready,Up-to-date,Available,Age,Containers*,Images*,Selector*");
	CHECK_STR(headers(&a, sc, "", "services"),
	    "Name,Type,Cluster-IP,External-IP,Port(s),Age,Selector*");
	CHECK_STR(headers(&a, sc, "", "pods"), "Name,Ready,Status,Restarts,Age,"
	    "IP*,Node*,Nominated Node*,Readiness Gates*");
	CHECK_STR(headers(&a, sc, "", "events"), "Last Seen,Type,Reason,Object,"
	    "Subobject*,Source*,Message,First Seen*,Count*,Name*");
	CHECK_STR(headers(&a, sc, "coordination.k8s.io", "leases"),
	    "Name,Holder,Age");
	CHECK_STR(headers(&a, sc, "rbac.authorization.k8s.io", "clusterroles"),
	    "Name,Created At");
	CHECK_STR(headers(&a, sc, "rbac.authorization.k8s.io", "rolebindings"),
	    "Name,Role,Age,Users*,Groups*,ServiceAccounts*");
	CHECK_STR(headers(&a, sc, "apiextensions.k8s.io",
	    "customresourcedefinitions"), "Name,Created At");
	CHECK_STR(headers(&a, sc, "batch", "cronjobs"), "Name,Schedule,Timezone,"
	    "Suspend,Active,Last Schedule,Age,Containers*,Images*,Selector*");
	/* Every built-in with a printer starts with a name-format column. */
	{
		size_t n;
		const cf_resource_def *b = cf_scheme_builtins(&n);

		for (size_t i = 0; i < n; i++) {
			const cf_table_column *cols;
			size_t nc = cf_table_columns(&cols, &b[i]);
			size_t names = 0;

			CHECK(nc >= 2);
			for (size_t k = 0; k < nc; k++)
				names += !strcmp(cols[k].format, "name");
			CHECK_INT(names, 1);
		}
	}
	cf_scheme_free(sc);
	cf_arena_release(&a);
}

TEST(test_kube_table__core_cells)
{
	cf_arena a = CF_ARENA_INIT;
	cf_scheme *sc = cf_scheme_new();

	CHECK_STR(cells(&a, sc, "", "namespaces", "{" MD ",\"status\":"
	    "{\"phase\":\"Active\"}}"), "[\"x\",\"Active\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "", "configmaps", "{" MD ",\"data\":{\"a\":\"1\","
	    "\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}"),
	    "[\"x\",3,\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "", "secrets", "{" MD ",\"type\":"
	    "\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"\",\"tls.key\":\"\"}}"),
	    "[\"x\",\"kubernetes.io/tls\",2,\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "", "services", "{" MD ",\"spec\":{\"type\":"
	    "\"NodePort\",\"clusterIP\":\"10.0.0.5\",\"clusterIPs\":[\"10.0.0.5\"],"
	    "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"nodePort\":30080},"
	    "{\"port\":53,\"protocol\":\"UDP\"}],\"selector\":{\"tier\":\"fe\","
	    "\"app\":\"web\"}}}"),
	    "[\"x\",\"NodePort\",\"10.0.0.5\",\"\\u003cnone\\u003e\","
	    "\"80:30080/TCP,53/UDP\",\"3h5m\",\"app=web,tier=fe\"]");
	CHECK_STR(cells(&a, sc, "", "services", "{" MD ",\"spec\":{\"type\":"
	    "\"LoadBalancer\",\"clusterIP\":\"10.0.0.6\"}}"),
	    "[\"x\",\"LoadBalancer\",\"10.0.0.6\",\"\\u003cpending\\u003e\","
	    "\"\\u003cnone\\u003e\",\"3h5m\",\"\\u003cnone\\u003e\"]");
	CHECK_STR(cells(&a, sc, "", "pods", "{" MD ",\"spec\":{\"nodeName\":"
	    "\"n1\",\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"podIP\":\"10.1.0.9\","
	    "\"containerStatuses\":[{\"name\":\"a\",\"ready\":true,"
	    "\"restartCount\":2,\"state\":{\"running\":{}},\"lastState\":"
	    "{\"terminated\":{\"finishedAt\":\"2026-01-02T06:04:05Z\"}}},"
	    "{\"name\":\"b\",\"ready\":false,\"restartCount\":0,\"state\":"
	    "{\"waiting\":{\"reason\":\"CrashLoopBackOff\"}}}]}}"),
	    "[\"x\",\"1/2\",\"CrashLoopBackOff\",\"2 (5m ago)\",\"3h5m\","
	    "\"10.1.0.9\",\"n1\",\"\\u003cnone\\u003e\",\"\\u003cnone\\u003e\"]");
	CHECK_STR(cells(&a, sc, "", "pods", "{\"metadata\":{\"name\":\"p\","
	    "\"creationTimestamp\":\"2026-01-02T03:04:05Z\",\"deletionTimestamp\":"
	    "\"2026-01-02T06:00:00Z\"},\"spec\":{\"containers\":[{\"name\":\"a\"}]},"
	    "\"status\":{\"phase\":\"Running\"}}"),
	    "[\"p\",\"0/1\",\"Terminating\",\"0\",\"3h5m\",\"\\u003cnone\\u003e\","
	    "\"\\u003cnone\\u003e\",\"\\u003cnone\\u003e\",\"\\u003cnone\\u003e\"]");
	CHECK_STR(cells(&a, sc, "", "events", "{\"metadata\":{\"name\":"
	    "\"web.17f\"},\"involvedObject\":{\"kind\":\"Kustomization\",\"name\":"
	    "\"apps\",\"fieldPath\":\"\"},\"reason\":\"ReconciliationSucceeded\","
	    "\"message\":\" Reconciliation finished \\n\",\"type\":\"Normal\","
	    "\"source\":{\"component\":\"kustomize-controller\"},\"firstTimestamp\":"
	    "\"2026-01-02T05:00:00Z\",\"lastTimestamp\":\"2026-01-02T06:08:05Z\","
	    "\"count\":4}"),
	    "[\"60s\",\"Normal\",\"ReconciliationSucceeded\",\"kustomization/apps\","
	    "\"\",\"kustomize-controller\",\"Reconciliation finished\",\"69m\",4,"
	    "\"web.17f\"]");
	CHECK_STR(cells(&a, sc, "", "endpoints", "{" MD ",\"subsets\":[{"
	    "\"addresses\":[{\"ip\":\"10.1.0.1\"},{\"ip\":\"10.1.0.2\"},"
	    "{\"ip\":\"10.1.0.3\"},{\"ip\":\"10.1.0.4\"}],\"ports\":[{\"port\":80}]}]}"),
	    "[\"x\",\"10.1.0.1:80,10.1.0.2:80,10.1.0.3:80 + 1 more...\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "", "resourcequotas", "{" MD ",\"status\":{"
	    "\"hard\":{\"pods\":\"10\",\"limits.cpu\":\"2\",\"cpu\":\"1\"},"
	    "\"used\":{\"pods\":\"3\"}}}"),
	    "[\"x\",\"cpu: 0/1, pods: 3/10\",\"limits.cpu: 0/2\",\"3h5m\"]");
	CHECK_STR(headers(&a, sc, "", "resourcequotas"), "Name,Request,Limit,Age");
	CHECK_STR(cells(&a, sc, "", "persistentvolumeclaims", "{" MD ",\"spec\":{"
	    "\"volumeName\":\"pv1\",\"storageClassName\":\"std\"},\"status\":{"
	    "\"phase\":\"Bound\",\"accessModes\":[\"ReadWriteOnce\"],"
	    "\"capacity\":{\"storage\":\"1Gi\"}}}"),
	    "[\"x\",\"Bound\",\"pv1\",\"1Gi\",\"RWO\",\"std\","
	    "\"\\u003cunset\\u003e\",\"3h5m\",\"\\u003cunset\\u003e\"]");
	cf_scheme_free(sc);
	cf_arena_release(&a);
}

TEST(test_kube_table__workload_and_cluster_cells)
{
	cf_arena a = CF_ARENA_INIT;
	cf_scheme *sc = cf_scheme_new();

	CHECK_STR(cells(&a, sc, "apps", "deployments", "{" MD ",\"spec\":{"
	    "\"replicas\":3,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
	    "\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":"
	    "\"nginx:1\"},{\"name\":\"log\",\"image\":\"busybox\"}]}}},"
	    "\"status\":{\"readyReplicas\":2,\"updatedReplicas\":3,"
	    "\"availableReplicas\":2}}"),
	    "[\"x\",\"2/3\",3,2,\"3h5m\",\"web,log\",\"nginx:1,busybox\","
	    "\"app=web\"]");
	CHECK_STR(cells(&a, sc, "apps", "statefulsets", "{" MD ",\"spec\":{"
	    "\"replicas\":2}}"), "[\"x\",\"0/2\",\"3h5m\",\"\",\"\"]");
	CHECK_STR(cells(&a, sc, "batch", "jobs", "{" MD ",\"spec\":{"
	    "\"completions\":1},\"status\":{\"succeeded\":1,\"startTime\":"
	    "\"2026-01-02T03:04:05Z\",\"completionTime\":\"2026-01-02T03:04:35Z\","
	    "\"conditions\":[{\"type\":\"Complete\",\"status\":\"True\"}]}}"),
	    "[\"x\",\"Complete\",\"1/1\",\"30s\",\"3h5m\",\"\",\"\","
	    "\"\\u003cnone\\u003e\"]");
	CHECK_STR(cells(&a, sc, "batch", "cronjobs", "{" MD ",\"spec\":{"
	    "\"schedule\":\"*/5 * * * *\"}}"),
	    "[\"x\",\"*/5 * * * *\",\"\\u003cnone\\u003e\",false,0,"
	    "\"\\u003cnone\\u003e\",\"3h5m\",\"\",\"\",\"\\u003cnone\\u003e\"]");
	CHECK_STR(cells(&a, sc, "networking.k8s.io", "ingresses", "{" MD
	    ",\"spec\":{\"rules\":[{\"host\":\"a.example.com\"}],\"tls\":[{}]}}"),
	    "[\"x\",\"\\u003cnone\\u003e\",\"a.example.com\",\"\",\"80, 443\","
	    "\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "networking.k8s.io", "networkpolicies", "{" MD
	    ",\"spec\":{}}"), "[\"x\",\"\\u003cnone\\u003e\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "policy", "poddisruptionbudgets", "{" MD
	    ",\"spec\":{\"minAvailable\":\"50%\"},\"status\":"
	    "{\"disruptionsAllowed\":1}}"),
	    "[\"x\",\"50%\",\"N/A\",1,\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "autoscaling", "horizontalpodautoscalers", "{" MD
	    ",\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":"
	    "\"web\"},\"maxReplicas\":5,\"metrics\":[{\"type\":\"Resource\","
	    "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\","
	    "\"averageUtilization\":80}}},{\"type\":\"Resource\",\"resource\":"
	    "{\"name\":\"memory\",\"target\":{\"type\":\"AverageValue\","
	    "\"averageValue\":\"1Gi\"}}},{\"type\":\"Pods\"}]},\"status\":{"
	    "\"currentReplicas\":2,\"currentMetrics\":[{\"type\":\"Resource\","
	    "\"resource\":{\"name\":\"cpu\",\"current\":{\"averageUtilization\":"
	    "41}}}]}}"),
	    "[\"x\",\"Deployment/web\",\"cpu: 41%/80%, memory: "
	    "\\u003cunknown\\u003e/1Gi + 1 more...\",\"\\u003cunset\\u003e\",5,2,"
	    "\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "rbac.authorization.k8s.io", "rolebindings",
	    "{" MD ",\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
	    "\"subjects\":[{\"kind\":\"User\",\"name\":\"u1\"},{\"kind\":"
	    "\"ServiceAccount\",\"name\":\"sa\",\"namespace\":\"flux-system\"}]}"),
	    "[\"x\",\"ClusterRole/view\",\"3h5m\",\"u1\",\"\","
	    "\"flux-system/sa\"]");
	/* The replicated workloads share AGE and the template cells; an
	 * image-less container adds no image, and expressions print too. */
#define WORKLOAD "{" MD ",\"spec\":{\"replicas\":4,\"selector\":{" \
	    "\"matchLabels\":{\"a\":\"b\"},\"matchExpressions\":[{\"key\":" \
	    "\"k\",\"operator\":\"In\",\"values\":[\"x\",\"y\"]}]}," \
	    "\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\"," \
	    "\"image\":\"i1\"},{\"name\":\"c2\"}],\"nodeSelector\":{\"z\":" \
	    "\"1\",\"a\":\"2\"}}}},\"status\":{\"replicas\":3," \
	    "\"readyReplicas\":1,\"desiredNumberScheduled\":5," \
	    "\"currentNumberScheduled\":4,\"numberReady\":3," \
	    "\"updatedNumberScheduled\":2,\"numberAvailable\":1}}"
	CHECK_STR(cells(&a, sc, "apps", "replicasets", WORKLOAD),
	    "[\"x\",4,3,1,\"3h5m\",\"c1,c2\",\"i1\",\"a=b,k in (x,y)\"]");
	CHECK_STR(cells(&a, sc, "apps", "daemonsets", WORKLOAD),
	    "[\"x\",5,4,3,2,1,\"a=2,z=1\",\"3h5m\",\"c1,c2\",\"i1\","
	    "\"a=b,k in (x,y)\"]");
	CHECK_STR(cells(&a, sc, "apps", "statefulsets", WORKLOAD),
	    "[\"x\",\"1/4\",\"3h5m\",\"c1,c2\",\"i1\"]");
#undef WORKLOAD
	/* Hosts are cut after three (empty ones skipped), "*" when none. */
	CHECK_STR(cells(&a, sc, "networking.k8s.io", "ingresses", "{" MD
	    ",\"spec\":{\"ingressClassName\":\"\",\"rules\":[{\"host\":\"a\"},"
	    "{\"host\":\"\"},{\"host\":\"b\"},{\"host\":\"c\"},{\"host\":\"d\"}]},"
	    "\"status\":{\"loadBalancer\":{\"ingress\":[{\"ip\":\"1.2.3.4\"},"
	    "{\"hostname\":\"h\"},{}]}}}"),
	    "[\"x\",\"\",\"a,b,c + 1 more...\",\"1.2.3.4,h\",\"80\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "networking.k8s.io", "ingresses", "{" MD
	    ",\"spec\":{\"ingressClassName\":\"nginx\"}}"),
	    "[\"x\",\"nginx\",\"*\",\"\",\"80\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "", "endpoints", "{" MD "}"),
	    "[\"x\",\"\\u003cnone\\u003e\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "scheduling.k8s.io", "priorityclasses", "{" MD
	    ",\"value\":1000,\"globalDefault\":true,\"preemptionPolicy\":"
	    "\"Never\"}"), "[\"x\",1000,true,\"3h5m\",\"Never\"]");
	CHECK_STR(cells(&a, sc, "storage.k8s.io", "storageclasses", "{" MD
	    ",\"provisioner\":\"p\",\"reclaimPolicy\":\"Retain\","
	    "\"volumeBindingMode\":\"WaitForFirstConsumer\","
	    "\"allowVolumeExpansion\":true}"),
	    "[\"x\",\"p\",\"Retain\",\"WaitForFirstConsumer\",\"true\","
	    "\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "rbac.authorization.k8s.io", "clusterroles",
	    "{" MD "}"), "[\"x\",\"2026-01-02T03:04:05Z\"]");
	CHECK_STR(cells(&a, sc, "coordination.k8s.io", "leases", "{" MD
	    ",\"spec\":{\"holderIdentity\":\"pod-1_abc\"}}"),
	    "[\"x\",\"pod-1_abc\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "storage.k8s.io", "storageclasses", "{" MD
	    ",\"provisioner\":\"rancher.io/local-path\"}"),
	    "[\"x\",\"rancher.io/local-path\",\"Delete\",\"Immediate\","
	    "\"false\",\"3h5m\"]");
	CHECK_STR(cells(&a, sc, "apiextensions.k8s.io",
	    "customresourcedefinitions", "{" MD "}"),
	    "[\"x\",\"2026-01-02T03:04:05Z\"]");
	cf_scheme_free(sc);
	cf_arena_release(&a);
}

TEST(test_kube_table__document_and_include_object)
{
	cf_arena a = CF_ARENA_INIT;
	cf_scheme *sc = cf_scheme_new();
	const cf_resource_def *r = cf_scheme_by_resource(sc, "", "v1",
	    "configmaps");
	const cf_node *objs[] = {
		J(&a, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\"," MD "}"),
	};
	cf_table_opts o = { .now = NOW, .resource_version = "42" };
	cf_node *t = cf_table_build(&a, r, objs, 1, &o);
	enum cf_table_include inc;

	CHECK_STR(cf_node_getp_str(t, "kind", NULL), "Table");
	CHECK_STR(cf_node_getp_str(t, "apiVersion", NULL), "meta.k8s.io/v1");
	CHECK_STR(cf_node_getp_str(t, "metadata", "resourceVersion", NULL), "42");
	CHECK(cf_node_getp(t, "metadata", "continue", NULL) == NULL);
	CHECK_STR(S(&a, cf_node_at(cf_node_get(t, "columnDefinitions"), 1)),
	    "{\"name\":\"Data\",\"type\":\"string\",\"format\":\"\",\"description\":"
	    "\"Data contains the configuration data.\",\"priority\":0}");
	CHECK_STR(S(&a, cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 0),
	    "object", NULL)), "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":"
	    "\"meta.k8s.io/v1\"," MD "}");

	CHECK_INT(cf_table_include_parse(&inc, "Object"), 0);
	o.include = inc;
	t = cf_table_build(&a, r, objs, 1, &o);
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_get(t, "rows"), 0),
	    "object", "kind", NULL), "ConfigMap");
	CHECK_INT(cf_table_include_parse(&inc, "None"), 0);
	o.include = inc;
	t = cf_table_build(&a, r, objs, 1, &o);
	CHECK(cf_node_is(cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 0),
	    "object", NULL), CF_NODE_NULL));
	CHECK_INT(cf_table_include_parse(&inc, ""), 0);
	CHECK_INT(inc, CF_TABLE_INCLUDE_METADATA);
	CHECK_INT(cf_table_include_parse(&inc, "All"), CF_EINVALID);
	cf_scheme_free(sc);
	cf_arena_release(&a);
}

TEST(test_kube_table__custom_resource_columns)
{
	cf_arena a = CF_ARENA_INIT;
	static const cf_table_column cols[] = {
		{ "URL", "string", "", "", 0, ".spec.url" },
		{ "Age", "date", "", "", 0, ".metadata.creationTimestamp" },
		{ "Ready", "string", "", "", 0,
		  ".status.conditions[?(@.type==\"Ready\")].status" },
		{ "Status", "string", "", "", 0,
		  ".status.conditions[?(@.type==\"Ready\")].message" },
		{ "Replicas", "integer", "", "", 1, ".spec.replicas" },
		{ "Suspended", "boolean", "", "", 1, ".spec.suspend" },
		{ "Ports", "string", "", "", 1, ".spec.ports" },
		{ "Bad", "date", "", "", 1, ".spec.url" },
		{ "Broken", "string", "", "", 1, ".spec[" },
	};
	const cf_node *objs[] = {
		J(&a, "{\"metadata\":{\"name\":\"podinfo\",\"creationTimestamp\":"
		    "\"2026-01-02T03:04:05Z\"},\"spec\":{\"url\":"
		    "\"https://github.com/stefanprodan/podinfo\",\"replicas\":2.0,"
		    "\"suspend\":false,\"ports\":[80,443]},\"status\":{\"conditions\":"
		    "[{\"type\":\"Ready\",\"status\":\"True\",\"message\":"
		    "\"stored artifact for revision 'main@sha1:abc'\"}]}}"),
		J(&a, "{\"metadata\":{\"name\":\"new\"},\"spec\":{}}"),
	};
	cf_table_opts o = { .now = NOW };
	cf_node *t = cf_table_build_custom(&a, cols, CF_ARRAY_SIZE(cols), objs,
	    2, &o);
	cf_node *defs = cf_node_get(t, "columnDefinitions");

	CHECK_INT(cf_node_count(defs), 10);
	CHECK_STR(cf_node_getp_str(cf_node_at(defs, 0), "format", NULL), "name");
	CHECK_STR(cf_node_getp_str(cf_node_at(defs, 2), "type", NULL), "date");
	CHECK_INT(cf_node_getp(cf_node_at(defs, 5), "priority", NULL)->v.i, 1);
	CHECK_STR(S(&a, cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 0),
	    "cells", NULL)), "[\"podinfo\",\"https://github.com/stefanprodan/"
	    "podinfo\",\"3h5m\",\"True\",\"stored artifact for revision "
	    "'main@sha1:abc'\",2,false,\"[80,443]\",\"\\u003cinvalid\\u003e\","
	    "null]");
	CHECK_STR(S(&a, cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 1),
	    "cells", NULL)), "[\"new\",null,null,null,null,null,null,null,null,"
	    "null]");

	/* No declared columns: Name and Age. */
	t = cf_table_build_custom(&a, NULL, 0, objs, 1, &o);
	CHECK_INT(cf_node_count(cf_node_get(t, "columnDefinitions")), 2);
	CHECK_STR(S(&a, cf_node_getp(cf_node_at(cf_node_get(t, "rows"), 0),
	    "cells", NULL)), "[\"podinfo\",\"3h5m\"]");
	cf_arena_release(&a);
}

/* Every printer fills exactly one cell per column, whatever the object
 * lacks: a short row would shift kubectl's columns. */
TEST(test_kube_table__cells_match_columns)
{
	cf_arena a = CF_ARENA_INIT;
	size_t n;
	const cf_resource_def *b = cf_scheme_builtins(&n);
	const cf_node *objs[] = {
		J(&a, "{\"metadata\":{\"name\":\"x\"}}"),
		J(&a, "{}"),
		J(&a, "{\"metadata\":{\"name\":\"x\",\"deletionTimestamp\":"
		    "\"2026-01-02T03:04:05Z\"},\"spec\":{\"metrics\":[{},{},{},{}],"
		    "\"ports\":[{}],\"rules\":[{},{\"host\":\"h\"}]},"
		    "\"status\":{\"containerStatuses\":[{\"state\":{\"terminated\":"
		    "{\"exitCode\":1}}}],\"initContainerStatuses\":[{\"state\":{}}]}}"),
	};
	cf_table_opts o = { .now = NOW };

	for (size_t i = 0; i < n; i++) {
		cf_node *t = cf_table_build(&a, &b[i], objs, CF_ARRAY_SIZE(objs), &o);
		size_t ncols = cf_node_count(cf_node_get(t, "columnDefinitions"));

		for (size_t k = 0; k < CF_ARRAY_SIZE(objs); k++)
			CHECK_INT(cf_node_count(cf_node_getp(cf_node_at(
			    cf_node_get(t, "rows"), k), "cells", NULL)), ncols);
	}
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_table__human_duration),
    T(test_kube_table__column_headers), T(test_kube_table__core_cells),
    T(test_kube_table__workload_and_cluster_cells),
    T(test_kube_table__document_and_include_object),
    T(test_kube_table__custom_resource_columns),
    T(test_kube_table__cells_match_columns))
