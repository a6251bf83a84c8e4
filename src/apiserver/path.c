/* SPDX-License-Identifier: Apache-2.0 */
#include "apiserver/path.h"
#include "core/error.h"

#include <string.h>

#define MAX_PARTS 12

/* Split on '/', dropping empty segments (a trailing slash is harmless). */
static int split(char **parts, char *s)
{
	int n = 0;

	for (char *tok = s; *tok;) {
		char *end = strchr(tok, '/');
		if (end)
			*end = '\0';
		if (*tok) {
			if (n == MAX_PARTS)
				return -1;
			parts[n++] = tok;
		}
		if (!end)
			break;
		tok = end + 1;
	}
	return n;
}

/*
 * After the group/version prefix: [namespaces/NS/]RES[/NAME[/SUB]].
 * "namespaces/NS" followed by "status" or "finalize" is the namespace's
 * own subresource, as in kube-apiserver's RequestInfoFactory.
 */
static int parse_rest(cf_api_path *p, char **parts, int n)
{
	if (n >= 1 && !strcmp(parts[0], "namespaces") && n >= 2) {
		if (n > 2 && strcmp(parts[2], "status") && strcmp(parts[2], "finalize")) {
			p->namespace = parts[1];
			parts += 2;
			n -= 2;
		}
	}
	if (n < 1 || n > 3)
		return CF_ENOTFOUND;
	p->resource = parts[0];
	p->name = n >= 2 ? parts[1] : NULL;
	p->subresource = n == 3 ? parts[2] : NULL;
	return 0;
}

int cf_api_path_parse(cf_api_path *out, cf_arena *a, const char *path)
{
	char *parts[MAX_PARTS];
	char *copy = cf_arena_strdup(a, path);
	int n = split(parts, copy);

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return CF_ENOTFOUND;
	if (n >= 1 && !strcmp(parts[0], "api")) {
		out->legacy = true;
		out->group = "";
		if (n == 1)
			return 0;
		out->version = parts[1];
		out->resource_request = n > 2;
		return n > 2 ? parse_rest(out, parts + 2, n - 2) : 0;
	}
	if (n >= 1 && !strcmp(parts[0], "apis")) {
		if (n == 1)
			return 0;
		out->group = parts[1];
		if (n == 2)
			return 0;
		out->version = parts[2];
		out->resource_request = n > 3;
		return n > 3 ? parse_rest(out, parts + 3, n - 3) : 0;
	}
	return 0; /* a non-resource path: /version, /healthz, /openapi/... */
}

enum cf_api_verb cf_api_verb_of(const char *method, const cf_api_path *p,
    bool watch_param)
{
	if (!p->resource_request)
		return CF_API_NONRESOURCE;
	if (!strcmp(method, "GET") || !strcmp(method, "HEAD")) {
		if (watch_param)
			return CF_API_WATCH;
		return p->name ? CF_API_GET : CF_API_LIST;
	}
	if (!strcmp(method, "POST"))
		return CF_API_CREATE;
	if (!strcmp(method, "PUT"))
		return CF_API_UPDATE;
	if (!strcmp(method, "PATCH"))
		return CF_API_PATCH;
	if (!strcmp(method, "DELETE"))
		return p->name ? CF_API_DELETE : CF_API_DELETECOLLECTION;
	return CF_API_NONRESOURCE;
}

const char *cf_api_verb_name(enum cf_api_verb v)
{
	static const char *const names[] = { "get", "list", "watch", "create",
		"update", "patch", "delete", "deletecollection", "" };

	return names[v];
}
