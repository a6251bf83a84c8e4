/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRD validation, naming, printer columns and the compiled structural
 * schema. Messages follow apimachinery's field.Error rendering
 * ("<field>: <Type>: <value>: <detail>") and kube-openapi's validator
 * wording ("spec.x in body must be of type integer: \"string\""), because
 * kubectl prints them verbatim and users search for them.
 */
#include "kube/crd.h"
#include "core/json.h"

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "kube/validate.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Causes and value rendering                                          */
/* ------------------------------------------------------------------ */

/* Causes are appended to an arena array that doubles as needed: the list
 * lives exactly as long as the request that produced it, so nothing is
 * ever freed one by one. Strings are copied because most callers build
 * them in scratch buffers. */
static void causes_push(cf_crd_causes *c, const cf_crd_cause *src)
{
	cf_crd_cause *d;

	if (c->len == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 8;
		cf_crd_cause *v = cf_arena_alloc(c->arena, n * sizeof(*v));

		if (c->len)
			memcpy(v, c->v, c->len * sizeof(*v));
		c->v = v;
		c->alloc = n;
	}
	d = &c->v[c->len++];
	d->reason = src->reason;
	d->field = cf_arena_strdup(c->arena, src->field);
	d->message = cf_arena_strdup(c->arena, src->message);
	d->value = src->value ? cf_arena_strdup(c->arena, src->value) : NULL;
	d->detail = src->detail ? cf_arena_strdup(c->arena, src->detail) : NULL;
}

const char *cf_crd_cause_str(const cf_crd_causes *c, size_t i)
{
	if (i >= c->len)
		return NULL;
	return cf_arena_printf(c->arena, "%s: %s", c->v[i].field,
	    c->v[i].message);
}

void cf_crd_causes_to_errs(cf_arena *a, cf_field_errs *out,
    const cf_crd_causes *in)
{
	static const struct { const char *reason; enum cf_field_err_type t; }
	    map[] = {
		{ "FieldValueRequired", CF_FIELD_REQUIRED },
		{ "FieldValueDuplicate", CF_FIELD_DUPLICATE },
		{ "FieldValueInvalid", CF_FIELD_INVALID },
		{ "FieldValueNotSupported", CF_FIELD_NOT_SUPPORTED },
		{ "FieldValueForbidden", CF_FIELD_FORBIDDEN },
		{ "FieldValueTooLong", CF_FIELD_TOO_LONG },
		{ "FieldValueTooMany", CF_FIELD_TOO_MANY },
		{ "FieldValueTypeInvalid", CF_FIELD_TYPE_INVALID },
	};

	for (size_t i = 0; i < in->len; i++) {
		const cf_crd_cause *c = &in->v[i];
		enum cf_field_err_type t = CF_FIELD_INTERNAL;

		for (size_t k = 0; k < CF_ARRAY_SIZE(map); k++)
			if (!strcmp(c->reason, map[k].reason))
				t = map[k].t;
		cf_field_errs_add(a, out, t, c->field, c->value, c->detail);
	}
}

/* Same growth rule as causes_push, for unknown-field paths. */
static void strs_push(cf_crd_strs *l, const char *s)
{
	if (l->len == l->alloc) {
		size_t n = l->alloc ? l->alloc * 2 : 8;
		const char **v = cf_arena_alloc(l->arena, n * sizeof(*v));

		if (l->len)
			memcpy(v, l->v, l->len * sizeof(*v));
		l->v = v;
		l->alloc = n;
	}
	l->v[l->len++] = cf_arena_strdup(l->arena, s);
}

/* Go's %q for the strings we print: quotes, backslash escapes for quotes,
 * backslashes and control bytes; other bytes (UTF-8) are kept. */
static void add_quoted(cf_buf *b, const char *s, size_t n)
{
	cf_buf_addch(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '"': cf_buf_adds(b, "\\\""); break;
		case '\\': cf_buf_adds(b, "\\\\"); break;
		case '\n': cf_buf_adds(b, "\\n"); break;
		case '\t': cf_buf_adds(b, "\\t"); break;
		case '\r': cf_buf_adds(b, "\\r"); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				cf_buf_addf(b, "\\x%02x", ch);
			else
				cf_buf_addch(b, (char)ch);
		}
	}
	cf_buf_addch(b, '"');
}

/* Go's %v for a float64: the shortest text that reads back to the same
 * value, exponent form only for very large or small magnitudes. */
static void add_float(cf_buf *b, double f)
{
	char tmp[40];

	if (isnan(f)) {
		cf_buf_adds(b, "NaN");
		return;
	}
	if (isinf(f)) {
		cf_buf_adds(b, f > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (f == floor(f) && fabs(f) < 1e21) {
		snprintf(tmp, sizeof(tmp), "%.0f", f);
		cf_buf_adds(b, tmp);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, f);
		if (strtod(tmp, NULL) == f)
			break;
	}
	cf_buf_adds(b, tmp);
}

/* Compact JSON with sorted keys: what json.Marshal prints for a decoded
 * map[string]interface{}, as Go's field errors show composite values. */
static void add_json(cf_buf *b, const cf_node *n)
{
	size_t start = b->len;

	if (cf_json_write(b, n, CF_JSON_SORTED) < 0) {
		cf_buf_truncate(b, start);
		cf_buf_adds(b, "null"); /* NaN or Inf deep inside: unprintable */
	}
}

/* A field.Error bad value: Go prints numbers and bools with %v, strings
 * with %q and anything else as JSON. */
static void add_value(cf_buf *b, const cf_node *n)
{
	if (n && n->type == CF_NODE_STR)
		add_quoted(b, n->v.s, n->len);
	else if (n && n->type == CF_NODE_FLOAT && !n->num)
		add_float(b, n->v.f);
	else
		add_json(b, n);
}

/* Append a cause whose message is "<Label>[: <value>][: <detail>]". */
/* The value and the detail are also kept apart so the causes can be handed
 * to the shared field-error list (validate.h) without reparsing. */
static void cause_val(cf_crd_causes *out, const char *reason, const char *label,
    const char *field, const cf_node *value, const char *vstr,
    const char *detail)
{
	cf_buf b = CF_BUF_INIT, v = CF_BUF_INIT;
	cf_crd_cause c = { reason, field, NULL, NULL, NULL };

	if (value)
		add_value(&v, value);
	else if (vstr)
		add_quoted(&v, vstr, strlen(vstr));
	cf_buf_adds(&b, label);
	if (value || vstr) {
		cf_buf_adds(&b, ": ");
		cf_buf_add(&b, v.buf, v.len);
		c.value = v.buf;
	}
	if (detail && *detail) {
		cf_buf_adds(&b, ": ");
		cf_buf_adds(&b, detail);
		c.detail = detail;
	}
	c.message = b.buf;
	causes_push(out, &c);
	cf_buf_release(&b);
	cf_buf_release(&v);
}

static void cause_required(cf_crd_causes *out, const char *field,
    const char *detail)
{
	cause_val(out, "FieldValueRequired", "Required value", field, NULL, NULL,
	    detail);
}

static void cause_forbidden(cf_crd_causes *out, const char *field,
    const char *detail)
{
	cause_val(out, "FieldValueForbidden", "Forbidden", field, NULL, NULL,
	    detail);
}

static void cause_invalid(cf_crd_causes *out, const char *field,
    const cf_node *value, const char *detail)
{
	cause_val(out, "FieldValueInvalid", "Invalid value", field, value, NULL,
	    detail);
}

static void cause_invalid_s(cf_crd_causes *out, const char *field,
    const char *value, const char *detail)
{
	cause_val(out, "FieldValueInvalid", "Invalid value", field, NULL,
	    value ? value : "", detail);
}

/* field.NotSupported: `Unsupported value: "x": supported values: "a", "b"`. */
static void cause_unsupported(cf_crd_causes *out, const char *field,
    const cf_node *value, const char *vstr, const char *const *allowed,
    size_t n)
{
	cf_buf d = CF_BUF_INIT;

	cf_buf_adds(&d, "supported values: ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			cf_buf_adds(&d, ", ");
		add_quoted(&d, allowed[i], strlen(allowed[i]));
	}
	cause_val(out, "FieldValueNotSupported", "Unsupported value", field,
	    value, vstr, d.buf);
	cf_buf_release(&d);
}

/* Callers get 0 or CF_EINVALID; the first new cause doubles as the error
 * message, which is what a one-line log or a test wants to see. */
static int causes_result(const cf_crd_causes *out, size_t before)
{
	if (out->len == before)
		return 0;
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "%s: %s",
	    out->v[before].field, out->v[before].message);
}

/* ------------------------------------------------------------------ */
/* Paths                                                               */
/* ------------------------------------------------------------------ */

/* Paths are built in one buffer while walking: push a segment, recurse,
 * truncate back. Causes copy the text only when something fails. */
/* Each path_* helper returns the length before the push: pass it to
 * cf_buf_truncate to pop the segment again. */
static size_t path_key(cf_buf *p, const char *key)
{
	size_t mark = p->len;

	if (p->len)
		cf_buf_addch(p, '.');
	cf_buf_adds(p, key);
	return mark;
}

static size_t path_index(cf_buf *p, size_t i)
{
	size_t mark = p->len;

	cf_buf_addf(p, "[%zu]", i);
	return mark;
}

/* field.Path.Key: "properties[spec]". */
static size_t path_sub(cf_buf *p, const char *child, const char *key)
{
	size_t mark = path_key(p, child);

	cf_buf_addf(p, "[%s]", key);
	return mark;
}

/* "<path>.<child>" for a one-off cause field. The result lives in a
 * per-thread buffer that the next call overwrites: cause constructors
 * copy it at once, so no caller keeps it. */
static const char *path_plus(cf_buf *p, const char *child)
{
	static _Thread_local char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s%s", p->buf, p->len ? "." : "", child);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Compiled schema                                                     */
/* ------------------------------------------------------------------ */

/*
 * A schema is compiled into a tree of snodes once per CRD change and then
 * shared, read-only, by every request (and thread) that touches the CRD's
 * objects. Lookups that happen per field (properties) are sorted arrays
 * searched with bsearch; patterns are compiled once with PCRE2; defaults and
 * enums are copied into the schema's own arena so the CRD object can be
 * freed or replaced while the compiled schema is still in use.
 */
enum {
	T_OBJECT = 1 << 0,
	T_ARRAY = 1 << 1,
	T_STRING = 1 << 2,
	T_INTEGER = 1 << 3,
	T_NUMBER = 1 << 4,
	T_BOOLEAN = 1 << 5,
};

enum { LIST_ATOMIC = 0, LIST_SET, LIST_MAP };

struct snode;

struct sprop {
	const char *name;
	struct snode *s;
};

struct snode {
	const char *type; /* as declared; "" when absent */
	unsigned tmask;   /* 0: any type */
	bool nullable, preserve, embedded, int_or_string;
	bool unique;
	struct sprop *props; /* sorted by name */
	size_t n_props;
	struct snode *addl;  /* additionalProperties schema */
	bool addl_any;       /* additionalProperties: true */
	struct snode *items;
	const cf_node *def;   /* default value */
	const cf_node *enums; /* sequence */
	pcre2_code *re;
	pcre2_match_context *mctx; /* the schema's, shared */
	const char *pattern;
	const char *format;
	const cf_node *minimum, *maximum;
	bool excl_min, excl_max;
	int64_t min_len, max_len, min_items, max_items, min_props, max_props;
	const char **required;
	size_t n_required;
	int list_type;
	const char **map_keys;
	size_t n_map_keys;
	struct snode **all_of, **any_of, **one_of, *not_;
	size_t n_all_of, n_any_of, n_one_of;
};

/* The arena owns every snode, string and copied value, and (through a
 * deferred cleanup) the PCRE2 codes, so cf_crd_schema_free is one call. */
struct cf_crd_schema {
	cf_arena arena;
	struct snode *root;
	pcre2_match_context *mctx; /* created with the first pattern */
};

/*
 * Go's regexp (RE2) matches in linear time; PCRE2 backtracks, so a CRD
 * author's pathological pattern could pin a server thread on every create.
 * Cap the work per match well above anything a sane pattern needs on a
 * field value; a match that hits the cap counts as not matching.
 */
#define CF_CRD_MATCH_LIMIT 1000000
#define CF_CRD_DEPTH_LIMIT 10000

static void free_mctx(void *p)
{
	pcre2_match_context_free((pcre2_match_context *)p);
}

static void free_code(void *p)
{
	pcre2_code_free((pcre2_code *)p);
}

static unsigned type_mask(const char *t)
{
	static const struct { const char *n; unsigned m; } tab[] = {
		{ "object", T_OBJECT }, { "array", T_ARRAY },
		{ "string", T_STRING }, { "integer", T_INTEGER },
		{ "number", T_NUMBER }, { "boolean", T_BOOLEAN },
	};

	for (size_t i = 0; i < CF_ARRAY_SIZE(tab); i++)
		if (!strcmp(t, tab[i].n))
			return tab[i].m;
	return 0;
}

/* A non-negative count keyword (maxLength, minItems, …); -1 when the
 * schema does not set it, so 0 stays a real bound. */
static int64_t get_count(const cf_node *s, const char *key)
{
	int64_t v;

	if (!cf_node_as_int(cf_node_get(s, key), &v))
		return -1;
	return v;
}

/* Extensions are booleans; anything else (a string "true") counts as
 * unset, as Go's typed decoding would refuse it earlier. */
static bool get_bool(const cf_node *s, const char *key)
{
	const cf_node *n = cf_node_get(s, key);

	return cf_node_is(n, CF_NODE_BOOL) && n->v.b;
}

static int sprop_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sprop *)x)->name,
	    ((const struct sprop *)y)->name);
}

