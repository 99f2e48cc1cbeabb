/* SPDX-License-Identifier: MIT */
/* Applies configs into temporary trees (--root) and checks the result; a failing config must
 * leave the tree untouched. User creation needs root (useradd --prefix); it is skipped, with
 * a message, when the test runs unprivileged. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "apply.h"
#include "config.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/tests.h"

static bool as_root;

static void put(const char *root, const char *rel, const char *text) {
        _cleanup_free_ char *p = NULL, *dir = NULL, *cmd = NULL;
        CHECK(asprintf(&p, "%s%s", root, rel) > 0);
        dir = strdup(p);
        *strrchr(dir, '/') = 0;
        CHECK(asprintf(&cmd, "mkdir -p '%s'", dir) > 0);
        CHECK(system(cmd) == 0);
        CHECK_EQ_INT(write_file_atomic(p, text, strlen(text), 0644), 0);
}

static char *make_root(void) {
        char tmpl[] = "/tmp/hull-test-apply.XXXXXX";
        char *root = strdup(mkdtemp(tmpl));
        put(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        put(root, "/etc/shadow", "root:*:19000:0:99999:7:::\n");
        put(root, "/etc/group", "root:x:0:\nsudo:x:27:\n");
        put(root, "/etc/gshadow", "root:*::\nsudo:*::\n");
        put(root, "/usr/lib/systemd/system/existing.service",
            "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=ex.service\n");
        put(root, "/usr/lib/systemd/system/getty@.service", "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=getty.target\n");
        put(root, "/usr/lib/systemd/system/static.service", "[Service]\nExecStart=/bin/true\n");
        CHECK(chmod(root, 0755) == 0);
        return root;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *f) {
        return remove(p);
}

static void remove_root(char *root) {
        (void) nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
        free(root);
}

static int apply_text(const char *root, const char *json, char **ret_what) {
        _cleanup_config_ Config *c = NULL;
        Diag e = {};
        ApplyOptions o = { .root = root, .source = "test" };
        int r = config_parse(json, strlen(json), &c, &e);

        for (size_t i = 0; i < e.n; i++)
                fprintf(stderr, "config error: %s\n", e.msgs[i]);
        diag_clear(&e);
        if (r < 0)
                return r;
        return apply_config(c, &o, ret_what);
}

static char *readf(const char *root, const char *rel) {
        _cleanup_free_ char *p = NULL;
        char *text = NULL;
        CHECK(asprintf(&p, "%s%s", root, rel) > 0);
        if (read_full_file(p, 1 << 20, &text, NULL) < 0)
                return NULL;
        return text;
}

static int lstat_rel(const char *root, const char *rel, struct stat *st) {
        _cleanup_free_ char *p = NULL;
        CHECK(asprintf(&p, "%s%s", root, rel) > 0);
        return lstat(p, st) < 0 ? -errno : 0;
}

static char *link_rel(const char *root, const char *rel) {
        _cleanup_free_ char *p = NULL;
        char buf[PATH_MAX];
        ssize_t k;
        CHECK(asprintf(&p, "%s%s", root, rel) > 0);
        k = readlink(p, buf, sizeof(buf) - 1);
        if (k < 0)
                return NULL;
        buf[k] = 0;
        return strdup(buf);
}

/* Lists every path below root, for "nothing changed" checks. */
static char *tree_listing(const char *root) {
        _cleanup_free_ char *cmd = NULL;
        char *out = NULL;
        size_t n = 0;
        FILE *f;
        CHECK(asprintf(&cmd, "cd '%s' && find . | sort && cat etc/passwd etc/group", root) > 0);
        f = popen(cmd, "r");
        if (!f)
                return NULL;
        (void) read_full_fd(fileno(f), 1 << 20, &out, &n);
        pclose(f);
        return out;
}

#define CFG_HEAD "{\"ignition\":{\"version\":\"3.3.0\"},"
#define CFG_USERS                                                                                    \
        "\"passwd\":{\"users\":[{\"name\":\"core\",\"groups\":[\"sudo\"],\"passwordHash\":\"$6$s$h\"," \
        "\"sshAuthorizedKeys\":[\"ssh-ed25519 AAAATEST core@test\"]},"                              \
        "{\"name\":\"root\",\"sshAuthorizedKeys\":[\"ssh-ed25519 AAAAROOT root@test\"]}]},"
