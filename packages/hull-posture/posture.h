/* SPDX-License-Identifier: MIT */
#pragma once

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hull/capability.h"
#include "hull/macro.h"

/* Where a check looks: every path it reads is read below root ("/" on a host; the unit tests
 * point it at a fixture tree). */
typedef struct CheckContext {
        const char *root;
} CheckContext;

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