/* The strings of a sequence (required, list-map keys), copied; non-string
 * items are skipped rather than failing the whole schema. */
static const char **str_list(cf_arena *a, const cf_node *seq, size_t *n)
{
	size_t cnt = cf_node_is(seq, CF_NODE_SEQ) ? seq->len : 0;
	const char **v = cf_arena_zalloc(a, (cnt + 1) * sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < cnt; i++) {
		const char *s = cf_node_as_str(seq->v.items[i]);

		if (s)
			v[(*n)++] = cf_arena_strdup(a, s);
	}
	return v;
}

static int compile_node(cf_crd_schema *sc, struct snode **out, const cf_node *s,
    cf_buf *path);

/* allOf/anyOf/oneOf members: compiled like any node, used only to validate
 * (a structural schema may not add fields or types through them). */
static int compile_list(cf_crd_schema *sc, struct snode ***out, size_t *n,
    const cf_node *seq, cf_buf *path, const char *name)
{
	size_t cnt = cf_node_is(seq, CF_NODE_SEQ) ? seq->len : 0;
	int error = 0;

	*out = cf_arena_zalloc(&sc->arena, (cnt + 1) * sizeof(**out));
	*n = cnt;
	for (size_t i = 0; i < cnt && !error; i++) {
		size_t mark = path_key(path, name);

		path_index(path, i);
		error = compile_node(sc, &(*out)[i], seq->v.items[i], path);
		cf_buf_truncate(path, mark);
	}
	return error;
}

/* Compile one schema node and its children. Only the keywords that change
 * pruning, defaulting or validation are kept. */
static int compile_node(cf_crd_schema *sc, struct snode **out, const cf_node *s,
    cf_buf *path)
{
	cf_arena *a = &sc->arena;
	struct snode *n = CF_ARENA_NEW(a, struct snode);
	const cf_node *v;
	const char *str;
	int error = 0;

	*out = n;
	str = cf_node_getp_str(s, "type", NULL);
	n->type = cf_arena_strdup(a, str ? str : "");
	n->tmask = str ? type_mask(str) : 0;
	n->nullable = get_bool(s, "nullable");
	n->preserve = get_bool(s, "x-kubernetes-preserve-unknown-fields");
	n->embedded = get_bool(s, "x-kubernetes-embedded-resource");
	n->int_or_string = get_bool(s, "x-kubernetes-int-or-string");
	n->unique = get_bool(s, "uniqueItems");
	n->min_len = get_count(s, "minLength");
	n->max_len = get_count(s, "maxLength");
	n->min_items = get_count(s, "minItems");
	n->max_items = get_count(s, "maxItems");
	n->min_props = get_count(s, "minProperties");
	n->max_props = get_count(s, "maxProperties");
	n->excl_min = get_bool(s, "exclusiveMinimum");
	n->excl_max = get_bool(s, "exclusiveMaximum");
	if ((v = cf_node_get(s, "minimum")))
		n->minimum = cf_node_dup(a, v);
	if ((v = cf_node_get(s, "maximum")))
		n->maximum = cf_node_dup(a, v);
	if ((v = cf_node_get(s, "default")))
		n->def = cf_node_dup(a, v);
	if (cf_node_is(v = cf_node_get(s, "enum"), CF_NODE_SEQ))
		n->enums = cf_node_dup(a, v);
	if ((str = cf_node_getp_str(s, "format", NULL)))
		n->format = cf_arena_strdup(a, str);
	n->required = str_list(a, cf_node_get(s, "required"), &n->n_required);
	str = cf_node_getp_str(s, "x-kubernetes-list-type", NULL);
	n->list_type = !str ? LIST_ATOMIC : !strcmp(str, "set") ? LIST_SET :
	    !strcmp(str, "map") ? LIST_MAP : LIST_ATOMIC;
	n->map_keys = str_list(a, cf_node_get(s, "x-kubernetes-list-map-keys"),
	    &n->n_map_keys);

	if ((str = cf_node_getp_str(s, "pattern", NULL))) {
		int ec;
		PCRE2_SIZE off;

		n->pattern = cf_arena_strdup(a, str);
		n->re = pcre2_compile((PCRE2_SPTR)str, PCRE2_ZERO_TERMINATED,
		    PCRE2_UTF, &ec, &off, NULL);
		if (!n->re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "%s: invalid pattern '%s': %s",
			    path_plus(path, "pattern"), str, (char *)msg);
		}
		cf_arena_defer(a, free_code, n->re);
		if (!sc->mctx) {
			sc->mctx = pcre2_match_context_create(NULL);
			if (!sc->mctx)
				CF_BUG("out of memory creating a PCRE2 context");
			pcre2_set_match_limit(sc->mctx, CF_CRD_MATCH_LIMIT);
			pcre2_set_depth_limit(sc->mctx, CF_CRD_DEPTH_LIMIT);
			cf_arena_defer(a, free_mctx, sc->mctx);
		}
		n->mctx = sc->mctx;
	}

	v = cf_node_get(s, "properties");
	if (cf_node_is(v, CF_NODE_MAP) && v->len) {
		n->props = cf_arena_zalloc(a, v->len * sizeof(*n->props));
		for (uint32_t i = 0; i < v->len && !error; i++) {
			size_t mark = path_sub(path, "properties", v->v.pairs[i].key);

			n->props[i].name = cf_arena_strdup(a, v->v.pairs[i].key);
			error = compile_node(sc, &n->props[i].s, v->v.pairs[i].val,
			    path);
			cf_buf_truncate(path, mark);
		}
		n->n_props = v->len;
		qsort(n->props, n->n_props, sizeof(*n->props), sprop_cmp);
	}
	v = cf_node_get(s, "additionalProperties");
	if (cf_node_is(v, CF_NODE_MAP) && !error) {
		size_t mark = path_key(path, "additionalProperties");

		error = compile_node(sc, &n->addl, v, path);
		cf_buf_truncate(path, mark);
	} else if (cf_node_is(v, CF_NODE_BOOL) && v->v.b) {
		n->addl_any = true;
	}
	v = cf_node_get(s, "items");
	if (cf_node_is(v, CF_NODE_MAP) && !error) {
		size_t mark = path_key(path, "items");

		error = compile_node(sc, &n->items, v, path);
		cf_buf_truncate(path, mark);
	}
	if (!error)
		error = compile_list(sc, &n->all_of, &n->n_all_of,
		    cf_node_get(s, "allOf"), path, "allOf");
	if (!error)
		error = compile_list(sc, &n->any_of, &n->n_any_of,
		    cf_node_get(s, "anyOf"), path, "anyOf");
	if (!error)
		error = compile_list(sc, &n->one_of, &n->n_one_of,
		    cf_node_get(s, "oneOf"), path, "oneOf");
	v = cf_node_get(s, "not");
	if (cf_node_is(v, CF_NODE_MAP) && !error) {
		size_t mark = path_key(path, "not");

		error = compile_node(sc, &n->not_, v, path);
		cf_buf_truncate(path, mark);
	}
	return error;
}

/* Compile errors name the schema path ("openAPIV3Schema.properties[a]
 * .pattern"), the same spelling the CRD validator uses. */
