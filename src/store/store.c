/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store's core: opening the db, the schema, transactions, single-key
 * reads and the three writes. Lists live in list.c, events in watch.c,
 * compaction and the invariant check in compact.c.
 *
 * Two tables (docs/internals/STORE.md has the full picture):
 *   log(rev PK, type, resource, ns, name, create_rev, prev_rev, value)
 *       every change ever made (until compacted), with the bytes it wrote;
 *       prev_rev links a row to the previous row of the same key.
 *   cur(resource, ns, name PK, rev, create_rev)
 *       one row per live object pointing at its newest log row, so the
 *       bytes are stored once and current reads are a join on rev.
 * meta(k, v) holds the last revision and the compaction point: the last
 * revision cannot be derived from max(log.rev) once compaction has removed
 * the newest DELETED rows, and reusing a revision would break watches.
 */
#include "store/store_int.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_VERSION 1

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS meta("
	"  k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS log("
	"  rev INTEGER PRIMARY KEY,"
	"  type INTEGER NOT NULL,"
	"  resource TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,"
	"  create_rev INTEGER NOT NULL,"
	"  prev_rev INTEGER NOT NULL,"
	"  value BLOB NOT NULL);"
	/* Snapshot lists walk a key's history in key order. */
	"CREATE INDEX IF NOT EXISTS log_key ON log(resource, ns, name, rev);"
	"CREATE TABLE IF NOT EXISTS cur("
	"  resource TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL,"
	"  rev INTEGER NOT NULL, create_rev INTEGER NOT NULL,"
	"  PRIMARY KEY(resource, ns, name)) WITHOUT ROWID;"
	/* "What is in namespace X" for namespace deletion. */
	"CREATE INDEX IF NOT EXISTS cur_ns ON cur(ns, resource);"
	"INSERT OR IGNORE INTO meta(k, v) VALUES('schema', 1);";

/* Column lists shared by the list statements: ns, name, rev, create_rev,
 * value, and (log path) type. */
static const char *const stmt_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT v FROM meta WHERE k=?1",
	[ST_META_SET] = "INSERT INTO meta(k, v) VALUES(?1, ?2)"
			" ON CONFLICT(k) DO UPDATE SET v=excluded.v",
	[ST_CUR_GET] = "SELECT c.rev, c.create_rev, l.value FROM cur c"
		       " JOIN log l ON l.rev=c.rev"
		       " WHERE c.resource=?1 AND c.ns=?2 AND c.name=?3",
	[ST_LOG_INSERT] = "INSERT INTO log(rev, type, resource, ns, name,"
			  " create_rev, prev_rev, value)"
			  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_CUR_PUT] = "INSERT INTO cur(resource, ns, name, rev, create_rev)"
		       " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE"
		       " SET rev=excluded.rev, create_rev=excluded.create_rev",
	[ST_CUR_DEL] = "DELETE FROM cur WHERE resource=?1 AND ns=?2 AND name=?3",
	[ST_LIST_CUR_NS] = "SELECT c.ns, c.name, c.rev, c.create_rev, l.value"
			   " FROM cur c JOIN log l ON l.rev=c.rev"
			   " WHERE c.resource=?1 AND c.ns=?2 AND c.name>?3"
			   " ORDER BY c.ns, c.name",
	[ST_LIST_CUR_ALL] = "SELECT c.ns, c.name, c.rev, c.create_rev, l.value"
			    " FROM cur c JOIN log l ON l.rev=c.rev"
			    " WHERE c.resource=?1 AND (c.ns, c.name)>(?2, ?3)"
			    " ORDER BY c.ns, c.name",
	/* SQLite documents that with a single max() the bare columns come
	 * from the row holding the maximum: each key's newest row <= ?4. */
	[ST_LIST_LOG_NS] = "SELECT ns, name, max(rev), create_rev, value, type"
			   " FROM log WHERE resource=?1 AND ns=?2 AND name>?3"
			   " AND rev<=?4 GROUP BY ns, name ORDER BY ns, name",
	[ST_LIST_LOG_ALL] = "SELECT ns, name, max(rev), create_rev, value, type"
			    " FROM log WHERE resource=?1 AND (ns, name)>(?2, ?3)"
			    " AND rev<=?4 GROUP BY ns, name ORDER BY ns, name",
	[ST_COUNT_NS] = "SELECT count(*) FROM cur WHERE resource=?1 AND ns=?2",
	[ST_COUNT_ALL] = "SELECT count(*) FROM cur WHERE resource=?1",
	[ST_RES_NS] = "SELECT DISTINCT resource FROM cur WHERE ns=?1"
		      " ORDER BY resource",
	[ST_RES_ALL] = "SELECT DISTINCT resource FROM cur ORDER BY resource",
	[ST_NAMESPACES] = "SELECT DISTINCT ns FROM cur WHERE ns!='' ORDER BY ns",
	[ST_REPLAY_ALL] = "SELECT l.rev, l.type, l.resource, l.ns, l.name,"
			  " l.create_rev, l.value, p.value FROM log l"
			  " LEFT JOIN log p ON p.rev=l.prev_rev"
			  " WHERE l.rev>?1 ORDER BY l.rev",
	[ST_REPLAY_RES] = "SELECT l.rev, l.type, l.resource, l.ns, l.name,"
			  " l.create_rev, l.value, p.value FROM log l"
			  " LEFT JOIN log p ON p.rev=l.prev_rev"
			  " WHERE l.rev>?1 AND +l.resource=?2 ORDER BY l.rev",
	/* A row superseded by a change at or below the new compaction point
	 * is no longer any snapshot's state; nor is a deletion there. */
	[ST_COMPACT_PREV] = "DELETE FROM log WHERE rev IN (SELECT prev_rev"
			    " FROM log WHERE rev>?1 AND rev<=?2 AND prev_rev>0)",
	[ST_COMPACT_DEL] = "DELETE FROM log WHERE rev>?1 AND rev<=?2 AND type=3",
};

