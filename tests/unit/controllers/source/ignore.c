/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "controllers/source/ignore.h"
#include "core/fs.h"
#include "test.h"

static cf_ignore *mk(const char *text)
{
	cf_ignore *ig = cf_ignore_new();
	cf_ignore_add(ig, "", text, strlen(text));
	return ig;
}

TEST(test_source_ignore__glob)
{
	CHECK(cf_ignore_glob("*.yaml", "a.yaml"));
	CHECK(!cf_ignore_glob("*.yaml", "d/a.yaml"));
	CHECK(cf_ignore_glob("a?c", "abc"));
	CHECK(!cf_ignore_glob("a?c", "a/c"));
	CHECK(cf_ignore_glob("**/x", "x"));
	CHECK(cf_ignore_glob("**/x", "a/b/x"));
	CHECK(cf_ignore_glob("a/**/b", "a/b"));
	CHECK(cf_ignore_glob("a/**/b", "a/x/y/b"));
	CHECK(!cf_ignore_glob("a/**/b", "ab"));
	CHECK(cf_ignore_glob("a/**", "a/x/y"));
	CHECK(cf_ignore_glob("[a-c]x", "bx"));
	CHECK(!cf_ignore_glob("[!a-c]x", "bx"));
	CHECK(cf_ignore_glob("\\*x", "*x"));
	CHECK(!cf_ignore_glob("\\*x", "ax"));
	CHECK(cf_ignore_glob("[x", "[x"));
}

TEST(test_source_ignore__semantics)
{
	cf_ignore *ig = mk("# comment\n\n*.log\n!keep.log\nbuild/\n/root.txt\n"
	    "docs/*.md\n**/secret\n");

	CHECK(cf_ignore_match(ig, "a.log", 0));
	CHECK(cf_ignore_match(ig, "x/y/a.log", 0));
	CHECK(!cf_ignore_match(ig, "keep.log", 0));
	CHECK(!cf_ignore_match(ig, "x/keep.log", 0));
	/* directory-only */
	CHECK(cf_ignore_match(ig, "build", 1));
	CHECK(!cf_ignore_match(ig, "build", 0));
	CHECK(cf_ignore_match(ig, "x/build/out.bin", 0));
	/* anchoring */
	CHECK(cf_ignore_match(ig, "root.txt", 0));
	CHECK(!cf_ignore_match(ig, "sub/root.txt", 0));
	CHECK(cf_ignore_match(ig, "docs/a.md", 0));
	CHECK(!cf_ignore_match(ig, "docs/x/a.md", 0));
	CHECK(!cf_ignore_match(ig, "other/docs/a.md", 0));
	CHECK(cf_ignore_match(ig, "a/b/secret", 0));
	CHECK(cf_ignore_match(ig, "secret/file", 0));
	CHECK(!cf_ignore_match(ig, "README.md", 0));
	cf_ignore_free(ig);

	/* A file cannot be re-included below an excluded directory. */
	ig = mk("deploy/\n!deploy/app.yaml\n");
	CHECK(cf_ignore_match(ig, "deploy/app.yaml", 0));
	cf_ignore_free(ig);
	/* ... but can when the files, not the dir, are excluded. */
	ig = mk("/deploy/*\n!/deploy/app.yaml\n");
	CHECK(!cf_ignore_match(ig, "deploy/app.yaml", 0));
	CHECK(cf_ignore_match(ig, "deploy/other.yaml", 0));
	cf_ignore_free(ig);
	/* Flux's documented "include only" idiom. */
	ig = mk("/*\n!/deploy\n");
	CHECK(cf_ignore_match(ig, "README.md", 0));
	CHECK(!cf_ignore_match(ig, "deploy/app.yaml", 0));
	cf_ignore_free(ig);
}

TEST(test_source_ignore__domain)
{
	cf_ignore *ig = cf_ignore_new();
	const char *t = "*.txt\n/only-here\n";

	cf_ignore_add(ig, "apps/dev", t, strlen(t));
	CHECK(cf_ignore_match(ig, "apps/dev/a.txt", 0));
	CHECK(cf_ignore_match(ig, "apps/dev/x/a.txt", 0));
	CHECK(!cf_ignore_match(ig, "apps/a.txt", 0));
	CHECK(cf_ignore_match(ig, "apps/dev/only-here", 0));
	CHECK(!cf_ignore_match(ig, "apps/dev/x/only-here", 0));
	cf_ignore_free(ig);
}

