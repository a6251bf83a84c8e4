/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Label and field selectors: parsing the query-string forms with
 * apimachinery's grammar and error messages, building a label selector
 * from a metav1.LabelSelector object, and matching objects. Which fields
 * a kind can be selected on comes from the scheme (scheme.h).
 */
#ifndef CF_KUBE_SELECTOR_H
#define CF_KUBE_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"
#include "kube/scheme.h"

enum cf_sel_op {
	CF_SEL_EXISTS = 0,  /* k */
	CF_SEL_NOT_EXISTS,  /* !k */
	CF_SEL_EQ,          /* k=v */
	CF_SEL_DEQ,         /* k==v */
	CF_SEL_NE,          /* k!=v */
	CF_SEL_IN,          /* k in (a,b) */
	CF_SEL_NOTIN,       /* k notin (a,b) */
	CF_SEL_GT,          /* k>1 */
	CF_SEL_LT,          /* k<1 */
};

typedef struct cf_label_req {
	const char *key;
	enum cf_sel_op op;
	const char **values; /* sorted, unique */
	size_t nvalues;
} cf_label_req;

/* Plain data in an arena. Requirements are sorted by key; an empty list
 * matches everything, unless nothing is set (a null LabelSelector). */
typedef struct cf_label_selector {
	cf_label_req *reqs;
	size_t n;
	bool nothing;
} cf_label_selector;

/*
 * Parse a labelSelector query value ("app=web,tier in (a,b),!legacy").
 * *out is allocated from a. Returns 0, or CF_EINVALID with Kubernetes'
 * message, e.g. "unable to parse requirement: found '', expected: '('"
 * or "found ',', expected: ',' or 'end of string'".
 */
int cf_label_selector_parse(cf_label_selector **out, cf_arena *a,
    const char *text);
/*
 * A selector from a metav1.LabelSelector node ({matchLabels,
 * matchExpressions}). NULL or null selects nothing, {} everything.
 * Returns 0 or CF_EINVALID ("\"Foo\" is not a valid label selector
 * operator", or a key/value error).
 */
int cf_label_selector_from_node(cf_label_selector **out, cf_arena *a,
    const cf_node *sel);
/* Whether labels (a map of strings, or NULL) satisfy every requirement. */
bool cf_label_selector_matches(const cf_label_selector *s,
    const cf_node *labels);
/* The canonical text ("a=b,c in (x,y)"), arena string. */
char *cf_label_selector_string(cf_arena *a, const cf_label_selector *s);

/* ---- field selectors ---- */

typedef struct cf_field_req {
	const char *field;
	const char *value; /* unescaped */
	bool negate;       /* != */
} cf_field_req;

typedef struct cf_field_selector {
	cf_field_req *reqs; /* in sorted term order */
	size_t n;
} cf_field_selector;

/* Parse a fieldSelector value ("metadata.name=a,status.phase!=Running",
 * with \, \= \\ escapes). Returns 0 or CF_EINVALID ("invalid selector:
 * 'x'; can't understand 'x'", "invalid field selector: invalid escape
 * sequence: \\q"). */
int cf_field_selector_parse(cf_field_selector **out, cf_arena *a,
    const char *text);
/* Every field must be metadata.name, metadata.namespace (unless the
 * resource refuses it) or one of r's extra labels. Returns 0 or
 * CF_EINVALID "field label not supported: X" (the server's 400). */
int cf_field_selector_check(const cf_field_selector *s,
    const cf_resource_def *r);
/* Whether obj satisfies s; unknown fields never match. Values compare as
 * strings: booleans as "true"/"false", integers in decimal, an absent
 * field as the label's default. */
bool cf_field_selector_matches(const cf_field_selector *s,
    const cf_resource_def *r, const cf_node *obj);
/* A fieldSelector of the form metadata.name=N (how clients watch one
 * object): returns N, or NULL. Borrowed from s. */
const char *cf_field_selector_name(const cf_field_selector *s);

#endif
