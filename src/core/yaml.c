/* SPDX-License-Identifier: Apache-2.0 */
/*
 * YAML reader: libyaml events -> cf_node trees.
 *
 * libyaml does the hard part (scanning, indentation, flow and block
 * styles, quoting, CRLF); this file turns its event stream into nodes with
 * an explicit stack, so nesting costs heap, not C stack. What it adds on
 * top is what Go programs see and libyaml does not do: go-yaml's implicit
 * scalar typing (two flavours, see yaml.h), anchors expanded as copies
 * under go-yaml's alias budget, merge keys, the sigs.k8s.io/yaml rule that
 * every map key ends up a string, and go-yaml's error wording.
 *
 * Children of open sequences and maps collect on two scratch stacks and
 * are copied into exactly sized arena arrays when the collection ends,
 * which is also where repeated keys and merged maps are resolved.
 */
#include "core/yaml.h"
#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"

#include <yaml.h>

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Scalar resolution (go-yaml's resolve())                            */
/* ------------------------------------------------------------------ */

/* Is s[0..n) exactly one of the NULL-terminated words in list? The
 * lists are a handful of words, so a scan beats any table. */
static bool is_one_of(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && !memcmp(*list, s, n))
			return true;
	return false;
}

static const char *const yaml_nulls[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true12[] = { "true", "True", "TRUE", NULL };
static const char *const false12[] = { "false", "False", "FALSE", NULL };
static const char *const true11[] = { "y", "Y", "yes", "Yes", "YES", "true",
	"True", "TRUE", "on", "On", "ON", NULL };
static const char *const false11[] = { "n", "N", "no", "No", "NO", "false",
	"False", "FALSE", "off", "Off", "OFF", NULL };
static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
static const char *const pinfs[] = { ".inf", ".Inf", ".INF", "+.inf",
	"+.Inf", "+.INF", NULL };
static const char *const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };

/* What a scalar resolved to: go-yaml's resolved tag and Go value, in
 * one struct so the tag checks and the node building share it. */
enum rkind { R_STR, R_NULL, R_BOOL, R_INT, R_UINT, R_FLOAT, R_TIME };

struct rval {
	enum rkind kind;
	bool b;
	int64_t i;
	uint64_t u;
	double f;
	char ts[48]; /* R_TIME: the RFC 3339 text */
};

/*
 * strconv.ParseUint(s, base 0) without the sign: "0x1F", "0o17", "0b1",
 * "0777" (octal), "123". Underscores were removed by the caller.
 */
