/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CEL subset: a hand-written lexer and precedence-climbing parser
 * build an AST in the program's own arena; the evaluator walks it over
 * cf_node values allocated in the caller's arena, so one program can be
 * evaluated from several threads at once.
 *
 * Values are cf_nodes. CEL's uint is CF_NODE_INT with CF_NODE_F_UINT; an
 * optional is a sequence of zero or one item marked with OPT_FLAG (a bit
 * cf_node leaves to its users), which never escapes as a final result.
 *
 * Errors are C return codes with the message in cf_error, except where
 * CEL makes errors values: && and || absorb an error when the other side
 * decides the result, and exists/all do the same over their elements
 * (CEL's commutative logical operators).
 *
 * Untrusted expressions come from users' Kustomizations, so everything is
 * bounded: the text length, the nesting depth (the parser's recursion),
 * the evaluation steps (nested comprehensions multiply) and the size of
 * every string built (replace() can grow geometrically).
 */
#include "controllers/kustomize/cel.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"

#define OPT_FLAG (1u << 7)

/* An expression quoted in a message: long ones are cut so the reason
 * after them still fits ("%.*s%s"). */
#define SHOWN_MAX 200
#define SHOWN(t) (int)(strlen(t) > SHOWN_MAX ? SHOWN_MAX : strlen(t)), (t), \
	(strlen(t) > SHOWN_MAX ? "..." : "")

/* ---- AST ------------------------------------------------------------- */

enum ast_kind {
	A_LIT, A_IDENT, A_SELECT, A_OSELECT, A_HAS, A_INDEX, A_OINDEX,
	A_CALL, A_LIST, A_MAP, A_NOT, A_NEG, A_BIN, A_AND, A_OR, A_COND,
	A_COMP,
};

enum bin_op {
	B_ADD, B_SUB, B_MUL, B_DIV, B_MOD, B_EQ, B_NE, B_LT, B_LE, B_GT,
	B_GE, B_IN,
};

enum comp_kind { C_ALL, C_EXISTS, C_EXISTS_ONE, C_FILTER, C_MAP, C_MAP3 };

enum fn_id {
	F_SIZE, F_INT, F_UINT, F_DOUBLE, F_STRING, F_BOOL, F_DYN, F_MATCHES,
	F_STARTS, F_ENDS, F_CONTAINS, F_LOWER, F_UPPER, F_TRIM, F_REPLACE,
	F_SPLIT, F_JOIN, F_INDEXOF, F_LASTINDEXOF, F_SUBSTRING, F_CHARAT,
	F_ORVALUE, F_HASVALUE, F_VALUE, F_OPT_OF, F_OPT_NONE, F_OPT_NONZERO,
	F_SETS_CONTAINS, F_SETS_EQUIVALENT, F_SETS_INTERSECTS,
};

struct ast {
	uint8_t kind;
	uint8_t op;        /* bin_op, comp_kind or fn_id */
	uint32_t col;      /* 1-based column, for messages */
	const char *name;  /* identifier, field, or comprehension variable */
	cf_node *lit;
	struct ast **kids;
	uint32_t nkids;
};

/* Functions: global form, method form, and argument counts (receiver
 * included for methods). */
static const struct fn_def {
	const char *name;
	uint8_t id;
	bool global, method;
	uint8_t min, max;
} fns[] = {
	{ "size", F_SIZE, true, true, 1, 1 },
	{ "int", F_INT, true, false, 1, 1 },
	{ "uint", F_UINT, true, false, 1, 1 },
	{ "double", F_DOUBLE, true, false, 1, 1 },
	{ "string", F_STRING, true, false, 1, 1 },
	{ "bool", F_BOOL, true, false, 1, 1 },
	{ "dyn", F_DYN, true, false, 1, 1 },
	{ "matches", F_MATCHES, true, true, 2, 2 },
	{ "startsWith", F_STARTS, false, true, 2, 2 },
	{ "endsWith", F_ENDS, false, true, 2, 2 },
	{ "contains", F_CONTAINS, false, true, 2, 2 },
	{ "lowerAscii", F_LOWER, false, true, 1, 1 },
	{ "upperAscii", F_UPPER, false, true, 1, 1 },
	{ "trim", F_TRIM, false, true, 1, 1 },
	{ "replace", F_REPLACE, false, true, 3, 4 },
	{ "split", F_SPLIT, false, true, 2, 3 },
	{ "join", F_JOIN, false, true, 1, 2 },
	{ "indexOf", F_INDEXOF, false, true, 2, 3 },
	{ "lastIndexOf", F_LASTINDEXOF, false, true, 2, 3 },
	{ "substring", F_SUBSTRING, false, true, 2, 3 },
	{ "charAt", F_CHARAT, false, true, 2, 2 },
	{ "orValue", F_ORVALUE, false, true, 2, 2 },
	{ "hasValue", F_HASVALUE, false, true, 1, 1 },
	{ "value", F_VALUE, false, true, 1, 1 },
	/* Namespaced: written ns.name(...), found by parse_namespaced. */
	{ "optional.of", F_OPT_OF, true, false, 1, 1 },
	{ "optional.none", F_OPT_NONE, true, false, 0, 0 },
	{ "optional.ofNonZeroValue", F_OPT_NONZERO, true, false, 1, 1 },
	{ "sets.contains", F_SETS_CONTAINS, true, false, 2, 2 },
	{ "sets.equivalent", F_SETS_EQUIVALENT, true, false, 2, 2 },
	{ "sets.intersects", F_SETS_INTERSECTS, true, false, 2, 2 },
};

static const struct { const char *name; uint8_t kind; uint8_t nargs; }
    macros[] = {
	{ "all", C_ALL, 2 },        { "exists", C_EXISTS, 2 },
	{ "exists_one", C_EXISTS_ONE, 2 }, { "filter", C_FILTER, 2 },
	{ "map", C_MAP, 2 },        { "map", C_MAP3, 3 },
};

struct cf_cel {
	cf_arena arena;
	const char *text;
	struct ast *root;
};

/* ---- lexer ----------------------------------------------------------- */

enum tok {
	T_EOF, T_INT, T_UINT, T_DOUBLE, T_STRING, T_IDENT, T_TRUE, T_FALSE,
	T_NULL, T_IN, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_LBRACE,
	T_RBRACE, T_DOT, T_QDOT, T_COMMA, T_COLON, T_QUESTION, T_PLUS,
	T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_NOT, T_EQ, T_NE, T_LT, T_LE,
	T_GT, T_GE, T_AND, T_OR,
};

struct parser {
	const char *s;
	size_t len, pos;
	cf_arena *a;
	/* current token */
	int tok;
	size_t start;
	const char *str;  /* T_IDENT and T_STRING text (arena) */
	size_t slen;
	uint64_t u;       /* T_INT / T_UINT magnitude */
	double d;
	unsigned depth;
	int err;          /* first error; parsing stops there */
	const char *const *vars;
	const char *bound[CF_CEL_MAX_DEPTH]; /* comprehension variables */
	unsigned nbound;
};

/* Record the first syntax error (later ones are consequences). */
static void perr(struct parser *p, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void perr(struct parser *p, size_t at, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->err = cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s at column %zu",
	    msg, at + 1);
}

/* Nesting past CF_CEL_MAX_DEPTH: a cap, not a syntax error. */
static bool too_deep(struct parser *p, size_t at)
{
	if (p->depth < CF_CEL_MAX_DEPTH)
		return false;
	if (!p->err)
		p->err = cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "expression nested deeper than %d levels at column %zu",
		    CF_CEL_MAX_DEPTH, at + 1);
	return true;
}

/* Append code point cp as UTF-8 (escapes \u and \U; the caller has
 * already refused surrogates and values past U+10FFFF). */
static void put_utf8(cf_buf *b, uint32_t cp)
{
	if (cp < 0x80) {
		cf_buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		cf_buf_addch(b, (char)(0xC0 | (cp >> 6)));
		cf_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else if (cp < 0x10000) {
		cf_buf_addch(b, (char)(0xE0 | (cp >> 12)));
		cf_buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		cf_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	} else {
		cf_buf_addch(b, (char)(0xF0 | (cp >> 18)));
		cf_buf_addch(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
		cf_buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
		cf_buf_addch(b, (char)(0x80 | (cp & 0x3F)));
	}
}

/* One escape after '\\' at p->pos; appends the bytes to b. */
static bool lex_escape(struct parser *p, cf_buf *b)
{
	static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\''\"\"``??";
	char c = p->pos < p->len ? p->s[p->pos] : '\0';
	const char *m;
	int n = 0;
	uint32_t cp = 0;

	for (m = simple; *m; m += 2) {
		if (*m == c) {
			cf_buf_addch(b, m[1]);
			p->pos++;
			return true;
		}
	}
	if (c == 'x' || c == 'X')
		n = 2;
	else if (c == 'u')
		n = 4;
	else if (c == 'U')
		n = 8;
	if (n) {
		char hex[9] = "";
		p->pos++;
		for (int i = 0; i < n; i++, p->pos++) {
			if (p->pos >= p->len ||
			    !isxdigit((unsigned char)p->s[p->pos]))
				return false;
			hex[i] = p->s[p->pos];
		}
		cp = (uint32_t)strtoul(hex, NULL, 16);
		if (n == 2) {
			cf_buf_addch(b, (char)cp);
			return true;
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		put_utf8(b, cp);
		return true;
	}
	if (c >= '0' && c <= '3') {
		for (int i = 0; i < 3; i++, p->pos++) {
			if (p->pos >= p->len || p->s[p->pos] < '0' ||
			    p->s[p->pos] > '7')
				return false;
			cp = cp * 8 + (uint32_t)(p->s[p->pos] - '0');
		}
		cf_buf_addch(b, (char)cp);
		return true;
	}
	return false;
}

/* A string literal; p->pos is on the opening quote. */
static void lex_string(struct parser *p, bool raw)
{
	char q = p->s[p->pos];
	bool triple = p->pos + 2 < p->len && p->s[p->pos + 1] == q &&
	    p->s[p->pos + 2] == q;
	cf_buf b = CF_BUF_INIT;

	p->pos += triple ? 3 : 1;
	for (;;) {
		if (p->pos >= p->len) {
			perr(p, p->start, "unterminated string");
			break;
		}
		char c = p->s[p->pos];
		if (c == q && (!triple || (p->pos + 2 < p->len &&
		    p->s[p->pos + 1] == q && p->s[p->pos + 2] == q))) {
			p->pos += triple ? 3 : 1;
			break;
		}
		if (!triple && (c == '\n' || c == '\r')) {
			perr(p, p->pos, "newline in string");
			break;
		}
		p->pos++;
		if (c == '\\' && !raw) {
			if (!lex_escape(p, &b)) {
				perr(p, p->pos, "invalid escape sequence");
				break;
			}
			continue;
		}
		cf_buf_addch(&b, c);
	}
	p->str = cf_arena_strndup(p->a, b.buf, b.len);
	p->slen = b.len;
	p->tok = T_STRING;
	cf_buf_release(&b);
}

/*
 * An int (decimal or 0x hex, "u" suffix for uint) or a double (needs a
 * fraction or an exponent: "1." and ".5" are not CEL numbers). The sign
 * is an operator, so the magnitude is kept as uint64 and range-checked
 * by the parser, which knows whether a '-' precedes it.
 */
static void lex_number(struct parser *p)
{
	const char *s = p->s + p->pos;
	size_t i = 0;
	bool fl = false;
	char *end;

	/* Only the characters are scanned here; strtoull/strtod convert
	 * below and anything they do not consume is an error. */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		i = 2;
		while (p->pos + i < p->len && isxdigit((unsigned char)s[i]))
			i++;
	} else {
		while (p->pos + i < p->len && isdigit((unsigned char)s[i]))
			i++;
		if (p->pos + i + 1 < p->len && s[i] == '.' &&
		    isdigit((unsigned char)s[i + 1])) {
			fl = true;
			for (i++; p->pos + i < p->len &&
			    isdigit((unsigned char)s[i]); i++)
				;
		}
		if (p->pos + i < p->len && (s[i] == 'e' || s[i] == 'E')) {
			size_t j = i + 1;
			if (p->pos + j < p->len && (s[j] == '+' || s[j] == '-'))
				j++;
			if (p->pos + j < p->len && isdigit((unsigned char)s[j])) {
				fl = true;
				for (i = j; p->pos + i < p->len &&
				    isdigit((unsigned char)s[i]); i++)
					;
			}
		}
	}
	{
		char *num = cf_arena_strndup(p->a, s, i);
		errno = 0;
		if (fl) {
			p->d = strtod(num, &end);
			p->tok = T_DOUBLE;
		} else {
			p->u = strtoull(num, &end, 0);
			p->tok = T_INT;
			/* CEL has no octal: 017 is seventeen. */
			if (num[0] == '0' && num[1] && num[1] != 'x' &&
			    num[1] != 'X')
				p->u = strtoull(num, &end, 10);
		}
		if (errno || *end || i == 0 || (!fl && i == 2 && num[1] &&
		    (num[1] == 'x' || num[1] == 'X')))
			perr(p, p->pos, "invalid number '%s'", num);
	}
	p->pos += i;
	if (!fl && p->pos < p->len && (p->s[p->pos] == 'u' ||
	    p->s[p->pos] == 'U')) {
		p->tok = T_UINT;
		p->pos++;
	}
}

static const struct { const char *text; int tok; } punct[] = {
	{ "==", T_EQ }, { "!=", T_NE }, { "<=", T_LE }, { ">=", T_GE },
	{ "&&", T_AND }, { "||", T_OR }, { ".?", T_QDOT }, { "(", T_LPAREN },
	{ ")", T_RPAREN }, { "[", T_LBRACK }, { "]", T_RBRACK },
	{ "{", T_LBRACE }, { "}", T_RBRACE }, { ".", T_DOT }, { ",", T_COMMA },
	{ ":", T_COLON }, { "?", T_QUESTION }, { "+", T_PLUS }, { "-", T_MINUS },
	{ "*", T_STAR }, { "/", T_SLASH }, { "%", T_PERCENT }, { "!", T_NOT },
	{ "<", T_LT }, { ">", T_GT },
};

/* Advance to the next token; after an error every token is T_EOF so
 * the recursive descent unwinds without further messages. */
static void next(struct parser *p)
{
	const char *s;
	size_t i;

	if (p->err) {
		p->tok = T_EOF;
		return;
	}
	/* Whitespace and // comments. */
	for (;;) {
		while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
			p->pos++;
		if (p->pos + 1 < p->len && p->s[p->pos] == '/' &&
		    p->s[p->pos + 1] == '/') {
			while (p->pos < p->len && p->s[p->pos] != '\n')
				p->pos++;
			continue;
		}
		break;
	}
	p->start = p->pos;
	if (p->pos >= p->len) {
		p->tok = T_EOF;
		return;
	}
	s = p->s + p->pos;
	if (isdigit((unsigned char)*s)) {
		lex_number(p);
		return;
	}
	if (*s == '"' || *s == '\'') {
		lex_string(p, false);
		return;
	}
	if ((*s == 'r' || *s == 'R' || *s == 'b' || *s == 'B') &&
	    p->pos + 1 < p->len && (s[1] == '"' || s[1] == '\'')) {
		p->pos++;
		lex_string(p, *s == 'r' || *s == 'R');
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		for (i = 1; p->pos + i < p->len &&
		    (isalnum((unsigned char)s[i]) || s[i] == '_'); i++)
			;
		p->str = cf_arena_strndup(p->a, s, i);
		p->slen = i;
		p->pos += i;
		p->tok = !strcmp(p->str, "true") ? T_TRUE :
		    !strcmp(p->str, "false") ? T_FALSE :
		    !strcmp(p->str, "null") ? T_NULL :
		    !strcmp(p->str, "in") ? T_IN : T_IDENT;
		return;
	}
	/* Two-character operators come first in punct[], so "<=" is never
	 * read as "<" then "=". */
	for (i = 0; i < sizeof(punct) / sizeof(punct[0]); i++) {
		size_t n = strlen(punct[i].text);
		if (p->pos + n <= p->len && !memcmp(s, punct[i].text, n)) {
			/* ".?" only before a field name ("a.?b"). */
			if (punct[i].tok == T_QDOT && !(p->pos + 2 < p->len &&
			    (isalpha((unsigned char)s[2]) || s[2] == '_')))
				continue;
			p->pos += n;
			p->tok = punct[i].tok;
			return;
		}
	}
	perr(p, p->pos, "unexpected character '%c'", *s);
	p->tok = T_EOF;
}

/* ---- parser ---------------------------------------------------------- */

/* A new AST node with n zeroed children, in the program's arena. */
static struct ast *node(struct parser *p, int kind, size_t col, unsigned n)
{
	struct ast *x = CF_ARENA_NEW(p->a, struct ast);

	x->kind = (uint8_t)kind;
	x->col = (uint32_t)col + 1;
	x->nkids = n;
	if (n)
		x->kids = cf_arena_zalloc(p->a, n * sizeof(*x->kids));
	return x;
}

static bool accept(struct parser *p, int tok)
{
	if (p->tok != tok)
		return false;
	next(p);
	return true;
}

static bool expect(struct parser *p, int tok, const char *what)
{
	if (accept(p, tok))
		return true;
	perr(p, p->start, "expected %s", what);
	return false;
}

static struct ast *parse_expr(struct parser *p);

/* Comma-separated expressions up to close, into a growing array. */
static struct ast **parse_list(struct parser *p, int close, unsigned *n)
{
	struct ast **v = NULL, *e;
	size_t alloc = 0;

	*n = 0;
	if (accept(p, close))
		return NULL;
	do {
		if (p->tok == close)
			break; /* trailing comma */
		if (!(e = parse_expr(p)))
			break;
		CF_GROW(v, alloc, *n + 1);
		v[(*n)++] = e;
	} while (accept(p, T_COMMA));
	expect(p, close, close == T_RPAREN ? "')'" : "']'");
	if (*n) {
		struct ast **c = cf_arena_memdup(p->a, v, *n * sizeof(*v));
		free(v);
		return c;
	}
	free(v);
	return NULL;
}

/* Whether name may be used here: a comprehension variable in scope, or
 * a declared variable (everything is, when nothing was declared). */
static bool declared(const struct parser *p, const char *name)
{
	unsigned i;

	for (i = 0; i < p->nbound; i++)
		if (!strcmp(p->bound[i], name))
			return true;
	if (!p->vars)
		return true;
	for (i = 0; p->vars[i]; i++)
		if (!strcmp(p->vars[i], name))
			return true;
	return false;
}

/* The function table entry for name in call (global) or method form. */
static const struct fn_def *find_fn(const char *name, bool method)
{
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (!strcmp(fns[i].name, name) &&
		    (method ? fns[i].method : fns[i].global))
			return &fns[i];
	return NULL;
}

/* A call: recv (or NULL) and the arguments already parsed. */
static struct ast *make_call(struct parser *p, const char *name, size_t col,
    struct ast *recv, struct ast **args, unsigned nargs)
{
	const struct fn_def *f = find_fn(name, recv != NULL);
	unsigned n = nargs + (recv ? 1 : 0);
	struct ast *x;

	if (!f) {
		perr(p, col, "undeclared reference to '%s'", name);
		return NULL;
	}
	if (n < f->min || n > f->max) {
		perr(p, col, "wrong number of arguments to '%s'", name);
		return NULL;
	}
	x = node(p, A_CALL, col, n);
	x->op = f->id;
	x->name = f->name;
	if (recv)
		x->kids[0] = recv;
	for (unsigned i = 0; i < nargs; i++)
		x->kids[i + (recv ? 1 : 0)] = args[i];
	return x;
}

/* The lexer position, to look ahead and come back. */
struct lex_state {
	size_t pos, start, slen;
	int tok;
	const char *str;
};

static struct lex_state lex_save(const struct parser *p)
{
	struct lex_state l = { p->pos, p->start, p->slen, p->tok, p->str };
	return l;
}

static void lex_restore(struct parser *p, const struct lex_state *l)
{
	p->pos = l->pos;
	p->start = l->start;
	p->slen = l->slen;
	p->tok = l->tok;
	p->str = l->str;
}

/* recv.all(x, p) and friends; p->tok is just past '('. */
static struct ast *parse_macro(struct parser *p, struct ast *recv,
    const char *name, size_t col, bool *is_macro)
{
	struct lex_state back = lex_save(p);
	const char *var;
	struct ast *x, *args[2];
	unsigned n = 0;

	*is_macro = false;
	if (p->tok != T_IDENT)
		return NULL;
	var = p->str;
	next(p);
	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (!strcmp(macros[i].name, name))
			*is_macro = true;
	if (!*is_macro) {
		/* An ordinary call: rewind to its first argument. */
		lex_restore(p, &back);
		return NULL;
	}
	if (p->nbound >= CF_CEL_MAX_DEPTH) {
		perr(p, col, "too many nested comprehensions");
		return NULL;
	}
	p->bound[p->nbound++] = var;
	while (accept(p, T_COMMA) && n < 2) {
		if (!(args[n++] = parse_expr(p)))
			break;
	}
	p->nbound--;
	if (p->err || !expect(p, T_RPAREN, "')'"))
		return NULL;
	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++) {
		if (!strcmp(macros[i].name, name) && macros[i].nargs == n + 1) {
			x = node(p, A_COMP, col, n + 1);
			x->op = macros[i].kind;
			x->name = var;
			x->kids[0] = recv;
			for (unsigned k = 0; k < n; k++)
				x->kids[k + 1] = args[k];
			return x;
		}
	}
	perr(p, col, "wrong number of arguments to '%s'", name);
	return NULL;
}

/*
 * Selections, calls and indexes after a primary: a.b, a.?b, a.f(...),
 * a[i], a[?i]. A method call whose name is a macro is handed to
 * parse_macro, which binds the iteration variable for its body.
 */
static struct ast *parse_member_tail(struct parser *p, struct ast *x)
{
	while (x && !p->err) {
		size_t col = p->start;
		if (p->tok == T_DOT || p->tok == T_QDOT) {
			bool opt = p->tok == T_QDOT;
			next(p);
			if (p->tok != T_IDENT) {
				perr(p, p->start, "expected a field name");
				return NULL;
			}
			const char *name = p->str;
			next(p);
			if (!opt && accept(p, T_LPAREN)) {
				bool is_macro;
				struct ast *m = parse_macro(p, x, name, col,
				    &is_macro), **args;
				unsigned n;
				if (is_macro || p->err) {
					x = m;
					continue;
				}
				args = parse_list(p, T_RPAREN, &n);
				x = p->err ? NULL :
				    make_call(p, name, col, x, args, n);
				continue;
			}
			struct ast *s = node(p, opt ? A_OSELECT : A_SELECT,
			    col, 1);
			s->name = name;
			s->kids[0] = x;
			x = s;
		} else if (p->tok == T_LBRACK) {
			bool opt = false;
			next(p);
			if (p->tok == T_QUESTION) {
				opt = true;
				next(p);
			}
			struct ast *i = node(p, opt ? A_OINDEX : A_INDEX, col, 2);
			i->kids[0] = x;
			i->kids[1] = parse_expr(p);
			if (!i->kids[1] || !expect(p, T_RBRACK, "']'"))
				return NULL;
			x = i;
		} else {
			break;
		}
	}
	return x;
}

/* A literal token as an A_LIT node (consumes the token). */
static struct ast *literal(struct parser *p, cf_node *v)
{
	struct ast *x = node(p, A_LIT, p->start, 0);

	x->lit = v;
	next(p);
	return x;
}

/* {k: v, ...} after '{'; keys are checked at evaluation, where their
 * type is known (only strings are supported). */
static struct ast *parse_map_literal(struct parser *p, size_t col)
{
	struct ast **v = NULL, *k, *e;
	size_t alloc = 0;
	unsigned n = 0;
	struct ast *x;

	if (!accept(p, T_RBRACE)) {
		do {
			if (p->tok == T_RBRACE)
				break;
			if (!(k = parse_expr(p)) ||
			    !expect(p, T_COLON, "':'") ||
			    !(e = parse_expr(p)))
				break;
			CF_GROW(v, alloc, n + 2);
			v[n++] = k;
			v[n++] = e;
		} while (accept(p, T_COMMA));
		expect(p, T_RBRACE, "'}'");
	}
	x = node(p, A_MAP, col, n);
	if (n)
		memcpy(x->kids, v, n * sizeof(*v));
	free(v);
	return p->err ? NULL : x;
}

/* Literals, parenthesised expressions, list and map literals, names,
 * global calls and the has() macro. */
/*
 * "optional.of(x)", "sets.contains(a, b)": a name, a dot, a function of
 * that namespace and '('. Anything else rewinds and returns NULL, so
 * "optional" or "sets" can still be variables.
 */
static struct ast *parse_namespaced(struct parser *p, const char *ns,
    size_t col)
{
	struct lex_state back = lex_save(p);
	const struct fn_def *f = NULL;
	struct ast **args;
	unsigned n;
	char full[64];

	next(p);
	if (p->tok == T_IDENT) {
		snprintf(full, sizeof(full), "%s.%s", ns, p->str);
		f = strchr(full, '.') ? find_fn(full, false) : NULL;
		next(p);
	}
	if (!f || p->tok != T_LPAREN) {
		lex_restore(p, &back);
		return NULL;
	}
	next(p);
	args = parse_list(p, T_RPAREN, &n);
	return p->err ? NULL : make_call(p, f->name, col, NULL, args, n);
}

static struct ast *parse_primary(struct parser *p)
{
	size_t col = p->start;
	struct ast *x;
	unsigned n;

	switch (p->tok) {
	case T_INT:
		if (p->u > INT64_MAX) {
			perr(p, col, "integer literal out of range");
			return NULL;
		}
		return literal(p, cf_node_int(p->a, (int64_t)p->u));
	case T_UINT:
		x = literal(p, cf_node_int(p->a, (int64_t)p->u));
		x->lit->v.u = p->u;
		x->lit->flags |= CF_NODE_F_UINT;
		return x;
	case T_DOUBLE:
		return literal(p, cf_node_float(p->a, p->d));
	case T_STRING:
		return literal(p, cf_node_str_borrow(p->a, p->str, p->slen));
	case T_TRUE:
	case T_FALSE:
		return literal(p, cf_node_bool(p->a, p->tok == T_TRUE));
	case T_NULL:
		return literal(p, cf_node_null(p->a));
	case T_LPAREN:
		next(p);
		x = parse_expr(p);
		return x && expect(p, T_RPAREN, "')'") ? x : NULL;
	case T_LBRACK:
		next(p);
		{
			struct ast **items = parse_list(p, T_RBRACK, &n);
			if (p->err)
				return NULL;
			x = node(p, A_LIST, col, n);
			if (n)
				memcpy(x->kids, items, n * sizeof(*items));
			return x;
		}
	case T_LBRACE:
		next(p);
		return parse_map_literal(p, col);
	case T_DOT:
		/* ".name" names a variable of the root scope, bypassing any
		 * comprehension variable of the same name; with a single flat
		 * activation that is the same lookup. */
		next(p);
		if (p->tok != T_IDENT) {
			perr(p, p->start, "expected a name");
			return NULL;
		}
		/* fallthrough */
	case T_IDENT: {
		const char *name = p->str;
		next(p);
		if (p->tok == T_DOT && (x = parse_namespaced(p, name, col)))
			return x;
		if (p->err)
			return NULL;
		if (accept(p, T_LPAREN)) {
			if (!strcmp(name, "has")) {
				x = node(p, A_HAS, col, 1);
				x->kids[0] = parse_expr(p);
				if (!x->kids[0] || p->err)
					return NULL;
				if (x->kids[0]->kind != A_SELECT) {
					perr(p, col, "invalid argument to "
					    "has() macro");
					return NULL;
				}
				return expect(p, T_RPAREN, "')'") ? x : NULL;
			}
			struct ast **args = parse_list(p, T_RPAREN, &n);
			return p->err ? NULL :
			    make_call(p, name, col, NULL, args, n);
		}
		if (!declared(p, name)) {
			perr(p, col, "undeclared reference to '%s'", name);
			return NULL;
		}
		x = node(p, A_IDENT, col, 0);
		x->name = name;
		return x;
	}
	case T_EOF:
		perr(p, col, "unexpected end of expression");
		return NULL;
	default:
		perr(p, col, "unexpected token '%.*s'",
		    (int)(p->pos - p->start), p->s + p->start);
		return NULL;
	}
}

/* ! and - prefixes (repeatable), then a member expression. */
static struct ast *parse_unary(struct parser *p)
{
	size_t col = p->start;
	struct ast *x;
	int tok = p->tok;

	if (tok == T_NOT || tok == T_MINUS) {
		if (too_deep(p, col))
			return NULL;
		p->depth++;
		next(p);
		/* -9223372036854775808 is an int literal. */
		if (tok == T_MINUS && p->tok == T_INT &&
		    p->u == (uint64_t)INT64_MAX + 1) {
			x = literal(p, cf_node_int(p->a, INT64_MIN));
		} else {
			x = node(p, tok == T_NOT ? A_NOT : A_NEG, col, 1);
			x->kids[0] = parse_unary(p);
			if (!x->kids[0])
				x = NULL;
		}
		p->depth--;
		return parse_member_tail(p, x);
	}
	return parse_member_tail(p, parse_primary(p));
}

/* Binary operators, tightest last. */
static const struct { int tok; int level; int kind; int op; } binops[] = {
	{ T_OR, 1, A_OR, 0 },       { T_AND, 2, A_AND, 0 },
	{ T_EQ, 3, A_BIN, B_EQ },   { T_NE, 3, A_BIN, B_NE },
	{ T_LT, 3, A_BIN, B_LT },   { T_LE, 3, A_BIN, B_LE },
	{ T_GT, 3, A_BIN, B_GT },   { T_GE, 3, A_BIN, B_GE },
	{ T_IN, 3, A_BIN, B_IN },   { T_PLUS, 4, A_BIN, B_ADD },
	{ T_MINUS, 4, A_BIN, B_SUB }, { T_STAR, 5, A_BIN, B_MUL },
	{ T_SLASH, 5, A_BIN, B_DIV }, { T_PERCENT, 5, A_BIN, B_MOD },
};

/* Index of tok in binops[], or -1 if it is not a binary operator. */
static int binop_of(int tok)
{
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		if (binops[i].tok == tok)
			return (int)i;
	return -1;
}

/* Precedence climbing; all binary operators are left-associative. */
static struct ast *parse_binary(struct parser *p, int min_level)
{
	struct ast *lhs = parse_unary(p), *x;
	int i;

	while (lhs && !p->err && (i = binop_of(p->tok)) >= 0 &&
	    binops[i].level >= min_level) {
		size_t col = p->start;
		next(p);
		x = node(p, binops[i].kind, col, 2);
		x->op = (uint8_t)binops[i].op;
		x->kids[0] = lhs;
		if (too_deep(p, col))
			return NULL;
		p->depth++;
		x->kids[1] = parse_binary(p, binops[i].level + 1);
		p->depth--;
		lhs = x->kids[1] ? x : NULL;
	}
	return lhs;
}

/* expr := or ["?" or ":" expr]; the conditional is right-associative
 * and binds loosest. Every level of nesting is counted against the cap
 * here, in parse_unary and in parse_binary. */
static struct ast *parse_expr(struct parser *p)
{
	struct ast *c, *x;
	size_t col = p->start;

	if (too_deep(p, col))
		return NULL;
	p->depth++;
	c = parse_binary(p, 1);
	if (c && accept(p, T_QUESTION)) {
		x = node(p, A_COND, col, 3);
		x->kids[0] = c;
		x->kids[1] = parse_binary(p, 1);
		if (!x->kids[1] || !expect(p, T_COLON, "':'") ||
		    !(x->kids[2] = parse_expr(p)))
			x = NULL;
		c = x;
	}
	p->depth--;
	return p->err ? NULL : c;
}

int cf_cel_compile(cf_cel **out, const char *expr, const char *const *vars)
{
	cf_cel *c;
	struct parser p = { 0 };
	size_t len = strlen(expr);

	*out = NULL;
	if (len > CF_CEL_MAX_EXPR)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "CEL expression longer than %d bytes", CF_CEL_MAX_EXPR);
	c = cf_xcalloc(1, sizeof(*c));
	c->text = cf_arena_strdup(&c->arena, expr);
	p.s = c->text;
	p.len = len;
	p.a = &c->arena;
	p.vars = vars;
	next(&p);
	c->root = parse_expr(&p);
	if (!p.err && p.tok != T_EOF)
		perr(&p, p.start, "unexpected token '%.*s'",
		    (int)(p.pos - p.start), p.s + p.start);
	if (p.err) {
		cf_error_wrap("failed to parse the CEL expression '%.*s%s'",
		    SHOWN(expr));
		cf_cel_free(c);
		return p.err;
	}
	*out = c;
	return 0;
}

void cf_cel_free(cf_cel *c)
{
	if (!c)
		return;
	cf_arena_release(&c->arena);
	free(c);
}

const char *cf_cel_expr(const cf_cel *c)
{
	return c->text;
}

/* ---- values ---------------------------------------------------------- */

struct scope {
	const char *name;
	const cf_node *val;
	const struct scope *up;
};

struct ev {
	cf_arena *a;
	const cf_node *act;
	const struct scope *scope;
	uint64_t steps;
};

static int eval(struct ev *e, const struct ast *x, const cf_node **out);
static int charge(struct ev *e, uint64_t n);

/* An evaluation error: CF_EINVALID with CEL's wording. */
static int eerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int eerr(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "%s", msg);
}

