/* SPDX-License-Identifier: MIT */
/* hull-posture: the host reports its own security posture. Every check reads files (/proc,
 * /sys, /dev/kmsg, /etc, /usr, /var, efivarfs), and the audit checks ask the kernel's audit
 * status and rule list over netlink (read-only requests); nothing is executed, asked over a
 * bus or changed. See README.md. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/log.h"
#include "posture.h"

static bool arg_json = false;
static bool arg_list = false;
static bool *arg_only = NULL; /* by table index; NULL: every check */

static void help(void) {
        printf("Usage: %s [OPTIONS]\n\n"
               "Report this host's security posture: SELinux, the verity /usr, Secure Boot, kernel\n"
               "settings, audit, Docker's daemon and socket, running containers, file modes, sshd,\n"
               "sudo, unattended updates.\n\n"
               "  -h --help        show this help\n"
               "     --version     show the version\n"
               "     --list        list the checks, run none\n"
               "     --check ID    run only this check (repeatable)\n"
               "     --json        print the results as one JSON object\n\n"
               "Exit status: 0 every required check passed, 1 one did not, 2 usage error.\n",
               program_invocation_short_name);
}

static int select_check(const char *id) {
        const Check *c = check_find(id);

        if (!c)
                return log_error_errno(-EINVAL, "Unknown check '%s'; see --list.", id);
        if (!arg_only) {
                arg_only = calloc(posture_checks_count, sizeof(bool));
                if (!arg_only)
                        return log_oom();
        }
        arg_only[c - posture_checks] = true;
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_LIST, ARG_JSON, ARG_CHECK };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "list", no_argument, NULL, ARG_LIST },
                { "json", no_argument, NULL, ARG_JSON },
                { "check", required_argument, NULL, ARG_CHECK },
                {}
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-posture %s\n", HULL_VERSION);
                        return 0;
                case ARG_LIST:
                        arg_list = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_CHECK:
                        r = select_check(optarg);
                        if (r < 0)
                                return r;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "Unexpected argument '%s'; see --help.", argv[optind]);
        return 1;
}

static void list(void) {
        for (size_t i = 0; i < posture_checks_count; i++)
                printf("%-28s %-11s %-22s %s\n", posture_checks[i].id, severity_to_string(posture_checks[i].severity),
                       posture_checks[i].reference, posture_checks[i].title);
}

static void outcomes_free(Outcome *o, size_t n) {
        for (size_t i = 0; i < n; i++)
                outcome_done(&o[i]);
        free(o);
}

/* 0 every required check passed, 1 one did not, negative errno if the report failed. */
static int run(void) {
        const CheckContext ctx = { .root = "/" };
        Outcome *o;
        size_t n = 0;
        bool ok;
        int r = 0;

        if (arg_list) {
                list();
                return 0;
        }
        o = calloc(posture_checks_count, sizeof(Outcome));
        if (!o)
                return log_oom();
        for (size_t i = 0; i < posture_checks_count && r >= 0; i++)
                if (!arg_only || arg_only[i])
                        if ((r = check_run(&posture_checks[i], &ctx, &o[n])) >= 0)
                                n++;
        if (r >= 0 && arg_json)
                r = report_json(stdout, o, n);
        else if (r >= 0)
                report_table(stdout, o, n);
        ok = required_passed(o, n);
        outcomes_free(o, n);
        if (r < 0)
                return log_error_errno(r, "Failed to report: %m");
        if (fflush(stdout) != 0)
                return log_error_errno(-EIO, "Failed to write the report: %m");
        return ok ? 0 : 1;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r > 0)
                r = run();
        else
                r = r < 0 ? 2 : 0;
        free(arg_only);
        return r < 0 ? 1 : r;
}
