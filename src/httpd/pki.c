/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Certificates for the local servers, with OpenSSL 3.
 *
 * Why a private CA rather than one self-signed certificate: kubeconfigs
 * and Go clients pin a CA (certificate-authority-data), so the serving
 * certificate can be re-issued -- new SANs, renewal -- without every
 * written kubeconfig going stale. The CA lives ten years, the serving
 * certificate one, and is renewed on start when it gets close.
 *
 * Files are written to a temporary name and renamed, so a crash never
 * leaves half a key behind; keys are created 0600 from the first byte.
 */
#include "httpd/pki.h"
#include "core/alloc.h"
#include "core/error.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CA_DAYS 3650
#define SERVING_DAYS 365
#define RENEW_BEFORE_DAYS 30
#define MAX_PEM_FILE (1u << 20)

static const char *const fixed_names[] = {
	"127.0.0.1", "::1", "localhost", "kubernetes", "kubernetes.default",
	"kubernetes.default.svc", "kubernetes.default.svc.cluster.local", NULL,
};

/* OpenSSL keeps a per-thread error queue: take the first entry for the
 * message and clear the rest so a later failure is not blamed on it. */
static int ossl_error(const char *what)
{
	char msg[256] = "unknown error";
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, msg, sizeof(msg));
	ERR_clear_error();
	return cf_error_set(CF_ERR_TLS, "%s: %s", what, msg);
}

/* IP literals go in as iPAddress SANs: Go's verifier does not match an
 * IP against a DNS entry. */
static bool is_ip(const char *s)
{
	unsigned char tmp[16];

	return inet_pton(AF_INET, s, tmp) == 1 || inet_pton(AF_INET6, s, tmp) == 1;
}

/* A DNS name we are willing to put in a SAN list: the list is parsed by
 * OpenSSL's config syntax, so ',' or ':' would smuggle in other names. */
static bool is_dns_name(const char *s)
{
	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '*'))
			return false;
	return true;
}

/* ---- files ---------------------------------------------------------------- */

/* Write a PEM object to path via path.tmp + rename, created with mode. */
static int write_pem(const char *path, mode_t mode, X509 *cert, EVP_PKEY *key)
{
	char tmp[CF_PKI_PATH_MAX + 8];
	FILE *f;
	int fd, ok;

	/* A stale .tmp from a crash would make O_EXCL fail for ever. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return cf_error_os("cannot create '%s'", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return cf_error_os("cannot open '%s'", tmp);
	}
	ok = cert ? PEM_write_X509(f, cert) :
	    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || !ok) {
		unlink(tmp);
		if (!ok)
			return ossl_error("cannot write PEM");
		return cf_error_os("cannot write '%s'", tmp);
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		return cf_error_os("cannot rename '%s'", tmp);
	}
	return 0;
}

/* Readers return NULL for missing and for unreadable files alike: either
 * way the caller issues new material. */
static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "re");
	X509 *c;

	if (!f)
		return NULL;
	c = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	return c;
}

static EVP_PKEY *read_key(const char *path)
{
	FILE *f = fopen(path, "re");
	EVP_PKEY *k;

	if (!f)
		return NULL;
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ERR_clear_error();
	return k;
}

/* ---- issuing -------------------------------------------------------------- */

/* Extensions from OpenSSL's config syntax ("critical,CA:TRUE"): the
 * issuer is needed for authorityKeyIdentifier. */
static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return ossl_error("cannot build a certificate extension");
	X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return 0;
}

/* A fresh certificate for key: random 127-bit serial, backdated an hour
 * for clock skew, subject CN=cn, issuer taken from issuer (or itself). */
static X509 *new_cert(EVP_PKEY *key, const char *cn, X509 *issuer, int days)
{
	X509 *c = X509_new();
	unsigned char serial[16];
	BIGNUM *bn;

	if (!c || RAND_bytes(serial, sizeof(serial)) != 1) {
		X509_free(c);
		return NULL;
	}
	/* RFC 5280: serials are positive and unique per CA; 127 random bits
	 * make a collision with an earlier certificate negligible. */
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	X509_set_version(c, 2); /* v3 */
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_time_adj_ex(X509_getm_notAfter(c), days, 0, NULL);
	X509_set_pubkey(c, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c, X509_get_subject_name(issuer ? issuer : c));
	return c;
}

