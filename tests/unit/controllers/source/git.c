/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Git transport against real servers on 127.0.0.1: file:// always, git
 * http-backend behind lighttpd with basic auth, and sshd with key auth and
 * known_hosts. The servers are started by tests/lib/gitserver.sh and
 * stopped by PID. The test drives the upstream repository with the git CLI
 * (the test's own shell commands) and cflux's transport as the client.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "controllers/source/git.h"
#include "controllers/source/storage.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/http.h"
#include "test.h"

static char up[512], upurl[600], mirror[512];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* First line of a command's stdout. */
static char *sh_out(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static char *sh_out(char *out, size_t n, const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	out[0] = '\0';
	if ((f = popen(cmd, "r"))) {
		if (!fgets(out, (int)n, f))
			out[0] = '\0';
		pclose(f);
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

#define GIT "git -c user.name=t -c user.email=t@e -c init.defaultBranch=main "

/* Distinct objects in the mirror. count-objects would add loose and packed
 * counts, and a thin pack completed on arrival repeats its base objects. */
static long mirror_objects(void)
{
	char o[64];
	return atol(sh_out(o, sizeof(o), "git --git-dir=%s cat-file "
	    "--batch-all-objects --batch-check | wc -l", mirror));
}

static const char *head_of(const char *ref)
{
	static char o[64];
	return sh_out(o, sizeof(o), "git -C %s rev-parse '%s^{commit}'", up, ref);
}

TEST(test_source_git__setup)
{
	snprintf(up, sizeof(up), "%s/up", cf_test_tmpdir());
	snprintf(upurl, sizeof(upurl), "file://%s", up);
	snprintf(mirror, sizeof(mirror), "%s/mirrors/default/podinfo",
	    cf_test_tmpdir());
	/* 200 files and 1 MiB of random data: a first fetch is big. */
	CHECK_INT(sh(GIT "init -q %s && cd %s && mkdir -p apps && "
	    "for i in $(seq 200); do echo \"n: $i\" > apps/f$i.yaml; done && "
	    "head -c 1048576 /dev/urandom > blob.bin && "
	    "git add . && " GIT "commit -qm one && "
	    GIT "tag -a v1.0.0 -m release && " GIT "tag v1.1.0 && "
	    GIT "tag v2.0.0-rc.1", up, up), 0);
}

TEST(test_source_git__first_then_incremental)
{
	cf_git_ref ref = { .branch = "main" };
	cf_git_resolved r, rl;
	char want[80], exp[128];

	CHECK_INT(cf_git_ls_remote(&rl, upurl, &ref, NULL), 0);
	CHECK_STR(rl.commit, head_of("main"));
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &ref, NULL), 0);
	CHECK_STR(r.commit, head_of("main"));
	snprintf(exp, sizeof(exp), "main@sha1:%s", r.commit);
	CHECK_STR(r.revision, exp);
	CHECK_STR(rl.revision, exp);
	long first = mirror_objects();
	CHECK_INT(first, 204); /* commit + 2 trees + 201 blobs */

	/* One changed file: the next fetch brings commit, 2 trees, 1 blob,
	 * not the 200 unchanged blobs again. */
	CHECK_INT(sh("cd %s && echo changed > apps/f7.yaml && "
	    GIT "commit -qam two", up), 0);
	snprintf(want, sizeof(want), "%s", head_of("main"));
	CHECK_INT(cf_git_ls_remote(&rl, upurl, &ref, NULL), 0);
	CHECK_STR(rl.commit, want);
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &ref, NULL), 0);
	CHECK_STR(r.commit, want);
	long delta = mirror_objects() - first;
	printf("    first fetch %ld objects, incremental fetch %ld objects\n",
	    first, delta);
	CHECK_INT(delta, 4);
}

TEST(test_source_git__export_and_pack)
{
	cf_git_ref ref = { .branch = "main" };
	cf_git_resolved r;
	char dest[600], st_root[600], o[128];
	cf_storage *st;
	cf_artifact_file a1, a2;
	cf_ignore *ig;

	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &ref, NULL), 0);
	snprintf(dest, sizeof(dest), "%s/work1", cf_test_tmpdir());
	CHECK_INT(cf_git_export(mirror, r.commit, dest, NULL, 0, NULL), 0);
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/apps/f7.yaml", dest), "changed");
	CHECK_STR(sh_out(o, sizeof(o), "ls -A %s | tr '\\n' ' '", dest),
	    "apps blob.bin ");
	/* Same commit exported twice, packed twice: same digest. */
	snprintf(st_root, sizeof(st_root), "%s/storage", cf_test_tmpdir());
	CHECK_INT(cf_storage_open(&st, st_root), 0);
	CHECK_INT(cf_ignore_load_tree(&ig, dest, NULL), 0);
	cf_storage_pack_opts po = { .ignore = ig };
	char rel[512], file[64];
	snprintf(file, sizeof(file), "%s.tar.gz", r.commit);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "default", "podinfo", file), 0);
	CHECK_INT(cf_storage_pack(&a1, st, rel, dest, &po), 0);
	cf_ignore_free(ig);
	sh("sleep 1.1");
	snprintf(dest, sizeof(dest), "%s/work2", cf_test_tmpdir());
	CHECK_INT(cf_git_export(mirror, r.commit, dest, NULL, 0, NULL), 0);
	CHECK_INT(cf_ignore_load_tree(&ig, dest, NULL), 0);
	po.ignore = ig;
	CHECK_INT(cf_storage_pack(&a2, st, rel, dest, &po), 0);
	cf_ignore_free(ig);
	CHECK_STR(a1.digest, a2.digest);
	cf_storage_free(st);

	/* Sparse checkout: only the named directory; a missing one fails. */
	const char *sp[] = { "apps" }, *bad[] = { "nope" }, *esc[] = { "../x" };
	snprintf(dest, sizeof(dest), "%s/work3", cf_test_tmpdir());
	CHECK_INT(cf_git_export(mirror, r.commit, dest, sp, 1, NULL), 0);
	CHECK_STR(sh_out(o, sizeof(o), "ls -A %s | tr '\\n' ' '", dest),
	    "apps ");
	snprintf(dest, sizeof(dest), "%s/work4", cf_test_tmpdir());
	CHECK_INT(cf_git_export(mirror, r.commit, dest, bad, 1, NULL),
	    CF_ENOTFOUND);
	CHECK_INT(cf_git_export(mirror, r.commit, dest, esc, 1, NULL),
	    CF_EINVALID);
}

TEST(test_source_git__force_push)
{
	cf_git_ref ref = { .branch = "main" };
	cf_git_resolved r;
	char old[64];

	snprintf(old, sizeof(old), "%s", head_of("main"));
	/* Rewrite the last commit: the old tip is no longer an ancestor. */
	CHECK_INT(sh("cd %s && echo rewritten > apps/f7.yaml && "
	    GIT "commit -q --amend -am rewritten", up), 0);
	CHECK(strcmp(old, head_of("main")) != 0);
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &ref, NULL), 0);
	CHECK_STR(r.commit, head_of("main"));
}

TEST(test_source_git__tags_and_semver)
{
	cf_git_ref annotated = { .tag = "v1.0.0" }, light = { .tag = "v1.1.0" };
	cf_git_ref range = { .semver = ">=1.0.0 <2.0.0" };
	cf_git_ref pre = { .semver = ">=2.0.0-0" };
	cf_git_resolved r;
	char exp[128], first[64];

	/* An annotated tag resolves to its commit, not the tag object. */
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &annotated, NULL), 0);
	CHECK_STR(r.commit, head_of("v1.0.0"));
	snprintf(exp, sizeof(exp), "v1.0.0@sha1:%s", r.commit);
	CHECK_STR(r.revision, exp);
	CHECK_INT(cf_git_ls_remote(&r, upurl, &annotated, NULL), 0);
	CHECK_STR(r.commit, head_of("v1.0.0"));
	/* Semver picks the highest matching tag; pre-releases only if asked. */
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &range, NULL), 0);
	snprintf(exp, sizeof(exp), "v1.1.0@sha1:%s", head_of("v1.1.0"));
	CHECK_STR(r.revision, exp);
	CHECK_INT(cf_git_ls_remote(&r, upurl, &pre, NULL), 0);
	CHECK_STR(r.refname, "refs/tags/v2.0.0-rc.1");
	/* A moving tag: re-pointed upstream, fetched again. */
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &light, NULL), 0);
	snprintf(first, sizeof(first), "%s", r.commit);
	CHECK_INT(sh("cd %s && " GIT "tag -f v1.1.0 main >/dev/null", up), 0);
	CHECK(strcmp(first, head_of("v1.1.0")) != 0);
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &light, NULL), 0);
	CHECK_STR(r.commit, head_of("v1.1.0"));
	cf_git_ref none = { .semver = ">=5.0.0" };
	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &none, NULL), CF_ENOTFOUND);
	cf_git_ref badr = { .semver = ">=x.y" };
	CHECK_INT(cf_git_ls_remote(&r, upurl, &badr, NULL), CF_EINVALID);
}

