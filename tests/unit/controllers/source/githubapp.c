/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GitHub App tokens. The JWT is taken apart and its RS256 signature
 * verified with OpenSSL against the public half of a key made here; the
 * Secret reading is checked for Flux's messages. The token requests run
 * against tests/lib/github-app-api.py, a stand-in for GitHub's API (which
 * cannot run in a test) that verifies each JWT the same way GitHub does,
 * started on 127.0.0.1 and stopped by PID.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "controllers/source/githubapp.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "test.h"

static EVP_PKEY *key;
static cf_buf pkcs1 = CF_BUF_INIT, pkcs8 = CF_BUF_INIT;

static void pem_of(cf_buf *out, EVP_PKEY *k, int traditional)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	if (traditional)
		PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL,
		    NULL);
	else
		PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	n = BIO_get_mem_data(b, &p);
	cf_buf_add(out, p, (size_t)n);
	BIO_free(b);
}

static void setup_key(void)
{
	if (key)
		return;
	key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	pem_of(&pkcs1, key, 1);
	pem_of(&pkcs8, key, 0);
}

/* Split a JWT, decode its parts into a, and verify its signature. */
static int jwt_open(cf_node **head, cf_node **claims, cf_arena *a,
    const char *jwt, EVP_PKEY *pub)
{
	const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : 0;
	cf_buf h = CF_BUF_INIT, c = CF_BUF_INIT, s = CF_BUF_INIT;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = -1;

	if (!d2 || strchr(d2 + 1, '.') ||
	    cf_base64_decode(&h, jwt, (size_t)(d1 - jwt), true) < 0 ||
	    cf_base64_decode(&c, d1 + 1, (size_t)(d2 - d1 - 1), true) < 0 ||
	    cf_base64_decode(&s, d2 + 1, strlen(d2 + 1), true) < 0 ||
	    cf_json_parse(head, a, h.buf, h.len, NULL) < 0 ||
	    cf_json_parse(claims, a, c.buf, c.len, NULL) < 0)
		goto done;
	if (EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1 &&
	    EVP_DigestVerify(md, (const unsigned char *)s.buf, s.len,
	    (const unsigned char *)jwt, (size_t)(d2 - jwt)) == 1)
		ok = 0;
	else
		ok = -2;
done:
	EVP_MD_CTX_free(md);
	cf_buf_release(&h);
	cf_buf_release(&c);
	cf_buf_release(&s);
	return ok;
}

TEST(test_source_githubapp__jwt_verifies)
{
	cf_buf jwt = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *head, *claims;
	int64_t v;

	setup_key();
	for (int form = 0; form < 2; form++) {
		cf_buf *pem = form ? &pkcs8 : &pkcs1;

		cf_buf_reset(&jwt);
		CHECK_INT(cf_ghapp_jwt(&jwt, 12345, pem->buf, pem->len,
		    1700000000), 0);
		CHECK_INT(jwt_open(&head, &claims, &a, jwt.buf, key), 0);
		CHECK_STR(cf_node_getp_str(head, "alg", NULL), "RS256");
		CHECK_STR(cf_node_getp_str(head, "typ", NULL), "JWT");
		CHECK_STR(cf_node_getp_str(claims, "iss", NULL), "12345");
		CHECK(cf_node_as_int(cf_node_get(claims, "iat"), &v));
		CHECK_INT(v, 1700000000 - 60);
		CHECK(cf_node_as_int(cf_node_get(claims, "exp"), &v));
		CHECK_INT(v, 1700000000 + 120);
		CHECK(v - (1700000000 - 60) <= 600);
		/* No padding, URL alphabet only. */
		CHECK(strspn(jwt.buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		    "opqrstuvwxyz0123456789-_.") == jwt.len);
	}
	/* A changed signature does not verify. */
	{
		char *d2 = strrchr(jwt.buf, '.');

		d2[5] = d2[5] == 'A' ? 'B' : 'A';
		CHECK_INT(jwt_open(&head, &claims, &a, jwt.buf, key), -2);
	}
	/* Another key's signature does not verify. */
	{
		EVP_PKEY *other = EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)2048);

		cf_buf_reset(&jwt);
		CHECK_INT(cf_ghapp_jwt(&jwt, 1, pkcs1.buf, pkcs1.len,
		    1700000000), 0);
		CHECK_INT(jwt_open(&head, &claims, &a, jwt.buf, other), -2);
		EVP_PKEY_free(other);
	}
	cf_buf_release(&jwt);
	cf_arena_release(&a);
}

