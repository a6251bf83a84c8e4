/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Post-build variable substitution (spec/flux-api.md §3.5): the bash-like
 * ${...} expansion of Flux's envsubst fork, applied to the YAML text of
 * each built object. Only the braced form is expanded: a bare $var stays,
 * and "$$" writes one "$" (so "$${var}" is the literal "${var}"). Supported
 * forms: ${var} ${#var} ${var^} ${var^^} ${var,} ${var,,} ${var:n}
 * ${var:n:len} ${var#p} ${var##p} ${var%p} ${var%%p} ${var=d} ${var:=d}
 * ${var:-d} ${var/p/r} ${var//p/r} ${var/#p/r} ${var/%p/r}; ${var:+x} and
 * ${var:?x} behave like ${var:-x}, and ${var-d} ${var+d} are syntax
 * errors, as upstream (whatever bash does). Gathering the variables from
 * ConfigMaps and Secrets is the controller's job.
 */
#ifndef CF_CONTROLLERS_KUSTOMIZE_ENVSUBST_H
#define CF_CONTROLLERS_KUSTOMIZE_ENVSUBST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

/* Output cap when opts->max_output is 0: the object size limit of etcd
 * times a margin for expansion. */
#define CF_ENVSUBST_MAX_OUTPUT (16u << 20)

/* Label or annotation that turns substitution off for one object. */
#define CF_ENVSUBST_DISABLE_KEY "kustomize.toolkit.fluxcd.io/substitute"

/*
 * Return the value of the variable name[0..len) (not NUL-terminated) and
 * its length in *vlen, or NULL when it is not defined. The value is
 * borrowed and must stay valid for the cf_envsubst() call.
 */
typedef const char *(*cf_envsubst_lookup_fn)(void *payload, const char *name,
    size_t len, size_t *vlen);

/* Zero means default for every field. */
typedef struct cf_envsubst_opts {
	/* An undefined variable without a default is an error (Flux's
	 * StrictPostBuildSubstitutions gate, on by default upstream); when
	 * false it expands to the empty string. */
	bool strict;
	size_t max_output; /* 0 = CF_ENVSUBST_MAX_OUTPUT */
} cf_envsubst_opts;

/*
 * Expand text[0..len) into out, which must be empty (CF_BUF_INIT or
 * released); out is capped at opts->max_output and is the caller's to
 * release, also on error. The whole text is parsed before any lookup, so
 * a syntax error wins over an undefined variable, as upstream.
 *
 * Returns 0; CF_EINVALID for a syntax error ("bad substitution", "missing
 * closing brace", "unable to parse variable name", "unable to parse
 * substitution within function") or, in strict mode, an undefined
 * variable: `variable not set (strict mode): "name"`; CF_ETOOLARGE past
 * the output cap or nesting deeper than 64 levels.
 */
int cf_envsubst(cf_buf *out, const char *text, size_t len,
    cf_envsubst_lookup_fn lookup, void *payload, const cf_envsubst_opts *opts);

/* A lookup over a CF_NODE_MAP of string values (payload is the map). */
const char *cf_envsubst_node_lookup(void *payload, const char *name,
    size_t len, size_t *vlen);

/* True if name matches ^[_[:alpha:]][_[:alpha:][:digit:]]*$, the rule
 * Flux applies to the keys of postBuild.substitute(From). */
bool cf_envsubst_valid_name(const char *name);

/*
 * Set vars[name] = value (copied into a) with every newline removed, as
 * Flux does for substitution values. vars must be a map owned by a.
 * CF_EINVALID if name is not a valid variable name.
 */
int cf_envsubst_var_set(cf_arena *a, cf_node *vars, const char *name,
    const char *value, size_t vlen);

/* True if obj carries the label or annotation
 * kustomize.toolkit.fluxcd.io/substitute: disabled (lower case only). */
bool cf_envsubst_disabled(const cf_node *obj);

/*
 * Substitute vars (a map of strings) into one object: write it as YAML,
 * expand, and parse the result back (YAML 1.1 typing, as Flux does with
 * sigs.k8s.io/yaml). *out is allocated in a; it is obj itself when the
 * object has substitution disabled. Errors as cf_envsubst(), prefixed
 * with the object's kind and name, plus CF_EINVALID when the expanded
 * text is not YAML for one object.
 */
int cf_envsubst_object(cf_node **out, cf_arena *a, const cf_node *obj,
    const cf_node *vars, const cf_envsubst_opts *opts);

#endif
