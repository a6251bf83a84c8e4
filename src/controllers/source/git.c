/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Git transport through the git CLI. Why the CLI: Debian's libgit2 has no
 * shallow clone and the CLI is the fastest transport we can get (see
 * spec/anchors.md §2.2). Why so careful: a GitRepository URL and its Secret
 * are tenant input, so git runs
 *   - from an argument vector via posix_spawn, never a shell;
 *   - with a fixed environment: no system, global or XDG configuration,
 *     HOME pointed at an empty private directory, prompts off, a protocol
 *     allowlist, hooks and credential helpers disabled;
 *   - with credentials passed as configuration through GIT_CONFIG_COUNT
 *     environment variables (visible only to our uid, unlike argv) or 0600
 *     files in that private directory (SSH key, known_hosts);
 *   - in its own process group, killed whole on timeout, with its output
 *     capped.
 * Every message that leaves this file goes through redact(): URLs lose their
 * userinfo and query, known secrets are replaced by "***".
 */
#include "controllers/source/git.h"
#include "controllers/source/gitrefs.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/http.h"

#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_MAX_OUTPUT (16u << 20)
#define STDERR_MAX (64u << 10)
#define MAX_ENV 64
#define DEFAULT_PROTOCOLS "https:http:ssh:file"

/* ---- semver ------------------------------------------------------------ */

struct sv {
	long v[3];
	int nparts;    /* parts given as numbers (wildcards stop the count) */
	char pre[128]; /* pre-release without '-', "" if none */
};

static int parse_num(const char **p, long *out)
{
	const char *s = *p;
	long n = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	while (isdigit((unsigned char)*s)) {
		if (n > 100000000L)
			return -1;
		n = n * 10 + (*s++ - '0');
	}
	*p = s;
	*out = n;
	return 0;
}

/* Parse "[v]X[.Y[.Z]][-pre][+build]"; wildcards x, X, * end nparts when
 * allowed (constraints), else missing parts are zero (versions). */
static int sv_parse(struct sv *o, const char *s, size_t len, int wild)
{
	char tmp[256];
	const char *p;

	memset(o, 0, sizeof(*o));
	if (len >= sizeof(tmp) || !len)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	p = tmp;
	if (*p == 'v' || *p == 'V')
		p++;
	for (int i = 0; i < 3; i++) {
		if (wild && (*p == 'x' || *p == 'X' || *p == '*')) {
			p++;
			/* everything after a wildcard must be wildcards too */
			while (*p == '.' && (p[1] == 'x' || p[1] == 'X' ||
			           p[1] == '*'))
				p += 2;
			break;
		}
		if (parse_num(&p, &o->v[i]) < 0)
			return -1;
		o->nparts++;
		if (*p != '.')
			break;
		if (i == 2)
			return -1;
		p++;
	}
	if (*p == '-') {
		const char *e = p + 1;
		while (*e && *e != '+')
			e++;
		if (e == p + 1 || (size_t)(e - p - 1) >= sizeof(o->pre))
			return -1;
		memcpy(o->pre, p + 1, (size_t)(e - p - 1));
		o->pre[e - p - 1] = '\0';
		for (const char *c = o->pre; *c; c++)
			if (!isalnum((unsigned char)*c) && *c != '.' &&
			    *c != '-')
				return -1;
		p = e;
	}
	if (*p == '+') {
		for (p++; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-')
				return -1;
	}
	return *p ? -1 : 0;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return n > 0;
}

/* semver 2.0 §11: a release outranks its pre-releases; identifiers
 * compare numerically when both are numbers, numbers sort first. */
static int pre_cmp(const char *a, const char *b)
{
	if (!*a || !*b)
		return (!*a) - (!*b);
	while (*a && *b) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");
		int da = all_digits(a, la), db = all_digits(b, lb);
		int c;
		if (da && db) {
			while (la > 1 && *a == '0')
				a++, la--;
			while (lb > 1 && *b == '0')
				b++, lb--;
			c = la != lb ? (la < lb ? -1 : 1) : memcmp(a, b, la);
		} else if (da != db) {
			c = da ? -1 : 1;
		} else {
			c = memcmp(a, b, la < lb ? la : lb);
			if (!c && la != lb)
				c = la < lb ? -1 : 1;
		}
		if (c)
			return c < 0 ? -1 : 1;
		a += la + (a[la] == '.');
		b += lb + (b[lb] == '.');
	}
	return (*a != 0) - (*b != 0);
}

static int sv_cmp(const struct sv *a, const struct sv *b)
{
	for (int i = 0; i < 3; i++)
		if (a->v[i] != b->v[i])
			return a->v[i] < b->v[i] ? -1 : 1;
	return pre_cmp(a->pre, b->pre);
}

int cf_git_semver_cmp(const char *a, const char *b)
{
	struct sv x, y;
	int ea = sv_parse(&x, a, strlen(a), 0), eb = sv_parse(&y, b, strlen(b), 0);

	if (ea || eb)
		return ea && eb ? 0 : (ea ? -1 : 1);
	return sv_cmp(&x, &y);
}

/* One comparator as an interval, possibly negated (!=). */
struct prim {
	struct sv lo, hi;
	int has_lo, lo_incl, has_hi, hi_incl, negate, none;
};

static void bump(struct sv *o, const struct sv *v, int part)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < part; i++)
		o->v[i] = v->v[i];
	o->v[part] = v->v[part] + 1;
	o->nparts = 3;
}

static void floor_of(struct sv *o, const struct sv *v)
{
	*o = *v;
	for (int i = v->nparts; i < 3; i++)
		o->v[i] = 0;
}

/* Upper bound "<" for a partially given version: X.Y -> < X.(Y+1).0. */
static void set_hi_partial(struct prim *p, const struct sv *v)
{
	if (v->nparts == 0)
		return; /* "*": no bound */
	p->has_hi = 1;
	bump(&p->hi, v, v->nparts - 1);
}

static int prim_parse(struct prim *p, const char *tok, size_t len)
{
	char op[3] = "";
	size_t ol = 0;
	struct sv v;

	memset(p, 0, sizeof(*p));
	while (ol < len && ol < 2 && strchr("=!<>~^", tok[ol]))
		op[ol] = tok[ol], ol++;
	op[ol] = '\0';
	tok += ol, len -= ol;
	while (len && *tok == ' ')
		tok++, len--;
	if (sv_parse(&v, tok, len, 1) < 0)
		return -1;
	if (v.nparts < 3 && v.pre[0])
		return -1;
	if (!strcmp(op, "") || !strcmp(op, "=")) {
		if (v.nparts == 3) {
			p->has_lo = p->has_hi = p->lo_incl = p->hi_incl = 1;
			p->lo = p->hi = v;
		} else {
			p->has_lo = p->lo_incl = 1;
			floor_of(&p->lo, &v);
			set_hi_partial(p, &v);
		}
	} else if (!strcmp(op, "!=")) {
		if (prim_parse(p, tok, len) < 0)
			return -1;
		p->negate = 1;
	} else if (!strcmp(op, ">")) {
		p->has_lo = 1;
		if (v.nparts == 3) {
			p->lo = v;
		} else if (v.nparts == 0) {
			p->none = 1;
		} else {
			bump(&p->lo, &v, v.nparts - 1);
			p->lo_incl = 1;
		}
	} else if (!strcmp(op, ">=")) {
		p->has_lo = p->lo_incl = 1;
		floor_of(&p->lo, &v);
	} else if (!strcmp(op, "<")) {
		p->has_hi = 1;
		floor_of(&p->hi, &v);
	} else if (!strcmp(op, "<=")) {
		if (v.nparts == 3) {
			p->has_hi = p->hi_incl = 1;
			p->hi = v;
		} else {
			set_hi_partial(p, &v);
		}
	} else if (!strcmp(op, "~") || !strcmp(op, "~>")) {
		p->has_lo = p->lo_incl = 1;
		floor_of(&p->lo, &v);
		if (v.nparts) {
			struct sv t = v;
			t.nparts = v.nparts >= 2 ? 2 : 1;
			set_hi_partial(p, &t);
		}
	} else if (!strcmp(op, "^")) {
		p->has_lo = p->lo_incl = 1;
		floor_of(&p->lo, &v);
		struct sv t = v;
		if (v.nparts == 0)
			return 0;
		if (v.v[0] > 0 || v.nparts == 1)
			t.nparts = 1;
		else if (v.v[1] > 0 || v.nparts == 2)
			t.nparts = 2;
		else
			t.nparts = 3;
		set_hi_partial(p, &t);
	} else {
		return -1;
	}
	return 0;
}

static int prim_match(const struct prim *p, const struct sv *v)
{
	int in = !p->none;

	if (in && p->has_lo) {
		int c = sv_cmp(v, &p->lo);
		in = p->lo_incl ? c >= 0 : c > 0;
	}
	if (in && p->has_hi) {
		int c = sv_cmp(v, &p->hi);
		in = p->hi_incl ? c <= 0 : c < 0;
	}
	return p->negate ? !in : in;
}

#define MAX_PRIMS 32

/* Match one AND group ("a b", "a, b", "a - b"). */
static int group_match(const char *s, size_t len, const struct sv *v)
{
	struct prim prims[MAX_PRIMS];
	char toks[MAX_PRIMS * 2][160];
	size_t nt = 0, np = 0;
	int has_pre = 0;
	const char *e = s + len;

	/* Tokenise on blanks and commas; glue a bare operator to the next
	 * token so ">= 1.2" reads as ">=1.2". */
	while (s < e) {
		while (s < e && (*s == ' ' || *s == ',' || *s == '\t'))
			s++;
		if (s >= e)
			break;
		const char *t = s;
		while (s < e && *s != ' ' && *s != ',' && *s != '\t')
			s++;
		size_t tl = (size_t)(s - t);
		if (nt && strspn(toks[nt - 1], "=!<>~^") ==
		        strlen(toks[nt - 1]) && toks[nt - 1][0]) {
			size_t pl = strlen(toks[nt - 1]);
			if (pl + tl >= sizeof(toks[0]))
				return CF_EINVALID;
			memcpy(toks[nt - 1] + pl, t, tl);
			toks[nt - 1][pl + tl] = '\0';
			continue;
		}
		if (nt >= CF_ARRAY_SIZE(toks) || tl >= sizeof(toks[0]))
			return CF_EINVALID;
		memcpy(toks[nt], t, tl);
		toks[nt++][tl] = '\0';
	}
	if (!nt)
		return CF_EINVALID;
	for (size_t i = 0; i < nt; i++) {
		struct prim *p = &prims[np];
		if (np >= MAX_PRIMS)
			return CF_EINVALID;
		if (i + 2 < nt && !strcmp(toks[i + 1], "-")) {
			/* Hyphen range: "a - b" = ">=a <=b" (b may be partial). */
			struct prim lo, hi;
			if (prim_parse(&lo, toks[i], strlen(toks[i])) < 0 ||
			    !lo.has_lo)
				return CF_EINVALID;
			char buf[170];
			snprintf(buf, sizeof(buf), "<=%s", toks[i + 2]);
			if (prim_parse(&hi, buf, strlen(buf)) < 0)
				return CF_EINVALID;
			memset(p, 0, sizeof(*p));
			p->has_lo = p->lo_incl = 1;
			p->lo = lo.lo;
			p->has_hi = hi.has_hi;
			p->hi_incl = hi.hi_incl;
			p->hi = hi.hi;
			i += 2;
		} else if (prim_parse(p, toks[i], strlen(toks[i])) < 0) {
			return CF_EINVALID;
		}
		has_pre |= p->lo.pre[0] || p->hi.pre[0];
		np++;
	}
	/* Pre-releases are excluded unless the group names one. */
	if (v->pre[0] && !has_pre)
		return 0;
	for (size_t i = 0; i < np; i++)
		if (!prim_match(&prims[i], v))
			return 0;
	return 1;
}

