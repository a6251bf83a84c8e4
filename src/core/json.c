/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON reader and writer.
 *
 * The reader is a recursive-descent parser over a byte range. It is built
 * for Kubernetes objects, which are mostly short ASCII strings: a string is
 * scanned with a 256-entry class table and, when it holds no escape and only
 * valid UTF-8, copied into the arena with one memcpy. Anything else (an
 * escape, a bad byte) is decoded into a reused scratch buffer first.
 *
 * Containers collect their children on two scratch stacks owned by the
 * parse (one for array items, one for object members) and copy them into an
 * exactly sized arena array when they close, so the arena never holds the
 * abandoned halves of doubling arrays.
 *
 * Error positions are computed only when an error happens, by counting
 * lines from the start, so the happy path pays nothing for them.
 */
#include "core/json.h"
#include "core/alloc.h"
#include "core/error.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

/* Byte classes inside a string literal. */
enum { SC_PLAIN = 0, SC_QUOTE, SC_BSLASH, SC_CTRL, SC_HIGH };

#define C4 SC_CTRL, SC_CTRL, SC_CTRL, SC_CTRL
#define H4 SC_HIGH, SC_HIGH, SC_HIGH, SC_HIGH
#define H16 H4, H4, H4, H4
#define P4 0, 0, 0, 0
#define P16 P4, P4, P4, P4
static const unsigned char str_class[256] = {
	C4, C4, C4, C4, C4, C4, C4, C4,     /* 0x00-0x1f */
	0, 0, SC_QUOTE, 0, P4, P4, P4,      /* 0x20-0x2f */
	P16,                                /* 0x30-0x3f */
	P16,                                /* 0x40-0x4f */
	P4, P4, P4,                         /* 0x50-0x5b */
	SC_BSLASH, 0, 0, 0,                 /* 0x5c-0x5f */
	P16, P16,                           /* 0x60-0x7f */
	H16, H16, H16, H16, H16, H16, H16, H16,
};
#undef C4
#undef H4
#undef H16
#undef P4
#undef P16

/* Whitespace as RFC 8259 defines it: nothing else is skipped. */
static const unsigned char is_ws[256] = {
	['\t'] = 1, ['\n'] = 1, ['\r'] = 1, [' '] = 1,
};

/* One object member while its object is still open. */
struct jmember {
	const char *key;
	uint32_t klen;
	cf_node *val;
	size_t off; /* offset of the key, for duplicate-key errors */
};

struct jp {
	const unsigned char *start, *p, *end;
	cf_arena *a;
	unsigned depth, max_depth;
	bool strict;
	cf_node **items; /* scratch stack of open arrays' items */
	size_t nitems, aitems;
	struct jmember *mem; /* scratch stack of open objects' members */
	size_t nmem, amem;
	uint32_t *htab; /* duplicate detection for large objects */
	size_t hcap;
	cf_buf sbuf; /* decoded string scratch */
	/* The first number beyond float64: Go checks the syntax of the whole
	 * text before it converts numbers, so this is reported only if the
	 * rest of the text is well-formed. */
	const unsigned char *range_at;
	size_t range_len;
};

/*
 * "line L, column C" of a byte offset: both 1-based, columns in bytes.
 * Only the error path calls this, so a linear rescan from the start is
 * cheaper overall than tracking lines while parsing.
 */
static void where(const struct jp *j, const unsigned char *at, size_t *line,
    size_t *col)
{
	const unsigned char *p = j->start, *bol = j->start;

	*line = 1;
	for (; p < at; p++) {
		if (*p == '\n') {
			(*line)++;
			bol = p + 1;
		}
	}
	*col = (size_t)(at - bol) + 1;
}

/* Set the error message, with the position appended in the one format
 * every JSON error uses. Always returns CF_EINVALID. */
__attribute__((format(printf, 3, 4)))
static int jp_fail(const struct jp *j, const unsigned char *at,
    const char *fmt, ...)
{
	char msg[512];
	size_t line, col;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(j, at, &line, &col);
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
	    "%s at line %zu, column %zu", msg, line, col);
}

/*
 * A byte as Go's scanner quotes it in "invalid character" messages:
 * strconv.Quote of the rune with that value, in single quotes. Bytes from
 * 0x80 up are therefore shown as the Latin-1 character they would be.
 */
static void quote_char(char out[16], unsigned char c)
{
	static const char named[] = "abtnvfr";

	if (c == '\'') {
		memcpy(out, "'\\''", 5);
	} else if (c == '\\') {
		memcpy(out, "'\\\\'", 5);
	} else if (c >= 7 && c <= 13) {
		snprintf(out, 16, "'\\%c'", named[c - 7]);
	} else if (c < 0x20 || c == 0x7f) {
		snprintf(out, 16, "'\\x%02x'", c);
	} else if (c < 0x80) {
		snprintf(out, 16, "'%c'", c);
	} else if (c <= 0xa0 || c == 0xad) {
		snprintf(out, 16, "'\\u%04x'", c);
	} else {
		snprintf(out, 16, "'%c%c'", 0xc0 | (c >> 6), 0x80 | (c & 0x3f));
	}
}

