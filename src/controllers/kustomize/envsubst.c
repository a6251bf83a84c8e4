/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-build substitution, following fluxcd/pkg/envsubst (a fork of
 * drone/envsubst) token for token, quirks included, because users'
 * manifests depend on them:
 *
 * - in plain text only "${" starts an expansion and "$$" writes "$";
 * - inside ${...} the scanner works per function: a default's argument
 *   runs to the next "}" (nested ${...} allowed, no escapes), a
 *   replacement's pattern runs to the next "/" (even past a "}") and
 *   honours the escapes "$$", "\/" and "\\";
 * - "-", "+", "?" after the name without ':' are not operators: they
 *   make "missing closing brace";
 * - every default-like operator (=, :=, :-, :+, :?) means "the argument
 *   when the value is empty";
 * - offsets and lengths count bytes, patterns are path.Match globs, and
 *   suffix trimming reverses both the value and the pattern.
 *
 * Expansion is a recursive-descent pass straight over the text. It runs
 * twice: a dry pass (every variable empty, nothing reported) so that a
 * syntax error anywhere wins over an undefined variable, as upstream
 * parses the whole text before evaluating it; then the real pass.
 */
#include "controllers/kustomize/envsubst.h"

#include <ctype.h>
#include <fnmatch.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

#define ES_MAX_DEPTH 64

struct es {
	const char *s;
	size_t len, pos;
	bool dry;
	bool strict;
	cf_envsubst_lookup_fn lookup;
	void *payload;
	size_t cap;
	unsigned depth;
};

/* What a parameter's text run accepts (the upstream accept functions). */
enum es_accept { ACC_NOT_CLOSE, ACC_NOT_COLON_CLOSE, ACC_NOT_SLASH };

static int parse_func(struct es *e, cf_buf *o);

static int syntax(const char *what)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s", what);
}

static void buf_capped(cf_buf *b, const struct es *e)
{
	cf_buf_init_capped(b, e->cap);
}

static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

/*
 * Bytes of the name character at the current position, 0 if there is
 * none. Go accepts any Unicode letter or digit, so multi-byte characters
 * are decoded and classified with glibc's C.UTF-8 tables (accepted as is
 * when that locale is missing); invalid UTF-8 ends the name, as Go's
 * U+FFFD does.
 */
static size_t ident_len(const struct es *e)
{
	const unsigned char *p = (const unsigned char *)e->s + e->pos;
	size_t left = e->len - e->pos, n, i;
	wchar_t cp;

	if (left == 0)
		return 0;
	if (p[0] < 0x80)
		return isalnum(p[0]) || p[0] == '_' ? 1 : 0;
	n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
	if (n == 0 || n > left || p[0] >= 0xF8)
		return 0;
	cp = (wchar_t)(p[0] & (0x7F >> n));
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	pthread_once(&utf8_once, utf8_init);
	if (!utf8_locale)
		return n;
	return iswalpha_l((wint_t)cp, utf8_locale) ||
	    iswdigit_l((wint_t)cp, utf8_locale) ? n : 0;
}

/* Skip a (possibly empty) name at the current position. */
static void skip_name(struct es *e)
{
	size_t n;

	while ((n = ident_len(e)) > 0)
		e->pos += n;
}

/* At "${", the start of an expansion (everywhere but inside a
 * replacement's escapes, which are checked first). */
static bool at_open(const struct es *e)
{
	return e->pos + 1 < e->len && e->s[e->pos] == '$' &&
	    e->s[e->pos + 1] == '{';
}

/* The current byte, or NUL at the end (callers check eof() when the
 * text itself may hold NUL bytes). */
static char peek(const struct es *e)
{
	return e->pos < e->len ? e->s[e->pos] : '\0';
}

static bool eof(const struct es *e)
{
	return e->pos >= e->len;
}

/* "$$", "\/" and "\\" inside a replacement's arguments. */
static bool at_escape(const struct es *e)
{
	char c, n;

	if (e->pos + 1 >= e->len)
		return false;
	c = e->s[e->pos];
	n = e->s[e->pos + 1];
	return (c == '$' && n == '$') || (c == '\\' && (n == '/' || n == '\\'));
}

/* Whether a parameter's text run continues over c. */
static bool accepts(enum es_accept acc, char c)
{
	switch (acc) {
	case ACC_NOT_CLOSE:
		return c != '}';
	case ACC_NOT_COLON_CLOSE:
		return c != ':' && c != '}';
	case ACC_NOT_SLASH:
		return c != '/';
	}
	return false;
}

