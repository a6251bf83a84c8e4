/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON patch (RFC 6902, application/json-patch+json) and the JSON
 * pointers (RFC 6901) it addresses with. A patch is applied atomically: on
 * any failure the document is left exactly as it was.
 */
#ifndef CF_KUBE_JSONPATCH_H
#define CF_KUBE_JSONPATCH_H

#include "core/arena.h"
#include "core/node.h"

/* The server's cap on operations in one patch. */
#define CF_JSONPATCH_MAX_OPS 10000

/*
 * Apply patch (a JSON array of {op, path, value|from}) to *doc. On
 * success *doc points at the patched document (a new tree allocated from
 * a; the old one is not modified); on failure *doc is unchanged.
 * Returns 0, or CF_EINVALID with a message naming the operation and path,
 * e.g. "replace operation does not apply: doc is missing path:
 * /spec/x: missing value", "testing value /a failed: test failed",
 * "Unexpected kind: frob", or "The allowed maximum operations in a JSON
 * patch is 10000, got 10001".
 */
int cf_jsonpatch_apply(cf_arena *a, cf_node **doc, const cf_node *patch);

/* Check the patch's shape (an array of objects with a known op, string
 * path, value/from where needed) without applying it. Returns 0 or
 * CF_EINVALID. */
int cf_jsonpatch_validate(const cf_node *patch);

/* Resolve a JSON pointer ("" is the whole document, "/a/0/b~1c") in doc;
 * NULL when any step is missing or the pointer is malformed. Borrowed. */
cf_node *cf_json_pointer_get(const cf_node *doc, const char *pointer);

#endif
