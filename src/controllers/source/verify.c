/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Why not `git verify-commit`: it trusts whatever keyring and gpg
 * configuration the process environment points at, and reads the allowed
 * signers from git configuration. Here the keys come from the Secret only:
 * each verification builds its own keyring (dearmored in C, since gpgv
 * reads binary keyrings) or allowed-signers file in a fresh private
 * directory, and gpgv / ssh-keygen see nothing else (no HOME of ours, no
 * agent, no configuration files, an empty environment).
 *
 * Messages follow source-controller and fluxcd/pkg/git so that a Flux user
 * reads the same words: "unable to verify Git commit: unable to verify
 * payload with any of the given key rings: no matching key", "unsupported
 * signature type: empty", "PGP signature detected but no PGP public keys
 * found in secret (keys with .asc suffix)".
 */
#include "controllers/source/verify.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/proc.h"

#define DEFAULT_TIMEOUT_MS 30000
#define TOOL_OUTPUT_MAX (64u << 10)

static const char *const pgp_begin[] = { "-----BEGIN PGP SIGNATURE-----" };
static const char *const ssh_begin[] = { "-----BEGIN SSH SIGNATURE-----" };
static const char *const x509_begin[] = {
	"-----BEGIN SIGNED MESSAGE-----" };

/* ---- splitting ---------------------------------------------------------- */

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix);

	return len >= pl && !memcmp(s, prefix, pl);
}

/* A line git would take as the start of a tag's signature. */
static bool sig_start(const char *s, size_t len)
{
	return starts_with(s, len, pgp_begin[0]) ||
	    starts_with(s, len, "-----BEGIN PGP MESSAGE-----") ||
	    starts_with(s, len, ssh_begin[0]) ||
	    starts_with(s, len, x509_begin[0]);
}

/* Commit: the "gpgsig" header and its continuation lines (one leading
 * space each) are the signature; every other byte is the payload. */
static void split_commit(cf_buf *payload, cf_buf *sig, const char *raw,
    size_t len)
{
	const char *end = raw + len, *p = raw;
	bool in_sig = false, in_headers = true;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		if (in_headers && ll == 1 && *p == '\n')
			in_headers = false;
		if (in_headers && starts_with(p, ll, "gpgsig ")) {
			in_sig = true;
			cf_buf_add(sig, p + 7, ll - 7);
		} else if (in_headers && in_sig && *p == ' ') {
			cf_buf_add(sig, p + 1, ll - 1);
		} else {
			in_sig = false;
			cf_buf_add(payload, p, ll);
		}
		p += ll;
	}
}

/* Tag: the signature starts at the last line that opens an armor block
 * and runs to the end, as git's parse_signed_buffer decides. */
static void split_tag(cf_buf *payload, cf_buf *sig, const char *raw,
    size_t len)
{
	size_t at = len, off = 0;

	while (off < len) {
		const char *nl = memchr(raw + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (raw + off)) + 1 : len - off;

		if (sig_start(raw + off, ll))
			at = off;
		off += ll;
	}
	cf_buf_add(payload, raw, at);
	cf_buf_add(sig, raw + at, len - at);
}

void cf_verify_split(cf_buf *payload, cf_buf *sig, const char *raw,
    size_t len, enum cf_verify_kind kind)
{
	if (kind == CF_VERIFY_COMMIT)
		split_commit(payload, sig, raw, len);
	else
		split_tag(payload, sig, raw, len);
}

const char *cf_verify_sig_type(const char *sig)
{
	while (isspace((unsigned char)*sig))
		sig++;
	if (!*sig)
		return "empty";
	if (!strncmp(sig, pgp_begin[0], strlen(pgp_begin[0])))
		return "openpgp";
	if (!strncmp(sig, ssh_begin[0], strlen(ssh_begin[0])))
		return "ssh";
	if (!strncmp(sig, x509_begin[0], strlen(x509_begin[0])))
		return "x509";
	return "unknown";
}

/* ---- the private directory ----------------------------------------------- */

struct workdir {
	char dir[PATH_MAX];
	char files[4][PATH_MAX + 32];
	size_t nfiles;
};

static int workdir_open(struct workdir *w)
{
	const char *base = getenv("TMPDIR");

	memset(w, 0, sizeof(*w));
	if (!base || base[0] != '/' || strlen(base) > PATH_MAX - 32 ||
	    strpbrk(base, " \t\n"))
		base = "/tmp";
	snprintf(w->dir, sizeof(w->dir), "%s/cfverify.XXXXXX", base);
	if (!mkdtemp(w->dir)) { /* mode 0700 */
		w->dir[0] = '\0';
		return cf_error_os("creating a directory for verification");
	}
	return 0;
}

