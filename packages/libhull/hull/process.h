/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* waitpid() for pid until it terminates, retried on EINTR. Returns 0 and the raw wait status
 * (ret_status may be NULL), or a negative errno. */
int wait_for_terminate(pid_t pid, int *ret_status);

/* The exit code a shell would report for a wait status: the exit status, or 128+N when the
 * process was killed by signal N. */
int exit_status_decode(int status);

/* wait_for_terminate() and exit_status_decode(): the exit code (>= 0) or a negative errno. */
int wait_for_exit(pid_t pid);

#define SPAWN_DEVNULL (-1)

typedef struct SpawnOptions {
        /* Each stream: 0 (the default) inherited; SPAWN_DEVNULL /dev/null; any other fd is made
         * the stream (e.g. .stdout_fd = STDERR_FILENO, or a pipe's end). */
        int stdin_fd, stdout_fd, stderr_fd;
        char *const *envp;      /* NULL: the caller's environment */
        bool search_path;       /* argv[0] looked up in $PATH (execvp); else a path */
        bool new_process_group; /* the child leads a process group of its own */
        bool reset_signals;     /* an empty signal mask and SIGPIPE at its default */
        /* Run in the child just before exec; a negative errno stops it there. */
        int (*setup)(void *userdata);
        void *userdata;
} SpawnOptions;

/* Forks and executes argv (o may be NULL: everything inherited). The child's file descriptors
 * other than the three streams are left as they are: open them O_CLOEXEC. Returns 0 and the
 * child's pid once the program runs; if the child could not get there (exec, setup or a
 * redirection failed), it is reaped and its errno returned (negative), e.g. -ENOENT. */
int spawn(char *const argv[], const SpawnOptions *o, pid_t *ret_pid);

/* spawn() and wait_for_exit(): the program's exit code (>= 0) or a negative errno. */
int spawn_wait(char *const argv[], const SpawnOptions *o);
