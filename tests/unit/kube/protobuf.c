/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Protobuf bodies: tests/resources/protobuf/NAME.bin was sent by the real
 * kubectl 1.32 and NAME.json by kubectl 1.31 (which still sends JSON) for
 * the same command, so decoding the first must give exactly the second.
 */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/buf.h"
#include "core/error.h"
#include "kube/protobuf.h"
#include "kube/rbac.h"

/* Compact JSON in the node's own key order: Go's encoder writes struct
 * fields in declaration order, which is what the decoder must reproduce. */
static void to_json(cf_buf *b, const cf_node *n)
{
	switch (n->type) {
	case CF_NODE_NULL:
		cf_buf_adds(b, "null");
		break;
	case CF_NODE_BOOL:
		cf_buf_adds(b, n->v.b ? "true" : "false");
		break;
	case CF_NODE_INT:
		cf_buf_addf(b, "%lld", (long long)n->v.i);
		break;
	case CF_NODE_FLOAT:
		cf_buf_addf(b, "%.17g", n->v.f);
		break;
	case CF_NODE_STR:
		cf_buf_add_json_str(b, n->v.s, n->len);
		break;
	case CF_NODE_SEQ:
		cf_buf_addch(b, '[');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			to_json(b, n->v.items[i]);
		}
		cf_buf_addch(b, ']');
		break;
	case CF_NODE_MAP:
		cf_buf_addch(b, '{');
		for (uint32_t i = 0; i < n->len; i++) {
			if (i)
				cf_buf_addch(b, ',');
			cf_buf_add_json_str(b, n->v.pairs[i].key,
			    n->v.pairs[i].klen);
			cf_buf_addch(b, ':');
			to_json(b, n->v.pairs[i].val);
		}
		cf_buf_addch(b, '}');
		break;
	}
}

/* Resources live next to the sources; __FILE__ is relative to the build
 * directory, where meson runs the tests. */
static int read_resource(cf_buf *out, const char *name)
{
	char path[512];
	const char *src = __FILE__;
	const char *cut = strstr(src, "tests/unit/kube/");
	char chunk[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%.*sresources/protobuf/%s",
	    (int)(cut - src) + 6, src, name);
	f = fopen(path, "rb");
	if (!f && src[0] != '/') {
		/* Run from elsewhere: the build root is three directories
		 * above this binary (tests/unit/kube/). */
		char exe[400];
		ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

		if (len > 0) {
			exe[len] = '\0';
			for (int up = 0; up < 4; up++) {
				char *slash = strrchr(exe, '/');

				if (slash)
					*slash = '\0';
			}
			snprintf(path, sizeof(path), "%s/%.*sresources/protobuf/%s",
			    exe, (int)(cut - src) + 6, src, name);
			f = fopen(path, "rb");
		}
	}
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cf_buf_add(out, chunk, n);
	fclose(f);
	while (out->len && (out->buf[out->len - 1] == '\n'))
		cf_buf_truncate(out, out->len - 1);
	return 0;
}

static const char *const captured[] = {
	"ssar_pods", "ssar_full", "ssar_deploy_scale", "ssar_nonres", "ssrr",
	"namespace", "configmap", "secret", "secret_tls", "serviceaccount",
	"service", "service_np", "deployment", "job", "cronjob", "role",
	"rolebinding", "clusterrole", "clusterrole_agg", "clusterrolebinding",
	"priorityclass", "ingress", "pdb", "pdb_int", "token", "quota",
	"service_ext", "service_lb", "token_bound", "ingress_default",
	"job_plain", "whoami",
};

