/* SPDX-License-Identifier: MIT */
/* hull-seccomp: validate, compile, compare and apply Docker/OCI seccomp profiles. (Generating
 * Hull's profile is the build's: hull-seccomp-gen.c.) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "profile.h"
#include "resolve.h"

static const char *arg_caps = "default";
static const char *arg_arch = NULL;
static const char *arg_kernel = NULL;
static const char *arg_output = NULL;
static bool arg_pfc = false;
static bool arg_subset = false;
static char **arg_args = NULL; /* verb and its operands */
static int arg_n_args = 0;

static void help(void) {
        printf("Usage:\n"
               "  %1$s validate PROFILE [--arch ARCH]\n"
               "  %1$s compile PROFILE [--caps LIST] [--arch ARCH] [--kernel X.Y] -o FILE [--pfc]\n"
               "  %1$s diff A B [--caps LIST] [--arch ARCH] [--kernel X.Y] [--subset]\n"
               "  %1$s run PROFILE [--caps LIST] -- CMD [ARG...]\n"
               "  %1$s stats PROFILE [--caps LIST] [--arch ARCH] [--kernel X.Y]\n"
               "\n"
               "Validate, compile, compare and apply Docker/OCI seccomp profiles, resolving\n"
               "includes and excludes (caps, arches, minKernel) exactly as Docker 20.10 and runc 1.1 do.\n"
               "\n"
               "Commands:\n"
               "  validate   report every problem with the profile (JSON path and reason); exit 1 if any\n"
               "  compile    build the filter with libseccomp and write its BPF (with --pfc: the\n"
               "             pseudo filter code dump instead)\n"
               "  diff       what A allows that B does not (\"-\") and the reverse (\"+\"), per\n"
               "             architecture, syscall and argument rule\n"
               "  run        set no_new_privs, load the filter, execute CMD\n"
               "  stats      reachable syscalls and BPF instruction count\n"
               "\n"
               "Options:\n"
               "  -c, --caps LIST     capability bounding set: default (Docker's 14), hull (Docker's\n"
               "                      minus NET_RAW MKNOD AUDIT_WRITE SETPCAP), none, all, or a comma list\n"
               "                      of names, optionally after default, or hull,  [default: default]\n"
               "  -a, --arch ARCH     target architecture, Docker's or libseccomp's name [native]\n"
               "  -k, --kernel X.Y    kernel version for minKernel rules [running kernel]\n"
               "  -o, --output FILE   output file\n"
               "      --pfc           compile: write the readable PFC dump instead of BPF\n"
               "      --subset        diff: exit 1 unless B allows nothing that A does not\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n"
               "\n"
               "Exit status: 0 success, 1 failure (or problems found), 2 usage error.\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_PFC, ARG_SUBSET };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "caps", required_argument, NULL, 'c' },
                { "arch", required_argument, NULL, 'a' },
                { "kernel", required_argument, NULL, 'k' },
                { "output", required_argument, NULL, 'o' },
                { "pfc", no_argument, NULL, ARG_PFC },
                { "subset", no_argument, NULL, ARG_SUBSET },
                {}
        };
        int c;

        /* "+" stops at the first operand after "--" so run's command keeps its options. */
        while ((c = getopt_long(argc, argv, "hc:a:k:o:", options, NULL)) >= 0) {
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-seccomp %s (libseccomp %u.%u.%u)\n", HULL_VERSION, seccomp_version()->major,
                               seccomp_version()->minor, seccomp_version()->micro);
                        return 0;
                case 'c':
                        arg_caps = optarg;
                        break;
                case 'a':
                        arg_arch = optarg;
                        break;
                case 'k':
                        arg_kernel = optarg;
                        break;
                case 'o':
                        arg_output = optarg;
                        break;
                case ARG_PFC:
                        arg_pfc = true;
                        break;
                case ARG_SUBSET:
                        arg_subset = true;
                        break;
                default:
                        return -EINVAL;
                }
        }
        arg_args = argv + optind;
        arg_n_args = argc - optind;
        if (arg_n_args < 1) {
                log_error("No command given, see --help.");
                return -EINVAL;
        }
        return 1;
}