/*
 * One function parameter: a nested ${...} or a non-empty run of accepted
 * bytes, stopping before "${". Appends its value to o.
 */
static int parse_param(struct es *e, cf_buf *o, enum es_accept acc,
    bool escapes)
{
	bool first = true;

	if (at_open(e)) {
		e->pos += 2;
		return parse_func(e, o);
	}
	while (!eof(e) && !at_open(e)) {
		if (escapes && at_escape(e)) {
			if (cf_buf_addch(o, e->s[e->pos + 1]) < 0)
				return CF_ETOOLARGE;
			e->pos += 2;
		} else if (accepts(acc, e->s[e->pos])) {
			if (cf_buf_addch(o, e->s[e->pos]) < 0)
				return CF_ETOOLARGE;
			e->pos++;
		} else {
			break;
		}
		first = false;
	}
	if (first)
		return syntax("unable to parse substitution within function");
	return 0;
}

/* Consume the closing '}' of an expansion. */
static int expect_close(struct es *e)
{
	if (peek(e) != '}')
		return syntax("bad substitution");
	e->pos++;
	return 0;
}

/* The variable's value; NULL (with the error set) when strict mode
 * refuses an undefined one. *vlen gets the length. */
static const char *value_of(struct es *e, const char *name, size_t nlen,
    bool has_default, size_t *vlen, int *err)
{
	const char *v = NULL;

	*err = 0;
	*vlen = 0;
	if (!e->dry)
		v = e->lookup(e->payload, name, nlen, vlen);
	if (v)
		return v;
	*vlen = 0;
	if (!e->dry && e->strict && !has_default) {
		*err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "variable not set (strict mode): \"%.*s\"", (int)nlen, name);
		return NULL;
	}
	return "";
}

/* strconv.Atoi: optional sign and decimal digits, nothing else. */
static bool go_atoi(const cf_buf *b, long long *out)
{
	const char *p = b->buf;
	bool neg = false;
	unsigned long long v = 0;

	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (!*p)
		return false;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned)(*p - '0');
		if (v > (unsigned long long)INT64_MAX)
			return false;
	}
	*out = neg ? -(long long)v : (long long)v;
	return true;
}

/* toSubstr: byte offsets, bash's rules for negative values. */
static int do_substr(cf_buf *o, const char *v, size_t vl, const cf_buf *a1,
    const cf_buf *a2)
{
	long long pos, n, len = (long long)vl, end;

	if (!go_atoi(a1, &pos))
		return cf_buf_add(o, v, vl);
	if (pos < 0) {
		pos += len;
		if (pos < 0)
			pos = 0;
	}
	if (!a2)
		return pos < len ? cf_buf_add(o, v + pos, (size_t)(len - pos)) : 0;
	if (!go_atoi(a2, &n))
		return cf_buf_add(o, v, vl);
	if (n < 0) {
		end = len + n;
		if (end < pos)
			return 0;
		/* Go would panic slicing past the end; bash gives "". */
		if (pos > len)
			return 0;
		return cf_buf_add(o, v + pos, (size_t)(end - pos));
	}
	if (pos + n >= len || pos + n < pos)
		return pos < len ? cf_buf_add(o, v + pos, (size_t)(len - pos)) : 0;
	return cf_buf_add(o, v + pos, (size_t)n);
}

/* Length of the UTF-8 sequence starting at p (1 for invalid bytes). */
static size_t rune_len(const char *p, size_t left)
{
	unsigned char c = (unsigned char)*p;
	size_t n = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
	return n > left ? 1 : n;
}

/* Reverse s rune by rune into a fresh NUL-terminated string. */
static char *reverse_runes(const char *s, size_t n)
{
	char *r = cf_xmalloc(n + 1);
	size_t i = 0, k;

	while (i < n) {
		k = rune_len(s + i, n - i);
		memcpy(r + n - i - k, s + i, k);
		i += k;
	}
	r[n] = '\0';
	return r;
}

/* path.Match of pattern against s[0..n): '*' and '?' stop at '/'. */
static bool glob_prefix(const char *pattern, char *s, size_t n)
{
	char keep = s[n];
	int r;

	s[n] = '\0';
	r = fnmatch(pattern, s, FNM_PATHNAME);
	s[n] = keep;
	return r == 0;
}