TEST(test_source_githubapp__jwt_bad_keys)
{
	cf_buf jwt = CF_BUF_INIT, ec = CF_BUF_INIT, enc = CF_BUF_INIT;
	EVP_PKEY *eck = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long n;

	setup_key();
	CHECK_INT(cf_ghapp_jwt(&jwt, 1, "nope", 4, 0), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "could not parse private key: invalid key: "
	    "Key must be a PEM encoded PKCS1 or PKCS8 key");
	CHECK_INT(jwt.len, 0);
	pem_of(&ec, eck, 0);
	CHECK_INT(cf_ghapp_jwt(&jwt, 1, ec.buf, ec.len, 0), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "could not parse private key: key is not a "
	    "valid RSA private key");
	/* An encrypted key fails at once: there is no passphrase to ask. */
	PEM_write_bio_PrivateKey(b, key, EVP_aes_128_cbc(), NULL, 0, NULL,
	    (void *)"pw");
	n = BIO_get_mem_data(b, &p);
	cf_buf_add(&enc, p, (size_t)n);
	CHECK_INT(cf_ghapp_jwt(&jwt, 1, enc.buf, enc.len, 0), CF_EINVALID);
	/* No key material in the message. */
	CHECK(!strstr(cf_error_msg(), "BEGIN"));
	BIO_free(b);
	EVP_PKEY_free(eck);
	cf_buf_release(&jwt);
	cf_buf_release(&ec);
	cf_buf_release(&enc);
}

/* Secrets as the API server returns them ("MQ==" is "1" in data). */
static const struct {
	const char *json;
	int code;
	const char *msg;
} secrets[] = {
	{ "{\"stringData\":{\"username\":\"u\"}}", CF_ENOTFOUND,
	  "secret 'ns/s' has no GitHub App data" },
	{ "{\"data\":{\"githubAppID\":\"MQ==\","
	  "\"githubAppInstallationID\":\"MQ==\"}}", CF_EINVALID,
	  "secret 'ns/s': key 'githubAppPrivateKey' not found" },
	{ "{\"stringData\":{\"githubAppPrivateKey\":\"k\","
	  "\"githubAppInstallationID\":\"1\"}}", CF_EINVALID,
	  "secret 'ns/s': key 'githubAppID' not found" },
	{ "{\"stringData\":{\"githubAppID\":\"1\",\"githubAppPrivateKey\":"
	  "\"k\",\"githubAppInstallationID\":\"1\","
	  "\"githubAppInstallationOwner\":\"o\"}}", CF_EINVALID,
	  "secret 'ns/s' must contain exactly one of "
	  "'githubAppInstallationOwner' or 'githubAppInstallationID'" },
	{ "{\"stringData\":{\"githubAppID\":\"1\",\"githubAppPrivateKey\":"
	  "\"k\"}}", CF_EINVALID, "secret 'ns/s' must contain exactly one "
	  "of 'githubAppInstallationOwner' or 'githubAppInstallationID'" },
	{ "{\"data\":{\"githubAppID\":\"MQ==\",\"githubAppPrivateKey\":"
	  "\"aw==\",\"githubAppInstallationOwner\":\"bw==\","
	  "\"githubAppBaseURL\":\"aHR0cDovL2g=\"}}", 0, NULL },
};

TEST(test_source_githubapp__from_secret)
{
	cf_arena a = CF_ARENA_INIT;
	const char *t;
	cf_ghapp app;
	cf_node *sec = NULL;

	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		CHECK_INT(cf_json_parse(&sec, &a, secrets[i].json,
		    strlen(secrets[i].json), NULL), 0);
		CHECK_INT(cf_ghapp_from_secret(&app, &a, sec, "ns", "s"),
		    secrets[i].code);
		if (secrets[i].msg)
			CHECK_STR(cf_error_msg(), secrets[i].msg);
		/* Flux's test for "has GitHub App data": a githubAppID. */
		CHECK_INT(cf_ghapp_secret_has_app(sec, &a), i != 0 && i != 2);
	}
	CHECK_STR(app.app_id, "1");
	CHECK_STR(app.installation_owner, "o");
	CHECK(!app.installation_id);
	CHECK_INT(app.private_key_len, 1);
	CHECK_STR(app.base_url, "http://h");
	CHECK(!app.ca_pem);
	/* Numbers are checked when a token is asked for, as Flux's New. */
	app.app_id = "x1";
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "app ID must be provided to use github app "
	    "authentication");
	cf_arena_release(&a);
}

