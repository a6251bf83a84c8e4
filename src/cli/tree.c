/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flux's internal/tree: the drawing characters and the JSON field names
 * come from there (the Go struct marshals cli-utils' ObjMetadata, whose
 * fields have no json tags, hence the capitalised keys).
 */
#include "cli/tree.h"

#include <stdbool.h>
#include <string.h>

#include "core/node.h"
#include "core/yaml_emit.h"

cf_cli_tree *cf_cli_tree_new(cf_arena *a, const cf_inv_entry *e)
{
	cf_cli_tree *t = cf_arena_zalloc(a, sizeof(*t));

	t->obj = *e;
	return t;
}

cf_cli_tree *cf_cli_tree_add(cf_arena *a, cf_cli_tree *t,
    const cf_inv_entry *e)
{
	cf_cli_tree *c = cf_cli_tree_new(a, e);

	if (t->nitems == t->alloc) {
		size_t n = t->alloc ? 2 * t->alloc : 8;
		cf_cli_tree **v = cf_arena_alloc(a, n * sizeof(*v));

		if (t->nitems)
			memcpy(v, t->items, t->nitems * sizeof(*v));
		t->items = v;
		t->alloc = n;
	}
	t->items[t->nitems++] = c;
	return c;
}

/* FmtObjMetadata: "Kind/ns/name", or "Kind/name" cluster-scoped. */
static void subject(cf_buf *out, const cf_inv_entry *e)
{
	if (*e->ns)
		cf_buf_addf(out, "%s/%s/%s", e->kind, e->ns, e->name);
	else
		cf_buf_addf(out, "%s/%s", e->kind, e->name);
}

/* prefix holds one column per level above: "│   " while that level
 * has more items below, "    " once it is done. */
static void text_items(cf_buf *out, cf_buf *prefix, const cf_cli_tree *t)
{
	for (size_t i = 0; i < t->nitems; i++) {
		bool last = i + 1 == t->nitems;
		size_t at = prefix->len;

		cf_buf_add(out, prefix->buf, prefix->len);
		cf_buf_adds(out, last ? "└── " : "├── ");
		subject(out, &t->items[i]->obj);
		cf_buf_addch(out, '\n');
		cf_buf_adds(prefix, last ? "    " : "│   ");
		text_items(out, prefix, t->items[i]);
		cf_buf_truncate(prefix, at);
	}
}

void cf_cli_tree_text(cf_buf *out, const cf_cli_tree *t)
{
	cf_buf prefix = CF_BUF_INIT;

	subject(out, &t->obj);
	cf_buf_addch(out, '\n');
	text_items(out, &prefix, t);
	cf_buf_release(&prefix);
}

static void json_field(cf_buf *out, int indent, const char *key,
    const char *val, bool comma)
{
	cf_buf_addf(out, "%*s\"%s\": ", indent, "", key);
	cf_buf_add_json_str(out, val, strlen(val));
	cf_buf_adds(out, comma ? ",\n" : "\n");
}

static void json_node(cf_buf *out, const cf_cli_tree *t, int in)
{
	cf_buf_addf(out, "{\n%*s\"resource\": {\n", in + 2, "");
	json_field(out, in + 4, "Namespace", t->obj.ns, true);
	json_field(out, in + 4, "Name", t->obj.name, true);
	cf_buf_addf(out, "%*s\"GroupKind\": {\n", in + 4, "");
	json_field(out, in + 6, "Group", t->obj.group, true);
	json_field(out, in + 6, "Kind", t->obj.kind, false);
	cf_buf_addf(out, "%*s}\n%*s}", in + 4, "", in + 2, "");
	if (t->nitems) {
		cf_buf_addf(out, ",\n%*s\"resources\": [\n", in + 2, "");
		for (size_t i = 0; i < t->nitems; i++) {
			cf_buf_addf(out, "%*s", in + 4, "");
			json_node(out, t->items[i], in + 4);
			cf_buf_adds(out, i + 1 < t->nitems ? ",\n" : "\n");
		}
		cf_buf_addf(out, "%*s]", in + 2, "");
	}
	cf_buf_addf(out, "\n%*s}", in, "");
}

void cf_cli_tree_json(cf_buf *out, const cf_cli_tree *t)
{
	json_node(out, t, 0);
	cf_buf_addch(out, '\n');
}

static cf_node *yaml_node(cf_arena *a, const cf_cli_tree *t)
{
	cf_node *n = cf_node_map(a), *r = cf_node_set_map(a, n, "resource");
	cf_node *gk;

	cf_node_set(a, r, "Namespace", cf_node_str(a, t->obj.ns));
	cf_node_set(a, r, "Name", cf_node_str(a, t->obj.name));
	gk = cf_node_set_map(a, r, "GroupKind");
	cf_node_set(a, gk, "Group", cf_node_str(a, t->obj.group));
	cf_node_set(a, gk, "Kind", cf_node_str(a, t->obj.kind));
	if (t->nitems) {
		cf_node *items = cf_node_seq(a);

		for (size_t i = 0; i < t->nitems; i++)
			cf_node_push(a, items, yaml_node(a, t->items[i]));
		cf_node_set(a, n, "resources", items);
	}
	return n;
}

int cf_cli_tree_yaml(cf_buf *out, cf_arena *a, const cf_cli_tree *t)
{
	return cf_yaml_emit(out, yaml_node(a, t));
}
