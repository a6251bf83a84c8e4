/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where the API server is and how to authenticate: kubeconfig files (YAML
 * or JSON: clusters, users, contexts, current-context) and the in-cluster
 * service account. The result is a plain cf_rest_config that the client
 * turns into an HTTP session. Credential plugins (exec, auth-provider)
 * are refused, never run: a kubeconfig read from a Secret must not be able
 * to start programs on the controller's machine.
 */
#ifndef CF_CLIENT_KUBECONFIG_H
#define CF_CLIENT_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

/* Plain data; every string and blob lives in the arena it was loaded into.
 * Blobs (PEM) are NUL-terminated too. */
typedef struct cf_rest_config {
	const char *server;        /* "https://host:port[/prefix]", no '/' at end */
	const char *ca_pem;        /* NULL = system trust store */
	size_t ca_pem_len;
	const char *cert_pem;      /* client certificate; NULL = none */
	size_t cert_pem_len;
	const char *key_pem;
	size_t key_pem_len;
	const char *token;         /* bearer token; NULL = none */
	const char *token_file;    /* re-read while running (rotated tokens) */
	bool insecure;             /* insecure-skip-tls-verify */
	const char *tls_server_name; /* verify the server as this name */
	const char *proxy;         /* proxy-url; NULL = no proxy */
	const char *namespace_;    /* the context's namespace, or "default" */
	const char *context;       /* context name; NULL in-cluster */
} cf_rest_config;

#define CF_KUBECONFIG_MAX_SIZE (4u << 20) /* files and embedded files */

/* Zero means default for every field. */
typedef struct cf_kubeconfig_opts {
	const char *context;  /* --context: use this instead of current-context */
	const char *base_dir; /* relative file paths resolve here; NULL = cwd */
	/*
	 * The kubeconfig came from somewhere untrusted (a Secret): refuse
	 * every reference to a local file (certificate-authority,
	 * client-certificate, client-key, tokenFile), so it cannot send, say,
	 * the controller's own service account token to its server.
	 */
	bool untrusted;
} cf_kubeconfig_opts;

/*
 * Parse a kubeconfig document (YAML or JSON) and resolve the chosen
 * context into *out (allocated from a, with its strings). Files it names
 * are read now, each capped at CF_KUBECONFIG_MAX_SIZE. Returns 0;
 * CF_EINVALID for a malformed document, a missing or dangling context,
 * cluster or user, a server URL that is not http(s) or carries a
 * userinfo part, an exec or auth-provider user, basic auth, or (untrusted)
 * a file reference; CF_ENOTFOUND for a named file that does not exist.
 */
int cf_kubeconfig_parse(cf_rest_config **out, cf_arena *a, const char *text,
    size_t len, const cf_kubeconfig_opts *opts);

/* Read path and parse it; relative paths inside resolve against the
 * file's directory unless opts->base_dir says otherwise. */
int cf_kubeconfig_load(cf_rest_config **out, cf_arena *a, const char *path,
    const cf_kubeconfig_opts *opts);

/*
 * Merge the colon-separated files of a KUBECONFIG value: the first file
 * with a current-context sets it, and for each context, cluster and user
 * name the first file defining it wins (its relative paths resolve
 * against its own directory). Missing files are skipped; CF_ENOTFOUND
 * when none exists. Otherwise as cf_kubeconfig_parse.
 */
int cf_kubeconfig_load_paths(cf_rest_config **out, cf_arena *a,
    const char *paths, const cf_kubeconfig_opts *opts);

/*
 * The configuration a program uses when not told more (controller-
 * runtime's order): the kubeconfig file given (--kubeconfig), else
 * $KUBECONFIG, else in-cluster, else ~/.kube/config. CF_ENOTFOUND when
 * there is none at all.
 */
int cf_rest_config_default(cf_rest_config **out, cf_arena *a,
    const char *kubeconfig, const cf_kubeconfig_opts *opts);

/* Where in-cluster credentials come from; zero means the real paths. */
typedef struct cf_incluster_opts {
	const char *sa_dir; /* default /var/run/secrets/kubernetes.io/serviceaccount */
	const char *host;   /* default getenv("KUBERNETES_SERVICE_HOST") */
	const char *port;   /* default getenv("KUBERNETES_SERVICE_PORT") */
} cf_incluster_opts;

/*
 * The in-cluster configuration: https://host:port (IPv6 hosts bracketed),
 * sa_dir/ca.crt, the token from sa_dir/token (kept as token_file so it is
 * re-read when rotated) and the namespace from sa_dir/namespace.
 * CF_ENOTFOUND when not running in a cluster (host, port or token
 * missing); other errors as cf_fs_read.
 */
int cf_rest_config_in_cluster(cf_rest_config **out, cf_arena *a,
    const cf_incluster_opts *opts);

#endif
