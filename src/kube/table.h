/* SPDX-License-Identifier: Apache-2.0 */
/*
 * meta.k8s.io/v1 Table bodies for `kubectl get`: the column definitions
 * and ready-to-print cells kube-apiserver 1.32's printers produce for each
 * built-in kind, the generic Name/Created At fallback, and the variant a
 * CRD's additionalPrinterColumns drive. Rows carry the object as
 * PartialObjectMetadata, the whole object, or nothing (includeObject).
 * Serializing the node and choosing Table over JSON are the server's job.
 */
#ifndef CF_KUBE_TABLE_H
#define CF_KUBE_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/node.h"
#include "kube/scheme.h"

/* A column definition; for CR columns json_path says where the cell
 * comes from (the same fields as a CRD's additionalPrinterColumns). */
typedef struct cf_table_column {
	const char *name;        /* "Ready" */
	const char *type;        /* integer|number|string|boolean|date */
	const char *format;      /* "" or "name", "int32", ... */
	const char *description;
	int32_t priority;        /* > 0: shown with -o wide only */
	const char *json_path;   /* CR columns only */
} cf_table_column;

enum cf_table_include {
	CF_TABLE_INCLUDE_METADATA = 0, /* the default */
	CF_TABLE_INCLUDE_NONE,
	CF_TABLE_INCLUDE_OBJECT,
};

typedef struct cf_table_opts {
	int64_t now;                   /* unix seconds for ages; 0 = now */
	enum cf_table_include include;
	const char *resource_version;  /* list metadata; NULL = left out */
	const char *cont;              /* metadata.continue; NULL = none */
} cf_table_opts;

/* Parse the includeObject query value ("", None, Metadata, Object).
 * Returns 0 or CF_EINVALID. */
int cf_table_include_parse(enum cf_table_include *out, const char *s);

/* The columns kube-apiserver prints for r (static; Name first), or the
 * generic Name / Created At pair for kinds without a printer. */
size_t cf_table_columns(const cf_table_column **out, const cf_resource_def *r);

/*
 * A Table of objs for a built-in resource: {"kind":"Table","apiVersion":
 * "meta.k8s.io/v1","metadata":{…},"columnDefinitions":[…],"rows":[…]}.
 * Every cell is produced, wide ones included (kubectl hides priority > 0
 * columns itself). Allocated from a; never fails. opts may be NULL.
 */
cf_node *cf_table_build(cf_arena *a, const cf_resource_def *r,
    const cf_node *const *objs, size_t n, const cf_table_opts *opts);

/*
 * The same for custom resources: a Name column, then cols in order, each
 * cell found with its json_path and typed like kube-apiserver's CRD
 * table convertor (date → age, integer, number, boolean; string prints
 * any value as text; missing → null). An invalid json_path gives null
 * cells. When ncols is 0 an Age column is used, as the server does.
 */
cf_node *cf_table_build_custom(cf_arena *a, const cf_table_column *cols,
    size_t ncols, const cf_node *const *objs, size_t n,
    const cf_table_opts *opts);

/* Go's duration.HumanDuration ("45s", "3m20s", "5h12m", "3d4h", "2y3d",
 * "<invalid>" below -1 s). Writes into out and returns it. */
char *cf_human_duration(char out[32], int64_t seconds);

/* Parse an RFC 3339 time ("2026-01-02T03:04:05Z", fractions and offsets
 * allowed) to unix seconds. Returns 0 or CF_EINVALID. */
int cf_time_parse(int64_t *out, const char *s);

#endif
