/* SPDX-License-Identifier: Apache-2.0 */
#include "kube/jsonpatch.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * Atomicity comes from working on a deep copy and only publishing it when
 * every operation succeeded. Copying costs one pass over the object, which
 * is small next to decoding and storing it, and keeps every operation free
 * of rollback code.
 */

enum op { OP_ADD, OP_REMOVE, OP_REPLACE, OP_MOVE, OP_COPY, OP_TEST };

static const char *const op_names[] = {
	"add", "remove", "replace", "move", "copy", "test",
};

static int op_parse(const char *s)
{
	for (size_t i = 0; s && i < sizeof(op_names) / sizeof(op_names[0]); i++)
		if (!strcmp(op_names[i], s))
			return (int)i;
	return -1;
}

/* One decoded reference token (~1 → /, ~0 → ~), arena string. Returns
 * NULL for a malformed escape. *rest moves past the token. */
static char *next_token(cf_arena *a, const char **rest)
{
	const char *s = *rest + 1; /* skip '/' */
	const char *end = strchr(s, '/');
	size_t n = end ? (size_t)(end - s) : strlen(s), k = 0;
	char *tok = cf_arena_alloc(a, n + 1);

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '~') {
			tok[k++] = s[i];
			continue;
		}
		if (i + 1 >= n || (s[i + 1] != '0' && s[i + 1] != '1'))
			return NULL;
		tok[k++] = s[i + 1] == '0' ? '~' : '/';
		i++;
	}
	tok[k] = '\0';
	*rest = s + n;
	return tok;
}

/* An array index: digits, no leading zero; -1 when not one. */
/* RFC 6901: "01" is not an index; neither is "-1". */
static long parse_index(const char *t)
{
	char *end;
	long v;

	if (!*t || (t[0] == '0' && t[1]) || t[0] < '0' || t[0] > '9')
		return -1;
	v = strtol(t, &end, 10);
	return *end || v < 0 ? -1 : v;
}

/* Resolve pointer down to the parent container of its last token. */
/*
 * Every operation works on the container that holds the last token, so
 * resolve all but the last token and hand back the parent. Missing
 * intermediate members are errors for every op (add included).
 */
static int split_parent(cf_arena *a, cf_node *doc, const char *ptr,
    cf_node **parent, char **last)
{
	const char *rest = ptr;
	cf_node *cur = doc;

	if (ptr[0] != '/')
		return -1;
	for (;;) {
		char *tok = next_token(a, &rest);

		if (!tok)
			return -1;
		if (!*rest) {
			*parent = cur;
			*last = tok;
			return 0;
		}
		if (cf_node_is(cur, CF_NODE_MAP)) {
			cur = cf_node_get(cur, tok);
		} else if (cf_node_is(cur, CF_NODE_SEQ)) {
			long i = parse_index(tok);

			cur = i < 0 ? NULL : cf_node_at(cur, (size_t)i);
		} else {
			cur = NULL;
		}
		if (!cur)
			return -1;
	}
}

cf_node *cf_json_pointer_get(const cf_node *doc, const char *pointer)
{
	cf_arena tmp = CF_ARENA_INIT;
	cf_node *parent, *out = NULL;
	char *last;

	if (!pointer)
		return NULL;
	if (!*pointer)
		return (cf_node *)doc;
	if (split_parent(&tmp, (cf_node *)doc, pointer, &parent, &last) == 0) {
		if (cf_node_is(parent, CF_NODE_MAP)) {
			out = cf_node_get(parent, last);
		} else if (cf_node_is(parent, CF_NODE_SEQ)) {
			long i = parse_index(last);

			out = i < 0 ? NULL : cf_node_at(parent, (size_t)i);
		}
	}
	cf_arena_release(&tmp);
	return out;
}

/* evanphx/json-patch's wording, which kube-apiserver passes through. */
static int missing(const char *what, const char *path)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
	    "%s operation does not apply: doc is missing path: \"%s\": "
	    "missing value", what, path);
}

