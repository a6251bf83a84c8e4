/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The expected texts here were produced by kubectl kustomize (v5.5.0) on
 * ConfigMaps holding the same values; the golden corpus checks the same
 * rules end to end.
 */
#include "test.h"
#include "core/yaml_emit.h"
#include "core/error.h"
#include "core/alloc.h"

#include <math.h>

static cf_arena A = CF_ARENA_INIT;

/* One-key document {k: v}, emitted. */
static const char *emit_kv(const char *k, cf_node *v)
{
	static cf_buf out = CF_BUF_INIT;
	cf_node *m = cf_node_map(&A);

	cf_node_set(&A, m, k, v);
	cf_buf_reset(&out);
	if (cf_yaml_emit(&out, m) < 0)
		return "ERROR";
	return out.buf;
}

static const char *emit_str(const char *s)
{
	return emit_kv("k", cf_node_str(&A, s));
}

TEST(test_core_yaml_emit__quotes_what_yaml11_would_retype)
{
	CHECK_STR(emit_str("yes"), "k: \"yes\"\n");
	CHECK_STR(emit_str("on"), "k: \"on\"\n");
	CHECK_STR(emit_str("y"), "k: \"y\"\n");
	CHECK_STR(emit_str("~"), "k: \"~\"\n");
	CHECK_STR(emit_str(""), "k: \"\"\n");
	CHECK_STR(emit_str("123"), "k: \"123\"\n");
	CHECK_STR(emit_str("1.5"), "k: \"1.5\"\n");
	CHECK_STR(emit_str("0x1F"), "k: \"0x1F\"\n");
	CHECK_STR(emit_str("1:20"), "k: \"1:20\"\n");
	CHECK_STR(emit_str("2001-12-14"), "k: \"2001-12-14\"\n");
	CHECK_STR(emit_str("0b101"), "k: \"0b101\"\n");
	CHECK_STR(emit_str("+1"), "k: \"+1\"\n");
	CHECK_STR(emit_str(".inf"), "k: \".inf\"\n");
	CHECK_STR(emit_str("1_000"), "k: \"1_000\"\n");
	/* Not resolvable: plain. */
	CHECK_STR(emit_str("<<"), "k: <<\n");
	CHECK_STR(emit_str("=x"), "k: =x\n");
	CHECK_STR(emit_str("2001-13-14"), "k: 2001-13-14\n");
	CHECK_STR(emit_str("yesno"), "k: yesno\n");
}

TEST(test_core_yaml_emit__single_quotes_for_indicators)
{
	CHECK_STR(emit_str(" lead"), "k: ' lead'\n");
	CHECK_STR(emit_str("trail "), "k: 'trail '\n");
	CHECK_STR(emit_str("- x"), "k: '- x'\n");
	CHECK_STR(emit_str("-"), "k: '-'\n");
	CHECK_STR(emit_str("#x"), "k: '#x'\n");
	CHECK_STR(emit_str("a: b"), "k: 'a: b'\n");
	CHECK_STR(emit_str("a:"), "k: 'a:'\n");
	CHECK_STR(emit_str("a #b"), "k: 'a #b'\n");
	CHECK_STR(emit_str("*a"), "k: '*a'\n");
	CHECK_STR(emit_str("---"), "k: '---'\n");
	CHECK_STR(emit_str("it's ' "), "k: 'it''s '' '\n");
	CHECK_STR(emit_str("?x"), "k: ?x\n");
	CHECK_STR(emit_str("."), "k: .\n");
	CHECK_STR(emit_str("a,b"), "k: a,b\n");
	CHECK_STR(emit_str("C:\\path"), "k: C:\\path\n");
	CHECK_STR(emit_str("say \"hi\""), "k: say \"hi\"\n");
}

TEST(test_core_yaml_emit__double_quotes_and_escapes)
{
	CHECK_STR(emit_str("tab\there"), "k: \"tab\\there\"\n");
	CHECK_STR(emit_str("sp  \nx\n"), "k: \"sp  \\nx\\n\"\n");
	CHECK_STR(emit_str("emoji \xf0\x9f\x98\x80"), "k: \"emoji \\U0001F600\"\n");
	CHECK_STR(emit_str("a\r\nb\r\n"), "k: \"a\\r\\nb\\r\\n\"\n");
	/* A leading BOM escapes everything after it (go-yaml v2 quirk). */
	CHECK_STR(emit_str("\xef\xbb\xbf" "bom"), "k: \"\\uFEFF\\x62\\x6F\\x6D\"\n");
	/* NEL is folded by go-yaml reading the JSON text back. */
	CHECK_STR(emit_str("a\xc2\x85" "b"), "k: a b\n");
	CHECK_STR(emit_str("x\xc2\xa0y"), "k: x\xc2\xa0y\n");
	CHECK_STR(emit_str("x\xe2\x80\xa8y"), "k: 'x\xe2\x80\xa8  y'\n");
}

