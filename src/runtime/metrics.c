/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Series are few (one per reconciled object), so a sorted array under one
 * mutex is enough; sorting keeps the exposition stable for scrapers and
 * tests. Bucket bounds are computed once, as Prometheus' client does.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "runtime/metrics.h"

struct series {
	char *kind, *ns, *name;
	uint64_t buckets[CF_METRICS_RECONCILE_BUCKETS];
	uint64_t count;
	double sum;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct series *series;
static size_t nseries, aseries;
static cf_wq **queues;
static size_t nqueues, aqueues;

static double bound(int i)
{
	/* min * (max/min)^(i/(n-1)) */
	return 0.01 * pow(1800 / 0.01,
	    (double)i / (CF_METRICS_RECONCILE_BUCKETS - 1));
}

static int cmp3(const struct series *s, const char *kind, const char *ns,
    const char *name)
{
	int c = strcmp(s->kind, kind);

	if (!c)
		c = strcmp(s->ns, ns);
	return c ? c : strcmp(s->name, name);
}

/* Index of the series, or where it would go (*found = 0). */
static size_t find(const char *kind, const char *ns, const char *name,
    int *found)
{
	size_t lo = 0, hi = nseries;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = cmp3(&series[mid], kind, ns, name);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

void cf_metrics_observe_reconcile(const char *kind, const char *ns,
    const char *name, double seconds)
{
	int found;
	size_t i;
	struct series *s;

	ns = ns ? ns : "";
	pthread_mutex_lock(&mu);
	i = find(kind, ns, name, &found);
	if (!found) {
		CF_GROW(series, aseries, nseries + 1);
		memmove(&series[i + 1], &series[i],
		    (nseries - i) * sizeof(*series));
		nseries++;
		memset(&series[i], 0, sizeof(*series));
		series[i].kind = cf_xstrdup(kind);
		series[i].ns = cf_xstrdup(ns);
		series[i].name = cf_xstrdup(name);
	}
	s = &series[i];
	s->count++;
	s->sum += seconds;
	for (int b = 0; b < CF_METRICS_RECONCILE_BUCKETS; b++)
		if (seconds <= bound(b))
			s->buckets[b]++;
	pthread_mutex_unlock(&mu);
}

static void series_free(struct series *s)
{
	free(s->kind);
	free(s->ns);
	free(s->name);
}

void cf_metrics_forget_reconcile(const char *kind, const char *ns,
    const char *name)
{
	int found;
	size_t i;

	pthread_mutex_lock(&mu);
	i = find(kind, ns ? ns : "", name, &found);
	if (found) {
		series_free(&series[i]);
		memmove(&series[i], &series[i + 1],
		    (nseries - i - 1) * sizeof(*series));
		nseries--;
	}
	pthread_mutex_unlock(&mu);
}

void cf_metrics_register_queue(cf_wq *q)
{
	pthread_mutex_lock(&mu);
	CF_GROW(queues, aqueues, nqueues + 1);
	queues[nqueues++] = q;
	pthread_mutex_unlock(&mu);
}

void cf_metrics_unregister_queue(cf_wq *q)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nqueues; i++)
		if (queues[i] == q) {
			queues[i] = queues[--nqueues];
			break;
		}
	pthread_mutex_unlock(&mu);
}

void cf_metrics_reset(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < nseries; i++)
		series_free(&series[i]);
	free(series);
	series = NULL;
	nseries = aseries = 0;
	free(queues);
	queues = NULL;
	nqueues = aqueues = 0;
	pthread_mutex_unlock(&mu);
}

/* A label value with the exposition format's escapes. */
static int add_label(cf_buf *b, const char *s)
{
	int err = 0;

	for (; *s && !err; s++) {
		if (*s == '\\')
			err = cf_buf_adds(b, "\\\\");
		else if (*s == '"')
			err = cf_buf_adds(b, "\\\"");
		else if (*s == '\n')
			err = cf_buf_adds(b, "\\n");
		else
			err = cf_buf_addch(b, *s);
	}
	return err;
}

/* {kind="K",name="N",namespace="NS"[,le="X"]} */
static int reconcile_labels(cf_buf *b, const struct series *s,
    const char *le)
{
	int err = cf_buf_adds(b, "{kind=\"");

	err = err ? err : add_label(b, s->kind);
	err = err ? err : cf_buf_adds(b, "\",name=\"");
	err = err ? err : add_label(b, s->name);
	err = err ? err : cf_buf_adds(b, "\",namespace=\"");
	err = err ? err : add_label(b, s->ns);
	err = err ? err : cf_buf_adds(b, "\"");
	if (le && !err)
		err = cf_buf_addf(b, ",le=\"%s\"", le);
	return err ? err : cf_buf_adds(b, "}");
}