static bool is_uint(const cf_node *n)
{
	return n->type == CF_NODE_INT && (n->flags & CF_NODE_F_UINT);
}

static bool is_opt(const cf_node *n)
{
	return n->type == CF_NODE_SEQ && (n->flags & OPT_FLAG);
}

/* CEL's name for the type of a value, for messages. */
static const char *type_name(const cf_node *n)
{
	switch (n->type) {
	case CF_NODE_NULL:
		return "null_type";
	case CF_NODE_BOOL:
		return "bool";
	case CF_NODE_INT:
		return is_uint(n) ? "uint" : "int";
	case CF_NODE_FLOAT:
		return "double";
	case CF_NODE_STR:
		return "string";
	case CF_NODE_SEQ:
		return is_opt(n) ? "optional_type" : "list";
	default:
		return "map";
	}
}

/* "no such overload": an operator or function applied to types it has
 * no definition for (cel-go's wording). b is NULL for unary forms. */
static int no_overload(const char *op, const cf_node *a, const cf_node *b)
{
	if (b)
		return eerr("no such overload: %s %s %s", type_name(a), op,
		    type_name(b));
	return eerr("no such overload: %s(%s)", op, type_name(a));
}

/* optional.of(v), or optional.none() when v is NULL. */
static const cf_node *optional(struct ev *e, const cf_node *v)
{
	cf_node *o = cf_node_seq(e->a);

	o->flags |= OPT_FLAG;
	if (v)
		cf_node_push(e->a, o, (cf_node *)v);
	return o;
}