#define CFG_REST                                                                                     \
        "\"storage\":{\"files\":[{\"path\":\"/etc/hostname\",\"mode\":420,\"contents\":{\"source\":\"data:,hull-1%0A\"}},"  \
        "{\"path\":\"/opt/bin/tool\",\"mode\":493,\"contents\":{\"source\":\"data:;base64,IyEvYmluL3NoCg==\"}},"          \
        "{\"path\":\"/var/lib/app/empty\",\"mode\":384}],"                                          \
        "\"directories\":[{\"path\":\"/var/lib/app\",\"mode\":448},{\"path\":\"/srv/www/html\"}],"   \
        "\"links\":[{\"path\":\"/etc/localtime\",\"target\":\"/usr/share/zoneinfo/UTC\"},"           \
        "{\"path\":\"/opt/bin/tool2\",\"target\":\"/opt/bin/tool\",\"hard\":true}]},"                 \
        "\"systemd\":{\"units\":[{\"name\":\"hello.service\",\"enabled\":true,"                      \
        "\"contents\":\"[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\nRequiredBy=x.target\\n\"," \
        "\"dropins\":[{\"name\":\"10-env.conf\",\"contents\":\"[Service]\\nEnvironment=A=1\\n\"}]},"    \
        "{\"name\":\"existing.service\",\"enabled\":true},{\"name\":\"getty@tty2.service\",\"enabled\":true}," \
        "{\"name\":\"apt-daily.timer\",\"mask\":true}]}}"

#define FULL_CONFIG CFG_HEAD CFG_USERS CFG_REST
#define NOUSERS_CONFIG CFG_HEAD CFG_REST

