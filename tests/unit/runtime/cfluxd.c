/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The runtime against the real embedded API server: cfluxd (found through
 * $CFLUXD) started on 127.0.0.1:0 with a temporary data dir and stopped
 * by PID at exit. Informers, the manager with a toy ConfigMap reconciler,
 * leader election and events.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../client/fixture.h"
#include "client/client.h"
#include "client/kubeconfig.h"
#include "core/error.h"
#include "core/json.h"
#include "runtime/informer.h"
#include "runtime/manager.h"
#include "test.h"

static cf_client *server(void)
{
	return fx_cfluxd(NULL, 0);
}

static cf_node *json(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) < 0)
		abort();
	return n;
}

static int create_cm(cf_client *c, const char *name, const char *app)
{
	cf_arena a = CF_ARENA_INIT;
	char buf[512];
	int err;

	snprintf(buf, sizeof(buf), "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"namespace\":"
	    "\"default\",\"labels\":{\"app\":\"%s\"}},\"data\":{\"k\":\"v\"}}",
	    name, app);
	err = cf_client_create(NULL, &a, c, json(&a, buf), NULL);
	cf_arena_release(&a);
	return err;
}

static int patch_cm(cf_client *c, const char *name, const char *patch)
{
	cf_arena a = CF_ARENA_INIT;
	int err = cf_client_patch(NULL, &a, c, "v1", "ConfigMap", "default",
	    name, CF_PATCH_MERGE, patch, strlen(patch), NULL);

	cf_arena_release(&a);
	return err;
}

/* ---- informer ---- */

struct seen {
	pthread_mutex_t mu;
	char text[1024];
};

static void seen_add(struct seen *s, const char *what, const cf_obj *o)
{
	const char *k = cf_node_getp_str(cf_obj_node(o), "data", "k", NULL);

	pthread_mutex_lock(&s->mu);
	snprintf(s->text + strlen(s->text), sizeof(s->text) - strlen(s->text),
	    "%s%s:%s=%s", *s->text ? " " : "", what, cf_obj_name(o),
	    k ? k : "");
	pthread_mutex_unlock(&s->mu);
}

static void on_add(const cf_obj *o, void *p) { seen_add(p, "add", o); }
static void on_update(const cf_obj *old, const cf_obj *o, void *p)
{
	seen_add(p, "update", o);
}
static void on_delete(const cf_obj *o, void *p) { seen_add(p, "delete", o); }

static int wait_text(struct seen *s, const char *want)
{
	for (int i = 0; i < 100; i++) {
		int ok;

		pthread_mutex_lock(&s->mu);
		ok = !strcmp(s->text, want);
		pthread_mutex_unlock(&s->mu);
		if (ok)
			return 1;
		fx_sleep_ms(50);
	}
	fprintf(stderr, "saw \"%s\", want \"%s\"\n", s->text, want);
	return 0;
}

TEST(test_runtime_cfluxd__informer_sees_changes)
{
	cf_client *c = server();
	struct seen s = { PTHREAD_MUTEX_INITIALIZER, "" };
	cf_informer *inf;
	const cf_obj *o = NULL;

	CHECK(c);
	CHECK_INT(create_cm(c, "inf-a", "inf"), 0);
	CHECK_INT(create_cm(c, "inf-other", "other"), 0);
	inf = cf_informer_new(c, "v1", "ConfigMap", &(cf_informer_opts){
	    .ns = "default", .label_selector = "app=inf" });
	cf_informer_add_handler(inf, &(cf_informer_handler){ on_add,
	    on_update, on_delete, &s });
	CHECK(!cf_informer_has_synced(inf));
	CHECK_INT(cf_informer_start(inf), 0);
	CHECK_INT(cf_informer_wait_synced(inf, 10000), 0);
	CHECK_INT(cf_informer_len(inf), 1); /* the selector scopes it */
	CHECK_INT(cf_informer_get(&o, inf, "default", "inf-a"), 0);
	CHECK_STR(cf_node_getp_str(cf_obj_node(o), "data", "k", NULL), "v");
	/* The cache leaves managedFields out, as Flux's caches do. */
	CHECK(!cf_node_getp(cf_obj_node(o), "metadata", "managedFields", NULL));
	CHECK(cf_node_getp(cf_obj_node(o), "metadata", "uid", NULL));
	{
		const cf_obj *none = NULL;

		CHECK_INT(cf_informer_get(&none, inf, "default", "inf-other"),
		    CF_ENOTFOUND);
		CHECK(none == NULL);
	}

	CHECK_INT(create_cm(c, "inf-b", "inf"), 0);
	CHECK_INT(patch_cm(c, "inf-a", "{\"data\":{\"k\":\"v2\"}}"), 0);
	{
		cf_arena a_del = CF_ARENA_INIT;

		CHECK_INT(cf_client_delete(NULL, &a_del, c, "v1", "ConfigMap",
		    "default", "inf-b", NULL), 0);
		cf_arena_release(&a_del);
	}
	CHECK(wait_text(&s, "add:inf-a=v add:inf-b=v update:inf-a=v2 "
	    "delete:inf-b=v"));
	/* The old entry a reader pinned is untouched by the update. */
	{
		const cf_obj *now = NULL;

		CHECK_STR(cf_node_getp_str(cf_obj_node(o), "data", "k", NULL),
		    "v");
		CHECK_INT(cf_informer_get(&now, inf, "default", "inf-a"), 0);
		CHECK_STR(cf_node_getp_str(cf_obj_node(now), "data", "k",
		    NULL), "v2");
		cf_obj_unref(now);
	}
	cf_obj_unref(o);
	cf_informer_free(inf);
}

