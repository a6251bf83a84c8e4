/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RBAC: an index of the four RBAC kinds and the evaluation kube-apiserver's
 * RBAC authorizer performs (rbac/v1 rule matching, visiting
 * ClusterRoleBindings first, then the RoleBindings of the namespace).
 *
 * Each indexed object lives in its own arena so replacing or removing it
 * frees exactly its memory. Rules are pre-split into string vectors at
 * upsert time so authorizing a request only compares strings. Aggregated
 * ClusterRoles get their effective rule list recomputed whenever any
 * ClusterRole changes: rule pointers then never outlive their owners.
 *
 * The same visitor walk serves four readers: authorization (stop at the
 * first allowing rule), the rules review (collect everything), escalation
 * checks (collect what the writer holds, then test coverage rule by rule)
 * and the reasons kube-apiserver reports (which binding allowed, which
 * roles could not be resolved).
 */
#include "kube/rbac.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "kube/selector.h"

#define RBAC_GROUP "rbac.authorization.k8s.io"

struct strv {
	const char **v;
	size_t n;
};

struct rule {
	struct strv verbs, groups, resources, names, urls;
	const cf_node *node; /* the rule as written, for reviews */
};

struct subject {
	const char *kind, *name, *ns;
};

struct entry {
	cf_arena arena;
	int kind;
	const char *ns, *name;
	const cf_node *obj;
	/* roles */
	struct rule *rules;
	size_t nrules;
	bool aggregated;               /* has aggregationRule */
	const struct rule **agg;       /* effective rules when aggregated */
	size_t nagg;
	/* bindings */
	const char *ref_kind, *ref_name;
	struct subject *subjects;
	size_t nsubjects;
};

/* One array per kind, in insertion order. Order matters: kube-apiserver
 * reports the first binding that allows a request and lists a rules
 * review in binding order, and replacing an object keeps its slot so
 * both stay stable across updates. Lookups are linear scans: a GitOps
 * server holds tens to a few hundred RBAC objects, where a scan of short
 * string compares costs less than keeping hash tables in step. */
struct cf_rbac {
	struct entry **e[4];
	size_t n[4], alloc[4];
};

static const char *const kind_names[] = {
	"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
};

/* NULL and "" are the same to RBAC (Go strings have no NULL). */
static bool streq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

cf_rbac *cf_rbac_new(void)
{
	return cf_xcalloc(1, sizeof(cf_rbac));
}

static void entry_free(struct entry *e)
{
	free(e->agg);
	cf_arena_release(&e->arena);
	free(e);
}

void cf_rbac_free(cf_rbac *r)
{
	if (!r)
		return;
	for (int k = 0; k < 4; k++) {
		for (size_t i = 0; i < r->n[k]; i++)
			entry_free(r->e[k][i]);
		free(r->e[k]);
	}
	free(r);
}

int cf_rbac_kind_from_name(const char *kind)
{
	for (int k = 0; k < 4; k++)
		if (streq(kind, kind_names[k]))
			return k;
	return -1;
}

static bool namespaced(int kind)
{
	return kind == CF_RBAC_ROLE || kind == CF_RBAC_ROLE_BINDING;
}

static struct entry *find(const cf_rbac *r, int kind, const char *ns,
    const char *name, size_t *at)
{
	for (size_t i = 0; i < r->n[kind]; i++) {
		struct entry *e = r->e[kind][i];

		if (streq(e->name, name) && (!namespaced(kind) || streq(e->ns, ns))) {
			if (at)
				*at = i;
			return e;
		}
	}
	return NULL;
}

/* A string list field; non-strings inside are ignored (validation is the
 * API server's job, the authorizer only must never misread). */
static struct strv strv_of(cf_arena *a, const cf_node *seq)
{
	struct strv s = { NULL, 0 };
	size_t n = cf_node_count(seq);

	if (!cf_node_is(seq, CF_NODE_SEQ) || n == 0)
		return s;
	s.v = cf_arena_alloc(a, n * sizeof(*s.v));
	for (size_t i = 0; i < n; i++) {
		const char *str = cf_node_as_str(cf_node_at(seq, i));

		if (str)
			s.v[s.n++] = str;
	}
	return s;
}

static bool strv_has(const struct strv *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (streq(s->v[i], x))
			return true;
	return false;
}