int cf_git_semver_match(const char *range, const char *version)
{
	struct sv v;
	int any = 0, err = 0;
	const char *s = range;

	if (!range || strlen(range) > 1024)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid semver range");
	if (sv_parse(&v, version, strlen(version), 0) < 0)
		return 0;
	for (;;) {
		const char *bar = strstr(s, "||");
		size_t len = bar ? (size_t)(bar - s) : strlen(s);
		int r = group_match(s, len, &v);
		if (r < 0)
			err = 1;
		else if (r > 0)
			any = 1;
		if (!bar)
			break;
		s = bar + 2;
	}
	if (err)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid semver range '%s'", range);
	return any;
}

/* ---- redaction ----------------------------------------------------- */

char *cf_git_redact_url(char *out, size_t n, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	/* Userinfo ends at the last '@', even one past a '/', '?' or '#'
	 * that a password may hold unencoded: losing the rare '@' of a path
	 * is better than printing half a password. */
	const char *at = strrchr(host, '@');
	cf_buf b = CF_BUF_INIT;

	cf_buf_add(&b, url, (size_t)(host - url));
	if (at)
		host = at + 1;
	cf_buf_add(&b, host, strcspn(host, "?#"));
	/* A rejected URL may hold control characters: keep them out of
	 * messages and logs. */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.buf[i] < 0x20 || b.buf[i] == 0x7f)
			b.buf[i] = '?';
	snprintf(out, n, "%s", b.buf);
	cf_buf_release(&b);
	return out;
}

/* ---- the git process ----------------------------------------------- */

struct gitctx {
	char tmp[PATH_MAX];     /* private HOME: keys, index */
	char *env[MAX_ENV];
	size_t nenv;
	const char *git;
	int timeout_ms;
	size_t max_out;
	const char *secrets[6]; /* strings never to print */
	cf_buf header_b64;      /* encoded basic credentials */
	cf_buf proxy_url;       /* the proxy with its credentials */
	int env_proxy;          /* the environment's proxies apply */
	char ca_path[PATH_MAX + 16], cert_path[PATH_MAX + 16],
	    key_path[PATH_MAX + 16]; /* PEM files in tmp */
	char url[1024];         /* redacted URL for messages */
	const char *input;      /* a file for git's stdin; NULL: /dev/null */
};

static void env_add(struct gitctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void env_add(struct gitctx *c, const char *fmt, ...)
{
	cf_buf b = CF_BUF_INIT;
	va_list ap;

	if (c->nenv + 1 >= MAX_ENV)
		CF_BUG("git environment overflow");
	va_start(ap, fmt);
	cf_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	c->env[c->nenv++] = cf_buf_detach(&b, NULL);
	c->env[c->nenv] = NULL;
}

/* Replace secrets and URL userinfo in text, in place. */
static void redact(const struct gitctx *c, cf_buf *text)
{
	cf_buf out = CF_BUF_INIT;
	const char *p = text->buf;

	while (*p) {
		int hit = 0;
		for (size_t i = 0; i < CF_ARRAY_SIZE(c->secrets); i++) {
			const char *s = c->secrets[i];
			size_t sl = s ? strlen(s) : 0;
			if (sl >= 3 && !strncmp(p, s, sl)) {
				cf_buf_adds(&out, "***");
				p += sl;
				hit = 1;
				break;
			}
		}
		if (hit)
			continue;
		if (!strncmp(p, "://", 3)) {
			/* drop "user:pass@" up to the host, with the last
			 * '@' of the URL as cf_git_redact_url does */
			const char *h = p + 3, *q = h, *at = NULL;
			while (*q && !strchr(" \t\n'\"", *q)) {
				if (*q == '@')
					at = q;
				q++;
			}
			cf_buf_adds(&out, "://");
			p = at ? at + 1 : h;
			continue;
		}
		cf_buf_addch(&out, *p++);
	}
	cf_buf_release(text);
	*text = out;
}

static int safe_path_chars(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("/._-", *s))
			return 0;
	return 1;
}

static int write_secret_file(const char *dir, const char *name,
    const char *data)
{
	cf_buf path = CF_BUF_INIT;
	size_t len = strlen(data);
	int fd, error = 0;

	cf_buf_addf(&path, "%s/%s", dir, name);
	fd = open(path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		error = cf_error_os("creating %s file", name);
		goto done;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			error = cf_error_os("writing %s file", name);
			break;
		}
		off += (size_t)w;
	}
	/* ssh wants a trailing newline after the key */
	if (!error && len && data[len - 1] != '\n' && write(fd, "\n", 1) != 1)
		error = cf_error_os("writing %s file", name);
	close(fd);
done:
	cf_buf_release(&path);
	return error;
}

static void rm_tmp(const char *dir)
{
	static const char *const files[] = { "identity", "known_hosts",
		"index", "index.lock", "ca.crt", "tls.crt", "tls.key",
		"input" };
	char p[PATH_MAX + 32];

	if (!dir[0])
		return;
	for (size_t i = 0; i < CF_ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void ctx_release(struct gitctx *c)
{
	for (size_t i = 0; i < c->nenv; i++)
		free(c->env[i]);
	cf_buf_release(&c->header_b64);
	if (c->proxy_url.buf)
		explicit_bzero(c->proxy_url.buf, c->proxy_url.len);
	cf_buf_release(&c->proxy_url);
	rm_tmp(c->tmp);
	c->tmp[0] = '\0';
}

static int check_url(const char *url, const char *allowed)
{
	if (!url || url[0] == '-' || strlen(url) > 2048)
		return 0;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p < 0x21 || *p == 0x7f)
			return 0;
	const char *sep = strstr(url, "://");
	if (!sep || sep == url)
		return 0;
	/* the scheme must be on the allowlist */
	size_t sl = (size_t)(sep - url);
	for (const char *a = allowed; *a;) {
		size_t al = strcspn(a, ":");
		if (al == sl && !strncmp(a, url, sl))
			return 1;
		a += al + (a[al] == ':');
	}
	return 0;
}

/* ---- TLS material and proxies ---- */

/* The CA bundle, client certificate and key as 0600 files in the private
 * directory, for http.sslCAInfo/sslCert/sslKey: git reads them from
 * files only, and files there are as private as the SSH key. A path is
 * set once its file is written; empty PEM counts as none. */
static int tls_files(struct gitctx *c, const cf_git_auth *a)
{
	int has_cert = a && a->cert_pem && *a->cert_pem;
	int error = 0;

	if (!a)
		return 0;
	if (has_cert != (a->key_pem && *a->key_pem))
		return cf_error_setc(CF_EINVALID, CF_ERR_GIT, "a client "
		    "certificate needs its key and a key its certificate");
	if (a->ca_pem && *a->ca_pem) {
		if ((error = write_secret_file(c->tmp, "ca.crt", a->ca_pem)))
			return error;
		snprintf(c->ca_path, sizeof(c->ca_path), "%s/ca.crt", c->tmp);
	}
	if (has_cert) {
		if ((error = write_secret_file(c->tmp, "tls.crt",
		    a->cert_pem)) ||
		    (error = write_secret_file(c->tmp, "tls.key", a->key_pem)))
			return error;
		snprintf(c->cert_path, sizeof(c->cert_path), "%s/tls.crt",
		    c->tmp);
		snprintf(c->key_path, sizeof(c->key_path), "%s/tls.key", c->tmp);
	}
	return 0;
}

static int has_scheme(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);

	return !strncasecmp(url, scheme, n) && !strncmp(url + n, "://", 3);
}

/* The proxy URL for git and curl: the address with the credentials put
 * in percent-encoded (they replace any the address holds). The address
 * is checked here too, whoever read it: http, https or socks5 (Flux's
 * set), no control characters. */
static int proxy_init(struct gitctx *c, const char *url, const cf_git_opts *o)
{
	const char *p = o->proxy, *host;
	size_t hl;

	if (!p)
		return 0;
	if ((!has_scheme(p, "http") && !has_scheme(p, "https") &&
	    !has_scheme(p, "socks5")) || strlen(p) > 2048 ||
	    !check_url(p, "http:https:socks5:HTTP:HTTPS:SOCKS5"))
		return cf_error_setc(CF_EINVALID, CF_ERR_GIT, "invalid proxy "
		    "address: want an http://, https:// or socks5:// URL");
	if (url && (has_scheme(url, "ssh") || strstr(url, "+ssh://")))
		return cf_error_setc(CF_EINVALID, CF_ERR_GIT, "'%s': a proxy "
		    "is supported for http:// and https:// URLs only", c->url);
	host = strstr(p, "://") + 3;
	hl = strcspn(host, "/?#");
	cf_buf_add(&c->proxy_url, p, (size_t)(host - p));
	if (o->proxy_username && *o->proxy_username) {
		const char *at = host;

		/* the last '@' of the authority ends the userinfo */
		for (size_t i = 0; i < hl; i++)
			if (host[i] == '@')
				at = host + i + 1;
		hl -= (size_t)(at - host);
		host = at;
		cf_http_add_escaped(&c->proxy_url, o->proxy_username);
		/* "user:" even without a password: git would ask for one */
		cf_buf_addch(&c->proxy_url, ':');
		if (o->proxy_password)
			cf_http_add_escaped(&c->proxy_url, o->proxy_password);
		cf_buf_addch(&c->proxy_url, '@');
	}
	cf_buf_add(&c->proxy_url, host, hl);
	return 0;
}

/* No control characters or spaces: a variable to pass on as it is. */
static int plain_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || *s == 0x7f)
			return 0;
	return 1;
}

/* With no proxy of its own, git uses the daemon's proxy variables the
 * way Flux's Go client does: upper case first, loopback never proxied
 * (curl's no_proxy takes CIDR ranges). Lower-case names, as curl reads
 * http_proxy only in lower case. */
static void env_proxies(struct gitctx *c)
{
	static const char *const names[][2] = { { "HTTP_PROXY", "http_proxy" },
		{ "HTTPS_PROXY", "https_proxy" }, { "ALL_PROXY", "all_proxy" } };
	const char *no = getenv("NO_PROXY");

	for (size_t i = 0; i < CF_ARRAY_SIZE(names); i++) {
		const char *v = getenv(names[i][0]);

		if (!v || !*v)
			v = getenv(names[i][1]);
		if (!v || !*v || strlen(v) > 2048 || !plain_value(v))
			continue;
		env_add(c, "%s=%s", names[i][1], v);
		c->env_proxy = 1;
	}
	if (!c->env_proxy)
		return;
	if (!no || !*no)
		no = getenv("no_proxy");
	if (no && (strlen(no) > 4096 || strpbrk(no, "\t\r\n")))
		no = NULL;
	env_add(c, "no_proxy=%s%slocalhost,127.0.0.0/8,::1", no ? no : "",
	    no && *no ? "," : "");
}

