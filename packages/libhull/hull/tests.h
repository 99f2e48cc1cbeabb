/* SPDX-License-Identifier: MIT */
#pragma once

/* Minimal unit test helpers: a failed check prints file:line and the expression, and the
 * test binary exits 1 at the end. Tests are plain main() programs run by ./build.sh test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hull_test_failures;

#define CHECK(expr)                                                                          \
        do {                                                                                 \
                if (!(expr)) {                                                               \
                        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
                        hull_test_failures++;                                                \
                }                                                                            \
        } while (0)

#define CHECK_EQ_INT(a, b)                                                                   \
        do {                                                                                 \
                long long _a = (long long) (a), _b = (long long) (b);                        \
                if (_a != _b) {                                                              \
                        fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__,  \
                                __LINE__, #a, #b, _a, _b);                                   \
                        hull_test_failures++;                                                \
                }                                                                            \
        } while (0)

#define CHECK_STREQ(a, b)                                                                    \
        do {                                                                                 \
                const char *_a = (a), *_b = (b);                                             \
                if (!_a || !_b || strcmp(_a, _b) != 0) {                                     \
                        fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n",        \
                                __FILE__, __LINE__, #a, #b, _a ? _a : "(null)",              \
                                _b ? _b : "(null)");                                         \
                        hull_test_failures++;                                                \
                }                                                                            \
        } while (0)

#define TEST_RETURN() ((hull_test_failures) ? (fprintf(stderr, "%d check(s) failed\n", hull_test_failures), 1) : 0)