int cf_store__step(cf_store *s, sqlite3_stmt *st)
{
	/* Test hook: pretend the statement failed without running it, the
	 * way an I/O error would leave it. */
	if (s->fault_at > 0 && --s->fault_at == 0)
		return SQLITE_IOERR;
	return sqlite3_step(st);
}

void cf_store__fault_after(cf_store *s, int n)
{
	s->fault_at = n;
}

int cf_store__sqlerr(cf_store *s, int rc, const char *what)
{
	/* sqlite3_errmsg describes the last real failure; an injected one
	 * never reached SQLite, so fall back to the code's text. */
	const char *msg = s->db && sqlite3_errcode(s->db) == rc ?
	    sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	return cf_error_set(CF_ERR_STORE, "store: %s: %s", what, msg);
}

int cf_store__exec(cf_store *s, int stmt, const char *what)
{
	sqlite3_stmt *st = s->st[stmt];
	int rc = cf_store__step(s, st);

	/* Statements are prepared once and reused: reset so the next use
	 * starts afresh, and clear the bindings because they point at the
	 * caller's strings (SQLITE_STATIC, no copies). */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return cf_store__sqlerr(s, rc, what);
	return 0;
}

static int check_part(const char *what, const char *v, size_t max, int empty_ok)
{
	if (!v)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: missing %s", what);
	/* Keys come from URLs: never walk further than the cap. */
	size_t n = strnlen(v, max + 1);
	if (n > max)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: %s longer than %zu bytes", what, max);
	if (!n && !empty_ok)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: empty %s", what);
	return 0;
}

static int check_resource(const char *resource)
{
	int error = check_part("resource", resource, CF_STORE_MAX_RESOURCE, 0);

	if (!error && !strchr(resource, '/'))
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: resource '%s' is not '<group>/<plural>'", resource);
	return error;
}

