/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the kustomize build files: the resource record,
 * the resource list with its id index, the build context, and the
 * entry points of each pipeline stage.
 */
#ifndef CF_KUSTOMIZE_KZ_INT_H
#define CF_KUSTOMIZE_KZ_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"
#include "kustomize/kustomize.h"

/* An object identity: group, version, kind, name, namespace. */
typedef struct kz_id {
	const char *group, *version, *kind, *name, *ns;
} kz_id;

/* A list of strings owned by the build arena. */
typedef struct kz_strs {
	const char **v;
	size_t n, alloc;
} kz_strs;

enum kz_behavior { KZ_CREATE = 0, KZ_MERGE, KZ_REPLACE };

/* One object flowing through the build. */
typedef struct kz_res {
	cf_node *obj;
	kz_id orig;       /* identity when first loaded or generated */
	kz_id *prev;      /* identities it had before each rename */
	size_t nprev, aprev;
	kz_strs prefixes; /* namePrefix values applied, innermost first */
	kz_strs suffixes;
	const char *origin_file; /* real path of the file it came from */
	const char *origin_kust; /* or the kustomization that generated it */
	const char *origin_gen;  /* ... and the generator kind */
	bool needs_hash;  /* generated and hash not disabled */
	bool generated;
} kz_res;

/* Open-addressing string -> index map. Keys are borrowed (arena
 * strings that outlive the index). */
typedef struct kz_index {
	char **keys;
	size_t *vals;
	size_t cap, n;
} kz_index;

/* The ordered resource list of one target, indexed by current id. */
typedef struct kz_resmap {
	kz_res **v;
	size_t n, alloc;
} kz_resmap;

/* A field spec from a configurations file: which objects (empty =
 * any) and the '/'-separated path ("[]" marks a list). */
typedef struct kz_fs {
	const char *group, *version, *kind, *path;
	bool create;
	const char *referred; /* nameReference: the kind referred to */
	const char *ref_group, *ref_version; /* ... and its group, version
	                                      * (NULL: any) */
} kz_fs;

typedef struct kz_fss {
	kz_fs *v;
	size_t n, alloc;
} kz_fss;

/* Field specs added by `configurations` and `crds`, merged with the
 * built-in ones (exact duplicates are kept once). labels holds the
 * commonLabels key, mlabels the `labels` key (every labels entry). */
typedef struct kz_cfg {
	kz_fss labels, annotations, images, varref, nameref, replicas;
	kz_fss prefix, suffix, ns, templates, mlabels;
} kz_cfg;

/* One build: options, the arena, the chain of directories being built
 * (for cycle detection) and collected warnings. */
typedef struct kz_ctx {
	cf_arena *a;
	cf_kustomize_opts opts;
	kz_strs chain;
	kz_strs warnings;
	struct {
		const cf_node **v; /* var definitions of every layer */
		size_t n, alloc;
	} vars;
	kz_cfg cfg;
	int depth;
} kz_ctx;

/* A loaded kustomization file: canonical key -> value. */
typedef struct kz_kust {
	const char *dir;  /* real path of its directory */
	const char *path; /* the file, for messages */
	cf_node *k;       /* the map, keys renamed to their canonical case */
	bool component;
} kz_kust;

/* strs.c helpers */
void kz_strs_push(kz_ctx *c, kz_strs *s, const char *v);

/* id.c */
void kz_id_of(kz_id *out, const cf_node *obj);
/* "group|version|kind|ns|name" with default namespace folded to "". */
const char *kz_id_key(cf_arena *a, const kz_id *id);
const char *kz_id_str(cf_arena *a, const kz_id *id);
void kz_res_record(kz_ctx *c, kz_res *r); /* push current id onto prev */
kz_res *kz_res_new(kz_ctx *c, cf_node *obj);
bool kz_cluster_scoped(const char *group, const char *kind);

void kz_index_put(kz_index *ix, const char *key, size_t val);
bool kz_index_get(const kz_index *ix, const char *key, size_t *val);
void kz_index_release(kz_index *ix);

