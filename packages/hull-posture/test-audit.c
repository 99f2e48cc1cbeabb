/* SPDX-License-Identifier: MIT */
/* Audit: rule keys from rules files (Hull's own and malformed ones), the kernel's rule records,
 * the three audit checks against a fake kernel, and AVC denials in fixture audit logs. */
#include <linux/audit.h>

#include "testutil.h"

/* The fake kernel. */
static int fake_status_r;
static AuditStatus fake_status;
static const char *const *fake_keys;
static int fake_keys_r;

static int fake_get_status(AuditStatus *ret) {
        if (fake_status_r < 0)
                return fake_status_r;
        *ret = fake_status;
        return 0;
}

static int fake_get_keys(char ***ret) {
        char **l = NULL;
        size_t n = 0;

        if (fake_keys_r < 0)
                return fake_keys_r;
        for (const char *const *k = fake_keys; k && *k; k++)
                if (strv_push(&l, &n, *k) < 0)
                        abort();
        if (!l)
                l = calloc(1, sizeof(char *));
        *ret = l;
        return 0;
}

static const AuditSource fake = { .status = fake_get_status, .keys = fake_get_keys };

static const char *const hull_keys[] = { "docker", "identity", "scope", "MAC-policy", "auditconfig",
                                         "audittools", "modules", "kexec", "rootcmd", NULL };

static void test_rules_keys(void) {
        char **keys = NULL, **wheres = NULL;
        size_t n = 0;

        CHECK_EQ_INT(audit_rules_keys("## comment -k no\n"
                                      "-D\n-b 8192\n-e 2\n"
                                      "-w /etc/passwd -p wa -k identity\n"
                                      "  -a always,exit -F arch=b64 -S init_module -F key=modules\n"
                                      "-a always,exit -S kexec_load -kkexec\n"
                                      "-A exclude,always -F msgtype=CWD -Fkey=quiet\n"
                                      "-w /etc/shadow -p wa -k identity\n"      /* again: one entry */
                                      "-W /etc/gone -k deleted\n"               /* a deletion */
                                      "-d always,exit -S open -k deleted-too\n" /* a deletion */
                                      "-w /x -k\n"                              /* no value */
                                      "-a always,exit -F\n"                     /* no field */
                                      "-a always,exit -F arch=b64 -S open -k a -k b\r\n"
                                      "garbage -k nope\n\n\t\n",
                                      "r.rules", &keys, &wheres, &n),
                     0);
        CHECK_EQ_INT(n, 6);
        CHECK_STREQ(keys[0], "identity");
        CHECK_STREQ(wheres[0], "r.rules:5");
        CHECK_STREQ(keys[1], "modules");
        CHECK_STREQ(keys[2], "kexec");
        CHECK_STREQ(keys[3], "quiet");
        CHECK_STREQ(keys[4], "a");
        CHECK_STREQ(keys[5], "b");
        CHECK_STREQ(wheres[5], "r.rules:14");
        CHECK(keys[6] == NULL && wheres[6] == NULL);
        strv_free(keys);
        strv_free(wheres);
        keys = wheres = NULL;
        n = 0;
        CHECK_EQ_INT(audit_rules_keys("", "e.rules", &keys, &wheres, &n), 0);
        CHECK_EQ_INT(audit_rules_keys("-k\n-w\n-F key=\n-a -F key=", "e.rules", &keys, &wheres, &n), 0);
        CHECK_EQ_INT(n, 0);
        CHECK(keys == NULL);
}

/* A struct audit_rule_data with the given fields; strings packed into buf in order. */
static size_t rule_data(uint8_t *out, size_t out_size, size_t nf, const uint32_t *fields, const char *const *strings,
                        const uint32_t *values) {
        struct audit_rule_data rd = { .field_count = (uint32_t) nf };
        size_t off = 0;

        for (size_t i = 0; i < nf; i++) {
                rd.fields[i] = fields[i];
                if (strings[i]) {
                        size_t l = strlen(strings[i]);
                        rd.values[i] = (uint32_t) l;
                        memcpy(out + sizeof(rd) + off, strings[i], l);
                        off += l;
                } else
                        rd.values[i] = values[i];
        }
        rd.buflen = (uint32_t) off;
        memcpy(out, &rd, sizeof(rd));
        CHECK(sizeof(rd) + off <= out_size);
        return sizeof(rd) + off;
}

