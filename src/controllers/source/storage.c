/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact storage. Determinism is the point of the packer: the same tree
 * must give the same digest whatever the checkout's mtimes, owner or umask,
 * so the controller can tell "new artifact" from "same content again". We
 * therefore let libarchive write only the tar stream (its gzip filter would
 * stamp a time) and compress with zlib ourselves: deflate's gzip wrapper
 * writes mtime 0 and a fixed OS byte. The digest is taken over the
 * compressed bytes as they are written, as Flux does.
 *
 * Publication is temp file + fsync + rename in the object directory, so a
 * reader (the HTTP server, cf_storage_latest) sees either the old set of
 * files or the new one, never a partial file, and needs no lock.
 */
#include "controllers/source/storage.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

struct cf_storage {
	char *root; /* realpath of the root, no trailing slash */
};

#define TMP_PREFIX ".tmp-"

int cf_storage_open(cf_storage **out, const char *root)
{
	char *real;
	int error;

	*out = NULL;
	if ((error = cf_fs_mkdirs(root)) < 0)
		return cf_error_wrap("creating storage root");
	if (!(real = realpath(root, NULL)))
		return cf_error_os("resolving storage root '%s'", root);
	*out = cf_xcalloc(1, sizeof(cf_storage));
	(*out)->root = real;
	return 0;
}

void cf_storage_free(cf_storage *st)
{
	if (!st)
		return;
	free(st->root);
	free(st);
}

const char *cf_storage_root(const cf_storage *st)
{
	return st->root;
}

static int valid_component(const char *s)
{
	if (!s || !*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return 0;
	if (strlen(s) > 253)
		return 0;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return 1;
}

int cf_storage_artifact_path(char *out, size_t n, const char *kind,
    const char *ns, const char *name, const char *file)
{
	char lk[64];
	size_t i;

	if (!valid_component(kind) || strlen(kind) >= sizeof(lk) ||
	    !valid_component(ns) || !valid_component(name) ||
	    (file && !valid_component(file)))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid artifact path component");
	for (i = 0; kind[i]; i++)
		lk[i] = (char)tolower((unsigned char)kind[i]);
	lk[i] = '\0';
	int w = file ? snprintf(out, n, "%s/%s/%s/%s", lk, ns, name, file)
		     : snprintf(out, n, "%s/%s/%s", lk, ns, name);
	if (w < 0 || (size_t)w >= n)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "artifact path too long");
	return 0;
}

/* Lexical checks on a requested path before touching the disk. */
static int check_rel(const char *rel)
{
	const char *p = rel;

	if (!rel || rel[0] == '/' || !rel[0])
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if ((len == 2 && !strncmp(p, "..", 2)) ||
		    (len == 1 && p[0] == '.'))
			return 0;
		if (memchr(p, '\\', len))
			return 0;
		p += len;
		if (*p)
			p++;
	}
	return 1;
}

static int inside_root(const cf_storage *st, const char *abs)
{
	size_t rl = strlen(st->root);
	return !strncmp(abs, st->root, rl) && (abs[rl] == '/' || !abs[rl]);
}

int cf_storage_secure_path(char **out, const cf_storage *st, const char *rel)
{
	cf_buf full = CF_BUF_INIT;
	char *real;

	*out = NULL;
	if (!check_rel(rel))
		return cf_error_setc(CF_EFORBIDDEN, CF_ERR_INVALID,
		    "path escapes the storage root");
	cf_buf_addf(&full, "%s/%s", st->root, rel);
	real = realpath(full.buf, NULL);
	cf_buf_release(&full);
	if (!real) {
		if (errno == ENOENT || errno == ENOTDIR)
			return cf_error_setc(CF_ENOTFOUND, CF_ERR_OS,
			    "artifact not found");
		return cf_error_os("resolving artifact path");
	}
	/* realpath followed every symlink: the target must stay inside. */
	if (!inside_root(st, real)) {
		free(real);
		return cf_error_setc(CF_EFORBIDDEN, CF_ERR_INVALID,
		    "path escapes the storage root");
	}
	*out = real;
	return 0;
}

