/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for kubectl's protobuf bodies. Inputs without the k8s
 * envelope get one, and the typeMeta is taken from the first input byte,
 * so the fuzzer reaches every message table rather than only the
 * envelope parser. Seeds: the .bin files in tests/resources/protobuf.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "kube/protobuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[][2] = {
	{ "authorization.k8s.io/v1", "SelfSubjectAccessReview" },
	{ "authorization.k8s.io/v1", "SubjectAccessReview" },
	{ "authentication.k8s.io/v1", "TokenRequest" },
	{ "v1", "Secret" },
	{ "v1", "Service" },
	{ "v1", "Pod" },
	{ "apps/v1", "Deployment" },
	{ "batch/v1", "CronJob" },
	{ "rbac.authorization.k8s.io/v1", "ClusterRole" },
	{ "networking.k8s.io/v1", "Ingress" },
	{ "policy/v1", "PodDisruptionBudget" },
};

static void put_len(cf_buf *b, unsigned num, size_t n)
{
	cf_buf_addch(b, (char)(num << 3 | 2));
	while (n >= 0x80) {
		cf_buf_addch(b, (char)(n | 0x80));
		n >>= 7;
	}
	cf_buf_addch(b, (char)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_buf body = CF_BUF_INIT, tm = CF_BUF_INIT;
	cf_node *obj;

	if (size > 1 << 20)
		return 0;
	/* As given: the envelope parser itself. */
	cf_protobuf_decode(&obj, &a, data, size);
	cf_arena_release(&a);

	/* Wrapped: the object decoder for a kind chosen by the first byte. */
	if (size > 0) {
		const char *const *k = kinds[data[0] % (sizeof(kinds) /
		    sizeof(kinds[0]))];

		put_len(&tm, 1, strlen(k[0]));
		cf_buf_adds(&tm, k[0]);
		put_len(&tm, 2, strlen(k[1]));
		cf_buf_adds(&tm, k[1]);
		cf_buf_add(&body, "k8s\0", 4);
		put_len(&body, 1, tm.len);
		cf_buf_add(&body, tm.buf, tm.len);
		put_len(&body, 2, size - 1);
		cf_buf_add(&body, data + 1, size - 1);
		cf_protobuf_decode(&obj, &a, body.buf, body.len);
		cf_arena_release(&a);
	}
	cf_buf_release(&body);
	cf_buf_release(&tm);
	return 0;
}
