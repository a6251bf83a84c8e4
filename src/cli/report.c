/* SPDX-License-Identifier: Apache-2.0 */
/*
 * flux prints a drifted object through dyff (KubernetesEntityDetection,
 * order changes reported). This is the same walk over the two trees,
 * narrowed to what a Kubernetes object holds: maps compare key by key,
 * lists whose entries carry a unique name (or key, or id) compare entry
 * by entry under that name, other lists by membership (a one-entry list
 * by index, as dyff shows it).
 */
#include "cli/report.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/json.h"
#include "core/yaml_emit.h"

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/* Deeper than this, a subtree is reported as one value change. */
#define MAX_DEPTH 128

void cf_cli_diff_strip(cf_node *obj)
{
	static const char *const meta[] = { "managedFields",
	    "resourceVersion", "generation", "uid", "creationTimestamp" };
	cf_node *m = cf_node_get(obj, "metadata");

	for (size_t i = 0; i < CF_ARRAY_SIZE(meta); i++)
		cf_node_del(m, meta[i]);
	cf_node_del(obj, "status");
}

/* ---- masking ---- */

enum { MASK_SAME, MASK_BEFORE, MASK_AFTER };

static cf_node *mask(cf_arena *a, int which)
{
	static const char *const text[] = { "***", "*** (before)",
	    "*** (after)" };

	return cf_node_str(a, text[which]);
}

/* One value that may be on either side: masked as flux's
 * SanitizeUnstructuredData masks a data key. */
static void mask_value(cf_arena *a, cf_node *old_map, cf_node *new_map,
    const char *key, size_t klen)
{
	cf_node *o = cf_node_getn(old_map, key, klen);
	cf_node *n = cf_node_getn(new_map, key, klen);
	bool differ = o && n && !cf_node_equal(o, n);

	if (o)
		cf_node_setn(a, old_map, key, klen,
		    mask(a, differ ? MASK_BEFORE : MASK_SAME));
	if (n)
		cf_node_setn(a, new_map, key, klen,
		    mask(a, differ ? MASK_AFTER : MASK_SAME));
}

/* data or stringData: every key of both sides. A side whose field is not
 * a map (the server would refuse it, but it could be read) is masked
 * whole. */
static void mask_field(cf_arena *a, cf_node *live, cf_node *merged,
    const char *field)
{
	cf_node *o = cf_node_get(live, field), *n = cf_node_get(merged, field);

	if ((o && !cf_node_is(o, CF_NODE_MAP)) ||
	    (n && !cf_node_is(n, CF_NODE_MAP))) {
		mask_value(a, live, merged, field, strlen(field));
		return;
	}
	for (size_t i = 0; i < cf_node_count(o); i++)
		mask_value(a, o, n, o->v.pairs[i].key, o->v.pairs[i].klen);
	for (size_t i = 0; i < cf_node_count(n); i++)
		if (!cf_node_getn(o, n->v.pairs[i].key, n->v.pairs[i].klen))
			mask_value(a, o, n, n->v.pairs[i].key,
			    n->v.pairs[i].klen);
}

static bool is_secret(const cf_node *obj)
{
	const char *k = cf_node_getp_str(obj, "kind", NULL);

	return k && !strcmp(k, "Secret");
}

void cf_cli_diff_mask_secret(cf_arena *a, cf_node *live, cf_node *merged)
{
	if (!is_secret(live) && !is_secret(merged))
		return;
	mask_field(a, live, merged, "data");
	mask_field(a, live, merged, "stringData");
	/* A client-side kubectl apply leaves the whole Secret, values
	 * included, in this annotation. */
	mask_value(a, cf_node_getp(live, "metadata", "annotations", NULL),
	    cf_node_getp(merged, "metadata", "annotations", NULL),
	    LAST_APPLIED, strlen(LAST_APPLIED));
}

/* ---- the report ---- */

struct rep {
	cf_buf *out;
	cf_arena *a;
	cf_buf path;  /* "spec.template.spec" */
	size_t n;     /* blocks written */
	int depth;
};

