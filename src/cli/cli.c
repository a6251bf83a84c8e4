/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The helpers every cflux command shares. Behaviour copies the flux CLI
 * where users can see it: glyph-prefixed progress lines, tablewriter's
 * table layout, Go's duration and time formats, and the readiness rules
 * of flux's wait loops (see cf_cli_object_ready).
 */
#include "cli/cli.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "client/watch.h"
#include "core/buf.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/yaml_emit.h"

#define NS_PER_SEC 1000000000ll

cf_cli_globals cf_cli = {
	.ns = "flux-system",
	.timeout_ns = 5 * 60 * NS_PER_SEC,
	.poll_ns = 2 * NS_PER_SEC,
};

static cf_arena cli_arena = CF_ARENA_INIT;
static cf_client *cli_client;

cf_arena *cf_cli_arena(void)
{
	return &cli_arena;
}

/* ---- logger ---- */

static void logline(const char *glyph, const char *fmt, va_list ap)
{
	fputs(glyph, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define CF_CLI_LOGFN(fn, glyph)                  \
	void fn(const char *fmt, ...)            \
	{                                        \
		va_list ap;                      \
		va_start(ap, fmt);               \
		logline(glyph, fmt, ap);         \
		va_end(ap);                      \
	}
CF_CLI_LOGFN(cf_cli_action, "► ")
CF_CLI_LOGFN(cf_cli_generate, "✚ ")
CF_CLI_LOGFN(cf_cli_waiting, "◎ ")
CF_CLI_LOGFN(cf_cli_success, "✔ ")
CF_CLI_LOGFN(cf_cli_warning, "⚠️ ")

int cf_cli_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	logline("✗ ", fmt, ap);
	va_end(ap);
	return 1;
}

/* ---- durations and times ---- */

const char *cf_cli_duration_str(int64_t d)
{
	char b[32];

	return cf_arena_strdup(&cli_arena, cf_duration_format(b, sizeof(b), d));
}

int64_t cf_cli_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* The token of the reconcile handshake. Its exact form does not matter
 * to controllers (they copy it), but users and tools compare it with
 * what flux writes, so it is time.RFC3339Nano in local time. */
const char *cf_cli_now_rfc3339nano(void)
{
	struct timespec ts;
	struct tm tm;
	char date[32], frac[16], zone[24];
	long off;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	/* RFC3339Nano drops trailing zeros of the fraction, and the dot
	 * with them. */
	snprintf(frac, sizeof(frac), ".%09ld", ts.tv_nsec);
	n = 9;
	while (n > 0 && frac[n] == '0')
		frac[n--] = 0;
	if (n == 0)
		frac[0] = 0;
	off = tm.tm_gmtoff;
	if (off == 0)
		snprintf(zone, sizeof(zone), "Z");
	else
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", off < 0 ? '-' : '+',
		    labs(off) / 3600, labs(off) / 60 % 60);
	return cf_arena_printf(&cli_arena, "%s%s%s", date, frac, zone);
}

const char *cf_cli_truncate_hex(const char *s)
{
	cf_buf b = CF_BUF_INIT;
	const char *r;

	if (!s)
		return "";
	for (const char *p = s; *p;) {
		size_t n = 0;

		while (isdigit((unsigned char)p[n]) || (p[n] >= 'a' && p[n] <= 'f'))
			n++;
		if (n >= 40) {
			/* A run longer than 128 is cut into 128-digit matches,
			 * each shortened, as the regexp does. */
			while (n >= 40) {
				size_t take = n > 128 ? 128 : n;
				cf_buf_add(&b, p, 8);
				p += take;
				n -= take;
			}
			cf_buf_add(&b, p, n);
			p += n;
		} else if (n) {
			cf_buf_add(&b, p, n);
			p += n;
		} else {
			cf_buf_addch(&b, *p++);
		}
	}
	r = cf_arena_strdup(&cli_arena, b.buf);
	cf_buf_release(&b);
	return r;
}

