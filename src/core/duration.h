/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Go's time.Duration text form, as Kubernetes' metav1.Duration fields
 * (interval: 1m0s, timeout: 60s) carry it: a sequence of decimal numbers
 * with units ns, us (µs), ms, s, m, h; an optional sign; "0" alone.
 */
#ifndef CF_CORE_DURATION_H
#define CF_CORE_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Parse s into nanoseconds. CF_EINVALID (message naming the text) on
 * syntax errors or overflow. */
int cf_duration_parse(int64_t *ns, const char *s);

/* Format ns as Go does ("1m0s", "1h30m0s", "500ms", "0s") into out
 * (at least 32 bytes). Returns out. */
char *cf_duration_format(char *out, size_t n, int64_t ns);

#endif