static bool strv_equal(const struct strv *a, const struct strv *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/* Split each rule once, at upsert, into string vectors: authorizing a
 * request then never walks cf_node maps. Rules that are not maps are
 * dropped (the API server validated the object; this only guards). */
static void parse_rules(struct entry *e)
{
	const cf_node *rules = cf_node_get(e->obj, "rules");
	size_t n = cf_node_count(rules);

	if (!cf_node_is(rules, CF_NODE_SEQ) || n == 0)
		return;
	e->rules = cf_arena_zalloc(&e->arena, n * sizeof(*e->rules));
	for (size_t i = 0; i < n; i++) {
		const cf_node *rn = cf_node_at(rules, i);
		struct rule *ru = &e->rules[e->nrules];

		if (!cf_node_is(rn, CF_NODE_MAP))
			continue;
		ru->node = rn;
		ru->verbs = strv_of(&e->arena, cf_node_get(rn, "verbs"));
		ru->groups = strv_of(&e->arena, cf_node_get(rn, "apiGroups"));
		ru->resources = strv_of(&e->arena, cf_node_get(rn, "resources"));
		ru->names = strv_of(&e->arena, cf_node_get(rn, "resourceNames"));
		ru->urls = strv_of(&e->arena, cf_node_get(rn, "nonResourceURLs"));
		e->nrules++;
	}
}

/* A binding without roleRef cannot grant anything and would be refused by
 * validation; subjects missing kind or name are skipped for the same
 * reason rather than failing the whole binding. */
static int parse_binding(struct entry *e)
{
	const cf_node *subs = cf_node_get(e->obj, "subjects");
	size_t n = cf_node_count(subs);

	e->ref_kind = cf_node_getp_str(e->obj, "roleRef", "kind", NULL);
	e->ref_name = cf_node_getp_str(e->obj, "roleRef", "name", NULL);
	if (!e->ref_kind || !e->ref_name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "%s '%s' has no roleRef", kind_names[e->kind], e->name);
	if (!cf_node_is(subs, CF_NODE_SEQ) || n == 0)
		return 0;
	e->subjects = cf_arena_zalloc(&e->arena, n * sizeof(*e->subjects));
	for (size_t i = 0; i < n; i++) {
		const cf_node *sn = cf_node_at(subs, i);
		struct subject *s = &e->subjects[e->nsubjects];

		s->kind = cf_node_getp_str(sn, "kind", NULL);
		s->name = cf_node_getp_str(sn, "name", NULL);
		s->ns = cf_node_getp_str(sn, "namespace", NULL);
		if (s->kind && s->name)
			e->nsubjects++;
	}
	return 0;
}

/* --- aggregation -------------------------------------------------------- */

/* The clusterRoleSelectors of an aggregated role (ORed
 * metav1.LabelSelectors, through kube/selector.h: {} selects everything,
 * null nothing), parsed once per walk into tmp. A malformed selector is
 * left out, so a bad aggregationRule never grants by accident;
 * cf_rbac_aggregate_rules reports it. */
struct agg_sels {
	cf_label_selector **v;
	size_t n;
};

static struct agg_sels agg_parse(cf_arena *tmp, const cf_node *agg_role)
{
	const cf_node *sels = cf_node_getp(agg_role, "aggregationRule",
	    "clusterRoleSelectors", NULL);
	struct agg_sels as = { NULL, 0 };
	size_t n = cf_node_count(sels);

	as.v = cf_arena_alloc(tmp, (n ? n : 1) * sizeof(*as.v));
	for (size_t i = 0; i < n; i++)
		if (cf_label_selector_from_node(&as.v[as.n], tmp,
		    cf_node_at(sels, i)) == 0)
			as.n++;
	return as;
}

static bool agg_selects(const struct agg_sels *as, const cf_node *obj)
{
	const cf_node *labels = cf_node_getp(obj, "metadata", "labels", NULL);

	for (size_t i = 0; i < as->n; i++)
		if (cf_label_selector_matches(as->v[i], labels))
			return true;
	return false;
}

static bool rule_equal(const struct rule *a, const struct rule *b)
{
	return strv_equal(&a->verbs, &b->verbs) &&
	    strv_equal(&a->groups, &b->groups) &&
	    strv_equal(&a->resources, &b->resources) &&
	    strv_equal(&a->names, &b->names) && strv_equal(&a->urls, &b->urls);
}

/* Collect, into *list, the de-duplicated rules role contributes: its own
 * when plain, else those of every ClusterRole its selectors pick, followed
 * transitively (seen[] breaks cycles such as two roles selecting each
 * other). */
static void collect_agg(const cf_rbac *r, const struct entry *role,
    bool *seen, const struct rule ***list, size_t *n, size_t *alloc,
    cf_arena *tmp)
{
	struct agg_sels as;

	if (!role->aggregated) {
		for (size_t i = 0; i < role->nrules; i++) {
			bool dup = false;

			for (size_t j = 0; j < *n && !dup; j++)
				dup = rule_equal((*list)[j], &role->rules[i]);
			if (dup)
				continue;
			CF_GROW(*list, *alloc, *n + 1);
			(*list)[(*n)++] = &role->rules[i];
		}
		return;
	}
	as = agg_parse(tmp, role->obj);
	for (size_t i = 0; i < r->n[CF_RBAC_CLUSTER_ROLE]; i++) {
		const struct entry *o = r->e[CF_RBAC_CLUSTER_ROLE][i];

		if (seen[i] || o == role || !agg_selects(&as, o->obj))
			continue;
		seen[i] = true;
		collect_agg(r, o, seen, list, n, alloc, tmp);
	}
}

/* Eager, on every ClusterRole change: the agg arrays point at rules owned
 * by other entries, which an upsert or remove may free, so they are
 * rebuilt before anyone can read them. ClusterRole writes are rare next
 * to authorization checks, so the cost lands on the cheap side. */
static void recompute_aggregation(cf_rbac *r)
{
	size_t n = r->n[CF_RBAC_CLUSTER_ROLE];
	bool *seen = cf_xcalloc(n ? n : 1, sizeof(*seen));
	cf_arena tmp = CF_ARENA_INIT;

	for (size_t i = 0; i < n; i++) {
		struct entry *e = r->e[CF_RBAC_CLUSTER_ROLE][i];
		size_t alloc = 0;

		if (!e->aggregated)
			continue;
		free(e->agg);
		e->agg = NULL;
		e->nagg = 0;
		memset(seen, 0, n * sizeof(*seen));
		seen[i] = true;
		collect_agg(r, e, seen, &e->agg, &e->nagg, &alloc, &tmp);
	}
	cf_arena_release(&tmp);
	free(seen);
}

int cf_rbac_upsert(cf_rbac *r, enum cf_rbac_kind kind, const cf_node *obj)
{
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const char *ns = cf_node_getp_str(obj, "metadata", "namespace", NULL);
	struct entry *e, *old;
	size_t at;
	int err;

	if ((unsigned)kind > CF_RBAC_CLUSTER_ROLE_BINDING)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE, "not an RBAC kind");
	if (!name || !*name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "%s without metadata.name", kind_names[kind]);
	if (namespaced(kind) && (!ns || !*ns))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "%s '%s' without metadata.namespace", kind_names[kind], name);

	/* The entry owns a private copy in its own arena, so replacing or
	 * removing it later frees exactly this object's memory. */
	e = cf_xcalloc(1, sizeof(*e));
	e->kind = kind;
	e->obj = cf_node_dup(&e->arena, obj);
	e->name = cf_node_getp_str(e->obj, "metadata", "name", NULL);
	e->ns = namespaced(kind) ?
	    cf_node_getp_str(e->obj, "metadata", "namespace", NULL) : NULL;
	if (kind == CF_RBAC_ROLE || kind == CF_RBAC_CLUSTER_ROLE) {
		parse_rules(e);
		e->aggregated = kind == CF_RBAC_CLUSTER_ROLE &&
		    cf_node_is(cf_node_get(e->obj, "aggregationRule"), CF_NODE_MAP);
	} else if ((err = parse_binding(e)) < 0) {
		entry_free(e);
		return err;
	}

	old = find(r, kind, ns, name, &at);
	if (old) {
		entry_free(old);
		r->e[kind][at] = e;
	} else {
		CF_GROW(r->e[kind], r->alloc[kind], r->n[kind] + 1);
		r->e[kind][r->n[kind]++] = e;
	}
	if (kind == CF_RBAC_CLUSTER_ROLE)
		recompute_aggregation(r);
	return 0;
}

int cf_rbac_remove(cf_rbac *r, enum cf_rbac_kind kind, const char *ns,
    const char *name)
{
	size_t at;
	struct entry *e;

	if ((unsigned)kind > CF_RBAC_CLUSTER_ROLE_BINDING ||
	    !(e = find(r, kind, ns, name, &at)))
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
		    "no %s '%s' in the RBAC index", (unsigned)kind <= 3 ?
		    kind_names[kind] : "object", nz(name));
	entry_free(e);
	memmove(&r->e[kind][at], &r->e[kind][at + 1],
	    (r->n[kind] - at - 1) * sizeof(*r->e[kind]));
	r->n[kind]--;
	if (kind == CF_RBAC_CLUSTER_ROLE)
		recompute_aggregation(r);
	return 0;
}

/* --- evaluation ------------------------------------------------------- */

static bool user_in_group(const cf_user_info *u, const char *g)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (streq(u->groups[i], g))
			return true;
	return false;
}

/* rbac/v1 appliesToUser: an SA subject without a namespace means the
 * binding's own namespace. */
static bool subject_applies(const struct subject *s, const cf_user_info *u,
    const char *binding_ns)
{
	if (!strcmp(s->kind, "User"))
		return streq(u->name, s->name);
	if (!strcmp(s->kind, "Group"))
		return user_in_group(u, s->name);
	if (!strcmp(s->kind, "ServiceAccount")) {
		const char *ns = s->ns && *s->ns ? s->ns : binding_ns;
		const char *un = nz(u->name), *pre = "system:serviceaccount:";
		size_t pl = strlen(pre), nl;

		if (!ns || !*ns || strncmp(un, pre, pl))
			return false;
		nl = strlen(ns);
		return !strncmp(un + pl, ns, nl) && un[pl + nl] == ':' &&
		    !strcmp(un + pl + nl + 1, s->name);
	}
	return false;
}

static bool verb_matches(const struct rule *ru, const char *verb)
{
	return strv_has(&ru->verbs, "*") || strv_has(&ru->verbs, verb);
}

