/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic merge patch. The original is deep-copied once and then edited
 * in place while the patch is walked, which keeps map key order (new keys
 * at the end) the way Go's map-then-sort round trip does not matter for:
 * the writer sorts keys anyway when the server encodes the object.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "kube/smp.h"

#define DIRECTIVE "$patch"
#define RETAIN_KEYS "$retainKeys"
#define DELETE_PRIM "$deleteFromPrimitiveList/"
#define SET_ORDER "$setElementOrder/"

/* One patch application: the arena for results and the path walked so
 * far, which prefixes error messages so they name the field. */
typedef struct smp {
	cf_arena *a;
	cf_buf path; /* ".spec.containers" for messages */
} smp;

static int smp_map(smp *x, cf_node **out, const cf_schema *s, cf_node *orig,
    const cf_node *patch);

/* Go's %v of a decoded JSON value (map keys sorted): the server prints
 * patch fragments this way in its messages. */
static void go_v(cf_buf *b, const cf_node *v)
{
	switch (v ? v->type : CF_NODE_NULL) {
	case CF_NODE_BOOL:
		cf_buf_adds(b, v->v.b ? "true" : "false");
		break;
	case CF_NODE_INT:
		cf_buf_addf(b, "%lld", (long long)v->v.i);
		break;
	case CF_NODE_FLOAT:
		cf_buf_addf(b, "%g", v->v.f);
		break;
	case CF_NODE_STR:
		cf_buf_add(b, v->v.s, v->len);
		break;
	case CF_NODE_SEQ:
		cf_buf_addch(b, '[');
		for (uint32_t i = 0; i < v->len; i++) {
			if (i)
				cf_buf_addch(b, ' ');
			go_v(b, v->v.items[i]);
		}
		cf_buf_addch(b, ']');
		break;
	case CF_NODE_MAP: {
		/* Go prints maps with sorted keys; sort a scratch copy. */
		cf_arena tmp = CF_ARENA_INIT;
		cf_node *c = cf_node_dup(&tmp, v);

		cf_node_sort_keys(c);
		cf_buf_adds(b, "map[");
		for (uint32_t i = 0; i < c->len; i++) {
			if (i)
				cf_buf_addch(b, ' ');
			cf_buf_addf(b, "%s:", c->v.pairs[i].key);
			go_v(b, c->v.pairs[i].val);
		}
		cf_buf_addch(b, ']');
		cf_arena_release(&tmp);
		break;
	}
	default:
		cf_buf_adds(b, "<nil>");
	}
}

/* Set the error: fmt gets shown (as Go's %v) and arg, and the message is
 * prefixed with the field path when below the root. */
static int smp_err(smp *x, const char *fmt, const cf_node *shown,
    const char *arg)
{
	cf_buf v = CF_BUF_INIT;
	int error;

	if (shown)
		go_v(&v, shown);
	error = cf_error_setc(CF_EINVALID, CF_ERR_KUBE, "%s%s",
	    x->path.len ? cf_arena_printf(x->a, "%s: ", x->path.buf) : "",
	    cf_arena_printf(x->a, fmt, v.buf, arg ? arg : ""));
	cf_buf_release(&v);
	return error;
}

/* Keys that steer the merge and are never stored. */
static bool is_directive_key(const char *k)
{
	return !strcmp(k, DIRECTIVE) || !strcmp(k, RETAIN_KEYS) ||
	    !strncmp(k, DELETE_PRIM, strlen(DELETE_PRIM)) ||
	    !strncmp(k, SET_ORDER, strlen(SET_ORDER));
}

/* Primitive lists are recognised by their items, as apimachinery does. */
static bool is_scalar(const cf_node *v)
{
	return v && v->type != CF_NODE_MAP && v->type != CF_NODE_SEQ;
}

/* A patch value with its directives processed, as stored when the
 * original has nothing there. NULL if it deletes itself. */
static int fresh_value(smp *x, cf_node **out, const cf_schema *s,
    const cf_node *pv);

static int smp_list(smp *x, cf_node **out, const cf_schema *s,
    cf_node *orig, const cf_node *patch);

