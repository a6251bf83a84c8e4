/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitRepository includes.
 *
 * Flux joins include paths with securejoin, which clamps "../x" to "x";
 * here such a path is refused instead, so what the spec says and what
 * the artifact holds never differ silently. The included artifact is
 * unpacked whole (core/archive.c, no links) next to the work directory
 * and the wanted subtree is renamed into place, as Flux's CopyToPath
 * does: one rename, no second copy of the bytes. The way to the target
 * is walked with openat(O_NOFOLLOW) because the work directory is a Git
 * checkout and a repository may well contain a symlink to '/'.
 */
#include "controllers/source/include.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/archive.h"
#include "core/error.h"
#include "core/fs.h"

#define API_VERSION "source.toolkit.fluxcd.io/v1"
#define KIND "GitRepository"

/* ---- the list ---- */

int cf_include_read(cf_include **out, size_t *n, cf_arena *a,
    const cf_node *spec, const char *self)
{
	const cf_node *list = cf_node_get(spec, "include");
	size_t count = cf_node_count(list);
	cf_include *inc;

	*out = NULL;
	*n = 0;
	if (!count)
		return 0;
	inc = cf_arena_zalloc(a, count * sizeof(*inc));
	for (size_t i = 0; i < count; i++) {
		const cf_node *e = cf_node_at(list, i);
		const char *name = cf_node_getp_str(e, "repository", "name",
		    NULL);
		const char *from = cf_node_getp_str(e, "fromPath", NULL);
		const char *to = cf_node_getp_str(e, "toPath", NULL);

		if (!name || !*name)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "spec.include[%zu].repository.name: a GitRepository "
			    "name is required", i);
		if (self && !strcmp(name, self))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "spec.include[%zu].repository.name: GitRepository "
			    "'%s' cannot include itself", i, name);
		inc[i].name = name;
		inc[i].from_path = from ? from : "";
		inc[i].to_path = to && *to ? to : name;
	}
	*out = inc;
	*n = count;
	return 0;
}

/* ---- paths ---- */

int cf_include_clean_path(char *out, size_t n, const char *path,
    const char *field, int allow_root)
{
	const char *p = path, *e;
	size_t len = 0, k;

	if (*path == '/')
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s: '%s' is an absolute path", field, path);
	while (*p) {
		e = strchrnul(p, '/');
		k = (size_t)(e - p);
		if (k == 2 && p[0] == '.' && p[1] == '.') {
			if (!len)
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID, "%s: '%s' leads outside the "
				    "artifact", field, path);
			while (len && out[len - 1] != '/')
				len--;
			if (len)
				len--; /* the slash before it */
		} else if (k && !(k == 1 && *p == '.')) {
			int w = snprintf(out + len, n - len, "%s%.*s",
			    len ? "/" : "", (int)k, p);

			if (w < 0 || (size_t)w >= n - len)
				return cf_error_setc(CF_EINVALID,
				    CF_ERR_INVALID, "%s: '%.64s...' is too long",
				    field, path);
			len += (size_t)w;
		}
		p = *e ? e + 1 : e;
	}
	out[len] = '\0';
	if (!len && !allow_root)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s: '%s' is the artifact root", field, path);
	return 0;
}

/* ---- resolving ---- */

/* GET ns/name; Flux's message when it cannot be had. */
static int get_repo(cf_node **out, cf_arena *a, cf_client *c,
    const char *ns, const char *name)
{
	int err = cf_client_get(out, a, c, API_VERSION, KIND, ns, name);

	if (err == CF_ENOTFOUND)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE, "could not get "
		    "resource for include '%s': gitrepositories.source."
		    "toolkit.fluxcd.io \"%s\" not found", name, name);
	if (err < 0)
		return cf_error_wrap("could not get resource for include '%s'",
		    name);
	return 0;
}

/*
 * Follow includes from the direct ones (already fetched) breadth-first,
 * each repository once, and fail if one of them includes self. A cycle
 * would otherwise nest each artifact in the other's, one level deeper at
 * every interval. Missing repositories end their branch: that is the
 * including one's NotFound to report, not ours.
 */
static int check_cycle(const cf_node **repos, size_t n, cf_arena *a,
    cf_client *c, const char *ns, const char *self)
{
	const char *seen[CF_INCLUDE_MAX_WALK];
	const cf_node *queue[CF_INCLUDE_MAX_WALK];
	size_t nseen = 0, head = 0, tail = 0;

	seen[nseen++] = self;
	for (size_t i = 0; i < n && tail < CF_INCLUDE_MAX_WALK - 1; i++) {
		seen[nseen++] = cf_node_getp_str(repos[i], "metadata", "name",
		    NULL);
		queue[tail++] = repos[i];
	}
	while (head < tail) {
		const cf_node *r = queue[head++];
		const char *from = cf_node_getp_str(r, "metadata", "name",
		    NULL);
		const cf_node *list = cf_node_getp(r, "spec", "include", NULL);

		for (size_t i = 0; i < cf_node_count(list); i++) {
			const char *name = cf_node_getp_str(cf_node_at(list, i),
			    "repository", "name", NULL);
			cf_node *next = NULL;
			size_t j;

			if (!name)
				continue;
			if (!strcmp(name, self))
				return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
				    "include cycle: GitRepository '%s' includes "
				    "'%s'", from ? from : "", self);
			for (j = 0; j < nseen && (!seen[j] ||
			    strcmp(seen[j], name)); j++)
				;
			if (j < nseen)
				continue;
			if (nseen == CF_INCLUDE_MAX_WALK || tail ==
			    CF_INCLUDE_MAX_WALK)
				return 0; /* bounded: past this, no verdict */
			seen[nseen++] = name;
			if (cf_client_get(&next, a, c, API_VERSION, KIND, ns,
			    name) == 0)
				queue[tail++] = next;
		}
	}
	return 0;
}

