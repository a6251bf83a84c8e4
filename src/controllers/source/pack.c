/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The artifact packer behind cf_storage_pack. Determinism is the point:
 * the same tree gives the same bytes, hence the same digest, whatever the
 * checkout's mtimes, owner or umask. libarchive writes only the tar
 * stream (its gzip filter would stamp a time); zlib compresses it with a
 * gzip wrapper that writes mtime 0 and a fixed OS byte.
 *
 * The tar stream is cut, at entry boundaries chosen from the entries'
 * names (and a size cap), into chunks, each compressed as its own gzip
 * member. A gzip file of several members is one stream to every reader
 * (gzip, Go's compress/gzip, libarchive, Python's tarfile), and deflate's
 * 32 KiB window means little is lost by the cuts. With an index
 * (opts->index) a chunk whose entries have the same names and stat
 * signatures as when the previous artifact was packed is copied from
 * that artifact, not read and compressed again: a one-file commit in a
 * kept work tree repacks one chunk. The bytes are the same either way.
 */
#include "controllers/source/storage.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "controllers/source/storage_int.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

#define CHUNK_EVERY 32            /* ~1 entry in 32 starts a chunk */
#define CHUNK_MAX_RAW (1u << 20)  /* tar bytes before a forced cut */
#define INDEX_MAX (16u << 20)     /* bytes of index read */
#define INDEX_MAGIC "cflux-pack 1"

struct entry {
	char *rel;
	struct stat st;
	bool dir;
};

/* A chunk of the previous artifact, from the index. */
struct old_chunk {
	char key[65];
	uint64_t off, len;
};

struct packer {
	int fd;
	z_stream z;
	bool zinit;
	EVP_MD_CTX *md;
	uint64_t written, max;
	int failed; /* CF_* code of the first write failure */
	unsigned char zbuf[65536];
	const cf_ignore *ignore;
	struct archive *ar;
	char *src; /* the directory being packed */
	struct entry *ents;
	size_t nents, aents;
	/* the previous artifact and its chunks (index), if usable */
	int old_fd;
	struct old_chunk *old;
	size_t nold;
	cf_buf index; /* the new index, built as chunks are written */
};

/* ---- output ---- */

static int out_write(struct packer *pk, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (pk->written + len > pk->max)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "artifact exceeds %llu bytes", (unsigned long long)pk->max);
	for (size_t off = 0; off < len;) {
		ssize_t w = write(pk->fd, p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cf_error_os("writing artifact");
		off += (size_t)w;
	}
	EVP_DigestUpdate(pk->md, p, len);
	pk->written += len;
	return 0;
}

static int flush_z(struct packer *pk, int flush)
{
	int zr, error;

	do {
		pk->z.next_out = pk->zbuf;
		pk->z.avail_out = sizeof(pk->zbuf);
		zr = deflate(&pk->z, flush);
		if (zr == Z_STREAM_ERROR)
			return cf_error_set(CF_ERR_OS, "deflate failed");
		if ((error = out_write(pk, pk->zbuf,
		    sizeof(pk->zbuf) - pk->z.avail_out)) < 0)
			return error;
	} while (pk->z.avail_out == 0 ||
	    (flush == Z_FINISH && zr != Z_STREAM_END));
	return 0;
}

/* Start a gzip member: windowBits 15+16 is the gzip wrapper with mtime
 * 0 and no name; level 6 is Go's default, which Flux writes with. */
