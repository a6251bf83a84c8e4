/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/status.h"
#include "core/error.h"

#include <stdarg.h>
#include <string.h>

/* "resource" or "resource.group": Go's GroupResource.String(). */
/*
 * Every message that names a resource uses Go's GroupResource.String():
 * the plural alone for the core group, "plural.group" otherwise. kubectl
 * users grep for these texts, so the shape must not drift.
 */
static char *qualified(cf_arena *a, const char *group, const char *name)
{
	if (group && *group)
		return cf_arena_printf(a, "%s.%s", name ? name : "", group);
	return cf_arena_strdup(a, name ? name : "");
}

/* Empty strings behave like absent ones: Go's omitempty drops both, so
 * storing NULL keeps the writer's checks to one test. */
static const char *dup_or_null(cf_arena *a, const char *s)
{
	return s && *s ? cf_arena_strdup(a, s) : NULL;
}

/* The common part of every error constructor. The message is already in
 * the arena; reason is a static string. */
static cf_status *failure(cf_arena *a, int code, const char *reason,
    char *message)
{
	cf_status *st = CF_ARENA_NEW(a, cf_status);

	st->status = "Failure";
	st->code = code;
	st->reason = reason;
	st->message = message;
	return st;
}

/* Errors about one object carry its name, group and resource in details
 * (details.kind is the plural here, never the Kind: client-go reads it
 * back into a GroupResource). */
static void set_details(cf_arena *a, cf_status *st, const char *group,
    const char *kind, const char *name)
{
	st->has_details = true;
	st->group = dup_or_null(a, group);
	st->kind = dup_or_null(a, kind);
	st->name = dup_or_null(a, name);
}

/* NewNotFound: the name is quoted with Go's %q, so a name holding quotes
 * or control bytes is escaped the same way the real server escapes it. */
cf_status *cf_status_not_found(cf_arena *a, const char *group,
    const char *resource, const char *name)
{
	cf_status *st = failure(a, 404, "NotFound",
	    cf_arena_printf(a, "%s %s not found", qualified(a, group, resource),
	    cf_go_quote(a, name ? name : "")));

	set_details(a, st, group, resource, name);
	return st;
}

/* An unknown URL: kube-apiserver still answers with a Status, and its
 * details object is present but empty. */
cf_status *cf_status_no_route(cf_arena *a)
{
	cf_status *st = failure(a, 404, "NotFound", cf_arena_strdup(a,
	    "the server could not find the requested resource"));

	st->has_details = true;
	return st;
}

cf_status *cf_status_already_exists(cf_arena *a, const char *group,
    const char *resource, const char *name)
{
	cf_status *st = failure(a, 409, "AlreadyExists",
	    cf_arena_printf(a, "%s %s already exists",
	    qualified(a, group, resource), cf_go_quote(a, name ? name : "")));

	set_details(a, st, group, resource, name);
	return st;
}

cf_status *cf_status_conflict(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *why)
{
	cf_status *st;

	if (!why)
		why = "the object has been modified; please apply your changes "
		    "to the latest version and try again";
	st = failure(a, 409, "Conflict",
	    cf_arena_printf(a, "Operation cannot be fulfilled on %s %s: %s",
	    qualified(a, group, resource), cf_go_quote(a, name ? name : ""),
	    why));
	set_details(a, st, group, resource, name);
	return st;
}

/* Server-side apply conflicts carry no name or kind in details, only
 * causes naming the conflicting managers and fields (see §3.5). */
cf_status *cf_status_apply_conflict(cf_arena *a, const char *message)
{
	cf_status *st = failure(a, 409, "Conflict", cf_arena_strdup(a, message));

	st->has_details = true;
	return st;
}

cf_status *cf_status_invalid(cf_arena *a, const char *group, const char *kind,
    const char *name, const cf_field_errs *errs)
{
	const char *qk = qualified(a, group, kind);
	const char *qn = cf_go_quote(a, name ? name : "");
	cf_status *st;

	if (errs && errs->len)
		st = failure(a, 422, "Invalid", cf_arena_printf(a,
		    "%s %s is invalid: %s", qk, qn,
		    cf_field_errs_string(a, errs)));
	else
		st = failure(a, 422, "Invalid",
		    cf_arena_printf(a, "%s %s is invalid", qk, qn));
	/* Unlike the other reasons, Invalid carries the Kind in details. */
	set_details(a, st, group, kind, name);
	for (size_t i = 0; errs && i < errs->len; i++)
		cf_status_add_cause(a, st, cf_field_err_reason(errs->items[i].type),
		    cf_field_err_body(a, &errs->items[i]), errs->items[i].field);
	return st;
}

