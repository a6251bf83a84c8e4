/* SPDX-License-Identifier: Apache-2.0 */
/*
 * patches, patchesStrategicMerge and patchesJson6902.
 *
 * kustomize's strategic merge is kyaml's merge2, not apimachinery's
 * strategicpatch (src/kube/smp.c implements the server's one): lists with
 * a merge key come out with the patch's elements first, then the original
 * elements the patch did not mention. So the merge is done here; only the
 * merge keys come from the shared schema (src/kube/schema.h).
 * JSON 6902 follows evanphx/json-patch v4 as kustomize uses it.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/yaml.h"
#include "kube/schema.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- strategic merge (kyaml merge2) ---------------------------------------- */

/* The $patch directive of a patch map, or NULL. */
static const char *directive(const cf_node *n)
{
	return cf_node_as_str(cf_node_get(n, "$patch"));
}

/* A copy of patch with $patch directives removed (they never reach the
 * output). */
static cf_node *strip(kz_ctx *c, const cf_node *n)
{
	if (!n)
		return NULL;
	if (n->type == CF_NODE_MAP) {
		cf_node *m = cf_node_map(c->a);
		for (uint32_t i = 0; i < n->len; i++) {
			const cf_pair *p = &n->v.pairs[i];
			if (p->klen == 6 && !memcmp(p->key, "$patch", 6))
				continue;
			if (cf_node_is(p->val, CF_NODE_NULL))
				continue; /* null deletes: nothing to add */
			cf_node_setn(c->a, m, p->key, p->klen, strip(c, p->val));
		}
		return m;
	}
	if (n->type == CF_NODE_SEQ) {
		cf_node *s = cf_node_seq(c->a);
		for (uint32_t i = 0; i < n->len; i++) {
			const char *d = directive(n->v.items[i]);
			if (d && !strcmp(d, "delete"))
				continue;
			cf_node_push(c->a, s, strip(c, n->v.items[i]));
		}
		return s;
	}
	return cf_node_dup(c->a, n);
}

static cf_node *merge_node(kz_ctx *c, cf_node *dst, const cf_node *patch,
    const cf_schema *s, int depth);

static bool key_eq(const cf_node *a, const cf_node *b, const char *key)
{
	cf_node *x = cf_node_get(a, key), *y = cf_node_get(b, key);

	return x && y && cf_node_equal(x, y);
}

/*
 * Does patch element pe address dst element de? Lists with several keys
 * (ports: containerPort and protocol) need every key equal, a missing key
 * equal only to a missing one. A patch element that matches on the first
 * key but leaves out a key the original sets is lost in kyaml's merge
 * (measured), which *drop reports.
 */
static bool keys_match(const cf_node *de, const cf_node *pe, const char *key,
    const cf_schema *s, bool *drop)
{
	if (!s || s->nkeys < 2)
		return key_eq(de, pe, key);
	if (!key_eq(de, pe, s->keys[0]))
		return false;
	for (uint32_t k = 1; k < s->nkeys; k++) {
		cf_node *x = cf_node_get(de, s->keys[k]);
		cf_node *y = cf_node_get(pe, s->keys[k]);
		if (!x && !y)
			continue;
		if (x && !y) {
			*drop = true;
			return false;
		}
		if (!x || !cf_node_equal(x, y))
			return false;
	}
	return true;
}

