/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Client-side pacing: a token bucket (client-go's QPS/burst limiter,
 * --kube-api-qps 50 and --kube-api-burst 300 in Flux) and exponential
 * backoff with jitter for retries. Both take explicit clock values so
 * they can be tested without sleeping; the *_wait helpers sleep for real.
 */
#ifndef CF_CLIENT_RATELIMIT_H
#define CF_CLIENT_RATELIMIT_H

#include <pthread.h>
#include <stdint.h>

#define CF_RATELIMIT_QPS_DEFAULT 50.0
#define CF_RATELIMIT_BURST_DEFAULT 300

/* Thread-safe. Initialise with cf_ratelimit_init; no release needed
 * beyond cf_ratelimit_release (the mutex). */
typedef struct cf_ratelimit {
	pthread_mutex_t lock;
	double qps;      /* tokens per second; <= 0 disables the limiter */
	double burst;    /* bucket size */
	double tokens;   /* may go negative: reservations not yet due */
	int64_t last_ns; /* when tokens was last brought up to date */
} cf_ratelimit;

/* qps 0 means CF_RATELIMIT_QPS_DEFAULT, qps < 0 means unlimited; burst 0
 * means CF_RATELIMIT_BURST_DEFAULT. The bucket starts full. */
void cf_ratelimit_init(cf_ratelimit *rl, double qps, int burst);
void cf_ratelimit_release(cf_ratelimit *rl);

/* Take one token at monotonic time now_ns and return how long the caller
 * must wait before using it (0 when one was available). Tokens taken
 * while the bucket is empty queue up: each waits 1/qps after the one
 * before (Go's rate.Limiter.Reserve). */
int64_t cf_ratelimit_reserve(cf_ratelimit *rl, int64_t now_ns);

/* Reserve a token and sleep until it is due. */
void cf_ratelimit_wait(cf_ratelimit *rl);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t cf_clock_mono_ns(void);

/* Exponential backoff: base, 2*base, 4*base ... capped at max, each with
 * up to +jitter fraction added. Plain data, one per retry loop. */
typedef struct cf_backoff {
	int64_t base_ms;  /* 0 = 100 ms */
	int64_t max_ms;   /* 0 = 10 s */
	double jitter;    /* 0..1; 0 = none */
	unsigned attempt; /* retries so far */
	uint64_t seed;    /* jitter PRNG state; 0 is fine */
} cf_backoff;

#define CF_BACKOFF_INIT { 0, 0, 0.0, 0, 0 }

/* The delay before the next retry; advances the attempt count. */
int64_t cf_backoff_next(cf_backoff *b);

/*
 * The delay for a response that said Retry-After: retry_after_s seconds
 * (when >= 0), else the backoff's next delay. Retry-After is capped at
 * max_ms too, so a server cannot park a controller for an hour.
 */
int64_t cf_backoff_delay(cf_backoff *b, long retry_after_s);

/* Sleep ms milliseconds (restarting after signals). */
void cf_sleep_ms(int64_t ms);

#endif
