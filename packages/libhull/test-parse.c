/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>

#include "hull/parse.h"
#include "hull/tests.h"

int main(void) {
        uint64_t u = 7;
        uint32_t u32 = 7;
        int64_t i = 7;
        uint8_t b[4];
        char hex[9];

        CHECK_EQ_INT(safe_atou64("0", &u), 0);
        CHECK_EQ_INT(u, 0);
        CHECK_EQ_INT(safe_atou64("18446744073709551615", &u), 0);
        CHECK(u == UINT64_MAX);
        CHECK_EQ_INT(safe_atou64("18446744073709551616", &u), -ERANGE);
        CHECK_EQ_INT(safe_atou64("-1", &u), -EINVAL);
        CHECK_EQ_INT(safe_atou64(" 1", &u), -EINVAL);
        CHECK_EQ_INT(safe_atou64("1 ", &u), -EINVAL);
        CHECK_EQ_INT(safe_atou64("", &u), -EINVAL);
        CHECK_EQ_INT(safe_atou64("0x10", &u), -EINVAL);
        CHECK_EQ_INT(safe_atou32("4294967296", &u32), -ERANGE);
        CHECK_EQ_INT(safe_atou32("4294967295", &u32), 0);
        CHECK_EQ_INT(safe_atoi64("-5", &i), 0);
        CHECK_EQ_INT(i, -5);
        CHECK_EQ_INT(safe_atoi64("--5", &i), -EINVAL);
        CHECK_EQ_INT(parse_boolean("yes"), 1);
        CHECK_EQ_INT(parse_boolean("off"), 0);
        CHECK_EQ_INT(parse_boolean("maybe"), -EINVAL);
        CHECK_EQ_INT(unhexmem("deadBEEF", 4, b), 0);
        CHECK(b[0] == 0xde && b[3] == 0xef);
        CHECK_EQ_INT(unhexmem("deadbee", 4, b), -EINVAL);
        CHECK_EQ_INT(unhexmem("deadbeeg", 4, b), -EINVAL);
        hexmem(b, 4, hex);
        CHECK_STREQ(hex, "deadbeef");
        CHECK(string_has_cc("a\nb"));
        CHECK(!string_has_cc("plain"));
        return TEST_RETURN();
}