static bool resource_matches(const struct rule *ru, const cf_authz_attrs *at)
{
	const char *res = nz(at->resource), *sub = nz(at->subresource);
	size_t rl = strlen(res), sl = strlen(sub);

	for (size_t i = 0; i < ru->resources.n; i++) {
		const char *x = ru->resources.v[i];
		size_t xl = strlen(x);

		if (!strcmp(x, "*"))
			return true;
		/* "pods" or "pods/log"; a "pods/" + "*" entry is no wildcard. */
		if (sl == 0 ? !strcmp(x, res) :
		    (xl == rl + 1 + sl && !strncmp(x, res, rl) &&
		    x[rl] == '/' && !strcmp(x + rl + 1, sub)))
			return true;
		/* A "*" + "/log" entry matches that subresource of any resource. */
		if (sl && xl == sl + 2 && x[0] == '*' && x[1] == '/' &&
		    !strcmp(x + 2, sub))
			return true;
	}
	return false;
}

/* rbac/v1's RuleAllows: verb, group, resource and name for resource
 * requests; verb and URL for the others. A URL ending in '*' is a prefix
 * ("/apis/" + "*" matches "/apis/" and below, not "/apis"); a resource rule
 * never matches a non-resource request and vice versa. */
static bool rule_allows(const struct rule *ru, const cf_authz_attrs *at)
{
	if (!at->resource_request) {
		const char *path = nz(at->path);

		if (!verb_matches(ru, at->verb))
			return false;
		for (size_t i = 0; i < ru->urls.n; i++) {
			const char *u = ru->urls.v[i];
			size_t ul = strlen(u);

			if (!strcmp(u, "*") || !strcmp(u, path))
				return true;
			/* strings.TrimRight(url, "*"): every trailing star goes. */
			if (ul && u[ul - 1] == '*') {
				while (ul && u[ul - 1] == '*')
					ul--;
				if (!strncmp(path, u, ul))
					return true;
			}
		}
		return false;
	}
	if (!verb_matches(ru, at->verb))
		return false;
	if (!strv_has(&ru->groups, "*") && !strv_has(&ru->groups, nz(at->api_group)))
		return false;
	if (!resource_matches(ru, at))
		return false;
	/* A request without a name only matches rules without names
	 * (validation keeps "" out of resourceNames). */
	if (ru->names.n == 0)
		return true;
	return strv_has(&ru->names, nz(at->name));
}

/* The visitor walks every rule that applies to the user; it returns false
 * to stop. errors collects unresolvable role references. */
struct visit {
	bool (*fn)(struct visit *v, const struct entry *binding,
	    const struct subject *s, const struct rule *ru);
	const cf_authz_attrs *at;
	cf_buf errors;   /* "msg1, msg2" */
	size_t nerrors;
	bool allowed;
	cf_buf allowed_by;
	/* rules review */
	cf_arena *a;
	cf_node *res_rules, *nonres_rules;
	/* escalation checks: every rule the user holds */
	const struct rule **owned;
	size_t nowned, owned_alloc;
};

static void add_error(struct visit *v, const char *msg)
{
	size_t ml = strlen(msg);

	/* utilerrors.NewAggregate prints each distinct message once. Match
	 * whole entries: "role... not found" is a substring of
	 * "clusterrole... not found" yet a different error. Object names
	 * never contain ", ", so it separates entries safely. */
	for (const char *p = v->errors.buf; v->nerrors && *p;) {
		const char *sep = strstr(p, ", ");
		size_t n = sep ? (size_t)(sep - p) : strlen(p);

		if (n == ml && !memcmp(p, msg, n))
			return;
		p += n + (sep ? 2 : 0);
	}
	if (v->nerrors)
		cf_buf_adds(&v->errors, ", ");
	cf_buf_adds(&v->errors, msg);
	v->nerrors++;
}

/* The rules a binding grants. A RoleBinding's Role lives in the
 * binding's namespace; a ClusterRole referenced from a RoleBinding is
 * only applied inside that namespace because the caller visits the
 * RoleBinding only for requests in it. A missing role is recorded with the
 * registry's NotFound text (singular resource, as rbac's getters build
 * it) and the binding contributes nothing. */
static const struct entry *resolve_role(const cf_rbac *r,
    const struct entry *b, struct visit *v, size_t *nrules,
    const struct rule **plain, const struct rule *const **agg)
{
	const struct entry *role = NULL;
	char msg[600];

	if (!strcmp(b->ref_kind, "ClusterRole"))
		role = find(r, CF_RBAC_CLUSTER_ROLE, NULL, b->ref_name, NULL);
	else if (!strcmp(b->ref_kind, "Role") && b->kind == CF_RBAC_ROLE_BINDING)
		role = find(r, CF_RBAC_ROLE, b->ns, b->ref_name, NULL);
	if (!role) {
		snprintf(msg, sizeof(msg), "%s.%s \"%.200s\" not found",
		    !strcmp(b->ref_kind, "Role") ? "role" : "clusterrole",
		    RBAC_GROUP, b->ref_name);
		add_error(v, msg);
		return NULL;
	}
	if (role->aggregated) {
		*agg = role->agg;
		*plain = NULL;
		*nrules = role->nagg;
	} else {
		*agg = NULL;
		*plain = role->rules;
		*nrules = role->nrules;
	}
	return role;
}

/* Visit one binding's rules if one of its subjects is the user. */
static bool visit_binding(const cf_rbac *r, const struct entry *b,
    const cf_user_info *u, struct visit *v)
{
	const struct rule *plain;
	const struct rule *const *agg;
	size_t n;

	for (size_t s = 0; s < b->nsubjects; s++) {
		if (!subject_applies(&b->subjects[s], u, b->ns))
			continue;
		if (!resolve_role(r, b, v, &n, &plain, &agg))
			return true;
		for (size_t i = 0; i < n; i++)
			if (!v->fn(v, b, &b->subjects[s], agg ? agg[i] : &plain[i]))
				return false;
		return true; /* one matching subject is enough */
	}
	return true;
}

/* kube-apiserver's VisitRulesFor: every ClusterRoleBinding, then, for a
 * namespaced request, that namespace's RoleBindings. Cluster-scoped and
 * non-resource requests pass ns NULL and never see RoleBindings. */
static void visit_rules_for(const cf_rbac *r, const cf_user_info *u,
    const char *ns, struct visit *v)
{
	for (size_t i = 0; i < r->n[CF_RBAC_CLUSTER_ROLE_BINDING]; i++)
		if (!visit_binding(r, r->e[CF_RBAC_CLUSTER_ROLE_BINDING][i], u, v))
			return;
	if (!ns || !*ns)
		return;
	for (size_t i = 0; i < r->n[CF_RBAC_ROLE_BINDING]; i++) {
		const struct entry *b = r->e[CF_RBAC_ROLE_BINDING][i];

		if (streq(b->ns, ns) && !visit_binding(r, b, u, v))
			return;
	}
}

static void describe_subject(cf_buf *b, const struct subject *s,
    const char *binding_ns)
{
	if (!strcmp(s->kind, "ServiceAccount"))
		cf_buf_addf(b, "%s \"%s/%s\"", s->kind, s->name,
		    s->ns && *s->ns ? s->ns : nz(binding_ns));
	else
		cf_buf_addf(b, "%s \"%s\"", s->kind, s->name);
}

