/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Safe unpacking of gzip'ed tarballs.
 *
 * The tarball comes from a source that may be an attacker's OCI image,
 * bucket or Git repository. Names are cleaned and checked before anything
 * is created, every directory on the way is opened with openat(O_NOFOLLOW)
 * from the root's descriptor (so nothing the archive did earlier can
 * redirect a later write, even if a link slipped in), and sizes are
 * counted on the bytes actually written, not on what headers claim. Only
 * gzip'ed tar is accepted, as Flux's untar does.
 */
#include "core/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"

#define IO_CHUNK (64u << 10)

struct limits {
	uint64_t max_untar;
	uint32_t max_entries;
	bool skip_symlinks;
};

/* The caps in force: opts with zero fields replaced by the defaults. */
static struct limits limits_of(const cf_untar_opts *o)
{
	struct limits l = { CF_ARCHIVE_MAX_UNTAR, CF_ARCHIVE_MAX_ENTRIES,
		false };

	if (o) {
		if (o->max_untar)
			l.max_untar = o->max_untar;
		if (o->max_entries)
			l.max_entries = o->max_entries;
		l.skip_symlinks = o->skip_symlinks;
	}
	return l;
}

/* Create dir, or accept it if it is an empty directory; open it. */
static int open_root(int *out, const char *dir)
{
	struct dirent *d;
	DIR *dp;

	if (mkdir(dir, 0755) < 0) {
		if (errno != EEXIST)
			return cf_error_os("cannot create '%s'", dir);
		if (!(dp = opendir(dir)))
			return cf_error_os("cannot open '%s'", dir);
		while ((d = readdir(dp))) {
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
				closedir(dp);
				return cf_error_setc(CF_EEXISTS, CF_ERR_OS,
				    "'%s' is not empty", dir);
			}
		}
		closedir(dp);
	}
	if ((*out = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return cf_error_os("cannot open '%s'", dir);
	return 0;
}

/*
 * Clean an entry name into out: drop empty and "." components, refuse
 * absolute names and "..". out is "" for the root itself. The depth cap
 * keeps the tree within what cf_fs_remove_tree() can clean up.
 */
static int clean_name(char *out, size_t n, const char *name)
{
	const char *p = name, *e;
	size_t len = 0, k, depth = 0;

	if (*name == '/')
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot unpack '%s': absolute path", name);
	while (*p) {
		e = strchrnul(p, '/');
		k = (size_t)(e - p);
		if (k == 2 && p[0] == '.' && p[1] == '.')
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "cannot unpack '%s': path leaves the directory",
			    name);
		if (k > 0 && !(k == 1 && p[0] == '.')) {
			if (len + k + 2 > n)
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID,
				    "cannot unpack '%.64s...': name too long",
				    name);
			if (++depth > CF_ARCHIVE_MAX_DEPTH)
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID,
				    "cannot unpack '%.64s...': more than %d "
				    "levels deep", name, CF_ARCHIVE_MAX_DEPTH);
			if (len)
				out[len++] = '/';
			memcpy(out + len, p, k);
			len += k;
		}
		p = *e ? e + 1 : e;
	}
	out[len] = '\0';
	return 0;
}

/*
 * Walk rel's directories from rootfd, creating them (0755) as needed, and
 * return a descriptor on the last one; with last_too the final component
 * is a directory as well. *base points at the final component.
 */
static int walk_dirs(int *out, int rootfd, char *rel, bool last_too,
    const char **base)
{
	int fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), nfd;
	char *p = rel, *slash = NULL;
	int saved;

	if (fd < 0)
		return cf_error_os("cannot open the target directory");
	for (;;) {
		slash = strchr(p, '/');
		if (!slash && !last_too)
			break;
		if (slash)
			*slash = '\0';
		if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
			goto fail;
		nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (nfd < 0)
			goto fail;
		close(fd);
		fd = nfd;
		if (!slash)
			break;
		*slash = '/';
		p = slash + 1;
	}
	*base = p;
	*out = fd;
	return 0;
fail:
	/* A file (or, were one ever created, a link) is in the way. */
	saved = errno;
	if (slash)
		*slash = '/';
	close(fd);
	errno = saved;
	return cf_error_os("cannot unpack '%s'", rel);
}

struct untar {
	struct archive *ar;
	int rootfd;
	struct limits lim;
	uint64_t total;
	uint32_t entries;
	char *buf;
};

/* The unpacked-size cap was hit (Flux's wording for the same check). */
static int too_large(const struct untar *u)
{
	return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
	    "artifact is bigger than the max untar size of %llu bytes",
	    (unsigned long long)u->lim.max_untar);
}

/*
 * One regular file. The header's size is checked first so an obvious
 * bomb fails before any write; the bytes actually read are counted too,
 * because a header can understate what a corrupt stream delivers.
 */
