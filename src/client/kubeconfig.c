/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeconfig resolution follows client-go's clientcmd for the single-file
 * case: pick the context (--context, else current-context), then its
 * cluster and user by name. Merging several files (KUBECONFIG=a:b) is the
 * CLI's business. What we refuse, and why:
 * - exec and auth-provider: they run programs or talk to identity
 *   providers; a kubeconfig may come from a Secret written by anyone
 *   allowed to write Secrets in a tenant namespace.
 * - username/password: basic auth was removed from kube-apiserver in 1.19.
 * - insecure-skip-tls-verify together with a CA: client-go refuses the
 *   combination too, as it is almost always a mistake.
 */
#include "client/kubeconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"

#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

static int invalid(const char *fmt, const char *arg)
{
	return cf_error_setc(CF_EINVALID, CF_ERR_INVALID, fmt, arg);
}

/* One parsed kubeconfig file and the directory its relative paths are
 * relative to. */
struct kc_doc {
	const cf_node *root;
	const char *base_dir;
};

/*
 * Find the entry called name in the docs' lists of {name, <field>: {...}}.
 * With several files (KUBECONFIG=a:b) the first file that defines a name
 * wins, as in clientcmd; *base gets that file's directory.
 */
static const cf_node *named(const struct kc_doc *docs, size_t ndocs,
    const char *list, const char *name, const char *field,
    const char **base)
{
	for (size_t d = 0; d < ndocs; d++) {
		const cf_node *l = cf_node_get(docs[d].root, list);

		for (size_t i = 0; i < cf_node_count(l); i++) {
			const cf_node *e = cf_node_at(l, i);
			const char *n = cf_node_getp_str(e, "name", NULL);
			const cf_node *v;

			if (!n || strcmp(n, name) != 0)
				continue;
			*base = docs[d].base_dir;
			v = cf_node_get(e, field);
			/* An entry with no body is an empty one, as in Go. */
			return v ? v : e;
		}
	}
	return NULL;
}

static const char *resolve_path(cf_arena *a, const char *base,
    const char *path)
{
	if (path[0] == '/' || !base || !*base)
		return path;
	return cf_arena_printf(a, "%s/%s", base, path);
}

/*
 * One credential from either "<key>-data" (base64) or "<key>" (a file).
 * Neither: *out stays NULL. Both: the data wins, as in client-go.
 */
static int read_blob(const char **out, size_t *outlen, cf_arena *a,
    const cf_node *obj, const char *key, const cf_kubeconfig_opts *o)
{
	char datakey[64];
	const char *data, *path;
	cf_buf b = CF_BUF_INIT;
	int err;

	snprintf(datakey, sizeof(datakey), "%s-data", key);
	data = cf_node_getp_str(obj, datakey, NULL);
	path = cf_node_getp_str(obj, key, NULL);
	cf_buf_init_capped(&b, CF_KUBECONFIG_MAX_SIZE);
	if (data && *data) {
		err = cf_base64_decode(&b, data, strlen(data), false);
		if (err < 0) {
			cf_buf_release(&b);
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "kubeconfig: '%s' is not valid base64", datakey);
		}
	} else if (path && *path) {
		if (o->untrusted) {
			cf_buf_release(&b);
			return invalid("kubeconfig: '%s' refers to a local "
			    "file, which is not allowed here", key);
		}
		err = cf_fs_read(&b, resolve_path(a, o->base_dir, path),
		    CF_KUBECONFIG_MAX_SIZE);
		if (err < 0) {
			cf_buf_release(&b);
			return cf_error_wrap("kubeconfig: reading '%s'", key);
		}
	} else {
		cf_buf_release(&b);
		return 0;
	}
	*out = cf_arena_memdup(a, b.buf, b.len + 1);
	*outlen = b.len;
	cf_buf_release(&b);
	return 0;
}

static int check_server(cf_arena *a, const char **out, const char *server)
{
	const char *host;
	size_t n;

	if (!strncmp(server, "https://", 8))
		host = server + 8;
	else if (!strncmp(server, "http://", 7))
		host = server + 7;
	else
		return invalid("kubeconfig: server '%s' is not an http or "
		    "https URL", server);
	/* A userinfo part would put a password in every log line that
	 * names the URL; kubeconfigs have proper fields for credentials. */
	n = strcspn(host, "/?#");
	if (n == 0 || memchr(host, '@', n))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "kubeconfig: the server URL must be scheme://host[:port] "
		    "without credentials");
	n = strlen(server);
	while (n > 0 && server[n - 1] == '/')
		n--;
	*out = cf_arena_strndup(a, server, n);
	return 0;
}

