/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Durability: a child process writes a deterministic stream (creates,
 * updates with preconditions, deletes, and two-write transactions) and
 * reports each acknowledged step over a pipe; the parent SIGKILLs it
 * mid-stream, reopens the db and checks that
 *   - the store's invariants hold (cf_store_verify: integrity_check,
 *     increasing revisions, current state = the log's last state per key);
 *   - the db ends exactly after the last acknowledged step or the one
 *     after it (a commit can land before its ack is sent), never inside a
 *     transaction;
 *   - every logged event and the whole current state are byte-for-byte
 *     what the stream wrote, so every acknowledged write is there.
 * Run with several kill points.
 */
#include "store_test.h"
#include "core/buf.h"
#include "core/error.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CM "/configmaps"
#define NKEYS 40
#define MAX_STEPS 200000

/* What the stream has written so far, tracked the same way by the child
 * (to know preconditions) and the parent (to know what to expect). */
struct sim {
	int present[NKEYS];
	int64_t rev[NKEYS];
	int val[NKEYS];       /* step whose bytes the key holds */
	int64_t cur_rev;
	cf_buf events;        /* expected replay, in collect()'s format */
};

static void key_of(int k, char *ns, char *name)
{
	snprintf(ns, 8, "ns%d", k % 3);
	snprintf(name, 16, "cm-%02d", k);
}

/* About a ConfigMap's size; distinct per step. */
static void value_of(int i, cf_buf *out)
{
	cf_buf_reset(out);
	cf_buf_addf(out, "{\"kind\":\"ConfigMap\",\"step\":%d,\"data\":\"", i);
	for (int j = 0; out->len < 380; j++)
		cf_buf_addch(out, (char)('a' + (i * 31 + j) % 26));
	cf_buf_adds(out, "\"}");
}

static void add_event(struct sim *m, char t, int k, const cf_buf *v)
{
	char ns[8], name[16];

	key_of(k, ns, name);
	cf_buf_addf(&m->events, "%c%lld %s/%s %s\n", t, (long long)m->cur_rev,
	    ns, name, v->buf);
}

/* One write to key k at step i: applied to the store when s is set, and
 * to the simulation either way. Returns the store's result. */
static int one_write(struct sim *m, cf_store *s, int i, int k)
{
	char ns[8], name[16];
	cf_buf v = CF_BUF_INIT;
	int error = 0;

	key_of(k, ns, name);
	if (!m->present[k]) {
		value_of(i, &v);
		if (s)
			error = cf_store_create(s, NULL, CM, ns, name, v.buf, v.len);
		m->present[k] = 1;
		m->val[k] = i;
		m->cur_rev++;
		add_event(m, 'A', k, &v);
	} else if (i % 5 == 0) {
		/* Deleted with the stored bytes as the final state. */
		if (s)
			error = cf_store_delete(s, NULL, CM, ns, name, m->rev[k],
			    NULL, 0);
		value_of(m->val[k], &v);
		m->present[k] = 0;
		m->cur_rev++;
		add_event(m, 'D', k, &v);
	} else {
		value_of(i, &v);
		if (s)
			error = cf_store_update(s, NULL, CM, ns, name, m->rev[k],
			    v.buf, v.len);
		m->val[k] = i;
		m->cur_rev++;
		add_event(m, 'M', k, &v);
	}
	m->rev[k] = m->cur_rev;
	cf_buf_release(&v);
	return error;
}

/* Step i: one write, or every tenth step a transaction of two. */
static int step(struct sim *m, cf_store *s, int i)
{
	int k = (i * 7) % NKEYS, error;

	if (i % 10)
		return one_write(m, s, i, k);
	if (s && (error = cf_store_begin(s)) < 0)
		return error;
	if ((error = one_write(m, s, i, k)) < 0 ||
	    (error = one_write(m, s, i, (k + 1) % NKEYS)) < 0)
		return error;
	return s ? cf_store_commit(s) : 0;
}

static _Noreturn void child(const char *path, int fd)
{
	struct sim m = { .events = CF_BUF_INIT };
	cf_store *s;

	if (cf_store_open(&s, path, NULL) < 0)
		_exit(2);
	for (int i = 1; i <= MAX_STEPS; i++) {
		if (step(&m, s, i) < 0) {
			fprintf(stderr, "child: step %d: %s\n", i, cf_error_msg());
			_exit(3);
		}
		/* The ack: step i returned 0, so it must survive. */
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			_exit(4);
		/* Keep the memory of the expected-events log flat. */
		cf_buf_reset(&m.events);
	}
	/* _exit: the harness's atexit would remove the shared tmpdir. */
	_exit(0);
}

static int collect(const cf_store_event *ev, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%c%lld %s/%s %.*s\n", "?AMD"[ev->type],
	    (long long)ev->rev, ev->ns, ev->name, (int)ev->value_len,
	    (const char *)ev->value);
	return 0;
}