static size_t path_push(struct rep *r, const char *elem, size_t len)
{
	size_t at = r->path.len;

	if (at)
		cf_buf_addch(&r->path, '.');
	cf_buf_add(&r->path, elem, len);
	r->depth++;
	return at;
}

static void path_pop(struct rep *r, size_t at)
{
	cf_buf_truncate(&r->path, at);
	r->depth--;
}

/* The header line of one changed path. */
static void block(struct rep *r)
{
	cf_buf_addf(r->out, "\n%s\n", r->path.len ? r->path.buf :
	    "(root level)");
	r->n++;
}

/* gonvenience/text's Plural: small counts in words, in buf. */
static const char *count_word(size_t n, char buf[24])
{
	static const char *const words[] = { "no", "one", "two", "three",
	    "four", "five", "six", "seven", "eight", "nine", "ten",
	    "eleven", "twelve" };

	if (n < CF_ARRAY_SIZE(words))
		return words[n];
	snprintf(buf, 24, "%zu", n);
	return buf;
}

static void counted(struct rep *r, const char *sign, size_t n,
    const char *what, const char *verb)
{
	char buf[24];

	cf_buf_addf(r->out, "  %s %s %s %s %s:\n", sign, count_word(n, buf),
	    what, n == 1 ? "entry" : "entries", verb);
}

/* Each line of text, indented. */
static void indented(cf_buf *out, const char *text, size_t len, int indent)
{
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;

		cf_buf_addf(out, "%*s", indent, "");
		cf_buf_add(out, text, n);
		cf_buf_addch(out, '\n');
		n += nl != NULL;
		text += n;
		len -= n;
	}
}

static void yaml_block(struct rep *r, const cf_node *n, int indent)
{
	cf_buf y = CF_BUF_INIT;

	if (cf_yaml_emit(&y, n) < 0)
		cf_buf_adds(&y, "(value not printable)\n");
	indented(r->out, y.buf, y.len, indent);
	cf_buf_release(&y);
}

static const char *type_name(const cf_node *n)
{
	switch (n->type) {
	case CF_NODE_NULL: return "null";
	case CF_NODE_BOOL: return "bool";
	case CF_NODE_INT: return "int";
	case CF_NODE_FLOAT: return "float";
	case CF_NODE_STR: return "string";
	case CF_NODE_SEQ: return "list";
	default: return "map";
	}
}

/* "    - old" or "    + new": scalars on the line (a multi-line string
 * continues under it), maps and lists as YAML below. */
static void value_line(struct rep *r, char sign, const cf_node *n)
{
	char f[CF_JSON_FLOAT_MAX];

	switch (n->type) {
	case CF_NODE_NULL:
		cf_buf_addf(r->out, "    %c null\n", sign);
		return;
	case CF_NODE_BOOL:
		cf_buf_addf(r->out, "    %c %s\n", sign, n->v.b ? "true" :
		    "false");
		return;
	case CF_NODE_INT:
		if (n->num)
			cf_buf_addf(r->out, "    %c %s\n", sign, n->num);
		else if (n->flags & CF_NODE_F_UINT)
			cf_buf_addf(r->out, "    %c %" PRIu64 "\n", sign, n->v.u);
		else
			cf_buf_addf(r->out, "    %c %" PRId64 "\n", sign, n->v.i);
		return;
	case CF_NODE_FLOAT:
		cf_json_fmt_float(f, n->v.f, CF_JSON_FLOAT_G);
		cf_buf_addf(r->out, "    %c %s\n", sign, n->num ? n->num : f);
		return;
	case CF_NODE_STR: {
		const char *nl = memchr(n->v.s, '\n', n->len);
		size_t first = nl ? (size_t)(nl - n->v.s) : n->len;

		cf_buf_addf(r->out, "    %c ", sign);
		cf_buf_add(r->out, n->v.s, first);
		cf_buf_addch(r->out, '\n');
		if (nl)
			indented(r->out, nl + 1, n->len - first - 1, 6);
		return;
	}
	default:
		cf_buf_addf(r->out, "    %c\n", sign);
		yaml_block(r, n, 6);
	}
}

/* ---- multi-line text: a line diff ---- */

