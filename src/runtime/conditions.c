/* SPDX-License-Identifier: Apache-2.0 */
#include "runtime/conditions.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MESSAGE (32 * 1024)

void cf_cond_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static cf_node *conditions(cf_arena *a, cf_node *obj)
{
	cf_node *st = cf_node_get(obj, "status"), *c;

	if (!st || !cf_node_is(st, CF_NODE_MAP))
		st = cf_node_set_map(a, obj, "status");
	c = cf_node_get(st, "conditions");
	if (!c || !cf_node_is(c, CF_NODE_SEQ)) {
		c = cf_node_seq(a);
		cf_node_set(a, st, "conditions", c);
	}
	return c;
}

static long find(const cf_node *seq, const char *type)
{
	for (size_t i = 0; i < cf_node_count(seq); i++) {
		const char *t = cf_node_getp_str(cf_node_at(seq, i), "type",
		    NULL);

		if (t && !strcmp(t, type))
			return (long)i;
	}
	return -1;
}

cf_node *cf_cond_get(const cf_node *obj, const char *type)
{
	const cf_node *seq = cf_node_getp(obj, "status", "conditions", NULL);
	long i = seq ? find(seq, type) : -1;

	return i < 0 ? NULL : cf_node_at(seq, (size_t)i);
}

static void set_fields(cf_arena *a, cf_node *c, const cf_node *obj,
    const char *type, const char *status, const char *reason,
    const char *msg)
{
	const cf_node *gen = cf_node_getp(obj, "metadata", "generation", NULL);
	const char *old = cf_node_getp_str(c, "status", NULL);
	char now[32];

	cf_node_set(a, c, "type", cf_node_str(a, type));
	cf_node_set(a, c, "status", cf_node_str(a, status));
	cf_node_set(a, c, "observedGeneration",
	    gen ? cf_node_dup(a, gen) : cf_node_int(a, 0));
	if (!old || strcmp(old, status) ||
	    !cf_node_get(c, "lastTransitionTime")) {
		cf_cond_now(now);
		cf_node_set(a, c, "lastTransitionTime", cf_node_str(a, now));
	}
	cf_node_set(a, c, "reason", cf_node_str(a, reason));
	cf_node_set(a, c, "message", cf_node_str(a, msg));
}

void cf_cond_set(cf_arena *a, cf_node *obj, const char *type,
    const char *status, const char *reason, const char *fmt, ...)
{
	cf_node *seq = conditions(a, obj), *c;
	long i = find(seq, type);
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	msg = cf_arena_vprintf(a, fmt, ap);
	va_end(ap);
	if (strlen(msg) > MAX_MESSAGE)
		msg[MAX_MESSAGE] = '\0';
	if (i < 0) {
		c = cf_node_map(a);
		cf_node_push(a, seq, c);
	} else {
		c = cf_node_at(seq, (size_t)i);
	}
	set_fields(a, c, obj, type, status, reason, msg);
}

void cf_cond_del(cf_node *obj, const char *type)
{
	cf_node *seq = cf_node_getp(obj, "status", "conditions", NULL);
	long i = seq ? find(seq, type) : -1;

	if (i >= 0)
		cf_node_remove(seq, (size_t)i);
}

bool cf_cond_is(const cf_node *obj, const char *type, const char *status)
{
	const char *s = cf_node_getp_str(cf_cond_get(obj, type), "status",
	    NULL);

	return s && !strcmp(s, status);
}

const char *cf_cond_reason(const cf_node *obj, const char *type)
{
	return cf_node_getp_str(cf_cond_get(obj, type), "reason", NULL);
}

const char *cf_cond_message(const cf_node *obj, const char *type)
{
	return cf_node_getp_str(cf_cond_get(obj, type), "message", NULL);
}

/* ---- summarisation ---- */

static bool negative(const cf_cond_summary *s, const char *type)
{
	for (size_t i = 0; i < s->nnegative; i++)
		if (!strcmp(s->negative[i], type))
			return true;
	return false;
}

/* §1.6 priority of one condition: 0 abnormal True, 1 normal False,
 * 2 normal True, 3 abnormal False, 4 Unknown; -1 absent. */
static int priority(const cf_node *obj, const cf_cond_summary *s,
    const char *type)
{
	const char *st = cf_node_getp_str(cf_cond_get(obj, type), "status",
	    NULL);
	bool neg = negative(s, type);

	if (!st)
		return -1;
	if (!strcmp(st, CF_TRUE))
		return neg ? 0 : 2;
	if (!strcmp(st, CF_FALSE))
		return neg ? 3 : 1;
	return 4;
}

static const char *winner(const cf_node *obj, const cf_cond_summary *s,
    int *prio)
{
	const char *best = NULL;

	*prio = 5;
	for (size_t i = 0; i < s->ntypes; i++) {
		int p = priority(obj, s, s->types[i]);

		if (p >= 0 && p < *prio) {
			*prio = p;
			best = s->types[i];
		}
	}
	return best;
}

bool cf_cond_summarize(cf_arena *a, cf_node *obj, const cf_cond_summary *s)
{
	int prio;
	const char *w = winner(obj, s, &prio);
	const char *status;

	if (!w) {
		cf_cond_set(a, obj, CF_COND_READY, CF_UNKNOWN, "Progressing",
		    "reconciliation in progress");
		return false;
	}
	status = prio == 0 || prio == 1 ? CF_FALSE :
	    prio == 4 ? CF_UNKNOWN : CF_TRUE;
	if (s->bipolar && cf_cond_is(obj, s->bipolar, CF_FALSE)) {
		w = s->bipolar;
		status = CF_FALSE;
	}
	cf_cond_set(a, obj, CF_COND_READY, status, cf_cond_reason(obj, w),
	    "%s", cf_cond_message(obj, w));
	return !strcmp(status, CF_TRUE);
}
