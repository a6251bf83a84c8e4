/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/selector.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "kube/validate.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * The label selector grammar is apimachinery's: the whole text is lexed
 * first, then a recursive-descent parser walks the tokens. Error texts are
 * protocol (kubectl prints them), so they follow the Go parser's wording,
 * including its literal '<nil>' path for key errors.
 */
enum tok {
	T_EOS = 0, T_IDENT, T_IN, T_NOTIN, T_COMMA, T_OPEN, T_CLOSE, T_EQ,
	T_DEQ, T_NEQ, T_NOT, T_GT, T_LT,
};

struct token {
	enum tok t;
	const char *lit; /* "" for end of string */
};

struct parser {
	cf_arena *a;
	struct token *toks;
	size_t n, pos;
};

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_special(char c)
{
	return c && strchr("=!(),><", c) != NULL;
}

/*
 * Tokenise everything up front, as the Go lexer does: identifiers run to
 * the next blank or special character, and "in"/"notin" are keywords
 * only where an operator is expected (see peek).
 */
static void lex(struct parser *p, const char *s)
{
	size_t alloc = 0;

	p->toks = NULL;
	p->n = 0;
	for (;;) {
		struct token tk = { T_EOS, "" };
		const char *start;

		while (is_ws(*s))
			s++;
		start = s;
		if (!*s) {
			/* fall through to push EOS */
		} else if (is_special(*s)) {
			/* Longest match: "!=" and "==" before "!" and "=". */
			if ((s[0] == '!' || s[0] == '=') && s[1] == '=') {
				tk.t = s[0] == '!' ? T_NEQ : T_DEQ;
				s += 2;
			} else {
				switch (*s) {
				case '=': tk.t = T_EQ; break;
				case '!': tk.t = T_NOT; break;
				case '(': tk.t = T_OPEN; break;
				case ')': tk.t = T_CLOSE; break;
				case ',': tk.t = T_COMMA; break;
				case '>': tk.t = T_GT; break;
				default: tk.t = T_LT; break;
				}
				s++;
			}
			tk.lit = cf_arena_strndup(p->a, start, (size_t)(s - start));
		} else {
			while (*s && !is_ws(*s) && !is_special(*s))
				s++;
			tk.lit = cf_arena_strndup(p->a, start, (size_t)(s - start));
			tk.t = !strcmp(tk.lit, "in") ? T_IN :
			    !strcmp(tk.lit, "notin") ? T_NOTIN : T_IDENT;
		}
		if (p->n == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			struct token *nt = cf_arena_alloc(p->a, na * sizeof(*nt));

			if (p->n)
				memcpy(nt, p->toks, p->n * sizeof(*nt));
			p->toks = nt;
			alloc = na;
		}
		p->toks[p->n++] = tk;
		if (tk.t == T_EOS)
			return;
	}
}

/* In value position the keywords are plain identifiers ("a in (in)"). */
static struct token peek(struct parser *p, bool values)
{
	struct token tk = p->toks[p->pos];

	if (values && (tk.t == T_IN || tk.t == T_NOTIN))
		tk.t = T_IDENT;
	return tk;
}

static struct token next(struct parser *p, bool values)
{
	struct token tk = peek(p, values);

	if (p->pos + 1 < p->n)
		p->pos++;
	return tk;
}

/* Parse errors are CF_EINVALID in the parse class; the server maps them
 * to 400 BadRequest with this text. */
static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	char msg[CF_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s", msg);
}

/* validateLabelKey: Invalid(path, key, msgs joined by "; "). */
/* The label parser validates keys with a nil field path, so Go prints
 * the path as "<nil>"; NewRequirement uses the path "key". Both forms
 * reach users, so the caller chooses. */
static char *key_error(cf_arena *a, const char *path, const char *key)
{
	const char *msgs[CF_VALIDATE_MAX_MSGS];
	size_t n = cf_validate_qualified_name(a, key, msgs);
	cf_buf b = CF_BUF_INIT;
	char *out;

	if (n == 0)
		return NULL;
	cf_buf_addf(&b, "%s: Invalid value: %s: ", path, cf_go_quote(a, key));
	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s", i ? "; " : "", msgs[i]);
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Sort and dedupe values in place (Go's sets.String.List()). */
static size_t sort_unique(const char **v, size_t n)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 1; i < n; i++)
		if (strcmp(v[i], v[k]))
			v[++k] = v[i];
	return k + 1;
}

