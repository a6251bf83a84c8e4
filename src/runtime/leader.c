/* SPDX-License-Identifier: Apache-2.0 */
/*
 * client-go's LeaderElector over a LeaseLock, step for step:
 *
 *   acquire   every retry period (jittered by up to 1.2x, so electors
 *             started together spread out) try to acquire or renew;
 *   lead      start on_started on its own thread, then renew every retry
 *             period; a renewal that has not succeeded for the renew
 *             deadline ends leadership (the lease may already be
 *             someone else's);
 *   stop      on_stopped first, then release the lease so a standby
 *             takes over within its next retry instead of waiting for
 *             the lease to run out.
 *
 * Stopping before the release is a deliberate change from client-go,
 * which releases and then calls OnStoppedLeading: the artifact server
 * and the controllers are down before anyone else may start theirs, so
 * two leaders never act at once.
 *
 * Only the elector thread touches the observed record, the cached
 * resourceVersion and the arena; the mutex guards the flags the other
 * threads read.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "runtime/leader.h"

#define LEASE_API "coordination.k8s.io/v1"
#define TIME_MAX 40 /* "2006-01-02T15:04:05.000000Z" and then some */

/* What a Lease's spec says (client-go's LeaderElectionRecord). */
struct record {
	char holder[CF_LEADER_ID_MAX];
	int64_t duration_s;
	char acquire[TIME_MAX], renew[TIME_MAX];
	int64_t transitions;
};

struct cf_leader {
	cf_client *c;
	char *ns, *name;
	char identity[CF_LEADER_ID_MAX];
	int64_t lease_ms, deadline_ms, retry_ms;
	bool release;
	void (*on_started)(void *);
	void (*on_stopped)(void *);
	void *payload;

	pthread_mutex_t mu;
	pthread_cond_t cv;          /* CLOCK_MONOTONIC; stop and leading */
	pthread_t thread, cb_thread;
	bool started, stopping, leading, lost, cb_running;

	/* elector thread only */
	struct record observed;
	int64_t observed_ms;        /* monotonic: when observed changed */
	char rv[64];                /* of the Lease we last read or wrote */
	uint64_t rng;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ms from now on CLOCK_MONOTONIC, for pthread_cond_timedwait. */
static struct timespec deadline(int64_t ms)
{
	int64_t until = now_ms() + ms;

	return (struct timespec){ .tv_sec = until / 1000,
		.tv_nsec = (until % 1000) * 1000000 };
}

/* MicroTime: RFC 3339 in UTC with six decimals, as metav1 writes it. */
static void micro_time(char out[TIME_MAX])
{
	struct timespec ts;
	struct tm tm;
	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, TIME_MAX, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, TIME_MAX - n, ".%06dZ", (int)(ts.tv_nsec / 1000));
}

