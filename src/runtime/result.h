/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cf_result: what a reconcile step returns (STYLE.md §4): controller-
 * runtime's Result merged with source-controller's Stalling / Waiting /
 * Generic errors. Plain data with an inline message, so it is returned by
 * value with no ownership question. The manager turns it into requeues
 * (manager.h); cf_status_record turns it into conditions (conditions.h).
 */
#ifndef CF_RUNTIME_RESULT_H
#define CF_RUNTIME_RESULT_H

#include <stddef.h>
#include <stdint.h>

enum cf_result_kind {
	CF_RESULT_OK = 0, /* step done, go on to the next step */
	CF_RESULT_DONE,   /* pass done; requeue_after_ms > 0: run again then */
	CF_RESULT_REQUEUE, /* run again: after requeue_after_ms, else backoff */
	CF_RESULT_WAIT,   /* not ready yet (a dependency): after the delay */
	CF_RESULT_STALLED, /* cannot progress until the spec changes */
	CF_RESULT_FAILED, /* transient error: exponential backoff */
};

typedef struct cf_result {
	enum cf_result_kind kind;
	const char *reason;       /* static: CF_REASON_* */
	int64_t requeue_after_ms; /* WAIT: exact delay; FAILED: backoff cap */
	char message[512];        /* inline, truncated */
} cf_result;

cf_result cf_result_ok(void);
/* Success; requeue_after_ms > 0 schedules the next pass (spec.interval). */
cf_result cf_result_done_after(int64_t requeue_after_ms);
#define cf_result_done() cf_result_done_after(0)
cf_result cf_result_requeue(int64_t after_ms);
cf_result cf_result_wait(int64_t after_ms, const char *reason,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
cf_result cf_result_stalled(const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
cf_result cf_result_failed(const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "OK", "Done", ... for logs. */
const char *cf_result_kind_name(enum cf_result_kind k);

/* Run steps in order on pass, stopping at the first result that is not
 * OK (source-controller's loop); res gets the last result. Typed by the
 * caller's step signature, hence a macro. */
#define CF_RUN_STEPS(res, pass, steps)                                   \
	do {                                                             \
		(res) = cf_result_ok();                                  \
		for (size_t i_ = 0; i_ < sizeof(steps) / sizeof((steps)[0]); \
		     i_++) {                                             \
			(res) = (steps)[i_](pass);                       \
			if ((res).kind != CF_RESULT_OK)                  \
				break;                                   \
		}                                                        \
	} while (0)

#endif
