/* SPDX-License-Identifier: Apache-2.0 */
/*
 * status.conditions of a Flux object (spec/flux-api.md §1.2-1.6), edited
 * on a mutable copy of the object (cf_obj_dup) in the caller's arena.
 * Every condition set carries the object's metadata.generation as its
 * observedGeneration; lastTransitionTime changes only when the status
 * does. Summarisation derives Ready from the other conditions the way
 * source-controller's summarize helper does. Nothing here talks to the
 * API server.
 */
#ifndef CF_RUNTIME_CONDITIONS_H
#define CF_RUNTIME_CONDITIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"

#define CF_COND_READY "Ready"
#define CF_COND_RECONCILING "Reconciling"
#define CF_COND_STALLED "Stalled"

#define CF_TRUE "True"
#define CF_FALSE "False"
#define CF_UNKNOWN "Unknown"

/* Set (or replace) condition type on obj: status is CF_TRUE, CF_FALSE or
 * CF_UNKNOWN; the message is printf-formatted and capped at 32 KiB (the
 * API's limit). */
void cf_cond_set(cf_arena *a, cf_node *obj, const char *type,
    const char *status, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Remove condition type; no-op when absent. */
void cf_cond_del(cf_node *obj, const char *type);
/* The condition map, or NULL. */
cf_node *cf_cond_get(const cf_node *obj, const char *type);
/* Whether condition type has the given status ("True", ...). */
bool cf_cond_is(const cf_node *obj, const char *type, const char *status);
/* Reason / message of condition type, or NULL. */
const char *cf_cond_reason(const cf_node *obj, const char *type);
const char *cf_cond_message(const cf_node *obj, const char *type);

/* How Ready is derived (§1.6): the types in priority order and which of
 * them are abnormal-true (negative polarity). */
typedef struct cf_cond_summary {
	const char *const *types;    /* summarised, in order */
	size_t ntypes;
	const char *const *negative; /* abnormal-true among them */
	size_t nnegative;
	const char *bipolar;         /* e.g. "SourceVerified"; may be NULL */
} cf_cond_summary;

/* Set Ready on obj from the conditions named in s. Returns whether Ready
 * ended True. */
bool cf_cond_summarize(cf_arena *a, cf_node *obj, const cf_cond_summary *s);

/* Now as RFC 3339 in UTC with seconds ("2026-11-24T14:00:00Z"). */
void cf_cond_now(char out[32]);

#endif