static int write_reconcile(cf_buf *b)
{
	int err = cf_buf_adds(b,
	    "# HELP gotk_reconcile_duration_seconds The duration in seconds "
	    "of a GitOps Toolkit resource reconciliation.\n"
	    "# TYPE gotk_reconcile_duration_seconds histogram\n");

	for (size_t i = 0; i < nseries && !err; i++) {
		const struct series *s = &series[i];
		char le[32];

		for (int k = 0; k < CF_METRICS_RECONCILE_BUCKETS && !err;
		    k++) {
			snprintf(le, sizeof(le), "%g", bound(k));
			err = cf_buf_adds(b,
			    "gotk_reconcile_duration_seconds_bucket");
			err = err ? err : reconcile_labels(b, s, le);
			err = err ? err : cf_buf_addf(b, " %llu\n",
			    (unsigned long long)s->buckets[k]);
		}
		err = err ? err : cf_buf_adds(b,
		    "gotk_reconcile_duration_seconds_bucket");
		err = err ? err : reconcile_labels(b, s, "+Inf");
		err = err ? err : cf_buf_addf(b, " %llu\n",
		    (unsigned long long)s->count);
		err = err ? err : cf_buf_adds(b,
		    "gotk_reconcile_duration_seconds_sum");
		err = err ? err : reconcile_labels(b, s, NULL);
		err = err ? err : cf_buf_addf(b, " %.9g\n", s->sum);
		err = err ? err : cf_buf_adds(b,
		    "gotk_reconcile_duration_seconds_count");
		err = err ? err : reconcile_labels(b, s, NULL);
		err = err ? err : cf_buf_addf(b, " %llu\n",
		    (unsigned long long)s->count);
	}
	return err;
}

static int queue_line(cf_buf *b, const char *metric, const char *help,
    const char *type, const cf_wq_stats *st, size_t n, double v)
{
	int err = 0;

	if (help)
		err = cf_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", metric,
		    help, metric, type);
	err = err ? err : cf_buf_addf(b, "%s{name=\"", metric);
	err = err ? err : add_label(b, cf_wq_name(queues[n]));
	(void)st;
	return err ? err : cf_buf_addf(b, "\"} %.9g\n", v);
}

static int write_queues(cf_buf *b)
{
	int err = 0;
	cf_wq_stats *st = cf_xcalloc(nqueues + 1, sizeof(*st));
	static const struct {
		const char *name, *help, *type;
	} m[] = {
		{ "workqueue_depth", "Current depth of workqueue", "gauge" },
		{ "workqueue_adds_total",
		  "Total number of adds handled by workqueue", "counter" },
		{ "workqueue_retries_total",
		  "Total number of retries handled by workqueue", "counter" },
		{ "workqueue_longest_running_processor_seconds",
		  "How many seconds has the longest running processor for "
		  "workqueue been running.", "gauge" },
	};

	for (size_t i = 0; i < nqueues; i++)
		cf_wq_stats_get(queues[i], &st[i]);
	for (size_t k = 0; k < CF_ARRAY_SIZE(m) && !err; k++)
		for (size_t i = 0; i < nqueues && !err; i++) {
			double v = k == 0 ? (double)st[i].depth :
			    k == 1 ? (double)st[i].adds :
			    k == 2 ? (double)st[i].retries :
			    st[i].longest_running_s;

			err = queue_line(b, m[k].name, i ? NULL : m[k].help,
			    m[k].type, &st[i], i, v);
		}
	if (nqueues && !err)
		err = cf_buf_adds(b, "# HELP workqueue_work_duration_seconds "
		    "How long in seconds processing an item from workqueue "
		    "takes.\n# TYPE workqueue_work_duration_seconds "
		    "histogram\n");
	for (size_t i = 0; i < nqueues && !err; i++) {
		const char *qn = cf_wq_name(queues[i]);
		double le = 1e-8;

		for (int k = 0; k < CF_WQ_DURATION_BUCKETS && !err;
		    k++, le *= 10) {
			err = cf_buf_adds(b, "workqueue_work_duration_seconds_"
			    "bucket{name=\"");
			err = err ? err : add_label(b, qn);
			err = err ? err : cf_buf_addf(b, "\",le=\"%g\"} %llu\n",
			    le, (unsigned long long)st[i].work_bucket[k]);
		}
		err = err ? err : cf_buf_adds(b, "workqueue_work_duration_"
		    "seconds_bucket{name=\"");
		err = err ? err : add_label(b, qn);
		err = err ? err : cf_buf_addf(b, "\",le=\"+Inf\"} %llu\n",
		    (unsigned long long)st[i].work_count);
		err = err ? err : cf_buf_adds(b,
		    "workqueue_work_duration_seconds_sum{name=\"");
		err = err ? err : add_label(b, qn);
		err = err ? err : cf_buf_addf(b, "\"} %.9g\n",
		    st[i].work_seconds_sum);
		err = err ? err : cf_buf_adds(b,
		    "workqueue_work_duration_seconds_count{name=\"");
		err = err ? err : add_label(b, qn);
		err = err ? err : cf_buf_addf(b, "\"} %llu\n",
		    (unsigned long long)st[i].work_count);
	}
	free(st);
	return err;
}

int cf_metrics_write(cf_buf *out)
{
	int err;

	pthread_mutex_lock(&mu);
	err = write_reconcile(out);
	if (!err)
		err = write_queues(out);
	pthread_mutex_unlock(&mu);
	return err;
}
