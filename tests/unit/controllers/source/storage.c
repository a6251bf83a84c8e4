/* SPDX-License-Identifier: Apache-2.0 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "controllers/source/storage.h"
#include "core/error.h"
#include "core/fs.h"
#include "test.h"

static void put(const char *root, const char *rel, const char *data)
{
	char p[1024], d[1024];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	cf_fs_mkdirs(d);
	cf_fs_write_atomic(p, data, strlen(data), 0644);
}

static void set_mtime(const char *root, const char *rel, time_t t)
{
	char p[1024];
	struct timeval tv[2] = { { t, 0 }, { t, 0 } };
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	utimes(p, tv);
}

static char *mktree(const char *name)
{
	static char root[512];
	snprintf(root, sizeof(root), "%s/%s", cf_test_tmpdir(), name);
	put(root, "b.yaml", "kind: B\n");
	put(root, "a/z.yaml", "kind: Z\n");
	put(root, "a/y.yaml", "kind: Y\n");
	put(root, "run.sh", "#!/bin/sh\n");
	char p[1024];
	snprintf(p, sizeof(p), "%s/run.sh", root);
	chmod(p, 0755);
	return root;
}

static cf_storage *open_st(const char *name)
{
	char p[512];
	cf_storage *st;
	snprintf(p, sizeof(p), "%s/%s", cf_test_tmpdir(), name);
	if (cf_storage_open(&st, p) < 0)
		return NULL;
	return st;
}

/* Entries of a packed artifact as "name mode uid mtime\n". */
static void list_tar(char *out, size_t n, const cf_storage *st,
    const char *rel)
{
	char p[1024];
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	size_t off = 0;

	out[0] = '\0';
	snprintf(p, sizeof(p), "%s/%s", cf_storage_root(st), rel);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, p, 10240) != ARCHIVE_OK)
		goto done;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK && off < n)
		off += (size_t)snprintf(out + off, n - off, "%s %o %lld %lld\n",
		    archive_entry_pathname(e),
		    (unsigned)archive_entry_mode(e) & 07777,
		    (long long)archive_entry_uid(e),
		    (long long)archive_entry_mtime(e));
done:
	archive_read_free(a);
}

TEST(test_source_storage__deterministic)
{
	cf_storage *st = open_st("st1");
	char *root = mktree("t1");
	cf_artifact_file a1, a2, a3;
	char rel[512], list[4096];

	CHECK(st);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "flux-system", "podinfo", "abc.tar.gz"), 0);
	CHECK_STR(rel, "gitrepository/flux-system/podinfo/abc.tar.gz");
	CHECK_INT(cf_storage_pack(&a1, st, rel, root, NULL), 0);
	CHECK(!strncmp(a1.digest, "sha256:", 7) && strlen(a1.digest) == 71);
	CHECK(a1.size > 0);
	CHECK_INT(cf_storage_pack(&a2, st, rel, root, NULL), 0);
	CHECK_STR(a1.digest, a2.digest);
	/* Different mtimes and a different umask give the same bytes. */
	set_mtime(root, "b.yaml", 1000000);
	set_mtime(root, "a", 2000000);
	char p[1024];
	snprintf(p, sizeof(p), "%s/b.yaml", root);
	chmod(p, 0640);
	CHECK_INT(cf_storage_pack(&a3, st, rel, root, NULL), 0);
	CHECK_STR(a1.digest, a3.digest);
	CHECK_INT(a1.size, a3.size);
	/* Digest of the stored file matches what packing reported. */
	char d[80];
	CHECK_INT(cf_storage_digest(d, st, rel), 0);
	CHECK_STR(d, a3.digest);
	/* Sorted, normalised headers. */
	list_tar(list, sizeof(list), st, rel);
	CHECK_STR(list, "a/ 750 0 0\na/y.yaml 600 0 0\na/z.yaml 600 0 0\n"
	    "b.yaml 600 0 0\nrun.sh 700 0 0\n");
	/* A content change changes the digest. */
	put(root, "b.yaml", "kind: C\n");
	CHECK_INT(cf_storage_pack(&a3, st, rel, root, NULL), 0);
	CHECK(strcmp(a1.digest, a3.digest) != 0);
	/* The file is 0600 and no temp file is left behind. */
	struct stat s;
	snprintf(p, sizeof(p), "%s/%s", cf_storage_root(st), rel);
	CHECK_INT(stat(p, &s), 0);
	CHECK_INT(s.st_mode & 0777, 0600);
	char latest[512];
	CHECK_INT(cf_storage_latest(latest, sizeof(latest), st,
	    "GitRepository", "flux-system", "podinfo"), 0);
	CHECK_STR(latest, rel);
	cf_storage_free(st);
}