TEST(test_kube_protobuf__kubectl_bodies_match_json)
{
	for (size_t i = 0; i < CF_ARRAY_SIZE(captured); i++) {
		cf_buf bin = CF_BUF_INIT, want = CF_BUF_INIT, got = CF_BUF_INIT;
		cf_arena a = CF_ARENA_INIT;
		char name[128];
		cf_node *obj;
		int err, same;

		snprintf(name, sizeof(name), "%s.bin", captured[i]);
		CHECK(read_resource(&bin, name) == 0);
		snprintf(name, sizeof(name), "%s.json", captured[i]);
		CHECK(read_resource(&want, name) == 0);
		err = cf_protobuf_decode(&obj, &a, bin.buf, bin.len);
		if (err == 0)
			to_json(&got, obj);
		same = err == 0 && !strcmp(got.buf, want.buf);
		if (!same)
			cf_test_fail(__FILE__, __LINE__, "%s: %d %s\n got  %s\n want %s",
			    captured[i], err, err ? cf_error_msg() : "",
			    got.buf, want.buf);
		cf_buf_release(&bin);
		cf_buf_release(&want);
		cf_buf_release(&got);
		cf_arena_release(&a);
		if (!same)
			return;
	}
}

/* Every cut of a real body that ends inside the object must be refused,
 * never read past the end (ASan watches) and never half-decoded. */
TEST(test_kube_protobuf__truncated_bodies_fail)
{
	for (size_t i = 0; i < CF_ARRAY_SIZE(captured); i++) {
		cf_buf bin = CF_BUF_INIT;
		char name[128];

		snprintf(name, sizeof(name), "%s.bin", captured[i]);
		CHECK(read_resource(&bin, name) == 0);
		/* The last 4 bytes are the empty contentEncoding and
		 * contentType fields; cutting those leaves a whole object.
		 * Cutting just before the raw object (after typeMeta, whose
		 * length is byte 5) leaves a valid empty object; before that
		 * the kind is missing or cut (CF_ENOTFOUND or CF_EINVALID);
		 * after it, the object is cut and must be CF_EINVALID. */
		size_t raw_at = 6 + (unsigned char)bin.buf[5];

		for (size_t n = 0; n + 4 < bin.len; n++) {
			cf_arena a = CF_ARENA_INIT;
			cf_node *obj = NULL;
			char *copy = malloc(n ? n : 1);
			int err;

			memcpy(copy, bin.buf, n);
			err = cf_protobuf_decode(&obj, &a, copy, n);
			free(copy);
			cf_arena_release(&a);
			if (n > raw_at ? err != CF_EINVALID :
			    n < raw_at && err >= 0) {
				cf_test_fail(__FILE__, __LINE__,
				    "%s cut at %zu: %d", captured[i], n, err);
				cf_buf_release(&bin);
				return;
			}
		}
		cf_buf_release(&bin);
	}
}

/* A tiny encoder for hand-made bodies. */
static void put_varint(cf_buf *b, uint64_t v)
{
	while (v >= 0x80) {
		cf_buf_addch(b, (char)(v | 0x80));
		v >>= 7;
	}
	cf_buf_addch(b, (char)v);
}

static void put_bytes(cf_buf *b, unsigned num, const void *p, size_t n)
{
	put_varint(b, (uint64_t)num << 3 | 2);
	put_varint(b, n);
	cf_buf_add(b, p, n);
}

static void put_int(cf_buf *b, unsigned num, uint64_t v)
{
	put_varint(b, (uint64_t)num << 3);
	put_varint(b, v);
}

/* Wrap raw object bytes in the k8s envelope. */
static void envelope(cf_buf *out, const char *av, const char *kind,
    const cf_buf *raw, const char *encoding)
{
	cf_buf tm = CF_BUF_INIT;

	cf_buf_add(out, "k8s\0", 4);
	put_bytes(&tm, 1, av, strlen(av));
	put_bytes(&tm, 2, kind, strlen(kind));
	put_bytes(out, 1, tm.buf, tm.len);
	put_bytes(out, 2, raw->buf, raw->len);
	if (encoding)
		put_bytes(out, 3, encoding, strlen(encoding));
	cf_buf_release(&tm);
}

static int decode_to_json(cf_buf *json, const cf_buf *body)
{
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj;
	int err = cf_protobuf_decode(&obj, &a, body->buf, body->len);

	if (err == 0)
		to_json(json, obj);
	cf_arena_release(&a);
	return err;
}

/* Encode a message written as text, so that a whole body fits in a few
 * readable lines: `N:"s"` a string, `N:7` a varint, `N:{...}` a nested
 * message, separated by spaces. Returns where the text stopped (at a '}'
 * closing this message, or the end). */
