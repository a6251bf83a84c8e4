/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Workers never touch objects across passes: they get a key, the
 * reconcile function re-reads the object (from the cache or the API), and
 * the result decides when the key comes back. That level-based shape is
 * controller-runtime's and is what makes missed or coalesced events
 * harmless.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/log.h"
#include "runtime/manager.h"
#include "runtime/metrics.h"

struct watch_rt {
	cf_ctl *ctl;
	const cf_watch_def *def;
	cf_informer *inf;
};

struct cf_ctl {
	cf_manager *m;
	const cf_controller_def *def;
	void *payload;
	cf_informer *inf;
	cf_wq *q;
	struct watch_rt *watches;
	size_t nwatches;
	pthread_t *workers;
	int nworkers;
	atomic_ullong passes;
};

/* One informer per distinct (apiVersion, kind, namespace, selector,
 * resync): a kind that a controller reconciles and others watch is
 * cached once, its handlers called in the order they were added. */
struct shared_inf {
	char *api_version, *kind, *ns, *selector;
	int64_t resync_ms;
	cf_informer *inf;
};

struct cf_manager {
	cf_client *client;
	cf_manager_opts opts;
	cf_ctl **ctls;
	size_t nctls, actls;
	struct shared_inf *infs;
	size_t ninfs, ainfs;
	int started;
};

cf_manager *cf_manager_new(cf_client *c, const cf_manager_opts *opts)
{
	cf_manager *m = cf_xcalloc(1, sizeof(*m));

	m->client = c;
	if (opts)
		m->opts = *opts;
	if (m->opts.concurrent <= 0)
		m->opts.concurrent = 4;
	if (m->opts.sync_timeout_ms <= 0)
		m->opts.sync_timeout_ms = 60000;
	return m;
}