static bool parse_uint_base0(const char *s, size_t n, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (!n)
		return false;
	if (s[0] == '0' && n > 1) {
		char c = (char)(s[1] | 0x20);
		if (n >= 3 && c == 'x') {
			base = 16;
			s += 2, n -= 2;
		} else if (n >= 3 && c == 'o') {
			base = 8;
			s += 2, n -= 2;
		} else if (n >= 3 && c == 'b') {
			base = 2;
			s += 2, n -= 2;
		} else {
			base = 8;
			s += 1, n -= 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		unsigned d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			d = (unsigned)((c | 0x20) - 'a') + 10;
		else
			return false;
		if (d >= base)
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ (yamlStyleFloat) */
static bool yaml_style_float(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	} else {
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
		if (i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return false;
	}
	return i == n;
}

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
	c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (!c_locale)
		CF_BUG("cannot create the C locale");
}

/* strconv.ParseFloat for text already known to be decimal: false when
 * out of range, as Go reports ErrRange there. */
static bool parse_float(const char *s, size_t n, double *out)
{
	char small[64];
	char *tmp = n < sizeof(small) ? small : cf_xmalloc(n + 1);
	char *end;
	double d;

	memcpy(tmp, s, n);
	tmp[n] = '\0';
	pthread_once(&c_locale_once, c_locale_init);
	d = strtod_l(tmp, &end, c_locale);
	bool ok = end == tmp + n && isfinite(d);
	if (tmp != small)
		free(tmp);
	*out = d;
	return ok;
}

/* Up to max decimal digits at *p, at least min; value in *v. Go's
 * layouts "1" and "2" accept one or two digits, "2006" exactly four. */
static bool digits(const char **p, const char *e, int min, int max, int *v)
{
	int k = 0;

	*v = 0;
	while (*p < e && k < max && **p >= '0' && **p <= '9') {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	return k >= min;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/*
 * go-yaml v3's parseTimestamp: time.Parse with, in turn,
 * "2006-1-2T15:4:5.999999999Z07:00" (also lower-case t),
 * "2006-1-2 15:4:5.999999999" and "2006-1-2". On success write the value
 * as time.RFC3339Nano prints it.
 */
static bool parse_timestamp(const char *s, size_t n, char out[48])
{
	const char *p = s, *e = s + n;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	int frac_len = 0;
	char frac[10] = "";
	bool has_time = false, has_zone = false, zulu = false;

	if (!digits(&p, e, 4, 4, &y) || p >= e || *p != '-')
		return false;
	p++;
	if (!digits(&p, e, 1, 2, &mo) || p >= e || *p != '-')
		return false;
	p++;
	if (!digits(&p, e, 1, 2, &d))
		return false;
	if (p < e) {
		bool tsep = *p == 'T' || *p == 't';
		if (!tsep && *p != ' ')
			return false;
		p++;
		if (!digits(&p, e, 1, 2, &h) || p >= e || *p != ':')
			return false;
		p++;
		if (!digits(&p, e, 1, 2, &mi) || p >= e || *p != ':')
			return false;
		p++;
		if (!digits(&p, e, 1, 2, &sec))
			return false;
		if (p + 1 < e && (*p == '.' || *p == ',') && p[1] >= '0' &&
		    p[1] <= '9') {
			for (p++; p < e && *p >= '0' && *p <= '9'; p++)
				if (frac_len < 9)
					frac[frac_len++] = *p;
			frac[frac_len] = '\0';
		}
		has_time = true;
		if (tsep) {
			/* Z07:00 is mandatory in the T layouts. */
			int oh, om;
			if (p < e && *p == 'Z') {
				zulu = true;
				p++;
			} else if (p < e && (*p == '+' || *p == '-')) {
				int sign = *p++ == '-' ? -1 : 1;
				if (!digits(&p, e, 2, 2, &oh) || p >= e || *p != ':')
					return false;
				p++;
				if (!digits(&p, e, 2, 2, &om))
					return false;
				if (oh > 24 || om > 60)
					return false;
				off = sign * (oh * 60 + om);
			} else {
				return false;
			}
			has_zone = true;
		}
	}
	if (p != e)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 59)
		return false;
	(void)has_time;
	/* RFC3339Nano: trailing zeros of the fraction dropped. */
	while (frac_len > 0 && frac[frac_len - 1] == '0')
		frac[--frac_len] = '\0';
	int w = snprintf(out, 48, "%04d-%02d-%02dT%02d:%02d:%02d%s%s", y, mo, d,
	    h, mi, sec, frac_len ? "." : "", frac);
	if (!has_zone || zulu || off == 0)
		snprintf(out + w, (size_t)(48 - w), "Z");
	else
		snprintf(out + w, (size_t)(48 - w), "%c%02d:%02d",
		    off < 0 ? '-' : '+', abs(off) / 60, abs(off) % 60);
	return true;
}

/*
 * Type a plain, untagged scalar (or one tagged with a resolvable tag) the
 * way go-yaml's resolve() does. The first byte picks which checks apply.
 */
static void resolve_plain(const char *s, size_t n, enum cf_yaml_schema schema,
    struct rval *r)
{
	unsigned char c = n ? (unsigned char)s[0] : 0;

	r->kind = R_STR;
	if (is_one_of(s, n, yaml_nulls)) {
		r->kind = R_NULL;
		return;
	}
	if (strchr("yYnNtTfFoO", c) && c) {
		const char *const *t = schema == CF_YAML_11 ? true11 : true12;
		const char *const *f = schema == CF_YAML_11 ? false11 : false12;
		if (is_one_of(s, n, t) || is_one_of(s, n, f)) {
			r->kind = R_BOOL;
			r->b = is_one_of(s, n, t);
		}
		return;
	}
	if (c == '.' || c == '+' || c == '-') {
		if (is_one_of(s, n, nans)) {
			r->kind = R_FLOAT;
			r->f = NAN;
			return;
		}
		if (is_one_of(s, n, pinfs) || is_one_of(s, n, ninfs)) {
			r->kind = R_FLOAT;
			r->f = c == '-' ? -INFINITY : INFINITY;
			return;
		}
	}
	if (c == '.') {
		/* ParseFloat on the text as is: decimal digits only. */
		if (yaml_style_float(s, n) && parse_float(s, n, &r->f))
			r->kind = R_FLOAT;
		return;
	}
	/* go-yaml only tries numbers (and timestamps) when the scalar starts
	 * with a digit or a sign: "_1" and "x1" stay strings. */
	if (!(c == '+' || c == '-' || (c >= '0' && c <= '9')))
		return;
	if (schema == CF_YAML_12 && parse_timestamp(s, n, r->ts)) {
		r->kind = R_TIME;
		return;
	}
	/* Go strips every underscore before ParseInt/ParseUint/ParseFloat. */
	char small[64];
	char *plain = n < sizeof(small) ? small : cf_xmalloc(n + 1);
	size_t pn = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			plain[pn++] = s[i];
	plain[pn] = '\0';

	/* ParseInt(plain, 0, 64), then ParseUint, then ParseFloat if the text
	 * has the YAML float shape; "08" is not octal, so it ends up 8.0. */
	uint64_t u;
	bool neg = pn && plain[0] == '-', sign = pn && (neg || plain[0] == '+');
	if (parse_uint_base0(plain + sign, pn - sign, &u)) {
		if (!neg && u <= (uint64_t)INT64_MAX) {
			r->kind = R_INT;
			r->i = (int64_t)u;
		} else if (neg && u <= (uint64_t)INT64_MAX + 1) {
			r->kind = R_INT;
			r->i = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
		} else if (!sign) {
			r->kind = R_UINT; /* ParseUint takes no sign */
			r->u = u;
		}
	}
	if (r->kind == R_STR && yaml_style_float(plain, pn) &&
	    parse_float(plain, pn, &r->f))
		r->kind = R_FLOAT;
	if (plain != small)
		free(plain);
}

/* ------------------------------------------------------------------ */
/* Parser state                                                        */
/* ------------------------------------------------------------------ */

/* A map entry while its map is open; merged entries carry the "<<" line. */
struct ymember {
	const char *key;
	uint32_t klen;
	bool merged; /* came from a "<<" map */
	cf_node *val;
	size_t line; /* 1-based, for duplicate-key errors */
};

/* One open sequence or map on the explicit stack. */
struct frame {
	cf_node *node;   /* the SEQ or MAP being built */
	size_t base;     /* start of its children on the scratch stack */
	long anchor;     /* anchor table index, or -1 */
	unsigned height; /* levels below this one so far */
	size_t line;
	/* maps: the key waiting for its value */
	bool have_key, key_merge;
	const char *key;
	uint32_t klen;
	size_t key_line;
};

/* Anchors live for one document; a name may be defined again later. */
struct anchor {
	const char *name;
	cf_node *node; /* NULL while the anchored node is still open */
	unsigned height;
};

struct yp {
	cf_arena *a;
	const cf_yaml_opts *o;
	unsigned max_depth;
	yaml_parser_t parser;
	struct frame *st;
	size_t nst, ast;
	cf_node **items;
	size_t nitems, aitems;
	struct ymember *mem;
	size_t nmem, amem;
	struct anchor *anchors;
	size_t nanch, aanch;
	uint32_t *htab; /* duplicate detection for large maps */
	size_t hcap;
	cf_node **docs;
	size_t ndocs, adocs;
	cf_node *root;
	bool root_empty;
	/* go-yaml's alias budget, per document */
	uint64_t decode_count, alias_count;
	/*
	 * Error order. go-yaml parses a whole document before it decodes it,
	 * and sigs.k8s.io/yaml converts keys only after that: so a syntax
	 * error anywhere in a document beats a typing error before it, which
	 * beats a key conversion error. A later-phase error is kept here
	 * while the rest of the document is still read.
	 */
	int phase;      /* of the error being returned: enum yphase */
	int pend_phase; /* of the kept error, 0 if none */
	bool skipping;  /* a decode error is kept: only scan to the end */
	char pend_msg[CF_ERROR_MSG_MAX];
};

enum yphase { PH_NONE = 0, PH_CONVERT, PH_DECODE, PH_PARSE };

/* Set a "yaml: line N: msg" error (no line part when line is 0, as
 * go-yaml does for errors found after parsing). Returns CF_EINVALID. */
__attribute__((format(printf, 3, 4)))
static int yfail(struct yp *y, size_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	y->phase = PH_DECODE;
	if (line)
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "yaml: line %zu: %s", line, msg);
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "yaml: %s", msg);
}

/* libyaml's own error, with go-yaml's choice of line number: scanner
 * errors report the 0-based mark plus one, parser errors the mark as is,
 * and a zero line is left out. */
static int libyaml_fail(struct yp *y)
{
	yaml_parser_t *p = &y->parser;
	size_t line = 0;

	if (p->problem_mark.line != 0) {
		line = p->problem_mark.line;
		if (p->error == YAML_SCANNER_ERROR)
			line++;
	} else if (p->context_mark.line != 0) {
		line = p->context_mark.line;
	}
	if (p->error == YAML_MEMORY_ERROR)
		yfail(y, 0, "out of memory");
	else
		yfail(y, line, "%s", p->problem ? p->problem :
		    "unknown problem parsing YAML content");
	y->phase = PH_PARSE;
	return CF_EINVALID;
}

/* go-yaml's allowedAliasRatio: 99% of nodes may come from aliases in
 * small documents, sliding to 10% from 400k to 4M decoded nodes. */
static double allowed_alias_ratio(uint64_t decoded)
{
	if (decoded <= 400000)
		return 0.99;
	if (decoded >= 4000000)
		return 0.10;
	return 0.99 - 0.89 * ((double)(decoded - 400000) / 3600000.0);
}

static bool too_many_aliases(const struct yp *y)
{
	return y->alias_count > 100 && y->decode_count > 1000 &&
	    (double)y->alias_count / (double)y->decode_count >
	    allowed_alias_ratio(y->decode_count);
}

/* Copy an anchored node for an alias: new nodes and arrays, shared string
 * bytes. Counts nodes (map keys included) exactly where go-yaml's decoder
 * does, so the same documents pass and fail. Returns NULL when the alias
 * budget runs out. */
static cf_node *copy_node(struct yp *y, const cf_node *n)
{
	cf_node *c = cf_arena_memdup(y->a, n, sizeof(*n));

	y->decode_count++;
	y->alias_count++;
	if (too_many_aliases(y))
		return NULL;
	if (n->type == CF_NODE_SEQ && n->len) {
		c->v.items = cf_arena_alloc(y->a, n->len * sizeof(cf_node *));
		c->alloc = n->len;
		for (uint32_t i = 0; i < n->len; i++)
			if (!(c->v.items[i] = copy_node(y, n->v.items[i])))
				return NULL;
	} else if (n->type == CF_NODE_MAP && n->len) {
		c->v.pairs = cf_arena_alloc(y->a, n->len * sizeof(cf_pair));
		c->alloc = n->len;
		for (uint32_t i = 0; i < n->len; i++) {
			/* go-yaml decodes each key as a node too */
			y->decode_count++;
			y->alias_count++;
			c->v.pairs[i] = n->v.pairs[i];
			if (!(c->v.pairs[i].val = copy_node(y, n->v.pairs[i].val)))
				return NULL;
		}
	}
	return c;
}

/* Linear, newest first: documents have few anchors, and the alias
 * budget (not this lookup) is what bounds hostile input. */
static long anchor_find(const struct yp *y, const char *name)
{
	/* Newest first: a redefined anchor shadows the old one. */
	for (size_t i = y->nanch; i-- > 0;)
		if (!strcmp(y->anchors[i].name, name))
			return (long)i;
	return -1;
}

/* Register name for a node that is being built; its node stays NULL
 * until the node is complete, which is how "*a" inside "&a" is caught. */
static long anchor_open(struct yp *y, const char *name)
{
	if (!name)
		return -1;
	if (y->nanch == y->aanch)
		CF_GROW(y->anchors, y->aanch, y->nanch + 1);
	y->anchors[y->nanch].name = cf_arena_strdup(y->a, name);
	y->anchors[y->nanch].node = NULL;
	y->anchors[y->nanch].height = 0;
	return (long)y->nanch++;
}

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/* strconv.FormatFloat(f, 'g', -1, 32), which sigs.k8s.io/yaml uses for
 * float keys: shortest float32 digits, exponent form when the decimal
 * exponent is below -4 or at least 6 (strconv's rule for shortest 'g'). */
static void float32_key(char out[40], double f)
{
	float g = (float)f;
	char tmp[40], d[12];
	int p, nd = 0, exp;
	const char *q;

	if (isnan(g)) {
		snprintf(out, 40, ".nan");
		return;
	}
	if (isinf(g)) {
		snprintf(out, 40, "%s", g > 0 ? ".inf" : "-.inf");
		return;
	}
	if (g == 0) {
		snprintf(out, 40, "%s", signbit(g) ? "-0" : "0");
		return;
	}
	pthread_once(&c_locale_once, c_locale_init);
	for (p = 1; p < 9; p++) {
		snprintf(tmp, sizeof(tmp), "%.*e", p - 1, (double)g);
		if (strtof_l(tmp, NULL, c_locale) == g)
			break;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", p - 1, (double)g);
	for (q = tmp; *q && *q != 'e'; q++)
		if (*q >= '0' && *q <= '9')
			d[nd++] = *q;
	exp = atoi(q + 1);
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	char *o = out;
	if (g < 0)
		*o++ = '-';
	if (exp < -4 || exp >= 6) {
		*o++ = d[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, d + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		snprintf(o, (size_t)(out + 40 - o), "e%c%02d", exp < 0 ? '-' : '+',
		    abs(exp));
		return;
	}
	int dp = exp + 1;
	if (dp <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = dp; i < 0; i++)
			*o++ = '0';
		memcpy(o, d, (size_t)nd);
		o += nd;
	} else if (dp >= nd) {
		memcpy(o, d, (size_t)nd);
		o += nd;
		for (int i = nd; i < dp; i++)
			*o++ = '0';
	} else {
		memcpy(o, d, (size_t)dp);
		o += dp;
		*o++ = '.';
		memcpy(o, d + dp, (size_t)(nd - dp));
		o += nd - dp;
	}
	*o = '\0';
}

/* A key sigs.k8s.io/yaml cannot convert: it finds that only after go-yaml
 * decoded the whole document, so keep the message (the first one) and go
 * on; any go-yaml error in the document still takes precedence. */
static void convert_fail(struct yp *y, const char *msg)
{
	if (!y->pend_phase) {
		snprintf(y->pend_msg, sizeof(y->pend_msg), "yaml: %s", msg);
		y->pend_phase = PH_CONVERT;
	}
}

/*
 * The string a map key becomes (sigs.k8s.io/yaml's convertToJSONableObject)
 * and whether it was a string to begin with.
 */
static int key_string(struct yp *y, const cf_node *k, bool was_str,
    size_t line, const char **key, uint32_t *klen, bool *nonstr)
{
	char tmp[40];

	*nonstr = !was_str;
	switch (k->type) {
	case CF_NODE_STR:
		*key = k->v.s;
		*klen = k->len;
		return 0;
	case CF_NODE_NULL:
		if (y->o->schema == CF_YAML_11)
			convert_fail(y, "unsupported map key of type: <nil>");
		snprintf(tmp, sizeof(tmp), "null");
		break;
	case CF_NODE_BOOL:
		snprintf(tmp, sizeof(tmp), "%s", k->v.b ? "true" : "false");
		break;
	case CF_NODE_INT:
		/* sigs.k8s.io/yaml knows int and int64 keys, not uint64 */
		if ((k->flags & CF_NODE_F_UINT) && y->o->schema == CF_YAML_11)
			convert_fail(y, "unsupported map key of type: uint64");
		if (k->flags & CF_NODE_F_UINT)
			snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)k->v.u);
		else
			snprintf(tmp, sizeof(tmp), "%lld", (long long)k->v.i);
		break;
	case CF_NODE_FLOAT:
		float32_key(tmp, k->v.f);
		break;
	default:
		return yfail(y, line, "invalid map key: a %s cannot be a key",
		    k->type == CF_NODE_SEQ ? "sequence" : "mapping");
	}
	*klen = (uint32_t)strlen(tmp);
	*key = cf_arena_strndup(y->a, tmp, *klen);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Building                                                            */
/* ------------------------------------------------------------------ */

/* Queue one entry of the innermost open map. */
static void push_member(struct yp *y, const char *key, uint32_t klen,
    cf_node *val, bool merged, size_t line)
{
	if (y->nmem == y->amem)
		CF_GROW(y->mem, y->amem, y->nmem + 1);
	y->mem[y->nmem].key = key;
	y->mem[y->nmem].klen = klen;
	y->mem[y->nmem].val = val;
	y->mem[y->nmem].merged = merged;
	y->mem[y->nmem].line = line;
	y->nmem++;
}

/* "<<: value": queue the merged map's pairs behind the explicit ones. */
static int merge_into(struct yp *y, cf_node *v, size_t line)
{
	const char *bad = "map merge requires map or sequence of maps as the value";

	if (v->type == CF_NODE_MAP) {
		for (uint32_t i = 0; i < v->len; i++)
			push_member(y, v->v.pairs[i].key, v->v.pairs[i].klen,
			    v->v.pairs[i].val, true, line);
		return 0;
	}
	if (v->type != CF_NODE_SEQ)
		return yfail(y, 0, "%s", bad);
	/* Check every item before queueing any, so an error leaves the
	 * member stack as it was. */
	for (uint32_t k = 0; k < v->len; k++)
		if (!v->v.items[k] || v->v.items[k]->type != CF_NODE_MAP)
			return yfail(y, 0, "%s", bad);
	/*
	 * go-yaml v2 applies the list last to first, each overwriting, so
	 * the first map wins; v3 applies it first to last where merged keys
	 * never overwrite, so the first map wins too. Queue in the order the
	 * schema's resolution step expects.
	 */
	for (uint32_t k = 0; k < v->len; k++) {
		cf_node *m = v->v.items[y->o->schema == CF_YAML_11 ?
		    v->len - 1 - k : k];
		for (uint32_t i = 0; i < m->len; i++)
			push_member(y, m->v.pairs[i].key, m->v.pairs[i].klen,
			    m->v.pairs[i].val, true, line);
	}
	return 0;
}

static uint32_t key_hash(const char *k, uint32_t n)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/*
 * Apply mem[0..*n) in order to a map: a repeated key keeps its first
 * position. CF_YAML_11: every entry overwrites (go-yaml v2). CF_YAML_12:
 * explicit entries overwrite, merged ones only fill gaps (go-yaml v3).
 */
static int resolve_members(struct yp *y, struct ymember *mem, size_t *n)
{
	size_t kept = 0, cap = 16;
	bool v2 = y->o->schema == CF_YAML_11;

	while (cap < *n * 2)
		cap *= 2;
	if (cap > y->hcap) {
		free(y->htab);
		y->htab = cf_xmalloc(cap * sizeof(uint32_t));
		y->hcap = cap;
	}
	memset(y->htab, 0xff, cap * sizeof(uint32_t));
	for (size_t i = 0; i < *n; i++) {
		size_t h = key_hash(mem[i].key, mem[i].klen) & (cap - 1);
		uint32_t k;
		while ((k = y->htab[h]) != UINT32_MAX) {
			if (mem[k].klen == mem[i].klen &&
			    !memcmp(mem[k].key, mem[i].key, mem[i].klen))
				break;
			h = (h + 1) & (cap - 1);
		}
		if (k == UINT32_MAX) {
			mem[kept] = mem[i];
			y->htab[h] = (uint32_t)kept++;
			continue;
		}
		if (!mem[i].merged && !mem[k].merged && y->o->dup_keys_error) {
			char kb[80];
			snprintf(kb, sizeof(kb), "%.*s%s",
			    (int)(mem[i].klen > 64 ? 64 : mem[i].klen), mem[i].key,
			    mem[i].klen > 64 ? "..." : "");
			return yfail(y, mem[i].line,
			    "mapping key \"%s\" already defined at line %zu", kb,
			    mem[k].line);
		}
		if (v2 || !mem[i].merged) {
			mem[k].val = mem[i].val;
			mem[k].merged = mem[i].merged && mem[k].merged;
		}
	}
	*n = kept;
	return 0;
}

/* The depth cap is a resource limit: stop at once (go-yaml v3 checks it
 * while parsing, too), rather than read on for a better error. */
static int depth_fail(struct yp *y, size_t line)
{
	yfail(y, line, "exceeded max depth of %u", y->max_depth);
	y->phase = PH_PARSE;
	return CF_EINVALID;
}

/*
 * A finished node goes to its parent (or becomes the document root). In a
 * map, nodes alternate between key and value; the key is turned into its
 * string form at once, so only strings are kept on the member stack.
 */
static int add_value(struct yp *y, cf_node *n, unsigned height, size_t line,
    bool was_str, bool is_merge)
{
	struct frame *f;
	int error;

	if (!y->nst) {
		y->root = n;
		return 0;
	}
	f = &y->st[y->nst - 1];
	/* Copies of anchors can be deeper than the events that made them. */
	if (y->nst + height > y->max_depth)
		return depth_fail(y, line);
	if (height + 1 > f->height)
		f->height = height + 1;
	if (f->node->type == CF_NODE_SEQ) {
		if (y->nitems == y->aitems)
			CF_GROW(y->items, y->aitems, y->nitems + 1);
		y->items[y->nitems++] = n;
		return 0;
	}
	if (!f->have_key) {
		bool nonstr = false;
		f->have_key = true;
		f->key_merge = is_merge;
		f->key_line = line;
		if (is_merge)
			return 0;
		if ((error = key_string(y, n, was_str, line, &f->key, &f->klen,
		    &nonstr)) < 0)
			return error;
		if (nonstr)
			f->node->flags |= CF_YAML_F_NONSTR_KEYS;
		return 0;
	}
	f->have_key = false;
	if (f->key_merge) {
		/* Keys merged in keep their "was not a string" mark. */
		if (n->type == CF_NODE_MAP)
			f->node->flags |= n->flags & CF_YAML_F_NONSTR_KEYS;
		for (uint32_t i = 0; n->type == CF_NODE_SEQ && i < n->len; i++)
			if (n->v.items[i])
				f->node->flags |= n->v.items[i]->flags &
				    CF_YAML_F_NONSTR_KEYS;
		return merge_into(y, n, f->key_line);
	}
	push_member(y, f->key, f->klen, n, false, f->key_line);
	return 0;
}

/* A sequence or map starts: check the depth cap before anything grows. */
static int open_collection(struct yp *y, enum cf_node_type t,
    const char *anchor, size_t line)
{
	struct frame *f;

	if (y->nst + 1 > y->max_depth)
		return depth_fail(y, line);
	if (y->nst == y->ast)
		CF_GROW(y->st, y->ast, y->nst + 1);
	f = &y->st[y->nst++];
	memset(f, 0, sizeof(*f));
	f->node = CF_ARENA_NEW(y->a, cf_node);
	f->node->type = (uint8_t)t;
	f->base = t == CF_NODE_SEQ ? y->nitems : y->nmem;
	f->anchor = anchor_open(y, anchor);
	f->line = line;
	f->height = 1; /* even when empty, a collection is a level */
	y->decode_count++;
	return 0;
}

/* A sequence or map ends: copy its children off the scratch stack into
 * exact-size arena arrays, resolve repeated keys, publish its anchor. */
static int close_collection(struct yp *y)
{
	struct frame f = y->st[--y->nst];
	cf_node *n = f.node;
	size_t cnt;
	int error;

	if (n->type == CF_NODE_SEQ) {
		cnt = y->nitems - f.base;
		if (cnt) {
			n->v.items = cf_arena_memdup(y->a, y->items + f.base,
			    cnt * sizeof(cf_node *));
		}
		y->nitems = f.base;
	} else {
		cnt = y->nmem - f.base;
		if (cnt > 1 && (error = resolve_members(y, y->mem + f.base,
		    &cnt)) < 0)
			return error;
		if (cnt) {
			n->v.pairs = cf_arena_alloc(y->a, cnt * sizeof(cf_pair));
			for (size_t i = 0; i < cnt; i++) {
				n->v.pairs[i].key = y->mem[f.base + i].key;
				n->v.pairs[i].klen = y->mem[f.base + i].klen;
				n->v.pairs[i].val = y->mem[f.base + i].val;
			}
		}
		y->nmem = f.base;
	}
	if (cnt > UINT32_MAX)
		return yfail(y, f.line, "collection too large");
	n->len = n->alloc = (uint32_t)cnt;
	if (f.anchor >= 0) {
		y->anchors[f.anchor].node = n;
		y->anchors[f.anchor].height = f.height;
	}
	return add_value(y, n, f.height, f.line, false, false);
}

/* The scalar tag's short form ("!!int"), or the tag itself. */
static const char *short_tag(const char *tag, char buf[64])
{
	static const char prefix[] = "tag:yaml.org,2002:";

	/* The caller's buffer keeps parsing thread-safe. */
	if (tag && !strncmp(tag, prefix, sizeof(prefix) - 1)) {
		snprintf(buf, 64, "!!%s", tag + sizeof(prefix) - 1);
		return buf;
	}
	return tag;
}

static const char *rkind_tag(enum rkind k)
{
	switch (k) {
	case R_NULL: return "!!null";
	case R_BOOL: return "!!bool";
	case R_INT: case R_UINT: return "!!int";
	case R_FLOAT: return "!!float";
	case R_TIME: return "!!timestamp";
	default: return "!!str";
	}
}

/* Decode !!binary text: base64 with line breaks ignored, as Go does. */
static int decode_binary(struct yp *y, const char *s, size_t n, size_t line,
    cf_node **out)
{
	cf_buf clean = CF_BUF_INIT, bin = CF_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] != '\n' && s[i] != '\r')
			cf_buf_addch(&clean, s[i]);
	if (cf_base64_decode(&bin, clean.buf, clean.len, false) < 0)
		error = yfail(y, 0, "!!binary value contains invalid base64 data");
	else
		*out = cf_node_strn(y->a, bin.buf, bin.len);
	cf_buf_release(&clean);
	cf_buf_release(&bin);
	return error;
}