static const char *put_text(cf_buf *b, const char *s)
{
	while (*s && *s != '}') {
		unsigned long num;
		char *end;

		if (*s == ' ') {
			s++;
			continue;
		}
		num = strtoul(s, &end, 10);
		s = end + 1; /* past ':' */
		if (*s == '"') {
			const char *q = strchr(s + 1, '"');

			put_bytes(b, (unsigned)num, s + 1, (size_t)(q - s - 1));
			s = q + 1;
		} else if (*s == '{') {
			cf_buf sub = CF_BUF_INIT;

			s = put_text(&sub, s + 1);
			put_bytes(b, (unsigned)num, sub.buf, sub.len);
			cf_buf_release(&sub);
			if (*s == '}')
				s++;
		} else {
			put_int(b, (unsigned)num, strtoull(s, &end, 10));
			s = end;
		}
	}
	return s;
}

TEST(test_kube_protobuf__unknown_fields_time_and_negative_ints)
{
	cf_buf meta = CF_BUF_INIT, ts = CF_BUF_INIT, raw = CF_BUF_INIT;
	cf_buf spec = CF_BUF_INIT, body = CF_BUF_INIT, json = CF_BUF_INIT;

	put_bytes(&meta, 1, "p", 1);
	put_int(&ts, 1, 1700000000);
	put_bytes(&meta, 8, ts.buf, ts.len);
	put_int(&meta, 7, 5);           /* generation */
	put_bytes(&meta, 99, "zz", 2);  /* a field from the future */
	put_int(&meta, 98, 7);
	put_bytes(&raw, 1, meta.buf, meta.len);
	/* PriorityClass.value = -5 as int32, written sign-extended. */
	put_int(&raw, 2, (uint64_t)(int64_t)-5);
	put_int(&raw, 3, 1);
	put_bytes(&raw, 50, spec.buf, spec.len);
	envelope(&body, "scheduling.k8s.io/v1", "PriorityClass", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), 0);
	CHECK_STR(json.buf, "{\"kind\":\"PriorityClass\",\"apiVersion\":"
	    "\"scheduling.k8s.io/v1\",\"metadata\":{\"name\":\"p\","
	    "\"generation\":5,\"creationTimestamp\":\"2023-11-14T22:13:20Z\"},"
	    "\"value\":-5,\"globalDefault\":true}");
	cf_buf_release(&meta);
	cf_buf_release(&ts);
	cf_buf_release(&raw);
	cf_buf_release(&spec);
	cf_buf_release(&body);
	cf_buf_release(&json);
}

