/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/buildcopy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "controllers/source/ignore.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

#define MAX_DEPTH 64
#define MAX_KFILE (4u << 20)

struct copy {
	cf_arena *a;
	cf_ignore *ig;       /* NULL without --ignore-paths */
	cf_ignore *src_ig;   /* the source-controller's; NULL off Git */
	char root[PATH_MAX]; /* what is copied (resolved) */
	const char *tmp;     /* where to */
	const char *prefix;  /* --path relative to root: "" or "a/b" */
	size_t bytes, files;
	char **kfiles;       /* kustomization files of the copy */
	size_t nk, ak;
};

static const char *const kfile_names[] = { "kustomization.yaml",
	"kustomization.yml", "Kustomization" };

static bool is_kfile(const char *name)
{
	for (size_t i = 0; i < sizeof(kfile_names) / sizeof(*kfile_names); i++)
		if (!strcmp(name, kfile_names[i]))
			return true;
	return false;
}

/* "" when a and b are both empty, else them joined by '/'. */
static char *join(cf_arena *a, const char *x, const char *y)
{
	if (!*x)
		return cf_arena_strdup(a, y);
	return cf_arena_printf(a, "%s/%s", x, y);
}

/* Whether rel (relative to the root) is ignored by --ignore-paths, whose
 * patterns are relative to --path: only what lies under it can be. */
static bool ignored(const struct copy *c, const char *rel, bool dir)
{
	size_t n = strlen(c->prefix);

	if (!c->ig)
		return false;
	if (n) {
		if (strncmp(rel, c->prefix, n) || rel[n] != '/')
			return false;
		rel += n + 1;
	}
	return *rel && cf_ignore_match(c->ig, rel, dir) == 1;
}

/* Whether the resolved path p is the root or inside it; *rel is then
 * what follows the root ("" for the root). */
static bool inside_root(const struct copy *c, const char *p, const char **rel)
{
	size_t n = strlen(c->root);

	if (!strcmp(c->root, "/")) {
		*rel = p + 1;
		return true;
	}
	if (strncmp(p, c->root, n) || (p[n] && p[n] != '/'))
		return false;
	*rel = p[n] ? p + n + 1 : p + n;
	return true;
}

static int copy_file(struct copy *c, const char *src, const char *dst,
    off_t size)
{
	char buf[65536];
	int in, out, err = 0;
	ssize_t r;

	if ((c->bytes += (size_t)size) > CF_BUILDCOPY_MAX_BYTES)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID, "the tree of "
		    "--path holds more than %u MiB", CF_BUILDCOPY_MAX_BYTES >> 20);
	if ((in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return cf_error_os("reading %s", src);
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		close(in);
		return cf_error_os("writing %s", dst);
	}
	while ((r = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t o = 0; o < r;) {
			ssize_t w = write(out, buf + o, (size_t)(r - o));
			if (w < 0) {
				err = cf_error_os("writing %s", dst);
				goto done;
			}
			o += w;
		}
	}
	if (r < 0)
		err = cf_error_os("reading %s", src);
done:
	close(in);
	if (close(out) < 0 && !err)
		err = cf_error_os("writing %s", dst);
	return err;
}

/* A link is kept only when it resolves inside the root; it then points
 * at the same place inside the copy, by absolute path, so that no
 * relative ../ can step out of the copy either. */
static int copy_link(struct copy *c, const char *src, const char *dst,
    const char *rel)
{
	char real[PATH_MAX];
	const char *in;

	if (!realpath(src, real) || !inside_root(c, real, &in)) {
		cf_cli_warning("%s: skipping a symbolic link that points "
		    "outside %s", rel, c->root);
		return 0;
	}
	if (symlink(cf_arena_printf(c->a, "%s%s%s", c->tmp, *in ? "/" : "",
	    in), dst) < 0)
		return cf_error_os("linking %s", dst);
	return 0;
}

static void add_kfile(struct copy *c, const char *path)
{
	if (c->nk == c->ak) {
		size_t n = c->ak ? 2 * c->ak : 16;
		char **v = cf_arena_alloc(c->a, n * sizeof(*v));

		if (c->nk)
			memcpy(v, c->kfiles, c->nk * sizeof(*v));
		c->kfiles = v;
		c->ak = n;
	}
	c->kfiles[c->nk++] = cf_arena_strdup(c->a, path);
}

