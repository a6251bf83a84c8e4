/* SPDX-License-Identifier: Apache-2.0 */
#include "apiserver/meta.h"
#include "core/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <time.h>

void cf_meta_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cf_meta_now_micro(char out[40])
{
	struct timeval tv;
	struct tm tm;
	char s[32];

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 40, "%s.%06ldZ", s, (long)tv.tv_usec);
}

void cf_meta_uuid(char out[37])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
		/* getrandom on Linux does not fail for 16 bytes once seeded */
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

int64_t cf_meta_rv(const cf_node *obj)
{
	const char *s = cf_node_getp_str(obj, "metadata", "resourceVersion", NULL);
	char *end;
	long long v;

	if (!s || !*s)
		return 0;
	v = strtoll(s, &end, 10);
	return *end || v < 0 ? -1 : v;
}

void cf_meta_set_rv(cf_arena *a, cf_node *obj, int64_t rv)
{
	cf_node *md = cf_node_set_map(a, obj, "metadata");

	cf_node_set(a, md, "resourceVersion",
	    cf_node_str(a, cf_arena_printf(a, "%" PRId64, rv)));
}

bool cf_meta_deleting(const cf_node *obj)
{
	return cf_node_getp(obj, "metadata", "deletionTimestamp", NULL) != NULL;
}

size_t cf_meta_finalizer_count(const cf_node *obj)
{
	return cf_node_count(cf_node_getp(obj, "metadata", "finalizers", NULL));
}

bool cf_meta_has_finalizer(const cf_node *obj, const char *f)
{
	const cf_node *l = cf_node_getp(obj, "metadata", "finalizers", NULL);

	for (size_t i = 0; i < cf_node_count(l); i++) {
		const char *s = cf_node_as_str(cf_node_at(l, i));
		if (s && !strcmp(s, f))
			return true;
	}
	return false;
}

void cf_meta_add_finalizer(cf_arena *a, cf_node *obj, const char *f)
{
	cf_node *md = cf_node_set_map(a, obj, "metadata");
	cf_node *l = cf_node_get(md, "finalizers");

	if (cf_meta_has_finalizer(obj, f))
		return;
	if (!cf_node_is(l, CF_NODE_SEQ)) {
		l = cf_node_seq(a);
		cf_node_set(a, md, "finalizers", l);
	}
	cf_node_push(a, l, cf_node_str(a, f));
}

void cf_meta_remove_finalizer(cf_node *obj, const char *f)
{
	cf_node *md = cf_node_get(obj, "metadata");
	cf_node *l = cf_node_get(md, "finalizers");

	for (size_t i = 0; i < cf_node_count(l);) {
		const char *s = cf_node_as_str(cf_node_at(l, i));
		if (s && !strcmp(s, f))
			cf_node_remove(l, i);
		else
			i++;
	}
	if (l && !cf_node_count(l))
		cf_node_del(md, "finalizers");
}

/* Fields clients may not set: they always come from the stored object. */
static const char *const server_fields[] = { "uid", "creationTimestamp",
	"generation", "deletionTimestamp", "deletionGracePeriodSeconds",
	"selfLink" };

void cf_meta_prepare_create(cf_arena *a, cf_node *obj, const cf_meta_kind *k,
    int64_t rv)
{
	cf_node *md = cf_node_set_map(a, obj, "metadata");
	char uid[37], now[32];

	for (size_t i = 0; i < sizeof(server_fields) / sizeof(*server_fields); i++)
		cf_node_del(md, server_fields[i]);
	cf_meta_uuid(uid);
	cf_meta_now(now);
	cf_node_set(a, md, "uid", cf_node_str(a, uid));
	cf_node_set(a, md, "creationTimestamp", cf_node_str(a, now));
	if (k->tracks_generation)
		cf_node_set(a, md, "generation", cf_node_int(a, 1));
	if (k->is_crd_resource && k->status_subresource)
		cf_node_del(obj, "status");
	cf_meta_set_rv(a, obj, rv);
}

/* Keys that do not count as desired state. */
static bool skip_key(const char *k, bool status_sub)
{
	return !strcmp(k, "metadata") || (status_sub && !strcmp(k, "status"));
}

/* True if a and b differ anywhere outside metadata (and status, when it is
 * a subresource: without one, status changes bump generation too). */
static bool spec_changed(const cf_node *a, const cf_node *b, bool status_sub)
{
	size_t na = 0, nb = 0;

	for (uint32_t i = 0; i < a->len; i++) {
		const cf_pair *p = &a->v.pairs[i];
		const cf_node *o;
		if (skip_key(p->key, status_sub))
			continue;
		na++;
		o = cf_node_getn(b, p->key, p->klen);
		if (!o || !cf_node_equal(p->val, o))
			return true;
	}
	for (uint32_t i = 0; i < b->len; i++)
		if (!skip_key(b->v.pairs[i].key, status_sub))
			nb++;
	return na != nb;
}

/* Finalizers may only be removed once deletion has started. */
static int check_finalizers(const cf_node *obj, const cf_node *old)
{
	const cf_node *l = cf_node_getp(obj, "metadata", "finalizers", NULL);

	if (!cf_meta_deleting(old))
		return 0;
	for (size_t i = 0; i < cf_node_count(l); i++) {
		const char *f = cf_node_as_str(cf_node_at(l, i));
		if (f && !cf_meta_has_finalizer(old, f))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"%s\"}",
			    f);
	}
	return 0;
}

int cf_meta_prepare_update(cf_arena *a, cf_node *obj, const cf_node *old,
    const cf_meta_kind *k, bool status_write, int64_t rv)
{
	cf_node *md = cf_node_set_map(a, obj, "metadata");
	const cf_node *omd = cf_node_get(old, "metadata");
	int64_t gen = 0;

	if (status_write) {
		/* /status: only status changes; metadata except managedFields too */
		cf_node *status = cf_node_get(obj, "status");
		cf_node *mf = cf_node_get(md, "managedFields");
		cf_node *copy = cf_node_dup(a, old);
		*obj = *copy;
		md = cf_node_set_map(a, obj, "metadata");
		if (status)
			cf_node_set(a, obj, "status", status);
		else
			cf_node_del(obj, "status");
		if (mf)
			cf_node_set(a, md, "managedFields", mf);
		cf_meta_set_rv(a, obj, rv);
		return 0;
	}
	if (check_finalizers(obj, old) < 0)
		return CF_EINVALID;
	for (size_t i = 0; i < sizeof(server_fields) / sizeof(*server_fields); i++) {
		const cf_node *v = cf_node_get(omd, server_fields[i]);
		if (v)
			cf_node_set(a, md, server_fields[i], cf_node_dup(a, v));
		else
			cf_node_del(md, server_fields[i]);
	}
	if (k->status_subresource) {
		const cf_node *st = cf_node_get(old, "status");
		if (st)
			cf_node_set(a, obj, "status", cf_node_dup(a, st));
		else
			cf_node_del(obj, "status");
	}
	(void)gen;
	cf_meta_set_rv(a, obj, rv);
	return 0;
}

void cf_meta_bump_generation(cf_arena *a, cf_node *obj, const cf_node *old,
    const cf_meta_kind *k)
{
	int64_t gen;

	if (k->tracks_generation &&
	    cf_node_as_int(cf_node_getp(old, "metadata", "generation", NULL), &gen) &&
	    spec_changed(obj, old, k->status_subresource))
		cf_node_set(a, cf_node_set_map(a, obj, "metadata"), "generation",
		    cf_node_int(a, gen + 1));
}
