/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controllers cfluxd runs beside its API server: a client built from
 * the kubeconfig the daemon wrote, one runtime manager, artifact storage
 * and every reconciler that exists. Started on its own thread so the API
 * server's loop can come up first; stopped gracefully on SIGTERM.
 * With leader election the workers and the artifact server run only
 * while this process holds the Lease; losing it ends the process, as
 * Flux's controllers do.
 */
#ifndef CF_DAEMON_CONTROLLERS_H
#define CF_DAEMON_CONTROLLERS_H

typedef struct cf_controllers cf_controllers;

typedef struct cf_controllers_opts {
	const char *kubeconfig;       /* NULL: in-cluster configuration */
	const char *watch_namespace;  /* NULL: all namespaces */
	const char *data_dir;         /* mirrors live under it */
	const char *storage_path;     /* NULL: <data_dir>/storage */
	const char *storage_adv_addr; /* NULL: storage_addr */
	const char *storage_addr;     /* NULL: 127.0.0.1:9090 */
	const char *watch_label_selector;
	int concurrent;               /* 0: Flux's per-controller default */
	double qps;                   /* --kube-api-qps; 0: none (see .c) */
	int burst;                    /* --kube-api-burst; 0: 300 */
	const char *metrics_addr;     /* /metrics, /healthz, /readyz; NULL: off */
	const char *health_addr;      /* /healthz, /readyz; NULL: off */
	int leader_election;          /* --enable-leader-election */
	int exit_on_failure;          /* nothing else runs: exit if they cannot */
	const char *runtime_namespace; /* the Lease's; NULL: flux-system */
	long retention_records;       /* 0: 2 */
	long retention_ttl_s;         /* 0: 60 */
	const char *default_service_account; /* --default-service-account */
	int http_retry;               /* --http-retry; 0: 9, < 0: none */
	long requeue_dependency_ms;   /* --requeue-dependency; 0: 30 s */
	int no_cross_namespace_refs;  /* --no-cross-namespace-refs */
} cf_controllers_opts;

/* Start the controllers thread; strings are copied. 0 or CF_ERROR. */
int cf_controllers_start(cf_controllers **out, const cf_controllers_opts *o);
/* Stop every worker after its current key and free everything. */
void cf_controllers_stop(cf_controllers *cs);

#endif
