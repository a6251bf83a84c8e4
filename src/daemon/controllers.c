/* SPDX-License-Identifier: Apache-2.0 */
#include "daemon/controllers.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client/client.h"
#include "client/kubeconfig.h"
#include "controllers/kustomize/kustomization.h"
#include "controllers/source/gitrepository.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/error.h"
#include "core/log.h"
#include "runtime/manager.h"

struct cf_controllers {
	cf_controllers_opts o;
	char *strs[6];
	pthread_t thread;
	atomic_int stop;
	cf_arena cfg_arena;
	cf_client *client;
	cf_manager *mgr;
	cf_source_ctl source;
	cf_kzctl kustomize;
	cf_rest_config *rest;
};

static void sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 },
	    NULL);
}

static int connect_client(cf_controllers *cs)
{
	if (cf_kubeconfig_load(&cs->rest, &cs->cfg_arena, cs->o.kubeconfig,
	    NULL) < 0)
		return cf_error_wrap("reading '%s'", cs->o.kubeconfig);
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
	snprintf(sc->adv_addr, sizeof(sc->adv_addr), "%s",
	    cs->o.storage_adv_addr ? cs->o.storage_adv_addr :
	    cs->o.storage_addr);
	return 0;
}

static int build(cf_controllers *cs)
{
	if (connect_client(cs) < 0 || setup_source(cs) < 0)
		return CF_ERROR;
	cs->mgr = cf_manager_new(cs->client, &(cf_manager_opts){
	    .concurrent = cs->o.concurrent ? cs->o.concurrent : 4,
	    .watch_label_selector = cs->o.watch_label_selector,
	    .sync_timeout_ms = 5000 });
	cf_manager_add(cs->mgr, &cf_gitrepository_controller, &cs->source);
	cs->kustomize.rest = cs->rest;
	cs->kustomize.local_storage = cf_storage_root(cs->source.storage);
	cf_manager_add(cs->mgr, &cf_kustomization_controller, &cs->kustomize);
	cs->kustomize.self = cf_manager_informer(cs->mgr,
	    &cf_kustomization_controller);
	return 0;
}

/* Build, then start until the API server answers (it may still be
 * coming up on the main thread). */
static void *run(void *p)
{
	cf_controllers *cs = p;
	int err;

	if ((err = build(cs)) < 0) {
		cf_log_error("controllers not started: %s", cf_error_msg());
		return NULL;
	}
	while (!atomic_load(&cs->stop)) {
		if ((err = cf_manager_start(cs->mgr)) == 0)
			break;
		cf_log_error("controllers: %s; retrying", cf_error_msg());
		sleep_ms(1000);
	}
	if (!atomic_load(&cs->stop))
		cf_log_info("controllers started: source-controller "
		    "(GitRepository), kustomize-controller (Kustomization)");
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
	cf_storage_free(cs->source.storage);
	cf_client_free(cs->client);
	cf_arena_release(&cs->cfg_arena);
	for (size_t i = 0; i < sizeof(cs->strs) / sizeof(cs->strs[0]); i++)
		free(cs->strs[i]);
	free(cs);
}