/* managedFields' fieldsV1 (raw JSON) and a map of times. */
TEST(test_kube_protobuf__fields_v1_and_time_maps)
{
	cf_buf meta = CF_BUF_INIT, mf = CF_BUF_INIT, f1 = CF_BUF_INIT;
	cf_buf st = CF_BUF_INIT, ent = CF_BUF_INIT, ts = CF_BUF_INIT;
	cf_buf raw = CF_BUF_INIT, body = CF_BUF_INIT, json = CF_BUF_INIT;
	const char *fields = "{\"f:spec\":{\"f:minAvailable\":{}}}";

	put_bytes(&meta, 1, "p", 1);
	put_bytes(&mf, 1, "kubectl", 7);
	put_bytes(&mf, 2, "Apply", 5);
	put_bytes(&mf, 6, "FieldsV1", 8);
	put_bytes(&f1, 1, fields, strlen(fields));
	put_bytes(&mf, 7, f1.buf, f1.len);
	put_bytes(&meta, 17, mf.buf, mf.len);
	put_bytes(&raw, 1, meta.buf, meta.len);
	put_int(&ts, 1, 1700000000);
	put_bytes(&ent, 1, "pod-b", 5);
	put_bytes(&ent, 2, ts.buf, ts.len);
	put_bytes(&st, 2, ent.buf, ent.len);
	cf_buf_reset(&ent);
	put_bytes(&ent, 1, "pod-a", 5);
	put_bytes(&ent, 2, ts.buf, ts.len);
	put_bytes(&st, 2, ent.buf, ent.len);
	put_bytes(&raw, 3, st.buf, st.len);
	envelope(&body, "policy/v1", "PodDisruptionBudget", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), 0);
	CHECK_STR(json.buf, "{\"kind\":\"PodDisruptionBudget\",\"apiVersion\":"
	    "\"policy/v1\",\"metadata\":{\"name\":\"p\",\"creationTimestamp\":null,"
	    "\"managedFields\":[{\"manager\":\"kubectl\",\"operation\":\"Apply\","
	    "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:minAvailable\":"
	    "{}}}}]},\"spec\":{},\"status\":{\"disruptedPods\":{\"pod-a\":"
	    "\"2023-11-14T22:13:20Z\",\"pod-b\":\"2023-11-14T22:13:20Z\"},"
	    "\"disruptionsAllowed\":0,\"currentHealthy\":0,\"desiredHealthy\":0,"
	    "\"expectedPods\":0}}");
	/* fieldsV1 that is not JSON is refused. */
	cf_buf_reset(&f1);
	cf_buf_reset(&mf);
	cf_buf_reset(&meta);
	cf_buf_reset(&raw);
	cf_buf_reset(&body);
	put_bytes(&f1, 1, "{nope", 5);
	put_bytes(&mf, 7, f1.buf, f1.len);
	put_bytes(&meta, 17, mf.buf, mf.len);
	put_bytes(&raw, 1, meta.buf, meta.len);
	envelope(&body, "v1", "ConfigMap", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_EINVALID);
	cf_buf_release(&meta);
	cf_buf_release(&mf);
	cf_buf_release(&f1);
	cf_buf_release(&st);
	cf_buf_release(&ent);
	cf_buf_release(&ts);
	cf_buf_release(&raw);
	cf_buf_release(&body);
	cf_buf_release(&json);
}

/* Decode a body written with put_text() and compare its JSON. */
static void check_text_body(const char *av, const char *kind,
    const char *text, const char *want)
{
	cf_buf raw = CF_BUF_INIT, body = CF_BUF_INIT, json = CF_BUF_INIT;

	put_text(&raw, text);
	envelope(&body, av, kind, &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), 0);
	CHECK_STR(json.buf, want);
	cf_buf_release(&raw);
	cf_buf_release(&body);
	cf_buf_release(&json);
}

/* Messages that Kubernetes declares with the same fields as another one
 * (LocalSubjectAccessReview and SubjectAccessReview, EphemeralContainer's
 * common part and Container, the ConfigMap and Secret variants of env
 * sources, key selectors and projections, PodAntiAffinity and
 * PodAffinity): every field of both, set on the wire, must come out under
 * its own JSON name in Go's order. */
TEST(test_kube_protobuf__review_twins)
{
	static const char sar_pb[] =
	    "1:{1:\"r\" 3:\"ns1\"} "
	    "2:{1:{1:\"ns1\" 2:\"get\" 3:\"apps\" 4:\"v1\" 5:\"deployments\" "
	    "6:\"scale\" 7:\"web\"} 2:{1:\"/x\" 2:\"get\"} 3:\"u\" "
	    "4:\"g1\" 4:\"g2\" 5:{1:\"k\" 2:{1:\"v1\" 1:\"v2\"}} 6:\"id\"} "
	    "3:{1:0 4:1 2:\"why\" 3:\"oops\"}";
#define SAR_JSON(kind) "{\"kind\":\"" kind "\",\"apiVersion\":" \
	    "\"authorization.k8s.io/v1\",\"metadata\":{\"name\":\"r\"," \
	    "\"namespace\":\"ns1\",\"creationTimestamp\":null},\"spec\":{" \
	    "\"resourceAttributes\":{\"namespace\":\"ns1\",\"verb\":\"get\"," \
	    "\"group\":\"apps\",\"version\":\"v1\",\"resource\":" \
	    "\"deployments\",\"subresource\":\"scale\",\"name\":\"web\"}," \
	    "\"nonResourceAttributes\":{\"path\":\"/x\",\"verb\":\"get\"}," \
	    "\"user\":\"u\",\"groups\":[\"g1\",\"g2\"],\"extra\":{\"k\":" \
	    "[\"v1\",\"v2\"]},\"uid\":\"id\"},\"status\":{\"allowed\":false," \
	    "\"denied\":true,\"reason\":\"why\",\"evaluationError\":\"oops\"}}"

	check_text_body("authorization.k8s.io/v1", "SubjectAccessReview",
	    sar_pb, SAR_JSON("SubjectAccessReview"));
	check_text_body("authorization.k8s.io/v1", "LocalSubjectAccessReview",
	    sar_pb, SAR_JSON("LocalSubjectAccessReview"));
#undef SAR_JSON
}

