/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cfluxd: with no flags, the embedded default — the Kubernetes-compatible
 * API server on SQLite in ./.cflux plus every controller, and a kubeconfig
 * written for kubectl and cflux. This file only wires configuration to the
 * libraries; it is one of the two places allowed to print and exit.
 */
#include "apiserver/server.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "daemon/controllers.h"
#include "daemon/datadir.h"

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct config {
	const char *data_dir;
	const char *listen;
	int no_controllers;
	const char *kubeconfig; /* set: controllers only, against it */
	int no_apiserver;       /* controllers only (in-cluster by default) */
	int data_dir_set;
	int watch_all;          /* --watch-all-namespaces (default true) */
	cf_controllers_opts ctl;
	long history_revisions;
	long history_seconds;
};

static cf_apiserver *running;

/* The Flux CRDs (the YAML files under api/), compiled in by tools/embed.py. */
extern const char cf_flux_crds[];
extern const size_t cf_flux_crds_len;

static volatile sig_atomic_t stopping;
static sem_t stop_sem;
static cf_controllers *running_ctls;

/* Only async-signal-safe work here: the shutdown thread does the rest. */
static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
	sem_post(&stop_sem);
}

/* Controllers stop first, while the API server still answers them (they
 * release the Lease and finish their keys), then the server. */
static void *shutdown_thread(void *p)
{
	(void)p;
	while (sem_wait(&stop_sem) < 0)
		;
	cf_controllers_stop(running_ctls);
	running_ctls = NULL;
	if (running)
		cf_apiserver_stop(running);
	return NULL;
}

static int start_controllers(struct config *c, cf_controllers **out)
{
	char kc[4096];

	snprintf(kc, sizeof(kc), "%s/kubeconfig", c->data_dir);
	c->ctl.kubeconfig = c->kubeconfig ? c->kubeconfig :
	    c->no_apiserver ? getenv("KUBECONFIG") : kc;
	if (!c->watch_all)
		c->ctl.watch_namespace = getenv("RUNTIME_NAMESPACE") ?
		    getenv("RUNTIME_NAMESPACE") : "flux-system";
	c->ctl.data_dir = c->data_dir;
	c->ctl.runtime_namespace = getenv("RUNTIME_NAMESPACE");
	return cf_controllers_start(out, &c->ctl);
}

/* --kubeconfig: the controllers against another API server, until a
 * signal. */
static int run_controllers_only(struct config *c)
{
	struct sigaction sa = { .sa_handler = on_signal };
	cf_controllers *ctls = NULL;

	c->ctl.exit_on_failure = 1;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (start_controllers(c, &ctls) < 0) {
		cf_log_error("cannot start the controllers: %s", cf_error_msg());
		return 1;
	}
	while (!stopping)
		pause();
	cf_controllers_stop(ctls);
	cf_log(CF_LOG_INFO, "stopped", (const char *)NULL);
	return 0;
}

/* The embedded default has no kubelet: cfluxd registers itself as a Pod
 * whose log the API server serves from the last MiB of log lines. The
 * name is stable for a data directory, like a StatefulSet's. */
static void add_self_pod(cf_apiserver *srv, const char *data_dir)
{
	char path[4096], name[64];
	const char *ns = getenv("RUNTIME_NAMESPACE");
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	if (!realpath(data_dir, path))
		snprintf(path, sizeof(path), "%s", data_dir);
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	snprintf(name, sizeof(name), "cfluxd-%010llx",
	    (unsigned long long)(h & 0xffffffffffULL));
	if (cf_apiserver_add_self_pod(srv, ns && *ns ? ns : "flux-system",
	    name) < 0)
		cf_log_error("cannot register the cfluxd Pod: %s", cf_error_msg());
}

