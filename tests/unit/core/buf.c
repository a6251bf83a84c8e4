/* SPDX-License-Identifier: Apache-2.0 */
#include "test.h"
#include "core/buf.h"
#include "core/error.h"

#include <stdlib.h>

TEST(test_core_buf__init_is_empty_string)
{
	cf_buf b = CF_BUF_INIT;

	CHECK_STR(b.buf, "");
	CHECK_INT(b.len, 0);
	cf_buf_release(&b);
}

TEST(test_core_buf__addf_grows)
{
	cf_buf b = CF_BUF_INIT;

	for (int i = 0; i < 1000; i++)
		CHECK_INT(cf_buf_addf(&b, "%d,", i), 0);
	CHECK(b.len > 3000);
	CHECK(!strncmp(b.buf, "0,1,2,", 6));
	CHECK_INT(b.buf[b.len], 0);
	size_t n;
	char *p = cf_buf_detach(&b, &n);
	CHECK_INT(strlen(p), n);
	CHECK_INT(b.len, 0);
	free(p);
}

TEST(test_core_buf__cap_refuses_growth)
{
	cf_buf b;

	cf_buf_init_capped(&b, 8);
	CHECK_INT(cf_buf_adds(&b, "12345678"), 0);
	CHECK_INT(cf_buf_addch(&b, '9'), CF_ETOOLARGE);
	CHECK_STR(b.buf, "12345678");
	CHECK_INT(cf_error_last()->code, CF_ETOOLARGE);
	cf_buf_release(&b);
}

TEST(test_core_buf__json_string_escapes_like_go)
{
	cf_buf b = CF_BUF_INIT;

	cf_buf_add_json_str(&b, "a\"b\\c\n<&>\x01\xe2\x80\xa8\xc3\xa9", 15);
	CHECK_STR(b.buf,
	    "\"a\\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u0001\\u2028\xc3\xa9\"");
	cf_buf_reset(&b);
	/* Invalid UTF-8 becomes \ufffd, as Go writes it. */
	cf_buf_add_json_str(&b, "x\xffy", 3);
	CHECK_STR(b.buf, "\"x\\ufffdy\"");
	cf_buf_release(&b);
}

TEST_MAIN(T(test_core_buf__init_is_empty_string), T(test_core_buf__addf_grows),
    T(test_core_buf__cap_refuses_growth),
    T(test_core_buf__json_string_escapes_like_go))