/* Past this many cells (lines x lines) the texts are shown whole. */
#define MAX_LINE_CELLS (1u << 20)
#define CONTEXT_LINES 2

struct lines {
	const char **p;
	size_t *len, n;
};

static void split_lines(struct lines *l, cf_arena *a, const cf_node *s)
{
	size_t cap = 1;

	for (size_t i = 0; i < s->len; i++)
		cap += s->v.s[i] == '\n';
	l->p = cf_arena_alloc(a, cap * sizeof(*l->p));
	l->len = cf_arena_alloc(a, cap * sizeof(*l->len));
	l->n = 0;
	for (const char *p = s->v.s, *end = s->v.s + s->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		l->p[l->n] = p;
		l->len[l->n++] = n;
		p += n + (nl != NULL);
	}
}

static bool line_eq(const struct lines *x, size_t i, const struct lines *y,
    size_t j)
{
	return x->len[i] == y->len[j] && !memcmp(x->p[i], y->p[j], x->len[i]);
}

/* One op per output line: ' ' both, '-' old only, '+' new only. */
static char *line_ops(cf_arena *a, const struct lines *x,
    const struct lines *y, size_t *nops)
{
	size_t n = x->n, m = y->n, w = m + 1, i = 0, j = 0, k = 0;
	uint32_t *lcs = cf_xcalloc((n + 1) * w, sizeof(*lcs));
	char *ops = cf_arena_alloc(a, n + m + 1);

	/* lcs[u][v]: longest common run of lines from x[u..], y[v..]. */
	for (size_t u = n; u-- > 0;)
		for (size_t v = m; v-- > 0;) {
			uint32_t down = lcs[(u + 1) * w + v];
			uint32_t right = lcs[u * w + v + 1];

			lcs[u * w + v] = line_eq(x, u, y, v) ?
			    lcs[(u + 1) * w + v + 1] + 1 :
			    down > right ? down : right;
		}
	/* Deletions before insertions, as unified diffs show them. */
	while (i < n || j < m) {
		if (i < n && j < m && line_eq(x, i, y, j)) {
			ops[k++] = ' ';
			i++, j++;
		} else if (i < n && (j == m ||
		    lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) {
			ops[k++] = '-';
			i++;
		} else {
			ops[k++] = '+';
			j++;
		}
	}
	free(lcs);
	*nops = k;
	return ops;
}

/* Whether op k is within the context of a change. */
static bool near_change(const char *ops, size_t nops, size_t k)
{
	size_t lo = k >= CONTEXT_LINES ? k - CONTEXT_LINES : 0;

	for (size_t q = lo; q < nops && q <= k + CONTEXT_LINES; q++)
		if (ops[q] != ' ')
			return true;
	return false;
}

/* dyff's "value change in multiline text": the changed lines with two
 * lines of context, "..." between distant changes. false when the
 * texts are too long to compare line by line. */
static bool text_change(struct rep *r, const cf_node *from,
    const cf_node *to)
{
	struct lines x, y;
	size_t nops, ins = 0, del = 0, i = 0, j = 0;
	char *ops, b1[24], b2[24];
	bool gap = false;

	split_lines(&x, r->a, from);
	split_lines(&y, r->a, to);
	if ((uint64_t)(x.n + 1) * (y.n + 1) > MAX_LINE_CELLS)
		return false;
	ops = line_ops(r->a, &x, &y, &nops);
	for (size_t k = 0; k < nops; k++) {
		ins += ops[k] == '+';
		del += ops[k] == '-';
	}
	cf_buf_addf(r->out, "  ± value change in multiline text (%s insert%s, "
	    "%s deletion%s)\n", count_word(ins, b1), ins == 1 ? "" : "s",
	    count_word(del, b2), del == 1 ? "" : "s");
	for (size_t k = 0; k < nops; k++) {
		const struct lines *l = ops[k] == '+' ? &y : &x;
		size_t at = ops[k] == '+' ? j : i;

		if (near_change(ops, nops, k)) {
			if (gap)
				cf_buf_adds(r->out, "    ...\n");
			gap = false;
			cf_buf_addf(r->out, "    %c ", ops[k]);
			cf_buf_add(r->out, l->p[at], l->len[at]);
			cf_buf_addch(r->out, '\n');
		} else {
			gap = true;
		}
		i += ops[k] != '+';
		j += ops[k] != '-';
	}
	return true;
}

static bool multiline(const cf_node *n)
{
	return n->type == CF_NODE_STR && memchr(n->v.s, '\n', n->len);
}

static void change(struct rep *r, const cf_node *from, const cf_node *to)
{
	bool num = (from->type == CF_NODE_INT || from->type == CF_NODE_FLOAT) &&
	    (to->type == CF_NODE_INT || to->type == CF_NODE_FLOAT);

	block(r);
	if (from->type == CF_NODE_STR && to->type == CF_NODE_STR &&
	    (multiline(from) || multiline(to)) && text_change(r, from, to))
		return;
	if (from->type == to->type || num)
		cf_buf_adds(r->out, "  ± value change\n");
	else
		cf_buf_addf(r->out, "  ± type change from %s to %s\n",
		    type_name(from), type_name(to));
	value_line(r, '-', from);
	value_line(r, '+', to);
}

static void compare(struct rep *r, const cf_node *from, const cf_node *to);

/* One block for the entries of a map or list only one side has (what
 * is "map" or "list"), nothing when there are none. */
static void entry_changes(struct rep *r, const cf_node *gone,
    const cf_node *added, const char *what)
{
	if (gone->len || added->len)
		block(r);
	if (gone->len) {
		counted(r, "-", gone->len, what, "removed");
		yaml_block(r, gone, 4);
	}
	if (added->len) {
		counted(r, "+", added->len, what, "added");
		yaml_block(r, added, 4);
	}
}

static void compare_maps(struct rep *r, const cf_node *from,
    const cf_node *to)
{
	cf_node *gone = cf_node_map(r->a), *added = cf_node_map(r->a);

	for (size_t i = 0; i < from->len; i++) {
		const cf_pair *p = &from->v.pairs[i];
		if (!cf_node_getn(to, p->key, p->klen))
			cf_node_setn(r->a, gone, p->key, p->klen, p->val);
	}
	for (size_t i = 0; i < to->len; i++) {
		const cf_pair *p = &to->v.pairs[i];
		if (!cf_node_getn(from, p->key, p->klen))
			cf_node_setn(r->a, added, p->key, p->klen, p->val);
	}
	entry_changes(r, gone, added, "map");
	for (size_t i = 0; i < from->len; i++) {
		const cf_pair *p = &from->v.pairs[i];
		const cf_node *t = cf_node_getn(to, p->key, p->klen);
		size_t at;

		if (!t || cf_node_equal(p->val, t))
			continue;
		at = path_push(r, p->key, p->klen);
		compare(r, p->val, t);
		path_pop(r, at);
	}
}

/* The string under key id in a list entry, or NULL. */
static const char *entry_id(const cf_node *e, const char *id)
{
	return cf_node_as_str(cf_node_get(e, id));
}

/* Every entry a map with a string under id, unique within its list. */
static bool named_by(const cf_node *l, const char *id)
{
	for (size_t i = 0; i < l->len; i++) {
		const char *v = entry_id(l->v.items[i], id);

		if (!v)
			return false;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v, entry_id(l->v.items[j], id)))
				return false;
	}
	return true;
}

