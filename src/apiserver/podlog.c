/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pod logs without a kubelet. The daemon registers itself as one Pod
 * (cf_apiserver_add_self_pod) and GET .../pods/NAME/log of that Pod is
 * answered from the process's own log ring (core/log.h) with the
 * kubelet's options: tailLines, sinceSeconds, sinceTime, limitBytes,
 * timestamps and follow. Any other Pod was never scheduled anywhere, so
 * it has no log, as on a cluster without nodes.
 *
 * A follower is a chunked stream fed by a short timer on the loop: the
 * ring is written by every thread, and polling it from the loop keeps all
 * stream writes on the loop thread without waking it from log calls.
 */
#include "apiserver/api_int.h"
#include "core/alloc.h"
#include "core/error.h"
#include "core/json.h"
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FOLLOW_POLL_MS 200
#define SELF_CONTAINER "manager"

struct api_log_follower {
	struct api_log_follower *next, *prev;
	cf_apiserver *srv;
	api_stream *stream;
	void *timer;
	uint64_t after;     /* last ring sequence number sent */
	bool timestamps;
	int64_t limit_left; /* limitBytes still to send; < 0: no limit */
};

/* ---- registration ------------------------------------------------------ */

static void now_rfc3339(char *out, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The Pod as the kubelet would report it: Running, one ready container,
 * and the labels flux's install puts on its controllers. */
static cf_node *self_pod(cf_arena *a, const char *ns, const char *name)
{
	char now[32], host[256] = "localhost", *json;
	cf_node *obj = NULL;

	now_rfc3339(now, sizeof(now));
	gethostname(host, sizeof(host) - 1);
	json = cf_arena_printf(a,
	    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{"
	    "\"name\":\"%s\",\"namespace\":\"%s\",\"labels\":{"
	    "\"app\":\"cfluxd\",\"app.kubernetes.io/component\":\"cfluxd\","
	    "\"app.kubernetes.io/instance\":\"%s\","
	    "\"app.kubernetes.io/part-of\":\"flux\","
	    "\"app.kubernetes.io/version\":\"v%s\"}},"
	    "\"spec\":{\"containers\":[{\"name\":\"" SELF_CONTAINER "\","
	    "\"image\":\"cfluxd:v%s\"}]},"
	    "\"status\":{\"phase\":\"Running\",\"podIP\":\"127.0.0.1\","
	    "\"hostIP\":\"127.0.0.1\",\"startTime\":\"%s\",\"conditions\":["
	    "{\"type\":\"Initialized\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
	    "{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
	    "{\"type\":\"ContainersReady\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"},"
	    "{\"type\":\"PodScheduled\",\"status\":\"True\",\"lastTransitionTime\":\"%s\"}],"
	    "\"containerStatuses\":[{\"name\":\"" SELF_CONTAINER "\",\"ready\":true,"
	    "\"started\":true,\"restartCount\":0,\"image\":\"cfluxd:v%s\","
	    "\"imageID\":\"\",\"containerID\":\"cfluxd://%ld\","
	    "\"state\":{\"running\":{\"startedAt\":\"%s\"}}}]}}",
	    name, ns, ns, CF_VERSION, CF_VERSION, now, now, now, now, now,
	    CF_VERSION, (long)getpid(), now);
	if (cf_json_parse(&obj, a, json, strlen(json), NULL) < 0)
		CF_BUG("self pod JSON");
	if (host[0])
		cf_node_set(a, cf_node_set_map(a, obj, "spec"), "nodeName",
		    cf_node_str(a, host));
	return obj;
}

static int ensure_namespace(cf_apiserver *srv, cf_arena *a, const char *ns)
{
	cf_node *obj = cf_node_map(a), *md = cf_node_set_map(a, obj, "metadata"),
	    *old;
	int64_t rev;
	api_req r;

	cf_node_set(a, obj, "apiVersion", cf_node_str(a, "v1"));
	cf_node_set(a, obj, "kind", cf_node_str(a, "Namespace"));
	cf_node_set(a, md, "name", cf_node_str(a, ns));
	if (api_sys_req(&r, srv, a, "/namespaces", obj) < 0)
		return CF_ENOTFOUND;
	if (api_load(&r, &old, &rev, "", ns) == 0)
		return 0;
	api_sys_create(&r, obj);
	return r.code >= 400 ? cf_error_setc(CF_ERROR, CF_ERR_INVALID,
	    "cannot create namespace '%s' (HTTP %d)", ns, r.code) : 0;
}

int cf_apiserver_add_self_pod(cf_apiserver *srv, const char *ns,
    const char *name)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *pod, *old;
	int64_t rev;
	api_req r;
	int err;

	err = ensure_namespace(srv, &a, ns);
	if (err < 0)
		goto done;
	pod = self_pod(&a, ns, name);
	if (api_sys_req(&r, srv, &a, "/pods", pod) < 0) {
		err = CF_ENOTFOUND;
		goto done;
	}
	/* One left by an earlier run describes another process: a new Pod
	 * (new uid, start time) for this one. */
	if (api_load(&r, &old, &rev, ns, name) == 0)
		api_remove_object(&r, old, rev, 200);
	api_sys_create(&r, pod);
	if (r.code >= 400) {
		err = cf_error_setc(CF_ERROR, CF_ERR_INVALID,
		    "cannot register Pod '%s/%s' (HTTP %d)", ns, name, r.code);
		goto done;
	}
	free(srv->self_pod_ns);
	free(srv->self_pod_name);
	srv->self_pod_ns = cf_xstrdup(ns);
	srv->self_pod_name = cf_xstrdup(name);
done:
	cf_arena_release(&a);
	return err;
}

