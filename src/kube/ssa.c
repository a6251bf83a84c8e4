/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Server-side apply. The shapes follow structured-merge-diff (SMD) and the
 * apiserver's managedFields wrappers, re-derived from their documented
 * behaviour and the experiments in spec/kubernetes-api.md §3:
 *
 *   field sets      a sorted tree of path elements (f:, k:, v:, i:) with a
 *                   "member" bit per node ("." in fieldsV1);
 *   apply           merge config into live, prune what the applier dropped,
 *                   compare live with the result, and check the changed
 *                   paths against every other manager's set;
 *   update          compare old with new: the writer gains what changed,
 *                   everybody loses what was removed.
 *
 * Field sets are built by insertion and then treated as immutable: the set
 * operations always return fresh trees, so no subtree is ever shared.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/ssa.h"

/* ---- path elements ----------------------------------------------------- */

/* Deepest path compared or listed: above the JSON parser's nesting cap. */
#define SSA_MAX_DEPTH 1100

/* Kinds in SMD's sort order: fields < keys < values < indexes. */
enum pe_kind { PE_FIELD = 0, PE_KEY, PE_VALUE, PE_INDEX };

/*
 * One step of a field path. Key and value elements point at nodes that
 * live in the arena of the set that holds them (decoded keys) or of the
 * object being walked; sets never outlive the call that built them except
 * through cf_fieldset_decode, whose nodes live in the caller's arena.
 */
typedef struct pe {
	uint8_t kind;
	const char *name;   /* PE_FIELD */
	const cf_node *val; /* PE_VALUE: the scalar; PE_KEY: map sorted by key */
	int64_t index;      /* PE_INDEX */
} pe;

struct fs_child;

/*
 * A set of paths as a trie: member says the path ending here is in the
 * set; children are kept sorted so encoding, merging two sets and
 * iterating in structured-merge-diff's order are all linear walks.
 */
struct cf_fieldset {
	bool member;
	uint32_t n, alloc;
	struct fs_child *c; /* sorted by pe_cmp */
};

struct fs_child {
	pe pe;
	cf_fieldset *set;
};

/* Position of a value's type in SMD's cross-type order. */
static int type_rank(const cf_node *v)
{
	switch (v ? v->type : CF_NODE_NULL) {
	case CF_NODE_INT:
	case CF_NODE_FLOAT:
		return 0;
	case CF_NODE_STR:
		return 1;
	case CF_NODE_BOOL:
		return 2;
	case CF_NODE_SEQ:
		return 3;
	case CF_NODE_MAP:
		return 4;
	default:
		return 5;
	}
}

/* A number as a double, for int/float comparisons (SMD compares them
 * numerically, so 1 and 1.0 are the same key). */
static double num_of(const cf_node *v)
{
	if (v->type == CF_NODE_FLOAT)
		return v->v.f;
	return (v->flags & CF_NODE_F_UINT) ? (double)v->v.u : (double)v->v.i;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c < 0 ? -1 : 1;
	return an < bn ? -1 : an > bn;
}

/* SMD's total order on values: numbers (compared numerically) < strings <
 * bools < lists < maps < null. */
static int value_cmp(const cf_node *a, const cf_node *b)
{
	int ra = type_rank(a), rb = type_rank(b);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	switch (ra) {
	case 0:
		if (a->type == CF_NODE_INT && b->type == CF_NODE_INT &&
		    !((a->flags | b->flags) & CF_NODE_F_UINT))
			return a->v.i < b->v.i ? -1 : a->v.i > b->v.i;
		return num_of(a) < num_of(b) ? -1 : num_of(a) > num_of(b);
	case 1:
		return bytes_cmp(a->v.s, a->len, b->v.s, b->len);
	case 2:
		return a->v.b == b->v.b ? 0 : a->v.b ? 1 : -1;
	case 3:
	case 4:
		/* Lists elementwise, maps as (key, value) lists; shorter first. */
		for (uint32_t i = 0;; i++) {
			int c;

			if (i >= a->len || i >= b->len)
				return a->len == b->len ? 0 : i >= a->len ? -1 : 1;
			if (ra == 4) {
				c = bytes_cmp(a->v.pairs[i].key, a->v.pairs[i].klen,
				    b->v.pairs[i].key, b->v.pairs[i].klen);
				if (!c)
					c = value_cmp(a->v.pairs[i].val,
					    b->v.pairs[i].val);
			} else {
				c = value_cmp(a->v.items[i], b->v.items[i]);
			}
			if (c)
				return c;
		}
	default:
		return 0;
	}
}

/* SMD's PathElement order, which fixes sibling order in fieldsV1, the
 * order of conflict causes and the order of paths in messages. */
static int pe_cmp(const pe *a, const pe *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	switch (a->kind) {
	case PE_FIELD:
		return strcmp(a->name, b->name);
	case PE_INDEX:
		return a->index < b->index ? -1 : a->index > b->index;
	default:
		/* Key lists are maps sorted by name: the map order above is
		 * exactly SMD's FieldList comparison. */
		return value_cmp(a->val, b->val);
	}
}

/* ---- field set trees ---------------------------------------------------- */

static cf_fieldset *fs_new(cf_arena *a)
{
	return CF_ARENA_NEW(a, cf_fieldset);
}

/* Binary search; *at is the insertion point when not found. */
static cf_fieldset *fs_find(const cf_fieldset *s, const pe *p, uint32_t *at)
{
	uint32_t lo = 0, hi = s ? s->n : 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = pe_cmp(&s->c[mid].pe, p);

		if (!c) {
			if (at)
				*at = mid;
			return s->c[mid].set;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at)
		*at = lo;
	return NULL;
}

/* The child of s at p, created (in sorted position) if missing. Only for
 * sets still being built: see the immutability note at the top. */
static cf_fieldset *fs_child(cf_arena *a, cf_fieldset *s, const pe *p)
{
	uint32_t at;
	cf_fieldset *c = fs_find(s, p, &at);

	if (c)
		return c;
	if (s->n == s->alloc) {
		uint32_t n = s->alloc ? s->alloc * 2 : 4;
		struct fs_child *nc = cf_arena_alloc(a, n * sizeof(*nc));

		if (s->n)
			memcpy(nc, s->c, s->n * sizeof(*nc));
		s->c = nc;
		s->alloc = n;
	}
	memmove(s->c + at + 1, s->c + at, (s->n - at) * sizeof(*s->c));
	s->c[at].pe = *p;
	s->c[at].set = c = fs_new(a);
	s->n++;
	return c;
}

bool cf_fieldset_empty(const cf_fieldset *s)
{
	if (!s)
		return true;
	if (s->member)
		return false;
	for (uint32_t i = 0; i < s->n; i++)
		if (!cf_fieldset_empty(s->c[i].set))
			return false;
	return true;
}

enum fs_op { FS_UNION, FS_DIFF, FS_INTERSECT };

