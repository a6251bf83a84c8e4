/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Loading: kustomization files (name rules, strict and case-insensitive
 * field matching, deprecated aliases folded in), resource files (YAML
 * streams, List flattening) and every other file a kustomization names,
 * through the load restrictor.
 *
 * The restrictor resolves symlinks first (realpath) and only then checks
 * that the file lies in or below the kustomization's own directory, so a
 * link pointing outside the root is refused like a "../" path.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every top-level key the v5.5.0 decoder accepts, in canonical case. */
static const char *const kust_fields[] = {
	"apiVersion", "kind", "metadata", "openapi", "namePrefix",
	"nameSuffix", "namespace", "commonLabels", "labels",
	"commonAnnotations", "patchesStrategicMerge", "patchesJson6902",
	"patches", "images", "imageTags", "replacements", "replicas", "vars",
	"sortOptions", "resources", "components", "crds", "bases",
	"configMapGenerator", "secretGenerator", "helmGlobals", "helmCharts",
	"helmChartInflationGenerator", "generatorOptions", "configurations",
	"generators", "transformers", "validators", "buildMetadata",
};

/* Deprecated fields and kubectl's warning for each. */
static const struct {
	const char *field, *msg;
} deprecations[] = {
	{ "bases", "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "commonLabels", "# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "imageTags", "# Warning: 'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "patchesJson6902", "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "patchesStrategicMerge", "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically." },
	{ "vars", "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically." },
};

const char *kz_realdir(kz_ctx *c, const char *dir)
{
	char buf[PATH_MAX];

	if (!realpath(dir, buf))
		return NULL;
	return cf_arena_strdup(c->a, buf);
}

static bool path_within(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == 0);
}

/* Read a whole file with a size cap. */
static int slurp(char **out, size_t *len, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	size_t got = 0;

	if (fd < 0)
		return cf_error_os("cannot read '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s' is not a regular file", path);
	}
	if (st.st_size > (off_t)CF_KUSTOMIZE_MAX_FILE) {
		close(fd);
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_KUSTOMIZE,
		    "file '%s' is larger than %u bytes", path,
		    CF_KUSTOMIZE_MAX_FILE);
	}
	buf = cf_xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*out = buf;
	*len = got;
	return 0;
}

/*
 * Read rel (relative to root, the kustomization's real directory) under
 * the restrictor. *out is malloc'ed; the caller frees.
 */
int kz_read_file(kz_ctx *c, char **out, size_t *len, const char *root,
    const char *rel)
{
	char real[PATH_MAX];
	const char *path = rel[0] == '/' ? rel :
	    cf_arena_printf(c->a, "%s/%s", root, rel);

	if (!realpath(path, real))
		return cf_error_os("cannot read '%s'", path);
	if (c->opts.restrictor == CF_KUSTOMIZE_ROOT_ONLY &&
	    !path_within(real, root))
		return cf_error_setc(CF_EFORBIDDEN, CF_ERR_KUSTOMIZE,
		    "security; file '%s' is not in or below '%s'", real, root);
	return slurp(out, len, real);
}

/* Find the one kustomization file in dir. */
/* Exactly one of the three recognised names must exist in dir. */
static int find_kust_file(kz_ctx *c, const char **out, const char *dir)
{
	static const char *const names[] = {
		"kustomization.yaml", "kustomization.yml", "Kustomization",
	};
	const char *found = NULL;

	for (size_t i = 0; i < CF_ARRAY_SIZE(names); i++) {
		const char *p = cf_arena_printf(c->a, "%s/%s", dir, names[i]);
		struct stat st;

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (found)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "Found multiple kustomization files under: %s",
				    dir);
			found = p;
		}
	}
	if (!found)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUSTOMIZE,
		    "unable to find one of 'kustomization.yaml', "
		    "'kustomization.yml' or 'Kustomization' in directory '%s'",
		    dir);
	*out = found;
	return 0;
}

