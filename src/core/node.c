/* SPDX-License-Identifier: Apache-2.0 */
#include "core/node.h"
#include "core/alloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static cf_node *node_new(cf_arena *a, enum cf_node_type t)
{
	cf_node *n = CF_ARENA_NEW(a, cf_node);

	n->type = (uint8_t)t;
	return n;
}

cf_node *cf_node_null(cf_arena *a)
{
	return node_new(a, CF_NODE_NULL);
}

cf_node *cf_node_bool(cf_arena *a, bool b)
{
	cf_node *n = node_new(a, CF_NODE_BOOL);

	n->v.b = b;
	return n;
}

cf_node *cf_node_int(cf_arena *a, int64_t i)
{
	cf_node *n = node_new(a, CF_NODE_INT);

	n->v.i = i;
	return n;
}

cf_node *cf_node_float(cf_arena *a, double f)
{
	cf_node *n = node_new(a, CF_NODE_FLOAT);

	n->v.f = f;
	return n;
}

cf_node *cf_node_str_borrow(cf_arena *a, const char *s, size_t len)
{
	cf_node *n = node_new(a, CF_NODE_STR);

	if (len > UINT32_MAX)
		CF_BUG("string too long for a node");
	n->v.s = s;
	n->len = (uint32_t)len;
	return n;
}

cf_node *cf_node_strn(cf_arena *a, const char *s, size_t len)
{
	return cf_node_str_borrow(a, cf_arena_strndup(a, s, len), len);
}

cf_node *cf_node_str(cf_arena *a, const char *s)
{
	return cf_node_strn(a, s, strlen(s));
}

cf_node *cf_node_seq(cf_arena *a)
{
	return node_new(a, CF_NODE_SEQ);
}

cf_node *cf_node_map(cf_arena *a)
{
	return node_new(a, CF_NODE_MAP);
}

cf_node *cf_node_getn(const cf_node *map, const char *key, size_t klen)
{
	if (!map || map->type != CF_NODE_MAP)
		return NULL;
	for (uint32_t i = 0; i < map->len; i++) {
		const cf_pair *p = &map->v.pairs[i];
		if (p->klen == klen && !memcmp(p->key, key, klen))
			return p->val;
	}
	return NULL;
}

cf_node *cf_node_get(const cf_node *map, const char *key)
{
	return cf_node_getn(map, key, strlen(key));
}

static cf_node *vgetp(const cf_node *n, va_list ap)
{
	const char *k;

	while (n && (k = va_arg(ap, const char *)))
		n = cf_node_get(n, k);
	return (cf_node *)n;
}

cf_node *cf_node_getp(const cf_node *n, ...)
{
	va_list ap;
	cf_node *r;

	va_start(ap, n);
	r = vgetp(n, ap);
	va_end(ap);
	return r;
}

const char *cf_node_as_str(const cf_node *n)
{
	return n && n->type == CF_NODE_STR ? n->v.s : NULL;
}

const char *cf_node_getp_str(const cf_node *n, ...)
{
	va_list ap;
	cf_node *r;

	va_start(ap, n);
	r = vgetp(n, ap);
	va_end(ap);
	return cf_node_as_str(r);
}

bool cf_node_as_int(const cf_node *n, int64_t *out)
{
	if (!n)
		return false;
	if (n->type == CF_NODE_INT && !(n->flags & CF_NODE_F_UINT)) {
		*out = n->v.i;
		return true;
	}
	if (n->type == CF_NODE_FLOAT && n->v.f == floor(n->v.f) &&
	    fabs(n->v.f) < 9.2e18) {
		*out = (int64_t)n->v.f;
		return true;
	}
	return false;
}

cf_node *cf_node_at(const cf_node *seq, size_t i)
{
	if (!seq || seq->type != CF_NODE_SEQ || i >= seq->len)
		return NULL;
	return seq->v.items[i];
}

size_t cf_node_count(const cf_node *n)
{
	if (!n || (n->type != CF_NODE_SEQ && n->type != CF_NODE_MAP))
		return 0;
	return n->len;
}

static bool num_equal(const cf_node *a, const cf_node *b)
{
	if (a->type == CF_NODE_INT && b->type == CF_NODE_INT) {
		if ((a->flags ^ b->flags) & CF_NODE_F_UINT)
			return false;
		return a->v.i == b->v.i;
	}
	double x = a->type == CF_NODE_FLOAT ? a->v.f :
	    (a->flags & CF_NODE_F_UINT) ? (double)a->v.u : (double)a->v.i;
	double y = b->type == CF_NODE_FLOAT ? b->v.f :
	    (b->flags & CF_NODE_F_UINT) ? (double)b->v.u : (double)b->v.i;
	return x == y;
}

