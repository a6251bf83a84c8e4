/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Serving: the request path is percent-decoded by httpd, stripped of its
 * leading slashes and handed to cf_storage_secure_path, which refuses
 * "..", absolute paths and symlinks that leave the root, so no lexical
 * cleaning happens here (Go's http.Dir cleans "/../x" to "/x" and then
 * follows any symlink; we refuse instead). Only regular files are
 * answered; a directory is a 404, never a listing.
 *
 * Small files are read whole and answered with a normal, keep-alive
 * reply. Larger ones are streamed with their Content-Length set (httpd
 * does not chunk a stream that has one): a pump writes 64 KiB blocks
 * while less than 1 MiB waits in the socket buffer, and a 2 ms timer
 * calls it again while the client drains, so a 50 MiB artifact never
 * sits in memory. A streamed reply says "Connection: close": if the file
 * cannot be read to the end, closing is the only honest way to tell the
 * client its body is short.
 *
 * Stopping is Go's Server.Shutdown with a deadline: new requests get
 * 503, transfers in progress may finish for the grace period, then the
 * loop stops and freeing the server closes whatever is left. All of it
 * runs on the loop thread; start and stop only post work there.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "controllers/source/artifact_server.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/log.h"
#include "httpd/server.h"

#define SMALL_FILE (256 * 1024) /* read whole, keep-alive reply */
#define BLOCK (64 * 1024)
#define HIGH_WATER (1024 * 1024)
#define PUMP_MS 2
#define DRAIN_CHECK_MS 20

struct cf_artifact_server {
	const cf_storage *st;
	char *listen;
	int64_t grace_ms;

	pthread_mutex_t mu;       /* start, stop */
	cf_httpd *h;              /* NULL while stopped */
	pthread_t thread;
	atomic_int port;          /* 0 while stopped */

	/* loop thread only */
	bool draining;
	int64_t drain_until;
	cf_httpd_timer *drain_timer;
	int active;               /* streamed transfers in progress */
};

