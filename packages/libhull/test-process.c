/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hull/macro.h"
#include "hull/process.h"
#include "hull/tests.h"

static void test_exit_codes(void) {
        char *t[] = { "/bin/true", NULL };
        char *f[] = { "/bin/false", NULL };
        char *three[] = { "/bin/sh", "-c", "exit 3", NULL };
        char *killed[] = { "/bin/sh", "-c", "kill -9 $$", NULL };
        char *missing[] = { "/nonexistent/program", NULL };
        char *empty[] = { NULL };

        CHECK_EQ_INT(spawn_wait(t, NULL), 0);
        CHECK_EQ_INT(spawn_wait(f, NULL), 1);
        CHECK_EQ_INT(spawn_wait(three, NULL), 3);
        CHECK_EQ_INT(spawn_wait(killed, NULL), 128 + 9);
        CHECK_EQ_INT(spawn_wait(missing, NULL), -ENOENT);
        CHECK_EQ_INT(spawn_wait(empty, NULL), -EINVAL);
        CHECK_EQ_INT(exit_status_decode(W_EXITCODE(42, 0)), 42);
        CHECK_EQ_INT(exit_status_decode(W_EXITCODE(0, 15)), 128 + 15);
}

static void test_search_path_and_env(void) {
        char *t[] = { "true", NULL };
        char *env_test[] = { "/bin/sh", "-c", "test \"$HULL_TEST\" = yes", NULL };
        char *const envp[] = { "HULL_TEST=yes", NULL };

        CHECK_EQ_INT(spawn_wait(t, &(SpawnOptions) { .search_path = true }), 0);
        CHECK_EQ_INT(spawn_wait(t, NULL), -ENOENT);
        CHECK_EQ_INT(spawn_wait(env_test, NULL), 1);
        CHECK_EQ_INT(spawn_wait(env_test, &(SpawnOptions) { .envp = envp }), 0);
}

static void test_redirect(void) {
        char *echo[] = { "/bin/sh", "-c", "echo out; echo err >&2", NULL };
        char *readin[] = { "/bin/sh", "-c", "read x", NULL };
        char buf[64] = {};
        int p[2];
        ssize_t n;

        CHECK(pipe2(p, O_CLOEXEC) == 0);
        CHECK_EQ_INT(spawn_wait(echo, &(SpawnOptions) { .stdout_fd = p[1], .stderr_fd = SPAWN_DEVNULL }), 0);
        close(p[1]);
        n = read(p[0], buf, sizeof(buf) - 1);
        close(p[0]);
        CHECK_EQ_INT(n, 4);
        CHECK_STREQ(buf, "out\n");
        /* /dev/null as stdin: read sees EOF and fails. */
        CHECK_EQ_INT(spawn_wait(readin, &(SpawnOptions) { .stdin_fd = SPAWN_DEVNULL }), 1);
}

static int setup_fail(void *userdata) {
        return -*(int *) userdata;
}

static void test_setup_and_wait(void) {
        char *t[] = { "/bin/true", NULL };
        int e = EPERM;
        pid_t pid;

        CHECK_EQ_INT(spawn_wait(t, &(SpawnOptions) { .setup = setup_fail, .userdata = &e }), -EPERM);
        CHECK_EQ_INT(spawn(t, &(SpawnOptions) { .new_process_group = true }, &pid), 0);
        CHECK(pid > 0);
        CHECK_EQ_INT(wait_for_exit(pid), 0);
        CHECK_EQ_INT(wait_for_terminate(pid, NULL), -ECHILD);
        CHECK_EQ_INT(wait_for_terminate(0, NULL), -EINVAL);
}

int main(void) {
        test_exit_codes();
        test_search_path_and_env();
        test_redirect();
        test_setup_and_wait();
        return TEST_RETURN();
}
