/* SPDX-License-Identifier: Apache-2.0 */
/* kubeconfig and in-cluster configuration (fixtures in
 * tests/resources/kubeconfig). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/kubeconfig.h"
#include "core/error.h"
#include "core/fs.h"
#include "fixture.h"
#include "test.h"

#define RES(f) CF_TEST_RES "/" f

TEST(test_client_kubeconfig__current_context)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("basic.yaml"), NULL), 0);
	CHECK_STR(c->context, "dev");
	/* The trailing slash is dropped so paths can be appended. */
	CHECK_STR(c->server, "https://127.0.0.1:6443");
	CHECK_STR(c->ca_pem, "fake CA PEM\n");
	CHECK_INT(c->ca_pem_len, 12);
	CHECK_STR(c->token, "dev-token-value");
	CHECK_STR(c->namespace_, "flux-system");
	CHECK_STR(c->tls_server_name, "kube.internal");
	CHECK(!c->cert_pem && !c->key_pem && !c->insecure && !c->proxy);
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__context_override)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("basic.yaml"),
	    &(cf_kubeconfig_opts){ .context = "prod" }), 0);
	CHECK_STR(c->context, "prod");
	CHECK_STR(c->server, "https://prod.example.com");
	CHECK(c->insecure);
	CHECK(!c->ca_pem && !c->token);
	CHECK_STR(c->cert_pem, "fake client cert\n");
	CHECK_STR(c->key_pem, "fake client key\n");
	CHECK_STR(c->proxy, "http://proxy.example.com:3128");
	CHECK_STR(c->namespace_, "default");
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("basic.yaml"),
	    &(cf_kubeconfig_opts){ .context = "nope" }), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "context 'nope' not found"));
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__files_relative_to_kubeconfig)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("files.yaml"), NULL), 0);
	CHECK_STR(c->ca_pem, "file CA PEM\n");
	CHECK_STR(c->cert_pem, "file client cert\n");
	CHECK_STR(c->key_pem, "file client key\n");
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("files.yaml"),
	    &(cf_kubeconfig_opts){ .context = "tf" }), 0);
	CHECK_STR(c->token, "file-token-value");
	CHECK_STR(c->token_file, RES("files/token"));
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__untrusted_refuses_files)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("files.yaml"),
	    &(cf_kubeconfig_opts){ .untrusted = true }), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "local file"));
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("files.yaml"),
	    &(cf_kubeconfig_opts){ .untrusted = true, .context = "tf" }),
	    CF_EINVALID);
	/* The cluster's CA file is refused first. */
	CHECK(strstr(cf_error_msg(), "local"));
	/* Inline credentials are fine. */
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("basic.yaml"),
	    &(cf_kubeconfig_opts){ .untrusted = true }), 0);
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__json)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("json.json"), NULL), 0);
	CHECK_STR(c->server, "http://127.0.0.1:8080");
	CHECK_STR(c->token, "json-token");
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__plugins_never_run)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	unlink("/tmp/cflux-kubeconfig-exec-ran");
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("exec.yaml"), NULL),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "exec credential plugin"));
	CHECK(access("/tmp/cflux-kubeconfig-exec-ran", F_OK) != 0);
	CHECK_INT(cf_kubeconfig_load(&c, &a, RES("auth-provider.yaml"), NULL),
	    CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "auth-provider"));
	cf_arena_release(&a);
}

static int parse(cf_arena *a, const char *text, cf_rest_config **c)
{
	return cf_kubeconfig_parse(c, a, text, strlen(text), NULL);
}

#define HEAD "current-context: c\n" \
	"contexts: [{name: c, context: {cluster: c, user: u}}]\n"

TEST(test_client_kubeconfig__refusals)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://admin:pw@host:6443'}}]\nusers: [{name: u, user: {}}]\n",
	    &c), CF_EINVALID);
	CHECK(!strstr(cf_error_msg(), "pw"));
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'ftp://host'}}]\nusers: [{name: u, user: {}}]\n", &c),
	    CF_EINVALID);
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h', insecure-skip-tls-verify: true, "
	    "certificate-authority-data: Zm9v}}]\nusers: [{name: u, user: {}}]\n",
	    &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "insecure-skip-tls-verify"));
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h'}}]\nusers: [{name: u, user: {username: a, password: "
	    "b}}]\n", &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "basic"));
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h'}}]\nusers: [{name: u, user: {client-certificate-data: "
	    "Zm9v}}]\n", &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "both a client certificate and"));
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h', certificate-authority-data: '!!notbase64'}}]\n", &c),
	    CF_EINVALID);
	CHECK_INT(parse(&a, HEAD "clusters: [{name: other, cluster: {server: "
	    "'https://h'}}]\n", &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "cluster 'c' not found"));
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h'}}]\n", &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "user 'u' not found"));
	CHECK_INT(parse(&a, "clusters: []\n", &c), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "no current-context"));
	CHECK_INT(parse(&a, "- a\n- b\n", &c), CF_EINVALID);
	CHECK_INT(parse(&a, "{\"a\": ", &c), CF_EINVALID);
	/* A missing file named by the kubeconfig. */
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h', certificate-authority: /nonexistent/ca.pem}}]\n"
	    "users: [{name: u}]\n", &c), CF_ENOTFOUND);
	/* A user entry with no body is an anonymous user. */
	CHECK_INT(parse(&a, HEAD "clusters: [{name: c, cluster: {server: "
	    "'https://h'}}]\nusers: [{name: u}]\n", &c), 0);
	CHECK(!c->token && !c->cert_pem);
	cf_arena_release(&a);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[700];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	cf_fs_write_atomic(p, text, strlen(text), 0600);
}

