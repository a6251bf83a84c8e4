/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux install | uninstall: the manifests that run cflux's controllers
 * on a real cluster, and their removal.
 *
 * What is installed (all labelled app.kubernetes.io/part-of=flux, so
 * check, version and uninstall find them, as flux's components are):
 *   - the Namespace (-n, default flux-system);
 *   - the Flux CRDs, the same definitions cfluxd serves (the YAML under api/,
 *     compiled in by tools/embed.py);
 *   - ServiceAccount cflux-controllers, ClusterRole crd-controller-<ns>
 *     (Flux kinds, Events, Secrets and ConfigMaps read) and
 *     ClusterRoleBinding cluster-reconciler-<ns> to cluster-admin (as
 *     flux binds kustomize- and helm-controller: they apply anything);
 *   - Deployment cflux-controllers: one replica, strategy Recreate, image
 *     ghcr.io/cflux/cflux-controllers:v<version>, running
 *       cfluxd --no-apiserver --watch-all-namespaces --log-level=info
 *              --log-encoding=json --enable-leader-election
 *              --storage-path=/data
 *     i.e. every controller in one process against the cluster's own API
 *     server (in-cluster config), artifacts under an emptyDir at /data,
 *     health on :9440 (/healthz, /readyz) and metrics on :8080, with
 *     flux's pod hardening (non-root, read-only root, no capabilities).
 *
 * install applies these with server-side apply (field manager "cflux",
 * forced, as flux install does) and waits for the Deployment. uninstall
 * deletes the Flux objects first and waits for their finalizers (the
 * controllers are still running then), stripping what is left at the
 * deadline, then the components, the CRDs and the namespace.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

extern const char cf_flux_crds[];
extern const size_t cf_flux_crds_len;

#define IMAGE "ghcr.io/cflux/cflux-controllers:v" CF_VERSION
#define NAME "cflux-controllers"

/* The components, with @NS@ for the namespace. */
static const char components_yaml[] =
"apiVersion: v1\n"
"kind: ServiceAccount\n"
"metadata:\n"
"  name: " NAME "\n"
"  namespace: @NS@\n"
"  labels: {app.kubernetes.io/part-of: flux, app.kubernetes.io/instance: @NS@,"
" app.kubernetes.io/component: " NAME "}\n"
"---\n"
"apiVersion: rbac.authorization.k8s.io/v1\n"
"kind: ClusterRole\n"
"metadata:\n"
"  name: crd-controller-@NS@\n"
"  labels: {app.kubernetes.io/part-of: flux, app.kubernetes.io/instance: @NS@}\n"
"rules:\n"
"- apiGroups: [source.toolkit.fluxcd.io, kustomize.toolkit.fluxcd.io,"
" helm.toolkit.fluxcd.io, notification.toolkit.fluxcd.io,"
" image.toolkit.fluxcd.io]\n"
"  resources: ['*']\n"
"  verbs: ['*']\n"
"- apiGroups: ['']\n"
"  resources: [namespaces, secrets, configmaps, serviceaccounts]\n"
"  verbs: [get, list, watch]\n"
"- apiGroups: ['']\n"
"  resources: [events]\n"
"  verbs: [create, patch]\n"
"- apiGroups: [coordination.k8s.io]\n"
"  resources: [leases]\n"
"  verbs: [get, list, watch, create, update, patch, delete]\n"
"---\n"
"apiVersion: rbac.authorization.k8s.io/v1\n"
"kind: ClusterRoleBinding\n"
"metadata:\n"
"  name: crd-controller-@NS@\n"
"  labels: {app.kubernetes.io/part-of: flux, app.kubernetes.io/instance: @NS@}\n"
"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole,"
" name: crd-controller-@NS@}\n"
"subjects:\n"
"- {kind: ServiceAccount, name: " NAME ", namespace: @NS@}\n"
"---\n"
"apiVersion: rbac.authorization.k8s.io/v1\n"
"kind: ClusterRoleBinding\n"
"metadata:\n"
"  name: cluster-reconciler-@NS@\n"
"  labels: {app.kubernetes.io/part-of: flux, app.kubernetes.io/instance: @NS@}\n"
"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole,"
" name: cluster-admin}\n"
"subjects:\n"
"- {kind: ServiceAccount, name: " NAME ", namespace: @NS@}\n"
"---\n"
"apiVersion: apps/v1\n"
"kind: Deployment\n"
"metadata:\n"
"  name: " NAME "\n"
"  namespace: @NS@\n"
"  labels: {app.kubernetes.io/part-of: flux, app.kubernetes.io/instance: @NS@,"
" app.kubernetes.io/component: " NAME ", app.kubernetes.io/version: v" CF_VERSION
"}\n"
"spec:\n"
"  replicas: 1\n"
"  strategy: {type: Recreate}\n"
"  selector:\n"
"    matchLabels: {app: " NAME "}\n"
"  template:\n"
"    metadata:\n"
"      labels: {app: " NAME "}\n"
"      annotations: {prometheus.io/scrape: 'true', prometheus.io/port: '8080'}\n"
"    spec:\n"
"      serviceAccountName: " NAME "\n"
"      terminationGracePeriodSeconds: 60\n"
"      priorityClassName: system-cluster-critical\n"
"      securityContext: {fsGroup: 1337}\n"
"      containers:\n"
"      - name: manager\n"
"        image: " IMAGE "\n"
"        imagePullPolicy: IfNotPresent\n"
"        command: [cfluxd]\n"
"        args: [--no-apiserver, --watch-all-namespaces, --log-level=info,"
" --log-encoding=json, --enable-leader-election, --storage-path=/data]\n"
"        env:\n"
"        - name: RUNTIME_NAMESPACE\n"
"          valueFrom: {fieldRef: {fieldPath: metadata.namespace}}\n"
"        ports:\n"
"        - {containerPort: 9090, name: http, protocol: TCP}\n"
"        - {containerPort: 8080, name: http-prom, protocol: TCP}\n"
"        - {containerPort: 9440, name: healthz, protocol: TCP}\n"
"        livenessProbe: {httpGet: {path: /healthz, port: healthz}}\n"
"        readinessProbe: {httpGet: {path: /readyz, port: healthz}}\n"
"        resources:\n"
"          requests: {cpu: 100m, memory: 64Mi}\n"
"          limits: {cpu: '1', memory: 1Gi}\n"
"        securityContext:\n"
"          allowPrivilegeEscalation: false\n"
"          readOnlyRootFilesystem: true\n"
"          runAsNonRoot: true\n"
"          capabilities: {drop: [ALL]}\n"
"          seccompProfile: {type: RuntimeDefault}\n"
"        volumeMounts:\n"
"        - {name: data, mountPath: /data}\n"
"        - {name: tmp, mountPath: /tmp}\n"
"      volumes:\n"
"      - {name: data, emptyDir: {}}\n"
"      - {name: tmp, emptyDir: {}}\n";

struct manifests {
	cf_node **docs;
	size_t n;
};

/* Namespace, CRDs, then the components: the order they must apply in. */
static int build_manifests(struct manifests *m)
{
	cf_arena *a = cf_cli_arena();
	cf_buf text = CF_BUF_INIT;
	cf_node **crds, **comp;
	size_t ncrds, ncomp;
	int err;

	for (const char *p = components_yaml; *p;) {
		const char *at = strstr(p, "@NS@");
		if (!at) {
			cf_buf_adds(&text, p);
			break;
		}
		cf_buf_add(&text, p, (size_t)(at - p));
		cf_buf_adds(&text, cf_cli.ns);
		p = at + 4;
	}
	err = cf_yaml_parse(&crds, &ncrds, a, cf_flux_crds, cf_flux_crds_len,
	    NULL);
	if (!err)
		err = cf_yaml_parse(&comp, &ncomp, a, text.buf, text.len, NULL);
	cf_buf_release(&text);
	if (err < 0)
		return cf_cli_fail("install manifests: %s", cf_error_msg());
	m->docs = cf_arena_alloc(a, (ncrds + ncomp + 1) * sizeof(*m->docs));
	m->n = 0;
	{
		cf_node *ns = cf_node_map(a), *meta, *labels;

		cf_node_set(a, ns, "apiVersion", cf_node_str(a, "v1"));
		cf_node_set(a, ns, "kind", cf_node_str(a, "Namespace"));
		meta = cf_node_set_map(a, ns, "metadata");
		cf_node_set(a, meta, "name", cf_node_str(a, cf_cli.ns));
		labels = cf_node_set_map(a, meta, "labels");
		cf_node_set(a, labels, "app.kubernetes.io/instance",
		    cf_node_str(a, cf_cli.ns));
		cf_node_set(a, labels, "app.kubernetes.io/part-of",
		    cf_node_str(a, "flux"));
		cf_node_set(a, labels, "app.kubernetes.io/version",
		    cf_node_str(a, "v" CF_VERSION));
		m->docs[m->n++] = ns;
	}
	for (size_t i = 0; i < ncrds; i++)
		if (crds[i])
			m->docs[m->n++] = crds[i];
	for (size_t i = 0; i < ncomp; i++)
		if (comp[i])
			m->docs[m->n++] = comp[i];
	return 0;
}

/* A string under o (two keys deep at most), "" when absent. */
static const char *str_at(const cf_node *o, const char *a, const char *b)
{
	const char *s = cf_node_getp_str(o, a, b, NULL);

	return s ? s : "";
}

/* "Kind/name" or "Kind/namespace/name", as flux's change sets print. */
static const char *obj_id(const cf_node *o)
{
	const char *ns = cf_node_getp_str(o, "metadata", "namespace", NULL);

	return ns ? cf_arena_printf(cf_cli_arena(), "%s/%s/%s",
	    str_at(o, "kind", NULL), ns, str_at(o, "metadata", "name")) :
	    cf_arena_printf(cf_cli_arena(), "%s/%s", str_at(o, "kind", NULL),
	    str_at(o, "metadata", "name"));
}

/* The Deployment has rolled out: its controller saw the latest spec and
 * every replica is ready (what flux's status checker waits for). */
static int deployment_ready(void *payload)
{
	cf_node *d;
	int64_t want = 1, ready = 0, gen = 0, obs = 0;

	if (cf_client_get(&d, cf_cli_arena(), cf_cli_client(), "apps/v1",
	    "Deployment", cf_cli.ns, NAME) < 0)
		return 0;
	cf_node_as_int(cf_node_getp(d, "spec", "replicas", NULL), &want);
	cf_node_as_int(cf_node_getp(d, "status", "readyReplicas", NULL), &ready);
	cf_node_as_int(cf_node_getp(d, "metadata", "generation", NULL), &gen);
	cf_node_as_int(cf_node_getp(d, "status", "observedGeneration", NULL),
	    &obs);
	return obs >= gen && ready >= want;
}

/*
 * Apply each manifest, telling created, configured and unchanged apart
 * by reading the object before and comparing resourceVersions after (a
 * no-op server-side apply keeps it), then wait for the rollout.
 */
static int install_apply(const struct manifests *m)
{
	cf_client *c = cf_cli_client();
	cf_arena *a = cf_cli_arena();

	if (!c)
		return 1;
	cf_cli_action("installing components in %s namespace", cf_cli.ns);
	for (size_t i = 0; i < m->n; i++) {
		const cf_node *o = m->docs[i];
		cf_node *before = NULL, *after;
		const char *what;
		int err = cf_client_get(&before, a, c, str_at(o, "apiVersion", NULL),
		    str_at(o, "kind", NULL), str_at(o, "metadata", "namespace"),
		    str_at(o, "metadata", "name"));

		if (err < 0 && err != CF_ENOTFOUND)
			return cf_cli_fail("%s: %s", obj_id(o), cf_error_msg());
		if (cf_client_apply(&after, a, c, o, &(cf_write_opts){
		    .field_manager = "cflux", .force = true }) < 0)
			return cf_cli_fail("%s apply failed: %s", obj_id(o),
			    cf_error_msg());
		if (err == CF_ENOTFOUND)
			what = "created";
		else if (strcmp(str_at(before, "metadata", "resourceVersion"),
		    str_at(after, "metadata", "resourceVersion")))
			what = "configured";
		else
			what = "unchanged";
		fprintf(stderr, "%s %s\n", obj_id(o), what);
	}
	cf_cli_success("install completed");
	cf_cli_waiting("verifying installation");
	if (cf_cli_poll(deployment_ready, NULL) != 1)
		return cf_cli_fail("%s: deployment not ready: context deadline "
		    "exceeded", NAME);
	cf_cli_success("%s: deployment ready", NAME);
	cf_cli_success("install finished");
	return 0;
}

int cf_cmd_install(int argc, char **argv)
{
	bool export_ = false;
	const cf_flag flags[] = {
		{ "export", 0, CF_FLAG_BOOL, &export_ },
		{ NULL, 0, 0, NULL },
	};
	struct manifests m;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (!export_)
		cf_cli_generate("generating manifests");
	if (build_manifests(&m))
		return 1;
	if (export_) {
		cf_buf out = CF_BUF_INIT;

		cf_buf_adds(&out, "---\n"
		    "# This manifest was generated by cflux. DO NOT EDIT.\n"
		    "# Flux Version: v" CF_VERSION "\n"
		    "# Components: " NAME "\n");
		if (cf_yaml_emit_stream(&out, m.docs, m.n) < 0) {
			cf_buf_release(&out);
			return cf_cli_fail("%s", cf_error_msg());
		}
		fwrite(out.buf, 1, out.len, stdout);
		cf_buf_release(&out);
		return 0;
	}
	cf_cli_success("manifests build completed");
	return install_apply(&m);
}

/* ---- uninstall ---- */

/* Every Flux object in every namespace; calls fn on each. Returns the
 * number seen. */
static size_t each_flux_object(void (*fn)(const char *av, const cf_node *o))
{
	size_t n = 0;

	for (size_t k = 0; k < cf_cli_nflux_kinds; k++) {
		cf_node *list;
		const cf_node *items;

		if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(),
		    cf_cli_flux_kinds[k].api_version, cf_cli_flux_kinds[k].kind,
		    NULL, NULL) < 0)
			continue;
		items = cf_node_get(list, "items");
		for (size_t i = 0; i < cf_node_count(items); i++, n++)
			if (fn)
				fn(cf_cli_flux_kinds[k].api_version,
				    cf_node_at(items, i));
	}
	return n;
}