/* The three message forms follow NewForbidden: with a resource and a
 * name, with a resource only (list, create), or with neither. */
cf_status *cf_status_forbidden(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *why)
{
	char *msg;
	cf_status *st;

	if (!resource || !*resource)
		msg = cf_arena_printf(a, "forbidden: %s", why);
	else if (!name || !*name)
		msg = cf_arena_printf(a, "%s is forbidden: %s",
		    qualified(a, group, resource), why);
	else
		msg = cf_arena_printf(a, "%s %s is forbidden: %s",
		    qualified(a, group, resource), cf_go_quote(a, name), why);
	st = failure(a, 403, "Forbidden", msg);
	set_details(a, st, group, resource, name);
	return st;
}

/* The namespace lifecycle admission answer (§2.7): an ordinary Forbidden
 * whose cause lets clients such as the namespace controller recognise it
 * without parsing the message. */
cf_status *cf_status_namespace_terminating(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *ns)
{
	cf_status *st = cf_status_forbidden(a, group, resource, name,
	    cf_arena_printf(a, "unable to create new content in namespace %s "
	    "because it is being terminated", ns));

	cf_status_add_cause(a, st, "NamespaceTerminating",
	    cf_arena_printf(a, "namespace %s is being terminated", ns),
	    "metadata.namespace");
	return st;
}

cf_status *cf_status_bad_request(cf_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = cf_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return failure(a, 400, "BadRequest", msg);
}

/* NewMethodNotSupported quotes the qualified resource as the "kind";
 * details name the group and resource but no object. */
cf_status *cf_status_method_not_allowed(cf_arena *a, const char *group,
    const char *resource, const char *verb)
{
	cf_status *st = failure(a, 405, "MethodNotAllowed",
	    cf_arena_printf(a, "%s is not supported on resources of kind %s",
	    verb, cf_go_quote(a, qualified(a, group, resource))));

	set_details(a, st, group, resource, NULL);
	return st;
}

