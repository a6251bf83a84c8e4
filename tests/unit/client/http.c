/* SPDX-License-Identifier: Apache-2.0 */
/* core/http.h against the scripted server on 127.0.0.1, plain and TLS. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/http.h"
#include "core/json.h"
#include "fixture.h"
#include "test.h"

static fx_proc srv = { -1, 0 }, tls_srv = { -1, 0 }, mtls_srv = { -1, 0 },
    dns_srv = { -1, 0 };
static char certdir[512];

static void stop_all(void)
{
	fx_stop(&srv);
	fx_stop(&tls_srv);
	fx_stop(&mtls_srv);
	fx_stop(&dns_srv);
}

static int plain_port(void)
{
	if (srv.pid <= 0 && fx_fake_server(&srv, NULL, NULL, NULL) == 0)
		atexit(stop_all);
	return srv.port;
}

static const char *url(char *buf, size_t n, const char *scheme, int port,
    const char *path)
{
	snprintf(buf, n, "%s://127.0.0.1:%d%s", scheme, port, path);
	return buf;
}

/* GET (or method) path and parse the JSON answer into *out. */
static int fetch(cf_node **out, cf_arena *a, cf_http *h, const char *method,
    const char *u, const char *body, long *status)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	int err = cf_http_do(h, &(cf_http_request){ .method = method, .url = u,
	    .body = body, .body_len = body ? strlen(body) : 0,
	    .content_type = body ? "application/merge-patch+json" : NULL },
	    &resp);

	*status = resp.status;
	if (err == 0 && out)
		err = cf_json_parse(out, a, resp.body.buf, resp.body.len, NULL);
	cf_http_response_release(&resp);
	return err;
}

TEST(test_client_http__get_sends_headers)
{
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r = NULL;
	long st = 0;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .bearer_token = "s3cr3t",
	    .user_agent = "cflux-test/1" }), 0);
	CHECK_INT(fetch(&r, &a, h, NULL, url(u, sizeof(u), "http",
	    plain_port(), "/echo?x=1"), NULL, &st), 0);
	CHECK_INT(st, 200);
	CHECK_STR(cf_node_getp_str(r, "method", NULL), "GET");
	CHECK_STR(cf_node_getp_str(r, "path", NULL), "/echo?x=1");
	CHECK_STR(cf_node_getp_str(r, "headers", "authorization", NULL),
	    "Bearer s3cr3t");
	CHECK_STR(cf_node_getp_str(r, "headers", "accept", NULL),
	    "application/json");
	CHECK_STR(cf_node_getp_str(r, "headers", "user-agent", NULL),
	    "cflux-test/1");
	/* A rotated token is used from the next request on. */
	cf_http_set_token(h, "n3w");
	CHECK_INT(fetch(&r, &a, h, NULL, u, NULL, &st), 0);
	CHECK_STR(cf_node_getp_str(r, "headers", "authorization", NULL),
	    "Bearer n3w");
	cf_http_free(h);
	cf_arena_release(&a);
}

TEST(test_client_http__methods_and_bodies)
{
	static const char *const methods[] = { "POST", "PUT", "PATCH",
	    "DELETE" };
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r = NULL;
	long st = 0;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	url(u, sizeof(u), "http", plain_port(), "/echo");
	for (size_t i = 0; i < 4; i++) {
		CHECK_INT(fetch(&r, &a, h, methods[i], u, "{\"a\":1}", &st), 0);
		CHECK_INT(st, 200);
		CHECK_STR(cf_node_getp_str(r, "method", NULL), methods[i]);
		CHECK_STR(cf_node_getp_str(r, "body", NULL), "{\"a\":1}");
		CHECK_STR(cf_node_getp_str(r, "headers", "content-type", NULL),
		    "application/merge-patch+json");
		CHECK(!cf_node_get(cf_node_get(r, "headers"), "authorization"));
	}
	/* DELETE without a body sends none. */
	CHECK_INT(fetch(&r, &a, h, "DELETE", u, NULL, &st), 0);
	CHECK_STR(cf_node_getp_str(r, "method", NULL), "DELETE");
	CHECK_STR(cf_node_getp_str(r, "body", NULL), "");
	cf_http_free(h);
	cf_arena_release(&a);
}

