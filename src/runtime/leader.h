/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection with a LeaseLock and Flux's timings (35 s lease, 30 s
 * renew deadline, 5 s retry period, release on cancel). One thread per
 * elector tries to acquire the lease, renews it while leading and calls
 * back when leading starts and stops. Lease validity is judged by the
 * local time a record was last seen to change, never by the holder's
 * clock (spec/kubernetes-api.md §9). It does not exit the process when
 * leadership is lost: on_stopped is told, the program decides.
 */
#ifndef CF_RUNTIME_LEADER_H
#define CF_RUNTIME_LEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"

typedef struct cf_leader cf_leader;

#define CF_LEADER_LEASE_MS 35000
#define CF_LEADER_RENEW_DEADLINE_MS 30000
#define CF_LEADER_RETRY_MS 5000
#define CF_LEADER_ID_MAX 256

/* Zero means default for every field but ns and name. Strings are
 * copied. */
typedef struct cf_leader_opts {
	const char *ns;              /* the Lease's namespace (required) */
	const char *name;            /* the Lease (cf_leader_lease_name) */
	const char *identity;        /* NULL = "<hostname>_<random hex>" */
	int64_t lease_ms;            /* leaseDurationSeconds, rounded up */
	int64_t renew_deadline_ms;   /* leading ends without a renewal */
	int64_t retry_ms;            /* between attempts (jittered) */
	bool keep_on_stop;           /* do not release on cf_leader_stop */
	/* On a thread of their own, started when the lease is won, so a
	 * slow start never delays a renewal. */
	void (*on_started)(void *payload);
	/* On the elector's thread once on_started has returned: after a
	 * lost renewal, or from cf_leader_stop before the release. */
	void (*on_stopped)(void *payload);
	void *payload;
} cf_leader_opts;

/*
 * The Lease name for a controller: "<controller>-leader-election", with
 * "-<8 hex>" appended when selector (--watch-label-selector) is set and
 * not empty, the hex being FNV-1a 32 of the selector so shards of one
 * controller never share a lease. CF_ETOOLARGE when it does not fit n.
 */
int cf_leader_lease_name(char *out, size_t n, const char *controller,
    const char *selector);

/* An elector using c (borrowed, it must outlive the elector). Owned:
 * cf_leader_free. CF_EINVALID without ns or name. */
int cf_leader_new(cf_leader **out, cf_client *c, const cf_leader_opts *opts);
/* Stops it first when running. */
void cf_leader_free(cf_leader *l);

/* Start the election thread. 0 or CF_ERROR. Only once per elector. */
int cf_leader_start(cf_leader *l);
/* Stop trying; if leading, call on_stopped and then release the lease
 * (empty holderIdentity, leaseDurationSeconds 1) unless keep_on_stop.
 * Joins the thread. Idempotent. */
void cf_leader_stop(cf_leader *l);

/* ---- queries ---- */

/* The identity written to holderIdentity (borrowed from l). */
const char *cf_leader_identity(const cf_leader *l);
bool cf_leader_is_leading(cf_leader *l);
/* Leadership was held and then lost to a failed renewal; the election is
 * over (client-go's Run returns; Flux exits). */
bool cf_leader_lost(cf_leader *l);
/* Wait until leading: 0, or CF_ETIMEOUT after timeout_ms. */
int cf_leader_wait(cf_leader *l, int64_t timeout_ms);

#endif