static const cf_node *new_str(struct ev *e, const char *s, size_t n)
{
	return cf_node_strn(e->a, s, n);
}

/* Refuse to build a string longer than CF_CEL_MAX_STRING. */
static int check_len(size_t n)
{
	if (n > CF_CEL_MAX_STRING)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "string longer than %u bytes", CF_CEL_MAX_STRING);
	return 0;
}

/* Numbers compare across int, uint and double (CrossTypeNumericComparisons).
 * Returns -1, 0, 1, or 2 when unordered (NaN). */
static int num_cmp(const cf_node *a, const cf_node *b)
{
	if (a->type == CF_NODE_INT && b->type == CF_NODE_INT) {
		bool ua = is_uint(a), ub = is_uint(b);
		if (ua && ub)
			return a->v.u < b->v.u ? -1 : a->v.u > b->v.u;
		if (!ua && !ub)
			return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
		if (ua)
			return b->v.i < 0 ? 1 : a->v.u < (uint64_t)b->v.i ? -1 :
			    a->v.u > (uint64_t)b->v.i;
		return a->v.i < 0 ? -1 : (uint64_t)a->v.i < b->v.u ? -1 :
		    (uint64_t)a->v.i > b->v.u;
	}
	double x = a->type == CF_NODE_FLOAT ? a->v.f : is_uint(a) ?
	    (double)a->v.u : (double)a->v.i;
	double y = b->type == CF_NODE_FLOAT ? b->v.f : is_uint(b) ?
	    (double)b->v.u : (double)b->v.i;
	if (isnan(x) || isnan(y))
		return 2;
	return x < y ? -1 : x > y;
}

