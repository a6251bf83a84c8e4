/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Inventory ids follow cli-utils' ObjMetadata string, which Flux stores:
 * the namespace is everything before the first '_', the kind everything
 * after the last, the group the field before that, and the name the rest.
 * Kubernetes names cannot hold '_', so the only escape needed is RBAC's
 * ':' (system:aggregate-to-view), written "__".
 */
#include "apply/inventory.h"

#include <stdlib.h>
#include <string.h>

#include "apply/apply_int.h"
#include "core/buf.h"
#include "core/error.h"

/* Scan from both ends as ParseObjMetadata does: the namespace up to
 * the first '_', the kind after the last, the group before that. */
int cf_inv_id_parse(cf_inv_entry *out, cf_arena *a, const char *id)
{
	size_t len = id ? strnlen(id, CF_INV_MAX_ID + 1) : 0;
	const char *first, *last, *group;
	cf_buf name = CF_BUF_INIT;

	if (len > CF_INV_MAX_ID)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "inventory id longer than %d bytes", CF_INV_MAX_ID);
	first = id ? memchr(id, '_', len) : NULL;
	last = id ? memrchr(id, '_', len) : NULL;
	if (!first || last == first)
		goto bad;
	for (group = last - 1; group > first && *group != '_'; group--)
		;
	/* The name sits between the first separator and the group's. */
	for (const char *p = first + 1; p < group; p++) {
		if (p[0] == '_' && p + 1 < group && p[1] == '_') {
			cf_buf_addch(&name, ':');
			p++;
		} else if (p[0] == '_') {
			cf_buf_release(&name);
			goto bad; /* too many fields */
		} else {
			cf_buf_addch(&name, *p);
		}
	}
	out->ns = cf_arena_strndup(a, id, (size_t)(first - id));
	out->name = cf_arena_strndup(a, name.buf, name.len);
	out->group = cf_arena_strndup(a, group + 1, (size_t)(last - group - 1));
	out->kind = cf_arena_strdup(a, last + 1);
	out->version = "";
	cf_buf_release(&name);
	if (!*out->name || !*out->kind)
		goto bad;
	return 0;
bad:
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
	    "cannot parse inventory id '%s'", id ? id : "");
}

char *cf_inv_id_format(cf_arena *a, const cf_inv_entry *e)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	cf_buf_addf(&b, "%s_", e->ns);
	for (const char *p = e->name; *p; p++) {
		if (*p == ':')
			cf_buf_adds(&b, "__");
		else
			cf_buf_addch(&b, *p);
	}
	cf_buf_addf(&b, "_%s_%s", e->group, e->kind);
	s = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return s;
}

char *cf_inv_subject(cf_arena *a, const cf_inv_entry *e)
{
	if (!*e->ns)
		return cf_arena_printf(a, "%s/%s", e->kind, e->name);
	return cf_arena_printf(a, "%s/%s/%s", e->kind, e->ns, e->name);
}

char *cf_inv_api_version(cf_arena *a, const cf_inv_entry *e)
{
	if (!*e->group)
		return cf_arena_strdup(a, e->version);
	return cf_arena_printf(a, "%s/%s", e->group, e->version);
}

void *cf_apply__grow(cf_arena *a, void *v, size_t *alloc, size_t len,
    size_t sz)
{
	size_t n;
	void *nv;

	if (len < *alloc)
		return v;
	/* The old block stays in the arena until it is released: lists
	 * here are built once per pass, so doubling wastes at most half. */
	n = *alloc ? *alloc * 2 : 16;
	nv = cf_arena_alloc(a, n * sz);
	if (len)
		memcpy(nv, v, len * sz);
	*alloc = n;
	return nv;
}

void cf_inv_add(cf_inventory *inv, cf_arena *a, const cf_inv_entry *e)
{
	inv->v = cf_apply__grow(a, inv->v, &inv->alloc, inv->len,
	    sizeof(*inv->v));
	inv->v[inv->len++] = *e;
}

/* One {id, v} item of status.inventory.entries. */
static int entry_from_node(cf_inv_entry *out, cf_arena *a, const cf_node *n)
{
	const char *id = cf_node_getp_str(n, "id", NULL);
	const char *v = cf_node_getp_str(n, "v", NULL);
	int err;

	if (!id)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "inventory entry without an id");
	err = cf_inv_id_parse(out, a, id);
	/* The version is only text to us; cap it like the id. */
	if (err == 0 && v)
		out->version = cf_arena_strndup(a, v, strnlen(v, CF_INV_MAX_ID));
	return err;
}

int cf_inv_from_node(cf_inventory *out, cf_arena *a, const cf_node *inv)
{
	const cf_node *entries = cf_node_get(inv, "entries");
	size_t n = cf_node_count(entries);

	if (!entries || cf_node_is(entries, CF_NODE_NULL))
		return 0;
	if (!cf_node_is(entries, CF_NODE_SEQ))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "inventory entries is not a list");
	if (n > CF_INV_MAX_ENTRIES)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "inventory holds %zu entries, more than %d", n,
		    CF_INV_MAX_ENTRIES);
	for (size_t i = 0; i < n; i++) {
		cf_inv_entry e;
		int err = entry_from_node(&e, a, cf_node_at(entries, i));

		if (err < 0)
			return err;
		cf_inv_add(out, a, &e);
	}
	return 0;
}

cf_node *cf_inv_to_node(cf_arena *a, const cf_inventory *inv)
{
	cf_node *root = cf_node_map(a), *seq = cf_node_seq(a);

	for (size_t i = 0; i < inv->len; i++) {
		cf_node *e = cf_node_map(a);

		cf_node_set(a, e, "id", cf_node_str(a,
		    cf_inv_id_format(a, &inv->v[i])));
		cf_node_set(a, e, "v", cf_node_str(a, inv->v[i].version));
		cf_node_push(a, seq, e);
	}
	cf_node_set(a, root, "entries", seq);
	return root;
}

/* Identity order: namespace, name, group, kind. */
static int entry_cmp(const cf_inv_entry *x, const cf_inv_entry *y)
{
	int c = strcmp(x->ns, y->ns);

	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = strcmp(x->group, y->group);
	if (!c)
		c = strcmp(x->kind, y->kind);
	return c;
}

bool cf_inv_same(const cf_inv_entry *x, const cf_inv_entry *y)
{
	return entry_cmp(x, y) == 0;
}

bool cf_inv_contains(const cf_inventory *inv, const cf_inv_entry *e)
{
	for (size_t i = 0; i < inv->len; i++)
		if (cf_inv_same(&inv->v[i], e))
			return true;
	return false;
}

static int ptr_cmp(const void *x, const void *y)
{
	return entry_cmp(*(const cf_inv_entry *const *)x,
	    *(const cf_inv_entry *const *)y);
}

void cf_inv_diff(cf_inventory *stale, cf_arena *a, const cf_inventory *old,
    const cf_inventory *new_inv)
{
	/* A sorted index of the new set keeps this n log n: inventories of
	 * a few thousand objects are common. */
	const cf_inv_entry **idx = NULL;

	if (new_inv->len) {
		idx = cf_arena_alloc(a, new_inv->len * sizeof(*idx));
		for (size_t i = 0; i < new_inv->len; i++)
			idx[i] = &new_inv->v[i];
		qsort(idx, new_inv->len, sizeof(*idx), ptr_cmp);
	}
	for (size_t i = 0; i < old->len; i++) {
		const cf_inv_entry *key = &old->v[i];

		if (!idx || !bsearch(&key, idx, new_inv->len, sizeof(*idx),
		    ptr_cmp))
			cf_inv_add(stale, a, key);
	}
}
