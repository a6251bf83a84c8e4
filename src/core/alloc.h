/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Allocation that never returns NULL. cflux and cfluxd are programs: on
 * real out-of-memory they print and abort (as git, redis and h2o do), so call
 * sites never check. Sizes read from outside must be checked against a cap
 * before they reach these functions.
 */
#ifndef CF_CORE_ALLOC_H
#define CF_CORE_ALLOC_H

#include <stddef.h>

#define CF_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *cf_xmalloc(size_t n);
void *cf_xcalloc(size_t nmemb, size_t size);
void *cf_xrealloc(void *p, size_t n);
char *cf_xstrdup(const char *s);
char *cf_xstrndup(const char *s, size_t n);

/* Grow an array *pa of *palloc elements of size sz so it holds at least
 * need elements; the capacity grows geometrically. */
void cf_xgrow(void **pa, size_t *palloc, size_t need, size_t sz);
#define CF_GROW(arr, alloc, need) \
	cf_xgrow((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

/* Abort with a message: for broken invariants only (git's BUG()). */
#define CF_BUG(...) cf_bug(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void cf_bug(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
