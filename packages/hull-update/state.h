/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdint.h>

#define STATE_DIR "/var/lib/hull"

/* The updater's record of the last update, STATE_DIR/update.json, written atomically. */
typedef struct UpdateState {
        char result[16];      /* "in-progress", "success", "failed" */
        char message[1024];
        char version[65];
        uint64_t build;
        char usrhash[65];
        char slot[16];
        int64_t started, finished;
} UpdateState;

int state_write(const char *dir, const UpdateState *s);

/* The last unattended check (hull-update auto), whatever it found: DIR/last-check.json. */
typedef struct LastCheck {
        int64_t time;         /* seconds since the epoch */
        char result[16];      /* "nothing-newer", "applied", "failed" */
        char message[256];
} LastCheck;

int last_check_write(const char *dir, const LastCheck *c);
/* -ENOENT if there is none, -EBADMSG if it is not an object. */
int last_check_read(const char *dir, LastCheck *ret);
/* -ENOENT if there is none. */
int state_read(const char *dir, UpdateState *ret);
