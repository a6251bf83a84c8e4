/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux version [--client] [-o yaml|json]: the client's version and,
 * when the server answers, its /version and the controller images
 * installed in the namespace.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"

/* flux version: "flux: vX" then, from the cluster, what runs there.
 * An unreachable server is a warning, not a failure: the client
 * version is still worth printing. */
int cf_cmd_version(int argc, char **argv)
{
	bool client_only = false;
	const char *output = "yaml";
	const cf_flag flags[] = {
		{ "client", 0, CF_FLAG_BOOL, &client_only },
		{ "output", 'o', CF_FLAG_STR, &output },
		{ NULL, 0, 0, NULL },
	};
	const char *keys[8], *vals[8];
	const cf_node *v, *deps;
	size_t n = 0;
	char **args;
	int nargs;
	bool json;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (strcmp(output, "yaml") && strcmp(output, "json"))
		return cf_cli_fail("--output must be json or yaml, not %s", output);
	json = !strcmp(output, "json");
	keys[n] = "flux";
	vals[n++] = "v" CF_VERSION;
	if (!client_only) {
		if (!(v = cf_cli_server_version())) {
			cf_cli_warning("server version unavailable: %s", cf_error_msg());
		} else {
			keys[n] = "server";
			vals[n++] = cf_node_getp_str(v, "gitVersion", NULL);
			deps = cf_cli_flux_deployments();
			/* One "name: tag" per controller image, as flux. */
			for (size_t i = 0; i < cf_node_count(deps) && n < 8; i++) {
				const char *img = cf_node_getp_str(cf_node_at(
				    cf_node_getp(cf_node_at(deps, i), "spec",
				    "template", "spec", "containers", NULL), 0),
				    "image", NULL);
				const char *colon = img ? strrchr(img, ':') : NULL;
				const char *slash = img ? strrchr(img, '/') : NULL;
				if (!colon || (slash && colon < slash))
					continue;
				keys[n] = cf_arena_strndup(cf_cli_arena(),
				    slash ? slash + 1 : img,
				    (size_t)(colon - (slash ? slash + 1 : img)));
				vals[n++] = colon + 1;
			}
		}
	}
	if (json) {
		cf_buf b = CF_BUF_INIT;
		size_t order[8];

		/* json.MarshalIndent of a Go map: keys sorted, two spaces. */
		for (size_t i = 0; i < n; i++) {
			size_t j = i;
			for (; j > 0 && strcmp(keys[order[j - 1]], keys[i]) > 0; j--)
				order[j] = order[j - 1];
			order[j] = i;
		}
		cf_buf_adds(&b, "{\n");
		for (size_t o = 0; o < n; o++) {
			size_t i = order[o];
			cf_buf_adds(&b, "  ");
			cf_buf_add_json_str(&b, keys[i], strlen(keys[i]));
			cf_buf_adds(&b, ": ");
			cf_buf_add_json_str(&b, vals[i] ? vals[i] : "",
			    vals[i] ? strlen(vals[i]) : 0);
			cf_buf_adds(&b, o + 1 < n ? ",\n" : "\n");
		}
		cf_buf_adds(&b, "}\n");
		fputs(b.buf, stdout);
		cf_buf_release(&b);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s: %s\n", keys[i], vals[i] ? vals[i] : "");
	}
	return 0;
}