/* "invalid character 'x' <context>", or the end-of-input message. */
static int bad_char(const struct jp *j, const unsigned char *at,
    const char *context)
{
	char q[16];

	/* Go checks the end of input by feeding the scanner a space: where
	 * a space is fine the input is merely short, elsewhere (inside a
	 * literal, number or escape) the space itself is the bad character. */
	if (at >= j->end) {
		if (!strncmp(context, "looking", 7) ||
		    !strcmp(context, "in string literal") ||
		    !strcmp(context, "after array element") ||
		    !strcmp(context, "after object key") ||
		    !strcmp(context, "after object key:value pair") ||
		    !strcmp(context, "after top-level value"))
			return jp_fail(j, at, "unexpected end of JSON input");
		return jp_fail(j, at, "invalid character ' ' %s", context);
	}
	quote_char(q, *at);
	return jp_fail(j, at, "invalid character %s %s", q, context);
}

/*
 * Skip the bytes of a string that need nothing: stop at '"', '\\', a
 * control byte, a byte >= 0x80 or the end. Strings are most of a
 * Kubernetes object, so with SSE2 (every x86-64) this looks at 16 bytes
 * per step; elsewhere it is the class table, one byte per step.
 */
static inline const unsigned char *skip_plain(const unsigned char *p,
    const unsigned char *end)
{
#if defined(__SSE2__)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i c1f = _mm_set1_epi8(0x1f);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* min(v, 0x1f) == v exactly when v <= 0x1f, unsigned */
		__m128i ctrl = _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v);
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)), ctrl);
		/* movemask of v itself flags the bytes >= 0x80 */
		unsigned m = (unsigned)_mm_movemask_epi8(hit) |
		    (unsigned)_mm_movemask_epi8(v);
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	while (p < end && str_class[*p] == SC_PLAIN)
		p++;
	return p;
}

static inline const unsigned char *skip_ws(const unsigned char *p,
    const unsigned char *end)
{
	while (p < end && is_ws[*p])
		p++;
	return p;
}

/*
 * Length of the valid UTF-8 sequence at p (1-4), or 0 if the bytes there do
 * not start one. Follows Go's utf8.DecodeRune: no overlong forms, no
 * surrogates, nothing above U+10FFFF.
 */
static inline size_t utf8_valid(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];
	size_t left = (size_t)(end - p);

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0)
		return left >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c < 0xf0) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80;
		unsigned char hi = c == 0xed ? 0x9f : 0xbf;
		return left >= 3 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	{
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80;
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf;
		return left >= 4 && p[1] >= lo && p[1] <= hi &&
		    (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
}

/* Encode cp (at most U+10FFFF, never a surrogate here) as UTF-8 at o;
 * returns the byte count. */
static size_t utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static inline int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Four hex digits at p (p + 4 <= end known); -1 and *bad set if not. */
static int32_t hex4(const unsigned char *p, const unsigned char **bad)
{
	int32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0) {
			*bad = p + i;
			return -1;
		}
		v = v * 16 + h;
	}
	return v;
}

/*
 * Decode the string body starting at s (just after the opening quote),
 * which is known to need more than a copy. Writes the bytes into j->sbuf
 * and leaves j->p after the closing quote.
 */
