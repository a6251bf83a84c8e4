/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

/* Parse one document and print it as sorted compact JSON into out. */
static int yjson(const char *text, enum cf_yaml_schema schema, char *out,
    size_t outsz)
{
	cf_yaml_opts o = { .schema = schema };
	cf_arena a = CF_ARENA_INIT;
	cf_buf b = CF_BUF_INIT;
	cf_node *n = NULL;
	int rc = cf_yaml_parse_one(&n, &a, text, strlen(text), &o);

	if (rc == 0 && (rc = cf_json_write(&b, n, CF_JSON_SORTED)) == 0)
		snprintf(out, outsz, "%s", b.buf);
	else
		snprintf(out, outsz, "ERR %s", cf_error_msg());
	cf_buf_release(&b);
	cf_arena_release(&a);
	return rc;
}

#define CHECK_YAML(schema, text, want)                                   \
	do {                                                             \
		char got_[4096];                                         \
		yjson((text), (schema), got_, sizeof(got_));             \
		CHECK_STR(got_, (want));                                 \
	} while (0)

/* Type of "v: <scalar>" under a schema, as the JSON the value becomes. */
static const char *typed(const char *scalar, enum cf_yaml_schema schema)
{
	static char out[320];
	char in[256], full[300];

	snprintf(in, sizeof(in), "v: %s\n", scalar);
	yjson(in, schema, full, sizeof(full));
	/* strip {"v": ... } */
	if (!strncmp(full, "{\"v\":", 5)) {
		snprintf(out, sizeof(out), "%.*s", (int)(strlen(full) - 6), full + 5);
		return out;
	}
	snprintf(out, sizeof(out), "%s", full);
	return out;
}

