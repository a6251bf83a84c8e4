/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The go-yaml v2 emitter, as sigs.k8s.io/yaml drives it.
 *
 * kubectl and kustomize print objects by marshalling them to JSON and
 * handing that text to go-yaml v2, which reads it back into generic values
 * and emits them again. So the output is shaped by three things, all
 * reproduced here without a JSON round trip:
 *
 *  - what JSON does to values: invalid UTF-8 becomes U+FFFD, floats are
 *    printed by encoding/json and then re-typed by go-yaml's resolver
 *    (1.0 becomes the integer 1, 1e20 the float 1e+20), and go-yaml's
 *    reader folds a raw NEL inside a double-quoted JSON string;
 *  - the YAML 1.1 resolver, which decides whether a string needs quotes
 *    (a plain "yes" would read back as a boolean);
 *  - libyaml's emitter, ported to Go: scalar analysis, style selection,
 *    indentation and 80-column folding. The state it keeps (column,
 *    "whitespace" and "indention" flags, indent stack) is kept here with
 *    the same meaning, because folding and line breaks depend on it.
 *
 * The recursive shape below replaces libyaml's event state machine; each
 * step notes the libyaml state it stands for.
 */
#include "core/yaml_emit.h"
#include "core/alloc.h"
#include "core/error.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BEST_INDENT 2
#define BEST_WIDTH 80
/* libyaml refuses a simple key longer than this and writes "? key". */
#define MAX_SIMPLE_KEY 128

enum style { ST_PLAIN, ST_SINGLE, ST_DOUBLE, ST_LITERAL };

struct em {
	cf_buf *out;
	int column;
	int indent;      /* current indentation; -1 before the root */
	bool whitespace; /* last thing written was whitespace */
	bool indention;  /* only indentation written on this line so far */
	int err;
	cf_buf scratch;  /* a string rewritten by the JSON round trip */
};

/* ---- UTF-8 helpers ---------------------------------------------------- */

/* Length of the UTF-8 sequence a lead byte announces (1 for junk, which
 * json_roundtrip has already replaced). */
