/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The manager: runs the controllers of a descriptor table (STYLE.md §6).
 * For each controller it needs an informer on the controller's kind and
 * on each watched kind, a work queue, and N workers (--concurrent) that
 * take keys, call reconcile and turn the cf_result into requeues. An
 * informer is shared by every controller asking for the same kind with
 * the same namespace, selector and resync (a GitRepository that one
 * controller reconciles and two others watch is cached once):
 *
 *   OK, DONE        forget the backoff; requeue_after_ms > 0: again then
 *   REQUEUE         after requeue_after_ms, else with backoff
 *   WAIT            forget the backoff; again after requeue_after_ms
 *   STALLED         forget; nothing until an informer event (new spec)
 *   FAILED          exponential backoff (Flux's 750 ms .. 15 min),
 *                   capped at requeue_after_ms when that is set
 *
 * It does not handle signals: the program's signal thread calls
 * cf_manager_stop, which lets every worker finish its key.
 */
#ifndef CF_RUNTIME_MANAGER_H
#define CF_RUNTIME_MANAGER_H

#include <stdbool.h>

#include "client/client.h"
#include "runtime/informer.h"
#include "runtime/key.h"
#include "runtime/result.h"
#include "runtime/workqueue.h"

typedef struct cf_manager cf_manager;
typedef struct cf_ctl cf_ctl;

typedef struct cf_gvk {
	const char *group, *version, *kind;
} cf_gvk;

/* A kind a controller watches besides its own. map fills keys (of the
 * controller's kind) to enqueue for o and returns how many there are;
 * when that is more than max it is called again with room for all. NULL
 * map enqueues the owner named by o's controller ownerReference of the
 * controller's kind. changed (may be NULL: every update counts) filters
 * updates, e.g. to a new artifact revision. */
typedef struct cf_watch_def {
	const char *api_version, *kind;
	size_t (*map)(cf_key *keys, size_t max, const cf_obj *o,
	    void *payload);
	bool (*changed)(const cf_obj *old, const cf_obj *o);
} cf_watch_def;

typedef struct cf_controller_def {
	cf_gvk gvk;
	const char *finalizer;
	/* Flux's predicates on the controller's own kind: an update is
	 * queued only when metadata.generation, the
	 * reconcile.fluxcd.io/requestedAt annotation, deletionTimestamp or
	 * finalizers changed, so status writes never retrigger a pass. */
	bool spec_changes_only;
	const cf_watch_def *watches; /* ended by an entry with kind NULL */
	cf_result (*reconcile)(cf_ctl *ctl, const cf_key *key);
} cf_controller_def;

/* Zero means default for every field. */
typedef struct cf_manager_opts {
	int concurrent;                   /* workers per controller; 0 = 4 */
	const char *watch_namespace;      /* NULL = all */
	const char *watch_label_selector; /* sharding */
	int64_t resync_ms;                /* 0 = none */
	int64_t sync_timeout_ms;          /* cache sync wait; 0 = 60 s */
	cf_wq_opts queue;                 /* retry delays, bucket */
} cf_manager_opts;

/* A manager using c (borrowed; it must outlive the manager). Owned:
 * cf_manager_free (which stops it). */
cf_manager *cf_manager_new(cf_client *c, const cf_manager_opts *opts);
void cf_manager_free(cf_manager *m);

/* Register a controller (def borrowed, static); payload is handed back
 * by cf_ctl_payload. Only before cf_manager_start. */
void cf_manager_add(cf_manager *m, const cf_controller_def *def,
    void *payload);

/* The cache of def's own kind (def registered with cf_manager_add), for
 * map functions that look up objects of the controller's kind. */
cf_informer *cf_manager_informer(cf_manager *m, const cf_controller_def *def);

/* Start informers, wait until every cache has synced, then start the
 * workers. Returns 0, CF_ETIMEOUT when a cache did not sync (the manager
 * is then stopped), or CF_ERROR when a thread cannot start. */
int cf_manager_start(cf_manager *m);
/* Graceful stop: queues stop handing out keys, workers finish the key
 * they hold and are joined, informers stop. Idempotent. */
void cf_manager_stop(cf_manager *m);

/* ---- what a reconcile function sees ---- */

cf_client *cf_ctl_client(cf_ctl *ctl);
void *cf_ctl_payload(cf_ctl *ctl);
const cf_controller_def *cf_ctl_def(cf_ctl *ctl);
/* The informer of the controller's own kind (its cache). */
cf_informer *cf_ctl_informer(cf_ctl *ctl);
cf_wq *cf_ctl_queue(cf_ctl *ctl);
/* Reconcile passes finished, for tests and logs. */
uint64_t cf_ctl_passes(cf_ctl *ctl);

#endif
