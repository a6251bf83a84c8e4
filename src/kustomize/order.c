/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Legacy output order: kind rank (orderFirst kinds first, in list order,
 * orderLast kinds last), then the "group_version_kind" string with empty
 * parts written ~G, ~V, ~K (reversed between two Namespaces when one is
 * the core one, so that it comes first, as kustomize 5 does), then "Kind.version.group|namespace|name"
 * with an empty namespace written ~X and an empty name ~N. Ids are
 * unique, so the order is total and any sort algorithm agrees with Go's.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_first[] = {
	"Namespace", "ResourceQuota", "StorageClass",
	"CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy",
	"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
	"ConfigMap", "Secret", "Endpoints", "Service", "LimitRange",
	"PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
	"Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
};

static const char *const default_last[] = {
	"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
};

struct okey {
	int rank;
	bool ns;      /* a Namespace of any group */
	bool core_ns; /* the core group's Namespace */
	char *gvk;    /* group_version_kind */
	char *rid;    /* Kind.version.group|ns|name */
	kz_res *r;
};

static int okey_cmp(const void *x, const void *y)
{
	const struct okey *a = x, *b = y;
	int c;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if ((c = strcmp(a->gvk, b->gvk))) {
		if (a->ns && b->ns && (a->core_ns || b->core_ns))
			return -c;
		return c;
	}
	return strcmp(a->rid, b->rid);
}

static int rank_of(const char *kind, const char *const *first, size_t nf,
    const char *const *last, size_t nl)
{
	for (size_t i = 0; i < nf; i++)
		if (!strcmp(first[i], kind))
			return -(int)(nf - i);
	for (size_t i = 0; i < nl; i++)
		if (!strcmp(last[i], kind))
			return (int)i + 1;
	return 0;
}

/* Custom lists from sortOptions.legacySortOptions replace the defaults. */
static size_t str_items(const cf_node *seq, const char ***out)
{
	size_t n = 0;

	*out = cf_xmalloc((cf_node_count(seq) + 1) * sizeof(char *));
	for (uint32_t i = 0; cf_node_is(seq, CF_NODE_SEQ) && i < seq->len; i++)
		if (cf_node_is(seq->v.items[i], CF_NODE_STR))
			(*out)[n++] = seq->v.items[i]->v.s;
	return n;
}

void kz_sort_legacy(kz_resmap *m, const cf_node *sort_opts)
{
	const cf_node *lso = cf_node_get(sort_opts, "legacySortOptions");
	const char **first = NULL, **last = NULL;
	size_t nf, nl;
	struct okey *keys;

	if (lso) {
		nf = str_items(cf_node_get(lso, "orderFirst"), &first);
		nl = str_items(cf_node_get(lso, "orderLast"), &last);
	} else {
		first = cf_xmalloc(sizeof(default_first));
		memcpy(first, default_first, sizeof(default_first));
		last = cf_xmalloc(sizeof(default_last));
		memcpy(last, default_last, sizeof(default_last));
		nf = CF_ARRAY_SIZE(default_first);
		nl = CF_ARRAY_SIZE(default_last);
	}
	keys = cf_xcalloc(m->n + 1, sizeof(*keys));
	for (size_t i = 0; i < m->n; i++) {
		kz_id id;
		char g[256];
		cf_buf b = CF_BUF_INIT;

		kz_id_of(&id, m->v[i]->obj);
		snprintf(g, sizeof(g), "%s", id.group);
		keys[i].r = m->v[i];
		keys[i].rank = rank_of(id.kind, first, nf, last, nl);
		keys[i].ns = !strcmp(id.kind, "Namespace");
		keys[i].core_ns = keys[i].ns && !*id.group;
		cf_buf_addf(&b, "%s_%s_%s", *g ? g : "~G",
		    *id.version ? id.version : "~V", *id.kind ? id.kind : "~K");
		keys[i].gvk = cf_buf_detach(&b, NULL);
		cf_buf_addf(&b, "%s.%s.%s|%s|%s", *id.kind ? id.kind : "~K",
		    *id.version ? id.version : "~V", *g ? g : "~G",
		    *id.ns ? id.ns : "~X", *id.name ? id.name : "~N");
		keys[i].rid = cf_buf_detach(&b, NULL);
	}
	qsort(keys, m->n, sizeof(*keys), okey_cmp);
	for (size_t i = 0; i < m->n; i++) {
		m->v[i] = keys[i].r;
		free(keys[i].gvk);
		free(keys[i].rid);
	}
	free(keys);
	free(first);
	free(last);
}
