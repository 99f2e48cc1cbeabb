/* SPDX-License-Identifier: MIT */
/* files.setuid, files.setuid-var and files.world-writable against fixture trees. */
#include "testutil.h"

static void test_setuid(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_files_setuid, root, 1, "all on the allow-list"); /* no /usr at all */
        fixture_bytes(root, "/usr/bin/su", "", 0, 04755);
        fixture_bytes(root, "/usr/sbin/unix_chkpwd", "", 0, 02755);
        fixture_bytes(root, "/usr/lib/dbus-1.0/dbus-daemon-launch-helper", "", 0, 04754);
        fixture_bytes(root, "/usr/bin/ls", "", 0, 0755);
        fixture_mkdir(root, "/usr/share/setgid-dir", 02775); /* directories are not programs */
        fixture_symlink(root, "/usr/bin/sudoedit", "sudo");
        CHECK_RESULT(check_files_setuid, root, 1, "setuid/setgid files in /usr all on the allow-list of 15");
        fixture_bytes(root, "/usr/bin/pkexec", "", 0, 04755);
        fixture_bytes(root, "/usr/lib/x86_64-linux-gnu/utempter/utempter", "", 0, 02755);
        CHECK_RESULT(check_files_setuid, root, 0, "2 not on the allow-list: ");
        CHECK_RESULT(check_files_setuid, root, 0, "/usr/bin/pkexec (4755)");
        CHECK_RESULT(check_files_setuid, root, 0, "/usr/lib/x86_64-linux-gnu/utempter/utempter (2755)");
        fixture_free(root);
}

static void test_setuid_var(void) {
        char *root = fixture_new();

        fixture_bytes(root, "/var/lib/docker/overlay2/abc/diff/usr/bin/su", "", 0, 04755); /* an image's */
        fixture_bytes(root, "/var/lib/containerd/x/passwd", "", 0, 04755);
        fixture_write(root, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
        fixture_mkdir(root, "/var/mail", 02775);
        CHECK_RESULT(check_files_setuid_var, root, 1, "no setuid/setgid files in /etc and /var");
        fixture_bytes(root, "/var/lib/hull/etc/upper/sbin-shell", "", 0, 04755);
        fixture_bytes(root, "/etc/cron.daily/x", "", 0, 02750);
        CHECK_RESULT(check_files_setuid_var, root, 0, "2 setuid/setgid files: /etc/cron.daily/x (2750); /var/lib/hull/etc/upper/sbin-shell (4755)");
        fixture_free(root);
}

static void test_world_writable(void) {
        char *root = fixture_new();

        fixture_mkdir(root, "/var/tmp", 01777);
        fixture_bytes(root, "/var/tmp/scratch", "", 0, 0666);          /* /var/tmp is left out */
        fixture_mkdir(root, "/var/lib/docker/overlay2/x/diff/tmp", 0777); /* an image's */
        fixture_mkdir(root, "/var/cache/shared", 01777);                  /* sticky: fine */
        fixture_symlink(root, "/etc/mtab", "../proc/self/mounts");       /* links are 0777: fine */
        fixture_bytes(root, "/etc/hostname", "hull\n", 5, 0644);
        fixture_bytes(root, "/etc/group-writable", "", 0, 0664);
        CHECK_RESULT(check_files_world_writable, root, 1, "no world-writable files or non-sticky directories");
        fixture_bytes(root, "/etc/docker/daemon.json", "{}", 2, 0666);
        fixture_mkdir(root, "/var/lib/drop", 0777);
        CHECK_RESULT(check_files_world_writable, root, 0, "2 world-writable: /etc/docker/daemon.json (0666); /var/lib/drop (0777)");
        fixture_free(root);
}

static void test_many(void) {
        char *root = fixture_new();

        /* More offenders than the evidence shows: the count is complete, the list is not. */
        for (int i = 0; i < 12; i++) {
                char *p = NULL;
                CHECK(asprintf(&p, "/etc/ww%02d", i) > 0);
                fixture_bytes(root, p, "", 0, 0666);
                free(p);
        }
        CHECK_RESULT(check_files_world_writable, root, 0, "12 world-writable: ");
        CHECK_RESULT(check_files_world_writable, root, 0, " (+4 more)");
        fixture_free(root);
}

int main(void) {
        test_setuid();
        test_setuid_var();
        test_world_writable();
        test_many();
        return TEST_RETURN();
}
