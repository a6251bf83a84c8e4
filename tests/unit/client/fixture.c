/* SPDX-License-Identifier: Apache-2.0 */
#include "fixture.h"

#include "client/client.h"
#include "client/kubeconfig.h"
#include "core/arena.h"
#include "core/error.h"
#include "test.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int fx_start(fx_proc *p, char *const argv[], int want_port)
{
	posix_spawn_file_actions_t fa;
	int fds[2];
	char buf[256];
	size_t n = 0;

	p->pid = -1;
	p->port = 0;
	if (pipe(fds) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	if (posix_spawn(&p->pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(fds[0]);
		close(fds[1]);
		p->pid = -1;
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (want_port) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		char *s;

		while (n < sizeof(buf) - 1 && poll(&pfd, 1, 10000) > 0) {
			ssize_t r = read(fds[0], buf + n, sizeof(buf) - 1 - n);

			if (r <= 0)
				break;
			n += (size_t)r;
			buf[n] = '\0';
			if ((s = strstr(buf, "PORT ")) && strchr(s, '\n')) {
				p->port = (int)strtol(s + 5, NULL, 10);
				break;
			}
		}
		if (!p->port) {
			close(fds[0]);
			fx_stop(p);
			return -1;
		}
	}
	close(fds[0]);
	return 0;
}

void fx_stop(fx_proc *p)
{
	int st;

	if (p->pid <= 0)
		return;
	kill(p->pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(p->pid, &st, WNOHANG) == p->pid) {
			p->pid = -1;
			return;
		}
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, &st, 0);
	p->pid = -1;
}

int fx_fake_server(fx_proc *p, const char *cert, const char *key,
    const char *client_ca)
{
	char *argv[8] = { "/usr/bin/python3", FX_SERVER_SCRIPT };
	int i = 2;

	if (cert) {
		argv[i++] = "--tls";
		argv[i++] = (char *)cert;
		argv[i++] = (char *)key;
		if (client_ca)
			argv[i++] = (char *)client_ca;
	}
	argv[i] = NULL;
	return fx_start(p, argv, 1);
}

int fx_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int fx_make_cert(const char *dir, const char *name, const char *cn,
    const char *san)
{
	return fx_sh("openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=%s "
	    "-addext subjectAltName=%s -keyout %s/%s.key "
	    "-out %s/%s.pem >/dev/null 2>&1", cn, san, dir, name, dir, name);
}

char *fx_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

void fx_sleep_ms(long ms)
{
	nanosleep(&(struct timespec){ ms / 1000, (ms % 1000) * 1000000 },
	    NULL);
}

static fx_proc cfluxd_proc = { -1, 0 };
static cf_client *cfluxd_client;
static cf_arena cfluxd_arena = CF_ARENA_INIT;
static char cfluxd_url[256];

static void cfluxd_teardown(void)
{
	cf_client_free(cfluxd_client);
	cfluxd_client = NULL;
	fx_stop(&cfluxd_proc);
	cf_arena_release(&cfluxd_arena);
}

static int cfluxd_spawn(const char *exe, const char *listen)
{
	char data[600];
	char *argv[] = { (char *)exe, "--data-dir", data, "--listen",
	    (char *)listen, "--no-controllers", "--log-level", "error", NULL };

	snprintf(data, sizeof(data), "%s/data", cf_test_tmpdir());
	return fx_start(&cfluxd_proc, argv, 0);
}

static int cfluxd_wait_ready(void)
{
	for (int i = 0; i < 100; i++) {
		cf_arena a = CF_ARENA_INIT;
		int err = cf_client_do(NULL, &a, cfluxd_client, "GET",
		    "/readyz", NULL, NULL, 0, 0);

		cf_arena_release(&a);
		if (err == 0)
			return 0;
		fx_sleep_ms(100);
	}
	fprintf(stderr, "cfluxd never became ready: %s\n", cf_error_msg());
	return -1;
}

cf_client *fx_cfluxd(char *server_url, size_t n)
{
	const char *exe = getenv("CFLUXD");
	char data[600], kc[700];
	cf_rest_config *cfg = NULL;

	if (!cfluxd_client) {
		if (!exe || !*exe) {
			fprintf(stderr, "CFLUXD is not set\n");
			return NULL;
		}
		snprintf(data, sizeof(data), "%s/data", cf_test_tmpdir());
		snprintf(kc, sizeof(kc), "%s/kubeconfig", data);
		if (cfluxd_spawn(exe, "127.0.0.1:0") < 0)
			return NULL;
		atexit(cfluxd_teardown);
		for (int i = 0; i < 200 && access(kc, R_OK) != 0; i++)
			fx_sleep_ms(50);
		if (cf_kubeconfig_load(&cfg, &cfluxd_arena, kc, NULL) < 0 ||
		    cf_client_new(&cfluxd_client, cfg, &(cf_client_opts){
		    .backoff_base_ms = 50, .backoff_max_ms = 500 }) < 0) {
			fprintf(stderr, "client: %s\n", cf_error_msg());
			return NULL;
		}
		snprintf(cfluxd_url, sizeof(cfluxd_url), "%s", cfg->server);
		if (cfluxd_wait_ready() < 0)
			return NULL;
	}
	if (server_url)
		snprintf(server_url, n, "%s", cfluxd_url);
	return cfluxd_client;
}

int fx_cfluxd_restart(const char *listen)
{
	fx_stop(&cfluxd_proc);
	return cfluxd_spawn(getenv("CFLUXD"), listen);
}
