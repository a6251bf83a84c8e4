/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/selector.h"
#include "core/error.h"
#include "core/json.h"

#include <string.h>

static cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n = NULL;

	if (!text || cf_json_parse(&n, a, text, strlen(text), NULL) < 0)
		return NULL;
	return n;
}

static bool sel(cf_arena *a, const char *text, const char *labels)
{
	cf_label_selector *s;

	if (cf_label_selector_parse(&s, a, text) < 0)
		return false;
	return cf_label_selector_matches(s, J(a, labels));
}

TEST(test_kube_selector__label_match)
{
	cf_arena a = CF_ARENA_INIT;
	const char *l = "{\"app\":\"web\",\"tier\":\"fe\",\"n\":\"5\",\"e\":\"\"}";

	CHECK(sel(&a, "", l));
	CHECK(sel(&a, "app=web", l));
	CHECK(sel(&a, "app==web,tier=fe", l));
	CHECK(!sel(&a, "app=web,tier=be", l));
	CHECK(sel(&a, "app!=api", l));
	CHECK(sel(&a, "missing!=x", l));
	CHECK(sel(&a, " app in (api, web) ", l));
	CHECK(!sel(&a, "app notin (web)", l));
	CHECK(sel(&a, "missing notin (web)", l));
	CHECK(sel(&a, "app", l));
	CHECK(!sel(&a, "!app", l));
	CHECK(sel(&a, "!missing", l));
	CHECK(sel(&a, "n>4,n<6", l));
	CHECK(!sel(&a, "n>5", l));
	CHECK(!sel(&a, "app>1", l)); /* not an integer: no match */
	CHECK(sel(&a, "e=", l));     /* present and empty */
	CHECK(sel(&a, "e in ()", l));
	CHECK(!sel(&a, "app=", l));
	CHECK(sel(&a, "app in (in,web)", l)); /* keywords are values here */
	CHECK(!sel(&a, "app", "{}"));
	CHECK(sel(&a, "!app", NULL));
	cf_arena_release(&a);
}

static const char *perr(cf_arena *a, const char *text)
{
	cf_label_selector *s;

	if (cf_label_selector_parse(&s, a, text) == 0)
		return "(parsed)";
	return cf_arena_strdup(a, cf_error_msg());
}