/*
 * A new self-signed CA: P-256 (what Go and OpenSSL verify fastest, and
 * what kube's own tooling generates), CA:TRUE marked critical so it can
 * sign, keyCertSign/cRLSign for the same reason. On success the caller
 * owns *out_ca and *out_key.
 */
static int issue_ca(const cf_pki_paths *p, X509 **out_ca, EVP_PKEY **out_key)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *ca = NULL;
	int err = CF_ERROR;

	if (!key)
		return ossl_error("cannot generate the CA key");
	ca = new_cert(key, "cflux-ca", NULL, CA_DAYS);
	if (!ca) {
		err = ossl_error("cannot create the CA certificate");
		goto done;
	}
	if (add_ext(ca, ca, NID_basic_constraints, "critical,CA:TRUE") < 0 ||
	    add_ext(ca, ca, NID_key_usage,
	    "critical,digitalSignature,keyCertSign,cRLSign") < 0 ||
	    add_ext(ca, ca, NID_subject_key_identifier, "hash") < 0)
		goto done;
	if (!X509_sign(ca, key, EVP_sha256())) {
		err = ossl_error("cannot sign the CA certificate");
		goto done;
	}
	/* Key first: a certificate without its key would be "reused". */
	if ((err = write_pem(p->ca_key, 0600, NULL, key)) < 0 ||
	    (err = write_pem(p->ca_cert, 0644, ca, NULL)) < 0)
		goto done;
	*out_ca = ca;
	*out_key = key;
	return 0;
done:
	X509_free(ca);
	EVP_PKEY_free(key);
	return err;
}

/* A new serving key and certificate signed by ca, carrying the fixed
 * names and extra as SANs; the CN is name (informational only). */
static int issue_serving(const cf_pki_paths *p, X509 *ca, EVP_PKEY *ca_key,
    const char *name, const char *const *extra)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	const char *const *lists[2] = { fixed_names, extra };
	cf_buf san = CF_BUF_INIT;
	X509 *c = NULL;
	int err = CF_ERROR;

	if (!key)
		return ossl_error("cannot generate the serving key");
	/* Names were validated by cf_pki_ensure, so none can carry a ','
	 * that would add a SAN of the caller's choosing. */
	for (int l = 0; l < 2; l++)
		for (const char *const *n = lists[l]; n && *n; n++)
			cf_buf_addf(&san, "%s%s:%s", san.len ? "," : "",
			    is_ip(*n) ? "IP" : "DNS", *n);
	c = new_cert(key, name, ca, SERVING_DAYS);
	if (!c) {
		err = ossl_error("cannot create the serving certificate");
		goto done;
	}
	/* ECDSA keys sign; keyEncipherment is for RSA key transport. */
	if (add_ext(c, ca, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(c, ca, NID_key_usage, "critical,digitalSignature") < 0 ||
	    add_ext(c, ca, NID_ext_key_usage, "serverAuth") < 0 ||
	    add_ext(c, ca, NID_authority_key_identifier, "keyid:always") < 0 ||
	    add_ext(c, ca, NID_subject_alt_name, san.buf) < 0)
		goto done;
	if (!X509_sign(c, ca_key, EVP_sha256())) {
		err = ossl_error("cannot sign the serving certificate");
		goto done;
	}
	if ((err = write_pem(p->key, 0600, NULL, key)) < 0 ||
	    (err = write_pem(p->cert, 0644, c, NULL)) < 0)
		goto done;
	err = 0;
done:
	cf_buf_release(&san);
	X509_free(c);
	EVP_PKEY_free(key);
	return err;
}

/* ---- reuse ---------------------------------------------------------------- */

/* Exact match only: a wildcard must not count as covering a name. */
static bool covers(X509 *c, const char *n)
{
	if (is_ip(n))
		return X509_check_ip_asc(c, n, 0) == 1;
	return X509_check_host(c, n, 0, X509_CHECK_FLAG_NO_WILDCARDS, NULL) == 1;
}

/*
 * Is the serving pair on disk usable as is? It must be a matching pair,
 * signed by this CA (a CA re-made after its key was lost invalidates it),
 * valid for at least RENEW_BEFORE_DAYS more, and carry every name asked
 * for now (a new --tls-san must not need the files deleted by hand).
 */
