/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bearer tokens, ServiceAccount JWTs (TokenRequest, verification,
 * TokenReview) and impersonation (spec/kubernetes-api.md §7.3).
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/json.h"
#include "kube/authn.h"
#include "kube/rbac.h"

/* Test objects are written as JSON text; a typo aborts the binary. */
static cf_node *J(cf_arena *a, const char *text)
{
	cf_node *n;

	if (cf_json_parse(&n, a, text, strlen(text), NULL) != 0) {
		fprintf(stderr, "bad test JSON: %s\n", cf_error_msg());
		abort();
	}
	return n;
}

static void JW(cf_buf *b, const cf_node *n)
{
	cf_json_write(b, n, 0);
}

#define NOW INT64_C(1700000000)

static const char *sa_json = "{\"metadata\":{\"name\":\"robot\","
    "\"namespace\":\"team\",\"uid\":\"0b3c6f4e-1111-4a2b-9c3d-222222222222\"}}";

/* The SA lookup the server would do against its store. */
static int sa_exists;

static int lookup(const char *ns, const char *name, const char *uid,
    void *payload)
{
	(void)payload;
	if (sa_exists && !strcmp(ns, "team") && !strcmp(name, "robot") &&
	    !strcmp(uid, "0b3c6f4e-1111-4a2b-9c3d-222222222222"))
		return 0;
	return CF_ENOTFOUND;
}

/* The Pods and Secrets the server would find in its store. */
static int secret_exists;

static int objects(const char *kind, const char *ns, const char *name,
    char *uid, size_t uidlen, void *payload)
{
	(void)payload;
	if (secret_exists && !strcmp(kind, "Secret") && !strcmp(ns, "team") &&
	    !strcmp(name, "s1")) {
		snprintf(uid, uidlen, "%s", secret_exists == 1 ? "uid-s1" : "uid-s1b");
		return 0;
	}
	if (!strcmp(kind, "Pod") && !strcmp(ns, "team") && !strcmp(name, "p1")) {
		snprintf(uid, uidlen, "uid-p1");
		return 0;
	}
	return CF_ENOTFOUND;
}

static const char *mint(cf_arena *a, const cf_authn_config *cfg,
    const char *request)
{
	cf_node *out;

	if (cf_authn_token_request(&out, a, cfg, J(a, request), J(a, sa_json)) != 0)
		return NULL;
	return cf_node_getp_str(out, "status", "token", NULL);
}

/* The JSON claims of a token (no verification). */
static cf_node *claims(cf_arena *a, const char *tok)
{
	const char *d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');
	cf_buf raw = CF_BUF_INIT;
	cf_node *n = NULL;

	if (cf_base64_decode(&raw, d1 + 1, (size_t)(d2 - d1 - 1), true) == 0)
		cf_json_parse(&n, a, raw.buf, raw.len, NULL);
	cf_buf_release(&raw);
	return n;
}

TEST(test_kube_authn__secret_equal)
{
	CHECK(cf_authn_secret_equal("s3cr3t-token", "s3cr3t-token"));
	CHECK(!cf_authn_secret_equal("s3cr3t-token", "s3cr3t-tokeN"));
	CHECK(!cf_authn_secret_equal("s3cr3t-token", "s3cr3t"));
	CHECK(!cf_authn_secret_equal("", "x"));
	CHECK(!cf_authn_secret_equal(NULL, "x"));
}