/* ---- options ------------------------------------------------------------- */

struct log_opts {
	bool follow, timestamps;
	long tail;          /* < 0: all */
	int64_t since_ns;   /* 0: all */
	int64_t limit;      /* < 0: no limit */
};

/* A query integer; 0 when absent, -1 (reply sent) when bad. */
static int query_int(api_req *r, const char *key, long long min,
    long long *out, bool *set)
{
	const char *v = cf_api_query_get(&r->query, key);
	char *end;

	*set = v && *v;
	if (!*set)
		return 0;
	*out = strtoll(v, &end, 10);
	if (*end || *out < min) {
		api_fail(r, 400, "BadRequest",
		    "%s: Invalid value: \"%s\": must be greater than or equal to %lld",
		    key, v, min);
		return -1;
	}
	return 0;
}

/* sinceTime: RFC 3339 to epoch nanoseconds (seconds precision, as the
 * kubelet compares). */
static int parse_since_time(const char *s, int64_t *ns)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = 0;

	if (!p)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		int h, m;
		if (sscanf(p + 1, "%2d:%2d", &h, &m) != 2)
			return -1;
		off = (*p == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	} else if (*p != 'Z' || p[1]) {
		return -1;
	}
	*ns = ((int64_t)timegm(&tm) - off) * 1000000000;
	return 0;
}

static bool query_true(api_req *r, const char *key)
{
	const char *v = cf_api_query_get(&r->query, key);

	return v && (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "True"));
}

static int parse_opts(api_req *r, struct log_opts *o)
{
	const char *st = cf_api_query_get(&r->query, "sinceTime");
	long long tail = -1, since = 0, limit = -1;
	bool has_tail, has_since, has_limit;
	struct timespec now;

	if (query_int(r, "tailLines", 0, &tail, &has_tail) < 0 ||
	    query_int(r, "sinceSeconds", 1, &since, &has_since) < 0 ||
	    query_int(r, "limitBytes", 1, &limit, &has_limit) < 0)
		return -1;
	if (has_since && st && *st) {
		api_fail(r, 400, "BadRequest",
		    "at most one of `sinceTime` or `sinceSeconds` may be specified");
		return -1;
	}
	o->follow = query_true(r, "follow");
	o->timestamps = query_true(r, "timestamps");
	o->tail = has_tail ? (long)tail : -1;
	o->limit = has_limit ? limit : -1;
	o->since_ns = 0;
	if (has_since) {
		clock_gettime(CLOCK_REALTIME, &now);
		o->since_ns = ((int64_t)now.tv_sec - since) * 1000000000 + now.tv_nsec;
	} else if (st && *st && parse_since_time(st, &o->since_ns) < 0) {
		api_fail(r, 400, "BadRequest",
		    "sinceTime: Invalid value: \"%s\": must be an RFC 3339 time", st);
		return -1;
	}
	return 0;
}

/* ---- following ------------------------------------------------------------- */

