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
/* -ENOENT if there is none. */
int state_read(const char *dir, UpdateState *ret);