/* A fresh tree for (x op y); empty subtrees are dropped. */
static cf_fieldset *fs_combine(cf_arena *a, const cf_fieldset *x,
    const cf_fieldset *y, enum fs_op op)
{
	cf_fieldset *r = fs_new(a);
	static const cf_fieldset none;
	uint32_t i = 0, j = 0;

	if (!x)
		x = &none;
	if (!y)
		y = &none;
	r->member = op == FS_UNION ? (x->member || y->member)
	    : op == FS_DIFF	   ? (x->member && !y->member)
				   : (x->member && y->member);
	/* Walk both sorted child lists at once. */
	while (i < x->n || j < y->n) {
		int c = i >= x->n ? 1 : j >= y->n ? -1
					: pe_cmp(&x->c[i].pe, &y->c[j].pe);
		const cf_fieldset *xs = c <= 0 ? x->c[i].set : NULL;
		const cf_fieldset *ys = c >= 0 ? y->c[j].set : NULL;
		const pe *p = c <= 0 ? &x->c[i].pe : &y->c[j].pe;
		cf_fieldset *sub = NULL;

		if (op == FS_UNION || (op == FS_DIFF && xs) || (xs && ys))
			sub = fs_combine(a, xs, ys, op);
		if (sub && !cf_fieldset_empty(sub))
			*fs_child(a, r, p) = *sub;
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
	return r;
}

/* A deep copy, so callers may then build on the result. */
static cf_fieldset *fs_copy(cf_arena *a, const cf_fieldset *x)
{
	return fs_combine(a, x, NULL, FS_UNION);
}

/* True if s (a subtree) holds any path at all. */
#define fs_any(s) (!cf_fieldset_empty(s))

static bool fs_any_child(const cf_fieldset *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (fs_any(s->c[i].set))
			return true;
	return false;
}

/* ---- JSON inside path-element keys -------------------------------------- */

/*
 * Key and value path elements embed compact JSON ("k:{\"name\":\"c1\"}"),
 * written and read with core/json so numbers and escapes are exactly Go's.
 * Maps are written in node order: key maps are already sorted by name.
 */
static void json_put(cf_buf *b, const cf_node *v)
{
	/* Only NaN/Inf fail, and no parsed value holds them. */
	if (cf_json_write(b, v, 0) < 0)
		cf_buf_adds(b, "null");
}

/* Exactly one JSON value in s[0..n). Returns -1 if malformed. */
static int json_read(cf_node **out, cf_arena *a, const char *s, size_t n)
{
	return cf_json_parse(out, a, s, n, NULL) < 0 ? -1 : 0;
}

/* ---- fieldsV1 encoding -------------------------------------------------- */

/* The fieldsV1 key of a path element (§3.3): keys are compact JSON with
 * the key fields in name order, because the set stores them sorted. */
static void pe_key(cf_buf *b, const pe *p)
{
	switch (p->kind) {
	case PE_FIELD:
		cf_buf_addf(b, "f:%s", p->name);
		break;
	case PE_KEY:
		cf_buf_adds(b, "k:");
		json_put(b, p->val);
		break;
	case PE_VALUE:
		cf_buf_adds(b, "v:");
		json_put(b, p->val);
		break;
	case PE_INDEX:
		cf_buf_addf(b, "i:%lld", (long long)p->index);
		break;
	}
}

/* Write s's children into the map out. Empty subtrees (possible after
 * set arithmetic) are skipped so an encoded set never shows a bare
 * parent for paths that were removed. */
static void encode_into(cf_arena *a, cf_node *out, const cf_fieldset *s,
    cf_buf *tmp)
{
	for (uint32_t i = 0; i < s->n; i++) {
		const cf_fieldset *c = s->c[i].set;
		cf_node *v;

		if (cf_fieldset_empty(c))
			continue;
		v = cf_node_map(a);
		/* "." first: the node itself, then its children. */
		if (c->member && fs_any_child(c))
			cf_node_set(a, v, ".", cf_node_map(a));
		encode_into(a, v, c, tmp);
		cf_buf_reset(tmp);
		pe_key(tmp, &s->c[i].pe);
		cf_node_setn(a, out, tmp->buf, tmp->len, v);
	}
}

cf_node *cf_fieldset_encode(cf_arena *a, const cf_fieldset *s)
{
	cf_node *out = cf_node_map(a);
	cf_buf tmp = CF_BUF_INIT;

	if (s)
		encode_into(a, out, s, &tmp);
	cf_buf_release(&tmp);
	return out;
}

static int bad_key(const char *key)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
	    "invalid fieldsV1 path element '%s'", key);
}

/* Read one fieldsV1 level into s. Each key is one path element; its value
 * is {} for a leaf or an object holding "." and/or children. */
static int decode_into(cf_arena *a, cf_fieldset *s, const cf_node *n)
{
	if (!cf_node_is(n, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "fieldsV1 must be an object");
	for (uint32_t i = 0; i < n->len; i++) {
		const char *k = n->v.pairs[i].key;
		size_t kl = n->v.pairs[i].klen;
		cf_fieldset *child;
		pe p = { 0 };
		int error;

		if (kl == 1 && k[0] == '.') {
			s->member = true;
			continue;
		}
		if (kl < 2 || k[1] != ':')
			return bad_key(k);
		switch (k[0]) {
		case 'f':
			p.kind = PE_FIELD;
			p.name = cf_arena_strndup(a, k + 2, kl - 2);
			break;
		case 'k':
			p.kind = PE_KEY;
			if (json_read((cf_node **)&p.val, a, k + 2, kl - 2) ||
			    !cf_node_is(p.val, CF_NODE_MAP))
				return bad_key(k);
			cf_node_sort_keys((cf_node *)p.val);
			break;
		case 'v':
			p.kind = PE_VALUE;
			if (json_read((cf_node **)&p.val, a, k + 2, kl - 2))
				return bad_key(k);
			break;
		case 'i': {
			char *end;

			p.kind = PE_INDEX;
			errno = 0;
			p.index = strtoll(k + 2, &end, 10);
			if (*end || errno || kl == 2)
				return bad_key(k);
			break;
		}
		default:
			return bad_key(k);
		}
		child = fs_child(a, s, &p);
		/* A leaf is written as {}: the path itself is in the set. */
		if (cf_node_is(n->v.pairs[i].val, CF_NODE_MAP) &&
		    !n->v.pairs[i].val->len) {
			child->member = true;
			continue;
		}
		if ((error = decode_into(a, child, n->v.pairs[i].val)) < 0)
			return error;
	}
	return 0;
}

int cf_fieldset_decode(cf_fieldset **out, cf_arena *a, const cf_node *fields_v1)
{
	cf_fieldset *s = fs_new(a);
	int error;

	if (fields_v1 && (error = decode_into(a, s, fields_v1)) < 0)
		return error;
	*out = s;
	return 0;
}

/* ---- paths as text -------------------------------------------------------- */

/* Go's %q for the strings keys hold (ASCII escapes; UTF-8 kept). */
static void go_quote(cf_buf *b, const char *s, size_t n)
{
	cf_buf_addch(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			cf_buf_addf(b, "\\%c", c);
		else if (c == '\n')
			cf_buf_adds(b, "\\n");
		else if (c == '\t')
			cf_buf_adds(b, "\\t");
		else if (c == '\r')
			cf_buf_adds(b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			cf_buf_addf(b, "\\x%02x", c);
		else
			cf_buf_addch(b, (char)c);
	}
	cf_buf_addch(b, '"');
}

/* SMD's value.ToString. */
static void value_str(cf_buf *b, const cf_node *v)
{
	if (cf_node_is(v, CF_NODE_STR))
		go_quote(b, v->v.s, v->len);
	else if (cf_node_is(v, CF_NODE_SEQ) || cf_node_is(v, CF_NODE_MAP))
		json_put(b, v);
	else
		json_put(b, v);
}

/* A path element as SMD prints it in messages: .name, [k=v,k2=v2],
 * [=value] or [index]. */
static void pe_str(cf_buf *b, const pe *p)
{
	switch (p->kind) {
	case PE_FIELD:
		cf_buf_addf(b, ".%s", p->name);
		break;
	case PE_KEY:
		cf_buf_addch(b, '[');
		for (uint32_t i = 0; i < p->val->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			cf_buf_addf(b, "%s=", p->val->v.pairs[i].key);
			value_str(b, p->val->v.pairs[i].val);
		}
		cf_buf_addch(b, ']');
		break;
	case PE_VALUE:
		cf_buf_adds(b, "[=");
		value_str(b, p->val);
		cf_buf_addch(b, ']');
		break;
	case PE_INDEX:
		cf_buf_addf(b, "[%lld]", (long long)p->index);
		break;
	}
}

/*
 * Visit every path of s in SMD's Set.Iterate order: at each level first
 * the paths that end there (members, sorted), then each child's subtree
 * (sorted). So ".spec.replicas" comes before ".spec.containers[...].image",
 * which is the order the server lists conflicts in.
 */
typedef void (*fs_visit_fn)(const pe *const *path, size_t n, void *payload);

static void fs_walk(const cf_fieldset *s, const pe **stack, size_t depth,
    fs_visit_fn fn, void *payload)
{
	if (depth >= SSA_MAX_DEPTH)
		return;
	for (uint32_t i = 0; i < s->n; i++) {
		if (!s->c[i].set->member)
			continue;
		stack[depth] = &s->c[i].pe;
		fn(stack, depth + 1, payload);
	}
	for (uint32_t i = 0; i < s->n; i++) {
		if (!s->c[i].set->n)
			continue;
		stack[depth] = &s->c[i].pe;
		fs_walk(s->c[i].set, stack, depth + 1, fn, payload);
	}
}

static void fs_each(const cf_fieldset *s, fs_visit_fn fn, void *payload)
{
	const pe **stack;

	if (!s)
		return;
	stack = cf_xcalloc(SSA_MAX_DEPTH, sizeof(*stack));
	fs_walk(s, stack, 0, fn, payload);
	free(stack);
}

/* A whole path: ".spec.containers[name=\"c1\"].image". */
static void path_str(cf_buf *b, const pe *const *path, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pe_str(b, path[i]);
}

static void add_path_line(const pe *const *path, size_t n, void *payload)
{
	path_str(payload, path, n);
	cf_buf_addch(payload, '\n');
}

void cf_fieldset_paths(cf_buf *out, const cf_fieldset *s)
{
	fs_each(s, add_path_line, out);
}

/* ---- walking objects against the schema ------------------------------------ */

/* A path being walked, as path elements (for sets) and text (for errors). */
typedef struct walk {
	cf_arena *a;
	pe *stack; /* SSA_MAX_DEPTH entries, from a */
	size_t depth;
	cf_buf text;
} walk;

/* Descend one element. The JSON parser refuses documents nested deeper
 * than its default cap (1000) before they reach us, so the bound below is
 * never hit by a real object; it only keeps a hand-built one safe. */
static bool walk_push(walk *w, const pe *p)
{
	if (w->depth >= SSA_MAX_DEPTH)
		return false;
	w->stack[w->depth++] = *p;
	return true;
}

/* Add the path path[0..n) to s as a member. */
static void fs_insert(cf_arena *a, cf_fieldset *s, const pe *path, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s = fs_child(a, s, &path[i]);
	s->member = true;
}

/*
 * The path element of list item v in list type ls: keyed lists use the
 * key fields (defaults filling gaps), sets the value, others the index.
 * Returns 0, or -1 with a message (without the list's path) in *why.
 */
static int item_pe(pe *out, cf_arena *a, const cf_schema *ls, const cf_node *v,
    uint32_t idx, const char **why)
{
	enum cf_schema_rel rel = cf_schema_rel_of(ls, v);

	memset(out, 0, sizeof(*out));
	/* Sets name items by value; granular lists without keys (unused by
	 * Kubernetes) by position. */
	if (rel == CF_SCHEMA_SET) {
		out->kind = PE_VALUE;
		out->val = v;
		return 0;
	}
	if (rel != CF_SCHEMA_ASSOC || !ls->nkeys) {
		out->kind = PE_INDEX;
		out->index = idx;
		return 0;
	}
	if (!cf_node_is(v, CF_NODE_MAP)) {
		*why = "associative list with keys has an element that is not a map";
		return -1;
	}
	cf_node *key = cf_node_map(a);

	/* Key fields in name order; absent ones take their schema default
	 * (a port without protocol is the TCP port, §3.3). */
	for (uint32_t i = 0; i < ls->nkeys; i++) {
		const cf_node *kv = cf_node_get(v, ls->keys[i]);

		if (!kv || kv->type == CF_NODE_NULL)
			kv = ls->key_defaults ? ls->key_defaults[i] : NULL;
		if (!kv) {
			*why = cf_arena_printf(a, "associative list with keys has "
			    "an element that omits key field \"%s\" (and doesn't "
			    "have default value)", ls->keys[i]);
			return -1;
		}
		cf_node_set(a, key, ls->keys[i], (cf_node *)kv);
	}
	cf_node_sort_keys(key);
	out->kind = PE_KEY;
	out->val = key;
	return 0;
}

static bool is_empty_map(const cf_node *v)
{
	return cf_node_is(v, CF_NODE_MAP) && !v->len;
}

/* Does v have the shape kind expects (else it is owned as a leaf)? */
static bool shape_ok(enum cf_schema_kind kind, const cf_node *v)
{
	if (kind == CF_SCHEMA_MAP)
		return cf_node_is(v, CF_NODE_MAP);
	if (kind == CF_SCHEMA_LIST)
		return cf_node_is(v, CF_NODE_SEQ);
	return true;
}

/*
 * The apply field set of v (§3.4), into node. Mirrors SMD's ToFieldSet:
 * scalars and atomic values are leaves; list items are always nodes of
 * their own; map values are nodes only when they are map entries (not
 * struct fields) or when they are null or {}, since those carry intent
 * ("I own this empty thing") without any leaf below them.
 */
static int fieldset_walk(walk *w, cf_fieldset *node, const cf_schema *s,
    const cf_node *v)
{
	enum cf_schema_kind kind = cf_schema_kind_of(s, v);
	enum cf_schema_rel rel = cf_schema_rel_of(s, v);
	size_t mark = w->text.len;
	int error = 0;

	if (!v || v->type == CF_NODE_NULL)
		return 0;
	if (kind == CF_SCHEMA_SCALAR || rel == CF_SCHEMA_ATOMIC ||
	    !shape_ok(kind, v)) {
		node->member = true;
		return 0;
	}
	if (kind == CF_SCHEMA_LIST) {
		const cf_schema *is = cf_schema_item(s);

		for (uint32_t i = 0; i < v->len; i++) {
			const char *why = NULL;
			cf_fieldset *child;
			pe p;

			if (item_pe(&p, w->a, s, v->v.items[i], i, &why) < 0)
				return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
				    "%s: element %u: %s", w->text.len ? w->text.buf
				    : ".", i, why);
			if (fs_find(node, &p, NULL)) {
				cf_buf dup = CF_BUF_INIT;

				pe_str(&dup, &p);
				error = cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
				    "%s: duplicate entries for key %s",
				    w->text.len ? w->text.buf : ".", dup.buf);
				cf_buf_release(&dup);
				return error;
			}
			child = fs_child(w->a, node, &p);
			pe_str(&w->text, &p);
			error = fieldset_walk(w, child, is, v->v.items[i]);
			cf_buf_truncate(&w->text, mark);
			if (error < 0)
				return error;
			child->member = true; /* items are owned as nodes */
		}
		return 0;
	}
	for (uint32_t i = 0; i < v->len; i++) {
		const cf_pair *kv = &v->v.pairs[i];
		bool declared;
		const cf_schema *cs = cf_schema_child(s, kv->key, &declared);
		pe p = { .kind = PE_FIELD, .name = kv->key };
		cf_fieldset *child = fs_child(w->a, node, &p);

		cf_buf_addf(&w->text, ".%s", kv->key);
		error = fieldset_walk(w, child, cs, kv->val);
		cf_buf_truncate(&w->text, mark);
		if (error < 0)
			return error;
		/* null and {} are leaves; map entries are nodes of their own. */
		if (kv->val->type == CF_NODE_NULL || is_empty_map(kv->val) ||
		    !declared)
			child->member = true;
	}
	return 0;
}

