/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux logs [--level L] [--kind K] [--name N] [-f] [--tail N] [--since D
 * | --since-time T] [--flux-namespace NS]: flux's logs. The controller
 * Pods are found as flux finds them (Deployments labelled
 * app.kubernetes.io/part-of=flux in the Flux namespace, then one Pod per
 * Deployment by its template's labels, running ones first); the embedded
 * cfluxd has no Deployment, so Pods carrying that label directly are
 * taken when no Deployment gave any. Each Pod's log is read, every JSON
 * line filtered by level, object kind, name and namespace, and printed
 * as flux's template does:
 *
 *   <ts> <level> <Kind>[/<name>.<namespace>] - <msg> <error>
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client/watch.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/http.h"
#include "core/json.h"

#define PART_OF "app.kubernetes.io/part-of=flux"
#define LOG_MAX_LINE (1u << 20) /* longer lines are skipped */

struct logs_args {
	const char *level, *kind, *name;
	bool all_ns;
	const char *ns; /* the objects' namespace (-n) */
};

/* One Pod's log being read: the line being assembled and where it goes. */
struct log_reader {
	const struct logs_args *args;
	const char *pod;
	cf_buf line;
	bool skipping; /* inside a line over LOG_MAX_LINE */
	bool failed;   /* a line that is not JSON: flux stops reading */
};

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- filtering and printing ---------------------------------------------- */

static const char *str_or(const cf_node *l, const char *key)
{
	const char *v = cf_node_getp_str(l, key, NULL);

	return v ? v : "";
}

static bool eq_fold(const char *want, const char *have)
{
	return !strcasecmp(want, have);
}

/* flux's filterPrintLog: level exactly, the rest case-insensitively; the
 * kind is "reconciler kind" (what events log) or controllerKind. */
static bool wanted(const struct logs_args *a, const cf_node *l)
{
	if (a->level && strcmp(a->level, str_or(l, "level")))
		return false;
	if (a->kind && !eq_fold(a->kind, str_or(l, "reconciler kind")) &&
	    !eq_fold(a->kind, str_or(l, "controllerKind")))
		return false;
	if (a->name && !eq_fold(a->name, str_or(l, "name")))
		return false;
	return a->all_ns || eq_fold(a->ns, str_or(l, "namespace"));
}

static void print_entry(const cf_node *l)
{
	const char *kind = str_or(l, "reconciler kind"), *name = str_or(l, "name");
	cf_buf b = CF_BUF_INIT;

	if (!*kind)
		kind = str_or(l, "controllerKind");
	cf_buf_addf(&b, "%s %s %s", str_or(l, "ts"), str_or(l, "level"), kind);
	if (*name)
		cf_buf_addf(&b, "/%s.%s", name, str_or(l, "namespace"));
	cf_buf_addf(&b, " - %s %s\n", str_or(l, "msg"), str_or(l, "error"));
	pthread_mutex_lock(&out_lock);
	fwrite(b.buf, 1, b.len, stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	cf_buf_release(&b);
}

/* One complete line: JSON ones are filtered and printed, others skipped
 * (klog lines before the logger is set up). */
static int handle_line(struct log_reader *r, const char *s, size_t len)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *l;

	if (!len || s[0] != '{')
		return 0;
	if (cf_json_parse(&l, &a, s, len, NULL) < 0 || l->type != CF_NODE_MAP) {
		cf_cli_fail("parse error: %s", cf_error_msg());
		r->failed = true;
		cf_arena_release(&a);
		return 1; /* stop this Pod's stream */
	}
	if (wanted(r->args, l))
		print_entry(l);
	cf_arena_release(&a);
	return 0;
}

/* Stream callback: split into lines. */
static int on_chunk(const char *data, size_t len, void *payload)
{
	struct log_reader *r = payload;

	while (len) {
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) : len;

		if (!r->skipping && cf_buf_add(&r->line, data, n) < 0) {
			r->skipping = true; /* too long: drop it whole */
			cf_buf_reset(&r->line);
		}
		data += n + (nl != NULL);
		len -= n + (nl != NULL);
		if (!nl)
			break;
		if (!r->skipping && handle_line(r, r->line.buf, r->line.len))
			return 1;
		r->skipping = false;
		cf_buf_reset(&r->line);
	}
	return 0;
}

/* ---- finding the Pods ------------------------------------------------------ */

/* podutils.ByLogging, in short: scheduled, Running, ready, then newest. */
static long pod_rank(const cf_node *p)
{
	const char *phase = cf_node_getp_str(p, "status", "phase", NULL);
	const cf_node *conds = cf_node_getp(p, "status", "conditions", NULL);
	long rank = 0;

	if (cf_node_getp_str(p, "spec", "nodeName", NULL))
		rank += 8;
	if (phase && !strcmp(phase, "Running"))
		rank += 4;
	else if (phase && !strcmp(phase, "Unknown"))
		rank += 2;
	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const cf_node *c = cf_node_at(conds, i);
		const char *t = cf_node_getp_str(c, "type", NULL);
		const char *s = cf_node_getp_str(c, "status", NULL);
		if (t && s && !strcmp(t, "Ready") && !strcmp(s, "True"))
			rank += 1;
	}
	return rank;
}

