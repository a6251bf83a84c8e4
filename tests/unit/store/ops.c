/* SPDX-License-Identifier: Apache-2.0 */
/* Single-key operations, revisions, transactions and their error paths. */
#include "store_test.h"
#include "store/store_int.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdlib.h>

#define CM "/configmaps"

TEST(test_store_ops__open_rejects_bad_paths)
{
	cf_store *s = (cf_store *)1;

	CHECK_INT(cf_store_open(&s, "", NULL), CF_EINVALID);
	CHECK(s == NULL);
	CHECK(cf_store_open(&s, "/nonexistent/dir/x.db", NULL) < 0);
	CHECK(strstr(cf_error_msg(), "/nonexistent/dir/x.db") != NULL);
	/* A file that is not a SQLite db. */
	char path[512];
	snprintf(path, sizeof(path), "%s/junk.db", cf_test_tmpdir());
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	fputs("this is not a database, not at all, just some text\n", f);
	fclose(f);
	CHECK(cf_store_open(&s, path, NULL) < 0);
	CHECK(s == NULL);
}

TEST(test_store_ops__create_get_update_delete)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;
	int64_t rev = 0, mod = 0, created = 0;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_rev(s), 0);
	CHECK_INT(cf_store_next_rev(s), 1);

	CHECK_INT(cf_store_create(s, &rev, CM, "default", "a", "v1", 2), 0);
	CHECK_INT(rev, 1);
	CHECK_INT(cf_store_rev(s), 1);
	CHECK_INT(cf_store_get(s, &b, &mod, &created, CM, "default", "a"), 0);
	CHECK_STR(b.buf, "v1");
	CHECK_INT(mod, 1);
	CHECK_INT(created, 1);

	CHECK_INT(cf_store_create(s, NULL, CM, "default", "a", "x", 1),
	    CF_EEXISTS);
	CHECK(strstr(cf_error_msg(), "already exists") != NULL);
	/* A failed write takes no revision. */
	CHECK_INT(cf_store_next_rev(s), 2);

	CHECK_INT(cf_store_update(s, &rev, CM, "default", "a", 1, "v2", 2), 0);
	CHECK_INT(rev, 2);
	CHECK_INT(cf_store_update(s, NULL, CM, "default", "a", 1, "v3", 2),
	    CF_ECONFLICT);
	CHECK(strstr(cf_error_msg(), "revision 2, not 1") != NULL);
	CHECK_INT(cf_store_update(s, &rev, CM, "default", "a", 0, "v3", 2), 0);
	CHECK_INT(rev, 3);
	CHECK_INT(cf_store_get(s, &b, &mod, &created, CM, "default", "a"), 0);
	CHECK_STR(b.buf, "v3");
	CHECK_INT(mod, 3);
	CHECK_INT(created, 1);

	CHECK_INT(cf_store_update(s, NULL, CM, "default", "zz", 0, "v", 1),
	    CF_ENOTFOUND);
	CHECK_INT(cf_store_delete(s, NULL, CM, "default", "a", 2, NULL, 0),
	    CF_ECONFLICT);
	CHECK_INT(cf_store_delete(s, &rev, CM, "default", "a", 3, NULL, 0), 0);
	CHECK_INT(rev, 4);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "default", "a"),
	    CF_ENOTFOUND);
	CHECK_INT(cf_store_delete(s, NULL, CM, "default", "a", 0, NULL, 0),
	    CF_ENOTFOUND);

	/* Recreate: a new lifecycle with a new create revision. */
	CHECK_INT(cf_store_create(s, &rev, CM, "default", "a", "again", 5), 0);
	CHECK_INT(cf_store_get(s, &b, &mod, &created, CM, "default", "a"), 0);
	CHECK_STR(b.buf, "again");
	CHECK_INT(created, 5);
	CHECK_INT(cf_store_verify(s), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__keys_are_distinct_by_every_part)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(st_put(s, CM, "a", "x", "1"), 0);
	CHECK_INT(st_put(s, CM, "b", "x", "2"), 0);
	CHECK_INT(st_put(s, "/secrets", "a", "x", "3"), 0);
	CHECK_INT(st_put(s, "/namespaces", "", "a", "4"), 0);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "b", "x"), 0);
	CHECK_STR(b.buf, "2");
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, "/secrets", "a", "x"), 0);
	CHECK_STR(b.buf, "3");
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, "/namespaces", "", "a"), 0);
	CHECK_STR(b.buf, "4");
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "", "x"), CF_ENOTFOUND);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__binary_and_empty_values)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;
	const char bin[] = { 'a', 0, 'b', 0, (char)0xff };

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "bin", bin, sizeof(bin)), 0);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "bin"), 0);
	CHECK_INT(b.len, sizeof(bin));
	CHECK(!memcmp(b.buf, bin, sizeof(bin)));
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "empty", "", 0), 0);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "empty"), 0);
	CHECK_INT(b.len, 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__bad_keys_and_sizes)
{
	cf_store *s;
	cf_store_opts o = { .max_value = 100 };
	char big[300];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(cf_store_open(&s, st_path(), &o), 0);
	CHECK_INT(st_put(s, "configmaps", "n", "x", "1"), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "'configmaps'") != NULL);
	CHECK_INT(st_put(s, "", "n", "x", "1"), CF_EINVALID);
	CHECK_INT(st_put(s, NULL, "n", "x", "1"), CF_EINVALID);
	CHECK_INT(st_put(s, CM, NULL, "x", "1"), CF_EINVALID);
	CHECK_INT(st_put(s, CM, "n", "", "1"), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "empty name") != NULL);
	CHECK_INT(st_put(s, CM, big, "x", "1"), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "namespace longer") != NULL);
	CHECK_INT(st_put(s, CM, "n", big, "1"), CF_EINVALID);
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "x", big, 101),
	    CF_ETOOLARGE);
	CHECK(strstr(cf_error_msg(), "101 bytes") != NULL);
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "x", big, 100), 0);
	CHECK_INT(cf_store_update(s, NULL, CM, "n", "x", 0, big, 101),
	    CF_ETOOLARGE);
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "y", NULL, 5),
	    CF_EINVALID);
	CHECK_INT(cf_store_rev(s), 1);
	cf_store_close(s);
}

