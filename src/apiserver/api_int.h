/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the API server's files: the server object, the
 * per-request state, the resource descriptor the handlers work from, and
 * the functions each file offers the others. Everything here runs on the
 * server's single event-loop thread.
 */
#ifndef CF_APISERVER_API_INT_H
#define CF_APISERVER_API_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "apiserver/options.h"
#include "apiserver/path.h"
#include "apiserver/server.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"
#include "kube/rbac.h"

struct cf_store;
struct cf_store_event;
struct cf_scheme;
struct cf_schema;
struct cf_crd_schema;
struct cf_crd_column;
struct cf_crd_causes;
struct cf_ssa_result;
struct cf_resource_def;
struct api_crd;
typedef struct api_watcher api_watcher;
typedef struct api_stream api_stream;
typedef struct api_filter api_filter;

/* A deleted owner whose dependents the garbage collector must visit. */
struct api_gc_item {
	struct api_gc_item *next;
	char uid[40];
	bool orphan;
};

struct cf_apiserver {
	char *data_dir;
	struct cf_store *store;
	struct cf_scheme *scheme;
	struct api_crd *crds;      /* served CRD versions (resolve.c) */
	cf_rbac *rbac;
	char *admin_token;
	void *authn;               /* ServiceAccount token signer (auth.c) */
	void *http;                /* the HTTP layer's state (http.c) */
	api_watcher *watchers;
	size_t nwatchers;
	struct api_log_follower *log_followers; /* podlog.c */
	char *self_pod_ns, *self_pod_name;      /* the daemon's own Pod */
	struct api_gc_item *gc_queue;
	int sub_id;
	bool kicked;               /* controllers have work */
	bool crds_dirty;
	bool rbac_dirty;
};

/* Everything the handlers need to know about one served resource. Strings
 * are borrowed from the scheme (valid until the server is freed) or the
 * request's arena. */
typedef struct api_res {
	const char *group, *version, *kind, *plural, *singular, *list_kind;
	bool namespaced;
	bool tracks_generation;
	bool status_subresource;
	bool scale_subresource;
	bool is_crd;              /* a custom resource */
	bool delete_returns_object;
	const char *store_key;    /* "<group>/<plural>" */
	const struct cf_resource_def *entry;
} api_res;

/* One request, from parse to response. */
typedef struct api_req {
	struct cf_apiserver *srv;
	cf_arena *a;
	void *http;               /* the HTTP layer's request handle */
	const char *method;
	const char *raw_path;
	cf_api_path path;
	cf_api_query query;
	cf_api_opts opts;
	enum cf_accept accept;
	enum cf_content ctype;
	const char *body;
	size_t body_len;
	const char *user_agent;
	cf_user_info user_info;   /* after authentication and impersonation */
	enum cf_api_verb verb;
	api_res res;
	bool has_res;
	bool sys;                 /* made by the server itself */
	/* response */
	bool quiet;               /* record the outcome, send nothing */
	bool capture;             /* keep the reply for api_reply_last */
	bool responded;
	bool streaming;
	int code;                 /* status of the last reply */
	cf_buf captured;
	const char *content_type; /* override for the next reply */
	const char **warnings;
	size_t nwarnings;
} api_req;

/* ---- server.c ---------------------------------------------------------- */
/* Decode %XX escapes (arena copy). */
char *cf_api_unescape(cf_arena *a, const char *s);
void api_handle(api_req *r);

/* ---- http.c: transport, replies, streams, timers ---------------------- */
int api_http_init(cf_apiserver *srv, const cf_apiserver_opts *opts);
void api_http_free(cf_apiserver *srv);
const char *api_header(const api_req *r, const char *name);
/* Every value of a repeated header; *n gets the count. */
const char **api_header_all(const api_req *r, const char *name, size_t *n);
/* The request headers whose names start with prefix (case-insensitive),
 * as an arena array for authn's impersonation. */
