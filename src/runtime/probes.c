/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The three endpoints are cheap and answered on the loop thread: liveness
 * only proves the loop turns, readiness asks the program's callback, and
 * /metrics renders the registry into a buffer handed to httpd without a
 * copy. Paths and answers follow controller-runtime's healthz server
 * (200 "ok", 500 when a check fails) so probes written for Flux work.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "httpd/server.h"
#include "runtime/metrics.h"
#include "runtime/probes.h"

struct cf_probes {
	cf_httpd *h;
	pthread_t thread;
	bool (*ready)(void *);
	void *payload;
};

static void reply_text(cf_httpd_req *req, int code, const char *text)
{
	cf_httpd_reply(req, code, "text/plain; charset=utf-8", text,
	    strlen(text));
}

/* Rendered per scrape: the registry is small, and a cached copy would
 * be stale by the next reconcile. */
static void serve_metrics(cf_httpd_req *req)
{
	cf_buf out = CF_BUF_INIT;

	if (cf_metrics_write(&out) < 0) {
		cf_buf_release(&out);
		reply_text(req, 500, "cannot render metrics\n");
		return;
	}
	cf_httpd_reply_take(req, 200, CF_PROBES_METRICS_TYPE, &out);
}

static void on_request(cf_httpd_req *req, void *payload)
{
	cf_probes *p = payload;
	const char *path = cf_httpd_path(req);
	const char *m = cf_httpd_method(req);

	/* GET only: evhttp would send a body with a HEAD answer, and
	 * neither the kubelet nor Prometheus sends HEAD. */
	if (strcmp(m, "GET")) {
		cf_httpd_add_header(req, "Allow", "GET");
		reply_text(req, 405, "method not allowed\n");
	} else if (!strcmp(path, "/healthz") || !strcmp(path, "/livez")) {
		/* Answering at all is the check: the loop is alive. */
		reply_text(req, 200, "ok");
	} else if (!strcmp(path, "/readyz")) {
		if (!p->ready || p->ready(p->payload))
			reply_text(req, 200, "ok");
		else
			reply_text(req, 500, "[-]ready failed\n"
			    "readyz check failed\n");
	} else if (!strcmp(path, "/metrics")) {
		serve_metrics(req);
	} else {
		reply_text(req, 404, "404 page not found\n");
	}
}

static void *serve_main(void *arg)
{
	cf_probes *p = arg;

	/* It fails only if libevent's loop does; the kubelet's probes then
	 * notice, as they should. */
	(void)cf_httpd_run(p->h);
	return NULL;
}

int cf_probes_start(cf_probes **out, const cf_probes_opts *opts)
{
	cf_probes *p = cf_xcalloc(1, sizeof(*p));
	cf_httpd_opts ho = {
		.listen = opts->listen,
		.max_body = 1, /* probes carry no body */
		.handler = on_request,
		.payload = p,
	};
	int err;

	*out = NULL;
	p->ready = opts->ready;
	p->payload = opts->payload;
	if ((err = cf_httpd_new(&p->h, &ho)) < 0) {
		free(p);
		return err;
	}
	if (pthread_create(&p->thread, NULL, serve_main, p) != 0) {
		cf_httpd_free(p->h);
		free(p);
		return cf_error_set(CF_ERR_OS, "cannot start the probe server");
	}
	*out = p;
	return 0;
}

void cf_probes_stop(cf_probes *p)
{
	if (!p)
		return;
	cf_httpd_stop(p->h);
	pthread_join(p->thread, NULL);
	cf_httpd_free(p->h);
	free(p);
}

int cf_probes_port(const cf_probes *p)
{
	return cf_httpd_port(p->h);
}