static bool check_rule(struct visit *v, const struct entry *b,
    const struct subject *s, const struct rule *ru)
{
	if (!rule_allows(ru, v->at))
		return true;
	v->allowed = true;
	/* The wording of rbac's allowed-by describers. */
	if (b->kind == CF_RBAC_CLUSTER_ROLE_BINDING)
		cf_buf_addf(&v->allowed_by, "ClusterRoleBinding \"%s\"", b->name);
	else
		cf_buf_addf(&v->allowed_by, "RoleBinding \"%s/%s\"", b->name, b->ns);
	cf_buf_addf(&v->allowed_by, " of %s \"%s\" to ", b->ref_kind,
	    b->ref_name);
	describe_subject(&v->allowed_by, s, b->ns);
	return false;
}

/* The reason texts are those of the RBAC authorizer: allowed-by on
 * success; on denial nothing, or the resolution errors joined the way
 * utilerrors.NewAggregate prints them (one bare, several in brackets). */
static bool in_masters(const cf_user_info *u);

bool cf_rbac_authorize(const cf_rbac *r, const cf_authz_attrs *at,
    cf_buf *reason)
{
	struct visit v = { .fn = check_rule, .at = at };
	static const cf_user_info nobody = { "", NULL, NULL, 0 };

	/* kube-apiserver puts a privileged-groups authorizer ahead of RBAC:
	 * system:masters is allowed even when no binding says so, so a
	 * deleted cluster-admin binding cannot lock the admin out. It gives
	 * no reason. */
	if (at->user && in_masters(at->user))
		return true;

	v.errors = (cf_buf)CF_BUF_INIT;
	v.allowed_by = (cf_buf)CF_BUF_INIT;
	visit_rules_for(r, at->user ? at->user : &nobody,
	    at->resource_request ? at->namespace : NULL, &v);
	if (reason) {
		if (v.allowed)
			cf_buf_addf(reason, "RBAC: allowed by %s", v.allowed_by.buf);
		else if (v.nerrors == 1)
			cf_buf_addf(reason, "RBAC: %s", v.errors.buf);
		else if (v.nerrors > 1)
			cf_buf_addf(reason, "RBAC: [%s]", v.errors.buf);
	}
	cf_buf_release(&v.errors);
	cf_buf_release(&v.allowed_by);
	return v.allowed;
}

/* kube-apiserver HTML-escapes the user-controlled part of the message. */
static void add_sanitized(cf_buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			cf_buf_adds(out, "&amp;");
		else if (*s == '<')
			cf_buf_adds(out, "&lt;");
		else if (*s == '>')
			cf_buf_adds(out, "&gt;");
		else
			cf_buf_addch(out, *s);
	}
}

/* Go's %q for the strings that appear here: quotes, backslash-escapes. */
static void add_quoted(cf_buf *b, const char *s)
{
	cf_buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cf_buf_addf(b, "\\%c", c);
		else if (c == '\n')
			cf_buf_adds(b, "\\n");
		else if (c == '\t')
			cf_buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			cf_buf_addf(b, "\\x%02x", c);
		else
			cf_buf_addch(b, (char)c);
	}
	cf_buf_addch(b, '"');
}

/* Two layers as in kube-apiserver: responsewriters.forbiddenMessage
 * builds "User ... cannot ..." (HTML-escaped), then apierrors.NewForbidden
 * prefixes "<resource>[.<group>] [\"name\"] is forbidden: ", or only
 * "forbidden: " when there is no resource (non-resource URLs). The
 * subresource appears only in the sentence, never in the prefix. */
void cf_rbac_forbidden_message(cf_buf *out, const cf_authz_attrs *at,
    const char *reason)
{
	cf_buf m = CF_BUF_INIT;
	const char *user = at->user ? nz(at->user->name) : "";
	const char *group = nz(at->api_group), *res = nz(at->resource);

	/* The authorizer's sentence... */
	cf_buf_adds(&m, "User ");
	add_quoted(&m, user);
	cf_buf_addf(&m, " cannot %s ", nz(at->verb));
	if (!at->resource_request) {
		cf_buf_adds(&m, "path ");
		add_quoted(&m, nz(at->path));
	} else {
		cf_buf m2 = CF_BUF_INIT;

		cf_buf_adds(&m2, res);
		if (at->subresource && *at->subresource)
			cf_buf_addf(&m2, "/%s", at->subresource);
		cf_buf_adds(&m, "resource ");
		add_quoted(&m, m2.buf);
		cf_buf_adds(&m, " in API group ");
		add_quoted(&m, group);
		if (at->namespace && *at->namespace) {
			cf_buf_adds(&m, " in the namespace ");
			add_quoted(&m, at->namespace);
		} else {
			cf_buf_adds(&m, " at the cluster scope");
		}
		cf_buf_release(&m2);
	}

	/* ...wrapped by NewForbidden(group resource, name). */
	if (!at->resource_request || !*res) {
		cf_buf_adds(out, "forbidden: ");
	} else {
		cf_buf_adds(out, res);
		if (*group)
			cf_buf_addf(out, ".%s", group);
		if (at->name && *at->name) {
			cf_buf_addch(out, ' ');
			add_quoted(out, at->name);
		}
		cf_buf_adds(out, " is forbidden: ");
	}
	add_sanitized(out, m.buf);
	if (reason && *reason)
		cf_buf_addf(out, ": %s", reason);
	cf_buf_release(&m);
}

/* --- reviews ----------------------------------------------------------- */

static cf_node *strv_node(cf_arena *a, const struct strv *s)
{
	cf_node *seq = cf_node_seq(a);

	for (size_t i = 0; i < s->n; i++)
		cf_node_push(a, seq, cf_node_str(a, s->v[i]));
	return seq;
}

static const char *attr(const cf_node *m, const char *key)
{
	return nz(cf_node_getp_str(m, key, NULL));
}

/* Fill v.errors-style aggregate text: one message bare, more in []. */
static void aggregate_text(cf_buf *out, const struct visit *v)
{
	if (v->nerrors == 1)
		cf_buf_adds(out, v->errors.buf);
	else if (v->nerrors > 1)
		cf_buf_addf(out, "[%s]", v->errors.buf);
}

/* One entry point for the three access reviews: they differ only in
 * whose identity is checked (the caller's for the self review, spec's for
 * the others) and in the LocalSubjectAccessReview namespace rules. The
 * answer echoes the request, as the registry does, with status added;
 * status.denied stays absent because RBAC never denies, it only fails to
 * allow. */
