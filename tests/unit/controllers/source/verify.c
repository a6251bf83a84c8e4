/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commit and tag signature verification with the real tools: the test
 * makes two OpenPGP keys (gpg, a throw-away GNUPGHOME) and two SSH keys
 * (ssh-keygen), signs commits and tags with git, fetches them into a
 * mirror with cflux's transport and reads them back with
 * cf_git_cat_object, then checks what cf_verify_object accepts, refuses
 * and reports. Only the first key of each kind is "trusted": it is the one
 * put in the Secret.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "controllers/source/git.h"
#include "controllers/source/verify.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "test.h"

#define GIT "git -c user.name=t -c user.email=t@e -c init.defaultBranch=main "
#define GPGSIGN GIT "-c gpg.program=gpg -c user.signingkey=a@e "
#define SSHSIGN GIT "-c gpg.format=ssh -c user.signingkey=%s/ssh_a "

static char dir[512], up[600], mirror[600], vtmp[600];
static char pgp_a_id[32], ssh_a_fp[128];
static cf_buf pgp_a, pgp_b, ssh_a, ssh_b; /* public keys */
static char c_pgp[41], c_plain[41], c_ssh[41]; /* commits */
static int have_tools;

/* Run a shell command in the test directory; its first output line goes
 * to line (when non-NULL). Returns the exit status. */
