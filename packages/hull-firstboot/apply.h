/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "config.h"

#define FIRSTBOOT_MARKER "/var/lib/hull/firstboot.done"

typedef struct ApplyOptions {
        const char *root;   /* "/" or a directory tree (tests, image builds) */
        bool selinux;       /* label what is created (only for root "/" with SELinux enabled) */
        bool live;          /* root is the running system: reload systemd afterwards */
        const char *source; /* where the config came from, recorded in the marker */
} ApplyOptions;

/* Checks everything that depends on the target tree (groups exist, files that must not be
 * overwritten do not exist, units to enable are found and have an [Install] section), then
 * applies in this order: users, directories, files, links, units, systemd reload, marker.
 * Nothing is written if the checks fail. On failure *ret_what (may be NULL) describes the
 * step that failed, e.g. "write /etc/foo"; the caller frees it. */
int apply_config(const Config *c, const ApplyOptions *o, char **ret_what);

/* Whether an account of the target can log in: 1 when one has a password hash in /etc/shadow
 * or a key in its home's .ssh/authorized_keys, 0 when none, -errno when the root cannot be
 * opened. */
int apply_anyone_can_log_in(const ApplyOptions *o);

/* Writes the marker that makes the unit's condition skip later boots. */
int apply_write_marker(const ApplyOptions *o, char **ret_what);
