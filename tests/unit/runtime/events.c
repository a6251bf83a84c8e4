/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The event recorder against a real cfluxd ($CFLUXD): the Event written
 * for a ConfigMap carries the involved object, source, type, reason,
 * message and annotations (the caller's and the object's
 * event.toolkit.fluxcd.io ones); a repeat bumps count on the same Event;
 * trace events and events past the spam bucket are not written; long
 * messages are cut.
 */
#include <stdio.h>
#include <string.h>

#include "../client/fixture.h"
#include "client/client.h"
#include "core/error.h"
#include "core/json.h"
#include "runtime/events.h"
#include "test.h"

/* A ConfigMap to hang events on, as the server returned it; meta is
 * more of its metadata ("" or ",\"annotations\":{...}"). */
static cf_node *make_object(cf_arena *a, cf_client *c, const char *name,
    const char *meta)
{
	char text[512];
	cf_node *in = NULL, *out = NULL;

	snprintf(text, sizeof(text), "{\"apiVersion\":\"v1\",\"kind\":"
	    "\"ConfigMap\",\"metadata\":{\"name\":\"%s\",\"namespace\":"
	    "\"default\"%s}}", name, meta);
	if (cf_json_parse(&in, a, text, strlen(text), NULL) < 0 ||
	    cf_client_create(&out, a, c, in, NULL) < 0)
		return NULL;
	/* The server's answer may leave out apiVersion/kind. */
	cf_node_set(a, out, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, out, "kind", cf_node_str(a, "ConfigMap"));
	return out;
}

/* Events in default about object name (with reason, when given), as
 * `kubectl get events` lists them. */
static size_t events_for(cf_node **first, cf_arena *a, cf_client *c,
    const char *name, const char *reason)
{
	cf_node *list = NULL, *items;
	size_t n = 0;

	*first = NULL;
	if (cf_client_list(&list, a, c, "v1", "Event", "default", NULL) < 0)
		return 0;
	items = cf_node_get(list, "items");
	for (size_t i = 0; i < cf_node_count(items); i++) {
		cf_node *e = cf_node_at(items, i);
		const char *r = cf_node_getp_str(e, "reason", NULL);
		if (strcmp(cf_node_getp_str(e, "involvedObject", "name", NULL),
		    name) || (reason && strcmp(r, reason)))
			continue;
		if (!n++)
			*first = e;
	}
	return n;
}

static int64_t count_of(const cf_node *e)
{
	int64_t v = -1;

	cf_node_as_int(cf_node_get(e, "count"), &v);
	return v;
}

/* What every test starts from: the server, a recorder and an object
 * named name to record events about. */
struct fx {
	cf_arena a;
	cf_client *c;
	cf_recorder *r;
	cf_node *obj;
	cf_event_ref ref;
};

static int fx_setup(struct fx *f, const char *name, int burst)
{
	memset(f, 0, sizeof(*f));
	if (!(f->c = fx_cfluxd(NULL, 0)) ||
	    cf_recorder_new(&f->r, f->c, &(cf_recorder_opts){
	    .component = "source-controller", .burst = burst }) < 0 ||
	    !(f->obj = make_object(&f->a, f->c, name, "")))
		return -1;
	cf_event_ref_of(&f->ref, f->obj);
	return 0;
}

static void fx_teardown(struct fx *f)
{
	cf_recorder_free(f->r);
	cf_arena_release(&f->a);
}

TEST(test_runtime_events__recorded_with_fields)
{
	const char *ann[] = { "source.toolkit.fluxcd.io/revision",
		"main@sha1:0123", NULL };
	struct fx f;
	cf_node *e;

	CHECK_INT(fx_setup(&f, "ev-fields", 0), 0);
	CHECK(f.ref.uid && *f.ref.uid);
	cf_event_recordf(f.r, &f.ref, CF_EVENT_NORMAL, "NewArtifact", ann,
	    "stored artifact for commit '%s'", "0123");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);

	CHECK_INT(events_for(&e, &f.a, f.c, "ev-fields", NULL), 1);
	CHECK_STR(cf_node_getp_str(e, "metadata", "namespace", NULL),
	    "default");
	CHECK(!strncmp(cf_node_getp_str(e, "metadata", "name", NULL),
	    "ev-fields.", 10));
	CHECK_STR(cf_node_getp_str(e, "metadata", "annotations",
	    "source.toolkit.fluxcd.io/revision", NULL), "main@sha1:0123");
	CHECK_STR(cf_node_getp_str(e, "involvedObject", "apiVersion", NULL),
	    "v1");
	CHECK_STR(cf_node_getp_str(e, "involvedObject", "kind", NULL),
	    "ConfigMap");
	CHECK_STR(cf_node_getp_str(e, "involvedObject", "namespace", NULL),
	    "default");
	CHECK_STR(cf_node_getp_str(e, "involvedObject", "uid", NULL), f.ref.uid);
	CHECK_STR(cf_node_getp_str(e, "involvedObject", "resourceVersion",
	    NULL), f.ref.resource_version);
	CHECK_STR(cf_node_getp_str(e, "type", NULL), "Normal");
	CHECK_STR(cf_node_getp_str(e, "reason", NULL), "NewArtifact");
	CHECK_STR(cf_node_getp_str(e, "message", NULL),
	    "stored artifact for commit '0123'");
	CHECK_STR(cf_node_getp_str(e, "source", "component", NULL),
	    "source-controller");
	CHECK_STR(cf_node_getp_str(e, "reportingComponent", NULL),
	    "source-controller");
	CHECK_INT(count_of(e), 1);
	CHECK(cf_node_getp_str(e, "firstTimestamp", NULL));
	CHECK_STR(cf_node_getp_str(e, "firstTimestamp", NULL),
	    cf_node_getp_str(e, "lastTimestamp", NULL));
	fx_teardown(&f);
}

