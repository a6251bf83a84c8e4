/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One mutex guards everything: a hash of per-key items (state bits,
 * failure count, pending deadline), a FIFO of ready items and a min-heap
 * of delayed ones. There is no timer thread: a worker waiting in
 * cf_wq_get sleeps until the earliest deadline and promotes due items
 * itself, so an idle queue costs nothing.
 *
 * The dirty/processing pair is client-go's: dirty means "must run
 * (again)", processing means "a worker holds it". add sets dirty and
 * queues only when not processing; done re-queues a dirty item. That is
 * what keeps one key off two workers and coalesces bursts of events.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "runtime/workqueue.h"

struct wq_item {
	struct wq_item *next;   /* hash chain */
	unsigned long hash;
	int dirty, processing;
	int failures;
	int64_t delay_at;       /* ns, monotonic; 0 = not waiting */
	int heap_refs;          /* heap nodes pointing here (some stale) */
	int64_t started_ns;     /* while processing */
	char key[];             /* "group\0kind\0ns\0name\0": a cf_key
				 * takes 640 bytes, most of them unused */
};

struct wq_timer {
	int64_t at;
	struct wq_item *item;
};

struct cf_wq {
	char *name;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int shutting_down;

	struct wq_item **tab;   /* hash buckets, power of two */
	size_t ntab, nitems;

	struct wq_item **fifo;  /* ready items: fifo[head..len) */
	size_t head, len, alloc;

	struct wq_timer *heap;
	size_t nheap, aheap;
	int64_t ndelayed;       /* items with delay_at != 0 */
	int64_t nprocessing;

	int64_t min_ns, max_ns;
	double qps, tokens;     /* token bucket; qps <= 0: none */
	int burst;
	int64_t bucket_last_ns;

	cf_wq_stats st;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

cf_wq *cf_wq_new(const char *name, const cf_wq_opts *opts)
{
	static const cf_wq_opts defaults = { 0 };
	cf_wq *q = cf_xcalloc(1, sizeof(*q));
	pthread_condattr_t ca;

	if (!opts)
		opts = &defaults;
	q->name = cf_xstrdup(name ? name : "");
	pthread_mutex_init(&q->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cv, &ca);
	pthread_condattr_destroy(&ca);
	q->ntab = 64;
	q->tab = cf_xcalloc(q->ntab, sizeof(*q->tab));
	q->min_ns = (opts->min_retry_ms > 0 ? opts->min_retry_ms :
	    CF_WQ_MIN_RETRY_MS) * 1000000;
	q->max_ns = (opts->max_retry_ms > 0 ? opts->max_retry_ms :
	    CF_WQ_MAX_RETRY_MS) * (int64_t)1000000;
	if (q->max_ns < q->min_ns)
		q->max_ns = q->min_ns;
	q->qps = opts->qps == 0 ? 10 : opts->qps;
	q->burst = opts->burst > 0 ? opts->burst : 100;
	q->tokens = q->burst;
	q->bucket_last_ns = now_ns();
	return q;
}

void cf_wq_free(cf_wq *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->ntab; i++) {
		struct wq_item *it = q->tab[i], *next;

		for (; it; it = next) {
			next = it->next;
			free(it);
		}
	}
	free(q->tab);
	free(q->fifo);
	free(q->heap);
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	free(q->name);
	free(q);
}

const char *cf_wq_name(const cf_wq *q)
{
	return q->name;
}

/* ---- the item table ---- */

static const char *const *key_parts(const cf_key *k, const char *parts[4])
{
	parts[0] = k->group;
	parts[1] = k->kind;
	parts[2] = k->ns;
	parts[3] = k->name;
	return parts;
}

static bool key_matches(const char *packed, const cf_key *k)
{
	const char *parts[4];

	key_parts(k, parts);
	for (int i = 0; i < 4; i++) {
		if (strcmp(packed, parts[i]))
			return false;
		packed += strlen(packed) + 1;
	}
	return true;
}

static struct wq_item *item_new(const cf_key *k)
{
	const char *parts[4];
	size_t len[4], total = 0;
	struct wq_item *it;
	char *p;

	key_parts(k, parts);
	for (int i = 0; i < 4; i++)
		total += (len[i] = strlen(parts[i])) + 1;
	it = cf_xcalloc(1, sizeof(*it) + total);
	p = it->key;
	for (int i = 0; i < 4; i++) {
		memcpy(p, parts[i], len[i] + 1);
		p += len[i] + 1;
	}
	return it;
}

/* The parts were a valid cf_key's, so they fit. */
static void key_unpack(cf_key *out, const char *packed)
{
	char *dst[4] = { out->group, out->kind, out->ns, out->name };
	size_t cap[4] = { sizeof(out->group), sizeof(out->kind),
	    sizeof(out->ns), sizeof(out->name) };

	for (int i = 0; i < 4; i++) {
		snprintf(dst[i], cap[i], "%s", packed);
		packed += strlen(packed) + 1;
	}
}

