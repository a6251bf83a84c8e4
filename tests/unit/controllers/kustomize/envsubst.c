/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-build substitution: each row is one input, the expected output or
 * error, with the same variables; expectations follow fluxcd/pkg/envsubst.
 */
#include <stdio.h>
#include <string.h>

#include "controllers/kustomize/envsubst.h"
#include "core/error.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"
#include "test.h"

static cf_node *test_vars(cf_arena *a)
{
	cf_node *v = cf_node_map(a);
	static const char *const kv[][2] = {
		{ "var", "hello" },   { "empty", "" },
		{ "up", "Hello World" }, { "f", "file.tar.gz" },
		{ "p", "a/b" },       { "n", "12345" },
		{ "ab", "abab" },
	};
	for (size_t i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		cf_node_set(a, v, kv[i][0], cf_node_str(a, kv[i][1]));
	return v;
}

struct row {
	const char *in;
	const char *want;   /* NULL: an error is expected */
	int code;           /* expected error code */
	const char *msg;    /* substring of the error message */
};

static const struct row rows[] = {
	/* plain text, escapes, bare $var */
	{ "plain text", "plain text", 0, NULL },
	{ "${var}", "hello", 0, NULL },
	{ "a ${var} b", "a hello b", 0, NULL },
	{ "$var stays", "$var stays", 0, NULL },
	{ "$${var}", "${var}", 0, NULL },
	{ "$$var", "$var", 0, NULL },
	{ "a$$$", "a$$", 0, NULL },
	{ "$$$${var}", "$${var}", 0, NULL },
	{ "price: $5 and ${var}", "price: $5 and hello", 0, NULL },
	{ "${var}${var}", "hellohello", 0, NULL },
	{ "trailing $", "trailing $", 0, NULL },
	/* defaults */
	{ "${missing:=def}", "def", 0, NULL },
	{ "${missing:-def}", "def", 0, NULL },
	{ "${empty:-def}", "def", 0, NULL },
	{ "${empty:=def}", "def", 0, NULL },
	{ "${var:-def}", "hello", 0, NULL },
	{ "${var:=def}", "hello", 0, NULL },
	{ "${var=x}", "hello", 0, NULL },
	{ "${missing=x}", "x", 0, NULL },
	{ "${missing:+x}", "x", 0, NULL },
	{ "${missing:?x}", "x", 0, NULL },
	{ "${missing:=}", "", 0, NULL },
	{ "${missing:=a b:c}", "a b:c", 0, NULL },
	{ "${missing:=${var}}", "hello", 0, NULL },
	{ "${missing:=a${var}b}", "ahellob", 0, NULL },
	{ "${missing:=${other:=x}y}", "xy", 0, NULL },
	{ "${missing:=$$}", "$$", 0, NULL },
	/* length and case */
	{ "${#var}", "5", 0, NULL },
	{ "${#empty}", "0", 0, NULL },
	{ "${var^}", "Hello", 0, NULL },
	{ "${var^^}", "HELLO", 0, NULL },
	{ "${up,}", "hello World", 0, NULL },
	{ "${up,,}", "hello world", 0, NULL },
	{ "${empty^}", "", 0, NULL },
	/* substrings (bytes) */
	{ "${var:1}", "ello", 0, NULL },
	{ "${var:1:2}", "el", 0, NULL },
	{ "${var:1:-1}", "ell", 0, NULL },
	{ "${var:10}", "", 0, NULL },
	{ "${var:2:100}", "llo", 0, NULL },
	{ "${var: -2}", "hello", 0, NULL },
	{ "${var:x}", "hello", 0, NULL },
	{ "${var:3:-4}", "", 0, NULL },
	{ "${var:-2}", "hello", 0, NULL },
	/* trimming with globs */
	{ "${f#*.}", "tar.gz", 0, NULL },
	{ "${f##*.}", "gz", 0, NULL },
	{ "${f%.*}", "file.tar", 0, NULL },
	{ "${f%%.*}", "file", 0, NULL },
	{ "${f#nomatch}", "file.tar.gz", 0, NULL },
	{ "${p#*/}", "b", 0, NULL },
	/* replacement */
	{ "${var/l/L}", "heLlo", 0, NULL },
	{ "${var//l/L}", "heLLo", 0, NULL },
	{ "${var/#he/HE}", "HEllo", 0, NULL },
	{ "${var/%lo/LO}", "helLO", 0, NULL },
	{ "${var/#x/y}", "hello", 0, NULL },
	{ "${var/l/}", "helo", 0, NULL },
	{ "${var//l/}", "heo", 0, NULL },
	{ "${var/#he/}", "hello", 0, NULL },
	{ "${p//\\//-}", "a-b", 0, NULL },
	{ "${ab//ab/x}", "xx", 0, NULL },
	{ "${var/l/${ab}}", "heabablo", 0, NULL },
	/* syntax errors */
	{ "${ var}", NULL, CF_EINVALID, "unable to parse variable name" },
	{ "${}", NULL, CF_EINVALID, "unable to parse variable name" },
	{ "${var", NULL, CF_EINVALID, "missing closing brace" },
	{ "${var-x}", NULL, CF_EINVALID, "missing closing brace" },
	{ "${#}", NULL, CF_EINVALID, "bad substitution" },
	{ "${var/l}", NULL, CF_EINVALID, "bad substitution" },
	{ "${var:}", NULL, CF_EINVALID, "within function" },
	{ "${var:=x", NULL, CF_EINVALID, "within function" },
	{ "${var:", NULL, CF_EINVALID, "bad substitution" },
	{ "${var:1", NULL, CF_EINVALID, "bad substitution" },
	{ "${var:\xc3\xa9}", NULL, CF_EINVALID, "bad substitution" },
	{ "${var^x}", NULL, CF_EINVALID, "bad substitution" },
	{ "${var#}", NULL, CF_EINVALID, "within function" },
	/* strict mode: undefined without default; syntax errors win */
	{ "${missing}", NULL, CF_EINVALID,
	  "variable not set (strict mode): \"missing\"" },
	{ "${#missing}", NULL, CF_EINVALID, "\"missing\"" },
	{ "${missing/a/b}", NULL, CF_EINVALID, "\"missing\"" },
	{ "${missing:=${inner}}", NULL, CF_EINVALID, "\"inner\"" },
	{ "${missing} ${var", NULL, CF_EINVALID, "missing closing brace" },
};

static int run(cf_buf *out, const char *in, const cf_node *vars,
    bool strict, size_t cap)
{
	cf_envsubst_opts o = { .strict = strict, .max_output = cap };
	return cf_envsubst(out, in, strlen(in), cf_envsubst_node_lookup,
	    (void *)vars, &o);
}

TEST(test_kustomize_envsubst__table)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *vars = test_vars(&a);

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		cf_buf out = CF_BUF_INIT;
		int err = run(&out, r->in, vars, true, 0);
		if (r->want) {
			if (err < 0 || strcmp(out.buf, r->want)) {
				cf_test_fail(__FILE__, __LINE__,
				    "'%s': got '%s' (%d %s), want '%s'", r->in,
				    out.buf, err, err < 0 ? cf_error_msg() : "",
				    r->want);
			}
		} else if (err != r->code ||
		    !strstr(cf_error_msg(), r->msg)) {
			cf_test_fail(__FILE__, __LINE__,
			    "'%s': got %d '%s' / '%s', want %d '%s'", r->in, err,
			    out.buf, err < 0 ? cf_error_msg() : "", r->code,
			    r->msg);
		}
		cf_buf_release(&out);
	}
	cf_arena_release(&a);
}