int cf_rbac_review_access(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *review, const cf_user_info *caller,
    const char *url_namespace)
{
	const char *kind = cf_node_getp_str(review, "kind", NULL);
	const cf_node *spec = cf_node_get(review, "spec");
	const cf_node *ra = cf_node_get(spec, "resourceAttributes");
	const cf_node *nra = cf_node_get(spec, "nonResourceAttributes");
	bool self = streq(kind, "SelfSubjectAccessReview");
	bool local = streq(kind, "LocalSubjectAccessReview");
	cf_authz_attrs at = { 0 };
	cf_user_info u = { 0 };
	const char **groups = NULL;
	cf_buf reason = CF_BUF_INIT;
	cf_node *res, *status;
	bool allowed;

	*out = NULL;
	if (!cf_node_is(ra, CF_NODE_MAP))
		ra = NULL;
	if (!cf_node_is(nra, CF_NODE_MAP))
		nra = NULL;
	/* The validation messages of kube-apiserver's review registry. */
	if (!ra && !nra)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.resourceAttributes: Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must be specified");
	if (ra && nra)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.nonResourceAttributes: Invalid value: \"object\": cannot be specified in combination with resourceAttributes");
	if (local) {
		const char *mns = cf_node_getp_str(review, "metadata",
		    "namespace", NULL);

		if (nra)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "spec.nonResourceAttributes: Invalid value: \"object\": disallowed on this kind of request");
		if (!url_namespace || !*url_namespace)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "namespace is required on this type: ");
		if ((mns && *mns && strcmp(mns, url_namespace)) ||
		    strcmp(attr(ra, "namespace"), url_namespace))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "spec.resourceAttributes.namespace must match namespace: %s",
			    url_namespace);
	}

	if (self) {
		if (caller)
			u = *caller;
	} else {
		const cf_node *gs = cf_node_get(spec, "groups");
		size_t n = cf_node_count(gs);

		u.name = cf_node_getp_str(spec, "user", NULL);
		u.uid = cf_node_getp_str(spec, "uid", NULL);
		if (n) {
			groups = cf_arena_alloc(a, n * sizeof(*groups));
			for (size_t i = 0; i < n; i++)
				if (cf_node_as_str(cf_node_at(gs, i)))
					groups[u.ngroups++] =
					    cf_node_as_str(cf_node_at(gs, i));
		}
		u.groups = groups;
		if ((!u.name || !*u.name) && u.ngroups == 0)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "spec.user: Invalid value: \"\": at least one of user or group must be specified");
	}

	at.user = &u;
	if (ra) {
		at.resource_request = true;
		at.verb = attr(ra, "verb");
		at.api_group = attr(ra, "group");
		at.api_version = attr(ra, "version");
		at.resource = attr(ra, "resource");
		at.subresource = attr(ra, "subresource");
		at.namespace = attr(ra, "namespace");
		at.name = attr(ra, "name");
	} else {
		at.verb = attr(nra, "verb");
		at.path = attr(nra, "path");
	}
	allowed = cf_rbac_authorize(r, &at, &reason);

	res = cf_node_dup(a, review);
	status = cf_node_map(a);
	cf_node_set(a, status, "allowed", cf_node_bool(a, allowed));
	if (reason.len)
		cf_node_set(a, status, "reason",
		    cf_node_strn(a, reason.buf, reason.len));
	cf_node_set(a, res, "status", status);
	cf_buf_release(&reason);
	*out = res;
	return 0;
}

static bool collect_rule(struct visit *v, const struct entry *b,
    const struct subject *s, const struct rule *ru)
{
	cf_arena *a = v->a;

	/* authorizationutil's conversion: a rule may yield both kinds. */
	if (ru->resources.n) {
		cf_node *m = cf_node_map(a);

		cf_node_set(a, m, "verbs", strv_node(a, &ru->verbs));
		if (ru->groups.n)
			cf_node_set(a, m, "apiGroups", strv_node(a, &ru->groups));
		cf_node_set(a, m, "resources", strv_node(a, &ru->resources));
		if (ru->names.n)
			cf_node_set(a, m, "resourceNames", strv_node(a, &ru->names));
		cf_node_push(a, v->res_rules, m);
	}
	if (ru->urls.n) {
		cf_node *m = cf_node_map(a);

		cf_node_set(a, m, "verbs", strv_node(a, &ru->verbs));
		cf_node_set(a, m, "nonResourceURLs", strv_node(a, &ru->urls));
		cf_node_push(a, v->nonres_rules, m);
	}
	return true;
}

/* Rules are listed per binding in visiting order, not merged: that is
 * what kube-apiserver returns and what `kubectl auth can-i --list`
 * compacts for display. Unresolvable roles make the answer incomplete
 * rather than failing it, so the caller still sees what it can do. */
int cf_rbac_review_rules(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *review, const cf_user_info *caller)
{
	const char *ns = cf_node_getp_str(review, "spec", "namespace", NULL);
	struct visit v = { .fn = collect_rule, .a = a };
	cf_node *res, *status;

	*out = NULL;
	if (!ns || !*ns)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "no namespace on request");
	v.errors = (cf_buf)CF_BUF_INIT;
	v.allowed_by = (cf_buf)CF_BUF_INIT;
	v.res_rules = cf_node_seq(a);
	v.nonres_rules = cf_node_seq(a);
	if (caller)
		visit_rules_for(r, caller, ns, &v);

	res = cf_node_dup(a, review);
	status = cf_node_map(a);
	cf_node_set(a, status, "resourceRules", v.res_rules);
	cf_node_set(a, status, "nonResourceRules", v.nonres_rules);
	cf_node_set(a, status, "incomplete", cf_node_bool(a, v.nerrors > 0));
	if (v.nerrors) {
		cf_buf e = CF_BUF_INIT;

		aggregate_text(&e, &v);
		cf_node_set(a, status, "evaluationError",
		    cf_node_strn(a, e.buf, e.len));
		cf_buf_release(&e);
	}
	cf_node_set(a, res, "status", status);
	cf_buf_release(&v.errors);
	*out = res;
	return 0;
}

int cf_rbac_aggregate_rules(cf_node **out, cf_arena *a, const cf_rbac *r,
    const cf_node *cluster_role)
{
	const cf_node *sels = cf_node_getp(cluster_role, "aggregationRule",
	    "clusterRoleSelectors", NULL);
	const char *self = cf_node_getp_str(cluster_role, "metadata", "name",
	    NULL);
	size_t n = r->n[CF_RBAC_CLUSTER_ROLE], cnt = 0, alloc = 0;
	const struct rule **list = NULL;
	struct entry tmp = { 0 };
	bool *seen;
	int err = 0;

	*out = cf_node_seq(a);
	if (!cf_node_is(cf_node_get(cluster_role, "aggregationRule"),
	    CF_NODE_MAP)) {
		const cf_node *own = cf_node_get(cluster_role, "rules");

		for (size_t i = 0; i < cf_node_count(own); i++)
			cf_node_push(a, *out, cf_node_dup(a, cf_node_at(own, i)));
		return 0;
	}
	/* Refuse a bad selector up front instead of matching nothing. */
	for (size_t i = 0; i < cf_node_count(sels); i++) {
		cf_label_selector *sel;

		if ((err = cf_label_selector_from_node(&sel, a,
		    cf_node_at(sels, i))) < 0)
			return cf_error_wrap("aggregationRule.clusterRoleSelectors[%zu]",
			    i);
	}
	tmp.aggregated = true;
	tmp.obj = cluster_role;
	seen = cf_xcalloc(n ? n : 1, sizeof(*seen));
	for (size_t i = 0; i < n; i++)
		if (streq(r->e[CF_RBAC_CLUSTER_ROLE][i]->name, self))
			seen[i] = true;
	collect_agg(r, &tmp, seen, &list, &cnt, &alloc, a);
	for (size_t i = 0; i < cnt; i++)
		cf_node_push(a, *out, cf_node_dup(a, list[i]->node));
	free(list);
	free(seen);
	return 0;
}

/* --- bootstrap policy ------------------------------------------------- */

/* Comma-separated lists keep the tables readable; "" is the core group. */
struct bs_rule {
	const char *verbs, *groups, *resources, *names, *urls;
};

struct bs_role {
	const char *name;
	const char *agg_label;     /* extra label "<key>=true", or NULL */
	const char *agg_selector;  /* aggregationRule matchLabels key, or NULL */
	const struct bs_rule *rules;
	size_t nrules;
};

#define AGG "rbac.authorization.k8s.io/aggregate-to-"
#define RW "create,delete,deletecollection,patch,update"
#define RO "get,list,watch"

