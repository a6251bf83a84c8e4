/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Lists, counts and the "what is stored where" queries.
 *
 * A list streams rows straight from SQLite to the caller's callback: the
 * value pointer is SQLite's own column buffer, so listing 10,000 objects
 * costs no allocation per row. Paging follows the Kubernetes contract: all
 * pages reflect the first page's snapshot. The continue token carries that
 * snapshot revision and the last key returned. While nothing has been
 * written since the snapshot, later pages read the cur table like the first
 * one; otherwise they rebuild the snapshot from the log (each key's newest
 * row at or below the snapshot revision), which compaction keeps intact
 * for every revision above the compaction point.
 */
#include "store/store_int.h"

#include "core/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding; out must hold 4*ceil(n/3)+1 bytes. */
static void b64_encode(char *out, const unsigned char *in, size_t n)
{
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
		*out++ = b64[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		*out++ = b64[v >> 18];
		*out++ = b64[(v >> 12) & 63];
		*out++ = b64[(v >> 6) & 63];
	}
	*out = '\0';
}

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* Returns the decoded length, or -1 for anything that is not base64url. */
static long b64_decode(unsigned char *out, size_t cap, const char *in)
{
	size_t n = strlen(in), o = 0;
	uint32_t acc = 0;
	int bits = 0;

	/* A single leftover character cannot encode a byte. */
	if (n % 4 == 1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val(in[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == cap)
				return -1;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (long)o;
}

/* Raw token: "1" NUL <snapshot rev> NUL <ns> NUL <name>. NUL separators
 * because names of some kinds may contain any other byte. */
#define RAW_MAX (2 + 21 + 2 * (CF_STORE_MAX_NAME + 1))

static void token_encode(char *out, int64_t snap, const char *ns,
    const char *name)
{
	unsigned char raw[RAW_MAX];
	int n;

	n = snprintf((char *)raw, sizeof(raw), "1%c%" PRId64 "%c%s%c%s", 0,
	    snap, 0, ns, 0, name);
	b64_encode(out, raw, (size_t)n);
}

static int bad_token(void)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
	    "store: invalid continue token");
}

static int token_decode(const char *tok, int64_t *snap, char *ns, char *name)
{
	unsigned char raw[RAW_MAX + 1];
	const char *p, *end;
	char *num_end;
	long n;

	/* Tokens come back from clients: cap, then parse strictly. Anything
	 * off is "invalid", never a guess at what was meant. */
	if (strnlen(tok, CF_STORE_TOKEN_MAX) >= CF_STORE_TOKEN_MAX)
		return bad_token();
	if ((n = b64_decode(raw, RAW_MAX, tok)) < 4)
		return bad_token();
	raw[n] = '\0';
	p = (const char *)raw;
	end = p + n;
	if (strcmp(p, "1"))
		return bad_token();
	p += 2;
	/* A snapshot is a positive decimal without leading zeros. */
	if (*p < '1' || *p > '9')
		return bad_token();
	*snap = strtoll(p, &num_end, 10);
	if (*num_end || num_end >= end)
		return bad_token();
	p = num_end + 1;
	size_t lns = strnlen(p, (size_t)(end - p));
	if (p + lns >= end || lns > CF_STORE_MAX_NAME)
		return bad_token();
	memcpy(ns, p, lns + 1);
	p += lns + 1;
	/* The name runs to the end and holds no NUL. */
	size_t lname = (size_t)(end - p);
	if (!lname || lname > CF_STORE_MAX_NAME || strnlen(p, lname) != lname)
		return bad_token();
	memcpy(name, p, lname + 1);
	return 0;
}

struct page {
	const char *ns;               /* filter, or NULL */
	int64_t snap;
	int from_log;
	char last_ns[CF_STORE_MAX_NAME + 1];
	char last_name[CF_STORE_MAX_NAME + 1];
};

/* Where this page starts: the snapshot, the path, and the key after
 * which to resume. */
static int page_start(cf_store *s, struct page *pg,
    const cf_store_list_opts *o)
{
	int error;

	pg->ns = o ? o->ns : NULL;
	pg->snap = s->rev;
	pg->last_ns[0] = pg->last_name[0] = '\0';
	if (o && o->cont && *o->cont) {
		if ((error = token_decode(o->cont, &pg->snap, pg->last_ns,
		    pg->last_name)) < 0)
			return error;
		if (pg->snap > s->rev)
			return bad_token();
		if (pg->ns && strcmp(pg->ns, pg->last_ns))
			return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
			    "store: continue token is for another namespace");
		if (pg->snap < s->compact_rev)
			return cf_error_setc(CF_EGONE, CF_ERR_STORE,
			    "store: continue token expired: its snapshot %lld "
			    "is older than the compaction point %lld",
			    (long long)pg->snap, (long long)s->compact_rev);
	} else if (o && o->rev) {
		/* An exact older revision: the same log path as a token. */
		if (o->rev < 0 || o->rev > s->rev)
			return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
			    "store: revision %lld is not yet written",
			    (long long)o->rev);
		if (o->rev < s->compact_rev)
			return cf_error_setc(CF_EGONE, CF_ERR_STORE,
			    "too old resource version: %lld (%lld)",
			    (long long)o->rev, (long long)s->compact_rev);
		pg->snap = o->rev;
	}
	pg->from_log = pg->snap != s->rev;
	return 0;
}