/* --- packing ------------------------------------------------------- */

struct packer {
	int fd;
	z_stream z;
	EVP_MD_CTX *md;
	uint64_t written, max;
	int failed; /* CF_* code of the first write failure */
	unsigned char zbuf[65536];
	const cf_ignore *ignore;
	struct archive *ar;
	char *src; /* the directory being packed */
};

static int flush_z(struct packer *pk, int flush)
{
	int zr;

	do {
		pk->z.next_out = pk->zbuf;
		pk->z.avail_out = sizeof(pk->zbuf);
		zr = deflate(&pk->z, flush);
		if (zr == Z_STREAM_ERROR)
			return cf_error_set(CF_ERR_OS, "deflate failed");
		size_t have = sizeof(pk->zbuf) - pk->z.avail_out;
		if (pk->written + have > pk->max)
			return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
			    "artifact exceeds %llu bytes",
			    (unsigned long long)pk->max);
		for (size_t off = 0; off < have;) {
			ssize_t w = write(pk->fd, pk->zbuf + off, have - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return cf_error_os("writing artifact");
			off += (size_t)w;
		}
		EVP_DigestUpdate(pk->md, pk->zbuf, have);
		pk->written += have;
	} while (pk->z.avail_out == 0 ||
	    (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

static la_ssize_t ar_write(struct archive *a, void *data, const void *buf,
    size_t len)
{
	struct packer *pk = data;
	int error;

	(void)a;
	if (pk->failed)
		return -1;
	pk->z.next_in = (unsigned char *)(uintptr_t)buf;
	pk->z.avail_in = (uInt)len;
	if ((error = flush_z(pk, Z_NO_FLUSH)) < 0) {
		pk->failed = error;
		return -1;
	}
	return (la_ssize_t)len;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ar_error(struct packer *pk, const char *what)
{
	if (pk->failed)
		return pk->failed;
	return cf_error_set(CF_ERR_OS, "%s: %s", what,
	    archive_error_string(pk->ar));
}

/* Add one regular file, read through an O_NOFOLLOW descriptor so a file
 * swapped for a symlink after the lstat cannot leak outside the tree. */
static int add_file(struct packer *pk, const char *abs, const char *rel,
    const struct stat *lst)
{
	struct archive_entry *e = NULL;
	struct stat st;
	char buf[65536];
	int fd, error = 0;

	if ((fd = open(abs, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return cf_error_os("opening '%s'", rel);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != lst->st_ino) {
		error = cf_error_set(CF_ERR_OS, "'%s' changed while packing",
		    rel);
		goto done;
	}
	if ((uint64_t)st.st_size > pk->max) {
		error = cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "file '%s' exceeds the artifact size limit", rel);
		goto done;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, rel);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, (st.st_mode & 0111) ? 0700 : 0600);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_mtime(e, 0, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (archive_write_header(pk->ar, e) != ARCHIVE_OK) {
		error = ar_error(pk, "writing tar header");
		goto done;
	}
	/* Exactly st_size bytes: a file growing meanwhile is truncated,
	 * one shrinking is an error (the header already promised more). */
	for (int64_t left = st.st_size; left > 0;) {
		ssize_t r = read(fd, buf, left < (int64_t)sizeof(buf) ?
		    (size_t)left : sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			error = r < 0 ? cf_error_os("reading '%s'", rel) :
			    cf_error_set(CF_ERR_OS, "'%s' shrank", rel);
			goto done;
		}
		if (archive_write_data(pk->ar, buf, (size_t)r) != r) {
			error = ar_error(pk, "writing tar data");
			goto done;
		}
		left -= r;
	}
done:
	if (e)
		archive_entry_free(e);
	close(fd);
	return error;
}

static int add_dir_entry(struct packer *pk, const char *rel)
{
	struct archive_entry *e = archive_entry_new();
	int error = 0;

	archive_entry_set_pathname(e, rel);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0750);
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_header(pk->ar, e) != ARCHIVE_OK)
		error = ar_error(pk, "writing tar header");
	archive_entry_free(e);
	return error;
}

/* Depth-first walk in byte order of names (stable across filesystems). */
static int walk(struct packer *pk, const char *rel, int depth)
{
	cf_buf abs = CF_BUF_INIT;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int error = 0;

	if (depth > 256)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "directory tree too deep");
	cf_buf_addf(&abs, "%s%s%s", pk->src, *rel ? "/" : "", rel);
	if (!(d = opendir(abs.buf))) {
		error = cf_error_os("opening '%s'", *rel ? rel : ".");
		cf_buf_release(&abs);
		return error;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		CF_GROW(names, alloc, n + 1);
		names[n++] = cf_xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && !error; i++) {
		cf_buf sub = CF_BUF_INIT, full = CF_BUF_INIT;
		struct stat st;
		cf_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		cf_buf_addf(&full, "%s/%s", pk->src, sub.buf);
		if (lstat(full.buf, &st) < 0) {
			error = cf_error_os("stat '%s'", sub.buf);
		} else if (S_ISDIR(st.st_mode)) {
			if (!pk->ignore ||
			    !cf_ignore_match(pk->ignore, sub.buf, 1)) {
				error = add_dir_entry(pk, sub.buf);
				if (!error)
					error = walk(pk, sub.buf, depth + 1);
			}
		} else if (S_ISREG(st.st_mode)) {
			if (!pk->ignore ||
			    !cf_ignore_match(pk->ignore, sub.buf, 0))
				error = add_file(pk, full.buf, sub.buf, &st);
		}
		/* Symlinks, sockets, devices and fifos are dropped. */
		cf_buf_release(&sub);
		cf_buf_release(&full);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cf_buf_release(&abs);
	return error;
}

static void hex_digest(char out[80], EVP_MD_CTX *md)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	static const char hx[] = "0123456789abcdef";
	char *p;

	EVP_DigestFinal_ex(md, h, &hl);
	p = out + snprintf(out, 80, "sha256:");
	for (unsigned int i = 0; i < hl && i < 32; i++) {
		*p++ = hx[h[i] >> 4];
		*p++ = hx[h[i] & 15];
	}
	*p = '\0';
}

int cf_storage_pack(cf_artifact_file *out, cf_storage *st, const char *rel,
    const char *dir, const cf_storage_pack_opts *opts)
{
	struct packer *pk = cf_xcalloc(1, sizeof(*pk));
	cf_buf objdir = CF_BUF_INIT, tmp = CF_BUF_INIT, dst = CF_BUF_INIT;
	int error = 0, zinit = 0;
	const char *slash;

	memset(out, 0, sizeof(*out));
	pk->fd = -1;
	if (!check_rel(rel) || strlen(rel) >= sizeof(out->path)) {
		error = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid artifact path");
		goto done;
	}
	if (!(pk->src = realpath(dir, NULL))) {
		error = cf_error_os("resolving '%s'", dir);
		goto done;
	}
	pk->ignore = opts ? opts->ignore : NULL;
	pk->max = opts && opts->max_size ? opts->max_size :
	    CF_STORAGE_MAX_ARTIFACT;
	slash = strrchr(rel, '/');
	cf_buf_addf(&objdir, "%s/%.*s", st->root,
	    slash ? (int)(slash - rel) : 0, rel);
	if ((error = cf_fs_mkdirs(objdir.buf)) < 0)
		goto done;
	cf_buf_addf(&dst, "%s/%s", st->root, rel);
	cf_buf_addf(&tmp, "%s/" TMP_PREFIX "XXXXXX", objdir.buf);
	if ((pk->fd = mkostemp(tmp.buf, O_CLOEXEC)) < 0) {
		error = cf_error_os("creating temporary artifact");
		goto done;
	}
	/* windowBits 15+16: gzip wrapper with mtime 0, no name; level 6, as
	 * Go's gzip default that Flux writes with (9 costs 3x the time). */
	if (deflateInit2(&pk->z, 6, Z_DEFLATED, 15 + 16, 8,
	        Z_DEFAULT_STRATEGY) != Z_OK) {
		error = cf_error_set(CF_ERR_OS, "deflateInit failed");
		goto done;
	}
	zinit = 1;
	pk->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(pk->md, EVP_sha256(), NULL);
	pk->ar = archive_write_new();
	archive_write_set_format_pax_restricted(pk->ar);
	archive_write_set_bytes_per_block(pk->ar, 10240);
	if (archive_write_open2(pk->ar, pk, NULL, ar_write, NULL, NULL) !=
	    ARCHIVE_OK) {
		error = ar_error(pk, "opening tar writer");
		goto done;
	}
	if ((error = walk(pk, "", 0)) < 0)
		goto done;
	if (archive_write_close(pk->ar) != ARCHIVE_OK) {
		error = ar_error(pk, "closing tar writer");
		goto done;
	}
	pk->z.next_in = NULL;
	pk->z.avail_in = 0;
	if ((error = flush_z(pk, Z_FINISH)) < 0)
		goto done;
	if (fchmod(pk->fd, 0600) < 0 || fsync(pk->fd) < 0) {
		error = cf_error_os("syncing artifact");
		goto done;
	}
	close(pk->fd);
	pk->fd = -1;
	if (rename(tmp.buf, dst.buf) < 0) {
		error = cf_error_os("publishing artifact '%s'", rel);
		goto done;
	}
	snprintf(out->path, sizeof(out->path), "%s", rel);
	hex_digest(out->digest, pk->md);
	out->size = (int64_t)pk->written;
done:
	if (pk->ar)
		archive_write_free(pk->ar);
	if (zinit)
		deflateEnd(&pk->z);
	if (pk->md)
		EVP_MD_CTX_free(pk->md);
	if (pk->fd >= 0) {
		close(pk->fd);
		unlink(tmp.buf);
	}
	free(pk->src);
	free(pk);
	cf_buf_release(&objdir);
	cf_buf_release(&tmp);
	cf_buf_release(&dst);
	return error;
}

int cf_storage_digest(char out[80], const cf_storage *st, const char *rel)
{
	char *abs, buf[65536];
	EVP_MD_CTX *md;
	ssize_t r;
	int fd, error = 0;

	if ((error = cf_storage_secure_path(&abs, st, rel)) < 0)
		return error;
	fd = open(abs, O_RDONLY | O_CLOEXEC);
	free(abs);
	if (fd < 0)
		return cf_error_os("opening artifact '%s'", rel);
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error = cf_error_os("reading artifact '%s'", rel);
			break;
		}
		EVP_DigestUpdate(md, buf, (size_t)r);
	}
	close(fd);
	if (!error)
		hex_digest(out, md);
	EVP_MD_CTX_free(md);
	return error;
}

