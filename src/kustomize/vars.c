/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vars (deprecated, still common): collected from every layer, resolved
 * once at the very end, after hash suffixes and name back-references, so
 * $(NAME) of a generated ConfigMap yields its final hashed name. Only
 * the fields of kustomize's var-reference table are expanded, with
 * Kubernetes' $(VAR) rules: $$ escapes, unknown names stay as written.
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Container fields under a pod spec that are expanded. */
static const char *const container_fields[] = {
	"containers/command", "containers/args", "containers/env/value",
	"containers/volumeMounts/mountPath",
	"initContainers/command", "initContainers/args",
	"initContainers/env/value", "initContainers/volumeMounts/mountPath",
	"volumes/nfs/server",
};

static const struct {
	const char *kind, *base;
} pod_specs[] = {
	{ "Pod", "spec" },
	{ "Deployment", "spec/template/spec" },
	{ "ReplicaSet", "spec/template/spec" },
	{ "DaemonSet", "spec/template/spec" },
	{ "StatefulSet", "spec/template/spec" },
	{ "Job", "spec/template/spec" },
	{ "ReplicationController", "spec/template/spec" },
	{ "CronJob", "spec/jobTemplate/spec/template/spec" },
};

static const struct {
	const char *kind, *path; /* kind NULL: every object */
} other_fields[] = {
	{ NULL, "metadata/labels/*" },
	{ NULL, "metadata/annotations/*" },
	{ "Deployment", "spec/template/metadata/annotations/*" },
	{ "ReplicaSet", "spec/template/metadata/annotations/*" },
	{ "DaemonSet", "spec/template/metadata/annotations/*" },
	{ "StatefulSet", "spec/template/metadata/annotations/*" },
	{ "Job", "spec/template/metadata/annotations/*" },
	{ "ReplicationController", "spec/template/metadata/annotations/*" },
	{ "Service", "spec/ports/port" },
	{ "Service", "spec/ports/targetPort" },
	{ "Ingress", "spec/rules/host" },
	{ "Ingress", "spec/tls/hosts" },
	{ "Ingress", "spec/tls/secretName" },
};

/* A resolved var: its name and the value found at its field path. */
struct var {
	const char *name;
	cf_node *value;
};

struct vstate {
	kz_ctx *c;
	struct var *v;
	size_t n;
};

static const struct var *find_var(const struct vstate *s, const char *name,
    size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i].name) == len && !memcmp(s->v[i].name, name, len))
			return &s->v[i];
	return NULL;
}

/* A scalar as the text it has when spliced into a longer string. */
static const char *scalar_str(kz_ctx *c, const cf_node *n)
{
	switch (n ? n->type : CF_NODE_NULL) {
	case CF_NODE_STR: return n->v.s;
	case CF_NODE_INT: return cf_arena_printf(c->a, "%lld", (long long)n->v.i);
	case CF_NODE_BOOL: return n->v.b ? "true" : "false";
	case CF_NODE_FLOAT: return cf_arena_printf(c->a, "%g", n->v.f);
	default: return "";
	}
}

/* Expand $(VAR) in the string node; returns the replacement node. */
static cf_node *expand(struct vstate *s, cf_node *n)
{
	const char *p = n->v.s, *end = p + n->len;
	cf_buf b = CF_BUF_INIT;
	bool changed = false;

	/* A field that is exactly "$(VAR)" takes the value with its type. */
	if (n->len > 3 && p[0] == '$' && p[1] == '(' && end[-1] == ')' &&
	    !memchr(p + 2, ')', n->len - 3)) {
		const struct var *v = find_var(s, p + 2, n->len - 3);
		if (v)
			return cf_node_dup(s->c->a, v->value);
	}
	while (p < end) {
		if (p[0] == '$' && p + 1 < end && p[1] == '$') {
			cf_buf_addch(&b, '$');
			p += 2;
			changed = true;
			continue;
		}
		if (p[0] == '$' && p + 1 < end && p[1] == '(') {
			const char *close = memchr(p + 2, ')', (size_t)(end - p - 2));
			const struct var *v = close ?
			    find_var(s, p + 2, (size_t)(close - p - 2)) : NULL;
			if (v) {
				cf_buf_adds(&b, scalar_str(s->c, v->value));
				p = close + 1;
				changed = true;
				continue;
			}
		}
		cf_buf_addch(&b, *p++);
	}
	cf_node *r = changed ? cf_node_strn(s->c->a, b.buf, b.len) : n;
	cf_buf_release(&b);
	return r;
}

/* Expand the strings at path ("*" matches any key); lists fan out, and
 * a list of strings at the leaf has every item expanded. */