/* Append the items of from to the list at k[to] (bases -> resources). */
static void append_list(kz_ctx *c, cf_node *k, const char *to,
    const cf_node *from)
{
	cf_node *dst = cf_node_get(k, to);

	if (!cf_node_is(from, CF_NODE_SEQ) || !from->len)
		return;
	if (!cf_node_is(dst, CF_NODE_SEQ)) {
		dst = cf_node_seq(c->a);
		cf_node_set(c->a, k, to, dst);
	}
	for (uint32_t i = 0; i < from->len; i++)
		cf_node_push(c->a, dst, from->v.items[i]);
}

/*
 * Load the kustomization in dir (a real path): strict decoding with Go's
 * case-insensitive key matching, deprecation warnings, kind/apiVersion
 * checks, alias folding and the "empty" check.
 */
/* Keys of a map that Go decodes into a struct, NULL-terminated. */
static int strict_keys(const cf_node *n, const char *const *ok,
    const char *file, const char *where)
{
	for (uint32_t i = 0; cf_node_is(n, CF_NODE_MAP) && i < n->len; i++) {
		bool found = false;
		for (const char *const *f = ok; *f; f++)
			if (strlen(*f) == n->v.pairs[i].klen &&
			    !strncasecmp(*f, n->v.pairs[i].key, n->v.pairs[i].klen))
				found = true;
		if (!found)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s: json: unknown field "
			    "\"%s\"", file, where, n->v.pairs[i].key);
	}
	return 0;
}

/*
 * Nested structures are decoded strictly too: a misspelt key anywhere
 * (includeSelector, disableHash, a target's "nam") fails the build rather
 * than being ignored. Generator, patch and image entries check their own
 * keys where they are read.
 */
static int check_nested(const cf_node *k, const char *file)
{
	static const char *const label_keys[] = { "pairs", "includeSelectors",
		"includeTemplates", "fields", NULL };
	static const char *const fs_keys[] = { "path", "group", "version",
		"kind", "create", NULL };
	static const char *const replica_keys[] = { "name", "count", NULL };
	static const char *const genopt_keys[] = { "labels", "annotations",
		"disableNameSuffixHash", "immutable", NULL };
	static const char *const sort_keys[] = { "order", "legacySortOptions", NULL };
	static const char *const legacy_keys[] = { "orderFirst", "orderLast", NULL };
	static const char *const sel_keys[] = { "group", "version", "kind",
		"name", "namespace", "labelSelector", "annotationSelector", NULL };
	static const char *const popt_keys[] = { "allowNameChange",
		"allowKindChange", NULL };
	static const char *const var_keys[] = { "name", "objref", "fieldref", NULL };
	static const char *const rep_keys[] = { "source", "targets", "path", NULL };
	int err;
	cf_node *l;

	l = cf_node_get(k, "labels");
	for (uint32_t i = 0; cf_node_is(l, CF_NODE_SEQ) && i < l->len; i++) {
		cf_node *e = l->v.items[i];
		if ((err = strict_keys(e, label_keys, file, "labels")) < 0)
			return err;
		cf_node *f = cf_node_get(e, "fields");
		for (uint32_t j = 0; cf_node_is(f, CF_NODE_SEQ) && j < f->len; j++)
			if ((err = strict_keys(f->v.items[j], fs_keys, file,
			    "labels.fields")) < 0)
				return err;
	}
	l = cf_node_get(k, "replicas");
	for (uint32_t i = 0; cf_node_is(l, CF_NODE_SEQ) && i < l->len; i++)
		if ((err = strict_keys(l->v.items[i], replica_keys, file, "replicas")) < 0)
			return err;
	if ((err = strict_keys(cf_node_get(k, "generatorOptions"), genopt_keys,
	    file, "generatorOptions")) < 0)
		return err;
	l = cf_node_get(k, "sortOptions");
	if ((err = strict_keys(l, sort_keys, file, "sortOptions")) < 0 ||
	    (err = strict_keys(cf_node_get(l, "legacySortOptions"), legacy_keys,
	    file, "sortOptions.legacySortOptions")) < 0)
		return err;
	static const char *const plists[] = { "patches", "patchesJson6902" };
	for (size_t p = 0; p < 2; p++) {
		l = cf_node_get(k, plists[p]);
		for (uint32_t i = 0; cf_node_is(l, CF_NODE_SEQ) && i < l->len; i++) {
			if ((err = strict_keys(cf_node_get(l->v.items[i], "target"),
			    sel_keys, file, plists[p])) < 0 ||
			    (err = strict_keys(cf_node_get(l->v.items[i], "options"),
			    popt_keys, file, plists[p])) < 0)
				return err;
		}
	}
	l = cf_node_get(k, "vars");
	for (uint32_t i = 0; cf_node_is(l, CF_NODE_SEQ) && i < l->len; i++)
		if ((err = strict_keys(l->v.items[i], var_keys, file, "vars")) < 0)
			return err;
	l = cf_node_get(k, "replacements");
	for (uint32_t i = 0; cf_node_is(l, CF_NODE_SEQ) && i < l->len; i++)
		if ((err = strict_keys(l->v.items[i], rep_keys, file, "replacements")) < 0)
			return err;
	return 0;
}

