/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kustomization.yaml kustomize-controller builds (spec/flux-api.md
 * §3.4): the one in the directory, or one generated from the YAML files
 * found under it, overlaid with the Kustomization's spec fields
 * (targetNamespace, namePrefix, nameSuffix, patches, images, components).
 * It rewrites the file inside a temporary copy of the artifact only.
 */
#ifndef CF_KUSTOMIZE_CTL_GENERATE_H
#define CF_KUSTOMIZE_CTL_GENERATE_H

#include "core/node.h"

/* Prepare dir (an absolute path inside the unpacked artifact) for
 * cf_kustomize_build with spec, the Kustomization's spec. CF_EINVALID
 * with a message naming the file or the spec field on bad input. */
int cf_kzctl_prepare(const char *dir, const cf_node *spec);

#endif
