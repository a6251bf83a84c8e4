/* SPDX-License-Identifier: Apache-2.0 */
#include "daemon/controllers.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "client/kubeconfig.h"
#include "controllers/kustomize/kustomization.h"
#include "controllers/source/artifact_server.h"
#include "controllers/source/gitrepository.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/error.h"
#include "core/http.h"
#include "core/log.h"
#include "runtime/events.h"
#include "runtime/leader.h"
#include "runtime/manager.h"
#include "runtime/probes.h"

struct cf_controllers {
	cf_controllers_opts o;
	char *strs[11];
	pthread_t thread;
	atomic_int stop;
	cf_arena cfg_arena;
	cf_client *client;
	cf_manager *mgr;
	cf_source_ctl source;
	cf_kzctl kustomize;
	cf_rest_config *rest;
	cf_recorder *source_events, *kustomize_events;
	cf_artifact_server *artifacts;
	cf_probes *metrics, *health;
	cf_leader *leader;
	atomic_int ready;
};

/* ---- events: the reconcilers' callbacks into the recorders ---- */

static enum cf_event_type event_type(const char *type)
{
	return !strcmp(type, "Warning") ? CF_EVENT_WARNING :
	    !strcmp(type, "Trace") ? CF_EVENT_TRACE : CF_EVENT_NORMAL;
}

static void source_event(void *payload, const cf_node *obj, const char *type,
    const char *reason, const char *msg, const char *revision,
    const char *digest)
{
	const char *ann[] = { "source.toolkit.fluxcd.io/revision", revision,
		"source.toolkit.fluxcd.io/digest", digest, NULL };
	cf_event_ref ref;

	if (!revision) /* no metadata without an artifact */
		ann[0] = NULL;
	else if (!digest)
		ann[2] = NULL;
	cf_event_ref_of(&ref, obj);
	cf_event_recordf(payload, &ref, event_type(type), reason, ann, "%s",
	    msg);
}

static void kustomize_event(void *payload, const cf_node *obj,
    const char *type, const char *reason, const char *msg,
    const char *revision)
{
	const char *ann[] = { "kustomize.toolkit.fluxcd.io/revision", revision,
		NULL };
	cf_event_ref ref;

	if (!revision)
		ann[0] = NULL;
	cf_event_ref_of(&ref, obj);
	cf_event_recordf(payload, &ref, event_type(type), reason, ann, "%s",
	    msg);
}

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 },
	    NULL);
}

static int connect_client(cf_controllers *cs)
{
	if (!cs->o.kubeconfig) {
		if (cf_rest_config_in_cluster(&cs->rest, &cs->cfg_arena,
		    NULL) < 0)
			return cf_error_wrap("in-cluster configuration");
	} else if (cf_kubeconfig_load(&cs->rest, &cs->cfg_arena,
	    cs->o.kubeconfig, NULL) < 0) {
		return cf_error_wrap("reading '%s'", cs->o.kubeconfig);
	}
	/* Flux's 50/300 client limit is switched off against servers with
	 * API Priority and Fairness, which every supported Kubernetes has;
	 * cfluxd's own server does not need it either. */
	return cf_client_new(&cs->client, cs->rest, &(cf_client_opts){
	    .qps = cs->o.qps > 0 ? cs->o.qps : -1, .burst = cs->o.burst });
}

static int setup_source(cf_controllers *cs)
{
	cf_source_ctl *sc = &cs->source;
	char path[600], abs[PATH_MAX];

	if (cs->o.storage_path)
		snprintf(path, sizeof(path), "%s", cs->o.storage_path);
	else
		snprintf(path, sizeof(path), "%s/storage", cs->o.data_dir);
	if (cf_storage_open(&sc->storage, path) < 0)
		return cf_error_wrap("opening artifact storage");
	sc->retention_records = (size_t)(cs->o.retention_records > 0 ?
	    cs->o.retention_records : 0);
	sc->retention_ttl_s = cs->o.retention_ttl_s;
	/* git runs in other directories: the mirrors need an absolute path. */
	if (!realpath(cs->o.data_dir, abs))
		return cf_error_os("resolving '%s'", cs->o.data_dir);
	if ((size_t)snprintf(sc->mirror_root, sizeof(sc->mirror_root),
	    "%s/git", abs) >= sizeof(sc->mirror_root))
		return cf_error_set(CF_ERR_INVALID, "data dir path '%s' is too "
		    "long", abs);
	/* One pooled session for every GitRepository's "has it moved?". */
	if (cf_http_new(&sc->http, &(cf_http_opts){ .timeout_ms = 60000 }) < 0)
		return CF_ERROR;
	cs->artifacts = cf_artifact_server_new(sc->storage,
	    &(cf_artifact_server_opts){ .listen = cs->o.storage_addr });
	if (cf_recorder_new(&cs->source_events, cs->client,
	    &(cf_recorder_opts){ .component = CF_SOURCE_CONTROLLER }) < 0)
		return CF_ERROR;
	sc->event = source_event;
	sc->event_payload = cs->source_events;
	return 0;
}