/* ---- against the stand-in API ---- */

static pid_t api_pid;
static char api_dir[512], base[128];

/* A count the stand-in keeps ("minted", "access_tokens", "orgs" ...). */
static long api_count(const char *name)
{
	char path[600], line[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/counts", api_dir);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(name);

		if (!strncmp(line, name, n) && line[n] == ' ')
			v = atol(line + n + 1);
	}
	fclose(f);
	return v;
}

static bool proxy_started;

static void api_stop(void)
{
	char cmd[1024];

	if (proxy_started) {
		snprintf(cmd, sizeof(cmd), "bash %s/gitserver.sh stop %s/proxy",
		    CF_TEST_LIB, api_dir);
		if (system(cmd) == 0)
			proxy_started = false;
	}
	if (api_pid > 0) {
		kill(api_pid, SIGTERM);
		waitpid(api_pid, NULL, 0);
		api_pid = 0;
	}
}

TEST(test_source_githubapp__api_start)
{
	char pub[600], port_file[600], port[32] = "";
	FILE *f = NULL;
	BIO *b;

	setup_key();
	if (system("python3 -c 'import cryptography' 2>/dev/null")) {
		printf("    skipped: python3-cryptography is not installed\n");
		return;
	}
	snprintf(api_dir, sizeof(api_dir), "%s/api", cf_test_tmpdir());
	CHECK_INT(mkdir(api_dir, 0700), 0);
	snprintf(pub, sizeof(pub), "%s/app.pub", api_dir);
	snprintf(port_file, sizeof(port_file), "%s/port", api_dir);
	b = BIO_new_file(pub, "w");
	PEM_write_bio_PUBKEY(b, key);
	BIO_free(b);
	api_pid = fork();
	if (api_pid == 0) {
		char cf[600], uf[600];

		snprintf(cf, sizeof(cf), "%s/counts", api_dir);
		snprintf(uf, sizeof(uf), "%s/users", api_dir);
		execlp("python3", "python3", CF_TEST_LIB "/github-app-api.py",
		    "--port-file", port_file, "--app-id", "4242",
		    "--public-key", pub, "--users-file", uf,
		    "--count-file", cf, "--prefix", "/api/v3",
		    "--installation", "77:acme:org",
		    "--installation", "78:octocat:user",
		    "--installation", "79:brief:org:5",
		    "--huge-owner", "huge", (char *)NULL);
		_exit(127);
	}
	atexit(api_stop);
	for (int i = 0; i < 200 && !port[0]; i++) {
		if ((f = fopen(port_file, "r"))) {
			if (!fgets(port, sizeof(port), f))
				port[0] = '\0';
			fclose(f);
		}
		if (!port[0])
			nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	}
	port[strcspn(port, "\n")] = '\0';
	CHECK(port[0]);
	snprintf(base, sizeof(base), "http://127.0.0.1:%s/api/v3/", port);
}

/* Does the users file the stand-in writes hold this line? */
static bool users_has(const char *path, const char *line)
{
	char got[256];
	bool found = false;
	FILE *f = fopen(path, "r");

	while (f && !found && fgets(got, sizeof(got), f))
		found = !strcmp(got, line);
	if (f)
		fclose(f);
	return found;
}

static cf_ghapp app_with(const char *id, const char *owner)
{
	return (cf_ghapp){ .app_id = "4242", .installation_id = id,
		.installation_owner = owner, .private_key = pkcs1.buf,
		.private_key_len = pkcs1.len, .base_url = base };
}

