/* SPDX-License-Identifier: Apache-2.0 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "runtime/workqueue.h"
#include "test.h"

static cf_key K(const char *name)
{
	cf_key k;

	cf_key_set(&k, "", "ConfigMap", "default", name);
	return k;
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

TEST(test_runtime_key__limits)
{
	cf_key k;
	char long_name[300];

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	CHECK_INT(cf_key_set(&k, "apps", "Deployment", "ns", "web"), 0);
	CHECK_STR(k.group, "apps");
	CHECK_INT(cf_key_set(&k, NULL, "ConfigMap", NULL, long_name),
	    CF_EINVALID);
	CHECK_STR(k.name, "");
	CHECK_INT(cf_key_set(&k, NULL, "", NULL, "x"), CF_EINVALID);
	{
		cf_key a, b;

		cf_key_set(&a, "", "K", "a/b", "c");
		cf_key_set(&b, "", "K", "a", "b/c");
		CHECK(!cf_key_equal(&a, &b));
		CHECK(cf_key_hash(&a) != cf_key_hash(&b));
	}
}

TEST(test_runtime_wq__fifo_and_dedup)
{
	cf_wq *q = cf_wq_new("t", NULL);
	cf_key a = K("a"), b = K("b"), got;
	cf_wq_stats st;

	cf_wq_add(q, &a);
	cf_wq_add(q, &b);
	cf_wq_add(q, &a);
	CHECK_INT(cf_wq_len(q), 2);
	CHECK_INT(cf_wq_get(q, &got), 0);
	CHECK_STR(got.name, "a");
	CHECK_INT(cf_wq_get(q, &got), 0);
	CHECK_STR(got.name, "b");
	CHECK_INT(cf_wq_len(q), 0);
	cf_wq_stats_get(q, &st);
	CHECK_INT(st.adds, 3);
	CHECK_INT(st.processing, 2);
	cf_wq_done(q, &a);
	cf_wq_done(q, &b);
	cf_wq_stats_get(q, &st);
	CHECK_INT(st.work_count, 2);
	CHECK_INT(st.processing, 0);
	CHECK_INT(st.work_bucket[CF_WQ_DURATION_BUCKETS - 1], 2);
	cf_wq_free(q);
}

/* A key added while a worker holds it is not handed to a second worker;
 * it comes back once, after done. */
TEST(test_runtime_wq__requeue_while_processing)
{
	cf_wq *q = cf_wq_new("t", NULL);
	cf_key a = K("a"), got;

	cf_wq_add(q, &a);
	CHECK_INT(cf_wq_get(q, &got), 0);
	cf_wq_add(q, &a);
	cf_wq_add(q, &a);
	CHECK_INT(cf_wq_len(q), 0);
	cf_wq_done(q, &a);
	CHECK_INT(cf_wq_len(q), 1);
	CHECK_INT(cf_wq_get(q, &got), 0);
	cf_wq_done(q, &a);
	CHECK_INT(cf_wq_len(q), 0);
	cf_wq_free(q);
}

TEST(test_runtime_wq__add_after_keeps_earliest)
{
	cf_wq *q = cf_wq_new("t", NULL);
	cf_key a = K("a"), got;
	cf_wq_stats st;
	int64_t t0 = ms_now(), dt;

	cf_wq_add_after(q, &a, 5000);
	cf_wq_add_after(q, &a, 60);
	cf_wq_add_after(q, &a, 3000); /* later: ignored */
	cf_wq_stats_get(q, &st);
	CHECK_INT(st.delayed, 1);
	CHECK_INT(cf_wq_len(q), 0);
	CHECK_INT(cf_wq_get(q, &got), 0);
	dt = ms_now() - t0;
	CHECK(dt >= 55 && dt < 2000);
	cf_wq_done(q, &a);
	cf_wq_stats_get(q, &st);
	CHECK_INT(st.delayed, 0);
	CHECK_INT(st.adds, 1);
	cf_wq_free(q);
}

TEST(test_runtime_wq__backoff_doubles_and_caps)
{
	cf_wq_opts o = { .min_retry_ms = 5, .max_retry_ms = 40, .qps = -1 };
	cf_wq *q = cf_wq_new("t", &o);
	cf_key a = K("a"), b = K("b");
	int64_t want[] = { 5, 10, 20, 40, 40, 40 };

	for (size_t i = 0; i < CF_ARRAY_SIZE(want); i++)
		CHECK_INT(cf_wq_add_rate_limited(q, &a), want[i]);
	CHECK_INT(cf_wq_num_requeues(q, &a), 6);
	CHECK_INT(cf_wq_add_rate_limited(q, &b), 5); /* per item */
	cf_wq_forget(q, &a);
	CHECK_INT(cf_wq_num_requeues(q, &a), 0);
	CHECK_INT(cf_wq_add_rate_limited(q, &a), 5);
	cf_wq_free(q);
}

