/* SPDX-License-Identifier: Apache-2.0 */
/*
 * HTTP client: the one wrapper around libcurl (only http.c sees
 * <curl/curl.h>). A cf_http session holds the TLS settings (CA, client
 * certificate, bearer token), a shared connection cache so requests reuse
 * keep-alive connections, and a pool of transfer handles so several
 * threads can issue requests at once. Responses are read into capped
 * buffers, or handed to a streaming callback (watches). Proxies are off
 * unless a proxy URL is given: the environment's http_proxy is ignored.
 * Retries, rate limits and Kubernetes semantics belong to the caller.
 */
#ifndef CF_CORE_HTTP_H
#define CF_CORE_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct cf_http cf_http;

#define CF_HTTP_MAX_BODY_DEFAULT (3u << 20) /* 3 MiB: one object */

/* Zero means default for every field. Strings and blobs are copied by
 * cf_http_new; secrets in them are never logged or put in messages. */
typedef struct cf_http_opts {
	const char *ca_pem;   /* trusted CAs (PEM); NULL = system store */
	size_t ca_pem_len;
	const char *cert_pem; /* client certificate and key (PEM) */
	size_t cert_pem_len;
	const char *key_pem;
	size_t key_pem_len;
	const char *bearer_token; /* sent as "Authorization: Bearer ..." */
	bool insecure;            /* skip server certificate checks */
	/* Verify the server as this name (and send it as SNI and Host)
	 * instead of the URL's host, which is still what we connect to. */
	const char *tls_server_name;
	const char *proxy;        /* proxy URL; NULL = never use a proxy */
	const char *user_agent;   /* NULL = "cflux/<version>" */
	long connect_timeout_ms;  /* 0 = 10 s */
	long timeout_ms;          /* whole request; 0 = 60 s */
} cf_http_opts;

/* Called with each chunk of a 2xx streamed body. Return 0 to go on;
 * any other value aborts the transfer and cf_http_do returns it. */
typedef int (*cf_http_data_fn)(const char *data, size_t len, void *payload);

typedef struct cf_http_request {
	const char *method;  /* "GET" when NULL */
	const char *url;
	const char *const *headers; /* extra "Name: value" lines */
	size_t nheaders;
	const char *body;    /* request body (may be NULL) */
	size_t body_len;
	const char *content_type; /* of the body */
	const char *accept;       /* NULL = "application/json" */
	size_t max_body;     /* response cap; 0 = CF_HTTP_MAX_BODY_DEFAULT */
	long timeout_ms;     /* 0 = session's; < 0 = no limit (watches) */
	/* Streaming: a 2xx body goes to on_data instead of the response
	 * buffer (error bodies are still buffered, capped). */
	cf_http_data_fn on_data;
	void *payload;
	/* Set non-zero by another thread to abort the transfer (checked at
	 * least once a second). */
	const atomic_int *cancel;
} cf_http_request;

typedef struct cf_http_response {
	long status;          /* HTTP status, 0 if none arrived */
	cf_buf body;          /* unless streamed */
	char content_type[128];
	long retry_after;     /* Retry-After in seconds, -1 if absent */
	cf_buf warnings;      /* Warning header values, one per line
	                       * (capped at 4 KiB; the rest is dropped) */
	bool not_sent;        /* failed before the request could be sent
	                       * (connect refused, DNS): safe to retry */
	bool cancelled;       /* stopped through request->cancel */
} cf_http_response;

#define CF_HTTP_RESPONSE_INIT \
	{ 0, CF_BUF_INIT, { 0 }, -1, CF_BUF_INIT, false, false }

/* Create a session. Owned: cf_http_free(). Returns 0 or CF_ERROR. */
int cf_http_new(cf_http **out, const cf_http_opts *opts);
void cf_http_free(cf_http *h);

/* Replace the bearer token (a rotated service account token). */
void cf_http_set_token(cf_http *h, const char *token);

/*
 * Perform one request; thread-safe. resp must be CF_HTTP_RESPONSE_INIT or
 * released; its body is capped at req->max_body. Returns 0 whenever a
 * response arrived, whatever its status; CF_ETIMEOUT when the request
 * timed out; CF_ETOOLARGE when the body passed the cap; the on_data
 * callback's value if it aborted; CF_ERROR for connection and TLS
 * failures and cancellation (see resp->not_sent, resp->cancelled). The
 * message names the method and the URL without any userinfo.
 */
int cf_http_do(cf_http *h, const cf_http_request *req, cf_http_response *resp);

void cf_http_response_release(cf_http_response *resp);

/* Append s percent-encoded for a path segment or query value (every
 * byte but ALPHA DIGIT - . _ ~ is escaped). Returns 0 or CF_ETOOLARGE. */
int cf_http_add_escaped(cf_buf *out, const char *s);

/* Write url without any "user:password@" part into out (for messages). */
void cf_http_redact_url(cf_buf *out, const char *url);

#endif
