/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "esp.h"
#include "hull/diag.h"

#define UPDATE_CONF "/etc/hull/update.conf"

typedef enum RebootPolicy {
        REBOOT_NEVER,   /* install only; the next reboot, whoever makes it, starts the new slot */
        REBOOT_NOW,     /* reboot as soon as the new slot is installed */
        REBOOT_WINDOW,  /* reboot when a run finds an installed update inside the window */
} RebootPolicy;

typedef struct UpdateConfig {
        char url[2048];
        RebootPolicy reboot;
        int window_start, window_end; /* minutes after local midnight; end < start wraps */
} UpdateConfig;

/* The unattended updater's configuration: "KEY=VALUE" lines, '#' comments, blank lines.
 * URL= (required: an http(s):// or file:// URL or a directory), REBOOT=never|now|window
 * (default never), WINDOW=HH:MM-HH:MM (local time, required with REBOOT=window). -EINVAL
 * with "line N: why" added to d (may be NULL) for the first problem. */
int update_config_parse(const char *text, UpdateConfig *ret, Diag *d);

/* Whether the minute of the day (0-1439) lies inside the window [start, end). */
bool window_contains(const UpdateConfig *c, int minute);

const char *reboot_policy_to_string(RebootPolicy p);

/* How many boots a new slot gets to pass its health checks: systemd's /etc/kernel/tries (the
 * file kernel-install reads for the same purpose), one decimal number from 1 to BOOT_TRIES_MAX
 * with optional surrounding whitespace. */
#define BOOT_TRIES_PATH "/etc/kernel/tries"
#define BOOT_TRIES_FILE_MAX 64 /* bytes: a number and some whitespace */

/* The number in text (read from path, NULL: none): 0, or -EINVAL with the problem added to d
 * (may be NULL) at path. */
int boot_tries_parse(const char *text, const char *path, int *ret, Diag *d);

/* The number in path, BOOT_TRIES_DEFAULT if there is no such file. 0, or a negative errno
 * with "PATH: why" added to d. */
int boot_tries_load(const char *path, int *ret, Diag *d);
