/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux kustomize build: kubectl kustomize's output, byte for byte. Thin:
 * parse flags, call the library, print. Warnings for deprecated fields go
 * to stderr like kubectl's; errors too, with a non-zero exit. Also the
 * local build that cflux build and cflux diff kustomization share: the
 * kustomize-controller's own build and post-build substitution
 * (controllers/kustomize/build.h, vars.h) run in a temporary copy of the
 * tree (buildcopy.h), for the Kustomization of --kustomization-file or
 * of the cluster.
 */
#include "cli/cmd.h"
#include "cli/buildcopy.h"
#include "cli/cli.h"
#include "controllers/kustomize/build.h"
#include "controllers/kustomize/vars.h"
#include "core/arena.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "kustomize/kustomize.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KS_GROUP "kustomize.toolkit.fluxcd.io"
#define MAX_KS_FILE (4u << 20)

static int kustomize_usage(FILE *f)
{
	fputs("usage: cflux kustomize build DIR "
	    "[--load-restrictor LoadRestrictionsRootOnly|LoadRestrictionsNone] "
	    "[--reorder legacy|none]\n", f);
	return f == stderr ? 2 : 0;
}

/* Flags accept "--flag value" and "--flag=value". */
static const char *flag_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n))
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == 0 && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(1, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int run_build(const char *dir, const cf_kustomize_opts *opts)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;
	cf_buf out = CF_BUF_INIT;
	int rc = 0;

	if (cf_kustomize_build(&r, &a, dir, opts) < 0 ||
	    cf_kustomize_write(&out, &r) < 0) {
		fprintf(stderr, "Error: %s\n", cf_error_msg());
		rc = 1;
		goto done;
	}
	for (size_t i = 0; i < r.nwarnings; i++)
		fprintf(stderr, "%s\n", r.warnings[i]);
	if (write_all(out.buf, out.len) < 0) {
		perror("cflux: writing output");
		rc = 1;
	}
done:
	cf_buf_release(&out);
	cf_arena_release(&a);
	return rc;
}

int cf_cmd_kustomize(int argc, char **argv)
{
	cf_kustomize_opts opts = { 0 };
	const char *dir = NULL, *v;

	if (argc < 2 || strcmp(argv[1], "build"))
		return kustomize_usage(argc > 1 && (!strcmp(argv[1], "-h") ||
		    !strcmp(argv[1], "--help")) ? stdout : stderr);
	for (int i = 2; i < argc; i++) {
		if ((v = flag_value(argc, argv, &i, "--load-restrictor"))) {
			if (!strcmp(v, "LoadRestrictionsRootOnly"))
				opts.restrictor = CF_KUSTOMIZE_ROOT_ONLY;
			else if (!strcmp(v, "LoadRestrictionsNone"))
				opts.restrictor = CF_KUSTOMIZE_NONE;
			else {
				fprintf(stderr, "Error: illegal flag value "
				    "--load-restrictor %s\n", v);
				return 1;
			}
		} else if ((v = flag_value(argc, argv, &i, "--reorder"))) {
			fputs("Flag --reorder has been deprecated, use the new "
			    "'sortOptions' field in kustomization.yaml instead.\n",
			    stderr);
			if (!strcmp(v, "legacy"))
				opts.reorder = CF_KUSTOMIZE_REORDER_LEGACY;
			else if (!strcmp(v, "none"))
				opts.reorder = CF_KUSTOMIZE_REORDER_NONE;
			else {
				fprintf(stderr, "Error: illegal flag value "
				    "--reorder %s\n", v);
				return 1;
			}
		} else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "Error: unknown flag: %s\n", argv[i]);
			return kustomize_usage(stderr);
		} else if (!dir) {
			dir = argv[i];
		} else {
			fprintf(stderr, "Error: specify one path to a kustomization directory\n");
			return 1;
		}
	}
	return run_build(dir ? dir : ".", &opts);
}

/* What kustomize-controller stamps on every object it applies, and
 * flux's build on every object it prints. */
static void owner_labels(cf_arena *a, cf_node *obj, const char *name,
    const char *ns)
{
	cf_node *labels = cf_node_set_map(a, cf_node_set_map(a, obj,
	    "metadata"), "labels");

	cf_node_set(a, labels, "kustomize.toolkit.fluxcd.io/name",
	    cf_node_str(a, name));
	cf_node_set(a, labels, "kustomize.toolkit.fluxcd.io/namespace",
	    cf_node_str(a, ns));
}

/* ---- SOPS: flux's build never shows what SOPS encrypted ---- */

