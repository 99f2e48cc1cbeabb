/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hull/json.h"
#include "state.h"

#define STATE_DEPTH 16

void listener_state_done(ListenerState *s) {
        free(s->id);
        *s = (ListenerState) {};
}

/* "fds": the names of the descriptors, in the order they came. Index of "seccompFd". */
static int parse_fds(json_object *root, size_t n_fds, size_t *ret, Diag *d) {
        json_object *fds;
        size_t n, found = SIZE_MAX;
        int r = 0;

        if (json_member(root, "fds", &fds) <= 0) {
                diag_error(d, "fds", "missing: the message names no descriptor");
                return -EINVAL;
        }
        if (json_expect(fds, json_type_array, "an array of descriptor names", "fds", d) < 0)
                return -EINVAL;
        n = json_object_array_length(fds);
        if (n != n_fds) {
                diag_error(d, "fds", "names %zu descriptor(s), the message carried %zu", n, n_fds);
                r = -EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = json_path_index("fds", i);
                const char *s;

                if (!path)
                        return -ENOMEM;
                if (json_get_string(json_object_array_get_idx(fds, i), path, 64, d, &s) < 0) {
                        r = -EINVAL;
                        continue;
                }
                if (strcmp(s, "seccompFd") != 0)
                        continue;
                if (found != SIZE_MAX) {
                        diag_error(d, path, "a second \"seccompFd\" (the first is fds[%zu])", found);
                        r = -EINVAL;
                        continue;
                }
                found = i;
        }
        if (found == SIZE_MAX && r == 0) {
                diag_error(d, "fds", "no \"seccompFd\": nothing to listen on");
                r = -EINVAL;
        }
        *ret = found;
        return r;
}

int listener_state_parse(const char *text, size_t size, size_t n_fds, ListenerState *ret, Diag *d) {
        _cleanup_json_ json_object *root = NULL;
        _cleanup_free_ char *id = NULL;
        enum json_tokener_error e;
        json_object *v, *state;
        size_t off, fd = 0;
        int64_t pid = 0;
        int r, bad = 0;

        if (size > STATE_SIZE_MAX) {
                diag_error(d, NULL, "%zu bytes, more than the %u a message may have", size, STATE_SIZE_MAX);
                return -E2BIG;
        }
        r = json_parse_document(text, size, STATE_DEPTH, JSON_TOKENER_STRICT, &root, &e, &off);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                diag_error(d, NULL, "not JSON at byte %zu: %s", off,
                           e == json_tokener_success    ? "data after the value"
                           : e == json_tokener_continue ? "the text ends early"
                                                        : json_tokener_error_desc(e));
                return -EINVAL;
        }
        if (json_expect(root, json_type_object, "an object (the container process state)", "$", d) < 0)
                return -EINVAL;

        r = parse_fds(root, n_fds, &fd, d);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                bad = 1;

        if (json_member(root, "pid", &v) <= 0) {
                diag_error(d, "pid", "missing");
                bad = 1;
        } else if (json_get_int64(v, "pid", 1, INT32_MAX, d, &pid) < 0)
                bad = 1;

        if (json_member(root, "state", &state) <= 0) {
                diag_error(d, "state", "missing: no container state");
                bad = 1;
        } else if (json_expect(state, json_type_object, NULL, "state", d) < 0)
                bad = 1;
        else if (json_member(state, "id", &v) <= 0) {
                diag_error(d, "state.id", "missing: the container has no id");
                bad = 1;
        } else {
                r = json_dup_string(v, "state.id", STATE_ID_MAX, d, &id);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        bad = 1;
                else if (!id[0]) {
                        diag_error(d, "state.id", "empty");
                        bad = 1;
                }
        }
        if (bad)
                return -EINVAL;
        *ret = (ListenerState) { .id = TAKE_PTR(id), .pid = pid, .seccomp_fd = fd };
        return 0;
}
