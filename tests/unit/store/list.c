/* SPDX-License-Identifier: Apache-2.0 */
/* Lists: order, namespace filter, paging, snapshot reads, bad tokens. */
#include "store_test.h"
#include "core/buf.h"
#include "core/error.h"

#define CM "/configmaps"

/* Appends "ns/name=value@rev;" for each listed object. */
static int collect(const cf_store_kv *kv, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%s/%s=%.*s@%lld;", kv->ns, kv->name,
	    (int)kv->value_len, (const char *)kv->value, (long long)kv->rev);
	return 0;
}

static int stop_after_two(const cf_store_kv *kv, void *payload)
{
	int *n = payload;

	(void)kv;
	return ++*n == 2 ? 7 : 0;
}

static cf_store *fixture(void)
{
	cf_store *s;

	if (cf_store_open(&s, st_path(), NULL) < 0)
		return NULL;
	/* Written out of order: the list sorts by (namespace, name). */
	st_put(s, CM, "b", "y", "1");
	st_put(s, CM, "a", "z", "2");
	st_put(s, CM, "b", "x", "3");
	st_put(s, CM, "a", "a", "4");
	st_put(s, "/secrets", "a", "s", "5");
	st_put(s, CM, "", "cluster", "6");
	return s;
}

TEST(test_store_list__all_in_key_order)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_buf b = CF_BUF_INIT;

	CHECK(s != NULL);
	CHECK_INT(cf_store_list(s, &res, CM, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "/cluster=6@6;a/a=4@4;a/z=2@2;b/x=3@3;b/y=1@1;");
	CHECK_INT(res.count, 5);
	CHECK_INT(res.rev, 6);
	CHECK_STR(res.cont, "");
	cf_buf_reset(&b);
	CHECK_INT(cf_store_list(s, &res, "/pods", NULL, collect, &b), 0);
	CHECK_INT(res.count, 0);
	CHECK_INT(res.rev, 6);
	CHECK_INT(cf_store_list(s, &res, "pods", NULL, collect, &b),
	    CF_EINVALID);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__one_namespace)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_store_list_opts o = { .ns = "b" };
	cf_buf b = CF_BUF_INIT;

	CHECK(s != NULL);
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_STR(b.buf, "b/x=3@3;b/y=1@1;");
	cf_buf_reset(&b);
	o.ns = "";
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_STR(b.buf, "/cluster=6@6;");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__callback_stops_the_list)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	int n = 0;

	CHECK(s != NULL);
	CHECK_INT(cf_store_list(s, &res, CM, NULL, stop_after_two, &n), 7);
	CHECK_INT(n, 2);
	/* The statement was reset: the next list works. */
	n = 0;
	CHECK_INT(cf_store_list(s, &res, "/secrets", NULL, stop_after_two, &n),
	    0);
	CHECK_INT(n, 1);
	cf_store_close(s);
}

