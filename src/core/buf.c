/* SPDX-License-Identifier: Apache-2.0 */
#include "core/buf.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char cf_buf_empty[1];

void cf_buf_init(cf_buf *b, size_t hint)
{
	b->buf = cf_buf_empty;
	b->len = b->alloc = b->cap = 0;
	if (hint)
		cf_buf_grow(b, hint);
}

void cf_buf_init_capped(cf_buf *b, size_t cap)
{
	cf_buf_init(b, 0);
	b->cap = cap;
}

void cf_buf_release(cf_buf *b)
{
	size_t cap = b->cap;

	if (b->alloc)
		free(b->buf);
	cf_buf_init(b, 0);
	b->cap = cap;
}

char *cf_buf_detach(cf_buf *b, size_t *len)
{
	char *p = b->alloc ? b->buf : cf_xstrdup("");

	if (len)
		*len = b->len;
	b->buf = cf_buf_empty;
	b->len = b->alloc = 0;
	return p;
}

void cf_buf_reset(cf_buf *b)
{
	cf_buf_truncate(b, 0);
}

void cf_buf_truncate(cf_buf *b, size_t len)
{
	if (len > b->len)
		CF_BUG("truncate beyond length");
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

int cf_buf_grow(cf_buf *b, size_t n)
{
	size_t need = b->len + n + 1;
	char *old = b->alloc ? b->buf : NULL;

	if (need < n)
		CF_BUG("buffer size overflow");
	if (b->cap && b->len + n > b->cap)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "more than %zu bytes", b->cap);
	if (need <= b->alloc)
		return 0;
	CF_GROW(old, b->alloc, need);
	if (!b->len)
		old[0] = '\0';
	b->buf = old;
	return 0;
}

int cf_buf_add(cf_buf *b, const void *data, size_t n)
{
	if (cf_buf_grow(b, n) < 0)
		return CF_ETOOLARGE;
	if (n)
		memcpy(b->buf + b->len, data, n);
	b->len += n;
	if (b->alloc)
		b->buf[b->len] = '\0';
	return 0;
}

int cf_buf_adds(cf_buf *b, const char *s)
{
	return cf_buf_add(b, s, strlen(s));
}

int cf_buf_addch(cf_buf *b, char c)
{
	return cf_buf_add(b, &c, 1);
}

int cf_buf_vaddf(cf_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		CF_BUG("bad format '%s'", fmt);
	if (cf_buf_grow(b, (size_t)n) < 0)
		return CF_ETOOLARGE;
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int cf_buf_addf(cf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = cf_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * Go's encoding/json escaping, which Kubernetes' serializer uses: the short
 * escapes for \" \\ \n \r \t, \u00XX for other controls, and the HTML-safe
 * escapes for < > & plus U+2028/U+2029. Invalid UTF-8 becomes \ufffd as Go
 * writes it.
 */
int cf_buf_add_json_str(cf_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, start = 0;

	if (cf_buf_grow(b, n + 2) < 0)
		return CF_ETOOLARGE;
	cf_buf_addch(b, '"');
	while (i < n) {
		unsigned char c = p[i];
		char esc[8];
		size_t elen = 0, skip = 1;

		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' &&
		    c != '>' && c != '&' && c < 0x80) {
			i++;
			continue;
		}
		if (c < 0x80) {
			esc[0] = '\\';
			elen = 2;
			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			default:
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				elen = 6;
			}
		} else {
			/* Validate one UTF-8 sequence. */
			unsigned cp = 0;
			size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
			int ok = need && c < 0xf5 && i + need <= n;

			for (size_t k = 1; ok && k < need; k++)
				ok = (p[i + k] & 0xc0) == 0x80;
			if (ok) {
				cp = need == 2 ? c & 0x1f : need == 3 ? c & 0x0f : c & 0x07;
				for (size_t k = 1; k < need; k++)
					cp = (cp << 6) | (p[i + k] & 0x3f);
				ok = !(need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) &&
				    !(need == 4 && (cp < 0x10000 || cp > 0x10ffff));
			}
			if (ok && cp != 0x2028 && cp != 0x2029) {
				i += need;
				continue;
			}
			if (ok) {
				memcpy(esc, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
				elen = 6;
				skip = need;
			} else {
				memcpy(esc, "\\ufffd", 6); /* as Go writes it */
				elen = 6;
			}
		}
		cf_buf_add(b, s + start, i - start);
		if (cf_buf_add(b, esc, elen) < 0)
			return CF_ETOOLARGE;
		i += skip;
		start = i;
	}
	cf_buf_add(b, s + start, i - start);
	return cf_buf_addch(b, '"');
}
