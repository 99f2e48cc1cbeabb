/* SPDX-License-Identifier: MIT */
/* hull-seccomp: validate, compile, compare and apply Docker/OCI seccomp profiles, and record a
 * workload's own profile from the kernel's audit records. (Generating Hull's profile is the
 * build's: hull-seccomp-gen.c.) */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "diff.h"
#include "emit.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "profile.h"
#include "record.h"
#include "resolve.h"

#define HULL_DEFAULT_PROFILE "/usr/share/hull/seccomp/docker-default.json"
#define AUDIT_LOG "/var/log/audit/audit.log"
#define DOCKER_ROOT "/var/lib/docker"
#define ACTIONS_LOGGED "/proc/sys/kernel/seccomp/actions_logged"
#define RECORD_MAX_VALUES 64U /* of each repeatable record option */

static const char *arg_caps = "default";
static const char *arg_arch = NULL;
static const char *arg_kernel = NULL;
static const char *arg_output = NULL;
static bool arg_pfc = false;
static bool arg_oci = false;
static bool arg_subset = false;
static char **arg_args = NULL; /* verb and its operands */
static int arg_n_args = 0;
/* record */
static bool arg_make_logging = false;
static const char *arg_base = HULL_DEFAULT_PROFILE;
static const char *arg_seen = NULL;
static bool arg_notify = true;
static const char *arg_docker_root = DOCKER_ROOT;
static const char *arg_since = NULL, *arg_until = NULL;
static const char *arg_containers[RECORD_MAX_VALUES], *arg_labels[RECORD_MAX_VALUES], *arg_exes[RECORD_MAX_VALUES],
        *arg_audit_logs[RECORD_MAX_VALUES];
static size_t arg_n_containers = 0, arg_n_labels = 0, arg_n_exes = 0, arg_n_audit_logs = 0, arg_n_pids = 0;
static pid_t arg_pids[RECORD_MAX_VALUES];

