/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fault injection: fail the N-th SQLite step, for every N a sequence of
 * operations reaches, and prove the store is left exactly as before the
 * failed transaction (in the db, in memory and for listeners) and keeps
 * working afterwards.
 */
#include "store_test.h"
#include "store/store_int.h"
#include "core/buf.h"
#include "core/error.h"

#define CM "/configmaps"

static int count_events(const cf_store_event *ev, void *payload)
{
	(void)ev;
	(*(int *)payload)++;
	return 0;
}

static int dump_kv(const cf_store_kv *kv, void *payload)
{
	cf_buf_addf(payload, "%s/%s=%.*s@%lld;", kv->ns, kv->name,
	    (int)kv->value_len, (const char *)kv->value, (long long)kv->rev);
	return 0;
}

/* The whole visible state of the store as one string. */
static void dump(cf_store *s, cf_buf *out)
{
	cf_store_list_result res;

	cf_buf_reset(out);
	if (cf_store_list(s, &res, CM, NULL, dump_kv, out) < 0)
		cf_buf_adds(out, "<list failed>");
	cf_buf_addf(out, "rev=%lld", (long long)cf_store_rev(s));
}

static int seed(cf_store *s)
{
	if (st_put(s, CM, "n", "a", "a0") < 0 || st_put(s, CM, "n", "b", "b0") < 0)
		return -1;
	return 0;
}

/* The transaction under test: four writes of every kind. */
static int run_txn(cf_store *s)
{
	int error;

	if ((error = cf_store_begin(s)) < 0)
		return error;
	if ((error = st_put(s, CM, "n", "x", "x1")) < 0 ||
	    (error = cf_store_update(s, NULL, CM, "n", "a", 1, "a1", 2)) < 0 ||
	    (error = cf_store_delete(s, NULL, CM, "n", "b", 0, NULL, 0)) < 0 ||
	    (error = st_put(s, CM, "n", "y", "y1")) < 0) {
		/* What an API server does on failure. Rollback may report
		 * that the store already rolled back for it. */
		if (s->in_txn)
			cf_store_rollback(s);
		return error;
	}
	return cf_store_commit(s);
}

TEST(test_store_fault__failed_transaction_leaves_nothing)
{
	cf_buf before = CF_BUF_INIT, after = CF_BUF_INIT, done = CF_BUF_INIT;
	int failures = 0, n;

	for (n = 1;; n++) {
		const char *p = st_path();
		char path[512];
		cf_store *s;
		int events = 0, error;

		snprintf(path, sizeof(path), "%s", p);
		CHECK_INT(cf_store_open(&s, path, NULL), 0);
		CHECK_INT(seed(s), 0);
		cf_store_subscribe(s, count_events, &events);
		dump(s, &before);

		cf_store__fault_after(s, n);
		error = run_txn(s);
		int fired = s->fault_at == 0;

		cf_store__fault_after(s, 0);
		if (!fired) {
			/* N is past the last step: the fault never fired. */
			CHECK_INT(error, 0);
			CHECK_INT(events, 4);
			dump(s, &done);
			cf_store_close(s);
			break;
		}
		CHECK(error < 0);
		failures++;
		/* Same state, same revision, nothing published. */
		dump(s, &after);
		CHECK_STR(after.buf, before.buf);
		CHECK_INT(cf_store_next_rev(s), 3);
		CHECK_INT(events, 0);
		CHECK_INT(cf_store_verify(s), 0);
		/* And it still works: the same transaction now commits. */
		CHECK_INT(run_txn(s), 0);
		CHECK_INT(events, 4);
		CHECK_INT(cf_store_rev(s), 6);
		CHECK_INT(cf_store_verify(s), 0);
		cf_store_close(s);

		/* What reached the disk is the committed state only. */
		CHECK_INT(cf_store_open(&s, path, NULL), 0);
		CHECK_INT(cf_store_rev(s), 6);
		CHECK_INT(cf_store_verify(s), 0);
		cf_store_close(s);
	}
	/* Every step of begin, four writes and commit was failed once. */
	CHECK(failures >= 12);
	CHECK(strstr(done.buf, "n/a=a1@4;n/x=x1@3;n/y=y1@6;rev=6") != NULL);
	cf_buf_release(&before);
	cf_buf_release(&after);
	cf_buf_release(&done);
}

TEST(test_store_fault__failed_single_write_leaves_nothing)
{
	cf_buf before = CF_BUF_INIT, after = CF_BUF_INIT;
	int n;

	for (n = 1;; n++) {
		cf_store *s;
		int events = 0, error;

		CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
		CHECK_INT(seed(s), 0);
		cf_store_subscribe(s, count_events, &events);
		dump(s, &before);
		cf_store__fault_after(s, n);
		error = cf_store_delete(s, NULL, CM, "n", "a", 0, "final", 5);
		int fired = s->fault_at == 0;

		cf_store__fault_after(s, 0);
		if (!fired) {
			CHECK_INT(error, 0);
			cf_store_close(s);
			break;
		}
		CHECK_INT(error, CF_ERROR);
		CHECK(strstr(cf_error_msg(), "store: ") != NULL);
		dump(s, &after);
		CHECK_STR(after.buf, before.buf);
		CHECK_INT(events, 0);
		CHECK_INT(cf_store_verify(s), 0);
		CHECK_INT(cf_store_delete(s, NULL, CM, "n", "a", 0, "final", 5),
		    0);
		CHECK_INT(events, 1);
		cf_store_close(s);
	}
	CHECK(n >= 6);
	cf_buf_release(&before);
	cf_buf_release(&after);
}

