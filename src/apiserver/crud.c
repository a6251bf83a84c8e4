/* SPDX-License-Identifier: Apache-2.0 */
/*
 * get, list, create, update (PUT) and delete of stored objects: the
 * read-modify-write core every other verb (patch, apply, subresources)
 * funnels into through api_write_object().
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *api_ns(const api_req *r)
{
	return r->res.namespaced ? (r->path.namespace ? r->path.namespace : "") : "";
}

int api_load(api_req *r, cf_node **out, int64_t *rev, const char *ns,
    const char *name)
{
	cf_buf b = CF_BUF_INIT;
	int err;

	err = cf_store_get(r->srv->store, &b, rev, NULL, r->res.store_key, ns,
	    name);
	if (err == 0) {
		err = cf_json_parse(out, r->a, b.buf, b.len, NULL);
		if (err < 0)
			cf_error_wrap("stored object '%s/%s' is corrupt", ns, name);
	}
	cf_buf_release(&b);
	return err;
}

/* The "<plural>[.<group>]" form kube-apiserver uses in messages. */
const char *api_qualified(const api_req *r)
{
	if (!r->res.group[0])
		return r->res.plural;
	return cf_arena_printf(r->a, "%s.%s", r->res.plural, r->res.group);
}

void api_fail_notfound(api_req *r, const char *name)
{
	api_fail(r, 404, "NotFound", "%s \"%s\" not found", api_qualified(r),
	    name);
}

void api_handle_get(api_req *r)
{
	cf_buf b = CF_BUF_INIT;
	int err;

	err = cf_store_get(r->srv->store, &b, NULL, NULL, r->res.store_key,
	    api_ns(r), r->path.name);
	if (err == CF_ENOTFOUND) {
		api_fail_notfound(r, r->path.name);
	} else if (err < 0) {
		api_fail_err(r, err);
	} else if (r->accept == CF_ACCEPT_TABLE) {
		cf_node *obj;
		if (cf_json_parse(&obj, r->a, b.buf, b.len, NULL) < 0)
			api_fail_err(r, CF_ERROR);
		else
			api_reply_table(r, &obj, 1, NULL, NULL);
	} else {
		/* The stored bytes are the canonical answer: no re-encoding. */
		api_reply(r, 200, &b);
	}
	cf_buf_release(&b);
}

/* Namespace checks for writes into namespace ns (§2.7). */
int api_check_namespace(api_req *r, const char *ns, bool creating)
{
	cf_buf b = CF_BUF_INIT;
	cf_node *obj;
	int err;

	if (!r->res.namespaced)
		return 0;
	err = cf_store_get(r->srv->store, &b, NULL, NULL, "/namespaces", "", ns);
	if (err == CF_ENOTFOUND) {
		cf_buf_release(&b);
		api_fail_about(r, 404, "NotFound", "", "namespaces", ns,
		    "namespaces \"%s\" not found", ns);
		return CF_ENOTFOUND;
	}
	if (err == 0 && creating &&
	    cf_json_parse(&obj, r->a, b.buf, b.len, NULL) == 0 &&
	    cf_meta_deleting(obj)) {
		cf_buf_release(&b);
		api_fail_terminating(r, ns);
		return CF_EFORBIDDEN;
	}
	cf_buf_release(&b);
	if (err < 0 && err != CF_ENOTFOUND) {
		api_fail_err(r, err);
		return err;
	}
	return 0;
}

/*
 * Check the body's apiVersion/kind against the endpoint and the namespace
 * and name against the URL, filling in what the client left out.
 */
