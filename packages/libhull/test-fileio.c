/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/tests.h"

/* What openat_in_root and its user-space walk make of a path: an inode or an errno. */
static void resolved(int fd, char *buf, size_t size) {
        struct stat st;

        if (fd < 0)
                snprintf(buf, size, "error %d", -fd);
        else if (fstat(fd, &st) < 0)
                snprintf(buf, size, "fstat failed");
        else
                snprintf(buf, size, "inode %lu type %o", (unsigned long) st.st_ino, st.st_mode & S_IFMT);
        if (fd >= 0)
                close(fd);
}

static void test_in_root(void) {
        char root[] = "/tmp/hull-test-inroot.XXXXXX";
        _cleanup_free_ char *text = NULL;
        static const struct {
                const char *path;
                int flags;
        } cases[] = {
                { "/etc/passwd", O_RDONLY },
                { "etc/passwd", O_RDONLY },
                { "link-abs/passwd", O_RDONLY },       /* absolute link: stays in the root */
                { "a/up/passwd", O_RDONLY },           /* ../../../.. clamps at the root */
                { "a/b/../../../../etc/passwd", O_RDONLY },
                { "a/file-link", O_RDONLY },
                { "a/file-link", O_PATH | O_NOFOLLOW }, /* the link itself */
                { "a/file-link/", O_RDONLY },          /* ENOTDIR */
                { "a/loop1", O_RDONLY },               /* ELOOP */
                { "notdir/x", O_RDONLY },
                { "dangling", O_RDONLY },
                { "dangling", O_PATH | O_NOFOLLOW },
                { "/", O_RDONLY | O_DIRECTORY },
                { "a/b/", O_RDONLY | O_DIRECTORY },
                { "link-abs/", O_RDONLY | O_DIRECTORY },
                { "a//b/./", O_PATH },
                { "", O_RDONLY | O_DIRECTORY },
                { "missing/x", O_RDONLY },
        };
        _cleanup_close_ int rootfd = -1;
        char path[256], want[64], got[64];
        size_t i;
        int fd;

        CHECK(mkdtemp(root) != NULL);
#define IN(p) (snprintf(path, sizeof(path), "%s/%s", root, p), path)
        CHECK(mkdir(IN("etc"), 0755) == 0);
        CHECK_EQ_INT(write_file_atomic(IN("etc/passwd"), "inside", 6, 0644), 0);
        CHECK(mkdir(IN("a"), 0755) == 0);
        CHECK(mkdir(IN("a/b"), 0755) == 0);
        CHECK(symlink("/etc", IN("link-abs")) == 0);
        CHECK(symlink("../../../../etc", IN("a/up")) == 0);
        CHECK(symlink("loop2", IN("a/loop1")) == 0);
        CHECK(symlink("loop1", IN("a/loop2")) == 0);
        CHECK(symlink("/etc/passwd", IN("a/file-link")) == 0);
        CHECK(symlink("/nonexistent", IN("dangling")) == 0);
        CHECK_EQ_INT(write_file_atomic(IN("notdir"), "x", 1, 0644), 0);
        rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(rootfd >= 0);

        /* The walk resolves every path exactly as the kernel's RESOLVE_IN_ROOT, and leaves no
         * descriptor open on any of its exits: the lowest free fd is the same afterwards. */
        fd = dup(STDIN_FILENO);
        close(fd);
        for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                resolved(openat_in_root(rootfd, cases[i].path, cases[i].flags), want, sizeof(want));
                resolved(openat_in_root_walk(rootfd, cases[i].path, cases[i].flags), got, sizeof(got));
                if (strcmp(want, got) != 0)
                        fprintf(stderr, "in-root %s (flags %#x): kernel %s, walk %s\n", cases[i].path,
                                (unsigned) cases[i].flags, want, got);
                CHECK_STREQ(got, want);
        }
        {
                int after = dup(STDIN_FILENO);
                close(after);
                CHECK_EQ_INT(after, fd);
        }
        /* ... and the escapes land inside: the root's etc/passwd, not the host's. */
        fd = openat_in_root_walk(rootfd, "a/up/passwd", O_RDONLY);
        CHECK(fd >= 0);
        CHECK_EQ_INT(read_full_fd(fd, 100, &text, NULL), 0);
        CHECK_STREQ(text, "inside");
        close(fd);
        CHECK_EQ_INT(openat_in_root_walk(rootfd, "a/loop1", O_RDONLY), -ELOOP);
        CHECK_EQ_INT(openat_in_root_walk(rootfd, "x", O_RDONLY | O_CREAT), -EINVAL);

        for (const char *const *q = (const char *const[]) { "a/b", "a/up", "a/loop1", "a/loop2", "a/file-link",
                                                         "a", "link-abs", "dangling", "notdir", "etc/passwd",
                                                         "etc", NULL };
             *q; q++)
                (void) (unlinkat(AT_FDCWD, IN(*q), 0) < 0 ? rmdir(IN(*q)) : 0);
        rmdir(root);
