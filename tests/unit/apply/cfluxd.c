/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The apply engine against a real cfluxd ($CFLUXD, started with
 * --no-controllers on 127.0.0.1:0 with a temporary data dir, stopped by
 * PID at exit). Nothing runs the workload controllers, so the tests play
 * the kubelet where a status has to change.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/health.h"
#include "client/client.h"
#include "client/kubeconfig.h"
#include "core/error.h"
#include "core/yaml.h"
#include "fixture.h"
#include "test.h"

static fx_proc proc = { -1, 0 };
static cf_client *cl;
static cf_arena cfg_arena = CF_ARENA_INIT;

static void nap(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 },
	    NULL);
}

static void stop_server(void)
{
	cf_client_free(cl);
	fx_stop(&proc);
	cf_arena_release(&cfg_arena);
}

static int connect_server(const char *kc)
{
	cf_rest_config *cfg = NULL;

	for (int i = 0; i < 200 && access(kc, R_OK) != 0; i++)
		nap(50);
	if (cf_kubeconfig_load(&cfg, &cfg_arena, kc, NULL) < 0 ||
	    cf_client_new(&cl, cfg, &(cf_client_opts){
	    .backoff_base_ms = 50, .backoff_max_ms = 500 }) < 0)
		return -1;
	for (int i = 0; i < 100; i++) {
		cf_arena a = CF_ARENA_INIT;
		int err = cf_client_do(NULL, &a, cl, "GET", "/readyz", NULL,
		    NULL, 0, 0);

		cf_arena_release(&a);
		if (err == 0)
			return 0;
		nap(100);
	}
	return -1;
}

/* cfluxd, started once per binary. */
static cf_client *server(void)
{
	const char *exe = getenv("CFLUXD");
	char data[600], kc[700];

	if (cl || !exe)
		return cl;
	snprintf(data, sizeof(data), "%s/data", cf_test_tmpdir());
	snprintf(kc, sizeof(kc), "%s/kubeconfig", data);
	char *argv[] = { (char *)exe, "--data-dir", data, "--listen",
	    "127.0.0.1:0", "--no-controllers", "--log-level", "error", NULL };
	if (fx_start(&proc, argv, 0) < 0)
		return NULL;
	atexit(stop_server);
	if (connect_server(kc) < 0) {
		fprintf(stderr, "cfluxd: %s\n", cf_error_msg());
		cf_client_free(cl);
		cl = NULL;
	}
	return cl;
}

/* A multi-document YAML set. */
struct set {
	cf_node **objs;
	size_t n;
};

static struct set yaml(cf_arena *a, const char *text)
{
	struct set s = { 0 };

	size_t n = 0;

	if (cf_yaml_parse(&s.objs, &s.n, a, text, strlen(text), NULL) < 0) {
		fprintf(stderr, "yaml: %s\n", cf_error_msg());
		abort();
	}
	/* A trailing "---" makes an empty document: not an object. */
	for (size_t i = 0; i < s.n; i++)
		if (cf_node_is(s.objs[i], CF_NODE_MAP))
			s.objs[n++] = s.objs[i];
	s.n = n;
	return s;
}

static int apply(cf_change_set *cs, cf_arena *a, const char *text,
    const cf_apply_opts *o)
{
	struct set s = yaml(a, text);

	int err;

	*cs = (cf_change_set)CF_CHANGE_SET_INIT;
	err = cf_apply_set(cs, a, server(), s.objs, s.n, o);
	if (err < 0)
		fprintf(stderr, "    apply: %s\n", cf_error_msg());
	return err;
}

/* The change set as text, for one CHECK_STR. */
static const char *changes(cf_arena *a, const cf_change_set *cs)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	cf_change_set_format(&b, cs, false);
	s = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return s;
}

/* A string field of a live object (path of keys, NULL-terminated), or
 * NULL when the object or the field is absent. */
static const char *get_str(cf_arena *a, const char *av, const char *kind,
    const char *ns, const char *name, ...)
{
	cf_node *obj = NULL;
	const char *key;
	va_list ap;

	if (cf_client_get(&obj, a, server(), av, kind, ns, name) < 0)
		return NULL;
	va_start(ap, name);
	while (obj && (key = va_arg(ap, const char *)) != NULL)
		obj = cf_node_get(obj, key);
	va_end(ap);
	return cf_node_as_str(obj);
}