static const struct bs_rule r_cluster_admin[] = {
	{ "*", "*", "*", NULL, NULL },
	{ "*", NULL, NULL, NULL, "*" },
};

static const struct bs_rule r_agg_admin[] = {
	{ "create", "authorization.k8s.io", "localsubjectaccessreviews", NULL, NULL },
	{ RW ",get,list,watch", RBAC_GROUP, "rolebindings,roles", NULL, NULL },
};

static const struct bs_rule r_agg_edit[] = {
	{ RO, "", "pods/attach,pods/exec,pods/portforward,pods/proxy,secrets,"
	    "services/proxy", NULL, NULL },
	{ "impersonate", "", "serviceaccounts", NULL, NULL },
	{ RW, "", "pods,pods/attach,pods/exec,pods/portforward,pods/proxy",
	    NULL, NULL },
	{ "create", "", "pods/eviction", NULL, NULL },
	{ RW, "", "configmaps,events,persistentvolumeclaims,"
	    "replicationcontrollers,replicationcontrollers/scale,secrets,"
	    "serviceaccounts,services,services/proxy", NULL, NULL },
	{ "create", "", "serviceaccounts/token", NULL, NULL },
	{ RW, "apps", "daemonsets,deployments,deployments/rollback,"
	    "deployments/scale,replicasets,replicasets/scale,statefulsets,"
	    "statefulsets/scale", NULL, NULL },
	{ RW, "autoscaling", "horizontalpodautoscalers", NULL, NULL },
	{ RW, "batch", "cronjobs,jobs", NULL, NULL },
	{ RW, "extensions", "daemonsets,deployments,deployments/rollback,"
	    "deployments/scale,ingresses,networkpolicies,replicasets,"
	    "replicasets/scale,replicationcontrollers/scale", NULL, NULL },
	{ RW, "policy", "poddisruptionbudgets", NULL, NULL },
	{ RW, "networking.k8s.io", "ingresses,networkpolicies", NULL, NULL },
	{ "create,delete,deletecollection,get,list,patch,update,watch",
	    "coordination.k8s.io", "leases", NULL, NULL },
};

static const struct bs_rule r_agg_view[] = {
	{ RO, "", "configmaps,endpoints,persistentvolumeclaims,"
	    "persistentvolumeclaims/status,pods,replicationcontrollers,"
	    "replicationcontrollers/scale,serviceaccounts,services,"
	    "services/status", NULL, NULL },
	{ RO, "", "bindings,events,limitranges,namespaces/status,pods/log,"
	    "pods/status,replicationcontrollers/status,resourcequotas,"
	    "resourcequotas/status", NULL, NULL },
	{ RO, "", "namespaces", NULL, NULL },
	{ RO, "discovery.k8s.io", "endpointslices", NULL, NULL },
	{ RO, "apps", "controllerrevisions,daemonsets,daemonsets/status,"
	    "deployments,deployments/scale,deployments/status,replicasets,"
	    "replicasets/scale,replicasets/status,statefulsets,"
	    "statefulsets/scale,statefulsets/status", NULL, NULL },
	{ RO, "autoscaling", "horizontalpodautoscalers,"
	    "horizontalpodautoscalers/status", NULL, NULL },
	{ RO, "batch", "cronjobs,cronjobs/status,jobs,jobs/status", NULL, NULL },
	{ RO, "extensions", "daemonsets,daemonsets/status,deployments,"
	    "deployments/scale,deployments/status,ingresses,ingresses/status,"
	    "networkpolicies,replicasets,replicasets/scale,replicasets/status,"
	    "replicationcontrollers/scale", NULL, NULL },
	{ RO, "policy", "poddisruptionbudgets,poddisruptionbudgets/status",
	    NULL, NULL },
	{ RO, "networking.k8s.io", "ingresses,ingresses/status,networkpolicies",
	    NULL, NULL },
};

static const struct bs_rule r_basic_user[] = {
	{ "create", "authorization.k8s.io",
	    "selfsubjectaccessreviews,selfsubjectrulesreviews", NULL, NULL },
	{ "create", "authentication.k8s.io", "selfsubjectreviews", NULL, NULL },
};

static const struct bs_rule r_discovery[] = {
	{ "get", NULL, NULL, NULL, "/api,/api/*,/apis,/apis/*,/healthz,/livez,"
	    "/openapi,/openapi/*,/readyz,/version,/version/" },
};

static const struct bs_rule r_public_info[] = {
	{ "get", NULL, NULL, NULL, "/healthz,/livez,/readyz,/version,/version/" },
};

static const struct bs_role bs_roles[] = {
	{ "admin", NULL, AGG "admin", NULL, 0 },
	{ "cluster-admin", NULL, NULL, r_cluster_admin,
	    CF_ARRAY_SIZE(r_cluster_admin) },
	{ "edit", AGG "admin", AGG "edit", NULL, 0 },
	{ "system:aggregate-to-admin", AGG "admin", NULL, r_agg_admin,
	    CF_ARRAY_SIZE(r_agg_admin) },
	{ "system:aggregate-to-edit", AGG "edit", NULL, r_agg_edit,
	    CF_ARRAY_SIZE(r_agg_edit) },
	{ "system:aggregate-to-view", AGG "view", NULL, r_agg_view,
	    CF_ARRAY_SIZE(r_agg_view) },
	{ "system:basic-user", NULL, NULL, r_basic_user,
	    CF_ARRAY_SIZE(r_basic_user) },
	{ "system:discovery", NULL, NULL, r_discovery,
	    CF_ARRAY_SIZE(r_discovery) },
	{ "system:public-info-viewer", NULL, NULL, r_public_info,
	    CF_ARRAY_SIZE(r_public_info) },
	{ "view", AGG "edit", AGG "view", NULL, 0 },
};

/* ClusterRoleBindings: binding (= role) name and its groups. */
static const struct {
	const char *name, *groups;
} bs_bindings[] = {
	{ "cluster-admin", "system:masters" },
	{ "system:basic-user", "system:authenticated" },
	{ "system:discovery", "system:authenticated" },
	{ "system:public-info-viewer", "system:authenticated,system:unauthenticated" },
};

static cf_node *csv_seq(cf_arena *a, const char *csv)
{
	cf_node *seq = cf_node_seq(a);

	for (const char *p = csv;;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);

		cf_node_push(a, seq, cf_node_strn(a, p, n));
		if (!c)
			break;
		p = c + 1;
	}
	return seq;
}

static cf_node *bs_meta(cf_arena *a, const char *name, const char *label)
{
	cf_node *meta = cf_node_map(a), *l, *an;

	cf_node_set(a, meta, "name", cf_node_str(a, name));
	an = cf_node_set_map(a, meta, "annotations");
	cf_node_set(a, an, "rbac.authorization.kubernetes.io/autoupdate",
	    cf_node_str(a, "true"));
	l = cf_node_set_map(a, meta, "labels");
	cf_node_set(a, l, "kubernetes.io/bootstrapping",
	    cf_node_str(a, "rbac-defaults"));
	if (label)
		cf_node_set(a, l, label, cf_node_str(a, "true"));
	return meta;
}

static cf_node *bs_object(cf_arena *a, const char *kind)
{
	cf_node *o = cf_node_map(a);

	cf_node_set(a, o, "apiVersion", cf_node_str(a, RBAC_GROUP "/v1"));
	cf_node_set(a, o, "kind", cf_node_str(a, kind));
	return o;
}

