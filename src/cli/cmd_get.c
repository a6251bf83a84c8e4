/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux get sources git | kustomizations | all: flux's status tables
 * (NAME, REVISION, SUSPENDED, READY, MESSAGE, with NAMESPACE first under
 * -A), read from the objects' status. --watch prints a row per change,
 * --status-selector type=status keeps the rows whose condition matches.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"

struct get_opts {
	bool watch, no_header;
	const char *status_selector;
	const char *label_selector;         /* -l, passed to the server */
	const char *cond_type, *cond_status; /* split selector */
	const char *name;                   /* one object, or NULL */
	bool all;                           /* get all: kind/ name prefix */
};

/* --status-selector type=status (flux's EqualFold on both). */
static bool selector_matches(const struct get_opts *o, const cf_node *obj)
{
	const cf_node *conds = cf_node_getp(obj, "status", "conditions", NULL);
	const cf_node *match = NULL;

	if (!o->cond_type)
		return true;
	/* Case-insensitive on both sides, the last condition of the type
	 * deciding, as flux compares with EqualFold. */
	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const char *t = cf_node_getp_str(cf_node_at(conds, i), "type", NULL);
		if (t && !strcasecmp(t, o->cond_type))
			match = cf_node_at(conds, i);
	}
	return match && !strcasecmp(cf_node_getp_str(match, "status", NULL) ?
	    cf_node_getp_str(match, "status", NULL) : "", o->cond_status);
}

static const char *const get_hdr[] = { "Namespace", "Name", "Revision",
    "Suspended", "Ready", "Message" };

static void table_start(cf_cli_table *t, const struct get_opts *o)
{
	cf_cli_table_init(t, cf_cli.all_ns ? 6 : 5,
	    cf_cli.all_ns ? get_hdr : get_hdr + 1);
	t->no_header = o->no_header;
}

/*
 * One object's row: revision and message with long hex runs cut to 8
 * characters, SUSPENDED as Go's strconv.FormatBool title-cased, and under
 * get all the name prefixed by the lower-case kind ("gitrepository/x").
 */