/* int, uint or double. */
static bool is_num(const cf_node *n)
{
	return n->type == CF_NODE_INT || n->type == CF_NODE_FLOAT;
}

/* CEL equality: numbers by value across int, uint and double; other
 * types never equal each other. Inside lists and maps values compare as
 * JSON does (cf_node_equal), where a uint only equals a uint. */
static bool equal(const cf_node *a, const cf_node *b)
{
	if (is_num(a) && is_num(b))
		return num_cmp(a, b) == 0;
	return is_opt(a) == is_opt(b) && cf_node_equal(a, b);
}

/* < <= > >=: numbers across types, strings bytewise (the same order
 * as code points in UTF-8), bools false < true; NaN compares false. */
static int compare(struct ev *e, const struct ast *x, const cf_node *a,
    const cf_node *b, const cf_node **out)
{
	static const char *const names[] = {
		[B_LT] = "<", [B_LE] = "<=", [B_GT] = ">", [B_GE] = ">=",
	};
	int c;

	if (is_num(a) && is_num(b)) {
		c = num_cmp(a, b);
	} else if (a->type == CF_NODE_STR && b->type == CF_NODE_STR) {
		size_t n = a->len < b->len ? a->len : b->len;
		c = memcmp(a->v.s, b->v.s, n);
		c = c ? (c < 0 ? -1 : 1) : a->len < b->len ? -1 : a->len > b->len;
	} else if (a->type == CF_NODE_BOOL && b->type == CF_NODE_BOOL) {
		c = a->v.b < b->v.b ? -1 : a->v.b > b->v.b;
	} else {
		return no_overload(names[x->op], a, b);
	}
	switch (x->op) {
	case B_LT:
		*out = cf_node_bool(e->a, c == -1);
		break;
	case B_LE:
		*out = cf_node_bool(e->a, c == -1 || c == 0);
		break;
	case B_GT:
		*out = cf_node_bool(e->a, c == 1);
		break;
	default:
		*out = cf_node_bool(e->a, c == 1 || c == 0);
		break;
	}
	return 0;
}

/* int op int, or uint op uint (unsig), with CEL's overflow errors. */
static int arith_int(struct ev *e, int op, bool unsig, const cf_node *a,
    const cf_node *b, const cf_node **out)
{
	int64_t x = a->v.i, y = b->v.i, r = 0;
	uint64_t ux = a->v.u, uy = b->v.u, ur = 0;
	bool of = false;
	cf_node *n;

	if ((op == B_DIV || op == B_MOD) && uy == 0)
		return eerr(op == B_DIV ? "division by zero" :
		    "modulus by zero");
	switch (op) {
	case B_ADD:
		of = unsig ? __builtin_add_overflow(ux, uy, &ur) :
		    __builtin_add_overflow(x, y, &r);
		break;
	case B_SUB:
		of = unsig ? __builtin_sub_overflow(ux, uy, &ur) :
		    __builtin_sub_overflow(x, y, &r);
		break;
	case B_MUL:
		of = unsig ? __builtin_mul_overflow(ux, uy, &ur) :
		    __builtin_mul_overflow(x, y, &r);
		break;
	default:
		if (unsig)
			ur = op == B_DIV ? ux / uy : ux % uy;
		else if (x == INT64_MIN && y == -1)
			of = true;
		else
			r = op == B_DIV ? x / y : x % y;
		break;
	}
	if (of)
		return eerr(unsig ? "unsigned integer overflow" :
		    "integer overflow");
	n = cf_node_int(e->a, r);
	if (unsig) {
		n->v.u = ur;
		n->flags |= CF_NODE_F_UINT;
	}
	*out = n;
	return 0;
}

