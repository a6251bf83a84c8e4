/* SPDX-License-Identifier: Apache-2.0 */
/*
 * J(arena, text): build a cf_node from JSON text, for the CRD and OpenAPI
 * tests. A test fixture only (no error recovery: malformed text aborts the
 * test binary), written before core/json.h existed; swap for cf_json_parse
 * once that lands.
 */
#ifndef CF_TEST_CRD_TESTJSON_H
#define CF_TEST_CRD_TESTJSON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/node.h"

static cf_node *tj_value(cf_arena *a, const char **p);

static void tj_ws(const char **p)
{
	while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
		(*p)++;
}

static void tj_die(const char *p)
{
	fprintf(stderr, "test JSON: syntax error at '%.20s'\n", p);
	abort();
}

static cf_node *tj_string(cf_arena *a, const char **p)
{
	char *out = cf_arena_alloc(a, strlen(*p) + 1);
	size_t n = 0;

	(*p)++;
	while (**p != '"') {
		if (!**p)
			tj_die(*p);
		if (**p == '\\') {
			(*p)++;
			switch (**p) {
			case 'n': out[n++] = '\n'; break;
			case 't': out[n++] = '\t'; break;
			case 'u': { /* ASCII only */
				unsigned v = 0;

				sscanf(*p + 1, "%4x", &v);
				out[n++] = (char)v;
				*p += 4;
				break;
			}
			default: out[n++] = **p;
			}
			(*p)++;
			continue;
		}
		out[n++] = *(*p)++;
	}
	(*p)++;
	out[n] = 0;
	return cf_node_str_borrow(a, out, n);
}

static cf_node *tj_value(cf_arena *a, const char **p)
{
	cf_node *n;

	tj_ws(p);
	if (**p == '{') {
		n = cf_node_map(a);
		(*p)++;
		tj_ws(p);
		while (**p != '}') {
			cf_node *k;

			tj_ws(p);
			if (**p != '"')
				tj_die(*p);
			k = tj_string(a, p);
			tj_ws(p);
			if (*(*p)++ != ':')
				tj_die(*p);
			cf_node_set(a, n, k->v.s, tj_value(a, p));
			tj_ws(p);
			if (**p == ',')
				(*p)++;
			else if (**p != '}')
				tj_die(*p);
		}
		(*p)++;
		return n;
	}
	if (**p == '[') {
		n = cf_node_seq(a);
		(*p)++;
		tj_ws(p);
		while (**p != ']') {
			cf_node_push(a, n, tj_value(a, p));
			tj_ws(p);
			if (**p == ',')
				(*p)++;
			else if (**p != ']')
				tj_die(*p);
		}
		(*p)++;
		return n;
	}
	if (**p == '"')
		return tj_string(a, p);
	if (!strncmp(*p, "true", 4)) {
		*p += 4;
		return cf_node_bool(a, true);
	}
	if (!strncmp(*p, "false", 5)) {
		*p += 5;
		return cf_node_bool(a, false);
	}
	if (!strncmp(*p, "null", 4)) {
		*p += 4;
		return cf_node_null(a);
	}
	{
		char *end;
		const char *s = *p;
		size_t len = strspn(s, "-+0123456789.eE");

		if (!len)
			tj_die(s);
		if (strcspn(s, ".eE") < len) {
			n = cf_node_float(a, strtod(s, &end));
		} else {
			n = cf_node_int(a, strtoll(s, &end, 10));
		}
		*p = s + len;
		return n;
	}
}

static inline cf_node *J(cf_arena *a, const char *text)
{
	const char *p = text;
	cf_node *n = tj_value(a, &p);

	tj_ws(&p);
	if (*p)
		tj_die(p);
	return n;
}

/* Compact JSON of n into b (keys in stored order), for dumping documents
 * to files in tests. */
static inline void JW(cf_buf *b, const cf_node *n)
{
	switch (n ? n->type : CF_NODE_NULL) {
	case CF_NODE_NULL: cf_buf_adds(b, "null"); break;
	case CF_NODE_BOOL: cf_buf_adds(b, n->v.b ? "true" : "false"); break;
	case CF_NODE_INT: cf_buf_addf(b, "%lld", (long long)n->v.i); break;
	case CF_NODE_FLOAT: cf_buf_addf(b, "%.17g", n->v.f); break;
	case CF_NODE_STR: cf_buf_add_json_str(b, n->v.s, n->len); break;
	case CF_NODE_SEQ:
		cf_buf_addch(b, '[');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			JW(b, n->v.items[i]);
		}
		cf_buf_addch(b, ']');
		break;
	default:
		cf_buf_addch(b, '{');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			cf_buf_add_json_str(b, n->v.pairs[i].key,
			    n->v.pairs[i].klen);
			cf_buf_addch(b, ':');
			JW(b, n->v.pairs[i].val);
		}
		cf_buf_addch(b, '}');
	}
}

#endif
