/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "hull/macro.h"
#include "hull/tests.h"

/* The lowest free descriptor: what the next open() gets. */
static int lowest_free_fd(void) {
        int fd = dup(STDIN_FILENO);
        close(fd);
        return fd;
}

static void test_cleanup(void) {
        int before = lowest_free_fd(), kept;

        {
                _cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                _cleanup_fclose_ FILE *f = fopen("/dev/null", "re");
                _cleanup_free_ char *s = strdup("x");
                _cleanup_close_ int none = -1;
                CHECK(fd >= 0 && f && s && none < 0);
        }
        CHECK_EQ_INT(lowest_free_fd(), before);
        {
                _cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                kept = TAKE_FD(fd);
                CHECK_EQ_INT(fd, -1);
        }
        CHECK(fcntl(kept, F_GETFD) >= 0);
        close(kept);
}

static void test_strv(void) {
        _cleanup_strv_free_ char **v = calloc(3, sizeof(char *));
        char **w = calloc(3, sizeof(char *)), *p;

        CHECK(v && w);
        v[0] = strdup("a");
        v[1] = strdup("b");
        w[0] = strdup("c");
        w[2] = strdup("e"); /* a hole at 1 */
        strv_free_n(w, 3);
        strv_free_n(NULL, 3);
        strv_free(NULL);
        {
                _cleanup_free_ char *q = strdup("y");
                p = TAKE_PTR(q);
                CHECK(q == NULL);
        }
        CHECK_STREQ(p, "y");
        free(p);
}

int main(void) {
        test_cleanup();
        test_strv();
        return TEST_RETURN();
}
