/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Token bucket with reservations, the shape of golang.org/x/time/rate
 * that client-go's flowcontrol uses: a caller always gets a token, but
 * when the bucket is empty it is told to wait until the token would have
 * been refilled. Letting tokens go negative queues callers fairly
 * (first to reserve, first to go) without a condition variable.
 */
#include "client/ratelimit.h"

#include <errno.h>
#include <time.h>

int64_t cf_clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void cf_ratelimit_init(cf_ratelimit *rl, double qps, int burst)
{
	pthread_mutex_init(&rl->lock, NULL);
	rl->qps = qps == 0 ? CF_RATELIMIT_QPS_DEFAULT : qps;
	rl->burst = burst > 0 ? burst : CF_RATELIMIT_BURST_DEFAULT;
	/* Full at start, as client-go's limiter: a controller's first
	 * list-and-watch burst at start-up should not be throttled. */
	rl->tokens = rl->burst;
	rl->last_ns = -1; /* first reserve starts the clock */
}

void cf_ratelimit_release(cf_ratelimit *rl)
{
	pthread_mutex_destroy(&rl->lock);
}

int64_t cf_ratelimit_reserve(cf_ratelimit *rl, int64_t now_ns)
{
	int64_t wait = 0;

	if (rl->qps < 0) /* unlimited: API Priority and Fairness does it */
		return 0;
	pthread_mutex_lock(&rl->lock);
	if (rl->last_ns >= 0 && now_ns > rl->last_ns) {
		rl->tokens += (double)(now_ns - rl->last_ns) * rl->qps / 1e9;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
	}
	/* A clock that went backwards (another thread's older now_ns) must
	 * not make time run backwards for the bucket. */
	if (now_ns > rl->last_ns)
		rl->last_ns = now_ns;
	rl->tokens -= 1;
	if (rl->tokens < 0)
		wait = (int64_t)(-rl->tokens * 1e9 / rl->qps + 0.5);
	pthread_mutex_unlock(&rl->lock);
	return wait;
}

void cf_sleep_ms(int64_t ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void cf_ratelimit_wait(cf_ratelimit *rl)
{
	int64_t ns = cf_ratelimit_reserve(rl, cf_clock_mono_ns());
	struct timespec ts;

	if (ns <= 0)
		return;
	ts.tv_sec = ns / 1000000000;
	ts.tv_nsec = ns % 1000000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* splitmix64: enough randomness to keep retrying clients from moving in
 * lock step, and deterministic for a given seed in tests. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

int64_t cf_backoff_next(cf_backoff *b)
{
	int64_t base = b->base_ms > 0 ? b->base_ms : 100;
	int64_t max = b->max_ms > 0 ? b->max_ms : 10000;
	int64_t d = base;

	/* Doubling stops at the cap, so a large attempt count cannot
	 * overflow d. */
	for (unsigned i = 0; i < b->attempt && d < max; i++)
		d *= 2;
	if (d > max)
		d = max;
	b->attempt++;
	if (b->jitter > 0) {
		double f = (double)(next_rand(&b->seed) >> 11) / 9007199254740992.0;

		d += (int64_t)((double)d * b->jitter * f);
	}
	return d;
}

int64_t cf_backoff_delay(cf_backoff *b, long retry_after_s)
{
	int64_t max = b->max_ms > 0 ? b->max_ms : 10000;

	if (retry_after_s >= 0) {
		/* The server knows its load better than our backoff does;
		 * it still counts as an attempt for the caller's budget. */
		int64_t d = (int64_t)retry_after_s * 1000;

		b->attempt++;
		return d > max ? max : d;
	}
	return cf_backoff_next(b);
}
