/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "hull/macro.h"
#include "hull/tests.h"

#define V "{\"ignition\":{\"version\":\"3.3.0\"},"

static void expect_error(int line, const char *json, const char *needle) {
        Diag e = {};
        Config *c = NULL;
        int r = config_parse(json, strlen(json), &c, &e);
        bool found = false;

        for (size_t i = 0; i < e.n; i++)
                if (strstr(e.msgs[i], needle))
                        found = true;
        if (r >= 0 || !found || c) {
                fprintf(stderr, "test-config.c:%d: expected an error containing \"%s\", got r=%d:\n", line, needle, r);
                for (size_t i = 0; i < e.n; i++)
                        fprintf(stderr, "    %s\n", e.msgs[i]);
                hull_test_failures++;
        }
        config_free(c);
        diag_clear(&e);
}
#define EXPECT_ERROR(json, needle) expect_error(__LINE__, json, needle)

static Config *expect_ok(int line, const char *json) {
        Diag e = {};
        Config *c = NULL;
        int r = config_parse(json, strlen(json), &c, &e);

        if (r < 0 || !c) {
                fprintf(stderr, "test-config.c:%d: expected success, got r=%d:\n", line, r);
                for (size_t i = 0; i < e.n; i++)
                        fprintf(stderr, "    %s\n", e.msgs[i]);
                hull_test_failures++;
        }
        diag_clear(&e);
        return c;
}
#define EXPECT_OK(json) expect_ok(__LINE__, json)

static void test_full(void) {
        /* Every supported field, in the shape Butane emits. */
        const char *json =
                "{\"ignition\":{\"version\":\"3.4.0\"},"
                "\"passwd\":{\"users\":[{\"name\":\"core\",\"sshAuthorizedKeys\":[\"ssh-ed25519 AAAA key1\",\"ssh-rsa BBBB key2\"],"
                "\"groups\":[\"sudo\",\"docker\"],\"passwordHash\":\"$6$salt$hash\",\"shell\":\"/bin/sh\"},{\"name\":\"root\"}]},"
                "\"storage\":{\"files\":[{\"path\":\"/etc/hostname\",\"mode\":420,\"overwrite\":true,"
                "\"contents\":{\"compression\":\"\",\"source\":\"data:,hull-1%0A\","
                "\"verification\":{\"hash\":\"sha512-e1d698c8020dd4325fd2ad16d8dad14085a7ca698d7ba8ece1340b05403bcd1b"
                "42ec787dadb4bdbf41aaf390a81f9522aca8f9837084e035c7f809e9d58453ff\"}}},"
                "{\"path\":\"/opt/bin/tool\",\"mode\":493,\"contents\":{\"source\":\"data:;base64,IyEvYmluL3NoCg==\"}},"
                "{\"path\":\"/var/empty-file\"},"
                "{\"path\":\"/srv/gz\",\"contents\":{\"compression\":\"gzip\",\"source\":"
                "\"data:;base64,H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==\"}}],"
                "\"directories\":[{\"path\":\"/var/lib/app\",\"mode\":448},{\"path\":\"/srv/www\"}],"
                "\"links\":[{\"path\":\"/etc/localtime\",\"target\":\"../usr/share/zoneinfo/UTC\",\"overwrite\":true},"
                "{\"path\":\"/srv/hard\",\"target\":\"/srv/gz\",\"hard\":true}]},"
                "\"systemd\":{\"units\":[{\"name\":\"hello.service\",\"enabled\":true,"
                "\"contents\":\"[Service]\\nExecStart=/bin/true\\n[Install]\\nWantedBy=multi-user.target\\n\","
                "\"dropins\":[{\"name\":\"10-env.conf\",\"contents\":\"[Service]\\nEnvironment=A=1\\n\"}]},"
                "{\"name\":\"getty@tty2.service\",\"enabled\":false},{\"name\":\"apt-daily.timer\",\"mask\":true},"
                "{\"name\":\"docker.service\",\"dropins\":[{\"name\":\"x.conf\",\"contents\":\"\"}]}]}}";
        _cleanup_config_ Config *c = EXPECT_OK(json);

        if (!c)
                return;
        CHECK_EQ_INT(c->version_minor, 4);
        CHECK_EQ_INT(c->n_users, 2);
        CHECK_STREQ(c->users[0].name, "core");
        CHECK_EQ_INT(c->users[0].n_ssh_keys, 2);
        CHECK_STREQ(c->users[0].ssh_keys[1], "ssh-rsa BBBB key2");
        CHECK_EQ_INT(c->users[0].n_groups, 2);
        CHECK_STREQ(c->users[0].groups[1], "docker");
        CHECK_STREQ(c->users[0].password_hash, "$6$salt$hash");
        CHECK(c->users[1].password_hash == NULL);
        CHECK_STREQ(c->users[0].shell, "/bin/sh");
        CHECK(c->users[1].shell == NULL);
        CHECK_EQ_INT(c->n_files, 4);
        CHECK_STREQ(c->files[0].path, "/etc/hostname");
        CHECK_EQ_INT(c->files[0].mode, 0644);
        CHECK(c->files[0].overwrite);
        CHECK(c->files[0].has_contents);
        CHECK_EQ_INT(c->files[0].size, 7);
        CHECK(memcmp(c->files[0].data, "hull-1\n", 7) == 0);
        CHECK_EQ_INT(c->files[1].mode, 0755);
        CHECK(!c->files[1].overwrite);
        CHECK(memcmp(c->files[1].data, "#!/bin/sh\n", 10) == 0);
        CHECK(!c->files[2].has_contents);
        CHECK_EQ_INT(c->files[2].mode, 0644);
        CHECK_EQ_INT(c->files[3].size, 5);
        CHECK(memcmp(c->files[3].data, "hello", 5) == 0);
        CHECK_EQ_INT(c->n_directories, 2);
        CHECK_EQ_INT(c->directories[0].mode, 0700);
        CHECK_EQ_INT(c->directories[1].mode, 0755);
        CHECK_EQ_INT(c->n_links, 2);
        CHECK_STREQ(c->links[0].target, "../usr/share/zoneinfo/UTC");
        CHECK(!c->links[0].hard);
        CHECK(c->links[0].overwrite);
        CHECK(c->links[1].hard);
        CHECK_EQ_INT(c->n_units, 4);
        CHECK_EQ_INT(c->units[0].enabled, 1);
        CHECK_EQ_INT(c->units[0].n_dropins, 1);
        CHECK_STREQ(c->units[0].dropins[0].name, "10-env.conf");
        CHECK_EQ_INT(c->units[1].enabled, 0);
        CHECK(c->units[1].contents == NULL);
        CHECK(c->units[2].mask);
        CHECK_EQ_INT(c->units[2].enabled, -1);
        CHECK_STREQ(c->units[3].dropins[0].contents, "");
}