int cf_crd_schema_compile(cf_crd_schema **out, const cf_node *schema)
{
	cf_crd_schema *sc;
	cf_buf path = CF_BUF_INIT;
	int error;

	*out = NULL;
	if (!cf_node_is(schema, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "openAPIV3Schema: must be an object");
	sc = cf_xcalloc(1, sizeof(*sc));
	cf_buf_adds(&path, "openAPIV3Schema");
	error = compile_node(sc, &sc->root, schema, &path);
	cf_buf_release(&path);
	if (error < 0) {
		cf_crd_schema_free(sc);
		return error;
	}
	*out = sc;
	return 0;
}

void cf_crd_schema_free(cf_crd_schema *s)
{
	if (!s)
		return;
	cf_arena_release(&s->arena);
	free(s);
}

/* The schema of property key, or NULL. Called once per field of every
 * object processed, hence the sorted array. */
static struct snode *prop_find(const struct snode *n, const char *key)
{
	struct sprop k = { key, NULL }, *p;

	if (!n->n_props)
		return NULL;
	p = bsearch(&k, n->props, n->n_props, sizeof(k), sprop_cmp);
	return p ? p->s : NULL;
}

/* ------------------------------------------------------------------ */
/* Pruning                                                             */
/* ------------------------------------------------------------------ */

/* metav1.ObjectMeta's JSON fields: everything else under metadata is not
 * part of the type, so the real decoder drops (or, strict, reports) it. */
static const char *const objmeta_fields[] = {
	"annotations", "creationTimestamp", "deletionGracePeriodSeconds",
	"deletionTimestamp", "finalizers", "generateName", "generation",
	"labels", "managedFields", "name", "namespace", "ownerReferences",
	"resourceVersion", "selfLink", "uid",
};

static bool is_objmeta_field(const char *k)
{
	for (size_t i = 0; i < CF_ARRAY_SIZE(objmeta_fields); i++)
		if (!strcmp(k, objmeta_fields[i]))
			return true;
	return false;
}

/* Pruning walks the object and the schema side by side; the path is only
 * needed to name unknown fields for fieldValidation=Warn/Strict. */
struct prune_ctx {
	cf_crd_strs *unknown;
	cf_buf path;
};

static void note_unknown(struct prune_ctx *c, const char *key)
{
	if (!c->unknown)
		return;
	size_t mark = path_key(&c->path, key);
	strs_push(c->unknown, c->path.buf);
	cf_buf_truncate(&c->path, mark);
}

static void prune_value(struct prune_ctx *c, const struct snode *s,
    cf_node *v, bool resource_root);

/* metadata is typed (ObjectMeta) in the real server, never schema-driven:
 * keep ObjectMeta's fields whatever the CRD declares under metadata. */
static void prune_metadata(struct prune_ctx *c, cf_node *md)
{
	if (!cf_node_is(md, CF_NODE_MAP))
		return;
	for (uint32_t i = 0; i < md->len;) {
		const char *k = md->v.pairs[i].key;

		if (is_objmeta_field(k)) {
			i++;
			continue;
		}
		note_unknown(c, k);
		cf_node_del(md, k);
	}
}

/* One map: keys the schema declares recurse, keys covered by an
 * additionalProperties schema recurse with it, others are dropped unless
 * the node preserves unknown fields (or allows any additional property).
 * resource_root: the object is a whole resource (the root, or an embedded
 * resource), whose apiVersion/kind/metadata are always kept. */
static void prune_object(struct prune_ctx *c, const struct snode *s,
    cf_node *m, bool resource_root)
{
	for (uint32_t i = 0; i < m->len;) {
		const char *k = m->v.pairs[i].key;
		cf_node *val = m->v.pairs[i].val;
		const struct snode *ps = s ? prop_find(s, k) : NULL;
		size_t mark;

		if (resource_root && (!strcmp(k, "apiVersion") ||
		    !strcmp(k, "kind"))) {
			i++;
			continue;
		}
		if (resource_root && !strcmp(k, "metadata")) {
			mark = path_key(&c->path, k);
			prune_metadata(c, val);
			cf_buf_truncate(&c->path, mark);
			i++;
			continue;
		}
		if (!ps && s && s->addl)
			ps = s->addl;
		if (!ps && !(s && (s->preserve || s->addl_any))) {
			note_unknown(c, k);
			cf_node_del(m, k);
			continue;
		}
		mark = path_key(&c->path, k);
		prune_value(c, ps, val, false);
		cf_buf_truncate(&c->path, mark);
		i++;
	}
}

/* s may be NULL for values kept by preserve-unknown-fields: those are not
 * pruned further (Kubernetes keeps the whole unknown subtree). */
static void prune_value(struct prune_ctx *c, const struct snode *s,
    cf_node *v, bool resource_root)
{
	if (!s || !v)
		return;
	if (v->type == CF_NODE_MAP) {
		prune_object(c, s, v, resource_root || s->embedded);
	} else if (v->type == CF_NODE_SEQ && s->items) {
		for (uint32_t i = 0; i < v->len; i++) {
			size_t mark = path_index(&c->path, i);

			prune_value(c, s->items, v->v.items[i], false);
			cf_buf_truncate(&c->path, mark);
		}
	}
}

/* a is unused today (pruning only removes), and kept in the signature so
 * a future coercion step can allocate without an API change. */
void cf_crd_schema_prune(const cf_crd_schema *s, cf_arena *a, cf_node *obj,
    cf_crd_strs *unknown)
{
	struct prune_ctx c = { unknown, CF_BUF_INIT };

	(void)a;
	if (cf_node_is(obj, CF_NODE_MAP))
		prune_object(&c, s->root, obj, true);
	cf_buf_release(&c.path);
}

/* ------------------------------------------------------------------ */
/* Defaulting                                                          */
/* ------------------------------------------------------------------ */

/* Structural defaulting: top-down, so a defaulted parent (status: {}) is
 * itself defaulted further when its schema has nested defaults. Defaults
 * are deep-copied: the schema's copy is shared by every request. */
static void default_value(cf_arena *a, const struct snode *s, cf_node *v)
{
	if (!s || !v)
		return;
	if (v->type == CF_NODE_MAP) {
		/* Nulls first: a null in a non-nullable field is as good as
		 * absent, and gets the default below when there is one. */
		for (uint32_t i = 0; i < v->len;) {
			const struct snode *ps = prop_find(s, v->v.pairs[i].key);

			if (!ps)
				ps = s->addl;
			if (ps && !ps->nullable &&
			    cf_node_is(v->v.pairs[i].val, CF_NODE_NULL)) {
				cf_node_del(v, v->v.pairs[i].key);
				continue;
			}
			i++;
		}
		for (size_t i = 0; i < s->n_props; i++) {
			const struct sprop *p = &s->props[i];

			if (p->s->def && !cf_node_get(v, p->name))
				cf_node_set(a, v, p->name, cf_node_dup(a, p->s->def));
		}
		for (uint32_t i = 0; i < v->len; i++) {
			const struct snode *ps = prop_find(s, v->v.pairs[i].key);

			default_value(a, ps ? ps : s->addl, v->v.pairs[i].val);
		}
	} else if (v->type == CF_NODE_SEQ && s->items) {
		for (uint32_t i = 0; i < v->len; i++) {
			cf_node *it = v->v.items[i];

			/* A null item of a non-nullable list takes the default. */
			if (cf_node_is(it, CF_NODE_NULL) && !s->items->nullable &&
			    s->items->def)
				v->v.items[i] = it = cf_node_dup(a, s->items->def);
			default_value(a, s->items, it);
		}
	}
}

void cf_crd_schema_default(const cf_crd_schema *s, cf_arena *a, cf_node *obj)
{
	default_value(a, s->root, obj);
}

/* kube-apiserver lists every unknown field in one strict-decoding error,
 * in the order it met them, and warns once per field otherwise. */
int cf_crd_schema_decode(const cf_crd_schema *s, cf_arena *a, cf_node *obj,
    enum cf_crd_schema_unknown_mode mode, cf_crd_strs *warnings)
{
	cf_crd_strs unknown = CF_CRD_STRS_INIT(a);

	cf_crd_schema_prune(s, a, obj, mode == CF_CRD_SCHEMA_IGNORE ? NULL : &unknown);
	if (mode == CF_CRD_SCHEMA_STRICT && unknown.len) {
		cf_buf b = CF_BUF_INIT;
		int error;

		cf_buf_adds(&b, "strict decoding error: ");
		for (size_t i = 0; i < unknown.len; i++)
			cf_buf_addf(&b, "%sunknown field \"%s\"", i ? ", " : "",
			    unknown.v[i]);
		error = cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "%s", b.buf);
		cf_buf_release(&b);
		return error;
	}
	if (mode == CF_CRD_SCHEMA_WARN && warnings)
		for (size_t i = 0; i < unknown.len; i++)
			strs_push(warnings, cf_arena_printf(a,
			    "unknown field \"%s\"", unknown.v[i]));
	cf_crd_schema_default(s, a, obj);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* Validation state. out is NULL while probing the alternatives of a
 * junctor, where only the number of failures matters. */
struct val_ctx {
	cf_crd_causes *out; /* NULL: only count failures (anyOf probing) */
	size_t fails;
	cf_buf path;
	const cf_node *old; /* ratcheting: the old value correlated with the
	                     * one being validated, or NULL */
	bool ratchet;
};

static const char *data_type(const cf_node *v)
{
	switch (v->type) {
	case CF_NODE_NULL: return "null";
	case CF_NODE_BOOL: return "boolean";
	case CF_NODE_INT: return "integer";
	case CF_NODE_FLOAT: return "number";
	case CF_NODE_STR: return "string";
	case CF_NODE_SEQ: return "array";
	default: return "object";
	}
}

/* The name kube-openapi puts into its messages: the path, or "." at the
 * root (the field path then stays the parent's). */
static const char *vname(struct val_ctx *c)
{
	return c->path.len ? c->path.buf : ".";
}

static void vfail(struct val_ctx *c, const char *reason, const char *label,
    const cf_node *value, const char *vstr, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void vfail(struct val_ctx *c, const char *reason, const char *label,
    const cf_node *value, const char *vstr, const char *fmt, ...)
{
	char *detail = NULL;
	va_list ap;

	c->fails++;
	if (!c->out)
		return;
	if (fmt) {
		va_start(ap, fmt);
		detail = cf_arena_vprintf(c->out->arena, fmt, ap);
		va_end(ap);
	}
	cause_val(c->out, reason, label, c->path.len ? c->path.buf : "<nil>",
	    value, vstr, detail);
}

/* Bounds are compared as doubles, like kube-openapi does for mixed
 * int/float values; CRD bounds are small enough for this to be exact. */
static double num_val(const cf_node *n)
{
	if (n->type == CF_NODE_FLOAT)
		return n->v.f;
	if (n->flags & CF_NODE_F_UINT)
		return (double)n->v.u;
	return (double)n->v.i;
}

static bool is_number(const cf_node *n)
{
	return n && (n->type == CF_NODE_INT || n->type == CF_NODE_FLOAT);
}

/* A JSON 2.0 decodes as float64 in Go and still passes type: integer. */
static bool float_is_int(const cf_node *v)
{
	return v->type == CF_NODE_FLOAT && isfinite(v->v.f) &&
	    v->v.f == floor(v->v.f);
}

/* Whether v has one of the node's types. int-or-string behaves like the
 * type list ["integer","string"] the server turns it into. */
static bool type_ok(const struct snode *s, const cf_node *v)
{
	unsigned m = s->tmask;

	if (s->int_or_string)
		return v->type == CF_NODE_INT || v->type == CF_NODE_STR ||
		    float_is_int(v);
	if (!m)
		return true;
	switch (v->type) {
	case CF_NODE_MAP: return m & T_OBJECT;
	case CF_NODE_SEQ: return m & T_ARRAY;
	case CF_NODE_STR: return m & T_STRING;
	case CF_NODE_BOOL: return m & T_BOOLEAN;
	case CF_NODE_INT: return m & (T_INTEGER | T_NUMBER);
	case CF_NODE_FLOAT:
		return (m & T_NUMBER) || ((m & T_INTEGER) && float_is_int(v));
	default: return false;
	}
}

/* Number of UTF-8 code points: Go's utf8.RuneCountInString, which is what
 * kube-openapi compares against minLength/maxLength. */
static size_t rune_count(const char *s, size_t n)
{
	size_t r = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			r++;
	return r;
}

static bool is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* RFC 3339 date-time as strfmt accepts it: date, 'T' or 't' (or space),
 * time with optional fraction, then Z or ±hh:mm. */
static bool valid_datetime(const char *s)
{
	size_t n = strlen(s), i = 19;

	if (n < 20 || !is_digits(s, 4) || s[4] != '-' || !is_digits(s + 5, 2) ||
	    s[7] != '-' || !is_digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !is_digits(s + 11, 2) || s[13] != ':' || !is_digits(s + 14, 2) ||
	    s[16] != ':' || !is_digits(s + 17, 2))
		return false;
	if (s[i] == '.') {
		size_t j = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == j)
			return false;
	}
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
		return true;
	return (s[i] == '+' || s[i] == '-') && n - i == 6 &&
	    is_digits(s + i + 1, 2) && s[i + 3] == ':' && is_digits(s + i + 4, 2);
}

static bool valid_date(const char *s)
{
	return strlen(s) == 10 && is_digits(s, 4) && s[4] == '-' &&
	    is_digits(s + 5, 2) && s[7] == '-' && is_digits(s + 8, 2);
}

static void validate_value(struct val_ctx *c, const struct snode *s,
    const cf_node *v);

/* minimum/maximum with the OpenAPI v3.0 boolean exclusive flags. The bound
 * is printed with Go's %v (2.5, 10), as the message quotes it. */
static void validate_number(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	cf_buf b = CF_BUF_INIT;

	if (s->maximum && is_number(s->maximum)) {
		double x = num_val(v), mx = num_val(s->maximum);

		if (s->excl_max ? x >= mx : x > mx) {
			add_float(&b, mx);
			vfail(c, "FieldValueInvalid", "Invalid value", v, NULL,
			    "%s in body should be less than %s%s", vname(c),
			    s->excl_max ? "" : "or equal to ", b.buf);
		}
	}
	cf_buf_reset(&b);
	if (s->minimum && is_number(s->minimum)) {
		double x = num_val(v), mn = num_val(s->minimum);

		if (s->excl_min ? x <= mn : x < mn) {
			add_float(&b, mn);
			vfail(c, "FieldValueInvalid", "Invalid value", v, NULL,
			    "%s in body should be greater than %s%s", vname(c),
			    s->excl_min ? "" : "or equal to ", b.buf);
		}
	}
	cf_buf_release(&b);
}

/* Lengths in runes, pattern (unanchored, as Go's regexp.MatchString),
 * and the formats the server checks that Flux CRDs use. maxLength maps to
 * field.TooLong, whose message never repeats the value. */
static void validate_string(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	size_t runes = rune_count(v->v.s, v->len);

	if (s->max_len >= 0 && runes > (size_t)s->max_len)
		vfail(c, "FieldValueTooLong", "Too long", NULL, NULL,
		    "may not be more than %lld %s", (long long)s->max_len,
		    s->max_len == 1 ? "byte" : "bytes");
	if (s->min_len >= 0 && runes < (size_t)s->min_len)
		vfail(c, "FieldValueInvalid", "Invalid value", v, NULL,
		    "%s in body should be at least %lld chars long", vname(c),
		    (long long)s->min_len);
	if (s->re) {
		pcre2_match_data *md = pcre2_match_data_create_from_pattern(s->re,
		    NULL);
		int rc = pcre2_match(s->re, (PCRE2_SPTR)v->v.s, v->len, 0, 0, md,
		    s->mctx);

		pcre2_match_data_free(md);
		if (rc < 0)
			vfail(c, "FieldValueInvalid", "Invalid value", v, NULL,
			    "%s in body should match '%s'", vname(c), s->pattern);
	}
	if (s->format) {
		bool ok = true;

		if (!strcmp(s->format, "date-time"))
			ok = valid_datetime(v->v.s);
		else if (!strcmp(s->format, "date"))
			ok = valid_date(v->v.s);
		if (!ok)
			vfail(c, "FieldValueTypeInvalid", "Invalid value", v, NULL,
			    "%s in body must be of type %s: \"%s\"", vname(c),
			    s->format, v->v.s);
	}
}

/* Enum membership by JSON value equality (1 equals 1.0, as in Go after
 * decoding both into interface{}). */
static bool enum_ok(const struct snode *s, const cf_node *v)
{
	for (uint32_t i = 0; i < s->enums->len; i++)
		if (cf_node_equal(s->enums->v.items[i], v))
			return true;
	return false;
}

/* field.NotSupported lists string members bare and others as JSON. */
static void fail_enum(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	const char **allowed;
	cf_arena tmp = CF_ARENA_INIT;

	c->fails++;
	if (!c->out)
		return;
	allowed = cf_arena_alloc(&tmp, (s->enums->len + 1) * sizeof(*allowed));
	for (uint32_t i = 0; i < s->enums->len; i++) {
		const cf_node *e = s->enums->v.items[i];

		if (e->type == CF_NODE_STR) {
			allowed[i] = e->v.s;
		} else {
			cf_buf b = CF_BUF_INIT;

			add_json(&b, e);
			allowed[i] = cf_arena_strdup(&tmp, b.buf);
			cf_buf_release(&b);
		}
	}
	cause_unsupported(c->out, c->path.len ? c->path.buf : "<nil>", v, NULL,
	    allowed, s->enums->len);
	cf_arena_release(&tmp);
}

/* cf_node_equal with absent values allowed (absent == absent). */
static bool node_eq(const cf_node *x, const cf_node *y)
{
	if (!x || !y)
		return x == y;
	return cf_node_equal(x, y);
}

/* x-kubernetes-list-type set (items unique) and map (items unique by the
 * list-map keys). Quadratic, but lists in CRs are short and the server
 * caps request size; this is not a hot path worth a hash table. */
static void validate_list_type(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	for (uint32_t i = 1; i < v->len; i++) {
		const cf_node *it = v->v.items[i];
		bool dup = false, seen_twice = false;

		for (uint32_t j = 0; j < i; j++) {
			const cf_node *o = v->v.items[j];
			bool same;

			if (s->list_type == LIST_SET) {
				same = cf_node_equal(o, it);
			} else {
				same = true;
				for (size_t k = 0; k < s->n_map_keys && same; k++)
					same = node_eq(cf_node_get(o, s->map_keys[k]),
					    cf_node_get(it, s->map_keys[k]));
			}
			if (same) {
				/* Report only the first repeat of a value, as
				 * the real validator does. */
				if (dup)
					seen_twice = true;
				dup = true;
			}
		}
		if (dup && !seen_twice) {
			size_t mark = path_index(&c->path, i);

			vfail(c, "FieldValueDuplicate", "Duplicate value", it, NULL,
			    NULL);
			cf_buf_truncate(&c->path, mark);
		}
	}
}

/* Array bounds, then each item (paths "[i]"), then list-type rules,
 * the order in which the server reports them. */
/* Ratcheting correlates list items only for list-type map, by their keys;
 * items of atomic lists and sets have no identity across an update. */
static const cf_node *correlate_item(const struct snode *s, const cf_node *old,
    const cf_node *item)
{
	if (!old || s->list_type != LIST_MAP || !cf_node_is(old, CF_NODE_SEQ) ||
	    !cf_node_is(item, CF_NODE_MAP))
		return NULL;
	for (uint32_t i = 0; i < old->len; i++) {
		const cf_node *o = old->v.items[i];
		bool same = cf_node_is(o, CF_NODE_MAP);

		for (size_t k = 0; k < s->n_map_keys && same; k++)
			same = node_eq(cf_node_get(o, s->map_keys[k]),
			    cf_node_get(item, s->map_keys[k]));
		if (same)
			return o;
	}
	return NULL;
}

static void validate_array(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	cf_node count = { .type = CF_NODE_INT };

	count.v.i = v->len;
	if (s->max_items >= 0 && v->len > s->max_items)
		vfail(c, "FieldValueTooMany", "Too many", &count, NULL,
		    "must have at most %lld %s", (long long)s->max_items,
		    s->max_items == 1 ? "item" : "items");
	if (s->min_items >= 0 && v->len < s->min_items)
		vfail(c, "FieldValueInvalid", "Invalid value", &count, NULL,
		    "%s in body should have at least %lld items", vname(c),
		    (long long)s->min_items);
	if (s->unique) {
		bool dup = false;

		for (uint32_t i = 0; i < v->len && !dup; i++)
			for (uint32_t j = i + 1; j < v->len && !dup; j++)
				dup = cf_node_equal(v->v.items[i], v->v.items[j]);
		if (dup)
			vfail(c, "FieldValueInvalid", "Invalid value", NULL, "",
			    "%s in body shouldn't contain duplicates", vname(c));
	}
	if (s->items) {
		const cf_node *old = c->old;

		for (uint32_t i = 0; i < v->len; i++) {
			size_t mark = path_index(&c->path, i);

			c->old = correlate_item(s, old, v->v.items[i]);
			validate_value(c, s->items, v->v.items[i]);
			c->old = old;
			cf_buf_truncate(&c->path, mark);
		}
	}
	if (s->list_type != LIST_ATOMIC)
		validate_list_type(c, s, v);
}

static const char *dns1035_problems(cf_arena *a, const char *s);
static char *lower_dup(cf_arena *a, const char *s);

/* An x-kubernetes-embedded-resource object must say what it is: apiVersion
 * and kind are required strings (the server's ObjectMeta checks of the
 * embedded metadata are not repeated here). */
static void validate_embedded(struct val_ctx *c, const cf_node *v)
{
	static const char *const keys[] = { "apiVersion", "kind" };

	for (size_t i = 0; i < CF_ARRAY_SIZE(keys); i++) {
		const cf_node *f = cf_node_get(v, keys[i]);
		size_t mark = path_key(&c->path, keys[i]);

		if (!f) {
			vfail(c, "FieldValueRequired", "Required value", NULL, NULL,
			    NULL);
		} else if (f->type != CF_NODE_STR) {
			vfail(c, "FieldValueInvalid", "Invalid value", f, NULL,
			    "must be a string");
		} else if (!f->len) {
			vfail(c, "FieldValueInvalid", "Invalid value", f, NULL,
			    "must not be empty");
		} else if (i == 1 && c->out) {
			const char *p = dns1035_problems(c->out->arena,
			    lower_dup(c->out->arena, f->v.s));

			if (p)
				vfail(c, "FieldValueInvalid", "Invalid value", f,
				    NULL, "may have mixed case, but should "
				    "otherwise match: %s", p);
		}
		cf_buf_truncate(&c->path, mark);
	}
}

static void validate_meta_names(struct val_ctx *c, const struct snode *s,
    const cf_node *md)
{
	static const char *const keys[] = { "name", "generateName" };
	const cf_node *old = c->old ? cf_node_get(c->old, "metadata") : NULL;

	for (size_t i = 0; i < CF_ARRAY_SIZE(keys); i++) {
		const struct snode *ps = prop_find(s, keys[i]);
		const cf_node *val = cf_node_get(md, keys[i]);
		size_t mark;

		if (!ps || !val)
			continue;
		mark = path_key(&c->path, "metadata");
		path_key(&c->path, keys[i]);
		c->old = cf_node_get(old, keys[i]);
		validate_value(c, ps, val);
		c->old = old;
		cf_buf_truncate(&c->path, mark);
	}
}

/* Property counts, required keys, then each present property. Unknown
 * keys were pruned before validation runs, so they are skipped here. */
static void validate_object(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	cf_node tmp = { .type = CF_NODE_INT };
	const cf_node *old = cf_node_is(c->old, CF_NODE_MAP) ? c->old : NULL;

	tmp.v.i = v->len;
	if (s->max_props >= 0 && v->len > s->max_props)
		vfail(c, "FieldValueTooMany", "Too many", &tmp, NULL,
		    "must have at most %lld %s", (long long)s->max_props,
		    s->max_props == 1 ? "item" : "items");
	if (s->min_props >= 0 && v->len < s->min_props)
		vfail(c, "FieldValueInvalid", "Invalid value", &tmp, NULL,
		    "%s in body should have at least %lld properties", vname(c),
		    (long long)s->min_props);
	if (s->embedded && c->path.len)
		validate_embedded(c, v);
	for (size_t i = 0; i < s->n_required; i++)
		if (!cf_node_get(v, s->required[i])) {
			size_t mark = path_key(&c->path, s->required[i]);

			vfail(c, "FieldValueRequired", "Required value", NULL, NULL,
			    NULL);
			cf_buf_truncate(&c->path, mark);
		}
	for (uint32_t i = 0; i < v->len; i++) {
		const char *k = v->v.pairs[i].key;
		const struct snode *ps = prop_find(s, k);
		size_t mark;

		if (!ps)
			ps = s->addl;
		if (!ps)
			continue;
		/* Root metadata belongs to ObjectMeta validation, except that
		 * a CRD may constrain name and generateName further. */
		if (!c->path.len && !strcmp(k, "metadata")) {
			validate_meta_names(c, ps, v->v.pairs[i].val);
			continue;
		}
		mark = path_key(&c->path, k);
		c->old = old ? cf_node_get(old, k) : NULL;
		validate_value(c, ps, v->v.pairs[i].val);
		c->old = old;
		cf_buf_truncate(&c->path, mark);
	}
}

/* Validate v against one alternative of a junctor on the side: the causes
 * go to a scratch list (when the caller records causes at all) so the
 * caller decides which to keep. Returns the number of failures. */
static size_t probe(struct val_ctx *c, const struct snode *s, const cf_node *v,
    cf_crd_causes *scratch)
{
	struct val_ctx p = { scratch, 0, CF_BUF_INIT, NULL, false };

	cf_buf_add(&p.path, c->path.buf, c->path.len);
	validate_value(&p, s, v);
	cf_buf_release(&p.path);
	return p.fails;
}

static void merge_causes(struct val_ctx *c, const cf_crd_causes *from)
{
	c->fails += from ? from->len : 0;
	if (!c->out || !from)
		return;
	for (size_t i = 0; i < from->len; i++)
		causes_push(c->out, &from->v[i]);
}

/* anyOf, oneOf, allOf and not, in kube-openapi's order and with its
 * choice of which inner errors to show: for a failed anyOf/oneOf those of
 * the alternative that came closest (here: the fewest failures), for allOf
 * those of every failing member. */
static void validate_junctors(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	cf_arena tmp = CF_ARENA_INIT;
	cf_crd_causes *best = NULL;
	size_t ok = 0, best_fails = SIZE_MAX;

	for (size_t i = 0; i < s->n_any_of && !ok; i++) {
		cf_crd_causes *sc = CF_ARENA_NEW(&tmp, cf_crd_causes);
		size_t f;

		sc->arena = &tmp;
		f = probe(c, s->any_of[i], v, c->out ? sc : NULL);
		if (!f)
			ok = 1;
		else if (f < best_fails) {
			best_fails = f;
			best = sc;
		}
	}
	if (s->n_any_of && !ok) {
		vfail(c, "FieldValueInvalid", "Invalid value", NULL, "",
		    "\"%s\" must validate at least one schema (anyOf)", vname(c));
		merge_causes(c, best);
	}

	ok = 0;
	best = NULL;
	best_fails = SIZE_MAX;
	for (size_t i = 0; i < s->n_one_of; i++) {
		cf_crd_causes *sc = CF_ARENA_NEW(&tmp, cf_crd_causes);
		size_t f;

		sc->arena = &tmp;
		f = probe(c, s->one_of[i], v, c->out ? sc : NULL);
		if (!f)
			ok++;
		else if (f < best_fails) {
			best_fails = f;
			best = sc;
		}
	}
	if (s->n_one_of && ok != 1) {
		char found[64];

		if (ok)
			snprintf(found, sizeof(found),
			    "Found %zu valid alternatives", ok);
		else
			snprintf(found, sizeof(found), "Found none valid");
		vfail(c, "FieldValueInvalid", "Invalid value", NULL, "",
		    "\"%s\" must validate one and only one schema (oneOf). %s",
		    vname(c), found);
		if (!ok)
			merge_causes(c, best);
	}

	ok = 0;
	for (size_t i = 0; i < s->n_all_of; i++) {
		cf_crd_causes *sc = CF_ARENA_NEW(&tmp, cf_crd_causes);

		sc->arena = &tmp;
		if (!probe(c, s->all_of[i], v, c->out ? sc : NULL))
			ok++;
		else
			merge_causes(c, c->out ? sc : NULL);
	}
	if (ok < s->n_all_of)
		vfail(c, "FieldValueInvalid", "Invalid value", NULL, "",
		    "\"%s\" must validate all the schemas (allOf)%s", vname(c),
		    ok ? "" : ". None validated");

	if (s->not_ && !probe(c, s->not_, v, NULL))
		vfail(c, "FieldValueInvalid", "Invalid value", NULL, "",
		    "\"%s\" must not validate the schema (not)", vname(c));
	cf_arena_release(&tmp);
}

/* One value against one node: null handling, then type (a wrong type
 * stops further checks of that value, as in kube-openapi), then the
 * keyword checks of its kind, then the junctors. */
static void validate_value(struct val_ctx *c, const struct snode *s,
    const cf_node *v)
{
	if (!s || !v)
		return;
	/* Ratcheting (on by default since Kubernetes 1.30): a value an update
	 * leaves exactly as it was is not re-validated, so a CRD that
	 * tightens its schema does not lock existing objects. */
	if (c->ratchet && c->old && cf_node_equal(c->old, v))
		return;
	if (v->type == CF_NODE_NULL && (s->nullable || (!s->tmask &&
	    !s->int_or_string)))
		return;
	if (!type_ok(s, v)) {
		vfail(c, "FieldValueTypeInvalid", "Invalid value", NULL,
		    data_type(v), "%s in body must be of type %s: \"%s\"",
		    vname(c), s->int_or_string ? "integer,string" : s->type,
		    data_type(v));
		return;
	}
	if (s->enums && !enum_ok(s, v))
		fail_enum(c, s, v);
	if (is_number(v))
		validate_number(c, s, v);
	else if (v->type == CF_NODE_STR)
		validate_string(c, s, v);
	else if (v->type == CF_NODE_SEQ)
		validate_array(c, s, v);
	else if (v->type == CF_NODE_MAP)
		validate_object(c, s, v);
	validate_junctors(c, s, v);
}

int cf_crd_schema_validate(const cf_crd_schema *s, const cf_node *obj,
    cf_crd_causes *out)
{
	struct val_ctx c = { out, 0, CF_BUF_INIT, NULL, false };
	size_t before = out->len;

	validate_value(&c, s->root, obj);
	cf_buf_release(&c.path);
	return causes_result(out, before);
}

int cf_crd_schema_validate_update(const cf_crd_schema *s, const cf_node *obj,
    const cf_node *old, cf_crd_causes *out)
{
	struct val_ctx c = { out, 0, CF_BUF_INIT, old, old != NULL };
	size_t before = out->len;

	validate_value(&c, s->root, obj);
	cf_buf_release(&c.path);
	return causes_result(out, before);
}

/* ------------------------------------------------------------------ */
/* CRD object validation                                               */
/* ------------------------------------------------------------------ */

static const char dns1035_msg[] =
    "a DNS-1035 label must consist of lower case alphanumeric characters or "
    "'-', start with an alphabetic character, and end with an alphanumeric "
    "character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
    "'[a-z]([-a-z0-9]*[a-z0-9])?')";

static const char dns1123_sub_msg[] =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
    "characters, '-' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

static bool str_eq(const char *a, const char *b);

static bool is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* IsDNS1035Label's problems, joined with "," as the server joins them;
 * NULL when s is a valid label. */
static const char *dns1035_problems(cf_arena *a, const char *s)
{
	size_t n = strlen(s);
	bool ok = n > 0 && s[0] >= 'a' && s[0] <= 'z' && is_lower_alnum(s[n - 1]);
	const char *too_long = n > 63 ? "must be no more than 63 characters" : NULL;

	for (size_t i = 0; ok && i < n; i++)
		ok = is_lower_alnum(s[i]) || s[i] == '-';
	if (ok && !too_long)
		return NULL;
	if (!too_long)
		return dns1035_msg;
	if (ok)
		return too_long;
	return cf_arena_printf(a, "%s,%s", too_long, dns1035_msg);
}

static bool is_dns1123_subdomain(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == '.') {
			if (i == 0 || i + 1 == n || s[i - 1] == '.' ||
			    s[i - 1] == '-' || s[i + 1] == '-')
				return false;
		} else if (ch == '-') {
			if (i == 0 || i + 1 == n)
				return false;
		} else if (!is_lower_alnum(ch)) {
			return false;
		}
	}
	return true;
}

