/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cf_buf: the one growable byte string (git's strbuf). Invariants: buf is
 * never NULL and always NUL-terminated at len; CF_BUF_INIT is a valid empty
 * buffer. A capped buffer (cf_buf_init_capped) refuses to grow past its cap
 * and reports CF_ETOOLARGE instead, so outside input can be read into it
 * without trusting its length.
 */
#ifndef CF_CORE_BUF_H
#define CF_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct cf_buf {
	char *buf;
	size_t len;
	size_t alloc; /* 0 while buf points at the shared empty string */
	size_t cap;   /* 0 = uncapped */
} cf_buf;

extern char cf_buf_empty[];
#define CF_BUF_INIT { cf_buf_empty, 0, 0, 0 }

void cf_buf_init(cf_buf *b, size_t hint);
/* A buffer that never holds more than cap bytes. */
void cf_buf_init_capped(cf_buf *b, size_t cap);
/* Free the bytes; b is then CF_BUF_INIT again (the cap is kept). */
void cf_buf_release(cf_buf *b);
/* Hand the bytes to the caller (free() them); b is reset. */
char *cf_buf_detach(cf_buf *b, size_t *len);
void cf_buf_reset(cf_buf *b);
void cf_buf_truncate(cf_buf *b, size_t len);

/* Make room for n more bytes. Returns 0, or CF_ETOOLARGE past the cap
 * (with the error message set and the buffer unchanged). */
int cf_buf_grow(cf_buf *b, size_t n);

/* Appenders return 0 or CF_ETOOLARGE; uncapped buffers never fail. */
int cf_buf_add(cf_buf *b, const void *data, size_t n);
int cf_buf_adds(cf_buf *b, const char *s);
int cf_buf_addch(cf_buf *b, char c);
int cf_buf_addf(cf_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int cf_buf_vaddf(cf_buf *b, const char *fmt, va_list ap);

/* Append s as a JSON string literal (quotes included, Go's escaping). */
int cf_buf_add_json_str(cf_buf *b, const char *s, size_t n);

#endif
