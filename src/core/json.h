/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON reading into cf_node trees and writing them back out, byte for byte
 * the way Go's encoding/json (and so kube-apiserver and kubectl) does.
 * The parser is strict RFC 8259 (no comments, no trailing commas) and caps
 * nesting; the writer never sorts or re-types anything it is not told to.
 * Schema checks and Kubernetes semantics live in kube/, not here.
 */
#ifndef CF_CORE_JSON_H
#define CF_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

#define CF_JSON_DEPTH_DEFAULT 1000
#define CF_JSON_DEPTH_MAX 10000 /* larger max_depth values are clamped */

/* Zero means default for every field. */
typedef struct cf_json_opts {
	unsigned max_depth; /* arrays + objects open at once; 0 = 1000 */
	bool strict;        /* a repeated object key is an error */
} cf_json_opts;

/*
 * Parse exactly one JSON value (surrounded only by whitespace) from
 * text[0..len) into *out; every node and string is allocated from a.
 * text need not be NUL-terminated.
 *
 * Typing: integers that fit int64 are CF_NODE_INT; integers in
 * (INT64_MAX, UINT64_MAX] are CF_NODE_INT with CF_NODE_F_UINT; any other
 * number is CF_NODE_FLOAT. n->num stays NULL except for integers too big
 * for uint64: those are CF_NODE_FLOAT with CF_NODE_F_BIGNUM and keep their
 * literal text in n->num (v.f holds the nearest double). Numbers beyond
 * the float64 range (1e400) are refused, as Go refuses them.
 *
 * Strings: every escape is decoded; invalid UTF-8 bytes and unpaired
 * surrogate escapes become U+FFFD, as Go does.
 *
 * Objects keep the first position of a repeated key and its last value
 * (Go's "last wins"), unless opts->strict, where a repeat is an error.
 *
 * Returns 0; CF_EINVALID with a message such as "invalid character 'x'
 * looking for beginning of value at line 3, column 7" or "exceeded max
 * depth of 1000 at line 1, column 1001"; CF_ETOOLARGE if len >= 4 GiB.
 * *out is set only on success. opts may be NULL.
 */
int cf_json_parse(cf_node **out, cf_arena *a, const char *text, size_t len,
    const cf_json_opts *opts);

/*
 * Like cf_json_parse, but stop after the first value and the whitespace
 * after it, and report in *used how many bytes that took, so a stream of
 * concatenated values (a watch response) can be read one at a time.
 * Only whitespace left: CF_ENOTFOUND with *used = len.
 */
int cf_json_parse_prefix(cf_node **out, size_t *used, cf_arena *a,
    const char *text, size_t len, const cf_json_opts *opts);

enum cf_json_write_flags {
	CF_JSON_SORTED = 1 << 0, /* map keys bytewise sorted (Go map order) */
	CF_JSON_PRETTY = 1 << 1, /* 4-space indent, `"k": v`, like kubectl */
};

/*
 * Append n as JSON to out: compact unless CF_JSON_PRETTY, with no trailing
 * newline. Strings are escaped like Go (including <, > and &), integers in
 * decimal, floats as Go's encoding/json prints float64 (see
 * cf_json_fmt_float). A NULL node is written as null. The node is not
 * modified, even when sorting.
 *
 * Returns 0; CF_EINVALID for NaN or an infinity, or nesting deeper than
 * CF_JSON_DEPTH_MAX; CF_ETOOLARGE when a capped out is full. On error out
 * is truncated back to its length at entry.
 */
int cf_json_write(cf_buf *out, const cf_node *n, unsigned flags);

/* Longest text cf_json_fmt_float writes, NUL included. */
#define CF_JSON_FLOAT_MAX 32

enum cf_json_float_style {
	/* encoding/json: plain decimal when 1e-6 <= |f| < 1e21, else
	 * exponent form with the "e-07" -> "e-7" clean-up ("1e+21", "1e-7"). */
	CF_JSON_FLOAT_JSON = 0,
	/* strconv.FormatFloat(f, 'g', -1, 64), what go-yaml prints: exponent
	 * form when the decimal exponent is < -4 or >= 6, with a signed
	 * two-digit exponent ("1e-05", "1.2345675e+06", "123456.5"). */
	CF_JSON_FLOAT_G = 1,
};

/*
 * Write the shortest decimal text that reads back as exactly f into out
 * (NUL-terminated) and return its length. Returns 0 and writes nothing
 * useful for NaN and infinities.
 */
size_t cf_json_fmt_float(char out[CF_JSON_FLOAT_MAX], double f,
    enum cf_json_float_style style);

#endif
