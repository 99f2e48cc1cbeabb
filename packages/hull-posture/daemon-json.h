/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "hull/diag.h"

/* The largest /etc/docker/daemon.json read, and how deep its JSON may nest. dockerd's own is a
 * few hundred bytes; the limits only stop a runaway file. */
#define DAEMON_JSON_MAX (1U * 1024U * 1024U)
#define DAEMON_JSON_DEPTH 64

/* What hull-posture needs from daemon.json. Booleans are -1 when the key is absent (Docker's
 * default then applies). */
typedef struct DaemonConfig {
        char *seccomp_profile;        /* "seccomp-profile", NULL if absent */
        int no_new_privileges;        /* "no-new-privileges" */
        int icc;                      /* "icc" */
        int userland_proxy;           /* "userland-proxy" */
        int live_restore;             /* "live-restore" */
        size_t n_insecure_registries; /* "insecure-registries" */
        char *insecure_registry;      /* the first of them */
        char *tcp_host;               /* the first "hosts" entry dockerd would open as TCP */
} DaemonConfig;

#define DAEMON_CONFIG_INIT \
        { .no_new_privileges = -1, .icc = -1, .userland_proxy = -1, .live_restore = -1 }

/* Parses daemon.json text (need not be NUL-terminated). Every key above is type-checked (null
 * counts as absent, as in dockerd), other keys are left alone. On failure: -EFBIG beyond
 * DAEMON_JSON_MAX, -EINVAL for anything that is not one JSON object or has a key of the wrong
 * type, -ENOMEM; the problem is added to d (may be NULL) with its JSON path:
 * "$.icc: expected a boolean, got a string". *ret is written only on success. */
int daemon_config_parse(const char *text, size_t size, Diag *d, DaemonConfig *ret);
void daemon_config_done(DaemonConfig *c);

/* Whether dockerd would listen on TCP for this "hosts" entry: "tcp://..." or an address with no
 * scheme at all (dockerd defaults to TCP), white space around it ignored. */
int docker_host_is_tcp(const char *host);