static void test_rule_data(void) {
        static uint8_t buf[8192];
        const uint32_t f1[] = { AUDIT_ARCH, AUDIT_WATCH, AUDIT_PERM, AUDIT_SUBJ_TYPE, AUDIT_FILTERKEY };
        const char *s1[] = { NULL, "/etc/passwd", NULL, "sshd_t", "identity\001scope" };
        const uint32_t v1[] = { 0xc000003e, 0, 6, 0, 0 };
        char **keys = NULL;
        size_t n = 0, size;

        size = rule_data(buf, sizeof(buf), 5, f1, s1, v1);
        CHECK_EQ_INT(audit_rule_data_keys(buf, size, &keys, &n), 0);
        CHECK_EQ_INT(n, 2);
        CHECK_STREQ(keys[0], "identity");
        CHECK_STREQ(keys[1], "scope");
        /* The same keys again add nothing. */
        CHECK_EQ_INT(audit_rule_data_keys(buf, size, &keys, &n), 0);
        CHECK_EQ_INT(n, 2);
        /* Truncated: the strings are cut off, or not even the header is there. */
        CHECK_EQ_INT(audit_rule_data_keys(buf, size - 1, &keys, &n), -EBADMSG);
        CHECK_EQ_INT(audit_rule_data_keys(buf, sizeof(struct audit_rule_data) - 1, &keys, &n), -EBADMSG);
        /* A string length past buflen. */
        ((struct audit_rule_data *) buf)->buflen = 3;
        CHECK_EQ_INT(audit_rule_data_keys(buf, size, &keys, &n), -EBADMSG);
        /* Too many fields. */
        ((struct audit_rule_data *) buf)->field_count = AUDIT_MAX_FIELDS + 1;
        CHECK_EQ_INT(audit_rule_data_keys(buf, size, &keys, &n), -EBADMSG);
        CHECK_EQ_INT(n, 2);
        strv_free(keys);
        /* No key at all: nothing added. */
        keys = NULL, n = 0;
        size = rule_data(buf, sizeof(buf), 1, f1, s1, v1);
        CHECK_EQ_INT(audit_rule_data_keys(buf, size, &keys, &n), 0);
        CHECK_EQ_INT(n, 0);
}

static void test_auditd(void) {
        char *root = fixture_new();
        const CheckContext ctx = { .root = root, .audit = &fake };

        fake_status_r = 0;
        fake_status = (AuditStatus) { .enabled = 2, .pid = 612 };
        fixture_write(root, "/proc/612/comm", "auditd\n");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 1, "audit daemon pid 612 (auditd)");
        CHECK_RESULT_CTX(check_audit_immutable, &ctx, 1, "enabled=2");
        fake_status = (AuditStatus) { .enabled = 1, .pid = 0 };
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "no audit daemon registered");
        CHECK_RESULT_CTX(check_audit_immutable, &ctx, 0, "enabled=1: the rules can be changed");
        fake_status = (AuditStatus) { .enabled = 0, .pid = 0 };
        CHECK_RESULT_CTX(check_audit_immutable, &ctx, 0, "enabled=0: auditing is off");
        /* No netlink (not root): the pid file. */
        fake_status_r = -EPERM;
        CHECK_RESULT_CTX(check_audit_immutable, &ctx, -1, "cannot read the kernel's audit status");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "cannot ask the kernel (Operation not permitted) and no /run/auditd.pid");
        fixture_write(root, "/run/auditd.pid", "612\n");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 1, "auditd pid 612 (from /run/auditd.pid");
        fixture_write(root, "/proc/612/comm", "bash\n");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "which is 'bash', not auditd");
        fixture_write(root, "/run/auditd.pid", "613\n");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "pid 613, which is not running");
        fixture_write(root, "/run/auditd.pid", "x\x01\n");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "holds 'x?', not a pid");
        fixture_write(root, "/run/auditd.pid", "0");
        CHECK_RESULT_CTX(check_audit_auditd, &ctx, 0, "not a pid");
        fixture_free(root);
}

static void copy_hull_rules(const char *root) {
        static const char *const files[] = { "10-base.rules", "30-hull-docker.rules", "30-hull-identity.rules",
                                             "40-hull-exec.rules", "99-finalize.rules" };

        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_free_ char *src = NULL, *dst = NULL, *text = NULL;

                CHECK(asprintf(&src, "../../overlays/etc/audit/rules.d/%s", files[i]) > 0);
                CHECK(asprintf(&dst, "/etc/audit/rules.d/%s", files[i]) > 0);
                CHECK_EQ_INT(read_full_file(src, 1 << 20, &text, NULL), 0);
                fixture_write(root, dst, text ?: "");
        }
}