/* The $patch directive of a map, if it is a string. */
static const char *directive_of(const cf_node *m)
{
	return cf_node_getp_str(m, DIRECTIVE, NULL);
}

/* Index of the item whose merge key (or, for primitives, value) equals
 * the one of v; -1 if none. */
static int find_item(const cf_node *list, const cf_node *v, const char *key)
{
	for (uint32_t i = 0; list && i < list->len; i++) {
		const cf_node *it = list->v.items[i];

		if (key ? cf_node_is(it, CF_NODE_MAP) &&
		    cf_node_equal(cf_node_get(it, key), cf_node_get(v, key))
			: cf_node_equal(it, v))
			return (int)i;
	}
	return -1;
}

/* ---- lists --------------------------------------------------------------- */

/*
 * Merge patch items into orig by merge key: deletes drop every matching
 * item, matched items are merged (and may delete themselves), the rest
 * are appended in patch order.
 */
static int merge_map_items(smp *x, cf_node *orig, const cf_schema *is,
    const cf_node *patch, const char *key)
{
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_node *item = patch->v.items[i];
		const char *d = directive_of(item);
		cf_node *merged;
		int at, error;

		if (!cf_node_is(item, CF_NODE_MAP))
			return smp_err(x, "%s: patch list item is not a map%s",
			    item, NULL);
		if (!cf_node_get(item, key))
			return smp_err(x, "map: %s does not contain declared "
			    "merge key: %s", item, key);
		at = find_item(orig, item, key);
		if (d && !strcmp(d, "delete")) {
			/* Every item with that key goes. */
			while ((at = find_item(orig, item, key)) >= 0)
				cf_node_remove(orig, (size_t)at);
			continue;
		}
		if (at >= 0) {
			error = smp_map(x, &merged, is, orig->v.items[at], item);
			if (error < 0)
				return error;
			if (merged)
				orig->v.items[at] = merged;
			else
				cf_node_remove(orig, (size_t)at);
		} else {
			if ((error = fresh_value(x, &merged, is, item)) < 0)
				return error;
			if (merged)
				cf_node_push(x->a, orig, merged);
		}
	}
	return 0;
}

/*
 * A list field. Only fields whose strategy is merge are merged; every other
 * list (atomic in k8s.io/api, or unknown) is replaced by the patch. A
 * {"$patch":"replace"} element replaces whatever the strategy.
 */
static int smp_list(smp *x, cf_node **out, const cf_schema *s,
    cf_node *orig, const cf_node *patch)
{
	const cf_schema *is = cf_schema_item(s);
	bool merge = s && s->kind == CF_SCHEMA_LIST && (s->smp & CF_SMP_MERGE);
	cf_node *res;
	int error;

	/* [{"$patch":"replace"}, ...]: the rest of the patch is the list. */
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_node *it = patch->v.items[i];
		const char *d = directive_of(it);

		if (cf_node_get(it, DIRECTIVE) && merge && s->smp_key &&
		    (!d || (strcmp(d, "replace") && strcmp(d, "delete")))) {
			cf_buf m = CF_BUF_INIT;

			if (d && !strcmp(d, "merge"))
				return smp_err(x, "merging lists cannot yet be "
				    "specified in the patch%s%s", NULL, NULL);
			go_v(&m, it);
			error = smp_err(x, "unknown patch type: %s in map: %s",
			    cf_node_get(it, DIRECTIVE), m.buf);
			cf_buf_release(&m);
			return error;
		}
		if (d && !strcmp(d, "replace")) {
			res = cf_node_seq(x->a);
			for (uint32_t k = 0; k < patch->len; k++) {
				cf_node *v;

				if (k == i)
					continue;
				if ((error = fresh_value(x, &v, is,
				    patch->v.items[k])) < 0)
					return error;
				if (v)
					cf_node_push(x->a, res, v);
			}
			*out = res;
			return 0;
		}
	}
	if (!merge || !orig)
		return fresh_value(x, out, s, patch);
	res = orig;
	if (!s->smp_key || (patch->len && is_scalar(patch->v.items[0]))) {
		/* Primitive lists merge as a union, first occurrence kept. */
		for (uint32_t i = 0; i < patch->len; i++)
			if (find_item(res, patch->v.items[i], NULL) < 0)
				cf_node_push(x->a, res,
				    cf_node_dup(x->a, patch->v.items[i]));
		*out = res;
		return 0;
	}
	if ((error = merge_map_items(x, res, is, patch, s->smp_key)) < 0)
		return error;
	*out = res;
	return 0;
}

