/* SPDX-License-Identifier: MIT */
/* The containers.* checks against fixture /proc trees: a host init and container processes. */
#include "testutil.h"

#define HULL_CAPS "00000000800404fb"   /* Docker's 14 minus NET_RAW, MKNOD, AUDIT_WRITE, SETPCAP */
#define DOCKER_CAPS "00000000a80425fb" /* Docker's 14 */
#define LABEL "system_u:system_r:container_t:s0:c12,c345"

static void put(const char *root, const char *pid, const char *file, const char *text) {
        char *p = NULL;

        CHECK(asprintf(&p, "/proc/%s/%s", pid, file) > 0);
        fixture_write(root, p, text);
        free(p);
}

static void ns(const char *root, const char *pid, const char *name, const char *target) {
        char *p = NULL;

        CHECK(asprintf(&p, "/proc/%s/ns/%s", pid, name) > 0);
        fixture_symlink(root, p, target);
        free(p);
}

static void status(const char *root, const char *pid, const char *seccomp, const char *nnp, const char *eff,
                   const char *bnd) {
        char *s = NULL;

        CHECK(asprintf(&s, "Name:\tsh\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t%s\nCapInh:\t0000000000000000\n"
                           "CapPrm:\t%s\nCapEff:\t%s\nCapBnd:\t%s\nCapAmb:\t0000000000000000\nNoNewPrivs:\t%s\n"
                           "Seccomp:\t%s\nSeccomp_filters:\t1\n", pid, eff, eff, bnd, nnp, seccomp) > 0);
        put(root, pid, "status", s);
        free(s);
}

/* A process as Hull's default `docker run` makes it: every check passes on it. */
static void container(const char *root, const char *pid, const char *nsid) {
        static const char *const names[] = { "pid", "net", "ipc", "uts" };

        fixture_bytes(root, "/proc/x", "", 0, 0644); /* a non-numeric entry is skipped */
        {
                char *p = NULL;
                CHECK(asprintf(&p, "/proc/%s/attr/current", pid) > 0);
                fixture_bytes(root, p, LABEL, strlen(LABEL) + 1, 0644); /* the kernel's trailing NUL */
                free(p);
        }
        status(root, pid, "2", "1", HULL_CAPS, HULL_CAPS);
        put(root, pid, "mountinfo", "600 500 0:50 / / rw - overlay overlay rw\n"
                                    "601 600 0:51 / /proc rw - proc proc rw\n");
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                char *t = NULL;
                CHECK(asprintf(&t, "%s:[%s]", names[i], nsid) > 0);
                ns(root, pid, names[i], t);
                free(t);
        }
}

static char *host(void) {
        char *root = fixture_new();

        put(root, "1", "attr/current", "system_u:system_r:init_t:s0");
        status(root, "1", "0", "0", "000001ffffffffff", "000001ffffffffff");
        ns(root, "1", "pid", "pid:[4026531836]");
        ns(root, "1", "net", "net:[4026531840]");
        ns(root, "1", "ipc", "ipc:[4026531839]");
        ns(root, "1", "uts", "uts:[4026531838]");
        put(root, "1", "mountinfo", "22 1 259:2 / / rw - ext4 /dev/vda3 rw\n"
                                    "30 22 0:25 /docker.sock /run/docker.sock rw - tmpfs tmpfs rw\n");
        /* A host process outside containers, with everything a container must not have. */
        put(root, "77", "attr/current", "system_u:system_r:sshd_t:s0-s0:c0.c1023");
        status(root, "77", "0", "0", "000001ffffffffff", "000001ffffffffff");
        return root;
}

static void all(const char *root, int want, const char *evidence) {
        CHECK_RESULT(check_containers_seccomp, root, want, evidence);
        CHECK_RESULT(check_containers_no_new_privs, root, want, evidence);
        CHECK_RESULT(check_containers_capabilities, root, want, evidence);
        CHECK_RESULT(check_containers_selinux, root, want, evidence);
        CHECK_RESULT(check_containers_host_pid, root, want, evidence);
        CHECK_RESULT(check_containers_host_network, root, want, evidence);
        CHECK_RESULT(check_containers_host_ipc, root, want, evidence);
        CHECK_RESULT(check_containers_host_uts, root, want, evidence);
        CHECK_RESULT(check_containers_docker_sock, root, want, evidence);
}

static void test_none(void) {
        char *root = host();

        all(root, 1, "no container running");
        CHECK_RESULT(check_containers_privileged, root, 1, "no process runs as spc_t");
        fixture_free(root);
}

static void test_good(void) {
        char *root = host();

        container(root, "100", "4026532100");
        container(root, "101", "4026532100");
        all(root, 1, "2 container processes, all ");
        CHECK_RESULT(check_containers_capabilities, root, 1, "within Hull's 10 default capabilities");
        fixture_free(root);
}