/* One container with every field set, sent as a container and as an
 * ephemeral container (whose field 1 is the inlined common part). */
#define CONTAINER_PB \
	"1:\"c\" 2:\"img\" 3:\"sh\" 4:\"-c\" 5:\"/w\" 6:{3:80} " \
	"19:{1:\"P_\" 2:{1:{1:\"cm\"} 2:1}} 19:{3:{1:{1:\"s\"} 2:0}} " \
	"7:{1:\"A\" 3:{3:{1:{1:\"cm\"} 2:\"k\" 3:0}}} " \
	"7:{1:\"B\" 2:\"b\" 3:{4:{1:{1:\"s\"} 2:\"k2\" 3:1}}} " \
	"8:{1:{1:\"cpu\" 2:{1:\"1\"}}} 23:{1:\"cpu\" 2:\"NotRequired\"} " \
	"24:\"Always\" 9:{1:\"v\" 3:\"/v\"} 21:{1:\"d\" 2:\"/dev/d\"} " \
	"10:{1:{1:{1:\"true\"}} 2:1} 11:{1:{3:{1:{1:0 2:8080}}}} " \
	"22:{1:{4:{1:9090}}} 12:{1:{2:{2:{1:0 2:80}}} 2:{4:{1:5}}} " \
	"13:\"/t\" 20:\"File\" 14:\"Never\" 15:{2:0} 16:1 17:1 18:1"
#define CONTAINER_JSON \
	"\"name\":\"c\",\"image\":\"img\",\"command\":[\"sh\"],\"args\":" \
	"[\"-c\"],\"workingDir\":\"/w\",\"ports\":[{\"containerPort\":80}]," \
	"\"envFrom\":[{\"prefix\":\"P_\",\"configMapRef\":{\"name\":\"cm\"," \
	"\"optional\":true}},{\"secretRef\":{\"name\":\"s\",\"optional\":" \
	"false}}],\"env\":[{\"name\":\"A\",\"valueFrom\":{\"configMapKeyRef\":" \
	"{\"name\":\"cm\",\"key\":\"k\",\"optional\":false}}},{\"name\":\"B\"," \
	"\"value\":\"b\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"s\"," \
	"\"key\":\"k2\",\"optional\":true}}}],\"resources\":{\"limits\":" \
	"{\"cpu\":\"1\"}},\"resizePolicy\":[{\"resourceName\":\"cpu\"," \
	"\"restartPolicy\":\"NotRequired\"}],\"restartPolicy\":\"Always\"," \
	"\"volumeMounts\":[{\"name\":\"v\",\"mountPath\":\"/v\"}]," \
	"\"volumeDevices\":[{\"name\":\"d\",\"devicePath\":\"/dev/d\"}]," \
	"\"livenessProbe\":{\"exec\":{\"command\":[\"true\"]}," \
	"\"initialDelaySeconds\":1},\"readinessProbe\":{\"tcpSocket\":" \
	"{\"port\":8080}},\"startupProbe\":{\"grpc\":{\"port\":9090," \
	"\"service\":null}},\"lifecycle\":{\"postStart\":{\"httpGet\":" \
	"{\"port\":80}},\"preStop\":{\"sleep\":{\"seconds\":5}}}," \
	"\"terminationMessagePath\":\"/t\",\"terminationMessagePolicy\":" \
	"\"File\",\"imagePullPolicy\":\"Never\",\"securityContext\":" \
	"{\"privileged\":false},\"stdin\":true,\"stdinOnce\":true,\"tty\":true"

