/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/validate.h"
#include "core/alloc.h"
#include "core/buf.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

/*
 * The message texts below are protocol: kubectl users and tests compare
 * them byte for byte with what kube-apiserver prints, so they follow
 * apimachinery's RegexError() shape exactly, including its doubled space
 * before " or " between examples.
 */
#define DNS1123_LABEL_MSG                                                   \
	"a lowercase RFC 1123 label must consist of lower case alphanumeric " \
	"characters or '-', and must start and end with an alphanumeric "    \
	"character (e.g. 'my-name',  or '123-abc', regex used for "          \
	"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG                                               \
	"a lowercase RFC 1123 subdomain must consist of lower case "         \
	"alphanumeric characters, '-' or '.', and must start and end with "  \
	"an alphanumeric character (e.g. 'example.com', regex used for "     \
	"validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]"           \
	"([-a-z0-9]*[a-z0-9])?)*')"
#define DNS1035_LABEL_MSG                                                   \
	"a DNS-1035 label must consist of lower case alphanumeric "          \
	"characters or '-', start with an alphabetic character, and end "    \
	"with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "    \
	"regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
#define QNAME_BODY                                                          \
	"must consist of alphanumeric characters, '-', '_' or '.', and must " \
	"start and end with an alphanumeric character (e.g. 'MyName',  or "   \
	"'my.name',  or '123-abc', regex used for validation is "             \
	"'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
#define LABEL_VALUE_MSG                                                     \
	"a valid label must be an empty string or consist of alphanumeric "  \
	"characters, '-', '_' or '.', and must start and end with an "       \
	"alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "       \
	"'12345', regex used for validation is "                             \
	"'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

static const struct {
	const char *text, *reason;
} err_types[] = {
	[CF_FIELD_NOT_FOUND] = { "Not found", "FieldValueNotFound" },
	[CF_FIELD_REQUIRED] = { "Required value", "FieldValueRequired" },
	[CF_FIELD_DUPLICATE] = { "Duplicate value", "FieldValueDuplicate" },
	[CF_FIELD_INVALID] = { "Invalid value", "FieldValueInvalid" },
	[CF_FIELD_NOT_SUPPORTED] = { "Unsupported value",
	    "FieldValueNotSupported" },
	[CF_FIELD_FORBIDDEN] = { "Forbidden", "FieldValueForbidden" },
	[CF_FIELD_TOO_LONG] = { "Too long", "FieldValueTooLong" },
	[CF_FIELD_TOO_MANY] = { "Too many", "FieldValueTooMany" },
	[CF_FIELD_INTERNAL] = { "Internal error", "InternalError" },
	[CF_FIELD_TYPE_INVALID] = { "Invalid value", "FieldValueTypeInvalid" },
};

/* Bounds-checked lookups: an out-of-range type (a caller bug) prints as
 * empty text rather than reading past the table. */
const char *cf_field_err_type_text(enum cf_field_err_type t)
{
	return (size_t)t < CF_ARRAY_SIZE(err_types) ? err_types[t].text : "";
}

const char *cf_field_err_reason(enum cf_field_err_type t)
{
	return (size_t)t < CF_ARRAY_SIZE(err_types) ? err_types[t].reason : "";
}

void cf_field_errs_add(cf_arena *a, cf_field_errs *l,
    enum cf_field_err_type type, const char *field, const char *value,
    const char *detail)
{
	cf_field_err *e;

	/* Grow inside the arena: the old block is simply abandoned, which
	 * costs little because error lists stay short. */
	if (l->len == l->alloc) {
		size_t n = l->alloc ? l->alloc * 2 : 4;
		cf_field_err *items = cf_arena_alloc(a, n * sizeof(*items));

		if (l->len)
			memcpy(items, l->items, l->len * sizeof(*items));
		l->items = items;
		l->alloc = n;
	}
	e = &l->items[l->len++];
	e->type = type;
	e->field = cf_arena_strdup(a, field ? field : "");
	e->value = value ? cf_arena_strdup(a, value) : NULL;
	e->detail = detail ? cf_arena_strdup(a, detail) : NULL;
}

