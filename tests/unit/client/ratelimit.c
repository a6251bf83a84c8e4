/* SPDX-License-Identifier: Apache-2.0 */
/* Token bucket and backoff, on explicit clocks (and one real wait). */
#include "client/ratelimit.h"
#include "test.h"

#define MS 1000000ll

TEST(test_client_ratelimit__burst_then_paced)
{
	cf_ratelimit rl;

	cf_ratelimit_init(&rl, 10, 3);
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 0);
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 0);
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 0);
	/* Empty: each further caller queues 1/qps behind the previous. */
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 100 * MS);
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 200 * MS);
	/* 50 ms later the queue has moved up by half a token. */
	CHECK_INT(cf_ratelimit_reserve(&rl, 50 * MS), 250 * MS);
	/* After a long idle spell the bucket is full again, but no fuller. */
	CHECK_INT(cf_ratelimit_reserve(&rl, 10000 * MS), 0);
	CHECK_INT(cf_ratelimit_reserve(&rl, 10000 * MS), 0);
	CHECK_INT(cf_ratelimit_reserve(&rl, 10000 * MS), 0);
	CHECK_INT(cf_ratelimit_reserve(&rl, 10000 * MS), 100 * MS);
	/* A clock read earlier by another thread does not refill. */
	CHECK_INT(cf_ratelimit_reserve(&rl, 9000 * MS), 200 * MS);
	cf_ratelimit_release(&rl);
}

TEST(test_client_ratelimit__defaults_are_flux_flags)
{
	cf_ratelimit rl;

	cf_ratelimit_init(&rl, 0, 0);
	for (int i = 0; i < 300; i++)
		CHECK_INT(cf_ratelimit_reserve(&rl, 0), 0);
	/* QPS 50: the 301st request waits 20 ms. */
	CHECK_INT(cf_ratelimit_reserve(&rl, 0), 20 * MS);
	cf_ratelimit_release(&rl);

	cf_ratelimit_init(&rl, -1, 0);
	for (int i = 0; i < 1000; i++)
		CHECK_INT(cf_ratelimit_reserve(&rl, 0), 0);
	cf_ratelimit_release(&rl);
}

TEST(test_client_ratelimit__wait_sleeps)
{
	cf_ratelimit rl;
	int64_t t0;

	cf_ratelimit_init(&rl, 20, 1);
	t0 = cf_clock_mono_ns();
	cf_ratelimit_wait(&rl);
	cf_ratelimit_wait(&rl);
	cf_ratelimit_wait(&rl);
	/* Two waits of 50 ms each after the first token. */
	CHECK(cf_clock_mono_ns() - t0 >= 95 * MS);
	cf_ratelimit_release(&rl);
}

TEST(test_client_backoff__doubles_to_cap)
{
	cf_backoff b = { .base_ms = 100, .max_ms = 1000 };

	CHECK_INT(cf_backoff_next(&b), 100);
	CHECK_INT(cf_backoff_next(&b), 200);
	CHECK_INT(cf_backoff_next(&b), 400);
	CHECK_INT(cf_backoff_next(&b), 800);
	CHECK_INT(cf_backoff_next(&b), 1000);
	CHECK_INT(cf_backoff_next(&b), 1000);
	CHECK_INT(b.attempt, 6);
	/* Many attempts do not overflow. */
	b.attempt = 1000;
	CHECK_INT(cf_backoff_next(&b), 1000);

	cf_backoff d = CF_BACKOFF_INIT;
	CHECK_INT(cf_backoff_next(&d), 100);
	d.attempt = 40;
	CHECK_INT(cf_backoff_next(&d), 10000);
}

TEST(test_client_backoff__jitter_bounds)
{
	cf_backoff b = { .base_ms = 100, .max_ms = 100000, .jitter = 0.5,
	    .seed = 42 };
	int differs = 0;

	for (int i = 0; i < 8; i++) {
		int64_t want = 100ll << i;
		int64_t d = cf_backoff_next(&b);

		CHECK(d >= want && d <= want + want / 2);
		differs += d != want;
	}
	CHECK(differs > 0);
}

TEST(test_client_backoff__retry_after)
{
	cf_backoff b = { .base_ms = 100, .max_ms = 5000 };

	CHECK_INT(cf_backoff_delay(&b, 2), 2000);
	CHECK_INT(cf_backoff_delay(&b, 0), 0);
	/* A server cannot park us longer than the cap. */
	CHECK_INT(cf_backoff_delay(&b, 3600), 5000);
	/* No header: the backoff sequence, which the attempts above moved. */
	CHECK_INT(cf_backoff_delay(&b, -1), 800);
}

TEST_MAIN(T(test_client_ratelimit__burst_then_paced),
    T(test_client_ratelimit__defaults_are_flux_flags),
    T(test_client_ratelimit__wait_sleeps),
    T(test_client_backoff__doubles_to_cap),
    T(test_client_backoff__jitter_bounds),
    T(test_client_backoff__retry_after))