TEST(test_store_ops__delete_records_final_bytes)
{
	cf_store *s;
	int64_t rev;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "live"), 0);
	CHECK_INT(st_put(s, CM, "n", "b", "live-b"), 0);
	CHECK_INT(cf_store_delete(s, &rev, CM, "n", "a", 0, "final", 5), 0);
	CHECK_INT(rev, 3);
	CHECK_INT(cf_store_delete(s, &rev, CM, "n", "b", 2, NULL, 0), 0);
	CHECK_INT(rev, 4);
	CHECK_INT(cf_store_verify(s), 0);
	cf_store_close(s);
}

TEST(test_store_ops__reopen_keeps_state_and_revision)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_buf b = CF_BUF_INIT;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "1"), 0);
	CHECK_INT(st_put(s, CM, "n", "b", "2"), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "n", "b", 0, NULL, 0), 0);
	cf_store_close(s);

	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(cf_store_rev(s), 3);
	CHECK_INT(cf_store_next_rev(s), 4);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "a"), 0);
	CHECK_STR(b.buf, "1");
	CHECK_INT(cf_store_verify(s), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__transaction_commit_is_atomic)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;
	int64_t rev;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(cf_store_begin(s), CF_EINVALID);
	CHECK_INT(cf_store_next_rev(s), 1);
	CHECK_INT(cf_store_create(s, &rev, CM, "n", "a", "1", 1), 0);
	CHECK_INT(rev, 1);
	/* The next write inside the transaction gets the next revision. */
	CHECK_INT(cf_store_next_rev(s), 2);
	CHECK_INT(cf_store_create(s, &rev, CM, "n", "b", "2", 1), 0);
	CHECK_INT(rev, 2);
	/* A precondition failure does not end the transaction. */
	CHECK_INT(cf_store_create(s, NULL, CM, "n", "a", "x", 1), CF_EEXISTS);
	/* Reads inside see the transaction's writes. */
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "b"), 0);
	CHECK_INT(cf_store_update(s, &rev, CM, "n", "a", 1, "1b", 2), 0);
	CHECK_INT(rev, 3);
	CHECK_INT(cf_store_commit(s), 0);
	CHECK_INT(cf_store_commit(s), CF_EINVALID);
	CHECK_INT(cf_store_rev(s), 3);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "a"), 0);
	CHECK_STR(b.buf, "1b");
	CHECK_INT(cf_store_verify(s), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__rollback_leaves_nothing)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_buf b = CF_BUF_INIT;
	int64_t n;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(cf_store_rollback(s), CF_EINVALID);
	CHECK_INT(st_put(s, CM, "n", "keep", "k"), 0);
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "1"), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "n", "keep", 0, NULL, 0), 0);
	CHECK_INT(cf_store_rev(s), 3);
	CHECK_INT(cf_store_rollback(s), 0);
	/* The revisions are handed out again. */
	CHECK_INT(cf_store_rev(s), 1);
	CHECK_INT(cf_store_next_rev(s), 2);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "a"), CF_ENOTFOUND);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "keep"), 0);
	CHECK_INT(cf_store_count(s, &n, CM, NULL), 0);
	CHECK_INT(n, 1);
	/* An open transaction is rolled back by close. */
	CHECK_INT(cf_store_begin(s), 0);
	CHECK_INT(st_put(s, CM, "n", "lost", "1"), 0);
	cf_store_close(s);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(cf_store_rev(s), 1);
	CHECK_INT(cf_store_get(s, &b, NULL, NULL, CM, "n", "lost"),
	    CF_ENOTFOUND);
	CHECK_INT(cf_store_verify(s), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

static int collect(const char *str, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%s;", str);
	return 0;
}

static int stop_at_first(const char *str, void *payload)
{
	(void)str;
	(*(int *)payload)++;
	return 42;
}

TEST(test_store_ops__count_resources_namespaces)
{
	cf_store *s;
	cf_buf b = CF_BUF_INIT;
	int64_t n;
	int calls = 0;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_count(s, &n, CM, NULL), 0);
	CHECK_INT(n, 0);
	CHECK_INT(st_put(s, CM, "a", "1", "x"), 0);
	CHECK_INT(st_put(s, CM, "a", "2", "x"), 0);
	CHECK_INT(st_put(s, CM, "b", "1", "x"), 0);
	CHECK_INT(st_put(s, "apps/deployments", "b", "1", "x"), 0);
	CHECK_INT(st_put(s, "/namespaces", "", "a", "x"), 0);
	CHECK_INT(cf_store_count(s, &n, CM, NULL), 0);
	CHECK_INT(n, 3);
	CHECK_INT(cf_store_count(s, &n, CM, "a"), 0);
	CHECK_INT(n, 2);
	CHECK_INT(cf_store_count(s, &n, "apps/deployments", "a"), 0);
	CHECK_INT(n, 0);
	CHECK_INT(cf_store_count(s, &n, "bad", NULL), CF_EINVALID);

	CHECK_INT(cf_store_resources(s, "b", collect, &b), 0);
	CHECK_STR(b.buf, "/configmaps;apps/deployments;");
	cf_buf_reset(&b);
	CHECK_INT(cf_store_resources(s, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "/configmaps;/namespaces;apps/deployments;");
	cf_buf_reset(&b);
	CHECK_INT(cf_store_namespaces(s, collect, &b), 0);
	CHECK_STR(b.buf, "a;b;");
	CHECK_INT(cf_store_namespaces(s, stop_at_first, &calls), 42);
	CHECK_INT(calls, 1);

	/* Deleted objects stop counting. */
	CHECK_INT(cf_store_delete(s, NULL, CM, "b", "1", 0, NULL, 0), 0);
	cf_buf_reset(&b);
	CHECK_INT(cf_store_resources(s, "b", collect, &b), 0);
	CHECK_STR(b.buf, "apps/deployments;");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_ops__readonly_handle_reads_writer_commits)
{
	const char *p = st_path();
	char path[512];
	cf_store *w, *r;
	cf_store_opts ro = { .readonly = 1 };
	cf_buf b = CF_BUF_INIT;
	int64_t rev;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&w, path, NULL), 0);
	CHECK_INT(st_put(w, CM, "n", "a", "1"), 0);
	CHECK_INT(cf_store_open(&r, path, &ro), 0);
	CHECK_INT(cf_store_get(r, &b, &rev, NULL, CM, "n", "a"), 0);
	CHECK_STR(b.buf, "1");
	CHECK_INT(st_put(w, CM, "n", "b", "2"), 0);
	CHECK_INT(cf_store_get(r, &b, &rev, NULL, CM, "n", "b"), 0);
	CHECK_INT(rev, 2);
	CHECK_INT(cf_store_rev(r), 2);
	CHECK_INT(st_put(r, CM, "n", "c", "3"), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "read-only") != NULL);
	CHECK_INT(cf_store_begin(r), CF_EINVALID);
	cf_store_close(r);
	cf_buf_release(&b);
	cf_store_close(w);
}