static cf_node *merge_list(kz_ctx *c, cf_node *dst, const cf_node *patch,
    const cf_schema *s, int depth)
{
	const char *key = s ? s->smp_key : NULL;
	const cf_schema *is = s ? cf_schema_item(s) : NULL;
	cf_node *out;
	bool *used;

	/* An element {$patch: replace} makes the patch list (without the
	 * directive) replace the original outright, unmerged. */
	for (uint32_t i = 0; i < patch->len; i++) {
		const char *d = directive(patch->v.items[i]);
		if (d && !strcmp(d, "replace")) {
			cf_node *rep = cf_node_seq(c->a);
			for (uint32_t j = 0; j < patch->len; j++) {
				cf_node *el = patch->v.items[j];
				if (cf_node_is(el, CF_NODE_MAP) && directive(el) &&
				    el->len == 1)
					continue;
				cf_node_push(c->a, rep, strip(c, el));
			}
			return rep;
		}
	}
	/* A list of scalars with the merge strategy (finalizers): the union,
	 * new patch items first, then the original items. */
	if (s && (s->smp & CF_SMP_MERGE) && !key) {
		cf_node *uni = cf_node_seq(c->a);
		for (uint32_t i = 0; i < patch->len; i++) {
			bool seen = false;
			for (uint32_t j = 0; j < dst->len && !seen; j++)
				seen = cf_node_equal(dst->v.items[j], patch->v.items[i]);
			if (!seen)
				cf_node_push(c->a, uni, strip(c, patch->v.items[i]));
		}
		for (uint32_t j = 0; j < dst->len; j++)
			cf_node_push(c->a, uni, dst->v.items[j]);
		return uni;
	}
	/* Without a merge key (or for scalars) the patch list wins. */
	if (!key || !(s->smp & CF_SMP_MERGE))
		return strip(c, patch);
	for (uint32_t i = 0; i < patch->len; i++)
		if (!cf_node_is(patch->v.items[i], CF_NODE_MAP))
			return strip(c, patch);
	/* kyaml's order (measured): with one merge key, the patch elements
	 * in patch order (merged with the original they address), then the
	 * untouched originals; with several keys (ports), the patch
	 * elements that match nothing first, then every original in its own
	 * order, merged with the patch element addressing it. */
	bool multi = s && s->nkeys >= 2;
	out = cf_node_seq(c->a);
	used = cf_xcalloc(dst->len + 1, sizeof(bool));
	const cf_node **with = cf_xcalloc(dst->len + 1, sizeof(cf_node *));
	bool *gone = cf_xcalloc(dst->len + 1, sizeof(bool));
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_node *pe = patch->v.items[i];
		const char *d = directive(pe);
		bool drop = false;
		uint32_t j;

		for (j = 0; j < dst->len; j++)
			if (!used[j] && keys_match(dst->v.items[j], pe, key, s, &drop))
				break;
		if (j < dst->len) {
			used[j] = true;
			if (d && !strcmp(d, "delete"))
				gone[j] = true;
			else if (multi)
				with[j] = pe;
			else
				cf_node_push(c->a, out, merge_node(c,
				    dst->v.items[j], pe, is, depth + 1));
			continue;
		}
		if ((d && !strcmp(d, "delete")) || drop)
			continue;
		cf_node_push(c->a, out, strip(c, pe));
	}
	for (uint32_t j = 0; j < dst->len; j++) {
		if (gone[j] || (!multi && used[j]))
			continue;
		cf_node_push(c->a, out, with[j] ? merge_node(c, dst->v.items[j],
		    with[j], is, depth + 1) : dst->v.items[j]);
	}
	free(with);
	free(gone);
	free(used);
	return out;
}

/*
 * Merge patch into dst (kyaml merge2): maps key by key (null deletes,
 * $patch: replace takes the patch map, $patch: delete on a field removes
 * it), lists through merge_list, anything else replaced. Returns the node
 * to store where dst was; dst itself is changed in place where it can be.
 */
static cf_node *merge_node(kz_ctx *c, cf_node *dst, const cf_node *patch,
    const cf_schema *s, int depth)
{
	if (depth > 200)
		return dst;
	/* A scalar over a scalar is written in place, as kyaml does: any
	 * other field sharing the node (see set_pairs) changes too. */
	if (dst && dst->type != CF_NODE_MAP && dst->type != CF_NODE_SEQ &&
	    patch->type != CF_NODE_MAP && patch->type != CF_NODE_SEQ) {
		*dst = *cf_node_dup(c->a, patch);
		return dst;
	}
	if (!dst || patch->type != dst->type ||
	    (patch->type != CF_NODE_MAP && patch->type != CF_NODE_SEQ))
		return strip(c, patch);
	if (patch->type == CF_NODE_SEQ)
		return merge_list(c, dst, patch, s, depth);

	const char *d = directive(patch);
	if (d && !strcmp(d, "replace"))
		return strip(c, patch);
	for (uint32_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];
		bool declared;

		if (p->klen == 6 && !memcmp(p->key, "$patch", 6))
			continue;
		if (cf_node_is(p->val, CF_NODE_NULL)) {
			cf_node_del(dst, p->key);
			continue;
		}
		const cf_schema *cs = s ? cf_schema_child(s, p->key, &declared) : NULL;
		cf_node *cur = cf_node_getn(dst, p->key, p->klen);
		const char *cd = directive(p->val);
		if (cd && !strcmp(cd, "delete") && cf_node_is(p->val, CF_NODE_MAP)) {
			cf_node_del(dst, p->key);
			continue;
		}
		cf_node_setn(c->a, dst, p->key, p->klen,
		    merge_node(c, cur, p->val, cs, depth + 1));
	}
	return dst;
}

