/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The build library on small trees written to a temporary directory:
 * errors (codes and messages naming file and field), the restrictor,
 * cycles, warnings and refusal of hostile YAML.
 */
#include "test.h"
#include "core/buf.h"
#include "core/error.h"
#include "kustomize/kustomize.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *path(const char *rel)
{
	static char buf[4][1024];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", cf_test_tmpdir(), rel);
	return buf[i];
}

static void put(const char *rel, const char *text)
{
	char dir[1024];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path(rel));
	for (char *p = dir + strlen(cf_test_tmpdir()) + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(dir, 0755);
			*p = '/';
		}
	f = fopen(path(rel), "w");
	fputs(text, f);
	fclose(f);
}

static const char *const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";

static int build(cf_kustomize_result *r, cf_arena *a, const char *dir,
    enum cf_kustomize_restrictor rs)
{
	cf_kustomize_opts o = { .restrictor = rs };

	return cf_kustomize_build(r, a, path(dir), &o);
}

TEST(test_kustomize_build__prefix_hash_and_reference)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;
	cf_buf out = CF_BUF_INIT;

	put("ok/kustomization.yaml", "namePrefix: p-\nresources: [pod.yaml]\n"
	    "configMapGenerator:\n- name: g\n  literals: [a=b]\n");
	put("ok/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod\n"
	    "spec:\n  containers:\n  - name: c\n    envFrom:\n"
	    "    - configMapRef: {name: g}\n");
	CHECK_INT(build(&r, &a, "ok", CF_KUSTOMIZE_ROOT_ONLY), 0);
	CHECK_INT(r.nobjs, 2);
	CHECK_INT(r.nwarnings, 0);
	/* Legacy order puts the ConfigMap first. */
	const char *gname = cf_node_getp_str(r.objs[0], "metadata", "name", NULL);
	CHECK(gname && !strncmp(gname, "p-g-", 4) && strlen(gname) == 14);
	cf_node *ref = cf_node_getp(r.objs[1], "spec", "containers", NULL);
	CHECK_STR(cf_node_getp_str(cf_node_at(cf_node_get(cf_node_at(ref, 0),
	    "envFrom"), 0), "configMapRef", "name", NULL), gname);
	CHECK_INT(cf_kustomize_write(&out, &r), 0);
	CHECK(strstr(out.buf, "\n---\n") != NULL);
	cf_buf_release(&out);
	cf_arena_release(&a);
}

TEST(test_kustomize_build__unknown_field_names_file_and_field)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;

	put("bad/kustomization.yaml", "resource:\n- cm.yaml\n");
	CHECK_INT(build(&r, &a, "bad", CF_KUSTOMIZE_ROOT_ONLY), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "bad/kustomization.yaml") != NULL);
	CHECK(strstr(cf_error_msg(), "unknown field \"resource\"") != NULL);

	put("badgen/kustomization.yaml",
	    "configMapGenerator:\n- name: g\n  literal: [a=b]\n");
	CHECK_INT(build(&r, &a, "badgen", CF_KUSTOMIZE_ROOT_ONLY), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "unknown field \"literal\"") != NULL);
	cf_arena_release(&a);
}

TEST(test_kustomize_build__restrictor_refuses_outside_files)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;

	put("outside.yaml", CM);
	put("root/kustomization.yaml", "resources: [../outside.yaml]\n");
	CHECK_INT(build(&r, &a, "root", CF_KUSTOMIZE_ROOT_ONLY), CF_EFORBIDDEN);
	CHECK(strstr(cf_error_msg(), "is not in or below") != NULL);
	CHECK_INT(build(&r, &a, "root", CF_KUSTOMIZE_NONE), 0);
	CHECK_INT(r.nobjs, 1);

	/* A symlink is resolved before the check. */
	put("link/kustomization.yaml", "resources: [l.yaml]\n");
	CHECK_INT(symlink(path("outside.yaml"), path("link/l.yaml")), 0);
	CHECK_INT(build(&r, &a, "link", CF_KUSTOMIZE_ROOT_ONLY), CF_EFORBIDDEN);
	cf_arena_release(&a);
}

TEST(test_kustomize_build__cycle_reported)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;

	put("cyc/kustomization.yaml", "resources: [sub]\n");
	put("cyc/sub/kustomization.yaml", "resources: [..]\n");
	CHECK(build(&r, &a, "cyc", CF_KUSTOMIZE_ROOT_ONLY) < 0);
	CHECK(strstr(cf_error_msg(), "cycle detected") != NULL);
	cf_arena_release(&a);
}

TEST(test_kustomize_build__deprecation_warnings_returned)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;

	put("dep/kustomization.yaml", "commonLabels: {a: b}\nresources: [cm.yaml]\n");
	put("dep/cm.yaml", CM);
	CHECK_INT(build(&r, &a, "dep", CF_KUSTOMIZE_ROOT_ONLY), 0);
	CHECK_INT(r.nwarnings, 1);
	CHECK(strstr(r.warnings[0], "'commonLabels' is deprecated") != NULL);
	CHECK_STR(cf_node_getp_str(r.objs[0], "metadata", "labels", "a", NULL), "b");
	cf_arena_release(&a);
}

TEST(test_kustomize_build__alias_bomb_refused_quickly)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;
	cf_buf b = CF_BUF_INIT;
	struct timespec t0, t1;

	cf_buf_adds(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
	    "l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
	for (int i = 1; i < 10; i++) {
		cf_buf_addf(&b, "l%d: &l%d [", i, i);
		for (int j = 0; j < 10; j++)
			cf_buf_addf(&b, "%s*l%d", j ? ", " : "", i - 1);
		cf_buf_adds(&b, "]\n");
	}
	put("bomb/kustomization.yaml", "resources: [b.yaml]\n");
	put("bomb/b.yaml", b.buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(build(&r, &a, "bomb", CF_KUSTOMIZE_ROOT_ONLY) < 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK((t1.tv_sec - t0.tv_sec) < 2);
	CHECK(strstr(cf_error_msg(), "b.yaml") != NULL);
	cf_buf_release(&b);
	cf_arena_release(&a);
}

TEST(test_kustomize_build__missing_dir_and_duplicates)
{
	cf_arena a = CF_ARENA_INIT;
	cf_kustomize_result r;

	CHECK_INT(build(&r, &a, "does-not-exist", CF_KUSTOMIZE_ROOT_ONLY), CF_ENOTFOUND);
	put("dup/kustomization.yaml", "resources: [a.yaml, b.yaml]\n");
	put("dup/a.yaml", CM);
	put("dup/b.yaml", CM);
	CHECK_INT(build(&r, &a, "dup", CF_KUSTOMIZE_ROOT_ONLY), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "already registered id") != NULL);
	cf_arena_release(&a);
}

TEST_MAIN(T(test_kustomize_build__prefix_hash_and_reference),
    T(test_kustomize_build__unknown_field_names_file_and_field),
    T(test_kustomize_build__restrictor_refuses_outside_files),
    T(test_kustomize_build__cycle_reported),
    T(test_kustomize_build__deprecation_warnings_returned),
    T(test_kustomize_build__alias_bomb_refused_quickly),
    T(test_kustomize_build__missing_dir_and_duplicates))
