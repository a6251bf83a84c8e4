/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact storage: the directory tree the artifact HTTP server serves,
 * laid out as Flux's <kind>/<namespace>/<name>/<file> (spec/flux-api.md
 * §2.1). Owns deterministic tar.gz packing with its sha256 digest, atomic
 * publication (temp file + rename), "latest" lookup, garbage collection
 * and the confinement check for every path served. It does not serve HTTP
 * and does not know about Kubernetes objects.
 */
#ifndef CF_SOURCE_STORAGE_H
#define CF_SOURCE_STORAGE_H

#include <stddef.h>
#include <stdint.h>

#include "controllers/source/ignore.h"

typedef struct cf_storage cf_storage;

/* Result of packing: the relative path, digest and size of the file. */
typedef struct cf_artifact_file {
	char path[512];   /* relative to the storage root */
	char digest[80];  /* "sha256:<64 hex>" over the compressed bytes */
	int64_t size;
} cf_artifact_file;

typedef struct cf_storage_pack_opts {
	const cf_ignore *ignore; /* NULL: pack everything */
	uint64_t max_size;       /* 0: CF_STORAGE_MAX_ARTIFACT */
	/* A file the packer keeps for this source (outside the storage
	 * root): which chunks the last artifact packed from the same
	 * directory holds. Unchanged chunks are then copied from that
	 * artifact instead of being read and compressed again. NULL: none
	 * (pack everything). Only worth it for a directory that is updated
	 * in place, such as a kept work tree. */
	const char *index;
} cf_storage_pack_opts;

#define CF_STORAGE_MAX_ARTIFACT (50ull << 20)

/* Open (creating with mode 0700) the storage root. *out is the caller's;
 * the root is resolved with realpath() once. */
int cf_storage_open(cf_storage **out, const char *root);
void cf_storage_free(cf_storage *st);
/* The resolved root, borrowed from st. */
const char *cf_storage_root(const cf_storage *st);

/* Build the relative artifact path "<kind>/<ns>/<name>/<file>" into out.
 * kind is lowercased; every component must be a single non-empty name
 * without '/', NUL, "." or "..". CF_EINVALID otherwise. */
int cf_storage_artifact_path(char *out, size_t n, const char *kind,
    const char *ns, const char *name, const char *file);

/* Resolve a requested relative path (an HTTP path) to an absolute one
 * confined to the root: rejects absolute paths, ".." segments, NUL and
 * symlinks whose target leaves the root (CF_EFORBIDDEN); CF_ENOTFOUND if
 * it does not exist. *out is malloc'ed, the caller frees it. */
int cf_storage_secure_path(char **out, const cf_storage *st, const char *rel);

/* Pack dir into rel (from cf_storage_artifact_path) as a deterministic
 * tar.gz: sorted entries, regular files and directories only (symlinks and
 * specials dropped), uid/gid 0, no names, mtime 0, modes 0600/0700/0750,
 * gzip members with fixed headers, cut where the entries' names say (so
 * the same tree always gives the same bytes). Written to a temp file,
 * fsync'ed, renamed into place with mode 0600. CF_ETOOLARGE past the size
 * cap. */
int cf_storage_pack(cf_artifact_file *out, cf_storage *st, const char *rel,
    const char *dir, const cf_storage_pack_opts *opts);

/* sha256 of the file at rel as "sha256:<hex>"; CF_ENOTFOUND if absent. */
int cf_storage_digest(char out[80], const cf_storage *st, const char *rel);

/* The newest artifact (by mtime, then name) in the object directory
 * kind/ns/name, as a relative path. Temp and lock files are skipped; works
 * without locks because files only ever appear by rename. CF_ENOTFOUND
 * when there is none. */
int cf_storage_latest(char *out, size_t n, const cf_storage *st,
    const char *kind, const char *ns, const char *name);

/* Remove artifacts of kind/ns/name other than keep (a relative path, may
 * be NULL): the keep_n most recent files (counting keep) and any younger
 * than ttl_sec stay. *removed (optional) gets the count deleted. */
int cf_storage_gc(size_t *removed, cf_storage *st, const char *kind,
    const char *ns, const char *name, const char *keep, size_t keep_n,
    int64_t ttl_sec);

/* Remove the whole object directory (on object deletion). */
int cf_storage_remove_all(cf_storage *st, const char *kind, const char *ns,
    const char *name);

#endif