static int decode_string(struct jp *j, const unsigned char *s)
{
	const unsigned char *p = s, *end = j->end, *bad = NULL;
	cf_buf *b = &j->sbuf;

	cf_buf_reset(b);
	for (;;) {
		const unsigned char *run = p;
		char u[4];

		p = skip_plain(p, end);
		cf_buf_add(b, run, (size_t)(p - run));
		if (p >= end)
			return bad_char(j, p, "in string literal");
		switch (str_class[*p]) {
		case SC_QUOTE:
			j->p = p + 1;
			return 0;
		case SC_CTRL:
			return bad_char(j, p, "in string literal");
		case SC_HIGH: {
			size_t n = utf8_valid(p, end);
			if (n) {
				cf_buf_add(b, p, n);
				p += n;
			} else {
				cf_buf_add(b, "\xef\xbf\xbd", 3);
				p++;
			}
			continue;
		}
		}
		/* A backslash escape. */
		p++;
		if (p >= end)
			return bad_char(j, p, "in string escape code");
		switch (*p) {
		case '"': case '\\': case '/':
			cf_buf_addch(b, (char)*p);
			p++;
			continue;
		case 'b': cf_buf_addch(b, '\b'); p++; continue;
		case 'f': cf_buf_addch(b, '\f'); p++; continue;
		case 'n': cf_buf_addch(b, '\n'); p++; continue;
		case 'r': cf_buf_addch(b, '\r'); p++; continue;
		case 't': cf_buf_addch(b, '\t'); p++; continue;
		case 'u':
			break;
		default:
			return bad_char(j, p, "in string escape code");
		}
		p++;
		if ((size_t)(end - p) < 4) {
			/* Find the first non-hex byte for the message. */
			while (p < end && hexval(*p) >= 0)
				p++;
			return bad_char(j, p, "in \\u hexadecimal character escape");
		}
		int32_t cp = hex4(p, &bad);
		if (cp < 0)
			return bad_char(j, bad, "in \\u hexadecimal character escape");
		p += 4;
		if (cp >= 0xd800 && cp < 0xe000) {
			/* Go pairs a high surrogate with an immediately
			 * following \u low surrogate; anything else becomes
			 * U+FFFD and the next escape is read on its own. */
			int32_t lo = -1;
			const unsigned char *q = p;
			if (cp < 0xdc00 && end - q >= 6 && q[0] == '\\' &&
			    q[1] == 'u') {
				const unsigned char *dummy;
				lo = hex4(q + 2, &dummy);
			}
			if (lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else {
				cp = 0xfffd;
			}
		}
		cf_buf_add(b, u, utf8_put(u, (uint32_t)cp));
	}
}

/*
 * Parse a string literal at j->p (the opening quote) into *s, *len, an
 * arena copy with a NUL after it (the bytes may hold NULs of their own, so
 * callers must use the length).
 */
static int parse_str(struct jp *j, const char **s, uint32_t *len)
{
	const unsigned char *start = j->p + 1, *p = start, *end = j->end;
	size_t n;
	int error;

	/* Fast path: plain ASCII and valid UTF-8 are copied as they are. */
	for (;;) {
		p = skip_plain(p, end);
		if (p >= end || str_class[*p] != SC_HIGH)
			break;
		n = utf8_valid(p, end);
		if (!n)
			break;
		p += n;
	}
	if (p < end && *p == '"') {
		n = (size_t)(p - start);
		*s = cf_arena_strndup(j->a, (const char *)start, n);
		*len = (uint32_t)n;
		j->p = p + 1;
		return 0;
	}
	/* Slow path: an escape, a control byte, bad UTF-8 or no closing
	 * quote. decode_string reports the errors with Go's wording. */
	if ((error = decode_string(j, p)) < 0)
		return error;
	/* The already scanned prefix is plain: decode_string started at p,
	 * so glue prefix and decoded rest together. */
	n = (size_t)(p - start);
	{
		char *o = cf_arena_alloc(j->a, n + j->sbuf.len + 1);
		memcpy(o, start, n);
		memcpy(o + n, j->sbuf.buf, j->sbuf.len);
		o[n + j->sbuf.len] = '\0';
		*s = o;
		*len = (uint32_t)(n + j->sbuf.len);
	}
	return 0;
}

/* The C locale, so a program's setlocale() cannot change '.' handling. */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c_locale)
		CF_BUG("cannot create the C locale");
}

/* strtod on s[0..n), which is not NUL-terminated in the input: copy to
 * a stack buffer (a heap one for absurdly long numbers) first. */
static double strtod_c(const char *s, size_t n)
{
	char small[64];
	char *tmp = n < sizeof(small) ? small : cf_xmalloc(n + 1);
	double d;

	memcpy(tmp, s, n);
	tmp[n] = '\0';
	pthread_once(&c_locale_once, c_locale_init);
	d = strtod_l(tmp, NULL, c_locale);
	if (tmp != small)
		free(tmp);
	return d;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * Value of a syntactically valid JSON number with a fraction or exponent.
 * Clinger's fast path: a mantissa of at most 15 digits and a power of ten
 * up to 22 are both exact doubles, so one multiply or divide rounds
 * correctly. Everything else goes to strtod.
 */
static double float_value(const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p = s;
	uint64_t m = 0;
	int nd = 0, e10 = 0, ex = 0, exs = 1;
	bool neg = false;

	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; p < e && *p >= '0' && *p <= '9'; p++) {
		if (m || *p != '0') {
			m = m * 10 + (uint64_t)(*p - '0');
			nd++;
		}
		if (nd > 15)
			goto slow;
	}
	if (p < e && *p == '.') {
		for (p++; p < e && *p >= '0' && *p <= '9'; p++) {
			if (m || *p != '0') {
				m = m * 10 + (uint64_t)(*p - '0');
				nd++;
			}
			e10--;
			if (nd > 15)
				goto slow;
		}
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (*p == '-' || *p == '+')
			exs = *p++ == '-' ? -1 : 1;
		for (; p < e && *p >= '0' && *p <= '9'; p++) {
			ex = ex * 10 + (*p - '0');
			if (ex > 10000)
				goto slow;
		}
	}
	e10 += exs * ex;
	if (m == 0)
		return neg ? -0.0 : 0.0;
	if (e10 >= -22 && e10 <= 22) {
		double d = (double)m;
		d = e10 >= 0 ? d * pow10_exact[e10] : d / pow10_exact[-e10];
		return neg ? -d : d;
	}
slow:
	return strtod_c((const char *)s, (size_t)(e - s));
}