static void test_rules(void) {
        char *root = fixture_new();
        const CheckContext ctx = { .root = root, .audit = &fake };
        static const char *const some[] = { "docker", "identity", "rootcmd", "other", NULL };
        static const char *const split[] = { "docker", "identity", "scope", "MAC-policy", "auditconfig", NULL };

        fake_keys_r = 0;
        fake_keys = hull_keys;
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "no /etc/audit/rules.d");
        fixture_write(root, "/etc/audit/rules.d/audit.rules", "-D\n-b 8192\n");
        fixture_write(root, "/etc/audit/rules.d/README", "-w /x -k not-a-rules-file\n");
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "no rule in /etc/audit/rules.d/*.rules has a key");
        /* Hull's own rules, all loaded. */
        copy_hull_rules(root);
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 1, "all 9 rule keys of /etc/audit/rules.d are loaded");
        /* Some missing: each named with where it is set. */
        fake_keys = some;
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0,
                         "6 of 9 rule keys not loaded in the kernel: scope (/etc/audit/rules.d/30-hull-identity.rules:13)");
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "MAC-policy (/etc/audit/rules.d/30-hull-identity.rules:17)");
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "kexec (/etc/audit/rules.d/30-hull-identity.rules:33)");
        /* auditctl stopped half-way: the later files' keys are missing. */
        fake_keys = split;
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "4 of 9 rule keys not loaded");
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "rootcmd (/etc/audit/rules.d/40-hull-exec.rules:");
        /* Nothing loaded; the kernel cannot be asked. */
        fake_keys = NULL;
        CHECK_RESULT_CTX(check_audit_rules, &ctx, 0, "9 of 9 rule keys not loaded");
        fake_keys_r = -EPERM;
        CHECK_RESULT_CTX(check_audit_rules, &ctx, -1, "cannot list the kernel's audit rules");
        fixture_free(root);
}

#define AVC_READ                                                                                            \
        "type=AVC msg=audit(1700000100.250:812): avc:  denied  { read write } for  pid=4711 comm=\"cat\" " \
        "name=\"shadow\" dev=\"vda3\" ino=42 scontext=system_u:system_r:container_t:s0:c1,c2 "             \
        "tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0\n"
#define AVC_OLD                                                                                             \
        "type=AVC msg=audit(1699999000.000:5): avc:  denied  { getattr } for  pid=1 comm=\"x\" "           \
        "scontext=a_t tcontext=b_t tclass=dir permissive=0\n"
#define AVC_GRANTED                                                                                         \
        "type=AVC msg=audit(1700000200.000:900): avc:  granted  { setenforce } for  pid=1 "                \
        "scontext=a_t tcontext=b_t tclass=security\n"
#define SYSCALL "type=SYSCALL msg=audit(1700000100.250:812): arch=c000003e syscall=257 success=no exit=-13\n"