TEST(test_client_http__reuses_connections)
{
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r1 = NULL, *r2 = NULL;
	int64_t p1 = 0, p2 = 0;
	long st;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	url(u, sizeof(u), "http", plain_port(), "/echo");
	CHECK_INT(fetch(&r1, &a, h, NULL, u, NULL, &st), 0);
	CHECK_INT(fetch(&r2, &a, h, "POST", u, "{}", &st), 0);
	CHECK(cf_node_as_int(cf_node_get(r1, "port"), &p1));
	CHECK(cf_node_as_int(cf_node_get(r2, "port"), &p2));
	/* Same client port: the keep-alive connection was reused. */
	CHECK_INT(p1, p2);
	cf_http_free(h);
	cf_arena_release(&a);
}

TEST(test_client_http__caps_bodies)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_http *h = NULL;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/big/998"), .max_body = 1000 }, &resp), 0);
	CHECK_INT(resp.body.len, 1000);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/big/5000"), .max_body = 1000 }, &resp),
	    CF_ETOOLARGE);
	CHECK(strstr(cf_error_msg(), "exceeds 1000 bytes"));
	/* The cap applies to decoded bytes: a small gzip body that
	 * inflates past it is refused too. */
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/gzip/100000"), .max_body = 10000 }, &resp),
	    CF_ETOOLARGE);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u,
	    .max_body = 200000 }, &resp), 0);
	CHECK_INT(resp.body.len, 100000);
	CHECK(resp.body.buf[0] == '0' && resp.body.buf[99999] == '0');
	cf_http_response_release(&resp);
	cf_http_free(h);
}

TEST(test_client_http__status_and_retry_after)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_http *h = NULL;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/flaky/ra/1/429") }, &resp), 0);
	CHECK_INT(resp.status, 429);
	CHECK_INT(resp.retry_after, 0);
	CHECK_STR(resp.content_type, "application/json");
	CHECK(strstr(resp.body.buf, "TooManyRequests"));
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(resp.retry_after, -1);
	CHECK_INT(resp.warnings.len, 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/warn") }, &resp), 0);
	CHECK_STR(resp.warnings.buf, "299 - \"unknown field \\\"spec.foo\\\"\"\n"
	    "299 - \"v1beta1 is deprecated\"\n");
	cf_http_response_release(&resp);
	cf_http_free(h);
}

TEST(test_client_http__timeout_and_refused)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	fx_proc gone = { -1, 0 };
	cf_http *h = NULL;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .bearer_token = "tok3n" }),
	    0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/slow/2000"), .timeout_ms = 300 }, &resp),
	    CF_ETIMEOUT);
	/* A port nobody listens on any more. */
	CHECK_INT(fx_fake_server(&gone, NULL, NULL, NULL), 0);
	fx_stop(&gone);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", gone.port, "/echo") }, &resp), CF_ERROR);
	CHECK(resp.not_sent);
	CHECK(strstr(cf_error_msg(), "GET http://127.0.0.1:"));
	CHECK(!strstr(cf_error_msg(), "tok3n"));
	cf_http_response_release(&resp);
	cf_http_free(h);
}

TEST(test_client_http__explicit_proxy)
{
	cf_arena a = CF_ARENA_INIT;
	fx_proc gone = { -1, 0 };
	cf_http *h = NULL;
	cf_node *r = NULL;
	char proxy[64], u[256];
	long st = 0;

	CHECK(plain_port() > 0);
	CHECK_INT(fx_fake_server(&gone, NULL, NULL, NULL), 0);
	fx_stop(&gone);
	/* The scripted server answers proxy-style requests too: reaching a
	 * dead port through it proves the proxy carried the request. */
	snprintf(proxy, sizeof(proxy), "http://127.0.0.1:%d", plain_port());
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .proxy = proxy }), 0);
	CHECK_INT(fetch(&r, &a, h, NULL, url(u, sizeof(u), "http", gone.port,
	    "/echo"), NULL, &st), 0);
	CHECK_INT(st, 200);
	CHECK_STR(cf_node_getp_str(r, "path", NULL), u);
	cf_http_free(h);
	cf_arena_release(&a);
}

TEST(test_client_http__ignores_proxy_environment)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_http *h = NULL;
	char u[256];

	CHECK(plain_port() > 0);
	/* A proxy that does not exist: used, it would fail the request. */
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	setenv("HTTP_PROXY", "http://127.0.0.1:9", 1);
	setenv("ALL_PROXY", "http://127.0.0.1:9", 1);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/echo") }, &resp), 0);
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("ALL_PROXY");
	CHECK_INT(resp.status, 200);
	cf_http_response_release(&resp);
	cf_http_free(h);
}

struct collect {
	cf_buf got;
	int calls;
};

