/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the JSON reader and writer. Besides "no crash, no
 * leak, no undefined behaviour" it checks the properties other layers rely
 * on: whatever parses can be written (the parser never makes NaN/Inf),
 * the written text parses back to an equal tree, and from the second
 * round on the text no longer changes. (Not from the first: "-0.0" is
 * written "-0", which reads back as the integer 0, written "0".)
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf out = CF_BUF_INIT, again = CF_BUF_INIT, third = CF_BUF_INIT;
	cf_json_opts o = { 0 };
	cf_node *n, *back;
	size_t used;

	/* The first byte picks options, so strict mode and small depth caps
	 * are exercised too. */
	if (size > 0) {
		o.strict = data[0] & 1;
		o.max_depth = (data[0] & 2) ? 1 + (data[0] >> 2) : 0;
	}
	if (cf_json_parse(&n, &a, (const char *)data, size, &o) == 0) {
		unsigned flags = size ? (data[size - 1] & 3) : 0;
		if (cf_json_write(&out, n, flags) < 0)
			abort();
		if (cf_json_parse(&back, &a, out.buf, out.len, NULL) < 0)
			abort();
		if (!cf_node_equal(n, back))
			abort();
		if (cf_json_write(&again, back, flags) < 0)
			abort();
		if (cf_json_parse(&back, &a, again.buf, again.len, NULL) < 0)
			abort();
		if (cf_json_write(&third, back, flags) < 0)
			abort();
		if (again.len != third.len || memcmp(again.buf, third.buf, third.len))
			abort();
	}
	/* The streaming entry point must agree on where a value ends. */
	if (cf_json_parse_prefix(&n, &used, &a, (const char *)data, size, &o) == 0 &&
	    used > size)
		abort();
	cf_buf_release(&out);
	cf_buf_release(&again);
	cf_buf_release(&third);
	cf_arena_release(&a);
	return 0;
}
