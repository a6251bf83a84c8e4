/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bearer-token authentication, ServiceAccount JWTs and impersonation.
 *
 * Tokens are compact JWS (header.payload.signature, base64url without
 * padding) with the claims Kubernetes' bound service-account tokens carry.
 * Only tokens this server signed are valid, so the header is checked
 * against the key before anything else and the payload is parsed only
 * after its signature verified. OpenSSL 3's EVP interface does the
 * signing; ES256 signatures travel as raw r||s (RFC 7518 §3.4), which
 * OpenSSL wants DER-encoded, hence the conversions below.
 */
#include "kube/authn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "core/alloc.h"
#include "core/base64.h"
#include "core/error.h"
#include "core/json.h"

#define DEFAULT_ISSUER "https://kubernetes.default.svc.cluster.local"
#define DEFAULT_ADMIN "cflux-admin"
#define SA_PREFIX "system:serviceaccount:"
#define AUTHN_GROUP "authentication.k8s.io"

/* Token lifetimes TokenRequest accepts (kube-apiserver's validation). */
#define MIN_EXPIRATION 600
#define MAX_EXPIRATION (INT64_C(1) << 32)
#define DEFAULT_EXPIRATION 3600
/* Clock skew tolerated on nbf/iat, as go-jose's default leeway. */
#define LEEWAY 60

struct cf_authn_key {
	EVP_PKEY *pkey;
	enum cf_authn_alg alg;
	char kid[64];
};

static const char *alg_name(enum cf_authn_alg alg)
{
	return alg == CF_AUTHN_ES256 ? "ES256" : "RS256";
}

static int bad_token(const char *why)
{
	/* Never the token itself: only which check failed. */
	return cf_error_setc(CF_EINVALID, CF_ERR_KUBE, "invalid bearer token: %s",
	    why);
}

/* --- keys ------------------------------------------------------------- */

/* Accept only what the JWS algorithms we emit can use: P-256 for ES256
 * (a P-384 key would need ES384) and RSA of at least 2048 bits for RS256
 * (kube-apiserver refuses shorter ones too). The kid is computed once
 * here, since every minted token carries it. */
static int key_finish(cf_authn_key **out, EVP_PKEY *pkey)
{
	cf_authn_key *k;
	unsigned char *der = NULL, md[32];
	int derlen;
	cf_buf b = CF_BUF_INIT;

	*out = NULL;
	k = cf_xcalloc(1, sizeof(*k));
	k->pkey = pkey;
	if (EVP_PKEY_is_a(pkey, "EC")) {
		char group[64];

		if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) ||
		    (strcmp(group, "prime256v1") && strcmp(group, "P-256")))
			goto unsupported;
		k->alg = CF_AUTHN_ES256;
	} else if (EVP_PKEY_is_a(pkey, "RSA")) {
		if (EVP_PKEY_get_bits(pkey) < 2048)
			goto unsupported;
		k->alg = CF_AUTHN_RS256;
	} else {
		goto unsupported;
	}

	/* kid = base64url(SHA-256(SubjectPublicKeyInfo DER)). */
	derlen = i2d_PUBKEY(pkey, &der);
	if (derlen <= 0 || !EVP_Digest(der, (size_t)derlen, md, NULL,
	    EVP_sha256(), NULL)) {
		OPENSSL_free(der);
		cf_authn_key_free(k);
		return cf_error_set(CF_ERR_TLS, "cannot encode the public key");
	}
	OPENSSL_free(der);
	cf_base64_encode(&b, md, sizeof(md), true);
	snprintf(k->kid, sizeof(k->kid), "%s", b.buf);
	cf_buf_release(&b);
	*out = k;
	return 0;

unsupported:
	cf_authn_key_free(k);
	return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
	    "service account signing key must be P-256 or RSA of at least 2048 bits");
}

int cf_authn_key_generate(cf_authn_key **out, enum cf_authn_alg alg)
{
	EVP_PKEY *pkey = alg == CF_AUTHN_ES256 ?
	    EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
	    EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);

	*out = NULL;
	if (!pkey)
		return cf_error_set(CF_ERR_TLS, "cannot generate a %s key",
		    alg_name(alg));
	return key_finish(out, pkey);
}

int cf_authn_key_load_pem(cf_authn_key **out, const char *pem, size_t len)
{
	BIO *bio;
	EVP_PKEY *pkey;

	*out = NULL;
	if (len > 64 * 1024)
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
		    "service account key file too large");
	bio = BIO_new_mem_buf(pem, (int)len);
	if (!bio)
		return cf_error_set(CF_ERR_NOMEM, "cannot read the key");
	pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!pkey)
		return cf_error_setc(CF_EINVALID, CF_ERR_TLS,
		    "cannot parse the service account key (PEM private key expected)");
	return key_finish(out, pkey);
}

int cf_authn_key_to_pem(cf_buf *out, const cf_authn_key *k)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int err = 0;

	if (!bio)
		return cf_error_set(CF_ERR_NOMEM, "cannot write the key");
	if (!PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL)) {
		BIO_free(bio);
		return cf_error_set(CF_ERR_TLS, "cannot write the key as PEM");
	}
	n = BIO_get_mem_data(bio, &p);
	if (n > 0)
		err = cf_buf_add(out, p, (size_t)n);
	BIO_free(bio);
	return err;
}