int cf_include_resolve(cf_include *inc, size_t n, cf_arena *a,
    cf_client *c, const char *ns, const char *self, const char **reason)
{
	const cf_node **repos;
	int err;

	*reason = NULL;
	if (!n)
		return 0;
	repos = cf_arena_zalloc(a, n * sizeof(*repos));
	for (size_t i = 0; i < n; i++) {
		cf_node *repo = NULL;

		if ((err = get_repo(&repo, a, c, ns, inc[i].name)) < 0) {
			*reason = "NotFound";
			return err;
		}
		inc[i].artifact = cf_node_getp(repo, "status", "artifact",
		    NULL);
		if (!cf_node_getp_str(inc[i].artifact, "path", NULL)) {
			*reason = "NoArtifact";
			return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
			    "no artifact available for include '%s'",
			    inc[i].name);
		}
		repos[i] = repo;
	}
	if ((err = check_cycle(repos, n, a, c, ns, self)) < 0)
		*reason = "IncludeCycle";
	return err;
}

/* ---- copying ---- */

/*
 * Open the directory that will hold to's last component, creating the
 * ones missing (0755) and never following a link; *base is the last
 * component (in to, which is modified and restored).
 */
static int open_parent(int *out, const char *work, char *to,
    const char **base)
{
	int fd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC), nfd;
	char *p = to, *slash;

	if (fd < 0)
		return cf_error_os("cannot open the work directory");
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST)
			nfd = -1;
		else
			nfd = openat(fd, p, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		*slash = '/';
		if (nfd < 0) {
			int saved = errno;

			close(fd);
			return cf_error_setc(CF_EINVALID, CF_ERR_OS, "'%.*s' "
			    "is not a directory in the repository: %s",
			    (int)(slash - to), to, strerror(saved));
		}
		close(fd);
		fd = nfd;
		p = slash + 1;
	}
	*base = p;
	*out = fd;
	return 0;
}

/* The artifact file of art, confined to st, with its recorded digest. */
static int artifact_file(char **out, const cf_storage *st,
    const cf_node *art)
{
	const char *rel = cf_node_getp_str(art, "path", NULL);
	const char *want = cf_node_getp_str(art, "digest", NULL);
	char got[80];
	int err;

	*out = NULL;
	if (!rel || !want)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "the included artifact has no path or digest");
	if ((err = cf_storage_digest(got, st, rel)) < 0)
		return cf_error_setc(err, CF_ERR_INVALID, "artifact '%s' is "
		    "not in storage", rel);
	if (strcmp(got, want))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "artifact "
		    "'%s' does not match its digest '%s'", rel, want);
	return cf_storage_secure_path(out, st, rel);
}

/* Move src (a file or directory) to to inside work. */
static int place(const char *src, const char *work, const char *to)
{
	char *t = cf_xstrdup(to);
	const char *base = NULL;
	int dfd = -1, err;

	if ((err = open_parent(&dfd, work, t, &base)) == 0) {
		if (renameat(AT_FDCWD, src, dfd, base) < 0) {
			err = errno == ENOTEMPTY || errno == EEXIST ?
			    CF_EEXISTS : CF_EINVALID;
			cf_error_setc(err, CF_ERR_OS, "cannot place it at "
			    "'%s': %s", to, strerror(errno));
		}
		close(dfd);
	}
	free(t);
	return err;
}

int cf_include_copy(const cf_storage *st, const cf_node *art,
    const char *from, const char *work, const char *to,
    const char *scratch_parent)
{
	char tmp[PATH_MAX], unpack[PATH_MAX + 16], src[2 * PATH_MAX];
	char *file = NULL;
	struct stat sb;
	int err;

	if ((err = artifact_file(&file, st, art)) < 0)
		return err;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.include-XXXXXX",
	    scratch_parent) >= sizeof(tmp) || !mkdtemp(tmp)) {
		free(file);
		return cf_error_os("cannot create a scratch directory");
	}
	snprintf(unpack, sizeof(unpack), "%s/unpack", tmp);
	snprintf(src, sizeof(src), "%s%s%s", unpack, *from ? "/" : "", from);
	/* Source-controller never packs links; a link in an artifact is
	 * left out rather than followed. */
	err = cf_archive_untar_file(file, unpack,
	    &(cf_untar_opts){ .skip_symlinks = true });
	if (err < 0)
		goto done;
	if (lstat(src, &sb) < 0) {
		err = cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID, "'%s' does "
		    "not exist in the included artifact", from);
		goto done;
	}
	err = place(src, work, to);
done:
	cf_fs_remove_tree(tmp);
	free(file);
	return err;
}
