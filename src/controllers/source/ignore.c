/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gitignore matching for source artifacts. Patterns are kept in the order
 * they were added and evaluated last-to-first, so the last matching pattern
 * decides (gitignore's rule); a negated match re-includes. A path is also
 * ignored when one of its parent directories is, which is how git behaves
 * (a file cannot be re-included below an excluded directory) and what lets
 * the packer skip whole subtrees.
 */
#include "controllers/source/ignore.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"

struct pattern {
	char *domain;  /* "" or "dir/sub" without trailing slash */
	char *glob;    /* the pattern body, leading '/' removed */
	unsigned negate : 1;
	unsigned dir_only : 1;
	unsigned anchored : 1; /* contained a '/': match the whole path */
};

struct cf_ignore {
	struct pattern *pats;
	size_t n, alloc;
};

/* Flux's lists, verbatim from source-controller's sourceignore package. */
static const char vcs_patterns[] =
    ".git/\n.gitignore\n.gitmodules\n.gitattributes\n";
static const char default_patterns[] =
    "*.jpg\n*.jpeg\n*.gif\n*.png\n*.wmv\n*.flv\n*.tar.gz\n*.zip\n"
    ".github/\n.circleci/\n.travis.yml\n.gitlab-ci.yml\nappveyor.yml\n"
    ".drone.yml\ncloudbuild.yaml\ncodeship-services.yml\n"
    "codeship-steps.yml\n**/.goreleaser.yml\n**/.sops.yaml\n**/.flux.yaml\n";

cf_ignore *cf_ignore_new(void)
{
	return cf_xcalloc(1, sizeof(cf_ignore));
}

void cf_ignore_free(cf_ignore *ig)
{
	if (!ig)
		return;
	for (size_t i = 0; i < ig->n; i++) {
		free(ig->pats[i].domain);
		free(ig->pats[i].glob);
	}
	free(ig->pats);
	free(ig);
}

size_t cf_ignore_count(const cf_ignore *ig)
{
	return ig->n;
}

/* Parse one line; returns 0 when it holds no pattern. */
static int add_line(cf_ignore *ig, const char *domain, const char *s,
    size_t len)
{
	struct pattern p = { 0 };

	if (len && s[len - 1] == '\r')
		len--;
	/* Trailing spaces are dropped unless escaped with a backslash. */
	while (len && s[len - 1] == ' ' && !(len > 1 && s[len - 2] == '\\'))
		len--;
	if (!len || s[0] == '#')
		return 0;
	if (s[0] == '!') {
		p.negate = 1;
		s++, len--;
	} else if (s[0] == '\\' && len > 1 && (s[1] == '!' || s[1] == '#')) {
		s++, len--;
	}
	if (len && s[len - 1] == '/') {
		p.dir_only = 1;
		len--;
	}
	if (!len)
		return 0;
	/* A slash at the start or middle anchors the pattern. */
	if (memchr(s, '/', len))
		p.anchored = 1;
	if (s[0] == '/') {
		s++, len--;
		if (!len)
			return 0;
	}
	if (ig->n >= CF_IGNORE_MAX_PATTERNS)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "too many ignore patterns (max %d)",
		    CF_IGNORE_MAX_PATTERNS);
	p.glob = cf_xstrndup(s, len);
	p.domain = cf_xstrdup(domain ? domain : "");
	CF_GROW(ig->pats, ig->alloc, ig->n + 1);
	ig->pats[ig->n++] = p;
	return 1;
}

int cf_ignore_add(cf_ignore *ig, const char *domain, const char *text,
    size_t len)
{
	const char *end = text + len;
	char *dom = NULL;
	int error;

	/* Normalise the domain: no leading "./" or '/', no trailing '/'. */
	if (domain) {
		while (domain[0] == '.' && domain[1] == '/')
			domain += 2;
		while (domain[0] == '/')
			domain++;
		dom = cf_xstrdup(domain);
		size_t dl = strlen(dom);
		while (dl && dom[dl - 1] == '/')
			dom[--dl] = '\0';
		if (!strcmp(dom, "."))
			dom[0] = '\0';
	}
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
		if ((error = add_line(ig, dom, text, n)) < 0) {
			free(dom);
			return error;
		}
		text += n + (nl ? 1 : 0);
	}
	free(dom);
	return 0;
}