static void add_row(cf_cli_table *t, const cf_cli_kind *k,
    const struct get_opts *o, const cf_node *obj)
{
	const char *row[6], *status, *msg, *name;
	const cf_node *susp = cf_node_getp(obj, "spec", "suspend", NULL);
	char *lower;
	int i = 0;

	if (!selector_matches(o, obj))
		return;
	name = cf_node_getp_str(obj, "metadata", "name", NULL);
	if (o->all) {
		lower = cf_arena_printf(cf_cli_arena(), "%s/%s", k->kind, name);
		for (char *p = lower; *p != '/'; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		name = lower;
	}
	cf_cli_ready(obj, &status, &msg);
	if (cf_cli.all_ns)
		row[i++] = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	row[i++] = name;
	row[i++] = cf_cli_truncate_hex(cf_cli_revision(k, obj));
	row[i++] = cf_node_is(susp, CF_NODE_BOOL) && susp->v.b ? "True" : "False";
	row[i++] = status;
	row[i++] = cf_cli_truncate_hex(msg);
	cf_cli_table_row(t, row);
}

/* How flux names the scope in "not found" messages: "any" under -A,
 * else the namespace in double quotes. */
static const char *ns_or_any(void)
{
	return cf_cli.all_ns ? "any" :
	    cf_arena_printf(cf_cli_arena(), "\"%s\"", cf_cli.ns);
}

struct watch_state {
	const cf_cli_kind *kind;
	const struct get_opts *o;
};

static void watch_row(cf_cli_table *t, const cf_node *obj, void *payload)
{
	struct watch_state *s = payload;

	if (!s->o->name || !strcmp(s->o->name,
	    cf_node_getp_str(obj, "metadata", "name", NULL)))
		add_row(t, s->kind, s->o, obj);
}

/* One kind's table. Returns 0, or 1 after printing the error. */
static int get_kind(const cf_cli_kind *k, const struct get_opts *o)
{
	cf_client *c = cf_cli_client();
	cf_node *list;
	cf_cli_table t;
	const cf_node *items;
	int err;

	if (!c)
		return 1;
	if (o->watch) {
		struct watch_state s = { k, o };
		return cf_cli_watch_rows(k->api_version, k->kind, NULL,
		    cf_cli.all_ns ? 6 : 5, cf_cli.all_ns ? get_hdr : get_hdr + 1,
		    o->no_header, watch_row, &s);
	}
	err = cf_client_list(&list, cf_cli_arena(), c, k->api_version, k->kind,
	    cf_cli.all_ns ? NULL : cf_cli.ns, &(cf_list_opts){
	    .label_selector = o->label_selector,
	    .field_selector = o->name ? cf_arena_printf(cf_cli_arena(),
	    "metadata.name=%s", o->name) : NULL });
	if (err < 0) {
		/* get all skips kinds the server does not serve. */
		if (o->all && err == CF_ENOTFOUND)
			return 0;
		return cf_cli_fail("%s", cf_error_msg());
	}
	items = cf_node_get(list, "items");
	/* Nothing to show is not an error for flux (exit 0), only a
	 * message; get all stays silent about empty kinds. */
	if (!cf_node_count(items)) {
		if (o->name)
			cf_cli_fail("%s object '%s' not found in %s namespace",
			    k->kind, o->name, ns_or_any());
		else if (!o->all)
			cf_cli_fail("no %s objects found in %s namespace", k->kind,
			    ns_or_any());
		return 0;
	}
	table_start(&t, o);
	for (size_t i = 0; i < cf_node_count(items); i++)
		add_row(&t, k, o, cf_node_at(items, i));
	cf_cli_table_print(&t);
	if (o->all)
		putchar('\n');
	return 0;
}

/* get sources git | get kustomizations | get all | get sources all,
 * each with an optional object name. */
int cf_cmd_get(int argc, char **argv)
{
	struct get_opts o = { 0 };
	const cf_flag flags[] = {
		{ "watch", 'w', CF_FLAG_BOOL, &o.watch },
		{ "no-header", 0, CF_FLAG_BOOL, &o.no_header },
		{ "status-selector", 0, CF_FLAG_STR, &o.status_selector },
		{ "label-selector", 'l', CF_FLAG_STR, &o.label_selector },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k = NULL;
	char **args;
	int nargs, used = 0, rc = 0;
	bool sources_all;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (o.status_selector) {
		const char *eq = strchr(o.status_selector, '=');
		if (!eq)
			return cf_cli_fail("expected status selector in type=status "
			    "format, but found: %s", o.status_selector);
		o.cond_type = cf_arena_strndup(cf_cli_arena(), o.status_selector,
		    (size_t)(eq - o.status_selector));
		o.cond_status = eq + 1;
	}
	sources_all = nargs >= 2 && !strcmp(args[1], "all") &&
	    (!strcmp(args[0], "sources") || !strcmp(args[0], "source"));
	if ((nargs >= 1 && !strcmp(args[0], "all")) || sources_all) {
		if (o.watch)
			return cf_cli_fail("expected a single resource type, but "
			    "found all");
		o.all = true;
		used = sources_all ? 2 : 1;
		o.name = nargs > used ? args[used] : NULL;
		for (size_t i = 0; i < cf_cli_nkinds; i++) {
			if (sources_all && strncmp(cf_cli_kinds[i].human, "source ", 7))
				continue;
			rc |= get_kind(&cf_cli_kinds[i], &o);
		}
		return rc;
	}
	k = cf_cli_kind_parse(nargs, args, &used);
	if (!k) {
		fputs("usage: cflux get sources git|all | kustomizations | all "
		    "[NAME] [-A] [--watch] [--status-selector type=status]\n",
		    stderr);
		return 1;
	}
	o.name = nargs > used ? args[used] : NULL;
	return get_kind(k, &o);
}