static char *api_version(const cf_gvk *g)
{
	size_t n = strlen(g->group) + strlen(g->version) + 2;
	char *s = cf_xmalloc(n);

	if (*g->group)
		snprintf(s, n, "%s/%s", g->group, g->version);
	else
		snprintf(s, n, "%s", g->version);
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static char *dup_or_null(const char *s)
{
	return s ? cf_xstrdup(s) : NULL;
}

static cf_informer *shared_informer(cf_manager *m, const char *av,
    const char *kind, const cf_informer_opts *io)
{
	struct shared_inf *si;

	for (size_t i = 0; i < m->ninfs; i++) {
		si = &m->infs[i];
		if (!strcmp(si->api_version, av) && !strcmp(si->kind, kind) &&
		    same_str(si->ns, io->ns) &&
		    same_str(si->selector, io->label_selector) &&
		    si->resync_ms == io->resync_ms)
			return si->inf;
	}
	CF_GROW(m->infs, m->ainfs, m->ninfs + 1);
	si = &m->infs[m->ninfs++];
	si->api_version = cf_xstrdup(av);
	si->kind = cf_xstrdup(kind);
	si->ns = dup_or_null(io->ns);
	si->selector = dup_or_null(io->label_selector);
	si->resync_ms = io->resync_ms;
	si->inf = cf_informer_new(m->client, av, kind, io);
	return si->inf;
}

/* ---- watches of other kinds ---- */

/* The controller ownerReference of the controller's kind, if any. */
static size_t map_owner(cf_key *keys, size_t max, const cf_obj *o,
    const cf_controller_def *def)
{
	const cf_node *refs = cf_node_getp(cf_obj_node(o), "metadata",
	    "ownerReferences", NULL);

	for (size_t i = 0; i < cf_node_count(refs) && max; i++) {
		const cf_node *r = cf_node_at(refs, i);
		const cf_node *ctl = cf_node_get(r, "controller");
		const char *kind = cf_node_getp_str(r, "kind", NULL);
		const char *av = cf_node_getp_str(r, "apiVersion", NULL);
		const char *slash = av ? strchr(av, '/') : NULL;
		size_t glen = slash ? (size_t)(slash - av) : 0;

		if (!cf_node_is(ctl, CF_NODE_BOOL) || !ctl->v.b || !kind ||
		    strcmp(kind, def->gvk.kind) ||
		    strlen(def->gvk.group) != glen ||
		    strncmp(def->gvk.group, av, glen))
			continue;
		return cf_key_set(&keys[0], def->gvk.group, def->gvk.kind,
		    cf_obj_namespace(o), cf_node_getp_str(r, "name", NULL))
		    == 0;
	}
	return 0;
}

static void watch_event(const cf_obj *o, void *p)
{
	struct watch_rt *w = p;
	cf_key stack[16], *keys = stack;
	size_t n, max = CF_ARRAY_SIZE(stack);

	n = w->def->map ? w->def->map(keys, max, o, w->ctl->payload) :
	    map_owner(keys, 1, o, w->ctl->def);
	if (n > max) {
		keys = cf_xcalloc(n, sizeof(*keys));
		max = n;
		n = w->def->map(keys, max, o, w->ctl->payload);
	}
	for (size_t i = 0; i < n && i < max; i++)
		cf_wq_add(w->ctl->q, &keys[i]);
	if (keys != stack)
		free(keys);
}

/* ---- the controller's own kind ---- */

static void own_event(const cf_obj *o, void *p)
{
	cf_ctl *ctl = p;
	cf_key k;

	if (cf_key_set(&k, ctl->def->gvk.group, ctl->def->gvk.kind,
	    cf_obj_namespace(o), cf_obj_name(o)) == 0)
		cf_wq_add(ctl->q, &k);
}

static bool same_at(const cf_node *a, const cf_node *b, const char *k1,
    const char *k2)
{
	const cf_node *x = cf_node_getp(a, "metadata", k1, k2, NULL);
	const cf_node *y = cf_node_getp(b, "metadata", k1, k2, NULL);

	return (!x && !y) || (x && y && cf_node_equal(x, y));
}

/* Flux's GenerationChanged || ReconcileRequested predicates, plus the
 * deletion and finalizer changes a finalizer-driven controller needs. */
static bool spec_changed(const cf_obj *old, const cf_obj *o)
{
	const cf_node *a = cf_obj_node(old), *b = cf_obj_node(o);

	return !same_at(a, b, "generation", NULL) ||
	    !same_at(a, b, "annotations", "reconcile.fluxcd.io/requestedAt") ||
	    !same_at(a, b, "deletionTimestamp", NULL) ||
	    !same_at(a, b, "finalizers", NULL);
}

static void own_update(const cf_obj *old, const cf_obj *o, void *p)
{
	cf_ctl *ctl = p;

	if (old == o || !ctl->def->spec_changes_only || spec_changed(old, o))
		own_event(o, p);
}

static void watch_update(const cf_obj *old, const cf_obj *o, void *p)
{
	struct watch_rt *w = p;

	if (old == o || !w->def->changed || w->def->changed(old, o))
		watch_event(o, p);
}

void cf_manager_add(cf_manager *m, const cf_controller_def *def,
    void *payload)
{
	cf_ctl *ctl = cf_xcalloc(1, sizeof(*ctl));
	cf_informer_opts io = {
		.ns = m->opts.watch_namespace,
		.label_selector = m->opts.watch_label_selector,
		.resync_ms = m->opts.resync_ms,
	};
	char *av = api_version(&def->gvk);
	size_t nw = 0;

	if (m->started)
		CF_BUG("controller added to a running manager");
	ctl->m = m;
	ctl->def = def;
	ctl->payload = payload;
	ctl->q = cf_wq_new(def->gvk.kind, &m->opts.queue);
	cf_metrics_register_queue(ctl->q);
	ctl->inf = shared_informer(m, av, def->gvk.kind, &io);
	cf_informer_add_handler(ctl->inf, &(cf_informer_handler){
	    own_event, own_update, own_event, ctl });
	free(av);
	while (def->watches && def->watches[nw].kind)
		nw++;
	ctl->watches = cf_xcalloc(nw + 1, sizeof(*ctl->watches));
	ctl->nwatches = nw;
	for (size_t i = 0; i < nw; i++) {
		struct watch_rt *w = &ctl->watches[i];
		cf_informer_handler h = { watch_event, watch_update,
			watch_event, w };

		w->ctl = ctl;
		w->def = &def->watches[i];
		/* Watched kinds are not sharded: a source may serve objects
		 * of any shard. */
		w->inf = shared_informer(m, w->def->api_version,
		    w->def->kind, &(cf_informer_opts){
		    .ns = m->opts.watch_namespace });
		cf_informer_add_handler(w->inf, &h);
	}
	CF_GROW(m->ctls, m->actls, m->nctls + 1);
	m->ctls[m->nctls++] = ctl;
}

/* ---- workers ---- */

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void apply_result(cf_ctl *ctl, const cf_key *k, const cf_result *r)
{
	switch (r->kind) {
	case CF_RESULT_OK:
	case CF_RESULT_DONE:
	case CF_RESULT_WAIT:
		cf_wq_forget(ctl->q, k);
		if (r->requeue_after_ms > 0)
			cf_wq_add_after(ctl->q, k, r->requeue_after_ms);
		break;
	case CF_RESULT_REQUEUE:
		if (r->requeue_after_ms > 0) {
			cf_wq_forget(ctl->q, k);
			cf_wq_add_after(ctl->q, k, r->requeue_after_ms);
		} else {
			cf_wq_add_rate_limited(ctl->q, k);
		}
		break;
	case CF_RESULT_STALLED:
		cf_wq_forget(ctl->q, k);
		break;
	case CF_RESULT_FAILED:
		cf_wq_add_rate_limited(ctl->q, k);
		if (r->requeue_after_ms > 0) /* the earlier deadline wins */
			cf_wq_add_after(ctl->q, k, r->requeue_after_ms);
		break;
	}
}

/* A version 4 UUID naming one pass, controller-runtime's reconcileID. */
static void reconcile_id(char out[37])
{
	static atomic_ullong fallback;
	unsigned char b[16];
	size_t o = 0;

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* Not seeded yet: unique within the process is enough. */
		unsigned long long n = atomic_fetch_add(&fallback, 1);

		memset(b, 0, sizeof(b));
		memcpy(b, &n, sizeof(n));
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		o += (size_t)snprintf(out + o, 3, "%02x", b[i]);
	}
}

