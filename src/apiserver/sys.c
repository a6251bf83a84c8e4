/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Requests the server makes to itself (bootstrap, the in-process
 * controllers): the same write paths as clients, with replies suppressed
 * and the outcome kept in r->code.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <string.h>

int api_sys_req(api_req *r, cf_apiserver *srv, cf_arena *a, const char *key,
    const cf_node *obj)
{
	memset(r, 0, sizeof(*r));
	r->srv = srv;
	r->a = a;
	r->quiet = true; /* nobody to answer */
	r->sys = true;
	r->method = "POST";
	r->raw_path = "";
	r->user_info.name = "system:apiserver";
	r->user_agent = "cflux-apiserver/" CF_VERSION;
	r->opts.field_manager = "cflux-apiserver";
	r->opts.field_validation = CF_FV_IGNORE;
	r->opts.grace_period = -1;
	if (api_res_by_key(srv, key, &r->res) < 0)
		return CF_ENOTFOUND;
	r->has_res = true;
	r->path.resource_request = true;
	r->path.group = r->res.group;
	r->path.version = r->res.version;
	r->path.resource = r->res.plural;
	r->path.namespace = r->res.namespaced ?
	    cf_node_getp_str(obj, "metadata", "namespace", NULL) : NULL;
	r->path.name = cf_node_getp_str(obj, "metadata", "name", NULL);
	return 0;
}

void api_sys_create(api_req *r, cf_node *obj)
{
	r->path.name = NULL;
	api_create_object(r, obj);
}

/*
 * Write obj over the stored state at rev without admission or field
 * tracking: server-side transitions (deletionTimestamp, finalizers,
 * conditions). Replies with the stored object unless suppressed.
 */
void api_store_raw(api_req *r, cf_node *obj, int64_t rev)
{
	cf_store *st = r->srv->store;
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	cf_buf b = CF_BUF_INIT;
	int err = 0;

	ns = r->res.namespaced && ns ? ns : "";
	if (!r->opts.dry_run) {
		cf_meta_set_rv(r->a, obj, cf_store_next_rev(st));
		cf_json_write(&b, obj, CF_JSON_SORTED);
		err = cf_store_update(st, NULL, r->res.store_key, ns, name, rev,
		    b.buf, b.len);
	} else {
		cf_json_write(&b, obj, CF_JSON_SORTED);
	}
	if (err == CF_ECONFLICT)
		api_fail_conflict(r, name);
	else if (err == CF_ENOTFOUND)
		api_fail_notfound(r, name);
	else if (err < 0)
		api_fail_err(r, err);
	else
		api_reply(r, 200, &b);
	cf_buf_release(&b);
}

const char *api_obj_ns(const api_req *r, const cf_node *obj)
{
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);

	return r->res.namespaced && ns ? ns : "";
}

/* Namespaces also wait on spec.finalizers (the "kubernetes" one). */
bool api_has_spec_finalizers(const api_req *r, const cf_node *obj)
{
	if (r->res.group[0] || strcmp(r->res.plural, "namespaces"))
		return false;
	return cf_node_count(cf_node_getp(obj, "spec", "finalizers", NULL)) > 0;
}

const char *api_gv(const api_req *r)
{
	if (!r->res.group[0])
		return r->res.version;
	return cf_arena_printf(r->a, "%s/%s", r->res.group, r->res.version);
}

/* Compact JSON of v for messages, cut at 256 bytes. */
const char *api_short_json(api_req *r, const cf_node *v)
{
	cf_buf b = CF_BUF_INIT;
	const char *s;

	if (!v)
		return "null";
	cf_json_write(&b, v, CF_JSON_SORTED);
	if (b.len > 256) {
		cf_buf_truncate(&b, 253);
		cf_buf_adds(&b, "...");
	}
	s = cf_arena_strndup(r->a, b.buf, b.len);
	cf_buf_release(&b);
	return s;
}
