/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hull/fileio.h"
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

static int tries(const char *text, const char *want_err) {
        _cleanup_diag_ Diag d = {};
        int n = -1, r = boot_tries_parse(text, "tries", &n, &d);
        const char *err = d.n > 0 ? d.msgs[0] : "";

        if (want_err ? r != -EINVAL || !strstr(err, want_err) : r != 0) {
                fprintf(stderr, "tries '%s': got %d '%s', want '%s'\n", text, r, err, want_err ? want_err : "");
                return -2;
        }
        return r < 0 ? r : n;
}

/* /etc/kernel/tries as a file: missing, good, malformed, too long, not a regular file. */
static void tries_files(void) {
        char dir[] = "/tmp/test-config.XXXXXX", path[64];
        _cleanup_diag_ Diag d = {};
        int n = -1;

        CHECK(mkdtemp(dir) != NULL);
        snprintf(path, sizeof(path), "%s/tries", dir);
        CHECK_EQ_INT(boot_tries_load(path, &n, &d), 0);
        CHECK_EQ_INT(n, BOOT_TRIES_DEFAULT);
        CHECK_EQ_INT(write_file_atomic(path, "1\n", 2, 0644), 0);
        CHECK_EQ_INT(boot_tries_load(path, &n, &d), 0);
        CHECK_EQ_INT(n, 1);
        CHECK_EQ_INT(write_file_atomic(path, "three\n", 6, 0644), 0);
        CHECK_EQ_INT(boot_tries_load(path, &n, &d), -EINVAL);
        CHECK(d.n == 1 && strstr(d.msgs[0], path) && strstr(d.msgs[0], "not a number of boot tries from 1 to 99"));
        CHECK_EQ_INT(n, 1);
        char big[200];
        memset(big, ' ', sizeof(big));
        big[0] = '2';
        CHECK_EQ_INT(write_file_atomic(path, big, sizeof(big), 0644), 0);
        CHECK_EQ_INT(boot_tries_load(path, &n, NULL), -EINVAL);
        CHECK_EQ_INT(write_file_atomic(path, "2\0", 2, 0644), 0);
        CHECK_EQ_INT(boot_tries_load(path, &n, NULL), -EINVAL);
        unlink(path);
        CHECK_EQ_INT(mkdir(path, 0755), 0);
        CHECK(boot_tries_load(path, &n, NULL) < 0);
        rmdir(path);
        rmdir(dir);
}

int main(void) {
        UpdateConfig c;

        CHECK_EQ_INT(tries("3", NULL), 3);
        CHECK_EQ_INT(tries("1\n", NULL), 1);
        CHECK_EQ_INT(tries(" 12 \r\n", NULL), 12);
        CHECK_EQ_INT(tries("99", NULL), 99);
        CHECK_EQ_INT(tries("0", "not a number of boot tries"), -EINVAL);
        CHECK_EQ_INT(tries("100", "not a number of boot tries"), -EINVAL);
        CHECK_EQ_INT(tries("99999999999999999999", "not a number of boot tries"), -EINVAL);
        CHECK_EQ_INT(tries("", "tries: not a number"), -EINVAL);
        CHECK_EQ_INT(tries("\n", "not a number"), -EINVAL);
        CHECK_EQ_INT(tries("-1", "not a number"), -EINVAL);
        CHECK_EQ_INT(tries("+3", "not a number"), -EINVAL);
        CHECK_EQ_INT(tries("3 4", "not a number"), -EINVAL);
        CHECK_EQ_INT(tries("0x3", "not a number"), -EINVAL);
        CHECK_EQ_INT(tries("3\n#comment", "not a number"), -EINVAL);
        tries_files();

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
