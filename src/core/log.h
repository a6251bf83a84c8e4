/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structured logs shaped like Flux's (zap JSON): one object per line on
 * stderr with "level", "ts" (RFC 3339, milliseconds), "msg" and any extra
 * key/value pairs. Thread-safe: each line is written with a single write().
 * Callers must never pass secrets or credential-bearing URLs.
 *
 * Optionally every written line is also kept in a bounded in-memory ring
 * (the embedded API server serves it as its Pod's log): the newest lines
 * within a byte and a line budget, each stamped with the time it was
 * logged and a sequence number readers resume from.
 */
#ifndef CF_CORE_LOG_H
#define CF_CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cf_buf;

enum cf_log_level { CF_LOG_DEBUG = 0, CF_LOG_INFO, CF_LOG_ERROR };

/* Minimum level printed; "debug", "info" or "error". Returns -1 if unknown. */
int cf_log_set_level(const char *name);
/* "json" (default) or "console" (human: "LEVEL msg k=v"). */
int cf_log_set_encoding(const char *name);

/* kv is a NULL-terminated list of key, value string pairs. */
void cf_log(enum cf_log_level lvl, const char *msg, ...);
void cf_logf(enum cf_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One key of a line: a string value, or, when value is NULL, an object of
 * obj's NULL-terminated key, value pairs, the way zap logs an object
 * reference ("GitRepository":{"name":"x","namespace":"y"}). */
typedef struct cf_log_field {
	const char *key;
	const char *value;
	const char *const *obj;
} cf_log_field;

/* Log msg with the n fields f, in their order. */
void cf_log_fields(enum cf_log_level lvl, const char *msg,
    const cf_log_field *f, size_t n);

/* ---- the ring of recent lines ---- */

#define CF_LOG_RING_MAX_BYTES (64u << 20) /* cap on max_bytes */

/*
 * Keep the most recent lines, at most max_bytes of text (capped at
 * CF_LOG_RING_MAX_BYTES) and max_lines lines (0 = max_bytes / 128: a
 * Flux-shaped JSON line is longer than that); the oldest are dropped
 * first. A line longer than max_bytes is cut to
 * max_bytes, its last byte a newline. max_bytes 0 turns the ring off and
 * frees it. Call before other threads log; thread-safe afterwards.
 */
void cf_log_ring_enable(size_t max_bytes, size_t max_lines);

typedef struct cf_log_ring_query {
	uint64_t after;   /* only lines with a larger sequence number */
	int64_t since_ns; /* only lines logged at or after (epoch ns; 0 = all) */
	long tail;        /* then only the last tail of them (< 0 = all) */
	bool timestamps;  /* prefix each with its RFC 3339 time and a space */
} cf_log_ring_query;

/*
 * Append the lines q selects, oldest first, to out. Returns the sequence
 * number of the newest line logged so far (0 before the first): pass it
 * as q->after to read only what comes next. Lines dropped meanwhile are
 * not reported.
 */
uint64_t cf_log_ring_read(struct cf_buf *out, const cf_log_ring_query *q);

#define cf_log_info(...) cf_logf(CF_LOG_INFO, __VA_ARGS__)
#define cf_log_error(...) cf_logf(CF_LOG_ERROR, __VA_ARGS__)
#define cf_log_debug(...) cf_logf(CF_LOG_DEBUG, __VA_ARGS__)

#endif
