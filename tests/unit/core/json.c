/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/error.h"
#include "core/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Parse text (NUL-terminated here for convenience) with default options. */
static int parse(cf_arena *a, const char *text, cf_node **out)
{
	return cf_json_parse(out, a, text, strlen(text), NULL);
}

/* Parse, write back with flags, compare with want. */
static int roundtrip(const char *in, unsigned flags, const char *want)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf b = CF_BUF_INIT;
	cf_node *n = NULL;
	int ok = parse(&a, in, &n) == 0 && cf_json_write(&b, n, flags) == 0 &&
	    strcmp(b.buf, want) == 0;

	if (!ok)
		fprintf(stderr, "roundtrip %s: got %s (%s)\n", in, b.buf,
		    cf_error_msg());
	cf_buf_release(&b);
	cf_arena_release(&a);
	return ok;
}

/* The error message of a failing parse, copied to a static buffer. */
static const char *parse_err(const char *text)
{
	static char msg[CF_ERROR_MSG_MAX];
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;
	int rc = parse(&a, text, &n);

	snprintf(msg, sizeof(msg), "%s", rc == CF_EINVALID ? cf_error_msg() :
	    "(no CF_EINVALID)");
	cf_arena_release(&a);
	return msg;
}

TEST(test_core_json__scalars_and_types)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;

	CHECK_INT(parse(&a, " null ", &n), 0);
	CHECK_INT(n->type, CF_NODE_NULL);
	CHECK_INT(parse(&a, "true", &n), 0);
	CHECK(n->type == CF_NODE_BOOL && n->v.b);
	CHECK_INT(parse(&a, "\tfalse\r\n", &n), 0);
	CHECK(n->type == CF_NODE_BOOL && !n->v.b);
	CHECK_INT(parse(&a, "\"hi\"", &n), 0);
	CHECK_STR(n->v.s, "hi");
	CHECK_INT(n->len, 2);
	CHECK_INT(parse(&a, "{\"a\":[1,2,{\"b\":null}],\"c\":{}}", &n), 0);
	CHECK_INT(n->type, CF_NODE_MAP);
	CHECK_INT(cf_node_count(n), 2);
	CHECK_INT(cf_node_count(cf_node_get(n, "a")), 3);
	CHECK_INT(cf_node_at(cf_node_get(n, "a"), 2)->type, CF_NODE_MAP);
	CHECK_INT(cf_node_count(cf_node_get(n, "c")), 0);
	CHECK_INT(cf_node_get(n, "c")->type, CF_NODE_MAP);
	cf_arena_release(&a);
}

TEST(test_core_json__integers_at_the_edges)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;

	CHECK_INT(parse(&a, "9223372036854775807", &n), 0);
	CHECK(n->type == CF_NODE_INT && !n->flags && n->v.i == INT64_MAX);
	CHECK_INT(parse(&a, "-9223372036854775808", &n), 0);
	CHECK(n->type == CF_NODE_INT && n->v.i == INT64_MIN);
	CHECK_INT(parse(&a, "9223372036854775808", &n), 0);
	CHECK(n->type == CF_NODE_INT && (n->flags & CF_NODE_F_UINT));
	CHECK(n->v.u == (uint64_t)INT64_MAX + 1);
	CHECK_INT(parse(&a, "18446744073709551615", &n), 0);
	CHECK(n->type == CF_NODE_INT && n->v.u == UINT64_MAX);
	/* One past uint64: a float that keeps its text. */
	CHECK_INT(parse(&a, "18446744073709551616", &n), 0);
	CHECK(n->type == CF_NODE_FLOAT && (n->flags & CF_NODE_F_BIGNUM));
	CHECK_STR(n->num, "18446744073709551616");
	CHECK(n->v.f == 18446744073709551616.0);
	CHECK_INT(parse(&a, "-9223372036854775809", &n), 0);
	CHECK(n->type == CF_NODE_FLOAT && (n->flags & CF_NODE_F_BIGNUM));
	CHECK_INT(parse(&a, "184467440737095516150", &n), 0);
	CHECK(n->type == CF_NODE_FLOAT && n->v.f == 1.8446744073709552e20);
	CHECK_INT(parse(&a, "-0", &n), 0);
	CHECK(n->type == CF_NODE_INT && n->v.i == 0);
	CHECK_INT(parse(&a, "0", &n), 0);
	CHECK(n->type == CF_NODE_INT && n->v.i == 0 && n->num == NULL);
	cf_arena_release(&a);
}

