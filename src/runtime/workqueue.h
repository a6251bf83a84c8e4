/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The controller work queue (client-go's rate-limiting delaying queue).
 * It holds cf_key values, never pointers. A key is queued at most once;
 * a key added while a worker processes it is queued again, once, when
 * the worker calls cf_wq_done, so one key never runs on two workers.
 * Delayed adds wait in a timer heap; rate-limited adds wait for the
 * item's exponential backoff or the queue's token bucket, whichever is
 * longer. Thread-safe. Keeps the counters /metrics exposes (metrics.h);
 * it does not serve them.
 */
#ifndef CF_RUNTIME_WORKQUEUE_H
#define CF_RUNTIME_WORKQUEUE_H

#include <stdint.h>

#include "runtime/key.h"

typedef struct cf_wq cf_wq;

/* Flux's --min-retry-delay / --max-retry-delay (spec/flux-api.md §1.7).
 * controller-runtime's own default would be 5 ms .. 1000 s. */
#define CF_WQ_MIN_RETRY_MS 750
#define CF_WQ_MAX_RETRY_MS (15 * 60 * 1000)

/* Work-duration histogram buckets, seconds: 1e-8 * 10^i (client-go's). */
#define CF_WQ_DURATION_BUCKETS 12

/* Zero means default for every field. */
typedef struct cf_wq_opts {
	int64_t min_retry_ms; /* 0 = CF_WQ_MIN_RETRY_MS */
	int64_t max_retry_ms; /* 0 = CF_WQ_MAX_RETRY_MS */
	double qps;           /* overall bucket; 0 = 10; < 0 = none */
	int burst;            /* 0 = 100 */
} cf_wq_opts;

/* Counters since cf_wq_new (a snapshot: plain data). */
typedef struct cf_wq_stats {
	int64_t depth;        /* keys ready to be handed out */
	int64_t delayed;      /* keys waiting in the timer heap */
	int64_t processing;   /* keys held by workers */
	uint64_t adds;        /* calls that queued (or re-marked) a key */
	uint64_t retries;     /* cf_wq_add_rate_limited calls */
	uint64_t work_count;  /* cf_wq_done calls */
	double work_seconds_sum;
	/* cumulative: bucket i counts durations <= 1e-8 * 10^i s */
	uint64_t work_bucket[CF_WQ_DURATION_BUCKETS];
	double longest_running_s; /* oldest key now being processed */
} cf_wq_stats;

/* A queue named name (copied; the "name" label of the metrics). Owned:
 * cf_wq_free() after every worker has returned from cf_wq_get. */
cf_wq *cf_wq_new(const char *name, const cf_wq_opts *opts);
void cf_wq_free(cf_wq *q);

/* ---- queries ---- */

const char *cf_wq_name(const cf_wq *q);
/* Keys ready now (client-go's Len). */
int64_t cf_wq_len(cf_wq *q);
/* Rate-limited adds since the key's last cf_wq_forget. */
int cf_wq_num_requeues(cf_wq *q, const cf_key *key);
void cf_wq_stats_get(cf_wq *q, cf_wq_stats *out);

/* ---- producers ---- */

/* Queue key now. A no-op if it is already queued or after shutdown. */
void cf_wq_add(cf_wq *q, const cf_key *key);
/* Queue key after delay_ms (<= 0: now). A key already waiting keeps the
 * earlier of its two deadlines. */
void cf_wq_add_after(cf_wq *q, const cf_key *key, int64_t delay_ms);
/* Queue key after its backoff (min * 2^failures, capped at max) or the
 * bucket's wait, whichever is longer, and count one more failure.
 * Returns the delay chosen, in ms. */
int64_t cf_wq_add_rate_limited(cf_wq *q, const cf_key *key);
/* Reset key's failure count (call after a successful pass). */
void cf_wq_forget(cf_wq *q, const cf_key *key);

/* ---- consumers ---- */

/* Block until a key is ready, copy it to *out and mark it processing.
 * Returns 0, or 1 once the queue is shut down: keys still queued are not
 * handed out after that (workers finish the key they hold, then stop). */
int cf_wq_get(cf_wq *q, cf_key *out);
/* The worker is finished with key (from cf_wq_get). If key was added
 * meanwhile it is queued again now. */
void cf_wq_done(cf_wq *q, const cf_key *key);
/* Stop handing out keys and wake every cf_wq_get; adds are ignored. */
void cf_wq_shutdown(cf_wq *q);

#endif
