/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every error reply is a metav1.Status shaped as kube-apiserver shapes it
 * (spec/kubernetes-api.md §1.9): the details carry the resource plural for
 * NotFound / AlreadyExists / Conflict / Forbidden and the Kind for
 * Invalid, with one cause per field.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "kube/crd.h"
#include "kube/ssa.h"
#include "kube/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void send_status(api_req *r, const cf_status *st)
{
	cf_buf b = CF_BUF_INIT;

	cf_status_write(&b, st);
	api_reply(r, st->code ? st->code : 200, &b);
	cf_buf_release(&b);
}

/* Reasons whose details name the object by resource plural. */
static bool names_object(const char *reason)
{
	return !strcmp(reason, "NotFound") || !strcmp(reason, "AlreadyExists") ||
	    !strcmp(reason, "Conflict") || !strcmp(reason, "Forbidden");
}

void api_fail_about(api_req *r, int code, const char *reason,
    const char *group, const char *plural, const char *name,
    const char *fmt, ...)
{
	cf_status st = { .status = "Failure", .reason = reason, .code = code,
		.has_details = true, .name = name, .group = group, .kind = plural };
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st.message = msg;
	send_status(r, &st);
}

void api_fail(api_req *r, int code, const char *reason, const char *fmt, ...)
{
	cf_status st = { .status = "Failure", .reason = reason, .code = code };
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	st.message = msg;
	if (r->has_res && names_object(reason) && code != 403) {
		st.has_details = true;
		st.name = r->path.name;
		st.group = r->res.group;
		st.kind = r->res.plural;
	} else if (r->has_res && code == 403) {
		st.has_details = true;
		st.name = r->path.name;
		st.group = r->res.group;
		st.kind = r->path.resource;
	}
	send_status(r, &st);
}

void api_status_json(cf_buf *out, int code, const char *reason,
    const char *msg)
{
	cf_status st = { .status = "Failure", .reason = reason, .code = code,
		.message = msg };

	cf_status_write(out, &st);
}

void api_fail_err(api_req *r, int err)
{
	cf_status *st = cf_status_from_error(r->a, err,
	    r->has_res ? r->res.group : "", r->has_res ? r->res.plural : "",
	    r->path.name ? r->path.name : "");

	send_status(r, st);
}

/* "<Kind>[.<group>]", as Invalid messages name the kind. */
static const char *qualified_kind(const api_req *r)
{
	if (!r->res.group[0])
		return r->res.kind;
	return cf_arena_printf(r->a, "%s.%s", r->res.kind, r->res.group);
}

static cf_status *invalid_status(api_req *r, const char *name,
    const char *message)
{
	cf_status *st = cf_arena_zalloc(r->a, sizeof(*st));

	st->status = "Failure";
	st->reason = "Invalid";
	st->code = 422;
	st->message = cf_arena_printf(r->a, "%s \"%s\" is invalid: %s",
	    qualified_kind(r), name ? name : "", message);
	st->has_details = true;
	st->name = name;
	st->group = r->res.group;
	st->kind = r->res.kind;
	return st;
}

void api_fail_invalid(api_req *r, const char *name, const char *field,
    const char *reason, const char *msg)
{
	cf_status *st = invalid_status(r, name,
	    cf_arena_printf(r->a, "%s: %s", field, msg));

	cf_status_add_cause(r->a, st, reason, msg, field);
	send_status(r, st);
}

void api_fail_causes(api_req *r, const char *name,
    const struct cf_crd_causes *c)
{
	cf_buf m = CF_BUF_INIT;
	cf_status *st;

	if (c->len > 1)
		cf_buf_addch(&m, '[');
	for (size_t i = 0; i < c->len; i++)
		cf_buf_addf(&m, "%s%s", i ? ", " : "", cf_crd_cause_str(c, i));
	if (c->len > 1)
		cf_buf_addch(&m, ']');
	if (!c->len)
		cf_buf_adds(&m, cf_error_msg());
	st = invalid_status(r, name, m.buf);
	for (size_t i = 0; i < c->len; i++)
		cf_status_add_cause(r->a, st, c->v[i].reason, c->v[i].message,
		    c->v[i].field);
	send_status(r, st);
	cf_buf_release(&m);
}

void api_fail_errs(api_req *r, const char *name, const struct cf_field_errs *errs)
{
	send_status(r, cf_status_invalid(r->a, r->res.group, r->res.kind,
	    name ? name : "", errs));
}

void api_fail_apply_conflict(api_req *r, const cf_ssa_result *res)
{
	cf_status *st = cf_status_apply_conflict(r->a, res->message);

	for (size_t i = 0; i < res->nconflicts; i++)
		cf_status_add_cause(r->a, st, "FieldManagerConflict",
		    res->conflicts[i].message, res->conflicts[i].field);
	send_status(r, st);
}

void api_reply_delete_status(api_req *r, const char *name, const char *uid)
{
	send_status(r, cf_status_deleted(r->a, r->res.group, r->res.plural,
	    name, uid));
}