/*
 * $setElementOrder/<f>: items named by the order list take that order;
 * items only the server has keep their place relative to the server's
 * list, ahead of ordered items that come later there (apimachinery's
 * normalizeElementOrder + mergeSortedSlice).
 */
static int set_order(smp *x, cf_node *list, const cf_node *order,
    const cf_node *server, const char *key)
{
	cf_node **pi, **so;
	uint32_t np = 0, ns = 0, i = 0, j = 0, n = list->len;

	if (!cf_node_is(order, CF_NODE_SEQ))
		return smp_err(x, "invalid type for $setElementOrder list: %s%s",
		    order, NULL);
	pi = cf_arena_alloc(x->a, (n + 1) * sizeof(*pi));
	so = cf_arena_alloc(x->a, (n + 1) * sizeof(*so));
	/* Partition: items the order list names, and server-only items. */
	for (uint32_t k = 0; k < n; k++) {
		cf_node *it = list->v.items[k];

		if (find_item(order, it, key) >= 0)
			pi[np++] = it;
		else
			so[ns++] = it;
	}
	/* Stable insertion sorts: by order-list index, by server index. */
	for (uint32_t k = 1; k < np; k++)
		for (uint32_t m = k; m > 0 && find_item(order, pi[m], key) <
		     find_item(order, pi[m - 1], key); m--) {
			cf_node *t = pi[m];
			pi[m] = pi[m - 1];
			pi[m - 1] = t;
		}
	for (uint32_t k = 1; k < ns; k++)
		for (uint32_t m = k; m > 0; m--) {
			int a = find_item(server, so[m], key);
			int b = find_item(server, so[m - 1], key);
			cf_node *t;

			if (a < 0 || b < 0 || a >= b)
				break;
			t = so[m];
			so[m] = so[m - 1];
			so[m - 1] = t;
		}
	/* Interleave: a server-only item goes first only when both are in
	 * the server's list and it came earlier there. */
	for (uint32_t k = 0; k < n; k++) {
		if (i < ns && j < np) {
			int li = find_item(server, so[i], key);
			int ri = find_item(server, pi[j], key);

			list->v.items[k] = (li >= 0 && ri >= 0 && li < ri)
			    ? so[i++] : pi[j++];
		} else {
			list->v.items[k] = i < ns ? so[i++] : pi[j++];
		}
	}
	return 0;
}

/*
 * The patch list must name its items in the same relative order as the
 * $setElementOrder list (apimachinery's validatePatchWithSetOrderList):
 * kubectl always emits them that way, so a mismatch is a broken patch.
 */
static int check_order(smp *x, const cf_node *plist, const cf_node *order,
    const char *key)
{
	uint32_t pi = 0, oi = 0;

	if (!cf_node_is(plist, CF_NODE_SEQ) || !cf_node_is(order, CF_NODE_SEQ))
		return 0;
	while (pi < plist->len && oi < order->len) {
		const cf_node *it = plist->v.items[pi];
		bool eq;

		if (cf_node_get(it, DIRECTIVE)) {
			pi++; /* deletes and replaces are not ordered */
			continue;
		}
		eq = key ? cf_node_equal(cf_node_get(it, key),
		    cf_node_get(order->v.items[oi], key))
			 : cf_node_equal(it, order->v.items[oi]);
		if (eq)
			pi++;
		oi++;
	}
	while (pi < plist->len && cf_node_get(plist->v.items[pi], DIRECTIVE))
		pi++;
	if (pi < plist->len) {
		cf_buf o = CF_BUF_INIT;
		int error;

		go_v(&o, order);
		error = smp_err(x, "The order in patch list:\n%s\n doesn't match "
		    "$setElementOrder list:\n%s\n", plist, o.buf);
		cf_buf_release(&o);
		return error;
	}
	return 0;
}

