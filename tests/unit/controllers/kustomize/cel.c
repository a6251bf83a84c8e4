/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CEL subset: every documented Flux example (readyExpr, the
 * healthCheckExprs RFC and cheatsheet), then tables of expressions with
 * their JSON result or error, evaluated against a Kustomization-like
 * object.
 */
#include <stdio.h>
#include <string.h>

#include "controllers/kustomize/cel.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "core/yaml.h"
#include "test.h"

static const char obj_yaml[] =
    "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
    "kind: Kustomization\n"
    "metadata:\n"
    "  name: app-backend\n"
    "  generation: 2\n"
    "  labels: {app/version: v1.2.3}\n"
    "spec:\n"
    "  values: {app: {version: v1.2.3}}\n"
    "status:\n"
    "  observedGeneration: 2\n"
    "  lastAppliedRevision: main@sha1:abc\n"
    "  lastAttemptedRevision: main@sha1:abc\n"
    "  replicas: 3\n"
    "  ratio: 0.5\n"
    "  name: caf\xc3\xa9-x\n"
    "  tags: [a, b, c]\n"
    "  conditions:\n"
    "  - {type: Ready, status: 'True', observedGeneration: 2}\n"
    "  - {type: Issuing, status: 'False', observedGeneration: 2}\n";

static cf_node *yaml(cf_arena *a, const char *text)
{
	cf_node *n = NULL;
	cf_yaml_parse_one(&n, a, text, strlen(text), NULL);
	return n;
}

/* {dep: dep, self: self} */
static cf_node *dep_self(cf_arena *a, cf_node *dep, cf_node *self)
{
	cf_node *m = cf_node_map(a);
	cf_node_set(a, m, "dep", dep);
	cf_node_set(a, m, "self", self);
	return m;
}

static const char *const ready_vars[] = { "dep", "self", NULL };

/* Compile with vars, evaluate as bool; -1 on any error. */
static int truth(const char *expr, const char *const *vars,
    const cf_node *act)
{
	cf_cel *p;
	bool b;

	if (cf_cel_compile(&p, expr, vars) < 0)
		return -1;
	if (cf_cel_eval_bool(&b, p, act) < 0)
		b = -1;
	cf_cel_free(p);
	return b;
}

TEST(test_kustomize_cel__flux_ready_expr_examples)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *dep = yaml(&a, obj_yaml), *self = yaml(&a, obj_yaml);
	cf_node *act = dep_self(&a, dep, self);
	/* kustomizations.md, dependsOn readyExpr */
	const char *ks =
	    "dep.metadata.labels['app/version'] == "
	    "self.metadata.labels['app/version'] &&\n"
	    "dep.status.conditions.filter(e, e.type == 'Ready')"
	    ".all(e, e.status == 'True') &&\n"
	    "dep.metadata.generation == dep.status.observedGeneration\n";
	/* helmreleases.md, dependsOn readyExpr */
	const char *hr =
	    "dep.spec.values.app.version == self.spec.values.app.version &&\n"
	    "dep.status.conditions.filter(e, e.type == 'Ready')"
	    ".all(e, e.status == 'True') &&\n"
	    "dep.metadata.generation == dep.status.observedGeneration";
	/* The same rollout: the dependency applied what we attempt. */
	const char *rev =
	    "dep.status.lastAppliedRevision == "
	    "self.status.lastAttemptedRevision && "
	    "dep.status.conditions.exists(e, e.type == 'Ready' && "
	    "e.status == 'True')";

	CHECK_INT(truth(ks, ready_vars, act), 1);
	CHECK_INT(truth(hr, ready_vars, act), 1);
	CHECK_INT(truth(rev, ready_vars, act), 1);

	/* A different version label on self, a stale generation. */
	cf_node_set(&a, cf_node_getp(self, "metadata", "labels", NULL),
	    "app/version", cf_node_str(&a, "v1.2.4"));
	CHECK_INT(truth(ks, ready_vars, act), 0);
	cf_node_set(&a, cf_node_get(dep, "metadata"), "generation",
	    cf_node_int(&a, 3));
	CHECK_INT(truth(hr, ready_vars, act), 0);

	/* readyExpr declares dep and self only. */
	CHECK_INT(truth("status.observedGeneration >= 0", ready_vars, act),
	    -1);
	CHECK(strstr(cf_error_msg(), "undeclared reference to 'status'"));

	/* The same through the readyExpr helpers. */
	{
		cf_cel *p;
		bool ok = true;
		CHECK_INT(cf_cel_ready_compile(&p, hr), 0);
		CHECK_INT(cf_cel_ready_eval(&ok, p, dep, self), 0);
		CHECK(!ok); /* dep's generation moved on above */
		CHECK_INT(cf_cel_ready_eval(&ok, p, self, self), 0);
		CHECK(ok);
		cf_cel_free(p);
		CHECK_INT(cf_cel_ready_compile(&p, "x.status"), CF_EINVALID);
		CHECK_INT(cf_cel_ready_compile(&p, "dep.status.x.exists(x, "
		    "x == self.metadata.name)"), 0);
		CHECK_INT(cf_cel_ready_eval(&ok, p, dep, self), CF_EINVALID);
		CHECK(strstr(cf_error_msg(), "no such key: x"));
		cf_cel_free(p);
	}
	cf_arena_release(&a);
}

