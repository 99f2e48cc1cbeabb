/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "hull/macro.h"

uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

_noreturn_ static void child(char *const argv[], int out, int errpipe) {
        sigset_t ss;
        int null;

        (void) setpgid(0, 0);
        sigemptyset(&ss);
        (void) sigprocmask(SIG_SETMASK, &ss, NULL);
        (void) signal(SIGPIPE, SIG_DFL);
        null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
            dup2(out, STDERR_FILENO) < 0)
                _exit(127);
        execv(argv[0], argv);
        (void) !write(errpipe, &errno, sizeof(errno));
        _exit(127);
}

static void drain(int fd, char *buf, size_t max, size_t *n, bool *eof) {
        char scratch[4096];

        for (;;) {
                char *to = *n < max ? buf + *n : scratch;
                size_t room = *n < max ? max - *n : sizeof(scratch);
                ssize_t k = read(fd, to, room);

                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0) {
                        *eof = k == 0 || errno != EAGAIN;
                        return;
                }
                if (to != scratch)
                        *n += (size_t) k;
        }
}

int exec_capture(char *const argv[], uint64_t timeout_usec, size_t max_output, char **ret_output, int *ret_status) {
        _cleanup_close_ int out_r = -1, out_w = -1, err_r = -1, err_w = -1, pidfd = -1;
        _cleanup_free_ char *buf = NULL;
        uint64_t deadline = now_usec() + timeout_usec;
        bool eof = false, exited = false;
        int p[2], status, exec_errno = 0;
        size_t n = 0;
        pid_t pid;
        ssize_t k;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        out_r = p[0];
        out_w = p[1];
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        err_r = p[0];
        err_w = p[1];
        buf = malloc(max_output + 1);
        if (!buf)
                return -ENOMEM;

        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0)
                child(argv, out_w, err_w);
        (void) setpgid(pid, pid); /* here too, so the group exists before we might kill it */
        closep(&out_w);
        out_w = -1;
        closep(&err_w);
        err_w = -1;

        /* EOF: exec succeeded (the pipe is O_CLOEXEC); an errno: it did not. */
        do
                k = read(err_r, &exec_errno, sizeof(exec_errno));
        while (k < 0 && errno == EINTR);
        if (k == sizeof(exec_errno)) {
                (void) waitpid(pid, NULL, 0);
                return exec_errno > 0 ? -exec_errno : -ENOEXEC;
        }

        pidfd = pidfd_open(pid, 0);
        if (pidfd < 0 || fcntl(out_r, F_SETFL, O_NONBLOCK) < 0) {
                int r = negative_errno();
                (void) kill(-pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                return r;
        }

        while (!exited) {
                struct pollfd fds[2] = {
                        { .fd = pidfd, .events = POLLIN },
                        { .fd = eof ? -1 : out_r, .events = POLLIN },
                };
                uint64_t now = now_usec();
                int r;

                if (now >= deadline) {
                        (void) kill(-pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return -ETIME;
                }
                r = poll(fds, 2, (int) ((deadline - now + 999) / 1000));
                if (r < 0 && errno != EINTR) {
                        r = negative_errno();
                        (void) kill(-pid, SIGKILL);
                        (void) waitpid(pid, NULL, 0);
                        return r;
                }
                if (r <= 0)
                        continue;
                if (fds[1].revents)
                        drain(out_r, buf, max_output, &n, &eof);
                if (fds[0].revents) {
                        exited = true;
                        if (!eof) /* what it wrote before exiting */
                                drain(out_r, buf, max_output, &n, &eof);
                }
        }

        if (waitpid(pid, &status, 0) < 0)
                return negative_errno();
        (void) kill(-pid, SIGKILL); /* leftovers in its process group */
        buf[n] = '\0';
        if (ret_output)
                *ret_output = TAKE_PTR(buf);
        *ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return 0;
}