TEST(test_source_git__name_and_commit)
{
	cf_git_ref name = { .name = "refs/heads/main" };
	cf_git_ref pin, pin_branch;
	cf_git_resolved r;
	char c1[64], exp[128], m2[600];

	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &name, NULL), 0);
	snprintf(exp, sizeof(exp), "refs/heads/main@sha1:%s", head_of("main"));
	CHECK_STR(r.revision, exp);
	/* A commit on the branch, older than its tip, in a fresh mirror. */
	snprintf(c1, sizeof(c1), "%s", head_of("v1.0.0"));
	pin_branch = (cf_git_ref){ .branch = "main", .commit = c1 };
	snprintf(m2, sizeof(m2), "%s/mirrors/default/pinned", cf_test_tmpdir());
	CHECK_INT(cf_git_fetch(&r, m2, upurl, &pin_branch, NULL), 0);
	snprintf(exp, sizeof(exp), "main@sha1:%s", c1);
	CHECK_STR(r.revision, exp);
	/* A bare commit. */
	pin = (cf_git_ref){ .commit = c1 };
	snprintf(m2, sizeof(m2), "%s/mirrors/default/bare", cf_test_tmpdir());
	CHECK_INT(cf_git_fetch(&r, m2, upurl, &pin, NULL), 0);
	snprintf(exp, sizeof(exp), "sha1:%s", c1);
	CHECK_STR(r.revision, exp);
	pin.commit = "0123456789abcdef0123456789abcdef01234567";
	CHECK_INT(cf_git_fetch(&r, m2, upurl, &pin, NULL), CF_ENOTFOUND);
	pin.commit = "HEAD";
	CHECK_INT(cf_git_fetch(&r, m2, upurl, &pin, NULL), CF_EINVALID);
}

TEST(test_source_git__errors)
{
	cf_git_ref missing = { .branch = "nope" };
	cf_git_ref opt = { .branch = "--upload-pack=touch /tmp/pwned" };
	cf_git_resolved r;
	char url[700];

	CHECK_INT(cf_git_fetch(&r, mirror, upurl, &missing, NULL), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "ref 'refs/heads/nope' not found"));
	CHECK_INT(cf_git_ls_remote(&r, upurl, &missing, NULL), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "ref 'refs/heads/nope' not found"));
	CHECK_INT(cf_git_ls_remote(&r, upurl, &opt, NULL), CF_EINVALID);
	/* The protocol allowlist. */
	cf_git_opts https_only = { .allow_protocols = "https" };
	cf_git_ref main = { .branch = "main" };
	CHECK_INT(cf_git_ls_remote(&r, upurl, &main, &https_only), CF_EINVALID);
	CHECK_INT(cf_git_ls_remote(&r, "ext::sh -c touch% /tmp/pwned", &main,
	    NULL), CF_EINVALID);
	CHECK_INT(cf_git_ls_remote(&r, "-oProxyCommand=x", &main, NULL),
	    CF_EINVALID);
	/* No repository there. */
	snprintf(url, sizeof(url), "file://%s/none", cf_test_tmpdir());
	CHECK_INT(cf_git_ls_remote(&r, url, &main, NULL), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "repository not found"));
	/* Unreachable: nothing listens on port 1. */
	CHECK(cf_git_ls_remote(&r, "http://127.0.0.1:1/r.git", &main, NULL) < 0);
	CHECK(strstr(cf_error_msg(), "unreachable"));
}

TEST(test_source_git__timeout)
{
	/* A server that accepts connections and never answers. */
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	char url[128];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_INT(listen(s, 8), 0);
	getsockname(s, (struct sockaddr *)&a, &al);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/r.git",
	    ntohs(a.sin_port));
	cf_git_opts o = { .timeout_ms = 1500 };
	CHECK_INT(cf_git_ls_remote(&r, url, &main, &o), CF_ETIMEOUT);
	CHECK(strstr(cf_error_msg(), "timeout after 2 s"));
	close(s);
}

static char srvdir[600], repos[600], port[32];
static const char *pass = "Pa55-w0rd-sekrit", *token = "t0ken.Sekrit-42";

/* 1 if msg shows none of the secrets used here: the password, the token
 * (the wrong ones too share these stems), basic credentials in base64
 * ("alice:" is "YWxpY2U6") or URL userinfo. */
static int clean(const char *msg)
{
	static const char *const stems[] = { "w0rd-sekrit", "Pa55", "Sekrit-4",
		"YWxpY2U6", "alice" };

	for (size_t i = 0; i < sizeof(stems) / sizeof(stems[0]); i++) {
		if (strstr(msg, stems[i])) {
			printf("    '%s' leaked: %s\n", stems[i], msg);
			return 0;
		}
	}
	return 1;
}

static int start(const char *what, char *port, size_t n, const char *args)
{
	sh_out(port, n, "%s/gitserver.sh %s %s %s", CF_TEST_LIB, what, srvdir,
	    args);
	return port[0] ? 0 : -1;
}

static void stop(void)
{
	sh("%s/gitserver.sh stop %s", CF_TEST_LIB, srvdir);
}

/* Bare copies of the upstream as private/ (basic auth), public/ and
 * bearer/ (token) under repos, made once; sshd serves the same files. */
static int serve_repos(void)
{
	snprintf(repos, sizeof(repos), "%s/srv", cf_test_tmpdir());
	if (!sh("test -d %s/public/r.git", repos))
		return 0;
	return sh("for d in private public bearer; do mkdir -p %s/$d && "
	    "git clone -q --bare %s %s/$d/r.git || exit 1; done", repos, up,
	    repos);
}

/* Start lighttpd + http-backend on the served repositories, on port;
 * 1 when lighttpd is not installed. */
static int http_start(void)
{
	char args[1400];

	if (access("/usr/sbin/lighttpd", X_OK) != 0) {
		printf("    skipped: lighttpd not installed\n");
		return 1;
	}
	if (serve_repos())
		return -1;
	snprintf(srvdir, sizeof(srvdir), "%s/http", cf_test_tmpdir());
	snprintf(args, sizeof(args), "%s alice %s %s", repos, pass, token);
	return start("http-start", port, sizeof(port), args);
}

/* Start the HTTP server, or skip the test without lighttpd. */
#define HTTP_START()                                                       \
	do {                                                               \
		int rc_ = http_start();                                    \
		if (rc_ > 0)                                               \
			return;                                            \
		CHECK_INT(rc_, 0);                                         \
	} while (0)

/* "http://[userinfo@]127.0.0.1:<port>/<path>" */
static char *http_url(char *out, size_t n, const char *userinfo,
    const char *path)
{
	snprintf(out, n, "http://%s%s127.0.0.1:%s/%s", userinfo ? userinfo : "",
	    userinfo ? "@" : "", port, path);
	return out;
}

/* A refusal: CF_EFORBIDDEN, said plainly, without secrets. */
static int refused(int rc, const char *msg, const char *what)
{
	printf("    %s: %s\n", what, msg);
	return rc == CF_EFORBIDDEN && strstr(msg, "authentication failed") &&
	    clean(msg);
}

/* Copy of the last error message, or "" after success. */
static char *msg(char *out, size_t n, int rc)
{
	snprintf(out, n, "%s", rc < 0 ? cf_error_msg() : "");
	return out;
}

