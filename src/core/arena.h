/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Arena: a bump allocator for per-pass and per-request lifetimes (nginx and
 * h2o pools). Everything allocated from an arena is freed at once by
 * cf_arena_release(), which also runs the registered cleanups in reverse
 * order (temporary directories, file descriptors). Not thread-safe: one
 * arena belongs to one pass or request.
 */
#ifndef CF_CORE_ARENA_H
#define CF_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct cf_arena_chunk;
struct cf_arena_cleanup;

typedef struct cf_arena {
	struct cf_arena_chunk *head;
	struct cf_arena_cleanup *cleanups;
	size_t total; /* bytes handed out, for accounting */
} cf_arena;

#define CF_ARENA_INIT { 0 }

/* Memory aligned for any type; never NULL (aborts on OOM). */
void *cf_arena_alloc(cf_arena *a, size_t n);
void *cf_arena_zalloc(cf_arena *a, size_t n);
#define CF_ARENA_NEW(a, type) ((type *)cf_arena_zalloc((a), sizeof(type)))

/* Copies, NUL-terminated, owned by the arena. */
char *cf_arena_strdup(cf_arena *a, const char *s);
char *cf_arena_strndup(cf_arena *a, const char *s, size_t n);
void *cf_arena_memdup(cf_arena *a, const void *p, size_t n);
char *cf_arena_printf(cf_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *cf_arena_vprintf(cf_arena *a, const char *fmt, va_list ap);

/* Register fn(arg) to run at release time (after later-registered ones). */
void cf_arena_defer(cf_arena *a, void (*fn)(void *), void *arg);

/* Free everything and run cleanups; the arena is then empty and reusable. */
void cf_arena_release(cf_arena *a);

/* Give an empty arena one first chunk of exactly n bytes, for data whose
 * size is known and that lives long (a cached object): no tail of a
 * doubling chunk is wasted. No-op on an arena already in use. */
void cf_arena_reserve(cf_arena *a, size_t n);

#endif
