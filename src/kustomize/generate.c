/* SPDX-License-Identifier: Apache-2.0 */
/*
 * configMapGenerator and secretGenerator: building the objects from
 * literals, env files and files, generatorOptions, the create/merge/
 * replace behaviours across layers, and the name-suffix hash.
 *
 * The hash is kustomize's: SHA-256 over a small JSON document encoded the
 * way Go's encoding/json does (sorted keys, HTML-safe escapes), first ten
 * hex digits with vowels and look-alike digits mapped away. It never
 * depends on the object's name (kustomize looks the name up under a path
 * that does not exist, so it hashes "").
 */
#include "kustomize/kz_int.h"
#include "core/alloc.h"
#include "core/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- SHA-256 (FIPS 180-4) --------------------------------------------- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* One 64-byte block of the compression function. Written here because
 * the only OpenSSL wrapper (core/digest) does not exist yet and the hash
 * input is tiny. */
static void sha_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[i * 4] << 24 | (uint32_t)p[i * 4 + 1] << 16 |
		    (uint32_t)p[i * 4 + 2] << 8 | p[i * 4 + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0], b = h[1], c = h[2], d = h[3];
	e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t s1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + s1 + ch + sha_k[i] + w[i];
		uint32_t s0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = s0 + maj;
		hh = g, g = f, f = e, e = d + t1;
		d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d;
	h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

/* SHA-256 of data[0..len): whole blocks, then the padded tail (0x80,
 * zeros, bit length big-endian), which needs a second block when fewer
 * than 9 bytes remain. */
static void sha256(unsigned char out[32], const void *data, size_t len)
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const unsigned char *p = data;
	unsigned char tail[128] = { 0 };
	size_t rest = len % 64, full = len - rest, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i < full; i += 64)
		sha_block(h, p + i);
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tl; i += 64)
		sha_block(h, tail + i);
	for (int i = 0; i < 8; i++) {
		out[i * 4] = (unsigned char)(h[i] >> 24);
		out[i * 4 + 1] = (unsigned char)(h[i] >> 16);
		out[i * 4 + 2] = (unsigned char)(h[i] >> 8);
		out[i * 4 + 3] = (unsigned char)h[i];
	}
}

/* ---- Go encoding/json, just enough for the hash input --------------------- */

/*
 * A string as Go's encoding/json writes it: the HTML-sensitive <, > and &
 * escaped, U+2028/U+2029 escaped, invalid bytes replaced by U+FFFD. Any
 * difference here changes the hash and so every generated name.
 */
static void json_str(cf_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	cf_buf_addch(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];

		if (ch < 0x80) {
			switch (ch) {
			case '"': cf_buf_adds(b, "\\\""); break;
			case '\\': cf_buf_adds(b, "\\\\"); break;
			case '\n': cf_buf_adds(b, "\\n"); break;
			case '\r': cf_buf_adds(b, "\\r"); break;
			case '\t': cf_buf_adds(b, "\\t"); break;
			case '\b': cf_buf_adds(b, "\\b"); break;
			case '\f': cf_buf_adds(b, "\\f"); break;
			case '<': case '>': case '&':
				cf_buf_addf(b, "\\u00%c%c", hex[ch >> 4], hex[ch & 15]);
				break;
			default:
				if (ch < 0x20)
					cf_buf_addf(b, "\\u00%c%c", hex[ch >> 4],
					    hex[ch & 15]);
				else
					cf_buf_addch(b, (char)ch);
			}
			i++;
			continue;
		}
		/* Multi-byte: validate, escape U+2028/2029, replace junk. */
		size_t w = (ch & 0xe0) == 0xc0 ? 2 : (ch & 0xf0) == 0xe0 ? 3 :
		    (ch & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = w && ch >= 0xc2 && ch <= 0xf4 && i + w <= n;
		uint32_t cp = 0;
		for (size_t k = 1; ok && k < w; k++)
			ok = (p[i + k] & 0xc0) == 0x80;
		if (ok) {
			cp = w == 2 ? ch & 0x1f : w == 3 ? ch & 0x0f : ch & 0x07;
			for (size_t k = 1; k < w; k++)
				cp = cp << 6 | (p[i + k] & 0x3f);
			ok = !(w == 3 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) &&
			    !(w == 4 && (cp < 0x10000 || cp > 0x10ffff));
		}
		if (!ok) {
			cf_buf_adds(b, "\xef\xbf\xbd");
			i++;
		} else if (cp == 0x2028 || cp == 0x2029) {
			cf_buf_addf(b, "\\u%04x", cp);
			i += w;
		} else {
			cf_buf_add(b, p + i, w);
			i += w;
		}
	}
	cf_buf_addch(b, '"');
}