/* + - * / % over int, uint, double, and + over strings and lists. */
static int arith(struct ev *e, int op, const cf_node *a, const cf_node *b,
    const cf_node **out)
{
	static const char *const names[] = {
		[B_ADD] = "+", [B_SUB] = "-", [B_MUL] = "*", [B_DIV] = "/",
		[B_MOD] = "%",
	};

	if (a->type == CF_NODE_INT && b->type == CF_NODE_INT &&
	    is_uint(a) == is_uint(b))
		return arith_int(e, op, is_uint(a), a, b, out);
	if (a->type == CF_NODE_FLOAT && b->type == CF_NODE_FLOAT &&
	    op != B_MOD) {
		double x = a->v.f, y = b->v.f;
		*out = cf_node_float(e->a, op == B_ADD ? x + y :
		    op == B_SUB ? x - y : op == B_MUL ? x * y : x / y);
		return 0;
	}
	if (op == B_ADD && a->type == CF_NODE_STR && b->type == CF_NODE_STR) {
		cf_buf s = CF_BUF_INIT;
		if (check_len((size_t)a->len + b->len) < 0)
			return CF_ETOOLARGE;
		cf_buf_add(&s, a->v.s, a->len);
		cf_buf_add(&s, b->v.s, b->len);
		*out = new_str(e, s.buf, s.len);
		e->steps += s.len / 64;
		cf_buf_release(&s);
		return 0;
	}
	if (op == B_ADD && a->type == CF_NODE_SEQ && b->type == CF_NODE_SEQ &&
	    !is_opt(a) && !is_opt(b)) {
		cf_node *l = cf_node_seq(e->a);
		for (uint32_t i = 0; i < a->len; i++)
			cf_node_push(e->a, l, a->v.items[i]);
		for (uint32_t i = 0; i < b->len; i++)
			cf_node_push(e->a, l, b->v.items[i]);
		e->steps += l->len;
		*out = l;
		return 0;
	}
	return no_overload(names[op], a, b);
}

/* a in list: some element equals a; k in map: the key is present. */
static int in_op(struct ev *e, const cf_node *a, const cf_node *b,
    const cf_node **out)
{
	bool found = false;

	if (b->type == CF_NODE_SEQ && !is_opt(b)) {
		for (uint32_t i = 0; i < b->len && !found; i++)
			found = equal(a, b->v.items[i]);
	} else if (b->type == CF_NODE_MAP && a->type == CF_NODE_STR) {
		found = cf_node_getn(b, a->v.s, a->len) != NULL;
	} else if (b->type == CF_NODE_MAP) {
		found = false; /* maps here only have string keys */
	} else {
		return no_overload("in", a, b);
	}
	*out = cf_node_bool(e->a, found);
	return 0;
}

/* ---- field access ---------------------------------------------------- */

static int select_field(struct ev *e, const char *name, const cf_node *v,
    bool opt, const cf_node **out)
{
	const cf_node *f;

	/* Once a selection is optional, the rest of the chain is too. */
	if (is_opt(v)) {
		if (v->len == 0) {
			*out = v;
			return 0;
		}
		v = v->v.items[0];
		opt = true;
	}
	if (v->type != CF_NODE_MAP)
		return eerr("type '%s' does not support field selection",
		    type_name(v));
	f = cf_node_get(v, name);
	if (!f && !opt)
		return eerr("no such key: %s", name);
	*out = opt ? optional(e, f) : f;
	return 0;
}

/* v[k] and v[?k]: lists by int or uint, maps by string key. A missing
 * element is an error, or optional.none() for the optional form. */
static int index_value(struct ev *e, const cf_node *v, const cf_node *k,
    bool opt, const cf_node **out)
{
	const cf_node *f = NULL;
	int64_t i;

	if (is_opt(v)) {
		if (v->len == 0) {
			*out = v;
			return 0;
		}
		v = v->v.items[0];
		opt = true;
	}
	if (v->type == CF_NODE_SEQ && k->type == CF_NODE_INT) {
		i = k->v.i;
		if (is_uint(k) && k->v.u > INT64_MAX)
			i = -1;
		if (i >= 0 && i < (int64_t)v->len)
			f = v->v.items[i];
		else if (!opt)
			return eerr("index out of bounds: %lld", (long long)i);
	} else if (v->type == CF_NODE_MAP) {
		if (k->type == CF_NODE_STR)
			f = cf_node_getn(v, k->v.s, k->len);
		if (!f && !opt)
			return k->type == CF_NODE_STR ?
			    eerr("no such key: %s", k->v.s) :
			    eerr("no such key of type %s", type_name(k));
	} else {
		return no_overload("[]", v, k);
	}
	*out = opt ? optional(e, f) : f;
	return 0;
}

/* ---- strings --------------------------------------------------------- */

/* A UTF-8 continuation byte: CEL counts and indexes strings in code
 * points, not bytes. */
static bool cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Number of code points in s[0..n). */
static int64_t cp_count(const char *s, size_t n)
{
	int64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += !cont((unsigned char)s[i]);
	return c;
}

/* Byte offset of code point idx (idx == count gives n); -1 if outside. */
static int64_t cp_offset(const char *s, size_t n, int64_t idx)
{
	size_t i = 0;

	if (idx < 0)
		return -1;
	while (idx > 0 && i < n) {
		i++;
		while (i < n && cont((unsigned char)s[i]))
			i++;
		idx--;
	}
	return idx == 0 ? (int64_t)i : -1;
}

/* The string of a string value, NULL for other types. */
static const char *str_arg(const cf_node *n)
{
	return n->type == CF_NODE_STR ? n->v.s : NULL;
}

/* An int argument of fn (uint is a different type in CEL). */
static int want_int(const cf_node *n, const char *fn, int64_t *out)
{
	if (n->type != CF_NODE_INT || is_uint(n))
		return no_overload(fn, n, NULL);
	*out = n->v.i;
	return 0;
}

/* replace(old, new[, n]): Go's strings.Replace; n < 0 is all. */
static int fn_replace(struct ev *e, const cf_node *const *v, unsigned n,
    const cf_node **out)
{
	const cf_node *s = v[0], *o = v[1], *r = v[2];
	int64_t limit = -1;
	cf_buf b = CF_BUF_INIT;
	size_t i = 0, k;
	int err = 0;

	if (o->type != CF_NODE_STR || r->type != CF_NODE_STR)
		return no_overload("replace", s, o);
	if (n == 4 && (err = want_int(v[3], "replace", &limit)) < 0)
		return err;
	cf_buf_init_capped(&b, CF_CEL_MAX_STRING);
	while (limit != 0 && i <= s->len && err == 0) {
		const char *hit;
		if (o->len == 0) {
			/* An empty pattern matches before each code point
			 * and at the end. */
			err = cf_buf_add(&b, r->v.s, r->len);
			if (i == s->len) {
				i++;
				break;
			}
			for (k = 1; i + k < s->len &&
			    cont((unsigned char)s->v.s[i + k]); k++)
				;
		} else {
			hit = memmem(s->v.s + i, s->len - i, o->v.s, o->len);
			if (!hit)
				break;
			k = (size_t)(hit - s->v.s - i);
			if (!err)
				err = cf_buf_add(&b, s->v.s + i, k);
			if (!err)
				err = cf_buf_add(&b, r->v.s, r->len);
			i += k + o->len;
			limit -= limit > 0;
			continue;
		}
		if (!err)
			err = cf_buf_add(&b, s->v.s + i, k);
		i += k;
		limit -= limit > 0;
	}
	if (!err && i < s->len)
		err = cf_buf_add(&b, s->v.s + i, s->len - i);
	if (!err) {
		*out = new_str(e, b.buf, b.len);
		e->steps += b.len / 64;
	}
	cf_buf_release(&b);
	return err;
}

/* split(sep[, n]): Go's strings.SplitN, as the strings extension does;
 * an empty separator splits into code points. */
static int fn_split(struct ev *e, const cf_node *const *v, unsigned n,
    const cf_node **out)
{
	const cf_node *s = v[0], *sep = v[1];
	int64_t limit = -1;
	cf_node *l = cf_node_seq(e->a);
	size_t i = 0, k;
	const char *hit;
	int err;

	if (sep->type != CF_NODE_STR)
		return no_overload("split", s, sep);
	if (n == 3 && (err = want_int(v[2], "split", &limit)) < 0)
		return err;
	while (i <= s->len && limit != 0 && ++e->steps) {
		if (limit == 1) {
			k = s->len - i;
		} else if (sep->len == 0) {
			if (i == s->len)
				break;
			for (k = 1; i + k < s->len &&
			    cont((unsigned char)s->v.s[i + k]); k++)
				;
		} else {
			hit = memmem(s->v.s + i, s->len - i, sep->v.s, sep->len);
			k = hit ? (size_t)(hit - s->v.s - i) : s->len - i;
		}
		cf_node_push(e->a, l, (cf_node *)new_str(e, s->v.s + i, k));
		i += k + (sep->len ? sep->len : 0);
		if (limit > 0)
			limit--;
		if (sep->len && i > s->len)
			break;
	}
	*out = l;
	return 0;
}

