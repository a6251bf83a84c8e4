/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The client against the real embedded API server: cfluxd (found through
 * $CFLUXD) started on 127.0.0.1:0 with a temporary data dir, reached over
 * TLS with the CA and bearer token of the kubeconfig it writes, and
 * stopped by PID at exit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "client/kubeconfig.h"
#include "client/watch.h"
#include "core/error.h"
#include "core/json.h"
#include "fixture.h"
#include "test.h"

static char server_url[256]; /* https://127.0.0.1:PORT */

static cf_client *server(void)
{
	return fx_cfluxd(server_url, sizeof(server_url));
}

static cf_node *json(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) < 0)
		abort();
	return n;
}

static cf_node *configmap(cf_arena *a, const char *name, const char *app)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"namespace\":"
	    "\"default\",\"labels\":{\"app\":\"%s\"}},\"data\":{\"k\":\"v\"}}",
	    name, app);
	return json(a, buf);
}

struct bump {
	cf_client *c;
	const char *value;
	int calls;
};

/* Re-read, change, update: the function RetryOnConflict repeats. */
static int bump(void *p)
{
	struct bump *b = p;
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj = NULL;
	int err;

	err = cf_client_get(&obj, &a, b->c, "v1", "ConfigMap", "default",
	    "cm1");
	if (err == 0 && b->calls++ == 0) {
		/* Someone else writes in between, once. */
		cf_node *other = cf_node_dup(&a, obj);

		cf_node_set(&a, cf_node_get(other, "data"), "k",
		    cf_node_str(&a, "theirs"));
		err = cf_client_update(NULL, &a, b->c, other, NULL);
	}
	if (err == 0) {
		cf_node_set(&a, cf_node_get(obj, "data"), "k",
		    cf_node_str(&a, b->value));
		err = cf_client_update(NULL, &a, b->c, obj, NULL);
	}
	cf_arena_release(&a);
	return err;
}

TEST(test_client_cfluxd__create_get_update)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_node *obj = NULL, *got = NULL, *stale;
	const char *rv;

	CHECK(c);
	CHECK_INT(cf_client_create(&obj, &a, c, configmap(&a, "cm1", "web"),
	    &(cf_write_opts){ .field_manager = "cflux-test" }), 0);
	rv = cf_node_getp_str(obj, "metadata", "resourceVersion", NULL);
	CHECK(rv && *rv);
	CHECK(cf_node_getp_str(obj, "metadata", "uid", NULL));
	CHECK_INT(cf_client_create(NULL, &a, c, configmap(&a, "cm1", "web"),
	    NULL), CF_EEXISTS);
	CHECK_STR(cf_error_msg(), "configmaps \"cm1\" already exists");

	/* No namespace: the kubeconfig's ("default"). */
	CHECK_INT(cf_client_get(&got, &a, c, "v1", "ConfigMap", NULL, "cm1"),
	    0);
	CHECK_STR(cf_node_getp_str(got, "data", "k", NULL), "v");
	CHECK_INT(cf_client_get(&got, &a, c, "v1", "ConfigMap", "default",
	    "nope"), CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "configmaps \"nope\" not found");

	/* Update with the current resourceVersion, then with a stale one. */
	stale = cf_node_dup(&a, obj);
	cf_node_set(&a, cf_node_get(obj, "data"), "k", cf_node_str(&a, "v2"));
	CHECK_INT(cf_client_update(&got, &a, c, obj, NULL), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "k", NULL), "v2");
	CHECK_INT(cf_client_update(&got, &a, c, stale, NULL), CF_ECONFLICT);
	CHECK(strstr(cf_error_msg(), "the object has been modified"));

	/* The first attempt loses to another writer; the second wins. */
	{
		struct bump b = { c, "mine", 0 };

		CHECK_INT(cf_client_retry_on_conflict(bump, &b), 0);
		CHECK_INT(b.calls, 2);
		CHECK_INT(cf_client_get(&got, &a, c, "v1", "ConfigMap",
		    "default", "cm1"), 0);
		CHECK_STR(cf_node_getp_str(got, "data", "k", NULL), "mine");
	}

	/* Invalid objects are the server's 422. */
	CHECK_INT(cf_client_create(NULL, &a, c, configmap(&a, "Bad_Name", "x"),
	    NULL), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "Bad_Name"));
	cf_arena_release(&a);
}

