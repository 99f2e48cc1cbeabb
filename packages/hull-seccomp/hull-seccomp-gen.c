/* SPDX-License-Identifier: MIT */
/* hull-seccomp-gen: Hull's seccomp profile, generated from Docker's stock profile and a policy
 * file (policy.c); refuses a policy that would widen Docker's profile. Runs on the build host
 * (packages/hull-seccomp/Makefile, install-extra); never installed into an image. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "hull/diag.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "policy.h"
#include "profile.h"

static const char *arg_base = NULL;
static const char *arg_policy = NULL;
static const char *arg_output = NULL;

static void help(void) {
        printf("Usage: %1$s --base DOCKER_DEFAULT --policy FILE -o OUT\n"
               "\n"
               "Apply the policy's changes to Docker's default seccomp profile and write the result;\n"
               "refuse any change that would allow what Docker's profile denies.\n"
               "\n"
               "  -b, --base FILE     Docker's default profile\n"
               "  -p, --policy FILE   Hull's policy file (policy/hull-default.policy)\n"
               "  -o, --output FILE   the generated profile\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n"
               "\n"
               "Exit status: 0 success, 1 failure (or a refused policy), 2 usage error.\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "base", required_argument, NULL, 'b' },
                { "policy", required_argument, NULL, 'p' },
                { "output", required_argument, NULL, 'o' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "hb:p:o:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-seccomp-gen %s\n", HULL_VERSION);
                        return 0;
                case 'b':
                        arg_base = optarg;
                        break;
                case 'p':
                        arg_policy = optarg;
                        break;
                case 'o':
                        arg_output = optarg;
                        break;
                default:
                        return -EINVAL;
                }
        if (optind < argc || !arg_base || !arg_policy || !arg_output)
                return log_error_errno(-EINVAL, "Takes --base FILE --policy FILE -o OUT and nothing else, see --help.");
        return 1;
}

static int run(void) {
        _cleanup_free_ char *base = NULL, *policy = NULL, *out = NULL;
        size_t nb = 0, np = 0;
        _cleanup_diag_ Diag db = {}, dp = {};
        int r;

        r = read_full_file(arg_base, PROFILE_MAX_SIZE, &base, &nb);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_base);
        r = read_full_file(arg_policy, POLICY_MAX_SIZE, &policy, &np);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_policy);
        r = policy_generate(base, nb, policy, np, &db, &dp, &out);
        diag_print(&db, arg_base);
        diag_print(&dp, arg_policy);
        if (r == -EINVAL || r == -EPERM)
                return log_error_errno(r, "Refusing to generate '%s'.", arg_output);
        if (r < 0)
                return log_error_errno(r, "Failed to generate '%s': %m", arg_output);
        r = write_file_atomic(arg_output, out, strlen(out), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", arg_output);
        return 0;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        return run() < 0 ? 1 : 0;
}
