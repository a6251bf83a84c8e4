/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML writing, byte for byte the way sigs.k8s.io/yaml prints a value
 * (JSON text re-read and re-marshalled by go-yaml v2): what kubectl,
 * kustomize and Flux show. Maps come out in go-yaml v2's "natural" key
 * order, strings are quoted only where the YAML 1.1 resolver would read
 * them back as something else, multi-line text becomes a literal block,
 * long lines are folded at 80 columns, numbers are re-typed as they are
 * after a trip through encoding/json. Parsing lives in yaml.h.
 */
#ifndef CF_CORE_YAML_EMIT_H
#define CF_CORE_YAML_EMIT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/node.h"

/* Deepest nesting written; deeper trees are refused (CF_ETOOLARGE). */
#define CF_YAML_EMIT_MAX_DEPTH 1000

/*
 * Append one document for n to out, ending in a newline, with no "---"
 * marker. The node is not modified (keys are sorted in a side array).
 *
 * Returns 0; CF_EINVALID for values JSON cannot carry (NaN, infinities:
 * "json: unsupported value: NaN") and for characters go-yaml refuses when
 * it re-reads the JSON text (DEL, C1 controls other than NEL, U+FFFE,
 * U+FFFF: "yaml: control characters are not allowed"); CF_ETOOLARGE for
 * nesting deeper than CF_YAML_EMIT_MAX_DEPTH or when a capped out is full.
 * On error out is truncated back to its length at entry.
 */
int cf_yaml_emit(cf_buf *out, const cf_node *n);

/*
 * Append docs[0..n) joined by "---\n" (nothing before the first, nothing
 * after the last; no output at all for n == 0). Errors as cf_yaml_emit.
 */
int cf_yaml_emit_stream(cf_buf *out, cf_node *const *docs, size_t n);

/*
 * Go-yaml v2's map key order: true when key a sorts before key b. Runs of
 * digits compare as numbers, letters after non-letters. Exposed for tests
 * and for writers that must agree with it.
 */
int cf_yaml_key_less(const char *a, size_t alen, const char *b, size_t blen);

#endif