static inline bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * A number at j->p, syntax checked the way Go's scanner checks it: no
 * leading '+', no leading zeros ("01" ends after the 0 and then fails as
 * "after top-level value"), digits required after '.' and 'e'.
 *
 * Integers are accumulated while scanning so the common case (small ints,
 * most of a Kubernetes object's numbers) never reaches strtod.
 */
static int parse_number(struct jp *j, cf_node **out)
{
	const unsigned char *s = j->p, *p = s, *end = j->end;
	bool neg = false, isfloat = false, overflow = false;
	uint64_t m = 0;
	int nd = 0;
	cf_node *n;

	if (*p == '-') {
		neg = true;
		p++;
		if (p >= end || !is_digit(*p))
			return bad_char(j, p, "in numeric literal");
	}
	if (*p == '0') {
		p++;
	} else {
		/* 19 digits always fit a uint64; the 20th is checked. */
		for (; p < end && is_digit(*p); p++, nd++) {
			unsigned d = *p - '0';
			if (nd < 19)
				m = m * 10 + d;
			else if (nd == 19 && m <= (UINT64_MAX - d) / 10)
				m = m * 10 + d;
			else
				overflow = true;
		}
	}
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return bad_char(j, p,
			    "after decimal point in numeric literal");
		while (p < end && is_digit(*p))
			p++;
		isfloat = true;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !is_digit(*p))
			return bad_char(j, p, "in exponent of numeric literal");
		while (p < end && is_digit(*p))
			p++;
		isfloat = true;
	}
	j->p = p;
	n = CF_ARENA_NEW(j->a, cf_node);
	*out = n;
	/* int64 first, then uint64 for positive values above INT64_MAX
	 * (resource versions and hashes do that), else a float. */
	if (!isfloat && !overflow) {
		n->type = CF_NODE_INT;
		if (!neg && m <= (uint64_t)INT64_MAX) {
			n->v.i = (int64_t)m;
			return 0;
		}
		if (!neg) {
			n->flags = CF_NODE_F_UINT;
			n->v.u = m;
			return 0;
		}
		if (m <= (uint64_t)INT64_MAX + 1) {
			n->v.i = m == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
			    -(int64_t)m;
			return 0;
		}
	}
	n->type = CF_NODE_FLOAT;
	if (isfloat) {
		n->v.f = float_value(s, p);
	} else {
		/* An integer too big for int64/uint64: keep its text. */
		n->v.f = strtod_c((const char *)s, (size_t)(p - s));
		n->flags = CF_NODE_F_BIGNUM;
		n->num = cf_arena_strndup(j->a, (const char *)s,
		    (size_t)(p - s));
	}
	if (!isfinite(n->v.f) && !j->range_at) {
		j->range_at = s;
		j->range_len = (size_t)(p - s);
	}
	return 0;
}

/* true, false, null: the rest of the word after its first letter. Go
 * names the first wrong byte and the letter it expected there. */
static int parse_literal(struct jp *j, const char *word)
{
	const unsigned char *p = j->p + 1;

	for (const char *w = word + 1; *w; w++, p++) {
		if (p >= j->end || *p != (unsigned char)*w) {
			char ctx[64];
			snprintf(ctx, sizeof(ctx), "in literal %s (expecting '%c')",
			    word, *w);
			return bad_char(j, p, ctx);
		}
	}
	j->p = p;
	return 0;
}

static int parse_value(struct jp *j, cf_node **out);

static void push_item(struct jp *j, cf_node *n)
{
	if (j->nitems == j->aitems)
		CF_GROW(j->items, j->aitems, j->nitems + 1);
	j->items[j->nitems++] = n;
}

/*
 * An array at j->p ('['). Items collect on the shared scratch stack above
 * base; nested arrays push above them and pop back before we continue,
 * so one stack serves every level.
 */
static int parse_array(struct jp *j, cf_node **out)
{
	size_t base = j->nitems;
	cf_node *n, *item;
	int error;

	j->p = skip_ws(j->p + 1, j->end);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		goto done;
	}
	for (;;) {
		if ((error = parse_value(j, &item)) < 0)
			return error;
		push_item(j, item);
		j->p = skip_ws(j->p, j->end);
		if (j->p < j->end && *j->p == ',') {
			j->p = skip_ws(j->p + 1, j->end);
			continue;
		}
		if (j->p < j->end && *j->p == ']') {
			j->p++;
			break;
		}
		return bad_char(j, j->p, "after array element");
	}
done:
	n = CF_ARENA_NEW(j->a, cf_node);
	n->type = CF_NODE_SEQ;
	n->len = n->alloc = (uint32_t)(j->nitems - base);
	if (n->len) {
		n->v.items = cf_arena_alloc(j->a, n->len * sizeof(cf_node *));
		memcpy(n->v.items, j->items + base, n->len * sizeof(cf_node *));
	}
	j->nitems = base;
	*out = n;
	return 0;
}

