/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/jsonpath.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * A compiled path is a flat list of steps applied left to right to a
 * set of current nodes; filters hold their own compiled sub-path for the
 * @-relative side. Everything lives in the caller's arena, so a Table
 * build compiles each printer column once and frees nothing by hand.
 */
enum step_kind { S_FIELD, S_WILDCARD, S_INDEX, S_SLICE, S_RECURSE, S_FILTER };
enum cmp { C_EXISTS, C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct step {
	enum step_kind kind;
	const char *name;      /* S_FIELD, S_RECURSE */
	long idx;              /* S_INDEX */
	long from, to;         /* S_SLICE */
	bool has_from, has_to;
	cf_jsonpath *lhs;      /* S_FILTER: the @-relative path */
	enum cmp op;
	cf_node *lit;          /* S_FILTER literal, NULL for C_EXISTS */
};

struct cf_jsonpath {
	struct step *steps;
	size_t n, alloc;
};

/* A growable node list in an arena (old blocks are abandoned). */
struct list {
	const cf_node **v;
	size_t n, alloc;
};

/* Result lists are small (one node per row for printer columns), so the
 * arena's abandoned blocks cost less than a free-list would. */
static void list_push(cf_arena *a, struct list *l, const cf_node *n)
{
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 8;
		const cf_node **nv = cf_arena_alloc(a, na * sizeof(*nv));

		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		l->v = nv;
		l->alloc = na;
	}
	l->v[l->n++] = n;
}

static struct step *add_step(cf_arena *a, cf_jsonpath *p, enum step_kind k)
{
	struct step *s;

	if (p->n == p->alloc) {
		size_t na = p->alloc ? p->alloc * 2 : 8;
		struct step *ns = cf_arena_zalloc(a, na * sizeof(*ns));

		if (p->n)
			memcpy(ns, p->steps, p->n * sizeof(*ns));
		p->steps = ns;
		p->alloc = na;
	}
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	return s;
}

/* Errors carry the byte offset so a CRD author can find the mistake in
 * a long additionalPrinterColumns jsonPath. */
static int bad(const char *what, size_t at, const char *expr)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s at %zu in '%s'",
	    what, at, expr);
}

/* Parse a filter literal: 'str', "str", true, false, or a number. */
/* Filter literals: kubectl accepts both quote styles and bare numbers
 * and booleans; anything else is a syntax error. */
static cf_node *parse_literal(cf_arena *a, const char *s, size_t n)
{
	char *end, *tmp;
	long long iv;
	double fv;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0])
		return cf_node_strn(a, s + 1, n - 2);
	if (n == 4 && !strncmp(s, "true", 4))
		return cf_node_bool(a, true);
	if (n == 5 && !strncmp(s, "false", 5))
		return cf_node_bool(a, false);
	if (n == 0)
		return NULL;
	tmp = cf_arena_strndup(a, s, n);
	errno = 0;
	iv = strtoll(tmp, &end, 10);
	if (!*end && !errno)
		return cf_node_int(a, iv);
	fv = strtod(tmp, &end);
	if (!*end)
		return cf_node_float(a, fv);
	return NULL;
}

/*
 * Compile s[0..n) into steps. Paths are short (printer columns), so a
 * straightforward scanner is enough; positions in errors refer to expr.
 */
static int compile_range(cf_jsonpath **out, cf_arena *a, const char *expr,
    const char *s, size_t n);

/* [?(@<path> <op> <literal>)] with inner = text between "(" and ")". */
/*
 * A filter compares one relative path with a literal. The operator is
 * found outside quotes so a value such as 'a==b' is not split.
 */