static void test_minimal(void) {
        static const char *const versions[] = { "3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0" };
        for (size_t i = 0; i < ELEMENTSOF(versions); i++) {
                _cleanup_free_ char *json = NULL;
                CHECK(asprintf(&json, "{\"ignition\":{\"version\":\"%s\"}}", versions[i]) > 0);
                _cleanup_config_ Config *c = EXPECT_OK(json);
                CHECK(c && c->version_minor == i);
        }
        /* Empty or null values of fields Hull lacks request nothing; whitespace around is fine. */
        config_free(EXPECT_OK(" {\"ignition\":{\"version\":\"3.3.0\",\"config\":{},\"timeouts\":null},"
                              "\"storage\":{\"disks\":[],\"files\":null},\"kernelArguments\":{}}\n"));
}

static void test_errors(void) {
        /* Malformed JSON and top-level shape */
        EXPECT_ERROR("", "malformed JSON");
        EXPECT_ERROR("{", "malformed JSON");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.3.0\"},}", "malformed JSON");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.3.0\"}} x", "JSON");
        EXPECT_ERROR("{ignition:1}", "malformed JSON");
        EXPECT_ERROR("[1,2]", "expected a JSON object");
        EXPECT_ERROR("\"x\"", "expected a JSON object");
        EXPECT_ERROR("{\"a\":\"\xff\"}", "malformed JSON");
        {
                const char nul[] = "{\"ignition\":\0}";
                Diag e = {};
                Config *c = NULL;
                CHECK_EQ_INT(config_parse(nul, sizeof(nul) - 1, &c, &e), -EINVAL);
                CHECK(e.n == 1 && strstr(e.msgs[0], "NUL byte"));
                diag_clear(&e);
        }
        /* Version */
        EXPECT_ERROR("{}", "ignition: is required");
        EXPECT_ERROR("{\"ignition\":{}}", "ignition.version: is required");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"2.2.0\"}}", "unsupported version \"2.2.0\"");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.5.0\"}}", "unsupported version");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.4.0-experimental\"}}", "unsupported version");
        EXPECT_ERROR("{\"ignition\":{\"version\":3.3}}", "ignition.version: expected a string");
        EXPECT_ERROR("{\"ignition\":\"3.3.0\"}", "ignition: expected an object");
        /* Unsupported fields, named with their JSON path */
        EXPECT_ERROR(V "\"kernelArguments\":{\"shouldExist\":[\"quiet\"]}}", "kernelArguments: unsupported field");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.3.0\",\"config\":{\"merge\":[{\"source\":\"x\"}]}}}",
                     "ignition.config.merge[0].source: is not a URL");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.3.0\",\"config\":{\"merge\":[{\"source\":\"data:,%7B%7D\"}]}}}",
                     "ignition.config.merge[0].source: the referenced config has no ignition.version");
        EXPECT_ERROR("{\"ignition\":{\"version\":\"3.3.0\",\"config\":{\"replace\":{\"source\":\"https://h/x\"}}}}",
                     "ignition.config.replace.source: \"https://h/x\" is fetched over the network");
        EXPECT_ERROR(V "\"storage\":{\"disks\":[{\"device\":\"/dev/vdb\"}]}}", "storage.disks: unsupported field");
        EXPECT_ERROR(V "\"passwd\":{\"groups\":[{\"name\":\"g\"}]}}", "passwd.groups: unsupported");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"uid\":1000}]}}", "passwd.users[0].uid: unsupported");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"shell\":\"zsh\"}]}}", "passwd.users[0].shell: must be an absolute path");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"shell\":\"/bin/sh:x\"}]}}", "passwd.users[0].shell: must be an absolute path");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"shell\":\"/bin/s\\nh\"}]}}", "passwd.users[0].shell: must be an absolute path");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"shell\":7}]}}", "passwd.users[0].shell: expected a string");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"user\":{\"name\":\"core\"}}]}}",
                     "storage.files[0].user: unsupported");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"append\":[{\"source\":\"data:,x\"}]}]}}",
                     "storage.files[0].append: unsupported");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:,x\","
                     "\"httpHeaders\":[{\"name\":\"a\"}]}}]}}", "storage.files[0].contents.httpHeaders: unsupported");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"x\":1}]}}", "systemd.units[0].x: unsupported");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"dropins\":[{\"name\":\"a.conf\",\"contents\":\"\",\"y\":true}]}]}}",
                     "systemd.units[0].dropins[0].y: unsupported");
        EXPECT_ERROR(V "\"storage\":{\"luks\":[{\"name\":\"x\"}],\"filesystems\":[{\"path\":\"/var\"}]}}", "storage.luks");
        /* Wrong types */
        EXPECT_ERROR(V "\"passwd\":[]}", "passwd: expected an object, got an array");
        EXPECT_ERROR(V "\"passwd\":{\"users\":{}}}", "passwd.users: expected an array");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[\"core\"]}}", "passwd.users[0]: expected an object, got a string");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":1}]}}", "passwd.users[0].name: expected a string");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"sshAuthorizedKeys\":\"ssh-ed25519 A\"}]}}",
                     "sshAuthorizedKeys: expected an array");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"sshAuthorizedKeys\":[1]}]}}",
                     "passwd.users[0].sshAuthorizedKeys[0]: expected a string");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":\"0644\"}]}}", "storage.files[0].mode: expected an integer");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":420.5}]}}", "mode: expected an integer");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":4096}]}}", "mode: must be between");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":-1}]}}", "mode: must be between");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":2541}]}}", "set-user-ID");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":99999999999999999999999}]}}", "mode");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"overwrite\":\"yes\"}]}}", "overwrite: expected a boolean");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":\"data:,x\"}]}}", "contents: expected an object");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"enabled\":\"true\"}]}}", "enabled: expected a boolean");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"contents\":[\"x\"]}]}}", "contents: expected a string");
        EXPECT_ERROR(V "\"storage\":{\"links\":[{\"path\":\"/etc/a\",\"target\":\"/b\",\"hard\":1}]}}", "hard: expected a boolean");
        EXPECT_ERROR(V "\"systemd\":[]}", "systemd: expected an object");
        /* Required fields */
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{}]}}", "passwd.users[0].name: is required");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"mode\":420}]}}", "storage.files[0].path: is required");
        EXPECT_ERROR(V "\"storage\":{\"links\":[{\"path\":\"/etc/a\"}]}}", "storage.links[0].target: is required");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"enabled\":true}]}}", "systemd.units[0].name: is required");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"dropins\":[{\"name\":\"a.conf\"}]}]}}",
                     "dropins[0].contents: is required");
        /* Sources and contents */
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"https://example.com/a\"}}]}}",
                     "unsupported source scheme \"https\"");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"/etc/passwd\"}}]}}", "is not a URL");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:,%zz\"}}]}}",
                     "storage.files[0].contents.source: malformed data: URL");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:;base64,!!!!\"}}]}}",
                     "malformed data: URL");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:text\"}}]}}", "malformed data: URL");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"compression\":\"xz\",\"source\":\"data:,x\"}}]}}",
                     "unsupported compression \"xz\"");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"compression\":\"gzip\",\"source\":\"data:,x\"}}]}}",
                     "is not valid gzip data");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:,hello\","
                     "\"verification\":{\"hash\":\"sha512-0000000000000000000000000000000000000000000000000000000000000000"
                     "0000000000000000000000000000000000000000000000000000000000000000\"}}}]}}",
                     "storage.files[0].contents.verification.hash: mismatch");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:,hello\","
                     "\"verification\":{\"hash\":\"sha512-abc\"}}}]}}", "malformed hash");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{\"source\":\"data:,hello\","
                     "\"verification\":{\"hash\":\"md5-5d41402abc4b2a76b9719d911017c592\"}}}]}}", "unsupported hash type");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"contents\":{"
                     "\"verification\":{\"hash\":\"sha512-abc\"}}}]}}", "set without a source");
        /* Paths */
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"etc/a\"}]}}", "storage.files[0].path: \"etc/a\" is not an absolute path");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/usr/bin/evil\"}]}}", "is under /usr");
        EXPECT_ERROR(V "\"storage\":{\"directories\":[{\"path\":\"/usr\"}]}}", "is under /usr");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/../usr/bin/x\"}]}}", "is not normalised");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc//a\"}]}}", "is not normalised");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a/\"}]}}", "is not normalised");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/.\"}]}}", "is not normalised");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc\"}]}}", "is outside the writable trees");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/boot/efi/x\"}]}}", "is outside the writable trees");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etcx/a\"}]}}", "is outside the writable trees");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\\nb\"}]}}", "control characters");
        EXPECT_ERROR(V "\"storage\":{\"links\":[{\"path\":\"/etc/a\",\"target\":\"/usr/bin/sh\",\"hard\":true}]}}",
                     "hard link targets follow the path rules");
        EXPECT_ERROR(V "\"storage\":{\"links\":[{\"path\":\"/etc/a\",\"target\":\"\"}]}}", "must be non-empty");
        EXPECT_ERROR(V "\"storage\":{\"directories\":[{\"path\":\"/etc/a\",\"overwrite\":true}]}}", "not supported for directories");
        /* Duplicates and conflicts */
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\"},{\"path\":\"/etc/a\"}]}}", "duplicate path \"/etc/a\"");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\"}],\"links\":[{\"path\":\"/etc/a\",\"target\":\"b\"}]}}",
                     "duplicate path");
        EXPECT_ERROR(V "\"storage\":{\"files\":[{\"path\":\"/etc/a\"}],\"directories\":[{\"path\":\"/etc/a/b\"}]}}",
                     "\"/etc/a/b\" is below \"/etc/a\"");
        EXPECT_ERROR(V "\"storage\":{\"directories\":[{\"path\":\"/etc/a/b\"}],\"links\":[{\"path\":\"/etc/a\",\"target\":\"x\"}]}}",
                     "is below \"/etc/a\"");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\"},{\"name\":\"a\"}]}}", "duplicate user \"a\"");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\"},{\"name\":\"a.service\"}]}}", "duplicate unit");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"dropins\":[{\"name\":\"a.conf\",\"contents\":\"\"},"
                     "{\"name\":\"a.conf\",\"contents\":\"\"}]}]}}", "duplicate drop-in");
        /* Names */
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"-oops\"}]}}", "is not a valid user name");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"Core\"}]}}", "is not a valid user name");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"groups\":[\"wheel,root\"]}]}}", "is not a valid group name");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"sshAuthorizedKeys\":[\"ssh-ed25519 A\\nssh-rsa B\"]}]}}",
                     "is not a one-line SSH public key");
        EXPECT_ERROR(V "\"passwd\":{\"users\":[{\"name\":\"a\",\"passwordHash\":\"x:0:0\"}]}}", "passwordHash: must not contain");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"../../etc/passwd\"}]}}", "is not a valid unit name");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.exe\"}]}}", "is not a valid unit name");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"dropins\":[{\"name\":\"a\",\"contents\":\"\"}]}]}}",
                     "is not a valid drop-in name");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"dropins\":[{\"name\":\"../a.conf\",\"contents\":\"\"}]}]}}",
                     "is not a valid drop-in name");
        /* Units */
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"mask\":true,\"enabled\":true}]}}", "a masked unit cannot");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"mask\":true,\"contents\":\"x\"}]}}", "a masked unit cannot");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"enabled\":true,\"contents\":\"[Service]\\nExecStart=/bin/true\\n\"}]}}",
                     "has no WantedBy=");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"enabled\":true,\"contents\":\"[Install]\\nAlso=b.service\\n\"}]}}",
                     "[Install] Also= is not supported");
        EXPECT_ERROR(V "\"systemd\":{\"units\":[{\"name\":\"a@.service\",\"enabled\":true}]}}", "without an instance name");
        /* Several errors are all reported. */
        {
                const char *json = V "\"storage\":{\"files\":[{\"path\":\"/usr/a\"},{\"path\":\"rel\"}]},\"foo\":1}";
                Diag e = {};
                Config *c = NULL;
                CHECK_EQ_INT(config_parse(json, strlen(json), &c, &e), -EINVAL);
                CHECK_EQ_INT(e.n, 3);
                diag_clear(&e);
        }
}