/* uninstall --dry-run: the server checks each delete, nothing changes. */
static bool dry_run;

/* Delete one object and say so, flux's way; a missing one is skipped,
 * a failure reported and the uninstall goes on. */
static void delete_one(const char *av, const char *kind, const char *ns,
    const char *name, const char *id)
{
	int err = cf_client_delete(NULL, cf_cli_arena(), cf_cli_client(), av,
	    kind, ns, name, &(cf_delete_opts){ .dry_run = dry_run });

	if (err == 0)
		cf_cli_success("%s deleted%s", id, dry_run ? " (dry run)" : "");
	else if (err != CF_ENOTFOUND)
		cf_cli_fail("%s: %s", id, cf_error_msg());
}

static void delete_object(const char *av, const cf_node *o)
{
	if (!cf_node_getp(o, "metadata", "deletionTimestamp", NULL))
		delete_one(av, str_at(o, "kind", NULL),
		    str_at(o, "metadata", "namespace"),
		    str_at(o, "metadata", "name"), obj_id(o));
}

static void strip_finalizers(const char *av, const cf_node *o)
{
	static const char patch[] = "{\"metadata\":{\"finalizers\":null}}";

	if (cf_client_patch(NULL, cf_cli_arena(), cf_cli_client(), av,
	    str_at(o, "kind", NULL), str_at(o, "metadata", "namespace"),
	    str_at(o, "metadata", "name"), CF_PATCH_MERGE, patch,
	    sizeof(patch) - 1, NULL) == 0)
		cf_cli_success("%s finalizers deleted", obj_id(o));
	else
		cf_cli_fail("%s: %s", obj_id(o), cf_error_msg());
}

