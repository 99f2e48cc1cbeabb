/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "cmd.h"
#include "config.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"

void hull_update_help(void) {
        printf("Usage: %1$s [--json] [--layout FILE] [--esp DIR] [--state-dir DIR] status\n"
               "       %1$s [--key PEM] [--os-release FILE] [--allow-downgrade] check URL|DIR\n"
               "       %1$s [APPLY OPTIONS] apply URL|DIR\n"
               "       %1$s [--layout FILE] [--esp DIR] rollback\n"
               "       %1$s [--config FILE] [--validate] [APPLY OPTIONS] auto\n\n"
               "Signed A/B updates of /usr: the running slot is never written.\n"
               "Options may come before or after the command.\n"
               "Exit status: 0 done, 1 failed or refused, 2 usage, 3 nothing to do (no newer version).\n\n"
               "  -h --help             show this help\n"
               "     --version          show the version\n"
               "     --json             status: as JSON\n"
               "     --config FILE      auto: the configuration (default " UPDATE_CONF ")\n"
               "     --validate         auto: check the configuration, print \"configuration OK\"\n"
               "Apply options (apply, auto; --key, --os-release and --allow-downgrade for check too):\n"
               "     --key PEM          public key to trust (default " KEY_PATH ")\n"
               "     --secureboot-cert PEM\n"
               "                        the db certificate an update's UKI must be signed by\n"
               "                        (default " SECUREBOOT_CERT_PATH ")\n"
               "     --allow-downgrade  accept a version not newer than the running one\n"
               "     --os-release FILE  the running version (default " OS_RELEASE ")\n"
               "     --layout FILE      partition layout (default " PARTITIONS_CONF ")\n"
               "     --esp DIR          the ESP mounted here (default " ESP_DIR ")\n"
               "     --state-dir DIR    the updater's state (default " STATE_DIR ")\n",
               program_invocation_short_name);
}

/* No verb on the command line: --help, --version, or a usage error. */
static int parse_argv_no_verb(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        hull_update_help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-update %s\n", HULL_VERSION);
                        return 0;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "No command given; see --help.");
        log_error("Unknown command or wrong number of arguments: '%s'; see --help.", argv[optind]);
        return -EINVAL;
}

int hull_update_main(int argc, char *argv[]) {
        static const struct {
                const char *verb;
                int (*fn)(int argc, char *argv[]);
        } verbs[] = {
                { "status", verb_status }, { "check", verb_check }, { "apply", verb_apply },
                { "rollback", verb_rollback }, { "auto", verb_auto },
        };

        umask(0022);
        /* The verb is the first argument that names one; its own parser then checks that it
         * is the first operand too (an option's value is never taken for it). */
        for (int i = 1; i < argc && !streq_ptr(argv[i], "--"); i++)
                for (size_t k = 0; k < ELEMENTSOF(verbs); k++)
                        if (streq_ptr(argv[i], verbs[k].verb))
                                return verbs[k].fn(argc, argv);
        return parse_argv_no_verb(argc, argv) < 0 ? EXIT_USAGE : 0;
}