static int parse_filter(cf_arena *a, struct step *st, const char *expr,
    const char *inner, size_t n, size_t at)
{
	static const struct {
		const char *text;
		enum cmp op;
	} ops[] = {
		{ "==", C_EQ }, { "!=", C_NE }, { "<=", C_LE }, { ">=", C_GE },
		{ "<", C_LT }, { ">", C_GT },
	};
	size_t opat = n, oplen = 0;
	char q = 0;

	while (n && *inner == ' ')
		inner++, n--;
	if (!n || *inner != '@')
		return bad("filter must start with '@'", at, expr);
	for (size_t i = 1; i < n && opat == n; i++) {
		if (q) {
			q = inner[i] == q ? 0 : q;
			continue;
		}
		if (inner[i] == '\'' || inner[i] == '"') {
			q = inner[i];
			continue;
		}
		for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
			size_t l = strlen(ops[k].text);

			if (i + l <= n && !strncmp(inner + i, ops[k].text, l)) {
				opat = i;
				oplen = l;
				st->op = ops[k].op;
				break;
			}
		}
	}
	if (opat == n)
		st->op = C_EXISTS;
	/* "@" alone compares the element itself; trailing blanks before the
	 * operator are trimmed by compile_range. */
	if (compile_range(&st->lhs, a, expr, inner + 1,
	    opat == n ? n - 1 : opat - 1) < 0)
		return CF_EINVALID;
	if (st->op != C_EXISTS) {
		st->lit = parse_literal(a, inner + opat + oplen, n - opat - oplen);
		if (!st->lit)
			return bad("invalid filter value", at, expr);
	}
	return 0;
}

/* Length of a field name at s: up to '.', '[' or the end (or a space or
 * an operator inside a filter, which the caller has cut off already). */
/* Field names in dot form stop at the next step; names holding dots or
 * brackets need the ['...'] form, as in kubectl. */
static size_t name_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != '.' && s[i] != '[' && s[i] != ' ')
		i++;
	return i;
}

static int compile_range(cf_jsonpath **out, cf_arena *a, const char *expr,
    const char *s, size_t n)
{
	cf_jsonpath *p = CF_ARENA_NEW(a, cf_jsonpath);
	size_t i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n) {
		size_t at = (size_t)(s + i - expr);

		if (s[i] == '.' && i + 1 < n && s[i + 1] == '.') {
			size_t l = name_len(s + i + 2, n - i - 2);

			if (!l)
				return bad("expected a name after '..'", at, expr);
			add_step(a, p, S_RECURSE)->name =
			    cf_arena_strndup(a, s + i + 2, l);
			i += 2 + l;
		} else if (s[i] == '.') {
			size_t l;

			i++;
			if (i < n && s[i] == '*') {
				add_step(a, p, S_WILDCARD);
				i++;
				continue;
			}
			l = name_len(s + i, n - i);
			if (l)
				add_step(a, p, S_FIELD)->name =
				    cf_arena_strndup(a, s + i, l);
			i += l;
		} else if (s[i] == '[') {
			const char *close;
			size_t j = i + 1;

			if (j + 1 < n && s[j] == '?' && s[j + 1] == '(') {
				/* Find ")]" outside quotes. */
				char q = 0;
				size_t k = j + 2;

				for (; k + 1 < n; k++) {
					if (q) {
						q = s[k] == q ? 0 : q;
					} else if (s[k] == '\'' || s[k] == '"') {
						q = s[k];
					} else if (s[k] == ')' && s[k + 1] == ']') {
						break;
					}
				}
				if (k + 1 >= n)
					return bad("unterminated filter", at, expr);
				if (parse_filter(a, add_step(a, p, S_FILTER), expr,
				    s + j + 2, k - j - 2, at) < 0)
					return CF_EINVALID;
				i = k + 2;
				continue;
			}
			close = memchr(s + j, ']', n - j);
			if (!close)
				return bad("unterminated '['", at, expr);
			{
				size_t l = (size_t)(close - (s + j));
				const char *c = s + j;
				const char *colon = memchr(c, ':', l);
				char *txt = cf_arena_strndup(a, c, l), *end;

				if (l >= 2 && (c[0] == '\'' || c[0] == '"') &&
				    c[l - 1] == c[0]) {
					add_step(a, p, S_FIELD)->name =
					    cf_arena_strndup(a, c + 1, l - 2);
				} else if (l == 1 && c[0] == '*') {
					add_step(a, p, S_WILDCARD);
				} else if (colon) {
					struct step *st = add_step(a, p, S_SLICE);
					size_t cl = (size_t)(colon - c);

					txt[cl] = '\0';
					if (cl) {
						st->from = strtol(txt, &end, 10);
						st->has_from = true;
						if (*end)
							return bad("invalid slice", at,
							    expr);
					}
					if (txt[cl + 1]) {
						st->to = strtol(txt + cl + 1, &end, 10);
						st->has_to = true;
						if (*end && *end != ':')
							return bad("invalid slice", at,
							    expr);
					}
				} else {
					struct step *st = add_step(a, p, S_INDEX);

					errno = 0;
					st->idx = strtol(txt, &end, 10);
					if (!l || *end || errno)
						return bad("invalid array index", at,
						    expr);
				}
				i = (size_t)(close - s) + 1;
			}
		} else if (s[i] == ' ' || s[i] == '\t') {
			i++;
		} else {
			return bad("unexpected character", at, expr);
		}
	}
	*out = p;
	return 0;
}

