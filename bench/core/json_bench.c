/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throughput of cf_json_parse and cf_json_write on Kubernetes-shaped JSON.
 *
 *   cc -O2 -Isrc bench/core/json_bench.c build/src/core/libcfcore.a \
 *       -lyaml -lssl -lcrypto -lm -lpthread -o /tmp/json_bench
 *   /tmp/json_bench [file.json]
 *
 * Without a file it builds a PodList-like document of ~16 MB (labels,
 * annotations, containers with env, ports, resources, status conditions),
 * which is what list and watch responses look like. The parse loop
 * releases its arena every pass, so the figure includes allocation.
 * Figures are bytes per second of CPU time.
 */
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CPU time of this process: the machine is shared, and wall time would
 * measure the neighbours' builds as much as this code. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_pod(cf_buf *b, int i)
{
	cf_buf_addf(b,
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":"
	    "\"web-%d-7f9c8d6b5-x2k%d\",\"namespace\":\"default\","
	    "\"uid\":\"6c1d3a4e-%04d-4b1e-9f3a-2b7c8d9e0f1a\","
	    "\"resourceVersion\":\"%d\",\"creationTimestamp\":"
	    "\"2024-05-01T12:00:00Z\",\"labels\":{\"app\":\"web\","
	    "\"pod-template-hash\":\"7f9c8d6b5\",\"app.kubernetes.io/part-of\":"
	    "\"shop\"},\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":"
	    "\"2024-05-01T11:59:00+02:00\",\"note\":\"caf\\u00e9 \\\"quoted\\\" "
	    "line\\nbreak\"},\"ownerReferences\":[{\"apiVersion\":\"apps/v1\","
	    "\"kind\":\"ReplicaSet\",\"name\":\"web-7f9c8d6b5\",\"uid\":"
	    "\"1b2c3d4e-5f60-4718-293a-4b5c6d7e8f90\",\"controller\":true,"
	    "\"blockOwnerDeletion\":true}]},\"spec\":{\"containers\":[{\"name\":"
	    "\"web\",\"image\":\"ghcr.io/example/web:1.%d.0\",\"args\":["
	    "\"--port=8080\",\"--log-level=info\"],\"ports\":[{\"containerPort\":"
	    "8080,\"protocol\":\"TCP\",\"name\":\"http\"}],\"env\":[{\"name\":"
	    "\"GOMAXPROCS\",\"value\":\"2\"},{\"name\":\"POD_NAME\",\"valueFrom\":"
	    "{\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.name\"}}}],"
	    "\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"},"
	    "\"requests\":{\"cpu\":\"100m\",\"memory\":\"64Mi\"}},"
	    "\"readinessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":8080},"
	    "\"initialDelaySeconds\":5,\"periodSeconds\":10,\"successThreshold\":1,"
	    "\"failureThreshold\":3,\"timeoutSeconds\":1},\"imagePullPolicy\":"
	    "\"IfNotPresent\",\"terminationMessagePath\":\"/dev/termination-log\"}],"
	    "\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,"
	    "\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\","
	    "\"nodeName\":\"node-%d\",\"tolerations\":[{\"key\":"
	    "\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":"
	    "\"NoExecute\",\"tolerationSeconds\":300}]},\"status\":{\"phase\":"
	    "\"Running\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
	    "\"lastProbeTime\":null,\"lastTransitionTime\":\"2024-05-01T12:00:09Z\"},"
	    "{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastProbeTime\":null,"
	    "\"lastTransitionTime\":\"2024-05-01T12:00:00Z\"}],\"hostIP\":"
	    "\"10.0.0.%d\",\"podIP\":\"10.244.%d.%d\",\"startTime\":"
	    "\"2024-05-01T12:00:00Z\",\"qosClass\":\"Burstable\","
	    "\"containerStatuses\":[{\"name\":\"web\",\"ready\":true,"
	    "\"restartCount\":%d,\"cpuRatio\":0.%d5,\"image\":"
	    "\"ghcr.io/example/web:1.%d.0\"}]}}",
	    i, i, i % 10000, 100000 + i, i % 50, i % 7, i % 250, i % 250,
	    i % 250, i % 3, i % 100, i % 50);
}

int main(int argc, char **argv)
{
	cf_buf in = CF_BUF_INIT, out = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;
	double t0, dt;
	int iters = 0;

	if (argc > 1) {
		FILE *f = fopen(argv[1], "rb");
		char chunk[65536];
		size_t k;
		if (!f) {
			perror(argv[1]);
			return 1;
		}
		while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
			cf_buf_add(&in, chunk, k);
		fclose(f);
	} else {
		cf_buf_adds(&in, "{\"apiVersion\":\"v1\",\"kind\":\"PodList\","
		    "\"metadata\":{\"resourceVersion\":\"123\"},\"items\":[");
		for (int i = 0; i < 6000; i++) {
			if (i)
				cf_buf_addch(&in, ',');
			make_pod(&in, i);
		}
		cf_buf_adds(&in, "]}");
	}

	/* Parse: repeat for at least two seconds. */
	t0 = now();
	do {
		cf_arena_release(&a);
		if (cf_json_parse(&n, &a, in.buf, in.len, NULL) < 0) {
			fprintf(stderr, "parse: %s\n", cf_error_msg());
			return 1;
		}
		iters++;
	} while ((dt = now() - t0) < 2.0);
	printf("parse: %zu bytes x %d in %.2f s = %.0f MB/s\n", in.len, iters,
	    dt, (double)in.len * iters / dt / 1e6);

	/* Write compact, then sorted + pretty, from the last parse. */
	for (unsigned flags = 0; flags <= (CF_JSON_SORTED | CF_JSON_PRETTY);
	    flags += CF_JSON_SORTED | CF_JSON_PRETTY) {
		iters = 0;
		t0 = now();
		do {
			cf_buf_reset(&out);
			if (cf_json_write(&out, n, flags) < 0)
				return 1;
			iters++;
		} while ((dt = now() - t0) < 1.0);
		printf("write%s: %zu bytes x %d in %.2f s = %.0f MB/s\n",
		    flags ? " sorted+pretty" : " compact", out.len, iters, dt,
		    (double)out.len * iters / dt / 1e6);
	}
	cf_arena_release(&a);
	cf_buf_release(&in);
	cf_buf_release(&out);
	return 0;
}