struct cf_authn_header *api_headers_with_prefix(const api_req *r,
    const char *prefix, size_t *n);
const char *api_server_address(const cf_apiserver *srv);
void api_set_content_type(api_req *r, const char *ct);
void api_reply(api_req *r, int code, const cf_buf *body);
void api_reply_node(api_req *r, int code, const cf_node *obj);
void api_reply_text(api_req *r, int code, const char *text);
void api_reply_last(api_req *r);
void api_warn(api_req *r, const char *msg);
api_stream *api_stream_start(api_req *r, void (*on_close)(void *), void *arg);
int api_stream_write(api_stream *s, const char *data, size_t len);
void api_stream_end(api_stream *s);
/* Free the wrapper of a stream the HTTP layer has already closed. */
void api_stream_forget(api_stream *s);
void *api_timer_after(cf_apiserver *srv, int64_t ms, void (*fn)(void *),
    void *arg);
void api_timer_cancel(cf_apiserver *srv, void *timer);
void api_schedule_controllers(cf_apiserver *srv);

/* ---- errors.c: metav1.Status replies ------------------------------------ */
void api_fail(api_req *r, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void api_fail_err(api_req *r, int err);
/* A failure about another object than the URL names (details carry its
 * group, resource plural and name). */
void api_fail_about(api_req *r, int code, const char *reason,
    const char *group, const char *plural, const char *name,
    const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void api_fail_notfound(api_req *r, const char *name);
void api_fail_conflict(api_req *r, const char *name);
void api_fail_terminating(api_req *r, const char *ns);
void api_fail_invalid(api_req *r, const char *name, const char *field,
    const char *reason, const char *msg);
void api_fail_causes(api_req *r, const char *name,
    const struct cf_crd_causes *causes);
void api_fail_apply_conflict(api_req *r, const struct cf_ssa_result *res);
struct cf_field_errs;
void api_fail_errs(api_req *r, const char *name, const struct cf_field_errs *errs);
void api_reply_delete_status(api_req *r, const char *name, const char *uid);
void api_status_json(cf_buf *out, int code, const char *reason,
    const char *msg);
const char *api_qualified(const api_req *r);

/* ---- resolve.c ------------------------------------------------------------ */
int api_registry_init(cf_apiserver *srv);
void api_registry_free(cf_apiserver *srv);
int api_resolve(api_req *r);
bool api_verb_allowed(const api_req *r);
int api_res_by_key(cf_apiserver *srv, const char *key, api_res *res);
const struct cf_schema *api_schema(const api_req *r);
const struct cf_crd_schema *api_crd_schema(const api_req *r);
size_t api_crd_columns(const api_req *r, const struct cf_crd_column **out);
const cf_node *api_crd_openapi_schema(cf_apiserver *srv,
    const struct cf_resource_def *d);
void api_crd_event(cf_apiserver *srv, const struct cf_store_event *ev);
void api_load_indexes(cf_apiserver *srv);

/* ---- discovery.c ---------------------------------------------------------- */
void api_serve_nonresource(api_req *r);

/* ---- auth.c ---------------------------------------------------------------- */
int api_auth_init(cf_apiserver *srv);
void api_auth_free(cf_apiserver *srv);
int api_authenticate(api_req *r);
int api_impersonate(api_req *r);
void api_authz_attrs(const api_req *r, cf_authz_attrs *at);
void api_rbac_event(cf_apiserver *srv, const struct cf_store_event *ev);
bool api_is_review(const api_req *r);
void api_handle_review(api_req *r);
void api_handle_token_request(api_req *r);
int api_token_review(api_req *r, const cf_node *body, cf_node **out);
int api_self_subject_review(api_req *r, const cf_node *body, cf_node **out);

/* ---- decode.c / admit.c --------------------------------------------------- */
int api_decode(api_req *r, cf_node **out, const char *body, size_t len);
int api_decode_body(api_req *r, cf_node **out);
int api_assign_name(api_req *r, cf_node *obj);
int api_admit(api_req *r, cf_node *obj, const cf_node *old);
int api_track_update(api_req *r, cf_node *obj, const cf_node *old);

/* ---- crud.c / list.c / delete.c / patch.c / subres.c ----------------------- */
const char *api_ns(const api_req *r);
const char *api_obj_ns(const api_req *r, const cf_node *obj);
const char *api_gv(const api_req *r);
const char *api_manager(api_req *r);
const char *api_short_json(api_req *r, const cf_node *v);
int api_load(api_req *r, cf_node **out, int64_t *rev, const char *ns,
    const char *name);
int api_check_namespace(api_req *r, const char *ns, bool creating);
int api_check_identity(api_req *r, cf_arena *a, cf_node *obj, bool apply);
void api_create_object(api_req *r, cf_node *obj);
void api_write_object(api_req *r, cf_node *obj, const cf_node *old,
    int64_t old_rev, int64_t expect, int created_code);
void api_finish_update(api_req *r, cf_node *obj, const cf_node *old,
    int64_t old_rev, int64_t expect, bool status_write);
/* Remove obj for good. code 0: answer as DELETE does; otherwise answer
 * with the object and that code. */
int api_remove_object(api_req *r, cf_node *obj, int64_t old_rev, int code);
void api_delete_one(api_req *r, cf_node *obj, const char *name);
bool api_has_spec_finalizers(const api_req *r, const cf_node *obj);
int api_json_patch(api_req *r, cf_node **obj, const cf_node *patch);

void api_handle_get(api_req *r);
void api_handle_list(api_req *r);
void api_handle_create(api_req *r);
void api_handle_update(api_req *r);
void api_handle_patch(api_req *r);
void api_handle_delete(api_req *r);
void api_handle_deletecollection(api_req *r);
void api_get_subresource(api_req *r);
void api_create_subresource(api_req *r);
void api_update_subresource(api_req *r);
void api_patch_subresource(api_req *r);

/* ---- podlog.c: pods/NAME/log of the daemon's own Pod ------------------- */
/* Answer GET pods/NAME/log, the Pod known to exist. */
void api_pod_log(api_req *r);
void api_pod_log_close_all(cf_apiserver *srv);

/* ---- filter.c: label and field selectors ---------------------------------- */
int api_filter_compile(api_req *r, api_filter **out);
bool api_filter_match_key(const api_filter *f, const char *ns,
    const char *name);
bool api_filter_needs_object(const api_filter *f);
bool api_filter_match(const api_filter *f, const cf_node *obj);

/* ---- table.c: Table output -------------------------------------------------- */
void api_reply_table(api_req *r, cf_node **objs, size_t n, const char *rv,
    const char *cont);
void api_table_event(api_req *r, cf_buf *out, const cf_node *obj,
    bool with_columns);
/* Append the Table rows of objs[0..n) (comma-separated) to rows and, when
 * cols is not NULL, the column definitions to cols; allocates from a.
 * Returns the number of rows. */
size_t api_table_rows(api_req *r, cf_arena *a, cf_node **objs, size_t n,
    cf_buf *rows, cf_buf *cols);

/* ---- watch.c ------------------------------------------------------------------ */
void api_handle_watch(api_req *r);
int api_watch_dispatch(const struct cf_store_event *ev, void *payload);
void api_watch_close(api_watcher *w);
void api_watch_bookmarks(cf_apiserver *srv);

/* ---- sys.c / controllers.c ------------------------------------------------------ */
int api_sys_req(api_req *r, cf_apiserver *srv, cf_arena *a, const char *key,
    const cf_node *obj);
void api_sys_create(api_req *r, cf_node *obj);
void api_store_raw(api_req *r, cf_node *obj, int64_t rev);
void api_gc_owner_gone(cf_apiserver *srv, const char *uid, bool orphan);
void api_kick_controllers(cf_apiserver *srv);
void api_run_controllers(cf_apiserver *srv);

#endif
