/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Kustomization's drift-ignore rules (spec.ignore[]: JSON pointers,
 * and an optional kustomize Selector as target; no target means every
 * object). For a built object a rule selects that already exists in the
 * cluster, the fields at its pointers are set to their live values (or
 * removed when the live object has none) before the dry-run and apply:
 * another controller's value (an HPA's replicas, an injected annotation)
 * is then neither reported as drift nor reverted. Objects not yet in the
 * cluster are created with every field from Git.
 */
#ifndef CF_KUSTOMIZE_CTL_IGNORE_H
#define CF_KUSTOMIZE_CTL_IGNORE_H

#include <stddef.h>

#include "client/client.h"
#include "core/arena.h"
#include "core/node.h"

/* Check spec.ignore's shape: each rule has paths, each path a JSON
 * pointer ("/a/b"); "" (the whole object) is refused. 0 or CF_EINVALID
 * with a message naming spec.ignore[i]. */
int cf_kz_ignore_validate(const cf_node *rules);

/* Rewrite objs (in place, allocating from a) against their live copies
 * read through c. 0, or the error of a failed read (CF_ENOTFOUND is not
 * one: such objects are left alone) or of a bad target selector. */
int cf_kz_ignore_apply(cf_arena *a, cf_client *c, cf_node **objs, size_t n,
    const cf_node *rules);

#endif