void cf_field_errs_add_str(cf_arena *a, cf_field_errs *l,
    enum cf_field_err_type type, const char *field, const char *value,
    const char *detail)
{
	cf_field_errs_add(a, l, type, field, cf_go_quote(a, value ? value : ""),
	    detail);
}

/*
 * field.Error.ErrorBody(): Required, Forbidden, TooLong and Internal
 * never print the value (it is either absent or too large to be useful);
 * every other type prints it, then the detail after ": ".
 */
char *cf_field_err_body(cf_arena *a, const cf_field_err *e)
{
	const char *t = cf_field_err_type_text(e->type);
	const char *d = e->detail && *e->detail ? e->detail : NULL;
	bool show_value = e->value && e->type != CF_FIELD_REQUIRED &&
	    e->type != CF_FIELD_FORBIDDEN && e->type != CF_FIELD_TOO_LONG &&
	    e->type != CF_FIELD_INTERNAL;

	/* Go prints the value only for the types where it helps the user. */
	if (show_value && d)
		return cf_arena_printf(a, "%s: %s: %s", t, e->value, d);
	if (show_value)
		return cf_arena_printf(a, "%s: %s", t, e->value);
	if (d)
		return cf_arena_printf(a, "%s: %s", t, d);
	return cf_arena_strdup(a, t);
}

char *cf_field_err_string(cf_arena *a, const cf_field_err *e)
{
	return cf_arena_printf(a, "%s: %s", e->field, cf_field_err_body(a, e));
}

/*
 * utilerrors.NewAggregate over field errors: duplicates are dropped (the
 * same message from two checks reads as one), a single error is printed
 * bare and several are wrapped in brackets, comma-separated.
 */