void cf_authn_key_free(cf_authn_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

const char *cf_authn_key_id(const cf_authn_key *k)
{
	return k->kid;
}

bool cf_authn_secret_equal(const char *a, const char *b)
{
	unsigned char ha[32], hb[32];

	if (!a || !b)
		return false;
	/* Hashing first makes the comparison independent of both lengths. */
	if (!EVP_Digest(a, strlen(a), ha, NULL, EVP_sha256(), NULL) ||
	    !EVP_Digest(b, strlen(b), hb, NULL, EVP_sha256(), NULL))
		return false;
	return CRYPTO_memcmp(ha, hb, sizeof(ha)) == 0;
}

/* --- issuer discovery -------------------------------------------------- */

static const char *issuer_of(const cf_authn_config *cfg);

/* A big number as a JWK member: unsigned big-endian, base64url, padded to
 * the curve size for EC coordinates (RFC 7518 §6.2.1.2), minimal for RSA. */
static int jwk_bn(cf_node **out, cf_arena *a, const EVP_PKEY *pkey,
    const char *param, int pad)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	cf_buf b = CF_BUF_INIT;
	int n;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
		return cf_error_set(CF_ERR_TLS, "cannot export the public key");
	n = pad ? BN_bn2binpad(bn, buf, pad) :
	    (BN_num_bytes(bn) <= (int)sizeof(buf) ? BN_bn2bin(bn, buf) : -1);
	BN_free(bn);
	if (n < 0)
		return cf_error_set(CF_ERR_TLS, "cannot export the public key");
	cf_base64_encode(&b, buf, (size_t)n, true);
	*out = cf_node_strn(a, b.buf, b.len);
	cf_buf_release(&b);
	return 0;
}

int cf_authn_jwks(cf_node **out, cf_arena *a, const cf_authn_config *cfg)
{
	const cf_authn_key *k = cfg->key;
	cf_node *doc, *keys, *jwk, *v;
	int err;

	*out = NULL;
	if (!k)
		return cf_error_set(CF_ERR_KUBE,
		    "service account token signing is not configured");
	jwk = cf_node_map(a);
	cf_node_set(a, jwk, "use", cf_node_str(a, "sig"));
	if (k->alg == CF_AUTHN_ES256) {
		cf_node_set(a, jwk, "kty", cf_node_str(a, "EC"));
		cf_node_set(a, jwk, "kid", cf_node_str(a, k->kid));
		cf_node_set(a, jwk, "crv", cf_node_str(a, "P-256"));
		cf_node_set(a, jwk, "alg", cf_node_str(a, "ES256"));
		if ((err = jwk_bn(&v, a, k->pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32)) < 0)
			return err;
		cf_node_set(a, jwk, "x", v);
		if ((err = jwk_bn(&v, a, k->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32)) < 0)
			return err;
		cf_node_set(a, jwk, "y", v);
	} else {
		cf_node_set(a, jwk, "kty", cf_node_str(a, "RSA"));
		cf_node_set(a, jwk, "kid", cf_node_str(a, k->kid));
		cf_node_set(a, jwk, "alg", cf_node_str(a, "RS256"));
		if ((err = jwk_bn(&v, a, k->pkey, OSSL_PKEY_PARAM_RSA_N, 0)) < 0)
			return err;
		cf_node_set(a, jwk, "n", v);
		if ((err = jwk_bn(&v, a, k->pkey, OSSL_PKEY_PARAM_RSA_E, 0)) < 0)
			return err;
		cf_node_set(a, jwk, "e", v);
	}
	doc = cf_node_map(a);
	keys = cf_node_seq(a);
	cf_node_push(a, keys, jwk);
	cf_node_set(a, doc, "keys", keys);
	*out = doc;
	return 0;
}

/* The fields kube-apiserver serves at /.well-known/openid-configuration. */
int cf_authn_openid_config(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const char *jwks_uri)
{
	cf_node *doc = cf_node_map(a), *v;

	*out = NULL;
	if (!cfg->key)
		return cf_error_set(CF_ERR_KUBE,
		    "service account token signing is not configured");
	cf_node_set(a, doc, "issuer", cf_node_str(a, issuer_of(cfg)));
	cf_node_set(a, doc, "jwks_uri", cf_node_str(a, jwks_uri ? jwks_uri :
	    cf_arena_printf(a, "%s/openid/v1/jwks", issuer_of(cfg))));
	v = cf_node_seq(a);
	cf_node_push(a, v, cf_node_str(a, "id_token"));
	cf_node_set(a, doc, "response_types_supported", v);
	v = cf_node_seq(a);
	cf_node_push(a, v, cf_node_str(a, "public"));
	cf_node_set(a, doc, "subject_types_supported", v);
	v = cf_node_seq(a);
	cf_node_push(a, v, cf_node_str(a, alg_name(cfg->key->alg)));
	cf_node_set(a, doc, "id_token_signing_alg_values_supported", v);
	*out = doc;
	return 0;
}

