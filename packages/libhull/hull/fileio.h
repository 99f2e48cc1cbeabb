/* SPDX-License-Identifier: MIT */
#pragma once

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

/* Reads a whole file (or stdin for "-") of at most max_size bytes into a NUL-terminated
 * buffer. -EFBIG if larger. ret_size may be NULL. */
int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size);
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);

/* Writes data to name (one component) in the directory dirfd atomically: a new temporary file
 * beside it (see tempname_beside), written, owned by uid:gid unless both are -1, given mode
 * (after the chown, which clears set-id bits), fsync'ed, renamed over name with renameat(),
 * then the directory fsync'ed. Readers see the old file or the new one, never a part. On
 * failure the temporary file is removed and name is untouched. A negative errno. */
int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t size, unsigned mode, uid_t uid,
                         gid_t gid);
/* The same for a path: its directory opened, the caller's owner. */
int write_file_atomic(const char *path, const void *data, size_t size, unsigned mode);

/* A name for a temporary file beside name: ".#<name>.<16 random hex digits>" (name cut at
 * 200 bytes). -ENAMETOOLONG if it does not fit in NAME_MAX. */
int tempname_beside(const char *name, char ret[static NAME_MAX + 1]);

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