TEST(test_store_fault__doomed_transaction_refuses_more_writes)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(seed(s), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "x", "1"), 0);
	/* The log insert of the next write fails (its lookup is step 1). */
	cf_store__fault_after(s, 2);
	CHECK_INT(st_put(s, CM, "n", "y", "1"), CF_ERROR);
	CHECK_INT(st_put(s, CM, "n", "z", "1"), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "roll it back") != NULL);
	CHECK_INT(cf_store_commit(s), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "rolled back") != NULL);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "x"), CF_ENOTFOUND);
	CHECK_INT(cf_store_rev(s), 2);
	CHECK_INT(cf_store_verify(s), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_fault__reads_fail_cleanly)
{
	cf_store *s;
	cf_store_list_result res;
	cf_buf b = CF_BUF_INIT;
	int64_t n;
	int events = 0;

	CHECK_INT(cf_store_open(&s, st_path(), &(cf_store_opts){ .ring_events = 1 }),
	    0);
	CHECK_INT(seed(s), 0);
	cf_store__fault_after(s, 1);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "a"), CF_ERROR);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "a"), 0);
	CHECK_STR(b.buf, "a0");
	cf_store__fault_after(s, 1);
	CHECK_INT(cf_store_list(s, &res, CM, NULL, dump_kv, &b), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "listing") != NULL);
	cf_store__fault_after(s, 1);
	CHECK_INT(cf_store_count(s, &n, CM, NULL), CF_ERROR);
	CHECK_INT(cf_store_count(s, &n, CM, NULL), 0);
	CHECK_INT(n, 2);
	/* Replay from 0 misses the one-event ring: it reads the log. */
	cf_store__fault_after(s, 1);
	CHECK_INT(cf_store_replay(s, 0, NULL, count_events, &events), CF_ERROR);
	CHECK_INT(cf_store_replay(s, 0, NULL, count_events, &events), 0);
	CHECK_INT(events, 2);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_fault__failed_compaction_step_changes_nothing)
{
	cf_store *s;
	cf_store_opts o = { .no_keep = 1 };
	cf_buf before = CF_BUF_INIT, after = CF_BUF_INIT;
	int n, more;

	for (n = 1; n < 10; n++) {
		CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
		CHECK_INT(seed(s), 0);
		CHECK_INT(cf_store_update(s, NULL, CM, "n", "a", 0, "a1", 2), 0);
		CHECK_INT(cf_store_delete(s, NULL, CM, "n", "b", 0, NULL, 0), 0);
		dump(s, &before);
		cf_store__fault_after(s, n);
		int error = cf_store_compact(s, &more);
		int fired = s->fault_at == 0;

		cf_store__fault_after(s, 0);
		if (!fired) {
			CHECK_INT(error, 0);
			CHECK_INT(cf_store_compacted_rev(s), 4);
			cf_store_close(s);
			break;
		}
		CHECK_INT(error, CF_ERROR);
		CHECK(strstr(cf_error_msg(), "compacting to revision 4") != NULL);
		CHECK_INT(cf_store_compacted_rev(s), 0);
		dump(s, &after);
		CHECK_STR(after.buf, before.buf);
		CHECK_INT(cf_store_verify(s), 0);
		CHECK_INT(cf_store_compact(s, &more), 0);
		CHECK_INT(cf_store_compacted_rev(s), 4);
		CHECK_INT(cf_store_verify(s), 0);
		cf_store_close(s);
	}
	CHECK(n >= 5);
	cf_buf_release(&before);
	cf_buf_release(&after);
}

TEST(test_store_fault__failed_rollback_retires_the_handle)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(seed(s), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "x", "1"), 0);
	cf_store__fault_after(s, 1);            /* the next lookup fails */
	CHECK_INT(st_put(s, CM, "n", "y", "1"), CF_ERROR);
	cf_store__fault_after(s, 1);            /* and so does ROLLBACK */
	CHECK_INT(cf_store_commit(s), CF_ERROR);
	/* No guessing about what the connection holds: no more writes. */
	CHECK_INT(st_put(s, CM, "n", "z", "1"), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "unusable") != NULL);
	CHECK_INT(cf_store_rev(s), 2);
	cf_store_close(s);
	/* Closing rolled the open transaction back: x never happened. */
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "x"), CF_ENOTFOUND);
	CHECK_INT(cf_store_rev(s), 2);
	CHECK_INT(cf_store_verify(s), 0);
	CHECK_INT(st_put(s, CM, "n", "z", "1"), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST_MAIN(T(test_store_fault__failed_transaction_leaves_nothing),
    T(test_store_fault__failed_single_write_leaves_nothing),
    T(test_store_fault__doomed_transaction_refuses_more_writes),
    T(test_store_fault__reads_fail_cleanly),
    T(test_store_fault__failed_compaction_step_changes_nothing),
    T(test_store_fault__failed_rollback_retires_the_handle))
