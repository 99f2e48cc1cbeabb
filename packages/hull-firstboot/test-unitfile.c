/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "hull/macro.h"
#include "hull/tests.h"
#include "unitfile.h"

int main(void) {
        UnitInstall i = {};
        const char *key = NULL;
        char *t = NULL;

        CHECK_EQ_INT(unit_install_parse("[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n"
                                        "[Install]\n# comment\nWantedBy=multi-user.target \\\n  sockets.target\n"
                                        "RequiredBy=a.target\nAlias=b.service\n", &i, &key), 4);
        CHECK_EQ_INT(i.n_wanted_by, 2);
        CHECK_STREQ(i.wanted_by[0], "multi-user.target");
        CHECK_STREQ(i.wanted_by[1], "sockets.target");
        CHECK_STREQ(i.required_by[0], "a.target");
        CHECK_STREQ(i.alias[0], "b.service");
        unit_install_done(&i);

        CHECK_EQ_INT(unit_install_parse("[Install]\nWantedBy=a.target\nWantedBy=\n", &i, &key), 0);
        unit_install_done(&i);
        CHECK_EQ_INT(unit_install_parse("[Service]\nExecStart=/bin/true\n", &i, &key), 0);
        unit_install_done(&i);
        /* [Install]-like lines in other sections do not count. */
        CHECK_EQ_INT(unit_install_parse("[Service]\nWantedBy=x.target\n", &i, &key), 0);
        unit_install_done(&i);
        CHECK_EQ_INT(unit_install_parse("[Install]\nAlso=x.service\n", &i, &key), -EOPNOTSUPP);
        CHECK_STREQ(key, "Also");
        CHECK_EQ_INT(unit_install_parse("[Install]\nDefaultInstance=a\n", &i, &key), -EOPNOTSUPP);
        CHECK_EQ_INT(unit_install_parse("[Install]\nWantedBy=../../etc/passwd\n", &i, &key), -EINVAL);
        CHECK_STREQ(key, "WantedBy");
        CHECK_EQ_INT(unit_install_parse("[Install]\nnonsense\n", &i, &key), -EINVAL);
        CHECK_EQ_INT(unit_install_parse("[Install]\nFoo=bar\n", &i, &key), -EINVAL);

        CHECK_EQ_INT(unit_name_template("getty@tty1.service", &t), 1);
        CHECK_STREQ(t, "getty@.service");
        free(t);
        CHECK_EQ_INT(unit_name_template("sshd.service", &t), 0);
        CHECK_EQ_INT(unit_name_template("getty@.service", &t), 0);
        return TEST_RETURN();
}