/* trimShortest/trimLongest over prefixes of s (NUL-terminated, n bytes):
 * the length of the prefix to drop. */
static size_t trim_prefix_len(char *s, size_t n, const char *pattern,
    bool longest)
{
	size_t i, best = 0;

	for (i = 0; i < n; i++) {
		if (glob_prefix(pattern, s, n - i)) {
			if (longest)
				return n - i;
			best = n - i;
		}
	}
	return best;
}

/*
 * ${v#p} ${v##p} ${v%p} ${v%%p}. Suffixes are trimmed as upstream does:
 * reverse the value and the pattern, trim a prefix, reverse back. That
 * differs from bash for patterns that are not symmetric ('[ab]*'), and
 * users' manifests were written against upstream.
 */
static int do_trim(cf_buf *o, const char *v, size_t vl, const char *op,
    const cf_buf *arg)
{
	bool longest = op[1] != '\0';
	bool suffix = op[0] == '%';
	char *s, *pat;
	size_t cut;
	int err;

	if (!suffix) {
		s = cf_xstrndup(v, vl);
		cut = trim_prefix_len(s, vl, arg->buf, longest);
		err = cf_buf_add(o, v + cut, vl - cut);
		free(s);
		return err;
	}
	s = reverse_runes(v, vl);
	pat = reverse_runes(arg->buf, arg->len);
	cut = trim_prefix_len(s, vl, pat, longest);
	err = cf_buf_add(o, v, vl - cut);
	free(s);
	free(pat);
	return err;
}

/* Go's strings.Replace(s, old, new, n), n < 0 meaning all. An empty old
 * matches before every rune and at the end. */
static int go_replace(cf_buf *o, const char *s, size_t sl, const char *old,
    size_t ol, const char *nw, size_t nl, long n)
{
	size_t i = 0, k;
	const char *hit;

	while (n != 0) {
		if (ol == 0) {
			if (cf_buf_add(o, nw, nl) < 0)
				return CF_ETOOLARGE;
			if (i >= sl)
				return 0;
			k = rune_len(s + i, sl - i);
		} else {
			hit = sl - i >= ol ? memmem(s + i, sl - i, old, ol) : NULL;
			if (!hit)
				break;
			k = (size_t)(hit - (s + i));
			if (cf_buf_add(o, s + i, k) < 0 ||
			    cf_buf_add(o, nw, nl) < 0)
				return CF_ETOOLARGE;
			i += k + ol;
			if (n > 0)
				n--;
			continue;
		}
		if (cf_buf_add(o, s + i, k) < 0)
			return CF_ETOOLARGE;
		i += k;
		if (n > 0)
			n--;
	}
	return cf_buf_add(o, s + i, sl - i);
}

/* ${v/p/r} first, ${v//p/r} all, ${v/#p/r} prefix, ${v/%p/r} suffix;
 * the anchored forms need a replacement to do anything (upstream). */
static int do_replace(cf_buf *o, const char *v, size_t vl, const char *op,
    const cf_buf *pat, const cf_buf *rep)
{
	const char *r = rep ? rep->buf : "";
	size_t rl = rep ? rep->len : 0;

	switch (op[1]) {
	case '/':
		return go_replace(o, v, vl, pat->buf, pat->len, r, rl, -1);
	case '#':
		if (!rep || vl < pat->len || memcmp(v, pat->buf, pat->len))
			return cf_buf_add(o, v, vl);
		return go_replace(o, v, vl, pat->buf, pat->len, r, rl, 1);
	case '%':
		if (!rep || vl < pat->len ||
		    memcmp(v + vl - pat->len, pat->buf, pat->len))
			return cf_buf_add(o, v, vl);
		if (cf_buf_add(o, v, vl - pat->len) < 0)
			return CF_ETOOLARGE;
		return cf_buf_add(o, r, rl);
	default:
		return go_replace(o, v, vl, pat->buf, pat->len, r, rl, 1);
	}
}

/* ${v^} ${v^^} ${v,} ${v,,}. */
static int do_case(cf_buf *o, const char *v, size_t vl, const char *op)
{
	size_t start = o->len, i, n;
	bool upper = op[0] == '^';

	if (cf_buf_add(o, v, vl) < 0)
		return CF_ETOOLARGE;
	/* Only the exact forms have a function; others keep the value. */
	if (strcmp(op, "^") && strcmp(op, "^^") && strcmp(op, ",") &&
	    strcmp(op, ",,"))
		return 0;
	/* ASCII case mapping; Go maps all of Unicode. */
	n = op[1] ? vl : (vl ? 1 : 0);
	for (i = 0; i < n; i++) {
		char *c = &o->buf[start + i];
		*c = (char)(upper ? toupper((unsigned char)*c) :
		    tolower((unsigned char)*c));
	}
	return 0;
}

