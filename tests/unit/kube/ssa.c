/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-side apply and managedFields, checked against the examples of
 * spec/kubernetes-api.md §3 (verified there against structured-merge-diff).
 */
#include "test.h"
#include "core/error.h"
#include "core/node.h"
#include "kube/schema.h"
#include "kube/ssa.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/json.h"

/* Parse a JSON fixture; single quotes stand for double quotes so fixtures
 * stay readable in C strings. A broken fixture is a bug in the test, so
 * it stops the binary loudly. */
static cf_node *J(cf_arena *a, const char *text)
{
	char *t = cf_arena_strdup(a, text);
	cf_node *n;

	for (char *c = t; *c; c++)
		if (*c == '\'')
			*c = '"';
	if (cf_json_parse(&n, a, t, strlen(t), NULL) < 0) {
		fprintf(stderr, "bad fixture %s: %s\n", text, cf_error_msg());
		abort();
	}
	return n;
}

/* Compact JSON of n, keys in node order, as an arena string. */
static const char *JS(cf_arena *a, const cf_node *n)
{
	cf_buf b = CF_BUF_INIT;
	const char *s;

	if (cf_json_write(&b, n, 0) < 0)
		cf_buf_adds(&b, "(unwritable)");
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

#define NOW1 "2026-01-02T03:04:05Z"
#define NOW2 "2026-01-02T03:05:00Z"
#define NOW3 "2026-01-02T03:06:00Z"

/* The schema of the §3.3 experiment, written as a CRD would declare it. */
static const char widget_schema[] =
    "{'type':'object','properties':{"
    "'apiVersion':{'type':'string'},'kind':{'type':'string'},"
    "'metadata':{'type':'object'},"
    "'data':{'type':'object','additionalProperties':{'type':'string'}},"
    "'spec':{'type':'object','properties':{"
    " 'replicas':{'type':'integer'},"
    " 'args':{'type':'array','items':{'type':'string'}},"
    " 'selector':{'type':'object','x-kubernetes-map-type':'atomic',"
    "   'additionalProperties':{'type':'string'}},"
    " 'containers':{'type':'array','x-kubernetes-list-type':'map',"
    "   'x-kubernetes-list-map-keys':['name'],'items':{'type':'object',"
    "   'properties':{'name':{'type':'string'},'image':{'type':'string'},"
    "   'ports':{'type':'array','x-kubernetes-list-type':'map',"
    "     'x-kubernetes-list-map-keys':['containerPort','protocol'],"
    "     'items':{'type':'object','properties':{"
    "       'containerPort':{'type':'integer'},"
    "       'protocol':{'type':'string','default':'TCP'}}}}}}}}}}}";

static const char widget_config[] =
    "{'apiVersion':'example.com/v1','kind':'Widget',"
    "'metadata':{'name':'w','labels':{'app':'a','team':'t'},'finalizers':['f1']},"
    "'spec':{'replicas':2,'args':['x'],'selector':{'a':'b'},"
    " 'containers':[{'name':'c1','image':'nginx','ports':[{'containerPort':80}]}]},"
    "'data':{'k1':'v1','k2':'v2'}}";

/* The fieldsV1 the experiment produced for widget_config (§3.3). */
static const char widget_fields[] =
    "{\"f:data\":{\"f:k1\":{},\"f:k2\":{}},\"f:metadata\":{\"f:finalizers\":"
    "{\"v:\\\"f1\\\"\":{}},\"f:labels\":{\"f:app\":{},\"f:team\":{}}},"
    "\"f:spec\":{\"f:args\":{},\"f:containers\":{\"k:{\\\"name\\\":\\\"c1\\\"}\":"
    "{\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort"
    "\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}}}},"
    "\"f:replicas\":{},\"f:selector\":{}}}";

static const cf_schema *widget(cf_arena *a)
{
	const cf_schema *s = NULL;

	if (cf_schema_from_openapi(&s, a, J(a, widget_schema)) < 0)
		return NULL;
	return s;
}

static const cf_node *entry_of(const cf_node *obj, const char *manager,
    const char *op)
{
	const cf_node *mf = cf_node_getp(obj, "metadata", "managedFields", NULL);

	for (size_t i = 0; i < cf_node_count(mf); i++) {
		const cf_node *e = cf_node_at(mf, i);

		if (!strcmp(cf_node_getp_str(e, "manager", NULL), manager) &&
		    !strcmp(cf_node_getp_str(e, "operation", NULL), op))
			return e;
	}
	return NULL;
}

static const char *fields_of(cf_arena *a, const cf_node *obj,
    const char *manager, const char *op)
{
	const cf_node *e = entry_of(obj, manager, op);

	return e ? JS(a, cf_node_get(e, "fieldsV1")) : "(no entry)";
}

/* Create a widget by applying widget_config as manager "m". */
static cf_node *create_widget(cf_arena *a, const cf_schema *s)
{
	cf_ssa_opts o = { .manager = "m", .api_version = "example.com/v1",
		.now = NOW1 };
	cf_ssa_result r;

	if (cf_ssa_apply(&r, a, s, NULL, J(a, widget_config), &o) < 0)
		return NULL;
	/* What the store adds on create. */
	cf_node_set(a, cf_node_get(r.obj, "metadata"), "uid",
	    cf_node_str(a, "u-1"));
	return r.obj;
}

TEST(test_kube_ssa__fieldsv1_example_from_apply)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *obj;
	const cf_node *e;

	CHECK(s);
	CHECK((obj = create_widget(&a, s)));
	CHECK_STR(fields_of(&a, obj, "m", "Apply"), widget_fields);
	e = entry_of(obj, "m", "Apply");
	CHECK_STR(JS(&a, e), cf_arena_printf(&a, "{\"manager\":\"m\","
	    "\"operation\":\"Apply\",\"apiVersion\":\"example.com/v1\","
	    "\"time\":\"" NOW1 "\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":%s}",
	    widget_fields));
	/* The object is the config (an apply can create). */
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_getp(obj, "spec",
	    "containers", NULL), 0), "image", NULL), "nginx");
	CHECK_INT(cf_node_count(cf_node_getp(obj, "metadata", "managedFields",
	    NULL)), 1);
	cf_arena_release(&a);
}