/* --- signatures ------------------------------------------------------- */

/* Sign data with SHA-256; ES256 output converted from DER to r||s. */
/* The signing input is the ASCII "header.payload" exactly as it will be
 * sent; anything re-encoded later would not verify. */
static int sign(cf_buf *out, const cf_authn_key *k, const void *data,
    size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int err = CF_ERROR;

	if (!ctx || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, data, len) != 1)
		goto done;
	sig = cf_xmalloc(siglen);
	if (EVP_DigestSign(ctx, sig, &siglen, data, len) != 1)
		goto done;
	if (k->alg == CF_AUTHN_ES256) {
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)siglen);
		unsigned char raw[64];

		if (!es)
			goto done;
		if (BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, 32) != 32 ||
		    BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + 32, 32) != 32) {
			ECDSA_SIG_free(es);
			goto done;
		}
		ECDSA_SIG_free(es);
		cf_buf_add(out, raw, sizeof(raw));
	} else {
		cf_buf_add(out, sig, siglen);
	}
	err = 0;
done:
	free(sig);
	EVP_MD_CTX_free(ctx);
	if (err)
		return cf_error_set(CF_ERR_TLS, "cannot sign the token");
	return 0;
}

/* A JWS ES256 signature must be exactly 64 bytes; any other length is
 * refused before OpenSSL sees it, so a DER signature smuggled into a
 * token cannot take another parsing path. */
static bool verify(const cf_authn_key *k, const void *data, size_t len,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int derlen = 0;
	bool ok = false;

	if (!ctx)
		return false;
	if (k->alg == CF_AUTHN_ES256) {
		ECDSA_SIG *es;
		BIGNUM *r, *s;

		if (siglen != 64)
			goto done;
		es = ECDSA_SIG_new();
		r = BN_bin2bn(sig, 32, NULL);
		s = BN_bin2bn(sig + 32, 32, NULL);
		if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
			BN_free(r);
			BN_free(s);
			ECDSA_SIG_free(es);
			goto done;
		}
		derlen = i2d_ECDSA_SIG(es, &der);
		ECDSA_SIG_free(es);
		if (derlen <= 0)
			goto done;
		sig = der;
		siglen = (size_t)derlen;
	}
	ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, data, len) == 1;
done:
	OPENSSL_free(der);
	EVP_MD_CTX_free(ctx);
	return ok;
}

/* --- minting ---------------------------------------------------------- */

static int64_t now_of(const cf_authn_config *cfg)
{
	return cfg->now ? cfg->now : (int64_t)time(NULL);
}

static const char *issuer_of(const cf_authn_config *cfg)
{
	return cfg->issuer && *cfg->issuer ? cfg->issuer : DEFAULT_ISSUER;
}

static void add_b64_json(cf_buf *tok, const cf_node *n)
{
	cf_buf j = CF_BUF_INIT;

	cf_json_write(&j, n, CF_JSON_SORTED);
	cf_base64_encode(tok, j.buf, j.len, true);
	cf_buf_release(&j);
}

/* Random version-4 UUID for jti, as Kubernetes sets since 1.29. */
static void new_uuid(char out[37])
{
	unsigned char u[16];

	if (RAND_bytes(u, sizeof(u)) != 1)
		CF_BUG("no randomness for a token id");
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* Claims as kube-apiserver's bound tokens carry them (minus the pod/node
 * binding, which has no meaning here). Keys are written sorted, which is
 * the order Go's map-backed claim encoding produces. */
/* A Pod or Secret a token is bound to ("kubernetes.io".pod / .secret). */
struct bound {
	const char *kind; /* "Pod", "Secret" or NULL */
	const char *name;
	char uid[128];
};

static int mint(cf_buf *tok, const cf_authn_config *cfg, const char *ns,
    const char *name, const char *uid, const cf_node *auds, int64_t now,
    int64_t exp, const struct bound *bo)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *hdr = cf_node_map(&a), *cl = cf_node_map(&a), *k8s, *sa;
	cf_buf sig = CF_BUF_INIT;
	char jti[37];
	int err;

	cf_node_set(&a, hdr, "alg", cf_node_str(&a, alg_name(cfg->key->alg)));
	cf_node_set(&a, hdr, "kid", cf_node_str(&a, cfg->key->kid));

	new_uuid(jti);
	cf_node_set(&a, cl, "aud", cf_node_dup(&a, auds));
	cf_node_set(&a, cl, "exp", cf_node_int(&a, exp));
	cf_node_set(&a, cl, "iat", cf_node_int(&a, now));
	cf_node_set(&a, cl, "iss", cf_node_str(&a, issuer_of(cfg)));
	cf_node_set(&a, cl, "jti", cf_node_str(&a, jti));
	k8s = cf_node_set_map(&a, cl, "kubernetes.io");
	cf_node_set(&a, k8s, "namespace", cf_node_str(&a, ns));
	if (bo->kind) {
		cf_node *o = cf_node_set_map(&a, k8s,
		    !strcmp(bo->kind, "Pod") ? "pod" : "secret");

		cf_node_set(&a, o, "name", cf_node_str(&a, bo->name));
		cf_node_set(&a, o, "uid", cf_node_str(&a, bo->uid));
	}
	sa = cf_node_set_map(&a, k8s, "serviceaccount");
	cf_node_set(&a, sa, "name", cf_node_str(&a, name));
	cf_node_set(&a, sa, "uid", cf_node_str(&a, uid));
	cf_node_set(&a, cl, "nbf", cf_node_int(&a, now));
	cf_node_set(&a, cl, "sub", cf_node_str(&a,
	    cf_arena_printf(&a, SA_PREFIX "%s:%s", ns, name)));

	add_b64_json(tok, hdr);
	cf_buf_addch(tok, '.');
	add_b64_json(tok, cl);
	if ((err = sign(&sig, cfg->key, tok->buf, tok->len)) == 0) {
		cf_buf_addch(tok, '.');
		cf_base64_encode(tok, sig.buf, sig.len, true);
	}
	cf_buf_release(&sig);
	cf_arena_release(&a);
	return err;
}