TEST(test_store_list__pages_without_writes)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_store_list_opts o = { .limit = 2 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX];
	int pages = 0;

	CHECK(s != NULL);
	do {
		CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
		CHECK(res.count <= 2);
		CHECK_INT(res.rev, 6);
		snprintf(tok, sizeof(tok), "%s", res.cont);
		o.cont = tok;
		cf_buf_addch(&b, '|');
		pages++;
	} while (res.cont[0]);
	CHECK_STR(b.buf, "/cluster=6@6;a/a=4@4;|a/z=2@2;b/x=3@3;|b/y=1@1;|");
	CHECK_INT(pages, 3);

	/* Exactly a page's worth: no token on the last full page. */
	o.limit = 5;
	o.cont = NULL;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_INT(res.count, 5);
	CHECK_STR(res.cont, "");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__later_pages_read_the_first_snapshot)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_store_list_opts o = { .limit = 2 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX];

	CHECK(s != NULL);
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_STR(b.buf, "/cluster=6@6;a/a=4@4;");
	snprintf(tok, sizeof(tok), "%s", res.cont);

	/* Change everything the next pages would show. */
	CHECK_INT(cf_store_update(s, NULL, CM, "a", "z", 0, "new", 3), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "b", "x", 0, NULL, 0), 0);
	CHECK_INT(st_put(s, CM, "a", "zz", "added"), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "b", "y", 0, NULL, 0), 0);
	CHECK_INT(st_put(s, CM, "b", "y", "recreated"), 0);

	cf_buf_reset(&b);
	o.cont = tok;
	o.limit = 10;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_INT(res.rev, 6);
	CHECK_STR(b.buf, "a/z=2@2;b/x=3@3;b/y=1@1;");
	CHECK_STR(res.cont, "");

	/* A fresh list sees the new state. */
	cf_buf_reset(&b);
	CHECK_INT(cf_store_list(s, &res, CM, NULL, collect, &b), 0);
	CHECK_STR(b.buf, "/cluster=6@6;a/a=4@4;a/z=new@7;a/zz=added@9;"
	    "b/y=recreated@11;");
	CHECK_INT(res.rev, 11);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__snapshot_pages_with_namespace_and_limit)
{
	cf_store *s;
	cf_store_list_result res;
	cf_store_list_opts o = { .ns = "n", .limit = 3 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX], name[16];
	int64_t snap;

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "o%02d", i);
		CHECK_INT(st_put(s, CM, "n", name, "v"), 0);
		CHECK_INT(st_put(s, CM, "m", name, "other"), 0);
	}
	snap = cf_store_rev(s);
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	int total = (int)res.count;
	while (res.cont[0]) {
		snprintf(tok, sizeof(tok), "%s", res.cont);
		o.cont = tok;
		/* Each page: one more write that the list must not show. */
		snprintf(name, sizeof(name), "o%02dx", total);
		CHECK_INT(st_put(s, CM, "n", name, "late"), 0);
		CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
		CHECK_INT(res.rev, snap);
		total += (int)res.count;
	}
	CHECK_INT(total, 10);
	CHECK(strstr(b.buf, "late") == NULL);
	CHECK(strstr(b.buf, "other") == NULL);

	/* A token used with another namespace is refused. */
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .ns = "n",
	    .limit = 1 }, collect, &b), 0);
	snprintf(tok, sizeof(tok), "%s", res.cont);
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .ns = "m",
	    .cont = tok }, collect, &b), CF_EINVALID);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__expired_token_is_gone)
{
	cf_store *s;
	cf_store_opts so = { .no_keep = 1 };
	cf_store_list_result res;
	cf_store_list_opts o = { .limit = 1 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX];

	CHECK_INT(cf_store_open(&s, st_path(), &so), 0);
	CHECK_INT(st_put(s, CM, "n", "a", "1"), 0);
	CHECK_INT(st_put(s, CM, "n", "b", "2"), 0);
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	snprintf(tok, sizeof(tok), "%s", res.cont);
	CHECK_INT(st_put(s, CM, "n", "c", "3"), 0);
	CHECK_INT(cf_store_compact(s, NULL), 0);
	CHECK_INT(cf_store_compacted_rev(s), 3);
	o.cont = tok;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), CF_EGONE);
	CHECK(strstr(cf_error_msg(), "expired") != NULL);
	/* An exact older revision below the compaction point too. */
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .rev = 2 },
	    collect, &b), CF_EGONE);
	CHECK_STR(cf_error_msg(), "too old resource version: 2 (3)");
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .rev = 3 },
	    collect, &b), 0);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__bad_tokens_are_invalid)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_store_list_opts o = { .limit = 1 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX], big[2000];
	const char *bad[] = { "!!!!", "a", "abc", "MQ", "MQBhAGI",
		"eyJydiI6MX0" };

	CHECK(s != NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.cont = bad[i];
		CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b),
		    CF_EINVALID);
		CHECK(strstr(cf_error_msg(), "continue token") != NULL);
	}
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	o.cont = big;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), CF_EINVALID);

	/* A real token whose snapshot is in the future (forged) fails. */
	o.cont = NULL;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	snprintf(tok, sizeof(tok), "%s", res.cont);
	cf_store_close(s);
	s = fixture();
	CHECK(s != NULL);
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .cont = tok },
	    collect, &b), 0);
	cf_store_close(s);
	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .cont = tok },
	    collect, &b), CF_EINVALID);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__names_with_odd_bytes_page_correctly)
{
	cf_store *s;
	cf_store_list_result res;
	cf_store_list_opts o = { .limit = 1 };
	cf_buf b = CF_BUF_INIT;
	char tok[CF_STORE_TOKEN_MAX];
	const char *names[] = { "a:b", "a|b", "system:controller:x", "z" };

	CHECK_INT(cf_store_open(&s, st_path(), NULL), 0);
	for (int i = 0; i < 4; i++)
		CHECK_INT(st_put(s, "rbac.authorization.k8s.io/clusterroles", "",
		    names[i], "r"), 0);
	int n = 0;
	do {
		CHECK_INT(cf_store_list(s, &res,
		    "rbac.authorization.k8s.io/clusterroles", &o, collect, &b), 0);
		n += (int)res.count;
		snprintf(tok, sizeof(tok), "%s", res.cont);
		o.cont = tok;
	} while (res.cont[0]);
	CHECK_INT(n, 4);
	CHECK_STR(b.buf, "/a:b=r@1;/a|b=r@2;/system:controller:x=r@3;/z=r@4;");
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST(test_store_list__first_page_at_an_older_revision)
{
	cf_store *s = fixture();
	cf_store_list_result res;
	cf_store_list_opts o = { .rev = 3 };
	cf_buf b = CF_BUF_INIT;

	CHECK(s != NULL);
	CHECK_INT(cf_store_update(s, NULL, CM, "b", "y", 0, "1b", 2), 0);
	CHECK_INT(cf_store_delete(s, NULL, CM, "a", "z", 0, NULL, 0), 0);
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_INT(res.rev, 3);
	CHECK_STR(b.buf, "a/z=2@2;b/x=3@3;b/y=1@1;");
	/* Paging from there keeps revision 3. */
	cf_buf_reset(&b);
	o.limit = 2;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_STR(b.buf, "a/z=2@2;b/x=3@3;");
	char tok[CF_STORE_TOKEN_MAX];
	snprintf(tok, sizeof(tok), "%s", res.cont);
	o.cont = tok;
	CHECK_INT(cf_store_list(s, &res, CM, &o, collect, &b), 0);
	CHECK_STR(b.buf, "a/z=2@2;b/x=3@3;b/y=1@1;");
	CHECK_INT(res.rev, 3);
	/* The current revision itself, and the future. */
	cf_buf_reset(&b);
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .rev = 8 },
	    collect, &b), 0);
	CHECK_STR(b.buf, "/cluster=6@6;a/a=4@4;b/x=3@3;b/y=1b@7;");
	CHECK_INT(cf_store_list(s, &res, CM, &(cf_store_list_opts){ .rev = 9 },
	    collect, &b), CF_EINVALID);
	cf_buf_release(&b);
	cf_store_close(s);
}

TEST_MAIN(T(test_store_list__all_in_key_order),
    T(test_store_list__one_namespace),
    T(test_store_list__callback_stops_the_list),
    T(test_store_list__pages_without_writes),
    T(test_store_list__later_pages_read_the_first_snapshot),
    T(test_store_list__snapshot_pages_with_namespace_and_limit),
    T(test_store_list__expired_token_is_gone),
    T(test_store_list__bad_tokens_are_invalid),
    T(test_store_list__names_with_odd_bytes_page_correctly),
    T(test_store_list__first_page_at_an_older_revision))
