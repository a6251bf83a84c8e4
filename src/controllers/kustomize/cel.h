/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A CEL subset for Flux's expressions: Kustomization healthCheckExprs
 * (the object's top-level fields as variables) and dependsOn readyExpr
 * (variables dep and self). An expression is compiled once into an
 * immutable program and evaluated many times against cf_node data.
 *
 * Supported: null, bool, int (and 1u), double, string (quotes, raw, triple,
 * escapes) literals, lists and maps; field selection, indexing, has();
 * ! - * / % + - < <= > >= == != in && || ?:; the macros all, exists,
 * exists_one, filter, map; size, int, uint, double, string, bool, dyn,
 * matches (POSIX extended regular expressions, close to RE2 for common
 * patterns), startsWith, endsWith, contains, and from the strings
 * extension lowerAscii, upperAscii, trim, replace, split, join, indexOf,
 * lastIndexOf, substring, charAt; optional values (x.?f, x[?k],
 * optional.of, optional.none, optional.ofNonZeroValue, orValue, hasValue,
 * value); sets.contains, sets.equivalent, sets.intersects. Not supported:
 * timestamps, durations, bytes as a type, protobuf messages, the encoders
 * extension, type(), string.format().
 * Errors follow CEL: a missing field or a type mismatch is an error value
 * that && and || may absorb, never a crash.
 */
#ifndef CF_CONTROLLERS_KUSTOMIZE_CEL_H
#define CF_CONTROLLERS_KUSTOMIZE_CEL_H

#include <stdbool.h>

#include "core/arena.h"
#include "core/node.h"

typedef struct cf_cel cf_cel;

#define CF_CEL_MAX_EXPR 10000     /* bytes of expression text */
#define CF_CEL_MAX_DEPTH 64       /* nesting of the expression */
#define CF_CEL_MAX_COST 1000000   /* evaluation steps per run */
#define CF_CEL_MAX_STRING (1u << 20) /* bytes of any string built */

/*
 * Compile expr. vars, if not NULL, is a NULL-terminated list of the
 * variables the expression may use: any other name is a compile error
 * (readyExpr declares "dep" and "self"). With vars NULL every name is
 * looked up at evaluation time (healthCheckExprs, where the variables are
 * whatever top-level fields the object has). *p is owned: cf_cel_free().
 *
 * Returns 0, or CF_EINVALID with "failed to parse the CEL expression
 * '<expr>': <what> at column <n>"; CF_ETOOLARGE for text longer than
 * CF_CEL_MAX_EXPR or nesting deeper than CF_CEL_MAX_DEPTH.
 */
int cf_cel_compile(cf_cel **p, const char *expr, const char *const *vars);
void cf_cel_free(cf_cel *p);

/* The source text, borrowed from p. */
const char *cf_cel_expr(const cf_cel *p);

/*
 * Evaluate p with the variables of activation (a map: key = variable
 * name). *out is allocated in a or borrowed from activation, valid until
 * either goes. Thread-safe for one program and different arenas.
 *
 * Returns 0, or CF_EINVALID with "failed to evaluate the CEL expression
 * '<expr>': <error>" where error is e.g. "no such key: status", "no such
 * attribute(s): foo", "no such overload: string < int", "division by
 * zero"; CF_ETOOLARGE past CF_CEL_MAX_COST or CF_CEL_MAX_STRING.
 */
int cf_cel_eval(cf_node **out, const cf_cel *p, const cf_node *activation,
    cf_arena *a);

/* Evaluate to a bool; CF_EINVALID if the result is of another type
 * ("failed to evaluate CEL expression as boolean: '<expr>'"). */
int cf_cel_eval_bool(bool *out, const cf_cel *p, const cf_node *activation);

/* ---- dependsOn readyExpr ------------------------------------------- */

/* Compile a readyExpr: the variables are dep and self, nothing else.
 * Errors as cf_cel_compile(); Flux treats them as terminal (Stalled). */
int cf_cel_ready_compile(cf_cel **p, const char *expr);

/* Evaluate a readyExpr with dep (the dependency) and self (the object
 * being reconciled) bound. Errors as cf_cel_eval_bool(). */
int cf_cel_ready_eval(bool *out, const cf_cel *p, const cf_node *dep,
    const cf_node *self);

/* ---- healthCheckExprs (RFC 0009) ----------------------------------- */

enum cf_cel_status {
	CF_CEL_IN_PROGRESS = 0,
	CF_CEL_FAILED,
	CF_CEL_CURRENT,
};

/* The compiled expressions of one healthCheckExprs entry; zero is an
 * empty (released) value. */
typedef struct cf_cel_health {
	cf_cel *current, *failed, *in_progress;
} cf_cel_health;

/*
 * Compile one entry: current is required, failed and in_progress may be
 * NULL or "". On error nothing is left allocated; the message names the
 * expression ("failed to parse the expression Current: ...").
 */
int cf_cel_health_compile(cf_cel_health *h, const char *current,
    const char *failed, const char *in_progress);
void cf_cel_health_release(cf_cel_health *h);

/*
 * The status of obj: InProgress when status.observedGeneration is set and
 * differs from metadata.generation; otherwise the first of inProgress,
 * failed, current that is true, in that order; InProgress when none is.
 * The variables are obj's top-level fields, as in Flux, plus "self" for
 * the whole object (unless obj has a field of that name). Evaluation
 * errors are returned (CF_EINVALID), as Flux does.
 */
int cf_cel_health_eval(enum cf_cel_status *out, const cf_cel_health *h,
    const cf_node *obj);

#endif