static void token_roundtrip(enum cf_authn_alg alg, size_t siglen)
{
	cf_arena a = CF_ARENA_INIT;
	cf_authn_key *k, *k2, *other;
	cf_buf pem = CF_BUF_INIT, sig = CF_BUF_INIT;
	cf_authn_config cfg = { .issuer = "https://cflux.local", .now = NOW,
		.sa_lookup = lookup };
	cf_authn_identity id;
	const char *tok;
	cf_node *cl, *resp;

	CHECK_INT(cf_authn_key_generate(&k, alg), 0);
	CHECK_INT(cf_authn_key_generate(&other, alg), 0);
	/* The PEM the caller stores gives back the same key. */
	CHECK_INT(cf_authn_key_to_pem(&pem, k), 0);
	CHECK(strstr(pem.buf, "-----BEGIN PRIVATE KEY-----"));
	CHECK_INT(cf_authn_key_load_pem(&k2, pem.buf, pem.len), 0);
	CHECK_STR(cf_authn_key_id(k2), cf_authn_key_id(k));
	CHECK(strcmp(cf_authn_key_id(other), cf_authn_key_id(k)));
	CHECK_INT(strlen(cf_authn_key_id(k)), 43);

	cfg.key = k;
	sa_exists = 1;
	CHECK_INT(cf_authn_token_request(&resp, &a, &cfg, J(&a,
	    "{\"kind\":\"TokenRequest\",\"apiVersion\":\"authentication.k8s.io/v1\","
	    "\"spec\":{\"audiences\":null,\"expirationSeconds\":null}}"),
	    J(&a, sa_json)), 0);
	CHECK_INT(cf_node_getp(resp, "spec", "expirationSeconds", NULL)->v.i, 3600);
	CHECK_STR(cf_node_getp_str(resp, "status", "expirationTimestamp", NULL),
	    "2023-11-14T23:13:20Z");
	tok = cf_node_getp_str(resp, "status", "token", NULL);
	CHECK(tok);
	/* Signature size: raw r||s for ES256, the modulus size for RS256. */
	CHECK_INT(cf_base64_decode(&sig, strrchr(tok, '.') + 1,
	    strlen(strrchr(tok, '.') + 1), true), 0);
	CHECK_INT(sig.len, siglen);

	cl = claims(&a, tok);
	CHECK_STR(cf_node_getp_str(cl, "iss", NULL), "https://cflux.local");
	CHECK_STR(cf_node_getp_str(cl, "sub", NULL),
	    "system:serviceaccount:team:robot");
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_get(cl, "aud"), 0)),
	    "https://cflux.local");
	CHECK_INT(cf_node_get(cl, "iat")->v.i, NOW);
	CHECK_INT(cf_node_get(cl, "nbf")->v.i, NOW);
	CHECK_INT(cf_node_get(cl, "exp")->v.i, NOW + 3600);
	CHECK_STR(cf_node_getp_str(cl, "kubernetes.io", "serviceaccount", "uid",
	    NULL), "0b3c6f4e-1111-4a2b-9c3d-222222222222");
	CHECK_STR(cf_node_getp_str(cl, "kubernetes.io", "namespace", NULL), "team");
	CHECK_INT(strlen(cf_node_getp_str(cl, "jti", NULL)), 36);

	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	CHECK_STR(id.user.name, "system:serviceaccount:team:robot");
	CHECK_STR(id.user.uid, "0b3c6f4e-1111-4a2b-9c3d-222222222222");
	CHECK_INT(id.user.ngroups, 3);
	CHECK_STR(id.user.groups[0], "system:serviceaccounts");
	CHECK_STR(id.user.groups[1], "system:serviceaccounts:team");
	CHECK_STR(id.user.groups[2], "system:authenticated");

	/* Another key, expiry, a deleted SA, another issuer: all refused. */
	cfg.key = other;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	cfg.key = k2;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	cfg.now = NOW + 3600;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "expired"));
	CHECK(!strstr(cf_error_msg(), tok));
	cfg.now = NOW + 3599;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	sa_exists = 0;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	sa_exists = 1;
	cfg.issuer = "https://elsewhere";
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);

	cf_buf_release(&pem);
	cf_buf_release(&sig);
	cf_authn_key_free(k);
	cf_authn_key_free(k2);
	cf_authn_key_free(other);
	cf_arena_release(&a);
}

TEST(test_kube_authn__es256_tokens)
{
	token_roundtrip(CF_AUTHN_ES256, 64);
}

TEST(test_kube_authn__rs256_tokens)
{
	token_roundtrip(CF_AUTHN_RS256, 256);
}