/* Whether s holds both x and y. */
static bool holds_both(const char *s, const char *x, const char *y)
{
	return strstr(s, x) && strstr(s, y);
}

/* base64 of text, in a. */
static cf_node *b64_node(cf_arena *a, const char *text)
{
	cf_buf b = CF_BUF_INIT;
	cf_node *n;

	cf_base64_encode(&b, text, strlen(text), false);
	n = cf_node_str(a, b.buf);
	cf_buf_release(&b);
	return n;
}

/* A data value whose decoded bytes look SOPS-encrypted. */
static bool encrypted_value(const cf_node *v)
{
	cf_buf b = CF_BUF_INIT;
	bool yes;

	yes = cf_node_as_str(v) && cf_base64_decode(&b, v->v.s, v->len,
	    false) == 0 && holds_both(b.buf, "sops", "ENC[");
	cf_buf_release(&b);
	return yes;
}

/*
 * flux build's maskSopsData: a Secret encrypted whole (a sops block with
 * an encrypted mac) loses the block and has every value replaced by the
 * mask ({"mask":"***"} for a dockerconfigjson); otherwise each value that
 * reads as encrypted is masked. Other kinds just lose a top-level sops
 * block. The mask is what diff recognises (cmd_diff.c).
 */
static void mask_sops(cf_arena *a, cf_node *obj)
{
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	const char *mac = cf_node_getp_str(obj, "sops", "mac", NULL);
	const char *type = cf_node_getp_str(obj, "type", NULL);
	cf_node *data = cf_node_get(obj, "data");
	cf_node *sdata = cf_node_get(obj, "stringData");
	bool whole = mac && !strncmp(mac, "ENC[", 4);
	const char *mask = type && !strcmp(type,
	    "kubernetes.io/dockerconfigjson") ? "{\"mask\":\"" CF_CMD_SOPS_MASK
	    "\"}" : CF_CMD_SOPS_MASK;

	if (!kind || strcmp(kind, "Secret")) {
		cf_node_del(obj, "sops");
		return;
	}
	if (whole)
		cf_node_del(obj, "sops");
	for (size_t i = 0; i < cf_node_count(data); i++)
		if (whole || encrypted_value(data->v.pairs[i].val))
			data->v.pairs[i].val = b64_node(a, mask);
	for (size_t i = 0; i < cf_node_count(sdata); i++) {
		const char *v = cf_node_as_str(sdata->v.pairs[i].val);

		if (whole || (v && holds_both(v, "sops", "ENC[")))
			sdata->v.pairs[i].val = cf_node_str(a, mask);
	}
}

/* The build proper, in the copy: the controller's build, then its
 * substitution. Errors name the user's files, not the copy's. */
