/* SPDX-License-Identifier: MIT */
#pragma once

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "hull/capability.h"
#include "hull/diag.h"
#include "hull/macro.h"

/* What the kernel's audit subsystem reports. On a host audit-netlink.c asks it over the audit
 * netlink socket (the one thing hull-posture reads that is not a file); the unit tests give
 * fixtures instead. Both return a negative errno when they cannot ask. */
typedef struct AuditStatus {
        uint32_t enabled; /* 0 off, 1 on, 2 on and locked (-e 2) */
        uint32_t pid;     /* the registered audit daemon, 0 if none */
} AuditStatus;
typedef struct AuditSource {
        int (*status)(AuditStatus *ret);
        /* The filter keys of the loaded rules, a rule's several keys split: a NULL-terminated
         * array to free with strv_free. */
        int (*keys)(char ***ret);
} AuditSource;
extern const AuditSource audit_netlink;

/* Where a check looks: every path it reads is read below root ("/" on a host; the unit tests
 * point it at a fixture tree). now is the time checks compare ages with (0: the clock), audit
 * the kernel's audit subsystem (NULL: audit_netlink). */
typedef struct CheckContext {
        const char *root;
        time_t now;
        const AuditSource *audit;
} CheckContext;
static inline time_t context_now(const CheckContext *ctx) {
        return ctx && ctx->now > 0 ? ctx->now : time(NULL);
}

/* A check returns 1 (pass) or 0 (fail) with *ret_evidence saying what it read, or a negative
 * errno if it could not look (*ret_evidence then says what it tried). *ret_evidence is one
 * line; it may be NULL only when memory ran out. */
typedef int (*check_fn)(const CheckContext *ctx, char **ret_evidence);

typedef enum Severity {
        SEVERITY_REQUIRED,
        SEVERITY_RECOMMENDED,
} Severity;

typedef enum CheckResult {
        RESULT_PASS,
        RESULT_FAIL,
        RESULT_ERROR,
} CheckResult;

typedef struct Check {
        const char *id;        /* dotted and stable: "selinux.enforcing" */
        const char *title;
        Severity severity;
        const char *reference; /* "CIS-Docker 2.14", or "Hull" for Hull's own promises */
        check_fn fn;
} Check;

extern const Check posture_checks[];
extern const size_t posture_checks_count;
const Check *check_find(const char *id);

const char *severity_to_string(Severity s);
const char *result_to_string(CheckResult r);
static inline CheckResult result_from(int r) {
        return r > 0 ? RESULT_PASS : r == 0 ? RESULT_FAIL : RESULT_ERROR;
}

/* One row of the report, the evidence already made one printable line. */
typedef struct Outcome {
        const Check *check;
        CheckResult result;
        char *evidence;
} Outcome;

/* Runs one check and turns its return into an Outcome (an error's evidence gets ": <strerror>"). */
int check_run(const Check *c, const CheckContext *ctx, Outcome *ret);
void outcome_done(Outcome *o);
/* True when every required check in the list passed. */
bool required_passed(const Outcome *o, size_t n);
/* The people's table and the JSON document (schema in README.md). */
void report_table(FILE *f, const Outcome *o, size_t n);
int report_json(FILE *f, const Outcome *o, size_t n);

/* Helpers for checks (util.c). */
_printf_(3, 4) int say(char **ret_evidence, int result, const char *fmt, ...);
/* root + path, with exactly one '/' between them. */
int root_path(const CheckContext *ctx, const char *path, char **ret);
/* Reads a file below root, at most max bytes. */
int root_read(const CheckContext *ctx, const char *path, size_t max, char **ret, size_t *ret_size);
/* The file's first line, without the newline, trailing white space and NULs (proc files end in
 * them), at most 4 KiB. */
int root_read_line(const CheckContext *ctx, const char *path, char **ret);
/* Control characters and bytes above 0x7e become '?', in place. */
void sanitize_line(char *s);

/* Appends a copy of s to the NULL-terminated array *l of *n strings (*l may be NULL). */
int strv_push(char ***l, size_t *n, const char *s);
bool strv_contains(char *const *l, const char *s);

/* A list of offenders for evidence: "a; b; c (+4 more)". At most max are shown (0: 8). */
#define OFFENDERS_SHOWN 8U
typedef struct Offenders {
        size_t max;
        char *text;
        size_t len;
        size_t count;
        FILE *f;
} Offenders;
_printf_(2, 3) int offenders_add(Offenders *o, const char *fmt, ...);
/* The text so far ("" if none), with the "(+N more)" tail; valid until offenders_done. */
const char *offenders_text(Offenders *o);
void offenders_done(Offenders *o);
#define _cleanup_offenders_ _cleanup_(offenders_done)