/* sigs.k8s.io/yaml's key order and quoting come from cf_yaml_emit, so
 * flux's "spec sorted as printed" needs nothing more here. */
int cf_cli_print_yaml(const cf_node *obj)
{
	cf_buf b = CF_BUF_INIT;
	int err;

	cf_buf_adds(&b, "---\n");
	err = cf_yaml_emit(&b, obj);
	if (err < 0) {
		cf_buf_release(&b);
		return cf_cli_fail("%s", cf_error_msg());
	}
	fwrite(b.buf, 1, b.len, stdout);
	cf_buf_release(&b);
	return 0;
}

/* ---- global flags and the client ---- */

/* "--name value", "--name=value", "-x value", "-xvalue"; NULL if argv[*i]
 * is not this flag. *i moves past a separate value. A flag at the end
 * with no value sets *missing (cobra's "flag needs an argument"). */
static const char *take_value(int argc, char **argv, int *i, const char *name,
    char short_name, bool *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	*missing = false;
	if (a[0] == '-' && a[1] == '-' && !strncmp(a + 2, name, n)) {
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n])
			return NULL;
	} else if (short_name && a[0] == '-' && a[1] == short_name) {
		if (a[2])
			return a + 2;
	} else {
		return NULL;
	}
	if (*i + 1 >= argc) {
		*missing = true;
		return a;
	}
	return argv[++*i];
}

/*
 * flux's persistent flags, taken out in one pass so that each command's
 * own parser never sees them: argv is compacted in place, order kept.
 * FLUX_SYSTEM_NAMESPACE changes the default namespace as it does for
 * flux; an explicit -n still wins because it is read afterwards.
 */
int cf_cli_globals_parse(int *argc, char **argv)
{
	int out = 1;
	const char *env = getenv("FLUX_SYSTEM_NAMESPACE");

	if (env && *env)
		cf_cli.ns = env;
	/* Tests shorten flux's 2 s wait period. */
	env = getenv("CFLUX_POLL_INTERVAL");
	if (env && cf_duration_parse(&cf_cli.poll_ns, env) < 0)
		return cf_cli_fail("CFLUX_POLL_INTERVAL: invalid duration \"%s\"",
		    env);
	for (int i = 1; i < *argc; i++) {
		const char *v;
		bool missing;

		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-A") || !strcmp(argv[i], "--all-namespaces")) {
			cf_cli.all_ns = true;
			continue;
		}
		if ((v = take_value(*argc, argv, &i, "kubeconfig", 0, &missing)))
			cf_cli.kubeconfig = v;
		else if ((v = take_value(*argc, argv, &i, "context", 0, &missing)))
			cf_cli.context = v;
		else if ((v = take_value(*argc, argv, &i, "namespace", 'n', &missing)))
			cf_cli.ns = v;
		else if ((v = take_value(*argc, argv, &i, "timeout", 0, &missing))) {
			if (!missing && cf_duration_parse(&cf_cli.timeout_ns, v) < 0)
				return cf_cli_fail("invalid argument \"%s\" for "
				    "\"--timeout\" flag: time: invalid duration \"%s\"",
				    v, v);
		} else {
			argv[out++] = argv[i];
			continue;
		}
		if (missing)
			return cf_cli_fail("flag needs an argument: %s", argv[i]);
	}
	*argc = out;
	argv[out] = NULL;
	if (!*cf_cli.ns)
		return cf_cli_fail("namespace must not be empty");
	cf_cli.deadline_ns = cf_cli_mono_ns() + cf_cli.timeout_ns;
	return 0;
}

/*
 * Which kubeconfig: flux's order (flag, then $KUBECONFIG), with one step
 * of our own before ~/.kube/config: ./.cflux/kubeconfig, the file cfluxd
 * writes when started with its default data dir, so that `cfluxd &` then
 * `cflux get all` works in the same directory with no setup.
 */