TEST(test_kube_ssa__fieldsv1_decode_encode_round_trip)
{
	cf_arena a = CF_ARENA_INIT;
	cf_fieldset *fs;
	cf_buf paths = CF_BUF_INIT;

	CHECK(cf_fieldset_decode(&fs, &a, J(&a, widget_fields)) == 0);
	CHECK_STR(JS(&a, cf_fieldset_encode(&a, fs)), widget_fields);
	cf_fieldset_paths(&paths, fs);
	CHECK(strstr(paths.buf, ".spec.containers[name=\"c1\"].image\n"));
	CHECK(strstr(paths.buf, ".metadata.finalizers[=\"f1\"]\n"));
	CHECK(strstr(paths.buf,
	    ".spec.containers[name=\"c1\"].ports[containerPort=80,protocol=\"TCP\"]\n"));
	cf_buf_release(&paths);

	/* Bad keys are refused, naming the key. */
	CHECK_INT(cf_fieldset_decode(&fs, &a, J(&a, "{'x:y':{}}")), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "'x:y'"));
	CHECK_INT(cf_fieldset_decode(&fs, &a, J(&a, "{'k:{bad':{}}")), CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_kube_ssa__fieldsv1_sibling_order)
{
	cf_arena a = CF_ARENA_INIT;
	cf_fieldset *fs;

	/* f: < k: < v: < i:, then by value: numbers numerically (80 < 443),
	 * numbers before strings. */
	CHECK(cf_fieldset_decode(&fs, &a, J(&a,
	    "{'i:1':{},'v:\\\"b\\\"':{},'v:2':{},'k:{\\\"p\\\":443}':{},"
	    "'k:{\\\"p\\\":80}':{},'f:z':{},'f:a':{}}")) == 0);
	CHECK_STR(JS(&a, cf_fieldset_encode(&a, fs)),
	    "{\"f:a\":{},\"f:z\":{},\"k:{\\\"p\\\":80}\":{},\"k:{\\\"p\\\":443}\":{},"
	    "\"v:2\":{},\"v:\\\"b\\\"\":{},\"i:1\":{}}");
	cf_arena_release(&a);
}

/* §3.4's experiment: a controller's Update adds label extra, data key k3
 * and container sidecar; its entry is exactly those three additions. */
TEST(test_kube_ssa__controller_update_records_additions)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *live = create_widget(&a, s), *next;
	cf_ssa_opts o = { .manager = "controller", .api_version = "example.com/v1",
		.now = NOW2 };

	CHECK(live);
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_getp(next, "metadata", "labels", NULL), "extra",
	    cf_node_str(&a, "1"));
	cf_node_set(&a, cf_node_get(next, "data"), "k3", cf_node_str(&a, "v3"));
	cf_node_push(&a, cf_node_getp(next, "spec", "containers", NULL),
	    J(&a, "{'name':'sidecar','image':'busybox'}"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK_STR(fields_of(&a, next, "controller", "Update"),
	    "{\"f:data\":{\"f:k3\":{}},\"f:metadata\":{\"f:labels\":{\"f:extra\":{}}},"
	    "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"sidecar\\\"}\":"
	    "{\".\":{},\"f:image\":{},\"f:name\":{}}}}}");
	/* The applier keeps its set; Apply sorts before Update. */
	CHECK_STR(fields_of(&a, next, "m", "Apply"), widget_fields);
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_getp(next, "metadata",
	    "managedFields", NULL), 0), "operation", NULL), "Apply");
	CHECK_STR(cf_node_getp_str(entry_of(next, "controller", "Update"), "time",
	    NULL), NOW2);
	cf_arena_release(&a);
}

static cf_node *configmap(cf_arena *a, const char *data)
{
	return J(a, cf_arena_printf(a, "{'apiVersion':'v1','kind':'ConfigMap',"
	    "'metadata':{'name':'cm','namespace':'ns'},'data':%s}", data));
}

/* A ConfigMap created by "flux" with a plain write (Update entry). */
static cf_node *flux_configmap(cf_arena *a, const cf_schema *s)
{
	cf_node *obj = configmap(a, "{'a':'1','b':'2'}");
	cf_ssa_opts o = { .manager = "flux", .api_version = "v1", .now = NOW1 };

	if (cf_ssa_update(obj, a, s, NULL, &o) < 0)
		return NULL;
	cf_node_set(a, cf_node_get(obj, "metadata"), "uid", cf_node_str(a, "u"));
	return obj;
}

TEST(test_kube_ssa__create_records_update_entry_with_dot_for_new_maps)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *obj = flux_configmap(&a, s);

	CHECK(obj);
	/* data is a map new on create, so it is recorded with "." too. */
	CHECK_STR(fields_of(&a, obj, "flux", "Update"),
	    "{\"f:data\":{\".\":{},\"f:a\":{},\"f:b\":{}}}");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__conflict_message_and_cause)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s);
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW2 };
	cf_ssa_result r;

	CHECK(live);
	CHECK_INT(cf_ssa_apply(&r, &a, s, live, configmap(&a, "{'a':'x'}"), &o),
	    CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 1 conflict: conflict with "
	    "\"flux\" using v1: .data.a");
	CHECK_STR(cf_error_msg(), r.message);
	CHECK_INT(r.nconflicts, 1);
	CHECK_STR(r.conflicts[0].field, ".data.a");
	CHECK_STR(r.conflicts[0].message, "conflict with \"flux\" using v1");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__conflicts_grouped_by_manager)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s), *next;
	cf_ssa_opts oz = { .manager = "zeta", .api_version = "v1", .now = NOW2 };
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW3 };
	cf_ssa_result r;

	CHECK(live);
	/* zeta applies c and d; then kubectl changes a, b, c and d. */
	CHECK(cf_ssa_apply(&r, &a, s, live,
	    configmap(&a, "{'c':'3','d':'4'}"), &oz) == 0);
	next = r.obj;
	CHECK_INT(cf_ssa_apply(&r, &a, s, next,
	    configmap(&a, "{'a':'x','b':'y','c':'z','d':'w'}"), &o), CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 4 conflicts: conflicts with "
	    "\"flux\" using v1:\n- .data.a\n- .data.b\nconflicts with \"zeta\":\n"
	    "- .data.c\n- .data.d");
	CHECK_INT(r.nconflicts, 4);
	CHECK_STR(r.conflicts[2].message, "conflict with \"zeta\"");
	CHECK_STR(r.conflicts[3].field, ".data.d");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__force_takes_ownership)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s);
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW2,
		.force = true };
	cf_ssa_result r;

	CHECK(live);
	CHECK(cf_ssa_apply(&r, &a, s, live, configmap(&a, "{'a':'x'}"), &o) == 0);
	CHECK(r.changed);
	CHECK_STR(cf_node_getp_str(r.obj, "data", "a", NULL), "x");
	CHECK_STR(fields_of(&a, r.obj, "kubectl", "Apply"),
	    "{\"f:data\":{\"f:a\":{}}}");
	CHECK_STR(fields_of(&a, r.obj, "flux", "Update"),
	    "{\"f:data\":{\".\":{},\"f:b\":{}}}");
	/* Forced out of b as well, flux keeps only the data map node. */
	CHECK(cf_ssa_apply(&r, &a, s, r.obj, configmap(&a,
	    "{'a':'x','b':'y'}"), &o) == 0);
	CHECK_STR(fields_of(&a, r.obj, "flux", "Update"),
	    "{\"f:data\":{}}");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__same_value_co_owns_and_noop)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s);
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW2 };
	cf_ssa_result r;

	CHECK(live);
	CHECK(cf_ssa_apply(&r, &a, s, live, configmap(&a, "{'a':'1'}"), &o) == 0);
	CHECK(!r.changed);
	CHECK_STR(fields_of(&a, r.obj, "kubectl", "Apply"),
	    "{\"f:data\":{\"f:a\":{}}}");
	CHECK_STR(fields_of(&a, r.obj, "flux", "Update"),
	    "{\"f:data\":{\".\":{},\"f:a\":{},\"f:b\":{}}}");
	/* The object did not change, so the new entry has no time. */
	CHECK(!cf_node_get(entry_of(r.obj, "kubectl", "Apply"), "time"));
	cf_arena_release(&a);
}

