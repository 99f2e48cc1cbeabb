/* SPDX-License-Identifier: MIT */
/* hull-seccomp-strict: the talk's seccomp strict-mode demonstration. Opens /dev/null, enters
 * SECCOMP_MODE_STRICT, writes to the open descriptor (allowed: read, write, _exit and
 * sigreturn only), then tries open(), for which the kernel kills it with SIGKILL (a shell or
 * docker reports status 137). Exit 1 if open() was not stopped, 2 if strict mode could not be
 * entered (inside a seccomp filter, as in a default Docker container, the kernel refuses to
 * switch modes: run it with --security-opt seccomp=unconfined). */
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Plain write(2): stdio may buffer past the kill, or call something else. */
static void say(const char *s) {
        (void) !write(STDOUT_FILENO, s, strlen(s));
}

int main(void) {
        int out = open("/dev/null", O_WRONLY | O_CLOEXEC);

        if (out < 0) {
                perror("hull-seccomp-strict: /dev/null");
                return 2;
        }
        say("Calling prctl() to set seccomp strict mode...\n");
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) < 0) {
                perror("hull-seccomp-strict: prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)");
                return 2;
        }
        say("Writing to an already open file...\n");
        (void) !write(out, "test", 5);
        say("Trying to open a file for reading...\n");
        /* The raw system call: glibc's open() is openat(2), also not allowed. */
        (void) syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
        say("You should not see this message: the process was not killed.\n");
        syscall(SYS_exit, 1); /* exit_group is not allowed in strict mode; exit is */
        return 1;
}
