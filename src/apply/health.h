/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Health of applied objects, as kstatus computes it (the rules Flux's
 * health checks use): a pure function from one object to Current,
 * InProgress, Failed or Terminating, and a wait that polls a set of
 * objects until all are Current, one fails, time runs out or the caller
 * cancels. CEL health expressions are not evaluated here.
 */
#ifndef CF_APPLY_HEALTH_H
#define CF_APPLY_HEALTH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "apply/inventory.h"
#include "core/node.h"

typedef struct cf_client cf_client;

enum cf_health_status {
	CF_HEALTH_CURRENT = 0,
	CF_HEALTH_IN_PROGRESS,
	CF_HEALTH_FAILED,
	CF_HEALTH_TERMINATING,
	CF_HEALTH_NOT_FOUND,   /* decided by the poller, never by compute */
	CF_HEALTH_UNKNOWN,     /* the object could not be read or judged */
};

/* Plain data, no ownership: the message is inline and truncated. */
typedef struct cf_health {
	enum cf_health_status status;
	char message[256];
} cf_health;

/* kstatus' name of s: "Current", "InProgress", "Failed" ... (static). */
const char *cf_health_status_name(enum cf_health_status s);

/*
 * kstatus' Compute for obj: deletion, observedGeneration and
 * Reconciling/Stalled conditions first, then the built-in rules for
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod,
 * PersistentVolumeClaim, Service and CustomResourceDefinition, then a
 * Ready condition for any other kind (Ready=False on a Flux object that
 * observed its generation is Failed). now is the time in Unix seconds
 * (0 = the clock; it only matters for unschedulable Pods).
 */
void cf_health_compute(cf_health *out, const cf_node *obj, int64_t now);

enum cf_health_wait_outcome {
	CF_HEALTH_WAIT_READY = 0,  /* every object Current */
	CF_HEALTH_WAIT_FAILED,     /* one was Failed (fail-fast) */
	CF_HEALTH_WAIT_TIMEOUT,
	CF_HEALTH_WAIT_CANCELED,   /* *cancel was set */
};

/* Zero means default for every field. */
typedef struct cf_health_wait_opts {
	int64_t interval_ms;      /* between polls; 0 = 2 s */
	int64_t timeout_ms;       /* 0 = 60 s */
	const atomic_bool *cancel; /* set by another thread to stop early */
	bool no_fail_fast;        /* keep waiting when an object Failed */
	/* Wait for every object to be gone instead (a Kustomization's
	 * WaitForTermination deletion policy); never fails fast. */
	bool until_deleted;
	/* A judge that overrides kstatus for some objects (healthCheckExprs):
	 * returns 1 when it set *out, 0 to leave obj to kstatus. */
	int (*judge)(cf_health *out, const cf_node *obj, void *payload);
	void *judge_payload;
} cf_health_wait_opts;

typedef struct cf_health_wait_result {
	enum cf_health_wait_outcome outcome;
	size_t current;           /* objects Current (gone) at the last poll */
	int64_t elapsed_ms;
} cf_health_wait_result;

/*
 * Poll the objects of set (GET each, apiVersion from group and version)
 * until all are Current. Returns 0 when they are; CF_ERROR when one is
 * Failed ("failed early due to stalled resources: [Kind/ns/name status:
 * 'Failed': why]"); CF_ETIMEOUT on timeout ("timeout waiting for:
 * [Kind/ns/name status: 'InProgress', ...]") or cancellation ("health
 * check canceled"); out->outcome says which. A missing object is
 * NotFound and waited for. With until_deleted, the wait is for every
 * object to be NotFound ("timeout waiting for termination: [...]").
 * out may be NULL.
 */
int cf_health_wait(cf_health_wait_result *out, cf_client *c,
    const cf_inventory *set, const cf_health_wait_opts *opts);

#endif