int kz_smp_merge(kz_ctx *c, cf_node *dst, const cf_node *patch,
    const char *group, const char *kind)
{
	const cf_schema *s = cf_schema_builtin(group, kind);

	merge_node(c, dst, patch, s, 0);
	return 0;
}

/* ---- JSON 6902 ------------------------------------------------------------- */

/* Decode one reference token of a JSON pointer (~1 -> /, ~0 -> ~). */
/* ---- helpers for JSON pointers (RFC 6901) ---- */
static char *ptr_token(kz_ctx *c, const char *s, size_t n)
{
	char *t = cf_arena_alloc(c->a, n + 1);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '~' && i + 1 < n && (s[i + 1] == '0' || s[i + 1] == '1')) {
			t[k++] = s[i + 1] == '1' ? '/' : '~';
			i++;
		} else {
			t[k++] = s[i];
		}
	}
	t[k] = 0;
	return t;
}

static bool parse_index(const char *t, uint32_t len, bool allow_end, uint32_t *out)
{
	char *end;
	long v;

	if (allow_end && !strcmp(t, "-")) {
		*out = len;
		return true;
	}
	if (!*t || (t[0] == '0' && t[1]) || t[0] == '-' || t[0] == '+')
		return false;
	v = strtol(t, &end, 10);
	if (*end || v < 0 || (uint64_t)v > (allow_end ? len : (len ? len - 1 : 0)) ||
	    (!allow_end && !len))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* Resolve the parent of path; *last is the final token. */
static int ptr_parent(kz_ctx *c, cf_node *doc, const char *path,
    cf_node **parent, char **last)
{
	cf_node *cur = doc;
	const char *p = path;

	if (*p != '/')
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "JSON pointer '%s' must start with '/'", path);
	p++;
	for (;;) {
		const char *sl = strchr(p, '/');
		char *tok = ptr_token(c, p, sl ? (size_t)(sl - p) : strlen(p));
		if (!sl) {
			*parent = cur;
			*last = tok;
			return 0;
		}
		if (cf_node_is(cur, CF_NODE_MAP)) {
			cur = cf_node_get(cur, tok);
		} else if (cf_node_is(cur, CF_NODE_SEQ)) {
			uint32_t ix;
			cur = parse_index(tok, cur->len, false, &ix) ? cur->v.items[ix] : NULL;
		} else {
			cur = NULL;
		}
		if (!cur)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "doc is missing path: \"%s\"", path);
		p = sl + 1;
	}
}

static int ptr_get(kz_ctx *c, cf_node *doc, const char *path, cf_node **out)
{
	cf_node *parent;
	char *last;
	int err;

	if (!*path) {
		*out = doc;
		return 0;
	}
	if ((err = ptr_parent(c, doc, path, &parent, &last)) < 0)
		return err;
	*out = NULL;
	if (cf_node_is(parent, CF_NODE_MAP)) {
		*out = cf_node_get(parent, last);
	} else if (cf_node_is(parent, CF_NODE_SEQ)) {
		uint32_t ix;
		if (parse_index(last, parent->len, false, &ix))
			*out = parent->v.items[ix];
	}
	if (!*out)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "doc is missing path: \"%s\"", path);
	return 0;
}

/* "add" (insert into lists, set in maps) and, with replace, "replace"
 * (the target must exist). */
static int op_add(kz_ctx *c, cf_node *doc, const char *path, cf_node *val,
    bool replace)
{
	cf_node *parent;
	char *last;
	int err;

	if ((err = ptr_parent(c, doc, path, &parent, &last)) < 0)
		return err;
	if (cf_node_is(parent, CF_NODE_MAP)) {
		if (replace && !cf_node_get(parent, last))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "replace operation does not apply: doc is missing key: %s",
			    path);
		cf_node_set(c->a, parent, last, val);
		return 0;
	}
	if (cf_node_is(parent, CF_NODE_SEQ)) {
		uint32_t ix;
		if (!parse_index(last, parent->len, !replace, &ix))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "unable to access invalid index: %s", path);
		if (replace)
			parent->v.items[ix] = val;
		else
			cf_node_insert(c->a, parent, ix, val);
		return 0;
	}
	return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
	    "doc is missing path: \"%s\"", path);
}