TEST(test_source_git__http_basic_auth)
{
	char url[700], pub[700], m[600], ui[64];
	char badmsg[1100], uimsg[1100], goodc[64], withuser[800];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;

	HTTP_START();
	http_url(url, sizeof(url), NULL, "git/private/r.git");
	http_url(pub, sizeof(pub), NULL, "git/public/r.git");

	cf_git_auth good = { .username = "alice", .password = pass };
	cf_git_auth bad = { .username = "alice", .password = "wrong-Pa55-xyz" };
	cf_git_opts og = { .auth = &good }, ob = { .auth = &bad };
	snprintf(m, sizeof(m), "%s/mirrors/http/r", cf_test_tmpdir());
	int rc_pub = cf_git_ls_remote(&r, pub, &main, NULL);
	int rc_none = cf_git_ls_remote(&r, url, &main, NULL);
	int rc_bad = cf_git_fetch(&r, m, url, &main, &ob);
	msg(badmsg, sizeof(badmsg), rc_bad);
	int rc_good = cf_git_fetch(&r, m, url, &main, &og);
	snprintf(goodc, sizeof(goodc), "%s", r.commit);
	/* Credentials in the URL's userinfo never reach a message. */
	snprintf(ui, sizeof(ui), "alice:%s-nope", pass);
	http_url(withuser, sizeof(withuser), ui, "git/private/r.git");
	int rc_ui = cf_git_ls_remote(&r, withuser, &main, NULL);
	msg(uimsg, sizeof(uimsg), rc_ui);
	stop();

	CHECK_INT(rc_pub, 0);
	CHECK_INT(rc_none, CF_EFORBIDDEN);
	CHECK(refused(rc_bad, badmsg, "wrong password"));
	CHECK(refused(rc_ui, uimsg, "userinfo in URL"));
	CHECK_INT(rc_good, 0);
	CHECK_STR(goodc, head_of("main"));
}

/* The server refuses /git/bearer/ unless the request carries
 * "Authorization: Bearer <token>" (a lighttpd rule on the header). */