/* add: set a member, insert into an array or append with "-". */
static int do_add(cf_arena *a, cf_node **doc, const char *path, cf_node *val,
    const char *what)
{
	cf_node *parent;
	char *last;
	long i;

	if (!*path) {
		*doc = val;
		return 0;
	}
	if (split_parent(a, *doc, path, &parent, &last) < 0)
		return missing(what, path);
	if (cf_node_is(parent, CF_NODE_MAP)) {
		cf_node_set(a, parent, last, val);
		return 0;
	}
	if (!cf_node_is(parent, CF_NODE_SEQ))
		return missing(what, path);
	if (!strcmp(last, "-")) {
		cf_node_push(a, parent, val);
		return 0;
	}
	i = parse_index(last);
	if (i < 0 || (size_t)i > parent->len)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s operation does not apply: Unable to access invalid "
		    "index: %s: invalid index referenced", what, last);
	cf_node_insert(a, parent, (size_t)i, val);
	return 0;
}

/* Detach and return the value at path (remove, and the first half of
 * move); NULL with the error set when it is not there. */
static cf_node *do_remove(cf_arena *a, cf_node *doc, const char *path,
    const char *what)
{
	cf_node *parent, *v;
	char *last;
	long i;

	if (!*path || split_parent(a, doc, path, &parent, &last) < 0) {
		missing(what, path);
		return NULL;
	}
	if (cf_node_is(parent, CF_NODE_MAP)) {
		v = cf_node_get(parent, last);
		if (v)
			cf_node_del(parent, last);
	} else if (cf_node_is(parent, CF_NODE_SEQ)) {
		i = parse_index(last);
		v = i < 0 ? NULL : cf_node_at(parent, (size_t)i);
		if (v)
			cf_node_remove(parent, (size_t)i);
	} else {
		v = NULL;
	}
	if (!v)
		missing(what, path);
	return v;
}

/* replace = remove + add at the same place, but must find the target:
 * a missing member is an error (unlike add). */
static int do_replace(cf_arena *a, cf_node **doc, const char *path,
    cf_node *val)
{
	cf_node *parent;
	char *last;
	long i;

	if (!*path) {
		*doc = val;
		return 0;
	}
	if (split_parent(a, *doc, path, &parent, &last) < 0)
		return missing("replace", path);
	if (cf_node_is(parent, CF_NODE_MAP)) {
		if (!cf_node_get(parent, last))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "replace operation does not apply: doc is missing "
			    "key: %s: missing value", path);
		cf_node_set(a, parent, last, val);
		return 0;
	}
	i = cf_node_is(parent, CF_NODE_SEQ) ? parse_index(last) : -1;
	if (i < 0 || (size_t)i >= parent->len)
		return missing("replace", path);
	parent->v.items[i] = val;
	return 0;
}

/* Check one operation's shape; sets the error. */
/*
 * Shape checks are done before anything is applied so that a malformed
 * patch is reported whole, even when an earlier op would also fail. The
 * real server treats a missing "value" as null; we refuse it as RFC 6902
 * requires, because a silent null is almost always a client bug.
 */
