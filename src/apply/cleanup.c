/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flux's "Override" cleanup before apply: managedFields entries of
 * kubectl (Apply and Update), before-first-apply (Update), this
 * controller's own pre-SSA Update entry and any override manager are
 * folded into our Apply entry, and kubectl's last-applied annotation
 * and Flux v1's checksum marks are removed, in one JSON patch. Fields
 * someone added with kubectl then belong to us, and the apply that
 * follows, which does not set them, removes them: drift made by hand is
 * undone. Objects marked ssa: Merge are left as they are.
 */
#include "apply/apply_int.h"

#include <string.h>

#include "client/client.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"

#define GROUP "kustomize.toolkit.fluxcd.io"

static const char *const stale_annotations[] = {
	"kubectl.kubernetes.io/last-applied-configuration",
	GROUP "/checksum",
	"fluxcd.io/sync-checksum",
};
static const char *const stale_labels[] = { "fluxcd.io/sync-gc-mark" };

/* Managers taken over, by name prefix (so "kubectl-edit" and
 * "kubectl-client-side-apply" count as kubectl) and operation. */
static const struct {
	const char *prefix, *operation;
} builtin_managers[] = {
	{ "kubectl", "Apply" },
	{ "kubectl", "Update" },
	{ "before-first-apply", "Update" },
};

/* A JSON pointer token: '~' as "~0", '/' as "~1" (RFC 6901). */
static char *pointer(cf_arena *a, const char *base, const char *key)
{
	cf_buf b = CF_BUF_INIT;
	char *s;

	cf_buf_adds(&b, base);
	for (; *key; key++) {
		if (*key == '~')
			cf_buf_adds(&b, "~0");
		else if (*key == '/')
			cf_buf_adds(&b, "~1");
		else
			cf_buf_addch(&b, *key);
	}
	s = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return s;
}

static void add_op(cf_arena *a, cf_node *ops, const char *op,
    const char *path, cf_node *value)
{
	cf_node *o = cf_node_map(a);

	cf_node_set(a, o, "op", cf_node_str(a, op));
	cf_node_set(a, o, "path", cf_node_str(a, path));
	if (value)
		cf_node_set(a, o, "value", value);
	cf_node_push(a, ops, o);
}

/* "remove" ops for the listed keys the live map holds. */
static void remove_keys(cf_arena *a, cf_node *ops, const cf_node *live,
    const char *map, const char *const *keys, size_t n)
{
	const cf_node *m = cf_node_getp(live, "metadata", map, NULL);

	for (size_t i = 0; i < n; i++)
		if (cf_node_get(m, keys[i]))
			add_op(a, ops, "remove", pointer(a, cf_arena_printf(a,
			    "/metadata/%s/", map), keys[i]), NULL);
}

static bool prefixed(const char *s, const char *prefix)
{
	return s && !strncmp(s, prefix, strlen(prefix));
}

/* Whether a managedFields entry belongs to a manager we take over. */
static bool taken_over(const cf_node *e, const char *self,
    const char *const *extra)
{
	const char *m = cf_node_getp_str(e, "manager", NULL);
	const char *op = cf_node_getp_str(e, "operation", NULL);
	const char *sub = cf_node_getp_str(e, "subresource", NULL);

	if (!m || !op || (sub && *sub))
		return false;
	for (size_t i = 0; i < CF_ARRAY_SIZE(builtin_managers); i++)
		if (prefixed(m, builtin_managers[i].prefix) &&
		    !strcmp(op, builtin_managers[i].operation))
			return true;
	if (prefixed(m, self) && !strcmp(op, "Update"))
		return true; /* the controller before it used SSA */
	for (; extra && *extra; extra++)
		if (prefixed(m, *extra))
			return true;
	return false;
}

