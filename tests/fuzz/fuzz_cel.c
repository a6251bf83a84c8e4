/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the CEL subset. The input is an expression,
 * optionally followed by a NUL byte and a JSON document used as the
 * activation (a fixed Kustomization-like object otherwise). Besides "no
 * crash, no leak, no undefined behaviour, no runaway" it checks that a
 * program evaluates the same way twice (programs are immutable) and that
 * every failure carries a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "controllers/kustomize/cel.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fixed[] =
    "{\"metadata\":{\"name\":\"a\",\"generation\":2,"
    "\"labels\":{\"app/version\":\"v1\"}},"
    "\"status\":{\"observedGeneration\":2,\"n\":-3,\"f\":0.5,"
    "\"tags\":[\"a\",\"b\"],\"conditions\":[{\"type\":\"Ready\","
    "\"status\":\"True\"}]}}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	const char *nul = memchr(data, '\0', size);
	size_t elen = nul ? (size_t)(nul - (const char *)data) : size;
	char *expr = malloc(elen + 1);
	cf_node *act = NULL, *v1, *v2;
	cf_buf j1 = CF_BUF_INIT, j2 = CF_BUF_INIT;
	cf_cel *p = NULL;
	int e1, e2;

	memcpy(expr, data, elen);
	expr[elen] = '\0';
	if (nul)
		cf_json_parse(&act, &a, nul + 1, size - elen - 1, NULL);
	if (!act)
		cf_json_parse(&act, &a, fixed, sizeof(fixed) - 1, NULL);
	/* The fixed object also answers to self and dep. */
	if (cf_node_is(act, CF_NODE_MAP)) {
		cf_node_set(&a, act, "self", cf_node_dup(&a, act));
		cf_node_set(&a, act, "dep", cf_node_get(act, "self"));
	}
	if (cf_cel_compile(&p, expr, NULL) == 0) {
		e1 = cf_cel_eval(&v1, p, act, &a);
		if (e1 < 0 && !cf_error_msg()[0])
			abort();
		e2 = cf_cel_eval(&v2, p, act, &a);
		if (e1 != e2)
			abort();
		if (e1 == 0 && cf_json_write(&j1, v1, 0) == 0 &&
		    (cf_json_write(&j2, v2, 0) != 0 ||
		    j1.len != j2.len || memcmp(j1.buf, j2.buf, j1.len)))
			abort();
		cf_cel_free(p);
	} else if (!cf_error_msg()[0]) {
		abort();
	}
	cf_buf_release(&j1);
	cf_buf_release(&j2);
	cf_arena_release(&a);
	free(expr);
	return 0;
}