/*
 * A scalar event. Quoted and block scalars without a tag are strings;
 * plain ones and those with a standard tag go through go-yaml's resolver,
 * and a tag that disagrees with the resolved type is an error worded as
 * go-yaml words it ("cannot decode !!str `abc` as a !!int").
 */
static int on_scalar(struct yp *y, const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length, line = ev->start_mark.line + 1;
	char tagbuf[64];
	const char *tag = short_tag((const char *)ev->data.scalar.tag, tagbuf);
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	bool is_merge = false, was_str = false;
	struct rval r = { R_STR };
	cf_node *node = NULL;
	int error;

	if (n >= UINT32_MAX)
		return yfail(y, line, "scalar too large");
	y->decode_count++;
	if (!tag && !ev->data.scalar.plain_implicit) {
		r.kind = R_STR; /* quoted or block scalar */
	} else if (tag && !strcmp(tag, "!!binary")) {
		if ((error = decode_binary(y, s, n, line, &node)) < 0)
			return error;
		goto add;
	} else if (!tag || !strcmp(tag, "!!bool") || !strcmp(tag, "!!int") ||
	    !strcmp(tag, "!!float") || !strcmp(tag, "!!timestamp") ||
	    !strcmp(tag, "!!null")) {
		if (!tag && plain && n == 2 && !memcmp(s, "<<", 2))
			is_merge = true;
		resolve_plain(s, n, y->o->schema, &r);
		if (tag) {
			bool ok = !strcmp(tag, rkind_tag(r.kind));
			if (!strcmp(tag, "!!float") && (r.kind == R_INT ||
			    r.kind == R_UINT)) {
				r.f = r.kind == R_INT ? (double)r.i : (double)r.u;
				r.kind = R_FLOAT;
				ok = true;
			}
			if (!strcmp(tag, "!!timestamp") && r.kind == R_STR &&
			    parse_timestamp(s, n, r.ts)) {
				/* v2 keeps timestamps as their text */
				ok = true;
			}
			if (!ok)
				return yfail(y, 0, "cannot decode %s `%.*s` as a %s",
				    rkind_tag(r.kind), (int)(n > 64 ? 64 : n), s, tag);
		}
	}
	/* Any other tag (!!str, !Custom, !) leaves the text a string. */
	switch (r.kind) {
	case R_NULL:
		node = cf_node_null(y->a);
		break;
	case R_BOOL:
		node = cf_node_bool(y->a, r.b);
		break;
	case R_INT:
		node = cf_node_int(y->a, r.i);
		break;
	case R_UINT:
		node = cf_node_int(y->a, 0);
		node->flags = CF_NODE_F_UINT;
		node->v.u = r.u;
		break;
	case R_FLOAT:
		node = cf_node_float(y->a, r.f);
		break;
	case R_TIME:
		node = cf_node_str(y->a, r.ts);
		break;
	default:
		node = cf_node_strn(y->a, s, n);
		was_str = true;
	}
add:
	if (node->type == CF_NODE_STR && r.kind != R_TIME)
		was_str = true;
	if (ev->data.scalar.anchor) {
		long i = anchor_open(y, (const char *)ev->data.scalar.anchor);
		y->anchors[i].node = node;
	}
	if (!y->nst)
		y->root_empty = plain && !tag && n == 0 && !ev->data.scalar.anchor;
	return add_value(y, node, 0, line, was_str, is_merge);
}