static uint64_t next_rand(uint64_t *s)
{
	/* xorshift64: jitter needs spread, not secrecy. */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int cf_leader_lease_name(char *out, size_t n, const char *controller,
    const char *selector)
{
	uint32_t h = 2166136261u;
	int w;

	if (!selector || !*selector) {
		w = snprintf(out, n, "%s-leader-election", controller);
	} else {
		for (const char *p = selector; *p; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
		w = snprintf(out, n, "%s-leader-election-%08x", controller,
		    (unsigned)h);
	}
	if (w < 0 || (size_t)w >= n)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "lease name for '%s' too long", controller);
	return 0;
}

/* "<hostname>_<16 hex>": unique per process as controller-runtime's
 * hostname + "_" + UUID is. */
static void default_identity(char *out, size_t n, uint64_t r)
{
	char host[128];

	if (gethostname(host, sizeof(host)) < 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(out, n, "%s_%016llx", host, (unsigned long long)r);
}

int cf_leader_new(cf_leader **out, cf_client *c, const cf_leader_opts *opts)
{
	cf_leader *l;
	pthread_condattr_t ca;

	*out = NULL;
	if (!opts->ns || !*opts->ns || !opts->name || !*opts->name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "leader election needs a lease namespace and name");
	l = cf_xcalloc(1, sizeof(*l));
	l->c = c;
	l->ns = cf_xstrdup(opts->ns);
	l->name = cf_xstrdup(opts->name);
	l->lease_ms = opts->lease_ms > 0 ? opts->lease_ms : CF_LEADER_LEASE_MS;
	l->deadline_ms = opts->renew_deadline_ms > 0 ?
	    opts->renew_deadline_ms : CF_LEADER_RENEW_DEADLINE_MS;
	l->retry_ms = opts->retry_ms > 0 ? opts->retry_ms : CF_LEADER_RETRY_MS;
	l->release = !opts->keep_on_stop;
	l->on_started = opts->on_started;
	l->on_stopped = opts->on_stopped;
	l->payload = opts->payload;
	if (getrandom(&l->rng, sizeof(l->rng), 0) != sizeof(l->rng))
		l->rng = (uint64_t)now_ms() ^ (uint64_t)getpid() << 32;
	l->rng |= 1; /* xorshift must not start at 0 */
	if (opts->identity)
		snprintf(l->identity, sizeof(l->identity), "%s",
		    opts->identity);
	else
		default_identity(l->identity, sizeof(l->identity),
		    next_rand(&l->rng));
	pthread_mutex_init(&l->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&l->cv, &ca);
	pthread_condattr_destroy(&ca);
	*out = l;
	return 0;
}

void cf_leader_free(cf_leader *l)
{
	if (!l)
		return;
	cf_leader_stop(l);
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l->ns);
	free(l->name);
	free(l);
}

/* ---- the Lease on the wire ---- */

/* Fields the Lease lacks read as empty and zero, as client-go's
 * LeaseSpecToLeaderElectionRecord leaves them; a Lease created by hand
 * with no holder is then free to take. */
static void record_read(struct record *r, const cf_node *lease)
{
	const cf_node *spec = cf_node_get(lease, "spec");
	const char *s;

	memset(r, 0, sizeof(*r));
	if ((s = cf_node_getp_str(spec, "holderIdentity", NULL)))
		snprintf(r->holder, sizeof(r->holder), "%s", s);
	if ((s = cf_node_getp_str(spec, "acquireTime", NULL)))
		snprintf(r->acquire, sizeof(r->acquire), "%s", s);
	if ((s = cf_node_getp_str(spec, "renewTime", NULL)))
		snprintf(r->renew, sizeof(r->renew), "%s", s);
	cf_node_as_int(cf_node_get(spec, "leaseDurationSeconds"),
	    &r->duration_s);
	cf_node_as_int(cf_node_get(spec, "leaseTransitions"),
	    &r->transitions);
}

/* Whether the holder wrote anything since we last looked; a renewal
 * changes renewTime, so a live holder always looks changed. */
static bool record_equal(const struct record *a, const struct record *b)
{
	return !strcmp(a->holder, b->holder) &&
	    a->duration_s == b->duration_s &&
	    !strcmp(a->acquire, b->acquire) && !strcmp(a->renew, b->renew) &&
	    a->transitions == b->transitions;
}

/* The Lease carrying rec; rv "" for a create. Only our fields are sent:
 * labels or annotations someone put on the Lease are not kept. */
static cf_node *lease_node(cf_arena *a, const cf_leader *l,
    const struct record *rec, const char *rv)
{
	cf_node *o = cf_node_map(a), *meta, *spec;

	cf_node_set(a, o, "apiVersion", cf_node_str(a, LEASE_API));
	cf_node_set(a, o, "kind", cf_node_str(a, "Lease"));
	meta = cf_node_set_map(a, o, "metadata");
	cf_node_set(a, meta, "name", cf_node_str(a, l->name));
	cf_node_set(a, meta, "namespace", cf_node_str(a, l->ns));
	if (*rv)
		cf_node_set(a, meta, "resourceVersion", cf_node_str(a, rv));
	spec = cf_node_set_map(a, o, "spec");
	cf_node_set(a, spec, "holderIdentity", cf_node_str(a, rec->holder));
	cf_node_set(a, spec, "leaseDurationSeconds",
	    cf_node_int(a, rec->duration_s));
	cf_node_set(a, spec, "acquireTime", cf_node_str(a, rec->acquire));
	cf_node_set(a, spec, "renewTime", cf_node_str(a, rec->renew));
	cf_node_set(a, spec, "leaseTransitions",
	    cf_node_int(a, rec->transitions));
	return o;
}

/* Create (rv "") or update the Lease with rec; on success rec becomes
 * what we observed, now. */
static int write_lease(cf_leader *l, const struct record *rec,
    const char *rv)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj = lease_node(&a, l, rec, rv), *got = NULL;
	const char *nrv;
	int err;

	err = *rv ? cf_client_update(&got, &a, l->c, obj, NULL) :
	    cf_client_create(&got, &a, l->c, obj, NULL);
	if (!err) {
		nrv = cf_node_getp_str(got, "metadata", "resourceVersion",
		    NULL);
		snprintf(l->rv, sizeof(l->rv), "%s", nrv ? nrv : "");
		l->observed = *rec;
		l->observed_ms = now_ms();
	}
	cf_arena_release(&a);
	return err;
}

