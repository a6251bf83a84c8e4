/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The process's controller metrics (spec/flux-api.md §9):
 * gotk_reconcile_duration_seconds{kind,name,namespace} and
 * controller-runtime's workqueue_* series of every registered queue,
 * written in Prometheus text exposition format 0.0.4. Serving /metrics is
 * not done here. Thread-safe; the registry is process-wide, like
 * Prometheus' default registry.
 */
#ifndef CF_RUNTIME_METRICS_H
#define CF_RUNTIME_METRICS_H

#include "core/buf.h"
#include "runtime/workqueue.h"

/* Flux's buckets: ExponentialBucketsRange(10 ms, 1800 s, 10). */
#define CF_METRICS_RECONCILE_BUCKETS 10

/* Record one pass of kind ns/name that took seconds. */
void cf_metrics_observe_reconcile(const char *kind, const char *ns,
    const char *name, double seconds);
/* Drop the object's series (it was deleted), as Flux does. */
void cf_metrics_forget_reconcile(const char *kind, const char *ns,
    const char *name);

/* Expose q's counters (q borrowed until cf_metrics_unregister_queue). */
void cf_metrics_register_queue(cf_wq *q);
void cf_metrics_unregister_queue(cf_wq *q);

/* Append the exposition of every metric to out. Returns 0 or
 * CF_ETOOLARGE when out is capped. */
int cf_metrics_write(cf_buf *out);

/* Forget every series and queue (tests). */
void cf_metrics_reset(void);

#endif