/* "remove"; *old receives the removed value (for "move"). */
static int op_remove(kz_ctx *c, cf_node *doc, const char *path, cf_node **old)
{
	cf_node *parent;
	char *last;
	int err;

	if ((err = ptr_parent(c, doc, path, &parent, &last)) < 0)
		return err;
	if (cf_node_is(parent, CF_NODE_MAP)) {
		*old = cf_node_get(parent, last);
		if (!*old || !cf_node_del(parent, last))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "unable to remove nonexistent key: %s: missing value",
			    last);
		return 0;
	}
	if (cf_node_is(parent, CF_NODE_SEQ)) {
		uint32_t ix;
		if (!parse_index(last, parent->len, false, &ix))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "unable to remove invalid index: %s", path);
		*old = parent->v.items[ix];
		cf_node_remove(parent, ix);
		return 0;
	}
	return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
	    "doc is missing path: \"%s\"", path);
}

/* Apply the operation list ops to doc in order; the first failing
 * operation stops the build, naming its index. */
static int json6902(kz_ctx *c, cf_node *doc, const cf_node *ops, const char *src)
{
	for (uint32_t i = 0; i < ops->len; i++) {
		const cf_node *op = ops->v.items[i];
		const char *name = cf_node_as_str(cf_node_get(op, "op"));
		const char *path = cf_node_as_str(cf_node_get(op, "path"));
		const char *from = cf_node_as_str(cf_node_get(op, "from"));
		cf_node *val = cf_node_get(op, "value");
		cf_node *tmp;
		int err = 0;

		if (!name || !path)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': operation %u needs op and path", src, i);
		if (!strcmp(name, "add")) {
			err = op_add(c, doc, path, cf_node_dup(c->a, val ? val : cf_node_null(c->a)), false);
		} else if (!strcmp(name, "replace")) {
			err = op_add(c, doc, path, cf_node_dup(c->a, val ? val : cf_node_null(c->a)), true);
		} else if (!strcmp(name, "remove")) {
			err = op_remove(c, doc, path, &tmp);
		} else if (!strcmp(name, "move") || !strcmp(name, "copy")) {
			if (!from)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': operation %u (%s) needs from", src, i, name);
			if (!strcmp(name, "move"))
				err = op_remove(c, doc, from, &tmp);
			else if ((err = ptr_get(c, doc, from, &tmp)) == 0)
				tmp = cf_node_dup(c->a, tmp);
			if (!err)
				err = op_add(c, doc, path, tmp, false);
		} else if (!strcmp(name, "test")) {
			if ((err = ptr_get(c, doc, path, &tmp)) == 0 &&
			    !cf_node_equal(tmp, val))
				err = cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "testing value %s failed: test failed", path);
		} else {
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': unexpected kind of operation '%s'", src, name);
		}
		if (err < 0)
			return cf_error_wrap("'%s': operation %u (%s)", src, i, name);
	}
	return 0;
}

/* ---- targets ------------------------------------------------------------------- */

/* Go RE2 regexes anchored to the whole value; POSIX ERE covers the
 * syntax kustomizations use (alternation, classes, repetition). */
static int target_re(kz_ctx *c, const char *pat, const char *val, bool *out,
    const char *src)
{
	regex_t re;
	char *full = cf_arena_printf(c->a, "^(%s)$", pat);
	int rc = regcomp(&re, full, REG_EXTENDED | REG_NOSUB);

	if (rc)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': invalid regular expression '%s' in target", src, pat);
	*out = regexec(&re, val, 0, NULL, 0) == 0;
	regfree(&re);
	return 0;
}