static cf_node *default_audiences(cf_arena *a, const cf_authn_config *cfg)
{
	cf_node *seq = cf_node_seq(a);

	if (cfg->naudiences == 0)
		cf_node_push(a, seq, cf_node_str(a, issuer_of(cfg)));
	for (size_t i = 0; i < cfg->naudiences; i++)
		cf_node_push(a, seq, cf_node_str(a, cfg->audiences[i]));
	return seq;
}

static void rfc3339(char out[32], int64_t secs)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Resolve spec.boundObjectRef: only Pods and Secrets of the SA's own
 * namespace (apiVersion v1), which must exist now; a uid given by the
 * client must be the object's, so a token cannot be bound to a
 * predecessor of the same name. */
static int bound_object(struct bound *bo, const cf_authn_config *cfg,
    const char *ns, const cf_node *ref)
{
	const char *kind, *name, *av, *want;

	bo->kind = NULL;
	if (!ref || cf_node_is(ref, CF_NODE_NULL))
		return 0;
	kind = cf_node_getp_str(ref, "kind", NULL);
	name = cf_node_getp_str(ref, "name", NULL);
	av = cf_node_getp_str(ref, "apiVersion", NULL);
	want = cf_node_getp_str(ref, "uid", NULL);
	if (!kind || (strcmp(kind, "Pod") && strcmp(kind, "Secret")))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.boundObjectRef.kind: Unsupported value: \"%.64s\": "
		    "supported values: \"Pod\", \"Secret\"", kind ? kind : "");
	if (av && *av && strcmp(av, "v1"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.boundObjectRef.apiVersion: Unsupported value: \"%.64s\": "
		    "supported values: \"v1\"", av);
	if (!name || !*name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.boundObjectRef.name: Required value");
	if (!cfg->object_lookup)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.boundObjectRef: Forbidden: bound tokens are not supported");
	bo->kind = kind;
	bo->name = name;
	if (cfg->object_lookup(kind, ns, name, bo->uid, sizeof(bo->uid),
	    cfg->payload) != 0)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_KUBE,
		    "%s \"%.253s\" not found", !strcmp(kind, "Pod") ? "pods" :
		    "secrets", name);
	bo->uid[sizeof(bo->uid) - 1] = '\0';
	if (want && *want && strcmp(want, bo->uid))
		return cf_error_setc(CF_ECONFLICT, CF_ERR_KUBE,
		    "the UID in the bound object reference (%.64s) does not match "
		    "the UID in record. The object might have been deleted and "
		    "then recreated", want);
	return 0;
}

/* Validation follows the TokenRequest registry: the lifetime bounds and
 * audiences defaulting to the server's API audiences. The request is
 * echoed back with the defaulted spec, as the real endpoint does, so
 * kubectl and client-go read expirationSeconds the server actually used. */
