/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for artifact unpacking. Each input is unpacked into a
 * fresh directory under a private scratch root, with small caps. Besides
 * "no crash, no leak, no undefined behaviour" it checks the safety
 * property: whatever the archive says, nothing appears in the scratch
 * root outside the target directory, and no symlink appears inside it.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "controllers/kustomize/fetch.h"
#include "core/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256];

static void remove_root(void)
{
	rmdir(root);
}

/* Fail on any symlink below dir (entries are few: the caps are small). */
static void no_links(const char *dir, int depth)
{
	char p[4096];
	struct dirent *d;
	struct stat st;
	DIR *dp;

	if (depth > CF_FETCH_MAX_DEPTH + 1 || !(dp = opendir(dir)))
		return;
	while ((d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if (lstat(p, &st) < 0 || S_ISLNK(st.st_mode))
			abort();
		if (S_ISDIR(st.st_mode))
			no_links(p, depth + 1);
	}
	closedir(dp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cf_fetch_opts o = { .max_untar = 1 << 20, .max_entries = 64 };
	char out[300];
	struct dirent *d;
	DIR *dp;

	if (!root[0]) {
		snprintf(root, sizeof(root), "%s/cflux-fuzz-untar.XXXXXX",
		    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(root))
			abort();
		atexit(remove_root);
	}
	snprintf(out, sizeof(out), "%s/out", root);
	cf_fetch_untar_mem(data, size, out, &o);
	no_links(out, 0);
	/* The only entry the scratch root may hold is the target. */
	if (!(dp = opendir(root)))
		abort();
	while ((d = readdir(dp)))
		if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..") &&
		    strcmp(d->d_name, "out"))
			abort();
	closedir(dp);
	if (cf_fs_remove_tree(out) < 0)
		abort();
	return 0;
}
