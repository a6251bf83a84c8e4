/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "core/error.h"
#include "runtime/key.h"

/* Copy s into dst of size cap+1; refuse rather than truncate, because a
 * truncated name would silently address another object. */
static int put(char *dst, size_t cap, const char *s, const char *what)
{
	size_t n = s ? strlen(s) : 0;

	if (n > cap)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "key %s is longer than %zu bytes", what, cap);
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int cf_key_set(cf_key *out, const char *group, const char *kind,
    const char *ns, const char *name)
{
	memset(out, 0, sizeof(*out));
	if (!kind || !*kind || !name || !*name)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "key needs a kind and a name");
	if (put(out->group, CF_KEY_GROUP_MAX, group, "group") < 0 ||
	    put(out->kind, CF_KEY_KIND_MAX, kind, "kind") < 0 ||
	    put(out->ns, CF_KEY_NS_MAX, ns, "namespace") < 0 ||
	    put(out->name, CF_KEY_NAME_MAX, name, "name") < 0) {
		memset(out, 0, sizeof(*out));
		return CF_EINVALID;
	}
	return 0;
}

bool cf_key_equal(const cf_key *a, const cf_key *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->ns, b->ns) &&
	    !strcmp(a->kind, b->kind) && !strcmp(a->group, b->group);
}

static unsigned long fnv(unsigned long h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ul;
	return (h ^ 0xffu) * 1099511628211ul; /* separator */
}

unsigned long cf_key_hash(const cf_key *k)
{
	unsigned long h = 14695981039346656037ul;

	h = fnv(h, k->group);
	h = fnv(h, k->kind);
	h = fnv(h, k->ns);
	return fnv(h, k->name);
}
