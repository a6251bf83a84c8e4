/* SPDX-License-Identifier: Apache-2.0 */
#include "core/fs.h"
#include "core/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cf_fs_mkdirs(const char *dir)
{
	char path[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path))
		return cf_error_set(CF_ERR_OS, "invalid data directory '%s'", dir);
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return cf_error_os("cannot create '%s'", path);
		*p = '/';
	}
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return cf_error_os("cannot create '%s'", path);
	return 0;
}

int cf_fs_read(cf_buf *out, const char *path, size_t cap)
{
	char chunk[16384];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;
	size_t start = out->len;

	if (fd < 0)
		return cf_error_os("cannot open '%s'", path);
	while ((r = read(fd, chunk, sizeof(chunk))) > 0) {
		if (out->len - start + (size_t)r > cap) {
			close(fd);
			return cf_error_setc(CF_ETOOLARGE, CF_ERR_OS,
			    "'%s' is larger than %zu bytes", path, cap);
		}
		cf_buf_add(out, chunk, (size_t)r);
	}
	close(fd);
	if (r < 0)
		return cf_error_os("cannot read '%s'", path);
	return 0;
}

int cf_fs_write_atomic(const char *path, const void *data, size_t len,
    int mode)
{
	char tmp[4200];
	const char *p = data;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return cf_error_os("cannot create '%s'", tmp);
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			cf_error_os("cannot write '%s'", tmp);
			close(fd);
			unlink(tmp);
			return CF_ERROR;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		cf_error_os("cannot write '%s'", tmp);
		unlink(tmp);
		return CF_ERROR;
	}
	if (rename(tmp, path) < 0) {
		cf_error_os("cannot rename '%s'", tmp);
		unlink(tmp);
		return CF_ERROR;
	}
	return 0;
}

static int rm_tree(int dfd, const char *name, int depth)
{
	int fd, error = 0;
	DIR *d;
	struct dirent *de;

	if (depth > 64)
		return cf_error_set(CF_ERR_OS, "directory tree too deep");
	if ((fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	                 O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : cf_error_os("opening '%s'", name);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return cf_error_os("listing '%s'", name);
	}
	while (!error && (de = readdir(d))) {
		struct stat s;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(fd, de->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(s.st_mode))
			error = rm_tree(fd, de->d_name, depth + 1);
		else if (unlinkat(fd, de->d_name, 0) < 0 && errno != ENOENT)
			error = cf_error_os("removing '%s'", de->d_name);
	}
	closedir(d);
	if (!error && unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		error = cf_error_os("removing '%s'", name);
	return error;
}

int cf_fs_remove_tree_at(int dfd, const char *name)
{
	return rm_tree(dfd, name, 0);
}

int cf_fs_remove_tree(const char *path)
{
	return rm_tree(AT_FDCWD, path, 0);
}
