/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux: the command-line client, verb for verb like flux. This file only
 * dispatches: each command lives in its own cmd_<verb>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cmd.h"

/* The command table: the dispatcher never names a command itself. */
static const struct cf_cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "build", cf_cmd_build, "build a kustomization locally (Flux's view)" },
	{ "kustomize", cf_cmd_kustomize, "kustomize build, as kubectl kustomize" },
};

static int usage(FILE *f)
{
	fputs("usage: cflux <command> [flags]\n"
	      "\n"
	      "commands:\n"
	      "  version    print the client version\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("flux: v%s\n", CF_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "cflux: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