/* Go's %#v of the value list, the bad value of count errors. */
static const char *go_strings(cf_arena *a, const char **v, size_t n)
{
	cf_buf b = CF_BUF_INIT;
	char *out;

	cf_buf_adds(&b, "[]string{");
	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s", i ? ", " : "", cf_go_quote(a, v[i]));
	cf_buf_addch(&b, '}');
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/*
 * NewRequirement: check the key, the value count for the operator and
 * each value; every problem is collected and reported as one aggregate,
 * like Go's ErrorList.ToAggregate().
 */
static int new_requirement(cf_arena *a, cf_label_req *r, const char *key,
    enum cf_sel_op op, const char **values, size_t n)
{
	const char *errs[16];
	size_t ne = 0;
	char *e;
	cf_buf b = CF_BUF_INIT;
	int ret;

	const char *vs = go_strings(a, values, n);

	if ((e = key_error(a, "key", key)) != NULL)
		errs[ne++] = e;
	switch (op) {
	case CF_SEL_IN:
	case CF_SEL_NOTIN:
		if (n == 0)
			errs[ne++] = cf_arena_printf(a, "values: Invalid value: %s: for "
			    "'in', 'notin' operators, values set can't be empty", vs);
		break;
	case CF_SEL_EQ:
	case CF_SEL_DEQ:
	case CF_SEL_NE:
		if (n != 1)
			errs[ne++] = cf_arena_printf(a, "values: Invalid value: %s: "
			    "exact-match compatibility requires one single value", vs);
		break;
	case CF_SEL_EXISTS:
	case CF_SEL_NOT_EXISTS:
		if (n != 0)
			errs[ne++] = cf_arena_printf(a, "values: Invalid value: %s: values "
			    "set must be empty for exists and does not exist", vs);
		break;
	case CF_SEL_GT:
	case CF_SEL_LT:
		if (n != 1)
			errs[ne++] = cf_arena_printf(a, "values: Invalid value: %s: for "
			    "'Gt', 'Lt' operators, exactly one value is required", vs);
		for (size_t i = 0; i < n && ne < 8; i++) {
			char *end;

			errno = 0;
			(void)strtoll(values[i], &end, 10);
			if (errno || !*values[i] || *end)
				errs[ne++] = cf_arena_printf(a, "values[%zu]: Invalid "
				    "value: %s: for 'Gt', 'Lt' operators, the value "
				    "must be an integer", i, cf_go_quote(a, values[i]));
		}
		break;
	}
	for (size_t i = 0; i < n && ne < CF_ARRAY_SIZE(errs); i++) {
		const char *msgs[CF_VALIDATE_MAX_MSGS];
		size_t nm = cf_validate_label_value(a, values[i], msgs);
		cf_buf m = CF_BUF_INIT;

		if (nm == 0)
			continue;
		cf_buf_addf(&m, "values[%zu][%s]: Invalid value: %s: ", i, key,
		    cf_go_quote(a, values[i]));
		for (size_t k = 0; k < nm; k++)
			cf_buf_addf(&m, "%s%s", k ? "; " : "", msgs[k]);
		errs[ne++] = cf_arena_strndup(a, m.buf, m.len);
		cf_buf_release(&m);
	}
	r->key = key;
	r->op = op;
	r->values = values;
	r->nvalues = n;
	if (ne == 0)
		return 0;
	if (ne == 1)
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s", errs[0]);
	cf_buf_addch(&b, '[');
	for (size_t i = 0; i < ne; i++)
		cf_buf_addf(&b, "%s%s", i ? ", " : "", errs[i]);
	cf_buf_addch(&b, ']');
	ret = cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s", b.buf);
	cf_buf_release(&b);
	return ret;
}

/* Values of "(a,b,,c)": identifiers and commas, empty slots allowed. */
/*
 * Value lists tolerate empty slots: "(a,,b)", "(,a)" and "()" all add
 * the empty string, which then matches a label whose value is empty.
 */
static int parse_values(struct parser *p, const char ***out, size_t *n)
{
	struct token tk = next(p, true);
	const char **v;
	size_t nv = 0;

	if (tk.t != T_OPEN)
		return fail("found '%s' expected: '('", tk.lit);
	v = cf_arena_alloc(p->a, (p->n + 1) * sizeof(*v));
	tk = peek(p, true);
	if (tk.t == T_CLOSE) {
		next(p, true);
		v[nv++] = "";
		goto done;
	}
	if (tk.t != T_IDENT && tk.t != T_COMMA)
		return fail("found '%s', expected: ',', ')' or identifier",
		    tk.lit);
	for (;;) {
		struct token t = next(p, true), t2;

		if (t.t == T_IDENT) {
			v[nv++] = t.lit;
			t2 = peek(p, true);
			if (t2.t == T_COMMA)
				continue;
			if (t2.t == T_CLOSE)
				break;
			return fail("found '%s', expected: ',' or ')'", t2.lit);
		} else if (t.t == T_COMMA) {
			if (nv == 0)
				v[nv++] = "";
			t2 = peek(p, true);
			if (t2.t == T_CLOSE) {
				v[nv++] = "";
				break;
			}
			if (t2.t == T_COMMA) {
				next(p, true);
				v[nv++] = "";
			}
		} else {
			return fail("found '%s', expected: ',', or identifier",
			    t.lit);
		}
	}
	tk = next(p, true);
	if (tk.t != T_CLOSE)
		return fail("found '%s', expected: ')'", tk.lit);
done:
	*out = v;
	*n = sort_unique(v, nv);
	return 0;
}

/*
 * key [op values]: a bare key (or !key) ends at ',' or the end; anything
 * else must be an operator. "!key=v" is not an error here but leaves
 * "=" for the caller, which then reports it, as Go does.
 */
static int parse_requirement(struct parser *p, cf_label_req *r)
{
	struct token tk = next(p, true), op_tk;
	enum cf_sel_op op = CF_SEL_EQ;
	bool not = false;
	const char *key, **values = NULL;
	size_t nvalues = 0;
	char *kerr;
	int err;

	if (tk.t == T_NOT) {
		not = true;
		tk = next(p, true);
	}
	if (tk.t != T_IDENT)
		return fail("found '%s', expected: identifier", tk.lit);
	key = tk.lit;
	if ((kerr = key_error(p->a, "<nil>", key)) != NULL)
		return fail("%s", kerr);
	tk = peek(p, true);
	if (not || tk.t == T_EOS || tk.t == T_COMMA)
		return new_requirement(p->a, r, key,
		    not ? CF_SEL_NOT_EXISTS : CF_SEL_EXISTS, NULL, 0);
	op_tk = next(p, false);
	switch (op_tk.t) {
	case T_IN: op = CF_SEL_IN; break;
	case T_NOTIN: op = CF_SEL_NOTIN; break;
	case T_EQ: op = CF_SEL_EQ; break;
	case T_DEQ: op = CF_SEL_DEQ; break;
	case T_NEQ: op = CF_SEL_NE; break;
	case T_GT: op = CF_SEL_GT; break;
	case T_LT: op = CF_SEL_LT; break;
	default:
		return fail("found '%s', expected: in, notin, =, ==, !=, gt, lt",
		    op_tk.lit);
	}
	if (op == CF_SEL_IN || op == CF_SEL_NOTIN) {
		if ((err = parse_values(p, &values, &nvalues)) < 0)
			return err;
	} else {
		/* A missing value means the empty string ("a=" selects a
		 * label that is present and empty). */
		values = cf_arena_alloc(p->a, sizeof(*values));
		nvalues = 1;
		tk = peek(p, true);
		if (tk.t == T_EOS || tk.t == T_COMMA) {
			values[0] = "";
		} else {
			tk = next(p, true);
			if (tk.t != T_IDENT)
				return fail("found '%s', expected: identifier",
				    tk.lit);
			values[0] = tk.lit;
		}
	}
	return new_requirement(p->a, r, key, op, values, nvalues);
}

static int cmp_req(const void *x, const void *y)
{
	return strcmp(((const cf_label_req *)x)->key,
	    ((const cf_label_req *)y)->key);
}

static void sort_reqs(cf_label_selector *s)
{
	/* Stable enough: equal keys keep parse order in practice because
	 * qsort of a handful of items; ordering only matters for String(). */
	if (s->n > 1)
		qsort(s->reqs, s->n, sizeof(*s->reqs), cmp_req);
}

int cf_label_selector_parse(cf_label_selector **out, cf_arena *a,
    const char *text)
{
	struct parser p = { .a = a };
	cf_label_selector *s = CF_ARENA_NEW(a, cf_label_selector);
	int err;

	lex(&p, text ? text : "");
	s->reqs = cf_arena_alloc(a, p.n * sizeof(*s->reqs));
	for (;;) {
		struct token tk = peek(&p, true);

		if (tk.t == T_EOS)
			break;
		if (tk.t != T_IDENT && tk.t != T_NOT)
			return fail("found '%s', expected: !, identifier, or "
			    "'end of string'", tk.lit);
		err = parse_requirement(&p, &s->reqs[s->n]);
		if (err < 0)
			return cf_error_wrap("unable to parse requirement");
		s->n++;
		tk = next(&p, true);
		if (tk.t == T_EOS)
			break;
		if (tk.t != T_COMMA)
			return fail("found '%s', expected: ',' or 'end of "
			    "string'", tk.lit);
		tk = peek(&p, true);
		if (tk.t != T_IDENT && tk.t != T_NOT)
			return fail("found '%s', expected: identifier after ','",
			    tk.lit);
	}
	sort_reqs(s);
	*out = s;
	return 0;
}

/*
 * LabelSelectorAsSelector: matchLabels become equality requirements and
 * matchExpressions keep their operator; a null selector matches nothing,
 * an empty one everything (Deployments rely on the difference).
 */
int cf_label_selector_from_node(cf_label_selector **out, cf_arena *a,
    const cf_node *sel)
{
	cf_label_selector *s = CF_ARENA_NEW(a, cf_label_selector);
	const cf_node *ml = cf_node_get(sel, "matchLabels");
	const cf_node *me = cf_node_get(sel, "matchExpressions");
	size_t cap = cf_node_count(ml) + cf_node_count(me);
	int err;

	if (!sel || sel->type == CF_NODE_NULL) {
		s->nothing = true;
		*out = s;
		return 0;
	}
	s->reqs = cf_arena_alloc(a, (cap ? cap : 1) * sizeof(*s->reqs));
	for (size_t i = 0; cf_node_is(ml, CF_NODE_MAP) && i < ml->len; i++) {
		const char **v = cf_arena_alloc(a, sizeof(*v));

		v[0] = cf_node_as_str(ml->v.pairs[i].val);
		if (!v[0])
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "matchLabels[%s]: value must be a string",
			    ml->v.pairs[i].key);
		err = new_requirement(a, &s->reqs[s->n], ml->v.pairs[i].key,
		    CF_SEL_EQ, v, 1);
		if (err < 0)
			return err;
		s->n++;
	}
	for (size_t i = 0; cf_node_is(me, CF_NODE_SEQ) && i < me->len; i++) {
		const cf_node *e = me->v.items[i];
		const char *key = cf_node_getp_str(e, "key", NULL);
		const char *op = cf_node_getp_str(e, "operator", NULL);
		const cf_node *vals = cf_node_get(e, "values");
		size_t nv = cf_node_count(vals);
		const char **v = cf_arena_alloc(a, (nv ? nv : 1) * sizeof(*v));
		enum cf_sel_op sop;

		if (!op)
			op = "";
		if (!strcmp(op, "In"))
			sop = CF_SEL_IN;
		else if (!strcmp(op, "NotIn"))
			sop = CF_SEL_NOTIN;
		else if (!strcmp(op, "Exists"))
			sop = CF_SEL_EXISTS;
		else if (!strcmp(op, "DoesNotExist"))
			sop = CF_SEL_NOT_EXISTS;
		else
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "%s is not a valid label selector operator",
			    cf_go_quote(a, op));
		for (size_t k = 0; k < nv; k++) {
			v[k] = cf_node_as_str(cf_node_at(vals, k));
			if (!v[k])
				return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
				    "matchExpressions[%zu].values[%zu]: must be a "
				    "string", i, k);
		}
		nv = sort_unique(v, nv);
		err = new_requirement(a, &s->reqs[s->n], key ? key : "", sop,
		    v, nv);
		if (err < 0)
			return err;
		s->n++;
	}
	sort_reqs(s);
	*out = s;
	return 0;
}

