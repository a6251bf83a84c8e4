/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by client.c and watch.c: the client's state and the
 * helpers that build resource paths and pace requests.
 */
#ifndef CF_CLIENT_CLIENT_INT_H
#define CF_CLIENT_CLIENT_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "client/client.h"
#include "client/ratelimit.h"
#include "core/buf.h"
#include "core/http.h"

/* One discovered group-version: its resources, fetched at fetched_ns. */
struct cf_client__gv {
	const char *group, *version;
	cf_client_mapping *items;
	size_t n;
	int64_t fetched_ns;
	struct cf_client__gv *next;
};

struct cf_client {
	cf_http *http;
	cf_arena cfg_arena;   /* the copied configuration */
	cf_rest_config cfg;
	cf_client_opts opts;  /* defaults filled in */
	cf_ratelimit rl;
	char **headers;       /* impersonation headers sent on every request */
	size_t nheaders, headers_alloc;

	pthread_mutex_t lock; /* guards everything below */
	cf_arena cache_arena; /* discovery results, kept until free */
	struct cf_client__gv *gvs;
	int64_t token_read_ns; /* when token_file was last read */
};

/* Split "apps/v1" into group "apps" and version "v1" ("v1": group "").
 * Strings are allocated from a. CF_EINVALID when malformed. */
int cf_client__split_gv(const char **group, const char **version,
    cf_arena *a, const char *api_version);

/*
 * Append "/api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]" (or /apis/G/V/...)
 * to out. ns is used only for namespaced resources; name and sub may be
 * NULL. CF_EINVALID for a name or namespace that is not a valid path
 * segment (empty, ".", "..", or holding '/' or '%').
 */
int cf_client__path(cf_buf *out, const cf_client_mapping *m, const char *ns,
    const char *name, const char *sub);

/* Append "?k=v" or "&k=v" (v escaped) to a path; nothing when v is NULL
 * or empty. */
void cf_client__query(cf_buf *path, const char *k, const char *v);

/* The full URL of path (server prefix + path), as an arena string. */
const char *cf_client__url(cf_arena *a, const cf_client *c, const char *path);

/* Wait for the rate limiter and refresh a rotated token file (at once
 * when force is set: the server said 401). */
void cf_client__pace(cf_client *c, bool force_token);

#endif