int cf_ssa_fieldset(cf_fieldset **out, cf_arena *a, const cf_schema *s,
    const cf_node *obj)
{
	walk w = { .a = a, .text = CF_BUF_INIT };
	cf_fieldset *set = fs_new(a);
	int error;

	error = fieldset_walk(&w, set, s, obj);
	cf_buf_release(&w.text);
	if (error < 0)
		return error;
	*out = set;
	return 0;
}

/* ---- key lookups in big maps ---------------------------------------------- */

/*
 * Maps keep insertion order and cf_node_getn is a linear scan, which
 * makes comparing or merging two n-key maps O(n^2): fine for specs, slow
 * for a ConfigMap with thousands of keys. Past a few keys we look up in a
 * sorted array of pair pointers instead.
 */
#define KEYIDX_MIN 16

typedef struct keyidx {
	const cf_node *m;
	const cf_pair **ord; /* NULL: small map, scan it */
} keyidx;

static int pairp_cmp(const void *x, const void *y)
{
	const cf_pair *p = *(const cf_pair *const *)x;
	const cf_pair *q = *(const cf_pair *const *)y;

	return bytes_cmp(p->key, p->klen, q->key, q->klen);
}

static void keyidx_init(keyidx *k, cf_arena *a, const cf_node *m)
{
	k->m = cf_node_is(m, CF_NODE_MAP) ? m : NULL;
	k->ord = NULL;
	if (!k->m || m->len < KEYIDX_MIN)
		return;
	k->ord = cf_arena_alloc(a, m->len * sizeof(*k->ord));
	for (uint32_t i = 0; i < m->len; i++)
		k->ord[i] = &m->v.pairs[i];
	qsort(k->ord, m->len, sizeof(*k->ord), pairp_cmp);
}

