/* SPDX-License-Identifier: Apache-2.0 */
/* Events: listeners after commit, replay from the ring and from the log. */
#include "store_test.h"
#include "core/buf.h"
#include "core/error.h"

#define CM "/configmaps"

static const char *type_name(int t)
{
	return t == CF_STORE_ADDED ? "A" : t == CF_STORE_MODIFIED ? "M" :
	    t == CF_STORE_DELETED ? "D" : "?";
}

/* "T rev ns/name value<prev" per event. */
static int collect(const cf_store_event *ev, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%s%lld %s/%s %.*s", type_name(ev->type),
	    (long long)ev->rev, ev->ns, ev->name, (int)ev->value_len,
	    (const char *)ev->value);
	if (ev->prev_value)
		cf_buf_addf(b, "<%.*s", (int)ev->prev_len,
		    (const char *)ev->prev_value);
	cf_buf_adds(b, ";");
	return 0;
}

static int stop_first(const cf_store_event *ev, void *payload)
{
	(void)ev;
	(*(int *)payload)++;
	return 3;
}

/* The history every replay test checks against. */
static const char history[] =
	"A1 n/a 1;A2 n/b 2;M3 n/a 1b<1;D4 n/b fin<2;A5 /x c;D6 n/a 1b<1b;";

static void write_history(cf_store *s)
{
	st_put(s, CM, "n", "a", "1");
	st_put(s, CM, "n", "b", "2");
	cf_store_update(s, NULL, CM, "n", "a", 0, "1b", 2);
	cf_store_delete(s, NULL, CM, "n", "b", 0, "fin", 3);
	st_put(s, "/namespaces", "", "x", "c");
	cf_store_delete(s, NULL, CM, "n", "a", 0, NULL, 0);
}

TEST(test_store_watch__listeners_get_committed_events)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT, b2 = CF_BUF_INIT;
	int id;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	id = cf_store_subscribe(s, collect, &b);
	CHECK(id > 0);
	write_history(s);
	CHECK_STR(b.buf, history);

	/* Inside a transaction nothing is published until commit. */
	CHECK(cf_store_subscribe(s, collect, &b2) > id);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "t1", "x"), 0);
	CHECK_INT(st_put(s, CM, "n", "t2", "y"), 0);
	CHECK_STR(b.buf, "");
	CHECK_INT(cf_store_commit(s), 0);
	CHECK_STR(b.buf, "A7 n/t1 x;A8 n/t2 y;");
	CHECK_STR(b2.buf, b.buf);

	/* A rolled-back transaction publishes nothing. */
	cf_buf_reset(&b);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "t3", "z"), 0);
	CHECK_INT(cf_store_rollback(s), 0);
	/* Nor does a failed write. */
	CHECK_INT(st_put(s, CM, "n", "t1", "dup"), CF_EEXISTS);
	CHECK_STR(b.buf, "");

	cf_store_unsubscribe(s, id);
	cf_store_unsubscribe(s, 9999);
	CHECK_INT(st_put(s, CM, "n", "t4", "w"), 0);
	CHECK_STR(b.buf, "");
	CHECK(strstr(b2.buf, "A9 n/t4 w;") != NULL);
	cf_buf_release(&b);
	cf_buf_release(&b2);
	cf_store_close(s);
}

TEST(test_store_watch__replay_from_ring_and_log_agree)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	write_history(s);
	/* Fresh writes are in the ring. */
	CHECK_INT(cf_store_replay(s, 0, NULL, collect, &b), 0);
	CHECK_STR(b.buf, history);
	cf_store_close(s);

	/* After a reopen the ring is empty: the same answer from SQLite. */
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 0, NULL, collect, &b), 0);
	CHECK_STR(b.buf, history);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 3, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "D4 n/b fin<2;A5 /x c;D6 n/a 1b<1b;");
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 0, "/namespaces", collect, &b), 0);
	CHECK_STR(b.buf, "A5 /x c;");
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 6, NULL, collect, &b), 0);
	CHECK_INT(cf_store_replay(s, 100, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "");
	/* New writes after the reopen come from the ring. */
	CHECK_INT(st_put(s, CM, "n", "c", "7"), 0);
	CHECK_INT(cf_store_replay(s, 6, CM, collect, &b), 0);
	CHECK_STR(b.buf, "A7 n/c 7;");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_watch__small_ring_falls_back_to_log)
{
	cf_store *s;
	cf_store_opts o = { .ring_events = 3 };
	cf_buf b = CF_BUF_INIT, want = CF_BUF_INIT;
	char name[16];

	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	for (int i = 1; i <= 10; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		CHECK_INT(st_put(s, CM, "n", name, "v"), 0);
		if (i > 4)
			cf_buf_addf(&want, "A%d n/%s v;", i, name);
	}
	/* Ring holds 8..10; asking from 4 needs the log. */
	CHECK_INT(cf_store_replay(s, 4, NULL, collect, &b), 0);
	CHECK_STR(b.buf, want.buf);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 8, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "A9 n/o9 v;A10 n/o10 v;");
	cf_buf_release(&b);
	cf_buf_release(&want);
	cf_store_close(s);
}

TEST(test_store_watch__ring_byte_budget)
{
	cf_store *s;
	cf_store_opts o = { .ring_bytes = 600 };
	cf_buf b = CF_BUF_INIT;
	char big[400];

	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	CHECK_INT(st_put(s, CM, "n", "a", big), 0);
	CHECK_INT(st_put(s, CM, "n", "b", big), 0);
	/* An update carries two copies: bigger than the whole budget. */
	CHECK_INT(cf_store_update(s, NULL, CM, "n", "a", 0, big, strlen(big)),
	    0);
	CHECK_INT(cf_store_replay(s, 1, NULL, collect, &b), 0);
	CHECK(strncmp(b.buf, "A2 n/b ", 7) == 0);
	CHECK(strstr(b.buf, ";M3 n/a ") != NULL);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_watch__replay_stops_and_gone)
{
	cf_store *s;
	cf_store_opts o = { .no_keep = 1 };
	cf_buf b = CF_BUF_INIT;
	int n = 0;

	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	write_history(s);
	CHECK_INT(cf_store_replay(s, 0, NULL, stop_first, &n), 3);
	CHECK_INT(n, 1);
	CHECK_INT(cf_store_replay(s, 0, "bad", collect, &b), CF_EINVALID);
	CHECK_INT(cf_store_replay(s, -1, NULL, collect, &b), CF_EINVALID);

	CHECK_INT(cf_store_compact(s, NULL), 0);
	CHECK_INT(cf_store_compacted_rev(s), 6);
	CHECK_INT(cf_store_replay(s, 5, NULL, collect, &b), CF_EGONE);
	CHECK_STR(cf_error_msg(), "too old resource version: 5 (6)");
	CHECK_INT(cf_store_replay(s, 6, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_watch__replay_inside_transaction_sees_pending)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "1"), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "b", "2"), 0);
	CHECK_INT(cf_store_replay(s, 0, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "A1 n/a 1;A2 n/b 2;");
	CHECK_INT(cf_store_rollback(s), 0);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_replay(s, 0, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "A1 n/a 1;");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST_MAIN(T(test_store_watch__listeners_get_committed_events),
    T(test_store_watch__replay_from_ring_and_log_agree),
    T(test_store_watch__small_ring_falls_back_to_log),
    T(test_store_watch__ring_byte_budget),
    T(test_store_watch__replay_stops_and_gone),
    T(test_store_watch__replay_inside_transaction_sees_pending))
