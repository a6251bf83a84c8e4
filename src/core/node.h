/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cf_node: the one in-memory model for JSON and YAML documents (the JSON
 * data model: null, bool, integer, float, string, sequence, map). Nodes and
 * their strings live in a cf_arena; nothing here frees. Maps keep their
 * insertion order; writers decide whether to sort.
 *
 * Parsing lives in json.h and yaml.h, writing in json.h and yaml_emit.h.
 */
#ifndef CF_CORE_NODE_H
#define CF_CORE_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

enum cf_node_type {
	CF_NODE_NULL = 0,
	CF_NODE_BOOL,
	CF_NODE_INT,   /* v.i; with CF_NODE_F_UINT, v.u holds a value > INT64_MAX */
	CF_NODE_FLOAT, /* v.f */
	CF_NODE_STR,   /* v.s, len bytes, NUL-terminated (may hold NULs) */
	CF_NODE_SEQ,   /* v.items[0..len) */
	CF_NODE_MAP,   /* v.pairs[0..len), insertion order */
};

enum cf_node_flags {
	CF_NODE_F_UINT = 1 << 0,   /* CF_NODE_INT stored in v.u */
	CF_NODE_F_BIGNUM = 1 << 1, /* number text kept in num (too big) */
	/* bit 6 is CF_YAML_F_NONSTR_KEYS (core/yaml.h): a map read from YAML
	 * had a non-string key */
};

typedef struct cf_node cf_node;

typedef struct cf_pair {
	const char *key; /* NUL-terminated */
	uint32_t klen;
	cf_node *val;
} cf_pair;

struct cf_node {
	uint8_t type;  /* enum cf_node_type */
	uint8_t flags; /* enum cf_node_flags */
	uint32_t len;   /* string bytes, or item/pair count */
	uint32_t alloc; /* capacity of items/pairs */
	const char *num; /* original text of a number, or NULL */
	union {
		bool b;
		int64_t i;
		uint64_t u;
		double f;
		const char *s;
		cf_node **items;
		cf_pair *pairs;
	} v;
};

/* Constructors: all allocate from a and never fail. */
cf_node *cf_node_null(cf_arena *a);
cf_node *cf_node_bool(cf_arena *a, bool b);
cf_node *cf_node_int(cf_arena *a, int64_t i);
cf_node *cf_node_float(cf_arena *a, double f);
cf_node *cf_node_str(cf_arena *a, const char *s);         /* copies */
cf_node *cf_node_strn(cf_arena *a, const char *s, size_t n); /* copies */
cf_node *cf_node_str_borrow(cf_arena *a, const char *s, size_t n); /* no copy */
cf_node *cf_node_seq(cf_arena *a);
cf_node *cf_node_map(cf_arena *a);

/* Queries. All accept NULL and return NULL/false/default for it. */
static inline bool cf_node_is(const cf_node *n, enum cf_node_type t)
{
	return n && n->type == t;
}
/* Map lookup by key; NULL if n is not a map or has no such key. */
cf_node *cf_node_get(const cf_node *map, const char *key);
cf_node *cf_node_getn(const cf_node *map, const char *key, size_t klen);
/* Walk a NULL-terminated list of map keys: cf_node_getp(o, "metadata",
 * "name", NULL). */
cf_node *cf_node_getp(const cf_node *n, ...);
/* The string value of n (NULL unless a string). */
const char *cf_node_as_str(const cf_node *n);
/* String at a key path, or NULL. */
const char *cf_node_getp_str(const cf_node *n, ...);
/* Integer value (ints, and floats with no fraction); false otherwise. */
bool cf_node_as_int(const cf_node *n, int64_t *out);
cf_node *cf_node_at(const cf_node *seq, size_t i);
size_t cf_node_count(const cf_node *n); /* items/pairs; 0 for scalars */

/* Deep equality of the JSON values (map order ignored; 1 equals 1.0). */
bool cf_node_equal(const cf_node *a, const cf_node *b);

/* Mutations (the node must be owned by the caller's arena). */
/* Set key to val, replacing an existing value in place (order kept). The
 * key is copied. */
void cf_node_set(cf_arena *a, cf_node *map, const char *key, cf_node *val);
void cf_node_setn(cf_arena *a, cf_node *map, const char *key, size_t klen,
    cf_node *val);
/* Get the map at key, creating an empty one (or replacing a non-map). */
cf_node *cf_node_set_map(cf_arena *a, cf_node *map, const char *key);
/* Remove key; returns true if it was there. */
bool cf_node_del(cf_node *map, const char *key);
void cf_node_push(cf_arena *a, cf_node *seq, cf_node *val);
void cf_node_insert(cf_arena *a, cf_node *seq, size_t at, cf_node *val);
void cf_node_remove(cf_node *seq, size_t at);

/* Deep copy into a (strings copied too). */
cf_node *cf_node_dup(cf_arena *a, const cf_node *n);
/* The same deep copy in one allocation of exactly cf_node_packed_size(n)
 * bytes, strings packed without padding after the nodes: for copies that
 * live long (caches), at about 85% of cf_node_dup's size. */
size_t cf_node_packed_size(const cf_node *n);
cf_node *cf_node_dup_packed(cf_arena *a, const cf_node *n);

/* Sort a map's pairs by key, bytewise (Go's encoding/json map order). */
void cf_node_sort_keys(cf_node *map);

#endif
