/* SPDX-License-Identifier: MIT */
/* The daemon.json parser: Hull's own file, every key's type, and malformed input. */
#include "daemon-json.h"
#include "testutil.h"

static int parse(const char *text, DaemonConfig *c, Diag *d) {
        return daemon_config_parse(text, strlen(text), d, c);
}

/* Parsing must fail with -EINVAL and an error holding want. */
static void bad(const char *text, const char *want) {
        DaemonConfig c = DAEMON_CONFIG_INIT;
        _cleanup_diag_ Diag d = {};
        int r = parse(text, &c, &d);

        if (r != -EINVAL || d.n != 1 || !strstr(d.msgs[0], want)) {
                fprintf(stderr, "%s: got %d \"%s\", want -EINVAL with \"%s\"\n", text, r, d.n ? d.msgs[0] : "(none)", want);
                hull_test_failures++;
        }
}

static void test_hull(void) {
        char *text = NULL;
        size_t n;
        DaemonConfig c = DAEMON_CONFIG_INIT;
        _cleanup_diag_ Diag d = {};

        /* The file the image ships. */
        CHECK_EQ_INT(read_full_file("../../overlays/etc/docker/daemon.json", DAEMON_JSON_MAX, &text, &n), 0);
        CHECK_EQ_INT(daemon_config_parse(text, n, &d, &c), 0);
        CHECK_EQ_INT(d.n, 0);
        CHECK_STREQ(c.seccomp_profile, "/usr/share/hull/seccomp/docker-default.json");
        CHECK_EQ_INT(c.no_new_privileges, 1);
        CHECK_EQ_INT(c.icc, 0);
        CHECK_EQ_INT(c.userland_proxy, 0);
        CHECK_EQ_INT(c.live_restore, 1);
        CHECK_EQ_INT(c.n_insecure_registries, 0);
        CHECK(c.tcp_host == NULL);
        daemon_config_done(&c);
        free(text);
}

static void test_values(void) {
        DaemonConfig c = DAEMON_CONFIG_INIT;

        CHECK_EQ_INT(parse(" {}\n", &c, NULL), 0);
        CHECK(c.seccomp_profile == NULL && c.no_new_privileges == -1 && c.icc == -1 && c.userland_proxy == -1 &&
              c.live_restore == -1);
        daemon_config_done(&c);
        CHECK_EQ_INT(parse("{\"icc\":true,\"insecure-registries\":[\"reg:5000\",\"10.0.0.0/8\"],"
                           "\"hosts\":[\"unix:///run/docker.sock\",\"fd://\",\" tcp://0.0.0.0:2375\",\"tcp://x\"],"
                           "\"unknown\":{\"deep\":[1,2,{\"x\":null}]}}", &c, NULL), 0);
        CHECK_EQ_INT(c.icc, 1);
        CHECK_EQ_INT(c.n_insecure_registries, 2);
        CHECK_STREQ(c.insecure_registry, "reg:5000");
        CHECK_STREQ(c.tcp_host, " tcp://0.0.0.0:2375");
        daemon_config_done(&c);
        /* null is Docker's default, as for a missing key. */
        CHECK_EQ_INT(parse("{\"no-new-privileges\": null, \"hosts\": null}", &c, NULL), 0);
        CHECK_EQ_INT(c.no_new_privileges, -1);
        CHECK(c.tcp_host == NULL);
        daemon_config_done(&c);
        /* The last of a repeated key wins, as in dockerd. */
        CHECK_EQ_INT(parse("{\"icc\":true,\"icc\":false}", &c, NULL), 0);
        CHECK_EQ_INT(c.icc, 0);
        daemon_config_done(&c);
}

static void test_hosts(void) {
        CHECK_EQ_INT(docker_host_is_tcp("tcp://127.0.0.1:2376"), 1);
        CHECK_EQ_INT(docker_host_is_tcp("0.0.0.0:2375"), 1); /* no scheme: dockerd's default is TCP */
        CHECK_EQ_INT(docker_host_is_tcp(" :2375 "), 1);
        CHECK_EQ_INT(docker_host_is_tcp("unix:///run/docker.sock"), 0);
        CHECK_EQ_INT(docker_host_is_tcp("fd://"), 0);
        CHECK_EQ_INT(docker_host_is_tcp(""), 0);
        CHECK_EQ_INT(docker_host_is_tcp("  "), 0);
        CHECK_EQ_INT(docker_host_is_tcp("ssh://x"), 0);
}

static void test_malformed(void) {
        DaemonConfig c = DAEMON_CONFIG_INIT;
        char *huge;
        _cleanup_diag_ Diag d = {};
        size_t n = DAEMON_JSON_MAX + 1;

        bad("", "not JSON: it ends in the middle of a value");
        bad("not json", "not JSON:");
        bad("{\"icc\": false", "not JSON: it ends in the middle");
        bad("{\"icc\": false,}", "not JSON:");
        bad("{\"icc\": false} {}", "not JSON: ");
        bad("// comment\n{}", "not JSON:");
        bad("{\"a\": \"\xff\"}", "not JSON:");
        bad("[]", "$: expected an object, got an array");
        bad("null", "$: expected an object, got null");
        bad("\"{}\"", "$: expected an object, got a string");
        bad("{\"icc\": \"false\"}", "$.icc: expected a boolean, got a string");
        bad("{\"live-restore\": 1}", "$.live-restore: expected a boolean, got an integer");
        bad("{\"userland-proxy\": {}}", "$.userland-proxy: expected a boolean, got an object");
        bad("{\"seccomp-profile\": [\"/x\"]}", "$.seccomp-profile: expected a string, got an array");
        bad("{\"seccomp-profile\": \"/x\\u0000y\"}", "$.seccomp-profile: string contains a NUL byte");
        bad("{\"insecure-registries\": \"reg:5000\"}", "$.insecure-registries: expected an array of strings, got a string");
        bad("{\"hosts\": [\"unix:///run/docker.sock\", 2375]}", "$.hosts[1]: expected a string, got an integer");
        bad("{\"insecure-registries\": [[]]}", "$.insecure-registries[0]: expected a string, got an array");
        /* Nesting deeper than DAEMON_JSON_DEPTH, in a key nobody reads. */
        huge = malloc(n + 1);
        CHECK(huge != NULL);
        memset(huge, '[', 200);
        strcpy(huge + 200, "]");
        bad(huge, "not JSON: nesting too deep");
        /* A NUL byte inside. */
        CHECK_EQ_INT(daemon_config_parse("{}\0{}", 5, &d, &c), -EINVAL);
        CHECK(d.n == 1 && strstr(d.msgs[0], "a NUL byte at offset 2"));
        diag_clear(&d);
        /* Larger than the limit: refused before parsing. */
        memset(huge, ' ', n);
        huge[0] = '{';
        huge[n - 1] = '}';
        CHECK_EQ_INT(daemon_config_parse(huge, n, &d, &c), -EFBIG);
        CHECK(d.n == 1 && strstr(d.msgs[0], "larger than"));
        CHECK_EQ_INT(daemon_config_parse(huge, n - 1, NULL, &c), -EINVAL); /* no closing brace left */
        huge[n - 2] = '}';
        CHECK_EQ_INT(daemon_config_parse(huge, n - 1, NULL, &c), 0);   /* exactly the limit: fine */
        daemon_config_done(&c);
        free(huge);
}

int main(void) {
        test_hull();
        test_values();
        test_hosts();
        test_malformed();
        return TEST_RETURN();
}
