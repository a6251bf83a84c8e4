/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The store: a SQLite revision log behind the embedded API server (kine's
 * idea, etcd's contract). Objects are opaque bytes addressed by (resource,
 * namespace, name), resource being "<group>/<plural>" ("/configmaps",
 * "apps/deployments"), namespace "" for cluster-scoped objects. Every write
 * gets the next value of one global int64 revision (the resourceVersion).
 * The store does not parse, validate or stamp objects: the API server does.
 *
 * Threading: a cf_store handle belongs to one thread. The API server's
 * writer thread owns the read-write handle and does its reads through it.
 * Other threads (or processes) may open their own handle with
 * opts.readonly; WAL lets them read while the writer writes, but they see
 * no events (listeners and the ring live in the writer's handle).
 * Design notes: docs/internals/STORE.md.
 */
#ifndef CF_STORE_STORE_H
#define CF_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cf_buf;
typedef struct cf_store cf_store;

/* Caps on what the store accepts (CF_EINVALID / CF_ETOOLARGE past them). */
#define CF_STORE_MAX_RESOURCE 320
#define CF_STORE_MAX_NAME 253           /* namespace and name each */
#define CF_STORE_MAX_VALUE (3u << 20)   /* hard ceiling for opts.max_value */
#define CF_STORE_TOKEN_MAX 1024         /* a continue token, NUL included */

typedef struct cf_store_opts {
	int readonly;             /* open an existing db for reading only */
	int busy_timeout_ms;      /* <= 0: 5000 */
	int cache_kib;            /* SQLite page cache per handle; <= 0: 1024 */
	size_t max_value;         /* 0 = 1.5 MiB (etcd's request limit) */
	int64_t keep_revs;        /* history kept by compaction; <= 0: 10000 */
	int64_t keep_ms;          /* ... and at least this long; <= 0: 300000 */
	int no_keep;              /* 1: keep_revs/keep_ms mean 0 (tests) */
	size_t ring_events;       /* in-memory recent events; 0 = 1024 */
	size_t ring_bytes;        /* their bytes; 0 = 1 MiB */
	int compact_step;         /* revisions per compaction step; 0 = 500 */
	int64_t (*now_ms)(void);  /* clock for retention; NULL = real time */
} cf_store_opts;

enum cf_store_event_type {
	CF_STORE_ADDED = 1,
	CF_STORE_MODIFIED = 2,
	CF_STORE_DELETED = 3,
};

/* One change. Every pointer is borrowed for the duration of the callback.
 * value: the new bytes (DELETED: the final bytes). prev_value: the bytes
 * before the change (NULL for ADDED). */
typedef struct cf_store_event {
	enum cf_store_event_type type;
	const char *resource, *ns, *name;
	int64_t rev, create_rev;
	const void *value;
	size_t value_len;
	const void *prev_value;
	size_t prev_len;
} cf_store_event;

/* A callback returning non-zero stops the walk; that value is returned. */
typedef int (*cf_store_event_fn)(const cf_store_event *ev, void *payload);

/* One listed object; pointers borrowed for the duration of the callback. */
typedef struct cf_store_kv {
	const char *ns, *name;
	int64_t rev, create_rev;
	const void *value;
	size_t value_len;
} cf_store_kv;

typedef int (*cf_store_kv_fn)(const cf_store_kv *kv, void *payload);
typedef int (*cf_store_str_fn)(const char *s, void *payload);

typedef struct cf_store_list_opts {
	const char *ns;        /* NULL = every namespace */
	size_t limit;          /* page size; 0 = everything */
	const char *cont;      /* continue token from the previous page */
	int64_t rev;           /* first page at this older revision (Exact);
				* 0 = current. Ignored with cont. */
} cf_store_list_opts;

typedef struct cf_store_list_result {
	int64_t rev;                        /* the snapshot (list's RV) */
	size_t count;                       /* items handed to the callback */
	char cont[CF_STORE_TOKEN_MAX];      /* "" when this was the last page */
} cf_store_list_result;

/* --- lifecycle --------------------------------------------------------- */

/* Open (creating if needed, unless readonly) the db at path: schema, WAL,
 * synchronous=NORMAL, busy timeout, bounded page cache. opts may be NULL.
 * *out is yours: cf_store_close() it. */
int cf_store_open(cf_store **out, const char *path, const cf_store_opts *opts);
/* Close; rolls back an open transaction. NULL is fine. */
void cf_store_close(cf_store *s);

/* --- queries ----------------------------------------------------------- */

/* The revision of the last committed (or, inside a transaction, last
 * written) change; 0 for an empty store. */
int64_t cf_store_rev(cf_store *s);
/* The revision the next write will get. Valid until that write happens:
 * build the object's bytes (metadata.resourceVersion) from it. */
int64_t cf_store_next_rev(cf_store *s);
/* Revisions <= this may have been compacted away. */
int64_t cf_store_compacted_rev(cf_store *s);

/* Current bytes of one object into *out (replacing its contents), with its
 * mod and create revisions (either pointer may be NULL). CF_ENOTFOUND if
 * absent. */
int cf_store_get(cf_store *s, struct cf_buf *out, int64_t *out_rev,
    int64_t *out_create_rev, const char *resource, const char *ns,
    const char *name);

/* List one resource in (namespace, name) order, calling fn for each
 * object with its raw bytes (no allocation per row). A first page reads
 * the current state (or opts.rev's); a continue token reads at the first
 * page's snapshot. CF_EGONE if that snapshot has been compacted,
 * CF_EINVALID for a token that is not ours or a revision in the future.
 * A non-zero return from fn stops and is returned. fn may read the store
 * but must not write to it. Never hand out a token made inside an open
 * transaction: its snapshot may be rolled back. */
int cf_store_list(cf_store *s, cf_store_list_result *out,
    const char *resource, const cf_store_list_opts *opts,
    cf_store_kv_fn fn, void *payload);

/* Number of objects of resource (in ns, unless ns is NULL). */
int cf_store_count(cf_store *s, int64_t *out, const char *resource,
    const char *ns);
/* Each distinct resource with objects in ns (every namespace if NULL). */
int cf_store_resources(cf_store *s, const char *ns, cf_store_str_fn fn,
    void *payload);
/* Each distinct non-empty namespace holding objects. */
int cf_store_namespaces(cf_store *s, cf_store_str_fn fn, void *payload);

/* --- writes -------------------------------------------------------------
 * Each takes revision cf_store_next_rev() and stores it in *out_rev (may be
 * NULL). Outside a transaction each write commits on its own: returning 0
 * means it is durable. value must be at most opts.max_value bytes
 * (CF_ETOOLARGE). Key parts over the caps are CF_EINVALID. */

/* CF_EEXISTS if the key is present. */
int cf_store_create(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, const void *value, size_t len);
/* expected_rev 0 = unconditional. CF_ENOTFOUND if absent, CF_ECONFLICT if
 * the current revision is not expected_rev. */
int cf_store_update(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, int64_t expected_rev,
    const void *value, size_t len);
/* Remove and record a DELETED event carrying value (the object's final
 * bytes, stamped with the deletion's revision) or, if value is NULL, the
 * stored bytes. Same preconditions as cf_store_update. */
int cf_store_delete(cf_store *s, int64_t *out_rev, const char *resource,
    const char *ns, const char *name, int64_t expected_rev,
    const void *value, size_t len);

/* Group writes atomically. Events reach listeners only after commit. A
 * write that fails with a precondition error (EEXISTS, ECONFLICT,
 * ENOTFOUND) changes nothing and the transaction goes on; any other
 * failure dooms it: commit then rolls back and fails. CF_EINVALID for
 * nested begin or commit/rollback without begin. */
int cf_store_begin(cf_store *s);
int cf_store_commit(cf_store *s);
int cf_store_rollback(cf_store *s);

/* --- watch ------------------------------------------------------------- */

/* Call fn for every event with revision > after, in revision order, only
 * for resource unless it is NULL. CF_EGONE "too old resource version: R
 * (C)" when after is older than the compaction point C. Served from the
 * in-memory ring when it reaches back far enough. */
int cf_store_replay(cf_store *s, int64_t after, const char *resource,
    cf_store_event_fn fn, void *payload);

/* Register fn to get each event after each successful commit (on the
 * writer's thread, in order). Its return value is ignored, and it must not
 * call the store (copy or queue what it needs). Returns an id > 0 for
 * cf_store_unsubscribe. */
int cf_store_subscribe(cf_store *s, cf_store_event_fn fn, void *payload);
void cf_store_unsubscribe(cf_store *s, int id);

/* --- maintenance ------------------------------------------------------- */

/* One small compaction step toward the retention target: drops history
 * no longer needed (superseded states and deletions older than the
 * target) for at most opts.compact_step revisions. *more (may be NULL) is
 * set to 1 while more steps would compact further. Call it periodically;
 * each step is one short transaction. */
int cf_store_compact(cf_store *s, int *more);

/* Check the invariants: PRAGMA integrity_check, log revisions increasing
 * and not beyond the recorded revision, each current object equal to its
 * key's last logged state. CF_ERROR with what is wrong. */
int cf_store_verify(cf_store *s);

/* Size of the db in bytes (pages * page size; WAL not included). */
int cf_store_db_size(cf_store *s, int64_t *out);

#endif
