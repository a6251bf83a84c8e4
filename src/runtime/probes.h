/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probe and metrics endpoint: a plain-HTTP server (httpd/server.h)
 * answering GET /healthz and /livez (liveness: 200 "ok" while the loop
 * runs), GET /readyz (200 "ok" when the readiness callback agrees, else
 * 500) and GET /metrics (cf_metrics_write, Prometheus text 0.0.4). Flux puts
 * metrics on --metrics-addr (:8080) and probes on --health-addr (:9440);
 * run one server per address, every path is served on each. Everything
 * else is 404, other methods 405. No TLS, no pprof.
 */
#ifndef CF_RUNTIME_PROBES_H
#define CF_RUNTIME_PROBES_H

#include <stdbool.h>

typedef struct cf_probes cf_probes;

#define CF_PROBES_METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

typedef struct cf_probes_opts {
	/* "HOST:PORT", "[V6]:PORT"; port 0 picks one. As everywhere in
	 * httpd, ":PORT" binds 127.0.0.1: "0.0.0.0:8080" exposes it. */
	const char *listen;
	/* Called on the server's thread for each /readyz; NULL = ready.
	 * Must not block. */
	bool (*ready)(void *payload);
	void *payload;
} cf_probes_opts;

/* Bind and start serving on a thread of its own. *out is yours:
 * cf_probes_stop. CF_EINVALID for a bad address, CF_ERROR when it cannot
 * bind (message set). */
int cf_probes_start(cf_probes **out, const cf_probes_opts *opts);
/* Stop serving, join the thread and free p; NULL is a no-op. */
void cf_probes_stop(cf_probes *p);
/* The bound port (the real one when 0 was asked for). */
int cf_probes_port(const cf_probes *p);

#endif
