/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "config.h"
#include "disk.h"
#include "host.h"
#include "state.h"

/* hull-update, the device's updater: one verb a file (verb-<name>.c), each with its own
 * options. cmd.c finds the verb and calls it. */

/* The whole program behind main(), so tests can run commands in-process (in a fork). Returns
 * the exit status: 0 success, 1 failure, 2 usage, 3 nothing to do. */
int hull_update_main(int argc, char *argv[]);
void hull_update_help(void);

/* Each takes the whole command line (options may come before and after the verb) and returns
 * the exit status. */
int verb_status(int argc, char *argv[]);
int verb_check(int argc, char *argv[]);
int verb_apply(int argc, char *argv[]);
int verb_rollback(int argc, char *argv[]);
int verb_auto(int argc, char *argv[]);

/* What apply and auto take: the payload's judge and where the running system keeps things. */
typedef struct ApplyArgs {
        PayloadArgs payload;
        const char *secureboot_cert;  /* NULL: SECUREBOOT_CERT_PATH */
        const char *layout;
        const char *state_dir;
        const char *esp;
        const char *tries_file;       /* the new slot's boot tries (BOOT_TRIES_PATH) */
} ApplyArgs;
#define APPLY_ARGS_DEFAULT                                                                          \
        { .payload = { .os_release = OS_RELEASE }, .layout = PARTITIONS_CONF, .state_dir = STATE_DIR, \
          .esp = ESP_DIR, .tries_file = BOOT_TRIES_PATH }

enum {
        APPLY_ARG_KEY = 0x100, APPLY_ARG_SECUREBOOT_CERT, APPLY_ARG_ALLOW_DOWNGRADE, APPLY_ARG_OS_RELEASE,
        APPLY_ARG_LAYOUT, APPLY_ARG_STATE_DIR, APPLY_ARG_ESP, _APPLY_ARG_MAX,
};
#define APPLY_OPTIONS                                                                   \
        { "key", required_argument, NULL, APPLY_ARG_KEY },                              \
        { "secureboot-cert", required_argument, NULL, APPLY_ARG_SECUREBOOT_CERT },      \
        { "allow-downgrade", no_argument, NULL, APPLY_ARG_ALLOW_DOWNGRADE },            \
        { "os-release", required_argument, NULL, APPLY_ARG_OS_RELEASE },                \
        { "layout", required_argument, NULL, APPLY_ARG_LAYOUT },                        \
        { "state-dir", required_argument, NULL, APPLY_ARG_STATE_DIR },                  \
        { "esp", required_argument, NULL, APPLY_ARG_ESP }
int apply_args_parse(ApplyArgs *a, int c, const char *value);

/* Applies what to the slot of the disk of / that is not booted. unattended, ret_pending: see
 * ApplyOptions. Logs; -EALREADY: nothing to do. */
int apply_to_running_system(const char *what, const ApplyArgs *a, bool unattended, bool *ret_pending);