#define APP_SET \
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n" \
	"  namespace: app1\ndata:\n  k: %s\n---\n" \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" \
	"  namespace: app1\nspec:\n  selector:\n    matchLabels: {app: web}\n" \
	"  template:\n    metadata:\n      labels: {app: web}\n" \
	"    spec:\n      containers:\n      - name: c\n        image: nginx\n" \
	"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: app1\n"

TEST(test_apply_cfluxd__twice_then_one_change)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_apply_opts o = { .owner_name = "apps", .owner_namespace = "flux" };
	char text[2048];

	CHECK(server());
	snprintf(text, sizeof(text), APP_SET, "one");
	CHECK_INT(apply(&cs, &a, text, &o), 0);
	/* Namespaces go first, whatever the order of the input. */
	CHECK_STR(changes(&a, &cs), "Namespace/app1 created\n"
	    "ConfigMap/app1/cm created\nDeployment/app1/web created\n");
	CHECK_STR(get_str(&a, "v1", "ConfigMap", "app1", "cm", "metadata",
	    "labels", "kustomize.toolkit.fluxcd.io/name", NULL), "apps");

	CHECK_INT(apply(&cs, &a, text, &o), 0);
	CHECK_STR(changes(&a, &cs), "Namespace/app1 unchanged\n"
	    "ConfigMap/app1/cm unchanged\nDeployment/app1/web unchanged\n");

	snprintf(text, sizeof(text), APP_SET, "two");
	CHECK_INT(apply(&cs, &a, text, &o), 0);
	CHECK_STR(changes(&a, &cs), "Namespace/app1 unchanged\n"
	    "ConfigMap/app1/cm configured\nDeployment/app1/web unchanged\n");
	CHECK_STR(get_str(&a, "v1", "ConfigMap", "app1", "cm", "data", "k",
	    NULL), "two");
	cf_arena_release(&a);
}

#define ORDER_SET \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, " \
	"namespace: ord}\nspec:\n  selector: {matchLabels: {app: d}}\n" \
	"  template:\n    metadata: {labels: {app: d}}\n" \
	"    spec: {containers: [{name: c, image: x}]}\n---\n" \
	"apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ord}\n" \
	"spec: {ports: [{port: 80}]}\n---\n" \
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n" \
	"metadata: {name: r, namespace: ord}\nrules: []\n---\n" \
	"apiVersion: v1\nkind: ServiceAccount\n" \
	"metadata: {name: sa, namespace: ord}\n---\n" \
	"apiVersion: storage.k8s.io/v1\nkind: StorageClass\n" \
	"metadata: {name: fast}\nprovisioner: example.com/fast\n---\n" \
	"apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\n" \
	"metadata: {name: high}\nvalue: 1000\n---\n" \
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n" \
	"metadata: {name: crb}\nroleRef: {apiGroup: " \
	"rbac.authorization.k8s.io, kind: ClusterRole, name: cr}\n" \
	"subjects: [{kind: ServiceAccount, name: sa, namespace: ord}]\n---\n" \
	"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n" \
	"metadata: {name: cr}\nrules: []\n---\n" \
	"apiVersion: v1\nkind: Secret\nmetadata: {name: b, namespace: ord}\n" \
	"---\napiVersion: v1\nkind: ConfigMap\n" \
	"metadata: {name: a, namespace: ord}\n---\n" \
	"apiVersion: v1\nkind: Namespace\nmetadata: {name: ord}\n"

TEST(test_apply_cfluxd__stage_and_kind_order)
{
	static const char *const stage_kinds[] = {
	    "rbac.authorization.k8s.io/Role", NULL };
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;

	CHECK(server());
	CHECK_INT(apply(&cs, &a, ORDER_SET, &(cf_apply_opts){
	    .stage_kinds = stage_kinds, .wait_interval_ms = 100 }), 0);
	/* Definitions, classes, the custom stage, then the rest; within a
	 * stage Flux's kind order. */
	CHECK_STR(changes(&a, &cs), "Namespace/ord created\n"
	    "ClusterRole/cr created\nClusterRoleBinding/crb created\n"
	    "PriorityClass/high created\nStorageClass/fast created\n"
	    "Role/ord/r created\nServiceAccount/ord/sa created\n"
	    "ConfigMap/ord/a created\nSecret/ord/b created\n"
	    "Service/ord/s created\nDeployment/ord/d created\n");
	CHECK_INT(apply(&cs, &a, ORDER_SET, &(cf_apply_opts){
	    .stage_kinds = stage_kinds }), 0);
	for (size_t i = 0; i < cs.len; i++)
		CHECK_STR(cf_apply_action_name(cs.v[i].action), "unchanged");
	cf_arena_release(&a);
}