/* A key for error messages: quoted, at most 64 bytes, controls escaped. */
static void key_for_msg(char *o, size_t osz, const char *k, uint32_t klen)
{
	size_t w = 0;

	for (uint32_t i = 0; i < klen && i < 64 && w + 6 < osz; i++) {
		unsigned char c = (unsigned char)k[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			w += (size_t)snprintf(o + w, osz - w, "\\x%02x", c);
		else
			o[w++] = (char)c;
	}
	if (klen > 64 && w + 4 < osz) {
		memcpy(o + w, "...", 3);
		w += 3;
	}
	o[w] = '\0';
}

static uint32_t key_hash(const char *k, uint32_t n)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/*
 * Drop repeated keys from mem[0..*n): the first position stays and takes
 * the last value. Small objects compare pairwise; big ones use an open
 * addressing table so a hostile object with many keys stays linear.
 */
static int dedupe(struct jp *j, struct jmember *mem, size_t *n)
{
	size_t kept = 0, dup = SIZE_MAX;

	if (*n <= 16) {
		for (size_t i = 0; i < *n; i++) {
			size_t k;
			for (k = 0; k < kept; k++)
				if (mem[k].klen == mem[i].klen &&
				    !memcmp(mem[k].key, mem[i].key, mem[i].klen))
					break;
			if (k < kept) {
				if (j->strict) {
					dup = i;
					break;
				}
				mem[k].val = mem[i].val;
			} else {
				mem[kept++] = mem[i];
			}
		}
	} else {
		size_t cap = 32;
		while (cap < *n * 2)
			cap *= 2;
		if (cap > j->hcap) {
			free(j->htab);
			j->htab = cf_xmalloc(cap * sizeof(uint32_t));
			j->hcap = cap;
		}
		memset(j->htab, 0xff, cap * sizeof(uint32_t));
		for (size_t i = 0; i < *n; i++) {
			size_t h = key_hash(mem[i].key, mem[i].klen) & (cap - 1);
			uint32_t k;
			while ((k = j->htab[h]) != UINT32_MAX) {
				if (mem[k].klen == mem[i].klen &&
				    !memcmp(mem[k].key, mem[i].key, mem[i].klen))
					break;
				h = (h + 1) & (cap - 1);
			}
			if (k != UINT32_MAX) {
				if (j->strict) {
					dup = i;
					break;
				}
				mem[k].val = mem[i].val;
			} else {
				mem[kept] = mem[i];
				j->htab[h] = (uint32_t)kept++;
			}
		}
	}
	if (dup != SIZE_MAX) {
		char kbuf[512];
		key_for_msg(kbuf, sizeof(kbuf), mem[dup].key, mem[dup].klen);
		return jp_fail(j, j->start + mem[dup].off,
		    "duplicate key \"%s\" in object", kbuf);
	}
	*n = kept;
	return 0;
}

/*
 * An object at j->p ('{'). Members collect on the scratch stack like array
 * items; repeated keys are resolved once, at the closing brace, instead
 * of searching the members on every insert.
 */
static int parse_object(struct jp *j, cf_node **out)
{
	size_t base = j->nmem, cnt;
	cf_node *n;
	int error;

	j->p = skip_ws(j->p + 1, j->end);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		goto done;
	}
	for (;;) {
		struct jmember m;

		if (j->p >= j->end || *j->p != '"')
			return bad_char(j, j->p,
			    "looking for beginning of object key string");
		m.off = (size_t)(j->p - j->start);
		if ((error = parse_str(j, &m.key, &m.klen)) < 0)
			return error;
		j->p = skip_ws(j->p, j->end);
		if (j->p >= j->end || *j->p != ':')
			return bad_char(j, j->p, "after object key");
		j->p = skip_ws(j->p + 1, j->end);
		if ((error = parse_value(j, &m.val)) < 0)
			return error;
		if (j->nmem == j->amem)
			CF_GROW(j->mem, j->amem, j->nmem + 1);
		j->mem[j->nmem++] = m;
		j->p = skip_ws(j->p, j->end);
		if (j->p < j->end && *j->p == ',') {
			j->p = skip_ws(j->p + 1, j->end);
			continue;
		}
		if (j->p < j->end && *j->p == '}') {
			j->p++;
			break;
		}
		return bad_char(j, j->p, "after object key:value pair");
	}
done:
	cnt = j->nmem - base;
	if (cnt > 1 && (error = dedupe(j, j->mem + base, &cnt)) < 0)
		return error;
	n = CF_ARENA_NEW(j->a, cf_node);
	n->type = CF_NODE_MAP;
	n->len = n->alloc = (uint32_t)cnt;
	if (cnt) {
		n->v.pairs = cf_arena_alloc(j->a, cnt * sizeof(cf_pair));
		for (size_t i = 0; i < cnt; i++) {
			n->v.pairs[i].key = j->mem[base + i].key;
			n->v.pairs[i].klen = j->mem[base + i].klen;
			n->v.pairs[i].val = j->mem[base + i].val;
		}
	}
	j->nmem = base;
	*out = n;
	return 0;
}

/* Any value at j->p (whitespace before it already skipped). The depth
 * counter guards the C stack: each container level is one recursion. */
