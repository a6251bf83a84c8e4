/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitRepository includes without an API server: reading spec.include,
 * cleaning fromPath/toPath, and copying an included artifact from real
 * storage into a work directory, including hostile artifacts (names with
 * "..", symlinks) and a work tree whose symlink points outside.
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "controllers/source/include.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "test.h"

/* Write data to dir/rel, creating the directories on the way. */
static void put(const char *dir, const char *rel, const char *data)
{
	char path[1024];
	char *slash;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	cf_fs_mkdirs(path);
	*slash = '/';
	cf_fs_write_atomic(path, data, strlen(data), 0644);
}

static bool exists(const char *dir, const char *rel)
{
	char p[1024];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	return lstat(p, &sb) == 0;
}

static const char *dir_of(const char *name)
{
	static char p[4][512];
	static int k;
	char *out = p[k++ % 4];

	snprintf(out, 512, "%s/%s", cf_test_tmpdir(), name);
	cf_fs_mkdirs(out);
	return out;
}

/* A status.artifact node for the storage file rel. */
static cf_node *artifact(cf_arena *a, const cf_storage *st, const char *rel)
{
	cf_node *art = cf_node_map(a);
	char dig[80];

	if (cf_storage_digest(dig, st, rel) < 0)
		snprintf(dig, sizeof(dig), "sha256:none");
	cf_node_set(a, art, "path", cf_node_str(a, rel));
	cf_node_set(a, art, "digest", cf_node_str(a, dig));
	cf_node_set(a, art, "revision", cf_node_str(a, "main@sha1:0"));
	return art;
}

/* Write a gzip'ed tar with the given entries into storage at rel: each
 * entry is "name" (a file holding "x"), or "name>target" (a symlink). */
static void hostile_tar(const cf_storage *st, const char *rel,
    const char *const *entries, size_t n)
{
	char p[1024], d[1024];
	struct archive *w = archive_write_new();

	snprintf(p, sizeof(p), "%s/%s", cf_storage_root(st), rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	cf_fs_mkdirs(d);
	archive_write_add_filter_gzip(w);
	archive_write_set_format_pax_restricted(w);
	archive_write_open_filename(w, p);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const char *gt = strchr(entries[i], '>');
		char name[256];

		snprintf(name, sizeof(name), "%.*s", gt ?
		    (int)(gt - entries[i]) : (int)strlen(entries[i]),
		    entries[i]);
		archive_entry_set_pathname(e, name);
		if (gt) {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_symlink(e, gt + 1);
			archive_entry_set_perm(e, 0777);
			archive_write_header(w, e);
		} else {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, 1);
			archive_write_header(w, e);
			archive_write_data(w, "x", 1);
		}
		archive_entry_free(e);
	}
	archive_write_close(w);
	archive_write_free(w);
}

static int parse(cf_node **out, cf_arena *a, const char *text)
{
	return cf_yaml_parse_one(out, a, text, strlen(text), NULL);
}

TEST(test_include__read)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *spec = NULL;
	cf_include *inc;
	size_t n;

	CHECK_INT(parse(&spec, &a, "include:\n"
	    "- repository: {name: b}\n"
	    "- repository: {name: c}\n  fromPath: deploy\n  toPath: x/y\n"), 0);
	CHECK_INT(cf_include_read(&inc, &n, &a, spec, "a"), 0);
	CHECK_INT(n, 2);
	CHECK_STR(inc[0].name, "b");
	CHECK_STR(inc[0].from_path, "");
	CHECK_STR(inc[0].to_path, "b");
	CHECK_STR(inc[1].from_path, "deploy");
	CHECK_STR(inc[1].to_path, "x/y");
	/* Including itself, or naming nothing, is refused by field. */
	CHECK_INT(cf_include_read(&inc, &n, &a, spec, "c"), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "spec.include[1].repository.name: "
	    "GitRepository 'c' cannot include itself");
	CHECK_INT(parse(&spec, &a, "include:\n- toPath: x\n"), 0);
	CHECK_INT(cf_include_read(&inc, &n, &a, spec, "a"), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "spec.include[0].repository.name"));
	CHECK_INT(parse(&spec, &a, "url: x\n"), 0);
	CHECK_INT(cf_include_read(&inc, &n, &a, spec, "a"), 0);
	CHECK_INT(n, 0);
	cf_arena_release(&a);
}