TEST(test_source_git__http_bearer_token)
{
	char url[700], m[600], badmsg[1100], goodc[64], lsc[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;

	HTTP_START();
	http_url(url, sizeof(url), NULL, "git/bearer/r.git");
	cf_git_auth good = { .bearer_token = token };
	cf_git_auth bad = { .bearer_token = "t0ken.Sekrit-43" };
	/* Basic credentials for another realm do not open the bearer one. */
	cf_git_auth basic = { .username = "alice", .password = pass };
	cf_git_opts og = { .auth = &good }, ob = { .auth = &bad };
	cf_git_opts obasic = { .auth = &basic };
	snprintf(m, sizeof(m), "%s/mirrors/bearer/r", cf_test_tmpdir());
	int rc_none = cf_git_ls_remote(&r, url, &main, NULL);
	int rc_basic = cf_git_ls_remote(&r, url, &main, &obasic);
	int rc_bad = cf_git_fetch(&r, m, url, &main, &ob);
	msg(badmsg, sizeof(badmsg), rc_bad);
	int rc_good = cf_git_fetch(&r, m, url, &main, &og);
	snprintf(goodc, sizeof(goodc), "%s", r.commit);
	int rc_ls = cf_git_ls_remote(&r, url, &main, &og);
	snprintf(lsc, sizeof(lsc), "%s", r.commit);
	stop();

	CHECK_INT(rc_none, CF_EFORBIDDEN);
	CHECK_INT(rc_basic, CF_EFORBIDDEN);
	CHECK(refused(rc_bad, badmsg, "wrong token"));
	CHECK_INT(rc_good, 0);
	CHECK_STR(goodc, head_of("main"));
	CHECK_INT(rc_ls, 0);
	CHECK_STR(lsc, head_of("main"));
}

/* With a pooled HTTP session, ls-remote reads refs without git (smart
 * HTTP advertisement, a local repository's branches) and must agree with
 * git on every ref kind; refusals still come back as git words them. */
TEST(test_source_git__ls_remote_without_git)
{
	char url[700], bad_msg[1100], viagit[64], native[64];
	cf_git_ref main = { .branch = "main" }, tag = { .tag = "v1.0.0" };
	cf_git_ref full = { .name = "refs/heads/main" };
	cf_git_ref nope = { .branch = "nope" };
	cf_git_resolved r, g;
	cf_http *h = NULL;
	int rc_main, rc_tag, rc_full, rc_nope, rc_bad, rc_file, same = 1;

	CHECK_INT(cf_http_new(&h, NULL), 0);
	HTTP_START();
	http_url(url, sizeof(url), NULL, "git/private/r.git");
	cf_git_auth good = { .username = "alice", .password = pass };
	cf_git_auth bad = { .username = "alice", .password = "wrong-Pa55-xyz" };
	cf_git_opts on = { .auth = &good, .http = h }, og = { .auth = &good };
	cf_git_opts ob = { .auth = &bad, .http = h };
	const cf_git_ref *refs[] = { &main, &tag, &full };
	int *rcs[] = { &rc_main, &rc_tag, &rc_full };
	for (size_t i = 0; i < 3; i++) {
		*rcs[i] = cf_git_ls_remote(&r, url, refs[i], &on);
		snprintf(native, sizeof(native), "%s", r.commit);
		cf_git_ls_remote(&g, url, refs[i], &og);
		snprintf(viagit, sizeof(viagit), "%s", g.commit);
		same = same && !strcmp(native, viagit) &&
		    !strcmp(r.revision, g.revision);
	}
	rc_nope = cf_git_ls_remote(&r, url, &nope, &on);
	rc_bad = cf_git_ls_remote(&r, url, &main, &ob);
	msg(bad_msg, sizeof(bad_msg), rc_bad);
	stop();
	/* The fast path really ran: cflux's own client fetched info/refs
	 * (git's requests say "git/..." in the access log). */
	char o[32];
	int cflux_gets = atoi(sh_out(o, sizeof(o), "grep -c 'info/refs.*\"cflux/' "
	    "%s/access.log", srvdir));
	rc_file = cf_git_ls_remote(&r, upurl, &main, &on);

	CHECK_INT(rc_main, 0);
	CHECK_INT(rc_tag, 0);
	CHECK_INT(rc_full, 0);
	CHECK(same);
	CHECK(cflux_gets >= 3);
	CHECK_INT(rc_nope, CF_ENOTFOUND);
	CHECK(refused(rc_bad, bad_msg, "wrong password, without git"));
	CHECK_INT(rc_file, 0);
	CHECK_STR(r.commit, head_of("main"));
	cf_http_free(h);
}

/* The server goes away (a restart, a network blip) and comes back: the
 * failure names the server without its credentials, and the next fetch
 * picks up what was pushed meanwhile. */
TEST(test_source_git__server_restart)
{
	char url[800], plain[700], m[600], downmsg[1100], ui[64];
	char lsmsg[1100], first[64], after[64], want[64], p2[32];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;

	HTTP_START();
	/* Basic credentials in the URL's userinfo, as some users write it. */
	snprintf(ui, sizeof(ui), "alice:%s", pass);
	http_url(url, sizeof(url), ui, "git/private/r.git");
	http_url(plain, sizeof(plain), NULL, "git/private/r.git");
	snprintf(m, sizeof(m), "%s/mirrors/restart/r", cf_test_tmpdir());
	int rc_first = cf_git_fetch(&r, m, url, &main, NULL);
	snprintf(first, sizeof(first), "%s", r.commit);
	stop();
	int rc_down = cf_git_fetch(&r, m, url, &main, NULL);
	msg(downmsg, sizeof(downmsg), rc_down);
	int rc_lsdown = cf_git_ls_remote(&r, url, &main, NULL);
	msg(lsmsg, sizeof(lsmsg), rc_lsdown);
	/* A commit lands while the server is down. */
	int rc_push = sh("cd %s && echo after > restart.txt && git add . && "
	    GIT "commit -qm restart && for d in private public bearer; do "
	    "git push -q -f %s/$d/r.git main || exit 1; done", up, repos);
	snprintf(want, sizeof(want), "%s", head_of("main"));
	int rc_up = start("http-restart", p2, sizeof(p2), "");
	int rc_again = cf_git_fetch(&r, m, url, &main, NULL);
	snprintf(after, sizeof(after), "%s", r.commit);
	stop();

	CHECK_INT(rc_first, 0);
	CHECK_STR(first, head_of("main^"));
	CHECK_INT(rc_down, CF_ERROR);
	printf("    server down: %s\n", downmsg);
	CHECK(strstr(downmsg, "unreachable"));
	CHECK(strstr(downmsg, plain));
	CHECK(clean(downmsg));
	CHECK_INT(rc_lsdown, CF_ERROR);
	CHECK(strstr(lsmsg, plain));
	CHECK(clean(lsmsg));
	CHECK_INT(rc_push, 0);
	CHECK_INT(rc_up, 0);
	CHECK_STR(p2, port);
	CHECK_INT(rc_again, 0);
	CHECK_STR(after, want);
}

/* Every failure path with credentials in play, in the options and in the
 * URL: no message shows a password, a token or userinfo. */
TEST(test_source_git__no_secret_in_errors)
{
	char base[700], url[900], m[600], dumb[700], ui[64];
	char msgs[12][1100];
	int rcs[12], n = 0;
	cf_git_ref main = { .branch = "main" }, nope = { .branch = "nope" };
	cf_git_resolved r;

	HTTP_START();
	/* A directory served as plain files that is no repository: git's own
	 * error text (with the URL in it) reaches the message. */
	snprintf(dumb, sizeof(dumb), "%s/dumb.git/info", srvdir);
	CHECK_INT(sh("mkdir -p %s && echo garbage > %s/refs", dumb, dumb), 0);
	snprintf(base, sizeof(base), "127.0.0.1:%s", port);
	snprintf(m, sizeof(m), "%s/mirrors/secrets/r", cf_test_tmpdir());
	cf_git_auth basic = { .username = "alice", .password = "Pa55-w0rd-x" };
	cf_git_auth right = { .username = "alice", .password = pass };
	cf_git_auth bearer = { .bearer_token = "t0ken.Sekrit-44" };
	cf_git_opts ob = { .auth = &basic }, oright = { .auth = &right };
	cf_git_opts otok = { .auth = &bearer };
#define TRY(call)                                                          \
	do {                                                               \
		rcs[n] = (call);                                           \
		msg(msgs[n], sizeof(msgs[n]), rcs[n]);                     \
		n++;                                                       \
	} while (0)
	snprintf(ui, sizeof(ui), "alice:%s", pass);
	http_url(url, sizeof(url), NULL, "git/private/r.git");
	TRY(cf_git_fetch(&r, m, url, &main, &ob));
	TRY(cf_git_fetch(&r, m, url, &nope, &oright));
	TRY(cf_git_ls_remote(&r, url, &nope, &oright));
	http_url(url, sizeof(url), NULL, "git/bearer/r.git");
	TRY(cf_git_ls_remote(&r, url, &main, &otok));
	http_url(url, sizeof(url), ui, "git/private/none.git");
	TRY(cf_git_ls_remote(&r, url, &main, &otok));
	http_url(url, sizeof(url), ui, "git/public/none.git");
	TRY(cf_git_fetch(&r, m, url, &main, &otok));
	http_url(url, sizeof(url), ui, "dumb.git");
	TRY(cf_git_fetch(&r, m, url, &main, &oright));
	/* Unencoded '/' and '#' in a password: git prints the URL whole. */
	http_url(url, sizeof(url), "alice:pa/ss-Sekrit-45", "git/public/r.git");
	TRY(cf_git_ls_remote(&r, url, &main, NULL));
	http_url(url, sizeof(url), "alice:pa#ss-Sekrit-46", "git/public/r.git");
	TRY(cf_git_ls_remote(&r, url, &main, NULL));
	/* Rejected before git runs: a control character in the URL. */
	http_url(url, sizeof(url), ui, "r\001.git");
	TRY(cf_git_ls_remote(&r, url, &main, &oright));
	stop();
	http_url(url, sizeof(url), ui, "git/private/r.git");
	TRY(cf_git_ls_remote(&r, url, &main, &otok));
#undef TRY

	CHECK_INT(rcs[5], CF_ENOTFOUND);
	CHECK(strstr(msgs[5], "repository not found"));
	CHECK_INT(rcs[7], CF_EINVALID);
	CHECK(strstr(msgs[7], "malformed URL"));
	CHECK_INT(rcs[8], CF_EINVALID);
	CHECK(strstr(msgs[9], "'http://127.0.0.1:"));
	CHECK(strstr(msgs[9], "/r?.git'"));
	for (int i = 0; i < n; i++) {
		printf("    %s\n", msgs[i]);
		CHECK(rcs[i] < 0);
		CHECK(strstr(msgs[i], base));
		CHECK(clean(msgs[i]));
	}
}

/* Submodules: leaf inside mid inside top, with relative URLs ("../mid"),
 * the recorded commits older than the submodules' tips. */
static char subs[600];

static int make_submodules(void)
{
	snprintf(subs, sizeof(subs), "%s/subs", cf_test_tmpdir());
	return sh("set -e; mkdir -p %s && cd %s; F='-c protocol.file.allow=always'"
	    " && for r in leaf mid top; do " GIT "init -q $r && "
	    "echo \"$r v1\" > $r/$r.txt && git -C $r add . && "
	    GIT "-C $r commit -qm $r; done && "
	    GIT "-C mid $F submodule add -q ../leaf deps/leaf && "
	    GIT "-C mid commit -qm 'add leaf' && "
	    GIT "-C top $F submodule add -q ../mid vendor/mid && "
	    GIT "-C top commit -qm 'add mid' && "
	    "echo 'leaf v2' > leaf/leaf.txt && " GIT "-C leaf commit -qam v2 && "
	    "echo 'mid v2' > mid/mid.txt && " GIT "-C mid commit -qam v2",
	    subs, subs);
}

/* Contents of the exported tree, one "path: first line" per file. */
static char *tree_of(char *out, size_t n, const char *dir)
{
	return sh_out(out, n, "cd %s && find . -type f | sort | while read f; "
	    "do printf '%%s: %%s; ' \"$f\" \"$(head -n1 \"$f\")\"; done", dir);
}

TEST(test_source_git__submodules)
{
	cf_git_ref main = { .branch = "main" };
	cf_git_opts rec = { .recurse_submodules = 1 };
	cf_git_resolved r;
	char url[700], m[600], dest[700], o[1024], top1[64];

	CHECK_INT(make_submodules(), 0);
	snprintf(url, sizeof(url), "file://%s/top", subs);
	snprintf(m, sizeof(m), "%s/mirrors/subs/top", cf_test_tmpdir());
	CHECK_INT(cf_git_fetch(&r, m, url, &main, &rec), 0);
	snprintf(top1, sizeof(top1), "%s", r.commit);
	snprintf(dest, sizeof(dest), "%s/subs-out1", cf_test_tmpdir());
	CHECK_INT(cf_git_export(m, r.commit, dest, NULL, 0, &rec), 0);
	/* The commits top records, not the submodules' newer tips; no .git. */
	CHECK_STR(tree_of(o, sizeof(o), dest), "./.gitmodules: [submodule "
	    "\"vendor/mid\"]; ./top.txt: top v1; ./vendor/mid/.gitmodules: "
	    "[submodule \"deps/leaf\"]; ./vendor/mid/deps/leaf/leaf.txt: leaf "
	    "v1; ./vendor/mid/mid.txt: mid v1; ");
	CHECK_STR(sh_out(o, sizeof(o), "find %s -name .git | wc -l", dest), "0");

	/* Without the option the submodule directory stays empty. */
	snprintf(dest, sizeof(dest), "%s/subs-out2", cf_test_tmpdir());
	CHECK_INT(cf_git_export(m, r.commit, dest, NULL, 0, NULL), 0);
	CHECK_STR(tree_of(o, sizeof(o), dest), "./.gitmodules: [submodule "
	    "\"vendor/mid\"]; ./top.txt: top v1; ");
	/* Sparse: a directory outside the submodules leaves them out. */
	const char *vendor[] = { "vendor" };
	snprintf(dest, sizeof(dest), "%s/subs-out3", cf_test_tmpdir());
	CHECK_INT(cf_git_export(m, r.commit, dest, vendor, 1, &rec), 0);
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/vendor/mid/deps/leaf/leaf.txt",
	    dest), "leaf v1");

	/* top moves mid to its tip: the next fetch brings that commit. */
	CHECK_INT(sh("cd %s/top/vendor/mid && git -c protocol.file.allow=always "
	    "fetch -q origin main && git checkout -q FETCH_HEAD && cd ../.. && "
	    GIT "commit -qam 'mid v2'", subs), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &main, &rec), 0);
	CHECK(strcmp(r.commit, top1) != 0);
	snprintf(dest, sizeof(dest), "%s/subs-out4", cf_test_tmpdir());
	CHECK_INT(cf_git_export(m, r.commit, dest, NULL, 0, &rec), 0);
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/vendor/mid/mid.txt", dest),
	    "mid v2");
	/* mid v2 still records leaf v1. */
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/vendor/mid/deps/leaf/leaf.txt",
	    dest), "leaf v1");

	/* A relative URL cannot climb above the server's root. */
	cf_git_ref climb = { .branch = "climb" };
	CHECK_INT(sh("cd %s/top && git checkout -q -b climb && git config -f "
	    ".gitmodules submodule.vendor/mid.url ../../../../../../../x && "
	    GIT "commit -qam climb && git checkout -q main", subs), 0);
	snprintf(m, sizeof(m), "%s/mirrors/subs/climb", cf_test_tmpdir());
	CHECK_INT(cf_git_fetch(&r, m, url, &climb, &rec), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "climbs above the server"));

	/* A mirror fetched without the option cannot export them. */
	snprintf(m, sizeof(m), "%s/mirrors/subs/plain", cf_test_tmpdir());
	CHECK_INT(cf_git_fetch(&r, m, url, &main, NULL), 0);
	snprintf(dest, sizeof(dest), "%s/subs-out5", cf_test_tmpdir());
	CHECK_INT(cf_git_export(m, r.commit, dest, NULL, 0, &rec), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "submodule 'vendor/mid': not fetched"));
}

