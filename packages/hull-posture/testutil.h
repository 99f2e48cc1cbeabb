/* SPDX-License-Identifier: MIT */
#pragma once

/* Fixture trees for hull-posture's tests: a temp dir standing in for "/", files written below
 * it with their parents made, and a runner that checks a check's result and evidence. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/tests.h"
#include "posture.h"

static inline char *fixture_path(const char *root, const char *path) {
        char *p = NULL;

        if (asprintf(&p, "%s%s", root, path) < 0)
                abort();
        return p;
}

static inline void fixture_mkdir(const char *root, const char *path, mode_t mode) {
        char *p = fixture_path(root, path);

        for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
                *s = 0;
                (void) mkdir(p, 0755);
                *s = '/';
        }
        if (mkdir(p, mode) < 0 && errno != EEXIST)
                CHECK(!"mkdir");
        CHECK_EQ_INT(chmod(p, mode), 0);
        free(p);
}

static inline void fixture_parent(const char *root, const char *path) {
        char *dir = strdup(path);

        *strrchr(dir, '/') = 0;
        if (*dir)
                fixture_mkdir(root, dir, 0755);
        free(dir);
}

static inline void fixture_bytes(const char *root, const char *path, const void *data, size_t size, mode_t mode) {
        char *p = fixture_path(root, path);

        fixture_parent(root, path);
        CHECK_EQ_INT(write_file_atomic(p, data, size, mode & 0777), 0);
        CHECK_EQ_INT(chmod(p, mode), 0);
        free(p);
}

static inline void fixture_write(const char *root, const char *path, const char *text) {
        fixture_bytes(root, path, text, strlen(text), 0644);
}

static inline void fixture_symlink(const char *root, const char *path, const char *target) {
        char *p = fixture_path(root, path);

        fixture_parent(root, path);
        (void) unlink(p);
        CHECK_EQ_INT(symlink(target, p), 0);
        free(p);
}

static inline void fixture_unlink(const char *root, const char *path) {
        char *p = fixture_path(root, path);

        CHECK_EQ_INT(unlink(p), 0);
        free(p);
}

static inline char *fixture_new(void) {
        const char *tmp = getenv("TMPDIR");
        char *p = NULL;

        if (asprintf(&p, "%s/hull-posture-test.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0 || !mkdtemp(p))
                abort();
        return p;
}

static inline int fixture_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) remove(path);
        return 0;
}

static inline void fixture_free(char *root) {
        CHECK_EQ_INT(nftw(root, fixture_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(root);
}

/* Runs fn against root; checks its return (1 pass, 0 fail, < 0 error: any negative) and that
 * the evidence holds want (a substring). */
#define CHECK_RESULT(fn, root, want_r, want) \
        check_result(#fn, fn, &(const CheckContext) { .root = (root) }, want_r, want, __FILE__, __LINE__)
/* The same with a whole context (a fixed time, a fake audit source). */
#define CHECK_RESULT_CTX(fn, ctx, want_r, want) check_result(#fn, fn, ctx, want_r, want, __FILE__, __LINE__)
static inline void check_result(const char *name, check_fn fn, const CheckContext *ctx, int want_r, const char *want,
                                const char *file, int line) {
        char *ev = NULL;
        int r = fn(ctx, &ev);
        bool ok = (want_r < 0 ? r < 0 : r == want_r) && ev && strstr(ev, want) && !strchr(ev, '\n');

        if (!ok) {
                fprintf(stderr, "%s:%d: %s returned %d \"%s\", want %d with \"%s\"\n", file, line, name, r,
                        ev ? ev : "(null)", want_r, want);
                hull_test_failures++;
        }
        free(ev);
}
