/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"

int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, allocated = 0;

        for (;;) {
                ssize_t k;
                if (allocated - n < 4096 + 1) {
                        size_t want = allocated ? allocated * 2 : 16384;
                        char *p;
                        if (want > max_size + 4096 + 1)
                                want = max_size + 4096 + 1;
                        if (want <= allocated)
                                return -EFBIG;
                        p = realloc(buf, want);
                        if (!p)
                                return -ENOMEM;
                        buf = p;
                        allocated = want;
                }
                k = read(fd, buf + n, allocated - n - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max_size)
                        return -EFBIG;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        if (ret_size)
                *ret_size = n;
        return 0;
}

int read_full_file(const char *path, size_t max_size, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -1;

        if (strcmp(path, "-") == 0)
                return read_full_fd(STDIN_FILENO, max_size, ret, ret_size);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        return read_full_fd(fd, max_size, ret, ret_size);
}

int loop_write(int fd, const void *buf, size_t n) {
        const char *p = buf;
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        return -EIO;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

int tempname_beside(const char *name, char ret[static NAME_MAX + 1]) {
        uint8_t rnd[8];
        char hex[2 * sizeof(rnd) + 1];

        if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
                return negative_errno();
        hexmem(rnd, sizeof(rnd), hex);
        if ((size_t) snprintf(ret, NAME_MAX + 1, ".#%.200s.%s", name, hex) >= NAME_MAX + 1)
                return -ENAMETOOLONG;
        return 0;
}

int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t size, unsigned mode, uid_t uid,
                         gid_t gid) {
        _cleanup_close_ int fd = -1;
        char tmp[NAME_MAX + 1];
        int r;

        if (strchr(name, '/') || *name == '\0')
                return -EINVAL;
        r = tempname_beside(name, tmp);
        if (r < 0)
                return r;
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return negative_errno();
        r = loop_write(fd, data, size);
        if (r >= 0 && (uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(fd, uid, gid) < 0)
                r = negative_errno();
        if (r >= 0 && fchmod(fd, mode) < 0) /* after chown, which clears set-id bits */
                r = negative_errno();
        if (r >= 0 && fsync(fd) < 0)
                r = negative_errno();
        if (r >= 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = negative_errno();
        if (r < 0) {
                (void) unlinkat(dirfd, tmp, 0);
                return r;
        }
        (void) fsync(dirfd); /* the file is in place: a failure here cannot be undone */
        return 0;
}

int write_file_atomic(const char *path, const void *data, size_t size, unsigned mode) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int dfd = -1;
        const char *slash = strrchr(path, '/');

        dir = slash ? strndup(path, slash == path ? 1 : (size_t) (slash - path)) : strdup(".");
        if (!dir)
                return -ENOMEM;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        return write_file_atomic_at(dfd, slash ? slash + 1 : path, data, size, mode, (uid_t) -1, (gid_t) -1);
}

/* Symlinks followed in one resolution, as the kernel's MAXSYMLINKS. */
#define IN_ROOT_MAX_LINKS 40

static bool same_inode(const struct stat *a, const struct stat *b) {
        return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The walk keeps the rest of the path to resolve in todo; a symlink's target is spliced in
 * front of what follows it, and an absolute target restarts from the root. Every component is
 * opened with O_PATH | O_NOFOLLOW relative to the directory reached so far, so the kernel never
 * follows a link on its own; ".." at the root stays at the root. */
int openat_in_root_walk(int rootfd, const char *path, int flags) {
        _cleanup_free_ char *todo = NULL;
        struct stat root_st, st;
        int cur, links = 0, r;

        if (flags & O_CREAT)
                return -EINVAL;
        if (*path == '\0')
                return -ENOENT;
        if (fstat(rootfd, &root_st) < 0)
                return negative_errno();
        todo = strdup(path);
        if (!todo)
                return -ENOMEM;
        cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (cur < 0)
                return negative_errno();

        for (;;) {
                char *p = todo, *comp, *rest;
                bool last, trailing_slash, had_slash;
                int fd;

                while (*p == '/')
                        p++;
                if (*p == '\0') {
                        /* Nothing left: the directory reached is the answer. */
                        fd = openat(cur, ".", flags | O_CLOEXEC);
                        r = fd < 0 ? negative_errno() : fd;
                        break;
                }
                comp = p;
                rest = strchr(p, '/');
                had_slash = rest != NULL;
                if (rest)
                        *rest++ = '\0';
                else
                        rest = p + strlen(p);
                while (*rest == '/')
                        rest++;
                last = *rest == '\0';
                trailing_slash = last && had_slash;

                if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
                        if (comp[1] == '.') {
                                if (fstat(cur, &st) < 0) {
                                        r = negative_errno();
                                        break;
                                }
                                if (!same_inode(&st, &root_st)) {
                                        fd = openat(cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                        if (fd < 0) {
                                                r = negative_errno();
                                                break;
                                        }
                                        close(cur);
                                        cur = fd;
                                }
                        }
                        memmove(todo, rest, strlen(rest) + 1);
                        continue;
                }

                fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0) {
                        r = negative_errno();
                        break;
                }
                if (fstat(fd, &st) < 0) {
                        r = negative_errno();
                        close(fd);
                        break;
                }
                if (S_ISLNK(st.st_mode) && (!last || trailing_slash || !(flags & O_NOFOLLOW))) {
                        char target[PATH_MAX];
                        char *spliced;
                        ssize_t n;

                        if (++links > IN_ROOT_MAX_LINKS) {
                                close(fd);
                                r = -ELOOP;
                                break;
                        }
                        n = readlinkat(fd, "", target, sizeof(target) - 1);
                        close(fd);
                        if (n < 0) {
                                r = negative_errno();
                                break;
                        }
                        target[n] = '\0';
                        if (asprintf(&spliced, "%s%s%s", target, *rest || trailing_slash ? "/" : "", rest) < 0) {
                                r = -ENOMEM;
                                break;
                        }
                        free(todo);
                        todo = spliced;
                        if (target[0] == '/') {
                                fd = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (fd < 0) {
                                        r = negative_errno();
                                        break;
                                }
                                close(cur);
                                cur = fd;
                        }
                        continue;
                }
                if (!last || trailing_slash) {
                        if (!S_ISDIR(st.st_mode)) {
                                close(fd);
                                r = -ENOTDIR;
                                break;
                        }
                        close(cur);
                        cur = fd;
                        memmove(todo, rest, strlen(rest) + 1);
                        if (last) {
                                /* "dir/": the directory itself, opened with the caller's flags. */
                                fd = openat(cur, ".", flags | O_CLOEXEC);
                                r = fd < 0 ? negative_errno() : fd;
                                break;
                        }
                        continue;
                }
                /* The last component, not a link to follow: open it with the caller's flags, never
                 * following a link swapped in since, and make sure it is the inode checked. */
                if ((flags & O_PATH) && (flags & O_NOFOLLOW)) {
                        r = fd;
                        break;
                }
                {
                        struct stat st2;
                        int fd2 = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);

                        close(fd);
                        if (fd2 < 0) {
                                r = negative_errno();
                                break;
                        }
                        if (fstat(fd2, &st2) < 0 || !same_inode(&st, &st2)) {
                                close(fd2);
                                r = -EAGAIN;
                                break;
                        }
                        r = fd2;
                }
                break;
        }
        close(cur);
        return r;
}

int openat_in_root(int rootfd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t) (unsigned) (flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

        if (fd >= 0)
                return (int) fd;
        if (errno != ENOSYS)
                return negative_errno();
        return openat_in_root_walk(rootfd, path, flags);
}
