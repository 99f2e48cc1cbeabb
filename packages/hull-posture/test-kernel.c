/* SPDX-License-Identifier: MIT */
/* SELinux, the verity /usr, lockdown, sysctls and the command line against fixture trees. */
#include "testutil.h"

static void test_selinux(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_selinux_enforcing, root, 0, "SELinux is not enabled");
        CHECK_RESULT(check_selinux_policy, root, 0, "no SELinux policy loaded");
        fixture_write(root, "/sys/fs/selinux/enforce", "1");
        fixture_write(root, "/sys/fs/selinux/policyvers", "33\n");
        CHECK_RESULT(check_selinux_enforcing, root, 1, "enforce=1");
        CHECK_RESULT(check_selinux_policy, root, 1, "policyvers=33");
        fixture_write(root, "/sys/fs/selinux/enforce", "0");
        fixture_write(root, "/sys/fs/selinux/policyvers", "0");
        CHECK_RESULT(check_selinux_enforcing, root, 0, "enforce=0, want 1");
        CHECK_RESULT(check_selinux_policy, root, 0, "policyvers=0");
        fixture_write(root, "/sys/fs/selinux/enforce", "1\n\x01junk");
        CHECK_RESULT(check_selinux_enforcing, root, 1, "enforce=1");
        fixture_write(root, "/sys/fs/selinux/enforce", "yes\x07");
        CHECK_RESULT(check_selinux_enforcing, root, 0, "enforce=yes?");
        fixture_write(root, "/sys/fs/selinux/policyvers", "33x");
        CHECK_RESULT(check_selinux_policy, root, 0, "not a number");
        fixture_free(root);
}

#define MI_ROOT "22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/vda3 rw\n"
#define MI_USR(opts, dev) "23 22 " dev " / /usr " opts " shared:2 - erofs /dev/mapper/usr ro\n"

static void test_mountinfo(void) {
        unsigned a, b;
        bool ro;

        CHECK_EQ_INT(mountinfo_find(MI_ROOT MI_USR("ro,relatime", "253:0"), "/usr", &a, &b, &ro), 0);
        CHECK(a == 253 && b == 0 && ro);
        /* The super block's options count too; the last mount is the one on top. */
        CHECK_EQ_INT(mountinfo_find(MI_ROOT "23 22 253:0 / /usr rw - erofs /dev/mapper/usr ro,x\n"
                                    "24 23 8:1 / /usr rw - ext4 /dev/sda1 rw\n", "/usr", &a, &b, &ro), 0);
        CHECK(a == 8 && b == 1 && !ro);
        CHECK_EQ_INT(mountinfo_find(MI_ROOT, "/usr", &a, &b, &ro), -ENOENT);
        CHECK_EQ_INT(mountinfo_find("", "/usr", &a, &b, &ro), -ENOENT);
        CHECK_EQ_INT(mountinfo_find("23 22 253:0 / /usr ro\n", "/usr", &a, &b, &ro), -EBADMSG);
        CHECK_EQ_INT(mountinfo_find("23 22 x / /usr ro - erofs a ro\n", "/usr", &a, &b, &ro), -EBADMSG);
        CHECK_EQ_INT(mountinfo_find("\n\n" MI_USR("ro", "253:0"), "/usr", &a, &b, &ro), 0);
}

static void test_usr_verity(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_usr_verity, root, -1, "cannot read /proc/self/mountinfo");
        fixture_write(root, "/proc/self/mountinfo", MI_ROOT);
        CHECK_RESULT(check_usr_verity, root, 0, "/usr is not a mount point");
        fixture_write(root, "/proc/self/mountinfo", MI_ROOT MI_USR("rw,relatime", "253:0"));
        fixture_write(root, "/sys/dev/block/253:0/dm/uuid", "CRYPT-VERITY-0123456789abcdef0123456789abcdef-usr\n");
        /* The super block says ro in MI_USR; a read-write one is refused. */
        fixture_write(root, "/proc/self/mountinfo", MI_ROOT "23 22 253:0 / /usr rw - erofs /dev/mapper/usr rw\n");
        CHECK_RESULT(check_usr_verity, root, 0, "mounted read-write");
        fixture_write(root, "/proc/self/mountinfo", MI_ROOT MI_USR("ro,relatime", "253:0"));
        CHECK_RESULT(check_usr_verity, root, 1, "/usr read-only on dm-verity 253:0 (CRYPT-VERITY-0123");
        fixture_write(root, "/sys/dev/block/253:0/dm/uuid", "CRYPT-LUKS2-0123-usr\n");
        CHECK_RESULT(check_usr_verity, root, 0, "uuid 'CRYPT-LUKS2-0123-usr', not a verity one");
        fixture_write(root, "/proc/self/mountinfo", MI_ROOT MI_USR("ro", "259:3"));
        CHECK_RESULT(check_usr_verity, root, 0, "not a device-mapper device");
        fixture_free(root);
}