#undef IN
}

/* Only name (and nothing temporary) in the directory. */
static size_t count_entries(const char *dir) {
        DIR *d = opendir(dir);
        struct dirent *de;
        size_t n = 0;

        if (!d)
                return 0;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        n++;
        closedir(d);
        return n;
}

static void test_atomic_at(void) {
        char dir[] = "/tmp/hull-test-atomic.XXXXXX";
        char tmp[NAME_MAX + 1], longname[300];
        _cleanup_free_ char *data = NULL, *path = NULL;
        _cleanup_close_ int dfd = -1;
        struct stat st;

        CHECK(mkdtemp(dir) != NULL);
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(dfd >= 0);
        CHECK_EQ_INT(write_file_atomic_at(dfd, "f", "one", 3, 0600, (uid_t) -1, (gid_t) -1), 0);
        CHECK_EQ_INT(write_file_atomic_at(dfd, "f", "two!", 4, 0640, getuid(), getgid()), 0);
        CHECK(asprintf(&path, "%s/f", dir) > 0);
        CHECK_EQ_INT(read_full_file(path, 100, &data, NULL), 0);
        CHECK_STREQ(data, "two!");
        CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640);
        CHECK_EQ_INT(count_entries(dir), 1);
        /* One component only. */
        CHECK_EQ_INT(write_file_atomic_at(dfd, "a/b", "x", 1, 0644, (uid_t) -1, (gid_t) -1), -EINVAL);
        CHECK_EQ_INT(write_file_atomic_at(dfd, "", "x", 1, 0644, (uid_t) -1, (gid_t) -1), -EINVAL);
        /* A directory in the way: refused, nothing left behind. */
        CHECK(mkdirat(dfd, "d", 0755) == 0);
        CHECK_EQ_INT(write_file_atomic_at(dfd, "d", "x", 1, 0644, (uid_t) -1, (gid_t) -1), -EISDIR);
        CHECK_EQ_INT(count_entries(dir), 2);
        CHECK(unlinkat(dfd, "d", AT_REMOVEDIR) == 0);
        CHECK(unlink(path) == 0);
        CHECK(rmdir(dir) == 0);

        CHECK_EQ_INT(tempname_beside("passwd", tmp), 0);
        CHECK(strncmp(tmp, ".#passwd.", 9) == 0 && strlen(tmp) == 9 + 16);
        memset(longname, 'x', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = 0;
        CHECK_EQ_INT(tempname_beside(longname, tmp), 0);
        CHECK(strlen(tmp) <= NAME_MAX);
}

int main(void) {
        char dir[] = "/tmp/hull-test-fileio.XXXXXX";
        _cleanup_free_ char *path = NULL, *data = NULL, *data2 = NULL;
        size_t n = 0;

        CHECK(mkdtemp(dir) != NULL);
        CHECK(asprintf(&path, "%s/f", dir) > 0);
        CHECK_EQ_INT(write_file_atomic(path, "hello", 5, 0644), 0);
        CHECK_EQ_INT(read_full_file(path, 1024, &data, &n), 0);
        CHECK_EQ_INT(n, 5);
        CHECK_STREQ(data, "hello");
        CHECK_EQ_INT(read_full_file(path, 4, &data2, NULL), -EFBIG);
        CHECK(data2 == NULL);
        CHECK_EQ_INT(read_full_file("/nonexistent/x", 10, &data2, NULL), -ENOENT);
        unlink(path);
        rmdir(dir);
        test_in_root();
        test_atomic_at();
        return TEST_RETURN();
}