int api_check_identity(api_req *r, cf_arena *a, cf_node *obj, bool apply)
{
	const char *gv = r->res.group[0] ?
	    cf_arena_printf(a, "%s/%s", r->res.group, r->res.version) :
	    r->res.version;
	const char *av = cf_node_as_str(cf_node_get(obj, "apiVersion"));
	const char *kind = cf_node_as_str(cf_node_get(obj, "kind"));
	cf_node *md;
	const char *ns, *name;

	if (!cf_node_is(obj, CF_NODE_MAP)) {
		api_fail(r, 400, "BadRequest", "the body of the request is not an object");
		return CF_EINVALID;
	}
	if (apply && (!av || !kind)) {
		api_fail(r, 400, "BadRequest",
		    "error decoding YAML: Object 'Kind' is missing in '%.*s'",
		    (int)(r->body_len > 200 ? 200 : r->body_len), r->body);
		return CF_EINVALID;
	}
	if (av && strcmp(av, gv)) {
		api_fail(r, 400, "BadRequest",
		    "the API version in the data (%s) does not match the expected API version (%s)",
		    av, gv);
		return CF_EINVALID;
	}
	if (kind && strcmp(kind, r->res.kind)) {
		api_fail(r, 400, "BadRequest",
		    "the kind in the data (%s) does not match the expected kind (%s)",
		    kind, r->res.kind);
		return CF_EINVALID;
	}
	if (!av)
		cf_node_set(a, obj, "apiVersion", cf_node_str(a, gv));
	if (!kind)
		cf_node_set(a, obj, "kind", cf_node_str(a, r->res.kind));
	md = cf_node_get(obj, "metadata");
	if (md && !cf_node_is(md, CF_NODE_MAP)) {
		api_fail(r, 400, "BadRequest", "metadata must be an object");
		return CF_EINVALID;
	}
	md = cf_node_set_map(a, obj, "metadata");
	ns = cf_node_as_str(cf_node_get(md, "namespace"));
	if (r->res.namespaced) {
		if (ns && *ns && strcmp(ns, api_ns(r))) {
			api_fail(r, 400, "BadRequest",
			    "the namespace of the provided object does not match the namespace sent on the request");
			return CF_EINVALID;
		}
		cf_node_set(a, md, "namespace", cf_node_str(a, api_ns(r)));
	} else {
		cf_node_del(md, "namespace");
	}
	name = cf_node_as_str(cf_node_get(md, "name"));
	if (r->path.name) {
		if (name && *name && strcmp(name, r->path.name)) {
			api_fail(r, 400, "BadRequest",
			    "the name of the object (%s) does not match the name on the URL (%s)",
			    name, r->path.name);
			return CF_EINVALID;
		}
		cf_node_set(a, md, "name", cf_node_str(a, r->path.name));
	}
	return 0;
}

/* Serialize obj the canonical way: sorted keys, compact. */
static int encode(cf_buf *out, const cf_node *obj)
{
	return cf_json_write(out, obj, CF_JSON_SORTED);
}

/*
 * Store obj as the new state of its key. old is the stored state (NULL to
 * create) at revision old_rev; expect is the client's precondition (0 =
 * none). A result equal to old is not a write: no revision, no event, and
 * the stored bytes are the answer. Replies to the client.
 */
void api_write_object(api_req *r, cf_node *obj, const cf_node *old,
    int64_t old_rev, int64_t expect, int created_code)
{
	cf_store *st = r->srv->store;
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	cf_buf b = CF_BUF_INIT;
	int64_t rev = cf_store_next_rev(st);
	int err;

	ns = ns && r->res.namespaced ? ns : "";
	if (old) {
		/* No-op detection: compare at the old revision. */
		cf_meta_set_rv(r->a, obj, old_rev);
		if (encode(&b, obj) < 0)
			goto fail;
		cf_buf old_b = CF_BUF_INIT;
		encode(&old_b, old);
		bool same = old_b.len == b.len && !memcmp(old_b.buf, b.buf, b.len);
		cf_buf_release(&old_b);
		if (same) {
			api_reply(r, 200, &b);
			goto done;
		}
		cf_buf_reset(&b);
	}
	if (r->opts.dry_run) {
		/* A dry-run create has no resourceVersion; an update keeps the
		 * stored one (spec/kubernetes-api.md §1.7). */
		if (old)
			cf_meta_set_rv(r->a, obj, old_rev);
		else
			cf_node_del(cf_node_get(obj, "metadata"), "resourceVersion");
		if (encode(&b, obj) < 0)
			goto fail;
		api_reply(r, old ? 200 : created_code, &b);
		goto done;
	}
	cf_meta_set_rv(r->a, obj, rev);
	if (encode(&b, obj) < 0)
		goto fail;
	if (old)
		err = cf_store_update(st, NULL, r->res.store_key, ns, name,
		    expect ? expect : old_rev, b.buf, b.len);
	else
		err = cf_store_create(st, NULL, r->res.store_key, ns, name,
		    b.buf, b.len);
	if (err == CF_EEXISTS) {
		api_fail_about(r, 409, "AlreadyExists", r->res.group, r->res.plural,
		    name, "%s \"%s\" already exists", api_qualified(r), name);
		goto done;
	}
	if (err == CF_ECONFLICT) {
		api_fail_conflict(r, name);
		goto done;
	}
	if (err < 0) {
		api_fail_err(r, err);
		goto done;
	}
	api_reply(r, old ? 200 : created_code, &b);
	goto done;
fail:
	api_fail_err(r, cf_error_last()->code ? cf_error_last()->code : CF_ERROR);
done:
	cf_buf_release(&b);
}

void api_fail_conflict(api_req *r, const char *name)
{
	api_fail(r, 409, "Conflict",
	    "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes to the latest version and try again",
	    api_qualified(r), name);
}

