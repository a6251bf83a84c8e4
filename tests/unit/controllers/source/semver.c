/* SPDX-License-Identifier: Apache-2.0 */
#include "controllers/source/git.h"
#include "core/error.h"
#include "test.h"

#define YES(r, v) CHECK_INT(cf_git_semver_match(r, v), 1)
#define NO(r, v) CHECK_INT(cf_git_semver_match(r, v), 0)

TEST(test_source_semver__compare)
{
	CHECK(cf_git_semver_cmp("1.2.3", "1.10.0") < 0);
	CHECK(cf_git_semver_cmp("v2.0.0", "1.99.99") > 0);
	CHECK(cf_git_semver_cmp("1.0.0-alpha", "1.0.0") < 0);
	CHECK(cf_git_semver_cmp("1.0.0-alpha", "1.0.0-alpha.1") < 0);
	CHECK(cf_git_semver_cmp("1.0.0-alpha.1", "1.0.0-alpha.beta") < 0);
	CHECK(cf_git_semver_cmp("1.0.0-beta.2", "1.0.0-beta.11") < 0);
	CHECK(cf_git_semver_cmp("1.0.0-rc.1", "1.0.0") < 0);
	CHECK_INT(cf_git_semver_cmp("1.0.0+build", "1.0.0"), 0);
}

TEST(test_source_semver__ranges)
{
	YES(">=1.2.0", "1.2.0");
	YES(">=1.2.0", "v1.3.0");
	NO(">=1.2.0", "1.1.9");
	YES(">=1.0.0 <2.0.0", "1.9.9");
	NO(">=1.0.0 <2.0.0", "2.0.0");
	YES(">=1.0.0, <2.0.0", "1.0.0");
	YES("> 1.2", "1.3.0");
	NO(">1.2", "1.2.9");
	YES("<=1.2", "1.2.9");
	NO("<=1.2", "1.3.0");
	/* tilde */
	YES("~1.2.3", "1.2.9");
	NO("~1.2.3", "1.3.0");
	NO("~1.2.3", "1.2.2");
	YES("~1", "1.9.0");
	NO("~1", "2.0.0");
	/* caret */
	YES("^1.2.3", "1.9.0");
	NO("^1.2.3", "2.0.0");
	YES("^0.2.3", "0.2.9");
	NO("^0.2.3", "0.3.0");
	YES("^0.0.3", "0.0.3");
	NO("^0.0.3", "0.0.4");
	/* wildcards */
	YES("1.2.x", "1.2.7");
	NO("1.2.x", "1.3.0");
	YES("1.x", "1.8.0");
	YES("*", "3.0.0");
	YES("1.2", "1.2.5");
	/* hyphen, or, not-equal */
	YES("1.2 - 1.4.5", "1.4.5");
	NO("1.2 - 1.4.5", "1.4.6");
	YES("1.2.3 - 1.4", "1.4.9");
	YES("<1.0.0 || >=3.0.0", "3.1.0");
	NO("<1.0.0 || >=3.0.0", "2.0.0");
	NO("!=1.2.3", "1.2.3");
	YES(">=1.0.0 !=1.2.3", "1.2.4");
	/* pre-releases only when asked for */
	NO(">=1.0.0", "1.5.0-rc.1");
	NO("*", "1.0.0-alpha");
	YES(">=1.5.0-rc.0", "1.5.0-rc.1");
	YES(">=1.0.0-0 <2.0.0", "1.5.0-beta");
	/* not versions at all */
	NO(">=1.0.0", "latest");
	NO(">=1.0.0", "1.2.3.4");
	CHECK_INT(cf_git_semver_match(">=x.y", "1.0.0"), CF_EINVALID);
	CHECK_INT(cf_git_semver_match("", "1.0.0"), CF_EINVALID);
	CHECK_INT(cf_git_semver_match("=>1.0", "1.0.0"), CF_EINVALID);
}

TEST(test_source_semver__revision)
{
	char out[320];
	const char *c = "0123456789abcdef0123456789abcdef01234567";

	cf_git_revision(out, sizeof(out), "refs/heads/main", c, 0);
	CHECK_STR(out, "main@sha1:0123456789abcdef0123456789abcdef01234567");
	cf_git_revision(out, sizeof(out), "refs/heads/feat/x", c, 0);
	CHECK(!strncmp(out, "feat/x@sha1:", 12));
	cf_git_revision(out, sizeof(out), "refs/tags/v1.0", c, 0);
	CHECK(!strncmp(out, "v1.0@sha1:", 10));
	cf_git_revision(out, sizeof(out), "refs/pull/420/head", c, 1);
	CHECK(!strncmp(out, "refs/pull/420/head@sha1:", 24));
	cf_git_revision(out, sizeof(out), "", c, 0);
	CHECK(!strncmp(out, "sha1:0123", 9));
}

TEST(test_source_semver__redact)
{
	char out[256];

	CHECK_STR(cf_git_redact_url(out, sizeof(out),
	    "https://user:s3cret@example.com/org/repo.git?token=abc#x"),
	    "https://example.com/org/repo.git");
	CHECK_STR(cf_git_redact_url(out, sizeof(out),
	    "ssh://git@example.com:22/repo"), "ssh://example.com:22/repo");
	/* Userinfo runs to the last '@' (a password may hold an unencoded
	 * '/'), so an '@' in a path hides what precedes it: the safe side. */
	CHECK_STR(cf_git_redact_url(out, sizeof(out),
	    "https://example.com/a@b"), "https://b");
	CHECK_STR(cf_git_redact_url(out, sizeof(out),
	    "https://u:p/a?b#c@example.com/r.git"), "https://example.com/r.git");
}

TEST_MAIN(T(test_source_semver__compare), T(test_source_semver__ranges),
    T(test_source_semver__revision), T(test_source_semver__redact))
