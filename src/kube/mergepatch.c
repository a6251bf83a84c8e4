/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/mergepatch.h"

/*
 * Applied in place because the API server always works on its own copy of
 * the stored object; copying again here would double the work of every
 * kubectl label/annotate/scale.
 */
cf_node *cf_mergepatch_apply(cf_arena *a, cf_node *target,
    const cf_node *patch)
{
	if (!cf_node_is(patch, CF_NODE_MAP))
		return patch ? cf_node_dup(a, patch) : cf_node_null(a);
	/* RFC 7386: a non-object target is first replaced by {}. */
	if (!cf_node_is(target, CF_NODE_MAP))
		target = cf_node_map(a);
	for (size_t i = 0; i < patch->len; i++) {
		const cf_pair *p = &patch->v.pairs[i];

		if (p->val->type == CF_NODE_NULL) {
			cf_node_del(target, p->key);
			continue;
		}
		/* Recurse even into new keys so their nulls are dropped. */
		cf_node_setn(a, target, p->key, p->klen, cf_mergepatch_apply(a,
		    cf_node_getn(target, p->key, p->klen), p->val));
	}
	return target;
}

/* Deletions are listed first, then additions and changes in modified's
 * order; order has no meaning in a merge patch but keeps output stable. */
cf_node *cf_mergepatch_create(cf_arena *a, const cf_node *original,
    const cf_node *modified)
{
	cf_node *patch;

	if (!cf_node_is(original, CF_NODE_MAP) ||
	    !cf_node_is(modified, CF_NODE_MAP))
		return modified ? cf_node_dup(a, modified) : cf_node_null(a);
	patch = cf_node_map(a);
	for (size_t i = 0; i < original->len; i++) {
		const cf_pair *p = &original->v.pairs[i];

		if (!cf_node_getn(modified, p->key, p->klen))
			cf_node_setn(a, patch, p->key, p->klen, cf_node_null(a));
	}
	for (size_t i = 0; i < modified->len; i++) {
		const cf_pair *p = &modified->v.pairs[i];
		const cf_node *o = cf_node_getn(original, p->key, p->klen);

		if (!o) {
			cf_node_setn(a, patch, p->key, p->klen,
			    cf_node_dup(a, p->val));
		} else if (cf_node_is(o, CF_NODE_MAP) &&
		    cf_node_is(p->val, CF_NODE_MAP)) {
			cf_node *sub = cf_mergepatch_create(a, o, p->val);

			if (sub->len)
				cf_node_setn(a, patch, p->key, p->klen, sub);
		} else if (!cf_node_equal(o, p->val)) {
			/* Changed scalar, array or a change of type: whole. */
			cf_node_setn(a, patch, p->key, p->klen,
			    cf_node_dup(a, p->val));
		}
	}
	return patch;
}
