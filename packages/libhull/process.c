/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hull/macro.h"
#include "hull/process.h"

int wait_for_terminate(pid_t pid, int *ret_status) {
        int status;

        if (pid <= 0)
                return -EINVAL;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return negative_errno();
        if (ret_status)
                *ret_status = status;
        return 0;
}

int exit_status_decode(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

int wait_for_exit(pid_t pid) {
        int status, r;

        r = wait_for_terminate(pid, &status);
        return r < 0 ? r : exit_status_decode(status);
}

/* Makes fd the stream target (0, 1 or 2) as SpawnOptions says. Async-signal-safe. */
static int redirect(int fd, int target) {
        if (fd == 0)
                return 0;
        if (fd == SPAWN_DEVNULL) {
                int null = open("/dev/null", target == STDIN_FILENO ? O_RDONLY : O_WRONLY);
                if (null < 0)
                        return -errno;
                if (null != target) {
                        if (dup2(null, target) < 0)
                                return -errno;
                        (void) close(null);
                }
                return 0;
        }
        if (fd == target) /* keep it, but across exec */
                return fcntl(fd, F_SETFD, 0) < 0 ? -errno : 0;
        return dup2(fd, target) < 0 ? -errno : 0;
}

_noreturn_ static void child(char *const argv[], const SpawnOptions *o, int errpipe) {
        int r = 0;

        if (o->new_process_group && setpgid(0, 0) < 0)
                r = -errno;
        if (r >= 0 && o->reset_signals) {
                sigset_t ss;
                sigemptyset(&ss);
                (void) sigprocmask(SIG_SETMASK, &ss, NULL);
                (void) signal(SIGPIPE, SIG_DFL);
        }
        /* stdin last: a pipe given for stdout may sit at fd 0 in the parent. */
        if (r >= 0)
                r = redirect(o->stdout_fd, STDOUT_FILENO);
        if (r >= 0)
                r = redirect(o->stderr_fd, STDERR_FILENO);
        if (r >= 0)
                r = redirect(o->stdin_fd, STDIN_FILENO);
        if (r >= 0 && o->setup)
                r = o->setup(o->userdata);
        if (r >= 0) {
                if (o->search_path && o->envp)
                        execvpe(argv[0], argv, o->envp);
                else if (o->search_path)
                        execvp(argv[0], argv);
                else if (o->envp)
                        execve(argv[0], argv, o->envp);
                else
                        execv(argv[0], argv);
                r = -errno;
        }
        r = -r;
        (void) !write(errpipe, &r, sizeof(r));
        _exit(127);
}

int spawn(char *const argv[], const SpawnOptions *o, pid_t *ret_pid) {
        static const SpawnOptions defaults = {};
        _cleanup_close_ int err_r = -1, err_w = -1;
        int p[2], child_errno = 0;
        ssize_t k;
        pid_t pid;

        if (!argv || !argv[0])
                return -EINVAL;
        if (!o)
                o = &defaults;
        if (pipe2(p, O_CLOEXEC) < 0)
                return negative_errno();
        err_r = p[0];
        err_w = p[1];

        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0)
                child(argv, o, err_w);
        if (o->new_process_group)
                (void) setpgid(pid, pid); /* here too: the group exists before the caller may kill it */
        closep(&err_w);
        err_w = -1;

        /* EOF: exec succeeded (the pipe is O_CLOEXEC); an errno: the child did not get there. */
        do
                k = read(err_r, &child_errno, sizeof(child_errno));
        while (k < 0 && errno == EINTR);
        if (k == sizeof(child_errno)) {
                (void) wait_for_terminate(pid, NULL);
                return child_errno > 0 ? -child_errno : -ENOEXEC;
        }
        *ret_pid = pid;
        return 0;
}

int spawn_wait(char *const argv[], const SpawnOptions *o) {
        pid_t pid;
        int r;

        r = spawn(argv, o, &pid);
        if (r < 0)
                return r;
        return wait_for_exit(pid);
}
