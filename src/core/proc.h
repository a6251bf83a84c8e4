/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Running a helper program (gpgv, ssh-keygen, ...) safely: an argument
 * vector and an explicit environment, never a shell; stdin from a file or
 * /dev/null; stdout captured up to a cap, stderr kept in part; its own
 * process group, killed whole when the deadline passes; no descriptor of
 * the daemon leaks into it. The git transport has its own runner
 * (controllers/source/git.c) because it needs git's private home set up.
 */
#ifndef CF_CORE_PROC_H
#define CF_CORE_PROC_H

#include <stddef.h>

#include "core/buf.h"

typedef struct cf_proc_opts {
	const char *const *env;  /* NULL-terminated; NULL: empty environment */
	const char *cwd;         /* NULL: "/" */
	const char *stdin_path;  /* NULL: /dev/null */
	int timeout_ms;          /* 0: 60 s */
	size_t max_out;          /* stdout cap; 0: 1 MiB */
	size_t max_err;          /* stderr kept; 0: 16 KiB (rest dropped) */
} cf_proc_opts;

/* Run the program at path (absolute) with argv (argv[0] included,
 * NULL-terminated). stdout is appended to out, stderr (truncated) to err;
 * either may be NULL to discard. Returns the exit status (>= 0; 128 + n
 * for a signal), or CF_ETIMEOUT (the group was killed), CF_ETOOLARGE
 * (stdout passed max_out; killed) or CF_ERROR (could not start: message
 * set). */
int cf_proc_run(cf_buf *out, cf_buf *err, const char *path,
    const char *const *argv, const cf_proc_opts *opts);

#endif
