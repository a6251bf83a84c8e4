/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `flux diff` prints under "► Kind/ns/name drifted": a dyff-style
 * report of the changes from the live object to the result of a
 * server-side dry-run, one block per changed path ("spec.replicas";
 * list entries with a name are addressed by it, "spec.ports.http.port"),
 * with the old and the new value. Before comparing, the fields the server
 * writes are dropped and Secret values masked ("***", "*** (before)",
 * "*** (after)") so that no secret ever reaches the report. No I/O.
 */
#ifndef CF_CLI_REPORT_H
#define CF_CLI_REPORT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/node.h"

/* Drop what the server writes and a diff does not show, in place:
 * metadata.managedFields, resourceVersion, generation, uid,
 * creationTimestamp, and status. obj may be NULL. */
void cf_cli_diff_strip(cf_node *obj);

/*
 * Mask a Secret's values in both objects, in place (either may be NULL;
 * nothing happens unless one is of kind Secret): every key of data and
 * stringData, and the last-applied-configuration annotation, become
 * "***" when both sides hold the same value, "*** (before)" and
 * "*** (after)" when they differ, "***" when one side lacks it. The new
 * strings come from a.
 */
void cf_cli_diff_mask_secret(cf_arena *a, cf_node *live, cf_node *merged);

/*
 * Append the report of the changes from `from` to `to` to out: for each
 * difference "\n<path>\n" and its detail lines ("  ± value change",
 * "    - old", "    + new"; a multi-line string as a line diff with two
 * lines of context; "  + one map entry added:" and the entries as YAML;
 * list entries removed or added likewise), then one final "\n"
 * when there was any. Returns the number of differences (0: equal, out
 * untouched). Scratch memory comes from a.
 */
size_t cf_cli_diff_report(cf_buf *out, cf_arena *a, const cf_node *from,
    const cf_node *to);

#endif