/* Many objects dry-run in parallel: the change set and the report keep
 * apply order whatever order the answers come back in. */
TEST(test_apply_cfluxd__parallel_dry_runs_keep_order)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf text = CF_BUF_INIT, want = CF_BUF_INIT;
	cf_change_set cs;
	const char *msg;

	CHECK(server());
	for (int i = 0; i < 40; i++) {
		cf_buf_addf(&text, "apiVersion: v1\nkind: ConfigMap\nmetadata:"
		    "\n  name: par%02d\n  namespace: default\n%s---\n", i,
		    i % 10 == 3 ? "  labels: {bad: \"no good\"}\n" : "");
		cf_buf_addf(&want, "ConfigMap/default/par%02d created\n", i);
	}
	CHECK_INT(apply(&cs, &a, text.buf, &(cf_apply_opts){
	    .concurrency = 8 }), CF_EINVALID);
	msg = cf_error_msg();
	CHECK(strstr(msg, "ConfigMap/default/par03 dry-run failed"));
	/* One error message holds two of these; it counts the rest. */
	CHECK(strstr(msg, "par13"));
	CHECK(strstr(msg, "par03") < strstr(msg, "par13"));
	CHECK(strstr(msg, "(and 2 more)"));

	cf_buf_reset(&text);
	for (int i = 0; i < 40; i++)
		cf_buf_addf(&text, "apiVersion: v1\nkind: ConfigMap\nmetadata:"
		    "\n  name: par%02d\n  namespace: default\n---\n", i);
	CHECK_INT(apply(&cs, &a, text.buf, &(cf_apply_opts){
	    .concurrency = 8 }), 0);
	CHECK_STR(changes(&a, &cs), want.buf);
	CHECK_INT(apply(&cs, &a, text.buf, &(cf_apply_opts){
	    .concurrency = 8 }), 0);
	for (size_t i = 0; i < cs.len; i++)
		CHECK_STR(cf_apply_action_name(cs.v[i].action), "unchanged");
	cf_buf_release(&text);
	cf_buf_release(&want);
	cf_arena_release(&a);
}

/* The definitions stage must be Current before anything else is
 * applied: a Namespace kept terminating by a finalizer holds the rest
 * back until the stage times out. */
TEST(test_apply_cfluxd__definitions_stage_times_out)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	const char *set = "apiVersion: v1\nkind: Namespace\n"
	    "metadata: {name: doomed, finalizers: [example.com/hold]}\n---\n"
	    "apiVersion: v1\nkind: ConfigMap\n"
	    "metadata: {name: later, namespace: default}\n";
	const char *release = "{\"metadata\":{\"finalizers\":null}}";

	CHECK(server());
	CHECK_INT(apply(&cs, &a, set, NULL), 0);
	CHECK_INT(cf_client_delete(NULL, &a, server(), "v1", "Namespace", NULL,
	    "doomed", NULL), 0);
	CHECK(get_str(&a, "v1", "Namespace", NULL, "doomed", "metadata",
	    "deletionTimestamp", NULL));
	CHECK_INT(cf_client_delete(NULL, &a, server(), "v1", "ConfigMap",
	    "default", "later", NULL), 0);
	CHECK_INT(apply(&cs, &a, set, &(cf_apply_opts){
	    .wait_interval_ms = 100, .wait_timeout_ms = 500 }), CF_ETIMEOUT);
	CHECK_STR(cf_error_msg(), "timeout waiting for: "
	    "[Namespace/doomed status: 'Terminating']");
	CHECK_STR(changes(&a, &cs), "Namespace/doomed unchanged\n");
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "later", "metadata",
	    "name", NULL));
	CHECK_INT(cf_client_patch(NULL, &a, server(), "v1", "Namespace", NULL,
	    "doomed", CF_PATCH_MERGE, release, strlen(release), NULL), 0);
	cf_arena_release(&a);
}