bool cf_node_equal(const cf_node *a, const cf_node *b)
{
	bool an = a->type == CF_NODE_INT || a->type == CF_NODE_FLOAT;
	bool bn = b->type == CF_NODE_INT || b->type == CF_NODE_FLOAT;

	if (an && bn)
		return num_equal(a, b);
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case CF_NODE_NULL:
		return true;
	case CF_NODE_BOOL:
		return a->v.b == b->v.b;
	case CF_NODE_STR:
		return a->len == b->len && !memcmp(a->v.s, b->v.s, a->len);
	case CF_NODE_SEQ:
		if (a->len != b->len)
			return false;
		for (uint32_t i = 0; i < a->len; i++)
			if (!cf_node_equal(a->v.items[i], b->v.items[i]))
				return false;
		return true;
	case CF_NODE_MAP:
		if (a->len != b->len)
			return false;
		for (uint32_t i = 0; i < a->len; i++) {
			const cf_pair *p = &a->v.pairs[i];
			/* Same position first: the common case is same order. */
			const cf_node *o = (b->v.pairs[i].klen == p->klen &&
			    !memcmp(b->v.pairs[i].key, p->key, p->klen)) ?
			    b->v.pairs[i].val : cf_node_getn(b, p->key, p->klen);
			if (!o || !cf_node_equal(p->val, o))
				return false;
		}
		return true;
	}
	return false;
}

/* Grow an arena-owned array: the old block is simply abandoned. */
static void *arena_grow(cf_arena *a, void *old, uint32_t *alloc, uint32_t need,
    size_t sz)
{
	uint32_t n = *alloc ? *alloc : 4;
	void *p;

	if (need <= *alloc)
		return old;
	while (n < need) {
		if (n > UINT32_MAX / 2)
			CF_BUG("node too large");
		n *= 2;
	}
	p = cf_arena_alloc(a, (size_t)n * sz);
	if (*alloc)
		memcpy(p, old, (size_t)*alloc * sz);
	*alloc = n;
	return p;
}

void cf_node_setn(cf_arena *a, cf_node *map, const char *key, size_t klen,
    cf_node *val)
{
	cf_pair *p;

	if (map->type != CF_NODE_MAP)
		CF_BUG("cf_node_set on a non-map");
	for (uint32_t i = 0; i < map->len; i++) {
		p = &map->v.pairs[i];
		if (p->klen == klen && !memcmp(p->key, key, klen)) {
			p->val = val;
			return;
		}
	}
	map->v.pairs = arena_grow(a, map->v.pairs, &map->alloc, map->len + 1,
	    sizeof(cf_pair));
	p = &map->v.pairs[map->len++];
	p->key = cf_arena_strndup(a, key, klen);
	p->klen = (uint32_t)klen;
	p->val = val;
}

void cf_node_set(cf_arena *a, cf_node *map, const char *key, cf_node *val)
{
	cf_node_setn(a, map, key, strlen(key), val);
}

cf_node *cf_node_set_map(cf_arena *a, cf_node *map, const char *key)
{
	cf_node *n = cf_node_get(map, key);

	if (n && n->type == CF_NODE_MAP)
		return n;
	n = cf_node_map(a);
	cf_node_set(a, map, key, n);
	return n;
}

bool cf_node_del(cf_node *map, const char *key)
{
	size_t klen = strlen(key);

	if (!map || map->type != CF_NODE_MAP)
		return false;
	for (uint32_t i = 0; i < map->len; i++) {
		cf_pair *p = &map->v.pairs[i];
		if (p->klen == klen && !memcmp(p->key, key, klen)) {
			memmove(p, p + 1, (map->len - i - 1) * sizeof(*p));
			map->len--;
			return true;
		}
	}
	return false;
}

void cf_node_insert(cf_arena *a, cf_node *seq, size_t at, cf_node *val)
{
	if (seq->type != CF_NODE_SEQ || at > seq->len)
		CF_BUG("cf_node_insert out of range");
	seq->v.items = arena_grow(a, seq->v.items, &seq->alloc, seq->len + 1,
	    sizeof(cf_node *));
	memmove(seq->v.items + at + 1, seq->v.items + at,
	    (seq->len - at) * sizeof(cf_node *));
	seq->v.items[at] = val;
	seq->len++;
}

void cf_node_push(cf_arena *a, cf_node *seq, cf_node *val)
{
	cf_node_insert(a, seq, seq->len, val);
}

void cf_node_remove(cf_node *seq, size_t at)
{
	if (seq->type != CF_NODE_SEQ || at >= seq->len)
		CF_BUG("cf_node_remove out of range");
	memmove(seq->v.items + at, seq->v.items + at + 1,
	    (seq->len - at - 1) * sizeof(cf_node *));
	seq->len--;
}

/* ---- packed copies ---- */

