/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Artifact download, digest check and safe unpacking.
 *
 * The download streams into a temporary file while hashing, so a large
 * artifact never sits in memory and the digest costs no second read.
 *
 * Unpacking, the dangerous half, is core/archive.c's: nothing in the
 * tarball is trusted there.
 */
#include "controllers/kustomize/fetch.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/archive.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/http.h"

#define IO_CHUNK (64u << 10)

/* The download cap in force. */
static uint64_t max_download(const cf_fetch_opts *o)
{
	return o && o->max_download ? o->max_download : CF_FETCH_MAX_DOWNLOAD;
}

/* ---- digests ---------------------------------------------------------- */

/* Split "<algo>:<hex>" and pick the algorithm. blake3, which
 * source-controller also offers, has no OpenSSL implementation. */
static int digest_md(const EVP_MD **md, const char **hex, const char *digest)
{
	const char *colon = strchr(digest, ':');
	size_t n = colon ? (size_t)(colon - digest) : 0;

	*md = NULL;
	if (n == 6 && !strncmp(digest, "sha256", n))
		*md = EVP_sha256();
	else if (n == 6 && !strncmp(digest, "sha384", n))
		*md = EVP_sha384();
	else if (n == 6 && !strncmp(digest, "sha512", n))
		*md = EVP_sha512();
	if (!*md)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "unsupported digest '%s'", digest);
	*hex = colon + 1;
	if (strlen(*hex) != (size_t)EVP_MD_get_size(*md) * 2)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid digest '%s'", digest);
	return 0;
}

/* Finish ctx and compare with the expected hex (either case). */
static int digest_check(EVP_MD_CTX *ctx, const char *hex, const char *digest)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char got[EVP_MAX_MD_SIZE * 2 + 1];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(ctx, md, &n) != 1)
		return cf_error_set(CF_ERR_INVALID, "cannot compute digest");
	for (i = 0; i < n; i++)
		snprintf(got + 2 * i, 3, "%02x", md[i]);
	if (strcasecmp(got, hex) != 0)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "failed to verify artifact: computed digest doesn't match "
		    "'%s'", digest);
	return 0;
}

int cf_fetch_verify_file(const char *path, const char *digest)
{
	const EVP_MD *md;
	const char *hex;
	EVP_MD_CTX *ctx = NULL;
	char *buf = NULL;
	ssize_t r;
	int fd = -1, err;

	if ((err = digest_md(&md, &hex, digest)) < 0)
		return err;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cf_error_os("cannot open '%s'", path);
	ctx = EVP_MD_CTX_new();
	buf = cf_xmalloc(IO_CHUNK);
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1) {
		err = cf_error_set(CF_ERR_INVALID, "cannot compute digest");
		goto done;
	}
	while ((r = read(fd, buf, IO_CHUNK)) > 0)
		EVP_DigestUpdate(ctx, buf, (size_t)r);
	if (r < 0) {
		err = cf_error_os("cannot read '%s'", path);
		goto done;
	}
	err = digest_check(ctx, hex, digest);
done:
	free(buf);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return err;
}

/* write(2) until done, retrying short writes and EINTR. */
static int write_all(int fd, const char *p, size_t n, const char *rel)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return cf_error_os("cannot write '%s'", rel);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ---- unpacking: core/archive.c ---------------------------------------- */

static cf_untar_opts untar_opts(const cf_fetch_opts *o)
{
	cf_untar_opts u = { 0 };

	if (o) {
		u.max_untar = o->max_untar;
		u.max_entries = o->max_entries;
		u.skip_symlinks = o->skip_symlinks;
	}
	return u;
}

int cf_fetch_untar_file(const char *path, const char *dir,
    const cf_fetch_opts *opts)
{
	cf_untar_opts u = untar_opts(opts);

	return cf_archive_untar_file(path, dir, &u);
}

