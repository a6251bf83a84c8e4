/* SPDX-License-Identifier: Apache-2.0 */
/* Condition editing and Ready summarisation (spec/flux-api.md §1.6). */
#include <string.h>

#include "core/json.h"
#include "runtime/conditions.h"
#include "test.h"

static cf_node *obj(cf_arena *a)
{
	const char *t = "{\"metadata\":{\"name\":\"x\",\"generation\":3}}";
	cf_node *n = NULL;

	if (cf_json_parse(&n, a, t, strlen(t), NULL) < 0)
		return NULL;
	return n;
}

static const char *const types[] = { "Stalled", "FetchFailed",
	"ArtifactOutdated", "ArtifactInStorage", "Reconciling" };
static const char *const neg[] = { "Stalled", "FetchFailed",
	"ArtifactOutdated", "Reconciling" };
static const cf_cond_summary sum = { types, 5, neg, 4, "SourceVerified" };

TEST(test_runtime_conditions__set_keeps_transition_time)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *o = obj(&a), *c;

	CHECK(o);
	cf_cond_set(&a, o, "Ready", CF_FALSE, "Failed", "x %d", 1);
	c = cf_cond_get(o, "Ready");
	CHECK(c);
	cf_node_set(&a, c, "lastTransitionTime", cf_node_str(&a, "T0"));
	/* Same status: the transition time stays, the message changes. */
	cf_cond_set(&a, o, "Ready", CF_FALSE, "Failed", "again");
	CHECK_STR(cf_node_getp_str(cf_cond_get(o, "Ready"),
	    "lastTransitionTime", NULL), "T0");
	CHECK_STR(cf_cond_message(o, "Ready"), "again");
	CHECK_INT(cf_node_count(cf_node_getp(o, "status", "conditions",
	    NULL)), 1);
	/* A new status moves it. */
	cf_cond_set(&a, o, "Ready", CF_TRUE, "Succeeded", "ok");
	CHECK(strcmp(cf_node_getp_str(cf_cond_get(o, "Ready"),
	    "lastTransitionTime", NULL), "T0") != 0);
	int64_t g = 0;
	CHECK(cf_node_as_int(cf_node_get(cf_cond_get(o, "Ready"),
	    "observedGeneration"), &g));
	CHECK_INT(g, 3);
	cf_cond_del(o, "Ready");
	CHECK(!cf_cond_get(o, "Ready"));
	cf_arena_release(&a);
}

TEST(test_runtime_conditions__summarize_priorities)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *o = obj(&a);

	/* Nothing to go on: Unknown. */
	CHECK(!cf_cond_summarize(&a, o, &sum));
	CHECK(cf_cond_is(o, "Ready", CF_UNKNOWN));
	/* A stored artifact (normal True) makes Ready True with its words. */
	cf_cond_set(&a, o, "ArtifactInStorage", CF_TRUE, "Succeeded",
	    "stored artifact for revision 'main@sha1:abc'");
	CHECK(cf_cond_summarize(&a, o, &sum));
	CHECK_STR(cf_cond_message(o, "Ready"),
	    "stored artifact for revision 'main@sha1:abc'");
	/* An abnormal True wins over it, inverted into Ready=False; the
	 * first in declaration order decides between two. */
	cf_cond_set(&a, o, "Reconciling", CF_TRUE, "ProgressingWithRetry",
	    "retrying");
	cf_cond_set(&a, o, "FetchFailed", CF_TRUE, "AuthenticationFailed",
	    "bad password");
	CHECK(!cf_cond_summarize(&a, o, &sum));
	CHECK(cf_cond_is(o, "Ready", CF_FALSE));
	CHECK_STR(cf_cond_reason(o, "Ready"), "AuthenticationFailed");
	/* A False bipolar condition overrides. */
	cf_cond_del(o, "FetchFailed");
	cf_cond_del(o, "Reconciling");
	cf_cond_set(&a, o, "SourceVerified", CF_FALSE, "Failed", "bad sig");
	CHECK(!cf_cond_summarize(&a, o, &sum));
	CHECK_STR(cf_cond_reason(o, "Ready"), "Failed");
	CHECK_STR(cf_cond_message(o, "Ready"), "bad sig");
	cf_arena_release(&a);
}

TEST_MAIN(T(test_runtime_conditions__set_keeps_transition_time),
    T(test_runtime_conditions__summarize_priorities))