static int parse_value(struct jp *j, cf_node **out)
{
	const unsigned char *p = j->p;
	cf_node *n;
	int error;

	if (p >= j->end)
		return bad_char(j, p, "looking for beginning of value");
	switch (*p) {
	case '"':
		n = CF_ARENA_NEW(j->a, cf_node);
		n->type = CF_NODE_STR;
		if ((error = parse_str(j, &n->v.s, &n->len)) < 0)
			return error;
		*out = n;
		return 0;
	case '{':
	case '[':
		if (++j->depth > j->max_depth)
			return jp_fail(j, p, "exceeded max depth of %u",
			    j->max_depth);
		error = *p == '{' ? parse_object(j, out) : parse_array(j, out);
		j->depth--;
		return error;
	case 't':
	case 'f':
		if ((error = parse_literal(j, *p == 't' ? "true" : "false")) < 0)
			return error;
		*out = cf_node_bool(j->a, *p == 't');
		return 0;
	case 'n':
		if ((error = parse_literal(j, "null")) < 0)
			return error;
		*out = cf_node_null(j->a);
		return 0;
	default:
		if (*p == '-' || is_digit(*p))
			return parse_number(j, out);
		return bad_char(j, p, "looking for beginning of value");
	}
}

static void jp_release(struct jp *j)
{
	free(j->items);
	free(j->mem);
	free(j->htab);
	cf_buf_release(&j->sbuf);
}

/* Both entry points: used == NULL means "exactly one value" (trailing
 * bytes are an error), otherwise stop after the value and report where. */
static int parse_common(cf_node **out, size_t *used, cf_arena *a,
    const char *text, size_t len, const cf_json_opts *opts)
{
	struct jp j = { 0 };
	cf_node *n = NULL;
	int error;

	/* Node lengths are uint32: refuse what could overflow them. */
	if (len >= UINT32_MAX)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "JSON input of %zu bytes is too large", len);
	if (!text)
		text = ""; /* NULL + 0 is undefined; an empty text is not */
	j.start = j.p = (const unsigned char *)text;
	j.end = j.start + len;
	j.a = a;
	j.max_depth = opts && opts->max_depth ? opts->max_depth :
	    CF_JSON_DEPTH_DEFAULT;
	if (j.max_depth > CF_JSON_DEPTH_MAX)
		j.max_depth = CF_JSON_DEPTH_MAX;
	j.strict = opts && opts->strict;
	j.sbuf = (cf_buf)CF_BUF_INIT;

	j.p = skip_ws(j.p, j.end);
	if (used && j.p == j.end) {
		*used = len;
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_PARSE,
		    "no JSON value left in input");
		goto done;
	}
	if ((error = parse_value(&j, &n)) < 0)
		goto done;
	j.p = skip_ws(j.p, j.end);
	if (used) {
		*used = (size_t)(j.p - j.start);
	} else if (j.p < j.end) {
		error = bad_char(&j, j.p, "after top-level value");
		goto done;
	}
	if (j.range_at) {
		error = jp_fail(&j, j.range_at, "json: cannot unmarshal number "
		    "%.*s into Go value of type float64",
		    (int)(j.range_len > 40 ? 40 : j.range_len),
		    (const char *)j.range_at);
		goto done;
	}
	*out = n;
done:
	jp_release(&j);
	return error;
}

int cf_json_parse(cf_node **out, cf_arena *a, const char *text, size_t len,
    const cf_json_opts *opts)
{
	return parse_common(out, NULL, a, text, len, opts);
}

int cf_json_parse_prefix(cf_node **out, size_t *used, cf_arena *a,
    const char *text, size_t len, const cf_json_opts *opts)
{
	size_t u = 0;
	int error = parse_common(out, &u, a, text, len, opts);

	*used = u;
	return error;
}

/* ------------------------------------------------------------------ */
/* Float formatting                                                    */
/* ------------------------------------------------------------------ */

/* Does 0.d[0..n) x 10^dp read back as exactly f? */
static bool reads_back(double f, const char *d, int n, int dp)
{
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "0.%.*se%d", n, d, dp);
	return strtod_l(tmp, NULL, c_locale) == f;
}

/*
 * Is there an n-digit decimal that reads back as f? If so, leave the one
 * closest to f in d and its decimal point position in *dp. The correctly
 * rounded n digits are the closest candidate; its neighbours one unit in
 * the last place away matter only at powers of two, where the interval of
 * values rounding to f is lopsided and only the upper neighbour fits.
 */