static int usage(FILE *f)
{
	fputs("usage: cfluxd [--data-dir DIR] [--listen HOST:PORT] [--no-controllers]\n"
	      "              [--log-level debug|info|error] [--log-encoding json|console]\n"
	      "\n"
	      "  --data-dir DIR      state, TLS material and kubeconfig (default ./.cflux)\n"
	      "  --listen HOST:PORT  API server address (default 127.0.0.1:6443;\n"
	      "                      port 0 picks a free one, see DIR/kubeconfig)\n"
	      "  --no-controllers    run the API server alone\n"
	      "  --metrics-addr ADDR, --health-addr ADDR\n"
	      "                      serve /metrics, /healthz, /readyz (default: off)\n"
	      "  --enable-leader-election  reconcile only while holding the Lease\n"
	      "                      cflux-controllers-leader-election in\n"
	      "                      $RUNTIME_NAMESPACE (default flux-system)\n"
	      "  --kube-api-qps N, --kube-api-burst N\n"
	      "                      client-side limit (default: none)\n"
	      "  --no-apiserver      run the controllers alone, in-cluster (or\n"
	      "                      against $KUBECONFIG); artifacts on 0.0.0.0:9090\n"
	      "  --watch-all-namespaces[=false]  false: only $RUNTIME_NAMESPACE\n"
	      "  --kubeconfig FILE   run the controllers alone, against the\n"
	      "                      cluster FILE names (no API server)\n"
	      "  --storage-path DIR  artifacts (default DIR/storage)\n"
	      "  --storage-addr ADDR artifact server (default 127.0.0.1:9090)\n"
	      "  --storage-adv-addr ADDR  address artifact URLs advertise\n"
	      "  --concurrent N      workers per controller (default 4)\n"
	      "  --default-service-account NAME  impersonated by Kustomizations\n"
	      "                      that name none\n"
	      "  --http-retry N      artifact download retries (default 9)\n"
	      "  --requeue-dependency D  wait for sources and dependencies\n"
	      "                      (default 30s)\n"
	      "  --no-cross-namespace-refs  refuse sources in other namespaces\n"
	      "  --artifact-retention-records N, --artifact-retention-ttl D\n"
	      "                      old artifacts kept (default 2 and 1m)\n"
	      "  --watch-label-selector SEL  reconcile only matching objects\n"
	      "  --history-revisions N, --history-seconds N\n"
	      "                      watch history kept for resuming clients\n"
	      "                      (default 10000 revisions and 300 s)\n", f);
	return f == stderr ? 2 : 0;
}

/* Accept both "--flag value" and "--flag=value". */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (!strncmp(argv[*i], name, n) && argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (!strcmp(argv[*i], name)) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "cfluxd: %s needs a value\n", name);
			exit(2);
		}
		return argv[++*i];
	}
	return NULL;
}

static long parse_long(const char *flag, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < 0) {
		fprintf(stderr, "cfluxd: %s wants a whole number, not '%s'\n", flag, v);
		exit(2);
	}
	/* 0 means "keep none" on the command line; the library's 0 means
	 * "default", so pass a negative value for it. */
	return n ? n : -1;
}

/* A Go duration in whole seconds; "0s" is kept as -1 (none). */
static long parse_duration_s(const char *flag, const char *v)
{
	int64_t ns;

	if (cf_duration_parse(&ns, v) < 0 || ns < 0) {
		fprintf(stderr, "cfluxd: %s wants a duration such as 1m, not '%s'\n",
		    flag, v);
		exit(2);
	}
	return ns >= 1000000000 ? (long)(ns / 1000000000) : -1;
}

static void parse_args(struct config *c, int argc, char **argv)
{
	const char *v;

	for (int i = 1; i < argc; i++) {
		if ((v = flag_value(argc, argv, &i, "--data-dir")))
			c->data_dir = v, c->data_dir_set = 1;
		else if ((v = flag_value(argc, argv, &i, "--listen")))
			c->listen = v;
		else if ((v = flag_value(argc, argv, &i, "--metrics-addr")))
			c->ctl.metrics_addr = v;
		else if ((v = flag_value(argc, argv, &i, "--health-addr")))
			c->ctl.health_addr = v;
		else if (!strcmp(argv[i], "--no-apiserver"))
			c->no_apiserver = 1;
		else if (!strcmp(argv[i], "--watch-all-namespaces") ||
		    !strcmp(argv[i], "--watch-all-namespaces=true"))
			c->watch_all = 1;
		else if (!strcmp(argv[i], "--watch-all-namespaces=false"))
			c->watch_all = 0;
		else if (!strcmp(argv[i], "--enable-leader-election"))
			c->ctl.leader_election = 1;
		else if ((v = flag_value(argc, argv, &i, "--kube-api-qps")))
			c->ctl.qps = (double)parse_long("--kube-api-qps", v);
		else if ((v = flag_value(argc, argv, &i, "--kube-api-burst")))
			c->ctl.burst = (int)parse_long("--kube-api-burst", v);
		else if ((v = flag_value(argc, argv, &i, "--kubeconfig")))
			c->kubeconfig = v;
		else if ((v = flag_value(argc, argv, &i, "--storage-path")))
			c->ctl.storage_path = v;
		else if ((v = flag_value(argc, argv, &i, "--storage-addr")))
			c->ctl.storage_addr = v;
		else if ((v = flag_value(argc, argv, &i, "--storage-adv-addr")))
			c->ctl.storage_adv_addr = v;
		else if ((v = flag_value(argc, argv, &i, "--watch-label-selector")))
			c->ctl.watch_label_selector = v;
		else if ((v = flag_value(argc, argv, &i, "--artifact-retention-records")))
			c->ctl.retention_records = parse_long("--artifact-retention-records", v);
		else if ((v = flag_value(argc, argv, &i, "--artifact-retention-ttl")))
			c->ctl.retention_ttl_s = parse_duration_s("--artifact-retention-ttl", v);
		else if ((v = flag_value(argc, argv, &i, "--default-service-account")))
			c->ctl.default_service_account = v;
		else if ((v = flag_value(argc, argv, &i, "--http-retry")))
			c->ctl.http_retry = (int)parse_long("--http-retry", v);
		else if ((v = flag_value(argc, argv, &i, "--requeue-dependency")))
			c->ctl.requeue_dependency_ms = /* "0s": at once */
			    parse_duration_s("--requeue-dependency", v) < 0 ? 1 :
			    parse_duration_s("--requeue-dependency", v) * 1000;
		else if (!strcmp(argv[i], "--no-cross-namespace-refs") ||
		    !strcmp(argv[i], "--no-cross-namespace-refs=true"))
			c->ctl.no_cross_namespace_refs = 1;
		else if ((v = flag_value(argc, argv, &i, "--concurrent")))
			c->ctl.concurrent = (int)parse_long("--concurrent", v);
		else if ((v = flag_value(argc, argv, &i, "--history-revisions")))
			c->history_revisions = parse_long("--history-revisions", v);
		else if ((v = flag_value(argc, argv, &i, "--history-seconds")))
			c->history_seconds = parse_long("--history-seconds", v);
		else if ((v = flag_value(argc, argv, &i, "--log-level"))) {
			if (cf_log_set_level(v) < 0) {
				fprintf(stderr, "cfluxd: unknown --log-level '%s'\n", v);
				exit(2);
			}
		} else if ((v = flag_value(argc, argv, &i, "--log-encoding"))) {
			if (cf_log_set_encoding(v) < 0) {
				fprintf(stderr, "cfluxd: unknown --log-encoding '%s'\n", v);
				exit(2);
			}
		} else if (!strcmp(argv[i], "--no-controllers"))
			c->no_controllers = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			exit(usage(stdout));
		else if (!strcmp(argv[i], "--version")) {
			printf("cfluxd v%s\n", CF_VERSION);
			exit(0);
		} else {
			fprintf(stderr, "cfluxd: unknown argument '%s'\n", argv[i]);
			exit(usage(stderr));
		}
	}
}