TEST(test_source_storage__symlinks_and_ignore)
{
	cf_storage *st = open_st("st2");
	char *root = mktree("t2");
	cf_artifact_file a;
	char p[1024], list[4096];
	cf_ignore *ig = cf_ignore_new();

	CHECK(st);
	snprintf(p, sizeof(p), "%s/escape", root);
	CHECK_INT(symlink("/etc/passwd", p), 0);
	snprintf(p, sizeof(p), "%s/a/dirlink", root);
	CHECK_INT(symlink("/etc", p), 0);
	put(root, "logo.png", "png");
	put(root, ".git/config", "[core]");
	cf_ignore_add_vcs(ig);
	cf_ignore_add_defaults(ig);
	cf_storage_pack_opts o = { .ignore = ig };
	CHECK_INT(cf_storage_pack(&a, st, "gitrepository/ns/n/x.tar.gz", root,
	    &o), 0);
	list_tar(list, sizeof(list), st, a.path);
	CHECK_STR(list, "a/ 750 0 0\na/y.yaml 600 0 0\na/z.yaml 600 0 0\n"
	    "b.yaml 600 0 0\nrun.sh 700 0 0\n");
	cf_ignore_free(ig);
	/* The size cap stops a pack, and nothing is published. */
	cf_storage_pack_opts small = { .max_size = 16 };
	CHECK_INT(cf_storage_pack(&a, st, "gitrepository/ns/n/y.tar.gz", root,
	    &small), CF_ETOOLARGE);
	char *abs;
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/n/y.tar.gz"), CF_ENOTFOUND);
	cf_storage_free(st);
}

TEST(test_source_storage__confinement)
{
	cf_storage *st = open_st("st3");
	char *root = mktree("t3"), *abs = NULL, p[1024];
	cf_artifact_file a;
	char rel[512];

	CHECK(st);
	CHECK_INT(cf_storage_pack(&a, st, "gitrepository/ns/n/c.tar.gz", root,
	    NULL), 0);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/n/c.tar.gz"), 0);
	CHECK(!strncmp(abs, cf_storage_root(st), strlen(cf_storage_root(st))));
	free(abs);
	CHECK_INT(cf_storage_secure_path(&abs, st, "../st1"), CF_EFORBIDDEN);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/../../st1/x"), CF_EFORBIDDEN);
	CHECK_INT(cf_storage_secure_path(&abs, st, "/etc/passwd"),
	    CF_EFORBIDDEN);
	CHECK_INT(cf_storage_secure_path(&abs, st, "gitrepository/./ns"),
	    CF_EFORBIDDEN);
	CHECK_INT(cf_storage_secure_path(&abs, st, "a\\..\\b"), CF_EFORBIDDEN);
	CHECK_INT(cf_storage_secure_path(&abs, st, "gitrepository/ns/none"),
	    CF_ENOTFOUND);
	/* A symlink inside the root pointing out of it is refused... */
	snprintf(p, sizeof(p), "%s/gitrepository/ns/n/out",
	    cf_storage_root(st));
	CHECK_INT(symlink("/etc", p), 0);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/n/out/passwd"), CF_EFORBIDDEN);
	/* ... one staying inside is fine. */
	snprintf(p, sizeof(p), "%s/gitrepository/ns/n/in",
	    cf_storage_root(st));
	CHECK_INT(symlink("c.tar.gz", p), 0);
	CHECK_INT(cf_storage_secure_path(&abs, st, "gitrepository/ns/n/in"), 0);
	free(abs);
	/* Artifact path components are single names. */
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "..", "n", "x"), CF_EINVALID);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "ns", "a/b", "x"), CF_EINVALID);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "ns", "n", "../x"), CF_EINVALID);
	CHECK_INT(cf_storage_pack(&a, st, "../evil.tar.gz", root, NULL),
	    CF_EINVALID);
	cf_storage_free(st);
}

