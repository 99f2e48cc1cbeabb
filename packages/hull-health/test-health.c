/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "health.h"
#include "hull/fileio.h"
#include "hull/tests.h"

static void test_audit_status(void) {
        uint32_t e = 99;

        CHECK_EQ_INT(audit_status_enabled("enabled 2\nfailure 1\npid 612\nrate_limit 0\nbacklog_limit 8192\n"
                                          "lost 0\nbacklog 0\nloginuid_immutable 0 unlocked\n", &e), 0);
        CHECK_EQ_INT(e, 2);
        CHECK_EQ_INT(audit_status_enabled("failure 1\nenabled 1\n", &e), 0);
        CHECK_EQ_INT(e, 1);
        CHECK_EQ_INT(audit_status_enabled("enabled 0", &e), 0);
        CHECK_EQ_INT(e, 0);
        CHECK_EQ_INT(audit_status_enabled("", &e), -ENOMSG);
        CHECK_EQ_INT(audit_status_enabled("disabled 2\n xenabled 2\n", &e), -ENOMSG);
        CHECK_EQ_INT(audit_status_enabled("enabled \n", &e), -EBADMSG);
        CHECK_EQ_INT(audit_status_enabled("enabled 2x\n", &e), -EBADMSG);
        CHECK_EQ_INT(audit_status_enabled("enabled -1\n", &e), -EBADMSG);
        CHECK_EQ_INT(audit_status_enabled("enabled 123456789012345678901\n", &e), -EBADMSG);
}

static int ping(const char *s, unsigned *st) {
        return ping_reply_check(s, strlen(s), st);
}

static void test_ping(void) {
        unsigned st = 0;

        CHECK_EQ_INT(ping("HTTP/1.0 200 OK\r\nApi-Version: 1.41\r\nContent-Length: 2\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n\r\nOK", &st), 0);
        CHECK_EQ_INT(st, 200);
        CHECK_EQ_INT(ping("HTTP/1.1 200 OK\r\n\r\nOK", NULL), 0);
        CHECK_EQ_INT(ping("HTTP/1.0 500 Internal Server Error\r\n\r\nno", &st), -EPROTO);
        CHECK_EQ_INT(st, 500);
        CHECK_EQ_INT(ping("HTTP/1.0 200 OK\r\n\r\nOKAY", &st), -ENODATA);
        CHECK_EQ_INT(ping("HTTP/1.0 200 OK\r\n\r\n", &st), -ENODATA);
        CHECK_EQ_INT(ping("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n", &st), -EBADMSG); /* cut short */
        CHECK_EQ_INT(ping("HTTP/2.0 200 OK\r\n\r\nOK", &st), -EBADMSG);
        CHECK_EQ_INT(ping("HTTP/1.0 2x0 OK\r\n\r\nOK", &st), -EBADMSG);
        CHECK_EQ_INT(ping("HTTP/1.0 2000 OK\r\n\r\nOK", &st), -EBADMSG);
        CHECK_EQ_INT(ping("OK", &st), -EBADMSG);
        CHECK_EQ_INT(ping("", &st), -EBADMSG);
        CHECK_EQ_INT(ping_reply_check("HTTP/1.0 200 OK\r\n\r\nOK\0", 22, &st), -ENODATA);
}

static void write_file(const char *dir, const char *name, const char *text, mode_t mode) {
        char *p = NULL;

        CHECK(asprintf(&p, "%s/%s", dir, name) > 0);
        CHECK_EQ_INT(write_file_atomic(p, text, strlen(text), mode), 0);
        CHECK_EQ_INT(chmod(p, mode), 0);
        free(p);
}

static void test_dm(const char *tmp) {
        char *dir = NULL, *dm = NULL, *name = NULL, *uuid = NULL;

        CHECK(asprintf(&dir, "%s/sys/dev/block/254:3", tmp) > 0);
        CHECK(asprintf(&dm, "%s/dm", dir) > 0);
        CHECK_EQ_INT(mkdir(dm, 0755) < 0 ? -errno : 0, -ENOENT);
        CHECK_EQ_INT(system("true"), 0);
        {
                char *cmd = NULL;
                CHECK(asprintf(&cmd, "mkdir -p '%s' '%s/sys/dev/block/8:1'", dm, tmp) > 0);
                CHECK_EQ_INT(system(cmd), 0);
                free(cmd);
        }
        write_file(dm, "name", "usr\n", 0644);
        write_file(dm, "uuid", "CRYPT-VERITY-5e4c1d6a9b8f4e2d8c7b6a5f4e3d2c1b-usr\n", 0644);
        free(dir);
        CHECK(asprintf(&dir, "%s/sys", tmp) > 0);

        CHECK_EQ_INT(dm_read_identity(dir, makedev(254, 3), &name, &uuid), 0);
        CHECK_STREQ(name, "usr");
        CHECK_STREQ(uuid, "CRYPT-VERITY-5e4c1d6a9b8f4e2d8c7b6a5f4e3d2c1b-usr");
        CHECK_EQ_INT(dm_verity_usr_check(name, uuid), 0);
        CHECK_EQ_INT(dm_read_identity(dir, makedev(8, 1), &name, &uuid), -ENOTBLK);
        CHECK_EQ_INT(dm_read_identity(dir, makedev(7, 7), &name, &uuid), -ENOENT);
        free(name);
        free(uuid);

        CHECK_EQ_INT(dm_verity_usr_check("root", "CRYPT-VERITY-x-root"), -EXDEV);
        CHECK_EQ_INT(dm_verity_usr_check("usr", "CRYPT-LUKS2-x-usr"), -EMEDIUMTYPE);
        CHECK_EQ_INT(dm_verity_usr_check("usr", "CRYPT-VERITY-"), -EMEDIUMTYPE);
        CHECK_EQ_INT(dm_verity_usr_check("usr", ""), -EMEDIUMTYPE);
        CHECK_EQ_INT(dm_verity_usr_check("usr-x", "CRYPT-VERITY-x"), -EXDEV);
        free(dir);
        free(dm);
}