static size_t u8_width(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

/* Decode one valid sequence (strings are validated before emission). */
static uint32_t u8_decode(const unsigned char *p, size_t w)
{
	switch (w) {
	case 1: return p[0];
	case 2: return ((uint32_t)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	case 3:
		return ((uint32_t)(p[0] & 0x0f) << 12) |
		    ((uint32_t)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
	default:
		return ((uint32_t)(p[0] & 0x07) << 18) |
		    ((uint32_t)(p[1] & 0x3f) << 12) |
		    ((uint32_t)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	}
}

/* Length of a valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t u8_valid(const unsigned char *p, size_t n)
{
	size_t w = u8_width(p[0]);
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4 || w == 1 || w > n)
		return 0;
	for (size_t k = 1; k < w; k++)
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	cp = u8_decode(p, w);
	if (w == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)))
		return 0;
	if (w == 4 && (cp < 0x10000 || cp > 0x10ffff))
		return 0;
	return w;
}

/* Append code point cp as UTF-8. */
static void u8_put(cf_buf *b, uint32_t cp)
{
	char t[4];

	if (cp < 0x80) {
		cf_buf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		t[0] = (char)(0xc0 | (cp >> 6));
		t[1] = (char)(0x80 | (cp & 0x3f));
		cf_buf_add(b, t, 2);
	} else if (cp < 0x10000) {
		t[0] = (char)(0xe0 | (cp >> 12));
		t[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[2] = (char)(0x80 | (cp & 0x3f));
		cf_buf_add(b, t, 3);
	} else {
		t[0] = (char)(0xf0 | (cp >> 18));
		t[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		t[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		t[3] = (char)(0x80 | (cp & 0x3f));
		cf_buf_add(b, t, 4);
	}
}

/* libyaml's character classes, on the UTF-8 bytes at s[i]. */
static bool is_space(const char *s, size_t n, size_t i)
{
	return i < n && s[i] == ' ';
}

static bool is_break_at(const char *s, size_t n, size_t i)
{
	const unsigned char *p = (const unsigned char *)s;

	if (i >= n)
		return false;
	if (p[i] == '\r' || p[i] == '\n')
		return true;
	if (p[i] == 0xc2 && i + 1 < n && p[i + 1] == 0x85)
		return true;
	return p[i] == 0xe2 && i + 2 < n && p[i + 1] == 0x80 &&
	    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9);
}

/* Blank, break or end of string ("blankz" in libyaml). */
static bool is_blankz_at(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == ' ' || s[i] == '\t' || s[i] == '\0' ||
	    is_break_at(s, n, i);
}

static bool is_printable_cp(uint32_t c)
{
	return c == 0x0a || (c >= 0x20 && c <= 0x7e) ||
	    (c >= 0xa0 && c <= 0xd7ff) ||
	    (c >= 0xe000 && c <= 0xfffd && c != 0xfeff);
	/* Note: the Go port never treats 4-byte sequences, tab or NEL as
	 * printable, so emoji and tabs force double quotes. */
}

/* ---- the JSON round trip on strings ----------------------------------- */

/*
 * Return the string go-yaml ends up holding after encoding/json wrote s
 * and go-yaml read it back: invalid bytes become U+FFFD, a raw NEL (JSON
 * does not escape it) is a line break inside a double-quoted scalar and is
 * folded like one. Characters go-yaml's reader refuses fail the whole
 * output, as they fail kubectl.
 */
static int json_roundtrip(struct em *e, const char **ps, size_t *pn)
{
	const unsigned char *p = (const unsigned char *)*ps;
	size_t n = *pn, i;
	bool simple = true;

	for (i = 0; i < n; i++)
		if (p[i] >= 0x7f) {
			simple = false;
			break;
		}
	if (simple)
		return 0;

	cf_buf_reset(&e->scratch);
	for (i = 0; i < n;) {
		size_t w = u8_valid(p + i, n - i);
		uint32_t cp;

		if (!w) {
			u8_put(&e->scratch, 0xfffd);
			i++;
			continue;
		}
		cp = u8_decode(p + i, w);
		if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f && cp != 0x85) ||
		    cp == 0xfffe || cp == 0xffff)
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "yaml: control characters are not allowed");
		if (cp != 0x85) {
			cf_buf_add(&e->scratch, p + i, w);
			i += w;
			continue;
		}
		/* Line folding in a double-quoted scalar: trailing spaces
		 * before the break and leading spaces after each break go;
		 * one break becomes a space, k breaks become k-1 newlines. */
		while (e->scratch.len && e->scratch.buf[e->scratch.len - 1] == ' ')
			cf_buf_truncate(&e->scratch, e->scratch.len - 1);
		size_t breaks = 0;
		while (i < n) {
			if (i + 1 < n && p[i] == 0xc2 && p[i + 1] == 0x85) {
				breaks++;
				i += 2;
			} else if (p[i] == ' ') {
				i++;
			} else {
				break;
			}
		}
		if (breaks == 1)
			cf_buf_addch(&e->scratch, ' ');
		else
			for (size_t k = 1; k < breaks; k++)
				cf_buf_addch(&e->scratch, '\n');
	}
	*ps = e->scratch.buf;
	*pn = e->scratch.len;
	return 0;
}

/* ---- the YAML 1.1 resolver (go-yaml v2 resolve.go) -------------------- */

/* True if s[0..n) is non-empty and made only of digits of base. */
static bool all_digits(const char *s, size_t n, int base)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = base == 16 ? ((c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) :
		    base == 8 ? (c >= '0' && c <= '7') :
		    base == 2 ? (c == '0' || c == '1') : (c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

/* Go's strconv.ParseInt(s, 0, 64) / ParseUint syntax check, ignoring
 * range: the emitter only needs "is this an int", and out-of-range
 * digit strings are still floats by the float rule below. */
static bool looks_go_int(const char *s, size_t n)
{
	if (n && (s[0] == '+' || s[0] == '-'))
		s++, n--;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return all_digits(s + 2, n - 2, 16);
	if (n > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		return all_digits(s + 2, n - 2, 2);
	if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
		return all_digits(s + 2, n - 2, 8);
	if (n > 1 && s[0] == '0')
		return all_digits(s + 1, n - 1, 8);
	return all_digits(s, n, 10);
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static bool looks_yaml_float(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++)
			;
		if (!d)
			return false;
	} else {
		for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++)
			;
		if (!d)
			return false;
		if (i < n && s[i] == '.')
			for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, d++)
			;
		if (!d)
			return false;
	}
	return i == n;
}

/* Go's ParseFloat also takes "inf", "infinity", "nan" and hex floats, but
 * only after the '.' hint; the '.' branch sees ".5", ".e1" and friends. */
static bool go_parse_float_ok(const char *s, size_t n)
{
	char tmp[64];
	char *end;

	if (!n || n >= sizeof(tmp))
		return n && n < 400 && looks_yaml_float(s, n);
	memcpy(tmp, s, n);
	tmp[n] = 0;
	/* strtod accepts leading spaces and hex; Go's ParseFloat does not
	 * accept spaces, and "0x" needs a 'p' exponent in Go. */
	if (tmp[0] == ' ' || tmp[0] == '\t' || tmp[0] == '\n')
		return false;
	for (size_t i = 0; i < n; i++)
		if (tmp[i] == 'x' || tmp[i] == 'X' || tmp[i] == '_')
			return false;
	errno = 0;
	strtod(tmp, &end);
	return end == tmp + n;
}

/* Read min..max decimal digits at *i (advancing it); -1 if fewer than
 * min. Used by the timestamp check, which mirrors Go's time.Parse with
 * its one-or-two digit month, day, hour and minute fields. */
static int dig(const char *s, size_t n, size_t *i, int min, int max)
{
	int v = 0, k = 0;

	while (*i < n && k < max && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k >= min ? v : -1;
}

/*
 * go-yaml v2 tries time.Parse with "2006-1-2T15:4:5.999999999Z07:00",
 * the same with 't', "2006-1-2 15:4:5.999999999" and "2006-1-2" on any
 * scalar starting with four digits and '-'.
 */
static bool looks_timestamp(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	size_t i = 0;
	int y, m, d;

	if ((y = dig(s, n, &i, 4, 4)) < 0 || i >= n || s[i] != '-')
		return false;
	i++;
	if ((m = dig(s, n, &i, 1, 2)) < 1 || m > 12 || i >= n || s[i] != '-')
		return false;
	i++;
	if ((d = dig(s, n, &i, 1, 2)) < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	if (i == n)
		return true;
	bool zone = s[i] == 'T' || s[i] == 't';
	if (!zone && s[i] != ' ')
		return false;
	i++;
	int hh = dig(s, n, &i, 1, 2);
	if (hh < 0 || hh > 23 || i >= n || s[i] != ':')
		return false;
	i++;
	int mm = dig(s, n, &i, 1, 2);
	if (mm < 0 || mm > 59 || i >= n || s[i] != ':')
		return false;
	i++;
	int ss = dig(s, n, &i, 1, 2);
	if (ss < 0 || ss > 59)
		return false;
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		size_t st = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == st)
			return false;
	}
	if (!zone)
		return i == n;
	if (i < n && s[i] == 'Z')
		return i + 1 == n;
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		i++;
		if (dig(s, n, &i, 2, 2) < 0 || i >= n || s[i] != ':')
			return false;
		i++;
		return dig(s, n, &i, 2, 2) >= 0 && i == n;
	}
	return false;
}

/* ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$ */
static bool looks_base60(const char *s, size_t n)
{
	size_t i = 0;
	int groups = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		i++;
	while (i < n && s[i] == ':') {
		i++;
		if (i < n && s[i] >= '0' && s[i] <= '5' && i + 1 < n &&
		    s[i + 1] >= '0' && s[i + 1] <= '9')
			i += 2;
		else if (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		else
			return false;
		groups++;
	}
	if (!groups)
		return false;
	if (i < n && s[i] == '.')
		for (i++; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			;
	return i == n;
}

/* Is s[0..n) one of the NULL-terminated words? */
static bool in_list(const char *s, size_t n, const char *const *list)
{
	/* Every word is at most 5 bytes: most strings never get here. */
	if (n > 5)
		return false;
	for (; *list; list++)
		if ((*list)[0] == s[0] && strlen(*list) == n &&
		    !memcmp(*list, s, n))
			return true;
	return false;
}

/* Would go-yaml v2 read the plain scalar s back as a non-string? */
static bool resolves_non_string(const char *s, size_t n)
{
	static const char *const words[] = {
		"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
		"on", "On", "ON", "n", "N", "no", "No", "NO",
		"false", "False", "FALSE", "off", "Off", "OFF",
		"", "~", "null", "Null", "NULL",
		".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
		"+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", NULL,
	};
	char c;

	if (!n)
		return true;
	c = s[0];
	/* The resolver's hint table: only these first characters resolve. */
	if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
	    strchr("yYnNtTfFoO~", c)))
		return false;
	if (in_list(s, n, words))
		return true;
	if (c == '.')
		return go_parse_float_ok(s, n);
	if (!((c >= '0' && c <= '9') || c == '+' || c == '-'))
		return false;
	if (looks_timestamp(s, n))
		return true;

	/* Underscores are dropped before the number checks. */
	char tmp[128];
	size_t m = 0;
	if (n >= sizeof(tmp))
		return false; /* no YAML number is that long in practice */
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			tmp[m++] = s[i];
	if (looks_go_int(tmp, m))
		return true;
	if (looks_yaml_float(tmp, m))
		return true;
	if (m > 2 && tmp[0] == '0' && tmp[1] == 'b')
		return all_digits(tmp + 2, m - 2, 2);
	if (m > 3 && tmp[0] == '-' && tmp[1] == '0' && tmp[2] == 'b')
		return all_digits(tmp + 3, m - 3, 2);
	return false;
}

/* ---- scalar analysis (libyaml yaml_emitter_analyze_scalar) ------------ */

/*
 * What libyaml's scalar analysis concludes about a string: which styles
 * may carry it. "flow" plain is never used here (no flow collections are
 * written except empty ones) but is kept to mirror the original logic.
 */
struct analysis {
	bool multiline;
	bool flow_plain;
	bool block_plain;
	bool single_ok;
	bool block_ok;
};

enum { C_FIRST_IND = 1, C_FLOW_IND = 2 };

/* Indicator classes of ASCII characters, looked up per character. */
static const unsigned char cls[128] = {
	['#'] = C_FIRST_IND, [','] = C_FIRST_IND | C_FLOW_IND,
	['['] = C_FIRST_IND | C_FLOW_IND, [']'] = C_FIRST_IND | C_FLOW_IND,
	['{'] = C_FIRST_IND | C_FLOW_IND, ['}'] = C_FIRST_IND | C_FLOW_IND,
	['&'] = C_FIRST_IND, ['*'] = C_FIRST_IND, ['!'] = C_FIRST_IND,
	['|'] = C_FIRST_IND, ['>'] = C_FIRST_IND, ['\''] = C_FIRST_IND,
	['"'] = C_FIRST_IND, ['%'] = C_FIRST_IND, ['@'] = C_FIRST_IND,
	['`'] = C_FIRST_IND, ['?'] = C_FLOW_IND,
};

static void analyze(struct analysis *an, const char *s, size_t n)
{
	bool block_ind = false, flow_ind = false, line_breaks = false;
	bool special = false, leading_space = false, leading_break = false;
	bool trailing_space = false, trailing_break = false;
	bool break_space = false, space_break = false;
	bool prev_space = false, prev_break = false;
	bool preceded_ws = true, followed_ws;

	if (!n) {
		*an = (struct analysis){ .multiline = false, .flow_plain = false,
		    .block_plain = true, .single_ok = true, .block_ok = false };
		return;
	}
	if (n >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
		block_ind = flow_ind = true;

	/* Fast path: a string of letters, digits and harmless punctuation
	 * has no indicators, breaks or special characters at all. */
	bool simple = true;
	for (size_t i = 0; i < n && simple; i++) {
		unsigned char c = (unsigned char)s[i];
		simple = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '/' || c == '_' ||
		    (c == '-' && i > 0) || c == '=' || c == '+' || c == '(' ||
		    c == ')' || c == '$' || c == '^' || c == '~' || c == ';' ||
		    c == '<' || c == '\\';
	}
	if (simple && !block_ind) {
		*an = (struct analysis){ .multiline = false, .flow_plain = true,
		    .block_plain = true, .single_ok = true, .block_ok = true };
		return;
	}

	followed_ws = is_blankz_at(s, n, u8_width((unsigned char)s[0]));
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		size_t w = u8_width(c);
		uint32_t cp = u8_decode((const unsigned char *)s + i, w);

		if (i == 0) {
			if (c < 0x80 && (cls[c] & C_FIRST_IND))
				flow_ind = block_ind = true;
			if (c == '?' || c == ':') {
				flow_ind = true;
				if (followed_ws)
					block_ind = true;
			}
			if (c == '-' && followed_ws)
				flow_ind = block_ind = true;
		} else {
			if (c < 0x80 && (cls[c] & C_FLOW_IND))
				flow_ind = true;
			if (c == ':') {
				flow_ind = true;
				if (followed_ws)
					block_ind = true;
			}
			if (c == '#' && preceded_ws)
				flow_ind = block_ind = true;
		}
		if (!is_printable_cp(cp) || w == 4)
			special = true;
		if (is_break_at(s, n, i))
			line_breaks = true;

		if (c == ' ') {
			if (i == 0)
				leading_space = true;
			if (i + w == n)
				trailing_space = true;
			if (prev_break)
				break_space = true;
			prev_space = true;
			prev_break = false;
		} else if (is_break_at(s, n, i)) {
			if (i == 0)
				leading_break = true;
			if (i + w == n)
				trailing_break = true;
			if (prev_space)
				space_break = true;
			prev_space = false;
			prev_break = true;
		} else {
			prev_space = prev_break = false;
		}
		preceded_ws = is_blankz_at(s, n, i);
		i += w;
		if (i < n)
			followed_ws = is_blankz_at(s, n,
			    i + u8_width((unsigned char)s[i]));
	}

	an->multiline = line_breaks;
	an->flow_plain = an->block_plain = an->single_ok = an->block_ok = true;
	if (leading_space || leading_break || trailing_space || trailing_break)
		an->flow_plain = an->block_plain = false;
	if (trailing_space)
		an->block_ok = false;
	if (break_space)
		an->flow_plain = an->block_plain = an->single_ok = false;
	if (space_break || special)
		an->flow_plain = an->block_plain = an->single_ok =
		    an->block_ok = false;
	if (line_breaks)
		an->flow_plain = an->block_plain = false;
	if (flow_ind)
		an->flow_plain = false;
	if (block_ind)
		an->block_plain = false;
}

/* ---- low-level writers (libyaml put/write/write_indent) --------------- */

/* One ASCII byte; the column advances by one. */
static void put(struct em *e, char c)
{
	cf_buf_addch(e->out, c);
	e->column++;
}

/* A line break: the emitter only ever writes "\n". */
static void put_break(struct em *e)
{
	cf_buf_addch(e->out, '\n');
	e->column = 0;
}

/* Copy one character; the column counts characters, not bytes. */
static size_t write_ch(struct em *e, const char *s, size_t i)
{
	size_t w = u8_width((unsigned char)s[i]);

	cf_buf_add(e->out, s + i, w);
	e->column++;
	return w;
}

/* Copy one line break from the value: "\n" as such, NEL, LS and PS raw
 * (go-yaml writes them through unchanged and resets the column). */
static size_t write_break(struct em *e, const char *s, size_t i)
{
	if (s[i] == '\n') {
		put_break(e);
		return 1;
	}
	size_t w = write_ch(e, s, i);
	e->column = 0;
	return w;
}

/*
 * Move to the current indentation: break the line unless we are at the
 * start of an indented line already, then pad with spaces. This is where
 * "- key: value" shares a line with its dash: after "-" the emitter is
 * still in indention and only pads.
 */
static void write_indent(struct em *e)
{
	int indent = e->indent < 0 ? 0 : e->indent;

	static const char spaces[] = "                                ";

	if (!e->indention || e->column > indent ||
	    (e->column == indent && !e->whitespace))
		put_break(e);
	while (e->column < indent) {
		int k = indent - e->column;
		if (k > (int)sizeof(spaces) - 1)
			k = (int)sizeof(spaces) - 1;
		cf_buf_add(e->out, spaces, (size_t)k);
		e->column += k;
	}
	e->whitespace = true;
	e->indention = true;
}

/* Write an indicator (":", "-", "?", quotes, block headers), with a
 * space first when need_ws and the last thing written was not one. */
static void write_indicator(struct em *e, const char *ind, bool need_ws,
    bool is_ws, bool is_indention)
{
	if (need_ws && !e->whitespace)
		put(e, ' ');
	for (; *ind; ind++)
		put(e, *ind);
	e->whitespace = is_ws;
	e->indention = e->indention && is_indention;
}

/* ---- scalar writers ---------------------------------------------------- */

/*
 * Plain style. A space may become a line break once the column passes 80,
 * but only a single space followed by a non-space: runs of spaces are
 * never broken, so they survive reading back.
 */
static void write_plain(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	bool spaces = false, breaks = false;

	if (!e->whitespace && n)
		put(e, ' ');
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    !is_space(s, n, i + 1)) {
				write_indent(e);
				i++;
			} else {
				i += write_ch(e, s, i);
			}
			spaces = true;
		} else if (is_break_at(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			i += write_break(e, s, i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			/* A run of plain ASCII goes out in one piece. */
			size_t j = i;
			while (j < n && (unsigned char)s[j] > ' ' &&
			    (unsigned char)s[j] < 0x7f)
				j++;
			if (j > i + 1) {
				cf_buf_add(e->out, s + i, j - i);
				e->column += (int)(j - i);
				i = j;
			} else {
				i += write_ch(e, s, i);
			}
			e->indention = false;
			spaces = breaks = false;
		}
	}
	e->whitespace = false;
	e->indention = false;
}

/* Single-quoted style: quotes doubled, folding as for plain scalars but
 * never at the first or last character. */
static void write_single(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	bool spaces = false, breaks = false;

	write_indicator(e, "'", true, false, false);
	for (size_t i = 0; i < n;) {
		if (s[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    i != 0 && i != n - 1 && !is_space(s, n, i + 1)) {
				write_indent(e);
				i++;
			} else {
				i += write_ch(e, s, i);
			}
			spaces = true;
		} else if (is_break_at(s, n, i)) {
			if (!breaks && s[i] == '\n')
				put_break(e);
			i += write_break(e, s, i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			if (s[i] == '\'')
				put(e, '\'');
			i += write_ch(e, s, i);
			e->indention = false;
			spaces = breaks = false;
		}
	}
	if (breaks)
		write_indent(e);
	write_indicator(e, "'", false, false, false);
}

/*
 * Double-quoted style: every character that is not printable (by the Go
 * port's narrow definition), a break, a quote or a backslash is escaped
 * with the shortest of \x, \u or \U; folding breaks at a space past
 * column 80 and escapes a following space so it is not lost.
 */
static void write_double(struct em *e, const char *s, size_t n, bool allow_breaks)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	/* go-yaml v2's BOM test looks at the start of the string whatever the
	 * position, so a leading BOM escapes every character after it. */
	bool bom = n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf;
	bool spaces = false;

	write_indicator(e, "\"", true, false, false);
	for (size_t i = 0; i < n;) {
		size_t w = u8_width(p[i]);
		uint32_t cp = u8_decode(p + i, w);

		if (!is_printable_cp(cp) || w == 4 || bom ||
		    is_break_at(s, n, i) || cp == '"' || cp == '\\') {
			char esc = 0;

			put(e, '\\');
			switch (cp) {
			case 0x00: esc = '0'; break;
			case 0x07: esc = 'a'; break;
			case 0x08: esc = 'b'; break;
			case 0x09: esc = 't'; break;
			case 0x0a: esc = 'n'; break;
			case 0x0b: esc = 'v'; break;
			case 0x0c: esc = 'f'; break;
			case 0x0d: esc = 'r'; break;
			case 0x1b: esc = 'e'; break;
			case 0x22: esc = '"'; break;
			case 0x5c: esc = '\\'; break;
			case 0x85: esc = 'N'; break;
			case 0xa0: esc = '_'; break;
			case 0x2028: esc = 'L'; break;
			case 0x2029: esc = 'P'; break;
			}
			if (esc) {
				put(e, esc);
			} else {
				int digits = cp <= 0xff ? 2 : cp <= 0xffff ? 4 : 8;

				put(e, digits == 2 ? 'x' : digits == 4 ? 'u' : 'U');
				for (int k = (digits - 1) * 4; k >= 0; k -= 4)
					put(e, hex[(cp >> k) & 0xf]);
			}
			i += w;
			spaces = false;
		} else if (p[i] == ' ') {
			if (allow_breaks && !spaces && e->column > BEST_WIDTH &&
			    i != 0 && i != n - 1) {
				write_indent(e);
				if (is_space(s, n, i + 1))
					put(e, '\\');
				i++;
			} else {
				i += write_ch(e, s, i);
			}
			spaces = true;
		} else {
			i += write_ch(e, s, i);
			spaces = false;
		}
	}
	write_indicator(e, "\"", false, false, false);
}

/*
 * Literal block style ("|"): the header carries an indentation indicator
 * when the text starts with a space or a break (so the reader can tell
 * content from indentation) and a chomping indicator for how the text
 * ends ("-": no final break, "+": more than one). Lines are never folded.
 */
static void write_literal(struct em *e, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	bool breaks = true;

	write_indicator(e, "|", true, false, false);
	/* Block scalar hints: an indentation indicator when the text starts
	 * with a space or a break, then the chomping indicator. */
	if (n && (p[0] == ' ' || is_break_at(s, n, 0))) {
		char ind[2] = { (char)('0' + BEST_INDENT), 0 };
		write_indicator(e, ind, false, false, false);
	}
	if (!n) {
		write_indicator(e, "-", false, false, false);
	} else {
		size_t i = n - 1;
		while (i > 0 && (p[i] & 0xc0) == 0x80)
			i--;
		if (!is_break_at(s, n, i)) {
			write_indicator(e, "-", false, false, false);
		} else if (i == 0) {
			write_indicator(e, "+", false, false, false);
		} else {
			i--;
			while (i > 0 && (p[i] & 0xc0) == 0x80)
				i--;
			if (is_break_at(s, n, i))
				write_indicator(e, "+", false, false, false);
		}
	}
	put_break(e);
	e->indention = true;
	e->whitespace = true;
	for (size_t i = 0; i < n;) {
		if (is_break_at(s, n, i)) {
			i += write_break(e, s, i);
			e->indention = true;
			breaks = true;
		} else {
			if (breaks)
				write_indent(e);
			/* Up to the next line break in one piece. */
			size_t j = i, chars = 0;
			while (j < n && s[j] != '\n' && s[j] != '\r' &&
			    (unsigned char)s[j] < 0x80) {
				j++;
				chars++;
			}
			if (chars > 1) {
				cf_buf_add(e->out, s + i, j - i);
				e->column += (int)chars;
				i = j;
			} else {
				i += write_ch(e, s, i);
			}
			e->indention = false;
			breaks = false;
		}
	}
}

/* ---- numbers ------------------------------------------------------------ */

/*
 * Shortest decimal digits that read back as v (v > 0): digits d[0..nd)
 * and decimal point position dp, so v = 0.d1d2... * 10^dp. printf's
 * correctly rounded %.*e, tried with growing precision, gives the same
 * digits as Go's shortest formatting.
 */
static int shortest_digits(double v, char *d, int *dp)
{
	char tmp[48];
	int nd = 0;

	for (int prec = 0; prec < 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*e", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	char *ep = strchr(tmp, 'e');
	for (char *q = tmp; q < ep; q++)
		if (*q >= '0' && *q <= '9')
			d[nd++] = *q;
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	d[nd] = 0;
	*dp = atoi(ep + 1) + 1;
	return nd;
}

/* strconv.FormatFloat with precision -1 and format 'f', 'e' or 'g'. */
static void fmt_go_float(cf_buf *b, double v, char fmt)
{
	char d[32];
	int nd, dp;

	if (signbit(v)) {
		cf_buf_addch(b, '-');
		v = -v;
	}
	if (v == 0) {
		d[0] = '0';
		d[1] = 0;
		nd = 1;
		dp = 1;
	} else {
		nd = shortest_digits(v, d, &dp);
	}
	if (fmt == 'g') {
		/* Shortest %g switches to exponent form with precision 6. */
		int exp = dp - 1;
		fmt = (exp < -4 || exp >= 6) ? 'e' : 'f';
	}
	if (fmt == 'e') {
		int exp = dp - 1;
		cf_buf_addch(b, d[0]);
		if (nd > 1) {
			cf_buf_addch(b, '.');
			cf_buf_add(b, d + 1, (size_t)nd - 1);
		}
		cf_buf_addf(b, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
		return;
	}
	if (dp > 0) {
		for (int i = 0; i < dp; i++)
			cf_buf_addch(b, i < nd ? d[i] : '0');
	} else {
		cf_buf_addch(b, '0');
	}
	if (nd > dp) {
		cf_buf_addch(b, '.');
		for (int i = dp; i < nd; i++)
			cf_buf_addch(b, i < 0 ? '0' : d[i]);
	}
}

/* Does the decimal integer text s fit int64 (or uint64)? */
static bool int_text_fits(const char *s)
{
	const char *p = s;
	bool neg = *p == '-';
	uint64_t v = 0;

	if (neg)
		p++;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	return !neg || v <= (uint64_t)INT64_MAX + 1;
}

/*
 * A float as it comes out of encoding/json and go-yaml v2: encoding/json
 * writes shortest digits (plain decimal for 1e-6 <= |v| < 1e21); go-yaml
 * reads that text back as an integer if it can, else as a float, which it
 * prints in %g style.
 */
static int fmt_number(cf_buf *b, const cf_node *n)
{
	double v;
	char json[64];
	cf_buf t = CF_BUF_INIT;

	if (n->type == CF_NODE_INT) {
		if (n->flags & CF_NODE_F_UINT)
			cf_buf_addf(b, "%" PRIu64, n->v.u);
		else
			cf_buf_addf(b, "%" PRId64, n->v.i);
		return 0;
	}
	v = n->v.f;
	if ((n->flags & CF_NODE_F_BIGNUM) && n->num)
		v = strtod(n->num, NULL);
	if (isnan(v) || isinf(v))
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "json: unsupported value: %s", isnan(v) ? "NaN" :
		    v > 0 ? "+Inf" : "-Inf");

	double av = fabs(v);
	fmt_go_float(&t, v, (av != 0 && (av < 1e-6 || av >= 1e21)) ? 'e' : 'f');
	snprintf(json, sizeof(json), "%s", t.buf);
	cf_buf_release(&t);
	if (!strpbrk(json, ".e") && int_text_fits(json)) {
		/* "-0" reads back as the integer 0. */
		cf_buf_adds(b, strcmp(json, "-0") ? json : "0");
		return 0;
	}
	fmt_go_float(b, strtod(json, NULL), 'g');
	return 0;
}

/* ---- key order (go-yaml v2 sorter.go) ----------------------------------- */

/* Go's unicode.IsLetter, exactly for ASCII and Latin-1, approximated
 * past it (only key order depends on it). */
static bool rune_is_letter(uint32_t r)
{
	if (r < 0x80)
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
	if (r < 0x100)
		return r == 0xaa || r == 0xb5 || r == 0xba ||
		    (r >= 0xc0 && r != 0xd7 && r != 0xf7);
	/* An approximation of Unicode's letter classes past Latin-1:
	 * combining marks, punctuation, symbols and emoji are not letters,
	 * the scripts are. */
	if ((r >= 0x300 && r <= 0x36f) || (r >= 0x2000 && r <= 0x2bff) ||
	    (r >= 0x3000 && r <= 0x303f) || (r >= 0xe000 && r <= 0xf8ff) ||
	    (r >= 0xfe00 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff20) ||
	    r >= 0x1f000)
		return false;
	return true;
}

static bool rune_is_digit(uint32_t r)
{
	return r >= '0' && r <= '9';
}

/* Decode s into code points, as Go's []rune(s) does (U+FFFD for junk);
 * returns the count. out must hold n entries. */
static size_t to_runes(uint32_t *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		size_t w = u8_valid(p + i, n - i);
		if (!w) {
			out[k++] = 0xfffd;
			i++;
			continue;
		}
		out[k++] = u8_decode(p + i, w);
		i += w;
	}
	return k;
}

/*
 * go-yaml v2's keyList.Less: letters compare by code point, a letter
 * sorts after a non-letter, digit runs compare as numbers. Kept literally,
 * including its inconsistency on some key sets (see the header).
 */
static bool runes_less(const uint32_t *ar, size_t an_, const uint32_t *br,
    size_t bn_)
{
	for (size_t i = 0; i < an_ && i < bn_; i++) {
		if (ar[i] == br[i])
			continue;
		bool al = rune_is_letter(ar[i]), bl = rune_is_letter(br[i]);
		if (al && bl)
			return ar[i] < br[i];
		if (al || bl)
			return bl;
		int64_t an = 0, bn = 0;
		size_t ai, bi;
		/* A zero after non-zero digits: compare positionally. */
		if (ar[i] == '0' || br[i] == '0') {
			for (size_t j = i; j-- > 0 && rune_is_digit(ar[j]);) {
				if (ar[j] != '0') {
					an = bn = 1;
					break;
				}
			}
		}
		for (ai = i; ai < an_ && rune_is_digit(ar[ai]); ai++)
			an = an * 10 + (int64_t)(ar[ai] - '0');
		for (bi = i; bi < bn_ && rune_is_digit(br[bi]); bi++)
			bn = bn * 10 + (int64_t)(br[bi] - '0');
		if (an != bn)
			return an < bn;
		if (ai != bi)
			return ai < bi;
		return ar[i] < br[i];
	}
	return an_ < bn_;
}

int cf_yaml_key_less(const char *a, size_t alen, const char *b, size_t blen)
{
	uint32_t *ar = cf_xmalloc((alen + blen + 2) * sizeof(uint32_t));
	size_t an = to_runes(ar, a, alen);
	size_t bn = to_runes(ar + an, b, blen);
	bool r = runes_less(ar, an, ar + an, bn);

	free(ar);
	return r;
}

struct skey {
	const uint32_t *r;
	size_t n;
	const cf_pair *pair;
};

/* qsort adapter; keys are unique, so 0 only means "neither is less". */
static int skey_cmp(const void *x, const void *y)
{
	const struct skey *a = x, *b = y;

	if (runes_less(a->r, a->n, b->r, b->n))
		return -1;
	if (runes_less(b->r, b->n, a->r, a->n))
		return 1;
	return 0;
}

/* ---- nodes ---------------------------------------------------------------- */

static int emit_node(struct em *e, const cf_node *n, bool root, bool mapping,
    bool simple_key, int depth);

/* Push the indent (libyaml yaml_emitter_increase_indent). */
static int increase_indent(struct em *e, bool flow, bool indentless)
{
	int old = e->indent;

	if (e->indent < 0)
		e->indent = flow ? BEST_INDENT : 0;
	else if (!indentless)
		e->indent += BEST_INDENT;
	return old;
}

/* The text and requested style of a scalar node, after the JSON trip. */
static int scalar_text(struct em *e, const cf_node *n, cf_buf *num,
    const char **ps, size_t *pn, bool *is_str)
{
	*is_str = false;
	switch (n ? n->type : CF_NODE_NULL) {
	case CF_NODE_NULL:
		*ps = "null";
		*pn = 4;
		return 0;
	case CF_NODE_BOOL:
		*ps = n->v.b ? "true" : "false";
		*pn = strlen(*ps);
		return 0;
	case CF_NODE_INT:
	case CF_NODE_FLOAT:
		if (fmt_number(num, n) < 0)
			return CF_EINVALID;
		*ps = num->buf;
		*pn = num->len;
		return 0;
	default:
		*is_str = true;
		*ps = n->v.s;
		*pn = n->len;
		return json_roundtrip(e, ps, pn);
	}
}

/* go-yaml's requested style, then libyaml's downgrades when the
 * analysis forbids it (plain -> single -> double, literal -> double). */
static enum style choose_style(const char *s, size_t n, bool is_str,
    const struct analysis *an, bool simple_key)
{
	enum style st = ST_PLAIN;

	/* go-yaml's encoder asks for a literal block when the string holds
	 * a newline, plain when the plain text resolves back to a string,
	 * double quotes otherwise. */
	if (is_str) {
		if (memchr(s, '\n', n))
			st = ST_LITERAL;
		else if (resolves_non_string(s, n) || looks_base60(s, n))
			st = ST_DOUBLE;
	}
	if (simple_key && an->multiline)
		st = ST_DOUBLE;
	if (st == ST_PLAIN) {
		if (!an->block_plain)
			st = ST_SINGLE;
		if (!n && simple_key)
			st = ST_SINGLE;
	}
	if (st == ST_SINGLE && !an->single_ok)
		st = ST_DOUBLE;
	if (st == ST_LITERAL && (!an->block_ok || simple_key))
		st = ST_DOUBLE;
	return st;
}

/* A scalar: analyse its text, pick the style, write it one indentation
 * step deeper than the enclosing collection (libyaml's emit_scalar). */
static int emit_scalar(struct em *e, const cf_node *n, bool simple_key)
{
	cf_buf num = CF_BUF_INIT;
	const char *s;
	size_t len;
	bool is_str;
	struct analysis an;
	int old;

	if (scalar_text(e, n, &num, &s, &len, &is_str) < 0) {
		cf_buf_release(&num);
		return CF_EINVALID;
	}
	/* json_roundtrip may point s into scratch; copy before nested use is
	 * not needed since scalars do not nest. */
	analyze(&an, s, len);
	enum style st = choose_style(s, len, is_str, &an, simple_key);
	old = increase_indent(e, true, false);
	switch (st) {
	case ST_PLAIN: write_plain(e, s, len, !simple_key); break;
	case ST_SINGLE: write_single(e, s, len, !simple_key); break;
	case ST_DOUBLE: write_double(e, s, len, !simple_key); break;
	case ST_LITERAL: write_literal(e, s, len); break;
	}
	e->indent = old;
	cf_buf_release(&num);
	return 0;
}

/* libyaml's check_simple_key for a string key. */
static bool key_is_simple(struct em *e, const cf_pair *p)
{
	const char *s = p->key;
	size_t n = p->klen;
	struct analysis an;

	if (json_roundtrip(e, &s, &n) < 0) {
		cf_error_clear();
		return true; /* the real emission reports the error */
	}
	if (n > MAX_SIMPLE_KEY)
		return false;
	analyze(&an, s, n);
	return !an.multiline;
}

/*
 * A block mapping (libyaml's block-mapping states): keys in go-yaml's
 * order, each as a simple key followed by ":" unless it is multi-line or
 * longer than 128 bytes, which makes it a "? key" / ": value" pair.
 * Empty maps are written in flow style, "{}", as go-yaml does.
 */
static int emit_map(struct em *e, const cf_node *n, bool mapping, int depth)
{
	struct skey *keys;
	uint32_t *runes;
	size_t total = 0, at = 0;
	int old, err = 0;

	(void)mapping;
	if (!n->len) {
		/* An empty mapping is always written in flow style. */
		write_indicator(e, "{", true, true, false);
		write_indicator(e, "}", false, false, false);
		return 0;
	}
	for (uint32_t i = 0; i < n->len; i++)
		total += n->v.pairs[i].klen + 1;
	/* Most maps are small: sort them in stack arrays. */
	struct skey kbuf[32];
	uint32_t rbuf[1024];
	keys = n->len <= 32 ? kbuf : cf_xmalloc(n->len * sizeof(*keys));
	runes = total <= 1024 ? rbuf : cf_xmalloc(total * sizeof(*runes));
	for (uint32_t i = 0; i < n->len; i++) {
		const cf_pair *p = &n->v.pairs[i];
		keys[i].r = runes + at;
		keys[i].n = to_runes(runes + at, p->key, p->klen);
		keys[i].pair = p;
		at += keys[i].n;
	}
	qsort(keys, n->len, sizeof(*keys), skey_cmp);

	old = increase_indent(e, false, false);
	for (uint32_t i = 0; i < n->len && !err; i++) {
		const cf_pair *p = keys[i].pair;
		cf_node key = { .type = CF_NODE_STR, .len = p->klen };

		key.v.s = p->key;
		write_indent(e);
		if (key_is_simple(e, p)) {
			err = emit_node(e, &key, false, true, true, depth);
			if (err)
				break;
			write_indicator(e, ":", false, false, false);
		} else {
			/* A long or multi-line key: "? key" then ": value". */
			write_indicator(e, "?", true, false, true);
			err = emit_node(e, &key, false, true, false, depth);
			if (err)
				break;
			write_indent(e);
			write_indicator(e, ":", true, false, true);
		}
		err = emit_node(e, p->val, false, true, false, depth);
	}
	e->indent = old;
	if (runes != rbuf)
		free(runes);
	if (keys != kbuf)
		free(keys);
	return err;
}

/* A block sequence; "[]" when empty. Items start with "- " at the
 * sequence's indentation, which for a mapping value is the key's own. */
static int emit_seq(struct em *e, const cf_node *n, bool mapping, int depth)
{
	int old, err = 0;

	if (!n->len) {
		write_indicator(e, "[", true, true, false);
		write_indicator(e, "]", false, false, false);
		return 0;
	}
	/* A sequence that is a mapping value is not indented ("indentless"). */
	old = increase_indent(e, false, mapping && !e->indention);
	for (uint32_t i = 0; i < n->len && !err; i++) {
		write_indent(e);
		write_indicator(e, "-", true, false, true);
		err = emit_node(e, n->v.items[i], false, false, false, depth);
	}
	e->indent = old;
	return err;
}

/* Dispatch on the node type; depth guards the recursion. */
static int emit_node(struct em *e, const cf_node *n, bool root, bool mapping,
    bool simple_key, int depth)
{
	(void)root;
	if (depth > CF_YAML_EMIT_MAX_DEPTH)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "yaml: nesting deeper than %d levels", CF_YAML_EMIT_MAX_DEPTH);
	if (n && n->type == CF_NODE_MAP)
		return emit_map(e, n, mapping, depth + 1);
	if (n && n->type == CF_NODE_SEQ)
		return emit_seq(e, n, mapping, depth + 1);
	return emit_scalar(e, n, simple_key);
}

int cf_yaml_emit(cf_buf *out, const cf_node *n)
{
	struct em e = { .out = out, .column = 0, .indent = -1,
	    .whitespace = true, .indention = true, .scratch = CF_BUF_INIT };
	size_t start = out->len;
	int err;

	err = emit_node(&e, n, true, false, false, 0);
	if (!err) {
		/* Document end: finish the last line. */
		write_indent(&e);
	}
	cf_buf_release(&e.scratch);
	if (!err && out->cap && out->len >= out->cap)
		err = cf_error_setc(CF_ETOOLARGE, CF_ERR_PARSE,
		    "yaml: output larger than %zu bytes", out->cap);
	if (err)
		cf_buf_truncate(out, start);
	return err;
}

int cf_yaml_emit_stream(cf_buf *out, cf_node *const *docs, size_t n)
{
	size_t start = out->len;

	for (size_t i = 0; i < n; i++) {
		int err;

		if (i)
			cf_buf_adds(out, "---\n");
		if ((err = cf_yaml_emit(out, docs[i])) < 0) {
			cf_buf_truncate(out, start);
			return err;
		}
	}
	return 0;
}