TEST(test_source_githubapp__token_cached)
{
	cf_arena a = CF_ARENA_INIT;
	cf_ghapp app = app_with("77", NULL);
	const char *t1, *t2;
	char users[700], want[128];

	if (!api_pid)
		return;
	cf_ghapp_cache_clear();
	CHECK_INT(cf_ghapp_token(&t1, &a, &app, NULL), 0);
	CHECK(!strncmp(t1, "ghs_", 4));
	/* The token the API minted, the one it will accept from git. */
	snprintf(want, sizeof(want), "x-access-token:%s\n", t1);
	snprintf(users, sizeof(users), "%s/users", api_dir);
	CHECK(users_has(users, want));
	CHECK_INT(cf_ghapp_token(&t2, &a, &app, NULL), 0);
	CHECK_STR(t2, t1);
	CHECK_INT(api_count("minted"), 1);
	/* The owner is another cache key: looked up as an org, then a user. */
	app = app_with(NULL, "acme");
	CHECK_INT(cf_ghapp_token(&t2, &a, &app, NULL), 0);
	CHECK(strcmp(t2, t1));
	CHECK_INT(api_count("orgs"), 1);
	CHECK_INT(api_count("users"), 0);
	app = app_with(NULL, "octocat");
	CHECK_INT(cf_ghapp_token(&t2, &a, &app, NULL), 0);
	CHECK_INT(api_count("orgs"), 2);
	CHECK_INT(api_count("users"), 1);
	CHECK_INT(api_count("minted"), 3);
	cf_arena_release(&a);
}

TEST(test_source_githubapp__api_errors)
{
	cf_arena a = CF_ARENA_INIT;
	cf_ghapp app = app_with("77", NULL);
	cf_buf other = CF_BUF_INIT;
	EVP_PKEY *k2;
	char want[512];
	const char *t;

	if (!api_pid)
		return;
	k2 = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	pem_of(&other, k2, 1);
	app.private_key = other.buf;
	app.private_key_len = other.len;
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), CF_EFORBIDDEN);
	snprintf(want, sizeof(want), "POST %sapp/installations/77/"
	    "access_tokens: 401 A JSON web token could not be decoded []",
	    base);
	CHECK_STR(cf_error_msg(), want);
	/* An installation the App does not have. */
	app = app_with("99", NULL);
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), CF_EFORBIDDEN);
	CHECK(strstr(cf_error_msg(), "/app/installations/99/access_tokens: "
	    "404 Not Found []"));
	app = app_with(NULL, "nobody");
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), CF_EFORBIDDEN);
	snprintf(want, sizeof(want), "failed to find organization "
	    "installation: GET %sorgs/nobody/installation: 404 Not Found []\n"
	    "failed to find user installation: GET %susers/nobody/installation"
	    ": 404 Not Found []", base, base);
	CHECK_STR(cf_error_msg(), want);
	/* An answer past the cap is refused, not read whole. */
	app = app_with(NULL, "huge");
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), CF_ETOOLARGE);
	EVP_PKEY_free(k2);
	cf_buf_release(&other);
	cf_arena_release(&a);
}

/* Many passes asking at once for one app's token make one request. */
static void *ask(void *arg)
{
	cf_arena a = CF_ARENA_INIT;
	cf_ghapp app = app_with("78", NULL);
	const char *t;

	*(int *)arg = cf_ghapp_token(&t, &a, &app, NULL);
	cf_arena_release(&a);
	return NULL;
}

TEST(test_source_githubapp__one_request_for_many)
{
	pthread_t th[16];
	int rc[16];
	long before;

	if (!api_pid)
		return;
	cf_ghapp_cache_clear();
	before = api_count("minted");
	for (int i = 0; i < 16; i++)
		pthread_create(&th[i], NULL, ask, &rc[i]);
	for (int i = 0; i < 16; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(rc[i], 0);
	}
	CHECK_INT(api_count("minted") - before, 1);
}

/* A token is kept for 80% of its life (4 s of 5 here), then renewed. */
TEST(test_source_githubapp__renewed_before_expiry)
{
	cf_arena a = CF_ARENA_INIT;
	cf_ghapp app = app_with("79", NULL);
	const char *t1, *t2;
	long before;

	if (!api_pid)
		return;
	before = api_count("minted");
	CHECK_INT(cf_ghapp_token(&t1, &a, &app, NULL), 0);
	CHECK_INT(cf_ghapp_token(&t2, &a, &app, NULL), 0);
	CHECK_STR(t2, t1);
	CHECK_INT(api_count("minted") - before, 1);
	nanosleep(&(struct timespec){ 4, 500000000 }, NULL);
	CHECK_INT(cf_ghapp_token(&t2, &a, &app, NULL), 0);
	CHECK(strcmp(t2, t1));
	CHECK_INT(api_count("minted") - before, 2);
	cf_arena_release(&a);
}