static void test_dropins(const char *tmp) {
        char *etc = NULL, *usr = NULL, *p = NULL, **l = NULL;
        const char *dirs[2];

        CHECK(asprintf(&etc, "%s/etc", tmp) > 0);
        CHECK(asprintf(&usr, "%s/usr", tmp) > 0);
        dirs[0] = etc;
        dirs[1] = usr;

        /* Neither directory exists: no checks. */
        CHECK_EQ_INT(dropins_collect(dirs, 2, &l), 0);
        CHECK(l && !l[0]);
        strv_free(l);

        CHECK_EQ_INT(mkdir(etc, 0755), 0);
        CHECK_EQ_INT(mkdir(usr, 0755), 0);
        write_file(usr, "50-usr-only", "#!/bin/sh\n", 0755);
        write_file(usr, "20-overridden", "#!/bin/sh\n", 0755);
        write_file(etc, "20-overridden", "#!/bin/sh\n", 0755);
        write_file(usr, "30-masked", "#!/bin/sh\n", 0755);
        CHECK(asprintf(&p, "%s/30-masked", etc) > 0);
        CHECK_EQ_INT(symlink("/dev/null", p), 0);
        free(p);
        write_file(usr, "40-not-executable", "#!/bin/sh\n", 0644);
        write_file(usr, ".hidden", "#!/bin/sh\n", 0755);
        write_file(etc, "10-etc-only", "#!/bin/sh\n", 0755);
        /* /etc's non-executable file still shadows /usr's. */
        write_file(usr, "60-shadowed", "#!/bin/sh\n", 0755);
        write_file(etc, "60-shadowed", "disabled\n", 0644);
        CHECK(asprintf(&p, "%s/70-dir", usr) > 0);
        CHECK_EQ_INT(mkdir(p, 0755), 0);
        free(p);

        CHECK_EQ_INT(dropins_collect(dirs, 2, &l), 3);
        if (l && l[0] && l[1] && l[2]) {
                CHECK(strstr(l[0], "/etc/10-etc-only") != NULL);
                CHECK(strstr(l[1], "/etc/20-overridden") != NULL);
                CHECK(strstr(l[2], "/usr/50-usr-only") != NULL);
                CHECK(l[3] == NULL);
        }
        strv_free(l);
        free(etc);
        free(usr);
}

static void test_first_line_json(void) {
        char *s = NULL, *buf = NULL;
        size_t n = 0;
        FILE *f;

        CHECK_EQ_INT(first_line("disk 91% full\nmore\n", 200, &s), 0);
        CHECK_STREQ(s, "disk 91% full");
        free(s);
        CHECK_EQ_INT(first_line("a\tb\x1b[31m", 200, &s), 0);
        CHECK_STREQ(s, "a?b?[31m");
        free(s);
        CHECK_EQ_INT(first_line("abcdef", 3, &s), 0);
        CHECK_STREQ(s, "abc");
        free(s);
        CHECK_EQ_INT(first_line(NULL, 3, &s), 0);
        CHECK_STREQ(s, "");
        free(s);

        f = open_memstream(&buf, &n);
        CHECK(f != NULL);
        json_write_string(f, "a\"b\\c\n\x01");
        fclose(f);
        CHECK_STREQ(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
        free(buf);
}

int main(void) {
        char tmp[] = "/tmp/test-health-XXXXXX";
        char *cmd = NULL;

        CHECK(mkdtemp(tmp) != NULL);
        test_audit_status();
        test_ping();
        test_dm(tmp);
        test_dropins(tmp);
        test_first_line_json();
        CHECK(asprintf(&cmd, "rm -rf '%s'", tmp) > 0);
        CHECK_EQ_INT(system(cmd), 0);
        free(cmd);
        return TEST_RETURN();
}