static const cf_node *best_pod(const cf_node *items)
{
	const cf_node *best = NULL;

	for (size_t i = 0; i < cf_node_count(items); i++) {
		const cf_node *p = cf_node_at(items, i);
		const char *ts = cf_node_getp_str(p, "metadata",
		    "creationTimestamp", NULL);
		const char *bts = best ? cf_node_getp_str(best, "metadata",
		    "creationTimestamp", NULL) : NULL;
		long r = pod_rank(p), br = best ? pod_rank(best) : -1;
		if (r > br || (r == br && ts && bts && strcmp(ts, bts) > 0))
			best = p;
	}
	return best;
}

static int list_pods(const cf_node **items, const char *ns, const char *sel)
{
	cf_node *list;

	if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(), "v1", "Pod",
	    ns, &(cf_list_opts){ .label_selector = sel }) < 0)
		return -1;
	*items = cf_node_get(list, "items");
	return 0;
}

/* "k=v,k=v" of a Deployment's Pod template labels. */
static const char *template_selector(const cf_node *deploy)
{
	const cf_node *l = cf_node_getp(deploy, "spec", "template", "metadata",
	    "labels", NULL);
	cf_buf b = CF_BUF_INIT;
	const char *s;

	for (size_t i = 0; l && l->type == CF_NODE_MAP && i < cf_node_count(l); i++) {
		const char *v = cf_node_as_str(l->v.pairs[i].val);
		cf_buf_addf(&b, "%s%s=%s", i ? "," : "", l->v.pairs[i].key,
		    v ? v : "");
	}
	s = cf_arena_strndup(cf_cli_arena(), b.buf, b.len);
	cf_buf_release(&b);
	return s;
}

/* Append the Pods to read to *pods; -1 (message set) on an API error. */
static int find_pods(const cf_node ***pods, size_t *n, const char *ns)
{
	const cf_node *deploys = NULL, *items, *p;
	cf_node *list;

	*pods = cf_arena_alloc(cf_cli_arena(), 64 * sizeof(**pods));
	*n = 0;
	if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(), "apps/v1",
	    "Deployment", ns, &(cf_list_opts){ .label_selector = PART_OF }) < 0)
		return -1;
	deploys = cf_node_get(list, "items");
	for (size_t i = 0; i < cf_node_count(deploys) && *n < 64; i++) {
		const char *sel = template_selector(cf_node_at(deploys, i));
		if (!*sel)
			continue; /* an empty selector would match every Pod */
		if (list_pods(&items, ns, sel) < 0)
			return -1;
		if ((p = best_pod(items)))
			(*pods)[(*n)++] = p;
	}
	if (*n)
		return 0;
	/* The embedded cfluxd: its own Pod, labelled directly. */
	if (list_pods(&items, ns, PART_OF) < 0)
		return -1;
	for (size_t i = 0; i < cf_node_count(items) && *n < 64; i++)
		(*pods)[(*n)++] = cf_node_at(items, i);
	return 0;
}

/* ---- reading ------------------------------------------------------------- */

struct pod_job {
	struct log_reader r;
	const char *path;
	int err;
	char msg[512];
};

static long timeout_ms(void)
{
	int64_t left = cf_cli.deadline_ns - cf_cli_mono_ns();

	return left > 1000000 ? (long)(left / 1000000) : 1;
}

static void *read_pod(void *arg)
{
	struct pod_job *j = arg;

	cf_buf_init_capped(&j->r.line, LOG_MAX_LINE);
	j->err = cf_client_stream(cf_cli_client(), j->path, timeout_ms(), NULL,
	    on_chunk, &j->r);
	/* A last line without its newline. */
	if (j->err == 0 && j->r.line.len && !j->r.skipping)
		handle_line(&j->r, j->r.line.buf, j->r.line.len);
	if (j->err > 0) /* stopped on a line that is not JSON */
		j->err = 0;
	if (j->err == CF_ETIMEOUT)
		j->err = 0; /* --timeout ends a follow, as flux's context */
	if (j->err < 0)
		snprintf(j->msg, sizeof(j->msg), "%s", cf_error_msg());
	cf_buf_release(&j->r.line);
	return NULL;
}

/* GET .../pods/NAME/log with flux's PodLogOptions. */
static const char *log_path(const char *ns, const cf_node *pod, bool follow,
    long long tail, int64_t since_ns, const char *since_time)
{
	cf_buf b = CF_BUF_INIT;
	const char *s;
	char sep = '?';

	cf_buf_addf(&b, "/api/v1/namespaces/%s/pods/%s/log", ns,
	    cf_node_getp_str(pod, "metadata", "name", NULL));
	if (follow)
		cf_buf_addf(&b, "%cfollow=true", sep), sep = '&';
	if (tail > -1)
		cf_buf_addf(&b, "%ctailLines=%lld", sep, tail), sep = '&';
	if (since_ns) /* rounded to the second, as flux does */
		cf_buf_addf(&b, "%csinceSeconds=%lld", sep,
		    (long long)((since_ns + 500000000) / 1000000000)), sep = '&';
	if (since_time) {
		cf_buf_addf(&b, "%csinceTime=", sep), sep = '&';
		cf_http_add_escaped(&b, since_time);
	}
	if (cf_node_count(cf_node_getp(pod, "spec", "containers", NULL)) > 1)
		cf_buf_addf(&b, "%ccontainer=manager", sep);
	s = cf_arena_strndup(cf_cli_arena(), b.buf, b.len);
	cf_buf_release(&b);
	return s;
}