#define CRD_SET \
	"apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n" \
	"  namespace: default\nspec:\n  size: 3\n---\n" \
	"apiVersion: apiextensions.k8s.io/v1\n" \
	"kind: CustomResourceDefinition\n" \
	"metadata:\n  name: widgets.example.com\nspec:\n" \
	"  group: example.com\n  scope: Namespaced\n" \
	"  names: {plural: widgets, singular: widget, kind: Widget, " \
	"listKind: WidgetList}\n" \
	"  versions:\n  - name: v1\n    served: true\n    storage: true\n" \
	"    schema:\n      openAPIV3Schema:\n        type: object\n" \
	"        properties:\n          spec:\n            type: object\n" \
	"            properties:\n              size: {type: integer}\n"

TEST(test_apply_cfluxd__crd_and_its_resource)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_apply_opts o = { .wait_interval_ms = 200,
	    .wait_timeout_ms = 20000 };

	CHECK(server());
	CHECK_INT(apply(&cs, &a, CRD_SET, &o), 0);
	CHECK_STR(changes(&a, &cs),
	    "CustomResourceDefinition/widgets.example.com created\n"
	    "Widget/default/w1 created\n");
	CHECK_INT(apply(&cs, &a, CRD_SET, &o), 0);
	CHECK_STR(changes(&a, &cs),
	    "CustomResourceDefinition/widgets.example.com unchanged\n"
	    "Widget/default/w1 unchanged\n");
	cf_arena_release(&a);
}

TEST(test_apply_cfluxd__dry_run_failure_applies_nothing)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	const char *msg;
	int err;

	CHECK(server());
	/* Runs after the CRD test: widgets are served. */
	err = apply(&cs, &a,
	    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n"
	    "  namespace: default\ndata: {k: v}\n---\n"
	    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n"
	    "  name: bad\n  namespace: default\nspec:\n  size: lots\n---\n"
	    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: worse\n"
	    "  namespace: default\n  labels: {app: not valid!}\n"
	    "stringData: {k: v}\n", NULL);
	CHECK_INT(err, CF_EINVALID);
	msg = cf_error_msg();
	CHECK(strstr(msg, "Widget/default/bad dry-run failed (Invalid)"));
	CHECK(strstr(msg, "spec.size"));
	CHECK(strstr(msg, "Secret/default/worse dry-run failed (Invalid)"));
	CHECK(strstr(msg, "metadata.labels"));
	CHECK(!strstr(msg, "ConfigMap"));
	CHECK_INT(cs.len, 0);
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "fine", "metadata",
	    "name", NULL));

	/* Objects the server cannot place are listed with the rest. */
	err = apply(&cs, &a,
	    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n"
	    "data: {k: v}\n---\n"
	    "apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n"
	    "  name: g\n  namespace: default\n---\n"
	    "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n"
	    "  name: bad\n  namespace: default\nspec:\n  size: lots\n---\n"
	    "apiVersion: v1\nkind: Secret\nmetadata: {name: two, "
	    "namespace: default}\n---\n"
	    "apiVersion: v1\nkind: Secret\nmetadata: {name: two, "
	    "namespace: default}\n", NULL);
	CHECK_INT(err, CF_EINVALID);
	msg = cf_error_msg();
	CHECK(strstr(msg, "ConfigMap/fine namespace not specified"));
	CHECK(strstr(msg, "Gadget/default/g dry-run failed: no matches for "
	    "kind \"Gadget\""));
	CHECK(strstr(msg, "Widget/default/bad dry-run failed (Invalid)"));
	CHECK(strstr(msg, "Secret/default/two is in the set more than once"));
	CHECK_INT(cs.len, 0);
	cf_arena_release(&a);
}

#define IMM_SET \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: imm\n" \
	"  namespace: default\n%s" \
	"spec:\n  selector:\n    matchLabels: {app: %s}\n" \
	"  template:\n    metadata:\n      labels: {app: %s}\n" \
	"    spec:\n      containers:\n      - name: c\n        image: x\n"