TEST(test_client_cfluxd__list_selectors_pages)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_node *l = NULL;
	char name[32];

	CHECK(c);
	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "list-%d", i);
		CHECK_INT(cf_client_create(NULL, &a, c, configmap(&a, name,
		    i % 2 ? "odd" : "even"), NULL), 0);
	}
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .label_selector = "app=even" }), 0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 3);
	CHECK(cf_node_getp_str(l, "metadata", "resourceVersion", NULL));
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_get(l, "items"), 0),
	    "kind", NULL), "ConfigMap");
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .label_selector = "app in (odd,even)",
	    .field_selector = "metadata.name!=list-0" }), 0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 4);
	/* Pages of two, joined. */
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .label_selector = "app in (odd,even)",
	    .limit = 2 }), 0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 5);
	/* Page by page: a page may hold fewer than limit items when a
	 * selector filters rows out, as the API conventions allow. */
	{
		const char *cont = NULL;
		size_t total = 0;
		int pages = 0;

		do {
			CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap",
			    "default", &(cf_list_opts){
			    .label_selector = "app in (odd,even)", .limit = 2,
			    .one_page = true, .continue_token = cont }), 0);
			CHECK(cf_node_count(cf_node_get(l, "items")) <= 2);
			total += cf_node_count(cf_node_get(l, "items"));
			cont = cf_node_getp_str(l, "metadata", "continue", NULL);
			pages++;
		} while (cont && *cont && pages < 20);
		CHECK_INT(total, 5);
		CHECK(pages >= 3);
	}
	/* All namespaces. */
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", NULL,
	    &(cf_list_opts){ .label_selector = "app=odd" }), 0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 2);
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .label_selector = "app in (" }), CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_client_cfluxd__patches)
{
	static const char jp[] = "[{\"op\":\"add\",\"path\":\"/data/j\","
	    "\"value\":\"2\"}]";
	static const char mp[] = "{\"data\":{\"m\":\"1\"}}";
	static const char sp[] = "{\"metadata\":{\"labels\":{\"s\":\"3\"}}}";
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_node *got = NULL;

	CHECK(c);
	CHECK_INT(cf_client_create(NULL, &a, c, configmap(&a, "patched", "p"),
	    NULL), 0);
	CHECK_INT(cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    "patched", CF_PATCH_MERGE, mp, strlen(mp), NULL), 0);
	CHECK_INT(cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    "patched", CF_PATCH_JSON, jp, strlen(jp), NULL), 0);
	CHECK_INT(cf_client_patch(&got, &a, c, "v1", "ConfigMap", "default",
	    "patched", CF_PATCH_STRATEGIC, sp, strlen(sp),
	    &(cf_write_opts){ .field_manager = "cflux-test" }), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "m", NULL), "1");
	CHECK_STR(cf_node_getp_str(got, "data", "j", NULL), "2");
	CHECK_STR(cf_node_getp_str(got, "metadata", "labels", "s", NULL), "3");
	CHECK_STR(cf_node_getp_str(got, "metadata", "labels", "app", NULL),
	    "p");
	/* A bad JSON patch is the server's error, not ours. */
	CHECK(cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    "patched", CF_PATCH_JSON, "[{\"op\":\"nope\"}]", 15, NULL) < 0);
	CHECK_INT(cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    "absent", CF_PATCH_MERGE, mp, strlen(mp), NULL), CF_ENOTFOUND);
	cf_arena_release(&a);
}

