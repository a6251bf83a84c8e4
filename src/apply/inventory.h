/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A Kustomization's inventory: the objects it applied, as Flux writes them
 * in status.inventory.entries[] ({id: "<ns>_<name>_<group>_<Kind>", v}).
 * Parsing and writing ids and entry lists, membership and the stale set
 * (old - new). No I/O: reading the live objects is apply.h's business.
 * Everything lives in the caller's arena.
 */
#ifndef CF_APPLY_INVENTORY_H
#define CF_APPLY_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"

/* Caps on what is read from a stored status. */
#define CF_INV_MAX_ENTRIES 100000
#define CF_INV_MAX_ID 1024

/* One object's identity (ns, name, group, kind) and its version. Every
 * string is non-NULL; "" for the core group or a cluster-scoped object. */
typedef struct cf_inv_entry {
	const char *ns, *name, *group, *kind, *version;
} cf_inv_entry;

/* An ordered list of entries (apply order), arena-backed. */
typedef struct cf_inventory {
	cf_inv_entry *v;
	size_t len, alloc;
} cf_inventory;

#define CF_INVENTORY_INIT { 0 }

/* Parse an id ("default_app_apps_Deployment", "__ns__Namespace"); "__" in
 * the name reads back as ':'. version is set to "". Strings are copied to
 * a. CF_EINVALID for a malformed id, CF_ETOOLARGE past CF_INV_MAX_ID. */
int cf_inv_id_parse(cf_inv_entry *out, cf_arena *a, const char *id);

/* The id of e, allocated from a (':' in the name written as "__"). */
char *cf_inv_id_format(cf_arena *a, const cf_inv_entry *e);

/* "Kind/ns/name", or "Kind/name" when cluster-scoped (Flux's subject
 * in change sets and health messages), from a. */
char *cf_inv_subject(cf_arena *a, const cf_inv_entry *e);

/* "group/version", or "version" for the core group, from a. */
char *cf_inv_api_version(cf_arena *a, const cf_inv_entry *e);

/* Read {entries: [{id, v}]} (a Kustomization's status.inventory; NULL or
 * absent entries give an empty inventory). Appends to *out. CF_EINVALID
 * for a bad entry, CF_ETOOLARGE past CF_INV_MAX_ENTRIES. */
int cf_inv_from_node(cf_inventory *out, cf_arena *a, const cf_node *inv);

/* {entries: [{id, v}, ...]} in list order, from a. */
cf_node *cf_inv_to_node(cf_arena *a, const cf_inventory *inv);

/* Append a copy of e's pointers (the strings must outlive inv). */
void cf_inv_add(cf_inventory *inv, cf_arena *a, const cf_inv_entry *e);

/* Same object: ns, name, group and kind equal (the version is not part
 * of an object's identity). */
bool cf_inv_same(const cf_inv_entry *x, const cf_inv_entry *y);

/* Whether inv holds an entry with e's identity. */
bool cf_inv_contains(const cf_inventory *inv, const cf_inv_entry *e);

/* Append to *stale every entry of old whose identity is not in new, in
 * old's order, with old's version (what it was applied as). */
void cf_inv_diff(cf_inventory *stale, cf_arena *a, const cf_inventory *old,
    const cf_inventory *new_inv);

#endif