/* Serve artifacts and advertise the address they are served on (the
 * bound port when --storage-addr asked for port 0). */
static int start_artifacts(cf_controllers *cs)
{
	cf_source_ctl *sc = &cs->source;
	char bound[300];
	const char *colon;

	if (cf_artifact_server_start(cs->artifacts) < 0)
		return cf_error_wrap("artifact server on '%s'",
		    cs->o.storage_addr);
	colon = strrchr(cs->o.storage_addr, ':');
	snprintf(bound, sizeof(bound), "%.*s:%d", colon ?
	    (int)(colon - cs->o.storage_addr) : 0, cs->o.storage_addr,
	    cf_artifact_server_port(cs->artifacts));
	return cf_artifact_adv_addr(sc->adv_addr, sizeof(sc->adv_addr), bound,
	    cs->o.storage_adv_addr);
}

static bool is_ready(void *p)
{
	return atomic_load(&((cf_controllers *)p)->ready);
}

static int start_probes(cf_controllers *cs)
{
	if (cs->o.metrics_addr && cf_probes_start(&cs->metrics,
	    &(cf_probes_opts){ .listen = cs->o.metrics_addr,
	    .ready = is_ready, .payload = cs }) < 0)
		return cf_error_wrap("--metrics-addr '%s'", cs->o.metrics_addr);
	if (cs->o.health_addr && cf_probes_start(&cs->health,
	    &(cf_probes_opts){ .listen = cs->o.health_addr,
	    .ready = is_ready, .payload = cs }) < 0)
		return cf_error_wrap("--health-addr '%s'", cs->o.health_addr);
	return 0;
}

static int build(cf_controllers *cs)
{
	if (connect_client(cs) < 0 || setup_source(cs) < 0)
		return CF_ERROR;
	cs->mgr = cf_manager_new(cs->client, &(cf_manager_opts){
	    .concurrent = cs->o.concurrent ? cs->o.concurrent : 4,
	    .watch_label_selector = cs->o.watch_label_selector,
	    .watch_namespace = cs->o.watch_namespace,
	    .sync_timeout_ms = 5000 });
	cf_manager_add(cs->mgr, &cf_gitrepository_controller, &cs->source);
	cs->source.self = cf_manager_informer(cs->mgr,
	    &cf_gitrepository_controller);
	if (cf_recorder_new(&cs->kustomize_events, cs->client,
	    &(cf_recorder_opts){ .component = CF_KUSTOMIZE_CONTROLLER }) < 0)
		return CF_ERROR;
	cs->kustomize.event = kustomize_event;
	cs->kustomize.event_payload = cs->kustomize_events;
	cs->kustomize.rest = cs->rest;
	cs->kustomize.default_service_account =
	    cs->o.default_service_account;
	cs->kustomize.http_retry = cs->o.http_retry;
	cs->kustomize.requeue_dependency_ms = cs->o.requeue_dependency_ms;
	cs->kustomize.no_cross_namespace_refs = cs->o.no_cross_namespace_refs;
	cs->source.requeue_dependency_ms = cs->o.requeue_dependency_ms;
	cs->kustomize.local_storage = cf_storage_root(cs->source.storage);
	cf_manager_add(cs->mgr, &cf_kustomization_controller, &cs->kustomize);
	cs->kustomize.self = cf_manager_informer(cs->mgr,
	    &cf_kustomization_controller);
	return 0;
}

/* ---- leader election ---- */

static void lost_lease(void *p)
{
	cf_controllers *cs = p;

	if (atomic_load(&cs->stop))
		return;
	/* Another process may already be reconciling: stop at once, as
	 * Flux's controllers exit when leadership is lost. */
	cf_log_error("leader election lost");
	_exit(1);
}

