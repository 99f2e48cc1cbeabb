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
typedef struct InRootWalk {
        int rootfd;
        struct stat root_st;
        int cur;        /* the directory reached (O_PATH), owned */
        char *todo;     /* what is left to resolve, owned */
        unsigned links; /* symlinks followed so far */
} InRootWalk;

static void walk_done(InRootWalk *w) {
        closep(&w->cur);
        free(w->todo);
}

/* Makes fd (taken) the directory reached. */
static void walk_enter(InRootWalk *w, int fd) {
        closep(&w->cur);
        w->cur = fd;
}

/* Splits the next component off todo, NUL-terminating it in place. Returns it, or NULL when
 * nothing is left; *ret_rest is what follows it, without leading slashes. */
static char *next_component(char *todo, char **ret_rest, bool *ret_last, bool *ret_trailing_slash) {
        char *p = todo, *rest;
        bool had_slash;

        while (*p == '/')
                p++;
        if (*p == '\0')
                return NULL;
        rest = strchr(p, '/');
        had_slash = rest != NULL;
        if (rest)
                *rest++ = '\0';
        else
                rest = p + strlen(p);
        while (*rest == '/')
                rest++;
        *ret_rest = rest;
        *ret_last = *rest == '\0';
        *ret_trailing_slash = *ret_last && had_slash;
        return p;
}

/* Drops the component just handled: todo becomes rest (which points into it). */
static void walk_advance(InRootWalk *w, const char *rest) {
        memmove(w->todo, rest, strlen(rest) + 1);
}

/* "..": the parent of the directory reached, which at the root is the root. */
static int walk_up(InRootWalk *w) {
        struct stat st;
        int fd;

        if (fstat(w->cur, &st) < 0)
                return negative_errno();
        if (same_inode(&st, &w->root_st))
                return 0;
        fd = openat(w->cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        walk_enter(w, fd);
        return 0;
}

/* The symlink at linkfd: its target spliced in front of rest; an absolute one restarts from
 * the root. */
static int walk_follow(InRootWalk *w, int linkfd, const char *rest, bool trailing_slash) {
        char target[PATH_MAX];
        char *spliced;
        ssize_t n;

        if (++w->links > IN_ROOT_MAX_LINKS)
                return -ELOOP;
        n = readlinkat(linkfd, "", target, sizeof(target) - 1);
        if (n < 0)
                return negative_errno();
        target[n] = '\0';
        if (asprintf(&spliced, "%s%s%s", target, *rest || trailing_slash ? "/" : "", rest) < 0)
                return -ENOMEM;
        free(w->todo);
        w->todo = spliced;
        if (target[0] == '/') {
                int fd = openat(w->rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (fd < 0)
                        return negative_errno();
                walk_enter(w, fd);
        }
        return 0;
}

/* The directory reached, opened with the caller's flags. */
static int walk_open_here(InRootWalk *w, int flags) {
        int fd = openat(w->cur, ".", flags | O_CLOEXEC);
        return fd < 0 ? negative_errno() : fd;
}

/* The last component (*pathfd, O_PATH, taken), not a link to follow: opened with the caller's
 * flags, never following a link swapped in since, and checked to be the inode looked at. */
static int walk_open_last(InRootWalk *w, const char *comp, int *pathfd, const struct stat *st, int flags) {
        _cleanup_close_ int fd = -1;
        struct stat st2;

        if ((flags & O_PATH) && (flags & O_NOFOLLOW))
                return TAKE_FD(*pathfd);
        fd = openat(w->cur, comp, flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st2) < 0 || !same_inode(st, &st2))
                return -EAGAIN;
        return TAKE_FD(fd);
}

int openat_in_root_walk(int rootfd, const char *path, int flags) {
        _cleanup_(walk_done) InRootWalk w = { .rootfd = rootfd, .cur = -1 };

        if (flags & O_CREAT)
                return -EINVAL;
        if (*path == '\0')
                return -ENOENT;
        if (fstat(rootfd, &w.root_st) < 0)
                return negative_errno();
        w.todo = strdup(path);
        if (!w.todo)
                return -ENOMEM;
        w.cur = openat(rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (w.cur < 0)
                return negative_errno();

        for (;;) {
                _cleanup_close_ int fd = -1;
                bool last, trailing_slash;
                char *comp, *rest;
                struct stat st;
                int r;

                comp = next_component(w.todo, &rest, &last, &trailing_slash);
                if (!comp) /* nothing left: the directory reached is the answer */
                        return walk_open_here(&w, flags);
                if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
                        if (comp[1] == '.' && (r = walk_up(&w)) < 0)
                                return r;
                        walk_advance(&w, rest);
                        continue;
                }
                fd = openat(w.cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 || fstat(fd, &st) < 0)
                        return negative_errno();
                if (S_ISLNK(st.st_mode) && (!last || trailing_slash || !(flags & O_NOFOLLOW))) {
                        r = walk_follow(&w, fd, rest, trailing_slash);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (last && !trailing_slash)
                        return walk_open_last(&w, comp, &fd, &st, flags);
                if (!S_ISDIR(st.st_mode))
                        return -ENOTDIR;
                walk_enter(&w, TAKE_FD(fd));
                walk_advance(&w, rest);
                if (last) /* "dir/": the directory itself */
                        return walk_open_here(&w, flags);
        }
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
