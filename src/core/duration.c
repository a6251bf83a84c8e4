/* SPDX-License-Identifier: Apache-2.0 */
#include "core/duration.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"

static const struct unit {
	const char *name;
	int64_t ns;
} units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "\xc2\xb5s", 1000 },
	{ "\xce\xbcs", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	{ "m", 60 * (int64_t)1000000000 }, { "h", 3600 * (int64_t)1000000000 },
};

/* The unit at *p (longest match), advancing p; NULL if none. */
static const struct unit *unit_at(const char **p)
{
	const struct unit *best = NULL;
	size_t blen = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t l = strlen(units[i].name);

		if (l > blen && !strncmp(*p, units[i].name, l)) {
			best = &units[i];
			blen = l;
		}
	}
	*p += blen;
	return best;
}

/* One "<number><unit>" term: whole and fractional parts scaled. */
static int term(const char **p, double *acc)
{
	const char *s = *p;
	double whole = 0, frac = 0, scale = 1;
	int digits = 0;
	const struct unit *u;

	while (*s >= '0' && *s <= '9') {
		whole = whole * 10 + (*s++ - '0');
		digits++;
	}
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			scale /= 10;
			frac += (*s++ - '0') * scale;
			digits++;
		}
	}
	if (!digits || !(u = unit_at(&s)))
		return -1;
	*acc += (whole + frac) * (double)u->ns;
	*p = s;
	return 0;
}

int cf_duration_parse(int64_t *ns, const char *s)
{
	const char *p = s;
	double acc = 0;
	int neg = 0;

	if (!s || !*s)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid duration \"\"");
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!*p)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "invalid duration \"%.64s\"", s);
	if (!strcmp(p, "0")) {
		*ns = 0;
		return 0;
	}
	while (*p)
		if (term(&p, &acc) < 0)
			return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
			    "invalid duration \"%.64s\"", s);
	if (acc > 9.2e18)
		return cf_error_setc(CF_EINVALID, CF_ERR_INVALID,
		    "duration \"%.64s\" is too long", s);
	*ns = neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

/* Seconds with the fraction Go prints ("1.5s"), trailing zeros cut. */
static size_t frac_seconds(char *out, size_t n, int64_t ns, int64_t unit,
    const char *suffix)
{
	char f[32];
	int64_t w = ns / unit, r = ns % unit;
	int width = unit == 1000000000 ? 9 : unit == 1000000 ? 6 : 3;
	size_t l;

	if (!r)
		return (size_t)snprintf(out, n, "%lld%s", (long long)w, suffix);
	snprintf(f, sizeof(f), "%0*lld", width, (long long)r);
	l = strlen(f);
	while (l && f[l - 1] == '0')
		f[--l] = '\0';
	return (size_t)snprintf(out, n, "%lld.%s%s", (long long)w, f, suffix);
}

char *cf_duration_format(char *out, size_t n, int64_t ns)
{
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	const char *sign = ns < 0 ? "-" : "";
	char body[64];
	int64_t h, m, rest;

	if (u == 0)
		snprintf(body, sizeof(body), "0s");
	else if (u < 1000)
		snprintf(body, sizeof(body), "%lluns", (unsigned long long)u);
	else if (u < 1000000)
		frac_seconds(body, sizeof(body), (int64_t)u, 1000, "\xc2\xb5s");
	else if (u < 1000000000)
		frac_seconds(body, sizeof(body), (int64_t)u, 1000000, "ms");
	else {
		h = (int64_t)(u / 3600000000000ull);
		m = (int64_t)(u / 60000000000ull % 60);
		rest = (int64_t)(u % 60000000000ull);
		char sec[32];

		frac_seconds(sec, sizeof(sec), rest, 1000000000, "s");
		if (h)
			snprintf(body, sizeof(body), "%lldh%lldm%s",
			    (long long)h, (long long)m, sec);
		else if (m)
			snprintf(body, sizeof(body), "%lldm%s", (long long)m,
			    sec);
		else
			snprintf(body, sizeof(body), "%s", sec);
	}
	snprintf(out, n, "%s%s", sign, body);
	return out;
}