static bool try_digits(double f, int n, char d[20], int *dp)
{
	char tmp[40], u[20];
	const char *p;
	int k = 0, i;

	snprintf(tmp, sizeof(tmp), "%.*e", n - 1, f);
	for (p = tmp; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9')
			d[k++] = *p;
	*dp = atoi(p + 1) + 1;
	if (reads_back(f, d, n, *dp))
		return true;
	/* One unit up: 999 carries into 1000 and shifts the point. */
	memcpy(u, d, (size_t)n);
	for (i = n - 1; i >= 0 && u[i] == '9'; i--)
		u[i] = '0';
	if (i < 0) {
		u[0] = '1';
		if (reads_back(f, u, n, *dp + 1)) {
			memcpy(d, u, (size_t)n);
			(*dp)++;
			return true;
		}
	} else {
		u[i]++;
		if (reads_back(f, u, n, *dp)) {
			memcpy(d, u, (size_t)n);
			return true;
		}
	}
	/* One unit down: 1000 borrows into 9999 one place lower. */
	memcpy(u, d, (size_t)n);
	for (i = n - 1; i >= 0 && u[i] == '0'; i--)
		u[i] = '9';
	if (i < 0)
		return false;
	u[i]--;
	if (u[0] == '0') {
		memmove(u, u + 1, (size_t)n - 1);
		u[n - 1] = '9';
		if (reads_back(f, u, n, *dp - 1)) {
			memcpy(d, u, (size_t)n);
			(*dp)--;
			return true;
		}
		return false;
	}
	if (reads_back(f, u, n, *dp)) {
		memcpy(d, u, (size_t)n);
		return true;
	}
	return false;
}

/*
 * Shortest decimal digits that read back as f (f finite, > 0): digits in
 * d[0..n) and the decimal point position dp, so f ~= 0.d1d2...dn * 10^dp
 * (strconv's decimal convention). Whether some n-digit decimal reads back
 * is monotonic in n (append a zero), so a binary search over 1..17 finds
 * the shortest length in at most five probes. The result matches the
 * shortest-and-closest digits Go's strconv produces.
 */
static int shortest_digits(double f, char d[20], int *dp)
{
	int lo = 1, hi = 17, best = 17;

	pthread_once(&c_locale_once, c_locale_init);
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (try_digits(f, mid, d, dp)) {
			best = mid;
			hi = mid - 1;
		} else {
			lo = mid + 1;
		}
	}
	/* d may hold a later, failed probe: redo the winner. */
	if (!try_digits(f, best, d, dp))
		CF_BUG("17 digits do not round-trip %a", f);
	while (best > 1 && d[best - 1] == '0')
		best--;
	return best;
}

size_t cf_json_fmt_float(char out[CF_JSON_FLOAT_MAX], double f,
    enum cf_json_float_style style)
{
	char d[20];
	int n, dp, exp, w = 0;
	bool eform;

	if (!isfinite(f)) {
		out[0] = '\0';
		return 0;
	}
	/* Go prints -0 as "-0": the sign bit, not the comparison, decides. */
	if (signbit(f))
		out[w++] = '-';
	f = fabs(f);
	if (f == 0) {
		out[w++] = '0';
		out[w] = '\0';
		return (size_t)w;
	}
	n = shortest_digits(f, d, &dp);
	exp = dp - 1;
	if (style == CF_JSON_FLOAT_JSON)
		eform = f < 1e-6 || f >= 1e21;
	else
		eform = exp < -4 || exp >= 6;
	if (eform) {
		out[w++] = d[0];
		if (n > 1) {
			out[w++] = '.';
			memcpy(out + w, d + 1, (size_t)n - 1);
			w += n - 1;
		}
		out[w++] = 'e';
		out[w++] = exp < 0 ? '-' : '+';
		if (exp < 0)
			exp = -exp;
		/* strconv writes at least two exponent digits; encoding/json
		 * then turns "e-07" into "e-7" (but keeps "e+07"). */
		if (exp < 10 && !(style == CF_JSON_FLOAT_JSON && out[w - 1] == '-'))
			out[w++] = '0';
		w += snprintf(out + w, (size_t)(CF_JSON_FLOAT_MAX - w), "%d", exp);
		return (size_t)w;
	}
	/* Plain decimal: 0.000ddd, ddd000 or dd.ddd, depending on where the
	 * decimal point falls relative to the digits. */
	if (dp <= 0) {
		out[w++] = '0';
		out[w++] = '.';
		for (int i = dp; i < 0; i++)
			out[w++] = '0';
		memcpy(out + w, d, (size_t)n);
		w += n;
	} else if (dp >= n) {
		memcpy(out + w, d, (size_t)n);
		w += n;
		for (int i = n; i < dp; i++)
			out[w++] = '0';
	} else {
		memcpy(out + w, d, (size_t)dp);
		w += dp;
		out[w++] = '.';
		memcpy(out + w, d + dp, (size_t)(n - dp));
		w += n - dp;
	}
	out[w] = '\0';
	return (size_t)w;
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

struct jw {
	cf_buf *b;
	unsigned flags;
	int err;
};

/* Appenders that remember the first failure and then do nothing, so the
 * walk needs no check after every byte. */
static inline void put(struct jw *w, const char *s, size_t n)
{
	if (!w->err && cf_buf_add(w->b, s, n) < 0)
		w->err = CF_ETOOLARGE;
}

static inline void putc_(struct jw *w, char c)
{
	if (!w->err && cf_buf_addch(w->b, c) < 0)
		w->err = CF_ETOOLARGE;
}

/* Newline plus 4 spaces per level: json.MarshalIndent(v, "", "    "),
 * which is what kubectl -o json prints. */
static void put_indent(struct jw *w, unsigned depth)
{
	static const char spaces[] = "                                ";

	putc_(w, '\n');
	for (size_t n = (size_t)depth * 4; n && !w->err;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		put(w, spaces, k);
		n -= k;
	}
}

static void put_str(struct jw *w, const char *s, size_t n)
{
	if (!w->err && cf_buf_add_json_str(w->b, s, n) < 0)
		w->err = CF_ETOOLARGE;
}

/* Decimal digits of u, built from the right; integers are frequent
 * enough in objects that printf's parsing would show in profiles. */
static void put_u64(struct jw *w, uint64_t u, bool neg)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (neg)
		tmp[--i] = '-';
	put(w, tmp + i, sizeof(tmp) - (size_t)i);
}