TEST(test_core_json__floats_read_exactly)
{
	static const struct { const char *in; double want; } cases[] = {
		{ "1.5", 1.5 }, { "-0.0", -0.0 }, { "1e3", 1000.0 },
		{ "1E+3", 1000.0 }, { "2.5e-3", 0.0025 }, { "0.1", 0.1 },
		{ "3.141592653589793238", 3.141592653589793 },
		{ "1.7976931348623157e308", 1.7976931348623157e308 },
		{ "5e-324", 5e-324 }, { "123456789012345678.5", 1.2345678901234568e17 },
		{ "0.000001", 1e-6 }, { "1e-400", 0.0 },
		{ "9007199254740993.0", 9007199254740992.0 },
	};
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(&a, cases[i].in, &n), 0);
		CHECK_INT(n->type, CF_NODE_FLOAT);
		if (n->v.f != cases[i].want ||
		    signbit(n->v.f) != signbit(cases[i].want))
			cf_test_fail(__FILE__, __LINE__, "%s read as %.17g",
			    cases[i].in, n->v.f);
		CHECK(n->num == NULL);
	}
	/* Beyond float64 is refused, as Go refuses it, but only once the
	 * whole text is known to be well-formed, as in Go. */
	CHECK_INT(parse(&a, "[1e400, x]", &n), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "invalid character 'x' looking for beginning of "
	    "value at line 1, column 9");
	CHECK_INT(parse(&a, "1e400", &n), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "json: cannot unmarshal number 1e400 into Go value of type float64"
	    " at line 1, column 1");
	cf_arena_release(&a);
}