/* list.join([sep]): every element must be a string. */
static int fn_join(struct ev *e, const cf_node *const *v, unsigned n,
    const cf_node **out)
{
	const cf_node *l = v[0], *sep = n == 2 ? v[1] : NULL;
	cf_buf b = CF_BUF_INIT;
	int err = 0;

	if (l->type != CF_NODE_SEQ || is_opt(l) ||
	    (sep && sep->type != CF_NODE_STR))
		return no_overload("join", l, sep);
	cf_buf_init_capped(&b, CF_CEL_MAX_STRING);
	for (uint32_t i = 0; i < l->len && !err; i++) {
		const cf_node *it = l->v.items[i];
		if (it->type != CF_NODE_STR) {
			err = no_overload("join", it, NULL);
			break;
		}
		if (i && sep)
			err = cf_buf_add(&b, sep->v.s, sep->len);
		if (!err)
			err = cf_buf_add(&b, it->v.s, it->len);
	}
	if (!err)
		*out = new_str(e, b.buf, b.len);
	cf_buf_release(&b);
	return err;
}

/* Whether sub occurs in s at byte i, i being a code point boundary. */
static bool match_at(const cf_node *s, const cf_node *sub, int64_t i)
{
	return (size_t)i + sub->len <= s->len &&
	    (i == (int64_t)s->len || !cont((unsigned char)s->v.s[i])) &&
	    !memcmp(s->v.s + i, sub->v.s, sub->len);
}

/* indexOf / lastIndexOf in code points, with an optional start. */
static int fn_index_of(struct ev *e, const cf_node *const *v, unsigned n,
    bool last, const cf_node **out)
{
	const cf_node *s = v[0], *sub = v[1];
	int64_t start = 0, off, i, found = -1;
	int err;

	if (sub->type != CF_NODE_STR)
		return no_overload(last ? "lastIndexOf" : "indexOf", s, sub);
	if (n == 3 && (err = want_int(v[2], "indexOf", &start)) < 0)
		return err;
	off = n == 3 ? cp_offset(s->v.s, s->len, start) :
	    last ? (int64_t)s->len : 0;
	if (off < 0)
		return eerr("index out of range: %lld", (long long)start);
	if (last) {
		for (i = off; i >= 0 && found < 0; i--)
			if (match_at(s, sub, i))
				found = i;
	} else {
		for (i = off; i <= (int64_t)s->len && found < 0; i++)
			if (match_at(s, sub, i))
				found = i;
	}
	*out = cf_node_int(e->a, found < 0 ? -1 :
	    cp_count(s->v.s, (size_t)found));
	return 0;
}

/* substring(start[, end]) in code points; out of range is an error. */
static int fn_substring(struct ev *e, const cf_node *const *v, unsigned n,
    const cf_node **out)
{
	const cf_node *s = v[0];
	int64_t a = 0, b = cp_count(s->v.s, s->len), oa, ob;
	int err;

	if ((err = want_int(v[1], "substring", &a)) < 0 ||
	    (n == 3 && (err = want_int(v[2], "substring", &b)) < 0))
		return err;
	oa = cp_offset(s->v.s, s->len, a);
	ob = cp_offset(s->v.s, s->len, b);
	if (oa < 0 || ob < 0 || a > b)
		return eerr("index out of range: %lld", (long long)(oa < 0 ?
		    a : b));
	*out = new_str(e, s->v.s + oa, (size_t)(ob - oa));
	return 0;
}

/*
 * matches(): CEL specifies RE2; POSIX extended expressions agree on the
 * patterns health checks use (anchors, classes, repetition, groups) and
 * avoid a second regex engine. Unanchored, like RE2's partial match.
 */
static int fn_matches(struct ev *e, const cf_node *s, const cf_node *re,
    const cf_node **out)
{
	regex_t rx;
	int rc;

	if (s->type != CF_NODE_STR || re->type != CF_NODE_STR)
		return no_overload("matches", s, re);
	if (regcomp(&rx, re->v.s, REG_EXTENDED | REG_NOSUB) != 0)
		return eerr("invalid regular expression '%s'", re->v.s);
	rc = regexec(&rx, s->v.s, 0, NULL, 0);
	regfree(&rx);
	*out = cf_node_bool(e->a, rc == 0);
	return 0;
}

/* lowerAscii, upperAscii, trim. */
static int fn_text(struct ev *e, int id, const cf_node *s, const cf_node **out)
{
	size_t a = 0, b = s->len;
	char *t;

	if (id == F_TRIM) {
		while (a < b && isspace((unsigned char)s->v.s[a]))
			a++;
		while (b > a && isspace((unsigned char)s->v.s[b - 1]))
			b--;
		*out = new_str(e, s->v.s + a, b - a);
		return 0;
	}
	t = cf_arena_strndup(e->a, s->v.s, s->len);
	for (size_t i = 0; i < s->len; i++)
		t[i] = (char)(id == F_LOWER ? tolower((unsigned char)t[i]) :
		    toupper((unsigned char)t[i]));
	*out = cf_node_str_borrow(e->a, t, s->len);
	return 0;
}

/* ---- conversions ----------------------------------------------------- */

/* int() and uint(): from numbers (doubles truncate) and decimal
 * strings; values outside the target range are errors. */
static int to_int(struct ev *e, const cf_node *v, bool unsig,
    const cf_node **out)
{
	const char *fn = unsig ? "uint" : "int";
	cf_node *r = cf_node_int(e->a, 0);
	char *end;

	if (v->type == CF_NODE_INT) {
		if (unsig ? (!is_uint(v) && v->v.i < 0) :
		    (is_uint(v) && v->v.u > INT64_MAX))
			return eerr("%s range error", fn);
		r->v.i = v->v.i;
	} else if (v->type == CF_NODE_FLOAT) {
		double d = trunc(v->v.f);
		if (isnan(d) || (unsig ? (d < 0 || d >= 18446744073709551616.0) :
		    (d < -9223372036854775808.0 || d >= 9223372036854775808.0)))
			return eerr("%s range error", fn);
		if (unsig)
			r->v.u = (uint64_t)d;
		else
			r->v.i = (int64_t)d;
	} else if (v->type == CF_NODE_STR) {
		errno = 0;
		if (unsig && v->v.s[0] != '-')
			r->v.u = strtoull(v->v.s, &end, 10);
		else if (!unsig)
			r->v.i = strtoll(v->v.s, &end, 10);
		else
			return eerr("uint range error");
		if (errno || !v->len || *end || isspace((unsigned char)*v->v.s))
			return eerr("cannot convert '%s' to %s", v->v.s, fn);
	} else {
		return no_overload(fn, v, NULL);
	}
	if (unsig)
		r->flags |= CF_NODE_F_UINT;
	*out = r;
	return 0;
}

/* double(): from numbers and strings. */
static int to_double(struct ev *e, const cf_node *v, const cf_node **out)
{
	char *end;
	double d;

	if (is_num(v)) {
		d = v->type == CF_NODE_FLOAT ? v->v.f : is_uint(v) ?
		    (double)v->v.u : (double)v->v.i;
	} else if (v->type == CF_NODE_STR) {
		errno = 0;
		d = strtod(v->v.s, &end);
		if (!v->len || *end || isspace((unsigned char)*v->v.s))
			return eerr("cannot convert '%s' to double", v->v.s);
	} else {
		return no_overload("double", v, NULL);
	}
	*out = cf_node_float(e->a, d);
	return 0;
}

/* string(): from strings, bools and numbers (not from lists or maps). */
static int to_string(struct ev *e, const cf_node *v, const cf_node **out)
{
	char buf[64];

	switch (v->type) {
	case CF_NODE_STR:
		*out = v;
		return 0;
	case CF_NODE_BOOL:
		*out = cf_node_str(e->a, v->v.b ? "true" : "false");
		return 0;
	case CF_NODE_INT:
		if (is_uint(v))
			snprintf(buf, sizeof(buf), "%llu",
			    (unsigned long long)v->v.u);
		else
			snprintf(buf, sizeof(buf), "%lld", (long long)v->v.i);
		*out = cf_node_str(e->a, buf);
		return 0;
	case CF_NODE_FLOAT:
		/* The shortest text that reads back as the same double. */
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, v->v.f);
			if (strtod(buf, NULL) == v->v.f || isnan(v->v.f))
				break;
		}
		*out = cf_node_str(e->a, buf);
		return 0;
	default:
		return no_overload("string", v, NULL);
	}
}

/* bool(): from bools and the strings Go's strconv.ParseBool accepts. */
static int to_bool(struct ev *e, const cf_node *v, const cf_node **out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "True",
		"TRUE" };
	static const char *const no[] = { "0", "f", "F", "false", "False",
		"FALSE" };

	if (v->type == CF_NODE_BOOL) {
		*out = v;
		return 0;
	}
	if (v->type != CF_NODE_STR)
		return no_overload("bool", v, NULL);
	for (size_t i = 0; i < 6; i++) {
		if (!strcmp(v->v.s, yes[i]) || !strcmp(v->v.s, no[i])) {
			*out = cf_node_bool(e->a, !strcmp(v->v.s, yes[i]));
			return 0;
		}
	}
	return eerr("cannot convert '%s' to bool", v->v.s);
}

/* ---- calls ----------------------------------------------------------- */

/* A "zero value" for optional.ofNonZeroValue(). */
static bool is_zero(const cf_node *v)
{
	switch (v->type) {
	case CF_NODE_NULL:
		return true;
	case CF_NODE_BOOL:
		return !v->v.b;
	case CF_NODE_INT:
		return v->v.i == 0;
	case CF_NODE_FLOAT:
		return v->v.f == 0;
	default:
		return v->len == 0;
	}
}

/* True if some element of list a equals x. */
static bool list_has(const cf_node *a, const cf_node *x)
{
	for (uint32_t i = 0; i < a->len; i++)
		if (equal(a->v.items[i], x))
			return true;
	return false;
}

