/* SPDX-License-Identifier: Apache-2.0 */
/* The in-memory ring of recent log lines cfluxd serves as its Pod's log. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "test.h"

/* The lines go to stderr too: keep the test output readable. */
static void quiet_stderr(void)
{
	static int done;
	int fd;

	if (done++)
		return;
	fd = open("/dev/null", O_WRONLY);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static size_t count_lines(const cf_buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->buf[i] == '\n';
	return n;
}

static const cf_log_ring_query all = { .tail = -1 };

TEST(test_core_log_ring__keeps_the_newest_lines)
{
	cf_buf b = CF_BUF_INIT;
	char msg[32];
	uint64_t last;

	quiet_stderr();
	cf_log_ring_enable(1 << 20, 5);
	for (int i = 0; i < 12; i++) {
		snprintf(msg, sizeof(msg), "line %02d", i);
		cf_log(CF_LOG_INFO, msg, "name", "podinfo", (const char *)NULL);
	}
	last = cf_log_ring_read(&b, &all);
	CHECK_INT(count_lines(&b), 5);
	/* The five newest, oldest first, each a whole JSON line. */
	CHECK(strstr(b.buf, "\"msg\":\"line 07\"") != NULL);
	CHECK(strstr(b.buf, "\"msg\":\"line 06\"") == NULL);
	CHECK(strstr(b.buf, "line 07") < strstr(b.buf, "line 11"));
	CHECK(!strncmp(b.buf, "{\"level\":\"info\"", 15));
	CHECK(b.buf[b.len - 1] == '\n');

	/* tail, then resuming after the last sequence number. */
	cf_buf_reset(&b);
	cf_log_ring_read(&b, &(cf_log_ring_query){ .tail = 2 });
	CHECK_INT(count_lines(&b), 2);
	CHECK(strstr(b.buf, "line 10") && strstr(b.buf, "line 11"));
	cf_buf_reset(&b);
	CHECK_INT(cf_log_ring_read(&b, &(cf_log_ring_query){ .after = last,
	    .tail = -1 }), last);
	CHECK_INT(b.len, 0);
	cf_log(CF_LOG_ERROR, "after", (const char *)NULL);
	CHECK_INT(cf_log_ring_read(&b, &(cf_log_ring_query){ .after = last,
	    .tail = -1 }), last + 1);
	CHECK_INT(count_lines(&b), 1);
	CHECK(strstr(b.buf, "\"level\":\"error\"") != NULL);
	cf_buf_release(&b);
	cf_log_ring_enable(0, 0);
}

TEST(test_core_log_ring__byte_budget_wraps)
{
	cf_buf b = CF_BUF_INIT;
	char msg[64];

	cf_log_ring_enable(1000, 1000);
	for (int i = 0; i < 100; i++) {
		snprintf(msg, sizeof(msg), "message number %03d", i);
		cf_log(CF_LOG_INFO, msg, (const char *)NULL);
	}
	cf_log_ring_read(&b, &all);
	CHECK(b.len <= 1000);
	CHECK(b.len > 1000 - 120); /* nearly full: only whole lines go */
	CHECK(strstr(b.buf, "number 099") != NULL);
	CHECK(strstr(b.buf, "number 000") == NULL);
	/* Every kept line is whole. */
	for (char *p = b.buf; p < b.buf + b.len; p = strchr(p, '\n') + 1)
		CHECK(!strncmp(p, "{\"level\"", 8));
	cf_buf_release(&b);
	cf_log_ring_enable(0, 0);
}

TEST(test_core_log_ring__line_longer_than_the_ring)
{
	cf_buf b = CF_BUF_INIT;
	char big[600];

	cf_log_ring_enable(256, 16);
	cf_log(CF_LOG_INFO, "small", (const char *)NULL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cf_log(CF_LOG_INFO, big, (const char *)NULL);
	cf_log_ring_read(&b, &all);
	/* It pushed everything out and was cut to the ring's size. */
	CHECK_INT(b.len, 256);
	CHECK_INT(count_lines(&b), 1);
	CHECK(b.buf[255] == '\n');
	CHECK(strstr(b.buf, "small") == NULL);
	/* The next line pushes the cut one out again. */
	cf_buf_reset(&b);
	cf_log(CF_LOG_INFO, "next", (const char *)NULL);
	cf_log_ring_read(&b, &all);
	CHECK_INT(count_lines(&b), 1);
	CHECK(strstr(b.buf, "\"msg\":\"next\"") != NULL);
	cf_buf_release(&b);
	cf_log_ring_enable(0, 0);
}

TEST(test_core_log_ring__since_and_timestamps)
{
	cf_buf b = CF_BUF_INIT;
	struct timespec ts;

	cf_log_ring_enable(4096, 0);
	cf_log(CF_LOG_INFO, "old", (const char *)NULL);
	clock_gettime(CLOCK_REALTIME, &ts);
	cf_log(CF_LOG_INFO, "new", (const char *)NULL);
	cf_log_ring_read(&b, &(cf_log_ring_query){ .tail = -1,
	    .since_ns = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec,
	    .timestamps = true });
	CHECK_INT(count_lines(&b), 1);
	/* "2026-01-02T03:04:05.123Z {...}": RFC 3339 in UTC, then a space. */
	CHECK(b.len > 21 && b.buf[4] == '-' && b.buf[10] == 'T');
	CHECK(strchr(b.buf, 'Z') && strchr(b.buf, 'Z')[1] == ' ');
	CHECK(strchr(b.buf, 'Z')[2] == '{');
	CHECK(strstr(b.buf, "\"msg\":\"new\"") != NULL);
	cf_buf_release(&b);

	/* Off: nothing is kept. */
	cf_log_ring_enable(0, 0);
	b = (cf_buf)CF_BUF_INIT;
	cf_log(CF_LOG_INFO, "unseen", (const char *)NULL);
	cf_log_ring_read(&b, &all);
	CHECK_INT(b.len, 0);
	cf_buf_release(&b);
}

#define WRITERS 4
#define PER_WRITER 2000

static void *writer(void *arg)
{
	char msg[64];

	for (int i = 0; i < PER_WRITER; i++) {
		snprintf(msg, sizeof(msg), "writer %ld line %d", (long)(intptr_t)arg, i);
		cf_log(CF_LOG_INFO, msg, "k", "v", (const char *)NULL);
	}
	return NULL;
}

TEST(test_core_log_ring__concurrent_writers)
{
	pthread_t t[WRITERS];
	cf_buf b = CF_BUF_INIT;
	uint64_t base, last, seen = 0;
	int done = 0;

	cf_log_ring_enable(64 << 10, 0);
	base = last = cf_log_ring_read(&b, &all); /* numbering goes on */
	for (long i = 0; i < WRITERS; i++)
		CHECK(pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i) == 0);
	/* A reader following along while they write. */
	while (!done) {
		cf_buf_reset(&b);
		last = cf_log_ring_read(&b, &(cf_log_ring_query){ .after = last,
		    .tail = -1 });
		seen += count_lines(&b);
		for (char *p = b.buf; p < b.buf + b.len; p = strchr(p, '\n') + 1)
			if (strncmp(p, "{\"level\":\"info\"", 15))
				done = -1;
		if (done < 0)
			break;
		done = last >= base + WRITERS * PER_WRITER;
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(t[i], NULL);
	CHECK(done == 1);
	CHECK(seen > 0 && seen <= WRITERS * PER_WRITER);
	CHECK_INT(last, base + WRITERS * PER_WRITER);
	/* What is left is within budget and every line is whole. */
	cf_buf_reset(&b);
	cf_log_ring_read(&b, &all);
	CHECK(b.len <= 64 << 10 && b.len > 32 << 10);
	for (char *p = b.buf, *nl; p < b.buf + b.len; p = nl + 1) {
		nl = strchr(p, '\n');
		CHECK(!strncmp(p, "{\"level\":\"info\"", 15));
		CHECK(nl - p > 8 && !strncmp(nl - 8, "\"k\":\"v\"}", 8));
	}
	cf_buf_release(&b);
	cf_log_ring_enable(0, 0);
}

/* cf_log_fields: keys in order, one of them an object, strings escaped;
 * a field without a value is left out. */
TEST(test_core_log_ring__fields_with_an_object)
{
	const char *ref[] = { "name", "web", "namespace", "apps", NULL };
	const cf_log_field f[] = {
		{ "controllerKind", "Kustomization", NULL },
		{ "Kustomization", NULL, ref },
		{ "skipped", NULL, NULL },
		{ "error", "bad \"quote\"\n", NULL },
	};
	cf_buf b = CF_BUF_INIT;
	const char *want = "\"msg\":\"Reconciler error\","
	    "\"controllerKind\":\"Kustomization\","
	    "\"Kustomization\":{\"name\":\"web\",\"namespace\":\"apps\"},"
	    "\"error\":\"bad \\\"quote\\\"\\n\"}\n";

	quiet_stderr();
	cf_log_ring_enable(1 << 20, 0);
	cf_log_fields(CF_LOG_ERROR, "Reconciler error", f, 4);
	cf_log_ring_read(&b, &all);
	CHECK(!strncmp(b.buf, "{\"level\":\"error\",\"ts\":\"", 23));
	CHECK(b.len > strlen(want) &&
	    !strcmp(b.buf + b.len - strlen(want), want));
	/* Below the level in force: nothing. */
	cf_log_set_level("error");
	cf_log_fields(CF_LOG_INFO, "quiet", f, 1);
	cf_log_set_level("info");
	cf_buf_reset(&b);
	cf_log_ring_read(&b, &all);
	CHECK(strstr(b.buf, "quiet") == NULL);
	cf_buf_release(&b);
	cf_log_ring_enable(0, 0);
}

TEST_MAIN(T(test_core_log_ring__keeps_the_newest_lines),
    T(test_core_log_ring__fields_with_an_object),
    T(test_core_log_ring__byte_budget_wraps),
    T(test_core_log_ring__line_longer_than_the_ring),
    T(test_core_log_ring__since_and_timestamps),
    T(test_core_log_ring__concurrent_writers))
