/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The cflux commands: one function per verb (or verb + noun), each in its
 * own cmd_<verb>.c. argv[0] is the verb itself; the return value is the
 * process exit status.
 */
#ifndef CF_CLI_CMD_H
#define CF_CLI_CMD_H

/* cflux kustomize build DIR [--load-restrictor ...] [--reorder ...] */
int cf_cmd_kustomize(int argc, char **argv);

/* cflux build kustomization NAME --path DIR (Flux's build: files anywhere,
 * objects in FIFO order unless the kustomization sets sortOptions) */
int cf_cmd_build(int argc, char **argv);

#endif
