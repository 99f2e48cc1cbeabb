/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/tests.h"

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
        return TEST_RETURN();
}
