/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Strategic merge patch: the behaviours of apimachinery's strategicpatch
 * that the server relies on (spec/kubernetes-api.md §4).
 */
#include "test.h"
#include "core/error.h"
#include "core/node.h"
#include "kube/schema.h"
#include "kube/smp.h"

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

/* Patch a Deployment's pod spec: both sides are written relative to
 * spec.template.spec to keep fixtures short. */
static const char *patch_podspec(cf_arena *a, const char *live,
    const char *patch)
{
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *obj = J(a, cf_arena_printf(a,
	    "{'spec':{'template':{'spec':%s}}}", live));
	cf_node *p = J(a, cf_arena_printf(a,
	    "{'spec':{'template':{'spec':%s}}}", patch));
	cf_node *out;

	if (cf_smp_apply(&out, a, s, obj, p) < 0)
		return cf_arena_printf(a, "error: %s", cf_error_msg());
	return JS(a, cf_node_getp(out, "spec", "template", "spec", NULL));
}

TEST(test_kube_smp__merge_list_by_key)
{
	cf_arena a = CF_ARENA_INIT;

	/* Matched by name and merged; unmatched patch items appended. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a','image':'1','args':['x']},{'name':'b','image':'2'}]}",
	    "{'containers':[{'name':'a','image':'9'},{'name':'c','image':'3'}]}"),
	    "{\"containers\":[{\"name\":\"a\",\"image\":\"9\",\"args\":[\"x\"]},"
	    "{\"name\":\"b\",\"image\":\"2\"},{\"name\":\"c\",\"image\":\"3\"}]}");
	/* Nested: ports merge on containerPort, env on name. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a','ports':[{'containerPort':80,'name':'http'}],"
	    "'env':[{'name':'X','value':'1'}]}]}",
	    "{'containers':[{'name':'a','ports':[{'containerPort':443}],"
	    "'env':[{'name':'X','value':'2'}]}]}"),
	    "{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":80,"
	    "\"name\":\"http\"},{\"containerPort\":443}],\"env\":[{\"name\":\"X\","
	    "\"value\":\"2\"}]}]}");
	cf_arena_release(&a);
}

TEST(test_kube_smp__atomic_lists_are_replaced)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a','args':['1','2']}],'tolerations':[{'key':'k'}]}",
	    "{'containers':[{'name':'a','args':['3']}],'tolerations':[{'key':'z'}]}"),
	    "{\"containers\":[{\"name\":\"a\",\"args\":[\"3\"]}],"
	    "\"tolerations\":[{\"key\":\"z\"}]}");
	cf_arena_release(&a);
}

TEST(test_kube_smp__null_deletes_and_maps_merge)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *out;

	CHECK(cf_smp_apply(&out, &a, s, J(&a,
	    "{'metadata':{'name':'c','labels':{'a':'1','b':'2'}},'data':{'x':'1'}}"),
	    J(&a, "{'metadata':{'labels':{'a':null,'c':'3'}},'data':{'y':'2'}}")) == 0);
	CHECK_STR(JS(&a, out), "{\"metadata\":{\"name\":\"c\",\"labels\":"
	    "{\"b\":\"2\",\"c\":\"3\"}},\"data\":{\"x\":\"1\",\"y\":\"2\"}}");
	cf_arena_release(&a);
}

TEST(test_kube_smp__patch_directive_on_list_items)
{
	cf_arena a = CF_ARENA_INIT;

	/* Delete one keyed item. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a'},{'name':'b'}]}",
	    "{'containers':[{'name':'a','$patch':'delete'}]}"),
	    "{\"containers\":[{\"name\":\"b\"}]}");
	/* Replace the whole list. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a','image':'1'},{'name':'b'}]}",
	    "{'containers':[{'name':'c'},{'$patch':'replace'}]}"),
	    "{\"containers\":[{\"name\":\"c\"}]}");
	/* Other directives on list items are refused. */
	CHECK_STR(patch_podspec(&a, "{'containers':[{'name':'a'}]}",
	    "{'containers':[{'name':'a','$patch':'merge'}]}"),
	    "error: .spec.template.spec.containers: merging lists cannot yet be "
	    "specified in the patch");
	CHECK_STR(patch_podspec(&a, "{'containers':[{'name':'a'}]}",
	    "{'containers':[{'name':'a','$patch':'zap'}]}"),
	    "error: .spec.template.spec.containers: unknown patch type: zap in "
	    "map: map[$patch:zap name:a]");
	cf_arena_release(&a);
}

