/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Subresources other than the status writes crud.c handles: GET of
 * /status, the autoscaling/v1 Scale view of /scale (get, update, merge
 * patch), a Namespace's /finalize, ServiceAccount /token, and Pod /log
 * (podlog.c).
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/mergepatch.h"

#include <inttypes.h>
#include <string.h>

static bool sub_is(const api_req *r, const char *s)
{
	return r->path.subresource && !strcmp(r->path.subresource, s);
}

/* The Scale view of obj: spec.replicas, status.replicas, status.selector. */
static cf_node *to_scale(api_req *r, const cf_node *obj)
{
	cf_arena *a = r->a;
	cf_node *s = cf_node_map(a), *md = cf_node_map(a), *spec, *status;
	const cf_node *omd = cf_node_get(obj, "metadata");
	const cf_node *sel = cf_node_getp(obj, "spec", "selector", "matchLabels", NULL);
	int64_t n = 0;
	cf_buf b = CF_BUF_INIT;

	cf_node_set(a, s, "apiVersion", cf_node_str(a, "autoscaling/v1"));
	cf_node_set(a, s, "kind", cf_node_str(a, "Scale"));
	static const char *const keep[] = { "name", "namespace", "uid",
		"resourceVersion", "creationTimestamp" };
	for (size_t i = 0; i < sizeof(keep) / sizeof(*keep); i++)
		if (cf_node_get(omd, keep[i]))
			cf_node_set(a, md, keep[i], cf_node_dup(a, cf_node_get(omd, keep[i])));
	cf_node_set(a, s, "metadata", md);
	spec = cf_node_set_map(a, s, "spec");
	cf_node_as_int(cf_node_getp(obj, "spec", "replicas", NULL), &n);
	cf_node_set(a, spec, "replicas", cf_node_int(a, n));
	status = cf_node_set_map(a, s, "status");
	n = 0;
	cf_node_as_int(cf_node_getp(obj, "status", "replicas", NULL), &n);
	cf_node_set(a, status, "replicas", cf_node_int(a, n));
	for (size_t i = 0; i < cf_node_count(sel); i++)
		cf_buf_addf(&b, "%s%s=%s", i ? "," : "", sel->v.pairs[i].key,
		    cf_node_as_str(sel->v.pairs[i].val) ?
			cf_node_as_str(sel->v.pairs[i].val) : "");
	if (b.len)
		cf_node_set(a, status, "selector", cf_node_strn(a, b.buf, b.len));
	cf_buf_release(&b);
	return s;
}

static int load_parent(api_req *r, cf_node **obj, int64_t *rev)
{
	int err = api_load(r, obj, rev, api_ns(r), r->path.name);

	if (err == CF_ENOTFOUND)
		api_fail_notfound(r, r->path.name);
	else if (err < 0)
		api_fail_err(r, err);
	return err;
}

void api_get_subresource(api_req *r)
{
	cf_node *obj;
	int64_t rev;

	if (load_parent(r, &obj, &rev) < 0)
		return;
	if (sub_is(r, "log")) /* only Pods have it */
		api_pod_log(r);
	else if (sub_is(r, "scale"))
		api_reply_node(r, 200, to_scale(r, obj));
	else
		api_reply_node(r, 200, obj); /* /status: the whole object */
}

/* Write a new replica count through the main object. */
static void set_replicas(api_req *r, cf_node *obj, int64_t rev, const cf_node *scale)
{
	int64_t n;
	cf_node *copy;

	if (!cf_node_as_int(cf_node_getp(scale, "spec", "replicas", NULL), &n) || n < 0) {
		api_fail_invalid(r, r->path.name, "spec.replicas", "FieldValueInvalid",
		    "Invalid value: must be greater than or equal to 0");
		return;
	}
	copy = cf_node_dup(r->a, obj);
	cf_node_set(r->a, cf_node_set_map(r->a, copy, "spec"), "replicas",
	    cf_node_int(r->a, n));
	r->path.subresource = NULL; /* tracked and stored as the main object */
	r->capture = true;
	api_finish_update(r, copy, obj, rev, 0, false);
	r->capture = false;
	if (r->code >= 400) {
		api_reply_last(r);
		return;
	}
	api_load(r, &obj, &rev, api_ns(r), r->path.name);
	api_reply_node(r, 200, to_scale(r, obj));
}

void api_update_subresource(api_req *r)
{
	cf_node *obj, *body;
	int64_t rev, want;

	if (sub_is(r, "finalize") && !r->res.group[0] &&
	    !strcmp(r->res.plural, "namespaces")) {
		if (api_decode_body(r, &body) < 0 || load_parent(r, &obj, &rev) < 0)
			return;
		cf_node *spec = cf_node_set_map(r->a, obj, "spec");
		const cf_node *f = cf_node_getp(body, "spec", "finalizers", NULL);
		if (f)
			cf_node_set(r->a, spec, "finalizers", cf_node_dup(r->a, f));
		else
			cf_node_del(spec, "finalizers");
		if (cf_meta_deleting(obj) && !cf_node_count(cf_node_get(spec, "finalizers")) &&
		    !cf_meta_finalizer_count(obj))
			api_remove_object(r, obj, rev, 200);
		else
			api_store_raw(r, obj, rev);
		return;
	}
	if (!sub_is(r, "scale") || !r->res.scale_subresource) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	if (api_decode_body(r, &body) < 0 || load_parent(r, &obj, &rev) < 0)
		return;
	want = cf_meta_rv(body);
	if (want > 0 && want != rev) {
		api_fail_conflict(r, r->path.name);
		return;
	}
	set_replicas(r, obj, rev, body);
}

void api_patch_subresource(api_req *r)
{
	cf_node *obj, *patch, *scale;
	int64_t rev;

	if (!sub_is(r, "scale") || !r->res.scale_subresource) {
		api_fail(r, 404, "NotFound", "the server could not find the requested resource");
		return;
	}
	if (r->ctype != CF_CT_MERGE_PATCH && r->ctype != CF_CT_STRATEGIC_PATCH &&
	    r->ctype != CF_CT_JSON_PATCH) {
		api_fail(r, 415, "UnsupportedMediaType",
		    "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json");
		return;
	}
	if (load_parent(r, &obj, &rev) < 0)
		return;
	if (cf_json_parse(&patch, r->a, r->body, r->body_len, NULL) < 0) {
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
		return;
	}
	scale = to_scale(r, obj);
	if (r->ctype == CF_CT_JSON_PATCH) {
		if (api_json_patch(r, &scale, patch) < 0)
			return;
	} else {
		scale = cf_mergepatch_apply(r->a, scale, patch);
	}
	set_replicas(r, obj, rev, scale);
}

void api_create_subresource(api_req *r)
{
	if (sub_is(r, "token") && !r->res.group[0] &&
	    !strcmp(r->res.plural, "serviceaccounts")) {
		api_handle_token_request(r);
		return;
	}
	api_fail(r, 405, "MethodNotAllowed",
	    "the server does not allow this method on the requested resource");
}
