/* SPDX-License-Identifier: Apache-2.0 */
#include "core/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local cf_error last;

static void vset(int code, int klass, const char *fmt, va_list ap)
{
	last.code = code;
	last.klass = klass;
	vsnprintf(last.message, sizeof(last.message), fmt, ap);
}

int cf_error_setc(int code, int klass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(code, klass, fmt, ap);
	va_end(ap);
	return code;
}

int cf_error_set(int klass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(CF_ERROR, klass, fmt, ap);
	va_end(ap);
	return CF_ERROR;
}

int cf_error_wrap(const char *fmt, ...)
{
	char prefix[CF_ERROR_MSG_MAX], old[CF_ERROR_MSG_MAX];
	size_t n, m;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, last.message, sizeof(old));
	/* "<prefix>: <old>", cut to the buffer (the end of old goes first). */
	n = strlen(prefix);
	if (n > sizeof(last.message) - 3)
		n = sizeof(last.message) - 3;
	memcpy(last.message, prefix, n);
	memcpy(last.message + n, ": ", 2);
	m = strnlen(old, sizeof(old) - 1);
	if (m > sizeof(last.message) - n - 3)
		m = sizeof(last.message) - n - 3;
	memcpy(last.message + n + 2, old, m);
	last.message[n + 2 + m] = '\0';
	return last.code ? last.code : CF_ERROR;
}

int cf_error_os(const char *fmt, ...)
{
	int saved = errno, code = saved == ENOENT ? CF_ENOTFOUND : CF_ERROR;
	char prefix[CF_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	return cf_error_setc(code, CF_ERR_OS, "%s: %s", prefix, strerror(saved));
}

const cf_error *cf_error_last(void)
{
	return &last;
}

const char *cf_error_msg(void)
{
	return last.message;
}

void cf_error_clear(void)
{
	last.code = 0;
	last.klass = 0;
	last.message[0] = '\0';
}
