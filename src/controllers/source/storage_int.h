/* SPDX-License-Identifier: Apache-2.0 */
/* What storage.c and pack.c share; not for other modules. */
#ifndef CF_SOURCE_STORAGE_INT_H
#define CF_SOURCE_STORAGE_INT_H

#include <openssl/evp.h>

/* Temp files in object directories start with this; never served. */
#define CF_STORAGE_TMP_PREFIX ".tmp-"

/* Lexical check of a relative artifact path: 1 when it has no leading
 * '/', no "." or ".." segment and no backslash. */
int cf_storage__check_rel(const char *rel);

/* Finish md into "sha256:<64 hex>". */
void cf_storage__hex_digest(char out[80], EVP_MD_CTX *md);

#endif
