/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact storage: paths, confinement, digests, "latest" and garbage
 * collection. The packer is pack.c.
 *
 * Publication is temp file + fsync + rename in the object directory, so a
 * reader (the HTTP server, cf_storage_latest) sees either the old set of
 * files or the new one, never a partial file, and needs no lock.
 */
#include "controllers/source/storage.h"
#include "controllers/source/storage_int.h"

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

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

struct cf_storage {
	char *root; /* realpath of the root, no trailing slash */
};


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
int cf_storage__check_rel(const char *rel)
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
	if (!cf_storage__check_rel(rel))
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

void cf_storage__hex_digest(char out[80], EVP_MD_CTX *md)
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
		cf_storage__hex_digest(out, md);
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
