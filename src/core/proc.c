/* SPDX-License-Identifier: Apache-2.0 */
/*
 * posix_spawn rather than fork: the daemon is multi-threaded and large,
 * and glibc's posix_spawn uses a vfork-style clone, so nothing is copied
 * and no code runs in the child between clone and exec that we would have
 * to keep async-signal-safe. closefrom in the file actions keeps every
 * descriptor the daemon holds (sockets, the store) out of the child, even
 * the ones opened without O_CLOEXEC.
 */
#include "core/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"

#define DEFAULT_TIMEOUT_MS 60000
#define DEFAULT_MAX_OUT (1u << 20)
#define DEFAULT_MAX_ERR (16u << 10)

/* One output stream of the child. A hard cap fails the run; a soft one
 * only stops keeping bytes. */
struct sink {
	int fd;
	cf_buf *buf;   /* NULL: discard */
	size_t cap, kept;
	bool hard;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is ready on s. 1 at end of stream, 0 to go on, CF_ETOOLARGE. */
static int sink_read(struct sink *s)
{
	char chunk[8192];
	ssize_t n = read(s->fd, chunk, sizeof(chunk));
	size_t take;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (n == 0)
		return 1;
	take = (size_t)n;
	if (s->kept + take > s->cap) {
		if (s->hard)
			return CF_ETOOLARGE;
		take = s->cap - s->kept;
	}
	if (s->buf && take)
		cf_buf_add(s->buf, chunk, take);
	s->kept += take;
	return 0;
}

/* Pump both pipes until they close or the deadline passes. */
static int pump(struct sink *s, int64_t deadline)
{
	struct pollfd pf[2];
	int open_n = 2, r;

	for (int i = 0; i < 2; i++)
		pf[i] = (struct pollfd){ .fd = s[i].fd, .events = POLLIN };
	while (open_n) {
		int64_t left = deadline - mono_ms();

		if (left <= 0)
			return CF_ETIMEOUT;
		r = poll(pf, 2, left > 500 ? 500 : (int)left);
		if (r < 0 && errno != EINTR)
			return cf_error_os("waiting for a helper program");
		for (int i = 0; r > 0 && i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			int end = sink_read(&s[i]);

			if (end < 0)
				return end;
			if (end) {
				pf[i].fd = -1;
				open_n--;
			}
		}
	}
	return 0;
}

static int spawn_child(pid_t *pid, const char *path, const char *const *argv,
    const cf_proc_opts *o, int out_w, int err_w)
{
	static const char *const no_env[] = { NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dflt;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_addopen(&fa, 0, o->stdin_path ?
	    o->stdin_path : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_w, 1);
	posix_spawn_file_actions_adddup2(&fa, err_w, 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawn_file_actions_addchdir_np(&fa, o->cwd ? o->cwd : "/");
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGCHLD);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(pid, path, &fa, &at, (char *const *)argv,
	    (char *const *)(o->env ? o->env : no_env));
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc) {
		errno = rc;
		return cf_error_os("starting '%s'", path);
	}
	return 0;
}

int cf_proc_run(cf_buf *out, cf_buf *err, const char *path,
    const char *const *argv, const cf_proc_opts *opts)
{
	static const cf_proc_opts zero;
	const cf_proc_opts *o = opts ? opts : &zero;
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	int status = 0, result;
	pid_t pid = -1, w;

	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		result = cf_error_os("starting '%s'", path);
		goto done;
	}
	if ((result = spawn_child(&pid, path, argv, o, po[1], pe[1])) < 0)
		goto done;
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	{
		struct sink s[2] = {
			{ po[0], out, o->max_out ? o->max_out :
			    DEFAULT_MAX_OUT, 0, true },
			{ pe[0], err, o->max_err ? o->max_err :
			    DEFAULT_MAX_ERR, 0, false },
		};

		result = pump(s, mono_ms() + (o->timeout_ms > 0 ?
		    o->timeout_ms : DEFAULT_TIMEOUT_MS));
	}
	if (result < 0)
		kill(-pid, SIGKILL); /* and whatever it started */
	if (result == CF_ETIMEOUT)
		cf_error_setc(CF_ETIMEOUT, CF_ERR_OS, "'%s' timed out", path);
	else if (result == CF_ETOOLARGE)
		cf_error_setc(CF_ETOOLARGE, CF_ERR_OS, "'%s' wrote too much "
		    "output", path);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (w < 0 && result == 0)
		result = cf_error_os("waiting for '%s'", path);
	else if (result == 0)
		result = WIFEXITED(status) ? WEXITSTATUS(status) :
		    WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 128;
done:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return result;
}
