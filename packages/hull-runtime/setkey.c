/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "caps.h"
#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "setkey.h"
#include "spec.h"

#define EXEC_ROOT_OPTION "-exec-root="
/* dockerd's listener reads one message of at most 1280 bytes and answers with one write;
 * its client reads at most 1024 bytes of the answer. */
#define ANSWER_SIZE_MAX 1024

int setkey_parse_args(int argc, char *const argv[], SetkeyArgs *ret) {
        const char *root;

        if (argc != 4 || strcmp(argv[0], SETKEY_HOOK_NAME) != 0 ||
            strncmp(argv[1], EXEC_ROOT_OPTION, STRLEN(EXEC_ROOT_OPTION)) != 0)
                return -EINVAL;
        root = argv[1] + STRLEN(EXEC_ROOT_OPTION);
        if (!path_plain(root) || !docker_id_valid(argv[2]) || !hex_digits(argv[3], 12))
                return -EINVAL;
        *ret = (SetkeyArgs) { .exec_root = root, .container_id = argv[2], .controller_id = argv[3] };
        return 0;
}

int setkey_socket_path(const SetkeyArgs *args, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s/libnetwork/%s.sock", args->exec_root, args->controller_id);

        if (n < 0 || (size_t) n >= size || (size_t) n >= sizeof(((struct sockaddr_un *) NULL)->sun_path))
                return -ENAMETOOLONG;
        return 0;
}

int setkey_state_pid(const char *text, size_t size, pid_t *ret) {
        _cleanup_json_ json_object *root = NULL;
        json_object *pid;
        int64_t v;
        int r;

        r = parse_json_object(text, size, SETKEY_STATE_SIZE_MAX, &root);
        if (r < 0)
                return r;
        if (!json_member(root, "pid", &pid))
                return -EINVAL;
        r = json_get_int64(pid, "pid", 1, INT_MAX, NULL, &v);
        if (r < 0)
                return r;
        *ret = (pid_t) v;
        return 0;
}

int setkey_request(const char *container_id, pid_t pid, char **ret) {
        _cleanup_json_ json_object *o = json_object_new_object();
        _cleanup_free_ char *key = NULL;

        if (!o || asprintf(&key, "/proc/%d/ns/net", (int) pid) < 0)
                return -ENOMEM;
        if (json_object_object_add(o, "ContainerID", json_object_new_string(container_id)) < 0 ||
            json_object_object_add(o, "Key", json_object_new_string(key)) < 0)
                return -ENOMEM;
        return edited_text(o, ret) < 0 ? -ENOMEM : 0;
}

int setkey_exchange(int fd, const char *request, char **ret_answer) {
        char buf[ANSWER_SIZE_MAX + 1];
        size_t n = strlen(request), got = 0;
        ssize_t k;

        *ret_answer = NULL;
        /* One write: dockerd decodes what its first read returns. */
        k = send(fd, request, n, MSG_NOSIGNAL);
        if (k < 0)
                return negative_errno();
        if ((size_t) k != n)
                return -EIO;
        while (got < ANSWER_SIZE_MAX) {
                k = read(fd, buf + got, ANSWER_SIZE_MAX - got);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return negative_errno();
                if (k == 0)
                        break;
                got += (size_t) k;
        }
        buf[got] = 0;
        if (got == STRLEN(SETKEY_SUCCESS) && memcmp(buf, SETKEY_SUCCESS, got) == 0)
                return 0;
        *ret_answer = strndup(buf, got);
        return *ret_answer ? -EPROTO : -ENOMEM;
}

/* Whether hook (an object of hooks.prestart) is dockerd's setkey hook for container id: 1 or 0;
 * -EINVAL for a path or args of the wrong type. */
static int is_setkey_hook(json_object *hook, const char *id) {
        json_object *path, *args;
        const char *argv[4], *p;
        SetkeyArgs a;
        size_t n;

        if (!json_object_object_get_ex(hook, "path", &path) || !json_object_is_type(path, json_type_string))
                return -EINVAL;
        if (!json_member(hook, "args", &args))
                return 0;
        if (!json_object_is_type(args, json_type_array))
                return -EINVAL;
        n = json_object_array_length(args);
        for (size_t i = 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(args, i);
                if (!json_object_is_type(v, json_type_string))
                        return -EINVAL;
                if (i < ELEMENTSOF(argv))
                        argv[i] = json_object_get_string(v);
        }
        /* "/proc/<digits>/exe": dockerd's own binary, whatever its pid. */
        p = json_object_get_string(path);
        if ((size_t) json_object_get_string_len(path) != strlen(p) || strncmp(p, "/proc/", 6) != 0)
                return 0;
        p += 6;
        if (*p < '1' || *p > '9')
                return 0;
        p += strspn(p, "0123456789");
        if (strcmp(p, "/exe") != 0)
                return 0;
        if (n != ELEMENTSOF(argv) || setkey_parse_args((int) n, (char *const *) argv, &a) < 0)
                return 0;
        return strcmp(a.container_id, id) == 0;
}

int oci_setkey_hook(const char *text, size_t size, const char *id, char **ret_text) {
        _cleanup_json_ json_object *root = NULL;
        json_object *hooks, *prestart;
        bool changed = false;
        size_t n;
        int r;

        *ret_text = NULL;
        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;
        if (!json_member(root, "hooks", &hooks))
                return 0;
        if (!json_object_is_type(hooks, json_type_object))
                return -EINVAL;
        if (!json_member(hooks, "prestart", &prestart))
                return 0;
        if (!json_object_is_type(prestart, json_type_array))
                return -EINVAL;
        n = json_object_array_length(prestart);
        for (size_t i = 0; i < n; i++) {
                json_object *hook = json_object_array_get_idx(prestart, i), *path;

                if (!json_object_is_type(hook, json_type_object))
                        return -EINVAL;
                r = is_setkey_hook(hook, id);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                path = json_object_new_string(SETKEY_HOOK_PATH);
                if (!path || json_object_object_add(hook, "path", path) < 0) {
                        json_object_put(path);
                        return -ENOMEM;
                }
                changed = true;
        }
        return changed ? edited_text(root, ret_text) : 0;
}
