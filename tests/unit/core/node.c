/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/json.h"
#include "core/node.h"

#include <string.h>

TEST(test_core_node__map_set_get_del)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *m = cf_node_map(&a);

	for (int i = 0; i < 50; i++)
		cf_node_set(&a, m, cf_arena_printf(&a, "k%d", i), cf_node_int(&a, i));
	cf_node_set(&a, m, "k7", cf_node_str(&a, "seven"));
	CHECK_INT(cf_node_count(m), 50);
	CHECK_STR(cf_node_as_str(cf_node_get(m, "k7")), "seven");
	CHECK_STR(m->v.pairs[7].key, "k7"); /* replaced in place */
	CHECK(cf_node_del(m, "k0"));
	CHECK(!cf_node_del(m, "k0"));
	CHECK_INT(cf_node_count(m), 49);
	CHECK(cf_node_get(m, "k0") == NULL);
	cf_arena_release(&a);
}

TEST(test_core_node__getp_walks_maps)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *o = cf_node_map(&a);
	cf_node *md = cf_node_set_map(&a, o, "metadata");

	cf_node_set(&a, md, "name", cf_node_str(&a, "web"));
	CHECK_STR(cf_node_getp_str(o, "metadata", "name", NULL), "web");
	CHECK(cf_node_getp(o, "metadata", "nope", "x", NULL) == NULL);
	CHECK(cf_node_getp_str(NULL, "a", NULL) == NULL);
	cf_arena_release(&a);
}

TEST(test_core_node__equal_ignores_map_order)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *x = cf_node_map(&a), *y = cf_node_map(&a);
	cf_node *s = cf_node_seq(&a);

	cf_node_push(&a, s, cf_node_int(&a, 1));
	cf_node_set(&a, x, "a", cf_node_int(&a, 1));
	cf_node_set(&a, x, "b", s);
	cf_node_set(&a, y, "b", cf_node_dup(&a, s));
	cf_node_set(&a, y, "a", cf_node_float(&a, 1.0));
	CHECK(cf_node_equal(x, y));
	cf_node_push(&a, s, cf_node_null(&a));
	CHECK(!cf_node_equal(x, y));
	cf_arena_release(&a);
}

TEST(test_core_node__seq_insert_remove_sort)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *s = cf_node_seq(&a), *m = cf_node_map(&a);

	for (int i = 0; i < 10; i++)
		cf_node_push(&a, s, cf_node_int(&a, i));
	cf_node_insert(&a, s, 0, cf_node_int(&a, -1));
	cf_node_remove(s, 5);
	CHECK_INT(cf_node_count(s), 10);
	CHECK_INT(cf_node_at(s, 0)->v.i, -1);
	CHECK_INT(cf_node_at(s, 5)->v.i, 5);
	cf_node_set(&a, m, "b", cf_node_null(&a));
	cf_node_set(&a, m, "a", cf_node_null(&a));
	cf_node_set(&a, m, "B", cf_node_null(&a));
	cf_node_sort_keys(m);
	CHECK_STR(m->v.pairs[0].key, "B");
	CHECK_STR(m->v.pairs[2].key, "b");
	cf_arena_release(&a);
}

/* The packed copy is equal, writes the same JSON (numbers' original
 * text, empty strings and containers, NULs in strings included), takes
 * one allocation of the size it reports, and shares nothing with the
 * original. */
TEST(test_core_node__dup_packed)
{
	static const char doc[] = "{\"a\":[1,2.50,{\"b\":\"x\\u0000y\"},[],{}],"
	    "\"big\":18446744073709551615,\"f\":1e300,\"t\":true,"
	    "\"n\":null,\"e\":\"\",\"k\":{\"\":\"empty key\"}}";
	cf_arena a = CF_ARENA_INIT, b = CF_ARENA_INIT;
	cf_node *orig = NULL, *copy;
	cf_buf x = CF_BUF_INIT, y = CF_BUF_INIT;
	size_t size;

	CHECK_INT(cf_json_parse(&orig, &a, doc, strlen(doc), NULL), 0);
	size = cf_node_packed_size(orig);
	copy = cf_node_dup_packed(&b, orig);
	CHECK(cf_node_equal(orig, copy));
	CHECK_INT(cf_json_write(&x, orig, 0), 0);
	CHECK_INT(cf_json_write(&y, copy, 0), 0);
	CHECK_INT(x.len, y.len);
	CHECK(memcmp(x.buf, y.buf, x.len) == 0);
	CHECK_INT(b.total, (size + 15) & ~(size_t)15);
	{
		cf_arena c = CF_ARENA_INIT;

		cf_node_dup(&c, orig); /* the plain copy pads every string */
		CHECK(size < c.total);
		cf_arena_release(&c);
	}
	cf_arena_release(&a); /* the copy must not point into the original */
	cf_buf_reset(&y);
	CHECK_INT(cf_json_write(&y, copy, 0), 0);
	CHECK_INT(x.len, y.len);
	CHECK(memcmp(x.buf, y.buf, x.len) == 0);
	CHECK(cf_node_dup_packed(&b, NULL) == NULL);
	CHECK_INT(cf_node_packed_size(NULL), 0);
	cf_buf_release(&x);
	cf_buf_release(&y);
	cf_arena_release(&b);
}

TEST_MAIN(T(test_core_node__map_set_get_del), T(test_core_node__dup_packed), T(test_core_node__getp_walks_maps),
    T(test_core_node__equal_ignores_map_order),
    T(test_core_node__seq_insert_remove_sort))
