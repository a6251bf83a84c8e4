/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact download and unpacking against a real HTTP server: the test
 * serves a temporary directory with python3's http.server on 127.0.0.1
 * (an ephemeral port, stopped by PID at the end). Good tarballs come from
 * tar(1); hostile ones (escaping names, links, devices, bombs) from
 * python3's tarfile, which writes whatever it is told.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "controllers/kustomize/fetch.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/http.h"
#include "test.h"

extern char **environ;

static char served[512];   /* the directory the server publishes */
static pid_t server_pid = -1;
static int server_port;

/* Run argv[0] with its output discarded; its exit status, or -1. */
static int run(const char *const *argv)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st = -1;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv,
	    environ) == 0 && waitpid(pid, &st, 0) == pid)
		st = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	posix_spawn_file_actions_destroy(&fa);
	return st;
}

/* True if some name in dir contains part. */
static bool dir_has(const char *dir, const char *part)
{
	struct dirent *d;
	DIR *dp = opendir(dir);
	bool found = false;

	while (dp && (d = readdir(dp)))
		found = found || strstr(d->d_name, part);
	if (dp)
		closedir(dp);
	return found;
}

static void put(const char *dir, const char *rel, const char *data)
{
	char p[1024], d[1024];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = '\0';
	cf_fs_mkdirs(d);
	cf_fs_write_atomic(p, data, strlen(data), 0644);
}

static const char *path_in(const char *dir, const char *rel)
{
	static char p[4][1024];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, rel);
	return p[k];
}

/* "sha256:<hex>" of a file, via sha256sum(1). */
static void sha256_of(char *out, size_t n, const char *path)
{
	char cmd[1200], hex[80] = "";
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sha256sum '%s'", path);
	if ((f = popen(cmd, "r"))) {
		if (fscanf(f, "%64s", hex) != 1)
			hex[0] = '\0';
		pclose(f);
	}
	snprintf(out, n, "sha256:%s", hex);
}

/* Tarballs the tests use, written once into the served directory. */
static const char gen_py[] =
    "import io, sys, tarfile\n"
    "d = sys.argv[1]\n"
    "def add(tf, name, data=b'', **kw):\n"
    "    ti = tarfile.TarInfo(name)\n"
    "    for k, v in kw.items(): setattr(ti, k, v)\n"
    "    if ti.type in (tarfile.REGTYPE, tarfile.AREGTYPE):\n"
    "        ti.size = len(data)\n"
    "        tf.addfile(ti, io.BytesIO(data))\n"
    "    else:\n"
    "        tf.addfile(ti)\n"
    "def mk(name, entries, mode='w:gz'):\n"
    "    with tarfile.open(d + '/' + name, mode) as tf:\n"
    "        for e in entries: add(tf, *e[:2], **(e[2] if len(e) > 2 else {}))\n"
    "mk('dotdot.tar.gz', [('ok.yaml', b'a'), ('../evil', b'x')])\n"
    "mk('deep-dotdot.tar.gz', [('a/b/../../../evil', b'x')])\n"
    "mk('abs.tar.gz', [('/tmp/cflux-evil-abs', b'x')])\n"
    "mk('symlink.tar.gz', [('ok.yaml', b'a'),\n"
    "    ('link', b'', {'type': tarfile.SYMTYPE, 'linkname': '/etc'})])\n"
    "mk('symlink-write.tar.gz', [\n"
    "    ('link', b'', {'type': tarfile.SYMTYPE, 'linkname': '..'}),\n"
    "    ('link/evil', b'x')])\n"
    "mk('hardlink.tar.gz', [('ok.yaml', b'a'),\n"
    "    ('hl', b'', {'type': tarfile.LNKTYPE, 'linkname': 'ok.yaml'})])\n"
    "mk('device.tar.gz', [('dev', b'', {'type': tarfile.CHRTYPE,\n"
    "    'devmajor': 1, 'devminor': 3})])\n"
    "mk('fifo.tar.gz', [('fifo', b'', {'type': tarfile.FIFOTYPE})])\n"
    "mk('big.tar.gz', [('big', b'\\0' * (8 << 20))])\n"
    "mk('many.tar.gz', [('f%d' % i, b'x') for i in range(50)])\n"
    "mk('plain.tar', [('ok.yaml', b'a')], 'w')\n"
    "mk('dots.tar.gz', [('./', b'', {'type': tarfile.DIRTYPE}),\n"
    "    ('./x//y/./z.yaml', b'z'), ('x/y/z.yaml', b'again'),\n"
    "    ('run.sh', b'#!/bin/sh', {'mode': 0o755})])\n"
    "mk('deep.tar.gz', [('d/' * 40 + 'f', b'x')])\n"
    "mk('file-then-dir.tar.gz', [('a', b'x'), ('a/b', b'y')])\n"
    "open(d + '/garbage.tar.gz', 'wb').write(b'\\x1f\\x8b not really')\n";

