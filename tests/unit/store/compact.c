/* SPDX-License-Identifier: Apache-2.0 */
/* Compaction: retention by revisions and by time, small steps, what is
 * removed and what must survive. The tests look into the log table
 * through the store's internals to prove rows really go. */
#include "store_test.h"
#include "store/store_int.h"
#include "core/buf.h"
#include "core/error.h"

#include <time.h>

#define CM "/configmaps"

static int64_t log_rows(cf_store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM log", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int compact_all(cf_store *s, int *steps)
{
	int more = 1, error;

	*steps = 0;
	while (more) {
		if ((error = cf_store_compact(s, &more)) < 0)
			return error;
		(*steps)++;
	}
	return 0;
}

static int collect(const cf_store_event *ev, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%d@%lld:%.*s<%.*s;", ev->type, (long long)ev->rev,
	    (int)ev->value_len, (const char *)ev->value, (int)ev->prev_len,
	    ev->prev_value ? (const char *)ev->prev_value : "");
	return 0;
}

static int collect_kv(const cf_store_kv *kv, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%s=%.*s;", kv->name, (int)kv->value_len,
	    (const char *)kv->value);
	return 0;
}

TEST(test_store_compact__keeps_the_last_revisions)
{
	cf_store *s;
	cf_store_opts o = { .keep_revs = 5, .keep_ms = 1 };
	cf_buf b = CF_BUF_INIT;
	char v[16];
	int steps;

	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "0"), 0);
	for (int i = 1; i < 20; i++) {
		snprintf(v, sizeof(v), "%d", i);
		CHECK_INT(cf_store_update(s, NULL, CM, "n", "a", 0, v,
		    strlen(v)), 0);
	}
	/* keep_ms = 1: everything written is at least a millisecond old
	 * once the clock moves; revision retention decides. */
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	CHECK_INT(log_rows(s), 20);
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 15);
	/* Rows 1..14 are superseded at or below 15; 15 is the state there. */
	CHECK_INT(log_rows(s), 6);
	CHECK_INT(cf_store_replay(s, 14, NULL, collect, &b), CF_EGONE);
	CHECK_INT(cf_store_replay(s, 15, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "2@16:15<14;2@17:16<15;2@18:17<16;2@19:18<17;"
	    "2@20:19<18;");
	CHECK_INT(cf_store_verify(s), 0);
	/* Nothing more to do. */
	int more = 1;
	CHECK_INT(cf_store_compact(s, &more), 0);
	CHECK_INT(more, 0);
	CHECK_INT(cf_store_compacted_rev(s), 15);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_compact__steps_are_small)
{
	cf_store *s;
	cf_store_opts o = { .no_keep = 1, .compact_step = 7 };
	char name[16];
	int steps, more;

	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		CHECK_INT(st_put(s, CM, "n", name, "v"), 0);
		CHECK_INT(cf_store_delete(s, NULL, CM, "n", name, 0, NULL, 0), 0);
	}
	CHECK_INT(cf_store_compact(s, &more), 0);
	CHECK_INT(more, 1);
	CHECK_INT(cf_store_compacted_rev(s), 7);
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(steps, 14); /* (100 - 7) / 7 rounded up */
	CHECK_INT(cf_store_compacted_rev(s), 100);
	/* Every key was deleted: nothing is left of the history. */
	CHECK_INT(log_rows(s), 0);
	CHECK_INT(cf_store_verify(s), 0);
	cf_store_close(s);
}

TEST(test_store_compact__revision_survives_compacting_everything)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_store_opts o = { .no_keep = 1 };
	int64_t rev;
	int steps;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, &o), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "v"), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "n", "a", 0, NULL, 0), 0);
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(log_rows(s), 0);
	cf_store_close(s);

	/* The log is empty, yet revision 2 was used: never hand it out
	 * again, or a watcher at 2 would miss the next change. */
	CHECK_INT(cf_store_open(&s, path, &o), 0);
	CHECK_INT(cf_store_rev(s), 2);
	CHECK_INT(cf_store_compacted_rev(s), 2);
	CHECK_INT(cf_store_create(s, &rev, CM, "n", "a", "v", 1), 0);
	CHECK_INT(rev, 3);
	CHECK_INT(cf_store_verify(s), 0);
	cf_store_close(s);
}

TEST(test_store_compact__snapshots_above_the_point_stay_exact)
{
	cf_store *s;
	cf_store_opts o = { .keep_revs = 3, .keep_ms = 1 };
	cf_store_list_result res;
	cf_store_list_opts lo = { .limit = 1 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX];
	int steps;

	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "a1"), 0);                 /* 1 */
	CHECK_INT(st_put(s, CM, "n", "b", "b1"), 0);                 /* 2 */
	CHECK_INT(st_put(s, CM, "n", "c", "c1"), 0);                 /* 3 */
	CHECK_INT(cf_store_list(s, &res, CM, &lo, collect_kv, &b), 0);
	snprintf(tok, sizeof(tok), "%s", res.cont);                  /* @3 */
	CHECK_INT(cf_store_update(s, NULL, CM, "n", "b", 0, "b2", 2), 0); /* 4 */
	CHECK_INT(cf_store_delete(s, NULL, CM, "n", "c", 0, NULL, 0), 0); /* 5 */
	CHECK_INT(cf_store_update(s, NULL, CM, "n", "a", 0, "a2", 2), 0); /* 6 */
	struct timespec ts = { 0, 2000000 };
	nanosleep(&ts, NULL);
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 3);
	/* The page token at 3 still reads revision 3's state. */
	cf_buf_reset(&b);
	lo.cont = tok;
	lo.limit = 0;
	CHECK_INT(cf_store_list(s, &res, CM, &lo, collect_kv, &b), 0);
	CHECK_STR(b.buf, "b=b1;c=c1;");
	CHECK_INT(cf_store_verify(s), 0);

	cf_buf_release(&b);
	cf_store_close(s);
}

