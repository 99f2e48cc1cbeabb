/* SPDX-License-Identifier: MIT */
/* The audit-log reader: well-formed SECCOMP records in auditd's RAW and ENRICHED formats, other
 * record types skipped, and every kind of malformed line refused with one warning. */
#include <string.h>

#include "auditlog.h"
#include "hull/tests.h"

#define REC_HEAD "type=SECCOMP msg=audit(1733300000.123:456): "
#define REC_TASK "auid=4294967295 uid=0 gid=0 ses=4294967295 subj=system_u:system_r:container_t:s0:c1,c2 pid=4242 comm=\"sh\" exe=\"/bin/busybox\" "
#define REC_TAIL "sig=0 arch=c000003e syscall=257 compat=0 ip=0x7f1234567890 code=0x7ffc0000"
#define REC REC_HEAD REC_TASK REC_TAIL

static int parse(const char *line, AuditSeccomp *a, Diag *d) {
        return audit_parse_line(line, strlen(line), 7, d, a);
}

static void test_raw(void) {
        AuditSeccomp a = {};
        Diag d = {};

        CHECK_EQ_INT(parse(REC, &a, &d), 1);
        CHECK_EQ_INT(d.n, 0);
        CHECK_EQ_INT(a.time_ms, 1733300000123ULL);
        CHECK_EQ_INT(a.serial, 456);
        CHECK_EQ_INT(a.arch, 0xc000003eU);
        CHECK_EQ_INT(a.syscall, 257);
        CHECK_EQ_INT(a.code, AUDIT_SECCOMP_RET_LOG);
        CHECK_EQ_INT(a.pid, 4242);
        CHECK_STREQ(a.subj, "system_u:system_r:container_t:s0:c1,c2");
        CHECK_STREQ(a.comm, "sh");
        CHECK_STREQ(a.exe, "/bin/busybox");
        audit_seccomp_done(&a);
        diag_clear(&d);
}

static void test_enriched(void) {
        AuditSeccomp a = {};
        Diag d = {};

        /* auditd's ENRICHED format: interpretations after 0x1d, here with a misleading SYSCALL */
        CHECK_EQ_INT(parse("node=host1 " REC "\x1d" "AUID=\"unset\" UID=\"root\" GID=\"root\" ARCH=x86_64 SYSCALL=write syscall=1", &a, &d), 1);
        CHECK_EQ_INT(d.n, 0);
        CHECK_EQ_INT(a.syscall, 257);
        audit_seccomp_done(&a);

        /* no LSM: no subj; hex-encoded comm and exe (a space, a quote); exe=(null) */
        CHECK_EQ_INT(parse(REC_HEAD "auid=0 uid=0 gid=0 ses=1 pid=1 comm=6D7920636F6D6D exe=2F746D702F6122 sig=0 arch=40000003 syscall=5 compat=1 ip=0x1 code=0x0", &a, &d), 1);
        CHECK(a.subj == NULL);
        CHECK_STREQ(a.comm, "my comm");
        CHECK_STREQ(a.exe, "/tmp/a\"");
        CHECK_EQ_INT(a.arch, 0x40000003U);
        CHECK_EQ_INT(a.code, 0);
        audit_seccomp_done(&a);
        CHECK_EQ_INT(parse(REC_HEAD "pid=9 comm=\"kworker\" exe=(null) arch=c000003e syscall=0 code=0x80000000", &a, &d), 1);
        CHECK(a.exe == NULL);
        CHECK_EQ_INT(a.code, 0x80000000U);
        audit_seccomp_done(&a);

        /* an AppArmor label holds a space */
        CHECK_EQ_INT(parse(REC_HEAD "subj=docker-default (enforce) pid=9 arch=c000003e syscall=0 code=0x7ffc0000", &a, &d), 1);
        CHECK_STREQ(a.subj, "docker-default (enforce)");
        audit_seccomp_done(&a);
        CHECK_EQ_INT(d.n, 0);
        diag_clear(&d);
}

static void test_other_types(void) {
        AuditSeccomp a = {};
        Diag d = {};

        CHECK_EQ_INT(parse("type=SYSCALL msg=audit(1733300000.123:457): arch=c000003e syscall=59 success=yes", &a, &d), 0);
        CHECK_EQ_INT(parse("type=SECCOMPX msg=audit(1:2): garbage", &a, &d), 0);
        CHECK_EQ_INT(parse("node=h type=AVC msg=audit(1733300000.123:458): avc:  denied", &a, &d), 0);
        CHECK_EQ_INT(parse("type=EOE msg=audit(1733300000.123:457): ", &a, &d), 0);
        CHECK_EQ_INT(d.n, 0);
        diag_clear(&d);
}

/* Each line is refused with exactly one warning containing the text. */
static void check_malformed(const char *line, size_t len, const char *expect) {
        AuditSeccomp a = {};
        Diag d = {};
        int r = audit_parse_line(line, len, 3, &d, &a);

        if (r != -EINVAL || d.n != 1 || d.n_errors != 0 || !strstr(d.msgs[0], expect) || !strstr(d.msgs[0], "line 3")) {
                fprintf(stderr, "line \"%.80s\": r=%d, %zu messages, expected one warning with \"%s\"%s%s\n", line, r, d.n, expect,
                        d.n ? ", got: " : "", d.n ? d.msgs[0] : "");
                hull_test_failures++;
        }
        audit_seccomp_done(&a);
        diag_clear(&d);
}
#define MALFORMED(line, expect) check_malformed(line, strlen(line), expect)