/* Bytewise key order, as Go sorts map keys when marshalling. */
static int key_cmp(const void *x, const void *y)
{
	const cf_pair *a = *(const cf_pair *const *)x, *b = *(const cf_pair *const *)y;
	size_t n = a->klen < b->klen ? a->klen : b->klen;
	int r = memcmp(a->key, b->key, n);

	return r ? r : (a->klen > b->klen) - (a->klen < b->klen);
}

/* Compact JSON of n with sorted keys; numbers only as integers or %.17g,
 * enough for ConfigMap and Secret data (strings). */
static void json_val(cf_buf *b, const cf_node *n)
{
	switch (n ? n->type : CF_NODE_NULL) {
	case CF_NODE_NULL: cf_buf_adds(b, "null"); break;
	case CF_NODE_BOOL: cf_buf_adds(b, n->v.b ? "true" : "false"); break;
	case CF_NODE_INT:
		if (n->flags & CF_NODE_F_UINT)
			cf_buf_addf(b, "%llu", (unsigned long long)n->v.u);
		else
			cf_buf_addf(b, "%lld", (long long)n->v.i);
		break;
	case CF_NODE_FLOAT: cf_buf_addf(b, "%.17g", n->v.f); break;
	case CF_NODE_STR: json_str(b, n->v.s, n->len); break;
	case CF_NODE_SEQ:
		cf_buf_addch(b, '[');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			json_val(b, n->v.items[i]);
		}
		cf_buf_addch(b, ']');
		break;
	case CF_NODE_MAP: {
		const cf_pair **ps = cf_xmalloc((n->len + 1) * sizeof(*ps));
		for (uint32_t i = 0; i < n->len; i++)
			ps[i] = &n->v.pairs[i];
		qsort(ps, n->len, sizeof(*ps), key_cmp);
		cf_buf_addch(b, '{');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			json_str(b, ps[i]->key, ps[i]->klen);
			cf_buf_addch(b, ':');
			json_val(b, ps[i]->val);
		}
		cf_buf_addch(b, '}');
		free(ps);
		break;
	}
	}
}

/* The name-suffix hash of a generated ConfigMap or Secret (see the file
 * comment); out receives 10 characters and a NUL. */
void kz_hash_obj(char out[11], const cf_node *obj)
{
	static const char hex[] = "0123456789abcdef";
	const char *kind = cf_node_getp_str(obj, "kind", NULL);
	cf_node *data = cf_node_get(obj, "data");
	cf_buf b = CF_BUF_INIT;
	unsigned char sum[32];

	/* Keys in sorted order: binaryData, data, kind, name, stringData, type. */
	cf_buf_addch(&b, '{');
	if (kind && !strcmp(kind, "ConfigMap") &&
	    cf_node_is(cf_node_get(obj, "binaryData"), CF_NODE_MAP)) {
		cf_buf_adds(&b, "\"binaryData\":");
		json_val(&b, cf_node_get(obj, "binaryData"));
		cf_buf_addch(&b, ',');
	}
	cf_buf_adds(&b, "\"data\":");
	if (data)
		json_val(&b, data);
	else
		cf_buf_adds(&b, "\"\"");
	cf_buf_addf(&b, ",\"kind\":\"%s\",\"name\":\"\"",
	    kind && !strcmp(kind, "Secret") ? "Secret" : "ConfigMap");
	if (kind && !strcmp(kind, "Secret")) {
		cf_node *sd = cf_node_get(obj, "stringData");
		if (cf_node_is(sd, CF_NODE_MAP)) {
			cf_buf_adds(&b, ",\"stringData\":");
			json_val(&b, sd);
		}
		const char *t = cf_node_as_str(cf_node_get(obj, "type"));
		cf_buf_adds(&b, ",\"type\":");
		json_str(&b, t ? t : "", t ? strlen(t) : 0);
	}
	cf_buf_addch(&b, '}');
	sha256(sum, b.buf, b.len);
	cf_buf_release(&b);
	for (int i = 0; i < 10; i++) {
		char ch = hex[(sum[i / 2] >> (i % 2 ? 0 : 4)) & 15];
		switch (ch) {
		case '0': ch = 'g'; break;
		case '1': ch = 'h'; break;
		case '3': ch = 'k'; break;
		case 'a': ch = 'm'; break;
		case 'e': ch = 't'; break;
		}
		out[i] = ch;
	}
	out[10] = 0;
}

