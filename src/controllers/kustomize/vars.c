/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/kustomize/vars.h"

#include <string.h>

#include "controllers/kustomize/envsubst.h"
#include "core/error.h"
#include "runtime/fluxobj.h"

/* vars[k] = v without its line breaks: carriage returns go too, so that
 * a value written on Windows cannot end a YAML line either. */
static int set_stripped(cf_arena *a, cf_node *vars, const char *k,
    const char *v, size_t len)
{
	char *s = cf_arena_strndup(a, v, len);
	size_t j = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] != '\n' && s[i] != '\r')
			s[j++] = s[i];
	s[j] = '\0';
	return cf_envsubst_var_set(a, vars, k, s, j);
}

/* One substituteFrom entry. The keys are those of .data (what the API
 * server returns for a Secret too); a Secret's values are decoded by
 * cf_flux_secret_value, and a value that is not base64 fails without
 * being shown. */
static int vars_from(cf_node *vars, cf_arena *a, cf_client *c,
    const char *ns, const cf_node *ref)
{
	const char *kind = cf_node_getp_str(ref, "kind", NULL);
	const char *name = cf_node_getp_str(ref, "name", NULL);
	const cf_node *opt = cf_node_get(ref, "optional");
	bool secret = kind && !strcmp(kind, "Secret");
	const cf_node *data;
	cf_node *o = NULL;
	int err;

	err = cf_client_get(&o, a, c, "v1", secret ? "Secret" : "ConfigMap",
	    ns, name ? name : "");
	if (err == CF_ENOTFOUND && opt && cf_node_is(opt, CF_NODE_BOOL) &&
	    opt->v.b)
		return 0;
	if (err < 0)
		return cf_error_wrap("substitute from '%s/%s/%s'", kind ? kind :
		    "", ns, name ? name : "");
	data = cf_node_get(o, "data");
	for (size_t i = 0; i < cf_node_count(data); i++) {
		const char *k = data->v.pairs[i].key;
		const char *v = cf_node_as_str(data->v.pairs[i].val);
		size_t len = 0;

		if (!v)
			continue;
		if (secret && !(v = cf_flux_secret_value(a, o, k, &len)))
			err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "illegal base64 data");
		else
			err = set_stripped(a, vars, k, v, secret ? len :
			    strlen(v));
		if (err < 0)
			return cf_error_wrap("%s '%s' key '%s'", kind, name, k);
	}
	return 0;
}

int cf_kzctl_vars(cf_node **out, cf_arena *a, cf_client *c, const char *ns,
    const cf_node *spec)
{
	const cf_node *pb = cf_node_get(spec, "postBuild");
	const cf_node *from = cf_node_get(pb, "substituteFrom");
	const cf_node *inl = cf_node_get(pb, "substitute");
	cf_node *vars = cf_node_map(a);
	int err;

	*out = vars;
	for (size_t i = 0; c && i < cf_node_count(from); i++)
		if ((err = vars_from(vars, a, c, ns, cf_node_at(from, i))) < 0)
			return err;
	for (size_t i = 0; i < cf_node_count(inl); i++) {
		const char *v = cf_node_as_str(inl->v.pairs[i].val);

		if (v && (err = set_stripped(a, vars, inl->v.pairs[i].key, v,
		    strlen(v))) < 0)
			return cf_error_wrap("spec.postBuild.substitute");
	}
	return 0;
}

int cf_kzctl_substitute(cf_arena *a, cf_node **objs, size_t n,
    const cf_node *spec, const cf_node *vars, bool strict)
{
	const cf_node *pb = cf_node_get(spec, "postBuild");
	const char *strategy = cf_node_getp_str(pb, "substituteStrategy",
	    NULL);

	if (!pb)
		return 0;
	if (!cf_node_count(vars) && !(strategy && !strcmp(strategy, "Always")))
		return 0;
	for (size_t i = 0; i < n; i++) {
		cf_node *obj = NULL;

		if (cf_envsubst_disabled(objs[i]))
			continue;
		if (cf_envsubst_object(&obj, a, objs[i], vars,
		    &(cf_envsubst_opts){ .strict = strict }) < 0)
			return cf_error_wrap("post build failed for '%s/%s'",
			    cf_node_getp_str(objs[i], "kind", NULL) ?
			    cf_node_getp_str(objs[i], "kind", NULL) : "",
			    cf_node_getp_str(objs[i], "metadata", "name",
			    NULL) ? cf_node_getp_str(objs[i], "metadata",
			    "name", NULL) : "");
		objs[i] = obj;
	}
	return 0;
}
