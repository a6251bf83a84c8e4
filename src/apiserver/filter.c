/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Label and field selectors of list, watch and deletecollection. Keys
 * (namespace, name) are checked on the raw store row so that the common
 * metadata.name / metadata.namespace selectors never parse an object.
 */
#include "apiserver/api_int.h"
#include "core/error.h"
#include "kube/scheme.h"
#include "kube/selector.h"

#include <string.h>

struct api_filter {
	cf_label_selector *labels; /* NULL: none */
	cf_field_selector *fields; /* NULL: none */
	const cf_resource_def *def;
	bool other_fields;         /* fields beyond metadata.name/namespace */
};

int api_filter_compile(api_req *r, api_filter **out)
{
	api_filter *f = cf_arena_zalloc(r->a, sizeof(*f));
	const char *ls = r->opts.label_selector, *fs = r->opts.field_selector;

	f->def = r->res.entry;
	if (ls && *ls && cf_label_selector_parse(&f->labels, r->a, ls) < 0) {
		api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
		return CF_EINVALID;
	}
	if (fs && *fs) {
		if (cf_field_selector_parse(&f->fields, r->a, fs) < 0 ||
		    cf_field_selector_check(f->fields, f->def) < 0) {
			api_fail(r, 400, "BadRequest", "%s", cf_error_msg());
			return CF_EINVALID;
		}
		for (size_t i = 0; i < f->fields->n; i++)
			if (strcmp(f->fields->reqs[i].field, "metadata.name") &&
			    strcmp(f->fields->reqs[i].field, "metadata.namespace"))
				f->other_fields = true;
	}
	*out = f;
	return 0;
}

bool api_filter_match_key(const api_filter *f, const char *ns,
    const char *name)
{
	if (!f || !f->fields)
		return true;
	for (size_t i = 0; i < f->fields->n; i++) {
		const cf_field_req *q = &f->fields->reqs[i];
		const char *v = !strcmp(q->field, "metadata.name") ? name :
		    !strcmp(q->field, "metadata.namespace") ? ns : NULL;
		if (v && (strcmp(v, q->value) == 0) == q->negate)
			return false;
	}
	return true;
}

bool api_filter_needs_object(const api_filter *f)
{
	return f && (f->labels || f->other_fields);
}

bool api_filter_match(const api_filter *f, const cf_node *obj)
{
	if (!f)
		return true;
	if (f->labels && !cf_label_selector_matches(f->labels,
	    cf_node_getp(obj, "metadata", "labels", NULL)))
		return false;
	if (f->other_fields && !cf_field_selector_matches(f->fields, f->def, obj))
		return false;
	return true;
}