static int run(char *line, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int run(char *line, size_t n, const char *fmt, ...)
{
	cf_buf cmd = CF_BUF_INIT;
	char tmp[256];
	va_list ap;
	FILE *f;
	int st;

	cf_buf_addf(&cmd, "cd %s && { ", dir);
	va_start(ap, fmt);
	cf_buf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	cf_buf_adds(&cmd, "; }");
	f = popen(cmd.buf, "r");
	cf_buf_release(&cmd);
	if (!f)
		return -1;
	if (!line) {
		line = tmp;
		n = sizeof(tmp);
	}
	if (!fgets(line, (int)n, f))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	while (fgets(tmp, sizeof(tmp), f))
		;
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void slurp(cf_buf *b, const char *name)
{
	char p[700];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cf_buf_reset(b);
	if (cf_fs_read(b, p, 1 << 20) < 0)
		cf_test_fail(__FILE__, __LINE__, "reading %s", p);
}

/* The raw object and a verification of it against keys. */
static int verify_obj(char *signer, const char *rev, const char *type,
    const cf_verify_key *keys, size_t nkeys)
{
	cf_buf raw = CF_BUF_INIT;
	char oid[41];
	int rc;

	rc = cf_git_cat_object(&raw, oid, mirror, rev, type, NULL);
	if (rc == 0)
		rc = cf_verify_object(signer, 128, raw.buf, raw.len,
		    !strcmp(type, "tag") ? CF_VERIFY_TAG : CF_VERIFY_COMMIT,
		    keys, nkeys, NULL);
	cf_buf_release(&raw);
	return rc;
}

#define KEY(n, b) { n, (b).buf, (b).len }
#define SKIP_WITHOUT_TOOLS()                                              \
	do {                                                               \
		if (!have_tools) {                                         \
			printf("    skipped: gpg, gpgv or ssh-keygen not "    \
			    "installed\n");                                \
			return;                                            \
		}                                                          \
	} while (0)

static void stop_agent(void)
{
	run(NULL, 0, "gpgconf --kill gpg-agent");
}

TEST(test_source_verify__setup)
{
	cf_git_resolved r;
	cf_git_ref ref = { .branch = "main" };
	char url[700];

	snprintf(dir, sizeof(dir), "%s", cf_test_tmpdir());
	snprintf(up, sizeof(up), "%s/up", dir);
	snprintf(mirror, sizeof(mirror), "%s/mirror.git", dir);
	snprintf(vtmp, sizeof(vtmp), "%s/vtmp", dir);
	have_tools = access("/usr/bin/gpg", X_OK) == 0 &&
	    access("/usr/bin/gpgv", X_OK) == 0 &&
	    access("/usr/bin/ssh-keygen", X_OK) == 0;
	SKIP_WITHOUT_TOOLS();
	/* The verifier must not depend on this: it gets keys only from the
	 * "Secret" and runs its tools with an empty environment. */
	CHECK_INT(mkdir(vtmp, 0700), 0);
	setenv("TMPDIR", vtmp, 1);
	snprintf(url, sizeof(url), "%s/gnupg", dir);
	setenv("GNUPGHOME", url, 1);
	atexit(stop_agent);
	CHECK_INT(run(NULL, 0, "mkdir -m 700 gnupg && "
	    "gpg -q --batch --passphrase '' --quick-gen-key 'A <a@e>' "
	    "ed25519 sign never 2>/dev/null && "
	    "gpg -q --batch --passphrase '' --quick-gen-key 'B <b@e>' "
	    "ed25519 sign never 2>/dev/null && "
	    "gpg -q --armor --export a@e >a.asc 2>/dev/null && "
	    "gpg -q --armor --export b@e >b.asc && "
	    "ssh-keygen -q -t ed25519 -N '' -C a -f ssh_a && "
	    "ssh-keygen -q -t ed25519 -N '' -C b -f ssh_b"), 0);
	CHECK_INT(run(pgp_a_id, sizeof(pgp_a_id), "gpg --with-colons "
	    "--list-keys a@e 2>/dev/null | awk -F: '/^pub/ { print $5 }'"), 0);
	CHECK_INT(strlen(pgp_a_id), 16);
	CHECK_INT(run(ssh_a_fp, sizeof(ssh_a_fp), "ssh-keygen -l -E sha256 "
	    "-f ssh_a.pub | cut -d' ' -f2"), 0);
	CHECK(!strncmp(ssh_a_fp, "SHA256:", 7));
	slurp(&pgp_a, "a.asc");
	slurp(&pgp_b, "b.asc");
	slurp(&ssh_a, "ssh_a.pub");
	slurp(&ssh_b, "ssh_b.pub");

	/* A PGP-signed commit, an unsigned one, an SSH-signed one, and
	 * tags: PGP-signed, SSH-signed, annotated unsigned, lightweight. */
	CHECK_INT(run(c_pgp, sizeof(c_pgp), GIT "init -q up && cd up && "
	    "echo 1 >f && git add f && " GPGSIGN "commit -q -S -m one && "
	    GPGSIGN "tag -s -m 'signed pgp' v1.0.0 && "
	    GIT "tag -a -m 'not signed' v0.9.0 && " GIT "tag light && "
	    "git rev-parse HEAD"), 0);
	CHECK_INT(run(c_plain, sizeof(c_plain), "cd up && echo 2 >f && "
	    GIT "commit -q -am two && git rev-parse HEAD"), 0);
	CHECK_INT(run(c_ssh, sizeof(c_ssh), "cd up && echo 3 >f && "
	    SSHSIGN "commit -q -S -am three && "
	    SSHSIGN "tag -s -m 'signed ssh' v2.0.0 && git rev-parse HEAD",
	    dir, dir), 0);

	/* Into a mirror the way the reconciler fetches: the branch, then
	 * each tag at depth 1. */
	snprintf(url, sizeof(url), "file://%s", up);
	CHECK_INT(cf_git_fetch(&r, mirror, url, &ref, NULL), 0);
	CHECK_STR(r.commit, c_ssh);
	const char *tags[] = { "v1.0.0", "v0.9.0", "light", "v2.0.0" };
	for (size_t i = 0; i < 4; i++) {
		ref = (cf_git_ref){ .tag = tags[i] };
		CHECK_INT(cf_git_fetch(&r, mirror, url, &ref, NULL), 0);
	}
	CHECK_STR(r.commit, c_ssh);
	ref = (cf_git_ref){ .branch = "main", .commit = c_plain };
	CHECK_INT(cf_git_fetch(&r, mirror, url, &ref, NULL), 0);
}

TEST(test_source_verify__cat_object)
{
	cf_buf raw = CF_BUF_INIT;
	char oid[41], want[64];

	SKIP_WITHOUT_TOOLS();
	/* An annotated tag fetched at depth 1 keeps its tag object. */
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, "refs/tags/v1.0.0",
	    "tag", NULL), 0);
	CHECK_INT(run(want, sizeof(want), "git -C up rev-parse v1.0.0"), 0);
	CHECK_STR(oid, want);
	CHECK(strstr(raw.buf, "-----BEGIN PGP SIGNATURE-----") != NULL);
	cf_buf_reset(&raw);
	/* A lightweight tag has none; a commit peels from a tag. */
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, "refs/tags/light",
	    "tag", NULL), CF_ENOTFOUND);
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, "refs/tags/v1.0.0",
	    "commit", NULL), 0);
	CHECK_STR(oid, c_pgp);
	CHECK(!strncmp(raw.buf, "tree ", 5));
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, "--output=/tmp/x",
	    "commit", NULL), CF_EINVALID);
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, c_pgp, "blob", NULL),
	    CF_EINVALID);
	cf_buf_release(&raw);
}

