/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "hull/tests.h"

int main(void) {
        char *out = NULL;
        int status = -1;
        uint64_t t;

        char *ok[] = { (char *) "/bin/sh", (char *) "-c", (char *) "echo first; echo second >&2; exit 3", NULL };
        CHECK_EQ_INT(exec_capture(ok, 5 * USEC_PER_SEC, 4096, &out, &status), 0);
        CHECK_EQ_INT(status, 3);
        CHECK_STREQ(out, "first\nsecond\n");
        free(out);

        /* Output beyond the limit is read and dropped. */
        char *big[] = { (char *) "/bin/sh", (char *) "-c", (char *) "head -c 100000 /dev/zero | tr '\\0' x", NULL };
        CHECK_EQ_INT(exec_capture(big, 5 * USEC_PER_SEC, 10, &out, &status), 0);
        CHECK_EQ_INT(status, 0);
        CHECK_STREQ(out, "xxxxxxxxxx");
        free(out);

        /* A timeout kills it, and what it started. */
        char *slow[] = { (char *) "/bin/sh", (char *) "-c", (char *) "sleep 30 & sleep 30", NULL };
        t = now_usec();
        CHECK_EQ_INT(exec_capture(slow, USEC_PER_SEC / 5, 4096, &out, &status), -ETIME);
        CHECK(now_usec() - t < 5 * USEC_PER_SEC);

        /* A background child keeping the pipe open does not hold us once the check exited. */
        char *bg[] = { (char *) "/bin/sh", (char *) "-c", (char *) "sleep 30 & echo done", NULL };
        t = now_usec();
        CHECK_EQ_INT(exec_capture(bg, 10 * USEC_PER_SEC, 4096, &out, &status), 0);
        CHECK_EQ_INT(status, 0);
        CHECK_STREQ(out, "done\n");
        CHECK(now_usec() - t < 5 * USEC_PER_SEC);
        free(out);

        char *sig[] = { (char *) "/bin/sh", (char *) "-c", (char *) "kill -9 $$", NULL };
        CHECK_EQ_INT(exec_capture(sig, 5 * USEC_PER_SEC, 4096, NULL, &status), 0);
        CHECK_EQ_INT(status, 128 + 9);

        char *missing[] = { (char *) "/nonexistent/check", NULL };
        CHECK_EQ_INT(exec_capture(missing, 5 * USEC_PER_SEC, 4096, &out, &status), -ENOENT);
        char *noexec[] = { (char *) "/dev/null", NULL };
        CHECK_EQ_INT(exec_capture(noexec, 5 * USEC_PER_SEC, 4096, &out, &status), -EACCES);
        return TEST_RETURN();
}
