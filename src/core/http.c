/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libcurl wrapper. Design notes:
 *
 * - One CURLSH per session shares the connection cache, DNS cache and TLS
 *   sessions between transfer handles, so a controller's requests reuse
 *   keep-alive connections whichever thread issues them. The share needs
 *   lock callbacks; one mutex per curl_lock_data keeps a long TLS
 *   handshake from blocking DNS look-ups.
 * - Easy handles are pooled: curl_easy_init per request would be correct
 *   but costs an allocation storm; a watch holds its handle for the life
 *   of the stream, so the pool grows to the number of concurrent requests.
 * - Every request sets every option again after curl_easy_reset, so no
 *   option leaks from one request into the next (a streaming callback, a
 *   body pointer that is no longer valid).
 * - CURLOPT_PROXY "" disables proxies outright, including the http_proxy
 *   environment variables, which would otherwise silently route API
 *   traffic (and the bearer token) through whatever the environment says.
 *   CURLOPT_NOPROXY "" likewise keeps no_proxy from sending a request
 *   around a proxy that was given explicitly.
 */
#include "core/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/error.h"

#define POOL_MAX 16

struct cf_http {
	char *ca_pem, *cert_pem, *key_pem;
	size_t ca_pem_len, cert_pem_len, key_pem_len;
	char *proxy, *user_agent, *tls_server_name;
	bool insecure;
	long connect_timeout_ms, timeout_ms;

	pthread_mutex_t token_lock; /* the token may rotate under requests */
	char *auth_header;          /* "Authorization: Bearer ..." or NULL */

	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

	pthread_mutex_t pool_lock;
	CURL *pool[POOL_MAX];
	size_t npool;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc;

/* curl_global_init is not thread-safe before 7.84 on every backend; run
 * it exactly once, whichever thread creates the first session. */
static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void share_lock(CURL *eh, curl_lock_data data, curl_lock_access acc,
    void *userp)
{
	cf_http *h = userp;

	(void)eh;
	(void)acc;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_lock(&h->share_locks[data]);
}

static void share_unlock(CURL *eh, curl_lock_data data, void *userp)
{
	cf_http *h = userp;

	(void)eh;
	if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST)
		pthread_mutex_unlock(&h->share_locks[data]);
}

static char *dup_blob(const char *p, size_t n, size_t *outn)
{
	char *r;

	if (!p) {
		*outn = 0;
		return NULL;
	}
	r = cf_xmalloc(n + 1);
	memcpy(r, p, n);
	r[n] = '\0';
	*outn = n;
	return r;
}

/* Secrets are wiped before they go back to the allocator. */
static void free_secret(char *p, size_t n)
{
	if (!p)
		return;
	explicit_bzero(p, n);
	free(p);
}

static char *make_auth_header(const char *token)
{
	size_t n;
	char *r;

	if (!token || !*token)
		return NULL;
	n = strlen(token) + sizeof("Authorization: Bearer ");
	r = cf_xmalloc(n);
	snprintf(r, n, "Authorization: Bearer %s", token);
	return r;
}

