/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux check [--pre]: flux's checks. The server is reachable and new
 * enough, the controller Deployments (when installed on a cluster;
 * cfluxd runs its controllers in-process) are ready, and every Flux CRD
 * is Established.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

/*
 * Flux asks for >=1.33; cfluxd serves the 1.32 API, so the CLI accepts
 * what its own server speaks.
 */
#define MIN_MAJOR 1
#define MIN_MINOR 32
#define MIN_TEXT ">=1.32.0-0"

/* "v1.32.4-cflux.0.1.0" meets MIN_*; *shown is it without the "v". */
static bool version_ok(const char *git, const char **shown)
{
	long major, minor;
	char *end;

	*shown = git && *git == 'v' ? git + 1 : git ? git : "";
	major = strtol(*shown, &end, 10);
	if (*end != '.')
		return false;
	minor = strtol(end + 1, &end, 10);
	return major > MIN_MAJOR || (major == MIN_MAJOR && minor >= MIN_MINOR);
}

static bool check_controllers(void)
{
	const cf_node *deps = cf_cli_flux_deployments();
	bool ok = true;

	if (!cf_node_count(deps)) {
		/* cfluxd runs the controllers itself: nothing to deploy. */
		cf_cli_success("no controller deployments in the '%s' namespace: "
		    "controllers run inside cfluxd", cf_cli.ns);
		return true;
	}
	for (size_t i = 0; i < cf_node_count(deps); i++) {
		const cf_node *d = cf_node_at(deps, i);
		const char *name = cf_node_getp_str(d, "metadata", "name", NULL);
		const cf_node *cs = cf_node_getp(d, "spec", "template", "spec",
		    "containers", NULL);
		int64_t want = 1, ready = 0;

		cf_node_as_int(cf_node_getp(d, "spec", "replicas", NULL), &want);
		cf_node_as_int(cf_node_getp(d, "status", "readyReplicas", NULL),
		    &ready);
		if (ready >= want)
			cf_cli_success("%s: deployment ready", name);
		else {
			cf_cli_fail("%s: deployment not ready", name);
			ok = false;
		}
		for (size_t j = 0; j < cf_node_count(cs); j++)
			cf_cli_action("%s", cf_node_getp_str(cf_node_at(cs, j),
			    "image", NULL));
	}
	return ok;
}

/* Every CRD labelled part-of=flux must be Established and have a
 * stored version; flux prints "<name>/<newest stored version>". */
static bool check_crds(void)
{
	cf_node *list;
	const cf_node *items;
	bool ok = true;

	if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(),
	    "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL,
	    &(cf_list_opts){ .label_selector = "app.kubernetes.io/part-of=flux" })
	    < 0) {
		cf_cli_fail("%s", cf_error_msg());
		return false;
	}
	items = cf_node_get(list, "items");
	if (!cf_node_count(items)) {
		cf_cli_fail("no crds found with the label selector "
		    "'app.kubernetes.io/part-of=flux'");
		return false;
	}
	for (size_t i = 0; i < cf_node_count(items); i++) {
		const cf_node *crd = cf_node_at(items, i);
		const cf_node *sv = cf_node_getp(crd, "status", "storedVersions",
		    NULL);
		const char *name = cf_node_getp_str(crd, "metadata", "name", NULL);
		const char *est = cf_node_getp_str(cf_cli_condition(crd,
		    "Established"), "status", NULL);

		if (!cf_node_count(sv)) {
			cf_cli_fail("no stored versions for %s", name);
			ok = false;
		} else if (!est || strcmp(est, "True")) {
			cf_cli_fail("%s is not Established", name);
			ok = false;
		} else {
			cf_cli_success("%s/%s", name, cf_node_as_str(cf_node_at(sv,
			    cf_node_count(sv) - 1)));
		}
	}
	return ok;
}

/* flux check runs every check and reports all failures before it
 * exits 1; --pre stops after the server checks. */
int cf_cmd_check(int argc, char **argv)
{
	bool pre = false, ok;
	const cf_flag flags[] = {
		{ "pre", 0, CF_FLAG_BOOL, &pre },
		{ NULL, 0, 0, NULL },
	};
	const cf_node *v;
	const char *shown;
	cf_node *crd;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	cf_cli_action("checking prerequisites");
	if (!cf_cli_client())
		return 1;
	if (!(v = cf_cli_server_version()))
		return cf_cli_fail("Kubernetes API call failed: %s", cf_error_msg());
	ok = version_ok(cf_node_getp_str(v, "gitVersion", NULL), &shown);
	if (ok)
		cf_cli_success("Kubernetes %s %s", shown, MIN_TEXT);
	else
		cf_cli_fail("Kubernetes version %s does not match %s", shown,
		    MIN_TEXT);
	if (pre) {
		if (!ok)
			return 1;
		cf_cli_success("prerequisites checks passed");
		return 0;
	}
	cf_cli_action("checking version in cluster");
	if (cf_client_get(&crd, cf_cli_arena(), cf_cli_client(),
	    "apiextensions.k8s.io/v1", "CustomResourceDefinition", NULL,
	    "gitrepositories.source.toolkit.fluxcd.io") < 0) {
		cf_cli_fail("checking failed: %s", cf_error_msg());
		ok = false;
	} else {
		const char *ver = cf_node_getp_str(crd, "metadata", "labels",
		    "app.kubernetes.io/version", NULL);
		if (ver)
			cf_cli_success("distribution: flux-%s", ver);
		cf_cli_success("bootstrapped: %s", cf_node_getp(crd, "metadata",
		    "labels", "kustomize.toolkit.fluxcd.io/name", NULL) ?
		    "true" : "false");
	}
	cf_cli_action("checking controllers");
	ok = check_controllers() && ok;
	cf_cli_action("checking crds");
	ok = check_crds() && ok;
	if (!ok)
		return cf_cli_fail("check failed");
	cf_cli_success("all checks passed");
	return 0;
}