static int load_config(cf_rest_config **cfg)
{
	cf_kubeconfig_opts o = { .context = cf_cli.context };
	const char *env = getenv("KUBECONFIG"), *home = getenv("HOME");

	if (cf_cli.kubeconfig && *cf_cli.kubeconfig)
		return cf_kubeconfig_load(cfg, &cli_arena, cf_cli.kubeconfig, &o);
	if (env && *env)
		return cf_kubeconfig_load_paths(cfg, &cli_arena, env, &o);
	if (access(".cflux/kubeconfig", R_OK) == 0)
		return cf_kubeconfig_load(cfg, &cli_arena, ".cflux/kubeconfig", &o);
	if (!home)
		return cf_error_setc(CF_ENOTFOUND, CF_ERR_INVALID,
		    "no kubeconfig: set --kubeconfig or KUBECONFIG");
	return cf_kubeconfig_load(cfg, &cli_arena,
	    cf_arena_printf(&cli_arena, "%s/.kube/config", home), &o);
}

cf_client *cf_cli_client(void)
{
	cf_client *c = cf_cli_client_try();

	if (!c)
		cf_cli_fail("%s", cf_error_msg());
	return c;
}

cf_client *cf_cli_client_try(void)
{
	cf_rest_config *cfg;
	int64_t left;

	if (cli_client)
		return cli_client;
	if (load_config(&cfg) < 0)
		return NULL;
	/* No request may outlive --timeout; a CLI retries briefly rather
	 * than the controllers' patient backoff, so a dead server is
	 * reported in seconds. */
	left = (cf_cli.deadline_ns - cf_cli_mono_ns()) / 1000000;
	if (cf_client_new(&cli_client, cfg, &(cf_client_opts){
	    .max_retries = 2, .backoff_max_ms = 1000,
	    .timeout_ms = left > 1000 ? left : 1000,
	    .user_agent = "cflux/" CF_VERSION }) < 0)
		return NULL;
	return cli_client;
}

void cf_cli_release(void)
{
	if (cli_client)
		cf_client_free(cli_client);
	cli_client = NULL;
	cf_arena_release(&cli_arena);
}

/* ---- command flags ---- */

/* strconv.ParseBool's spellings, which pflag accepts for --flag=VALUE. */
static bool parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "t") ||
	    !strcmp(v, "True") || !strcmp(v, "TRUE"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "f") ||
	    !strcmp(v, "False") || !strcmp(v, "FALSE"))
		*out = false;
	else
		return false;
	return true;
}

static void list_add(cf_cli_list *l, const char *v)
{
	/* pflag's StringSlice: comma-separated values, repeatable. */
	while (*v) {
		const char *c = strchr(v, ',');
		size_t n = c ? (size_t)(c - v) : strlen(v);
		const char **nv = cf_arena_alloc(&cli_arena,
		    (l->n + 1) * sizeof(*nv));

		if (l->n)
			memcpy(nv, l->v, l->n * sizeof(*nv));
		nv[l->n++] = cf_arena_strndup(&cli_arena, v, n);
		l->v = nv;
		if (!c)
			break;
		v = c + 1;
	}
}

/* Store v into f's destination; the messages are pflag's, as cobra
 * prints them. */
static int set_flag(const cf_flag *f, const char *arg, const char *v)
{
	switch (f->type) {
	case CF_FLAG_STR:
		*(const char **)f->dst = v;
		return 0;
	case CF_FLAG_BOOL:
		if (!parse_bool(v, f->dst))
			return cf_cli_fail("invalid argument \"%s\" for \"%s\" flag: "
			    "strconv.ParseBool: parsing \"%s\": invalid syntax",
			    v, arg, v);
		return 0;
	case CF_FLAG_DUR:
		if (cf_duration_parse(f->dst, v) < 0)
			return cf_cli_fail("invalid argument \"%s\" for \"--%s\" flag: "
			    "time: invalid duration \"%s\"", v, f->name, v);
		return 0;
	case CF_FLAG_LIST:
		list_add(f->dst, v);
		return 0;
	}
	return 1;
}

