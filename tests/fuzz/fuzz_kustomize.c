/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for kustomize build: the input is split on lines
 * holding only "===" into kustomization.yaml, a.yaml and b.yaml of a
 * scratch directory, which is then built. Besides crashes, leaks and
 * undefined behaviour it checks that a successful build can be printed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/fs.h"
#include "kustomize/kustomize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static const char *const names[] = { "kustomization.yaml", "a.yaml", "b.yaml" };

static void write_part(size_t i, const char *s, size_t n)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
	if (cf_fs_write_atomic(path, s, n, 0600) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result res;
	const char *p = (const char *)data, *end = p + size;
	size_t part = 0;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/cf-fuzz-kz.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	for (size_t i = 0; i < 3; i++)
		write_part(i, "", 0);
	while (part < 3) {
		const char *sep = NULL;
		for (const char *s = p; s + 5 <= end; s++)
			if ((s == p || s[-1] == '\n') && !memcmp(s, "===\n", 4)) {
				sep = s;
				break;
			}
		write_part(part++, p, (size_t)((sep ? sep : end) - p));
		if (!sep)
			break;
		p = sep + 4;
	}
	if (cf_kustomize_build(&res, &a, dir, &(cf_kustomize_opts){ 0 }) == 0) {
		cf_buf out = CF_BUF_INIT;
		if (cf_kustomize_write(&out, &res) < 0)
			abort();
		cf_buf_release(&out);
	}
	cf_arena_release(&a);
	return 0;
}