/* --- listing, latest and GC ----------------------------------------- */

struct afile {
	char *name;
	struct timespec mtime;
};

static int newest_first(const void *a, const void *b)
{
	const struct afile *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
	return strcmp(y->name, x->name);
}

#define LIST_MAX 10000 /* Flux caps the GC walk too */

/* Artifact files of an object dir, newest first; *n = 0 if none. */
static int list_artifacts(struct afile **out, size_t *n, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? CF_ENOTFOUND :
		    cf_error_os("listing artifacts");
	while ((de = readdir(d)) && *n < LIST_MAX) {
		struct stat st;
		size_t nl = strlen(de->d_name);
		if (de->d_name[0] == '.' ||
		    (nl > 5 && !strcmp(de->d_name + nl - 5, ".lock")))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		CF_GROW(*out, alloc, *n + 1);
		(*out)[*n].name = cf_xstrdup(de->d_name);
		(*out)[(*n)++].mtime = st.st_mtim;
	}
	closedir(d);
	qsort(*out, *n, sizeof(**out), newest_first);
	return 0;
}

static void free_list(struct afile *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i].name);
	free(l);
}

int cf_storage_latest(char *out, size_t n, const cf_storage *st,
    const char *kind, const char *ns, const char *name)
{
	char rel[512];
	cf_buf dir = CF_BUF_INIT;
	struct afile *l;
	size_t cnt;
	int error;

	if ((error = cf_storage_artifact_path(rel, sizeof(rel), kind, ns,
	         name, NULL)) < 0)
		return error;
	cf_buf_addf(&dir, "%s/%s", st->root, rel);
	error = list_artifacts(&l, &cnt, dir.buf);
	cf_buf_release(&dir);
	if (error < 0 || !cnt) {
		if (!error)
			free_list(l, cnt);
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_OS,
		    "no artifact for '%s'", rel);
	}
	if (snprintf(out, n, "%s/%s", rel, l[0].name) >= (int)n)
		error = cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "artifact path too long");
	free_list(l, cnt);
	return error;
}