/* Write data to a new 0600 file name in the directory; its path goes to
 * path (borrowed from w). */
static int workdir_write(const char **path, struct workdir *w,
    const char *name, const void *data, size_t len)
{
	char *p = w->files[w->nfiles];
	int fd;

	if (w->nfiles >= CF_ARRAY_SIZE(w->files))
		CF_BUG("too many verification files");
	size_t dl = strlen(w->dir), nl = strlen(name);

	if (dl + nl + 2 > sizeof(w->files[0]))
		CF_BUG("verification file name too long");
	memcpy(p, w->dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return cf_error_os("creating '%s' for verification", name);
	w->nfiles++;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return cf_error_os("writing '%s' for verification",
			    name);
		}
		off += (size_t)n;
	}
	if (close(fd) < 0)
		return cf_error_os("writing '%s' for verification", name);
	*path = p;
	return 0;
}

static void workdir_close(struct workdir *w)
{
	if (!w->dir[0])
		return;
	for (size_t i = 0; i < w->nfiles; i++)
		unlink(w->files[i]);
	rmdir(w->dir);
	w->dir[0] = '\0';
}

/* The three files a tool reads, in w. */
struct inputs {
	const char *keys, *sig, *payload;
};

static int write_inputs(struct inputs *in, struct workdir *w, bool ssh,
    const cf_buf *keys, const cf_buf *sig, const cf_buf *payload)
{
	int rc;

	if ((rc = workdir_write(&in->keys, w, ssh ? "allowed_signers" :
	    "keyring.gpg", keys->buf, keys->len)) < 0 ||
	    (rc = workdir_write(&in->sig, w, "signature", sig->buf,
	    sig->len)) < 0)
		return rc;
	return workdir_write(&in->payload, w, "payload", payload->buf,
	    payload->len);
}

/* Run a verification tool inside w with nothing in its environment but a
 * fixed PATH, HOME and locale. Returns the exit status or < 0. */
static int run_tool(cf_buf *out, const struct workdir *w, const char *path,
    const char *const *argv, const char *stdin_path,
    const cf_verify_opts *o)
{
	char home[PATH_MAX + 8];
	const char *env[] = { "PATH=/usr/bin:/bin", home, "LC_ALL=C",
		"LANG=C", NULL };
	cf_buf err = CF_BUF_INIT;
	int rc;

	snprintf(home, sizeof(home), "HOME=%s", w->dir);
	rc = cf_proc_run(out, &err, path, argv, &(cf_proc_opts){
	    .env = env, .cwd = w->dir, .stdin_path = stdin_path,
	    .timeout_ms = o->timeout_ms > 0 ? o->timeout_ms :
	        DEFAULT_TIMEOUT_MS,
	    .max_out = TOOL_OUTPUT_MAX, .max_err = TOOL_OUTPUT_MAX });
	/* Their stderr is for people; the result is in the exit status and
	 * the status lines. Keep it out of our messages (it may quote key
	 * material). */
	cf_buf_release(&err);
	return rc;
}

/* ---- OpenPGP --------------------------------------------------------------- */

/* Append the binary packets of every armored public key block in text to
 * out. Returns the number of blocks decoded. */
static int dearmor_keys(cf_buf *out, const char *text, size_t len)
{
	static const char begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
	const char *p = text, *end = text + len;
	int blocks = 0;

	while (p < end) {
		const char *b = memmem(p, (size_t)(end - p), begin,
		    sizeof(begin) - 1);
		cf_buf b64 = CF_BUF_INIT;
		bool body = false, closed = false;

		if (!b)
			break;
		p = memchr(b, '\n', (size_t)(end - b));
		p = p ? p + 1 : end;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);

			while (ll && (p[ll - 1] == '\r' || p[ll - 1] == ' '))
				ll--;
			if (starts_with(p, ll, "-----END ")) {
				closed = true;
			} else if (!body && (!ll || memchr(p, ':', ll))) {
				/* armor headers ("Comment: ...") end at a
				 * blank line */
				body = ll == 0;
			} else if (ll && p[0] != '=') { /* '=': the CRC24 */
				body = true;
				cf_buf_add(&b64, p, ll);
			}
			p = nl ? nl + 1 : end;
			if (closed)
				break;
		}
		if (closed && b64.len && cf_base64_decode(out, b64.buf, b64.len,
		    false) == 0)
			blocks++;
		cf_buf_release(&b64);
	}
	return blocks;
}

/* The primary key ID from gpgv's status lines: VALIDSIG's last field is
 * the primary key's fingerprint; a v4 key ID is its last 16 digits. Also
 * require GOODSIG and none of the failures. */