TEST(test_include__paths)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
		int allow_root;
	} cases[] = {
		{ "b", "b", 0 }, { "./a//b/", "a/b", 0 },
		{ "a/../b", "b", 0 }, { "a/b/../../c", "c", 0 },
		{ "", "", 1 }, { ".", "", 1 }, { "a/..", "", 1 },
		{ "", NULL, 0 }, { ".", NULL, 0 }, { "a/..", NULL, 0 },
		{ "../x", NULL, 1 }, { "a/../../x", NULL, 1 },
		{ "..", NULL, 1 }, { "/etc", NULL, 1 }, { "/", NULL, 1 },
	};
	char out[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = cf_include_clean_path(out, sizeof(out), cases[i].in,
		    "spec.include[3].toPath", cases[i].allow_root);

		if (cases[i].out) {
			CHECK_INT(err, 0);
			CHECK_STR(out, cases[i].out);
		} else {
			CHECK_INT(err, CF_EINVALID);
			CHECK(!strncmp(cf_error_msg(),
			    "spec.include[3].toPath: '", 25));
		}
	}
	CHECK_INT(cf_include_clean_path(out, sizeof(out), "../x", "f", 0),
	    CF_EINVALID);
	CHECK_STR(cf_error_msg(), "f: '../x' leads outside the artifact");
}

TEST(test_include__copy)
{
	cf_arena a = CF_ARENA_INIT;
	cf_storage *st = NULL;
	cf_artifact_file af;
	const char *src = dir_of("copy-src"), *work = dir_of("copy-work");
	const char *scratch = dir_of("copy-scratch");
	const cf_node *art;

	CHECK_INT(cf_storage_open(&st, dir_of("copy-storage")), 0);
	put(src, "deploy/app.yaml", "kind: App\n");
	put(src, "deploy/sub/x.yaml", "kind: X\n");
	put(src, "README", "hello\n");
	CHECK_INT(cf_storage_pack(&af, st, "gitrepository/ns/b/1.tar.gz", src,
	    NULL), 0);
	art = artifact(&a, st, af.path);
	put(work, "own.yaml", "kind: Own\n");

	/* The whole artifact at the default toPath. */
	CHECK_INT(cf_include_copy(st, art, "", work, "b", scratch), 0);
	CHECK(exists(work, "b/README"));
	CHECK(exists(work, "b/deploy/sub/x.yaml"));
	CHECK(exists(work, "own.yaml"));
	/* A subtree at a nested toPath, parents created. */
	CHECK_INT(cf_include_copy(st, art, "deploy", work, "x/y", scratch), 0);
	CHECK(exists(work, "x/y/app.yaml"));
	CHECK(exists(work, "x/y/sub/x.yaml"));
	CHECK(!exists(work, "x/y/README"));
	/* A single file. */
	CHECK_INT(cf_include_copy(st, art, "README", work, "r.txt", scratch),
	    0);
	CHECK(exists(work, "r.txt"));
	/* A non-empty target is not overwritten (Flux's rename). */
	CHECK_INT(cf_include_copy(st, art, "", work, "b", scratch),
	    CF_EEXISTS);
	CHECK(exists(work, "b/README"));
	/* A missing fromPath. */
	CHECK_INT(cf_include_copy(st, art, "nope", work, "n", scratch),
	    CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "'nope' does not exist in the included "
	    "artifact");
	/* An artifact whose bytes no longer match its digest. */
	cf_node_set(&a, (cf_node *)art, "digest", cf_node_str(&a,
	    "sha256:0000000000000000000000000000000000000000000000000000000000000000"));
	CHECK_INT(cf_include_copy(st, art, "", work, "d", scratch),
	    CF_EINVALID);
	CHECK(!exists(work, "d"));
	/* Every scratch directory is gone. */
	CHECK_INT(rmdir(scratch), 0);
	cf_storage_free(st);
	cf_arena_release(&a);
}