/* Set up the private directory and the environment for one operation. */
static int ctx_init(struct gitctx *c, const char *url, const cf_git_opts *o)
{
	static const cf_git_opts zero;
	const cf_git_auth *a;
	const char *base = getenv("TMPDIR");
	const char *allow;
	struct {
		const char *k, *v;
	} cfg[16];
	size_t ncfg = 0;
	int error;

	memset(c, 0, sizeof(*c));
	c->header_b64 = (cf_buf)CF_BUF_INIT;
	c->proxy_url = (cf_buf)CF_BUF_INIT;
	if (!o)
		o = &zero;
	a = o->auth;
	allow = o->allow_protocols ? o->allow_protocols : DEFAULT_PROTOCOLS;
	c->git = o->git_path ? o->git_path : "/usr/bin/git";
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->max_out = o->max_output ? o->max_output : DEFAULT_MAX_OUTPUT;
	if (a) {
		c->secrets[0] = a->password;
		c->secrets[1] = a->bearer_token;
	}
	c->secrets[3] = o->proxy_password;
	if (url) {
		cf_git_redact_url(c->url, sizeof(c->url), url);
		if (!check_url(url, allow))
			return cf_error_setc(CF_EINVALID, CF_ERR_GIT,
			    "invalid or disallowed URL '%s'", c->url);
	}
	if ((error = proxy_init(c, url, o)) < 0)
		return error;
	if (!base || !base[0] || !safe_path_chars(base) ||
	    strlen(base) > PATH_MAX - 32)
		base = "/tmp";
	snprintf(c->tmp, sizeof(c->tmp), "%s/cfgit.XXXXXX", base);
	if (!mkdtemp(c->tmp)) {
		c->tmp[0] = '\0';
		return cf_error_os("creating git home");
	}

	env_add(c, "PATH=/usr/bin:/bin");
	env_add(c, "HOME=%s", c->tmp);
	env_add(c, "XDG_CONFIG_HOME=%s", c->tmp);
	env_add(c, "GIT_CONFIG_NOSYSTEM=1");
	env_add(c, "GIT_CONFIG_GLOBAL=/dev/null");
	env_add(c, "GIT_TERMINAL_PROMPT=0");
	env_add(c, "GIT_ASKPASS=");
	env_add(c, "SSH_ASKPASS=");
	env_add(c, "GIT_ALLOW_PROTOCOL=%s", allow);
	env_add(c, "GIT_CEILING_DIRECTORIES=/");
	env_add(c, "GIT_NO_REPLACE_OBJECTS=1");
	env_add(c, "GIT_LITERAL_PATHSPECS=1");
	env_add(c, "LANG=C");
	env_add(c, "LC_ALL=C");
	if (o->index_file)
		env_add(c, "GIT_INDEX_FILE=%s", o->index_file);
	else
		env_add(c, "GIT_INDEX_FILE=%s/index", c->tmp);
	if (!o->proxy)
		env_proxies(c);

	/* Configuration that would otherwise come from files. */
	cfg[ncfg].k = "credential.helper", cfg[ncfg++].v = "";
	cfg[ncfg].k = "core.hooksPath", cfg[ncfg++].v = "/dev/null";
	cfg[ncfg].k = "core.fsmonitor", cfg[ncfg++].v = "false";
	cfg[ncfg].k = "protocol.version", cfg[ncfg++].v = "2";
	cfg[ncfg].k = "transfer.fsckObjects", cfg[ncfg++].v = "true";
	cfg[ncfg].k = "advice.detachedHead", cfg[ncfg++].v = "false";
	if (a && a->bearer_token && a->bearer_token[0]) {
		cf_buf_addf(&c->header_b64, "Authorization: Bearer %s",
		    a->bearer_token);
		cfg[ncfg].k = "http.extraHeader", cfg[ncfg++].v = c->header_b64.buf;
	} else if (a && a->username && a->password) {
		cf_buf up = CF_BUF_INIT;
		cf_buf_addf(&up, "%s:%s", a->username, a->password);
		cf_buf_adds(&c->header_b64, "Authorization: Basic ");
		cf_base64_encode(&c->header_b64, up.buf, up.len, false);
		cf_buf_release(&up);
		c->secrets[2] = c->header_b64.buf + strlen("Authorization: Basic ");
		cfg[ncfg].k = "http.extraHeader", cfg[ncfg++].v = c->header_b64.buf;
	}
	if (url && (error = tls_files(c, a)) < 0)
		return error;
	if (c->ca_path[0])
		cfg[ncfg].k = "http.sslCAInfo", cfg[ncfg++].v = c->ca_path;
	if (c->cert_path[0]) {
		cfg[ncfg].k = "http.sslCert", cfg[ncfg++].v = c->cert_path;
		cfg[ncfg].k = "http.sslKey", cfg[ncfg++].v = c->key_path;
	}
	if (c->proxy_url.len)
		cfg[ncfg].k = "http.proxy", cfg[ncfg++].v = c->proxy_url.buf;
	env_add(c, "GIT_CONFIG_COUNT=%zu", ncfg);
	for (size_t i = 0; i < ncfg; i++) {
		env_add(c, "GIT_CONFIG_KEY_%zu=%s", i, cfg[i].k);
		env_add(c, "GIT_CONFIG_VALUE_%zu=%s", i, cfg[i].v);
	}

	/* git runs GIT_SSH_COMMAND through sh; it holds only our own paths,
	 * checked above to be shell-safe, never tenant input. */
	if (a && a->identity &&
	    (error = write_secret_file(c->tmp, "identity", a->identity)) < 0)
		return error;
	if (a && a->known_hosts &&
	    (error = write_secret_file(c->tmp, "known_hosts",
	         a->known_hosts)) < 0)
		return error;
	env_add(c, "GIT_SSH_VARIANT=ssh");
	env_add(c, "GIT_SSH_COMMAND=ssh -F /dev/null -o BatchMode=yes "
	    "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=%s%s "
	    "-o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes "
	    "-o IdentityAgent=none -o ConnectTimeout=%d%s%s",
	    a && a->known_hosts ? c->tmp : "/dev/null",
	    a && a->known_hosts ? "/known_hosts" : "",
	    c->timeout_ms / 1000 + 1,
	    a && a->identity ? " -i " : "",
	    a && a->identity ? c->tmp : "");
	if (a && a->identity) {
		/* append "/identity" to the -i path */
		char *last = c->env[c->nenv - 1];
		size_t l = strlen(last);
		c->env[c->nenv - 1] = cf_xrealloc(last, l + sizeof("/identity"));
		memcpy(c->env[c->nenv - 1] + l, "/identity", sizeof("/identity"));
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run git with args (argv[0] excluded, NULL-terminated). stdout goes to out
 * (capped), stderr to err (first 64 KiB). Returns the exit status (>= 0),
 * CF_ETIMEOUT, CF_ETOOLARGE or CF_ERROR. */
static int run_git(struct gitctx *c, cf_buf *out, cf_buf *err,
    const char *const *args)
{
	const char *argv[64];
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, devnull = -1;
	size_t na = 0;
	pid_t pid;
	int status = 0, result = 0;
	int64_t deadline;

	argv[na++] = "git";
	for (; *args; args++) {
		if (na + 1 >= CF_ARRAY_SIZE(argv))
			CF_BUG("too many git arguments");
		argv[na++] = *args;
	}
	argv[na] = NULL;
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0 ||
	    (devnull = open(c->input ? c->input : "/dev/null",
	    O_RDONLY | O_CLOEXEC)) < 0) {
		result = cf_error_os("starting git");
		goto done;
	}
	/* posix_spawn, not fork: glibc starts the child with vfork
	 * semantics, without copying the daemon's page tables (a fork of
	 * the whole process costs several ms per git command). The child
	 * gets what a forked one would set up by hand: its own process group,
	 * no blocked signals, SIGPIPE at default, the pipes as 0-2, no
	 * other descriptor, the private directory as working directory. */
	{
		posix_spawn_file_actions_t fa;
		posix_spawnattr_t at;
		sigset_t none, def;
		int rc;

		sigemptyset(&none);
		sigemptyset(&def);
		sigaddset(&def, SIGPIPE);
		posix_spawnattr_init(&at);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
		    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
		posix_spawnattr_setpgroup(&at, 0);
		posix_spawnattr_setsigmask(&at, &none);
		posix_spawnattr_setsigdefault(&at, &def);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
		posix_spawn_file_actions_adddup2(&fa, po[1], 1);
		posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
		posix_spawn_file_actions_addclosefrom_np(&fa, 3);
		posix_spawn_file_actions_addchdir_np(&fa, c->tmp);
		rc = posix_spawn(&pid, c->git, &fa, &at, (char *const *)argv,
		    c->env);
		posix_spawn_file_actions_destroy(&fa);
		posix_spawnattr_destroy(&at);
		if (rc) {
			errno = rc;
			result = cf_error_os("starting git");
			goto done;
		}
	}
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	deadline = now_ms() + c->timeout_ms;
	{
		struct pollfd pf[2] = { { po[0], POLLIN, 0 },
			{ pe[0], POLLIN, 0 } };
		int open_n = 2;
		char buf[16384];
		while (open_n > 0) {
			int64_t left = deadline - now_ms();
			if (left <= 0) {
				result = CF_ETIMEOUT;
				break;
			}
			int r = poll(pf, 2, (int)(left > 1000 ? 1000 : left));
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				result = cf_error_os("waiting for git");
				break;
			}
			for (int i = 0; i < 2; i++) {
				if (pf[i].fd < 0 || !pf[i].revents)
					continue;
				ssize_t n = read(pf[i].fd, buf, sizeof(buf));
				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0) {
					pf[i].fd = -1;
					open_n--;
					continue;
				}
				if (i == 0) {
					if (out->len + (size_t)n > c->max_out) {
						result = CF_ETOOLARGE;
						break;
					}
					cf_buf_add(out, buf, (size_t)n);
				} else if (err->len < STDERR_MAX) {
					size_t room = STDERR_MAX - err->len;
					cf_buf_add(err, buf, (size_t)n < room ?
					    (size_t)n : room);
				}
			}
			if (result)
				break;
		}
	}
	if (result) /* the whole group: git spawns ssh and remote helpers */
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!result)
		result = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
done:
	if (po[0] >= 0)
		close(po[0]);
	if (po[1] >= 0)
		close(po[1]);
	if (pe[0] >= 0)
		close(pe[0]);
	if (pe[1] >= 0)
		close(pe[1]);
	if (devnull >= 0)
		close(devnull);
	return result;
}