static char *lower_dup(cf_arena *a, const char *s)
{
	char *d = cf_arena_strdup(a, s);

	for (char *p = d; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return d;
}

struct crd_ctx {
	cf_crd_causes *out;
	cf_arena *a;
	cf_buf path;
};

/* spec.names: everything that becomes a URL segment or a kubectl
 * argument must be a DNS-1035 label; kinds may have mixed case. */
static void check_names(struct crd_ctx *c, const cf_node *names,
    const char *base)
{
	static const char *const req[] = { "plural", "singular", "kind",
		"listKind" };
	const char *kind = cf_node_getp_str(names, "kind", NULL);
	const char *list_kind = cf_node_getp_str(names, "listKind", NULL);
	const char *p;
	char *f;

	for (size_t i = 0; i < CF_ARRAY_SIZE(req); i++) {
		const char *v = cf_node_getp_str(names, req[i], NULL);

		f = cf_arena_printf(c->a, "%s.%s", base, req[i]);
		if (!v || !*v) {
			/* The server defaults singular from plural only in
			 * v1beta1; v1 requires it. */
			cause_required(c->out, f, NULL);
			continue;
		}
		if (i < 2) {
			if ((p = dns1035_problems(c->a, v)))
				cause_invalid_s(c->out, f, v, p);
		} else if ((p = dns1035_problems(c->a, lower_dup(c->a, v)))) {
			cause_invalid_s(c->out, f, v, cf_arena_printf(c->a,
			    "may have mixed case, but should otherwise match: %s",
			    p));
		}
	}
	for (size_t k = 0; k < 2; k++) {
		const char *key = k ? "categories" : "shortNames";
		const cf_node *seq = cf_node_get(names, key);

		for (size_t i = 0; i < cf_node_count(seq); i++) {
			const char *v = cf_node_as_str(cf_node_at(seq, i));

			if (!v || !(p = dns1035_problems(c->a, v)))
				continue;
			cause_invalid_s(c->out, cf_arena_printf(c->a,
			    "%s.%s[%zu]", base, key, i), v, p);
		}
	}
	if (kind && list_kind && *kind && !strcmp(kind, list_kind))
		cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.listKind",
		    base), list_kind, "kind and listKind may not be the same");
}

