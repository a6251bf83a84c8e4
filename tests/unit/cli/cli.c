/* SPDX-License-Identifier: Apache-2.0 */
/* The CLI's shared helpers: flags, tables, flux's readiness rules. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/buf.h"
#include "core/fs.h"
#include "core/json.h"
#include "test.h"

static cf_node *json(const char *s)
{
	cf_node *n = NULL;

	cf_json_parse(&n, cf_cli_arena(), s, strlen(s), NULL);
	return n;
}

TEST(test_cli__truncate_hex)
{
	CHECK_STR(cf_cli_truncate_hex(
	    "main@sha1:0123456789abcdef0123456789abcdef01234567"),
	    "main@sha1:01234567");
	CHECK_STR(cf_cli_truncate_hex("stored artifact for revision "
	    "'v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef'"), "stored artifact for revision 'v1@sha256:01234567'");
	/* Short runs and upper case stay as they are. */
	CHECK_STR(cf_cli_truncate_hex("sha1:abc123 DEADBEEF"),
	    "sha1:abc123 DEADBEEF");
	CHECK_STR(cf_cli_truncate_hex(""), "");
}

TEST(test_cli__duration_str)
{
	CHECK_STR(cf_cli_duration_str(60000000000LL), "1m0s");
	CHECK_STR(cf_cli_duration_str(3600000000000LL), "1h0m0s");
	CHECK_STR(cf_cli_duration_str(30000000000LL), "30s");
}

TEST(test_cli__kind_parse)
{
	char *a1[] = { "source", "git", "podinfo" };
	char *a2[] = { "ks", "x" };
	char *a3[] = { "kustomizations" };
	char *a4[] = { "sources", "nope" };
	const cf_cli_kind *k;
	int used = 0;

	k = cf_cli_kind_parse(3, a1, &used);
	CHECK(k && !strcmp(k->kind, "GitRepository"));
	CHECK_INT(used, 2);
	CHECK_STR(k->human, "source git");
	k = cf_cli_kind_parse(2, a2, &used);
	CHECK(k && !strcmp(k->kind, "Kustomization"));
	CHECK_INT(used, 1);
	CHECK(cf_cli_kind_parse(1, a3, &used) == k);
	CHECK(!cf_cli_kind_parse(2, a4, &used));
	CHECK(!cf_cli_kind_parse(0, a4, &used));
}

TEST(test_cli__parse_flags)
{
	const char *url = NULL, *path = "./";
	bool prune = false, wait = true;
	int64_t interval = 0;
	cf_cli_list deps = { 0 };
	const cf_flag flags[] = {
		{ "url", 0, CF_FLAG_STR, &url },
		{ "path", 'p', CF_FLAG_STR, &path },
		{ "prune", 0, CF_FLAG_BOOL, &prune },
		{ "wait", 0, CF_FLAG_BOOL, &wait },
		{ "interval", 0, CF_FLAG_DUR, &interval },
		{ "depends-on", 0, CF_FLAG_LIST, &deps },
		{ NULL, 0, 0, NULL },
	};
	char *argv[] = { "create", "name", "--url=https://x", "-p", "sub",
	    "--prune", "--wait=false", "--interval", "90s", "--depends-on",
	    "a,b", "--depends-on=ns/c", "extra", NULL };
	char *bad[] = { "create", "--nope", NULL };
	char *missing[] = { "create", "--url", NULL };
	char **args;
	int nargs;

	CHECK_INT(cf_cli_parse(13, argv, flags, &args, &nargs), 0);
	CHECK_INT(nargs, 2);
	CHECK_STR(args[0], "name");
	CHECK_STR(args[1], "extra");
	CHECK_STR(url, "https://x");
	CHECK_STR(path, "sub");
	CHECK(prune && !wait);
	CHECK_INT(interval, 90000000000LL);
	CHECK_INT(deps.n, 3);
	CHECK_STR(deps.v[0], "a");
	CHECK_STR(deps.v[1], "b");
	CHECK_STR(deps.v[2], "ns/c");
	CHECK_INT(cf_cli_parse(2, bad, flags, &args, &nargs), 1);
	CHECK_INT(cf_cli_parse(2, missing, flags, &args, &nargs), 1);
}

TEST(test_cli__globals_anywhere)
{
	char *argv[] = { "cflux", "-n", "apps", "get", "ks", "--timeout=30s",
	    "-A", "--context", "kind", "name", NULL };
	int argc = 10;

	CHECK_INT(cf_cli_globals_parse(&argc, argv), 0);
	CHECK_INT(argc, 4);
	CHECK_STR(argv[1], "get");
	CHECK_STR(argv[2], "ks");
	CHECK_STR(argv[3], "name");
	CHECK(argv[4] == NULL);
	CHECK_STR(cf_cli.ns, "apps");
	CHECK_STR(cf_cli.context, "kind");
	CHECK(cf_cli.all_ns);
	CHECK_INT(cf_cli.timeout_ns, 30000000000LL);
	cf_cli.all_ns = false;
	cf_cli.ns = "flux-system";
}

