/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The embedded Kubernetes-compatible API server: kube-apiserver's REST
 * surface (spec/kubernetes-api.md) over the SQLite revision log, served
 * over HTTPS to kubectl, client libraries and cflux's own controllers.
 * One event-loop thread does everything; nothing here prints.
 */
#ifndef CF_APISERVER_SERVER_H
#define CF_APISERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cf_apiserver cf_apiserver;

typedef struct cf_apiserver_opts {
	const char *data_dir; /* holds cflux.db, pki/, tokens; must exist */
	const char *listen;   /* "HOST:PORT"; port 0 picks a free one */
	bool plain_http;      /* no TLS (tests of the HTTP layer only) */
	/* Watch history kept for clients resuming from a resourceVersion:
	 * at least this many revisions and this many seconds (0 and 0 =
	 * the defaults, 10,000 and 300; negative = keep none). Older
	 * resumes get 410 Expired and must re-list. */
	long history_revisions;
	long history_seconds;
} cf_apiserver_opts;

/* Open the store (creating the built-in namespaces and RBAC policy on
 * first start), load CRDs and roles, create or reuse the TLS material and
 * the admin token, and bind the listener. *out is yours to free. */
int cf_apiserver_new(cf_apiserver **out, const cf_apiserver_opts *opts);

/* The bound port (useful with port 0) and the URL clients should use. */
int cf_apiserver_port(const cf_apiserver *s);
const char *cf_apiserver_url(const cf_apiserver *s);
/* The admin bearer token and the CA certificate file for a kubeconfig. */
const char *cf_apiserver_admin_token(const cf_apiserver *s);
const char *cf_apiserver_ca_path(const cf_apiserver *s);

/*
 * Make the objects of a YAML stream exist as given (CRDs the daemon ships,
 * for instance): each is created when missing and replaced when it
 * differs, as the server itself. Call before cf_apiserver_run. Returns 0,
 * or the first error (message names the object).
 */
int cf_apiserver_ensure_objects(cf_apiserver *s, const char *yaml, size_t len);

/*
 * Register the running process as Pod ns/name: phase Running, one
 * container "manager", the labels Flux's install gives its controllers.
 * GET .../pods/name/log is then served from the process's log ring
 * (cf_log_ring_enable in core/log.h), follow included. Creates ns when
 * missing and replaces a Pod of that name left by an earlier run. Call
 * before cf_apiserver_run. Returns 0 or an error naming the Pod.
 */
int cf_apiserver_add_self_pod(cf_apiserver *s, const char *ns,
    const char *name);

/* Serve until cf_apiserver_stop(). Returns 0 on a clean stop. */
int cf_apiserver_run(cf_apiserver *s);
/* Ask the loop to stop; safe from a signal handler or another thread. */
void cf_apiserver_stop(cf_apiserver *s);
void cf_apiserver_free(cf_apiserver *s);

#endif
