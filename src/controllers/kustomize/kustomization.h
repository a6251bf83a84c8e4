/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The Kustomization reconciler (kustomize.toolkit.fluxcd.io/v1,
 * spec/flux-api.md §3): source artifact -> kustomize build -> post-build
 * substitution -> staged server-side apply -> prune -> health, with
 * Flux's status (inventory, revisions, conditions, reasons, messages).
 * It runs on the runtime manager with a cf_kzctl payload; building is
 * src/kustomize, applying src/apply, fetching fetch.c.
 */
#ifndef CF_KUSTOMIZE_CTL_KUSTOMIZATION_H
#define CF_KUSTOMIZE_CTL_KUSTOMIZATION_H

#include <stdbool.h>
#include <stdint.h>

#include "client/kubeconfig.h"
#include "runtime/manager.h"

#define CF_KUSTOMIZE_CONTROLLER "kustomize-controller"

/* An event on a Kustomization (type "Normal"/"Warning"), with the
 * revision for the event metadata (may be NULL). */
typedef void (*cf_kzctl_event_fn)(void *payload, const cf_node *obj,
    const char *type, const char *reason, const char *message,
    const char *revision);

typedef struct cf_kzctl {
	/* How to reach the API server; impersonating clients are made from
	 * it for spec.serviceAccountName. */
	const cf_rest_config *rest;
	/* When source-controller runs in this process: its storage root, so
	 * artifacts are read from disk (digest still verified) instead of
	 * over HTTP. NULL, or an artifact that is not there (a source
	 * another process reconciles): download status.artifact.url. */
	const char *local_storage;
	const char *tmp_root;            /* NULL: $TMPDIR or /tmp */
	const char *default_service_account; /* --default-service-account */
	int64_t requeue_dependency_ms;   /* 0: 30 s */
	int http_retry;                  /* --http-retry; 0: 9, < 0: none */
	bool no_cross_namespace_refs;    /* --no-cross-namespace-refs */
	int jitter_percent;              /* 0: 5; < 0: none */
	int64_t health_poll_ms;          /* 0: 2 s (tests use less) */
	cf_kzctl_event_fn event;         /* may be NULL */
	void *event_payload;
	cf_informer *self;               /* set after cf_manager_add */
} cf_kzctl;

extern const cf_controller_def cf_kustomization_controller;

#endif