static void test_bad(void) {
        char *root = host();

        container(root, "100", "4026532100");
        container(root, "200", "4026532200");
        status(root, "200", "0", "0", HULL_CAPS, DOCKER_CAPS);
        CHECK_RESULT(check_containers_seccomp, root, 0, "pid 200: Seccomp 0, want 2");
        CHECK_RESULT(check_containers_no_new_privs, root, 0, "pid 200: NoNewPrivs 0, want 1");
        CHECK_RESULT(check_containers_capabilities, root, 0,
                     "pid 200: CapBnd has CAP_SETPCAP,CAP_NET_RAW,CAP_MKNOD,CAP_AUDIT_WRITE");
        status(root, "200", "2", "1", "000001ffffffffff", HULL_CAPS);
        CHECK_RESULT(check_containers_capabilities, root, 0, "pid 200: CapEff has CAP_DAC_READ_SEARCH,");
        status(root, "200", "2", "1", "0000zz0000000000", HULL_CAPS);
        CHECK_RESULT(check_containers_capabilities, root, 0, "pid 200: CapEff '0000zz0000000000', not 16 hex digits");
        put(root, "200", "status", "Name:\tsh\n");
        CHECK_RESULT(check_containers_seccomp, root, 0, "pid 200: no Seccomp line");
        /* --net=host, --pid=host, --ipc=host, --uts=host */
        ns(root, "200", "net", "net:[4026531840]");
        ns(root, "200", "pid", "pid:[4026531836]");
        ns(root, "200", "ipc", "ipc:[4026531839]");
        ns(root, "200", "uts", "uts:[4026531838]");
        CHECK_RESULT(check_containers_host_network, root, 0, "pid 200 shares the host's net namespace (net:[4026531840])");
        CHECK_RESULT(check_containers_host_pid, root, 0, "pid 200 shares the host's pid namespace");
        CHECK_RESULT(check_containers_host_ipc, root, 0, "pid 200 shares the host's ipc namespace");
        CHECK_RESULT(check_containers_host_uts, root, 0, "pid 200 shares the host's uts namespace");
        /* -v /run/docker.sock:/var/run/docker.sock */
        put(root, "200", "mountinfo", "600 500 0:50 / / rw - overlay overlay rw\n"
                                      "610 600 0:25 /docker.sock /var/run/docker.sock rw - tmpfs tmpfs rw\n");
        CHECK_RESULT(check_containers_docker_sock, root, 0,
                     "pid 200 mounts it: 610 600 0:25 /docker.sock /var/run/docker.sock rw - tmpfs tmpfs rw");
        /* label=level:s0, or categories shared with every container */
        put(root, "200", "attr/current", "system_u:system_r:container_t:s0");
        CHECK_RESULT(check_containers_selinux, root, 0, "pid 200: level 's0', want two categories");
        put(root, "200", "attr/current", "system_u:system_r:container_t:s0:c0.c1023\n");
        CHECK_RESULT(check_containers_selinux, root, 0, "level 's0:c0.c1023'");
        /* --privileged */
        put(root, "300", "attr/current", "system_u:system_r:spc_t:s0");
        CHECK_RESULT(check_containers_privileged, root, 0, "pid 300 runs as spc_t (a --privileged or label=disable container)");
        /* --pid=host: Docker runs it as spc_t; the namespace checks look at spc_t processes too,
         * the capability and seccomp checks leave them to the privileged one. */
        put(root, "200", "attr/current", "system_u:system_r:container_t:s0:c1,c2");
        ns(root, "200", "pid", "pid:[4026532001]");
        ns(root, "300", "pid", "pid:[4026531836]");
        ns(root, "300", "net", "net:[4026532002]");
        CHECK_RESULT(check_containers_host_pid, root, 0, "pid 300 shares the host's pid namespace");
        ns(root, "300", "pid", "pid:[4026532003]");
        CHECK_RESULT(check_containers_host_pid, root, 1, "all in their own PID namespace");
        fixture_free(root);
}

static void test_helpers(void) {
        char *v = NULL;

        CHECK_EQ_INT(level_has_two_categories("s0:c12,c345"), 1);
        CHECK_EQ_INT(level_has_two_categories("s0:c1023,c0"), 1);
        CHECK_EQ_INT(level_has_two_categories("s0:c12,c12"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0:c12"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0:c1,c2,c3"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0:c1.c2"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0:c1,c1024"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0-s0:c1,c2"), 0);
        CHECK_EQ_INT(level_has_two_categories("s0"), 0);
        CHECK_EQ_INT(level_has_two_categories(NULL), 0);
        CHECK_EQ_INT(status_field("A:\t1\nSeccomp:\t2\n", "Seccomp", &v), 0);
        CHECK_STREQ(v, "2");
        free(v);
        CHECK_EQ_INT(status_field("Seccomp_filters:\t1\n", "Seccomp", &v), -ENOENT);
        /* CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID NET_BIND_SERVICE SYS_CHROOT SETFCAP */
        CHECK(HULL_CONTAINER_CAPS == UINT64_C(0x800404fb));
}

int main(void) {
        test_none();
        test_good();
        test_bad();
        test_helpers();
        return TEST_RETURN();
}
