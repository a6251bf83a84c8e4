/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leader election against a real cfluxd ($CFLUXD): two electors in one
 * process contend for one Lease with short timings; only one leads, a
 * stop releases the lease and the other takes over, a lease taken away
 * ends leadership after the renew deadline.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../client/fixture.h"
#include "client/client.h"
#include "core/error.h"
#include "core/json.h"
#include "runtime/leader.h"
#include "test.h"

#define RETRY_MS 200

struct calls {
	atomic_int started, stopped;
};

static void on_started(void *p)
{
	atomic_fetch_add(&((struct calls *)p)->started, 1);
}

static void on_stopped(void *p)
{
	atomic_fetch_add(&((struct calls *)p)->stopped, 1);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static cf_leader *elector(cf_client *c, const char *lease, const char *id,
    struct calls *calls)
{
	cf_leader *l = NULL;
	cf_leader_opts o = {
		.ns = "default",
		.name = lease,
		.identity = id,
		.lease_ms = 2000,
		.renew_deadline_ms = 1500,
		.retry_ms = RETRY_MS,
		.on_started = on_started,
		.on_stopped = on_stopped,
		.payload = calls,
	};

	if (cf_leader_new(&l, c, &o) < 0 || cf_leader_start(l) < 0)
		return NULL;
	return l;
}

/* The Lease's spec, in a. */
static const cf_node *lease_spec(cf_arena *a, cf_client *c, const char *name)
{
	cf_node *o = NULL;

	if (cf_client_get(&o, a, c, "coordination.k8s.io/v1", "Lease",
	    "default", name) < 0)
		return NULL;
	return cf_node_get(o, "spec");
}

static int64_t spec_int(const cf_node *spec, const char *key)
{
	int64_t v = -1;

	cf_node_as_int(cf_node_get(spec, key), &v);
	return v;
}

/* MicroTime: "YYYY-MM-DDTHH:MM:SS.uuuuuuZ". */
static int is_micro_time(const char *s)
{
	return s && strlen(s) == 27 && s[10] == 'T' && s[19] == '.' &&
	    s[26] == 'Z';
}

/* Wait until exactly one of a, b leads; returns it or NULL. */
static cf_leader *one_leader(cf_leader *a, cf_leader *b, int64_t ms)
{
	int64_t end = mono_ms() + ms;

	while (mono_ms() < end) {
		bool la = cf_leader_is_leading(a), lb = cf_leader_is_leading(b);
		if (la && lb)
			return NULL;
		if (la || lb)
			return la ? a : b;
		fx_sleep_ms(20);
	}
	return NULL;
}

TEST(test_runtime_leader__lease_name)
{
	char n[128];

	CHECK_INT(cf_leader_lease_name(n, sizeof(n), "source-controller",
	    NULL), 0);
	CHECK_STR(n, "source-controller-leader-election");
	CHECK_INT(cf_leader_lease_name(n, sizeof(n), "source-controller",
	    ""), 0);
	CHECK_STR(n, "source-controller-leader-election");
	/* FNV-1a 32 of "a" is 0xe40c292c. */
	CHECK_INT(cf_leader_lease_name(n, sizeof(n), "source-controller",
	    "a"), 0);
	CHECK_STR(n, "source-controller-leader-election-e40c292c");
	CHECK_INT(cf_leader_lease_name(n, sizeof(n), "kc", "shard=one"), 0);
	CHECK(strlen(n) == strlen("kc-leader-election-") + 8);
	CHECK_INT(cf_leader_lease_name(n, 10, "source-controller", NULL),
	    CF_ETOOLARGE);
}

TEST(test_runtime_leader__default_identity)
{
	cf_client *c = fx_cfluxd(NULL, 0);
	cf_leader *a = NULL, *b = NULL;
	const char *ia, *ib;

	CHECK(c);
	CHECK_INT(cf_leader_new(&a, c, &(cf_leader_opts){ .ns = "default",
	    .name = "x-leader-election" }), 0);
	CHECK_INT(cf_leader_new(&b, c, &(cf_leader_opts){ .ns = "default",
	    .name = "x-leader-election" }), 0);
	ia = cf_leader_identity(a);
	ib = cf_leader_identity(b);
	/* hostname + "_" + 16 hex, different per elector */
	CHECK(strchr(ia, '_') && strlen(strrchr(ia, '_')) == 17);
	CHECK(strcmp(ia, ib) != 0);
	cf_leader_free(a);
	cf_leader_free(b);
	CHECK_INT(cf_leader_new(&a, c, &(cf_leader_opts){ .ns = "default" }),
	    CF_EINVALID);
}

TEST(test_runtime_leader__one_leads_then_hands_over)
{
	cf_client *c = fx_cfluxd(NULL, 0);
	struct calls ca = { 0 }, cb = { 0 };
	cf_arena ar = CF_ARENA_INIT;
	cf_leader *a, *b, *lead, *other;
	struct calls *lc, *oc;
	const cf_node *spec;
	int64_t t0, transitions;

	CHECK(c);
	a = elector(c, "hand-over-leader-election", "pod-a_1", &ca);
	b = elector(c, "hand-over-leader-election", "pod-b_2", &cb);
	CHECK(a && b);
	lead = one_leader(a, b, 5000);
	CHECK(lead);
	other = lead == a ? b : a;
	lc = lead == a ? &ca : &cb;
	oc = lead == a ? &cb : &ca;

	/* Several renewals later, still one leader. */
	fx_sleep_ms(1000);
	CHECK(cf_leader_is_leading(lead));
	CHECK(!cf_leader_is_leading(other));
	CHECK_INT(atomic_load(&lc->started), 1);
	CHECK_INT(atomic_load(&oc->started), 0);

	spec = lease_spec(&ar, c, "hand-over-leader-election");
	CHECK(spec);
	CHECK_STR(cf_node_getp_str(spec, "holderIdentity", NULL),
	    cf_leader_identity(lead));
	CHECK_INT(spec_int(spec, "leaseDurationSeconds"), 2);
	CHECK(is_micro_time(cf_node_getp_str(spec, "acquireTime", NULL)));
	CHECK(is_micro_time(cf_node_getp_str(spec, "renewTime", NULL)));
	/* Renewals keep the acquire time. */
	CHECK(strcmp(cf_node_getp_str(spec, "acquireTime", NULL),
	    cf_node_getp_str(spec, "renewTime", NULL)) < 0);
	transitions = spec_int(spec, "leaseTransitions");

	/* The leader releases on stop; the other takes over well before
	 * the 2 s lease would have run out. */
	t0 = mono_ms();
	cf_leader_free(lead);
	CHECK_INT(atomic_load(&lc->stopped), 1);
	CHECK_INT(cf_leader_wait(other, 3 * RETRY_MS + 300), 0);
	CHECK(mono_ms() - t0 < 1500);
	/* on_started runs on a thread of its own, maybe not yet. */
	for (int i = 0; i < 100 && !atomic_load(&oc->started); i++)
		fx_sleep_ms(10);
	CHECK_INT(atomic_load(&oc->started), 1);

	spec = lease_spec(&ar, c, "hand-over-leader-election");
	CHECK(spec);
	CHECK_STR(cf_node_getp_str(spec, "holderIdentity", NULL),
	    cf_leader_identity(other));
	CHECK_INT(spec_int(spec, "leaseTransitions"), transitions + 1);
	CHECK_INT(spec_int(spec, "leaseDurationSeconds"), 2);
	cf_leader_free(other);
	CHECK_INT(atomic_load(&oc->stopped), 1);
	cf_arena_release(&ar);
}

TEST(test_runtime_leader__release_on_stop)
{
	cf_client *c = fx_cfluxd(NULL, 0);
	struct calls calls = { 0 };
	cf_arena ar = CF_ARENA_INIT;
	const cf_node *spec;
	cf_leader *l;

	CHECK(c);
	l = elector(c, "release-leader-election", "pod-r_1", &calls);
	CHECK(l);
	CHECK_INT(cf_leader_wait(l, 3000), 0);
	cf_leader_stop(l);
	CHECK(!cf_leader_is_leading(l));
	CHECK(!cf_leader_lost(l));
	spec = lease_spec(&ar, c, "release-leader-election");
	CHECK(spec);
	CHECK_STR(cf_node_getp_str(spec, "holderIdentity", NULL), "");
	CHECK_INT(spec_int(spec, "leaseDurationSeconds"), 1);
	CHECK_INT(spec_int(spec, "leaseTransitions"), 0);
	cf_leader_free(l);
	CHECK_INT(atomic_load(&calls.started), 1);
	CHECK_INT(atomic_load(&calls.stopped), 1);
	cf_arena_release(&ar);
}

/* Another holder takes the lease by force: renewals fail, and after the
 * renew deadline leadership is over. */
TEST(test_runtime_leader__lost_after_renew_deadline)
{
	cf_client *c = fx_cfluxd(NULL, 0);
	struct calls calls = { 0 };
	cf_arena ar = CF_ARENA_INIT;
	cf_node *o = NULL, *spec;
	cf_leader *l;
	int64_t t0;

	CHECK(c);
	l = elector(c, "lost-leader-election", "pod-l_1", &calls);
	CHECK(l);
	CHECK_INT(cf_leader_wait(l, 3000), 0);
	CHECK_INT(cf_client_get(&o, &ar, c, "coordination.k8s.io/v1",
	    "Lease", "default", "lost-leader-election"), 0);
	spec = cf_node_get(o, "spec");
	cf_node_set(&ar, spec, "holderIdentity", cf_node_str(&ar, "intruder"));
	cf_node_set(&ar, spec, "leaseDurationSeconds", cf_node_int(&ar, 60));
	CHECK_INT(cf_client_update(NULL, &ar, c, o, NULL), 0);
	t0 = mono_ms();
	while (!cf_leader_lost(l) && mono_ms() - t0 < 5000)
		fx_sleep_ms(20);
	CHECK(cf_leader_lost(l));
	CHECK(!cf_leader_is_leading(l));
	/* Not before the deadline (1.5 s less the retry it may have been
	 * into when the lease was taken). */
	CHECK(mono_ms() - t0 >= 1500 - RETRY_MS - 50);
	CHECK_INT(atomic_load(&calls.stopped), 1);
	cf_leader_free(l);
	/* Lost, not stopped: the intruder's lease is left alone. */
	CHECK_INT(atomic_load(&calls.stopped), 1);
	o = NULL;
	CHECK_INT(cf_client_get(&o, &ar, c, "coordination.k8s.io/v1",
	    "Lease", "default", "lost-leader-election"), 0);
	CHECK_STR(cf_node_getp_str(o, "spec", "holderIdentity", NULL),
	    "intruder");
	cf_arena_release(&ar);
}

TEST_MAIN(T(test_runtime_leader__lease_name),
    T(test_runtime_leader__default_identity),
    T(test_runtime_leader__one_leads_then_hands_over),
    T(test_runtime_leader__release_on_stop),
    T(test_runtime_leader__lost_after_renew_deadline))