int cf_storage_gc(size_t *removed, cf_storage *st, const char *kind,
    const char *ns, const char *name, const char *keep, size_t keep_n,
    int64_t ttl_sec)
{
	char rel[512];
	cf_buf dir = CF_BUF_INIT;
	struct afile *l = NULL;
	size_t cnt = 0, kept = 0, gone = 0;
	const char *keep_base = NULL;
	struct timespec now;
	int error;

	if (removed)
		*removed = 0;
	if ((error = cf_storage_artifact_path(rel, sizeof(rel), kind, ns,
	         name, NULL)) < 0)
		return error;
	if (keep) {
		size_t rl = strlen(rel);
		if (!strncmp(keep, rel, rl) && keep[rl] == '/')
			keep_base = keep + rl + 1;
	}
	cf_buf_addf(&dir, "%s/%s", st->root, rel);
	error = list_artifacts(&l, &cnt, dir.buf);
	if (error == CF_ENOTFOUND) {
		error = 0;
		goto done;
	}
	if (error < 0)
		goto done;
	clock_gettime(CLOCK_REALTIME, &now);
	if (keep_base)
		for (size_t i = 0; i < cnt; i++)
			if (!strcmp(l[i].name, keep_base))
				kept = 1;
	for (size_t i = 0; i < cnt; i++) {
		if (keep_base && !strcmp(l[i].name, keep_base))
			continue;
		/* Young files and the newest keep_n survive. */
		if (now.tv_sec - l[i].mtime.tv_sec < ttl_sec || kept < keep_n) {
			kept++;
			continue;
		}
		cf_buf path = CF_BUF_INIT;
		cf_buf_addf(&path, "%s/%s", dir.buf, l[i].name);
		if (unlink(path.buf) < 0 && errno != ENOENT)
			error = cf_error_os("removing artifact '%s'", l[i].name);
		else
			gone++;
		cf_buf_release(&path);
		if (error)
			break;
	}
done:
	if (removed)
		*removed = gone;
	free_list(l, cnt);
	cf_buf_release(&dir);
	return error;
}

int cf_storage_remove_all(cf_storage *st, const char *kind, const char *ns,
    const char *name)
{
	char rel[512];
	int error;

	if ((error = cf_storage_artifact_path(rel, sizeof(rel), kind, ns,
	         name, NULL)) < 0)
		return error;
	/* No symlink is followed: rm_tree opens with O_NOFOLLOW. */
	int rfd = open(st->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rfd < 0)
		return cf_error_os("opening storage root");
	error = cf_fs_remove_tree_at(rfd, rel);
	close(rfd);
	return error;
}
