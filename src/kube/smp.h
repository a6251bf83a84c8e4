/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic merge patch (application/strategic-merge-patch+json) for
 * built-in kinds, driven by the patchStrategy/patchMergeKey recorded in a
 * merge schema (kube/schema.h): merge-by-key lists, primitive list union,
 * null deletes, and the directives $patch (replace/delete/merge),
 * $deleteFromPrimitiveList/<f>, $setElementOrder/<f> and $retainKeys.
 * Follows k8s.io/apimachinery's strategicpatch with the server's options.
 * Not here: building a patch (kubectl's three-way diff), custom resources
 * (the server answers 415 for them).
 */
#ifndef CF_KUBE_SMP_H
#define CF_KUBE_SMP_H

#include "core/arena.h"
#include "core/node.h"
#include "kube/schema.h"

/*
 * Apply patch (an object) to obj under schema s. *out is a new tree in a;
 * obj is not modified. Returns 0, or CF_EINVALID with the server's message,
 * e.g. "map: map[image:nginx] does not contain declared merge key: name"
 * or "unknown patch type: bogus in map: map[$patch:bogus]", prefixed with
 * the field path where one is known.
 */
int cf_smp_apply(cf_node **out, cf_arena *a, const cf_schema *s,
    const cf_node *obj, const cf_node *patch);

#endif
