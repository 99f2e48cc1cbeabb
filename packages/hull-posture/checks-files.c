/* SPDX-License-Identifier: MIT */
/* File modes: setuid and setgid files, world-writable files and directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "posture.h"

#define WALK_DEPTH_MAX 128U

/* Hull's setuid and setgid programs: the allow-list of tests/image/20-setuid.sh, whose reasons
 * are given there. Keep both lists the same. */
static const char *const setuid_allowed[] = {
        "/usr/bin/su",
        "/usr/bin/sudo",
        "/usr/bin/passwd",
        "/usr/bin/newgrp",
        "/usr/bin/chfn",
        "/usr/bin/chsh",
        "/usr/bin/gpasswd",
        "/usr/bin/mount",
        "/usr/bin/umount",
        "/usr/bin/chage",
        "/usr/bin/expiry",
        "/usr/sbin/unix_chkpwd",
        "/usr/lib/openssh/ssh-keysign",
        "/usr/bin/ssh-agent",
        "/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
};

/* Container image layers and their mounts: what is in them belongs to the images, and
 * no-new-privileges keeps their setuid bits from granting anything. */
static const char *const skip_containers[] = { "/var/lib/docker", "/var/lib/containerd", NULL };
static const char *const skip_world_writable[] = { "/var/lib/docker", "/var/lib/containerd", "/var/tmp", NULL };

/* Called for every entry but the starting directory; path is relative to root ("/usr/bin/su").
 * Returns 0, or a negative errno to stop the walk. */
typedef int (*walk_fn)(const char *path, const struct stat *st, Offenders *bad);

typedef struct Walk {
        const char *const *skip;
        walk_fn fn;
        Offenders *bad;
        dev_t dev;
} Walk;

static bool skipped(const Walk *w, const char *path) {
        for (const char *const *s = w->skip; s && *s; s++)
                if (strcmp(*s, path) == 0)
                        return true;
        return false;
}

/* Takes dfd over. */
static int walk_dir(const Walk *w, int dfd, const char *path, unsigned depth) {
        _cleanup_close_ int fd = dfd;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = 0;

        if (depth > WALK_DEPTH_MAX)
                return -ELOOP;
        d = fdopendir(fd);
        if (!d)
                return negative_errno();
        fd = -1;
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_free_ char *child = NULL;
                struct stat st;
                int child_fd;

                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (asprintf(&child, "%s/%s", strcmp(path, "/") == 0 ? "" : path, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
                if (skipped(w, child))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno != ENOENT) /* gone meanwhile */
                                r = negative_errno();
                        continue;
                }
                r = w->fn(child, &st, w->bad);
                /* Directories only: on overlayfs a file's st_dev may be its layer's. */
                if (r < 0 || !S_ISDIR(st.st_mode) || st.st_dev != w->dev)
                        continue;
                child_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (child_fd < 0) {
                        if (errno != ENOENT)
                                r = negative_errno();
                        continue;
                }
                r = walk_dir(w, child_fd, child, depth + 1);
        }
        return r;
}

/* Walks the tree at path below root without following symlinks or entering other file
 * systems. A missing starting directory is an empty tree. */
static int walk(const CheckContext *ctx, const char *path, const char *const *skip, walk_fn fn, Offenders *bad) {
        _cleanup_free_ char *full = NULL;
        struct stat st;
        Walk w = { .skip = skip, .fn = fn, .bad = bad };
        _cleanup_close_ int fd = -1;

        if (root_path(ctx, path, &full) < 0)
                return -ENOMEM;
        fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        w.dev = st.st_dev;
        return walk_dir(&w, TAKE_FD(fd), path, 0);
}

static bool is_setuid(const struct stat *st) {
        return S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID));
}

static int setuid_not_allowed(const char *path, const struct stat *st, Offenders *bad) {
        if (!is_setuid(st))
                return 0;
        for (size_t i = 0; i < ELEMENTSOF(setuid_allowed); i++)
                if (strcmp(path, setuid_allowed[i]) == 0)
                        return 0;
        return offenders_add(bad, "%s (%04o)", path, (unsigned) (st->st_mode & 07777));
}

int check_files_setuid(const CheckContext *ctx, char **ret) {
        _cleanup_offenders_ Offenders bad = {};
        int r;

        r = walk(ctx, "/usr", NULL, setuid_not_allowed, &bad);
        if (r < 0)
                return say(ret, r, "cannot walk /usr");
        if (bad.count > 0)
                return say(ret, 0, "%zu not on the allow-list: %s", bad.count, offenders_text(&bad));
        return say(ret, 1, "setuid/setgid files in /usr all on the allow-list of %zu", ELEMENTSOF(setuid_allowed));
}

static int setuid_any(const char *path, const struct stat *st, Offenders *bad) {
        return is_setuid(st) ? offenders_add(bad, "%s (%04o)", path, (unsigned) (st->st_mode & 07777)) : 0;
}

int check_files_setuid_var(const CheckContext *ctx, char **ret) {
        static const char *const dirs[] = { "/etc", "/var" };
        _cleanup_offenders_ Offenders bad = {};

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                int r = walk(ctx, dirs[i], skip_containers, setuid_any, &bad);

                if (r < 0)
                        return say(ret, r, "cannot walk %s", dirs[i]);
        }
        if (bad.count > 0)
                return say(ret, 0, "%zu setuid/setgid file%s: %s", bad.count, bad.count == 1 ? "" : "s",
                           offenders_text(&bad));
        return say(ret, 1, "no setuid/setgid files in /etc and /var (container layers aside)");
}

static int world_writable(const char *path, const struct stat *st, Offenders *bad) {
        if (!(st->st_mode & S_IWOTH))
                return 0;
        if (S_ISREG(st->st_mode) || (S_ISDIR(st->st_mode) && !(st->st_mode & S_ISVTX)))
                return offenders_add(bad, "%s (%04o)", path, (unsigned) (st->st_mode & 07777));
        return 0;
}

int check_files_world_writable(const CheckContext *ctx, char **ret) {
        static const char *const dirs[] = { "/etc", "/var" };
        _cleanup_offenders_ Offenders bad = {};

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                int r = walk(ctx, dirs[i], skip_world_writable, world_writable, &bad);

                if (r < 0)
                        return say(ret, r, "cannot walk %s", dirs[i]);
        }
        if (bad.count > 0)
                return say(ret, 0, "%zu world-writable: %s", bad.count, offenders_text(&bad));
        return say(ret, 1, "no world-writable files or non-sticky directories in /etc and /var");
}