void cf_ignore_add_vcs(cf_ignore *ig)
{
	cf_ignore_add(ig, "", vcs_patterns, sizeof(vcs_patterns) - 1);
}

void cf_ignore_add_defaults(cf_ignore *ig)
{
	cf_ignore_add(ig, "", default_patterns, sizeof(default_patterns) - 1);
}

/* Match a bracket class at *pp against c; advances *pp past ']'.
 * Returns 1/0, or -1 for an unterminated class (then '[' is literal). */
static int match_class(const char **pp, char c)
{
	const char *p = *pp + 1;
	int neg = 0, hit = 0;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	if (*p == ']') { /* a leading ']' is literal */
		hit |= c == ']';
		p++;
	}
	while (*p && *p != ']') {
		char lo = *p;
		if (lo == '\\' && p[1])
			lo = *++p;
		if (p[1] == '-' && p[2] && p[2] != ']') {
			char hi = p[2];
			if (hi == '\\' && p[3])
				hi = p[3], p++;
			hit |= c >= lo && c <= hi;
			p += 3;
		} else {
			hit |= c == lo;
			p++;
		}
	}
	if (!*p)
		return -1;
	*pp = p + 1;
	return hit != neg;
}

static int glob_at(const char *pstart, const char *p, const char *s)
{
	for (;;) {
		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*': {
			int full = (p == pstart || p[-1] == '/');
			if (p[1] == '*' && full && (p[2] == '/' || !p[2])) {
				/* "**": a whole segment spanning directories. */
				if (!p[2])
					return 1;
				p += 3; /* "**" + "/": zero or more dirs */
				for (const char *t = s;; t++) {
					if ((t == s || t[-1] == '/') &&
					    glob_at(pstart, p, t))
						return 1;
					if (!*t)
						return 0;
				}
			}
			while (*p == '*')
				p++;
			for (const char *t = s;; t++) {
				if (glob_at(pstart, p, t))
					return 1;
				if (!*t || *t == '/')
					return 0;
			}
		}
		case '?':
			if (!*s || *s == '/')
				return 0;
			p++, s++;
			break;
		case '[': {
			if (!*s || *s == '/')
				return 0;
			const char *q = p;
			int r = match_class(&q, *s);
			if (r < 0) { /* literal '[' */
				if (*s != '[')
					return 0;
				p++, s++;
				break;
			}
			if (!r)
				return 0;
			p = q, s++;
			break;
		}
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return 0;
			p++, s++;
		}
	}
}

int cf_ignore_glob(const char *pattern, const char *path)
{
	return glob_at(pattern, pattern, path);
}

/* Does pattern p match path (relative to the root) as a file or dir? */
static int pattern_hits(const struct pattern *p, const char *path, int is_dir)
{
	const char *rel = path;
	size_t dl = strlen(p->domain);

	if (p->dir_only && !is_dir)
		return 0;
	if (dl) {
		if (strncmp(path, p->domain, dl) || path[dl] != '/')
			return 0;
		rel = path + dl + 1;
	}
	if (p->anchored)
		return cf_ignore_glob(p->glob, rel);
	const char *base = strrchr(rel, '/');
	return cf_ignore_glob(p->glob, base ? base + 1 : rel);
}

/* Last matching pattern decides: 1 ignored, 0 included or unmatched. */
static int decide(const cf_ignore *ig, const char *path, int is_dir)
{
	for (size_t i = ig->n; i-- > 0;)
		if (pattern_hits(&ig->pats[i], path, is_dir))
			return !ig->pats[i].negate;
	return 0;
}

