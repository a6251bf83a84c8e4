/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kustomize build as a library: the output of `kubectl kustomize DIR`
 * (kustomize v5.5.0) for a kustomization directory, as a list of objects
 * and as YAML text byte-identical to kubectl's. Reads local files only
 * (no remote bases, no plugins, no helm); never prints. Controllers call
 * it with LoadRestrictionsNone, the CLI with kubectl's defaults.
 */
#ifndef CF_KUSTOMIZE_KUSTOMIZE_H
#define CF_KUSTOMIZE_KUSTOMIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

enum cf_kustomize_restrictor {
	CF_KUSTOMIZE_ROOT_ONLY = 0, /* LoadRestrictionsRootOnly (default) */
	CF_KUSTOMIZE_NONE,          /* LoadRestrictionsNone (Flux) */
};

enum cf_kustomize_reorder {
	CF_KUSTOMIZE_REORDER_DEFAULT = 0, /* legacy unless sortOptions says */
	CF_KUSTOMIZE_REORDER_LEGACY,
	CF_KUSTOMIZE_REORDER_NONE,        /* FIFO, as --reorder none */
	CF_KUSTOMIZE_REORDER_UNSET,       /* Flux: FIFO unless sortOptions
	                                   * asks for legacy */
};

/* Caps on what a build may read; zero means the default. */
#define CF_KUSTOMIZE_MAX_FILE (16u << 20)  /* one input file */
#define CF_KUSTOMIZE_MAX_DEPTH 64          /* nested kustomizations */

typedef struct cf_kustomize_opts {
	enum cf_kustomize_restrictor restrictor;
	enum cf_kustomize_reorder reorder;
} cf_kustomize_opts;

/* The result of a build; everything lives in the arena given to
 * cf_kustomize_build and dies with it. */
typedef struct cf_kustomize_result {
	cf_node **objs;        /* output objects, in output order */
	size_t nobjs;
	const char **warnings; /* "# Warning: ..." lines for deprecated fields */
	size_t nwarnings;
} cf_kustomize_result;

/*
 * Build the kustomization in directory dir. out and everything it points
 * to are allocated from a. opts may be NULL (kubectl's defaults).
 *
 * Returns 0; CF_ENOTFOUND when dir or a file it names is missing;
 * CF_EFORBIDDEN when the load restrictor refuses a file; CF_EINVALID for
 * bad input (the message names the file and the field, e.g.
 * "invalid Kustomization 'k/kustomization.yaml': json: unknown field
 * \"resource\""); CF_ETOOLARGE when a cap is hit. On error out is unset.
 */
int cf_kustomize_build(cf_kustomize_result *out, cf_arena *a,
    const char *dir, const cf_kustomize_opts *opts);

/*
 * Append the objects of r as kubectl prints them: YAML documents joined
 * with "---". Returns 0 or an error from cf_yaml_emit.
 */
int cf_kustomize_write(cf_buf *out, const cf_kustomize_result *r);

/*
 * The name-suffix hash of a generated ConfigMap or Secret (the 10
 * characters after the last '-'), written to out (NUL-terminated).
 * Returns 0, or CF_EINVALID if obj is neither.
 */
int cf_kustomize_hash(char out[11], const cf_node *obj);

/*
 * Does the kustomize Selector sel (group, version, kind, name, namespace
 * as anchored regular expressions; labelSelector, annotationSelector)
 * pick obj? where names the selector in error messages. Returns 0 with
 * *out set, or CF_EINVALID for a bad expression or selector.
 */
int cf_kustomize_select(cf_arena *a, const cf_node *sel, const cf_node *obj,
    bool *out, const char *where);

#endif