/* Without --enable-leader-election this process always leads. */
static int wait_for_lease(cf_controllers *cs)
{
	char name[128];

	if (!cs->o.leader_election)
		return 0;
	if (cf_leader_lease_name(name, sizeof(name), "cflux-controllers",
	    cs->o.watch_label_selector) < 0 ||
	    cf_leader_new(&cs->leader, cs->client, &(cf_leader_opts){
	    .ns = cs->o.runtime_namespace ? cs->o.runtime_namespace :
	    "flux-system", .name = name, .on_stopped = lost_lease,
	    .payload = cs }) < 0 || cf_leader_start(cs->leader) < 0)
		return CF_ERROR;
	cf_log_info("waiting for the Lease '%s'", name);
	while (!atomic_load(&cs->stop) && !cf_leader_is_leading(cs->leader))
		cf_leader_wait(cs->leader, 1000);
	if (atomic_load(&cs->stop))
		return cf_error_set(CF_ERR_OS, "stopped before leading");
	cf_log_info("leading with identity '%s'",
	    cf_leader_identity(cs->leader));
	return 0;
}

/* Build, then start until the API server answers (it may still be
 * coming up on the main thread). */
static void *run(void *p)
{
	cf_controllers *cs = p;
	int err;

	if ((err = build(cs)) < 0 || (err = start_probes(cs)) < 0 ||
	    (err = wait_for_lease(cs)) < 0 || (err = start_artifacts(cs)) < 0) {
		cf_log_error("controllers not started: %s", cf_error_msg());
		if (cs->o.exit_on_failure)
			_exit(1);
		return NULL;
	}
	while (!atomic_load(&cs->stop)) {
		if ((err = cf_manager_start(cs->mgr)) == 0)
			break;
		cf_log_error("controllers: %s; retrying", cf_error_msg());
		sleep_ms(1000);
	}
	if (!atomic_load(&cs->stop)) {
		atomic_store(&cs->ready, 1);
		cf_log_info("controllers started: source-controller "
		    "(GitRepository), kustomize-controller (Kustomization)");
	}
	return NULL;
}

static char *keep(cf_controllers *cs, int i, const char *s)
{
	return s ? (cs->strs[i] = cf_xstrdup(s)) : NULL;
}

int cf_controllers_start(cf_controllers **out, const cf_controllers_opts *o)
{
	cf_controllers *cs = cf_xcalloc(1, sizeof(*cs));

	cs->o = *o;
	cs->o.kubeconfig = keep(cs, 0, o->kubeconfig);
	cs->o.data_dir = keep(cs, 1, o->data_dir);
	cs->o.storage_path = keep(cs, 2, o->storage_path);
	cs->o.storage_addr = keep(cs, 3, o->storage_addr ? o->storage_addr :
	    "127.0.0.1:9090");
	cs->o.storage_adv_addr = keep(cs, 4, o->storage_adv_addr);
	cs->o.watch_label_selector = keep(cs, 5, o->watch_label_selector);
	cs->o.metrics_addr = keep(cs, 6, o->metrics_addr);
	cs->o.health_addr = keep(cs, 7, o->health_addr);
	cs->o.runtime_namespace = keep(cs, 8, o->runtime_namespace);
	cs->o.watch_namespace = keep(cs, 9, o->watch_namespace);
	cs->o.default_service_account = keep(cs, 10,
	    o->default_service_account);
	cs->cfg_arena = (cf_arena)CF_ARENA_INIT;
	if (pthread_create(&cs->thread, NULL, run, cs) != 0) {
		cf_controllers_stop(cs);
		return cf_error_set(CF_ERR_OS, "cannot start controllers");
	}
	*out = cs;
	return 0;
}

void cf_controllers_stop(cf_controllers *cs)
{
	if (!cs)
		return;
	atomic_store(&cs->stop, 1);
	if (cs->thread)
		pthread_join(cs->thread, NULL);
	if (cs->mgr)
		cf_manager_free(cs->mgr);
	cf_artifact_server_free(cs->artifacts);
	cf_recorder_free(cs->source_events);
	cf_recorder_free(cs->kustomize_events);
	cf_probes_stop(cs->metrics);
	cf_probes_stop(cs->health);
	cf_leader_free(cs->leader); /* releases the Lease */
	cf_storage_free(cs->source.storage);
	cf_http_free(cs->source.http);
	cf_client_free(cs->client);
	cf_arena_release(&cs->cfg_arena);
	for (size_t i = 0; i < sizeof(cs->strs) / sizeof(cs->strs[0]); i++)
		free(cs->strs[i]);
	free(cs);
}