static void walk(struct vstate *s, cf_node *n, const char *path)
{
	const char *slash = strchr(path, '/');
	size_t sl = slash ? (size_t)(slash - path) : strlen(path);

	if (!n)
		return;
	if (n->type == CF_NODE_SEQ) {
		for (uint32_t i = 0; i < n->len; i++) {
			if (!*path && cf_node_is(n->v.items[i], CF_NODE_STR))
				n->v.items[i] = expand(s, n->v.items[i]);
			else
				walk(s, n->v.items[i], path);
		}
		return;
	}
	if (n->type != CF_NODE_MAP || !*path)
		return;
	for (uint32_t i = 0; i < n->len; i++) {
		cf_pair *p = &n->v.pairs[i];
		if (!(sl == 1 && path[0] == '*') &&
		    (p->klen != sl || memcmp(p->key, path, sl)))
			continue;
		if (!slash) {
			if (cf_node_is(p->val, CF_NODE_STR))
				p->val = expand(s, p->val);
			else if (cf_node_is(p->val, CF_NODE_SEQ))
				walk(s, p->val, "");
		} else {
			walk(s, p->val, slash + 1);
		}
	}
}

/* "spec.ports[0].port" style field paths. */
static cf_node *field_at(kz_ctx *c, cf_node *obj, const char *fp)
{
	cf_node *cur = obj;
	const char *p = fp;

	while (cur && *p) {
		const char *e = p;
		while (*e && *e != '.' && *e != '[')
			e++;
		if (e > p)
			cur = cf_node_getn(cur, p, (size_t)(e - p));
		p = e;
		while (cur && *p == '[') {
			char *close;
			unsigned long ix = strtoul(p + 1, &close, 10);
			if (*close != ']' || !cf_node_is(cur, CF_NODE_SEQ))
				return NULL;
			cur = cf_node_at(cur, ix);
			p = close + 1;
		}
		if (*p == '.')
			p++;
	}
	(void)c;
	return cur;
}

/* Resolve every collected var against the final objects, then expand
 * $(VAR) in the var-reference fields of every object. */
int kz_resolve_vars(kz_ctx *c, kz_resmap *m)
{
	struct vstate s = { .c = c };
	int err = 0;

	if (!c->vars.n)
		return 0;
	s.v = cf_arena_alloc(c->a, c->vars.n * sizeof(*s.v));
	for (size_t i = 0; i < c->vars.n; i++) {
		const cf_node *d = c->vars.v[i];
		const char *name = cf_node_as_str(cf_node_get(d, "name"));
		const cf_node *ref = cf_node_get(d, "objref");
		const char *kind = cf_node_as_str(cf_node_get(ref, "kind"));
		const char *rname = cf_node_as_str(cf_node_get(ref, "name"));
		const char *av = cf_node_as_str(cf_node_get(ref, "apiVersion"));
		const char *ns = cf_node_as_str(cf_node_get(ref, "namespace"));
		const char *fp = cf_node_getp_str(d, "fieldref", "fieldpath", NULL);
		kz_res *hit = NULL;

		if (!name || !kind || !rname)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "var %zu needs a name and an objref with kind and name",
			    i);
		if (find_var(&s, name, strlen(name)))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "var '%s' already encountered", name);
		for (size_t r = 0; r < m->n; r++) {
			kz_res *res = m->v[r];
			if (strcmp(res->orig.kind, kind) || strcmp(res->orig.name, rname))
				continue;
			if (ns && *ns && strcmp(res->orig.ns, ns))
				continue;
			if (av && *av) {
				const char *sl = strchr(av, '/');
				const char *g = sl ? av : "";
				size_t gl = sl ? (size_t)(sl - av) : 0;
				if (strlen(res->orig.group) != gl ||
				    strncmp(res->orig.group, g, gl))
					continue;
			}
			if (hit)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
				    "var '%s' matches more than one resource", name);
			hit = res;
		}
		if (!hit)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "var '%s' cannot be mapped to a field in the set of "
			    "known resources", name);
		cf_node *val = field_at(c, hit->obj, fp && *fp ? fp : "metadata.name");
		if (!val || val->type == CF_NODE_MAP || val->type == CF_NODE_SEQ)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "var '%s': field '%s' is not a scalar in %s %s", name,
			    fp ? fp : "metadata.name", kind, rname);
		s.v[s.n].name = name;
		s.v[s.n].value = val;
		s.n++;
	}

	for (size_t r = 0; r < m->n; r++) {
		kz_id id;
		kz_id_of(&id, m->v[r]->obj);
		const char *kind = cf_arena_strdup(c->a, id.kind);
		for (size_t b = 0; b < CF_ARRAY_SIZE(pod_specs); b++) {
			if (strcmp(pod_specs[b].kind, kind))
				continue;
			for (size_t f = 0; f < CF_ARRAY_SIZE(container_fields); f++)
				walk(&s, m->v[r]->obj, cf_arena_printf(c->a, "%s/%s",
				    pod_specs[b].base, container_fields[f]));
		}
		for (size_t f = 0; f < CF_ARRAY_SIZE(other_fields); f++)
			if (!other_fields[f].kind || !strcmp(other_fields[f].kind, kind))
				walk(&s, m->v[r]->obj, other_fields[f].path);
		for (size_t f = 0; f < c->cfg.varref.n; f++) {
			const kz_fs *fs = &c->cfg.varref.v[f];
			if (!fs->kind || !strcmp(fs->kind, kind))
				walk(&s, m->v[r]->obj, fs->path);
		}
	}
	return err;
}