/* The flag a names ("--name", "--name=v", "-s", "-sv"), with the value
 * written inside the same word in *inline_val. */
static const cf_flag *find_flag(const cf_flag *flags, const char *a,
    const char **inline_val)
{
	*inline_val = NULL;
	for (const cf_flag *f = flags; f && f->name; f++) {
		size_t n = strlen(f->name);

		if (a[1] == '-' && !strncmp(a + 2, f->name, n) &&
		    (a[2 + n] == 0 || a[2 + n] == '=')) {
			if (a[2 + n] == '=')
				*inline_val = a + 3 + n;
			return f;
		}
		if (a[1] != '-' && f->short_name && a[1] == f->short_name) {
			if (a[2])
				*inline_val = a[2] == '=' ? a + 3 : a + 2;
			return f;
		}
	}
	return NULL;
}

/* -h/--help: the command's flags, from its table, on stdout. */
static void print_help(const cf_flag *flags)
{
	static const char *const types[] = { " string", "", " duration",
	    " strings" };

	printf("Flags:\n");
	for (const cf_flag *f = flags; f && f->name; f++) {
		if (f->short_name)
			printf("  -%c, --%s%s\n", f->short_name, f->name,
			    types[f->type]);
		else
			printf("      --%s%s\n", f->name, types[f->type]);
	}
	printf("\nGlobal Flags:\n"
	    "  -A, --all-namespaces     list across all namespaces\n"
	    "      --context string     kubeconfig context to use\n"
	    "      --kubeconfig string  path to the kubeconfig file\n"
	    "  -n, --namespace string   the namespace scope for this operation "
	    "(default \"flux-system\")\n"
	    "      --timeout duration   timeout for this operation "
	    "(default 5m0s)\n");
}

/* pflag's interspersed parsing: flags and positional arguments may mix,
 * and "--" ends the flags. */
int cf_cli_parse(int argc, char **argv, const cf_flag *flags, char ***args,
    int *nargs)
{
	char **pos = cf_arena_zalloc(&cli_arena, (size_t)(argc + 1) * sizeof(*pos));
	int np = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		const cf_flag *f;

		if (a[0] != '-' || !a[1]) {
			pos[np++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc)
				pos[np++] = argv[i];
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			/* Help is the whole run, as with cobra. */
			print_help(flags);
			cf_cli_release();
			exit(0);
		}
		f = find_flag(flags, a, &v);
		if (!f) {
			size_t n = strcspn(a, "=");
			return cf_cli_fail("unknown %s: %.*s",
			    a[1] == '-' ? "flag" : "shorthand flag", (int)n, a);
		}
		/* A bare boolean flag means true; its value never comes
		 * from the next word ("--prune false" is two arguments). */
		if (!v && f->type == CF_FLAG_BOOL)
			v = "true";
		if (!v) {
			if (i + 1 >= argc)
				return cf_cli_fail("flag needs an argument: --%s",
				    f->name);
			v = argv[++i];
		}
		if (set_flag(f, a, v))
			return 1;
	}
	*args = pos;
	*nargs = np;
	return 0;
}

/* ---- tables ---- */

void cf_cli_table_init(cf_cli_table *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	cf_cli_table_row(t, header);
}

void cf_cli_table_row(cf_cli_table *t, const char *const *row)
{
	if (t->nrows + 1 > t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 8;
		const char **nc = cf_arena_alloc(&cli_arena,
		    na * t->ncols * sizeof(*nc));

		if (t->nrows)
			memcpy(nc, t->cells, t->nrows * t->ncols * sizeof(*nc));
		t->cells = nc;
		t->alloc = na;
	}
	for (size_t c = 0; c < t->ncols; c++)
		t->cells[t->nrows * t->ncols + c] = row[c] ? row[c] : "";
	t->nrows++;
}