/* "*name": a copy of the anchored node, charged to the alias budget. */
static int on_alias(struct yp *y, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t line = ev->start_mark.line + 1;
	long i = anchor_find(y, name);
	cf_node *c;

	if (i < 0) {
		/* go-yaml's parser finds this one, so it is a parse error */
		yfail(y, 0, "unknown anchor '%s' referenced", name);
		y->phase = PH_PARSE;
		return CF_EINVALID;
	}
	if (y->skipping)
		return 0;
	if (!y->anchors[i].node)
		return yfail(y, 0, "anchor '%s' value contains itself", name);
	y->decode_count++; /* the alias node itself, as go-yaml counts it */
	if (!(c = copy_node(y, y->anchors[i].node)))
		return yfail(y, 0, "document contains excessive aliasing");
	return add_value(y, c, y->anchors[i].height, line,
	    c->type == CF_NODE_STR, false);
}

static int on_document_start(struct yp *y, const yaml_event_t *ev)
{
	const yaml_version_directive_t *v =
	    ev->data.document_start.version_directive;

	if (v && !(v->major == 1 && (v->minor == 1 ||
	    (v->minor == 2 && y->o->allow_version_12)))) {
		yfail(y, ev->start_mark.line, "found incompatible YAML document");
		y->phase = PH_PARSE;
		return CF_EINVALID;
	}
	/* Anchors, the alias budget and kept errors are per document. */
	y->nanch = 0;
	y->pend_phase = PH_NONE;
	y->skipping = false;
	y->decode_count = y->alias_count = 0;
	y->root = NULL;
	y->root_empty = false;
	return 0;
}