TEST(test_kustomize_envsubst__lenient_mode_empties_undefined)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf out = CF_BUF_INIT;

	CHECK_INT(run(&out, "[${missing}] [${#missing}]", test_vars(&a),
	    false, 0), 0);
	CHECK_STR(out.buf, "[] [0]");
	cf_buf_release(&out);
	cf_arena_release(&a);
}

TEST(test_kustomize_envsubst__output_cap)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf out = CF_BUF_INIT;
	char deep[1024] = "";

	CHECK_INT(run(&out, "${var}${var}", test_vars(&a), true, 8),
	    CF_ETOOLARGE);
	cf_buf_release(&out);
	/* Doubling through nested replacements hits the cap too. */
	CHECK_INT(run(&out, "${ab//a/${ab//a/${ab//a/${ab}}}}",
	    test_vars(&a), true, 32), CF_ETOOLARGE);
	cf_buf_release(&out);
	for (int i = 0; i < 100; i++)
		strcat(deep, "${x:=");
	CHECK_INT(run(&out, deep, test_vars(&a), true, 0), CF_ETOOLARGE);
	cf_buf_release(&out);
	cf_arena_release(&a);
}

TEST(test_kustomize_envsubst__names)
{
	CHECK(cf_envsubst_valid_name("a"));
	CHECK(cf_envsubst_valid_name("_A1_b"));
	CHECK(!cf_envsubst_valid_name("1a"));
	CHECK(!cf_envsubst_valid_name(""));
	CHECK(!cf_envsubst_valid_name("a-b"));
	CHECK(!cf_envsubst_valid_name("a.b"));
	CHECK(!cf_envsubst_valid_name(NULL));
}

