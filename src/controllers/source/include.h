/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitRepository includes (spec.include, spec/flux-api.md §2.3): reading
 * the list, resolving each included GitRepository of the same namespace
 * through the API to its stored artifact, refusing include cycles, and
 * copying an included artifact's (sub)tree from local storage into a work
 * directory. Paths are checked lexically and every directory of the work
 * tree is entered without following links, so neither a spec nor a
 * hostile archive nor a symlink in the including repository can write
 * outside the work directory. Conditions, reasons and requeues are the
 * reconciler's (gitrepository.c).
 */
#ifndef CF_SOURCE_INCLUDE_H
#define CF_SOURCE_INCLUDE_H

#include <stddef.h>

#include "client/client.h"
#include "controllers/source/storage.h"
#include "core/arena.h"
#include "core/node.h"

/* At most this many GitRepositories are visited looking for a cycle. */
#define CF_INCLUDE_MAX_WALK 64

/* One spec.include entry; strings borrowed from the spec or the arena. */
typedef struct cf_include {
	const char *name;      /* repository.name */
	const char *from_path; /* as written, "" when unset (the root) */
	const char *to_path;   /* as written, the name when unset */
	const cf_node *artifact; /* status.artifact, after resolving */
} cf_include;

/* Read spec.include of the GitRepository self into *out (n entries, in
 * a; *out NULL when there are none). CF_EINVALID, with a message naming
 * spec.include[i], for an entry without repository.name or one naming
 * self. */
int cf_include_read(cf_include **out, size_t *n, cf_arena *a,
    const cf_node *spec, const char *self);

/* Clean a relative path into out: "." and empty components dropped,
 * ".." applied. CF_EINVALID ("<field>: ...") for an absolute path, one
 * that climbs above the root, or (unless allow_root) one that is the
 * root itself; out is "" for the root. */
int cf_include_clean_path(char *out, size_t n, const char *path,
    const char *field, int allow_root);

/* Look up each include in namespace ns through c (copies in a) and set
 * its artifact. On failure *reason is Flux's: "NotFound" (the object
 * does not exist), "NoArtifact" (it has none yet), or "IncludeCycle"
 * (following includes leads back to self); the message says which. */
int cf_include_resolve(cf_include *inc, size_t n, cf_arena *a,
    cf_client *c, const char *ns, const char *self, const char **reason);

/* Copy the subtree from (cleaned, "" = root) of the artifact described
 * by the status.artifact node art, read from st, into the directory
 * work at to (cleaned, not ""). The artifact's digest is checked first;
 * it is unpacked in a scratch directory made under scratch_parent (same
 * file system as work) and moved into place, replacing an empty
 * directory, as Flux does. Returns 0; CF_ENOTFOUND when the artifact or
 * from is missing; CF_EINVALID for a digest mismatch, a hostile archive
 * or a link or file on the way to to; CF_EEXISTS when to is a non-empty
 * directory. */
int cf_include_copy(const cf_storage *st, const cf_node *art,
    const char *from, const char *work, const char *to,
    const char *scratch_parent);

#endif