/* ---- maps --------------------------------------------------------------- */

/* $retainKeys: clear every original field not listed, after checking that
 * the patch itself only sets listed fields. */
static int retain_keys(smp *x, cf_node *orig, const cf_node *patch)
{
	const cf_node *keys = cf_node_get(patch, RETAIN_KEYS);

	if (!keys)
		return 0;
	if (!cf_node_is(keys, CF_NODE_SEQ))
		return smp_err(x, "invalid patch format of retainKeys%s%s",
		    NULL, NULL);
	/* Every field the patch sets must be retained. */
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];
		cf_node k = { .type = CF_NODE_STR, .len = p->klen, .v.s = p->key };

		if (p->val->type == CF_NODE_NULL || is_directive_key(p->key))
			continue;
		if (find_item(keys, &k, NULL) < 0)
			return smp_err(x, "invalid patch format of retainKeys%s%s",
			    NULL, NULL);
	}
	for (uint32_t i = orig->len; i-- > 0;) {
		cf_node k = { .type = CF_NODE_STR, .len = orig->v.pairs[i].klen,
			.v.s = orig->v.pairs[i].key };

		if (find_item(keys, &k, NULL) < 0)
			cf_node_del(orig, orig->v.pairs[i].key);
	}
	return 0;
}

/* $deleteFromPrimitiveList/<f>: remove those values from list f. */
static int delete_from_primitive(smp *x, cf_node *orig, const cf_node *patch)
{
	size_t pl = strlen(DELETE_PRIM);

	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];
		cf_node *list;

		if (strncmp(p->key, DELETE_PRIM, pl))
			continue;
		if (!cf_node_is(p->val, CF_NODE_SEQ))
			return smp_err(x, "invalid patch format of primitive "
			    "list: %s%s", p->val, NULL);
		list = cf_node_get(orig, p->key + pl);
		if (!cf_node_is(list, CF_NODE_SEQ))
			continue;
		for (uint32_t k = list->len; k-- > 0;)
			if (find_item(p->val, list->v.items[k], NULL) >= 0)
				cf_node_remove(list, k);
	}
	return 0;
}

/* Merge one patch key into map orig: null deletes, same-typed maps and
 * lists recurse, anything else takes the patch value. */
static int merge_key(smp *x, cf_node *orig, const cf_schema *s,
    const cf_pair *p)
{
	const cf_schema *cs = cf_schema_child(s, p->key, NULL);
	cf_node *ov = cf_node_getn(orig, p->key, p->klen), *res;
	size_t mark = x->path.len;
	int error;

	if (p->val->type == CF_NODE_NULL) {
		cf_node_del(orig, p->key);
		return 0;
	}
	cf_buf_addf(&x->path, ".%s", p->key);
	if (!ov || ov->type != p->val->type)
		/* Absent, or of another type: the patch value wins. */
		error = fresh_value(x, &res, cs, p->val);
	else if (ov->type == CF_NODE_MAP && cs && (cs->smp & CF_SMP_REPLACE))
		/* patchStrategy "replace" on a map: no merge below it. */
		error = fresh_value(x, &res, cs, p->val);
	else if (ov->type == CF_NODE_MAP)
		error = smp_map(x, &res, cs, ov, p->val);
	else if (ov->type == CF_NODE_SEQ)
		error = smp_list(x, &res, cs, ov, p->val);
	else
		error = fresh_value(x, &res, cs, p->val);
	cf_buf_truncate(&x->path, mark);
	if (error < 0)
		return error;
	if (res)
		cf_node_setn(x->a, orig, p->key, p->klen, res);
	else
		cf_node_del(orig, p->key);
	return 0;
}

/*
 * A map. *out is the merged map, or NULL when the patch deletes it.
 * Directives run in apimachinery's order: $patch, $retainKeys,
 * $deleteFromPrimitiveList, the ordinary keys, then $setElementOrder
 * against the list order the server had before this patch.
 */