static int member_begin(struct packer *pk)
{
	if (pk->zinit)
		return deflateReset(&pk->z) == Z_OK ? 0 :
		    cf_error_set(CF_ERR_OS, "deflateReset failed");
	if (deflateInit2(&pk->z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return cf_error_set(CF_ERR_OS, "deflateInit failed");
	pk->zinit = true;
	return 0;
}

static int member_end(struct packer *pk)
{
	pk->z.next_in = NULL;
	pk->z.avail_in = 0;
	return flush_z(pk, Z_FINISH);
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

static int ar_error(struct packer *pk, const char *what)
{
	if (pk->failed)
		return pk->failed;
	return cf_error_set(CF_ERR_OS, "%s: %s", what,
	    archive_error_string(pk->ar));
}

/* ---- tar entries ---- */

/* One regular file, read through an O_NOFOLLOW descriptor so a file
 * swapped for a symlink after the walk cannot leak outside the tree. */
static int add_file(struct packer *pk, const struct entry *en)
{
	struct archive_entry *e = NULL;
	struct stat st;
	char buf[65536];
	cf_buf abs = CF_BUF_INIT;
	int fd, error = 0;

	cf_buf_addf(&abs, "%s/%s", pk->src, en->rel);
	fd = open(abs.buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	cf_buf_release(&abs);
	if (fd < 0)
		return cf_error_os("opening '%s'", en->rel);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_ino != en->st.st_ino || st.st_size != en->st.st_size) {
		error = cf_error_set(CF_ERR_OS, "'%s' changed while packing",
		    en->rel);
		goto done;
	}
	if ((uint64_t)st.st_size > pk->max) {
		error = cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "file '%s' exceeds the artifact size limit", en->rel);
		goto done;
	}
	e = archive_entry_new();
	archive_entry_set_pathname(e, en->rel);
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
			error = r < 0 ? cf_error_os("reading '%s'", en->rel) :
			    cf_error_set(CF_ERR_OS, "'%s' shrank", en->rel);
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

static int add_dir(struct packer *pk, const struct entry *en)
{
	struct archive_entry *e = archive_entry_new();
	int error = 0;

	archive_entry_set_pathname(e, en->rel);
	archive_entry_set_filetype(e, AE_IFDIR);
	archive_entry_set_perm(e, 0750);
	archive_entry_set_mtime(e, 0, 0);
	if (archive_write_header(pk->ar, e) != ARCHIVE_OK)
		error = ar_error(pk, "writing tar header");
	archive_entry_free(e);
	return error;
}

/* ---- the walk: every entry, depth first in byte order of names ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void push_entry(struct packer *pk, const char *rel,
    const struct stat *st, bool dir)
{
	CF_GROW(pk->ents, pk->aents, pk->nents + 1);
	pk->ents[pk->nents++] = (struct entry){ cf_xstrdup(rel), *st, dir };
}

static int walk(struct packer *pk, const char *rel, int depth);

/* sub's own name is stat-ed relative to its directory, dfd: no path
 * walk from the root for each of thousands of files. */
static int walk_one(struct packer *pk, int dfd, const char *name,
    const char *sub, int depth)
{
	struct stat st;
	int error = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		error = cf_error_os("stat '%s'", sub);
	} else if (S_ISDIR(st.st_mode)) {
		if (!pk->ignore || !cf_ignore_match_entry(pk->ignore, sub, 1)) {
			push_entry(pk, sub, &st, true);
			error = walk(pk, sub, depth + 1);
		}
	} else if (S_ISREG(st.st_mode)) {
		if (!pk->ignore || !cf_ignore_match_entry(pk->ignore, sub, 0))
			push_entry(pk, sub, &st, false);
	}
	/* Symlinks, sockets, devices and fifos are dropped. */
	return error;
}

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
	d = opendir(abs.buf);
	cf_buf_release(&abs);
	if (!d)
		return cf_error_os("opening '%s'", *rel ? rel : ".");
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		CF_GROW(names, alloc, n + 1);
		names[n++] = cf_xstrdup(de->d_name);
	}
	if (n) /* names is NULL in an empty directory */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && !error; i++) {
		cf_buf sub = CF_BUF_INIT;

		cf_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		error = walk_one(pk, dirfd(d), names[i], sub.buf, depth);
		cf_buf_release(&sub);
	}
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return error;
}

/* ---- chunks ---- */