static bool valid_rfc3339(const char *s)
{
	struct tm tm = { 0 };
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!p)
		return false;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	return (*p == 'Z' && !p[1]) || ((*p == '+' || *p == '-') &&
	    strlen(p) == 6 && p[3] == ':');
}

static const char *default_flux_ns(void)
{
	const char *env = getenv("FLUX_SYSTEM_NAMESPACE");

	return env && *env ? env : "flux-system";
}

static int check_args(const char *level, const char *tail_s, long long *tail,
    int64_t since, const char *since_time, int nargs)
{
	char *end;

	if (level && strcmp(level, "debug") && strcmp(level, "info") &&
	    strcmp(level, "error"))
		return cf_cli_fail("invalid argument \"%s\" for \"--level\" flag: "
		    "unsupported log level '%s', must be one of: debug, info, error",
		    level, level);
	if (tail_s) {
		*tail = strtoll(tail_s, &end, 10);
		if (!*tail_s || *end)
			return cf_cli_fail("invalid argument \"%s\" for \"--tail\" "
			    "flag: strconv.ParseInt: parsing \"%s\": invalid syntax",
			    tail_s, tail_s);
	}
	if (nargs > 0)
		return cf_cli_fail("no argument required");
	if (since_time && since)
		return cf_cli_fail("at most one of `sinceTime` or `sinceDuration` "
		    "may be specified");
	if (since_time && !valid_rfc3339(since_time))
		return cf_cli_fail("%s is not a valid (RFC3339) time", since_time);
	return 0;
}

static int read_all(const cf_node **pods, size_t n, const char *ns,
    const struct logs_args *a, bool follow, long long tail, int64_t since,
    const char *since_time)
{
	struct pod_job *jobs = cf_arena_zalloc(cf_cli_arena(), n * sizeof(*jobs));
	pthread_t *t = cf_arena_zalloc(cf_cli_arena(), n * sizeof(*t));
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		jobs[i].r.args = a;
		jobs[i].path = log_path(ns, pods[i], follow, tail, since, since_time);
	}
	/* Followed streams never end on their own: read them side by side.
	 * Otherwise one after the other, as flux. */
	for (size_t i = 0; i < n; i++) {
		if (follow && n > 1) {
			if (pthread_create(&t[i], NULL, read_pod, &jobs[i]) != 0)
				return cf_cli_fail("cannot start a reader thread");
		} else {
			read_pod(&jobs[i]);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (follow && n > 1)
			pthread_join(t[i], NULL);
		if (jobs[i].err < 0) {
			fprintf(stderr, "failed getting logs: %s\n", jobs[i].msg);
			rc = cf_cli_fail("failed to collect logs from all Flux pods");
		}
	}
	return rc;
}

int cf_cmd_logs(int argc, char **argv)
{
	const char *level = NULL, *kind = NULL, *name = NULL, *tail_s = NULL;
	const char *flux_ns = default_flux_ns(), *since_time = NULL;
	bool follow = false;
	int64_t since = 0;
	const cf_flag flags[] = {
		{ "level", 0, CF_FLAG_STR, &level },
		{ "kind", 0, CF_FLAG_STR, &kind },
		{ "name", 0, CF_FLAG_STR, &name },
		{ "follow", 'f', CF_FLAG_BOOL, &follow },
		{ "tail", 0, CF_FLAG_STR, &tail_s },
		{ "flux-namespace", 0, CF_FLAG_STR, &flux_ns },
		{ "since", 0, CF_FLAG_DUR, &since },
		{ "since-time", 0, CF_FLAG_STR, &since_time },
		{ NULL, 0, 0, NULL },
	};
	struct logs_args a = { 0 };
	const cf_node **pods;
	long long tail = -1;
	char **args;
	int nargs;
	size_t n;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	if (check_args(level, tail_s, &tail, since, since_time, nargs))
		return 1;
	a = (struct logs_args){ .level = level && *level ? level : NULL,
		.kind = kind && *kind ? kind : NULL,
		.name = name && *name ? name : NULL,
		.all_ns = cf_cli.all_ns, .ns = cf_cli.ns };
	if (!cf_cli_client())
		return 1;
	if (find_pods(&pods, &n, flux_ns) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	if (!n)
		return cf_cli_fail("no Flux pods found in namespace \"%s\"", flux_ns);
	return read_all(pods, n, flux_ns, &a, follow, tail, since, since_time);
}
