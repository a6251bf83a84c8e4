/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux kustomize build: kubectl kustomize's output, byte for byte. Thin:
 * parse flags, call the library, print. Warnings for deprecated fields go
 * to stderr like kubectl's; errors too, with a non-zero exit. Also the
 * local build that cflux build and cflux diff kustomization share.
 */
#include "cli/cmd.h"
#include "cli/cli.h"
#include "core/arena.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "kustomize/kustomize.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

int cf_cmd_build_objects(cf_kustomize_result *r, cf_arena *a,
    const char *dir, const char *name, const char *ns)
{
	/* Flux builds with LoadRestrictionsNone and no reorder option, so
	 * objects come out in FIFO order unless sortOptions says legacy. */
	cf_kustomize_opts opts = { .restrictor = CF_KUSTOMIZE_NONE,
	    .reorder = CF_KUSTOMIZE_REORDER_UNSET };

	if (cf_kustomize_build(r, a, dir, &opts) < 0)
		return cf_cli_fail("kustomize build failed: %s", cf_error_msg());
	for (size_t i = 0; i < r->nwarnings; i++)
		fprintf(stderr, "%s\n", r->warnings[i]);
	for (size_t i = 0; i < r->nobjs; i++)
		if (cf_node_is(r->objs[i], CF_NODE_MAP)) {
			owner_labels(a, r->objs[i], name, ns);
			mask_sops(a, r->objs[i]);
		}
	return 0;
}

int cf_cmd_build(int argc, char **argv)
{
	cf_arena *a = cf_cli_arena();
	cf_kustomize_result r;
	cf_buf out = CF_BUF_INIT;
	const char *path = NULL, *v;
	int rc = 0;

	if (argc < 3 || (strcmp(argv[1], "kustomization") &&
	    strcmp(argv[1], "ks"))) {
		fputs("usage: cflux build kustomization NAME --path DIR\n", stderr);
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if ((v = flag_value(argc, argv, &i, "--path")))
			path = v;
	}
	if (!path) {
		fputs("Error: invalid resource path \"\"\n", stderr);
		return 1;
	}
	if (cf_cmd_build_objects(&r, a, path, argv[2], cf_cli.ns))
		return 1;
	if (cf_kustomize_write(&out, &r) < 0)
		rc = cf_cli_fail("%s", cf_error_msg());
	else if (write_all(out.buf, out.len) < 0)
		rc = cf_cli_fail("writing output: %s", strerror(errno));
	cf_buf_release(&out);
	return rc;
}
