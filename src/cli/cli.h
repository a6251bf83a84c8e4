/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What every cflux command shares: the global flags (kubeconfig, context,
 * namespace, timeout), one flag parser, flux's progress logger (glyph
 * lines on stderr), the table and YAML printers, Go durations, the Flux
 * kinds the CLI knows, and the readiness rules `flux` waits on. The CLI
 * is a program: these helpers print and the commands exit; nothing here
 * is meant for the daemon.
 *
 * Memory: everything a command builds lives in cf_cli_arena(), released
 * once at exit by main.
 */
#ifndef CF_CLI_CLI_H
#define CF_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/client.h"
#include "core/arena.h"
#include "core/node.h"

/* ---- global flags (flux's persistent flags) ---- */

typedef struct cf_cli_globals {
	const char *kubeconfig; /* --kubeconfig */
	const char *context;    /* --context */
	const char *ns;         /* -n/--namespace; default flux-system */
	bool all_ns;            /* -A/--all-namespaces */
	int64_t timeout_ns;     /* --timeout; default 5m */
	int64_t deadline_ns;    /* monotonic: start + timeout */
	int64_t poll_ns;        /* wait poll period: 2s as flux */
} cf_cli_globals;

extern cf_cli_globals cf_cli;

/*
 * Take the global flags out of argv (anywhere after the command word, as
 * cobra's persistent flags), leaving the rest in order. Returns 0, or
 * prints "✗ ..." and returns 1 for a bad value.
 */
int cf_cli_globals_parse(int *argc, char **argv);

/* The arena of this run; main releases it. */
cf_arena *cf_cli_arena(void);

/* Free the client and the arena (main, at exit). */
void cf_cli_release(void);

/*
 * The API client for the chosen kubeconfig: --kubeconfig, else
 * $KUBECONFIG, else ./.cflux/kubeconfig when it exists, else
 * ~/.kube/config. Created on first use and owned by the CLI. NULL after
 * printing "✗ ..." when there is no usable configuration.
 */
cf_client *cf_cli_client(void);
/* The same without printing: NULL with the error message set. */
cf_client *cf_cli_client_try(void);

/* ---- command flags ---- */

enum cf_flag_type {
	CF_FLAG_STR,  /* const char ** */
	CF_FLAG_BOOL, /* bool *; --x, --x=true|false */
	CF_FLAG_DUR,  /* int64_t * nanoseconds (Go duration syntax) */
	CF_FLAG_LIST, /* cf_cli_list *; repeatable, comma-separated */
};

typedef struct cf_cli_list {
	const char **v;
	size_t n;
} cf_cli_list;

typedef struct cf_flag {
	const char *name; /* without dashes: "url" */
	char short_name;  /* 's' for -s, or 0 */
	enum cf_flag_type type;
	void *dst;
} cf_flag;

/*
 * Parse argv[1..argc) against flags (NULL-name terminated); positional
 * arguments go to *args (arena array) and *nargs. Returns 0, or prints
 * "✗ unknown flag: --x" (cobra's wording) and returns 1. -h/--help
 * prints the command's flags and exits 0.
 */
int cf_cli_parse(int argc, char **argv, const cf_flag *flags,
    char ***args, int *nargs);

/* ---- flux's logger: one line on stderr per call ---- */