/* Turn git's stderr into one clean message naming the cause. */
static int classify(struct gitctx *c, const char *what, int rc, cf_buf *err)
{
	static const struct {
		const char *needle;
		int code;
		const char *cause;
	} causes[] = {
		/* Proxies first: a proxy's refusal also reads as a 401. */
		{ "CONNECT tunnel failed, response 40", CF_EFORBIDDEN,
		  "proxy authentication failed" },
		{ "returned error: 407", CF_EFORBIDDEN,
		  "proxy authentication failed" },
		{ "Unsupported proxy syntax", CF_EINVALID,
		  "invalid proxy address" },
		{ "Could not resolve proxy", CF_ERROR, "proxy unreachable" },
		{ "connection to proxy closed", CF_ERROR, "proxy unreachable" },
		{ "SOCKS", CF_ERROR, "the SOCKS proxy refused or failed" },
		/* TLS, as curl words it with GnuTLS and with OpenSSL */
		{ "server certificate verification failed", CF_ERROR,
		  "TLS: server certificate verification failed (not signed "
		  "by a trusted CA, see ca.crt)" },
		{ "SSL certificate problem", CF_ERROR,
		  "TLS: server certificate verification failed (not signed "
		  "by a trusted CA, see ca.crt)" },
		{ "no alternative certificate subject name matches", CF_ERROR,
		  "TLS: the server certificate is not valid for this host" },
		{ "does not match target host name", CF_ERROR,
		  "TLS: the server certificate is not valid for this host" },
		{ "could not load PEM client certificate", CF_EINVALID,
		  "TLS: cannot load the client certificate (tls.crt)" },
		{ "unable to set private key file", CF_EINVALID,
		  "TLS: cannot load the client key (tls.key)" },
		{ "error reading X.509 key or certificate file", CF_EINVALID,
		  "TLS: cannot load the client certificate or key "
		  "(tls.crt, tls.key)" },
		{ "A TLS fatal alert has been received", CF_ERROR,
		  "TLS: the server refused the handshake (a client "
		  "certificate may be required)" },
		{ "alert certificate required", CF_ERROR,
		  "TLS: the server requires a client certificate" },
		{ "alert handshake failure", CF_ERROR,
		  "TLS: the server refused the handshake (a client "
		  "certificate may be required)" },
		{ "Host key verification failed", CF_EFORBIDDEN,
		  "host key verification failed (known_hosts mismatch)" },
		{ "REMOTE HOST IDENTIFICATION HAS CHANGED", CF_EFORBIDDEN,
		  "host key verification failed (known_hosts mismatch)" },
		{ "Authentication failed", CF_EFORBIDDEN, "authentication failed" },
		{ "Permission denied (", CF_EFORBIDDEN, "authentication failed" },
		{ "could not read Username", CF_EFORBIDDEN,
		  "authentication failed" },
		{ "could not read Password", CF_EFORBIDDEN,
		  "authentication failed" },
		{ "returned error: 401", CF_EFORBIDDEN, "authentication failed" },
		{ "returned error: 403", CF_EFORBIDDEN, "authentication failed" },
		{ "couldn't find remote ref", CF_ENOTFOUND, "ref not found" },
		{ "not our ref", CF_ENOTFOUND, "ref not found" },
		{ "did not match any file", CF_ENOTFOUND, "path not found" },
		{ "returned error: 404", CF_ENOTFOUND, "repository not found" },
		/* smart HTTP's 404, and a local path that is not there */
		{ "fatal: repository '", CF_ENOTFOUND, "repository not found" },
		{ "Repository not found", CF_ENOTFOUND, "repository not found" },
		{ "does not appear to be a git repository", CF_ENOTFOUND,
		  "repository not found" },
		{ "' not allowed", CF_EFORBIDDEN, "protocol not allowed" },
		{ "URL using bad/illegal format", CF_EINVALID, "malformed URL" },
		{ "Could not resolve host", CF_ERROR, "unreachable" },
		{ "Connection refused", CF_ERROR, "unreachable" },
		{ "Failed to connect", CF_ERROR, "unreachable" },
		{ "Connection timed out", CF_ERROR, "unreachable" },
		{ "Network is unreachable", CF_ERROR, "unreachable" },
		{ "Could not read from remote repository", CF_ERROR,
		  "unreachable" },
	};

	if (rc == CF_ETIMEOUT)
		return cf_error_setc(CF_ETIMEOUT, CF_ERR_GIT,
		    "%s '%s': timeout after %d s", what, c->url,
		    (c->timeout_ms + 999) / 1000);
	if (rc == CF_ETOOLARGE)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_GIT,
		    "%s '%s': output exceeds %zu bytes", what, c->url,
		    c->max_out);
	if (rc < 0)
		return cf_error_wrap("%s '%s'", what, c->url);
	for (size_t i = 0; i < CF_ARRAY_SIZE(causes); i++)
		if (strstr(err->buf, causes[i].needle))
			return cf_error_setc(causes[i].code, CF_ERR_GIT,
			    "%s '%s': %s", what, c->url, causes[i].cause);
	/* Unknown: the first fatal/error line, redacted. */
	redact(c, err);
	const char *line = strstr(err->buf, "fatal: ");
	if (!line)
		line = strstr(err->buf, "error: ");
	if (!line)
		line = err->buf;
	int ll = (int)strcspn(line, "\n");
	return cf_error_setc(CF_ERROR, CF_ERR_GIT, "%s '%s': %.*s", what,
	    c->url, ll > 300 ? 300 : ll, ll ? line : "git failed");
}

/* Run and classify: 0 or a negative CF_* code with the message set. */
static int git_do(struct gitctx *c, cf_buf *out, const char *what,
    const char *const *args)
{
	cf_buf err = CF_BUF_INIT, sink = CF_BUF_INIT;
	int rc = run_git(c, out ? out : &sink, &err, args);
	if (rc != 0)
		rc = classify(c, what, rc, &err);
	cf_buf_release(&err);
	cf_buf_release(&sink);
	return rc;
}

/* ---- refs ------------------------------------------------------------ */

static int is_hex40(const char *s)
{
	if (!s || strlen(s) != 40)
		return 0;
	for (; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return 0;
	return 1;
}

/* A ref component we pass to git: no options, no ranges, no control
 * characters; git check-ref-format rules are enforced by git itself. */
static int check_refname(const char *s)
{
	if (!s || !*s || *s == '-' || strlen(s) > 200 || strstr(s, ".."))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x21 || strchr("~^:?*[\\", *s))
			return 0;
	return 1;
}

void cf_git_revision(char *out, size_t n, const char *refname,
    const char *commit, int full)
{
	const char *shortname = refname;

	if (!refname || !*refname) {
		snprintf(out, n, "sha1:%s", commit);
		return;
	}
	if (!full) {
		/* strip the first two path segments: refs/heads/ */
		const char *a = strchr(refname, '/');
		const char *b = a ? strchr(a + 1, '/') : NULL;
		if (b)
			shortname = b + 1;
	}
	snprintf(out, n, "%s@sha1:%s", shortname, commit);
}

/* The full ref to fetch for branch/tag/name; "" for semver/commit. */
static int wanted_ref(char *out, size_t n, const cf_git_ref *r)
{
	const char *branch = r && r->branch && *r->branch ? r->branch : NULL;

	out[0] = '\0';
	if (r && r->commit && *r->commit) {
		if (!is_hex40(r->commit))
			return cf_error_setc(CF_EINVALID, CF_ERR_GIT,
			    "invalid commit '%.64s'", r->commit);
		if (branch && !check_refname(branch))
			goto bad;
		if (branch)
			snprintf(out, n, "refs/heads/%s", branch);
		return 0;
	}
	if (r && r->name && *r->name) {
		if (!check_refname(r->name) || strncmp(r->name, "refs/", 5))
			goto bad;
		snprintf(out, n, "%s", r->name);
		return 0;
	}
	if (r && r->semver && *r->semver)
		return 0;
	if (r && r->tag && *r->tag) {
		if (!check_refname(r->tag))
			goto bad;
		snprintf(out, n, "refs/tags/%s", r->tag);
		return 0;
	}
	if (branch && !check_refname(branch))
		goto bad;
	snprintf(out, n, "refs/heads/%s", branch ? branch : "master");
	return 0;
bad:
	return cf_error_setc(CF_EINVALID, CF_ERR_GIT, "invalid ref name");
}

/* Parse ls-remote output and find refname (peeled if annotated). */
static int find_in_listing(char commit[41], const char *listing,
    const char *refname)
{
	const char *p = listing;
	size_t rl = strlen(refname);
	int found = 0;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > 41 && p[40] == '\t') {
			const char *name = p + 41;
			size_t nlen = ll - 41;
			if (nlen == rl && !strncmp(name, refname, rl) && !found) {
				memcpy(commit, p, 40);
				commit[40] = '\0';
				found = 1;
			} else if (nlen == rl + 3 && !strncmp(name, refname, rl) &&
			    !strncmp(name + rl, "^{}", 3)) {
				memcpy(commit, p, 40); /* peeled wins */
				commit[40] = '\0';
				found = 1;
			}
		}
		p += ll + (nl ? 1 : 0);
	}
	return found;
}

/* Highest tag matching range in a "refs/tags" listing. */
static int best_semver(char *tag, size_t n, char commit[41],
    const char *listing, const char *range)
{
	const char *p = listing;
	char best[256] = "";

	if (cf_git_semver_match(range, "0.0.0") < 0)
		return CF_EINVALID;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		if (ll > 51 && p[40] == '\t' && !strncmp(p + 41, "refs/tags/", 10)) {
			char name[256];
			size_t tl = ll - 51;
			if (tl < sizeof(name) &&
			    !(tl > 3 && !strncmp(p + 51 + tl - 3, "^{}", 3))) {
				memcpy(name, p + 51, tl);
				name[tl] = '\0';
				if (cf_git_semver_match(range, name) == 1 &&
				    (!best[0] ||
				        cf_git_semver_cmp(name, best) > 0))
					snprintf(best, sizeof(best), "%s", name);
			}
		}
		p += ll + (nl ? 1 : 0);
	}
	if (!best[0])
		return CF_ENOTFOUND;
	char ref[300];
	snprintf(ref, sizeof(ref), "refs/tags/%s", best);
	find_in_listing(commit, listing, ref);
	snprintf(tag, n, "%s", best);
	return 0;
}