TEST(test_core_yaml_emit__literal_blocks)
{
	CHECK_STR(emit_str("line1\nline2\n"), "k: |\n  line1\n  line2\n");
	CHECK_STR(emit_str("line1\nline2"), "k: |-\n  line1\n  line2\n");
	CHECK_STR(emit_str("line1\n\n"), "k: |+\n  line1\n\n");
	CHECK_STR(emit_str(" lead\nx\n"), "k: |2\n   lead\n  x\n");
	CHECK_STR(emit_str("\nfirst"), "k: |2-\n\n  first\n");
	CHECK_STR(emit_str("a\n\nb\n"), "k: |\n  a\n\n  b\n");
}

TEST(test_core_yaml_emit__folds_at_80_columns)
{
	const char *long_s = "The quick brown fox jumps over the lazy dog and "
	    "keeps running far beyond the eighty column limit set by the "
	    "emitter here";

	CHECK_STR(emit_kv("a36", cf_node_str(&A, long_s)),
	    "a36: The quick brown fox jumps over the lazy dog and keeps "
	    "running far beyond the\n  eighty column limit set by the "
	    "emitter here\n");
	/* No spaces: never folded. */
	char big[200];
	memset(big, 'x', 199);
	big[199] = 0;
	const char *r = emit_str(big);
	CHECK(strchr(r, '\n') == r + strlen(r) - 1);
}

TEST(test_core_yaml_emit__numbers_retyped_like_json)
{
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1.0)), "v: 1\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1e3)), "v: 1000\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, -0.0)), "v: 0\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1.1)), "v: 1.1\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 123456.5)), "v: 123456.5\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1234567.5)), "v: 1.2345675e+06\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 0.0001)), "v: 0.0001\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 0.00001)), "v: 1e-05\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 6.02e23)), "v: 6.02e+23\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1e20)), "v: 1e+20\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 1.5e-7)), "v: 1.5e-07\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 18446744073709551616.0)),
	    "v: 1.8446744073709552e+19\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, 3.141592653589793238)),
	    "v: 3.141592653589793\n");
	CHECK_STR(emit_kv("v", cf_node_int(&A, INT64_MIN)),
	    "v: -9223372036854775808\n");
	cf_node *u = cf_node_int(&A, 0);
	u->flags |= CF_NODE_F_UINT;
	u->v.u = UINT64_MAX;
	CHECK_STR(emit_kv("v", u), "v: 18446744073709551615\n");
	CHECK_STR(emit_kv("v", cf_node_float(&A, NAN)), "ERROR");
	CHECK_INT(cf_error_last()->code, CF_EINVALID);
	CHECK_STR(emit_kv("v", cf_node_bool(&A, true)), "v: true\n");
	CHECK_STR(emit_kv("v", cf_node_null(&A)), "v: null\n");
}

TEST(test_core_yaml_emit__structure)
{
	cf_node *m = cf_node_map(&A), *seq = cf_node_seq(&A), *inner = cf_node_seq(&A);
	cf_node *item = cf_node_map(&A);
	cf_buf out = CF_BUF_INIT;

	cf_node_push(&A, inner, cf_node_str(&A, "x"));
	cf_node_push(&A, inner, cf_node_str(&A, "y"));
	cf_node_set(&A, item, "k2", cf_node_str(&A, "v2"));
	cf_node_set(&A, item, "k", cf_node_str(&A, "v"));
	cf_node_push(&A, seq, cf_node_str(&A, "a"));
	cf_node_push(&A, seq, cf_node_map(&A));
	cf_node_push(&A, seq, cf_node_seq(&A));
	cf_node_push(&A, seq, inner);
	cf_node_push(&A, seq, item);
	cf_node_set(&A, m, "l", seq);
	cf_node_set(&A, m, "e1", cf_node_map(&A));
	cf_node_set_map(&A, cf_node_set_map(&A, m, "a"), "b");
	CHECK_INT(cf_yaml_emit(&out, m), 0);
	CHECK_STR(out.buf,
	    "a:\n  b: {}\n"
	    "e1: {}\n"
	    "l:\n- a\n- {}\n- []\n- - x\n  - \"y\"\n- k: v\n  k2: v2\n");
	cf_buf_release(&out);
}