static bool has_value(const cf_label_req *r, const char *v)
{
	for (size_t i = 0; i < r->nvalues; i++)
		if (!strcmp(r->values[i], v))
			return true;
	return false;
}

/* Requirement.Matches: negative operators also match when the label is
 * absent; gt/lt need an integer label. */
static bool req_matches(const cf_label_req *r, const cf_node *labels)
{
	const char *v = cf_node_as_str(cf_node_get(labels, r->key));
	long long lv, rv;
	char *end;

	switch (r->op) {
	case CF_SEL_EXISTS:
		return v != NULL;
	case CF_SEL_NOT_EXISTS:
		return v == NULL;
	case CF_SEL_EQ:
	case CF_SEL_DEQ:
	case CF_SEL_IN:
		return v && has_value(r, v);
	case CF_SEL_NE:
	case CF_SEL_NOTIN:
		return !v || !has_value(r, v);
	case CF_SEL_GT:
	case CF_SEL_LT:
		/* A label that is not an integer never matches gt/lt. */
		if (!v || r->nvalues != 1)
			return false;
		errno = 0;
		lv = strtoll(v, &end, 10);
		if (errno || !*v || *end)
			return false;
		rv = strtoll(r->values[0], &end, 10);
		return r->op == CF_SEL_GT ? lv > rv : lv < rv;
	}
	return false;
}

