/* SPDX-License-Identifier: MIT */
/* hull-update apply URL|DIR: write a payload to the slot not booted and give its UKI the boot
 * tries of /etc/kernel/tries (default 3). (A disk image file is the build's: hull-payload
 * write-image.) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "config.h"
#include "host.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "state.h"

static ApplyArgs arg_apply = APPLY_ARGS_DEFAULT;

int apply_to_running_system(const char *what, const ApplyArgs *a, bool unattended, bool *ret_pending) {
        _cleanup_free_ char *disk = NULL;
        _cleanup_diag_ Diag d = {};
        ApplyOptions o = { .layout_path = a->layout, .state_dir = a->state_dir, .unattended = unattended,
                           .ret_pending = ret_pending, .secureboot_cert = a->secureboot_cert };
        int r;

        r = root_disk(&disk);
        if (r < 0)
                return log_error_errno(r, "Failed to find the disk that holds /: %m");
        o.target = disk;
        r = booted_usrhash(o.booted_hash);
        if (r < 0)
                return log_error_errno(r, "/proc/cmdline: no usrhash=: not booted from a Hull UKI.");
        o.has_booted_hash = true;
        snprintf(o.esp.dir, sizeof(o.esp.dir), "%s", a->esp);
        /* Before anything is written: a bad tries file refuses the update, it is not guessed. */
        r = boot_tries_load(a->tries_file, &o.tries, &d);
        if (r < 0)
                return log_error_errno(r, "%s", d.n > 0 ? d.msgs[0] : a->tries_file);
        return payload_apply(what, &a->payload, &o);
}

/* The options of apply, which auto takes too. 1 if c was one of them, 0 if not. */
int apply_args_parse(ApplyArgs *a, int c, const char *value) {
        switch (c) {
        case APPLY_ARG_KEY: a->payload.key = value; return 1;
        case APPLY_ARG_SECUREBOOT_CERT: a->secureboot_cert = value; return 1;
        case APPLY_ARG_ALLOW_DOWNGRADE: a->payload.allow_downgrade = true; return 1;
        case APPLY_ARG_OS_RELEASE: a->payload.os_release = value; return 1;
        case APPLY_ARG_LAYOUT: a->layout = value; return 1;
        case APPLY_ARG_STATE_DIR: a->state_dir = value; return 1;
        case APPLY_ARG_ESP: a->esp = value; return 1;
        }
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                APPLY_OPTIONS,
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                if (apply_args_parse(&arg_apply, c, optarg))
                        continue;
                switch (c) {
                case 'h':
                        hull_update_help();
                        return 0;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        }
        if (verb_operands(argc, argv, "apply", 1) < 0)
                return -EINVAL;
        return 1;
}

int verb_apply(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        return verb_exit_status(apply_to_running_system(argv[optind + 1], &arg_apply, false, NULL));
}