/* Union of two fieldsV1 trees into dst (both maps of maps). */
static void fields_union(cf_arena *a, cf_node *dst, const cf_node *src)
{
	for (size_t i = 0; i < cf_node_count(src); i++) {
		const cf_pair *p = &src->v.pairs[i];
		cf_node *have = cf_node_get(dst, p->key);

		if (cf_node_is(have, CF_NODE_MAP) &&
		    cf_node_is(p->val, CF_NODE_MAP))
			fields_union(a, have, p->val);
		else if (!have)
			cf_node_set(a, dst, p->key, cf_node_dup(a, p->val));
	}
}

static bool str_is(const cf_node *n, const char *key, const char *want)
{
	const char *s = cf_node_getp_str(n, key, NULL);

	return s && !strcmp(s, want);
}

/* Our Apply entry in list, or a new one appended to it. */
static cf_node *own_entry(cf_arena *a, cf_node *list, const char *self,
    const cf_node *live)
{
	cf_node *e;

	for (size_t i = 0; i < cf_node_count(list); i++) {
		e = cf_node_at(list, i);
		if (str_is(e, "manager", self) && str_is(e, "operation",
		    "Apply"))
			return e;
	}
	e = cf_node_map(a);
	cf_node_set(a, e, "manager", cf_node_str(a, self));
	cf_node_set(a, e, "operation", cf_node_str(a, "Apply"));
	cf_node_set(a, e, "apiVersion", cf_node_dup(a, cf_node_get(live,
	    "apiVersion")));
	cf_node_set(a, e, "fieldsType", cf_node_str(a, "FieldsV1"));
	cf_node_set(a, e, "fieldsV1", cf_node_map(a));
	cf_node_push(a, list, e);
	return e;
}

/* A "replace" of managedFields when some entry is taken over. */
static void take_over(cf_arena *a, cf_node *ops, const cf_node *live,
    const char *self, const char *const *extra)
{
	const cf_node *mf = cf_node_getp(live, "metadata", "managedFields",
	    NULL);
	cf_node *kept = cf_node_seq(a), *taken = cf_node_map(a), *own;

	for (size_t i = 0; i < cf_node_count(mf); i++) {
		const cf_node *e = cf_node_at(mf, i);

		if (!taken_over(e, self, extra))
			cf_node_push(a, kept, cf_node_dup(a, e));
		else
			fields_union(a, taken, cf_node_get(e, "fieldsV1"));
	}
	if (cf_node_count(kept) == cf_node_count(mf))
		return;
	own = own_entry(a, kept, self, live);
	if (!cf_node_is(cf_node_get(own, "fieldsV1"), CF_NODE_MAP))
		cf_node_set(a, own, "fieldsV1", cf_node_map(a));
	fields_union(a, cf_node_get(own, "fieldsV1"), taken);
	add_op(a, ops, "replace", "/metadata/managedFields", kept);
}

int cf_apply__cleanup(bool *patched, cf_arena *a, cf_client *c,
    const cf_node *desired, const cf_node *live, const char *self,
    const char *const *extra)
{
	cf_node *ops = cf_node_seq(a);
	cf_buf body = CF_BUF_INIT;
	int err;

	*patched = false;
	if (!live || cf_apply__meta_is(desired, GROUP "/ssa", "Merge"))
		return 0;
	remove_keys(a, ops, live, "annotations", stale_annotations,
	    CF_ARRAY_SIZE(stale_annotations));
	remove_keys(a, ops, live, "labels", stale_labels,
	    CF_ARRAY_SIZE(stale_labels));
	take_over(a, ops, live, self, extra);
	if (!cf_node_count(ops))
		return 0;
	cf_buf_init_capped(&body, CF_CLIENT_MAX_OBJECT);
	err = cf_json_write(&body, ops, 0);
	if (err == 0)
		err = cf_client_patch(NULL, a, c, cf_node_getp_str(live,
		    "apiVersion", NULL), cf_node_getp_str(live, "kind", NULL),
		    cf_node_getp_str(live, "metadata", "namespace", NULL),
		    cf_node_getp_str(live, "metadata", "name", NULL),
		    CF_PATCH_JSON, body.buf, body.len, &(cf_write_opts){
		    .field_manager = self });
	cf_buf_release(&body);
	*patched = err == 0;
	return err;
}
