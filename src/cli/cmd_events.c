/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cflux events [-A] [--for Kind/name] [--types ...] [--watch]: the
 * core/v1 Events whose involved object is a Flux kind, oldest first,
 * with flux's LAST SEEN wording (kubectl's HumanDuration).
 */
#include "cli/cmd.h"
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/error.h"

/* flux events shows only Events about its own kinds. */
static bool is_flux_kind(const char *k)
{
	for (size_t i = 0; k && i < cf_cli_nflux_kinds; i++)
		if (!strcmp(cf_cli_flux_kinds[i].kind, k))
			return true;
	return false;
}

/* Seconds since the epoch of an RFC 3339 time; 0 when absent or bad. */
static double parse_time(const char *s)
{
	struct tm tm = { 0 };
	const char *p;
	double frac = 0;

	if (!s || !(p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	if (*p == '.')
		frac = strtod(p, (char **)&p);
	/* Kubernetes writes UTC ("Z"); an offset is honoured too. */
	if (*p == '+' || *p == '-') {
		int h = 0, m = 0, sign = *p == '-' ? -1 : 1;
		sscanf(p + 1, "%d:%d", &h, &m);
		return (double)timegm(&tm) + frac - sign * (h * 3600 + m * 60);
	}
	return (double)timegm(&tm) + frac;
}

/* apimachinery's HumanDuration. */
static const char *human_duration(double secs)
{
	cf_arena *a = cf_cli_arena();
	long long s = (long long)secs, m = s / 60, h = s / 3600, d = h / 24;

	if (s < -1)
		return "<invalid>";
	if (s < 0)
		return "0s";
	if (s < 120)
		return cf_arena_printf(a, "%llds", s);
	if (m < 10)
		return s % 60 ? cf_arena_printf(a, "%lldm%llds", m, s % 60) :
		    cf_arena_printf(a, "%lldm", m);
	if (m < 180)
		return cf_arena_printf(a, "%lldm", m);
	if (h < 8)
		return m % 60 ? cf_arena_printf(a, "%lldh%lldm", h, m % 60) :
		    cf_arena_printf(a, "%lldh", h);
	if (h < 48)
		return cf_arena_printf(a, "%lldh", h);
	if (h < 24 * 8)
		return h % 24 ? cf_arena_printf(a, "%lldd%lldh", d, h % 24) :
		    cf_arena_printf(a, "%lldd", d);
	if (h < 24 * 365 * 2)
		return cf_arena_printf(a, "%lldd", d);
	if (h < 24 * 365 * 8)
		return d % 365 ? cf_arena_printf(a, "%lldy%lldd", d / 365, d % 365) :
		    cf_arena_printf(a, "%lldy", d / 365);
	return cf_arena_printf(a, "%lldy", d / 365);
}

static const char *since(double now, const char *ts)
{
	double t = parse_time(ts);

	return t ? human_duration(now - t) : "<unknown>";
}

/* The time events sort by: series, lastTimestamp, eventTime. */
static double event_time(const cf_node *e)
{
	double t = parse_time(cf_node_getp_str(e, "series", "lastObservedTime",
	    NULL));

	if (!t)
		t = parse_time(cf_node_getp_str(e, "lastTimestamp", NULL));
	if (!t)
		t = parse_time(cf_node_getp_str(e, "eventTime", NULL));
	return t;
}

/* flux's LAST SEEN: age of the first occurrence, or "<last> (xN over
 * <first>)" for a repeated event or an event series. */
static const char *last_seen(double now, const cf_node *e)
{
	const char *first = cf_node_getp_str(e, "eventTime", NULL);
	const char *fs;
	int64_t count = 0;

	fs = since(now, first ? first : cf_node_getp_str(e, "firstTimestamp",
	    NULL));
	if (cf_node_get(e, "series")) {
		cf_node_as_int(cf_node_getp(e, "series", "count", NULL), &count);
		return cf_arena_printf(cf_cli_arena(), "%s (x%lld over %s)",
		    since(now, cf_node_getp_str(e, "series", "lastObservedTime",
		    NULL)), (long long)count, fs);
	}
	cf_node_as_int(cf_node_get(e, "count"), &count);
	if (count > 1)
		return cf_arena_printf(cf_cli_arena(), "%s (x%lld over %s)",
		    since(now, cf_node_getp_str(e, "lastTimestamp", NULL)),
		    (long long)count, fs);
	return fs;
}

static int by_time(const void *x, const void *y)
{
	double a = event_time(*(const cf_node *const *)x);
	double b = event_time(*(const cf_node *const *)y);

	return a < b ? -1 : a > b;
}

/* --types Normal,Warning, compared case-insensitively. */
static bool type_wanted(const cf_cli_list *types, const char *t)
{
	if (!types->n)
		return true;
	for (size_t i = 0; i < types->n; i++)
		if (t && !strcasecmp(types->v[i], t))
			return true;
	return false;
}

static const char *const event_hdr[] = { "Namespace", "Last seen", "Type",
    "Reason", "Object", "Message" };

static void events_table(cf_cli_table *t)
{
	cf_cli_table_init(t, cf_cli.all_ns ? 6 : 5,
	    cf_cli.all_ns ? event_hdr : event_hdr + 1);
}

/* Add e's row unless flux would leave it out (not a Flux kind, or a type
 * --types did not ask for). */
static void event_row(cf_cli_table *t, const cf_node *e,
    const cf_cli_list *types)
{
	const char *row[6], *kind = cf_node_getp_str(e, "involvedObject",
	    "kind", NULL);
	struct timespec now;
	int j = 0;

	if (!is_flux_kind(kind) ||
	    !type_wanted(types, cf_node_getp_str(e, "type", NULL)))
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	if (cf_cli.all_ns)
		row[j++] = cf_node_getp_str(e, "metadata", "namespace", NULL);
	row[j++] = last_seen((double)now.tv_sec, e);
	row[j++] = cf_node_getp_str(e, "type", NULL);
	row[j++] = cf_node_getp_str(e, "reason", NULL);
	row[j++] = cf_arena_printf(cf_cli_arena(), "%s/%s", kind,
	    cf_node_getp_str(e, "involvedObject", "name", NULL));
	row[j++] = cf_node_getp_str(e, "message", NULL);
	cf_cli_table_row(t, row);
}

static void watch_row(cf_cli_table *t, const cf_node *e, void *payload)
{
	event_row(t, e, payload);
}

/* Append the items of one Event list (ns NULL: all namespaces) to the
 * growing array *ev of *n. Prints and returns 1 on failure. */
static int add_events(const cf_node ***ev, size_t *n, const char *ns,
    const char *field)
{
	cf_node *list;
	const cf_node *items, **grown;

	if (cf_client_list(&list, cf_cli_arena(), cf_cli_client(), "v1", "Event",
	    ns, &(cf_list_opts){ .field_selector = field }) < 0)
		return cf_cli_fail("error getting events: %s", cf_error_msg());
	items = cf_node_get(list, "items");
	grown = cf_arena_alloc(cf_cli_arena(),
	    (*n + cf_node_count(items) + 1) * sizeof(*grown));
	if (*n)
		memcpy(grown, *ev, *n * sizeof(*grown));
	for (size_t i = 0; i < cf_node_count(items); i++)
		grown[(*n)++] = cf_node_at(items, i);
	*ev = grown;
	return 0;
}

/*
 * --for Kustomization/NAME also shows the events of its source, as flux
 * does, from the source's namespace; a source elsewhere turns the
 * NAMESPACE column on. Returns 1 after printing a failure.
 */
static int add_source_events(const cf_node ***ev, size_t *n,
    const char *kind, const char *name)
{
	const cf_cli_kind *k = cf_cli_kind_by_name(kind);
	const char *skind, *sname, *sns;
	cf_node *obj;

	if (!k || strcmp(kind, "Kustomization") ||
	    cf_client_get(&obj, cf_cli_arena(), cf_cli_client(), k->api_version,
	    kind, cf_cli.ns, name) < 0)
		return 0;
	skind = cf_node_getp_str(obj, "spec", "sourceRef", "kind", NULL);
	sname = cf_node_getp_str(obj, "spec", "sourceRef", "name", NULL);
	sns = cf_node_getp_str(obj, "spec", "sourceRef", "namespace", NULL);
	if (!skind || !sname)
		return 0;
	if (!sns || !*sns)
		sns = cf_cli.ns;
	if (strcmp(sns, cf_cli.ns))
		cf_cli.all_ns = true;
	return add_events(ev, n, sns, cf_arena_printf(cf_cli_arena(),
	    "involvedObject.kind=%s,involvedObject.name=%s", skind, sname));
}

int cf_cmd_events(int argc, char **argv)
{
	const char *for_ = NULL;
	cf_cli_list types = { 0 };
	bool watch = false;
	const cf_flag flags[] = {
		{ "for", 0, CF_FLAG_STR, &for_ },
		{ "types", 0, CF_FLAG_LIST, &types },
		{ "watch", 'w', CF_FLAG_BOOL, &watch },
		{ NULL, 0, 0, NULL },
	};
	cf_client *c;
	const cf_node **ev = NULL;
	size_t n = 0;
	const char *for_kind = NULL, *for_name = NULL;
	char **args, *field = NULL;
	int nargs;
	cf_cli_table t;

	if (cf_cli_parse(argc, argv, flags, &args, &nargs))
		return 1;
	for (size_t i = 0; i < types.n; i++)
		if (strcasecmp(types.v[i], "Normal") &&
		    strcasecmp(types.v[i], "Warning"))
			return cf_cli_fail("type '%s' not supported. Supported types "
			    "are Normal, Warning", types.v[i]);
	/* --for Kind[/name] becomes a field selector on involvedObject,
	 * so the server does the filtering. */
	if (for_) {
		const char *sl = strchr(for_, '/');
		char *kind;

		if (sl && (!sl[1] || sl == for_ || strchr(sl + 1, '/')))
			return cf_cli_fail("--for selector must be of format "
			    "<kind>[/<name>]");
		kind = sl ? cf_arena_strndup(cf_cli_arena(), for_,
		    (size_t)(sl - for_)) : cf_arena_strdup(cf_cli_arena(), for_);
		/* The kind as the user wrote it, any case: flux's map. */
		for (size_t i = 0; i < cf_cli_nflux_kinds; i++)
			if (!strcasecmp(cf_cli_flux_kinds[i].kind, kind))
				for_kind = cf_cli_flux_kinds[i].kind;
		if (!for_kind)
			return cf_cli_fail("'%s' is not a recognized Flux kind", kind);
		for_name = sl ? sl + 1 : NULL;
		field = for_name ? cf_arena_printf(cf_cli_arena(),
		    "involvedObject.kind=%s,involvedObject.name=%s", for_kind,
		    for_name) : cf_arena_printf(cf_cli_arena(),
		    "involvedObject.kind=%s", for_kind);
	}
	if (!(c = cf_cli_client()))
		return 1;
	if (watch)
		return cf_cli_watch_rows("v1", "Event", field, cf_cli.all_ns ? 6 : 5,
		    cf_cli.all_ns ? event_hdr : event_hdr + 1, false, watch_row,
		    &types);
	if (add_events(&ev, &n, cf_cli.all_ns ? NULL : cf_cli.ns, field))
		return 1;
	if (for_name && add_source_events(&ev, &n, for_kind, for_name))
		return 1;
	qsort(ev, n, sizeof(*ev), by_time);
	events_table(&t);
	for (size_t i = 0; i < n; i++)
		event_row(&t, ev[i], &types);
	if (t.nrows == 1) {
		if (cf_cli.all_ns)
			cf_cli_fail("No events found.");
		else
			cf_cli_fail("No events found in %s namespace.", cf_cli.ns);
		return 0;
	}
	cf_cli_table_print(&t);
	return 0;
}