static void help(void) {
        printf("Usage:\n"
               "  %1$s validate PROFILE [--arch ARCH]\n"
               "  %1$s compile PROFILE [--caps LIST] [--arch ARCH] [--kernel X.Y] -o FILE [--pfc]\n"
               "  %1$s diff A B [--caps LIST] [--arch ARCH] [--kernel X.Y] [--subset]\n"
               "  %1$s run PROFILE [--caps LIST] -- CMD [ARG...]\n"
               "  %1$s stats PROFILE [--caps LIST] [--arch ARCH] [--kernel X.Y]\n"
               "  %1$s record --make-logging-profile [--base PROFILE] [--seen PROFILE] -o FILE\n"
               "  %1$s record --since TIME [--until TIME] [--container ID|NAME]... [--label LABEL]...\n"
               "         [--pid PID]... [--exe PATH]... [--audit-log FILE]... [--base PROFILE]\n"
               "         [--docker-root DIR] [--no-notify] -o FILE\n"
               "\n"
               "Validate, compile, compare and apply Docker/OCI seccomp profiles, resolving\n"
               "includes and excludes (caps, arches, minKernel) exactly as Docker 20.10 and runc 1.1 do.\n"
               "\n"
               "Commands:\n"
               "  validate   report every problem with the profile (JSON path and reason); exit 1 if any\n"
               "  compile    build the filter with libseccomp and write its BPF (with --pfc: the\n"
               "             pseudo filter code dump instead; with --oci: the profile resolved for\n"
               "             --caps, --arch and --kernel as an OCI config's linux.seccomp object)\n"
               "  diff       what A allows that B does not (\"-\") and the reverse (\"+\"), per\n"
               "             architecture, syscall and argument rule\n"
               "  run        set no_new_privs, load the filter, execute CMD (SCMP_ACT_NOTIFY rules\n"
               "             answer EPERM: no seccomp agent listens)\n"
               "  stats      reachable syscalls and BPF instruction count\n"
               "  record     with --make-logging-profile: the base profile with every allowed call\n"
               "             logged (SCMP_ACT_LOG); else: a profile allowing only the calls the\n"
               "             workload made under it, read from the audit log, within the base; the\n"
               "             calls the base allows that were not recorded are SCMP_ACT_NOTIFY, for\n"
               "             Hull's seccomp agent to refuse with EPERM and log\n"
               "\n"
               "Options:\n"
               "  -c, --caps LIST     capability bounding set: default (Docker's 14), hull (Docker's\n"
               "                      minus NET_RAW MKNOD AUDIT_WRITE SETPCAP), none, all, or a comma list\n"
               "                      of names, optionally after default, or hull,  [default: default]\n"
               "  -a, --arch ARCH     target architecture, Docker's or libseccomp's name [native]\n"
               "  -k, --kernel X.Y    kernel version for minKernel rules [running kernel]\n"
               "  -o, --output FILE   output file\n"
               "      --pfc           compile: write the readable PFC dump instead of BPF\n"
               "      --oci           compile: write the resolved profile as OCI JSON instead of BPF\n"
               "      --subset        diff: exit 1 unless B allows nothing that A does not\n"
               "      --make-logging-profile  record: write the logging profile\n"
               "      --base PROFILE  record: the profile to stay within [" HULL_DEFAULT_PROFILE "]\n"
               "      --seen PROFILE  --make-logging-profile: allow the calls PROFILE allows without\n"
               "                      logging them (a recording so far), so a new run logs only the rest\n"
               "      --since TIME    record: records from TIME on: @EPOCH[.MS], EPOCH, or\n"
               "                      YYYY-MM-DD HH:MM[:SS] (local time; UTC with a trailing Z)\n"
               "      --until TIME    record: records up to TIME\n"
               "      --container ID  record: the processes of this Docker container (its SELinux\n"
               "                      label, from " DOCKER_ROOT "/containers/ID/config.v2.json)\n"
               "      --label LABEL   record: processes with this SELinux label (docker inspect\n"
               "                      --format '{{.ProcessLabel}}' ID)\n"
               "      --pid PID       record: this process (the host's PID), also before its execve\n"
               "      --exe PATH      record: processes running PATH (as the container sees it)\n"
               "      --audit-log FILE  record: the log to read [" AUDIT_LOG "]\n"
               "      --docker-root DIR record: Docker's data root [" DOCKER_ROOT "]\n"
               "      --no-notify     record: no SCMP_ACT_NOTIFY rule, every call not recorded is\n"
               "                      refused with EPERM and not logged (a host without Hull's\n"
               "                      seccomp agent)\n"
               "  -h, --help          show this help\n"
               "      --version       show the version\n"
               "\n"
               "Exit status: 0 success, 1 failure (or problems found), 2 usage error.\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_PFC,
                ARG_OCI,
                ARG_SUBSET,
                ARG_MAKE_LOGGING,
                ARG_BASE,
                ARG_SEEN,
                ARG_SINCE,
                ARG_UNTIL,
                ARG_CONTAINER,
                ARG_LABEL,
                ARG_PID,
                ARG_EXE,
                ARG_AUDIT_LOG,
                ARG_DOCKER_ROOT,
                ARG_NO_NOTIFY,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "caps", required_argument, NULL, 'c' },
                { "arch", required_argument, NULL, 'a' },
                { "kernel", required_argument, NULL, 'k' },
                { "output", required_argument, NULL, 'o' },
                { "pfc", no_argument, NULL, ARG_PFC },
                { "oci", no_argument, NULL, ARG_OCI },
                { "subset", no_argument, NULL, ARG_SUBSET },
                { "make-logging-profile", no_argument, NULL, ARG_MAKE_LOGGING },
                { "base", required_argument, NULL, ARG_BASE },
                { "seen", required_argument, NULL, ARG_SEEN },
                { "since", required_argument, NULL, ARG_SINCE },
                { "until", required_argument, NULL, ARG_UNTIL },
                { "container", required_argument, NULL, ARG_CONTAINER },
                { "label", required_argument, NULL, ARG_LABEL },
                { "pid", required_argument, NULL, ARG_PID },
                { "exe", required_argument, NULL, ARG_EXE },
                { "audit-log", required_argument, NULL, ARG_AUDIT_LOG },
                { "docker-root", required_argument, NULL, ARG_DOCKER_ROOT },
                { "no-notify", no_argument, NULL, ARG_NO_NOTIFY },
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
                case ARG_OCI:
                        arg_oci = true;
                        break;
                case ARG_SUBSET:
                        arg_subset = true;
                        break;
                case ARG_MAKE_LOGGING:
                        arg_make_logging = true;
                        break;
                case ARG_BASE:
                        arg_base = optarg;
                        break;
                case ARG_SEEN:
                        arg_seen = optarg;
                        break;
                case ARG_SINCE:
                        arg_since = optarg;
                        break;
                case ARG_UNTIL:
                        arg_until = optarg;
                        break;
                case ARG_DOCKER_ROOT:
                        arg_docker_root = optarg;
                        break;
                case ARG_NO_NOTIFY:
                        arg_notify = false;
                        break;
                case ARG_CONTAINER:
                case ARG_LABEL:
                case ARG_EXE:
                case ARG_AUDIT_LOG: {
                        const char **v = c == ARG_CONTAINER ? arg_containers : c == ARG_LABEL ? arg_labels : c == ARG_EXE ? arg_exes : arg_audit_logs;
                        size_t *n = c == ARG_CONTAINER ? &arg_n_containers : c == ARG_LABEL ? &arg_n_labels : c == ARG_EXE ? &arg_n_exes : &arg_n_audit_logs;
                        if (*n >= RECORD_MAX_VALUES || !optarg[0]) {
                                log_error("Empty value or more than %u values of --%s.", RECORD_MAX_VALUES,
                                          c == ARG_CONTAINER ? "container" : c == ARG_LABEL ? "label" : c == ARG_EXE ? "exe" : "audit-log");
                                return -EINVAL;
                        }
                        v[(*n)++] = optarg;
                        break;
                }
                case ARG_PID: {
                        uint32_t pid;
                        if (arg_n_pids >= RECORD_MAX_VALUES || safe_atou32(optarg, &pid) < 0 || pid == 0 || pid > INT32_MAX) {
                                log_error("Invalid --pid '%s' (or more than %u).", optarg, RECORD_MAX_VALUES);
                                return -EINVAL;
                        }
                        arg_pids[arg_n_pids++] = (pid_t) pid;
                        break;
                }
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
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ struct sock_filter *bpf = NULL;
        const void *out;
        size_t n = 0;
        int r;

        if (arg_n_args != 2 || !arg_output)
                return log_error_errno(-EINVAL, "compile takes one PROFILE and -o FILE."), -EINVAL;
        if (arg_pfc && arg_oci)
                return log_error_errno(-EINVAL, "compile takes --pfc or --oci, not both."), -EINVAL;
        r = load_resolved(arg_args[1], &res);
        if (r < 0)
                return -EIO;
        if (arg_pfc || arg_oci) {
                r = arg_pfc ? emit_pfc(res, &text) : emit_oci(res, &text);
                n = text ? strlen(text) : 0;
                out = text;
        } else {
                r = emit_bpf(res, &bpf, &n);
                out = bpf;
        }
        if (r < 0)
                return log_error_errno(r, "%s: cannot build the filter: %m", arg_args[1]), -EIO;
        r = strcmp(arg_output, "-") == 0 ? loop_write(STDOUT_FILENO, out, n) : write_file_atomic(arg_output, out, n, 0644);
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
        size_t n_notify;
        int r;

        if (arg_n_args < 3)
                return log_error_errno(-EINVAL, "run takes PROFILE -- CMD [ARG...]."), -EINVAL;
        if (load_resolved(arg_args[1], &res) < 0)
                return -EIO;
        /* Nobody reads the listener fd seccomp_load() would open: a notified call would hang
         * until the exec closes it, then fail with ENOSYS. EPERM is what Hull's agent answers. */
        n_notify = resolved_replace_notify(res, SCMP_ACT_ERRNO(EPERM));
        if (n_notify > 0)
                log_warning("%s: no seccomp agent listens to run: its SCMP_ACT_NOTIFY calls (%zu filter rules) get EPERM, unlogged.",
                            arg_args[1], n_notify);
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

static int write_output(const char *text) {
        int r = strcmp(arg_output, "-") == 0 ? loop_write(STDOUT_FILENO, text, strlen(text))
                                             : write_file_atomic(arg_output, text, strlen(text), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", arg_output);
        return 0;
}

/* The kernel logs SECCOMP_RET_LOG only when "log" is in actions_logged. */
static void check_actions_logged(void) {
        _cleanup_free_ char *text = NULL;
        bool found = false;
        char *save = NULL;

        if (read_full_file(ACTIONS_LOGGED, 4096, &text, NULL) < 0)
                return;
        for (char *w = strtok_r(text, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
                found = found || strcmp(w, "log") == 0;
        if (!found)
                log_warning("\"log\" is not in %s: the kernel will not log the calls (echo log >>%s).", ACTIONS_LOGGED, ACTIONS_LOGGED);
}

static int record_logging(const char *base, size_t n) {
        _cleanup_free_ char *out = NULL, *seen = NULL;
        _cleanup_diag_ Diag d = {}, ds = {};
        size_t n_seen = 0;
        int r;

        if (arg_seen) {
                r = read_full_file(arg_seen, PROFILE_MAX_SIZE, &seen, &n_seen);
                if (r < 0)
                        return log_error_errno(r, "Failed to read '%s': %m", arg_seen), -EIO;
        }
        r = record_logging_profile(base, n, seen, n_seen, &d, &ds, &out);
        diag_print(&d, arg_base);
        diag_print(&ds, arg_seen);
        if (r == -EINVAL)
                return log_error_errno(r, "%s: not a profile to record within.", arg_base), -EIO;
        if (r == -EBADMSG)
                return log_error_errno(r, "%s: not a profile.", arg_seen), -EIO;
        if (r < 0)
                return log_error_errno(r, "Failed to make the logging profile: %m"), -EIO;
        if (write_output(out) < 0)
                return -EIO;
        check_actions_logged();
        if (strcmp(arg_output, "-") != 0)
                printf("Wrote %s: %s with every allowed call%s logged (SCMP_ACT_LOG).\n"
                       "Note the time (date +@%%s), run the workload with\n"
                       "  docker run --security-opt seccomp=%s IMAGE ...\n"
                       "then: %s record --since @TIME --container ID -o PROFILE\n",
                       arg_output, arg_base, arg_seen ? " not in the seen profile" : "", arg_output,
                       program_invocation_short_name);
        return 0;
}

/* What record says besides the profile: to stdout, to stderr when the profile goes there. */
static FILE *info_stream(void) {
        return strcmp(arg_output, "-") == 0 ? stderr : stdout;
}

static int get_filter(RecordFilter *f, char ***ret_labels) {
        _cleanup_strv_free_ char **labels = NULL;
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *path = NULL;
        size_t n = 0;
        int r;

        labels = calloc(arg_n_labels + arg_n_containers + 1, sizeof(char *));
        if (!labels)
                return log_oom();
        for (size_t i = 0; i < arg_n_labels; i++)
                if (!(labels[n++] = strdup(arg_labels[i])))
                        return log_oom();
        if (arg_n_containers > 0) {
                if (asprintf(&path, "%s/containers", arg_docker_root) < 0)
                        return log_oom();
                dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (dirfd < 0)
                        return log_error_errno(negative_errno(), "Failed to open '%s': %m", path), -EIO;
        }
        for (size_t i = 0; i < arg_n_containers; i++) {
                _cleanup_free_ char *id = NULL;
                r = docker_container_label(dirfd, arg_containers[i], &id, &labels[n]);
                if (r == -ENOENT)
                        return log_error_errno(r, "No container '%s' in %s (give --label if it was removed).", arg_containers[i], path), -EIO;
                if (r == -ENOTUNIQ)
                        return log_error_errno(r, "'%s' is the start of several container IDs.", arg_containers[i]), -EIO;
                if (r == -ENODATA)
                        return log_error_errno(r, "Container '%s' has no SELinux label (SELinux off, --privileged or label=disable): use --pid or --exe.",
                                               arg_containers[i]), -EIO;
                if (r < 0)
                        return log_error_errno(r, "Failed to read the configuration of container '%s' in %s: %m", arg_containers[i], path), -EIO;
                fprintf(info_stream(), "container %.12s: label %s\n", id, labels[n]);
                n++;
        }
        f->labels = n > 0 ? labels : NULL;
        f->n_labels = n;
        f->pids = arg_n_pids > 0 ? arg_pids : NULL;
        f->n_pids = arg_n_pids;
        f->exes = arg_n_exes > 0 ? (char **) arg_exes : NULL;
        f->n_exes = arg_n_exes;
        *ret_labels = TAKE_PTR(labels);
        return 0;
}

static void format_time(uint64_t ms, char buf[static 32]) {
        time_t t = (time_t) (ms / 1000);
        struct tm tm;
        if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, 32, "@%llu", (unsigned long long) (ms / 1000));
}

static void print_summary(const Recording *rec) {
        FILE *o = info_stream();

        fprintf(o, "%zu lines, %zu SECCOMP records: %zu outside the time window, %zu of other processes, %zu malformed lines\n",
               rec->n_lines, rec->n_seccomp, rec->n_outside_window, rec->n_other_process, rec->n_malformed);
        if (rec->n_linked > 0)
                fprintf(o, "%zu logged calls of the workload's processes before their execve (runc) used\n", rec->n_linked);
        fprintf(o, "%zu different calls logged (allowed by the profile)\n", rec->logged.n);
        for (size_t i = 0; i < rec->refused.n; i++) {
                const RecordedCall *c = &rec->refused.calls[i];
                _cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(c->arch, c->nr);
                fprintf(o, "refused, not recorded: %s (%s %d), %llu time(s)\n", name ?: "?", scmp_arch_to_string(c->arch) ?: "?", c->nr,
                       (unsigned long long) c->count);
        }
}

/* The recorded rule's comment: where its calls came from. */
static int record_comment(const RecordFilter *f, const Recording *rec, char **ret) {
        char first[32], last[32];
        size_t size = 0;
        FILE *m;

        format_time(rec->first_ms, first);
        format_time(rec->last_ms, last);
        m = open_memstream(ret, &size);
        if (!m)
                return -ENOMEM;
        fprintf(m, "recorded by hull-seccomp record: the calls logged from %s to %s", first, last);
        for (size_t i = 0; i < f->n_labels; i++)
                fprintf(m, "%s%s", i == 0 ? " by label " : " or ", f->labels[i]);
        for (size_t i = 0; i < f->n_pids; i++)
                fprintf(m, "%s%d", i == 0 ? " by pid " : ",", (int) f->pids[i]);
        for (size_t i = 0; i < f->n_exes; i++)
                fprintf(m, "%s%s", i == 0 ? " by exe " : " or ", f->exes[i]);
        return fclose(m) == 0 ? 0 : -ENOMEM;
}

static int verb_record(void) {
        _cleanup_free_ char *base = NULL, *out = NULL, *comment = NULL;
        _cleanup_strv_free_ char **labels = NULL;
        _cleanup_(recording_done) Recording rec = {};
        _cleanup_diag_ Diag db = {}, d = {};
        RecordFilter f = {};
        size_t n;
        int r;

        if (arg_n_args != 1 || !arg_output)
                return log_error_errno(-EINVAL, "record takes no operands and needs -o FILE, see --help.");
        if (arg_make_logging &&
            (arg_since || arg_until || arg_n_containers || arg_n_labels || arg_n_pids || arg_n_exes || arg_n_audit_logs))
                return log_error_errno(-EINVAL, "--make-logging-profile takes only --base and -o.");
        if (arg_seen && !arg_make_logging)
                return log_error_errno(-EINVAL, "--seen goes with --make-logging-profile.");
        if (!arg_notify && arg_make_logging)
                return log_error_errno(-EINVAL, "--no-notify goes with record --since, not --make-logging-profile.");
        if (!arg_make_logging && !arg_since)
                return log_error_errno(-EINVAL, "record needs --since TIME (or --make-logging-profile).");
        if (arg_since && parse_audit_time(arg_since, &f.since_ms) < 0)
                return log_error_errno(-EINVAL, "Invalid --since '%s'.", arg_since);
        if (arg_until && parse_audit_time(arg_until, &f.until_ms) < 0)
                return log_error_errno(-EINVAL, "Invalid --until '%s'.", arg_until);
        r = read_full_file(arg_base, PROFILE_MAX_SIZE, &base, &n);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_base), -EIO;
        if (arg_make_logging)
                return record_logging(base, n);

        r = get_filter(&f, &labels);
        if (r < 0)
                return r;
        if (f.n_labels + f.n_pids + f.n_exes == 0)
                log_warning("No --container, --label, --pid or --exe: every logged call in the time window is used.");
        if (arg_n_audit_logs == 0)
                arg_audit_logs[arg_n_audit_logs++] = AUDIT_LOG;
        for (size_t i = 0; i < arg_n_audit_logs; i++) {
                _cleanup_fclose_ FILE *in = NULL;
                _cleanup_diag_ Diag dl = {};

                in = strcmp(arg_audit_logs[i], "-") == 0 ? NULL : fopen(arg_audit_logs[i], "re");
                if (!in && strcmp(arg_audit_logs[i], "-") != 0)
                        return log_error_errno(negative_errno(), "Failed to open '%s': %m", arg_audit_logs[i]), -EIO;
                r = recording_read(&rec, &f, in ?: stdin, &dl);
                diag_print(&dl, arg_audit_logs[i]);
                if (r < 0)
                        return log_error_errno(r, "Failed to read '%s': %m", arg_audit_logs[i]), -EIO;
        }
        r = recording_finish(&rec);
        if (r < 0)
                return log_oom(), -EIO;
        print_summary(&rec);
        if (rec.logged.n == 0)
                return log_error_errno(-ENODATA, "No logged call of the workload since %s: was it run with the logging profile, and is \"log\" in %s?",
                                       arg_since, ACTIONS_LOGGED), -EIO;

        r = record_comment(&f, &rec, &comment);
        if (r < 0)
                return log_oom(), -EIO;
        r = record_profile(base, n, &rec, comment, arg_notify, &db, &d, &out);
        diag_print(&db, arg_base);
        diag_print(&d, arg_output);
        if (r == -EINVAL)
                return log_error_errno(r, "%s: not a profile to record within.", arg_base), -EIO;
        if (r < 0)
                return log_error_errno(r, "Failed to make the profile: %m"), -EIO;
        if (write_output(out) < 0)
                return -EIO;
        if (strcmp(arg_output, "-") != 0)
                printf("Wrote %s. Check that it is within the base:\n  %s diff --subset %s %s\n", arg_output,
                       program_invocation_short_name, arg_base, arg_output);
        if (arg_notify)
                fprintf(info_stream(), "The calls the base allows that were not recorded are SCMP_ACT_NOTIFY: Hull's seccomp agent\n"
                                       "refuses them with EPERM and logs them. Without the agent runc will not start the\n"
                                       "container (\"listenerPath is not set\"): record with --no-notify for such a host.\n");
        return 0;
}

static int run(void) {
        static const struct {
                const char *verb;
                int (*fn)(void);
        } verbs[] = {
                { "validate", verb_validate }, { "compile", verb_compile }, { "diff", verb_diff },
                { "run", verb_run },           { "stats", verb_stats },       { "record", verb_record },
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
