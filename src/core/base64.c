/* SPDX-License-Identifier: Apache-2.0 */
#include "core/base64.h"
#include "core/error.h"

static const char std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int cf_base64_encode(cf_buf *out, const void *data, size_t len, bool url)
{
	const unsigned char *p = data;
	const char *al = url ? url_alpha : std_alpha;
	size_t i;

	if (cf_buf_grow(out, (len + 2) / 3 * 4) < 0)
		return CF_ETOOLARGE;
	for (i = 0; i + 2 < len; i += 3) {
		char q[4] = { al[p[i] >> 2], al[((p[i] & 3) << 4) | (p[i + 1] >> 4)],
			al[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], al[p[i + 2] & 63] };
		cf_buf_add(out, q, 4);
	}
	if (i < len) {
		char q[4];
		size_t n = 2;
		q[0] = al[p[i] >> 2];
		if (i + 1 < len) {
			q[1] = al[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			q[2] = al[(p[i + 1] & 15) << 2];
			n = 3;
		} else {
			q[1] = al[(p[i] & 3) << 4];
		}
		if (!url) {
			while (n < 4)
				q[n++] = '=';
		}
		cf_buf_add(out, q, n);
	}
	return 0;
}

static int value_of(unsigned char c, bool url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == (url ? '-' : '+'))
		return 62;
	if (c == (url ? '_' : '/'))
		return 63;
	return -1;
}

int cf_base64_decode(cf_buf *out, const char *text, size_t len, bool url)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i;

	while (len && text[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
		    "illegal base64 data at input byte %zu", len - 1);
	if (cf_buf_grow(out, len / 4 * 3 + 3) < 0)
		return CF_ETOOLARGE;
	for (i = 0; i < len; i++) {
		int v = value_of((unsigned char)text[i], url);
		if (v < 0)
			return cf_error_setc(CF_EINVALID, CF_ERR_PARSE,
			    "illegal base64 data at input byte %zu", i);
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			cf_buf_addch(out, (char)((acc >> bits) & 0xff));
		}
	}
	return 0;
}
