/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>

#include "runtime/result.h"

static cf_result make(enum cf_result_kind k, int64_t after,
    const char *reason, const char *fmt, va_list ap)
{
	cf_result r = { .kind = k, .reason = reason,
		.requeue_after_ms = after };

	/* Truncation is the contract: a condition message need not be
	 * longer than this. */
	if (fmt)
		vsnprintf(r.message, sizeof(r.message), fmt, ap);
	return r;
}

cf_result cf_result_ok(void)
{
	return (cf_result){ .kind = CF_RESULT_OK };
}

cf_result cf_result_done_after(int64_t after)
{
	return (cf_result){ .kind = CF_RESULT_DONE,
		.requeue_after_ms = after > 0 ? after : 0 };
}

cf_result cf_result_requeue(int64_t after)
{
	return (cf_result){ .kind = CF_RESULT_REQUEUE,
		.requeue_after_ms = after > 0 ? after : 0 };
}

cf_result cf_result_wait(int64_t after, const char *reason,
    const char *fmt, ...)
{
	va_list ap;
	cf_result r;

	va_start(ap, fmt);
	r = make(CF_RESULT_WAIT, after > 0 ? after : 0, reason, fmt, ap);
	va_end(ap);
	return r;
}

cf_result cf_result_stalled(const char *reason, const char *fmt, ...)
{
	va_list ap;
	cf_result r;

	va_start(ap, fmt);
	r = make(CF_RESULT_STALLED, 0, reason, fmt, ap);
	va_end(ap);
	return r;
}

cf_result cf_result_failed(const char *reason, const char *fmt, ...)
{
	va_list ap;
	cf_result r;

	va_start(ap, fmt);
	r = make(CF_RESULT_FAILED, 0, reason, fmt, ap);
	va_end(ap);
	return r;
}

const char *cf_result_kind_name(enum cf_result_kind k)
{
	static const char *const names[] = { "OK", "Done", "Requeue", "Wait",
		"Stalled", "Failed" };

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] :
	    "Unknown";
}
