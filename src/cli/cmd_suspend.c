/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux suspend | resume source git|kustomization NAME|--all: write
 * spec.suspend with a merge patch; resume then waits for each object to
 * be Ready again, as flux does.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

/*
 * Patch spec.suspend on each named object (or all in the namespace),
 * logging what it does; the names patched go to *done. Objects that are
 * not there are reported and skipped, as flux does.
 */
static int set_suspend(const cf_cli_kind *k, char **names, int n, bool all,
    bool value, const char ***done, int *ndone)
{
	cf_client *c = cf_cli_client();
	const char *verb = value ? "suspending" : "resuming";
	const char *patch = value ? "{\"spec\":{\"suspend\":true}}" :
	    "{\"spec\":{\"suspend\":false}}";
	cf_node *list;

	*ndone = 0;
	if (!c)
		return 1;
	for (int i = 0; i < (all ? 1 : n); i++) {
		const cf_node *items;

		if (cf_client_list(&list, cf_cli_arena(), c, k->api_version, k->kind,
		    cf_cli.ns, &(cf_list_opts){ .field_selector = all ? NULL :
		    cf_arena_printf(cf_cli_arena(), "metadata.name=%s",
		    names[i]) }) < 0)
			return cf_cli_fail("%s", cf_error_msg());
		items = cf_node_get(list, "items");
		if (!cf_node_count(items)) {
			if (all)
				cf_cli_fail("no %s objects found in %s namespace",
				    k->kind, cf_cli.ns);
			else
				cf_cli_fail("%s %s not found in %s namespace", k->kind,
				    names[i], cf_cli.ns);
			continue;
		}
		{
			const char **grown = cf_arena_alloc(cf_cli_arena(),
			    (*ndone + cf_node_count(items)) * sizeof(*grown));
			if (*ndone)
				memcpy(grown, *done, *ndone * sizeof(*grown));
			*done = grown;
		}
		for (size_t j = 0; j < cf_node_count(items); j++) {
			const char *name = cf_node_getp_str(cf_node_at(items, j),
			    "metadata", "name", NULL);
			cf_cli_action("%s %s %s in %s namespace", verb, k->human,
			    name, cf_cli.ns);
			if (cf_cli_merge_patch(k, cf_cli.ns, name, patch))
				return 1;
			cf_cli_success("%s %s", k->human, value ? "suspended" :
			    "resumed");
			(*done)[(*ndone)++] = name;
		}
	}
	return 0;
}

/*
 * suspend and resume share everything but the value written and what
 * follows: resume waits (unless --wait=false) for each object to become
 * Ready again, reporting each one, and fails if any did not.
 */
static int suspend_resume(int argc, char **argv, bool suspend)
{
	bool all = false, wait = true;
	const cf_flag flags[] = {
		{ "all", 0, CF_FLAG_BOOL, &all },
		{ "wait", 0, CF_FLAG_BOOL, &wait },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k;
	const char **done = NULL;
	char **args;
	int nargs, ndone, failed = 0;

	if (cf_cli_parse_kind(argc, argv, flags, suspend ?
	    "cflux suspend source git|kustomization NAME [--all]" :
	    "cflux resume source git|kustomization NAME [--all] [--wait]",
	    &k, &args, &nargs))
		return 1;
	if (nargs < 1 && !all)
		return cf_cli_fail("%s name is required", k->human);
	if (set_suspend(k, args, nargs, all && nargs < 1, suspend, &done,
	    &ndone))
		return 1;
	if (suspend || !wait)
		return 0;
	for (int i = 0; i < ndone; i++) {
		const char *why;
		cf_node *obj;

		cf_cli_waiting("waiting for %s reconciliation", k->kind);
		if (cf_cli_wait_ready(&obj, &why, k, cf_cli.ns, done[i], false,
		    NULL) < 0) {
			cf_cli_fail("%s %s reconciliation failed: %s", k->kind,
			    done[i], why);
			failed++;
			continue;
		}
		cf_cli_success("%s %s reconciliation completed", k->kind, done[i]);
		cf_cli_success("%s %s", k->success, cf_cli_revision(k, obj));
	}
	if (failed)
		return cf_cli_fail("reconciliation failed for %d %s(s)", failed,
		    k->kind);
	return 0;
}

int cf_cmd_suspend(int argc, char **argv)
{
	return suspend_resume(argc, argv, true);
}

int cf_cmd_resume(int argc, char **argv)
{
	return suspend_resume(argc, argv, false);
}
