/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts.h"
#include "host.h"
#include "hull/log.h"
#include "hull/macro.h"

void facts_done(Facts *f) {
        free(f->disk);
        free(f->ukis);
        f->disk = NULL;
        f->ukis = NULL;
}

int facts_gather(const char *layout, const char *esp_dir, Facts *f) {
        Layout l;
        uint8_t h[32];
        int r;

        *f = (Facts) { .booted = -1 };
        r = root_disk(&f->disk);
        if (r < 0)
                return log_error_errno(r, "Failed to find the disk that holds /: %m");
        r = layout_load(layout, &l);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read the partition layout.", layout);
        r = disk_read(f->disk, &f->d);
        if ((r == -EACCES || r == -EPERM) && geteuid() != 0)
                return log_error_errno(r, "%s: cannot read its GPT: %m (only root reads the disk: run it with sudo)",
                                       f->disk);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read its GPT: %m", f->disk);
        r = slots_find(&l, &f->d, f->slots, &f->n_slots);
        if (r < 0)
                return log_error_errno(r, "%s: the slots of %s are not all there.", f->disk, layout);
        if (booted_usrhash(h) >= 0)
                f->booted = slot_by_hash(f->slots, f->n_slots, h);
        snprintf(f->esp.dir, sizeof(f->esp.dir), "%s", esp_dir);
        (void) esp_list(&f->esp, &f->ukis, &f->n_ukis);
        return 0;
}

const Uki *facts_uki_for(const Facts *f, const uint8_t h[32]) {
        for (size_t i = 0; i < f->n_ukis; i++)
                if (f->ukis[i].has_usrhash && memcmp(f->ukis[i].usrhash, h, 32) == 0)
                        return &f->ukis[i];
        return NULL;
}