static int copy_dir(struct copy *c, const char *rel, int depth)
{
	const char *src = *rel ? cf_arena_printf(c->a, "%s/%s", c->root, rel) :
	    c->root;
	const char *dst = *rel ? cf_arena_printf(c->a, "%s/%s", c->tmp, rel) :
	    c->tmp;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int err = 0;

	if (depth > MAX_DEPTH)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID, "%s: more "
		    "than %d levels of directories", src, MAX_DEPTH);
	if (!(d = opendir(src)))
		return cf_error_os("reading %s", src);
	while (!err && (de = readdir(d))) {
		const char *n = de->d_name;
		char *crel, *s, *t;

		if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, ".git"))
			continue;
		crel = join(c->a, rel, n);
		s = cf_arena_printf(c->a, "%s/%s", src, n);
		t = cf_arena_printf(c->a, "%s/%s", dst, n);
		if (lstat(s, &st) < 0) {
			err = cf_error_os("reading %s", s);
			break;
		}
		if (ignored(c, crel, S_ISDIR(st.st_mode)) || (c->src_ig &&
		    cf_ignore_match(c->src_ig, crel, S_ISDIR(st.st_mode)) == 1))
			continue;
		if (++c->files > CF_BUILDCOPY_MAX_FILES) {
			err = cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID, "the "
			    "tree of --path holds more than %d files",
			    CF_BUILDCOPY_MAX_FILES);
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(t, 0700) < 0)
				err = cf_error_os("creating %s", t);
			else
				err = copy_dir(c, crel, depth + 1);
		} else if (S_ISREG(st.st_mode)) {
			err = copy_file(c, s, t, st.st_size);
			if (!err && is_kfile(n))
				add_kfile(c, t);
		} else if (S_ISLNK(st.st_mode)) {
			err = copy_link(c, s, t, crel);
		}
	}
	closedir(d);
	return err;
}

/* The nearest directory at or above dir that holds .git, else dir.
 * Whether it is a Git work tree. */
static bool find_root(char *root, size_t n, const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s", dir);
	for (;;) {
		char g[PATH_MAX + 8];
		char *slash;

		snprintf(g, sizeof(g), "%s/.git", p);
		if (strcmp(p, "/") && lstat(g, &st) == 0) {
			snprintf(root, n, "%s", p);
			return true;
		}
		if (!(slash = strrchr(p, '/')) || slash == p)
			break;
		*slash = '\0';
	}
	snprintf(root, n, "%s", dir);
	return false;
}

/* ---- --ignore-paths in kustomization files ---- */

static bool remote(const char *s)
{
	return strstr(s, "://") || !strncmp(s, "git@", 4) ||
	    !strncmp(s, "github.com/", 11);
}

/* Whether entry, named in the kustomization file of directory kdir
 * (relative to the root), is to be dropped: a path --ignore-paths left
 * out of the copy (patterns relative to --path), or one the patterns
 * match relative to kdir itself, as flux anchors them at every
 * kustomization file it reads. */
static bool entry_ignored(struct copy *c, const char *kdir, const char *entry)
{
	char real[PATH_MAX];
	const char *rel;
	struct stat st;
	size_t n = strlen(kdir);
	char *src = cf_arena_printf(c->a, "%s%s%s/%s", c->root, *kdir ? "/" :
	    "", kdir, entry);

	if (remote(entry) || !realpath(src, real) || stat(real, &st) < 0 ||
	    !inside_root(c, real, &rel))
		return false;
	if (ignored(c, rel, S_ISDIR(st.st_mode)))
		return true;
	if (n && (strncmp(rel, kdir, n) || rel[n] != '/'))
		return false;
	rel += n ? n + 1 : 0;
	return *rel && cf_ignore_match(c->ig, rel, S_ISDIR(st.st_mode)) == 1;
}