_Static_assert(sizeof(cf_node) % _Alignof(cf_node) == 0 &&
    sizeof(cf_pair) % _Alignof(cf_node) == 0 &&
    sizeof(cf_node *) % _Alignof(cf_pair) == 0,
    "packed copies keep every node and array aligned");

/* A deep copy takes its memory through a copier: straight from an arena
 * (cf_node_dup), or carved from one block measured beforehand
 * (cf_node_dup_packed). */
struct copier {
	void *(*fixed)(void *ctx, size_t n);  /* nodes and arrays */
	const char *(*str)(void *ctx, const char *s, size_t n);
	void *ctx;
};

static cf_node *copy_node(const struct copier *cp, const cf_node *n)
{
	cf_node *c = cp->fixed(cp->ctx, sizeof(*c));

	*c = *n;
	if (n->num)
		c->num = cp->str(cp->ctx, n->num, strlen(n->num));
	switch (n->type) {
	case CF_NODE_STR:
		c->v.s = cp->str(cp->ctx, n->v.s, n->len);
		break;
	case CF_NODE_SEQ:
		c->alloc = n->len;
		c->v.items = n->len ? cp->fixed(cp->ctx,
		    (size_t)n->len * sizeof(cf_node *)) : NULL;
		for (uint32_t i = 0; i < n->len; i++)
			c->v.items[i] = copy_node(cp, n->v.items[i]);
		break;
	case CF_NODE_MAP:
		c->alloc = n->len;
		c->v.pairs = n->len ? cp->fixed(cp->ctx,
		    (size_t)n->len * sizeof(cf_pair)) : NULL;
		for (uint32_t i = 0; i < n->len; i++) {
			const cf_pair *src = &n->v.pairs[i];

			c->v.pairs[i].key = cp->str(cp->ctx, src->key,
			    src->klen);
			c->v.pairs[i].klen = src->klen;
			c->v.pairs[i].val = copy_node(cp, src->val);
		}
		break;
	default:
		break;
	}
	return c;
}

static void *arena_fixed(void *ctx, size_t n)
{
	return cf_arena_alloc(ctx, n);
}

static const char *arena_str(void *ctx, const char *s, size_t n)
{
	return cf_arena_strndup(ctx, s, n);
}

cf_node *cf_node_dup(cf_arena *a, const cf_node *n)
{
	const struct copier cp = { arena_fixed, arena_str, a };

	return n ? copy_node(&cp, n) : NULL;
}

struct packed {
	unsigned char *fixed; /* nodes and arrays, 8-aligned */
	char *str;            /* strings, unaligned */
};

static void packed_measure(const cf_node *n, size_t *fixed, size_t *str)
{
	*fixed += sizeof(*n);
	if (n->num)
		*str += strlen(n->num) + 1;
	switch (n->type) {
	case CF_NODE_STR:
		*str += (size_t)n->len + 1;
		break;
	case CF_NODE_SEQ:
		*fixed += (size_t)n->len * sizeof(cf_node *);
		for (uint32_t i = 0; i < n->len; i++)
			packed_measure(n->v.items[i], fixed, str);
		break;
	case CF_NODE_MAP:
		*fixed += (size_t)n->len * sizeof(cf_pair);
		for (uint32_t i = 0; i < n->len; i++) {
			*str += (size_t)n->v.pairs[i].klen + 1;
			packed_measure(n->v.pairs[i].val, fixed, str);
		}
		break;
	default:
		break;
	}
}

size_t cf_node_packed_size(const cf_node *n)
{
	size_t fixed = 0, str = 0;

	if (n)
		packed_measure(n, &fixed, &str);
	return fixed + str;
}

static void *packed_fixed(void *ctx, size_t n)
{
	struct packed *p = ctx;
	void *r = p->fixed;

	p->fixed += n;
	return r;
}

static const char *packed_str(void *ctx, const char *s, size_t n)
{
	struct packed *p = ctx;
	char *r = p->str;

	memcpy(r, s, n);
	r[n] = '\0';
	p->str += n + 1;
	return r;
}

cf_node *cf_node_dup_packed(cf_arena *a, const cf_node *n)
{
	size_t fixed = 0, str = 0;
	struct packed p;
	const struct copier cp = { packed_fixed, packed_str, &p };

	if (!n)
		return NULL;
	packed_measure(n, &fixed, &str);
	p.fixed = cf_arena_alloc(a, fixed + str);
	p.str = (char *)p.fixed + fixed;
	return copy_node(&cp, n);
}

static int pair_cmp(const void *x, const void *y)
{
	const cf_pair *a = x, *b = y;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int c = memcmp(a->key, b->key, n);

	if (c)
		return c;
	return a->klen < b->klen ? -1 : a->klen > b->klen;
}

void cf_node_sort_keys(cf_node *map)
{
	if (map && map->type == CF_NODE_MAP && map->len > 1)
		qsort(map->v.pairs, map->len, sizeof(cf_pair), pair_cmp);
}
