/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux reconcile: the reconcile-request handshake, as flux does it. It
 * sets the annotation
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
	if (cf_cli_suspended(obj))
		return cf_cli_fail("resource is suspended");
	before = cf_node_getp_str(obj, "status", "lastHandledReconcileAt", NULL);
	cf_cli_action("annotating %s %s in %s namespace", k->kind, name, ns);
	token = cf_cli_now_rfc3339nano();
	cf_buf_adds(&patch, "{\"metadata\":{\"annotations\":"
	    "{\"reconcile.fluxcd.io/requestedAt\":");
	cf_buf_add_json_str(&patch, token, strlen(token));
	cf_buf_adds(&patch, "}}}");
	rc = cf_cli_merge_patch(k, ns, name, patch.buf);
	cf_buf_release(&patch);
	if (rc)
		return rc;
	cf_cli_success("%s annotated", k->kind);
	cf_cli_waiting("waiting for %s reconciliation", k->kind);
	/* Handled means lastHandledReconcileAt moved on from its old value:
	 * normally to our token, or to a newer request's, which covers ours
	 * (flux's rule). A failed attempt is handled too: Ready tells. */
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
	if (cf_cli_suspended(obj))
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
