/* SPDX-License-Identifier: Apache-2.0 */
/* The REST client against the scripted server: retries, discovery,
 * paging, error mapping. Plain HTTP; TLS is covered by the http tests. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/client.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "fixture.h"
#include "test.h"

static fx_proc srv = { -1, 0 };

static void stop_srv(void)
{
	fx_stop(&srv);
}

/* A client for the scripted server; retries are fast here. */
static cf_client *client(int max_retries)
{
	static char server[64];
	cf_client *c = NULL;

	if (srv.pid <= 0) {
		if (fx_fake_server(&srv, NULL, NULL, NULL) < 0)
			return NULL;
		atexit(stop_srv);
	}
	snprintf(server, sizeof(server), "http://127.0.0.1:%d", srv.port);
	if (cf_client_new(&c, &(cf_rest_config){ .server = server,
	    .token = "t0ken", .namespace_ = "default" },
	    &(cf_client_opts){ .max_retries = max_retries,
	    .backoff_base_ms = 1, .backoff_max_ms = 5 }) < 0)
		return NULL;
	return c;
}

/* How many requests whose line contains needle the server has seen. */
static int seen(cf_client *c, const char *needle)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *r = NULL;
	int n = 0;

	if (cf_client_do(&r, &a, c, "GET", "/requests", NULL, NULL, 0,
	    1 << 20) == 0)
		for (size_t i = 0; i < cf_node_count(r); i++)
			n += strstr(cf_node_as_str(cf_node_at(r, i)), needle) !=
			    NULL;
	cf_arena_release(&a);
	return n;
}

static int64_t count_of(const cf_node *r)
{
	int64_t n = -1;

	cf_node_as_int(cf_node_get(r, "count"), &n);
	return n;
}

#define STATUS(code, reason, msg) \
	"{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\"," \
	"\"message\":\"" msg "\",\"reason\":\"" reason "\",\"code\":" #code "}"

static int map(long code, const char *body)
{
	return cf_client_status_error(code, body, body ? strlen(body) : 0);
}

TEST(test_client_rest__status_errors)
{
	CHECK_INT(map(404, STATUS(404, "NotFound",
	    "configmaps \\\"x\\\" not found")), CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "configmaps \"x\" not found");
	CHECK_INT(map(409, STATUS(409, "AlreadyExists", "exists")), CF_EEXISTS);
	CHECK_INT(map(409, STATUS(409, "Conflict", "modified")), CF_ECONFLICT);
	CHECK_INT(map(422, STATUS(422, "Invalid", "bad")), CF_EINVALID);
	CHECK_INT(map(400, STATUS(400, "BadRequest", "bad")), CF_EINVALID);
	CHECK_INT(map(403, STATUS(403, "Forbidden", "no")), CF_EFORBIDDEN);
	CHECK_INT(map(401, STATUS(401, "Unauthorized", "who")), CF_EFORBIDDEN);
	CHECK_INT(map(410, STATUS(410, "Expired", "too old")), CF_EGONE);
	CHECK_INT(map(410, STATUS(410, "Gone", "gone")), CF_EGONE);
	CHECK_INT(map(504, STATUS(504, "Timeout", "slow")), CF_ETIMEOUT);
	CHECK_INT(map(413, STATUS(413, "RequestEntityTooLarge", "big")),
	    CF_ETOOLARGE);
	CHECK_INT(map(500, STATUS(500, "InternalError", "oops")), CF_ERROR);
	CHECK_STR(cf_error_msg(), "oops");
	/* The reason wins over the code; no reason: the code decides. */
	CHECK_INT(map(500, STATUS(500, "Conflict", "x")), CF_ECONFLICT);
	CHECK_INT(map(404, STATUS(404, "", "gone away")), CF_ENOTFOUND);
	CHECK_INT(map(409, NULL), CF_ECONFLICT);
	CHECK_STR(cf_error_msg(), "the server responded with HTTP 409");
	/* Not a Status: a short printable excerpt. */
	CHECK_INT(map(502, "<html>\n\x01" "bad gateway</html>"), CF_ERROR);
	CHECK_STR(cf_error_msg(), "the server responded with HTTP 502: "
	    "<html>  bad gateway</html>");
	CHECK_INT(map(422, "{\"kind\":\"Pod\"}"), CF_EINVALID);
}

