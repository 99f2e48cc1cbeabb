/* SPDX-License-Identifier: MIT */
/* What the setkey hook reads from outside: runc's state on stdin (setkey_state_pid) and the
 * hook in a config.json (oci_setkey_hook, whose edit must be a fixed point), and the hook's
 * arguments: the input split at NUL bytes into at most five of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "setkey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *) data;
        static const char id[] = "b291f3dcd36c1605d823fc4dbd06c481ee7571545d71f279df7b85b48f0dae56";
        pid_t pid = 0;
        char *out = NULL, *again = NULL;
        int r;

        r = setkey_state_pid(text, size, &pid);
        if (r == 0 && pid < 1)
                __builtin_trap();
        r = oci_setkey_hook(text, size, id, &out);
        if (r == 1) {
                if (!out || oci_setkey_hook(out, strlen(out), id, &again) != 0 || again)
                        __builtin_trap();
        } else if (out)
                __builtin_trap();
        free(out);
        {
                char *copy = malloc(size + 1), *argv[5];
                int argc = 0;
                SetkeyArgs a;

                if (!copy)
                        return 0;
                memcpy(copy, data, size);
                copy[size] = 0;
                for (char *p = copy; argc < 5 && p <= copy + size; p += strlen(p) + 1)
                        argv[argc++] = p;
                if (setkey_parse_args(argc, argv, &a) == 0) {
                        char path[108];
                        if (a.exec_root[0] != '/' || strlen(a.container_id) != 64 || strlen(a.controller_id) != 12)
                                __builtin_trap();
                        (void) setkey_socket_path(&a, path, sizeof(path));
                }
                free(copy);
        }
        return 0;
}