static struct wq_item *lookup(cf_wq *q, const cf_key *key, int create)
{
	unsigned long h = cf_key_hash(key);
	struct wq_item **slot = &q->tab[h & (q->ntab - 1)], *it;

	for (it = *slot; it; it = it->next)
		if (it->hash == h && key_matches(it->key, key))
			return it;
	if (!create)
		return NULL;
	if (q->nitems >= q->ntab * 2) {
		/* Rehash into twice the buckets. */
		size_t n = q->ntab * 2;
		struct wq_item **tab = cf_xcalloc(n, sizeof(*tab));

		for (size_t i = 0; i < q->ntab; i++) {
			struct wq_item *e = q->tab[i], *next;

			for (; e; e = next) {
				next = e->next;
				e->next = tab[e->hash & (n - 1)];
				tab[e->hash & (n - 1)] = e;
			}
		}
		free(q->tab);
		q->tab = tab;
		q->ntab = n;
		slot = &q->tab[h & (q->ntab - 1)];
	}
	it = item_new(key);
	it->hash = h;
	it->next = *slot;
	*slot = it;
	q->nitems++;
	return it;
}

/* Drop an item nothing refers to any more. */
static void maybe_free(cf_wq *q, struct wq_item *it)
{
	struct wq_item **p;

	if (it->dirty || it->processing || it->failures || it->delay_at ||
	    it->heap_refs)
		return;
	for (p = &q->tab[it->hash & (q->ntab - 1)]; *p; p = &(*p)->next)
		if (*p == it) {
			*p = it->next;
			q->nitems--;
			free(it);
			return;
		}
	CF_BUG("work queue item not in its table");
}

/* ---- ready FIFO and timer heap ---- */

static void fifo_push(cf_wq *q, struct wq_item *it)
{
	if (q->head && q->head * 2 >= q->len) {
		memmove(q->fifo, q->fifo + q->head,
		    (q->len - q->head) * sizeof(*q->fifo));
		q->len -= q->head;
		q->head = 0;
	}
	CF_GROW(q->fifo, q->alloc, q->len + 1);
	q->fifo[q->len++] = it;
	q->st.depth++;
	pthread_cond_signal(&q->cv);
}

static void add_locked(cf_wq *q, struct wq_item *it)
{
	q->st.adds++;
	if (it->dirty)
		return;
	it->dirty = 1;
	if (!it->processing)
		fifo_push(q, it);
}

static void heap_push(cf_wq *q, int64_t at, struct wq_item *it)
{
	size_t i;

	CF_GROW(q->heap, q->aheap, q->nheap + 1);
	i = q->nheap++;
	while (i > 0 && q->heap[(i - 1) / 2].at > at) {
		q->heap[i] = q->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	q->heap[i] = (struct wq_timer){ at, it };
	it->heap_refs++;
}

static struct wq_timer heap_pop(cf_wq *q)
{
	struct wq_timer top = q->heap[0], last = q->heap[--q->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= q->nheap)
			break;
		if (c + 1 < q->nheap && q->heap[c + 1].at < q->heap[c].at)
			c++;
		if (q->heap[c].at >= last.at)
			break;
		q->heap[i] = q->heap[c];
		i = c;
	}
	if (q->nheap)
		q->heap[i] = last;
	return top;
}

/* Move due timers to the FIFO. A node whose deadline no longer matches
 * its item's was superseded by an earlier add_after: it only drops its
 * reference. */
static void promote(cf_wq *q, int64_t now)
{
	while (q->nheap && q->heap[0].at <= now) {
		struct wq_timer t = heap_pop(q);

		t.item->heap_refs--;
		if (t.item->delay_at == t.at) {
			t.item->delay_at = 0;
			q->ndelayed--;
			if (!q->shutting_down)
				add_locked(q, t.item);
		}
		maybe_free(q, t.item);
	}
}

static void add_after_locked(cf_wq *q, const cf_key *key, int64_t delay_ns)
{
	struct wq_item *it;
	int64_t at;

	if (q->shutting_down)
		return;
	it = lookup(q, key, 1);
	if (delay_ns <= 0) {
		add_locked(q, it);
		return;
	}
	at = now_ns() + delay_ns;
	if (it->delay_at && it->delay_at <= at)
		return;
	if (!it->delay_at)
		q->ndelayed++;
	it->delay_at = at;
	heap_push(q, at, it);
	/* A sleeping worker may need to wake sooner than it planned. */
	pthread_cond_broadcast(&q->cv);
}

/* ---- producers ---- */

void cf_wq_add(cf_wq *q, const cf_key *key)
{
	pthread_mutex_lock(&q->mu);
	add_after_locked(q, key, 0);
	pthread_mutex_unlock(&q->mu);
}

void cf_wq_add_after(cf_wq *q, const cf_key *key, int64_t delay_ms)
{
	pthread_mutex_lock(&q->mu);
	add_after_locked(q, key, delay_ms > 0 ? delay_ms * 1000000 : 0);
	pthread_mutex_unlock(&q->mu);
}