/* kubectl's templates may wrap the path in braces and start with $;
 * both are accepted and dropped here. */
int cf_jsonpath_compile(cf_jsonpath **out, cf_arena *a, const char *expr)
{
	const char *s = expr;
	size_t n = strlen(expr);

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	/* kubectl wraps a path in {…}; CRD columns give it bare. */
	if (n >= 2 && s[0] == '{' && s[n - 1] == '}')
		s++, n -= 2;
	if (n && *s == '$')
		s++, n--;
	return compile_range(out, a, expr, s, n);
}

/* Integers and floats compare as numbers, as Go's template comparison
 * converts both sides. */
static bool as_number(const cf_node *n, double *out)
{
	if (cf_node_is(n, CF_NODE_INT)) {
		*out = (n->flags & CF_NODE_F_UINT) ? (double)n->v.u :
		    (double)n->v.i;
		return true;
	}
	if (cf_node_is(n, CF_NODE_FLOAT)) {
		*out = n->v.f;
		return true;
	}
	return false;
}

/* Filter comparison: numbers numerically, strings bytewise, bools for
 * (in)equality only; mismatched types never match (Go's template
 * comparison errors there, which drops the element). */
/* Only the comparisons kubectl users write in filters are supported;
 * anything else is treated as no match instead of an error. */
static bool compare(const cf_node *l, enum cmp op, const cf_node *r)
{
	double x, y;
	int c;

	if (as_number(l, &x) && as_number(r, &y)) {
		c = x < y ? -1 : x > y ? 1 : 0;
	} else if (cf_node_is(l, CF_NODE_STR) && cf_node_is(r, CF_NODE_STR)) {
		c = strcmp(l->v.s, r->v.s);
	} else if (cf_node_is(l, CF_NODE_BOOL) && cf_node_is(r, CF_NODE_BOOL) &&
	    (op == C_EQ || op == C_NE)) {
		c = l->v.b != r->v.b;
	} else {
		return false;
	}
	switch (op) {
	case C_EQ: return c == 0;
	case C_NE: return c != 0;
	case C_LT: return c < 0;
	case C_LE: return c <= 0;
	case C_GT: return c > 0;
	case C_GE: return c >= 0;
	case C_EXISTS: break;
	}
	return true;
}

/* ..name: every member called name at any depth, in document order. */
static void recurse(cf_arena *a, struct list *out, const cf_node *n,
    const char *name)
{
	if (cf_node_is(n, CF_NODE_MAP)) {
		const cf_node *v = cf_node_get(n, name);

		if (v)
			list_push(a, out, v);
		for (size_t i = 0; i < n->len; i++)
			recurse(a, out, n->v.pairs[i].val, name);
	} else if (cf_node_is(n, CF_NODE_SEQ)) {
		for (size_t i = 0; i < n->len; i++)
			recurse(a, out, n->v.items[i], name);
	}
}

/* An element is kept when any value of its relative path matches (for
 * the bare form, when the path exists at all). */
static bool filter_keeps(cf_arena *a, const struct step *st,
    const cf_node *item)
{
	const cf_node **res;
	size_t nr = cf_jsonpath_eval(&res, a, st->lhs, item);

	if (st->op == C_EXISTS)
		return nr > 0;
	for (size_t i = 0; i < nr; i++)
		if (compare(res[i], st->op, st->lit))
			return true;
	return false;
}

/* One step on one node. Out-of-range indexes and non-container nodes
 * produce nothing, which the table code turns into an empty cell. */