static int on_chunk(const char *data, size_t len, void *payload)
{
	struct collect *c = payload;

	c->calls++;
	cf_buf_add(&c->got, data, len);
	return 0;
}

static int on_chunk_abort(const char *data, size_t len, void *payload)
{
	(void)data;
	(void)len;
	(void)payload;
	return cf_error_setc(CF_EINVALID, CF_ERR_PARSE, "stop here");
}

TEST(test_client_http__streams)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	struct collect c = { CF_BUF_INIT, 0 };
	cf_http *h = NULL;
	char u[256];

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/api/v1/namespaces/default/configmaps"
	    "?watch=true"), .on_data = on_chunk, .payload = &c,
	    .timeout_ms = -1 }, &resp), 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(resp.body.len, 0);
	CHECK(c.calls >= 2);
	CHECK(strstr(c.got.buf, "\"BOOKMARK\""));
	/* An error answer is buffered, not streamed. */
	c.calls = 0;
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/status/404"), .on_data = on_chunk,
	    .payload = &c }, &resp), 0);
	CHECK_INT(resp.status, 404);
	CHECK_INT(c.calls, 0);
	CHECK(strstr(resp.body.buf, "NotFound"));
	/* The callback's error ends the transfer and is returned. */
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/big/100"), .on_data = on_chunk_abort },
	    &resp), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "stop here");
	cf_buf_release(&c.got);
	cf_http_response_release(&resp);
	cf_http_free(h);
}

static void *set_later(void *p)
{
	usleep(200000);
	atomic_store((atomic_int *)p, 1);
	return NULL;
}

TEST(test_client_http__cancel)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	atomic_int cancel = 0;
	cf_http *h = NULL;
	pthread_t t;
	char u[256];
	int err;

	CHECK(plain_port() > 0);
	CHECK_INT(cf_http_new(&h, NULL), 0);
	pthread_create(&t, NULL, set_later, &cancel);
	err = cf_http_do(h, &(cf_http_request){ .url = url(u, sizeof(u),
	    "http", plain_port(), "/slow/4000"), .cancel = &cancel }, &resp);
	pthread_join(t, NULL);
	CHECK_INT(err, CF_ERROR);
	CHECK(resp.cancelled);
	cf_http_response_release(&resp);
	cf_http_free(h);
}

static int tls_setup(void)
{
	char cert[600], key[600], ca[600];

	if (tls_srv.pid > 0)
		return 0;
	snprintf(certdir, sizeof(certdir), "%s", cf_test_tmpdir());
	if (fx_make_cert(certdir, "server", "127.0.0.1", "IP:127.0.0.1") ||
	    fx_make_cert(certdir, "client", "tester", "DNS:tester") ||
	    fx_make_cert(certdir, "other", "stranger", "DNS:stranger") ||
	    fx_make_cert(certdir, "named", "kube", "DNS:kube.internal"))
		return -1;
	snprintf(cert, sizeof(cert), "%s/server.pem", certdir);
	snprintf(key, sizeof(key), "%s/server.key", certdir);
	snprintf(ca, sizeof(ca), "%s/client.pem", certdir);
	if (fx_fake_server(&tls_srv, cert, key, NULL) < 0 ||
	    fx_fake_server(&mtls_srv, cert, key, ca) < 0)
		return -1;
	snprintf(cert, sizeof(cert), "%s/named.pem", certdir);
	snprintf(key, sizeof(key), "%s/named.key", certdir);
	if (fx_fake_server(&dns_srv, cert, key, NULL) < 0)
		return -1;
	plain_port();
	return 0;
}

static char *certfile(const char *name, size_t *len)
{
	char p[600];

	snprintf(p, sizeof(p), "%s/%s", certdir, name);
	return fx_slurp(p, len);
}

TEST(test_client_http__tls_server_verification)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r1 = NULL, *r2 = NULL;
	int64_t p1 = 0, p2 = -1;
	size_t calen = 0, olen = 0;
	char *ca, *other, u[256];

	CHECK_INT(tls_setup(), 0);
	ca = certfile("server.pem", &calen);
	other = certfile("other.pem", &olen);
	CHECK(ca && other);
	url(u, sizeof(u), "https", tls_srv.port, "/echo");

	/* The system store does not know our self-signed server. */
	CHECK_INT(cf_http_new(&h, NULL), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp),
	    CF_ERROR);
	CHECK_INT(cf_error_last()->klass, CF_ERR_TLS);
	cf_http_free(h);

	/* Trusting another CA is no better. */
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = other,
	    .ca_pem_len = olen }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp),
	    CF_ERROR);
	cf_http_free(h);

	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = ca,
	    .ca_pem_len = calen }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(cf_json_parse(&r1, &a, resp.body.buf, resp.body.len, NULL),
	    0);
	/* TLS connections are reused too (no handshake per request). */
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(cf_json_parse(&r2, &a, resp.body.buf, resp.body.len, NULL),
	    0);
	CHECK(cf_node_as_int(cf_node_get(r1, "port"), &p1));
	CHECK(cf_node_as_int(cf_node_get(r2, "port"), &p2));
	CHECK_INT(p1, p2);
	cf_http_free(h);

	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .insecure = true }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(resp.status, 200);
	cf_http_free(h);
	free(ca);
	free(other);
	cf_http_response_release(&resp);
	cf_arena_release(&a);
}

