/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux: the command-line client, verb for verb like flux. This file only
 * dispatches: global flags are taken out of argv (cli.h), then the
 * command table picks the verb; each command lives in its own
 * cmd_<verb>.c.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd.h"

/* The command table: the dispatcher never names a command itself. */
static const struct cf_cmd_entry {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "version", cf_cmd_version, "print the client and server versions" },
	{ "check", cf_cmd_check, "check requirements and installation" },
	{ "install", cf_cmd_install, "install or export the Flux components" },
	{ "uninstall", cf_cmd_uninstall, "remove Flux objects, components and CRDs" },
	{ "create", cf_cmd_create, "create or update sources and kustomizations" },
	{ "get", cf_cmd_get, "show sources and kustomizations and their status" },
	{ "reconcile", cf_cmd_reconcile, "request a reconciliation and wait for it" },
	{ "suspend", cf_cmd_suspend, "suspend reconciliation" },
	{ "resume", cf_cmd_resume, "resume reconciliation and wait for Ready" },
	{ "delete", cf_cmd_delete, "delete sources and kustomizations" },
	{ "export", cf_cmd_export, "export objects as YAML" },
	{ "events", cf_cmd_events, "show the Events of Flux objects" },
	{ "logs", cf_cmd_logs, "show the controllers' logs, formatted" },
	{ "stats", cf_cmd_stats, "count reconcilers per kind" },
	{ "completion", cf_cmd_completion, "shell completion: bash, zsh, fish" },
	{ "build", cf_cmd_build, "build a kustomization locally (Flux's view)" },
	{ "diff", cf_cmd_diff, "diff a local build against the cluster" },
	{ "tree", cf_cmd_tree, "print the objects a kustomization manages" },
	{ "kustomize", cf_cmd_kustomize, "kustomize build, as kubectl kustomize" },
};

static int usage(FILE *f)
{
	fputs("usage: cflux <command> [flags]\n"
	      "\n"
	      "global flags: --kubeconfig PATH, --context NAME, -n/--namespace NS\n"
	      "              (default flux-system), -A/--all-namespaces,\n"
	      "              --timeout DURATION (default 5m0s)\n"
	      "\n"
	      "commands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].help);
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	int rc;

	/* Global flags may stand anywhere, before the verb too (cobra's
	 * persistent flags): take them out first. */
	if (cf_cli_globals_parse(&argc, argv)) {
		cf_cli_release();
		return 1;
	}
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--version")) {
		printf("flux version %s\n", CF_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))
		return usage(stdout);
	rc = -1;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name)) {
			rc = commands[i].fn(argc - 1, argv + 1);
			break;
		}
	if (rc < 0)
		rc = cf_cli_fail("unknown command \"%s\" for \"flux\"", argv[1]);
	cf_cli_release();
	return rc;
}
