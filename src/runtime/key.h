/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cf_key: what a work queue holds and a reconciler receives (STYLE.md §3,
 * controller-runtime's Request with the kind added). Plain data with inline
 * strings sized to Kubernetes' own limits, so a key is copied by value
 * across threads and no pointer outlives a pass.
 */
#ifndef CF_RUNTIME_KEY_H
#define CF_RUNTIME_KEY_H

#include <stdbool.h>

#define CF_KEY_GROUP_MAX 253 /* DNS subdomain */
#define CF_KEY_KIND_MAX 63
#define CF_KEY_NS_MAX 63     /* DNS label */
#define CF_KEY_NAME_MAX 253  /* DNS subdomain */

typedef struct cf_key {
	char group[CF_KEY_GROUP_MAX + 1]; /* "" = core */
	char kind[CF_KEY_KIND_MAX + 1];
	char ns[CF_KEY_NS_MAX + 1];       /* "" = cluster-scoped */
	char name[CF_KEY_NAME_MAX + 1];
} cf_key;

#define CF_KEY_INIT { "", "", "", "" }

/* Fill *out; group and ns may be NULL (""). Returns 0, or CF_EINVALID
 * when a part is longer than Kubernetes allows or name/kind is empty
 * (*out is then left zeroed). */
int cf_key_set(cf_key *out, const char *group, const char *kind,
    const char *ns, const char *name);

bool cf_key_equal(const cf_key *a, const cf_key *b);
/* FNV-1a over the four parts (separated, so "a/b"+"c" != "a"+"b/c"). */
unsigned long cf_key_hash(const cf_key *k);

#endif
