/* SPDX-License-Identifier: Apache-2.0 */
#include "daemon/datadir.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/fs.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cf_datadir_write_kubeconfig(const char *dir, const char *server,
    const char *ca_pem_path, const char *token)
{
	cf_buf ca = CF_BUF_INIT, b64 = CF_BUF_INIT, kc = CF_BUF_INIT;
	char path[4200];
	int err;

	err = cf_fs_read(&ca, ca_pem_path, 1 << 20);
	if (err < 0)
		goto done;
	cf_base64_encode(&b64, ca.buf, ca.len, false);
	cf_buf_addf(&kc,
	    "apiVersion: v1\n"
	    "kind: Config\n"
	    "clusters:\n"
	    "- cluster:\n"
	    "    certificate-authority-data: %s\n"
	    "    server: %s\n"
	    "  name: cflux\n"
	    "contexts:\n"
	    "- context:\n"
	    "    cluster: cflux\n"
	    "    namespace: default\n"
	    "    user: cflux-admin\n"
	    "  name: cflux\n"
	    "current-context: cflux\n"
	    "preferences: {}\n"
	    "users:\n"
	    "- name: cflux-admin\n"
	    "  user:\n"
	    "    token: %s\n",
	    b64.buf, server, token);
	snprintf(path, sizeof(path), "%s/kubeconfig", dir);
	err = cf_fs_write_atomic(path, kc.buf, kc.len, 0600);
done:
	cf_buf_release(&ca);
	cf_buf_release(&b64);
	cf_buf_release(&kc);
	return err;
}
