/* SPDX-License-Identifier: MIT */
#pragma once

/* The kernel's seccomp audit records (AUDIT_SECCOMP, "type=SECCOMP") as auditd writes them to
 * /var/log/audit/audit.log, one record a line:
 *
 *   type=SECCOMP msg=audit(1733300000.123:456): auid=4294967295 uid=0 gid=0 ses=4294967295
 *     subj=system_u:system_r:container_t:s0:c1,c2 pid=4242 comm="sh" exe="/bin/busybox" sig=0
 *     arch=c000003e syscall=257 compat=0 ip=0x7f... code=0x7ffc0000
 *
 * (kernel/auditsc.c: audit_seccomp() and audit_log_task()), optionally after "node=NAME " and,
 * in auditd's ENRICHED log format, followed by 0x1d (AUDIT_INTERP_SEPARATOR) and the
 * interpreted fields (AUID="root" ... ARCH=x86_64 SYSCALL=openat), which are not read here.
 * The parser works on one line in memory and does no I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hull/diag.h"

/* auditd's records are at most MAX_AUDIT_MESSAGE_LENGTH (8970) bytes plus the interpretation;
 * a longer line is refused, not truncated. */
#define AUDIT_LINE_MAX 16384U

/* The seccomp action in code= (SECCOMP_RET_ACTION_FULL: the data bits are not logged). */
#define AUDIT_SECCOMP_RET_LOG 0x7ffc0000U

typedef struct AuditSeccomp {
        uint64_t time_ms; /* msg=audit(SECONDS.MILLIS:SERIAL), milliseconds since the epoch */
        uint64_t serial;
        uint32_t arch;  /* AUDIT_ARCH_*, which is libseccomp's SCMP_ARCH_* token */
        int syscall;    /* the number on arch */
        uint32_t code;  /* the action taken */
        pid_t pid;      /* the thread group (process) id in the initial PID namespace */
        char *subj;     /* the LSM label; NULL without an LSM */
        char *comm;     /* decoded from "..." or hex; NULL if absent */
        char *exe;      /* decoded, as the process sees its root; NULL for exe=(null) */
} AuditSeccomp;

void audit_seccomp_done(AuditSeccomp *a);

/* One line of an audit log (len bytes, no newline, need not be NUL-terminated). 1 and *ret for
 * a well-formed SECCOMP record; 0 for another record type (ret untouched); -EINVAL after adding
 * "line N: reason" to d as a warning for a line that is no audit record or a malformed SECCOMP
 * record; -ENOMEM. */
int audit_parse_line(const char *line, size_t len, unsigned lineno, Diag *d, AuditSeccomp *ret);

/* "1733300000", "@1733300000[.123]", "2026-12-04 08:00[:00]" (local time) or the same with
 * "T" and/or a trailing "Z" (UTC): milliseconds since the epoch. 0 or -EINVAL. */
int parse_audit_time(const char *s, uint64_t *ret_ms);