int cf_authn_token_request(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const cf_node *request, const cf_node *sa)
{
	const char *ns = cf_node_getp_str(sa, "metadata", "namespace", NULL);
	const char *name = cf_node_getp_str(sa, "metadata", "name", NULL);
	const char *uid = cf_node_getp_str(sa, "metadata", "uid", NULL);
	const cf_node *es = cf_node_getp(request, "spec", "expirationSeconds",
	    NULL);
	const cf_node *auds = cf_node_getp(request, "spec", "audiences", NULL);
	int64_t exp_secs = DEFAULT_EXPIRATION, now = now_of(cfg);
	cf_node *res, *spec, *status;
	struct bound bo = { 0 };
	cf_buf tok = CF_BUF_INIT;
	char ts[32];
	int err;

	*out = NULL;
	if (!cfg->key)
		return cf_error_set(CF_ERR_KUBE,
		    "service account token signing is not configured");
	if (!ns || !name || !uid)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "service account needs a name, namespace and uid");
	if (es && !cf_node_is(es, CF_NODE_NULL) && !cf_node_as_int(es, &exp_secs))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.expirationSeconds: Invalid value: must be an integer");
	if (exp_secs < MIN_EXPIRATION)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.expirationSeconds: Invalid value: %lld: may not specify "
		    "a duration less than 10 minutes", (long long)exp_secs);
	if (exp_secs > MAX_EXPIRATION)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.expirationSeconds: Invalid value: %lld: may not specify "
		    "a duration larger than 2^32 seconds", (long long)exp_secs);
	if (cf_node_count(auds) == 0)
		auds = default_audiences(a, cfg);
	for (size_t i = 0; i < cf_node_count(auds); i++)
		if (!cf_node_as_str(cf_node_at(auds, i)))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
			    "spec.audiences[%zu]: Invalid value: must be a string", i);
	if ((err = bound_object(&bo, cfg, ns, cf_node_getp(request, "spec",
	    "boundObjectRef", NULL))) < 0)
		return err;

	if ((err = mint(&tok, cfg, ns, name, uid, auds, now, now + exp_secs,
	    &bo)) < 0)
		return err;

	res = request ? cf_node_dup(a, request) : cf_node_map(a);
	spec = cf_node_set_map(a, res, "spec");
	cf_node_set(a, spec, "audiences", cf_node_dup(a, auds));
	cf_node_set(a, spec, "expirationSeconds", cf_node_int(a, exp_secs));
	status = cf_node_map(a);
	cf_node_set(a, status, "token", cf_node_strn(a, tok.buf, tok.len));
	rfc3339(ts, now + exp_secs);
	cf_node_set(a, status, "expirationTimestamp", cf_node_str(a, ts));
	cf_node_set(a, res, "status", status);
	cf_buf_release(&tok);
	*out = res;
	return 0;
}

/* --- verification ----------------------------------------------------- */

static int decode_part(cf_node **out, cf_arena *a, const char *p, size_t n)
{
	cf_buf raw = CF_BUF_INIT;
	int err;

	if (cf_base64_decode(&raw, p, n, true) < 0) {
		cf_buf_release(&raw);
		return bad_token("malformed encoding");
	}
	err = cf_json_parse(out, a, raw.buf, raw.len, NULL);
	cf_buf_release(&raw);
	if (err < 0 || !cf_node_is(*out, CF_NODE_MAP))
		return bad_token("malformed JSON");
	return 0;
}

static bool seq_has(const cf_node *seq, const char *s)
{
	if (cf_node_is(seq, CF_NODE_STR))
		return !strcmp(seq->v.s, s);
	for (size_t i = 0; i < cf_node_count(seq); i++) {
		const char *x = cf_node_as_str(cf_node_at(seq, i));

		if (x && !strcmp(x, s))
			return true;
	}
	return false;
}

static void set_groups(cf_authn_identity *id, cf_arena *a,
    const char *const *g, size_t n)
{
	const char **v = cf_arena_alloc(a, (n ? n : 1) * sizeof(*v));

	for (size_t i = 0; i < n; i++)
		v[i] = cf_arena_strdup(a, g[i]);
	id->user.groups = v;
	id->user.ngroups = n;
}

static void add_extra(cf_arena *a, cf_authn_identity *id, const char *key,
    const char *val)
{
	cf_node *seq = cf_node_seq(a);

	if (!id->extra)
		id->extra = cf_node_map(a);
	cf_node_push(a, seq, cf_node_str(a, val));
	cf_node_set(a, id->extra, key, seq);
}

/* Check a JWT of ours: header, signature, then claims. *auds_out gets
 * the token audiences that are also accepted ones. */