/* §3.6: dropping data.k2, label team and the container port removes all
 * three; a field a controller co-owns stays. */
TEST(test_kube_ssa__reapply_removes_dropped_fields)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *live = create_widget(&a, s), *next;
	cf_ssa_opts oc = { .manager = "controller",
		.api_version = "example.com/v1", .now = NOW2 };
	cf_ssa_opts o = { .manager = "m", .api_version = "example.com/v1",
		.now = NOW3 };
	cf_ssa_result r;

	CHECK(live);
	/* The controller sets data.k3 ... */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "data"), "k3", cf_node_str(&a, "v3"));
	CHECK(cf_ssa_update(next, &a, s, live, &oc) == 0);
	/* ... the applier co-owns it by applying the same value ... */
	CHECK(cf_ssa_apply(&r, &a, s, next, J(&a,
	    "{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w',"
	    "'labels':{'app':'a','team':'t'},'finalizers':['f1']},"
	    "'spec':{'replicas':2,'args':['x'],'selector':{'a':'b'},"
	    "'containers':[{'name':'c1','image':'nginx','ports':[{'containerPort':80}]}]},"
	    "'data':{'k1':'v1','k2':'v2','k3':'v3'}}"), &o) == 0);
	CHECK(!r.changed);
	/* ... and then drops k2, k3, label team and the port. */
	CHECK(cf_ssa_apply(&r, &a, s, r.obj, J(&a,
	    "{'apiVersion':'example.com/v1','kind':'Widget','metadata':{'name':'w',"
	    "'labels':{'app':'a'},'finalizers':['f1']},"
	    "'spec':{'replicas':2,'args':['x'],'selector':{'a':'b'},"
	    "'containers':[{'name':'c1','image':'nginx'}]},"
	    "'data':{'k1':'v1'}}"), &o) == 0);
	CHECK(r.changed);
	CHECK(!cf_node_getp(r.obj, "data", "k2", NULL));
	CHECK_STR(cf_node_getp_str(r.obj, "data", "k3", NULL), "v3");
	CHECK(!cf_node_getp(r.obj, "metadata", "labels", "team", NULL));
	CHECK_STR(cf_node_getp_str(r.obj, "metadata", "labels", "app", NULL), "a");
	CHECK(!cf_node_get(cf_node_at(cf_node_getp(r.obj, "spec", "containers",
	    NULL), 0), "ports"));
	CHECK_STR(fields_of(&a, r.obj, "m", "Apply"),
	    "{\"f:data\":{\"f:k1\":{}},\"f:metadata\":{\"f:finalizers\":"
	    "{\"v:\\\"f1\\\"\":{}},\"f:labels\":{\"f:app\":{}}},"
	    "\"f:spec\":{\"f:args\":{},\"f:containers\":{\"k:{\\\"name\\\":\\\"c1\\\"}\":"
	    "{\".\":{},\"f:image\":{},\"f:name\":{}}},\"f:replicas\":{},\"f:selector\":{}}}");
	CHECK_STR(cf_node_getp_str(entry_of(r.obj, "m", "Apply"), "time", NULL),
	    NOW3);
	cf_arena_release(&a);
}

