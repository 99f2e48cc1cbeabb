/* SPDX-License-Identifier: MIT */
/* hull-syscall-census: calls every x86_64 system call number from 0 to 511 (the x32 numbers
 * start at 512) once, each in a forked child, and prints "nr name class errno" per number:
 *   reachable  the call entered the kernel's implementation: it returned anything but EPERM
 *              or ENOSYS, or the child blocked in it, exited in it or was killed by a signal
 *   eperm      it failed with EPERM (seccomp's answer in Docker's and Hull's profiles, or a
 *              capability check)
 *   enosys     it failed with ENOSYS (no such call in this kernel, or a profile's ENOSYS rule)
 * where errno is how the call ended: the errno's name, "ok" (it returned a value), "blocked",
 * "exited" or the name of the signal that killed the child; and a last line
 * "total reachable N eperm N enosys N".
 *
 * Harmless by construction: every argument is 0x7ffffffe (an unmapped address, a descriptor
 * beyond any limit, a process that does not exist, flags with invalid bits, a signal beyond
 * the last), so a call that gets past seccomp fails with EFAULT, EBADF, ESRCH or EINVAL and
 * changes nothing outside the child, except for the few with their own arguments below
 * (arguments Docker's argument rules allow, so they measure the call, not the rule). The
 * child is a new session (no controlling terminal: vhangup hangs up nothing) and is killed
 * when the call takes more than two seconds (pause). A fork, vfork or clone that succeeds
 * makes a grandchild that exits at once.
 *
 *   hull-syscall-census NAME...   calls each named system call once in this process (no fork,
 *                                 for a profile that may not allow one), with the same
 *                                 arguments, and prints "nr name class how" for it; only for
 *                                 calls that return (not exit, pause, fork and the like)
 * Exit 0 when every number was classified, 1 on a failure of the census itself, 2 for usage. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARG 0x7ffffffeL
#define LAST_NR 511
#define TIMEOUT_MS 2000

#define N(x) [__NR_##x] = #x,
static const char *const names[LAST_NR + 1] = {
#include "syscall-names.h"
};

typedef struct Override {
        long nr;
        long a[6];
} Override;

static const Override overrides[] = {
        /* CLONE_SIGHAND without CLONE_VM: EINVAL; no namespace flag, so Docker's rule allows it */
        { __NR_clone, { 0x800, 0, 0, 0, 0, 0 } },
        /* the query Docker's rule allows: returns the persona, changes nothing */
        { __NR_personality, { 0xffffffffL, 0, 0, 0, 0, 0 } },
        /* func 0 reads the LDT into an unmapped buffer: EFAULT (an unknown func is ENOSYS) */
        { __NR_modify_ldt, { 0, ARG, 64, 0, 0, 0 } },
        /* without IPC_CREAT: ENOENT for a key nobody made, never a new IPC object */
        { __NR_shmget, { ARG, 0, 0, 0, 0, 0 } },
        { __NR_semget, { ARG, 0, 0, 0, 0, 0 } },
        { __NR_msgget, { ARG, 0, 0, 0, 0, 0 } },
};

static void args_of(long nr, long ret_a[6]) {
        for (size_t i = 0; i < sizeof(overrides) / sizeof(overrides[0]); i++)
                if (overrides[i].nr == nr) {
                        memcpy(ret_a, overrides[i].a, sizeof(overrides[i].a));
                        return;
                }
        for (int i = 0; i < 6; i++)
                ret_a[i] = ARG;
}

static const char *class_of(int e) {
        return e == EPERM ? "eperm" : e == ENOSYS ? "enosys" : "reachable";
}

/* In the child: the call, then its errno (0: it returned) on the pipe. */
static _Noreturn void call(long nr, int fd) {
        long a[6];
        int e = 0;
        pid_t self = getpid();

        (void) setsid();
        args_of(nr, a);
        long r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (getpid() != self) /* the grandchild of a fork, vfork or clone */
                _exit(0);
        if (r == -1)
                e = errno;
        (void) !write(fd, &e, sizeof(e));
        _exit(0);
}

/* Returns the class of nr, or NULL when the census itself failed; *ret_how is how the call
 * ended: its errno's name, "ok" when it returned, "blocked", "exited", or the signal's name. */
static const char *census(long nr, const char **ret_how) {
        int p[2], e = 0, st, blocked = 0;
        struct pollfd pfd;
        pid_t pid;
        ssize_t n;

        if (pipe2(p, O_CLOEXEC) < 0)
                return NULL;
        pid = fork();
        if (pid < 0) {
                close(p[0]);
                close(p[1]);
                return NULL;
        }
        if (pid == 0) {
                close(p[0]);
                call(nr, p[1]);
        }
        close(p[1]);
        pfd = (struct pollfd) { .fd = p[0], .events = POLLIN };
        if (poll(&pfd, 1, TIMEOUT_MS) == 0) {
                (void) kill(pid, SIGKILL); /* blocked in the call: it was reached */
                blocked = 1;
        }
        n = read(p[0], &e, sizeof(e));
        close(p[0]);
        if (waitpid(pid, &st, 0) < 0)
                return NULL;
        if (n != sizeof(e)) { /* blocked, exited or killed inside the call */
                *ret_how = blocked ? "blocked" : WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "exited";
                return "reachable";
        }
        *ret_how = e ? strerrorname_np(e) : "ok";
        return class_of(e);
}

/* NAME...: each call in this process */
static int call_named(char **list) {
        for (; *list; list++) {
                long nr = -1, a[6], r;
                int e = 0;

                for (long i = 0; i <= LAST_NR; i++)
                        if (names[i] && strcmp(names[i], *list) == 0)
                                nr = i;
                if (nr < 0 || nr == __NR_exit || nr == __NR_exit_group || nr == __NR_pause ||
                    nr == __NR_fork || nr == __NR_vfork || nr == __NR_clone || nr == __NR_clone3 ||
                    nr == __NR_rt_sigreturn || nr == __NR_rt_sigsuspend) {
                        fprintf(stderr, "hull-syscall-census: '%s' is no call this mode makes\n", *list);
                        return 2;
                }
                args_of(nr, a);
                r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
                if (r == -1)
                        e = errno;
                printf("%ld %s %s %s\n", nr, *list, class_of(e), e ? strerrorname_np(e) : "ok");
        }
        return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
        unsigned reachable = 0, eperm = 0, enosys = 0;

        if (argc > 1 && argv[1][0] == '-') {
                fprintf(stderr, "usage: hull-syscall-census [NAME...]\n");
                return 2;
        }
        if (argc > 1)
                return call_named(argv + 1);
        /* a child's SIGCHLD or SIGPIPE must not end the census */
        signal(SIGPIPE, SIG_IGN);
        for (long nr = 0; nr <= LAST_NR; nr++) {
                const char *how = NULL;
                const char *c = census(nr, &how);

                if (!c) {
                        fprintf(stderr, "hull-syscall-census: %ld: %m\n", nr);
                        return 1;
                }
                printf("%ld %s %s %s\n", nr, names[nr] ? names[nr] : "-", c, how ? how : "?");
                if (strcmp(c, "reachable") == 0)
                        reachable++;
                else if (strcmp(c, "eperm") == 0)
                        eperm++;
                else
                        enosys++;
        }
        printf("total reachable %u eperm %u enosys %u\n", reachable, eperm, enosys);
        return fflush(stdout) == 0 ? 0 : 1;
}
