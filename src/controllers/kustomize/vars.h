/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-build substitution of a Kustomization (spec/flux-api.md §3.5), as
 * kustomize-controller runs it and as cflux build/diff kustomization run
 * it locally: one implementation for both.
 *
 * The variables are gathered from spec.postBuild: every substituteFrom
 * ConfigMap's and Secret's data keys in list order (later wins; a
 * missing one marked optional adds nothing), then the inline substitute
 * map (wins). Newlines are stripped from every value; a key that is not
 * a valid variable name fails. Secret values are decoded with
 * cf_flux_secret_value and never reach an error message.
 *
 * Everything is allocated in the caller's arena.
 */
#ifndef CF_KUSTOMIZE_CTL_VARS_H
#define CF_KUSTOMIZE_CTL_VARS_H

#include <stdbool.h>
#include <stddef.h>

#include "client/client.h"
#include "core/arena.h"
#include "core/node.h"

/*
 * *out = a map of the variables of spec (the Kustomization's spec) in
 * namespace ns. c reads the substituteFrom objects; with c NULL they are
 * skipped (a dry run without a cluster) and only the inline ones count.
 * 0, or the error of a failed read ("substitute from 'Kind/ns/name': ...")
 * or of a bad key ("Kind 'name' key 'k': ...",
 * "spec.postBuild.substitute: ...").
 */
int cf_kzctl_vars(cf_node **out, cf_arena *a, cf_client *c, const char *ns,
    const cf_node *spec);

/*
 * Substitute vars into objs[0..n) in place, as the controller does after
 * the build: nothing when spec has no postBuild, or when no variable is
 * set and postBuild.substituteStrategy is not Always; objects labelled or
 * annotated kustomize.toolkit.fluxcd.io/substitute: disabled are left as
 * they are. With strict, a variable without value or default fails.
 * 0, or CF_EINVALID/CF_ETOOLARGE with "post build failed for
 * 'Kind/name': ..." as the message.
 */
int cf_kzctl_substitute(cf_arena *a, cf_node **objs, size_t n,
    const cf_node *spec, const cf_node *vars, bool strict);

#endif
