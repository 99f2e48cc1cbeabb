/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "hull/capability.h"
#include "hull/tests.h"

static void test_table(void) {
        CHECK_EQ_INT(capability_from_name("CAP_CHOWN"), 0);
        CHECK_EQ_INT(capability_from_name("CAP_SYS_ADMIN"), 21);
        CHECK_EQ_INT(capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);
        CHECK_EQ_INT(capability_from_name("cap_sys_admin"), -EINVAL);
        CHECK_EQ_INT(capability_from_name("SYS_ADMIN"), -EINVAL);
        CHECK_EQ_INT(capability_from_name("CAP_NOPE"), -EINVAL);
        CHECK_EQ_INT(capability_from_name(""), -EINVAL);
        CHECK_STREQ(capability_to_name(CAP_NET_RAW), "CAP_NET_RAW");
        CHECK(capability_to_name(capability_count()) == NULL);
        CHECK_EQ_INT(capability_count(), 41);
        for (unsigned c = 0; c < capability_count(); c++)
                CHECK_EQ_INT(capability_from_name(capability_to_name(c)), c);
}

static void test_normalize(void) {
        char n[CAPABILITY_NAME_MAX];

        CHECK_EQ_INT(capability_name_normalize("net_raw", n), 0);
        CHECK_STREQ(n, "CAP_NET_RAW");
        CHECK_EQ_INT(capability_name_normalize("CAP_MKNOD", n), 0);
        CHECK_STREQ(n, "CAP_MKNOD");
        CHECK_EQ_INT(capability_name_normalize("cap_setpcap", n), 0);
        CHECK_STREQ(n, "CAP_SETPCAP");
        CHECK_EQ_INT(capability_name_normalize("all", n), 0);
        CHECK_STREQ(n, "ALL");
        CHECK_EQ_INT(capability_name_normalize("", n), -EINVAL);
        CHECK_EQ_INT(capability_name_normalize("NET RAW", n), -EINVAL);
        CHECK_EQ_INT(capability_name_normalize("../x", n), -EINVAL);
        CHECK_EQ_INT(capability_name_normalize("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", n), -EINVAL);
}

static void test_sets(void) {
        unsigned n = 0;

        for (unsigned c = 0; c < 64; c++)
                n += !!(CAPSET_DOCKER_DEFAULT & CAPABILITY_BIT(c));
        CHECK_EQ_INT(n, 14);
        CHECK((CAPSET_DOCKER_DEFAULT & CAPSET_HULL_DROPPED) == CAPSET_HULL_DROPPED);
        CHECK(CAPSET_HULL_DROPPED & CAPABILITY_BIT(CAP_NET_RAW));
        CHECK(!(CAPSET_DOCKER_DEFAULT & CAPABILITY_BIT(CAP_SYS_ADMIN)));
}

int main(void) {
        test_table();
        test_normalize();
        test_sets();
        return TEST_RETURN();
}
