/* SPDX-License-Identifier: MIT */
/* hull-update auto: the unattended updater (hull-update.service): apply URL= of the
 * configuration like apply, then reboot by its REBOOT= policy. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-bus.h>

#include "cmd.h"
#include "config.h"
#include "hull/diag.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"

static ApplyArgs arg_apply = APPLY_ARGS_DEFAULT;
static const char *arg_config = UPDATE_CONF;
static bool arg_validate = false;

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_CONFIG = _APPLY_ARG_MAX, ARG_VALIDATE };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "validate", no_argument, NULL, ARG_VALIDATE },
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
                case ARG_CONFIG: arg_config = optarg; break;
                case ARG_VALIDATE: arg_validate = true; break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        }
        if (verb_operands(argc, argv, "auto", 0) < 0)
                return -EINVAL;
        return 1;
}

/* reboot.target through systemd's private socket (no D-Bus daemon, no logind). */
static int reboot_now(void) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd to reboot: %s", strerror(-r));
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                               "StartUnit", &e, NULL, "ss", "reboot.target", "replace-irreversibly");
        if (r < 0)
                log_error("Failed to start reboot.target: %s", e.message ?: strerror(-r));
        sd_bus_error_free(&e);
        return r;
}

/* Records this check in the state directory, whatever it found (hull-posture's
 * update.check-age reads it): an unattended run that finds nothing newer writes no update. */
static void record_check(int r, bool pending) {
        LastCheck c = { .time = (int64_t) time(NULL) };
        int k;

        if (!arg_apply.state_dir)
                return;
        snprintf(c.result, sizeof(c.result), "%s", r == -EALREADY ? "nothing-newer" : r < 0 ? "failed" : pending ? "applied" : "nothing-newer");
        if (r < 0 && r != -EALREADY)
                snprintf(c.message, sizeof(c.message), "%s", strerror(-r));
        k = last_check_write(arg_apply.state_dir, &c);
        if (k < 0)
                log_warning("Failed to record the check in %s: %s", arg_apply.state_dir, strerror(-k));
}

static int run(void) {
        _cleanup_free_ char *text = NULL;
        UpdateConfig c;
        bool pending = false;
        _cleanup_diag_ Diag d = {};
        struct tm tm;
        time_t now;
        int r, minute;

        r = read_full_file(arg_config, 65536, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read the configuration: %s", arg_config, strerror(-r));
        r = update_config_parse(text, &c, &d);
        if (r < 0)
                return log_error_errno(r, "%s: %s", arg_config, d.n > 0 ? d.msgs[0] : "invalid");
        if (arg_validate) {
                printf("%s: configuration OK (URL=%s, REBOOT=%s)\n", arg_config, c.url, reboot_policy_to_string(c.reboot));
                return 0;
        }
        r = apply_to_running_system(strncmp(c.url, "file://", 7) == 0 ? c.url + 7 : c.url, &arg_apply, true, &pending);
        record_check(r, pending);
        if (r < 0 && r != -EALREADY)
                return r;
        if (!pending)
                return r;
        now = time(NULL);
        if (!localtime_r(&now, &tm))
                return log_error_errno(-EINVAL, "Cannot tell the local time.");
        minute = tm.tm_hour * 60 + tm.tm_min;
        switch (c.reboot) {
        case REBOOT_NEVER:
                log_info("REBOOT=never: the new slot starts at the next reboot.");
                return r;
        case REBOOT_WINDOW:
                if (!window_contains(&c, minute)) {
                        log_info("REBOOT=window: rebooting in the window %02d:%02d-%02d:%02d, not now (%02d:%02d).",
                                 c.window_start / 60, c.window_start % 60, c.window_end / 60, c.window_end % 60,
                                 tm.tm_hour, tm.tm_min);
                        return r;
                }
                __attribute__((fallthrough));
        case REBOOT_NOW:
                log_info("REBOOT=%s: rebooting into the new slot.", reboot_policy_to_string(c.reboot));
                return reboot_now() < 0 ? -EIO : 0;
        }
        return r;
}

int verb_auto(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        return verb_exit_status(run());
}