TEST(test_kube_protobuf__pod_twins)
{
	check_text_body("v1", "Pod",
	    "1:{1:\"p\"} 2:{"
	    "1:{1:\"proj\" 2:{26:{"
	    "1:{1:{1:{1:\"s\"} 2:{1:\"a\" 2:\"b\"} 4:1}} "
	    "1:{3:{1:{1:\"cm\"} 2:{1:\"c\" 2:\"d\" 3:256} 4:0}}}}} "
	    "2:{" CONTAINER_PB "} "
	    "34:{1:{" CONTAINER_PB "} 2:\"c\"} "
	    "18:{2:{1:{3:\"zone\"} 2:{1:10 2:{3:\"rack\"}}} "
	    "3:{1:{3:\"host\"} 2:{1:20 2:{3:\"node\"}}}}}",
	    "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":"
	    "\"p\",\"creationTimestamp\":null},\"spec\":{\"volumes\":[{"
	    "\"name\":\"proj\",\"projected\":{\"sources\":[{\"secret\":{"
	    "\"name\":\"s\",\"items\":[{\"key\":\"a\",\"path\":\"b\"}],"
	    "\"optional\":true}},{\"configMap\":{\"name\":\"cm\",\"items\":"
	    "[{\"key\":\"c\",\"path\":\"d\",\"mode\":256}],\"optional\":false}}"
	    "]}}],\"containers\":[{" CONTAINER_JSON "}],"
	    "\"ephemeralContainers\":[{" CONTAINER_JSON ","
	    "\"targetContainerName\":\"c\"}],\"affinity\":{\"podAffinity\":{"
	    "\"requiredDuringSchedulingIgnoredDuringExecution\":[{"
	    "\"topologyKey\":\"zone\"}],"
	    "\"preferredDuringSchedulingIgnoredDuringExecution\":[{"
	    "\"weight\":10,\"podAffinityTerm\":{\"topologyKey\":\"rack\"}}]},"
	    "\"podAntiAffinity\":{"
	    "\"requiredDuringSchedulingIgnoredDuringExecution\":[{"
	    "\"topologyKey\":\"host\"}],"
	    "\"preferredDuringSchedulingIgnoredDuringExecution\":[{"
	    "\"weight\":20,\"podAffinityTerm\":{\"topologyKey\":\"node\"}}]}}},"
	    "\"status\":{}}");
}
#undef CONTAINER_PB
#undef CONTAINER_JSON

TEST(test_kube_protobuf__envelope_errors)
{
	cf_buf raw = CF_BUF_INIT, body = CF_BUF_INIT, json = CF_BUF_INIT;
	cf_arena a = CF_ARENA_INIT;
	cf_node *obj;

	CHECK_INT(cf_protobuf_decode(&obj, &a, "k8s", 3), CF_EINVALID);
	CHECK_INT(cf_protobuf_decode(&obj, &a, "{\"kind\":1}", 10), CF_EINVALID);
	envelope(&body, "v1", "Pod", &raw, "gzip");
	CHECK_INT(decode_to_json(&json, &body), CF_EINVALID);
	cf_buf_reset(&body);
	envelope(&body, "example.com/v1", "Widget", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_ENOTFOUND);
	CHECK(strstr(cf_error_msg(), "example.com/v1, Kind=Widget"));
	/* A group wire type (3) and a length past the end. */
	cf_buf_reset(&body);
	cf_buf_reset(&raw);
	put_varint(&raw, 1 << 3 | 3);
	envelope(&body, "v1", "Namespace", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_EINVALID);
	cf_buf_reset(&body);
	cf_buf_reset(&raw);
	put_varint(&raw, 1 << 3 | 2);
	put_varint(&raw, 1000);
	envelope(&body, "v1", "Namespace", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_EINVALID);
	/* A string where a varint belongs. */
	cf_buf_reset(&body);
	cf_buf_reset(&raw);
	put_bytes(&raw, 2, "x", 1);
	envelope(&body, "scheduling.k8s.io/v1", "PriorityClass", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_EINVALID);
	cf_buf_release(&raw);
	cf_buf_release(&body);
	cf_buf_release(&json);
	cf_arena_release(&a);
}