TEST(test_store_ops__schema_version_and_readonly_open_checked)
{
	const char *p = st_path();
	char path[512];
	cf_store *s;
	cf_store_opts ro = { .readonly = 1 };

	snprintf(path, sizeof(path), "%s", p);
	/* Read-only never creates a db. */
	CHECK(cf_store_open(&s, path, &ro) < 0);
	CHECK(strstr(cf_error_msg(), path) != NULL);
	CHECK_INT(cf_store_open(&s, path, NULL), 0);
	CHECK_INT(sqlite3_exec(s->db, "UPDATE meta SET v=2 WHERE k='schema'",
	    NULL, NULL, NULL), SQLITE_OK);
	cf_store_close(s);
	CHECK_INT(cf_store_open(&s, path, NULL), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "schema version 2, expected 1") != NULL);
}

TEST(test_store_ops__db_size_grows_with_content)
{
	cf_store *s;
	int64_t before, after;
	char name[16], value[1000];

	memset(value, 'v', sizeof(value));
	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_db_size(s, &before), 0);
	CHECK(before > 0);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "o%d", i);
		CHECK_INT(cf_store_create(s, NULL, CM, "n", name, value,
		    sizeof(value)), 0);
	}
	CHECK_INT(cf_store_db_size(s, &after), 0);
	CHECK(after >= before + 200 * 1000);
	cf_store_close(s);
}

