/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Decoder for the protobuf request bodies kubectl 1.32 sends from its typed
 * clients (`create namespace|configmap|secret|deployment|…`, `auth can-i`,
 * `create token`): the `k8s\0` envelope holding a runtime.Unknown, then the
 * object itself. The result is the cf_node the equivalent JSON body would
 * give (Go's encoding/json rules: omitempty, null for nil pointers and
 * slices without omitempty, int-or-string, RFC 3339 times), so the API
 * server handles both content types the same way after this step.
 *
 * Decoding only: the server answers in JSON, which kubectl accepts. Every
 * length is checked against the remaining bytes, nesting and output size are
 * bounded, unknown fields are skipped.
 */
#ifndef CF_KUBE_PROTOBUF_H
#define CF_KUBE_PROTOBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/node.h"

/* The media type kubectl uses for protobuf bodies. */
#define CF_PROTOBUF_MEDIA_TYPE "application/vnd.kubernetes.protobuf"

/* Deepest message nesting accepted (PodSpec paths need about 12). */
#define CF_PROTOBUF_MAX_DEPTH 40

/* True if content_type (parameters after ';' ignored, case-insensitive)
 * is CF_PROTOBUF_MEDIA_TYPE. NULL gives false. */
bool cf_protobuf_is_media_type(const char *content_type);

/* True if apiVersion/kind has a message table here, i.e. a body of that
 * type can be decoded. */
bool cf_protobuf_supports(const char *api_version, const char *kind);

/*
 * Decode body (len bytes, starting with the 4 magic bytes `k8s\0`) into
 * *out, a map allocated in a with "kind" and "apiVersion" first, then the
 * object's fields in Go struct order. The body is not retained.
 * Returns 0; CF_EINVALID for a malformed body (bad magic, truncated or
 * overlong lengths, wrong wire types, nesting deeper than
 * CF_PROTOBUF_MAX_DEPTH, a content encoding); CF_ENOTFOUND when the kind is
 * not one this decoder knows (the server should answer 415); CF_ETOOLARGE
 * when the decoded object would be unreasonably large for the input.
 */
int cf_protobuf_decode(cf_node **out, cf_arena *a, const void *body,
    size_t len);

#endif
