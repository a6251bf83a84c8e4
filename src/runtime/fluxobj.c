/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/fluxobj.h"

#include <stdlib.h>
#include <string.h>

#include "client/client.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

int cf_flux_load(cf_node **obj, const cf_node **before, cf_arena *a,
    cf_ctl *ctl, const cf_key *key)
{
	const cf_obj *o;
	const cf_node *st;

	if (cf_informer_get(&o, cf_ctl_informer(ctl), key->ns, key->name) < 0)
		return CF_ENOTFOUND;
	*obj = cf_obj_dup(a, o);
	cf_obj_unref(o);
	st = cf_node_get(*obj, "status");
	*before = st ? cf_node_dup(a, st) : NULL;
	return 0;
}

bool cf_flux_has_finalizer(const cf_node *obj)
{
	const cf_node *f = cf_node_getp(obj, "metadata", "finalizers", NULL);

	for (size_t i = 0; i < cf_node_count(f); i++) {
		const char *s = cf_node_as_str(cf_node_at(f, i));

		if (s && !strcmp(s, CF_FLUX_FINALIZER))
			return true;
	}
	return false;
}

static int patch(cf_client *c, cf_arena *a, const cf_node *obj,
    const cf_node *body, const char *subresource)
{
	cf_buf b = CF_BUF_INIT;
	int err = cf_json_write(&b, body, 0);

	if (!err)
		err = cf_client_patch(NULL, a, c,
		    cf_node_getp_str(obj, "apiVersion", NULL),
		    cf_node_getp_str(obj, "kind", NULL),
		    cf_node_getp_str(obj, "metadata", "namespace", NULL),
		    cf_node_getp_str(obj, "metadata", "name", NULL),
		    CF_PATCH_MERGE, b.buf, b.len,
		    &(cf_write_opts){ .subresource = subresource });
	cf_buf_release(&b);
	return err;
}

int cf_flux_patch_finalizer(cf_client *c, cf_arena *a, cf_node *obj,
    bool add)
{
	const cf_node *fins = cf_node_getp(obj, "metadata", "finalizers", NULL);
	cf_node *body = cf_node_map(a), *md, *list = cf_node_seq(a);
	int err;

	for (size_t i = 0; i < cf_node_count(fins); i++) {
		const char *f = cf_node_as_str(cf_node_at(fins, i));

		if (f && strcmp(f, CF_FLUX_FINALIZER))
			cf_node_push(a, list, cf_node_str(a, f));
	}
	if (add)
		cf_node_push(a, list, cf_node_str(a, CF_FLUX_FINALIZER));
	md = cf_node_set_map(a, body, "metadata");
	cf_node_set(a, md, "finalizers", list);
	cf_node_set(a, md, "resourceVersion", cf_node_str(a,
	    cf_node_getp_str(obj, "metadata", "resourceVersion", NULL)));
	if ((err = patch(c, a, obj, body, NULL)) == 0)
		cf_node_set(a, cf_node_get(obj, "metadata"), "finalizers",
		    list);
	return err;
}

int cf_flux_write_status(cf_client *c, cf_arena *a, const cf_node *obj,
    const cf_node *before)
{
	const cf_node *now = cf_node_get(obj, "status");
	cf_node *body = cf_node_map(a), *st;

	if (before && now && cf_node_equal(before, now))
		return 0;
	st = now ? cf_node_dup(a, now) : cf_node_map(a);
	for (size_t i = 0; i < cf_node_count(before); i++)
		if (!cf_node_get(st, before->v.pairs[i].key))
			cf_node_set(a, st, before->v.pairs[i].key,
			    cf_node_null(a));
	cf_node_set(a, body, "status", st);
	return patch(c, a, obj, body, "status");
}

int64_t cf_flux_jitter(int64_t interval_ms, int pct)
{
	int64_t span;

	if (pct == 0)
		pct = 5;
	span = pct > 0 ? interval_ms * pct / 100 : 0;
	if (span <= 0)
		return interval_ms;
	return interval_ms - span + (int64_t)(drand48() * 2 * (double)span);
}

bool cf_flux_spec_bool(const cf_node *obj, const char *field)
{
	const cf_node *b = cf_node_getp(obj, "spec", field, NULL);

	return b && cf_node_is(b, CF_NODE_BOOL) && b->v.b;
}

const char *cf_flux_secret_value(cf_arena *a, const cf_node *secret,
    const char *key, size_t *len)
{
	const char *v = cf_node_getp_str(secret, "data", key, NULL);
	cf_buf b = CF_BUF_INIT;
	const char *out = NULL;

	if (!v) {
		v = cf_node_getp_str(secret, "stringData", key, NULL);
		if (v && len)
			*len = strlen(v);
		return v;
	}
	if (cf_base64_decode(&b, v, strlen(v), false) == 0) {
		out = cf_arena_strndup(a, b.buf ? b.buf : "", b.len);
		if (len)
			*len = b.len;
	}
	cf_buf_release(&b);
	return out;
}