static int ls_remote_ctx(struct gitctx *c, cf_git_resolved *out,
    const char *url, const cf_git_ref *ref)
{
	char want[256];
	cf_buf listing = CF_BUF_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = wanted_ref(want, sizeof(want), ref)) < 0)
		return error;
	if (ref && ref->commit && *ref->commit) {
		snprintf(out->commit, sizeof(out->commit), "%s", ref->commit);
		snprintf(out->refname, sizeof(out->refname), "%s", want);
		cf_git_revision(out->revision, sizeof(out->revision), want,
		    out->commit, 0);
		return 0;
	}
	if (ref && ref->semver && *ref->semver) {
		const char *args[] = { "ls-remote", "--tags", url, NULL };
		char tag[200];
		if ((error = git_do(c, &listing, "listing tags of", args)) < 0)
			goto done;
		error = best_semver(tag, sizeof(tag), out->commit, listing.buf,
		    ref->semver);
		if (error == CF_EINVALID)
			goto done; /* message set by the semver parser */
		if (error == CF_ENOTFOUND) {
			error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
			    "no tag of '%s' matches semver '%s'", c->url,
			    ref->semver);
			goto done;
		}
		snprintf(out->refname, sizeof(out->refname), "refs/tags/%s", tag);
	} else {
		/* ls-remote filters its output by pattern, and the peeled line
		 * of an annotated tag ("<ref>^{}") does not match "<ref>":
		 * ask for it by name, or we would report the tag object. */
		char peeled[sizeof(want) + 3];
		snprintf(peeled, sizeof(peeled), "%s^{}", want);
		const char *args[] = { "ls-remote", url, want, peeled, NULL };
		if ((error = git_do(c, &listing, "listing refs of", args)) < 0)
			goto done;
		if (!find_in_listing(out->commit, listing.buf, want)) {
			error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
			    "ref '%s' not found in '%s'", want, c->url);
			goto done;
		}
		snprintf(out->refname, sizeof(out->refname), "%s", want);
	}
	cf_git_revision(out->revision, sizeof(out->revision), out->refname,
	    out->commit, ref && ref->name && *ref->name);
done:
	cf_buf_release(&listing);
	return error;
}

/* The fast path of cf_git_ls_remote: a branch, tag or full ref name read
 * without a git process (gitrefs.h). 0 with *out filled, else < 0 and
 * the caller asks git. */
static int ls_remote_native(struct gitctx *c, cf_git_resolved *out,
    const char *url, const cf_git_ref *ref, const cf_git_opts *opts)
{
	char want[256];
	cf_buf listing = CF_BUF_INIT;
	int error;

	const cf_git_auth *a = opts ? opts->auth : NULL;
	cf_http *own = NULL;

	if (!opts || !opts->http || !ref || (ref->commit && *ref->commit) ||
	    (ref->semver && *ref->semver))
		return CF_ENOTFOUND;
	/* The environment's proxies come with no_proxy rules: git's job. */
	if (c->env_proxy && strncmp(url, "file://", 7))
		return CF_ENOTFOUND;
	memset(out, 0, sizeof(*out));
	if ((error = wanted_ref(want, sizeof(want), ref)) < 0)
		return error;
	/* The shared session trusts the system's CAs and goes direct; a
	 * repository with its own CA, client certificate or proxy gets a
	 * session of its own for this call, so none of it is pooled with
	 * connections of other repositories. */
	if (c->ca_path[0] || c->cert_path[0] || c->proxy_url.len) {
		cf_http_opts ho = { .proxy = c->proxy_url.len ?
		    c->proxy_url.buf : NULL, .timeout_ms = c->timeout_ms };

		/* tls_files wrote what is set and not empty */
		if (c->ca_path[0])
			ho.ca_pem = a->ca_pem, ho.ca_pem_len = strlen(a->ca_pem);
		if (c->cert_path[0]) {
			ho.cert_pem = a->cert_pem;
			ho.cert_pem_len = strlen(a->cert_pem);
			ho.key_pem = a->key_pem;
			ho.key_pem_len = strlen(a->key_pem);
		}
		if ((error = cf_http_new(&own, &ho)) < 0)
			return error;
	}
	error = cf_gitrefs_list(&listing, own ? own : opts->http, url, want,
	    c->header_b64.len ? c->header_b64.buf : NULL);
	cf_http_free(own);
	if (!error && !find_in_listing(out->commit, listing.buf, want))
		error = CF_ENOTFOUND;
	cf_buf_release(&listing);
	if (error < 0)
		return error;
	snprintf(out->refname, sizeof(out->refname), "%s", want);
	cf_git_revision(out->revision, sizeof(out->revision), out->refname,
	    out->commit, ref->name && *ref->name);
	return 0;
}

int cf_git_ls_remote(cf_git_resolved *out, const char *url,
    const cf_git_ref *ref, const cf_git_opts *opts)
{
	struct gitctx c;
	int error = ctx_init(&c, url, opts);
	if (!error && ls_remote_native(&c, out, url, ref, opts) < 0) {
		cf_error_clear();
		error = ls_remote_ctx(&c, out, url, ref);
	}
	ctx_release(&c);
	return error;
}

/* ---- mirror ---------------------------------------------------------- */

static int ensure_mirror(struct gitctx *c, const char *mirror)
{
	cf_buf head = CF_BUF_INIT, tmp = CF_BUF_INIT, parent = CF_BUF_INIT;
	struct stat st;
	int error = 0;

	cf_buf_addf(&head, "%s/HEAD", mirror);
	if (stat(head.buf, &st) == 0)
		goto done;
	/* Initialise beside the target and rename, so a crash never leaves
	 * a half-made mirror that later fetches would trust. */
	const char *sl = strrchr(mirror, '/');
	if (sl && sl != mirror) {
		cf_buf_add(&parent, mirror, (size_t)(sl - mirror));
		if ((error = cf_fs_mkdirs(parent.buf)) < 0)
			goto done;
	}
	cf_buf_addf(&tmp, "%s.tmp-XXXXXX", mirror);
	if (!mkdtemp(tmp.buf)) {
		error = cf_error_os("creating mirror");
		goto done;
	}
	const char *args[] = { "init", "--bare", "--quiet", "--template=",
		tmp.buf, NULL };
	if ((error = git_do(c, NULL, "initialising mirror for", args)) < 0)
		goto done;
	if (rename(tmp.buf, mirror) < 0)
		error = cf_error_os("publishing mirror");
done:
	cf_buf_release(&head);
	cf_buf_release(&tmp);
	cf_buf_release(&parent);
	return error;
}

static int rev_parse(struct gitctx *c, char commit[41], const char *gitdir_arg,
    const char *rev)
{
	cf_buf out = CF_BUF_INIT, spec = CF_BUF_INIT;
	int error;

	cf_buf_addf(&spec, "%s^{commit}", rev);
	const char *args[] = { gitdir_arg, "rev-parse", "--verify", "--quiet",
		"--end-of-options", spec.buf, NULL };
	error = git_do(c, &out, "resolving revision in mirror of", args);
	if (!error && (out.len < 40 || !is_hex40((out.buf[40] = 0, out.buf))))
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
		    "revision '%s' not found", rev);
	if (!error)
		memcpy(commit, out.buf, 41);
	cf_buf_release(&out);
	cf_buf_release(&spec);
	return error;
}

static int fetch_submodules(struct gitctx *c, const char *gd,
    const char *mirror, const char *url, const char *commit,
    const cf_git_opts *opts, int depth);
static int export_submodules(struct gitctx *c, const char *gd,
    const char *mirror, const char *commit, const char *dest,
    const char *const *sparse, size_t nsparse, const cf_git_opts *opts,
    int depth);

/* cf_git_fetch at submodule nesting level depth (0: the source itself). */
static int fetch_at(cf_git_resolved *out, const char *mirror, const char *url,
    const cf_git_ref *ref, const cf_git_opts *opts, int depth)
{
	struct gitctx c;
	cf_buf gd = CF_BUF_INIT, spec = CF_BUF_INIT, shallow = CF_BUF_INIT;
	char want[256];
	int error, pinned = ref && ref->commit && *ref->commit;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if ((error = ctx_init(&c, url, opts)) < 0)
		goto done;
	if ((error = wanted_ref(want, sizeof(want), ref)) < 0)
		goto done;
	if ((error = ensure_mirror(&c, mirror)) < 0)
		goto done;
	cf_buf_addf(&gd, "--git-dir=%s", mirror);
	cf_buf_addf(&shallow, "%s/shallow", mirror);

	if (ref && ref->semver && *ref->semver) {
		/* Pick the tag from the remote listing, then fetch it. */
		cf_git_resolved r;
		if ((error = ls_remote_ctx(&c, &r, url, ref)) < 0)
			goto done;
		snprintf(want, sizeof(want), "%s", r.refname);
	}
	if (want[0] && !pinned) {
		/* Depth 1 every time: with our old tip as a "have" the server
		 * sends only the new commit's new objects (a force-push too).
		 * No FETCH_HEAD (nobody reads it) and no forced-update walk.
		 * A branch whose tip the caller has just listed is fetched by
		 * id: the server then skips its ref listing. */
		const char *args[] = { gd.buf, "fetch", "--quiet", "--no-tags",
			"--no-write-fetch-head", "--no-show-forced-updates",
			"--depth=1", "--end-of-options", url, spec.buf, NULL };
		const char *tip = opts ? opts->tip : NULL;

		if (tip && is_hex40(tip) && !strncmp(want, "refs/heads/", 11)) {
			cf_buf_addf(&spec, "+%s:%s", tip, want);
			args[9] = spec.buf;
			error = git_do(&c, NULL, "fetching", args);
			if (!error) {
				memcpy(out->commit, tip, 41);
				goto fetched;
			}
			if (error == CF_EFORBIDDEN || error == CF_ETIMEOUT)
				goto fixmsg;
			cf_buf_reset(&spec);
		}
		cf_buf_addf(&spec, "+%s:%s", want, want);
		args[9] = spec.buf;
		if ((error = git_do(&c, NULL, "fetching", args)) < 0)
			goto fixmsg;
		if ((error = rev_parse(&c, out->commit, gd.buf, want)) < 0)
			goto done;
	} else {
		/* A pinned commit: fetch its branch's history (or the commit
		 * itself), then require the object. */
		int have = rev_parse(&c, out->commit, gd.buf, ref->commit) == 0;
		if (!have && want[0]) {
			cf_buf_addf(&spec, "+%s:%s", want, want);
			const char *args[] = { gd.buf, "fetch", "--quiet",
				"--no-tags", stat(shallow.buf, &st) == 0 ?
				"--unshallow" : "--quiet", "--end-of-options",
				url, spec.buf, NULL };
			if ((error = git_do(&c, NULL, "fetching", args)) < 0)
				goto fixmsg;
			have = rev_parse(&c, out->commit, gd.buf,
			    ref->commit) == 0;
		}
		if (!have) {
			cf_buf_reset(&spec);
			cf_buf_addf(&spec, "+%s:refs/cflux/pinned", ref->commit);
			const char *args[] = { gd.buf, "fetch", "--quiet",
				"--no-tags", "--depth=1", "--end-of-options",
				url, spec.buf, NULL };
			if ((error = git_do(&c, NULL, "fetching", args)) < 0) {
				if (error == CF_ENOTFOUND || error == CF_ERROR)
					error = cf_error_setc(CF_ENOTFOUND,
					    CF_ERR_GIT,
					    "commit '%s' not found in '%s'",
					    ref->commit, c.url);
				goto done;
			}
		}
		if ((error = rev_parse(&c, out->commit, gd.buf,
		         ref->commit)) < 0)
			goto done;
	}
fetched:
	snprintf(out->refname, sizeof(out->refname), "%s", want);
	cf_git_revision(out->revision, sizeof(out->revision), want,
	    out->commit, ref && ref->name && *ref->name);
	if (opts && opts->recurse_submodules)
		error = fetch_submodules(&c, gd.buf, mirror, url, out->commit,
		    opts, depth);
	goto done;
fixmsg:
	/* Name the ref in "ref not found" messages (Flux's wording). */
	if (error == CF_ENOTFOUND &&
	    strstr(cf_error_msg(), ": ref not found"))
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
		    "ref '%s' not found in '%s'", want, c.url);
