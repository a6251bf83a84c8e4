/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Small file-system helpers: capped whole-file reads, atomic writes
 * (temporary file, fsync, rename) and mkdir -p. Paths are trusted here;
 * confinement to a root (kustomize, archives) is the caller's job.
 */
#ifndef CF_CORE_FS_H
#define CF_CORE_FS_H

#include <stddef.h>

#include "core/buf.h"

/* Create dir and its parents with mode 0700 where missing. */
int cf_fs_mkdirs(const char *dir);

/* Append the whole file to out, refusing files over cap bytes with
 * CF_ETOOLARGE (checked while reading). CF_ENOTFOUND if it is absent. */
int cf_fs_read(cf_buf *out, const char *path, size_t cap);

/* Replace path with data atomically; the file gets mode (e.g. 0600). */
int cf_fs_write_atomic(const char *path, const void *data, size_t len,
    int mode);

/* rm -rf of name relative to directory fd dfd (AT_FDCWD for the working
 * directory), never following a symlink; 0 when it did not exist. Trees
 * deeper than 64 levels are refused. */
int cf_fs_remove_tree_at(int dfd, const char *name);
int cf_fs_remove_tree(const char *path);

#endif
