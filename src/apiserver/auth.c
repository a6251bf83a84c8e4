/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Who is asking and what they may do: bearer-token authentication (the
 * admin token, ServiceAccount tokens), impersonation headers, RBAC
 * attributes, the access reviews behind `kubectl auth can-i`, TokenRequest,
 * and keeping the RBAC index in step with stored roles and bindings.
 */
#include "apiserver/api_int.h"
#include "apiserver/meta.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "kube/authn.h"
#include "kube/rbac.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

/* Server-wide authentication state. */
struct api_auth {
	cf_authn_key *key;
	cf_authn_config cfg;
};

/* Does the ServiceAccount a token names still exist with that uid? */
static int sa_lookup(const char *ns, const char *name, const char *uid,
    void *payload)
{
	cf_apiserver *srv = payload;
	cf_buf b = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *sa;
	int err;

	err = cf_store_get(srv->store, &b, NULL, NULL, "/serviceaccounts", ns,
	    name);
	if (err == 0 && (cf_json_parse(&sa, &a, b.buf, b.len, NULL) < 0 ||
	    !cf_node_getp_str(sa, "metadata", "uid", NULL) ||
	    strcmp(cf_node_getp_str(sa, "metadata", "uid", NULL), uid)))
		err = CF_ENOTFOUND;
	cf_arena_release(&a);
	cf_buf_release(&b);
	return err;
}

/* Read a secret file, or create it with make() on first start. */
static int load_or_create(cf_buf *out, const char *path,
    int (*make)(cf_buf *out))
{
	int err = cf_fs_read(out, path, 1 << 16);

	if (err != CF_ENOTFOUND)
		return err;
	cf_buf_reset(out);
	if ((err = make(out)) < 0)
		return err;
	return cf_fs_write_atomic(path, out->buf, out->len, 0600);
}

static int make_token(cf_buf *out)
{
	unsigned char raw[32];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return cf_error_os("cannot read random bytes");
	for (size_t i = 0; i < sizeof(raw); i++)
		cf_buf_addf(out, "%02x", raw[i]);
	cf_buf_addch(out, '\n');
	return 0;
}

static int make_key(cf_buf *out)
{
	cf_authn_key *k;
	int err = cf_authn_key_generate(&k, CF_AUTHN_ES256);

	if (err < 0)
		return err;
	err = cf_authn_key_to_pem(out, k);
	cf_authn_key_free(k);
	return err;
}

int api_auth_init(cf_apiserver *srv)
{
	struct api_auth *au = calloc(1, sizeof(*au));
	cf_buf b = CF_BUF_INIT;
	char path[4200];
	int err;

	if (!au)
		abort();
	srv->authn = au;
	snprintf(path, sizeof(path), "%s/admin-token", srv->data_dir);
	if ((err = load_or_create(&b, path, make_token)) < 0)
		goto done;
	while (b.len && (b.buf[b.len - 1] == '\n' || b.buf[b.len - 1] == '\r'))
		cf_buf_truncate(&b, b.len - 1);
	if (b.len < 16) {
		err = cf_error_set(CF_ERR_INVALID, "'%s' holds no usable token", path);
		goto done;
	}
	srv->admin_token = cf_buf_detach(&b, NULL);
	snprintf(path, sizeof(path), "%s/sa-signing-key.pem", srv->data_dir);
	if ((err = load_or_create(&b, path, make_key)) < 0)
		goto done;
	if ((err = cf_authn_key_load_pem(&au->key, b.buf, b.len)) < 0) {
		cf_error_wrap("'%s'", path);
		goto done;
	}
	au->cfg.admin_token = srv->admin_token;
	au->cfg.key = au->key;
	au->cfg.sa_lookup = sa_lookup;
	au->cfg.payload = srv;
done:
	cf_buf_release(&b);
	return err;
}

void api_auth_free(cf_apiserver *srv)
{
	struct api_auth *au = srv->authn;

	if (!au)
		return;
	cf_authn_key_free(au->key);
	free(au);
	if (srv->admin_token) {
		/* do not leave the secret in freed memory */
		explicit_bzero(srv->admin_token, strlen(srv->admin_token));
		free(srv->admin_token);
	}
}

int api_authenticate(api_req *r)
{
	struct api_auth *au = r->srv->authn;
	const char *h = api_header(r, "Authorization");
	cf_authn_identity id;

	if (h && !strncasecmp(h, "Bearer ", 7)) {
		const char *tok = h + 7;
		while (*tok == ' ')
			tok++;
		if (strlen(tok) <= CF_AUTHN_MAX_TOKEN &&
		    cf_authn_authenticate(&id, r->a, &au->cfg, tok) == 0) {
			r->user_info = id.user;
			return 0;
		}
	}
	api_fail(r, 401, "Unauthorized", "Unauthorized");
	return -1;
}

int api_impersonate(api_req *r)
{
	cf_authn_identity id;
	cf_authn_header *hdrs;
	size_t n = 0;
	bool imp;
	int err;

	hdrs = api_headers_with_prefix(r, "Impersonate-", &n);
	if (!n)
		return 0;
	err = cf_authn_impersonate(&id, &imp, r->a, r->srv->rbac, &r->user_info,
	    hdrs, n);
	if (err == CF_EFORBIDDEN) {
		api_fail(r, 403, "Forbidden", "%s", cf_error_msg());
		return -1;
	}
	if (err < 0) {
		api_fail(r, 500, "InternalError", "Internal error occurred: %s",
		    cf_error_msg());
		return -1;
	}
	r->user_info = id.user;
	return 0;
}