static void skip_ws(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* Kubernetes label-selector syntax over map m. */
/* "a=b,c!=d,e in (x,y),!f,g" over the label or annotation map m:
 * every requirement must hold. A malformed selector is an error. */
static int selector_match(kz_ctx *c, const char *sel, const cf_node *m,
    bool *out, const char *src)
{
	const char *p = sel;

	*out = true;
	while (*p) {
		char key[256], op[8] = "";
		size_t kl = 0;
		bool neg = false;

		skip_ws(&p);
		if (*p == '!') {
			neg = true;
			p++;
			skip_ws(&p);
		}
		while (*p && !strchr("=!, ()", *p) && kl + 1 < sizeof(key))
			key[kl++] = *p++;
		key[kl] = 0;
		skip_ws(&p);
		if (!kl)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': invalid selector '%s'", src, sel);
		const char *have = cf_node_as_str(cf_node_get(m, key));
		bool ok;
		if (neg) {
			ok = !have;
		} else if (!strncmp(p, "==", 2) || *p == '=' || !strncmp(p, "!=", 2)) {
			size_t ol = (!strncmp(p, "==", 2) || !strncmp(p, "!=", 2)) ? 2 : 1;
			memcpy(op, p, ol);
			op[ol] = 0;
			p += ol;
			skip_ws(&p);
			const char *v = p;
			while (*p && *p != ',' && *p != ' ')
				p++;
			size_t vl = (size_t)(p - v);
			bool eq = have && strlen(have) == vl && !memcmp(have, v, vl);
			ok = op[0] == '!' ? !eq : eq;
		} else if (!strncmp(p, "in", 2) || !strncmp(p, "notin", 5)) {
			bool notin = p[0] == 'n';
			p += notin ? 5 : 2;
			skip_ws(&p);
			if (*p != '(')
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': invalid selector '%s'", src, sel);
			p++;
			bool found = false;
			while (*p && *p != ')') {
				skip_ws(&p);
				const char *v = p;
				while (*p && *p != ',' && *p != ')' && *p != ' ')
					p++;
				size_t vl = (size_t)(p - v);
				if (have && strlen(have) == vl && !memcmp(have, v, vl))
					found = true;
				skip_ws(&p);
				if (*p == ',')
					p++;
			}
			if (*p != ')')
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': invalid selector '%s'", src, sel);
			p++;
			ok = notin ? !found : found;
		} else {
			ok = have != NULL;
		}
		if (!ok)
			*out = false;
		skip_ws(&p);
		if (*p == ',')
			p++;
		else if (*p)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': invalid selector '%s'", src, sel);
	}
	(void)c;
	return 0;
}

int kz_select(kz_ctx *c, const cf_node *t, kz_res *r, bool *out,
    const char *src)
{
	kz_id id;
	char group[256];
	const char *fields[] = { "group", "version", "kind", "name", "namespace" };
	int err;

	kz_id_of(&id, r->obj);
	snprintf(group, sizeof(group), "%s", id.group);
	id.group = group;
	*out = false;
	for (size_t f = 0; f < 5; f++) {
		const char *pat = cf_node_as_str(cf_node_get(t, fields[f]));
		bool ok = false, ok2 = false;
		if (!pat || !*pat)
			continue;
		switch (f) {
		case 0: err = target_re(c, pat, id.group, &ok, src); break;
		case 1: err = target_re(c, pat, id.version, &ok, src); break;
		case 2: err = target_re(c, pat, id.kind, &ok, src); break;
		case 3:
			/* Either the original or the current name. */
			err = target_re(c, pat, id.name, &ok, src);
			if (!err && !ok)
				err = target_re(c, pat, r->orig.name, &ok2, src);
			break;
		default: {
			const char *ns = *id.ns ? id.ns : "default";
			const char *ons = *r->orig.ns ? r->orig.ns : "default";
			err = target_re(c, pat, ns, &ok, src);
			if (!err && !ok)
				err = target_re(c, pat, ons, &ok2, src);
		}
		}
		if (err < 0)
			return err;
		if (!ok && !ok2)
			return 0;
	}
	const char *ls = cf_node_as_str(cf_node_get(t, "labelSelector"));
	const char *as = cf_node_as_str(cf_node_get(t, "annotationSelector"));
	bool ok = true;
	if (ls && *ls && (err = selector_match(c, ls,
	    cf_node_getp(r->obj, "metadata", "labels", NULL), &ok, src)) < 0)
		return err;
	if (!ok)
		return 0;
	if (as && *as && (err = selector_match(c, as,
	    cf_node_getp(r->obj, "metadata", "annotations", NULL), &ok, src)) < 0)
		return err;
	*out = ok;
	return 0;
}

int cf_kustomize_select(cf_arena *a, const cf_node *sel, const cf_node *obj,
    bool *out, const char *where)
{
	kz_ctx c = { .a = a };
	kz_res r = { .obj = (cf_node *)obj };

	kz_id_of(&r.orig, obj);
	return kz_select(&c, sel, &r, out, where);
}

/* ---- applying ------------------------------------------------------------------- */

/* $patch: delete at the top of a patch removes the object itself. */
static void remove_res(kz_resmap *m, size_t i)
{
	memmove(m->v + i, m->v + i + 1, (m->n - i - 1) * sizeof(*m->v));
	m->n--;
}

/* Apply one SMP document to r, keeping identity fields as kustomize does. */
static int apply_smp(kz_ctx *c, kz_res *r, const cf_node *patch,
    bool allow_name, bool allow_kind)
{
	kz_id id;
	char group[256];
	cf_node *av = cf_node_dup(c->a, cf_node_get(r->obj, "apiVersion"));
	cf_node *kind = cf_node_dup(c->a, cf_node_get(r->obj, "kind"));
	cf_node *name = cf_node_dup(c->a, cf_node_getp(r->obj, "metadata", "name", NULL));
	cf_node *ns = cf_node_dup(c->a, cf_node_getp(r->obj, "metadata", "namespace", NULL));

	kz_id_of(&id, r->obj);
	snprintf(group, sizeof(group), "%s", id.group);
	kz_smp_merge(c, r->obj, patch, group, id.kind);
	cf_node *md = cf_node_set_map(c->a, r->obj, "metadata");
	if (av)
		cf_node_set(c->a, r->obj, "apiVersion", av);
	if (!allow_kind && kind)
		cf_node_set(c->a, r->obj, "kind", kind);
	const char *nn = cf_node_as_str(cf_node_get(md, "name"));
	if (!allow_name && name) {
		cf_node_set(c->a, md, "name", name);
	} else if (name && nn && strcmp(nn, name->v.s)) {
		/* A rename by patch is recorded for name references. */
		cf_node *keep = cf_node_get(md, "name");
		cf_node_set(c->a, md, "name", name);
		kz_res_record(c, r);
		cf_node_set(c->a, md, "name", keep);
	}
	if (ns)
		cf_node_set(c->a, md, "namespace", ns);
	else
		cf_node_del(md, "namespace");
	return 0;
}

/* Does patch document p address r by id (kind, name, namespace)? */
static bool patch_addresses(const cf_node *p, const kz_res *r)
{
	kz_id cur;
	const char *kind = cf_node_as_str(cf_node_get(p, "kind"));
	const char *name = cf_node_getp_str(p, "metadata", "name", NULL);
	const char *ns = cf_node_getp_str(p, "metadata", "namespace", NULL);
	const char *av = cf_node_as_str(cf_node_get(p, "apiVersion"));

	/* Cheap rejections first: this runs for every patch x object. */
	const char *okind = cf_node_as_str(cf_node_get(r->obj, "kind"));
	if (!kind || !name || !okind || strcmp(kind, okind))
		return false;
	kz_id_of(&cur, r->obj);
	if (av) {
		const char *sl = strchr(av, '/');
		const char *g = sl ? av : "";
		size_t gl = sl ? (size_t)(sl - av) : 0;
		if (strlen(cur.group) != gl || strncmp(g, cur.group, gl))
			return false;
	}
	if (!ns || !strcmp(ns, "default"))
		ns = "";
	const char *cns = strcmp(cur.ns, "default") ? cur.ns : "";
	const char *ons = strcmp(r->orig.ns, "default") ? r->orig.ns : "";
	if (!strcmp(name, cur.name) && !strcmp(ns, cns))
		return true;
	if (!strcmp(name, r->orig.name) && !strcmp(ns, ons))
		return true;
	for (size_t i = 0; i < r->nprev; i++) {
		const char *pns = strcmp(r->prev[i].ns, "default") ? r->prev[i].ns : "";
		if (!strcmp(name, r->prev[i].name) && !strcmp(ns, pns))
			return true;
	}
	return false;
}

/* sigs.k8s.io/yaml turns non-string keys of the op list into strings
 * (n: becomes "false"), so they are ordinary keys from here on. */
static void clear_key_flags(cf_node *n, int depth)
{
	if (!n || depth > CF_YAML_DEPTH_MAX)
		return;
	if (n->type == CF_NODE_MAP) {
		n->flags &= (uint8_t)~CF_YAML_F_NONSTR_KEYS;
		for (uint32_t i = 0; i < n->len; i++)
			clear_key_flags(n->v.pairs[i].val, depth + 1);
	} else if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++)
			clear_key_flags(n->v.items[i], depth + 1);
	}
}