TEST(test_kube_ssa__keyed_list_merge_order)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *live = J(&a, "{'spec':{'template':{'spec':{'containers':["
	    "{'name':'a','image':'1'},{'name':'x','image':'live-only'},"
	    "{'name':'b','image':'2'}]}}}}");
	cf_node *cfg = J(&a, "{'spec':{'template':{'spec':{'containers':["
	    "{'name':'b','image':'3'},{'name':'new','image':'n'},"
	    "{'name':'a','image':'1'}]}}}}");
	cf_node *m = cf_ssa_merge(&a, s, live, cfg);

	/* Config order b, new, a holds; live-only x comes out when the walk
	 * reaches it, here ahead of b, since a waits for its config turn. */
	CHECK_STR(JS(&a, cf_node_getp(m, "spec", "template", "spec", "containers",
	    NULL)), "[{\"name\":\"x\",\"image\":\"live-only\"},"
	    "{\"name\":\"b\",\"image\":\"3\"},{\"name\":\"new\","
	    "\"image\":\"n\"},{\"name\":\"a\",\"image\":\"1\"}]");
	/* Same order on both sides: live-only items stay where they were. */
	m = cf_ssa_merge(&a, s, J(&a, "{'spec':{'template':{'spec':{'containers':["
	    "{'name':'a'},{'name':'x'},{'name':'b'}]}}}}"), J(&a, "{'spec':{"
	    "'template':{'spec':{'containers':[{'name':'a'},{'name':'b'},"
	    "{'name':'c'}]}}}}"));
	CHECK_STR(JS(&a, cf_node_getp(m, "spec", "template", "spec", "containers",
	    NULL)), "[{\"name\":\"a\"},{\"name\":\"x\"},{\"name\":\"b\"},"
	    "{\"name\":\"c\"}]");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__atomic_and_set_merge)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *live = J(&a, "{'metadata':{'finalizers':['a','b']},'spec':{"
	    "'selector':{'matchLabels':{'x':'1','y':'2'}},'template':{'spec':{"
	    "'containers':[{'name':'c','args':['1','2']}]}}}}");
	cf_node *cfg = J(&a, "{'metadata':{'finalizers':['c','a']},'spec':{"
	    "'selector':{'matchLabels':{'z':'3'}},'template':{'spec':{"
	    "'containers':[{'name':'c','args':['9']}]}}}}");
	cf_node *m = cf_ssa_merge(&a, s, live, cfg);

	CHECK_STR(JS(&a, cf_node_getp(m, "metadata", "finalizers", NULL)),
	    "[\"c\",\"a\",\"b\"]");
	CHECK_STR(JS(&a, cf_node_getp(m, "spec", "selector", NULL)),
	    "{\"matchLabels\":{\"z\":\"3\"}}");
	CHECK_STR(JS(&a, cf_node_getp(m, "spec", "template", "spec", NULL)),
	    "{\"containers\":[{\"name\":\"c\",\"args\":[\"9\"]}]}");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__fieldset_errors_name_the_list)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_fieldset *fs;

	CHECK_INT(cf_ssa_fieldset(&fs, &a, s, J(&a, "{'spec':{'template':{'spec':"
	    "{'containers':[{'name':'a'},{'name':'a'}]}}}}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".spec.template.spec.containers: duplicate "
	    "entries for key [name=\"a\"]");
	CHECK_INT(cf_ssa_fieldset(&fs, &a, s, J(&a, "{'spec':{'template':{'spec':"
	    "{'containers':[{'image':'a'}]}}}}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".spec.template.spec.containers: element 0: "
	    "associative list with keys has an element that omits key field "
	    "\"name\" (and doesn't have default value)");
	/* Sets say "key" too, as structured-merge-diff does. */
	CHECK_INT(cf_ssa_fieldset(&fs, &a, s, J(&a, "{'metadata':{'finalizers':"
	    "['a','a']}}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".metadata.finalizers: duplicate entries for "
	    "key [=\"a\"]");
	CHECK_INT(cf_ssa_fieldset(&fs, &a, s, J(&a, "{'spec':{'template':{'spec':"
	    "{'containers':[{'name':'a','ports':[{'containerPort':1},"
	    "{'containerPort':1,'protocol':'TCP'}]}]}}}}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".spec.template.spec.containers[name=\"a\"]."
	    "ports: duplicate entries for key [containerPort=1,protocol=\"TCP\"]");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__apply_rejects_managed_fields_in_config)
{
	cf_arena a = CF_ARENA_INIT;
	cf_ssa_opts o = { .manager = "m", .api_version = "v1", .now = NOW1 };
	cf_ssa_result r;

	CHECK_INT(cf_ssa_apply(&r, &a, cf_schema_builtin("", "ConfigMap"), NULL,
	    J(&a, "{'metadata':{'name':'x','managedFields':[]}}"), &o), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "metadata.managedFields must be nil");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__before_first_apply)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = configmap(&a, "{'a':'1'}");
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW2 };
	cf_ssa_result r;

	cf_node_set(&a, cf_node_get(live, "metadata"), "uid", cf_node_str(&a, "u"));
	/* Untracked objects stay untracked through plain updates ... */
	{
		cf_node *next = configmap(&a, "{'a':'2'}");

		cf_node_set(&a, cf_node_get(next, "metadata"), "uid",
		    cf_node_str(&a, "u"));
		CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
		CHECK(!cf_node_getp(next, "metadata", "managedFields", NULL));
	}
	/* ... and the first apply hands the existing fields to
	 * before-first-apply, which then conflicts. */
	CHECK_INT(cf_ssa_apply(&r, &a, s, live, configmap(&a, "{'a':'9'}"), &o),
	    CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 1 conflict: conflict with "
	    "\"before-first-apply\" using v1: .data.a");
	CHECK(cf_ssa_apply(&r, &a, s, live, configmap(&a, "{'b':'2'}"), &o) == 0);
	CHECK_STR(fields_of(&a, r.obj, "before-first-apply", "Update"),
	    "{\"f:data\":{\".\":{},\"f:a\":{}}}");
	CHECK_STR(fields_of(&a, r.obj, "kubectl", "Apply"),
	    "{\"f:data\":{\"f:b\":{}}}");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__update_removal_leaves_every_manager)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s), *next;
	cf_ssa_opts o = { .manager = "editor", .api_version = "v1", .now = NOW2 };

	CHECK(live);
	next = configmap(&a, "{'a':'1'}");
	cf_node_set(&a, cf_node_get(next, "metadata"), "uid", cf_node_str(&a, "u"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	/* Only a removal: flux loses b, editor gains nothing. */
	CHECK_STR(fields_of(&a, next, "flux", "Update"),
	    "{\"f:data\":{\".\":{},\"f:a\":{}}}");
	CHECK(!entry_of(next, "editor", "Update"));
	CHECK_STR(cf_node_getp_str(entry_of(next, "flux", "Update"), "time", NULL),
	    NOW1);
	cf_arena_release(&a);
}

TEST(test_kube_ssa__request_managed_fields_rules)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = flux_configmap(&a, s), *next;
	cf_ssa_opts o = { .manager = "editor", .api_version = "v1", .now = NOW2 };

	CHECK(live);
	/* [] is ignored: the stored list is kept. */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "metadata"), "managedFields",
	    cf_node_seq(&a));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK(entry_of(next, "flux", "Update"));

	/* [{}] resets: nothing changed, so no entries remain. */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "metadata"), "managedFields",
	    J(&a, "[{}]"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK(!cf_node_getp(next, "metadata", "managedFields", NULL));

	/* [{}] plus a change: the writer owns what it changed. */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "metadata"), "managedFields",
	    J(&a, "[{}]"));
	cf_node_set(&a, cf_node_get(next, "data"), "a", cf_node_str(&a, "z"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK_INT(cf_node_count(cf_node_getp(next, "metadata", "managedFields",
	    NULL)), 1);
	CHECK_STR(fields_of(&a, next, "editor", "Update"),
	    "{\"f:data\":{\"f:a\":{}}}");

	/* A valid list replaces the stored one (renaming a manager). */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "metadata"), "managedFields", J(&a,
	    "[{'manager':'renamed','operation':'Update','apiVersion':'v1',"
	    "'time':'" NOW1 "','fieldsType':'FieldsV1',"
	    "'fieldsV1':{'f:data':{'f:b':{}}}}]"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK(!entry_of(next, "flux", "Update"));
	CHECK_STR(fields_of(&a, next, "renamed", "Update"),
	    "{\"f:data\":{\"f:b\":{}}}");

	/* An invalid list falls back to the stored one. */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "metadata"), "managedFields", J(&a,
	    "[{'manager':'x','fieldsType':'FieldsV2','fieldsV1':{}}]"));
	CHECK(cf_ssa_update(next, &a, s, live, &o) == 0);
	CHECK(entry_of(next, "flux", "Update"));
	cf_arena_release(&a);
}

TEST(test_kube_ssa__status_subresource_ignores)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *live = create_widget(&a, s), *next;
	cf_ssa_opts main_o = { .manager = "ctl", .api_version = "example.com/v1",
		.now = NOW2, .status_subresource = true };
	cf_ssa_opts st_o = main_o;
	const cf_node *e;

	CHECK(live);
	st_o.subresource = "status";
	/* On /status only status is recorded, under subresource "status". */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, next, "status", J(&a, "{'ready':true}"));
	cf_node_set(&a, cf_node_get(next, "data"), "zz", cf_node_str(&a, "1"));
	CHECK(cf_ssa_update(next, &a, s, live, &st_o) == 0);
	e = entry_of(next, "ctl", "Update");
	CHECK(e);
	CHECK_STR(cf_node_getp_str(e, "subresource", NULL), "status");
	CHECK_STR(JS(&a, cf_node_get(e, "fieldsV1")),
	    "{\"f:status\":{\".\":{},\"f:ready\":{}}}");
	/* On the main resource status is not owned by an applier. */
	{
		cf_ssa_result r;
		cf_node *cfg = J(&a, widget_config);

		cf_node_set(&a, cfg, "status", J(&a, "{'ready':false}"));
		main_o.manager = "m";
		CHECK(cf_ssa_apply(&r, &a, s, live, cfg, &main_o) == 0);
		CHECK(!r.changed);
		CHECK(!cf_node_get(r.obj, "status"));
		CHECK_STR(fields_of(&a, r.obj, "m", "Apply"), widget_fields);
	}
	cf_arena_release(&a);
}