done:
	ctx_release(&c);
	cf_buf_release(&gd);
	cf_buf_release(&spec);
	cf_buf_release(&shallow);
	return error;
}

int cf_git_fetch(cf_git_resolved *out, const char *mirror, const char *url,
    const cf_git_ref *ref, const cf_git_opts *opts)
{
	return fetch_at(out, mirror, url, ref, opts, 0);
}

static int check_sparse(const char *p)
{
	if (!p || !*p || *p == '/' || *p == '-' || strlen(p) > 1024)
		return 0;
	for (const char *s = p; *s;) {
		size_t l = strcspn(s, "/");
		if ((l == 2 && !strncmp(s, "..", 2)) || (l == 1 && *s == '.'))
			return 0;
		s += l + (s[l] == '/');
	}
	for (; *p; p++)
		if ((unsigned char)*p < 0x20)
			return 0;
	return 1;
}

static int export_at(const char *mirror, const char *commit, const char *dest,
    const char *const *sparse, size_t nsparse, const cf_git_opts *opts,
    int depth)
{
	struct gitctx c;
	cf_buf gd = CF_BUF_INIT, wt = CF_BUF_INIT;
	const char *args[64];
	size_t na = 0;
	int error;

	if ((error = ctx_init(&c, NULL, opts)) < 0)
		goto done;
	snprintf(c.url, sizeof(c.url), "%s", "mirror");
	if (!is_hex40(commit)) {
		error = cf_error_setc(CF_EINVALID, CF_ERR_GIT,
		    "invalid commit '%.64s'", commit);
		goto done;
	}
	if (nsparse > 32) {
		error = cf_error_setc(CF_ETOOLARGE, CF_ERR_GIT,
		    "too many sparse checkout directories");
		goto done;
	}
	if ((error = cf_fs_mkdirs(dest)) < 0)
		goto done;
	cf_buf_addf(&gd, "--git-dir=%s", mirror);
	cf_buf_addf(&wt, "--work-tree=%s", dest);
	args[na++] = gd.buf;
	args[na++] = wt.buf;
	args[na++] = "checkout";
	args[na++] = "--quiet";
	args[na++] = "--force";
	args[na++] = commit;
	args[na++] = "--";
	if (!nsparse)
		args[na++] = ".";
	for (size_t i = 0; i < nsparse; i++) {
		if (!check_sparse(sparse[i])) {
			error = cf_error_setc(CF_EINVALID, CF_ERR_GIT,
			    "invalid sparse checkout path '%.200s'", sparse[i]);
			goto done;
		}
		args[na++] = sparse[i];
	}
	args[na] = NULL;
	if ((error = git_do(&c, NULL, "checking out", args)) == CF_ENOTFOUND)
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
		    "sparse checkout directory not found in commit '%s'",
		    commit);
	if (!error && opts && opts->recurse_submodules)
		error = export_submodules(&c, gd.buf, mirror, commit, dest,
		    sparse, nsparse, opts, depth);
done:
	ctx_release(&c);
	cf_buf_release(&gd);
	cf_buf_release(&wt);
	return error;
}

int cf_git_export(const char *mirror, const char *commit, const char *dest,
    const char *const *sparse, size_t nsparse, const cf_git_opts *opts)
{
	return export_at(mirror, commit, dest, sparse, nsparse, opts, 0);
}

/* ---- the kept work tree ------------------------------------------------
 *
 * git read-tree -u compares the whole index with the work tree (an lstat
 * per file, the index read and written again): on a tree of thousands of
 * files that is most of what a one-file commit costs. So the tree records
 * the commit it holds (<index>.head, with the boot id: after a restart of
 * the machine unsynced writes may be lost) and the next commit is applied
 * from `git diff-tree` of the two commits, its blobs read by one
 * `git cat-file --batch`. Whatever that path would not do exactly as a
 * checkout does (symlinks, submodules, names git may refuse, a large
 * change, a tree not as recorded) takes the full path: the tree wiped and
 * written again by read-tree. The record is removed before the tree is
 * touched, so an update cut short is never trusted.
 */

#define TREE_DIFF_MAX 1000 /* changed paths; past this read-tree is as quick */

struct change {
	char status;      /* 'A', 'M' or 'D' */
	bool exec;        /* new mode 100755 */
	const char *oid;  /* the new blob, 40 hex (A and M) */
	const char *path; /* in the diff-tree output */
	const char *data; /* the blob, in the cat-file output */
	size_t len;
};

static void boot_id(char out[64])
{
	cf_buf b = CF_BUF_INIT;

	out[0] = '\0';
	if (cf_fs_read(&b, "/proc/sys/kernel/random/boot_id", 63) == 0 &&
	    b.len)
		snprintf(out, 64, "%.*s", (int)strcspn(b.buf, "\n"), b.buf);
	cf_buf_release(&b);
}

/* The commit the tree holds, if recorded on this boot; "" otherwise. */
static void head_read(char commit[41], const char *head)
{
	cf_buf b = CF_BUF_INIT;
	char id[64];

	commit[0] = '\0';
	boot_id(id);
	if (cf_fs_read(&b, head, 256) == 0 && b.len > 41 && b.buf[40] == ' ' &&
	    (b.buf[40] = '\0', is_hex40(b.buf)) &&
	    (size_t)snprintf(NULL, 0, "%s\n", id) == b.len - 41 &&
	    !strncmp(b.buf + 41, id, strlen(id)))
		memcpy(commit, b.buf, 41);
	cf_buf_release(&b);
}

/* A small private file, without the fsync of cf_fs_write_atomic: what
 * it holds is rebuilt after a crash. */
static int put_file(const char *path, const cf_buf *body)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	bool ok = fd >= 0 &&
	    write(fd, body->buf, body->len) == (ssize_t)body->len;

	if (fd >= 0 && close(fd) < 0)
		ok = false;
	return ok ? 0 : cf_error_os("writing a work tree file");
}

/* The boot id stands for durability: a record from an earlier boot is
 * ignored. */
static int head_write(const char *head, const char *commit)
{
	cf_buf tmp = CF_BUF_INIT, body = CF_BUF_INIT;
	char id[64];
	int error;

	boot_id(id);
	cf_buf_addf(&body, "%s %s\n", commit, id);
	cf_buf_addf(&tmp, "%s.tmp", head);
	if ((error = put_file(tmp.buf, &body)) == 0 &&
	    rename(tmp.buf, head) < 0)
		error = cf_error_os("recording the work tree's commit");
	if (error)
		unlink(tmp.buf);
	cf_buf_release(&tmp);
	cf_buf_release(&body);
	return error;
}

/* A path every checkout writes as it is: no empty, "." or ".." part, no
 * part git or a case-folding file system could read as .git, no control
 * characters, backslashes, colons or names NTFS protection refuses. */
static bool plain_tree_path(const char *p)
{
	if (!*p || strlen(p) > 1024)
		return false;
	while (*p) {
		size_t l = strcspn(p, "/");

		if (!l || (l == 1 && p[0] == '.') || (l == 2 && !strncmp(p,
		    "..", 2)) || (l >= 4 && !strncasecmp(p, ".git", 4)) ||
		    p[l - 1] == '.' || p[l - 1] == ' ')
			return false;
		for (size_t i = 0; i < l; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f ||
			    p[i] == '\\' || p[i] == ':' || p[i] == '~')
				return false;
		p += l;
		if (*p == '/' && !*++p)
			return false;
	}
	return true;
}

static bool blob_mode(const char *m, bool none_ok)
{
	return !strncmp(m, "100644", 6) || !strncmp(m, "100755", 6) ||
	    (none_ok && !strncmp(m, "000000", 6));
}

/* Parse `git diff-tree -r -z` records
 * ":<old mode> <new mode> <old oid> <new oid> <status>\0<path>\0"; 1 when
 * one is not a plain blob change (the caller takes the full path). */
static int parse_diff(struct change **out, size_t *n, cf_buf *diff)
{
	char *p = diff->buf, *end = diff->buf + diff->len;
	size_t alloc = 0;

	*out = NULL;
	*n = 0;
	while (p < end) {
		struct change *ch;
		char *path;

		if (end - p < 99 || p[0] != ':' || p[7] != ' ' ||
		    p[14] != ' ' || p[55] != ' ' || p[96] != ' ' || p[98])
			return 1;
		path = p + 99;
		if (!memchr(path, '\0', (size_t)(end - path)) ||
		    !strchr("AMD", p[97]) || !blob_mode(p + 1, p[97] == 'A') ||
		    !blob_mode(p + 8, p[97] == 'D') || !plain_tree_path(path) ||
		    *n >= TREE_DIFF_MAX)
			return 1;
		CF_GROW(*out, alloc, *n + 1);
		ch = &(*out)[(*n)++];
		memset(ch, 0, sizeof(*ch));
		ch->status = p[97];
		ch->exec = !strncmp(p + 8, "100755", 6);
		p[96] = '\0';
		ch->oid = p + 56;
		ch->path = path;
		p = path + strlen(path) + 1;
	}
	return 0;
}
/* The new blobs of the changes, by one `git cat-file --batch` whose
 * output (capped as any git output) out keeps; 1 if one is missing or
 * not a blob. */
static int read_blobs(struct gitctx *c, const char *gd, struct change *ch,
    size_t n, cf_buf *out)
{
	cf_buf in = CF_BUF_INIT, path = CF_BUF_INIT;
	const char *args[] = { gd, "cat-file", "--batch", NULL };
	char *p, *end;
	int error;

	for (size_t i = 0; i < n; i++)
		if (ch[i].status != 'D')
			cf_buf_addf(&in, "%s\n", ch[i].oid);
	if (!in.len) {
		cf_buf_release(&in);
		return 0;
	}
	cf_buf_addf(&path, "%s/input", c->tmp);
	error = put_file(path.buf, &in);
	c->input = path.buf;
	if (!error)
		error = git_do(c, out, "reading objects from", args);
	c->input = NULL;
	cf_buf_release(&in);
	cf_buf_release(&path);
	if (error < 0)
		return error;
	p = out->buf;
	end = out->buf + out->len;
	for (size_t i = 0; i < n; i++) {
		char *nl, *e;
		unsigned long long size;

		if (ch[i].status == 'D')
			continue;
		if (!p || !(nl = memchr(p, '\n', (size_t)(end - p))) ||
		    nl - p < 47 || memcmp(p, ch[i].oid, 40) ||
		    memcmp(p + 40, " blob ", 6))
			return 1;
		errno = 0;
		size = strtoull(p + 46, &e, 10);
		if (errno || e != nl || size > (size_t)(end - nl - 1) - 1 ||
		    nl[1 + size] != '\n')
			return 1;
		ch[i].data = nl + 1;
		ch[i].len = (size_t)size;
		p = nl + 2 + size;
	}
	return 0;
}

