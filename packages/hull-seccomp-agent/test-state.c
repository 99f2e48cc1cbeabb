/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hull/tests.h"
#include "state.h"

/* What runc 1.1 sends (libcontainer's sendContainerProcessState), as one message. */
#define RUNC_STATE                                                                                       \
        "{\"ociVersion\":\"1.0.2-dev\",\"fds\":[\"seccompFd\"],\"pid\":4242,\"metadata\":\"\","       \
        "\"state\":{\"ociVersion\":\"1.0.2-dev\",\"id\":"                                                \
        "\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\",\"status\":\"creating\"," \
        "\"pid\":4242,\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/0123\","          \
        "\"annotations\":{}}}"

static int parse(const char *text, size_t n_fds, ListenerState *st, Diag *d) {
        return listener_state_parse(text, strlen(text), n_fds, st, d);
}

/* text fails with -EINVAL, and one of d's messages contains want. */
static void check_refused(const char *text, size_t n_fds, const char *want) {
        ListenerState st = {};
        Diag d = {};
        bool found = false;

        CHECK_EQ_INT(parse(text, n_fds, &st, &d), -EINVAL);
        CHECK(st.id == NULL);
        CHECK(d.n_errors > 0);
        for (size_t i = 0; i < d.n; i++)
                if (strstr(d.msgs[i], want))
                        found = true;
        if (!found) {
                fprintf(stderr, "no message with \"%s\" for %s; got:\n", want, text);
                for (size_t i = 0; i < d.n; i++)
                        fprintf(stderr, "  %s\n", d.msgs[i]);
        }
        CHECK(found);
        diag_clear(&d);
}

static void test_runc(void) {
        ListenerState st = {};
        Diag d = {};

        CHECK_EQ_INT(parse(RUNC_STATE, 1, &st, &d), 0);
        CHECK_STREQ(st.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        CHECK_EQ_INT(st.pid, 4242);
        CHECK_EQ_INT(st.seccomp_fd, 0);
        CHECK_EQ_INT(d.n, 0);
        listener_state_done(&st);
        CHECK(st.id == NULL);
}

static void test_fds(void) {
        ListenerState st = {};
        Diag d = {};

        /* another runtime may send more descriptors; the seccomp one is found by name */
        CHECK_EQ_INT(parse("{\"fds\":[\"pidFd\",\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"}}", 2, &st, &d), 0);
        CHECK_EQ_INT(st.seccomp_fd, 1);
        CHECK_STREQ(st.id, "c");
        listener_state_done(&st);

        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"}}", 0, "carried 0");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"}}", 2, "carried 2");
        check_refused("{\"fds\":[],\"pid\":1,\"state\":{\"id\":\"c\"}}", 0, "no \"seccompFd\"");
        check_refused("{\"fds\":[\"other\"],\"pid\":1,\"state\":{\"id\":\"c\"}}", 1, "no \"seccompFd\"");
        check_refused("{\"fds\":[\"seccompFd\",\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"}}", 2, "second");
        check_refused("{\"fds\":\"seccompFd\",\"pid\":1,\"state\":{\"id\":\"c\"}}", 1, "fds: expected an array");
        check_refused("{\"fds\":[3],\"pid\":1,\"state\":{\"id\":\"c\"}}", 1, "fds[0]");
        check_refused("{\"pid\":1,\"state\":{\"id\":\"c\"}}", 1, "fds: missing");
        check_refused("{\"fds\":null,\"pid\":1,\"state\":{\"id\":\"c\"}}", 1, "fds: missing");
}

static void test_fields(void) {
        check_refused("{\"fds\":[\"seccompFd\"],\"state\":{\"id\":\"c\"}}", 1, "pid: missing");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":0,\"state\":{\"id\":\"c\"}}", 1, "pid");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":-5,\"state\":{\"id\":\"c\"}}", 1, "pid");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1.5,\"state\":{\"id\":\"c\"}}", 1, "pid");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":4294967296,\"state\":{\"id\":\"c\"}}", 1, "pid");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":\"1\",\"state\":{\"id\":\"c\"}}", 1, "pid");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1}", 1, "state: missing");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":[]}", 1, "state: expected");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{}}", 1, "state.id: missing");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"\"}}", 1, "state.id: empty");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":7}}", 1, "state.id");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"a\\u0000b\"}}", 1, "NUL");
        /* every problem at once, not only the first */
        {
                Diag d = {};
                ListenerState st = {};

                CHECK_EQ_INT(parse("{\"fds\":[],\"pid\":0,\"state\":{}}", 0, &st, &d), -EINVAL);
                CHECK_EQ_INT(d.n_errors, 3);
                diag_clear(&d);
        }
}

static void test_long_id(void) {
        size_t n = STATE_ID_MAX + 1;
        char *id = malloc(n + 1), *text = NULL;
        ListenerState st = {};
        Diag d = {};

        CHECK(id != NULL);
        memset(id, 'a', n);
        id[n] = 0;
        CHECK(asprintf(&text, "{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"%s\"}}", id) > 0);
        check_refused(text, 1, "longer than");
        free(text);
        id[STATE_ID_MAX] = 0;   /* exactly the limit */
        CHECK(asprintf(&text, "{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"%s\"}}", id) > 0);
        CHECK_EQ_INT(parse(text, 1, &st, &d), 0);
        CHECK_EQ_INT(strlen(st.id), STATE_ID_MAX);
        listener_state_done(&st);
        free(text);
        free(id);
}

static void test_not_json(void) {
        ListenerState st = {};
        Diag d = {};
        char *big;

        check_refused("", 1, "not JSON");
        check_refused("{\"fds\":[\"seccompFd\"]", 1, "not JSON");
        check_refused(RUNC_STATE "{}", 1, "not JSON at byte 293");
        check_refused(RUNC_STATE " x", 1, "not JSON");
        check_refused("[1]", 1, "expected an object");
        check_refused("\"s\"", 1, "expected an object");
        check_refused("null", 1, "the text ends early");
        check_refused("{\"fds\":[\"seccompFd\"],\"pid\":1,\"state\":{\"id\":\"c\"},}", 1, "not JSON"); /* strict */
        /* a message cut at the first NUL would still be JSON; the whole message must be */
        CHECK_EQ_INT(listener_state_parse("{}\0{}", 5, 1, &st, &d), -EINVAL);
        diag_clear(&d);
        /* deeper than the parser goes */
        check_refused("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", 1, "not JSON");

        big = calloc(1, STATE_SIZE_MAX + 2);
        CHECK(big != NULL);
        memset(big, ' ', STATE_SIZE_MAX + 1);
        CHECK_EQ_INT(listener_state_parse(big, STATE_SIZE_MAX + 1, 1, &st, &d), -E2BIG);
        diag_clear(&d);
        free(big);
}

int main(void) {
        test_runc();
        test_fds();
        test_fields();
        test_long_id();
        test_not_json();
        return TEST_RETURN();
}