TEST(test_source_verify__split)
{
	cf_buf raw = CF_BUF_INIT, payload = CF_BUF_INIT, sig = CF_BUF_INIT;
	char oid[41];

	SKIP_WITHOUT_TOOLS();
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, c_pgp, "commit", NULL),
	    0);
	cf_verify_split(&payload, &sig, raw.buf, raw.len, CF_VERIFY_COMMIT);
	CHECK_STR(cf_verify_sig_type(sig.buf), "openpgp");
	CHECK(!strstr(payload.buf, "gpgsig"));
	CHECK(!strstr(payload.buf, "PGP SIGNATURE"));
	/* "gpgsig " and one space on each continuation line are gone */
	size_t lines = 0;
	for (size_t i = 0; i < sig.len; i++)
		lines += sig.buf[i] == '\n';
	CHECK(lines > 3);
	CHECK_INT(payload.len + sig.len + strlen("gpgsig ") + lines - 1,
	    raw.len);
	CHECK(!strncmp(sig.buf, "-----BEGIN PGP SIGNATURE-----\n\n", 31));
	CHECK(strstr(payload.buf, "\n\none\n") != NULL);
	cf_buf_reset(&raw);
	cf_buf_reset(&payload);
	cf_buf_reset(&sig);
	CHECK_INT(cf_git_cat_object(&raw, oid, mirror, "refs/tags/v2.0.0",
	    "tag", NULL), 0);
	cf_verify_split(&payload, &sig, raw.buf, raw.len, CF_VERIFY_TAG);
	CHECK_STR(cf_verify_sig_type(sig.buf), "ssh");
	CHECK_INT(payload.len + sig.len, raw.len);
	CHECK(strstr(payload.buf, "\nsigned ssh\n") != NULL);
	CHECK_STR(cf_verify_sig_type(""), "empty");
	CHECK_STR(cf_verify_sig_type("-----BEGIN SIGNED MESSAGE-----\n"),
	    "x509");
	cf_buf_release(&raw);
	cf_buf_release(&payload);
	cf_buf_release(&sig);
}

TEST(test_source_verify__pgp_commit)
{
	cf_verify_key trusted[] = { KEY("a.asc", pgp_a) };
	cf_verify_key untrusted[] = { KEY("b.asc", pgp_b) };
	/* Several keys: any one verifies; a name without ".asc" is PGP. */
	cf_verify_key both[] = { KEY("b.asc", pgp_b), KEY("key", pgp_a),
		KEY("x.sshpub", ssh_b) };
	char signer[128];

	SKIP_WITHOUT_TOOLS();
	CHECK_INT(verify_obj(signer, c_pgp, "commit", trusted, 1), 0);
	CHECK_STR(signer, pgp_a_id);
	CHECK_INT(verify_obj(signer, c_pgp, "commit", both, 3), 0);
	CHECK_STR(signer, pgp_a_id);
	CHECK_INT(verify_obj(signer, c_pgp, "commit", untrusted, 1),
	    CF_EFORBIDDEN);
	CHECK_STR(cf_error_msg(), "unable to verify Git commit: unable to "
	    "verify payload with any of the given key rings: no matching key");
	CHECK_STR(signer, "");
}

TEST(test_source_verify__unsigned_and_wrong_kind)
{
	cf_verify_key pgp[] = { KEY("a.asc", pgp_a) };
	cf_verify_key ssh[] = { KEY("a.sshpub", ssh_a) };
	cf_verify_key junk[] = { { "a.asc", "not a key", 9 } };
	char signer[128];

	SKIP_WITHOUT_TOOLS();
	CHECK_INT(verify_obj(signer, c_plain, "commit", pgp, 1),
	    CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "unsupported signature type: empty");
	CHECK_INT(verify_obj(signer, c_pgp, "commit", ssh, 1), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "PGP signature detected but no PGP public "
	    "keys found in secret (keys with .asc suffix)");
	CHECK_INT(verify_obj(signer, c_ssh, "commit", pgp, 1), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "SSH signature detected but no SSH public "
	    "keys found in secret (keys with .sshpub suffix)");
	CHECK_INT(verify_obj(signer, c_pgp, "commit", junk, 1), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "unable to verify Git commit: unable to "
	    "read armored key ring: no armored data found");
}

