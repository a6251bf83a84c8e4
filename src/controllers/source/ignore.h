/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .sourceignore / spec.ignore matching with gitignore semantics (negation,
 * directory-only patterns, anchoring, **), plus Flux's VCS and default
 * exclusion lists (spec/flux-api.md §2.2). This module only matches paths;
 * the walk that applies it while packing lives in storage.c.
 */
#ifndef CF_SOURCE_IGNORE_H
#define CF_SOURCE_IGNORE_H

#include <stddef.h>

typedef struct cf_ignore cf_ignore;

/* A matcher with no patterns (ignores nothing). Never NULL. */
cf_ignore *cf_ignore_new(void);
void cf_ignore_free(cf_ignore *ig);

/* Add the lines of text (gitignore syntax) scoped to the directory domain
 * ("" or NULL = root, else a relative path like "apps/dev"). Later
 * patterns win. Returns 0, or CF_ETOOLARGE past CF_IGNORE_MAX_PATTERNS. */
#define CF_IGNORE_MAX_PATTERNS 10000
int cf_ignore_add(cf_ignore *ig, const char *domain, const char *text,
    size_t len);
/* Flux's always-on VCS patterns (.git/, .gitignore, .gitmodules, ...). */
void cf_ignore_add_vcs(cf_ignore *ig);
/* Flux's default patterns (images, archives, CI files, ...). */
void cf_ignore_add_defaults(cf_ignore *ig);
/* Number of patterns added so far. */
size_t cf_ignore_count(const cf_ignore *ig);

/* 1 if the relative path (no leading '/', '/'-separated) is ignored,
 * either itself or through an ignored parent directory; else 0. */
int cf_ignore_match(const cf_ignore *ig, const char *path, int is_dir);
/* The same for a walker that descends only into the directories it
 * kept: path's parents are known not to be ignored and are not checked
 * again (a third of the work for a path two directories deep). */
int cf_ignore_match_entry(const cf_ignore *ig, const char *path, int is_dir);

/* Build the matcher Flux uses for a GitRepository checkout at root: the
 * VCS patterns, every .sourceignore found in the tree (scoped to its
 * directory, walk order), then spec_ignore (may be NULL) last; the default
 * list only when no user pattern exists. *out is owned by the caller.
 * .sourceignore files larger than 1 MiB are refused (CF_ETOOLARGE). */
int cf_ignore_load_tree(cf_ignore **out, const char *root,
    const char *spec_ignore);

/* gitignore-style glob: '*' and '?' stop at '/', "**" spans directories,
 * [a-z] classes with '!'/'^' negation, '\' escapes. 1 on match. */
int cf_ignore_glob(const char *pattern, const char *path);

#endif