char *cf_field_errs_string(cf_arena *a, const cf_field_errs *l)
{
	cf_buf b = CF_BUF_INIT;
	const char **seen;
	size_t nseen = 0;
	char *out;

	if (!l || l->len == 0)
		return cf_arena_strdup(a, "");
	if (l->len == 1)
		return cf_field_err_string(a, &l->items[0]);
	seen = cf_arena_alloc(a, l->len * sizeof(*seen));
	for (size_t i = 0; i < l->len; i++) {
		const char *m = cf_field_err_string(a, &l->items[i]);
		bool dup = false;

		for (size_t k = 0; k < nseen && !dup; k++)
			dup = !strcmp(seen[k], m);
		if (!dup)
			seen[nseen++] = m;
	}
	if (nseen == 1)
		return (char *)seen[0];
	cf_buf_addch(&b, '[');
	for (size_t k = 0; k < nseen; k++)
		cf_buf_addf(&b, "%s%s", k ? ", " : "", seen[k]);
	cf_buf_addch(&b, ']');
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/* Length of the valid UTF-8 sequence at s (max n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] < 0xe0)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] < 0xf0)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] < 0xf5)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (need > n)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return need;
}

/*
 * strconv.Quote for the byte strings we meet: printable UTF-8 is kept,
 * the usual short escapes are used, and everything else becomes \xNN.
 * (Go also escapes non-printable Unicode such as U+00A0 as \u00a0; such
 * names fail validation anyway, so the difference never reaches a user.)
 */
char *cf_go_quote(cf_arena *a, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	cf_buf b = CF_BUF_INIT;
	char *out;

	cf_buf_addch(&b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t ul;

		switch (c) {
		case '"': cf_buf_adds(&b, "\\\""); i++; continue;
		case '\\': cf_buf_adds(&b, "\\\\"); i++; continue;
		case '\a': cf_buf_adds(&b, "\\a"); i++; continue;
		case '\b': cf_buf_adds(&b, "\\b"); i++; continue;
		case '\f': cf_buf_adds(&b, "\\f"); i++; continue;
		case '\n': cf_buf_adds(&b, "\\n"); i++; continue;
		case '\r': cf_buf_adds(&b, "\\r"); i++; continue;
		case '\t': cf_buf_adds(&b, "\\t"); i++; continue;
		case '\v': cf_buf_adds(&b, "\\v"); i++; continue;
		default: break;
		}
		if (c < 0x20 || c == 0x7f) {
			cf_buf_addf(&b, "\\x%02x", c);
			i++;
			continue;
		}
		/* Printable UTF-8 is kept as is; broken bytes become \x. */
		ul = utf8_len(p + i, n - i);
		if (ul == 0) {
			cf_buf_addf(&b, "\\x%02x", c);
			i++;
			continue;
		}
		cf_buf_add(&b, p + i, ul);
		i += ul;
	}
	cf_buf_addch(&b, '"');
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

/* ---- the IsX() checks ---- */

/* The character classes below are ASCII-only on purpose: Kubernetes'
 * regular expressions are, and locale-aware ctype would accept more. */
static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* [a-z0-9]([-a-z0-9]*[a-z0-9])? over s[0..n) */
static bool match_label(const char *s, size_t n)
{
	if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '-')
			return false;
	return true;
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] */
static bool match_qname(const char *s, size_t n)
{
	if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

/* validation.MaxLenError. */
static const char *max_len_msg(cf_arena *a, size_t max)
{
	return cf_arena_printf(a, "must be no more than %zu characters", max);
}

/* Both checks run and both messages are reported, as IsDNS1123Label
 * does: a 70-character name with an underscore gets two errors. */
size_t cf_validate_dns1123_label(cf_arena *a, const char *s, const char **msgs)
{
	size_t n = 0, len = strlen(s);

	if (len > 63)
		msgs[n++] = max_len_msg(a, 63);
	if (!match_label(s, len))
		msgs[n++] = DNS1123_LABEL_MSG;
	return n;
}

size_t cf_validate_dns1123_subdomain(cf_arena *a, const char *s,
    const char **msgs)
{
	size_t n = 0, len = strlen(s);
	bool ok = len > 0;

	if (len > 253)
		msgs[n++] = max_len_msg(a, 253);
	/* Every dot-separated part must be a label in its own right. */
	for (const char *p = s; ok;) {
		const char *dot = strchr(p, '.');
		size_t plen = dot ? (size_t)(dot - p) : strlen(p);

		ok = match_label(p, plen);
		if (!dot)
			break;
		p = dot + 1;
	}
	if (!ok)
		msgs[n++] = DNS1123_SUBDOMAIN_MSG;
	return n;
}

size_t cf_validate_dns1035_label(cf_arena *a, const char *s, const char **msgs)
{
	size_t n = 0, len = strlen(s);

	if (len > 63)
		msgs[n++] = max_len_msg(a, 63);
	if (!match_label(s, len) || !(s[0] >= 'a' && s[0] <= 'z'))
		msgs[n++] = DNS1035_LABEL_MSG;
	return n;
}

/* IsValidPathSegmentName: RBAC names may hold ':' and capitals (e.g.
 * system:controller:x), only what breaks a URL path is refused. */
size_t cf_validate_path_segment(cf_arena *a, const char *s, const char **msgs)
{
	size_t n = 0;

	(void)a;
	if (!strcmp(s, "."))
		return msgs[0] = "may not be '.'", 1;
	if (!strcmp(s, ".."))
		return msgs[0] = "may not be '..'", 1;
	if (strchr(s, '/'))
		msgs[n++] = "may not contain '/'";
	if (strchr(s, '%'))
		msgs[n++] = "may not contain '%'";
	return n;
}

/*
 * IsQualifiedName: more than one '/' is reported alone; otherwise the
 * prefix (a DNS subdomain) and the name part are both checked and every
 * problem is listed, each prefixed with which part it is about.
 */
size_t cf_validate_qualified_name(cf_arena *a, const char *s, const char **msgs)
{
	const char *slash = strchr(s, '/'), *name = s;
	size_t n = 0, nlen;

	if (slash && strchr(slash + 1, '/')) {
		msgs[0] = "a qualified name " QNAME_BODY
		    " with an optional DNS subdomain prefix and '/' (e.g. "
		    "'example.com/MyName')";
		return 1;
	}
	if (slash) {
		char *prefix = cf_arena_strndup(a, s, (size_t)(slash - s));
		const char *pm[CF_VALIDATE_MAX_MSGS];
		size_t np;

		if (!*prefix) {
			msgs[n++] = "prefix part must be non-empty";
		} else {
			np = cf_validate_dns1123_subdomain(a, prefix, pm);
			for (size_t i = 0; i < np; i++)
				msgs[n++] = cf_arena_printf(a, "prefix part %s",
				    pm[i]);
		}
		name = slash + 1;
	}
	nlen = strlen(name);
	if (nlen == 0)
		msgs[n++] = "name part must be non-empty";
	else if (nlen > 63)
		msgs[n++] = "name part must be no more than 63 characters";
	if (!match_qname(name, nlen))
		msgs[n++] = "name part " QNAME_BODY;
	return n;
}

/* Label values may be empty; otherwise they follow the name-part rule. */
size_t cf_validate_label_value(cf_arena *a, const char *s, const char **msgs)
{
	size_t n = 0, len = strlen(s);

	if (len > 63)
		msgs[n++] = max_len_msg(a, 63);
	if (len > 0 && !match_qname(s, len))
		msgs[n++] = LABEL_VALUE_MSG;
	return n;
}

size_t cf_validate_name(cf_arena *a, enum cf_name_rule rule, const char *s,
    bool prefix, const char **msgs)
{
	size_t len = strlen(s);

	/* generateName is checked as if the suffix were already there: a
	 * trailing dash is fine because letters will follow it. */
	if (prefix && len > 0 && s[len - 1] == '-' &&
	    rule != CF_NAME_PATH_SEGMENT && rule != CF_NAME_NONE)
		s = cf_arena_strndup(a, s, len - 1);
	switch (rule) {
	case CF_NAME_DNS1123_SUBDOMAIN:
		return cf_validate_dns1123_subdomain(a, s, msgs);
	case CF_NAME_DNS1123_LABEL:
		return cf_validate_dns1123_label(a, s, msgs);
	case CF_NAME_DNS1035_LABEL:
		return cf_validate_dns1035_label(a, s, msgs);
	case CF_NAME_PATH_SEGMENT:
		return cf_validate_path_segment(a, s, msgs);
	case CF_NAME_NONE:
		break;
	}
	return 0;
}

/* ---- ObjectMeta ---- */

size_t cf_validate_labels(cf_arena *a, cf_field_errs *errs,
    const cf_node *labels, const char *path)
{
	size_t before = errs->len;

	if (!labels || labels->type == CF_NODE_NULL)
		return 0;
	if (labels->type != CF_NODE_MAP) {
		cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID, path, NULL,
		    "must be a map of strings");
		return errs->len - before;
	}
	/* Kubernetes reports every label problem at the map's own path, not
	 * at the key: kubectl users see "metadata.labels: Invalid value". */
	for (size_t i = 0; i < labels->len; i++) {
		const cf_pair *p = &labels->v.pairs[i];
		const char *v = cf_node_as_str(p->val);
		const char *msgs[CF_VALIDATE_MAX_MSGS];
		size_t n = cf_validate_qualified_name(a, p->key, msgs);

		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID, path,
			    p->key, msgs[k]);
		if (!v) {
			cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID,
			    cf_arena_printf(a, "%s[%s]", path, p->key), NULL,
			    "must be a string");
			continue;
		}
		n = cf_validate_label_value(a, v, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID, path, v,
			    msgs[k]);
	}
	return errs->len - before;
}