static void test_lockdown(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_kernel_lockdown, root, 0, "lockdown LSM is not active");
        fixture_write(root, "/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        CHECK_RESULT(check_kernel_lockdown, root, 1, "lockdown=integrity");
        fixture_write(root, "/sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
        CHECK_RESULT(check_kernel_lockdown, root, 1, "lockdown=confidentiality");
        fixture_write(root, "/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
        CHECK_RESULT(check_kernel_lockdown, root, 0, "lockdown=none, want integrity or confidentiality");
        fixture_write(root, "/sys/kernel/security/lockdown", "[integrity");
        CHECK_RESULT(check_kernel_lockdown, root, 0, "no mode selected");
        fixture_write(root, "/sys/kernel/security/lockdown", "[integrityx] none");
        CHECK_RESULT(check_kernel_lockdown, root, 0, "lockdown=integrityx");
        fixture_free(root);
}

/* The values a fresh Hull image sets (overlays/usr/lib/sysctl.d). */
static const char *const hull_sysctls[][2] = {
        { "kernel/kptr_restrict", "2" },         { "kernel/dmesg_restrict", "1" },
        { "kernel/yama/ptrace_scope", "1" },     { "kernel/unprivileged_bpf_disabled", "1" },
        { "kernel/perf_event_paranoid", "3" },   { "fs/protected_symlinks", "1" },
        { "fs/protected_hardlinks", "1" },       { "fs/protected_fifos", "2" },
        { "fs/protected_regular", "2" },         { "fs/suid_dumpable", "0" },
        { "net/ipv4/conf/all/accept_redirects", "0" }, { "net/ipv4/conf/all/send_redirects", "0" },
        { "net/ipv4/conf/all/rp_filter", "1" },
};

static void sysctl_set(const char *root, const char *key, const char *value) {
        char *p = NULL;

        CHECK(asprintf(&p, "/proc/sys/%s", key) > 0);
        fixture_write(root, p, value);
        free(p);
}

static void test_sysctl(void) {
        char *root = fixture_new();

        for (size_t i = 0; i < ELEMENTSOF(hull_sysctls); i++)
                sysctl_set(root, hull_sysctls[i][0], hull_sysctls[i][1]);
        CHECK_RESULT(check_kernel_sysctl, root, 1, "all 13 settings as wanted");
        sysctl_set(root, "net/ipv4/conf/all/rp_filter", "2\n"); /* loose: allowed */
        sysctl_set(root, "kernel/unprivileged_bpf_disabled", "2");
        CHECK_RESULT(check_kernel_sysctl, root, 1, "as wanted");
        sysctl_set(root, "kernel/kptr_restrict", "1");
        sysctl_set(root, "fs/protected_fifos", "1");
        sysctl_set(root, "kernel/perf_event_paranoid", "-1");
        CHECK_RESULT(check_kernel_sysctl, root, 0,
                     "kernel.kptr_restrict=1, want 2; kernel.perf_event_paranoid=-1, want >=3; fs.protected_fifos=1, want >=2");
        sysctl_set(root, "kernel/kptr_restrict", "2");
        sysctl_set(root, "fs/protected_fifos", "2");
        sysctl_set(root, "kernel/perf_event_paranoid", "3");
        sysctl_set(root, "fs/suid_dumpable", "two");
        fixture_unlink(root, "/proc/sys/kernel/yama/ptrace_scope");
        CHECK_RESULT(check_kernel_sysctl, root, 0, "kernel.yama.ptrace_scope absent; fs.suid_dumpable='two', not a number");
        fixture_free(root);
}

static void test_cmdline_split(void) {
        _cleanup_strv_free_ char **l = NULL;

        CHECK_EQ_INT(cmdline_split("  a=1 b=\"x y\" \"c=d e\"\tf -- init=1 g\n", &l), 4);
        CHECK_STREQ(l[0], "a=1");
        CHECK_STREQ(l[1], "b=x y");
        CHECK_STREQ(l[2], "c=d e");
        CHECK_STREQ(l[3], "f");
        CHECK(l[4] == NULL);
        strv_free(TAKE_PTR(l));
        CHECK_EQ_INT(cmdline_split("", &l), 0);
        CHECK(l[0] == NULL);
        CHECK_EQ_INT(kernel_bool("on"), 1);
        CHECK_EQ_INT(kernel_bool("Y"), 1);
        CHECK_EQ_INT(kernel_bool("off"), 0);
        CHECK_EQ_INT(kernel_bool("0"), 0);
        CHECK_EQ_INT(kernel_bool(""), -EINVAL);
        CHECK_EQ_INT(kernel_bool("maybe"), -EINVAL);
}

/* As a fresh Hull image boots: image/cmdline plus what the build adds. */
#define HULL_CMDLINE                                                                                        \
        "mount.usr=/dev/mapper/usr mount.usrfstype=erofs mount.usrflags=ro rootfstype=ext4 rw console=tty0 " \
        "console=ttyS0,115200 panic=10 security=selinux enforcing=1 lockdown=integrity init_on_alloc=1 "     \
        "slab_nomerge page_alloc.shuffle=1 randomize_kstack_offset=on vsyscall=none debugfs=off "            \
        "usrhash=0123 root=PARTUUID=4567\n"

static void test_cmdline(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_kernel_cmdline, root, -1, "cannot read /proc/cmdline");
        fixture_write(root, "/proc/cmdline", HULL_CMDLINE);
        CHECK_RESULT(check_kernel_cmdline, root, 1, "lockdown=integrity and all 7 hardening parameters present");
        /* The last value is the kernel's; a later one undoes an earlier one. */
        fixture_write(root, "/proc/cmdline", HULL_CMDLINE " vsyscall=emulate lockdown=none");
        CHECK_RESULT(check_kernel_cmdline, root, 0, "lockdown=none, want integrity|confidentiality; vsyscall=emulate, want none");
        fixture_write(root, "/proc/cmdline", HULL_CMDLINE " selinux=0 enforcing=0 enforcing=1");
        CHECK_RESULT(check_kernel_cmdline, root, 0, "enforcing=0 present; selinux=0 present");
        /* After "--" the words are init's, not the kernel's. */
        fixture_write(root, "/proc/cmdline", "-- " HULL_CMDLINE);
        CHECK_RESULT(check_kernel_cmdline, root, 0, "no lockdown=integrity|confidentiality; no init_on_alloc=1; no slab_nomerge");
        fixture_write(root, "/proc/cmdline", HULL_CMDLINE " slab_nomerge=1 init_on_alloc=0");
        CHECK_RESULT(check_kernel_cmdline, root, 0, "init_on_alloc=0, want 1; slab_nomerge=1, want the bare word");
        fixture_free(root);
}

#define KMSG_BOOT                                                                                \
        "6,0,0,-;Linux version 6.1.0-hull (gcc) #1 SMP\n"                                         \
        " SUBSYSTEM=cpu\n"                                                                          \
        "6,1,1200,-;device-mapper: verity: sha256 using implementation \"sha256-ni\"\n"           \
        "4,2,5000,c;EXT4-fs (vda3): mounted filesystem\n"
#define KMSG_CORRUPT "3,3,9000,-;device-mapper: verity: 254:0: data block 1234 is corrupted\n"
#define KMSG_META "3,4,9001,-;device-mapper: verity: 254:0: metadata block 7 is corrupted\n"

static void test_kmsg_scan(void) {
        KmsgScan k;

        CHECK_EQ_INT(kmsg_scan_verity(KMSG_BOOT, strlen(KMSG_BOOT), &k), 0);
        CHECK_EQ_INT(k.records, 3);
        CHECK_EQ_INT(k.errors, 0);
        CHECK_EQ_INT(k.first_seq, 0);
        CHECK(k.first_error == NULL);
        CHECK_EQ_INT(kmsg_scan_verity(KMSG_BOOT KMSG_CORRUPT KMSG_META, strlen(KMSG_BOOT KMSG_CORRUPT KMSG_META), &k), 0);
        CHECK_EQ_INT(k.errors, 2);
        CHECK_STREQ(k.first_error, "device-mapper: verity: 254:0: data block 1234 is corrupted");
        free(k.first_error);
        /* Malformed records are skipped; nothing is read past size. */
        static const char *const bad[] = { "", "\n", ";", "6;x", "6,;x", "6,x,1;x", " 6,1,2;device-mapper: verity: corrupted",
                                           "6,1", "6,12", "6,99999999999999999999999999,0,-;x", "no semicolon\n" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                CHECK_EQ_INT(kmsg_scan_verity(bad[i], strlen(bad[i]), &k), 0);
                CHECK_EQ_INT(k.errors, 0);
        }
        CHECK_EQ_INT(kmsg_scan_verity("6,7,0,-;device-mapper: verity: a data block", 10, &k), 0);
        CHECK_EQ_INT(k.records, 1);
        CHECK_EQ_INT(k.errors, 0); /* the message is cut off before "verity" */
        CHECK_EQ_INT(k.first_seq, 7);
}

static void test_verity_errors(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_usr_verity_errors, root, -1, "cannot read /dev/kmsg");
        fixture_write(root, "/dev/kmsg", "");
        CHECK_RESULT(check_usr_verity_errors, root, 1, "the kernel log is empty");
        fixture_write(root, "/dev/kmsg", KMSG_BOOT);
        CHECK_RESULT(check_usr_verity_errors, root, 1, "no dm-verity error in 3 kernel log records since boot");
        fixture_write(root, "/dev/kmsg", "6,500,0,-;x\n6,501,0,-;y\n");
        CHECK_RESULT(check_usr_verity_errors, root, 1, "from record 500 on: the earlier ones of this boot were overwritten");
        fixture_write(root, "/dev/kmsg", KMSG_BOOT KMSG_CORRUPT KMSG_META);
        CHECK_RESULT(check_usr_verity_errors, root, 0,
                     "2 dm-verity error(s) in the kernel log; first: device-mapper: verity: 254:0: data block 1234 is corrupted");
        fixture_free(root);
}