static int start_server(void)
{
	char log[600], buf[256];
	FILE *f;

	snprintf(served, sizeof(served), "%s/served", cf_test_tmpdir());
	snprintf(log, sizeof(log), "%s/server.log", cf_test_tmpdir());
	cf_fs_mkdirs(served);

	/* The good artifact: tar(1) over a small tree. */
	put(served, "src/kustomization.yaml", "resources: [cm.yaml]\n");
	put(served, "src/cm.yaml", "kind: ConfigMap\n");
	put(served, "src/sub/deep/x.yaml", "kind: X\n");
	put(served, "src/run.sh", "#!/bin/sh\n");
	chmod(path_in(served, "src/run.sh"), 0755);
	{
		const char *tar[] = { "tar", "-C", path_in(served, "src"),
			"-czf", path_in(served, "good.tar.gz"), ".", NULL };
		const char *gen[] = { "python3", path_in(served, "gen.py"),
			served, NULL };

		put(served, "gen.py", gen_py);
		if (run(tar) != 0 || run(gen) != 0)
			return -1;
	}

	server_pid = fork();
	if (server_pid == 0) {
		freopen(log, "w", stdout);
		freopen(log, "a", stderr);
		execlp("python3", "python3", "-u", "-m", "http.server",
		    "--bind", "127.0.0.1", "--directory", served, "0",
		    (char *)NULL);
		_exit(127);
	}
	/* The server prints its port; wait up to 10 s for it. */
	for (int i = 0; i < 200 && !server_port; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (!(f = fopen(log, "r")))
			continue;
		while (fgets(buf, sizeof(buf), f))
			if (sscanf(buf, "Serving HTTP on %*s port %d",
			    &server_port) == 1)
				break;
		fclose(f);
	}
	return server_port ? 0 : -1;
}

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
}

static const char *url_of(const char *file)
{
	static char u[256];
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/%s", server_port, file);
	return u;
}

static const char *fresh_dir(const char *name)
{
	static char d[600];
	snprintf(d, sizeof(d), "%s/out-%s", cf_test_tmpdir(), name);
	return d;
}

static bool exists(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0;
}

static int mode_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? (int)(st.st_mode & 0777) : -1;
}

static cf_http *session(void)
{
	cf_http *h = NULL;
	cf_http_opts o = { .timeout_ms = 20000 };
	cf_http_new(&h, &o);
	return h;
}

TEST(test_kustomize_fetch__download_verify_unpack)
{
	cf_http *h = session();
	char digest[100];
	const char *dir = fresh_dir("good");
	cf_buf b = CF_BUF_INIT;

	CHECK(h);
	sha256_of(digest, sizeof(digest), path_in(served, "good.tar.gz"));
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), digest, dir,
	    NULL), 0);
	CHECK_INT(cf_fs_read(&b, path_in(dir, "cm.yaml"), 1024), 0);
	CHECK_STR(b.buf, "kind: ConfigMap\n");
	CHECK(exists(path_in(dir, "sub/deep/x.yaml")));
	CHECK_INT(mode_of(path_in(dir, "cm.yaml")) & 0700, 0600);
	CHECK_INT(mode_of(path_in(dir, "run.sh")) & 0100, 0100);
	/* The download's temporary file is gone. */
	CHECK(!dir_has(cf_test_tmpdir(), "download"));
	cf_buf_release(&b);

	/* Upper-case hex is the same digest; no digest skips the check. */
	for (char *p = digest + 7; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), digest,
	    fresh_dir("good-upper"), NULL), 0);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), NULL,
	    fresh_dir("good-nodigest"), NULL), 0);
	/* A trailing slash keeps the download outside the target. */
	{
		char slash[700];
		snprintf(slash, sizeof(slash), "%s/", fresh_dir("slash"));
		CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), NULL,
		    slash, NULL), 0);
	}
	cf_http_free(h);
}