int main(int argc, char **argv)
{
	struct config c = { .data_dir = "./.cflux", .listen = "127.0.0.1:6443",
		.watch_all = 1 };
	cf_apiserver *srv;
	cf_controllers *ctls = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t stopper;
	int err;

	parse_args(&c, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	/* In a pod the root file system is read-only: mirrors and work trees
	 * go under /tmp, as Flux's clones do. */
	if (c.no_apiserver && !c.data_dir_set)
		c.data_dir = "/tmp/cflux";
	if (cf_fs_mkdirs(c.data_dir) < 0) {
		cf_log_error("%s", cf_error_msg());
		return 1;
	}
	if (!c.kubeconfig && !c.no_apiserver && !c.no_controllers)
		cf_log_ring_enable(1u << 20, 0);
	if (c.kubeconfig || c.no_apiserver) {
		if (!c.ctl.storage_addr) /* reachable by other pods */
			c.ctl.storage_addr = "0.0.0.0:9090";
		return run_controllers_only(&c);
	}
	err = cf_apiserver_new(&srv, &(cf_apiserver_opts){
	    .data_dir = c.data_dir, .listen = c.listen,
	    .history_revisions = c.history_revisions,
	    .history_seconds = c.history_seconds });
	if (err < 0) {
		cf_log_error("cannot start the API server: %s", cf_error_msg());
		return 1;
	}
	if (cf_apiserver_ensure_objects(srv, cf_flux_crds, cf_flux_crds_len) < 0) {
		cf_log_error("cannot install the Flux CRDs: %s", cf_error_msg());
		cf_apiserver_free(srv);
		return 1;
	}
	if (cf_datadir_write_kubeconfig(c.data_dir, cf_apiserver_url(srv),
	    cf_apiserver_ca_path(srv), cf_apiserver_admin_token(srv)) < 0) {
		cf_log_error("%s", cf_error_msg());
		cf_apiserver_free(srv);
		return 1;
	}
	if (!c.no_controllers && start_controllers(&c, &ctls) < 0) {
		cf_log_error("cannot start the controllers: %s", cf_error_msg());
		cf_apiserver_free(srv);
		return 1;
	}
	if (!c.no_controllers)
		add_self_pod(srv, c.data_dir);
	running = srv;
	running_ctls = ctls;
	sem_init(&stop_sem, 0, 0);
	if (pthread_create(&stopper, NULL, shutdown_thread, NULL) != 0) {
		cf_log_error("cannot start the shutdown thread");
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	cf_log(CF_LOG_INFO, "API server listening", "url", cf_apiserver_url(srv),
	    "kubeconfig", c.data_dir, (const char *)NULL);
	err = cf_apiserver_run(srv);
	if (!stopping) /* the loop ended on its own: stop the rest too */
		sem_post(&stop_sem);
	pthread_join(stopper, NULL);
	running = NULL;
	cf_apiserver_free(srv);
	cf_log(CF_LOG_INFO, "stopped", (const char *)NULL);
	return err < 0 ? 1 : 0;
}