/* ---- a toy controller ---- */

static atomic_int toy_failures;

/* Mark every ConfigMap it sees with data.seen = its k; fail once for
 * toy-0 to go through the backoff path. */
static cf_result toy_reconcile(cf_ctl *ctl, const cf_key *key)
{
	const cf_obj *o;
	const char *k, *seen;
	char patch[256];

	if (cf_informer_get(&o, cf_ctl_informer(ctl), key->ns, key->name) < 0)
		return cf_result_done();
	k = cf_node_getp_str(cf_obj_node(o), "data", "k", NULL);
	seen = cf_node_getp_str(cf_obj_node(o), "data", "seen", NULL);
	if (seen && k && !strcmp(seen, k)) {
		cf_obj_unref(o);
		return cf_result_done();
	}
	snprintf(patch, sizeof(patch), "{\"data\":{\"seen\":\"%s\"}}",
	    k ? k : "");
	cf_obj_unref(o);
	if (!strcmp(key->name, "toy-0") &&
	    atomic_fetch_add(&toy_failures, 1) == 0)
		return cf_result_failed("Testing", "first pass fails");
	if (patch_cm(cf_ctl_client(ctl), key->name, patch) < 0)
		return cf_result_failed("PatchFailed", "%s", cf_error_msg());
	return cf_result_done();
}

static const cf_controller_def toy_ctl = {
	.gvk = { "", "v1", "ConfigMap" },
	.reconcile = toy_reconcile,
};

static int converged(cf_client *c, int n)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *list = NULL;
	int ok = 0;

	if (cf_client_list(&list, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .label_selector = "app=toy" }) == 0) {
		const cf_node *items = cf_node_get(list, "items");

		ok = (int)cf_node_count(items) == n;
		for (size_t i = 0; i < cf_node_count(items); i++) {
			const char *k = cf_node_getp_str(cf_node_at(items, i),
			    "data", "k", NULL);
			const char *s = cf_node_getp_str(cf_node_at(items, i),
			    "data", "seen", NULL);

			if (!k || !s || strcmp(k, s))
				ok = 0;
		}
	}
	cf_arena_release(&a);
	return ok;
}

TEST(test_runtime_cfluxd__manager_converges)
{
	cf_client *c = server();
	cf_manager *m;
	char name[32];
	int ok = 0;

	CHECK(c);
	CHECK_INT(create_cm(c, "toy-0", "toy"), 0);
	CHECK_INT(create_cm(c, "toy-1", "toy"), 0);
	CHECK_INT(create_cm(c, "not-toy", "other"), 0);
	m = cf_manager_new(c, &(cf_manager_opts){ .concurrent = 2,
	    .watch_namespace = "default",
	    .watch_label_selector = "app=toy",
	    .queue = { .min_retry_ms = 20, .max_retry_ms = 200 } });
	cf_manager_add(m, &toy_ctl, NULL);
	CHECK_INT(cf_manager_start(m), 0);
	for (int i = 2; i < 6; i++) {
		snprintf(name, sizeof(name), "toy-%d", i);
		CHECK_INT(create_cm(c, name, "toy"), 0);
	}
	for (int i = 0; i < 100 && !(ok = converged(c, 6)); i++)
		fx_sleep_ms(50);
	CHECK(ok);
	/* A spec change is reconciled again. */
	CHECK_INT(patch_cm(c, "toy-3", "{\"data\":{\"k\":\"w\"}}"), 0);
	for (int i = 0; i < 100 && !(ok = converged(c, 6)); i++)
		fx_sleep_ms(50);
	CHECK(ok);
	CHECK(atomic_load(&toy_failures) >= 2);
	cf_manager_stop(m);
	cf_manager_free(m);
	{
		cf_arena a = CF_ARENA_INIT;
		cf_node *o = NULL;

		CHECK_INT(cf_client_get(&o, &a, c, "v1", "ConfigMap",
		    "default", "not-toy"), 0);
		CHECK(!cf_node_getp(o, "data", "seen", NULL));
		cf_arena_release(&a);
	}
}

TEST_MAIN(T(test_runtime_cfluxd__informer_sees_changes),
    T(test_runtime_cfluxd__manager_converges))