TEST(test_source_ignore__defaults)
{
	cf_ignore *ig = cf_ignore_new();

	cf_ignore_add_vcs(ig);
	cf_ignore_add_defaults(ig);
	CHECK(cf_ignore_match(ig, ".git", 1));
	CHECK(cf_ignore_match(ig, ".git/config", 0));
	CHECK(cf_ignore_match(ig, ".gitignore", 0));
	CHECK(cf_ignore_match(ig, "img/logo.png", 0));
	CHECK(cf_ignore_match(ig, "a.tar.gz", 0));
	CHECK(cf_ignore_match(ig, ".github/workflows/ci.yaml", 0));
	CHECK(cf_ignore_match(ig, "x/.sops.yaml", 0));
	CHECK(cf_ignore_match(ig, ".flux.yaml", 0));
	CHECK(cf_ignore_match(ig, "cloudbuild.yaml", 0));
	CHECK(!cf_ignore_match(ig, "apps/deploy.yaml", 0));
	cf_ignore_free(ig);
}

static void put(const char *root, const char *rel, const char *data)
{
	char p[1024], d[1024];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	cf_fs_mkdirs(d);
	cf_fs_write_atomic(p, data, strlen(data), 0644);
}

TEST(test_source_ignore__load_tree)
{
	char root[512];
	cf_ignore *ig;

	snprintf(root, sizeof(root), "%s/tree", cf_test_tmpdir());
	put(root, "a.png", "x");
	put(root, "apps/x.yaml", "x");
	put(root, ".git/config", "x");
	/* No user pattern: VCS + defaults. */
	CHECK_INT(cf_ignore_load_tree(&ig, root, NULL), 0);
	CHECK(cf_ignore_match(ig, "a.png", 0));
	CHECK(cf_ignore_match(ig, ".git/config", 0));
	cf_ignore_free(ig);
	/* A .sourceignore in a subdir is scoped; defaults are dropped. */
	put(root, "apps/.sourceignore", "*.yaml\n");
	CHECK_INT(cf_ignore_load_tree(&ig, root, NULL), 0);
	CHECK(!cf_ignore_match(ig, "a.png", 0));
	CHECK(cf_ignore_match(ig, "apps/x.yaml", 0));
	CHECK(cf_ignore_match(ig, ".git/config", 0));
	cf_ignore_free(ig);
	/* spec.ignore comes last and wins. */
	CHECK_INT(cf_ignore_load_tree(&ig, root, "!apps/x.yaml\n"), 0);
	CHECK(!cf_ignore_match(ig, "apps/x.yaml", 0));
	cf_ignore_free(ig);
	/* Found three directories down; not read below an ignored one. */
	put(root, "deep/er/est/.sourceignore", "z.yaml\n");
	put(root, "deep/er/est/z.yaml", "x");
	put(root, "skip/.sourceignore", "!*.png\n");
	put(root, ".sourceignore", "/skip/\n");
	CHECK_INT(cf_ignore_load_tree(&ig, root, NULL), 0);
	CHECK(cf_ignore_match(ig, "deep/er/est/z.yaml", 0));
	CHECK(!cf_ignore_match(ig, "deep/er/z.yaml", 0));
	/* the VCS four, /skip/, apps' *.yaml and deep's z.yaml: not !*.png */
	CHECK_INT(cf_ignore_count(ig), 7);
	cf_ignore_free(ig);
}

/* For walkers: the entry alone is matched, its parents are not. */
TEST(test_source_ignore__match_entry)
{
	cf_ignore *ig = mk("deploy/\n!deploy/app.yaml\n*.log\n");

	CHECK(cf_ignore_match_entry(ig, "deploy", 1));
	CHECK(cf_ignore_match(ig, "deploy/app.yaml", 0));
	CHECK(!cf_ignore_match_entry(ig, "deploy/app.yaml", 0));
	CHECK(cf_ignore_match_entry(ig, "x/a.log", 0));
	CHECK(!cf_ignore_match_entry(ig, "/x/a.yaml", 0));
	CHECK(!cf_ignore_match_entry(ig, "", 0));
	cf_ignore_free(ig);
}

TEST_MAIN(T(test_source_ignore__glob), T(test_source_ignore__semantics),
    T(test_source_ignore__domain), T(test_source_ignore__defaults),
    T(test_source_ignore__load_tree), T(test_source_ignore__match_entry))