static void test_avc_parse(void) {
        AvcDenial a = {};
        uint64_t t;

        CHECK_EQ_INT(avc_denial_parse(AVC_READ, &a), 1);
        CHECK_EQ_INT(a.time, 1700000100);
        CHECK_STREQ(a.permission, "read write");
        CHECK_STREQ(a.scontext, "system_u:system_r:container_t:s0:c1,c2");
        CHECK_STREQ(a.tcontext, "system_u:object_r:shadow_t:s0");
        CHECK_STREQ(a.tclass, "file");
        avc_denial_done(&a);
        CHECK_EQ_INT(avc_denial_parse("node=host1 " AVC_READ, &a), 1);
        CHECK_STREQ(a.tclass, "file");
        avc_denial_done(&a);
        CHECK_EQ_INT(avc_denial_parse("node=host1", &a), 0);
        CHECK_EQ_INT(avc_denial_parse("node=host1 type=SYSCALL x", &a), 0);
        CHECK_EQ_INT(avc_denial_parse(AVC_GRANTED, &a), 0);
        CHECK_EQ_INT(avc_denial_parse(SYSCALL, &a), 0);
        CHECK_EQ_INT(avc_denial_parse("", &a), 0);
        CHECK_EQ_INT(avc_denial_parse("type=AVC", &a), 0);
        CHECK_EQ_INT(avc_denial_parse("type=AVC msg=audit(x): avc: denied { read }", &a), -EBADMSG);
        CHECK_EQ_INT(avc_denial_parse("type=AVC msg=audit(12:3): avc: denied { read }", &a), -EBADMSG);
        CHECK_EQ_INT(avc_denial_parse("type=AVC avc: deniedly", &a), 0);
        /* No fields, no closing brace: "?" each. */
        CHECK_EQ_INT(avc_denial_parse("type=AVC msg=audit(5.0:1): avc: denied { read", &a), 1);
        CHECK_STREQ(a.permission, "?");
        CHECK_STREQ(a.scontext, "?");
        CHECK_STREQ(a.tclass, "?");
        avc_denial_done(&a);
        /* A field name inside another value is not the field. */
        CHECK_EQ_INT(avc_denial_parse("type=AVC msg=audit(5.0:1): avc: denied { } for name=\"xscontext=no\" "
                                      "scontext=yes_t",
                                      &a),
                     1);
        CHECK_STREQ(a.scontext, "yes_t");
        CHECK_STREQ(a.permission, "");
        avc_denial_done(&a);
        CHECK_EQ_INT(audit_record_time("node=h type=X msg=audit(1700000000.123:9): x", &t), 0);
        CHECK_EQ_INT(t, 1700000000);
        CHECK_EQ_INT(audit_record_time("msg=audit(99999999999999999999999.1:1)", &t), -EBADMSG);
        CHECK_EQ_INT(audit_record_time("msg=audit(", &t), -EBADMSG);
        CHECK_EQ_INT(proc_stat_btime("cpu 1 2\nbtime 1700000000\nprocesses 5\n", &t), 0);
        CHECK_EQ_INT(t, 1700000000);
        CHECK_EQ_INT(proc_stat_btime("cpu 1 2\n", &t), -EBADMSG);
        CHECK_EQ_INT(proc_stat_btime("btime -1\n", &t), -EBADMSG);
        CHECK_EQ_INT(proc_stat_btime("btime \n", &t), -EBADMSG);
        CHECK_EQ_INT(proc_stat_btime("", &t), -EBADMSG);
}

static void test_avc_check(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_selinux_avc, root, -1, "cannot read /proc/stat");
        fixture_write(root, "/proc/stat", "cpu 1\nintr 5\n");
        CHECK_RESULT(check_selinux_avc, root, -1, "no btime in /proc/stat");
        fixture_write(root, "/proc/stat", "cpu 1\nbtime 1700000000\n");
        CHECK_RESULT(check_selinux_avc, root, -1, "cannot read /var/log/audit/audit.log");
        /* Before this boot, granted, other records, garbage: none counts. */
        fixture_write(root, "/var/log/audit/audit.log", AVC_OLD AVC_GRANTED SYSCALL "garbage\n\n");
        CHECK_RESULT(check_selinux_avc, root, 1, "no AVC denial since boot (btime 1700000000)");
        fixture_write(root, "/var/log/audit/audit.log", AVC_OLD SYSCALL AVC_READ AVC_READ "type=AVC msg=audit(bad");
        CHECK_RESULT(check_selinux_avc, root, 0,
                     "2 AVC denial(s) since boot; first: { read write } scontext=system_u:system_r:container_t:s0:c1,c2 "
                     "tcontext=system_u:object_r:shadow_t:s0 tclass=file");
        /* Rotated since boot: the earlier denials of this boot are in audit.log.1, and first. */
        fixture_write(root, "/var/log/audit/audit.log.1",
                      AVC_OLD "type=AVC msg=audit(1700000050.000:700): avc:  denied  { execute } for pid=9 "
                              "scontext=s_t tcontext=t_t tclass=file permissive=0\n");
        CHECK_RESULT(check_selinux_avc, root, 0, "3 AVC denial(s) since boot; first: { execute } scontext=s_t tcontext=t_t");
        /* A NUL in a line (a torn write) skips that line only. */
        fixture_bytes(root, "/var/log/audit/audit.log", AVC_READ "ab\0c\n" AVC_READ, sizeof(AVC_READ AVC_READ) + 4, 0600);
        CHECK_RESULT(check_selinux_avc, root, 0, "3 AVC denial(s)");
        fixture_free(root);
}

int main(void) {
        test_rules_keys();
        test_rule_data();
        test_auditd();
        test_rules();
        test_avc_parse();
        test_avc_check();
        return TEST_RETURN();
}