TEST(test_source_storage__gc)
{
	cf_storage *st = open_st("st4");
	char *root = mktree("t4");
	cf_artifact_file a;
	char rel[512], latest[512], p[512];
	size_t removed = 0;
	time_t now = time(NULL);

	CHECK(st);
	for (int i = 0; i < 5; i++) {
		snprintf(rel, sizeof(rel), "gitrepository/ns/gc/%d.tar.gz", i);
		CHECK_INT(cf_storage_pack(&a, st, rel, root, NULL), 0);
		snprintf(p, sizeof(p), "gitrepository/ns/gc/%d.tar.gz", i);
		/* i = 0 oldest (an hour ago) ... 4 newest */
		char abs[2048];
		snprintf(abs, sizeof(abs), "%s/%s", cf_storage_root(st), p);
		struct timeval tv[2] = { { now - 3600 + i * 60, 0 },
			{ now - 3600 + i * 60, 0 } };
		utimes(abs, tv);
	}
	put(cf_storage_root(st), "gitrepository/ns/gc/4.tar.gz.lock", "");
	CHECK_INT(cf_storage_latest(latest, sizeof(latest), st,
	    "GitRepository", "ns", "gc"), 0);
	CHECK_STR(latest, "gitrepository/ns/gc/4.tar.gz");
	/* Keep the current (1) plus one more; everything is past a 60 s TTL. */
	CHECK_INT(cf_storage_gc(&removed, st, "GitRepository", "ns", "gc",
	    "gitrepository/ns/gc/1.tar.gz", 2, 60), 0);
	CHECK_INT(removed, 3);
	char *abs;
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/gc/1.tar.gz"), 0);
	free(abs);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/gc/4.tar.gz"), 0);
	free(abs);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/gc/4.tar.gz.lock"), 0);
	free(abs);
	CHECK_INT(cf_storage_secure_path(&abs, st,
	    "gitrepository/ns/gc/3.tar.gz"), CF_ENOTFOUND);
	/* A long TTL keeps everything. */
	CHECK_INT(cf_storage_pack(&a, st, "gitrepository/ns/gc/5.tar.gz", root,
	    NULL), 0);
	CHECK_INT(cf_storage_gc(&removed, st, "GitRepository", "ns", "gc",
	    "gitrepository/ns/gc/5.tar.gz", 1, 86400), 0);
	CHECK_INT(removed, 0);
	CHECK_INT(cf_storage_remove_all(st, "GitRepository", "ns", "gc"), 0);
	CHECK_INT(cf_storage_latest(latest, sizeof(latest), st,
	    "GitRepository", "ns", "gc"), CF_ENOTFOUND);
	cf_storage_free(st);
}

/* Entries and their bytes read back: "name size sum\n" each. */
static size_t read_back(const cf_storage *st, const char *rel)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char path[1024], buf[4096];
	size_t files = 0;

	snprintf(path, sizeof(path), "%s/%s", cf_storage_root(st), rel);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, path, 10240) != ARCHIVE_OK)
		return 0;
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		la_ssize_t r;

		while ((r = archive_read_data(a, buf, sizeof(buf))) > 0)
			;
		if (r < 0)
			break;
		if (archive_entry_filetype(e) == AE_IFREG)
			files++;
	}
	archive_read_free(a);
	return files;
}

/* A one-file change repacked with the index: most chunks are copied from
 * the previous artifact, and the bytes equal a pack from scratch. */
TEST(test_source_storage__pack_index)
{
	cf_storage *st = open_st("st-idx");
	char root[512], index[600], rel[512], name[64], data[64];
	cf_artifact_file full, inc, again;

	CHECK(st);
	snprintf(root, sizeof(root), "%s/idx-tree", cf_test_tmpdir());
	snprintf(index, sizeof(index), "%s/idx.pack-index", cf_test_tmpdir());
	for (int i = 0; i < 600; i++) {
		snprintf(name, sizeof(name), "d%02d/f%04d.yaml", i % 30, i);
		snprintf(data, sizeof(data), "kind: ConfigMap\nv: %d\n", i);
		put(root, name, data);
	}
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "ns", "idx", "one.tar.gz"), 0);
	CHECK_INT(cf_storage_pack(&inc, st, rel, root,
	    &(cf_storage_pack_opts){ .index = index }), 0);
	CHECK(access(index, F_OK) == 0);
	CHECK_INT(read_back(st, rel), 600);
	/* Change one file; pack with the index, then without it. */
	put(root, "d07/f0007.yaml", "kind: ConfigMap\nv: changed\n");
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "ns", "idx", "two.tar.gz"), 0);
	CHECK_INT(cf_storage_pack(&inc, st, rel, root,
	    &(cf_storage_pack_opts){ .index = index }), 0);
	CHECK_INT(read_back(st, rel), 600);
	CHECK_INT(cf_storage_pack(&full, st, rel, root, NULL), 0);
	CHECK_STR(inc.digest, full.digest);
	CHECK_INT(inc.size, full.size);
	/* An index whose artifact was replaced behind it is not trusted. */
	CHECK_INT(cf_storage_pack(&again, st, rel, root,
	    &(cf_storage_pack_opts){ .index = index }), 0);
	CHECK_STR(again.digest, full.digest);
	/* A corrupt index is ignored, not fatal. */
	CHECK_INT(cf_fs_write_atomic(index, "junk\n1 2 3\n", 11, 0600), 0);
	CHECK_INT(cf_storage_pack(&again, st, rel, root,
	    &(cf_storage_pack_opts){ .index = index }), 0);
	CHECK_STR(again.digest, full.digest);
	cf_storage_free(st);
}

TEST_MAIN(T(test_source_storage__deterministic),
    T(test_source_storage__symlinks_and_ignore),
    T(test_source_storage__confinement), T(test_source_storage__gc),
    T(test_source_storage__pack_index))