int cf_http_new(cf_http **out, const cf_http_opts *opts)
{
	static const cf_http_opts zero;
	cf_http *h;

	if (!opts)
		opts = &zero;
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK)
		return cf_error_set(CF_ERR_HTTP, "cannot initialise libcurl: %s",
		    curl_easy_strerror(global_rc));

	h = cf_xcalloc(1, sizeof(*h));
	h->ca_pem = dup_blob(opts->ca_pem, opts->ca_pem_len, &h->ca_pem_len);
	h->cert_pem = dup_blob(opts->cert_pem, opts->cert_pem_len,
	    &h->cert_pem_len);
	h->key_pem = dup_blob(opts->key_pem, opts->key_pem_len,
	    &h->key_pem_len);
	h->proxy = opts->proxy ? cf_xstrdup(opts->proxy) : NULL;
	h->tls_server_name = opts->tls_server_name && *opts->tls_server_name ?
	    cf_xstrdup(opts->tls_server_name) : NULL;
	h->user_agent = cf_xstrdup(opts->user_agent ? opts->user_agent :
	    "cflux/" CF_VERSION);
	h->insecure = opts->insecure;
	h->connect_timeout_ms = opts->connect_timeout_ms > 0 ?
	    opts->connect_timeout_ms : 10000;
	h->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : 60000;
	pthread_mutex_init(&h->token_lock, NULL);
	h->auth_header = make_auth_header(opts->bearer_token);
	pthread_mutex_init(&h->pool_lock, NULL);
	for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&h->share_locks[i], NULL);

	h->share = curl_share_init();
	if (!h->share) {
		cf_http_free(h);
		return cf_error_set(CF_ERR_HTTP, "cannot create a curl share");
	}
	curl_share_setopt(h->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(h->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(h->share, CURLSHOPT_USERDATA, h);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	curl_share_setopt(h->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(h->share, CURLSHOPT_SHARE,
	    CURL_LOCK_DATA_SSL_SESSION);
	*out = h;
	return 0;
}

void cf_http_free(cf_http *h)
{
	if (!h)
		return;
	/* Easy handles first: they hold connections owned by the share. */
	for (size_t i = 0; i < h->npool; i++)
		curl_easy_cleanup(h->pool[i]);
	if (h->share)
		curl_share_cleanup(h->share);
	for (size_t i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&h->share_locks[i]);
	pthread_mutex_destroy(&h->pool_lock);
	pthread_mutex_destroy(&h->token_lock);
	free_secret(h->auth_header, h->auth_header ? strlen(h->auth_header) : 0);
	free_secret(h->key_pem, h->key_pem_len);
	free(h->cert_pem);
	free(h->ca_pem);
	free_secret(h->proxy, h->proxy ? strlen(h->proxy) : 0); /* userinfo */
	free(h->tls_server_name);
	free(h->user_agent);
	free(h);
}

void cf_http_set_token(cf_http *h, const char *token)
{
	char *nh = make_auth_header(token), *old;

	pthread_mutex_lock(&h->token_lock);
	old = h->auth_header;
	h->auth_header = nh;
	pthread_mutex_unlock(&h->token_lock);
	free_secret(old, old ? strlen(old) : 0);
}

static CURL *pool_get(cf_http *h)
{
	CURL *eh = NULL;

	pthread_mutex_lock(&h->pool_lock);
	if (h->npool > 0)
		eh = h->pool[--h->npool];
	pthread_mutex_unlock(&h->pool_lock);
	if (!eh)
		eh = curl_easy_init();
	else
		curl_easy_reset(eh);
	return eh;
}

static void pool_put(cf_http *h, CURL *eh)
{
	pthread_mutex_lock(&h->pool_lock);
	if (h->npool < POOL_MAX) {
		h->pool[h->npool++] = eh;
		eh = NULL;
	}
	pthread_mutex_unlock(&h->pool_lock);
	if (eh)
		curl_easy_cleanup(eh);
}

/* ---- one transfer ---- */

struct xfer {
	CURL *eh;
	const cf_http_request *req;
	cf_http_response *resp;
	size_t cap;
	int abort_code;  /* on_data's non-zero value */
	bool too_large;
};

static bool status_2xx(CURL *eh)
{
	long code = 0;

	curl_easy_getinfo(eh, CURLINFO_RESPONSE_CODE, &code);
	return code >= 200 && code < 300;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;

	if (x->req->on_data && status_2xx(x->eh)) {
		int r = x->req->on_data(data, n, x->req->payload);

		if (r != 0) {
			x->abort_code = r;
			return 0; /* CURLE_WRITE_ERROR ends the transfer */
		}
		return n;
	}
	/* Checked before growing: the cap is what protects us from a
	 * hostile or broken server (gzip bombs included, as curl hands us
	 * decoded bytes). */
	if (n > x->cap - x->resp->body.len) {
		x->too_large = true;
		return 0;
	}
	cf_buf_add(&x->resp->body, data, n);
	return n;
}

static bool header_is(const char *line, size_t n, const char *name,
    const char **val, size_t *vlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return false;
	line += k + 1;
	n -= k + 1;
	while (n > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		n--;
	}
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n' ||
	    line[n - 1] == ' '))
		n--;
	*val = line;
	*vlen = n;
	return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *userp)
{
	struct xfer *x = userp;
	size_t n = size * nmemb;
	const char *v;
	size_t vn;

	if (n >= 5 && !memcmp(line, "HTTP/", 5)) {
		/* A new response (after a 100 Continue): forget the old one. */
		x->resp->content_type[0] = '\0';
		x->resp->retry_after = -1;
		cf_buf_reset(&x->resp->warnings);
	} else if (header_is(line, n, "Warning", &v, &vn)) {
		/* Kept for the caller to log (deprecations, unknown
		 * fields); a server cannot make us hold more than 4 KiB. */
		if (x->resp->warnings.len + vn + 1 <= 4096) {
			cf_buf_add(&x->resp->warnings, v, vn);
			cf_buf_addch(&x->resp->warnings, '\n');
		}
	} else if (header_is(line, n, "Content-Type", &v, &vn)) {
		if (vn >= sizeof(x->resp->content_type))
			vn = sizeof(x->resp->content_type) - 1;
		memcpy(x->resp->content_type, v, vn);
		x->resp->content_type[vn] = '\0';
	} else if (header_is(line, n, "Retry-After", &v, &vn)) {
		long secs = 0;
		size_t i;

		/* Delta-seconds only; an HTTP-date means "later": 1 s. */
		for (i = 0; i < vn && v[i] >= '0' && v[i] <= '9'; i++)
			if (secs < 100000)
				secs = secs * 10 + (v[i] - '0');
		x->resp->retry_after = (i == vn && vn > 0) ? secs : 1;
	}
	return n;
}

