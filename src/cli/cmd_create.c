/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux create source git | kustomization: build the object from flags
 * exactly as flux does (same defaults, same validation messages), then
 * either print it (--export) or create-or-update it and wait for the
 * controller to report Ready, with flux's progress lines.
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

#define MINUTE_NS (60ll * 1000000000)

/* Flags every create subcommand shares. */
struct create_common {
	int64_t interval;
	bool export_;
	cf_cli_list labels;
};

#define CREATE_COMMON_FLAGS(c)                                   \
	{ "interval", 0, CF_FLAG_DUR, &(c)->interval },           \
	{ "export", 0, CF_FLAG_BOOL, &(c)->export_ },             \
	{ "label", 0, CF_FLAG_LIST, &(c)->labels }

/* Small builders: every node lives in the CLI's arena. */
static cf_node *str(const char *s)
{
	return cf_node_str(cf_cli_arena(), s);
}

static void set_str(cf_node *m, const char *k, const char *v)
{
	cf_node_set(cf_cli_arena(), m, k, str(v));
}

/* apiVersion, kind and metadata{name, namespace, labels}; returns spec. */
static cf_node *new_object(cf_node **out, const cf_cli_kind *k,
    const char *name, const cf_cli_list *labels)
{
	cf_arena *a = cf_cli_arena();
	cf_node *o = cf_node_map(a), *meta;

	set_str(o, "apiVersion", k->api_version);
	set_str(o, "kind", k->kind);
	meta = cf_node_set_map(a, o, "metadata");
	set_str(meta, "name", name);
	set_str(meta, "namespace", cf_cli.ns);
	if (labels->n) {
		cf_node *l = cf_node_set_map(a, meta, "labels");
		for (size_t i = 0; i < labels->n; i++) {
			const char *eq = strchr(labels->v[i], '=');
			if (!eq || eq == labels->v[i]) {
				cf_cli_fail("invalid label format '%s', must be "
				    "key=value", labels->v[i]);
				return NULL;
			}
			cf_node_set(a, l, cf_arena_strndup(a, labels->v[i],
			    (size_t)(eq - labels->v[i])), str(eq + 1));
		}
	}
	*out = o;
	return cf_node_set_map(a, o, "spec");
}

/*
 * Create the object, or replace the labels and spec of the one that is
 * there (flux's upsert: Get, then Create or Update). what is the noun the
 * messages use ("GitRepository source", "Kustomization").
 */