TEST(test_kustomize_fetch__download_errors)
{
	cf_http *h = session();
	cf_fetch_opts small = { .max_download = 100 };
	char bad[100] = "sha256:";

	CHECK(h);
	memset(bad + 7, 'a', 64);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), bad,
	    fresh_dir("bad-digest"), NULL), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "computed digest doesn't match"));
	/* Nothing is unpacked from an artifact that failed verification. */
	CHECK(!exists(fresh_dir("bad-digest")));

	CHECK_INT(cf_fetch_artifact(h, url_of("missing.tar.gz"), NULL,
	    fresh_dir("missing"), NULL), CF_ENOTFOUND);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), NULL,
	    fresh_dir("small"), &small), CF_ETOOLARGE);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), "md5:abc",
	    fresh_dir("md5"), NULL), CF_EINVALID);
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), "sha256:abc",
	    fresh_dir("short"), NULL), CF_EINVALID);
	CHECK_INT(cf_fetch_artifact(h, "file:///etc/passwd", NULL,
	    fresh_dir("file"), NULL), CF_EINVALID);
	/* A cancelled fetch stops before anything is unpacked. */
	{
		atomic_int stop = 1;
		cf_fetch_opts o = { .cancel = &stop };
		CHECK_INT(cf_fetch_artifact(h, url_of("big.tar.gz"), NULL,
		    fresh_dir("cancelled"), &o), CF_ERROR);
		CHECK(!exists(fresh_dir("cancelled")));
	}
	/* A directory (the server lists it) is not an artifact. */
	CHECK_INT(cf_fetch_artifact(h, url_of(""), NULL, fresh_dir("listing"),
	    NULL), CF_EINVALID);

	/* The target must be new or empty. */
	put(fresh_dir("full"), "x", "x");
	CHECK_INT(cf_fetch_artifact(h, url_of("good.tar.gz"), NULL,
	    fresh_dir("full"), NULL), CF_EEXISTS);
	cf_http_free(h);
}

TEST(test_kustomize_fetch__verify_file)
{
	char digest[100];

	sha256_of(digest, sizeof(digest), path_in(served, "good.tar.gz"));
	CHECK_INT(cf_fetch_verify_file(path_in(served, "good.tar.gz"),
	    digest), 0);
	CHECK_INT(cf_fetch_verify_file(path_in(served, "many.tar.gz"),
	    digest), CF_EINVALID);
	CHECK_INT(cf_fetch_verify_file(path_in(served, "nope"), digest),
	    CF_ENOTFOUND);
}

struct evil {
	const char *file;
	int code;
	const char *msg;
};

TEST(test_kustomize_fetch__hostile_archives)
{
	static const struct evil rows[] = {
		{ "dotdot.tar.gz", CF_EINVALID, "leaves the directory" },
		{ "deep-dotdot.tar.gz", CF_EINVALID, "leaves the directory" },
		{ "abs.tar.gz", CF_EINVALID, "absolute path" },
		{ "symlink.tar.gz", CF_EINVALID, "symbolic links" },
		{ "symlink-write.tar.gz", CF_EINVALID, "symbolic links" },
		{ "hardlink.tar.gz", CF_EINVALID, "hard links" },
		{ "device.tar.gz", CF_EINVALID, "unsupported file type" },
		{ "fifo.tar.gz", CF_EINVALID, "unsupported file type" },
		{ "plain.tar", CF_EINVALID, "not a gzip" },
		{ "deep.tar.gz", CF_EINVALID, "levels deep" },
		{ "garbage.tar.gz", CF_EINVALID, "Unrecognized archive format" },
		{ "file-then-dir.tar.gz", CF_ERROR, "cannot unpack 'a/b'" },
	};
	char name[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct evil *r = &rows[i];
		int err;

		snprintf(name, sizeof(name), "evil%zu", i);
		err = cf_fetch_untar_file(path_in(served, r->file),
		    fresh_dir(name), NULL);
		if (err != r->code || !strstr(cf_error_msg(), r->msg))
			cf_test_fail(__FILE__, __LINE__, "%s: %d '%s'",
			    r->file, err, cf_error_msg());
	}
	/* Nothing landed outside the target directories. */
	CHECK(!exists(path_in(cf_test_tmpdir(), "evil")));
	CHECK(!exists("/tmp/cflux-evil-abs"));
}

