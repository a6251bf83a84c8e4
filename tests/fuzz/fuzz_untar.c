/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for artifact unpacking. Random bytes rarely make a
 * valid gzip'ed tar (checksums, CRCs), so the first byte picks how the
 * rest is used:
 *   0      unpacked as is (the gzip and format gates);
 *   1      gzip'ed here first (libarchive's tar reader on fuzzed blocks);
 *   other  read as entries "<type byte><name>\n<data>\0..." and written
 *          as a valid tar.gz with libarchive (our name, type and size
 *          checks: "..", absolute names, links, devices, depth, caps).
 * Each archive is unpacked into a fresh directory under a private scratch
 * root, with small caps. Besides "no crash, no leak, no undefined
 * behaviour" it checks the safety property: whatever the archive says,
 * nothing appears in the scratch root outside the target directory, and
 * no symlink appears inside it.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "controllers/kustomize/fetch.h"
#include "core/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256];

static void remove_root(void)
{
	rmdir(root);
}

/* Fail on any symlink below dir (entries are few: the caps are small). */
static void no_links(const char *dir, int depth)
{
	char p[4096];
	struct dirent *d;
	struct stat st;
	DIR *dp;

	if (depth > CF_FETCH_MAX_DEPTH + 1 || !(dp = opendir(dir)))
		return;
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if (lstat(p, &st) < 0 || S_ISLNK(st.st_mode))
			abort();
		if (S_ISDIR(st.st_mode))
			no_links(p, depth + 1);
	}
	closedir(dp);
}

/* gzip data into *out (malloc'ed). */
static size_t gzip(unsigned char **out, const uint8_t *data, size_t size)
{
	z_stream z = { 0 };
	size_t cap = compressBound((uLong)size) + 64;

	*out = malloc(cap);
	if (deflateInit2(&z, 1, Z_DEFLATED, 16 + 15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)size;
	z.next_out = *out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	deflateEnd(&z);
	return cap - z.avail_out;
}

/* Write the structured entries as a tar.gz into *out (malloc'ed). */
static size_t build_tar(unsigned char **out, const uint8_t *p, size_t n)
{
	static const mode_t types[] = { AE_IFREG, AE_IFDIR, AE_IFLNK,
		AE_IFCHR, AE_IFIFO, AE_IFREG };
	size_t cap = 4 * n + 65536, used = 0;
	struct archive *w = archive_write_new();
	struct archive_entry *e;

	*out = malloc(cap);
	archive_write_set_format_pax_restricted(w);
	archive_write_add_filter_gzip(w);
	archive_write_open_memory(w, *out, cap, &used);
	while (n > 1) {
		unsigned t = p[0] % 6;
		const uint8_t *nl = memchr(p + 1, '\n', n - 1);
		size_t nlen = nl ? (size_t)(nl - p - 1) : n - 1;
		const uint8_t *body = nl ? nl + 1 : p + n;
		const uint8_t *z = memchr(body, '\0', (size_t)(p + n - body));
		size_t blen = z ? (size_t)(z - body) : (size_t)(p + n - body);
		char *name = strndup((const char *)p + 1, nlen);

		e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, types[t]);
		archive_entry_set_perm(e, t == 5 ? 0755 : 0644);
		if (t == 2)
			archive_entry_set_symlink(e, "../..");
		if (t == 5)
			archive_entry_set_hardlink(e, "a");
		archive_entry_set_size(e, types[t] == AE_IFREG && t != 5 ?
		    (la_int64_t)blen : 0);
		if (archive_write_header(w, e) == ARCHIVE_OK &&
		    types[t] == AE_IFREG && t != 5)
			archive_write_data(w, body, blen);
		archive_entry_free(e);
		free(name);
		if (!z)
			break;
		n -= (size_t)(z + 1 - p);
		p = z + 1;
	}
	archive_write_close(w);
	archive_write_free(w);
	return used;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_fetch_opts o = { .max_untar = 1 << 20, .max_entries = 64 };
	unsigned char *buf = NULL;
	size_t len;
	char out[300];
	struct dirent *d;
	DIR *dp;

	if (size == 0)
		return 0;
	if (!root[0]) {
		snprintf(root, sizeof(root), "%s/cflux-fuzz-untar.XXXXXX",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(root))
			abort();
		atexit(remove_root);
	}
	o.skip_symlinks = data[0] & 0x80;
	if (data[0] == 0) {
		buf = malloc(size - 1 + 1);
		memcpy(buf, data + 1, size - 1);
		len = size - 1;
	} else if (data[0] == 1) {
		len = gzip(&buf, data + 1, size - 1);
	} else {
		len = build_tar(&buf, data + 1, size - 1);
	}
	snprintf(out, sizeof(out), "%s/out", root);
	cf_fetch_untar_mem(buf, len, out, &o);
	free(buf);
	no_links(out, 0);
	/* The only entry the scratch root may hold is the target. */
	if (!(dp = opendir(root)))
		abort();
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    strcmp(d->d_name, "out"))
			abort();
	closedir(dp);
	if (cf_fs_remove_tree(out) < 0)
		abort();
	return 0;
}
