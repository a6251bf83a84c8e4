/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux: the command-line client, verb for verb like flux. This file only
 * dispatches: each command lives in its own cmd_<verb>.c.
 */
#include <stdio.h>
#include <string.h>

static int usage(FILE *f)
{
	fputs("usage: cflux <command> [flags]\n"
	      "\n"
	      "commands:\n"
	      "  version    print the client version\n", f);
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
	fprintf(stderr, "cflux: unknown command '%s'\n", argv[1]);
	return usage(stderr);
}
