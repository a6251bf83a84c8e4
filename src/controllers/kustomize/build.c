/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/kustomize/build.h"

#include "controllers/kustomize/generate.h"
#include "core/error.h"

/* metadata.<field> of obj gets every pair of kv (kv wins). */
static void stamp(cf_arena *a, cf_node *obj, const char *field,
    const cf_node *kv)
{
	cf_node *md = cf_node_set_map(a, obj, "metadata");
	cf_node *m = cf_node_set_map(a, md, field);

	for (size_t i = 0; i < cf_node_count(kv); i++)
		cf_node_set(a, m, kv->v.pairs[i].key,
		    cf_node_dup(a, kv->v.pairs[i].val));
}

static void common_metadata(cf_arena *a, cf_kustomize_result *r,
    const cf_node *spec)
{
	const cf_node *cm = cf_node_get(spec, "commonMetadata");
	const cf_node *labels = cf_node_get(cm, "labels");
	const cf_node *ann = cf_node_get(cm, "annotations");

	for (size_t i = 0; cm && i < r->nobjs; i++) {
		if (labels)
			stamp(a, r->objs[i], "labels", labels);
		if (ann)
			stamp(a, r->objs[i], "annotations", ann);
	}
}

int cf_kzctl_build(cf_kustomize_result *r, cf_arena *a, const char *dir,
    const cf_node *spec)
{
	if (cf_kzctl_prepare(dir, spec) < 0 ||
	    cf_kustomize_build(r, a, dir, &(cf_kustomize_opts){
	    .restrictor = CF_KUSTOMIZE_NONE,
	    .reorder = CF_KUSTOMIZE_REORDER_UNSET }) < 0)
		return cf_error_wrap("kustomize build failed");
	for (size_t i = 0; i < r->nobjs; i++) {
		const char *kind = cf_node_getp_str(r->objs[i], "kind", NULL);

		if (!cf_node_getp_str(r->objs[i], "metadata", "name", NULL))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "object %zu of kind '%s' has no metadata.name", i,
			    kind ? kind : "");
	}
	common_metadata(a, r, spec);
	return 0;
}