TEST(test_kube_ssa__update_managers_capped_at_ten)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *obj = flux_configmap(&a, s);
	const cf_node *mf;

	CHECK(obj);
	/* Eleven more writers, each adding one key a second apart. */
	for (int i = 0; i < 11; i++) {
		cf_node *next = cf_node_dup(&a, obj);
		cf_ssa_opts o = { .manager = cf_arena_printf(&a, "w%02d", i),
			.api_version = "v1",
			.now = cf_arena_printf(&a, "2026-01-02T04:00:%02dZ", i) };

		cf_node_set(&a, cf_node_get(next, "data"),
		    cf_arena_printf(&a, "k%02d", i), cf_node_str(&a, "v"));
		CHECK(cf_ssa_update(next, &a, s, obj, &o) == 0);
		obj = next;
	}
	mf = cf_node_getp(obj, "metadata", "managedFields", NULL);
	CHECK_INT(cf_node_count(mf), 10);
	/* Twelve updaters: the oldest of a version only opens the bucket, so
	 * flux, w00 and w01 fold into ancient-changes, which takes w01's
	 * time and sorts first. */
	CHECK(!entry_of(obj, "flux", "Update"));
	CHECK(!entry_of(obj, "w00", "Update"));
	CHECK(!entry_of(obj, "w01", "Update"));
	CHECK(entry_of(obj, "w02", "Update"));
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 0), "manager", NULL),
	    "ancient-changes");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 0), "time", NULL),
	    "2026-01-02T04:00:01Z");
	CHECK_STR(fields_of(&a, obj, "ancient-changes", "Update"),
	    "{\"f:data\":{\".\":{},\"f:a\":{},\"f:b\":{},\"f:k00\":{},"
	    "\"f:k01\":{}}}");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 9), "manager", NULL), "w10");
	cf_arena_release(&a);
}

TEST(test_kube_ssa__never_recorded_paths)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *obj = J(&a, "{'apiVersion':'apps/v1','kind':'Deployment',"
	    "'metadata':{'name':'d','namespace':'n','uid':'u','generation':1,"
	    "'resourceVersion':'5','creationTimestamp':'" NOW1 "'},"
	    "'spec':{'replicas':1}}");
	cf_ssa_opts o = { .manager = "m", .api_version = "apps/v1", .now = NOW1 };

	CHECK(cf_ssa_update(obj, &a, s, NULL, &o) == 0);
	/* spec is a Go struct present in a zero Deployment: no "." */
	CHECK_STR(fields_of(&a, obj, "m", "Update"),
	    "{\"f:spec\":{\"f:replicas\":{}}}");
	cf_arena_release(&a);
}

/* §3.5: "kubectl" moving from client-side apply may take the fields whose
 * live value still equals its last-applied annotation. */
