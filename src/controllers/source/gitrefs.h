/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ref discovery without a git process, for the check every GitRepository
 * makes each interval ("has the remote moved?"): a smart-HTTP server's
 * ref advertisement fetched over a pooled connection, or a local
 * repository's loose and packed refs. Only a fast path: any doubt (a dumb
 * server, an error status, a ref it cannot read) returns CF_ENOTFOUND or
 * an error and the caller asks git, which also words the errors.
 */
#ifndef CF_SOURCE_GITREFS_H
#define CF_SOURCE_GITREFS_H

#include "core/buf.h"

typedef struct cf_http cf_http;

#define CF_GITREFS_MAX_ADVERTISEMENT (16u << 20)

/* Append "<40 hex>\t<refname>\n" lines (peeled tags as "<ref>^{}") for
 * url to listing, as git ls-remote prints them. http(s) URLs need h and
 * take auth_header ("Authorization: ..." or NULL); file:// URLs are read
 * for want only, which must be a branch (refs/heads/...). */
int cf_gitrefs_list(cf_buf *listing, cf_http *h, const char *url,
    const char *want, const char *auth_header);

#endif