TEST(test_kustomize_envsubst__var_set_strips_newlines)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *vars = cf_node_map(&a);

	CHECK_INT(cf_envsubst_var_set(&a, vars, "x", "a\nb\n", 4), 0);
	CHECK_STR(cf_node_getp_str(vars, "x", NULL), "ab");
	CHECK_INT(cf_envsubst_var_set(&a, vars, "bad-name", "v", 1),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "'bad-name' var name is invalid"));
	cf_arena_release(&a);
}

static cf_node *yaml(cf_arena *a, const char *text)
{
	cf_node *n = NULL;
	if (cf_yaml_parse_one(&n, a, text, strlen(text), NULL) < 0)
		return NULL;
	return n;
}

TEST(test_kustomize_envsubst__object)
{
	cf_arena a = CF_ARENA_INIT;
	cf_envsubst_opts o = { .strict = true };
	cf_node *obj, *out;

	obj = yaml(&a, "apiVersion: apps/v1\nkind: Deployment\n"
	    "metadata:\n  name: ${var}-app\n  namespace: ns\n"
	    "spec:\n  replicas: ${n}\n  note: $${x}\n");
	CHECK(obj);
	if (cf_envsubst_object(&out, &a, obj, test_vars(&a), &o) < 0) {
		cf_test_fail(__FILE__, __LINE__, "%s", cf_error_msg());
		return;
	}
	CHECK(out != obj);
	CHECK_STR(cf_node_getp_str(out, "metadata", "name", NULL),
	    "hello-app");
	/* Values are text: a number substituted unquoted becomes a number. */
	CHECK(cf_node_is(cf_node_getp(out, "spec", "replicas", NULL),
	    CF_NODE_INT));
	CHECK_STR(cf_node_getp_str(out, "spec", "note", NULL), "${x}");

	/* Undefined variables name the variable and the object. */
	obj = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: c\n"
	    "data:\n  k: ${nope}\n");
	CHECK_INT(cf_envsubst_object(&out, &a, obj, test_vars(&a), &o),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "'ConfigMap/c'"));
	CHECK(strstr(cf_error_msg(), "\"nope\""));

	/* Disabled by label or annotation: returned untouched. */
	obj = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: c\n  labels:\n"
	    "    kustomize.toolkit.fluxcd.io/substitute: disabled\n"
	    "data:\n  k: ${nope}\n");
	CHECK_INT(cf_envsubst_object(&out, &a, obj, test_vars(&a), &o), 0);
	CHECK(out == obj);
	obj = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: c\n"
	    "  annotations:\n"
	    "    kustomize.toolkit.fluxcd.io/substitute: disabled\n");
	CHECK(cf_envsubst_disabled(obj));
	/* Only the lower-case value counts. */
	obj = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: c\n"
	    "  annotations:\n"
	    "    kustomize.toolkit.fluxcd.io/substitute: Disabled\n");
	CHECK(!cf_envsubst_disabled(obj));

	/* A value that breaks the YAML is an error, not a crash. */
	obj = yaml(&a, "kind: ConfigMap\nmetadata:\n  name: c\n"
	    "data:\n  k: ${bad}\n");
	{
		cf_node *v = cf_node_map(&a);
		cf_node_set(&a, v, "bad", cf_node_str(&a, "[unclosed"));
		CHECK_INT(cf_envsubst_object(&out, &a, obj, v, &o),
		    CF_EINVALID);
	}
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kustomize_envsubst__table),
    T(test_kustomize_envsubst__lenient_mode_empties_undefined),
    T(test_kustomize_envsubst__output_cap),
    T(test_kustomize_envsubst__names),
    T(test_kustomize_envsubst__var_set_strips_newlines),
    T(test_kustomize_envsubst__object))
