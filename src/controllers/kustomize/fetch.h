/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact fetching for the appliers (spec/flux-api.md §2.1 "Consumers"):
 * download a source's tar.gz over HTTP with a size cap, verify its
 * "<algo>:<hex>" digest, and unpack it into a fresh directory. Unpacking
 * trusts nothing in the archive: only regular files and directories are
 * created, names must stay inside the directory, and the entry count and
 * unpacked size are capped (decompression bombs). Resolving which
 * artifact to fetch, retries and host overrides are the caller's job.
 */
#ifndef CF_CONTROLLERS_KUSTOMIZE_FETCH_H
#define CF_CONTROLLERS_KUSTOMIZE_FETCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/archive.h"

typedef struct cf_http cf_http;

#define CF_FETCH_MAX_DOWNLOAD (100ull << 20) /* compressed bytes */
/* Unpacking caps: core/archive.h's. */
#define CF_FETCH_MAX_UNTAR CF_ARCHIVE_MAX_UNTAR
#define CF_FETCH_MAX_ENTRIES CF_ARCHIVE_MAX_ENTRIES
#define CF_FETCH_MAX_DEPTH CF_ARCHIVE_MAX_DEPTH

/* Zero means default for every field. */
typedef struct cf_fetch_opts {
	uint64_t max_download; /* 0 = CF_FETCH_MAX_DOWNLOAD */
	uint64_t max_untar;    /* 0 = CF_FETCH_MAX_UNTAR */
	uint32_t max_entries;  /* 0 = CF_FETCH_MAX_ENTRIES */
	long timeout_ms;       /* download; 0 = the session's */
	/* Set non-zero by another thread to abort the download (shutdown,
	 * a newer revision); the fetch then fails with CF_ERROR. */
	const atomic_int *cancel;
	/* Leave symbolic links out instead of failing (source-controller
	 * never packs them; other producers might). Hard links, devices
	 * and FIFOs are always refused. */
	bool skip_symlinks;
} cf_fetch_opts;

/*
 * GET url (http:// or https://) with session h, check the digest of the
 * bytes received (digest "sha256:<hex>", also sha384/sha512; NULL or ""
 * skips the check) and unpack them into dir as cf_fetch_untar_file()
 * does. The download is streamed to a temporary file next to dir, removed
 * afterwards.
 *
 * Returns 0; CF_ENOTFOUND for HTTP 404 (the source is not ready yet);
 * CF_EINVALID for another scheme, an unknown digest algorithm or a digest
 * mismatch ("failed to verify artifact: computed digest doesn't match
 * '<digest>'"); CF_ETOOLARGE past a cap; CF_ETIMEOUT; CF_ERROR for other
 * statuses and transport failures; unpacking errors as below.
 */
int cf_fetch_artifact(cf_http *h, const char *url, const char *digest,
    const char *dir, const cf_fetch_opts *opts);

/*
 * Check that the file at path has digest ("<algo>:<hex>"). Returns 0,
 * CF_EINVALID on mismatch or an unknown algorithm, CF_ENOTFOUND or
 * CF_ERROR when the file cannot be read.
 */
int cf_fetch_verify_file(const char *path, const char *digest);

/*
 * Unpack the gzip'ed tarball at path into dir, which must be absent (it
 * is created, mode 0755; its parent must exist) or an empty directory.
 * Leading "./" and repeated slashes in names are ignored; names deeper
 * than CF_FETCH_MAX_DEPTH levels are refused. Files get mode
 * 0644 (0755 when the archive marks them executable), directories 0755;
 * owners and times are not restored.
 *
 * Returns 0; CF_EEXISTS if dir is not empty; CF_EINVALID for a file that
 * is not a gzip'ed tar, a corrupt archive, an absolute name, one with a
 * ".." component or one too deep, and for symlinks (unless skipped), hard links and
 * special files; CF_ETOOLARGE past max_entries or max_untar. On error dir
 * may hold part of the archive: the caller removes it.
 */
int cf_fetch_untar_file(const char *path, const char *dir,
    const cf_fetch_opts *opts);

/* The same from memory (data[0..len)), e.g. an artifact already read. */
int cf_fetch_untar_mem(const void *data, size_t len, const char *dir,
    const cf_fetch_opts *opts);

#endif