/* controller-runtime's "Reconciler error" line, with the keys Flux's
 * controllers log on every line about an object, so that `flux logs
 * --kind K --name N` finds it. The message is a condition message:
 * already free of secrets. */
static void log_failure(const cf_ctl *ctl, const cf_key *k,
    const cf_result *r)
{
	const char *ref[] = { "name", k->name, "namespace", k->ns, NULL };
	char id[37], controller[CF_KEY_KIND_MAX + 1];
	const cf_log_field f[] = {
		{ "controller", controller, NULL },
		{ "controllerGroup", ctl->def->gvk.group, NULL },
		{ "controllerKind", ctl->def->gvk.kind, NULL },
		{ k->kind, NULL, ref },
		{ "namespace", k->ns, NULL },
		{ "name", k->name, NULL },
		{ "reconcileID", id, NULL },
		{ "error", r->message, NULL },
	};
	size_t i;

	/* controller-runtime names a controller after its kind, lower case. */
	for (i = 0; ctl->def->gvk.kind[i] && i < CF_KEY_KIND_MAX; i++)
		controller[i] = (char)tolower(
		    (unsigned char)ctl->def->gvk.kind[i]);
	controller[i] = '\0';
	reconcile_id(id);
	cf_log_fields(CF_LOG_ERROR, "Reconciler error", f, CF_ARRAY_SIZE(f));
}

