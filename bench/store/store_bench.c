/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Store benchmark (not a test): insert N ConfigMap-sized objects, list
 * them all the way the API server builds a List body, page through them,
 * random GETs, updates, watch replay from the ring and from the log,
 * compaction, db size and the process's RSS.
 *
 * usage: store_bench [DB_PATH] [N] [CACHE_KIB]
 *        (defaults: a fresh /tmp file, 10000, the store's default cache)
 */
#include "store/store.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CM "/configmaps"
#define NS_COUNT 10

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS or VmHWM from /proc/self/status, in KiB. */
static long proc_kib(const char *field)
{
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* About what the API server stores for a small ConfigMap. */
static void configmap(cf_buf *b, int i, int64_t rev, int gen)
{
	cf_buf_reset(b);
	cf_buf_addf(b, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":"
	    "{\"name\":\"cm-%05d\",\"namespace\":\"ns-%d\",\"uid\":"
	    "\"6b1f3c2e-%04x-4d2a-9c1b-%012x\",\"resourceVersion\":\"%lld\","
	    "\"creationTimestamp\":\"2026-01-02T03:04:05Z\",\"labels\":"
	    "{\"app\":\"bench\",\"tier\":\"t%d\"}},\"data\":{\"gen\":\"%d\","
	    "\"config.yaml\":\"", i, i % NS_COUNT, i & 0xffff, i,
	    (long long)rev, i % 7, gen);
	while (b->len < 395)
		cf_buf_addch(b, (char)('a' + (b->len * 7 + i) % 26));
	cf_buf_adds(b, "\"}}");
}

static void die(const char *what)
{
	fprintf(stderr, "store_bench: %s: %s\n", what, cf_error_msg());
	exit(1);
}

/* Concatenate rows into one List body, as the server does. */
static int add_item(const cf_store_kv *kv, void *payload)
{
	cf_buf *body = payload;

	if (body->len > 1)
		cf_buf_addch(body, ',');
	cf_buf_add(body, kv->value, kv->value_len);
	return 0;
}

static int count_event(const cf_store_event *ev, void *payload)
{
	(void)ev;
	(*(long *)payload)++;
	return 0;
}

static double list_all_ms(cf_store *s, cf_buf *body, size_t *items)
{
	cf_store_list_result res;
	double t0 = now_s();

	cf_buf_reset(body);
	cf_buf_adds(body, "{\"kind\":\"ConfigMapList\",\"items\":[");
	if (cf_store_list(s, &res, CM, NULL, add_item, body) < 0)
		die("list");
	cf_buf_adds(body, "]}");
	*items = res.count;
	return (now_s() - t0) * 1000;
}

int main(int argc, char **argv)
{
	char path[256];
	int n = argc > 2 ? atoi(argv[2]) : 10000; /* bench input, not outside */
	cf_store *s;
	cf_store_opts o = { .keep_revs = 1, .keep_ms = 1, .compact_step = 1000 };
	cf_buf b = CF_BUF_INIT, body = CF_BUF_INIT;
	double t0, t, best = 1e9;
	size_t items = 0;
	int64_t size;
	char name[32], ns[16];

	if (argc > 1)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else
		snprintf(path, sizeof(path), "/tmp/store_bench.%d.db", (int)getpid());
	if (n <= 0)
		n = 10000;
	if (argc > 3)
		o.cache_kib = atoi(argv[3]);
	if (cf_store_open(&s, path, &o) < 0)
		die("open");
	printf("store bench: %d ConfigMaps (~400 B) in %d namespaces, db %s, "
	    "page cache %d KiB\n", n, NS_COUNT, path,
	    o.cache_kib ? o.cache_kib : 1024);

	/* 1. Inserts, each its own durable commit (what a create is). */
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		configmap(&b, i, cf_store_next_rev(s), 0);
		snprintf(ns, sizeof(ns), "ns-%d", i % NS_COUNT);
		snprintf(name, sizeof(name), "cm-%05d", i);
		if (cf_store_create(s, NULL, CM, ns, name, b.buf, b.len) < 0)
			die("create");
	}
	t = now_s() - t0;
	printf("insert (one commit each): %d in %.2f s = %.0f writes/s\n", n, t,
	    n / t);
	printf("value size: %zu B\n", b.len);

	/* 2. List everything into one body; best of 5. */
	for (int r = 0; r < 5; r++) {
		double ms = list_all_ms(s, &body, &items);
		if (ms < best)
			best = ms;
	}
	printf("list all: %zu items, %.1f MiB body, best of 5 %.1f ms\n", items,
	    body.len / 1048576.0, best);

	/* 3. One namespace, and paging by 500. */
	{
		cf_store_list_result res;
		cf_store_list_opts lo = { .ns = "ns-3" };
		char tok[CF_STORE_TOKEN_MAX];
		int pages = 0;
		size_t total = 0;

		cf_buf_reset(&body);
		t0 = now_s();
		if (cf_store_list(s, &res, CM, &lo, add_item, &body) < 0)
			die("list ns");
		printf("list one namespace: %zu items in %.1f ms\n", res.count,
		    (now_s() - t0) * 1000);
		lo.ns = NULL;
		lo.limit = 500;
		t0 = now_s();
		do {
			cf_buf_reset(&body);
			if (cf_store_list(s, &res, CM, &lo, add_item, &body) < 0)
				die("list page");
			total += res.count;
			pages++;
			snprintf(tok, sizeof(tok), "%s", res.cont);
			lo.cont = tok;
		} while (res.cont[0]);
		printf("paged list (limit 500): %zu items, %d pages, %.1f ms\n",
		    total, pages, (now_s() - t0) * 1000);
	}

	/* 4. Random GETs for about a second. */
	{
		long gets = 0;
		unsigned seed = 12345;

		t0 = now_s();
		while ((t = now_s() - t0) < 1.0) {
			for (int j = 0; j < 1000; j++, gets++) {
				int i = (int)(rand_r(&seed) % (unsigned)n);
				snprintf(ns, sizeof(ns), "ns-%d", i % NS_COUNT);
				snprintf(name, sizeof(name), "cm-%05d", i);
				if (cf_store_get(s, &b, NULL, NULL, CM, ns, name) < 0)
					die("get");
			}
		}
		printf("random get: %.0f gets/s\n", gets / t);
	}

	/* 5. Updates, one commit each, then replay them from ring and log. */
	{
		int updates = n < 2000 ? n : 2000;
		int64_t from = cf_store_rev(s);
		long events = 0;

		t0 = now_s();
		for (int i = 0; i < updates; i++) {
			configmap(&b, i, cf_store_next_rev(s), 1);
			snprintf(ns, sizeof(ns), "ns-%d", i % NS_COUNT);
			snprintf(name, sizeof(name), "cm-%05d", i);
			if (cf_store_update(s, NULL, CM, ns, name, 0, b.buf,
			    b.len) < 0)
				die("update");
		}
		t = now_s() - t0;
		printf("update (one commit each): %d in %.2f s = %.0f writes/s\n",
		    updates, t, updates / t);
		/* The snapshot path: list as of before the updates. */
		{
			cf_store_list_result res;
			cf_store_list_opts lo = { .rev = from };

			cf_buf_reset(&body);
			t0 = now_s();
			if (cf_store_list(s, &res, CM, &lo, add_item, &body) < 0)
				die("list at revision");
			printf("list all at an older revision (from the log): "
			    "%zu items in %.1f ms\n", res.count,
			    (now_s() - t0) * 1000);
		}
		t0 = now_s();
		if (cf_store_replay(s, cf_store_rev(s) - 1000, CM, count_event,
		    &events) < 0)
			die("replay ring");
		printf("replay last 1000 events (ring): %.2f ms\n",
		    (now_s() - t0) * 1000);
		events = 0;
		t0 = now_s();
		if (cf_store_replay(s, from, CM, count_event, &events) < 0)
			die("replay log");
		printf("replay %ld events (from SQLite): %.1f ms\n", events,
		    (now_s() - t0) * 1000);
	}

	if (cf_store_db_size(s, &size) < 0)
		die("db size");
	printf("db size: %.2f MiB (%.0f B per object incl. history)\n",
	    size / 1048576.0, (double)size / n);

	/* 6. Compaction of the update history, in steps. */
	{
		int more = 1, steps = 0;
		double worst = 0;

		usleep(2000); /* keep_ms = 1: let everything age */
		while (more) {
			double s0 = now_s();
			if (cf_store_compact(s, &more) < 0)
				die("compact");
			if (now_s() - s0 > worst)
				worst = now_s() - s0;
			steps++;
		}
		printf("compaction: %d steps of <= 1000 revisions, longest %.1f ms\n",
		    steps, worst * 1000);
	}
	if (list_all_ms(s, &body, &items) < 0 || cf_store_verify(s) < 0)
		die("verify");
	printf("RSS now %ld KiB, peak %ld KiB (includes the %.1f MiB List "
	    "body buffer)\n", proc_kib("VmRSS"), proc_kib("VmHWM"),
	    body.alloc / 1048576.0);
	cf_buf_release(&b);
	cf_buf_release(&body);
	cf_store_close(s);
	if (argc <= 1) {
		unlink(path);
	}
	return 0;
}