/* resmap: append refuses duplicate current ids */
int kz_resmap_append(kz_ctx *c, kz_resmap *m, kz_res *r, const char *where);
int kz_resmap_check_unique(kz_ctx *c, kz_resmap *m, const char *what);

/* load.c: files under the load restrictor */
int kz_read_file(kz_ctx *c, char **out, size_t *len, const char *root,
    const char *rel);
int kz_load_kust(kz_ctx *c, kz_kust *out, const char *dir);
int kz_parse_docs(kz_ctx *c, cf_node ***docs, size_t *n, const char *text,
    size_t len, const char *path);
int kz_load_resources(kz_ctx *c, kz_resmap *m, const char *text, size_t len,
    const char *path);
const char *kz_realdir(kz_ctx *c, const char *dir);
int kz_yaml_parse_stream(cf_arena *a, cf_node ***docs, size_t *n,
    const char *text, size_t len, const char *path);
int kz_yaml_parse_stream11(cf_arena *a, cf_node ***docs, size_t *n,
    const char *text, size_t len, const char *path);

/* generate.c */
int kz_generate(kz_ctx *c, kz_resmap *m, const kz_kust *k);
void kz_hash_obj(char out[11], const cf_node *obj);

/* transform.c */
int kz_transform(kz_ctx *c, kz_resmap *m, const kz_kust *k);

/* Single transformers, for builtin plugin configs (plugins.c). */
int kz_do_namespace(kz_ctx *c, kz_resmap *m, const char *ns);
void kz_do_affix(kz_ctx *c, kz_resmap *m, const char *pre, const char *suf);
int kz_do_images(kz_ctx *c, kz_resmap *m, const kz_kust *k);
int kz_do_replicas(kz_ctx *c, kz_resmap *m, const kz_kust *k);
int kz_apply_pairs(kz_ctx *c, kz_resmap *m, const cf_node *pairs,
    const cf_node *fss, const char *src);

/* plugins.c: the generators, transformers and validators fields */
int kz_plugins(kz_ctx *c, kz_resmap *m, const kz_kust *k, const char *field);

/* patch.c */
int kz_patches(kz_ctx *c, kz_resmap *m, const kz_kust *k, const char *field);
int kz_smp_merge(kz_ctx *c, cf_node *dst, const cf_node *patch,
    const char *group, const char *kind);

/* Does selector sel (group, version, kind, name, namespace as anchored
 * regexes; labelSelector, annotationSelector) pick r? */
int kz_select(kz_ctx *c, const cf_node *sel, kz_res *r, bool *out,
    const char *src);

/* config.c: load a kustomization's configurations files */
int kz_load_configurations(kz_ctx *c, const kz_kust *k);
/* ... and its crds files (OpenAPI definitions -> field specs) */
int kz_load_crds(kz_ctx *c, const kz_kust *k);
/* Does field spec f (group, version, kind; NULL = any) select an object
 * of this group, version and kind? */
bool kz_fs_selects(const kz_fs *f, const char *group, const char *version,
    const char *kind);
/* Append a copy of f to l (arena-backed). */
void kz_fss_push(kz_ctx *c, kz_fss *l, const kz_fs *f);

/* replace.c */
int kz_replacements(kz_ctx *c, kz_resmap *m, const kz_kust *k);

/* nameref.c */
int kz_fix_namerefs(kz_ctx *c, kz_resmap *m);

/* vars.c: expand $(VAR) references (after name references) */
int kz_resolve_vars(kz_ctx *c, kz_resmap *m);

/* order.c */
void kz_sort_legacy(kz_resmap *m, const cf_node *sort_opts);

/* build.c */
/* Accumulate the target in dir into m; *top (if given) is its
 * kustomization map. */
int kz_build_dir(kz_ctx *c, kz_resmap *m, const char *dir, bool component,
    cf_node **top);

#endif
