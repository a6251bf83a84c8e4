/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/jsonpath.h"
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

static const char *doc =
    "{\"metadata\":{\"name\":\"flux-system\",\"creationTimestamp\":"
    "\"2026-01-02T03:04:05Z\",\"labels\":{\"app.kubernetes.io/name\":\"x\"}},"
    "\"spec\":{\"url\":\"https://github.com/org/repo\",\"interval\":\"1m\","
    "\"ports\":[80,443,8080],\"suspend\":false,\"ratio\":0.5},"
    "\"status\":{\"conditions\":[{\"type\":\"Reconciling\",\"status\":\"False\"},"
    "{\"type\":\"Ready\",\"status\":\"True\",\"message\":\"stored artifact\"}],"
    "\"replicas\":3}}";

/* All results joined by a space, as kubectl prints them. */
static const char *F(cf_arena *a, const char *expr)
{
	const cf_node **res;
	int n = cf_jsonpath_find(&res, a, J(a, doc), expr);
	cf_buf b = CF_BUF_INIT;
	char *s;

	if (n < 0)
		return cf_arena_printf(a, "ERR: %s", cf_error_msg());
	for (int i = 0; i < n; i++)
		cf_buf_addf(&b, "%s%s", i ? " " : "", cf_jsonpath_text(a, res[i]));
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

TEST(test_kube_jsonpath__flux_printer_columns)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(F(&a, ".status.conditions[?(@.type==\"Ready\")].status"), "True");
	CHECK_STR(F(&a, ".status.conditions[?(@.type==\"Ready\")].message"),
	    "stored artifact");
	CHECK_STR(F(&a, ".status.conditions[?(@.type=='Reconciling')].status"),
	    "False");
	CHECK_STR(F(&a, ".status.conditions[?(@.type==\"Nope\")].status"), "");
	CHECK_STR(F(&a, ".metadata.creationTimestamp"), "2026-01-02T03:04:05Z");
	CHECK_STR(F(&a, ".spec.url"), "https://github.com/org/repo");
	CHECK_STR(F(&a, "{.spec.interval}"), "1m");
	CHECK_STR(F(&a, "$.status.replicas"), "3");
	CHECK_STR(F(&a, ".spec.missing.deeper"), "");
	CHECK_STR(F(&a, ".spec.suspend"), "false");
	CHECK_STR(F(&a, ".spec.ratio"), "0.5");
	cf_arena_release(&a);
}

TEST(test_kube_jsonpath__indexes_wildcards_filters)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(F(&a, ".spec.ports[0]"), "80");
	CHECK_STR(F(&a, ".spec.ports[-1]"), "8080");
	CHECK_STR(F(&a, ".spec.ports[5]"), "");
	CHECK_STR(F(&a, ".spec.ports[1:]"), "443 8080");
	CHECK_STR(F(&a, ".spec.ports[:2]"), "80 443");
	CHECK_STR(F(&a, ".spec.ports[*]"), "80 443 8080");
	CHECK_STR(F(&a, ".spec.ports"), "[80,443,8080]");
	CHECK_STR(F(&a, ".status.conditions[*].type"), "Reconciling Ready");
	CHECK_STR(F(&a, ".metadata.labels['app.kubernetes.io/name']"), "x");
	CHECK_STR(F(&a, "..type"), "Reconciling Ready");
	CHECK(strstr(F(&a, "..status"), "{\"conditions\"") != NULL);
	CHECK_STR(F(&a, ".status.conditions[?(@.message)].type"), "Ready");
	CHECK_STR(F(&a, ".status.conditions[?(@.type != \"Ready\")].type"),
	    "Reconciling");
	CHECK_STR(F(&a, ".spec.ports[?(@ > 100)]"), "443 8080");
	CHECK_STR(F(&a, ".spec.ports[?(@ <= 443)]"), "80 443");
	CHECK_STR(F(&a, ".metadata"), "{\"creationTimestamp\":"
	    "\"2026-01-02T03:04:05Z\",\"labels\":{\"app.kubernetes.io/name\":\"x\"},"
	    "\"name\":\"flux-system\"}");
	cf_arena_release(&a);
}

TEST(test_kube_jsonpath__syntax_errors)
{
	cf_arena a = CF_ARENA_INIT;

	CHECK_STR(F(&a, ".a[?(@.b==\"x\""),
	    "ERR: unterminated filter at 2 in '.a[?(@.b==\"x\"'");
	CHECK_STR(F(&a, ".a[1"), "ERR: unterminated '[' at 2 in '.a[1'");
	CHECK_STR(F(&a, ".a[x]"), "ERR: invalid array index at 2 in '.a[x]'");
	CHECK_STR(F(&a, ".a[?(b==1)]"),
	    "ERR: filter must start with '@' at 2 in '.a[?(b==1)]'");
	CHECK_STR(F(&a, ".a[?(@.b==)]"),
	    "ERR: invalid filter value at 2 in '.a[?(@.b==)]'");
	CHECK_STR(F(&a, "a"), "ERR: unexpected character at 0 in 'a'");
	cf_arena_release(&a);
}

/* Random paths from the dialect's alphabet compile or fail cleanly, and
 * evaluating what compiles never crashes (run under ASan/UBSan). */
TEST(test_kube_jsonpath__random_inputs)
{
	static const char *const parts[] = {
		".", "..", "a", "status", "[", "]", "?(", ")", "@", "==", "'x'",
		"\"", "*", "0", "-1", ":", "{", "}", "$", " ", "conditions",
	};
	cf_arena a = CF_ARENA_INIT;
	cf_node *root = J(&a, doc);
	uint32_t seed = 777;

	for (int i = 0; i < 5000; i++) {
		char text[160] = "";
		int n = (int)(seed % 10) + 1;
		const cf_node **res;

		for (int k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			strcat(text, parts[(seed >> 16) % (sizeof(parts) /
			    sizeof(parts[0]))]);
		}
		if (cf_jsonpath_find(&res, &a, root, text) < 0)
			CHECK(*cf_error_msg());
		if (i % 500 == 0) {
			cf_arena_release(&a);
			root = J(&a, doc);
		}
	}
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_jsonpath__flux_printer_columns),
    T(test_kube_jsonpath__indexes_wildcards_filters),
    T(test_kube_jsonpath__syntax_errors),
    T(test_kube_jsonpath__random_inputs))
