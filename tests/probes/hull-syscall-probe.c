/* SPDX-License-Identifier: MIT */
/* hull-syscall-probe: inside a container, calls each system call on the block list of the
 * talk "Security options for container implementations" and a few more on Hull's own list,
 * one of them (ptrace) allowed by Docker's and containerd's defaults, with harmless arguments
 * (a missing path, a bad descriptor, an invalid flag or process: if the call were allowed, it
 * would fail with ENOENT, EBADF, EINVAL, ESRCH or EFAULT and change nothing), and prints
 * "name ERRNO" per call.
 * Exit 0 only if every call failed with EPERM (what seccomp, or failing that a capability
 * check, answers) or does not exist on this architecture; 1 otherwise; 2 for usage. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/quota.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MISSING "/nonexistent-hull-probe"
#define BAD_PTR ((void *) 1) /* never mapped: EFAULT if the kernel ever reads it */

typedef struct Probe {
        const char *name;
        long nr;             /* -1: no such system call on this architecture */
        long a[6];
        bool gone_ok;        /* removed from the kernel: ENOSYS also counts as absent */
} Probe;

#ifndef SYS_pciconfig_iobase
#define SYS_pciconfig_iobase -1
#endif
#ifndef SYS_pciconfig_read
#define SYS_pciconfig_read -1
#endif
#ifndef SYS_pciconfig_write
#define SYS_pciconfig_write -1
#endif
#ifndef SYS_nfsservctl
#define SYS_nfsservctl -1
#endif

/* PER_SVR4 (0x04100001) sets MMAP_PAGE_ZERO, the persona bit that maps page 0 for a null
 * dereference exploit. Not 0x0008: that is PER_LINUX32, which Docker's profile allows
 * (linux32 builds) along with 0, 0x20000, 0x20008 and the 0xffffffff query. */
#define UNUSUAL_PERSONA PER_SVR4

static const Probe probes[] = {
        { "mount", SYS_mount, { (long) "none", (long) MISSING, (long) "tmpfs", 0, 0 } },
        { "umount2", SYS_umount2, { (long) MISSING, 0 } },
        { "swapon", SYS_swapon, { (long) MISSING, 0 } },
        { "swapoff", SYS_swapoff, { (long) MISSING } },
        /* magic numbers 0: EINVAL if it ever got past the permission checks */
        { "reboot", SYS_reboot, { 0, 0, 0, 0 } },
        /* length beyond __NEW_UTS_LEN: EINVAL */
        { "sethostname", SYS_sethostname, { (long) "x", 4096 } },
        { "setdomainname", SYS_setdomainname, { (long) "x", 4096 } },
        { "init_module", SYS_init_module, { 0, 0, (long) "" } },
        { "finit_module", SYS_finit_module, { -1, (long) "", 0 } },
        { "delete_module", SYS_delete_module, { (long) "hull_probe_no_such_module", 04000 /* O_NONBLOCK */ } },
        /* flags not a known KEXEC_* bit: EINVAL */
        { "kexec_load", SYS_kexec_load, { 0, 0, 0, 0x7fff0000 } },
        { "pivot_root", SYS_pivot_root, { (long) MISSING, (long) MISSING } },
        { "acct", SYS_acct, { (long) MISSING } },
        { "quotactl", SYS_quotactl, { QCMD(Q_GETFMT, USRQUOTA), (long) MISSING, 0, (long) BAD_PTR } },
        { "setns", SYS_setns, { -1, 0 } },
        /* CLOCK_MONOTONIC cannot be set: EINVAL */
        { "clock_settime", SYS_clock_settime, { CLOCK_MONOTONIC, (long) &(struct timespec) { 0 } } },
        { "adjtimex", SYS_adjtimex, { (long) BAD_PTR } },
        { "clock_adjtime", SYS_clock_adjtime, { CLOCK_REALTIME, (long) BAD_PTR } },
        { "nfsservctl", SYS_nfsservctl, { 0 }, true },
        { "pciconfig_iobase", SYS_pciconfig_iobase, { 0 } },
        { "pciconfig_read", SYS_pciconfig_read, { 0 } },
        { "pciconfig_write", SYS_pciconfig_write, { 0 } },
        { "personality", SYS_personality, { UNUSUAL_PERSONA } },
        /* Hull's own list (assert-denied in packages/hull-seccomp/policy/hull-default.policy).
         * Docker's and containerd's default profiles allow ptrace (kernels 4.8 and later), so a
         * container or build step where it fails with EPERM runs under Hull's filter. No
         * process has PID 2^22 + 1 (above pid_max's limit): ESRCH. */
        { "ptrace", SYS_ptrace, { 16 /* PTRACE_ATTACH */, 4194305 } },
        { "process_vm_readv", SYS_process_vm_readv, { 4194305, (long) BAD_PTR, 1, (long) BAD_PTR, 1, 0 } },
        /* KEYCTL_DESCRIBE of no key: ENOKEY; add_key of an unknown type: ENODEV */
        { "keyctl", SYS_keyctl, { 6, 0x7ffffff0 } },
        { "add_key", SYS_add_key, { (long) "hull-probe-no-such-type", (long) "x", 0, 0, -2 } },
};

int main(int argc, char *argv[]) {
        int failed = 0;

        if (argc > 1) {
                if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
                        printf("Usage: %s\nCall each blocked system call; exit 0 if all fail with EPERM.\n", argv[0]);
                        return 0;
                }
                fprintf(stderr, "%s: takes no arguments; see --help.\n", argv[0]);
                return 2;
        }
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                const Probe *p = &probes[i];
                long r;
                int e;

                if (p->nr < 0) {
                        printf("%s absent (no such system call on this architecture)\n", p->name);
                        continue;
                }
                errno = 0;
                r = syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3], p->a[4], p->a[5]);
                e = errno;
                if (r >= 0) {
                        printf("%s ALLOWED (returned %ld)\n", p->name, r);
                        if (p->nr == SYS_personality)
                                (void) syscall(SYS_personality, r); /* put the old persona back */
                        failed++;
                } else if (e == EPERM)
                        printf("%s EPERM\n", p->name);
                else if (e == ENOSYS && p->gone_ok)
                        printf("%s ENOSYS (absent: removed from the kernel)\n", p->name);
                else {
                        printf("%s %s (allowed by seccomp: want EPERM)\n", p->name, strerrorname_np(e) ?: "unknown");
                        failed++;
                }
        }
        if (failed) {
                printf("%d system call(s) not blocked\n", failed);
                return 1;
        }
        printf("all blocked\n");
        return 0;
}