static uint32_t fnv1a(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Tar bytes of an entry, near enough (long names add a pax header). */
static uint64_t raw_size(const struct entry *e)
{
	return 512 + (e->dir ? 0 : ((uint64_t)e->st.st_size + 511) / 512 * 512);
}

/* The entries [i, end) of the chunk starting at i: a chunk ends before
 * an entry whose name hashes to a boundary, or past CHUNK_MAX_RAW. Both
 * depend only on the tree, so equal trees give equal chunks. */
static size_t chunk_end(const struct packer *pk, size_t i)
{
	uint64_t raw = raw_size(&pk->ents[i]);
	size_t j = i + 1;

	for (; j < pk->nents; j++) {
		if (fnv1a(pk->ents[j].rel) % CHUNK_EVERY == 0 ||
		    raw >= CHUNK_MAX_RAW)
			break;
		raw += raw_size(&pk->ents[j]);
	}
	return j;
}

/* What identifies a chunk's content without reading it: names, kinds,
 * sizes, exec bits, and the inode, device, mtime and ctime each file
 * had (a rewritten file gets a new ctime, whatever its mtime says). */
static void chunk_key(char out[65], const struct packer *pk, size_t i,
    size_t end)
{
	static const char hx[] = "0123456789abcdef";
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (; i < end; i++) {
		const struct entry *e = &pk->ents[i];
		int64_t sig[9] = { e->dir, (int64_t)e->st.st_size,
			e->st.st_mode & 0111, (int64_t)e->st.st_ino,
			(int64_t)e->st.st_dev, e->st.st_mtim.tv_sec,
			e->st.st_mtim.tv_nsec, e->st.st_ctim.tv_sec,
			e->st.st_ctim.tv_nsec };

		EVP_DigestUpdate(md, e->rel, strlen(e->rel) + 1);
		EVP_DigestUpdate(md, sig, sizeof(sig));
	}
	EVP_DigestFinal_ex(md, h, &hl);
	EVP_MD_CTX_free(md);
	for (unsigned int k = 0; k < 32 && k < hl; k++) {
		out[2 * k] = hx[h[k] >> 4];
		out[2 * k + 1] = hx[h[k] & 15];
	}
	out[64] = '\0';
}

static const struct old_chunk *find_old(const struct packer *pk,
    const char *key)
{
	for (size_t i = 0; i < pk->nold; i++)
		if (!strcmp(pk->old[i].key, key))
			return &pk->old[i];
	return NULL;
}

/* Copy a chunk of the previous artifact: already a whole gzip member. */
static int copy_old(struct packer *pk, const struct old_chunk *oc)
{
	unsigned char buf[65536];
	uint64_t off = oc->off, left = oc->len;
	int error;

	while (left > 0) {
		ssize_t r = pread(pk->old_fd, buf, left < sizeof(buf) ?
		    (size_t)left : sizeof(buf), (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? cf_error_os("reading the previous "
			    "artifact") : cf_error_set(CF_ERR_OS, "the "
			    "previous artifact is shorter than its index");
		if ((error = out_write(pk, buf, (size_t)r)) < 0)
			return error;
		off += (uint64_t)r;
		left -= (uint64_t)r;
	}
	return 0;
}

static int pack_chunk(struct packer *pk, size_t i, size_t end)
{
	char key[65];
	const struct old_chunk *oc;
	uint64_t start = pk->written;
	int error = 0;

	chunk_key(key, pk, i, end);
	if ((oc = find_old(pk, key)) && copy_old(pk, oc) == 0)
		goto record;
	if (oc) { /* a short read: the output is off, give up */
		return CF_ERROR;
	}
	if ((error = member_begin(pk)) < 0)
		return error;
	for (; i < end && !error; i++)
		error = pk->ents[i].dir ? add_dir(pk, &pk->ents[i]) :
		    add_file(pk, &pk->ents[i]);
	/* The last entry's padding belongs to this member, not the next. */
	if (!error && archive_write_finish_entry(pk->ar) != ARCHIVE_OK)
		error = ar_error(pk, "finishing tar entry");
	if (error || (error = member_end(pk)) < 0)
		return error;
record:
	cf_buf_addf(&pk->index, "%s %llu %llu\n", key,
	    (unsigned long long)start,
	    (unsigned long long)(pk->written - start));
	return 0;
}

/* ---- the index of the previous artifact ---- */

/* "cflux-pack 1 <rel> <size> <ino> <mtime s> <mtime ns>" then one
 * "<key> <offset> <length>" line a chunk. It counts only while the file
 * it describes is still that exact file. */
static void load_index(struct packer *pk, const cf_storage *st,
    const char *path)
{
	cf_buf text = CF_BUF_INIT;
	char rel[512];
	unsigned long long size, ino, sec, nsec;
	struct stat fst;
	const char *line;
	size_t alloc = 0;

	pk->old_fd = -1;
	if (!path || cf_fs_read(&text, path, INDEX_MAX) < 0)
		goto done;
	if (sscanf(text.buf, INDEX_MAGIC " %511s %llu %llu %llu %llu", rel,
	    &size, &ino, &sec, &nsec) != 5 || !cf_storage__check_rel(rel))
		goto done;
	{
		cf_buf abs = CF_BUF_INIT;

		cf_buf_addf(&abs, "%s/%s", cf_storage_root(st), rel);
		pk->old_fd = open(abs.buf, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		cf_buf_release(&abs);
	}
	if (pk->old_fd < 0 || fstat(pk->old_fd, &fst) < 0 ||
	    (unsigned long long)fst.st_size != size ||
	    (unsigned long long)fst.st_ino != ino ||
	    (unsigned long long)fst.st_mtim.tv_sec != sec ||
	    (unsigned long long)fst.st_mtim.tv_nsec != nsec)
		goto done;
	for (line = strchr(text.buf, '\n'); line && line[1]; line =
	    strchr(line + 1, '\n')) {
		struct old_chunk oc;
		unsigned long long off, len;

		if (sscanf(line + 1, "%64s %llu %llu", oc.key, &off, &len) !=
		    3 || strlen(oc.key) != 64 || off + len > size || off +
		    len < off)
			goto done;
		oc.off = off;
		oc.len = len;
		CF_GROW(pk->old, alloc, pk->nold + 1);
		pk->old[pk->nold++] = oc;
	}
	cf_buf_release(&text);
	return;
done:
	cf_buf_release(&text);
	free(pk->old);
	pk->old = NULL;
	pk->nold = 0;
}

/* Write the new index beside the old one, then replace it. A failure
 * only costs the next pack its shortcut. */
static void save_index(struct packer *pk, const char *path, const char *rel)
{
	struct stat fst;
	cf_buf text = CF_BUF_INIT;

	if (fstat(pk->fd, &fst) < 0)
		return;
	cf_buf_addf(&text, INDEX_MAGIC " %s %llu %llu %llu %llu\n", rel,
	    (unsigned long long)fst.st_size, (unsigned long long)fst.st_ino,
	    (unsigned long long)fst.st_mtim.tv_sec,
	    (unsigned long long)fst.st_mtim.tv_nsec);
	cf_buf_add(&text, pk->index.buf ? pk->index.buf : "", pk->index.len);
	if (cf_fs_write_atomic(path, text.buf, text.len, 0600) < 0)
		unlink(path);
	cf_buf_release(&text);
}

/* ---- cf_storage_pack ---- */

static int pack_all(struct packer *pk)
{
	int error;

	for (size_t i = 0, end; i < pk->nents; i = end) {
		end = chunk_end(pk, i);
		if ((error = pack_chunk(pk, i, end)) < 0)
			return error;
	}
	/* The end-of-archive blocks, a member of their own. */
	if ((error = member_begin(pk)) < 0)
		return error;
	if (archive_write_close(pk->ar) != ARCHIVE_OK)
		return ar_error(pk, "closing tar writer");
	return member_end(pk);
}

static int open_writer(struct packer *pk)
{
	pk->md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(pk->md, EVP_sha256(), NULL);
	pk->ar = archive_write_new();
	archive_write_set_format_pax_restricted(pk->ar);
	/* No blocking: each entry's bytes reach ar_write at once, so they
	 * land in the member of their chunk. */
	archive_write_set_bytes_per_block(pk->ar, 0);
	if (archive_write_open2(pk->ar, pk, NULL, ar_write, NULL, NULL) !=
	    ARCHIVE_OK)
		return ar_error(pk, "opening tar writer");
	return 0;
}

static void packer_free(struct packer *pk)
{
	if (pk->ar)
		archive_write_free(pk->ar);
	if (pk->zinit)
		deflateEnd(&pk->z);
	if (pk->md)
		EVP_MD_CTX_free(pk->md);
	if (pk->old_fd >= 0)
		close(pk->old_fd);
	for (size_t i = 0; i < pk->nents; i++)
		free(pk->ents[i].rel);
	free(pk->ents);
	free(pk->old);
	cf_buf_release(&pk->index);
	free(pk->src);
	free(pk);
}

int cf_storage_pack(cf_artifact_file *out, cf_storage *st, const char *rel,
    const char *dir, const cf_storage_pack_opts *opts)
{
	struct packer *pk = cf_xcalloc(1, sizeof(*pk));
	cf_buf objdir = CF_BUF_INIT, tmp = CF_BUF_INIT, dst = CF_BUF_INIT;
	const char *slash;
	int error = 0;

	memset(out, 0, sizeof(*out));
	pk->fd = pk->old_fd = -1;
	pk->index = (cf_buf)CF_BUF_INIT;
	if (!cf_storage__check_rel(rel) || strlen(rel) >= sizeof(out->path)) {
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
	if ((error = walk(pk, "", 0)) < 0)
		goto done;
	load_index(pk, st, opts ? opts->index : NULL);
	slash = strrchr(rel, '/');
	cf_buf_addf(&objdir, "%s/%.*s", cf_storage_root(st),
	    slash ? (int)(slash - rel) : 0, rel);
	if ((error = cf_fs_mkdirs(objdir.buf)) < 0)
		goto done;
	cf_buf_addf(&dst, "%s/%s", cf_storage_root(st), rel);
	cf_buf_addf(&tmp, "%s/" CF_STORAGE_TMP_PREFIX "XXXXXX", objdir.buf);
	if ((pk->fd = mkostemp(tmp.buf, O_CLOEXEC)) < 0) {
		error = cf_error_os("creating temporary artifact");
		goto done;
	}
	if ((error = open_writer(pk)) < 0 || (error = pack_all(pk)) < 0)
		goto done;
	if (fchmod(pk->fd, 0600) < 0 || fsync(pk->fd) < 0) {
		error = cf_error_os("syncing artifact");
		goto done;
	}
	if (rename(tmp.buf, dst.buf) < 0) {
		error = cf_error_os("publishing artifact '%s'", rel);
		goto done;
	}
	if (opts && opts->index)
		save_index(pk, opts->index, rel);
	close(pk->fd);
	pk->fd = -1;
	snprintf(out->path, sizeof(out->path), "%s", rel);
	cf_storage__hex_digest(out->digest, pk->md);
	out->size = (int64_t)pk->written;
done:
	if (pk->fd >= 0) {
		close(pk->fd);
		unlink(tmp.buf);
	}
	packer_free(pk);
	cf_buf_release(&objdir);
	cf_buf_release(&tmp);
	cf_buf_release(&dst);
	return error;
}
