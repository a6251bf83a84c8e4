/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux stats: one row per Flux kind with how many objects run (all but
 * the suspended ones), fail (Ready=False), are suspended, and how many
 * artifact bytes they hold, as flux stats counts them.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

/* flux's formatSize: "-", "512 B", "1.5 KiB" ... */
static const char *format_size(int64_t b)
{
	int64_t div = 1024;
	int exp = 0;

	if (b == 0)
		return "-";
	if (b < 1024)
		return cf_arena_printf(cf_cli_arena(), "%lld B", (long long)b);
	for (int64_t n = b / 1024; n >= 1024; n /= 1024) {
		div *= 1024;
		exp++;
	}
	return cf_arena_printf(cf_cli_arena(), "%.1f %ciB", (double)b / (double)div,
	    "KMGTPE"[exp]);
}

/* One row per Flux kind, whether or not it has objects. */
int cf_cmd_stats(int argc, char **argv)
{
	static const char *const hdr[] = { "Reconcilers", "Running", "Failing",
	    "Suspended", "Storage" };
	cf_client *c;
	cf_cli_table t;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, NULL, &args, &nargs))
		return 1;
	if (!(c = cf_cli_client()))
		return 1;
	cf_cli_table_init(&t, 5, hdr);
	for (size_t i = 0; i < cf_cli_nflux_kinds; i++) {
		const cf_cli_gvk *g = &cf_cli_flux_kinds[i];
		cf_node *list;
		const cf_node *items = NULL;
		int64_t total = 0, susp = 0, failing = 0, size = 0;
		const char *row[5];

		if (!strcmp(g->kind, "ExternalArtifact"))
			continue;
		/* A kind the server does not serve counts as empty. */
		if (cf_client_list(&list, cf_cli_arena(), c, g->api_version, g->kind,
		    cf_cli.all_ns ? NULL : cf_cli.ns, NULL) == 0)
			items = cf_node_get(list, "items");
		total = (int64_t)cf_node_count(items);
		for (size_t j = 0; j < cf_node_count(items); j++) {
			const cf_node *o = cf_node_at(items, j);
			const cf_node *s = cf_node_getp(o, "spec", "suspend", NULL);
			const char *rs = cf_node_getp_str(cf_cli_condition(o, "Ready"),
			    "status", NULL);
			int64_t sz = 0;

			if (cf_node_is(s, CF_NODE_BOOL) && s->v.b)
				susp++;
			if (rs && !strcmp(rs, "False"))
				failing++;
			if (cf_node_as_int(cf_node_getp(o, "status", "artifact",
			    "size", NULL), &sz))
				size += sz;
		}
		row[0] = g->kind;
		row[1] = cf_arena_printf(cf_cli_arena(), "%lld",
		    (long long)(total - susp));
		row[2] = cf_arena_printf(cf_cli_arena(), "%lld", (long long)failing);
		row[3] = cf_arena_printf(cf_cli_arena(), "%lld", (long long)susp);
		row[4] = format_size(size);
		cf_cli_table_row(&t, row);
	}
	cf_cli_table_print(&t);
	return 0;
}