static int build_in(cf_kustomize_result *r, cf_arena *a,
    const cf_buildcopy *bc, const cf_cmd_build_opts *o)
{
	cf_node *vars = NULL;

	if (cf_kzctl_build(r, a, bc->dir, o->spec) < 0)
		return cf_cli_fail("%s", cf_buildcopy_unmap(bc, a,
		    cf_error_msg()));
	for (size_t i = 0; i < r->nwarnings; i++)
		fprintf(stderr, "%s\n", r->warnings[i]);
	if (!cf_node_get(o->spec, "postBuild"))
		return 0;
	if (cf_kzctl_vars(&vars, a, o->c, o->ns, o->spec) < 0 ||
	    cf_kzctl_substitute(a, r->objs, r->nobjs, o->spec, vars,
	    o->strict) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	return 0;
}

int cf_cmd_build_objects(cf_kustomize_result *r, cf_arena *a,
    const cf_cmd_build_opts *o)
{
	cf_buildcopy bc;
	int rc;

	if (cf_buildcopy_make(&bc, a, o->path, o->ignore, o->nignore) < 0)
		return cf_cli_fail("kustomize build failed: %s", cf_error_msg());
	rc = build_in(r, a, &bc, o);
	cf_buildcopy_remove(&bc);
	if (rc)
		return rc;
	for (size_t i = 0; i < r->nobjs; i++)
		if (cf_node_is(r->objs[i], CF_NODE_MAP)) {
			owner_labels(a, r->objs[i], o->name, o->ns);
			mask_sops(a, r->objs[i]);
		}
	return 0;
}

int cf_cmd_read_ks_file(cf_node **out, cf_arena *a, const char *path,
    const char *name, const char *ns)
{
	cf_buf b = CF_BUF_INIT;
	cf_node **docs = NULL;
	size_t n = 0;
	int err;

	*out = NULL;
	err = cf_fs_read(&b, path, MAX_KS_FILE);
	if (err == 0)
		err = cf_yaml_parse(&docs, &n, a, b.buf, b.len, NULL);
	cf_buf_release(&b);
	if (err < 0)
		return cf_cli_fail("failed to unmarshall kustomization file %s: "
		    "%s", path, cf_error_msg());
	for (size_t i = 0; i < n && !*out; i++) {
		const char *av = cf_node_getp_str(docs[i], "apiVersion", NULL);
		const char *k = cf_node_getp_str(docs[i], "kind", NULL);
		const char *dn = cf_node_getp_str(docs[i], "metadata", "name",
		    NULL);
		const char *dns = cf_node_getp_str(docs[i], "metadata",
		    "namespace", NULL);

		if (av && !strncmp(av, KS_GROUP "/", strlen(KS_GROUP) + 1) &&
		    k && !strcmp(k, "Kustomization") && dn &&
		    !strcmp(dn, name) && (!dns || !*dns || !strcmp(dns, ns)))
			*out = docs[i];
	}
	if (!*out)
		return cf_cli_fail("failed find kustomization with name '%s' and "
		    "namespace '%s' in file '%s'", name, ns, path);
	return 0;
}

/* The Kustomization whose spec the build applies, as flux's build picks
 * it: --kustomization-file wins; else the cluster's. A dry run never
 * asks the cluster (and needs the file). *c is the client for
 * substituteFrom, NULL on a dry run. */
static int resolve_ks(const cf_node **spec, cf_client **c, cf_arena *a,
    const char *name, const char *ks_file, bool dry_run)
{
	cf_node *ks = NULL;
	int err;

	*c = NULL;
	if (dry_run && !ks_file)
		return cf_cli_fail("kustomization file is required for dry-run");
	if (ks_file && cf_cmd_read_ks_file(&ks, a, ks_file, name, cf_cli.ns))
		return 1;
	if (!dry_run) {
		cf_node *live = NULL;

		if (!(*c = cf_cli_client()))
			return 1;
		err = cf_client_get(&live, a, *c, KS_GROUP "/v1",
		    "Kustomization", cf_cli.ns, name);
		if (err < 0 && !(err == CF_ENOTFOUND && ks))
			return cf_cli_fail("failed to get kustomization object: "
			    "%s", cf_error_msg());
		if (!ks)
			ks = live;
	}
	*spec = cf_node_get(ks, "spec");
	return 0;
}

int cf_cmd_build(int argc, char **argv)
{
	cf_arena *a = cf_cli_arena();
	const char *path = "", *ks_file = NULL;
	cf_cli_list ignore = { 0 };
	bool dry_run = false, strict = false;
	const cf_flag flags[] = {
		{ "path", 0, CF_FLAG_STR, &path },
		{ "kustomization-file", 0, CF_FLAG_STR, &ks_file },
		{ "ignore-paths", 0, CF_FLAG_LIST, &ignore },
		{ "dry-run", 0, CF_FLAG_BOOL, &dry_run },
		{ "strict-substitute", 0, CF_FLAG_BOOL, &strict },
		{ 0 },
	};
	cf_kustomize_result r;
	cf_buf out = CF_BUF_INIT;
	const cf_cli_kind *k;
	struct stat st;
	char **args;
	int nargs, rc = 0;
	cf_cmd_build_opts o = { 0 };

	if (cf_cli_parse_kind(argc, argv, flags,
	    "cflux build kustomization NAME --path DIR", &k, &args, &nargs))
		return 1;
	if (strcmp(k->kind, "Kustomization"))
		return cf_cli_fail("build supports kustomization only");
	if (nargs < 1)
		return cf_cli_fail("kustomization name is required");
	if (!*path || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return cf_cli_fail("invalid resource path \"%s\"", path);
	if (ks_file && (stat(ks_file, &st) < 0 || S_ISDIR(st.st_mode)))
		return cf_cli_fail("invalid kustomization file \"%s\"", ks_file);
	o = (cf_cmd_build_opts){ .path = path, .name = args[0],
	    .ns = cf_cli.ns, .ignore = ignore.v, .nignore = ignore.n,
	    .strict = strict };
	if (resolve_ks(&o.spec, &o.c, a, args[0], ks_file, dry_run) ||
	    cf_cmd_build_objects(&r, a, &o))
		return 1;
	if (cf_kustomize_write(&out, &r) < 0)
		rc = cf_cli_fail("%s", cf_error_msg());
	else if (write_all(out.buf, out.len) < 0)
		rc = cf_cli_fail("writing output: %s", strerror(errno));
	cf_buf_release(&out);
	return rc;
}
