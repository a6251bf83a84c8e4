/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Load-test server for bench/httpd/run.sh: serves a small JSON body (the
 * size of a /version answer) from a trivial handler, so wrk measures the
 * HTTP layer alone. Usage: httpd_bench PORT [PKI_DIR]; with PKI_DIR it
 * serves TLS with certificates from cf_pki_ensure there. Prints the port
 * and serves until SIGINT/SIGTERM.
 */
#include "core/error.h"
#include "httpd/pki.h"
#include "httpd/server.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cf_httpd *srv;

static const char body[] =
	"{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.4\","
	"\"gitTreeState\":\"clean\",\"goVersion\":\"go1.23\","
	"\"compiler\":\"gc\",\"platform\":\"linux/amd64\"}\n";

static void handler(cf_httpd_req *r, void *payload)
{
	(void)payload;
	cf_httpd_reply(r, 200, "application/json", body, sizeof(body) - 1);
}

static void on_signal(int sig)
{
	(void)sig;
	cf_httpd_stop(srv); /* async-signal-safe */
}

int main(int argc, char **argv)
{
	static cf_pki_paths pki;
	char listen[64];

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: httpd_bench PORT [PKI_DIR]\n");
		return 2;
	}
	if (argc == 3 && cf_pki_ensure(&pki, argv[2], "bench", NULL) < 0) {
		fprintf(stderr, "httpd_bench: %s\n", cf_error_msg());
		return 1;
	}
	snprintf(listen, sizeof(listen), "127.0.0.1:%s", argv[1]);
	if (cf_httpd_new(&srv, &(cf_httpd_opts){ .listen = listen,
	    .cert_file = argc == 3 ? pki.cert : NULL,
	    .key_file = argc == 3 ? pki.key : NULL, .handler = handler }) < 0) {
		fprintf(stderr, "httpd_bench: %s\n", cf_error_msg());
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("%d\n", cf_httpd_port(srv));
	fflush(stdout);
	cf_httpd_run(srv);
	cf_httpd_free(srv);
	return 0;
}