int cf_store__check_key(const char *resource, const char *ns,
    const char *name)
{
	int error;

	if ((error = check_resource(resource)) < 0 ||
	    (error = check_part("namespace", ns, CF_STORE_MAX_NAME, 1)) < 0 ||
	    (error = check_part("name", name, CF_STORE_MAX_NAME, 0)) < 0)
		return error;
	return 0;
}

static int meta_get(cf_store *s, const char *k, int64_t *out)
{
	sqlite3_stmt *st = s->st[ST_META_GET];
	int rc;

	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	rc = cf_store__step(s, st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return cf_store__sqlerr(s, rc, "reading store metadata");
	return 0;
}

static int meta_set(cf_store *s, const char *k, int64_t v)
{
	sqlite3_stmt *st = s->st[ST_META_SET];

	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	return cf_store__exec(s, ST_META_SET, "writing store metadata");
}

int cf_store__read_begin(cf_store *s, int *opened)
{
	int error;

	*opened = 0;
	if (!s->opts.readonly || s->in_txn)
		return 0;
	/* Another process writes: read rev and data in one snapshot. */
	if ((error = cf_store__exec(s, ST_BEGIN_READ, "starting a read")) < 0)
		return error;
	*opened = 1;
	if ((error = meta_get(s, "rev", &s->rev)) < 0 ||
	    (error = meta_get(s, "compact", &s->compact_rev)) < 0) {
		cf_store__read_end(s, 1);
		return error;
	}
	return 0;
}

void cf_store__read_end(cf_store *s, int opened)
{
	if (opened)
		(void)cf_store__exec(s, ST_COMMIT, "ending a read");
}

static int64_t real_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fill_defaults(cf_store_opts *o)
{
	if (o->busy_timeout_ms <= 0)
		o->busy_timeout_ms = 5000;
	if (o->cache_kib <= 0)
		o->cache_kib = 1024;
	if (o->cache_kib > (1 << 20))
		o->cache_kib = 1 << 20;
	if (!o->max_value || o->max_value > CF_STORE_MAX_VALUE)
		o->max_value = o->max_value ? CF_STORE_MAX_VALUE : 1536 * 1024;
	if (o->no_keep) {
		o->keep_revs = 0;
		o->keep_ms = 0;
	} else {
		if (o->keep_revs <= 0)
			o->keep_revs = 10000;
		if (o->keep_ms <= 0)
			o->keep_ms = 5 * 60 * 1000;
	}
	if (!o->ring_events)
		o->ring_events = 1024;
	if (o->ring_events > (1u << 20))
		o->ring_events = 1u << 20; /* slots are allocated up front */
	if (!o->ring_bytes)
		o->ring_bytes = 1u << 20;
	if (o->compact_step <= 0)
		o->compact_step = 500;
	if (!o->now_ms)
		o->now_ms = real_now_ms;
}

/* PRAGMA journal_mode answers with the mode it ended in. */
static int set_wal(cf_store *s)
{
	sqlite3_stmt *st = NULL;
	int rc, ok;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return cf_store__sqlerr(s, rc, "enabling WAL");
	rc = sqlite3_step(st);
	ok = rc == SQLITE_ROW &&
	    !strcmp((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	if (!ok)
		return cf_error_set(CF_ERR_STORE,
		    "store: cannot switch the db to WAL mode");
	return 0;
}

static int setup_db(cf_store *s, const char *path)
{
	char pragma[96];
	char *errmsg = NULL;
	int flags, rc, error;
	int64_t version;

	flags = s->opts.readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	/* One handle, one thread: SQLite's own mutexes would only cost. */
	rc = sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return cf_error_set(CF_ERR_STORE, "store: cannot open '%s': %s",
		    path, s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, s->opts.busy_timeout_ms);
	/* A bounded page cache keeps the daemon's RSS flat however big the
	 * db grows; no mmap, whose pages would count against RSS too. */
	snprintf(pragma, sizeof(pragma),
	    "PRAGMA cache_size=-%d; PRAGMA mmap_size=0;", s->opts.cache_kib);
	rc = sqlite3_exec(s->db, pragma, NULL, NULL, &errmsg);
	if (rc == SQLITE_OK && !s->opts.readonly) {
		if ((error = set_wal(s)) < 0)
			return cf_error_wrap("opening '%s'", path);
		/* In WAL mode NORMAL syncs only at checkpoints: a commit is in
		 * the WAL file (the OS's page cache) when COMMIT returns, which
		 * survives a killed process; only power loss can lose it. */
		/* journal_size_limit: a WAL that grew during a long read is
		 * cut back once it is checkpointed, not kept at its peak. */
		rc = sqlite3_exec(s->db, "PRAGMA synchronous=NORMAL;"
		    "PRAGMA journal_size_limit=16777216;", NULL, NULL, &errmsg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(s->db, schema_sql, NULL, NULL, &errmsg);
	}
	if (rc != SQLITE_OK) {
		error = cf_error_set(CF_ERR_STORE,
		    "store: cannot set up '%s': %s", path,
		    errmsg ? errmsg : sqlite3_errstr(rc));
		sqlite3_free(errmsg);
		return error;
	}

	for (int i = 0; i < ST__COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
		if (rc != SQLITE_OK)
			return cf_error_set(CF_ERR_STORE,
			    "store: '%s' is not a store db: %s", path,
			    sqlite3_errmsg(s->db));
	}
	if ((error = meta_get(s, "schema", &version)) < 0)
		return error;
	if (version != SCHEMA_VERSION)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: '%s' has schema version %lld, expected %d", path,
		    (long long)version, SCHEMA_VERSION);
	if ((error = meta_get(s, "rev", &s->rev)) < 0 ||
	    (error = meta_get(s, "compact", &s->compact_rev)) < 0)
		return error;
	return 0;
}

int cf_store_open(cf_store **out, const char *path, const cf_store_opts *opts)
{
	cf_store *s;
	int error;

	*out = NULL;
	if (!path || !*path)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: missing db path");
	s = cf_xcalloc(1, sizeof(*s));
	if (opts)
		s->opts = *opts;
	fill_defaults(&s->opts);

	if ((error = setup_db(s, path)) < 0) {
		cf_store_close(s);
		return error;
	}
	s->committed_rev = s->rev;
	cf_store__ring_init(s);
	/* Everything already stored counts as written now: retention by
	 * time starts from the open, the conservative choice. */
	cf_store__checkpoint_add(s);
	*out = s;
	return 0;
}

void cf_store_close(cf_store *s)
{
	if (!s)
		return;
	if (s->in_txn)
		(void)cf_store_rollback(s);
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(s->st[i]);
	/* Closing the last connection checkpoints and removes the WAL. */
	sqlite3_close(s->db);
	cf_store__drop_pending(s);
	cf_store__ring_release(s);
	free(s->pending);
	free(s->subs);
	free(s->cps);
	free(s);
}

int64_t cf_store_rev(cf_store *s)
{
	return s->rev;
}

int64_t cf_store_next_rev(cf_store *s)
{
	return s->rev + 1;
}

int64_t cf_store_compacted_rev(cf_store *s)
{
	return s->compact_rev;
}

/* --- transactions ------------------------------------------------------ */

static int txn_open(cf_store *s)
{
	int64_t db_rev;
	int error;

	if (s->opts.readonly)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: the handle is read-only");
	if (s->broken)
		return cf_error_set(CF_ERR_STORE,
		    "store: a failed rollback left the handle unusable");
	/* IMMEDIATE takes the write lock now: a deferred transaction that
	 * later upgrades can fail with SQLITE_BUSY halfway through, after
	 * the caller has already built its objects. */
	if ((error = cf_store__exec(s, ST_BEGIN, "starting a transaction")) < 0)
		return error;
	/* Revisions are handed out from memory, so a second writer on the
	 * same file would reuse them. One read under the write lock catches
	 * it before anything is written. */
	if ((error = meta_get(s, "rev", &db_rev)) < 0 || db_rev != s->rev) {
		if (!error)
			error = cf_error_set(CF_ERR_STORE, "store: another writer "
			    "moved the db to revision %lld (this handle is at "
			    "%lld); only one read-write handle may be open",
			    (long long)db_rev, (long long)s->rev);
		if (cf_store__exec(s, ST_ROLLBACK, "rolling back") < 0 &&
		    !sqlite3_get_autocommit(s->db))
			s->broken = 1;
		return error;
	}
	s->in_txn = 1;
	s->doomed = 0;
	s->committed_rev = s->rev;
	return 0;
}

/* Undo the open transaction, in SQLite and in memory. */
static int txn_abort(cf_store *s)
{
	int error = 0;

	/* SQLite rolls back by itself after some errors (disk full). */
	if (!sqlite3_get_autocommit(s->db)) {
		error = cf_store__exec(s, ST_ROLLBACK, "rolling back");
		if (error < 0 && !sqlite3_get_autocommit(s->db))
			s->broken = 1;
	}
	s->in_txn = 0;
	s->explicit_txn = 0;
	s->doomed = 0;
	/* Give the revisions back: committed revisions stay dense, which
	 * the ring's offset arithmetic relies on (watch.c). */
	s->rev = s->committed_rev;
	cf_store__drop_pending(s);
	return error;
}

/* Abort after a failure whose message the caller returns: a failing
 * ROLLBACK must not replace it (the handle's broken flag records that). */
static void txn_abort_quiet(cf_store *s)
{
	cf_error saved = *cf_error_last();

	if (txn_abort(s) < 0)
		cf_error_setc(saved.code, saved.klass, "%s", saved.message);
}

static int txn_close(cf_store *s)
{
	int error;

	if (s->doomed) {
		txn_abort(s);
		return cf_error_set(CF_ERR_STORE,
		    "store: transaction rolled back after a failed write");
	}
	/* The revision counter rides in the same transaction as the rows
	 * it numbers, so a crash can never separate them. */
	if (s->rev != s->committed_rev &&
	    (error = meta_set(s, "rev", s->rev)) < 0)
		goto fail;
	if ((error = cf_store__exec(s, ST_COMMIT, "committing")) < 0)
		goto fail;
	s->in_txn = 0;
	s->explicit_txn = 0;
	if (s->rev != s->committed_rev) {
		s->committed_rev = s->rev;
		cf_store__checkpoint_add(s);
	}
	/* Only now, with the commit durable, may anyone see the events. */
	cf_store__publish(s);
	return 0;
fail:
	txn_abort_quiet(s);
	return error;
}

int cf_store_begin(cf_store *s)
{
	int error;

	if (s->in_txn)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: a transaction is already open");
	if ((error = txn_open(s)) < 0)
		return error;
	s->explicit_txn = 1;
	return 0;
}

int cf_store_commit(cf_store *s)
{
	if (!s->explicit_txn)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: commit without a transaction");
	return txn_close(s);
}

int cf_store_rollback(cf_store *s)
{
	if (!s->in_txn)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: rollback without a transaction");
	return txn_abort(s);
}

/* --- reads ------------------------------------------------------------- */

/* Look a key up in cur; on success (1) the statement stays positioned on
 * the row so the caller can read the value, and must reset it. */
static int cur_lookup(cf_store *s, const char *resource, const char *ns,
    const char *name)
{
	sqlite3_stmt *st = s->st[ST_CUR_GET];
	int rc;

	sqlite3_bind_text(st, 1, resource, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	rc = cf_store__step(s, st);
	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return 0;
	return cf_store__sqlerr(s, rc, "reading an object");
}

static void cur_done(cf_store *s)
{
	sqlite3_reset(s->st[ST_CUR_GET]);
	sqlite3_clear_bindings(s->st[ST_CUR_GET]);
}

int cf_store_get(cf_store *s, cf_buf *out, int64_t *out_rev,
    int64_t *out_create_rev, const char *resource, const char *ns,
    const char *name)
{
	sqlite3_stmt *st = s->st[ST_CUR_GET];
	int error, opened, found;
	size_t len;

	if ((error = cf_store__check_key(resource, ns, name)) < 0)
		return error;
	if ((error = cf_store__read_begin(s, &opened)) < 0)
		return error;
	found = cur_lookup(s, resource, ns, name);
	if (found <= 0) {
		cf_store__read_end(s, opened);
		if (found == 0)
			return cf_error_setc(CF_ENOTFOUND, CF_ERR_STORE,
			    "store: '%s' '%s/%s' not found", resource, ns, name);
		return found;
	}
	/* The value pointer is SQLite's own buffer, valid until the reset
	 * below: one copy, straight into the caller's buffer. The db file is
	 * outside input too, so cap before copying. */
	len = (size_t)sqlite3_column_bytes(st, 2);
	if (len > CF_STORE_MAX_VALUE) {
		error = cf_error_setc(CF_ETOOLARGE, CF_ERR_STORE,
		    "store: stored '%s' '%s/%s' is %zu bytes", resource, ns,
		    name, len);
	} else {
		cf_buf_reset(out);
		error = cf_buf_add(out, sqlite3_column_blob(st, 2), len);
		if (out_rev)
			*out_rev = sqlite3_column_int64(st, 0);
		if (out_create_rev)
			*out_create_rev = sqlite3_column_int64(st, 1);
	}
	cur_done(s);
	cf_store__read_end(s, opened);
	return error;
}

/* --- writes ------------------------------------------------------------ */

enum write_op { OP_CREATE, OP_UPDATE, OP_DELETE };

struct write {
	enum write_op op;
	const char *resource, *ns, *name;
	int64_t expected_rev;
	const void *value;
	size_t len;
};

/* Check the preconditions against the current row and build the event
 * (which copies the previous bytes before the statement is reset). */
static int write_prepare(cf_store *s, const struct write *w,
    cf_store__ev **out, int64_t *prev_rev)
{
	sqlite3_stmt *st = s->st[ST_CUR_GET];
	int64_t cur_rev = 0, create_rev = 0;
	const void *prev = NULL, *value = w->value;
	size_t prev_len = 0, len = w->len;
	int found, type;

	found = cur_lookup(s, w->resource, w->ns, w->name);
	if (found < 0)
		return found;
	if (found) {
		cur_rev = sqlite3_column_int64(st, 0);
		create_rev = sqlite3_column_int64(st, 1);
		prev = sqlite3_column_blob(st, 2);
		prev_len = (size_t)sqlite3_column_bytes(st, 2);
	}
	if (w->op == OP_CREATE && found) {
		cur_done(s);
		return cf_error_setc(CF_EEXISTS, CF_ERR_STORE,
		    "store: '%s' '%s/%s' already exists", w->resource, w->ns,
		    w->name);
	}
	if (w->op != OP_CREATE && !found)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_STORE,
		    "store: '%s' '%s/%s' not found", w->resource, w->ns,
		    w->name);
	if (w->op != OP_CREATE && w->expected_rev &&
	    w->expected_rev != cur_rev) {
		cur_done(s);
		return cf_error_setc(CF_ECONFLICT, CF_ERR_STORE,
		    "store: '%s' '%s/%s' is at revision %lld, not %lld",
		    w->resource, w->ns, w->name, (long long)cur_rev,
		    (long long)w->expected_rev);
	}

	/* A creation starts a new lifecycle: its own revision is the create
	 * revision, even when the key existed and was deleted before. */
	type = w->op == OP_CREATE ? CF_STORE_ADDED :
	    w->op == OP_UPDATE ? CF_STORE_MODIFIED : CF_STORE_DELETED;
	if (w->op == OP_CREATE)
		create_rev = s->rev + 1;
	if (w->op == OP_DELETE && !value) {
		value = prev;
		len = prev_len;
	}
	*prev_rev = cur_rev; /* the row this change supersedes; 0 if none */
	*out = cf_store__ev_new(type, w->resource, w->ns, w->name, s->rev + 1,
	    create_rev, value, len, prev, prev_len);
	cur_done(s);
	return 0;
}

/* Append the log row and move cur; prev_rev links the key's history. */
static int write_apply(cf_store *s, const cf_store__ev *e, int64_t prev_rev)
{
	const cf_store_event *ev = &e->ev;
	sqlite3_stmt *st = s->st[ST_LOG_INSERT];
	int error;

	sqlite3_bind_int64(st, 1, ev->rev);
	sqlite3_bind_int(st, 2, ev->type);
	sqlite3_bind_text(st, 3, ev->resource, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, ev->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ev->create_rev);
	sqlite3_bind_int64(st, 7, prev_rev);
	/* A zero-length blob with a NULL pointer would bind SQL NULL. */
	sqlite3_bind_blob(st, 8, ev->value_len ? ev->value : "",
	    (int)ev->value_len, SQLITE_STATIC);
	if ((error = cf_store__exec(s, ST_LOG_INSERT, "appending to the log")) < 0)
		return error;

	if (ev->type == CF_STORE_DELETED) {
		st = s->st[ST_CUR_DEL];
		sqlite3_bind_text(st, 1, ev->resource, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, ev->ns, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, ev->name, -1, SQLITE_STATIC);
		return cf_store__exec(s, ST_CUR_DEL, "removing an object");
	}
	st = s->st[ST_CUR_PUT];
	sqlite3_bind_text(st, 1, ev->resource, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ev->ns, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ev->rev);
	sqlite3_bind_int64(st, 5, ev->create_rev);
	return cf_store__exec(s, ST_CUR_PUT, "storing an object");
}

static int do_write(cf_store *s, int64_t *out_rev, const struct write *w)
{
	cf_store__ev *e = NULL;
	int implicit = !s->in_txn, error;
	int64_t prev_rev;

	if ((error = cf_store__check_key(w->resource, w->ns, w->name)) < 0)
		return error;
	if ((w->value || w->op != OP_DELETE) && w->len > s->opts.max_value)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_STORE,
		    "store: '%s' '%s/%s' is %zu bytes, over the %zu limit",
		    w->resource, w->ns, w->name, w->len, s->opts.max_value);
	if (!w->value && w->len)
		return cf_error_setc(CF_EINVALID, CF_ERR_STORE,
		    "store: no bytes for '%s' '%s/%s'", w->resource, w->ns,
		    w->name);
	if (s->doomed)
		return cf_error_set(CF_ERR_STORE,
		    "store: the transaction already failed; roll it back");
	/* A lone write is its own transaction: returning 0 then means the
	 * commit happened, which is the durability promise. */
	if (implicit && (error = txn_open(s)) < 0)
		return error;

	if ((error = write_prepare(s, w, &e, &prev_rev)) < 0) {
		/* Nothing was written: an explicit transaction goes on, but a
		 * SQLite failure here still dooms it. */
		if (implicit)
			txn_abort_quiet(s);
		else if (error == CF_ERROR)
			s->doomed = 1;
		return error;
	}
	if ((error = write_apply(s, e, prev_rev)) < 0) {
		free(e);
		if (implicit)
			txn_abort_quiet(s);
		else
			s->doomed = 1;
		return error;
	}
	s->rev = e->ev.rev;
	CF_GROW(s->pending, s->apending, s->npending + 1);
	s->pending[s->npending++] = e;
	if (out_rev)
		*out_rev = s->rev;
	if (implicit)
		return txn_close(s);
	return 0;
}

int cf_store_create(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, const void *value, size_t len)
{
	struct write w = { OP_CREATE, resource, ns, name, 0, value, len };

	return do_write(s, out_rev, &w);
}

int cf_store_update(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, int64_t expected_rev,
    const void *value, size_t len)
{
	struct write w = { OP_UPDATE, resource, ns, name, expected_rev, value,
		len };

	return do_write(s, out_rev, &w);
}

int cf_store_delete(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, int64_t expected_rev,
    const void *value, size_t len)
{
	struct write w = { OP_DELETE, resource, ns, name, expected_rev, value,
		len };

	return do_write(s, out_rev, &w);
}