static int apply_imm(cf_change_set *cs, cf_arena *a, const char *app,
    const char *meta, bool force)
{
	char text[1024];

	snprintf(text, sizeof(text), IMM_SET, meta, app, app);
	return apply(cs, a, text, &(cf_apply_opts){ .force = force,
	    .wait_timeout_ms = 10000 });
}

TEST(test_apply_cfluxd__immutable_field_needs_force)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	const char *uid;

	CHECK(server());
	CHECK_INT(apply_imm(&cs, &a, "a", "", false), 0);
	uid = get_str(&a, "apps/v1", "Deployment", "default", "imm",
	    "metadata", "uid", NULL);
	CHECK(uid);
	CHECK_INT(apply_imm(&cs, &a, "b", "", false), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "Deployment/default/imm dry-run failed"));
	CHECK(strstr(cf_error_msg(), "immutable"));
	CHECK_STR(get_str(&a, "apps/v1", "Deployment", "default", "imm",
	    "metadata", "uid", NULL), uid);

	/* Forced globally: deleted and created again. */
	CHECK_INT(apply_imm(&cs, &a, "b", "", true), 0);
	CHECK_STR(changes(&a, &cs), "Deployment/default/imm created\n");
	CHECK(strcmp(get_str(&a, "apps/v1", "Deployment", "default", "imm",
	    "metadata", "uid", NULL), uid));

	/* Forced by the object's own annotation. */
	CHECK_INT(apply_imm(&cs, &a, "c", "  annotations:\n    "
	    "kustomize.toolkit.fluxcd.io/force: enabled\n", false), 0);
	CHECK_STR(changes(&a, &cs), "Deployment/default/imm created\n");
	CHECK_STR(get_str(&a, "apps/v1", "Deployment", "default", "imm",
	    "spec", "selector", "matchLabels", "app", NULL), "c");
	cf_arena_release(&a);
}

#define CM(name, extra) \
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " name "\n" \
	"  namespace: prune1\n" extra "data: {k: v}\n---\n"
#define PRUNE_NS "apiVersion: v1\nkind: Namespace\nmetadata:\n" \
	"  name: prune1\n---\n"

static int inventory_of(cf_inventory *inv, cf_arena *a, const char *text,
    const cf_apply_opts *o)
{
	cf_change_set cs;
	int err = apply(&cs, a, text, o);

	cf_change_set_inventory(inv, a, &cs);
	return err;
}

TEST(test_apply_cfluxd__prune)
{
	cf_arena a = CF_ARENA_INIT;
	cf_apply_opts mine = { .owner_name = "p", .owner_namespace = "flux" };
	cf_apply_opts theirs = { .owner_name = "q", .owner_namespace = "flux" };
	cf_inventory old = CF_INVENTORY_INIT, now = CF_INVENTORY_INIT;
	cf_inventory stale = CF_INVENTORY_INIT, failed = CF_INVENTORY_INIT;
	cf_change_set cs = CF_CHANGE_SET_INIT;

	CHECK(server());
	CHECK_INT(inventory_of(&old, &a, PRUNE_NS CM("keep", "") CM("gone", "")
	    CM("held", "  annotations:\n    kustomize.toolkit.fluxcd.io/"
	    "prune: disabled\n") CM("taken", ""), &mine), 0);
	CHECK_INT(old.len, 5);
	/* Another Kustomization takes "taken" over. */
	CHECK_INT(inventory_of(&stale, &a, CM("taken", ""), &theirs), 0);
	stale.len = 0;
	/* The next revision keeps only "keep", without its Namespace. */
	CHECK_INT(inventory_of(&now, &a, CM("keep", ""), &mine), 0);
	cf_inv_diff(&stale, &a, &old, &now);
	CHECK_INT(stale.len, 4);
	CHECK_INT(cf_apply_prune(&cs, &failed, &a, server(), &stale,
	    &(cf_prune_opts){ .owner_name = "p", .owner_namespace = "flux",
	    .keep = &now }), 0);
	CHECK_STR(changes(&a, &cs), "ConfigMap/prune1/gone deleted\n"
	    "ConfigMap/prune1/held skipped\nConfigMap/prune1/taken skipped\n"
	    "Namespace/prune1 skipped\n");
	CHECK_INT(failed.len, 0);
	CHECK(!get_str(&a, "v1", "ConfigMap", "prune1", "gone", "metadata",
	    "name", NULL));
	CHECK(get_str(&a, "v1", "ConfigMap", "prune1", "held", "metadata",
	    "name", NULL));
	CHECK(get_str(&a, "v1", "Namespace", NULL, "prune1", "metadata",
	    "name", NULL));

	/* Pruning again: the deleted object is simply gone. */
	cs.len = 0;
	CHECK_INT(cf_apply_prune(&cs, NULL, &a, server(), &stale,
	    &(cf_prune_opts){ .owner_name = "p", .owner_namespace = "flux",
	    .keep = &now }), 0);
	CHECK_INT(cs.len, 3);
	cf_arena_release(&a);
}

