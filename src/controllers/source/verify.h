/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signatures of git commits and annotated tags (GitRepository spec.verify).
 * Splits a raw object, as `git cat-file` prints it, into the signed payload
 * and the armored signature, and checks that signature against the public
 * keys of one Secret and nothing else: OpenPGP with gpgv and a keyring
 * built from the armored keys, SSH with `ssh-keygen -Y verify` (namespace
 * "git") and an allowed-signers file built from authorized_keys lines.
 * The tools run from an argument vector with an empty environment inside a
 * private 0700 directory that is removed on every path. It neither reads
 * objects from git (git.h) nor Secrets from the API server (the caller).
 */
#ifndef CF_SOURCE_VERIFY_H
#define CF_SOURCE_VERIFY_H

#include <stddef.h>

#include "core/buf.h"

enum cf_verify_kind { CF_VERIFY_COMMIT, CF_VERIFY_TAG };

/* One entry of the Secret's data, decoded; borrowed for the call. A name
 * ending ".sshpub" holds authorized_keys lines, any other name (".asc" by
 * convention) armored OpenPGP public keys. */
typedef struct cf_verify_key {
	const char *name;
	const char *data;
	size_t len;
} cf_verify_key;

typedef struct cf_verify_opts {
	const char *gpgv_path;       /* NULL: /usr/bin/gpgv */
	const char *ssh_keygen_path; /* NULL: /usr/bin/ssh-keygen */
	int timeout_ms;              /* per tool run; 0: 30 s */
} cf_verify_opts;

/* Append the signed payload of raw (len bytes) to payload and its armored
 * signature to sig (nothing when the object is not signed). Commits carry
 * the signature in the "gpgsig" header, tags after the message. */
void cf_verify_split(cf_buf *payload, cf_buf *sig, const char *raw,
    size_t len, enum cf_verify_kind kind);

/* The signature's type in Flux's words: "openpgp", "ssh", "x509",
 * "empty" or "unknown". */
const char *cf_verify_sig_type(const char *sig);

/* Verify the signature of the raw object against keys. On success returns
 * 0 and writes to signer (n bytes) the OpenPGP primary key ID (16
 * upper-case hex digits) or the SSH key's "SHA256:<base64>" fingerprint.
 * Errors, with Flux's message set:
 *   CF_ENOTFOUND   the object is not signed;
 *   CF_EINVALID    unsupported signature type, no key of the signature's
 *                  type, or keys that cannot be parsed;
 *   CF_EFORBIDDEN  no key verifies the signature;
 *   CF_ETIMEOUT, CF_ERROR  gpgv or ssh-keygen could not be run. */
int cf_verify_object(char *signer, size_t n, const char *raw, size_t len,
    enum cf_verify_kind kind, const cf_verify_key *keys, size_t nkeys,
    const cf_verify_opts *opts);

#endif
