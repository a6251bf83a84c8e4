/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The probe server on 127.0.0.1:0, asked over loopback HTTP: liveness,
 * readiness following its callback, /metrics in the Prometheus text
 * format, 404 and 405 for the rest.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "core/http.h"
#include "runtime/metrics.h"
#include "runtime/probes.h"
#include "test.h"

static atomic_bool ready_flag;

static bool is_ready(void *payload)
{
	(void)payload;
	return atomic_load(&ready_flag);
}

/* One request; the status, or -1. resp is released by the caller. */
static long get(cf_http *h, int port, const char *method, const char *path,
    cf_http_response *resp)
{
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	if (cf_http_do(h, &(cf_http_request){ .method = method, .url = url,
	    .accept = "*/*" }, resp) < 0)
		return -1;
	return resp->status;
}

TEST(test_runtime_probes__paths)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_probes *p = NULL;
	cf_http *h = NULL;
	int port;

	CHECK_INT(cf_probes_start(&p, &(cf_probes_opts){
	    .listen = "127.0.0.1:0", .ready = is_ready }), 0);
	port = cf_probes_port(p);
	CHECK(port > 0);
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ 0 }), 0);

	CHECK_INT(get(h, port, "GET", "/healthz", &resp), 200);
	CHECK_STR(resp.body.buf, "ok");
	cf_http_response_release(&resp);

	atomic_store(&ready_flag, false);
	CHECK_INT(get(h, port, "GET", "/readyz", &resp), 500);
	cf_http_response_release(&resp);
	atomic_store(&ready_flag, true);
	CHECK_INT(get(h, port, "GET", "/readyz", &resp), 200);
	CHECK_STR(resp.body.buf, "ok");
	cf_http_response_release(&resp);

	cf_metrics_observe_reconcile("GitRepository", "flux-system",
	    "podinfo", 0.25);
	CHECK_INT(get(h, port, "GET", "/metrics", &resp), 200);
	CHECK_STR(resp.content_type, CF_PROBES_METRICS_TYPE);
	CHECK(strstr(resp.body.buf, "gotk_reconcile_duration_seconds_count{"
	    "kind=\"GitRepository\",name=\"podinfo\","
	    "namespace=\"flux-system\"} 1"));
	cf_http_response_release(&resp);

	CHECK_INT(get(h, port, "GET", "/nope", &resp), 404);
	cf_http_response_release(&resp);
	CHECK_INT(get(h, port, "POST", "/healthz", &resp), 405);
	cf_http_response_release(&resp);

	cf_http_free(h);
	cf_probes_stop(p);
}

TEST(test_runtime_probes__no_callback_is_ready)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_probes *p = NULL;
	cf_http *h = NULL;

	CHECK_INT(cf_probes_start(&p, &(cf_probes_opts){
	    .listen = "127.0.0.1:0" }), 0);
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ 0 }), 0);
	CHECK_INT(get(h, cf_probes_port(p), "GET", "/readyz", &resp), 200);
	cf_http_response_release(&resp);
	cf_http_free(h);
	cf_probes_stop(p);
}

TEST(test_runtime_probes__bad_address)
{
	cf_probes *p = NULL;

	CHECK_INT(cf_probes_start(&p, &(cf_probes_opts){ .listen = "nope" }),
	    CF_EINVALID);
	CHECK(!p);
	cf_probes_stop(NULL);
}

TEST_MAIN(T(test_runtime_probes__paths),
    T(test_runtime_probes__no_callback_is_ready),
    T(test_runtime_probes__bad_address))
