/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "kube/scheme.h"
#include "core/error.h"

#include <pthread.h>
#include <string.h>

static bool has_str(const char *const *v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

TEST(test_kube_scheme__builtin_facts)
{
	cf_scheme *s = cf_scheme_new();
	const cf_resource_def *r;
	const cf_subresource_def *sub;

	r = cf_scheme_by_resource(s, "apps", "v1", "deployments");
	CHECK(r != NULL);
	CHECK_STR(r->kind, "Deployment");
	CHECK_STR(r->list_kind, "DeploymentList");
	CHECK_STR(r->singular, "deployment");
	CHECK(r->namespaced);
	CHECK_INT(r->verbs, CF_VERBS_ALL);
	CHECK(has_str(r->short_names, "deploy"));
	CHECK(has_str(r->categories, "all"));
	CHECK(r->flags & CF_RES_GENERATION);
	sub = cf_resource_subresource(r, "scale");
	CHECK(sub != NULL);
	CHECK_STR(sub->group, "autoscaling");
	CHECK_STR(sub->version, "v1");
	CHECK_STR(sub->kind, "Scale");
	CHECK_INT(sub->verbs, CF_VERB_GET | CF_VERB_PATCH | CF_VERB_UPDATE);
	CHECK(cf_resource_subresource(r, "status") != NULL);
	CHECK(cf_resource_subresource(r, "log") == NULL);

	/* Namespaces: no deletecollection, finalize is update-only, label
	 * names, and no metadata.namespace field selector. */
	r = cf_scheme_by_resource(s, "", "v1", "namespaces");
	CHECK(r && !r->namespaced);
	CHECK(!cf_resource_allows(r, CF_VERB_DELETECOLLECTION));
	CHECK(cf_resource_allows(r, CF_VERB_WATCH));
	CHECK_INT(cf_resource_subresource(r, "finalize")->verbs, CF_VERB_UPDATE);
	CHECK_INT(r->name_rule, CF_NAME_DNS1123_LABEL);
	CHECK(r->flags & CF_RES_NO_NS_FIELD);
	CHECK(cf_resource_field(r, "status.phase") != NULL);

	r = cf_scheme_by_resource(s, "", "v1", "serviceaccounts");
	sub = cf_resource_subresource(r, "token");
	CHECK_STR(sub->kind, "TokenRequest");
	CHECK_STR(sub->group, "authentication.k8s.io");
	CHECK_INT(sub->verbs, CF_VERB_CREATE);
	CHECK(r->flags & CF_RES_DELETE_RETURNS_OBJ);

	/* Pods and storageclasses answer DELETE with the object; configmaps
	 * with a Status. ConfigMaps have no generation. */
	CHECK(cf_scheme_by_resource(s, "", "v1", "pods")->flags &
	    CF_RES_DELETE_RETURNS_OBJ);
	CHECK(cf_scheme_by_resource(s, "storage.k8s.io", "v1",
	    "storageclasses")->flags & CF_RES_DELETE_RETURNS_OBJ);
	r = cf_scheme_by_resource(s, "", "v1", "configmaps");
	CHECK(!(r->flags & (CF_RES_DELETE_RETURNS_OBJ | CF_RES_GENERATION)));

	CHECK_INT(cf_scheme_by_resource(s, "batch", "v1", "jobs")->propagation,
	    CF_PROPAGATE_ORPHAN);
	CHECK_INT(cf_scheme_by_resource(s, "batch", "v1", "cronjobs")->propagation,
	    CF_PROPAGATE_BACKGROUND);
	CHECK_STR(cf_resource_field(cf_scheme_by_resource(s, "batch", "v1",
	    "jobs"), "status.successful")->path, "status.succeeded");
	CHECK_INT(cf_scheme_by_resource(s, "", "v1", "services")->name_rule,
	    CF_NAME_DNS1035_LABEL);
	CHECK_INT(cf_scheme_by_resource(s, "rbac.authorization.k8s.io", "v1",
	    "clusterroles")->name_rule, CF_NAME_PATH_SEGMENT);

	r = cf_scheme_by_resource(s, "authorization.k8s.io", "v1",
	    "selfsubjectaccessreviews");
	CHECK(r && r->verbs == CF_VERB_CREATE && !r->namespaced);
	CHECK(r->flags & CF_RES_NOT_STORED);
	CHECK(cf_scheme_by_resource(s, "authorization.k8s.io", "v1",
	    "localsubjectaccessreviews")->namespaced);
	CHECK(cf_scheme_by_resource(s, "apps", "v2", "deployments") == NULL);
	cf_scheme_free(s);
}

/* Every entry is complete and unique; short names never collide. */
TEST(test_kube_scheme__table_is_consistent)
{
	size_t n;
	const cf_resource_def *b = cf_scheme_builtins(&n);

	CHECK(n >= 35);
	for (size_t i = 0; i < n; i++) {
		CHECK(b[i].group && b[i].version && b[i].kind && b[i].plural &&
		    b[i].singular && b[i].list_kind);
		CHECK(b[i].verbs != 0);
		CHECK(!strncmp(b[i].list_kind, b[i].kind, strlen(b[i].kind)));
		for (size_t k = 0; k < b[i].nsubresources; k++)
			CHECK(b[i].subresources[k].verbs != 0);
		for (size_t j = i + 1; j < n; j++) {
			CHECK(!(!strcmp(b[i].group, b[j].group) &&
			    !strcmp(b[i].plural, b[j].plural)));
			for (size_t k = 0; b[i].short_names && b[i].short_names[k]; k++)
				CHECK(!has_str(b[j].short_names, b[i].short_names[k]) ||
				    !strcmp(b[i].plural, "events"));
		}
	}
	/* The categories "all" members kubectl get all shows. */
	for (size_t i = 0; i < n; i++) {
		bool want = !strcmp(b[i].plural, "pods") ||
		    !strcmp(b[i].plural, "services") ||
		    !strcmp(b[i].plural, "deployments") ||
		    !strcmp(b[i].plural, "replicasets") ||
		    !strcmp(b[i].plural, "statefulsets") ||
		    !strcmp(b[i].plural, "daemonsets") ||
		    !strcmp(b[i].plural, "jobs") || !strcmp(b[i].plural, "cronjobs") ||
		    !strcmp(b[i].plural, "horizontalpodautoscalers");
		CHECK_INT(has_str(b[i].categories, "all"), want);
	}
	CHECK_STR(cf_verb_name(2), "deletecollection");
	CHECK(cf_verb_name(8) == NULL);
	CHECK_INT(cf_verb_parse("watch"), CF_VERB_WATCH);
	CHECK_INT(cf_verb_parse("escalate"), 0);
}

TEST(test_kube_scheme__resolve_names)
{
	cf_scheme *s = cf_scheme_new();
	const cf_resource_def *r;

	CHECK_STR(cf_scheme_resolve(s, "deploy")->plural, "deployments");
	CHECK_STR(cf_scheme_resolve(s, "cm")->kind, "ConfigMap");
	CHECK_STR(cf_scheme_resolve(s, "Deployment")->group, "apps");
	CHECK_STR(cf_scheme_resolve(s, "crds")->kind, "CustomResourceDefinition");
	CHECK_STR(cf_scheme_resolve(s, "sc")->plural, "storageclasses");
	/* core wins for the ambiguous "events"; a group picks the other. */
	CHECK_STR(cf_scheme_resolve(s, "ev")->group, "");
	CHECK_STR(cf_scheme_resolve(s, "events.events.k8s.io")->group,
	    "events.k8s.io");
	r = cf_scheme_resolve(s, "deployments.v1.apps");
	CHECK(r && !strcmp(r->plural, "deployments"));
	CHECK(cf_scheme_resolve(s, "deployments.v2.apps") == NULL);
	CHECK(cf_scheme_resolve(s, "nosuch") == NULL);
	CHECK_STR(cf_scheme_by_kind(s, "coordination.k8s.io", "Lease")->plural,
	    "leases");
	CHECK_STR(cf_scheme_by_gvk(s, "", "v1", "Secret")->plural, "secrets");
	cf_scheme_free(s);
}

static int count_cb(const cf_resource_def *r, void *payload)
{
	(*(size_t *)payload)++;
	return !strcmp(r->plural, "stopper") ? 7 : 0;
}

TEST(test_kube_scheme__crd_entries)
{
	cf_scheme *s = cf_scheme_new();
	const cf_subresource_def subs[] = {
		{ "status", NULL, NULL, NULL, CF_VERBS_SUB },
	};
	const cf_field_label fields[] = { { "spec.url", NULL, NULL } };
	char kind[] = "Kustomization";
	cf_resource_def def = {
		.group = "kustomize.toolkit.fluxcd.io", .version = "v1",
		.kind = kind, .plural = "kustomizations",
		.singular = "kustomization", .namespaced = true,
		.verbs = CF_VERBS_ALL, .short_names = (const char *[]){ "ks", NULL },
		.flags = CF_RES_GENERATION, .subresources = subs,
		.nsubresources = 1, .fields = fields, .nfields = 1,
	};
	const cf_resource_def *r, *old;
	uint64_t g0 = cf_scheme_generation(s);
	size_t n = 0, nb;

	CHECK_INT(cf_scheme_add(s, &def), 0);
	kind[0] = 'X'; /* the scheme holds its own copy */
	CHECK(cf_scheme_generation(s) > g0);
	r = cf_scheme_resolve(s, "ks");
	CHECK(r != NULL);
	CHECK_STR(r->kind, "Kustomization");
	CHECK_STR(r->list_kind, "KustomizationList");
	CHECK(r->flags & CF_RES_CUSTOM);
	CHECK_STR(r->fields[0].path, "spec.url");
	CHECK_STR(r->fields[0].dflt, "");
	CHECK_STR(cf_scheme_resolve(s,
	    "kustomizations.kustomize.toolkit.fluxcd.io")->plural, "kustomizations");

	/* Replacing keeps the old copy readable (borrowed by a request). */
	old = r;
	kind[0] = 'K';
	def.short_names = NULL;
	g0 = cf_scheme_generation(s);
	CHECK_INT(cf_scheme_add(s, &def), 0);
	CHECK(cf_scheme_generation(s) > g0);
	CHECK(cf_scheme_resolve(s, "ks") == NULL);
	CHECK_STR(old->kind, "Kustomization");

	cf_scheme_builtins(&nb);
	CHECK_INT(cf_scheme_each(s, count_cb, &n), 0);
	CHECK_INT(n, nb + 1);

	/* Built-ins are neither shadowed nor removable. */
	def.group = "apps";
	def.plural = "deployments";
	CHECK_INT(cf_scheme_add(s, &def), CF_EEXISTS);
	CHECK_INT(cf_scheme_remove(s, "apps", "v1", "deployments"), CF_EINVALID);
	def.kind = NULL;
	CHECK_INT(cf_scheme_add(s, &def), CF_EINVALID);

	CHECK_INT(cf_scheme_remove(s, "kustomize.toolkit.fluxcd.io", "v1",
	    "kustomizations"), 0);
	CHECK(cf_scheme_by_resource(s, "kustomize.toolkit.fluxcd.io", "v1",
	    "kustomizations") == NULL);
	CHECK_INT(cf_scheme_remove(s, "kustomize.toolkit.fluxcd.io", "v1",
	    "kustomizations"), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "kustomizations") != NULL);
	cf_scheme_free(s);
}