TEST(test_kube_authn__tampering_and_audiences)
{
	cf_arena a = CF_ARENA_INIT;
	cf_authn_key *k;
	const char *const auds[] = { "api", "https://cflux.local" };
	cf_authn_config cfg = { .now = NOW, .audiences = auds, .naudiences = 2 };
	cf_authn_identity id;
	cf_buf forged = CF_BUF_INIT, body = CF_BUF_INIT;
	const char *tok, *d1, *d2;
	cf_node *cl, *out;

	CHECK_INT(cf_authn_key_generate(&k, CF_AUTHN_ES256), 0);
	cfg.key = k;
	/* Audiences: the token must carry one the server accepts. */
	tok = mint(&a, &cfg, "{\"spec\":{\"audiences\":[\"vault\"]}}");
	CHECK(tok);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	tok = mint(&a, &cfg, "{\"spec\":{\"audiences\":[\"vault\",\"api\"],"
	    "\"expirationSeconds\":600}}");
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	CHECK_INT(claims(&a, tok)->type, CF_NODE_MAP);
	CHECK_INT(cf_node_get(claims(&a, tok), "exp")->v.i, NOW + 600);

	/* Re-sign nothing, change the claims: the signature fails. */
	cl = claims(&a, tok);
	cf_node_set(&a, cf_node_getp(cl, "kubernetes.io", NULL), "namespace",
	    cf_node_str(&a, "kube-system"));
	cf_json_write(&body, cl, CF_JSON_SORTED);
	d1 = strchr(tok, '.');
	d2 = strrchr(tok, '.');
	cf_buf_add(&forged, tok, (size_t)(d1 - tok + 1));
	cf_base64_encode(&forged, body.buf, body.len, true);
	cf_buf_adds(&forged, d2);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, forged.buf), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "signature"));
	/* alg=none and garbage. */
	cf_buf_reset(&forged);
	cf_base64_encode(&forged, "{\"alg\":\"none\"}", 14, true);
	cf_buf_addf(&forged, "%.*s.", (int)(d2 - d1), d1);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, forged.buf), CF_EINVALID);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, "a.b.c"), CF_EINVALID);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, "...."), CF_EINVALID);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, ""), CF_EINVALID);

	/* TokenRequest validation. */
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"expirationSeconds\":599}}"), J(&a, sa_json)), CF_EINVALID);
	CHECK_STR(cf_error_msg(), "spec.expirationSeconds: Invalid value: 599: "
	    "may not specify a duration less than 10 minutes");
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"expirationSeconds\":4294967297}}"), J(&a, sa_json)),
	    CF_EINVALID);
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a, "{\"spec\":{}}"),
	    J(&a, "{\"metadata\":{\"name\":\"x\"}}")), CF_EINVALID);

	/* TokenReview, good and bad. */
	CHECK_INT(cf_authn_token_review(&out, &a, &cfg, J(&a, cf_arena_printf(&a,
	    "{\"kind\":\"TokenReview\",\"spec\":{\"token\":\"%s\"}}", tok))), 0);
	cf_buf_reset(&body);
	JW(&body, cf_node_get(out, "status"));
	cf_buf_reset(&forged);
	cf_buf_addf(&forged, "{\"authenticated\":true,\"user\":{\"username\":"
	    "\"system:serviceaccount:team:robot\",\"uid\":"
	    "\"0b3c6f4e-1111-4a2b-9c3d-222222222222\",\"groups\":["
	    "\"system:serviceaccounts\",\"system:serviceaccounts:team\","
	    "\"system:authenticated\"],\"extra\":{"
	    "\"authentication.kubernetes.io/credential-id\":[\"JTI=%s\"]}},"
	    "\"audiences\":[\"api\"]}", cf_node_getp_str(claims(&a, tok), "jti", NULL));
	CHECK_STR(body.buf, forged.buf);
	CHECK_INT(cf_authn_token_review(&out, &a, &cfg, J(&a,
	    "{\"kind\":\"TokenReview\",\"spec\":{\"token\":\"nope\"}}")), 0);
	CHECK(!cf_node_getp(out, "status", "authenticated", NULL));
	CHECK(cf_node_getp_str(out, "status", "error", NULL));
	CHECK_INT(cf_authn_token_review(&out, &a, &cfg, J(&a,
	    "{\"kind\":\"TokenReview\",\"spec\":{}}")), CF_EINVALID);

	cf_buf_release(&forged);
	cf_buf_release(&body);
	cf_authn_key_free(k);
	cf_arena_release(&a);
}