static bool has_key(const cf_node *m, const char *k)
{
	return cf_node_get(m, k) != NULL;
}

static bool seq_has_str(const cf_node *seq, const char *s)
{
	for (size_t i = 0; i < cf_node_count(seq); i++) {
		const char *v = cf_node_as_str(cf_node_at(seq, i));

		if (v && !strcmp(v, s))
			return true;
	}
	return false;
}

static void check_schema(struct crd_ctx *c, const cf_node *s, int where,
    bool in_junctor);

enum { AT_ROOT, AT_PROP, AT_ITEMS, AT_ADDL };

static void check_junctor_list(struct crd_ctx *c, const cf_node *s,
    const char *key)
{
	const cf_node *seq = cf_node_get(s, key);

	for (size_t i = 0; i < cf_node_count(seq); i++) {
		size_t mark = path_key(&c->path, key);

		path_index(&c->path, i);
		check_schema(c, cf_node_at(seq, i), AT_PROP, true);
		cf_buf_truncate(&c->path, mark);
	}
}

/* Fields a value validation (allOf/anyOf/oneOf/not) may not set: they
 * would change the structure rather than constrain values. */
static void check_junctor_node(struct crd_ctx *c, const cf_node *s)
{
	static const struct { const char *k, *msg; } tab[] = {
		{ "type", "must be empty to be structural" },
		{ "additionalProperties", "must be undefined to be structural" },
		{ "default", "must be undefined to be structural" },
		{ "title", "must be empty to be structural" },
		{ "description", "must be empty to be structural" },
		{ "nullable", "must be false to be structural" },
		{ "x-kubernetes-preserve-unknown-fields",
			"must be false to be structural" },
		{ "x-kubernetes-embedded-resource",
			"must be false to be structural" },
		{ "x-kubernetes-int-or-string", "must be false to be structural" },
		{ "x-kubernetes-list-map-keys", "must be empty to be structural" },
		{ "x-kubernetes-list-type", "must be undefined to be structural" },
		{ "x-kubernetes-map-type", "must be undefined to be structural" },
		{ "x-kubernetes-validations", "must be empty to be structural" },
	};

	for (size_t i = 0; i < CF_ARRAY_SIZE(tab); i++) {
		const cf_node *v = cf_node_get(s, tab[i].k);

		if (!v || (v->type == CF_NODE_BOOL && !v->v.b))
			continue;
		cause_forbidden(c->out, path_plus(&c->path, tab[i].k), tab[i].msg);
	}
}

/* List-type declarations must be usable by server-side apply: a map list
 * needs object items whose keys exist, are scalars in practice, and are
 * always present (required or defaulted) so items can be matched. */
static void check_list_type(struct crd_ctx *c, const cf_node *s,
    const char *type)
{
	const char *lt = cf_node_getp_str(s, "x-kubernetes-list-type", NULL);
	const cf_node *keys = cf_node_get(s, "x-kubernetes-list-map-keys");
	const cf_node *items = cf_node_get(s, "items");
	static const char *const list_types[] = { "atomic", "set", "map" };

	if (lt && strcmp(type, "array"))
		cause_invalid_s(c->out, path_plus(&c->path, "type"), type,
		    "must be array if x-kubernetes-list-type is specified");
	if (lt && strcmp(lt, "atomic") && strcmp(lt, "set") && strcmp(lt, "map"))
		cause_unsupported(c->out, path_plus(&c->path,
		    "x-kubernetes-list-type"), NULL, lt, list_types, 3);
	if (cf_node_count(keys) && (!lt || strcmp(lt, "map")))
		cause_required(c->out, path_plus(&c->path,
		    "x-kubernetes-list-type"),
		    "must be map if x-kubernetes-list-map-keys is non-empty");
	if (lt && !strcmp(lt, "set") && items) {
		const char *it = cf_node_getp_str(items, "x-kubernetes-list-type",
		    NULL);

		if (it && strcmp(it, "atomic"))
			cause_invalid_s(c->out, path_plus(&c->path,
			    "items.x-kubernetes-list-type"), it,
			    "must be atomic as item of a list with "
			    "x-kubernetes-list-type=set");
	}
	if (!lt || strcmp(lt, "map"))
		return;
	if (!cf_node_count(keys)) {
		cause_required(c->out, path_plus(&c->path,
		    "x-kubernetes-list-map-keys"),
		    "must not be empty if x-kubernetes-list-type is map");
		return;
	}
	if (!cf_node_is(items, CF_NODE_MAP)) {
		cause_required(c->out, path_plus(&c->path, "items"),
		    "must have a schema if x-kubernetes-list-type is map");
		return;
	}
	const cf_node *props = cf_node_get(items, "properties");
	const cf_node *req = cf_node_get(items, "required");

	for (size_t i = 0; i < cf_node_count(keys); i++) {
		const char *k = cf_node_as_str(cf_node_at(keys, i));
		const cf_node *p = k ? cf_node_get(props, k) : NULL;
		char *base;

		if (!p) {
			cause_invalid(c->out, path_plus(&c->path,
			    "x-kubernetes-list-map-keys"), keys,
			    "entries must all be names of item properties");
			return;
		}
		base = cf_arena_printf(c->a, "%s.items.properties[%s]",
		    c->path.buf, k);
		if (!seq_has_str(req, k) && !has_key(p, "default"))
			cause_required(c->out, cf_arena_printf(c->a, "%s.default",
			    base), "this property is in x-kubernetes-list-map-keys, "
			    "so it must have a default or be a required property");
		if (get_bool(p, "nullable"))
			cause_forbidden(c->out, cf_arena_printf(c->a, "%s.nullable",
			    base), "this property is in x-kubernetes-list-map-keys, "
			    "so it cannot be nullable");
	}
}