/* Display width: code points, as runewidth counts the text flux prints. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* tablewriter's Title(): '_' becomes a space, then upper case. */
static const char *title(const char *h)
{
	char *r = cf_arena_strdup(&cli_arena, h);

	for (char *p = r; *p; p++)
		*p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
	return r;
}

static void pad(const char *s, size_t w)
{
	fputs(s, stdout);
	for (size_t n = width(s); n < w; n++)
		fputc(' ', stdout);
}

/*
 * The layout of olekukonko/tablewriter as flux configures it (no
 * borders, NoWhiteSpace, tab padding): widths come from the header too
 * unless it is left out, and the trailing tab and the header's trailing
 * space are part of the output users diff against.
 */
void cf_cli_table_print(const cf_cli_table *t)
{
	size_t *w = cf_arena_zalloc(&cli_arena, t->ncols * sizeof(*w));
	size_t first = t->no_header ? 1 : 0;

	for (size_t r = first; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cells[r * t->ncols + c];
			size_t n = width(r ? s : title(s));
			if (n > w[c])
				w[c] = n;
		}
	if (!t->no_header) {
		for (size_t c = 0; c < t->ncols; c++) {
			pad(title(t->cells[c]), w[c]);
			fputc(c + 1 == t->ncols ? ' ' : '\t', stdout);
		}
		fputc('\n', stdout);
	}
	for (size_t r = 1; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			pad(t->cells[r * t->ncols + c], w[c]);
			fputc('\t', stdout);
		}
		fputc('\n', stdout);
	}
	fflush(stdout);
}

struct row_watch {
	size_t ncols;
	const char *const *header;
	bool no_header;
	void (*add_row)(cf_cli_table *t, const cf_node *obj, void *payload);
	void *payload;
};

static int on_watch_event(enum cf_watch_event ev, const cf_node *obj,
    void *payload)
{
	struct row_watch *w = payload;
	cf_cli_table t;

	if (ev != CF_WATCH_ADDED && ev != CF_WATCH_MODIFIED)
		return 0;
	cf_cli_table_init(&t, w->ncols, w->header);
	t.no_header = w->no_header;
	w->add_row(&t, obj, w->payload);
	if (t.nrows > 1) {
		cf_cli_table_print(&t);
		w->no_header = true;
	}
	return 0;
}