TEST(test_kube_authn__admin_token_and_bad_keys)
{
	cf_arena a = CF_ARENA_INIT;
	cf_authn_config cfg = { .admin_token = "0123456789abcdef0123456789abcdef" };
	cf_authn_identity id;
	cf_authn_key *k;
	const char *junk = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";

	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg,
	    "0123456789abcdef0123456789abcdef"), 0);
	CHECK_STR(id.user.name, "cflux-admin");
	CHECK_INT(id.user.ngroups, 2);
	CHECK_STR(id.user.groups[0], "system:masters");
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg,
	    "0123456789abcdef0123456789abcdeF"), CF_EINVALID);
	/* No key configured: JWTs cannot authenticate. */
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, "x.y.z"), CF_EINVALID);
	CHECK_INT(cf_authn_key_load_pem(&k, junk, strlen(junk)), CF_EINVALID);
	CHECK_INT(cf_authn_key_load_pem(&k, "", 0), CF_EINVALID);
	/* Valid keys the JWS algorithms here cannot use: refused too. */
	{
		EVP_PKEY *bad[2] = { EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384"),
			EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024) };

		for (int i = 0; i < 2; i++) {
			BIO *bio = BIO_new(BIO_s_mem());
			char *p;
			long n;
			int err;

			CHECK(bad[i] && bio);
			CHECK(PEM_write_bio_PrivateKey(bio, bad[i], NULL, NULL, 0,
			    NULL, NULL));
			n = BIO_get_mem_data(bio, &p);
			err = cf_authn_key_load_pem(&k, p, (size_t)n);
			BIO_free(bio);
			EVP_PKEY_free(bad[i]);
			CHECK_INT(err, CF_EINVALID);
		}
	}
	cf_arena_release(&a);
}

static BIGNUM *b64_bn(const char *s)
{
	cf_buf b = CF_BUF_INIT;
	BIGNUM *bn = NULL;

	if (s && cf_base64_decode(&b, s, strlen(s), true) == 0)
		bn = BN_bin2bn((const unsigned char *)b.buf, (int)b.len, NULL);
	cf_buf_release(&b);
	return bn;
}

/* Rebuild a public key from the published JWK alone and check a token's
 * signature with it, as a cloud STS would. */
static int verify_with_jwk(const cf_node *jwk, const char *tok)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	EVP_PKEY *pkey = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const char *kty = cf_node_getp_str(jwk, "kty", NULL);
	const char *dot = strrchr(tok, '.');
	cf_buf sig = CF_BUF_INIT;
	unsigned char pub[65], *der = NULL;
	BIGNUM *x = NULL, *y = NULL;
	int ok = 0, derlen = 0;

	if (!strcmp(kty, "EC")) {
		x = b64_bn(cf_node_getp_str(jwk, "x", NULL));
		y = b64_bn(cf_node_getp_str(jwk, "y", NULL));
		pub[0] = 4;
		BN_bn2binpad(x, pub + 1, 32);
		BN_bn2binpad(y, pub + 33, 32);
		OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
		    "P-256", 0);
		OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
		    pub, sizeof(pub));
	} else {
		x = b64_bn(cf_node_getp_str(jwk, "n", NULL));
		y = b64_bn(cf_node_getp_str(jwk, "e", NULL));
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, x);
		OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, y);
	}
	params = OSSL_PARAM_BLD_to_param(bld);
	pctx = EVP_PKEY_CTX_new_from_name(NULL, kty, NULL);
	if (!pctx || EVP_PKEY_fromdata_init(pctx) != 1 ||
	    EVP_PKEY_fromdata(pctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto done;
	cf_base64_decode(&sig, dot + 1, strlen(dot + 1), true);
	if (!strcmp(kty, "EC")) {
		/* JWS r||s back to DER for OpenSSL. */
		ECDSA_SIG *es = ECDSA_SIG_new();

		ECDSA_SIG_set0(es, BN_bin2bn((unsigned char *)sig.buf, 32, NULL),
		    BN_bin2bn((unsigned char *)sig.buf + 32, 32, NULL));
		derlen = i2d_ECDSA_SIG(es, &der);
		ECDSA_SIG_free(es);
	}
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pkey) == 1 &&
	    EVP_DigestVerify(md, der ? der : (unsigned char *)sig.buf,
	    der ? (size_t)derlen : sig.len, (const unsigned char *)tok,
	    (size_t)(dot - tok)) == 1;
done:
	OPENSSL_free(der);
	cf_buf_release(&sig);
	BN_free(x);
	BN_free(y);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return ok;
}

