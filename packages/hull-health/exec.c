/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <time.h>
#include <unistd.h>

#include "exec.h"
#include "hull/macro.h"
#include "hull/process.h"

uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
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

/* Kills what is left of the program's process group and reaps the program. */
static void kill_and_reap(pid_t pid) {
        (void) kill(-pid, SIGKILL);
        (void) wait_for_terminate(pid, NULL);
}

int exec_capture(char *const argv[], uint64_t timeout_usec, size_t max_output, char **ret_output, int *ret_status) {
        _cleanup_close_ int out_r = -1, out_w = -1, pidfd = -1;
        _cleanup_free_ char *buf = NULL;
        uint64_t deadline = now_usec() + timeout_usec;
        bool eof = false, exited = false;
        int p[2], status, r;
        size_t n = 0;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        out_r = p[0];
        out_w = p[1];
        buf = malloc(max_output + 1);
        if (!buf)
                return -ENOMEM;

        r = spawn(argv, &(SpawnOptions) {
                .stdin_fd = SPAWN_DEVNULL,
                .stdout_fd = out_w,
                .stderr_fd = out_w,
                .new_process_group = true,
                .reset_signals = true,
        }, &pid);
        if (r < 0)
                return r;
        closep(&out_w);
        out_w = -1;

        pidfd = pidfd_open(pid, 0);
        if (pidfd < 0 || fcntl(out_r, F_SETFL, O_NONBLOCK) < 0) {
                r = negative_errno();
                kill_and_reap(pid);
                return r;
        }

        while (!exited) {
                struct pollfd fds[2] = {
                        { .fd = pidfd, .events = POLLIN },
                        { .fd = eof ? -1 : out_r, .events = POLLIN },
                };
                uint64_t now = now_usec();

                if (now >= deadline) {
                        kill_and_reap(pid);
                        return -ETIME;
                }
                r = poll(fds, 2, (int) ((deadline - now + 999) / 1000));
                if (r < 0 && errno != EINTR) {
                        r = negative_errno();
                        kill_and_reap(pid);
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

        r = wait_for_terminate(pid, &status);
        if (r < 0)
                return r;
        (void) kill(-pid, SIGKILL); /* leftovers in its process group */
        buf[n] = '\0';
        if (ret_output)
                *ret_output = TAKE_PTR(buf);
        *ret_status = exit_status_decode(status);
        return 0;
}