/* First line a shell command prints. */
static void first_line(char *out, size_t n, const char *cmd)
{
	FILE *f = popen(cmd, "r");

	out[0] = '\0';
	if (f) {
		if (!fgets(out, (int)n, f))
			out[0] = '\0';
		pclose(f);
	}
	out[strcspn(out, "\n")] = '\0';
}

/*
 * Without a proxy of its own the daemon's HTTP_PROXY applies, except to
 * loopback and NO_PROXY hosts (Go's rules, which Flux follows). A proxied
 * request needs a name that is not "localhost" but resolves to 127.0.0.1
 * (tinyproxy connects to it): the machine's own name, when /etc/hosts
 * says so.
 */
TEST(test_source_githubapp__environment_proxy)
{
	char cmd[1024], port[32], me[128], url[256], log[600];
	cf_arena a = CF_ARENA_INIT;
	cf_ghapp app = app_with("77", NULL);
	const char *t;
	unsigned api_port;

	if (!api_pid)
		return;
	first_line(me, sizeof(me), "h=$(hostname); getent hosts \"$h\" | "
	    "grep -q '^127\\.' && echo \"$h\"");
	if (!me[0] || access("/usr/bin/tinyproxy", X_OK)) {
		printf("    skipped: no tinyproxy, or the host name is not "
		    "loopback\n");
		return;
	}
	snprintf(cmd, sizeof(cmd), "bash %s/gitserver.sh proxy-start %s/proxy",
	    CF_TEST_LIB, api_dir);
	first_line(port, sizeof(port), cmd);
	proxy_started = true; /* api_stop stops it, whatever happens here */
	CHECK(port[0]);
	snprintf(url, sizeof(url), "http://127.0.0.1:%s", port);
	setenv("HTTP_PROXY", url, 1);
	/* Through the proxy, by the machine's name. */
	CHECK_INT(sscanf(base, "http://127.0.0.1:%u/", &api_port), 1);
	snprintf(url, sizeof(url), "http://%s:%u/api/v3", me, api_port);
	app.base_url = url;
	cf_ghapp_cache_clear();
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), 0);
	snprintf(cmd, sizeof(cmd), "grep -c 'POST %s/app/installations/77/"
	    "access_tokens' %s/proxy/tinyproxy.log", url, api_dir);
	first_line(log, sizeof(log), cmd);
	CHECK_STR(log, "1");
	/* NO_PROXY names it, and loopback is never proxied: a dead proxy
	 * would fail either request. */
	setenv("HTTP_PROXY", "http://127.0.0.1:1", 1);
	setenv("NO_PROXY", "example.org, *.test ,", 1);
	cf_ghapp_cache_clear();
	CHECK(cf_ghapp_token(&t, &a, &app, NULL) < 0);
	snprintf(log, sizeof(log), "example.org, %s:%u", me, api_port);
	setenv("NO_PROXY", log, 1);
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), 0);
	unsetenv("NO_PROXY");
	app.base_url = base;
	cf_ghapp_cache_clear();
	CHECK_INT(cf_ghapp_token(&t, &a, &app, NULL), 0);
	unsetenv("HTTP_PROXY");
	cf_arena_release(&a);
}

TEST(test_source_githubapp__cleanup)
{
	api_stop();
	cf_buf_release(&pkcs1);
	cf_buf_release(&pkcs8);
	EVP_PKEY_free(key);
	key = NULL;
	cf_ghapp_cache_clear();
}

TEST_MAIN(T(test_source_githubapp__jwt_verifies),
    T(test_source_githubapp__jwt_bad_keys),
    T(test_source_githubapp__from_secret),
    T(test_source_githubapp__api_start),
    T(test_source_githubapp__token_cached),
    T(test_source_githubapp__api_errors),
    T(test_source_githubapp__one_request_for_many),
    T(test_source_githubapp__renewed_before_expiry),
    T(test_source_githubapp__environment_proxy),
    T(test_source_githubapp__cleanup))