bool cf_label_selector_matches(const cf_label_selector *s,
    const cf_node *labels)
{
	if (!s)
		return true;
	if (s->nothing)
		return false;
	for (size_t i = 0; i < s->n; i++)
		if (!req_matches(&s->reqs[i], labels))
			return false;
	return true;
}

char *cf_label_selector_string(cf_arena *a, const cf_label_selector *s)
{
	static const char *const ops[] = {
		[CF_SEL_EQ] = "=", [CF_SEL_DEQ] = "==", [CF_SEL_NE] = "!=",
		[CF_SEL_IN] = " in ", [CF_SEL_NOTIN] = " notin ",
		[CF_SEL_GT] = ">", [CF_SEL_LT] = "<",
	};
	cf_buf b = CF_BUF_INIT;
	char *out;

	for (size_t i = 0; s && i < s->n; i++) {
		const cf_label_req *r = &s->reqs[i];

		if (i)
			cf_buf_addch(&b, ',');
		if (r->op == CF_SEL_NOT_EXISTS)
			cf_buf_addch(&b, '!');
		cf_buf_adds(&b, r->key);
		if (r->op == CF_SEL_EXISTS || r->op == CF_SEL_NOT_EXISTS)
			continue;
		cf_buf_adds(&b, ops[r->op]);
		if (r->op == CF_SEL_IN || r->op == CF_SEL_NOTIN)
			cf_buf_addch(&b, '(');
		for (size_t k = 0; k < r->nvalues; k++)
			cf_buf_addf(&b, "%s%s", k ? "," : "", r->values[k]);
		if (r->op == CF_SEL_IN || r->op == CF_SEL_NOTIN)
			cf_buf_addch(&b, ')');
	}
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/* ---- field selectors ---- */

/* Split text at commas not preceded by a backslash escape. */
/* Field selectors have their own, much simpler grammar than labels:
 * comma-separated key op value terms with backslash escapes. */
static size_t split_terms(cf_arena *a, const char *text, const char ***out)
{
	size_t n = 1, k = 0;
	const char *start = text;
	const char **terms;
	bool esc = false;

	for (const char *c = text; *c; c++)
		n += *c == ',';
	terms = cf_arena_alloc(a, n * sizeof(*terms));
	for (const char *c = text;; c++) {
		if (!*c || (*c == ',' && !esc)) {
			terms[k++] = cf_arena_strndup(a, start,
			    (size_t)(c - start));
			if (!*c)
				break;
			start = c + 1;
			continue;
		}
		esc = !esc && *c == '\\';
	}
	*out = terms;
	return k;
}

/* Find the first operator outside escapes: != before == before =. */
static bool split_term(const char *t, size_t *at, size_t *oplen, bool *neg)
{
	bool esc = false;

	for (size_t i = 0; t[i]; i++) {
		if (esc) {
			esc = false;
			continue;
		}
		if (t[i] == '\\') {
			esc = true;
			continue;
		}
		if (t[i] == '!' && t[i + 1] == '=')
			return *at = i, *oplen = 2, *neg = true, true;
		if (t[i] == '=' && t[i + 1] == '=')
			return *at = i, *oplen = 2, *neg = false, true;
		if (t[i] == '=')
			return *at = i, *oplen = 1, *neg = false, true;
	}
	return false;
}

/* UnescapeValue: only \\, \, and \= are escapes; a bare ',' or '=' in a
 * value is refused, so "a=b=c" is an error rather than a surprise. */
static int unescape(cf_arena *a, const char *s, const char **out)
{
	size_t n = strlen(s), k = 0;
	char *v = cf_arena_alloc(a, n + 1);
	bool esc = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (esc) {
			if (c != '\\' && c != ',' && c != '=')
				return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
				    "invalid field selector: invalid escape "
				    "sequence: \\%c", c);
			v[k++] = c;
			esc = false;
		} else if (c == '\\') {
			esc = true;
		} else if (c == ',' || c == '=') {
			/* Go prints the rune as a number here (%v of a rune). */
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "invalid field selector: unescaped character in "
			    "value: %d", c);
		} else {
			v[k++] = c;
		}
	}
	if (esc)
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "invalid field selector: invalid escape sequence: \\");
	v[k] = '\0';
	*out = v;
	return 0;
}