/* A document ends: record its root, or NULL when it had no content. */
static int on_document_end(struct yp *y)
{
	if (y->pend_phase) {
		y->phase = PH_PARSE; /* final: nothing can beat it any more */
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "%s", y->pend_msg);
	}
	if (y->ndocs == y->adocs)
		CF_GROW(y->docs, y->adocs, y->ndocs + 1);
	y->docs[y->ndocs++] = y->root_empty ? NULL : y->root;
	return 0;
}

/* After a kept decode error: no more building, but anchors still count,
 * since an unknown one later in the document is a parse error. */
static int skip_event(struct yp *y, const yaml_event_t *ev)
{
	const char *anchor = NULL;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		anchor = (const char *)ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = (const char *)ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = (const char *)ev->data.mapping_start.anchor;
		break;
	case YAML_ALIAS_EVENT:
		return on_alias(y, ev);
	case YAML_DOCUMENT_END_EVENT:
		return on_document_end(y);
	default:
		return 0;
	}
	if (anchor)
		anchor_open(y, anchor);
	return 0;
}

/* Pull libyaml events until the stream ends or something fails; each
 * event is freed right after use, so libyaml never holds more than one. */
static int run(struct yp *y)
{
	yaml_event_t ev;
	int error = 0;
	bool done = false;

	while (!done && !error) {
		if (!yaml_parser_parse(&y->parser, &ev))
			return libyaml_fail(y);
		size_t line = ev.start_mark.line + 1;
		yaml_event_type_t type = ev.type;
		if (y->skipping) {
			error = skip_event(y, &ev);
			yaml_event_delete(&ev);
			continue;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			error = on_document_start(y, &ev);
			break;
		case YAML_DOCUMENT_END_EVENT:
			error = on_document_end(y);
			break;
		case YAML_SCALAR_EVENT:
			error = on_scalar(y, &ev);
			break;
		case YAML_ALIAS_EVENT:
			error = on_alias(y, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			error = open_collection(y, CF_NODE_SEQ,
			    (const char *)ev.data.sequence_start.anchor, line);
			break;
		case YAML_MAPPING_START_EVENT:
			error = open_collection(y, CF_NODE_MAP,
			    (const char *)ev.data.mapping_start.anchor, line);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			error = close_collection(y);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (error < 0 && y->phase == PH_DECODE && !y->skipping &&
		    type != YAML_DOCUMENT_END_EVENT) {
			/* Keep it (over a key conversion error) and read on:
			 * a syntax error later in the document wins. */
			snprintf(y->pend_msg, sizeof(y->pend_msg), "%s",
			    cf_error_msg());
			y->pend_phase = PH_DECODE;
			y->skipping = true;
			error = 0;
		}
	}
	return error;
}

/* Options, caps and libyaml set-up, then the event loop. */
static int parse_stream(struct yp *y, cf_arena *a, const char *text,
    size_t len, const cf_yaml_opts *opts)
{
	static const cf_yaml_opts defaults = { 0 };

	y->a = a;
	y->o = opts ? opts : &defaults;
	y->max_depth = y->o->max_depth ? y->o->max_depth : CF_YAML_DEPTH_DEFAULT;
	if (y->max_depth > CF_YAML_DEPTH_MAX)
		y->max_depth = CF_YAML_DEPTH_MAX;
	if (len >= UINT32_MAX)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "YAML input of %zu bytes is too large", len);
	if (!text)
		text = ""; /* libyaml asserts on a NULL input, even when empty */
	if (!yaml_parser_initialize(&y->parser))
		CF_BUG("out of memory initialising libyaml");
	yaml_parser_set_input_string(&y->parser, (const unsigned char *)text,
	    len);
	return run(y);
}

static void yp_release(struct yp *y)
{
	yaml_parser_delete(&y->parser);
	free(y->st);
	free(y->items);
	free(y->mem);
	free(y->anchors);
	free(y->htab);
	free(y->docs);
}

int cf_yaml_parse(cf_node ***docs, size_t *ndocs, cf_arena *a,
    const char *text, size_t len, const cf_yaml_opts *opts)
{
	struct yp y;
	int error;

	memset(&y, 0, sizeof(y));
	error = parse_stream(&y, a, text, len, opts);
	if (!error) {
		*ndocs = y.ndocs;
		*docs = y.ndocs ? cf_arena_memdup(a, y.docs,
		    y.ndocs * sizeof(cf_node *)) : NULL;
	}
	yp_release(&y);
	return error;
}

int cf_yaml_parse_one(cf_node **out, cf_arena *a, const char *text,
    size_t len, const cf_yaml_opts *opts)
{
	cf_node **docs, *found = NULL;
	size_t n, nonempty = 0;
	int error;

	if ((error = cf_yaml_parse(&docs, &n, a, text, len, opts)) < 0)
		return error;
	for (size_t i = 0; i < n; i++) {
		if (docs[i]) {
			found = docs[i];
			nonempty++;
		}
	}
	if (nonempty > 1)
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "yaml: expected a single document in the stream, found %zu",
		    nonempty);
	*out = found;
	return 0;
}