TEST(test_core_yaml__typing_table_11_vs_12)
{
	static const struct { const char *in, *v11, *v12; } t[] = {
		{ "yes", "true", "\"yes\"" }, { "Yes", "true", "\"Yes\"" },
		{ "YES", "true", "\"YES\"" }, { "y", "true", "\"y\"" },
		{ "Y", "true", "\"Y\"" }, { "on", "true", "\"on\"" },
		{ "On", "true", "\"On\"" }, { "ON", "true", "\"ON\"" },
		{ "no", "false", "\"no\"" }, { "n", "false", "\"n\"" },
		{ "off", "false", "\"off\"" }, { "OFF", "false", "\"OFF\"" },
		{ "true", "true", "true" }, { "True", "true", "true" },
		{ "TRUE", "true", "true" }, { "false", "false", "false" },
		{ "tRUE", "\"tRUE\"", "\"tRUE\"" },
		{ "~", "null", "null" }, { "null", "null", "null" },
		{ "Null", "null", "null" }, { "NULL", "null", "null" },
		{ "", "null", "null" }, { "nULL", "\"nULL\"", "\"nULL\"" },
		{ "0777", "511", "511" }, { "0o17", "15", "15" },
		{ "0x1F", "31", "31" }, { "0X1f", "31", "31" },
		{ "0b101", "5", "5" }, { "-0b101", "-5", "-5" },
		{ "1_000", "1000", "1000" }, { "+5", "5", "5" }, { "-0", "0", "0" },
		{ "08", "8", "8" }, /* not octal, so Go's float rule: 8.0 */
		{ "0x", "\"0x\"", "\"0x\"" }, { "0xG", "\"0xG\"", "\"0xG\"" },
		{ "9223372036854775807", "9223372036854775807", "9223372036854775807" },
		{ "18446744073709551615", "18446744073709551615",
		    "18446744073709551615" },
		{ "18446744073709551616", "18446744073709552000",
		    "18446744073709552000" },
		{ "-18446744073709551615", "-18446744073709552000",
		    "-18446744073709552000" },
		{ "1.5", "1.5", "1.5" }, { "1e3", "1000", "1000" },
		{ ".5", "0.5", "0.5" }, { "-.5", "-0.5", "-0.5" },
		{ "1.", "1", "1" }, { "1e400", "\"1e400\"", "\"1e400\"" },
		{ "1:20", "\"1:20\"", "\"1:20\"" },
		{ "2001-12-14", "\"2001-12-14\"", "\"2001-12-14T00:00:00Z\"" },
		{ "2001-12-14T21:59:43.10Z", "\"2001-12-14T21:59:43.10Z\"",
		    "\"2001-12-14T21:59:43.1Z\"" },
		{ "2001-12-14t21:59:43-05:00", "\"2001-12-14t21:59:43-05:00\"",
		    "\"2001-12-14T21:59:43-05:00\"" },
		{ "2001-12-14 21:59:43.10", "\"2001-12-14 21:59:43.10\"",
		    "\"2001-12-14T21:59:43.1Z\"" },
		{ "2001-1-2", "\"2001-1-2\"", "\"2001-01-02T00:00:00Z\"" },
		{ "2001-02-30", "\"2001-02-30\"", "\"2001-02-30\"" },
		{ "2001-12-14 21:59:43 +5", "\"2001-12-14 21:59:43 +5\"",
		    "\"2001-12-14 21:59:43 +5\"" },
		{ "'yes'", "\"yes\"", "\"yes\"" }, { "\"123\"", "\"123\"", "\"123\"" },
		{ "!!str 123", "\"123\"", "\"123\"" },
		{ "!!str yes", "\"yes\"", "\"yes\"" },
		{ "!!int \"42\"", "42", "42" }, { "!!float 1", "1", "1" },
		{ "!!bool yes", "true",
		    "ERR yaml: cannot decode !!str `yes` as a !!bool" },
		{ "!!null ~", "null", "null" },
		{ "!!int abc", "ERR yaml: cannot decode !!str `abc` as a !!int",
		    "ERR yaml: cannot decode !!str `abc` as a !!int" },
		{ "!!binary aGVsbG8=", "\"hello\"", "\"hello\"" },
		{ "!Custom 12", "\"12\"", "\"12\"" },
		{ "a b", "\"a b\"", "\"a b\"" }, { "-x", "\"-x\"", "\"-x\"" },
		{ "1.2.3", "\"1.2.3\"", "\"1.2.3\"" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_STR(typed(t[i].in, CF_YAML_11), t[i].v11);
		CHECK_STR(typed(t[i].in, CF_YAML_12), t[i].v12);
	}
}

TEST(test_core_yaml__special_floats)
{
	cf_arena a = CF_ARENA_INIT;
	const char *s = "[.inf, -.Inf, +.INF, .nan, .NaN]";
	cf_node *n;

	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), NULL), 0);
	CHECK(isinf(n->v.items[0]->v.f) && n->v.items[0]->v.f > 0);
	CHECK(isinf(n->v.items[1]->v.f) && n->v.items[1]->v.f < 0);
	CHECK(isinf(n->v.items[2]->v.f) && n->v.items[2]->v.f > 0);
	CHECK(isnan(n->v.items[3]->v.f) && isnan(n->v.items[4]->v.f));
	/* Uint beyond int64 keeps its flag. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "9223372036854775808", 19, NULL), 0);
	CHECK(n->type == CF_NODE_INT && (n->flags & CF_NODE_F_UINT));
	cf_arena_release(&a);
}

TEST(test_core_yaml__kubernetes_manifest)
{
	const char *m =
	    "apiVersion: apps/v1\r\n"
	    "kind: Deployment\r\n"
	    "metadata:\r\n"
	    "  name: web  # trailing comment\r\n"
	    "  labels: {app: web, tier: \"1\"}\r\n"
	    "spec:\r\n"
	    "  replicas: 3\r\n"
	    "  template:\r\n"
	    "    spec:\r\n"
	    "      containers:\r\n"
	    "      - name: web\r\n"
	    "        args: [\"--a\", '--b']\r\n"
	    "        command:\r\n"
	    "          - sh\r\n"
	    "        script: |\r\n"
	    "          line1\r\n"
	    "          line2\r\n"
	    "        folded: >-\r\n"
	    "          a\r\n"
	    "          b\r\n";

	CHECK_YAML(CF_YAML_11, m,
	    "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
	    "{\"labels\":{\"app\":\"web\",\"tier\":\"1\"},\"name\":\"web\"},"
	    "\"spec\":{\"replicas\":3,\"template\":{\"spec\":{\"containers\":"
	    "[{\"args\":[\"--a\",\"--b\"],\"command\":[\"sh\"],\"folded\":\"a b\","
	    "\"name\":\"web\",\"script\":\"line1\\nline2\\n\"}]}}}}");
}

TEST(test_core_yaml__multi_document_stream)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node **docs;
	size_t n;
	const char *s = "# leading comment\n"
	    "a: 1\n"
	    "---\n"
	    "# only a comment\n"
	    "---\n"
	    "null\n"
	    "---\n"
	    "- x\n"
	    "...\n"
	    "---\n"
	    "{}\n";

	CHECK_INT(cf_yaml_parse(&docs, &n, &a, s, strlen(s), NULL), 0);
	CHECK_INT(n, 5);
	CHECK_INT(cf_node_get(docs[0], "a")->v.i, 1);
	CHECK(docs[1] == NULL);
	CHECK(docs[2] != NULL && docs[2]->type == CF_NODE_NULL);
	CHECK_STR(cf_node_as_str(cf_node_at(docs[3], 0)), "x");
	CHECK(docs[4]->type == CF_NODE_MAP && docs[4]->len == 0);

	/* Nothing but comments: no documents at all. */
	CHECK_INT(cf_yaml_parse(&docs, &n, &a, "# c\n\n# d\n", 9, NULL), 0);
	CHECK_INT(n, 0);
	CHECK_INT(cf_yaml_parse(&docs, &n, &a, "", 0, NULL), 0);
	CHECK_INT(n, 0);
	CHECK_INT(cf_yaml_parse(&docs, &n, &a, NULL, 0, NULL), 0);
	CHECK_INT(n, 0);
	CHECK_INT(cf_yaml_parse(&docs, &n, &a, "---\n", 4, NULL), 0);
	CHECK_INT(n, 1);
	CHECK(docs[0] == NULL);

	/* parse_one: empties are fine, two real documents are not. */
	cf_node *one;
	CHECK_INT(cf_yaml_parse_one(&one, &a, "---\na: 1\n---\n", 13, NULL), 0);
	CHECK_INT(cf_node_get(one, "a")->v.i, 1);
	CHECK_INT(cf_yaml_parse_one(&one, &a, "# x\n", 4, NULL), 0);
	CHECK(one == NULL);
	CHECK_INT(cf_yaml_parse_one(&one, &a, "a: 1\n---\nb: 2\n", 14, NULL),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "yaml: expected a single document in the stream, found 2");
	cf_arena_release(&a);
}