int cf_fetch_untar_mem(const void *data, size_t len, const char *dir,
    const cf_fetch_opts *opts)
{
	cf_untar_opts u = untar_opts(opts);

	return cf_archive_untar_mem(data, len, dir, &u);
}

/* ---- download --------------------------------------------------------- */

struct download {
	int fd;
	EVP_MD_CTX *ctx; /* NULL when no digest is checked */
	uint64_t size, cap;
	const char *url; /* redacted */
	const char *path;
};

/* Streaming body callback: cap, hash and store each chunk. */
static int on_data(const char *data, size_t len, void *payload)
{
	struct download *d = payload;

	if (len > d->cap - d->size)
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_HTTP,
		    "artifact from '%s' is bigger than %llu bytes", d->url,
		    (unsigned long long)d->cap);
	d->size += len;
	if (d->ctx)
		EVP_DigestUpdate(d->ctx, data, len);
	return write_all(d->fd, data, len, d->path);
}

/* GET url into d->fd; map the status to our codes. */
static int download(cf_http *h, struct download *d, const char *url,
    const cf_fetch_opts *opts)
{
	cf_http_request req = {
		.url = url,
		.accept = "*/*",
		.timeout_ms = opts ? opts->timeout_ms : 0,
		.on_data = on_data,
		.payload = d,
		.cancel = opts ? opts->cancel : NULL,
	};
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	int err;

	err = cf_http_do(h, &req, &resp);
	if (err == 0 && resp.status == 404)
		err = cf_error_setc(CF_ENOTFOUND, CF_ERR_HTTP,
		    "artifact not found at '%s'", d->url);
	else if (err == 0 && (resp.status < 200 || resp.status >= 300))
		err = cf_error_set(CF_ERR_HTTP,
		    "failed to download artifact from '%s', status: %ld",
		    d->url, resp.status);
	cf_http_response_release(&resp);
	return err;
}

int cf_fetch_artifact(cf_http *h, const char *url, const char *digest,
    const char *dir, const cf_fetch_opts *opts)
{
	struct download d = { -1, NULL, 0, max_download(opts), NULL, NULL };
	cf_buf redacted = CF_BUF_INIT, tmp = CF_BUF_INIT;
	const EVP_MD *md = NULL;
	const char *hex = NULL;
	int err;

	cf_http_redact_url(&redacted, url);
	d.url = redacted.buf;
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		err = cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "unsupported artifact URL '%s'", d.url);
		goto done;
	}
	if (digest && *digest) {
		if ((err = digest_md(&md, &hex, digest)) < 0)
			goto done;
		d.ctx = EVP_MD_CTX_new();
		if (!d.ctx || EVP_DigestInit_ex(d.ctx, md, NULL) != 1) {
			err = cf_error_set(CF_ERR_INVALID,
			    "cannot compute digest");
			goto done;
		}
	}
	/* Next to dir (not inside it: dir must start empty), so the
	 * caller's work area holds everything. */
	cf_buf_adds(&tmp, dir);
	while (tmp.len > 1 && tmp.buf[tmp.len - 1] == '/')
		cf_buf_truncate(&tmp, tmp.len - 1);
	cf_buf_adds(&tmp, ".download.XXXXXX");
	if ((d.fd = mkostemp(tmp.buf, O_CLOEXEC)) < 0) {
		err = cf_error_os("cannot create '%s'", tmp.buf);
		goto done;
	}
	d.path = tmp.buf;
	if ((err = download(h, &d, url, opts)) < 0)
		goto done;
	if (d.ctx && (err = digest_check(d.ctx, hex, digest)) < 0)
		goto done;
	err = cf_fetch_untar_file(tmp.buf, dir, opts);
done:
	if (d.fd >= 0) {
		close(d.fd);
		unlink(tmp.buf);
	}
	EVP_MD_CTX_free(d.ctx);
	cf_buf_release(&tmp);
	cf_buf_release(&redacted);
	return err;
}