TEST(test_client_rest__retries)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(5);
	cf_node *r = NULL;

	CHECK(c);
	/* 429 with Retry-After: retried whatever the verb. */
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/flaky/g429/2/429", NULL,
	    NULL, 0, 0), 0);
	CHECK_INT(count_of(r), 3);
	CHECK_INT(cf_client_do(&r, &a, c, "POST", "/flaky/p429/2/429",
	    "application/json", "{}", 2, 0), 0);
	CHECK_INT(count_of(r), 3);
	/* A bare 503: GET is retried, POST is not (it may have acted). */
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/flaky5/g503/2", NULL, NULL,
	    0, 0), 0);
	CHECK_INT(count_of(r), 3);
	CHECK_INT(cf_client_do(&r, &a, c, "POST", "/flaky5/p503/2",
	    "application/json", "{}", 2, 0), CF_ERROR);
	CHECK_STR(cf_error_msg(), "busy");
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/count/p503", NULL, NULL, 0,
	    0), 0);
	CHECK_INT(count_of(r), 1);
	/* Apply is idempotent; a merge patch is not. */
	CHECK_INT(cf_client_do(&r, &a, c, "PATCH", "/flaky5/apply/1",
	    "application/apply-patch+yaml", "{}", 2, 0), 0);
	CHECK_INT(cf_client_do(&r, &a, c, "PATCH", "/flaky5/merge/1",
	    "application/merge-patch+json", "{}", 2, 0), CF_ERROR);
	/* Retries run out. */
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/flaky/many/100/429", NULL,
	    NULL, 0, 0), CF_ERROR);
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/count/many", NULL, NULL, 0,
	    0), 0);
	CHECK_INT(count_of(r), 6);
	cf_client_free(c);

	c = client(-1);
	CHECK(c);
	CHECK_INT(cf_client_do(&r, &a, c, "GET", "/flaky/never/1/429", NULL,
	    NULL, 0, 0), CF_ERROR);
	CHECK_STR(cf_error_msg(), "slow down");
	cf_client_free(c);
	cf_arena_release(&a);
}

TEST(test_client_rest__refused_connection_retried)
{
	cf_arena a = CF_ARENA_INIT;
	fx_proc gone = { -1, 0 };
	cf_client *c = NULL;
	char server[64];

	CHECK_INT(fx_fake_server(&gone, NULL, NULL, NULL), 0);
	fx_stop(&gone);
	snprintf(server, sizeof(server), "http://127.0.0.1:%d", gone.port);
	CHECK_INT(cf_client_new(&c, &(cf_rest_config){ .server = server,
	    .token = "secret-token" }, &(cf_client_opts){ .max_retries = 2,
	    .backoff_base_ms = 1, .backoff_max_ms = 2 }), 0);
	CHECK_INT(cf_client_do(NULL, &a, c, "POST", "/x", "application/json",
	    "{}", 2, 0), CF_ERROR);
	CHECK(strstr(cf_error_msg(), "POST http://127.0.0.1:"));
	CHECK(!strstr(cf_error_msg(), "secret-token"));
	cf_client_free(c);
	cf_arena_release(&a);
}

TEST(test_client_rest__mapping)
{
	cf_client_mapping m;
	cf_client *c = client(0);
	int before;

	CHECK(c);
	before = seen(c, "/apis/");
	/* Built-ins: no discovery round trip. */
	CHECK_INT(cf_client_mapping_for(&m, c, "apps/v1", "Deployment"), 0);
	CHECK_STR(m.plural, "deployments");
	CHECK(m.namespaced);
	CHECK_INT(cf_client_mapping_for(&m, c, "v1", "Namespace"), 0);
	CHECK_STR(m.plural, "namespaces");
	CHECK(!m.namespaced);
	CHECK_INT(seen(c, "/apis/"), before);
	/* A custom kind: discovered once, then cached. */
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Widget"), 0);
	CHECK_STR(m.plural, "widgets");
	CHECK_STR(m.group, "example.com");
	CHECK(m.namespaced);
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Gadget"), 0);
	CHECK_STR(m.plural, "gadgets");
	CHECK(!m.namespaced);
	CHECK_INT(seen(c, "GET /apis/example.com/v1"), 1);
	/* Unknown kind and unknown group-version. */
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Nope"),
	    CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(),
	    "no matches for kind \"Nope\" in version \"example.com/v1\"");
	CHECK_INT(cf_client_mapping_for(&m, c, "other.io/v9", "Thing"),
	    CF_ENOTFOUND);
	/* Misses are cached for a second, then asked again (a CRD may
	 * have been added meanwhile). */
	CHECK_INT(cf_client_mapping_for(&m, c, "other.io/v9", "Thing"),
	    CF_ENOTFOUND);
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Nope"),
	    CF_ENOTFOUND);
	CHECK_INT(seen(c, "GET /apis/other.io/v9"), 1);
	CHECK_INT(seen(c, "GET /apis/example.com/v1"), 1);
	usleep(1100000);
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Nope"),
	    CF_ENOTFOUND);
	CHECK_INT(seen(c, "GET /apis/example.com/v1"), 2);
	/* Known kinds are still served from the cache. */
	CHECK_INT(cf_client_mapping_for(&m, c, "example.com/v1", "Widget"), 0);
	CHECK_STR(m.plural, "widgets");
	CHECK_INT(seen(c, "GET /apis/example.com/v1"), 2);
	CHECK_INT(cf_client_mapping_for(&m, c, "a/b/c", "Thing"), CF_EINVALID);
	CHECK_INT(cf_client_mapping_for(&m, c, "", "Thing"), CF_EINVALID);
	cf_client_free(c);
}