TEST(test_kube_authn__issuer_discovery)
{
	for (int alg = CF_AUTHN_ES256; alg <= CF_AUTHN_RS256; alg++) {
		cf_arena a = CF_ARENA_INIT;
		cf_authn_key *k;
		cf_authn_config cfg = { .issuer = "https://cflux.local" };
		cf_node *jwks, *oidc, *jwk;
		const char *tok;
		cf_buf b = CF_BUF_INIT;
		int ok;

		CHECK_INT(cf_authn_jwks(&jwks, &a, &cfg), CF_ERROR);
		CHECK_INT(cf_authn_key_generate(&k, (enum cf_authn_alg)alg), 0);
		cfg.key = k;
		CHECK_INT(cf_authn_jwks(&jwks, &a, &cfg), 0);
		jwk = cf_node_at(cf_node_get(jwks, "keys"), 0);
		CHECK_STR(cf_node_getp_str(jwk, "kid", NULL), cf_authn_key_id(k));
		CHECK_STR(cf_node_getp_str(jwk, "use", NULL), "sig");
		CHECK_STR(cf_node_getp_str(jwk, "alg", NULL),
		    alg == CF_AUTHN_ES256 ? "ES256" : "RS256");
		if (alg == CF_AUTHN_ES256)
			CHECK_INT(strlen(cf_node_getp_str(jwk, "x", NULL)), 43);
		else
			CHECK_STR(cf_node_getp_str(jwk, "e", NULL), "AQAB");
		tok = mint(&a, &cfg, "{\"spec\":{}}");
		CHECK(tok);
		ok = verify_with_jwk(jwk, tok);
		/* A token of another key must not verify with this JWK. */
		{
			cf_authn_key *k2;

			CHECK_INT(cf_authn_key_generate(&k2, (enum cf_authn_alg)alg), 0);
			cfg.key = k2;
			tok = mint(&a, &cfg, "{\"spec\":{}}");
			cfg.key = k;
			CHECK(tok);
			CHECK(!verify_with_jwk(jwk, tok));
			cf_authn_key_free(k2);
		}
		CHECK(ok);
		CHECK_INT(cf_authn_openid_config(&oidc, &a, &cfg, NULL), 0);
		JW(&b, oidc);
		CHECK_STR(b.buf, alg == CF_AUTHN_ES256 ?
		    "{\"issuer\":\"https://cflux.local\",\"jwks_uri\":"
		    "\"https://cflux.local/openid/v1/jwks\",\"response_types_supported\":"
		    "[\"id_token\"],\"subject_types_supported\":[\"public\"],"
		    "\"id_token_signing_alg_values_supported\":[\"ES256\"]}" :
		    "{\"issuer\":\"https://cflux.local\",\"jwks_uri\":"
		    "\"https://cflux.local/openid/v1/jwks\",\"response_types_supported\":"
		    "[\"id_token\"],\"subject_types_supported\":[\"public\"],"
		    "\"id_token_signing_alg_values_supported\":[\"RS256\"]}");
		cf_buf_release(&b);
		cf_authn_key_free(k);
		cf_arena_release(&a);
	}
}

