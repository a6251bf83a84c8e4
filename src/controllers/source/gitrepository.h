/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The GitRepository reconciler (source.toolkit.fluxcd.io/v1,
 * spec/flux-api.md §2.3): turns a Git ref into a deterministic tar.gz
 * artifact in storage and records it in status, with Flux's conditions,
 * reasons and messages. It runs on the runtime manager (one
 * cf_controller_def, payload cf_source_ctl); git itself is git.c, the
 * files storage.c, serving them artifact_server.c.
 */
#ifndef CF_SOURCE_GITREPOSITORY_H
#define CF_SOURCE_GITREPOSITORY_H

#include <stddef.h>
#include <stdint.h>

#include "controllers/source/storage.h"
#include "runtime/fluxobj.h"
#include "runtime/manager.h"

#define CF_SOURCE_CONTROLLER "source-controller"

/* An event on a Flux object: type "Normal"/"Warning"/"Trace" (trace is
 * only logged), reason, message, and the artifact's revision and digest
 * for the event metadata (either may be NULL). */
typedef void (*cf_source_event_fn)(void *payload, const cf_node *obj,
    const char *type, const char *reason, const char *message,
    const char *revision, const char *digest);

/* What every source reconciler shares; set up by the program, borrowed
 * by the controller for its lifetime. */
typedef struct cf_source_ctl {
	cf_storage *storage;
	char mirror_root[512];     /* bare mirrors: <root>/<ns>/<name>.git */
	char adv_addr[256];        /* --storage-adv-addr, "host:port" or URL */
	size_t retention_records;  /* 0: 2 */
	int64_t retention_ttl_s;   /* 0: 60 */
	int64_t requeue_dependency_ms; /* 0: 30 s */
	int jitter_percent;        /* --interval-jitter-percentage; <0: none */
	const char *git_path;      /* NULL: /usr/bin/git */
	struct cf_http *http;      /* pooled, for ref checks; NULL: git only */
	const char *allow_protocols; /* NULL: "https:http:ssh:file" */
	/* The GitRepository cache (cf_manager_informer), for finding the
	 * repositories that include one; NULL: none are found. */
	cf_informer *self;
	cf_source_event_fn event;  /* may be NULL: events are only logged */
	void *event_payload;
} cf_source_ctl;

extern const cf_controller_def cf_gitrepository_controller;

#endif
