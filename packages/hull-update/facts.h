/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "disk.h"
#include "esp.h"

/* What status and rollback read from the running system: the disk that holds /, its slots,
 * the booted one (by usrhash= of /proc/cmdline) and the UKIs on the ESP. */
typedef struct Facts {
        char *disk;
        Slot slots[SLOTS_MAX];
        size_t n_slots;
        Disk d;
        int booted;                /* index or -1 */
        Esp esp;
        Uki *ukis;
        size_t n_ukis;
} Facts;

/* Program code: logs its errors. esp_dir: the mounted ESP. facts_done() in any case. */
int facts_gather(const char *layout, const char *esp_dir, Facts *ret);
void facts_done(Facts *f);

/* The UKI whose usrhash= is h, or NULL. */
const Uki *facts_uki_for(const Facts *f, const uint8_t h[32]);
