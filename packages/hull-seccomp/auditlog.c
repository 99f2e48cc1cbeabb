/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditlog.h"
#include "hull/macro.h"
#include "hull/parse.h"

#define AUDIT_INTERP_SEPARATOR 0x1d /* libaudit.h */

void audit_seccomp_done(AuditSeccomp *a) {
        free(a->subj);
        free(a->comm);
        free(a->exe);
        *a = (AuditSeccomp) {};
}

static bool startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* 1 to 8 hex digits (after "0x" when prefixed) into a 32-bit value. */
static int parse_hex32(const char *s, bool prefixed, uint32_t *ret) {
        uint32_t v = 0;
        size_t n;

        if (prefixed) {
                if (!startswith(s, "0x"))
                        return -EINVAL;
                s += 2;
        }
        n = strlen(s);
        if (n == 0 || n > 8)
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                int k = unhexchar(s[i]);
                if (k < 0)
                        return -EINVAL;
                v = v << 4 | (uint32_t) k;
        }
        *ret = v;
        return 0;
}

/* A string the kernel logged with audit_log_untrustedstring(): "text" when it has no control
 * characters, spaces or quotes, else its bytes in hex. NULL for exe's "(null)". */
static int decode_untrusted(const char *v, bool null_ok, char **ret) {
        size_t n = strlen(v);
        char *s;

        if (null_ok && strcmp(v, "(null)") == 0) {
                *ret = NULL;
                return 0;
        }
        if (v[0] == '"') {
                if (n < 2 || v[n - 1] != '"' || memchr(v + 1, '"', n - 2))
                        return -EINVAL;
                s = strndup(v + 1, n - 2);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        if (n == 0 || n % 2 != 0)
                return -EINVAL;
        s = malloc(n / 2 + 1);
        if (!s)
                return -ENOMEM;
        if (unhexmem(v, n / 2, (uint8_t *) s) < 0 || memchr(s, 0, n / 2)) {
                free(s);
                return -EINVAL;
        }
        s[n / 2] = 0;
        *ret = s;
        return 0;
}

/* "audit(SECONDS.MMM:SERIAL):" as printed by audit_log_start(). p is advanced past it. */
static int parse_stamp(char **p, uint64_t *ret_ms, uint64_t *ret_serial) {
        char *s = *p, *dot, *colon, *close;
        uint64_t sec, ms, serial;

        if (!startswith(s, "audit("))
                return -EINVAL;
        s += 6;
        close = strchr(s, ')');
        if (!close || close[1] != ':')
                return -EINVAL;
        *close = 0;
        dot = strchr(s, '.');
        colon = strchr(s, ':');
        if (!dot || !colon || colon < dot || colon - dot != 4)
                return -EINVAL;
        *dot = *colon = 0;
        if (safe_atou64(s, &sec) < 0 || safe_atou64(dot + 1, &ms) < 0 || safe_atou64(colon + 1, &serial) < 0 ||
            sec > UINT64_MAX / 1000 - 1)
                return -EINVAL;
        *ret_ms = sec * 1000 + ms;
        *ret_serial = serial;
        *p = close + 2;
        return 0;
}

/* The end of the value that starts at v: a quoted value ends at its closing quote; an unquoted
 * one at the first space followed by a word with "=" in it (an AppArmor label such as
 * "docker-default (enforce)" holds spaces), or at the end. */
static char *value_end(char *v) {
        if (*v == '"') {
                char *q = strchr(v + 1, '"');
                return q ? q + 1 : v + strlen(v);
        }
        for (char *s = v;; s++) {
                if (*s == 0)
                        return s;
                if (*s == ' ') {
                        size_t w = strcspn(s + 1, " ");
                        if (memchr(s + 1, '=', w))
                                return s;
                }
        }
}

enum { F_ARCH, F_SYSCALL, F_CODE, F_PID, F_SUBJ, F_COMM, F_EXE, _F_MAX };
static const char *const field_names[_F_MAX] = { "arch", "syscall", "code", "pid", "subj", "comm", "exe" };

static int split_fields(char *s, char *fields[static _F_MAX], const char **ret_problem) {
        while (*s) {
                char *key, *eq, *end;
                int f = -1;

                if (*s == ' ') {
                        s++;
                        continue;
                }
                key = s;
                eq = key + strcspn(key, "= ");
                if (*eq != '=') {
                        *ret_problem = "a word without \"=\" where a field was expected";
                        return -EINVAL;
                }
                *eq = 0;
                end = value_end(eq + 1);
                if (*end == ' ')
                        *end++ = 0;
                else if (*end != 0) {
                        *ret_problem = "a quoted value followed by more text";
                        return -EINVAL;
                }
                for (int i = 0; i < _F_MAX; i++)
                        if (strcmp(key, field_names[i]) == 0)
                                f = i;
                if (f >= 0) {
                        if (fields[f]) {
                                *ret_problem = "a field given twice";
                                return -EINVAL;
                        }
                        fields[f] = eq + 1;
                }
                s = end;
        }
        return 0;
}

#define MALFORMED(...)                                                                      \
        ({                                                                                  \
                diag_warning(d, where, __VA_ARGS__);                                        \
                -EINVAL;                                                                    \
        })

int audit_parse_line(const char *line, size_t len, unsigned lineno, Diag *d, AuditSeccomp *ret) {
        _cleanup_(audit_seccomp_done) AuditSeccomp a = {};
        _cleanup_free_ char *copy = NULL;
        char *fields[_F_MAX] = {}, *p, *type_end, where[32];
        const char *gs, *problem = NULL;
        uint32_t pid;
        int64_t nr;
        int r;

        snprintf(where, sizeof(where), "line %u", lineno);
        if (len > AUDIT_LINE_MAX)
                return MALFORMED("line is %zu bytes, at most %u allowed", len, AUDIT_LINE_MAX);
        if (memchr(line, 0, len))
                return MALFORMED("NUL byte in the line");
        gs = memchr(line, AUDIT_INTERP_SEPARATOR, len);
        copy = strndup(line, gs ? (size_t) (gs - line) : len);
        if (!copy)
                return -ENOMEM;

        p = copy;
        if (startswith(p, "node=")) {
                p = strchr(p, ' ');
                if (!p)
                        return MALFORMED("not an audit record (only node=)");
                p++;
        }
        if (!startswith(p, "type="))
                return MALFORMED("not an audit record (no type=)");
        p += 5;
        type_end = p + strcspn(p, " ");
        if ((size_t) (type_end - p) != STRLEN("SECCOMP") || !startswith(p, "SECCOMP"))
                return 0;

        p = type_end;
        if (!startswith(p, " msg="))
                return MALFORMED("SECCOMP record without msg=audit(...)");
        p += 5;
        if (parse_stamp(&p, &a.time_ms, &a.serial) < 0)
                return MALFORMED("SECCOMP record with a malformed msg=audit(SECONDS.MILLIS:SERIAL)");
        if (split_fields(p, fields, &problem) < 0)
                return MALFORMED("SECCOMP record with %s", problem);
        for (int i = 0; i <= F_PID; i++)
                if (!fields[i])
                        return MALFORMED("SECCOMP record without %s=", field_names[i]);

        if (parse_hex32(fields[F_ARCH], false, &a.arch) < 0 || a.arch == 0)
                return MALFORMED("SECCOMP record with a malformed arch=%.32s", fields[F_ARCH]);
        if (safe_atoi64(fields[F_SYSCALL], &nr) < 0 || nr < 0 || nr > INT_MAX)
                return MALFORMED("SECCOMP record with a malformed syscall=%.32s", fields[F_SYSCALL]);
        a.syscall = (int) nr;
        if (parse_hex32(fields[F_CODE], true, &a.code) < 0)
                return MALFORMED("SECCOMP record with a malformed code=%.32s", fields[F_CODE]);
        if (safe_atou32(fields[F_PID], &pid) < 0 || pid == 0 || pid > INT_MAX)
                return MALFORMED("SECCOMP record with a malformed pid=%.32s", fields[F_PID]);
        a.pid = (pid_t) pid;

        if (fields[F_SUBJ]) {
                if (fields[F_SUBJ][0] == 0)
                        return MALFORMED("SECCOMP record with an empty subj=");
                a.subj = strdup(fields[F_SUBJ]);
                if (!a.subj)
                        return -ENOMEM;
        }
        if (fields[F_COMM]) {
                r = decode_untrusted(fields[F_COMM], false, &a.comm);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return MALFORMED("SECCOMP record with a malformed comm=");
        }
        if (fields[F_EXE]) {
                r = decode_untrusted(fields[F_EXE], true, &a.exe);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return MALFORMED("SECCOMP record with a malformed exe=");
        }
        *ret = a;
        a = (AuditSeccomp) {};
        return 1;
}

int parse_audit_time(const char *s, uint64_t *ret_ms) {
        struct tm tm = {};
        const char *e;
        uint64_t sec, ms = 0;
        time_t t;

        if (!s || !*s)
                return -EINVAL;
        if (s[0] == '@' || isdigit((unsigned char) s[0])) {
                _cleanup_free_ char *copy = strdup(s + (s[0] == '@'));
                char *dot;

                if (!copy)
                        return -ENOMEM;
                dot = strchr(copy, '.');
                if (dot) {
                        size_t n = strlen(dot + 1);
                        if (s[0] != '@' || n == 0 || n > 3 || strspn(dot + 1, "0123456789") != n)
                                return -EINVAL;
                        *dot = 0;
                        ms = strtoull(dot + 1, NULL, 10);
                        for (; n < 3; n++)
                                ms *= 10;
                }
                /* a plain number is seconds, but "2026-12-04" also starts with a digit */
                if (safe_atou64(copy, &sec) == 0) {
                        if (sec > UINT64_MAX / 1000 - 1)
                                return -EINVAL;
                        *ret_ms = sec * 1000 + ms;
                        return 0;
                }
                if (s[0] == '@')
                        return -EINVAL;
        }
        e = strptime(s, "%Y-%m-%d", &tm);
        if (!e || (*e != ' ' && *e != 'T'))
                return -EINVAL;
        e = strptime(e + 1, "%H:%M", &tm);
        if (e && *e == ':')
                e = strptime(e + 1, "%S", &tm);
        if (!e)
                return -EINVAL;
        if (strcmp(e, "Z") == 0)
                t = timegm(&tm);
        else if (*e == 0) {
                tm.tm_isdst = -1;
                t = mktime(&tm);
        } else
                return -EINVAL;
        if (t < 0)
                return -EINVAL;
        *ret_ms = (uint64_t) t * 1000;
        return 0;
}
