/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/jsonpatch.h"
#include "core/error.h"
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

	cf_json_write(&b, n, 0);
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

/* Apply; the result text, or "ERR: <message>" (and then the document
 * must be unchanged). */
static const char *P(cf_arena *a, const char *doc, const char *patch)
{
	cf_node *d = J(a, doc), *orig = d;
	const char *before = S(a, d);

	if (cf_jsonpatch_apply(a, &d, J(a, patch)) < 0) {
		if (d != orig || strcmp(S(a, d), before))
			return "(document changed on failure)";
		return cf_arena_printf(a, "ERR: %s", cf_error_msg());
	}
	return S(a, d);
}

/* RFC 6902 appendix A. */
TEST(test_kube_jsonpatch__rfc6902_examples)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(P(&a, "{\"foo\":\"bar\"}",
	    "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]"),
	    "{\"foo\":\"bar\",\"baz\":\"qux\"}");
	CHECK_STR(P(&a, "{\"foo\":[\"bar\",\"baz\"]}",
	    "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]"),
	    "{\"foo\":[\"bar\",\"qux\",\"baz\"]}");
	CHECK_STR(P(&a, "{\"baz\":\"qux\",\"foo\":\"bar\"}",
	    "[{\"op\":\"remove\",\"path\":\"/baz\"}]"), "{\"foo\":\"bar\"}");
	CHECK_STR(P(&a, "{\"foo\":[\"bar\",\"qux\",\"baz\"]}",
	    "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]"),
	    "{\"foo\":[\"bar\",\"baz\"]}");
	CHECK_STR(P(&a, "{\"baz\":\"qux\",\"foo\":\"bar\"}",
	    "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]"),
	    "{\"baz\":\"boo\",\"foo\":\"bar\"}");
	CHECK_STR(P(&a, "{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},"
	    "\"qux\":{\"corge\":\"grault\"}}",
	    "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]"),
	    "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\","
	    "\"thud\":\"fred\"}}");
	CHECK_STR(P(&a, "{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
	    "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]"),
	    "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}");
	CHECK_STR(P(&a, "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
	    "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
	    "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]"),
	    "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}");
	CHECK_STR(P(&a, "{\"baz\":\"qux\"}",
	    "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]"),
	    "ERR: testing value /baz failed: test failed");
	CHECK_STR(P(&a, "{\"foo\":\"bar\"}",
	    "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]"),
	    "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}");
	CHECK_STR(P(&a, "{\"foo\":\"bar\"}",
	    "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\",\"xyz\":123}]"),
	    "{\"foo\":\"bar\",\"baz\":\"qux\"}");
	CHECK_STR(P(&a, "{\"foo\":\"bar\"}",
	    "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]"),
	    "ERR: add operation does not apply: doc is missing path: "
	    "\"/baz/bat\": missing value");
	CHECK_STR(P(&a, "{\"/\":9,\"~1\":10}",
	    "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]"),
	    "{\"/\":9,\"~1\":10}");
	CHECK_STR(P(&a, "{\"foo\":[\"bar\"]}",
	    "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]"),
	    "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}");
	CHECK_STR(P(&a, "{\"foo\":\"bar\"}",
	    "[{\"op\":\"copy\",\"from\":\"/foo\",\"path\":\"/a~1b\"}]"),
	    "{\"foo\":\"bar\",\"a/b\":\"bar\"}");
	CHECK_STR(P(&a, "{\"foo\":1}",
	    "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]"), "[1]");
	cf_arena_release(&a);
}

TEST(test_kube_jsonpatch__failures_are_atomic)
{
	cf_arena a = CF_ARENA_INIT;

	/* The first op would succeed; the second fails; nothing changes. */
	CHECK_STR(P(&a, "{\"spec\":{\"a\":1}}",
	    "[{\"op\":\"add\",\"path\":\"/spec/b\",\"value\":2},"
	    "{\"op\":\"remove\",\"path\":\"/spec/x\"}]"),
	    "ERR: remove operation does not apply: doc is missing path: "
	    "\"/spec/x\": missing value");
	CHECK_STR(P(&a, "{\"spec\":{\"a\":1}}",
	    "[{\"op\":\"replace\",\"path\":\"/spec/x\",\"value\":2}]"),
	    "ERR: replace operation does not apply: doc is missing key: "
	    "/spec/x: missing value");
	CHECK_STR(P(&a, "{\"l\":[1]}",
	    "[{\"op\":\"add\",\"path\":\"/l/5\",\"value\":2}]"),
	    "ERR: add operation does not apply: Unable to access invalid index: "
	    "5: invalid index referenced");
	CHECK_STR(P(&a, "{\"l\":[1]}",
	    "[{\"op\":\"remove\",\"path\":\"/l/01\"}]"),
	    "ERR: remove operation does not apply: doc is missing path: "
	    "\"/l/01\": missing value");
	CHECK_STR(P(&a, "{\"a\":{\"b\":1}}",
	    "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]"),
	    "ERR: move operation does not apply: from \"/a\" is a prefix of "
	    "path \"/a/b/c\"");
	CHECK_STR(P(&a, "{}", "[{\"op\":\"frob\",\"path\":\"/a\"}]"),
	    "ERR: Unexpected kind: frob");
	CHECK_STR(P(&a, "{}", "[{\"path\":\"/a\"}]"), "ERR: Unexpected kind: unknown");
	CHECK_STR(P(&a, "{}", "{\"op\":\"add\"}"),
	    "ERR: json: cannot unmarshal object into Go value of type "
	    "jsonpatch.Patch");
	CHECK_STR(P(&a, "{}", "[{\"op\":\"add\",\"path\":\"/a\"}]"),
	    "ERR: add operation does not apply: missing value for path \"/a\"");
	CHECK_STR(P(&a, "{}", "[{\"op\":\"add\",\"path\":\"a\",\"value\":1}]"),
	    "ERR: add operation does not apply: invalid JSON pointer \"a\"");
	CHECK_STR(P(&a, "{\"a~b\":1}", "[{\"op\":\"remove\",\"path\":\"/a~b\"}]"),
	    "ERR: remove operation does not apply: doc is missing path: "
	    "\"/a~b\": missing value");
	cf_arena_release(&a);
}

TEST(test_kube_jsonpatch__op_cap_and_pointer)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *patch = cf_node_seq(&a), *doc = J(&a, "{\"a\":[{\"b\":7}]}");

	for (int i = 0; i <= CF_JSONPATCH_MAX_OPS; i++) {
		cf_node *op = cf_node_map(&a);

		cf_node_set(&a, op, "op", cf_node_str(&a, "test"));
		cf_node_set(&a, op, "path", cf_node_str(&a, "/a/0/b"));
		cf_node_set(&a, op, "value", cf_node_int(&a, 7));
		cf_node_push(&a, patch, op);
	}
	CHECK_INT(cf_jsonpatch_apply(&a, &doc, patch), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "The allowed maximum operations in a JSON patch "
	    "is 10000, got 10001");
	cf_node_remove(patch, 0);
	CHECK_INT(cf_jsonpatch_apply(&a, &doc, patch), 0);

	CHECK(cf_json_pointer_get(doc, "") == doc);
	CHECK_INT(cf_json_pointer_get(doc, "/a/0/b")->v.i, 7);
	CHECK(cf_json_pointer_get(doc, "/a/1") == NULL);
	CHECK(cf_json_pointer_get(doc, "a") == NULL);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_jsonpatch__rfc6902_examples),
    T(test_kube_jsonpatch__failures_are_atomic),
    T(test_kube_jsonpatch__op_cap_and_pointer))
