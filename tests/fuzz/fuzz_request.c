/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for what the API server parses out of a request line
 * and headers before any handler runs: the URL path, the query options,
 * Accept and Content-Type negotiation, and label / field selectors. The
 * input is split on newlines: path, query string, Accept, Content-Type,
 * labelSelector, fieldSelector.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apiserver/api_int.h"
#include "apiserver/options.h"
#include "apiserver/path.h"
#include "core/arena.h"
#include "kube/selector.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next line of the input as an arena string. */
static const char *next_line(cf_arena *a, const char **p, const char *end)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;

	*p = nl ? nl + 1 : end;
	return cf_arena_strndup(a, s, (size_t)(e - s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	const char *p = (const char *)data, *end = p + size;
	const char *path = next_line(&a, &p, end);
	const char *query = next_line(&a, &p, end);
	const char *accept = next_line(&a, &p, end);
	const char *ctype = next_line(&a, &p, end);
	const char *ls = next_line(&a, &p, end);
	const char *fs = next_line(&a, &p, end);
	cf_api_path ap;
	cf_api_opts opts;
	cf_api_query q = { 0 };
	cf_label_selector *lsel;
	cf_field_selector *fsel;
	const char *keys[16], *vals[16];

	if (cf_api_path_parse(&ap, &a, path) == 0)
		(void)cf_api_verb_of("GET", &ap, true);
	/* The query as the HTTP glue splits it: k=v pairs on '&'. */
	q.keys = keys;
	q.vals = vals;
	while (*query && q.n < 16) {
		size_t len = strcspn(query, "&");
		const char *eq = memchr(query, '=', len);
		keys[q.n] = cf_api_unescape(&a, cf_arena_strndup(&a, query,
		    eq ? (size_t)(eq - query) : len));
		vals[q.n] = cf_api_unescape(&a, eq ? cf_arena_strndup(&a, eq + 1,
		    len - (size_t)(eq - query) - 1) : "");
		q.n++;
		query += len;
		if (*query)
			query++;
	}
	(void)cf_api_opts_parse(&opts, &q);
	(void)cf_api_accept(accept);
	(void)cf_api_content(ctype);
	if (cf_label_selector_parse(&lsel, &a, ls) == 0)
		(void)cf_label_selector_string(&a, lsel);
	(void)cf_field_selector_parse(&fsel, &a, fs);
	cf_arena_release(&a);
	return 0;
}