static bool parse_gpg_status(char *signer, size_t n, const char *status)
{
	static const char *const bad[] = { "BADSIG", "ERRSIG", "EXPSIG",
		"EXPKEYSIG", "REVKEYSIG", "NO_PUBKEY" };
	const char *line = status;
	char fpr[72] = "";
	bool good = false;

	while (*line) {
		size_t ll = strcspn(line, "\n");

		if (!strncmp(line, "[GNUPG:] ", 9)) {
			const char *kw = line + 9;
			size_t kl = strcspn(kw, " \n");

			for (size_t i = 0; i < CF_ARRAY_SIZE(bad); i++)
				if (kl == strlen(bad[i]) &&
				    !strncmp(kw, bad[i], kl))
					return false;
			if (kl == 7 && !strncmp(kw, "GOODSIG", 7))
				good = true;
			if (kl == 8 && !strncmp(kw, "VALIDSIG", 8)) {
				/* the last space-separated field */
				const char *f = line + ll;

				while (f > kw && f[-1] != ' ')
					f--;
				snprintf(fpr, sizeof(fpr), "%.*s",
				    (int)(line + ll - f), f);
			}
		}
		line += ll + (line[ll] == '\n');
	}
	size_t fl = strlen(fpr);

	if (!good || (fl != 40 && fl != 64))
		return false;
	for (size_t i = 0; i < fl; i++)
		if (!isxdigit((unsigned char)fpr[i]))
			return false;
	/* v4: the low 64 bits; v5/v6: the high 64 bits */
	snprintf(signer, n, "%.16s", fl == 40 ? fpr + 24 : fpr);
	for (char *s = signer; *s; s++)
		*s = (char)toupper((unsigned char)*s);
	return true;
}

static int verify_pgp(char *signer, size_t n, struct workdir *w,
    const char *what, const struct inputs *in, const cf_verify_opts *o)
{
	const char *tool = o->gpgv_path ? o->gpgv_path : "/usr/bin/gpgv";
	const char *argv[] = { "gpgv", "--homedir", w->dir, "--status-fd",
		"1", "--keyring", in->keys, "--", in->sig, in->payload, NULL };
	cf_buf status = CF_BUF_INIT;
	int rc;

	rc = run_tool(&status, w, tool, argv, NULL, o);
	if (rc < 0)
		rc = cf_error_wrap("unable to verify Git %s", what);
	else if (rc == 0 && parse_gpg_status(signer, n, status.buf))
		rc = 0;
	else
		rc = cf_error_setc(CF_EFORBIDDEN, CF_ERR_INVALID,
		    "unable to verify Git %s: unable to verify payload with "
		    "any of the given key rings: no matching key", what);
	cf_buf_release(&status);
	return rc;
}

/* ---- SSH --------------------------------------------------------------------- */

static bool ssh_key_type(const char *t, size_t len)
{
	return starts_with(t, len, "ssh-") ||
	    starts_with(t, len, "ecdsa-sha2-") ||
	    starts_with(t, len, "sk-ssh-") || starts_with(t, len, "sk-ecdsa-");
}

/* Length of the token at s: up to blank space outside double quotes
 * (authorized_keys options such as command="a b"). */
static size_t token_len(const char *s, size_t len)
{
	bool quoted = false;
	size_t i = 0;

	for (; i < len; i++) {
		if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
			quoted = !quoted;
		else if (!quoted && (s[i] == ' ' || s[i] == '\t'))
			break;
	}
	return i;
}

static const char *skip_blank(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s;
}

/* One authorized_keys line to "git <type> <base64>\n" in out; options and
 * the comment are dropped (allowed-signers options differ). -1 when the
 * line holds no key. */
static int ssh_line(cf_buf *out, const char *p, const char *end)
{
	size_t tl, bl;

	p = skip_blank(p, end);
	tl = token_len(p, (size_t)(end - p));
	if (!ssh_key_type(p, tl)) { /* options first */
		p = skip_blank(p + tl, end);
		tl = token_len(p, (size_t)(end - p));
		if (!ssh_key_type(p, tl))
			return -1;
	}
	const char *blob = skip_blank(p + tl, end);

	bl = token_len(blob, (size_t)(end - blob));
	if (bl < 16)
		return -1;
	for (size_t i = 0; i < bl; i++)
		if (!isalnum((unsigned char)blob[i]) && !strchr("+/=", blob[i]))
			return -1;
	for (size_t i = 0; i < tl; i++)
		if (!isalnum((unsigned char)p[i]) && !strchr("-@.", p[i]))
			return -1;
	cf_buf_addf(out, "git %.*s %.*s\n", (int)tl, p, (int)bl, blob);
	return 0;
}

/* Append the allowed-signers lines of one Secret value; a value with a
 * line that is not a key is skipped whole, as Flux does. */