/* The lease has not run out by our clock: its duration counted from
 * when we saw it change, never from the holder's renewTime. */
static bool observed_valid(const cf_leader *l, int64_t now)
{
	return l->observed_ms + l->observed.duration_s * 1000 > now;
}

/* The record we want to hold: ours, renewed now. */
static void desired_record(struct record *r, const cf_leader *l)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->holder, sizeof(r->holder), "%s", l->identity);
	r->duration_s = (l->lease_ms + 999) / 1000;
	micro_time(r->renew);
	memcpy(r->acquire, r->renew, sizeof(r->acquire));
}

/* Read the Lease and decide; 1 = we hold it now, 0 = not ours. */
static int slow_acquire(cf_leader *l, struct record *want, int64_t now)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *got = NULL;
	struct record old;
	const char *s;
	char rv[64];
	int err;

	err = cf_client_get(&got, &a, l->c, LEASE_API, "Lease", l->ns,
	    l->name);
	/* No Lease yet: whoever creates it first leads. */
	if (err == CF_ENOTFOUND) {
		cf_arena_release(&a);
		return write_lease(l, want, "") == 0;
	}
	if (err < 0) {
		cf_log(CF_LOG_ERROR, "error retrieving resource lock",
		    "lease", l->name, "namespace", l->ns,
		    "error", cf_error_msg(), NULL);
		cf_arena_release(&a);
		return 0;
	}
	record_read(&old, got);
	s = cf_node_getp_str(got, "metadata", "resourceVersion", NULL);
	snprintf(rv, sizeof(rv), "%s", s ? s : "");
	cf_arena_release(&a);

	/* Validity runs from when we saw the record change. */
	if (!record_equal(&old, &l->observed)) {
		l->observed = old;
		l->observed_ms = now;
	}
	snprintf(l->rv, sizeof(l->rv), "%s", rv);
	/* Someone else holds a lease that has not run out. An empty
	 * holder is a released lease: free at once. */
	if (old.holder[0] && strcmp(old.holder, l->identity) &&
	    observed_valid(l, now))
		return 0;
	/* Ours already (a renewal after a failed fast path): keep when we
	 * acquired it. Else it changes hands: one transition more. */
	if (!strcmp(old.holder, l->identity)) {
		memcpy(want->acquire, old.acquire, sizeof(want->acquire));
		want->transitions = old.transitions;
	} else {
		want->transitions = old.transitions + 1;
	}
	/* A 409 means another elector wrote first: not ours this round. */
	return write_lease(l, want, rv) == 0;
}

/* client-go's tryAcquireOrRenew. */
static bool try_acquire_or_renew(cf_leader *l)
{
	struct record want;
	int64_t now = now_ms();

	desired_record(&want, l);
	/* Fast path: we lead and the lease has not run out by our clock;
	 * update the copy we have without reading it first. */
	if (!strcmp(l->observed.holder, l->identity) && *l->rv &&
	    observed_valid(l, now)) {
		memcpy(want.acquire, l->observed.acquire,
		    sizeof(want.acquire));
		want.transitions = l->observed.transitions;
		if (write_lease(l, &want, l->rv) == 0)
			return true;
		desired_record(&want, l);
	}
	return slow_acquire(l, &want, now) == 1;
}

/* Give the lease up so a standby does not wait for it to expire. */
static void release_lease(cf_leader *l)
{
	struct record rec;

	if (strcmp(l->observed.holder, l->identity))
		return;
	memset(&rec, 0, sizeof(rec));
	rec.duration_s = 1;
	micro_time(rec.renew);
	memcpy(rec.acquire, rec.renew, sizeof(rec.acquire));
	rec.transitions = l->observed.transitions;
	if (write_lease(l, &rec, l->rv) < 0)
		cf_log(CF_LOG_ERROR, "failed to release lock", "lease",
		    l->name, "namespace", l->ns, "error", cf_error_msg(), NULL);
}

