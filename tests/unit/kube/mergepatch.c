/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/mergepatch.h"
#include "core/alloc.h"
#include "core/json.h"

#include <string.h>

static cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) < 0)
		return NULL;
	return n;
}

static const char *S(cf_arena *a, const cf_node *n)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	cf_json_write(&b, n, CF_JSON_SORTED);
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

static const char *apply(cf_arena *a, const char *t, const char *p)
{
	return S(a, cf_mergepatch_apply(a, J(a, t), J(a, p)));
}

/* The examples of RFC 7386 appendix A, plus Kubernetes-shaped cases. */
TEST(test_kube_mergepatch__rfc7386_examples)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(apply(&a, "{\"a\":\"b\"}", "{\"a\":\"c\"}"), "{\"a\":\"c\"}");
	CHECK_STR(apply(&a, "{\"a\":\"b\"}", "{\"b\":\"c\"}"),
	    "{\"a\":\"b\",\"b\":\"c\"}");
	CHECK_STR(apply(&a, "{\"a\":\"b\"}", "{\"a\":null}"), "{}");
	CHECK_STR(apply(&a, "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}"),
	    "{\"b\":\"c\"}");
	CHECK_STR(apply(&a, "{\"a\":[\"b\"]}", "{\"a\":\"c\"}"), "{\"a\":\"c\"}");
	CHECK_STR(apply(&a, "{\"a\":\"c\"}", "{\"a\":[\"b\"]}"),
	    "{\"a\":[\"b\"]}");
	CHECK_STR(apply(&a, "{\"a\":{\"b\":\"c\"}}",
	    "{\"a\":{\"b\":\"d\",\"c\":null}}"), "{\"a\":{\"b\":\"d\"}}");
	CHECK_STR(apply(&a, "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}"),
	    "{\"a\":[1]}");
	CHECK_STR(apply(&a, "[\"a\",\"b\"]", "[\"c\",\"d\"]"), "[\"c\",\"d\"]");
	CHECK_STR(apply(&a, "{\"a\":\"b\"}", "[\"c\"]"), "[\"c\"]");
	CHECK_STR(apply(&a, "{\"a\":\"foo\"}", "null"), "null");
	CHECK_STR(apply(&a, "{\"a\":\"foo\"}", "\"bar\""), "\"bar\"");
	CHECK_STR(apply(&a, "{\"e\":null}", "{\"a\":1}"),
	    "{\"a\":1,\"e\":null}");
	CHECK_STR(apply(&a, "[1,2]", "{\"a\":\"b\",\"c\":null}"),
	    "{\"a\":\"b\"}");
	CHECK_STR(apply(&a, "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}"),
	    "{\"a\":{\"bb\":{}}}");
	/* kubectl label x-: {"metadata":{"labels":{"x":null}}} */
	CHECK_STR(apply(&a, "{\"metadata\":{\"labels\":{\"x\":\"1\",\"y\":\"2\"}}}",
	    "{\"metadata\":{\"labels\":{\"x\":null}}}"),
	    "{\"metadata\":{\"labels\":{\"y\":\"2\"}}}");
	cf_arena_release(&a);
}

TEST(test_kube_mergepatch__patch_is_copied)
{
	cf_arena a = CF_ARENA_INIT, b = CF_ARENA_INIT;
	cf_node *t = J(&a, "{\"spec\":{}}");
	cf_node *p = J(&b, "{\"spec\":{\"replicas\":3,\"x\":[\"s\"]}}");
	cf_node *r = cf_mergepatch_apply(&a, t, p);

	CHECK(r == t); /* merged in place */
	cf_arena_release(&b); /* the result must not point into the patch */
	CHECK_STR(S(&a, r), "{\"spec\":{\"replicas\":3,\"x\":[\"s\"]}}");
	cf_arena_release(&a);
}

TEST(test_kube_mergepatch__create_roundtrips)
{
	cf_arena a = CF_ARENA_INIT;
	static const char *const pairs[][2] = {
		{ "{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"l\":[1,2]}",
		  "{\"a\":1,\"b\":{\"c\":5},\"l\":[1,2,3],\"n\":{\"m\":true}}" },
		{ "{\"a\":{\"b\":1}}", "{\"a\":\"flat\"}" },
		{ "{\"a\":\"flat\"}", "{\"a\":{\"b\":1}}" },
		{ "{}", "{}" },
		{ "[1]", "{\"x\":1}" },
	};

	for (size_t i = 0; i < CF_ARRAY_SIZE(pairs); i++) {
		cf_node *o = J(&a, pairs[i][0]), *m = J(&a, pairs[i][1]);
		cf_node *p = cf_mergepatch_create(&a, o, m);

		CHECK(cf_node_equal(cf_mergepatch_apply(&a,
		    cf_node_dup(&a, o), p), m));
	}
	CHECK_STR(S(&a, cf_mergepatch_create(&a, J(&a, pairs[0][0]),
	    J(&a, pairs[0][1]))),
	    "{\"b\":{\"c\":5,\"d\":null},\"l\":[1,2,3],\"n\":{\"m\":true}}");
	CHECK_STR(S(&a, cf_mergepatch_create(&a, J(&a, "{\"a\":{\"b\":1}}"),
	    J(&a, "{\"a\":{\"b\":1.0}}"))), "{}");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_mergepatch__rfc7386_examples),
    T(test_kube_mergepatch__patch_is_copied),
    T(test_kube_mergepatch__create_roundtrips))