int cf_field_selector_parse(cf_field_selector **out, cf_arena *a,
    const char *text)
{
	cf_field_selector *s = CF_ARENA_NEW(a, cf_field_selector);
	const char **terms;
	size_t n;

	if (!text)
		text = "";
	n = split_terms(a, text, &terms);
	qsort(terms, n, sizeof(*terms), cmp_str);
	s->reqs = cf_arena_alloc(a, n * sizeof(*s->reqs));
	for (size_t i = 0; i < n; i++) {
		size_t at, oplen;
		bool neg;
		cf_field_req *r;
		int err;

		if (!*terms[i])
			continue;
		if (!split_term(terms[i], &at, &oplen, &neg))
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "invalid selector: '%s'; can't understand '%s'",
			    text, terms[i]);
		r = &s->reqs[s->n];
		r->field = cf_arena_strndup(a, terms[i], at);
		r->negate = neg;
		err = unescape(a, terms[i] + at + oplen, &r->value);
		if (err < 0)
			return err;
		s->n++;
	}
	*out = s;
	return 0;
}

/* Field labels are checked per kind, like the scheme's field label
 * conversion functions; metadata.name works everywhere. */
int cf_field_selector_check(const cf_field_selector *s,
    const cf_resource_def *r)
{
	for (size_t i = 0; s && i < s->n; i++) {
		const char *f = s->reqs[i].field;

		if (!strcmp(f, "metadata.name"))
			continue;
		if (!strcmp(f, "metadata.namespace") &&
		    !(r && (r->flags & CF_RES_NO_NS_FIELD)))
			continue;
		if (cf_resource_field(r, f))
			continue;
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "field label not supported: %s", f);
	}
	return 0;
}