static void *worker(void *p)
{
	cf_ctl *ctl = p;
	cf_key k;

	while (cf_wq_get(ctl->q, &k) == 0) {
		int64_t t0 = now_ns();
		cf_result r = ctl->def->reconcile(ctl, &k);

		cf_metrics_observe_reconcile(k.kind, k.ns, k.name,
		    (double)(now_ns() - t0) / 1e9);
		if (r.kind == CF_RESULT_FAILED)
			log_failure(ctl, &k, &r);
		apply_result(ctl, &k, &r);
		atomic_fetch_add(&ctl->passes, 1);
		cf_wq_done(ctl->q, &k);
	}
	return NULL;
}

static int start_informers(cf_manager *m)
{
	for (size_t i = 0; i < m->ninfs; i++)
		if (cf_informer_start(m->infs[i].inf) < 0)
			return CF_ERROR;
	for (size_t i = 0; i < m->ninfs; i++)
		if (cf_informer_wait_synced(m->infs[i].inf,
		    m->opts.sync_timeout_ms) < 0)
			return CF_ETIMEOUT;
	return 0;
}

int cf_manager_start(cf_manager *m)
{
	int err;

	if (m->started)
		return 0;
	m->started = 1;
	if ((err = start_informers(m)) < 0) {
		cf_manager_stop(m);
		return err;
	}
	for (size_t i = 0; i < m->nctls; i++) {
		cf_ctl *ctl = m->ctls[i];

		ctl->workers = cf_xcalloc(m->opts.concurrent,
		    sizeof(*ctl->workers));
		for (; ctl->nworkers < m->opts.concurrent; ctl->nworkers++)
			if (pthread_create(&ctl->workers[ctl->nworkers], NULL,
			    worker, ctl) != 0) {
				cf_manager_stop(m);
				return cf_error_set(CF_ERR_OS,
				    "cannot start a worker for '%s'",
				    ctl->def->gvk.kind);
			}
	}
	return 0;
}

void cf_manager_stop(cf_manager *m)
{
	for (size_t i = 0; i < m->nctls; i++)
		cf_wq_shutdown(m->ctls[i]->q);
	for (size_t i = 0; i < m->nctls; i++) {
		cf_ctl *ctl = m->ctls[i];

		for (int w = 0; w < ctl->nworkers; w++)
			pthread_join(ctl->workers[w], NULL);
		ctl->nworkers = 0;
	}
	for (size_t i = 0; i < m->ninfs; i++)
		cf_informer_stop(m->infs[i].inf);
}

void cf_manager_free(cf_manager *m)
{
	if (!m)
		return;
	cf_manager_stop(m);
	for (size_t i = 0; i < m->nctls; i++) {
		cf_ctl *ctl = m->ctls[i];

		free(ctl->watches);
		free(ctl->workers);
		cf_metrics_unregister_queue(ctl->q);
		cf_wq_free(ctl->q);
		free(ctl);
	}
	for (size_t i = 0; i < m->ninfs; i++) {
		struct shared_inf *si = &m->infs[i];

		cf_informer_free(si->inf);
		free(si->api_version);
		free(si->kind);
		free(si->ns);
		free(si->selector);
	}
	free(m->infs);
	free(m->ctls);
	free(m);
}

cf_informer *cf_manager_informer(cf_manager *m, const cf_controller_def *def)
{
	for (size_t i = 0; i < m->nctls; i++)
		if (m->ctls[i]->def == def)
			return m->ctls[i]->inf;
	return NULL;
}

cf_client *cf_ctl_client(cf_ctl *ctl) { return ctl->m->client; }
void *cf_ctl_payload(cf_ctl *ctl) { return ctl->payload; }
const cf_controller_def *cf_ctl_def(cf_ctl *ctl) { return ctl->def; }
cf_informer *cf_ctl_informer(cf_ctl *ctl) { return ctl->inf; }
cf_wq *cf_ctl_queue(cf_ctl *ctl) { return ctl->q; }
uint64_t cf_ctl_passes(cf_ctl *ctl) { return atomic_load(&ctl->passes); }
