/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The TLS material of a local server: a private CA and a serving
 * certificate it signs, both ECDSA P-256, created on first start and
 * reused on later ones. Private keys are written mode 0600. Not done
 * here: client certificates, revocation, rotating the CA.
 */
#ifndef CF_HTTPD_PKI_H
#define CF_HTTPD_PKI_H

#include "core/buf.h"

#define CF_PKI_PATH_MAX 4200

/* Where the four files are (filled in by cf_pki_ensure). */
typedef struct cf_pki_paths {
	char ca_cert[CF_PKI_PATH_MAX]; /* <dir>/ca.crt */
	char ca_key[CF_PKI_PATH_MAX];  /* <dir>/ca.key */
	char cert[CF_PKI_PATH_MAX];    /* <dir>/<name>.crt */
	char key[CF_PKI_PATH_MAX];     /* <dir>/<name>.key */
} cf_pki_paths;

/*
 * Make sure dir (created 0700 if missing) holds a CA and a serving
 * certificate for name. The serving certificate's SANs are 127.0.0.1,
 * ::1, localhost, the in-cluster "kubernetes[.default[.svc[.cluster.local]]]"
 * names, and extra_names (DNS names or IP literals; NULL-terminated, may
 * be NULL). Existing files are reused; the serving pair alone is issued
 * again when it is missing, not signed by the CA, lacks a requested name
 * or expires within 30 days; the CA is made anew (with a new serving
 * pair) only when its certificate or key is missing or unreadable.
 * Returns 0, CF_EINVALID for a bad name, or CF_ERROR with the file or
 * OpenSSL failure named.
 */
int cf_pki_ensure(cf_pki_paths *out, const char *dir, const char *name,
    const char *const *extra_names);

/*
 * Append the base64 (standard alphabet, no line breaks) of the file at
 * path to out: a kubeconfig's certificate-authority-data. Files over
 * 1 MiB are refused with CF_ETOOLARGE; CF_ENOTFOUND if absent.
 */
int cf_pki_read_base64(cf_buf *out, const char *path);

#endif