static int health(const char *cur, const char *failed, const char *inprog,
    const cf_node *obj, enum cf_cel_status *st)
{
	cf_cel_health h;
	int err;

	if ((err = cf_cel_health_compile(&h, cur, failed, inprog)) < 0)
		return err;
	err = cf_cel_health_eval(st, &h, obj);
	cf_cel_health_release(&h);
	return err;
}

TEST(test_kustomize_cel__flux_health_check_examples)
{
	cf_arena a = CF_ARENA_INIT;
	enum cf_cel_status st;
	/* RFC 0009: cert-manager Certificate */
	const char *cert_ip = "status.conditions.filter(e, e.type == "
	    "'Issuing').all(e, e.observedGeneration == metadata.generation "
	    "&& e.status == 'True')";
	const char *cert_failed = "status.conditions.filter(e, e.type == "
	    "'Ready').all(e, e.observedGeneration == metadata.generation && "
	    "e.status == 'False')";
	const char *cert_cur = "status.conditions.filter(e, e.type == "
	    "'Ready').all(e, e.observedGeneration == metadata.generation && "
	    "e.status == 'True')";
	/* Cheatsheet: Cluster API Cluster and SealedSecret */
	const char *ready_failed = "status.conditions.filter(e, e.type == "
	    "'Ready').all(e, e.status == 'False')";
	const char *ready_cur = "status.conditions.filter(e, e.type == "
	    "'Ready').all(e, e.status == 'True')";
	const char *synced_failed = "status.conditions.filter(e, e.type == "
	    "'Synced').all(e, e.status == 'False')";
	const char *synced_cur = "status.conditions.filter(e, e.type == "
	    "'Synced').all(e, e.status == 'True')";
	cf_node *cert = yaml(&a, obj_yaml);
	cf_node *issuing = yaml(&a, "metadata: {generation: 1}\nstatus:\n"
	    "  conditions:\n"
	    "  - {type: Issuing, status: 'True', observedGeneration: 1}\n"
	    "  - {type: Ready, status: 'False', observedGeneration: 1}\n");
	cf_node *failed = yaml(&a, "metadata: {generation: 1}\nstatus:\n"
	    "  conditions:\n"
	    "  - {type: Issuing, status: 'False', observedGeneration: 1}\n"
	    "  - {type: Ready, status: 'False', observedGeneration: 1}\n");
	cf_node *stale = yaml(&a, "metadata: {generation: 5}\nstatus:\n"
	    "  observedGeneration: 4\n  conditions:\n"
	    "  - {type: Ready, status: 'True'}\n");
	cf_node *sealed = yaml(&a, "status:\n  conditions:\n"
	    "  - {type: Synced, status: 'True'}\n");
	cf_node *nostatus = yaml(&a, "metadata: {name: x}\n");

	CHECK_INT(health(cert_cur, cert_failed, cert_ip, cert, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	CHECK_INT(health(cert_cur, cert_failed, cert_ip, issuing, &st), 0);
	CHECK_INT(st, CF_CEL_IN_PROGRESS);
	CHECK_INT(health(cert_cur, cert_failed, cert_ip, failed, &st), 0);
	CHECK_INT(st, CF_CEL_FAILED);
	/* An older observedGeneration is InProgress before any expression. */
	CHECK_INT(health(ready_cur, ready_failed, NULL, stale, &st), 0);
	CHECK_INT(st, CF_CEL_IN_PROGRESS);
	CHECK_INT(health(synced_cur, synced_failed, "", sealed, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	CHECK_INT(health(ready_cur, ready_failed, NULL, failed, &st), 0);
	CHECK_INT(st, CF_CEL_FAILED);
	/* Referencing a field that is not there yet is an error... */
	CHECK_INT(health(ready_cur, NULL, NULL, nostatus, &st), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "no such attribute(s): status"));
	/* ...which has() or optional access guard against. */
	CHECK_INT(health("has(status.conditions) && status.conditions."
	    "exists(e, e.type == 'Ready')", NULL, NULL, nostatus, &st),
	    CF_EINVALID);
	CHECK_INT(health("has(self.status) || true", NULL, NULL, nostatus,
	    &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	/* self names the whole object, besides its fields. */
	CHECK_INT(health("self.status.conditions.exists(e, e.type == 'Ready')"
	    " && self.metadata.generation == metadata.generation", NULL, NULL,
	    cert, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	CHECK_INT(health("!has(self.status)", NULL, NULL, nostatus, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	CHECK_INT(health("status.?conditions.orValue([]).exists(c, c.type "
	    "== 'Ready' && c.status == 'True')", NULL, NULL, cert, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);
	CHECK_INT(health("metadata.?missing.?deeper.orValue('x') == 'x'",
	    NULL, NULL, nostatus, &st), 0);
	CHECK_INT(st, CF_CEL_CURRENT);

	/* Compile errors name the expression. */
	CHECK_INT(health("", NULL, NULL, cert, &st), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "expression Current not specified"));
	CHECK_INT(health("true", "status.(", NULL, cert, &st), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "failed to parse the expression Failed"));
	cf_arena_release(&a);
}

struct row {
	const char *expr;
	const char *want; /* JSON of the result, or NULL for an error */
	const char *msg;  /* error substring */
};

static const struct row rows[] = {
	/* literals */
	{ "1", "1", NULL },
	{ "-9223372036854775808", "-9223372036854775808", NULL },
	{ "0x10", "16", NULL },
	{ "7u", "7", NULL },
	{ "1.5", "1.5", NULL },
	{ "1e3", "1000", NULL },
	{ "'a\\tb'", "\"a\\tb\"", NULL },
	{ "\"\\u00e9\\x41\\101\"", "\"\xc3\xa9" "AA\"", NULL },
	{ "r'\\n'", "\"\\\\n\"", NULL },
	{ "'''x'y'''", "\"x'y\"", NULL },
	{ "true", "true", NULL },
	{ "null", "null", NULL },
	{ "[1, 'a', [true]]", "[1,\"a\",[true]]", NULL },
	{ "{'a': 1, 'b': [2]}", "{\"a\":1,\"b\":[2]}", NULL },
	{ "[1, 2,]", "[1,2]", NULL },
	/* arithmetic and comparison */
	{ "1 + 2 * 3 - 4 / 2 % 3", "5", NULL },
	{ "(1 + 2) * 3", "9", NULL },
	{ "-(2 - 5)", "3", NULL },
	{ "1.5 * 2.0", "3", NULL },
	{ "'ab' + 'cd'", "\"abcd\"", NULL },
	{ "[1] + [2, 3]", "[1,2,3]", NULL },
	{ "3u + 4u", "7", NULL },
	{ "1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 4 == false", "true", NULL },
	{ "1 == 1.0 && 1u == 1 && 2 > 1.5", "true", NULL },
	{ "'a' < 'b' && 'b' > 'abc'", "true", NULL },
	{ "[1, 'a'] == [1, 'a'] && {'x': 1} == {'x': 1.0}", "true", NULL },
	{ "1 == 'a'", "false", NULL },
	{ "null == null && 1 != null", "true", NULL },
	{ "2 in [1, 2] && !(3 in [1, 2]) && 'a' in {'a': 1}", "true", NULL },
	{ "true ? 'y' : 'n'", "\"y\"", NULL },
	{ "false ? 1 : true ? 2 : 3", "2", NULL },
	{ "!true || !!true", "true", NULL },
	/* fields, indexes, has */
	{ "status.replicas", "3", NULL },
	{ "status.conditions[1].type", "\"Issuing\"", NULL },
	{ "metadata.labels['app/version']", "\"v1.2.3\"", NULL },
	{ "self.status.replicas", "3", NULL },
	{ "has(status.replicas) && !has(status.missing)", "true", NULL },
	{ "has(metadata.labels.app)", "false", NULL },
	{ "status.?missing.hasValue()", "false", NULL },
	{ "status.?replicas.value()", "3", NULL },
	{ "status.tags[?5].orValue('none')", "\"none\"", NULL },
	{ "status.?missing", "null", NULL },
	/* macros */
	{ "status.tags.map(t, t + t)", "[\"aa\",\"bb\",\"cc\"]", NULL },
	{ "status.tags.filter(t, t != 'b')", "[\"a\",\"c\"]", NULL },
	{ "status.tags.exists(t, t == 'c')", "true", NULL },
	{ "status.tags.exists_one(t, t > 'a')", "false", NULL },
	{ "status.tags.all(t, size(t) == 1)", "true", NULL },
	{ "[].all(x, x > 0) && ![].exists(x, x > 0)", "true", NULL },
	{ "[1, 2, 3].map(x, x > 1, x * 10)", "[20,30]", NULL },
	{ "{'a': 1, 'b': 2}.map(k, k)", "[\"a\",\"b\"]", NULL },
	{ "[[1, 2], [3]].map(l, l.map(x, x * 2))", "[[2,4],[6]]", NULL },
	{ "[1, 2].exists(x, [3].exists(y, x + y == 5))", "true", NULL },
	/* namespaced functions */
	{ "optional.of(1).value() + optional.none().orValue(2)", "3", NULL },
	{ "optional.ofNonZeroValue('').hasValue()", "false", NULL },
	{ "optional.ofNonZeroValue([1]).hasValue()", "true", NULL },
	{ "sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])",
	  "true", NULL },
	{ "sets.equivalent([1, 2, 2], [2, 1]) && !sets.equivalent([1], [])",
	  "true", NULL },
	{ "sets.intersects(status.tags, ['x', 'c'])", "true", NULL },
	{ "sets.contains(1, [1])", NULL, "no such overload" },
	{ "sets.union([1], [2])", NULL, "undeclared reference to 'union'" },
	{ "optional.none(1)", NULL, "wrong number of arguments" },
	/* functions */
	{ "size(status.name) == 6 && status.name.size() == 6", "true", NULL },
	{ "size([1, 2]) + size({'a': 1})", "3", NULL },
	{ "'flux'.startsWith('fl') && 'flux'.endsWith('ux')", "true", NULL },
	{ "'flux'.contains('lu') && !'flux'.contains('x2')", "true", NULL },
	{ "'v1.2.3'.matches('^v[0-9]+\\\\.[0-9]+')", "true", NULL },
	{ "matches('abc', 'b+')", "true", NULL },
	{ "'AbC'.lowerAscii() + 'aBc'.upperAscii()", "\"abcABC\"", NULL },
	{ "'  x '.trim()", "\"x\"", NULL },
	{ "'a-b-c'.replace('-', '+')", "\"a+b+c\"", NULL },
	{ "'a-b-c'.replace('-', '+', 1)", "\"a+b-c\"", NULL },
	{ "'a,b,,c'.split(',')", "[\"a\",\"b\",\"\",\"c\"]", NULL },
	{ "['a', 'b'].join('/')", "\"a/b\"", NULL },
	{ "status.name.indexOf('-')", "4", NULL },
	{ "'abab'.lastIndexOf('ab')", "2", NULL },
	{ "status.name.substring(2, 4)", "\"f\xc3\xa9\"", NULL },
	{ "status.name.charAt(3)", "\"\xc3\xa9\"", NULL },
	{ "int('42') + int(2.9) + int(1u)", "45", NULL },
	{ "double(1) + double('0.5')", "1.5", NULL },
	{ "string(1) + string(1.5) + string(true) + string(2u)",
	  "\"11.5true2\"", NULL },
	{ "bool('true') && !bool('False')", "true", NULL },
	{ "dyn(1) == 1", "true", NULL },
	/* errors are values for && and || */
	{ "false && status.missing", "false", NULL },
	{ "status.missing && false", "false", NULL },
	{ "status.missing || true", "true", NULL },
	{ "status.missing && true", NULL, "no such key: missing" },
	{ "status.tags.exists(t, t == 'a' || t.missing)", "true", NULL },
	{ "status.tags.all(t, t == 'b' && t.size() == 2)", "false", NULL },
	{ "[1, 'a'].all(x, x > 0)", NULL, "no such overload" },
	/* runtime errors */
	{ "status.missing", NULL, "no such key: missing" },
	{ "nothing", NULL, "no such attribute(s): nothing" },
	{ "status.replicas.x", NULL, "does not support field selection" },
	{ "status.tags[3]", NULL, "index out of bounds: 3" },
	{ "metadata.labels['nope']", NULL, "no such key: nope" },
	{ "1 / 0", NULL, "division by zero" },
	{ "1 % 0", NULL, "modulus by zero" },
	{ "9223372036854775807 + 1", NULL, "integer overflow" },
	{ "-(-9223372036854775808)", NULL, "integer overflow" },
	{ "1 + 1.0", NULL, "no such overload: int + double" },
	{ "'a' < 1", NULL, "no such overload: string < int" },
	{ "1 ? 2 : 3", NULL, "no such overload" },
	{ "!1", NULL, "no such overload" },
	{ "size(1)", NULL, "no such overload" },
	{ "1.contains('a')", NULL, "no such overload" },
	{ "int('x')", NULL, "cannot convert" },
	{ "int(1e30)", NULL, "range error" },
	{ "'abc'.substring(2, 9)", NULL, "index out of range" },
	{ "'a'.matches('(')", NULL, "invalid regular expression" },
	{ "{'a': 1, 'a': 2}", NULL, "repeated key" },
	{ "{1: 2}", NULL, "unsupported map key type" },
	{ "status.?missing.value()", NULL, "optional.none() dereference" },
	{ "1.orValue(2)", NULL, "no such overload" },
	{ "5.all(x, true)", NULL, "cannot be range of a comprehension" },
	/* compile errors */
	{ "1 +", NULL, "unexpected end of expression at column 4" },
	{ "(1", NULL, "expected ')'" },
	{ "1 2", NULL, "unexpected token '2'" },
	{ "'abc", NULL, "unterminated string" },
	{ "'\\q'", NULL, "invalid escape sequence" },
	{ "9223372036854775808", NULL, "out of range" },
	{ "a.b(", NULL, "unexpected end" },
	{ "frobnicate(1)", NULL, "undeclared reference to 'frobnicate'" },
	{ "'a'.size(1)", NULL, "wrong number of arguments to 'size'" },
	{ "has(a)", NULL, "invalid argument to has() macro" },
	{ "[1].all(x)", NULL, "wrong number of arguments" },
	{ "1 # 2", NULL, "unexpected character '#'" },
};

TEST(test_kustomize_cel__table)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj = yaml(&a, obj_yaml);

	/* healthCheckExprs style: the object's fields, plus self. */
	cf_node_set(&a, obj, "self", cf_node_dup(&a, obj));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		cf_buf out = CF_BUF_INIT;
		cf_cel *p = NULL;
		cf_node *v = NULL;
		int err = cf_cel_compile(&p, r->expr, NULL);

		if (err == 0)
			err = cf_cel_eval(&v, p, obj, &a);
		if (err == 0)
			cf_json_write(&out, v, 0);
		if (r->want ? (err < 0 || strcmp(out.buf, r->want)) :
		    (err == 0 || !strstr(cf_error_msg(), r->msg)))
			cf_test_fail(__FILE__, __LINE__,
			    "%s: got %s '%s', want %s", r->expr,
			    err < 0 ? "error" : "value",
			    err < 0 ? cf_error_msg() : out.buf,
			    r->want ? r->want : r->msg);
		cf_buf_release(&out);
		cf_cel_free(p);
	}
	cf_arena_release(&a);
}

TEST(test_kustomize_cel__messages_and_bool)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj = yaml(&a, obj_yaml);
	cf_cel *p;
	bool b;

	CHECK_INT(cf_cel_compile(&p, "status.replicas", NULL), 0);
	CHECK_STR(cf_cel_expr(p), "status.replicas");
	CHECK_INT(cf_cel_eval_bool(&b, p, obj), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "failed to evaluate CEL expression as "
	    "boolean: 'status.replicas'");
	cf_cel_free(p);

	CHECK_INT(cf_cel_compile(&p, "status.nope == 1", NULL), 0);
	CHECK_INT(cf_cel_eval_bool(&b, p, obj), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "failed to evaluate the CEL expression "
	    "'status.nope == 1': no such key: nope");
	cf_cel_free(p);

	CHECK_INT(cf_cel_compile(&p, "a +", NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "failed to parse the CEL expression 'a +': "
	    "unexpected end of expression at column 4");
	cf_arena_release(&a);
}

TEST(test_kustomize_cel__caps)
{
	cf_buf e = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *v;
	cf_cel *p;

	/* Nesting. */
	for (int i = 0; i < 200; i++)
		cf_buf_adds(&e, "(");
	cf_buf_adds(&e, "1");
	for (int i = 0; i < 200; i++)
		cf_buf_adds(&e, ")");
	CHECK_INT(cf_cel_compile(&p, e.buf, NULL), CF_ETOOLARGE);
	cf_buf_reset(&e);
	for (int i = 0; i < 200; i++)
		cf_buf_adds(&e, "!");
	cf_buf_adds(&e, "true");
	CHECK_INT(cf_cel_compile(&p, e.buf, NULL), CF_ETOOLARGE);

	/* Length. */
	cf_buf_reset(&e);
	for (int i = 0; i <= CF_CEL_MAX_EXPR; i++)
		cf_buf_adds(&e, "1");
	CHECK_INT(cf_cel_compile(&p, e.buf, NULL), CF_ETOOLARGE);

	/* Cost: 200^3 iterations of nested comprehensions. */
	cf_buf_reset(&e);
	cf_buf_adds(&e, "[");
	for (int i = 0; i < 200; i++)
		cf_buf_addf(&e, "%s%d", i ? "," : "", i);
	cf_buf_adds(&e, "]");
	{
		cf_buf x = CF_BUF_INIT;
		cf_buf_addf(&x, "%s.map(a, %s.map(b, %s.map(c, c)))", e.buf,
		    e.buf, e.buf);
		CHECK_INT(cf_cel_compile(&p, x.buf, NULL), 0);
		CHECK_INT(cf_cel_eval(&v, p, NULL, &a), CF_ETOOLARGE);
		if (!strstr(cf_error_msg(), "evaluation cost exceeded"))
			cf_test_fail(__FILE__, __LINE__, "%s", cf_error_msg());
		cf_cel_free(p);
		cf_buf_release(&x);
	}
	/* Cost errors are not absorbed by || or exists. */
	CHECK_INT(cf_cel_compile(&p, "[1].exists(q, [0,1,2,3,4,5,6,7,8,9]"
	    ".map(a, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'"
	    ".replace('x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"
	    ".replace('x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"
	    ".replace('x', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"
	    ") == [] || true) || true", NULL), 0);
	CHECK_INT(cf_cel_eval(&v, p, NULL, &a), CF_ETOOLARGE);
	cf_cel_free(p);
	cf_buf_release(&e);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kustomize_cel__flux_ready_expr_examples),
    T(test_kustomize_cel__flux_health_check_examples),
    T(test_kustomize_cel__table),
    T(test_kustomize_cel__messages_and_bool),
    T(test_kustomize_cel__caps))
