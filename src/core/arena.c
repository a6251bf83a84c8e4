/* SPDX-License-Identifier: Apache-2.0 */
#include "core/arena.h"
#include "core/alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Chunks start at 4 KiB and double up to 256 KiB, so small requests stay
 * small while a large build does not make thousands of mallocs. A request
 * bigger than a quarter of the chunk size gets a chunk of its own, inserted
 * behind the head so the head's free space is not wasted.
 */
#define CHUNK_MIN (4 * 1024)
#define CHUNK_MAX (256 * 1024)
#define ALIGN 16

struct cf_arena_chunk {
	struct cf_arena_chunk *next;
	size_t size, used;
	_Alignas(ALIGN) unsigned char data[];
};

struct cf_arena_cleanup {
	struct cf_arena_cleanup *next;
	void (*fn)(void *);
	void *arg;
};

static struct cf_arena_chunk *chunk_new(size_t size)
{
	struct cf_arena_chunk *c = cf_xmalloc(sizeof(*c) + size);

	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *cf_arena_alloc(cf_arena *a, size_t n)
{
	struct cf_arena_chunk *c = a->head;
	size_t want = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	size_t size;

	if (want < n)
		CF_BUG("arena allocation overflow");
	a->total += want;
	if (c && c->size - c->used >= want) {
		void *p = c->data + c->used;
		c->used += want;
		return p;
	}
	size = c ? c->size * 2 : CHUNK_MIN;
	if (size > CHUNK_MAX)
		size = CHUNK_MAX;
	if (want > size / 4) {
		struct cf_arena_chunk *big = chunk_new(want);
		big->used = want;
		if (c) {
			big->next = c->next;
			c->next = big;
		} else {
			a->head = big;
		}
		return big->data;
	}
	c = chunk_new(size);
	c->next = a->head;
	a->head = c;
	c->used = want;
	return c->data;
}

void cf_arena_reserve(cf_arena *a, size_t n)
{
	if (a->head || !n)
		return;
	a->head = chunk_new((n + ALIGN - 1) & ~(size_t)(ALIGN - 1));
}

void *cf_arena_zalloc(cf_arena *a, size_t n)
{
	void *p = cf_arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *cf_arena_strndup(cf_arena *a, const char *s, size_t n)
{
	char *p = cf_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *cf_arena_strdup(cf_arena *a, const char *s)
{
	return cf_arena_strndup(a, s, strlen(s));
}

void *cf_arena_memdup(cf_arena *a, const void *src, size_t n)
{
	void *p = cf_arena_alloc(a, n);

	if (n)
		memcpy(p, src, n);
	return p;
}

char *cf_arena_vprintf(cf_arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		CF_BUG("bad format '%s'", fmt);
	p = cf_arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *cf_arena_printf(cf_arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = cf_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void cf_arena_defer(cf_arena *a, void (*fn)(void *), void *arg)
{
	struct cf_arena_cleanup *c = cf_arena_alloc(a, sizeof(*c));

	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}

void cf_arena_release(cf_arena *a)
{
	struct cf_arena_chunk *c, *next;

	/* Cleanups live in the chunks: run them all before freeing. */
	for (struct cf_arena_cleanup *cl = a->cleanups; cl; cl = cl->next)
		cl->fn(cl->arg);
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->cleanups = NULL;
	a->total = 0;
}