static void test_limits(void) {
        Diag e = {};
        Config *c = NULL;
        _cleanup_free_ char *huge = NULL, *deep = NULL, *many = NULL;
        size_t n = CONFIG_SIZE_MAX + 1;

        /* Huge input is refused before parsing. */
        huge = malloc(n);
        CHECK(huge);
        memset(huge, ' ', n);
        huge[0] = '{';
        CHECK_EQ_INT(config_parse(huge, n, &c, &e), -EFBIG);
        CHECK(e.n == 1 && strstr(e.msgs[0], "is larger than"));
        diag_clear(&e);

        /* Deep nesting stops at the depth limit. */
        deep = malloc(20001);
        CHECK(deep);
        for (size_t i = 0; i < 10000; i++)
                deep[i] = '[', deep[10000 + i] = ']';
        deep[20000] = 0;
        CHECK_EQ_INT(config_parse(deep, 20000, &c, &e), -EINVAL);
        diag_clear(&e);

        /* Too many entries, and the error list is bounded. */
        {
                size_t k = 0, cap = 64 + (CONFIG_ENTRIES_MAX + 1) * 16;
                many = malloc(cap);
                CHECK(many);
                k += (size_t) sprintf(many + k, V "\"storage\":{\"files\":[");
                for (size_t i = 0; i <= CONFIG_ENTRIES_MAX; i++)
                        k += (size_t) sprintf(many + k, "%s{\"path\":1}", i ? "," : "");
                k += (size_t) sprintf(many + k, "]}}");
                CHECK_EQ_INT(config_parse(many, k, &c, &e), -EINVAL);
                CHECK(e.n == 1 && strstr(e.msgs[0], "has more than"));
                diag_clear(&e);
                k = (size_t) sprintf(many, V "\"storage\":{\"files\":[");
                for (size_t i = 0; i < 200; i++)
                        k += (size_t) sprintf(many + k, "%s{\"path\":1}", i ? "," : "");
                k += (size_t) sprintf(many + k, "]}}");
                CHECK_EQ_INT(config_parse(many, k, &c, &e), -EINVAL);
                CHECK_EQ_INT(e.n, CONFIG_ERRORS_MAX);
                CHECK(e.n_dropped > 0);
                diag_clear(&e);
        }
        CHECK(c == NULL);
}