int cf_ignore_match(const cf_ignore *ig, const char *path, int is_dir)
{
	char *tmp;
	int hit = 0;

	while (path[0] == '/')
		path++;
	if (!path[0] || !ig->n)
		return 0;
	/* Parents first: an ignored directory hides everything below. */
	tmp = cf_xstrdup(path);
	for (char *sl = strchr(tmp, '/'); sl; sl = strchr(sl + 1, '/')) {
		*sl = '\0';
		hit = decide(ig, tmp, 1);
		*sl = '/';
		if (hit)
			break;
	}
	free(tmp);
	return hit ? 1 : decide(ig, path, is_dir);
}

int cf_ignore_match_entry(const cf_ignore *ig, const char *path, int is_dir)
{
	while (path[0] == '/')
		path++;
	if (!path[0] || !ig->n)
		return 0;
	return decide(ig, path, is_dir);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collect .sourceignore files in sorted walk order into ig; users counts
 * the patterns found. Depth is capped to survive hostile trees. */
static int load_dir(cf_ignore *ig, const char *root, const char *rel,
    int depth)
{
	cf_buf path = CF_BUF_INIT, data = CF_BUF_INIT;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	DIR *d = NULL;
	struct dirent *de;
	int error = 0;

	if (depth > 256)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "directory tree too deep at '%s'", rel);
	cf_buf_addf(&path, "%s%s%s", root, *rel ? "/" : "", rel);
	cf_buf_adds(&path, "/.sourceignore");
	error = cf_fs_read(&data, path.buf, 1 << 20);
	if (error == 0) {
		struct stat st;
		/* A symlinked .sourceignore could read outside the tree. */
		if (lstat(path.buf, &st) == 0 && S_ISREG(st.st_mode))
			error = cf_ignore_add(ig, rel, data.buf, data.len);
		if (error < 0)
			goto done;
	} else if (error != CF_ENOTFOUND) {
		cf_error_wrap("reading .sourceignore in '%s'", *rel ? rel : ".");
		goto done;
	}
	error = 0;
	cf_buf_truncate(&path, path.len - strlen("/.sourceignore"));
	if (!(d = opendir(path.buf))) {
		error = cf_error_os("opening '%s'", *rel ? rel : ".");
		goto done;
	}
	/* Only directories matter here: the entry type from readdir spares
	 * a stat of every file (filesystems that do not give it get one). */
	while ((de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, ".git"))
			continue;
		if (de->d_type != DT_DIR && (de->d_type != DT_UNKNOWN ||
		    fstatat(dirfd(d), de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode)))
			continue;
		CF_GROW(names, alloc, n + 1);
		names[n++] = cf_xstrdup(de->d_name);
	}
	if (n) /* names is NULL in a directory without subdirectories */
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n && !error; i++) {
		cf_buf sub = CF_BUF_INIT;

		cf_buf_addf(&sub, "%s%s%s", rel, *rel ? "/" : "", names[i]);
		if (!cf_ignore_match_entry(ig, sub.buf, 1))
			error = load_dir(ig, root, sub.buf, depth + 1);
		cf_buf_release(&sub);
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	cf_buf_release(&path);
	cf_buf_release(&data);
	return error;
}

int cf_ignore_load_tree(cf_ignore **out, const char *root,
    const char *spec_ignore)
{
	cf_ignore *ig = cf_ignore_new(), *user = cf_ignore_new();
	int error;

	*out = NULL;
	/* The VCS patterns also steer the walk, so .git is never read. */
	cf_ignore_add_vcs(user);
	if ((error = load_dir(user, root, "", 0)) < 0)
		goto done;
	if (spec_ignore &&
	    (error = cf_ignore_add(user, "", spec_ignore,
	        strlen(spec_ignore))) < 0)
		goto done;
	/* User patterns present: the defaults are dropped entirely. */
	cf_ignore_add_vcs(ig);
	size_t nvcs = ig->n;
	if (user->n == nvcs)
		cf_ignore_add_defaults(ig);
	for (size_t i = nvcs; i < user->n; i++) {
		CF_GROW(ig->pats, ig->alloc, ig->n + 1);
		ig->pats[ig->n++] = user->pats[i];
	}
	user->n = nvcs; /* ownership of the moved patterns went to ig */
	*out = ig;
	ig = NULL;
done:
	cf_ignore_free(ig);
	cf_ignore_free(user);
	return error;
}