size_t cf_validate_annotations(cf_arena *a, cf_field_errs *errs,
    const cf_node *annotations, const char *path)
{
	size_t before = errs->len, total = 0;

	if (!annotations || annotations->type == CF_NODE_NULL)
		return 0;
	if (annotations->type != CF_NODE_MAP) {
		cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID, path, NULL,
		    "must be a map of strings");
		return errs->len - before;
	}
	for (size_t i = 0; i < annotations->len; i++) {
		const cf_pair *p = &annotations->v.pairs[i];
		const char *msgs[CF_VALIDATE_MAX_MSGS];
		char *lower = cf_arena_strdup(a, p->key);
		size_t n;

		/* Annotation keys are qualified names in any case. */
		for (char *c = lower; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		n = cf_validate_qualified_name(a, lower, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID, path,
			    p->key, msgs[k]);
		total += p->klen;
		if (cf_node_is(p->val, CF_NODE_STR))
			total += p->val->len;
	}
	if (total > CF_ANNOTATIONS_MAX_BYTES)
		cf_field_errs_add(a, errs, CF_FIELD_TOO_LONG, path, "\"\"",
		    cf_arena_printf(a, "may not be more than %d bytes",
		    CF_ANNOTATIONS_MAX_BYTES));
	return errs->len - before;
}