TEST(test_core_yaml__anchors_are_copies)
{
	cf_arena a = CF_ARENA_INIT;
	const char *s = "base: &b {x: 1, l: [1, 2]}\n"
	    "copy: *b\n"
	    "str: &s hello\n"
	    "again: *s\n";
	cf_node *n, *base, *copy;

	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), NULL), 0);
	base = cf_node_get(n, "base");
	copy = cf_node_get(n, "copy");
	CHECK(base != copy);
	CHECK(cf_node_equal(base, copy));
	/* Changing the copy leaves the anchored node alone. */
	cf_node_set(&a, copy, "x", cf_node_int(&a, 2));
	cf_node_push(&a, cf_node_get(copy, "l"), cf_node_int(&a, 3));
	CHECK_INT(cf_node_get(base, "x")->v.i, 1);
	CHECK_INT(cf_node_count(cf_node_get(base, "l")), 2);
	CHECK_STR(cf_node_as_str(cf_node_get(n, "again")), "hello");

	CHECK_YAML(CF_YAML_11, "a: *nope\n",
	    "ERR yaml: unknown anchor 'nope' referenced");
	CHECK_YAML(CF_YAML_11, "a: &x [1, *x]\n",
	    "ERR yaml: anchor 'x' value contains itself");
	/* Redefinition: later aliases see the newer anchor. */
	CHECK_YAML(CF_YAML_11, "- &a 1\n- *a\n- &a 2\n- *a\n", "[1,1,2,2]");
	cf_arena_release(&a);
}

