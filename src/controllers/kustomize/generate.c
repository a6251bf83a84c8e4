/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/kustomize/generate.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "core/yaml_emit.h"

#define MAX_FILE (16u << 20)
#define MAX_DEPTH 32

static const char *const kfiles[] = { "kustomization.yaml",
	"kustomization.yml", "Kustomization" };

/* The kustomization file in dir, or NULL. */
static const char *find_kfile(const char *dir, char *out, size_t n)
{
	struct stat st;

	for (size_t i = 0; i < sizeof(kfiles) / sizeof(kfiles[0]); i++) {
		snprintf(out, n, "%s/%s", dir, kfiles[i]);
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return out;
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool yaml_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 5 && !strcmp(n + l - 5, ".yaml")) ||
	    (l > 4 && !strcmp(n + l - 4, ".yml"));
}

/* Whether the file holds Kubernetes objects (every document with
 * apiVersion and kind); a file that does not parse fails the build, as
 * Flux's generator does. 1 yes, 0 no, < 0 error. */
static int holds_objects(cf_arena *a, const char *path, const char *rel)
{
	cf_buf b = CF_BUF_INIT;
	cf_node **docs = NULL;
	size_t n = 0;
	int err, yes = 0;

	if ((err = cf_fs_read(&b, path, MAX_FILE)) < 0 ||
	    (err = cf_yaml_parse(&docs, &n, a, b.buf, b.len, NULL)) < 0) {
		cf_buf_release(&b);
		return cf_error_wrap("failed to decode Kubernetes YAML from "
		    "'%s'", rel);
	}
	cf_buf_release(&b);
	for (size_t i = 0; i < n; i++)
		if (docs[i] && cf_node_getp_str(docs[i], "apiVersion", NULL) &&
		    cf_node_getp_str(docs[i], "kind", NULL))
			yes = 1;
	return yes;
}

static int walk(cf_arena *a, cf_node *res, const char *root, const char *rel,
    int depth);

static int visit(cf_arena *a, cf_node *res, const char *root,
    const char *rel, const char *name, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX], kf[PATH_MAX];
	struct stat st;
	int r;

	if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
	    name) >= sizeof(sub) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", root, sub) >=
	    sizeof(path))
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_KUSTOMIZE,
		    "path '%s/%s' is too long", rel, name);
	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		if (find_kfile(path, kf, sizeof(kf))) {
			cf_node_push(a, res, cf_node_str(a, sub));
			return 0;
		}
		return walk(a, res, root, sub, depth + 1);
	}
	if (!S_ISREG(st.st_mode) || !yaml_name(name))
		return 0;
	if ((r = holds_objects(a, path, sub)) < 0)
		return r;
	if (r)
		cf_node_push(a, res, cf_node_str(a, sub));
	return 0;
}