static int smp_map(smp *x, cf_node **out, const cf_schema *s, cf_node *orig,
    const cf_node *patch)
{
	const char *d = directive_of(patch);
	size_t ol = strlen(SET_ORDER);
	cf_node *server;
	int error;

	if (d && !strcmp(d, "delete")) {
		*out = NULL;
		return 0;
	}
	/* replace: the patch, directives applied, is the whole new map. */
	if (d && !strcmp(d, "replace"))
		orig = NULL;
	else if ((d && strcmp(d, "merge")) ||
	    (!d && cf_node_get(patch, DIRECTIVE))) {
		cf_buf m = CF_BUF_INIT;

		go_v(&m, patch);
		error = smp_err(x, "unknown patch type: %s in map: %s",
		    cf_node_get(patch, DIRECTIVE), m.buf);
		cf_buf_release(&m);
		return error;
	}
	if (!cf_node_is(orig, CF_NODE_MAP))
		orig = cf_node_map(x->a);
	/* The server's list order for every $setElementOrder target. */
	server = cf_node_dup(x->a, orig);
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];
		const char *f = p->key + ol;
		const cf_schema *cs;

		if (strncmp(p->key, SET_ORDER, ol))
			continue;
		cs = cf_schema_child(s, f, NULL);
		if ((error = check_order(x, cf_node_get(patch, f), p->val,
		    cs && cs->kind == CF_SCHEMA_LIST ? cs->smp_key : NULL)) < 0)
			return error;
	}
	if ((error = retain_keys(x, orig, patch)) < 0 ||
	    (error = delete_from_primitive(x, orig, patch)) < 0)
		return error;
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];

		if (is_directive_key(p->key))
			continue;
		if ((error = merge_key(x, orig, s, p)) < 0)
			return error;
	}
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];
		const char *f = p->key + ol;
		const cf_schema *cs;
		cf_node *list;

		if (strncmp(p->key, SET_ORDER, ol))
			continue;
		list = cf_node_get(orig, f);
		if (!cf_node_is(list, CF_NODE_SEQ))
			continue;
		cs = cf_schema_child(s, f, NULL);
		error = set_order(x, list, p->val, cf_node_get(server, f),
		    cs && cs->kind == CF_SCHEMA_LIST ? cs->smp_key : NULL);
		if (error < 0)
			return error;
	}
	*out = orig;
	return 0;
}

static int fresh_value(smp *x, cf_node **out, const cf_schema *s,
    const cf_node *pv)
{
	if (cf_node_is(pv, CF_NODE_MAP))
		return smp_map(x, out, s, NULL, pv);
	if (cf_node_is(pv, CF_NODE_SEQ)) {
		const cf_schema *is = cf_schema_item(s);
		cf_node *res = cf_node_seq(x->a);

		/* Directive-only items (deletes of absent entries) vanish. */
		for (uint32_t i = 0; i < pv->len; i++) {
			cf_node *v;
			int error;

			if (cf_node_is(pv->v.items[i], CF_NODE_MAP)) {
				if ((error = smp_map(x, &v, is, NULL,
				    pv->v.items[i])) < 0)
					return error;
				if (!v)
					continue;
			} else {
				v = cf_node_dup(x->a, pv->v.items[i]);
			}
			cf_node_push(x->a, res, v);
		}
		*out = res;
		return 0;
	}
	*out = cf_node_dup(x->a, pv);
	return 0;
}

int cf_smp_apply(cf_node **out, cf_arena *a, const cf_schema *s,
    const cf_node *obj, const cf_node *patch)
{
	smp x = { .a = a, .path = CF_BUF_INIT };
	cf_node *res;
	int error;

	if (!cf_node_is(patch, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "strategic merge patch must be an object");
	/* Work on a copy: the caller's object is usually the stored one. */
	error = smp_map(&x, &res, s, cf_node_dup(a, obj), patch);
	cf_buf_release(&x.path);
	if (error < 0)
		return error;
	*out = res ? res : cf_node_map(a);
	return 0;
}