/* Objects are built in the shape kube-apiserver's bootstrap writes them
 * (autoupdate annotation, bootstrapping label), so a client comparing
 * against a real cluster sees the same metadata. */
cf_node *cf_rbac_bootstrap_policy(cf_arena *a)
{
	cf_node *list = cf_node_seq(a);

	for (size_t i = 0; i < CF_ARRAY_SIZE(bs_roles); i++) {
		const struct bs_role *br = &bs_roles[i];
		cf_node *o = bs_object(a, "ClusterRole"), *rules;

		cf_node_set(a, o, "metadata", bs_meta(a, br->name, br->agg_label));
		if (br->agg_selector) {
			cf_node *ar = cf_node_set_map(a, o, "aggregationRule");
			cf_node *sels = cf_node_seq(a), *sel = cf_node_map(a);

			cf_node_set(a, cf_node_set_map(a, sel, "matchLabels"),
			    br->agg_selector, cf_node_str(a, "true"));
			cf_node_push(a, sels, sel);
			cf_node_set(a, ar, "clusterRoleSelectors", sels);
			cf_node_set(a, o, "rules", cf_node_null(a));
			cf_node_push(a, list, o);
			continue;
		}
		rules = cf_node_seq(a);
		for (size_t j = 0; j < br->nrules; j++) {
			const struct bs_rule *rr = &br->rules[j];
			cf_node *m = cf_node_map(a);

			cf_node_set(a, m, "verbs", csv_seq(a, rr->verbs));
			if (rr->groups)
				cf_node_set(a, m, "apiGroups", csv_seq(a, rr->groups));
			if (rr->resources)
				cf_node_set(a, m, "resources",
				    csv_seq(a, rr->resources));
			if (rr->names)
				cf_node_set(a, m, "resourceNames",
				    csv_seq(a, rr->names));
			if (rr->urls)
				cf_node_set(a, m, "nonResourceURLs",
				    csv_seq(a, rr->urls));
			cf_node_push(a, rules, m);
		}
		cf_node_set(a, o, "rules", rules);
		cf_node_push(a, list, o);
	}
	for (size_t i = 0; i < CF_ARRAY_SIZE(bs_bindings); i++) {
		cf_node *o = bs_object(a, "ClusterRoleBinding");
		cf_node *ref, *subs = cf_node_seq(a);
		cf_node *groups = csv_seq(a, bs_bindings[i].groups);

		cf_node_set(a, o, "metadata", bs_meta(a, bs_bindings[i].name, NULL));
		ref = cf_node_set_map(a, o, "roleRef");
		cf_node_set(a, ref, "apiGroup", cf_node_str(a, RBAC_GROUP));
		cf_node_set(a, ref, "kind", cf_node_str(a, "ClusterRole"));
		cf_node_set(a, ref, "name", cf_node_str(a, bs_bindings[i].name));
		for (size_t j = 0; j < cf_node_count(groups); j++) {
			cf_node *s = cf_node_map(a);

			cf_node_set(a, s, "apiGroup", cf_node_str(a, RBAC_GROUP));
			cf_node_set(a, s, "kind", cf_node_str(a, "Group"));
			cf_node_set(a, s, "name", cf_node_at(groups, j));
			cf_node_push(a, subs, s);
		}
		cf_node_set(a, o, "subjects", subs);
		cf_node_push(a, list, o);
	}
	return list;
}

/* --- escalation prevention --------------------------------------------- */

static bool collect_owned(struct visit *v, const struct entry *b,
    const struct subject *s, const struct rule *ru)
{
	CF_GROW(v->owned, v->owned_alloc, v->nowned + 1);
	v->owned[v->nowned++] = ru;
	return true;
}

/* One verb on one group/resource/name, or one verb on one URL: the unit
 * BreakdownRule splits a requested rule into. */
struct atom {
	const char *verb, *group, *res, *name, *url;
};

static bool url_covers(const char *owner, const char *url)
{
	size_t n = strlen(owner);

	if (!strcmp(owner, url))
		return true;
	if (!n || owner[n - 1] != '*')
		return false;
	while (n && owner[n - 1] == '*')
		n--;
	return !strncmp(url, owner, n);
}

/* rbac validation's ruleCovers for a single atom. A requested rule
 * without names needs an owner rule without names: holding "get pods/a"
 * must not let one grant "get pods". */
static bool atom_covered(const struct rule *const *owned, size_t n,
    const struct atom *at)
{
	for (size_t i = 0; i < n; i++) {
		const struct rule *ru = owned[i];
		bool ok = false;

		if (!strv_has(&ru->verbs, "*") && !strv_has(&ru->verbs, at->verb))
			continue;
		if (ru->names.n && (!at->name || !strv_has(&ru->names, at->name)))
			continue;
		if (at->url) {
			for (size_t j = 0; j < ru->urls.n && !ok; j++)
				ok = url_covers(ru->urls.v[j], at->url);
		} else {
			const char *slash = strchr(at->res, '/');

			if (!strv_has(&ru->groups, "*") &&
			    !strv_has(&ru->groups, at->group))
				continue;
			ok = strv_has(&ru->resources, "*") ||
			    strv_has(&ru->resources, at->res);
			for (size_t j = 0; j < ru->resources.n && !ok && slash; j++)
				ok = ru->resources.v[j][0] == '*' &&
				    !strcmp(ru->resources.v[j] + 1, slash);
		}
		if (ok)
			return true;
	}
	return false;
}

/* Go's %q of a []string: ["a" "b"]. */
static void add_qlist(cf_buf *b, const char *const *v, size_t n)
{
	cf_buf_addch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			cf_buf_addch(b, ' ');
		add_quoted(b, v[i]);
	}
	cf_buf_addch(b, ']');
}

/* A missing right, compacted: simple resource rules that differ only in
 * their verb share one entry (rbac's CompactRules). */
struct missing {
	struct atom key;
	const char **verbs;
	size_t nverbs, alloc;
	char *text;
};

static int missing_cmp(const void *a, const void *b)
{
	return strcmp(((const struct missing *)a)->text,
	    ((const struct missing *)b)->text);
}

static void add_missing(struct missing **m, size_t *n, size_t *alloc,
    const struct atom *at)
{
	for (size_t i = 0; !at->url && i < *n; i++) {
		struct atom *k = &(*m)[i].key;

		if (!k->url && streq(k->group, at->group) &&
		    streq(k->res, at->res) && streq(k->name, at->name)) {
			CF_GROW((*m)[i].verbs, (*m)[i].alloc, (*m)[i].nverbs + 1);
			(*m)[i].verbs[(*m)[i].nverbs++] = at->verb;
			return;
		}
	}
	CF_GROW(*m, *alloc, *n + 1);
	memset(&(*m)[*n], 0, sizeof(**m));
	(*m)[*n].key = *at;
	CF_GROW((*m)[*n].verbs, (*m)[*n].alloc, 1);
	(*m)[*n].verbs[(*m)[*n].nverbs++] = at->verb;
	(*n)++;
}

static char *missing_text(const struct missing *m)
{
	cf_buf b = CF_BUF_INIT;
	const char *one[1];

	cf_buf_addch(&b, '{');
	if (!m->key.url) {
		cf_buf_adds(&b, "APIGroups:");
		one[0] = m->key.group;
		add_qlist(&b, one, 1);
		cf_buf_adds(&b, ", Resources:");
		one[0] = m->key.res;
		add_qlist(&b, one, 1);
		if (m->key.name) {
			cf_buf_adds(&b, ", ResourceNames:");
			one[0] = m->key.name;
			add_qlist(&b, one, 1);
		}
	} else {
		cf_buf_adds(&b, "NonResourceURLs:");
		one[0] = m->key.url;
		add_qlist(&b, one, 1);
	}
	cf_buf_adds(&b, ", Verbs:");
	add_qlist(&b, m->verbs, m->nverbs);
	cf_buf_addch(&b, '}');
	return cf_buf_detach(&b, NULL);
}