TEST(test_kube_ssa__kubectl_last_applied_migration)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = J(&a, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{"
	    "'name':'cm','namespace':'ns','annotations':{"
	    "'kubectl.kubernetes.io/last-applied-configuration':"
	    "'{\\'apiVersion\\':\\'v1\\',\\'data\\':{\\'a\\':\\'1\\',"
	    "\\'b\\':\\'2\\'},\\'kind\\':\\'ConfigMap\\'}'}},"
	    "'data':{'a':'1','b':'2'}}"), *next;
	cf_ssa_opts csa = { .manager = "kubectl-client-side-apply",
		.api_version = "v1", .now = NOW1 };
	cf_ssa_opts other = { .manager = "other", .api_version = "v1", .now = NOW2 };
	cf_ssa_opts o = { .manager = "kubectl", .api_version = "v1", .now = NOW3 };
	cf_ssa_result r;
	const char *la;

	CHECK(cf_ssa_update(live, &a, s, NULL, &csa) == 0);
	cf_node_set(&a, cf_node_get(live, "metadata"), "uid", cf_node_str(&a, "u"));
	/* Someone else changes b after the client-side apply. */
	next = cf_node_dup(&a, live);
	cf_node_set(&a, cf_node_get(next, "data"), "b", cf_node_str(&a, "3"));
	CHECK(cf_ssa_update(next, &a, s, live, &other) == 0);
	/* a is still as last applied: allowed; b is not: reported alone. */
	CHECK_INT(cf_ssa_apply(&r, &a, s, next, configmap(&a,
	    "{'a':'x','b':'y'}"), &o), CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 1 conflict: conflict with "
	    "\"other\" using v1: .data.b");
	/* The same apply by another manager conflicts on both. */
	o.manager = "kubectl-ssa";
	CHECK_INT(cf_ssa_apply(&r, &a, s, next, configmap(&a,
	    "{'a':'x','b':'y'}"), &o), CF_ECONFLICT);
	CHECK_INT(r.nconflicts, 2);
	/* Only allowed conflicts left: applied as if forced. */
	o.manager = "kubectl";
	CHECK(cf_ssa_apply(&r, &a, s, next, configmap(&a, "{'a':'x'}"), &o) == 0);
	CHECK_STR(cf_node_getp_str(r.obj, "data", "a", NULL), "x");
	CHECK_STR(fields_of(&a, r.obj, "kubectl", "Apply"),
	    "{\"f:data\":{\"f:a\":{}}}");
	CHECK_STR(fields_of(&a, r.obj, "kubectl-client-side-apply", "Update"),
	    "{\"f:data\":{},\"f:metadata\":{\"f:annotations\":{\".\":{},"
	    "\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}}}");
	/* ... and the annotation now records this apply. */
	la = cf_node_getp_str(r.obj, "metadata", "annotations",
	    "kubectl.kubernetes.io/last-applied-configuration", NULL);
	CHECK_STR(la, "{\"apiVersion\":\"v1\",\"data\":{\"a\":\"x\"},"
	    "\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\","
	    "\"namespace\":\"ns\"}}\n");
	/* An annotation that would pass 256 KiB is dropped instead. */
	{
		cf_node *big = configmap(&a, "{'a':'x'}");
		char *v = cf_arena_alloc(&a, 300 * 1024 + 1);

		memset(v, 'y', 300 * 1024);
		v[300 * 1024] = '\0';
		cf_node_set(&a, cf_node_get(big, "data"), "big", cf_node_str(&a, v));
		o.force = true;
		CHECK(cf_ssa_apply(&r, &a, s, r.obj, big, &o) == 0);
		CHECK_INT(strlen(cf_node_getp_str(r.obj, "data", "big", NULL)),
		    300 * 1024);
		CHECK(!cf_node_getp(r.obj, "metadata", "annotations", NULL));
	}
	cf_arena_release(&a);
}

/* A Deployment created with a plain write records what kubectl create
 * shows: "." only on nodes a zero Go Deployment lacks (labels maps,
 * pointer structs, list items, ports), never on spec, template or the
 * containers list. */
TEST(test_kube_ssa__create_deployment_like_kubectl)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	/* As kubectl create sends it: null timestamps and empty status. */
	cf_node *obj = J(&a, "{'apiVersion':'apps/v1','kind':'Deployment',"
	    "'metadata':{'name':'d','creationTimestamp':null,'labels':{'app':'web'}},"
	    "'spec':{'replicas':1,"
	    "'selector':{'matchLabels':{'app':'web'}},"
	    "'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':'25%'}},"
	    "'template':{'metadata':{'creationTimestamp':null,'labels':{'app':'web'}},"
	    "'spec':{'containers':["
	    "{'name':'nginx','image':'nginx','resources':{},"
	    "'ports':[{'containerPort':80}]}]}}},'status':{}}");
	cf_ssa_opts o = { .manager = "kubectl-create", .api_version = "apps/v1",
		.now = NOW1 };

	CHECK(cf_ssa_update(obj, &a, s, NULL, &o) == 0);
	CHECK_STR(fields_of(&a, obj, "kubectl-create", "Update"),
	    "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
	    "\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},"
	    "\"f:strategy\":{\"f:rollingUpdate\":{\".\":{},\"f:maxSurge\":{}},"
	    "\"f:type\":{}},\"f:template\":{\"f:metadata\":{\"f:labels\":"
	    "{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:containers\":"
	    "{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},"
	    "\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":80,"
	    "\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}},"
	    "\"f:resources\":{}}}}}}}");
	cf_arena_release(&a);
}

/* Conflicts list in SMD's set order: paths ending at a level before the
 * subtrees below it; keys print with all their fields. */
TEST(test_kube_ssa__conflict_order_and_key_paths)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *base = J(&a, "{'apiVersion':'example.com/v1','kind':'Widget',"
	    "'metadata':{'name':'w','finalizers':['f1']},'spec':{'replicas':1,"
	    "'containers':[{'name':'c1','image':'a','ports':[{'containerPort':80}]}]}}");
	cf_ssa_opts oc = { .manager = "ctl", .api_version = "example.com/v1",
		.now = NOW1 };
	cf_ssa_opts o = { .manager = "m", .api_version = "example.com/v1",
		.now = NOW2 };
	cf_ssa_result r;

	CHECK(cf_ssa_update(base, &a, s, NULL, &oc) == 0);
	cf_node_set(&a, cf_node_get(base, "metadata"), "uid", cf_node_str(&a, "u"));
	CHECK_INT(cf_ssa_apply(&r, &a, s, base, J(&a, "{'apiVersion':"
	    "'example.com/v1','kind':'Widget','metadata':{'name':'w',"
	    "'finalizers':['f1']},'spec':{'replicas':2,'containers':[{'name':'c1',"
	    "'image':'b','ports':[{'containerPort':80,'protocol':'TCP','hostPort':1}]}]}}"),
	    &o), CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 2 conflicts: conflicts with "
	    "\"ctl\" using example.com/v1:\n- .spec.replicas\n"
	    "- .spec.containers[name=\"c1\"].image");
	CHECK_STR(r.conflicts[1].field, ".spec.containers[name=\"c1\"].image");
	cf_arena_release(&a);
}

/* Update entries are per apiVersion and subresource; Apply entries are one
 * per manager; the list sorts Apply first, then by time, manager,
 * apiVersion. */