static int load_profile(const char *path, const Target *t, bool full_check, Profile **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_diag_ Diag d = {};
        size_t n;
        int r;

        r = read_full_file(path, PROFILE_MAX_SIZE, &text, &n);
        if (r == -EFBIG)
                return log_error_errno(r, "%s: file larger than %u bytes", path, PROFILE_MAX_SIZE);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", path);
        r = profile_parse(text, n, &d, ret);
        if (r >= 0 && full_check)
                r = profile_check(*ret, t->arch, &d);
        diag_print(&d, path);
        if (r < 0 && r != -EINVAL)
                return log_error_errno(r, "Failed to parse '%s': %m", path);
        return r;
}

static int get_target(Target *ret) {
        int r = arg_arch ? target_from_string(arg_arch, arg_kernel, ret) : target_native(ret);
        if (r < 0)
                return log_error_errno(r, "Invalid --arch '%s' or --kernel '%s'.", arg_arch ?: "(native)", arg_kernel ?: "(running)");
        if (!arg_arch && arg_kernel && target_from_string(ret->docker_arch, arg_kernel, ret) < 0)
                return log_error_errno(-EINVAL, "Invalid --kernel '%s', expected X.Y.", arg_kernel);
        return 0;
}

static int get_caps(CapSet *ret) {
        if (capset_from_string(arg_caps, ret) < 0)
                return log_error_errno(-EINVAL, "Invalid capability list '%s'.", arg_caps);
        return 0;
}

static int load_resolved(const char *path, Resolved **ret) {
        _cleanup_profile_ Profile *p = NULL;
        CapSet caps;
        Target t;
        int r;

        if ((r = get_target(&t)) < 0 || (r = get_caps(&caps)) < 0)
                return r;
        r = load_profile(path, &t, false, &p);
        if (r < 0)
                return r;
        r = resolve_profile(p, caps, &t, ret);
        if (r < 0)
                return log_error_errno(r, "Failed to resolve '%s': %m", path);
        return 0;
}

static int verb_validate(void) {
        _cleanup_profile_ Profile *p = NULL;
        Target t;
        int r;

        if (arg_n_args != 2)
                return log_error_errno(-EINVAL, "validate takes one PROFILE."), -EINVAL;
        if ((r = get_target(&t)) < 0)
                return r == -EINVAL ? -EIO : r;
        r = load_profile(arg_args[1], &t, true, &p);
        if (r < 0)
                return -EIO;
        printf("%s: profile OK (%zu rules)\n", arg_args[1], p->n_syscalls);
        return 0;
}