TEST(test_client_cfluxd__server_side_apply)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_node *got = NULL, *obj;

	CHECK(c);
	obj = json(&a, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
	    "\"metadata\":{\"name\":\"applied\",\"namespace\":\"default\"},"
	    "\"data\":{\"a\":\"1\"}}");
	CHECK_INT(cf_client_apply(&got, &a, c, obj, NULL), CF_EINVALID);
	CHECK_INT(cf_client_apply(&got, &a, c, obj,
	    &(cf_write_opts){ .field_manager = "mgr-a" }), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "a", NULL), "1");
	/* Applying again is a no-op for the same manager. */
	CHECK_INT(cf_client_apply(&got, &a, c, obj,
	    &(cf_write_opts){ .field_manager = "mgr-a" }), 0);

	/* Another manager that wants a different value conflicts ... */
	cf_node_set(&a, cf_node_get(obj, "data"), "a", cf_node_str(&a, "2"));
	CHECK_INT(cf_client_apply(&got, &a, c, obj,
	    &(cf_write_opts){ .field_manager = "mgr-b" }), CF_ECONFLICT);
	CHECK(strstr(cf_error_msg(), "Apply failed with 1 conflict"));
	CHECK(strstr(cf_error_msg(), "mgr-a"));
	/* ... a dry run with force changes nothing ... */
	CHECK_INT(cf_client_apply(&got, &a, c, obj, &(cf_write_opts){
	    .field_manager = "mgr-b", .force = true, .dry_run = true }), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "a", NULL), "2");
	CHECK_INT(cf_client_get(&got, &a, c, "v1", "ConfigMap", "default",
	    "applied"), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "a", NULL), "1");
	/* ... and force takes the field over. */
	CHECK_INT(cf_client_apply(&got, &a, c, obj, &(cf_write_opts){
	    .field_manager = "mgr-b", .force = true }), 0);
	CHECK_STR(cf_node_getp_str(got, "data", "a", NULL), "2");
	cf_arena_release(&a);
}

TEST(test_client_cfluxd__delete)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_node *obj = NULL, *res = NULL;

	CHECK(c);
	CHECK_INT(cf_client_create(&obj, &a, c, configmap(&a, "doomed", "d"),
	    NULL), 0);
	CHECK_INT(cf_client_delete(NULL, &a, c, "v1", "ConfigMap", "default",
	    "doomed", &(cf_delete_opts){ .precondition_uid = "not-the-uid" }),
	    CF_ECONFLICT);
	CHECK_INT(cf_client_delete(NULL, &a, c, "v1", "ConfigMap", "default",
	    "doomed", &(cf_delete_opts){ .dry_run = true }), 0);
	CHECK_INT(cf_client_get(NULL, &a, c, "v1", "ConfigMap", "default",
	    "doomed"), 0);
	CHECK_INT(cf_client_delete(&res, &a, c, "v1", "ConfigMap", "default",
	    "doomed", &(cf_delete_opts){
	    .propagation = CF_DELETE_BACKGROUND,
	    .precondition_uid = cf_node_getp_str(obj, "metadata", "uid",
	    NULL) }), 0);
	CHECK(res);
	CHECK_INT(cf_client_get(NULL, &a, c, "v1", "ConfigMap", "default",
	    "doomed"), CF_ENOTFOUND);
	CHECK_INT(cf_client_delete(NULL, &a, c, "v1", "ConfigMap", "default",
	    "doomed", NULL), CF_ENOTFOUND);

	/* Foreground: the server keeps the object, marked for deletion,
	 * until the garbage collector has removed its dependents. */
	CHECK_INT(cf_client_create(NULL, &a, c, configmap(&a, "doomed-fg", "d"),
	    NULL), 0);
	CHECK_INT(cf_client_delete(&res, &a, c, "v1", "ConfigMap", "default",
	    "doomed-fg", &(cf_delete_opts){
	    .propagation = CF_DELETE_FOREGROUND }), 0);
	CHECK(cf_node_getp_str(res, "metadata", "deletionTimestamp", NULL));
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_getp(res, "metadata",
	    "finalizers", NULL), 0)), "foregroundDeletion");
	cf_arena_release(&a);
}

struct events {
	char text[2048];
	int n;
	int stop_at;
};

