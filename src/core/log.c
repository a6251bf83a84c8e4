/* SPDX-License-Identifier: Apache-2.0 */
#include "core/log.h"
#include "core/alloc.h"
#include "core/buf.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
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

/* ---- the ring ------------------------------------------------------ */

struct ring_line {
	char *text;
	size_t len;
	int64_t ns;   /* when it was logged (CLOCK_REALTIME) */
	uint64_t seq;
};

/* A circular array of lines, oldest at head; one lock for all of it.
 * Each line is its own allocation so that dropping the oldest never
 * moves the others. */
static struct {
	pthread_mutex_t lock;
	struct ring_line *lines;
	size_t cap, head, count;
	size_t bytes, max_bytes;
	uint64_t next_seq;
} ring = { .lock = PTHREAD_MUTEX_INITIALIZER, .next_seq = 1 };

static void ring_drop_oldest(void)
{
	struct ring_line *l = &ring.lines[ring.head];

	ring.bytes -= l->len;
	free(l->text);
	l->text = NULL;
	ring.head = (ring.head + 1) % ring.cap;
	ring.count--;
}

void cf_log_ring_enable(size_t max_bytes, size_t max_lines)
{
	if (max_bytes > CF_LOG_RING_MAX_BYTES)
		max_bytes = CF_LOG_RING_MAX_BYTES;
	if (!max_lines)
		max_lines = max_bytes / 128 ? max_bytes / 128 : 1;
	pthread_mutex_lock(&ring.lock);
	while (ring.count)
		ring_drop_oldest();
	free(ring.lines);
	ring.lines = NULL;
	ring.cap = ring.head = ring.bytes = 0;
	ring.max_bytes = max_bytes;
	if (max_bytes) {
		ring.lines = cf_xcalloc(max_lines, sizeof(*ring.lines));
		ring.cap = max_lines;
	}
	pthread_mutex_unlock(&ring.lock);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The tee: keep a copy of one written line. */
static void ring_add(const char *text, size_t len)
{
	struct ring_line *l;
	int64_t ns = now_ns();

	pthread_mutex_lock(&ring.lock);
	if (!ring.cap) {
		pthread_mutex_unlock(&ring.lock);
		return;
	}
	if (len > ring.max_bytes)
		len = ring.max_bytes;
	while (ring.count && (ring.count == ring.cap ||
	    ring.bytes + len > ring.max_bytes))
		ring_drop_oldest();
	l = &ring.lines[(ring.head + ring.count) % ring.cap];
	l->text = cf_xmalloc(len);
	memcpy(l->text, text, len);
	l->text[len - 1] = '\n'; /* a cut line still ends its line */
	l->len = len;
	l->ns = ns;
	l->seq = ring.next_seq++;
	ring.bytes += len;
	ring.count++;
	pthread_mutex_unlock(&ring.lock);
}

/* Go's time.RFC3339Nano in UTC: trailing zeros of the fraction go. */
static void add_rfc3339nano(cf_buf *b, int64_t ns)
{
	time_t secs = (time_t)(ns / 1000000000);
	long frac = (long)(ns % 1000000000);
	struct tm tm;
	char s[32], f[16];
	int n;

	gmtime_r(&secs, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(f, sizeof(f), ".%09ld", frac);
	while (n > 1 && f[n - 1] == '0')
		n--;
	cf_buf_addf(b, "%s%.*sZ", s, n > 1 ? n : 0, f);
}

static bool ring_wanted(const struct ring_line *l, const cf_log_ring_query *q)
{
	return l->seq > q->after && l->ns >= q->since_ns;
}

uint64_t cf_log_ring_read(cf_buf *out, const cf_log_ring_query *q)
{
	size_t matched = 0, skip = 0;
	uint64_t last;

	pthread_mutex_lock(&ring.lock);
	for (size_t i = 0; i < ring.count; i++)
		matched += ring_wanted(&ring.lines[(ring.head + i) % ring.cap], q);
	if (q->tail >= 0 && matched > (size_t)q->tail)
		skip = matched - (size_t)q->tail;
	for (size_t i = 0; i < ring.count; i++) {
		const struct ring_line *l = &ring.lines[(ring.head + i) % ring.cap];
		if (!ring_wanted(l, q) || (skip && skip--))
			continue;
		if (q->timestamps) {
			add_rfc3339nano(out, l->ns);
			cf_buf_addch(out, ' ');
		}
		cf_buf_add(out, l->text, l->len);
	}
	last = ring.next_seq - 1;
	pthread_mutex_unlock(&ring.lock);
	return last;
}

/* ---- lines ------------------------------------------------------------ */

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

/* The line's head: time, level and message. */
static void add_head(cf_buf *b, enum cf_log_level lvl, const char *msg)
{
	if (console) {
		add_ts(b);
		cf_buf_addf(b, "\t%s\t%s", names[lvl], msg);
		return;
	}
	cf_buf_addf(b, "{\"level\":\"%s\",\"ts\":\"", names[lvl]);
	add_ts(b);
	cf_buf_adds(b, "\",\"msg\":");
	cf_buf_add_json_str(b, msg, strlen(msg));
}

static void add_json_pair(cf_buf *b, const char *k, const char *v)
{
	cf_buf_add_json_str(b, k, strlen(k));
	cf_buf_addch(b, ':');
	cf_buf_add_json_str(b, v, strlen(v));
}

/* key=value (console) or ,"key":"value"; an object value is JSON in
 * both, as zap's console encoder writes it. */
static void add_field(cf_buf *b, const cf_log_field *f)
{
	if (console)
		cf_buf_addf(b, "\t%s=", f->key);
	else {
		cf_buf_addch(b, ',');
		cf_buf_add_json_str(b, f->key, strlen(f->key));
		cf_buf_addch(b, ':');
	}
	if (f->value) {
		if (console)
			cf_buf_adds(b, f->value);
		else
			cf_buf_add_json_str(b, f->value, strlen(f->value));
		return;
	}
	cf_buf_addch(b, '{');
	for (size_t i = 0; f->obj && f->obj[i] && f->obj[i + 1]; i += 2) {
		if (i)
			cf_buf_addch(b, ',');
		add_json_pair(b, f->obj[i], f->obj[i + 1]);
	}
	cf_buf_addch(b, '}');
}

/* End the line, write it whole and keep it in the ring. */
static void finish(cf_buf *b)
{
	if (!console)
		cf_buf_addch(b, '}');
	cf_buf_addch(b, '\n');
	if (write(STDERR_FILENO, b->buf, b->len) < 0) {
		/* nowhere left to report it */
	}
	ring_add(b->buf, b->len);
	cf_buf_release(b);
}

static void emit(enum cf_log_level lvl, const char *msg, va_list kv)
{
	cf_buf b = CF_BUF_INIT;
	cf_log_field f = { NULL, NULL, NULL };

	if ((int)lvl < min_level)
		return;
	add_head(&b, lvl, msg);
	while ((f.key = va_arg(kv, const char *)) &&
	    (f.value = va_arg(kv, const char *)))
		add_field(&b, &f);
	finish(&b);
}

void cf_log_fields(enum cf_log_level lvl, const char *msg,
    const cf_log_field *f, size_t n)
{
	cf_buf b = CF_BUF_INIT;

	if ((int)lvl < min_level)
		return;
	add_head(&b, lvl, msg);
	for (size_t i = 0; i < n; i++)
		if (f[i].key && (f[i].value || f[i].obj))
			add_field(&b, &f[i]);
	finish(&b);
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
