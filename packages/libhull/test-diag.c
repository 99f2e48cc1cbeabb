/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "hull/diag.h"
#include "hull/tests.h"

static void test_add(void) {
        _cleanup_diag_ Diag d = {};

        diag_error(&d, "passwd.users[2].name", "expected %s", "a string");
        diag_warning(&d, "syscalls[0]", "unknown syscall \"%s\"", "frob");
        diag_error(&d, NULL, "malformed JSON");
        CHECK_EQ_INT(d.n, 3);
        CHECK_EQ_INT(d.n_errors, 2);
        CHECK_EQ_INT(d.n_dropped, 0);
        CHECK_STREQ(d.msgs[0], "passwd.users[2].name: expected a string");
        CHECK(d.is_error[0]);
        CHECK_STREQ(d.msgs[1], "syscalls[0]: warning: unknown syscall \"frob\"");
        CHECK(!d.is_error[1]);
        CHECK_STREQ(d.msgs[2], "malformed JSON");
        diag_add(NULL, true, "x", "ignored");
}

static void test_max(void) {
        _cleanup_diag_ Diag d = { .max = 2 };

        for (int i = 0; i < 5; i++)
                diag_error(&d, "a", "error %d", i);
        CHECK_EQ_INT(d.n, 2);
        CHECK_EQ_INT(d.n_errors, 5);
        CHECK_EQ_INT(d.n_dropped, 3);
        CHECK(!d.oom);
        diag_clear(&d);
        CHECK_EQ_INT(d.n, 0);
        CHECK_EQ_INT(d.max, 2);
        for (unsigned i = 0; i < DIAG_MAX + 1; i++)
                diag_warning(&d, "b", "w");
        CHECK_EQ_INT(d.n, 2);
        CHECK_EQ_INT(d.n_errors, 0);
}

static void test_default_max(void) {
        _cleanup_diag_ Diag d = {};

        for (unsigned i = 0; i < DIAG_MAX + 7; i++)
                diag_error(&d, "c", "e");
        CHECK_EQ_INT(d.n, DIAG_MAX);
        CHECK_EQ_INT(d.n_dropped, 7);
}

int main(void) {
        test_add();
        test_max();
        test_default_max();
        return TEST_RETURN();
}