/* Drop the ignored entries of one kustomization file of the copy. */
static int filter_kfile(struct copy *c, const char *kf)
{
	static const char *const lists[] = { "resources", "components",
	    "crds" };
	const char *kdir = kf + strlen(c->tmp);
	char *dir;
	cf_buf b = CF_BUF_INIT;
	cf_node *doc = NULL;
	bool changed = false;
	int err;

	kdir = *kdir == '/' ? kdir + 1 : kdir;
	dir = cf_arena_strdup(c->a, kdir);
	*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
	err = cf_fs_read(&b, kf, MAX_KFILE);
	if (!err)
		err = cf_yaml_parse_one(&doc, c->a, b.buf, b.len, NULL);
	if (err < 0 || !cf_node_is(doc, CF_NODE_MAP)) {
		/* kustomize reports its own error for such a file. */
		cf_buf_release(&b);
		return 0;
	}
	for (size_t l = 0; l < sizeof(lists) / sizeof(*lists); l++) {
		const cf_node *seq = cf_node_get(doc, lists[l]);
		cf_node *kept = cf_node_seq(c->a);

		if (!cf_node_is(seq, CF_NODE_SEQ))
			continue;
		for (size_t i = 0; i < cf_node_count(seq); i++) {
			const char *e = cf_node_as_str(cf_node_at(seq, i));

			if (e && entry_ignored(c, dir, e))
				changed = true;
			else
				cf_node_push(c->a, kept, cf_node_at(seq, i));
		}
		cf_node_set(c->a, doc, lists[l], kept);
	}
	cf_buf_truncate(&b, 0);
	if (changed && ((err = cf_yaml_emit(&b, doc)) < 0 ||
	    (err = cf_fs_write_atomic(kf, b.buf, b.len, 0600)) < 0))
		err = cf_error_wrap("%s", kf);
	cf_buf_release(&b);
	return err;
}

static int load_ignore(struct copy *c, const char *const *pats, size_t n)
{
	cf_buf b = CF_BUF_INIT;
	int err;

	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		cf_buf_addf(&b, "%s\n", pats[i]);
	c->ig = cf_ignore_new();
	err = cf_ignore_add(c->ig, "", b.buf, b.len);
	cf_buf_release(&b);
	return err;
}

int cf_buildcopy_make(cf_buildcopy *bc, cf_arena *a, const char *path,
    const char *const *ignore, size_t nignore)
{
	struct copy c = { .a = a };
	const char *tmp = getenv("TMPDIR");
	char real[PATH_MAX];
	int err;

	bc->tmp[0] = bc->dir[0] = '\0';
	if (!realpath(path, real))
		return cf_error_os("invalid resource path \"%s\"", path);
	/* In a work tree, the artifact the source-controller would pack
	 * from it leaves out what .sourceignore (or its defaults) says. */
	if (find_root(c.root, sizeof(c.root), real) &&
	    cf_ignore_load_tree(&c.src_ig, c.root, NULL) < 0)
		return cf_error_wrap("%s", c.root);
	inside_root(&c, real, &c.prefix);
	snprintf(bc->root, sizeof(bc->root), "%s", c.root);
	snprintf(bc->tmp, sizeof(bc->tmp), "%s/cflux-build-XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(bc->tmp)) {
		bc->tmp[0] = '\0';
		return cf_error_os("creating a temporary directory");
	}
	c.tmp = bc->tmp;
	if ((size_t)snprintf(bc->dir, sizeof(bc->dir), "%s%s%s", bc->tmp,
	    *c.prefix ? "/" : "", c.prefix) >= sizeof(bc->dir))
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "path %s is "
		    "too long", path);
	else if (!(err = load_ignore(&c, ignore, nignore)))
		err = copy_dir(&c, "", 0);
	for (size_t i = 0; !err && c.ig && i < c.nk; i++)
		err = filter_kfile(&c, c.kfiles[i]);
	if (c.ig)
		cf_ignore_free(c.ig);
	if (c.src_ig)
		cf_ignore_free(c.src_ig);
	if (err < 0)
		cf_buildcopy_remove(bc);
	return err;
}

const char *cf_buildcopy_unmap(const cf_buildcopy *bc, cf_arena *a,
    const char *msg)
{
	size_t n = strlen(bc->tmp);
	cf_buf b = CF_BUF_INIT;
	const char *p, *out;

	if (!n)
		return msg;
	while ((p = strstr(msg, bc->tmp))) {
		cf_buf_add(&b, msg, (size_t)(p - msg));
		cf_buf_adds(&b, bc->root);
		msg = p + n;
	}
	cf_buf_adds(&b, msg);
	out = cf_arena_strdup(a, b.buf);
	cf_buf_release(&b);
	return out;
}

void cf_buildcopy_remove(cf_buildcopy *bc)
{
	if (bc->tmp[0])
		cf_fs_remove_tree(bc->tmp);
	bc->tmp[0] = '\0';
}