TEST(test_kube_selector__label_errors)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(perr(&a, "a in"),
	    "unable to parse requirement: found '' expected: '('");
	CHECK_STR(perr(&a, "a b"),
	    "unable to parse requirement: found 'b', expected: in, notin, =, "
	    "==, !=, gt, lt");
	CHECK_STR(perr(&a, "a=b c"),
	    "found 'c', expected: ',' or 'end of string'");
	CHECK_STR(perr(&a, "a=b,"),
	    "found '', expected: identifier after ','");
	CHECK_STR(perr(&a, ",a"),
	    "found ',', expected: !, identifier, or 'end of string'");
	CHECK_STR(perr(&a, "a in (b"),
	    "unable to parse requirement: found '', expected: ',' or ')'");
	CHECK_STR(perr(&a, "a>x"),
	    "unable to parse requirement: values[0]: Invalid value: \"x\": for "
	    "'Gt', 'Lt' operators, the value must be an integer");
	CHECK_STR(perr(&a, "a=-x"),
	    "unable to parse requirement: values[0][a]: Invalid value: \"-x\": a "
	    "valid label must be an empty string or consist of alphanumeric "
	    "characters, '-', '_' or '.', and must start and end with an "
	    "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
	    "'12345', regex used for validation is "
	    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
	CHECK(strstr(perr(&a, "-a=b"), "unable to parse requirement: <nil>: "
	    "Invalid value: \"-a\": name part must consist of") != NULL);
	CHECK_STR(perr(&a, "!a=b"),
	    "found '=', expected: ',' or 'end of string'");
	CHECK_INT(cf_error_last()->code, CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_kube_selector__from_node_and_string)
{
	cf_arena a = CF_ARENA_INIT;
	cf_label_selector *s;

	CHECK_INT(cf_label_selector_from_node(&s, &a, J(&a,
	    "{\"matchLabels\":{\"z\":\"1\",\"app\":\"web\"},"
	    "\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\","
	    "\"values\":[\"prod\",\"dev\",\"prod\"]},"
	    "{\"key\":\"old\",\"operator\":\"DoesNotExist\"}]}")), 0);
	CHECK_STR(cf_label_selector_string(&a, s),
	    "app=web,env in (dev,prod),!old,z=1");
	CHECK(cf_label_selector_matches(s, J(&a,
	    "{\"app\":\"web\",\"z\":\"1\",\"env\":\"dev\"}")));
	CHECK(!cf_label_selector_matches(s, J(&a,
	    "{\"app\":\"web\",\"z\":\"1\",\"env\":\"qa\"}")));

	/* null selects nothing, {} everything. */
	CHECK_INT(cf_label_selector_from_node(&s, &a, NULL), 0);
	CHECK(!cf_label_selector_matches(s, J(&a, "{}")));
	CHECK_INT(cf_label_selector_from_node(&s, &a, J(&a, "{}")), 0);
	CHECK(cf_label_selector_matches(s, J(&a, "{}")));

	CHECK_INT(cf_label_selector_from_node(&s, &a, J(&a,
	    "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\"}]}")),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "\"Gt\" is not a valid label selector operator");
	CHECK_INT(cf_label_selector_from_node(&s, &a, J(&a,
	    "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"In\"}]}")),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "values: Invalid value: []string{}: for 'in', "
	    "'notin' operators, values set can't be empty");
	CHECK_INT(cf_label_selector_from_node(&s, &a, J(&a,
	    "{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Exists\","
	    "\"values\":[\"y\",\"x\"]}]}")), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "values: Invalid value: []string{\"x\", \"y\"}: "
	    "values set must be empty for exists and does not exist");

	CHECK_INT(cf_label_selector_parse(&s, &a, "b notin (y,x), a, c==1"), 0);
	CHECK_STR(cf_label_selector_string(&a, s), "a,b notin (x,y),c==1");
	cf_arena_release(&a);
}

TEST(test_kube_selector__field_selectors)
{
	cf_arena a = CF_ARENA_INIT;
	cf_scheme *sc = cf_scheme_new();
	const cf_resource_def *pods = cf_scheme_by_resource(sc, "", "v1", "pods");
	const cf_resource_def *ns = cf_scheme_by_resource(sc, "", "v1",
	    "namespaces");
	const cf_resource_def *ev = cf_scheme_by_resource(sc, "", "v1", "events");
	cf_node *pod = J(&a, "{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},"
	    "\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}");
	cf_field_selector *s;

	CHECK_INT(cf_field_selector_parse(&s, &a,
	    "status.phase!=Pending,metadata.name=p"), 0);
	CHECK_INT(s->n, 2);
	CHECK_STR(s->reqs[0].field, "metadata.name"); /* sorted */
	CHECK_INT(cf_field_selector_check(s, pods), 0);
	CHECK(cf_field_selector_matches(s, pods, pod));
	CHECK(cf_field_selector_name(s) == NULL);

	/* An absent bool is "false", as Go prints the zero value. */
	CHECK_INT(cf_field_selector_parse(&s, &a, "spec.hostNetwork=false"), 0);
	CHECK(cf_field_selector_matches(s, pods, pod));
	CHECK_INT(cf_field_selector_parse(&s, &a, "spec.nodeName==n2"), 0);
	CHECK(!cf_field_selector_matches(s, pods, pod));

	CHECK_INT(cf_field_selector_parse(&s, &a, "spec.replicas=1"), 0);
	CHECK_INT(cf_field_selector_check(s, pods), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "field label not supported: spec.replicas");
	CHECK_INT(cf_field_selector_parse(&s, &a, "metadata.namespace=x"), 0);
	CHECK_INT(cf_field_selector_check(s, ns), CF_EINVALID);
	CHECK_INT(cf_field_selector_check(s, pods), 0);

	/* events: "source" is source.component. */
	CHECK_INT(cf_field_selector_parse(&s, &a,
	    "source=kustomize-controller,involvedObject.name=web"), 0);
	CHECK_INT(cf_field_selector_check(s, ev), 0);
	CHECK(cf_field_selector_matches(s, ev, J(&a, "{\"source\":{\"component\":"
	    "\"kustomize-controller\"},\"involvedObject\":{\"name\":\"web\"}}")));

	CHECK_INT(cf_field_selector_parse(&s, &a, "metadata.name=a\\,b"), 0);
	CHECK_STR(cf_field_selector_name(s), "a,b");
	CHECK_INT(cf_field_selector_parse(&s, &a, ""), 0);
	CHECK_INT(s->n, 0);
	CHECK(cf_field_selector_matches(s, pods, pod));

	CHECK_INT(cf_field_selector_parse(&s, &a, "metadata.name"), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "invalid selector: 'metadata.name'; can't "
	    "understand 'metadata.name'");
	CHECK_INT(cf_field_selector_parse(&s, &a, "a=\\q"), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "invalid field selector: invalid escape sequence: \\q");
	CHECK_INT(cf_field_selector_parse(&s, &a, "a=b=c"), CF_EINVALID);
	CHECK_STR(cf_error_msg(),
	    "invalid field selector: unescaped character in value: 61");
	cf_scheme_free(sc);
	cf_arena_release(&a);
}

/* Random inputs from the grammar's alphabet never crash the parsers and
 * always end in a match result or a message (run under ASan/UBSan). */
TEST(test_kube_selector__random_inputs)
{
	static const char *const parts[] = {
		"a", "b", "=", "==", "!=", "!", "(", ")", ",", " ", "in", "notin",
		">", "<", "1", "-", "\\", "x.y/z", "",
	};
	cf_arena a = CF_ARENA_INIT;
	cf_node *labels = cf_node_map(&a);
	uint32_t seed = 12345;

	cf_node_set(&a, labels, "a", cf_node_str(&a, "1"));
	for (int i = 0; i < 5000; i++) {
		char text[128] = "";
		int n = (int)(seed % 9) + 1;
		cf_label_selector *ls;
		cf_field_selector *fs;

		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(text, parts[(seed >> 16) % (sizeof(parts) /
			    sizeof(parts[0]))]);
		}
		if (cf_label_selector_parse(&ls, &a, text) == 0)
			(void)cf_label_selector_matches(ls, labels);
		else
			CHECK(*cf_error_msg());
		if (cf_field_selector_parse(&fs, &a, text) == 0)
			(void)cf_field_selector_matches(fs, NULL, labels);
		else
			CHECK(*cf_error_msg());
		if (i % 500 == 0) {
			cf_arena_release(&a);
			labels = cf_node_map(&a);
		}
	}
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_selector__label_match),
    T(test_kube_selector__label_errors),
    T(test_kube_selector__from_node_and_string),
    T(test_kube_selector__field_selectors),
    T(test_kube_selector__random_inputs))