/* Check (and with make, create where missing) the parents of dest/rel:
 * 1 if one is not a directory (a symlink included), so nothing is ever
 * written or removed through a link. */
static int parents(cf_buf *full, size_t base, bool make)
{
	struct stat st;

	for (char *s = full->buf + base + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (lstat(full->buf, &st) == 0) {
			if (!S_ISDIR(st.st_mode))
				return *s = '/', 1;
		} else if (!make || errno != ENOENT ||
		    mkdir(full->buf, 0755) < 0) {
			return *s = '/', 1;
		}
		*s = '/';
	}
	return 0;
}

/* Remove the directories of dest/rel that the removal left empty, as a
 * checkout does. */
static void prune_parents(cf_buf *full, size_t base)
{
	char *s;

	while ((s = strrchr(full->buf + base + 1, '/'))) {
		*s = '\0';
		if (rmdir(full->buf) < 0)
			break;
	}
}

static int write_blob(const cf_buf *full, const struct change *ch)
{
	cf_buf tmp = CF_BUF_INIT;
	int fd, bad = 0;

	cf_buf_add(&tmp, full->buf, (size_t)(strrchr(full->buf, '/') -
	    full->buf));
	cf_buf_adds(&tmp, "/.cfgit-XXXXXX");
	if ((fd = mkostemp(tmp.buf, O_CLOEXEC)) < 0) {
		cf_buf_release(&tmp);
		return 1;
	}
	for (size_t off = 0; !bad && off < ch->len;) {
		ssize_t w = write(fd, ch->data + off, ch->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		bad = w <= 0;
		off += bad ? 0 : (size_t)w;
	}
	if (fchmod(fd, ch->exec ? 0755 : 0644) < 0)
		bad = 1;
	if (close(fd) < 0 || bad || rename(tmp.buf, full->buf) < 0) {
		unlink(tmp.buf);
		bad = 1;
	}
	cf_buf_release(&tmp);
	return bad;
}

/* Removals first (a file may become a directory), then the new and
 * changed files, each written beside its place and renamed over it (a
 * new inode, so the packer sees the change). 1 if the tree is not as
 * the old commit left it. */
static int apply_changes(const char *dest, const struct change *ch,
    size_t n)
{
	cf_buf full = CF_BUF_INIT;
	size_t base = strlen(dest);
	struct stat st;
	int bad = 0;

	cf_buf_adds(&full, dest);
	for (int pass = 0; pass < 2 && !bad; pass++) {
		for (size_t i = 0; i < n && !bad; i++) {
			if ((ch[i].status == 'D') != (pass == 0))
				continue;
			full.len = base;
			full.buf[base] = '\0';
			cf_buf_addf(&full, "/%s", ch[i].path);
			if (pass == 0) {
				bad = parents(&full, base, false) ||
				    lstat(full.buf, &st) < 0 ||
				    !S_ISREG(st.st_mode) || unlink(full.buf) < 0;
				if (!bad)
					prune_parents(&full, base);
				continue;
			}
			bad = parents(&full, base, true) || (lstat(full.buf, &st)
			    == 0 ? !S_ISREG(st.st_mode) || ch[i].status != 'M' :
			    ch[i].status != 'A') || write_blob(&full, &ch[i]);
		}
	}
	cf_buf_release(&full);
	return bad;
}

/* The in-place update from old to commit: 0 when done, 1 (or an error)
 * when the caller must take the full path. */
static int update_in_place(struct gitctx *c, const char *gd,
    const char *old, const char *commit, const char *dest)
{
	cf_buf diff = CF_BUF_INIT, blobs = CF_BUF_INIT;
	struct change *ch = NULL;
	size_t n = 0;
	int error;
	const char *args[] = { gd, "diff-tree", "-r", "-z", "--no-renames",
		"--end-of-options", old, commit, NULL };

	if ((error = git_do(c, &diff, "comparing commits in", args)) < 0)
		goto done;
	if ((error = parse_diff(&ch, &n, &diff)) != 0)
		goto done;
	if ((error = read_blobs(c, gd, ch, n, &blobs)) != 0)
		goto done;
	error = apply_changes(dest, ch, n);
done:
	free(ch);
	cf_buf_release(&diff);
	cf_buf_release(&blobs);
	return error;
}

int cf_git_update_tree(const char *mirror, const char *commit,
    const char *dest, const cf_git_opts *opts)
{
	struct gitctx c;
	cf_buf gd = CF_BUF_INIT, wt = CF_BUF_INIT, head = CF_BUF_INIT;
	char old[41];
	struct stat st;
	int error;

	if (!opts || !opts->index_file)
		return cf_error_setc(CF_EINVALID, CF_ERR_GIT,
		    "updating a work tree needs an index file");
	if ((error = ctx_init(&c, NULL, opts)) < 0)
		goto done;
	snprintf(c.url, sizeof(c.url), "%s", "mirror");
	if (!is_hex40(commit)) {
		error = cf_error_setc(CF_EINVALID, CF_ERR_GIT,
		    "invalid commit '%.64s'", commit);
		goto done;
	}
	cf_buf_addf(&gd, "--git-dir=%s", mirror);
	cf_buf_addf(&wt, "--work-tree=%s", dest);
	cf_buf_addf(&head, "%s.head", opts->index_file);
	head_read(old, head.buf);
	if (old[0] && !strcmp(old, commit) && stat(dest, &st) == 0)
		goto done;
	/* Untrusted from here until the tree is whole again; and the index
	 * would no longer describe it. */
	unlink(head.buf);
	if (old[0] && stat(dest, &st) == 0) {
		unlink(opts->index_file);
		if (update_in_place(&c, gd.buf, old, commit, dest) == 0)
			goto record;
	}
	/* The full path. Without its index read-tree cannot know which
	 * files are stale: start from nothing. */
	if (stat(opts->index_file, &st) < 0 &&
	    (error = cf_fs_remove_tree(dest)) < 0)
		goto done;
	if ((error = cf_fs_mkdirs(dest)) < 0)
		goto done;
	const char *args[] = { gd.buf, wt.buf, "read-tree", "--reset", "-u",
		commit, NULL };
	if ((error = git_do(&c, NULL, "updating the work tree", args)) < 0)
		goto done;
record:
	error = head_write(head.buf, commit);
done:
	ctx_release(&c);
	cf_buf_release(&gd);
	cf_buf_release(&wt);
	cf_buf_release(&head);
	return error;
}

#define MAX_OBJECT (4u << 20)

int cf_git_cat_object(cf_buf *out, char oid[41], const char *mirror,
    const char *rev, const char *type, const cf_git_opts *opts)
{
	struct gitctx c;
	cf_buf gd = CF_BUF_INIT, spec = CF_BUF_INIT, id = CF_BUF_INIT;
	int error;

	if ((error = ctx_init(&c, NULL, opts)) < 0)
		goto done;
	snprintf(c.url, sizeof(c.url), "%s", "mirror");
	if (c.max_out > MAX_OBJECT)
		c.max_out = MAX_OBJECT;
	if ((strcmp(type, "commit") && strcmp(type, "tag")) || (!is_hex40(rev)
	    && (!check_refname(rev) || strncmp(rev, "refs/", 5)))) {
		error = cf_error_setc(CF_EINVALID, CF_ERR_GIT,
		    "invalid object '%.64s' of type '%.16s'", rev, type);
		goto done;
	}
	cf_buf_addf(&gd, "--git-dir=%s", mirror);
	/* Peel to the type asked for: a lightweight tag has no tag object. */
	cf_buf_addf(&spec, "%s^{%s}", rev, type);
	const char *peel[] = { gd.buf, "rev-parse", "--verify", "--quiet",
		"--end-of-options", spec.buf, NULL };
	error = git_do(&c, &id, "resolving an object in", peel);
	if (!error && (id.len < 40 || !is_hex40((id.buf[40] = 0, id.buf))))
		error = CF_ERROR;
	if (error) {
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
		    "no %s object '%s' in the mirror", type, rev);
		goto done;
	}
	memcpy(oid, id.buf, 41);
	const char *cat[] = { gd.buf, "cat-file", type, oid, NULL };
	error = git_do(&c, out, "reading an object in", cat);
done:
	ctx_release(&c);
	cf_buf_release(&gd);
	cf_buf_release(&spec);
	cf_buf_release(&id);
	return error;
}

/* ---- submodules -------------------------------------------------------
 *
 * Flux's recurseSubmodules, without `git submodule`: that command wants a
 * non-bare repository, writes .git files into the work tree, keeps the
 * tenant's URLs in the mirror's configuration and hands the credentials to
 * every host a .gitmodules names. Instead each submodule gets its own bare
 * mirror inside the superproject's (cflux-modules/<hash of its path>),
 * fetched with the same transport at the commit the superproject records
 * (depth 1) and exported into its directory. The URLs come from the
 * commit's .gitmodules, so they are tenant input like the source URL:
 *   - credentials go only to the superproject's own server (scheme, host
 *     and port); other servers get the known_hosts, nothing else;
 *   - file:// is allowed only when the superproject itself is file://,
 *     so a .gitmodules cannot read repositories on the controller's disk;
 *   - paths must stay inside the tree, nesting stops at 8 levels.
 */

#define MAX_SUBMODULES 256
#define MAX_SUBMODULE_DEPTH 8
#define LS_TREE_BATCH 48

struct submodule {
	char *name, *path, *url; /* owned; path/url NULL until read */
	char commit[41];         /* the gitlink in the tree, "" if none */
};

struct submodules {
	struct submodule *v;
	size_t n;
};

static void subs_release(struct submodules *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].name);
		free(s->v[i].path);
		free(s->v[i].url);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* The entry for a .gitmodules name, added if new; NULL past the cap. */
static struct submodule *sub_named(struct submodules *s, const char *name,
    size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i].name) == len &&
		    !memcmp(s->v[i].name, name, len))
			return &s->v[i];
	if (s->n >= MAX_SUBMODULES)
		return NULL;
	s->v = cf_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n].name = cf_xstrndup(name, len);
	return &s->v[s->n++];
}

typedef int (*record_fn)(struct submodules *subs, const char *key,
    size_t kl, const char *val, size_t vl);

/* Split each NUL-terminated record of out (git's -z output) at its first
 * sep and hand both halves to fn; stops at fn's first error. */
static int each_record(const cf_buf *out, char sep, record_fn fn,
    struct submodules *subs)
{
	const char *p = out->buf, *end = out->buf + out->len;
	int error = 0;

	while (!error && p < end) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		const char *s = z ? memchr(p, sep, (size_t)(z - p)) : NULL;
		if (!z)
			break;
		if (s)
			error = fn(subs, p, (size_t)(s - p), s + 1,
			    (size_t)(z - s - 1));
		p = z + 1;
	}
	return error;
}