/* x-kubernetes-map-type and the shape of x-kubernetes-validations rules
 * (the rules themselves are CEL and are not compiled here). */
static void check_map_type_and_rules(struct crd_ctx *c, const cf_node *s,
    const char *type)
{
	static const char *const map_types[] = { "atomic", "granular" };
	const char *mt = cf_node_getp_str(s, "x-kubernetes-map-type", NULL);
	const cf_node *rules = cf_node_get(s, "x-kubernetes-validations");

	if (mt && !type)
		cause_required(c->out, path_plus(&c->path, "type"),
		    "must be object if x-kubernetes-map-type is specified");
	else if (mt && strcmp(type, "object"))
		cause_invalid_s(c->out, path_plus(&c->path, "type"), type,
		    "must be object if x-kubernetes-map-type is specified");
	if (mt && strcmp(mt, "atomic") && strcmp(mt, "granular"))
		cause_unsupported(c->out, path_plus(&c->path,
		    "x-kubernetes-map-type"), NULL, mt, map_types, 2);
	for (size_t i = 0; i < cf_node_count(rules); i++) {
		const cf_node *r = cf_node_at(rules, i);
		const char *rule = cf_node_getp_str(r, "rule", NULL);
		const char *msg = cf_node_getp_str(r, "message", NULL);
		char *base = cf_arena_printf(c->a, "%s[%zu]",
		    path_plus(&c->path, "x-kubernetes-validations"), i);

		if (!rule || !*rule)
			cause_required(c->out, cf_arena_printf(c->a, "%s.rule", base),
			    "rule is not specified");
		if (msg && !*msg)
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.message",
			    base), msg, "must be non-empty if specified");
		else if (msg && strchr(msg, '\n'))
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.message",
			    base), msg, "must not contain line breaks");
	}
}

/* The server owns metadata's shape; a CRD may only narrow name and
 * generateName (e.g. a maxLength), nothing else. */
static void check_root_metadata(struct crd_ctx *c, const cf_node *s)
{
	const cf_node *md = cf_node_getp(s, "properties", "metadata", NULL);
	const cf_node *props = cf_node_get(md, "properties");
	bool bad = false;

	if (!md)
		return;
	for (uint32_t i = 0; cf_node_is(props, CF_NODE_MAP) && i < props->len;
	    i++) {
		const char *k = props->v.pairs[i].key;

		if (strcmp(k, "name") && strcmp(k, "generateName"))
			bad = true;
	}
	if (has_key(md, "additionalProperties") || has_key(md, "required") ||
	    has_key(md, "allOf") || has_key(md, "anyOf") ||
	    has_key(md, "oneOf") || has_key(md, "not"))
		bad = true;
	if (bad)
		cause_forbidden(c->out, cf_arena_printf(c->a,
		    "%s.properties[metadata]", c->path.buf),
		    "must not specify anything other than name and "
		    "generateName, but metadata is implicitly specified");
}

/* The structural-schema rules of apiextensions validation, one node. */
/* where tells which "type must not be empty" wording applies; in_junctor
 * switches to the stricter rules for value validations, and to no type
 * requirement (their members constrain values of the parent's type). */
static void check_schema(struct crd_ctx *c, const cf_node *s, int where,
    bool in_junctor)
{
	static const char *const types[] = { "array", "boolean", "integer",
		"number", "object", "string" };
	const char *type = cf_node_getp_str(s, "type", NULL);
	bool preserve = get_bool(s, "x-kubernetes-preserve-unknown-fields");
	bool ios = get_bool(s, "x-kubernetes-int-or-string");
	bool embedded = get_bool(s, "x-kubernetes-embedded-resource");
	const cf_node *props = cf_node_get(s, "properties");
	const cf_node *v;
	const char *pat;

	if (!cf_node_is(s, CF_NODE_MAP)) {
		cause_invalid_s(c->out, c->path.buf, "", "must be an object");
		return;
	}
	if (in_junctor)
		check_junctor_node(c, s);
	if (type && !type_mask(type))
		cause_unsupported(c->out, path_plus(&c->path, "type"), NULL, type,
		    types, CF_ARRAY_SIZE(types));
	if (!in_junctor && !type && !ios && !preserve) {
		static const char *const why[] = {
			"must not be empty at the root",
			"must not be empty for specified object fields",
			"must not be empty for specified array items",
			"must not be empty for specified object fields",
		};

		cause_required(c->out, path_plus(&c->path, "type"), why[where]);
	}
	if (where == AT_ROOT) {
		if (type && strcmp(type, "object"))
			cause_invalid_s(c->out, path_plus(&c->path, "type"), type,
			    "must be object at the root");
		if (get_bool(s, "nullable"))
			cause_forbidden(c->out, path_plus(&c->path, "nullable"),
			    "nullable cannot be true at the root");
		check_root_metadata(c, s);
	}
	if (ios && preserve)
		cause_invalid(c->out, path_plus(&c->path,
		    "x-kubernetes-preserve-unknown-fields"),
		    cf_node_get(s, "x-kubernetes-preserve-unknown-fields"),
		    "must be false if x-kubernetes-int-or-string is true");
	if (embedded && type && strcmp(type, "object"))
		cause_invalid_s(c->out, path_plus(&c->path, "type"), type,
		    "must be object if x-kubernetes-embedded-resource is true");
	if (embedded && !preserve && !cf_node_count(props))
		cause_required(c->out, path_plus(&c->path, "properties"),
		    "must not be empty if x-kubernetes-embedded-resource is true "
		    "without x-kubernetes-preserve-unknown-fields");
	if (props && has_key(s, "additionalProperties"))
		cause_forbidden(c->out, path_plus(&c->path,
		    "additionalProperties"),
		    "additionalProperties and properties are mutual exclusive");
	if (type && !strcmp(type, "array") && !has_key(s, "items"))
		cause_required(c->out, path_plus(&c->path, "items"),
		    "must be specified");
	if (get_bool(s, "uniqueItems"))
		cause_forbidden(c->out, path_plus(&c->path, "uniqueItems"),
		    "uniqueItems cannot be set to true since the runtime "
		    "complexity becomes quadratic");
	if ((pat = cf_node_getp_str(s, "pattern", NULL))) {
		int ec;
		PCRE2_SIZE off;
		pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat,
		    PCRE2_ZERO_TERMINATED, PCRE2_UTF, &ec, &off, NULL);

		if (re) {
			pcre2_code_free(re);
		} else {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ec, msg, sizeof(msg));
			cause_invalid_s(c->out, path_plus(&c->path, "pattern"), pat,
			    cf_arena_printf(c->a, "must be a valid regular "
			    "expression, but isn't: %s", (char *)msg));
		}
	}
	if (!in_junctor)
		check_list_type(c, s, type ? type : "");
	check_map_type_and_rules(c, s, type);

	if (props && !cf_node_is(props, CF_NODE_MAP))
		cause_invalid(c->out, path_plus(&c->path, "properties"), props,
		    "must be an object");
	for (uint32_t i = 0; cf_node_is(props, CF_NODE_MAP) && i < props->len;
	    i++) {
		size_t mark = path_sub(&c->path, "properties", props->v.pairs[i].key);

		check_schema(c, props->v.pairs[i].val, AT_PROP, in_junctor);
		cf_buf_truncate(&c->path, mark);
	}
	v = cf_node_get(s, "additionalProperties");
	if (cf_node_is(v, CF_NODE_MAP)) {
		size_t mark = path_key(&c->path, "additionalProperties");

		check_schema(c, v, AT_ADDL, in_junctor);
		cf_buf_truncate(&c->path, mark);
	}
	v = cf_node_get(s, "items");
	if (cf_node_is(v, CF_NODE_MAP)) {
		size_t mark = path_key(&c->path, "items");

		check_schema(c, v, AT_ITEMS, in_junctor);
		cf_buf_truncate(&c->path, mark);
	}
	check_junctor_list(c, s, "allOf");
	check_junctor_list(c, s, "anyOf");
	check_junctor_list(c, s, "oneOf");
	if (cf_node_is(v = cf_node_get(s, "not"), CF_NODE_MAP)) {
		size_t mark = path_key(&c->path, "not");

		check_schema(c, v, AT_PROP, true);
		cf_buf_truncate(&c->path, mark);
	}
}

/* Defaults must survive their own schema: validate each default value with
 * the compiled node it belongs to, and report it under "<path>.default". */
static void check_defaults(struct crd_ctx *c, const struct snode *s)
{
	if (!s)
		return;
	if (s->def) {
		cf_crd_causes tmp = CF_CRD_CAUSES_INIT(c->a);
		struct val_ctx v = { &tmp, 0, CF_BUF_INIT, NULL, false };
		struct prune_ctx pc = { NULL, CF_BUF_INIT };
		cf_node *pruned = cf_node_dup(c->a, s->def);

		/* A default with fields its schema drops would be applied and
		 * then pruned away on the next read. */
		prune_value(&pc, s, pruned, s->embedded);
		cf_buf_release(&pc.path);
		if (!cf_node_equal(pruned, s->def))
			cause_invalid(c->out, path_plus(&c->path, "default"), s->def,
			    "must not have unknown fields");

		cf_buf_adds(&v.path, c->path.buf);
		cf_buf_adds(&v.path, ".default");
		validate_value(&v, s, s->def);
		cf_buf_release(&v.path);
		for (size_t i = 0; i < tmp.len; i++)
			causes_push(c->out, &tmp.v[i]);
	}
	for (size_t i = 0; i < s->n_props; i++) {
		size_t mark = path_sub(&c->path, "properties", s->props[i].name);

		check_defaults(c, s->props[i].s);
		cf_buf_truncate(&c->path, mark);
	}
	if (s->addl) {
		size_t mark = path_key(&c->path, "additionalProperties");

		check_defaults(c, s->addl);
		cf_buf_truncate(&c->path, mark);
	}
	if (s->items) {
		size_t mark = path_key(&c->path, "items");

		check_defaults(c, s->items);
		cf_buf_truncate(&c->path, mark);
	}
}

/* additionalPrinterColumns: the Table writer needs a name, a known type
 * and a path. The path's syntax is left to the JSONPath module; the field
 * name "JSONPath" in the cause is the server's (internal type's) spelling. */
static void check_columns(struct crd_ctx *c, const cf_node *cols,
    const char *base)
{
	static const char *const types[] = { "boolean", "date", "integer",
		"number", "string" };
	static const char *const formats[] = { "byte", "date", "date-time",
		"double", "float", "int32", "int64", "password" };

	for (size_t i = 0; i < cf_node_count(cols); i++) {
		const cf_node *col = cf_node_at(cols, i);
		const char *name = cf_node_getp_str(col, "name", NULL);
		const char *type = cf_node_getp_str(col, "type", NULL);
		const char *format = cf_node_getp_str(col, "format", NULL);
		const char *jp = cf_node_getp_str(col, "jsonPath", NULL);
		char *f = cf_arena_printf(c->a, "%s[%zu]", base, i);
		bool ok = false;

		if (!name || !*name)
			cause_required(c->out, cf_arena_printf(c->a, "%s.name", f),
			    NULL);
		for (size_t k = 0; type && k < CF_ARRAY_SIZE(types); k++)
			ok |= !strcmp(type, types[k]);
		if (!type || !*type)
			cause_required(c->out, cf_arena_printf(c->a, "%s.type", f),
			    "must be one of boolean,date,integer,number,string");
		else if (!ok)
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.type", f),
			    type, "must be one of boolean,date,integer,number,"
			    "string");
		ok = !format || !*format;
		for (size_t k = 0; !ok && k < CF_ARRAY_SIZE(formats); k++)
			ok = !strcmp(format, formats[k]);
		if (!ok)
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.format", f),
			    format, "must be one of byte,date,date-time,double,"
			    "float,int32,int64,password");
		if (!jp || !*jp)
			cause_required(c->out, cf_arena_printf(c->a, "%s.JSONPath",
			    f), NULL);
		else if (jp[0] != '.')
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.JSONPath",
			    f), jp, "must be a simple json path starting with .");
	}
}

