/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for post-build substitution. The first byte picks
 * strict mode and a small output cap; the rest is the text. Besides "no
 * crash, no leak, no undefined behaviour" it checks that the output never
 * passes the cap and that text without "$" comes back unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/kustomize/envsubst.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_envsubst_opts o = { 0 };
	cf_buf out = CF_BUF_INIT;
	const char *text;
	cf_node *vars;
	int err;

	if (size == 0)
		return 0;
	o.strict = data[0] & 1;
	o.max_output = (data[0] & 2) ? 64 + (data[0] >> 2) * 16 : 0;
	text = (const char *)data + 1;
	size--;

	vars = cf_node_map(&a);
	cf_node_set(&a, vars, "a", cf_node_str(&a, "abab"));
	cf_node_set(&a, vars, "e", cf_node_str(&a, ""));
	cf_node_set(&a, vars, "p", cf_node_str(&a, "x/y.z/\xc3\xa9"));
	err = cf_envsubst(&out, text, size, cf_envsubst_node_lookup, vars, &o);
	if (err == 0 && o.max_output && out.len > o.max_output)
		abort();
	if (err == 0 && !memchr(text, '$', size) &&
	    (out.len != size || memcmp(out.buf, text, size)))
		abort();
	cf_buf_release(&out);
	cf_arena_release(&a);
	return 0;
}