/* Over HTTP with basic auth: submodules on the same server get the
 * credentials, another origin (localhost for 127.0.0.1) and file:// URLs
 * written in .gitmodules do not. */
TEST(test_source_git__submodules_http)
{
	cf_git_ref main = { .branch = "main" };
	cf_git_ref foreign = { .branch = "foreign" }, local = { .branch = "local" };
	cf_git_auth good = { .username = "alice", .password = pass };
	cf_git_opts rec = { .auth = &good, .recurse_submodules = 1 };
	cf_git_resolved r;
	char url[700], m[600], dest[700], o[1024];
	char fmsg[1100], lmsg[1100];

	CHECK(subs[0]);
	HTTP_START();
	/* Bare copies named as the relative URLs resolve (private/mid), and
	 * two branches of top whose .gitmodules point elsewhere. */
	int rc_mk = sh("set -e; cd %s && for r in leaf mid top; do "
	    "rm -rf %s/private/$r && git clone -q --bare $r %s/private/$r; done"
	    " && cd top && git checkout -q -b foreign && git config -f "
	    ".gitmodules submodule.vendor/mid.url http://localhost:%s/git/"
	    "private/mid && " GIT "commit -qam foreign && git checkout -q -b "
	    "local main && git config -f .gitmodules submodule.vendor/mid.url "
	    "file://%s/mid && " GIT "commit -qam local && git checkout -q main "
	    "&& git push -q %s/private/top foreign local", subs, repos, repos,
	    port, subs, repos);
	http_url(url, sizeof(url), NULL, "git/private/top");
	snprintf(m, sizeof(m), "%s/mirrors/subs-http/top", cf_test_tmpdir());
	int rc_fetch = cf_git_fetch(&r, m, url, &main, &rec);
	snprintf(dest, sizeof(dest), "%s/subs-http", cf_test_tmpdir());
	int rc_export = rc_fetch ? rc_fetch :
	    cf_git_export(m, r.commit, dest, NULL, 0, &rec);
	/* Fresh mirrors: one that holds the commits needs no server. */
	snprintf(m, sizeof(m), "%s/mirrors/subs-http/foreign", cf_test_tmpdir());
	int rc_foreign = cf_git_fetch(&r, m, url, &foreign, &rec);
	msg(fmsg, sizeof(fmsg), rc_foreign);
	snprintf(m, sizeof(m), "%s/mirrors/subs-http/local", cf_test_tmpdir());
	int rc_local = cf_git_fetch(&r, m, url, &local, &rec);
	msg(lmsg, sizeof(lmsg), rc_local);
	stop();

	CHECK_INT(rc_mk, 0);
	CHECK_INT(rc_fetch, 0);
	CHECK_INT(rc_export, 0);
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/vendor/mid/deps/leaf/leaf.txt",
	    dest), "leaf v1");
	CHECK(refused(rc_foreign, fmsg, "other origin"));
	CHECK(strstr(fmsg, "submodule 'vendor/mid': "));
	CHECK(strstr(fmsg, "'http://localhost:"));
	printf("    file:// submodule: %s\n", lmsg);
	CHECK_INT(rc_local, CF_EINVALID);
	CHECK(strstr(lmsg, "disallowed URL 'file://"));
	CHECK(clean(lmsg));
}


TEST(test_source_git__ssh_known_hosts)
{
	char port[32], url[900], kh[400], wrong[400], args[700], m[600];
	cf_buf id = CF_BUF_INIT;
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	char user[64];

	if (access("/usr/sbin/sshd", X_OK) != 0) {
		printf("    skipped: sshd not installed\n");
		return;
	}
	CHECK_INT(serve_repos(), 0);
	snprintf(srvdir, sizeof(srvdir), "%s/ssh", cf_test_tmpdir());
	CHECK_INT(sh("mkdir -p %s && ssh-keygen -q -t ed25519 -N '' -f %s/client"
	    " && ssh-keygen -q -t ed25519 -N '' -f %s/other && "
	    "cp %s/client.pub %s/authorized_keys", srvdir, srvdir, srvdir,
	    srvdir, srvdir), 0);
	snprintf(args, sizeof(args), "%s/authorized_keys", srvdir);
	CHECK_INT(start("ssh-start", port, sizeof(port), args), 0);
	sh_out(user, sizeof(user), "id -un");
	snprintf(url, sizeof(url), "ssh://%s@127.0.0.1:%s%s/private/r.git", user,
	    port, repos);
	sh_out(kh, sizeof(kh), "echo \"[127.0.0.1]:%s $(cut -d' ' -f1,2 "
	    "%s/hostkey.pub)\"", port, srvdir);
	sh_out(wrong, sizeof(wrong), "echo \"[127.0.0.1]:%s $(cut -d' ' -f1,2 "
	    "%s/other.pub)\"", port, srvdir);
	{
		char p[700];
		snprintf(p, sizeof(p), "%s/client", srvdir);
		FILE *f = fopen(p, "r");
		char b[4096];
		size_t n = f ? fread(b, 1, sizeof(b), f) : 0;
		if (f)
			fclose(f);
		cf_buf_add(&id, b, n);
	}
	cf_git_auth good = { .identity = id.buf, .known_hosts = kh };
	cf_git_auth badhost = { .identity = id.buf, .known_hosts = wrong };
	cf_git_opts og = { .auth = &good, .timeout_ms = 20000 };
	cf_git_opts ob = { .auth = &badhost, .timeout_ms = 20000 };
	snprintf(m, sizeof(m), "%s/mirrors/ssh/r", cf_test_tmpdir());
	int rc_good = cf_git_fetch(&r, m, url, &main, &og);
	char goodmsg[1100];
	snprintf(goodmsg, sizeof(goodmsg), "%s", rc_good ? cf_error_msg() : "");
	char goodc[64];
	snprintf(goodc, sizeof(goodc), "%s", r.commit);
	int rc_bad = cf_git_ls_remote(&r, url, &main, &ob);
	char badmsg[1100];
	snprintf(badmsg, sizeof(badmsg), "%s", cf_error_msg());
	stop();
	cf_buf_release(&id);

	if (rc_good)
		printf("    %s\n", goodmsg);
	CHECK_INT(rc_good, 0);
	CHECK_STR(goodc, head_of("main"));
	printf("    wrong host key: %s\n", badmsg);
	CHECK_INT(rc_bad, CF_EFORBIDDEN);
	CHECK(strstr(badmsg, "host key verification failed"));
	CHECK(clean(badmsg));
}

/* ---- TLS (ca.crt, mTLS) and proxies ---------------------------------- */

/* lighttpd over TLS with a throw-away CA (gitserver.sh https-start) and
 * tinyproxy (proxy-start), each in its own directory, stopped by PID. */
static cf_buf ca_pem = CF_BUF_INIT, cert_pem = CF_BUF_INIT,
    key_pem = CF_BUF_INIT;

static int server_start(char *port, size_t n, const char *what,
    const char *dir, const char *args)
{
	sh_out(port, n, "%s/gitserver.sh %s %s %s", CF_TEST_LIB, what, dir,
	    args);
	return port[0] ? 0 : -1;
}