/* With a status subresource the server splits the schema at
 * properties.status, so the root may only use keywords that survive that
 * split. */
static void check_status_root(struct crd_ctx *c, const cf_node *schema,
    const char *base)
{
	static const char *const allowed[] = { "description", "type", "format",
		"title", "maximum", "exclusiveMaximum", "minimum",
		"exclusiveMinimum", "maxLength", "minLength", "pattern",
		"maxItems", "minItems", "uniqueItems", "multipleOf", "required",
		"items", "properties", "externalDocs", "example",
		"x-kubernetes-preserve-unknown-fields",
		"x-kubernetes-validations" };
	const char *type = cf_node_getp_str(schema, "type", NULL);

	if (!cf_node_is(schema, CF_NODE_MAP))
		return; /* already reported by check_schema */
	if (type && strcmp(type, "object")) {
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.schema.openAPIV3Schema.type", base), type,
		    "only \"object\" is allowed as the type at the root of the "
		    "schema if the status subresource is enabled");
		return;
	}
	for (uint32_t i = 0; i < schema->len; i++) {
		const char *k = schema->v.pairs[i].key;
		bool ok = false;

		for (size_t j = 0; j < CF_ARRAY_SIZE(allowed) && !ok; j++)
			ok = !strcmp(k, allowed[j]);
		if (ok)
			continue;
		cause_invalid(c->out, cf_arena_printf(c->a,
		    "%s.schema.openAPIV3Schema", base), schema,
		    "only [Description Type Format Title Maximum ExclusiveMaximum "
		    "Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems "
		    "MinItems UniqueItems MultipleOf Required Items Properties "
		    "ExternalDocs Example XPreserveUnknownFields XValidations] "
		    "fields are allowed at the root of the schema if the status "
		    "subresource is enabled");
		return;
	}
}

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* subresources.scale: the replica paths must point into spec and status
 * (the /scale handler reads and writes through them). */
static void check_subresources(struct crd_ctx *c, const cf_node *sub,
    const char *base)
{
	const cf_node *scale = cf_node_get(sub, "scale");
	const char *spec, *st, *sel;

	if (!scale)
		return;
	spec = cf_node_getp_str(scale, "specReplicasPath", NULL);
	st = cf_node_getp_str(scale, "statusReplicasPath", NULL);
	sel = cf_node_getp_str(scale, "labelSelectorPath", NULL);
	if (!spec || !*spec)
		cause_required(c->out, cf_arena_printf(c->a,
		    "%s.scale.specReplicasPath", base), NULL);
	else if (spec[0] != '.')
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.scale.specReplicasPath", base), spec,
		    "must be a simple json path starting with .");
	else if (!has_prefix(spec, ".spec."))
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.scale.specReplicasPath", base), spec,
		    "should be a json path under .spec");
	if (!st || !*st)
		cause_required(c->out, cf_arena_printf(c->a,
		    "%s.scale.statusReplicasPath", base), NULL);
	else if (st[0] != '.')
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.scale.statusReplicasPath", base), st,
		    "must be a simple json path starting with .");
	else if (!has_prefix(st, ".status."))
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.scale.statusReplicasPath", base), st,
		    "should be a json path under .status");
	if (sel && *sel && !has_prefix(sel, ".spec.") &&
	    !has_prefix(sel, ".status."))
		cause_invalid_s(c->out, cf_arena_printf(c->a,
		    "%s.scale.labelSelectorPath", base), sel,
		    "should be a json path under either .spec or .status");
}

/* spec.versions: unique DNS-1035 names, exactly one storage version, a
 * schema for every served version (structural, with valid defaults),
 * sane subresources and printer columns. No rule requires a served
 * version: kube-apiserver accepts a CRD whose versions are all unserved. */
static void check_versions(struct crd_ctx *c, const cf_node *versions)
{
	size_t storage = 0;
	bool unique = true;

	for (size_t i = 0; i < cf_node_count(versions); i++) {
		const cf_node *v = cf_node_at(versions, i);
		const char *name = cf_node_getp_str(v, "name", NULL);
		const cf_node *schema = cf_node_getp(v, "schema",
		    "openAPIV3Schema", NULL);
		char *base = cf_arena_printf(c->a, "spec.versions[%zu]", i);
		const char *p;

		if (get_bool(v, "storage"))
			storage++;
		for (size_t j = 0; j < i && name; j++) {
			const char *o = cf_node_getp_str(cf_node_at(versions, j),
			    "name", NULL);

			if (o && !strcmp(o, name))
				unique = false;
		}
		if (!name || !*name)
			cause_required(c->out, cf_arena_printf(c->a, "%s.name",
			    base), NULL);
		else if ((p = dns1035_problems(c->a, name)))
			cause_invalid_s(c->out, cf_arena_printf(c->a, "%s.name",
			    base), name, p);
		if (!schema && get_bool(v, "served")) {
			cause_required(c->out, cf_arena_printf(c->a,
			    "%s.schema.openAPIV3Schema", base), NULL);
		} else if (schema) {
			cf_crd_schema *sc = NULL;

			cf_buf_reset(&c->path);
			cf_buf_addf(&c->path, "%s.schema.openAPIV3Schema", base);
			size_t before = c->out->len;

			check_schema(c, schema, AT_ROOT, false);
			if (cf_node_getp(v, "subresources", "status", NULL))
				check_status_root(c, schema, base);
			/* Defaults are checked only on an otherwise valid
			 * schema, as the server does. */
			if (c->out->len == before &&
			    cf_crd_schema_compile(&sc, schema) == 0) {
				check_defaults(c, sc->root);
				cf_crd_schema_free(sc);
			}
		}
		check_subresources(c, cf_node_get(v, "subresources"),
		    cf_arena_printf(c->a, "%s.subresources", base));
		check_columns(c, cf_node_get(v, "additionalPrinterColumns"),
		    cf_arena_printf(c->a, "%s.additionalPrinterColumns", base));
	}
	if (!unique)
		cause_invalid(c->out, "spec.versions", versions,
		    "must contain unique version names");
	if (storage != 1)
		cause_invalid(c->out, "spec.versions", versions,
		    "must have exactly one version marked as storage version");
}

/* Checks run in the order of ValidateCustomResourceDefinition (metadata,
 * spec, then update rules), so the first cause, which becomes the error
 * message, is the one kube-apiserver would put first. */
int cf_crd_validate(cf_crd_causes *out, const cf_node *crd, const cf_node *old)
{
	static const char *const scopes[] = { "Cluster", "Namespaced" };
	struct crd_ctx c = { out, out->arena, CF_BUF_INIT };
	size_t before = out->len;
	const cf_node *spec = cf_node_get(crd, "spec");
	const char *name = cf_node_getp_str(crd, "metadata", "name", NULL);
	const char *group = cf_node_getp_str(spec, "group", NULL);
	const char *plural = cf_node_getp_str(spec, "names", "plural", NULL);
	const char *scope = cf_node_getp_str(spec, "scope", NULL);
	const cf_node *versions = cf_node_get(spec, "versions");

	/* metadata.name: a DNS subdomain equal to <plural>.<group>. */
	if (!name || !*name) {
		cause_required(out, "metadata.name", "name or generateName is "
		    "required");
	} else {
		char *want = cf_arena_printf(c.a, "%s.%s", plural ? plural : "",
		    group ? group : "");

		if (!is_dns1123_subdomain(name))
			cause_invalid_s(out, "metadata.name", name,
			    dns1123_sub_msg);
		if (strcmp(name, want))
			cause_invalid_s(out, "metadata.name", name,
			    "must be spec.names.plural+\".\"+spec.group");
	}
	if (!group || !*group)
		cause_required(out, "spec.group", NULL);
	else if (!is_dns1123_subdomain(group))
		cause_invalid_s(out, "spec.group", group, dns1123_sub_msg);
	else if (!strchr(group, '.'))
		cause_invalid_s(out, "spec.group", group,
		    "should be a domain with at least one dot");
	if (!scope || !*scope)
		cause_required(out, "spec.scope", NULL);
	else if (strcmp(scope, "Cluster") && strcmp(scope, "Namespaced"))
		cause_unsupported(out, "spec.scope", NULL, scope, scopes, 2);
	check_names(&c, cf_node_get(spec, "names"), "spec.names");
	if (!cf_node_count(versions))
		cause_invalid(out, "spec.versions", versions ? versions :
		    cf_node_seq(c.a), "must have exactly one version marked as "
		    "storage version");
	else
		check_versions(&c, versions);
	if (get_bool(spec, "preserveUnknownFields"))
		cause_invalid(out, "spec.preserveUnknownFields",
		    cf_node_get(spec, "preserveUnknownFields"),
		    "cannot set to true, set x-kubernetes-preserve-unknown-fields "
		    "to true in spec.versions[*].schema instead");
	const char *strategy = cf_node_getp_str(spec, "conversion", "strategy",
	    NULL);
	if (strategy && strcmp(strategy, "None") && strcmp(strategy, "Webhook")) {
		static const char *const st[] = { "None", "Webhook" };

		cause_unsupported(out, "spec.conversion.strategy", NULL, strategy,
		    st, 2);
	}

	/* A version that ever was the storage version may still have objects
	 * stored in it; it can leave spec.versions only after a storage
	 * migration removed it from status.storedVersions. */
	const cf_node *stored = cf_node_getp(crd, "status", "storedVersions",
	    NULL);
	for (size_t i = 0; i < cf_node_count(stored); i++) {
		const char *sv = cf_node_as_str(cf_node_at(stored, i));
		bool found = false;

		for (size_t k = 0; sv && k < cf_node_count(versions); k++)
			found |= str_eq(cf_node_getp_str(cf_node_at(versions, k),
			    "name", NULL), sv);
		if (sv && !found)
			cause_invalid_s(out, cf_arena_printf(c.a,
			    "status.storedVersions[%zu]", i), sv, cf_arena_printf(c.a,
			    "missing from spec.versions; %s was previously a "
			    "storage version, and must remain in spec.versions "
			    "until a storage migration ensures no data remains "
			    "persisted in %s and removes %s from "
			    "status.storedVersions", sv, sv, sv));
	}

	/* Update: group and scope are immutable (plural renames are allowed;
	 * the naming controller arbitrates them). */
	if (old) {
		const char *og = cf_node_getp_str(old, "spec", "group", NULL);
		const char *os = cf_node_getp_str(old, "spec", "scope", NULL);

		if (og && group && strcmp(og, group))
			cause_invalid_s(out, "spec.group", group,
			    "field is immutable");
		if (os && scope && strcmp(os, scope))
			cause_invalid_s(out, "spec.scope", scope,
			    "field is immutable");
	}
	cf_buf_release(&c.path);
	return causes_result(out, before);
}

/* ------------------------------------------------------------------ */
/* Naming                                                              */
/* ------------------------------------------------------------------ */

/* The names other CRDs of the group hold, as accepted names (not requested
 * ones): a CRD that lost a conflict does not block anybody. */
struct name_set {
	const char **v;
	size_t len, alloc;
};

static void set_add(cf_arena *a, struct name_set *s, const char *n)
{
	if (!n || !*n)
		return;
	if (s->len == s->alloc) {
		size_t na = s->alloc ? s->alloc * 2 : 16;
		const char **v = cf_arena_alloc(a, na * sizeof(*v));

		if (s->len)
			memcpy(v, s->v, s->len * sizeof(*v));
		s->v = v;
		s->alloc = na;
	}
	s->v[s->len++] = n;
}

