/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/remote.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "runtime/fluxobj.h"

/* The kubeconfig text of spec.kubeConfig.secretRef. */
static int read_kubeconfig(const char **text, size_t *len, cf_arena *a,
    const cf_remote_opts *o)
{
	const cf_node *ref = cf_node_get(o->kubeconfig, "secretRef");
	const char *name = cf_node_getp_str(ref, "name", NULL);
	const char *key = cf_node_getp_str(ref, "key", NULL);
	static const char *const keys[] = { "value", "value.yaml" };
	cf_node *secret = NULL;
	int err;

	if (!name || !*name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.kubeConfig.secretRef.name is required");
	err = cf_client_get(&secret, a, o->local, "v1", "Secret", o->ns,
	    name);
	if (err == CF_ENOTFOUND)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "spec.kubeConfig.secretRef: Secret '%s/%s' not found",
		    o->ns, name);
	if (err < 0)
		return cf_error_wrap("spec.kubeConfig.secretRef: Secret "
		    "'%s/%s'", o->ns, name);
	if (key && *key) {
		*text = cf_flux_secret_value(a, secret, key, len);
		if (!*text)
			return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
			    "spec.kubeConfig.secretRef: Secret '%s/%s' has "
			    "no key '%s'", o->ns, name, key);
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if ((*text = cf_flux_secret_value(a, secret, keys[i], len)))
			return 0;
	return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
	    "spec.kubeConfig.secretRef: Secret '%s/%s' has neither a "
	    "'value' nor a 'value.yaml' key", o->ns, name);
}

static int remote_config(cf_rest_config **cfg, cf_arena *a,
    const cf_remote_opts *o)
{
	const char *text = NULL, *name;
	size_t len = 0;
	int err;

	if (cf_node_get(o->kubeconfig, "configMapRef"))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.kubeConfig.configMapRef: cloud provider kubeconfigs "
		    "(aws, azure, gcp) are not supported; use "
		    "spec.kubeConfig.secretRef");
	if ((err = read_kubeconfig(&text, &len, a, o)) < 0)
		return err;
	name = cf_node_getp_str(o->kubeconfig, "secretRef", "name", NULL);
	if ((err = cf_kubeconfig_parse(cfg, a, text, len,
	    &(cf_kubeconfig_opts){ .untrusted = true })) < 0)
		return cf_error_wrap("spec.kubeConfig.secretRef: the "
		    "kubeconfig in Secret '%s/%s' is refused", o->ns, name);
	return 0;
}

int cf_remote_client(cf_client **out, cf_arena *a, const cf_remote_opts *o)
{
	const cf_rest_config *rest = o->local_rest;
	cf_rest_config *remote = NULL;
	char user[512];
	const char *sa = o->service_account;
	int err;

	*out = NULL;
	if (o->kubeconfig) {
		if ((err = remote_config(&remote, a, o)) < 0)
			return err;
		rest = remote;
	}
	if ((!sa || !*sa) && !remote) {
		*out = o->local;
		return 0;
	}
	if (!rest) /* never act as the controller instead */
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "spec.serviceAccountName: impersonation is not available "
		    "to this controller");
	if (sa && *sa)
		snprintf(user, sizeof(user), "system:serviceaccount:%s:%s",
		    o->ns, sa);
	if ((err = cf_client_new(out, rest, &(cf_client_opts){
	    .impersonate_user = sa && *sa ? user : NULL, .qps = -1 })) < 0) {
		*out = NULL;
		return cf_error_wrap("%s", remote ? "spec.kubeConfig" :
		    "spec.serviceAccountName");
	}
	return 0;
}