static void apply_step(cf_arena *a, const struct step *st, const cf_node *n,
    struct list *out)
{
	long len = (long)cf_node_count(n), from, to;

	switch (st->kind) {
	case S_FIELD:
		if (cf_node_is(n, CF_NODE_MAP) && cf_node_get(n, st->name))
			list_push(a, out, cf_node_get(n, st->name));
		break;
	case S_WILDCARD:
		for (long i = 0; i < len; i++)
			list_push(a, out, n->type == CF_NODE_MAP ?
			    n->v.pairs[i].val : n->v.items[i]);
		break;
	case S_INDEX:
		if (!cf_node_is(n, CF_NODE_SEQ))
			break;
		from = st->idx < 0 ? len + st->idx : st->idx;
		if (from >= 0 && from < len)
			list_push(a, out, n->v.items[from]);
		break;
	case S_SLICE:
		if (!cf_node_is(n, CF_NODE_SEQ))
			break;
		from = st->has_from ? st->from : 0;
		to = st->has_to ? st->to : len;
		if (from < 0)
			from += len;
		if (to < 0)
			to += len;
		if (from < 0)
			from = 0;
		if (to > len)
			to = len;
		for (long i = from; i < to; i++)
			list_push(a, out, n->v.items[i]);
		break;
	case S_RECURSE:
		recurse(a, out, n, st->name);
		break;
	case S_FILTER:
		if (!cf_node_is(n, CF_NODE_SEQ))
			break;
		for (long i = 0; i < len; i++)
			if (filter_keeps(a, st, n->v.items[i]))
				list_push(a, out, n->v.items[i]);
		break;
	}
}

/*
 * Each step maps the current node list to the next; an empty list ends
 * the walk early. Missing members simply produce nothing, which is what
 * AllowMissingKeys(true) gives the CRD table convertor.
 */
size_t cf_jsonpath_eval(const cf_node ***out, cf_arena *a,
    const cf_jsonpath *p, const cf_node *root)
{
	struct list cur = { 0 };

	if (root)
		list_push(a, &cur, root);
	for (size_t i = 0; p && i < p->n && cur.n; i++) {
		struct list next = { 0 };

		for (size_t k = 0; k < cur.n; k++)
			apply_step(a, &p->steps[i], cur.v[k], &next);
		cur = next;
	}
	*out = cur.v;
	return cur.n;
}

int cf_jsonpath_find(const cf_node ***out, cf_arena *a, const cf_node *root,
    const char *expr)
{
	cf_jsonpath *p;
	int err = cf_jsonpath_compile(&p, a, expr);

	if (err < 0)
		return err;
	return (int)cf_jsonpath_eval(out, a, p, root);
}

/* PrintResults: compound values as JSON, scalars as fmt.Print would. */
char *cf_jsonpath_text(cf_arena *a, const cf_node *v)
{
	char num[CF_JSON_FLOAT_MAX];
	cf_buf b = CF_BUF_INIT;
	cf_node *copy;
	char *out;

	switch (v ? v->type : CF_NODE_NULL) {
	case CF_NODE_NULL:
		return cf_arena_strdup(a, "<nil>");
	case CF_NODE_BOOL:
		return cf_arena_strdup(a, v->v.b ? "true" : "false");
	case CF_NODE_INT:
		if (v->flags & CF_NODE_F_UINT)
			return cf_arena_printf(a, "%" PRIu64, v->v.u);
		return cf_arena_printf(a, "%" PRId64, v->v.i);
	case CF_NODE_FLOAT:
		if (v->num)
			return cf_arena_strdup(a, v->num);
		/* Go's %v of a float64 is 'g' with the shortest digits. */
		cf_json_fmt_float(num, v->v.f, CF_JSON_FLOAT_G);
		return cf_arena_strdup(a, num);
	case CF_NODE_STR:
		return cf_arena_strndup(a, v->v.s, v->len);
	default:
		/* Go marshals map[string]interface{} with sorted keys. */
		copy = cf_node_dup(a, v);
		cf_json_write(&b, copy, CF_JSON_SORTED);
		out = cf_arena_strndup(a, b.buf, b.len);
		cf_buf_release(&b);
		return out;
	}
}
