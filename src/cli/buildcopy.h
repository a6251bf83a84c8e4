/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The temporary copy cflux build and diff kustomization build in.
 *
 * kustomize-controller rewrites kustomization.yaml for the Kustomization's
 * spec (controllers/kustomize/build.h), inside its own unpacked artifact.
 * flux's CLI does the same in the user's directory and restores the file
 * afterwards; here the user's files are never written: the build runs in
 * a copy.
 *
 * What is copied: the root of the Git work tree --path lives in (the
 * nearest parent holding .git), so that kustomization files may refer to
 * ../ bases anywhere in the repository, as they may inside an artifact;
 * outside a work tree, --path alone (a ../ reference then fails as it
 * would past the artifact root). .git itself is left out, and in a work
 * tree so is what the source-controller leaves out of the artifact it
 * packs: the paths of every .sourceignore, or Flux's default exclusions
 * when there is none (controllers/source/ignore.h; a GitRepository's
 * spec.ignore is not known here). Symbolic links
 * are kept when they resolve inside the copied root, and left out, with a
 * warning, when they point outside it: the build never reads through a
 * link out of the tree. The copy is capped (CF_BUILDCOPY_MAX_BYTES,
 * CF_BUILDCOPY_MAX_FILES, 64 levels).
 *
 * --ignore-paths: gitignore-style patterns, relative to --path as flux's
 * are. Matching files and directories under --path are not copied (so a
 * generated kustomization.yaml leaves them out), and every kustomization
 * file of the copy loses the resources, components and crds entries that
 * name them, or that the patterns match relative to that file's own
 * directory (flux filters every kustomization file it reads that way,
 * bases outside --path included).
 */
#ifndef CF_CLI_BUILDCOPY_H
#define CF_CLI_BUILDCOPY_H

#include <limits.h>
#include <stddef.h>

#include "core/arena.h"

#define CF_BUILDCOPY_MAX_BYTES (512u << 20)
#define CF_BUILDCOPY_MAX_FILES 200000

typedef struct cf_buildcopy {
	char tmp[PATH_MAX]; /* the temporary directory; "" when none */
	char dir[PATH_MAX]; /* --path inside it */
	char root[PATH_MAX]; /* what was copied into tmp */
} cf_buildcopy;

/*
 * Copy the tree of path (a directory) into a new temporary directory
 * under $TMPDIR (or /tmp). On error the temporary directory is already
 * removed; the message names the file. ignore[0..nignore) are the
 * --ignore-paths patterns. Warnings go to stderr.
 */
int cf_buildcopy_make(cf_buildcopy *bc, cf_arena *a, const char *path,
    const char *const *ignore, size_t nignore);

/* msg with every path into the copy turned back into the path it was
 * copied from (for error messages), in a. */
const char *cf_buildcopy_unmap(const cf_buildcopy *bc, cf_arena *a,
    const char *msg);

/* Remove the copy (nothing when there is none). */
void cf_buildcopy_remove(cf_buildcopy *bc);

#endif