TEST(test_core_yaml__merge_keys)
{
	const char *single = "base: &b {a: 1, b: 2}\n"
	    "m:\n  <<: *b\n  b: 3\n  c: 4\n";
	const char *list = "x: &x {a: 1, b: 1}\n"
	    "z: &z {b: 2, c: 2}\n"
	    "m:\n  <<: [*x, *z]\n  c: 3\n";
	const char *before = "b: &b {a: 2}\nm: {a: 1, <<: *b}\n";

	CHECK_YAML(CF_YAML_11, single,
	    "{\"base\":{\"a\":1,\"b\":2},\"m\":{\"a\":1,\"b\":3,\"c\":4}}");
	CHECK_YAML(CF_YAML_12, single,
	    "{\"base\":{\"a\":1,\"b\":2},\"m\":{\"a\":1,\"b\":3,\"c\":4}}");
	CHECK_YAML(CF_YAML_11, list,
	    "{\"m\":{\"a\":1,\"b\":1,\"c\":3},\"x\":{\"a\":1,\"b\":1},"
	    "\"z\":{\"b\":2,\"c\":2}}");
	CHECK_YAML(CF_YAML_12, list,
	    "{\"m\":{\"a\":1,\"b\":1,\"c\":3},\"x\":{\"a\":1,\"b\":1},"
	    "\"z\":{\"b\":2,\"c\":2}}");
	/* go-yaml v2 applies "<<" where it stands; v3 lets own keys win. */
	CHECK_YAML(CF_YAML_11, before, "{\"b\":{\"a\":2},\"m\":{\"a\":2}}");
	CHECK_YAML(CF_YAML_12, before, "{\"b\":{\"a\":2},\"m\":{\"a\":1}}");
	/* Inline maps merge too; a quoted "<<" is an ordinary key. */
	CHECK_YAML(CF_YAML_11, "<<: {a: 1}\n\"<<\": 2\n", "{\"\\u003c\\u003c\":2,\"a\":1}");
	CHECK_YAML(CF_YAML_11, "a: 1\n<<: 5\n",
	    "ERR yaml: map merge requires map or sequence of maps as the value");
	CHECK_YAML(CF_YAML_11, "<<: [{a: 1}, 2]\n",
	    "ERR yaml: map merge requires map or sequence of maps as the value");
}

TEST(test_core_yaml__non_string_keys)
{
	cf_arena a = CF_ARENA_INIT;
	cf_yaml_opts o12 = { .schema = CF_YAML_12 };
	cf_node *n;
	const char *s = "true: a\n1: b\n1.5: c\n0x10: d\nyes: e\nname: f\n";

	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), NULL), 0);
	CHECK(n->flags & CF_YAML_F_NONSTR_KEYS);
	CHECK_STR(n->v.pairs[0].key, "true");
	CHECK_STR(n->v.pairs[1].key, "1");
	CHECK_STR(n->v.pairs[2].key, "1.5");
	CHECK_STR(n->v.pairs[3].key, "16");
	/* 1.1: "yes" is the boolean true again, so the later value wins. */
	CHECK_INT(cf_node_count(n), 5);
	CHECK_STR(n->v.pairs[4].key, "name");
	CHECK_STR(cf_node_as_str(cf_node_get(n, "true")), "e");
	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), &o12), 0);
	CHECK_STR(cf_node_as_str(cf_node_get(n, "yes")), "e");
	CHECK_STR(cf_node_as_str(cf_node_get(n, "true")), "a");
	/* Only string keys: no flag. Nested maps carry their own flag. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "a: {2: x}\n", 10, NULL), 0);
	CHECK(!(n->flags & CF_YAML_F_NONSTR_KEYS));
	CHECK(cf_node_get(n, "a")->flags & CF_YAML_F_NONSTR_KEYS);
	CHECK_INT(cf_yaml_parse_one(&n, &a, "'1': x\n", 7, NULL), 0);
	CHECK(!(n->flags & CF_YAML_F_NONSTR_KEYS));
	/* A merge brings the mark along with the keys. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "b: &b {1: x}\nm: {<<: [*b]}\n", 27,
	    &o12), 0);
	CHECK(cf_node_get(n, "m")->flags & CF_YAML_F_NONSTR_KEYS);
	/* Float keys as float32 'g', like sigs.k8s.io/yaml. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "{0.1: a, 1e7: b, 1e-5: c, .inf: d}",
	    34, NULL), 0);
	CHECK_STR(n->v.pairs[0].key, "0.1");
	CHECK_STR(n->v.pairs[1].key, "1e+07");
	CHECK_STR(n->v.pairs[2].key, "1e-05");
	CHECK_STR(n->v.pairs[3].key, ".inf");
	/* null keys: an error for Kubernetes, "null" for kustomize. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "~: x\n", 5, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: unsupported map key of type: <nil>");
	CHECK_INT(cf_yaml_parse_one(&n, &a, "9223372036854775808: x\n", 23, NULL),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: unsupported map key of type: uint64");
	CHECK_INT(cf_yaml_parse_one(&n, &a, "9223372036854775808: x\n", 23, &o12), 0);
	CHECK_STR(n->v.pairs[0].key, "9223372036854775808");
	CHECK_INT(cf_yaml_parse_one(&n, &a, "~: x\n", 5, &o12), 0);
	CHECK_STR(n->v.pairs[0].key, "null");
	CHECK(n->flags & CF_YAML_F_NONSTR_KEYS);
	CHECK_INT(cf_yaml_parse_one(&n, &a, "? [a]\n: x\n", 10, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "yaml: line 1: invalid map key: a sequence cannot be a key");
	cf_arena_release(&a);
}

TEST(test_core_yaml__duplicate_keys)
{
	cf_arena a = CF_ARENA_INIT;
	cf_yaml_opts strict = { .dup_keys_error = true };
	const char *s = "a: 1\nb: 2\na: 3\n";
	cf_node *n;

	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), NULL), 0);
	CHECK_INT(cf_node_count(n), 2);
	CHECK_STR(n->v.pairs[0].key, "a");
	CHECK_INT(cf_node_get(n, "a")->v.i, 3);
	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), &strict), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "yaml: line 3: mapping key \"a\" already defined at line 1");
	/* Merged keys are not duplicates. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "b: &b {a: 1}\nm: {<<: *b, a: 2}\n",
	    31, &strict), 0);
	cf_arena_release(&a);
}

TEST(test_core_yaml__errors_with_line_numbers)
{
	CHECK_YAML(CF_YAML_11, "a: 1\nb: c: d\n",
	    "ERR yaml: line 2: mapping values are not allowed in this context");
	/* A parser (not scanner) error: go-yaml prints libyaml's 0-based
	 * line as is, so the third line reads "line 2". */
	CHECK_YAML(CF_YAML_11, "a:\n  - 1\n - 2\n",
	    "ERR yaml: line 2: did not find expected key");
	CHECK_YAML(CF_YAML_11, "a: \"unterminated\n",
	    "ERR yaml: line 2: found unexpected end of stream");
	CHECK_YAML(CF_YAML_11, "a: [1, 2\n",
	    "ERR yaml: line 1: did not find expected ',' or ']'");
	CHECK_YAML(CF_YAML_11, "\ta: 1\n",
	    "ERR yaml: found character that cannot start any token");
	CHECK_YAML(CF_YAML_11, "a: 1\n\tb: 2\n",
	    "ERR yaml: line 2: found a tab character that violates indentation");
	CHECK_YAML(CF_YAML_11, "!!binary a: x\n",
	    "ERR yaml: !!binary value contains invalid base64 data");
}

