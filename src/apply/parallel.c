/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded parallel for-each, for the calls that dominate an apply:
 * one GET and one dry-run per object, each a round trip that mostly
 * waits on the network (Flux runs four at a time, --concurrent-ssa).
 * Arenas are not thread-safe, so each worker allocates from its own,
 * and those arenas are handed to the caller's: what the workers built
 * lives exactly as long as the rest of the pass.
 */
#include "apply/apply_int.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/alloc.h"

struct par {
	size_t n;
	atomic_size_t next;
	void (*fn)(void *payload, size_t i, cf_arena *a);
	void *payload;
};

struct par_worker {
	struct par *p;
	cf_arena *a;
	pthread_t t;
};

/* Take indexes until none are left. */
static void *par_run(void *arg)
{
	struct par_worker *w = arg;
	size_t i;

	while ((i = atomic_fetch_add(&w->p->next, 1)) < w->p->n)
		w->p->fn(w->p->payload, i, w->a);
	return NULL;
}

static void arena_free(void *p)
{
	cf_arena_release(p);
	free(p);
}

void cf_apply__parallel(cf_arena *owner, int workers, size_t n,
    void (*fn)(void *payload, size_t i, cf_arena *a), void *payload)
{
	struct par p = { .n = n, .fn = fn, .payload = payload };
	struct par_worker *ws;
	int started = 0;

	if (workers < 1)
		workers = 1;
	if ((size_t)workers > n)
		workers = n ? (int)n : 1;
	if (workers == 1) {
		for (size_t i = 0; i < n; i++)
			fn(payload, i, owner);
		return;
	}
	atomic_init(&p.next, 0);
	ws = cf_xcalloc((size_t)workers, sizeof(*ws));
	for (int k = 0; k < workers; k++) {
		ws[k].p = &p;
		ws[k].a = cf_xcalloc(1, sizeof(*ws[k].a)); /* CF_ARENA_INIT */
		cf_arena_defer(owner, arena_free, ws[k].a);
	}
	/* The calling thread is the last worker; a thread that cannot be
	 * started only means fewer of them. */
	for (int k = 0; k < workers - 1; k++, started++)
		if (pthread_create(&ws[k].t, NULL, par_run, &ws[k]) != 0)
			break;
	par_run(&ws[workers - 1]);
	for (int k = 0; k < started; k++)
		pthread_join(ws[k].t, NULL);
	free(ws);
}