/* dyff's identifier of a named list, or NULL. */
static const char *list_id(const cf_node *from, const cf_node *to)
{
	static const char *const ids[] = { "name", "key", "id" };

	if (!from->len && !to->len)
		return NULL;
	for (size_t i = 0; i < CF_ARRAY_SIZE(ids); i++)
		if (named_by(from, ids[i]) && named_by(to, ids[i]))
			return ids[i];
	return NULL;
}

static const cf_node *find_named(const cf_node *l, const char *id,
    const char *v)
{
	for (size_t i = 0; i < l->len; i++)
		if (!strcmp(entry_id(l->v.items[i], id), v))
			return l->v.items[i];
	return NULL;
}

static void compare_named(struct rep *r, const cf_node *from,
    const cf_node *to, const char *id)
{
	cf_node *gone = cf_node_seq(r->a), *added = cf_node_seq(r->a);

	for (size_t i = 0; i < from->len; i++)
		if (!find_named(to, id, entry_id(from->v.items[i], id)))
			cf_node_push(r->a, gone, from->v.items[i]);
	for (size_t i = 0; i < to->len; i++)
		if (!find_named(from, id, entry_id(to->v.items[i], id)))
			cf_node_push(r->a, added, to->v.items[i]);
	entry_changes(r, gone, added, "list");
	for (size_t i = 0; i < from->len; i++) {
		const char *v = entry_id(from->v.items[i], id);
		const cf_node *t = find_named(to, id, v);
		size_t at;

		if (!t || cf_node_equal(from->v.items[i], t))
			continue;
		at = path_push(r, v, strlen(v));
		compare(r, from->v.items[i], t);
		path_pop(r, at);
	}
}