static int verify_sa_token(cf_authn_identity *out, cf_node **auds_out,
    cf_arena *a, const cf_authn_config *cfg, const char *token,
    const cf_node *accept)
{
	const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	cf_node *hdr, *cl, *auds, *got;
	cf_buf sig = CF_BUF_INIT;
	const char *ns, *name, *uid, *sub, *kid;
	int64_t exp, nbf = 0, now = now_of(cfg);
	bool ok;
	int err;

	if (!cfg->key || !d1 || !d2 || strchr(d2 + 1, '.'))
		return bad_token("not a token of this server");
	if ((err = decode_part(&hdr, a, token, (size_t)(d1 - token))) < 0)
		return err;
	kid = cf_node_getp_str(hdr, "kid", NULL);
	if (!cf_node_getp_str(hdr, "alg", NULL) ||
	    strcmp(cf_node_getp_str(hdr, "alg", NULL), alg_name(cfg->key->alg)) ||
	    (kid && strcmp(kid, cfg->key->kid)))
		return bad_token("not signed by this server's key");
	if (cf_base64_decode(&sig, d2 + 1, strlen(d2 + 1), true) < 0) {
		cf_buf_release(&sig);
		return bad_token("malformed signature");
	}
	ok = verify(cfg->key, token, (size_t)(d2 - token),
	    (const unsigned char *)sig.buf, sig.len);
	cf_buf_release(&sig);
	if (!ok)
		return bad_token("signature does not verify");

	if ((err = decode_part(&cl, a, d1 + 1, (size_t)(d2 - d1 - 1))) < 0)
		return err;
	if (!seq_has(cf_node_get(cl, "iss"), issuer_of(cfg)))
		return bad_token("wrong issuer");
	if (!cf_node_as_int(cf_node_get(cl, "exp"), &exp) || now >= exp)
		return bad_token("token has expired");
	if (cf_node_get(cl, "nbf") && (!cf_node_as_int(cf_node_get(cl, "nbf"),
	    &nbf) || nbf > now + LEEWAY))
		return bad_token("token is not valid yet");
	auds = cf_node_get(cl, "aud");
	got = cf_node_seq(a);
	for (size_t i = 0; i < cf_node_count(accept); i++) {
		const char *x = cf_node_as_str(cf_node_at(accept, i));

		if (x && seq_has(auds, x))
			cf_node_push(a, got, cf_node_str(a, x));
	}
	if (cf_node_count(got) == 0)
		return bad_token("token audiences are not accepted");

	ns = cf_node_getp_str(cl, "kubernetes.io", "namespace", NULL);
	name = cf_node_getp_str(cl, "kubernetes.io", "serviceaccount", "name",
	    NULL);
	uid = cf_node_getp_str(cl, "kubernetes.io", "serviceaccount", "uid",
	    NULL);
	sub = cf_node_getp_str(cl, "sub", NULL);
	if (!ns || !*ns || !name || !*name || !uid || !*uid || !sub ||
	    strcmp(sub, cf_arena_printf(a, SA_PREFIX "%s:%s", ns, name)))
		return bad_token("malformed service account claims");
	/* A token outlives nothing: a deleted or re-created SA voids it. */
	if (cfg->sa_lookup && cfg->sa_lookup(ns, name, uid, cfg->payload) != 0)
		return bad_token("service account no longer exists");
	/* Nor its bound Pod or Secret. */
	for (int i = 0; i < 2; i++) {
		static const char *const key[] = { "pod", "secret" };
		static const char *const kind[] = { "Pod", "Secret" };
		const char *bn = cf_node_getp_str(cl, "kubernetes.io", key[i],
		    "name", NULL);
		const char *bu = cf_node_getp_str(cl, "kubernetes.io", key[i],
		    "uid", NULL);
		char have[128];

		if (!cf_node_getp(cl, "kubernetes.io", key[i], NULL))
			continue;
		if (!bn || !bu || !cfg->object_lookup ||
		    cfg->object_lookup(kind[i], ns, bn, have, sizeof(have),
		    cfg->payload) != 0)
			return bad_token("bound object no longer exists");
		have[sizeof(have) - 1] = '\0';
		if (strcmp(have, bu))
			return bad_token("bound object was replaced");
	}

	{
		const char *g[] = { "system:serviceaccounts",
			cf_arena_printf(a, "system:serviceaccounts:%s", ns),
			"system:authenticated" };

		out->user.name = sub;
		out->user.uid = uid;
		set_groups(out, a, g, 3);
	}
	/* The extras kube-apiserver attaches to service account users. */
	out->extra = NULL;
	{
		const char *jti = cf_node_getp_str(cl, "jti", NULL);
		const char *pn = cf_node_getp_str(cl, "kubernetes.io", "pod",
		    "name", NULL);
		const char *pu = cf_node_getp_str(cl, "kubernetes.io", "pod",
		    "uid", NULL);

		if (jti)
			add_extra(a, out, "authentication.kubernetes.io/credential-id",
			    cf_arena_printf(a, "JTI=%s", jti));
		if (pn && pu) {
			add_extra(a, out, "authentication.kubernetes.io/pod-name", pn);
			add_extra(a, out, "authentication.kubernetes.io/pod-uid", pu);
		}
	}
	if (auds_out)
		*auds_out = got;
	return 0;
}

/* The admin token is tried first and compared in constant time; only
 * then is the token treated as a JWT. Length is capped before anything
 * is decoded so an oversized header costs nothing. */
int cf_authn_authenticate(cf_authn_identity *out, cf_arena *a,
    const cf_authn_config *cfg, const char *token)
{
	memset(out, 0, sizeof(*out));
	if (!token || !*token)
		return bad_token("empty");
	if (strlen(token) > CF_AUTHN_MAX_TOKEN)
		return bad_token("too long");
	if (cfg->admin_token && *cfg->admin_token &&
	    cf_authn_secret_equal(cfg->admin_token, token)) {
		static const char *const g[] = { "system:masters",
			"system:authenticated" };

		out->user.name = cf_arena_strdup(a,
		    cfg->admin_user ? cfg->admin_user : DEFAULT_ADMIN);
		set_groups(out, a, g, 2);
		return 0;
	}
	return verify_sa_token(out, NULL, a, cfg, token,
	    default_audiences(a, cfg));
}

