/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The artifact server on 127.0.0.1:0 over a real storage directory,
 * fetched with the curl CLI: a packed artifact comes back with its
 * digest, a file larger than the in-memory cut is streamed whole, escapes
 * ("..", "%2e%2e", a symlink to /etc) are refused, directories are not
 * listed, HEAD has the length, stop is graceful within its bound. Also
 * the artifact URL rules.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../../client/fixture.h"
#include "controllers/source/artifact_server.h"
#include "controllers/source/storage.h"
#include "core/error.h"
#include "core/fs.h"
#include "test.h"

/* More than loopback's socket buffers hold, so a cut transfer shows. */
#define BIG_SIZE (24 << 20)

/* Run a shell command; its first line of output into out, its exit
 * status returned. */
static int run(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(char *out, size_t n, const char *fmt, ...)
{
	char cmd[2048], path[600], *text;
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/run.out", cf_test_tmpdir());
	st = fx_sh("%s > '%s'", cmd, path);
	text = fx_slurp(path, NULL);
	snprintf(out, n, "%s", text ? text : "");
	out[strcspn(out, "\r\n")] = '\0';
	free(text);
	return st;
}

/* GET path; the HTTP status, the body saved to save (or discarded). */
static int status_of(int port, const char *path, const char *save)
{
	char out[64];

	run(out, sizeof(out), "curl -s --path-as-is --max-time 20 -o '%s' "
	    "-w '%%{http_code}' 'http://127.0.0.1:%d%s'",
	    save ? save : "/dev/null", port, path);
	return atoi(out);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A storage root holding a packed artifact, a 24 MiB file, a directory
 * and a symlink to /etc. */
struct as {
	cf_storage *st;
	cf_artifact_server *srv;
	cf_artifact_file art;
	char big[1100];
	int port;
};

static int as_setup(struct as *f, const char *name, int64_t grace_ms)
{
	char dir[512], p[1200], rel[512], big_rel[512];
	char *junk = NULL;
	int err = -1;

	memset(f, 0, sizeof(*f));
	snprintf(dir, sizeof(dir), "%s/%s-src", cf_test_tmpdir(), name);
	snprintf(p, sizeof(p), "%s/deploy", dir);
	if (cf_fs_mkdirs(p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/deploy/app.yaml", dir);
	cf_fs_write_atomic(p, "kind: ConfigMap\n", 16, 0600);
	snprintf(p, sizeof(p), "%s/%s-store", cf_test_tmpdir(), name);
	if (cf_storage_open(&f->st, p) < 0 ||
	    cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "default", "podinfo", "0123abcd.tar.gz") < 0 ||
	    cf_storage_pack(&f->art, f->st, rel, dir, NULL) < 0 ||
	    cf_storage_artifact_path(big_rel, sizeof(big_rel), "Bucket",
	    "default", "big", "big.bin") < 0)
		return -1;
	/* Not compressible, not all one byte: a broken stream shows. */
	junk = malloc(BIG_SIZE);
	for (size_t i = 0; i < BIG_SIZE; i++)
		junk[i] = (char)((i * 2654435761u) >> 13);
	snprintf(f->big, sizeof(f->big), "%s/%s", cf_storage_root(f->st),
	    big_rel);
	snprintf(p, sizeof(p), "%s", f->big);
	*strrchr(p, '/') = '\0';
	if (cf_fs_mkdirs(p) == 0 &&
	    cf_fs_write_atomic(f->big, junk, BIG_SIZE, 0600) == 0)
		err = 0;
	free(junk);
	snprintf(p, sizeof(p), "%s/etc-link", cf_storage_root(f->st));
	if (err || symlink("/etc", p) < 0)
		return -1;
	f->srv = cf_artifact_server_new(f->st, &(cf_artifact_server_opts){
	    .listen = "127.0.0.1:0", .grace_ms = grace_ms });
	if (cf_artifact_server_start(f->srv) < 0)
		return -1;
	f->port = cf_artifact_server_port(f->srv);
	return f->port > 0 ? 0 : -1;
}

static int as_start(struct as *f, const char *name, int64_t grace_ms)
{
	if (as_setup(f, name, grace_ms) == 0)
		return 0;
	fprintf(stderr, "setup: %s\n", cf_error_msg());
	return -1;
}

static void as_teardown(struct as *f)
{
	cf_artifact_server_free(f->srv);
	cf_storage_free(f->st);
}

TEST(test_source_artifact_server__serves_files)
{
	char out[256], save[600], want[80];
	struct as f;

	CHECK_INT(as_start(&f, "serve", 0), 0);
	snprintf(save, sizeof(save), "%s/dl.tar.gz", cf_test_tmpdir());

	/* The packed artifact, byte for byte. */
	run(out, sizeof(out), "curl -s -o '%s' -w '%%{http_code} "
	    "%%{content_type} %%{size_download}' "
	    "'http://127.0.0.1:%d/%s'", save, f.port, f.art.path);
	snprintf(want, sizeof(want), "200 application/gzip %lld",
	    (long long)f.art.size);
	CHECK_STR(out, want);
	run(out, sizeof(out), "sha256sum '%s'", save);
	CHECK(!strncmp(out, f.art.digest + strlen("sha256:"), 64));

	/* Larger than what is read whole: streamed, with its length. */
	run(out, sizeof(out), "curl -s -o '%s' -w '%%{http_code} "
	    "%%{content_type} %%{size_download}' "
	    "'http://127.0.0.1:%d/bucket/default/big/big.bin'", save, f.port);
	snprintf(want, sizeof(want), "200 application/octet-stream %d",
	    BIG_SIZE);
	CHECK_STR(out, want);
	CHECK_INT(run(out, sizeof(out), "cmp -s '%s' '%s'", save, f.big), 0);

	/* Readiness; the root is never listed. */
	CHECK_INT(status_of(f.port, "/", save), 200);
	CHECK_INT(run(out, sizeof(out), "cat '%s'", save), 0);
	CHECK_STR(out, "ok");
	CHECK_INT(status_of(f.port, "/gitrepository/default/podinfo", NULL),
	    404);
	CHECK_INT(status_of(f.port, "/gitrepository/", NULL), 404);
	CHECK_INT(status_of(f.port, "/nope.tar.gz", NULL), 404);
	as_teardown(&f);
}

TEST(test_source_artifact_server__no_escape)
{
	struct as f;

	CHECK_INT(as_start(&f, "escape", 0), 0);
	CHECK_INT(status_of(f.port, "/../etc/passwd", NULL), 403);
	CHECK_INT(status_of(f.port, "/%2e%2e/etc/passwd", NULL), 403);
	CHECK_INT(status_of(f.port, "/%2E%2E%2Fetc%2Fpasswd", NULL), 403);
	CHECK_INT(status_of(f.port,
	    "/gitrepository/%2e%2e/%2e%2e/%2e%2e/etc/passwd", NULL), 403);
	CHECK_INT(status_of(f.port, "/gitrepository/./default", NULL), 403);
	CHECK_INT(status_of(f.port, "/etc-link/passwd", NULL), 403);
	CHECK_INT(status_of(f.port, "/etc-link", NULL), 403);
	CHECK_INT(status_of(f.port, "/a%00b", NULL), 400);
	CHECK_INT(status_of(f.port, "/a\\..\\b", NULL), 403);
	as_teardown(&f);
}

TEST(test_source_artifact_server__head_and_methods)
{
	char out[256], want[64];
	struct as f;

	CHECK_INT(as_start(&f, "head", 0), 0);
	run(out, sizeof(out), "curl -s -I 'http://127.0.0.1:%d/%s' | "
	    "tr -d '\\r' | grep -i '^content-length:'", f.port, f.art.path);
	snprintf(want, sizeof(want), "content-length: %lld",
	    (long long)f.art.size);
	CHECK(!strcasecmp(out, want));
	run(out, sizeof(out), "curl -s -I -o /dev/null -w '%%{http_code} "
	    "%%{content_type}' 'http://127.0.0.1:%d/bucket/default/big/"
	    "big.bin'", f.port);
	CHECK_STR(out, "200 application/octet-stream");
	run(out, sizeof(out), "curl -s -I -o /dev/null -w '%%{http_code}' "
	    "'http://127.0.0.1:%d/'", f.port);
	CHECK_STR(out, "200");
	run(out, sizeof(out), "curl -s -o /dev/null -w '%%{http_code}' "
	    "-X POST 'http://127.0.0.1:%d/%s'", f.port, f.art.path);
	CHECK_STR(out, "405");
	as_teardown(&f);
}

/* A download at rate running on its own thread. */
struct slow {
	int port;
	const char *rate;
	char save[600];
	char out[64];
};

static void *slow_get(void *arg)
{
	struct slow *s = arg;

	run(s->out, sizeof(s->out), "curl -s --limit-rate %s -o '%s' "
	    "-w '%%{http_code} %%{size_download}' "
	    "'http://127.0.0.1:%d/bucket/default/big/big.bin'", s->rate,
	    s->save, s->port);
	return NULL;
}

/* Stop the server 300 ms into a download of the big file at rate; how
 * long the stop took (-1 if the download could not start). curl's
 * "<code> <bytes>" is left in s->out. */
static double stop_during(struct as *f, struct slow *s, const char *rate)
{
	pthread_t t;
	double t0, took;

	s->port = f->port;
	s->rate = rate;
	snprintf(s->save, sizeof(s->save), "%s/slow.bin", cf_test_tmpdir());
	if (pthread_create(&t, NULL, slow_get, s) != 0)
		return -1;
	usleep(300 * 1000);
	t0 = mono_s();
	cf_artifact_server_stop(f->srv);
	took = mono_s() - t0;
	pthread_join(t, NULL);
	return took;
}

TEST(test_source_artifact_server__stop_is_graceful)
{
	struct slow s = { 0 };
	char want[64];
	double took;
	struct as f;

	/* The transfer (about 1.5 s) fits in the grace period: it ends
	 * complete, and stop waits for it. */
	CHECK_INT(as_start(&f, "graceful", 5000), 0);
	took = stop_during(&f, &s, "16M");
	CHECK(took >= 0 && took < 5);
	snprintf(want, sizeof(want), "200 %d", BIG_SIZE);
	CHECK_STR(s.out, want);
	CHECK_INT(cf_artifact_server_port(f.srv), 0);
	CHECK_INT(status_of(f.port, "/", NULL), 0); /* refused */

	/* It starts again (a new leader term). */
	CHECK_INT(cf_artifact_server_start(f.srv), 0);
	f.port = cf_artifact_server_port(f.srv);
	CHECK_INT(status_of(f.port, "/", NULL), 200);
	as_teardown(&f);
}

TEST(test_source_artifact_server__stop_cuts_at_deadline)
{
	struct slow s = { 0 };
	double took;
	struct as f;

	/* 300 ms of grace for a 6 s transfer: cut short. */
	CHECK_INT(as_start(&f, "deadline", 300), 0);
	took = stop_during(&f, &s, "4M");
	CHECK(took >= 0 && took < 1.0);
	CHECK(!strncmp(s.out, "200 ", 4));
	CHECK(atoi(s.out + 4) < BIG_SIZE);
	as_teardown(&f);
}

TEST(test_source_artifact_server__urls)
{
	char adv[256], url[512];

	CHECK_INT(cf_artifact_adv_addr(adv, sizeof(adv), ":9090", NULL), 0);
	CHECK_STR(adv, "localhost:9090");
	CHECK_INT(cf_artifact_adv_addr(adv, sizeof(adv), "127.0.0.1:9090",
	    ""), 0);
	CHECK_STR(adv, "127.0.0.1:9090");
	setenv("HOSTNAME", "source-controller-7d9f", 1);
	CHECK_INT(cf_artifact_adv_addr(adv, sizeof(adv), "0.0.0.0:9090",
	    NULL), 0);
	CHECK_STR(adv, "source-controller-7d9f:9090");
	CHECK_INT(cf_artifact_adv_addr(adv, sizeof(adv), ":9090",
	    "source-controller.flux-system.svc.cluster.local."), 0);
	CHECK_STR(adv, "source-controller.flux-system.svc.cluster.local.");
	CHECK_INT(cf_artifact_adv_addr(adv, sizeof(adv), "nope", NULL),
	    CF_EINVALID);
	CHECK_INT(cf_artifact_adv_addr(adv, 8, "0.0.0.0:9090", NULL),
	    CF_ETOOLARGE);

	CHECK_INT(cf_artifact_url(url, sizeof(url), "localhost:9090",
	    "gitrepository/default/podinfo/abc.tar.gz"), 0);
	CHECK_STR(url, "http://localhost:9090/gitrepository/default/podinfo/"
	    "abc.tar.gz");
	CHECK_INT(cf_artifact_url(url, sizeof(url), "https://cdn.example.com",
	    "/bucket/a/b/c.tar.gz"), 0);
	CHECK_STR(url, "https://cdn.example.com/bucket/a/b/c.tar.gz");
	CHECK_INT(cf_artifact_url(url, 10, "localhost:9090", "x"),
	    CF_ETOOLARGE);
}

TEST_MAIN(T(test_source_artifact_server__serves_files),
    T(test_source_artifact_server__no_escape),
    T(test_source_artifact_server__head_and_methods),
    T(test_source_artifact_server__stop_is_graceful),
    T(test_source_artifact_server__stop_cuts_at_deadline),
    T(test_source_artifact_server__urls))
