/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers for the client tests: start and stop a child process by PID
 * (the scripted Python server, cfluxd), run a shell command, and make a
 * self-signed certificate with the openssl CLI.
 */
#ifndef CF_TEST_CLIENT_FIXTURE_H
#define CF_TEST_CLIENT_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

typedef struct fx_proc {
	pid_t pid;
	int port; /* from the server's "PORT n" line, if any */
} fx_proc;

/* Start argv[0] with argv (NULL-terminated); with want_port, wait up to
 * 10 s for a "PORT <n>" line on its stdout. Returns 0 or -1. */
int fx_start(fx_proc *p, char *const argv[], int want_port);
/* SIGTERM, then SIGKILL after 5 s; reaps the child. */
void fx_stop(fx_proc *p);

/* The scripted server (fake_server.py); cert/key/client_ca may be NULL. */
int fx_fake_server(fx_proc *p, const char *cert, const char *key,
    const char *client_ca);

/* Run a shell command quietly; its exit status. */
int fx_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dir/<name>.pem and dir/<name>.key: a self-signed P-256 certificate for
 * CN=cn with the given subjectAltName ("IP:127.0.0.1"). Returns the exit
 * status. */
int fx_make_cert(const char *dir, const char *name, const char *cn,
    const char *san);

/* Start $CFLUXD once per test binary (--no-controllers, 127.0.0.1:0,
 * data dir under the test's temp dir), wait for /readyz and return a
 * client for it; stopped by PID at exit. server_url (optional, n bytes)
 * gets "https://127.0.0.1:PORT". NULL when it cannot start. */
struct cf_client;
struct cf_client *fx_cfluxd(char *server_url, size_t n);

/* Stop that cfluxd and start it again on the same data dir and on
 * listen ("127.0.0.1:PORT"); the client stays valid. 0 or -1. */
int fx_cfluxd_restart(const char *listen);

/* Sleep ms milliseconds. */
void fx_sleep_ms(long ms);

/* Read a whole file into a malloc'd NUL-terminated string (or NULL). */
char *fx_slurp(const char *path, size_t *len);

#endif