/* go-yaml parses a whole document, then decodes it, and sigs.k8s.io/yaml
 * converts keys last: the reported error follows that order, not the
 * order of the text. (Expected strings taken from go-yaml v2.) */
TEST(test_core_yaml__error_order_follows_go)
{
	CHECK_YAML(CF_YAML_11, "a: !!int x\nb: [1\n",
	    "ERR yaml: line 2: did not find expected ',' or ']'");
	CHECK_YAML(CF_YAML_11, "~: 1\nb: !!int x\n",
	    "ERR yaml: cannot decode !!str `x` as a !!int");
	CHECK_YAML(CF_YAML_11, "a: &x [1, *x]\nb: *nope\n",
	    "ERR yaml: unknown anchor 'nope' referenced");
	/* Documents are parsed and decoded one at a time. */
	CHECK_YAML(CF_YAML_11, "a: !!int x\n---\nb: [1\n",
	    "ERR yaml: cannot decode !!str `x` as a !!int");
}

TEST(test_core_yaml__version_directive)
{
	cf_arena a = CF_ARENA_INIT;
	cf_yaml_opts allow = { .allow_version_12 = true };
	cf_node *n;
	const char *v12 = "%YAML 1.2\n---\na: 1\n";
	const char *v11 = "%YAML 1.1\n---\na: 1\n";
	const char *later = "a: 1\n---\nb: 1\n...\n%YAML 1.2\n---\nc: 1\n";
	cf_node **docs;
	size_t nd;

	CHECK_INT(cf_yaml_parse_one(&n, &a, v12, strlen(v12), NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: found incompatible YAML document");
	CHECK_INT(cf_yaml_parse_one(&n, &a, v12, strlen(v12), &allow), 0);
	CHECK_INT(cf_node_get(n, "a")->v.i, 1);
	CHECK_INT(cf_yaml_parse_one(&n, &a, v11, strlen(v11), NULL), 0);
	CHECK_INT(cf_yaml_parse(&docs, &nd, &a, later, strlen(later), NULL),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: line 4: found incompatible YAML document");
	cf_arena_release(&a);
}

TEST(test_core_yaml__depth_is_capped)
{
	cf_arena a = CF_ARENA_INIT;
	cf_yaml_opts o = { .max_depth = 3 };
	cf_buf b = CF_BUF_INIT;
	cf_node *n;

	CHECK_INT(cf_yaml_parse_one(&n, &a, "[[[1]]]", 7, &o), 0);
	CHECK_INT(cf_yaml_parse_one(&n, &a, "[[[[1]]]]", 9, &o), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: line 1: exceeded max depth of 3");
	/* Aliases cannot build past the cap either. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "a: &a [[1]]\nb: [*a]\n", 20, &o),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: line 2: exceeded max depth of 3");
	/* Default cap 1000, deep flow input refused quickly. */
	for (int i = 0; i < 5000; i++)
		cf_buf_addch(&b, '[');
	CHECK_INT(cf_yaml_parse_one(&n, &a, b.buf, b.len, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "yaml: line 1: exceeded max depth of 1000");
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_core_yaml__alias_bomb_refused_fast)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf b = CF_BUF_INIT;
	cf_node *n;
	struct timespec t0, t1;

	/* Nine levels of ten aliases each: 10^9 nodes if expanded. */
	cf_buf_adds(&b, "a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
	for (int i = 1; i <= 9; i++) {
		cf_buf_addf(&b, "a%d: &a%d [", i, i);
		for (int k = 0; k < 10; k++)
			cf_buf_addf(&b, "%s*a%d", k ? "," : "", i - 1);
		cf_buf_adds(&b, "]\n");
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(cf_yaml_parse_one(&n, &a, b.buf, b.len, NULL), CF_EINVALID);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_STR(cf_error_msg(), "yaml: document contains excessive aliasing");
	double dt = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(dt < 0.5);
	CHECK(a.total < 64u * 1024 * 1024);

	/* Ordinary aliasing well inside the budget still works. */
	cf_buf_reset(&b);
	cf_buf_adds(&b, "base: &b {x: 1}\nl:\n");
	for (int i = 0; i < 500; i++)
		cf_buf_adds(&b, "- *b\n");
	CHECK_INT(cf_yaml_parse_one(&n, &a, b.buf, b.len, NULL), 0);
	CHECK_INT(cf_node_count(cf_node_get(n, "l")), 500);
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_core_yaml__strings_and_binary)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;
	const char *s = "bin: !!binary |\n  aGVs\n  bG8=\n"
	    "esc: \"tab\\there \\u00e9 \\U0001F600 \\x41\"\n"
	    "nul: \"a\\0b\"\n"
	    "sq: 'it''s'\n";

	CHECK_INT(cf_yaml_parse_one(&n, &a, s, strlen(s), NULL), 0);
	CHECK_STR(cf_node_as_str(cf_node_get(n, "bin")), "hello");
	CHECK_STR(cf_node_as_str(cf_node_get(n, "esc")),
	    "tab\there \xc3\xa9 \xf0\x9f\x98\x80 A");
	CHECK_INT(cf_node_get(n, "nul")->len, 3);
	CHECK_STR(cf_node_as_str(cf_node_get(n, "sq")), "it's");
	/* Not NUL-terminated input. */
	CHECK_INT(cf_yaml_parse_one(&n, &a, "a: 12345", 5, NULL), 0);
	CHECK_INT(cf_node_get(n, "a")->v.i, 12);
	cf_arena_release(&a);
}

TEST_MAIN(
	T(test_core_yaml__typing_table_11_vs_12),
	T(test_core_yaml__special_floats),
	T(test_core_yaml__kubernetes_manifest),
	T(test_core_yaml__multi_document_stream),
	T(test_core_yaml__anchors_are_copies),
	T(test_core_yaml__merge_keys),
	T(test_core_yaml__non_string_keys),
	T(test_core_yaml__duplicate_keys),
	T(test_core_yaml__errors_with_line_numbers),
	T(test_core_yaml__error_order_follows_go),
	T(test_core_yaml__version_directive),
	T(test_core_yaml__depth_is_capped),
	T(test_core_yaml__alias_bomb_refused_fast),
	T(test_core_yaml__strings_and_binary),
)