static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow,
    curl_off_t ultotal, curl_off_t ulnow)
{
	struct xfer *x = userp;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(x->req->cancel) != 0;
}

void cf_http_redact_url(cf_buf *out, const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host, *at, *end;

	if (!scheme) {
		cf_buf_adds(out, url);
		return;
	}
	host = scheme + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', end - host);
	if (!at) {
		cf_buf_adds(out, url);
		return;
	}
	/* The last '@' of the authority ends the userinfo. */
	while (memchr(at + 1, '@', end - at - 1))
		at = memchr(at + 1, '@', end - at - 1);
	cf_buf_add(out, url, host - url);
	cf_buf_adds(out, at + 1);
}

static int fail(int code, int klass, const cf_http_request *req,
    const char *what)
{
	cf_buf u = CF_BUF_INIT;
	int r;

	cf_http_redact_url(&u, req->url);
	r = cf_error_setc(code, klass, "%s %s: %s",
	    req->method ? req->method : "GET", u.buf, what);
	cf_buf_release(&u);
	return r;
}

static void set_method(CURL *eh, const cf_http_request *req)
{
	const char *m = req->method ? req->method : "GET";

	if (!strcmp(m, "GET") && !req->body) {
		curl_easy_setopt(eh, CURLOPT_HTTPGET, 1L);
		return;
	}
	if (!strcmp(m, "HEAD")) {
		curl_easy_setopt(eh, CURLOPT_NOBODY, 1L);
		return;
	}
	if (req->body || strcmp(m, "DELETE") != 0) {
		curl_easy_setopt(eh, CURLOPT_POSTFIELDS,
		    req->body ? req->body : "");
		curl_easy_setopt(eh, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(req->body ? req->body_len : 0));
	}
	curl_easy_setopt(eh, CURLOPT_CUSTOMREQUEST, m);
}