/* ---- the election thread ---- */

/* Sleep ms unless stopped meanwhile; returns whether stopping. */
static bool sleep_or_stop(cf_leader *l, int64_t ms)
{
	struct timespec ts = deadline(ms);
	bool stop;

	pthread_mutex_lock(&l->mu);
	while (!l->stopping &&
	    pthread_cond_timedwait(&l->cv, &l->mu, &ts) != ETIMEDOUT)
		;
	stop = l->stopping;
	pthread_mutex_unlock(&l->mu);
	return stop;
}

static void set_leading(cf_leader *l, bool leading, bool lost)
{
	pthread_mutex_lock(&l->mu);
	l->leading = leading;
	l->lost = lost;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* client-go runs OnStartedLeading as a goroutine; this is its thread. */
static void *started_main(void *arg)
{
	cf_leader *l = arg;

	l->on_started(l->payload);
	return NULL;
}

/* Step 1: until the lease is ours or we are told to stop. */
static bool acquire(cf_leader *l)
{
	cf_log(CF_LOG_INFO, "attempting to acquire leader lease", "lease",
	    l->name, "namespace", l->ns, NULL);
	for (;;) {
		if (try_acquire_or_renew(l))
			return true;
		int64_t jitter = (int64_t)(next_rand(&l->rng) %
		    (uint64_t)(l->retry_ms * 6 / 5 + 1));
		if (sleep_or_stop(l, l->retry_ms + jitter))
			return false;
	}
}

/* Step 2: renew until stopped (true) or the deadline passes (false). */
static bool renew(cf_leader *l)
{
	int64_t last = now_ms();

	while (!sleep_or_stop(l, l->retry_ms)) {
		if (try_acquire_or_renew(l)) {
			last = now_ms();
			continue;
		}
		if (now_ms() - last >= l->deadline_ms) {
			cf_log(CF_LOG_ERROR, "failed to renew lease", "lease",
			    l->name, "namespace", l->ns, NULL);
			return false;
		}
	}
	return true;
}

static void *elector_main(void *arg)
{
	cf_leader *l = arg;
	bool stopped;

	if (!acquire(l))
		return NULL;
	cf_log(CF_LOG_INFO, "successfully acquired lease", "lease", l->name,
	    "namespace", l->ns, "identity", l->identity, NULL);
	set_leading(l, true, false);
	if (l->on_started)
		l->cb_running = pthread_create(&l->cb_thread, NULL,
		    started_main, l) == 0;
	stopped = renew(l);
	set_leading(l, false, !stopped);
	/* Step 3: what on_started built is torn down before the lease
	 * goes, so its successor never overlaps it. */
	if (l->cb_running)
		pthread_join(l->cb_thread, NULL);
	l->cb_running = false;
	if (l->on_stopped)
		l->on_stopped(l->payload);
	if (stopped && l->release)
		release_lease(l);
	return NULL;
}

int cf_leader_start(cf_leader *l)
{
	if (l->started)
		CF_BUG("cf_leader_start called twice");
	if (pthread_create(&l->thread, NULL, elector_main, l) != 0)
		return cf_error_set(CF_ERR_OS, "cannot start leader election");
	l->started = true;
	return 0;
}

void cf_leader_stop(cf_leader *l)
{
	pthread_mutex_lock(&l->mu);
	l->stopping = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (l->started) {
		pthread_join(l->thread, NULL);
		l->started = false;
	}
}

/* ---- queries ---- */

const char *cf_leader_identity(const cf_leader *l)
{
	return l->identity;
}

static bool read_flag(cf_leader *l, const bool *flag)
{
	bool v;

	pthread_mutex_lock(&l->mu);
	v = *flag;
	pthread_mutex_unlock(&l->mu);
	return v;
}

bool cf_leader_is_leading(cf_leader *l)
{
	return read_flag(l, &l->leading);
}

bool cf_leader_lost(cf_leader *l)
{
	return read_flag(l, &l->lost);
}

int cf_leader_wait(cf_leader *l, int64_t timeout_ms)
{
	struct timespec ts = deadline(timeout_ms);
	int err = 0;

	pthread_mutex_lock(&l->mu);
	while (!l->leading && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&l->cv, &l->mu, &ts);
	err = l->leading ? 0 : CF_ETIMEOUT;
	pthread_mutex_unlock(&l->mu);
	return err;
}
