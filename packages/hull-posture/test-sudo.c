/* SPDX-License-Identifier: MIT */
/* sudo.rules: Debian's sudoers with Hull's drop-in, rules that fail, includes, and malformed
 * sudoers text. */
#include "testutil.h"

/* Debian 12's /etc/sudoers (comments shortened). */
#define DEBIAN_SUDOERS                                                                                 \
        "#\n# This file MUST be edited with the 'visudo' command as root.\n#\n"                        \
        "Defaults\tenv_reset\nDefaults\tmail_badpass\n"                                              \
        "Defaults\tsecure_path=\"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"\n"    \
        "Defaults\tuse_pty\n\n# Host alias specification\n\n# User privilege specification\n"         \
        "root\tALL=(ALL:ALL) ALL\n\n# Allow members of group sudo to execute any command\n"           \
        "%sudo\tALL=(ALL:ALL) ALL\n\n# See sudoers(5) for more information on \"@include\" directives:\n\n" \
        "@includedir /etc/sudoers.d\n"

static void hull_tree(const char *root) {
        _cleanup_free_ char *text = NULL;

        fixture_write(root, "/etc/sudoers", DEBIAN_SUDOERS);
        fixture_write(root, "/etc/sudoers.d/README", "#\n# Files in this directory ending in '~' or containing '.' are skipped.\n#\n");
        CHECK_EQ_INT(read_full_file("../../overlays/etc/sudoers.d/10-hull", 65536, &text, NULL), 0);
        fixture_write(root, "/etc/sudoers.d/10-hull", text ?: "");
}

static void test_hull(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_sudo_rules, root, 1, "no /etc/sudoers: sudo grants nothing");
        fixture_write(root, "/etc/sudoers", DEBIAN_SUDOERS);
        CHECK_RESULT(check_sudo_rules, root, 1, "no NOPASSWD: ALL rule, no !authenticate");
        hull_tree(root);
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's %sudo NOPASSWD: ALL (/etc/sudoers.d/10-hull:9)");
        /* Skipped names: with a '.', ending in '~'. */
        fixture_write(root, "/etc/sudoers.d/50-bob.disabled", "bob ALL=(ALL) NOPASSWD: ALL\n");
        fixture_write(root, "/etc/sudoers.d/50-bob~", "bob ALL=(ALL) NOPASSWD: ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's %sudo");
        /* The documented way to want passwords again passes too. */
        fixture_write(root, "/etc/sudoers.d/50-password", "%sudo ALL=(ALL:ALL) ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's %sudo");
        fixture_free(root);
}

