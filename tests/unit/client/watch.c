/* SPDX-License-Identifier: Apache-2.0 */
/* Watch streams against the scripted server: chunk joining, several
 * events per chunk, resuming from the last resourceVersion, bookmarks,
 * 410 -> RELIST, and stopping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/watch.h"
#include "core/error.h"
#include "fixture.h"
#include "test.h"

static fx_proc srv = { -1, 0 };

static void stop_srv(void)
{
	fx_stop(&srv);
}

static cf_client *client(void)
{
	char server[64];
	cf_client *c = NULL;

	if (srv.pid <= 0) {
		if (fx_fake_server(&srv, NULL, NULL, NULL) < 0)
			return NULL;
		atexit(stop_srv);
	}
	snprintf(server, sizeof(server), "http://127.0.0.1:%d", srv.port);
	if (cf_client_new(&c, &(cf_rest_config){ .server = server },
	    &(cf_client_opts){ .backoff_base_ms = 1, .backoff_max_ms = 5 }) < 0)
		return NULL;
	return c;
}

struct log {
	char text[1024];
	int n;
	int stop_after; /* return CF_WATCH_STOP after this many; 0 = never */
	int fail_after; /* return an error after this many */
};

static int record(enum cf_watch_event ev, const cf_node *obj, void *payload)
{
	struct log *l = payload;
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%s%s@%s",
	    len ? " " : "", cf_watch_event_name(ev),
	    ev == CF_WATCH_RELIST ? cf_node_getp_str(obj, "reason", NULL) :
	    cf_node_getp_str(obj, "metadata", "resourceVersion", NULL));
	l->n++;
	if (l->stop_after && l->n >= l->stop_after)
		return CF_WATCH_STOP;
	if (l->fail_after && l->n >= l->fail_after)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE, "callback says no");
	return 0;
}

TEST(test_client_watch__resumes_until_relist)
{
	struct log l = { { 0 } };
	cf_client *c = client();

	CHECK(c);
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .timeout_seconds = 5 }, record, &l), CF_EGONE);
	/* Stream 1 from "", stream 2 from the bookmark's 5, stream 3 from
	 * the DELETED event's 6 gets the 410. */
	CHECK_STR(l.text, "ADDED@1 MODIFIED@2 BOOKMARK@5 DELETED@6 "
	    "RELIST@Expired");
	CHECK(strstr(cf_error_msg(), "list again"));
	cf_client_free(c);
}

TEST(test_client_watch__max_streams_and_start_version)
{
	struct log l = { { 0 } };
	cf_client *c = client();

	CHECK(c);
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .max_streams = 1, .timeout_seconds = 5 }, record,
	    &l), 0);
	CHECK_STR(l.text, "ADDED@1 MODIFIED@2 BOOKMARK@5");
	memset(&l, 0, sizeof(l));
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "5", .max_streams = 1,
	    .no_bookmarks = true, .label_selector = "app=x" }, record, &l), 0);
	CHECK_STR(l.text, "DELETED@6");
	cf_client_free(c);
}

TEST(test_client_watch__callback_stops_or_fails)
{
	struct log l = { { 0 } };
	cf_client *c = client();

	CHECK(c);
	l.stop_after = 2;
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default", NULL,
	    record, &l), 0);
	CHECK_STR(l.text, "ADDED@1 MODIFIED@2");
	memset(&l, 0, sizeof(l));
	l.fail_after = 1;
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default", NULL,
	    record, &l), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "callback says no");
	CHECK_STR(l.text, "ADDED@1");
	cf_client_free(c);
}

TEST(test_client_watch__retries_throttled_streams)
{
	struct log l = { { 0 } };
	cf_client *c = client();

	CHECK(c);
	/* Two 429s, then a stream from the requested version; the stream
	 * after it (from 7) is answered with a 410. */
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "throttle" }, record, &l),
	    CF_EGONE);
	CHECK_STR(l.text, "ADDED@7 RELIST@Expired");
	cf_client_free(c);
}

TEST(test_client_watch__errors)
{
	struct log l = { { 0 } };
	cf_client *c = client();
	atomic_int cancel = 1;

	CHECK(c);
	/* A kind the server does not serve. */
	CHECK_INT(cf_client_watch(c, "example.com/v1", "Nope", NULL, NULL,
	    record, &l), CF_ENOTFOUND);
	/* Already cancelled: returns at once. */
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .cancel = &cancel }, record, &l), 0);
	CHECK_INT(l.n, 0);
	/* A 404 answer ends the watch with the server's message. */
	CHECK_INT(cf_client_watch(c, "v1", "Secret", "default", NULL, record,
	    &l), CF_ENOTFOUND);
	CHECK_STR(cf_watch_event_name(CF_WATCH_BOOKMARK), "BOOKMARK");
	/* Bad events end the watch with a message, never a crash. */
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "garbage" }, record, &l),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "decoding a watch event"));
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "weird" }, record, &l),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "unknown watch event type 'SURPRISE'");
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "err500" }, record, &l),
	    CF_ERROR);
	CHECK_STR(cf_error_msg(), "etcd is on fire");
	/* One event line past CF_WATCH_MAX_EVENT ends the watch. */
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = "huge" }, record, &l),
	    CF_ETOOLARGE);
	CHECK(strstr(cf_error_msg(), "larger than 16777216 bytes"));
	CHECK_INT(l.n, 0);
	cf_client_free(c);
}

struct reflected {
	struct log log;
	int replaces;
	size_t items;
};

static int on_replace(const cf_node *list, void *payload)
{
	struct reflected *r = payload;

	r->items = cf_node_count(cf_node_get(list, "items"));
	if (++r->replaces == 2)
		return cf_error_setc(CF_ECONFLICT, CF_ERR_KUBE, "enough");
	return 0;
}

static int on_reflected(enum cf_watch_event ev, const cf_node *obj,
    void *payload)
{
	struct reflected *r = payload;

	return record(ev, obj, &r->log);
}

TEST(test_client_watch__reflector_relists)
{
	struct reflected r = { { { 0 } }, 0, 0 };
	cf_client *c = client();

	CHECK(c);
	/* The list says 7; the watch from 7 is answered with a 410; the
	 * reflector lists again (and the test's replace ends it there). */
	CHECK_INT(cf_client_reflect(c, "v1", "ConfigMap", "default", NULL,
	    on_replace, on_reflected, &r), CF_ECONFLICT);
	CHECK_STR(cf_error_msg(), "enough");
	CHECK_INT(r.replaces, 2);
	CHECK_INT(r.items, 3);
	CHECK_STR(r.log.text, "RELIST@Expired");
	/* An unknown kind is not worth relisting for. */
	CHECK_INT(cf_client_reflect(c, "example.com/v1", "Nope", NULL, NULL,
	    on_replace, on_reflected, &r), CF_ENOTFOUND);
	cf_client_free(c);
}

TEST_MAIN(T(test_client_watch__resumes_until_relist),
    T(test_client_watch__max_streams_and_start_version),
    T(test_client_watch__callback_stops_or_fails),
    T(test_client_watch__retries_throttled_streams),
    T(test_client_watch__errors),
    T(test_client_watch__reflector_relists))