/* Index of key in the map, or -1. */
static int keyidx_find(const keyidx *k, const char *key, size_t klen)
{
	uint32_t lo = 0, hi;

	if (!k->m)
		return -1;
	if (!k->ord) {
		for (uint32_t i = 0; i < k->m->len; i++)
			if (k->m->v.pairs[i].klen == klen &&
			    !memcmp(k->m->v.pairs[i].key, key, klen))
				return (int)i;
		return -1;
	}
	hi = k->m->len;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const cf_pair *p = k->ord[mid];
		int c = bytes_cmp(p->key, p->klen, key, klen);

		if (!c)
			return (int)(p - k->m->v.pairs);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const cf_node *keyidx_get(const keyidx *k, const char *key, size_t klen)
{
	int i = keyidx_find(k, key, klen);

	return i < 0 ? NULL : k->m->v.pairs[i].val;
}

/* ---- merge ------------------------------------------------------------------ */

static cf_node *merge_value(cf_arena *a, const cf_schema *s, const cf_node *l,
    const cf_node *r);

static int pe_find(const pe *pes, const bool *ok, uint32_t n, const pe *p)
{
	for (uint32_t i = 0; i < n; i++)
		if (ok[i] && !pe_cmp(&pes[i], p))
			return (int)i;
	return -1;
}

/*
 * Keyed lists and sets (§3.7). Items only the live list has stay in place;
 * config items come out in config order, merged with their live twins.
 * A live item that the config also holds waits until the config reaches
 * it, unless it is the next shared item in config order, in which case
 * both lists meet there (structured-merge-diff's ordering).
 */
static cf_node *merge_list(cf_arena *a, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	const cf_schema *is = cf_schema_item(s);
	uint32_t ln = l->len, rn = r->len, i = 0, j = 0, ns = 0, next = 0;
	pe *lp = cf_arena_zalloc(a, (ln + 1) * sizeof(pe));
	pe *rp = cf_arena_zalloc(a, (rn + 1) * sizeof(pe));
	bool *lok = cf_arena_zalloc(a, ln + 1), *rok = cf_arena_zalloc(a, rn + 1);
	bool *done = cf_arena_zalloc(a, ln + 1);
	int *in_r = cf_arena_zalloc(a, (ln + 1) * sizeof(int));
	uint32_t *shared = cf_arena_zalloc(a, (rn + 1) * sizeof(uint32_t));
	cf_node *out = cf_node_seq(a);
	const char *why;

	/* Items without a usable key never match anything. */
	for (uint32_t k = 0; k < ln; k++)
		lok[k] = !item_pe(&lp[k], a, s, l->v.items[k], k, &why) &&
		    lp[k].kind != PE_INDEX;
	for (uint32_t k = 0; k < rn; k++)
		rok[k] = !item_pe(&rp[k], a, s, r->v.items[k], k, &why) &&
		    rp[k].kind != PE_INDEX;
	for (uint32_t k = 0; k < ln; k++)
		in_r[k] = lok[k] ? pe_find(rp, rok, rn, &lp[k]) : -1;
	/* Config indexes of the items both lists hold, in config order. */
	for (uint32_t k = 0; k < rn; k++)
		if (rok[k] && pe_find(lp, lok, ln, &rp[k]) >= 0)
			shared[ns++] = k;

	while (i < ln || j < rn) {
		if (i < ln && j < rn) {
			if (in_r[i] == (int)j) {
				cf_node_push(a, out, merge_value(a, is,
				    l->v.items[i], r->v.items[j]));
				done[i] = true;
				i++, j++;
				next++;
				continue;
			}
			if (in_r[i] >= 0 && next < ns && shared[next] != (uint32_t)in_r[i]) {
				i++; /* shared, but not the one due now */
				continue;
			}
		}
		if (i < ln && in_r[i] < 0) {
			cf_node_push(a, out, cf_node_dup(a, l->v.items[i++]));
			continue;
		}
		if (i < ln && done[i]) {
			i++;
			continue;
		}
		if (j < rn) {
			int k = rok[j] ? pe_find(lp, lok, ln, &rp[j]) : -1;

			if (k >= 0 && !done[k]) {
				done[k] = true;
				cf_node_push(a, out, merge_value(a, is,
				    l->v.items[k], r->v.items[j]));
			} else {
				cf_node_push(a, out, cf_node_dup(a, r->v.items[j]));
			}
			if (next < ns && shared[next] == j)
				next++;
			j++;
			continue;
		}
		i++; /* a shared live item already merged above */
	}
	return out;
}

/*
 * The config value r merged onto the live value l (§3.7). Anything that is
 * not a granular map or a keyed/set list on both sides is replaced by the
 * config; null in the config is kept as null, as SMD's merge keeps it.
 */
static cf_node *merge_value(cf_arena *a, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	enum cf_schema_kind kind = cf_schema_kind_of(s, r);
	enum cf_schema_rel rel = cf_schema_rel_of(s, r);
	cf_node *out;

	if (!l || !r || r->type == CF_NODE_NULL || l->type != r->type ||
	    kind == CF_SCHEMA_SCALAR || rel == CF_SCHEMA_ATOMIC ||
	    !shape_ok(kind, r))
		return cf_node_dup(a, r);
	if (kind == CF_SCHEMA_LIST)
		return merge_list(a, s, l, r);
	/* Live keys in live order, then config-only keys in config order;
	 * built directly so big maps do not pay a scan per key. */
	{
		keyidx li;
		uint32_t n = 0;

		keyidx_init(&li, a, l);
		out = cf_node_map(a);
		out->alloc = l->len + r->len;
		out->v.pairs = cf_arena_alloc(a, (out->alloc + 1) * sizeof(cf_pair));
		for (uint32_t i = 0; i < l->len; i++) {
			out->v.pairs[n].key = cf_arena_strndup(a, l->v.pairs[i].key,
			    l->v.pairs[i].klen);
			out->v.pairs[n].klen = l->v.pairs[i].klen;
			out->v.pairs[n++].val = cf_node_dup(a, l->v.pairs[i].val);
		}
		for (uint32_t i = 0; i < r->len; i++) {
			const cf_pair *kv = &r->v.pairs[i];
			const cf_schema *cs = cf_schema_child(s, kv->key, NULL);
			int at = keyidx_find(&li, kv->key, kv->klen);
			cf_node *v = merge_value(a, cs, at < 0 ? NULL :
			    l->v.pairs[at].val, kv->val);

			if (at >= 0) {
				out->v.pairs[at].val = v;
				continue;
			}
			out->v.pairs[n].key = cf_arena_strndup(a, kv->key, kv->klen);
			out->v.pairs[n].klen = kv->klen;
			out->v.pairs[n++].val = v;
		}
		out->len = n;
	}
	return out;
}

cf_node *cf_ssa_merge(cf_arena *a, const cf_schema *s, const cf_node *live,
    const cf_node *config)
{
	return merge_value(a, s, live, config);
}

/* ---- compare --------------------------------------------------------------- */

/*
 * A comparison of two objects, as SMD's TypedValue.Compare produces it:
 * leaves that appeared, changed or vanished, plus list items and map
 * values that appeared or vanished as whole nodes. Paths are collected
 * while walking, from the shared stack in w.
 */
typedef struct cmp {
	walk w;
	cf_fieldset *added, *modified, *removed;
	bool typed; /* a built-in kind: compare as Go's typed objects do */
} cmp;

static const cf_node empty_map = { .type = CF_NODE_MAP };
static const cf_node empty_seq = { .type = CF_NODE_SEQ };

/* Absent, null, {} or []: two such values compare as one leaf, so that
 * "present but empty" vs "absent" is still seen as a change. */
static bool emptyish(const cf_node *v)
{
	return !v || v->type == CF_NODE_NULL ||
	    ((v->type == CF_NODE_MAP || v->type == CF_NODE_SEQ) && !v->len);
}

static void cmp_value(cmp *c, const cf_schema *s, const cf_node *l,
    const cf_node *r);

/* After visiting a child: new nodes are Added, vanished ones Removed. */
static void cmp_post(cmp *c, const cf_node *l, const cf_node *r)
{
	if (!l)
		fs_insert(c->w.a, c->added, c->w.stack, c->w.depth);
	else if (!r)
		fs_insert(c->w.a, c->removed, c->w.stack, c->w.depth);
}

/*
 * The kube-apiserver compares built-in objects after a round trip through
 * their Go types, which changes what "absent" means (and so where "." is
 * recorded). Below a struct that exists, a non-pointer struct field or a
 * list without omitempty is never absent: it holds its zero value ({} or
 * null). And a null anywhere decodes to the zero value, which the encoder
 * then omits. Custom resources are unstructured and compared as they are.
 */
static void typed_view(const cmp *c, const cf_schema *cs, const cf_node *lp,
    const cf_node *rp, const cf_node **l, const cf_node **r)
{
	bool zero_present;

	if (!c->typed)
		return;
	if (*l && (*l)->type == CF_NODE_NULL)
		*l = NULL;
	if (*r && (*r)->type == CF_NODE_NULL)
		*r = NULL;
	zero_present = cs && (cs->flags & CF_SCHEMA_F_ALWAYS) &&
	    (cs->kind == CF_SCHEMA_MAP || cs->kind == CF_SCHEMA_LIST);
	if (!zero_present)
		return;
	if (!*l && lp)
		*l = cs->kind == CF_SCHEMA_MAP ? &empty_map : &empty_seq;
	if (!*r && rp)
		*r = cs->kind == CF_SCHEMA_MAP ? &empty_map : &empty_seq;
}

/* Keyed lists and sets: items are paired by path element, not position,
 * so reordering alone is never a change (the list is not atomic). */
static void cmp_list(cmp *c, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	const cf_schema *is = cf_schema_item(s);
	static const cf_node empty = { .type = CF_NODE_SEQ };
	uint32_t ln, rn;
	pe *lp, *rp;
	bool *lok, *rok;
	const char *why;

	if (!l)
		l = &empty;
	if (!r)
		r = &empty;
	ln = l->len, rn = r->len;
	lp = cf_arena_zalloc(c->w.a, (ln + 1) * sizeof(pe));
	rp = cf_arena_zalloc(c->w.a, (rn + 1) * sizeof(pe));
	lok = cf_arena_zalloc(c->w.a, ln + 1);
	rok = cf_arena_zalloc(c->w.a, rn + 1);
	for (uint32_t k = 0; k < ln; k++)
		lok[k] = !item_pe(&lp[k], c->w.a, s, l->v.items[k], k, &why);
	for (uint32_t k = 0; k < rn; k++)
		rok[k] = !item_pe(&rp[k], c->w.a, s, r->v.items[k], k, &why);
	for (uint32_t k = 0; k < ln; k++) {
		int m = lok[k] ? pe_find(rp, rok, rn, &lp[k]) : -1;
		const cf_node *rv = m >= 0 ? r->v.items[m] : NULL;

		if (!lok[k] || !walk_push(&c->w, &lp[k]))
			continue;
		cmp_value(c, is, l->v.items[k], rv);
		cmp_post(c, l->v.items[k], rv);
		c->w.depth--;
	}
	for (uint32_t k = 0; k < rn; k++) {
		if (!rok[k] || pe_find(lp, lok, ln, &rp[k]) >= 0 ||
		    !walk_push(&c->w, &rp[k]))
			continue;
		cmp_value(c, is, NULL, r->v.items[k]);
		cmp_post(c, NULL, r->v.items[k]);
		c->w.depth--;
	}
}

/* Maps: keys of the old object first (changed or removed), then keys
 * only the new object has (added). */
static void cmp_map(cmp *c, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	for (uint32_t pass = 0; pass < 2; pass++) {
		const cf_node *src = pass ? r : l, *other = pass ? l : r;
		keyidx oi;

		keyidx_init(&oi, c->w.a, other);
		for (uint32_t i = 0; src && i < src->len; i++) {
			const cf_pair *kv = &src->v.pairs[i];
			const cf_node *ov = keyidx_get(&oi, kv->key, kv->klen);
			const cf_schema *cs = cf_schema_child(s, kv->key, NULL);
			pe p = { .kind = PE_FIELD, .name = kv->key };

			const cf_node *lv = pass ? NULL : kv->val;
			const cf_node *rv = pass ? kv->val : ov;

			/* Pass 1 handles keys only the new object has. */
			if (pass && ov)
				continue;
			typed_view(c, cs, l, r, &lv, &rv);
			if ((!lv && !rv) || !walk_push(&c->w, &p))
				continue;
			cmp_value(c, cs, lv, rv);
			cmp_post(c, lv, rv);
			c->w.depth--;
		}
	}
}

static void cmp_value(cmp *c, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	const cf_node *v = r ? r : l;
	enum cf_schema_kind kind = cf_schema_kind_of(s, v);
	enum cf_schema_rel rel = cf_schema_rel_of(s, v);
	bool leaf = kind == CF_SCHEMA_SCALAR || rel == CF_SCHEMA_ATOMIC ||
	    (l && !shape_ok(kind, l)) || (r && !shape_ok(kind, r)) ||
	    (l && l->type == CF_NODE_NULL) || (r && r->type == CF_NODE_NULL) ||
	    (emptyish(l) && emptyish(r));

	if (leaf) {
		if (!l)
			fs_insert(c->w.a, c->added, c->w.stack, c->w.depth);
		else if (!r)
			fs_insert(c->w.a, c->removed, c->w.stack, c->w.depth);
		else if (!cf_node_equal(l, r))
			fs_insert(c->w.a, c->modified, c->w.stack, c->w.depth);
		return;
	}
	if (kind == CF_SCHEMA_LIST)
		cmp_list(c, s, l, r);
	else
		cmp_map(c, s, l, r);
}

/* Compare old l with new r (either may be NULL for "no object"). */
static void compare(cmp *c, cf_arena *a, const cf_schema *s, const cf_node *l,
    const cf_node *r)
{
	memset(c, 0, sizeof(*c));
	c->w.a = a;
	c->w.stack = cf_arena_alloc(a, SSA_MAX_DEPTH * sizeof(*c->w.stack));
	c->added = fs_new(a);
	c->modified = fs_new(a);
	c->removed = fs_new(a);
	/* Built-in roots are structs; on create the old object is the
	 * kind's zero value, not nothing. */
	c->typed = s && s->kind == CF_SCHEMA_MAP &&
	    (s->flags & CF_SCHEMA_F_STRUCT);
	if (c->typed && !l)
		l = &empty_map;
	cmp_value(c, s, l, r);
}

/* ---- managedFields entries -------------------------------------------------- */

#define SSA_MAX_UPDATERS 10

/*
 * One managedFields entry while we work on it. Strings are borrowed from
 * the request, the options or the arena; only set and time change.
 */
typedef struct mgr {
	const char *manager, *operation, *api_version, *subresource, *time;
	cf_fieldset *set;
	const char *id; /* the manager identifier JSON, for ordering */
} mgr;

typedef struct mgrs {
	mgr *v;
	size_t n, alloc;
} mgrs;

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Apply entries are keyed without apiVersion and never capped. */
static bool is_apply(const mgr *m)
{
	return !strcmp(nz(m->operation), "Apply");
}

/*
 * The apiserver names a manager by its entry's JSON with time, fields and
 * (for appliers) apiVersion left out; those strings order managers in
 * conflict messages and in the Update cap.
 */
static const char *mgr_id(cf_arena *a, const mgr *m)
{
	cf_buf b = CF_BUF_INIT;
	const char *sep = "";
	char *out;

	cf_buf_addch(&b, '{');
#define FIELD(name, val)                                               \
	if (*nz(val)) {                                                \
		cf_buf_addf(&b, "%s\"" name "\":", sep);               \
		cf_buf_add_json_str(&b, (val), strlen(val));          \
		sep = ",";                                             \
	}
	FIELD("manager", m->manager);
	FIELD("operation", m->operation);
	if (!is_apply(m))
		FIELD("apiVersion", m->api_version);
	FIELD("subresource", m->subresource);
#undef FIELD
	cf_buf_addch(&b, '}');
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/* Append a copy of m (with its identifier). Pointers into ms->v are
 * invalidated, so callers add before they hold on to an entry. */
static mgr *mgrs_add(cf_arena *a, mgrs *ms, const mgr *m)
{
	if (ms->n == ms->alloc) {
		size_t n = ms->alloc ? ms->alloc * 2 : 8;
		mgr *v = cf_arena_alloc(a, n * sizeof(*v));

		if (ms->n)
			memcpy(v, ms->v, ms->n * sizeof(*v));
		ms->v = v;
		ms->alloc = n;
	}
	ms->v[ms->n] = *m;
	ms->v[ms->n].id = mgr_id(a, m);
	return &ms->v[ms->n++];
}

/* The entry with identifier id, or NULL. */
static mgr *mgrs_find(mgrs *ms, const char *id)
{
	for (size_t i = 0; i < ms->n; i++)
		if (!strcmp(ms->v[i].id, id))
			return &ms->v[i];
	return NULL;
}

static const char *str_at(cf_arena *a, const cf_node *n, const char *key)
{
	const char *s = cf_node_getp_str(n, key, NULL);

	return s ? cf_arena_strdup(a, s) : NULL;
}

/* Decode metadata.managedFields; a later entry with the same identity
 * replaces an earlier one, as the apiserver's map does. */
static int mgrs_decode(mgrs *out, cf_arena *a, const cf_node *list)
{
	memset(out, 0, sizeof(*out));
	if (!list || list->type == CF_NODE_NULL)
		return 0;
	if (!cf_node_is(list, CF_NODE_SEQ))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "metadata.managedFields must be a list");
	for (uint32_t i = 0; i < list->len; i++) {
		const cf_node *e = list->v.items[i];
		const char *ft = cf_node_getp_str(e, "fieldsType", NULL);
		mgr m = { 0 }, *old;
		int error;

		if (!cf_node_is(e, CF_NODE_MAP))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "metadata.managedFields[%u] must be an object", i);
		if (!ft)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "missing fieldsType in managed fields entry %u", i);
		if (strcmp(ft, "FieldsV1"))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "invalid fieldsType \"%s\" in managed fields entry %u",
			    ft, i);
		error = cf_fieldset_decode(&m.set, a, cf_node_get(e, "fieldsV1"));
		if (error < 0)
			return cf_error_wrap("metadata.managedFields[%u].fieldsV1", i);
		m.manager = str_at(a, e, "manager");
		m.operation = str_at(a, e, "operation");
		m.api_version = str_at(a, e, "apiVersion");
		m.subresource = str_at(a, e, "subresource");
		m.time = str_at(a, e, "time");
		if ((old = mgrs_find(out, mgr_id(a, &m))))
			*old = (mgr){ m.manager, m.operation, m.api_version,
				m.subresource, m.time, m.set, old->id };
		else
			mgrs_add(a, out, &m);
	}
	return 0;
}