static int read_user(cf_rest_config *c, cf_arena *a, const cf_node *user,
    const char *uname, const cf_kubeconfig_opts *o)
{
	const char *tok, *tokfile;
	int err;

	if (cf_node_get(user, "exec"))
		return invalid("kubeconfig: user '%s' uses an exec credential "
		    "plugin; cflux never runs credential plugins", uname);
	if (cf_node_get(user, "auth-provider"))
		return invalid("kubeconfig: user '%s' uses an auth-provider, "
		    "which cflux does not support", uname);
	if (cf_node_getp_str(user, "username", NULL) ||
	    cf_node_getp_str(user, "password", NULL))
		return invalid("kubeconfig: user '%s' uses basic "
		    "authentication, which Kubernetes no longer supports", uname);
	err = read_blob(&c->cert_pem, &c->cert_pem_len, a, user,
	    "client-certificate", o);
	if (err == 0)
		err = read_blob(&c->key_pem, &c->key_pem_len, a, user,
		    "client-key", o);
	if (err < 0)
		return err;
	if (!c->cert_pem != !c->key_pem)
		return invalid("kubeconfig: user '%s' needs both a client "
		    "certificate and a client key", uname);

	tok = cf_node_getp_str(user, "token", NULL);
	tokfile = cf_node_getp_str(user, "tokenFile", NULL);
	if (tok && *tok) {
		c->token = cf_arena_strdup(a, tok);
	} else if (tokfile && *tokfile) {
		cf_buf b = CF_BUF_INIT;

		if (o->untrusted)
			return invalid("kubeconfig: user '%s' refers to a local "
			    "token file, which is not allowed here", uname);
		c->token_file = resolve_path(a, o->base_dir,
		    cf_arena_strdup(a, tokfile));
		err = cf_fs_read(&b, c->token_file, CF_KUBECONFIG_MAX_SIZE);
		if (err < 0) {
			cf_buf_release(&b);
			return cf_error_wrap("kubeconfig: reading 'tokenFile'");
		}
		/* Token files end with a newline more often than not. */
		while (b.len > 0 && (b.buf[b.len - 1] == '\n' ||
		    b.buf[b.len - 1] == '\r' || b.buf[b.len - 1] == ' '))
			b.len--;
		c->token = cf_arena_strndup(a, b.buf, b.len);
		explicit_bzero(b.buf, b.len);
		cf_buf_release(&b);
	}
	return 0;
}

static int read_cluster(cf_rest_config *c, cf_arena *a,
    const cf_node *cluster, const char *cname, const cf_kubeconfig_opts *o)
{
	const cf_node *skip = cf_node_get(cluster, "insecure-skip-tls-verify");
	const char *server = cf_node_getp_str(cluster, "server", NULL);
	const char *proxy = cf_node_getp_str(cluster, "proxy-url", NULL);
	const char *sni = cf_node_getp_str(cluster, "tls-server-name", NULL);
	int err;

	if (!server || !*server)
		return invalid("kubeconfig: cluster '%s' has no server", cname);
	err = check_server(a, &c->server, server);
	if (err < 0)
		return err;
	c->insecure = cf_node_is(skip, CF_NODE_BOOL) && skip->v.b;
	err = read_blob(&c->ca_pem, &c->ca_pem_len, a, cluster,
	    "certificate-authority", o);
	if (err < 0)
		return err;
	if (c->insecure && c->ca_pem)
		return invalid("kubeconfig: cluster '%s' sets both a "
		    "certificate authority and insecure-skip-tls-verify", cname);
	if (proxy && *proxy)
		c->proxy = cf_arena_strdup(a, proxy);
	if (sni && *sni)
		c->tls_server_name = cf_arena_strdup(a, sni);
	return 0;
}

static int parse_doc(cf_node **root, cf_arena *a, const char *text,
    size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\n' ||
	    text[i] == '\r' || text[i] == '\t'))
		i++;
	/* JSON kubeconfigs are valid YAML, but Go reads them as JSON and
	 * the JSON reader gives better messages for JSON mistakes. */
	if (i < len && text[i] == '{')
		return cf_json_parse(root, a, text, len, NULL);
	return cf_yaml_parse_one(root, a, text, len, NULL);
}