/* "submodule.<name>.path" (or ".url") and its value. */
static int add_gitmodules_entry(struct submodules *subs, const char *key,
    size_t kl, const char *val, size_t vl)
{
	size_t dot = kl; /* the name may hold dots: the variable follows the
	                  * last one */
	struct submodule *s;
	char **slot;

	while (dot > 0 && key[dot - 1] != '.')
		dot--;
	if (dot < 12 || strncmp(key, "submodule.", 10))
		return 0;
	if (!(s = sub_named(subs, key + 10, dot - 11)))
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_GIT,
		    "more than %d submodules", MAX_SUBMODULES);
	slot = kl - dot == 4 && !strncmp(key + dot, "path", 4) ? &s->path :
	    &s->url;
	free(*slot);
	*slot = cf_xstrndup(val, vl);
	return 0;
}

/* "160000 commit <40 hex>" and the path of that gitlink. */
static int add_gitlink(struct submodules *subs, const char *key, size_t kl,
    const char *path, size_t pl)
{
	if (kl != 54 || strncmp(key, "160000 commit ", 14))
		return 0;
	for (size_t i = 0; i < subs->n; i++) {
		struct submodule *s = &subs->v[i];
		if (s->path && strlen(s->path) == pl &&
		    !memcmp(s->path, path, pl)) {
			memcpy(s->commit, key + 14, 40);
			s->commit[40] = '\0';
		}
	}
	return 0;
}

/* The submodules of commit: .gitmodules entries with a path, a URL and a
 * gitlink at that path (git ignores the others too). */
static int list_submodules(struct gitctx *c, const char *gd,
    const char *commit, struct submodules *subs)
{
	cf_buf out = CF_BUF_INIT, err = CF_BUF_INIT, blob = CF_BUF_INIT;
	const char *args[LS_TREE_BATCH + 8];
	int error, rc;

	const char *has[] = { gd, "ls-tree", "--name-only", commit, "--",
		".gitmodules", NULL };
	if ((error = git_do(c, &out, "reading submodules in", has)) < 0 ||
	    !out.len)
		goto done;
	/* --blob reads only that blob: no includes, no environment. */
	cf_buf_reset(&out);
	cf_buf_addf(&blob, "--blob=%s:.gitmodules", commit);
	const char *cfg[] = { gd, "config", blob.buf, "-z", "--get-regexp",
		"^submodule\\..*\\.(path|url)$", NULL };
	rc = run_git(c, &out, &err, cfg);
	if (rc == 1) /* no such keys */
		goto done;
	if (rc != 0) {
		error = classify(c, "reading .gitmodules in", rc, &err);
		goto done;
	}
	if ((error = each_record(&out, '\n', add_gitmodules_entry, subs)) < 0)
		goto done;
	for (size_t i = 0; i < subs->n; i++)
		if (subs->v[i].path && !check_sparse(subs->v[i].path)) {
			error = cf_error_setc(CF_EINVALID, CF_ERR_GIT,
			    "invalid submodule path '%.200s'", subs->v[i].path);
			goto done;
		}
	/* One ls-tree per batch of paths finds their gitlinks. */
	for (size_t i = 0; i < subs->n; i += LS_TREE_BATCH) {
		size_t na = 0;
		args[na++] = gd;
		args[na++] = "ls-tree";
		args[na++] = "-z";
		args[na++] = commit;
		args[na++] = "--";
		for (size_t j = i; j < subs->n && j < i + LS_TREE_BATCH; j++)
			if (subs->v[j].path && subs->v[j].url)
				args[na++] = subs->v[j].path;
		args[na] = NULL;
		if (na == 5)
			continue;
		cf_buf_reset(&out);
		if ((error = git_do(c, &out, "reading submodules in",
		         args)) < 0 ||
		    (error = each_record(&out, '\t', add_gitlink, subs)) < 0)
			goto done;
	}
done:
	cf_buf_release(&out);
	cf_buf_release(&err);
	cf_buf_release(&blob);
	return error;
}

/* Where the submodule at path keeps its mirror. Two paths with the same
 * hash would share one mirror, which only mixes content-addressed objects:
 * each export still checks out its own commit. */
static void submodule_mirror(cf_buf *out, const char *mirror,
    const char *path)
{
	unsigned long long h = 14695981039346656037ULL; /* FNV-1a 64 */

	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	cf_buf_addf(out, "%s/cflux-modules/%016llx", mirror, h);
}

/* What to do with one submodule whose mirror is sm, at nesting depth. */
typedef int (*submodule_fn)(const struct submodule *s, const char *sm,
    void *payload, int depth);

/* Call fn for each submodule of commit in mirror; errors name the path. */
static int each_submodule(struct gitctx *c, const char *gd,
    const char *mirror, const char *commit, int depth, submodule_fn fn,
    void *payload)
{
	struct submodules subs = { 0 };
	cf_buf sm = CF_BUF_INIT;
	int error;

	if ((error = list_submodules(c, gd, commit, &subs)) < 0)
		goto done;
	for (size_t i = 0; i < subs.n; i++) {
		struct submodule *s = &subs.v[i];
		if (!s->commit[0])
			continue;
		if (depth >= MAX_SUBMODULE_DEPTH) {
			error = cf_error_setc(CF_ETOOLARGE, CF_ERR_GIT,
			    "submodules nested deeper than %d levels",
			    MAX_SUBMODULE_DEPTH);
			goto done;
		}
		cf_buf_reset(&sm);
		submodule_mirror(&sm, mirror, s->path);
		if ((error = fn(s, sm.buf, payload, depth + 1)) < 0) {
			error = cf_error_wrap("submodule '%s'", s->path);
			goto done;
		}
	}
done:
	subs_release(&subs);
	cf_buf_release(&sm);
	return error;
}

/* A submodule's URL: absolute as written, or "./x", "../x" against the
 * superproject's URL, the way git resolves them. */
static int submodule_url(cf_buf *out, const char *base, const char *rel)
{
	const char *auth = strstr(base, "://");
	size_t root = auth ? (size_t)(auth + 3 - base) : 0;

	if (strncmp(rel, "./", 2) && strncmp(rel, "../", 3)) {
		cf_buf_adds(out, rel);
		return 0;
	}
	root += strcspn(base + root, "/"); /* where the path begins */
	cf_buf_adds(out, base);
	while (out->len > root && out->buf[out->len - 1] == '/')
		cf_buf_truncate(out, out->len - 1);
	for (;;) {
		if (!strncmp(rel, "./", 2)) {
			rel += 2;
		} else if (!strncmp(rel, "../", 3)) {
			char *sl = NULL;
			for (size_t i = root; i < out->len; i++)
				if (out->buf[i] == '/')
					sl = out->buf + i;
			if (!sl)
				return cf_error_setc(CF_EINVALID, CF_ERR_GIT,
				    "submodule URL '%.200s' climbs above the "
				    "server", rel);
			cf_buf_truncate(out, (size_t)(sl - out->buf));
			rel += 3;
		} else {
			break;
		}
	}
	cf_buf_addf(out, "/%s", rel);
	while (out->len && out->buf[out->len - 1] == '/')
		cf_buf_truncate(out, out->len - 1);
	return 0;
}

/* "scheme://host:port" of url, without userinfo, lower case. */
static void origin_of(char *out, size_t n, const char *url)
{
	char red[1024];
	const char *a;
	size_t l;

	cf_git_redact_url(red, sizeof(red), url);
	a = strstr(red, "://");
	l = a ? (size_t)(a + 3 - red) + strcspn(a + 3, "/") : 0;
	snprintf(out, n, "%.*s", (int)l, red);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

struct fetch_sub {
	const char *url;       /* the superproject's */
	const cf_git_opts *opts;
	char allow[256];       /* its protocols, file only if it is file:// */
	char home[1024];       /* its origin: where credentials may go */
	cf_git_auth hosts_only;
};

static int fetch_one(const struct submodule *s, const char *sm,
    void *payload, int depth)
{
	struct fetch_sub *f = payload;
	cf_buf url = CF_BUF_INIT;
	cf_git_opts so = *f->opts;
	cf_git_ref pin = { .commit = s->commit };
	cf_git_resolved r;
	char there[1024];
	int error;

	if ((error = submodule_url(&url, f->url, s->url)) == 0) {
		origin_of(there, sizeof(there), url.buf);
		so.allow_protocols = f->allow;
		so.tip = NULL;
		if (strcmp(f->home, there))
			so.auth = &f->hosts_only;
		error = fetch_at(&r, sm, url.buf, &pin, &so, depth);
	}
	cf_buf_release(&url);
	return error;
}

static int fetch_submodules(struct gitctx *c, const char *gd,
    const char *mirror, const char *url, const char *commit,
    const cf_git_opts *opts, int depth)
{
	struct fetch_sub f = { .url = url, .opts = opts };
	const char *allow = opts->allow_protocols ? opts->allow_protocols :
	    DEFAULT_PROTOCOLS;
	int local = !strncmp(url, "file://", 7);
	size_t used = 0;

	f.hosts_only.known_hosts = opts->auth ? opts->auth->known_hosts : NULL;
	origin_of(f.home, sizeof(f.home), url);
	for (const char *a = allow; *a;) {
		size_t al = strcspn(a, ":");
		if ((local || al != 4 || strncmp(a, "file", 4)) &&
		    used + al + 2 < sizeof(f.allow))
			used += (size_t)snprintf(f.allow + used,
			    sizeof(f.allow) - used, "%s%.*s", used ? ":" : "",
			    (int)al, a);
		a += al + (a[al] == ':');
	}
	return each_submodule(c, gd, mirror, commit, depth, fetch_one, &f);
}

/* 1 if path lies in one of the sparse directories (all when none). */
static int in_sparse(const char *path, const char *const *sparse,
    size_t nsparse)
{
	for (size_t i = 0; i < nsparse; i++) {
		size_t l = strlen(sparse[i]);
		while (l && sparse[i][l - 1] == '/')
			l--;
		if (!strncmp(path, sparse[i], l) &&
		    (path[l] == '\0' || path[l] == '/'))
			return 1;
	}
	return nsparse == 0;
}

struct export_sub {
	const char *dest;
	const char *const *sparse;
	size_t nsparse;
	const cf_git_opts *opts;
};

static int export_one(const struct submodule *s, const char *sm,
    void *payload, int depth)
{
	struct export_sub *e = payload;
	cf_buf head = CF_BUF_INIT, dest = CF_BUF_INIT;
	struct stat st;
	int error;

	if (!in_sparse(s->path, e->sparse, e->nsparse))
		return 0;
	cf_buf_addf(&head, "%s/HEAD", sm);
	cf_buf_addf(&dest, "%s/%s", e->dest, s->path);
	if (stat(head.buf, &st) != 0)
		error = cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT,
		    "not fetched (fetch with submodules first)");
	else
		error = export_at(sm, s->commit, dest.buf, NULL, 0, e->opts,
		    depth);
	cf_buf_release(&head);
	cf_buf_release(&dest);
	return error;
}

static int export_submodules(struct gitctx *c, const char *gd,
    const char *mirror, const char *commit, const char *dest,
    const char *const *sparse, size_t nsparse, const cf_git_opts *opts,
    int depth)
{
	struct export_sub e = { dest, sparse, nsparse, opts };

	return each_submodule(c, gd, mirror, commit, depth, export_one, &e);
}