TEST(test_runtime_events__object_annotations)
{
	const char *ann[] = { "event.toolkit.fluxcd.io/team", "b", NULL };
	struct fx f;
	cf_node *e;

	CHECK_INT(fx_setup(&f, "ev-ann-base", 0), 0);
	CHECK((f.obj = make_object(&f.a, f.c, "ev-ann", ",\"annotations\":{"
	    "\"event.toolkit.fluxcd.io/env\":\"prod\","
	    "\"event.toolkit.fluxcd.io/team\":\"a\",\"other/x\":\"y\"}")));
	cf_event_ref_of(&f.ref, f.obj);
	cf_event_recordf(f.r, &f.ref, CF_EVENT_NORMAL, "Succeeded", ann,
	    "applied");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-ann", NULL), 1);
	e = cf_node_getp(e, "metadata", "annotations", NULL);
	CHECK_INT(cf_node_count(e), 2);
	CHECK_STR(cf_node_getp_str(e, "event.toolkit.fluxcd.io/env", NULL),
	    "prod");
	/* The caller's value wins. */
	CHECK_STR(cf_node_getp_str(e, "event.toolkit.fluxcd.io/team", NULL),
	    "b");
	fx_teardown(&f);
}

TEST(test_runtime_events__repeat_bumps_count)
{
	uint64_t written = 0, dropped = 0;
	char name[256];
	struct fx f;
	cf_node *e;

	CHECK_INT(fx_setup(&f, "ev-repeat", 0), 0);
	for (int i = 0; i < 3; i++)
		cf_event_recordf(f.r, &f.ref, CF_EVENT_WARNING, "BuildFailed",
		    NULL, "kustomize build failed");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-repeat", "BuildFailed"), 1);
	CHECK_INT(count_of(e), 3);
	CHECK_STR(cf_node_getp_str(e, "type", NULL), "Warning");
	snprintf(name, sizeof(name), "%s",
	    cf_node_getp_str(e, "metadata", "name", NULL));

	/* Another message is another event; the first keeps its count. */
	cf_event_recordf(f.r, &f.ref, CF_EVENT_WARNING, "BuildFailed", NULL,
	    "kustomize build failed again");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-repeat", "BuildFailed"), 2);

	/* The Event was deleted (expired): a repeat creates it again under
	 * its name, with the count it had reached. */
	CHECK_INT(cf_client_delete(NULL, &f.a, f.c, "v1", "Event", "default", name,
	    NULL), 0);
	cf_event_recordf(f.r, &f.ref, CF_EVENT_WARNING, "BuildFailed", NULL,
	    "kustomize build failed");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	e = NULL;
	CHECK_INT(cf_client_get(&e, &f.a, f.c, "v1", "Event", "default", name), 0);
	CHECK_INT(count_of(e), 4);
	cf_recorder_counts(f.r, &written, &dropped);
	CHECK_INT(written, 5);
	CHECK_INT(dropped, 0);
	fx_teardown(&f);
}

TEST(test_runtime_events__trace_only_logged)
{
	struct fx f;
	cf_node *e;

	CHECK_INT(fx_setup(&f, "ev-trace", 0), 0);
	cf_event_recordf(f.r, &f.ref, CF_EVENT_TRACE, "ArtifactUpToDate", NULL,
	    "artifact up-to-date with remote revision");
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-trace", NULL), 0);
	fx_teardown(&f);
}

TEST(test_runtime_events__message_capped)
{
	char big[3000];
	const char *msg;
	struct fx f;
	cf_node *e;

	/* 'é' is two bytes: byte 1024 falls inside one. */
	big[0] = 'x';
	for (int i = 1; i + 1 < 2999; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	big[2999] = '\0';
	CHECK_INT(fx_setup(&f, "ev-big", 0), 0);
	cf_event_recordf(f.r, &f.ref, CF_EVENT_NORMAL, "Progressing", NULL, "%s",
	    big);
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-big", NULL), 1);
	msg = cf_node_getp_str(e, "message", NULL);
	CHECK(msg);
	CHECK_INT(strlen(msg), 1023);
	fx_teardown(&f);
}

TEST(test_runtime_events__spam_bucket)
{
	uint64_t written = 0, dropped = 0;
	struct fx f;
	cf_node *e;

	CHECK_INT(fx_setup(&f, "ev-spam", 3), 0);
	for (int i = 0; i < 6; i++)
		cf_event_recordf(f.r, &f.ref, CF_EVENT_NORMAL, "Progressing", NULL,
		    "step %d", i);
	CHECK_INT(cf_recorder_flush(f.r, 10000), 0);
	CHECK_INT(events_for(&e, &f.a, f.c, "ev-spam", NULL), 3);
	cf_recorder_counts(f.r, &written, &dropped);
	CHECK_INT(written, 3);
	CHECK_INT(dropped, 3);
	fx_teardown(&f);
}

TEST(test_runtime_events__needs_component)
{
	cf_recorder *r = NULL;

	CHECK_INT(cf_recorder_new(&r, NULL, &(cf_recorder_opts){ 0 }),
	    CF_EINVALID);
	CHECK(!r);
}

TEST_MAIN(T(test_runtime_events__recorded_with_fields),
    T(test_runtime_events__object_annotations),
    T(test_runtime_events__repeat_bumps_count),
    T(test_runtime_events__trace_only_logged),
    T(test_runtime_events__message_capped),
    T(test_runtime_events__spam_bucket),
    T(test_runtime_events__needs_component))