static int flux_objects_gone(void *payload)
{
	return each_flux_object(NULL) == 0;
}

/* Delete what install created, in reverse, for the kinds picked. */
static void delete_manifests(const struct manifests *m, bool crds)
{
	for (size_t i = m->n; i-- > 0;) {
		const cf_node *o = m->docs[i];
		const char *kind = str_at(o, "kind", NULL);
		bool is_crd = !strcmp(kind, "CustomResourceDefinition");

		if (is_crd != crds || !strcmp(kind, "Namespace"))
			continue;
		delete_one(str_at(o, "apiVersion", NULL), kind,
		    str_at(o, "metadata", "namespace"),
		    str_at(o, "metadata", "name"), obj_id(o));
	}
}

/* uninstall [--silent] [--keep-namespace] [--dry-run]: see the file
 * comment for the order and why. */
int cf_cmd_uninstall(int argc, char **argv)
{
	bool silent = false, keep_ns = false;
	const cf_flag flags[] = {
		{ "silent", 's', CF_FLAG_BOOL, &silent },
		{ "keep-namespace", 0, CF_FLAG_BOOL, &keep_ns },
		{ "dry-run", 0, CF_FLAG_BOOL, &dry_run },
		{ NULL, 0, 0, NULL },
	};
	struct manifests m;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (!silent && !dry_run && !cf_cli_confirm("Are you sure you want to delete Flux and "
	    "its custom resource definitions"))
		return cf_cli_fail("aborting");
	if (!cf_cli_client() || build_manifests(&m))
		return 1;

	/* Flux objects first, while the controllers can still run their
	 * finalizers (pruning what the objects applied). */
	cf_cli_action("deleting toolkit.fluxcd.io custom resources in all "
	    "namespaces");
	each_flux_object(delete_object);
	cf_cli_waiting("waiting for finalizers");
	if (!dry_run && cf_cli_poll(flux_objects_gone, NULL) != 1) {
		cf_cli_warning("finalizers not handled in time, removing them");
		cf_cli_action("deleting toolkit.fluxcd.io finalizers in all "
		    "namespaces");
		each_flux_object(strip_finalizers);
	}

	cf_cli_action("deleting components in %s namespace", cf_cli.ns);
	delete_manifests(&m, false);
	cf_cli_action("deleting toolkit.fluxcd.io custom resource definitions");
	delete_manifests(&m, true);
	if (!keep_ns)
		delete_one("v1", "Namespace", NULL, cf_cli.ns,
		    cf_arena_printf(cf_cli_arena(), "Namespace/%s", cf_cli.ns));
	cf_cli_success("uninstall finished");
	return 0;
}