/* The checks, one function each (checks-*.c). */
int check_selinux_enforcing(const CheckContext *ctx, char **ret);
int check_selinux_policy(const CheckContext *ctx, char **ret);
int check_usr_verity(const CheckContext *ctx, char **ret);
int check_kernel_lockdown(const CheckContext *ctx, char **ret);
int check_kernel_sysctl(const CheckContext *ctx, char **ret);
int check_kernel_cmdline(const CheckContext *ctx, char **ret);
int check_boot_secureboot(const CheckContext *ctx, char **ret);
int check_update_blessed(const CheckContext *ctx, char **ret);
int check_docker_seccomp(const CheckContext *ctx, char **ret);
int check_docker_no_new_privileges(const CheckContext *ctx, char **ret);
int check_docker_icc(const CheckContext *ctx, char **ret);
int check_docker_userland_proxy(const CheckContext *ctx, char **ret);
int check_docker_live_restore(const CheckContext *ctx, char **ret);
int check_docker_insecure_registries(const CheckContext *ctx, char **ret);
int check_docker_tcp_socket(const CheckContext *ctx, char **ret);
int check_docker_socket(const CheckContext *ctx, char **ret);
int check_containers_seccomp(const CheckContext *ctx, char **ret);
int check_containers_no_new_privs(const CheckContext *ctx, char **ret);
int check_containers_capabilities(const CheckContext *ctx, char **ret);
int check_containers_selinux(const CheckContext *ctx, char **ret);
int check_containers_privileged(const CheckContext *ctx, char **ret);
int check_containers_host_pid(const CheckContext *ctx, char **ret);
int check_containers_host_network(const CheckContext *ctx, char **ret);
int check_containers_host_ipc(const CheckContext *ctx, char **ret);
int check_containers_host_uts(const CheckContext *ctx, char **ret);
int check_containers_docker_sock(const CheckContext *ctx, char **ret);
int check_files_setuid(const CheckContext *ctx, char **ret);
int check_files_setuid_var(const CheckContext *ctx, char **ret);
int check_files_world_writable(const CheckContext *ctx, char **ret);
int check_ssh_root_login(const CheckContext *ctx, char **ret);
int check_ssh_passwords(const CheckContext *ctx, char **ret);

/* Parsers behind the checks, exposed for the unit tests. */
/* The last mount of mount_point in /proc/PID/mountinfo text (the one on top): its device and
 * whether it is read-only (per mount or per super block). -ENOENT if there is none, -EBADMSG
 * for a line that does not parse. */
int mountinfo_find(const char *text, const char *mount_point, unsigned *ret_major, unsigned *ret_minor,
                   bool *ret_ro);
/* Splits a kernel command line into its parameters (double quotes group, as the kernel does;
 * everything after "--" is init's). Returns the count; *ret is a NULL-terminated array to free
 * with strv_free. */
int cmdline_split(const char *line, char ***ret);
/* The kernel's kstrtobool: 1 for y/Y/1/on, 0 for n/N/0/off, -EINVAL otherwise. */
int kernel_bool(const char *s);
/* An EFI variable's data (after its 4 attribute bytes) as UTF-16LE text → ASCII, up to the first
 * NUL. -EBADMSG if shorter than the attributes, odd, or not printable ASCII. */
int efivar_ascii(const char *data, size_t size, char **ret);
/* A boot entry's file name without its boot counter ("hull_1.2+3-0.efi" → "hull_1.2.efi").
 * Returns 1 if it had one, 0 if not (*ret is a copy either way). */
int boot_entry_strip_counter(const char *name, char **ret);
/* The capabilities a container keeps on Hull by default: Docker's 14 minus the 4 hull-runtime
 * removes (NET_RAW, MKNOD, AUDIT_WRITE, SETPCAP), from libhull's one table. */
#define HULL_CONTAINER_CAPS (CAPSET_DOCKER_DEFAULT & ~CAPSET_HULL_DROPPED)
/* The value of "Key:\t..." in /proc/PID/status text, without leading white space. -ENOENT if the
 * key is missing. ret points into a copy the caller frees. */
int status_field(const char *text, const char *key, char **ret);
/* 1 if an SELinux MCS level names exactly two different categories ("s0:c12,c345"), else 0. */
int level_has_two_categories(const char *level);
/* The value sshd uses for keyword (or one of its aliases, NULL-terminated): the first one in
 * /etc/ssh/sshd_config with its Include files read in place, outside Match blocks. 1 with
 * *ret_value and *ret_where ("/etc/ssh/sshd_config.d/10-hull.conf:5"), 0 if not set, -ENOENT
 * without sshd_config, other negative errnos. */
