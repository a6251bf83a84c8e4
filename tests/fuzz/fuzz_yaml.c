/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the YAML reader under both schemas. Every document
 * that parses must also survive the JSON writer (or be refused only for
 * NaN/Inf, which YAML can spell as .nan/.inf), and the JSON must parse
 * back to an equal tree: that is the path every manifest takes. Trees
 * with invalid UTF-8 (from !!binary) are exempt from the equality check,
 * since JSON writes such bytes as U+FFFD, as Go does.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Is s[0..n) valid UTF-8 (no surrogates, nothing above U+10FFFF)? */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c < 0xe0) {
			need = 1, cp = c & 0x1f, min = 0x80;
		} else if (c >= 0xe0 && c < 0xf0) {
			need = 2, cp = c & 0x0f, min = 0x800;
		} else if (c >= 0xf0 && c < 0xf5) {
			need = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* Any string or key in the tree that JSON would have to repair? */
static int has_bad_utf8(const cf_node *n)
{
	if (!n)
		return 0;
	if (n->type == CF_NODE_STR)
		return !utf8_ok((const unsigned char *)n->v.s, n->len);
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			if (has_bad_utf8(n->v.items[i]))
				return 1;
	}
	if (n->type == CF_NODE_MAP) {
		for (uint32_t i = 0; i < n->len; i++)
			if (!utf8_ok((const unsigned char *)n->v.pairs[i].key,
			    n->v.pairs[i].klen) || has_bad_utf8(n->v.pairs[i].val))
				return 1;
	}
	return 0;
}

/* Does the tree hold a float JSON cannot print? */
static int has_nonfinite(const cf_node *n)
{
	if (!n)
		return 0;
	if (n->type == CF_NODE_FLOAT)
		return !isfinite(n->v.f);
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			if (has_nonfinite(n->v.items[i]))
				return 1;
	}
	if (n->type == CF_NODE_MAP) {
		for (uint32_t i = 0; i < n->len; i++)
			if (has_nonfinite(n->v.pairs[i].val))
				return 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_yaml_opts o = { 0 };
	cf_node **docs, *back;
	size_t ndocs;

	if (size > 0) {
		o.schema = (data[0] & 1) ? CF_YAML_12 : CF_YAML_11;
		o.dup_keys_error = data[0] & 2;
		o.allow_version_12 = data[0] & 4;
		o.max_depth = (data[0] & 8) ? 1 + (data[0] >> 4) : 0;
	}
	if (cf_yaml_parse(&docs, &ndocs, &a, (const char *)data, size, &o) == 0) {
		for (size_t i = 0; i < ndocs; i++) {
			cf_buf out = CF_BUF_INIT;
			int rc = cf_json_write(&out, docs[i], CF_JSON_SORTED);
			if (rc < 0 && !(rc == CF_EINVALID && has_nonfinite(docs[i])))
				abort();
			if (rc == 0) {
				if (cf_json_parse(&back, &a, out.buf, out.len, NULL) < 0)
					abort();
				/* NULL documents are written as null. */
				if (docs[i] && !has_bad_utf8(docs[i]) &&
				    !cf_node_equal(docs[i], back))
					abort();
			}
			cf_buf_release(&out);
		}
	}
	cf_arena_release(&a);
	return 0;
}