int kz_load_kust(kz_ctx *c, kz_kust *out, const char *dir)
{
	const char *file = NULL;
	char *text = NULL;
	size_t len;
	cf_node **docs;
	size_t ndocs;
	cf_node *raw, *k;
	int err;

	if ((err = find_kust_file(c, &file, dir)) < 0)
		return err;
	if ((err = slurp(&text, &len, file)) < 0)
		return err;
	err = kz_yaml_parse_stream(c->a, &docs, &ndocs, text, len, file);
	free(text);
	if (err < 0)
		return err;
	raw = ndocs ? docs[0] : NULL;
	if (ndocs > 1)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': expected one document", file);
	if (raw && raw->type == CF_NODE_NULL)
		raw = NULL;
	if (raw && raw->type != CF_NODE_MAP)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': json: cannot unmarshal %s into "
		    "Go value of type types.Kustomization", file,
		    raw->type == CF_NODE_SEQ ? "array" : "string");

	/* Strict, case-insensitive decoding (Go's encoding/json rules). */
	k = cf_node_map(c->a);
	for (uint32_t i = 0; raw && i < raw->len; i++) {
		const cf_pair *p = &raw->v.pairs[i];
		const char *canon = NULL;

		for (size_t f = 0; f < CF_ARRAY_SIZE(kust_fields); f++)
			if (strlen(kust_fields[f]) == p->klen &&
			    !strncasecmp(kust_fields[f], p->key, p->klen))
				canon = kust_fields[f];
		if (!canon)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': json: unknown field \"%s\"",
			    file, p->key);
		cf_node_set(c->a, k, canon, p->val);
	}

	/* String fields: Go refuses a number or boolean there. */
	static const char *const strings[] = { "namePrefix", "nameSuffix",
		"namespace", "apiVersion", "kind" };
	for (size_t i = 0; i < CF_ARRAY_SIZE(strings); i++) {
		cf_node *v = cf_node_get(k, strings[i]);
		if (v && v->type != CF_NODE_STR && v->type != CF_NODE_NULL)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': json: cannot unmarshal "
			    "%s into Go struct field Kustomization.%s of type string",
			    file, v->type == CF_NODE_BOOL ? "bool" :
			    v->type == CF_NODE_MAP ? "object" :
			    v->type == CF_NODE_SEQ ? "array" : "number", strings[i]);
	}
	if ((err = check_nested(k, file)) < 0)
		return err;
	for (size_t i = 0; i < CF_ARRAY_SIZE(deprecations); i++)
		if (cf_node_get(k, deprecations[i].field))
			kz_strs_push(c, &c->warnings, deprecations[i].msg);

	const char *kind = cf_node_as_str(cf_node_get(k, "kind"));
	const char *av = cf_node_as_str(cf_node_get(k, "apiVersion"));
	if (!kind || !*kind)
		kind = "Kustomization";
	if (strcmp(kind, "Kustomization") && strcmp(kind, "Component"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': kind: unknown kind '%s'", file,
		    kind);
	out->component = !strcmp(kind, "Component");
	if (av && *av) {
		const char *want = out->component ?
		    "kustomize.config.k8s.io/v1alpha1" :
		    "kustomize.config.k8s.io/v1beta1";
		if (strcmp(av, want))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': apiVersion: apiVersion "
			    "for %s should be %s", file, kind, want);
	}

	/* Normalisation: deprecated aliases join their modern fields. */
	append_list(c, k, "resources", cf_node_get(k, "bases"));
	append_list(c, k, "images", cf_node_get(k, "imageTags"));

	bool empty = true;
	for (uint32_t i = 0; i < k->len; i++)
		if (strcmp(k->v.pairs[i].key, "apiVersion") &&
		    strcmp(k->v.pairs[i].key, "kind"))
			empty = false;
	if (empty)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "kustomization.yaml is empty ('%s')", file);

	out->dir = dir;
	out->path = file;
	out->k = k;
	return 0;
}