/* Go's %#v of a []string, the bad value of list-level finalizer errors. */
static const char *go_string_slice(cf_arena *a, const cf_node *seq)
{
	cf_buf b = CF_BUF_INIT;
	char *out;

	cf_buf_adds(&b, "[]string{");
	for (size_t i = 0; i < cf_node_count(seq); i++) {
		const char *v = cf_node_as_str(cf_node_at(seq, i));

		cf_buf_addf(&b, "%s%s", i ? ", " : "", cf_go_quote(a, v ? v : ""));
	}
	cf_buf_addch(&b, '}');
	out = cf_arena_strndup(a, b.buf, b.len);
	cf_buf_release(&b);
	return out;
}

size_t cf_validate_finalizers(cf_arena *a, cf_field_errs *errs,
    const cf_node *finalizers, const char *path)
{
	size_t before = errs->len;
	bool orphan = false, foreground = false;

	if (!finalizers || finalizers->type == CF_NODE_NULL)
		return 0;
	if (finalizers->type != CF_NODE_SEQ) {
		cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID, path, NULL,
		    "must be a list of strings");
		return errs->len - before;
	}
	for (size_t i = 0; i < finalizers->len; i++) {
		const char *f = cf_node_as_str(finalizers->v.items[i]);
		const char *msgs[CF_VALIDATE_MAX_MSGS];
		size_t n;

		if (!f) {
			cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID,
			    cf_arena_printf(a, "%s[%zu]", path, i), NULL,
			    "must be a string");
			continue;
		}
		n = cf_validate_qualified_name(a, f, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID, path, f,
			    msgs[k]);
		orphan |= !strcmp(f, "orphan");
		foreground |= !strcmp(f, "foregroundDeletion");
	}
	/* The garbage collector cannot both orphan and delete dependents. */
	if (orphan && foreground)
		cf_field_errs_add(a, errs, CF_FIELD_INVALID, path,
		    go_string_slice(a, finalizers),
		    "finalizer orphan and foregroundDeletion cannot be both set");
	return errs->len - before;
}

size_t cf_validate_owner_refs(cf_arena *a, cf_field_errs *errs,
    const cf_node *refs, const char *path)
{
	size_t before = errs->len;
	const char *first = NULL;

	if (!refs || refs->type == CF_NODE_NULL)
		return 0;
	if (refs->type != CF_NODE_SEQ) {
		cf_field_errs_add(a, errs, CF_FIELD_TYPE_INVALID, path, NULL,
		    "must be a list of owner references");
		return errs->len - before;
	}
	/* Kubernetes reports these at the list's path plus the field name,
	 * without the index: "metadata.ownerReferences.uid". */
	for (size_t i = 0; i < refs->len; i++) {
		const cf_node *r = refs->v.items[i];
		const char *av = cf_node_getp_str(r, "apiVersion", NULL);
		const char *kind = cf_node_getp_str(r, "kind", NULL);
		const char *name = cf_node_getp_str(r, "name", NULL);
		const char *uid = cf_node_getp_str(r, "uid", NULL);
		const cf_node *ctl = cf_node_get(r, "controller");
		const char *slash = av ? strchr(av, '/') : NULL;
		bool no_version = !av || !*av || (slash && (!slash[1] ||
		    strchr(slash + 1, '/')));

		if (no_version)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    cf_arena_printf(a, "%s.apiVersion", path), av,
			    "version must not be empty");
		if (!kind || !*kind)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    cf_arena_printf(a, "%s.kind", path), kind,
			    "kind must not be empty");
		if (!name || !*name)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    cf_arena_printf(a, "%s.name", path), name,
			    "name must not be empty");
		if (!uid || !*uid)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    cf_arena_printf(a, "%s.uid", path), uid,
			    "uid must not be empty");
		if (!cf_node_is(ctl, CF_NODE_BOOL) || !ctl->v.b)
			continue;
		/* At most one owner may be the managing controller. */
		if (first)
			cf_field_errs_add(a, errs, CF_FIELD_INVALID, path, NULL,
			    cf_arena_printf(a, "Only one reference can have "
			    "Controller set to true. Found \"true\" in references "
			    "for %s and %s/%s", first, kind ? kind : "",
			    name ? name : ""));
		else
			first = cf_arena_printf(a, "%s/%s", kind ? kind : "",
			    name ? name : "");
	}
	return errs->len - before;
}

