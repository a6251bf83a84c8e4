/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Change sets, object metadata helpers and the error report shared by
 * apply and prune.
 */
#include "apply/apply_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"

/* One report line at most; a server message can be long. */
#define REPORT_LINE_MAX 512
/* Room left for " (and N more)" within one error message. */
#define REPORT_TAIL 32

static const char *const action_names[] = {
	[CF_APPLY_CREATED] = "created",
	[CF_APPLY_CONFIGURED] = "configured",
	[CF_APPLY_UNCHANGED] = "unchanged",
	[CF_APPLY_DELETED] = "deleted",
	[CF_APPLY_SKIPPED] = "skipped",
	[CF_APPLY_UNKNOWN] = "unknown",
};

const char *cf_apply_action_name(enum cf_apply_action a)
{
	if ((unsigned)a >= CF_ARRAY_SIZE(action_names))
		return "unknown";
	return action_names[a];
}

int cf_change_set_format(cf_buf *out, const cf_change_set *cs,
    bool changed_only)
{
	for (size_t i = 0; i < cs->len; i++) {
		enum cf_apply_action act = cs->v[i].action;
		int err;

		if (changed_only && (act == CF_APPLY_UNCHANGED ||
		    act == CF_APPLY_SKIPPED))
			continue;
		err = cf_buf_addf(out, "%s %s\n", cs->v[i].subject,
		    cf_apply_action_name(act));
		if (err < 0)
			return err;
	}
	return 0;
}

void cf_change_set_inventory(cf_inventory *inv, cf_arena *a,
    const cf_change_set *cs)
{
	for (size_t i = 0; i < cs->len; i++)
		if (cs->v[i].action != CF_APPLY_DELETED)
			cf_inv_add(inv, a, &cs->v[i].obj);
}

void cf_change_set_health(cf_inventory *set, cf_arena *a,
    const cf_change_set *cs)
{
	/* A skipped object is not ours to judge (ssa: Ignore, or left as
	 * someone else made it with IfNotPresent). */
	for (size_t i = 0; i < cs->len; i++)
		if (cs->v[i].action != CF_APPLY_DELETED &&
		    cs->v[i].action != CF_APPLY_SKIPPED)
			cf_inv_add(set, a, &cs->v[i].obj);
}

void cf_apply__record(cf_change_set *cs, cf_arena *a, const cf_inv_entry *e,
    enum cf_apply_action action)
{
	cs->v = cf_apply__grow(a, cs->v, &cs->alloc, cs->len, sizeof(*cs->v));
	cs->v[cs->len++] = (cf_change){ .obj = *e,
	    .subject = cf_inv_subject(a, e), .action = action };
}

/* Flux matches these values case-insensitively ("Disabled", "ignore"),
 * so users' capitalisation varies in the wild. */
static bool map_has(const cf_node *map, const char *key, const char *value)
{
	const char *v = cf_node_getp_str(map, key, NULL);

	return v && !strcasecmp(v, value);
}

bool cf_apply__meta_is(const cf_node *obj, const char *key,
    const char *value)
{
	const cf_node *md = cf_node_get(obj, "metadata");

	return map_has(cf_node_get(md, "labels"), key, value) ||
	    map_has(cf_node_get(md, "annotations"), key, value);
}

/* A string at a one- or two-key path, "" when absent. */
static const char *str_or_empty(const cf_node *obj, const char *a,
    const char *b)
{
	const char *s = b ? cf_node_getp_str(obj, a, b, NULL) :
	    cf_node_getp_str(obj, a, NULL);

	return s ? s : "";
}

void cf_apply__entry(cf_inv_entry *e, cf_arena *a, const cf_node *obj)
{
	const char *av = str_or_empty(obj, "apiVersion", NULL);
	const char *slash = strchr(av, '/');

	e->ns = str_or_empty(obj, "metadata", "namespace");
	e->name = str_or_empty(obj, "metadata", "name");
	e->kind = str_or_empty(obj, "kind", NULL);
	e->version = slash ? slash + 1 : av;
	e->group = slash ? cf_arena_strndup(a, av, (size_t)(slash - av)) : "";
}

/* The report ends up in one cf_error message (CF_ERROR_MSG_MAX), so it
 * is cut at line boundaries and says how many lines were left out rather
 * than ending mid-word. */
void cf_apply__report(cf_buf *b, size_t *dropped, const char *fmt, ...)
{
	char line[REPORT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (*dropped || b->len + strlen(line) + REPORT_TAIL >
	    CF_ERROR_MSG_MAX || cf_buf_adds(b, line) < 0)
		(*dropped)++;
}

int cf_apply__report_fail(int code, cf_buf *b, size_t dropped)
{
	if (dropped)
		return cf_error_setc(code, CF_ERR_KUBE, "%s (and %zu more)",
		    b->buf, dropped);
	return cf_error_setc(code, CF_ERR_KUBE, "%s", b->buf);
}