static int collect_kv(const cf_store_kv *kv, void *payload)
{
	cf_buf *b = payload;

	cf_buf_addf(b, "%s/%s@%lld %.*s\n", kv->ns, kv->name,
	    (long long)kv->rev, (int)kv->value_len, (const char *)kv->value);
	return 0;
}

/* The current state the simulation expects, in list order. */
static void expected_state(const struct sim *m, cf_buf *out)
{
	cf_buf v = CF_BUF_INIT;
	char ns[8], name[16];

	/* Namespaces ns0..ns2 then names: the sort order of the list. */
	for (int n = 0; n < 3; n++)
		for (int k = 0; k < NKEYS; k++) {
			if (k % 3 != n || !m->present[k])
				continue;
			key_of(k, ns, name);
			value_of(m->val[k], &v);
			cf_buf_addf(out, "%s/%s@%lld %s\n", ns, name,
			    (long long)m->rev[k], v.buf);
		}
	cf_buf_release(&v);
}

/* One run: kill the writer delay_us after its kill_after-th ack, so the
 * kill lands at an arbitrary point of a later write. */
static int run(int kill_after, int delay_us, char *why, size_t why_len)
{
	const char *p = st_path();
	char path[512];
	int fds[2], ack = 0, got, status;
	pid_t pid;
	struct sim m = { .events = CF_BUF_INIT };
	cf_buf state = CF_BUF_INIT, want = CF_BUF_INIT, log = CF_BUF_INIT;
	cf_store *s = NULL;
	cf_store_list_result res;
	int64_t at_ack, at_next;
	int ok = 0, extra = 0;

	snprintf(path, sizeof(path), "%s", p);
	if (pipe(fds) < 0)
		return snprintf(why, why_len, "pipe failed"), 0;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return snprintf(why, why_len, "fork failed"), 0;
	if (pid == 0) {
		close(fds[0]);
		child(path, fds[1]);
	}
	close(fds[1]);
	while (ack < kill_after && read(fds[0], &got, sizeof(got)) ==
	    sizeof(got))
		ack = got;
	if (delay_us)
		usleep((useconds_t)delay_us);
	kill(pid, SIGKILL);
	/* Acks already in the pipe were sent before the kill: they count. */
	while (read(fds[0], &got, sizeof(got)) == sizeof(got))
		ack = got;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFSIGNALED(status)) {
		snprintf(why, why_len, "writer ended on its own (status %d) "
		    "after %d acks", status, ack);
		goto done;
	}

	/* Replay the stream up to the ack and one step beyond. */
	for (int i = 1; i <= ack; i++)
		step(&m, NULL, i);
	at_ack = m.cur_rev;
	if (cf_store_open(&s, path, NULL) < 0 || cf_store_verify(s) < 0) {
		snprintf(why, why_len, "after kill at %d: %s", ack,
		    cf_error_msg());
		goto done;
	}
	if (cf_store_rev(s) != at_ack) {
		step(&m, NULL, ack + 1);
		at_next = m.cur_rev;
		extra = 1;
		if (cf_store_rev(s) != at_next) {
			snprintf(why, why_len, "ack %d: db at revision %lld, "
			    "expected %lld or %lld", ack,
			    (long long)cf_store_rev(s), (long long)at_ack,
			    (long long)at_next);
			goto done;
		}
	}
	if (cf_store_replay(s, 0, NULL, collect, &log) < 0 ||
	    strcmp(log.buf, m.events.buf)) {
		snprintf(why, why_len, "ack %d: the log differs from the "
		    "stream", ack);
		goto done;
	}
	expected_state(&m, &want);
	if (cf_store_list(s, &res, CM, NULL, collect_kv, &state) < 0 ||
	    strcmp(state.buf, want.buf)) {
		snprintf(why, why_len, "ack %d: current state differs", ack);
		goto done;
	}
	snprintf(why, why_len, "killed after %d acks, db at revision %lld%s",
	    ack, (long long)cf_store_rev(s),
	    extra ? " (the next step committed before its ack)" : "");
	ok = ack >= kill_after;
done:
	cf_store_close(s);
	cf_buf_release(&m.events);
	cf_buf_release(&state);
	cf_buf_release(&want);
	cf_buf_release(&log);
	return ok;
}

TEST(test_store_durability__acknowledged_writes_survive_sigkill)
{
	/* Early, mid-stream, around transactions, and later. */
	const struct { int acks, delay_us; } points[] = {
		{ 1, 0 }, { 9, 0 }, { 10, 0 }, { 57, 0 }, { 230, 0 },
		{ 701, 0 }, { 1500, 0 }, { 1, 150 }, { 20, 777 },
		{ 100, 1300 }, { 400, 2500 }, { 900, 5100 },
	};
	char why[256];

	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		int ok = run(points[i].acks, points[i].delay_us, why,
		    sizeof(why));
		printf("    %s\n", why);
		if (!ok)
			cf_test_fail(__FILE__, __LINE__, "%s", why);
	}
}

TEST_MAIN(T(test_store_durability__acknowledged_writes_survive_sigkill))