TEST(test_kube_authn__bound_tokens)
{
	cf_arena a = CF_ARENA_INIT;
	cf_authn_key *k;
	cf_authn_config cfg = { .now = NOW };
	cf_authn_identity id;
	cf_node *out, *cl;
	const char *tok;
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_authn_key_generate(&k, CF_AUTHN_ES256), 0);
	cfg.key = k;
	/* Without an object lookup, bound tokens are refused. */
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Secret\",\"apiVersion\":"
	    "\"v1\",\"name\":\"s1\"}}}"), J(&a, sa_json)), CF_EINVALID);
	cfg.object_lookup = objects;
	secret_exists = 1;
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Secret\",\"apiVersion\":"
	    "\"v1\",\"name\":\"s1\"}}}"), J(&a, sa_json)), 0);
	tok = cf_node_getp_str(out, "status", "token", NULL);
	cl = claims(&a, tok);
	CHECK_STR(cf_node_getp_str(cl, "kubernetes.io", "secret", "uid", NULL),
	    "uid-s1");
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	JW(&b, id.extra);
	CHECK(!strncmp(b.buf, "{\"authentication.kubernetes.io/credential-id\":"
	    "[\"JTI=", 50));
	/* Deleting or re-creating the Secret voids the token. */
	secret_exists = 2;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	secret_exists = 0;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "bound object"));
	/* Pod-bound tokens carry the pod in the user's extras. */
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"apiVersion\":"
	    "\"v1\",\"name\":\"p1\",\"uid\":\"uid-p1\"}}}"), J(&a, sa_json)), 0);
	tok = cf_node_getp_str(out, "status", "token", NULL);
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), 0);
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_get(id.extra,
	    "authentication.kubernetes.io/pod-name"), 0)), "p1");
	CHECK_STR(cf_node_as_str(cf_node_at(cf_node_get(id.extra,
	    "authentication.kubernetes.io/pod-uid"), 0)), "uid-p1");
	/* Refusals: a stale uid, a missing object, an unsupported kind. */
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"name\":\"p1\","
	    "\"uid\":\"old\"}}}"), J(&a, sa_json)), CF_ECONFLICT);
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"Pod\",\"name\":\"p2\"}}}"),
	    J(&a, sa_json)), CF_ENOTFOUND);
	CHECK_STR(cf_error_msg(), "pods \"p2\" not found");
	CHECK_INT(cf_authn_token_request(&out, &a, &cfg, J(&a,
	    "{\"spec\":{\"boundObjectRef\":{\"kind\":\"ConfigMap\",\"name\":\"c\"}}}"),
	    J(&a, sa_json)), CF_EINVALID);
	/* A bound token cannot be checked by a server without the lookup. */
	cfg.object_lookup = NULL;
	CHECK_INT(cf_authn_authenticate(&id, &a, &cfg, tok), CF_EINVALID);
	cf_buf_release(&b);
	cf_authn_key_free(k);
	cf_arena_release(&a);
}

static int imp(cf_authn_identity *id, bool *on, cf_arena *a, const cf_rbac *r,
    const cf_user_info *real, const cf_authn_header *h, size_t n)
{
	return cf_authn_impersonate(id, on, a, r, real, h, n);
}