TEST(test_apply_cfluxd__ssa_annotations)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	const char *once = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n"
	    "  name: once\n  namespace: default\n  annotations:\n"
	    "    kustomize.toolkit.fluxcd.io/ssa: IfNotPresent\n"
	    "data: {k: %s}\n---\n"
	    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ignored\n"
	    "  namespace: default\n  annotations:\n"
	    "    kustomize.toolkit.fluxcd.io/ssa: ignore\ndata: {k: v}\n";
	char text[512];

	CHECK(server());
	snprintf(text, sizeof(text), once, "first");
	CHECK_INT(apply(&cs, &a, text, NULL), 0);
	CHECK_STR(changes(&a, &cs), "ConfigMap/default/ignored skipped\n"
	    "ConfigMap/default/once created\n");
	snprintf(text, sizeof(text), once, "second");
	CHECK_INT(apply(&cs, &a, text, NULL), 0);
	CHECK_STR(changes(&a, &cs), "ConfigMap/default/ignored skipped\n"
	    "ConfigMap/default/once skipped\n");
	CHECK_STR(get_str(&a, "v1", "ConfigMap", "default", "once", "data",
	    "k", NULL), "first");
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "ignored", "data",
	    "k", NULL));
	cf_arena_release(&a);
}

/* What `kubectl edit` does: an Update by manager "kubectl-edit". */
static int kubectl_edit(cf_arena *a, const char *name)
{
	const char *patch = "{\"metadata\":{\"labels\":{\"extra\":\"x\"},"
	    "\"annotations\":{\"kubectl.kubernetes.io/last-applied-"
	    "configuration\":\"{}\"}},\"data\":{\"added\":\"y\"}}";

	return cf_client_patch(NULL, a, server(), "v1", "ConfigMap", "default",
	    name, CF_PATCH_MERGE, patch, strlen(patch),
	    &(cf_write_opts){ .field_manager = "kubectl-edit" });
}

#define HAND_SET \
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hand\n" \
	"  namespace: default\ndata: {k: v}\n---\n" \
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\n" \
	"  namespace: default\n  annotations:\n" \
	"    kustomize.toolkit.fluxcd.io/ssa: Merge\ndata: {k: v}\n"

TEST(test_apply_cfluxd__edits_by_hand_are_undone)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;

	CHECK(server());
	CHECK_INT(apply(&cs, &a, HAND_SET, NULL), 0);
	CHECK_INT(kubectl_edit(&a, "hand"), 0);
	CHECK_INT(kubectl_edit(&a, "merged"), 0);
	CHECK_INT(apply(&cs, &a, HAND_SET, NULL), 0);
	CHECK_STR(changes(&a, &cs), "ConfigMap/default/hand configured\n"
	    "ConfigMap/default/merged unchanged\n");
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "hand", "data",
	    "added", NULL));
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "hand", "metadata",
	    "labels", "extra", NULL));
	CHECK(!get_str(&a, "v1", "ConfigMap", "default", "hand", "metadata",
	    "annotations", "kubectl.kubernetes.io/last-applied-configuration",
	    NULL));
	CHECK_STR(get_str(&a, "v1", "ConfigMap", "default", "merged", "data",
	    "added", NULL), "y");
	/* Nothing left to clean up: the next run writes nothing. */
	CHECK_INT(apply(&cs, &a, HAND_SET, NULL), 0);
	CHECK_STR(changes(&a, &cs), "ConfigMap/default/hand unchanged\n"
	    "ConfigMap/default/merged unchanged\n");
	cf_arena_release(&a);
}