TEST(test_kube_ssa__entries_per_version_and_sorted)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *obj = flux_configmap(&a, s), *next;
	cf_ssa_opts o = { .manager = "flux", .api_version = "v2", .now = NOW2 };
	cf_ssa_result r;
	const cf_node *mf;

	CHECK(obj);
	next = cf_node_dup(&a, obj);
	cf_node_set(&a, cf_node_get(next, "data"), "c", cf_node_str(&a, "3"));
	CHECK(cf_ssa_update(next, &a, s, obj, &o) == 0);
	obj = next;
	/* An apply at an earlier time still sorts first. */
	o.manager = "zz";
	o.now = "2020-01-01T00:00:00Z";
	CHECK(cf_ssa_apply(&r, &a, s, obj, configmap(&a, "{'d':'4'}"), &o) == 0);
	o.api_version = "v1";
	o.now = NOW3;
	CHECK(cf_ssa_apply(&r, &a, s, r.obj, configmap(&a, "{'d':'4','e':'5'}"),
	    &o) == 0);
	mf = cf_node_getp(r.obj, "metadata", "managedFields", NULL);
	CHECK_INT(cf_node_count(mf), 3);
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 0), "manager", NULL), "zz");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 0), "apiVersion", NULL), "v1");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 0), "time", NULL), NOW3);
	CHECK_STR(JS(&a, cf_node_get(cf_node_at(mf, 0), "fieldsV1")),
	    "{\"f:data\":{\"f:d\":{},\"f:e\":{}}}");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 1), "apiVersion", NULL), "v1");
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 1), "time", NULL), NOW1);
	CHECK_STR(cf_node_getp_str(cf_node_at(mf, 2), "apiVersion", NULL), "v2");
	CHECK_STR(JS(&a, cf_node_get(cf_node_at(mf, 2), "fieldsV1")),
	    "{\"f:data\":{\"f:c\":{}}}");
	cf_arena_release(&a);
}

/* Client-supplied fieldsV1 is untrusted: malformed keys are refused
 * without crashing, and odd but valid ones survive a round trip. */
TEST(test_kube_ssa__fieldsv1_malformed_keys)
{
	static const char *const bad[] = {
		"{'k:[1]':{}}", "{'v:':{}}", "{'i:abc':{}}", "{'i:':{}}",
		"{'k:{\\\"a\\\":':{}}", "{'zz':{}}", "{'f:a':{'q:1':{}}}",
		"{'v:\\\"unterminated':{}}", "{'f:a':3}", "[1]",
	};
	cf_arena a = CF_ARENA_INIT;
	cf_fieldset *fs;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cf_fieldset_decode(&fs, &a, J(&a, bad[i])) != CF_EINVALID) {
			CHECK_STR(bad[i], "refused");
		}
	}
	CHECK(cf_fieldset_decode(&fs, &a, J(&a, "{'f:':{},'v:null':{},"
	    "'v:true':{},'v:1.5':{},'k:{\\\"b\\\":2,\\\"a\\\":\\\"x\\\"}':{},"
	    "'i:-1':{}}")) == 0);
	CHECK_STR(JS(&a, cf_fieldset_encode(&a, fs)),
	    "{\"f:\":{},\"k:{\\\"a\\\":\\\"x\\\",\\\"b\\\":2}\":{},"
	    "\"v:1.5\":{},\"v:true\":{},\"v:null\":{},\"i:-1\":{}}");
	cf_arena_release(&a);
}

/* Deeply nested values (allowed by the JSON parser) are tracked in full. */
TEST(test_kube_ssa__deep_objects)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *obj = configmap(&a, "{}"), *cur;
	cf_ssa_opts o = { .manager = "m", .api_version = "v1", .now = NOW1 };
	const cf_node *f;
	int depth = 0;

	cur = cf_node_set_map(&a, obj, "deep");
	for (int i = 0; i < 300; i++)
		cur = cf_node_set_map(&a, cur, "x");
	cf_node_set(&a, cur, "leaf", cf_node_int(&a, 1));
	CHECK(cf_ssa_update(obj, &a, s, NULL, &o) == 0);
	f = cf_node_getp(entry_of(obj, "m", "Update"), "fieldsV1", "f:deep", NULL);
	while ((f = cf_node_get(f, "f:x")))
		depth++;
	CHECK_INT(depth, 300);
	cf_arena_release(&a);
}

/* Applying the same config twice is a no-op the second time: same object,
 * same managedFields (time included), so the server writes nothing. */
TEST(test_kube_ssa__reapply_is_idempotent)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	const char *cfg = "{'apiVersion':'apps/v1','kind':'Deployment',"
	    "'metadata':{'name':'d','namespace':'n','labels':{'a':'b'}},"
	    "'spec':{'replicas':2,'selector':{'matchLabels':{'a':'b'}},"
	    "'template':{'metadata':{'labels':{'a':'b'}},'spec':{'containers':["
	    "{'name':'c','image':'i','ports':[{'containerPort':80},"
	    "{'containerPort':53,'protocol':'UDP'}],'env':[{'name':'X','value':'1'}]}],"
	    "'volumes':[{'name':'v','emptyDir':{}}]}}}}";
	cf_ssa_opts o = { .manager = "flux", .api_version = "apps/v1",
		.now = NOW1, .force = true };
	cf_ssa_result r1, r2;

	CHECK(cf_ssa_apply(&r1, &a, s, NULL, J(&a, cfg), &o) == 0);
	CHECK(r1.changed);
	cf_node_set(&a, cf_node_get(r1.obj, "metadata"), "uid",
	    cf_node_str(&a, "u"));
	o.now = NOW2;
	CHECK(cf_ssa_apply(&r2, &a, s, r1.obj, J(&a, cfg), &o) == 0);
	CHECK(!r2.changed);
	CHECK(cf_node_equal(r1.obj, r2.obj));
	CHECK_STR(cf_node_getp_str(entry_of(r2.obj, "flux", "Apply"), "time",
	    NULL), NOW1);
	cf_arena_release(&a);
}

/* A manager that wrote through /status is named with its subresource. */
TEST(test_kube_ssa__conflict_with_status_writer)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = widget(&a);
	cf_node *live = create_widget(&a, s), *next;
	cf_ssa_opts st = { .manager = "ctl", .api_version = "example.com/v1",
		.now = NOW2, .subresource = "status", .status_subresource = true };
	cf_ssa_opts o = st;
	cf_ssa_result r;

	CHECK(live);
	next = cf_node_dup(&a, live);
	cf_node_set(&a, next, "status", J(&a, "{'phase':'Ready'}"));
	CHECK(cf_ssa_update(next, &a, s, live, &st) == 0);
	o.manager = "other";
	o.now = NOW3;
	CHECK_INT(cf_ssa_apply(&r, &a, s, next, J(&a, "{'apiVersion':"
	    "'example.com/v1','kind':'Widget','metadata':{'name':'w'},"
	    "'status':{'phase':'Failed'}}"), &o), CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 1 conflict: conflict with \"ctl\" "
	    "with subresource \"status\" using example.com/v1: .status.phase");
	/* Forced, the status applier takes phase; spec is untouched. */
	o.force = true;
	CHECK(cf_ssa_apply(&r, &a, s, next, J(&a, "{'apiVersion':"
	    "'example.com/v1','kind':'Widget','metadata':{'name':'w'},"
	    "'spec':{'replicas':9},'status':{'phase':'Failed'}}"), &o) == 0);
	CHECK_STR(cf_node_getp_str(r.obj, "status", "phase", NULL), "Failed");
	CHECK(cf_node_equal(cf_node_getp(r.obj, "spec", "replicas", NULL),
	    cf_node_int(&a, 2)));
	/* The widget schema does not declare status, so it is a map entry. */
	CHECK_STR(fields_of(&a, r.obj, "other", "Apply"),
	    "{\"f:status\":{\".\":{},\"f:phase\":{}}}");
	CHECK_STR(cf_node_getp_str(entry_of(r.obj, "other", "Apply"),
	    "subresource", NULL), "status");
	cf_arena_release(&a);
}