/* Empty sub-messages expand to their Go defaults; thousands of them in a
 * small body must hit the output budget rather than eat memory. */
TEST(test_kube_protobuf__default_expansion_is_bounded)
{
	cf_buf podspec = CF_BUF_INIT, tmpl = CF_BUF_INIT, spec = CF_BUF_INIT;
	cf_buf raw = CF_BUF_INIT, body = CF_BUF_INIT, json = CF_BUF_INIT;

	for (int i = 0; i < 20000; i++)
		put_bytes(&podspec, 2, "", 0); /* containers: {} */
	put_bytes(&tmpl, 2, podspec.buf, podspec.len);
	put_bytes(&spec, 3, tmpl.buf, tmpl.len);
	put_bytes(&raw, 2, spec.buf, spec.len);
	envelope(&body, "apps/v1", "Deployment", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), CF_ETOOLARGE);

	/* A handful is fine and prints the defaults Go would. */
	cf_buf_reset(&podspec);
	cf_buf_reset(&tmpl);
	cf_buf_reset(&spec);
	cf_buf_reset(&raw);
	cf_buf_reset(&body);
	put_bytes(&podspec, 2, "", 0);
	put_bytes(&tmpl, 2, podspec.buf, podspec.len);
	put_bytes(&spec, 3, tmpl.buf, tmpl.len);
	put_bytes(&raw, 2, spec.buf, spec.len);
	envelope(&body, "apps/v1", "Deployment", &raw, NULL);
	CHECK_INT(decode_to_json(&json, &body), 0);
	CHECK(strstr(json.buf, "\"containers\":[{\"name\":\"\",\"resources\":{}}]"));
	CHECK(strstr(json.buf, "\"selector\":null"));
	cf_buf_release(&podspec);
	cf_buf_release(&tmpl);
	cf_buf_release(&spec);
	cf_buf_release(&raw);
	cf_buf_release(&body);
	cf_buf_release(&json);
}

TEST(test_kube_protobuf__media_type)
{
	CHECK(cf_protobuf_is_media_type("application/vnd.kubernetes.protobuf"));
	CHECK(cf_protobuf_is_media_type(
	    "Application/VND.kubernetes.protobuf; charset=utf-8"));
	CHECK(cf_protobuf_is_media_type(
	    "application/vnd.kubernetes.protobuf;stream=watch"));
	CHECK(!cf_protobuf_is_media_type("application/json"));
	CHECK(!cf_protobuf_is_media_type("application/vnd.kubernetes.protobufx"));
	CHECK(!cf_protobuf_is_media_type(NULL));
	CHECK(cf_protobuf_supports("authorization.k8s.io/v1",
	    "SelfSubjectAccessReview"));
	CHECK(cf_protobuf_supports("apps/v1", "Deployment"));
	CHECK(!cf_protobuf_supports("apps/v1", "StatefulSet"));
}

static cf_node *decode_file(cf_arena *a, const char *name)
{
	cf_buf bin = CF_BUF_INIT;
	cf_node *obj = NULL;

	if (read_resource(&bin, name) == 0 &&
	    cf_protobuf_decode(&obj, a, bin.buf, bin.len) != 0)
		obj = NULL;
	cf_buf_release(&bin);
	return obj;
}

/* kubectl auth can-i end to end below HTTP: its protobuf reviews, decoded,
 * then evaluated against the bootstrap policy plus a "view" binding. */