/* Reserve one token (golang.org/x/time/rate's Reserve): the bucket may
 * go negative, and the wait is how long until it is back at zero. */
static int64_t bucket_wait_ns(cf_wq *q)
{
	int64_t now = now_ns();

	if (q->qps <= 0)
		return 0;
	q->tokens += (double)(now - q->bucket_last_ns) / 1e9 * q->qps;
	if (q->tokens > q->burst)
		q->tokens = q->burst;
	q->bucket_last_ns = now;
	q->tokens -= 1;
	if (q->tokens >= 0)
		return 0;
	return (int64_t)(-q->tokens / q->qps * 1e9);
}

int64_t cf_wq_add_rate_limited(cf_wq *q, const cf_key *key)
{
	struct wq_item *it;
	int64_t d = 0, b;

	pthread_mutex_lock(&q->mu);
	if (!q->shutting_down) {
		it = lookup(q, key, 1);
		/* min * 2^failures without overflow: stop doubling at max. */
		d = q->min_ns;
		for (int i = 0; i < it->failures && d < q->max_ns; i++)
			d *= 2;
		if (d > q->max_ns)
			d = q->max_ns;
		it->failures++;
		q->st.retries++;
		b = bucket_wait_ns(q);
		if (b > d)
			d = b;
		add_after_locked(q, key, d);
	}
	pthread_mutex_unlock(&q->mu);
	return d / 1000000;
}

void cf_wq_forget(cf_wq *q, const cf_key *key)
{
	struct wq_item *it;

	pthread_mutex_lock(&q->mu);
	it = lookup(q, key, 0);
	if (it) {
		it->failures = 0;
		maybe_free(q, it);
	}
	pthread_mutex_unlock(&q->mu);
}

int cf_wq_num_requeues(cf_wq *q, const cf_key *key)
{
	struct wq_item *it;
	int n;

	pthread_mutex_lock(&q->mu);
	it = lookup(q, key, 0);
	n = it ? it->failures : 0;
	pthread_mutex_unlock(&q->mu);
	return n;
}

/* ---- consumers ---- */

int cf_wq_get(cf_wq *q, cf_key *out)
{
	struct wq_item *it;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (q->shutting_down) {
			pthread_mutex_unlock(&q->mu);
			return 1;
		}
		promote(q, now_ns());
		if (q->head < q->len)
			break;
		if (q->nheap) {
			struct timespec ts;
			int64_t at = q->heap[0].at;

			ts.tv_sec = at / 1000000000;
			ts.tv_nsec = at % 1000000000;
			pthread_cond_timedwait(&q->cv, &q->mu, &ts);
		} else {
			pthread_cond_wait(&q->cv, &q->mu);
		}
	}
	it = q->fifo[q->head++];
	q->st.depth--;
	it->dirty = 0;
	it->processing = 1;
	it->started_ns = now_ns();
	q->nprocessing++;
	key_unpack(out, it->key);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

void cf_wq_done(cf_wq *q, const cf_key *key)
{
	struct wq_item *it;

	pthread_mutex_lock(&q->mu);
	it = lookup(q, key, 0);
	if (!it || !it->processing)
		CF_BUG("cf_wq_done for a key no worker holds");
	{
		double s = (double)(now_ns() - it->started_ns) / 1e9;
		double bound = 1e-8;

		q->st.work_count++;
		q->st.work_seconds_sum += s;
		for (int i = 0; i < CF_WQ_DURATION_BUCKETS; i++, bound *= 10)
			if (s <= bound)
				q->st.work_bucket[i]++;
	}
	it->processing = 0;
	q->nprocessing--;
	if (it->dirty && !q->shutting_down)
		fifo_push(q, it);
	else
		it->dirty = 0;
	maybe_free(q, it);
	pthread_mutex_unlock(&q->mu);
}

void cf_wq_shutdown(cf_wq *q)
{
	pthread_mutex_lock(&q->mu);
	q->shutting_down = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* ---- queries ---- */

int64_t cf_wq_len(cf_wq *q)
{
	int64_t n;

	pthread_mutex_lock(&q->mu);
	promote(q, now_ns());
	n = (int64_t)(q->len - q->head);
	pthread_mutex_unlock(&q->mu);
	return n;
}

void cf_wq_stats_get(cf_wq *q, cf_wq_stats *out)
{
	int64_t now = now_ns(), oldest = 0;

	pthread_mutex_lock(&q->mu);
	*out = q->st;
	out->delayed = q->ndelayed;
	out->processing = q->nprocessing;
	for (size_t i = 0; i < q->ntab; i++)
		for (struct wq_item *it = q->tab[i]; it; it = it->next)
			if (it->processing && now - it->started_ns > oldest)
				oldest = now - it->started_ns;
	pthread_mutex_unlock(&q->mu);
	out->longest_running_s = (double)oldest / 1e9;
}
