/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cflux commands: one function per verb (or verb + noun), each in its
 * own cmd_<verb>.c. argv[0] is the verb itself; the return value is the
 * process exit status (0, or 1 after "✗ ..." on stderr, as flux).
 * Global flags (--kubeconfig, --context, -n, -A, --timeout) are taken out
 * of argv by main before a command runs; see cli.h.
 */
#ifndef CF_CLI_CMD_H
#define CF_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "client/client.h"
#include "core/arena.h"
#include "core/node.h"
#include "kustomize/kustomize.h"

/* cflux kustomize build DIR [--load-restrictor ...] [--reorder ...] */
int cf_cmd_kustomize(int argc, char **argv);

/* cflux build kustomization NAME --path DIR [--kustomization-file F]
 * [--dry-run] [--strict-substitute] [--ignore-paths P]: the objects
 * kustomize-controller would apply, as multi-document YAML */
int cf_cmd_build(int argc, char **argv);
/* What replaces SOPS-encrypted Secret values in a local build. */
#define CF_CMD_SOPS_MASK "***"

/* What the local build of build and diff kustomization builds. */
typedef struct cf_cmd_build_opts {
	const char *path;           /* --path: a directory */
	const char *name, *ns;      /* the Kustomization */
	const cf_node *spec;        /* its spec; NULL builds path as is */
	cf_client *c;               /* reads substituteFrom; NULL: dry run */
	const char *const *ignore;  /* --ignore-paths patterns */
	size_t nignore;
	bool strict;                /* --strict-substitute */
} cf_cmd_build_opts;

/*
 * The local build of build and diff kustomization, kustomize-controller's
 * own (controllers/kustomize/build.h and vars.h) in a temporary copy of
 * the tree (cli/buildcopy.h; the user's files are never written): the
 * kustomization.yaml of path, generated when absent, overlaid with the
 * spec (targetNamespace, namePrefix, nameSuffix, patches, images,
 * components, commonMetadata), then post-build substitution with the
 * variables of spec.postBuild (substituteFrom read through o->c, skipped
 * without one). An unset variable without a default becomes "" unless
 * o->strict (flux's CLI; the controller is always strict). Every object
 * is labelled kustomize.toolkit.fluxcd.io/name and /namespace as the
 * controller applies it, and SOPS-encrypted Secret values are replaced
 * by the mask (its base64 in data), sops blocks removed, as flux build
 * does. Warnings go to stderr. *r lives in a. Returns 0, or prints
 * "✗ ..." and returns 1.
 */
int cf_cmd_build_objects(cf_kustomize_result *r, cf_arena *a,
    const cf_cmd_build_opts *o);

/* The Kustomization NAME in namespace ns (or in none) of the YAML file
 * path (--kustomization-file). 0, or prints flux's error and returns 1. */
int cf_cmd_read_ks_file(cf_node **out, cf_arena *a, const char *path,
    const char *name, const char *ns);
/* cflux diff kustomization NAME --path DIR [--kustomization-file F]:
 * exit 0 no differences, 1 differences, 2 error */
int cf_cmd_diff(int argc, char **argv);
/* cflux tree kustomization NAME [--compact] [-o json|yaml] */
int cf_cmd_tree(int argc, char **argv);

/* cflux version [--client] [-o yaml|json] */
int cf_cmd_version(int argc, char **argv);
/* cflux check [--pre]: server reachable, version, CRDs Established */
int cf_cmd_check(int argc, char **argv);
/* cflux install [--export]: Flux CRDs plus the controller manifests */
int cf_cmd_install(int argc, char **argv);
/* cflux uninstall [--silent] [--keep-namespace] */
int cf_cmd_uninstall(int argc, char **argv);
/* cflux create source git NAME ... | kustomization NAME ... [--export] */
int cf_cmd_create(int argc, char **argv);
/* cflux get sources git | kustomizations | all [-A] [--watch] */
int cf_cmd_get(int argc, char **argv);
/* cflux reconcile source git NAME | kustomization NAME [--with-source] */
int cf_cmd_reconcile(int argc, char **argv);
/* cflux suspend|resume source git|kustomization NAME [--all] */
int cf_cmd_suspend(int argc, char **argv);
int cf_cmd_resume(int argc, char **argv);
/* cflux delete source git|kustomization NAME [--silent] */
int cf_cmd_delete(int argc, char **argv);
/* cflux export source git|kustomization NAME|--all */
int cf_cmd_export(int argc, char **argv);
/* cflux events [-A] [--for Kind/name] [--types Normal,Warning] */
int cf_cmd_events(int argc, char **argv);
/* cflux logs [--level L] [--kind K] [--name N] [-f] [--tail N] [--since D] */
int cf_cmd_logs(int argc, char **argv);
/* cflux stats [-A] */
int cf_cmd_stats(int argc, char **argv);
/* cflux completion bash|zsh|fish */
int cf_cmd_completion(int argc, char **argv);

#endif
