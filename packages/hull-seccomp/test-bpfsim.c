/* SPDX-License-Identifier: MIT */
/* Table tests in the style of libseccomp's tests/NN-*.tests: each line of tests/NAME.tests names a
 * profile, a capability set, an ABI, a syscall with its arguments and the expected action.
 * Every line is checked against the compiled filter by the BPF simulator; lines marked "live"
 * also in a forked child that loads the filter and makes the call. */
#include <fcntl.h>
#include <glob.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfsim.h"
#include "emit.h"
#include "hull/parse.h"
#include "hull/process.h"
#include "hull/tests.h"
#include "resolve.h"
#include "testutil.h"

static struct {
        char name[256];
        Profile *p;
} cache[8];

static Profile *profile_cached(const char *which) {
        size_t i;
        for (i = 0; i < ELEMENTSOF(cache) && cache[i].p; i++)
                if (strcmp(cache[i].name, which) == 0)
                        return cache[i].p;
        if (i >= ELEMENTSOF(cache))
                return NULL;
        snprintf(cache[i].name, sizeof(cache[i].name), "%s", which);
        cache[i].p = test_profile(which);
        return cache[i].p;
}

static int parse_result(const char *s, uint32_t *ret) {
        uint32_t e;
        char num[16];
        if (strcmp(s, "ALLOW") == 0)
                *ret = SCMP_ACT_ALLOW;
        else if (strcmp(s, "KILL") == 0)
                *ret = SCMP_ACT_KILL_THREAD;
        else if (strcmp(s, "KILL_PROCESS") == 0)
                *ret = SCMP_ACT_KILL_PROCESS;
        else if (strcmp(s, "TRAP") == 0)
                *ret = SCMP_ACT_TRAP;
        else if (strcmp(s, "LOG") == 0)
                *ret = SCMP_ACT_LOG;
        else if (sscanf(s, "ERRNO(%15[0-9])", num) == 1 && safe_atou32(num, &e) == 0 && e <= 4095)
                *ret = SCMP_ACT_ERRNO(e);
        else
                return -EINVAL;
        return 0;
}

static int parse_arg(const char *s, uint64_t *ret) {
        if (strcmp(s, "N") == 0) {
                *ret = 0;
                return 0;
        }
        if (strncmp(s, "0x", 2) == 0) {
                char *end;
                errno = 0;
                *ret = strtoull(s + 2, &end, 16);
                return errno || *end || end == s + 2 ? -EINVAL : 0;
        }
        return safe_atou64(s, ret);
}

/* In a child: load the filter, make the call, report how it ended. */
static void check_live(const char *where, const struct sock_filter *prog, size_t n, long nr, const uint64_t *a, uint32_t expect) {
        struct sock_fprog fprog = { .len = (unsigned short) n, .filter = (struct sock_filter *) prog };
        int fds[2], status;
        long res[2] = { 0, 0 };
        pid_t pid;

        CHECK(pipe2(fds, O_CLOEXEC) == 0);
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
                long r;
                close(fds[0]);
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0)
                        _exit(99);
                /* Raw calls only from here: a sanitizer runtime's own calls (gettid) would hit
                 * the filter under test. */
                r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
                if (r == 0 && (nr == SYS_clone || nr == SYS_fork))
                        syscall(SYS_exit_group, 0); /* the new child of an allowed clone */
                res[0] = r;
                res[1] = r < 0 ? errno : 0;
                if (syscall(SYS_write, fds[1], res, sizeof(res)) != sizeof(res))
                        syscall(SYS_exit_group, 98);
                syscall(SYS_exit_group, 0);
        }
        close(fds[1]);
        CHECK(wait_for_terminate(pid, &status) == 0);
        if ((expect & SECCOMP_RET_ACTION_FULL) == SCMP_ACT_KILL_THREAD || expect == SCMP_ACT_KILL_PROCESS) {
                if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
                        fprintf(stderr, "%s: live: expected death by SIGSYS, status 0x%x\n", where, status);
                        hull_test_failures++;
                }
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || read(fds[0], res, sizeof(res)) != sizeof(res)) {
                fprintf(stderr, "%s: live: child failed, status 0x%x\n", where, status);
                hull_test_failures++;
        } else if ((expect & 0xffff0000U) == SCMP_ACT_ERRNO(0)) {
                if (res[0] != -1 || res[1] != (long) (expect & 0xffffU)) {
                        fprintf(stderr, "%s: live: expected errno %u, got %ld/%ld\n", where, expect & 0xffffU, res[0], res[1]);
                        hull_test_failures++;
                }
        } else if (res[0] == -1 && (res[1] == EPERM || res[1] == ENOSYS)) {
                fprintf(stderr, "%s: live: expected the call to pass the filter, got errno %ld\n", where, res[1]);
                hull_test_failures++;
        }
        /* reap an allowed clone's child */
        while (waitpid(-1, &status, WNOHANG) > 0)
                ;
        close(fds[0]);
}

static size_t n_lines, n_live;

