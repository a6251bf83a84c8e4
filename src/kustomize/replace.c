/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replacements: copy a field of one selected object into fields of other
 * selected objects. They run inside the layer, last among the builtin
 * transformers, so a generated name copied here has no hash suffix yet.
 *
 * Field paths are kyaml's: dot-separated, "[key=value]" picks the list
 * element whose key has that value, a number is a list index, "*" is any
 * element or key, and "[a.b/c]" quotes a key holding dots.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 64

/* Split a field path into segments; brackets protect dots. */
static int split_path(kz_ctx *c, const char *fp, char **segs, int *n,
    const char *src)
{
	const char *p = fp;

	*n = 0;
	while (*p) {
		const char *start = p;
		int depth = 0;

		while (*p && (depth || *p != '.')) {
			if (*p == '[')
				depth++;
			else if (*p == ']' && depth)
				depth--;
			p++;
		}
		if (*n >= MAX_SEGS)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': field path '%s' is too long", src, fp);
		char *s = cf_arena_strndup(c->a, start, (size_t)(p - start));
		/* "[a.b]" alone is a quoted key, "[k=v]" a list matcher. */
		size_t sl = strlen(s);
		if (sl >= 2 && s[0] == '[' && s[sl - 1] == ']' && !strchr(s, '=')) {
			s[sl - 1] = 0;
			s++;
		}
		segs[(*n)++] = s;
		if (*p == '.')
			p++;
	}
	return 0;
}

/* "[key=value]" (a quoted key "[a.b]" was unwrapped by split_path). */
static bool is_matcher(const char *seg)
{
	size_t n = strlen(seg);

	return n >= 3 && seg[0] == '[' && seg[n - 1] == ']' && strchr(seg, '=');
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* Does list element el match "[k=v]"? */
static bool match_elem(const cf_node *el, const char *seg)
{
	const char *eq = strchr(seg, '=');
	size_t kl = (size_t)(eq - seg - 1);
	const char *v = eq + 1;
	size_t vl = strlen(v) - 1; /* drop ']' */
	cf_node *have = cf_node_getn(el, seg + 1, kl);

	if (cf_node_is(have, CF_NODE_STR))
		return have->len == vl && !memcmp(have->v.s, v, vl);
	if (cf_node_is(have, CF_NODE_INT)) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%lld", (long long)have->v.i);
		return strlen(buf) == vl && !memcmp(buf, v, vl);
	}
	return false;
}

/* Collect every node at segs[i..] below n (wildcards fan out). With
 * create, missing maps and matched list elements are made. */
static void find_all(kz_ctx *c, cf_node *n, char **segs, int i, int nseg,
    bool create, cf_node ***out, size_t *nout, size_t *aout,
    cf_node **parents, const char **keys)
{
	(void)parents;
	(void)keys;
	if (!n)
		return;
	if (i == nseg) {
		CF_GROW(*out, *aout, *nout + 1);
		(*out)[(*nout)++] = n;
		return;
	}
	const char *seg = segs[i];
	if (n->type == CF_NODE_SEQ) {
		if (is_matcher(seg)) {
			bool hit = false;
			for (uint32_t j = 0; j < n->len; j++)
				if (match_elem(n->v.items[j], seg)) {
					hit = true;
					find_all(c, n->v.items[j], segs, i + 1, nseg,
					    create, out, nout, aout, NULL, NULL);
				}
			if (!hit && create) {
				/* Append an element carrying the matched key. */
				cf_node *el = cf_node_map(c->a);
				const char *eq = strchr(seg, '=');
				cf_node_setn(c->a, el, seg + 1, (size_t)(eq - seg - 1),
				    cf_node_strn(c->a, eq + 1, strlen(eq + 1) - 1));
				cf_node_push(c->a, n, el);
				find_all(c, el, segs, i + 1, nseg, create, out, nout,
				    aout, NULL, NULL);
			}
		} else if (!strcmp(seg, "*")) {
			for (uint32_t j = 0; j < n->len; j++)
				find_all(c, n->v.items[j], segs, i + 1, nseg, create,
				    out, nout, aout, NULL, NULL);
		} else if (all_digits(seg)) {
			unsigned long ix = strtoul(seg, NULL, 10);
			if (ix < n->len)
				find_all(c, n->v.items[ix], segs, i + 1, nseg,
				    create, out, nout, aout, NULL, NULL);
		}
		return;
	}
	if (n->type != CF_NODE_MAP)
		return;
	if (!strcmp(seg, "*")) {
		for (uint32_t j = 0; j < n->len; j++)
			find_all(c, n->v.pairs[j].val, segs, i + 1, nseg, create,
			    out, nout, aout, NULL, NULL);
		return;
	}
	cf_node *child = cf_node_get(n, seg);
	if ((!child || child->type == CF_NODE_NULL) && create) {
		/* Only parents are created (the caller sets the leaf), so a
		 * next segment always exists: a matcher needs a list. */
		if (is_matcher(segs[i + 1]))
			child = cf_node_seq(c->a);
		else
			child = cf_node_map(c->a);
		cf_node_set(c->a, n, seg, child);
	}
	find_all(c, child, segs, i + 1, nseg, create, out, nout, aout, NULL,
	    NULL);
}