TEST(test_core_json__every_escape)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;

	CHECK_INT(parse(&a, "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", &n), 0);
	CHECK_STR(n->v.s, "\" \\ / \b \f \n \r \t");
	CHECK_INT(parse(&a, "\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\"", &n), 0);
	CHECK_STR(n->v.s, "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* A NUL escape is kept, with the length telling. */
	CHECK_INT(parse(&a, "\"a\\u0000b\"", &n), 0);
	CHECK_INT(n->len, 3);
	CHECK(memcmp(n->v.s, "a\0b", 4) == 0);
	/* Lone surrogates become U+FFFD; the next escape stands alone. */
	CHECK_INT(parse(&a, "\"\\ud800x\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbdx");
	CHECK_INT(parse(&a, "\"\\udc00\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd");
	CHECK_INT(parse(&a, "\"\\ud800\\u0041\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd" "A");
	CHECK_INT(parse(&a, "\"\\ud800\\ud800\\udc00\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd\xf0\x90\x80\x80");
	/* Prefix kept when the escape comes late in the string. */
	CHECK_INT(parse(&a, "\"abc\xc3\xa9\\n\"", &n), 0);
	CHECK_STR(n->v.s, "abc\xc3\xa9\n");
	cf_arena_release(&a);
}

TEST(test_core_json__invalid_utf8_replaced)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *n;

	/* Every bad byte is one U+FFFD, like Go's decoder. */
	CHECK_INT(parse(&a, "\"a\xff" "b\"", &n), 0);
	CHECK_STR(n->v.s, "a\xef\xbf\xbd" "b");
	CHECK_INT(parse(&a, "\"\xe2\x82" "x\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd\xef\xbf\xbdx");
	/* Overlong, surrogate and out-of-range forms. */
	CHECK_INT(parse(&a, "\"\xc0\xaf\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_INT(parse(&a, "\"\xed\xa0\x80\"", &n), 0);
	CHECK_STR(n->v.s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_INT(parse(&a, "\"\xf4\x90\x80\x80\"", &n), 0);
	CHECK_INT(n->len, 12);
	/* Valid multi-byte text is kept as is. */
	CHECK_INT(parse(&a, "\"\xe6\x97\xa5\xf0\x9f\x98\x80\"", &n), 0);
	CHECK_STR(n->v.s, "\xe6\x97\xa5\xf0\x9f\x98\x80");
	cf_arena_release(&a);
}

TEST(test_core_json__errors_like_go_with_position)
{
	CHECK_STR(parse_err("{\n  \"a\": 1,\n  x\n}"),
	    "invalid character 'x' looking for beginning of object key string"
	    " at line 3, column 3");
	CHECK_STR(parse_err("[1, 2,, 3]"),
	    "invalid character ',' looking for beginning of value at line 1, column 7");
	CHECK_STR(parse_err(""), "unexpected end of JSON input at line 1, column 1");
	{
		cf_arena a = CF_ARENA_INIT;
		cf_node *n;
		CHECK_INT(cf_json_parse(&n, &a, NULL, 0, NULL), CF_EINVALID);
		cf_arena_release(&a);
	}
	CHECK_STR(parse_err("{\"a\":1"),
	    "unexpected end of JSON input at line 1, column 7");
	CHECK_STR(parse_err("{\"a\" 1}"),
	    "invalid character '1' after object key at line 1, column 6");
	CHECK_STR(parse_err("{\"a\":1 \"b\":2}"),
	    "invalid character '\"' after object key:value pair at line 1, column 8");
	CHECK_STR(parse_err("[1 2]"),
	    "invalid character '2' after array element at line 1, column 4");
	CHECK_STR(parse_err("1 2"),
	    "invalid character '2' after top-level value at line 1, column 3");
	CHECK_STR(parse_err("tru"),
	    "invalid character ' ' in literal true (expecting 'e') at line 1, column 4");
	CHECK_STR(parse_err("\"abc"), "unexpected end of JSON input at line 1, column 5");
	CHECK_STR(parse_err("\"\\"),
	    "invalid character ' ' in string escape code at line 1, column 3");
	CHECK_STR(parse_err("trux"),
	    "invalid character 'x' in literal true (expecting 'e') at line 1, column 4");
	CHECK_STR(parse_err("nul!"),
	    "invalid character '!' in literal null (expecting 'l') at line 1, column 4");
	CHECK_STR(parse_err("\"a\nb\""),
	    "invalid character '\\n' in string literal at line 1, column 3");
	CHECK_STR(parse_err("\"\x01\""),
	    "invalid character '\\x01' in string literal at line 1, column 2");
	CHECK_STR(parse_err("\"\\q\""),
	    "invalid character 'q' in string escape code at line 1, column 3");
	CHECK_STR(parse_err("\"\\u12g4\""),
	    "invalid character 'g' in \\u hexadecimal character escape at line 1, column 6");
	CHECK_STR(parse_err("-x"),
	    "invalid character 'x' in numeric literal at line 1, column 2");
	CHECK_STR(parse_err("1.e5"),
	    "invalid character 'e' after decimal point in numeric literal at line 1, column 3");
	CHECK_STR(parse_err("1e+"),
	    "invalid character ' ' in exponent of numeric literal at line 1, column 4");
	CHECK_STR(parse_err("1ex"),
	    "invalid character 'x' in exponent of numeric literal at line 1, column 3");
	CHECK_STR(parse_err("01"),
	    "invalid character '1' after top-level value at line 1, column 2");
	CHECK_STR(parse_err("[1,]"),
	    "invalid character ']' looking for beginning of value at line 1, column 4");
	CHECK_STR(parse_err("{\"a\":1,}"),
	    "invalid character '}' looking for beginning of object key string at line 1, column 8");
	CHECK_STR(parse_err("'a'"),
	    "invalid character '\\'' looking for beginning of value at line 1, column 1");
	CHECK_STR(parse_err("\xff"),
	    "invalid character '\xc3\xbf' looking for beginning of value at line 1, column 1");
	CHECK_STR(parse_err("// c\n1"),
	    "invalid character '/' looking for beginning of value at line 1, column 1");
	CHECK_STR(parse_err("\xef\xbb\xbf{}"),
	    "invalid character '\xc3\xaf' looking for beginning of value at line 1, column 1");
}

TEST(test_core_json__depth_is_capped)
{
	cf_arena a = CF_ARENA_INIT;
	cf_json_opts o = { .max_depth = 5 };
	char deep[2 * 1001 + 1];
	cf_node *n;

	for (int i = 0; i < 1001; i++) {
		deep[i] = '[';
		deep[1001 + i] = ']';
	}
	deep[2002] = '\0';
	/* Default 1000: 1000 levels pass, 1001 do not. */
	CHECK_INT(cf_json_parse(&n, &a, deep + 1, 2000, NULL), 0);
	CHECK_INT(cf_json_parse(&n, &a, deep, 2002, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "exceeded max depth of 1000 at line 1, column 1001");
	/* The largest cap parses and writes back on an ordinary stack, and
	 * one level more is refused. */
	{
		cf_json_opts big = { .max_depth = 1u << 30 }; /* clamped */
		cf_buf d = CF_BUF_INIT, out = CF_BUF_INIT;
		for (int i = 0; i < CF_JSON_DEPTH_MAX + 1; i++)
			cf_buf_addch(&d, '[');
		for (int i = 0; i < CF_JSON_DEPTH_MAX + 1; i++)
			cf_buf_addch(&d, ']');
		CHECK_INT(cf_json_parse(&n, &a, d.buf + 1, d.len - 2, &big), 0);
		CHECK_INT(cf_json_write(&out, n, CF_JSON_PRETTY), 0);
		CHECK_INT(cf_json_parse(&n, &a, d.buf, d.len, &big), CF_EINVALID);
		cf_buf_release(&out);
		cf_buf_release(&d);
	}
	CHECK_INT(cf_json_parse(&n, &a, "[[[[[1]]]]]", 11, &o), 0);
	CHECK_INT(cf_json_parse(&n, &a, "[[[{\"a\":[[1]]}]]]", 17, &o),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "exceeded max depth of 5 at line 1, column 10");
	cf_arena_release(&a);
}

TEST(test_core_json__duplicate_keys)
{
	cf_arena a = CF_ARENA_INIT;
	cf_json_opts strict = { .strict = true };
	cf_buf b = CF_BUF_INIT;
	cf_node *n;
	const char *dup = "{\"a\":1,\"b\":2,\"a\":3}";

	/* Default: first position, last value. */
	CHECK_INT(parse(&a, dup, &n), 0);
	CHECK_INT(cf_json_write(&b, n, 0), 0);
	CHECK_STR(b.buf, "{\"a\":3,\"b\":2}");
	CHECK_INT(cf_json_parse(&n, &a, dup, strlen(dup), &strict), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "duplicate key \"a\" in object at line 1, column 14");

	/* A large object takes the hashed path: same answers. */
	cf_buf_reset(&b);
	cf_buf_addch(&b, '{');
	for (int i = 0; i < 200; i++)
		cf_buf_addf(&b, "\"k%d\":%d,", i % 150, i);
	cf_buf_adds(&b, "\"end\":true}");
	CHECK_INT(cf_json_parse(&n, &a, b.buf, b.len, NULL), 0);
	CHECK_INT(cf_node_count(n), 151);
	CHECK_STR(n->v.pairs[3].key, "k3");
	CHECK_INT(cf_node_get(n, "k3")->v.i, 153);
	CHECK_INT(cf_node_get(n, "k149")->v.i, 149);
	CHECK_INT(cf_json_parse(&n, &a, b.buf, b.len, &strict), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "duplicate key \"k0\"") != NULL);
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_core_json__roundtrip_compact_sorted_pretty)
{
	const char *obj = "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":"
	    "{\"name\":\"web\",\"labels\":{}},\"spec\":{\"containers\":[]},"
	    "\"list\":[1,\"<a&b>\",null,true,[]]}";

	CHECK(roundtrip(obj, 0, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\","
	    "\"metadata\":{\"name\":\"web\",\"labels\":{}},\"spec\":"
	    "{\"containers\":[]},\"list\":[1,\"\\u003ca\\u0026b\\u003e\","
	    "null,true,[]]}"));
	CHECK(roundtrip(obj, CF_JSON_SORTED,
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"list\":[1,"
	    "\"\\u003ca\\u0026b\\u003e\",null,true,[]],\"metadata\":{\"labels\":{},"
	    "\"name\":\"web\"},\"spec\":{\"containers\":[]}}"));
	CHECK(roundtrip(obj, CF_JSON_SORTED | CF_JSON_PRETTY,
	    "{\n"
	    "    \"apiVersion\": \"v1\",\n"
	    "    \"kind\": \"Pod\",\n"
	    "    \"list\": [\n"
	    "        1,\n"
	    "        \"\\u003ca\\u0026b\\u003e\",\n"
	    "        null,\n"
	    "        true,\n"
	    "        []\n"
	    "    ],\n"
	    "    \"metadata\": {\n"
	    "        \"labels\": {},\n"
	    "        \"name\": \"web\"\n"
	    "    },\n"
	    "    \"spec\": {\n"
	    "        \"containers\": []\n"
	    "    }\n"
	    "}"));
	CHECK(roundtrip("  [ ]  ", 0, "[]"));
	CHECK(roundtrip("\"\\u2028\\u0001\\t\"", 0, "\"\\u2028\\u0001\\t\""));
	/* Sorting is bytewise, and shorter prefix first. */
	CHECK(roundtrip("{\"b\":1,\"a\":2,\"B\":3,\"ab\":4,\"\xc3\xa9\":5}",
	    CF_JSON_SORTED,
	    "{\"B\":3,\"a\":2,\"ab\":4,\"b\":1,\"\xc3\xa9\":5}"));
}

TEST(test_core_json__numbers_written_like_go)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "0", "0" }, { "-0", "0" }, { "-12", "-12" },
		{ "-9223372036854775808", "-9223372036854775808" },
		{ "18446744073709551615", "18446744073709551615" },
		{ "18446744073709551616", "18446744073709552000" },
		{ "1.0", "1" }, { "1.10", "1.1" }, { "-0.0", "-0" },
		{ "0.1", "0.1" }, { "1e20", "100000000000000000000" },
		{ "1e21", "1e+21" }, { "1.5e300", "1.5e+300" },
		{ "0.000001", "0.000001" }, { "1e-7", "1e-7" },
		{ "1.2345e-7", "1.2345e-7" }, { "5e-324", "5e-324" },
		{ "1.7976931348623157e308", "1.7976931348623157e+308" },
		{ "123456.5", "123456.5" }, { "3.141592653589793238",
		    "3.141592653589793" }, { "2.5e-10", "2.5e-10" },
		{ "100.25", "100.25" }, { "0.3", "0.3" },
		{ "123456789012345678901234567890", "1.2345678901234568e+29" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(roundtrip(cases[i].in, 0, cases[i].out));
}

TEST(test_core_json__fmt_float_g_style)
{
	static const struct { double f; const char *out; } cases[] = {
		{ 123456.5, "123456.5" }, { 1234567.5, "1.2345675e+06" },
		{ 0.0001, "0.0001" }, { 0.00001, "1e-05" }, { 1e20, "1e+20" },
		{ 6.02e23, "6.02e+23" }, { 1e-7, "1e-07" }, { -2.5, "-2.5" },
		{ 1e100, "1e+100" }, { 0, "0" },
	};
	char out[CF_JSON_FLOAT_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cf_json_fmt_float(out, cases[i].f, CF_JSON_FLOAT_G);
		CHECK_STR(out, cases[i].out);
	}
	CHECK_INT(cf_json_fmt_float(out, NAN, CF_JSON_FLOAT_G), 0);
}

/* Every float printed must read back as the same double, and be short. */
TEST(test_core_json__floats_roundtrip_random)
{
	char out[CF_JSON_FLOAT_MAX];
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (int i = 0; i < 20000; i++) {
		double f;
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&f, &x, sizeof(f));
		if (!isfinite(f))
			continue;
		size_t n = cf_json_fmt_float(out, f, CF_JSON_FLOAT_JSON);
		CHECK(n > 0 && n < CF_JSON_FLOAT_MAX);
		if (strtod(out, NULL) != f)
			cf_test_fail(__FILE__, __LINE__, "%.17g printed as %s", f, out);
		CHECK(strtod(out, NULL) == f);
	}
}

TEST(test_core_json__write_errors)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf b = CF_BUF_INIT, small;
	cf_node *m = cf_node_map(&a);

	cf_buf_adds(&b, "keep");
	cf_node_set(&a, m, "x", cf_node_float(&a, NAN));
	CHECK_INT(cf_json_write(&b, m, 0), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "json: unsupported value: NaN");
	CHECK_STR(b.buf, "keep");
	cf_node_set(&a, m, "x", cf_node_float(&a, -INFINITY));
	CHECK_INT(cf_json_write(&b, m, 0), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "json: unsupported value: -Inf");

	/* A capped buffer: CF_ETOOLARGE, nothing half-written. */
	cf_node_set(&a, m, "x", cf_node_str(&a, "a long enough string value"));
	cf_buf_init_capped(&small, 16);
	cf_buf_adds(&small, "ab");
	CHECK_INT(cf_json_write(&small, m, CF_JSON_PRETTY), CF_ETOOLARGE);
	CHECK_STR(small.buf, "ab");
	CHECK_INT(cf_json_write(&small, cf_node_int(&a, 7), 0), 0);
	CHECK_STR(small.buf, "ab7");
	/* A NULL child is null. */
	cf_node *s = cf_node_seq(&a);
	cf_node_push(&a, s, NULL);
	cf_buf_reset(&b);
	CHECK_INT(cf_json_write(&b, s, 0), 0);
	CHECK_STR(b.buf, "[null]");
	cf_buf_release(&small);
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_core_json__parse_prefix_stream)
{
	cf_arena a = CF_ARENA_INIT;
	const char *s = "{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"} \n";
	size_t len = strlen(s), off = 0, used;
	cf_node *n;

	CHECK_INT(cf_json_parse_prefix(&n, &used, &a, s, len, NULL), 0);
	CHECK_STR(cf_node_getp_str(n, "type", NULL), "ADDED");
	off += used;
	CHECK_INT(cf_json_parse_prefix(&n, &used, &a, s + off, len - off, NULL), 0);
	CHECK_STR(cf_node_getp_str(n, "type", NULL), "DELETED");
	off += used;
	CHECK_INT(off, len);
	CHECK_INT(cf_json_parse_prefix(&n, &used, &a, s + off, len - off, NULL),
	    CF_ENOTFOUND);
	/* A truncated value is an error, not "need more". */
	CHECK_INT(cf_json_parse_prefix(&n, &used, &a, "{\"a\":", 5, NULL),
	    CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_core_json__not_nul_terminated)
{
	cf_arena a = CF_ARENA_INIT;
	char *buf = malloc(3);
	cf_node *n;

	/* Exactly "12" followed by a byte outside the range: ASan would see
	 * any read past it (the third byte is deliberately a digit). */
	memcpy(buf, "123", 3);
	CHECK_INT(cf_json_parse(&n, &a, buf, 2, NULL), 0);
	CHECK_INT(n->v.i, 12);
	memcpy(buf, "1.5", 3);
	CHECK_INT(cf_json_parse(&n, &a, buf, 3, NULL), 0);
	CHECK(n->v.f == 1.5);
	memcpy(buf, "\"ab", 3);
	CHECK_INT(cf_json_parse(&n, &a, buf, 3, NULL), CF_EINVALID);
	free(buf);
	cf_arena_release(&a);
}

TEST_MAIN(
	T(test_core_json__scalars_and_types),
	T(test_core_json__integers_at_the_edges),
	T(test_core_json__floats_read_exactly),
	T(test_core_json__every_escape),
	T(test_core_json__invalid_utf8_replaced),
	T(test_core_json__errors_like_go_with_position),
	T(test_core_json__depth_is_capped),
	T(test_core_json__duplicate_keys),
	T(test_core_json__roundtrip_compact_sorted_pretty),
	T(test_core_json__numbers_written_like_go),
	T(test_core_json__fmt_float_g_style),
	T(test_core_json__floats_roundtrip_random),
	T(test_core_json__write_errors),
	T(test_core_json__parse_prefix_stream),
	T(test_core_json__not_nul_terminated),
)