static int ssh_value(cf_buf *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t mark = out->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = skip_blank(p, le);

		if (s < le && *s != '#' && ssh_line(out, s, le) < 0) {
			cf_buf_truncate(out, mark);
			return -1;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

static bool parse_ssh_output(char *signer, size_t n, const char *out)
{
	const char *f = strstr(out, "SHA256:");
	size_t fl;

	if (!f)
		return false;
	fl = strcspn(f, " \t\r\n");
	if (fl < 8 || fl > 100)
		return false;
	snprintf(signer, n, "%.*s", (int)fl, f);
	return true;
}

static int verify_ssh(char *signer, size_t n, struct workdir *w,
    const char *what, const struct inputs *in, const cf_verify_opts *o)
{
	const char *tool = o->ssh_keygen_path ? o->ssh_keygen_path :
	    "/usr/bin/ssh-keygen";
	const char *argv[] = { "ssh-keygen", "-Y", "verify", "-f", in->keys,
		"-I", "git", "-n", "git", "-s", in->sig, NULL };
	cf_buf out = CF_BUF_INIT;
	int rc;

	rc = run_tool(&out, w, tool, argv, in->payload, o);
	if (rc < 0)
		rc = cf_error_wrap("unable to verify Git %s SSH signature",
		    what);
	else if (rc == 0 && parse_ssh_output(signer, n, out.buf))
		rc = 0;
	else
		rc = cf_error_setc(CF_EFORBIDDEN, CF_ERR_INVALID,
		    "unable to verify Git %s SSH signature: unable to verify "
		    "payload with any of the given authorized keys: no "
		    "matching key", what);
	cf_buf_release(&out);
	return rc;
}

/* ---- entry point -------------------------------------------------------- */

/* Build the key material of the signature's type from the Secret. */
static int collect_keys(cf_buf *out, bool ssh, const char *what,
    const cf_verify_key *keys, size_t nkeys)
{
	size_t nssh = 0, npgp = 0, parsed = 0;

	for (size_t i = 0; i < nkeys; i++) {
		size_t nl = strlen(keys[i].name);
		bool is_ssh = nl >= 7 && !strcmp(keys[i].name + nl - 7,
		    ".sshpub");

		nssh += is_ssh;
		npgp += !is_ssh;
		if (is_ssh != ssh)
			continue;
		if (ssh ? ssh_value(out, keys[i].data, keys[i].len) == 0 :
		    dearmor_keys(out, keys[i].data, keys[i].len) > 0)
			parsed++;
	}
	if (ssh && !nssh)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "SSH "
		    "signature detected but no SSH public keys found in "
		    "secret (keys with .sshpub suffix)");
	if (!ssh && !npgp)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "PGP "
		    "signature detected but no PGP public keys found in "
		    "secret (keys with .asc suffix)");
	if (!parsed && ssh)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "unable to "
		    "verify Git %s SSH signature: unable to parse authorized "
		    "keys: no key found", what);
	if (!parsed)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, "unable to "
		    "verify Git %s: unable to read armored key ring: no "
		    "armored data found", what);
	return 0;
}

int cf_verify_object(char *signer, size_t n, const char *raw, size_t len,
    enum cf_verify_kind kind, const cf_verify_key *keys, size_t nkeys,
    const cf_verify_opts *opts)
{
	static const cf_verify_opts zero;
	const cf_verify_opts *o = opts ? opts : &zero;
	const char *what = kind == CF_VERIFY_COMMIT ? "commit" : "tag";
	cf_buf payload = CF_BUF_INIT, sig = CF_BUF_INIT, keybuf = CF_BUF_INIT;
	struct workdir w = { .dir = "" };
	struct inputs in;
	const char *type;
	bool ssh;
	int error;

	signer[0] = '\0';
	cf_verify_split(&payload, &sig, raw, len, kind);
	type = cf_verify_sig_type(sig.buf);
	if (!strcmp(type, "empty")) {
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "unsupported signature type: empty");
		goto done;
	}
	if (strcmp(type, "openpgp") && strcmp(type, "ssh")) {
		error = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "unsupported signature type: %s", type);
		goto done;
	}
	ssh = !strcmp(type, "ssh");
	if ((error = collect_keys(&keybuf, ssh, what, keys, nkeys)) < 0)
		goto done;
	if ((error = workdir_open(&w)) < 0 || (error = write_inputs(&in, &w,
	    ssh, &keybuf, &sig, &payload)) < 0)
		goto done;
	if (ssh)
		error = verify_ssh(signer, n, &w, what, &in, o);
	else
		error = verify_pgp(signer, n, &w, what, &in, o);
done:
	workdir_close(&w);
	cf_buf_release(&payload);
	cf_buf_release(&sig);
	cf_buf_release(&keybuf);
	return error;
}