TEST(test_kustomize_fetch__caps)
{
	cf_fetch_opts untar = { .max_untar = 1 << 20 };
	cf_fetch_opts entries = { .max_entries = 10 };

	CHECK_INT(cf_fetch_untar_file(path_in(served, "big.tar.gz"),
	    fresh_dir("big"), &untar), CF_ETOOLARGE);
	CHECK(strstr(cf_error_msg(), "max untar size"));
	CHECK_INT(cf_fetch_untar_file(path_in(served, "many.tar.gz"),
	    fresh_dir("many"), &entries), CF_ETOOLARGE);
	CHECK_INT(cf_fetch_untar_file(path_in(served, "many.tar.gz"),
	    fresh_dir("many-ok"), NULL), 0);
}

TEST(test_kustomize_fetch__names_and_options)
{
	cf_fetch_opts skip = { .skip_symlinks = true };
	const char *dir = fresh_dir("dots");
	cf_buf b = CF_BUF_INIT;

	/* "./", doubled slashes and "." components are harmless; a later
	 * entry with the same name wins, as tar does. */
	CHECK_INT(cf_fetch_untar_file(path_in(served, "dots.tar.gz"), dir,
	    NULL), 0);
	CHECK_INT(cf_fs_read(&b, path_in(dir, "x/y/z.yaml"), 100), 0);
	CHECK_STR(b.buf, "again");
	CHECK(mode_of(path_in(dir, "run.sh")) & 0100);
	cf_buf_release(&b);

	dir = fresh_dir("skip");
	CHECK_INT(cf_fetch_untar_file(path_in(served, "symlink.tar.gz"), dir,
	    &skip), 0);
	CHECK(exists(path_in(dir, "ok.yaml")));
	CHECK(!exists(path_in(dir, "link")));
	CHECK_INT(cf_fetch_untar_file(path_in(served, "nope.tar.gz"),
	    fresh_dir("nope"), NULL), CF_ENOTFOUND);
}

TEST(test_kustomize_fetch__from_memory)
{
	cf_buf b = CF_BUF_INIT;
	const char *dir = fresh_dir("mem");

	CHECK_INT(cf_fs_read(&b, path_in(served, "good.tar.gz"), 1 << 20), 0);
	CHECK_INT(cf_fetch_untar_mem(b.buf, b.len, dir, NULL), 0);
	CHECK(exists(path_in(dir, "kustomization.yaml")));
	CHECK_INT(cf_fetch_untar_mem("x", 1, fresh_dir("mem-bad"), NULL),
	    CF_EINVALID);
	cf_buf_release(&b);
}

int main(int argc, char **argv)
{
	static const struct cf_test_case cases[] = {
		T(test_kustomize_fetch__download_verify_unpack),
		T(test_kustomize_fetch__download_errors),
		T(test_kustomize_fetch__verify_file),
		T(test_kustomize_fetch__hostile_archives),
		T(test_kustomize_fetch__caps),
		T(test_kustomize_fetch__names_and_options),
		T(test_kustomize_fetch__from_memory),
	};
	int rc;

	if (start_server() < 0) {
		fprintf(stderr, "cannot start the HTTP server\n");
		stop_server();
		return 1;
	}
	rc = cf_test_run(cases, sizeof(cases) / sizeof(cases[0]), argc, argv);
	stop_server();
	return rc;
}
