/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Query parameters and content negotiation of a Kubernetes API request
 * (spec/kubernetes-api.md §1.5, §1.7): parsed once into plain fields, with
 * the 400 message kube-apiserver gives for malformed values.
 */
#ifndef CF_APISERVER_OPTIONS_H
#define CF_APISERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decoded query parameters, in order; repeated keys allowed. */
typedef struct cf_api_query {
	size_t n;
	const char **keys;
	const char **vals;
} cf_api_query;

const char *cf_api_query_get(const cf_api_query *q, const char *key);

enum cf_field_validation {
	CF_FV_WARN = 0, /* the server default */
	CF_FV_IGNORE,
	CF_FV_STRICT,
};

enum cf_api_propagation {
	CF_PROP_DEFAULT = 0,
	CF_PROP_BACKGROUND,
	CF_PROP_FOREGROUND,
	CF_PROP_ORPHAN,
};

typedef struct cf_api_opts {
	/* list / watch */
	const char *label_selector;
	const char *field_selector;
	const char *resource_version; /* NULL if absent */
	const char *rv_match;         /* resourceVersionMatch */
	const char *continue_token;
	int64_t limit;                /* 0 = no limit */
	bool watch;
	bool allow_bookmarks;
	bool send_initial_events;
	int64_t timeout_seconds;      /* 0 = server default */
	/* writes */
	const char *field_manager;
	bool dry_run;
	bool force;
	bool force_set;               /* force= present at all */
	enum cf_field_validation field_validation;
	enum cf_api_propagation propagation;
	int64_t grace_period;         /* -1 if absent */
	/* Table */
	const char *include_object;   /* None | Metadata | Object */
} cf_api_opts;

/* Parse q into o. Returns 0, or CF_EINVALID with a message for the 400. */
int cf_api_opts_parse(cf_api_opts *o, const cf_api_query *q);

/* What the client asked for in Accept. */
enum cf_accept {
	CF_ACCEPT_JSON = 0,
	CF_ACCEPT_TABLE,        /* as=Table;g=meta.k8s.io (v1 or v1beta1) */
	CF_ACCEPT_DISCOVERY_V2, /* as=APIGroupDiscoveryList;v=v2 */
	CF_ACCEPT_YAML,
	CF_ACCEPT_NONE,         /* nothing we can produce: 406 */
};

/* Pick the first acceptable type, in the client's order (kubectl lists
 * its preferences first and JSON last). */
enum cf_accept cf_api_accept(const char *accept_header);

/* Body types for writes. */
enum cf_content {
	CF_CT_JSON = 0,
	CF_CT_YAML,
	CF_CT_PROTOBUF,
	CF_CT_MERGE_PATCH,
	CF_CT_JSON_PATCH,
	CF_CT_STRATEGIC_PATCH,
	CF_CT_APPLY_PATCH,      /* application/apply-patch+yaml */
	CF_CT_UNKNOWN,
};

/* Classify a Content-Type, ignoring parameters after ';'. NULL → JSON. */
enum cf_content cf_api_content(const char *content_type);

#endif