static int64_t fake_now;
static int64_t fake_clock(void)
{
	return fake_now;
}

TEST(test_store_compact__keeps_recent_minutes)
{
	cf_store *s;
	cf_store_opts o = { .keep_revs = 1, .keep_ms = 60000,
		.now_ms = fake_clock };
	char name[16];
	int steps;

	fake_now = 1000000;
	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		CHECK_INT(st_put(s, CM, "n", name, "v"), 0);
	}
	fake_now += 30000;
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "b%d", i);
		CHECK_INT(st_put(s, CM, "n", name, "v"), 0);
	}
	/* Nothing is a minute old yet. */
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 0);
	/* 61 s after the first batch: only it may go. */
	fake_now += 31000;
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 10);
	/* A minute after the last write: all but keep_revs may go. */
	fake_now += 30000;
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 19);
	CHECK_INT(cf_store_verify(s), 0);
	cf_store_close(s);
}

TEST(test_store_compact__refused_in_transaction_and_read_only)
{
	const char *p = st_path();
	char path[512];
	cf_store *s, *r;
	cf_store_opts ro = { .readonly = 1 };

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(cf_store_compact(s, NULL), CF_EINVALID);
	CHECK_INT(cf_store_rollback(s), 0);
	CHECK_INT(cf_store_open(&r, path, &ro), 0);
	CHECK_INT(cf_store_compact(r, NULL), CF_EINVALID);
	cf_store_close(r);
	cf_store_close(s);
}

TEST(test_store_compact__verify_catches_broken_invariants)
{
	cf_store *s;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "1"), 0);
	CHECK_INT(st_put(s, CM, "n", "b", "1"), 0);
	CHECK_INT(cf_store_verify(s), 0);
	/* cur pointing at a row of another key. */
	CHECK_INT(sqlite3_exec(s->db, "UPDATE cur SET rev=1 WHERE name='b'",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(cf_store_verify(s), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "current objects") != NULL);
	CHECK_INT(sqlite3_exec(s->db, "UPDATE cur SET rev=2 WHERE name='b'",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(cf_store_verify(s), 0);
	/* A live key missing from cur. */
	CHECK_INT(sqlite3_exec(s->db, "DELETE FROM cur WHERE name='a'",
	    NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(cf_store_verify(s), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "last logged state") != NULL);
	cf_store_close(s);
}

TEST(test_store_compact__checkpoints_stay_bounded)
{
	cf_store *s;
	cf_store_opts o = { .keep_revs = 1, .keep_ms = 60000,
		.now_ms = fake_clock, .compact_step = 100000 };
	int steps;

	fake_now = 1000000;
	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	/* One write a second for 50 minutes, never compacted meanwhile. */
	for (int i = 1; i <= 3000; i++) {
		fake_now = 1000000 + (int64_t)i * 1000;
		CHECK_INT(cf_store_create(s, NULL, CM, "n", "o", "v", 1), 0);
		CHECK_INT(cf_store_delete(s, NULL, CM, "n", "o", 0, NULL, 0), 0);
	}
	CHECK(s->ncps <= 1024);
	/* Recent history is still mapped to the second: everything up to
	 * the writes of one minute ago may go, nothing after. */
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 2 * 2940);
	CHECK_INT(cf_store_verify(s), 0);
	cf_store_close(s);
}

TEST(test_store_compact__defaults_keep_recent_history)
{
	cf_store *s;
	int steps;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "v"), 0);
	for (int i = 0; i < 49; i++)
		CHECK_INT(cf_store_update(s, NULL, CM, "n", "a", 0, "v", 1), 0);
	CHECK_INT(compact_all(s, &steps), 0);
	CHECK_INT(cf_store_compacted_rev(s), 0);
	CHECK_INT(steps, 1);
	cf_store_close(s);
}

TEST_MAIN(T(test_store_compact__keeps_the_last_revisions),
    T(test_store_compact__steps_are_small),
    T(test_store_compact__revision_survives_compacting_everything),
    T(test_store_compact__snapshots_above_the_point_stay_exact),
    T(test_store_compact__keeps_recent_minutes),
    T(test_store_compact__refused_in_transaction_and_read_only),
    T(test_store_compact__verify_catches_broken_invariants),
    T(test_store_compact__checkpoints_stay_bounded),
    T(test_store_compact__defaults_keep_recent_history))
