/* SPDX-License-Identifier: Apache-2.0 */
/* Go duration text: what metav1.Duration fields hold. */
#include <string.h>

#include "core/duration.h"
#include "core/error.h"
#include "test.h"

TEST(test_core_duration__parse)
{
	static const struct {
		const char *in;
		int64_t ns;
	} ok[] = {
		{ "0", 0 }, { "0s", 0 }, { "1m", 60000000000LL },
		{ "1m0s", 60000000000LL }, { "5m30s", 330000000000LL },
		{ "1h", 3600000000000LL }, { "1.5s", 1500000000LL },
		{ "750ms", 750000000LL }, { "10us", 10000 },
		{ "-2s", -2000000000LL }, { "1h2m3s4ms", 3723004000000LL },
		{ "90s", 90000000000LL },
	};
	static const char *const bad[] = { "", "1", "m", "1d", "1 m", "s1",
		"1..5s", "-", "100000000000h" };
	int64_t ns;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_INT(cf_duration_parse(&ns, ok[i].in), 0);
		CHECK_INT(ns, ok[i].ns);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_INT(cf_duration_parse(&ns, bad[i]), CF_EINVALID);
}

TEST(test_core_duration__format_like_go)
{
	char b[32];

	CHECK_STR(cf_duration_format(b, sizeof(b), 0), "0s");
	CHECK_STR(cf_duration_format(b, sizeof(b), 60000000000LL), "1m0s");
	CHECK_STR(cf_duration_format(b, sizeof(b), 3600000000000LL),
	    "1h0m0s");
	CHECK_STR(cf_duration_format(b, sizeof(b), 1500000000LL), "1.5s");
	CHECK_STR(cf_duration_format(b, sizeof(b), 750000000LL), "750ms");
	CHECK_STR(cf_duration_format(b, sizeof(b), -90000000000LL),
	    "-1m30s");
	CHECK_STR(cf_duration_format(b, sizeof(b), 5400000000000LL),
	    "1h30m0s");
}

TEST_MAIN(T(test_core_duration__parse), T(test_core_duration__format_like_go))