TEST(test_source_verify__ssh_commit)
{
	cf_buf lines = CF_BUF_INIT;
	cf_verify_key untrusted[] = { KEY("b.sshpub", ssh_b) };
	char signer[128];

	SKIP_WITHOUT_TOOLS();
	/* authorized_keys lines: comments, blank lines, options. */
	cf_buf_addf(&lines, "# deploy keys\n\n%.*s\nno-pty,command=\"a b\" %s",
	    (int)strcspn(ssh_b.buf, "\n"), ssh_b.buf, ssh_a.buf);
	cf_verify_key trusted[] = { KEY("keys.sshpub", lines) };

	CHECK_INT(verify_obj(signer, c_ssh, "commit", trusted, 1), 0);
	CHECK_STR(signer, ssh_a_fp);
	CHECK_INT(verify_obj(signer, c_ssh, "commit", untrusted, 1),
	    CF_EFORBIDDEN);
	CHECK_STR(cf_error_msg(), "unable to verify Git commit SSH signature: "
	    "unable to verify payload with any of the given authorized keys: "
	    "no matching key");
	cf_buf_release(&lines);
}

TEST(test_source_verify__tags)
{
	cf_verify_key keys[] = { KEY("a.asc", pgp_a), KEY("a.sshpub", ssh_a) };
	cf_verify_key b_only[] = { KEY("b.asc", pgp_b) };
	char signer[128];

	SKIP_WITHOUT_TOOLS();
	CHECK_INT(verify_obj(signer, "refs/tags/v1.0.0", "tag", keys, 2), 0);
	CHECK_STR(signer, pgp_a_id);
	CHECK_INT(verify_obj(signer, "refs/tags/v2.0.0", "tag", keys, 2), 0);
	CHECK_STR(signer, ssh_a_fp);
	CHECK_INT(verify_obj(signer, "refs/tags/v1.0.0", "tag", b_only, 1),
	    CF_EFORBIDDEN);
	CHECK_STR(cf_error_msg(), "unable to verify Git tag: unable to "
	    "verify payload with any of the given key rings: no matching key");
	CHECK_INT(verify_obj(signer, "refs/tags/v0.9.0", "tag", keys, 2),
	    CF_ENOTFOUND);
}

/* Change one byte of the object at needle (+ skip) and verify again. */
static int tampered(const char *rev, const char *needle, size_t skip,
    const cf_verify_key *keys)
{
	cf_buf raw = CF_BUF_INIT;
	char oid[41], signer[128];
	char *at;
	int rc = CF_ERROR;

	if (cf_git_cat_object(&raw, oid, mirror, rev, "commit", NULL) == 0 &&
	    (at = strstr(raw.buf, needle)) && strlen(at) > skip) {
		at[skip] = at[skip] == 'A' ? 'B' : 'A';
		rc = cf_verify_object(signer, sizeof(signer), raw.buf, raw.len,
		    CF_VERIFY_COMMIT, keys, 1, NULL);
	}
	cf_buf_release(&raw);
	return rc;
}

TEST(test_source_verify__tampered)
{
	cf_verify_key pgp[] = { KEY("a.asc", pgp_a) };
	cf_verify_key ssh[] = { KEY("a.sshpub", ssh_a) };

	SKIP_WITHOUT_TOOLS();
	/* The message, then the signature itself. */
	CHECK_INT(tampered(c_pgp, "\n\none", 2, pgp), CF_EFORBIDDEN);
	CHECK_INT(tampered(c_pgp, "SIGNATURE-----\n \n ", 22, pgp),
	    CF_EFORBIDDEN);
	CHECK_INT(tampered(c_ssh, "\n\nthree", 3, ssh), CF_EFORBIDDEN);
	CHECK_INT(tampered(c_ssh, "SIGNATURE-----\n ", 40, ssh),
	    CF_EFORBIDDEN);
}

TEST(test_source_verify__no_files_left)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	SKIP_WITHOUT_TOOLS();
	CHECK((d = opendir(vtmp)) != NULL);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	CHECK_INT(n, 0);
	cf_buf_release(&pgp_a);
	cf_buf_release(&pgp_b);
	cf_buf_release(&ssh_a);
	cf_buf_release(&ssh_b);
}

TEST_MAIN(T(test_source_verify__setup), T(test_source_verify__cat_object),
    T(test_source_verify__split), T(test_source_verify__pgp_commit),
    T(test_source_verify__unsigned_and_wrong_kind),
    T(test_source_verify__ssh_commit), T(test_source_verify__tags),
    T(test_source_verify__tampered), T(test_source_verify__no_files_left))