struct churn {
	cf_scheme *s;
	int found;
};

/* Readers keep resolving while a writer adds and removes a CRD entry;
 * every pointer they get must stay readable (retired, not freed). */
static void *reader(void *arg)
{
	struct churn *c = arg;

	for (int i = 0; i < 2000; i++) {
		const cf_resource_def *r = cf_scheme_resolve(c->s, "wd");

		if (r && !strcmp(r->kind, "Widget"))
			c->found++;
		if (!cf_scheme_by_resource(c->s, "", "v1", "pods"))
			c->found = -1000000;
	}
	return NULL;
}

TEST(test_kube_scheme__concurrent_churn)
{
	cf_scheme *s = cf_scheme_new();
	struct churn c = { s, 0 };
	cf_resource_def def = {
		.group = "example.com", .version = "v1", .kind = "Widget",
		.plural = "widgets", .singular = "widget", .namespaced = true,
		.verbs = CF_VERBS_ALL, .short_names = (const char *[]){ "wd", NULL },
	};
	pthread_t th;
	uint64_t g = cf_scheme_generation(s);

	CHECK_INT(pthread_create(&th, NULL, reader, &c), 0);
	for (int i = 0; i < 300; i++) {
		CHECK_INT(cf_scheme_add(s, &def), 0);
		if (i % 2)
			CHECK_INT(cf_scheme_remove(s, "example.com", "v1", "widgets"),
			    0);
	}
	pthread_join(th, NULL);
	CHECK(c.found >= 0);
	CHECK_INT(cf_scheme_generation(s), g + 300 + 150);
	cf_scheme_free(s);
}

TEST_MAIN(T(test_kube_scheme__builtin_facts),
    T(test_kube_scheme__table_is_consistent),
    T(test_kube_scheme__resolve_names), T(test_kube_scheme__crd_entries),
    T(test_kube_scheme__concurrent_churn))
