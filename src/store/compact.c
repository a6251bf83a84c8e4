/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compaction, retention and the invariant check.
 *
 * Compaction moves the compaction point C forward and removes the log rows
 * no snapshot above C can need: a row superseded by a change at or below
 * C, and a deletion at or below C. Each log row names the row it
 * supersedes (prev_rev), so one step handles a revision range (C, C'] by
 * deleting the prev_rev rows of that range and the DELETED rows in it —
 * index lookups proportional to the range, never a scan of the whole
 * history (kine's multi-second compactions came from such scans). Steps
 * are small and separate transactions, so the writer is never held long.
 *
 * Retention keeps at least opts.keep_revs revisions and opts.keep_ms of
 * history. Time is mapped to revisions with in-memory checkpoints ("at
 * time t the newest revision was r") kept at commits, one per granule of
 * time (keep_ms/256, at least a second); after a restart everything stored counts as written at open,
 * which can only keep more history than asked, never less.
 */
#include "store/store_int.h"

#include "core/alloc.h"
#include "core/error.h"

#include <string.h>

#define CHECKPOINT_MAX 1024

static int64_t granule_ms(const cf_store *s)
{
	int64_t g = s->opts.keep_ms / 256;

	return g < 1000 ? 1000 : g;
}

void cf_store__checkpoint_add(cf_store *s)
{
	int64_t now = s->opts.now_ms();

	s->last_commit_ms = now;
	if (s->ncps && now - s->cps[s->ncps - 1].start < granule_ms(s)) {
		/* Same granule: move its checkpoint to this commit, which is
		 * still a true statement and never moves the granule. */
		s->cps[s->ncps - 1].ts = now;
		s->cps[s->ncps - 1].rev = s->rev;
		return;
	}
	if (s->ncps == CHECKPOINT_MAX) {
		/* Nobody compacts: thin out evenly rather than forget the
		 * oldest, so any age still maps to a nearby revision. */
		size_t j = 0;
		for (size_t i = 0; i < s->ncps; i += 2)
			s->cps[j++] = s->cps[i];
		s->ncps = j;
	}
	CF_GROW(s->cps, s->acps, s->ncps + 1);
	s->cps[s->ncps].start = now;
	s->cps[s->ncps].ts = now;
	s->cps[s->ncps].rev = s->rev;
	s->ncps++;
}

/* The newest revision compaction may reach under the retention rules. */
static int64_t compact_target(cf_store *s)
{
	int64_t target = s->rev - s->opts.keep_revs, by_time = 0;
	int64_t cutoff;

	if (s->opts.keep_ms > 0) {
		cutoff = s->opts.now_ms() - s->opts.keep_ms;
		for (size_t i = 0; i < s->ncps && s->cps[i].ts <= cutoff; i++)
			by_time = s->cps[i].rev;
		/* Quiet since before the cutoff: all of it is old enough. */
		if (s->last_commit_ms <= cutoff)
			by_time = s->rev;
		if (by_time < target)
			target = by_time;
	}
	return target;
}

/* Checkpoints at or below the compaction point have done their job; keep
 * the newest of them, which still bounds what lies above it. */
static void checkpoints_prune(cf_store *s)
{
	size_t k = 0;

	while (k + 1 < s->ncps && s->cps[k + 1].rev <= s->compact_rev)
		k++;
	if (k) {
		memmove(s->cps, s->cps + k, (s->ncps - k) * sizeof(*s->cps));
		s->ncps -= k;
	}
}

static int compact_range(cf_store *s, int64_t from, int64_t to)
{
	sqlite3_stmt *st;
	int error;

	st = s->st[ST_COMPACT_PREV];
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if ((error = cf_store__exec(s, ST_COMPACT_PREV, "compacting")) < 0)
		return error;
	st = s->st[ST_COMPACT_DEL];
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if ((error = cf_store__exec(s, ST_COMPACT_DEL, "compacting")) < 0)
		return error;
	st = s->st[ST_META_SET];
	sqlite3_bind_text(st, 1, "compact", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, to);
	return cf_store__exec(s, ST_META_SET, "recording the compaction");
}

int cf_store_compact(cf_store *s, int *more)
{
	int64_t target, to;
	int error;

	if (more)
		*more = 0;
	if (s->opts.readonly)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: the handle is read-only");
	if (s->in_txn)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: cannot compact inside a transaction");
	target = compact_target(s);
	if (target <= s->compact_rev)
		return 0;
	to = s->compact_rev + s->opts.compact_step;
	if (to > target)
		to = target;

	if ((error = cf_store__exec(s, ST_BEGIN, "starting compaction")) < 0)
		return cf_error_wrap("compacting to revision %lld",
		    (long long)to);
	if ((error = compact_range(s, s->compact_rev, to)) < 0 ||
	    (error = cf_store__exec(s, ST_COMMIT, "committing compaction")) < 0) {
		if (!sqlite3_get_autocommit(s->db) &&
		    cf_store__exec(s, ST_ROLLBACK, "rolling back") < 0 &&
		    !sqlite3_get_autocommit(s->db))
			s->broken = 1;
		return cf_error_wrap("compacting to revision %lld",
		    (long long)to);
	}
	s->compact_rev = to;
	checkpoints_prune(s);
	if (more)
		*more = to < target;
	return 0;
}

/* Run one query returning a single integer. */
static int query_int(cf_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = cf_store__step(s, st);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return cf_store__sqlerr(s, rc, "checking the store");
	return 0;
}

/* Each check counts the rows that break one invariant. */
static const struct {
	const char *what, *sql;
} checks[] = {
	{ "log rows beyond the recorded revision",
	  "SELECT count(*) FROM log WHERE rev > (SELECT v FROM meta"
	  " WHERE k='rev')" },
	{ "log rows not after the row they supersede",
	  "SELECT count(*) FROM log WHERE prev_rev >= rev OR create_rev > rev"
	  " OR rev <= 0 OR type NOT IN (1, 2, 3)" },
	{ "current objects not at a live log row of their key",
	  "SELECT count(*) FROM cur c LEFT JOIN log l ON l.rev=c.rev"
	  " WHERE l.rev IS NULL OR l.type=3 OR l.resource!=c.resource"
	  " OR l.ns!=c.ns OR l.name!=c.name OR l.create_rev!=c.create_rev" },
	{ "keys whose last logged state differs from the current one",
	  "SELECT count(*) FROM (SELECT resource, ns, name, max(rev) AS m, type"
	  " FROM log GROUP BY resource, ns, name) g"
	  " LEFT JOIN cur c ON c.resource=g.resource AND c.ns=g.ns"
	  " AND c.name=g.name"
	  " WHERE (g.type=3 AND c.rev IS NOT NULL)"
	  " OR (g.type!=3 AND (c.rev IS NULL OR c.rev!=g.m))" },
	{ "current objects without any log row",
	  "SELECT count(*) FROM cur c WHERE NOT EXISTS (SELECT 1 FROM log l"
	  " WHERE l.resource=c.resource AND l.ns=c.ns AND l.name=c.name)" },
};

int cf_store_verify(cf_store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t bad, rev, compact;
	int rc, ok, error;

	/* integrity_check answers "ok" or one row per problem. */
	rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return cf_store__sqlerr(s, rc, "checking integrity");
	rc = cf_store__step(s, st);
	ok = rc == SQLITE_ROW &&
	    !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
	if (rc == SQLITE_ROW && !ok)
		error = cf_error_set(CF_ERR_STORE,
		    "store: integrity check failed: %s",
		    (const char *)sqlite3_column_text(st, 0));
	else if (!ok)
		error = cf_store__sqlerr(s, rc, "checking integrity");
	sqlite3_finalize(st);
	if (!ok)
		return error;

	for (size_t i = 0; i < CF_ARRAY_SIZE(checks); i++) {
		if ((error = query_int(s, checks[i].sql, &bad)) < 0)
			return error;
		if (bad)
			return cf_error_set(CF_ERR_STORE, "store: %lld %s",
			    (long long)bad, checks[i].what);
	}
	if ((error = query_int(s, "SELECT coalesce((SELECT v FROM meta"
	    " WHERE k='rev'), 0)", &rev)) < 0 ||
	    (error = query_int(s, "SELECT coalesce((SELECT v FROM meta"
	    " WHERE k='compact'), 0)", &compact)) < 0)
		return error;
	if (compact > rev)
		return cf_error_set(CF_ERR_STORE,
		    "store: compaction point %lld beyond revision %lld",
		    (long long)compact, (long long)rev);
	if (!s->opts.readonly && !s->in_txn && rev != s->rev)
		return cf_error_set(CF_ERR_STORE,
		    "store: db revision %lld, handle revision %lld",
		    (long long)rev, (long long)s->rev);
	return 0;
}

int cf_store_db_size(cf_store *s, int64_t *out)
{
	int64_t pages, size;
	int error;

	if ((error = query_int(s, "PRAGMA page_count", &pages)) < 0 ||
	    (error = query_int(s, "PRAGMA page_size", &size)) < 0)
		return error;
	*out = pages * size;
	return 0;
}