TEST(test_cli__ready_and_revision)
{
	const cf_cli_kind *git = cf_cli_kind_by_name("GitRepository");
	const cf_cli_kind *ks = cf_cli_kind_by_name("Kustomization");
	const char *st, *msg;
	cf_node *o;

	o = json("{\"metadata\":{\"name\":\"a\"}}");
	cf_cli_ready(o, &st, &msg);
	CHECK_STR(st, "False");
	CHECK_STR(msg, "waiting to be reconciled");
	CHECK_STR(cf_cli_revision(git, o), "");
	o = json("{\"status\":{\"artifact\":{\"revision\":\"main@sha1:1\"},"
	    "\"lastAppliedRevision\":\"x\",\"conditions\":[{\"type\":\"Ready\","
	    "\"status\":\"True\",\"message\":\"ok\"}]}}");
	cf_cli_ready(o, &st, &msg);
	CHECK_STR(st, "True");
	CHECK_STR(msg, "ok");
	CHECK_STR(cf_cli_revision(git, o), "main@sha1:1");
	CHECK_STR(cf_cli_revision(ks, o), "x");
}

TEST(test_cli__object_ready_follows_flux)
{
	const char *why = NULL;

	/* Never reconciled, or reconciled for an older generation. */
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":1},"
	    "\"status\":{\"observedGeneration\":-1}}"), &why), 0);
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":2},"
	    "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":"
	    "\"Ready\",\"status\":\"True\",\"observedGeneration\":1}]}}"),
	    &why), 0);
	/* Current and Ready. */
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":2},"
	    "\"status\":{\"observedGeneration\":2,\"conditions\":[{\"type\":"
	    "\"Ready\",\"status\":\"True\",\"observedGeneration\":2}]}}"),
	    &why), 1);
	/* Still working. */
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":1},"
	    "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":"
	    "\"Ready\",\"status\":\"Unknown\"},{\"type\":\"Reconciling\","
	    "\"status\":\"True\"}]}}"), &why), 0);
	/* Failed: Ready=False, or Stalled=True with its message. */
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":1},"
	    "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":"
	    "\"Ready\",\"status\":\"False\",\"message\":\"boom\"}]}}"),
	    &why), -1);
	CHECK_STR(why, "boom");
	CHECK_INT(cf_cli_object_ready(json("{\"metadata\":{\"generation\":1},"
	    "\"status\":{\"observedGeneration\":1,\"conditions\":[{\"type\":"
	    "\"Ready\",\"status\":\"False\",\"message\":\"x\"},{\"type\":"
	    "\"Stalled\",\"status\":\"True\",\"message\":\"bad spec\"}]}}"),
	    &why), -1);
	CHECK_STR(why, "bad spec");
}

/* Run the table printer with stdout sent to a file; return the text. */
static const char *print_table(const cf_cli_table *t)
{
	const char *path = cf_arena_printf(cf_cli_arena(), "%s/table",
	    cf_test_tmpdir());
	cf_buf b = CF_BUF_INIT;
	int fd, saved;
	const char *r;

	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	close(fd);
	cf_cli_table_print(t);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	cf_fs_read(&b, path, 1 << 20);
	r = cf_arena_strdup(cf_cli_arena(), b.buf);
	cf_buf_release(&b);
	return r;
}

TEST(test_cli__table_layout_is_tablewriters)
{
	static const char *const hdr[] = { "Name", "Ready", "Last_seen" };
	static const char *const r1[] = { "podinfo", "True", "1m" };
	static const char *const r2[] = { "a", "False", "" };
	cf_cli_table t;

	cf_cli_table_init(&t, 3, hdr);
	cf_cli_table_row(&t, r1);
	cf_cli_table_row(&t, r2);
	CHECK_STR(print_table(&t),
	    "NAME   \tREADY\tLAST SEEN \n"
	    "podinfo\tTrue \t1m       \t\n"
	    "a      \tFalse\t         \t\n");
	/* Without the header its widths do not count. */
	t.no_header = true;
	CHECK_STR(print_table(&t),
	    "podinfo\tTrue \t1m\t\n"
	    "a      \tFalse\t  \t\n");
}

TEST_MAIN(T(test_cli__truncate_hex), T(test_cli__duration_str),
    T(test_cli__kind_parse), T(test_cli__parse_flags),
    T(test_cli__globals_anywhere), T(test_cli__ready_and_revision),
    T(test_cli__object_ready_follows_flux),
    T(test_cli__table_layout_is_tablewriters))