/* Scalars joined by ", " on one line, for an order change. */
static bool order_line(struct rep *r, char sign, const cf_node *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (l->v.items[i]->type == CF_NODE_SEQ ||
		    l->v.items[i]->type == CF_NODE_MAP)
			return false;
	cf_buf_addf(r->out, "    %c ", sign);
	for (size_t i = 0; i < l->len; i++) {
		cf_buf tmp = CF_BUF_INIT;

		if (cf_json_write(&tmp, l->v.items[i], 0) == 0)
			cf_buf_addf(r->out, "%s%s", i ? ", " : "",
			    cf_node_as_str(l->v.items[i]) ?
			    l->v.items[i]->v.s : tmp.buf);
		cf_buf_release(&tmp);
	}
	cf_buf_addch(r->out, '\n');
	return true;
}

/* Entries matched by value (each used once): what is left on each side
 * was removed or added; nothing left means only the order changed. */
static void compare_unnamed(struct rep *r, const cf_node *from,
    const cf_node *to)
{
	cf_node *gone = cf_node_seq(r->a), *added = cf_node_seq(r->a);
	bool *used = cf_arena_zalloc(r->a,
	    (to->len + 1) * sizeof(*used));

	for (size_t i = 0; i < from->len; i++) {
		size_t j = 0;

		while (j < to->len && (used[j] ||
		    !cf_node_equal(from->v.items[i], to->v.items[j])))
			j++;
		if (j < to->len)
			used[j] = true;
		else
			cf_node_push(r->a, gone, from->v.items[i]);
	}
	for (size_t j = 0; j < to->len; j++)
		if (!used[j])
			cf_node_push(r->a, added, to->v.items[j]);
	if (gone->len || added->len) {
		entry_changes(r, gone, added, "list");
		return;
	}
	block(r);
	cf_buf_adds(r->out, "  ⇆ order changed\n");
	if (!order_line(r, '-', from) || !order_line(r, '+', to)) {
		value_line(r, '-', from);
		value_line(r, '+', to);
	}
}

static void compare(struct rep *r, const cf_node *from, const cf_node *to)
{
	const char *id;
	size_t at;

	if (cf_node_equal(from, to))
		return;
	if (from->type != to->type || r->depth >= MAX_DEPTH ||
	    (from->type != CF_NODE_MAP && from->type != CF_NODE_SEQ)) {
		change(r, from, to);
		return;
	}
	if (from->type == CF_NODE_MAP) {
		compare_maps(r, from, to);
		return;
	}
	if ((id = list_id(from, to))) {
		compare_named(r, from, to, id);
	} else if (from->len == 1 && to->len == 1) {
		at = path_push(r, "0", 1);
		compare(r, from->v.items[0], to->v.items[0]);
		path_pop(r, at);
	} else {
		compare_unnamed(r, from, to);
	}
}

size_t cf_cli_diff_report(cf_buf *out, cf_arena *a, const cf_node *from,
    const cf_node *to)
{
	struct rep r = { .out = out, .a = a, .path = CF_BUF_INIT };
	cf_node *null_node = cf_node_null(a);

	compare(&r, from ? from : null_node, to ? to : null_node);
	cf_buf_release(&r.path);
	if (r.n)
		cf_buf_addch(out, '\n');
	return r.n;
}