static void server_stop(const char *dir)
{
	sh("%s/gitserver.sh stop %s", CF_TEST_LIB, dir);
}

/* Start an HTTPS server ("mtls" to require client certificates) and load
 * its CA and client pair; 1 when a part is not installed. */
static int https_start(char *dir, size_t dn, char *port, size_t pn,
    const char *mode)
{
	char args[800], p[700];

	if (access("/usr/sbin/lighttpd", X_OK) != 0 ||
	    access("/usr/lib/lighttpd/mod_openssl.so", R_OK) != 0 ||
	    sh("command -v openssl >/dev/null") != 0) {
		printf("    skipped: lighttpd, mod_openssl or openssl missing\n");
		return 1;
	}
	if (serve_repos())
		return -1;
	snprintf(dir, dn, "%s/%s", cf_test_tmpdir(), mode);
	snprintf(args, sizeof(args), "%s %s", repos, mode);
	if (server_start(port, pn, "https-start", dir, args) < 0)
		return -1;
	cf_buf_release(&ca_pem);
	cf_buf_release(&cert_pem);
	cf_buf_release(&key_pem);
	snprintf(p, sizeof(p), "%s/ca.crt", dir);
	if (cf_fs_read(&ca_pem, p, 1 << 20) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/client.crt", dir);
	if (cf_fs_read(&cert_pem, p, 1 << 20) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/client.key", dir);
	return cf_fs_read(&key_pem, p, 1 << 20) < 0 ? -1 : 0;
}

#define HTTPS_START(dir, port, mode)                                       \
	do {                                                               \
		int rc_ = https_start(dir, sizeof(dir), port, sizeof(port),  \
		    mode);                                                 \
		if (rc_ > 0)                                               \
			return;                                            \
		CHECK_INT(rc_, 0);                                         \
	} while (0)

/* A pooled session, the public repository's URL on the HTTPS server at
 * port and a mirror path named after the case. */
static int https_case(cf_http **h, char *url, size_t un, char *m, size_t mn,
    const char *port, const char *name)
{
	snprintf(url, un, "https://127.0.0.1:%s/git/public/r.git", port);
	snprintf(m, mn, "%s/mirrors/%s/r", cf_test_tmpdir(), name);
	return cf_http_new(h, NULL);
}

/* Requests in a server log matching a grep -c pattern. */
static int log_count(const char *file, const char *pattern)
{
	char o[32];

	return atoi(sh_out(o, sizeof(o), "grep -c -- '%s' %s 2>/dev/null",
	    pattern, file));
}

/* ca.crt makes a server signed by a private CA trusted, for git and for
 * the native ref listing; without it the failure says why. */
TEST(test_source_git__https_ca)
{
	char dir[700], port[32], url[800], m[700], nomsg[1100], log[800];
	char fetched[64], native[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	cf_http *h = NULL;

	HTTPS_START(dir, port, "tls");
	CHECK_INT(https_case(&h, url, sizeof(url), m, sizeof(m), port,
	    "https"), 0);
	snprintf(log, sizeof(log), "%s/access.log", dir);
	cf_git_auth ca = { .ca_pem = ca_pem.buf };
	cf_git_opts oca = { .auth = &ca };
	/* git_path nowhere: only the native listing can answer. */
	cf_git_opts onative = { .auth = &ca, .http = h,
		.git_path = "/nonexistent/git" };
	int rc_none = cf_git_ls_remote(&r, url, &main, NULL);
	msg(nomsg, sizeof(nomsg), rc_none);
	int rc_pooled = cf_git_ls_remote(&r, url, &main, &(cf_git_opts){
	    .http = h, .git_path = "/nonexistent/git" });
	int rc_fetch = cf_git_fetch(&r, m, url, &main, &oca);
	snprintf(fetched, sizeof(fetched), "%s", r.commit);
	int rc_native = cf_git_ls_remote(&r, url, &main, &onative);
	snprintf(native, sizeof(native), "%s", r.commit);
	server_stop(dir); /* lighttpd writes its log out when it stops */
	cf_http_free(h);
	/* One GET from cflux's own client: the one with ca.crt (the pooled
	 * session's handshake failed before any request). */
	int cflux_gets = log_count(log, "info/refs.*\"cflux/");

	printf("    without ca.crt: %s\n", nomsg);
	CHECK_INT(rc_none, CF_ERROR);
	CHECK(strstr(nomsg, "server certificate verification failed"));
	CHECK(strstr(nomsg, url));
	/* the shared session trusts the system's CAs only */
	CHECK(rc_pooled < 0);
	CHECK_INT(rc_fetch, 0);
	CHECK_STR(fetched, head_of("main"));
	CHECK_INT(rc_native, 0);
	CHECK_STR(native, head_of("main"));
	CHECK_INT(cflux_gets, 1);
}

/* A server that requires a client certificate: tls.crt + tls.key open it
 * (git and the native listing), nothing or half a pair does not. */
TEST(test_source_git__https_mtls)
{
	char dir[700], port[32], url[800], m[700], nomsg[1100], halfmsg[1100];
	char fetched[64], native[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	cf_http *h = NULL;

	HTTPS_START(dir, port, "mtls");
	CHECK_INT(https_case(&h, url, sizeof(url), m, sizeof(m), port,
	    "mtls"), 0);
	cf_git_auth pair = { .ca_pem = ca_pem.buf, .cert_pem = cert_pem.buf,
		.key_pem = key_pem.buf };
	cf_git_auth ca = { .ca_pem = ca_pem.buf };
	cf_git_auth half = { .ca_pem = ca_pem.buf, .cert_pem = cert_pem.buf };
	cf_git_opts opair = { .auth = &pair }, oca = { .auth = &ca };
	cf_git_opts ohalf = { .auth = &half };
	cf_git_opts onative = { .auth = &pair, .http = h,
		.git_path = "/nonexistent/git" };
	int rc_none = cf_git_ls_remote(&r, url, &main, &oca);
	msg(nomsg, sizeof(nomsg), rc_none);
	int rc_half = cf_git_ls_remote(&r, url, &main, &ohalf);
	msg(halfmsg, sizeof(halfmsg), rc_half);
	int rc_fetch = cf_git_fetch(&r, m, url, &main, &opair);
	snprintf(fetched, sizeof(fetched), "%s", r.commit);
	int rc_native = cf_git_ls_remote(&r, url, &main, &onative);
	snprintf(native, sizeof(native), "%s", r.commit);
	server_stop(dir);
	cf_http_free(h);

	printf("    without a client certificate: %s\n", nomsg);
	CHECK(rc_none < 0);
	CHECK(strstr(nomsg, "TLS: "));
	CHECK_INT(rc_half, CF_EINVALID);
	CHECK(strstr(halfmsg, "certificate needs its key"));
	CHECK_INT(rc_fetch, 0);
	CHECK_STR(fetched, head_of("main"));
	CHECK_INT(rc_native, 0);
	CHECK_STR(native, head_of("main"));
}

/* Through tinyproxy with basic auth: git and the native listing both go
 * through it (its log shows the requests), plain HTTP and HTTPS
 * (CONNECT); a wrong password fails without showing up anywhere. */
TEST(test_source_git__proxy)
{
	static const char *pxpass = "Px-w0rd-Secret-9", *pxbad = "Px-bad-Secret-8";
	char pxdir[700], pxport[32], pxurl[300], tdir[700], tport[32];
	char url[800], turl[800], m[700], tm[700], log[800], pat[900];
	char badmsg[1100], nativebad[1100], sshmsg[1100], schememsg[1100];
	char tlsbadmsg[1100];
	char fetched[64], native[64], overtls[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	cf_http *h = NULL;

	if (access("/usr/bin/tinyproxy", X_OK) != 0) {
		printf("    skipped: tinyproxy not installed\n");
		return;
	}
	HTTP_START();
	HTTPS_START(tdir, tport, "tls");
	snprintf(pxdir, sizeof(pxdir), "%s/proxy", cf_test_tmpdir());
	char args[200];
	snprintf(args, sizeof(args), "pxuser %s", pxpass);
	CHECK_INT(server_start(pxport, sizeof(pxport), "proxy-start", pxdir,
	    args), 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	snprintf(pxurl, sizeof(pxurl), "http://127.0.0.1:%s", pxport);
	snprintf(log, sizeof(log), "%s/tinyproxy.log", pxdir);
	http_url(url, sizeof(url), NULL, "git/public/r.git");
	snprintf(turl, sizeof(turl), "https://127.0.0.1:%s/git/public/r.git",
	    tport);
	snprintf(m, sizeof(m), "%s/mirrors/proxy/r", cf_test_tmpdir());
	snprintf(tm, sizeof(tm), "%s/mirrors/proxy-tls/r", cf_test_tmpdir());
	cf_git_auth ca = { .ca_pem = ca_pem.buf };
	cf_git_opts op = { .proxy = pxurl, .proxy_username = "pxuser",
		.proxy_password = pxpass };
	cf_git_opts otls = op, onative = op, obad = op, onbad;
	otls.auth = &ca;
	onative.http = h;
	onative.git_path = "/nonexistent/git";
	obad.proxy_password = pxbad;
	onbad = obad;
	onbad.http = h;
	onbad.git_path = "/nonexistent/git";

	int rc_fetch = cf_git_fetch(&r, m, url, &main, &op);
	snprintf(fetched, sizeof(fetched), "%s", r.commit);
	snprintf(pat, sizeof(pat), "GET http://127.0.0.1:%s/git/public/r.git/"
	    "info/refs", port);
	int via_git = log_count(log, pat);
	int rc_native = cf_git_ls_remote(&r, url, &main, &onative);
	snprintf(native, sizeof(native), "%s", r.commit);
	int via_native = log_count(log, pat) - via_git;
	int rc_tls = cf_git_fetch(&r, tm, turl, &main, &otls);
	snprintf(overtls, sizeof(overtls), "%s", r.commit);
	snprintf(pat, sizeof(pat), "CONNECT 127.0.0.1:%s", tport);
	int tunnels = log_count(log, pat);
	int rc_bad = cf_git_ls_remote(&r, url, &main, &obad);
	msg(badmsg, sizeof(badmsg), rc_bad);
	cf_git_opts otlsbad = obad;
	otlsbad.auth = &ca;
	int rc_tlsbad = cf_git_ls_remote(&r, turl, &main, &otlsbad);
	msg(tlsbadmsg, sizeof(tlsbadmsg), rc_tlsbad);
	int rc_nbad = cf_git_ls_remote(&r, url, &main, &onbad);
	msg(nativebad, sizeof(nativebad), rc_nbad);
	int rc_ssh = cf_git_ls_remote(&r, "ssh://git@127.0.0.1:1/r.git", &main,
	    &op);
	msg(sshmsg, sizeof(sshmsg), rc_ssh);
	cf_git_opts oftp = { .proxy = "ftp://127.0.0.1:1" };
	int rc_scheme = cf_git_ls_remote(&r, url, &main, &oftp);
	msg(schememsg, sizeof(schememsg), rc_scheme);
	server_stop(pxdir);
	server_stop(tdir);
	stop();
	cf_http_free(h);

	CHECK_INT(rc_fetch, 0);
	CHECK_STR(fetched, head_of("main"));
	CHECK(via_git >= 1);
	CHECK_INT(rc_native, 0);
	CHECK_STR(native, head_of("main"));
	CHECK_INT(via_native, 1);
	CHECK_INT(rc_tls, 0);
	CHECK_STR(overtls, head_of("main"));
	CHECK(tunnels >= 1);
	printf("    wrong proxy password: %s\n", badmsg);
	CHECK_INT(rc_bad, CF_EFORBIDDEN);
	CHECK(!strstr(badmsg, "bad-Secret") && !strstr(badmsg, "w0rd"));
	CHECK(!strstr(badmsg, "pxuser"));
	printf("    wrong proxy password, CONNECT: %s\n", tlsbadmsg);
	CHECK_INT(rc_tlsbad, CF_EFORBIDDEN);
	CHECK(strstr(tlsbadmsg, "proxy authentication failed"));
	CHECK(!strstr(tlsbadmsg, "bad-Secret") && !strstr(tlsbadmsg, "pxuser"));
	CHECK(rc_nbad < 0);
	CHECK(!strstr(nativebad, "bad-Secret") && !strstr(nativebad, "pxuser"));
	printf("    ssh:// with a proxy: %s\n", sshmsg);
	CHECK_INT(rc_ssh, CF_EINVALID);
	CHECK(strstr(sshmsg, "proxy"));
	CHECK_INT(rc_scheme, CF_EINVALID);
	CHECK(strstr(schememsg, "socks5://"));
}

/* Without a proxy of its own, git follows the environment's proxies, but
 * never for loopback (Go's rule, which Flux follows): a dead proxy in
 * HTTP_PROXY does not stop a fetch from 127.0.0.1. */
TEST(test_source_git__env_proxy_loopback)
{
	char url[800], m[700], fetched[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;

	HTTP_START();
	http_url(url, sizeof(url), NULL, "git/public/r.git");
	snprintf(m, sizeof(m), "%s/mirrors/envproxy/r", cf_test_tmpdir());
	setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
	setenv("NO_PROXY", "example.org", 1);
	int rc = cf_git_fetch(&r, m, url, &main, NULL);
	snprintf(fetched, sizeof(fetched), "%s", r.commit);
	/* an explicit proxy replaces the environment's: this one is dead */
	cf_git_opts odead = { .proxy = "http://127.0.0.1:1" };
	int rc_dead = cf_git_ls_remote(&r, url, &main, &odead);
	unsetenv("HTTP_PROXY");
	unsetenv("NO_PROXY");
	stop();

	CHECK_INT(rc, 0);
	CHECK_STR(fetched, head_of("main"));
	CHECK(rc_dead < 0);
}

/* A SOCKS5 proxy (ssh -D through a local sshd): git and the native
 * listing reach the HTTP server through it, as its log shows. */
TEST(test_source_git__socks5_proxy)
{
	char sdir[700], sport[32], xdir[700], xport[32], args[900];
	char proxy[200], url[800], m[700], log[800], fetched[64], native[64];
	cf_git_ref main = { .branch = "main" };
	cf_git_resolved r;
	cf_http *h = NULL;

	if (access("/usr/sbin/sshd", X_OK) != 0) {
		printf("    skipped: sshd not installed\n");
		return;
	}
	snprintf(sdir, sizeof(sdir), "%s/socks-ssh", cf_test_tmpdir());
	snprintf(xdir, sizeof(xdir), "%s/socks", cf_test_tmpdir());
	CHECK_INT(sh("mkdir -p %s && ssh-keygen -q -t ed25519 -N '' -f %s/key"
	    " && cp %s/key.pub %s/authorized_keys", sdir, sdir, sdir, sdir), 0);
	snprintf(args, sizeof(args), "%s/authorized_keys", sdir);
	CHECK_INT(server_start(sport, sizeof(sport), "ssh-start", sdir, args), 0);
	snprintf(args, sizeof(args), "%s %s/key", sport, sdir);
	int rc_socks = server_start(xport, sizeof(xport), "socks-start", xdir,
	    args);
	HTTP_START();
	CHECK_INT(cf_http_new(&h, NULL), 0);
	snprintf(proxy, sizeof(proxy), "socks5://127.0.0.1:%s", xport);
	snprintf(log, sizeof(log), "%s/socks.log", xdir);
	http_url(url, sizeof(url), NULL, "git/public/r.git");
	snprintf(m, sizeof(m), "%s/mirrors/socks/r", cf_test_tmpdir());
	cf_git_opts o = { .proxy = proxy };
	cf_git_opts onative = { .proxy = proxy, .http = h,
		.git_path = "/nonexistent/git" };
	int rc_fetch = cf_git_fetch(&r, m, url, &main, &o);
	snprintf(fetched, sizeof(fetched), "%s", r.commit);
	int via_git = log_count(log, "forwarding to socks");
	int rc_native = cf_git_ls_remote(&r, url, &main, &onative);
	snprintf(native, sizeof(native), "%s", r.commit);
	int via_native = log_count(log, "forwarding to socks") - via_git;
	stop();
	server_stop(xdir);
	server_stop(sdir);
	cf_http_free(h);

	CHECK_INT(rc_socks, 0);
	CHECK_INT(rc_fetch, 0);
	CHECK_STR(fetched, head_of("main"));
	CHECK(via_git >= 1);
	CHECK_INT(rc_native, 0);
	CHECK_STR(native, head_of("main"));
	CHECK_INT(via_native, 1);
}

/* A listing of dir to compare trees by: type, exec bit, path, content. */
static int snapshot(const char *dir, const char *out)
{
	return sh("cd %s && { find . -mindepth 1 \\( -type f -perm -u+x "
	    "-printf 'x %%p\\n' \\) -o -printf '%%y %%p\\n'; find . -type f "
	    "-exec md5sum {} +; } | LC_ALL=C sort >%s", dir, out);
}

/* The kept tree at commit, from whichever path cf_git_update_tree took,
 * must hold what a fresh export does and pack to the same bytes. */
static void same_as_export(const char *m, const char *commit,
    const char *tree, const char *tag)
{
	char fresh[600], a[640], b[640], st_root[600], rel[512], idx[640];
	cf_storage *st;
	cf_artifact_file fa, ka;

	snprintf(fresh, sizeof(fresh), "%s/fresh-%s", cf_test_tmpdir(), tag);
	CHECK_INT(cf_git_export(m, commit, fresh, NULL, 0, NULL), 0);
	snprintf(a, sizeof(a), "%s.list", fresh);
	snprintf(b, sizeof(b), "%s/kept-%s.list", cf_test_tmpdir(), tag);
	CHECK_INT(snapshot(fresh, a), 0);
	CHECK_INT(snapshot(tree, b), 0);
	CHECK_INT(sh("diff %s %s", a, b), 0);
	snprintf(st_root, sizeof(st_root), "%s/kept-storage", cf_test_tmpdir());
	CHECK_INT(cf_storage_open(&st, st_root), 0);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "default", "fresh", "a.tar.gz"), 0);
	CHECK_INT(cf_storage_pack(&fa, st, rel, fresh, NULL), 0);
	CHECK_INT(cf_storage_artifact_path(rel, sizeof(rel), "GitRepository",
	    "default", "kept", "a.tar.gz"), 0);
	snprintf(idx, sizeof(idx), "%s.pack-index", tree);
	CHECK_INT(cf_storage_pack(&ka, st, rel, tree,
	    &(cf_storage_pack_opts){ .index = idx }), 0);
	CHECK_STR(ka.digest, fa.digest);
	cf_storage_free(st);
}

TEST(test_source_git__update_tree_in_place)
{
	cf_git_ref ref = { .branch = "main" };
	cf_git_resolved r;
	char src[600], url[640], m[600], tree[600], index[640], head[660];
	char o[128], c1[41];
	cf_git_opts opts = { .index_file = index };

	snprintf(src, sizeof(src), "%s/kept-up", cf_test_tmpdir());
	snprintf(url, sizeof(url), "file://%s", src);
	snprintf(m, sizeof(m), "%s/kept.git", cf_test_tmpdir());
	snprintf(tree, sizeof(tree), "%s/kept.tree", cf_test_tmpdir());
	snprintf(index, sizeof(index), "%s/kept.index", cf_test_tmpdir());
	snprintf(head, sizeof(head), "%s.head", index);
	CHECK_INT(sh(GIT "init -q %s && cd %s && mkdir -p a/b d && "
	    "for i in $(seq 50); do echo \"n: $i\" > a/f$i.yaml; done && "
	    "echo y > a/b/y.yaml && echo f > f && echo o > d/only.yaml && "
	    "echo 'echo run' > run.sh && echo k > keep.yaml && "
	    "git add . && " GIT "commit -qm one", src, src), 0);

	/* First: the full path, which records the commit. */
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	memcpy(c1, r.commit, sizeof(c1));
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK_INT(access(index, F_OK), 0);
	CHECK(!strncmp(sh_out(o, sizeof(o), "cat %s", head), r.commit, 40));
	same_as_export(m, r.commit, tree, "1");

	/* A changed, a removed (its directory left empty), a new deep file,
	 * a file becoming a directory and back, an exec bit: in place (the
	 * index is dropped), same tree and bytes as an export. */
	CHECK_INT(sh("cd %s && echo changed > a/f7.yaml && git rm -q a/b/y.yaml "
	    "f d/only.yaml && mkdir -p f new/deep && echo i > f/inner.yaml && "
	    "echo d > d && echo z > new/deep/z.yaml && chmod +x run.sh && "
	    "git add -A && " GIT "commit -qm two", src), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK(access(index, F_OK) < 0);
	CHECK(!strncmp(sh_out(o, sizeof(o), "cat %s", head), r.commit, 40));
	CHECK(access(tree, F_OK) == 0);
	same_as_export(m, r.commit, tree, "2");

	/* Back to the first commit by a force push: in place too. */
	CHECK_INT(sh("cd %s && git reset -q --hard %s", src, c1), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	CHECK_STR(r.commit, c1);
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK(access(index, F_OK) < 0);
	same_as_export(m, r.commit, tree, "3");

	/* A symlink is not for the in-place path: the full one (an index
	 * again), and still the export's tree. */
	CHECK_INT(sh("cd %s && ln -s keep.yaml link.yaml && git add -A && "
	    GIT "commit -qm link", src), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK_INT(access(index, F_OK), 0);
	same_as_export(m, r.commit, tree, "4");

	/* The fetch by the listed tip; a tip the server does not have falls
	 * back to the ref. */
	char tip[41];
	cf_git_opts to = { .tip = tip };
	CHECK_INT(sh("cd %s && echo t > t.yaml && git add t.yaml && "
	    GIT "commit -qm tip", src), 0);
	snprintf(tip, sizeof(tip), "%s", sh_out(o, sizeof(o),
	    "git -C %s rev-parse HEAD", src));
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, &to), 0);
	CHECK_STR(r.commit, tip);
	CHECK_STR(sh_out(o, sizeof(o), "git --git-dir=%s rev-parse main", m),
	    tip);
	CHECK_INT(sh("cd %s && echo u > t.yaml && " GIT "commit -qam tip2",
	    src), 0);
	memset(tip, '1', 40);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, &to), 0);
	CHECK_STR(r.commit, sh_out(o, sizeof(o), "git -C %s rev-parse HEAD",
	    src));

	/* A tree that is not what its record says (a file the next commit
	 * changes is gone; a stray file): rebuilt, not patched. */
	CHECK_INT(sh("cd %s && echo again > a/f9.yaml && git add -A && "
	    GIT "commit -qm five", src), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	CHECK_INT(sh("rm -f %s && rm %s/a/f9.yaml && echo s > %s/stray",
	    index, tree, tree), 0);
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK(access(index, F_OK) == 0);
	same_as_export(m, r.commit, tree, "5");

	/* A directory of the tree swapped for a link to elsewhere: nothing
	 * is removed through it, the tree is rebuilt. */
	CHECK_INT(sh("cd %s && git rm -q a/f1.yaml && " GIT "commit -qm six",
	    src), 0);
	CHECK_INT(cf_git_fetch(&r, m, url, &ref, NULL), 0);
	CHECK_INT(sh("mkdir -p %s/outside && echo keep > %s/outside/f1.yaml && "
	    "rm -rf %s/a && ln -s %s/outside %s/a", cf_test_tmpdir(),
	    cf_test_tmpdir(), tree, cf_test_tmpdir(), tree), 0);
	CHECK_INT(cf_git_update_tree(m, r.commit, tree, &opts), 0);
	CHECK_STR(sh_out(o, sizeof(o), "cat %s/outside/f1.yaml",
	    cf_test_tmpdir()), "keep");
	same_as_export(m, r.commit, tree, "6");
}

TEST_MAIN(T(test_source_git__setup),
    T(test_source_git__first_then_incremental),
    T(test_source_git__export_and_pack),
    T(test_source_git__update_tree_in_place), T(test_source_git__force_push),
    T(test_source_git__tags_and_semver), T(test_source_git__name_and_commit),
    T(test_source_git__errors), T(test_source_git__timeout),
    T(test_source_git__http_basic_auth),
    T(test_source_git__http_bearer_token),
    T(test_source_git__ls_remote_without_git),
    T(test_source_git__server_restart),
    T(test_source_git__no_secret_in_errors),
    T(test_source_git__submodules), T(test_source_git__submodules_http),
    T(test_source_git__ssh_known_hosts),
    T(test_source_git__https_ca), T(test_source_git__https_mtls),
    T(test_source_git__proxy), T(test_source_git__env_proxy_loopback),
    T(test_source_git__socks5_proxy))