/* Text of a scalar for delimiter handling. */
static const char *scalar_text(kz_ctx *c, const cf_node *n)
{
	if (!n)
		return "";
	switch (n->type) {
	case CF_NODE_STR: return n->v.s;
	case CF_NODE_INT: return cf_arena_printf(c->a, "%lld", (long long)n->v.i);
	case CF_NODE_BOOL: return n->v.b ? "true" : "false";
	case CF_NODE_FLOAT: return cf_arena_printf(c->a, "%g", n->v.f);
	default: return "";
	}
}

/* Split s by delim into parts; returns count. */
static size_t split_delim(kz_ctx *c, const char *s, const char *delim,
    const char ***parts)
{
	size_t n = 1, dl = strlen(delim), k = 0;
	const char *p = s;

	for (const char *q = s; dl && (q = strstr(q, delim)); q += dl)
		n++;
	*parts = cf_arena_alloc(c->a, n * sizeof(char *));
	while (dl) {
		const char *q = strstr(p, delim);
		if (!q)
			break;
		(*parts)[k++] = cf_arena_strndup(c->a, p, (size_t)(q - p));
		p = q + dl;
	}
	(*parts)[k++] = p;
	return k;
}

static int opt_index(const cf_node *opts, long *out)
{
	cf_node *ix = cf_node_get(opts, "index");
	int64_t v = 0;

	*out = 0;
	if (ix && !cf_node_as_int(ix, &v))
		return -1;
	*out = (long)v;
	return 0;
}

/* The source selector must pick exactly one object. */
static int select_one(kz_ctx *c, kz_resmap *m, const cf_node *sel,
    kz_res **out, const char *src)
{
	kz_res *hit = NULL;
	int err;

	for (size_t i = 0; i < m->n; i++) {
		bool ok;
		if ((err = kz_select(c, sel, m->v[i], &ok, src)) < 0)
			return err;
		if (!ok)
			continue;
		if (hit)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': replacements: multiple matches for source "
			    "selector", src);
		hit = m->v[i];
	}
	if (!hit)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': replacements: nothing selected by the source "
		    "selector", src);
	*out = hit;
	return 0;
}

/*
 * One {source, targets} replacement: read the source value (optionally
 * one part of a delimited string), then write it at every field path of
 * every selected, not rejected target; a missing path is an error unless
 * options.create.
 */
