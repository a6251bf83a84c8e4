/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON merge patch (RFC 7386, application/merge-patch+json): applying a
 * patch to a document and computing the patch between two documents.
 * Lists are never merged (that is strategic merge patch, smp.h); a patch
 * value that is not an object replaces the target wholesale.
 */
#ifndef CF_KUBE_MERGEPATCH_H
#define CF_KUBE_MERGEPATCH_H

#include "core/arena.h"
#include "core/node.h"

/*
 * Merge patch into target and return the result: target itself, changed
 * in place, when both are objects (target must be mutable and live in a
 * or longer); otherwise a copy of patch. null members delete keys and
 * never appear in the result, also inside objects the patch adds. Values
 * taken from patch are deep-copied into a. Never fails.
 */
cf_node *cf_mergepatch_apply(cf_arena *a, cf_node *target,
    const cf_node *patch);

/*
 * The merge patch that turns original into modified: keys removed become
 * null, changed scalars and arrays are given whole, nested objects are
 * diffed recursively. {} when the two are equal; a copy of modified when
 * either is not an object. Allocated from a; never fails. (A null value
 * inside modified cannot be expressed by RFC 7386 and reads back as a
 * deletion.)
 */
cf_node *cf_mergepatch_create(cf_arena *a, const cf_node *original,
    const cf_node *modified);

#endif
