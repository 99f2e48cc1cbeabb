/* SPDX-License-Identifier: MIT */
/* hull-update rollback: the other slot boots next, the booted slot's UKIs are marked bad. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "facts.h"
#include "host.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"

static const char *arg_layout = PARTITIONS_CONF;
static const char *arg_esp = ESP_DIR;

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_LAYOUT = 0x100, ARG_ESP };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "layout", required_argument, NULL, ARG_LAYOUT },
                { "esp", required_argument, NULL, ARG_ESP },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        hull_update_help();
                        return 0;
                case ARG_LAYOUT: arg_layout = optarg; break;
                case ARG_ESP: arg_esp = optarg; break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (verb_operands(argc, argv, "rollback", 0) < 0)
                return -EINVAL;
        return 1;
}

static int run(void) {
        Facts f;
        const Uki *other = NULL;
        int other_slot = -1, r;

        r = facts_gather(arg_layout, arg_esp, &f);
        if (r < 0)
                goto finish;
        if (f.booted < 0) {
                r = log_error_errno(-ENOENT, "%s: the booted slot is unknown (no usrhash= matching a slot).", f.disk);
                goto finish;
        }
        for (size_t i = 0; i < f.n_slots && !other; i++)
                if ((int) i != f.booted && f.slots[i].state == SLOT_READY && (other = facts_uki_for(&f, f.slots[i].usrhash)))
                        other_slot = (int) i;
        if (!other) {
                r = log_error_errno(-ENOENT, "%s: no other slot has an image and a UKI to boot: nothing to roll back to.", f.disk);
                goto finish;
        }
        /* The other slot's UKI gets a try if it has none left ... */
        if (other->tries_left == 0) {
                char to[300];
                snprintf(to, sizeof(to), UKI_PREFIX "%s+1.efi", other->version);
                r = esp_rename(&f.esp, other->name, to);
                if (r < 0) {
                        r = log_error_errno(r, "Failed to rename %s to %s on the ESP: %m", other->name, to);
                        goto finish;
                }
        }
        /* ... and every UKI of the booted slot is marked bad (no tries left), so it sorts last. */
        for (size_t i = 0; i < f.n_ukis; i++) {
                Uki *u = &f.ukis[i];
                char to[300];
                if (!u->has_usrhash || memcmp(u->usrhash, f.slots[f.booted].usrhash, 32) != 0)
                        continue;
                snprintf(to, sizeof(to), UKI_PREFIX "%s+0-%d.efi", u->version, u->tries_done < 0 ? 0 : u->tries_done);
                if (streq_ptr(to, u->name))
                        continue;
                r = esp_rename(&f.esp, u->name, to);
                if (r < 0) {
                        r = log_error_errno(r, "Failed to rename %s to %s on the ESP: %m", u->name, to);
                        goto finish;
                }
        }
        log_info("Slot %s (%s) boots next; slot %s's UKIs are marked bad.", f.slots[other_slot].name, other->version,
                 f.slots[f.booted].name);
        r = 0;
finish:
        facts_done(&f);
        return r;
}

int verb_rollback(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        return verb_exit_status(run());
}
