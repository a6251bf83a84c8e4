/* SPDX-License-Identifier: Apache-2.0 */
/*
 * list and deletecollection. A plain JSON list is assembled from the stored
 * bytes without parsing them (the fast path that keeps a 10,000-object list
 * cheap); selectors and Table output parse each item.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "core/json.h"
#include "store/store.h"

#include <inttypes.h>
#include <string.h>

/* Table rows are built this many objects at a time, so a 10,000-row
 * Table never holds 10,000 parsed objects at once. */
#define TABLE_BATCH 256

struct list_state {
	api_req *r;
	cf_buf *out;
	api_filter *filter;
	size_t n;
	cf_node **objs; /* deletecollection: every parsed item */
	size_t nobjs, aobjs;
	bool parse;     /* collect every item (deletecollection) */
	bool table;     /* build Table rows in batches */
	cf_arena scratch; /* per-row (filters) or per-batch (Table) */
	cf_node *batch[TABLE_BATCH];
	size_t nbatch;
	cf_buf rows, cols;
	size_t nrows;
};

static void flush_batch(struct list_state *s)
{
	if (!s->nbatch)
		return;
	s->nrows += api_table_rows(s->r, &s->scratch, s->batch, s->nbatch,
	    &s->rows, s->cols.len ? NULL : &s->cols);
	s->nbatch = 0;
	cf_arena_release(&s->scratch);
}

static int list_row(const cf_store_kv *kv, void *payload)
{
	struct list_state *s = payload;
	cf_arena *pa = s->parse ? s->r->a : &s->scratch;
	cf_node *obj = NULL;

	if (!api_filter_match_key(s->filter, kv->ns, kv->name))
		return 0;
	if (s->parse || s->table || api_filter_needs_object(s->filter)) {
		if (!s->parse && !s->table)
			cf_arena_release(&s->scratch); /* last row's parse */
		if (cf_json_parse(&obj, pa, kv->value, kv->value_len, NULL) < 0)
			return CF_ERROR;
		if (!api_filter_match(s->filter, obj))
			return 0;
	}
	if (s->table) {
		s->batch[s->nbatch++] = obj;
		if (s->nbatch == TABLE_BATCH)
			flush_batch(s);
		return 0;
	}
	if (s->parse) {
		if (s->nobjs == s->aobjs) {
			size_t na = s->aobjs ? s->aobjs * 2 : 64;
			cf_node **n = cf_arena_alloc(s->r->a, na * sizeof(*n));
			if (s->nobjs)
				memcpy(n, s->objs, s->nobjs * sizeof(*n));
			s->objs = n;
			s->aobjs = na;
		}
		s->objs[s->nobjs++] = obj;
		return 0;
	}
	if (s->n++)
		cf_buf_addch(s->out, ',');
	cf_buf_add(s->out, kv->value, kv->value_len);
	return 0;
}

/* List the request's resource into s; fills res with the snapshot. */
static int list_into(api_req *r, struct list_state *s, cf_store_list_result *res)
{
	cf_store_list_opts lo = {
		.ns = r->res.namespaced && r->path.namespace ? r->path.namespace : NULL,
		.limit = (size_t)r->opts.limit,
		.cont = r->opts.continue_token && *r->opts.continue_token ?
		    r->opts.continue_token : NULL,
	};
	int err;

	err = cf_store_list(r->srv->store, res, r->res.store_key, &lo,
	    list_row, s);
	if (err == CF_EGONE)
		api_fail(r, 410, "Expired",
		    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
	else if (err < 0)
		api_fail_err(r, err);
	return err;
}

void api_handle_list(api_req *r)
{
	struct list_state s = { .r = r };
	cf_store_list_result res;
	cf_buf out = CF_BUF_INIT;
	const char *gv;

	if (api_filter_compile(r, &s.filter) < 0)
		return;
	s.table = r->accept == CF_ACCEPT_TABLE;
	s.out = &out;
	gv = r->res.group[0] ?
	    cf_arena_printf(r->a, "%s/%s", r->res.group, r->res.version) :
	    r->res.version;
	cf_buf_addf(&out, "{\"apiVersion\":\"%s\",\"items\":[", gv);
	if (list_into(r, &s, &res) < 0)
		goto done;
	if (s.table) {
		flush_batch(&s);
		if (!s.cols.len) /* no rows: the columns still come */
			api_table_rows(r, &s.scratch, NULL, 0, NULL, &s.cols);
		cf_buf_reset(&out);
		cf_buf_adds(&out, "{\"apiVersion\":\"meta.k8s.io/v1\",\"columnDefinitions\":");
		cf_buf_add(&out, s.cols.buf, s.cols.len);
		cf_buf_adds(&out, ",\"kind\":\"Table\",\"metadata\":{");
		if (res.cont[0]) {
			cf_buf_adds(&out, "\"continue\":");
			cf_buf_add_json_str(&out, res.cont, strlen(res.cont));
			cf_buf_addch(&out, ',');
		}
		cf_buf_addf(&out, "\"resourceVersion\":\"%" PRId64 "\"},\"rows\":[", res.rev);
		cf_buf_add(&out, s.rows.buf, s.rows.len);
		cf_buf_adds(&out, "]}");
		api_reply(r, 200, &out);
		goto done;
	}
	cf_buf_addf(&out, "],\"kind\":\"%s\",\"metadata\":{", r->res.list_kind);
	if (res.cont[0]) {
		cf_buf_adds(&out, "\"continue\":");
		cf_buf_add_json_str(&out, res.cont, strlen(res.cont));
		cf_buf_addch(&out, ',');
	}
	cf_buf_addf(&out, "\"resourceVersion\":\"%" PRId64 "\"}}", res.rev);
	api_reply(r, 200, &out);
done:
	cf_arena_release(&s.scratch);
	cf_buf_release(&s.rows);
	cf_buf_release(&s.cols);
	cf_buf_release(&out);
}

void api_handle_deletecollection(api_req *r)
{
	struct list_state s = { .r = r, .parse = true };
	cf_store_list_result res;
	const char *gv;
	cf_buf out = CF_BUF_INIT;

	if (api_filter_compile(r, &s.filter) < 0)
		return;
	r->opts.limit = 0;
	r->opts.continue_token = NULL;
	if (list_into(r, &s, &res) < 0)
		return;
	cf_arena_release(&s.scratch);
	for (size_t i = 0; i < s.nobjs; i++) {
		const char *name = cf_node_getp_str(s.objs[i], "metadata", "name", NULL);
		if (name)
			api_delete_one(r, s.objs[i], name);
	}
	/* Like kube-apiserver: answer with the list of what was deleted. */
	gv = r->res.group[0] ?
	    cf_arena_printf(r->a, "%s/%s", r->res.group, r->res.version) :
	    r->res.version;
	cf_buf_addf(&out, "{\"apiVersion\":\"%s\",\"items\":[", gv);
	for (size_t i = 0; i < s.nobjs; i++) {
		if (i)
			cf_buf_addch(&out, ',');
		cf_json_write(&out, s.objs[i], CF_JSON_SORTED);
	}
	cf_buf_addf(&out, "],\"kind\":\"%s\",\"metadata\":{\"resourceVersion\":\"%" PRId64 "\"}}",
	    r->res.list_kind, cf_store_rev(r->srv->store));
	api_reply(r, 200, &out);
	cf_buf_release(&out);
}