TEST(test_core_yaml_emit__keys_long_multiline_quoted)
{
	cf_node *m = cf_node_map(&A);
	cf_buf out = CF_BUF_INIT;

	cf_node_set(&A, m, "key\nwith newline", cf_node_str(&A, "v"));
	cf_node_set(&A, m, "yes", cf_node_str(&A, "ok"));
	CHECK_INT(cf_yaml_emit(&out, m), 0);
	CHECK_STR(out.buf, "? |-\n  key\n  with newline\n: v\n\"yes\": ok\n");
	cf_buf_release(&out);
}

TEST(test_core_yaml_emit__natural_key_order)
{
	static const char *const order[] = {
		"_b", "A", "a9", "a10", "a100", "b2", "b2c",
	};
	static const char *const order2[] = {
		"-dash", "_under", "1num", "2num", "A",
	};
	static const char *const order3[] = {
		"x-y", "x.y/z", "x_y", "xY", "z", "\xc3\xa9",
	};

	for (size_t i = 0; i + 1 < CF_ARRAY_SIZE(order); i++)
		CHECK(cf_yaml_key_less(order[i], strlen(order[i]),
		    order[i + 1], strlen(order[i + 1])));
	for (size_t i = 0; i + 1 < CF_ARRAY_SIZE(order2); i++)
		CHECK(cf_yaml_key_less(order2[i], strlen(order2[i]),
		    order2[i + 1], strlen(order2[i + 1])));
	for (size_t i = 0; i + 1 < CF_ARRAY_SIZE(order3); i++)
		CHECK(cf_yaml_key_less(order3[i], strlen(order3[i]),
		    order3[i + 1], strlen(order3[i + 1])));
	CHECK(!cf_yaml_key_less("item20", 6, "item3", 5));
	CHECK(cf_yaml_key_less("item3", 5, "item100", 7));
}

TEST(test_core_yaml_emit__stream_and_errors)
{
	cf_node *docs[2] = { cf_node_map(&A), cf_node_map(&A) };
	cf_buf out = CF_BUF_INIT;

	cf_node_set(&A, docs[0], "a", cf_node_int(&A, 1));
	cf_node_set(&A, docs[1], "b", cf_node_int(&A, 2));
	CHECK_INT(cf_yaml_emit_stream(&out, docs, 2), 0);
	CHECK_STR(out.buf, "a: 1\n---\nb: 2\n");
	cf_buf_reset(&out);
	CHECK_INT(cf_yaml_emit_stream(&out, docs, 0), 0);
	CHECK_INT(out.len, 0);

	/* DEL cannot survive go-yaml's reader; nothing is left written. */
	cf_buf_adds(&out, "keep");
	cf_node_set(&A, docs[1], "c", cf_node_str(&A, "x\x7fy"));
	CHECK(cf_yaml_emit_stream(&out, docs, 2) < 0);
	CHECK_STR(out.buf, "keep");

	/* Deep nesting is refused, not recursed into. */
	cf_node *deep = cf_node_seq(&A), *cur = deep;
	for (int i = 0; i < CF_YAML_EMIT_MAX_DEPTH + 5; i++) {
		cf_node *next = cf_node_seq(&A);
		cf_node_push(&A, cur, next);
		cur = next;
	}
	CHECK_INT(cf_yaml_emit(&out, deep), CF_ETOOLARGE);
	cf_buf_release(&out);
	cf_arena_release(&A);
}

TEST_MAIN(T(test_core_yaml_emit__quotes_what_yaml11_would_retype),
    T(test_core_yaml_emit__single_quotes_for_indicators),
    T(test_core_yaml_emit__double_quotes_and_escapes),
    T(test_core_yaml_emit__literal_blocks),
    T(test_core_yaml_emit__folds_at_80_columns),
    T(test_core_yaml_emit__numbers_retyped_like_json),
    T(test_core_yaml_emit__structure),
    T(test_core_yaml_emit__keys_long_multiline_quoted),
    T(test_core_yaml_emit__natural_key_order),
    T(test_core_yaml_emit__stream_and_errors))