TEST(test_client_kubeconfig__in_cluster)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;
	char dir[500];

	snprintf(dir, sizeof(dir), "%s/sa", cf_test_tmpdir());
	CHECK_INT(cf_fs_mkdirs(dir), 0);
	CHECK_INT(cf_rest_config_in_cluster(&c, &a, &(cf_incluster_opts){
	    .sa_dir = dir, .host = "", .port = "443" }), CF_ENOTFOUND);
	/* No token file yet. */
	CHECK_INT(cf_rest_config_in_cluster(&c, &a, &(cf_incluster_opts){
	    .sa_dir = dir, .host = "10.0.0.1", .port = "443" }), CF_ENOTFOUND);
	write_file(dir, "token", "sa-token\n");
	write_file(dir, "ca.crt", "sa CA\n");
	CHECK_INT(cf_rest_config_in_cluster(&c, &a, &(cf_incluster_opts){
	    .sa_dir = dir, .host = "10.0.0.1", .port = "443" }), 0);
	CHECK_STR(c->server, "https://10.0.0.1:443");
	CHECK_STR(c->token, "sa-token");
	CHECK_STR(c->ca_pem, "sa CA\n");
	CHECK_STR(c->namespace_, "default");
	CHECK(strstr(c->token_file, "/sa/token"));
	write_file(dir, "namespace", "flux-system");
	CHECK_INT(cf_rest_config_in_cluster(&c, &a, &(cf_incluster_opts){
	    .sa_dir = dir, .host = "fd00::1", .port = "6443" }), 0);
	CHECK_STR(c->server, "https://[fd00::1]:6443");
	CHECK_STR(c->namespace_, "flux-system");
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__merged_paths)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;

	CHECK_INT(cf_kubeconfig_load_paths(&c, &a, RES("nonexistent.yaml") ":"
	    RES("merge-a.yaml") "::" RES("sub/merge-b.yaml"), NULL), 0);
	/* merge-a's current-context and context; merge-b's cluster with
	 * its CA read next to merge-b. */
	CHECK_STR(c->context, "merged");
	CHECK_STR(c->namespace_, "apps");
	CHECK_STR(c->server, "https://b.example.com");
	CHECK_STR(c->ca_pem, "sub CA PEM\n");
	CHECK_STR(c->token, "token-from-a");
	/* merge-b first: its "merged" context and its "shared" cluster win;
	 * the user still comes from merge-a, the only file defining it. */
	CHECK_INT(cf_kubeconfig_load_paths(&c, &a, RES("sub/merge-b.yaml") ":"
	    RES("merge-a.yaml"), &(cf_kubeconfig_opts){ .context = "merged" }),
	    0);
	CHECK_STR(c->server, "https://b-shared.example.com");
	CHECK_STR(c->token, "token-from-a");
	CHECK_STR(c->namespace_, "default");
	/* merge-b's current-context names no context anywhere. */
	CHECK_INT(cf_kubeconfig_load_paths(&c, &a, RES("sub/merge-b.yaml") ":"
	    RES("merge-a.yaml"), NULL), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "context 'ignored' not found"));
	CHECK_INT(cf_kubeconfig_load_paths(&c, &a, RES("nope1") ":"
	    RES("nope2"), NULL), CF_ENOTFOUND);
	cf_arena_release(&a);
}

TEST(test_client_kubeconfig__default_order)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rest_config *c = NULL;
	char home[600], kc[700];
	const char *old_home = getenv("HOME");
	char *saved = old_home ? strdup(old_home) : NULL;

	unsetenv("KUBERNETES_SERVICE_HOST");
	/* An explicit file beats everything. */
	setenv("KUBECONFIG", RES("json.json"), 1);
	CHECK_INT(cf_rest_config_default(&c, &a, RES("basic.yaml"), NULL), 0);
	CHECK_STR(c->context, "dev");
	/* Then $KUBECONFIG. */
	CHECK_INT(cf_rest_config_default(&c, &a, NULL, NULL), 0);
	CHECK_STR(c->token, "json-token");
	/* Then ~/.kube/config. */
	unsetenv("KUBECONFIG");
	snprintf(home, sizeof(home), "%s/home", cf_test_tmpdir());
	snprintf(kc, sizeof(kc), "%s/.kube", home);
	CHECK_INT(cf_fs_mkdirs(kc), 0);
	setenv("HOME", home, 1);
	CHECK_INT(cf_rest_config_default(&c, &a, NULL, NULL), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "no configuration"));
	snprintf(kc, sizeof(kc), "%s/.kube/config", home);
	CHECK_INT(fx_sh("cp %s %s", RES("json.json"), kc), 0);
	CHECK_INT(cf_rest_config_default(&c, &a, NULL, NULL), 0);
	CHECK_STR(c->server, "http://127.0.0.1:8080");
	if (saved)
		setenv("HOME", saved, 1);
	free(saved);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_client_kubeconfig__current_context),
    T(test_client_kubeconfig__context_override),
    T(test_client_kubeconfig__files_relative_to_kubeconfig),
    T(test_client_kubeconfig__untrusted_refuses_files),
    T(test_client_kubeconfig__json),
    T(test_client_kubeconfig__plugins_never_run),
    T(test_client_kubeconfig__refusals),
    T(test_client_kubeconfig__in_cluster),
    T(test_client_kubeconfig__merged_paths),
    T(test_client_kubeconfig__default_order))