static void run_table(const char *path) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char line[1024];
        unsigned lineno = 0;

        CHECK(f != NULL);
        while (f && fgets(line, sizeof(line), f)) {
                char *w[12], *save = NULL, where[300], act_got[32], act_want[32];
                _cleanup_resolved_ Resolved *res = NULL;
                _cleanup_free_ struct sock_filter *bpf = NULL;
                struct seccomp_data d = {};
                uint64_t args[6];
                uint32_t want, got = 0, abi, call_arch;
                size_t nw = 0, nbytes = 0;
                Profile *p;
                CapSet caps;
                Target t;
                int nr;
                bool ok = true;

                lineno++;
                snprintf(where, sizeof(where), "%s:%u", path, lineno);
                line[strcspn(line, "#\n")] = 0;
                for (char *tok = strtok_r(line, " \t", &save); tok && nw < ELEMENTSOF(w); tok = strtok_r(NULL, " \t", &save))
                        w[nw++] = tok;
                if (nw == 0)
                        continue;
                if (nw != 11 && nw != 12) {
                        fprintf(stderr, "%s: expected 11 or 12 fields, got %zu\n", where, nw);
                        hull_test_failures++;
                        continue;
                }
                p = profile_cached(w[0]);
                if (!p || capset_from_string(w[1], &caps) < 0 || parse_result(w[10], &want) < 0 ||
                    target_from_string("amd64", "6.1", &t) < 0) {
                        fprintf(stderr, "%s: bad profile, capabilities or result\n", where);
                        hull_test_failures++;
                        continue;
                }
                for (int i = 0; i < 6; i++)
                        if (parse_arg(w[4 + i], &args[i]) < 0)
                                ok = false;
                /* The ABI of the call; x32 calls arrive with the x86_64 audit arch. */
                if (strcmp(w[2], "x86_64") == 0)
                        abi = call_arch = SCMP_ARCH_X86_64;
                else if (strcmp(w[2], "x86") == 0)
                        abi = call_arch = SCMP_ARCH_X86;
                else if (strcmp(w[2], "x32") == 0) {
                        abi = SCMP_ARCH_X32;
                        call_arch = SCMP_ARCH_X86_64;
                } else
                        ok = false;
                nr = ok ? seccomp_syscall_resolve_name_arch(abi, w[3]) : -1;
                if (!ok || nr < 0) {
                        fprintf(stderr, "%s: bad ABI, syscall or argument\n", where);
                        hull_test_failures++;
                        continue;
                }
                CHECK_EQ_INT(resolve_profile(p, caps, &t, &res), 0);
                CHECK_EQ_INT(emit_bpf(res, &bpf, &nbytes), 0);
                if (!bpf)
                        continue;
                d.nr = nr;
                d.arch = bpf_audit_arch(call_arch);
                memcpy(d.args, args, sizeof(args));
                CHECK_EQ_INT(bpf_run(bpf, nbytes / sizeof(*bpf), &d, &got), 0);
                n_lines++;
                if (got != want) {
                        (void) action_to_string(got, act_got, sizeof(act_got));
                        (void) action_to_string(want, act_want, sizeof(act_want));
                        fprintf(stderr, "%s: %s %s %s: expected %s, simulator says %s\n", where, w[0], w[2], w[3], act_want, act_got);
                        hull_test_failures++;
                }
                if (nw == 12 && strcmp(w[11], "live") == 0 && abi == SCMP_ARCH_X86_64 && seccomp_arch_native() == SCMP_ARCH_X86_64) {
                        check_live(where, bpf, nbytes / sizeof(*bpf), nr, args, want);
                        n_live++;
                }
        }
}

/* The interpreter itself, on hand-written programs. */
static void check_interpreter(void) {
        struct sock_filter prog[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x40000000, 3, 0),
                BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 5),
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 10, 0, 1),
                BPF_STMT(BPF_RET | BPF_A, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        };
        struct sock_filter bad_jump[] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), BPF_STMT(BPF_RET | BPF_K, 0) };
        struct sock_filter bad_load[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 64), BPF_STMT(BPF_RET | BPF_K, 0) };
        struct sock_filter no_ret[] = { BPF_STMT(BPF_LD | BPF_IMM, 1) };
        struct seccomp_data d = { .nr = 7 };
        uint32_t r = 1;
        size_t pc = 0;

        CHECK_EQ_INT(bpf_run(prog, ELEMENTSOF(prog), &d, &r), 0);
        CHECK_EQ_INT(r, 12);
        d.nr = 2;
        CHECK_EQ_INT(bpf_run(prog, ELEMENTSOF(prog), &d, &r), 0);
        CHECK_EQ_INT(r, SECCOMP_RET_KILL_PROCESS);
        d.nr = 0x40000001;
        CHECK_EQ_INT(bpf_run(prog, ELEMENTSOF(prog), &d, &r), 0);
        CHECK_EQ_INT(r, SECCOMP_RET_KILL_PROCESS);
        CHECK_EQ_INT(bpf_check(bad_jump, ELEMENTSOF(bad_jump), &pc), -EINVAL);
        CHECK_EQ_INT(pc, 0);
        CHECK_EQ_INT(bpf_check(bad_load, ELEMENTSOF(bad_load), &pc), -EINVAL);
        CHECK_EQ_INT(bpf_check(no_ret, ELEMENTSOF(no_ret), &pc), -EINVAL);
        CHECK_EQ_INT(bpf_check(prog, 0, &pc), -EINVAL);
}

int main(void) {
        glob_t g = {};

        check_interpreter();
        if (glob("tests/*.tests", 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc; i++)
                        run_table(g.gl_pathv[i]);
        globfree(&g);
        for (size_t i = 0; i < ELEMENTSOF(cache); i++)
                profile_free(cache[i].p);
        CHECK(n_lines >= 50);
        fprintf(stderr, "test-bpfsim: %zu table lines simulated, %zu of them also live\n", n_lines, n_live);
        return TEST_RETURN();
}
