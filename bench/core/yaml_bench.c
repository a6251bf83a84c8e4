/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Throughput of cf_yaml_parse on a multi-document stream of manifests, the
 * shape kustomize build and flux reads. libyaml does the scanning, so this
 * mostly measures libyaml plus our event-to-node step.
 *
 *   cc -O2 -D_GNU_SOURCE -Isrc bench/core/yaml_bench.c \
 *       build/src/core/libcfcore.a -lyaml -lssl -lcrypto -lm -lpthread \
 *       -o /tmp/yaml_bench
 *   /tmp/yaml_bench [file.yaml]
 *
 * Figures are bytes per second of CPU time (the machine is shared).
 */
#include "core/buf.h"
#include "core/error.h"
#include "core/yaml.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_doc(cf_buf *b, int i)
{
	cf_buf_addf(b,
	    "---\n"
	    "# deployment %d\n"
	    "apiVersion: apps/v1\n"
	    "kind: Deployment\n"
	    "metadata:\n"
	    "  name: web-%d\n"
	    "  namespace: shop\n"
	    "  labels:\n"
	    "    app.kubernetes.io/name: web\n"
	    "    app.kubernetes.io/part-of: shop\n"
	    "  annotations:\n"
	    "    note: \"caf\\u00e9 quoted\"\n"
	    "spec:\n"
	    "  replicas: %d\n"
	    "  selector:\n"
	    "    matchLabels: {app: web}\n"
	    "  template:\n"
	    "    metadata:\n"
	    "      labels: {app: web}\n"
	    "    spec:\n"
	    "      containers:\n"
	    "      - name: web\n"
	    "        image: ghcr.io/example/web:1.%d.0\n"
	    "        args: [\"--port=8080\", --log-level=info]\n"
	    "        ports:\n"
	    "        - containerPort: 8080\n"
	    "          protocol: TCP\n"
	    "        env:\n"
	    "        - name: ENABLED\n"
	    "          value: \"true\"\n"
	    "        resources:\n"
	    "          limits: {cpu: 500m, memory: 256Mi}\n"
	    "        command:\n"
	    "        - sh\n"
	    "        - -c\n"
	    "        - |\n"
	    "          echo start\n"
	    "          exec web --ratio 0.%d5\n",
	    i, i, i % 5 + 1, i % 50, i % 100);
}

int main(int argc, char **argv)
{
	cf_buf in = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node **docs;
	size_t n = 0;

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
		for (int i = 0; i < 5000; i++)
			make_doc(&in, i);
	}
	for (int schema = CF_YAML_11; schema <= CF_YAML_12; schema++) {
		cf_yaml_opts o = { .schema = (enum cf_yaml_schema)schema };
		double t0 = now(), dt;
		int iters = 0;
		do {
			cf_arena_release(&a);
			if (cf_yaml_parse(&docs, &n, &a, in.buf, in.len, &o) < 0) {
				fprintf(stderr, "parse: %s\n", cf_error_msg());
				return 1;
			}
			iters++;
		} while ((dt = now() - t0) < 2.0);
		printf("yaml %s: %zu bytes, %zu docs x %d in %.2f s = %.1f MB/s\n",
		    schema == CF_YAML_11 ? "1.1" : "1.2", in.len, n, iters, dt,
		    (double)in.len * iters / dt / 1e6);
	}
	cf_arena_release(&a);
	cf_buf_release(&in);
	return 0;
}