/* The server's managedFields order (§3.2): operation (Apply < Update),
 * time, manager, apiVersion, subresource. */
static int entry_cmp(const void *x, const void *y)
{
	const mgr *p = x, *q = y;
	int c;

	if ((c = strcmp(nz(p->operation), nz(q->operation))))
		return c;
	/* RFC 3339 seconds in UTC order as text; no time sorts first. */
	if ((c = strcmp(nz(p->time), nz(q->time))))
		return c;
	if ((c = strcmp(nz(p->manager), nz(q->manager))))
		return c;
	if ((c = strcmp(nz(p->api_version), nz(q->api_version))))
		return c;
	return strcmp(nz(p->subresource), nz(q->subresource));
}

/* The managedFields list: empty sets dropped, sorted as the server does. */
static cf_node *mgrs_encode(cf_arena *a, mgrs *ms)
{
	cf_node *list = cf_node_seq(a);

	if (ms->n > 1)
		qsort(ms->v, ms->n, sizeof(*ms->v), entry_cmp);
	for (size_t i = 0; i < ms->n; i++) {
		const mgr *m = &ms->v[i];
		cf_node *e;

		if (cf_fieldset_empty(m->set))
			continue;
		/* Key order is metav1.ManagedFieldsEntry's field order. */
		e = cf_node_map(a);
		if (*nz(m->manager))
			cf_node_set(a, e, "manager", cf_node_str(a, m->manager));
		if (*nz(m->operation))
			cf_node_set(a, e, "operation", cf_node_str(a, m->operation));
		if (*nz(m->api_version))
			cf_node_set(a, e, "apiVersion",
			    cf_node_str(a, m->api_version));
		if (*nz(m->time))
			cf_node_set(a, e, "time", cf_node_str(a, m->time));
		cf_node_set(a, e, "fieldsType", cf_node_str(a, "FieldsV1"));
		cf_node_set(a, e, "fieldsV1", cf_fieldset_encode(a, m->set));
		if (*nz(m->subresource))
			cf_node_set(a, e, "subresource",
			    cf_node_str(a, m->subresource));
		cf_node_push(a, list, e);
	}
	return list;
}

