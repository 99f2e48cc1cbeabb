/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* libnetwork's "setkey" prestart hook, without starting dockerd again.
 *
 * dockerd (moby 20.10) gives every container with a network namespace of its own one OCI
 * prestart hook: its own binary again, "/proc/<dockerd's pid>/exe", with the arguments
 *   ["libnetwork-setkey", "-exec-root=<exec root>", <container id>, <short controller id>]
 * runc runs it with the container's state (specs.State, JSON) on stdin. It connects to
 * dockerd's socket <exec root>/libnetwork/<short controller id>.sock, sends
 *   {"ContainerID":"<container id>","Key":"/proc/<state pid>/ns/net"}
 * in one write, and exits 0 when the answer is "success" (anything else is dockerd's error
 * message). dockerd then moves the container's interfaces into that namespace.
 *
 * Starting dockerd's 80 MB binary for this costs half a second of Go initialisation on every
 * `docker run`. hull-runtime points such a hook at itself (oci_setkey_hook()), and when it is
 * run under the hook's name it does the exchange itself (main.c). */

/* argv[0] of dockerd's hook, and the name hull-runtime answers to as the hook. */
#define SETKEY_HOOK_NAME "libnetwork-setkey"
/* Where the hook is pointed: hull-runtime itself. */
#define SETKEY_HOOK_PATH "/usr/bin/hull-runtime"
/* The answer dockerd gives when the namespace was taken. */
#define SETKEY_SUCCESS "success"
/* Largest state document read from stdin (runc writes a few hundred bytes, plus the
 * container's annotations). */
#define SETKEY_STATE_SIZE_MAX (1U * 1024U * 1024U)

typedef struct SetkeyArgs {
        const char *exec_root;     /* absolute, no "." or ".." component */
        const char *container_id;  /* 64 lowercase hex digits */
        const char *controller_id; /* 12 lowercase hex digits */
} SetkeyArgs;

/* Parses a hook's argument list, argv[0] included, in exactly the form dockerd 20.10 writes
 * it: SETKEY_HOOK_NAME, "-exec-root=<dir>", container id, controller id. Pointers in *ret
 * point into argv. -EINVAL for anything else (another form, from another dockerd, is left to
 * that dockerd: oci_setkey_hook() does not touch it). */
int setkey_parse_args(int argc, char *const argv[], SetkeyArgs *ret);

/* The socket dockerd listens on for args: "<exec root>/libnetwork/<controller id>.sock".
 * -ENAMETOOLONG if it does not fit a unix socket address (size includes the NUL). */
int setkey_socket_path(const SetkeyArgs *args, char *buf, size_t size);

/* The container's pid from runc's state document (an object whose "pid" is an integer
 * 1..INT_MAX). -EINVAL for malformed JSON, a non-object, a missing, non-integer or out of
 * range pid; -EFBIG above SETKEY_STATE_SIZE_MAX; -ENOMEM. */
int setkey_state_pid(const char *text, size_t size, pid_t *ret);

/* The request for container id and the namespace of pid, as dockerd's listener decodes it.
 * Caller frees. -ENOMEM. */
int setkey_request(const char *container_id, pid_t pid, char **ret);

/* Sends request on the connected socket fd in one write and reads the answer until dockerd
 * closes the connection (at most 1024 bytes, as dockerd writes one message). Returns 0 on
 * "success"; -EPROTO with the answer in *ret_answer (caller frees) for any other answer
 * (dockerd's error message); a negative errno when the socket fails. */
int setkey_exchange(int fd, const char *request, char **ret_answer);

/* Points dockerd's setkey hooks in the OCI config of container id at hull-runtime: every
 * hooks.prestart entry whose path is "/proc/<digits>/exe" and whose args setkey_parse_args()
 * accepts, for this container id, gets path SETKEY_HOOK_PATH; everything else is kept. Returns 0 if nothing had to change (*ret_text is
 * NULL), 1 with the new document in *ret_text (caller frees). -EINVAL for malformed JSON, a
 * non-object root, "hooks" not an object, "prestart" not a list of objects, or a hook's
 * "path" not a string or "args" not a list of strings (the types runc cannot decode either);
 * -EFBIG above OCI_CONFIG_SIZE_MAX; -ENOMEM. */
int oci_setkey_hook(const char *text, size_t size, const char *id, char **ret_text);
