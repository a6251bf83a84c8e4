/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safe unpacking of gzip'ed tarballs (libarchive), for every reader of
 * artifacts: the appliers' downloads and the source controller's includes.
 * Nothing in the archive is trusted: only regular files and directories
 * are created, names must stay inside the target directory, every
 * directory is entered with O_NOFOLLOW, and the entry count and the
 * unpacked size are capped on the bytes actually written (decompression
 * bombs). Packing lives with the storage that owns the files.
 */
#ifndef CF_CORE_ARCHIVE_H
#define CF_CORE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CF_ARCHIVE_MAX_UNTAR (500ull << 20) /* unpacked bytes */
#define CF_ARCHIVE_MAX_ENTRIES 100000u
#define CF_ARCHIVE_MAX_DEPTH 32             /* directory levels */

/* Zero means default for every field. */
typedef struct cf_untar_opts {
	uint64_t max_untar;    /* 0 = CF_ARCHIVE_MAX_UNTAR */
	uint32_t max_entries;  /* 0 = CF_ARCHIVE_MAX_ENTRIES */
	/* Leave symbolic links out instead of failing. Hard links, devices
	 * and FIFOs are always refused. */
	bool skip_symlinks;
} cf_untar_opts;

/*
 * Unpack the gzip'ed tarball at path into dir, which must be absent (it
 * is created, mode 0755; its parent must exist) or an empty directory.
 * Leading "./" and repeated slashes in names are ignored; names deeper
 * than CF_ARCHIVE_MAX_DEPTH levels are refused. Files get mode 0644
 * (0755 when the archive marks them executable), directories 0755;
 * owners and times are not restored.
 *
 * Returns 0; CF_ENOTFOUND if path is absent; CF_EEXISTS if dir is not
 * empty; CF_EINVALID for a file that is not a gzip'ed tar, a corrupt
 * archive, an absolute name, one with a ".." component or one too deep,
 * and for symlinks (unless skipped), hard links and special files;
 * CF_ETOOLARGE past max_entries or max_untar. On error dir may hold part
 * of the archive: the caller removes it.
 */
int cf_archive_untar_file(const char *path, const char *dir,
    const cf_untar_opts *opts);

/* The same from memory (data[0..len)), e.g. an artifact already read. */
int cf_archive_untar_mem(const void *data, size_t len, const char *dir,
    const cf_untar_opts *opts);

#endif
