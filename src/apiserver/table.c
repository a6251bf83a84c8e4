/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table replies for `kubectl get`: the built-in printers for built-in
 * kinds, a CRD's printer columns for custom resources. A watch sends one
 * row per event, with the column definitions on the first only.
 */
#include "apiserver/api_int.h"
#include "core/json.h"
#include "kube/crd.h"
#include "kube/table.h"

#include <string.h>

static cf_node *build(api_req *r, cf_node **objs, size_t n,
    const cf_table_opts *o)
{
	const cf_crd_column *cc;
	size_t ncc;

	if (!r->res.is_crd)
		return cf_table_build(r->a, r->res.entry, (const cf_node *const *)objs,
		    n, o);
	ncc = api_crd_columns(r, &cc);
	cf_table_column *cols = cf_arena_zalloc(r->a, (ncc + 1) * sizeof(*cols));
	for (size_t i = 0; i < ncc; i++)
		cols[i] = (cf_table_column){ .name = cc[i].name, .type = cc[i].type,
			.format = cc[i].format, .description = cc[i].description,
			.priority = cc[i].priority, .json_path = cc[i].json_path };
	return cf_table_build_custom(r->a, cols, ncc,
	    (const cf_node *const *)objs, n, o);
}

static void opts_of(api_req *r, cf_table_opts *o)
{
	memset(o, 0, sizeof(*o));
	cf_table_include_parse(&o->include, r->opts.include_object);
}

void api_reply_table(api_req *r, cf_node **objs, size_t n, const char *rv,
    const char *cont)
{
	cf_table_opts o;

	opts_of(r, &o);
	o.resource_version = rv;
	o.cont = cont && *cont ? cont : NULL;
	api_reply_node(r, 200, build(r, objs, n, &o));
}

size_t api_table_rows(api_req *r, cf_arena *a, cf_node **objs, size_t n,
    cf_buf *rows, cf_buf *cols)
{
	cf_arena *saved = r->a;
	cf_table_opts o;
	cf_node *t, *seq;
	size_t k;

	r->a = a; /* the batch's arena, released by the caller */
	opts_of(r, &o);
	t = build(r, objs, n, &o);
	r->a = saved;
	if (cols)
		cf_json_write(cols, cf_node_get(t, "columnDefinitions"), 0);
	seq = cf_node_get(t, "rows");
	for (k = 0; rows && k < cf_node_count(seq); k++) {
		if (rows->len)
			cf_buf_addch(rows, ',');
		cf_json_write(rows, cf_node_at(seq, k), 0);
	}
	return k;
}

void api_table_event(api_req *r, cf_buf *out, const cf_node *obj,
    bool with_columns)
{
	cf_table_opts o;
	cf_node *one = (cf_node *)obj, *t;

	opts_of(r, &o);
	t = build(r, &one, 1, &o);
	if (!with_columns)
		cf_node_set(r->a, t, "columnDefinitions", cf_node_null(r->a));
	cf_json_write(out, t, 0);
}