/* optional.* and sets.* (the sets extension Flux enables). */
static int call_namespaced(struct ev *e, const struct ast *x,
    const cf_node *const *v, const cf_node **out)
{
	bool r = true;
	int err;

	switch (x->op) {
	case F_OPT_OF:
		*out = optional(e, v[0]);
		return 0;
	case F_OPT_NONE:
		*out = optional(e, NULL);
		return 0;
	case F_OPT_NONZERO:
		*out = optional(e, is_zero(v[0]) ? NULL : v[0]);
		return 0;
	}
	for (int i = 0; i < 2; i++)
		if (v[i]->type != CF_NODE_SEQ || is_opt(v[i]))
			return no_overload(x->name, v[0], v[1]);
	/* Quadratic in the list sizes: charge for it. */
	if ((err = charge(e, (uint64_t)v[0]->len * v[1]->len / 16)) < 0)
		return err;
	switch (x->op) {
	case F_SETS_INTERSECTS:
		r = false;
		for (uint32_t i = 0; i < v[1]->len && !r; i++)
			r = list_has(v[0], v[1]->v.items[i]);
		break;
	case F_SETS_EQUIVALENT:
		/* Each way round: the first here, the second below. */
		for (uint32_t i = 0; i < v[0]->len && r; i++)
			r = list_has(v[1], v[0]->v.items[i]);
		/* fallthrough */
	default:
		for (uint32_t i = 0; i < v[1]->len && r; i++)
			r = list_has(v[0], v[1]->v.items[i]);
		break;
	}
	*out = cf_node_bool(e->a, r);
	return 0;
}

/*
 * A function or method call. Arguments are evaluated first and an error
 * in any of them is the result (functions are strict, unlike && and ||).
 * The receiver of a method is kids[0].
 */
static int call(struct ev *e, const struct ast *x, const cf_node **out)
{
	const cf_node *v[4];
	const char *s0, *s1;
	int err;

	for (uint32_t i = 0; i < x->nkids; i++)
		if ((err = eval(e, x->kids[i], &v[i])) < 0)
			return err;
	if (x->op >= F_OPT_OF)
		return call_namespaced(e, x, v, out);
	s0 = str_arg(v[0]);
	s1 = x->nkids > 1 ? str_arg(v[1]) : NULL;
	switch (x->op) {
	case F_SIZE:
		if (v[0]->type == CF_NODE_STR)
			*out = cf_node_int(e->a, cp_count(s0, v[0]->len));
		else if ((v[0]->type == CF_NODE_SEQ && !is_opt(v[0])) ||
		    v[0]->type == CF_NODE_MAP)
			*out = cf_node_int(e->a, v[0]->len);
		else
			return no_overload("size", v[0], NULL);
		return 0;
	case F_INT:
	case F_UINT:
		return to_int(e, v[0], x->op == F_UINT, out);
	case F_DOUBLE:
		return to_double(e, v[0], out);
	case F_STRING:
		return to_string(e, v[0], out);
	case F_BOOL:
		return to_bool(e, v[0], out);
	case F_DYN:
		*out = v[0];
		return 0;
	case F_MATCHES:
		return fn_matches(e, v[0], v[1], out);
	case F_ORVALUE:
	case F_HASVALUE:
	case F_VALUE:
		if (!is_opt(v[0]))
			return no_overload(x->name, v[0], NULL);
		if (x->op == F_HASVALUE)
			*out = cf_node_bool(e->a, v[0]->len == 1);
		else if (v[0]->len == 1)
			*out = v[0]->v.items[0];
		else if (x->op == F_ORVALUE)
			*out = v[1];
		else
			return eerr("optional.none() dereference");
		return 0;
	case F_JOIN:
		return fn_join(e, v, x->nkids, out);
	}
	/* The rest are string methods. */
	if (!s0)
		return no_overload(x->name, v[0], NULL);
	switch (x->op) {
	case F_STARTS:
	case F_ENDS:
	case F_CONTAINS:
		if (!s1)
			return no_overload(x->name, v[0], v[1]);
		*out = cf_node_bool(e->a, v[1]->len <= v[0]->len &&
		    (x->op == F_STARTS ? !memcmp(s0, s1, v[1]->len) :
		    x->op == F_ENDS ? !memcmp(s0 + v[0]->len - v[1]->len, s1,
		    v[1]->len) : memmem(s0, v[0]->len, s1, v[1]->len) != NULL));
		return 0;
	case F_LOWER:
	case F_UPPER:
	case F_TRIM:
		return fn_text(e, x->op, v[0], out);
	case F_REPLACE:
		return fn_replace(e, v, x->nkids, out);
	case F_SPLIT:
		return fn_split(e, v, x->nkids, out);
	case F_INDEXOF:
	case F_LASTINDEXOF:
		return fn_index_of(e, v, x->nkids, x->op == F_LASTINDEXOF, out);
	case F_SUBSTRING:
		return fn_substring(e, v, x->nkids, out);
	case F_CHARAT: {
		const cf_node *end[3] = { v[0], v[1], NULL };
		int64_t i = 0;
		cf_node one = { .type = CF_NODE_INT };
		if ((err = want_int(v[1], "charAt", &i)) < 0)
			return err;
		if (i == cp_count(s0, v[0]->len)) {
			*out = cf_node_str(e->a, "");
			return 0;
		}
		one.v.i = i + 1;
		end[2] = &one;
		return fn_substring(e, end, 3, out);
	}
	}
	return eerr("unsupported function '%s'", x->name);
}

/* ---- errors as values ------------------------------------------------ */

/* A failed operand kept aside while the other side may still decide. */
struct held {
	int code;
	char msg[CF_ERROR_MSG_MAX];
};

/* Keep the first error (the current message) aside. */
static void hold(struct held *h, int code)
{
	if (h->code)
		return;
	h->code = code;
	snprintf(h->msg, sizeof(h->msg), "%s", cf_error_msg());
}

/* Make the held error current again and return its code. */
static int release_held(const struct held *h)
{
	return cf_error_setc(h->code, CF_ERR_INVALID, "%s", h->msg);
}

/* Evaluate a logical operand: 1 true, 0 false, or < 0 (held unless the
 * error is a cap, which nothing may absorb). */
static int truth(struct ev *e, const struct ast *x, const char *op,
    struct held *h)
{
	const cf_node *v;
	int err = eval(e, x, &v);

	if (err == 0 && v->type != CF_NODE_BOOL)
		err = no_overload(op, v, NULL);
	if (err == CF_ETOOLARGE)
		return err;
	if (err < 0) {
		hold(h, err);
		return err;
	}
	return v->v.b;
}

/* && and ||: the deciding value (false, true) wins over an error on
 * either side; otherwise the first error is the result. */
static int logical(struct ev *e, const struct ast *x, const cf_node **out)
{
	bool decide = x->kind == A_OR;
	struct held h = { 0 };
	int l, r;

	l = truth(e, x->kids[0], decide ? "||" : "&&", &h);
	if (l == CF_ETOOLARGE)
		return l;
	if (l >= 0 && l == decide) {
		*out = cf_node_bool(e->a, decide);
		return 0;
	}
	r = truth(e, x->kids[1], decide ? "||" : "&&", &h);
	if (r == CF_ETOOLARGE)
		return r;
	if (r >= 0 && r == decide) {
		*out = cf_node_bool(e->a, decide);
		return 0;
	}
	if (h.code)
		return release_held(&h);
	*out = cf_node_bool(e->a, !decide);
	return 0;
}

/* ---- comprehensions -------------------------------------------------- */

/* Count n evaluation steps against CF_CEL_MAX_COST. */
static int charge(struct ev *e, uint64_t n)
{
	e->steps += n;
	if (e->steps > CF_CEL_MAX_COST)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "evaluation cost exceeded %d steps", CF_CEL_MAX_COST);
	return 0;
}

/*
 * The macros, over list elements or map keys, with the iteration
 * variable in a scope that shadows outer names. all and exists stop at
 * the deciding element and let it win over errors seen before or after
 * (cel-go's logical folding); exists_one, filter and map are strict.
 */
static int comprehension(struct ev *e, const struct ast *x,
    const cf_node **out)
{
	const cf_node *range, *item, *v;
	struct scope sc = { x->name, NULL, e->scope };
	struct held h = { 0 };
	cf_node *list = NULL;
	int64_t count = 0;
	int err, t;
	bool done = false;

	if ((err = eval(e, x->kids[0], &range)) < 0)
		return err;
	if ((range->type != CF_NODE_SEQ || is_opt(range)) &&
	    range->type != CF_NODE_MAP)
		return eerr("expression of type '%s' cannot be range of a "
		    "comprehension", type_name(range));
	if (x->op == C_FILTER || x->op == C_MAP || x->op == C_MAP3)
		list = cf_node_seq(e->a);
	e->scope = &sc;
	for (uint32_t i = 0; i < range->len && !done; i++) {
		if ((err = charge(e, 1)) < 0)
			break;
		/* Maps are ranged over their keys. */
		item = range->type == CF_NODE_MAP ? cf_node_strn(e->a,
		    range->v.pairs[i].key, range->v.pairs[i].klen) :
		    range->v.items[i];
		sc.val = item;
		switch (x->op) {
		case C_ALL:
		case C_EXISTS:
			t = truth(e, x->kids[1], x->op == C_ALL ? "all" :
			    "exists", &h);
			if (t == CF_ETOOLARGE) {
				err = t;
				done = true;
			} else if (t >= 0 && t == (x->op == C_EXISTS)) {
				h.code = 0;
				done = true;
			}
			break;
		case C_EXISTS_ONE:
		case C_FILTER:
		case C_MAP3:
			if ((err = eval(e, x->kids[1], &v)) < 0)
				break;
			if (v->type != CF_NODE_BOOL) {
				err = no_overload(x->op == C_EXISTS_ONE ?
				    "exists_one" : "filter", v, NULL);
				break;
			}
			if (!v->v.b)
				break;
			count++;
			if (x->op == C_FILTER)
				cf_node_push(e->a, list, (cf_node *)item);
			else if (x->op == C_MAP3 &&
			    (err = eval(e, x->kids[2], &v)) == 0)
				cf_node_push(e->a, list, (cf_node *)v);
			break;
		case C_MAP:
			if ((err = eval(e, x->kids[1], &v)) == 0)
				cf_node_push(e->a, list, (cf_node *)v);
			break;
		}
		if (err < 0)
			done = true;
	}
	e->scope = sc.up;
	if (err < 0)
		return err;
	switch (x->op) {
	case C_ALL:
	case C_EXISTS:
		/* all: a false wins over errors; exists: a true does. */
		if (done)
			*out = cf_node_bool(e->a, x->op == C_EXISTS);
		else if (h.code)
			return release_held(&h);
		else
			*out = cf_node_bool(e->a, x->op == C_ALL);
		return 0;
	case C_EXISTS_ONE:
		*out = cf_node_bool(e->a, count == 1);
		return 0;
	default:
		*out = list;
		return 0;
	}
}

