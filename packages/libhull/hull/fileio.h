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