static void follower_close(struct api_log_follower *f)
{
	cf_apiserver *srv = f->srv;

	if (f->prev)
		f->prev->next = f->next;
	else
		srv->log_followers = f->next;
	if (f->next)
		f->next->prev = f->prev;
	if (f->timer)
		api_timer_cancel(srv, f->timer);
	if (f->stream)
		api_stream_end(f->stream);
	free(f);
}

static void follower_gone(void *arg)
{
	struct api_log_follower *f = arg;

	api_stream_forget(f->stream); /* the HTTP layer already ended it */
	f->stream = NULL;
	follower_close(f);
}

/* Send b, cut at what limitBytes leaves. False when the stream is over. */
static bool follower_send(struct api_log_follower *f, cf_buf *b)
{
	if (f->limit_left >= 0 && (int64_t)b->len > f->limit_left)
		cf_buf_truncate(b, (size_t)f->limit_left);
	if (b->len && api_stream_write(f->stream, b->buf, b->len) < 0)
		return false; /* the client cannot keep up */
	if (f->limit_left >= 0)
		f->limit_left -= (int64_t)b->len;
	return f->limit_left != 0;
}

static void follower_poll(void *arg)
{
	struct api_log_follower *f = arg;
	cf_buf b = CF_BUF_INIT;
	bool more;

	f->timer = NULL;
	f->after = cf_log_ring_read(&b, &(cf_log_ring_query){
	    .after = f->after, .tail = -1, .timestamps = f->timestamps });
	more = follower_send(f, &b);
	cf_buf_release(&b);
	if (!more) {
		follower_close(f);
		return;
	}
	f->timer = api_timer_after(f->srv, FOLLOW_POLL_MS, follower_poll, f);
}

static void start_follow(api_req *r, const cf_buf *first, uint64_t after,
    const struct log_opts *o)
{
	struct api_log_follower *f = cf_xcalloc(1, sizeof(*f));
	cf_buf b = *first;

	f->srv = r->srv;
	f->after = after;
	f->timestamps = o->timestamps;
	f->limit_left = o->limit;
	api_set_content_type(r, "text/plain");
	f->stream = api_stream_start(r, follower_gone, f);
	if (!f->stream) {
		free(f);
		return;
	}
	f->next = r->srv->log_followers;
	if (f->next)
		f->next->prev = f;
	r->srv->log_followers = f;
	if (!follower_send(f, &b)) {
		follower_close(f);
		return;
	}
	f->timer = api_timer_after(f->srv, FOLLOW_POLL_MS, follower_poll, f);
}

void api_pod_log_close_all(cf_apiserver *srv)
{
	while (srv->log_followers)
		follower_close(srv->log_followers);
}

/* ---- the handler ----------------------------------------------------------- */

static bool is_self(const api_req *r)
{
	return r->srv->self_pod_name && r->path.namespace &&
	    !strcmp(r->srv->self_pod_ns, r->path.namespace) &&
	    !strcmp(r->srv->self_pod_name, r->path.name);
}

/* The container and previous options, checked against the one there is. */
static int check_container(api_req *r)
{
	const char *c = cf_api_query_get(&r->query, "container");

	if (c && *c && strcmp(c, SELF_CONTAINER)) {
		api_fail(r, 400, "BadRequest",
		    "container %s is not valid for pod %s", c, r->path.name);
		return -1;
	}
	if (query_true(r, "previous")) {
		api_fail(r, 400, "BadRequest",
		    "previous terminated container \"" SELF_CONTAINER
		    "\" in pod \"%s\" not found", r->path.name);
		return -1;
	}
	return 0;
}

void api_pod_log(api_req *r)
{
	struct log_opts o;
	cf_buf b = CF_BUF_INIT;
	uint64_t last;

	if (!is_self(r)) {
		api_fail(r, 400, "BadRequest",
		    "pod %s does not have a host assigned", r->path.name);
		return;
	}
	if (check_container(r) < 0 || parse_opts(r, &o) < 0)
		return;
	last = cf_log_ring_read(&b, &(cf_log_ring_query){
	    .since_ns = o.since_ns, .tail = o.tail,
	    .timestamps = o.timestamps });
	if (o.follow) {
		start_follow(r, &b, last, &o);
	} else {
		if (o.limit >= 0 && (int64_t)b.len > o.limit)
			cf_buf_truncate(&b, (size_t)o.limit);
		api_set_content_type(r, "text/plain");
		api_reply(r, 200, &b);
	}
	cf_buf_release(&b);
}