static void test_full(void) {
        char *root = make_root();
        _cleanup_free_ char *what = NULL, *t = NULL;
        struct stat st, st2;

        const char *config = as_root ? FULL_CONFIG : NOUSERS_CONFIG;

        CHECK_EQ_INT(apply_text(root, config, &what), 0);
        if (what)
                fprintf(stderr, "apply failed at: %s\n", what);
        t = readf(root, "/etc/hostname");
        CHECK_STREQ(t, "hull-1\n");
        CHECK(lstat_rel(root, "/etc/hostname", &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_uid == geteuid());
        CHECK(lstat_rel(root, "/opt/bin/tool", &st) == 0 && (st.st_mode & 07777) == 0755);
        CHECK(lstat_rel(root, "/opt/bin/tool2", &st2) == 0 && st.st_ino == st2.st_ino);
        CHECK(lstat_rel(root, "/opt/bin", &st) == 0 && (st.st_mode & 07777) == 0755);
        CHECK(lstat_rel(root, "/var/lib/app", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 0700);
        CHECK(lstat_rel(root, "/var/lib/app/empty", &st) == 0 && st.st_size == 0 && (st.st_mode & 07777) == 0600);
        CHECK(lstat_rel(root, "/srv/www/html", &st) == 0 && S_ISDIR(st.st_mode));
        free(t), t = link_rel(root, "/etc/localtime");
        CHECK_STREQ(t, "/usr/share/zoneinfo/UTC");
        free(t), t = readf(root, "/etc/systemd/system/hello.service");
        CHECK(t && strstr(t, "ExecStart=/bin/true"));
        free(t), t = readf(root, "/etc/systemd/system/hello.service.d/10-env.conf");
        CHECK_STREQ(t, "[Service]\nEnvironment=A=1\n");
        free(t), t = link_rel(root, "/etc/systemd/system/multi-user.target.wants/hello.service");
        CHECK_STREQ(t, "/etc/systemd/system/hello.service");
        free(t), t = link_rel(root, "/etc/systemd/system/x.target.requires/hello.service");
        CHECK_STREQ(t, "/etc/systemd/system/hello.service");
        free(t), t = link_rel(root, "/etc/systemd/system/multi-user.target.wants/existing.service");
        CHECK_STREQ(t, "/usr/lib/systemd/system/existing.service");
        free(t), t = link_rel(root, "/etc/systemd/system/ex.service");
        CHECK_STREQ(t, "/usr/lib/systemd/system/existing.service");
        free(t), t = link_rel(root, "/etc/systemd/system/getty.target.wants/getty@tty2.service");
        CHECK_STREQ(t, "/usr/lib/systemd/system/getty@.service");
        free(t), t = link_rel(root, "/etc/systemd/system/apt-daily.timer");
        CHECK_STREQ(t, "/dev/null");
        /* users */
        if (as_root) {
        free(t), t = readf(root, "/etc/passwd");
        CHECK(t && strstr(t, "\ncore:x:"));
        free(t), t = readf(root, "/etc/shadow");
        CHECK(t && strstr(t, "\ncore:$6$s$h:"));
        free(t), t = readf(root, "/etc/group");
        CHECK(t && strstr(t, "sudo:x:27:core"));
        CHECK(lstat_rel(root, "/home/core/.ssh", &st) == 0 && (st.st_mode & 07777) == 0700 && st.st_uid != 0);
        CHECK(lstat_rel(root, "/home/core/.ssh/authorized_keys", &st2) == 0 && (st2.st_mode & 07777) == 0600 &&
              st2.st_uid == st.st_uid && st2.st_gid == st.st_gid);
        free(t), t = readf(root, "/home/core/.ssh/authorized_keys");
        CHECK_STREQ(t, "ssh-ed25519 AAAATEST core@test\n");
        free(t), t = readf(root, "/root/.ssh/authorized_keys");
        CHECK_STREQ(t, "ssh-ed25519 AAAAROOT root@test\n");
        }
        CHECK(lstat_rel(root, FIRSTBOOT_MARKER, &st) == 0);

        /* Applying again (an interrupted run retried) succeeds and changes nothing. */
        free(what), what = NULL;
        free(t), t = tree_listing(root);
        CHECK_EQ_INT(apply_text(root, config, &what), 0);
        if (what)
                fprintf(stderr, "re-apply failed at: %s\n", what);
        {
                _cleanup_free_ char *t2 = tree_listing(root);
                CHECK_STREQ(t, t2);
                if (as_root) {
                        free(t2), t2 = readf(root, "/home/core/.ssh/authorized_keys");
                        CHECK_STREQ(t2, "ssh-ed25519 AAAATEST core@test\n");
                }
        }

        /* enabled=false removes what enabling made. */
        free(what), what = NULL;
        CHECK_EQ_INT(apply_text(root, "{\"ignition\":{\"version\":\"3.3.0\"},\"systemd\":{\"units\":["
                                      "{\"name\":\"existing.service\",\"enabled\":false}]}}", &what), 0);
        CHECK(lstat_rel(root, "/etc/systemd/system/multi-user.target.wants/existing.service", &st) == -ENOENT);
        CHECK(lstat_rel(root, "/etc/systemd/system/ex.service", &st) == -ENOENT);
        remove_root(root);
}

/* Each config fails a check that needs the tree; the tree must be exactly as before. */
static void test_fails_clean(const char *json, const char *want_what, const char *setup_file) {
        char *root = make_root();
        _cleanup_free_ char *before = NULL, *after = NULL, *what = NULL;

        if (setup_file)
                put(root, setup_file, "old\n");
        before = tree_listing(root);
        CHECK(apply_text(root, json, &what) < 0);
        if (!what || !strstr(what, want_what)) {
                fprintf(stderr, "expected failure '%s', got '%s'\n", want_what, what ?: "(none)");
                hull_test_failures++;
        }
        after = tree_listing(root);
        CHECK_STREQ(before, after);
        remove_root(root);
}

static void test_failures(void) {
        const char *pre = "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/new\",\"contents\":{\"source\":\"data:,x\"}}";

        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s,{\"path\":\"/etc/old\",\"contents\":{\"source\":\"data:,y\"}}]}}", pre) > 0);
                test_fails_clean(j, "it exists and overwrite is false", "/etc/old");
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s]},\"passwd\":{\"users\":[{\"name\":\"core\",\"groups\":[\"nosuch\"]}]}}", pre) > 0);
                test_fails_clean(j, "no such group", NULL);
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s]},\"systemd\":{\"units\":[{\"name\":\"nosuch.service\",\"enabled\":true}]}}", pre) > 0);
                test_fails_clean(j, "no such unit", NULL);
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s]},\"systemd\":{\"units\":[{\"name\":\"static.service\",\"enabled\":true}]}}", pre) > 0);
                test_fails_clean(j, "no [Install] section", NULL);
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s],\"directories\":[{\"path\":\"/etc/old\"}]}}", pre) > 0);
                test_fails_clean(j, "something else is there", "/etc/old");
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s],\"links\":[{\"path\":\"/etc/old\",\"target\":\"x\"}]}}", pre) > 0);
                test_fails_clean(j, "overwrite is false", "/etc/old");
        }
        {
                _cleanup_free_ char *j = NULL;
                CHECK(asprintf(&j, "%s],\"links\":[{\"path\":\"/etc/l\",\"target\":\"/etc/nosuch\",\"hard\":true}]}}", pre) > 0);
                test_fails_clean(j, "does not exist", NULL);
        }
}

