/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "hull/tests.h"
#include "proto.h"

int main(void) {
        Frame f;

        CHECK_EQ_INT(frame_parse("RUN 7 30 12", &f), 0);
        CHECK(f.type == FRAME_RUN && f.id == 7 && f.timeout == 30 && f.size == 12);
        CHECK_EQ_INT(frame_parse("OUT 7 65536", &f), 0);
        CHECK(f.type == FRAME_OUT && f.size == 65536);
        CHECK_EQ_INT(frame_parse("OUT 7 65537", &f), -E2BIG);
        CHECK_EQ_INT(frame_parse("RC 7 137", &f), 0);
        CHECK(f.type == FRAME_RC && f.status == 137);
        CHECK_EQ_INT(frame_parse("RC 7 256", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("RUN 7 30 99999999", &f), -E2BIG);
        CHECK_EQ_INT(frame_parse("RUN 7 30", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("RUN -1 30 1", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("RUN 7 30 1 extra", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("HELLO 1 2", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("", &f), -EINVAL);
        CHECK_EQ_INT(frame_parse("RUN  7 30 1", &f), 0); /* repeated spaces collapse */
        CHECK_EQ_INT(frame_parse("RUN 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52", &f), -EINVAL);
        return TEST_RETURN();
}