static int on_event(enum cf_watch_event ev, const cf_node *obj, void *p)
{
	struct events *e = p;
	size_t len = strlen(e->text);

	if (ev == CF_WATCH_BOOKMARK)
		return 0;
	snprintf(e->text + len, sizeof(e->text) - len, "%s%s:%s",
	    len ? " " : "", cf_watch_event_name(ev),
	    cf_node_getp_str(obj, "data", "k", NULL) ?
	    cf_node_getp_str(obj, "data", "k", NULL) : "-");
	e->n++;
	return e->stop_at && e->n >= e->stop_at ? CF_WATCH_STOP : 0;
}

TEST(test_client_cfluxd__watch_from_list_version)
{
	static const char mp[] = "{\"data\":{\"k\":\"w2\"}}";
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	struct events ev = { { 0 }, 0, 0 };
	cf_node *l = NULL, *cm;
	const char *rv;

	CHECK(c);
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .field_selector = "metadata.name=watched" }), 0);
	rv = cf_node_getp_str(l, "metadata", "resourceVersion", NULL);
	CHECK(rv);
	cm = configmap(&a, "watched", "w");
	cf_node_set(&a, cf_node_get(cm, "data"), "k", cf_node_str(&a, "w1"));
	CHECK_INT(cf_client_create(NULL, &a, c, cm, NULL), 0);
	CHECK_INT(cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    "watched", CF_PATCH_MERGE, mp, strlen(mp), NULL), 0);
	CHECK_INT(cf_client_delete(NULL, &a, c, "v1", "ConfigMap", "default",
	    "watched", NULL), 0);
	/* Everything after the list's version, in order, then stop. */
	ev.stop_at = 3;
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .resource_version = rv,
	    .field_selector = "metadata.name=watched", .timeout_seconds = 5 },
	    on_event, &ev), 0);
	CHECK_STR(ev.text, "ADDED:w1 MODIFIED:w2 DELETED:w2");

	/* From "" the server replays the current state as ADDED; one short
	 * stream ends the watch. */
	memset(&ev, 0, sizeof(ev));
	CHECK_INT(cf_client_watch(c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .field_selector = "metadata.name=cm1",
	    .timeout_seconds = 1, .max_streams = 1 }, on_event, &ev), 0);
	CHECK_STR(ev.text, "ADDED:mine");
	cf_arena_release(&a);
}

struct canceller {
	atomic_int flag;
	cf_client *c;
};

static void *create_then_cancel(void *p)
{
	struct canceller *k = p;
	cf_arena a = CF_ARENA_INIT;

	fx_sleep_ms(300);
	cf_client_create(NULL, &a, k->c, configmap(&a, "live", "live"), NULL);
	fx_sleep_ms(300);
	atomic_store(&k->flag, 1);
	cf_arena_release(&a);
	return NULL;
}

TEST(test_client_cfluxd__watch_live_and_cancel)
{
	struct canceller k = { 0, NULL };
	struct events ev = { { 0 }, 0, 0 };
	pthread_t t;
	int64_t t0;
	int err;

	k.c = server();
	CHECK(k.c);
	pthread_create(&t, NULL, create_then_cancel, &k);
	t0 = time(NULL);
	err = cf_client_watch(k.c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .label_selector = "app=live",
	    .timeout_seconds = 60, .cancel = &k.flag }, on_event, &ev);
	pthread_join(t, NULL);
	CHECK_INT(err, 0);
	CHECK_STR(ev.text, "ADDED:v");
	/* Cancelled within a couple of seconds, not at timeoutSeconds. */
	CHECK(time(NULL) - t0 < 10);
}

struct informer {
	atomic_int cancel;
	cf_client *c;
	int replaces;
	size_t listed;
	struct events ev;
};

static int inf_replace(const cf_node *list, void *p)
{
	struct informer *inf = p;

	inf->replaces++;
	inf->listed = cf_node_count(cf_node_get(list, "items"));
	return 0;
}