int cf_kustomize_hash(char out[11], const cf_node *obj)
{
	const char *kind = cf_node_getp_str(obj, "kind", NULL);

	if (!kind || (strcmp(kind, "ConfigMap") && strcmp(kind, "Secret")))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "cannot hash kind '%s': only ConfigMap and Secret",
		    kind ? kind : "");
	kz_hash_obj(out, obj);
	return 0;
}

/* ---- building generated objects ------------------------------------------ */

/* ConfigMap values that are not valid UTF-8 go to binaryData. */
static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char ch = p[i];
		size_t w = ch < 0x80 ? 1 : (ch & 0xe0) == 0xc0 ? 2 :
		    (ch & 0xf0) == 0xe0 ? 3 : (ch & 0xf8) == 0xf0 ? 4 : 0;
		if (!w || i + w > n || (w > 1 && ch < 0xc2) || ch > 0xf4)
			return false;
		for (size_t k = 1; k < w; k++)
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		i += w;
	}
	return true;
}

/* Standard base64 with padding, as Go's StdEncoding. */
static void b64(cf_buf *b, const unsigned char *p, size_t n)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		cf_buf_addch(b, tab[(v >> 18) & 63]);
		cf_buf_addch(b, tab[(v >> 12) & 63]);
		cf_buf_addch(b, i + 1 < n ? tab[(v >> 6) & 63] : '=');
		cf_buf_addch(b, i + 2 < n ? tab[v & 63] : '=');
	}
}

/* ConfigMap/Secret key rule: [-._a-zA-Z0-9]+, at most 253, not . or .. */
static bool valid_data_key(const char *k)
{
	size_t n = strlen(k);

	if (!n || n > 253 || !strcmp(k, ".") || !strcmp(k, ".."))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = k[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return false;
	}
	return true;
}

/* The object a generator entry is building. */
struct gen {
	kz_ctx *c;
	const kz_kust *k;
	bool secret;
	const char *name;
	cf_node *data, *bin; /* maps being filled */
};

/* Add one key: refuse repeats (across all sources of the entry), encode
 * for Secrets, route non-UTF-8 ConfigMap values to binaryData. */
static int gen_put(struct gen *g, const char *key, const char *val, size_t vlen,
    bool check_key)
{
	cf_arena *a = g->c->a;

	/* kustomize does not validate keys read from env files. */
	if (check_key && !valid_data_key(key))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s %s: \"%s\" is not a valid key name for a %s",
		    g->k->path, g->secret ? "secret" : "configmap", g->name, key,
		    g->secret ? "Secret" : "ConfigMap");
	if (cf_node_get(g->data, key) || cf_node_get(g->bin, key))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s %s illegally repeats the key `%s`", g->k->path,
		    g->secret ? "secret" : "configmap", g->name, key);
	if (g->secret) {
		cf_buf b = CF_BUF_INIT;
		cf_buf enc = CF_BUF_INIT;

		b64(&enc, (const unsigned char *)val, vlen);
		/* kustomize wraps long secret values at 70 columns, newline
		 * after every line, so the emitter prints a literal block. */
		if (enc.len > 70) {
			for (size_t i = 0; i < enc.len; i += 70) {
				size_t m = enc.len - i < 70 ? enc.len - i : 70;
				cf_buf_add(&b, enc.buf + i, m);
				cf_buf_addch(&b, '\n');
			}
		} else {
			cf_buf_add(&b, enc.buf, enc.len);
		}
		cf_node_set(a, g->data, key, cf_node_strn(a, b.buf, b.len));
		cf_buf_release(&b);
		cf_buf_release(&enc);
	} else if (utf8_valid(val, vlen)) {
		cf_node_set(a, g->data, key, cf_node_strn(a, val, vlen));
	} else {
		cf_buf enc = CF_BUF_INIT;
		b64(&enc, (const unsigned char *)val, vlen);
		cf_node_set(a, g->bin, key, cf_node_strn(a, enc.buf, enc.len));
		cf_buf_release(&enc);
	}
	return 0;
}

