/* SPDX-License-Identifier: MIT */
/* ssh.root-login and ssh.passwords: sshd's first-match order, Include, Match, defaults. */
#include "testutil.h"

/* Debian 12's sshd_config, in short: the Include comes first, so the drop-ins win. */
#define DEBIAN_SSHD_CONFIG                                                                        \
        "# This is the sshd server system-wide configuration file.\n"                              \
        "Include /etc/ssh/sshd_config.d/*.conf\n\n"                                                \
        "#PermitRootLogin prohibit-password\n"                                                     \
        "KbdInteractiveAuthentication no\n"                                                        \
        "UsePAM yes\nX11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"                       \
        "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n"

static void test_hull(void) {
        char *root = fixture_new(), *text = NULL;
        size_t n;

        CHECK_RESULT(check_ssh_root_login, root, 0, "no /etc/ssh/sshd_config");
        fixture_write(root, "/etc/ssh/sshd_config", DEBIAN_SSHD_CONFIG);
        CHECK_RESULT(check_ssh_root_login, root, 0, "PermitRootLogin not set (sshd's default: prohibit-password)");
        CHECK_RESULT(check_ssh_passwords, root, 0, "PasswordAuthentication not set (sshd's default: yes)");
        /* With Hull's drop-in, as the image ships it. */
        CHECK_EQ_INT(read_full_file("../../overlays/etc/ssh/sshd_config.d/10-hull.conf", 65536, &text, &n), 0);
        fixture_write(root, "/etc/ssh/sshd_config.d/10-hull.conf", text);
        CHECK_RESULT(check_ssh_root_login, root, 1, "PermitRootLogin no (/etc/ssh/sshd_config.d/10-hull.conf:");
        CHECK_RESULT(check_ssh_passwords, root, 1,
                     "PasswordAuthentication no (/etc/ssh/sshd_config.d/10-hull.conf:6); "
                     "KbdInteractiveAuthentication no (/etc/ssh/sshd_config.d/10-hull.conf:7)");
        /* An administrator's earlier-sorting drop-in wins over Hull's. */
        fixture_write(root, "/etc/ssh/sshd_config.d/05-local.conf", "permitrootlogin=yes\n  PasswordAuthentication = \"yes\"\n");
        CHECK_RESULT(check_ssh_root_login, root, 0, "PermitRootLogin yes (/etc/ssh/sshd_config.d/05-local.conf:1), want no");
        CHECK_RESULT(check_ssh_passwords, root, 0, "PasswordAuthentication yes (/etc/ssh/sshd_config.d/05-local.conf:2), want no");
        /* A later-sorting one does not. */
        fixture_unlink(root, "/etc/ssh/sshd_config.d/05-local.conf");
        fixture_write(root, "/etc/ssh/sshd_config.d/50-local.conf", "PermitRootLogin yes\nPasswordAuthentication yes\n");
        CHECK_RESULT(check_ssh_root_login, root, 1, "PermitRootLogin no");
        CHECK_RESULT(check_ssh_passwords, root, 1, "PasswordAuthentication no");
        free(text);
        fixture_free(root);
}

static void test_order(void) {
        char *root = fixture_new();

        /* Before the Include, the main file wins; Match blocks are not the defaults. */
        fixture_write(root, "/etc/ssh/sshd_config",
                      "Match User backup\n  PermitRootLogin yes\nMatch all\n"
                      "ChallengeResponseAuthentication yes\nPermitRootLogin without-password\n"
                      "Include sshd_config.d/*.conf other.conf\n");
        fixture_write(root, "/etc/ssh/sshd_config.d/10-hull.conf", "PermitRootLogin no\nPasswordAuthentication no\n");
        fixture_write(root, "/etc/ssh/other.conf", "KbdInteractiveAuthentication no\n");
        CHECK_RESULT(check_ssh_root_login, root, 0, "PermitRootLogin without-password (/etc/ssh/sshd_config:5), want no");
        /* ChallengeResponseAuthentication is KbdInteractiveAuthentication's old name. */
        CHECK_RESULT(check_ssh_passwords, root, 0, "KbdInteractiveAuthentication yes (/etc/ssh/sshd_config:4), want no");
        /* A Match in an included file ends with that file. */
        fixture_write(root, "/etc/ssh/sshd_config", "Include a.conf\nPermitRootLogin no\n");
        fixture_write(root, "/etc/ssh/a.conf", "Match Address 10.0.0.0/8\nPermitRootLogin yes\n");
        CHECK_RESULT(check_ssh_root_login, root, 1, "PermitRootLogin no (/etc/ssh/sshd_config:2)");
        /* An Include of itself stops at sshd's depth limit. */
        fixture_write(root, "/etc/ssh/sshd_config", "Include sshd_config\n");
        CHECK_RESULT(check_ssh_root_login, root, -1, "cannot read /etc/ssh/sshd_config and its Include files");
        fixture_free(root);
}

int main(void) {
        test_hull();
        test_order();
        return TEST_RETURN();
}