TEST(test_client_http__tls_client_certificate)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r = NULL;
	size_t calen = 0, clen = 0, klen = 0;
	char *ca, *cert, *key, u[256];

	CHECK_INT(tls_setup(), 0);
	ca = certfile("server.pem", &calen);
	cert = certfile("client.pem", &clen);
	key = certfile("client.key", &klen);
	CHECK(ca && cert && key);
	url(u, sizeof(u), "https", mtls_srv.port, "/echo");

	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = ca,
	    .ca_pem_len = calen }), 0);
	CHECK(cf_http_do(h, &(cf_http_request){ .url = u }, &resp) < 0);
	cf_http_free(h);

	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = ca,
	    .ca_pem_len = calen, .cert_pem = cert, .cert_pem_len = clen,
	    .key_pem = key, .key_pem_len = klen }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(cf_json_parse(&r, &a, resp.body.buf, resp.body.len, NULL),
	    0);
	CHECK_STR(cf_node_getp_str(r, "cn", NULL), "tester");
	cf_http_free(h);
	free(ca);
	free(cert);
	free(key);
	cf_http_response_release(&resp);
	cf_arena_release(&a);
}

TEST(test_client_http__tls_server_name)
{
	cf_http_response resp = CF_HTTP_RESPONSE_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_http *h = NULL;
	cf_node *r = NULL;
	size_t calen = 0;
	char *ca, u[256];

	CHECK_INT(tls_setup(), 0);
	ca = certfile("named.pem", &calen);
	CHECK(ca);
	url(u, sizeof(u), "https", dns_srv.port, "/echo");
	/* The certificate names kube.internal, not 127.0.0.1. */
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = ca,
	    .ca_pem_len = calen }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp),
	    CF_ERROR);
	cf_http_free(h);
	CHECK_INT(cf_http_new(&h, &(cf_http_opts){ .ca_pem = ca,
	    .ca_pem_len = calen, .tls_server_name = "kube.internal" }), 0);
	CHECK_INT(cf_http_do(h, &(cf_http_request){ .url = u }, &resp), 0);
	CHECK_INT(resp.status, 200);
	CHECK_INT(cf_json_parse(&r, &a, resp.body.buf, resp.body.len, NULL),
	    0);
	CHECK_STR(cf_node_getp_str(r, "path", NULL), "/echo");
	cf_http_free(h);
	free(ca);
	cf_http_response_release(&resp);
	cf_arena_release(&a);
}

TEST(test_client_http__escape_and_redact)
{
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_http_add_escaped(&b, "app=web,tier in (a b)/é~"), 0);
	CHECK_STR(b.buf, "app%3Dweb%2Ctier%20in%20%28a%20b%29%2F%C3%A9~");
	cf_buf_reset(&b);
	cf_http_redact_url(&b, "https://user:pa@ss@host:6443/api?x=1");
	CHECK_STR(b.buf, "https://host:6443/api?x=1");
	cf_buf_reset(&b);
	cf_http_redact_url(&b, "https://host:6443/a@b");
	CHECK_STR(b.buf, "https://host:6443/a@b");
	cf_buf_release(&b);
}

TEST_MAIN(T(test_client_http__get_sends_headers),
    T(test_client_http__methods_and_bodies),
    T(test_client_http__reuses_connections),
    T(test_client_http__caps_bodies),
    T(test_client_http__status_and_retry_after),
    T(test_client_http__timeout_and_refused),
    T(test_client_http__explicit_proxy),
    T(test_client_http__ignores_proxy_environment),
    T(test_client_http__streams),
    T(test_client_http__cancel),
    T(test_client_http__tls_server_verification),
    T(test_client_http__tls_client_certificate),
    T(test_client_http__tls_server_name),
    T(test_client_http__escape_and_redact))