TEST(test_client_rest__get_paths)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(0);
	cf_node *r = NULL;

	CHECK(c);
	CHECK_INT(cf_client_get(&r, &a, c, "example.com/v1", "Widget", NULL,
	    "w1"), 0);
	CHECK_STR(cf_node_getp_str(r, "metadata", "name", NULL), "w1");
	CHECK_INT(seen(c, "GET /apis/example.com/v1/namespaces/default/"
	    "widgets/w1"), 1);
	/* Names that would walk the URL elsewhere are refused. */
	CHECK_INT(cf_client_get(&r, &a, c, "v1", "ConfigMap", "default", ".."),
	    CF_EINVALID);
	CHECK_INT(cf_client_get(&r, &a, c, "v1", "ConfigMap", "default",
	    "a/b"), CF_EINVALID);
	CHECK_INT(cf_client_get(&r, &a, c, "v1", "ConfigMap", "..", "a"),
	    CF_EINVALID);
	CHECK_INT(cf_client_get(&r, &a, c, "v1", "ConfigMap", "default", "%2e"),
	    CF_EINVALID);
	/* The server's NotFound comes back as CF_ENOTFOUND. */
	CHECK_INT(cf_client_get(&r, &a, c, "v1", "Secret", "default", "s"),
	    CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(),
	    "the server could not find the requested resource");
	cf_client_free(c);
	cf_arena_release(&a);
}

TEST(test_client_rest__list_pages)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(0);
	cf_node *l = NULL, *items;

	CHECK(c);
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .limit = 2 }), 0);
	items = cf_node_get(l, "items");
	CHECK_INT(cf_node_count(items), 3);
	CHECK_STR(cf_node_getp_str(cf_node_at(items, 2), "metadata", "name",
	    NULL), "c");
	CHECK_STR(cf_node_getp_str(cf_node_at(items, 0), "apiVersion", NULL),
	    "v1");
	CHECK_STR(cf_node_getp_str(cf_node_at(items, 0), "kind", NULL),
	    "ConfigMap");
	CHECK_STR(cf_node_getp_str(l, "metadata", "resourceVersion", NULL),
	    "7");
	CHECK(!cf_node_getp(l, "metadata", "continue", NULL));
	CHECK_INT(seen(c, "continue=page2"), 1);

	/* One page at a time. */
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .limit = 2, .one_page = true }), 0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 2);
	CHECK_STR(cf_node_getp_str(l, "metadata", "continue", NULL), "page2");

	/* The token expires half way: one unpaged list instead. */
	CHECK_INT(cf_client_list(&l, &a, c, "v1", "ConfigMap", "default",
	    &(cf_list_opts){ .limit = 2, .label_selector = "app in (a,b)" }),
	    0);
	CHECK_INT(cf_node_count(cf_node_get(l, "items")), 3);
	/* First page, page2, the expired token; then no limit at all. */
	CHECK_INT(seen(c, "labelSelector=app%20in%20%28a%2Cb%29&limit=2"), 3);
	CHECK_INT(seen(c, "continue=expired"), 1);
	cf_client_free(c);
	cf_arena_release(&a);
}

TEST(test_client_rest__impersonation)
{
	static const char *const groups[] = { "system:serviceaccounts",
	    "tenant-a", NULL };
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(0), *imp = NULL;
	cf_rest_config cfg = { 0 };
	cf_node *r = NULL;
	char server[64];

	CHECK(c);
	cf_client_free(c);
	snprintf(server, sizeof(server), "http://127.0.0.1:%d", srv.port);
	cfg.server = server;
	CHECK_INT(cf_client_new(&imp, &cfg, &(cf_client_opts){
	    .impersonate_user = "system:serviceaccount:apps:deployer",
	    .impersonate_groups = groups }), 0);
	CHECK_INT(cf_client_do(&r, &a, imp, "GET", "/echo", NULL, NULL, 0, 0),
	    0);
	CHECK_STR(cf_node_getp_str(r, "headers", "impersonate-user", NULL),
	    "system:serviceaccount:apps:deployer");
	CHECK_STR(cf_node_getp_str(r, "headers", "impersonate-group", NULL),
	    "system:serviceaccounts, tenant-a");
	cf_client_free(imp);
	imp = NULL;
	/* No header smuggling through a name. */
	CHECK_INT(cf_client_new(&imp, &cfg, &(cf_client_opts){
	    .impersonate_user = "a\r\nAuthorization: Bearer x" }), CF_EINVALID);
	CHECK(!imp);
	CHECK_INT(cf_client_new(&imp, &cfg, &(cf_client_opts){
	    .impersonate_groups = groups }), CF_EINVALID);
	cf_arena_release(&a);
}

