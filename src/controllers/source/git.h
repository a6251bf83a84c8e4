/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Git transport: the only module that runs git. It execs the git CLI with
 * an argument vector (never a shell) in a locked-down environment (no
 * system or user configuration, no prompts, a protocol allowlist), keeps
 * credentials out of argv and logs, maintains one bare mirror per source so
 * a new commit fetches only new objects, resolves refs (branch, tag, semver
 * range, full name, commit) and exports a commit's tree to a directory.
 * It does not pack artifacts (storage.c) nor read Kubernetes Secrets.
 * Callers serialise operations on one mirror directory.
 */
#ifndef CF_SOURCE_GIT_H
#define CF_SOURCE_GIT_H

#include <stddef.h>

struct cf_buf;

/* Credentials; every field optional, borrowed for the call. */
typedef struct cf_git_auth {
	const char *username, *password; /* HTTP basic */
	const char *bearer_token;        /* HTTP bearer */
	const char *identity;            /* SSH private key (PEM/OpenSSH) */
	const char *known_hosts;         /* SSH known_hosts lines */
	/* HTTPS: CA bundle trusted besides the system's, and a client
	 * certificate with its key (mTLS); PEM, both or neither. */
	const char *ca_pem, *cert_pem, *key_pem;
} cf_git_auth;

typedef struct cf_git_opts {
	const cf_git_auth *auth;
	int timeout_ms;              /* 0: 60 s (Flux's default) */
	const char *allow_protocols; /* NULL: "https:http:ssh:file" */
	size_t max_output;           /* 0: 16 MiB of stdout per command */
	const char *git_path;        /* NULL: /usr/bin/git */
	/* A pooled HTTP session: cf_git_ls_remote then reads a smart-HTTP
	 * server's refs (and a file:// repository's branches) without
	 * starting git. NULL: always git. */
	struct cf_http *http;
	/* A persistent index for cf_git_update_tree (owned by the caller;
	 * NULL: a throw-away one per command). */
	const char *index_file;
	int recurse_submodules;      /* fetch/export submodules (Flux's
	                              * recurseSubmodules) */
	/* Proxy for http(s) remotes (Flux's proxySecretRef): an http://,
	 * https:// or socks5:// URL, with optional credentials that are sent
	 * to the proxy only. Unset: the process environment's http_proxy,
	 * https_proxy, all_proxy and no_proxy (either case) apply, with
	 * loopback never proxied, as in Flux. ssh:// remotes cannot use a
	 * proxy (CF_EINVALID). */
	const char *proxy, *proxy_username, *proxy_password;
	/* The commit cf_git_ls_remote just found for a branch ref: then
	 * cf_git_fetch asks for that object, skipping the ref listing (one
	 * round trip), and falls back to the ref if the server refuses it.
	 * NULL: fetch the ref. */
	const char *tip;
} cf_git_opts;

/* The GitRepository ref; precedence commit > name > semver > tag > branch,
 * an empty ref means branch "master". commit + branch fetches the branch. */
typedef struct cf_git_ref {
	const char *branch, *tag, *semver, *name, *commit;
} cf_git_ref;

typedef struct cf_git_resolved {
	char commit[41];    /* 40 hex */
	char refname[256];  /* full ref fetched, "" for a bare commit */
	char revision[320]; /* Flux revision: "main@sha1:<hex>", "sha1:<hex>" */
} cf_git_resolved;

/* Ask the remote which commit ref points at, without fetching objects
 * (Flux's "no re-fetch while the remote revision is unchanged"). A bare
 * commit ref resolves locally. CF_ENOTFOUND when the ref does not exist,
 * CF_EFORBIDDEN for authentication/host key failures, CF_ETIMEOUT. */
int cf_git_ls_remote(cf_git_resolved *out, const char *url,
    const cf_git_ref *ref, const cf_git_opts *opts);

/* Create the bare mirror at dir if needed and fetch ref from url into it:
 * depth 1 for branches and tags (later fetches send only new objects), the
 * full branch when a commit is pinned on it. Moving refs are forced.
 * Fills *out with the commit checked out. Errors as cf_git_ls_remote.
 * With recurse_submodules, also fetches every submodule of that commit
 * (recursively, at the commits it records) into mirrors inside this one;
 * relative URLs resolve against url. Credentials are sent only to url's
 * own server (scheme, host, port), and file:// submodules are refused
 * unless url is file://. */
int cf_git_fetch(cf_git_resolved *out, const char *mirror, const char *url,
    const cf_git_ref *ref, const cf_git_opts *opts);

/* Write the tree of commit (in mirror) into dest (created if missing),
 * limited to the sparse directories when sparse is non-NULL (n entries,
 * each must exist: CF_ENOTFOUND). No .git is written into dest. With
 * recurse_submodules, submodules fetched by cf_git_fetch are written into
 * their directories too (CF_ENOTFOUND if one was not fetched). */
int cf_git_export(const char *mirror, const char *commit, const char *dest,
    const char *const *sparse, size_t nsparse, const cf_git_opts *opts);

/* Bring dest, a work tree kept between calls with opts->index_file as
 * its index, to commit: only changed files are written and files the
 * commit no longer has are removed, so a one-file commit costs one file,
 * not the whole tree. The commit dest holds is recorded in
 * "<index_file>.head"; from a recorded commit the update applies
 * `git diff-tree` of the two (no index read or written), and anything
 * unusual (symlinks, submodules, a large change, a tree not as recorded)
 * rewrites the whole tree with git read-tree. dest is created if
 * missing. No submodules, no sparse paths (use cf_git_export). On error
 * the caller should remove dest, the index and the record and start
 * over. */
int cf_git_update_tree(const char *mirror, const char *commit,
    const char *dest, const cf_git_opts *opts);

/* Append the raw body of the object rev peels to (type "commit" or "tag")
 * in mirror to out, as `git cat-file <type>` prints it, and its id to oid.
 * rev is a 40-hex id or a full ref name. Capped at 4 MiB (CF_ETOOLARGE).
 * CF_ENOTFOUND when there is no such object, e.g. "tag" for a
 * lightweight tag; CF_EINVALID for a bad rev or type. */
int cf_git_cat_object(struct cf_buf *out, char oid[41], const char *mirror,
    const char *rev, const char *type, const cf_git_opts *opts);

/* Copy url to out without userinfo, query or fragment, for logs and
 * messages; truncated to n. Returns out. */
char *cf_git_redact_url(char *out, size_t n, const char *url);

/* Revision string for a fetched ref: short name (refs/heads/ and refs/tags/
 * stripped; full name kept when full is set) + "@sha1:" + commit. */
void cf_git_revision(char *out, size_t n, const char *refname,
    const char *commit, int full);

/* Semantic versions (Masterminds/semver ranges, as Flux uses): 1 if
 * version satisfies range, 0 if not, CF_EINVALID if range does not parse.
 * Supports =, !=, >, >=, <, <=, ~, ~>, ^, x, X and * wildcards, "a - b" hyphen
 * ranges, ',' or ' ' for AND and '||' for OR; a version with a pre-release
 * matches only a comparator group that names a pre-release. */
int cf_git_semver_match(const char *range, const char *version);
/* Compare two versions (semver 2.0 precedence): <0, 0, >0; CF_EINVALID
 * is not reported, unparsable versions sort first. */
int cf_git_semver_cmp(const char *a, const char *b);

#endif
