/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PATCH in its four forms (spec/kubernetes-api.md §3, §4): JSON merge
 * patch, JSON patch, strategic merge patch (built-in kinds only) and
 * server-side apply. The first three produce a new object that takes the
 * same path as a PUT; apply computes ownership itself and may create.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/jsonpatch.h"
#include "kube/mergepatch.h"
#include "kube/smp.h"
#include "kube/ssa.h"

#include <string.h>

static const char accepted_patch_types[] =
    "application/json-patch+json, application/merge-patch+json, "
    "application/apply-patch+yaml";

static void fail_media(api_req *r)
{
	api_fail(r, 415, "UnsupportedMediaType",
	    "the body of the request was in an unknown format - accepted media types include: %s%s",
	    accepted_patch_types,
	    r->res.is_crd ? "" : ", application/strategic-merge-patch+json");
}

/* Apply a non-apply patch to old, giving the requested new object. */
static int apply_patch(api_req *r, cf_node **out, const cf_node *old)
{
	cf_node *patch, *obj = cf_node_dup(r->a, old);
	int err;

	if (r->ctype == CF_CT_JSON_PATCH) {
		err = cf_json_parse(&patch, r->a, r->body, r->body_len, NULL);
		if (err == 0)
			err = cf_jsonpatch_apply(r->a, &obj, patch);
	} else {
		err = cf_json_parse(&patch, r->a, r->body, r->body_len, NULL);
		if (err == 0 && !cf_node_is(patch, CF_NODE_MAP))
			err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "the body of the request is not a JSON object");
		if (err == 0 && r->ctype == CF_CT_MERGE_PATCH)
			obj = cf_mergepatch_apply(r->a, obj, patch);
		else if (err == 0)
			err = cf_smp_apply(&obj, r->a, api_schema(r), obj, patch);
	}
	if (err < 0)
		return err;
	*out = obj;
	return 0;
}

/* After a patch, the object must still be itself. */
static int check_patched_identity(api_req *r, cf_node *obj, const cf_node *old)
{
	const char *n = cf_node_getp_str(obj, "metadata", "name", NULL);

	if (!n || strcmp(n, r->path.name)) {
		api_fail(r, 400, "BadRequest",
		    "the name of the object (%s) does not match the name on the URL (%s)",
		    n ? n : "", r->path.name);
		return CF_EINVALID;
	}
	(void)old;
	return api_check_identity(r, r->a, obj, false);
}