TEST(test_kube_smp__patch_directive_on_maps)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(patch_podspec(&a,
	    "{'nodeSelector':{'a':'1','b':'2'},'securityContext':{'runAsUser':1}}",
	    "{'nodeSelector':{'$patch':'replace','c':'3'},"
	    "'securityContext':{'$patch':'delete'}}"),
	    "{\"nodeSelector\":{\"c\":\"3\"}}");
	CHECK_STR(patch_podspec(&a, "{'nodeSelector':{'a':'1'}}",
	    "{'nodeSelector':{'$patch':'merge','b':'2'}}"),
	    "{\"nodeSelector\":{\"a\":\"1\",\"b\":\"2\"}}");
	CHECK_STR(patch_podspec(&a, "{'nodeSelector':{'a':'1'}}",
	    "{'nodeSelector':{'$patch':'bogus'}}"),
	    "error: .spec.template.spec.nodeSelector: unknown patch type: bogus "
	    "in map: map[$patch:bogus]");
	cf_arena_release(&a);
}

TEST(test_kube_smp__primitive_lists)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *out;

	/* finalizers: merge strategy, union with duplicates dropped. */
	CHECK(cf_smp_apply(&out, &a, s, J(&a, "{'metadata':{'finalizers':['a','b']}}"),
	    J(&a, "{'metadata':{'finalizers':['b','c','c']}}")) == 0);
	CHECK_STR(JS(&a, out), "{\"metadata\":{\"finalizers\":[\"a\",\"b\",\"c\"]}}");
	CHECK(cf_smp_apply(&out, &a, s, J(&a, "{'metadata':{'finalizers':['a','b','c']}}"),
	    J(&a, "{'metadata':{'$deleteFromPrimitiveList/finalizers':['a','c']}}")) == 0);
	CHECK_STR(JS(&a, out), "{\"metadata\":{\"finalizers\":[\"b\"]}}");
	CHECK_INT(cf_smp_apply(&out, &a, s, J(&a, "{'metadata':{}}"),
	    J(&a, "{'metadata':{'$deleteFromPrimitiveList/finalizers':'a'}}")),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "invalid patch format of primitive list"));
	cf_arena_release(&a);
}

TEST(test_kube_smp__set_element_order)
{
	cf_arena a = CF_ARENA_INIT;

	/* Ordered items follow the order list; b, only on the server, keeps
	 * its place relative to the server's list. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a'},{'name':'b'},{'name':'c'}]}",
	    "{'$setElementOrder/containers':[{'name':'c'},{'name':'a'}],"
	    "'containers':[{'name':'c','image':'x'}]}"),
	    "{\"containers\":[{\"name\":\"b\"},{\"name\":\"c\",\"image\":\"x\"},"
	    "{\"name\":\"a\"}]}");
	/* A new item lands where the order list puts it. */
	CHECK_STR(patch_podspec(&a,
	    "{'containers':[{'name':'a'},{'name':'b'}]}",
	    "{'$setElementOrder/containers':[{'name':'a'},{'name':'n'},{'name':'b'}],"
	    "'containers':[{'name':'n'}]}"),
	    "{\"containers\":[{\"name\":\"a\"},{\"name\":\"n\"},{\"name\":\"b\"}]}");
	/* The patch list must follow the order list. */
	CHECK_STR(patch_podspec(&a, "{'containers':[{'name':'a'},{'name':'b'}]}",
	    "{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],"
	    "'containers':[{'name':'b'},{'name':'a'}]}"),
	    "error: .spec.template.spec: The order in patch list:\n"
	    "[map[name:b] map[name:a]]\n doesn't match $setElementOrder list:\n"
	    "[map[name:a] map[name:b]]\n");
	{
		const cf_schema *s = cf_schema_builtin("apps", "Deployment");
		cf_node *out;

		/* Primitive lists are ordered by value. */
		CHECK(cf_smp_apply(&out, &a, s,
		    J(&a, "{'metadata':{'finalizers':['a','b']}}"),
		    J(&a, "{'metadata':{'$setElementOrder/finalizers':['c','b','a'],"
		    "'finalizers':['c']}}")) == 0);
		CHECK_STR(JS(&a, out),
		    "{\"metadata\":{\"finalizers\":[\"c\",\"b\",\"a\"]}}");
	}
	cf_arena_release(&a);
}

