/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tree `flux tree kustomization` prints: a Kustomization, the
 * objects of its inventory, and under each child Kustomization (or
 * HelmRelease) its own objects. Building and printing only; reading the
 * inventories from the cluster is the command's job. Nodes live in the
 * caller's arena.
 */
#ifndef CF_CLI_TREE_H
#define CF_CLI_TREE_H

#include <stddef.h>

#include "apply/inventory.h"
#include "core/arena.h"
#include "core/buf.h"

typedef struct cf_cli_tree cf_cli_tree;
struct cf_cli_tree {
	cf_inv_entry obj;    /* ns, name, group, kind (version unused) */
	cf_cli_tree **items; /* children in inventory order */
	size_t nitems, alloc;
};

/* A node for e (its strings borrowed), with no children. */
cf_cli_tree *cf_cli_tree_new(cf_arena *a, const cf_inv_entry *e);

/* Append a child for e to t; returns the child. */
cf_cli_tree *cf_cli_tree_add(cf_arena *a, cf_cli_tree *t,
    const cf_inv_entry *e);

/* flux's drawing: the root's "Kind/ns/name" line, then one line per
 * node prefixed with "├── " or "└── " under "│   " or "    " columns. */
void cf_cli_tree_text(cf_buf *out, const cf_cli_tree *t);

/* json.MarshalIndent of flux's tree, two spaces:
 * {"resource": {"Namespace", "Name", "GroupKind": {"Group", "Kind"}},
 *  "resources": [...]} ("resources" left out when empty). */
void cf_cli_tree_json(cf_buf *out, const cf_cli_tree *t);

/* The same structure as sigs.k8s.io/yaml writes it (sorted keys).
 * Returns 0, or cf_yaml_emit's error (CF_ETOOLARGE for a tree deeper
 * than it writes). */
int cf_cli_tree_yaml(cf_buf *out, cf_arena *a, const cf_cli_tree *t);

#endif