/* Resolve the context over one or more parsed files. */
static int resolve(cf_rest_config **out, cf_arena *a,
    const struct kc_doc *docs, size_t ndocs, const cf_kubeconfig_opts *o)
{
	cf_kubeconfig_opts co = *o, uo = *o;
	const cf_node *ctx, *cluster, *user = NULL;
	const char *cname = NULL, *cl, *us, *ns, *base;
	cf_rest_config *c;
	int err;

	if (o->context && *o->context)
		cname = o->context;
	for (size_t d = 0; !cname && d < ndocs; d++) {
		cname = cf_node_getp_str(docs[d].root, "current-context", NULL);
		if (cname && !*cname)
			cname = NULL;
	}
	if (!cname)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "kubeconfig: no current-context and no context given");
	ctx = named(docs, ndocs, "contexts", cname, "context", &base);
	if (!ctx)
		return invalid("kubeconfig: context '%s' not found", cname);
	cl = cf_node_getp_str(ctx, "cluster", NULL);
	us = cf_node_getp_str(ctx, "user", NULL);
	ns = cf_node_getp_str(ctx, "namespace", NULL);
	if (!cl || !*cl)
		return invalid("kubeconfig: context '%s' names no cluster", cname);
	cluster = named(docs, ndocs, "clusters", cl, "cluster", &co.base_dir);
	if (!cluster)
		return invalid("kubeconfig: cluster '%s' not found", cl);
	if (us && *us) {
		user = named(docs, ndocs, "users", us, "user", &uo.base_dir);
		if (!user)
			return invalid("kubeconfig: user '%s' not found", us);
	}

	c = CF_ARENA_NEW(a, cf_rest_config);
	c->context = cf_arena_strdup(a, cname);
	c->namespace_ = cf_arena_strdup(a, ns && *ns ? ns : "default");
	err = read_cluster(c, a, cluster, cl, &co);
	if (err == 0 && user)
		err = read_user(c, a, user, us, &uo);
	if (err < 0)
		return err;
	*out = c;
	return 0;
}

int cf_kubeconfig_parse(cf_rest_config **out, cf_arena *a, const char *text,
    size_t len, const cf_kubeconfig_opts *opts)
{
	static const cf_kubeconfig_opts zero;
	const cf_kubeconfig_opts *o = opts ? opts : &zero;
	struct kc_doc doc = { NULL, o->base_dir };
	cf_node *root = NULL;
	int err;

	err = parse_doc(&root, a, text, len);
	if (err < 0)
		return cf_error_wrap("kubeconfig");
	if (!cf_node_is(root, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "kubeconfig: not a mapping");
	doc.root = root;
	return resolve(out, a, &doc, 1, o);
}

static const char *dir_of(cf_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return NULL;
	if (slash == path)
		return "/";
	return cf_arena_strndup(a, path, slash - path);
}

/* Read and parse one file; CF_ENOTFOUND when it does not exist. */
static int read_doc(struct kc_doc *d, cf_arena *a, const char *path)
{
	cf_buf b = CF_BUF_INIT;
	cf_node *root = NULL;
	int err;

	cf_buf_init_capped(&b, CF_KUBECONFIG_MAX_SIZE);
	err = cf_fs_read(&b, path, CF_KUBECONFIG_MAX_SIZE);
	if (err == 0)
		err = parse_doc(&root, a, b.buf, b.len);
	/* The text held secrets; the parsed copies live in the arena. */
	explicit_bzero(b.buf, b.len);
	cf_buf_release(&b);
	if (err < 0)
		return cf_error_wrap("reading kubeconfig '%s'", path);
	if (!cf_node_is(root, CF_NODE_MAP) && root)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "reading kubeconfig '%s': not a mapping", path);
	d->root = root; /* NULL for an empty file */
	d->base_dir = dir_of(a, path);
	return 0;
}

int cf_kubeconfig_load(cf_rest_config **out, cf_arena *a, const char *path,
    const cf_kubeconfig_opts *opts)
{
	cf_kubeconfig_opts o = opts ? *opts : (cf_kubeconfig_opts){ 0 };
	struct kc_doc doc;
	int err;

	err = read_doc(&doc, a, path);
	if (err < 0)
		return err;
	if (o.base_dir)
		doc.base_dir = o.base_dir;
	err = resolve(out, a, &doc, 1, &o);
	if (err < 0)
		return cf_error_wrap("'%s'", path);
	return 0;
}