static int unpack_file(struct untar *u, struct archive_entry *e, char *rel)
{
	mode_t mode = (archive_entry_perm(e) & 0111) ? 0755 : 0644;
	la_int64_t size = archive_entry_size(e);
	const char *base;
	la_ssize_t r;
	int dfd, fd, err;

	if (size < 0 || (uint64_t)size > u->lim.max_untar - u->total)
		return too_large(u);
	if ((err = walk_dirs(&dfd, u->rootfd, rel, false, &base)) < 0)
		return err;
	fd = openat(dfd, base, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	close(dfd);
	if (fd < 0)
		return cf_error_os("cannot create '%s'", rel);
	fchmod(fd, mode);
	while ((r = archive_read_data(u->ar, u->buf, IO_CHUNK)) > 0) {
		if ((uint64_t)r > u->lim.max_untar - u->total) {
			err = too_large(u);
			goto done;
		}
		u->total += (uint64_t)r;
		for (la_ssize_t off = 0, w; off < r; off += w) {
			w = write(fd, u->buf + off, (size_t)(r - off));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0) {
				err = cf_error_os("cannot write '%s'", rel);
				goto done;
			}
		}
	}
	if (r < 0)
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot unpack '%s': %s", rel,
		    archive_error_string(u->ar));
done:
	close(fd);
	return err;
}

/* Refuse (or skip) everything that is not a file or a directory. */
static int check_type(const struct untar *u, struct archive_entry *e,
    const char *name, bool *skip)
{
	mode_t t = archive_entry_filetype(e);
	const char *what = NULL;

	*skip = false;
	if (archive_entry_hardlink(e))
		what = "hard links are not allowed";
	else if (t == AE_IFLNK && u->lim.skip_symlinks)
		*skip = true;
	else if (t == AE_IFLNK)
		what = "symbolic links are not allowed";
	else if (t != AE_IFREG && t != AE_IFDIR)
		what = "unsupported file type";
	if (what)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot unpack '%s': %s", name, what);
	return 0;
}

/* One archive entry: count it, vet its type and name, create it. */
static int unpack_entry(struct untar *u, struct archive_entry *e)
{
	const char *name = archive_entry_pathname(e), *base;
	char rel[PATH_MAX];
	bool skip;
	int err, fd;

	if (!name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot unpack an entry with an unreadable name");
	if (++u->entries > u->lim.max_entries)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "artifact has more than %u entries", u->lim.max_entries);
	if ((err = check_type(u, e, name, &skip)) < 0 || skip ||
	    (err = clean_name(rel, sizeof(rel), name)) < 0)
		return err;
	if (archive_entry_filetype(e) == AE_IFREG) {
		if (!*rel)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "cannot unpack '%s': not a file name", name);
		return unpack_file(u, e, rel);
	}
	if (!*rel)
		return 0; /* "./" */
	if ((err = walk_dirs(&fd, u->rootfd, rel, true, &base)) < 0)
		return err;
	close(fd);
	return 0;
}

/* Read every entry of an opened archive into dir. */
static int untar(struct archive *ar, const char *dir, const cf_untar_opts *o)
{
	struct untar u = { ar, -1, limits_of(o), 0, 0, NULL };
	struct archive_entry *e;
	bool first = true;
	int r, err = 0;

	if ((err = open_root(&u.rootfd, dir)) < 0)
		return err;
	u.buf = cf_xmalloc(IO_CHUNK);
	for (;;) {
		r = archive_read_next_header(ar, &e);
		/* Flux reads artifacts with gzip.NewReader: plain or
		 * otherwise compressed tarballs are refused. */
		if (first && r != ARCHIVE_FATAL &&
		    archive_filter_code(ar, 0) != ARCHIVE_FILTER_GZIP) {
			err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "artifact is not a gzip'ed tarball");
			break;
		}
		first = false;
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "cannot read artifact: %s",
			    archive_error_string(ar));
			break;
		}
		if ((err = unpack_entry(&u, e)) < 0)
			break;
	}
	free(u.buf);
	close(u.rootfd);
	return err;
}

/* A libarchive reader for tar (ustar, pax, GNU) behind gzip only. */
static struct archive *reader_new(void)
{
	struct archive *ar = archive_read_new();

	if (!ar)
		CF_BUG("archive_read_new failed");
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_tar(ar);
	return ar;
}

int cf_archive_untar_file(const char *path, const char *dir,
    const cf_untar_opts *opts)
{
	struct archive *ar = reader_new();
	int err;

	if (archive_read_open_filename(ar, path, IO_CHUNK) != ARCHIVE_OK) {
		err = cf_error_setc(access(path, F_OK) ? CF_ENOTFOUND :
		    CF_EINVALID, CF_ERR_INVALID, "cannot read '%s': %s", path,
		    archive_error_string(ar));
		archive_read_free(ar);
		return err;
	}
	err = untar(ar, dir, opts);
	archive_read_free(ar);
	return err;
}

int cf_archive_untar_mem(const void *data, size_t len, const char *dir,
    const cf_untar_opts *opts)
{
	struct archive *ar = reader_new();
	int err;

	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "cannot read artifact: %s", archive_error_string(ar));
		archive_read_free(ar);
		return err;
	}
	err = untar(ar, dir, opts);
	archive_read_free(ar);
	return err;
}