/* Oldest first; ties broken by identifier so the cap is deterministic. */
static int cap_cmp(const void *x, const void *y)
{
	const mgr *p = *(const mgr *const *)x, *q = *(const mgr *const *)y;
	int c = strcmp(nz(p->time), nz(q->time));

	return c ? c : strcmp(p->id, q->id);
}

/*
 * At most SSA_MAX_UPDATERS Update entries: the oldest are folded, per
 * apiVersion, into an "ancient-changes" entry. The first old entry of a
 * version only becomes the bucket once a second one joins it.
 */
static void mgrs_cap(cf_arena *a, mgrs *ms)
{
	mgr **up = cf_arena_alloc(a, (ms->n + 1) * sizeof(*up));
	size_t nup = 0, length;
	struct { const char *version; mgr *first; mgr *bucket; } *seen;
	size_t nseen = 0;

	for (size_t i = 0; i < ms->n; i++)
		if (!is_apply(&ms->v[i]) && !cf_fieldset_empty(ms->v[i].set))
			up[nup++] = &ms->v[i];
	/* Entries emptied by this write are dropped anyway; not counted. */
	if (nup <= SSA_MAX_UPDATERS)
		return;
	qsort(up, nup, sizeof(*up), cap_cmp);
	seen = cf_arena_zalloc(a, nup * sizeof(*seen));
	length = nup;
	for (size_t i = 0; i < nup && length > SSA_MAX_UPDATERS; i++) {
		mgr *m = up[i];
		size_t k;

		for (k = 0; k < nseen; k++)
			if (!strcmp(seen[k].version, nz(m->api_version)))
				break;
		if (k == nseen) {
			seen[nseen].version = nz(m->api_version);
			seen[nseen++].first = m;
			continue;
		}
		if (!seen[k].bucket) {
			/* The first entry of this version becomes the bucket. */
			mgr *f = seen[k].first;

			f->manager = "ancient-changes";
			f->operation = "Update";
			f->subresource = NULL;
			f->id = mgr_id(a, f);
			seen[k].bucket = f;
		}
		seen[k].bucket->set = fs_combine(a, seen[k].bucket->set, m->set,
		    FS_UNION);
		seen[k].bucket->time = m->time;
		m->set = fs_new(a); /* dropped when encoding */
		length--;
	}
}

/* ---- filters: never-recorded and ignored paths ------------------------------- */

static const char *const strip_meta[] = {
	"name", "namespace", "uid", "resourceVersion", "generation",
	"creationTimestamp", "selfLink", "managedFields", "clusterName",
};

/* Paths the server never records (§3.2), as a set to subtract. */
static cf_fieldset *strip_set(cf_arena *a)
{
	cf_fieldset *s = fs_new(a), *md;
	pe p = { .kind = PE_FIELD };

	p.name = "apiVersion";
	fs_child(a, s, &p)->member = true;
	p.name = "kind";
	fs_child(a, s, &p)->member = true;
	p.name = "metadata";
	md = fs_child(a, s, &p);
	md->member = true;
	for (size_t i = 0; i < CF_ARRAY_SIZE(strip_meta); i++) {
		p.name = strip_meta[i];
		fs_child(a, md, &p)->member = true;
	}
	return s;
}

/* Is top-level field name reset by this endpoint (§2.3, §3.4)? */
static bool ignored_top(const cf_ssa_opts *o, const char *name)
{
	if (o->subresource && !strcmp(o->subresource, "status"))
		return strcmp(name, "status") != 0;
	if (o->subresource && *o->subresource)
		return false;
	return o->status_subresource && !strcmp(name, "status");
}

/* s without the endpoint's ignored top-level fields (recursively). */
static cf_fieldset *filter_ignored(cf_arena *a, const cf_fieldset *s,
    const cf_ssa_opts *o)
{
	cf_fieldset *r = fs_copy(a, s);
	uint32_t k = 0;

	/* Reset fields are all top-level, so dropping children of the root
	 * is enough (SMD's RecursiveDifference with such a filter). */
	for (uint32_t i = 0; i < r->n; i++)
		if (!(r->c[i].pe.kind == PE_FIELD && ignored_top(o, r->c[i].pe.name)))
			r->c[k++] = r->c[i];
	r->n = k;
	return r;
}

/* The object without managedFields, as a fresh copy (NULL: {}). */
/* Objects are compared without managedFields: otherwise every write would
 * see its own bookkeeping as a change. */
static cf_node *without_mf(cf_arena *a, const cf_node *obj)
{
	cf_node *c = obj ? cf_node_dup(a, obj) : cf_node_map(a);

	cf_node_del(cf_node_get(c, "metadata"), "managedFields");
	return c;
}

/* Store the encoded entries in obj, or remove the field when none are
 * left (an object whose managers all lost their fields is untracked). */
static void set_mf(cf_arena *a, cf_node *obj, mgrs *ms)
{
	cf_node *list = mgrs_encode(a, ms);
	cf_node *md;

	if (!list->len) {
		cf_node_del(cf_node_get(obj, "metadata"), "managedFields");
		return;
	}
	md = cf_node_set_map(a, obj, "metadata");
	cf_node_set(a, md, "managedFields", list);
}

/* ---- prune: fields the applier stopped applying (§3.6) ---------------------- */

/* Every field-name node in s becomes a member (SMD's
 * EnsureNamedFieldsAreMembers), so a struct left empty goes too. */
static void named_members(cf_fieldset *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		if (s->c[i].pe.kind == PE_FIELD)
			s->c[i].set->member = true;
		named_members(s->c[i].set);
	}
}

/* Index of the item of list v matching p, or -1. */
/* Items are found by path element, so removal works on keyed lists and
 * sets regardless of where the item sits now. */
static int list_find(cf_arena *a, const cf_schema *s, const cf_node *v,
    const pe *p)
{
	const char *why;

	for (uint32_t i = 0; i < v->len; i++) {
		pe q;

		if (!item_pe(&q, a, s, v->v.items[i], i, &why) && !pe_cmp(&q, p))
			return (int)i;
	}
	return -1;
}

/*
 * Remove from v the paths in rm, except where owned (the union of every
 * manager's set at this level) still holds something at or below the
 * path: then descend and remove only what is unowned inside. Children are
 * visited last to first so list indexes stay valid while removing.
 */
static void prune_walk(cf_arena *a, const cf_schema *s, cf_node *v,
    const cf_fieldset *rm, const cf_fieldset *owned)
{
	for (uint32_t i = rm->n; i-- > 0;) {
		const pe *p = &rm->c[i].pe;
		const cf_fieldset *sub = rm->c[i].set;
		const cf_fieldset *own = fs_find(owned, p, NULL);
		const cf_schema *cs;
		cf_node *child;
		int at = -1;

		if (cf_node_is(v, CF_NODE_MAP) && p->kind == PE_FIELD) {
			cs = cf_schema_child(s, p->name, NULL);
			child = cf_node_get(v, p->name);
		} else if (cf_node_is(v, CF_NODE_SEQ) && p->kind != PE_FIELD) {
			cs = cf_schema_item(s);
			at = list_find(a, s, v, p);
			child = at >= 0 ? v->v.items[at] : NULL;
		} else {
			continue;
		}
		if (!child)
			continue;
		/* Nobody else owns it or anything inside it: it goes. */
		if (sub->member && !fs_any(own)) {
			if (at >= 0)
				cf_node_remove(v, (size_t)at);
			else
				cf_node_del(v, p->name);
			continue;
		}
		prune_walk(a, cs, child, sub, own);
	}
}

