/* SPDX-License-Identifier: MIT */
/* dockerd's setkey hook done by hull-runtime: the hook's arguments and runc's state as they
 * come (and malformed), the request as dockerd's listener decodes it, the exchange over a real
 * unix socket, the hook found and pointed at hull-runtime in a config.json, and the program
 * itself run under the hook's name against a listener speaking dockerd's side. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "caps.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "setkey.h"

/* Paths here are short (under /tmp); truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define ID "b291f3dcd36c1605d823fc4dbd06c481ee7571545d71f279df7b85b48f0dae56"
#define ID2 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CTRL "219528f4f838"
/* runc 1.1's state on a hook's stdin, as a create hands it over. */
#define STATE                                                                                          \
        "{\"ociVersion\":\"1.0.2-dev\",\"id\":\"" ID "\",\"status\":\"creating\",\"pid\":4242,"     \
        "\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/" ID "\"}"

static void test_args(void) {
        static const struct {
                const char *argv[5];
                int argc;
                int want;
        } cases[] = {
                { { "libnetwork-setkey", "-exec-root=/var/run/docker", ID, CTRL }, 4, 0 },
                { { "libnetwork-setkey", "-exec-root=/run/docker", ID, CTRL }, 4, 0 },
                /* other forms: dockerd's own binary is left to handle them */
                { { "libnetwork-setkey", ID, CTRL }, 3, -EINVAL },
                { { "libnetwork-setkey", "--exec-root=/run/docker", ID, CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root", "/run/docker", ID, CTRL }, 5, -EINVAL },
                { { "libnetwork-setkey", "-sock", "/run/docker/libnetwork/x.sock" }, 3, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/docker", CTRL, ID }, 4, -EINVAL },
                { { "dockerd", "-exec-root=/run/docker", ID, CTRL }, 4, -EINVAL },
                { { "/usr/sbin/libnetwork-setkey", "-exec-root=/run/docker", ID, CTRL }, 4, -EINVAL },
                /* an exec root that is not plainly one directory */
                { { "libnetwork-setkey", "-exec-root=", ID, CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=run/docker", ID, CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/../etc", ID, CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run//docker", ID, CTRL }, 4, -EINVAL },
                /* ids: 64 and 12 lowercase hex digits */
                { { "libnetwork-setkey", "-exec-root=/run/docker", ID "0", CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/docker", "B291F3DCD36C1605D823FC4DBD06C481EE7571545D71F279DF7B85B48F0DAE56", CTRL }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/docker", ID, "219528f4f83" }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/docker", ID, "../../../x/y" }, 4, -EINVAL },
                { { "libnetwork-setkey", "-exec-root=/run/docker", ID, "219528f4f83g" }, 4, -EINVAL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                SetkeyArgs a = {};
                int r = setkey_parse_args(cases[i].argc, (char *const *) cases[i].argv, &a);
                if (r != cases[i].want)
                        fprintf(stderr, "args case %zu\n", i);
                CHECK_EQ_INT(r, cases[i].want);
                if (r == 0) {
                        CHECK_STREQ(a.container_id, ID);
                        CHECK_STREQ(a.controller_id, CTRL);
                        CHECK(a.exec_root[0] == '/');
                }
        }
}

static void test_socket_path(void) {
        char buf[sizeof(((struct sockaddr_un *) NULL)->sun_path)], root[200];
        SetkeyArgs a = { .exec_root = "/var/run/docker", .container_id = ID, .controller_id = CTRL };

        CHECK_EQ_INT(setkey_socket_path(&a, buf, sizeof(buf)), 0);
        CHECK_STREQ(buf, "/var/run/docker/libnetwork/" CTRL ".sock");
        /* 108 bytes of sun_path, NUL included: an exec root of 78 bytes is the longest. */
        memset(root, 'r', sizeof(root));
        root[0] = '/';
        root[78] = 0;
        a.exec_root = root;
        CHECK_EQ_INT(setkey_socket_path(&a, buf, sizeof(buf)), 0);
        CHECK_EQ_INT(strlen(buf), sizeof(buf) - 1);
        root[78] = 'r';
        root[79] = 0;
        CHECK_EQ_INT(setkey_socket_path(&a, buf, sizeof(buf)), -ENAMETOOLONG);
}

static void test_state(void) {
        static const struct {
                const char *text;
                int want;
                pid_t pid;
        } cases[] = {
                { STATE, 0, 4242 },
                { "{\"pid\":1}", 0, 1 },
                { "{\"pid\":2147483647}", 0, 2147483647 },
                { " {\"annotations\":{\"a\":\"b\"},\"pid\":7}\n", 0, 7 },
                { "{\"pid\":0}", -EINVAL, 0 },
                { "{\"pid\":-1}", -EINVAL, 0 },
                { "{\"pid\":2147483648}", -EINVAL, 0 },
                { "{\"pid\":18446744073709551615}", -EINVAL, 0 },
                { "{\"pid\":1.5}", -EINVAL, 0 },
                { "{\"pid\":\"12\"}", -EINVAL, 0 },
                { "{\"pid\":null}", -EINVAL, 0 },
                { "{\"status\":\"creating\"}", -EINVAL, 0 },
                { "[{\"pid\":1}]", -EINVAL, 0 },
                { "{\"pid\":1}{\"pid\":2}", -EINVAL, 0 },
                { "{\"pid\":1", -EINVAL, 0 },
                { "", -EINVAL, 0 },
                { "{\"pid\":1,\"x\":\"\xff\"}", -EINVAL, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                pid_t pid = 0;
                int r = setkey_state_pid(cases[i].text, strlen(cases[i].text), &pid);
                if (r != cases[i].want)
                        fprintf(stderr, "state case %zu\n", i);
                CHECK_EQ_INT(r, cases[i].want);
                if (r == 0)
                        CHECK_EQ_INT(pid, cases[i].pid);
        }
        {
                /* a NUL inside, and a document above the limit */
                pid_t pid;
                static const char nul[] = "{\"pid\":1}\0";
                char *big = malloc(SETKEY_STATE_SIZE_MAX + 2);
                CHECK_EQ_INT(setkey_state_pid(nul, sizeof(nul) - 1, &pid), -EINVAL);
                CHECK(big != NULL);
                if (big) {
                        memset(big, ' ', SETKEY_STATE_SIZE_MAX + 1);
                        memcpy(big, "{\"pid\":1}", 9);
                        big[SETKEY_STATE_SIZE_MAX + 1] = 0;
                        CHECK_EQ_INT(setkey_state_pid(big, SETKEY_STATE_SIZE_MAX, &pid), 0);
                        CHECK_EQ_INT(setkey_state_pid(big, SETKEY_STATE_SIZE_MAX + 1, &pid), -EFBIG);
                        free(big);
                }
        }
}

/* The request decoded the way dockerd's listener decodes it: one JSON object, two strings. */
static void check_request(const char *text, size_t n, const char *id, const char *key) {
        json_object *o = json_tokener_parse(text), *v;

        CHECK(n < 1280); /* dockerd reads one message into 1280 bytes */
        CHECK(o && json_object_is_type(o, json_type_object));
        CHECK_EQ_INT(o ? json_object_object_length(o) : 0, 2);
        CHECK(o && json_object_object_get_ex(o, "ContainerID", &v) && json_object_is_type(v, json_type_string));
        CHECK_STREQ(o ? json_object_get_string(v) : NULL, id);
        CHECK(o && json_object_object_get_ex(o, "Key", &v) && json_object_is_type(v, json_type_string));
        CHECK_STREQ(o ? json_object_get_string(v) : NULL, key);
        json_object_put(o);
}

static void test_request(void) {
        _cleanup_free_ char *s = NULL;

        CHECK_EQ_INT(setkey_request(ID, 4242, &s), 0);
        check_request(s, strlen(s), ID, "/proc/4242/ns/net");
}

/* setkey_exchange() with dockerd's side already written into the peer: its answer, then the
 * connection closed (or not written at all). */
static int exchange_with(const char *answer, size_t answer_size, bool peer_closed, char **ret_answer) {
        int sv[2], r;
        char got[2048];
        ssize_t n;

        CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        if (answer_size > 0)
                CHECK_EQ_INT(write(sv[1], answer, answer_size), (ssize_t) answer_size);
        if (peer_closed) {
                close(sv[1]);
                sv[1] = -1;
        } else
                CHECK_EQ_INT(shutdown(sv[1], SHUT_WR), 0);
        r = setkey_exchange(sv[0], "{\"ContainerID\":\"" ID "\",\"Key\":\"/proc/9/ns/net\"}", ret_answer);
        if (sv[1] >= 0) {
                n = read(sv[1], got, sizeof(got) - 1);
                CHECK(n > 0);
                got[n > 0 ? n : 0] = 0;
                check_request(got, (size_t) (n > 0 ? n : 0), ID, "/proc/9/ns/net");
                close(sv[1]);
        }
        close(sv[0]);
        return r;
}

static void test_exchange(void) {
        char *answer = NULL;
        char big[3000];

        CHECK_EQ_INT(exchange_with("success", 7, false, &answer), 0);
        CHECK(answer == NULL);
        CHECK_EQ_INT(exchange_with("no sandbox present for " ID, 23 + 64, false, &answer), -EPROTO);
        CHECK_STREQ(answer, "no sandbox present for " ID);
        free(answer);
        /* "success" with more after it, or a part of it, is not success */
        CHECK_EQ_INT(exchange_with("successful", 10, false, &answer), -EPROTO);
        free(answer);
        CHECK_EQ_INT(exchange_with("succ", 4, false, &answer), -EPROTO);
        CHECK_STREQ(answer, "succ");
        free(answer);
        /* closed without a word */
        CHECK_EQ_INT(exchange_with("", 0, false, &answer), -EPROTO);
        CHECK_STREQ(answer, "");
        free(answer);
        /* an answer longer than dockerd ever writes: the first 1024 bytes */
        memset(big, 'x', sizeof(big));
        CHECK_EQ_INT(exchange_with(big, sizeof(big), false, &answer), -EPROTO);
        CHECK_EQ_INT(answer ? strlen(answer) : 0, 1024);
        free(answer);
        /* the peer gone before the request: an error, no SIGPIPE */
        CHECK(exchange_with("", 0, true, &answer) < 0);
        CHECK(answer == NULL);
}

#define HOOK(path, args) "{\"path\":\"" path "\",\"args\":" args "}"
#define DOCKER_ARGS(id) "[\"libnetwork-setkey\",\"-exec-root=/var/run/docker\",\"" id "\",\"" CTRL "\"]"
#define WITH_HOOKS(hooks) "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"args\":[\"true\"]},\"hooks\":" hooks "}"

/* hooks.prestart[i].path of a document, NULL if it has none. */
static char *prestart_path(const char *text, size_t i) {
        json_object *o = json_tokener_parse(text), *v;
        char *found = NULL;

        if (o && json_object_object_get_ex(o, "hooks", &v) && json_object_object_get_ex(v, "prestart", &v) &&
            (v = json_object_array_get_idx(v, i)) && json_object_object_get_ex(v, "path", &v))
                found = strdup(json_object_get_string(v));
        json_object_put(o);
        return found;
}

static void test_hook_edit(void) {
        static const struct {
                const char *text;
                int want;
                const char *path0, *path1; /* prestart paths afterwards; NULL: not looked at */
        } cases[] = {
                /* dockerd 20.10's hook, alone or beside others */
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/288/exe", DOCKER_ARGS(ID)) "]}"), 1, SETKEY_HOOK_PATH, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/usr/bin/mine", "[\"mine\"]") "," HOOK("/proc/1/exe", DOCKER_ARGS(ID))
                             "],\"poststop\":[" HOOK("/proc/288/exe", DOCKER_ARGS(ID)) "]}"),
                  1, "/usr/bin/mine", SETKEY_HOOK_PATH },
                /* not this container's, not dockerd's form, not /proc/<pid>/exe: kept */
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/288/exe", DOCKER_ARGS(ID2)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/288/exe", "[\"libnetwork-setkey\",\"-sock\",\"/run/docker/libnetwork/" CTRL ".sock\"]") "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/self/exe", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/0288/exe", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/288/exe/x", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/proc/288/exe\\u0000", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[" HOOK("/usr/sbin/dockerd", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[{\"path\":\"/proc/288/exe\"}]}"), 0, NULL, NULL },
                { WITH_HOOKS("{\"createRuntime\":[" HOOK("/proc/288/exe", DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                /* already pointed at hull-runtime: a fixed point */
                { WITH_HOOKS("{\"prestart\":[" HOOK(SETKEY_HOOK_PATH, DOCKER_ARGS(ID)) "]}"), 0, NULL, NULL },
                /* no hooks (docker run --network none) */
                { "{\"ociVersion\":\"1.0.2-dev\"}", 0, NULL, NULL },
                { WITH_HOOKS("null"), 0, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":null}"), 0, NULL, NULL },
                /* types runc cannot decode */
                { WITH_HOOKS("[]"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":{}}"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[\"/proc/288/exe\"]}"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[{\"path\":288}]}"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[{\"args\":[]}]}"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[{\"path\":\"/proc/288/exe\",\"args\":\"libnetwork-setkey\"}]}"), -EINVAL, NULL, NULL },
                { WITH_HOOKS("{\"prestart\":[{\"path\":\"/proc/288/exe\",\"args\":[\"libnetwork-setkey\",1]}]}"), -EINVAL, NULL, NULL },
                { "[1]", -EINVAL, NULL, NULL },
                { "{\"hooks\":", -EINVAL, NULL, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *out = (char *) 1, *again = (char *) 1;
                int r = oci_setkey_hook(cases[i].text, strlen(cases[i].text), ID, &out);

                if (r != cases[i].want)
                        fprintf(stderr, "hook case %zu\n", i);
                CHECK_EQ_INT(r, cases[i].want);
                if (r != 1) {
                        CHECK(out == NULL);
                        continue;
                }
                CHECK(out != NULL);
                if (!out)
                        continue;
                for (size_t k = 0; k < 2; k++) {
                        const char *want = k == 0 ? cases[i].path0 : cases[i].path1;
                        char *p = prestart_path(out, k);
                        if (want)
                                CHECK_STREQ(p, want);
                        free(p);
                }
                /* the arguments stay dockerd's, and the edit is a fixed point */
                CHECK(strstr(out, DOCKER_ARGS(ID)) != NULL);
                CHECK_EQ_INT(oci_setkey_hook(out, strlen(out), ID, &again), 0);
                CHECK(again == NULL);
                free(out);
        }
}

static char tmp[] = "/tmp/test-setkey.XXXXXX";

/* hull-runtime beside the test binary: $(O)/tests/test-setkey → $(O)/hull-runtime. NULL if it
 * was not built. */
static char *program(void) {
        char exe[PATH_MAX] = {}, *p = NULL, *dir;
        ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

        if (n <= 0)
                return NULL;
        for (int i = 0; i < 2; i++) {
                dir = strrchr(exe, '/');
                if (!dir)
                        return NULL;
                *dir = 0;
        }
        if (asprintf(&p, "%s/hull-runtime", exe) < 0 || access(p, X_OK) < 0) {
                free(p);
                return NULL;
        }
        return p;
}

/* Runs prog as the hook (argv[0] "libnetwork-setkey") with state on stdin and the exec root
 * tmp/run; when listen_fd >= 0 plays dockerd: accepts one connection, checks the request and
 * answers answer. Returns the hook's exit code. */
static int run_hook(const char *prog, const char *state, const char *id, int listen_fd, const char *answer) {
        char root[PATH_MAX + 16];
        int in[2], status = -1;
        pid_t pid;

        snprintf(root, sizeof(root), "-exec-root=%s/run", tmp);
        CHECK_EQ_INT(pipe2(in, O_CLOEXEC), 0);
        CHECK_EQ_INT(write(in[1], state, strlen(state)), (ssize_t) strlen(state));
        close(in[1]);
        pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
                dup2(in[0], STDIN_FILENO);
                execv(prog, (char *[]) { (char *) SETKEY_HOOK_NAME, root, (char *) id, (char *) CTRL, NULL });
                _exit(127);
        }
        close(in[0]);
        if (listen_fd >= 0) {
                char got[2048];
                ssize_t n;
                int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                CHECK(c >= 0);
                n = read(c, got, sizeof(got) - 1);
                CHECK(n > 0);
                got[n > 0 ? n : 0] = 0;
                check_request(got, (size_t) (n > 0 ? n : 0), id, "/proc/4242/ns/net");
                CHECK_EQ_INT(write(c, answer, strlen(answer)), (ssize_t) strlen(answer));
                close(c);
        }
        CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void test_program(void) {
        _cleanup_free_ char *prog = program();
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char dir[PATH_MAX];
        int fd;

        if (!prog) {
                fprintf(stderr, "test-setkey: hull-runtime not built, skipping the end-to-end part\n");
                return;
        }
        CHECK(mkdtemp(tmp) != NULL);
        snprintf(dir, sizeof(dir), "%s/run", tmp);
        CHECK_EQ_INT(mkdir(dir, 0700), 0);
        /* dockerd not listening: exit 1 */
        CHECK_EQ_INT(run_hook(prog, STATE, ID, -1, NULL), 1);
        snprintf(dir, sizeof(dir), "%s/run/libnetwork", tmp);
        CHECK_EQ_INT(mkdir(dir, 0700), 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" CTRL ".sock", dir);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        CHECK(fd >= 0);
        CHECK_EQ_INT(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        CHECK_EQ_INT(listen(fd, 4), 0);

        CHECK_EQ_INT(run_hook(prog, STATE, ID, fd, "success"), 0);
        CHECK_EQ_INT(run_hook(prog, STATE, ID, fd, "no sandbox present for " ID), 1);
        /* a state without a pid, or malformed arguments: exit 1 before connecting */
        CHECK_EQ_INT(run_hook(prog, "{\"id\":\"" ID "\"}", ID, -1, NULL), 1);
        CHECK_EQ_INT(run_hook(prog, STATE, "not-an-id", -1, NULL), 1);
        {
                int c;
                CHECK_EQ_INT(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
                c = accept(fd, NULL, NULL);
                CHECK(c < 0 && errno == EAGAIN);
                if (c >= 0)
                        close(c);
        }
        close(fd);
        {
                char cmd[PATH_MAX + 16];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
                CHECK_EQ_INT(system(cmd), 0);
        }
}

int main(void) {
        test_args();
        test_socket_path();
        test_state();
        test_request();
        test_exchange();
        test_hook_edit();
        test_program();
        return TEST_RETURN();
}