/* One streamed file. */
struct transfer {
	cf_artifact_server *s;
	cf_httpd_stream *stream;
	cf_httpd_timer *timer;
	int fd;
	off_t left;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* evhttp would send a HEAD reply's body, breaking the connection's
 * framing: HEAD answers carry none. */
static void reply_text(cf_httpd_req *req, int code, const char *text)
{
	bool head = !strcmp(cf_httpd_method(req), "HEAD");

	cf_httpd_reply(req, code, "text/plain; charset=utf-8", text,
	    head ? 0 : strlen(text));
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* Go's mime table knows ".gz" (a .tar.gz, a Helm .tgz is gzip too);
 * everything else is opaque bytes. */
static const char *content_type(const char *rel)
{
	if (has_suffix(rel, ".gz") || has_suffix(rel, ".tgz"))
		return "application/gzip";
	return "application/octet-stream";
}

/* ---- streaming ---- */

static void transfer_free(struct transfer *t)
{
	cf_httpd_timer_cancel(t->timer);
	close(t->fd);
	t->s->active--;
	free(t);
}

/* The client went away, or the server is being freed. */
static void on_stream_close(void *arg)
{
	transfer_free(arg);
}

static void on_pump(void *arg);

/* Write what the socket can take; end the reply once the file is out. */
static void pump(struct transfer *t)
{
	char buf[BLOCK];
	ssize_t n;

	while (t->left > 0 &&
	    cf_httpd_stream_pending(t->stream) < HIGH_WATER) {
		n = read(t->fd, buf, (size_t)(t->left < BLOCK ? t->left : BLOCK));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Truncated under us: end short; the connection closes
			 * and the client sees too few bytes. */
			cf_log(CF_LOG_ERROR, "artifact read failed", "error",
			    n < 0 ? strerror(errno) : "unexpected end of file",
			    NULL);
			t->left = 0;
			break;
		}
		if (cf_httpd_stream_write(t->stream, buf, (size_t)n) < 0) {
			t->left = 0;
			break;
		}
		t->left -= n;
	}
	/* Done only once the bytes have left our buffer: a draining stop
	 * waits for active transfers, and closing earlier would drop the
	 * tail of the file. */
	if (t->left > 0 || cf_httpd_stream_pending(t->stream) > 0) {
		if (!t->timer)
			t->timer = cf_httpd_timer_add(t->s->h,
			    PUMP_MS, true, on_pump, t);
		return;
	}
	cf_httpd_stream_end(t->stream);
	transfer_free(t);
}

static void on_pump(void *arg)
{
	pump(arg);
}

/* Start the reply with the headers (the Content-Length is set) and pump
 * the first blocks at once. */
static void stream_file(cf_artifact_server *s, cf_httpd_req *req, int fd,
    off_t size, const char *type)
{
	struct transfer *t = cf_xcalloc(1, sizeof(*t));

	t->s = s;
	t->fd = fd;
	t->left = size;
	s->active++;
	cf_httpd_add_header(req, "Connection", "close");
	t->stream = cf_httpd_stream_start(req, 200, type, on_stream_close, t);
	pump(t);
}

/* ---- requests ---- */

static void add_length(cf_httpd_req *req, off_t size)
{
	char len[32];

	snprintf(len, sizeof(len), "%lld", (long long)size);
	cf_httpd_add_header(req, "Content-Length", len);
}

/* Answer rel (confined, regular files only). */
static void serve_file(cf_artifact_server *s, cf_httpd_req *req,
    const char *rel, bool head)
{
	cf_buf body = CF_BUF_INIT;
	struct stat sb;
	char *abs = NULL;
	int err, fd;

	/* Confinement first: nothing outside the root is even stat()ed. */
	err = cf_storage_secure_path(&abs, s->st, rel);
	if (err == CF_EFORBIDDEN) {
		reply_text(req, 403, "403 forbidden\n");
		return;
	}
	if (err < 0 || stat(abs, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		free(abs);
		reply_text(req, 404, "404 page not found\n");
		return;
	}
	/* HEAD: the length a GET would send, no body (evhttp adds no
	 * Content-Length to a HEAD answer by itself). */
	if (head) {
		free(abs);
		add_length(req, sb.st_size);
		cf_httpd_reply(req, 200, content_type(rel), NULL, 0);
		return;
	}
	if (sb.st_size <= SMALL_FILE) {
		err = cf_fs_read(&body, abs, SMALL_FILE);
		free(abs);
		if (err < 0) {
			cf_buf_release(&body);
			reply_text(req, 500, "cannot read artifact\n");
			return;
		}
		cf_httpd_reply_take(req, 200, content_type(rel), &body);
		return;
	}
	/* realpath resolved every link; O_NOFOLLOW refuses one swapped in
	 * since. An open fd keeps serving a file the GC unlinks. */
	fd = open(abs, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(abs);
	if (fd < 0) {
		reply_text(req, 404, "404 page not found\n");
		return;
	}
	add_length(req, sb.st_size);
	stream_file(s, req, fd, sb.st_size, content_type(rel));
}

static void on_request(cf_httpd_req *req, void *payload)
{
	cf_artifact_server *s = payload;
	const char *m = cf_httpd_method(req), *rel = cf_httpd_path(req);
	bool head = !strcmp(m, "HEAD");

	/* Go's Shutdown stops accepting; we cannot close the listener
	 * early, so late requests are told to go away. */
	if (s->draining) {
		cf_httpd_add_header(req, "Connection", "close");
		reply_text(req, 503, "server is shutting down\n");
		return;
	}
	if (!head && strcmp(m, "GET")) {
		cf_httpd_add_header(req, "Allow", "GET, HEAD");
		reply_text(req, 405, "method not allowed\n");
		return;
	}
	/* A decoded NUL would end the path early and name another file. */
	if (strstr(cf_httpd_raw_path(req), "%00")) {
		reply_text(req, 400, "invalid path\n");
		return;
	}
	while (*rel == '/')
		rel++;
	if (!*rel) {
		/* The readiness probe; the root is never listed. */
		if (head)
			add_length(req, 3);
		reply_text(req, 200, "ok\n");
		return;
	}
	serve_file(s, req, rel, head);
}

/* ---- lifecycle ---- */

static void *serve_main(void *arg)
{
	cf_artifact_server *s = arg;

	if (cf_httpd_run(s->h) < 0)
		cf_log(CF_LOG_ERROR, "artifact server stopped", "error",
		    cf_error_msg(), NULL);
	return NULL;
}

cf_artifact_server *cf_artifact_server_new(const cf_storage *st,
    const cf_artifact_server_opts *opts)
{
	cf_artifact_server *s = cf_xcalloc(1, sizeof(*s));

	s->st = st;
	s->listen = cf_xstrdup(opts && opts->listen ? opts->listen :
	    CF_ARTIFACT_SERVER_ADDR);
	s->grace_ms = opts && opts->grace_ms > 0 ? opts->grace_ms :
	    CF_ARTIFACT_SERVER_GRACE_MS;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

void cf_artifact_server_free(cf_artifact_server *s)
{
	if (!s)
		return;
	cf_artifact_server_stop(s);
	pthread_mutex_destroy(&s->mu);
	free(s->listen);
	free(s);
}

/* Each start is a new httpd: a leader term may begin again after a stop,
 * and nothing of the last term's connections survives it. */
int cf_artifact_server_start(cf_artifact_server *s)
{
	cf_httpd_opts ho = {
		.listen = s->listen,
		.max_body = 1, /* GET and HEAD only */
		.handler = on_request,
		.payload = s,
	};
	int err = 0;

	pthread_mutex_lock(&s->mu);
	if (s->h)
		goto done;
	s->draining = false;
	s->active = 0;
	if ((err = cf_httpd_new(&s->h, &ho)) < 0)
		goto done;
	if (pthread_create(&s->thread, NULL, serve_main, s) != 0) {
		cf_httpd_free(s->h);
		s->h = NULL;
		err = cf_error_set(CF_ERR_OS, "cannot start the artifact server");
		goto done;
	}
	atomic_store(&s->port, cf_httpd_port(s->h));
	cf_log(CF_LOG_INFO, "starting artifact server", "addr", s->listen,
	    NULL);
done:
	pthread_mutex_unlock(&s->mu);
	return err;
}

/* Every DRAIN_CHECK_MS while draining: stop once idle or out of time. */
static void on_drain_check(void *arg)
{
	cf_artifact_server *s = arg;

	if (s->active > 0 && now_ms() < s->drain_until)
		return;
	cf_httpd_timer_cancel(s->drain_timer);
	s->drain_timer = NULL;
	cf_httpd_stop(s->h);
}

static void begin_drain(void *arg)
{
	cf_artifact_server *s = arg;

	s->draining = true;
	s->drain_until = now_ms() + s->grace_ms;
	s->drain_timer = cf_httpd_timer_add(s->h, DRAIN_CHECK_MS, true,
	    on_drain_check, s);
	on_drain_check(s);
}

/* The caller's thread only posts the drain and waits; the loop thread
 * decides when it is over. */
void cf_artifact_server_stop(cf_artifact_server *s)
{
	pthread_mutex_lock(&s->mu);
	if (!s->h) {
		pthread_mutex_unlock(&s->mu);
		return;
	}
	cf_httpd_post(s->h, begin_drain, s);
	pthread_join(s->thread, NULL);
	/* Transfers cut off by the deadline end here (on_stream_close). */
	cf_httpd_free(s->h);
	s->h = NULL;
	atomic_store(&s->port, 0);
	pthread_mutex_unlock(&s->mu);
	cf_log(CF_LOG_INFO, "artifact server stopped", "addr", s->listen,
	    NULL);
}

int cf_artifact_server_port(cf_artifact_server *s)
{
	return atomic_load(&s->port);
}

/* ---- URLs ---- */

/* source-controller's determineAdvStorageAddr, without Go's
 * SplitHostPort checks: the last ':' separates the port, so "[::]:9090"
 * keeps its brackets. */
int cf_artifact_adv_addr(char *out, size_t n, const char *storage_addr,
    const char *adv_addr)
{
	const char *colon, *env;
	char host[256];
	size_t hl;
	int w;

	if (adv_addr && *adv_addr) {
		w = snprintf(out, n, "%s", adv_addr);
		goto done;
	}
	colon = storage_addr ? strrchr(storage_addr, ':') : NULL;
	if (!colon || !colon[1])
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid storage address '%s' (want HOST:PORT)",
		    storage_addr ? storage_addr : "");
	hl = (size_t)(colon - storage_addr);
	if (hl >= sizeof(host))
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "storage address too long");
	memcpy(host, storage_addr, hl);
	host[hl] = '\0';
	if (!hl) {
		snprintf(host, sizeof(host), "localhost");
	} else if (!strcmp(host, "0.0.0.0")) {
		/* Pods get $HOSTNAME; elsewhere ask the kernel. */
		if ((env = getenv("HOSTNAME")) && *env)
			snprintf(host, sizeof(host), "%s", env);
		else if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
	}
	w = snprintf(out, n, "%s%s", host, colon);
done:
	if (w < 0 || (size_t)w >= n)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "advertised storage address too long");
	return 0;
}

/* Storage.SetArtifactURL: the path is not escaped, as Flux does not;
 * artifact paths are built from DNS names and hex digests. */
int cf_artifact_url(char *out, size_t n, const char *adv, const char *path)
{
	bool scheme = !strncmp(adv, "http://", 7) ||
	    !strncmp(adv, "https://", 8);
	int w;

	while (*path == '/')
		path++;
	w = snprintf(out, n, "%s%s/%s", scheme ? "" : "http://", adv, path);
	if (w < 0 || (size_t)w >= n)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_INVALID,
		    "artifact URL too long");
	return 0;
}