TEST(test_kube_authn__impersonation)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	const char *const g[] = { "system:authenticated" };
	const cf_user_info alice = { "alice", NULL, g, 1 };
	cf_authn_identity id;
	bool on;
	cf_buf b = CF_BUF_INIT;

	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_CLUSTER_ROLE, J(&a,
	    "{\"metadata\":{\"name\":\"imp\"},\"rules\":[{\"verbs\":[\"impersonate\"],"
	    "\"apiGroups\":[\"\"],\"resources\":[\"users\",\"groups\"],"
	    "\"resourceNames\":[\"bob\",\"devs\",\"system:anonymous\"]},"
	    "{\"verbs\":[\"impersonate\"],\"apiGroups\":[\"authentication.k8s.io\"],"
	    "\"resources\":[\"userextras/scopes\",\"uids\"]}]}")), 0);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_CLUSTER_ROLE_BINDING, J(&a,
	    "{\"metadata\":{\"name\":\"imp\"},\"roleRef\":{\"kind\":\"ClusterRole\","
	    "\"name\":\"imp\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"}]}")), 0);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE, J(&a,
	    "{\"metadata\":{\"name\":\"sa\",\"namespace\":\"team\"},\"rules\":[{"
	    "\"verbs\":[\"impersonate\"],\"apiGroups\":[\"\"],\"resources\":"
	    "[\"serviceaccounts\"]}]}")), 0);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE_BINDING, J(&a,
	    "{\"metadata\":{\"name\":\"sa\",\"namespace\":\"team\"},\"roleRef\":{"
	    "\"kind\":\"Role\",\"name\":\"sa\"},\"subjects\":[{\"kind\":\"User\","
	    "\"name\":\"alice\"}]}")), 0);

	/* No Impersonate-* headers: the caller as is. */
	{
		const cf_authn_header h[] = { { "Accept", "application/json" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), 0);
		CHECK(!on);
		CHECK_STR(id.user.name, "alice");
	}
	/* User + group + extra + uid, all allowed; header names any case. */
	{
		const cf_authn_header h[] = { { "impersonate-user", "bob" },
			{ "Impersonate-Group", "devs" },
			{ "Impersonate-Extra-Sc%6Fpes", "view" },
			{ "Impersonate-Extra-SCOPES", "edit" },
			{ "Impersonate-Uid", "u-1" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 5), 0);
		CHECK(on);
		CHECK_STR(id.user.name, "bob");
		CHECK_STR(id.user.uid, "u-1");
		CHECK_INT(id.user.ngroups, 2);
		CHECK_STR(id.user.groups[0], "devs");
		CHECK_STR(id.user.groups[1], "system:authenticated");
		JW(&b, id.extra);
		CHECK_STR(b.buf, "{\"scopes\":[\"view\",\"edit\"]}");
	}
	/* Denials give kube-apiserver's 403 text. */
	{
		const cf_authn_header h[] = { { "Impersonate-User", "carol" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), CF_EFORBIDDEN);
		CHECK_STR(cf_error_msg(), "users \"carol\" is forbidden: User "
		    "\"alice\" cannot impersonate resource \"users\" in API group "
		    "\"\" at the cluster scope");
	}
	{
		const cf_authn_header h[] = { { "Impersonate-User", "bob" },
			{ "Impersonate-Group", "system:masters" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 2), CF_EFORBIDDEN);
		CHECK_STR(cf_error_msg(), "groups \"system:masters\" is forbidden: "
		    "User \"alice\" cannot impersonate resource \"groups\" in API "
		    "group \"\" at the cluster scope");
	}
	{
		const cf_authn_header h[] = { { "Impersonate-User", "bob" },
			{ "Impersonate-Extra-reason", "x" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 2), CF_EFORBIDDEN);
		CHECK_STR(cf_error_msg(), "userextras.authentication.k8s.io \"x\" is "
		    "forbidden: User \"alice\" cannot impersonate resource "
		    "\"userextras/reason\" in API group \"authentication.k8s.io\" at "
		    "the cluster scope");
	}
	/* A ServiceAccount: checked in its namespace, SA groups added. */
	{
		const cf_authn_header h[] = { { "Impersonate-User",
			"system:serviceaccount:team:builder" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), 0);
		CHECK_INT(id.user.ngroups, 3);
		CHECK_STR(id.user.groups[0], "system:serviceaccounts");
		CHECK_STR(id.user.groups[1], "system:serviceaccounts:team");
		CHECK_STR(id.user.groups[2], "system:authenticated");
	}
	{
		const cf_authn_header h[] = { { "Impersonate-User",
			"system:serviceaccount:prod:builder" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), CF_EFORBIDDEN);
		CHECK_STR(cf_error_msg(), "serviceaccounts \"builder\" is forbidden: "
		    "User \"alice\" cannot impersonate resource \"serviceaccounts\" in "
		    "API group \"\" in the namespace \"prod\"");
	}
	/* system:anonymous gets system:unauthenticated instead. */
	{
		const cf_authn_header h[] = { { "Impersonate-User", "system:anonymous" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), 0);
		CHECK_INT(id.user.ngroups, 1);
		CHECK_STR(id.user.groups[0], "system:unauthenticated");
	}
	/* Groups without a user: an error; no RBAC: everything allowed. */
	{
		const cf_authn_header h[] = { { "Impersonate-Group", "devs" } };
		const cf_authn_header h2[] = { { "Impersonate-User", "root" },
			{ "Impersonate-Group", "system:authenticated" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 1), CF_EINVALID);
		CHECK_INT(imp(&id, &on, &a, NULL, &alice, h2, 2), 0);
		CHECK_STR(id.user.name, "root");
		CHECK_INT(id.user.ngroups, 1);
	}
	/* A malformed escape keeps the key as sent (lowercased); escaped
	 * bytes keep their case; the first Impersonate-User counts. */
	{
		const cf_authn_header h[] = { { "Impersonate-User", "bob" },
			{ "Impersonate-User", "carol" },
			{ "Impersonate-Extra-%zz", "x" },
			{ "Impersonate-Extra-A%42", "y" } };

		CHECK_INT(imp(&id, &on, &a, NULL, &alice, h, 4), 0);
		CHECK_STR(id.user.name, "bob");
		cf_buf_reset(&b);
		JW(&b, id.extra);
		CHECK_STR(b.buf, "{\"%zz\":[\"x\"],\"aB\":[\"y\"]}");
	}
	/* Empty headers are no request; system:unauthenticated is kept
	 * without system:authenticated. */
	{
		const cf_authn_header h[] = { { "Impersonate-User", "" },
			{ "Impersonate-Uid", "" } };
		const cf_authn_header h2[] = { { "Impersonate-User", "bob" },
			{ "Impersonate-Group", "system:unauthenticated" } };

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 2), 0);
		CHECK(!on);
		CHECK_STR(id.user.name, "alice");
		CHECK_INT(imp(&id, &on, &a, NULL, &alice, h2, 2), 0);
		CHECK_INT(id.user.ngroups, 1);
		CHECK_STR(id.user.groups[0], "system:unauthenticated");
	}
	/* kubectl auth whoami sees the impersonated identity. */
	{
		const cf_authn_header h[] = { { "Impersonate-User", "bob" },
			{ "Impersonate-Extra-scopes", "view" } };
		cf_node *out;

		CHECK_INT(imp(&id, &on, &a, r, &alice, h, 2), 0);
		CHECK_INT(cf_authn_self_subject_review(&out, &a, J(&a,
		    "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":"
		    "\"authentication.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":"
		    "null},\"status\":{\"userInfo\":{}}}"), &id), 0);
		cf_buf_reset(&b);
		JW(&b, out);
		CHECK_STR(b.buf, "{\"kind\":\"SelfSubjectReview\",\"apiVersion\":"
		    "\"authentication.k8s.io/v1\",\"metadata\":{\"creationTimestamp\":"
		    "null},\"status\":{\"userInfo\":{\"username\":\"bob\",\"groups\":"
		    "[\"system:authenticated\"],\"extra\":{\"scopes\":[\"view\"]}}}}");
	}
	cf_buf_release(&b);
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_authn__secret_equal),
    T(test_kube_authn__es256_tokens),
    T(test_kube_authn__rs256_tokens),
    T(test_kube_authn__tampering_and_audiences),
    T(test_kube_authn__admin_token_and_bad_keys),
    T(test_kube_authn__issuer_discovery),
    T(test_kube_authn__bound_tokens),
    T(test_kube_authn__impersonation))
