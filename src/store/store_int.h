/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the store's files: the handle, its prepared
 * statements, the event ring and the test-only fault hook. Nothing outside
 * src/store and its tests includes this; only these files see <sqlite3.h>.
 */
#ifndef CF_STORE_STORE_INT_H
#define CF_STORE_STORE_INT_H

#include "store/store.h"

#include <sqlite3.h>

/* Prepared once at open; indexes into cf_store.st[]. */
enum cf_store__stmt {
	ST_BEGIN,          /* BEGIN IMMEDIATE: the writer's transactions */
	ST_BEGIN_READ,     /* BEGIN (deferred): a read-only handle's snapshot */
	ST_COMMIT,
	ST_ROLLBACK,
	ST_META_GET,
	ST_META_SET,
	ST_CUR_GET,
	ST_LOG_INSERT,
	ST_CUR_PUT,
	ST_CUR_DEL,
	ST_LIST_CUR_NS,    /* current state, one namespace */
	ST_LIST_CUR_ALL,   /* current state, every namespace */
	ST_LIST_LOG_NS,    /* state at an older revision, one namespace */
	ST_LIST_LOG_ALL,
	ST_COUNT_NS,
	ST_COUNT_ALL,
	ST_RES_NS,
	ST_RES_ALL,
	ST_NAMESPACES,
	ST_REPLAY_ALL,
	ST_REPLAY_RES,
	ST_COMPACT_PREV,
	ST_COMPACT_DEL,
	ST__COUNT
};

/* An event owned by the store (pending in a transaction, or in the ring):
 * one allocation holding the struct, the key strings and both values. */
typedef struct cf_store__ev {
	cf_store_event ev;
	size_t size; /* bytes accounted against opts.ring_bytes */
} cf_store__ev;

typedef struct cf_store__sub {
	int id;
	cf_store_event_fn fn;
	void *payload;
} cf_store__sub;

/* "At time ts the newest revision was rev": how retention maps minutes
 * to revisions without a timestamp column in the log. One checkpoint per
 * granule of time, which began at start; ts and rev follow its last commit. */
typedef struct cf_store__checkpoint {
	int64_t start, ts, rev;
} cf_store__checkpoint;

struct cf_store {
	sqlite3 *db;
	cf_store_opts opts;           /* defaults filled in */
	sqlite3_stmt *st[ST__COUNT];

	int64_t rev;                  /* last revision handed out */
	int64_t committed_rev;        /* rev when the open transaction began */
	int64_t compact_rev;          /* history <= this may be gone */

	int in_txn;                   /* a SQLite write transaction is open */
	int explicit_txn;             /* ... opened by cf_store_begin */
	int doomed;                   /* a write failed: only rollback remains */
	int broken;                   /* rollback failed: refuse writes */

	cf_store__ev **pending;       /* events of the open transaction */
	size_t npending, apending;

	cf_store__ev **ring;          /* circular, ring_cap slots */
	size_t ring_cap, ring_head, ring_len, ring_size;
	int64_t ring_base;            /* every event > ring_base is in the ring */

	cf_store__sub *subs;
	size_t nsubs, asubs;
	int next_sub_id;

	cf_store__checkpoint *cps;
	size_t ncps, acps;
	int64_t last_commit_ms;       /* when s->rev was committed */

	int fault_at;                 /* test hook: fail the fault_at-th step */
};

/* sqlite3_step through the fault hook. Every statement the store runs goes
 * through here so tests can fail any one of them. */
int cf_store__step(cf_store *s, sqlite3_stmt *st);
/* Set the error message from a SQLite return code; returns CF_ERROR. */
int cf_store__sqlerr(cf_store *s, int rc, const char *what);
/* Run a statement that returns no rows, then reset it. 0 or CF_ERROR. */
int cf_store__exec(cf_store *s, int stmt, const char *what);
/* Validate a key; CF_EINVALID naming the part that is wrong. */
int cf_store__check_key(const char *resource, const char *ns,
    const char *name);
/* A read-only handle opens a read transaction and refreshes rev and
 * compact_rev from the db; the writer's handle needs neither. */
int cf_store__read_begin(cf_store *s, int *opened);
void cf_store__read_end(cf_store *s, int opened);

/* Events: watch.c. */
cf_store__ev *cf_store__ev_new(int type, const char *resource,
    const char *ns, const char *name, int64_t rev, int64_t create_rev,
    const void *value, size_t len, const void *prev, size_t prev_len);
void cf_store__ring_init(cf_store *s);
/* After a commit: hand each pending event to listeners, then the ring. */
void cf_store__publish(cf_store *s);
void cf_store__drop_pending(cf_store *s);
void cf_store__ring_release(cf_store *s);

/* Retention checkpoints: compact.c. */
void cf_store__checkpoint_add(cf_store *s);

/* Test-only: make the n-th sqlite3_step from now fail with SQLITE_IOERR
 * (1 = the very next one; 0 = off). */
void cf_store__fault_after(cf_store *s, int n);

#endif