TEST(test_kube_protobuf__auth_can_i_reviews)
{
	cf_arena a = CF_ARENA_INIT;
	cf_rbac *r = cf_rbac_new();
	cf_node *policy = cf_rbac_bootstrap_policy(&a), *review, *out;
	static const char *const g[] = { "system:authenticated" };
	const cf_user_info me = { "me", NULL, g, 1 };
	const cf_node *rules;

	for (size_t i = 0; i < cf_node_count(policy); i++) {
		const cf_node *o = cf_node_at(policy, i);

		CHECK_INT(cf_rbac_upsert(r, cf_rbac_kind_from_name(
		    cf_node_getp_str(o, "kind", NULL)), o), 0);
	}
	/* kubectl's own create role / create rolebinding bodies. */
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE, decode_file(&a, "role.bin")), 0);
	CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE_BINDING,
	    decode_file(&a, "rolebinding.bin")), 0);

	/* Nothing grants "me" pods/log in team-a yet; then bind "view". */
	review = decode_file(&a, "ssar_full.bin");
	CHECK(review);
	CHECK_INT(cf_rbac_review_access(&out, &a, r, review, &me, NULL), 0);
	CHECK(!cf_node_getp(out, "status", "allowed", NULL)->v.b);
	{
		cf_node *rb = cf_node_map(&a), *meta, *ref, *subs, *s;

		meta = cf_node_set_map(&a, rb, "metadata");
		cf_node_set(&a, meta, "name", cf_node_str(&a, "me-view"));
		cf_node_set(&a, meta, "namespace", cf_node_str(&a, "team-a"));
		ref = cf_node_set_map(&a, rb, "roleRef");
		cf_node_set(&a, ref, "kind", cf_node_str(&a, "ClusterRole"));
		cf_node_set(&a, ref, "name", cf_node_str(&a, "view"));
		subs = cf_node_seq(&a);
		s = cf_node_map(&a);
		cf_node_set(&a, s, "kind", cf_node_str(&a, "User"));
		cf_node_set(&a, s, "name", cf_node_str(&a, "me"));
		cf_node_push(&a, subs, s);
		cf_node_set(&a, rb, "subjects", subs);
		CHECK_INT(cf_rbac_upsert(r, CF_RBAC_ROLE_BINDING, rb), 0);
	}
	CHECK_INT(cf_rbac_review_access(&out, &a, r, review, &me, NULL), 0);
	CHECK(cf_node_getp(out, "status", "allowed", NULL)->v.b);
	CHECK_STR(cf_node_getp_str(out, "status", "reason", NULL),
	    "RBAC: allowed by RoleBinding \"me-view/team-a\" of ClusterRole "
	    "\"view\" to User \"me\"");

	/* alice (rolebinding.bin) may read pods named "a" in ns1 only, and
	 * like everyone may read /healthz. */
	{
		static const char *const ag[] = { "system:authenticated" };
		const cf_user_info alice = { "alice", NULL, ag, 1 };

		cf_authz_attrs at = { .user = &alice, .verb = "get",
			.resource_request = true, .resource = "pods",
			.namespace = "ns1", .name = "a" };

		CHECK(cf_rbac_authorize(r, &at, NULL));
		at.name = "b";
		CHECK(!cf_rbac_authorize(r, &at, NULL));
		review = decode_file(&a, "ssar_deploy_scale.bin");
		CHECK_INT(cf_rbac_review_access(&out, &a, r, review, &alice,
		    NULL), 0);
		CHECK(!cf_node_getp(out, "status", "allowed", NULL)->v.b);
		review = decode_file(&a, "ssar_nonres.bin");
		CHECK_INT(cf_rbac_review_access(&out, &a, r, review, &alice,
		    NULL), 0);
		CHECK(cf_node_getp(out, "status", "allowed", NULL)->v.b);
	}

	review = decode_file(&a, "ssrr.bin");
	CHECK(review);
	CHECK_INT(cf_rbac_review_rules(&out, &a, r, review, &me), 0);
	rules = cf_node_getp(out, "status", "resourceRules", NULL);
	/* basic-user's two rules, then view's aggregated ones. */
	CHECK(cf_node_count(rules) > 10);
	CHECK_STR(cf_node_getp_str(out, "spec", "namespace", NULL), "team-a");
	cf_rbac_free(r);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kube_protobuf__kubectl_bodies_match_json),
    T(test_kube_protobuf__truncated_bodies_fail),
    T(test_kube_protobuf__unknown_fields_time_and_negative_ints),
    T(test_kube_protobuf__fields_v1_and_time_maps),
    T(test_kube_protobuf__review_twins),
    T(test_kube_protobuf__pod_twins),
    T(test_kube_protobuf__envelope_errors),
    T(test_kube_protobuf__default_expansion_is_bounded),
    T(test_kube_protobuf__media_type),
    T(test_kube_protobuf__auth_can_i_reviews))
