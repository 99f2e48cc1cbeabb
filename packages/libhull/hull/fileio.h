/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* Reads a whole file (or stdin for "-") of at most max_size bytes into a NUL-terminated
 * buffer. -EFBIG if larger. ret_size may be NULL. */
int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size);
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);

/* Writes data to path atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. */
int write_file_atomic(const char *path, const void *data, size_t size, unsigned mode);

/* write() all of it, retrying on EINTR and short writes. */
int loop_write(int fd, const void *buf, size_t n);

/* Opens path below rootfd as if rootfd were "/": symlinks, absolute ones too, and ".." can never
 * lead out of it. openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) where the kernel allows it;
 * where a seccomp filter makes openat2 fail with ENOSYS (systemd's RestrictSUIDSGID= does), the
 * same resolution done in user space one component at a time. flags are open(2) flags without
 * O_CREAT; O_CLOEXEC is always added. Returns the fd or a negative errno. */
int openat_in_root(int rootfd, const char *path, int flags);
/* The user-space resolution alone (exposed for tests). */
int openat_in_root_walk(int rootfd, const char *path, int flags);