TEST(test_runtime_wq__flux_defaults)
{
	cf_wq *q = cf_wq_new("t", NULL);
	cf_key a = K("a");
	int64_t d = 0;

	CHECK_INT(cf_wq_add_rate_limited(q, &a), 750);
	for (int i = 0; i < 80; i++) /* no overflow however many */
		d = cf_wq_add_rate_limited(q, &a);
	CHECK_INT(d, 15 * 60 * 1000);
	cf_wq_free(q);
}

TEST(test_runtime_wq__bucket_limits_overall_rate)
{
	cf_wq_opts o = { .min_retry_ms = 1, .max_retry_ms = 1, .qps = 10,
		.burst = 2 };
	cf_wq *q = cf_wq_new("t", &o);
	cf_key a = K("a"), b = K("b"), c = K("c");

	CHECK_INT(cf_wq_add_rate_limited(q, &a), 1);
	CHECK_INT(cf_wq_add_rate_limited(q, &b), 1);
	/* Third in the same instant waits ~100 ms for a token. */
	{
		int64_t d = cf_wq_add_rate_limited(q, &c);

		CHECK(d >= 90 && d <= 100);
	}
	cf_wq_free(q);
}

struct worker_ctx {
	cf_wq *q;
	atomic_int running[4];
	atomic_int overlap, handled;
};

static void *worker(void *p)
{
	struct worker_ctx *w = p;
	cf_key k;

	while (cf_wq_get(w->q, &k) == 0) {
		int i = k.name[0] - 'a';

		if (atomic_fetch_add(&w->running[i], 1))
			atomic_store(&w->overlap, 1);
		for (volatile int s = 0; s < 2000; s++)
			;
		atomic_fetch_sub(&w->running[i], 1);
		atomic_fetch_add(&w->handled, 1);
		cf_wq_done(w->q, &k);
	}
	return NULL;
}

/* Many producers and workers: no key ever runs twice at once, and
 * shutdown wakes every worker. */
TEST(test_runtime_wq__threads_never_overlap_a_key)
{
	struct worker_ctx w = { .q = cf_wq_new("t", NULL) };
	pthread_t th[4];
	static const char *names[] = { "a", "b", "c", "d" };
	cf_key keys[4];

	for (int i = 0; i < 4; i++) {
		keys[i] = K(names[i]);
		pthread_create(&th[i], NULL, worker, &w);
	}
	for (int n = 0; n < 20000; n++)
		cf_wq_add(w.q, &keys[n % 4]);
	while (cf_wq_len(w.q) > 0)
		;
	{
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
	}
	cf_wq_shutdown(w.q);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK_INT(atomic_load(&w.overlap), 0);
	CHECK(atomic_load(&w.handled) >= 4);
	cf_wq_add(w.q, &keys[0]); /* ignored after shutdown */
	CHECK_INT(cf_wq_len(w.q), 0);
	{
		cf_key k;

		CHECK_INT(cf_wq_get(w.q, &k), 1);
	}
	cf_wq_free(w.q);
}

static void *shutdown_later(void *p)
{
	struct timespec ts = { 0, 30000000 };

	nanosleep(&ts, NULL);
	cf_wq_shutdown(p);
	return NULL;
}

TEST(test_runtime_wq__shutdown_wakes_delayed_wait)
{
	cf_wq *q = cf_wq_new("t", NULL);
	cf_key a = K("a"), got;
	pthread_t th;

	cf_wq_add_after(q, &a, 60000);
	pthread_create(&th, NULL, shutdown_later, q);
	CHECK_INT(cf_wq_get(q, &got), 1);
	pthread_join(th, NULL);
	cf_wq_free(q);
}

TEST_MAIN(T(test_runtime_key__limits), T(test_runtime_wq__fifo_and_dedup),
    T(test_runtime_wq__requeue_while_processing),
    T(test_runtime_wq__add_after_keeps_earliest),
    T(test_runtime_wq__backoff_doubles_and_caps),
    T(test_runtime_wq__flux_defaults),
    T(test_runtime_wq__bucket_limits_overall_rate),
    T(test_runtime_wq__threads_never_overlap_a_key),
    T(test_runtime_wq__shutdown_wakes_delayed_wait))
