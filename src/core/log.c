/* SPDX-License-Identifier: Apache-2.0 */
#include "core/log.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int min_level = CF_LOG_INFO;
static int console;
static const char *const names[] = { "debug", "info", "error" };

int cf_log_set_level(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, names[i])) {
			min_level = i;
			return 0;
		}
	return -1;
}

int cf_log_set_encoding(const char *name)
{
	if (!strcmp(name, "json"))
		console = 0;
	else if (!strcmp(name, "console"))
		console = 1;
	else
		return -1;
	return 0;
}

static void add_ts(cf_buf *b)
{
	struct timeval tv;
	struct tm tm;
	char s[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	cf_buf_addf(b, "%s.%03dZ", s, (int)(tv.tv_usec / 1000));
}

static void emit(enum cf_log_level lvl, const char *msg, va_list kv)
{
	cf_buf b = CF_BUF_INIT;
	const char *k, *v;

	if ((int)lvl < min_level)
		return;
	if (console) {
		add_ts(&b);
		cf_buf_addf(&b, "\t%s\t%s", names[lvl], msg);
		while ((k = va_arg(kv, const char *)) && (v = va_arg(kv, const char *)))
			cf_buf_addf(&b, "\t%s=%s", k, v);
	} else {
		cf_buf_addf(&b, "{\"level\":\"%s\",\"ts\":\"", names[lvl]);
		add_ts(&b);
		cf_buf_adds(&b, "\",\"msg\":");
		cf_buf_add_json_str(&b, msg, strlen(msg));
		while ((k = va_arg(kv, const char *)) && (v = va_arg(kv, const char *))) {
			cf_buf_addch(&b, ',');
			cf_buf_add_json_str(&b, k, strlen(k));
			cf_buf_addch(&b, ':');
			cf_buf_add_json_str(&b, v, strlen(v));
		}
		cf_buf_addch(&b, '}');
	}
	cf_buf_addch(&b, '\n');
	if (write(STDERR_FILENO, b.buf, b.len) < 0) {
		/* nowhere left to report it */
	}
	cf_buf_release(&b);
}

void cf_log(enum cf_log_level lvl, const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	emit(lvl, msg, ap);
	va_end(ap);
}

static void emit_nokv(enum cf_log_level lvl, const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	emit(lvl, msg, ap);
	va_end(ap);
}

void cf_logf(enum cf_log_level lvl, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	if ((int)lvl < min_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit_nokv(lvl, msg, (const char *)NULL);
}
