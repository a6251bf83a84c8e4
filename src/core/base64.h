/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 (RFC 4648): the standard alphabet with padding (Secret data,
 * kubeconfig certificate data) and the URL alphabet without padding (JWTs).
 */
#ifndef CF_CORE_BASE64_H
#define CF_CORE_BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Append the encoding of data to out. Returns 0 or CF_ETOOLARGE. */
int cf_base64_encode(cf_buf *out, const void *data, size_t len, bool url);

/* Append the decoded bytes to out. Accepts missing padding; rejects any
 * other character with CF_EINVALID. Returns 0, CF_EINVALID or
 * CF_ETOOLARGE. */
int cf_base64_decode(cf_buf *out, const char *text, size_t len, bool url);

#endif
