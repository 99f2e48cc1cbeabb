/* SPDX-License-Identifier: MIT */
/* hull-update check URL|DIR: verify a payload's signature and manifest against the running
 * version; nothing is written. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>

#include "cmd.h"
#include "host.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "proto.h"

static PayloadArgs arg_payload = { .os_release = OS_RELEASE };

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_KEY = 0x100, ARG_OS_RELEASE, ARG_ALLOW_DOWNGRADE };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "key", required_argument, NULL, ARG_KEY },
                { "os-release", required_argument, NULL, ARG_OS_RELEASE },
                { "allow-downgrade", no_argument, NULL, ARG_ALLOW_DOWNGRADE },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        hull_update_help();
                        return 0;
                case ARG_KEY: arg_payload.key = optarg; break;
                case ARG_OS_RELEASE: arg_payload.os_release = optarg; break;
                case ARG_ALLOW_DOWNGRADE: arg_payload.allow_downgrade = true; break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (verb_operands(argc, argv, "check", 1) < 0)
                return -EINVAL;
        return 1;
}

static int run(const char *what) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *running = NULL;
        SourceOptions s;
        Manifest m;
        char err[MSG_ERROR_MAX + 256], hex[65];
        int r;

        r = payload_prepare(what, &arg_payload, &s, &key, &running);
        if (r < 0) {
                payload_close(&s);
                return r;
        }
        r = check_manifest(&s, &m, err, sizeof(err));
        payload_close(&s);
        if (r == -EALREADY) {
                log_info("%s: %s", what, err);
                return r;
        }
        if (r < 0)
                return log_error_errno(r, "%s: refused: %s", what, err);
        hexmem(m.usrhash, 32, hex);
        printf("%s: version %s build %" PRIu64 ", usrhash %s, expires %" PRIi64 ": signature and manifest OK\n", what,
               m.version, m.build, hex, m.expires);
        return 0;
}

int verb_check(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? EXIT_USAGE : 0;
        return verb_exit_status(run(argv[optind + 1]));
}