/* Scan a run of operator characters from set, at most max of them. */
/* Scan up to max operator bytes from set into op (NUL-terminated). */
static void scan_op(struct es *e, char *op, const char *set, size_t max)
{
	size_t n = 0;

	while (n < max && !eof(e) && strchr(set, e->s[e->pos]) &&
	    e->s[e->pos] != '\0')
		op[n++] = e->s[e->pos++];
	op[n] = '\0';
}

/* ${var:=d} ${var:-d} ${var:+d} ${var:?d} ${var=d}: pos is past op. */
static int parse_default(struct es *e, cf_buf *o, const char *name,
    size_t nlen)
{
	cf_buf arg;
	const char *v;
	size_t vl;
	int err = 0;

	buf_capped(&arg, e);
	for (;;) {
		if (peek(e) == '}' && !eof(e)) {
			e->pos++;
			break;
		}
		if ((err = parse_param(e, &arg, ACC_NOT_CLOSE, false)) < 0)
			goto done;
	}
	v = value_of(e, name, nlen, true, &vl, &err);
	err = vl ? cf_buf_add(o, v, vl) : cf_buf_add(o, arg.buf, arg.len);
done:
	cf_buf_release(&arg);
	return err;
}

/* ${var:off} ${var:off:len}: pos is on the ':'. */
static int parse_substr(struct es *e, cf_buf *o, const char *name,
    size_t nlen)
{
	cf_buf a1, a2;
	bool two = false;
	const char *v;
	size_t vl;
	int err;

	buf_capped(&a1, e);
	buf_capped(&a2, e);
	e->pos++;
	if ((err = parse_param(e, &a1, ACC_NOT_COLON_CLOSE, false)) < 0)
		goto done;
	if (peek(e) == ':' && !eof(e)) {
		while (peek(e) == ':' && !eof(e))
			e->pos++;
		if ((err = parse_param(e, &a2, ACC_NOT_CLOSE, false)) < 0)
			goto done;
		two = true;
	}
	if ((err = expect_close(e)) < 0)
		goto done;
	if (!(v = value_of(e, name, nlen, false, &vl, &err)))
		goto done;
	err = do_substr(o, v, vl, &a1, two ? &a2 : NULL);
done:
	cf_buf_release(&a1);
	cf_buf_release(&a2);
	return err;
}

/* ${var#p} ${var##p} ${var%p} ${var%%p}: pos is on the operator. */
static int parse_trim(struct es *e, cf_buf *o, const char *name, size_t nlen)
{
	char op[3];
	cf_buf arg;
	const char *v;
	size_t vl;
	int err;

	scan_op(e, op, peek(e) == '#' ? "#" : "%", 2);
	buf_capped(&arg, e);
	if ((err = parse_param(e, &arg, ACC_NOT_CLOSE, false)) < 0 ||
	    (err = expect_close(e)) < 0)
		goto done;
	if (!(v = value_of(e, name, nlen, false, &vl, &err)))
		goto done;
	err = do_trim(o, v, vl, op, &arg);
done:
	cf_buf_release(&arg);
	return err;
}

/* ${var/p/r} ${var//p/r} ${var/#p/r} ${var/%p/r}: pos is on the '/'. */
static int parse_replace(struct es *e, cf_buf *o, const char *name,
    size_t nlen)
{
	char op[3] = { '/', '\0', '\0' };
	cf_buf pat, rep;
	bool has_rep = false;
	const char *v;
	size_t vl;
	int err = 0;

	e->pos++;
	if (!eof(e) && strchr("/#%", e->s[e->pos]) && e->s[e->pos])
		op[1] = e->s[e->pos++];
	buf_capped(&pat, e);
	buf_capped(&rep, e);
	if (peek(e) != '/' || eof(e)) {
		if ((err = parse_param(e, &pat, ACC_NOT_SLASH, true)) < 0)
			goto done;
	}
	if (peek(e) != '/' || eof(e)) {
		err = syntax("bad substitution");
		goto done;
	}
	while (peek(e) == '/' && !eof(e))
		e->pos++;
	if (peek(e) != '}' || eof(e)) {
		if ((err = parse_param(e, &rep, ACC_NOT_CLOSE, true)) < 0)
			goto done;
		has_rep = true;
	}
	if ((err = expect_close(e)) < 0)
		goto done;
	if (!(v = value_of(e, name, nlen, false, &vl, &err)))
		goto done;
	err = do_replace(o, v, vl, op, &pat, has_rep ? &rep : NULL);
done:
	cf_buf_release(&pat);
	cf_buf_release(&rep);
	return err;
}