static int inf_event(enum cf_watch_event ev, const cf_node *obj, void *p)
{
	struct informer *inf = p;

	return on_event(ev, obj, &inf->ev);
}

static void *write_then_cancel(void *p)
{
	struct informer *inf = p;
	cf_arena a = CF_ARENA_INIT;

	fx_sleep_ms(300);
	cf_client_create(NULL, &a, inf->c, configmap(&a, "inf-2", "inf"),
	    NULL);
	cf_client_delete(NULL, &a, inf->c, "v1", "ConfigMap", "default",
	    "inf-1", NULL);
	fx_sleep_ms(300);
	atomic_store(&inf->cancel, 1);
	cf_arena_release(&a);
	return NULL;
}

TEST(test_client_cfluxd__reflector)
{
	struct informer inf = { 0 };
	cf_arena a = CF_ARENA_INIT;
	pthread_t t;
	int err;

	inf.c = server();
	CHECK(inf.c);
	CHECK_INT(cf_client_create(NULL, &a, inf.c, configmap(&a, "inf-1",
	    "inf"), NULL), 0);
	pthread_create(&t, NULL, write_then_cancel, &inf);
	err = cf_client_reflect(inf.c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .label_selector = "app=inf",
	    .cancel = &inf.cancel }, inf_replace, inf_event, &inf);
	pthread_join(t, NULL);
	CHECK_INT(err, 0);
	/* One list with inf-1, then only the changes after it. */
	CHECK_INT(inf.replaces, 1);
	CHECK_INT(inf.listed, 1);
	CHECK_STR(inf.ev.text, "ADDED:v DELETED:v");
	cf_arena_release(&a);
}

TEST(test_client_cfluxd__custom_resources)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = server();
	cf_client_mapping m;
	cf_node *w = NULL, *got = NULL;
	int err = CF_ENOTFOUND;

	CHECK(c);
	CHECK_INT(cf_client_create(NULL, &a, c, json(&a,
	    "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":"
	    "\"CustomResourceDefinition\",\"metadata\":{\"name\":"
	    "\"gizmos.example.com\"},\"spec\":{\"group\":\"example.com\","
	    "\"scope\":\"Namespaced\",\"names\":{\"plural\":\"gizmos\","
	    "\"singular\":\"gizmo\",\"kind\":\"Gizmo\"},\"versions\":[{"
	    "\"name\":\"v1\",\"served\":true,\"storage\":true,"
	    "\"subresources\":{\"status\":{}},\"schema\":{\"openAPIV3Schema\":"
	    "{\"type\":\"object\",\"x-kubernetes-preserve-unknown-fields\":"
	    "true}}}]}}"), NULL), 0);
	/* Discovery picks the new kind up once the server serves it. */
	for (int i = 0; i < 50 && err == CF_ENOTFOUND; i++) {
		err = cf_client_mapping_for(&m, c, "example.com/v1", "Gizmo");
		if (err == CF_ENOTFOUND)
			fx_sleep_ms(200);
	}
	CHECK_INT(err, 0);
	CHECK_STR(m.plural, "gizmos");
	CHECK(m.namespaced);
	CHECK_INT(cf_client_create(&w, &a, c, json(&a, "{\"apiVersion\":"
	    "\"example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":"
	    "\"g1\"},\"spec\":{\"size\":3}}"), NULL), 0);
	cf_node_set(&a, w, "status", json(&a, "{\"ready\":true}"));
	CHECK_INT(cf_client_update_status(&got, &a, c, w, NULL), 0);
	CHECK_INT(cf_client_get(&got, &a, c, "example.com/v1", "Gizmo",
	    "default", "g1"), 0);
	CHECK(cf_node_is(cf_node_getp(got, "status", "ready", NULL),
	    CF_NODE_BOOL));
	/* A status patch goes to the subresource; on the object itself the
	 * server ignores status changes. */
	{
		static const char sp[] = "{\"status\":{\"phase\":\"Done\"}}";

		CHECK_INT(cf_client_patch(&got, &a, c, "example.com/v1",
		    "Gizmo", "default", "g1", CF_PATCH_MERGE, sp, strlen(sp),
		    &(cf_write_opts){ .subresource = "status" }), 0);
		CHECK_STR(cf_node_getp_str(got, "status", "phase", NULL),
		    "Done");
		CHECK_INT(cf_client_patch(&got, &a, c, "example.com/v1",
		    "Gizmo", "default", "g1", CF_PATCH_MERGE,
		    "{\"status\":{\"phase\":\"X\"}}", 24, NULL), 0);
		CHECK_STR(cf_node_getp_str(got, "status", "phase", NULL),
		    "Done");
	}
	CHECK_INT(cf_client_list(&got, &a, c, "example.com/v1", "Gizmo", NULL,
	    NULL), 0);
	CHECK_INT(cf_node_count(cf_node_get(got, "items")), 1);
	cf_arena_release(&a);
}