static bool serving_ok(const cf_pki_paths *p, EVP_PKEY *ca_key,
    const char *const *extra)
{
	const char *const *lists[2] = { fixed_names, extra };
	X509 *c = read_cert(p->cert);
	EVP_PKEY *k = read_key(p->key);
	time_t soon = time(NULL) + (time_t)RENEW_BEFORE_DAYS * 86400;
	bool ok = c && k && X509_check_private_key(c, k) == 1 &&
	    X509_verify(c, ca_key) == 1 &&
	    X509_cmp_time(X509_get0_notAfter(c), &soon) > 0;

	for (int l = 0; ok && l < 2; l++)
		for (const char *const *n = lists[l]; ok && n && *n; n++)
			ok = covers(c, *n);
	X509_free(c);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return ok;
}

int cf_pki_ensure(cf_pki_paths *p, const char *dir, const char *name,
    const char *const *extra)
{
	X509 *ca = NULL;
	EVP_PKEY *ca_key = NULL;
	int err = 0;

	if (!is_dns_name(name) || strchr(name, '*'))
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
		    "invalid certificate name '%s'", name);
	for (const char *const *n = extra; n && *n; n++)
		if (!is_ip(*n) && !is_dns_name(*n))
			return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
			    "invalid certificate name '%s'", *n);
	if (strlen(dir) + strlen(name) + 16 > CF_PKI_PATH_MAX)
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
		    "certificate directory path too long");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return cf_error_os("cannot create '%s'", dir);
	snprintf(p->ca_cert, sizeof(p->ca_cert), "%s/ca.crt", dir);
	snprintf(p->ca_key, sizeof(p->ca_key), "%s/ca.key", dir);
	snprintf(p->cert, sizeof(p->cert), "%s/%s.crt", dir, name);
	snprintf(p->key, sizeof(p->key), "%s/%s.key", dir, name);

	/* The CA is the long-lived identity clients pin; replace it only
	 * when it cannot be used at all. */
	ca = read_cert(p->ca_cert);
	ca_key = read_key(p->ca_key);
	if (!ca || !ca_key || X509_check_private_key(ca, ca_key) != 1) {
		X509_free(ca);
		EVP_PKEY_free(ca_key);
		ca = NULL;
		ca_key = NULL;
		ERR_clear_error();
		if ((err = issue_ca(p, &ca, &ca_key)) < 0)
			return cf_error_wrap("creating the CA in '%s'", dir);
	} else if (serving_ok(p, ca_key, extra)) {
		goto done;
	}
	if ((err = issue_serving(p, ca, ca_key, name, extra)) < 0)
		cf_error_wrap("creating the serving certificate in '%s'", dir);
done:
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	return err;
}

int cf_pki_read_base64(cf_buf *out, const char *path)
{
	FILE *f = fopen(path, "re");
	unsigned char *raw;
	size_t n;
	struct stat st;
	int err;

	if (!f)
		return cf_error_os("cannot open '%s'", path);
	/* Cap before allocating: the path may come from a user's flag. */
	if (fstat(fileno(f), &st) < 0 || st.st_size > (off_t)MAX_PEM_FILE) {
		fclose(f);
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_TLS,
		    "'%s' is not a certificate file of at most 1 MiB", path);
	}
	/* One byte more than the cap tells a file that grew meanwhile. */
	raw = cf_xmalloc(MAX_PEM_FILE + 1);
	n = fread(raw, 1, MAX_PEM_FILE + 1, f);
	fclose(f);
	if (n > MAX_PEM_FILE) {
		free(raw);
		return cf_error_setc(CF_ETOOLARGE, CF_ERR_TLS,
		    "'%s' is larger than 1 MiB", path);
	}
	/* EVP_EncodeBlock writes 4 bytes per 3 and a NUL, no newlines:
	 * exactly kubeconfig's format. */
	if ((err = cf_buf_grow(out, 4 * ((n + 2) / 3) + 1)) == 0) {
		int len = EVP_EncodeBlock((unsigned char *)out->buf + out->len,
		    raw, (int)n);
		out->len += (size_t)len;
		out->buf[out->len] = '\0';
	}
	free(raw);
	return err;
}