static void do_apply(api_req *r, cf_node *old, int64_t old_rev)
{
	cf_node *config;
	cf_ssa_result res;
	char now[32];
	bool status_write = r->path.subresource &&
	    !strcmp(r->path.subresource, "status");
	int err;

	if (!r->opts.field_manager || !*r->opts.field_manager) {
		api_fail(r, 400, "BadRequest",
		    "PATCH /%s: fieldManager is required for apply requests",
		    r->raw_path);
		return;
	}
	if (api_decode(r, &config, r->body, r->body_len) < 0) {
		api_fail(r, 400, "BadRequest", "error decoding YAML: %s",
		    cf_error_msg());
		return;
	}
	if (api_check_identity(r, r->a, config, true) < 0)
		return;
	if (cf_node_getp(config, "metadata", "managedFields", NULL)) {
		api_fail(r, 400, "BadRequest", "metadata.managedFields must be nil");
		return;
	}
	if (!old) {
		if (status_write) {
			api_fail_notfound(r, r->path.name);
			return;
		}
		if (api_check_namespace(r, api_ns(r), true) < 0)
			return;
	}
	cf_meta_now(now);
	err = cf_ssa_apply(&res, r->a, api_schema(r), old, config,
	    &(cf_ssa_opts){ .manager = r->opts.field_manager,
		.api_version = api_gv(r), .subresource = status_write ? "status" : NULL,
		.now = now, .force = r->opts.force,
		.status_subresource = r->res.status_subresource });
	if (err == CF_ECONFLICT) {
		api_fail_apply_conflict(r, &res);
		return;
	}
	if (err < 0) {
		api_fail(r, err == CF_EINVALID ? 422 : 500,
		    err == CF_EINVALID ? "Invalid" : "InternalError", "%s",
		    cf_error_msg());
		return;
	}
	if (!old) {
		cf_meta_prepare_create(r->a, res.obj, &(cf_meta_kind){
		    .tracks_generation = r->res.tracks_generation,
		    .status_subresource = r->res.status_subresource,
		    .is_crd_resource = r->res.is_crd }, 0);
		if (api_admit(r, res.obj, NULL) < 0)
			return;
		api_write_object(r, res.obj, NULL, 0, 0, 201);
		return;
	}
	{
		cf_meta_kind k = { .tracks_generation = r->res.tracks_generation,
			.status_subresource = r->res.status_subresource || status_write,
			.is_crd_resource = r->res.is_crd };
		if (cf_meta_prepare_update(r->a, res.obj, old, &k, status_write, 0) < 0) {
			api_fail_invalid(r, r->path.name, "metadata.finalizers",
			    "FieldValueForbidden", cf_error_msg());
			return;
		}
	}
	if (!status_write && api_admit(r, res.obj, old) < 0)
		return;
	if (!status_write)
		cf_meta_bump_generation(r->a, res.obj, old, &(cf_meta_kind){
		    .tracks_generation = r->res.tracks_generation,
		    .status_subresource = r->res.status_subresource,
		    .is_crd_resource = r->res.is_crd });
	api_write_object(r, res.obj, old, old_rev, 0, 201);
}

void api_handle_patch(api_req *r)
{
	cf_node *old = NULL, *obj;
	int64_t old_rev = 0, want;
	bool status_write;
	int err;

	if (r->path.subresource && strcmp(r->path.subresource, "status")) {
		api_patch_subresource(r);
		return;
	}
	status_write = r->path.subresource != NULL;
	if (r->opts.force_set && r->ctype != CF_CT_APPLY_PATCH) {
		api_fail(r, 400, "BadRequest",
		    "force: Forbidden: may not be specified for non-apply patch");
		return;
	}
	switch (r->ctype) {
	case CF_CT_STRATEGIC_PATCH:
		if (r->res.is_crd) {
			fail_media(r);
			return;
		}
		break;
	case CF_CT_MERGE_PATCH:
	case CF_CT_JSON_PATCH:
	case CF_CT_APPLY_PATCH:
		break;
	default:
		fail_media(r);
		return;
	}
	err = api_load(r, &old, &old_rev, api_ns(r), r->path.name);
	if (err == CF_ENOTFOUND && r->ctype == CF_CT_APPLY_PATCH) {
		do_apply(r, NULL, 0);
		return;
	}
	if (err == CF_ENOTFOUND) {
		api_fail_notfound(r, r->path.name);
		return;
	}
	if (err < 0) {
		api_fail_err(r, err);
		return;
	}
	if (r->ctype == CF_CT_APPLY_PATCH) {
		do_apply(r, old, old_rev);
		return;
	}
	err = apply_patch(r, &obj, old);
	if (err < 0) {
		api_fail(r, err == CF_EINVALID ? 422 : 400,
		    err == CF_EINVALID ? "Invalid" : "BadRequest", "%s",
		    cf_error_msg());
		return;
	}
	if (check_patched_identity(r, obj, old) < 0)
		return;
	/* A resourceVersion in the patch is a precondition (§2.4). */
	want = cf_meta_rv(obj);
	if (want > 0 && want != old_rev) {
		api_fail_conflict(r, r->path.name);
		return;
	}
	api_finish_update(r, obj, old, old_rev, 0, status_write);
}

int api_json_patch(api_req *r, cf_node **obj, const cf_node *patch)
{
	if (cf_jsonpatch_apply(r->a, obj, patch) < 0) {
		api_fail(r, 422, "Invalid", "%s", cf_error_msg());
		return CF_EINVALID;
	}
	return 0;
}
