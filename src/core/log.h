/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Structured logs shaped like Flux's (zap JSON): one object per line on
 * stderr with "level", "ts" (RFC 3339, milliseconds), "msg" and any extra
 * key/value pairs. Thread-safe: each line is written with a single write().
 * Callers must never pass secrets or credential-bearing URLs.
 */
#ifndef CF_CORE_LOG_H
#define CF_CORE_LOG_H

enum cf_log_level { CF_LOG_DEBUG = 0, CF_LOG_INFO, CF_LOG_ERROR };

/* Minimum level printed; "debug", "info" or "error". Returns -1 if unknown. */
int cf_log_set_level(const char *name);
/* "json" (default) or "console" (human: "LEVEL msg k=v"). */
int cf_log_set_encoding(const char *name);

/* kv is a NULL-terminated list of key, value string pairs. */
void cf_log(enum cf_log_level lvl, const char *msg, ...);
void cf_logf(enum cf_log_level lvl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define cf_log_info(...) cf_logf(CF_LOG_INFO, __VA_ARGS__)
#define cf_log_error(...) cf_logf(CF_LOG_ERROR, __VA_ARGS__)
#define cf_log_debug(...) cf_logf(CF_LOG_DEBUG, __VA_ARGS__)

#endif
