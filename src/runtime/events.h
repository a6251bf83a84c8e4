/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event recorder: core/v1 Events about the objects a controller
 * reconciles, written the way client-go's tools/record does
 * (spec/kubernetes-api.md §10.1): a POST for the first occurrence, a
 * strategic-merge PATCH of count and lastTimestamp for a repeat within
 * the correlation window, a per-object token bucket against spam. Calls
 * only queue: a thread of the recorder writes, so a reconciler never
 * waits on the API server, and API errors drop the event. Every event is
 * also logged; trace events are only logged. Forwarding events to
 * notification-controller is not done here.
 */
#ifndef CF_RUNTIME_EVENTS_H
#define CF_RUNTIME_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "client/client.h"

typedef struct cf_recorder cf_recorder;

enum cf_event_type {
	CF_EVENT_NORMAL = 0,
	CF_EVENT_WARNING,
	CF_EVENT_TRACE, /* Flux's trace: logged at debug, never recorded */
};

#define CF_EVENT_MESSAGE_MAX 1024 /* bytes; longer messages are cut */
#define CF_EVENT_REASON_MAX 128

/* The involved object (an ObjectReference). Borrowed for the call. */
typedef struct cf_event_ref {
	const char *api_version, *kind, *ns, *name, *uid, *resource_version;
	/* The object's metadata.annotations (may be NULL): those under
	 * CF_EVENT_ANNOTATION_PREFIX are copied onto its events. */
	const cf_node *annotations;
} cf_event_ref;

#define CF_EVENT_ANNOTATION_PREFIX "event.toolkit.fluxcd.io/"

/* Zero means default for every field but component. */
typedef struct cf_recorder_opts {
	const char *component;  /* source.component: "source-controller" */
	const char *host;       /* source.host / reportingInstance; NULL = "" */
	int64_t correlate_ms;   /* a repeat within this bumps count; 10 min */
	size_t queue_max;       /* events waiting; beyond, dropped; 1000 */
	int burst;              /* per-object bucket; 25 */
	int64_t refill_ms;      /* one token back every; 5 min */
} cf_recorder_opts;

/* A recorder writing through c (borrowed; it must outlive the recorder)
 * with its thread started. Owned: cf_recorder_free. CF_EINVALID without
 * a component, CF_ERROR when the thread cannot start. */
int cf_recorder_new(cf_recorder **out, cf_client *c,
    const cf_recorder_opts *opts);
/* Finish the event being written, drop the rest, stop the thread. */
void cf_recorder_free(cf_recorder *r);

/* The reference of an object node (apiVersion, kind, metadata.*);
 * strings borrowed from obj. */
void cf_event_ref_of(cf_event_ref *out, const cf_node *obj);

/*
 * Record an event about obj: type, reason (CamelCase, cut at
 * CF_EVENT_REASON_MAX) and a printf message (cut at CF_EVENT_MESSAGE_MAX
 * on a UTF-8 boundary). annotations is NULL or a NULL-terminated list of
 * key, value strings set on the Event, e.g.
 * "source.toolkit.fluxcd.io/revision", "main@sha1:..."; they win over
 * the object's event.toolkit.fluxcd.io/ ones of the same key. Everything
 * is copied; never blocks on the network.
 */
void cf_event_recordf(cf_recorder *r, const cf_event_ref *obj,
    enum cf_event_type type, const char *reason,
    const char *const *annotations, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Wait until every queued event has been written or dropped: 0, or
 * CF_ETIMEOUT after timeout_ms. */
int cf_recorder_flush(cf_recorder *r, int64_t timeout_ms);

/* Events written (created or patched) and dropped so far. */
void cf_recorder_counts(cf_recorder *r, uint64_t *written,
    uint64_t *dropped);

#endif
