/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hull/macro.h"
#include "hull/tests.h"
#include "refusal.h"

#define SEC 1000000ULL

static void test_burst_then_rate(void) {
        RefusalLimit l = {};
        uint64_t s = 99, t = 1000 * SEC;

        /* a burst of REFUSAL_BURST records at one instant, then nothing */
        for (unsigned i = 0; i < REFUSAL_BURST; i++) {
                CHECK(refusal_limit_take(&l, t, &s));
                CHECK_EQ_INT(s, 0);
        }
        CHECK(!refusal_limit_take(&l, t, &s));
        CHECK(!refusal_limit_take(&l, t + SEC / 2, &s));
        CHECK(!refusal_limit_take(&l, t + SEC - 1, &s));
        /* a second later: one record, saying how many were left out */
        CHECK(refusal_limit_take(&l, t + SEC, &s));
        CHECK_EQ_INT(s, 3);
        CHECK(!refusal_limit_take(&l, t + SEC, &s));
        CHECK(refusal_limit_take(&l, t + 2 * SEC, &s));
        CHECK_EQ_INT(s, 1);
}

static void test_refill_capped(void) {
        RefusalLimit l = {};
        uint64_t s = 0, t = 5 * SEC;
        unsigned n = 0;

        CHECK(refusal_limit_take(&l, t, &s));
        /* an hour of quiet earns a burst, not an hour's worth */
        t += 3600 * SEC;
        while (refusal_limit_take(&l, t, &s))
                n++;
        CHECK_EQ_INT(n, REFUSAL_BURST);
}

static void test_clock_back(void) {
        RefusalLimit l = {};
        uint64_t s = 0;

        for (unsigned i = 0; i < REFUSAL_BURST; i++)
                CHECK(refusal_limit_take(&l, 50 * SEC, &s));
        CHECK(!refusal_limit_take(&l, 10 * SEC, &s));     /* earns nothing */
        CHECK(!refusal_limit_take(&l, 50 * SEC, &s));
        CHECK(refusal_limit_take(&l, 51 * SEC, &s));
        CHECK_EQ_INT(s, 2);
}

static void test_format(void) {
        static const char want[] = "op=seccomp-refuse container=\"abc\" pid=77 arch=x86_64 syscall=mkdir nr=83 errno=1";
        char buf[256];

        CHECK_EQ_INT(refusal_format(buf, sizeof(buf), "container=\"abc\"", 77, "x86_64", "mkdir", 83, 0), 0);
        CHECK_STREQ(buf, want);
        CHECK_EQ_INT(refusal_format(buf, sizeof(buf), "container=616263", 1, NULL, NULL, -1, 12), 0);
        CHECK_STREQ(buf, "op=seccomp-refuse container=616263 pid=1 arch=unknown syscall=unknown nr=-1 errno=1 suppressed=12");
        CHECK_EQ_INT(refusal_format(buf, 20, "container=\"abc\"", 77, "x86_64", "mkdir", 83, 0), -ENOBUFS);
        /* exactly fitting: the text and its NUL; one byte less is too small, with or without
         * the suppressed count */
        CHECK_EQ_INT(refusal_format(buf, sizeof(want), "container=\"abc\"", 77, "x86_64", "mkdir", 83, 0), 0);
        CHECK_EQ_INT(refusal_format(buf, sizeof(want) - 1, "container=\"abc\"", 77, "x86_64", "mkdir", 83, 0), -ENOBUFS);
        CHECK_EQ_INT(refusal_format(buf, sizeof(want), "container=\"abc\"", 77, "x86_64", "mkdir", 83, 3), -ENOBUFS);
        CHECK_EQ_INT(refusal_format(buf, sizeof(want) + STRLEN(" suppressed=3"), "container=\"abc\"", 77, "x86_64", "mkdir", 83, 3), 0);
}

int main(void) {
        test_burst_then_rate();
        test_refill_capped();
        test_clock_back();
        test_format();
        return TEST_RETURN();
}