/* Inside a new list item nothing has a zero value yet: a struct there is
 * recorded with "." like any new node; an empty one is a leaf. An empty
 * zero-valued struct on an existing object is no change at all. */
TEST(test_kube_ssa__typed_zero_values)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *old = J(&a, "{'apiVersion':'apps/v1','kind':'Deployment',"
	    "'metadata':{'name':'d','uid':'u','managedFields':[{'manager':'x',"
	    "'operation':'Update','apiVersion':'apps/v1','time':'" NOW1 "',"
	    "'fieldsType':'FieldsV1','fieldsV1':{'f:spec':{'f:replicas':{}}}}]},"
	    "'spec':{'replicas':1}}");
	cf_node *next = J(&a, "{'apiVersion':'apps/v1','kind':'Deployment',"
	    "'metadata':{'name':'d','uid':'u'},'spec':{'replicas':1,"
	    "'strategy':{},'paused':null,'template':{'spec':{'containers':[{"
	    "'name':'c','resources':{'limits':{'cpu':'1'}},'securityContext':{}}]}}}}");
	cf_ssa_opts o = { .manager = "m", .api_version = "apps/v1", .now = NOW2 };

	CHECK(cf_ssa_update(next, &a, s, old, &o) == 0);
	CHECK_STR(fields_of(&a, next, "m", "Update"),
	    "{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":"
	    "{\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:name\":{},"
	    "\"f:resources\":{\".\":{},\"f:limits\":{\".\":{},\"f:cpu\":{}}},"
	    "\"f:securityContext\":{}}}}}}}");
	cf_arena_release(&a);
}

/* Maps past the indexed-lookup threshold merge and compare like small ones:
 * live order kept, new keys appended, changes found. */
TEST(test_kube_ssa__big_maps)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *live = configmap(&a, "{}"), *cfg = configmap(&a, "{}"), *m;
	cf_ssa_opts o = { .manager = "m", .api_version = "v1", .now = NOW1 };
	cf_ssa_result r;

	for (int i = 39; i >= 0; i--)
		cf_node_set(&a, cf_node_get(live, "data"),
		    cf_arena_printf(&a, "k%02d", i), cf_node_str(&a, "old"));
	cf_node_set(&a, cf_node_get(cfg, "data"), "k07", cf_node_str(&a, "new"));
	cf_node_set(&a, cf_node_get(cfg, "data"), "zz", cf_node_str(&a, "add"));
	cf_node_set(&a, cf_node_get(cfg, "data"), "k33", cf_node_str(&a, "old"));
	m = cf_ssa_merge(&a, s, live, cfg);
	CHECK_INT(cf_node_count(cf_node_get(m, "data")), 41);
	CHECK_STR(cf_node_getp_str(m, "data", "k07", NULL), "new");
	CHECK_STR(cf_node_get(m, "data")->v.pairs[0].key, "k39");
	CHECK_STR(cf_node_get(m, "data")->v.pairs[40].key, "zz");
	/* The existing keys belong to before-first-apply: k07 conflicts. */
	CHECK_INT(cf_ssa_apply(&r, &a, s, live, cfg, &o), CF_ECONFLICT);
	CHECK_STR(r.message, "Apply failed with 1 conflict: conflict with "
	    "\"before-first-apply\" using v1: .data.k07");
	o.force = true;
	CHECK(cf_ssa_apply(&r, &a, s, live, cfg, &o) == 0);
	CHECK(r.changed);
	CHECK(!strstr(fields_of(&a, r.obj, "before-first-apply", "Update"),
	    "k07"));
	CHECK(strstr(fields_of(&a, r.obj, "before-first-apply", "Update"),
	    "\"f:k33\""));
	CHECK_STR(fields_of(&a, r.obj, "m", "Apply"),
	    "{\"f:data\":{\"f:k07\":{},\"f:k33\":{},\"f:zz\":{}}}");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_ssa__fieldsv1_example_from_apply),
    T(test_kube_ssa__fieldsv1_decode_encode_round_trip),
    T(test_kube_ssa__fieldsv1_sibling_order),
    T(test_kube_ssa__controller_update_records_additions),
    T(test_kube_ssa__create_records_update_entry_with_dot_for_new_maps),
    T(test_kube_ssa__conflict_message_and_cause),
    T(test_kube_ssa__conflicts_grouped_by_manager),
    T(test_kube_ssa__force_takes_ownership),
    T(test_kube_ssa__same_value_co_owns_and_noop),
    T(test_kube_ssa__reapply_removes_dropped_fields),
    T(test_kube_ssa__keyed_list_merge_order),
    T(test_kube_ssa__atomic_and_set_merge),
    T(test_kube_ssa__fieldset_errors_name_the_list),
    T(test_kube_ssa__apply_rejects_managed_fields_in_config),
    T(test_kube_ssa__before_first_apply),
    T(test_kube_ssa__update_removal_leaves_every_manager),
    T(test_kube_ssa__request_managed_fields_rules),
    T(test_kube_ssa__status_subresource_ignores),
    T(test_kube_ssa__update_managers_capped_at_ten),
    T(test_kube_ssa__never_recorded_paths),
    T(test_kube_ssa__kubectl_last_applied_migration),
    T(test_kube_ssa__create_deployment_like_kubectl),
    T(test_kube_ssa__conflict_order_and_key_paths),
    T(test_kube_ssa__entries_per_version_and_sorted),
    T(test_kube_ssa__fieldsv1_malformed_keys),
    T(test_kube_ssa__deep_objects),
    T(test_kube_ssa__reapply_is_idempotent),
    T(test_kube_ssa__conflict_with_status_writer),
    T(test_kube_ssa__typed_zero_values),
    T(test_kube_ssa__big_maps))