/*
 * The order of checks follows ValidateObjectMeta so that aggregated
 * messages list problems in the order kube-apiserver lists them:
 * generateName, name, namespace, labels, annotations.
 */
size_t cf_validate_object_meta(cf_arena *a, cf_field_errs *errs,
    const cf_node *obj, enum cf_name_rule rule, bool namespaced)
{
	const cf_node *md = cf_node_get(obj, "metadata");
	const char *name = cf_node_getp_str(md, "name", NULL);
	const char *gen = cf_node_getp_str(md, "generateName", NULL);
	const char *ns = cf_node_getp_str(md, "namespace", NULL);
	const char *msgs[CF_VALIDATE_MAX_MSGS];
	size_t before = errs->len, n;
	int64_t gen_n;

	if (gen && *gen) {
		n = cf_validate_name(a, rule, gen, true, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    "metadata.generateName", gen, msgs[k]);
	}
	if (!name || !*name) {
		cf_field_errs_add(a, errs, CF_FIELD_REQUIRED, "metadata.name",
		    "\"\"", "name or generateName is required");
	} else {
		n = cf_validate_name(a, rule, name, false, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    "metadata.name", name, msgs[k]);
	}
	if (namespaced && (!ns || !*ns)) {
		cf_field_errs_add(a, errs, CF_FIELD_REQUIRED,
		    "metadata.namespace", "\"\"", NULL);
	} else if (namespaced) {
		n = cf_validate_dns1123_label(a, ns, msgs);
		for (size_t k = 0; k < n; k++)
			cf_field_errs_add_str(a, errs, CF_FIELD_INVALID,
			    "metadata.namespace", ns, msgs[k]);
	} else if (ns && *ns) {
		cf_field_errs_add(a, errs, CF_FIELD_FORBIDDEN,
		    "metadata.namespace", NULL, "not allowed on this type");
	}
	if (cf_node_as_int(cf_node_get(md, "generation"), &gen_n) && gen_n < 0)
		cf_field_errs_add(a, errs, CF_FIELD_INVALID, "metadata.generation",
		    cf_arena_printf(a, "%" PRId64, gen_n),
		    "must be greater than or equal to 0");
	cf_validate_labels(a, errs, cf_node_get(md, "labels"),
	    "metadata.labels");
	cf_validate_annotations(a, errs, cf_node_get(md, "annotations"),
	    "metadata.annotations");
	cf_validate_owner_refs(a, errs, cf_node_get(md, "ownerReferences"),
	    "metadata.ownerReferences");
	cf_validate_finalizers(a, errs, cf_node_get(md, "finalizers"),
	    "metadata.finalizers");
	return errs->len - before;
}

/* ---- generateName ---- */

static const char gen_alphabet[] = "bcdfghjklmnpqrstvwxz2456789";

char *cf_name_generate_from(cf_arena *a, const char *base,
    const uint8_t rnd[CF_GENERATE_SUFFIX_LEN])
{
	size_t blen = strlen(base);
	char *out;

	/* Like Kubernetes, keep the result a valid label by cutting the base
	 * rather than refusing it. */
	if (blen > CF_GENERATE_BASE_MAX)
		blen = CF_GENERATE_BASE_MAX;
	out = cf_arena_alloc(a, blen + CF_GENERATE_SUFFIX_LEN + 1);
	memcpy(out, base, blen);
	for (size_t i = 0; i < CF_GENERATE_SUFFIX_LEN; i++)
		out[blen + i] = gen_alphabet[rnd[i] % (sizeof(gen_alphabet) - 1)];
	out[blen + CF_GENERATE_SUFFIX_LEN] = '\0';
	return out;
}

char *cf_name_generate(cf_arena *a, const char *base)
{
	uint8_t rnd[CF_GENERATE_SUFFIX_LEN] = { 0 };
	size_t got = 0;

	while (got < sizeof(rnd)) {
		ssize_t r = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (r <= 0)
			CF_BUG("getrandom failed");
		got += (size_t)r;
	}
	return cf_name_generate_from(a, base, rnd);
}