int cf_kubeconfig_load_paths(cf_rest_config **out, cf_arena *a,
    const char *paths, const cf_kubeconfig_opts *opts)
{
	cf_kubeconfig_opts o = opts ? *opts : (cf_kubeconfig_opts){ 0 };
	struct kc_doc docs[16];
	size_t n = 0;
	const char *p = paths;
	int err;

	while (p && *p) {
		size_t len = strcspn(p, ":");
		char *one = cf_arena_strndup(a, p, len);

		p += len + (p[len] == ':');
		if (!*one)
			continue;
		if (n == CF_ARRAY_SIZE(docs))
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "KUBECONFIG lists more than %zu files",
			    CF_ARRAY_SIZE(docs));
		err = read_doc(&docs[n], a, one);
		/* Missing files in the list are skipped, as kubectl does. */
		if (err == CF_ENOTFOUND)
			continue;
		if (err < 0)
			return err;
		if (docs[n].root)
			n++;
	}
	if (n == 0)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "no kubeconfig found in '%s'", paths ? paths : "");
	return resolve(out, a, docs, n, &o);
}

int cf_rest_config_default(cf_rest_config **out, cf_arena *a,
    const char *kubeconfig, const cf_kubeconfig_opts *opts)
{
	const char *env = getenv("KUBECONFIG"), *home = getenv("HOME");
	int err;

	if (kubeconfig && *kubeconfig)
		return cf_kubeconfig_load(out, a, kubeconfig, opts);
	if (env && *env)
		return cf_kubeconfig_load_paths(out, a, env, opts);
	err = cf_rest_config_in_cluster(out, a, NULL);
	if (err != CF_ENOTFOUND)
		return err;
	if (home && *home) {
		err = cf_kubeconfig_load_paths(out, a,
		    cf_arena_printf(a, "%s/.kube/config", home), opts);
		if (err != CF_ENOTFOUND)
			return err;
	}
	return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
	    "no configuration: give --kubeconfig, set KUBECONFIG, run in a "
	    "cluster or create ~/.kube/config");
}

static int read_trimmed(const char **out, cf_arena *a, const char *dir,
    const char *file)
{
	cf_buf b = CF_BUF_INIT;
	char *path = cf_arena_printf(a, "%s/%s", dir, file);
	int err;

	cf_buf_init_capped(&b, CF_KUBECONFIG_MAX_SIZE);
	err = cf_fs_read(&b, path, CF_KUBECONFIG_MAX_SIZE);
	if (err == 0) {
		while (b.len > 0 && (b.buf[b.len - 1] == '\n' ||
		    b.buf[b.len - 1] == ' ' || b.buf[b.len - 1] == '\r'))
			b.len--;
		*out = cf_arena_strndup(a, b.buf, b.len);
		explicit_bzero(b.buf, b.len);
	}
	cf_buf_release(&b);
	return err;
}

int cf_rest_config_in_cluster(cf_rest_config **out, cf_arena *a,
    const cf_incluster_opts *opts)
{
	const char *dir = opts && opts->sa_dir ? opts->sa_dir : SA_DIR;
	const char *host = opts && opts->host ? opts->host :
	    getenv("KUBERNETES_SERVICE_HOST");
	const char *port = opts && opts->port ? opts->port :
	    getenv("KUBERNETES_SERVICE_PORT");
	const char *ns = NULL;
	cf_rest_config *c;
	cf_buf ca = CF_BUF_INIT;
	int err;

	if (!host || !*host || !port || !*port)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "not running in a cluster: KUBERNETES_SERVICE_HOST and "
		    "KUBERNETES_SERVICE_PORT must be set");
	c = CF_ARENA_NEW(a, cf_rest_config);
	c->server = cf_arena_printf(a, strchr(host, ':') ?
	    "https://[%s]:%s" : "https://%s:%s", host, port);
	c->token_file = cf_arena_printf(a, "%s/token", dir);
	err = read_trimmed(&c->token, a, dir, "token");
	if (err < 0)
		return cf_error_wrap("in-cluster configuration");
	cf_buf_init_capped(&ca, CF_KUBECONFIG_MAX_SIZE);
	err = cf_fs_read(&ca, cf_arena_printf(a, "%s/ca.crt", dir),
	    CF_KUBECONFIG_MAX_SIZE);
	if (err < 0) {
		cf_buf_release(&ca);
		return cf_error_wrap("in-cluster configuration");
	}
	c->ca_pem = cf_arena_memdup(a, ca.buf, ca.len + 1);
	c->ca_pem_len = ca.len;
	cf_buf_release(&ca);
	/* The namespace file is optional, as in client-go. */
	if (read_trimmed(&ns, a, dir, "namespace") < 0 || !ns || !*ns)
		ns = "default";
	cf_error_clear();
	c->namespace_ = ns;
	*out = c;
	return 0;
}