/* ${#var}: pos is on the '#'. */
static int parse_len(struct es *e, cf_buf *o)
{
	size_t start, vl;
	const char *v;
	int err;

	e->pos++;
	start = e->pos;
	skip_name(e);
	if (e->pos == start)
		return syntax("bad substitution");
	if ((err = expect_close(e)) < 0)
		return err;
	if (!(v = value_of(e, e->s + start, e->pos - start - 1, false, &vl,
	    &err)))
		return err;
	return cf_buf_addf(o, "%zu", vl);
}

/* After "${": one expansion, appended to o. */
static int parse_func(struct es *e, cf_buf *o)
{
	const char *name, *v;
	size_t nlen, vl;
	char op[3];
	int err;

	if (e->depth >= ES_MAX_DEPTH)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "substitution nested deeper than %d levels", ES_MAX_DEPTH);
	e->depth++;
	if (peek(e) == '#' && !eof(e)) {
		err = parse_len(e, o);
		goto done;
	}
	name = e->s + e->pos;
	skip_name(e);
	nlen = (size_t)(e->s + e->pos - name);
	if (nlen == 0) {
		err = syntax("unable to parse variable name");
		goto done;
	}
	switch (eof(e) ? '\0' : e->s[e->pos]) {
	case ':':
		/* Upstream's scanner steps back by the width of the byte
		 * after the ':' instead of the ':' itself, so when the text
		 * ends there or a multi-byte character follows, it misses
		 * the ':' and reports "bad substitution". */
		if (e->pos + 1 >= e->len ||
		    (unsigned char)e->s[e->pos + 1] >= 0x80) {
			err = syntax("bad substitution");
			break;
		}
		if (strchr("=-?+", e->s[e->pos + 1]) &&
		    e->s[e->pos + 1]) {
			e->pos += 2;
			err = parse_default(e, o, name, nlen);
		} else {
			err = parse_substr(e, o, name, nlen);
		}
		break;
	case '=':
		e->pos++;
		err = parse_default(e, o, name, nlen);
		break;
	case ',':
	case '^':
		scan_op(e, op, ",^", 2);
		if ((err = expect_close(e)) < 0)
			break;
		if ((v = value_of(e, name, nlen, false, &vl, &err)))
			err = do_case(o, v, vl, op);
		break;
	case '/':
		err = parse_replace(e, o, name, nlen);
		break;
	case '#':
	case '%':
		err = parse_trim(e, o, name, nlen);
		break;
	case '}':
		e->pos++;
		if ((v = value_of(e, name, nlen, false, &vl, &err)))
			err = cf_buf_add(o, v, vl);
		break;
	default:
		err = syntax("missing closing brace");
		break;
	}
done:
	e->depth--;
	return err;
}

/* Plain text: "${" expands, "$$" is one '$', everything else is copied. */
static int expand(struct es *e, cf_buf *o)
{
	const char *dollar;
	size_t end;
	int err;

	while (!eof(e)) {
		if (at_open(e)) {
			e->pos += 2;
			if ((err = parse_func(e, o)) < 0)
				return err;
			continue;
		}
		if (e->s[e->pos] == '$' && e->pos + 1 < e->len &&
		    e->s[e->pos + 1] == '$') {
			if (cf_buf_addch(o, '$') < 0)
				return CF_ETOOLARGE;
			e->pos += 2;
			continue;
		}
		dollar = memchr(e->s + e->pos + 1, '$', e->len - e->pos - 1);
		end = dollar ? (size_t)(dollar - e->s) : e->len;
		if (cf_buf_add(o, e->s + e->pos, end - e->pos) < 0)
			return CF_ETOOLARGE;
		e->pos = end;
	}
	return 0;
}

