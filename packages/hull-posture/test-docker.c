/* SPDX-License-Identifier: MIT */
/* The docker.* checks against fixture daemon.json files, and docker.socket against a socket. */
#include <sys/socket.h>
#include <sys/un.h>

#include "testutil.h"

#define DAEMON_JSON "/etc/docker/daemon.json"
#define PROFILE "/usr/share/hull/seccomp/docker-default.json"

static void test_hull_daemon_json(void) {
        char *root = fixture_new(), *text = NULL;
        size_t n;

        /* Hull's own file passes every check. */
        CHECK_EQ_INT(read_full_file("../../overlays/etc/docker/daemon.json", 65536, &text, &n), 0);
        fixture_write(root, DAEMON_JSON, text);
        fixture_write(root, PROFILE, "{}");
        CHECK_RESULT(check_docker_seccomp, root, 1, "seccomp-profile=" PROFILE);
        CHECK_RESULT(check_docker_no_new_privileges, root, 1, "no-new-privileges=true");
        CHECK_RESULT(check_docker_icc, root, 1, "icc=false");
        CHECK_RESULT(check_docker_userland_proxy, root, 1, "userland-proxy=false");
        CHECK_RESULT(check_docker_live_restore, root, 1, "live-restore=true");
        CHECK_RESULT(check_docker_insecure_registries, root, 1, "no insecure-registries");
        CHECK_RESULT(check_docker_tcp_socket, root, 1, "no TCP entry in hosts");
        fixture_unlink(root, PROFILE);
        CHECK_RESULT(check_docker_seccomp, root, 0, "seccomp-profile=" PROFILE ", which does not exist");
        free(text);
        fixture_free(root);
}

static void test_defaults(void) {
        char *root = fixture_new();

        /* No daemon.json: Docker's defaults, which are not Hull's. */
        CHECK_RESULT(check_docker_seccomp, root, 0, "seccomp-profile not set");
        CHECK_RESULT(check_docker_no_new_privileges, root, 0, "no-new-privileges not set (Docker's default: false), want true");
        CHECK_RESULT(check_docker_icc, root, 0, "icc not set (Docker's default: true), want false");
        CHECK_RESULT(check_docker_userland_proxy, root, 0, "userland-proxy not set (Docker's default: true)");
        CHECK_RESULT(check_docker_live_restore, root, 0, "live-restore not set (Docker's default: false)");
        CHECK_RESULT(check_docker_insecure_registries, root, 1, "no insecure-registries");
        CHECK_RESULT(check_docker_tcp_socket, root, 1, "no TCP entry");
        fixture_free(root);
}

static void test_bad_values(void) {
        char *root = fixture_new();

        fixture_write(root, DAEMON_JSON,
                      "{\"seccomp-profile\":\"unconfined\",\"no-new-privileges\":false,\"icc\":true,"
                      "\"userland-proxy\":true,\"live-restore\":false,\"insecure-registries\":[\"reg:5000\",\"x\"],"
                      "\"hosts\":[\"fd://\",\"tcp://0.0.0.0:2375\"]}");
        CHECK_RESULT(check_docker_seccomp, root, 0, "seccomp-profile='unconfined': seccomp off");
        CHECK_RESULT(check_docker_no_new_privileges, root, 0, "no-new-privileges=false, want true");
        CHECK_RESULT(check_docker_icc, root, 0, "icc=true, want false");
        CHECK_RESULT(check_docker_userland_proxy, root, 0, "userland-proxy=true, want false");
        CHECK_RESULT(check_docker_live_restore, root, 0, "live-restore=false, want true");
        CHECK_RESULT(check_docker_insecure_registries, root, 0, "insecure-registries has 2 entries: reg:5000, ...");
        CHECK_RESULT(check_docker_tcp_socket, root, 0, "hosts has 'tcp://0.0.0.0:2375'");
        fixture_write(root, DAEMON_JSON, "{\"seccomp-profile\":\"profile.json\",\"hosts\":[\"127.0.0.1:2375\"]}");
        CHECK_RESULT(check_docker_seccomp, root, 0, "want an absolute path");
        CHECK_RESULT(check_docker_tcp_socket, root, 0, "hosts has '127.0.0.1:2375'");
        fixture_free(root);
}

static void test_malformed(void) {
        char *root = fixture_new();

        /* dockerd refuses such a file: every docker.* check fails, naming the problem. */
        fixture_write(root, DAEMON_JSON, "{\"icc\": \"false\"}");
        CHECK_RESULT(check_docker_icc, root, 0, DAEMON_JSON ": $.icc: expected a boolean, got a string");
        CHECK_RESULT(check_docker_seccomp, root, 0, "$.icc: expected a boolean");
        CHECK_RESULT(check_docker_tcp_socket, root, 0, "$.icc: expected a boolean");
        fixture_write(root, DAEMON_JSON, "{\"icc\": false\n");
        CHECK_RESULT(check_docker_live_restore, root, 0, DAEMON_JSON ": not JSON");
        fixture_write(root, DAEMON_JSON, "{\"hosts\": [\"x\n\x1b[31m\", 1]}");
        CHECK_RESULT(check_docker_tcp_socket, root, 0, "$.hosts[1]: expected a string, got an integer");
        fixture_bytes(root, DAEMON_JSON, "{}\0", 3, 0644);
        CHECK_RESULT(check_docker_icc, root, 0, "a NUL byte at offset 2");
        fixture_free(root);
}

static void make_socket(const char *root, mode_t mode) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char *p = fixture_path(root, "/run/docker.sock");
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        fixture_mkdir(root, "/run", 0755);
        (void) unlink(p);
        CHECK(strlen(p) < sizeof(sa.sun_path));
        strncpy(sa.sun_path, p, sizeof(sa.sun_path) - 1);
        CHECK_EQ_INT(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        CHECK_EQ_INT(chmod(p, mode), 0);
        close(fd);
        free(p);
}

static void test_socket(void) {
        char *root = fixture_new(), *group = NULL;

        CHECK_RESULT(check_docker_socket, root, 0, "no /run/docker.sock");
        make_socket(root, 0660);
        CHECK_RESULT(check_docker_socket, root, 0, "no group docker in /etc/group");
        CHECK(asprintf(&group, "root:x:0:\ndockerx:x:5:\ndocker:x:%u:admin\n", (unsigned) getegid()) > 0);
        fixture_write(root, "/etc/group", group);
        if (geteuid() == 0)
                CHECK_RESULT(check_docker_socket, root, 1, "/run/docker.sock is a socket, 0660 root:docker");
        else
                fprintf(stderr, "not root: the passing docker.socket case is skipped\n");
        make_socket(root, 0666);
        CHECK_RESULT(check_docker_socket, root, 0, "/run/docker.sock is 0666");
        fixture_write(root, "/etc/group", "docker:x:4242:\n");
        make_socket(root, 0660);
        CHECK_RESULT(check_docker_socket, root, 0, "want 0660 (or less) 0:4242 (root:docker)");
        fixture_unlink(root, "/run/docker.sock");
        fixture_write(root, "/run/docker.sock", "not a socket");
        CHECK_RESULT(check_docker_socket, root, 0, "is not a socket");
        fixture_write(root, "/etc/group", "docker:x:abc:\n");
        CHECK_RESULT(check_docker_socket, root, -1, "cannot read the group docker from /etc/group");
        free(group);
        fixture_free(root);
}

int main(void) {
        test_hull_daemon_json();
        test_defaults();
        test_bad_values();
        test_malformed();
        test_socket();
        return TEST_RETURN();
}
