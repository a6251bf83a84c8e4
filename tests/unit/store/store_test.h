/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the store's unit tests: fresh db paths in the test's
 * temporary directory and a few one-line wrappers.
 */
#ifndef CF_TEST_STORE_H
#define CF_TEST_STORE_H

#include "test.h"
#include "store/store.h"

#include <stdio.h>

/* A path no earlier call returned, in this binary's temporary dir. */
static inline const char *st_path(void)
{
	static char path[512];
	static int n;

	snprintf(path, sizeof(path), "%s/store%d.db", cf_test_tmpdir(), ++n);
	return path;
}

static inline int st_put(cf_store *s, const char *res, const char *ns,
    const char *name, const char *value)
{
	return cf_store_create(s, NULL, res, ns, name, value, strlen(value));
}

#endif