static int verb_compile(void) {
        _cleanup_resolved_ Resolved *res = NULL;
        _cleanup_free_ char *pfc = NULL;
        _cleanup_free_ struct sock_filter *bpf = NULL;
        size_t n = 0;
        int r;

        if (arg_n_args != 2 || !arg_output)
                return log_error_errno(-EINVAL, "compile takes one PROFILE and -o FILE."), -EINVAL;
        r = load_resolved(arg_args[1], &res);
        if (r < 0)
                return -EIO;
        if (arg_pfc) {
                r = emit_pfc(res, &pfc);
                n = pfc ? strlen(pfc) : 0;
        } else
                r = emit_bpf(res, &bpf, &n);
        if (r < 0)
                return log_error_errno(r, "%s: libseccomp could not build the filter: %m", arg_args[1]), -EIO;
        r = strcmp(arg_output, "-") == 0 ? loop_write(STDOUT_FILENO, arg_pfc ? (void *) pfc : (void *) bpf, n)
                                         : write_file_atomic(arg_output, arg_pfc ? (void *) pfc : (void *) bpf, n, 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", arg_output), -EIO;
        return 0;
}

static int verb_diff(void) {
        _cleanup_resolved_ Resolved *a = NULL, *b = NULL;
        DiffStats st;
        int r;

        if (arg_n_args != 3)
                return log_error_errno(-EINVAL, "diff takes two profiles, A and B."), -EINVAL;
        if (load_resolved(arg_args[1], &a) < 0 || load_resolved(arg_args[2], &b) < 0)
                return -EIO;
        printf("--- %s (capabilities: %s)\n+++ %s (capabilities: %s)\n", arg_args[1], arg_caps, arg_args[2], arg_caps);
        r = diff_resolved(a, b, stdout, &st);
        if (r < 0)
                return log_error_errno(r, "Failed to compare: %m"), -EIO;
        printf("# only in A: %zu, only in B: %zu%s\n", st.only_a, st.only_b,
               st.only_b == 0 && st.only_a > 0 ? " (B is a strict subset of A)" : st.only_b == 0 && st.only_a == 0 ? " (same)" : "");
        if (arg_subset && st.only_b > 0)
                return log_error_errno(-EPERM, "%s allows what %s does not.", arg_args[2], arg_args[1]), -EIO;
        return 0;
}

static int verb_stats(void) {
        _cleanup_resolved_ Resolved *res = NULL;
        _cleanup_free_ struct sock_filter *bpf = NULL;
        size_t n = 0, some = 0, all = 0;
        int r;

        if (arg_n_args != 2)
                return log_error_errno(-EINVAL, "stats takes one PROFILE."), -EINVAL;
        if (load_resolved(arg_args[1], &res) < 0)
                return -EIO;
        r = count_reachable(res, res->arches[0], &some, &all);
        if (r < 0)
                return log_error_errno(r, "%s: cannot count reachable syscalls: %m", arg_args[1]), -EIO;
        r = emit_bpf(res, &bpf, &n);
        if (r < 0)
                return log_error_errno(r, "%s: libseccomp could not build the filter: %m", arg_args[1]), -EIO;
        printf("arch %s\nabis %zu\nreachable %zu\nreachable_any_args %zu\nbpf_instructions %zu\n",
               scmp_arch_to_string(res->arches[0]), res->n_arches, some, all, n / sizeof(struct sock_filter));
        return 0;
}

static int verb_run(void) {
        _cleanup_resolved_ Resolved *res = NULL;
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        int r;

        if (arg_n_args < 3)
                return log_error_errno(-EINVAL, "run takes PROFILE -- CMD [ARG...]."), -EINVAL;
        if (load_resolved(arg_args[1], &res) < 0)
                return -EIO;
        r = emit_filter(res, &ctx);
        if (r < 0)
                return log_error_errno(r, "%s: libseccomp could not build the filter: %m", arg_args[1]), -EIO;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return log_error_errno(negative_errno(), "Failed to set no_new_privs: %m"), -EIO;
        r = seccomp_load(ctx);
        if (r < 0)
                return log_error_errno(r, "Failed to load the filter: %m"), -EIO;
        execvp(arg_args[2], arg_args + 2);
        /* the filter may itself deny the exec */
        return log_error_errno(negative_errno(), "Failed to execute '%s': %m", arg_args[2]), -EIO;
}

static int run(void) {
        static const struct {
                const char *verb;
                int (*fn)(void);
        } verbs[] = {
                { "validate", verb_validate }, { "compile", verb_compile }, { "diff", verb_diff },
                { "run", verb_run },           { "stats", verb_stats },
        };
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(arg_args[0], verbs[i].verb) == 0)
                        return verbs[i].fn();
        log_error("Unknown command '%s', see --help.", arg_args[0]);
        return -EINVAL;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        r = run();
        /* -EINVAL from run() is a usage error; everything else already logged is a failure. */
        return r == -EINVAL ? 2 : r < 0 ? 1 : 0;
}