/* ---- the walk -------------------------------------------------------- */

/* A name: innermost comprehension variable first, then the activation. */
static int lookup(struct ev *e, const char *name, const cf_node **out)
{
	for (const struct scope *s = e->scope; s; s = s->up) {
		if (!strcmp(s->name, name)) {
			*out = s->val;
			return 0;
		}
	}
	if (!(*out = cf_node_get(e->act, name)))
		return eerr("no such attribute(s): %s", name);
	return 0;
}

/* A map literal; keys must be distinct strings. */
static int eval_map(struct ev *e, const struct ast *x, const cf_node **out)
{
	cf_node *m = cf_node_map(e->a);
	const cf_node *k, *v;
	int err;

	for (uint32_t i = 0; i + 1 < x->nkids; i += 2) {
		if ((err = eval(e, x->kids[i], &k)) < 0 ||
		    (err = eval(e, x->kids[i + 1], &v)) < 0)
			return err;
		if (k->type != CF_NODE_STR)
			return eerr("unsupported map key type: %s",
			    type_name(k));
		if (cf_node_getn(m, k->v.s, k->len))
			return eerr("repeated key: %s", k->v.s);
		cf_node_setn(e->a, m, k->v.s, k->len, (cf_node *)v);
	}
	*out = m;
	return 0;
}

/* Evaluate x; *out is borrowed from the activation or the literal, or
 * new in the arena. Every node visited costs one step. */
static int eval(struct ev *e, const struct ast *x, const cf_node **out)
{
	const cf_node *a, *b;
	cf_node *l;
	int err;

	if ((err = charge(e, 1)) < 0)
		return err;
	switch (x->kind) {
	case A_LIT:
		*out = x->lit;
		return 0;
	case A_IDENT:
		return lookup(e, x->name, out);
	case A_SELECT:
	case A_OSELECT:
		if ((err = eval(e, x->kids[0], &a)) < 0)
			return err;
		return select_field(e, x->name, a, x->kind == A_OSELECT, out);
	case A_HAS:
		if ((err = eval(e, x->kids[0]->kids[0], &a)) < 0)
			return err;
		if (is_opt(a))
			a = a->len ? a->v.items[0] : NULL;
		if (a && a->type != CF_NODE_MAP)
			return eerr("invalid type for field selection: %s",
			    type_name(a));
		*out = cf_node_bool(e->a, a &&
		    cf_node_get(a, x->kids[0]->name) != NULL);
		return 0;
	case A_INDEX:
	case A_OINDEX:
		if ((err = eval(e, x->kids[0], &a)) < 0 ||
		    (err = eval(e, x->kids[1], &b)) < 0)
			return err;
		return index_value(e, a, b, x->kind == A_OINDEX, out);
	case A_CALL:
		return call(e, x, out);
	case A_LIST:
		l = cf_node_seq(e->a);
		for (uint32_t i = 0; i < x->nkids; i++) {
			if ((err = eval(e, x->kids[i], &a)) < 0)
				return err;
			cf_node_push(e->a, l, (cf_node *)a);
		}
		*out = l;
		return 0;
	case A_MAP:
		return eval_map(e, x, out);
	case A_NOT:
		if ((err = eval(e, x->kids[0], &a)) < 0)
			return err;
		if (a->type != CF_NODE_BOOL)
			return no_overload("!", a, NULL);
		*out = cf_node_bool(e->a, !a->v.b);
		return 0;
	case A_NEG:
		if ((err = eval(e, x->kids[0], &a)) < 0)
			return err;
		if (a->type == CF_NODE_FLOAT)
			*out = cf_node_float(e->a, -a->v.f);
		else if (a->type == CF_NODE_INT && !is_uint(a) &&
		    a->v.i != INT64_MIN)
			*out = cf_node_int(e->a, -a->v.i);
		else if (a->type == CF_NODE_INT && !is_uint(a))
			return eerr("integer overflow");
		else
			return no_overload("-", a, NULL);
		return 0;
	case A_AND:
	case A_OR:
		return logical(e, x, out);
	case A_COND:
		if ((err = eval(e, x->kids[0], &a)) < 0)
			return err;
		if (a->type != CF_NODE_BOOL)
			return no_overload("?:", a, NULL);
		return eval(e, x->kids[a->v.b ? 1 : 2], out);
	case A_COMP:
		return comprehension(e, x, out);
	case A_BIN:
		break;
	}
	if ((err = eval(e, x->kids[0], &a)) < 0 ||
	    (err = eval(e, x->kids[1], &b)) < 0)
		return err;
	switch (x->op) {
	case B_EQ:
	case B_NE:
		*out = cf_node_bool(e->a, equal(a, b) == (x->op == B_EQ));
		return 0;
	case B_LT:
	case B_LE:
	case B_GT:
	case B_GE:
		return compare(e, x, a, b, out);
	case B_IN:
		return in_op(e, a, b, out);
	default:
		return arith(e, x->op, a, b, out);
	}
}

int cf_cel_eval(cf_node **out, const cf_cel *p, const cf_node *activation,
    cf_arena *a)
{
	struct ev e = { a, activation, NULL, 0 };
	const cf_node *v;
	int err;

	*out = NULL;
	if ((err = eval(&e, p->root, &v)) < 0)
		return cf_error_wrap("failed to evaluate the CEL expression "
		    "'%.*s%s'", SHOWN(p->text));
	/* An optional result becomes its value, or null. */
	if (is_opt(v))
		v = v->len ? v->v.items[0] : cf_node_null(a);
	/* The result may be a node of the activation: callers must treat it
	 * as read-only. */
	*out = (cf_node *)v;
	return 0;
}

int cf_cel_eval_bool(bool *out, const cf_cel *p, const cf_node *activation)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *v;
	int err;

	*out = false;
	if ((err = cf_cel_eval(&v, p, activation, &a)) == 0) {
		if (v->type == CF_NODE_BOOL)
			*out = v->v.b;
		else
			err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "failed to evaluate CEL expression as boolean: "
			    "'%.*s%s'", SHOWN(p->text));
	}
	cf_arena_release(&a);
	return err;
}

/* ---- readyExpr ------------------------------------------------------- */

static const char *const ready_vars[] = { "dep", "self", NULL };

int cf_cel_ready_compile(cf_cel **p, const char *expr)
{
	return cf_cel_compile(p, expr, ready_vars);
}

int cf_cel_ready_eval(bool *out, const cf_cel *p, const cf_node *dep,
    const cf_node *self)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *act = cf_node_map(&a);
	int err;

	/* Borrowed: the activation only points at the two objects. */
	cf_node_set(&a, act, "dep", (cf_node *)dep);
	cf_node_set(&a, act, "self", (cf_node *)self);
	err = cf_cel_eval_bool(out, p, act);
	cf_arena_release(&a);
	return err;
}

/* ---- healthCheckExprs ------------------------------------------------ */

int cf_cel_health_compile(cf_cel_health *h, const char *current,
    const char *failed, const char *in_progress)
{
	static const char *const names[] = { "Current", "Failed",
		"InProgress" };
	const char *texts[3] = { current, failed, in_progress };
	cf_cel **slots[3] = { &h->current, &h->failed, &h->in_progress };
	int err;

	memset(h, 0, sizeof(*h));
	if (!current || !*current)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "expression Current not specified");
	for (int i = 0; i < 3; i++) {
		if (!texts[i] || !*texts[i])
			continue;
		/* Not declared: custom resources need not have the usual
		 * top-level fields, so names resolve at evaluation. */
		if ((err = cf_cel_compile(slots[i], texts[i], NULL)) < 0) {
			cf_cel_health_release(h);
			return cf_error_wrap("failed to parse the expression %s",
			    names[i]);
		}
	}
	return 0;
}

void cf_cel_health_release(cf_cel_health *h)
{
	cf_cel_free(h->current);
	cf_cel_free(h->failed);
	cf_cel_free(h->in_progress);
	memset(h, 0, sizeof(*h));
}

int cf_cel_health_eval(enum cf_cel_status *out, const cf_cel_health *h,
    const cf_node *obj)
{
	const struct { const cf_cel *p; enum cf_cel_status st; } order[] = {
		{ h->in_progress, CF_CEL_IN_PROGRESS },
		{ h->failed, CF_CEL_FAILED },
		{ h->current, CF_CEL_CURRENT },
	};
	cf_arena a = CF_ARENA_INIT;
	const cf_node *act = obj;
	int64_t og, gen;
	bool yes;
	int err = 0;

	*out = CF_CEL_IN_PROGRESS;
	/* A status for an older generation says nothing yet. */
	if (cf_node_as_int(cf_node_getp(obj, "status", "observedGeneration",
	    NULL), &og) && cf_node_as_int(cf_node_getp(obj, "metadata",
	    "generation", NULL), &gen) && og != gen)
		return 0;
	/* Flux binds only the object's own fields; "self" is added for
	 * expressions written like readyExpr's, unless the object has a
	 * field of that name. A shallow copy: values stay borrowed. */
	if (cf_node_is(obj, CF_NODE_MAP) && !cf_node_get(obj, "self")) {
		cf_node *m = cf_node_map(&a);
		for (uint32_t i = 0; i < obj->len; i++)
			cf_node_setn(&a, m, obj->v.pairs[i].key,
			    obj->v.pairs[i].klen, obj->v.pairs[i].val);
		cf_node_set(&a, m, "self", (cf_node *)obj);
		act = m;
	}
	for (size_t i = 0; i < 3 && err == 0; i++) {
		if (!order[i].p)
			continue;
		if ((err = cf_cel_eval_bool(&yes, order[i].p, act)) == 0 &&
		    yes) {
			*out = order[i].st;
			break;
		}
	}
	cf_arena_release(&a);
	return err;
}