static sqlite3_stmt *page_bind(cf_store *s, const struct page *pg,
    const char *resource)
{
	int stmt = pg->from_log ? (pg->ns ? ST_LIST_LOG_NS : ST_LIST_LOG_ALL) :
	    (pg->ns ? ST_LIST_CUR_NS : ST_LIST_CUR_ALL);
	sqlite3_stmt *st = s->st[stmt];

	/* A first page resumes "after ('', '')", which is every key since
	 * names are never empty; row-value comparison keeps it one index
	 * range search. */
	sqlite3_bind_text(st, 1, resource, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, pg->ns ? pg->ns : pg->last_ns, -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 3, pg->last_name, -1, SQLITE_STATIC);
	if (pg->from_log)
		sqlite3_bind_int64(st, 4, pg->snap);
	return st;
}

int cf_store_list(cf_store *s, cf_store_list_result *out,
    const char *resource, const cf_store_list_opts *opts,
    cf_store_kv_fn fn, void *payload)
{
	size_t limit = opts ? opts->limit : 0;
	struct page pg;
	sqlite3_stmt *st;
	int error, opened, rc, r = 0, more = 0;

	memset(out, 0, sizeof(*out));
	/* Validate resource and namespace with a placeholder name. */
	if ((error = cf_store__check_key(resource, "", "x")) < 0)
		return error;
	if (opts && opts->ns &&
	    (error = cf_store__check_key(resource, opts->ns, "x")) < 0)
		return error;
	if ((error = cf_store__read_begin(s, &opened)) < 0)
		return error;
	if ((error = page_start(s, &pg, opts)) < 0) {
		cf_store__read_end(s, opened);
		return error;
	}
	out->rev = pg.snap;

	st = page_bind(s, &pg, resource);
	while ((rc = cf_store__step(s, st)) == SQLITE_ROW) {
		/* The log path sees a key's deletion as its newest row. */
		if (pg.from_log && sqlite3_column_int(st, 5) == CF_STORE_DELETED)
			continue;
		/* A live row past the limit: there is a next page. Reading
		 * one row ahead avoids tokens that lead to empty pages. */
		if (limit && out->count == limit) {
			more = 1;
			break;
		}
		cf_store_kv kv = {
			.ns = (const char *)sqlite3_column_text(st, 0),
			.name = (const char *)sqlite3_column_text(st, 1),
			.rev = sqlite3_column_int64(st, 2),
			.create_rev = sqlite3_column_int64(st, 3),
			.value = sqlite3_column_blob(st, 4),
			.value_len = (size_t)sqlite3_column_bytes(st, 4),
		};
		if (!kv.value)
			kv.value = "";
		out->count++;
		if (limit) {
			/* Only a paged list needs the last key, for the token;
			 * lengths were capped on the way in. */
			snprintf(pg.last_ns, sizeof(pg.last_ns), "%s", kv.ns);
			snprintf(pg.last_name, sizeof(pg.last_name), "%s",
			    kv.name);
		}
		if ((r = fn(&kv, payload)) != 0)
			break;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	cf_store__read_end(s, opened);
	if (r)
		return r;
	if (!more && rc != SQLITE_DONE)
		return cf_store__sqlerr(s, rc, "listing objects");
	if (more)
		token_encode(out->cont, pg.snap, pg.last_ns, pg.last_name);
	return 0;
}

int cf_store_count(cf_store *s, int64_t *out, const char *resource,
    const char *ns)
{
	sqlite3_stmt *st = s->st[ns ? ST_COUNT_NS : ST_COUNT_ALL];
	int error, opened, rc;

	*out = 0;
	if ((error = cf_store__check_key(resource, ns ? ns : "", "x")) < 0)
		return error;
	if ((error = cf_store__read_begin(s, &opened)) < 0)
		return error;
	sqlite3_bind_text(st, 1, resource, -1, SQLITE_STATIC);
	if (ns)
		sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
	rc = cf_store__step(s, st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	cf_store__read_end(s, opened);
	if (rc != SQLITE_ROW)
		return cf_store__sqlerr(s, rc, "counting objects");
	return 0;
}

/* Walk a one-column text query. */
static int each_string(cf_store *s, int stmt, const char *arg,
    cf_store_str_fn fn, void *payload)
{
	sqlite3_stmt *st = s->st[stmt];
	int error, opened, rc, r = 0;

	if ((error = cf_store__read_begin(s, &opened)) < 0)
		return error;
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	while ((rc = cf_store__step(s, st)) == SQLITE_ROW)
		if ((r = fn((const char *)sqlite3_column_text(st, 0),
		    payload)) != 0)
			break;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	cf_store__read_end(s, opened);
	if (r)
		return r;
	if (rc != SQLITE_DONE)
		return cf_store__sqlerr(s, rc, "listing what is stored");
	return 0;
}

int cf_store_resources(cf_store *s, const char *ns, cf_store_str_fn fn,
    void *payload)
{
	int error;

	if (ns && (error = cf_store__check_key("x/y", ns, "x")) < 0)
		return error;
	return each_string(s, ns ? ST_RES_NS : ST_RES_ALL, ns, fn, payload);
}

int cf_store_namespaces(cf_store *s, cf_store_str_fn fn, void *payload)
{
	return each_string(s, ST_NAMESPACES, NULL, fn, payload);
}
