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

int hull_update_main(int argc, char *argv[]) {
        static const Verb verbs[] = {
                { "status", verb_status }, { "check", verb_check }, { "apply", verb_apply },
                { "rollback", verb_rollback }, { "auto", verb_auto },
        };

        return verb_dispatch(argc, argv, verbs, ELEMENTSOF(verbs), "hull-update", hull_update_help);
}