static void test_path_policy(void) {
        const char *reason = NULL;
        CHECK_EQ_INT(config_check_path("/etc/a", &reason), 0);
        CHECK_EQ_INT(config_check_path("/root/.ssh/x", &reason), 0);
        CHECK_EQ_INT(config_check_path("/var/..x", &reason), 0);
        CHECK_EQ_INT(config_check_path("/var/a/..", &reason), -EINVAL);
        CHECK_EQ_INT(config_check_path("/proc/self/mem", &reason), -EINVAL);
        CHECK_EQ_INT(config_check_path("/", &reason), -EINVAL);
        CHECK_EQ_INT(config_check_path(NULL, &reason), -EINVAL);
        CHECK(unit_name_is_valid("a-b_c:d\\x2d@e.service"));
        CHECK(!unit_name_is_valid("a/b.service"));
        CHECK(!unit_name_is_valid(".service"));
        CHECK(user_name_is_valid("_apt"));
        CHECK(!user_name_is_valid("a b"));
        CHECK(!user_name_is_valid("abcdefghijabcdefghijabcdefghijabc"));
}

/* The default user a cloud's SSH keys go to. */
static void test_default_user(void) {
        char *keys[] = { "ssh-ed25519 AAAA one", "ssh-ed25519 AAAA two", NULL };
        _cleanup_config_ Config *c = calloc(1, sizeof(Config));
        Config *p = NULL;
        Diag e = {};

        CHECK(c != NULL);
        CHECK_EQ_INT(config_add_default_user(c, "core", "sudo", keys, 2), 0);
        CHECK_EQ_INT(c->n_users, 1);
        CHECK_STREQ(c->users[0].name, "core");
        CHECK_EQ_INT(c->users[0].n_groups, 1);
        CHECK_STREQ(c->users[0].groups[0], "sudo");
        CHECK_EQ_INT(c->users[0].n_ssh_keys, 2);
        CHECK_STREQ(c->users[0].ssh_keys[1], "ssh-ed25519 AAAA two");
        CHECK(c->users[0].password_hash == NULL && c->users[0].shell == NULL);
        CHECK_EQ_INT(config_add_default_user(c, "Core", "sudo", keys, 2), -EINVAL);
        CHECK_EQ_INT(config_add_default_user(c, "core", "a b", keys, 2), -EINVAL);
        CHECK_EQ_INT(config_add_default_user(c, "core", "sudo", keys, 0), -EINVAL);
        CHECK_EQ_INT(c->n_users, 1);

        /* Added to a parsed config with files but no users. */
        CHECK_EQ_INT(config_parse("{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"directories\":[{\"path\":\"/var/x\"}]}}", 78,
                                  &p, &e), 0);
        CHECK(p != NULL);
        if (p) {
                CHECK_EQ_INT(p->n_users, 0);
                CHECK_EQ_INT(config_add_default_user(p, "core", "sudo", keys, 1), 0);
                CHECK_EQ_INT(p->n_users, 1);
                CHECK_EQ_INT(p->n_directories, 1);
        }
        config_free(p);
        diag_clear(&e);
}