TEST(test_client_rest__rotated_token_file)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(0), *tc = NULL;
	char server[64], path[600];
	FILE *f;

	CHECK(c);
	cf_client_free(c);
	snprintf(server, sizeof(server), "http://127.0.0.1:%d", srv.port);
	snprintf(path, sizeof(path), "%s/token", cf_test_tmpdir());
	f = fopen(path, "w");
	CHECK(f);
	fputs("new-token\n", f);
	fclose(f);
	/* Loaded with the old token; the file has the new one. */
	CHECK_INT(cf_client_new(&tc, &(cf_rest_config){ .server = server,
	    .token = "old-token", .token_file = path }, NULL), 0);
	CHECK_INT(cf_client_do(NULL, &a, tc, "GET", "/auth", NULL, NULL, 0, 0),
	    0);
	cf_client_free(tc);
	/* Only the file: read before the first request. */
	CHECK_INT(cf_client_new(&tc, &(cf_rest_config){ .server = server,
	    .token_file = path }, NULL), 0);
	CHECK_INT(cf_client_do(NULL, &a, tc, "GET", "/auth", NULL, NULL, 0, 0),
	    0);
	CHECK_INT(cf_client_do(NULL, &a, tc, "GET", "/count/unused", NULL, NULL,
	    0, 0), 0);
	CHECK_INT(seen(tc, "GET /auth"), 3);
	cf_client_free(tc);
	/* Without a file to re-read, the 401 stands. */
	CHECK_INT(cf_client_new(&tc, &(cf_rest_config){ .server = server,
	    .token = "old-token" }, NULL), 0);
	CHECK_INT(cf_client_do(NULL, &a, tc, "GET", "/auth", NULL, NULL, 0, 0),
	    CF_EFORBIDDEN);
	CHECK_STR(cf_error_msg(), "Unauthorized");
	cf_client_free(tc);
	cf_arena_release(&a);
}

struct conflicts {
	int calls, conflicts, final;
};

static int update_fn(void *p)
{
	struct conflicts *k = p;

	if (++k->calls <= k->conflicts)
		return cf_error_setc(CF_ECONFLICT, CF_ERR_KUBE, "modified");
	return k->final;
}

TEST(test_client_rest__server_warnings_logged)
{
	cf_arena a = CF_ARENA_INIT;
	cf_client *c = client(0);
	char path[600];
	cf_buf log = CF_BUF_INIT;
	int saved, fd;

	CHECK(c);
	/* Capture stderr (where logs go) around one request. */
	snprintf(path, sizeof(path), "%s/warn.log", cf_test_tmpdir());
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	CHECK_INT(cf_client_do(NULL, &a, c, "GET", "/warn", NULL, NULL, 0, 0),
	    0);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	CHECK_INT(cf_fs_read(&log, path, 1 << 20), 0);
	CHECK(strstr(log.buf, "\"warning\":\"v1beta1 is deprecated\""));
	CHECK(strstr(log.buf, "unknown field"));
	cf_buf_release(&log);
	cf_client_free(c);
	cf_arena_release(&a);
}

TEST(test_client_rest__retry_on_conflict)
{
	struct conflicts k = { 0, 2, 0 };

	CHECK_INT(cf_client_retry_on_conflict(update_fn, &k), 0);
	CHECK_INT(k.calls, 3);
	k = (struct conflicts){ 0, 100, 0 };
	CHECK_INT(cf_client_retry_on_conflict(update_fn, &k), CF_ECONFLICT);
	CHECK_INT(k.calls, 5);
	k = (struct conflicts){ 0, 0, CF_ENOTFOUND };
	CHECK_INT(cf_client_retry_on_conflict(update_fn, &k), CF_ENOTFOUND);
	CHECK_INT(k.calls, 1);
}

TEST_MAIN(T(test_client_rest__status_errors),
    T(test_client_rest__retry_on_conflict),
    T(test_client_rest__server_warnings_logged),
    T(test_client_rest__impersonation),
    T(test_client_rest__rotated_token_file),
    T(test_client_rest__retries),
    T(test_client_rest__refused_connection_retried),
    T(test_client_rest__mapping),
    T(test_client_rest__get_paths),
    T(test_client_rest__list_pages))
