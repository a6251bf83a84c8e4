/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small JSONPath evaluator in kubectl's dialect, enough for CRD
 * additionalPrinterColumns and `kubectl wait --for=jsonpath`: field steps
 * (.a, ['a']), array index (negative from the end), slices [a:b], the
 * wildcard (* / [*]), recursive descent (..name) and filters
 * [?(@.type=="Ready")] with ==, !=, <, <=, >, >= or bare existence.
 * Missing keys yield no result rather than an error (AllowMissingKeys).
 * Templates with text around {…}, range/end and unions are not handled.
 */
#ifndef CF_KUBE_JSONPATH_H
#define CF_KUBE_JSONPATH_H

#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"

typedef struct cf_jsonpath cf_jsonpath; /* compiled, arena-allocated */

/* Compile expr (".status.replicas", "{.spec.url}", "$.a[0]"). Returns 0,
 * or CF_EINVALID naming the position, e.g. "unterminated filter at 7 in
 * '.a[?(@.b'". */
int cf_jsonpath_compile(cf_jsonpath **out, cf_arena *a, const char *expr);

/* Evaluate p on root: *out gets an arena array of the matching nodes
 * (borrowed from root), in document order; returns their count. */
size_t cf_jsonpath_eval(const cf_node ***out, cf_arena *a,
    const cf_jsonpath *p, const cf_node *root);

/* Compile and evaluate in one go. Returns the count, or CF_EINVALID. */
int cf_jsonpath_find(const cf_node ***out, cf_arena *a, const cf_node *root,
    const char *expr);

/* A result as kubectl prints it: strings raw, numbers as Go's %v, bools
 * true/false, objects and arrays as compact JSON with sorted keys, null
 * as "<nil>". Arena string. */
char *cf_jsonpath_text(cf_arena *a, const cf_node *v);

#endif
