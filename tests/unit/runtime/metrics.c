/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>

#include "core/buf.h"
#include "core/error.h"
#include "runtime/metrics.h"
#include "runtime/result.h"
#include "test.h"

TEST(test_runtime_metrics__reconcile_histogram)
{
	cf_buf b = CF_BUF_INIT;

	cf_metrics_reset();
	cf_metrics_observe_reconcile("GitRepository", "flux-system", "app",
	    0.005);
	cf_metrics_observe_reconcile("GitRepository", "flux-system", "app",
	    2.5);
	cf_metrics_observe_reconcile("Kustomization", "a\"b", "x", 4000);
	CHECK_INT(cf_metrics_write(&b), 0);
	CHECK(strstr(b.buf, "# TYPE gotk_reconcile_duration_seconds "
	    "histogram\n"));
	CHECK(strstr(b.buf, "gotk_reconcile_duration_seconds_bucket{kind="
	    "\"GitRepository\",name=\"app\",namespace=\"flux-system\","
	    "le=\"0.01\"} 1\n"));
	CHECK(strstr(b.buf, "gotk_reconcile_duration_seconds_bucket{kind="
	    "\"GitRepository\",name=\"app\",namespace=\"flux-system\","
	    "le=\"1800\"} 2\n"));
	CHECK(strstr(b.buf, "gotk_reconcile_duration_seconds_count{kind="
	    "\"GitRepository\",name=\"app\",namespace=\"flux-system\"} 2\n"));
	CHECK(strstr(b.buf, "gotk_reconcile_duration_seconds_sum{kind="
	    "\"GitRepository\",name=\"app\",namespace=\"flux-system\"} 2.505\n"));
	/* Over the last bound: only +Inf; label quotes escaped. */
	CHECK(strstr(b.buf, "namespace=\"a\\\"b\",le=\"1800\"} 0\n"));
	CHECK(strstr(b.buf, "namespace=\"a\\\"b\",le=\"+Inf\"} 1\n"));
	cf_metrics_forget_reconcile("GitRepository", "flux-system", "app");
	cf_buf_reset(&b);
	CHECK_INT(cf_metrics_write(&b), 0);
	CHECK(!strstr(b.buf, "GitRepository"));
	cf_buf_release(&b);
	cf_metrics_reset();
}

TEST(test_runtime_metrics__workqueue_series)
{
	cf_buf b = CF_BUF_INIT;
	cf_wq *q = cf_wq_new("gitrepository", NULL);
	cf_key k, got;

	cf_metrics_reset();
	cf_metrics_register_queue(q);
	cf_key_set(&k, "source.toolkit.fluxcd.io", "GitRepository", "ns", "a");
	cf_wq_add(q, &k);
	cf_wq_add_rate_limited(q, &k);
	CHECK_INT(cf_metrics_write(&b), 0);
	CHECK(strstr(b.buf, "# TYPE workqueue_depth gauge\n"
	    "workqueue_depth{name=\"gitrepository\"} 1\n"));
	CHECK(strstr(b.buf, "workqueue_adds_total{name=\"gitrepository\"} 1\n"));
	CHECK(strstr(b.buf, "workqueue_retries_total{name=\"gitrepository\"} 1\n"));
	CHECK_INT(cf_wq_get(q, &got), 0);
	cf_wq_done(q, &got);
	cf_buf_reset(&b);
	CHECK_INT(cf_metrics_write(&b), 0);
	CHECK(strstr(b.buf, "workqueue_work_duration_seconds_count{name="
	    "\"gitrepository\"} 1\n"));
	CHECK(strstr(b.buf, "workqueue_work_duration_seconds_bucket{name="
	    "\"gitrepository\",le=\"+Inf\"} 1\n"));
	/* A capped buffer reports the overflow. */
	{
		cf_buf small;

		cf_buf_init_capped(&small, 64);
		CHECK_INT(cf_metrics_write(&small), CF_ETOOLARGE);
		cf_buf_release(&small);
	}
	cf_metrics_unregister_queue(q);
	cf_wq_free(q);
	cf_buf_release(&b);
	cf_metrics_reset();
}

typedef struct { int n; int fail_at; } pass;
static cf_result step_a(pass *p) { p->n++; return cf_result_ok(); }
static cf_result step_b(pass *p)
{
	p->n++;
	if (p->fail_at == 2)
		return cf_result_failed("BuildFailed", "step %d failed", 2);
	return cf_result_ok();
}
static cf_result step_c(pass *p) { p->n++; return cf_result_done_after(60000); }

TEST(test_runtime_result__run_steps_stops_at_first_non_ok)
{
	static cf_result (*const steps[])(pass *) = { step_a, step_b, step_c };
	pass p = { 0, 2 };
	cf_result r;

	CF_RUN_STEPS(r, &p, steps);
	CHECK_INT(p.n, 2);
	CHECK_INT(r.kind, CF_RESULT_FAILED);
	CHECK_STR(r.reason, "BuildFailed");
	CHECK_STR(r.message, "step 2 failed");
	p = (pass){ 0, 0 };
	CF_RUN_STEPS(r, &p, steps);
	CHECK_INT(p.n, 3);
	CHECK_INT(r.kind, CF_RESULT_DONE);
	CHECK_INT(r.requeue_after_ms, 60000);
	CHECK_STR(cf_result_kind_name(r.kind), "Done");
}

TEST_MAIN(T(test_runtime_metrics__reconcile_histogram),
    T(test_runtime_metrics__workqueue_series),
    T(test_runtime_result__run_steps_stops_at_first_non_ok))