/* The host name a cloud gives: /etc/hostname, unless the config places that path itself. */
static void test_hostname(void) {
        static const char with[] = "{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"files\":[{\"path\":"
                                   "\"/etc/hostname\",\"overwrite\":true,\"contents\":{\"source\":\"data:,mine\"}}]}}";
        static const char link[] = "{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"links\":[{\"path\":"
                                   "\"/etc/hostname\",\"target\":\"/var/hostname\"}]}}";
        _cleanup_config_ Config *c = calloc(1, sizeof(Config));
        Config *p = NULL;
        Diag e = {};

        CHECK(c != NULL);
        CHECK_EQ_INT(config_add_hostname(c, "node-1"), 1);
        CHECK_EQ_INT(c->n_files, 1);
        CHECK_STREQ(c->files[0].path, "/etc/hostname");
        CHECK_EQ_INT(c->files[0].mode, 0644);
        CHECK(c->files[0].overwrite && c->files[0].has_contents);
        CHECK_EQ_INT(c->files[0].size, 7);
        CHECK(memcmp(c->files[0].data, "node-1\n", 7) == 0);
        CHECK_EQ_INT(config_add_hostname(c, "other"), 0); /* already there */
        CHECK_EQ_INT(c->n_files, 1);

        CHECK_EQ_INT(config_parse(with, strlen(with), &p, &e), 0);
        if (p) {
                CHECK_EQ_INT(config_add_hostname(p, "node-1"), 0);
                CHECK_EQ_INT(p->n_files, 1);
                CHECK(memcmp(p->files[0].data, "mine", 4) == 0);
        }
        config_free(p);
        p = NULL;
        CHECK_EQ_INT(config_parse(link, strlen(link), &p, &e), 0);
        if (p) {
                CHECK_EQ_INT(config_add_hostname(p, "node-1"), 0);
                CHECK_EQ_INT(p->n_files, 0);
        }
        config_free(p);
        diag_clear(&e);
}

int main(void) {
        test_default_user();
        test_hostname();
        test_full();
        test_minimal();
        test_errors();
        test_limits();
        test_path_policy();
        return TEST_RETURN();
}