void api_fail_terminating(api_req *r, const char *ns)
{
	api_fail(r, 403, "Forbidden",
	    "%s \"%s\" is forbidden: unable to create new content in namespace %s because it is being terminated",
	    api_qualified(r),
	    r->path.name ? r->path.name : "", ns);
}

/* Decode the body as the content type says. */
int api_decode_body(api_req *r, cf_node **out)
{
	int err;

	if (r->body_len == 0) {
		api_fail(r, 400, "BadRequest", "the body of the request was empty");
		return CF_EINVALID;
	}
	err = api_decode(r, out, r->body, r->body_len);
	if (err < 0)
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
	return err;
}

/* The field manager of a non-apply write: the query parameter, or the
 * User-Agent up to its first '/'. */
const char *api_manager(api_req *r)
{
	const char *ua = r->user_agent ? r->user_agent : "unknown";
	size_t n;

	if (r->opts.field_manager && *r->opts.field_manager)
		return r->opts.field_manager;
	n = strcspn(ua, "/");
	if (n > 128)
		n = 128;
	return cf_arena_strndup(r->a, ua, n);
}

void api_handle_create(api_req *r)
{
	cf_node *obj;

	if (r->path.subresource) {
		api_create_subresource(r);
		return;
	}
	if (api_decode_body(r, &obj) < 0)
		return;
	api_create_object(r, obj);
}

/* Create obj (decoded) at the request's collection. */
void api_create_object(api_req *r, cf_node *obj)
{
	const char *ns = api_ns(r);

	if (api_check_identity(r, r->a, obj, false) < 0)
		return;
	if (api_check_namespace(r, ns, true) < 0)
		return;
	if (api_assign_name(r, obj) < 0)
		return;
	cf_meta_prepare_create(r->a, obj, &(cf_meta_kind){
	    .tracks_generation = r->res.tracks_generation,
	    .status_subresource = r->res.status_subresource,
	    .is_crd_resource = r->res.is_crd }, 0);
	if (api_admit(r, obj, NULL) < 0)
		return;
	if (api_track_update(r, obj, NULL) < 0)
		return;
	api_write_object(r, obj, NULL, 0, 0, 201);
}

void api_handle_update(api_req *r)
{
	cf_node *obj, *old;
	int64_t old_rev = 0, want;
	bool status_write = r->path.subresource &&
	    !strcmp(r->path.subresource, "status");
	int err;

	if (r->path.subresource && !status_write) {
		api_update_subresource(r);
		return;
	}
	if (api_decode_body(r, &obj) < 0 ||
	    api_check_identity(r, r->a, obj, false) < 0)
		return;
	want = cf_meta_rv(obj);
	if (want < 0) {
		api_fail(r, 400, "BadRequest", "invalid resourceVersion");
		return;
	}
	err = api_load(r, &old, &old_rev, api_ns(r), r->path.name);
	if (err == CF_ENOTFOUND) {
		api_fail_notfound(r, r->path.name);
		return;
	}
	if (err < 0) {
		api_fail_err(r, err);
		return;
	}
	if (want == 0 && r->res.is_crd) {
		api_fail_invalid(r, r->path.name, "metadata.resourceVersion",
		    "FieldValueInvalid",
		    "Invalid value: 0x0: must be specified for an update");
		return;
	}
	if (want && want != old_rev) {
		api_fail_conflict(r, r->path.name);
		return;
	}
	api_finish_update(r, obj, old, old_rev, want, status_write);
}

/*
 * The shared tail of PUT, PATCH and apply: server fields, admission,
 * managedFields, then the write (or, with no finalizers left on an object
 * being deleted, its removal).
 */
void api_finish_update(api_req *r, cf_node *obj, const cf_node *old,
    int64_t old_rev, int64_t expect, bool status_write)
{
	cf_meta_kind k = { .tracks_generation = r->res.tracks_generation,
		.status_subresource = r->res.status_subresource || status_write,
		.is_crd_resource = r->res.is_crd };

	if (cf_meta_prepare_update(r->a, obj, old, &k, status_write, 0) < 0) {
		api_fail_invalid(r, r->path.name, "metadata.finalizers",
		    "FieldValueForbidden", cf_error_msg());
		return;
	}
	if (!status_write && api_admit(r, obj, old) < 0)
		return;
	if (!status_write)
		cf_meta_bump_generation(r->a, obj, old, &k);
	if (api_track_update(r, obj, old) < 0)
		return;
	if (cf_meta_deleting(obj) && cf_meta_finalizer_count(obj) == 0 &&
	    !api_has_spec_finalizers(r, obj)) {
		api_remove_object(r, obj, old_rev, 200);
		return;
	}
	api_write_object(r, obj, old, old_rev, expect, 201);
}
