/* SPDX-License-Identifier: MIT */
#pragma once

/* The message runc sends to a seccomp listener (runtime-spec config-linux.md, "listenerPath"):
 * one sendmsg on a unix stream socket, the container process state as JSON in the data and the
 * file descriptors it names in SCM_RIGHTS:
 *   {"ociVersion": "...", "fds": ["seccompFd"], "pid": 4242, "metadata": "...",
 *    "state": {"ociVersion": "...", "id": "<container id>", "status": "creating",
 *              "pid": 4242, "bundle": "...", "annotations": {...}}}
 * The sender is root (the socket is 0600), but its text is still outside input. */

#include <stddef.h>
#include <stdint.h>

#include "hull/diag.h"

#define STATE_SIZE_MAX (64U * 1024U)   /* one message; runc's is well under 4 KiB */
#define STATE_FDS_MAX 8U               /* descriptors taken from one message */
#define STATE_ID_MAX 1024U             /* bytes of a container id */

typedef struct ListenerState {
        char *id;            /* state.id: the container's id (Docker's 64 hex digits) */
        int64_t pid;         /* the container's first process, in the sender's pid namespace */
        size_t seccomp_fd;   /* index into the message's descriptors of "seccompFd" */
} ListenerState;

void listener_state_done(ListenerState *s);

/* Parses text (size bytes, not NUL-terminated) sent with n_fds descriptors. 0 and *ret (call
 * listener_state_done); -EINVAL with every problem in d (a JSON path and a reason): not one JSON
 * object, "fds" not an array of as many strings as descriptors came with it, no "seccompFd" or
 * two of them, "pid" not a positive integer, "state" not an object, "state.id" not a string of
 * 1 to STATE_ID_MAX bytes; -E2BIG above STATE_SIZE_MAX bytes; -ENOMEM. */
int listener_state_parse(const char *text, size_t size, size_t n_fds, ListenerState *ret, Diag *d);
