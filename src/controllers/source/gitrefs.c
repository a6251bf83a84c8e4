/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/source/gitrefs.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/fs.h"
#include "core/http.h"

static int give_up(const char *why)
{
	return cf_error_setc(CF_ENOTFOUND, CF_ERR_GIT, "%s", why);
}

static bool is_hex40(const char *s, size_t n)
{
	if (n < 40)
		return false;
	for (size_t i = 0; i < 40; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return true;
}

/* ---- smart HTTP (protocol v0 advertisement) ---- */

static int hexval(const char *s, size_t n, size_t *out)
{
	*out = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		int v = isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ?
		    c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		*out = *out * 16 + (size_t)v;
	}
	return 0;
}

/* One advertised ref: "<sha> <name>[\0caps]\n". */
static int add_ref_line(cf_buf *out, const char *p, size_t n)
{
	size_t nl;

	if (n < 42 || !is_hex40(p, n) || p[40] != ' ')
		return give_up("malformed ref advertisement");
	nl = strnlen(p + 41, n - 41);
	while (nl && (p[41 + nl - 1] == '\n'))
		nl--;
	if (!nl)
		return give_up("malformed ref advertisement");
	cf_buf_add(out, p, 40);
	cf_buf_addch(out, '\t');
	cf_buf_add(out, p + 41, nl);
	cf_buf_addch(out, '\n');
	return 0;
}

static int parse_advertisement(cf_buf *out, const char *p, size_t n)
{
	int section = 0; /* 0: service line, 1: refs */

	while (n >= 4) {
		size_t len;

		if (hexval(p, 4, &len) < 0)
			return give_up("malformed pkt-line");
		if (len == 0) { /* flush */
			p += 4, n -= 4;
			if (section++ > 0)
				return 0;
			continue;
		}
		if (len < 4 || len > n)
			return give_up("malformed pkt-line");
		if (section == 0) {
			if (len < 30 || strncmp(p + 4, "# service=git-upload-pack",
			    25))
				return give_up("not a smart HTTP server");
		} else if (!(len - 4 >= 48 && !strncmp(p + 4 + 41,
		    "capabilities^{}", 15))) { /* empty repository */
			int err = add_ref_line(out, p + 4, len - 4);

			if (err < 0)
				return err;
		}
		p += len, n -= len;
	}
	return give_up("truncated ref advertisement");
}

static int list_http(cf_buf *listing, cf_http *h, const char *url,
    const char *auth_header)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_buf u = CF_BUF_INIT;
	const char *hdrs[1] = { auth_header };
	size_t ul = strlen(url);
	int err;

	const char *auth = strstr(url, "://") + 3;

	if (!h)
		return give_up("no HTTP session");
	if (memchr(auth, '@', strcspn(auth, "/?#"))) /* userinfo: git's job */
		return give_up("credentials in the URL");
	while (ul && url[ul - 1] == '/')
		ul--;
	cf_buf_add(&u, url, ul);
	cf_buf_adds(&u, "/info/refs?service=git-upload-pack");
	err = cf_http_do(h, &(cf_http_request){ .url = u.buf,
	    .headers = auth_header ? hdrs : NULL, .nheaders = auth_header ? 1 : 0,
	    .accept = "*/*", .max_body = CF_GITREFS_MAX_ADVERTISEMENT }, &resp);
	cf_buf_release(&u);
	if (!err && (resp.status != 200 || strcmp(resp.content_type,
	    "application/x-git-upload-pack-advertisement")))
		err = give_up("no smart HTTP advertisement");
	if (!err)
		err = parse_advertisement(listing, resp.body.buf, resp.body.len);
	cf_http_response_release(&resp);
	return err;
}

/* ---- a local repository ---- */

static bool safe_branch(const char *want)
{
	if (strncmp(want, "refs/heads/", 11) || strstr(want, "..") ||
	    strstr(want, "//") || want[strlen(want) - 1] == '/')
		return false;
	for (const char *s = want; *s; s++)
		if ((unsigned char)*s <= ' ' || strchr("~^:?*[\\", *s))
			return false;
	return true;
}

static int git_dir(char *out, size_t n, const char *path)
{
	struct stat st;

	snprintf(out, n, "%s/.git", path);
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(out, n, "%s", path);
	return 0;
}

static int packed_ref(cf_buf *listing, const char *gd, const char *want)
{
	char path[8192];
	cf_buf b = CF_BUF_INIT;
	size_t wl = strlen(want);
	int found = 0;

	snprintf(path, sizeof(path), "%s/packed-refs", gd);
	if (cf_fs_read(&b, path, CF_GITREFS_MAX_ADVERTISEMENT) < 0) {
		cf_buf_release(&b);
		return give_up("no packed refs");
	}
	for (const char *p = b.buf; *p && !found;) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);

		if (ll == 41 + wl && is_hex40(p, ll) && p[40] == ' ' &&
		    !strncmp(p + 41, want, wl)) {
			cf_buf_add(listing, p, 40);
			cf_buf_addf(listing, "\t%s\n", want);
			found = 1;
		}
		p += ll + (nl ? 1 : 0);
	}
	cf_buf_release(&b);
	return found ? 0 : give_up("ref not packed");
}

static int list_file(cf_buf *listing, const char *url, const char *want)
{
	char gd[4096], path[8192];
	cf_buf b = CF_BUF_INIT;
	int err;

	if (!want || !safe_branch(want))
		return give_up("only branches are read directly");
	git_dir(gd, sizeof(gd), url + strlen("file://"));
	snprintf(path, sizeof(path), "%s/%s", gd, want);
	err = cf_fs_read(&b, path, 128);
	if (err == CF_ENOTFOUND) {
		cf_buf_release(&b);
		return packed_ref(listing, gd, want);
	}
	if (err < 0 || b.len < 41 || !is_hex40(b.buf, b.len) ||
	    b.buf[40] != '\n') {
		cf_buf_release(&b);
		return give_up("unreadable loose ref");
	}
	cf_buf_add(listing, b.buf, 40);
	cf_buf_addf(listing, "\t%s\n", want);
	cf_buf_release(&b);
	return 0;
}

int cf_gitrefs_list(cf_buf *listing, cf_http *h, const char *url,
    const char *want, const char *auth_header)
{
	if (!strncmp(url, "https://", 8) || !strncmp(url, "http://", 7))
		return list_http(listing, h, url, auth_header);
	if (!strncmp(url, "file://", 7))
		return list_file(listing, url, want);
	return give_up("no native listing for this scheme");
}