/* A kind ending in "List" with an items list is flattened. */
static bool is_list(const cf_node *obj)
{
	const char *kind = cf_node_as_str(cf_node_get(obj, "kind"));
	size_t kl = kind ? strlen(kind) : 0;

	return kl >= 4 && !strcmp(kind + kl - 4, "List") &&
	    cf_node_is(cf_node_get(obj, "items"), CF_NODE_SEQ);
}

/* Add obj (or, for a List, its items) to m. */
static int add_doc(kz_ctx *c, kz_resmap *m, cf_node *obj, const char *path,
    int depth)
{
	const char *kind = cf_node_as_str(cf_node_get(obj, "kind"));
	cf_node *items = cf_node_get(obj, "items");
	size_t kl = kind ? strlen(kind) : 0;

	if (depth > 32)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_KUSTOMIZE,
		    "'%s': Lists nested too deeply", path);
	if (kl >= 4 && !strcmp(kind + kl - 4, "List") &&
	    cf_node_is(items, CF_NODE_SEQ)) {
		for (uint32_t i = 0; i < items->len; i++) {
			cf_node *it = items->v.items[i];
			int err;
			if (!cf_node_is(it, CF_NODE_MAP))
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "'%s': empty item at index %u in list", path, i);
			if ((err = add_doc(c, m, it, path, depth + 1)) < 0)
				return err;
		}
		return 0;
	}
	if (!kind || !*kind)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': missing kind in object", path);
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	if (!name || !*name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': missing metadata.name in object of kind '%s'", path,
		    kind);
	kz_res *r = kz_res_new(c, obj);
	r->origin_file = path;
	return kz_resmap_append(c, m, r, path);
}

int kz_parse_docs(kz_ctx *c, cf_node ***docs, size_t *n, const char *text,
    size_t len, const char *path)
{
	return kz_yaml_parse_stream(c->a, docs, n, text, len, path);
}

/* Parse a resource file and append its objects (Lists flattened). */
int kz_load_resources(kz_ctx *c, kz_resmap *m, const char *text, size_t len,
    const char *path)
{
	cf_node **docs;
	size_t n;
	int err;

	if ((err = kz_parse_docs(c, &docs, &n, text, len, path)) < 0)
		return err;
	/* Plain documents first, then the items of List documents: that is
	 * the order kustomize reads a file in (measured). */
	for (int pass = 0; pass < 2; pass++)
	for (size_t i = 0; i < n; i++) {
		cf_node *d = docs[i];

		/* Empty, null and {} documents are skipped. */
		if (!d || d->type == CF_NODE_NULL ||
		    (d->type == CF_NODE_MAP && !d->len))
			continue;
		if (d->type != CF_NODE_MAP)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': document %zu is not an object", path, i + 1);
		if (is_list(d) != (pass == 1))
			continue;
		if ((err = add_doc(c, m, d, path, 0)) < 0)
			return err;
	}
	return 0;
}