TEST(test_store_ops__second_writer_is_refused)
{
	const char *p = st_path();
	char path[512];
	cf_store *a, *b;

	snprintf(path, sizeof(path), "%s", p);
	CHECK_INT(cf_store_open(&a, path, NULL), 0);
	CHECK_INT(cf_store_open(&b, path, NULL), 0);
	CHECK_INT(st_put(a, CM, "n", "x", "1"), 0);
	/* b still thinks revision 1 is free. */
	CHECK_INT(st_put(b, CM, "n", "y", "1"), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "another writer") != NULL);
	CHECK_INT(st_put(a, CM, "n", "y", "1"), 0);
	CHECK_INT(cf_store_verify(a), 0);
	cf_store_close(b);
	cf_store_close(a);
}

TEST_MAIN(T(test_store_ops__open_rejects_bad_paths),
    T(test_store_ops__create_get_update_delete),
    T(test_store_ops__keys_are_distinct_by_every_part),
    T(test_store_ops__binary_and_empty_values),
    T(test_store_ops__bad_keys_and_sizes),
    T(test_store_ops__delete_records_final_bytes),
    T(test_store_ops__reopen_keeps_state_and_revision),
    T(test_store_ops__transaction_commit_is_atomic),
    T(test_store_ops__rollback_leaves_nothing),
    T(test_store_ops__count_resources_namespaces),
    T(test_store_ops__readonly_handle_reads_writer_commits),
    T(test_store_ops__schema_version_and_readonly_open_checked),
    T(test_store_ops__db_size_grows_with_content),
    T(test_store_ops__second_writer_is_refused))