TEST(test_kube_smp__retain_keys)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("apps", "Deployment");
	cf_node *out;

	/* strategy is a one-of union: switching type clears rollingUpdate. */
	CHECK(cf_smp_apply(&out, &a, s, J(&a, "{'spec':{'strategy':{'type':"
	    "'RollingUpdate','rollingUpdate':{'maxSurge':1}}}}"), J(&a,
	    "{'spec':{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}}")) == 0);
	CHECK_STR(JS(&a, out), "{\"spec\":{\"strategy\":{\"type\":\"Recreate\"}}}");
	/* A field set by the patch must be listed. */
	CHECK_INT(cf_smp_apply(&out, &a, s, J(&a, "{'spec':{}}"), J(&a,
	    "{'spec':{'strategy':{'$retainKeys':['type'],'rollingUpdate':{}}}}")),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), ".spec.strategy: invalid patch format of "
	    "retainKeys");
	/* Volumes: merged by name, each item honouring $retainKeys. */
	CHECK_STR(patch_podspec(&a,
	    "{'volumes':[{'name':'v','emptyDir':{}},{'name':'w','emptyDir':{}}]}",
	    "{'volumes':[{'name':'v','$retainKeys':['name','secret'],"
	    "'secret':{'secretName':'s'}}]}"),
	    "{\"volumes\":[{\"name\":\"v\",\"secret\":{\"secretName\":\"s\"}},"
	    "{\"name\":\"w\",\"emptyDir\":{}}]}");
	cf_arena_release(&a);
}

TEST(test_kube_smp__errors_name_the_field)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(patch_podspec(&a, "{'containers':[{'name':'a'}]}",
	    "{'containers':[{'image':'x'}]}"),
	    "error: .spec.template.spec.containers: map: map[image:x] does not "
	    "contain declared merge key: name");
	cf_arena_release(&a);
}

TEST(test_kube_smp__type_change_and_unknown_fields)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s = cf_schema_builtin("", "ConfigMap");
	cf_node *out;

	/* Undeclared fields: maps merge, lists are replaced, a value of
	 * another type replaces the old one. */
	CHECK(cf_smp_apply(&out, &a, s, J(&a,
	    "{'x':{'a':1,'l':[1,2]},'y':'s','z':{'k':1}}"), J(&a,
	    "{'x':{'b':2,'l':[3]},'y':{'m':1},'z':'flat'}")) == 0);
	CHECK_STR(JS(&a, out), "{\"x\":{\"a\":1,\"l\":[3],\"b\":2},"
	    "\"y\":{\"m\":1},\"z\":\"flat\"}");
	/* The original is not touched. */
	{
		cf_node *orig = J(&a, "{'data':{'a':'1'}}");

		CHECK(cf_smp_apply(&out, &a, s, orig, J(&a, "{'data':null}")) == 0);
		CHECK_STR(JS(&a, out), "{}");
		CHECK_STR(JS(&a, orig), "{\"data\":{\"a\":\"1\"}}");
	}
	cf_arena_release(&a);
}

/* Strategies declared by a CRD's x-kubernetes-patch-* tags are honoured
 * too (the server only uses SMP for built-ins, but the engine is
 * schema-driven). */
TEST(test_kube_smp__strategies_from_openapi)
{
	cf_arena a = CF_ARENA_INIT;
	const cf_schema *s;
	cf_node *out;

	CHECK(cf_schema_from_openapi(&s, &a, J(&a, "{'type':'object','properties':{"
	    "'items':{'type':'array','x-kubernetes-patch-strategy':'merge',"
	    "'x-kubernetes-patch-merge-key':'id','items':{'type':'object'}},"
	    "'cfg':{'type':'object','x-kubernetes-patch-strategy':'replace'}}}")) == 0);
	CHECK(cf_smp_apply(&out, &a, s, J(&a, "{'items':[{'id':1,'v':'a'}],"
	    "'cfg':{'a':1,'b':2}}"), J(&a, "{'items':[{'id':1,'w':'b'},{'id':2}],"
	    "'cfg':{'c':3}}")) == 0);
	CHECK_STR(JS(&a, out), "{\"items\":[{\"id\":1,\"v\":\"a\",\"w\":\"b\"},"
	    "{\"id\":2}],\"cfg\":{\"c\":3}}");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_smp__merge_list_by_key),
    T(test_kube_smp__atomic_lists_are_replaced),
    T(test_kube_smp__null_deletes_and_maps_merge),
    T(test_kube_smp__patch_directive_on_list_items),
    T(test_kube_smp__patch_directive_on_maps),
    T(test_kube_smp__primitive_lists),
    T(test_kube_smp__set_element_order),
    T(test_kube_smp__retain_keys),
    T(test_kube_smp__errors_name_the_field),
    T(test_kube_smp__type_change_and_unknown_fields),
    T(test_kube_smp__strategies_from_openapi))