/* Walk a dot path ("source.component") in obj. */
/* Field label paths are plain dotted map paths (no arrays). */
static const cf_node *walk_path(const cf_node *obj, const char *path)
{
	const cf_node *n = obj;

	while (n && *path) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);

		n = cf_node_getn(n, path, len);
		path += len + (dot ? 1 : 0);
	}
	return n;
}

/* The field's value as Go's GetAttrs would print it, or NULL when the
 * field is not selectable on r. */
static const char *field_value(char *tmp, size_t tmplen,
    const cf_resource_def *r, const cf_node *obj, const char *field)
{
	const cf_field_label *fl;
	const cf_node *v;
	const char *path, *dflt = "";

	if (!strcmp(field, "metadata.name") ||
	    !strcmp(field, "metadata.namespace")) {
		path = field;
	} else if ((fl = cf_resource_field(r, field)) != NULL) {
		path = fl->path;
		dflt = fl->dflt ? fl->dflt : "";
	} else {
		return NULL;
	}
	v = walk_path(obj, path);
	if (!v || v->type == CF_NODE_NULL)
		return dflt;
	switch (v->type) {
	case CF_NODE_STR:
		return v->v.s;
	case CF_NODE_BOOL:
		return v->v.b ? "true" : "false";
	case CF_NODE_INT:
		if (v->flags & CF_NODE_F_UINT)
			snprintf(tmp, tmplen, "%" PRIu64, v->v.u);
		else
			snprintf(tmp, tmplen, "%" PRId64, v->v.i);
		return tmp;
	default:
		return dflt;
	}
}

bool cf_field_selector_matches(const cf_field_selector *s,
    const cf_resource_def *r, const cf_node *obj)
{
	for (size_t i = 0; s && i < s->n; i++) {
		char tmp[32];
		const char *v = field_value(tmp, sizeof(tmp), r, obj,
		    s->reqs[i].field);

		if (!v)
			return false;
		if ((strcmp(v, s->reqs[i].value) == 0) == s->reqs[i].negate)
			return false;
	}
	return true;
}

/* kubectl and informers watch one object with metadata.name=N; the
 * store can answer that with a point lookup instead of a scan. */
const char *cf_field_selector_name(const cf_field_selector *s)
{
	if (!s || s->n != 1 || s->reqs[0].negate ||
	    strcmp(s->reqs[0].field, "metadata.name"))
		return NULL;
	return s->reqs[0].value;
}
