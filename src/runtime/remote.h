/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client a Flux object acts with (spec/flux-api.md §10.2-10.3): the
 * controller's own API server, or the remote cluster of spec.kubeConfig,
 * optionally impersonating a ServiceAccount of the object's namespace.
 *
 * A kubeConfig Secret is read on every call (key secretRef.key, else
 * "value", else "value.yaml") and parsed as untrusted: references to
 * local files, exec and auth-provider plugins are refused with an error
 * naming the Secret, so a Secret cannot make the controller run programs
 * or send its own credentials elsewhere. configMapRef (cloud identity)
 * is refused: there is no cloud token exchange here.
 */
#ifndef CF_RUNTIME_REMOTE_H
#define CF_RUNTIME_REMOTE_H

#include "client/client.h"
#include "client/kubeconfig.h"
#include "core/arena.h"
#include "core/node.h"

typedef struct cf_remote_opts {
	/* The controller's own client: reads the Secret. */
	cf_client *local;
	/* How the controller reaches its own API server (for impersonating
	 * clients); NULL: no impersonation is possible without kubeConfig. */
	const cf_rest_config *local_rest;
	const char *ns;              /* the Flux object's namespace */
	const cf_node *kubeconfig;   /* spec.kubeConfig, or NULL */
	const char *service_account; /* spec value or the default; NULL */
} cf_remote_opts;

/*
 * *out is the client to apply with: o->local itself when there is
 * neither a kubeConfig nor a ServiceAccount (do not free it then), else
 * a new client the caller frees with cf_client_free. Strings it needs
 * live in a. CF_ENOTFOUND when the Secret or its key is missing,
 * CF_EINVALID for a kubeconfig that is refused or malformed; the error
 * message names the field, the Secret and the key, never their values.
 */
int cf_remote_client(cf_client **out, cf_arena *a, const cf_remote_opts *o);

#endif
