/* SPDX-License-Identifier: Apache-2.0 */
/*
 * delete: finalizers and deletionTimestamp, propagation policies, the
 * protected namespaces, and the removal that ends an object's life
 * (spec/kubernetes-api.md §2.5-2.7).
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* DeleteOptions from the body (kubectl sends propagationPolicy there). */
static int parse_delete_options(api_req *r, const char **uid, int64_t *rv)
{
	cf_node *o;
	const char *p;

	*uid = NULL;
	*rv = 0;
	if (!r->body_len)
		return 0;
	if (cf_json_parse(&o, r->a, r->body, r->body_len, NULL) < 0) {
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
		return CF_EINVALID;
	}
	p = cf_node_as_str(cf_node_get(o, "propagationPolicy"));
	if (p && !strcmp(p, "Foreground"))
		r->opts.propagation = CF_PROP_FOREGROUND;
	else if (p && !strcmp(p, "Orphan"))
		r->opts.propagation = CF_PROP_ORPHAN;
	else if (p && !strcmp(p, "Background"))
		r->opts.propagation = CF_PROP_BACKGROUND;
	else if (p && *p) {
		api_fail(r, 422, "Invalid",
		    "propagationPolicy: Unsupported value: \"%s\": supported values: \"Foreground\", \"Background\", \"Orphan\"", p);
		return CF_EINVALID;
	}
	if (cf_node_get(o, "orphanDependents") &&
	    cf_node_get(o, "orphanDependents")->type == CF_NODE_BOOL &&
	    cf_node_get(o, "orphanDependents")->v.b &&
	    r->opts.propagation == CF_PROP_DEFAULT)
		r->opts.propagation = CF_PROP_ORPHAN;
	{
		cf_node *dr = cf_node_get(o, "dryRun");
		for (size_t i = 0; i < cf_node_count(dr); i++) {
			const char *v = cf_node_as_str(cf_node_at(dr, i));
			if (v && !strcmp(v, "All"))
				r->opts.dry_run = true;
		}
	}
	*uid = cf_node_getp_str(o, "preconditions", "uid", NULL);
	p = cf_node_getp_str(o, "preconditions", "resourceVersion", NULL);
	if (p)
		*rv = strtoll(p, NULL, 10);
	return 0;
}

/* Remove obj for good: a DELETED event carrying its final state stamped
 * with the deletion's revision. Replies unless r->responded already. */
int api_remove_object(api_req *r, cf_node *obj, int64_t old_rev, int code)
{
	cf_store *st = r->srv->store;
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const char *uid = cf_node_getp_str(obj, "metadata", "uid", NULL);
	cf_buf b = CF_BUF_INIT;
	int err = 0;

	ns = r->res.namespaced && ns ? ns : "";
	if (!r->opts.dry_run) {
		cf_meta_set_rv(r->a, obj, cf_store_next_rev(st));
		cf_json_write(&b, obj, CF_JSON_SORTED);
		err = cf_store_delete(st, NULL, r->res.store_key, ns, name,
		    old_rev, b.buf, b.len);
	}
	if (err == CF_ECONFLICT) {
		api_fail_conflict(r, name);
	} else if (err == CF_ENOTFOUND) {
		api_fail_notfound(r, name);
	} else if (err < 0) {
		api_fail_err(r, err);
	} else {
		if (!r->opts.dry_run && uid)
			api_gc_owner_gone(r->srv, uid,
			    r->opts.propagation == CF_PROP_ORPHAN);
		/* A DELETE (code 0) answers with a Status, or the object for
		 * the kinds that do; an update that released the last
		 * finalizer answers with the object's final state. */
		if (code || r->res.delete_returns_object)
			api_reply_node(r, code ? code : 200, obj);
		else
			api_reply_delete_status(r, name, uid);
	}
	cf_buf_release(&b);
	return err;
}

static const char *const protected_ns[] = { "default", "kube-system",
	"kube-public" };

/*
 * The deletion itself, shared by DELETE and deletecollection. obj is the
 * stored state at rev. Either starts a graceful deletion (finalizers) and
 * answers with the updated object, or removes it.
 */
static void delete_obj(api_req *r, cf_node *obj, int64_t rev)
{
	bool is_ns = !r->res.group[0] && !strcmp(r->res.plural, "namespaces");
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	int64_t gen;
	cf_node *md;
	char now[32];

	if (is_ns) {
		for (size_t i = 0; i < sizeof(protected_ns) / sizeof(*protected_ns); i++)
			if (!strcmp(name, protected_ns[i])) {
				api_fail(r, 403, "Forbidden",
				    "namespaces \"%s\" is forbidden: this namespace may not be deleted",
				    name);
				return;
			}
	}
	if (r->opts.propagation == CF_PROP_FOREGROUND)
		cf_meta_add_finalizer(r->a, obj, "foregroundDeletion");
	else if (r->opts.propagation == CF_PROP_ORPHAN)
		cf_meta_add_finalizer(r->a, obj, "orphan");
	if (cf_meta_finalizer_count(obj) == 0 && !api_has_spec_finalizers(r, obj)) {
		api_remove_object(r, obj, rev, 0);
		return;
	}
	/* Graceful: set the timestamp once; a repeated DELETE changes nothing
	 * but may add the propagation finalizer. */
	md = cf_node_set_map(r->a, obj, "metadata");
	if (!cf_meta_deleting(obj)) {
		cf_meta_now(now);
		cf_node_set(r->a, md, "deletionTimestamp", cf_node_str(r->a, now));
		cf_node_set(r->a, md, "deletionGracePeriodSeconds",
		    cf_node_int(r->a, 0));
		if (cf_node_as_int(cf_node_get(md, "generation"), &gen) && gen > 0)
			cf_node_set(r->a, md, "generation", cf_node_int(r->a, gen + 1));
		if (is_ns)
			cf_node_set(r->a, cf_node_set_map(r->a, obj, "status"),
			    "phase", cf_node_str(r->a, "Terminating"));
	}
	api_store_raw(r, obj, rev);
	if (!r->opts.dry_run)
		api_kick_controllers(r->srv);
}

void api_delete_one(api_req *r, cf_node *obj, const char *name)
{
	int64_t rev = 0;
	cf_node *cur;
	bool saved = r->quiet;

	/* Re-read: the listed copy may be stale by now. */
	if (api_load(r, &cur, &rev, api_obj_ns(r, obj), name) < 0)
		return;
	r->quiet = true; /* the caller answers for the whole collection */
	delete_obj(r, cur, rev);
	r->quiet = saved;
}

void api_handle_delete(api_req *r)
{
	const char *uid;
	int64_t want_rv, rev = 0;
	cf_node *obj;
	int err;

	if (parse_delete_options(r, &uid, &want_rv) < 0)
		return;
	err = api_load(r, &obj, &rev, api_ns(r), r->path.name);
	if (err == CF_ENOTFOUND) {
		api_fail_notfound(r, r->path.name);
		return;
	}
	if (err < 0) {
		api_fail_err(r, err);
		return;
	}
	const char *have = cf_node_getp_str(obj, "metadata", "uid", NULL);
	if (!have)
		have = "";
	if (uid && strcmp(uid, have)) {
		api_fail(r, 409, "Conflict",
		    "Precondition failed: UID in precondition: %s, UID in object meta: %s",
		    uid, have);
		return;
	}
	if (want_rv && want_rv != rev) {
		api_fail(r, 409, "Conflict",
		    "Precondition failed: ResourceVersion in precondition: %" PRId64 ", ResourceVersion in object meta: %" PRId64,
		    want_rv, rev);
		return;
	}
	delete_obj(r, obj, rev);
}