int api_token_review(api_req *r, const cf_node *body, cf_node **out)
{
	return cf_authn_token_review(out, r->a,
	    &((struct api_auth *)r->srv->authn)->cfg, body);
}

int api_self_subject_review(api_req *r, const cf_node *body, cf_node **out)
{
	cf_arena *a = r->a;
	cf_node *o = cf_node_dup(a, body), *st, *ui, *groups;

	st = cf_node_set_map(a, o, "status");
	ui = cf_node_set_map(a, st, "userInfo");
	cf_node_set(a, ui, "username", cf_node_str(a, r->user_info.name));
	if (r->user_info.uid)
		cf_node_set(a, ui, "uid", cf_node_str(a, r->user_info.uid));
	groups = cf_node_seq(a);
	for (size_t i = 0; i < r->user_info.ngroups; i++)
		cf_node_push(a, groups, cf_node_str(a, r->user_info.groups[i]));
	cf_node_set(a, ui, "groups", groups);
	*out = o;
	return 0;
}

void api_handle_token_request(api_req *r)
{
	cf_node *body, *sa, *out;
	int64_t rev;
	int err;

	if (api_decode_body(r, &body) < 0)
		return;
	err = api_load(r, &sa, &rev, api_ns(r), r->path.name);
	if (err == CF_ENOTFOUND) {
		api_fail(r, 404, "NotFound", "serviceaccounts \"%s\" not found",
		    r->path.name);
		return;
	}
	if (err < 0) {
		api_fail_err(r, err);
		return;
	}
	err = cf_authn_token_request(&out, r->a,
	    &((struct api_auth *)r->srv->authn)->cfg, body, sa);
	if (err == CF_EINVALID) {
		api_fail(r, 422, "Invalid", "%s", cf_error_msg());
		return;
	}
	if (err < 0) {
		api_fail(r, 500, "InternalError", "Internal error occurred: %s",
		    cf_error_msg());
		return;
	}
	api_reply_node(r, 201, out);
}

void api_authz_attrs(const api_req *r, cf_authz_attrs *at)
{
	memset(at, 0, sizeof(*at));
	at->user = &r->user_info;
	if (!r->path.resource_request) {
		at->verb = r->method[0] == 'G' ? "get" :
		    cf_arena_printf(r->a, "%s", r->method); /* lower-cased below */
		at->path = r->raw_path;
		if (r->method[0] != 'G') {
			char *v = (char *)at->verb;
			for (; *v; v++)
				*v = (char)(*v | 0x20);
		}
		return;
	}
	at->resource_request = true;
	at->verb = cf_api_verb_name(r->verb);
	at->api_group = r->path.group;
	at->api_version = r->path.version;
	at->resource = r->path.resource;
	at->subresource = r->path.subresource;
	at->namespace = r->path.namespace;
	at->name = r->path.name;
	/* kube-apiserver treats /namespaces/NAME as inside namespace NAME. */
	if (!at->namespace && !r->path.group[0] && r->path.name &&
	    !strcmp(r->path.resource, "namespaces"))
		at->namespace = r->path.name;
}

/* Keep the RBAC index in step with the stored objects. */
void api_rbac_event(cf_apiserver *srv, const cf_store_event *ev)
{
	static const struct {
		const char *key;
		enum cf_rbac_kind kind;
	} map[] = {
		{ "rbac.authorization.k8s.io/roles", CF_RBAC_ROLE },
		{ "rbac.authorization.k8s.io/clusterroles", CF_RBAC_CLUSTER_ROLE },
		{ "rbac.authorization.k8s.io/rolebindings", CF_RBAC_ROLE_BINDING },
		{ "rbac.authorization.k8s.io/clusterrolebindings",
		    CF_RBAC_CLUSTER_ROLE_BINDING },
	};
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj;

	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++) {
		if (strcmp(map[i].key, ev->resource))
			continue;
		if (ev->type == CF_STORE_DELETED)
			cf_rbac_remove(srv->rbac, map[i].kind, ev->ns, ev->name);
		else if (cf_json_parse(&obj, &a, ev->value, ev->value_len, NULL) == 0)
			cf_rbac_upsert(srv->rbac, map[i].kind, obj);
		if (map[i].kind == CF_RBAC_CLUSTER_ROLE) {
			srv->rbac_dirty = true;
			api_kick_controllers(srv);
		}
	}
	cf_arena_release(&a);
}

bool api_is_review(const api_req *r)
{
	const char *g = r->res.group;

	return !strcmp(g, "authorization.k8s.io") ||
	    !strcmp(g, "authentication.k8s.io");
}

/* Reviews are answered, never stored: 201 with the status filled in. */
void api_handle_review(api_req *r)
{
	cf_node *body, *out = NULL;
	int err;

	if (api_decode_body(r, &body) < 0)
		return;
	if (!strcmp(r->res.plural, "selfsubjectrulesreviews"))
		err = cf_rbac_review_rules(&out, r->a, r->srv->rbac, body,
		    &r->user_info);
	else if (!strcmp(r->res.plural, "tokenreviews"))
		err = api_token_review(r, body, &out);
	else if (!strcmp(r->res.plural, "selfsubjectreviews"))
		err = api_self_subject_review(r, body, &out);
	else
		err = cf_rbac_review_access(&out, r->a, r->srv->rbac, body,
		    &r->user_info, r->path.namespace);
	if (err < 0) {
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
		return;
	}
	api_reply_node(r, 201, out);
}