/* ---- health waits ---- */

#define DEPLOY(name) \
	"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " name \
	"\n  namespace: default\nspec:\n  selector:\n    matchLabels: " \
	"{app: " name "}\n  template:\n    metadata:\n      labels: " \
	"{app: " name "}\n    spec:\n      containers:\n      - name: c\n" \
	"        image: x\n"

struct kubelet {
	const char *name;
	long delay_ms;
	int err;
};

/* Roll the Deployment out: the status its controller would write. */
static void *play_kubelet(void *p)
{
	struct kubelet *k = p;
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj = NULL;
	char patch[1024];
	int64_t gen = 1;

	nap(k->delay_ms);
	k->err = cf_client_get(&obj, &a, cl, "apps/v1", "Deployment",
	    "default", k->name);
	cf_node_as_int(cf_node_getp(obj, "metadata", "generation", NULL),
	    &gen);
	snprintf(patch, sizeof(patch), "{\"status\":{\"observedGeneration\":"
	    "%lld,\"replicas\":1,\"updatedReplicas\":1,\"readyReplicas\":1,"
	    "\"availableReplicas\":1,\"conditions\":[{\"type\":\"Available\","
	    "\"status\":\"True\",\"reason\":\"MinimumReplicasAvailable\"},"
	    "{\"type\":\"Progressing\",\"status\":\"True\",\"reason\":"
	    "\"NewReplicaSetAvailable\"}]}}", (long long)gen);
	if (k->err == 0)
		k->err = cf_client_patch(NULL, &a, cl, "apps/v1", "Deployment",
		    "default", k->name, CF_PATCH_MERGE, patch, strlen(patch),
		    &(cf_write_opts){ .subresource = "status" });
	cf_arena_release(&a);
	return NULL;
}

static void one(cf_inventory *inv, cf_arena *a, const char *id)
{
	cf_inv_entry e;

	*inv = (cf_inventory)CF_INVENTORY_INIT;
	if (cf_inv_id_parse(&e, a, id) == 0) {
		e.version = "v1";
		cf_inv_add(inv, a, &e);
	}
}

TEST(test_apply_cfluxd__wait_for_rollout)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_inventory inv;
	cf_health_wait_result res;
	struct kubelet k = { "roll", 700, -1 };
	pthread_t t;

	CHECK(server());
	CHECK_INT(apply(&cs, &a, DEPLOY("roll"), NULL), 0);
	one(&inv, &a, "default_roll_apps_Deployment");
	pthread_create(&t, NULL, play_kubelet, &k);
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 20000 }), 0);
	pthread_join(t, NULL);
	CHECK_INT(k.err, 0);
	CHECK_INT(res.outcome, CF_HEALTH_WAIT_READY);
	CHECK_INT(res.current, 1);
	CHECK(res.elapsed_ms >= 600);
	cf_arena_release(&a);
}

TEST(test_apply_cfluxd__wait_timeout)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_inventory inv;
	cf_health_wait_result res;

	CHECK(server());
	CHECK_INT(apply(&cs, &a, DEPLOY("slow"), NULL), 0);
	one(&inv, &a, "default_slow_apps_Deployment");
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 800 }), CF_ETIMEOUT);
	CHECK_INT(res.outcome, CF_HEALTH_WAIT_TIMEOUT);
	CHECK_STR(cf_error_msg(), "timeout waiting for: "
	    "[Deployment/default/slow status: 'InProgress']");
	CHECK(res.elapsed_ms >= 800 && res.elapsed_ms < 5000);

	/* A missing object is waited for, not an error. */
	one(&inv, &a, "default_nothere_apps_Deployment");
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 300 }), CF_ETIMEOUT);
	CHECK(strstr(cf_error_msg(), "status: 'NotFound'"));
	cf_arena_release(&a);
}

static void *cancel_later(void *p)
{
	nap(300);
	atomic_store((atomic_bool *)p, true);
	return NULL;
}