int cf_cli_watch_rows(const char *api_version, const char *kind,
    const char *field_selector, size_t ncols, const char *const *header,
    bool no_header, void (*add_row)(cf_cli_table *t, const cf_node *obj,
    void *payload), void *payload)
{
	struct row_watch w = { ncols, header, no_header, add_row, payload };
	int64_t left = (cf_cli.deadline_ns - cf_cli_mono_ns()) / NS_PER_SEC;
	cf_client *c = cf_cli_client();

	if (!c)
		return 1;
	/* One stream that the server ends at the deadline. */
	if (cf_client_watch(c, api_version, kind, cf_cli.all_ns ? NULL :
	    cf_cli.ns, &(cf_watch_opts){ .field_selector = field_selector,
	    .timeout_seconds = left > 0 ? left : 1, .max_streams = 1,
	    .no_bookmarks = true }, on_watch_event, &w) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	return cf_cli_fail("timed out waiting for the condition");
}

/* ---- kinds ---- */

/* In flux's get all order: sources (as get sources all lists them),
 * then HelmRelease, then Kustomization. */
const cf_cli_kind cf_cli_kinds[] = {
	{ "OCIRepository", "source.toolkit.fluxcd.io/v1", "source oci",
	  "revision", true, "fetched revision" },
	{ "Bucket", "source.toolkit.fluxcd.io/v1", "source bucket",
	  "revision", true, "fetched revision" },
	{ "GitRepository", "source.toolkit.fluxcd.io/v1", "source git",
	  "revision", true, "fetched revision" },
	{ "HelmRepository", "source.toolkit.fluxcd.io/v1", "source helm",
	  "revision", true, "fetched revision" },
	{ "HelmChart", "source.toolkit.fluxcd.io/v1", "source chart",
	  "revision", true, "pulled chart version" },
	{ "HelmRelease", "helm.toolkit.fluxcd.io/v2", "helmrelease",
	  "lastAttemptedRevision", false, "applied revision" },
	{ "Kustomization", "kustomize.toolkit.fluxcd.io/v1", "kustomization",
	  "lastAppliedRevision", false, "applied revision" },
};
const size_t cf_cli_nkinds = sizeof(cf_cli_kinds) / sizeof(cf_cli_kinds[0]);

const cf_cli_kind *cf_cli_kind_by_name(const char *kind)
{
	for (size_t i = 0; i < cf_cli_nkinds; i++)
		if (!strcmp(cf_cli_kinds[i].kind, kind))
			return &cf_cli_kinds[i];
	return NULL;
}

/* Command words to kinds: flux's nouns and their aliases. The source
 * kinds are matched through the table's "source <noun>" names, so a new
 * source kind needs only a table row. */
const cf_cli_kind *cf_cli_kind_parse(int argc, char **argv, int *used)
{
	static const struct { const char *word; const char *kind; } words[] = {
		{ "kustomization", "Kustomization" },
		{ "kustomizations", "Kustomization" },
		{ "ks", "Kustomization" },
		{ "helmrelease", "HelmRelease" },
		{ "helmreleases", "HelmRelease" },
		{ "hr", "HelmRelease" },
	};

	if (argc < 1)
		return NULL;
	if ((!strcmp(argv[0], "source") || !strcmp(argv[0], "sources")) &&
	    argc >= 2) {
		for (size_t i = 0; i < cf_cli_nkinds; i++) {
			const char *h = cf_cli_kinds[i].human;
			if (!strncmp(h, "source ", 7) && !strcmp(h + 7, argv[1])) {
				*used = 2;
				return &cf_cli_kinds[i];
			}
		}
		return NULL;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(argv[0], words[i].word)) {
			*used = 1;
			return cf_cli_kind_by_name(words[i].kind);
		}
	return NULL;
}

const cf_cli_gvk cf_cli_flux_kinds[] = {
	{ "source.toolkit.fluxcd.io/v1", "GitRepository" },
	{ "source.toolkit.fluxcd.io/v1", "OCIRepository" },
	{ "source.toolkit.fluxcd.io/v1", "HelmRepository" },
	{ "source.toolkit.fluxcd.io/v1", "HelmChart" },
	{ "source.toolkit.fluxcd.io/v1", "Bucket" },
	{ "kustomize.toolkit.fluxcd.io/v1", "Kustomization" },
	{ "helm.toolkit.fluxcd.io/v2", "HelmRelease" },
	{ "notification.toolkit.fluxcd.io/v1beta3", "Alert" },
	{ "notification.toolkit.fluxcd.io/v1beta3", "Provider" },
	{ "notification.toolkit.fluxcd.io/v1", "Receiver" },
	{ "image.toolkit.fluxcd.io/v1", "ImageUpdateAutomation" },
	{ "image.toolkit.fluxcd.io/v1", "ImagePolicy" },
	{ "image.toolkit.fluxcd.io/v1", "ImageRepository" },
	{ "source.toolkit.fluxcd.io/v1", "ExternalArtifact" },
};
const size_t cf_cli_nflux_kinds =
    sizeof(cf_cli_flux_kinds) / sizeof(cf_cli_flux_kinds[0]);

/* ---- objects and readiness ---- */

const cf_node *cf_cli_condition(const cf_node *obj, const char *type)
{
	const cf_node *conds = cf_node_getp(obj, "status", "conditions", NULL);

	for (size_t i = 0; i < cf_node_count(conds); i++) {
		const cf_node *c = cf_node_at(conds, i);
		const char *t = cf_node_getp_str(c, "type", NULL);
		if (t && !strcmp(t, type))
			return c;
	}
	return NULL;
}

void cf_cli_ready(const cf_node *obj, const char **status, const char **msg)
{
	const cf_node *c = cf_cli_condition(obj, "Ready");

	if (!c) {
		*status = "False";
		*msg = "waiting to be reconciled";
		return;
	}
	*status = cf_node_getp_str(c, "status", NULL);
	*msg = cf_node_getp_str(c, "message", NULL);
	if (!*status)
		*status = "";
	if (!*msg)
		*msg = "";
}

const char *cf_cli_revision(const cf_cli_kind *k, const cf_node *obj)
{
	const char *r = k->artifact ?
	    cf_node_getp_str(obj, "status", "artifact", k->revision, NULL) :
	    cf_node_getp_str(obj, "status", k->revision, NULL);

	return r ? r : "";
}

static bool cond_is(const cf_node *obj, const char *type, const char *status)
{
	const char *s = cf_node_getp_str(cf_cli_condition(obj, type), "status",
	    NULL);

	return s && !strcmp(s, status);
}

/*
 * flux's isObjectReady: the Ready condition must speak for the current
 * generation (its own observedGeneration, or the status' one when the
 * condition has none), then kstatus decides: Stalled is a failure,
 * Reconciling still in progress, Ready=True done.
 */
int cf_cli_object_ready(const cf_node *obj, const char **why)
{
	int64_t gen = 0, observed = -1, cgen = 0;
	const cf_node *ready = cf_cli_condition(obj, "Ready");

	cf_node_as_int(cf_node_getp(obj, "metadata", "generation", NULL), &gen);
	cf_node_as_int(cf_node_getp(obj, "status", "observedGeneration", NULL),
	    &observed);
	cf_node_as_int(cf_node_get(ready, "observedGeneration"), &cgen);
	/* Not reconciled yet, or Ready speaks for an older generation. */
	if (observed < 1 || !ready)
		return 0;
	if ((cgen && cgen != gen) || (!cgen && observed != gen))
		return 0;
	if (cf_node_getp(obj, "metadata", "deletionTimestamp", NULL))
		return 0;
	if (cond_is(obj, "Stalled", "True")) {
		*why = cf_node_getp_str(cf_cli_condition(obj, "Stalled"),
		    "message", NULL);
		return -1;
	}
	if (cond_is(obj, "Reconciling", "True"))
		return 0;
	if (cond_is(obj, "Ready", "True"))
		return 1;
	if (cond_is(obj, "Ready", "False")) {
		/* Flux objects fail fast: Ready=False for the observed
		 * generation is the result of the attempt. */
		*why = cf_node_getp_str(ready, "message", NULL);
		return -1;
	}
	return 0;
}

int cf_cli_poll(int (*fn)(void *payload), void *payload)
{
	for (;;) {
		struct timespec ts = { cf_cli.poll_ns / NS_PER_SEC,
		    cf_cli.poll_ns % NS_PER_SEC };
		int r = fn(payload);

		if (r)
			return r;
		if (cf_cli_mono_ns() + cf_cli.poll_ns > cf_cli.deadline_ns)
			return CF_ETIMEOUT;
		nanosleep(&ts, NULL);
	}
}

struct ready_wait {
	const cf_cli_kind *kind;
	const char *ns, *name, *why;
	bool handshake;
	const char *before;
	cf_node *obj;
};

/* One readiness probe: read the object, then judge it. An API error
 * ends the wait (flux's condition functions return it too). */
static int ready_poll(void *payload)
{
	struct ready_wait *w = payload;
	int err = cf_client_get(&w->obj, &cli_arena, cf_cli_client(),
	    w->kind->api_version, w->kind->kind, w->ns, w->name);
	const char *last;
	int r;

	if (err < 0) {
		w->why = cf_arena_strdup(&cli_arena, cf_error_msg());
		w->obj = NULL;
		return -1;
	}
	/* The controller has not handled this request yet. */
	last = cf_node_getp_str(w->obj, "status", "lastHandledReconcileAt", NULL);
	if (w->handshake && (!last || (w->before && !strcmp(last, w->before))))
		return 0;
	r = cf_cli_object_ready(w->obj, &w->why);
	if (r < 0 && !w->why)
		w->why = "reconciliation failed";
	return r;
}

int cf_cli_wait_ready(cf_node **out, const char **why, const cf_cli_kind *k,
    const char *ns, const char *name, bool handshake, const char *before)
{
	struct ready_wait w = { k, ns, name, NULL, handshake, before, NULL };
	int r;

	if (!cf_cli_client()) {
		*why = "no API client";
		return -1;
	}
	r = cf_cli_poll(ready_poll, &w);
	*out = w.obj;
	if (r == 1)
		return 0;
	*why = r == CF_ETIMEOUT ? "context deadline exceeded" : w.why;
	return -1;
}

int cf_cli_parse_kind(int argc, char **argv, const cf_flag *flags,
    const char *usage, const cf_cli_kind **k, char ***rest, int *nrest)
{
	char **args;
	int nargs, used = 0;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	*k = cf_cli_kind_parse(nargs, args, &used);
	if (!*k) {
		fprintf(stderr, "usage: %s\n", usage);
		return 1;
	}
	*rest = args + used;
	*nrest = nargs - used;
	return 0;
}

cf_node *cf_cli_get(const cf_cli_kind *k, const char *ns, const char *name)
{
	cf_client *c = cf_cli_client();
	cf_node *obj;
	int err;

	if (!c)
		return NULL;
	err = cf_client_get(&obj, &cli_arena, c, k->api_version, k->kind, ns,
	    name);
	if (err < 0) {
		cf_cli_fail("%s", cf_error_msg());
		return NULL;
	}
	return obj;
}

const cf_node *cf_cli_server_version(void)
{
	cf_client *c = cf_cli_client_try();
	cf_node *v;

	if (!c || cf_client_do(&v, cf_cli_arena(), c, "GET", "/version", NULL,
	    NULL, 0, 0) < 0)
		return NULL;
	return v;
}

const cf_node *cf_cli_flux_deployments(void)
{
	cf_node *list;

	if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(), "apps/v1",
	    "Deployment", cf_cli.ns, &(cf_list_opts){
	    .label_selector = "app.kubernetes.io/part-of=flux" }) < 0)
		return NULL;
	return cf_node_get(list, "items");
}

int cf_cli_merge_patch(const cf_cli_kind *k, const char *ns, const char *name,
    const char *patch)
{
	cf_client *c = cf_cli_client();

	if (!c)
		return 1;
	if (cf_client_patch(NULL, cf_cli_arena(), c, k->api_version, k->kind, ns,
	    name, CF_PATCH_MERGE, patch, strlen(patch), NULL) < 0)
		return cf_cli_fail("%s", cf_error_msg());
	return 0;
}

bool cf_cli_suspended(const cf_node *obj)
{
	const cf_node *s = cf_node_getp(obj, "spec", "suspend", NULL);

	return cf_node_is(s, CF_NODE_BOOL) && s->v.b;
}

/* promptui's confirm as flux uses it: only y or Y goes ahead, and an
 * empty answer or a closed stdin is a no. */
bool cf_cli_confirm(const char *question)
{
	char line[64];

	fprintf(stderr, "? %s [y/N] ", question);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	/* A terminal echoed the answer and its newline; a pipe did not. */
	if (!isatty(0))
		fputc('\n', stderr);
	return line[0] == 'y' || line[0] == 'Y';
}
