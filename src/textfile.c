// SPDX-License-Identifier: GPL-2.0
/* The textfile writer (textfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "strbuf.h"
#include "textfile.h"

/* "DIR/.NAME.XXXXXX" for mkostemp, and DIR; node_exporter reads *.prom
 * only, so it never sees the temporary file. */
static int textfile_paths(const char *path, char *tmp, size_t tmplen, char *dir, size_t dirlen)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;

	if (!slash)
		strbuf_copy(dir, dirlen, ".");
	else if (slash == path)
		strbuf_copy(dir, dirlen, "/");
	else if (!strbuf_printf(dir, dirlen, "%.*s", (int)(slash - path), path))
		return -1;
	if (!*name)
		return -1;
	return strbuf_printf(tmp, tmplen, "%s/.%s.XXXXXX", dir, name) ? 0 : -1;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int textfile_write(const char *path, const char *buf, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX], dir[PATH_MAX];
	const char *step;
	struct stat st;
	int fd, dfd, e;

	if (textfile_paths(path, tmp, sizeof(tmp), dir, sizeof(dir))) {
		strbuf_printf(err, errlen, "--textfile %s: not a file name", path);
		return -1;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		strbuf_printf(err, errlen, "--textfile %s: is a directory", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		strbuf_printf(err, errlen, "--textfile %s: cannot create a file in %s: %s", path, dir,
			 strerror(errno));
		return -1;
	}
	if (!buf) {
		close(fd);
		unlink(tmp);
		return 0;
	}
	/* mkostemp makes 0600; node_exporter usually runs as another user */
	step = "write";
	if (write_all(fd, buf, len))
		goto fail;
	step = "chmod";
	if (fchmod(fd, 0644))
		goto fail;
	step = "fsync";
	if (fsync(fd))
		goto fail;
	step = "close";
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	step = "rename";
	if (rename(tmp, path))
		goto fail;
	/* the rename itself survives a crash once the directory is synced */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	e = errno;
	strbuf_printf(err, errlen, "--textfile %s: %s %s: %s", path, step, tmp, strerror(e));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}
