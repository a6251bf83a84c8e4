/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the apply engine's files. */
#ifndef CF_APPLY_APPLY_INT_H
#define CF_APPLY_APPLY_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "apply/apply.h"

/* An arena-backed array v of *alloc elements of size sz, holding len:
 * returns it with room for one more (a larger copy when full). */
void *cf_apply__grow(cf_arena *a, void *v, size_t *alloc, size_t len,
    size_t sz);

/* Call fn(payload, i, a) for every i in [0, n), on up to workers
 * threads (the caller's included). Each thread allocates from its own
 * arena a, released together with owner; with one worker a is owner.
 * fn must only touch state of its own index. */
void cf_apply__parallel(cf_arena *owner, int workers, size_t n,
    void (*fn)(void *payload, size_t i, cf_arena *a), void *payload);

/* Monotonic clock in milliseconds. */
int64_t cf_apply__now_ms(void);

/* Sleep ms in short slices; false as soon as *cancel is set (cancel may
 * be NULL). */
bool cf_apply__sleep(int64_t ms, const atomic_bool *cancel);

/* Flux's apply order of a kind within a stage (CRDs first, webhooks
 * last); lower applies earlier. */
int cf_apply__kind_prio(const char *kind);

/* Whether obj's labels or annotations hold key with this value (ASCII
 * case-insensitive, as Flux's selectors compare). */
bool cf_apply__meta_is(const cf_node *obj, const char *key,
    const char *value);

/* Fill e from obj's apiVersion, kind, namespace and name (borrowed from
 * obj, the group copied to a). */
void cf_apply__entry(cf_inv_entry *e, cf_arena *a, const cf_node *obj);

/* Add a change for e (strings borrowed) to cs. */
void cf_apply__record(cf_change_set *cs, cf_arena *a, const cf_inv_entry *e,
    enum cf_apply_action action);

/* Flux's managedFields cleanup of live (see cleanup.c) unless desired
 * is marked ssa: Merge: one JSON patch when there is anything to clean,
 * *patched telling whether it was sent. self is our field manager,
 * extra more manager name prefixes to take over (NULL-terminated, may
 * be NULL). Returns 0 or the client's error. */
int cf_apply__cleanup(bool *patched, cf_arena *a, cf_client *c,
    const cf_node *desired, const cf_node *live, const char *self,
    const char *const *extra);

/* Append one line to a capped error report; past the cap, count the
 * lines left out instead. */
void cf_apply__report(cf_buf *b, size_t *dropped, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Set the error from the report: code, message = report (+ "and N
 * more"). Returns code. */
int cf_apply__report_fail(int code, cf_buf *b, size_t dropped);

#endif