/*
 * §3.6: what the applier owned last time but no longer applies, and that
 * no manager (the applier's new set included) owns, leaves the object.
 * Never-recorded paths (metadata, name ...) are never candidates.
 */
static void prune(cf_arena *a, const cf_schema *s, cf_node *merged,
    const cf_fieldset *last, mgrs *ms)
{
	cf_fieldset *owned = fs_new(a), *rm;

	if (cf_fieldset_empty(last))
		return;
	for (size_t i = 0; i < ms->n; i++)
		owned = fs_combine(a, owned, ms->v[i].set, FS_UNION);
	rm = fs_copy(a, last);
	named_members(rm);
	rm = fs_combine(a, rm, strip_set(a), FS_DIFF);
	rm = fs_combine(a, rm, owned, FS_DIFF);
	prune_walk(a, s, merged, rm, owned);
}

/* ---- conflicts (§3.5) ----------------------------------------------------- */

/* The apiserver's printManager: "flux", or "flux" using apps/v1 for Update
 * managers, with the subresource when there is one. */
static const char *mgr_desc(cf_arena *a, const mgr *m)
{
	cf_buf b = CF_BUF_INIT;
	char *out;

	go_quote(&b, nz(m->manager), strlen(nz(m->manager)));
	if (*nz(m->subresource)) {
		cf_buf_adds(&b, " with subresource ");
		go_quote(&b, m->subresource, strlen(m->subresource));
	}
	if (!is_apply(m))
		cf_buf_addf(&b, " using %s", nz(m->api_version));
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/* Collects the causes of one manager while its conflict set is walked. */
typedef struct conflict_acc {
	cf_arena *a;
	cf_ssa_result *res;
	size_t alloc;
	const char *desc;
} conflict_acc;

static void add_conflict(const pe *const *path, size_t n, void *payload)
{
	conflict_acc *acc = payload;
	cf_ssa_result *r = acc->res;
	cf_buf b = CF_BUF_INIT;

	if (r->nconflicts == acc->alloc) {
		size_t na = acc->alloc ? acc->alloc * 2 : 8;
		cf_ssa_conflict *v = cf_arena_alloc(acc->a, na * sizeof(*v));

		if (r->nconflicts)
			memcpy(v, r->conflicts, r->nconflicts * sizeof(*v));
		r->conflicts = v;
		acc->alloc = na;
	}
	path_str(&b, path, n);
	r->conflicts[r->nconflicts].field = cf_arena_strndup(acc->a, b.buf, b.len);
	r->conflicts[r->nconflicts].message = cf_arena_printf(acc->a,
	    "conflict with %s", acc->desc);
	r->nconflicts++;
	cf_buf_release(&b);
}

/* Managers in identifier (JSON) order, as Go sorts them by string. */
static int id_cmp(const void *x, const void *y)
{
	const mgr *p = *(const mgr *const *)x, *q = *(const mgr *const *)y;

	return strcmp(p->id, q->id);
}

/*
 * Fill out's causes and message from the per-manager conflict sets
 * (sets[i] belongs to ms->v[i]). Managers print in identifier order, each
 * one's paths in set order, as getConflictMessage does.
 */
static int conflict_error(cf_ssa_result *out, cf_arena *a, mgrs *ms,
    cf_fieldset **sets)
{
	const mgr **order = cf_arena_alloc(a, (ms->n + 1) * sizeof(*order));
	conflict_acc acc = { .a = a, .res = out };
	cf_buf msg = CF_BUF_INIT;
	size_t n = 0;

	/* The caller returns right after, so the entries' sets can be
	 * replaced by their conflict sets to sort and walk them together. */
	for (size_t i = 0; i < ms->n; i++) {
		if (sets[i]) {
			ms->v[i].set = sets[i];
			order[n++] = &ms->v[i];
		}
	}
	qsort(order, n, sizeof(*order), id_cmp);
	for (size_t i = 0; i < n; i++) {
		size_t first = out->nconflicts;

		acc.desc = mgr_desc(a, order[i]);
		fs_each(order[i]->set, add_conflict, &acc);
		if (i)
			cf_buf_addch(&msg, '\n');
		cf_buf_addf(&msg, "conflicts with %s:", acc.desc);
		for (size_t k = first; k < out->nconflicts; k++)
			cf_buf_addf(&msg, "\n- %s", out->conflicts[k].field);
	}
	/* One conflict reads as one sentence; several are grouped. */
	if (out->nconflicts == 1)
		out->message = cf_arena_printf(a, "Apply failed with 1 conflict: "
		    "%s: %s", out->conflicts[0].message, out->conflicts[0].field);
	else
		out->message = cf_arena_printf(a, "Apply failed with %zu "
		    "conflicts: %s", out->nconflicts, msg.buf);
	cf_buf_release(&msg);
	return cf_error_setc(CF_ECONFLICT, CF_ERR_KUBE, "%s", out->message);
}

/* ---- kubectl's client-side apply migration (§3.5) ------------------------- */

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

/*
 * Fields kubectl may take without a conflict: those in its last-applied
 * annotation whose live value still equals the annotation's. NULL when the
 * object has no usable annotation.
 */
static cf_fieldset *allowed_from_last_applied(cf_arena *a, const cf_schema *s,
    const cf_node *live0)
{
	const char *la = cf_node_getp_str(live0, "metadata", "annotations",
	    LAST_APPLIED, NULL);
	cf_node *obj;
	cf_fieldset *set;
	cmp c;

	if (!la || !*la || json_read(&obj, a, la, strlen(la)) ||
	    !cf_node_is(obj, CF_NODE_MAP))
		return NULL;
	if (cf_ssa_fieldset(&set, a, s, obj) < 0) {
		cf_error_clear();
		return NULL;
	}
	compare(&c, a, s, obj, live0);
	return fs_combine(a, set, c.modified, FS_DIFF);
}

/* After a successful apply by "kubectl" on an object that carries the
 * annotation, the annotation follows the applied config (sorted JSON plus
 * a newline, without the annotation itself), as lastAppliedUpdater does. */
static void update_last_applied(cf_arena *a, cf_node *merged,
    const cf_node *config)
{
	cf_node *ann = cf_node_getp(merged, "metadata", "annotations", NULL);
	cf_node *c = cf_node_dup(a, config), *cann;
	cf_buf b = CF_BUF_INIT;

	if (!cf_node_get(ann, LAST_APPLIED))
		return;
	cann = cf_node_getp(c, "metadata", "annotations", NULL);
	cf_node_del(cann, LAST_APPLIED);
	if (cann && !cf_node_count(cann))
		cf_node_del(cf_node_get(c, "metadata"), "annotations");
	/* Go marshals unstructured maps in key order. */
	if (cf_json_write(&b, c, CF_JSON_SORTED) < 0) {
		cf_buf_release(&b);
		return;
	}
	cf_buf_addch(&b, '\n');
	cf_node_set(a, ann, LAST_APPLIED, cf_node_strn(a, b.buf, b.len));
	cf_buf_release(&b);
	/* Past the 256 KiB annotations limit the annotation is dropped
	 * rather than failing the apply. */
	{
		size_t total = 0;

		for (uint32_t i = 0; i < ann->len; i++)
			total += ann->v.pairs[i].klen +
			    (cf_node_is(ann->v.pairs[i].val, CF_NODE_STR)
				? ann->v.pairs[i].val->len : 0);
		if (total > 256 * 1024)
			cf_node_del(ann, LAST_APPLIED);
		if (!ann->len)
			cf_node_del(cf_node_get(merged, "metadata"), "annotations");
	}
}

/* ---- apply (§3.4-3.7) ------------------------------------------------------ */

/* What a write changed, as the server counts it for ownership:
 * added and modified paths, minus the endpoint's reset fields. */
static cf_fieldset *changed_set(cf_arena *a, const cmp *c,
    const cf_ssa_opts *o)
{
	return filter_ignored(a, fs_combine(a, c->added, c->modified, FS_UNION), o);
}

/* An object that existed before managedFields: its current fields all go
 * to "before-first-apply" (§3.2). */
static void before_first_apply(cf_arena *a, const cf_schema *s, mgrs *ms,
    const cf_node *live0, const cf_ssa_opts *o)
{
	cmp c;
	mgr m = { .manager = "before-first-apply", .operation = "Update" };

	/* An Update from nothing to live: every field is new. */
	compare(&c, a, s, NULL, live0);
	m.set = fs_combine(a, changed_set(a, &c, o), strip_set(a), FS_DIFF);
	if (cf_fieldset_empty(m.set))
		return;
	m.api_version = o->api_version;
	m.subresource = o->subresource && *o->subresource ? o->subresource : NULL;
	m.time = o->now;
	mgrs_add(a, ms, &m);
}

/* The checks of the apply body that belong to SSA itself (§3.1); the
 * apiVersion/kind/name checks are the server's. */
static int apply_check(const cf_node *config)
{
	if (!cf_node_is(config, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "apply configuration must be an object");
	if (cf_node_getp(config, "metadata", "managedFields", NULL))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "metadata.managedFields must be nil");
	return 0;
}

int cf_ssa_apply(cf_ssa_result *out, cf_arena *a, const cf_schema *s,
    const cf_node *live, const cf_node *config, const cf_ssa_opts *opts)
{
	cf_node *live0, *cfg, *merged;
	cf_fieldset *cfgset, *last, *changed, **conflicts;
	mgr self = { .operation = "Apply" }, *me;
	mgrs ms;
	cmp c;
	bool any = false;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = apply_check(config)) < 0)
		return error;
	/* Step 1: the live object without its managedFields, and those. */
	live0 = without_mf(a, live);
	if ((error = mgrs_decode(&ms, a, cf_node_getp(live, "metadata",
	    "managedFields", NULL))) < 0)
		return cf_error_wrap("failed to decode managed fields");
	if (live && !ms.n)
		before_first_apply(a, s, &ms, live0, opts);

	/* Step 2: what the applier claims, minus the endpoint's reset fields,
	 * which are not merged either. */
	if ((error = cf_ssa_fieldset(&cfgset, a, s, config)) < 0)
		return error;
	cfgset = filter_ignored(a, cfgset, opts);
	cfg = cf_node_dup(a, config);
	for (uint32_t i = cfg->len; i-- > 0;)
		if (ignored_top(opts, cfg->v.pairs[i].key))
			cf_node_del(cfg, cfg->v.pairs[i].key);
	merged = merge_value(a, s, live0, cfg);

	/* Step 3: the applier's new set replaces its last one; fields it
	 * dropped and nobody else owns leave the object. */
	self.manager = opts->manager;
	self.subresource = opts->subresource && *opts->subresource
	    ? opts->subresource : NULL;
	self.id = mgr_id(a, &self);
	me = mgrs_find(&ms, self.id);
	last = me ? me->set : NULL;
	if (!me)
		me = mgrs_add(a, &ms, &self);
	me->set = cfgset;
	me->api_version = opts->api_version;
	prune(a, s, merged, last, &ms);

	/* Step 4: conflicts are other managers' fields whose value changes. */
	compare(&c, a, s, live0, merged);
	changed = changed_set(a, &c, opts);
	conflicts = cf_arena_zalloc(a, (ms.n + 1) * sizeof(*conflicts));
	for (size_t i = 0; i < ms.n; i++) {
		cf_fieldset *x;

		if (&ms.v[i] == me)
			continue;
		x = fs_combine(a, ms.v[i].set, changed, FS_INTERSECT);
		if (!cf_fieldset_empty(x)) {
			conflicts[i] = x;
			any = true;
		}
	}
	if (any && !opts->force && !strcmp(nz(opts->manager), "kubectl")) {
		/* kubectl may take what it last applied client-side; only the
		 * remaining conflicts are reported (else it is a forced apply). */
		cf_fieldset *ok = allowed_from_last_applied(a, s, live0);
		cf_fieldset **left = cf_arena_zalloc(a, (ms.n + 1) * sizeof(*left));

		any = false;
		for (size_t i = 0; i < ms.n; i++) {
			if (!conflicts[i])
				continue;
			left[i] = ok ? fs_combine(a, conflicts[i], ok, FS_DIFF)
				     : conflicts[i];
			if (cf_fieldset_empty(left[i]))
				left[i] = NULL;
			else
				any = true;
		}
		if (any)
			return conflict_error(out, a, &ms, left);
	}
	if (any && !opts->force)
		return conflict_error(out, a, &ms, conflicts);

	/* Step 5: forced fields and removed fields leave the others. */
	for (size_t i = 0; i < ms.n; i++) {
		if (&ms.v[i] == me)
			continue;
		if (conflicts[i])
			ms.v[i].set = fs_combine(a, ms.v[i].set, conflicts[i],
			    FS_DIFF);
		ms.v[i].set = fs_combine(a, ms.v[i].set,
		    filter_ignored(a, c.removed, opts), FS_DIFF);
	}
	for (size_t i = 0; i < ms.n; i++)
		ms.v[i].set = fs_combine(a, ms.v[i].set, strip_set(a), FS_DIFF);

	/* Step 6: the entry's time moves only when the object changed. */
	out->changed = !cf_node_equal(live0, merged);
	if (out->changed)
		me->time = opts->now;
	mgrs_cap(a, &ms);
	if (!strcmp(nz(opts->manager), "kubectl")) {
		update_last_applied(a, merged, config);
		out->changed = !cf_node_equal(live0, merged);
	}
	set_mf(a, merged, &ms);
	out->obj = merged;
	return 0;
}

