/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The threading contract: the writer's handle on one thread, a read-only
 * handle on another, reading while the writer writes. Every read must be
 * one consistent snapshot: the writer changes two keys per transaction to
 * the same value, so a list that shows them different saw half a commit,
 * and a list whose revision does not match its data read them apart.
 */
#include "store_test.h"
#include "core/buf.h"
#include "core/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define CM "/configmaps"
#define ROUNDS 1500

struct shared {
	char path[512];
	atomic_int done;
	/* Written by the reader, read after join. */
	int reads, torn, backwards, errors;
	char why[256];
};

struct pair {
	long a, b;
	int seen;
};

static int grab(const cf_store_kv *kv, void *payload)
{
	struct pair *p = payload;
	char buf[32];
	long v;

	/* Values are bytes, not strings: copy before parsing. */
	snprintf(buf, sizeof(buf), "%.*s", (int)kv->value_len,
	    (const char *)kv->value);
	v = strtol(buf, NULL, 10);

	if (!strcmp(kv->name, "a"))
		p->a = v;
	else
		p->b = v;
	p->seen++;
	return 0;
}

static void *reader(void *arg)
{
	struct shared *sh = arg;
	cf_store_opts ro = { .readonly = 1 };
	cf_store *r;
	int64_t last = 0;

	if (cf_store_open(&r, sh->path, &ro) < 0) {
		snprintf(sh->why, sizeof(sh->why), "open: %s", cf_error_msg());
		sh->errors++;
		return NULL;
	}
	while (!atomic_load(&sh->done)) {
		struct pair p = { 0 };
		cf_store_list_result res;

		if (cf_store_list(r, &res, CM, NULL, grab, &p) < 0) {
			snprintf(sh->why, sizeof(sh->why), "list: %s",
			    cf_error_msg());
			sh->errors++;
			break;
		}
		sh->reads++;
		/* Round i leaves a = b = i at revision 2 + 2i: the list's
		 * revision must be the one of the data it shows. */
		if (p.seen != 2 || p.a != p.b || res.rev != 2 + 2 * p.a)
			sh->torn++;
		if (res.rev < last)
			sh->backwards++;
		last = res.rev;
	}
	cf_store_close(r);
	return NULL;
}

TEST(test_store_threads__reader_sees_whole_transactions)
{
	struct shared sh = { .reads = 0 };
	cf_store *w;
	pthread_t t;
	char v[32];

	snprintf(sh.path, sizeof(sh.path), "%s", st_path());
	CHECK_INT(cf_store_open(&w, sh.path, NULL), 0);
	CHECK_INT(cf_store_begin(w), 0);
	CHECK_INT(st_put(w, CM, "n", "a", "0"), 0);
	CHECK_INT(st_put(w, CM, "n", "b", "0"), 0);
	CHECK_INT(cf_store_commit(w), 0);
	CHECK_INT(pthread_create(&t, NULL, reader, &sh), 0);

	for (int i = 1; i <= ROUNDS; i++) {
		snprintf(v, sizeof(v), "%d", i);
		CHECK_INT(cf_store_begin(w), 0);
		CHECK_INT(cf_store_update(w, NULL, CM, "n", "a", 0, v,
		    strlen(v)), 0);
		CHECK_INT(cf_store_update(w, NULL, CM, "n", "b", 0, v,
		    strlen(v)), 0);
		CHECK_INT(cf_store_commit(w), 0);
	}
	atomic_store(&sh.done, 1);
	pthread_join(t, NULL);
	cf_store_close(w);

	printf("    %d reads during %d transactions\n", sh.reads, ROUNDS);
	if (sh.errors)
		cf_test_fail(__FILE__, __LINE__, "reader: %s", sh.why);
	CHECK_INT(sh.errors, 0);
	CHECK(sh.reads > 0);
	CHECK_INT(sh.torn, 0);
	CHECK_INT(sh.backwards, 0);
}

TEST_MAIN(T(test_store_threads__reader_sees_whole_transactions))