static void test_fail(void) {
        char *root = fixture_new();

        hull_tree(root);
        fixture_write(root, "/etc/sudoers.d/50-deploy", "# deploy\ndeploy  ALL = (root) NOPASSWD: /usr/bin/docker\n"
                                                       "alice, bob ALL=(ALL) NOPASSWD:ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "/etc/sudoers.d/50-deploy:3: alice, bob NOPASSWD: ALL");
        fixture_write(root, "/etc/sudoers.d/50-deploy", "Defaults:deploy !authenticate\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "/etc/sudoers.d/50-deploy:1: Defaults !authenticate");
        fixture_write(root, "/etc/sudoers.d/50-deploy", "Defaults env_reset, ! authenticate,use_pty\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "50-deploy:1: Defaults !authenticate");
        fixture_write(root, "/etc/sudoers.d/50-deploy", "Defaults !!authenticate, !authenticated, !lecture\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's %sudo");
        /* The tag holds for the commands after it, until PASSWD:. */
        fixture_write(root, "/etc/sudoers.d/50-deploy", "deploy ALL=(root) NOPASSWD: /bin/ls, (ALL) ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "50-deploy:1: deploy NOPASSWD: ALL");
        fixture_write(root, "/etc/sudoers.d/50-deploy", "deploy ALL=(root) NOPASSWD: /bin/ls, PASSWD: ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's");
        /* A second host section: tags start over, and its own NOPASSWD counts. */
        fixture_write(root, "/etc/sudoers.d/50-deploy", "deploy ALL = NOPASSWD: /bin/ls : db = ALL\n"
                                                       "ops web = /bin/a\\, b : db=NOPASSWD: SETENV: ALL\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "50-deploy:2: ops NOPASSWD: ALL");
        /* Options, a uid, continuation lines (reported at their first line), a comment after. */
        fixture_write(root, "/etc/sudoers.d/50-deploy", "#1000 ALL=(ALL) ROLE=sysadm_r TYPE=sysadm_t \\\n"
                                                       "   NOPASSWD: \\\n ALL # everything\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "50-deploy:1: #1000 NOPASSWD: ALL");
        /* Hull's own principal anywhere passes; root too; a non-ALL command does not count. */
        fixture_write(root, "/etc/sudoers.d/50-deploy", "root ALL=(ALL) NOPASSWD: ALL\n%sudo ALL=NOPASSWD:ALL\n"
                                                       "deploy ALL=NOPASSWD: /usr/bin/ALL, ALLx\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "only Hull's %sudo NOPASSWD: ALL (/etc/sudoers.d/10-hull:9)");
        /* Many offenders: the first 8 and a count. */
        fixture_write(root, "/etc/sudoers.d/50-deploy",
                      "a ALL=NOPASSWD:ALL\nb ALL=NOPASSWD:ALL\nc ALL=NOPASSWD:ALL\nd ALL=NOPASSWD:ALL\n"
                      "e ALL=NOPASSWD:ALL\nf ALL=NOPASSWD:ALL\ng ALL=NOPASSWD:ALL\nh ALL=NOPASSWD:ALL\n"
                      "i ALL=NOPASSWD:ALL\nDefaults !authenticate\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "50-deploy:8: h NOPASSWD: ALL (+2 more)");
        fixture_free(root);
}

static void test_includes(void) {
        char *root = fixture_new();

        fixture_write(root, "/etc/sudoers", "#include sudoers.local\n#includedir /etc/sudo.d\n@include \"/etc/missing\"\n");
        fixture_write(root, "/etc/sudoers.local", "x ALL=NOPASSWD: ALL\n");
        fixture_write(root, "/etc/sudo.d/a", "@include ../sudo-deeper\n");
        fixture_write(root, "/etc/sudo-deeper", "Defaults:y !authenticate\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "/etc/sudoers.local:1: x NOPASSWD: ALL; /etc/sudo.d/../sudo-deeper:1: Defaults !authenticate");
        /* Below a file: missing, as sudo sees it. A name longer than PATH_MAX: cannot look. */
        fixture_write(root, "/etc/sudoers", "@include /etc/sudoers.local/x\n");
        CHECK_RESULT(check_sudo_rules, root, 1, "no NOPASSWD: ALL rule");
        {
                char long_include[PATH_MAX + 32] = "@include /";

                memset(long_include + 10, 'a', PATH_MAX + 10);
                long_include[PATH_MAX + 20] = 0;
                fixture_write(root, "/etc/sudoers", long_include);
                CHECK_RESULT(check_sudo_rules, root, -1, "cannot read /etc/sudoers and its includes");
        }
        /* An include loop. */
        fixture_write(root, "/etc/sudoers", "@include /etc/sudoers\n");
        CHECK_RESULT(check_sudo_rules, root, 0, "includes nested deeper than 8");
        /* A directory named in #include, and a directory inside the included directory. */
        fixture_mkdir(root, "/etc/sudo.d/sub", 0755);
        fixture_write(root, "/etc/sudoers", "@include /etc/sudo.d\n@includedir /etc/sudo.d\n#includedir \n");
        CHECK_RESULT(check_sudo_rules, root, 0, "/etc/sudo.d/../sudo-deeper:1: Defaults !authenticate");
        fixture_free(root);
}

static void test_malformed(void) {
        static const char *const texts[] = {
                "", "\n", "\\", "\\\n", "=", "==", ":", "a", "a=", "a b =", "a b = (", "a b = (ALL", "a b = NOPASSWD:",
                "a b = :", "a b = : =", "a b = x : y", "Defaults", "Defaults:", "Defaults,,,!", "Defaults !", "#include",
                "@includedir", "#includedir ", "@include \"\"", "@include \"", "# only a comment \\\n still",
                "a b = \\", "a b = NOPASSWD:\\\nALL", "a\tb=ROLE=", "a b = ROLE=x NOPASSWD: ALL", "\x01\x02=\x7f",
                "User_Alias X = a\nCmnd_Alias C = ALL\nX ALL = NOPASSWD: C",
        };
        Offenders bad = {};
        char *allowed = NULL;
        const CheckContext ctx = { .root = "/nonexistent" };

        for (size_t i = 0; i < ELEMENTSOF(texts); i++)
                CHECK_EQ_INT(sudoers_scan(&ctx, texts[i], "f", 0, &bad, &allowed), 0);
        /* Two of them grant NOPASSWD: ALL to a (joined line, options before the tag). */
        CHECK_EQ_INT(bad.count, 2);
        CHECK_STREQ(offenders_text(&bad), "f:1: a NOPASSWD: ALL; f:1: a NOPASSWD: ALL");
        CHECK(allowed == NULL);
        offenders_done(&bad);
}

int main(void) {
        test_hull();
        test_fail();
        test_includes();
        test_malformed();
        return TEST_RETURN();
}
