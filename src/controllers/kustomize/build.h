/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The build step of kustomize-controller (spec/flux-api.md §3.3 step 8),
 * shared with cflux build/diff kustomization: prepare the directory for
 * the Kustomization's spec (generate.h: a generated kustomization.yaml,
 * targetNamespace, namePrefix, nameSuffix, patches, images, components),
 * kustomize build it as Flux does (LoadRestrictionsNone, FIFO order
 * unless sortOptions says legacy), check that every object has a name,
 * and stamp spec.commonMetadata on every object. Post-build substitution
 * is vars.h's.
 *
 * dir is rewritten: it must be a temporary copy, never the user's tree.
 * The result lives in a.
 */
#ifndef CF_KUSTOMIZE_CTL_BUILD_H
#define CF_KUSTOMIZE_CTL_BUILD_H

#include "core/arena.h"
#include "core/node.h"
#include "kustomize/kustomize.h"

/* 0, or the error with "kustomize build failed: ..." as the message, or
 * "object N of kind 'K' has no metadata.name" (CF_EINVALID). */
int cf_kzctl_build(cf_kustomize_result *r, cf_arena *a, const char *dir,
    const cf_node *spec);

#endif
