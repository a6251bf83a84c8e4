/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/arena.h"

#include <stdint.h>

static int cleanup_order[4], ncleanups;

static void record(void *arg)
{
	cleanup_order[ncleanups++] = (int)(intptr_t)arg;
}

TEST(test_core_arena__alloc_aligned_and_distinct)
{
	cf_arena a = CF_ARENA_INIT;
	char *prev = NULL;

	for (int i = 1; i < 2000; i++) {
		char *p = cf_arena_alloc(&a, (size_t)i % 97 + 1);
		CHECK(((uintptr_t)p & 15) == 0);
		CHECK(p != prev);
		memset(p, 0xab, (size_t)i % 97 + 1);
		prev = p;
	}
	/* A big block gets its own chunk and is usable whole. */
	char *big = cf_arena_alloc(&a, 1 << 20);
	memset(big, 1, 1 << 20);
	cf_arena_release(&a);
	CHECK(a.head == NULL);
}

TEST(test_core_arena__strings)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(cf_arena_strdup(&a, "hello"), "hello");
	CHECK_STR(cf_arena_strndup(&a, "hello", 3), "hel");
	CHECK_STR(cf_arena_printf(&a, "%s-%d", "x", 42), "x-42");
	cf_arena_release(&a);
}

TEST(test_core_arena__cleanups_run_in_reverse)
{
	cf_arena a = CF_ARENA_INIT;

	ncleanups = 0;
	cf_arena_defer(&a, record, (void *)1);
	cf_arena_defer(&a, record, (void *)2);
	cf_arena_release(&a);
	CHECK_INT(ncleanups, 2);
	CHECK_INT(cleanup_order[0], 2);
	CHECK_INT(cleanup_order[1], 1);
}

/* A reserved first chunk holds exactly what was asked: two halves fit
 * back to back, the next allocation needs a chunk of its own. */
TEST(test_core_arena__reserve_exact)
{
	cf_arena a = CF_ARENA_INIT;
	char *p1, *p2, *p3;

	cf_arena_reserve(&a, 64);
	p1 = cf_arena_alloc(&a, 32);
	p2 = cf_arena_alloc(&a, 32);
	p3 = cf_arena_alloc(&a, 16);
	CHECK(p2 == p1 + 32);
	CHECK(p3 != p2 + 32);
	cf_arena_reserve(&a, 1024); /* in use: no effect */
	CHECK_INT((int)a.total, 80);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_core_arena__alloc_aligned_and_distinct),
    T(test_core_arena__strings), T(test_core_arena__cleanups_run_in_reverse),
    T(test_core_arena__reserve_exact))
