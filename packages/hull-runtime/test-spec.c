/* SPDX-License-Identifier: MIT */
/* What a spec and a bundle path show: Docker's container directory in a mount source, Docker's
 * cgroup, BuildKit's executor bundles, CAP_SYS_ADMIN. Pure functions, no files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "spec.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static size_t dir_len(const char *destination, const char *source) {
        return docker_mount_containers_dir(destination, source);
}

static void test_mount_source(void) {
        /* Docker's three files, at any data-root. */
        CHECK_EQ_INT(dir_len("/etc/hostname", "/var/lib/docker/containers/" ID "/hostname"), 26);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/" ID "/hosts"), 26);
        CHECK_EQ_INT(dir_len("/etc/resolv.conf", "/var/lib/docker/containers/" ID "/resolv.conf"), 26);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/100000.100000/containers/" ID2 "/hosts"), 40);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/srv/d/containers/" ID "/hosts"), 17);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/containers/" ID "/hosts"), 11);
        /* Anything else is not. */
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/" ID "/hostname"), 0);
        CHECK_EQ_INT(dir_len("/etc/passwd", "/var/lib/docker/containers/" ID "/passwd"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts/", "/var/lib/docker/containers/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/x/etc/hosts", "/var/lib/docker/containers/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "var/lib/docker/containers/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/container/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/" ID "x/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/0123/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/" ID "/hosts/"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers//" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/containers/../containers/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/docker/./containers/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/" ID "/hosts"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", ""), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/"), 0);
        CHECK_EQ_INT(dir_len("/etc/hosts", "/hosts"), 0);
}

static void test_buildkit_bundle(void) {
        CHECK(buildkit_bundle("/var/lib/docker/buildkit/executor/abc", "abc"));
        CHECK(buildkit_bundle("/var/lib/docker/100000.100000/buildkit/executor/abc", "abc"));
        CHECK(buildkit_bundle("/buildkit/executor/abc", "abc"));
        CHECK(!buildkit_bundle("/var/lib/docker/buildkit/executor/abc", "abd"));
        CHECK(!buildkit_bundle("/var/lib/docker/buildkit/executor/abc/", "abc"));
        CHECK(!buildkit_bundle("var/lib/docker/buildkit/executor/abc", "abc"));
        CHECK(!buildkit_bundle("/var/lib/docker/buildkit/executors/abc", "abc"));
        CHECK(!buildkit_bundle("/var/lib/docker/buildkitd/executor/abc", "abc"));
        CHECK(!buildkit_bundle("/var/lib/docker/buildkit/executor/../executor/abc", "abc"));
        CHECK(!buildkit_bundle("/executor/abc", "abc"));
        CHECK(!buildkit_bundle("/run/containerd/io.containerd.runtime.v2.task/moby/abc", "abc"));
        CHECK(!buildkit_bundle(".", "abc"));
        CHECK(!buildkit_bundle("", ""));
}

static void test_facts(void) {
        SpecFacts f;
        const char *s;

        s = "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
            "{\"destination\":\"/etc/hostname\",\"source\":\"/d/containers/" ID2 "/hostname\"},"
            "{\"destination\":\"/etc/hosts\",\"source\":\"/d/containers/" ID2 "/hosts\"},{\"destination\":\"/tmp\"}],"
            "\"linux\":{\"cgroupsPath\":\"system.slice:docker:" ID "\"},"
            "\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"cap_sys_admin\"]}}}";
        CHECK_EQ_INT(spec_facts(s, strlen(s), ID, &f), 0);
        CHECK_STREQ(f.containers_dir, "/d/containers");
        CHECK(f.docker_cgroup);
        CHECK(f.sys_admin);
        spec_facts_done(&f);
        CHECK(f.containers_dir == NULL);

        CHECK_EQ_INT(spec_facts("{}", 2, ID, &f), 0);
        CHECK(f.containers_dir == NULL && !f.docker_cgroup && !f.sys_admin);
        s = "{\"linux\":{\"cgroupsPath\":\"/docker/" ID "\"}}";
        CHECK_EQ_INT(spec_facts(s, strlen(s), ID, &f), 0);
        CHECK(f.docker_cgroup);
        CHECK_EQ_INT(spec_facts(s, strlen(s), ID2, &f), 0);
        CHECK(!f.docker_cgroup);
        s = "{\"linux\":{\"cgroupsPath\":\"" ID "\"}}";
        CHECK_EQ_INT(spec_facts(s, strlen(s), ID, &f), 0);
        CHECK(!f.docker_cgroup);

        /* Two different containers directories. */
        s = "{\"mounts\":[{\"destination\":\"/etc/hostname\",\"source\":\"/a/containers/" ID "/hostname\"},"
            "{\"destination\":\"/etc/hosts\",\"source\":\"/b/containers/" ID "/hosts\"}]}";
        CHECK_EQ_INT(spec_facts(s, strlen(s), ID, &f), -ENOTUNIQ);

        /* Wrong shapes. */
        static const char *const bad[] = {
                "", "[]", "{\"mounts\":{}}", "{\"mounts\":[1]}", "{\"mounts\":[{\"destination\":1,\"source\":\"/x\"}]}",
                "{\"linux\":[]}", "{\"linux\":{\"cgroupsPath\":1}}", "{\"process\":[]}",
                "{\"process\":{\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"}}}",
                "{\"process\":{\"capabilities\":{\"bounding\":[null]}}}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                int r = spec_facts(bad[i], strlen(bad[i]), ID, &f);
                if (r != -EINVAL)
                        fprintf(stderr, "bad #%zu: %d\n", i, r);
                CHECK_EQ_INT(r, -EINVAL);
        }
}

int main(void) {
        test_mount_source();
        test_buildkit_bundle();
        test_facts();
        return TEST_RETURN();
}
