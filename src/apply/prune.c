/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Garbage collection of stale inventory entries (Flux's DeleteAll with
 * the kustomize-controller's selectors). Two choices beyond Flux: the
 * objects go in reverse apply order, so webhooks and workloads go before
 * the Namespaces and CRDs whose deletion would take them anyway; and a
 * stale Namespace that still holds objects of the new inventory is kept,
 * since deleting it would delete what was just applied.
 */
#include "apply/apply.h"

#include <stdlib.h>
#include <string.h>

#include "apply/apply_int.h"
#include "client/client.h"
#include "core/alloc.h"
#include "core/error.h"

#define GROUP "kustomize.toolkit.fluxcd.io"

struct prune {
	cf_arena *a;
	cf_client *c;
	const cf_prune_opts *o;
	cf_change_set *out;
	cf_inventory *failed;
	cf_buf errs;
	size_t dropped;
};

struct order {
	const cf_inv_entry *e;
	int prio;
	size_t at;
};

/* Reverse apply order; ties keep the inventory's order. */
static int order_cmp(const void *x, const void *y)
{
	const struct order *p = x, *q = y;

	if (p->prio != q->prio)
		return q->prio - p->prio;
	return p->at < q->at ? -1 : p->at > q->at;
}

static bool label_is(const cf_node *live, const char *key, const char *want)
{
	const char *v = cf_node_getp_str(live, "metadata", "labels", key, NULL);

	return v && !strcmp(v, want);
}

/* Why to leave a live object alone, or NULL to delete it. */
static const char *keep_reason(const struct prune *p, const cf_inv_entry *e,
    const cf_node *live)
{
	if (p->o->owner_name && p->o->owner_namespace &&
	    (!label_is(live, GROUP "/name", p->o->owner_name) ||
	    !label_is(live, GROUP "/namespace", p->o->owner_namespace)))
		return "owned by another Kustomization";
	if (cf_apply__meta_is(live, GROUP "/prune", "disabled") ||
	    cf_apply__meta_is(live, GROUP "/reconcile", "disabled") ||
	    cf_apply__meta_is(live, GROUP "/ssa", "Ignore"))
		return "excluded";
	if (!*e->group && !strcmp(e->kind, "Namespace") && p->o->keep) {
		for (size_t i = 0; i < p->o->keep->len; i++)
			if (!strcmp(p->o->keep->v[i].ns, e->name))
				return "still holds managed objects";
	}
	return NULL;
}

static void prune_failed(struct prune *p, const cf_inv_entry *e)
{
	cf_apply__report(&p->errs, &p->dropped, "%s%s deletion failed: %s",
	    p->errs.len ? "\n" : "", cf_inv_subject(p->a, e), cf_error_msg());
	if (p->failed)
		cf_inv_add(p->failed, p->a, e);
}

static void prune_one(struct prune *p, const cf_inv_entry *e)
{
	const char *av = cf_inv_api_version(p->a, e);
	cf_node *live = NULL;
	int err = cf_client_get(&live, p->a, p->c, av, e->kind, e->ns,
	    e->name);

	if (err == CF_ENOTFOUND)
		return; /* already gone: nothing to record */
	if (err < 0) {
		prune_failed(p, e);
		return;
	}
	if (keep_reason(p, e, live)) {
		cf_apply__record(p->out, p->a, e, CF_APPLY_SKIPPED);
		return;
	}
	err = cf_client_delete(NULL, p->a, p->c, av, e->kind, e->ns, e->name,
	    &(cf_delete_opts){ .propagation = CF_DELETE_BACKGROUND });
	if (err < 0 && err != CF_ENOTFOUND)
		prune_failed(p, e);
	else
		cf_apply__record(p->out, p->a, e, CF_APPLY_DELETED);
}

int cf_apply_prune(cf_change_set *out, cf_inventory *failed, cf_arena *a,
    cf_client *c, const cf_inventory *stale, const cf_prune_opts *opts)
{
	static const cf_prune_opts zero;
	struct prune p = { .a = a, .c = c, .o = opts ? opts : &zero,
	    .out = out, .failed = failed, .errs = CF_BUF_INIT };
	struct order *ord = cf_arena_alloc(a, (stale->len ? stale->len : 1) *
	    sizeof(*ord));
	int err = 0;

	for (size_t i = 0; i < stale->len; i++)
		ord[i] = (struct order){ &stale->v[i],
		    cf_apply__kind_prio(stale->v[i].kind), i };
	qsort(ord, stale->len, sizeof(*ord), order_cmp);
	for (size_t i = 0; i < stale->len; i++)
		prune_one(&p, ord[i].e);
	if (p.errs.len)
		err = cf_apply__report_fail(CF_ERROR, &p.errs, p.dropped);
	cf_buf_release(&p.errs);
	return err;
}