static int check_op(const cf_node *op, size_t idx, int *kind,
    const char **path, const char **from, const cf_node **value)
{
	const cf_node *p, *f;

	if (!cf_node_is(op, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "json: cannot unmarshal %s into Go value of type "
		    "jsonpatch.Operation", cf_node_is(op, CF_NODE_SEQ) ?
		    "array" : "value");
	*kind = op_parse(cf_node_as_str(cf_node_get(op, "op")));
	if (*kind < 0) {
		const char *k = cf_node_as_str(cf_node_get(op, "op"));

		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "Unexpected kind: %s", k ? k : "unknown");
	}
	p = cf_node_get(op, "path");
	if (!cf_node_is(p, CF_NODE_STR))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s operation failed to decode path (operation %zu)",
		    op_names[*kind], idx);
	*path = p->v.s;
	if (**path && **path != '/')
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s operation does not apply: invalid JSON pointer \"%s\"",
		    op_names[*kind], *path);
	*value = cf_node_get(op, "value");
	if (!*value && (*kind == OP_ADD || *kind == OP_REPLACE ||
	    *kind == OP_TEST))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "%s operation does not apply: missing value for path "
		    "\"%s\"", op_names[*kind], *path);
	*from = NULL;
	if (*kind == OP_MOVE || *kind == OP_COPY) {
		f = cf_node_get(op, "from");
		if (!cf_node_is(f, CF_NODE_STR))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "%s operation failed to decode from", op_names[*kind]);
		*from = f->v.s;
	}
	return 0;
}

int cf_jsonpatch_validate(const cf_node *patch)
{
	if (!cf_node_is(patch, CF_NODE_SEQ))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "json: cannot unmarshal %s into Go value of type "
		    "jsonpatch.Patch", cf_node_is(patch, CF_NODE_MAP) ?
		    "object" : "value");
	if (patch->len > CF_JSONPATCH_MAX_OPS)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "The allowed maximum operations in a JSON patch is %d, got %u",
		    CF_JSONPATCH_MAX_OPS, patch->len);
	for (size_t i = 0; i < patch->len; i++) {
		int kind;
		const char *path, *from;
		const cf_node *value;
		int err = check_op(patch->v.items[i], i, &kind, &path, &from,
		    &value);

		if (err < 0)
			return err;
	}
	return 0;
}

/* Apply one checked operation to *doc (the private copy). */
static int apply_op(cf_arena *a, cf_node **doc, int kind, const char *path,
    const char *from, const cf_node *value)
{
	cf_node *v;

	switch (kind) {
	case OP_ADD:
		return do_add(a, doc, path, cf_node_dup(a, value), "add");
	case OP_REMOVE:
		return do_remove(a, *doc, path, "remove") ? 0 : CF_EINVALID;
	case OP_REPLACE:
		return do_replace(a, doc, path, cf_node_dup(a, value));
	case OP_MOVE:
		if (!strcmp(from, path))
			return 0;
		/* A value cannot move into one of its own children. */
		if (!strncmp(path, from, strlen(from)) &&
		    path[strlen(from)] == '/')
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "move operation does not apply: from \"%s\" is a "
			    "prefix of path \"%s\"", from, path);
		if (!*from) {
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "move operation does not apply: cannot move the "
			    "whole document");
		}
		v = do_remove(a, *doc, from, "move");
		if (!v)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "move operation does not apply: doc is missing from "
			    "path: %s: missing value", from);
		return do_add(a, doc, path, v, "move");
	case OP_COPY:
		v = cf_json_pointer_get(*doc, from);
		if (!v)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "copy operation does not apply: doc is missing from "
			    "path: %s: missing value", from);
		return do_add(a, doc, path, cf_node_dup(a, v), "copy");
	case OP_TEST:
		v = cf_json_pointer_get(*doc, path);
		if (!v)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "testing value %s failed: missing value", path);
		if (!cf_node_equal(v, value))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "testing value %s failed: test failed", path);
		return 0;
	}
	CF_BUG("unknown JSON patch op %d", kind);
}

int cf_jsonpatch_apply(cf_arena *a, cf_node **doc, const cf_node *patch)
{
	cf_node *work;
	int err = cf_jsonpatch_validate(patch);

	if (err < 0)
		return err;
	work = *doc ? cf_node_dup(a, *doc) : cf_node_null(a);
	for (size_t i = 0; i < patch->len; i++) {
		int kind;
		const char *path, *from;
		const cf_node *value;

		check_op(patch->v.items[i], i, &kind, &path, &from, &value);
		err = apply_op(a, &work, kind, path, from, value);
		if (err < 0)
			return err;
	}
	*doc = work;
	return 0;
}