void cf_cli_action(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cf_cli_generate(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cf_cli_waiting(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cf_cli_success(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cf_cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "✗ ..." and returns 1, the exit status of a failed command. */
int cf_cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- values ---- */

/* Go's Duration.String() (core/duration.h), in the CLI's arena. */
const char *cf_cli_duration_str(int64_t ns);
/* time.Now().Format(time.RFC3339Nano), local time; arena. */
const char *cf_cli_now_rfc3339nano(void);
/* Monotonic nanoseconds. */
int64_t cf_cli_mono_ns(void);
/* Flux's TruncateHex: runs of 40-128 lower-case hex digits cut to 8. */
const char *cf_cli_truncate_hex(const char *s);

/* Print an object as flux's --export does: "---\n" then the YAML. */
int cf_cli_print_yaml(const cf_node *obj);

/* ---- tables (flux's tablewriter settings) ---- */

typedef struct cf_cli_table {
	const char **cells; /* ncols per row, row-major; row 0 is the header */
	size_t ncols, nrows;
	size_t alloc;
	bool no_header;
} cf_cli_table;

void cf_cli_table_init(cf_cli_table *t, size_t ncols, const char *const *header);
/* Append a row of ncols strings (borrowed; NULL prints empty). */
void cf_cli_table_row(cf_cli_table *t, const char *const *row);
/* Cells left-aligned, padded to the column, each followed by a tab; the
 * header's last cell by a space (tablewriter's NoWhiteSpace layout). */
void cf_cli_table_print(const cf_cli_table *t);

/*
 * --watch for a table: watch the kind (in -n's namespace, or all with
 * -A) until --timeout, printing a one-row table for every object added
 * or changed; only the first printed row has the header (none with
 * no_header). add_row appends obj's row to t, or nothing to skip it.
 * Ends as flux does: "✗ timed out waiting for the condition", exit 1.
 */
int cf_cli_watch_rows(const char *api_version, const char *kind,
    const char *field_selector, size_t ncols, const char *const *header,
    bool no_header, void (*add_row)(cf_cli_table *t, const cf_node *obj,
    void *payload), void *payload);

/* ---- the Flux kinds the verbs work on ---- */

typedef struct cf_cli_kind {
	const char *kind;        /* "GitRepository" */
	const char *api_version; /* "source.toolkit.fluxcd.io/v1" */
	const char *human;       /* "source git": flux's humanKind */
	const char *revision;    /* status field holding the revision */
	bool artifact;           /* revision under status.artifact */
	const char *success;     /* "fetched revision", "applied revision" */
} cf_cli_kind;

extern const cf_cli_kind cf_cli_kinds[];
extern const size_t cf_cli_nkinds;

/*
 * The kind named by the words at argv[0..]: "source git", "sources git",
 * "kustomization", "kustomizations", "ks", "helmrelease", "hr" ...
 * *used is how many words it took. NULL when none matches.
 */
const cf_cli_kind *cf_cli_kind_parse(int argc, char **argv, int *used);
const cf_cli_kind *cf_cli_kind_by_name(const char *kind);

/* Every Flux kind the CRDs define, in flux stats' order (then
 * ExternalArtifact, which stats leaves out). */
typedef struct cf_cli_gvk {
	const char *api_version, *kind;
} cf_cli_gvk;

extern const cf_cli_gvk cf_cli_flux_kinds[];
extern const size_t cf_cli_nflux_kinds;

/* ---- objects and readiness ---- */

/* The condition of type t in obj's status, or NULL. */
const cf_node *cf_cli_condition(const cf_node *obj, const char *type);
/* Ready's status and message as flux's get shows them: "False" and
 * "waiting to be reconciled" when there is no Ready condition. */
void cf_cli_ready(const cf_node *obj, const char **status, const char **msg);
/* The revision a get/reconcile shows for obj of kind k ("" if none). */
const char *cf_cli_revision(const cf_cli_kind *k, const cf_node *obj);

/*
 * flux's readiness check: 1 when the latest generation is reconciled and
 * Ready=True, 0 while in progress, -1 when it failed (Stalled=True or
 * Ready=False for the observed generation) with *why the message.
 */
int cf_cli_object_ready(const cf_node *obj, const char **why);

/*
 * Call fn every poll period (first at once) until it returns non-zero or
 * the --timeout deadline passes. fn returns 1 for done, 0 for again, -1
 * for failure. Returns fn's final result, or CF_ETIMEOUT. Prints
 * nothing.
 */
int cf_cli_poll(int (*fn)(void *payload), void *payload);

/*
 * Wait until the object is ready (cf_cli_object_ready). With handshake,
 * also until status.lastHandledReconcileAt is set and differs from
 * before (the value seen before requesting; NULL for none). 0 with *out
 * the last object read; -1 with *why the reason ("context deadline
 * exceeded" on timeout, the API error, or the object's failure message)
 * and *out the last object read, if any.
 */
int cf_cli_wait_ready(cf_node **out, const char **why, const cf_cli_kind *k,
    const char *ns, const char *name, bool handshake, const char *before);

/*
 * cf_cli_parse, then the kind words (cf_cli_kind_parse) at the start of
 * the positional arguments; *rest and *nrest are those after them. With
 * no kind there, prints usage and returns 1.
 */
int cf_cli_parse_kind(int argc, char **argv, const cf_flag *flags,
    const char *usage, const cf_cli_kind **k, char ***rest, int *nrest);

/* Get one object; prints flux's error and returns NULL on failure. */
cf_node *cf_cli_get(const cf_cli_kind *k, const char *ns, const char *name);

/* GET /version; NULL (error message set) when the server cannot be
 * reached. */
const cf_node *cf_cli_server_version(void);
/* The Deployments install created in -n's namespace (labelled
 * app.kubernetes.io/part-of=flux); NULL when they cannot be listed. */
const cf_node *cf_cli_flux_deployments(void);
/* Merge-patch one object of kind k; prints the error and returns 1. */
int cf_cli_merge_patch(const cf_cli_kind *k, const char *ns,
    const char *name, const char *patch);
/* spec.suspend is true. */
bool cf_cli_suspended(const cf_node *obj);

/* The "y" of a confirmation prompt on stdin (false on EOF or anything
 * else). */
bool cf_cli_confirm(const char *question);

#endif