/* One env file: KEY=VALUE lines, '#' comments, BOM on line one. */
static int gen_env(struct gen *g, const char *path)
{
	char *text;
	size_t len;
	int err;

	if ((err = kz_read_file(g->c, &text, &len, g->k->dir, path)) < 0)
		return err;
	char *p = text, *end = text + len;
	if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && !err) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *s = p;

		p = nl ? nl + 1 : end;
		if (le > s && le[-1] == '\r')
			le--;
		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		if (s == le || *s == '#')
			continue;
		char *eq = memchr(s, '=', (size_t)(le - s));
		char *key = cf_arena_strndup(g->c->a, s,
		    (size_t)((eq ? eq : le) - s));
		const char *val = eq ? eq + 1 : "";
		size_t vlen = eq ? (size_t)(le - eq - 1) : 0;
		err = gen_put(g, key, val, vlen, false);
	}
	free(text);
	return err < 0 ? cf_error_wrap("env file '%s'", path) : 0;
}

/* "key=value": split at the first '='; one pair of matching quotes
 * around the value is removed, as kustomize does. */
static int gen_literal(struct gen *g, const char *lit)
{
	const char *eq = strchr(lit, '=');
	char *key;
	const char *val;
	size_t vlen;

	if (!eq)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s %s: invalid literal source %s, expected key=value",
		    g->k->path, g->secret ? "secretGenerator" : "configMapGenerator",
		    g->name, lit);
	key = cf_arena_strndup(g->c->a, lit, (size_t)(eq - lit));
	val = eq + 1;
	vlen = strlen(val);
	/* Matching quotes around the value are removed. */
	if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') &&
	    val[vlen - 1] == val[0]) {
		val++;
		vlen -= 2;
	}
	return gen_put(g, key, val, vlen, true);
}

/* "[key=]path": the key defaults to the file's base name. */
static int gen_file(struct gen *g, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const char *key, *path;
	char *text;
	size_t len;
	int err;

	if (eq && strchr(eq + 1, '='))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': key-value source '%s' has more than one '='",
		    g->k->path, spec);
	if (eq) {
		key = cf_arena_strndup(g->c->a, spec, (size_t)(eq - spec));
		path = eq + 1;
		if (!*key || !*path)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': key or file path is missing in '%s'",
			    g->k->path, spec);
	} else {
		const char *slash = strrchr(spec, '/');
		key = slash ? slash + 1 : spec;
		path = spec;
	}
	if ((err = kz_read_file(g->c, &text, &len, g->k->dir, path)) < 0)
		return err;
	err = gen_put(g, key, text, len, true);
	free(text);
	return err;
}

static const char *const gen_fields[] = {
	"name", "namespace", "behavior", "literals", "files", "envs", "env",
	"options", "type", "kvSources", NULL,
};

/* Generator entries are decoded strictly, like the kustomization. */
static int check_fields(const kz_kust *k, const char *what, const cf_node *n,
    const char *const *fields)
{
	for (uint32_t i = 0; i < n->len; i++) {
		const char *key = n->v.pairs[i].key;
		bool ok = false;
		for (const char *const *f = fields; *f; f++)
			if (!strcmp(*f, key))
				ok = true;
		if (!ok)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s: json: unknown field \"%s\"",
			    k->path, what, key);
	}
	return 0;
}

/* Merge generatorOptions with the entry's own options. */
static void merge_options(kz_ctx *c, cf_node *obj, const cf_node *global,
    const cf_node *local, bool *nohash)
{
	const char *fields[] = { "labels", "annotations" };
	bool immutable = false;

	*nohash = false;
	for (size_t f = 0; f < 2; f++) {
		cf_node *m = NULL;
		const cf_node *srcs[2] = { cf_node_get(global, fields[f]),
			cf_node_get(local, fields[f]) };
		for (int s = 0; s < 2; s++) {
			if (!cf_node_is(srcs[s], CF_NODE_MAP))
				continue;
			for (uint32_t i = 0; i < srcs[s]->len; i++) {
				if (!m)
					m = cf_node_set_map(c->a,
					    cf_node_set_map(c->a, obj, "metadata"),
					    fields[f]);
				cf_node_set(c->a, m, srcs[s]->v.pairs[i].key,
				    cf_node_dup(c->a, srcs[s]->v.pairs[i].val));
			}
		}
	}
	for (int s = 0; s < 2; s++) {
		const cf_node *o = s ? local : global;
		cf_node *d = cf_node_get(o, "disableNameSuffixHash");
		cf_node *im = cf_node_get(o, "immutable");
		if (cf_node_is(d, CF_NODE_BOOL) && d->v.b)
			*nohash = true;
		if (cf_node_is(im, CF_NODE_BOOL) && im->v.b)
			immutable = true;
	}
	if (immutable)
		cf_node_set(c->a, obj, "immutable", cf_node_bool(c->a, true));
}