static void set_tls(cf_http *h, CURL *eh)
{
	struct curl_blob blob;

	if (h->ca_pem) {
		blob = (struct curl_blob){ h->ca_pem, h->ca_pem_len,
		    CURL_BLOB_COPY };
		curl_easy_setopt(eh, CURLOPT_CAINFO_BLOB, &blob);
		/* Trust the given CAs only: curl would otherwise load its
		 * built-in CA file and directory as well as the blob. */
		curl_easy_setopt(eh, CURLOPT_CAINFO, NULL);
		curl_easy_setopt(eh, CURLOPT_CAPATH, NULL);
	}
	if (h->cert_pem) {
		blob = (struct curl_blob){ h->cert_pem, h->cert_pem_len,
		    CURL_BLOB_COPY };
		curl_easy_setopt(eh, CURLOPT_SSLCERT_BLOB, &blob);
		curl_easy_setopt(eh, CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (h->key_pem) {
		blob = (struct curl_blob){ h->key_pem, h->key_pem_len,
		    CURL_BLOB_COPY };
		curl_easy_setopt(eh, CURLOPT_SSLKEY_BLOB, &blob);
		curl_easy_setopt(eh, CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (h->insecure) {
		curl_easy_setopt(eh, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(eh, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/*
 * tls-server-name: curl verifies the certificate against the URL's host,
 * so put the server name in the URL and tell curl, through CONNECT_TO,
 * to connect where the URL originally pointed. *url is curl-allocated
 * (curl_free) and *connect_to a list to free; both stay NULL when the
 * URL is not https or cannot be parsed (curl then reports the error).
 */
static void server_name_url(cf_http *h, const char *orig, char **url,
    struct curl_slist **connect_to)
{
	char *scheme = NULL, *host = NULL, *port = NULL, line[512];
	CURLU *u = curl_url();

	*url = NULL;
	*connect_to = NULL;
	if (!u)
		return;
	if (curl_url_set(u, CURLUPART_URL, orig, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    strcmp(scheme, "https") != 0 ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK ||
	    curl_url_set(u, CURLUPART_HOST, h->tls_server_name, 0) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto done;
	snprintf(line, sizeof(line), "%s:%s:%s:%s", h->tls_server_name, port,
	    host, port);
	*connect_to = curl_slist_append(NULL, line);
	if (!*connect_to) {
		curl_free(*url);
		*url = NULL;
	}
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
}

/* Build the header list; NULL only when curl cannot allocate. */
static struct curl_slist *make_headers(cf_http *h, const cf_http_request *req)
{
	struct curl_slist *l = NULL, *t;
	char line[256];

	snprintf(line, sizeof(line), "Accept: %s",
	    req->accept ? req->accept : "application/json");
	l = curl_slist_append(l, line);
	if (req->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s",
		    req->content_type);
		if (l && (t = curl_slist_append(l, line)))
			l = t;
	}
	/* No "Expect: 100-continue" round trip for large bodies. */
	if (l && (t = curl_slist_append(l, "Expect:")))
		l = t;
	for (size_t i = 0; l && i < req->nheaders; i++)
		if ((t = curl_slist_append(l, req->headers[i])))
			l = t;
	pthread_mutex_lock(&h->token_lock);
	if (l && h->auth_header && (t = curl_slist_append(l, h->auth_header)))
		l = t;
	pthread_mutex_unlock(&h->token_lock);
	return l;
}

/* Free a header list, wiping the lines (the token is among them). */
static void free_headers(struct curl_slist *l)
{
	for (struct curl_slist *p = l; p; p = p->next)
		explicit_bzero(p->data, strlen(p->data));
	curl_slist_free_all(l);
}

int cf_http_do(cf_http *h, const cf_http_request *req, cf_http_response *resp)
{
	char errbuf[CURL_ERROR_SIZE];
	struct xfer x = { 0 };
	struct curl_slist *hdrs, *connect_to = NULL;
	char *sni_url = NULL;
	long timeout;
	CURLcode rc;
	CURL *eh;
	int err = 0;

	cf_http_response_release(resp);
	resp->status = 0;
	resp->content_type[0] = '\0';
	resp->retry_after = -1;
	resp->not_sent = resp->cancelled = false;

	eh = pool_get(h);
	if (!eh)
		return fail(CF_ERROR, CF_ERR_HTTP, req, "cannot create a handle");
	hdrs = make_headers(h, req);
	if (!hdrs) {
		pool_put(h, eh);
		return fail(CF_ERROR, CF_ERR_HTTP, req, "out of memory");
	}
	x.eh = eh;
	x.req = req;
	x.resp = resp;
	x.cap = req->max_body ? req->max_body : CF_HTTP_MAX_BODY_DEFAULT;
	errbuf[0] = '\0';

	if (h->tls_server_name)
		server_name_url(h, req->url, &sni_url, &connect_to);
	curl_easy_setopt(eh, CURLOPT_URL, sni_url ? sni_url : req->url);
	if (connect_to)
		curl_easy_setopt(eh, CURLOPT_CONNECT_TO, connect_to);
	curl_easy_setopt(eh, CURLOPT_SHARE, h->share);
	/* Watches hold connections open: a cache of 5 (the default) would close
	 * and re-handshake the pooled ones under load. */
	curl_easy_setopt(eh, CURLOPT_MAXCONNECTS, 64L);
	curl_easy_setopt(eh, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(eh, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(eh, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(eh, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(eh, CURLOPT_PROXY, h->proxy ? h->proxy : "");
	curl_easy_setopt(eh, CURLOPT_NOPROXY, "");
	curl_easy_setopt(eh, CURLOPT_USERAGENT, h->user_agent);
	curl_easy_setopt(eh, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(eh, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(eh, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(eh, CURLOPT_CONNECTTIMEOUT_MS, h->connect_timeout_ms);
	timeout = req->timeout_ms == 0 ? h->timeout_ms :
	    req->timeout_ms < 0 ? 0 : req->timeout_ms;
	curl_easy_setopt(eh, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(eh, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(eh, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(eh, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(eh, CURLOPT_HEADERDATA, &x);
	if (req->cancel) {
		curl_easy_setopt(eh, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(eh, CURLOPT_XFERINFODATA, &x);
		curl_easy_setopt(eh, CURLOPT_NOPROGRESS, 0L);
	}
	set_method(eh, req);
	set_tls(h, eh);

	rc = curl_easy_perform(eh);
	curl_easy_getinfo(eh, CURLINFO_RESPONSE_CODE, &resp->status);
	if (rc == CURLE_OK)
		goto done;
	if (x.abort_code) {
		err = x.abort_code; /* the callback set the message */
	} else if (x.too_large) {
		char what[96];

		snprintf(what, sizeof(what),
		    "response body exceeds %zu bytes", x.cap);
		err = fail(CF_ETOOLARGE, CF_ERR_HTTP, req, what);
	} else if (rc == CURLE_ABORTED_BY_CALLBACK) {
		resp->cancelled = true;
		err = fail(CF_ERROR, CF_ERR_HTTP, req, "request cancelled");
	} else if (rc == CURLE_OPERATION_TIMEDOUT) {
		err = fail(CF_ETIMEOUT, CF_ERR_HTTP, req,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	} else {
		int klass = CF_ERR_HTTP;

		switch (rc) {
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST:
		case CURLE_COULDNT_RESOLVE_PROXY:
			resp->not_sent = true;
			break;
		case CURLE_SSL_CONNECT_ERROR:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_SSL_CACERT_BADFILE:
			/* Not marked not_sent: a certificate that fails
			 * verification will fail again, retrying is useless. */
			klass = CF_ERR_TLS;
			break;
		default:
			break;
		}
		err = fail(CF_ERROR, klass, req,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	}
done:
	free_headers(hdrs);
	curl_slist_free_all(connect_to);
	curl_free(sni_url);
	/* Drop pointers into this call's stack before the handle is reused. */
	curl_easy_setopt(eh, CURLOPT_ERRORBUFFER, NULL);
	pool_put(h, eh);
	return err;
}

void cf_http_response_release(cf_http_response *resp)
{
	cf_buf_release(&resp->body);
	cf_buf_release(&resp->warnings);
}

int cf_http_add_escaped(cf_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	for (; *s && !err; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			err = cf_buf_addch(out, (char)c);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			err = cf_buf_add(out, e, 3);
		}
	}
	return err;
}