static void test_overwrite_and_escape(void) {
        char *root = make_root();
        char outside[] = "/tmp/hull-test-outside.XXXXXX";
        _cleanup_free_ char *what = NULL, *t = NULL, *link = NULL, *json = NULL;
        struct stat st;

        put(root, "/etc/old", "old\n");
        CHECK_EQ_INT(apply_text(root, "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/old\","
                                      "\"overwrite\":true,\"mode\":416,\"contents\":{\"source\":\"data:,new\"}}]}}", &what), 0);
        t = readf(root, "/etc/old");
        CHECK_STREQ(t, "new");
        CHECK(lstat_rel(root, "/etc/old", &st) == 0 && (st.st_mode & 07777) == 0640);

        /* A symlink in the tree pointing out of it is resolved inside the tree. */
        CHECK(mkdtemp(outside) != NULL);
        CHECK(asprintf(&link, "%s/var/escape", root) > 0);
        CHECK(symlink(outside, link) == 0);
        CHECK(asprintf(&json, "{\"ignition\":{\"version\":\"3.3.0\"},\"storage\":{\"files\":[{\"path\":\"/var/escape/x\","
                              "\"contents\":{\"source\":\"data:,x\"}}]}}") > 0);
        free(what), what = NULL;
        (void) apply_text(root, json, &what);
        {
                _cleanup_free_ char *p = NULL;
                CHECK(asprintf(&p, "%s/x", outside) > 0);
                CHECK(access(p, F_OK) < 0);
        }
        (void) rmdir(outside);
        remove_root(root);
}

/* Who can log in: nobody on a root whose only account is a locked root; then a key in a home's
 * authorized_keys (comments and empty lines are not keys), then a password hash. */
static void test_anyone_can_log_in(void) {
        char *root = make_root();
        ApplyOptions o = { .root = root, .source = "test" };

        CHECK_EQ_INT(apply_anyone_can_log_in(&o), 0);
        put(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\ncore:x:1000:1000::/home/core:/bin/bash\n");
        put(root, "/home/core/.ssh/authorized_keys", "# no key yet\n\n");
        CHECK_EQ_INT(apply_anyone_can_log_in(&o), 0);
        put(root, "/home/core/.ssh/authorized_keys", "# a key\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA test\n");
        CHECK_EQ_INT(apply_anyone_can_log_in(&o), 1);
        put(root, "/home/core/.ssh/authorized_keys", "");
        put(root, "/etc/shadow", "root:*:19000:0:99999:7:::\ncore:$y$j9T$salt$hash:19000:0:99999:7:::\n");
        CHECK_EQ_INT(apply_anyone_can_log_in(&o), 1);
        put(root, "/etc/shadow", "root:*:19000:0:99999:7:::\ncore:!:19000:0:99999:7:::\n");
        CHECK_EQ_INT(apply_anyone_can_log_in(&o), 0);
        remove_root(root);
}

int main(void) {
        as_root = geteuid() == 0;
        if (!as_root)
                fprintf(stderr, "not root: user creation (useradd --prefix) is not tested\n");
        test_full();
        test_failures();
        test_overwrite_and_escape();
        test_anyone_can_log_in();
        return TEST_RETURN();
}