/* Collect resources under root/rel in sorted order. */
static int walk(cf_arena *a, cf_node *res, const char *root, const char *rel,
    int depth)
{
	char path[PATH_MAX];
	char **names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	DIR *d;
	int err = 0;

	if (depth > MAX_DEPTH)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s' is nested too deeply", rel);
	snprintf(path, sizeof(path), "%s%s%s", root, *rel ? "/" : "", rel);
	if (!(d = opendir(path)))
		return cf_error_os("reading '%s'", *rel ? rel : ".");
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			names = realloc(names, alloc * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = cf_arena_strdup(a, de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n && !err; i++)
		err = visit(a, res, root, rel, names[i], depth);
	free(names);
	return err;
}

static int generate(cf_arena *a, cf_node **out, const char *dir)
{
	cf_node *k = cf_node_map(a), *res = cf_node_seq(a);
	int err;

	cf_node_set(a, k, "apiVersion", cf_node_str(a,
	    "kustomize.config.k8s.io/v1beta1"));
	cf_node_set(a, k, "kind", cf_node_str(a, "Kustomization"));
	if ((err = walk(a, res, dir, "", 0)) < 0)
		return err;
	cf_node_set(a, k, "resources", res);
	*out = k;
	return 0;
}

/* ---- overlay ---- */

static void set_str(cf_arena *a, cf_node *k, const cf_node *spec,
    const char *from, const char *to)
{
	const char *v = cf_node_getp_str(spec, from, NULL);

	if (v && *v)
		cf_node_set(a, k, to, cf_node_str(a, v));
}

/* Append spec's list to the kustomization's list field. */
static void append(cf_arena *a, cf_node *k, const cf_node *spec,
    const char *field)
{
	const cf_node *src = cf_node_get(spec, field);
	cf_node *dst;

	if (!cf_node_count(src))
		return;
	dst = cf_node_get(k, field);
	if (!dst || !cf_node_is(dst, CF_NODE_SEQ)) {
		dst = cf_node_seq(a);
		cf_node_set(a, k, field, dst);
	}
	for (size_t i = 0; i < cf_node_count(src); i++)
		cf_node_push(a, dst, cf_node_dup(a, cf_node_at(src, i)));
}

/* images: an entry for the same name is merged field by field (newTag and
 * digest replaced as a unit), others appended. */
static void merge_images(cf_arena *a, cf_node *k, const cf_node *spec)
{
	const cf_node *src = cf_node_get(spec, "images");
	cf_node *dst;

	if (!cf_node_count(src))
		return;
	dst = cf_node_get(k, "images");
	if (!dst || !cf_node_is(dst, CF_NODE_SEQ)) {
		dst = cf_node_seq(a);
		cf_node_set(a, k, "images", dst);
	}
	for (size_t i = 0; i < cf_node_count(src); i++) {
		const cf_node *img = cf_node_at(src, i);
		const char *name = cf_node_getp_str(img, "name", NULL);
		cf_node *hit = NULL;

		for (size_t j = 0; name && j < cf_node_count(dst); j++) {
			const char *n = cf_node_getp_str(cf_node_at(dst, j),
			    "name", NULL);

			if (n && !strcmp(n, name))
				hit = cf_node_at(dst, j);
		}
		if (!hit) {
			cf_node_push(a, dst, cf_node_dup(a, img));
			continue;
		}
		if (cf_node_get(img, "newName"))
			cf_node_set(a, hit, "newName", cf_node_dup(a,
			    cf_node_get(img, "newName")));
		if (cf_node_get(img, "newTag") || cf_node_get(img, "digest")) {
			cf_node_del(hit, "newTag");
			cf_node_del(hit, "digest");
			if (cf_node_get(img, "newTag"))
				cf_node_set(a, hit, "newTag", cf_node_dup(a,
				    cf_node_get(img, "newTag")));
			if (cf_node_get(img, "digest"))
				cf_node_set(a, hit, "digest", cf_node_dup(a,
				    cf_node_get(img, "digest")));
		}
	}
}

static int check_components(const cf_node *spec)
{
	const cf_node *c = cf_node_get(spec, "components");

	for (size_t i = 0; i < cf_node_count(c); i++) {
		const char *p = cf_node_as_str(cf_node_at(c, i));

		if (!p || p[0] == '/' || strstr(p, "://"))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "spec.components[%zu]: '%s' must be a local, "
			    "relative path", i, p ? p : "");
	}
	return 0;
}

static void overlay(cf_arena *a, cf_node *k, const cf_node *spec)
{
	set_str(a, k, spec, "targetNamespace", "namespace");
	set_str(a, k, spec, "namePrefix", "namePrefix");
	set_str(a, k, spec, "nameSuffix", "nameSuffix");
	append(a, k, spec, "patches");
	append(a, k, spec, "components");
	merge_images(a, k, spec);
}

static int needs_overlay(const cf_node *spec)
{
	static const char *const f[] = { "targetNamespace", "namePrefix",
		"nameSuffix", "patches", "components", "images" };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (cf_node_get(spec, f[i]))
			return 1;
	return 0;
}

static int load_kfile(cf_arena *a, cf_node **out, const char *path)
{
	cf_buf b = CF_BUF_INIT;
	int err = cf_fs_read(&b, path, MAX_FILE);

	if (!err)
		err = cf_yaml_parse_one(out, a, b.buf, b.len, NULL);
	cf_buf_release(&b);
	if (err < 0)
		return cf_error_wrap("'%s'", strrchr(path, '/') + 1);
	if (!*out || !cf_node_is(*out, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s' is not a Kustomization", strrchr(path, '/') + 1);
	return 0;
}

/* A plain write: the file lives in a temporary copy that is thrown away
 * after the build, so no fsync. */
static int write_kfile(const char *path, const cf_node *k)
{
	cf_buf b = CF_BUF_INIT;
	int err = cf_yaml_emit(&b, k);
	FILE *f;

	if (!err && (!(f = fopen(path, "w")) ||
	    fwrite(b.buf, 1, b.len, f) != b.len || fclose(f) != 0))
		err = cf_error_os("writing '%s'", path);
	cf_buf_release(&b);
	return err;
}

int cf_kzctl_prepare(const char *dir, const cf_node *spec)
{
	cf_arena a = CF_ARENA_INIT;
	char kf[PATH_MAX];
	cf_node *k = NULL;
	int err;

	if ((err = check_components(spec)) < 0)
		return err;
	if (find_kfile(dir, kf, sizeof(kf))) {
		if (!needs_overlay(spec))
			return 0;
		err = load_kfile(&a, &k, kf);
	} else {
		snprintf(kf, sizeof(kf), "%s/kustomization.yaml", dir);
		err = generate(&a, &k, dir);
	}
	if (!err) {
		overlay(&a, k, spec);
		err = write_kfile(kf, k);
	}
	cf_arena_release(&a);
	return err;
}