/* *out = the list of strings at field (NULL when absent). */
static int str_list(const kz_kust *k, const cf_node *n, const char *field,
    cf_node **out)
{
	cf_node *v = cf_node_get(n, field);

	*out = NULL;
	if (!v || v->type == CF_NODE_NULL)
		return 0;
	if (v->type != CF_NODE_SEQ)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': %s must be a list of strings",
		    k->path, field);
	for (uint32_t i = 0; i < v->len; i++)
		if (!cf_node_is(v->v.items[i], CF_NODE_STR))
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s[%u] must be a string",
			    k->path, field, i);
	*out = v;
	return 0;
}

/*
 * One configMapGenerator or secretGenerator entry: build the object, then
 * absorb it into m by behaviour (create appends; merge and replace fold
 * it into an existing object of the same kind, name and namespace).
 */
static int gen_one(kz_ctx *c, kz_resmap *m, const kz_kust *k,
    const cf_node *e, bool secret)
{
	const char *what = secret ? "secretGenerator" : "configMapGenerator";
	struct gen g = { .c = c, .k = k, .secret = secret };
	cf_node *obj, *lits, *files, *envs, *env;
	int err;

	if (!cf_node_is(e, CF_NODE_MAP))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "invalid Kustomization '%s': %s entries must be maps",
		    k->path, what);
	if ((err = check_fields(k, what, e, gen_fields)) < 0)
		return err;
	g.name = cf_node_as_str(cf_node_get(e, "name"));
	if (!g.name || !*g.name)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s: a name is required", k->path, what);
	g.data = cf_node_map(c->a);
	g.bin = cf_node_map(c->a);
	if ((err = str_list(k, e, "literals", &lits)) < 0 ||
	    (err = str_list(k, e, "files", &files)) < 0 ||
	    (err = str_list(k, e, "envs", &envs)) < 0)
		return err;
	env = cf_node_get(e, "env");

	/* Sources in kustomize's order: envs, literals, files. */
	for (uint32_t i = 0; envs && i < envs->len; i++)
		if ((err = gen_env(&g, envs->v.items[i]->v.s)) < 0)
			return err;
	if (cf_node_as_str(env) && *env->v.s &&
	    (err = gen_env(&g, env->v.s)) < 0)
		return err;
	for (uint32_t i = 0; lits && i < lits->len; i++)
		if ((err = gen_literal(&g, lits->v.items[i]->v.s)) < 0)
			return err;
	for (uint32_t i = 0; files && i < files->len; i++)
		if ((err = gen_file(&g, files->v.items[i]->v.s)) < 0)
			return err;

	obj = cf_node_map(c->a);
	cf_node_set(c->a, obj, "apiVersion", cf_node_str(c->a, "v1"));
	cf_node_set(c->a, obj, "kind", cf_node_str(c->a, secret ? "Secret" : "ConfigMap"));
	cf_node *md = cf_node_set_map(c->a, obj, "metadata");
	cf_node_set(c->a, md, "name", cf_node_str(c->a, g.name));
	const char *ns = cf_node_as_str(cf_node_get(e, "namespace"));
	if (ns && *ns)
		cf_node_set(c->a, md, "namespace", cf_node_str(c->a, ns));
	if (g.data->len)
		cf_node_set(c->a, obj, "data", g.data);
	if (g.bin->len)
		cf_node_set(c->a, obj, "binaryData", g.bin);
	if (secret) {
		const char *t = cf_node_as_str(cf_node_get(e, "type"));
		cf_node_set(c->a, obj, "type", cf_node_str(c->a, t && *t ? t : "Opaque"));
	}
	bool nohash;
	merge_options(c, obj, cf_node_get(k->k, "generatorOptions"),
	    cf_node_get(e, "options"), &nohash);

	/* Absorb: find an existing object with the same kind, name and
	 * namespace (current or original). */
	const char *behavior = cf_node_as_str(cf_node_get(e, "behavior"));
	enum kz_behavior bh = KZ_CREATE;
	if (behavior && !strcmp(behavior, "merge"))
		bh = KZ_MERGE;
	else if (behavior && !strcmp(behavior, "replace"))
		bh = KZ_REPLACE;
	else if (behavior && *behavior && strcmp(behavior, "create"))
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': %s %s: unknown behavior '%s'", k->path, what, g.name,
		    behavior);

	kz_res *old = NULL;
	for (size_t i = 0; i < m->n; i++) {
		kz_res *r = m->v[i];
		kz_id cur;
		kz_id_of(&cur, r->obj);
		const char *okind = secret ? "Secret" : "ConfigMap";
		const char *want_ns = ns ? ns : "";
		bool ns_eq = !strcmp(cur.ns, want_ns) ||
		    (!*cur.ns && !strcmp(want_ns, "default")) ||
		    (!*want_ns && !strcmp(cur.ns, "default"));
		bool ons_eq = !strcmp(r->orig.ns, want_ns);
		if (strcmp(cur.kind, okind))
			continue;
		if ((!strcmp(cur.name, g.name) && ns_eq) ||
		    (!strcmp(r->orig.name, g.name) && ons_eq)) {
			old = r;
			break;
		}
	}
	if (bh == KZ_CREATE) {
		if (old)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "'%s': id %s exists; behavior must be merge or replace",
			    k->path, g.name);
		kz_res *r = kz_res_new(c, obj);
		r->origin_kust = k->path;
		r->origin_gen = secret ? "SecretGenerator" : "ConfigMapGenerator";
		r->generated = true;
		r->needs_hash = !nohash;
		return kz_resmap_append(c, m, r, k->path);
	}
	if (!old)
		return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
		    "'%s': id %s does not exist; cannot merge or replace",
		    k->path, g.name);

	/* merge/replace: labels and annotations are unioned (new wins), the
	 * old object's name and namespace stay. */
	cf_node *nobj = cf_node_dup(c->a, obj);
	cf_node *nmd = cf_node_set_map(c->a, nobj, "metadata");
	const char *fields[] = { "labels", "annotations" };
	for (int f = 0; f < 2; f++) {
		cf_node *ov = cf_node_getp(old->obj, "metadata", fields[f], NULL);
		cf_node *nv = cf_node_get(nmd, fields[f]);
		if (!cf_node_is(ov, CF_NODE_MAP))
			continue;
		cf_node *u = cf_node_dup(c->a, ov);
		for (uint32_t i = 0; nv && i < nv->len; i++)
			cf_node_set(c->a, u, nv->v.pairs[i].key, nv->v.pairs[i].val);
		cf_node_set(c->a, nmd, fields[f], u);
	}
	cf_node_set(c->a, nmd, "name", cf_node_dup(c->a,
	    cf_node_getp(old->obj, "metadata", "name", NULL)));
	cf_node *ons = cf_node_getp(old->obj, "metadata", "namespace", NULL);
	if (ons)
		cf_node_set(c->a, nmd, "namespace", cf_node_dup(c->a, ons));
	else
		cf_node_del(nmd, "namespace");
	if (bh == KZ_MERGE) {
		const char *dfields[] = { "data", "binaryData" };
		for (int f = 0; f < 2; f++) {
			cf_node *od = cf_node_get(old->obj, dfields[f]);
			cf_node *nd = cf_node_get(nobj, dfields[f]);
			if (!cf_node_is(od, CF_NODE_MAP))
				continue;
			cf_node *u = cf_node_dup(c->a, od);
			for (uint32_t i = 0; nd && i < nd->len; i++)
				cf_node_set(c->a, u, nd->v.pairs[i].key,
				    nd->v.pairs[i].val);
			cf_node_set(c->a, nobj, dfields[f], u);
		}
	}
	/* The hash survives only if both sides want it (measured: merging
	 * into a plain or unhashed object never adds one). */
	old->obj = nobj;
	old->needs_hash = old->needs_hash && !nohash;
	old->generated = true;
	return 0;
}

/* Every ConfigMap generator entry, then every Secret one, in order. */
int kz_generate(kz_ctx *c, kz_resmap *m, const kz_kust *k)
{
	static const char *const fields[] = { "configMapGenerator", "secretGenerator" };
	int err;

	for (int f = 0; f < 2; f++) {
		cf_node *list = cf_node_get(k->k, fields[f]);
		if (!list || list->type == CF_NODE_NULL)
			continue;
		if (list->type != CF_NODE_SEQ)
			return cf_error_setc(CF_EINVALID, CF_ERR_KUSTOMIZE,
			    "invalid Kustomization '%s': %s must be a list",
			    k->path, fields[f]);
		for (uint32_t i = 0; i < list->len; i++)
			if ((err = gen_one(c, m, k, list->v.items[i], f == 1)) < 0)
				return err;
	}
	return 0;
}