TEST(test_include__hostile)
{
	static const char *const dotdot[] = { "ok.txt", "../escaped.txt" };
	static const char *const deep[] = { "a/../../escaped2.txt" };
	static const char *const links[] = { "link>/", "ln2>../../..",
		"link/pwned.txt", "plain.txt" };
	cf_arena a = CF_ARENA_INIT;
	cf_storage *st = NULL;
	cf_artifact_file af;
	const char *work = dir_of("h/work"), *scratch = dir_of("h/scratch");
	const char *outside = dir_of("h/outside"), *src = dir_of("h/src");
	char link[1024];

	CHECK_INT(cf_storage_open(&st, dir_of("h/storage")), 0);
	/* Names with "..": refused, nothing written next to the work dir
	 * or the scratch dir. */
	hostile_tar(st, "gitrepository/ns/b/dotdot.tar.gz", dotdot, 2);
	CHECK_INT(cf_include_copy(st, artifact(&a, st,
	    "gitrepository/ns/b/dotdot.tar.gz"), "", work, "b", scratch),
	    CF_EINVALID);
	hostile_tar(st, "gitrepository/ns/b/deep.tar.gz", deep, 1);
	CHECK_INT(cf_include_copy(st, artifact(&a, st,
	    "gitrepository/ns/b/deep.tar.gz"), "", work, "b", scratch),
	    CF_EINVALID);
	CHECK(!exists(cf_test_tmpdir(), "h/escaped.txt"));
	CHECK(!exists(cf_test_tmpdir(), "escaped.txt"));
	CHECK(!exists(cf_test_tmpdir(), "h/escaped2.txt"));
	CHECK(!exists(work, "b"));
	/* Symlinks are left out, so a file "through" one lands in a plain
	 * directory of the copy, never where the link pointed. */
	hostile_tar(st, "gitrepository/ns/b/links.tar.gz", links, 4);
	CHECK_INT(cf_include_copy(st, artifact(&a, st,
	    "gitrepository/ns/b/links.tar.gz"), "", work, "b", scratch), 0);
	CHECK(exists(work, "b/plain.txt"));
	CHECK(exists(work, "b/link/pwned.txt"));
	{
		struct stat sb;
		char p[1024];

		snprintf(p, sizeof(p), "%s/b/link", work);
		CHECK_INT(lstat(p, &sb), 0);
		CHECK(S_ISDIR(sb.st_mode));
	}
	CHECK(!exists(work, "b/ln2"));
	CHECK(access("/pwned.txt", F_OK) != 0);
	/* A symlink in the including repository's tree is not followed. */
	snprintf(link, sizeof(link), "%s/evil", work);
	CHECK_INT(symlink(outside, link), 0);
	put(src, "f.txt", "x\n");
	CHECK_INT(cf_storage_pack(&af, st, "gitrepository/ns/c/1.tar.gz", src,
	    NULL), 0);
	CHECK_INT(cf_include_copy(st, artifact(&a, st, af.path), "", work,
	    "evil/c", scratch), CF_EINVALID);
	CHECK(!exists(outside, "c"));
	CHECK(strstr(cf_error_msg(), "'evil' is not a directory"));
	/* Replacing the link itself is harmless: the link goes, the
	 * outside directory stays untouched. */
	CHECK_INT(cf_include_copy(st, artifact(&a, st, af.path), "f.txt",
	    work, "evil", scratch), 0);
	CHECK(!exists(outside, "f.txt"));
	CHECK_INT(rmdir(scratch), 0);
	cf_storage_free(st);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_include__read), T(test_include__paths),
    T(test_include__copy), T(test_include__hostile))
