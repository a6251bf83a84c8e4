/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The health wait: Flux's WaitForSet, by polling. Each round reads every
 * object once, into an arena that the round then drops, so a long wait
 * on a large set holds one round's objects at most. Watches would save
 * requests but need one stream per kind; a 2 s poll is what Flux does.
 */
#include "apply/health.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/apply_int.h"
#include "client/client.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

#define DEFAULT_INTERVAL_MS 2000
#define DEFAULT_TIMEOUT_MS 60000
#define SLEEP_SLICE_MS 50
#define REPORT_CAP 4096 /* a health message, not a log */

int64_t cf_apply__now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool cf_apply__sleep(int64_t ms, const atomic_bool *cancel)
{
	int64_t end = cf_apply__now_ms() + ms;

	for (;;) {
		int64_t left = end - cf_apply__now_ms();

		if (cancel && atomic_load(cancel))
			return false;
		if (left <= 0)
			return true;
		if (left > SLEEP_SLICE_MS)
			left = SLEEP_SLICE_MS;
		nanosleep(&(struct timespec){ 0, (long)left * 1000000 }, NULL);
	}
}

/* Read one object and judge it. */
static void poll_one(cf_health *h, cf_arena *a, cf_client *c,
    const cf_inv_entry *e, const cf_health_wait_opts *o)
{
	cf_node *obj = NULL;
	int err = cf_client_get(&obj, a, c, cf_inv_api_version(a, e), e->kind,
	    e->ns, e->name);

	if (err == CF_ENOTFOUND) {
		h->status = CF_HEALTH_NOT_FOUND;
		snprintf(h->message, sizeof(h->message), "not found");
	} else if (err < 0) {
		h->status = CF_HEALTH_UNKNOWN;
		snprintf(h->message, sizeof(h->message), "%s", cf_error_msg());
	} else if (!o->judge || !o->judge(h, obj, o->judge_payload)) {
		cf_health_compute(h, obj, 0);
	}
}

struct waiter {
	cf_client *c;
	const cf_inventory *set;
	const cf_health_wait_opts *o;
	int64_t start, interval, timeout;
	enum cf_health_status want; /* Current, or NotFound for deletion */
	cf_health *hs;         /* one per object of set */
	size_t done, failed;
};

/* One round over the set: the statuses into hs, and the counts. */
static void poll_round(struct waiter *w)
{
	cf_arena a = CF_ARENA_INIT;

	w->done = w->failed = 0;
	for (size_t i = 0; i < w->set->len; i++) {
		poll_one(&w->hs[i], &a, w->c, &w->set->v[i], w->o);
		cf_arena_release(&a);
		w->done += w->hs[i].status == w->want;
		w->failed += w->hs[i].status == CF_HEALTH_FAILED;
	}
}

/* "<prefix>: [Kind/ns/name status: 'S'[: msg], ...]" for the objects
 * not yet as wanted (only the Failed ones, with why, when failed_only). */
static int fail_with(int code, const char *prefix, const struct waiter *w,
    bool failed_only)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf b = CF_BUF_INIT;
	size_t dropped = 0;
	int r;

	cf_buf_init_capped(&b, REPORT_CAP);
	cf_buf_addf(&b, "%s: [", prefix);
	for (size_t i = 0, n = 0; i < w->set->len; i++) {
		const cf_health *h = &w->hs[i];

		if (h->status == w->want ||
		    (failed_only && h->status != CF_HEALTH_FAILED))
			continue;
		cf_apply__report(&b, &dropped, "%s%s status: '%s'%s%s",
		    n++ ? ", " : "", cf_inv_subject(&a, &w->set->v[i]),
		    cf_health_status_name(h->status),
		    failed_only ? ": " : "", failed_only ? h->message : "");
	}
	cf_apply__report(&b, &dropped, "]");
	r = cf_apply__report_fail(code, &b, dropped);
	cf_buf_release(&b);
	cf_arena_release(&a);
	return r;
}

static int finish(cf_health_wait_result *out, const struct waiter *w,
    enum cf_health_wait_outcome o, int r)
{
	out->outcome = o;
	out->current = w->done;
	out->elapsed_ms = cf_apply__now_ms() - w->start;
	return r;
}

/* After a round: true with *r set when the wait is over, else sleep
 * until the next round (cut short by the deadline or a cancel). A
 * deletion wait never fails fast: a Failed object is still there. */
static bool verdict(struct waiter *w, cf_health_wait_result *out, int *r)
{
	int64_t left = w->start + w->timeout - cf_apply__now_ms();
	bool deleting = w->want == CF_HEALTH_NOT_FOUND;

	if (w->done == w->set->len) {
		*r = finish(out, w, CF_HEALTH_WAIT_READY, 0);
	} else if (w->failed && !w->o->no_fail_fast && !deleting) {
		*r = finish(out, w, CF_HEALTH_WAIT_FAILED, fail_with(CF_ERROR,
		    "failed early due to stalled resources", w, true));
	} else if (left <= 0) {
		*r = finish(out, w, CF_HEALTH_WAIT_TIMEOUT, fail_with(
		    CF_ETIMEOUT, deleting ? "timeout waiting for termination" :
		    "timeout waiting for", w, false));
	} else if (!cf_apply__sleep(left < w->interval ? left : w->interval,
	    w->o->cancel)) {
		*r = finish(out, w, CF_HEALTH_WAIT_CANCELED, cf_error_setc(
		    CF_ETIMEOUT, CF_ERR_KUBE, "health check canceled"));
	} else {
		return false;
	}
	return true;
}

int cf_health_wait(cf_health_wait_result *out, cf_client *c,
    const cf_inventory *set, const cf_health_wait_opts *opts)
{
	static const cf_health_wait_opts zero;
	cf_health_wait_result scratch;
	struct waiter w = { .c = c, .set = set, .o = opts ? opts : &zero,
	    .start = cf_apply__now_ms() };
	int r = 0;

	w.interval = w.o->interval_ms > 0 ? w.o->interval_ms :
	    DEFAULT_INTERVAL_MS;
	w.timeout = w.o->timeout_ms > 0 ? w.o->timeout_ms : DEFAULT_TIMEOUT_MS;
	w.want = w.o->until_deleted ? CF_HEALTH_NOT_FOUND : CF_HEALTH_CURRENT;
	w.hs = cf_xcalloc(set->len ? set->len : 1, sizeof(*w.hs));
	do
		poll_round(&w);
	while (!verdict(&w, out ? out : &scratch, &r));
	free(w.hs);
	return r;
}