static bool set_has(const struct name_set *s, const char *n)
{
	for (size_t i = 0; i < s->len; i++)
		if (!strcmp(s->v[i], n))
			return true;
	return false;
}

static bool str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* equalToAcceptedOrFresh: keeping an accepted name is always fine; a new
 * name must not be taken by another CRD of the group. */
static const char *name_conflict(cf_arena *a, const char *req,
    const char *accepted, const struct name_set *used)
{
	if (!req || !*req || str_eq(req, accepted))
		return NULL;
	if (set_has(used, req))
		return cf_arena_printf(a, "\"%s\" is already in use", req);
	return NULL;
}

/* Once Established, a CRD keeps serving even if a later spec change
 * conflicts: only the new names are refused. */
static bool has_condition_true(const cf_node *crd, const char *type)
{
	const cf_node *conds = cf_node_getp(crd, "status", "conditions", NULL);

	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const cf_node *cnd = cf_node_at(conds, i);

		if (str_eq(cf_node_getp_str(cnd, "type", NULL), type))
			return str_eq(cf_node_getp_str(cnd, "status", NULL),
			    "True");
	}
	return false;
}

/* accepted_names starts from what this CRD already holds, and each
 * requested name replaces its accepted counterpart only when free, so a
 * conflicting rename keeps the CRD served under its old names. */
void cf_crd_naming_compute(cf_crd_naming *out, cf_arena *a, const cf_node *crd,
    const cf_node *const *others, size_t n_others)
{
	const char *group = cf_node_getp_str(crd, "spec", "group", NULL);
	const char *self = cf_node_getp_str(crd, "metadata", "name", NULL);
	const cf_node *req = cf_node_getp(crd, "spec", "names", NULL);
	const cf_node *acc = cf_node_getp(crd, "status", "acceptedNames", NULL);
	struct name_set resources = { 0 }, kinds = { 0 };
	cf_node *names = acc ? cf_node_dup(a, acc) : cf_node_map(a);
	const char *reason = NULL, *msg = NULL, *m;
	static const struct { const char *key, *reason; bool kind; } single[] = {
		{ "plural", "PluralConflict", false },
		{ "singular", "SingularConflict", false },
		{ "kind", "KindConflict", true },
		{ "listKind", "ListKindConflict", true },
	};

	for (size_t i = 0; i < n_others; i++) {
		const cf_node *o = others[i];
		const cf_node *on = cf_node_getp(o, "status", "acceptedNames",
		    NULL);
		const cf_node *sn = cf_node_get(on, "shortNames");

		if (!str_eq(cf_node_getp_str(o, "spec", "group", NULL), group) ||
		    str_eq(cf_node_getp_str(o, "metadata", "name", NULL), self))
			continue;
		set_add(a, &resources, cf_node_getp_str(on, "plural", NULL));
		set_add(a, &resources, cf_node_getp_str(on, "singular", NULL));
		for (size_t k = 0; k < cf_node_count(sn); k++)
			set_add(a, &resources, cf_node_as_str(cf_node_at(sn, k)));
		set_add(a, &kinds, cf_node_getp_str(on, "kind", NULL));
		set_add(a, &kinds, cf_node_getp_str(on, "listKind", NULL));
	}

	/* The order of checks decides which conflict the condition names
	 * when several exist: the last one found wins, as upstream. */
	for (size_t i = 0; i < 2; i++) {
		const char *r = cf_node_getp_str(req, single[i].key, NULL);

		m = name_conflict(a, r, cf_node_getp_str(acc, single[i].key, NULL),
		    &resources);
		if (m) {
			reason = single[i].reason;
			msg = m;
		} else if (r) {
			cf_node_set(a, names, single[i].key, cf_node_str(a, r));
		}
	}
	const cf_node *rsn = cf_node_get(req, "shortNames");
	const cf_node *asn = cf_node_get(acc, "shortNames");
	if ((rsn == NULL) != (asn == NULL) || (rsn && !cf_node_equal(rsn, asn))) {
		cf_buf b = CF_BUF_INIT;
		size_t nerr = 0;

		for (size_t k = 0; k < cf_node_count(rsn); k++) {
			const char *sn = cf_node_as_str(cf_node_at(rsn, k));

			if (!sn || seq_has_str(asn, sn))
				continue;
			if ((m = name_conflict(a, sn, NULL, &resources))) {
				cf_buf_addf(&b, "%s%s", nerr ? ", " : "", m);
				nerr++;
			}
		}
		if (nerr) {
			reason = "ShortNamesConflict";
			msg = nerr > 1 ? cf_arena_printf(a, "[%s]", b.buf) :
			    cf_arena_strdup(a, b.buf);
		} else if (rsn) {
			cf_node_set(a, names, "shortNames", cf_node_dup(a, rsn));
		} else {
			cf_node_del(names, "shortNames");
		}
		cf_buf_release(&b);
	}
	for (size_t i = 2; i < 4; i++) {
		const char *r = cf_node_getp_str(req, single[i].key, NULL);

		m = name_conflict(a, r, cf_node_getp_str(acc, single[i].key, NULL),
		    &kinds);
		if (m) {
			reason = single[i].reason;
			msg = m;
		} else if (r) {
			cf_node_set(a, names, single[i].key, cf_node_str(a, r));
		}
	}
	if (cf_node_get(req, "categories"))
		cf_node_set(a, names, "categories",
		    cf_node_dup(a, cf_node_get(req, "categories")));
	else
		cf_node_del(names, "categories");

	out->accepted_names = names;
	out->names_accepted.type = "NamesAccepted";
	out->established.type = "Established";
	if (reason) {
		out->names_accepted.status = "False";
		out->names_accepted.reason = reason;
		out->names_accepted.message = msg;
	} else {
		out->names_accepted.status = "True";
		out->names_accepted.reason = "NoConflicts";
		out->names_accepted.message = "no conflicts found";
	}
	/* Established stays True once reached; the establishing controller
	 * flips it as soon as the names are accepted (we have no cache to
	 * wait for, so both steps happen at once). */
	if (has_condition_true(crd, "Established") || !reason) {
		out->established.status = "True";
		out->established.reason = "InitialNamesAccepted";
		out->established.message = "the initial names have been accepted";
	} else {
		out->established.status = "False";
		out->established.reason = "NotAccepted";
		out->established.message = "not all names are accepted";
	}
}

/* Set one condition in the list, keeping lastTransitionTime when the
 * status did not change (as apiextensions' SetCRDCondition does). */
static void set_condition(cf_arena *a, cf_node *conds,
    const cf_crd_condition *c, const char *now)
{
	cf_node *m = cf_node_map(a);
	const char *ltt = now;
	size_t at = cf_node_count(conds);

	for (size_t i = 0; i < cf_node_count(conds) && at == conds->len; i++) {
		const cf_node *old = cf_node_at(conds, i);

		if (!str_eq(cf_node_getp_str(old, "type", NULL), c->type))
			continue;
		if (str_eq(cf_node_getp_str(old, "status", NULL), c->status) &&
		    cf_node_getp_str(old, "lastTransitionTime", NULL))
			ltt = cf_node_getp_str(old, "lastTransitionTime", NULL);
		at = i;
	}
	cf_node_set(a, m, "type", cf_node_str(a, c->type));
	cf_node_set(a, m, "status", cf_node_str(a, c->status));
	cf_node_set(a, m, "lastTransitionTime", cf_node_str(a, ltt));
	cf_node_set(a, m, "reason", cf_node_str(a, c->reason));
	cf_node_set(a, m, "message", cf_node_str(a, c->message));
	if (at < conds->len)
		conds->v.items[at] = m;
	else
		cf_node_push(a, conds, m);
}

cf_node *cf_crd_status_build(cf_arena *a, const cf_node *crd,
    const cf_crd_naming *n, const char *now)
{
	const cf_node *old = cf_node_get(crd, "status");
	cf_node *st = cf_node_is(old, CF_NODE_MAP) ? cf_node_dup(a, old) :
	    cf_node_map(a);
	cf_node *conds = cf_node_get(st, "conditions");
	cf_node *stored = cf_node_get(st, "storedVersions");
	const char *storage = cf_node_getp_str(cf_crd_version(crd, NULL), "name",
	    NULL);

	if (!cf_node_is(conds, CF_NODE_SEQ)) {
		conds = cf_node_seq(a);
		cf_node_set(a, st, "conditions", conds);
	}
	set_condition(a, conds, &n->names_accepted, now);
	set_condition(a, conds, &n->established, now);
	cf_node_set(a, st, "acceptedNames", cf_node_dup(a, n->accepted_names));
	if (!cf_node_is(stored, CF_NODE_SEQ)) {
		stored = cf_node_seq(a);
		cf_node_set(a, st, "storedVersions", stored);
	}
	if (storage && !seq_has_str(stored, storage))
		cf_node_push(a, stored, cf_node_str(a, storage));
	return st;
}

/* Requests name a version; the storage version (version NULL) is what
 * is kept on disk and what defaults are applied for on read. */
const cf_node *cf_crd_version(const cf_node *crd, const char *version)
{
	const cf_node *vs = cf_node_getp(crd, "spec", "versions", NULL);

	for (size_t i = 0; i < cf_node_count(vs); i++) {
		const cf_node *v = cf_node_at(vs, i);

		if (version ? str_eq(cf_node_getp_str(v, "name", NULL), version) &&
		    get_bool(v, "served") : get_bool(v, "storage"))
			return v;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Printer columns                                                     */
/* ------------------------------------------------------------------ */

/* Column fields are optional strings; the Table writer wants "" not NULL. */
static const char *str_or(const cf_node *n, const char *key, const char *dflt)
{
	const char *s = cf_node_getp_str(n, key, NULL);

	return s ? s : dflt;
}

/* The Age column of every CR without declared columns. */
static const cf_crd_column age_column = { "Age", "date", "",
	".metadata.creationTimestamp",
	"CreationTimestamp is a timestamp representing the server time when "
	"this object was created. It is not guaranteed to be set in "
	"happens-before order across separate operations. Clients may not set "
	"this value. It is represented in RFC3339 form and is in UTC.\n\n"
	"Populated by the system. Read-only. Null for lists. More info: "
	"https://git.k8s.io/community/contributors/devel/sig-architecture/"
	"api-conventions.md#metadata", 0 };

size_t cf_crd_columns(cf_crd_column **out, cf_arena *a, const cf_node *crd,
    const cf_node *version)
{
	const cf_node *cols = cf_node_get(version, "additionalPrinterColumns");
	size_t n = 0;
	cf_crd_column *v = cf_arena_zalloc(a, (cf_node_count(cols) + 1) *
	    sizeof(*v));

	(void)crd;
	*out = v;
	for (size_t i = 0; i < cf_node_count(cols); i++) {
		const cf_node *c = cf_node_at(cols, i);
		int64_t prio = 0;

		cf_node_as_int(cf_node_get(c, "priority"), &prio);
		v[n].name = str_or(c, "name", "");
		v[n].type = str_or(c, "type", "string");
		v[n].format = str_or(c, "format", "");
		v[n].json_path = str_or(c, "jsonPath", "");
		v[n].description = str_or(c, "description", "");
		v[n].priority = (int32_t)prio;
		n++;
	}
	if (!n)
		v[n++] = age_column;
	return n;
}

size_t cf_crd_scale_columns(cf_crd_column **out, cf_arena *a,
    const cf_node *version)
{
	const cf_node *scale = cf_node_getp(version, "subresources", "scale",
	    NULL);
	cf_crd_column *v = cf_arena_zalloc(a, 3 * sizeof(*v));
	size_t n = 0;

	*out = v;
	/* The paths address the autoscaling/v1 Scale object, not the CR. */
	if (cf_node_getp_str(scale, "specReplicasPath", NULL))
		v[n++] = (cf_crd_column){ "Desired", "integer", "",
			".spec.replicas", "Number of desired replicas", 0 };
	if (cf_node_getp_str(scale, "statusReplicasPath", NULL))
		v[n++] = (cf_crd_column){ "Available", "integer", "",
			".status.replicas", "Number of actual replicas", 0 };
	v[n++] = age_column;
	return n;
}