int cf_envsubst(cf_buf *out, const char *text, size_t len,
    cf_envsubst_lookup_fn lookup, void *payload, const cf_envsubst_opts *opts)
{
	struct es e = { 0 };
	int err;

	e.s = text;
	e.len = len;
	e.lookup = lookup;
	e.payload = payload;
	e.strict = opts && opts->strict;
	e.cap = opts && opts->max_output ? opts->max_output :
	    CF_ENVSUBST_MAX_OUTPUT;
	cf_buf_init_capped(out, e.cap);

	/* Dry pass: syntax only. Its output is thrown away; it runs under
	 * the same cap, so an oversized text fails before any lookup. */
	e.dry = true;
	err = expand(&e, out);
	cf_buf_reset(out);
	if (err < 0)
		return err;
	e.dry = false;
	e.pos = 0;
	return expand(&e, out);
}

const char *cf_envsubst_node_lookup(void *payload, const char *name,
    size_t len, size_t *vlen)
{
	const cf_node *v = cf_node_getn(payload, name, len);

	if (!cf_node_is(v, CF_NODE_STR))
		return NULL;
	*vlen = v->len;
	return v->v.s;
}

bool cf_envsubst_valid_name(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;

	/* POSIX classes in the C locale: ASCII letters and digits only. */
	if (!name || !(*p == '_' || isalpha(*p)))
		return false;
	for (p++; *p; p++)
		if (!(*p == '_' || isalnum(*p)))
			return false;
	return true;
}

int cf_envsubst_var_set(cf_arena *a, cf_node *vars, const char *name,
    const char *value, size_t vlen)
{
	char *v = cf_arena_alloc(a, vlen + 1);
	size_t i, n = 0;

	if (!cf_envsubst_valid_name(name))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "'%s' var name is invalid, must match "
		    "'^[_[:alpha:]][_[:alpha:][:digit:]]*$'", name);
	/* Flux strips newlines so that a value cannot break the YAML
	 * structure around it. */
	for (i = 0; i < vlen; i++)
		if (value[i] != '\n')
			v[n++] = value[i];
	v[n] = '\0';
	cf_node_set(a, vars, name, cf_node_str_borrow(a, v, n));
	return 0;
}

static bool disabled_in(const cf_node *obj, const char *field)
{
	const char *v = cf_node_getp_str(obj, "metadata", field,
	    CF_ENVSUBST_DISABLE_KEY, NULL);
	return v && !strcmp(v, "disabled");
}

bool cf_envsubst_disabled(const cf_node *obj)
{
	return disabled_in(obj, "labels") || disabled_in(obj, "annotations");
}

/* "Kind/namespace/name" for messages. */
static const char *object_id(cf_arena *a, const cf_node *obj)
{
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);

	if (ns && *ns)
		return cf_arena_printf(a, "%s/%s/%s", kind ? kind : "",
		    ns, name ? name : "");
	return cf_arena_printf(a, "%s/%s", kind ? kind : "",
	    name ? name : "");
}

int cf_envsubst_object(cf_node **out, cf_arena *a, const cf_node *obj,
    const cf_node *vars, const cf_envsubst_opts *opts)
{
	cf_buf yaml = CF_BUF_INIT, res = CF_BUF_INIT;
	cf_node *n = NULL;
	int err;

	*out = NULL;
	if (cf_envsubst_disabled(obj)) {
		*out = (cf_node *)obj;
		return 0;
	}
	/* The object is written the way sigs.k8s.io/yaml prints it, so a
	 * value lands in the text exactly where the user's ${...} was. */
	cf_buf_init_capped(&yaml, opts && opts->max_output ?
	    opts->max_output : CF_ENVSUBST_MAX_OUTPUT);
	if ((err = cf_yaml_emit(&yaml, obj)) < 0 ||
	    (err = cf_envsubst(&res, yaml.buf, yaml.len,
	    cf_envsubst_node_lookup, (void *)vars, opts)) < 0 ||
	    (err = cf_yaml_parse_one(&n, a, res.buf, res.len, NULL)) < 0) {
		cf_error_wrap("cannot substitute variables in '%s'",
		    object_id(a, obj));
		goto done;
	}
	if (!cf_node_is(n, CF_NODE_MAP)) {
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot substitute variables in '%s': the result is not "
		    "an object", object_id(a, obj));
		goto done;
	}
	*out = n;
done:
	cf_buf_release(&yaml);
	cf_buf_release(&res);
	return err;
}