static void test_malformed(void) {
        static const char nul[] = REC_HEAD "pid=1\0 arch=c000003e syscall=1 code=0x0";
        char *huge;

        MALFORMED("", "not an audit record");
        MALFORMED("hello world", "not an audit record");
        MALFORMED("node=x", "only node=");
        MALFORMED("type=SECCOMP", "without msg=");
        MALFORMED("type=SECCOMP msg=audit(", "msg=audit");
        MALFORMED("type=SECCOMP msg=audit(1733300000.123:456)", "msg=audit");
        MALFORMED("type=SECCOMP msg=audit(1733300000.12:456): pid=1", "msg=audit");
        MALFORMED("type=SECCOMP msg=audit(x.123:456): pid=1", "msg=audit");
        MALFORMED("type=SECCOMP msg=audit(99999999999999999999.123:456): pid=1", "msg=audit");
        /* truncated records */
        MALFORMED(REC_HEAD "auid=4294967295 uid=0 gid=0 ses=4294967295 subj=system_u:system_r:container_t:s0:c1,c2 pid=4242 comm=\"sh",
                  "without arch=");
        MALFORMED(REC_HEAD REC_TASK "sig=0 arch=c000003e syscall=2", "without code=");
        MALFORMED(REC_HEAD REC_TASK "sig=0 arch=c000003e syscall=257 compat=0 ip=0x7f1234567890 code=", "malformed code=");
        MALFORMED(REC_HEAD "pid=1 comm=\"sh arch=c000003e syscall=1 code=0x0", "without arch=");
        /* missing fields */
        MALFORMED(REC_HEAD "arch=c000003e syscall=1 code=0x0", "without pid=");
        MALFORMED(REC_HEAD "pid=1 syscall=1 code=0x0", "without arch=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e code=0x0", "without syscall=");
        /* bad numbers */
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=-1 code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=2147483648 code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=99999999999999999999999 code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=0x10 code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall= code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=+1 code=0x0", "malformed syscall=");
        MALFORMED(REC_HEAD "pid=1 arch=xyz syscall=1 code=0x0", "malformed arch=");
        MALFORMED(REC_HEAD "pid=1 arch=1c000003e syscall=1 code=0x0", "malformed arch=");
        MALFORMED(REC_HEAD "pid=1 arch=0 syscall=1 code=0x0", "malformed arch=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=1 code=7ffc0000", "malformed code=");
        MALFORMED(REC_HEAD "pid=0 arch=c000003e syscall=1 code=0x0", "malformed pid=");
        MALFORMED(REC_HEAD "pid=-5 arch=c000003e syscall=1 code=0x0", "malformed pid=");
        MALFORMED(REC_HEAD "pid=4294967296 arch=c000003e syscall=1 code=0x0", "malformed pid=");
        /* strings */
        MALFORMED(REC_HEAD "pid=1 comm=ABC arch=c000003e syscall=1 code=0x0", "malformed comm=");
        MALFORMED(REC_HEAD "pid=1 comm=ZZ arch=c000003e syscall=1 code=0x0", "malformed comm=");
        MALFORMED(REC_HEAD "pid=1 comm=4100 arch=c000003e syscall=1 code=0x0", "malformed comm=");
        MALFORMED(REC_HEAD "pid=1 exe=\"/bin/sh\"x arch=c000003e syscall=1 code=0x0", "quoted value");
        MALFORMED(REC_HEAD "pid=1 subj= arch=c000003e syscall=1 code=0x0", "empty subj=");
        MALFORMED(REC_HEAD "pid=1 arch=c000003e syscall=1 syscall=2 code=0x0", "given twice");
        MALFORMED(REC_HEAD "(enforce) pid=1 arch=c000003e syscall=1 code=0x0", "without \"=\"");
        /* NUL bytes, huge lines */
        check_malformed(nul, sizeof(nul) - 1, "NUL byte");
        huge = malloc(AUDIT_LINE_MAX + 2);
        CHECK(huge != NULL);
        if (huge) {
                memset(huge, 'a', AUDIT_LINE_MAX + 1);
                memcpy(huge, REC, strlen(REC));
                huge[AUDIT_LINE_MAX + 1] = 0;
                MALFORMED(huge, "at most");
                free(huge);
        }
}

static void test_time(void) {
        uint64_t t = 0;

        CHECK_EQ_INT(parse_audit_time("1733300000", &t), 0);
        CHECK_EQ_INT(t, 1733300000000ULL);
        CHECK_EQ_INT(parse_audit_time("@1733300000.5", &t), 0);
        CHECK_EQ_INT(t, 1733300000500ULL);
        CHECK_EQ_INT(parse_audit_time("@1733300000.123", &t), 0);
        CHECK_EQ_INT(t, 1733300000123ULL);
        CHECK_EQ_INT(parse_audit_time("2024-12-04 08:13:20Z", &t), 0);
        CHECK_EQ_INT(t, 1733300000000ULL);
        CHECK_EQ_INT(parse_audit_time("2024-12-04T08:13Z", &t), 0);
        CHECK_EQ_INT(t, 1733299980000ULL);
        CHECK_EQ_INT(parse_audit_time("2024-12-04 08:13:20", &t), 0); /* local time */
        CHECK_EQ_INT(parse_audit_time("", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("@", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("@1.1234", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("1.5", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("-5", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("2024-12-04", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("2024-12-04 08:13:20+01", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("yesterday", &t), -EINVAL);
        CHECK_EQ_INT(parse_audit_time("99999999999999999999", &t), -EINVAL);
}

int main(void) {
        test_raw();
        test_enriched();
        test_other_types();
        test_malformed();
        test_time();
        return TEST_RETURN();
}