/* ---- update (§3.2, §3.4) ---------------------------------------------------- */

/* [{}] (every entry empty) is the documented way to reset tracking. */
static bool mf_is_reset(const cf_node *mf)
{
	if (!cf_node_is(mf, CF_NODE_SEQ) || !mf->len)
		return false;
	for (uint32_t i = 0; i < mf->len; i++)
		if (!is_empty_map(mf->v.items[i]))
			return false;
	return true;
}

/*
 * Which managedFields an Update starts from: the request's own list when it
 * is non-empty and valid (and not a subresource write), else the stored
 * one. Returns 1 when the request reset tracking.
 */
static int update_managers(mgrs *ms, cf_arena *a, const cf_node *req_mf,
    const cf_node *old, const cf_ssa_opts *o)
{
	bool sub = o->subresource && *o->subresource;

	if (!sub && mf_is_reset(req_mf)) {
		memset(ms, 0, sizeof(*ms));
		return 1;
	}
	if (!sub && cf_node_is(req_mf, CF_NODE_SEQ) && req_mf->len &&
	    mgrs_decode(ms, a, req_mf) == 0 && ms->n)
		return 0;
	/* A bad request list is not an error: clients that do not
	 * understand managedFields must not be able to break them. */
	cf_error_clear();
	return mgrs_decode(ms, a, cf_node_getp(old, "metadata", "managedFields",
	    NULL));
}

int cf_ssa_update(cf_node *new_obj, cf_arena *a, const cf_schema *s,
    const cf_node *old_obj, const cf_ssa_opts *opts)
{
	const cf_node *req_mf = cf_node_getp(new_obj, "metadata", "managedFields",
	    NULL);
	bool create = !old_obj || !cf_node_getp_str(old_obj, "metadata", "uid",
	    NULL);
	cf_fieldset *cur;
	cf_node *old0;
	mgr self = { .operation = "Update" }, *me;
	mgrs ms;
	cmp c;
	int reset;

	if (!cf_node_is(new_obj, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "object must be a map");
	reset = update_managers(&ms, a, req_mf, old_obj, opts);
	cf_node_del(cf_node_get(new_obj, "metadata"), "managedFields");
	if (reset < 0) {
		/* Undecodable stored managedFields: drop them, as the
		 * apiserver's UpdateNoErrors does, rather than fail the write. */
		cf_error_clear();
		return 0;
	}
	/* An existing object without managedFields is not tracked until its
	 * first apply. */
	if (!ms.n && !create && !reset)
		return 0;

	old0 = without_mf(a, old_obj);
	compare(&c, a, s, old0, new_obj);
	cur = changed_set(a, &c, opts);

	/* Updates are forced: what this write changed or removed leaves
	 * every entry (the writer's own included; it gets them back below). */
	for (size_t i = 0; i < ms.n; i++) {
		ms.v[i].set = fs_combine(a, ms.v[i].set, cur, FS_DIFF);
		ms.v[i].set = fs_combine(a, ms.v[i].set,
		    filter_ignored(a, c.removed, opts), FS_DIFF);
	}
	self.manager = opts->manager;
	self.api_version = opts->api_version;
	self.subresource = opts->subresource && *opts->subresource
	    ? opts->subresource : NULL;
	self.id = mgr_id(a, &self);
	cur = fs_combine(a, cur, strip_set(a), FS_DIFF);
	if (!cf_fieldset_empty(cur)) {
		if (!(me = mgrs_find(&ms, self.id)))
			me = mgrs_add(a, &ms, &self);
		me->set = fs_combine(a, me->set, cur, FS_UNION);
		me->time = opts->now;
	}
	for (size_t i = 0; i < ms.n; i++)
		ms.v[i].set = fs_combine(a, ms.v[i].set, strip_set(a), FS_DIFF);
	mgrs_cap(a, &ms);
	set_mf(a, new_obj, &ms);
	return 0;
}