/*
 * One patch text: a list of operations is JSON 6902 (target required);
 * otherwise every document is a strategic merge patch, applied to the
 * targets when a target is given, else to the object it names.
 */
static int apply_patch_text(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const char *text, size_t len, const char *src, const cf_node *target,
    const cf_node *opts, bool json_only)
{
	cf_node **docs;
	size_t n;
	int err;
	bool allow_name = cf_node_is(cf_node_get(opts, "allowNameChange"), CF_NODE_BOOL) &&
	    cf_node_get(opts, "allowNameChange")->v.b;
	bool allow_kind = cf_node_is(cf_node_get(opts, "allowKindChange"), CF_NODE_BOOL) &&
	    cf_node_get(opts, "allowKindChange")->v.b;

	(void)k;
	if ((err = kz_parse_docs(c, &docs, &n, text, len, src)) < 0)
		return err;
	/* Drop empty documents. */
	size_t kept = 0;
	for (size_t i = 0; i < n; i++)
		if (docs[i] && docs[i]->type != CF_NODE_NULL)
			docs[kept++] = docs[i];
	n = kept;
	if (!n)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': patch is empty", src);

	bool is_json = n == 1 && docs[0]->type == CF_NODE_SEQ;
	if (json_only && !is_json)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': a JSON 6902 patch must be a list of operations", src);
	if (is_json) {
		cf_node **ops;
		size_t nops;
		if ((err = kz_yaml_parse_stream11(c->a, &ops, &nops, text, len, src)) < 0)
			return err;
		docs[0] = nops ? ops[0] : docs[0];
		clear_key_flags(docs[0], 0);
		if (!target)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': unable to apply JSON 6902 patch: missing target",
			    src);
		for (size_t i = 0; i < m->n; i++) {
			bool sel;
			if ((err = kz_select(c, target, m->v[i], &sel, src)) < 0)
				return err;
			if (!sel)
				continue;
			/* kustomize applies JSON patches to a JSON copy, so
			 * the result shares no nodes with anything. */
			cf_node *fresh = cf_node_dup(c->a, m->v[i]->obj);
			/* kustomize's objects always carry internal annotations
			 * while building, so "add /metadata/annotations/x"
			 * works on an object without any (the empty map is
			 * dropped again at the end of the build). */
			cf_node *md = cf_node_get(fresh, "metadata");
			if (cf_node_is(md, CF_NODE_MAP) && !cf_node_get(md, "annotations"))
				cf_node_set(c->a, md, "annotations", cf_node_map(c->a));
			if ((err = json6902(c, fresh, docs[0], src)) < 0)
				return err;
			m->v[i]->obj = fresh;
		}
		return 0;
	}
	for (size_t d = 0; d < n; d++)
		if (docs[d]->type != CF_NODE_MAP)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': patch document %zu is neither an object nor a "
			    "list of JSON 6902 operations", src, d + 1);
	if (target) {
		if (n != 1)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': multiple strategic merge patches in one "
			    "document with a target are not supported", src);
		const char *dir = directive(docs[0]);
		for (size_t i = 0; i < m->n; i++) {
			bool sel;
			if ((err = kz_select(c, target, m->v[i], &sel, src)) < 0)
				return err;
			if (!sel)
				continue;
			if (dir && !strcmp(dir, "delete")) {
				remove_res(m, i--);
				continue;
			}
			if ((err = apply_smp(c, m->v[i], docs[0], allow_name, allow_kind)) < 0)
				return err;
		}
		return 0;
	}
	for (size_t d = 0; d < n; d++) {
		bool hit = false;
		const char *dir = directive(docs[d]);
		for (size_t i = 0; i < m->n; i++) {
			if (!patch_addresses(docs[d], m->v[i]))
				continue;
			hit = true;
			if (dir && !strcmp(dir, "delete")) {
				remove_res(m, i--);
				continue;
			}
			if ((err = apply_smp(c, m->v[i], docs[d], allow_name, allow_kind)) < 0)
				return err;
			break;
		}
		if (!hit)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': no resource matches strategic merge patch \"%s %s\"",
			    src, cf_node_as_str(cf_node_get(docs[d], "kind")) ?
			    cf_node_as_str(cf_node_get(docs[d], "kind")) : "",
			    cf_node_getp_str(docs[d], "metadata", "name", NULL) ?
			    cf_node_getp_str(docs[d], "metadata", "name", NULL) : "");
	}
	return 0;
}

