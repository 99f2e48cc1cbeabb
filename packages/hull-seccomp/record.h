/* SPDX-License-Identifier: MIT */
#pragma once

/* Seccomp from evidence: a logging profile derived from a base profile (every call the base
 * allows is allowed and logged, SCMP_ACT_LOG; every call it refuses is still refused), the
 * kernel's SECCOMP audit records of one workload collected from audit.log, and from them a
 * minimal profile that allows only the calls the workload made, within the base. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "auditlog.h"
#include "hull/diag.h"

/* Different (architecture, syscall number) pairs kept at most: a real log has a few hundred. */
#define RECORD_MAX_CALLS 4096U
/* Different (pid, architecture, syscall number) of logged calls of other processes kept until
 * the end, to be linked to the workload's processes. */
#define RECORD_MAX_PENDING 65536U
/* Docker's config.v2.json of a container is read up to this size. */
#define DOCKER_CONFIG_MAX_SIZE (16U * 1024U * 1024U)

/* Which records belong to the workload: all of the given kinds must match; within a kind, any
 * value. No kind given: every record in the time window. */
typedef struct RecordFilter {
        uint64_t since_ms; /* records at or after */
        uint64_t until_ms; /* records at or before; 0: no end */
        char **labels;     /* subj= equal to one of these (the container's SELinux label) */
        size_t n_labels;
        pid_t *pids; /* pid= one of these */
        size_t n_pids;
        char **exes; /* exe= one of these */
        size_t n_exes;
} RecordFilter;

typedef struct RecordedCall {
        pid_t pid; /* in Recording.pending only, else 0 */
        uint32_t arch;
        int nr;
        uint64_t count;
} RecordedCall;

typedef struct CallSet {
        RecordedCall *calls; /* sorted by pid, arch, nr */
        size_t n;
} CallSet;

typedef struct Recording {
        CallSet logged;  /* code=SECCOMP_RET_LOG: allowed and logged, the workload's calls */
        CallSet refused; /* other actions (KILL, or ERRNO with SECCOMP_FILTER_FLAG_LOG): not recorded */
        CallSet pending; /* logged calls of processes the filter did not match (yet) */
        pid_t *pids;     /* the processes the filter matched, sorted */
        size_t n_pids;
        size_t n_lines, n_seccomp, n_malformed, n_outside_window, n_other_process, n_linked, n_dropped;
        uint64_t first_ms, last_ms; /* of the records used */
} Recording;

void recording_done(Recording *rec);

/* After the last line: the logged calls a process made before it matched the filter are the
 * workload's too. runc loads the filter, then runs a few calls and execve() under its own
 * SELinux label and executable; the container's label applies from the execve() on, in the
 * same process (the same pid). */
int recording_finish(Recording *rec);

/* One line of an audit log: a matching SECCOMP record is counted in rec. A malformed line
 * adds a warning to d and is counted. 0 or -ENOMEM. */
int recording_add_line(Recording *rec, const RecordFilter *f, const char *line, size_t len, unsigned lineno, Diag *d);
/* Every line of in; lines longer than AUDIT_LINE_MAX are skipped with a warning. 0, -EIO or
 * -ENOMEM. */
int recording_read(Recording *rec, const RecordFilter *f, FILE *in, Diag *d);

/* The logging profile: base's document with every SCMP_ACT_ALLOW (rules and default action)
 * made SCMP_ACT_LOG, except the names seen (a profile, may be NULL) allows: those stay allowed
 * under the same conditions and are not logged, so a second run logs only what the first run's
 * recording missed. 0 and *ret (pretty JSON text); -EINVAL after adding base's problems to d;
 * -EBADMSG after adding seen's problems to seen_diag; -ENOMEM. */
int record_logging_profile(const char *base, size_t base_len, const char *seen, size_t seen_len, Diag *d,
                           Diag *seen_diag, char **ret);

/* The comment of the rule for runc's calls in a recorded profile with a NOTIFY rule. */
#define RECORD_RUNC_COMMENT                                                                            \
        "not recorded: runc makes these after loading a filter with SCMP_ACT_NOTIFY rules, to hand "   \
        "the notify fd to Hull's seccomp agent"

/* The comment of the recorded profile's SCMP_ACT_NOTIFY rule. */
#define RECORD_NOTIFY_COMMENT                                                                          \
        "allowed by the base profile, not recorded: Hull's seccomp agent refuses each call with EPERM " \
        "and writes an audit record (hull-seccomp record --no-notify: EPERM without a record)"

/* The recorded profile: defaultAction SCMP_ACT_ERRNO (EPERM), base's architectures, one
 * SCMP_ACT_ALLOW rule with the sorted names of the logged calls that base allows without
 * conditions (comment: its "comment" field); with notify, an SCMP_ACT_ALLOW rule with those of
 * close, read and write that were not logged (comment: RECORD_RUNC_COMMENT: runc's init makes
 * them to hand the notify fd over, after it loaded the filter), and one SCMP_ACT_NOTIFY rule with the
 * sorted names base allows without conditions that were not logged, less those three, the names
 * of every base rule that refuses or has conditions and names libseccomp does not know
 * (comment: RECORD_NOTIFY_COMMENT; no rule if no name is left); base's conditional allow rules
 * (arguments, capabilities, arches, kernel) narrowed to the logged calls, and base's refusing
 * rules as they are (clone3's ENOSYS). Logged calls outside base, on architectures base does
 * not name, or unknown to libseccomp are left out with a warning in d. So the result allows
 * nothing base does not, and refuses the same calls with notify as without: Hull's seccomp
 * agent refuses a notified call, and logs it. 0 and *ret; -EINVAL (base's problems in
 * base_diag); -ENOMEM. */
int record_profile(const char *base, size_t base_len, const Recording *rec, const char *comment, bool notify,
                   Diag *base_diag, Diag *d, char **ret);

/* The SELinux label Docker gave a container ("ProcessLabel" in config.v2.json) below
 * containers_dirfd (/var/lib/docker/containers): id is the full ID, a unique prefix of it, or
 * the container's name. 0 and *ret; -ENOENT no such container, -ENOTUNIQ an ambiguous prefix,
 * -ENODATA no label (SELinux off, --privileged or label=disable), -EBADMSG an unreadable
 * config.v2.json, -EFBIG, -ENOMEM, or the errno of reading. *ret_id: the full ID. */
int docker_container_label(int containers_dirfd, const char *id, char **ret_id, char **ret_label);
