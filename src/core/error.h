/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error codes and the per-thread "last error" message (libgit2's model).
 * A failing library function sets the message once, where the failure
 * happens, and returns a negative code; callers that can add useful context
 * wrap it. Library code never prints or exits.
 */
#ifndef CF_CORE_ERROR_H
#define CF_CORE_ERROR_H

/* Return codes: 0 is success, every error is negative. */
enum cf_error_code {
	CF_OK = 0,
	CF_ERROR = -1,      /* generic failure */
	CF_ENOTFOUND = -2,  /* 404 */
	CF_EEXISTS = -3,    /* 409 AlreadyExists */
	CF_ECONFLICT = -4,  /* 409 Conflict */
	CF_EINVALID = -5,   /* 422 / 400: bad input */
	CF_EFORBIDDEN = -6, /* 403 */
	CF_ETIMEOUT = -7,   /* 504 */
	CF_ETOOLARGE = -8,  /* 413: a cap was hit */
	CF_EGONE = -9,      /* 410: revision compacted */
};

/* Error classes: which subsystem failed (for logs, not for branching). */
enum cf_error_class {
	CF_ERR_NONE = 0,
	CF_ERR_OS,
	CF_ERR_NOMEM,
	CF_ERR_PARSE,
	CF_ERR_STORE,
	CF_ERR_HTTP,
	CF_ERR_TLS,
	CF_ERR_KUBE,
	CF_ERR_GIT,
	CF_ERR_KUSTOMIZE,
	CF_ERR_INVALID,
};

#define CF_ERROR_MSG_MAX 1024

typedef struct cf_error {
	int klass;   /* enum cf_error_class */
	int code;    /* enum cf_error_code, as last returned */
	char message[CF_ERROR_MSG_MAX];
} cf_error;

/* Set the calling thread's last error; returns code so callers can write
 * `return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "...")`. */
int cf_error_setc(int code, int klass, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Same with code CF_ERROR; returns CF_ERROR. */
int cf_error_set(int klass, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix the current message with "<context>: " (Go's %w); returns the
 * current code so `return cf_error_wrap("reading '%s'", path)` works. */
int cf_error_wrap(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set from errno: "<context>: strerror(errno)". Returns CF_ERROR, or
 * CF_ENOTFOUND for ENOENT. */
int cf_error_os(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The calling thread's last error. Valid only right after a failure. */
const cf_error *cf_error_last(void);
const char *cf_error_msg(void);
void cf_error_clear(void);

#endif