static int check_keys(const kz_kust *k, const char *what, uint32_t i,
    const cf_node *e, const char *const *ok)
{
	for (uint32_t j = 0; j < e->len; j++) {
		bool found = false;
		for (const char *const *f = ok; *f; f++)
			found |= !strcmp(*f, e->v.pairs[j].key);
		if (!found)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s[%u]: json: unknown field \"%s\"",
			    k->path, what, i, e->v.pairs[j].key);
	}
	return 0;
}

/* The patches, patchesStrategicMerge or patchesJson6902 field of k. */
int kz_patches(kz_ctx *c, kz_resmap *m, const kz_kust *k, const char *field)
{
	static const char *const patch_keys[] = { "path", "patch", "target", "options", NULL };
	static const char *const j_keys[] = { "path", "patch", "target", NULL };
	cf_node *list = cf_node_get(k->k, field);
	bool smp_only = !strcmp(field, "patchesStrategicMerge");
	bool json_only = !strcmp(field, "patchesJson6902");
	int err;

	if (!list || list->type == CF_NODE_NULL)
		return 0;
	if (list->type != CF_NODE_SEQ)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': %s must be a list", k->path, field);
	for (uint32_t i = 0; i < list->len; i++) {
		cf_node *e = list->v.items[i];
		char *text = NULL;
		size_t len;
		const char *src;

		if (smp_only) {
			/* A string: inline patch text if it parses as an
			 * object, else a file path. */
			const char *s = cf_node_as_str(e);
			if (!s)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "invalid Kustomization '%s': %s[%u] must be a string",
				    k->path, field, i);
			if (strchr(s, '\n') || strstr(s, ": ")) {
				src = cf_arena_printf(c->a, "%s: %s[%u]", k->path, field, i);
				err = apply_patch_text(c, m, k, s, strlen(s), src, NULL, NULL, false);
			} else {
				if ((err = kz_read_file(c, &text, &len, k->dir, s)) < 0)
					return cf_error_wrap("'%s': %s[%u]", k->path, field, i);
				src = cf_arena_printf(c->a, "%s/%s", k->dir, s);
				err = apply_patch_text(c, m, k, text, len, src, NULL, NULL, false);
				free(text);
			}
			if (err < 0)
				return err;
			continue;
		}
		if (!cf_node_is(e, CF_NODE_MAP))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s[%u] must be a map",
			    k->path, field, i);
		if ((err = check_keys(k, field, i, e, json_only ? j_keys : patch_keys)) < 0)
			return err;
		const char *path = cf_node_as_str(cf_node_get(e, "path"));
		const char *inl = cf_node_as_str(cf_node_get(e, "patch"));
		cf_node *target = cf_node_get(e, "target");
		if (path && inl)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': %s[%u]: patch and path can't be set at the same time",
			    k->path, field, i);
		if (!path && !inl)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': %s[%u]: must specify one of patch and path",
			    k->path, field, i);
		if (target && !cf_node_is(target, CF_NODE_MAP))
			target = NULL;
		if (json_only && !target)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': %s[%u]: must specify a target", k->path, field, i);
		if (path) {
			if ((err = kz_read_file(c, &text, &len, k->dir, path)) < 0)
				return cf_error_wrap("'%s': %s[%u].path", k->path, field, i);
			src = cf_arena_printf(c->a, "%s/%s", k->dir, path);
			err = apply_patch_text(c, m, k, text, len, src, target,
			    cf_node_get(e, "options"), json_only);
			free(text);
		} else {
			src = cf_arena_printf(c->a, "%s: %s[%u].patch", k->path, field, i);
			err = apply_patch_text(c, m, k, inl, strlen(inl), src, target,
			    cf_node_get(e, "options"), json_only);
		}
		if (err < 0)
			return err;
	}
	return 0;
}
