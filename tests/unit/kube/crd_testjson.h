/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test fixtures for the CRD and OpenAPI tests: J(arena, text) builds a
 * cf_node from JSON text with core/json.h and aborts the test binary on
 * malformed text (a broken fixture is a bug in the test, not a failure of
 * the code under test); JW(buf, node) writes compact JSON.
 */
#ifndef CF_TEST_CRD_TESTJSON_H
#define CF_TEST_CRD_TESTJSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/node.h"

static inline cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) < 0) {
		fprintf(stderr, "test JSON fixture: %s\n", cf_error_msg());
		abort();
	}
	return n;
}

static inline void JW(cf_buf *b, const cf_node *n)
{
	if (cf_json_write(b, n, 0) < 0) {
		fprintf(stderr, "test JSON write: %s\n", cf_error_msg());
		abort();
	}
}

#endif
