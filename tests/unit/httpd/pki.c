/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pki tests: the files cf_pki_ensure writes are checked with the openssl
 * CLI (an independent reader), and reuse is checked by comparing bytes.
 */
#include "test.h"
#include "core/buf.h"
#include "core/error.h"
#include "httpd/pki.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int run(cf_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int run(cf_buf *out, const char *fmt, ...)
{
	char cmd[4096], tmp[4096];
	va_list ap;
	FILE *p;
	size_t n;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), p)) > 0)
		cf_buf_add(out, tmp, n);
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static int slurp(cf_buf *out, const char *path)
{
	FILE *f = fopen(path, "r");
	char tmp[4096];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		cf_buf_add(out, tmp, n);
	fclose(f);
	return 0;
}

static int mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) < 0 ? -1 : (int)(st.st_mode & 0777);
}

TEST(test_httpd_pki__creates_ca_and_serving_pair)
{
	char dir[512];
	cf_pki_paths p;
	cf_buf text = CF_BUF_INIT, verify = CF_BUF_INIT;

	snprintf(dir, sizeof(dir), "%s/pki1", cf_test_tmpdir());
	CHECK_INT(cf_pki_ensure(&p, dir, "apiserver", (const char *const[]){
	    "cflux.example", "10.1.2.3", NULL }), 0);
	CHECK_INT(mode_of(p.ca_key), 0600);
	CHECK_INT(mode_of(p.key), 0600);
	CHECK_INT(mode_of(dir), 0700);
	CHECK(strstr(p.cert, "/apiserver.crt"));
	CHECK_INT(run(&text, "openssl x509 -noout -text -in '%s'", p.cert), 0);
	CHECK(strstr(text.buf, "ASN1 OID: prime256v1"));
	CHECK(strstr(text.buf, "IP Address:127.0.0.1"));
	CHECK(strstr(text.buf, "IP Address:0:0:0:0:0:0:0:1"));
	CHECK(strstr(text.buf, "DNS:localhost"));
	CHECK(strstr(text.buf, "DNS:cflux.example"));
	CHECK(strstr(text.buf, "IP Address:10.1.2.3"));
	CHECK(strstr(text.buf, "TLS Web Server Authentication"));
	CHECK(strstr(text.buf, "CA:FALSE"));
	CHECK_INT(run(&verify, "openssl verify -CAfile '%s' '%s' 2>&1",
	    p.ca_cert, p.cert), 0);
	CHECK(strstr(verify.buf, ": OK"));
	cf_buf_reset(&text);
	CHECK_INT(run(&text, "openssl x509 -noout -text -in '%s'", p.ca_cert), 0);
	CHECK(strstr(text.buf, "CA:TRUE"));
	CHECK(strstr(text.buf, "Certificate Sign"));
	cf_buf_release(&text);
	cf_buf_release(&verify);
}

TEST(test_httpd_pki__reused_then_reissued_for_new_name)
{
	char dir[512];
	cf_pki_paths p;
	cf_buf ca1 = CF_BUF_INIT, crt1 = CF_BUF_INIT, key1 = CF_BUF_INIT;
	cf_buf ca2 = CF_BUF_INIT, crt2 = CF_BUF_INIT, key2 = CF_BUF_INIT;
	cf_buf ca3 = CF_BUF_INIT, crt3 = CF_BUF_INIT, text = CF_BUF_INIT;

	snprintf(dir, sizeof(dir), "%s/pki2", cf_test_tmpdir());
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", NULL), 0);
	slurp(&ca1, p.ca_cert);
	slurp(&crt1, p.cert);
	slurp(&key1, p.key);
	CHECK(ca1.len > 0 && crt1.len > 0 && key1.len > 0);
	/* Second start: every byte is kept. */
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", NULL), 0);
	slurp(&ca2, p.ca_cert);
	slurp(&crt2, p.cert);
	slurp(&key2, p.key);
	CHECK_STR(ca1.buf, ca2.buf);
	CHECK_STR(crt1.buf, crt2.buf);
	CHECK_STR(key1.buf, key2.buf);
	/* A new name: same CA, new serving certificate that carries it. */
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", (const char *const[]){
	    "new.example", NULL }), 0);
	slurp(&ca3, p.ca_cert);
	slurp(&crt3, p.cert);
	CHECK_STR(ca1.buf, ca3.buf);
	CHECK(strcmp(crt1.buf, crt3.buf) != 0);
	CHECK_INT(run(&text, "openssl x509 -noout -ext subjectAltName -in '%s'",
	    p.cert), 0);
	CHECK(strstr(text.buf, "DNS:new.example"));
	/* A lost serving key is re-issued too. */
	CHECK_INT(unlink(p.key), 0);
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", NULL), 0);
	CHECK_INT(mode_of(p.key), 0600);
	cf_buf_release(&ca1); cf_buf_release(&crt1); cf_buf_release(&key1);
	cf_buf_release(&ca2); cf_buf_release(&crt2); cf_buf_release(&key2);
	cf_buf_release(&ca3); cf_buf_release(&crt3); cf_buf_release(&text);
}

TEST(test_httpd_pki__refuses_names_that_would_inject_sans)
{
	char dir[512];
	cf_pki_paths p;

	snprintf(dir, sizeof(dir), "%s/pki3", cf_test_tmpdir());
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", (const char *const[]){
	    "ok.example,DNS:evil.example", NULL }), CF_EINVALID);
	CHECK_INT(cf_pki_ensure(&p, dir, "a/b", NULL), CF_EINVALID);
}

TEST(test_httpd_pki__read_base64_round_trips)
{
	char dir[512], big[600];
	cf_pki_paths p;
	cf_buf b64 = CF_BUF_INIT, decoded = CF_BUF_INIT, orig = CF_BUF_INIT;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/pki4", cf_test_tmpdir());
	CHECK_INT(cf_pki_ensure(&p, dir, "srv", NULL), 0);
	CHECK_INT(cf_pki_read_base64(&b64, p.ca_cert), 0);
	CHECK(!strchr(b64.buf, '\n'));
	CHECK_INT(run(&decoded, "printf %%s '%s' | base64 -d", b64.buf), 0);
	slurp(&orig, p.ca_cert);
	CHECK_STR(decoded.buf, orig.buf);
	CHECK_INT(cf_pki_read_base64(&b64, "/nonexistent/ca.crt"), CF_ENOTFOUND);
	snprintf(big, sizeof(big), "%s/big.pem", dir);
	f = fopen(big, "w");
	CHECK(f != NULL);
	for (int i = 0; i < 17000; i++) /* 17000 x 62 bytes > 1 MiB */
		fputs("0123456789012345678901234567890123456789012345678901234567890\n",
		    f);
	fclose(f);
	CHECK_INT(cf_pki_read_base64(&b64, big), CF_ETOOLARGE);
	cf_buf_release(&b64);
	cf_buf_release(&decoded);
	cf_buf_release(&orig);
}

TEST_MAIN(T(test_httpd_pki__creates_ca_and_serving_pair),
    T(test_httpd_pki__reused_then_reissued_for_new_name),
    T(test_httpd_pki__refuses_names_that_would_inject_sans),
    T(test_httpd_pki__read_base64_round_trips))