/* ConfirmNoEscalation: every atom of the requested rules must be covered
 * by a rule u holds where the grant would apply (ns, or cluster-wide). */
static int confirm_no_escalation(const cf_rbac *r, const cf_user_info *u,
    const char *ns, const struct rule *const *want, size_t nwant,
    const char *resource, const char *name)
{
	struct visit v = { .fn = collect_owned };
	struct missing *m = NULL;
	size_t nm = 0, malloc_ = 0;
	cf_buf msg = CF_BUF_INIT;
	int err = 0;

	v.errors = (cf_buf)CF_BUF_INIT;
	v.allowed_by = (cf_buf)CF_BUF_INIT;
	visit_rules_for(r, u, ns, &v);
	for (size_t i = 0; i < nwant; i++) {
		const struct rule *w = want[i];
		struct atom at = { 0 };

		for (size_t g = 0; g < w->groups.n; g++)
			for (size_t rs = 0; rs < w->resources.n; rs++)
				for (size_t vb = 0; vb < w->verbs.n; vb++)
					for (size_t nn = 0; nn < (w->names.n ? w->names.n : 1); nn++) {
						at = (struct atom){ w->verbs.v[vb], w->groups.v[g],
							w->resources.v[rs],
							w->names.n ? w->names.v[nn] : NULL, NULL };
						if (!atom_covered(v.owned, v.nowned, &at))
							add_missing(&m, &nm, &malloc_, &at);
					}
		for (size_t ul = 0; ul < w->urls.n; ul++)
			for (size_t vb = 0; vb < w->verbs.n; vb++) {
				at = (struct atom){ w->verbs.v[vb], NULL, NULL, NULL,
					w->urls.v[ul] };
				if (!atom_covered(v.owned, v.nowned, &at))
					add_missing(&m, &nm, &malloc_, &at);
			}
	}
	if (nm) {
		for (size_t i = 0; i < nm; i++)
			m[i].text = missing_text(&m[i]);
		qsort(m, nm, sizeof(*m), missing_cmp);
		cf_buf_addf(&msg, "%s.%s ", resource, RBAC_GROUP);
		add_quoted(&msg, name);
		cf_buf_adds(&msg, " is forbidden: user ");
		add_quoted(&msg, nz(u->name));
		cf_buf_adds(&msg, " (groups=");
		add_qlist(&msg, u->groups, u->ngroups);
		cf_buf_adds(&msg, ") is attempting to grant RBAC permissions not "
		    "currently held:");
		for (size_t i = 0; i < nm; i++)
			cf_buf_addf(&msg, "\n%s", m[i].text);
		if (v.nerrors)
			cf_buf_addf(&msg, "; resolution errors: [%s]", v.errors.buf);
		err = cf_error_setc(CF_EFORBIDDEN, CF_ERR_KUBE, "%s", msg.buf);
	}
	for (size_t i = 0; i < nm; i++) {
		free(m[i].verbs);
		free(m[i].text);
	}
	free(m);
	free(v.owned);
	cf_buf_release(&msg);
	cf_buf_release(&v.errors);
	cf_buf_release(&v.allowed_by);
	return err;
}

static bool in_masters(const cf_user_info *u)
{
	for (size_t i = 0; i < u->ngroups; i++)
		if (streq(u->groups[i], "system:masters"))
			return true;
	return false;
}

static bool may(const cf_rbac *r, const cf_user_info *u, const char *verb,
    const char *resource, const char *ns, const char *name)
{
	cf_authz_attrs at = { .user = u, .verb = verb, .resource_request = true,
		.api_group = RBAC_GROUP, .resource = resource, .namespace = ns,
		.name = name };

	return cf_rbac_authorize(r, &at, NULL);
}

/* Full authority, required to set an aggregationRule (it can gather any
 * rule, so only someone who could grant anything may write one). */
static const char *const star[] = { "*" };
static const struct rule full_authority = {
	.verbs = { (const char **)star, 1 },
	.groups = { (const char **)star, 1 },
	.resources = { (const char **)star, 1 },
};

int cf_rbac_check_escalation(const cf_rbac *r, const cf_user_info *u,
    enum cf_rbac_kind kind, const cf_node *obj, bool create)
{
	const char *name = cf_node_getp_str(obj, "metadata", "name", NULL);
	const char *ns = namespaced(kind) ?
	    cf_node_getp_str(obj, "metadata", "namespace", NULL) : NULL;
	static const char *const plural[] = { "roles", "clusterroles",
		"rolebindings", "clusterrolebindings" };
	struct entry tmp = { 0 };
	const struct rule **want = NULL;
	size_t nwant = 0;
	int err;

	if ((unsigned)kind > CF_RBAC_CLUSTER_ROLE_BINDING || !name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "RBAC object without metadata.name");
	if (in_masters(u))
		return 0;

	if (kind == CF_RBAC_ROLE || kind == CF_RBAC_CLUSTER_ROLE) {
		/* The request's attributes: a create has no name yet, so an
		 * escalate rule limited by resourceNames cannot cover it. */
		if (may(r, u, "escalate", plural[kind], ns, create ? NULL : name))
			return 0;
		if (kind == CF_RBAC_CLUSTER_ROLE &&
		    cf_node_is(cf_node_get(obj, "aggregationRule"), CF_NODE_MAP)) {
			const struct rule *fa = &full_authority;

			return confirm_no_escalation(r, u, NULL, &fa, 1,
			    plural[kind], name);
		}
		tmp.obj = obj;
		parse_rules(&tmp);
		want = cf_xcalloc(tmp.nrules + 1, sizeof(*want));
		for (size_t i = 0; i < tmp.nrules; i++)
			want[nwant++] = &tmp.rules[i];
		err = confirm_no_escalation(r, u, ns, want, nwant, plural[kind], name);
	} else {
		const struct entry *role;
		const char *rk = cf_node_getp_str(obj, "roleRef", "kind", NULL);
		const char *rn = cf_node_getp_str(obj, "roleRef", "name", NULL);
		bool cluster;

		if (!rk || !rn)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "%s '%s' has no roleRef", kind_names[kind], name);
		cluster = strcmp(rk, "Role") != 0;
		if (may(r, u, "bind", cluster ? "clusterroles" : "roles", ns, rn))
			return 0;
		role = cluster ? find(r, CF_RBAC_CLUSTER_ROLE, NULL, rn, NULL) :
		    find(r, CF_RBAC_ROLE, ns, rn, NULL);
		if (!role)
			return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
			    "%s.%s \"%s\" not found", cluster ? "clusterroles" :
			    "roles", RBAC_GROUP, rn);
		want = cf_xcalloc((role->aggregated ? role->nagg : role->nrules) + 1,
		    sizeof(*want));
		for (size_t i = 0; i < (role->aggregated ? role->nagg : role->nrules); i++)
			want[nwant++] = role->aggregated ? role->agg[i] : &role->rules[i];
		err = confirm_no_escalation(r, u, ns, want, nwant, plural[kind], name);
	}
	free(want);
	cf_arena_release(&tmp.arena);
	return err;
}