int sshd_value(const CheckContext *ctx, const char *const *keywords, char **ret_value, char **ret_where);

/* Audit (checks-audit.c). */
int check_audit_auditd(const CheckContext *ctx, char **ret);
int check_audit_rules(const CheckContext *ctx, char **ret);
int check_audit_immutable(const CheckContext *ctx, char **ret);
int check_selinux_avc(const CheckContext *ctx, char **ret);
/* The keys of the rules in one audit rules file (auditctl syntax): "-k NAME" (or "-kNAME") and
 * "-F key=NAME" on -a/-A/-w lines; comments, blank lines, -D/-b/-f/-e/-d/-W lines have none.
 * Each key new to *keys is appended with "path:line" to *wheres (both of *n entries). 0 or
 * -ENOMEM; lines it does not understand are skipped (auditctl refuses them when loading). */
int audit_rules_keys(const char *text, const char *path, char ***keys, char ***wheres, size_t *n);
/* The filter keys of one struct audit_rule_data as the kernel sends it for AUDIT_LIST_RULES
 * (size bytes), appended to *keys (several keys of one rule split at \001). 0, -EBADMSG when
 * the record is shorter than its fields say, -ENOMEM. */
int audit_rule_data_keys(const void *data, size_t size, char ***keys, size_t *n);
/* The time of an audit record line, "... msg=audit(1700000000.123:42): ...": its seconds. 0 or
 * -EBADMSG. */
int audit_record_time(const char *line, uint64_t *ret_sec);
/* One "[node=N ]type=AVC ... avc:  denied  { read write } for ... scontext=A tcontext=B tclass=C" line:
 * 1 and *ret filled (each field "?" when the line lacks it), 0 for any other record
 * (granted AVCs included), -EBADMSG for an AVC denial without a time, -ENOMEM. */
typedef struct AvcDenial {
        uint64_t time;
        char *permission, *scontext, *tcontext, *tclass;
} AvcDenial;
int avc_denial_parse(const char *line, AvcDenial *ret);
void avc_denial_done(AvcDenial *a);
/* btime (boot time, seconds since the epoch) from /proc/stat text. 0 or -EBADMSG. */
int proc_stat_btime(const char *text, uint64_t *ret);

/* Kernel log, modules (checks-kernel.c). */
int check_usr_verity_errors(const CheckContext *ctx, char **ret);
int check_kernel_modules(const CheckContext *ctx, char **ret);
/* Kernel log records as /dev/kmsg gives them ("PRI,SEQ,USEC,FLAGS;message", continuation lines
 * start with a space): the number of dm-verity corruption messages, the first of them copied
 * to *ret_first (may be NULL), the sequence number of the first record (*ret_first_seq, or
 * UINT64_MAX without any) and the number of records. Lines that do not parse are skipped. */
typedef struct KmsgScan {
        size_t records, errors;
        uint64_t first_seq;
        char *first_error;
} KmsgScan;
int kmsg_scan_verity(const char *text, size_t size, KmsgScan *ret);

/* sudo (checks-sudo.c). */
int check_sudo_rules(const CheckContext *ctx, char **ret);
/* Scans sudoers text from path (for "file:line" and relative includes) and, through root, the
 * files it includes, adding each NOPASSWD: ALL rule for a user other than Hull's own ("%sudo",
 * and root) and each Defaults !authenticate to bad, and Hull's own rule to *allowed ("file:line",
 * the first one). 0 or a negative errno (-ENOMEM, -ELOOP for includes nested too deep). */
int sudoers_scan(const CheckContext *ctx, const char *text, const char *path, unsigned depth, Offenders *bad,
                 char **allowed);

/* Updates (checks-update.c). */
int check_update_check_age(const CheckContext *ctx, char **ret);
/* hull-update's /var/lib/hull/update.json: what the check needs. Missing members read as empty
 * (0, ""); members of the wrong type and text that is not one JSON object are -EINVAL with
 * the problem in d. */
typedef struct UpdateStateInfo {
        char result[16];
        int64_t started, finished; /* update.json: the last update attempt */
        int64_t time;              /* last-check.json: the last unattended check */
} UpdateStateInfo;
#define UPDATE_STATE_MAX 65536U
int update_state_parse(const char *text, size_t size, Diag *d, UpdateStateInfo *ret);
