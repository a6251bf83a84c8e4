/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML reading into cf_node trees (the JSON data model), on top of libyaml;
 * this is the only module that sees <yaml.h>. Two scalar typings: the one
 * Kubernetes uses (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1 booleans) and
 * the one kustomize uses (go-yaml v3, YAML 1.2 booleans). Anchors become
 * copies, merge keys are applied, and alias expansion is bounded.
 * Writing YAML lives in yaml_emit.h.
 */
#ifndef CF_CORE_YAML_H
#define CF_CORE_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"

enum cf_yaml_schema {
	/*
	 * go-yaml v2 as sigs.k8s.io/yaml uses it: y Y yes Yes YES on On ON
	 * true True TRUE are true (and n/no/off/false forms false); ~ null
	 * Null NULL and the empty scalar are null; ints by Go's base-0 rules
	 * after removing '_' (0x1F, 0o17, 0b101, 0777 octal, 1_000); floats
	 * (1.5, 1e3, .5, .inf, -.Inf, .nan). Timestamps and 1:20 stay strings,
	 * as they do when go-yaml v2 decodes into interface{}.
	 */
	CF_YAML_11 = 0,
	/*
	 * go-yaml v3 as kustomize uses it: the same numbers, but only
	 * true/True/TRUE/false/False/FALSE are booleans (yes/no/on/off are
	 * strings), and unquoted timestamps (2001-12-14, 2001-12-14T21:59:43Z,
	 * "2001-12-14 21:59:43.10") become RFC 3339 strings with the fraction
	 * trimmed: "2001-12-14T00:00:00Z", "2001-12-14T21:59:43.1Z".
	 */
	CF_YAML_12 = 1,
};

/* Set on a CF_NODE_MAP's flags when at least one of its keys was not a
 * string in the source (true:, 1:, 1.5:, null:); the key holds the
 * string form sigs.k8s.io/yaml gives it ("true", "1", "1.5", "null"). */
#define CF_YAML_F_NONSTR_KEYS (1 << 6)

#define CF_YAML_DEPTH_DEFAULT 1000
#define CF_YAML_DEPTH_MAX 10000 /* larger max_depth values are clamped */

/* Zero means default for every field. */
typedef struct cf_yaml_opts {
	enum cf_yaml_schema schema;
	unsigned max_depth;     /* nesting of sequences and maps; 0 = 1000 */
	bool allow_version_12;  /* accept a "%YAML 1.2" directive (Go refuses) */
	bool dup_keys_error;    /* repeated map key is an error (go-yaml v3)
	                         * instead of "last wins" (go-yaml v2) */
} cf_yaml_opts;

/*
 * Parse a stream of YAML documents from text[0..len) (need not be
 * NUL-terminated; UTF-8, LF or CRLF). *docs is an arena array of *ndocs
 * roots; an empty document ("---" with nothing or only comments after it)
 * is a NULL entry, so callers can skip it, while an explicit "null" or "~"
 * is a CF_NODE_NULL node. A stream with no document at all (empty, only
 * comments) gives *ndocs = 0.
 *
 * Maps keep source order; a merge key "<<" (a map or a list of maps) adds
 * the keys the map does not set itself, earlier maps in a list winning
 * (CF_YAML_12); in CF_YAML_11 entries apply in source order as go-yaml v2
 * does, so a key written before "<<" is overridden by it. Aliases become
 * deep copies whose string bytes are shared with the anchored node (treat
 * node strings as immutable). Tags !!str !!int !!float !!bool !!null and
 * !!binary (base64, decoded to a string of bytes) are honoured; unknown
 * scalar tags leave the text a string.
 *
 * Non-string keys become strings: see CF_YAML_F_NONSTR_KEYS. Null and
 * uint64 keys are errors with CF_YAML_11 (sigs.k8s.io/yaml refuses them),
 * the keys "null" and "18446744073709551615" with CF_YAML_12. Sequence and
 * map keys are errors. Integers too big for uint64 become floats, with no
 * n->num text (go-yaml keeps none either).
 *
 * When a document has several problems, the one reported is the one Go
 * would report: a syntax error anywhere in the document first, then a
 * typing error (bad tag value, merge, alias budget), then a key that
 * sigs.k8s.io/yaml cannot convert. Documents are handled one at a time.
 *
 * Returns 0, or CF_EINVALID with go-yaml's message form, e.g. "yaml: line
 * 3: mapping values are not allowed in this context", "yaml: document
 * contains excessive aliasing" (go-yaml's alias-to-node ratio check, which
 * refuses "billion laughs" documents after a few hundred thousand nodes),
 * "yaml: line 1: exceeded max depth of 1000", "yaml: found incompatible
 * YAML document"; CF_ETOOLARGE if len >= 4 GiB. Nothing is returned in
 * *docs on error. opts may be NULL.
 */
int cf_yaml_parse(cf_node ***docs, size_t *ndocs, cf_arena *a,
    const char *text, size_t len, const cf_yaml_opts *opts);

/*
 * Parse a stream that holds at most one non-empty document. *out is its
 * root, or NULL when there is none (empty input, only comments, "---").
 * More than one non-empty document: CF_EINVALID "yaml: expected a single
 * document in the stream, found N". Otherwise as cf_yaml_parse.
 */
int cf_yaml_parse_one(cf_node **out, cf_arena *a, const char *text,
    size_t len, const cf_yaml_opts *opts);

#endif