static int upsert(const cf_node *obj, const char *what)
{
	cf_arena *a = cf_cli_arena();
	cf_client *c = cf_cli_client();
	const char *av = cf_node_getp_str(obj, "apiVersion", NULL);
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const cf_node *labels = cf_node_getp(obj, "metadata", "labels", NULL);
	cf_node *cur;
	int err;

	if (!c)
		return 1;
	err = cf_client_get(&cur, a, c, av, kind, cf_cli.ns, name);
	if (err == CF_ENOTFOUND) {
		if (cf_client_create(NULL, a, c, obj, NULL) < 0)
			return cf_cli_fail("%s", cf_error_msg());
		cf_cli_success("%s created", what);
		return 0;
	}
	if (err < 0)
		return cf_cli_fail("%s", cf_error_msg());
	if (labels)
		cf_node_set(a, cf_node_get(cur, "metadata"), "labels",
		    cf_node_dup(a, labels));
	else
		cf_node_del(cf_node_get(cur, "metadata"), "labels");
	cf_node_set(a, cur, "spec", cf_node_dup(a, cf_node_get(obj, "spec")));
	if (cf_client_update(NULL, a, c, cur, NULL) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	cf_cli_success("%s updated", what);
	return 0;
}

/* ---- create source git ---- */

struct git_creds {
	const char *username, *password, *ca_file;
};

/*
 * Without --secret-ref, flux stores the credentials given on the command
 * line in a Secret named after the source (keys username, password,
 * ca.crt) and points spec.secretRef at it. SSH deploy keys are not
 * generated here: an ssh:// URL needs --secret-ref.
 */
static int credentials_secret(cf_node *spec, const char *name,
    const char *url, const struct git_creds *cr)
{
	cf_arena *a = cf_cli_arena();
	cf_node *sec, *data, *meta;
	cf_buf ca = CF_BUF_INIT;

	if (!strncmp(url, "ssh://", 6))
		return cf_cli_fail("an ssh:// URL needs --secret-ref naming a "
		    "Secret with the identity and known_hosts keys: cflux does "
		    "not generate deploy keys");
	if (!cr->username && !cr->password && !cr->ca_file)
		return 0;
	if (cr->ca_file && !strncmp(url, "https://", 8) &&
	    cf_fs_read(&ca, cr->ca_file, 1 << 20) < 0) {
		cf_buf_release(&ca);
		return cf_cli_fail("unable to read TLS CA file: %s", cf_error_msg());
	}
	if (!strncmp(url, "http://", 7))
		cf_cli_warning("insecure configuration: credentials configured for "
		    "an HTTP URL");
	sec = cf_node_map(a);
	set_str(sec, "apiVersion", "v1");
	set_str(sec, "kind", "Secret");
	meta = cf_node_set_map(a, sec, "metadata");
	set_str(meta, "name", name);
	set_str(meta, "namespace", cf_cli.ns);
	data = cf_node_set_map(a, sec, "stringData");
	if (cr->username)
		set_str(data, "username", cr->username);
	if (cr->password)
		set_str(data, "password", cr->password);
	if (ca.len)
		set_str(data, "ca.crt", ca.buf);
	cf_buf_release(&ca);
	if (!cf_node_count(data))
		return 0;
	cf_cli_action("applying secret with repository credentials");
	if (cf_client_apply(NULL, a, cf_cli_client(), sec, &(cf_write_opts){
	    .field_manager = "cflux", .force = true }) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	cf_node_set(a, cf_node_set_map(a, spec, "secretRef"), "name",
	    cf_node_str(a, name));
	cf_cli_success("authentication configured");
	return 0;
}

/*
 * flux create source git: validation in flux's order (url, scheme, a
 * ref), the spec built field by field, then --export or apply-and-wait.
 * Only fields flux sets appear, so the exported YAML matches its output.
 */
static int create_source_git(int argc, char **argv)
{
	struct create_common cc = { .interval = MINUTE_NS };
	const char *url = NULL, *branch = NULL, *tag = NULL, *semver = NULL;
	const char *commit = NULL, *ref_name = NULL, *secret = NULL;
	struct git_creds creds = { 0 };
	const char *provider = NULL;
	bool submodules = false;
	cf_cli_list ignore = { 0 }, sparse = { 0 };
	int64_t fetch_timeout = 0;
	const cf_flag flags[] = {
		CREATE_COMMON_FLAGS(&cc),
		{ "url", 0, CF_FLAG_STR, &url },
		{ "branch", 0, CF_FLAG_STR, &branch },
		{ "tag", 0, CF_FLAG_STR, &tag },
		{ "tag-semver", 0, CF_FLAG_STR, &semver },
		{ "commit", 0, CF_FLAG_STR, &commit },
		{ "ref-name", 0, CF_FLAG_STR, &ref_name },
		{ "secret-ref", 0, CF_FLAG_STR, &secret },
		{ "ignore-paths", 0, CF_FLAG_LIST, &ignore },
		{ "fetch-timeout", 0, CF_FLAG_DUR, &fetch_timeout },
		{ "username", 'u', CF_FLAG_STR, &creds.username },
		{ "password", 'p', CF_FLAG_STR, &creds.password },
		{ "ca-file", 0, CF_FLAG_STR, &creds.ca_file },
		{ "provider", 0, CF_FLAG_STR, &provider },
		{ "recurse-submodules", 0, CF_FLAG_BOOL, &submodules },
		{ "sparse-checkout-paths", 0, CF_FLAG_LIST, &sparse },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k = cf_cli_kind_by_name("GitRepository");
	cf_arena *a = cf_cli_arena();
	cf_node *obj, *spec, *ref;
	const char *name, *why, *scheme_end;
	cf_node *ready;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (nargs < 1)
		return cf_cli_fail("name is required");
	/* flux checks --provider while parsing flags, before anything else. */
	if (provider && !*provider)
		return cf_cli_fail("invalid argument \"\" for \"--provider\" flag: no "
		    "source Git provider given, please specify the Git provider "
		    "name");
	if (provider && strcmp(provider, "generic") &&
	    strcmp(provider, "github") && strcmp(provider, "aws") &&
	    strcmp(provider, "azure"))
		return cf_cli_fail("invalid argument \"%s\" for \"--provider\" flag: "
		    "source Git provider '%s' is not supported, must be one of: "
		    "generic|github|aws|azure", provider, provider);
	name = args[0];
	if (!url || !*url)
		return cf_cli_fail("url is required");
	scheme_end = strstr(url, "://");
	if (!scheme_end || (strncmp(url, "ssh://", 6) &&
	    strncmp(url, "http://", 7) && strncmp(url, "https://", 8) &&
	    strncmp(url, "file://", 7)))
		return cf_cli_fail("git URL scheme '%.*s' not supported, can be: "
		    "ssh, http, https and file", scheme_end ?
		    (int)(scheme_end - url) : 0, url);
	if (!branch && !tag && !semver && !commit && !ref_name)
		return cf_cli_fail("a Git ref is required, use one of the following: "
		    "--branch, --tag, --commit, --ref-name or --tag-semver");
	if (creds.ca_file && !strncmp(url, "ssh://", 6))
		return cf_cli_fail("specifying a CA file is not supported for Git "
		    "over SSH");

	if (!(spec = new_object(&obj, k, name, &cc.labels)))
		return 1;
	set_str(spec, "url", url);
	if (provider)
		set_str(spec, "provider", provider);
	if (submodules)
		cf_node_set(a, spec, "recurseSubmodules", cf_node_bool(a, true));
	if (sparse.n) {
		cf_node *seq = cf_node_seq(a);
		for (size_t i = 0; i < sparse.n; i++)
			cf_node_push(a, seq, str(sparse.v[i]));
		cf_node_set(a, spec, "sparseCheckout", seq);
	}
	set_str(spec, "interval", cf_cli_duration_str(cc.interval));
	if (fetch_timeout > 0)
		set_str(spec, "timeout", cf_cli_duration_str(fetch_timeout));
	/* One ref field wins, in flux's order: commit (with its branch),
	 * ref name, semver, tag, branch. */
	ref = cf_node_set_map(a, spec, "ref");
	if (commit) {
		set_str(ref, "commit", commit);
		if (branch)
			set_str(ref, "branch", branch);
	} else if (ref_name)
		set_str(ref, "name", ref_name);
	else if (semver)
		set_str(ref, "semver", semver);
	else if (tag)
		set_str(ref, "tag", tag);
	else
		set_str(ref, "branch", branch);
	if (secret && *secret)
		cf_node_set(a, cf_node_set_map(a, spec, "secretRef"), "name",
		    str(secret));
	if (ignore.n) {
		cf_buf b = CF_BUF_INIT;
		for (size_t i = 0; i < ignore.n; i++)
			cf_buf_addf(&b, "%s%s", i ? "\n" : "", ignore.v[i]);
		set_str(spec, "ignore", b.buf);
		cf_buf_release(&b);
	}
	if (cc.export_)
		return cf_cli_print_yaml(obj) ? 1 : 0;

	/* The controller reports through status: wait for Ready on the
	 * generation just written, then show the revision it fetched. */
	cf_cli_generate("generating GitRepository source");
	if ((!secret || !*secret) && credentials_secret(spec, name, url, &creds))
		return 1;
	cf_cli_action("applying GitRepository source");
	if (upsert(obj, "GitRepository source"))
		return 1;
	cf_cli_waiting("waiting for GitRepository source reconciliation");
	if (cf_cli_wait_ready(&ready, &why, k, cf_cli.ns, name, false, NULL) < 0)
		return cf_cli_fail("%s", why);
	cf_cli_success("GitRepository source reconciliation completed");
	if (!cf_node_getp(ready, "status", "artifact", NULL))
		return cf_cli_fail("GitRepository source reconciliation completed "
		    "but no artifact was found");
	cf_cli_success("fetched revision: %s", cf_cli_revision(k, ready));
	return 0;
}

/* ---- create kustomization ---- */

/* flux's SafeRelativePath: "./" + the path cleaned inside "./". */
static const char *safe_relative_path(const char *p)
{
	cf_buf b = CF_BUF_INIT;
	const char *r;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || n == 0) {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(b.buf, '/');
			cf_buf_truncate(&b, slash ? (size_t)(slash - b.buf) : 0);
		} else {
			if (b.len)
				cf_buf_addch(&b, '/');
			cf_buf_add(&b, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	r = cf_arena_printf(cf_cli_arena(), "./%s", b.buf);
	cf_buf_release(&b);
	return r;
}

/* --source [<kind>/]<name>[.<namespace>] into spec.sourceRef. */
static int source_ref(cf_node *spec, const char *src)
{
	static const char *const kinds[] = { "OCIRepository", "GitRepository",
	    "Bucket" };
	cf_arena *a = cf_cli_arena();
	const char *slash, *kind = NULL, *name = src, *dot;
	char *n;
	cf_node *ref;

	if (!src || !*src)
		return cf_cli_fail("no Kustomization source given, please specify "
		    "the source in the format '<kind>/<name>.<namespace>'");
	slash = strchr(src, '/');
	if (slash && !strchr(slash + 1, '/')) {
		kind = cf_arena_strndup(a, src, (size_t)(slash - src));
		name = slash + 1;
	}
	n = cf_arena_strdup(a, name);
	dot = strrchr(n, '.');
	ref = cf_node_set_map(a, spec, "sourceRef");
	/* No kind: GitRepository, unless the name itself is a kind (a
	 * forgotten slash, "--source GitRepository"). */
	if (!kind) {
		for (size_t i = 0; i < 3; i++)
			if (!strcmp(kinds[i], n))
				return cf_cli_fail("no kind specified for source "
				    "'%s'", n);
		kind = "GitRepository";
	}
	for (size_t i = 0; i < 3; i++)
		if (!strcasecmp(kinds[i], kind)) {
			set_str(ref, "kind", kinds[i]);
			break;
		}
	if (!cf_node_get(ref, "kind"))
		return cf_cli_fail("source kind '%s' is not supported, must be one "
		    "of: OCIRepository, GitRepository, Bucket", kind);
	if (dot)
		*(char *)dot = 0;
	if (!*n)
		return cf_cli_fail("no name given for source of kind '%s'", kind);
	set_str(ref, "name", n);
	if (dot)
		set_str(ref, "namespace", dot + 1);
	return 0;
}

/* --health-check Kind/name.namespace, for the kinds flux allows. */
static int health_checks(cf_node *spec, const cf_cli_list *hc)
{
	cf_arena *a = cf_cli_arena();
	cf_node *seq = cf_node_seq(a);

	for (size_t i = 0; i < hc->n; i++) {
		const char *w = hc->v[i], *slash = strchr(w, '/'), *dot;
		cf_node *m;
		char *kind;

		if (!slash || strchr(slash + 1, '/'))
			return cf_cli_fail("invalid health check '%s' must be in the "
			    "format 'kind/name.namespace'", w);
		kind = cf_arena_strndup(a, w, (size_t)(slash - w));
		if (strcmp(kind, "Deployment") && strcmp(kind, "DaemonSet") &&
		    strcmp(kind, "StatefulSet") && strcmp(kind, "HelmRelease"))
			return cf_cli_fail("invalid health check kind '%s' can be "
			    "HelmRelease, Deployment, DaemonSet or StatefulSet", kind);
		dot = strchr(slash + 1, '.');
		if (!dot || strchr(dot + 1, '.'))
			return cf_cli_fail("invalid health check '%s' must be in the "
			    "format 'kind/name.namespace'", w);
		m = cf_node_map(a);
		if (!strcmp(kind, "HelmRelease"))
			set_str(m, "apiVersion", "helm.toolkit.fluxcd.io/v2");
		set_str(m, "kind", kind);
		cf_node_set(a, m, "name", cf_node_strn(a, slash + 1,
		    (size_t)(dot - slash - 1)));
		set_str(m, "namespace", dot + 1);
		cf_node_push(a, seq, m);
	}
	cf_node_set(a, spec, "healthChecks", seq);
	return 0;
}

/*
 * flux create kustomization. Health checks and --wait both set
 * spec.timeout from --health-check-timeout; --wait wins over explicit
 * health checks, as in flux (the controller then checks everything it
 * applied).
 */
static int create_kustomization(int argc, char **argv)
{
	struct create_common cc = { .interval = MINUTE_NS };
	const char *source = NULL, *path = "./", *target_ns = NULL;
	const char *sa = NULL;
	bool prune = false, wait = false;
	cf_cli_list depends = { 0 }, hc = { 0 };
	int64_t health_timeout = 2 * MINUTE_NS, retry = 0;
	const cf_flag flags[] = {
		CREATE_COMMON_FLAGS(&cc),
		{ "source", 0, CF_FLAG_STR, &source },
		{ "path", 0, CF_FLAG_STR, &path },
		{ "prune", 0, CF_FLAG_BOOL, &prune },
		{ "wait", 0, CF_FLAG_BOOL, &wait },
		{ "health-check", 0, CF_FLAG_LIST, &hc },
		{ "health-check-timeout", 0, CF_FLAG_DUR, &health_timeout },
		{ "depends-on", 0, CF_FLAG_LIST, &depends },
		{ "service-account", 0, CF_FLAG_STR, &sa },
		{ "target-namespace", 0, CF_FLAG_STR, &target_ns },
		{ "retry-interval", 0, CF_FLAG_DUR, &retry },
		{ NULL, 0, 0, NULL },
	};
	const cf_cli_kind *k = cf_cli_kind_by_name("Kustomization");
	cf_arena *a = cf_cli_arena();
	const char *name, *why;
	cf_node *obj, *spec, *ready;
	char **args;
	int nargs;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (nargs < 1)
		return cf_cli_fail("name is required");
	name = args[0];
	if (!source || !*source)
		return cf_cli_fail("source is required");
	path = safe_relative_path(path);
	if (!cc.export_)
		cf_cli_generate("generating Kustomization");

	if (!(spec = new_object(&obj, k, name, &cc.labels)))
		return 1;
	set_str(spec, "interval", cf_cli_duration_str(cc.interval));
	set_str(spec, "path", path);
	cf_node_set(a, spec, "prune", cf_node_bool(a, prune));
	if (source_ref(spec, source))
		return 1;
	if (target_ns && *target_ns)
		set_str(spec, "targetNamespace", target_ns);
	/* --depends-on [<namespace>/]<name>, one entry per value. */
	if (depends.n) {
		cf_node *seq = cf_node_seq(a);
		cf_node_set(a, spec, "dependsOn", seq);
		for (size_t i = 0; i < depends.n; i++) {
			const char *d = depends.v[i], *sl = strchr(d, '/');
			cf_node *m = cf_node_map(a);
			set_str(m, "name", sl ? sl + 1 : d);
			if (sl)
				cf_node_set(a, m, "namespace", cf_node_strn(a, d,
				    (size_t)(sl - d)));
			cf_node_push(a, seq, m);
		}
	}
	if (hc.n && !wait) {
		if (health_checks(spec, &hc))
			return 1;
		set_str(spec, "timeout", cf_cli_duration_str(health_timeout));
	}
	if (wait) {
		cf_node_set(a, spec, "wait", cf_node_bool(a, true));
		set_str(spec, "timeout", cf_cli_duration_str(health_timeout));
	}
	if (sa && *sa)
		set_str(spec, "serviceAccountName", sa);
	if (retry > 0)
		set_str(spec, "retryInterval", cf_cli_duration_str(retry));
	if (cc.export_)
		return cf_cli_print_yaml(obj) ? 1 : 0;

	cf_cli_action("applying Kustomization");
	if (upsert(obj, "Kustomization"))
		return 1;
	cf_cli_waiting("waiting for Kustomization reconciliation");
	if (cf_cli_wait_ready(&ready, &why, k, cf_cli.ns, name, false, NULL) < 0)
		return cf_cli_fail("%s", why);
	cf_cli_success("Kustomization %s is ready", name);
	cf_cli_success("applied revision %s", cf_cli_revision(k, ready));
	return 0;
}

/* Only the two kinds cflux creates today; the others are refused with
 * the usage rather than half-supported. */
int cf_cmd_create(int argc, char **argv)
{
	int used = 0;
	const cf_cli_kind *k = cf_cli_kind_parse(argc - 1, argv + 1, &used);

	if (k && !strcmp(k->kind, "GitRepository"))
		return create_source_git(argc - used, argv + used);
	if (k && !strcmp(k->kind, "Kustomization"))
		return create_kustomization(argc - used, argv + used);
	fputs("usage: cflux create source git NAME --url URL "
	    "--branch|--tag|--tag-semver|--commit REF [flags]\n"
	    "       cflux create kustomization NAME --source [KIND/]NAME[.NS] "
	    "--path PATH [flags]\n", stderr);
	return 1;
}