int cf_authn_token_review(cf_node **out, cf_arena *a,
    const cf_authn_config *cfg, const cf_node *review)
{
	const char *token = cf_node_getp_str(review, "spec", "token", NULL);
	const cf_node *want = cf_node_getp(review, "spec", "audiences", NULL);
	cf_node *res, *status, *user, *groups, *got = NULL;
	cf_authn_identity id = { 0 };
	int err;

	*out = NULL;
	if (!token || !*token)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "spec.token: Required value: token must be specified");
	if (cf_node_count(want) == 0)
		want = default_audiences(a, cfg);

	if (strlen(token) > CF_AUTHN_MAX_TOKEN)
		err = bad_token("too long");
	else if (cfg->admin_token && *cfg->admin_token &&
	    cf_authn_secret_equal(cfg->admin_token, token))
		err = cf_authn_authenticate(&id, a, cfg, token);
	else
		err = verify_sa_token(&id, &got, a, cfg, token, want);

	res = cf_node_dup(a, review);
	status = cf_node_map(a);
	user = cf_node_map(a);
	if (err == 0) {
		cf_node_set(a, status, "authenticated", cf_node_bool(a, true));
		cf_node_set(a, user, "username", cf_node_str(a, id.user.name));
		if (id.user.uid)
			cf_node_set(a, user, "uid", cf_node_str(a, id.user.uid));
		groups = cf_node_seq(a);
		for (size_t i = 0; i < id.user.ngroups; i++)
			cf_node_push(a, groups, cf_node_str(a, id.user.groups[i]));
		cf_node_set(a, user, "groups", groups);
		if (cf_node_count(id.extra))
			cf_node_set(a, user, "extra", id.extra);
		cf_node_set(a, status, "user", user);
		cf_node_set(a, status, "audiences", got ? got : cf_node_dup(a, want));
	} else {
		/* The reason is ours (no token bytes in it). */
		cf_node_set(a, status, "user", user);
		cf_node_set(a, status, "error", cf_node_str(a, cf_error_msg()));
	}
	cf_node_set(a, res, "status", status);
	*out = res;
	return 0;
}

/* userInfo as authentication/v1 UserInfo marshals: uid and extra are
 * omitempty, groups is written whenever there are any. */
static cf_node *user_info_node(cf_arena *a, const cf_authn_identity *id)
{
	cf_node *u = cf_node_map(a), *groups;

	cf_node_set(a, u, "username", cf_node_str(a, id->user.name ?
	    id->user.name : ""));
	if (id->user.uid && *id->user.uid)
		cf_node_set(a, u, "uid", cf_node_str(a, id->user.uid));
	if (id->user.ngroups) {
		groups = cf_node_seq(a);
		for (size_t i = 0; i < id->user.ngroups; i++)
			cf_node_push(a, groups, cf_node_str(a, id->user.groups[i]));
		cf_node_set(a, u, "groups", groups);
	}
	if (cf_node_count(id->extra))
		cf_node_set(a, u, "extra", cf_node_dup(a, id->extra));
	return u;
}

int cf_authn_self_subject_review(cf_node **out, cf_arena *a,
    const cf_node *review, const cf_authn_identity *id)
{
	cf_node *res = review ? cf_node_dup(a, review) : cf_node_map(a);
	cf_node *status = cf_node_map(a);

	cf_node_set(a, status, "userInfo", user_info_node(a, id));
	cf_node_set(a, res, "status", status);
	*out = res;
	return 0;
}

/* --- impersonation ---------------------------------------------------- */

