/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/base64.h"
#include "core/error.h"

static const char *enc(cf_buf *b, const char *s, bool url)
{
	cf_buf_reset(b);
	cf_base64_encode(b, s, strlen(s), url);
	return b->buf;
}

TEST(test_core_base64__rfc4648_vectors)
{
	cf_buf b = CF_BUF_INIT;

	CHECK_STR(enc(&b, "", false), "");
	CHECK_STR(enc(&b, "f", false), "Zg==");
	CHECK_STR(enc(&b, "fo", false), "Zm8=");
	CHECK_STR(enc(&b, "foo", false), "Zm9v");
	CHECK_STR(enc(&b, "foob", false), "Zm9vYg==");
	CHECK_STR(enc(&b, "fooba", false), "Zm9vYmE=");
	CHECK_STR(enc(&b, "foobar", false), "Zm9vYmFy");
	CHECK_STR(enc(&b, "f", true), "Zg");
	CHECK_STR(enc(&b, "\xfb\xff", true), "-_8");
	cf_buf_release(&b);
}

TEST(test_core_base64__decode_round_trip_and_errors)
{
	cf_buf b = CF_BUF_INIT;
	unsigned char all[256];

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	cf_buf e = CF_BUF_INIT;
	cf_base64_encode(&e, all, sizeof(all), false);
	CHECK_INT(cf_base64_decode(&b, e.buf, e.len, false), 0);
	CHECK_INT(b.len, 256);
	CHECK(!memcmp(b.buf, all, 256));
	cf_buf_reset(&b);
	CHECK_INT(cf_base64_decode(&b, "Zm9v!", 5, false), CF_EINVALID);
	CHECK(strstr(cf_error_msg(), "byte 4") != NULL);
	cf_buf_reset(&b);
	CHECK_INT(cf_base64_decode(&b, "Zg", 2, true), 0);
	CHECK_STR(b.buf, "f");
	cf_buf_release(&b);
	cf_buf_release(&e);
}

TEST_MAIN(T(test_core_base64__rfc4648_vectors),
    T(test_core_base64__decode_round_trip_and_errors))
