/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/tests.h"

static int parse(const char *text, UpdateConfig *c, const char *want_err) {
        _cleanup_diag_ Diag d = {};
        int r = update_config_parse(text, c, &d);
        const char *err = d.n > 0 ? d.msgs[0] : "";

        if (want_err && (r != -EINVAL || !strstr(err, want_err))) {
                fprintf(stderr, "'%s': got %d '%s', want '%s'\n", text, r, err, want_err);
                return -1;
        }
        return r;
}

int main(void) {
        UpdateConfig c;

        CHECK_EQ_INT(parse("# Hull updates\n\nURL=https://updates.example/hull/\n", &c, NULL), 0);
        CHECK(streq_ptr(c.url, "https://updates.example/hull/"));
        CHECK_EQ_INT(c.reboot, REBOOT_NEVER);
        CHECK_EQ_INT(parse("  URL=file:///run/p  \r\nREBOOT=now", &c, NULL), 0);
        CHECK(streq_ptr(c.url, "file:///run/p"));
        CHECK_EQ_INT(c.reboot, REBOOT_NOW);
        CHECK_EQ_INT(parse("URL=/run/hull-payload\nREBOOT=window\nWINDOW=02:30-04:00\n", &c, NULL), 0);
        CHECK_EQ_INT(c.reboot, REBOOT_WINDOW);
        CHECK_EQ_INT(c.window_start, 150);
        CHECK_EQ_INT(c.window_end, 240);
        CHECK(window_contains(&c, 150));
        CHECK(window_contains(&c, 239));
        CHECK(!window_contains(&c, 240));
        CHECK(!window_contains(&c, 149));
        CHECK_EQ_INT(parse("URL=/p\nREBOOT=window\nWINDOW=23:00-01:00\n", &c, NULL), 0);
        CHECK(window_contains(&c, 23 * 60 + 59));
        CHECK(window_contains(&c, 0));
        CHECK(!window_contains(&c, 60));
        CHECK(!window_contains(&c, 22 * 60));

        CHECK_EQ_INT(parse("", &c, "no URL="), -EINVAL);
        CHECK_EQ_INT(parse("REBOOT=now\n", &c, "no URL="), -EINVAL);
        CHECK_EQ_INT(parse("URL=ftp://x/\n", &c, "not an http://"), -EINVAL);
        CHECK_EQ_INT(parse("URL=relative/dir\n", &c, "not an http://"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nURL=/b\n", &c, "line 2: URL= given twice"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nREBOOT=later\n", &c, "line 2: REBOOT=later"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nREBOOT=window\n", &c, "needs WINDOW="), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nWINDOW=2:00-4:00\n", &c, "line 2: WINDOW=2:00-4:00"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nWINDOW=24:00-01:00\n", &c, "WINDOW="), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nWINDOW=01:00-01:00\n", &c, "WINDOW="), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\nwindow=01:00-02:00\n", &c, "unknown setting 'window'"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\njust words\n", &c, "line 2: not KEY=VALUE"), -EINVAL);
        CHECK_EQ_INT(parse("URL=/a\x01\n", &c, "control character"), -EINVAL);
        return TEST_RETURN();
}