static void test_modules(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_kernel_modules, root, 1, "a kernel without module support");
        fixture_write(root, "/proc/sys/kernel/modules_disabled", "1\n");
        CHECK_RESULT(check_kernel_modules, root, 1, "modules_disabled=1");
        /* Hull: modules on, signatures enforced (MODULE_SIG_FORCE), lockdown integrity. */
        fixture_write(root, "/proc/sys/kernel/modules_disabled", "0\n");
        CHECK_RESULT(check_kernel_modules, root, 0, "no module signatures (no sig_enforce): any module loads");
        fixture_write(root, "/sys/module/module/parameters/sig_enforce", "Y\n");
        CHECK_RESULT(check_kernel_modules, root, 1, "modules_disabled=0, sig_enforce=Y: only signed modules load");
        fixture_write(root, "/sys/module/module/parameters/sig_enforce", "N\n");
        CHECK_RESULT(check_kernel_modules, root, 0, "sig_enforce=N, lockdown absent: unsigned modules load");
        fixture_write(root, "/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        CHECK_RESULT(check_kernel_modules, root, 1, "sig_enforce=N, lockdown [integrity] confidentiality: only signed");
        fixture_write(root, "/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
        CHECK_RESULT(check_kernel_modules, root, 0, "lockdown [none] integrity confidentiality: unsigned modules load");
        fixture_write(root, "/sys/kernel/security/lockdown", "garbage");
        CHECK_RESULT(check_kernel_modules, root, 0, "lockdown garbage: unsigned modules load");
        fixture_free(root);
}

int main(void) {
        test_kmsg_scan();
        test_verity_errors();
        test_modules();
        test_selinux();
        test_mountinfo();
        test_usr_verity();
        test_lockdown();
        test_sysctl();
        test_cmdline_split();
        test_cmdline();
        return TEST_RETURN();
}
