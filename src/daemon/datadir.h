/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The daemon's data directory: created 0700 on first start, it holds the
 * store (cflux.db), the TLS material (pki/), the admin token and the
 * kubeconfig written for kubectl and cflux. Everything secret is 0600.
 */
#ifndef CF_DAEMON_DATADIR_H
#define CF_DAEMON_DATADIR_H

#include "core/buf.h"

/* Write dir/kubeconfig atomically (temporary file + rename, mode 0600)
 * pointing at server (https://host:port) with the CA from ca_pem_path and
 * the admin bearer token. */
int cf_datadir_write_kubeconfig(const char *dir, const char *server,
    const char *ca_pem_path, const char *token);

#endif
