/* SPDX-License-Identifier: Apache-2.0 */
#include "apiserver/options.h"
#include "core/error.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *cf_api_query_get(const cf_api_query *q, const char *key)
{
	/* The first occurrence, as Go's url.Values.Get returns. */
	for (size_t i = 0; i < q->n; i++)
		if (!strcmp(q->keys[i], key))
			return q->vals[i];
	return NULL;
}

static bool is_true(const char *v)
{
	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True"));
}

static int parse_int(int64_t *out, const char *name, const char *v)
{
	char *end;
	long long n;

	if (!v || !*v)
		return 0;
	n = strtoll(v, &end, 10);
	if (*end || n < 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s: Invalid value: \"%s\": must be a non-negative integer",
		    name, v);
	*out = n;
	return 0;
}

static int parse_write(cf_api_opts *o, const cf_api_query *q)
{
	const char *v;

	o->field_manager = cf_api_query_get(q, "fieldManager");
	if (o->field_manager && strlen(o->field_manager) > 128)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "fieldManager: Too long: may not be more than 128 bytes");
	v = cf_api_query_get(q, "dryRun");
	if (v) {
		if (strcmp(v, "All"))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "dryRun: Unsupported value: \"%s\": supported values: \"All\"", v);
		o->dry_run = true;
	}
	v = cf_api_query_get(q, "force");
	if (v) {
		o->force_set = true;
		o->force = is_true(v);
	}
	v = cf_api_query_get(q, "fieldValidation");
	if (!v || !*v || !strcmp(v, "Warn"))
		o->field_validation = CF_FV_WARN;
	else if (!strcmp(v, "Ignore"))
		o->field_validation = CF_FV_IGNORE;
	else if (!strcmp(v, "Strict"))
		o->field_validation = CF_FV_STRICT;
	else
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "fieldValidation: Unsupported value: \"%s\": supported values: \"Ignore\", \"Strict\", \"Warn\"", v);
	v = cf_api_query_get(q, "propagationPolicy");
	if (v && !strcmp(v, "Background"))
		o->propagation = CF_PROP_BACKGROUND;
	else if (v && !strcmp(v, "Foreground"))
		o->propagation = CF_PROP_FOREGROUND;
	else if (v && !strcmp(v, "Orphan"))
		o->propagation = CF_PROP_ORPHAN;
	else if (v && *v)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "propagationPolicy: Unsupported value: \"%s\": supported values: \"Background\", \"Foreground\", \"Orphan\"", v);
	o->grace_period = -1;
	return parse_int(&o->grace_period, "gracePeriodSeconds",
	    cf_api_query_get(q, "gracePeriodSeconds"));
}

int cf_api_opts_parse(cf_api_opts *o, const cf_api_query *q)
{
	memset(o, 0, sizeof(*o));
	o->label_selector = cf_api_query_get(q, "labelSelector");
	o->field_selector = cf_api_query_get(q, "fieldSelector");
	o->resource_version = cf_api_query_get(q, "resourceVersion");
	o->rv_match = cf_api_query_get(q, "resourceVersionMatch");
	o->continue_token = cf_api_query_get(q, "continue");
	o->watch = is_true(cf_api_query_get(q, "watch"));
	o->allow_bookmarks = is_true(cf_api_query_get(q, "allowWatchBookmarks"));
	o->send_initial_events = is_true(cf_api_query_get(q, "sendInitialEvents"));
	o->include_object = cf_api_query_get(q, "includeObject");
	if (parse_int(&o->limit, "limit", cf_api_query_get(q, "limit")) < 0 ||
	    parse_int(&o->timeout_seconds, "timeoutSeconds",
		cf_api_query_get(q, "timeoutSeconds")) < 0)
		return CF_EINVALID;
	if (o->rv_match && *o->rv_match && !o->resource_version)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided");
	return parse_write(o, q);
}

/* Is "p" one of the ';'-separated parameters of media range r? */
static bool has_param(const char *r, const char *p)
{
	size_t n = strlen(p);

	for (const char *s = strchr(r, ';'); s; s = strchr(s + 1, ';'))
		if (!strncmp(s + 1, p, n) && (s[1 + n] == ';' || !s[1 + n]))
			return true;
	return false;
}

/* Does one media range of Accept ask for a Table or discovery v2? */
static enum cf_accept classify(const char *r, size_t n)
{
	char buf[256];
	size_t i, j = 0;

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	for (i = 0; i < n; i++)
		if (r[i] != ' ')
			buf[j++] = (char)tolower((unsigned char)r[i]);
	buf[j] = '\0';
	if (!strncmp(buf, "application/json", 16)) {
		if (strstr(buf, "as=table") && strstr(buf, "g=meta.k8s.io"))
			return CF_ACCEPT_TABLE;
		if (strstr(buf, "as=apigroupdiscoverylist"))
			return has_param(buf, "v=v2") ? CF_ACCEPT_DISCOVERY_V2 :
			    CF_ACCEPT_NONE;
		if (strstr(buf, "as="))
			return CF_ACCEPT_NONE;
		return CF_ACCEPT_JSON;
	}
	if (!strncmp(buf, "application/yaml", 16))
		return CF_ACCEPT_YAML;
	if (!strncmp(buf, "*/*", 3) || !strncmp(buf, "application/*", 13))
		return CF_ACCEPT_JSON;
	return CF_ACCEPT_NONE;
}

enum cf_accept cf_api_accept(const char *h)
{
	if (!h || !*h)
		return CF_ACCEPT_JSON;
	while (*h) {
		const char *end = strchr(h, ',');
		size_t n = end ? (size_t)(end - h) : strlen(h);
		enum cf_accept a = classify(h, n);
		if (a != CF_ACCEPT_NONE)
			return a;
		if (!end)
			break;
		h = end + 1;
	}
	return CF_ACCEPT_NONE;
}

enum cf_content cf_api_content(const char *ct)
{
	static const struct {
		const char *type;
		enum cf_content c;
	} map[] = {
		{ "application/json", CF_CT_JSON },
		{ "application/yaml", CF_CT_YAML },
		{ "application/vnd.kubernetes.protobuf", CF_CT_PROTOBUF },
		{ "application/merge-patch+json", CF_CT_MERGE_PATCH },
		{ "application/json-patch+json", CF_CT_JSON_PATCH },
		{ "application/strategic-merge-patch+json", CF_CT_STRATEGIC_PATCH },
		{ "application/apply-patch+yaml", CF_CT_APPLY_PATCH },
	};
	size_t n;

	if (!ct || !*ct)
		return CF_CT_JSON;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strlen(map[i].type) == n && !strncasecmp(ct, map[i].type, n))
			return map[i].c;
	return CF_CT_UNKNOWN;
}
