/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux reconcile | suspend | resume: the reconcile-request handshake
 * and spec.suspend, as flux does them. reconcile sets the annotation
 * reconcile.fluxcd.io/requestedAt to the time (RFC3339Nano) with a merge
 * patch, then waits until the controller has copied a new value into
 * status.lastHandledReconcileAt and the object is no longer in progress;
 * Ready then says whether it worked.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"

/* Merge-patch one object; prints the error. */
static int merge_patch(const cf_cli_kind *k, const char *ns, const char *name,
    const char *patch)
{
	cf_client *c = cf_cli_client();

	if (!c)
		return 1;
	if (cf_client_patch(NULL, cf_cli_arena(), c, k->api_version, k->kind, ns,
	    name, CF_PATCH_MERGE, patch, strlen(patch), NULL) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	return 0;
}

/* spec.suspend: flux refuses to reconcile a suspended object. */
static bool suspended(const cf_node *obj)
{
	const cf_node *s = cf_node_getp(obj, "spec", "suspend", NULL);

	return cf_node_is(s, CF_NODE_BOOL) && s->v.b;
}

/*
 * Request a reconciliation of name and wait for it. quote_msg picks
 * between flux's two failure texts (with or without quotes round the
 * Ready message: reconcile with and without --with-source differ).
 */
static int reconcile_one(const cf_cli_kind *k, const char *ns,
    const char *name, bool quote_msg)
{
	const char *token, *status, *msg, *before, *why;
	cf_buf patch = CF_BUF_INIT;
	cf_node *obj;
	int rc;

	if (!(obj = cf_cli_get(k, ns, name)))
		return 1;
	if (suspended(obj))
		return cf_cli_fail("resource is suspended");
	before = cf_node_getp_str(obj, "status", "lastHandledReconcileAt", NULL);
	cf_cli_action("annotating %s %s in %s namespace", k->kind, name, ns);
	token = cf_cli_now_rfc3339nano();
	cf_buf_adds(&patch, "{\"metadata\":{\"annotations\":"
	    "{\"reconcile.fluxcd.io/requestedAt\":");
	cf_buf_add_json_str(&patch, token, strlen(token));
	cf_buf_adds(&patch, "}}}");
	rc = merge_patch(k, ns, name, patch.buf);
	cf_buf_release(&patch);
	if (rc)
		return rc;
	cf_cli_success("%s annotated", k->kind);
	cf_cli_waiting("waiting for %s reconciliation", k->kind);
	/* A failed attempt is a handled request too: Ready tells. */
	if (cf_cli_wait_ready(&obj, &why, k, ns, name, true, before) < 0) {
		const char *last = cf_node_getp_str(obj, "status",
		    "lastHandledReconcileAt", NULL);
		if (!last || (before && !strcmp(last, before)))
			return cf_cli_fail("%s", why);
	}
	if (!cf_cli_condition(obj, "Ready"))
		return cf_cli_fail("status can't be determined");
	cf_cli_ready(obj, &status, &msg);
	if (strcmp(status, "True"))
		return cf_cli_fail(quote_msg ? "%s reconciliation failed: '%s'" :
		    "%s reconciliation failed: %s", k->kind, msg);
	cf_cli_success("%s %s", k->success, cf_cli_revision(k, obj));
	return 0;
}

/* reconcile source git NAME | kustomization NAME [--with-source]. */
int cf_cmd_reconcile(int argc, char **argv)
{
	bool with_source = false;
	const cf_flag flags[] = {
		{ "with-source", 0, CF_FLAG_BOOL, &with_source },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k, *sk;
	char **args;
	int nargs;
	cf_node *obj;
	const char *skind, *sname, *sns;

	if (cf_cli_parse_kind(argc, argv, flags, "cflux reconcile source git "
	    "NAME | kustomization NAME [--with-source]", &k, &args, &nargs))
		return 1;
	if (nargs < 1)
		return cf_cli_fail("%s name is required", k->kind);
	if (!with_source || strcmp(k->kind, "Kustomization"))
		return reconcile_one(k, cf_cli.ns, args[0], true);

	/* --with-source: the source first, in its own namespace. */
	if (!(obj = cf_cli_get(k, cf_cli.ns, args[0])))
		return 1;
	if (suspended(obj))
		return cf_cli_fail("resource is suspended");
	skind = cf_node_getp_str(obj, "spec", "sourceRef", "kind", NULL);
	sname = cf_node_getp_str(obj, "spec", "sourceRef", "name", NULL);
	sns = cf_node_getp_str(obj, "spec", "sourceRef", "namespace", NULL);
	sk = skind ? cf_cli_kind_by_name(skind) : NULL;
	if (!sk || !sname)
		return cf_cli_fail("cannot reconcile source of kind %s",
		    skind ? skind : "");
	if (reconcile_one(sk, sns && *sns ? sns : cf_cli.ns, sname, true))
		return 1;
	return reconcile_one(k, cf_cli.ns, args[0], false);
}

/* ---- suspend / resume ---- */

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
			if (merge_patch(k, cf_cli.ns, name, patch))
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