static int pair_ptr_cmp(const void *x, const void *y)
{
	const cf_pair *a = *(const cf_pair *const *)x;
	const cf_pair *b = *(const cf_pair *const *)y;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	return a->klen < b->klen ? -1 : a->klen > b->klen;
}

static void write_node(struct jw *w, const cf_node *n, unsigned depth);

static void write_map(struct jw *w, const cf_node *n, unsigned depth)
{
	bool pretty = w->flags & CF_JSON_PRETTY;
	const cf_pair **order = NULL;

	if (!n->len) {
		put(w, "{}", 2);
		return;
	}
	if ((w->flags & CF_JSON_SORTED) && n->len > 1) {
		/* Sort pointers, not the pairs: the node stays const. */
		order = cf_xmalloc(n->len * sizeof(*order));
		for (uint32_t i = 0; i < n->len; i++)
			order[i] = &n->v.pairs[i];
		qsort(order, n->len, sizeof(*order), pair_ptr_cmp);
	}
	putc_(w, '{');
	for (uint32_t i = 0; i < n->len && !w->err; i++) {
		const cf_pair *p = order ? order[i] : &n->v.pairs[i];
		if (i)
			putc_(w, ',');
		if (pretty)
			put_indent(w, depth + 1);
		put_str(w, p->key, p->klen);
		if (pretty)
			put(w, ": ", 2);
		else
			putc_(w, ':');
		write_node(w, p->val, depth + 1);
	}
	if (pretty)
		put_indent(w, depth);
	putc_(w, '}');
	free(order);
}

/* One value at the given nesting depth. Empty containers print as {}
 * and [] on one line even when pretty, as Go does. */
static void write_node(struct jw *w, const cf_node *n, unsigned depth)
{
	bool pretty = w->flags & CF_JSON_PRETTY;
	char num[CF_JSON_FLOAT_MAX];
	size_t k;

	if (w->err)
		return;
	if (depth > CF_JSON_DEPTH_MAX) {
		w->err = cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "json: cannot write values nested deeper than %d",
		    CF_JSON_DEPTH_MAX);
		return;
	}
	if (!n) {
		put(w, "null", 4);
		return;
	}
	switch (n->type) {
	case CF_NODE_NULL:
		put(w, "null", 4);
		break;
	case CF_NODE_BOOL:
		if (n->v.b)
			put(w, "true", 4);
		else
			put(w, "false", 5);
		break;
	case CF_NODE_INT:
		/* INT64_MIN has no positive int64: negate as unsigned. */
		if (n->flags & CF_NODE_F_UINT)
			put_u64(w, n->v.u, false);
		else if (n->v.i < 0)
			put_u64(w, (uint64_t)0 - (uint64_t)n->v.i, true);
		else
			put_u64(w, (uint64_t)n->v.i, false);
		break;
	case CF_NODE_FLOAT:
		k = cf_json_fmt_float(num, n->v.f, CF_JSON_FLOAT_JSON);
		if (!k) {
			w->err = cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "json: unsupported value: %s", isnan(n->v.f) ? "NaN" :
			    n->v.f > 0 ? "+Inf" : "-Inf");
			return;
		}
		put(w, num, k);
		break;
	case CF_NODE_STR:
		put_str(w, n->v.s, n->len);
		break;
	case CF_NODE_SEQ:
		if (!n->len) {
			put(w, "[]", 2);
			break;
		}
		putc_(w, '[');
		for (uint32_t i = 0; i < n->len && !w->err; i++) {
			if (i)
				putc_(w, ',');
			if (pretty)
				put_indent(w, depth + 1);
			write_node(w, n->v.items[i], depth + 1);
		}
		if (pretty)
			put_indent(w, depth);
		putc_(w, ']');
		break;
	case CF_NODE_MAP:
		write_map(w, n, depth);
		break;
	default:
		CF_BUG("node of unknown type %d", n->type);
	}
}

/* The writer never leaves half a document behind: a caller that retries
 * with a bigger buffer, or reports the error, sees out as it was. */
int cf_json_write(cf_buf *out, const cf_node *n, unsigned flags)
{
	struct jw w = { out, flags, 0 };
	size_t start = out->len;

	write_node(&w, n, 0);
	if (w.err)
		cf_buf_truncate(out, start);
	return w.err;
}