static void *hammer(void *p)
{
	cf_client *c = p;
	long bad = 0;

	for (int i = 0; i < 40; i++) {
		cf_arena a = CF_ARENA_INIT;

		if (cf_client_get(NULL, &a, c, "v1", "ConfigMap", "default",
		    "cm1") < 0)
			bad++;
		cf_arena_release(&a);
	}
	return (void *)bad;
}

TEST(test_client_cfluxd__threads_share_a_client)
{
	cf_client *c = server();
	pthread_t t[4];
	void *bad;
	long total = 0;

	CHECK(c);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, c);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &bad);
		total += (long)bad;
	}
	CHECK_INT(total, 0);
}

struct restart_watch {
	atomic_int cancel;
	cf_client *c;
	struct events ev;
	int err;
};

static void *restart_watcher(void *p)
{
	struct restart_watch *w = p;

	w->err = cf_client_watch(w->c, "v1", "ConfigMap", "default",
	    &(cf_watch_opts){ .label_selector = "app=restart",
	    .timeout_seconds = 60, .cancel = &w->cancel }, on_event, &w->ev);
	return NULL;
}

/* cfluxd stopped and started again on the same port and data dir: the
 * watch reconnects and resumes from the last version it saw, so the
 * object created after the restart arrives and none is repeated. */
TEST(test_client_cfluxd__watch_survives_restart)
{
	struct restart_watch w = { 0 };
	cf_arena a = CF_ARENA_INIT;
	char listen[64];
	pthread_t t;
	int port = 0;

	w.c = server();
	CHECK(w.c);
	CHECK(sscanf(strrchr(server_url, ':') + 1, "%d", &port) == 1);
	pthread_create(&t, NULL, restart_watcher, &w);
	fx_sleep_ms(300);
	CHECK_INT(cf_client_create(NULL, &a, w.c, configmap(&a, "r-1",
	    "restart"), NULL), 0);
	fx_sleep_ms(300);

	snprintf(listen, sizeof(listen), "127.0.0.1:%d", port);
	CHECK_INT(fx_cfluxd_restart(listen), 0);
	for (int i = 0; i < 100; i++) {
		if (cf_client_create(NULL, &a, w.c, configmap(&a, "r-2",
		    "restart"), NULL) == 0)
			break;
		fx_sleep_ms(100);
	}
	for (int i = 0; i < 100 && w.ev.n < 2; i++)
		fx_sleep_ms(100);
	atomic_store(&w.cancel, 1);
	pthread_join(t, NULL);
	CHECK_INT(w.err, 0);
	CHECK_STR(w.ev.text, "ADDED:v ADDED:v");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_client_cfluxd__create_get_update),
    T(test_client_cfluxd__list_selectors_pages),
    T(test_client_cfluxd__patches),
    T(test_client_cfluxd__server_side_apply),
    T(test_client_cfluxd__delete),
    T(test_client_cfluxd__watch_from_list_version),
    T(test_client_cfluxd__watch_live_and_cancel),
    T(test_client_cfluxd__reflector),
    T(test_client_cfluxd__custom_resources),
    T(test_client_cfluxd__threads_share_a_client),
    T(test_client_cfluxd__watch_survives_restart))
