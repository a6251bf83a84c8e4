/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux delete source git|kustomization NAME: asks first unless --silent
 * (a "y" on stdin), deletes, reports.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

/* flux reads the object first, so a missing one fails before the
 * prompt; then asks, deletes and reports. Finalizers are the
 * controller's business: the command does not wait for them. */
int cf_cmd_delete(int argc, char **argv)
{
	bool silent = false;
	const cf_flag flags[] = {
		{ "silent", 's', CF_FLAG_BOOL, &silent },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k;
	char **args;
	int nargs;
	const char *name;

	if (cf_cli_parse_kind(argc, argv, flags, "cflux delete source "
	    "git|kustomization NAME [--silent]", &k, &args, &nargs))
		return 1;
	if (nargs < 1)
		return cf_cli_fail("%s name is required", k->human);
	name = args[0];
	if (!cf_cli_get(k, cf_cli.ns, name))
		return 1;
	if (!silent && !cf_cli_confirm(cf_arena_printf(cf_cli_arena(),
	    "Are you sure you want to delete this %s", k->human)))
		return cf_cli_fail("aborting");
	cf_cli_action("deleting %s %s in %s namespace", k->human, name,
	    cf_cli.ns);
	if (cf_client_delete(NULL, cf_cli_arena(), cf_cli_client(),
	    k->api_version, k->kind, cf_cli.ns, name, NULL) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	cf_cli_success("%s deleted", k->human);
	return 0;
}