static bool has_prefix_ci(const char *s, const char *p)
{
	return !strncasecmp(s, p, strlen(p));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The key of an Impersonate-Extra- header: lowercased first, then
 * percent-decoded (url.PathUnescape), so escaped bytes keep their case. A
 * malformed escape keeps the lowercased text as is, as kube-apiserver
 * does rather than refusing the request. */
static char *extra_key(cf_arena *a, const char *s)
{
	size_t n = strlen(s), j = 0;
	char *low = cf_arena_alloc(a, n + 1), *k = cf_arena_alloc(a, n + 1);

	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	for (size_t i = 0; i < n; i++) {
		if (low[i] != '%') {
			k[j++] = low[i];
			continue;
		}
		if (i + 2 >= n || hexval(low[i + 1]) < 0 || hexval(low[i + 2]) < 0)
			return low;
		k[j++] = (char)(hexval(low[i + 1]) << 4 | hexval(low[i + 2]));
		i += 2;
	}
	k[j] = '\0';
	return k;
}

/* Authorize one impersonation item for the real user; on denial the
 * error message is the full 403 text, so the server can answer with it
 * as is (kube-apiserver uses the same Forbidden writer here). */
static int check(const cf_rbac *rbac, const cf_user_info *real,
    cf_authz_attrs *at)
{
	cf_buf why = CF_BUF_INIT, msg = CF_BUF_INIT;
	int err;

	at->user = real;
	at->verb = "impersonate";
	at->resource_request = true;
	if (!rbac || cf_rbac_authorize(rbac, at, &why)) {
		cf_buf_release(&why);
		return 0;
	}
	cf_rbac_forbidden_message(&msg, at, why.buf);
	err = cf_error_setc(CF_EFORBIDDEN, CF_ERR_KUBE, "%s", msg.buf);
	cf_buf_release(&why);
	cf_buf_release(&msg);
	return err;
}

/* "system:serviceaccount:NS:NAME" → NS and NAME (both non-empty, no
 * further colon), as serviceaccount.SplitUsername. */
static bool split_sa(cf_arena *a, const char *user, const char **ns,
    const char **name)
{
	const char *rest, *c;

	if (strncmp(user, SA_PREFIX, strlen(SA_PREFIX)))
		return false;
	rest = user + strlen(SA_PREFIX);
	c = strchr(rest, ':');
	if (!c || c == rest || !c[1] || strchr(c + 1, ':'))
		return false;
	*ns = cf_arena_strndup(a, rest, (size_t)(c - rest));
	*name = c + 1;
	return true;
}

/* Mirrors kube-apiserver's impersonation filter: collect every item,
 * refuse items without a user, authorize the user (or service account),
 * then each group, extra value and the uid, and only then build the new
 * identity. Nothing of the new identity is visible on any failure path. */
int cf_authn_impersonate(cf_authn_identity *out, bool *impersonating,
    cf_arena *a, const cf_rbac *rbac, const cf_user_info *real,
    const cf_authn_header *hdrs, size_t nhdrs)
{
	const char *user = NULL, *uid = NULL, *sa_ns = NULL, *sa_name = NULL;
	const char **groups = cf_arena_alloc(a, (nhdrs + 3) * sizeof(*groups));
	size_t ngroups = 0;
	bool any = false, has_auth = false, has_unauth = false;
	cf_node *extra = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	*impersonating = false;
	for (size_t i = 0; i < nhdrs; i++) {
		const char *n = hdrs[i].name, *v = hdrs[i].value ? hdrs[i].value : "";

		/* First User/Uid header wins (Header.Get); empty ones do not
		 * count, as in kube-apiserver. */
		if (!strcasecmp(n, "Impersonate-User")) {
			if (!user && *v)
				user = v;
		} else if (!strcasecmp(n, "Impersonate-Group")) {
			groups[ngroups++] = v;
		} else if (!strcasecmp(n, "Impersonate-Uid")) {
			if (!uid && *v)
				uid = v;
		} else if (has_prefix_ci(n, "Impersonate-Extra-")) {
			char *key = extra_key(a, n + strlen("Impersonate-Extra-"));
			cf_node *vals;

			if (!extra)
				extra = cf_node_map(a);
			if (!(vals = cf_node_get(extra, key))) {
				vals = cf_node_seq(a);
				cf_node_set(a, extra, key, vals);
			}
			cf_node_push(a, vals, cf_node_str(a, v));
		} else {
			continue;
		}
	}
	any = user || uid || ngroups || extra;
	if (!any) {
		out->user = *real;
		return 0;
	}
	if (!user || !*user)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUBE,
		    "requested impersonation of groups, uid or extras without impersonating a user");

	/* Authorize each item for the real user, user first as Kubernetes. */
	if (split_sa(a, user, &sa_ns, &sa_name))
		err = check(rbac, real, &(cf_authz_attrs){ .resource =
		    "serviceaccounts", .namespace = sa_ns, .name = sa_name });
	else
		err = check(rbac, real, &(cf_authz_attrs){ .resource = "users",
		    .name = user });
	if (err < 0)
		return err;
	for (size_t i = 0; i < ngroups; i++)
		if ((err = check(rbac, real, &(cf_authz_attrs){ .resource = "groups",
		    .name = groups[i] })) < 0)
			return err;
	for (size_t i = 0; i < cf_node_count(extra); i++) {
		const cf_pair *p = &extra->v.pairs[i];

		for (size_t j = 0; j < cf_node_count(p->val); j++)
			if ((err = check(rbac, real, &(cf_authz_attrs){
			    .api_group = AUTHN_GROUP, .resource = "userextras",
			    .subresource = p->key,
			    .name = cf_node_as_str(cf_node_at(p->val, j)) })) < 0)
				return err;
	}
	if (uid && (err = check(rbac, real, &(cf_authz_attrs){
	    .api_group = AUTHN_GROUP, .resource = "uids", .name = uid })) < 0)
		return err;

	/* An impersonated SA without groups gets its fixed SA groups. */
	if (sa_ns && ngroups == 0) {
		groups[ngroups++] = "system:serviceaccounts";
		groups[ngroups++] = cf_arena_printf(a, "system:serviceaccounts:%s",
		    sa_ns);
	}
	for (size_t i = 0; i < ngroups; i++) {
		has_auth |= !strcmp(groups[i], "system:authenticated");
		has_unauth |= !strcmp(groups[i], "system:unauthenticated");
	}
	/* A caller naming system:unauthenticated means it. */
	if (strcmp(user, "system:anonymous") && !has_auth && !has_unauth)
		groups[ngroups++] = "system:authenticated";
	else if (!strcmp(user, "system:anonymous") && !has_unauth)
		groups[ngroups++] = "system:unauthenticated";

	out->user.name = cf_arena_strdup(a, user);
	out->user.uid = uid ? cf_arena_strdup(a, uid) : NULL;
	set_groups(out, a, groups, ngroups);
	out->extra = extra;
	*impersonating = true;
	return 0;
}