/* Media type lists are joined with ", " as the negotiation errors do. */
static char *join(cf_arena *a, const char *const *types, size_t n)
{
	cf_buf b = CF_BUF_INIT;
	char *out;

	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s", i ? ", " : "", types[i]);
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

cf_status *cf_status_not_acceptable(cf_arena *a, const char *const *types,
    size_t n)
{
	return failure(a, 406, "NotAcceptable", cf_arena_printf(a,
	    "only the following media types are accepted: %s",
	    join(a, types, n)));
}

cf_status *cf_status_unsupported_media_type(cf_arena *a,
    const char *const *types, size_t n)
{
	return failure(a, 415, "UnsupportedMediaType", cf_arena_printf(a,
	    "the body of the request was in an unknown format - accepted "
	    "media types include: %s", join(a, types, n)));
}

#define VFORMAT(a, fmt, msg)                    \
	do {                                    \
		va_list ap;                     \
		va_start(ap, fmt);              \
		msg = cf_arena_vprintf(a, fmt, ap); \
		va_end(ap);                     \
	} while (0)

cf_status *cf_status_expired(cf_arena *a, const char *fmt, ...)
{
	char *msg;

	VFORMAT(a, fmt, msg);
	return failure(a, 410, "Expired", msg);
}

cf_status *cf_status_gone(cf_arena *a, const char *fmt, ...)
{
	char *msg;

	VFORMAT(a, fmt, msg);
	return failure(a, 410, "Gone", msg);
}

cf_status *cf_status_too_large(cf_arena *a, const char *fmt, ...)
{
	char *msg;

	VFORMAT(a, fmt, msg);
	return failure(a, 413, "RequestEntityTooLarge",
	    cf_arena_printf(a, "Request entity too large: %s", msg));
}

/* NewInternalError repeats the bare error text as the single cause, which
 * is what clients show when the message is truncated. */
cf_status *cf_status_internal(cf_arena *a, const char *fmt, ...)
{
	cf_status *st;
	char *msg;

	VFORMAT(a, fmt, msg);
	st = failure(a, 500, "InternalError",
	    cf_arena_printf(a, "Internal error occurred: %s", msg));
	cf_status_add_cause(a, st, NULL, msg, NULL);
	return st;
}

cf_status *cf_status_unauthorized(cf_arena *a, const char *msg)
{
	return failure(a, 401, "Unauthorized",
	    cf_arena_strdup(a, msg && *msg ? msg : "not authorized"));
}

/* Timeout and TooManyRequests always carry details, even when
 * retryAfterSeconds is zero and the object ends up empty. */
cf_status *cf_status_timeout(cf_arena *a, const char *msg, int64_t retry_after)
{
	cf_status *st = failure(a, 504, "Timeout",
	    cf_arena_printf(a, "Timeout: %s", msg ? msg : ""));

	st->has_details = true;
	st->retry_after = retry_after;
	return st;
}

cf_status *cf_status_too_many_requests(cf_arena *a, const char *msg,
    int64_t retry_after)
{
	cf_status *st = failure(a, 429, "TooManyRequests",
	    cf_arena_printf(a, "Too many requests: %s", msg ? msg : ""));

	st->has_details = true;
	st->retry_after = retry_after;
	return st;
}

/* A finished delete: no code, no message. The uid lets clients tell the
 * object they deleted from one recreated under the same name. */
cf_status *cf_status_deleted(cf_arena *a, const char *group,
    const char *resource, const char *name, const char *uid)
{
	cf_status *st = CF_ARENA_NEW(a, cf_status);

	st->status = "Success";
	set_details(a, st, group, resource, name);
	st->uid = dup_or_null(a, uid);
	return st;
}

/* One place that turns library error codes into the API's reasons, so
 * handlers never pick codes by hand. The message of CF_EINVALID etc. is
 * the library's own text; NotFound/AlreadyExists use the fixed wording. */
cf_status *cf_status_from_error(cf_arena *a, int err, const char *group,
    const char *resource, const char *name)
{
	const char *msg = cf_error_msg();

	if (!msg)
		msg = "";
	switch (err) {
	case CF_ENOTFOUND:
		return cf_status_not_found(a, group, resource, name);
	case CF_EEXISTS:
		return cf_status_already_exists(a, group, resource, name);
	case CF_ECONFLICT:
		return cf_status_conflict(a, group, resource, name,
		    *msg ? msg : NULL);
	case CF_EINVALID:
		return cf_status_bad_request(a, "%s", msg);
	case CF_EFORBIDDEN:
		return cf_status_forbidden(a, group, resource, name, msg);
	case CF_ETIMEOUT:
		return cf_status_timeout(a, msg, 0);
	case CF_ETOOLARGE:
		return cf_status_too_large(a, "%s", msg);
	case CF_EGONE:
		return cf_status_expired(a, "%s", msg);
	default:
		return cf_status_internal(a, "%s", msg);
	}
}

void cf_status_add_cause(cf_arena *a, cf_status *st, const char *reason,
    const char *message, const char *field)
{
	cf_status_cause *c;

	if (st->ncauses == st->causes_alloc) {
		size_t n = st->causes_alloc ? st->causes_alloc * 2 : 4;
		cf_status_cause *nc = cf_arena_alloc(a, n * sizeof(*nc));

		if (st->ncauses)
			memcpy(nc, st->causes, st->ncauses * sizeof(*nc));
		st->causes = nc;
		st->causes_alloc = n;
	}
	c = &st->causes[st->ncauses++];
	c->reason = dup_or_null(a, reason);
	c->message = dup_or_null(a, message);
	c->field = dup_or_null(a, field);
	st->has_details = true;
}

/* ---- writing ---- */

static bool set(const char *s)
{
	return s && *s;
}

/* Writes ",\"key\":\"value\"" when value is non-empty; *first tracks
 * whether a comma is due. */
static int add_str(cf_buf *b, bool *first, const char *key, const char *v)
{
	int err = 0;

	if (!set(v))
		return 0;
	if (!*first)
		err = cf_buf_addch(b, ',');
	*first = false;
	if (!err)
		err = cf_buf_addf(b, "\"%s\":", key);
	if (!err)
		err = cf_buf_add_json_str(b, v, strlen(v));
	return err;
}

static int write_details(cf_buf *b, const cf_status *st)
{
	bool first = true;
	int err = cf_buf_adds(b, ",\"details\":{");

	if (!err)
		err = add_str(b, &first, "name", st->name);
	if (!err)
		err = add_str(b, &first, "group", st->group);
	if (!err)
		err = add_str(b, &first, "kind", st->kind);
	if (!err)
		err = add_str(b, &first, "uid", st->uid);
	if (!err && st->ncauses) {
		err = cf_buf_adds(b, first ? "\"causes\":[" : ",\"causes\":[");
		first = false;
		for (size_t i = 0; !err && i < st->ncauses; i++) {
			const cf_status_cause *c = &st->causes[i];
			bool cfirst = true;

			err = cf_buf_adds(b, i ? ",{" : "{");
			if (!err)
				err = add_str(b, &cfirst, "reason", c->reason);
			if (!err)
				err = add_str(b, &cfirst, "message", c->message);
			if (!err)
				err = add_str(b, &cfirst, "field", c->field);
			if (!err)
				err = cf_buf_addch(b, '}');
		}
		if (!err)
			err = cf_buf_addch(b, ']');
	}
	if (!err && st->retry_after)
		err = cf_buf_addf(b, "%s\"retryAfterSeconds\":%lld",
		    first ? "" : ",", (long long)st->retry_after);
	if (!err)
		err = cf_buf_addch(b, '}');
	return err;
}

/*
 * Written by hand rather than through a node tree: the field order is
 * part of the protocol (kubectl's golden outputs and our own tests compare
 * bytes), and the writer needs no allocation beyond the output buffer.
 */
int cf_status_write(cf_buf *out, const cf_status *st)
{
	size_t start = out->len;
	bool first = false; /* kind, apiVersion and metadata come first */
	int err;

	err = cf_buf_adds(out,
	    "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{}");
	if (!err)
		err = add_str(out, &first, "status", st->status);
	if (!err)
		err = add_str(out, &first, "message", st->message);
	if (!err)
		err = add_str(out, &first, "reason", st->reason);
	if (!err && st->has_details)
		err = write_details(out, st);
	if (!err && st->code)
		err = cf_buf_addf(out, ",\"code\":%d", st->code);
	if (!err)
		err = cf_buf_addch(out, '}');
	if (err)
		cf_buf_truncate(out, start);
	return err;
}

static void node_str(cf_arena *a, cf_node *m, const char *key, const char *v)
{
	if (set(v))
		cf_node_set(a, m, key, cf_node_str(a, v));
}

cf_node *cf_status_to_node(cf_arena *a, const cf_status *st)
{
	cf_node *n = cf_node_map(a);

	cf_node_set(a, n, "kind", cf_node_str(a, "Status"));
	cf_node_set(a, n, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, n, "metadata", cf_node_map(a));
	node_str(a, n, "status", st->status);
	node_str(a, n, "message", st->message);
	node_str(a, n, "reason", st->reason);
	if (st->has_details) {
		cf_node *d = cf_node_set_map(a, n, "details");

		node_str(a, d, "name", st->name);
		node_str(a, d, "group", st->group);
		node_str(a, d, "kind", st->kind);
		node_str(a, d, "uid", st->uid);
		if (st->ncauses) {
			cf_node *cs = cf_node_seq(a);

			for (size_t i = 0; i < st->ncauses; i++) {
				cf_node *c = cf_node_map(a);

				node_str(a, c, "reason", st->causes[i].reason);
				node_str(a, c, "message", st->causes[i].message);
				node_str(a, c, "field", st->causes[i].field);
				cf_node_push(a, cs, c);
			}
			cf_node_set(a, d, "causes", cs);
		}
		if (st->retry_after)
			cf_node_set(a, d, "retryAfterSeconds",
			    cf_node_int(a, st->retry_after));
	}
	if (st->code)
		cf_node_set(a, n, "code", cf_node_int(a, st->code));
	return n;
}
