/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The artifact file server (spec/flux-api.md §2.1): plain HTTP GET and
 * HEAD of the files under the storage root, every path confined by
 * cf_storage_secure_path, directories never listed, large files streamed
 * from disk. GET / answers 200: it is the source-controller's readiness
 * probe, and only the leader serves. Start and stop are separate so the
 * daemon can call them from leader-election callbacks. Also the artifact
 * URL rules (--storage-addr, --storage-adv-addr). No TLS, no ranges.
 */
#ifndef CF_SOURCE_ARTIFACT_SERVER_H
#define CF_SOURCE_ARTIFACT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "controllers/source/storage.h"

typedef struct cf_artifact_server cf_artifact_server;

#define CF_ARTIFACT_SERVER_ADDR ":9090"    /* --storage-addr default */
#define CF_ARTIFACT_SERVER_GRACE_MS 5000   /* graceful stop bound */

typedef struct cf_artifact_server_opts {
	/* --storage-addr: "HOST:PORT"; NULL = CF_ARTIFACT_SERVER_ADDR. As
	 * everywhere in httpd, ":PORT" binds 127.0.0.1: "0.0.0.0:9090"
	 * exposes it. */
	const char *listen;
	int64_t grace_ms;  /* transfers may finish within; 0 = 5 s */
} cf_artifact_server_opts;

/* A stopped server for st (borrowed: it must outlive the server).
 * Owned: cf_artifact_server_free. */
cf_artifact_server *cf_artifact_server_new(const cf_storage *st,
    const cf_artifact_server_opts *opts);
/* Stops it first when running. */
void cf_artifact_server_free(cf_artifact_server *s);

/* Bind and serve on a thread of its own; a no-op when running. Returns
 * 0, CF_EINVALID for a bad address or CF_ERROR when it cannot bind. */
int cf_artifact_server_start(cf_artifact_server *s);
/* Refuse new requests (503), let transfers in progress finish for up to
 * grace_ms, then close every connection and join the thread. A no-op
 * when stopped; it can be started again. */
void cf_artifact_server_stop(cf_artifact_server *s);

/* The bound port while running, else 0. */
int cf_artifact_server_port(cf_artifact_server *s);

/*
 * The advertised address for artifact URLs: adv_addr when set, else
 * storage_addr with host "0.0.0.0" replaced by $HOSTNAME (or the host
 * name) and an empty host by "localhost". CF_EINVALID when storage_addr
 * is not HOST:PORT, CF_ETOOLARGE when out is too small.
 */
int cf_artifact_adv_addr(char *out, size_t n, const char *storage_addr,
    const char *adv_addr);

/* "http://<adv>/<path>" (leading slashes of path dropped), or
 * "<adv>/<path>" when adv already starts with http:// or https://.
 * CF_ETOOLARGE when out is too small. */
int cf_artifact_url(char *out, size_t n, const char *adv, const char *path);

#endif