static int one_replacement(kz_ctx *c, kz_resmap *m, const cf_node *rep,
    const char *src)
{
	const cf_node *source = cf_node_get(rep, "source");
	const cf_node *targets = cf_node_get(rep, "targets");
	char *segs[MAX_SEGS];
	int nseg, err;
	kz_res *from = NULL;
	cf_node **found = NULL;
	size_t nfound = 0, afound = 0;

	if (!cf_node_is(source, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': replacements: a source is required", src);
	if ((err = select_one(c, m, source, &from, src)) < 0)
		return err;
	const char *fp = cf_node_as_str(cf_node_get(source, "fieldPath"));
	if ((err = split_path(c, fp && *fp ? fp : "metadata.name", segs, &nseg, src)) < 0)
		return err;
	find_all(c, from->obj, segs, 0, nseg, false, &found, &nfound, &afound,
	    NULL, NULL);
	if (nfound != 1) {
		free(found);
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': replacements: fieldPath '%s' %s in the source", src,
		    fp ? fp : "metadata.name", nfound ? "is ambiguous" : "not found");
	}
	cf_node *value = found[0];
	free(found);
	const cf_node *sopts = cf_node_get(source, "options");
	const char *sdelim = cf_node_as_str(cf_node_get(sopts, "delimiter"));
	if (sdelim && *sdelim) {
		const char **parts;
		long ix;
		size_t np = split_delim(c, scalar_text(c, value), sdelim, &parts);
		if (opt_index(sopts, &ix) < 0 || ix < 0 || (size_t)ix >= np)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': replacements: options.index out of bounds "
			    "for value %s", src, scalar_text(c, value));
		value = cf_node_str(c->a, parts[ix]);
	}

	for (uint32_t t = 0; cf_node_is(targets, CF_NODE_SEQ) && t < targets->len; t++) {
		const cf_node *tg = targets->v.items[t];
		const cf_node *sel = cf_node_get(tg, "select");
		const cf_node *rejects = cf_node_get(tg, "reject");
		const cf_node *fps = cf_node_get(tg, "fieldPaths");
		const cf_node *topts = cf_node_get(tg, "options");
		cf_node *cr = cf_node_get(topts, "create");
		bool create = cf_node_is(cr, CF_NODE_BOOL) && cr->v.b;
		const char *tdelim = cf_node_as_str(cf_node_get(topts, "delimiter"));

		if (!cf_node_is(sel, CF_NODE_MAP))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': replacements: target %u needs select", src, t);
		for (size_t r = 0; r < m->n; r++) {
			bool ok, rej = false;
			if ((err = kz_select(c, sel, m->v[r], &ok, src)) < 0)
				return err;
			for (uint32_t j = 0; ok && cf_node_is(rejects, CF_NODE_SEQ) &&
			    j < rejects->len; j++) {
				bool rj;
				if ((err = kz_select(c, rejects->v.items[j], m->v[r], &rj, src)) < 0)
					return err;
				rej |= rj;
			}
			if (!ok || rej)
				continue;
			for (uint32_t f = 0; cf_node_is(fps, CF_NODE_SEQ) && f < fps->len; f++) {
				const char *tfp = cf_node_as_str(fps->v.items[f]);
				if (!tfp || (err = split_path(c, tfp, segs, &nseg, src)) < 0)
					return err < 0 ? err : cf_error_setc(CF_EINVALID,
					    CF_ERR_KUSTOMIZE, "'%s': replacements: "
					    "fieldPaths must be strings", src);
				if (!nseg)
					continue;
				/* Find the parents, then replace the last key. */
				cf_node **par = NULL;
				size_t np = 0, ap = 0;
				find_all(c, m->v[r]->obj, segs, 0, nseg - 1, create,
				    &par, &np, &ap, NULL, NULL);
				const char *last = segs[nseg - 1];
				bool any = false;
				for (size_t p = 0; p < np; p++) {
					cf_node *pn = par[p];
					if (!cf_node_is(pn, CF_NODE_MAP))
						continue;
					cf_node *cur = cf_node_get(pn, last);
					if (!cur && !create)
						continue;
					any = true;
					cf_node *nv = cf_node_dup(c->a, value);
					if (tdelim && *tdelim && cur) {
						const char **parts;
						long ix;
						size_t n = split_delim(c, scalar_text(c, cur),
						    tdelim, &parts);
						opt_index(topts, &ix);
						cf_buf b = CF_BUF_INIT;
						for (size_t q = 0; q < n || (ix >= 0 && (size_t)ix >= n && q <= (size_t)ix); q++) {
							if (q)
								cf_buf_adds(&b, tdelim);
							if ((long)q == ix)
								cf_buf_adds(&b, scalar_text(c, value));
							else if (q < n)
								cf_buf_adds(&b, parts[q]);
						}
						nv = cf_node_strn(c->a, b.buf, b.len);
						cf_buf_release(&b);
					}
					cf_node_set(c->a, pn, last, nv);
				}
				free(par);
				if (!any && !create) {
					return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
					    "'%s': replacements: unable to find field "
					    "\"%s\" in replacement target", src, tfp);
				}
			}
		}
	}
	return 0;
}

/* The replacements field: inline entries, or {path} files holding one
 * replacement or a list of them. */
int kz_replacements(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	cf_node *list = cf_node_get(k->k, "replacements");
	int err;

	for (uint32_t i = 0; cf_node_is(list, CF_NODE_SEQ) && i < list->len; i++) {
		cf_node *e = list->v.items[i];
		const char *path = cf_node_as_str(cf_node_get(e, "path"));
		const char *src = cf_arena_printf(c->a, "%s: replacements[%u]",
		    k->path, i);

		if (path) {
			char *text;
			size_t len;
			cf_node **docs;
			size_t n;
			if ((err = kz_read_file(c, &text, &len, k->dir, path)) < 0)
				return cf_error_wrap("'%s': replacements[%u].path",
				    k->path, i);
			err = kz_parse_docs(c, &docs, &n, text, len, path);
			free(text);
			if (err < 0)
				return err;
			for (size_t d = 0; d < n; d++) {
				if (!docs[d] || docs[d]->type == CF_NODE_NULL)
					continue;
				/* A file holds one replacement or a list of them. */
				if (docs[d]->type == CF_NODE_SEQ) {
					for (uint32_t j = 0; j < docs[d]->len; j++)
						if ((err = one_replacement(c, m,
						    docs[d]->v.items[j], path)) < 0)
							return err;
				} else if ((err = one_replacement(c, m, docs[d], path)) < 0) {
					return err;
				}
			}
			continue;
		}
		if ((err = one_replacement(c, m, e, src)) < 0)
			return err;
	}
	return 0;
}
