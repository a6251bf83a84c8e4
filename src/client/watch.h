/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Watches: one long GET ?watch=true read as a stream of JSON events, one
 * per line. The loop resumes from the last resourceVersion it saw when
 * the server ends a stream (timeoutSeconds, restarts), follows BOOKMARKs,
 * and on 410 Expired tells the caller to list again. The informer built
 * on this (list, then watch, then re-list on RELIST) lives elsewhere.
 */
#ifndef CF_CLIENT_WATCH_H
#define CF_CLIENT_WATCH_H

#include <stdatomic.h>
#include <stdbool.h>

#include "client/client.h"

#define CF_WATCH_MAX_EVENT (16u << 20) /* one event line */

enum cf_watch_event {
	CF_WATCH_ADDED = 0,
	CF_WATCH_MODIFIED,
	CF_WATCH_DELETED,
	CF_WATCH_BOOKMARK, /* obj carries only metadata.resourceVersion */
	CF_WATCH_RELIST,   /* 410: history is gone; obj is the Status */
};

/* "ADDED" ... "RELIST". */
const char *cf_watch_event_name(enum cf_watch_event ev);

/* Return 0 to go on, CF_WATCH_STOP to end the watch (cf_client_watch then
 * returns 0), or a negative error code to end it with that code. obj and
 * everything under it is freed when the callback returns: cf_node_dup
 * what you keep. */
#define CF_WATCH_STOP 1
typedef int (*cf_watch_fn)(enum cf_watch_event ev, const cf_node *obj,
    void *payload);

/* Zero means default for every field. */
typedef struct cf_watch_opts {
	const char *label_selector;
	const char *field_selector;
	/* Start after this version (a list's metadata.resourceVersion).
	 * NULL, "" or "0": the server first sends ADDED for every object. */
	const char *resource_version;
	bool no_bookmarks;   /* do not ask for allowWatchBookmarks */
	long timeout_seconds; /* per stream; 0 = random 300..599 (informers) */
	int max_streams;     /* stop after this many streams; 0 = never */
	const atomic_int *cancel; /* set non-zero to end the watch */
} cf_watch_opts;

/*
 * Watch a kind (ns NULL or "" = all namespaces), calling fn for every
 * event in order. A stream that ends, or a connection that drops, is
 * opened again from the last resourceVersion seen (with backoff when it
 * failed). Returns 0 when cancelled, stopped by fn or after max_streams;
 * CF_EGONE after a RELIST callback (list again, then watch from the new
 * list's resourceVersion); CF_ETOOLARGE for an event line over
 * CF_WATCH_MAX_EVENT; fn's negative value; otherwise the error that
 * outlasted the client's retries (see cf_client_do).
 */
int cf_client_watch(cf_client *c, const char *api_version, const char *kind,
    const char *ns, const cf_watch_opts *opts, cf_watch_fn fn,
    void *payload);

/*
 * Any other long GET (a Pod's log with follow=true): path, query
 * included, is fetched once, without retries, and each chunk of a 2xx
 * body is passed to fn as it arrives, until the server ends the body,
 * fn returns non-zero, cancel is set or timeout_ms passes (0 = no limit).
 * Returns 0 (also when cancelled), fn's value, CF_ETIMEOUT, or the
 * server's answer as cf_client_status_error sees it.
 */
int cf_client_stream(cf_client *c, const char *path, long timeout_ms,
    const atomic_int *cancel,
    int (*fn)(const char *data, size_t len, void *payload), void *payload);

/*
 * The reflector loop an informer runs: list (all pages), hand the whole
 * List to replace (the caller swaps its view for exactly these items and
 * remembers nothing else), then watch from the list's resourceVersion,
 * calling fn as cf_client_watch does, and list again whenever history is
 * gone (410) or the server stayed unreachable past the client's retries
 * (after a backoff). opts: selectors, timeout_seconds, no_bookmarks and
 * cancel are used; resource_version and max_streams are ignored.
 *
 * Runs until cancelled or fn returns CF_WATCH_STOP (then 0); returns
 * replace's or fn's negative value, or an error no relist can cure
 * (CF_ENOTFOUND for an unknown kind, CF_EFORBIDDEN, CF_EINVALID).
 * replace's list is freed when it returns.
 */
int cf_client_reflect(cf_client *c, const char *api_version,
    const char *kind, const char *ns, const cf_watch_opts *opts,
    int (*replace)(const cf_node *list, void *payload), cf_watch_fn fn,
    void *payload);

#endif