TEST(test_apply_cfluxd__wait_canceled)
{
	cf_arena a = CF_ARENA_INIT;
	cf_inventory inv;
	cf_health_wait_result res;
	atomic_bool cancel = false;
	pthread_t t;

	CHECK(server());
	one(&inv, &a, "default_slow_apps_Deployment");
	pthread_create(&t, NULL, cancel_later, &cancel);
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 5000, .timeout_ms = 60000, .cancel = &cancel }),
	    CF_ETIMEOUT);
	pthread_join(t, NULL);
	CHECK_INT(res.outcome, CF_HEALTH_WAIT_CANCELED);
	CHECK(res.elapsed_ms < 3000);
	cf_arena_release(&a);
}

TEST(test_apply_cfluxd__wait_fails_fast)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_inventory inv;
	cf_health_wait_result res;
	const char *patch = "{\"status\":{\"conditions\":[{\"type\":"
	    "\"Progressing\",\"status\":\"False\",\"reason\":"
	    "\"ProgressDeadlineExceeded\"}]}}";

	CHECK(server());
	CHECK_INT(apply(&cs, &a, DEPLOY("stuck"), NULL), 0);
	CHECK_INT(cf_client_patch(NULL, &a, server(), "apps/v1", "Deployment",
	    "default", "stuck", CF_PATCH_MERGE, patch, strlen(patch),
	    &(cf_write_opts){ .subresource = "status" }), 0);
	one(&inv, &a, "default_stuck_apps_Deployment");
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 20000 }), CF_ERROR);
	CHECK_INT(res.outcome, CF_HEALTH_WAIT_FAILED);
	CHECK(strstr(cf_error_msg(), "Deployment/default/stuck status: "
	    "'Failed': Progress deadline exceeded"));
	cf_arena_release(&a);
}


static void *release_finalizer(void *p)
{
	cf_arena a = CF_ARENA_INIT;
	const char *patch = "{\"metadata\":{\"finalizers\":null}}";

	nap(300);
	*(int *)p = cf_client_patch(NULL, &a, cl, "v1", "ConfigMap",
	    "default", "final", CF_PATCH_MERGE, patch, strlen(patch), NULL);
	cf_arena_release(&a);
	return NULL;
}

TEST(test_apply_cfluxd__wait_for_termination)
{
	cf_arena a = CF_ARENA_INIT;
	cf_change_set cs;
	cf_inventory inv;
	cf_health_wait_result res;
	int err = -1;
	pthread_t t;

	CHECK(server());
	CHECK_INT(apply(&cs, &a, "apiVersion: v1\nkind: ConfigMap\n"
	    "metadata:\n  name: final\n  namespace: default\n"
	    "  finalizers: [example.com/hold]\n", NULL), 0);
	CHECK_INT(cf_client_delete(NULL, &a, server(), "v1", "ConfigMap",
	    "default", "final", NULL), 0);
	one(&inv, &a, "default_final__ConfigMap");
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 300, .until_deleted = true }),
	    CF_ETIMEOUT);
	CHECK_STR(cf_error_msg(), "timeout waiting for termination: "
	    "[ConfigMap/default/final status: 'Terminating']");
	pthread_create(&t, NULL, release_finalizer, &err);
	CHECK_INT(cf_health_wait(&res, server(), &inv, &(cf_health_wait_opts){
	    .interval_ms = 100, .timeout_ms = 20000, .until_deleted = true }),
	    0);
	pthread_join(t, NULL);
	CHECK_INT(err, 0);
	CHECK_INT(res.outcome, CF_HEALTH_WAIT_READY);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_apply_cfluxd__twice_then_one_change),
    T(test_apply_cfluxd__stage_and_kind_order),
    T(test_apply_cfluxd__parallel_dry_runs_keep_order),
    T(test_apply_cfluxd__definitions_stage_times_out),
    T(test_apply_cfluxd__crd_and_its_resource),
    T(test_apply_cfluxd__dry_run_failure_applies_nothing),
    T(test_apply_cfluxd__immutable_field_needs_force),
    T(test_apply_cfluxd__prune),
    T(test_apply_cfluxd__ssa_annotations),
    T(test_apply_cfluxd__edits_by_hand_are_undone),
    T(test_apply_cfluxd__wait_for_rollout),
    T(test_apply_cfluxd__wait_timeout),
    T(test_apply_cfluxd__wait_canceled),
    T(test_apply_cfluxd__wait_fails_fast),
    T(test_apply_cfluxd__wait_for_termination))
